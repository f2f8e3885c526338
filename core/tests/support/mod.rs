//! Servers the HTTP tests start themselves on 127.0.0.1 and stop by PID:
//! `fw-devserver` (the local stand-in of the services) and a canned
//! responder for answers the devserver does not give, and a keep-alive
//! responder that counts connections.

#![allow(dead_code)]

pub mod proxy;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;

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

/// A one-thread HTTP responder on 127.0.0.1 answering each connection with
/// the next canned behaviour (the last one repeats).
pub struct CannedServer {
    pub url: String,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    pub requests: Arc<std::sync::Mutex<Vec<String>>>,
}

impl CannedServer {
    pub fn start(script: Vec<Canned>) -> CannedServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (stop2, reqs) = (Arc::clone(&stop), Arc::clone(&requests));
        let thread = std::thread::spawn(move || {
            let mut i = 0;
            while !stop2.load(Ordering::Relaxed) {
                let Ok((mut s, _)) = listener.accept() else {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    continue;
                };
                s.set_nonblocking(false).unwrap();
                s.set_read_timeout(Some(std::time::Duration::from_secs(2)))
                    .unwrap();
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && s.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                // The body too (by Content-Length): what a server received.
                let declared = String::from_utf8_lossy(&head)
                    .lines()
                    .find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0);
                let mut body = vec![0u8; declared.min(1 << 20)];
                let _ = s.read_exact(&mut body);
                head.extend_from_slice(&body);
                reqs.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&head).into_owned());
                let step = script[i.min(script.len() - 1)].clone();
                i += 1;
                match step {
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
            }
        });
        CannedServer {
            url,
            stop,
            thread: Some(thread),
            requests,
        }
    }
}

impl Drop for CannedServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
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
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl KeepAliveServer {
    pub fn start() -> KeepAliveServer {
        KeepAliveServer::start_with_body(b"{}".to_vec())
    }

    /// A responder answering every request with `body`.
    pub fn start_with_body(body: Vec<u8>) -> KeepAliveServer {
        let body = Arc::new(body);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(AtomicUsize::new(0));
        let with_token = Arc::new(AtomicUsize::new(0));
        let (stop2, conns, tokens) = (stop.clone(), connections.clone(), with_token.clone());
        let thread = std::thread::spawn(move || {
            while !stop2.load(Ordering::Relaxed) {
                let Ok((s, _)) = listener.accept() else {
                    std::thread::sleep(std::time::Duration::from_millis(2));
                    continue;
                };
                conns.fetch_add(1, Ordering::Relaxed);
                let (tokens, body) = (tokens.clone(), body.clone());
                std::thread::spawn(move || serve_keep_alive(s, &tokens, &body));
            }
        });
        KeepAliveServer {
            url,
            connections,
            with_token,
            stop,
            thread: Some(thread),
        }
    }
}

/// Answers requests (no bodies) on `s` until the client closes it.
fn serve_keep_alive(mut s: std::net::TcpStream, with_token: &AtomicUsize, body: &[u8]) {
    s.set_nonblocking(false).unwrap();
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

impl Drop for KeepAliveServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
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
