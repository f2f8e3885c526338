//! `fw_stream`: a 2xx answer whose body is read in chunks (fw_client_open).

use std::ffi::c_char;
use std::sync::OnceLock;

use super::boundary;
use super::fw_error::fw_error;
use super::fw_response::{header_at, header_list, header_to_c};
use super::fw_result::fw_result;
use super::handle::{Handle, out};
use super::strings;
use fwclient_core::error::Error;
use fwclient_core::http::Stream;

/// A 2xx answer whose status and headers are known and whose body is read
/// with fw_stream_read. Not thread-safe: one thread at a time.
#[allow(non_camel_case_types)]
pub struct fw_stream {
    _private: [u8; 0],
}

/// What an `fw_stream` handle holds: the stream, and its headers as a list
/// indexed by fw_stream_header_at (built on first use).
pub struct StreamBox {
    stream: Stream,
    list: OnceLock<Vec<(String, String)>>,
}

impl From<Stream> for StreamBox {
    fn from(stream: Stream) -> StreamBox {
        StreamBox {
            stream,
            list: OnceLock::new(),
        }
    }
}

impl Handle for fw_stream {
    type Inner = StreamBox;
    const NAME: &'static str = "stream";
}

/// The HTTP status of a stream's answer.
///
/// @param stream  The stream (NULL allowed).
/// @return        The status (200..299); 0 when @p stream is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_stream_status(stream: *const fw_stream) -> u16 {
    // SAFETY: NULL or live.
    boundary::run_or(0, || {
        unsafe { fw_stream::arg(stream) }.map_or(0, |s| s.stream.status())
    })
}

/// The value of a header of a stream's answer; the values of a header
/// received more than once are joined with ", " (RFC 9110). Available
/// before any of the body is read.
///
/// @param stream     The stream.
/// @param name       The header's name, any case.
/// @param out_value  Receives a new string (free with fw_string_free), or
///                   NULL when the header is absent.
/// @param err        NULL, or receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL or non-UTF-8 argument;
///         FW_ERR_BAD_RESPONSE when a value holds a NUL byte.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_stream_header(
    stream: *const fw_stream,
    name: *const c_char,
    out_value: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let (s, name, slot) = unsafe {
            (
                fw_stream::arg(stream)?,
                strings::arg(name, "name")?,
                out(out_value, "out_value")?,
            )
        };
        *slot = header_to_c(s.stream.head(), name)?;
        Ok(())
    })
}

/// The number of headers of a stream's answer; a name received twice
/// counts twice.
///
/// @param stream  The stream (NULL allowed).
/// @return        The count; 0 when @p stream is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_stream_header_count(stream: *const fw_stream) -> usize {
    // SAFETY: NULL or live.
    boundary::run_or(0, || {
        unsafe { fw_stream::arg(stream) }.map_or(0, |s| {
            s.list.get_or_init(|| header_list(s.stream.head())).len()
        })
    })
}

/// Header number @p index of a stream's answer, in the order of
/// fw_response_header_at.
///
/// @param stream     The stream.
/// @param index      0-based, below fw_stream_header_count.
/// @param out_name   Receives the name in lower case (free with fw_string_free).
/// @param out_value  Receives the value (free with fw_string_free).
/// @param err        NULL, or receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL argument or an
///         @p index out of range (nothing is written then).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_stream_header_at(
    stream: *const fw_stream,
    index: usize,
    out_name: *mut *mut c_char,
    out_value: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let (s, name_slot, value_slot) = unsafe {
            (
                fw_stream::arg(stream)?,
                out(out_name, "out_name")?,
                out(out_value, "out_value")?,
            )
        };
        let list = s.list.get_or_init(|| header_list(s.stream.head()));
        header_at(list, index, name_slot, value_slot)
    })
}

/// Reads the next bytes of the body: blocks until at least one byte is
/// there, the body ends, the request's total timeout (counted from
/// fw_client_open) elapses, or the cancel of the view it was opened on is
/// triggered (noticed within about 20 ms). Network I/O.
///
/// @param stream  The stream.
/// @param buf     Receives up to @p cap bytes; NULL allowed when @p cap is 0.
/// @param cap     The room in @p buf.
/// @param out_n   Receives the number of bytes read: 0 at the end of the body
///                (and when @p cap is 0); untouched on failure.
/// @param err     NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK; FW_ERR_CANCELED, FW_ERR_TIMEOUT (its message names the
///         limit that ran out), FW_ERR_NETWORK, FW_ERR_TLS,
///         FW_ERR_BAD_RESPONSE when the body cannot be read (the stream is at
///         its end then, its connection closed: a body is never retried);
///         FW_ERR_INVALID_ARGUMENT for a NULL argument.
///
/// Thread safety: not to be called on one stream from two threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_stream_read(
    stream: *mut fw_stream,
    buf: *mut u8,
    cap: usize,
    out_n: *mut usize,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let (s, slot) = unsafe { (fw_stream::arg_mut(stream)?, out(out_n, "out_n")?) };
        if buf.is_null() && cap != 0 {
            return Err(Error::invalid_argument(format!(
                "argument `buf` must not be NULL when `cap` is {cap}"
            )));
        }
        if cap == 0 {
            *slot = 0;
            return Ok(());
        }
        // SAFETY: the caller passes `cap` writable bytes.
        let buf = unsafe { std::slice::from_raw_parts_mut(buf, cap) };
        *slot = s.stream.read_chunk(buf)?;
        Ok(())
    })
}

/// Frees a stream. When its body was read to the end the connection goes
/// back to the client's pool; otherwise it is closed (the rest of the body
/// is neither read nor waited for).
///
/// @param stream  The stream; NULL is a no-op. Not to be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_stream_free(stream: *mut fw_stream) {
    // SAFETY: NULL or live, not used afterwards.
    boundary::run_or((), || unsafe { fw_stream::free(stream) })
}
