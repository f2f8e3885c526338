//! HTTP/1.x on the wire: reading a request head and body from a buffered
//! stream, and writing a [`Reply`]. No I/O policy here (threads, timeouts,
//! keep-alive decisions live in `server.rs`).

use crate::http::{Body, Reply, http_date};
use std::io::{self, BufRead, Read, Write};
use std::time::SystemTime;

/// Largest request head (request line and headers), and the largest block
/// of chunked-body trailers.
pub const MAX_HEAD: usize = 64 << 10;
/// Largest request body kept (the rest is read and dropped, so `/echo`
/// reports the kept length and the connection stays usable).
pub const MAX_BODY: u64 = 64 << 20;
/// Longest chunk-size line of a chunked body.
const MAX_CHUNK_LINE: usize = 4 << 10;
/// Empty lines tolerated before a request line (RFC 9112 §2.2).
const MAX_BLANK_LINES: usize = 8;

/// Why no request could be read.
#[derive(Debug, PartialEq)]
pub enum Fail {
    /// The peer closed, went idle past the read timeout, or broke off:
    /// close without answering.
    Closed,
    /// Answer with this status, then close.
    Status(u16),
}

/// A parsed request head.
#[derive(Debug)]
pub struct Head {
    pub method: String,
    /// Request target as received (path and query).
    pub target: String,
    /// Minor version of HTTP/1.x (0 or 1; a higher minor counts as 1).
    pub minor: u8,
    /// Header names as received, values without surrounding whitespace.
    pub headers: Vec<(String, String)>,
}

impl Head {
    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether a comma-separated header (all its lines) lists `token`.
    fn lists(&self, name: &str, token: &str) -> bool {
        self.values(name)
            .flat_map(|v| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    }

    /// HTTP/1.1 keeps the connection unless `Connection: close`; HTTP/1.0
    /// closes unless `Connection: keep-alive`.
    pub fn keep_alive(&self) -> bool {
        if self.lists("connection", "close") {
            false
        } else {
            self.minor >= 1 || self.lists("connection", "keep-alive")
        }
    }
}

/// How the request body is delimited.
#[derive(Debug, PartialEq)]
pub enum Framing {
    Empty,
    Length(u64),
    Chunked,
}

enum LineError {
    TooLong,
    /// End of stream inside a line.
    Eof,
    Io(io::Error),
}

/// Reads one line ending in LF (CRLF or a bare LF), without its line end.
/// `budget` shrinks by the bytes read; a line past it is `TooLong`.
/// `Ok(None)` is a clean end of stream before any byte.
fn read_line<R: BufRead>(r: &mut R, budget: &mut usize) -> Result<Option<Vec<u8>>, LineError> {
    let mut line = Vec::new();
    loop {
        let buf = match r.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(LineError::Io(e)),
        };
        if buf.is_empty() {
            return if line.is_empty() {
                Ok(None)
            } else {
                Err(LineError::Eof)
            };
        }
        let (take, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        if take > *budget {
            return Err(LineError::TooLong);
        }
        *budget -= take;
        line.extend_from_slice(&buf[..take]);
        r.consume(take);
        if done {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Ok(Some(line));
        }
    }
}

pub fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// `tchar` of RFC 9110 (method and header-name characters).
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}

/// Reads a request line and headers. Waiting for the first byte is not an
/// error: end of stream or a timeout there is [`Fail::Closed`].
pub fn read_head<R: BufRead>(r: &mut R) -> Result<Head, Fail> {
    let mut budget = MAX_HEAD;
    let mut blank = 0;
    let line = loop {
        match read_line(r, &mut budget) {
            Ok(None) | Err(LineError::Eof) => return Err(Fail::Closed),
            Ok(Some(l)) if l.is_empty() && blank < MAX_BLANK_LINES => blank += 1,
            Ok(Some(l)) => break l,
            Err(LineError::TooLong) => return Err(Fail::Status(414)),
            // A timeout in the middle of a request (not while idle) is a 408.
            Err(LineError::Io(e)) if is_timeout(&e) && budget < MAX_HEAD => {
                return Err(Fail::Status(408));
            }
            Err(LineError::Io(_)) => return Err(Fail::Closed),
        }
    };
    let (method, target, minor) = parse_request_line(&line)?;
    let mut headers = Vec::new();
    loop {
        let line = match read_line(r, &mut budget) {
            Ok(Some(l)) => l,
            Ok(None) | Err(LineError::Eof) => return Err(Fail::Closed),
            Err(LineError::TooLong) => return Err(Fail::Status(431)),
            Err(LineError::Io(e)) if is_timeout(&e) => return Err(Fail::Status(408)),
            Err(LineError::Io(_)) => return Err(Fail::Closed),
        };
        if line.is_empty() {
            break;
        }
        headers.push(parse_header(&line)?);
    }
    Ok(Head {
        method,
        target,
        minor,
        headers,
    })
}

