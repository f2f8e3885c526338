//! Token extraction and the authorisation outcomes of middle-auth-client's
//! decorators (services.md §1): `auth_required`, `auth_requires_permission`,
//! `auth_requires_admin`.

use crate::http::{Reply, Req, error_json, quote};
use crate::server::Ctx;
use crate::store::Access;
use serde_json::json;

pub const TOKEN_NAME: &str = "middle_auth_token";

/// The authenticated caller of a protected route.
pub struct Caller {
    pub user_id: u64,
}

/// Has `Authorization`, `X-Requested-With` or `Origin`: answer with JSON, not redirects.
pub fn is_programmatic(req: &Req) -> bool {
    ["authorization", "x-requested-with", "origin"]
        .iter()
        .any(|h| req.header_set(h).is_some())
}

/// `auth_required`. `Err` holds the reply to send instead of the route's.
/// OPTIONS (CORS preflight) is answered here with an empty 200.
pub fn authenticate(req: &Req, ctx: &Ctx) -> Result<Caller, Reply> {
    if req.method == "OPTIONS" {
        return Err(Reply::new(200, "text/plain", "")
            .with_header("Allow", "GET, HEAD, OPTIONS, POST, PUT, DELETE"));
    }
    let programmatic = is_programmatic(req);
    let mut token = req.cookie(TOKEN_NAME);
    if let Some(q) = req.param(TOKEN_NAME).filter(|q| !q.is_empty()) {
        if !programmatic {
            return Err(cookie_redirect(req, ctx, &q));
        }
        token = Some(q);
    }
    if let Some(h) = req.header_set("authorization") {
        if !h.starts_with("Bearer ") {
            return Err(bad_auth_header(ctx));
        }
        token = h.split(' ').nth(1).map(str::to_owned);
    }
    let token = token.filter(|t| !t.is_empty());
    let user = token.as_deref().and_then(|t| ctx.store.user_for_token(t));
    match (user, token, programmatic) {
        (Some(user_id), _, _) => Ok(Caller { user_id }),
        (None, _, false) => Err(login_redirect(req, ctx)),
        (None, None, true) => Err(error_json(401, "no_token", "Unauthorized - No Token Provided")
            .with_header("WWW-Authenticate", &format!("Bearer realm=\"{}\"", realm(ctx)))),
        (None, Some(_), true) => Err(error_json(
            401,
            "invalid_token",
            "Unauthorized - Token is Invalid or Expired",
        )
        .with_header(
            "WWW-Authenticate",
            &format!(
                "Bearer realm=\"{}\", error=\"invalid_token\", error_description=\"Invalid/Expired Token\"",
                realm(ctx)
            ),
        )),
    }
}

/// `auth_requires_permission(permission)` on `dataset`, after authentication.
pub fn require_permission(
    req: &Req,
    ctx: &Ctx,
    caller: &Caller,
    dataset: &str,
    permission: &str,
) -> Result<(), Reply> {
    match ctx.store.access(caller.user_id, dataset, permission) {
        Access::Granted => Ok(()),
        Access::Denied => Err(Reply::json(
            403,
            &json!({
                "error": "missing_permission",
                "message": format!("Missing permission: {permission} for dataset {dataset}"),
                "data": {"required_permission": permission, "auth_dataset": dataset},
            }),
        )),
        Access::MissingTos(tos) => {
            let form = format!("{}/api/v1/tos/{}/accept", ctx.sticky(), tos.tos_id);
            if !is_programmatic(req) {
                let to = format!("{form}?redirect={}", quote(&original_url(req, ctx)));
                return Err(Reply::redirect(302, &to));
            }
            Err(Reply::json(
                403,
                &json!({
                    "error": "missing_tos",
                    "message": "Need to accept Terms of Service to access resource.",
                    "data": {"tos_id": tos.tos_id, "tos_name": tos.tos_name, "tos_form_url": form},
                }),
            ))
        }
    }
}

/// `auth_requires_admin` (superadmin flag).
pub fn require_admin(ctx: &Ctx, caller: &Caller) -> Result<(), Reply> {
    check_admin(ctx.store.is_admin(caller.user_id))
}

/// The "some admin" guard of the auth server's user/group listings.
pub fn require_some_admin(ctx: &Ctx, caller: &Caller) -> Result<(), Reply> {
    check_admin(ctx.store.is_some_admin(caller.user_id))
}

fn check_admin(ok: bool) -> Result<(), Reply> {
    match ok {
        true => Ok(()),
        false => Err(Reply::new(403, "text/plain", "Requires admin privilege.")),
    }
}

/// 302 to the login page, carrying the original URL.
pub fn login_redirect(req: &Req, ctx: &Ctx) -> Reply {
    let to = format!("{}?redirect={}", realm(ctx), quote(&original_url(req, ctx)));
    Reply::redirect(302, &to)
}

fn realm(ctx: &Ctx) -> String {
    format!("{}/api/v1/authorize", ctx.sticky())
}

fn original_url(req: &Req, ctx: &Ctx) -> String {
    format!("{}{}", ctx.base, req.raw_url())
}

fn bad_auth_header(ctx: &Ctx) -> Reply {
    error_json(400, "bad_auth_header", "Authorization header must begin with 'Bearer'").with_header(
        "WWW-Authenticate",
        &format!(
            "Bearer realm=\"{}\", error=\"invalid_request\", error_description=\"Header must begin with 'Bearer'\"",
            realm(ctx)
        ),
    )
}

/// Browser with `?middle_auth_token=`: move the token into a cookie and
/// redirect to the same URL without `middle_auth_token` / `token`.
fn cookie_redirect(req: &Req, ctx: &Ctx, token: &str) -> Reply {
    let kept: Vec<&str> = req
        .query
        .as_deref()
        .unwrap_or("")
        .split('&')
        .filter(|p| {
            let key = crate::http::percent_decode(p.split('=').next().unwrap_or(""));
            !p.is_empty() && key != TOKEN_NAME && key != "token"
        })
        .collect();
    let mut to = format!("{}{}", ctx.base, req.path);
    if !kept.is_empty() {
        to = format!("{to}?{}", kept.join("&"));
    }
    let cookie = format!(
        "{TOKEN_NAME}={}; Secure; HttpOnly; Path=/",
        crate::http::ascii_safe(token)
    );
    Reply::redirect(302, &to).with_header("Set-Cookie", &cookie)
}
