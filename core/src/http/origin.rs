//! URLs as the token policy sees them: their origin (scheme, host, port),
//! whether that host is loopback, and how a redirect target resolves.

use std::borrow::Cow;

use ureq::http::Uri;

use crate::error::{Error, ErrorKind, Remedy, Result};

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

    /// The origin of `uri`, parsed from `url` (named in errors). A URL
    /// with user-info (`http://user:password@host/`) is refused: an HTTP
    /// agent would turn it into an `Authorization: Basic` header, and the
    /// library sends only the credentials it was given through its API.
    /// Every URL a request goes to passes here (the caller's, the server
    /// address, trusted origins, a datastack's local server, each
    /// redirect's target), before any connection. Proxy URLs do not: a
    /// proxy's user and password go to the proxy alone, by the proxy rules.
    pub fn of_uri<'u>(uri: &'u Uri, url: &str) -> Result<Origin<'u>> {
        if let Some(host) = host_after_user_info(uri) {
            return Err(user_info_refused(uri, host));
        }
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

    /// Whether the host is a loopback IP address (127.0.0.0/8, ::1). The
    /// name `localhost` is loopback only if it resolves to loopback
    /// addresses only: see [`Origin::is_localhost`] and
    /// `resolve::localhost_is_loopback`.
    pub fn is_loopback_ip(&self) -> bool {
        self.host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
    }

    /// Whether the host is the name `localhost`.
    pub fn is_localhost(&self) -> bool {
        self.host == "localhost"
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

/// The host of a URL that has user-info (`None` for one without).
fn host_after_user_info(uri: &Uri) -> Option<&str> {
    let (_, host) = uri.authority()?.as_str().rsplit_once('@')?;
    Some(host)
}

/// The error for a URL holding user-info: it names the URL without it
/// (the user-info may be a password) and gives that form as the remedy.
fn user_info_refused(uri: &Uri, host: &str) -> Error {
    let scheme = uri.scheme_str().unwrap_or("https");
    let rest = uri.path_and_query().map_or("", |p| p.as_str());
    let without = format!("{scheme}://{host}{rest}");
    Error::new(
        ErrorKind::InvalidUrl,
        format!(
            "refusing a URL with a user name or password before its host \
             (user-info, \"...@{host}\"): only the token is sent, in a header; \
             the URL without it is \"{without}\""
        ),
    )
    .with_remedy(Remedy::UseAddress(without))
}

/// `url` parsed, or FW_ERR_INVALID_URL.
pub fn parse_uri(url: &str) -> Result<Uri> {
    url.parse()
        .map_err(|e| Error::new(ErrorKind::InvalidUrl, format!("invalid URL \"{url}\": {e}")))
}

/// The absolute URL a `Location` header points to, resolved against the URL
/// it came from as an RFC 3986 §5.2 URI reference (`/login?next=https://x`
/// is a path with a query, not an absolute URL). The fragment is dropped
/// (never sent). The result is checked by the same parser that sends it.
///
/// Written by hand, after the RFC's own algorithm: `http::Uri` (ureq's)
/// parses absolute URLs only, and the `url` crate follows the WHATWG rules
/// (a `\` counts as a `/`, among others), not RFC 3986, and would add the
/// IDNA tables to the library.
pub fn resolve_location(base: &str, location: &str) -> Result<String> {
    let bad = |why: &str| {
        Error::new(
            ErrorKind::BadResponse,
            format!("{base} redirected to an unusable location ({why})"),
        )
    };
    let r = Reference::split(location);
    let b = Reference::split(base);
    let b_scheme = b.scheme.ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidUrl,
            format!("URL \"{base}\" has no scheme"),
        )
    })?;
    let (scheme, authority, path, query);
    if let Some(s) = r.scheme {
        if !is_scheme(s) {
            return Err(bad("invalid scheme"));
        }
        scheme = s;
        authority = r.authority;
        path = remove_dot_segments(r.path);
        query = r.query;
    } else {
        scheme = b_scheme;
        if r.authority.is_some() {
            authority = r.authority;
            path = remove_dot_segments(r.path);
            query = r.query;
        } else {
            authority = b.authority;
            if r.path.is_empty() {
                path = b.path.to_owned();
                query = r.query.or(b.query);
            } else {
                path = if r.path.starts_with('/') {
                    remove_dot_segments(r.path)
                } else {
                    remove_dot_segments(&merge(b.authority.is_some(), b.path, r.path))
                };
                query = r.query;
            }
        }
    }
    let mut out = String::with_capacity(location.len() + base.len());
    out.push_str(scheme);
    out.push(':');
    if let Some(a) = authority {
        out.push_str("//");
        out.push_str(a);
    }
    out.push_str(&path);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    // What is followed is what this parser reads: the origin checks and the
    // request see the same URL.
    let uri = parse_uri(&out).map_err(|e| bad(e.message()))?;
    if let Some(host) = host_after_user_info(&uri) {
        // Refused as the caller's own URL would be (INVALID_URL).
        return Err(user_info_refused(&uri, host).context(&format!("{base} redirected: ")));
    }
    Origin::of_uri(&uri, &out).map_err(|e| bad(e.message()))?;
    Ok(out)
}

/// The five parts of a URI reference (RFC 3986 appendix B).
struct Reference<'a> {
    scheme: Option<&'a str>,
    authority: Option<&'a str>,
    path: &'a str,
    query: Option<&'a str>,
}