/// `METHOD SP target SP HTTP/1.x` (runs of spaces or tabs accepted).
fn parse_request_line(line: &[u8]) -> Result<(String, String, u8), Fail> {
    let bad = Fail::Status(400);
    let mut parts = line
        .split(|&b| b == b' ' || b == b'\t')
        .filter(|p| !p.is_empty());
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad);
    };
    if !is_token(method) || !target.iter().all(|&b| (0x21..0x7f).contains(&b)) {
        return Err(bad);
    }
    let minor = match version.strip_prefix(b"HTTP/") {
        Some([major, b'.', minor]) if major.is_ascii_digit() && minor.is_ascii_digit() => {
            if *major != b'1' {
                return Err(Fail::Status(505));
            }
            (minor - b'0').min(1)
        }
        _ => return Err(bad),
    };
    // Both parts are ASCII: checked above.
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    Ok((text(method), text(target), minor))
}

/// `name: value`; no whitespace before the colon, no line folding, no
/// control characters in the value. A value that is not UTF-8 is kept
/// with replacement characters.
fn parse_header(line: &[u8]) -> Result<(String, String), Fail> {
    let bad = Fail::Status(400);
    let colon = line
        .iter()
        .position(|&b| b == b':')
        .ok_or(Fail::Status(400))?;
    let (name, value) = (&line[..colon], &line[colon + 1..]);
    if !is_token(name) {
        return Err(bad);
    }
    let value = value.trim_ascii();
    if value.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err(bad);
    }
    Ok((
        String::from_utf8_lossy(name).into_owned(),
        String::from_utf8_lossy(value).into_owned(),
    ))
}

/// The body framing from `Transfer-Encoding` / `Content-Length`
/// (RFC 9112 §6.3); both at once, or anything unparsable, is a 400.
pub fn framing(head: &Head) -> Result<Framing, Fail> {
    let bad = Fail::Status(400);
    let codings: Vec<String> = head
        .values("transfer-encoding")
        .flat_map(|v| v.split(','))
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    let lengths: Vec<&str> = head
        .values("content-length")
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    if !codings.is_empty() {
        return match codings.as_slice() {
            _ if !lengths.is_empty() => Err(bad),
            [only] if only == "chunked" => Ok(Framing::Chunked),
            // Another coding we cannot undo.
            [.., last] if last == "chunked" => Err(Fail::Status(501)),
            _ => Err(bad),
        };
    }
    let Some(first) = lengths.first() else {
        return Ok(Framing::Empty);
    };
    let valid = |v: &str| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
    if !lengths.iter().all(|v| valid(v) && v == first) {
        return Err(bad);
    }
    match first.parse() {
        Ok(0) => Ok(Framing::Empty),
        Ok(n) => Ok(Framing::Length(n)),
        Err(_) => Err(bad),
    }
}

/// `Expect: 100-continue` on an HTTP/1.1 request with a body: sends the
/// interim `100 Continue`. Any other expectation is a 417. HTTP/1.0
/// expectations are ignored (RFC 9110 §10.1.1).
pub fn expect_continue<W: Write>(head: &Head, framing: &Framing, w: &mut W) -> Result<(), Fail> {
    let Some(expect) = head.values("expect").next() else {
        return Ok(());
    };
    if head.minor == 0 {
        return Ok(());
    }
    if !expect.eq_ignore_ascii_case("100-continue") {
        return Err(Fail::Status(417));
    }
    if *framing != Framing::Empty {
        w.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
            .and_then(|()| w.flush())
            .map_err(|_| Fail::Closed)?;
    }
    Ok(())
}

