//! The token as a secret value: zeroed when dropped, redacted in `Debug`,
//! validated before it can reach a file or a header, and cheap to share:
//! every request of every thread uses the same copy, and the same two
//! request headers, built once.

use std::fmt;
use std::sync::{Arc, OnceLock};

use ureq::http::HeaderValue;
use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind, Result};

/// Longest token accepted, in bytes. A longer one could never be sent:
/// servers refuse header lines that long (8 KiB is the usual limit), so it
/// is refused before it is saved or used.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// What precedes the token in an `Authorization` header (the services
/// require exactly this, capital B and one space).
pub const BEARER_PREFIX: &str = "Bearer ";

/// Name of the cookie the services read the token from (and of the query
/// parameter fwclient never sends it in).
pub const TOKEN_COOKIE: &str = "middle_auth_token";

/// A validated token. Its `Debug` output never shows the value, and its
/// memory (and that of its headers) is zeroed when the last clone is dropped.
/// Clones share one copy.
#[derive(Clone)]
pub struct Token(Arc<Secret>);

struct Secret {
    value: Zeroizing<String>,
    /// Built on first use (a token looked up and never sent needs none).
    headers: OnceLock<Headers>,
}

/// The token as requests carry it.
struct Headers {
    /// `Bearer <token>`.
    authorization: HeaderValue,
    /// `middle_auth_token=<token>`.
    cookie: HeaderValue,
}

impl PartialEq for Token {
    fn eq(&self, other: &Token) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for Token {}

impl Token {
    /// Checks `value` and wraps it. A token must be non-empty printable ASCII
    /// without whitespace or control characters, so that it can never break a
    /// header line, and at most [`MAX_TOKEN_BYTES`] long; any such string is
    /// accepted (`fake_token_123` works).
    pub fn new(value: &str) -> Result<Token> {
        Token::check(value)?;
        Ok(Token(Arc::new(Secret {
            value: Zeroizing::new(value.to_owned()),
            headers: OnceLock::new(),
        })))
    }

    /// As [`Token::new`], keeping `value`'s own memory (no copy).
    pub fn from_owned(value: Zeroizing<String>) -> Result<Token> {
        Token::check(&value)?;
        Ok(Token(Arc::new(Secret {
            value,
            headers: OnceLock::new(),
        })))
    }

    /// Why `value` is not a valid token, if it is not. The reason never
    /// quotes the value.
    pub fn check(value: &str) -> Result<()> {
        // One pass over the bytes (this is on every token lookup's path); the
        // reason given is the first of these that applies.
        let (mut blank, mut control, mut non_ascii) = (false, false, false);
        for b in value.bytes() {
            blank |= b == b' ' || b == b'\t';
            control |= b.is_ascii_control();
            non_ascii |= !b.is_ascii();
        }
        let reason = if value.is_empty() {
            "a token must not be empty"
        } else if value.len() > MAX_TOKEN_BYTES {
            "a token must not be longer than 8192 bytes"
        } else if blank {
            "a token must not contain spaces or tabs"
        } else if control {
            "a token must not contain control characters such as CR, LF or NUL"
        } else if non_ascii {
            "a token must be printable ASCII"
        } else {
            return Ok(());
        };
        Err(Error::new(ErrorKind::InvalidTokenFormat, reason))
    }

    /// The token itself. Callers must not log or format it.
    pub fn expose(&self) -> &str {
        &self.0.value
    }

    /// The value of an `Authorization` header carrying this token.
    pub fn bearer(&self) -> Zeroizing<String> {
        Zeroizing::new(joined(&[BEARER_PREFIX, self.expose()]))
    }

    /// The `Authorization` header value, marked sensitive.
    pub fn authorization_header(&self) -> &HeaderValue {
        &self.headers().authorization
    }

    /// The `Cookie` header value, marked sensitive.
    pub fn cookie_header(&self) -> &HeaderValue {
        &self.headers().cookie
    }

    fn headers(&self) -> &Headers {
        self.0.headers.get_or_init(|| {
            let t = self.expose();
            Headers {
                authorization: sensitive(joined(&[BEARER_PREFIX, t])),
                cookie: sensitive(joined(&[TOKEN_COOKIE, "=", t])),
            }
        })
    }
}

/// `parts` concatenated, in one allocation of the exact size (no copy left
/// behind by growing).
fn joined(parts: &[&str]) -> String {
    let mut value = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        value.push_str(p);
    }
    value
}

/// A header value over `value`'s own memory (no copy), zeroed when the last
/// request holding it is done, and marked sensitive (so the HTTP stack never
/// shows it).
fn sensitive(value: String) -> HeaderValue {
    let shared = bytes::Bytes::from_owner(Zeroizing::new(value.into_bytes()));
    // A validated token is printable ASCII without spaces: always a valid value.
    let mut v = HeaderValue::from_maybe_shared(shared).expect("a token is a valid header value");
    v.set_sensitive(true);
    v
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Whether `value` has the form of a token issued by the auth server
/// (`secrets.token_hex(16)`: 32 lowercase hex characters). Only the
/// interactive setup requires it.
pub fn is_server_issued_form(value: &str) -> bool {
    value.len() == 32
        && value
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_seed_tokens() {
        for t in [
            "fake_token_123",
            "another_fake_token_678",
            "ABCdef+/==",
            "x",
            "t".repeat(MAX_TOKEN_BYTES).as_str(),
        ] {
            assert_eq!(Token::new(t).unwrap().expose(), t);
        }
    }

    #[test]
    fn rejects_what_would_break_a_header() {
        for t in [
            "",
            "a b",
            "a\tb",
            "a\r\nX-Evil: 1",
            "a\nb",
            "a\0b",
            "tök",
            "a\x7fb",
            "t".repeat(MAX_TOKEN_BYTES + 1).as_str(),
        ] {
            let e = Token::new(t).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidTokenFormat, "{t:?}");
        }
    }

    #[test]
    fn debug_is_redacted() {
        let t = Token::new("fake_secret_debug_42").unwrap();
        let shown = format!("{t:?} {:?}", Some(&t));
        assert!(!shown.contains("fake_secret_debug_42"));
        assert!(shown.contains("redacted"));
    }

    #[test]
    fn headers_carry_the_token_are_sensitive_and_shared() {
        let t = Token::new("fake_token_hdr_77").unwrap();
        assert_eq!(t.authorization_header(), "Bearer fake_token_hdr_77");
        assert_eq!(t.cookie_header(), "middle_auth_token=fake_token_hdr_77");
        assert_eq!(&*t.bearer(), "Bearer fake_token_hdr_77");
        for h in [t.authorization_header(), t.cookie_header()] {
            assert!(h.is_sensitive());
            assert!(!format!("{h:?}").contains("fake_token_hdr_77"));
        }
        let copy = t.clone();
        assert!(std::ptr::eq(copy.cookie_header(), t.cookie_header()));
        assert_eq!(copy, Token::new("fake_token_hdr_77").unwrap());
        assert_ne!(copy, Token::new("fake_token_hdr_78").unwrap());
    }

    #[test]
    fn server_form() {
        assert!(is_server_issued_form("0123456789abcdef0123456789abcdef"));
        assert!(!is_server_issued_form("0123456789ABCDEF0123456789abcdef"));
        assert!(!is_server_issued_form("fake_token_123"));
    }
}
