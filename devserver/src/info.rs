//! The info service: `/info/version`, `/info/api/v2/datastacks`,
//! `/info/api/v2/datastack/full/<name>`.

use crate::auth;
use crate::http::{Reply, Req, allow, error_json, not_found};
use crate::server::Ctx;
use crate::store::Access;
use serde_json::{Value, json};

pub const VERSION: &str = "4.3.1";

/// `rest` is the path after `/info`.
pub fn route(req: &Req, ctx: &Ctx, rest: &[&str]) -> Result<Reply, Reply> {
    match rest {
        ["version"] => {
            allow(req, &["GET"])?;
            Ok(Reply::json(200, &json!(VERSION)))
        }
        ["api", "v2", "datastacks"] => {
            allow(req, &["GET"])?;
            let caller = auth::authenticate(req, ctx)?;
            let names: Vec<&String> = ctx
                .store
                .datastacks
                .iter()
                .filter(|(_, d)| {
                    let access = ctx.store.access(caller.user_id, &d.dataset, "view");
                    matches!(access, Access::Granted)
                })
                .map(|(name, _)| name)
                .collect();
            Ok(Reply::json(200, &json!(names)))
        }
        ["api", "v2", "datastack", "full", name] => {
            allow(req, &["GET"])?;
            let caller = auth::authenticate(req, ctx)?;
            let Some(ds) = ctx.store.datastacks.get(*name) else {
                let msg = format!("Datastack {name} not found");
                return Err(error_json(404, "not_found", &msg));
            };
            auth::require_permission(req, ctx, &caller, &ds.dataset, "view")?;
            Ok(Reply::json(200, &Value::Object(ds.info.clone())))
        }
        _ => Err(not_found(req)),
    }
}
