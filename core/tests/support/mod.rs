//! Servers the HTTP tests start themselves on 127.0.0.1 and stop by PID:
//! `fw-devserver` (the local stand-in of the services) and a canned
//! responder for answers the devserver does not give, and a keep-alive
//! responder that counts connections.

#![allow(dead_code)]

pub mod proxy;
pub mod responder;

pub use responder::{Responder, Threads};

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A running `fw-devserver`, killed when dropped.
pub struct DevServer {
    child: Child,
    pub url: String,
    pub other_url: String,
    log: Arc<Log>,
}

/// What the devserver wrote to stderr so far, and a signal for each chunk
/// (so a test waits for a line instead of sleeping).
#[derive(Default)]
struct Log {
    text: std::sync::Mutex<String>,
    /// Whether stderr is closed (the devserver ended).
    ended: std::sync::Mutex<bool>,
    grew: std::sync::Condvar,
}

fn devserver_binary() -> PathBuf {
    if let Ok(p) = std::env::var("FW_DEVSERVER_BIN") {
        return PathBuf::from(p);
    }
    workspace_binary("fw-devserver")
}

/// The `fwauth` binary of this build (built if missing).
pub fn fwauth_binary() -> PathBuf {
    workspace_binary("fwauth")
}

/// A binary of the workspace package `name`, next to the test's profile
/// directory, built if missing.
fn workspace_binary(name: &str) -> PathBuf {
    // target/<profile>/deps/<test> -> target/<profile>/<name>
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir = exe.parent().and_then(Path::parent).expect("target dir");
    let bin = profile_dir.join(name);
    if !bin.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.args(["build", "-p", name]);
        if profile_dir.ends_with("release") {
            cmd.arg("--release");
        }
        let status = cmd.status().expect("cargo build -p <binary>");
        assert!(status.success(), "building {name} failed");
    }
    bin
}

impl DevServer {
    pub fn start() -> DevServer {
        DevServer::start_with(&[])
    }

    pub fn start_with(args: &[&str]) -> DevServer {
        let mut child = Command::new(devserver_binary())
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start fw-devserver");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut read_var = |name: &str| {
            let mut line = String::new();
            out.read_line(&mut line).expect("devserver stdout");
            line.trim()
                .strip_prefix(&format!("{name}="))
                .unwrap_or_else(|| panic!("expected {name}=..., got {line:?}"))
                .to_owned()
        };
        let url = read_var("FW_DEVSERVER_URL");
        let other_url = read_var("FW_DEVSERVER_OTHER_URL");
        let log = Arc::new(Log::default());
        let mut err = child.stderr.take().unwrap();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.text
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
                sink.grew.notify_all();
            }
            *sink.ended.lock().unwrap() = true;
            sink.grew.notify_all();
        });
        DevServer {
            child,
            url,
            other_url,
            log,
        }
    }

    /// What the devserver logged so far.
    pub fn log(&self) -> String {
        self.log.text.lock().unwrap().clone()
    }

    /// The log once it holds `needle` (each request is logged as it is
    /// served, so a test waits for its last request's line rather than
    /// sleeping); panics if the devserver ends first.
    pub fn log_with(&self, needle: &str) -> String {
        let mut text = self.log.text.lock().unwrap();
        loop {
            if text.contains(needle) {
                return text.clone();
            }
            assert!(
                !*self.log.ended.lock().unwrap(),
                "the devserver ended without logging {needle:?}:\n{text}"
            );
            text = self.log.grew.wait(text).unwrap();
        }
    }
}

impl Drop for DevServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the canned responder does with one connection.
#[derive(Clone)]
pub enum Canned {
    /// Reads the request, writes these bytes, closes.
    Reply(Vec<u8>),
    /// Reads the request and closes without answering (a reset).
    Close,
    /// Reads the request, writes the bytes, then closes mid-body.
    Partial(Vec<u8>),
    /// Reads the request, writes the bytes, then holds the connection open
    /// for this many milliseconds without writing more.
    Stall(Vec<u8>, u64),
}

/// A responder answering each connection with the next canned behaviour
/// (the last one repeats), one connection at a time.
pub struct CannedServer {
    pub url: String,
    pub requests: Arc<std::sync::Mutex<Vec<String>>>,
    _responder: Responder,
}

impl CannedServer {
    pub fn start(script: Vec<Canned>) -> CannedServer {
        let responder = Responder::start(Threads::One, move |mut conn| {
            conn.read_and_record();
            let s = &mut conn.stream;
            match script[conn.index.min(script.len() - 1)].clone() {
                Canned::Reply(b) | Canned::Partial(b) => {
                    let _ = s.write_all(&b);
                }
                Canned::Close => {}
                Canned::Stall(b, ms) => {
                    let _ = s.write_all(&b);
                    std::thread::sleep(std::time::Duration::from_millis(ms));
                }
            }
            let _ = s.shutdown(std::net::Shutdown::Both);
        });
        CannedServer {
            url: responder.url.clone(),
            requests: responder.requests.clone(),
            _responder: responder,
        }
    }
}

/// A complete HTTP/1.1 answer.
pub fn http_answer(status: u16, content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A keep-alive HTTP/1.1 responder on 127.0.0.1 (a thread per connection)
/// that answers every request `{}` and counts the connections it accepted
/// and the requests that carried `authorization: Bearer`.
pub struct KeepAliveServer {
    pub url: String,
    pub connections: Arc<AtomicUsize>,
    pub with_token: Arc<AtomicUsize>,
    _responder: Responder,
}

impl KeepAliveServer {
    pub fn start() -> KeepAliveServer {
        KeepAliveServer::start_with_body(b"{}".to_vec())
    }

    /// A responder answering every request with `body`.
    pub fn start_with_body(body: Vec<u8>) -> KeepAliveServer {
        let with_token = Arc::new(AtomicUsize::new(0));
        let tokens = with_token.clone();
        let responder = Responder::start(Threads::PerConnection, move |conn| {
            serve_keep_alive(conn.stream, &tokens, &body)
        });
        KeepAliveServer {
            url: responder.url.clone(),
            connections: responder.connections.clone(),
            with_token,
            _responder: responder,
        }
    }
}

/// Answers requests (no bodies) on `s` until the client closes it.
fn serve_keep_alive(mut s: std::net::TcpStream, with_token: &AtomicUsize, body: &[u8]) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            if head.contains("\r\nauthorization: bearer ") {
                with_token.fetch_add(1, Ordering::Relaxed);
            }
            buf.drain(..end + 4);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            // One write: a small answer goes out in one segment.
            let answer = [head.as_bytes(), body].concat();
            if s.write_all(&answer).is_err() {
                return;
            }
        }
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Asserts that `received` (what a server or proxy got) holds `token` in no
/// form: literal, in any letter case, or percent-encoded (whole or in part,
/// once or twice). Checked independently of the library's own matcher.
pub fn assert_no_token(received: &[u8], token: &str, who: &str) {
    let mut text = String::from_utf8_lossy(received).to_ascii_lowercase();
    let want = token.to_ascii_lowercase();
    for round in 0..3 {
        assert!(
            !text.contains(&want),
            "{who} received the token (after {round} percent-decodings)"
        );
        text = percent_encoding::percent_decode_str(&text)
            .decode_utf8_lossy()
            .to_ascii_lowercase();
    }
}
