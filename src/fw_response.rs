//! `fw_response`: a successful answer, read whole.

use std::ffi::c_char;

use super::boundary;
use super::fw_result::fw_result;
use super::handle::{Handle, out};
use super::strings;
use fwclient_core::error::{Error, ErrorKind};
use fwclient_core::http::Response;

/// A 2xx answer: status, headers and body. Read-only: safe to read from
/// several threads.
#[allow(non_camel_case_types)]
pub struct fw_response {
    _private: [u8; 0],
}

impl Handle for fw_response {
    type Inner = Response;
    const NAME: &'static str = "response";
}

/// The HTTP status; 0 when `r` is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_response_status(r: *const fw_response) -> u16 {
    // SAFETY: NULL or live.
    boundary::run_or(0, || unsafe { fw_response::arg(r) }.map_or(0, |r| r.status))
}

/// The body: `*data` is borrowed until fw_response_free (not NUL-terminated).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_response_body(
    r: *const fw_response,
    data: *mut *const u8,
    len: *mut usize,
) -> fw_result {
    boundary::run(std::ptr::null_mut(), || {
        // SAFETY: NULL or live / writable.
        let (resp, data, len) =
            unsafe { (fw_response::arg(r)?, out(data, "data")?, out(len, "len")?) };
        *data = resp.body.as_ptr();
        *len = resp.body.len();
        Ok(())
    })
}

/// The first value of header `name` (case-insensitive), as a new string
/// (free with fw_string_free); `*value` is NULL when the header is absent.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_response_header(
    r: *const fw_response,
    name: *const c_char,
    value: *mut *mut c_char,
) -> fw_result {
    boundary::run(std::ptr::null_mut(), || {
        // SAFETY: NULL or live / writable.
        let (resp, name, slot) = unsafe {
            (
                fw_response::arg(r)?,
                strings::arg(name, "name")?,
                out(value, "value")?,
            )
        };
        *slot = strings::opt_to_c(resp.header(name).as_deref())
            .map_err(|_| Error::new(ErrorKind::BadResponse, "a header value holds a NUL byte"))?;
        Ok(())
    })
}

/// The number of headers of the answer (a name received twice counts twice).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_response_header_count(
    r: *const fw_response,
    count: *mut usize,
) -> fw_result {
    boundary::run(std::ptr::null_mut(), || {
        // SAFETY: NULL or live / writable.
        let (resp, slot) = unsafe { (fw_response::arg(r)?, out(count, "count")?) };
        *slot = resp.headers.len();
        Ok(())
    })
}

/// Header number `index` (0-based, in the order received): its name in
/// lower case and its value, as new strings (free both with fw_string_free).
/// FW_ERR_INVALID_ARGUMENT when `index` is not below fw_response_header_count.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_response_header_at(
    r: *const fw_response,
    index: usize,
    name: *mut *mut c_char,
    value: *mut *mut c_char,
) -> fw_result {
    boundary::run(std::ptr::null_mut(), || {
        // SAFETY: NULL or live / writable.
        let (resp, name_slot, value_slot) = unsafe {
            (
                fw_response::arg(r)?,
                out(name, "name")?,
                out(value, "value")?,
            )
        };
        let (n, v) = resp.header_at(index).ok_or_else(|| {
            Error::invalid_argument(format!(
                "header index {index} is out of range ({} headers)",
                resp.headers.len()
            ))
        })?;
        let n = strings::to_c(n)?;
        let v = match strings::to_c(&v) {
            Ok(v) => v,
            Err(e) => {
                // SAFETY: `n` was just made by to_c.
                unsafe { strings::fw_string_free(n) };
                return Err(e);
            }
        };
        *name_slot = n;
        *value_slot = v;
        Ok(())
    })
}

/// Frees a response; NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_response_free(r: *mut fw_response) {
    // SAFETY: NULL or live, not used afterwards.
    boundary::run_or((), || unsafe { fw_response::free(r) })
}
