//! `fw_cancel`: an object another thread triggers to end the requests
//! that watch it (Go's context, C++'s stop token), given to requests
//! through a `fw_request_options`.

use super::boundary;
use super::fw_error::fw_error;
use super::fw_result::fw_result;
use super::handle::{Handle, out};
use fwclient_core::http::Cancel;

/// A cancel object: once triggered, every request made with it (through a
/// fw_request_options) ends with FW_ERR_CANCELED, an in-flight one within
/// about 20 ms. Thread-safe: trigger it from any thread.
#[allow(non_camel_case_types)]
pub struct fw_cancel {
    _private: [u8; 0],
}

impl Handle for fw_cancel {
    type Inner = Cancel;
    const NAME: &'static str = "cancel";
}

/// Creates a cancel object, not triggered.
///
/// @param out_cancel  Receives the object, to free with fw_cancel_free.
/// @param err         NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL @p out_cancel.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_cancel_new(
    out_cancel: *mut *mut fw_cancel,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or writable.
        let slot = unsafe { out(out_cancel, "out_cancel")? };
        *slot = fw_cancel::into_raw(Cancel::new());
        Ok(())
    })
}

/// Triggers the cancel object: requests using it end with FW_ERR_CANCELED
/// (an in-flight one within about 20 ms; later ones at once). It stays
/// triggered.
///
/// @param cancel  The cancel object.
/// @param err     NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL @p cancel.
///
/// Thread safety: may be called from any thread, during a request using it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_cancel_trigger(
    cancel: *const fw_cancel,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live.
        unsafe { fw_cancel::arg(cancel)? }.trigger();
        Ok(())
    })
}

/// Frees a cancel object. Request options holding it keep their own
/// reference.
///
/// @param cancel  The object; NULL is a no-op. Not to be used afterwards.
///
/// Thread safety: must not race another call on the same object.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_cancel_free(cancel: *mut fw_cancel) {
    // SAFETY: NULL or live and not used afterwards.
    boundary::run_or((), || unsafe { fw_cancel::free(cancel) })
}
