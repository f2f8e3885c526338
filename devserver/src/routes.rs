//! Request dispatch, plus the small test routes: `/echo`, `/protected`,
//! `/admin/ping` and `/redirect/*`.

use crate::auth::{self, login_redirect};
use crate::http::{Reply, Req, decode_path, not_found};
use crate::server::Ctx;
use crate::{authsvc, faults, info};
use serde_json::json;

/// Answers one request.
pub fn handle(req: &Req, ctx: &Ctx) -> Reply {
    let segs: Vec<String> = req.path.split('/').skip(1).map(decode_path).collect();
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let result = match segs.as_slice() {
        ["info", rest @ ..] => info::route(req, ctx, rest),
        ["auth" | "sticky_auth", rest @ ..] => authsvc::route(req, ctx, rest),
        ["echo", ..] => Ok(echo(req, ctx)),
        ["protected", dataset, permission] => protected(req, ctx, dataset, permission),
        ["admin", "ping"] => admin_ping(req, ctx),
        ["redirect", kind] => redirect(req, ctx, kind),
        ["fault", kind] => faults::route(req, ctx, kind),
        _ => Err(not_found(req)),
    };
    result.unwrap_or_else(|reply| reply)
}

/// What the client sent (credentials included: tests check them).
fn echo(req: &Req, ctx: &Ctx) -> Reply {
    Reply::json(
        200,
        &json!({
            "method": req.method,
            "path": req.path,
            "query": req.query.as_deref().unwrap_or(""),
            "authorization": req.header("authorization"),
            "cookie": req.header("cookie"),
            "x_requested_with": req.header("x-requested-with"),
            "body_len": req.body.len(),
            "origin": ctx.base,
        }),
    )
}

/// A generic service route guarded by `auth_requires_permission`.
fn protected(req: &Req, ctx: &Ctx, dataset: &str, permission: &str) -> Result<Reply, Reply> {
    let caller = auth::authenticate(req, ctx)?;
    auth::require_permission(req, ctx, &caller, dataset, permission)?;
    Ok(Reply::json(
        200,
        &json!({"ok": true, "user_id": caller.user_id}),
    ))
}

fn admin_ping(req: &Req, ctx: &Ctx) -> Result<Reply, Reply> {
    let caller = auth::authenticate(req, ctx)?;
    auth::require_admin(ctx, &caller)?;
    Ok(Reply::json(
        200,
        &json!({"ok": true, "user_id": caller.user_id}),
    ))
}

fn redirect(req: &Req, ctx: &Ctx, kind: &str) -> Result<Reply, Reply> {
    let code = match req.param_u64("code", 302) {
        c @ (301 | 302 | 303 | 307 | 308) => c as u16,
        _ => 302,
    };
    let mut to = req.param("to").unwrap_or_else(|| "/echo".into());
    if !to.starts_with('/') {
        to.insert(0, '/');
    }
    match kind {
        "same" => Ok(Reply::redirect(code, &format!("{}{to}", ctx.base))),
        "other" => Ok(Reply::redirect(code, &format!("{}{to}", ctx.other))),
        "loop" => Ok(Reply::redirect(
            code,
            &format!("{}{}", ctx.base, req.raw_url()),
        )),
        "login" => Ok(login_redirect(req, ctx)),
        _ => Err(not_found(req)),
    }
}
