//! Plain request/response values and the small HTTP helpers (quoting,
//! query parsing, dates) shared by the route modules.

use serde_json::{Value, json};
use std::time::{SystemTime, UNIX_EPOCH};

/// One received request, with its body read.
pub struct Req {
    pub method: String,
    /// Raw path as received, without the query string.
    pub path: String,
    /// Raw query string (without `?`), if any.
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Req {
    /// First header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Like [`Req::header`] but treats an empty value as absent (Python truthiness).
    pub fn header_set(&self, name: &str) -> Option<&str> {
        self.header(name).filter(|v| !v.is_empty())
    }

    /// All query parameters, decoded, in order.
    pub fn params(&self) -> Vec<(String, String)> {
        self.query.as_deref().map(parse_query).unwrap_or_default()
    }

    /// First decoded value of a query parameter.
    pub fn param(&self, name: &str) -> Option<String> {
        self.params()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// A numeric query parameter, or `default` when absent or not a number.
    pub fn param_u64(&self, name: &str, default: u64) -> u64 {
        self.param(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }

    /// Value of a cookie from the `Cookie` header(s).
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("cookie"))
            .flat_map(|(_, v)| v.split(';'))
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| k.trim() == name)
            .map(|(_, v)| v.trim().trim_matches('"').to_owned())
    }

    /// Path plus `?query` as received.
    pub fn raw_url(&self) -> String {
        match &self.query {
            Some(q) => format!("{}?{}", self.path, q),
            None => self.path.clone(),
        }
    }
}

/// How a reply's body is produced.
pub enum Body {
    Bytes(Vec<u8>),
    /// `n` bytes of `a`, streamed with a Content-Length.
    Repeat(u64),
    /// Send `head`, flush, sleep `ms`, then send `tail` (Content-Length covers both).
    Stalled {
        head: Vec<u8>,
        tail: Vec<u8>,
        ms: u64,
    },
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

impl Reply {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: Body::Bytes(body.into()),
        }
    }

    /// A JSON body followed by a newline, as Flask's `jsonify` writes it.
    pub fn json(status: u16, value: &Value) -> Reply {
        Reply::new(status, "application/json", format!("{value}\n"))
    }

    pub fn text(status: u16, text: &str) -> Reply {
        Reply::new(status, "text/plain; charset=utf-8", text)
    }

    pub fn html(status: u16, html: &str) -> Reply {
        Reply::new(status, "text/html; charset=utf-8", html)
    }

    pub fn redirect(status: u16, location: &str) -> Reply {
        let loc = ascii_safe(location);
        let href = loc
            .replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        let body = format!(
            "<!doctype html>\n<title>Redirecting...</title>\n<p>Redirecting to <a href=\"{href}\">{href}</a>.</p>\n"
        );
        Reply::html(status, &body).with_header("Location", &loc)
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// `{"error": .., "message": ..}` as JSON.
pub fn error_json(status: u16, error: &str, message: &str) -> Reply {
    Reply::json(status, &json!({"error": error, "message": message}))
}

/// Lets `allowed` methods (plus OPTIONS, and HEAD where GET is) through; 405 otherwise.
pub fn allow(req: &Req, allowed: &[&str]) -> Result<(), Reply> {
    let m = req.method.as_str();
    if m == "OPTIONS" || allowed.contains(&m) || (m == "HEAD" && allowed.contains(&"GET")) {
        return Ok(());
    }
    let reply = error_json(
        405,
        "method_not_allowed",
        &format!("Method {m} is not allowed here"),
    );
    Err(reply.with_header("Allow", &allowed.join(", ")))
}

/// 404 JSON for an unknown path (the query string is not echoed).
pub fn not_found(req: &Req) -> Reply {
    error_json(404, "not_found", &format!("No route for {}", req.path))
}

/// Python's `urllib.parse.quote(s, safe="/")`.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"_.-~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Percent-encodes bytes that may not appear raw in a header value.
pub fn ascii_safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if (0x21..0x7f).contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes and `+` (as a space, form style).
pub fn percent_decode(s: &str) -> String {
    decode(s, true)
}

/// Decodes `%XX` escapes of a path segment (`+` stays).
pub fn decode_path(s: &str) -> String {
    decode(s, false)
}

fn decode(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' => match (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: Option<&u8>) -> Option<u8> {
    (*b? as char).to_digit(16).map(|d| d as u8)
}

/// Splits and decodes `a=1&b=2`.
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// Seconds since the Unix epoch.
pub fn unix_secs(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}

/// An HTTP-date such as `Tue, 25 Jun 2024 16:19:05 GMT`.
pub fn http_date(t: SystemTime) -> String {
    let secs = unix_secs(t);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{weekday}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        months[(month - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn quote_matches_python() {
        assert_eq!(
            quote("http://127.0.0.1:8080/a b?x=1&y=é"),
            "http%3A//127.0.0.1%3A8080/a%20b%3Fx%3D1%26y%3D%C3%A9"
        );
    }

    #[test]
    fn decode_and_query() {
        assert_eq!(percent_decode("1%2C2+3%zz%"), "1,2 3%zz%");
        let q = parse_query("id=1%2C2&flag&x=");
        assert_eq!(q[0], ("id".into(), "1,2".into()));
        assert_eq!(q[1], ("flag".into(), "".into()));
    }

    #[test]
    fn date_format() {
        let t = UNIX_EPOCH + Duration::from_secs(1_719_332_345);
        assert_eq!(http_date(t), "Tue, 25 Jun 2024 16:19:05 GMT");
        assert_eq!(http_date(UNIX_EPOCH), "Thu, 01 Jan 1970 00:00:00 GMT");
    }
}