/// Reads the body; keeps at most [`MAX_BODY`] bytes and drops the rest.
pub fn read_body<R: BufRead>(r: &mut R, framing: &Framing) -> Result<Vec<u8>, Fail> {
    let mut body = Vec::new();
    match *framing {
        Framing::Empty => {}
        Framing::Length(n) => copy_exact(r, n, &mut body)?,
        Framing::Chunked => loop {
            let mut budget = MAX_CHUNK_LINE;
            let line = match read_line(r, &mut budget) {
                Ok(Some(l)) => l,
                Err(LineError::TooLong) => return Err(Fail::Status(400)),
                _ => return Err(Fail::Closed),
            };
            let size = line.split(|&b| b == b';').next().unwrap_or_default();
            let size = size.trim_ascii();
            if size.is_empty() || size.len() > 15 || !size.iter().all(u8::is_ascii_hexdigit) {
                return Err(Fail::Status(400));
            }
            // At most 15 hex digits: fits.
            let size = u64::from_str_radix(std::str::from_utf8(size).unwrap_or("0"), 16)
                .map_err(|_| Fail::Status(400))?;
            if size == 0 {
                skip_trailers(r)?;
                break;
            }
            copy_exact(r, size, &mut body)?;
            let mut budget = 2;
            match read_line(r, &mut budget) {
                Ok(Some(l)) if l.is_empty() => {}
                Ok(Some(_)) | Err(LineError::TooLong) => return Err(Fail::Status(400)),
                _ => return Err(Fail::Closed),
            }
        },
    }
    Ok(body)
}

/// Reads exactly `n` bytes, appending to `body` up to [`MAX_BODY`] in all.
fn copy_exact<R: BufRead>(r: &mut R, n: u64, body: &mut Vec<u8>) -> Result<(), Fail> {
    let room = MAX_BODY.saturating_sub(body.len() as u64);
    let keep = n.min(room);
    let got = r
        .by_ref()
        .take(keep)
        .read_to_end(body)
        .map_err(|_| Fail::Closed)?;
    if (got as u64) < keep {
        return Err(Fail::Closed);
    }
    let rest = n - keep;
    if rest > 0 {
        let dropped = io::copy(&mut r.by_ref().take(rest), &mut io::sink());
        if dropped.map_err(|_| Fail::Closed)? < rest {
            return Err(Fail::Closed);
        }
    }
    Ok(())
}

/// Trailer fields after the last chunk: read and ignored.
fn skip_trailers<R: BufRead>(r: &mut R) -> Result<(), Fail> {
    let mut budget = MAX_HEAD;
    loop {
        match read_line(r, &mut budget) {
            Ok(Some(l)) if l.is_empty() => return Ok(()),
            Ok(Some(_)) => {}
            Err(LineError::TooLong) => return Err(Fail::Status(431)),
            _ => return Err(Fail::Closed),
        }
    }
}

/// Reason phrase of a status code.
pub fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        101 => "Switching Protocols",
        102 => "Processing",
        103 => "Early Hints",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        207 => "Multi-Status",
        208 => "Already Reported",
        226 => "IM Used",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "I'm a teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Content",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        506 => "Variant Also Negotiates",
        507 => "Insufficient Storage",
        508 => "Loop Detected",
        510 => "Not Extended",
        511 => "Network Authentication Required",
        _ => "Unknown",
    }
}

/// Headers the connection layer writes itself; a reply's own are dropped.
const FRAMING_HEADERS: [&str; 6] = [
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "trailer",
    "upgrade",
];

/// `n` bytes of `a` are written from this block, never buffered whole.
static A_BLOCK: [u8; 64 << 10] = [b'a'; 64 << 10];

