//! Faulty servers, the bounds: what tests/faulty_servers.rs and
//! tests/http_requests.rs leave out. A server that never stops sending (a
//! body without end, chunked or not, as a 200 or a 500; one header line
//! without end; headers without end) costs the client bounded memory: the
//! peak RSS of a child process making the request stays within the body
//! limit and a margin of a baseline child. A connection reset with RST
//! (not a clean close) mid-headers or mid-body, and a server dripping one
//! byte at a time, each end with their documented error within the
//! configured overall timeout.
// Unix only: the faulty servers set socket options through libc and the child-process tests use Unix signals.
#![cfg(unix)]

mod hardening;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fwclient_core::{Client, ErrorKind, Options, Token};
use hardening::support::responder::{Responder, Threads, read_request};
use hardening::{CANARY_A, assert_no_canary};

/// What the server does with a connection, after reading the request head.
type Behaviour = fn(&mut TcpStream);

/// A responder running `behaviour` on each connection, in a thread of its
/// own, after reading the request.
struct FaultServer {
    url: String,
    _responder: Responder,
}

impl FaultServer {
    fn start(behaviour: Behaviour) -> FaultServer {
        let responder = Responder::start(Threads::PerConnection, move |mut conn| {
            read_request(&mut conn.stream);
            behaviour(&mut conn.stream);
        });
        FaultServer {
            url: responder.url.clone(),
            _responder: responder,
        }
    }
}

