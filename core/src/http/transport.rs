//! A client's connection-pooling agents (agents.rs), and the request policy
//! (docs/robustness.md, "Trust model"): the token goes only to trusted
//! origins, never in a URL, never over plain http off loopback (nor through
//! a proxy outside TLS), never across a redirect to another origin; a URL
//! holding a token (TTL) is guarded the same way; a `Location` holding a
//! secret in any form is not followed (secrets.rs), nor a 307/308 with a
//! body to another origin; idempotent requests are retried as retry.rs
//! says. A request's answer is read whole ([`Transport::send`]) or streamed
//! ([`Transport::open`]): the same path, the same rules.

use std::borrow::Cow;
use std::io::Read;
use std::sync::{OnceLock, RwLock};
use std::time::{Duration, Instant, SystemTime};

use ureq::AsSendBody;
use ureq::http::{self, HeaderName, HeaderValue, header};

use super::agents::{self, Agents};
use super::answer::{self, Context, Withheld};
use super::cancel::{self, RequestOptions};
use super::failure::{Failure, classify, timeout, too_large};
use super::origin::{Origin, parse_uri};
use super::proxy::{Proxies, Route};
use super::redirect::{self, Answered};
use super::request_secrets::Secrets;
use super::response::Response;
use super::stream::{BodyReader, Limits, Stream};
use super::{resolve, retry, secret_url, secrets, tls};
use crate::error::{Error, ErrorKind, Remedy, Result};
use crate::options::HttpOptions;
use crate::token::{TOKEN_COOKIE, Token};

/// Redirects followed before giving up.
const MAX_REDIRECTS: usize = 10;
const USER_AGENT: &str = concat!("fwclient/", env!("CARGO_PKG_VERSION"));
/// How much later than a request's own deadline the agent's overall
/// timeout may end, on a first try (see `Transport::attempt`); and how much
/// earlier than it a read or write that starts in a request's first
/// AGENT_TIMEOUT_SLACK may time out (see `Transport::new`).
const AGENT_TIMEOUT_SLACK: Duration = Duration::from_millis(1);
/// How much of the body of an answer that is not 2xx is read: the excerpt
/// an error carries (`HttpDetail::body`), all that is parsed and redacted.
pub const ERROR_BODY_LIMIT: u64 = 64 * 1024;
/// Sent with every request that carries no token, so services answer JSON
/// errors, not a login page (an `Authorization` header does that already).
const X_REQUESTED_WITH: HeaderName = HeaderName::from_static("x-requested-with");

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

/// The agents and the policy of one client. Safe to share between threads.
pub struct Transport {
    agents: Agents,
    opts: HttpOptions,
    proxies: Proxies,
    /// The origins the token may go to: the server, the caller's, and what
    /// this client learned (a datastack's local server).
    trusted: RwLock<Vec<Origin<'static>>>,
    /// Origins this client was told of and chose not to trust, with why
    /// (for the message of a request the token was withheld from).
    declined: RwLock<Vec<(Origin<'static>, Withheld)>>,
    /// Whether `localhost` resolves to loopback only (looked up once, on
    /// first need).
    localhost_loopback: OnceLock<bool>,
    /// Where to get a token, for "not authenticated" messages.
    new_token_url: String,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("trusted", &self.trusted)
            .field("proxies", &self.proxies.routes.len())
            .finish()
    }
}

/// How the body of a successful answer is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BodyMode {
    /// Whole, into the response, up to `max_body_bytes`.
    Whole,
    /// Left on the connection for the caller to read (a 2xx answer only;
    /// redirects and errors are read whole).
    Stream,
}

/// What the trust rule decided for one hop of a request.
struct Hop<'t> {
    /// The token to send, if it may go there.
    send_token: Option<&'t Token>,
    /// Direct, or through which proxy.
    route: Route,
    /// Why a token the request has was not sent there (for its error).
    withheld: Option<Withheld>,
}

/// An answer, with its body still on the connection when streamed.
type Answer = (Response, Option<BodyReader>);

