//! The typed calls of the info and auth services that caveclient wraps.

use serde_json::Value;

use super::{Client, parse_json};
use crate::error::{Error, ErrorKind, Result};
use crate::http::secret_url::SecretUrl;
use crate::http::{Request, path};
use crate::token::Token;

impl Client {
    fn auth_url(&self, path: &str) -> String {
        format!("{}/auth/api/v1/{path}", self.server_address())
    }

    /// `GET {server}/info/api/v2/datastacks`: the datastacks the user may see.
    pub fn datastacks(&self) -> Result<Value> {
        self.get_json(&format!("{}/info/api/v2/datastacks", self.server_address()))
    }

    /// `GET {server}/auth/api/v1/user/me`: the user's profile.
    pub fn whoami(&self) -> Result<Value> {
        self.get_json(&self.auth_url("user/me"))
    }

    /// `GET {server}/auth/api/v1/user/token`: the user's API keys.
    pub fn get_tokens(&self) -> Result<Value> {
        self.get_json(&self.auth_url("user/token"))
    }

    /// `POST {server}/auth/api/v1/user/token`: a new API key (existing keys
    /// stay valid). Not saved: pass it to `Auth::save_token` to keep it.
    pub fn create_token(&self, description: Option<&str>) -> Result<Token> {
        let body = description.map(|d| serde_json::json!({ "description": d }).to_string());
        let url = self.auth_url("user/token");
        let resp = self.request(&Request {
            method: "POST",
            url: &url,
            body: body.as_deref().map(str::as_bytes),
            content_type: body.as_ref().map(|_| "application/json"),
        })?;
        let new = parse_json(&resp)?;
        let text = new.as_str().ok_or_else(|| {
            Error::new(
                ErrorKind::BadResponse,
                format!("the answer of {url} is not a token string"),
            )
        })?;
        Token::new(text).map_err(|e| {
            Error::new(
                ErrorKind::BadResponse,
                format!("{url} answered an unusable token: {}", e.message()),
            )
        })
    }

    /// `GET {server}/auth/api/v1/user/token/{token}/ttl`: seconds left, -1
    /// for never. The token travels in this URL (the server's API, one
    /// percent-encoded path segment), so the URL is guarded like the token
    /// itself and the token is masked in any error.
    pub fn token_ttl(&self, token: &Token) -> Result<i64> {
        let segment = path::secret_segment(token.expose(), "token")?;
        let url = SecretUrl::join(&[
            self.server_address(),
            "/auth/api/v1/user/token/",
            &segment,
            "/ttl",
        ]);
        let resp = self.request_with_url_secret(&Request::get(url.expose()), Some(token))?;
        let value = parse_json(&resp).map_err(|e| e.redact(token.expose()))?;
        value.as_i64().ok_or_else(|| {
            Error::new(
                ErrorKind::BadResponse,
                "the token TTL answer is not an integer",
            )
        })
    }

    /// `GET {server}/auth/api/v1/user?id=1%2C2`: profiles (admins only on
    /// current servers).
    pub fn get_user_information(&self, ids: &[u64]) -> Result<Value> {
        if ids.is_empty() {
            return Err(Error::invalid_argument("no user ids given"));
        }
        let joined: Vec<String> = ids.iter().map(u64::to_string).collect();
        self.get_json(&self.auth_url(&format!("user?id={}", joined.join("%2C"))))
    }

    /// `GET {server}/auth/api/v1/group/{id}/user`: the members of a group.
    pub fn get_group_users(&self, group_id: u64) -> Result<Value> {
        self.get_json(&self.auth_url(&format!("group/{group_id}/user")))
    }
}
