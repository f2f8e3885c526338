//! The loopback listener of the browser login: 127.0.0.1 on a free port,
//! bound before the browser is sent anywhere, and a path no other process
//! can guess (192 bits from the OS's random source). A request for that
//! path that carries a login token is a [`Callback`]: the login tries the
//! token with the server and gives its verdict, which decides the page the
//! browser gets; once one was accepted, the listener is [closed](Listener::close).
//! Anything else that reaches the listener is answered 404 and ignored.
//! The pages hold no secret.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use percent_encoding::percent_decode_str;
use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind, Result};
use crate::http::cancel::{CHECK_EVERY, Cancel};
use crate::token::Token;

/// Random bytes in the path (hex-encoded: 48 characters).
const SECRET_BYTES: usize = 24;
/// The longest request head read from a connection.
const MAX_HEAD: usize = 16 * 1024;
/// How long one connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The query keys middle_auth puts the login token under, in the order read.
const TOKEN_KEYS: [&str; 2] = ["middle_auth_token", "token"];

/// The page the browser lands on: no secret, and where the login went.
const DONE_PAGE: &str = "<!doctype html>\n<meta charset=\"utf-8\">\n<title>Logged in</title>\n\
<h1>Logged in</h1>\n<p>The program that asked for this login has it and is finishing in its \
window or terminal. You can close this page.</p>\n";
const REFUSED_PAGE: &str = "<!doctype html>\n<meta charset=\"utf-8\">\n<title>Login refused</title>\n\
<h1>Login refused</h1>\n<p>The server did not accept this login. The program that asked for it says \
why.</p>\n";
/// How long a connection waits for the login's verdict on its token.
const VERDICT_WAIT: Duration = Duration::from_secs(120);
const NO_TOKEN_PAGE: &str = "<!doctype html>\n<meta charset=\"utf-8\">\n<title>Login incomplete</title>\n\
<h1>Login incomplete</h1>\n<p>This address holds no login token. Start the login again.</p>\n";

/// A login token that reached the unguessable path, and where to say
/// whether the server accepted it.
pub struct Callback {
    pub token: Token,
    verdict: Sender<bool>,
}

impl Callback {
    /// Tells the browser's connection whether the login succeeded.
    pub fn verdict(&self, accepted: bool) {
        let _ = self.verdict.send(accepted);
    }
}

/// A loopback listener waiting for the login's redirect. Connections are
/// answered from the moment it is bound, by a thread of its own (each on a
/// thread of its own, so one that sends nothing holds up no other); the
/// callbacks wait in a channel for [`Listener::next`].
pub struct Listener {
    port: u16,
    /// The unguessable path, `/` and hex.
    path: String,
    /// Set once a login token was accepted: every request is then 404.
    closed: Arc<AtomicBool>,
    /// Set on drop: the accepting thread ends.
    shutdown: Arc<AtomicBool>,
    callbacks: std::sync::Mutex<Receiver<Callback>>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.shutdown.store(true, Ordering::SeqCst);
        // Wakes the accepting thread, which then sees the flag.
        let _ = TcpStream::connect((Ipv4Addr::LOCALHOST, self.port));
    }
}

impl Listener {
    /// Listens on 127.0.0.1 (a free port) under a fresh random path.
    pub fn bind() -> Result<Listener> {
        let mut bytes = Zeroizing::new([0u8; SECRET_BYTES]);
        getrandom::getrandom(&mut bytes[..]).map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("no random bytes from the operating system for the login address: {e}"),
            )
        })?;
        let path = format!("/{}", hex(&bytes[..]));
        let tcp = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .map_err(|e| listen_error(&e))?;
        let port = tcp.local_addr().map_err(|e| listen_error(&e))?.port();
        let (sender, callbacks) = mpsc::channel();
        let listener = Listener {
            port,
            path,
            closed: Arc::new(AtomicBool::new(false)),
            shutdown: Arc::new(AtomicBool::new(false)),
            callbacks: std::sync::Mutex::new(callbacks),
        };
        let (path, closed, shutdown) = (
            listener.path.clone(),
            Arc::clone(&listener.closed),
            Arc::clone(&listener.shutdown),
        );
        std::thread::Builder::new()
            .name("fwclient-login".into())
            .spawn(move || accept_all(&tcp, &path, &closed, &shutdown, &sender))
            .map_err(|e| listen_error(&e))?;
        Ok(listener)
    }

    /// The address the login server sends the browser back to.
    pub fn redirect_url(&self) -> String {
        format!("http://127.0.0.1:{}{}", self.port, self.path)
    }

    /// From now on, every request is answered 404.
    pub fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
    }

    /// Waits for the next callback until `deadline` (`None`: it passed) or
    /// until `cancel` is raised (`ErrorKind::Canceled`).
    pub fn next(&self, deadline: Instant, cancel: Option<&Cancel>) -> Result<Option<Callback>> {
        let callbacks = self.callbacks.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if cancel.is_some_and(Cancel::is_triggered) {
                return Err(Error::new(
                    ErrorKind::Canceled,
                    "the wait for the browser login was canceled",
                ));
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            match callbacks.recv_timeout(CHECK_EVERY.min(deadline - now)) {
                Ok(callback) => return Ok(Some(callback)),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Ok(None),
            }
        }
    }

    /// The login token in `address`, the address the browser ended on
    /// (pasted by a user whose browser runs elsewhere): it must be this
    /// listener's, with its unguessable path. Never quoted in an error.
    pub fn token_from_address(&self, address: &str) -> Result<Token> {
        let address = address.trim();
        let rest = address
            .strip_prefix("http://")
            .or_else(|| address.strip_prefix("https://"))
            .unwrap_or(address);
        let target = rest.find('/').map_or("", |i| &rest[i..]);
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        if !same(path.as_bytes(), self.path.as_bytes()) {
            return Err(Error::invalid_argument(
                "that is not the address of this login (its path differs); paste the whole \
                 address the browser ended on",
            ));
        }
        let token = token_in_query(query)
            .ok_or_else(|| Error::invalid_argument("that address holds no login token"))?;
        if self.closed.load(Ordering::SeqCst) {
            return Err(Error::invalid_argument("this login is already complete"));
        }
        Ok(token)
    }
}

