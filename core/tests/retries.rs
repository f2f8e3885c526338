//! Polite retries against the devserver's rate-limited route: 429 with
//! Retry-After in seconds and as an HTTP date, a Retry-After past the
//! deadline, the number of tries in errors, and no retry of a POST. The
//! jitter's bounds are checked through the seam of `http::retry` (random
//! draw and clock as arguments), not by timing.

mod support;

use std::time::{Duration, Instant, SystemTime};

use fwclient_core::http::{Request, retry};
use fwclient_core::{Client, ErrorKind, Options};
use serde_json::Value;
use support::DevServer;

fn client(server: &str, total_ms: u64, retries: u32) -> (Client, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut o = Options {
        server_address: Some(server.to_owned()),
        secrets_dir: Some(dir.path().to_str().unwrap().to_owned()),
        ..Options::default()
    };
    o.http.total_timeout = Duration::from_millis(total_ms);
    o.http.max_retries = retries;
    o.http.retry_base_delay = Duration::from_millis(1);
    (Client::new(None, &o).unwrap(), dir)
}

fn stats(c: &Client, srv: &DevServer) -> Value {
    let resp = c
        .get(&format!("{}/fault/ratelimit-stats", srv.url))
        .unwrap();
    serde_json::from_slice(&resp.body).unwrap()
}

#[test]
fn a_429_with_retry_after_in_seconds_is_waited_out_then_retried() {
    let srv = DevServer::start();
    let (c, _d) = client(&srv.url, 10_000, 3);
    let start = Instant::now();
    let resp = c
        .get(&format!("{}/fault/ratelimit?key=a&first=1", srv.url))
        .unwrap();
    assert_eq!(resp.status, 200);
    // Retry-After: 1 was honoured (the backoff alone would be ~1 ms).
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    let s = stats(&c, &srv);
    assert_eq!(
        (s["refused"].as_u64(), s["admitted"][0].as_u64()),
        (Some(1), Some(1))
    );
}

#[test]
fn a_429_with_retry_after_as_an_http_date_is_retried() {
    let srv = DevServer::start();
    let (c, _d) = client(&srv.url, 10_000, 3);
    let resp = c
        .get(&format!(
            "{}/fault/ratelimit?key=b&first=2&form=date",
            srv.url
        ))
        .unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(stats(&c, &srv)["refused"].as_u64(), Some(2));
}

#[test]
fn a_retry_after_past_the_deadline_gives_the_429_at_once() {
    let srv = DevServer::start();
    let (c, _d) = client(&srv.url, 600, 3);
    let start = Instant::now();
    let e = c
        .get(&format!("{}/fault/ratelimit?key=c&first=5", srv.url))
        .unwrap_err();
    assert_eq!((e.kind(), e.http_status()), (ErrorKind::HttpStatus, 429));
    // Not a timeout: the wait asked for could not fit, so none was taken.
    assert!(start.elapsed() < Duration::from_millis(600));
    assert_eq!(stats(&c, &srv)["refused"].as_u64(), Some(1));
}

#[test]
fn an_error_after_retries_says_how_many_tries_were_made() {
    let srv = DevServer::start();
    let (c, _d) = client(&srv.url, 10_000, 2);
    let e = c
        .get(&format!("{}/fault/flaky?key=d&fail=10&status=503", srv.url))
        .unwrap_err();
    assert_eq!(e.http_status(), 503);
    assert!(e.message().ends_with("(after 3 tries)"), "{}", e.message());
}

#[test]
fn a_post_is_never_retried() {
    let srv = DevServer::start();
    let (c, _d) = client(&srv.url, 10_000, 3);
    let url = format!("{}/fault/flaky?key=e&fail=1&status=429", srv.url);
    let post = Request {
        method: "POST",
        url: &url,
        body: Some(b"{}"),
        content_type: Some("application/json"),
    };
    let e = c.request(&post).unwrap_err();
    assert_eq!(e.http_status(), 429);
    assert!(!e.message().contains("tries"), "{}", e.message());
    // The flaky route counts tries: the GET that follows is its second.
    let ok = c.get(&url).unwrap();
    assert!(String::from_utf8_lossy(&ok.body).contains("\"attempts\":2"));
}

#[test]
fn the_jitter_stays_within_its_bounds_whatever_the_draw() {
    let base = Duration::from_millis(100);
    for tries in 1..=8u32 {
        let ceiling = (base * (1 << (tries - 1))).min(retry::MAX_BACKOFF);
        for draw in [0.0, 0.25, 0.5, 0.999] {
            let p = retry::pause(tries, base, None, draw);
            assert!(p < ceiling, "try {tries}, draw {draw}: {p:?}");
            assert_eq!(p, ceiling.mul_f64(draw));
        }
    }
    let after = retry::parse_retry_after("Thu, 01 Jan 1970 00:00:05 GMT", SystemTime::UNIX_EPOCH);
    assert_eq!(after, Some(Duration::from_secs(5)));
    let p = retry::pause(1, base, after, 0.5);
    assert_eq!(p, Duration::from_secs(5) + base / 2);
}
