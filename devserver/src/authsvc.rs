//! The middle_auth server endpoints (services.md §3), served under both
//! `/auth` and `/sticky_auth`.

use crate::auth::{self, Caller};
use crate::fixture::User;
use crate::http::{Reply, Req, allow, error_json, http_date, not_found};
use crate::server::Ctx;
use serde_json::{Value, json};
use std::collections::BTreeSet;

pub const SERVER_VERSION: &str = "2.30.3";

/// `rest` is the path after `/auth` or `/sticky_auth`.
pub fn route(req: &Req, ctx: &Ctx, rest: &[&str]) -> Result<Reply, Reply> {
    if let Some(reply) = crate::loginflow::route(req, ctx, rest) {
        return reply;
    }
    match rest {
        ["version"] => {
            allow(req, &["GET"])?;
            let text = format!("neuroglance_auth -- version {SERVER_VERSION}");
            Ok(Reply::text(200, &text))
        }
        ["settings", "tokens"] => {
            allow(req, &["GET"])?;
            let caller = auth::authenticate(req, ctx)?;
            let n = ctx.store.tokens_of(caller.user_id).len();
            let page = format!(
                "<!doctype html>\n<title>API tokens</title>\n<h1>API tokens</h1>\n<p>You have {n} token(s). Create one with POST ../api/v1/user/token.</p>\n"
            );
            Ok(Reply::html(200, &page))
        }
        ["api", "v1", "tos", id, "accept"] => tos_accept(req, ctx, id),
        ["api", "v1", rest @ ..] => {
            let caller = auth::authenticate(req, ctx)?;
            api(req, ctx, &caller, rest)
        }
        _ => Err(not_found(req)),
    }
}

/// Token-protected `/api/v1/...` routes; `rest` is the path after `/api/v1`.
fn api(req: &Req, ctx: &Ctx, caller: &Caller, rest: &[&str]) -> Result<Reply, Reply> {
    let store = &ctx.store;
    let me = store.user(caller.user_id).ok_or_else(|| not_found(req))?;
    match rest {
        ["user", "me"] => {
            allow(req, &["GET"])?;
            Ok(Reply::json(200, &profile(ctx, &me)))
        }
        ["user", "cache"] | ["my_permissions"] => {
            allow(req, &["GET"])?;
            Ok(Reply::json(200, &snapshot(ctx, &me)))
        }
        ["user", "token"] if req.method == "POST" => {
            let description = serde_json::from_slice::<Value>(&req.body)
                .ok()
                .and_then(|v| v.get("description")?.as_str().map(str::to_owned));
            Ok(Reply::json(
                200,
                &json!(store.create_token(me.id, description)),
            ))
        }
        ["create_token"] => {
            allow(req, &["GET"])?;
            Ok(Reply::json(200, &json!(store.create_token(me.id, None))))
        }
        ["user", "token"] => {
            allow(req, &["GET", "POST"])?;
            let list: Vec<Value> = store
                .tokens_of(me.id)
                .iter()
                .map(|t| {
                    json!({
                        "id": t.id,
                        "user_id": t.user_id,
                        "token": t.token,
                        "description": t.description,
                        "created": http_date(t.created),
                        "updated": http_date(t.created),
                        "last_used": t.last_used.map(http_date),
                    })
                })
                .collect();
            Ok(Reply::json(200, &json!(list)))
        }
        ["user", "token", token, "ttl"] => {
            allow(req, &["GET"])?;
            match store.ttl(me.id, token) {
                Some(ttl) => Ok(Reply::json(200, &json!(ttl))),
                None => Err(error_json(
                    404,
                    "invalid_token",
                    "Token does not exist or is not asociated with your account.",
                )),
            }
        }
        ["user", "token", id] => {
            allow(req, &["DELETE"])?;
            match id.parse().is_ok_and(|id| store.delete_token(me.id, id)) {
                true => Ok(Reply::json(200, &json!("success"))),
                false => Err(Reply::text(404, "API key not found")),
            }
        }
        ["user"] => {
            allow(req, &["GET"])?;
            auth::require_some_admin(ctx, caller)?;
            let ids = id_list(req);
            let users: Vec<Value> = store
                .users()
                .iter()
                .filter(|u| ids.as_ref().is_none_or(|ids| ids.contains(&u.id)))
                .map(|u| profile(ctx, u))
                .collect();
            Ok(Reply::json(200, &json!(users)))
        }
        ["user", id] => {
            allow(req, &["GET"])?;
            match id.parse().ok().and_then(|id| store.user(id)) {
                Some(u) => Ok(Reply::json(200, &profile(ctx, &u))),
                None => Err(Reply::text(404, "User not found")),
            }
        }
        ["username"] => {
            allow(req, &["GET"])?;
            let ids = id_list(req).unwrap_or_default();
            let names: Vec<Value> = store
                .users()
                .iter()
                .filter(|u| ids.contains(&u.id))
                .map(|u| json!({"id": u.id, "name": u.name}))
                .collect();
            Ok(Reply::json(200, &json!(names)))
        }
        ["group", id, "user"] => {
            allow(req, &["GET"])?;
            auth::require_some_admin(ctx, caller)?;
            let group = id
                .parse::<u64>()
                .ok()
                .and_then(|id| store.groups.iter().find(|g| g.id == id));
            let members: Vec<Value> = group
                .map(|g| {
                    g.members
                        .iter()
                        .filter_map(|m| store.user(*m))
                        .map(|u| json!({"id": u.id, "name": u.name, "admin": g.admins.contains(&u.id)}))
                        .collect()
                })
                .unwrap_or_default();
            Ok(Reply::json(200, &json!(members)))
        }
        _ => Err(not_found(req)),
    }
}

