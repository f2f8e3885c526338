//! Which proxy a request goes through, with the rules of Go's net/http
//! (`httpproxy.FromEnvironment`) and curl:
//!
//! - `HTTPS_PROXY` for https targets, `HTTP_PROXY` for http targets
//!   (upper case first, then lower case; an empty value is unset;
//!   `HTTP_PROXY` is ignored under CGI, when `REQUEST_METHOD` is set, as Go
//!   does), and `ALL_PROXY` for either when its own is unset (curl).
//! - `NO_PROXY`: comma-separated `*`, host names (`example.com` matches it
//!   and its subdomains, `.example.com` subdomains only), IP addresses, CIDR
//!   ranges, each optionally with `:port`.
//! - Loopback targets (127.0.0.0/8, ::1, and `localhost` when it resolves to
//!   loopback only) never go through a proxy.
//! - A proxy is `http://` or `https://` (HTTP CONNECT; a value without a
//!   scheme is `http://`). Any other scheme (SOCKS) is an error for the
//!   requests it would carry, never a silent direct connection.
//! - The option (`fw_options_set_proxy`) beats the environment: `"none"`
//!   sends every request direct, a URL carries every non-loopback request
//!   (NO_PROXY then does not apply, as with Go's `http.ProxyURL`).
//!
//! The environment is read when a client is created.

use std::net::IpAddr;

use super::origin::Origin;
use crate::error::{Error, ErrorKind, Remedy, Result};
use crate::options::ProxyOption;

/// The proxies of one client and the targets that bypass them.
#[derive(Debug, Default)]
pub struct Proxies {
    /// Every distinct proxy, in the order of their routes (route `i + 1`:
    /// route 0 is the direct connection).
    pub routes: Vec<ureq::Proxy>,
    /// What each route is called in messages (no credentials).
    shown: Vec<String>,
    https: Pick,
    http: Pick,
    no_proxy: Vec<NoProxy>,
}

/// The proxy of one target scheme.
#[derive(Clone, Debug, Default)]
enum Pick {
    #[default]
    Direct,
    Route(usize),
    /// A proxy was asked for and cannot be used: why.
    Refused(String),
}

/// How a request is carried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    Direct,
    /// Through proxy `routes[i - 1]`; the agent route `i`.
    Proxy(usize),
}

impl Route {
    /// The index of the agents that carry it (0: direct).
    pub fn index(self) -> usize {
        match self {
            Route::Direct => 0,
            Route::Proxy(i) => i,
        }
    }
}

impl Proxies {
    /// The proxies `option` asks for, reading the environment with `env`
    /// when it says so.
    pub fn new(option: &ProxyOption, env: impl Fn(&str) -> Option<String>) -> Proxies {
        let var = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| env(n).filter(|v| !v.trim().is_empty()))
        };
        let mut p = Proxies::default();
        match option {
            ProxyOption::None => {}
            ProxyOption::Url(url) => {
                let pick = p.add(url, "the proxy option");
                p.https = pick.clone();
                p.http = pick;
            }
            ProxyOption::Environment => {
                let all = var(&["ALL_PROXY", "all_proxy"]);
                let cgi = env("REQUEST_METHOD").is_some_and(|v| !v.is_empty());
                let https = var(&["HTTPS_PROXY", "https_proxy"]).map(|v| (v, "HTTPS_PROXY"));
                let http = if cgi {
                    var(&["http_proxy"])
                } else {
                    var(&["HTTP_PROXY", "http_proxy"])
                }
                .map(|v| (v, "HTTP_PROXY"));
                let all = all.map(|v| (v, "ALL_PROXY"));
                if let Some((url, name)) = https.or_else(|| all.clone()) {
                    p.https = p.add(&url, &format!("${name}"));
                }
                if let Some((url, name)) = http.or(all) {
                    p.http = p.add(&url, &format!("${name}"));
                }
                if let Some(list) = var(&["NO_PROXY", "no_proxy"]) {
                    p.no_proxy = list.split(',').filter_map(NoProxy::parse).collect();
                }
            }
        }
        p
    }

    /// The route of `url` (`from` names where it was set), reusing an equal one.
    fn add(&mut self, url: &str, from: &str) -> Pick {
        let url = url.trim();
        let with_scheme = if url.contains("://") {
            url.to_owned()
        } else {
            format!("http://{url}")
        };
        let scheme = with_scheme
            .split_once("://")
            .map_or("", |(s, _)| s)
            .to_ascii_lowercase();
        let shown = shown(&with_scheme);
        if scheme != "http" && scheme != "https" {
            return Pick::Refused(format!(
                "{from} names a {scheme} proxy ({shown}), which fwclient does not support \
                 (http:// and https:// proxies only); requests are not sent direct instead"
            ));
        }
        let proxy = match ureq::Proxy::new(&with_scheme) {
            Ok(p) => p,
            Err(e) => {
                return Pick::Refused(format!(
                    "{from} is not a usable proxy URL ({shown}: {e}); requests are not sent \
                     direct instead"
                ));
            }
        };
        if let Some(i) = self.routes.iter().position(|r| *r == proxy) {
            return Pick::Route(i + 1);
        }
        self.routes.push(proxy);
        self.shown.push(shown);
        Pick::Route(self.routes.len())
    }

    /// How a request to `origin` is carried. `loopback`: whether its host is
    /// loopback (never proxied).
    pub fn route(&self, origin: &Origin<'_>, loopback: bool) -> Result<Route> {
        if loopback || self.no_proxy.iter().any(|n| n.matches(origin)) {
            return Ok(Route::Direct);
        }
        let pick = if origin.is_https() {
            &self.https
        } else {
            &self.http
        };
        match pick {
            Pick::Direct => Ok(Route::Direct),
            Pick::Route(i) => Ok(Route::Proxy(*i)),
            Pick::Refused(why) => Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("cannot reach {origin}: {why}"),
            )
            .with_remedy(Remedy::ChooseProxy)),
        }
    }

    /// The proxy of `route`, for messages (no credentials).
    pub fn shown(&self, route: Route) -> Option<&str> {
        match route {
            Route::Direct => None,
            Route::Proxy(i) => self.shown.get(i - 1).map(String::as_str),
        }
    }
}