impl Transport {
    /// Agents for `opts` trusting the global server `server_address` and
    /// the origins of `opts`. Reads the CA bundle, if any, and the proxy
    /// variables; no network I/O.
    pub fn new(
        opts: &HttpOptions,
        server_address: &str,
        new_token_url: String,
    ) -> Result<Transport> {
        opts.validate()?;
        let mut trusted = vec![Origin::of_server(server_address)?];
        for origin in &opts.trusted_origins {
            trusted.push(Origin::of_server(origin)?);
        }
        let proxies = Proxies::new(&opts.proxy, |name| std::env::var(name).ok());
        let tls = tls::config(opts.ca_file.as_deref())?;
        let config = |proxy: Option<ureq::Proxy>| {
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .save_redirect_history(false)
                .user_agent(USER_AGENT)
                .timeout_connect(Some(opts.connect_timeout))
                .timeout_global(Some(opts.total_timeout))
                // Each read and write waits at most a hair less than the overall
                // timeout: the least of this and what is left is what a socket
                // waits, so a fast exchange always finds the same value (ureq
                // sets the socket's timeouts again, two syscalls a request,
                // whenever they change), while any wait that starts later than
                // AGENT_TIMEOUT_SLACK into a request gets exactly what is left.
                .timeout_per_read(steady_io_timeout(opts.total_timeout))
                .timeout_per_write(steady_io_timeout(opts.total_timeout))
                .tls_config(tls.clone())
                // Proxies are chosen here (src/http/proxy.rs), never by ureq
                // from the environment.
                .proxy(proxy)
        };
        let routes = || std::iter::once(None).chain(proxies.routes.iter().cloned().map(Some));
        let configs = routes()
            .map(|p| {
                config(p)
                    .max_idle_connections(agents::MAX_IDLE)
                    .max_idle_connections_per_host(agents::MAX_IDLE_PER_HOST)
                    .input_buffer_size(agents::input_buffer(agents::MAX_HEAD))
                    .max_response_header_size(agents::MAX_HEAD)
                    .build()
            })
            .collect();
        let batch_configs = routes()
            .map(|p| {
                let (head, output) = agents::BATCH_BUFFERS;
                config(p)
                    // A batch's pool keeps every connection its workers
                    // return (one each at most): it never opens more
                    // connections than it has workers.
                    .max_idle_connections(crate::batch::MAX_IN_FLIGHT)
                    .max_idle_connections_per_host(crate::batch::MAX_IN_FLIGHT)
                    .input_buffer_size(agents::input_buffer(head))
                    .max_response_header_size(head)
                    .output_buffer_size(output)
                    .build()
            })
            .collect();
        Ok(Transport {
            agents: Agents::new(configs, batch_configs),
            opts: opts.clone(),
            proxies,
            trusted: RwLock::new(trusted),
            declined: RwLock::new(Vec::new()),
            localhost_loopback: OnceLock::new(),
            new_token_url,
        })
    }

    /// Sends the token to `origin` from now on too (a datastack's local server).
    pub fn trust(&self, origin: Origin<'static>) {
        let mut trusted = self.trusted.write().unwrap_or_else(|p| p.into_inner());
        if !trusted.contains(&origin) {
            trusted.push(origin);
        }
    }

    /// Records that `origin` is not trusted, `why` and what would make it
    /// trusted (said when a request to it needs the token).
    pub fn decline(&self, origin: Origin<'static>, why: Withheld) {
        let mut declined = self.declined.write().unwrap_or_else(|p| p.into_inner());
        declined.retain(|(o, _)| *o != origin);
        declined.push((origin, why));
    }

    /// Whether the token may go to `origin`.
    pub fn is_trusted(&self, origin: &Origin<'_>) -> bool {
        self.trusted
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .any(|t| t == origin)
    }

    /// Whether `origin`'s host is loopback: a loopback IP address, or
    /// `localhost` when it resolves to loopback addresses only.
    pub fn is_loopback(&self, origin: &Origin<'_>) -> bool {
        origin.is_loopback_ip()
            || (origin.is_localhost()
                && *self
                    .localhost_loopback
                    .get_or_init(resolve::localhost_is_loopback))
    }

    /// A new connection pool for one batch (see [`agents::scope`]).
    pub(crate) fn batch_pool(&self) -> std::sync::Arc<agents::Pool> {
        self.agents.pool()
    }

