//! The browser login of middle_auth (`neuroglancer_auth/server.py`:
//! `authorize`, `oauth2callback`, `maybe_handle_tos`, `finish_auth_flow`,
//! `redirect_with_args`, `logout`), with Google replaced by "the user
//! `--login-user` logs in at once". The detours a real login may take are
//! switched on by flags: a new account first picks a user name
//! (`--login-new-account`), and a terms-of-service step
//! (`--login-tos ID`, or `tos_id` in the authorize URL) comes before the
//! redirect. The session (where to go back to) lives in a `session`
//! cookie, as Flask's does.

use crate::auth::{self, TOKEN_NAME};
use crate::http::{Reply, Req, allow, quote};
use crate::server::Ctx;
use serde_json::json;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// `DEFAULT_LOGIN_TOKEN_DURATION`: 7 days.
pub const DEFAULT_LOGIN_TOKEN_TTL: Duration = Duration::from_secs(7 * 24 * 60 * 60);

const SESSION_COOKIE: &str = "session";

/// How logins go, from the command line, and the sessions under way.
pub struct LoginFlow {
    /// The user who "logs in with Google".
    pub user_id: u64,
    /// Send the user through the user-name page first (a new account).
    pub new_account: bool,
    /// A terms of service to accept before the redirect.
    pub tos_id: Option<u64>,
    /// How long login tokens live.
    pub token_ttl: Duration,
    sessions: Mutex<HashMap<String, Session>>,
}

/// Flask's session during a login: where to go back to, and the ToS step.
#[derive(Clone, Default)]
struct Session {
    redirect: Option<String>,
    tos_id: Option<u64>,
}

impl LoginFlow {
    pub fn new(user_id: u64, new_account: bool, tos_id: Option<u64>, token_ttl: Duration) -> Self {
        LoginFlow {
            user_id,
            new_account,
            tos_id,
            token_ttl,
            sessions: Mutex::new(HashMap::new()),
        }
    }

