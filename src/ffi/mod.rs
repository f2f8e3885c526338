//! The C ABI: `extern "C"` functions and nothing else. Each body runs in
//! [`boundary::run`] (argument checks, panic catching) and converts between C
//! and the core; no rule of the product lives here.

// The safety contract of every function is the one stated once in the header
// ("Conventions"): pointers are NULL or valid, handles live, strings NUL-terminated.
#![allow(clippy::missing_safety_doc)]

pub mod auth;
pub mod boundary;
pub mod client;
pub mod error;
pub mod handle;
pub mod options;
pub mod response;
pub mod result;
pub mod strings;

pub use result::fw_result;
