//! A server's answer, read whole: status, headers, body and the URL it came
//! from.

use ureq::http::HeaderMap;

/// An HTTP answer.
#[derive(Clone)]
pub struct Response {
    pub status: u16,
    /// The headers (names in lower case), as the agent parsed them: names in
    /// the order first received, each repeated value a separate entry right
    /// after the earlier values of its name.
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The URL that answered (after redirects); a URL holding a secret
    /// (the token of a TTL call) is given with the secret masked.
    pub url: String,
    /// Whether a redirect took the request to another origin on the way.
    pub crossed_origin: bool,
}

impl Response {
    /// The value of header `name` (case-insensitive); the values of a name
    /// received more than once are joined with ", " (RFC 9110, 5.3). Bytes
    /// that are not UTF-8 are replaced.
    pub fn header(&self, name: &str) -> Option<std::borrow::Cow<'_, str>> {
        let mut values = self.headers.get_all(name).iter();
        let first = values.next()?;
        let mut joined = String::from_utf8_lossy(first.as_bytes());
        for v in values {
            let s = joined.to_mut();
            s.push_str(", ");
            s.push_str(&String::from_utf8_lossy(v.as_bytes()));
        }
        Some(joined)
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