    fn sessions(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.sessions.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The flow's routes; `rest` is the path after `/auth` or `/sticky_auth`.
/// `None` for any other path.
pub fn route(req: &Req, ctx: &Ctx, rest: &[&str]) -> Option<Result<Reply, Reply>> {
    Some(match rest {
        ["api", "v1", "authorize"] => authorize(req, ctx),
        ["api", "v1", "oauth2callback"] => oauth2callback(req, ctx),
        ["settings", "register", "choose_username"] => choose_username_view(req, ctx),
        ["api", "v1", "register", "choose_username"] => choose_username_post(req, ctx),
        ["api", "v1", "logout"] => logout(req, ctx),
        _ => return None,
    })
}

/// `authorize`: remembers `redirect` and `tos_id` in the session, then
/// sends the browser to "Google" (here: straight to the callback).
/// A programmatic caller gets that URL as text.
fn authorize(req: &Req, ctx: &Ctx) -> Result<Reply, Reply> {
    allow(req, &["GET", "POST"])?;
    let state = crate::store::new_token_string();
    let session = Session {
        redirect: req.param("redirect").filter(|r| !r.is_empty()),
        tos_id: req
            .param("tos_id")
            .and_then(|t| t.parse().ok())
            .or(ctx.login.tos_id),
    };
    ctx.login.sessions().insert(state.clone(), session);
    let google = format!("{}/api/v1/oauth2callback?state={state}", ctx.sticky());
    let cookie = format!("{SESSION_COOKIE}={state}; HttpOnly; Path=/");
    if req.header_set("x-requested-with").is_some() {
        return Ok(Reply::text(200, &google).with_header("Set-Cookie", &cookie));
    }
    Ok(Reply::redirect(302, &google).with_header("Set-Cookie", &cookie))
}

/// `oauth2callback`: the user is logged in; a login token is made
/// (7 days unless `--login-token-ttl`); a new account picks a user name
/// first, anyone else goes on to the ToS step or back to `redirect`.
fn oauth2callback(req: &Req, ctx: &Ctx) -> Result<Reply, Reply> {
    allow(req, &["GET"])?;
    let Some(sid) = req.cookie(SESSION_COOKIE) else {
        return Err(Reply::text(
            400,
            "Invalid Request, are third-party cookies enabled?",
        ));
    };
    if req.param("state").as_deref() != Some(sid.as_str())
        || !ctx.login.sessions().contains_key(&sid)
    {
        return Err(Reply::text(400, "Your session has expired."));
    }
    let token = ctx
        .store
        .create_login_token(ctx.login.user_id, ctx.login.token_ttl);
    if ctx.login.new_account {
        let page = format!("{}/settings/register/choose_username", ctx.sticky());
        return Ok(redirect_with_args(
            ctx,
            &page,
            Some(&token),
            &[("new_account", "true")],
        ));
    }
    Ok(maybe_handle_tos(ctx, &sid, &token))
}

/// The user-name page of a new account (`register_choose_username_view`).
fn choose_username_view(req: &Req, ctx: &Ctx) -> Result<Reply, Reply> {
    allow(req, &["GET"])?;
    auth::authenticate(req, ctx)?;
    let action = format!(
        "{}/api/v1/register/choose_username?new_account=true",
        ctx.sticky()
    );
    let page = format!(
        "<!doctype html>\n<title>Choose a user name</title>\n<form method=\"post\" action=\"{action}\">\
         <input name=\"customName\"><button>Continue</button></form>\n"
    );
    Ok(Reply::html(200, &page))
}

/// `register_choose_username_post`: keeps the name, then the ToS step or
/// the redirect (`maybe_handle_tos`).
fn choose_username_post(req: &Req, ctx: &Ctx) -> Result<Reply, Reply> {
    allow(req, &["POST"])?;
    let caller = auth::authenticate(req, ctx)?;
    let form = crate::http::parse_query(&String::from_utf8_lossy(&req.body));
    if let Some((_, name)) = form
        .iter()
        .find(|(k, v)| k == "customName" && !v.is_empty())
    {
        ctx.store.set_user_name(caller.user_id, name);
    }
    let token = token_of(req).unwrap_or_default();
    let sid = req.cookie(SESSION_COOKIE).unwrap_or_default();
    Ok(maybe_handle_tos(ctx, &sid, &token))
}

/// After the ToS form of `tos_accept` was posted: the login's redirect,
/// if the browser is in the middle of one (`finish_auth_flow`).
pub fn after_tos(req: &Req, ctx: &Ctx) -> Option<Reply> {
    let sid = req.cookie(SESSION_COOKIE)?;
    let token = token_of(req)?;
    let pending = ctx
        .login
        .sessions()
        .get(&sid)
        .is_some_and(|s| s.redirect.is_some());
    pending.then(|| finish_auth_flow(ctx, &sid, &token))
}

/// `logout`: revokes the login token sent; an API key is refused (422).
fn logout(req: &Req, ctx: &Ctx) -> Result<Reply, Reply> {
    allow(req, &["GET"])?;
    auth::authenticate(req, ctx)?;
    let token = token_of(req).unwrap_or_default();
    if ctx.store.is_api_key(&token) {
        return Err(Reply::text(422, "Can't logout an API Key."));
    }
    ctx.store.revoke_login_token(&token);
    Ok(Reply::json(200, &json!("success")))
}

/// The token a request authenticated with (header, query or cookie, in
/// `auth::authenticate`'s order).
fn token_of(req: &Req) -> Option<String> {
    if let Some(h) = req.header_set("authorization") {
        return h.strip_prefix("Bearer ").map(str::to_owned);
    }
    req.param(TOKEN_NAME)
        .filter(|t| !t.is_empty())
        .or_else(|| req.cookie(TOKEN_NAME))
}

fn maybe_handle_tos(ctx: &Ctx, sid: &str, token: &str) -> Reply {
    let tos_id = ctx
        .login
        .sessions()
        .get_mut(sid)
        .and_then(|s| s.tos_id.take());
    match tos_id {
        Some(id) => {
            let form = format!("{}/api/v1/tos/{id}/accept", ctx.sticky());
            redirect_with_args(ctx, &form, Some(token), &[])
        }
        None => finish_auth_flow(ctx, sid, token),
    }
}

/// `finish_auth_flow`: back to the session's redirect with the token in
/// its query; without one, the page that posts the token to the opener.
fn finish_auth_flow(ctx: &Ctx, sid: &str, token: &str) -> Reply {
    let redirect = ctx.login.sessions().remove(sid).and_then(|s| s.redirect);
    match redirect {
        Some(url) => {
            let sticky = ctx.sticky();
            let args = [
                (TOKEN_NAME, token),
                ("middle_auth_url", sticky.as_str()),
                ("token", token),
            ];
            redirect_with_args(ctx, &url, Some(token), &args)
        }
        None => {
            let msg = json!({"token": token, "app_urls": []});
            let page = format!(
                "<script type=\"text/javascript\">\n    if (window.opener) {{\n        window.opener.postMessage({msg}, \"*\");\n    }}\n    </script>"
            );
            Reply::html(200, &page)
        }
    }
}

/// `redirect_with_args`: 302 to `url` with `args` replacing those keys of
/// its query (yarl's `URL % args`), and the token set as a cookie.
fn redirect_with_args(ctx: &Ctx, url: &str, token: Option<&str>, args: &[(&str, &str)]) -> Reply {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut parts: Vec<String> = query
        .split('&')
        .filter(|p| {
            let key = crate::http::percent_decode(p.split('=').next().unwrap_or(""));
            !p.is_empty() && !args.iter().any(|(k, _)| *k == key)
        })
        .map(str::to_owned)
        .collect();
    parts.extend(args.iter().map(|(k, v)| format!("{k}={}", quote(v))));
    let to = match parts.is_empty() {
        true => base.to_owned(),
        false => format!("{base}?{}", parts.join("&")),
    };
    let mut reply = Reply::redirect(302, &to);
    if let Some(token) = token {
        let secure = if ctx.base.starts_with("https:") {
            "; Secure"
        } else {
            ""
        };
        let cookie = format!(
            "{TOKEN_NAME}={}{secure}; HttpOnly; Path=/",
            crate::http::ascii_safe(token)
        );
        reply = reply.with_header("Set-Cookie", &cookie);
    }
    reply
}
