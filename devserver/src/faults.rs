//! Fault endpoints for client tests (no auth): `/fault/stall`,
//! `/fault/stall-body`, `/fault/flaky`, `/fault/big`, `/fault/status`,
//! `/fault/json-garbage`, `/fault/long-header`, `/fault/connections`,
//! `/fault/ratelimit` and
//! `/fault/ratelimit-stats`
//! (ratelimit.rs).

use crate::http::{Body, Reply, Req, error_json, not_found};
use crate::ratelimit::{self, Decision};
use crate::server::Ctx;
use serde_json::json;
use std::thread::sleep;
use std::time::{Duration, SystemTime};

/// Longest header `/fault/long-header` writes (1 MiB).
const MAX_HEADER: u64 = 1 << 20;

/// Longest sleep a request may ask for (10 minutes).
const MAX_MS: u64 = 600_000;

pub fn route(req: &Req, ctx: &Ctx, kind: &str) -> Result<Reply, Reply> {
    let ms = req.param_u64("ms", 1000).min(MAX_MS);
    match kind {
        "stall" => {
            sleep(Duration::from_millis(ms));
            Ok(Reply::json(200, &json!({})))
        }
        "stall-body" => {
            let body = format!("{}\n", json!({"ok": true, "padding": "x".repeat(64)}));
            let (head, tail) = body.as_bytes().split_at(body.len() / 2);
            let mut reply = Reply::new(200, "application/json", "");
            reply.body = Body::Stalled {
                head: head.to_vec(),
                tail: tail.to_vec(),
                ms,
            };
            Ok(reply)
        }
        "flaky" => {
            let key = req.param("key").unwrap_or_default();
            let fail = req.param_u64("fail", 1);
            let status = req.param_u64("status", 503);
            let attempts = ctx.store.flaky_hit(&key);
            match u16::try_from(status) {
                Ok(s @ 100..=599) if attempts <= fail => Err(status_reply(s)),
                Ok(100..=599) => Ok(Reply::json(200, &json!({"ok": true, "attempts": attempts}))),
                _ => Err(error_json(400, "bad_request", "status must be 100-599")),
            }
        }
        "big" => {
            let mut reply = Reply::new(200, "text/plain", "");
            reply.body = Body::Repeat(req.param_u64("bytes", 1 << 20));
            Ok(reply)
        }
        "status" => match u16::try_from(req.param_u64("code", 500)) {
            Ok(s @ 100..=599) => Ok(status_reply(s)),
            _ => Err(error_json(400, "bad_request", "code must be 100-599")),
        },
        // 429 to the first `first` requests of each `key` and above `rate`
        // a second; Retry-After in seconds, or as a date with `form=date`.
        "ratelimit" => {
            let key = req.param("key").unwrap_or_default();
            let now = SystemTime::now();
            let first = req.param_u64("first", 0);
            match ctx
                .store
                .limiter
                .check(&key, first, req.param_u64("rate", 0), now)
            {
                Decision::Admit => Ok(Reply::json(200, &json!({"ok": true}))),
                Decision::Refuse(wait) => {
                    let as_date = req.param("form").as_deref() == Some("date");
                    let value = ratelimit::retry_after(wait, as_date, now);
                    Err(error_json(429, "rate_limited", "too many requests")
                        .with_header("Retry-After", &value))
                }
            }
        }
        // How many connections the server accepted so far (both origins):
        // whether a client reused its connection.
        "connections" => {
            let n = ctx
                .store
                .connections
                .load(std::sync::atomic::Ordering::Relaxed);
            Ok(Reply::json(200, &json!({ "connections": n })))
        }
        "ratelimit-stats" => Ok(Reply::json(200, &ctx.store.limiter.stats())),
        "json-garbage" => Ok(Reply::new(200, "application/json", "{not json")),
        // An answer whose head holds one header of `bytes` bytes (at most
        // 1 MiB): where a client's limit on heads lies.
        "long-header" => {
            let bytes = usize::try_from(req.param_u64("bytes", 128 * 1024).min(MAX_HEADER))
                .unwrap_or(MAX_HEADER as usize);
            Ok(Reply::new(200, "text/plain", "long").with_header("X-Fw-Long", &"h".repeat(bytes)))
        }
        // A header received twice, with another between: how a client
        // lists and joins repeated headers.
        "headers" => Ok(Reply::new(200, "text/plain", "headers")
            .with_header("X-Fw-Repeat", "one")
            .with_header("X-Fw-Single", "alone")
            .with_header("X-Fw-Repeat", "two")),
        _ => Err(not_found(req)),
    }
}

fn status_reply(status: u16) -> Reply {
    error_json(status, "test_error", &format!("status {status}"))
}
