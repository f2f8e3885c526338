//! The browser login (`gh auth login --web` for middle_auth): a program
//! gets a long-lived key without the user copying anything. The flow, once
//! for every front end:
//! 1. [`Login::start`] listens on 127.0.0.1 (a free port) under an
//!    unguessable path (see [`listener`]) before anything else, and builds
//!    the authorize URL: `{server}/sticky_auth/api/v1/authorize` (or the
//!    realm a 401 named, see [`realm_of`]) with `redirect=` the listener.
//! 2. The caller shows or opens [`Login::url`]: a library never starts a
//!    browser itself.
//! 3. middle_auth logs the user in and sends the browser back with the
//!    login token (7 days) in the query; [`Login::wait`] takes the first
//!    such request (or [`Login::finish_with_address`] the address the user
//!    pasted), with a deadline and a cancel flag.
//! 4. A key is minted with the login token (`POST auth/api/v1/user/token`),
//!    checked (`GET auth/api/v1/user/me` with the key), saved as setup
//!    saves it ([`crate::setup::save`]), and the login token is revoked
//!    (`GET auth/api/v1/logout`).
//!
//! Neither token is ever in a message, a URL the caller sees, or Debug.

mod finish;
pub mod listener;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

use crate::auth::{Auth, TokenSource};
use crate::error::{Error, ErrorKind, Remedy, Result};
use crate::http::Cancel;
use crate::options::HttpOptions;
use crate::secrets::file::Saved;
use listener::Listener;

/// What is escaped in the `redirect` value: all but RFC 3986's unreserved.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// How long `fwauth login` waits for the browser by default.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(5 * 60);

/// What a caller may choose about a login.
#[derive(Clone, Debug, Default)]
pub struct LoginSettings {
    /// The minted key's description (default [`default_description`] of
    /// `fwclient`).
    pub description: Option<String>,
    /// The authorize URL (default [`authorize_url`] of the auth's server),
    /// e.g. the realm of a 401's `WWW-Authenticate`.
    pub authorize_url: Option<String>,
    /// Save over a secret file that is not valid JSON (kept aside).
    pub replace_invalid: bool,
}

/// A login under way: its listener, and the authorize URL to open.
pub struct Login {
    auth: Arc<Auth>,
    http: HttpOptions,
    description: String,
    replace_invalid: bool,
    listener: Listener,
    url: String,
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Login").field("url", &self.url).finish()
    }
}

/// How a login ended: what was saved where, and who is logged in.
#[derive(Debug)]
pub struct LoginOutcome {
    /// Each secret file written (as `Auth::save_token` reports them).
    pub saved: Vec<(PathBuf, Saved)>,
    /// The auth's token file, where the key is read from.
    pub token_file: PathBuf,
    /// Where the auth's token comes from now (the saved file: the auth
    /// switched to the key; an auth made later still finds
    /// `$FW_AUTH_TOKEN` first when it is set).
    pub source: TokenSource,
    /// The server's `user/me` answer for the new key.
    pub user: Value,
    /// Why the login token could not be revoked, if it could not (it then
    /// expires on its own; the key is saved all the same).
    pub revoke_problem: Option<Error>,
}

impl LoginOutcome {
    /// "name <email>" of [`LoginOutcome::user`].
    pub fn user_summary(&self) -> String {
        let text = |k: &str| self.user.get(k).and_then(Value::as_str).unwrap_or("?");
        format!("{} <{}>", text("name"), text("email"))
    }
}

impl Login {
    /// Listens on loopback and builds the authorize URL; no network I/O.
    /// The key will be saved through `auth` (which uses it from then on);
    /// `http` sets how the login's requests are made.
    pub fn start(auth: Arc<Auth>, http: &HttpOptions, settings: LoginSettings) -> Result<Login> {
        let authorize = match settings.authorize_url {
            Some(url) => checked_authorize_url(&url)?,
            None => authorize_url(auth.server_address()),
        };
        let description = settings
            .description
            .unwrap_or_else(|| default_description("fwclient"));
        if description.trim().is_empty() {
            return Err(Error::invalid_argument(
                "the key description must not be empty",
            ));
        }
        let listener = Listener::bind()?;
        let sep = if authorize.contains('?') { '&' } else { '?' };
        let url = format!(
            "{authorize}{sep}redirect={}",
            utf8_percent_encode(&listener.redirect_url(), QUERY_VALUE)
        );
        Ok(Login {
            auth,
            http: http.clone(),
            description,
            replace_invalid: settings.replace_invalid,
            listener,
            url,
        })
    }

