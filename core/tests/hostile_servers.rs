//! What a hostile server can still try (issue 20, items 1, 2, 3 and 5),
//! each played by a server on 127.0.0.1 that records what it received and
//! sent: an error body of nested escapes to burn CPU, a `Retry-After` too
//! large for any clock, a body dripped while the caller cancels, and URLs
//! with user-info that would make an agent send a Basic header.

mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use fwclient_core::http::secrets::{MAX_WORK_PER_BYTE, work};
use fwclient_core::http::transport::ERROR_BODY_LIMIT;
use fwclient_core::http::{Cancel, Request, RequestOptions};
use fwclient_core::{Client, ErrorKind, Options, Remedy, Token};
use support::{Canned, CannedServer, assert_no_token};

const TOKEN: &str = "fake_Token_Hostile_20";

/// What one connection does after the request head was read: `conn`, the
/// head, and the server's counters.
type Behaviour = dyn Fn(&mut TcpStream, &str, &Counters) + Send + Sync;

/// What a hostile server saw and did.
#[derive(Default)]
struct Counters {
    connections: AtomicUsize,
    /// Body bytes the server managed to write.
    sent: AtomicUsize,
    heads: Mutex<Vec<String>>,
}

/// A server on 127.0.0.1 running `behaviour` on each connection (a thread
/// each).
struct Hostile {
    url: String,
    seen: Arc<Counters>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Hostile {
    fn start(behaviour: Arc<Behaviour>) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(Counters::default());
        let (stop2, seen2) = (Arc::clone(&stop), Arc::clone(&seen));
        let thread = std::thread::spawn(move || {
            while !stop2.load(Ordering::Relaxed) {
                let Ok((mut conn, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(5));
                    continue;
                };
                seen2.connections.fetch_add(1, Ordering::SeqCst);
                let (b, seen3) = (Arc::clone(&behaviour), Arc::clone(&seen2));
                std::thread::spawn(move || {
                    conn.set_nonblocking(false).unwrap();
                    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") && conn.read(&mut byte).unwrap_or(0) == 1 {
                        head.push(byte[0]);
                    }
                    let head = String::from_utf8_lossy(&head).into_owned();
                    seen3.heads.lock().unwrap().push(head.clone());
                    b(&mut conn, &head, &seen3);
                });
            }
        });
        Hostile {
            url,
            seen,
            stop,
            thread: Some(thread),
        }
    }

    fn connections(&self) -> usize {
        self.seen.connections.load(Ordering::SeqCst)
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn client_with(server: &str, edit: impl FnOnce(&mut Options)) -> (Client, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut o = Options {
        token: Some(Token::new(TOKEN).unwrap()),
        server_address: Some(server.to_owned()),
        secrets_dir: Some(dir.path().to_str().unwrap().to_owned()),
        ..Options::default()
    };
    edit(&mut o);
    (Client::new(None, &o).unwrap(), dir)
}

/// The process's CPU time so far (user + system), for the test log.
#[cfg(unix)]
fn cpu_time() -> Duration {
    // SAFETY: getrusage writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let t = |tv: libc::timeval| {
        Duration::from_secs(tv.tv_sec as u64) + Duration::from_micros(tv.tv_usec as u64)
    };
    t(u.ru_utime) + t(u.ru_stime)
}

/// Not measured elsewhere (the log says 0).
#[cfg(not(unix))]
fn cpu_time() -> Duration {
    Duration::ZERO
}

// ---------------------------------------------------------------- item 1

/// 50 MB of `%%30`, with the token (percent-encoded) near the start: a 500.
fn escapes_body(conn: &mut TcpStream, _head: &str, seen: &Counters) {
    const TOTAL: usize = 50 * 1024 * 1024;
    let head = format!(
        "HTTP/1.1 500 Oops\r\nContent-Type: text/plain\r\nContent-Length: {TOTAL}\r\nConnection: close\r\n\r\n"
    );
    let _ = conn.write_all(head.as_bytes());
    let planted: String = TOKEN.bytes().map(|b| format!("%25{b:02x}")).collect();
    let mut first = format!("x {planted} y ").into_bytes();
    let chunk = "%%30".repeat(16 * 1024).into_bytes();
    let mut sent = 0;
    while sent < TOTAL {
        let piece = if first.is_empty() {
            &chunk[..]
        } else {
            &first[..]
        };
        let piece = &piece[..piece.len().min(TOTAL - sent)];
        if conn.write_all(piece).is_err() {
            break;
        }
        sent += piece.len();
        seen.sent.store(sent, Ordering::SeqCst);
        first.clear();
    }
}