impl Reference<'_> {
    fn split(text: &str) -> Reference<'_> {
        // ^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?
        let text = text.split_once('#').map_or(text, |(t, _)| t);
        let (scheme, rest) = match text.find([':', '/', '?']) {
            Some(i) if i > 0 && text.as_bytes()[i] == b':' => (Some(&text[..i]), &text[i + 1..]),
            _ => (None, text),
        };
        let (authority, rest) = match rest.strip_prefix("//") {
            Some(r) => {
                let end = r.find(['/', '?']).unwrap_or(r.len());
                (Some(&r[..end]), &r[end..])
            }
            None => (None, rest),
        };
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        Reference {
            scheme,
            authority,
            path,
            query,
        }
    }
}

/// `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
fn is_scheme(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// RFC 3986 §5.2.3.
fn merge(base_has_authority: bool, base_path: &str, path: &str) -> String {
    if base_has_authority && base_path.is_empty() {
        return format!("/{path}");
    }
    let dir = base_path.rfind('/').map_or("", |i| &base_path[..=i]);
    format!("{dir}{path}")
}

/// RFC 3986 §5.2.4.
fn remove_dot_segments(path: &str) -> String {
    let mut input = path;
    let mut out = String::with_capacity(path.len());
    while !input.is_empty() {
        if let Some(rest) = input.strip_prefix("../") {
            input = rest;
        } else if let Some(rest) = input.strip_prefix("./") {
            input = rest;
        } else if input.starts_with("/./") {
            input = &input[2..];
        } else if input == "/." {
            input = "/";
        } else if input.starts_with("/../") || input == "/.." {
            input = if input == "/.." { "/" } else { &input[3..] };
            let cut = out.rfind('/').unwrap_or(0);
            out.truncate(cut);
        } else if input == "." || input == ".." {
            input = "";
        } else {
            let start = usize::from(input.starts_with('/'));
            let end = input[start..].find('/').map_or(input.len(), |i| i + start);
            out.push_str(&input[..end]);
            input = &input[end..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_info_is_refused_and_not_repeated() {
        for (url, without) in [
            (
                "http://u:p@127.0.0.1:8080/x?q=1",
                "http://127.0.0.1:8080/x?q=1",
            ),
            (
                "http://127.0.0.1:18777@127.0.0.1:18778/a",
                "http://127.0.0.1:18778/a",
            ),
            ("https://user@host.org", "https://host.org/"),
            ("https://@host.org/", "https://host.org/"),
        ] {
            let e = Origin::of(url).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidUrl, "{url}");
            assert_eq!(e.remedy(), &Remedy::UseAddress(without.into()), "{url}");
            assert!(
                !e.message().contains(":p@") && !e.message().contains("u:p"),
                "{}",
                e.message()
            );
        }
        assert!(Origin::of_server("u:p@host.org").is_err());
    }

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
        assert!(Origin::of("http://127.0.0.5/").unwrap().is_loopback_ip());
        assert!(Origin::of("http://[::1]:80/").unwrap().is_loopback_ip());
        assert!(!Origin::of("http://localhost/").unwrap().is_loopback_ip());
        assert!(Origin::of("http://LocalHost/").unwrap().is_localhost());
        assert!(!Origin::of("http://10.0.0.1/").unwrap().is_loopback_ip());
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
        assert_eq!(
            resolve_location(b, "/login?next=https://evil:1/").unwrap(),
            "http://127.0.0.1:9/login?next=https://evil:1/"
        );
        assert_eq!(
            resolve_location(b, "x?next=http://evil/").unwrap(),
            "http://127.0.0.1:9/a/x?next=http://evil/"
        );
        assert_eq!(
            resolve_location(b, "?y=2").unwrap(),
            "http://127.0.0.1:9/a/b?y=2"
        );
        assert_eq!(
            resolve_location(b, "").unwrap(),
            "http://127.0.0.1:9/a/b?x=1"
        );
        assert_eq!(
            resolve_location(b, "#f").unwrap(),
            "http://127.0.0.1:9/a/b?x=1"
        );
        assert_eq!(
            resolve_location(b, "../../../c").unwrap(),
            "http://127.0.0.1:9/c"
        );
        assert_eq!(
            resolve_location(b, "./c/./d/../e").unwrap(),
            "http://127.0.0.1:9/a/c/e"
        );
        assert_eq!(
            resolve_location(b, "HTTPS://H:2/../x").unwrap(),
            "HTTPS://H:2/x"
        );
        for bad in ["ftp://h/x", "1a://h/", "http:///x", "http://h/a b", "/a\nb"] {
            let e = resolve_location(b, bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::BadResponse, "{bad}");
        }
    }

    #[test]
    fn rfc3986_examples() {
        // RFC 3986 §5.4, for the parts http(s) URLs can have.
        let b = "http://a/b/c/d;p?q";
        for (r, want) in [
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g"),
            ("?y", "http://a/b/c/d;p?y"),
            ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q"),
            (";x", "http://a/b/c/;x"),
            (".", "http://a/b/c/"),
            ("./", "http://a/b/c/"),
            ("..", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../..", "http://a/"),
            ("../../../g", "http://a/g"),
            ("/./g", "http://a/g"),
            ("/../g", "http://a/g"),
            ("g.", "http://a/b/c/g."),
            ("..g", "http://a/b/c/..g"),
            ("./g/.", "http://a/b/c/g/"),
            ("g/./h", "http://a/b/c/g/h"),
            ("g/../h", "http://a/b/c/h"),
            ("g;x=1/../y", "http://a/b/c/y"),
            ("g?y/./x", "http://a/b/c/g?y/./x"),
            ("http:g", "http:g"),
        ] {
            let got = resolve_location(b, r);
            if r == "http:g" {
                // Valid RFC 3986, but no host: not followed.
                assert!(got.is_err(), "{r}");
            } else {
                assert_eq!(got.unwrap(), want, "{r}");
            }
        }
    }
}
