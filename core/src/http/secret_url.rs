//! A URL that holds a secret (the token a TTL call asks about, in its
//! path) is a secret value from the moment it is built, like the token
//! itself: every copy the library makes lives in memory zeroed on drop, it
//! is redacted in `Debug`, and messages and answers name it only masked
//! (`transport`).

use std::fmt;

use ureq::http::Uri;
use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind, Result};

/// A URL holding a secret: zeroed on drop, redacted in `Debug`.
pub struct SecretUrl(Zeroizing<String>);

impl SecretUrl {
    /// `parts` concatenated in one allocation of the exact size (growing a
    /// string would leave copies of its start behind).
    pub fn join(parts: &[&str]) -> SecretUrl {
        let mut url = Zeroizing::new(String::with_capacity(parts.iter().map(|p| p.len()).sum()));
        for p in parts {
            url.push_str(p);
        }
        SecretUrl(url)
    }

    /// The URL itself. Callers must not log or format it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretUrl(<redacted>)")
    }
}

/// `url` parsed over a copy of its own that is zeroed when the last
/// request holding it is done (as the token's header values are), or
/// FW_ERR_INVALID_URL (the message does not quote it).
pub fn parse(url: &str) -> Result<Uri> {
    let shared = bytes::Bytes::from_owner(Zeroizing::new(url.as_bytes().to_vec()));
    Uri::from_maybe_shared(shared).map_err(|e| {
        Error::new(
            ErrorKind::InvalidUrl,
            format!("invalid URL (it holds a secret, not shown): {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_parsed_and_never_shown() {
        let url = SecretUrl::join(&["http://127.0.0.1:1", "/t/", "fake_sekrit_9", "/ttl"]);
        assert_eq!(url.expose(), "http://127.0.0.1:1/t/fake_sekrit_9/ttl");
        assert_eq!(format!("{url:?}"), "SecretUrl(<redacted>)");
        let uri = parse(url.expose()).unwrap();
        assert_eq!(uri.path(), "/t/fake_sekrit_9/ttl");
        let e = parse("http://h/fake_sekrit_9 x").unwrap_err();
        assert!(!e.message().contains("fake_sekrit_9"), "{}", e.message());
    }
}
