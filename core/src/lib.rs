//! fwclient-core: the token handling of the CAVE / annotation-framework
//! Python clients, in Rust. The C ABI (crate `fwclient`, libfwclient) is
//! built on it; this crate knows nothing of C.
//!
//! Layers: [`secrets`] (files on disk), [`auth`] (token resolution and
//! saving), [`client`] (a datastack's client and its requests).

pub mod address;
pub mod auth;
pub mod batch;
pub mod client;
pub mod error;
pub mod http;
pub mod login;
pub mod options;
pub mod secrets;
pub mod setup;
pub mod token;

/// The version of this crate (and of libfwclient built on it).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub use address::AddressSource;
pub use auth::{Auth, SaveOptions, TokenSource};
pub use client::Client;
pub use error::{Error, ErrorKind, Remedy, Result};
pub use options::Options;
pub use secrets::layout::Layout;
pub use token::Token;
