//! Streamed answers: the body read in chunks to its end (connection
//! reused) or abandoned (connection closed), bounded by the total timeout,
//! larger than the buffered cap, and under the same rules as every request.

mod support;

use std::io::Read;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use fwclient_core::http::Request;
use fwclient_core::{Client, ErrorKind, Options, Token};
use support::{Canned, CannedServer, DevServer, KeepAliveServer};

fn client(server: &str, configure: impl FnOnce(&mut Options)) -> (Client, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut o = Options {
        token: Some(Token::new("fake_token_123").unwrap()),
        server_address: Some(server.to_owned()),
        secrets_dir: Some(dir.path().to_str().unwrap().to_owned()),
        ..Options::default()
    };
    configure(&mut o);
    (Client::new(None, &o).unwrap(), dir)
}

fn body_of(len: usize) -> Vec<u8> {
    (0..len).map(|i| b'a' + (i % 26) as u8).collect()
}

#[test]
fn a_stream_read_to_the_end_gives_the_body_and_reuses_the_connection() {
    let body = body_of(3 << 20);
    let srv = KeepAliveServer::start_with_body(body.clone());
    let (c, _d) = client(&srv.url, |_| {});
    for _ in 0..3 {
        let mut s = c.open(&Request::get(&format!("{}/big", srv.url))).unwrap();
        assert_eq!(s.status(), 200);
        assert_eq!(s.header("content-length").as_deref(), Some("3145728"));
        let mut got = Vec::new();
        s.read_to_end(&mut got).unwrap();
        assert!(got == body, "the streamed body differs");
        assert!(s.is_finished());
    }
    assert_eq!(srv.connections.load(Ordering::Relaxed), 1);
    // The token went with each request (trusted loopback origin).
    assert_eq!(srv.with_token.load(Ordering::Relaxed), 3);
}

#[test]
fn an_abandoned_stream_closes_its_connection() {
    let srv = KeepAliveServer::start_with_body(body_of(1 << 20));
    let (c, _d) = client(&srv.url, |_| {});
    let url = format!("{}/big", srv.url);
    let mut s = c.open(&Request::get(&url)).unwrap();
    let mut first = [0u8; 10];
    assert_eq!(s.read_chunk(&mut first).unwrap(), 10);
    assert_eq!(&first, b"abcdefghij");
    drop(s);
    // The next request cannot use the half-read connection: a new one.
    let resp = c.get(&url).unwrap();
    assert_eq!(resp.body.len(), 1 << 20);
    assert_eq!(srv.connections.load(Ordering::Relaxed), 2);
}

#[test]
fn a_slow_drip_body_ends_with_a_timeout_within_the_total_limit() {
    let head = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc".to_vec();
    let srv = CannedServer::start(vec![Canned::Stall(head, 2_500)]);
    let (c, _d) = client(&srv.url, |o| {
        o.http.total_timeout = Duration::from_millis(400)
    });
    let start = Instant::now();
    let mut s = c.open(&Request::get(&format!("{}/x", srv.url))).unwrap();
    let mut buf = [0u8; 64];
    let mut got = Vec::new();
    let e = loop {
        match s.read_chunk(&mut buf) {
            Ok(0) => panic!("the body cannot end: 97 bytes are missing"),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => break e,
        }
    };
    assert_eq!(got, b"abc");
    assert_eq!(e.kind(), ErrorKind::Timeout, "{}", e.message());
    assert!(e.message().contains("after 3 bytes"), "{}", e.message());
    assert!(start.elapsed() < Duration::from_millis(2_000));
    // After an error the stream is at its end.
    assert_eq!(s.read_chunk(&mut buf).unwrap(), 0);
}

#[test]
fn a_body_larger_than_the_buffered_cap_reads_fine_through_a_stream() {
    let srv = DevServer::start();
    let (c, _d) = client(&srv.url, |o| o.http.max_body_bytes = 1 << 20);
    let url = format!("{}/fault/big?bytes={}", srv.url, 5 << 20);
    let e = c.get(&url).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadResponse, "{}", e.message());
    let mut s = c.open(&Request::get(&url)).unwrap();
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = s.read_chunk(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        assert!(buf[..n].iter().all(|b| *b == b'a'));
        total += n as u64;
    }
    assert_eq!(total, 5 << 20);
    assert_eq!(s.bytes_read(), 5 << 20);
}

#[test]
fn an_error_answer_is_an_error_before_any_stream() {
    let srv = DevServer::start();
    let (c, _d) = client(&srv.url, |o| o.http.max_retries = 0);
    let e = c
        .open(&Request::get(&format!("{}/fault/status?code=404", srv.url)))
        .unwrap_err();
    assert_eq!((e.kind(), e.http_status()), (ErrorKind::HttpStatus, 404));
    // An invalid token is refused as for a buffered request.
    let (bad, _d2) = client(&srv.url, |o| {
        o.token = Some(Token::new("wrong_fake_token").unwrap())
    });
    let e = bad
        .open(&Request::get(&format!("{}/auth/api/v1/user/me", srv.url)))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidToken, "{}", e.message());
    assert!(!e.message().contains("wrong_fake_token"));
}

#[test]
fn a_stream_follows_the_trust_rules() {
    // The token over plain http to a non-loopback host is refused before
    // any name lookup or connection.
    let (c, _d) = client("http://global.example.test", |_| {});
    let e = c
        .open(&Request::get("http://global.example.test/x"))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InsecureUrl, "{}", e.message());
    let e = c
        .open(&Request::get(
            "http://global.example.test/x?middle_auth_token=fake",
        ))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidUrl, "{}", e.message());
}
