//! A server's answer, read whole: status, headers, body and the URL it came
//! from.

use ureq::http::HeaderMap;

/// An HTTP answer.
#[derive(Clone)]
pub struct Response {
    pub status: u16,
    /// The headers as received (names in lower case), kept as the agent
    /// parsed them.
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The URL that answered (after redirects).
    pub url: String,
    /// Whether a redirect took the request to another origin on the way.
    pub crossed_origin: bool,
}

impl Response {
    /// The first value of header `name` (case-insensitive); a value that is
    /// not UTF-8 has its bad bytes replaced.
    pub fn header(&self, name: &str) -> Option<std::borrow::Cow<'_, str>> {
        self.headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()))
    }

    /// Header number `index` in the order received: name (lower case) and value.
    pub fn header_at(&self, index: usize) -> Option<(&str, std::borrow::Cow<'_, str>)> {
        self.headers
            .iter()
            .nth(index)
            .map(|(n, v)| (n.as_str(), String::from_utf8_lossy(v.as_bytes())))
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("url", &self.url)
            .field("body_len", &self.body.len())
            .finish()
    }
}
