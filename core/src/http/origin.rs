//! URLs as the token policy sees them: their origin (scheme, host, port),
//! whether that host is loopback, and how a redirect target resolves.

use std::borrow::Cow;

use ureq::http::Uri;

use crate::error::{Error, ErrorKind, Result};

/// The scheme, host and port of a URL: credentials go only to trusted origins.
/// The host is in lower case, without IPv6 brackets; it borrows from the URL
/// when it already has that form (the common case: no copy per request).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Origin<'a> {
    /// `"http"` or `"https"`.
    pub scheme: &'static str,
    pub host: Cow<'a, str>,
    pub port: u16,
}

impl Origin<'_> {
    /// The origin of an absolute http(s) URL.
    pub fn of(url: &str) -> Result<Origin<'static>> {
        Ok(Origin::of_uri(&parse_uri(url)?, url)?.into_owned())
    }

    /// The origin of `uri`, parsed from `url` (named in errors).
    pub fn of_uri<'u>(uri: &'u Uri, url: &str) -> Result<Origin<'u>> {
        let scheme = uri.scheme_str().ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidUrl,
                format!("URL \"{url}\" has no scheme (http:// or https://)"),
            )
        })?;
        let (scheme, default_port) = if scheme.eq_ignore_ascii_case("https") {
            ("https", 443)
        } else if scheme.eq_ignore_ascii_case("http") {
            ("http", 80)
        } else {
            return Err(Error::new(
                ErrorKind::InvalidUrl,
                format!(
                    "URL \"{url}\" has scheme \"{}\"; only http and https are supported",
                    scheme.to_ascii_lowercase()
                ),
            ));
        };
        let host = uri
            .host()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| Error::new(ErrorKind::InvalidUrl, format!("URL \"{url}\" has no host")))?
            .trim_start_matches('[')
            .trim_end_matches(']');
        let host = if host.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(host.to_ascii_lowercase())
        } else {
            Cow::Borrowed(host)
        };
        Ok(Origin {
            scheme,
            host,
            port: uri.port_u16().unwrap_or(default_port),
        })
    }

    /// The origin of a server address, `https://` assumed without a scheme
    /// (the rule of caveclient's server file names).
    pub fn of_server(address: &str) -> Result<Origin<'static>> {
        if address.contains("://") {
            Origin::of(address)
        } else {
            Origin::of(&format!("https://{address}"))
        }
    }

    /// The same origin, owning its host.
    pub fn into_owned(self) -> Origin<'static> {
        Origin {
            scheme: self.scheme,
            host: Cow::Owned(self.host.into_owned()),
            port: self.port,
        }
    }

    /// Whether the host is a loopback address (127.0.0.0/8, ::1, localhost).
    pub fn is_loopback(&self) -> bool {
        if self.host == "localhost" {
            return true;
        }
        self.host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
    }

    pub fn is_https(&self) -> bool {
        self.scheme == "https"
    }
}

impl std::fmt::Display for Origin<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') {
            write!(f, "{}://[{}]:{}", self.scheme, self.host, self.port)
        } else {
            write!(f, "{}://{}:{}", self.scheme, self.host, self.port)
        }
    }
}

/// `url` parsed, or FW_ERR_INVALID_URL.
pub fn parse_uri(url: &str) -> Result<Uri> {
    url.parse()
        .map_err(|e| Error::new(ErrorKind::InvalidUrl, format!("invalid URL \"{url}\": {e}")))
}

/// The absolute URL a `Location` header points to, from the URL it came from.
pub fn resolve_location(base: &str, location: &str) -> Result<String> {
    if location.contains("://") {
        return Ok(location.to_owned());
    }
    let uri: Uri = base.parse().map_err(|e| {
        Error::new(
            ErrorKind::InvalidUrl,
            format!("invalid URL \"{base}\": {e}"),
        )
    })?;
    let scheme = uri.scheme_str().unwrap_or("https");
    let authority = uri.authority().map(|a| a.as_str()).unwrap_or("");
    if let Some(rest) = location.strip_prefix("//") {
        return Ok(format!("{scheme}://{rest}"));
    }
    if location.starts_with('/') {
        return Ok(format!("{scheme}://{authority}{location}"));
    }
    let path = uri.path();
    let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    let dir = if dir.is_empty() { "/" } else { dir };
    Ok(format!("{scheme}://{authority}{dir}{location}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        let o = Origin::of("https://Global.daf-apis.com/info").unwrap();
        assert_eq!(
            (o.scheme, &*o.host, o.port),
            ("https", "global.daf-apis.com", 443)
        );
        assert_eq!(
            Origin::of("HTTP://[::1]:8/").unwrap().to_string(),
            "http://[::1]:8"
        );
        assert_eq!(Origin::of("http://127.0.0.1:8080/x").unwrap().port, 8080);
        assert_eq!(
            Origin::of_server("global.daf-apis.com").unwrap(),
            Origin::of("https://global.daf-apis.com:443").unwrap()
        );
        assert!(Origin::of("http://127.0.0.5/").unwrap().is_loopback());
        assert!(Origin::of("http://[::1]:80/").unwrap().is_loopback());
        assert!(Origin::of("http://localhost/").unwrap().is_loopback());
        assert!(!Origin::of("http://10.0.0.1/").unwrap().is_loopback());
        assert_eq!(
            Origin::of("ftp://x/").unwrap_err().kind(),
            ErrorKind::InvalidUrl
        );
        assert_eq!(
            Origin::of("/relative").unwrap_err().kind(),
            ErrorKind::InvalidUrl
        );
    }

    #[test]
    fn locations() {
        let b = "http://127.0.0.1:9/a/b?x=1";
        assert_eq!(resolve_location(b, "/c").unwrap(), "http://127.0.0.1:9/c");
        assert_eq!(resolve_location(b, "c").unwrap(), "http://127.0.0.1:9/a/c");
        assert_eq!(resolve_location(b, "https://h/x").unwrap(), "https://h/x");
        assert_eq!(resolve_location(b, "//h:1/x").unwrap(), "http://h:1/x");
    }
}