    /// Whether plain http to non-loopback hosts was allowed.
    pub fn allows_insecure_http(&self) -> bool {
        self.opts.allow_insecure_http
    }

    /// Makes `req`, with `token` when the policy allows it. Succeeds only on
    /// 2xx; any other answer is an error carrying status, server id, URL and body.
    pub fn send(&self, req: &Request<'_>, token: Option<&Token>) -> Result<Response> {
        self.send_with_url_secret(req, token, None)
    }

    /// [`Transport::send`] for a URL that holds a secret itself (the token
    /// of a TTL call, in its path): the URL is then guarded like the token.
    /// Every secret of the request is masked in any error.
    pub fn send_with_url_secret(
        &self,
        req: &Request<'_>,
        token: Option<&Token>,
        url_secret: Option<&Token>,
    ) -> Result<Response> {
        self.send_with_options(req, token, url_secret, &RequestOptions::default())
    }

    /// [`Transport::send_with_url_secret`] with a per-request timeout and
    /// cancel flag (see [`super::cancel`]).
    pub fn send_with_options(
        &self,
        req: &Request<'_>,
        token: Option<&Token>,
        url_secret: Option<&Token>,
        per_request: &RequestOptions,
    ) -> Result<Response> {
        let secrets = Secrets([token, url_secret]);
        let total = per_request.timeout.unwrap_or(self.opts.total_timeout);
        cancel::scope(per_request.cancel.as_ref(), || {
            self.send_inner(req, token, url_secret, &secrets, BodyMode::Whole, total)
        })
        .map(|(resp, _)| resp)
        .map_err(|e| secrets.redact(e))
    }

    /// Makes `req` as [`Transport::send`] does (the same token, trust,
    /// redirect and retry rules), but leaves the body of the 2xx answer on
    /// the connection: the stream reads it. An error answer is read whole
    /// and is an error, as for `send`.
    pub fn open(
        &self,
        req: &Request<'_>,
        token: Option<&Token>,
        per_request: &RequestOptions,
    ) -> Result<Stream> {
        let secrets = Secrets([token, None]);
        let total = per_request.timeout.unwrap_or(self.opts.total_timeout);
        let limits = Limits {
            cancel: per_request.cancel.clone(),
            deadline: deadline_after(total),
            total,
        };
        let (head, reader) = cancel::scope(per_request.cancel.as_ref(), || {
            self.send_inner(req, token, None, &secrets, BodyMode::Stream, total)
        })
        .map_err(|e| secrets.redact(e))?;
        Ok(Stream::new(head, reader, self.opts.clone(), limits))
    }

    fn send_inner(
        &self,
        req: &Request<'_>,
        token: Option<&Token>,
        url_secret: Option<&Token>,
        secrets: &Secrets<'_>,
        mode: BodyMode,
        total: Duration,
    ) -> Result<Answer> {
        refuse_token_in_url(req.url)?;
        let deadline = deadline_after(total);
        // A URL holding a secret is parsed over memory zeroed on drop, and
        // is named in messages and answers only masked (`shown`).
        let first_uri = match url_secret {
            Some(_) => secret_url::parse(req.url)?,
            None => parse_uri(req.url)?,
        };
        let first = Origin::of_uri(&first_uri, req.url)?;
        let shown_first = match url_secret {
            Some(s) => Cow::Owned(secrets::mask_str(req.url, s.expose()).unwrap_or_default()),
            None => Cow::Borrowed(req.url),
        };
        // Borrowed until a redirect changes them.
        let (mut method, mut body, mut url) =
            (Cow::Borrowed(req.method), req.body, Cow::Borrowed(req.url));
        // Whether some hop went to an origin other than the first.
        let mut crossed = false;
        for hop in 0..=MAX_REDIRECTS {
            // The first URL is parsed already (once: origin and request share
            // it); a redirect's is parsed here.
            let (hop_uri, here);
            let shown: &str = if hop == 0 { &shown_first } else { &url };
            let (uri, origin) = if hop == 0 {
                (&first_uri, &first)
            } else {
                hop_uri = parse_uri(&url)?;
                here = Origin::of_uri(&hop_uri, &url)?;
                (&hop_uri, &here)
            };
            let Hop {
                send_token,
                route,
                withheld,
            } = self.trust_hop(origin, &first, hop == 0, crossed, token, url_secret)?;
            let ctx = Context {
                token_sent: send_token.is_some(),
                withheld: withheld.as_ref(),
                new_token_url: &self.new_token_url,
            };
            let call = Call {
                method: &method,
                url: shown,
                uri,
                body,
                content_type: req.content_type,
                token: send_token,
                route: route.index(),
            };
            let (mut resp, reader, note) = self.with_retries(&call, deadline, mode, total)?;
            let next = redirect::follow(&Answered {
                resp: &resp,
                url: &url,
                shown,
                origin,
                method: &method,
                has_body: body.is_some(),
                secrets,
                ctx: &ctx,
            })?;
            if let Some(next) = next {
                if !next.keeps_method {
                    method = Cow::Borrowed("GET");
                    body = None;
                }
                crossed |= next.origin != first;
                url = Cow::Owned(next.url);
                continue;
            }
            resp.crossed_origin = crossed;
            return if resp.is_success() {
                Ok((resp, reader))
            } else {
                Err(answer::error_for(&resp, &ctx).note(&note))
            };
        }
        Err(Error::new(
            ErrorKind::BadResponse,
            format!("more than {MAX_REDIRECTS} redirects starting at {shown_first}"),
        ))
    }

