//! What a caller may choose when creating an auth or a client. Every field
//! left `None` means "the Python clients' default".
//!
//! Front ends fill options through the validated setters below (the C ABI,
//! `fwauth`), so each rule about a value (not empty, greater than 0, zero
//! meaning the default, an origin that parses) lives here once. The fields
//! stay public as plain data for tests and tools that build options as
//! struct literals; whatever they hold is checked again by
//! [`Options::validate`] when an auth or a client is created, so no front
//! end can get an invalid value past the core.
//!
//! Zero in a timeout or a delay means "none set here": the default applies
//! (for [`crate::http::RequestOptions`], the client's value).

use std::time::Duration;

use crate::address::{self, AddressSource};
use crate::error::{Error, Result};
use crate::http::origin::Origin;
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
    /// The secrets directory (default `$FW_SECRETS_DIR`, else
    /// `$CLOUD_VOLUME_DIR/secrets`, else `~/.cloudvolume/secrets`).
    pub secrets_dir: Option<String>,
    /// The layout (default `$FW_SECRETS_LAYOUT`, else chosen from the directory).
    pub layout: Option<Layout>,
    /// HTTP settings of clients.
    pub http: HttpOptions,
}

/// How a client talks to the services.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    /// The connect timeout (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub connect_timeout: Duration,
    /// The whole request's time (default [`DEFAULT_TOTAL_TIMEOUT`]).
    pub total_timeout: Duration,
    /// Tries after the first, for an idempotent request (see `http::retry`).
    pub max_retries: u32,
    /// The base of the exponential backoff between tries (default
    /// [`DEFAULT_RETRY_BASE_DELAY`]).
    pub retry_base_delay: Duration,
    /// The largest response body accepted, more than 0.
    pub max_body_bytes: u64,
    /// A PEM file of CA certificates trusted beside the system's.
    pub ca_file: Option<String>,
    /// Origins the token also goes to, each a server address
    /// (`https://host[:port]`).
    pub trusted_origins: Vec<String>,
    /// Whether the token may go over plain http to hosts other than loopback.
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

/// The connect timeout unless set.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The whole request's time unless set.
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(60);
/// The base delay of the backoff unless set.
pub const DEFAULT_RETRY_BASE_DELAY: Duration = Duration::from_millis(100);
/// Retries of an idempotent request unless set.
pub const DEFAULT_MAX_RETRIES: u32 = 3;
/// The largest response body accepted unless set: 256 MiB.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 256 * 1024 * 1024;

impl Default for HttpOptions {
    fn default() -> HttpOptions {
        HttpOptions {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            total_timeout: DEFAULT_TOTAL_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            retry_base_delay: DEFAULT_RETRY_BASE_DELAY,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            ca_file: None,
            trusted_origins: Vec::new(),
            allow_insecure_http: false,
            proxy: ProxyOption::Environment,
        }
    }
}

/// Zero means "none set here": the default.
fn or_default(value: Duration, default: Duration) -> Duration {
    if value.is_zero() { default } else { value }
}

/// `origin` normalised as a server address, if it is one.
fn trusted_origin(origin: &str) -> Result<String> {
    let origin = address::normalize(non_empty(origin, "a trusted origin")?)?;
    Origin::of_server(&origin)?;
    Ok(origin)
}

/// `InvalidArgument` unless `value` holds something.
fn non_empty<'v>(value: &'v str, what: &str) -> Result<&'v str> {
    if value.is_empty() {
        Err(Error::invalid_argument(format!("{what} must not be empty")))
    } else {
        Ok(value)
    }
}

impl Options {
    /// The global server address in use, normalised, and where it came
    /// from: this option > `$FW_SERVER_ADDRESS` > the default.
    pub fn server_address(&self) -> Result<(String, AddressSource)> {
        address::resolve(self.server_address.as_deref())
    }

    /// Uses `token` directly; no secret file is read.
    pub fn set_token(&mut self, token: Token) {
        self.token = Some(token);
    }

    /// Reads the token from this secret file (`~` expanded); not empty.
    pub fn set_token_file(&mut self, path: &str) -> Result<()> {
        self.token_file = Some(non_empty(path, "the token file")?.to_owned());
        Ok(())
    }

