//! `fw_error`: the detail of a failed call, handed to the caller through the
//! trailing `fw_error **err` of every function that returns `fw_result`.

use std::ffi::{CString, c_char};
use std::ptr;

use super::boundary;
use super::fw_remedy::{c_message, fw_remedy};
use super::fw_result::fw_result;
use super::handle::Handle;
use fwclient_core::Error;

/// The detail of a failed call: code, message, and what the server said.
/// Free with fw_error_free. Read-only: safe to read from several threads.
#[allow(non_camel_case_types)]
pub struct fw_error {
    _private: [u8; 0],
}

/// What an `fw_error` handle holds: its code, and C copies of the core
/// error's strings.
pub(crate) struct ErrorBox {
    code: fw_result,
    /// The problem, then the fix in C's words.
    message: CString,
    /// The problem alone.
    problem: CString,
    remedy: fw_remedy,
    remedy_data: Option<CString>,
    status: u16,
    server_id: Option<CString>,
    url: Option<CString>,
    tos_form_url: Option<CString>,
    body: Vec<u8>,
}

impl Handle for fw_error {
    type Inner = ErrorBox;
    const NAME: &'static str = "error";
}

fn c_lossy(s: &str) -> CString {
    CString::new(s.replace('\0', "\u{FFFD}")).unwrap_or_default()
}

impl From<Error> for ErrorBox {
    fn from(error: Error) -> ErrorBox {
        let detail = error.detail();
        let field = |f: fn(&fwclient_core::error::HttpDetail) -> Option<&String>| {
            detail.and_then(f).map(|s| c_lossy(s))
        };
        let remedy = error.remedy();
        ErrorBox {
            code: error.kind().into(),
            message: c_lossy(&c_message(error.message(), remedy)),
            problem: c_lossy(error.message()),
            remedy: remedy.into(),
            remedy_data: remedy.data().map(c_lossy),
            status: error.http_status(),
            server_id: field(|d| d.server_id.as_ref()),
            url: field(|d| d.url.as_ref()),
            tos_form_url: field(|d| d.tos_form_url.as_ref()),
            body: detail.map_or_else(Vec::new, |d| d.body.clone()),
        }
    }
}

impl ErrorBox {
    /// The error of a panic caught at the boundary.
    pub(crate) fn panic(message: &str) -> ErrorBox {
        ErrorBox {
            code: fw_result::FW_ERR_PANIC,
            message: c_lossy(message),
            problem: c_lossy(message),
            remedy: fw_remedy::FW_REMEDY_NONE,
            remedy_data: None,
            status: 0,
            server_id: None,
            url: None,
            tos_form_url: None,
            body: Vec::new(),
        }
    }

    pub(crate) fn code(&self) -> fw_result {
        self.code
    }
}

/// Hands `error` to the caller through `err`, following GLib's GError rule:
/// written only when `err` is not NULL and `*err` is NULL; otherwise the new
/// error is dropped and an earlier one is left untouched.
///
/// # Safety
/// `err` is NULL or valid for reads and writes.
pub(crate) unsafe fn store_error(err: *mut *mut fw_error, error: ErrorBox) {
    // SAFETY: non-NULL and valid, as documented.
    if !err.is_null() && unsafe { (*err).is_null() } {
        // SAFETY: as above.
        unsafe { *err = fw_error::into_raw(error) };
    }
}

fn opt_ptr(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(ptr::null(), |c| c.as_ptr())
}

/// Reads a field of the error behind `e`; `none` when `e` is NULL.
fn read<T: Copy>(e: *const fw_error, none: T, get: impl FnOnce(&ErrorBox) -> T) -> T {
    // SAFETY: `e` is NULL or a live error, as documented.
    boundary::run_or(none, || unsafe { fw_error::arg(e) }.map_or(none, get))
}

/// The error's message, for people: the problem, then what fixes it in
/// C's words (the remedy). Never holds a token.
///
/// @param e  The error (NULL allowed).
/// @return   A NUL-terminated UTF-8 string borrowed from @p e until
///           fw_error_free; NULL when @p e is NULL.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_error_message(e: *const fw_error) -> *const c_char {
    read(e, ptr::null(), |b| b.message.as_ptr())
}

