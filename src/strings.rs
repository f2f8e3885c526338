//! Strings across the boundary: borrowed UTF-8 in, owned NUL-terminated
//! out (freed, and zeroed, by `fw_string_free`), and the static strings.

use std::ffi::{CStr, CString, c_char};

use zeroize::Zeroize;

use super::boundary;
use super::fw_result::fw_result;
use super::handle::null_arg;
use fwclient_core::error::{Error, ErrorKind, Result};

/// Longest string accepted from C (1 MiB): a longer one is a caller's bug.
pub(crate) const MAX_INPUT_BYTES: usize = 1 << 20;

/// Borrows a required C string as UTF-8.
///
/// # Safety
/// `p` is NULL or a NUL-terminated string valid during the call.
pub(crate) unsafe fn arg<'a>(p: *const c_char, name: &str) -> Result<&'a str> {
    // SAFETY: forwarded.
    unsafe { opt_arg(p, name) }?.ok_or_else(|| null_arg(name))
}

/// Borrows an optional C string (NULL means "default") as UTF-8.
///
/// # Safety
/// `p` is NULL or a NUL-terminated string valid during the call.
pub(crate) unsafe fn opt_arg<'a>(p: *const c_char, name: &str) -> Result<Option<&'a str>> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller passes a NUL-terminated string.
    let bytes = unsafe { CStr::from_ptr(p) }.to_bytes();
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(Error::invalid_argument(format!(
            "argument `{name}` is longer than {MAX_INPUT_BYTES} bytes"
        )));
    }
    std::str::from_utf8(bytes)
        .map(Some)
        .map_err(|_| Error::invalid_argument(format!("argument `{name}` is not valid UTF-8")))
}

/// An owned C string for the caller, freed with `fw_string_free`.
pub(crate) fn to_c(s: &str) -> Result<*mut c_char> {
    CString::new(s)
        .map(CString::into_raw)
        .map_err(|_| Error::new(ErrorKind::BadResponse, "a string holds a NUL byte"))
}

/// `Bearer <token>` as an owned C string, built in place (one allocation).
pub(crate) fn bearer_to_c(token: &fwclient_core::token::Token) -> Result<*mut c_char> {
    const PREFIX: &[u8] = fwclient_core::token::BEARER_PREFIX.as_bytes();
    let t = token.expose().as_bytes();
    let mut bytes = Vec::with_capacity(PREFIX.len() + t.len() + 1);
    bytes.extend_from_slice(PREFIX);
    bytes.extend_from_slice(t);
    // A token never holds a NUL (Token::check), so this cannot fail.
    CString::new(bytes)
        .map(CString::into_raw)
        .map_err(|_| Error::new(ErrorKind::BadResponse, "a string holds a NUL byte"))
}

/// Like [`to_c`], NULL for `None`.
pub(crate) fn opt_to_c(s: Option<&str>) -> Result<*mut c_char> {
    s.map_or(Ok(std::ptr::null_mut()), to_c)
}

/// Frees a string returned by fwclient, zeroing its bytes first.
///
/// @param s  The string; NULL is a no-op. Not to be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_string_free(s: *mut c_char) {
    boundary::run_or((), || {
        if !s.is_null() {
            // SAFETY: `s` came from CString::into_raw in this library.
            let owned = unsafe { CString::from_raw(s) };
            owned.into_bytes_with_nul().zeroize();
        }
    })
}

/// The name of a result code, e.g. "FW_ERR_IO".
///
/// @param code  Any number.
/// @return A static string; "FW_UNKNOWN_RESULT" for a number that is not a code.
#[unsafe(no_mangle)]
pub extern "C" fn fw_result_name(code: u32) -> *const c_char {
    boundary::run_or(c"FW_UNKNOWN_RESULT".as_ptr(), || {
        fw_result::from_u32(code).map_or(c"FW_UNKNOWN_RESULT".as_ptr(), |r| r.name().as_ptr())
    })
}

/// The library's version, e.g. "0.3.0" (compare with FW_VERSION_STRING).
///
/// @return A static string.
#[unsafe(no_mangle)]
pub extern "C" fn fw_version() -> *const c_char {
    const VERSION: &CStr =
        match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(v) => v,
            Err(_) => panic!("version holds a NUL"),
        };
    VERSION.as_ptr()
}

/// The library's version as a number, (major << 16) | (minor << 8) | patch,
/// to compare with FW_VERSION_NUMBER, the version of the header a program
/// was built against.
///
/// @return The number.
#[unsafe(no_mangle)]
pub extern "C" fn fw_version_number() -> u32 {
    const fn part(s: &str, n: usize) -> u32 {
        let b = s.as_bytes();
        let (mut i, mut field, mut value) = (0, 0, 0u32);
        while i < b.len() {
            match b[i] {
                b'.' => field += 1,
                d @ b'0'..=b'9' if field == n => value = value * 10 + (d - b'0') as u32,
                b'0'..=b'9' => {}
                _ => break,
            }
            i += 1;
        }
        value
    }
    const V: &str = env!("CARGO_PKG_VERSION");
    (part(V, 0) << 16) | (part(V, 1) << 8) | part(V, 2)
}
