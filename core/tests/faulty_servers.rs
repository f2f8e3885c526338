//! Servers that reset, stall, flood or lie: each gives its documented error
//! within the configured timeout, never a hang or a crash.

mod support;

use std::time::{Duration, Instant};

use fwclient_core::{Client, ErrorKind, Options, Token};
use support::{Canned, CannedServer, http_answer};

fn client(server: &str, total_ms: u64, retries: u32) -> (Client, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut o = Options {
        token: Some(Token::new("fake_token_123").unwrap()),
        server_address: Some(server.to_owned()),
        secrets_dir: Some(dir.path().to_str().unwrap().to_owned()),
        ..Options::default()
    };
    o.http.total_timeout = Duration::from_millis(total_ms);
    o.http.max_retries = retries;
    (Client::new(None, &o).unwrap(), dir)
}

fn get_err(c: &Client, url: &str) -> (fwclient_core::Error, Duration) {
    let start = Instant::now();
    let e = c.get(url).unwrap_err();
    (e, start.elapsed())
}

#[test]
fn reset_before_any_header_is_a_network_error_after_retries() {
    let srv = CannedServer::start(vec![Canned::Close]);
    let (c, _d) = client(&srv.url, 5_000, 2);
    let (e, _) = get_err(&c, &format!("{}/x", srv.url));
    assert_eq!(e.kind(), ErrorKind::Network, "{}", e.message());
    // The first try and two retries.
    assert_eq!(srv.requests.lock().unwrap().len(), 3);
}

#[test]
fn reset_mid_headers_is_a_network_or_bad_response_error() {
    let srv = CannedServer::start(vec![Canned::Partial(
        b"HTTP/1.1 200 OK\r\nContent-Ty".to_vec(),
    )]);
    let (c, _d) = client(&srv.url, 5_000, 0);
    let (e, _) = get_err(&c, &format!("{}/x", srv.url));
    assert!(
        matches!(e.kind(), ErrorKind::Network | ErrorKind::BadResponse),
        "{:?}: {}",
        e.kind(),
        e.message()
    );
}

#[test]
fn stalled_headers_time_out_within_the_bound() {
    let srv = CannedServer::start(vec![Canned::Stall(Vec::new(), 4_000)]);
    let (c, _d) = client(&srv.url, 400, 0);
    let (e, took) = get_err(&c, &format!("{}/x", srv.url));
    assert_eq!(e.kind(), ErrorKind::Timeout, "{}", e.message());
    assert!(took < Duration::from_millis(3_500), "{took:?}");
}

#[test]
fn stalled_body_times_out_within_the_bound() {
    let head = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc".to_vec();
    let srv = CannedServer::start(vec![Canned::Stall(head, 4_000)]);
    let (c, _d) = client(&srv.url, 400, 0);
    let (e, took) = get_err(&c, &format!("{}/x", srv.url));
    assert_eq!(e.kind(), ErrorKind::Timeout, "{}", e.message());
    assert!(took < Duration::from_millis(3_500), "{took:?}");
}

#[test]
fn ten_thousand_headers_are_a_bad_response() {
    let mut answer = b"HTTP/1.1 200 OK\r\n".to_vec();
    for i in 0..10_000 {
        answer.extend_from_slice(format!("X-Flood-{i}: yes\r\n").as_bytes());
    }
    answer.extend_from_slice(b"Content-Length: 2\r\n\r\n{}");
    let srv = CannedServer::start(vec![Canned::Reply(answer)]);
    let (c, _d) = client(&srv.url, 5_000, 0);
    let (e, _) = get_err(&c, &format!("{}/x", srv.url));
    assert_eq!(e.kind(), ErrorKind::BadResponse, "{}", e.message());
}

#[test]
fn a_5xx_storm_ends_with_the_last_status_after_bounded_retries() {
    let storm = http_answer(
        503,
        "application/json",
        r#"{"error":"busy","message":"try later"}"#,
    );
    let srv = CannedServer::start(vec![Canned::Reply(storm)]);
    let (c, _d) = client(&srv.url, 10_000, 3);
    let (e, took) = get_err(&c, &format!("{}/x", srv.url));
    assert_eq!((e.kind(), e.http_status()), (ErrorKind::HttpStatus, 503));
    assert_eq!(srv.requests.lock().unwrap().len(), 4);
    assert!(took < Duration::from_secs(8), "{took:?}");
}

#[test]
fn a_lying_content_length_is_refused_before_reading() {
    let head = b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n".to_vec();
    let srv = CannedServer::start(vec![Canned::Stall(head, 2_000)]);
    let dir = tempfile::tempdir().unwrap();
    let mut o = Options {
        server_address: Some(srv.url.clone()),
        secrets_dir: Some(dir.path().to_str().unwrap().to_owned()),
        ..Options::default()
    };
    o.http.max_body_bytes = 1 << 20;
    let c = Client::new(None, &o).unwrap();
    let (e, took) = get_err(&c, &format!("{}/x", srv.url));
    assert_eq!(e.kind(), ErrorKind::BadResponse, "{}", e.message());
    assert!(took < Duration::from_millis(1_500), "{took:?}");
}

#[test]
fn the_request_carries_credentials_only_in_headers() {
    let srv = CannedServer::start(vec![Canned::Reply(http_answer(
        200,
        "application/json",
        "{}",
    ))]);
    let (c, _d) = client(&srv.url, 5_000, 0);
    c.get(&format!("{}/some/path?x=1", srv.url)).unwrap();
    let head = srv.requests.lock().unwrap()[0].clone();
    let first_line = head.lines().next().unwrap();
    assert_eq!(first_line, "GET /some/path?x=1 HTTP/1.1");
    assert!(
        head.contains("authorization: Bearer fake_token_123")
            || head.contains("Authorization: Bearer fake_token_123"),
        "{head}"
    );
    assert!(
        head.to_ascii_lowercase()
            .contains("cookie: middle_auth_token=fake_token_123"),
        "{head}"
    );
}

#[test]
fn a_head_over_64_kib_is_a_bad_response_and_one_under_it_is_read() {
    let s = support::DevServer::start();
    let (c, _dir) = client(&s.url, 10_000, 0);
    let r = c
        .get(&format!("{}/fault/long-header?bytes={}", s.url, 60 * 1024))
        .unwrap();
    assert_eq!(r.body, b"long");
    for bytes in [64 * 1024, 1 << 20] {
        let (e, _) = get_err(&c, &format!("{}/fault/long-header?bytes={bytes}", s.url));
        assert_eq!(e.kind(), ErrorKind::BadResponse, "{bytes}: {}", e.message());
    }
}
