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
    /// Tries after the first, for an idempotent request (see `http::retry`).
    pub max_retries: u32,
    /// The base of the exponential backoff between tries.
    pub retry_base_delay: Duration,
    pub max_body_bytes: u64,
    pub ca_file: Option<String>,
    pub trusted_origins: Vec<String>,
    pub allow_insecure_http: bool,
    /// The proxy (default: from the environment; see `http::proxy`).
    pub proxy: ProxyOption,
}

/// Which proxy requests go through.
#[derive(Clone, Default, PartialEq, Eq)]
pub enum ProxyOption {
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`, as Go and
    /// curl read them.
    #[default]
    Environment,
    /// No proxy at all, whatever the environment says.
    None,
    /// This proxy (`http://` or `https://`) for every non-loopback request.
    Url(String),
}

impl ProxyOption {
    /// `"none"` or a proxy URL, as `fw_options_set_proxy` takes it:
    /// `InvalidArgument` for an empty value, or a URL that is not http://
    /// or https:// with a host (the message never shows its user or
    /// password).
    pub fn parse(value: &str) -> crate::Result<ProxyOption> {
        let value = value.trim();
        if value.is_empty() {
            return Err(crate::Error::invalid_argument(
                "argument `proxy` must not be empty",
            ));
        }
        if value.eq_ignore_ascii_case("none") {
            return Ok(ProxyOption::None);
        }
        let choice = ProxyOption::Url(value.to_owned());
        let scheme = value.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        if matches!(scheme.as_deref(), Some("http" | "https")) && ureq::Proxy::new(value).is_ok() {
            Ok(choice)
        } else {
            Err(crate::Error::invalid_argument(format!(
                "the proxy must be \"none\" or an http:// or https:// URL with a host, not {choice:?}"
            )))
        }
    }
}

impl std::fmt::Debug for ProxyOption {
    /// Never shows a proxy's user or password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProxyOption::Environment => f.write_str("Environment"),
            ProxyOption::None => f.write_str("None"),
            ProxyOption::Url(u) => {
                let host = u.rsplit_once('@').map_or(u.as_str(), |(_, h)| h);
                let scheme = u.split_once("://").map_or("", |(s, _)| s);
                if scheme.is_empty() || !u.contains('@') {
                    write!(f, "Url({u:?})")
                } else {
                    write!(f, "Url(\"{scheme}://<credentials>@{host}\")")
                }
            }
        }
    }
}

impl Default for HttpOptions {
    fn default() -> HttpOptions {
        HttpOptions {
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(60),
            max_retries: 3,
            retry_base_delay: Duration::from_millis(100),
            max_body_bytes: 256 * 1024 * 1024,
            ca_file: None,
            trusted_origins: Vec::new(),
            allow_insecure_http: false,
            proxy: ProxyOption::Environment,
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
