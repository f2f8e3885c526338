//! A client for one datastack (or the global services): the shared auth,
//! the agent its requests go through, and the datastack info it learns on
//! first need. Creating one does no network I/O.

mod datastack;
mod services;

use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::auth::Auth;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{Request, Response, Stream, Transport, path};
use crate::options::Options;
use crate::token::Token;

/// A client of the framework's services.
#[derive(Debug)]
pub struct Client {
    datastack: Option<String>,
    auth: Arc<Auth>,
    transport: Transport,
    /// Datastack info, fetched once.
    info: Mutex<Option<Arc<Value>>>,
}

impl Client {
    /// A client for `datastack` (`None`: the global services only), with
    /// the token found as `opts` says.
    pub fn new(datastack: Option<&str>, opts: &Options) -> Result<Client> {
        let auth = Arc::new(Auth::new(opts)?);
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
            transport,
            info: Mutex::new(None),
        })
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

    /// [`Client::request`] for a URL holding `url_secret` (guarded like the
    /// token: trusted origins and https only, masked in errors).
    pub(crate) fn request_with_url_secret(
        &self,
        req: &Request<'_>,
        url_secret: Option<&Token>,
    ) -> Result<Response> {
        self.with_token(req.url, |token| {
            self.transport.send_with_url_secret(req, token, url_secret)
        })
    }

    /// Makes a request as [`Client::request`] does (the same token, trust,
    /// redirect and retry rules) and returns its 2xx answer with the body
    /// left to read from the [`Stream`].
    pub fn open(&self, req: &Request<'_>) -> Result<Stream> {
        self.with_token(req.url, |token| self.transport.open(req, token))
    }

    /// Runs `send` with the auth's current token (after learning whether
    /// `url`'s origin is trusted, when there is a token). When the token came from
    /// a file and is refused as invalid, and the file changed since it was
    /// read (rotated by another process), the new token is read and `send`
    /// runs once more with it.
    fn with_token<T>(&self, url: &str, send: impl Fn(Option<&Token>) -> Result<T>) -> Result<T> {
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
