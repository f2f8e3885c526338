//! Fault endpoints and concurrent keep-alive clients.

mod common;
use common::*;
use serde_json::json;
use std::io::{BufRead, BufReader, Read};
use std::net::TcpStream;
use std::time::{Duration, Instant};

#[test]
fn flaky_fails_then_succeeds_per_key() {
    let s = DevServer::start();
    let path = "/fault/flaky?key=k1&fail=2&status=503";
    for _ in 0..2 {
        let r = s.get(path, &[]);
        assert_eq!(r.status, 503);
        assert_eq!(r.json()["error"], "test_error");
    }
    assert_eq!(s.get(path, &[]).json(), json!({"ok": true, "attempts": 3}));
    assert_eq!(s.get(path, &[]).json()["attempts"], 4);
    // Another key has its own counter; the status defaults to 503.
    assert_eq!(s.get("/fault/flaky?key=k2&fail=1", &[]).status, 503);
    assert_eq!(s.get("/fault/flaky?key=k2&fail=1", &[]).status, 200);
    assert_eq!(
        s.get("/fault/flaky?key=k3&fail=1&status=429", &[]).status,
        429
    );
}

#[test]
fn stall_waits_before_answering() {
    let s = DevServer::start();
    let t = Instant::now();
    let r = s.get("/fault/stall?ms=300", &[]);
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert_eq!((r.status, r.json()), (200, json!({})));
}

#[test]
fn stall_body_sends_headers_first() {
    let s = DevServer::start();
    let (host, _) = split_url(&s.url);
    let mut conn = BufReader::new(TcpStream::connect(&host).unwrap());
    let t = Instant::now();
    send(
        conn.get_mut(),
        "GET",
        &host,
        "/fault/stall-body?ms=600",
        &[],
        b"",
    );
    let mut line = String::new();
    conn.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 200"), "{line}");
    assert!(
        t.elapsed() < Duration::from_millis(500),
        "headers came late"
    );
    let mut len = 0;
    loop {
        line.clear();
        conn.read_line(&mut line).unwrap();
        if line.trim().is_empty() {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; len];
    conn.read_exact(&mut body).unwrap();
    assert!(t.elapsed() >= Duration::from_millis(600));
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["ok"], true);
    // The connection stays usable.
    send(conn.get_mut(), "GET", &host, "/info/version", &[], b"");
    assert_eq!(read_response(&mut conn, false).status, 200);
}

#[test]
fn big_status_and_garbage() {
    let s = DevServer::start();
    let r = s.get("/fault/big?bytes=1000000", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-length"), Some("1000000"));
    assert!(r.header("transfer-encoding").is_none());
    assert!(r.body.len() == 1_000_000 && r.body.iter().all(|b| *b == b'a'));
    for code in [400, 418, 500, 503] {
        let r = s.get(&format!("/fault/status?code={code}"), &[]);
        assert_eq!(r.status, code);
        let message = format!("status {code}");
        assert_eq!(r.json(), json!({"error": "test_error", "message": message}));
    }
    let r = s.get("/fault/json-garbage", &[]);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.text(), "{not json");
}

#[test]
fn sixteen_keep_alive_clients() {
    let s = DevServer::start();
    let (host, _) = split_url(&s.url);
    let start = Instant::now();
    let workers: Vec<_> = (0..16)
        .map(|i| {
            let host = host.clone();
            std::thread::spawn(move || {
                let stream = TcpStream::connect(&host).unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(10)))
                    .unwrap();
                let mut conn = BufReader::new(stream);
                let bearer = format!("Bearer {}", if i % 2 == 0 { ADA } else { GRACE });
                for _ in 0..20 {
                    let headers = [("Authorization", bearer.as_str())];
                    send(
                        conn.get_mut(),
                        "GET",
                        &host,
                        "/info/api/v2/datastacks",
                        &headers,
                        b"",
                    );
                    assert_eq!(read_response(&mut conn, false).status, 200);
                }
            })
        })
        .collect();
    // A stalled request must not hold the others up.
    let stalled = s.url.clone();
    let slow = std::thread::spawn(move || {
        fetch("GET", &format!("{stalled}/fault/stall?ms=2000"), &[], b"")
    });
    for w in workers {
        w.join().unwrap();
    }
    assert!(
        start.elapsed() < Duration::from_millis(1900),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(slow.join().unwrap().status, 200);
}