/// Writes `reply` (status line, `Date`, the reply's headers, framing) and
/// flushes. `head_only` (HEAD) sends the headers of the full answer without
/// its body; `connection` is the `Connection` header value to send, if any.
pub fn write_reply<W: Write>(
    w: &mut W,
    reply: Reply,
    head_only: bool,
    connection: Option<&str>,
) -> io::Result<()> {
    let status = reply.status;
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    out.push_str(&format!("Date: {}\r\n", http_date(SystemTime::now())));
    for (name, value) in &reply.headers {
        let valid_value = value
            .bytes()
            .all(|b| b == b'\t' || (0x20..0x7f).contains(&b));
        let framing = FRAMING_HEADERS.iter().any(|h| name.eq_ignore_ascii_case(h));
        if is_token(name.as_bytes()) && valid_value && !framing {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    let len = match &reply.body {
        Body::Bytes(b) => b.len() as u64,
        Body::Repeat(n) => *n,
        Body::Stalled { head, tail, .. } => (head.len() + tail.len()) as u64,
    };
    // 1xx, 204 and 304 never have a body (RFC 9110 §6.4.1).
    let no_body = matches!(status, 100..=199 | 204 | 304);
    if !no_body {
        out.push_str(&format!("Content-Length: {len}\r\n"));
    }
    if let Some(value) = connection {
        out.push_str(&format!("Connection: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    if head_only || no_body {
        w.write_all(&out)?;
        return w.flush();
    }
    match reply.body {
        Body::Bytes(b) => {
            // One write for head and body.
            out.extend_from_slice(&b);
            w.write_all(&out)?;
        }
        Body::Repeat(mut n) => {
            w.write_all(&out)?;
            while n > 0 {
                let k = n.min(A_BLOCK.len() as u64) as usize;
                w.write_all(&A_BLOCK[..k])?;
                n -= k as u64;
            }
        }
        Body::Stalled { head, tail, ms } => {
            out.extend_from_slice(&head);
            w.write_all(&out)?;
            w.flush()?;
            std::thread::sleep(std::time::Duration::from_millis(ms));
            w.write_all(&tail)?;
        }
    }
    w.flush()
}

/// The answer to a request that could not be read: a short text body and
/// `Connection: close`.
pub fn write_error<W: Write>(w: &mut W, status: u16) -> io::Result<()> {
    let reply = Reply::text(status, &format!("{status} {}\n", reason(status)));
    write_reply(w, reply, false, Some("close"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn head(raw: &str) -> Result<Head, Fail> {
        read_head(&mut Cursor::new(raw.as_bytes().to_vec()))
    }

    fn body(raw: &str) -> Result<(Vec<u8>, Vec<u8>), Fail> {
        let mut r = Cursor::new(raw.as_bytes().to_vec());
        let h = read_head(&mut r)?;
        let b = read_body(&mut r, &framing(&h)?)?;
        let mut rest = Vec::new();
        r.read_to_end(&mut rest).unwrap();
        Ok((b, rest))
    }

    #[test]
    fn parses_request_line_and_headers() {
        let h = head("\r\nGET /a?b=1 HTTP/1.1\r\nHost: x\r\nX-Empty:\r\nCookie:  a=b \r\n\r\n")
            .unwrap();
        assert_eq!(
            (h.method.as_str(), h.target.as_str(), h.minor),
            ("GET", "/a?b=1", 1)
        );
        assert_eq!(
            h.headers,
            [("Host", "x"), ("X-Empty", ""), ("Cookie", "a=b")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert!(h.keep_alive());
        let h = head("GET / HTTP/1.0\nConnection: Keep-Alive\n\n").unwrap();
        assert_eq!(h.minor, 0);
        assert!(h.keep_alive());
        assert!(!head("GET / HTTP/1.0\r\n\r\n").unwrap().keep_alive());
        assert!(
            !head("GET / HTTP/1.1\r\nConnection: x, close\r\n\r\n")
                .unwrap()
                .keep_alive()
        );
    }

    #[test]
    fn rejects_malformed_heads() {
        for raw in [
            "GET /\r\n\r\n",
            "GET / HTTP/1.1 x\r\n\r\n",
            "G(T / HTTP/1.1\r\n\r\n",
            "GET / FTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
            "GET / HTTP/1.1\r\nName : x\r\n\r\n",
            "GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",
            "GET / HTTP/1.1\r\nA: b\x00c\r\n\r\n",
        ] {
            assert_eq!(head(raw).unwrap_err(), Fail::Status(400), "{raw:?}");
        }
        assert_eq!(
            head("GET / HTTP/2.0\r\n\r\n").unwrap_err(),
            Fail::Status(505)
        );
        assert_eq!(head("").unwrap_err(), Fail::Closed);
        assert_eq!(head("GET / HTTP/1.1\r\nHost").unwrap_err(), Fail::Closed);
        let big = format!("GET / HTTP/1.1\r\nA: {}\r\n\r\n", "x".repeat(MAX_HEAD));
        assert_eq!(head(&big).unwrap_err(), Fail::Status(431));
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "x".repeat(MAX_HEAD));
        assert_eq!(head(&long).unwrap_err(), Fail::Status(414));
    }

    #[test]
    fn bodies_by_length_and_chunked() {
        let (b, rest) = body("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET").unwrap();
        assert_eq!((b.as_slice(), rest.as_slice()), (&b"abc"[..], &b"GET"[..]));
        let raw = "POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n\
                   3\r\nabc\r\nA;x=y\r\n0123456789\r\n0\r\nT: 1\r\n\r\nNEXT";
        let (b, rest) = body(raw).unwrap();
        assert_eq!(
            (b.as_slice(), rest.as_slice()),
            (&b"abc0123456789"[..], &b"NEXT"[..])
        );
        let (b, _) = body("POST / HTTP/1.1\r\nContent-Length: 2, 2\r\n\r\nab").unwrap();
        assert_eq!(b, b"ab");
        for raw in [
            "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
            "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
            "POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nx\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n0\r\n\r\n",
        ] {
            assert_eq!(body(raw).unwrap_err(), Fail::Status(400), "{raw:?}");
        }
        let gz = "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n";
        assert_eq!(body(gz).unwrap_err(), Fail::Status(501));
        let short = "POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab";
        assert_eq!(body(short).unwrap_err(), Fail::Closed);
    }

    #[test]
    fn expect_continue_only_when_a_body_follows() {
        let h =
            head("POST / HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n").unwrap();
        let mut out = Vec::new();
        expect_continue(&h, &framing(&h).unwrap(), &mut out).unwrap();
        assert_eq!(out, b"HTTP/1.1 100 Continue\r\n\r\n");
        let mut out = Vec::new();
        expect_continue(&h, &Framing::Empty, &mut out).unwrap();
        assert!(out.is_empty());
        let h = head("POST / HTTP/1.1\r\nExpect: other\r\n\r\n").unwrap();
        assert_eq!(
            expect_continue(&h, &Framing::Empty, &mut out),
            Err(Fail::Status(417))
        );
    }

    #[test]
    fn writes_replies() {
        let reply = Reply::json(200, &serde_json::json!({"a": 1}))
            .with_header("X-Ok", "yes")
            .with_header("Content-Length", "999")
            .with_header("X-Bad", "a\r\nInjected: 1");
        let mut out = Vec::new();
        write_reply(&mut out, reply, false, Some("close")).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\nDate: "), "{text}");
        assert!(text.ends_with(
            "\r\nContent-Type: application/json\r\nX-Ok: yes\r\n\
             Content-Length: 8\r\nConnection: close\r\n\r\n{\"a\":1}\n"
        ));
        assert!(
            !text.contains("Injected") && !text.contains("999"),
            "{text}"
        );

        let mut big = Reply::text(200, "");
        big.body = Body::Repeat(200_000);
        let mut out = Vec::new();
        write_reply(&mut out, big, false, None).unwrap();
        let split = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        assert!(String::from_utf8_lossy(&out[..split]).contains("Content-Length: 200000\r\n"));
        assert!(out.len() - split == 200_000 && out[split..].iter().all(|&b| b == b'a'));

        let mut out = Vec::new();
        write_reply(&mut out, Reply::text(200, "body"), true, None).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.ends_with("Content-Length: 4\r\n\r\n"), "{text}");

        let mut out = Vec::new();
        write_reply(&mut out, Reply::text(204, "body"), false, None).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("HTTP/1.1 204 No Content\r\n"), "{text}");
        assert!(text.ends_with("charset=utf-8\r\n\r\n"), "{text}");
    }
}
