//! Listening on 127.0.0.1 and the connection layer: one thread per
//! accepted connection, HTTP/1.1 keep-alive (plain or TLS through rustls),
//! requests turned into [`Req`] and [`Reply`] back into bytes (see
//! [`wire`]), and the request log.

mod wire;

use crate::http::{Req, ascii_safe, decode_path};
use crate::routes;
use crate::store::Store;
use crate::tls::ServerCert;
use rustls::{ServerConfig, ServerConnection, StreamOwned};
use std::io::{BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

/// A connection with no request for this long is closed (ureq drops idle
/// pooled connections after 15 s, so a client never reuses a closed one).
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// A client that stops reading an answer for this long is dropped.
const WRITE_TIMEOUT: Duration = Duration::from_secs(60);
/// After the last answer: how long, and how many bytes, unread input is
/// drained before the socket closes, so the answer is not lost to a reset.
const LINGER: Duration = Duration::from_millis(500);
const LINGER_BYTES: usize = 1 << 20;

/// One origin (port) of the server.
pub struct Ctx {
    /// This origin's base URL, e.g. `http://127.0.0.1:8080`.
    pub base: String,
    /// The other origin's base URL.
    pub other: String,
    /// The main origin's base URL (the auth server for both origins).
    pub main_base: String,
    /// `main` or `other`, shown in the log.
    pub label: &'static str,
    pub store: Arc<Store>,
    /// The browser login's settings and sessions (shared by both origins).
    pub login: Arc<crate::loginflow::LoginFlow>,
    pub log: bool,
}

impl Ctx {
    /// `<STICKY_AUTH_URL>` with its scheme: `<main base>/sticky_auth`.
    pub fn sticky(&self) -> String {
        format!("{}/sticky_auth", self.main_base)
    }
}

/// A bound listening socket, with its TLS configuration when serving HTTPS.
pub struct Listener {
    tcp: TcpListener,
    tls: Option<Arc<ServerConfig>>,
}

/// Listens on 127.0.0.1:`port` (0 = any free port), with TLS when given.
pub fn bind(port: u16, tls: Option<&ServerCert>) -> Result<(Listener, u16), String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let tls = tls.map(ServerCert::server_config).transpose()?;
    let tcp = TcpListener::bind(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let port = tcp
        .local_addr()
        .map_err(|e| format!("listener has no address: {e}"))?
        .port();
    Ok((Listener { tcp, tls }, port))
}

/// Serves forever: every accepted connection gets its own thread, which
/// answers its requests one after the other until the connection ends.
pub fn run(listener: Listener, ctx: Ctx) {
    let ctx = Arc::new(ctx);
    loop {
        let stream = match listener.tcp.accept() {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of descriptors or the like: let connections finish.
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
        };
        ctx.store
            .connections
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let ctx = Arc::clone(&ctx);
        let tls = listener.tls.clone();
        // If no thread can be made, the stream is dropped (closed).
        let _ = std::thread::Builder::new()
            .name(format!("conn-{}", ctx.label))
            .spawn(move || connection(stream, tls, &ctx));
    }
}

fn connection(tcp: TcpStream, tls: Option<Arc<ServerConfig>>, ctx: &Ctx) {
    let setup = tcp
        .set_nodelay(true)
        .and_then(|()| tcp.set_read_timeout(Some(IDLE_TIMEOUT)))
        .and_then(|()| tcp.set_write_timeout(Some(WRITE_TIMEOUT)));
    if setup.is_err() {
        return;
    }
    match tls {
        None => {
            let mut tcp = tcp;
            serve(&mut tcp, ctx);
            linger(&mut tcp);
        }
        Some(config) => {
            let Ok(conn) = ServerConnection::new(config) else {
                return;
            };
            let mut stream = StreamOwned::new(conn, tcp);
            serve(&mut stream, ctx);
            stream.conn.send_close_notify();
            let _ = stream.flush();
            linger(&mut stream.sock);
        }
    }
}

/// Half-closes, then reads what the client still sends (briefly) so that
/// closing does not reset the connection before the client read the answer.
fn linger(tcp: &mut TcpStream) {
    let _ = tcp.shutdown(Shutdown::Write);
    let _ = tcp.set_read_timeout(Some(LINGER));
    let mut buf = [0u8; 8192];
    let mut total = 0;
    while total < LINGER_BYTES {
        match tcp.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => total += n,
        }
    }
}

/// The keep-alive loop over one connection (plain or TLS): read a request,
/// answer it, until the client closes, asks to close (`Connection: close`,
/// HTTP/1.0 without keep-alive), stays idle past [`IDLE_TIMEOUT`], or sends
/// something unreadable (answered with a 4xx/5xx, then closed).
fn serve<S: Read + Write>(stream: &mut S, ctx: &Ctx) {
    let mut conn = BufReader::with_capacity(16 << 10, stream);
    loop {
        let (req, minor, keep_alive) = match read_request(&mut conn) {
            Ok(read) => read,
            Err(wire::Fail::Closed) => return,
            Err(wire::Fail::Status(status)) => {
                let _ = wire::write_error(conn.get_mut(), status);
                return;
            }
        };
        let reply = routes::handle(&req, ctx);
        if ctx.log {
            log(ctx, &req, reply.status);
        }
        let connection = match (keep_alive, minor) {
            (false, _) => Some("close"),
            (true, 0) => Some("keep-alive"),
            (true, _) => None,
        };
        let head_only = req.method == "HEAD";
        let sent = wire::write_reply(conn.get_mut(), reply, head_only, connection);
        if sent.is_err() || !keep_alive {
            return;
        }
    }
}

/// One request with its body, its HTTP/1.x minor version, and whether the
/// connection stays open after the answer.
fn read_request<S: Read + Write>(conn: &mut BufReader<S>) -> Result<(Req, u8, bool), wire::Fail> {
    let head = wire::read_head(conn)?;
    let framing = wire::framing(&head)?;
    wire::expect_continue(&head, &framing, conn.get_mut())?;
    let body = wire::read_body(conn, &framing)?;
    let keep_alive = head.keep_alive();
    let (path, query) = match head.target.split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (head.target.clone(), None),
    };
    let req = Req {
        method: head.method,
        path,
        query,
        headers: head.headers,
        body,
    };
    Ok((req, head.minor, keep_alive))
}

/// `fw-devserver[main] GET /path 200`. Never the query string, headers or
/// body; a path segment that is (or was) a token here, or the token of the
/// `/user/token/<token>/ttl` route, shows as `<redacted>`.
fn log(ctx: &Ctx, req: &Req, status: u16) {
    let segs: Vec<&str> = req.path.split('/').collect();
    let shown: Vec<String> = segs
        .iter()
        .enumerate()
        .map(|(i, seg)| {
            let decoded = decode_path(seg);
            let ttl_token = i > 0 && segs[i - 1] == "token" && segs.get(i + 1) == Some(&"ttl");
            if ttl_token || ctx.store.is_known_token(&decoded) {
                "<redacted>".to_owned()
            } else {
                ascii_safe(seg)
            }
        })
        .collect();
    let line = format!(
        "fw-devserver[{}] {} {} {status}\n",
        ctx.label,
        ascii_safe(&req.method),
        shown.join("/")
    );
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}
