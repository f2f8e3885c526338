//! `fw_request_options`: what one request may set beyond the client's
//! options, in the style of libgit2's option structs kept opaque (as
//! rustls-ffi does): a timeout for the whole request and a cancel object.
//! Given to fw_client_with_request_options, whose view makes the requests.

use std::time::Duration;

use super::boundary;
use super::fw_cancel::fw_cancel;
use super::fw_error::fw_error;
use super::fw_result::fw_result;
use super::handle::{Handle, out};
use fwclient_core::http::RequestOptions;

/// Per-request options: a timeout and a cancel object. Read during the call
/// that takes them; one may serve any number of calls.
#[allow(non_camel_case_types)]
pub struct fw_request_options {
    _private: [u8; 0],
}

impl Handle for fw_request_options {
    type Inner = RequestOptions;
    const NAME: &'static str = "request_options";
}

/// Creates per-request options: no timeout of their own (the client's
/// overall timeout applies) and no cancel object.
///
/// @param out_opts  Receives the options, to free with fw_request_options_free.
/// @param err       NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL @p out_opts.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_request_options_new(
    out_opts: *mut *mut fw_request_options,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or writable.
        let slot = unsafe { out(out_opts, "out_opts")? };
        *slot = fw_request_options::into_raw(RequestOptions::default());
        Ok(())
    })
}

/// Sets the request's total time (connect, retries, redirects, body),
/// replacing the client's overall timeout; it ends with FW_ERR_TIMEOUT.
///
/// @param opts        The options.
/// @param timeout_ms  Milliseconds; 0: none of its own, the client's applies.
/// @param err         NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL @p opts.
///
/// Thread safety: must not race another call on the same options.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_request_options_set_timeout_ms(
    opts: *mut fw_request_options,
    timeout_ms: u64,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live.
        let opts = unsafe { fw_request_options::arg_mut(opts)? };
        opts.set_timeout(Duration::from_millis(timeout_ms));
        Ok(())
    })
}

/// Makes requests with these options end when @p cancel is triggered.
///
/// @param opts    The options.
/// @param cancel  The cancel object (the options keep their own reference:
///                it may be freed first); NULL removes it.
/// @param err     NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL @p opts.
///
/// Thread safety: must not race another call on the same options.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_request_options_set_cancel(
    opts: *mut fw_request_options,
    cancel: *const fw_cancel,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live.
        let opts = unsafe { fw_request_options::arg_mut(opts)? };
        opts.set_cancel(if cancel.is_null() {
            None
        } else {
            // SAFETY: live, as documented.
            Some(unsafe { fw_cancel::arg(cancel)? }.clone())
        });
        Ok(())
    })
}

/// Frees per-request options.
///
/// @param opts  The options; NULL is a no-op. Not to be used afterwards.
///
/// Thread safety: must not race another call on the same options.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_request_options_free(opts: *mut fw_request_options) {
    // SAFETY: NULL or live and not used afterwards.
    boundary::run_or((), || unsafe { fw_request_options::free(opts) })
}