/// `scheme://host:port` of a proxy URL, without its user and password.
fn shown(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    format!("{}://{host}", scheme.to_ascii_lowercase())
}

/// One `NO_PROXY` entry.
#[derive(Debug, PartialEq)]
enum NoProxy {
    All,
    Ip(IpAddr, Option<u16>),
    Net(IpAddr, u8),
    /// A domain (lower case, with a leading dot) and whether the name
    /// itself matches too (it does unless the entry began with a dot).
    Domain(String, bool, Option<u16>),
}

impl NoProxy {
    fn parse(entry: &str) -> Option<NoProxy> {
        let e = entry.trim().to_ascii_lowercase();
        if e.is_empty() {
            return None;
        }
        if e == "*" {
            return Some(NoProxy::All);
        }
        if let Some((net, bits)) = e.split_once('/') {
            let ip: IpAddr = net.parse().ok()?;
            let bits: u8 = bits.parse().ok()?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            return (bits <= max).then_some(NoProxy::Net(ip, bits));
        }
        if let Ok(ip) = e.trim_start_matches('[').trim_end_matches(']').parse() {
            return Some(NoProxy::Ip(ip, None));
        }
        if let Ok(sa) = e.parse::<std::net::SocketAddr>() {
            return Some(NoProxy::Ip(sa.ip(), Some(sa.port())));
        }
        let (host, port) = match e.rsplit_once(':') {
            Some((h, p)) => (h.to_owned(), Some(p.parse().ok()?)),
            None => (e.clone(), None),
        };
        let host = host.strip_prefix('*').unwrap_or(&host);
        if host.is_empty() || host == "." {
            return None;
        }
        Some(match host.strip_prefix('.') {
            Some(_) => NoProxy::Domain(host.to_owned(), false, port),
            None => NoProxy::Domain(format!(".{host}"), true, port),
        })
    }

    fn matches(&self, origin: &Origin<'_>) -> bool {
        let host = &*origin.host;
        let port_ok = |p: &Option<u16>| p.is_none_or(|p| p == origin.port);
        match self {
            NoProxy::All => true,
            NoProxy::Ip(ip, port) => {
                host.parse::<IpAddr>().is_ok_and(|h| h == *ip) && port_ok(port)
            }
            NoProxy::Net(net, bits) => host
                .parse::<IpAddr>()
                .is_ok_and(|h| in_network(h, *net, *bits)),
            NoProxy::Domain(dotted, itself, port) => {
                (host.ends_with(dotted.as_str()) || (*itself && host == &dotted[1..]))
                    && port_ok(port)
            }
        }
    }
}