/// The error's problem alone, without the fix in C's words that
/// fw_error_message adds: for a binding that says the fix (fw_error_remedy)
/// in its own words. Never holds a token.
///
/// @param e  The error (NULL allowed).
/// @return   A NUL-terminated UTF-8 string borrowed from @p e until
///           fw_error_free; NULL when @p e is NULL.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_error_problem(e: *const fw_error) -> *const c_char {
    read(e, ptr::null(), |b| b.problem.as_ptr())
}

/// What fixes the error (its data: fw_error_remedy_data).
///
/// @param e  The error (NULL allowed).
/// @return   An fw_remedy value; FW_REMEDY_NONE when nothing specific does
///           or @p e is NULL.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_error_remedy(e: *const fw_error) -> fw_remedy {
    read(e, fw_remedy::FW_REMEDY_NONE, |b| b.remedy)
}

/// The data of the remedy: the file (FW_REMEDY_REPLACE_INVALID), origin
/// (FW_REMEDY_TRUST_ORIGIN, FW_REMEDY_ALLOW_INSECURE_HTTP), address
/// (FW_REMEDY_USE_ADDRESS), variable (FW_REMEDY_UNSET_VARIABLE), URL
/// (FW_REMEDY_ACCEPT_TERMS) or shell command (FW_REMEDY_RUN_COMMAND).
///
/// @param e  The error (NULL allowed).
/// @return   A string borrowed from @p e until fw_error_free; NULL for a
///           remedy without data or when @p e is NULL.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_error_remedy_data(e: *const fw_error) -> *const c_char {
    read(e, ptr::null(), |b| opt_ptr(&b.remedy_data))
}

/// The error's code.
///
/// @param e  The error (NULL allowed).
/// @return   Its fw_result code; FW_ERR_INVALID_ARGUMENT when @p e is NULL.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_error_code(e: *const fw_error) -> fw_result {
    read(e, fw_result::FW_ERR_INVALID_ARGUMENT, |b| b.code)
}

/// The HTTP status of the server's answer that caused the error.
///
/// @param e  The error (NULL allowed).
/// @return   The status; 0 when the error did not come from an answer or
///           @p e is NULL.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_error_http_status(e: *const fw_error) -> u16 {
    read(e, 0, |b| b.status)
}

/// The server's error id ("no_token", "invalid_token", "missing_tos",
/// "missing_permission", ...).
///
/// @param e  The error (NULL allowed).
/// @return   A string borrowed from @p e until fw_error_free; NULL when the
///           answer carried none or @p e is NULL.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_error_server_id(e: *const fw_error) -> *const c_char {
    read(e, ptr::null(), |b| opt_ptr(&b.server_id))
}

/// The URL of the request that failed (never holds a token).
///
/// @param e  The error (NULL allowed).
/// @return   A string borrowed from @p e until fw_error_free; NULL when the
///           error did not come from a request or @p e is NULL.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_error_url(e: *const fw_error) -> *const c_char {
    read(e, ptr::null(), |b| opt_ptr(&b.url))
}

/// The Terms-of-Service form the user must accept, for FW_ERR_MISSING_TOS.
///
/// @param e  The error (NULL allowed).
/// @return   A string borrowed from @p e until fw_error_free; NULL for other
///           errors or when @p e is NULL.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_error_tos_form_url(e: *const fw_error) -> *const c_char {
    read(e, ptr::null(), |b| opt_ptr(&b.tos_form_url))
}

/// The body of the server's answer that caused the error (any token in it
/// masked): its first 64 KiB at most, an excerpt (the rest of the body of
/// an error answer is never read).
///
/// @param e        The error (NULL allowed).
/// @param out_len  Receives the body's length in bytes; 0 when there is none
///                 (NULL allowed when not wanted).
/// @return     The bytes (not NUL-terminated), borrowed from @p e until
///             fw_error_free; NULL when there is no body or @p e is NULL.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_error_body(e: *const fw_error, out_len: *mut usize) -> *const u8 {
    let body = read(e, None, |b| Some((b.body.as_ptr(), b.body.len())));
    let (data, n) = match body {
        Some((p, n)) if n > 0 => (p, n),
        _ => (ptr::null(), 0),
    };
    if !out_len.is_null() {
        // SAFETY: writable, as documented.
        unsafe { *out_len = n };
    }
    data
}

/// Frees an error.
///
/// @param e  The error; NULL is a no-op. Not to be used afterwards.
///
/// Thread safety: must not race any other call on the same error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_error_free(e: *mut fw_error) {
    // SAFETY: `e` is NULL or a live error not used afterwards.
    boundary::run_or((), || unsafe { fw_error::free(e) })
}
