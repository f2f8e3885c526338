//! One connection-pooling agent per client, and the request policy: the
//! token goes only to trusted origins, never in a URL, never over plain http
//! off loopback, never across a redirect to another origin; idempotent
//! requests are retried on 502/503/504 and reset connections.

use std::io::ErrorKind as IoKind;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use ureq::http::{self, HeaderValue};

use super::answer::{self, Context, LOGIN_PATH};
use super::origin::{Origin, resolve_location};
use super::response::Response;
use super::tls;
use crate::error::{Error, ErrorKind, Result};
use crate::options::HttpOptions;
use crate::token::Token;

/// Redirects followed before giving up.
const MAX_REDIRECTS: usize = 10;
/// Name of the cookie the services read the token from.
const TOKEN_COOKIE: &str = "middle_auth_token";
const USER_AGENT: &str = concat!("fwclient/", env!("CARGO_PKG_VERSION"));

/// A request to make.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub body: Option<&'a [u8]>,
    pub content_type: Option<&'a str>,
}

impl<'a> Request<'a> {
    pub fn get(url: &'a str) -> Request<'a> {
        Request {
            method: "GET",
            url,
            body: None,
            content_type: None,
        }
    }
}

/// The agent and the policy of one client. Safe to share between threads.
pub struct Transport {
    agent: ureq::Agent,
    opts: HttpOptions,
    trusted: RwLock<Vec<Origin>>,
    /// Where to get a token, for "not authenticated" messages.
    new_token_url: String,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("trusted", &self.trusted)
            .finish()
    }
}

/// A failed attempt, and whether trying again may help.
struct Failure {
    error: Error,
    transient: bool,
}

impl Transport {
    /// An agent for `opts` trusting the global server `server_address` and
    /// the origins of `opts`. Reads the CA bundle, if any; no network I/O.
    pub fn new(
        opts: &HttpOptions,
        server_address: &str,
        new_token_url: String,
    ) -> Result<Transport> {
        let mut trusted = vec![Origin::of_server(server_address)?];
        for origin in &opts.trusted_origins {
            trusted.push(Origin::of_server(origin)?);
        }
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .save_redirect_history(false)
            .user_agent(USER_AGENT)
            .timeout_connect(Some(opts.connect_timeout))
            .max_idle_connections(64)
            .max_idle_connections_per_host(32)
            .tls_config(tls::config(opts.ca_file.as_deref())?)
            .build();
        Ok(Transport {
            agent: config.new_agent(),
            opts: opts.clone(),
            trusted: RwLock::new(trusted),
            new_token_url,
        })
    }

    /// Sends the token to `origin` from now on too (a datastack's local server).
    pub fn trust(&self, origin: Origin) {
        let mut trusted = self.trusted.write().unwrap_or_else(|p| p.into_inner());
        if !trusted.contains(&origin) {
            trusted.push(origin);
        }
    }

    fn is_trusted(&self, origin: &Origin) -> bool {
        self.trusted
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .contains(origin)
    }

    /// Makes `req`, with `token` when the policy allows it. Succeeds only on
    /// 2xx; any other answer is an error carrying status, server id, URL and body.
    pub fn send(&self, req: &Request<'_>, token: Option<&Token>) -> Result<Response> {
        self.send_inner(req, token).map_err(|e| match token {
            Some(t) => e.redact(t.expose()),
            None => e,
        })
    }

