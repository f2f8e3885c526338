//! What a server's error answer means for the caller: the middle_auth
//! error ids become error kinds a program can act on, with the details kept.

use serde_json::Value;

use super::response::Response;
use crate::error::{Error, ErrorKind, HttpDetail, Remedy};

/// Path of the login page the services redirect token-less browsers to.
pub const LOGIN_PATH: &str = "/api/v1/authorize";

/// Why a token was withheld from an origin, and what would let it go there.
#[derive(Clone, Debug)]
pub struct Withheld {
    pub why: String,
    pub remedy: Remedy,
}

/// Context for messages: whether a token was sent, why one was withheld
/// (when the user has one), and where to get one.
pub struct Context<'a> {
    pub token_sent: bool,
    pub withheld: Option<&'a Withheld>,
    pub new_token_url: &'a str,
}

/// The error for a non-2xx answer.
pub fn error_for(resp: &Response, ctx: &Context<'_>) -> Error {
    let json: Option<Value> = serde_json::from_slice(&resp.body).ok();
    let server_id = json
        .as_ref()
        .and_then(|j| j.get("error"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let data = |field: &str| {
        json.as_ref()
            .and_then(|j| j.get("data"))
            .and_then(|d| d.get(field))
            .and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Null => None,
                other => Some(other.to_string()),
            })
    };
    let mut detail = HttpDetail {
        status: resp.status,
        server_id: server_id.clone(),
        url: Some(resp.url.clone()),
        body: resp.body.clone(),
        ..HttpDetail::default()
    };
    let url = &resp.url;
    let mut remedy = Remedy::None;
    let (kind, message) = match (resp.status, server_id.as_deref()) {
        (401, Some("no_token")) => return not_authenticated(url, ctx, detail),
        (401, _) if !ctx.token_sent => return not_authenticated(url, ctx, detail),
        (401, _) => {
            remedy = Remedy::LogIn;
            (
                ErrorKind::InvalidToken,
                format!(
                    "the token was rejected as invalid or expired by {url} (HTTP 401); \
                     get a new one at {}",
                    ctx.new_token_url
                ),
            )
        }
        (400, Some("bad_auth_header")) => (
            ErrorKind::BadAuthHeader,
            format!("{url} rejected the Authorization header (HTTP 400 bad_auth_header)"),
        ),
        (403, Some("missing_tos")) => {
            detail.tos_form_url = data("tos_form_url");
            let name = data("tos_name").unwrap_or_else(|| "the Terms of Service".to_owned());
            if let Some(form) = &detail.tos_form_url {
                remedy = Remedy::AcceptTerms(form.clone());
            }
            let form = if detail.tos_form_url.is_some() {
                ""
            } else {
                ", and the server gave no form to accept them at"
            };
            (
                ErrorKind::MissingTos,
                format!("you must accept {name} before using {url} (HTTP 403 missing_tos){form}"),
            )
        }
        (403, Some("missing_permission")) => {
            detail.permission = data("required_permission");
            detail.dataset = data("auth_dataset");
            (
                ErrorKind::Forbidden,
                format!(
                    "missing permission \"{}\" for dataset \"{}\" at {url} (HTTP 403 missing_permission)",
                    detail.permission.as_deref().unwrap_or("?"),
                    detail.dataset.as_deref().unwrap_or("?")
                ),
            )
        }
        (403, _) => (
            ErrorKind::Forbidden,
            format!(
                "access to {url} is forbidden (HTTP 403): {}",
                excerpt(resp, json.as_ref())
            ),
        ),
        (status, _) => (
            ErrorKind::HttpStatus,
            format!(
                "{url} answered HTTP {status}: {}",
                excerpt(resp, json.as_ref())
            ),
        ),
    };
    Error::http(kind, message, detail).with_remedy(remedy)
}

/// The error for a redirect to the login page: no usable token was sent.
pub fn login_redirect(url: &str, location: &str, ctx: &Context<'_>) -> Error {
    let detail = HttpDetail {
        status: 302,
        url: Some(url.to_owned()),
        body: location.as_bytes().to_vec(),
        ..HttpDetail::default()
    };
    if !ctx.token_sent {
        return not_authenticated(url, ctx, detail);
    }
    let message = format!(
        "{url} sent the request to the login page: the token is invalid or expired; \
         get a new one at {}",
        ctx.new_token_url
    );
    Error::http(ErrorKind::InvalidToken, message, detail).with_remedy(Remedy::LogIn)
}

/// A request without a token was refused: the user has none (how to get
/// one), or it was withheld (why, and how to trust the origin).
fn not_authenticated(url: &str, ctx: &Context<'_>, detail: HttpDetail) -> Error {
    if let Some(withheld) = ctx.withheld {
        let message = format!(
            "{url} needs a token; yours was withheld because {}",
            withheld.why
        );
        return Error::http(ErrorKind::UntrustedOrigin, message, detail)
            .with_remedy(withheld.remedy.clone());
    }
    let message = format!(
        "not authenticated: {url} needs a token and none was sent; create one at {}",
        ctx.new_token_url
    );
    Error::http(ErrorKind::NotAuthenticated, message, detail).with_remedy(Remedy::LogIn)
}

/// The server's `message`, else the start of its body, for a message.
fn excerpt(resp: &Response, json: Option<&Value>) -> String {
    if let Some(m) = json.and_then(|j| j.get("message")).and_then(Value::as_str) {
        return m.to_owned();
    }
    let text = String::from_utf8_lossy(&resp.body);
    let text = text.trim();
    if text.is_empty() {
        return "(empty body)".to_owned();
    }
    let cut: String = text.chars().take(200).collect();
    if cut.len() < text.len() {
        format!("{cut}...")
    } else {
        cut
    }
}
