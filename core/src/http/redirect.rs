//! The redirect rule, in one place: whether a redirect answer is followed,
//! where to, and with which method and body. A redirect is never followed
//! when its Location holds a secret of the request (in any form), when it
//! leads to the login page (the token was refused), or when a 307/308 would
//! resend the body to another origin. Whether the token goes along is the
//! trust rule of the transport (never to another origin).

use super::answer::{self, Context, LOGIN_PATH};
use super::origin::{Origin, resolve_location};
use super::request_secrets::Secrets;
use super::response::Response;
use crate::error::{Error, ErrorKind, HttpDetail, Result};

/// An answer of one hop, with what the redirect rule needs to know of it.
pub(super) struct Answered<'a> {
    pub resp: &'a Response,
    /// The URL this hop asked for.
    pub url: &'a str,
    /// `url` as messages name it (a secret in it masked).
    pub shown: &'a str,
    pub origin: &'a Origin<'a>,
    pub method: &'a str,
    pub has_body: bool,
    pub secrets: &'a Secrets<'a>,
    pub ctx: &'a Context<'a>,
}

/// Where a followed redirect leads.
pub(super) struct Redirect {
    pub url: String,
    pub origin: Origin<'static>,
    /// A 307/308 (or a 301/302 to HEAD) keeps the method and body; the
    /// others become a GET without a body.
    pub keeps_method: bool,
}

/// `None` when the answer is not a redirect (or has no Location); the next
/// hop when it is one to follow; an error when it must not be followed.
pub(super) fn follow(a: &Answered<'_>) -> Result<Option<Redirect>> {
    let status = a.resp.status;
    let location = match status {
        301 | 302 | 303 | 307 | 308 => a.resp.header("location"),
        _ => None,
    };
    let Some(location) = location else {
        return Ok(None);
    };
    let shown = a.shown;
    // A server echoing a secret into a redirect would have it sent in a
    // URL (to another origin, even): never follow, whatever its form
    // (percent-encoded, case-changed).
    if a.secrets.found_in(location.as_bytes()) {
        return Err(holds_secret(shown));
    }
    let next = resolve_location(a.url, &location)?;
    if a.secrets.found_in(next.as_bytes()) {
        return Err(holds_secret(shown));
    }
    if path_of(&next).ends_with(LOGIN_PATH) {
        return Err(answer::login_redirect(shown, &next, a.ctx));
    }
    let next_origin = Origin::of(&next)?;
    let keeps_method = !(status == 303 || (matches!(status, 301 | 302) && a.method != "HEAD"));
    // A 307/308 resends the body: never to another origin (nor from https
    // to http, another origin too).
    if keeps_method && a.has_body && next_origin != *a.origin {
        return Err(Error::http(
            ErrorKind::BadResponse,
            format!(
                "{shown} answered {status} to {next_origin}, another origin; not followed, \
                 so that the request body is not sent there"
            ),
            HttpDetail {
                status,
                url: Some(shown.to_string()),
                ..HttpDetail::default()
            },
        ));
    }
    Ok(Some(Redirect {
        url: next,
        origin: next_origin,
        keeps_method,
    }))
}

fn holds_secret(url: &str) -> Error {
    Error::new(
        ErrorKind::BadResponse,
        format!(
            "{url} redirected to a URL holding the token; not followed, \
             so that the token is not sent in a URL"
        ),
    )
}

/// The path of `url`, without query or fragment.
fn path_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    path.split(['?', '#']).next().unwrap_or("")
}
