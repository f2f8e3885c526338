//! fwclient: the token handling of the CAVE / annotation-framework Python
//! clients, for C, C++ and Go through a C ABI.
//!
//! Layers: [`secrets`] (files on disk), [`auth`] (token resolution and
//! saving), [`client`] (a datastack's client and its requests), and [`ffi`]
//! (the C ABI: argument checks, the panic boundary, conversions, nothing else).

pub mod address;
pub mod auth;
pub mod client;
pub mod error;
pub mod ffi;
pub mod http;
pub mod options;
pub mod secrets;
pub mod setup;
pub mod token;

pub use address::AddressSource;
pub use auth::{Auth, SaveOptions, TokenSource};
pub use client::Client;
pub use error::{Error, ErrorKind, Result};
pub use options::Options;
pub use secrets::layout::Layout;
pub use token::Token;