#[test]
fn an_error_body_of_nested_escapes_is_cut_to_an_excerpt_and_redacted_in_linear_work() {
    let srv = Hostile::start(Arc::new(escapes_body));
    let (c, _d) = client_with(&srv.url, |_| {});
    let (wall, cpu) = (Instant::now(), cpu_time());
    let e = c.get(&format!("{}/x", srv.url)).unwrap_err();
    let (wall, cpu) = (wall.elapsed(), cpu_time() - cpu);
    assert_eq!((e.kind(), e.http_status()), (ErrorKind::HttpStatus, 500));
    let body = &e.detail().unwrap().body;
    // The excerpt, no more: the rest was never read.
    assert!(body.len() as u64 <= ERROR_BODY_LIMIT, "{}", body.len());
    assert!(
        body.starts_with(b"x <redacted> y %%30%%30"),
        "{:?}",
        &body[..40]
    );
    assert_no_token(body, TOKEN, "the error body");
    assert_no_token(format!("{e:?} {e}").as_bytes(), TOKEN, "the error");
    // The matcher's work on what was kept stays within its bound per byte.
    let spent = work(body, TOKEN.as_bytes());
    let bound = MAX_WORK_PER_BYTE * (body.len() as u64 + 1) * (TOKEN.len() as u64 + 1);
    assert!(spent <= bound, "{spent} > {bound}");
    drop(c);
    // The server could not push the 50 MB: the client stopped reading.
    let sent = srv.seen.sent.load(Ordering::SeqCst);
    assert!(sent < 50 * 1024 * 1024, "{sent}");
    println!("50 MB error body of %%30: {wall:?} wall, {cpu:?} CPU (issue 20: 17 s, 14 s)");
}

// ---------------------------------------------------------------- item 2

fn answer_with_retry_after(status: u16, value: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} Busy\r\nRetry-After: {value}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
    )
    .into_bytes()
}

#[test]
fn a_retry_after_too_large_for_any_clock_ends_at_once_with_the_servers_wait() {
    for value in ["99999999999999999999999", "18446744073709551615"] {
        for status in [429, 503] {
            let srv =
                CannedServer::start(vec![Canned::Reply(answer_with_retry_after(status, value))]);
            let (c, _d) = client_with(&srv.url, |o| {
                o.http.retry_base_delay = Duration::from_millis(1000);
                o.http.max_retries = 3;
            });
            let e = c.get(&format!("{}/busy", srv.url)).unwrap_err();
            assert_eq!((e.kind(), e.http_status()), (ErrorKind::HttpStatus, status));
            assert!(
                e.message()
                    .contains("the server asked to wait 18446744073709551615 s"),
                "{}",
                e.message()
            );
            // Asked once, not retried: the wait does not fit the deadline.
            assert_eq!(srv.requests.lock().unwrap().len(), 1, "{value}");
        }
    }
}

#[test]
fn a_huge_per_request_timeout_does_not_overflow_the_deadline() {
    let srv = CannedServer::start(vec![Canned::Reply(answer_with_retry_after(
        503,
        "18446744073709551615",
    ))]);
    let (c, _d) = client_with(&srv.url, |o| {
        o.http.retry_base_delay = Duration::from_secs(1)
    });
    let view = c.with_request_options(RequestOptions {
        timeout: Some(Duration::MAX),
        cancel: None,
    });
    let e = view.get(&format!("{}/busy", srv.url)).unwrap_err();
    assert_eq!(e.http_status(), 503, "{}", e.message());
}

// ---------------------------------------------------------------- item 3