/// GET shows a form; POST accepts the ToS for the caller.
fn tos_accept(req: &Req, ctx: &Ctx, id: &str) -> Result<Reply, Reply> {
    allow(req, &["GET", "POST"])?;
    let caller = auth::authenticate(req, ctx)?;
    let tos_id: u64 = id.parse().map_err(|_| not_found(req))?;
    if req.method == "POST" {
        let was_pending = ctx.store.accept_tos(caller.user_id, tos_id);
        if let Some(back) = crate::loginflow::after_tos(req, ctx) {
            return Ok(back);
        }
        return Ok(Reply::json(
            200,
            &json!({"tos_id": tos_id, "accepted": true, "was_pending": was_pending}),
        ));
    }
    let page = format!(
        "<!doctype html>\n<title>Terms of Service {tos_id}</title>\n<form method=\"post\"><button>Accept Terms of Service {tos_id}</button></form>\n"
    );
    Ok(Reply::html(200, &page))
}

/// `?id=1,2` (the comma may arrive as `%2C`); `None` when absent.
fn id_list(req: &Req) -> Option<Vec<u64>> {
    let ids = req.param("id")?;
    Some(
        ids.split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect(),
    )
}

/// The profile of `/user/me` and of the admin listing.
fn profile(ctx: &Ctx, u: &User) -> Value {
    json!({
        "id": u.id,
        "service_account": false,
        "name": u.name,
        "created": http_date(ctx.store.started),
        "pi": u.pi,
        "affiliations": u.affiliations,
        "gdpr_consent": true,
        "admin_datasets": [],
        "admin": u.admin,
        "email": u.email,
    })
}

/// The user snapshot of `/user/cache` (what services see as `g.auth_user`).
fn snapshot(ctx: &Ctx, u: &User) -> Value {
    let store = &ctx.store;
    let blocked = |d: &String| u.missing_tos.iter().any(|t| &t.dataset == d);
    let v2: serde_json::Map<String, Value> = u
        .permissions
        .iter()
        .filter(|(d, _)| !blocked(d))
        .map(|(d, p)| (d.clone(), json!(p)))
        .collect();
    let levels: serde_json::Map<String, Value> = v2
        .iter()
        .map(|(d, p)| {
            let has = |x: &str| p.as_array().is_some_and(|a| a.iter().any(|v| v == x));
            (
                d.clone(),
                json!(if has("edit") {
                    2
                } else {
                    u8::from(has("view"))
                }),
            )
        })
        .collect();
    let datasets: BTreeSet<&String> = store
        .datastacks
        .values()
        .map(|d| &d.dataset)
        .chain(u.permissions.keys())
        .chain(u.missing_tos.iter().map(|t| &t.dataset))
        .collect();
    let dataset_id = |name: &String| {
        datasets
            .iter()
            .position(|d| *d == name)
            .map_or(0, |i| i + 1)
    };
    let groups = store.groups.iter().filter(|g| g.members.contains(&u.id));
    json!({
        "id": u.id,
        "parent_id": null,
        "service_account": false,
        "name": u.name,
        "email": u.email,
        "admin": u.admin,
        "pi": u.pi,
        "affiliations": [u.affiliations],
        "groups": groups.clone().map(|g| &g.name).collect::<Vec<_>>(),
        "permissions": levels,
        "permissions_v2": v2,
        "permissions_v2_ignore_tos": u.permissions,
        "missing_tos": u.missing_tos.iter().map(|t| json!({
            "dataset_id": dataset_id(&t.dataset),
            "dataset_name": t.dataset,
            "tos_id": t.tos_id,
            "tos_name": t.tos_name,
        })).collect::<Vec<_>>(),
        "datasets_admin": [],
        "groups_admin": groups.filter(|g| g.admins.contains(&u.id)).map(|g| &g.name).collect::<Vec<_>>(),
    })
}
