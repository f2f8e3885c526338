//! What a caller may choose when creating an auth or a client. Every field
//! left `None` means "the Python clients' default".

use std::time::Duration;

use crate::secrets::layout::Layout;
use crate::token::Token;

/// The global server the Python clients use by default.
pub const DEFAULT_SERVER_ADDRESS: &str = "https://global.daf-apis.com";

/// Settings for an [`crate::auth::Auth`] and a [`crate::client::Client`].
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// A token to use directly; no file is read.
    pub token: Option<Token>,
    /// A secret file to read the token from (`~` expanded).
    pub token_file: Option<String>,
    /// The key of the token in the file (default `token`).
    pub token_key: Option<String>,
    /// The global server (default `https://global.daf-apis.com`).
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
    /// The global server address in use.
    pub fn server_address(&self) -> &str {
        self.server_address
            .as_deref()
            .unwrap_or(DEFAULT_SERVER_ADDRESS)
    }
}