    fn send_inner(&self, req: &Request<'_>, token: Option<&Token>) -> Result<Response> {
        refuse_token_in_url(req.url)?;
        let deadline = Instant::now() + self.opts.total_timeout;
        let first = Origin::of(req.url)?;
        let (mut method, mut body, mut url) = (req.method.to_owned(), req.body, req.url.to_owned());
        for _ in 0..=MAX_REDIRECTS {
            let origin = Origin::of(&url)?;
            // Credentials never follow a redirect to another origin.
            let token = token.filter(|_| origin == first && self.is_trusted(&origin));
            if token.is_some()
                && !origin.is_https()
                && !origin.is_loopback()
                && !self.opts.allow_insecure_http
            {
                return Err(Error::new(
                    ErrorKind::InsecureUrl,
                    format!(
                        "refusing to send the token over plain http to {origin}; use https, or allow it \
                         explicitly with fw_options_set_allow_insecure_http"
                    ),
                ));
            }
            let ctx = Context {
                token_sent: token.is_some(),
                new_token_url: &self.new_token_url,
            };
            let call = Call {
                method: &method,
                url: &url,
                body,
                content_type: req.content_type,
                token,
            };
            let resp = self.with_retries(&call, deadline)?;
            if let (301 | 302 | 303 | 307 | 308, Some(location)) =
                (resp.status, resp.header("location"))
            {
                let next = resolve_location(&url, location)?;
                if path_of(&next).ends_with(LOGIN_PATH) {
                    return Err(answer::login_redirect(&url, &next, &ctx));
                }
                if resp.status == 303 || (matches!(resp.status, 301 | 302) && method != "HEAD") {
                    method = "GET".to_owned();
                    body = None;
                }
                url = next;
                continue;
            }
            return if resp.is_success() {
                Ok(resp)
            } else {
                Err(answer::error_for(&resp, &ctx))
            };
        }
        Err(Error::new(
            ErrorKind::BadResponse,
            format!(
                "more than {MAX_REDIRECTS} redirects starting at {}",
                req.url
            ),
        ))
    }

    fn with_retries(&self, call: &Call<'_>, deadline: Instant) -> Result<Response> {
        let idempotent = matches!(call.method, "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS");
        let mut attempt = 0;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(timeout(call.url, self.opts.total_timeout));
            }
            let outcome = self.attempt(call, remaining);
            let transient = match &outcome {
                Ok(resp) => matches!(resp.status, 502..=504),
                Err(f) => f.transient,
            };
            if !(transient && idempotent && attempt < self.opts.max_retries) {
                return outcome.map_err(|f| f.error);
            }
            let pause = Duration::from_millis(100 << attempt.min(4));
            std::thread::sleep(pause.min(deadline.saturating_duration_since(Instant::now())));
            attempt += 1;
        }
    }

    fn attempt(
        &self,
        call: &Call<'_>,
        remaining: Duration,
    ) -> std::result::Result<Response, Failure> {
        let request = call.build().map_err(|error| Failure {
            error,
            transient: false,
        })?;
        let request = self
            .agent
            .configure_request(request)
            .timeout_global(Some(remaining))
            .build();
        let mut resp = self
            .agent
            .run(request)
            .map_err(|e| classify(e, call.url, remaining))?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let limit = self.opts.max_body_bytes;
        let declared = resp
            .headers()
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit) {
            return Err(Failure {
                error: too_large(call.url, limit),
                transient: false,
            });
        }
        let body = if call.method == "HEAD" {
            Vec::new()
        } else {
            resp.body_mut()
                .with_config()
                .limit(limit)
                .read_to_vec()
                .map_err(|e| classify(e, call.url, remaining))?
        };
        Ok(Response {
            status,
            headers,
            body,
            url: call.url.to_owned(),
        })
    }
}

/// One HTTP exchange of a request (one redirect hop).
struct Call<'a> {
    method: &'a str,
    url: &'a str,
    body: Option<&'a [u8]>,
    content_type: Option<&'a str>,
    token: Option<&'a Token>,
}

impl Call<'_> {
    fn build(&self) -> Result<http::Request<Vec<u8>>> {
        let method = http::Method::from_bytes(self.method.as_bytes()).map_err(|_| {
            Error::invalid_argument(format!("invalid HTTP method \"{}\"", self.method))
        })?;
        let mut builder = http::Request::builder()
            .method(method)
            .uri(self.url)
            .header("x-requested-with", "fwclient");
        if let Some(ct) = self.content_type {
            let value = HeaderValue::from_str(ct).map_err(|_| {
                Error::invalid_argument("the content type is not a valid header value")
            })?;
            builder = builder.header("content-type", value);
        }
        if let Some(token) = self.token {
            builder = builder
                .header("authorization", sensitive(token.bearer().as_str())?)
                .header(
                    "cookie",
                    sensitive(&format!("{TOKEN_COOKIE}={}", token.expose()))?,
                );
        }
        builder
            .body(self.body.map(<[u8]>::to_vec).unwrap_or_default())
            .map_err(|e| {
                Error::new(
                    ErrorKind::InvalidUrl,
                    format!("cannot request \"{}\": {e}", self.url),
                )
            })
    }
}

