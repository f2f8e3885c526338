//! The one boundary every exported function body runs in: a caught panic
//! becomes `FW_ERR_PANIC`, a core error becomes its code plus an optional
//! `fw_error`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use super::fw_error::{fw_error, store_error};
use super::fw_result::fw_result;
use fwclient_core::error::{Error, ErrorKind, Result};

/// Runs `body`; on failure writes the error to `*err` (when `err` is not
/// NULL) and returns its code.
pub(crate) fn run(err: *mut *mut fw_error, body: impl FnOnce() -> Result<()>) -> fw_result {
    let outcome = catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| {
        Err(Error::new(
            ErrorKind::Panic,
            "internal error in fwclient (a panic was caught); please report it",
        ))
    });
    match outcome {
        Ok(()) => fw_result::FW_OK,
        Err(e) => {
            let kind = e.kind();
            // SAFETY: `err` is NULL or points to writable storage, as documented.
            unsafe { store_error(err, e) };
            kind.into()
        }
    }
}

/// Runs an infallible `body`, returning `fallback` if it panics.
pub(crate) fn run_or<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}