/// A 200 whose body of 100 bytes comes one byte at a time: the first at
/// once, then one every `gap` (a whole body takes 99 gaps).
fn dripper(gap: Duration) -> Arc<Behaviour> {
    Arc::new(move |conn: &mut TcpStream, _head: &str, seen: &Counters| {
        let _ = conn.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 100\r\n\r\n",
        );
        for _ in 0..100 {
            if conn.write_all(b"d").and_then(|()| conn.flush()).is_err() {
                return;
            }
            seen.sent.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(gap);
        }
    })
}

/// Reads `stream` to its end or first error; the bytes read and the result.
fn drain(stream: &mut fwclient_core::http::Stream) -> (usize, fwclient_core::Result<()>) {
    let mut buf = [0u8; 64];
    let mut total = 0;
    loop {
        match stream.read_chunk(&mut buf) {
            Ok(0) => return (total, Ok(())),
            Ok(n) => total += n,
            Err(e) => return (total, Err(e)),
        }
    }
}

#[test]
fn a_cancel_ends_a_body_being_read() {
    // The second byte would come 10 s after the first.
    let srv = Hostile::start(dripper(Duration::from_secs(10)));
    let (c, _d) = client_with(&srv.url, |o| o.http.total_timeout = Duration::from_secs(30));
    let cancel = Cancel::new();
    let view = c.with_request_options(RequestOptions {
        timeout: None,
        cancel: Some(cancel.clone()),
    });
    let url = format!("{}/drip", srv.url);
    let mut stream = view.open(&Request::get(&url)).unwrap();
    let mut one = [0u8; 1];
    assert_eq!(stream.read_chunk(&mut one).unwrap(), 1);
    // Another thread raises the flag once told to, while this one reads
    // (or is about to: either way the read ends canceled).
    let (go, wait) = std::sync::mpsc::channel::<()>();
    let trigger = std::thread::spawn(move || {
        wait.recv().unwrap();
        cancel.trigger();
        Instant::now()
    });
    go.send(()).unwrap();
    let (read, result) = drain(&mut stream);
    let ended = Instant::now();
    let e = result.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Canceled, "{}", e.message());
    assert!(e.message().contains("after 1 bytes"), "{}", e.message());
    // Not one byte more: the next one was 10 s away.
    assert_eq!(read, 0);
    assert_eq!(srv.seen.sent.load(Ordering::SeqCst), 1);
    assert!(stream.is_finished());
    // Once canceled, the stream is at its end.
    assert_eq!(stream.read_chunk(&mut one).unwrap(), 0);
    let raised = trigger.join().unwrap();
    println!(
        "a read canceled {:?} after the flag was raised",
        ended.saturating_duration_since(raised)
    );
}

#[test]
fn a_cancel_raised_between_reads_ends_the_next_one() {
    let srv = Hostile::start(dripper(Duration::from_secs(10)));
    let (c, _d) = client_with(&srv.url, |_| {});
    let cancel = Cancel::new();
    let view = c.with_request_options(RequestOptions {
        timeout: None,
        cancel: Some(cancel.clone()),
    });
    let url = format!("{}/between", srv.url);
    let mut stream = view.open(&Request::get(&url)).unwrap();
    let mut buf = [0u8; 1];
    assert_eq!(stream.read_chunk(&mut buf).unwrap(), 1);
    cancel.trigger();
    let e = stream.read_chunk(&mut buf).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Canceled, "{}", e.message());
    assert!(e.message().contains("after 1 bytes"), "{}", e.message());
}

#[test]
fn a_per_request_timeout_ending_a_read_names_its_own_limit() {
    let srv = Hostile::start(dripper(Duration::from_millis(500)));
    let (c, _d) = client_with(&srv.url, |o| o.http.total_timeout = Duration::from_secs(30));
    let view = c.with_request_options(RequestOptions {
        timeout: Some(Duration::from_millis(700)),
        cancel: None,
    });
    let url = format!("{}/slow", srv.url);
    let mut stream = view.open(&Request::get(&url)).unwrap();
    let (read, result) = drain(&mut stream);
    let e = result.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{}", e.message());
    assert!(
        e.message().contains("(overall limit 700 ms)"),
        "{}",
        e.message()
    );
    assert!(!e.message().contains("30000"), "{}", e.message());
    assert!(read < 100, "{read}");
}