    /// The URL to open in the user's browser (it holds no secret).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Waits up to `timeout` for the browser to come back (or until
    /// `cancel` is raised), then mints, checks and saves the key and
    /// revokes the login token. A browser that never comes back ends in
    /// `ErrorKind::Timeout` with [`Remedy::SaveTokenByHand`]. A token the
    /// server refuses is not the login's (a local process may send one of
    /// its own): its browser gets "refused" and the wait goes on.
    pub fn wait(&self, timeout: Duration, cancel: Option<&Cancel>) -> Result<LoginOutcome> {
        let deadline = Instant::now()
            .checked_add(timeout)
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(365 * 24 * 3600));
        // Why the server refused the last login token that arrived.
        let mut refused: Option<Error> = None;
        while let Some(callback) = self.listener.next(deadline, cancel)? {
            let outcome = finish::complete(self, &callback.token, cancel);
            callback.verdict(outcome.is_ok());
            match outcome {
                Ok(done) => {
                    self.listener.close();
                    return Ok(done);
                }
                // A token the server refuses (a forged one a local process
                // sent): the real browser may still come back.
                Err(e) if finish::is_refusal(&e) => refused = Some(e),
                Err(e) => return Err(e),
            }
        }
        let why = refused.map_or(String::new(), |e| {
            format!(
                " (a login token did arrive, but the server refused it: {})",
                e.message()
            )
        });
        Err(Error::new(
            ErrorKind::Timeout,
            format!(
                "the browser login did not come back within {}{why}",
                spoken(timeout)
            ),
        )
        .with_remedy(Remedy::SaveTokenByHand))
    }

    /// As [`Login::wait`] once the browser came back, with the address it
    /// ended on as the user pasted it (a browser on another machine):
    /// it must be this login's address.
    pub fn finish_with_address(
        &self,
        address: &str,
        cancel: Option<&Cancel>,
    ) -> Result<LoginOutcome> {
        let token = self.listener.token_from_address(address)?;
        let done = finish::complete(self, &token, cancel)?;
        self.listener.close();
        Ok(done)
    }
}

/// "1 second", "300 seconds", "30 ms".
fn spoken(d: Duration) -> String {
    match (d.as_secs(), d.subsec_millis()) {
        (0, ms) => format!("{ms} ms"),
        (1, 0) => "1 second".to_owned(),
        (s, 0) => format!("{s} seconds"),
        _ => format!("{:.1} seconds", d.as_secs_f64()),
    }
}

/// `{server}/sticky_auth/api/v1/authorize`, middle_auth's login.
pub fn authorize_url(server: &str) -> String {
    format!(
        "{}/sticky_auth/api/v1/authorize",
        server.trim_end_matches('/')
    )
}

/// The realm of a `WWW-Authenticate: Bearer realm="..."` challenge (a
/// service's 401 names its authorize URL there).
pub fn realm_of(www_authenticate: &str) -> Option<String> {
    let rest = www_authenticate.trim().strip_prefix("Bearer")?;
    let start = rest.find("realm=\"")? + "realm=\"".len();
    let end = rest[start..].find('"')?;
    Some(rest[start..start + end].to_owned()).filter(|r| !r.is_empty())
}

/// "`program` on `host`", the default description of a minted key.
pub fn default_description(program: &str) -> String {
    format!("{program} on {}", host_name())
}

fn checked_authorize_url(url: &str) -> Result<String> {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) || url.contains('#') {
        return Err(Error::invalid_argument(
            "the authorize URL must be an http:// or https:// address without a fragment",
        ));
    }
    Ok(url.to_owned())
}

/// This machine's name, for a key's description.
fn host_name() -> String {
    #[cfg(unix)]
    {
        let mut buf = [0u8; 256];
        // SAFETY: the buffer is writable for its length.
        let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
        let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
        if rc == 0 && end > 0 {
            return String::from_utf8_lossy(&buf[..end]).into_owned();
        }
    }
    std::env::var("COMPUTERNAME")
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_else(|_| "this computer".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn realms_and_urls() {
        let h = "Bearer realm=\"https://a.example/sticky_auth/api/v1/authorize\", error=\"invalid_token\"";
        assert_eq!(
            realm_of(h).as_deref(),
            Some("https://a.example/sticky_auth/api/v1/authorize")
        );
        assert_eq!(realm_of("Basic realm=\"x\""), None);
        assert_eq!(
            authorize_url("http://127.0.0.1:1/"),
            "http://127.0.0.1:1/sticky_auth/api/v1/authorize"
        );
        assert!(checked_authorize_url("ftp://x").is_err());
        assert!(default_description("fwauth").starts_with("fwauth on "));
        assert_eq!(spoken(Duration::from_secs(1)), "1 second");
        assert_eq!(spoken(Duration::from_secs(300)), "300 seconds");
        assert_eq!(spoken(Duration::from_millis(30)), "30 ms");
        assert_eq!(spoken(Duration::from_millis(1500)), "1.5 seconds");
    }
}
