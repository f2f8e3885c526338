//! The connection layer: keep-alive under load, request framing (chunked
//! bodies, `Expect: 100-continue`), HTTP/1.0, HEAD and malformed requests.

mod common;
use common::*;
use serde_json::{Value, json};
use std::io::{BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

fn connect(s: &DevServer) -> (String, BufReader<TcpStream>) {
    let (host, _) = split_url(&s.url);
    let stream = TcpStream::connect(&host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    (host, BufReader::new(stream))
}

/// Everything until the server closes the connection.
fn read_to_close(conn: &mut BufReader<TcpStream>) -> String {
    let mut rest = Vec::new();
    conn.read_to_end(&mut rest).unwrap();
    String::from_utf8_lossy(&rest).into_owned()
}

/// Regression: tiny_http's task pool could leave a reused keep-alive
/// connection unread forever when two connections arrived together.
#[test]
fn many_threads_reuse_keep_alive_connections() {
    let s = DevServer::start_with(&["--quiet"]);
    let agent = ureq::Agent::config_builder()
        .max_idle_connections(32)
        .max_idle_connections_per_host(32)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .new_agent();
    let agent = Arc::new(agent);
    let workers: Vec<_> = (0..16)
        .map(|t| {
            let (agent, url) = (Arc::clone(&agent), s.url.clone());
            std::thread::spawn(move || {
                for i in 0..200 {
                    let mut r = agent
                        .get(&format!("{url}/echo?t={t}&i={i}"))
                        .call()
                        .unwrap_or_else(|e| panic!("thread {t} request {i}: {e}"));
                    assert_eq!(r.status(), 200);
                    let v: Value =
                        serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
                    assert_eq!(v["query"], json!(format!("t={t}&i={i}")));
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
}

#[test]
fn chunked_request_body_is_decoded() {
    let s = DevServer::start();
    let (host, mut conn) = connect(&s);
    let head = format!(
        "POST /echo HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\n\
         5\r\nhello\r\n1a;ext=1\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: t\r\n\r\n"
    );
    conn.get_mut().write_all(head.as_bytes()).unwrap();
    let r = read_response(&mut conn, false);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["body_len"], 31);
    assert_eq!(r.json()["method"], "POST");
    // The connection stays in step for the next request.
    send(conn.get_mut(), "PUT", &host, "/echo", &[], b"abc");
    assert_eq!(read_response(&mut conn, false).json()["body_len"], 3);
}

#[test]
fn chunked_request_body_through_ureq() {
    let s = DevServer::start();
    let agent = ureq::Agent::new_with_defaults();
    // A reader of unknown length is sent chunked.
    let mut body = std::io::Cursor::new(vec![7u8; 100_000]);
    let mut r = agent
        .post(&format!("{}/echo", s.url))
        .send(ureq::SendBody::from_reader(&mut body))
        .unwrap();
    let v: Value = serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(v["body_len"], 100_000);
}

#[test]
fn expect_100_continue_is_answered_before_the_body() {
    let s = DevServer::start();
    let (host, mut conn) = connect(&s);
    let head = format!(
        "POST /echo HTTP/1.1\r\nHost: {host}\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"
    );
    conn.get_mut().write_all(head.as_bytes()).unwrap();
    let interim = read_response(&mut conn, true);
    assert_eq!(interim.status, 100);
    conn.get_mut().write_all(b"body").unwrap();
    let r = read_response(&mut conn, false);
    assert_eq!((r.status, r.json()["body_len"].clone()), (200, json!(4)));
}

#[test]
fn pipelined_requests_are_answered_in_order() {
    let s = DevServer::start();
    let (host, mut conn) = connect(&s);
    let two = format!(
        "GET /echo/1 HTTP/1.1\r\nHost: {host}\r\n\r\nGET /echo/2 HTTP/1.1\r\nHost: {host}\r\n\r\n"
    );
    conn.get_mut().write_all(two.as_bytes()).unwrap();
    assert_eq!(read_response(&mut conn, false).json()["path"], "/echo/1");
    assert_eq!(read_response(&mut conn, false).json()["path"], "/echo/2");
}

#[test]
fn connection_close_and_http_1_0() {
    let s = DevServer::start();
    let (host, mut conn) = connect(&s);
    send(
        conn.get_mut(),
        "GET",
        &host,
        "/info/version",
        &[("Connection", "close")],
        b"",
    );
    let r = read_response(&mut conn, false);
    assert_eq!((r.status, r.header("connection")), (200, Some("close")));
    assert_eq!(read_to_close(&mut conn), "");

    // HTTP/1.0: one answer, then close, unless keep-alive is asked.
    let (_, mut conn) = connect(&s);
    conn.get_mut()
        .write_all(b"GET /info/version HTTP/1.0\r\n\r\n")
        .unwrap();
    assert_eq!(read_response(&mut conn, false).text(), "\"4.3.1\"\n");
    assert_eq!(read_to_close(&mut conn), "");

    let (_, mut conn) = connect(&s);
    for _ in 0..2 {
        conn.get_mut()
            .write_all(b"GET /info/version HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            .unwrap();
        let r = read_response(&mut conn, false);
        assert_eq!(r.header("connection"), Some("keep-alive"));
        assert_eq!(r.text(), "\"4.3.1\"\n");
    }
}

#[test]
fn head_gets_headers_only() {
    let s = DevServer::start();
    let (host, mut conn) = connect(&s);
    send(
        conn.get_mut(),
        "HEAD",
        &host,
        "/fault/big?bytes=5000",
        &[],
        b"",
    );
    let r = read_response(&mut conn, true);
    assert_eq!((r.status, r.header("content-length")), (200, Some("5000")));
    // No body bytes came: the next answer follows at once.
    send(conn.get_mut(), "GET", &host, "/info/version", &[], b"");
    assert_eq!(read_response(&mut conn, false).text(), "\"4.3.1\"\n");
}

#[test]
fn malformed_requests_get_an_error_and_close() {
    let s = DevServer::start();
    let cases: [(&[u8], &str); 6] = [
        (b"GARBAGE\r\n\r\n", "HTTP/1.1 400 "),
        (
            b"GET /echo HTTP/1.1\r\nNo colon here\r\n\r\n",
            "HTTP/1.1 400 ",
        ),
        (
            b"POST /echo HTTP/1.1\r\nContent-Length: 3x\r\n\r\nabc",
            "HTTP/1.1 400 ",
        ),
        (
            b"POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "HTTP/1.1 400 ",
        ),
        (b"GET /echo HTTP/2.0\r\n\r\n", "HTTP/1.1 505 "),
        (
            b"POST /echo HTTP/1.1\r\nExpect: teapot\r\nContent-Length: 1\r\n\r\n",
            "HTTP/1.1 417 ",
        ),
    ];
    for (raw, status) in cases {
        let (_, mut conn) = connect(&s);
        conn.get_mut().write_all(raw).unwrap();
        let answer = read_to_close(&mut conn);
        assert!(answer.starts_with(status), "{raw:?}: {answer:?}");
    }
    // Too many header bytes.
    let (_, mut conn) = connect(&s);
    let big = format!(
        "GET /echo HTTP/1.1\r\nX-Big: {}\r\n\r\n",
        "x".repeat(70_000)
    );
    let _ = conn.get_mut().write_all(big.as_bytes());
    let answer = read_to_close(&mut conn);
    assert!(answer.starts_with("HTTP/1.1 431 "), "{answer:?}");
    // The server is still fine.
    assert_eq!(s.get("/info/version", &[]).status, 200);
}