// ---------------------------------------------------------------- item 5

/// A server that answers `{}` to anything.
fn empty_json() -> Arc<Behaviour> {
    Arc::new(|conn: &mut TcpStream, _head: &str, _seen: &Counters| {
        let _ = conn.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
        );
    })
}

fn assert_user_info_refused(e: &fwclient_core::Error, without: &str) {
    assert_eq!(e.kind(), ErrorKind::InvalidUrl, "{}", e.message());
    assert_eq!(e.remedy(), &Remedy::UseAddress(without.to_owned()));
    assert!(!e.message().contains("secret_pw"), "{}", e.message());
}

#[test]
fn urls_with_user_info_are_refused_before_any_connection() {
    let (first, second) = (Hostile::start(empty_json()), Hostile::start(empty_json()));
    let (c, _d) = client_with(&second.url, |_| {});
    let host1 = first.url.trim_start_matches("http://");
    let host2 = second.url.trim_start_matches("http://");
    for (url, without) in [
        (
            format!("http://u:secret_pw@{host2}/x"),
            format!("http://{host2}/x"),
        ),
        (
            format!("http://{host1}@{host2}/a"),
            format!("http://{host2}/a"),
        ),
        (format!("http://user@{host2}/"), format!("http://{host2}/")),
    ] {
        let e = c.get(&url).unwrap_err();
        assert_user_info_refused(&e, &without);
        let e = c.open(&Request::get(&url)).unwrap_err();
        assert_user_info_refused(&e, &without);
    }
    assert_eq!((first.connections(), second.connections()), (0, 0));
}

#[test]
fn a_server_address_with_user_info_is_refused() {
    let srv = Hostile::start(empty_json());
    let host = srv.url.trim_start_matches("http://");
    let dir = tempfile::tempdir().unwrap();
    let o = Options {
        token: Some(Token::new(TOKEN).unwrap()),
        server_address: Some(format!("http://u:secret_pw@{host}")),
        secrets_dir: Some(dir.path().to_str().unwrap().to_owned()),
        ..Options::default()
    };
    let e = Client::new(None, &o).unwrap_err();
    assert_user_info_refused(&e, &format!("http://{host}/"));
    assert_eq!(srv.connections(), 0);
}

#[test]
fn a_redirect_to_a_url_with_user_info_is_not_followed() {
    let target = Hostile::start(empty_json());
    let host = target.url.trim_start_matches("http://");
    let location = format!("http://u:secret_pw@{host}/landing");
    let redirect = format!(
        "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    let srv = CannedServer::start(vec![Canned::Reply(redirect.into_bytes())]);
    let (c, _d) = client_with(&srv.url, |_| {});
    let e = c.get(&format!("{}/start", srv.url)).unwrap_err();
    assert_user_info_refused(&e, &format!("http://{host}/landing"));
    assert_eq!(target.connections(), 0);
}

#[test]
fn a_local_server_with_user_info_is_not_trusted_nor_contacted() {
    let local = Hostile::start(empty_json());
    let host = local.url.trim_start_matches("http://");
    let info = format!(r#"{{"local_server": "http://u:secret_pw@{host}"}}"#);
    let srv = CannedServer::start(vec![Canned::Reply(support::http_answer(
        200,
        "application/json",
        &info,
    ))]);
    let dir = tempfile::tempdir().unwrap();
    let o = Options {
        token: Some(Token::new(TOKEN).unwrap()),
        server_address: Some(srv.url.clone()),
        secrets_dir: Some(dir.path().to_str().unwrap().to_owned()),
        ..Options::default()
    };
    let c = Client::new(Some("ds1"), &o).unwrap();
    let e = c.datastack_info().unwrap_err();
    assert_user_info_refused(&e, &format!("http://{host}/"));
    assert_eq!(local.connections(), 0);
    // Nothing with a Basic header went anywhere either.
    for head in srv.requests.lock().unwrap().iter() {
        assert!(!head.to_ascii_lowercase().contains("basic"), "{head}");
    }
}