    /// The trust rule for one hop (to `origin`, of a request to `first`),
    /// in one place: the token goes only to a trusted origin, and only to
    /// the first one, never after a redirect went to another origin; a
    /// token in the URL (only on the first hop, the caller's URL) only to a
    /// trusted origin; neither over plain http, except to loopback or when
    /// allowed. Also which route (proxy) the hop takes.
    fn trust_hop<'t>(
        &self,
        origin: &Origin<'_>,
        first: &Origin<'_>,
        first_hop: bool,
        crossed: bool,
        token: Option<&'t Token>,
        url_secret: Option<&Token>,
    ) -> Result<Hop<'t>> {
        let trusted = self.is_trusted(origin);
        // Credentials never follow a redirect to another origin.
        let send_token = token.filter(|_| trusted && *origin == *first && !crossed);
        // Only the first URL is the caller's; a redirect's was checked to
        // hold no secret.
        let secret_url = first_hop && url_secret.is_some();
        if secret_url && !trusted {
            return Err(Error::new(
                ErrorKind::UntrustedOrigin,
                format!(
                    "refusing to send a token in the URL to {origin}, which is not a trusted \
                     origin"
                ),
            )
            .with_remedy(Remedy::TrustOrigin(origin.to_string())));
        }
        let loopback = self.is_loopback(origin);
        let route = self.proxies.route(origin, loopback)?;
        if (send_token.is_some() || secret_url)
            && !origin.is_https()
            && !loopback
            && !self.opts.allow_insecure_http
        {
            let via = self
                .proxies
                .shown(route)
                .map(|p| format!(" (through the proxy {p})"))
                .unwrap_or_default();
            return Err(Error::new(
                ErrorKind::InsecureUrl,
                format!(
                    "refusing to send the token over plain http to {origin}{via}; use https, \
                     or allow plain http explicitly"
                ),
            )
            .with_remedy(Remedy::AllowInsecureHttp(origin.to_string())));
        }
        let withheld = match token {
            Some(_) if send_token.is_none() => Some(self.why_withheld(origin, first, crossed)),
            _ => None,
        };
        Ok(Hop {
            send_token,
            route,
            withheld,
        })
    }

    /// Why a token was not sent to `origin` (a hop of a request to `first`),
    /// and what would have let it go.
    fn why_withheld(&self, origin: &Origin<'_>, first: &Origin<'_>, crossed: bool) -> Withheld {
        let trust = Remedy::TrustOrigin(origin.to_string());
        if *origin != *first || crossed {
            return Withheld {
                why: format!(
                    "the request to {first} was redirected to another origin ({origin}), and the \
                     token never follows a redirect to another origin; if you trust {origin}, \
                     request it directly and trust it"
                ),
                remedy: trust,
            };
        }
        let declined = self.declined.read().unwrap_or_else(|p| p.into_inner());
        match declined.iter().find(|(o, _)| o == origin) {
            Some((_, why)) => Withheld {
                why: format!("{origin} is not a trusted origin: {}", why.why),
                remedy: why.remedy.clone(),
            },
            None => Withheld {
                why: format!("{origin} is not a trusted origin"),
                remedy: trust,
            },
        }
    }

    /// Tries `call` until an answer that is not worth retrying, the last
    /// try allowed, or the deadline; returns the last outcome and the number
    /// of tries made. Every try of every request goes through this loop
    /// (the one place a per-request check between tries belongs).
    fn with_retries(
        &self,
        call: &Call<'_>,
        deadline: Instant,
        mode: BodyMode,
        total: Duration,
    ) -> Result<(Response, Option<BodyReader>, String)> {
        let idempotent = retry::is_idempotent(call.method);
        let mut tries = 0;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if cancel::triggered() {
                return Err(cancel::canceled(call.url));
            }
            if remaining.is_zero() {
                return Err(timeout(call.url, total).note(&tries_note(tries)));
            }
            let outcome = self.attempt(call, remaining, mode, total);
            tries += 1;
            // The one cancel check point of an attempt: whatever failed
            // after the flag was raised failed because of it.
            if outcome.is_err() && cancel::triggered() {
                return Err(cancel::canceled(call.url));
            }
            let (transient, retry_after) = match &outcome {
                Ok((resp, _)) => (
                    retry::is_retryable_status(resp.status),
                    resp.header("retry-after")
                        .and_then(|v| retry::parse_retry_after(&v, SystemTime::now())),
                ),
                Err(f) => (f.transient, None),
            };
            if let (Ok((resp, _)), Some(wait)) = (&outcome, retry_after) {
                crate::batch::noticed(resp, wait);
            }
            let give_up = !(transient && idempotent && tries <= self.opts.max_retries);
            let pause = retry::pause(
                tries,
                self.opts.retry_base_delay,
                retry_after,
                retry::unit_draw(),
            );
            // A pause that would end past the deadline is not taken: the
            // caller gets this answer now rather than a timeout later.
            let past_deadline = pause >= deadline.saturating_duration_since(Instant::now());
            if give_up || past_deadline {
                let mut note = tries_note(tries);
                if let Some(after) = retry_after.filter(|_| !give_up) {
                    note.push_str(&format!(
                        " (the server asked to wait {} s before another try, past the \
                         request's deadline)",
                        after.as_secs()
                    ));
                }
                return match outcome {
                    Ok((resp, reader)) => Ok((resp, reader, note)),
                    Err(f) => Err(f.error.note(&note)),
                };
            }
            // The pause notices a cancel within cancel::CHECK_EVERY (it
            // ends before the deadline, checked above).
            let wake = deadline_after(pause);
            while !cancel::triggered() && Instant::now() < wake {
                std::thread::sleep(
                    cancel::CHECK_EVERY.min(wake.saturating_duration_since(Instant::now())),
                );
            }
        }
    }

    fn attempt(
        &self,
        call: &Call<'_>,
        remaining: Duration,
        mode: BodyMode,
        total: Duration,
    ) -> std::result::Result<Answer, Failure> {
        let request = call.build().map_err(|error| Failure {
            error,
            transient: false,
        })?;
        // A GET or HEAD without a body sends none (no `content-length: 0`);
        // other methods send theirs, empty or not, borrowed (not copied).
        let (mut none, mut bytes) = ((), call.body.unwrap_or_default());
        let body = if call.body.is_none() && matches!(call.method, "GET" | "HEAD") {
            none.as_body()
        } else {
            bytes.as_body()
        };
        let request = request.map(|()| body);
        // The agent's own overall timeout (total_timeout, counted from the
        // start of this exchange, at most AGENT_TIMEOUT_SLACK after ours)
        // bounds a first try; a retry or a redirect gets what is left.
        let first_try = remaining <= self.opts.total_timeout
            && remaining.saturating_add(AGENT_TIMEOUT_SLACK) >= self.opts.total_timeout;
        let mut resp = self
            .agents
            .with(call.route, |agent| {
                let request = if first_try {
                    request
                } else {
                    agent
                        .configure_request(request)
                        .timeout_global(Some(remaining))
                        .build()
                };
                agent.run(request)
            })
            .map_err(|e| classify(e, call.url, &self.opts, total))?;
        let status = resp.status().as_u16();
        let headers = std::mem::take(resp.headers_mut());
        let head = |headers, body| Response {
            status,
            headers,
            body,
            url: call.url.to_owned(),
            crossed_origin: false,
        };
        if mode == BodyMode::Stream && (200..300).contains(&status) {
            let reader = (call.method != "HEAD").then(|| resp.into_body().into_reader());
            return Ok((head(headers, Vec::new()), reader));
        }
        if !(200..300).contains(&status) {
            // Not a body the caller asked for: an excerpt for the error
            // (the rest is never read, and the connection is closed).
            let mut excerpt = Vec::new();
            if call.method != "HEAD" {
                resp.body_mut()
                    .as_reader()
                    .take(ERROR_BODY_LIMIT)
                    .read_to_end(&mut excerpt)
                    .map_err(|e| Failure {
                        transient: false,
                        ..classify(ureq::Error::from(e), call.url, &self.opts, total)
                    })?;
            }
            return Ok((head(headers, excerpt), None));
        }
        let limit = self.opts.max_body_bytes;
        let declared = headers
            .get(header::CONTENT_LENGTH)
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
            // Sized from Content-Length (up to 64 KiB: a claim is not a body),
            // so a small answer is read without growing the buffer.
            let mut body = Vec::with_capacity(declared.map_or(0, |n| n.min(1 << 16) as usize));
            resp.body_mut()
                .with_config()
                .limit(limit)
                .reader()
                .read_to_end(&mut body)
                // Bytes of the answer arrived: never tried again.
                .map_err(|e| Failure {
                    transient: false,
                    ..classify(ureq::Error::from(e), call.url, &self.opts, total)
                })?;
            body
        };
        Ok((head(headers, body), None))
    }
}