fn sensitive(value: &str) -> Result<HeaderValue> {
    let mut v = HeaderValue::from_str(value).map_err(|_| {
        Error::new(
            ErrorKind::InvalidTokenFormat,
            "the token cannot be sent in a header",
        )
    })?;
    v.set_sensitive(true);
    Ok(v)
}

/// Tokens never travel in URLs (they end up in logs and Referer headers).
fn refuse_token_in_url(url: &str) -> Result<()> {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    if query.split('&').any(|kv| {
        kv.split('=')
            .next()
            .is_some_and(|k| k == TOKEN_COOKIE || k == "token")
    }) {
        return Err(Error::new(
            ErrorKind::InvalidUrl,
            "refusing a URL with a token in its query string; fwclient sends the token in a header",
        ));
    }
    Ok(())
}

fn path_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    path.split(['?', '#']).next().unwrap_or("")
}

fn timeout(url: &str, after: Duration) -> Error {
    Error::new(
        ErrorKind::Timeout,
        format!(
            "request to {url} timed out (limit {} ms)",
            after.as_millis()
        ),
    )
}

fn too_large(url: &str, limit: u64) -> Error {
    Error::new(
        ErrorKind::BadResponse,
        format!("the answer of {url} is larger than the limit of {limit} bytes"),
    )
}

/// The error kind of a failed exchange, and whether it is worth retrying.
fn classify(e: ureq::Error, url: &str, remaining: Duration) -> Failure {
    let fail = |kind, what: String, transient| Failure {
        error: Error::new(kind, what),
        transient,
    };
    match e {
        ureq::Error::Timeout(_) => Failure {
            error: timeout(url, remaining),
            transient: false,
        },
        ureq::Error::BodyExceedsLimit(limit) => Failure {
            error: too_large(url, limit),
            transient: false,
        },
        ureq::Error::Io(io) => {
            if io
                .get_ref()
                .is_some_and(|inner| inner.is::<rustls::Error>())
            {
                return fail(
                    ErrorKind::Tls,
                    format!("TLS failure with {url}: {io}"),
                    false,
                );
            }
            match io.kind() {
                IoKind::TimedOut | IoKind::WouldBlock => Failure {
                    error: timeout(url, remaining),
                    transient: false,
                },
                IoKind::ConnectionReset
                | IoKind::ConnectionAborted
                | IoKind::BrokenPipe
                | IoKind::UnexpectedEof => fail(
                    ErrorKind::Network,
                    format!("connection to {url} was reset: {io}"),
                    true,
                ),
                _ => fail(
                    ErrorKind::Network,
                    format!("cannot reach {url}: {io}"),
                    false,
                ),
            }
        }
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => fail(
            ErrorKind::Network,
            format!("cannot reach {url}: {e}"),
            false,
        ),
        ureq::Error::Tls(_)
        | ureq::Error::Rustls(_)
        | ureq::Error::Pem(_)
        | ureq::Error::TlsRequired => fail(
            ErrorKind::Tls,
            format!("TLS failure with {url}: {e}"),
            false,
        ),
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => fail(
            ErrorKind::InvalidUrl,
            format!("invalid URL \"{url}\": {e}"),
            false,
        ),
        ureq::Error::Protocol(_)
        | ureq::Error::LargeResponseHeader(..)
        | ureq::Error::BodyStalled => fail(
            ErrorKind::BadResponse,
            format!("malformed answer from {url}: {e}"),
            false,
        ),
        other => fail(
            ErrorKind::Network,
            format!("request to {url} failed: {other}"),
            false,
        ),
    }
}
