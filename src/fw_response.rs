//! `fw_response`: a successful answer, read whole.

use std::ffi::c_char;
use std::sync::OnceLock;

use super::boundary;
use super::fw_error::fw_error;
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

/// What an `fw_response` handle holds: the answer, and its headers as a
/// list indexed by fw_response_header_at (built on first use).
pub struct ResponseBox {
    response: Response,
    list: OnceLock<Vec<(String, String)>>,
}

impl From<Response> for ResponseBox {
    fn from(response: Response) -> ResponseBox {
        ResponseBox {
            response,
            list: OnceLock::new(),
        }
    }
}

impl ResponseBox {
    fn list(&self) -> &[(String, String)] {
        self.list.get_or_init(|| header_list(&self.response))
    }
}

/// The headers of `resp` as (lower-case name, value) pairs, for indexing.
pub(crate) fn header_list(resp: &Response) -> Vec<(String, String)> {
    resp.headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// The value of header `name` of `resp` as a new C string (NULL when absent).
pub(crate) fn header_to_c(resp: &Response, name: &str) -> fwclient_core::Result<*mut c_char> {
    strings::opt_to_c(resp.header(name).as_deref())
        .map_err(|_| Error::new(ErrorKind::BadResponse, "a header value holds a NUL byte"))
}

/// Writes header number `index` of `list` to the two slots, or nothing on error.
pub(crate) fn header_at(
    list: &[(String, String)],
    index: usize,
    name_slot: &mut *mut c_char,
    value_slot: &mut *mut c_char,
) -> fwclient_core::Result<()> {
    let (n, v) = list.get(index).ok_or_else(|| {
        Error::invalid_argument(format!(
            "argument `index` ({index}) is out of range ({} headers)",
            list.len()
        ))
    })?;
    let n = strings::to_c(n)?;
    let v = match strings::to_c(v) {
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
}

impl Handle for fw_response {
    type Inner = ResponseBox;
    const NAME: &'static str = "response";
}

/// Reads the response behind `response`; `none` when it is NULL.
fn read<T: Copy>(response: *const fw_response, none: T, get: impl FnOnce(&ResponseBox) -> T) -> T {
    // SAFETY: `response` is NULL or live, as documented.
    boundary::run_or(none, || {
        unsafe { fw_response::arg(response) }.map_or(none, get)
    })
}

/// The HTTP status.
///
/// @param response  The response (NULL allowed).
/// @return          The status (200..299); 0 when @p response is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_response_status(response: *const fw_response) -> u16 {
    read(response, 0, |r| r.response.status)
}

/// The body.
///
/// @param response  The response (NULL allowed).
/// @param out_len   Receives the body's length in bytes (NULL allowed when
///                  not wanted); 0 for an empty body.
/// @return          The bytes (not NUL-terminated), borrowed from
///                  @p response until fw_response_free; NULL when the body
///                  is empty or @p response is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_response_body(
    response: *const fw_response,
    out_len: *mut usize,
) -> *const u8 {
    let (data, n) = read(response, (std::ptr::null(), 0), |r| {
        let body = &r.response.body;
        if body.is_empty() {
            (std::ptr::null(), 0)
        } else {
            (body.as_ptr(), body.len())
        }
    });
    if !out_len.is_null() {
        // SAFETY: writable, as documented.
        unsafe { *out_len = n };
    }
    data
}

/// The value of a header; the values of a header received more than once
/// are joined with ", " (RFC 9110).
///
/// @param response   The response.
/// @param name       The header's name, any case.
/// @param out_value  Receives a new string (free with fw_string_free), or
///                   NULL when the header is absent.
/// @param err        NULL, or receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL or non-UTF-8 argument;
///         FW_ERR_BAD_RESPONSE when a value holds a NUL byte.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_response_header(
    response: *const fw_response,
    name: *const c_char,
    out_value: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let (resp, name, slot) = unsafe {
            (
                fw_response::arg(response)?,
                strings::arg(name, "name")?,
                out(out_value, "out_value")?,
            )
        };
        *slot = header_to_c(&resp.response, name)?;
        Ok(())
    })
}

/// The number of headers of the answer; a name received twice counts twice.
///
/// @param response  The response (NULL allowed).
/// @return          The count; 0 when @p response is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_response_header_count(response: *const fw_response) -> usize {
    read(response, 0, |r| r.list().len())
}

/// Header number @p index, in constant time. Headers come in the order
/// received, except that a repeated name's later values follow its first
/// one (each value its own entry).
///
/// @param response   The response.
/// @param index      0-based, below fw_response_header_count.
/// @param out_name   Receives the name in lower case (free with fw_string_free).
/// @param out_value  Receives the value (free with fw_string_free).
/// @param err        NULL, or receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL argument or an
///         @p index out of range (nothing is written then).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_response_header_at(
    response: *const fw_response,
    index: usize,
    out_name: *mut *mut c_char,
    out_value: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let (resp, name_slot, value_slot) = unsafe {
            (
                fw_response::arg(response)?,
                out(out_name, "out_name")?,
                out(out_value, "out_value")?,
            )
        };
        header_at(resp.list(), index, name_slot, value_slot)
    })
}

/// Frees a response.
///
/// @param response  The response; NULL is a no-op. Not to be used afterwards
///                  (nor the body borrowed from it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_response_free(response: *mut fw_response) {
    // SAFETY: NULL or live, not used afterwards.
    boundary::run_or((), || unsafe { fw_response::free(response) })
}
