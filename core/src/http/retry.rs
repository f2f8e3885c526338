//! When to try a request again, and how long to wait first: the polite
//! retry policy (docs/robustness.md, "Retries").
//!
//! An idempotent request is tried again on 429, 502, 503 and 504, and on a
//! connection reset before any byte of the answer. The pause is exponential
//! backoff with full jitter (a uniform draw in `[0, base * 2^n)`, capped), so
//! that many workers failing together do not retry in lockstep; a
//! `Retry-After` header (seconds or an HTTP date) sets the least pause
//! instead, with a jitter of up to one base delay on top. No pause runs past
//! the request's total timeout: when the next one would, the last answer or
//! error is what the caller gets.
//!
//! The functions here take the random draw and the clock as arguments (the
//! seam the tests use); [`Transport`](super::Transport) passes real ones.

use std::time::{Duration, SystemTime};

/// The longest pause between two tries, whatever the base delay and the
/// number of tries (a `Retry-After` may ask for more, within the deadline).
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Whether an answer with `status` is worth trying again (an idempotent
/// request only).
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502..=504)
}

/// Whether `method` may be sent twice without harm (RFC 9110, 9.2.2).
pub fn is_idempotent(method: &str) -> bool {
    matches!(
        method,
        "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS" | "TRACE"
    )
}

/// The pause before try number `tries + 1`, after `tries` tries (1 or more)
/// failed: full jitter over the exponential backoff of `base`, or
/// `retry_after` plus a jitter below `base` when the server said when to
/// come back. `unit` is a uniform draw in `[0, 1)`. Saturates: a
/// `Retry-After` of any size is a long pause, never an overflow (the
/// caller compares it with the deadline).
pub fn pause(tries: u32, base: Duration, retry_after: Option<Duration>, unit: f64) -> Duration {
    let unit = unit.clamp(0.0, 1.0);
    match retry_after {
        Some(after) => after.saturating_add(base.min(MAX_BACKOFF).mul_f64(unit)),
        None => {
            let exp = tries.saturating_sub(1).min(20);
            let ceiling = base.saturating_mul(1u32 << exp).min(MAX_BACKOFF);
            ceiling.mul_f64(unit)
        }
    }
}

/// A `Retry-After` value as a wait from `now`: delay-seconds, or an HTTP
/// date (a date in the past is no wait). `None` for a value that is
/// neither (it is then ignored, as browsers and curl do).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // A huge number is a long wait, not an error: the deadline cuts it.
        return Some(Duration::from_secs(
            value.parse::<u64>().unwrap_or(u64::MAX),
        ));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A uniform draw in `[0, 1)` for the jitter.
pub fn unit_draw() -> f64 {
    fastrand::f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Duration = Duration::from_millis(100);

    #[test]
    fn full_jitter_spans_zero_to_the_doubling_ceiling() {
        for tries in 1..=6u32 {
            let ceiling = BASE * (1 << (tries - 1));
            assert_eq!(pause(tries, BASE, None, 0.0), Duration::ZERO);
            assert_eq!(pause(tries, BASE, None, 0.5), ceiling / 2);
            let top = pause(tries, BASE, None, 0.999_999);
            assert!(
                top < ceiling && top > ceiling.mul_f64(0.99),
                "{tries}: {top:?}"
            );
        }
    }

    #[test]
    fn backoff_is_capped() {
        assert!(pause(40, BASE, None, 0.999_999) <= MAX_BACKOFF);
        assert!(pause(40, Duration::from_secs(3600), None, 0.999_999) <= MAX_BACKOFF);
    }

    #[test]
    fn retry_after_is_the_least_pause_with_a_jitter_below_one_base() {
        let after = Duration::from_secs(2);
        assert_eq!(pause(1, BASE, Some(after), 0.0), after);
        let most = pause(5, BASE, Some(after), 0.999_999);
        assert!(most >= after && most < after + BASE, "{most:?}");
    }

    #[test]
    fn a_huge_retry_after_saturates_instead_of_overflowing() {
        let now = SystemTime::UNIX_EPOCH;
        for text in ["99999999999999999999999", "18446744073709551615"] {
            let after = parse_retry_after(text, now);
            assert_eq!(after, Some(Duration::from_secs(u64::MAX)), "{text}");
            for base in [Duration::from_millis(1000), Duration::from_secs(3600)] {
                let p = pause(1, base, after, 0.999_999);
                assert!(p >= Duration::from_secs(u64::MAX), "{text}: {p:?}");
            }
        }
        assert_eq!(pause(1, BASE, Some(Duration::MAX), 0.5), Duration::MAX);
    }

    #[test]
    fn retry_after_in_seconds_and_as_an_http_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(7)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("", now), None);
    }

    #[test]
    fn idempotent_methods_and_retryable_statuses() {
        assert!(is_idempotent("GET") && is_idempotent("PUT") && !is_idempotent("POST"));
        for s in [429, 502, 503, 504] {
            assert!(is_retryable_status(s));
        }
        for s in [200, 401, 500, 501] {
            assert!(!is_retryable_status(s));
        }
    }
}
