//! Shared helpers: a guard that runs the built `fw-devserver` binary and
//! kills it on drop, and a tiny raw HTTP/1.1 client over `TcpStream`.
#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

pub const ADA: &str = "fake_token_123";
pub const GRACE: &str = "admin_fake_token_456";
pub const TOS: &str = "tos_fake_token_789";
pub const EXPIRING: &str = "expiring_fake_token_000";
pub const WRONG: &str = "another_fake_token_678";

/// A running fw-devserver; killed (by PID) and reaped on drop.
pub struct DevServer {
    child: Child,
    pub url: String,
    pub other_url: String,
    log: Arc<Mutex<String>>,
    log_reader: Option<JoinHandle<()>>,
}

impl DevServer {
    pub fn start() -> DevServer {
        DevServer::start_with(&[])
    }

    pub fn start_with(args: &[&str]) -> DevServer {
        let mut child = Command::new(env!("CARGO_BIN_EXE_fw-devserver"))
            .args(["--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn fw-devserver");
        let log = Arc::new(Mutex::new(String::new()));
        let mut stderr = child.stderr.take().unwrap();
        let sink = Arc::clone(&log);
        let log_reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let mut server = DevServer {
            url: String::new(),
            other_url: String::new(),
            log,
            log_reader: Some(log_reader),
            child,
        };
        let mut out = BufReader::new(server.child.stdout.take().unwrap());
        for (prefix, slot) in [
            ("FW_DEVSERVER_URL=", &mut server.url),
            ("FW_DEVSERVER_OTHER_URL=", &mut server.other_url),
        ] {
            let mut line = String::new();
            out.read_line(&mut line).expect("read URL line");
            *slot = line
                .trim_end()
                .strip_prefix(prefix)
                .unwrap_or_else(|| panic!("unexpected line {line:?}"))
                .to_owned();
        }
        server
    }

    /// Kills the server and returns everything it wrote to stderr.
    pub fn stop(mut self) -> String {
        self.kill();
        std::mem::take(&mut *self.log.lock().unwrap())
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(reader) = self.log_reader.take() {
            let _ = reader.join();
        }
    }

    /// GET `path` on the main origin.
    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> Resp {
        fetch("GET", &format!("{}{path}", self.url), headers, b"")
    }

    /// Any request on the main origin.
    pub fn req(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
        fetch(method, &format!("{}{path}", self.url), headers, body)
    }

    /// GET with `Authorization: Bearer <token>`.
    pub fn get_as(&self, token: &str, path: &str) -> Resp {
        self.get(path, &[("Authorization", &format!("Bearer {token}"))])
    }
}

impl Drop for DevServer {
    fn drop(&mut self) {
        self.kill();
    }
}

pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// `http://host:port/path?q` → (`host:port`, `/path?q`).
pub fn split_url(url: &str) -> (String, String) {
    let rest = url.strip_prefix("http://").expect("http URL");
    match rest.find('/') {
        Some(i) => (rest[..i].to_owned(), rest[i..].to_owned()),
        None => (rest.to_owned(), "/".to_owned()),
    }
}

/// One request on a fresh connection.
pub fn fetch(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    let (host, target) = split_url(url);
    let stream = TcpStream::connect(&host).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut conn = BufReader::new(stream);
    send(conn.get_mut(), method, &host, &target, headers, body);
    read_response(&mut conn, method == "HEAD")
}

/// Writes one HTTP/1.1 request (keep-alive).
pub fn send(
    stream: &mut TcpStream,
    method: &str,
    host: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) {
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {host}\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    stream.flush().unwrap();
}

/// Reads one response (Content-Length or chunked body).
pub fn read_response(conn: &mut BufReader<TcpStream>, head_only: bool) -> Resp {
    let mut line = String::new();
    conn.read_line(&mut line).expect("status line");
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {line:?}"));
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        conn.read_line(&mut h).unwrap();
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':').unwrap();
        headers.push((k.trim().to_owned(), v.trim().to_owned()));
    }
    let mut resp = Resp {
        status,
        headers,
        body: Vec::new(),
    };
    if head_only {
        return resp;
    }
    if resp.header("transfer-encoding") == Some("chunked") {
        loop {
            let mut size = String::new();
            conn.read_line(&mut size).unwrap();
            let n = usize::from_str_radix(size.trim(), 16).unwrap();
            let mut chunk = vec![0; n + 2];
            conn.read_exact(&mut chunk).unwrap();
            if n == 0 {
                break;
            }
            resp.body.extend_from_slice(&chunk[..n]);
        }
    } else {
        let len: usize = resp.header("content-length").unwrap().parse().unwrap();
        resp.body = vec![0; len];
        conn.read_exact(&mut resp.body).unwrap();
    }
    resp
}

/// Python's `urllib.parse.quote(s, safe="/")`, for expected Locations.
pub fn quote(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'.' | b'-' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