/// One HTTP exchange of a request (one redirect hop).
struct Call<'a> {
    method: &'a str,
    /// The URL as messages and the answer name it (a secret in it masked).
    url: &'a str,
    /// `url`, parsed.
    uri: &'a http::Uri,
    body: Option<&'a [u8]>,
    content_type: Option<&'a str>,
    token: Option<&'a Token>,
    /// The agents that carry it (0: direct, else a proxy).
    route: usize,
}

impl Call<'_> {
    /// The request line and headers; the body is added by `attempt`.
    fn build(&self) -> Result<http::Request<()>> {
        let method = http::Method::from_bytes(self.method.as_bytes()).map_err(|_| {
            Error::invalid_argument(format!("invalid HTTP method \"{}\"", self.method))
        })?;
        // Set in place: no builder, no header name parsed.
        let mut request = http::Request::new(());
        *request.method_mut() = method;
        *request.uri_mut() = self.uri.clone();
        let headers = request.headers_mut();
        if let Some(token) = self.token {
            // Shared values: no copy of the token per request.
            headers.insert(header::AUTHORIZATION, token.authorization_header().clone());
            headers.insert(header::COOKIE, token.cookie_header().clone());
        } else {
            headers.insert(X_REQUESTED_WITH, HeaderValue::from_static("fwclient"));
        }
        if let Some(ct) = self.content_type {
            let value = HeaderValue::from_str(ct).map_err(|_| {
                Error::invalid_argument("the content type is not a valid header value")
            })?;
            headers.insert(header::CONTENT_TYPE, value);
        }
        Ok(request)
    }
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

/// See `Transport::new`; none for an overall timeout too short to shave.
fn steady_io_timeout(total: Duration) -> Option<Duration> {
    total
        .checked_sub(AGENT_TIMEOUT_SLACK)
        .filter(|t| *t >= AGENT_TIMEOUT_SLACK)
}

/// The instant `after` from now; a wait too long for the clock (a
/// timeout of centuries) is cut to a century, which no request outlives.
fn deadline_after(after: Duration) -> Instant {
    const CENTURY: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
    Instant::now() + after.min(CENTURY)
}

/// How many tries a request took, for its error message ("" for one).
fn tries_note(tries: u32) -> String {
    if tries > 1 {
        format!(" (after {tries} tries)")
    } else {
        String::new()
    }
}