    /// Reads the token under this key of the secret file; not empty.
    pub fn set_token_key(&mut self, key: &str) -> Result<()> {
        self.token_key = Some(non_empty(key, "the token key")?.to_owned());
        Ok(())
    }

    /// The global server, normalised as [`address::normalize`] says;
    /// `InvalidUrl` for what is not an http(s) address.
    pub fn set_server_address(&mut self, url: &str) -> Result<()> {
        let url = non_empty(url, "the server address")?;
        self.server_address = Some(address::normalize(url)?);
        Ok(())
    }

    /// The secrets directory (`~` expanded); not empty.
    pub fn set_secrets_dir(&mut self, dir: &str) -> Result<()> {
        self.secrets_dir = Some(non_empty(dir, "the secrets directory")?.to_owned());
        Ok(())
    }

    /// The layout of the secret files.
    pub fn set_layout(&mut self, layout: Layout) {
        self.layout = Some(layout);
    }

    /// Checks every value, as the setters do, for options built as a
    /// struct literal; called when an auth or a client is created.
    pub fn validate(&self) -> Result<()> {
        for (value, what) in [
            (&self.token_file, "the token file"),
            (&self.token_key, "the token key"),
            (&self.server_address, "the server address"),
            (&self.secrets_dir, "the secrets directory"),
        ] {
            if let Some(v) = value {
                non_empty(v, what)?;
            }
        }
        self.http.validate()
    }
}

impl HttpOptions {
    /// The connect timeout; zero: [`DEFAULT_CONNECT_TIMEOUT`].
    pub fn set_connect_timeout(&mut self, timeout: Duration) {
        self.connect_timeout = or_default(timeout, DEFAULT_CONNECT_TIMEOUT);
    }

    /// The whole request's time (connect, retries, redirects, body); zero:
    /// [`DEFAULT_TOTAL_TIMEOUT`].
    pub fn set_total_timeout(&mut self, timeout: Duration) {
        self.total_timeout = or_default(timeout, DEFAULT_TOTAL_TIMEOUT);
    }

    /// Retries of an idempotent request; 0 disables them (a count, not a
    /// time: zero is no retry).
    pub fn set_max_retries(&mut self, n: u32) {
        self.max_retries = n;
    }

    /// The base delay of the backoff; zero: [`DEFAULT_RETRY_BASE_DELAY`].
    pub fn set_retry_base_delay(&mut self, base: Duration) {
        self.retry_base_delay = or_default(base, DEFAULT_RETRY_BASE_DELAY);
    }

    /// The largest response body accepted; `InvalidArgument` for 0.
    pub fn set_max_body_bytes(&mut self, n: u64) -> Result<()> {
        if n == 0 {
            return Err(Error::invalid_argument(
                "the body limit must be greater than 0",
            ));
        }
        self.max_body_bytes = n;
        Ok(())
    }

    /// A PEM file of CA certificates (read when a client is created); not empty.
    pub fn set_ca_file(&mut self, path: &str) -> Result<()> {
        self.ca_file = Some(non_empty(path, "the CA file")?.to_owned());
        Ok(())
    }

    /// Also sends the token to `origin` (`https://host[:port]`, or a host
    /// alone, https assumed), normalised as a server address is
    /// ([`address::normalize`]); `InvalidUrl` for what is not an origin,
    /// here rather than when the client is created.
    pub fn add_trusted_origin(&mut self, origin: &str) -> Result<()> {
        let origin = trusted_origin(origin)?;
        self.trusted_origins.push(origin);
        Ok(())
    }

    /// Allows the token over plain http to hosts other than loopback.
    pub fn set_allow_insecure_http(&mut self, allow: bool) {
        self.allow_insecure_http = allow;
    }

    /// `"none"` or a proxy URL, as [`ProxyOption::parse`] reads it.
    pub fn set_proxy(&mut self, proxy: &str) -> Result<()> {
        self.proxy = ProxyOption::parse(proxy)?;
        Ok(())
    }

    /// Checks every value, as the setters do.
    pub fn validate(&self) -> Result<()> {
        if self.max_body_bytes == 0 {
            return Err(Error::invalid_argument(
                "the body limit must be greater than 0",
            ));
        }
        if let Some(ca) = &self.ca_file {
            non_empty(ca, "the CA file")?;
        }
        for origin in &self.trusted_origins {
            trusted_origin(origin)?;
        }
        Ok(())
    }
}