/// Accepts connections until `shutdown`, each answered on a thread of its own.
fn accept_all(
    tcp: &TcpListener,
    path: &str,
    closed: &Arc<AtomicBool>,
    shutdown: &AtomicBool,
    sender: &Sender<Callback>,
) {
    for stream in tcp.incoming() {
        if shutdown.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        let (path, closed, sender) = (path.to_owned(), Arc::clone(closed), sender.clone());
        std::thread::spawn(move || {
            let _ = answer(stream, &path, &closed, &sender);
        });
    }
}

/// Reads one request and answers it: a request for `path` with a token is
/// handed to the waiting login and answered after its verdict; one without
/// a token is 400; anything else (or anything once closed) is 404.
fn answer(
    mut stream: TcpStream,
    path: &str,
    closed: &AtomicBool,
    sender: &Sender<Callback>,
) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    stream.set_write_timeout(Some(READ_TIMEOUT))?;
    let head = read_head(&mut stream)?;
    let line = head
        .split(|&b| b == b'\r' || b == b'\n')
        .next()
        .unwrap_or(&[]);
    let line = std::str::from_utf8(line).unwrap_or("");
    let mut words = line.split(' ');
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let (req_path, query) = target.split_once('?').unwrap_or((target, ""));
    let ours = method == "GET"
        && same(req_path.as_bytes(), path.as_bytes())
        && !closed.load(Ordering::SeqCst);
    let (status, page) = match ours.then(|| token_in_query(query)) {
        None => ("404 Not Found", "Not Found\n"),
        Some(None) => ("400 Bad Request", NO_TOKEN_PAGE),
        Some(Some(token)) => {
            let (verdict, answer) = mpsc::channel();
            let _ = sender.send(Callback { token, verdict });
            match answer.recv_timeout(VERDICT_WAIT) {
                Ok(true) => ("200 OK", DONE_PAGE),
                _ => ("400 Bad Request", REFUSED_PAGE),
            }
        }
    };
    let kind = if page.starts_with('<') {
        "text/html; charset=utf-8"
    } else {
        "text/plain; charset=utf-8"
    };
    let reply = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n{page}",
        page.len()
    );
    stream.write_all(reply.as_bytes())?;
    stream.flush()
}

/// The request head (up to the blank line, at most MAX_HEAD bytes), in
/// memory zeroed on drop: its first line holds the login token.
fn read_head(stream: &mut TcpStream) -> std::io::Result<Zeroizing<Vec<u8>>> {
    let mut head = Zeroizing::new(Vec::with_capacity(1024));
    let mut buf = Zeroizing::new([0u8; 1024]);
    while head.len() < MAX_HEAD && !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf[..])?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    Ok(head)
}

/// The usable login token of a query (`middle_auth_token`, else `token`).
fn token_in_query(query: &str) -> Option<Token> {
    TOKEN_KEYS.iter().find_map(|key| {
        query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            if k != *key {
                return None;
            }
            let value = Zeroizing::new(percent_decode_str(v).decode_utf8().ok()?.into_owned());
            Token::new(&value).ok()
        })
    })
}

/// Equality in time that does not depend on where the inputs differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn listen_error(e: &std::io::Error) -> Error {
    Error::new(
        ErrorKind::Io,
        format!("cannot listen on 127.0.0.1 for the browser login: {e}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_random_and_long() {
        let (a, b) = (Listener::bind().unwrap(), Listener::bind().unwrap());
        assert_ne!(a.path, b.path);
        assert_eq!(a.path.len(), 1 + 2 * SECRET_BYTES);
        assert!(a.redirect_url().starts_with("http://127.0.0.1:"));
    }

    #[test]
    fn tokens_in_queries() {
        let t = token_in_query("a=1&middle_auth_token=abc%5Fd&token=zzz").unwrap();
        assert_eq!(t.expose(), "abc_d");
        assert_eq!(token_in_query("token=zzz").unwrap().expose(), "zzz");
        assert!(token_in_query("middle_auth_token=").is_none());
        assert!(token_in_query("x=1").is_none());
    }

    #[test]
    fn pasted_addresses_must_be_this_login() {
        let l = Listener::bind().unwrap();
        let good = format!("{}?middle_auth_token=tok1&token=tok1", l.redirect_url());
        let e = l
            .token_from_address("http://127.0.0.1:1/x?middle_auth_token=evil")
            .unwrap_err();
        assert!(!e.message().contains("evil"));
        let no_token = l.redirect_url();
        assert!(l.token_from_address(&no_token).is_err());
        assert_eq!(
            l.token_from_address(&format!(" {good}\n"))
                .unwrap()
                .expose(),
            "tok1"
        );
        l.close();
        assert!(l.token_from_address(&good).is_err(), "not once closed");
    }
}
