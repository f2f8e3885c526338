//! `fw_error`: the detail of a failed call, handed to the caller through the
//! optional trailing `fw_error **err` of every fallible function.

use std::ffi::{CString, c_char};
use std::ptr;

use super::boundary;
use super::fw_result::fw_result;
use super::handle::{Handle, out};
use fwclient_core::error::Error;

/// The detail of a failed call: code, message, and what the server said.
/// Free with fw_error_free. Read-only: safe to read from several threads.
#[allow(non_camel_case_types)]
pub struct fw_error {
    _private: [u8; 0],
}

/// What an `fw_error` handle holds: the error and C copies of its strings.
pub(crate) struct ErrorBox {
    pub(crate) error: Error,
    message: CString,
    server_id: Option<CString>,
    url: Option<CString>,
    tos_form_url: Option<CString>,
}

impl Handle for fw_error {
    type Inner = ErrorBox;
    const NAME: &'static str = "error";
}

fn c_lossy(s: &str) -> CString {
    CString::new(s.replace('\0', "\u{FFFD}")).unwrap_or_default()
}

impl ErrorBox {
    fn new(error: Error) -> ErrorBox {
        let detail = error.detail();
        let field = |f: fn(&fwclient_core::error::HttpDetail) -> Option<&String>| {
            detail.and_then(f).map(|s| c_lossy(s))
        };
        ErrorBox {
            message: c_lossy(error.message()),
            server_id: field(|d| d.server_id.as_ref()),
            url: field(|d| d.url.as_ref()),
            tos_form_url: field(|d| d.tos_form_url.as_ref()),
            error,
        }
    }
}

/// Writes `error` to `*err` when `err` is not NULL.
///
/// # Safety
/// `err` is NULL or valid for writes.
pub(crate) unsafe fn store_error(err: *mut *mut fw_error, error: Error) {
    if !err.is_null() {
        // SAFETY: non-NULL and writable, as documented.
        unsafe { *err = fw_error::into_raw(ErrorBox::new(error)) };
    }
}

fn opt_ptr(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(ptr::null(), |c| c.as_ptr())
}

/// The error's message, for people. Never holds a token. Borrowed until
/// fw_error_free; NULL when `e` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_error_message(e: *const fw_error) -> *const c_char {
    // SAFETY: `e` is NULL or a live error.
    boundary::run_or(ptr::null(), || {
        unsafe { fw_error::arg(e) }.map_or(ptr::null(), |b| b.message.as_ptr())
    })
}

/// The error's code; FW_ERR_INVALID_ARGUMENT when `e` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_error_code(e: *const fw_error) -> fw_result {
    boundary::run_or(fw_result::FW_ERR_PANIC, || {
        // SAFETY: `e` is NULL or a live error.
        unsafe { fw_error::arg(e) }.map_or(fw_result::FW_ERR_INVALID_ARGUMENT, |b| {
            b.error.kind().into()
        })
    })
}

/// The HTTP status of the server's answer; 0 when the error did not come
/// from an answer (or `e` is NULL).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_error_http_status(e: *const fw_error) -> u16 {
    // SAFETY: `e` is NULL or a live error.
    boundary::run_or(0, || {
        unsafe { fw_error::arg(e) }.map_or(0, |b| b.error.http_status())
    })
}

/// The server's error id ("no_token", "invalid_token", "missing_tos",
/// "missing_permission", ...); NULL when none. Borrowed until fw_error_free.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_error_server_id(e: *const fw_error) -> *const c_char {
    // SAFETY: `e` is NULL or a live error.
    boundary::run_or(ptr::null(), || {
        unsafe { fw_error::arg(e) }.map_or(ptr::null(), |b| opt_ptr(&b.server_id))
    })
}

/// The URL of the request that failed; NULL when none. Borrowed until
/// fw_error_free.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_error_url(e: *const fw_error) -> *const c_char {
    // SAFETY: `e` is NULL or a live error.
    boundary::run_or(ptr::null(), || {
        unsafe { fw_error::arg(e) }.map_or(ptr::null(), |b| opt_ptr(&b.url))
    })
}

/// The Terms-of-Service form to accept, for FW_ERR_MISSING_TOS; NULL
/// otherwise. Borrowed until fw_error_free.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_error_tos_form_url(e: *const fw_error) -> *const c_char {
    // SAFETY: `e` is NULL or a live error.
    boundary::run_or(ptr::null(), || {
        unsafe { fw_error::arg(e) }.map_or(ptr::null(), |b| opt_ptr(&b.tos_form_url))
    })
}

/// The body of the server's answer (empty when none). `*data` is borrowed
/// until fw_error_free.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_error_body(
    e: *const fw_error,
    data: *mut *const u8,
    len: *mut usize,
) -> fw_result {
    boundary::run(ptr::null_mut(), || {
        // SAFETY: each pointer is NULL or valid, as documented.
        let (b, data, len) = unsafe { (fw_error::arg(e)?, out(data, "data")?, out(len, "len")?) };
        let body = b.error.detail().map_or(&[][..], |d| &d.body[..]);
        *data = body.as_ptr();
        *len = body.len();
        Ok(())
    })
}

/// Frees an error; NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_error_free(e: *mut fw_error) {
    // SAFETY: `e` is NULL or a live error not used afterwards.
    boundary::run_or((), || unsafe { fw_error::free(e) })
}
