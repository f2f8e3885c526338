//! What a caller may choose when creating an auth or a client. Every field
//! left `None` means "the Python clients' default".

use std::time::Duration;

use crate::address::{self, AddressSource};
use crate::error::Result;
use crate::secrets::layout::Layout;
use crate::token::Token;

pub use crate::address::{DEFAULT_SERVER_ADDRESS, ENV_SERVER_ADDRESS};

/// Settings for an [`crate::auth::Auth`] and a [`crate::client::Client`].
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// A token to use directly; no file is read.
    pub token: Option<Token>,
    /// A secret file to read the token from (`~` expanded).
    pub token_file: Option<String>,
    /// The key of the token in the file (default `token`).
    pub token_key: Option<String>,
    /// The global server (default `$FW_SERVER_ADDRESS`, else
    /// `https://global.daf-apis.com`), normalised as [`address::normalize`] says.
    pub server_address: Option<String>,
    /// The secrets directory (default `$FW_SECRETS_DIR`, else `~/.cloudvolume/secrets`).
    pub secrets_dir: Option<String>,
    /// The layout (default `$FW_SECRETS_LAYOUT`, else chosen from the directory).
    pub layout: Option<Layout>,
    /// HTTP settings of clients.
    pub http: HttpOptions,
}

/// How a client talks to the services.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    pub connect_timeout: Duration,
    pub total_timeout: Duration,
    pub max_retries: u32,
    pub max_body_bytes: u64,
    pub ca_file: Option<String>,
    pub trusted_origins: Vec<String>,
    pub allow_insecure_http: bool,
}

impl Default for HttpOptions {
    fn default() -> HttpOptions {
        HttpOptions {
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(60),
            max_retries: 3,
            max_body_bytes: 256 * 1024 * 1024,
            ca_file: None,
            trusted_origins: Vec::new(),
            allow_insecure_http: false,
        }
    }
}

impl Options {
    /// The global server address in use, normalised, and where it came
    /// from: this option > `$FW_SERVER_ADDRESS` > the default.
    pub fn server_address(&self) -> Result<(String, AddressSource)> {
        address::resolve(self.server_address.as_deref())
    }
}