fn in_network(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    fn route(p: &Proxies, url: &str) -> Result<Route> {
        let o = Origin::of(url).unwrap();
        let loopback = o.is_loopback_ip();
        p.route(&o, loopback)
    }

    #[test]
    fn each_scheme_has_its_variable_and_all_proxy_is_the_fallback() {
        let p = Proxies::new(
            &ProxyOption::Environment,
            env(&[
                ("HTTPS_PROXY", "http://user:pw@proxy.example:3128"),
                ("http_proxy", "proxy2.example:8080"),
            ]),
        );
        assert_eq!(route(&p, "https://a.example/").unwrap(), Route::Proxy(1));
        assert_eq!(route(&p, "http://a.example/").unwrap(), Route::Proxy(2));
        assert_eq!(p.shown(Route::Proxy(1)), Some("http://proxy.example:3128"));
        assert_eq!(p.shown(Route::Proxy(2)), Some("http://proxy2.example:8080"));
        let all = Proxies::new(
            &ProxyOption::Environment,
            env(&[("ALL_PROXY", "http://p:1"), ("HTTPS_PROXY", "")]),
        );
        assert_eq!(route(&all, "https://a.example/").unwrap(), Route::Proxy(1));
        assert_eq!(route(&all, "http://a.example/").unwrap(), Route::Proxy(1));
        let upper_first = Proxies::new(
            &ProxyOption::Environment,
            env(&[
                ("HTTPS_PROXY", "http://up:1"),
                ("https_proxy", "http://low:1"),
            ]),
        );
        assert_eq!(upper_first.shown(Route::Proxy(1)), Some("http://up:1"));
        let cgi = Proxies::new(
            &ProxyOption::Environment,
            env(&[("HTTP_PROXY", "http://p:1"), ("REQUEST_METHOD", "GET")]),
        );
        assert_eq!(route(&cgi, "http://a.example/").unwrap(), Route::Direct);
    }

    #[test]
    fn loopback_is_never_proxied() {
        let p = Proxies::new(&ProxyOption::Url("http://p:1".into()), env(&[]));
        for url in [
            "http://127.0.0.1:9/",
            "https://127.3.4.5/",
            "http://[::1]:8/",
        ] {
            assert_eq!(route(&p, url).unwrap(), Route::Direct, "{url}");
        }
        assert_eq!(route(&p, "http://10.0.0.1/").unwrap(), Route::Proxy(1));
    }

    #[test]
    fn unsupported_schemes_are_errors_not_direct() {
        for (var, value) in [
            ("ALL_PROXY", "socks5://127.0.0.1:1080"),
            ("HTTPS_PROXY", "socks5h://user:secret@p:1"),
            ("HTTPS_PROXY", "ftp://p"),
        ] {
            let p = Proxies::new(&ProxyOption::Environment, env(&[(var, value)]));
            let e = route(&p, "https://a.example/").unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidArgument);
            assert!(e.message().contains(var), "{}", e.message());
            assert!(e.message().contains("not sent direct"), "{}", e.message());
            assert!(!e.message().contains("secret"), "{}", e.message());
            assert_eq!(e.remedy(), &Remedy::ChooseProxy);
            // Loopback still goes direct.
            assert_eq!(route(&p, "https://127.0.0.1/").unwrap(), Route::Direct);
        }
    }

    #[test]
    fn none_and_url_options_beat_the_environment() {
        let vars = [("HTTPS_PROXY", "http://env:1")];
        let none = Proxies::new(&ProxyOption::None, env(&vars));
        assert_eq!(route(&none, "https://a.example/").unwrap(), Route::Direct);
        let url = Proxies::new(&ProxyOption::Url("https://opt:2".into()), env(&vars));
        assert_eq!(url.shown(Route::Proxy(1)), Some("https://opt:2"));
    }

    #[test]
    fn no_proxy_entries() {
        let p = Proxies::new(
            &ProxyOption::Environment,
            env(&[
                ("HTTPS_PROXY", "http://p:1"),
                (
                    "NO_PROXY",
                    " example.com, .sub.test ,10.0.0.0/8, 192.168.1.1, [2001:db8::1], only.port:8443,*.star.org",
                ),
            ]),
        );
        for (url, direct) in [
            ("https://example.com/", true),
            ("https://a.example.com/", true),
            ("https://notexample.com/", false),
            ("https://sub.test/", false),
            ("https://x.sub.test/", true),
            ("https://10.2.3.4/", true),
            ("https://11.0.0.1/", false),
            ("https://192.168.1.1/", true),
            ("https://[2001:db8::1]/", true),
            ("https://only.port:8443/", true),
            ("https://only.port/", false),
            ("https://a.star.org/", true),
            ("https://EXAMPLE.com/", true),
        ] {
            let want = if direct {
                Route::Direct
            } else {
                Route::Proxy(1)
            };
            assert_eq!(route(&p, url).unwrap(), want, "{url}");
        }
        let all = Proxies::new(
            &ProxyOption::Environment,
            env(&[("HTTPS_PROXY", "http://p:1"), ("no_proxy", "*")]),
        );
        assert_eq!(route(&all, "https://a.example/").unwrap(), Route::Direct);
    }
}
