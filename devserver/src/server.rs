//! Listening on 127.0.0.1, one thread per request, turning tiny_http
//! requests into [`Req`] and [`Reply`] back into bytes, and the request log.

use crate::http::{Body, Reply, Req, ascii_safe, decode_path};
use crate::routes;
use crate::store::Store;
use crate::tls::ServerPem;
use std::io::{Cursor, Read, Write};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tiny_http::{Header, Response, Server, SslConfig, StatusCode};

/// Largest request body read (bigger bodies are cut; `/echo` reports the read length).
const MAX_BODY: u64 = 64 << 20;

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
    pub log: bool,
}

impl Ctx {
    /// `<STICKY_AUTH_URL>` with its scheme: `<main base>/sticky_auth`.
    pub fn sticky(&self) -> String {
        format!("{}/sticky_auth", self.main_base)
    }
}

/// Listens on 127.0.0.1:`port` (0 = any free port), with TLS when given.
pub fn bind(port: u16, tls: Option<&ServerPem>) -> Result<(Server, u16), String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let server = match tls {
        None => Server::http(addr),
        Some(pem) => Server::https(
            addr,
            SslConfig {
                certificate: pem.cert_chain.clone().into_bytes(),
                private_key: pem.key.clone().into_bytes(),
            },
        ),
    }
    .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let port = server
        .server_addr()
        .to_ip()
        .map(|a| a.port())
        .ok_or("listener has no IP address")?;
    Ok((server, port))
}

/// Serves forever: every request gets its own thread.
pub fn run(server: Server, ctx: Ctx) {
    let ctx = Arc::new(ctx);
    for rq in server.incoming_requests() {
        let ctx = Arc::clone(&ctx);
        std::thread::spawn(move || serve_one(rq, &ctx));
    }
}

fn serve_one(mut rq: tiny_http::Request, ctx: &Ctx) {
    let (path, query) = match rq.url().split_once('?') {
        Some((p, q)) => (p.to_owned(), Some(q.to_owned())),
        None => (rq.url().to_owned(), None),
    };
    let headers = rq
        .headers()
        .iter()
        .map(|h| (h.field.as_str().to_string(), h.value.as_str().to_owned()))
        .collect();
    let mut body = Vec::new();
    let _ = rq.as_reader().take(MAX_BODY).read_to_end(&mut body);
    let req = Req {
        method: rq.method().as_str().to_owned(),
        path,
        query,
        headers,
        body,
    };
    let reply = routes::handle(&req, ctx);
    if ctx.log {
        log(ctx, &req, reply.status);
    }
    send(rq, reply);
}

fn send(rq: tiny_http::Request, reply: Reply) {
    let status = StatusCode(reply.status);
    let headers: Vec<Header> = reply
        .headers
        .iter()
        .filter_map(|(k, v)| Header::from_bytes(k.as_bytes(), v.as_bytes()).ok())
        .collect();
    let _ = match reply.body {
        Body::Bytes(b) => {
            let len = b.len();
            rq.respond(Response::new(
                status,
                headers,
                Cursor::new(b),
                Some(len),
                None,
            ))
        }
        Body::Repeat(n) => {
            let data = std::io::repeat(b'a').take(n);
            let response = Response::new(status, headers, data, usize::try_from(n).ok(), None);
            rq.respond(response.with_chunked_threshold(usize::MAX))
        }
        Body::Stalled { head, tail, ms } => {
            let mut w = rq.into_writer();
            let mut text = format!(
                "HTTP/1.1 {} {}\r\nContent-Length: {}\r\n",
                status.0,
                status.default_reason_phrase(),
                head.len() + tail.len()
            );
            for h in &headers {
                text.push_str(&format!("{}: {}\r\n", h.field, h.value));
            }
            text.push_str("\r\n");
            (|| {
                w.write_all(text.as_bytes())?;
                w.write_all(&head)?;
                w.flush()?;
                std::thread::sleep(Duration::from_millis(ms));
                w.write_all(&tail)?;
                w.flush()
            })()
        }
    };
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
