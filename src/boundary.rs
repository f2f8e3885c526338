//! The one boundary every exported function body runs in: a caught panic
//! becomes `FW_ERR_PANIC` with a message, a core error becomes its code plus
//! an optional `fw_error`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use super::fw_error::{ErrorBox, fw_error, store_error};
use super::fw_result::fw_result;
use fwclient_core::Result;

/// The message of `FW_ERR_PANIC`.
pub(crate) const PANIC_MESSAGE: &str =
    "internal error in fwclient (a panic was caught); please report it";

/// Runs `body`; on failure writes the error to `*err` (when `err` is not
/// NULL and `*err` is NULL: GLib's GError rule) and returns its code.
pub(crate) fn run(err: *mut *mut fw_error, body: impl FnOnce() -> Result<()>) -> fw_result {
    let failure = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return fw_result::FW_OK,
        Ok(Err(e)) => ErrorBox::from(e),
        Err(_) => ErrorBox::panic(PANIC_MESSAGE),
    };
    let code = failure.code();
    // SAFETY: `err` is NULL or points to writable storage, as documented.
    unsafe { store_error(err, failure) };
    code
}

/// Runs an infallible `body`, returning `fallback` if it panics.
pub(crate) fn run_or<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}
