//! libfwclient: the C ABI of the fwclient core (`fwclient-core`):
//! `extern "C"` functions and nothing else. Each body runs in
//! [`boundary::run`] (argument checks, panic catching) and converts between C
//! and the core; no rule of the product lives here. The only crate cbindgen
//! reads.

// The safety contract of every function is the one stated once in the header
// ("Conventions"): pointers are NULL or valid, handles live, strings NUL-terminated.
#![allow(clippy::missing_safety_doc)]

pub mod boundary;
pub mod diagnosis;
pub mod fw_auth;
pub mod fw_batch;
pub mod fw_cancel;
pub mod fw_client;
pub mod fw_error;
pub mod fw_login;
pub mod fw_options;
pub mod fw_remedy;
pub mod fw_request_options;
pub mod fw_response;
pub mod fw_result;
pub mod fw_stream;
pub mod handle;
pub mod instructions;
pub mod strings;
#[cfg(feature = "test-panic")]
pub mod test_panic;

/// Longest token accepted, in bytes. A longer one could never be sent:
/// servers refuse header lines that long (8 KiB is the usual limit), so it
/// is refused before it is saved or used. Written as a plain integer so
/// that the header's `#define` is one FFI generators (cffi) can read.
pub const FW_MAX_TOKEN_BYTES: usize = 8192;
const _: () = assert!(FW_MAX_TOKEN_BYTES == fwclient_core::token::MAX_TOKEN_BYTES);