/// Closes with RST instead of FIN (SO_LINGER with a zero timeout).
fn reset(conn: &mut TcpStream) {
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket and option.
    unsafe {
        libc::setsockopt(
            conn.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&raw const linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
    let _ = conn.flush();
}

fn endless(conn: &mut TcpStream, head: &[u8], chunk: &[u8]) {
    if conn.write_all(head).is_err() {
        return;
    }
    while conn.write_all(chunk).is_ok() {}
}

const CHUNK: usize = 64 * 1024;

fn endless_chunked_200(conn: &mut TcpStream) {
    let mut chunk = format!("{CHUNK:x}\r\n").into_bytes();
    chunk.extend(std::iter::repeat_n(b'a', CHUNK));
    chunk.extend_from_slice(b"\r\n");
    endless(
        conn,
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        &chunk,
    );
}

fn endless_unsized_200(conn: &mut TcpStream) {
    endless(
        conn,
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n",
        &[b'a'; CHUNK],
    );
}

fn endless_unsized_500(conn: &mut TcpStream) {
    endless(
        conn,
        b"HTTP/1.1 500 Oops\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n",
        &[b'e'; CHUNK],
    );
}

fn endless_header_line(conn: &mut TcpStream) {
    endless(conn, b"HTTP/1.1 200 OK\r\nX-Long: ", &[b'h'; CHUNK]);
}

fn endless_headers(conn: &mut TcpStream) {
    let mut lines = Vec::new();
    for i in 0..2000 {
        lines.extend_from_slice(format!("X-Flood-{i}: yes\r\n").as_bytes());
    }
    endless(conn, b"HTTP/1.1 200 OK\r\n", &lines);
}

fn small_200(conn: &mut TcpStream) {
    let _ = conn.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
    );
}

fn reset_mid_headers(conn: &mut TcpStream) {
    let _ = conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Ty");
    std::thread::sleep(Duration::from_millis(50));
    reset(conn);
}

fn reset_mid_body(conn: &mut TcpStream) {
    let _ = conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n{\"partial\": ");
    std::thread::sleep(Duration::from_millis(50));
    reset(conn);
}

fn drip_headers(conn: &mut TcpStream) {
    for b in b"HTTP/1.1 200 OK\r\nX-Slow: "
        .iter()
        .chain([b'x'; 1000].iter())
    {
        if conn.write_all(&[*b]).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn drip_body(conn: &mut TcpStream) {
    if conn
        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        .is_err()
    {
        return;
    }
    for _ in 0..1000 {
        if conn.write_all(b"a").is_err() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

const LIMIT: u64 = 8 * 1024 * 1024;

fn client(url: &str, total: Duration) -> (Client, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut o = Options {
        token: Some(Token::new(CANARY_A).unwrap()),
        server_address: Some(url.to_owned()),
        secrets_dir: Some(dir.path().to_str().unwrap().to_owned()),
        ..Options::default()
    };
    o.http.total_timeout = total;
    o.http.max_retries = 0;
    o.http.max_body_bytes = LIMIT;
    (Client::new(None, &o).unwrap(), dir)
}

// ------------------------------------------------------ bounded memory

const URL_VAR: &str = "FWCLIENT_TEST_FAULT_URL";

/// Not a test of its own: the child of `endless_answers_cost_bounded_memory`
/// (one request to the URL it is given; prints the outcome).
#[test]
fn memory_child() {
    let Ok(url) = std::env::var(URL_VAR) else {
        return;
    };
    let (c, _d) = client(&url, Duration::from_secs(20));
    let start = Instant::now();
    match c.get(&format!("{url}/x")) {
        Ok(r) => println!("OUTCOME ok {} bytes", r.body.len()),
        Err(e) => {
            assert_no_canary("the error", &format!("{e:?} {e}"));
            println!(
                "OUTCOME {:?} after {} ms: {}",
                e.kind(),
                start.elapsed().as_millis(),
                e.message()
            );
        }
    }
}

/// Runs `memory_child` against `url`; its output and peak RSS in KiB.
// The child is reaped by wait4 (for its own rusage), not Child::wait.
#[allow(clippy::zombie_processes)]
fn child_against(url: &str) -> (String, i64) {
    let child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "memory_child", "--nocapture", "--test-threads=1"])
        .env(URL_VAR, url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut out = String::new();
    child.stdout.unwrap().read_to_string(&mut out).unwrap();
    let mut err = String::new();
    child.stderr.unwrap().read_to_string(&mut err).unwrap();
    let mut status = 0;
    // SAFETY: wait4 on our own child, with valid out-pointers; the rusage
    // is this child's alone (not other tests' children).
    let rss = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::wait4(pid, &mut status, 0, &mut u), pid);
        u.ru_maxrss
    };
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "child failed ({status}):\n{out}\n{err}"
    );
    // (The harness may print "test memory_child ... " on the same line.)
    let outcome = out
        .lines()
        .find_map(|l| l.find("OUTCOME ").map(|i| l[i..].to_owned()))
        .unwrap_or_else(|| panic!("the child printed no outcome:\n{out}\n{err}"));
    (outcome, rss)
}

#[test]
fn endless_answers_cost_bounded_memory() {
    let base = FaultServer::start(small_200);
    let (outcome, baseline) = child_against(&base.url);
    assert!(outcome.starts_with("OUTCOME ok"), "{outcome}");

    let cases: [(&str, Behaviour, &str); 5] = [
        (
            "endless chunked 200 body",
            endless_chunked_200,
            "BadResponse",
        ),
        (
            "endless 200 body without length",
            endless_unsized_200,
            "BadResponse",
        ),
        // An error answer's body is read to a 64 KiB excerpt only (issue
        // 20): the 500 itself, not a body too large.
        ("endless 500 body", endless_unsized_500, "HttpStatus"),
        ("endless header line", endless_header_line, "BadResponse"),
        ("endless headers", endless_headers, "BadResponse"),
    ];
    let limit_kib = i64::try_from(LIMIT / 1024).unwrap();
    for (what, behaviour, kind) in cases {
        let srv = FaultServer::start(behaviour);
        let (outcome, rss) = child_against(&srv.url);
        eprintln!("{what}: {outcome} (peak RSS {rss} KiB, baseline {baseline} KiB)");
        assert!(
            outcome.starts_with(&format!("OUTCOME {kind} ")),
            "{what}: {outcome}"
        );
        // The body is read into one buffer of at most the limit (growing by
        // doubling: up to twice that reserved, only what is written resident).
        let bound = baseline + 2 * limit_kib + 8 * 1024;
        assert!(
            rss < bound,
            "{what}: peak RSS {rss} KiB, more than the bound {bound} KiB \
             (baseline {baseline} KiB, limit {limit_kib} KiB)"
        );
    }
}

// ------------------------------------------------- resets and dripping

fn get_err(url: &str, total: Duration) -> (fwclient_core::Error, Duration) {
    let (c, _d) = client(url, total);
    let start = Instant::now();
    let e = c.get(&format!("{url}/x")).unwrap_err();
    assert_no_canary("the error", &format!("{e:?} {e}"));
    (e, start.elapsed())
}

#[test]
fn a_reset_mid_headers_is_a_network_error_at_once() {
    let srv = FaultServer::start(reset_mid_headers);
    let (e, took) = get_err(&srv.url, Duration::from_secs(5));
    assert!(
        matches!(e.kind(), ErrorKind::Network | ErrorKind::BadResponse),
        "{:?}: {e}",
        e.kind()
    );
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[test]
fn a_reset_mid_body_is_a_network_error_at_once() {
    let srv = FaultServer::start(reset_mid_body);
    let (e, took) = get_err(&srv.url, Duration::from_secs(5));
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[test]
fn dripping_headers_time_out_within_the_overall_timeout() {
    let srv = FaultServer::start(drip_headers);
    let (e, took) = get_err(&srv.url, Duration::from_millis(800));
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(took < Duration::from_millis(2_500), "{took:?}");
}

#[test]
fn a_dripping_body_times_out_within_the_overall_timeout() {
    let srv = FaultServer::start(drip_body);
    let (e, took) = get_err(&srv.url, Duration::from_millis(800));
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(took < Duration::from_millis(2_500), "{took:?}");
}

#[test]
fn connection_refused_is_a_network_error_at_once() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (e, took) = get_err(&format!("http://127.0.0.1:{port}"), Duration::from_secs(5));
    assert_eq!(e.kind(), ErrorKind::Network, "{e}");
    assert!(took < Duration::from_secs(1), "{took:?}");
}
