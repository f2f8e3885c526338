//! A client for one datastack (or the global services): the shared auth,
//! the agent its requests go through, and the datastack info it learns on
//! first need. Creating one does no network I/O.

mod datastack;
mod services;

use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::auth::Auth;
use crate::error::{Error, ErrorKind, Result};
use crate::http::cancel::{self, RequestOptions};
use crate::http::{Request, Response, Stream, Transport, path};
use crate::options::Options;
use crate::token::Token;

/// A client of the framework's services.
#[derive(Debug)]
pub struct Client {
    datastack: Option<String>,
    auth: Arc<Auth>,
    /// Shared with the views of [`Client::with_request_options`].
    transport: Arc<Transport>,
    /// Datastack info, fetched once (shared with the views too).
    info: Arc<Mutex<Option<Arc<Value>>>>,
    /// The timeout and cancel flag of every request of this client (or view).
    per_request: RequestOptions,
}

impl Client {
    /// A client for `datastack` (`None`: the global services only), with
    /// the token found as `opts` says; without a server address, the
    /// server is caveclient's datastack map's entry for `datastack`, if any.
    pub fn new(datastack: Option<&str>, opts: &Options) -> Result<Client> {
        let auth = Arc::new(Auth::for_datastack(datastack, opts)?);
        Client::with_auth(datastack, auth, opts)
    }

    /// A client sharing an existing auth (its token, saved or set later, is
    /// what this client sends).
    pub fn with_auth(datastack: Option<&str>, auth: Arc<Auth>, opts: &Options) -> Result<Client> {
        if let Some(name) = datastack {
            // It becomes one segment of the info URL: "", "." and ".." never can.
            path::segment(name, "datastack name")?;
        }
        let transport = Transport::new(&opts.http, auth.server_address(), auth.new_token_url())?;
        Ok(Client {
            datastack: datastack.map(str::to_owned),
            auth,
            transport: Arc::new(transport),
            info: Arc::new(Mutex::new(None)),
            per_request: RequestOptions::default(),
        })
    }

    /// A view of this client (the same auth, connections, trusted origins
    /// and datastack info) whose every request, service calls included,
    /// has `per_request`'s timeout and cancel flag. Cheap: for one call, as
    /// Go's context is.
    pub fn with_request_options(&self, per_request: RequestOptions) -> Client {
        Client {
            datastack: self.datastack.clone(),
            auth: Arc::clone(&self.auth),
            transport: Arc::clone(&self.transport),
            info: Arc::clone(&self.info),
            per_request,
        }
    }

    /// The transport this client and its views share.
    pub(crate) fn transport(&self) -> &Transport {
        &self.transport
    }

    /// The timeout and cancel flag of this client's (or view's) requests.
    pub(crate) fn request_options(&self) -> &RequestOptions {
        &self.per_request
    }

    /// The auth this client and any other built on it share.
    pub fn auth(&self) -> &Arc<Auth> {
        &self.auth
    }

    /// The datastack, `None` for a global client.
    pub fn datastack(&self) -> Option<&str> {
        self.datastack.as_deref()
    }

    /// The global server address.
    pub fn server_address(&self) -> &str {
        self.auth.server_address()
    }

    /// Makes a request with the auth's current token (sent only to trusted
    /// origins); succeeds only on 2xx. A request to an origin that may be
    /// the datastack's local server first learns the datastack's info.
    pub fn request(&self, req: &Request<'_>) -> Result<Response> {
        self.request_with_url_secret(req, None)
    }

    /// [`Client::request`] with a per-request timeout and cancel flag: a
    /// raised flag ends it (datastack info fetched on the way included)
    /// with `ErrorKind::Canceled` within about `http::cancel::CHECK_EVERY`.
    pub fn request_with(
        &self,
        req: &Request<'_>,
        per_request: &RequestOptions,
    ) -> Result<Response> {
        // What the call leaves unset, this client (or view) sets.
        let merged = RequestOptions {
            timeout: per_request.timeout.or(self.per_request.timeout),
            cancel: per_request
                .cancel
                .clone()
                .or_else(|| self.per_request.cancel.clone()),
        };
        self.with_request_options(merged).request(req)
    }

    /// [`Client::request`] for a URL holding `url_secret` (guarded like the
    /// token: trusted origins and https only, masked in errors).
    pub(crate) fn request_with_url_secret(
        &self,
        req: &Request<'_>,
        url_secret: Option<&Token>,
    ) -> Result<Response> {
        self.with_token(req.url, |token| {
            self.transport
                .send_with_options(req, token, url_secret, &self.per_request)
        })
    }

    /// Makes a request as [`Client::request`] does (the same token, trust,
    /// redirect and retry rules) and returns its 2xx answer with the body
    /// left to read from the [`Stream`].
    pub fn open(&self, req: &Request<'_>) -> Result<Stream> {
        self.with_token(req.url, |token| {
            self.transport.open(req, token, &self.per_request)
        })
    }

    /// Runs `send` with the auth's current token (after learning whether
    /// `url`'s origin is trusted, when there is a token). When the token came from
    /// a file and is refused as invalid, and the file changed since it was
    /// read (rotated by another process), the new token is read and `send`
    /// runs once more with it. The datastack info fetched on the way is
    /// canceled with the request.
    fn with_token<T>(&self, url: &str, send: impl Fn(Option<&Token>) -> Result<T>) -> Result<T> {
        cancel::scope(self.per_request.cancel.as_ref(), || {
            self.with_token_inner(url, &send)
        })
    }

    fn with_token_inner<T>(
        &self,
        url: &str,
        send: &impl Fn(Option<&Token>) -> Result<T>,
    ) -> Result<T> {
        let token = self.auth.usable_token()?;
        if token.is_some() {
            self.learn_trust_for(url)?;
        }
        let outcome = send(token.as_ref());
        match outcome {
            Err(e)
                if e.kind() == ErrorKind::InvalidToken && self.auth.reload().unwrap_or(false) =>
            {
                send(self.auth.usable_token()?.as_ref())
            }
            other => other,
        }
    }

    /// `GET url`.
    pub fn get(&self, url: &str) -> Result<Response> {
        self.request(&Request::get(url))
    }

    /// `GET url`, the answer parsed as JSON.
    pub(crate) fn get_json(&self, url: &str) -> Result<Value> {
        let resp = self.get(url)?;
        parse_json(&resp)
    }
}

/// The body of `resp` as JSON, or FW_ERR_BAD_RESPONSE.
pub(crate) fn parse_json(resp: &Response) -> Result<Value> {
    serde_json::from_slice(&resp.body).map_err(|e| {
        Error::new(
            crate::ErrorKind::BadResponse,
            format!("the answer of {} is not valid JSON ({e})", resp.url),
        )
    })
}
