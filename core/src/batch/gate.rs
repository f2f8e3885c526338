//! Rate limits shared by a batch's requests. A `429` (or `503`) with
//! `Retry-After` pauses the request that got it (the transport's retries do
//! that, within its deadline and retry budget); when the answer says the
//! limit is the whole client's (its remaining quota is zero: see
//! [`is_client_wide`]), the batch also starts no new request until then.

use std::cell::RefCell;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::http::Response;
use crate::http::cancel::{CHECK_EVERY, Cancel};

/// When the batch may start requests again.
#[derive(Debug, Default)]
pub(super) struct Gate {
    closed_until: Mutex<Option<Instant>>,
}

impl Gate {
    /// Holds new starts for `wait` from now (never shortens a longer hold).
    fn hold(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut closed = self.closed_until.lock().unwrap_or_else(|p| p.into_inner());
        if closed.is_none_or(|c| c < until) {
            *closed = Some(until);
        }
    }

    /// Waits until new starts are allowed; false when `stop` was raised
    /// meanwhile (noticed within a cancel check).
    pub(super) fn wait(&self, stop: &Cancel) -> bool {
        loop {
            if stop.is_triggered() {
                return false;
            }
            let until = *self.closed_until.lock().unwrap_or_else(|p| p.into_inner());
            let left = until.map_or(Duration::ZERO, |u| {
                u.saturating_duration_since(Instant::now())
            });
            if left.is_zero() {
                return true;
            }
            std::thread::sleep(left.min(CHECK_EVERY));
        }
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<Gate>>> = const { RefCell::new(None) };
}

/// Runs `f` with `gate` as this thread's batch gate (restored after).
pub(super) fn scope<R>(gate: &Arc<Gate>, f: impl FnOnce() -> R) -> R {
    let old = CURRENT.with(|c| c.replace(Some(Arc::clone(gate))));
    let result = f();
    CURRENT.with(|c| *c.borrow_mut() = old);
    result
}

/// Called by the transport for a retryable answer that asked for
/// `retry_after`: when the limit is the whole client's and this thread
/// works for a batch, the batch starts nothing new for that long.
pub fn noticed(resp: &Response, retry_after: Duration) {
    if is_client_wide(resp) {
        CURRENT.with(|c| {
            if let Some(gate) = c.borrow().as_ref() {
                gate.hold(retry_after);
            }
        });
    }
}

/// Whether a `429`/`503` answer says the limit is the whole client's, not
/// this request's: it reports no quota left (`RateLimit-Remaining: 0` or
/// `X-RateLimit-Remaining: 0`, the widespread form of the IETF draft).
pub fn is_client_wide(resp: &Response) -> bool {
    matches!(resp.status, 429 | 503)
        && ["ratelimit-remaining", "x-ratelimit-remaining"]
            .iter()
            .any(|name| resp.header(name).is_some_and(|v| v.trim() == "0"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ureq::http::{HeaderMap, HeaderValue};

    fn answer(status: u16, remaining: Option<&'static str>) -> Response {
        let mut headers = HeaderMap::new();
        if let Some(r) = remaining {
            headers.insert("x-ratelimit-remaining", HeaderValue::from_static(r));
        }
        Response {
            status,
            headers,
            body: Vec::new(),
            url: "http://127.0.0.1:1/".into(),
            crossed_origin: false,
        }
    }

    #[test]
    fn only_an_exhausted_quota_is_client_wide() {
        assert!(is_client_wide(&answer(429, Some("0"))));
        assert!(is_client_wide(&answer(503, Some(" 0"))));
        assert!(!is_client_wide(&answer(429, Some("3"))));
        assert!(!is_client_wide(&answer(429, None)));
        assert!(!is_client_wide(&answer(200, Some("0"))));
    }

    #[test]
    fn a_client_wide_answer_holds_the_gate_of_this_threads_batch_only() {
        let gate = Arc::new(Gate::default());
        noticed(&answer(429, Some("0")), Duration::from_secs(60));
        assert!(gate.closed_until.lock().unwrap().is_none());
        scope(&gate, || {
            noticed(&answer(429, Some("0")), Duration::from_secs(60))
        });
        let held = gate.closed_until.lock().unwrap().expect("held");
        assert!(held > Instant::now() + Duration::from_secs(59));
        // A shorter hold does not shorten it; a raised flag ends the wait.
        gate.hold(Duration::from_secs(1));
        assert_eq!(*gate.closed_until.lock().unwrap(), Some(held));
        let stop = Cancel::new();
        stop.trigger();
        assert!(!gate.wait(&stop));
        assert!(Gate::default().wait(&Cancel::new()));
    }
}
