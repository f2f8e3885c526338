//! The rate-limited fault endpoint: `/fault/ratelimit` answers 429 with
//! `Retry-After` to the first `first` requests of each client (its `key`)
//! and to every request above `rate` a second (all clients together), and
//! 200 otherwise; `/fault/ratelimit-stats` tells how many requests it let
//! through in each second, for checks that a crowd of clients backs off.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

/// Whether a request passes, and if not how long to wait.
pub enum Decision {
    Admit,
    Refuse(Duration),
}

#[derive(Default)]
pub struct Limiter {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Requests seen per client key.
    seen: HashMap<String, u64>,
    /// Requests let through per wall-clock second (Unix time).
    admitted: BTreeMap<u64, u64>,
    refused: u64,
}

impl Limiter {
    /// Counts a request of client `key` at `now`: refused while the client
    /// has made at most `first` requests, or when `rate` (0: no limit)
    /// requests passed in this second already.
    pub fn check(&self, key: &str, first: u64, rate: u64, now: SystemTime) -> Decision {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let seen = inner.seen.entry(key.to_owned()).or_insert(0);
        *seen += 1;
        let since = now.duration_since(UNIX_EPOCH).unwrap_or_default();
        let second = since.as_secs();
        let to_next_second =
            Duration::from_secs(1) - Duration::from_nanos(since.subsec_nanos().into());
        let refusal = if *seen <= first {
            Some(Duration::from_secs(1))
        } else if rate > 0 && inner.admitted.get(&second).copied().unwrap_or(0) >= rate {
            Some(to_next_second)
        } else {
            None
        };
        match refusal {
            Some(wait) => {
                inner.refused += 1;
                Decision::Refuse(wait)
            }
            None => {
                *inner.admitted.entry(second).or_insert(0) += 1;
                Decision::Admit
            }
        }
    }

    /// `{"admitted": [per second, in order], "refused": n,
    /// "max_after_first_second": m}`.
    pub fn stats(&self) -> Value {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let per_second: Vec<u64> = inner.admitted.values().copied().collect();
        let max_after_first = per_second.iter().skip(1).copied().max().unwrap_or(0);
        json!({
            "admitted": per_second,
            "refused": inner.refused,
            "max_after_first_second": max_after_first,
        })
    }
}

/// The `Retry-After` value for a wait: whole seconds, rounded up (at least
/// 1), or the HTTP date that many seconds from `now` when `as_date`.
pub fn retry_after(wait: Duration, as_date: bool, now: SystemTime) -> String {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let secs = secs.max(1);
    if as_date {
        httpdate::fmt_http_date(now + Duration::from_secs(secs))
    } else {
        secs.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_requests_of_each_key_and_those_above_the_rate_are_refused() {
        let l = Limiter::default();
        let t = UNIX_EPOCH + Duration::from_millis(5_000_250);
        assert!(matches!(l.check("a", 1, 2, t), Decision::Refuse(_)));
        assert!(matches!(l.check("a", 1, 2, t), Decision::Admit));
        assert!(matches!(l.check("b", 1, 2, t), Decision::Refuse(_)));
        assert!(matches!(l.check("b", 1, 2, t), Decision::Admit));
        match l.check("c", 0, 2, t) {
            Decision::Refuse(w) => assert_eq!(w, Duration::from_millis(750)),
            Decision::Admit => panic!("above the rate"),
        }
        let next = t + Duration::from_secs(1);
        assert!(matches!(l.check("c", 0, 2, next), Decision::Admit));
        assert_eq!(l.stats()["admitted"], json!([2, 1]));
        assert_eq!(l.stats()["refused"], json!(3));
        assert_eq!(retry_after(Duration::from_millis(750), false, t), "1");
        assert_eq!(
            retry_after(Duration::from_secs(2), true, UNIX_EPOCH),
            "Thu, 01 Jan 1970 00:00:02 GMT"
        );
    }
}
