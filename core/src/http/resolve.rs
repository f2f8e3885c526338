//! Name resolution for a client's agent. ureq resolves the host before every
//! request, even one that will reuse a pooled connection, and with a timeout
//! set (every request of ours has one) it does so in a new thread, so that
//! the timeout bounds the lookup: a thread created and joined per request.
//! Here an IP-literal host needs no lookup at all, and a name is looked up
//! by ureq's resolver (in its thread, under the request's timeout) at most
//! once per [`TTL`] per client.
//!
//! `Resolver` is ureq's "unversioned" API (Cargo.lock pins ureq 3.5.2): a
//! ureq upgrade may need this file adjusted.

use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long a looked-up name is reused: no longer than ureq keeps an idle
/// pooled connection to the address it resolved to (its default
/// `max_idle_age`), so no request goes to an address older than a pooled
/// connection's would be. (curl keeps names for 60 s.)
pub const TTL: Duration = Duration::from_secs(15);
/// Names remembered per client; past this the oldest is forgotten.
const MAX_NAMES: usize = 16;

#[derive(Debug, Default)]
pub struct CachingResolver {
    lookup: DefaultResolver,
    /// `host:port`, when it was looked up, and its addresses.
    names: Mutex<Vec<(String, Instant, ResolvedSocketAddrs)>>,
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        // `ip:port` and `[ip6]:port` (a local server's URL) parse whole.
        if let Some(addr) = whole_socket_addr(uri) {
            return self.literal(addr, config);
        }
        let Some((host, port)) = host_and_port(uri) else {
            // Not http(s) or no host: ureq's resolver gives its error.
            return self.lookup.resolve(uri, config, timeout);
        };
        if let Ok(ip) = host.parse::<IpAddr>() {
            return self.literal(SocketAddr::new(ip, port), config);
        }
        let key = format!("{host}:{port}");
        let now = Instant::now();
        {
            let mut names = self.names.lock().unwrap_or_else(|p| p.into_inner());
            names.retain(|(_, at, _)| now.duration_since(*at) < TTL);
            if let Some((_, _, addrs)) = names.iter().find(|(k, _, _)| *k == key) {
                return Ok(addrs.clone());
            }
        }
        // Looked up without the lock held: other requests go on meanwhile.
        let addrs = self.lookup.resolve(uri, config, timeout)?;
        let mut names = self.names.lock().unwrap_or_else(|p| p.into_inner());
        if names.len() >= MAX_NAMES {
            names.remove(0);
        }
        names.push((key, now, addrs.clone()));
        Ok(addrs)
    }
}

impl CachingResolver {
    /// `addr`, no lookup needed, if the config's IP family allows it.
    fn literal(
        &self,
        addr: SocketAddr,
        config: &Config,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let mut addrs = self.empty();
        for addr in config.ip_family().keep_wanted(std::iter::once(addr)) {
            addrs.push(addr);
        }
        if addrs.is_empty() {
            Err(ureq::Error::HostNotFound)
        } else {
            Ok(addrs)
        }
    }
}

/// Whether the name `localhost` resolves to loopback addresses only (and to
/// at least one): only then is it treated as loopback (plain http allowed,
/// never proxied). A system whose resolver sends `localhost` elsewhere gets
/// the rules of any other host.
pub fn localhost_is_loopback() -> bool {
    use std::net::ToSocketAddrs;
    ("localhost", 0).to_socket_addrs().is_ok_and(all_loopback)
}

/// Whether `addrs` is not empty and every address in it is loopback.
pub fn all_loopback(addrs: impl IntoIterator<Item = SocketAddr>) -> bool {
    let mut any = false;
    for a in addrs {
        if !a.ip().is_loopback() {
            return false;
        }
        any = true;
    }
    any
}

/// The authority of an http(s) URI when it is a whole socket address.
fn whole_socket_addr(uri: &Uri) -> Option<SocketAddr> {
    if !matches!(uri.scheme_str(), Some("http" | "https")) {
        return None;
    }
    uri.authority()?.as_str().parse().ok()
}

/// The host (without IPv6 brackets) and port of an http(s) URI.
fn host_and_port(uri: &Uri) -> Option<(&str, u16)> {
    let default_port = match uri.scheme_str()? {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let host = uri.host().filter(|h| !h.is_empty())?;
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    Some((host, uri.port_u16().unwrap_or(default_port)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(url: &str) -> Result<Vec<SocketAddr>, ureq::Error> {
        let r = CachingResolver::default();
        let config = Config::default();
        let uri: Uri = url.parse().unwrap();
        r.resolve(&uri, &config, NextTimeout::default())
            .map(|a| a.to_vec())
    }

    #[test]
    fn ip_literals_need_no_lookup() {
        assert_eq!(
            resolve("http://127.0.0.1:8080/x").unwrap(),
            ["127.0.0.1:8080".parse::<SocketAddr>().unwrap()]
        );
        assert_eq!(
            resolve("https://[::1]/x").unwrap(),
            ["[::1]:443".parse::<SocketAddr>().unwrap()]
        );
        assert_eq!(
            resolve("http://10.1.2.3/").unwrap(),
            ["10.1.2.3:80".parse::<SocketAddr>().unwrap()]
        );
        assert_eq!(
            resolve("http://user@127.0.0.2:81/").unwrap(),
            ["127.0.0.2:81".parse::<SocketAddr>().unwrap()]
        );
        assert_eq!(
            resolve("https://[::1]:8443/").unwrap(),
            ["[::1]:8443".parse::<SocketAddr>().unwrap()]
        );
    }

    #[test]
    fn loopback_only_means_every_address() {
        let a = |s: &str| s.parse::<SocketAddr>().unwrap();
        assert!(all_loopback([a("127.0.0.1:0"), a("[::1]:0")]));
        assert!(!all_loopback([a("127.0.0.1:0"), a("10.0.0.1:0")]));
        assert!(!all_loopback([a("[::1]:0"), a("[2001:db8::1]:0")]));
        assert!(!all_loopback(std::iter::empty()));
        // This machine's localhost (a test machine's resolver keeps it local).
        assert!(localhost_is_loopback());
    }

    #[test]
    fn names_are_looked_up_and_kept() {
        let r = CachingResolver::default();
        let config = Config::default();
        let uri: Uri = "http://localhost:8080/".parse().unwrap();
        let first = r.resolve(&uri, &config, NextTimeout::default()).unwrap();
        assert!(
            first
                .iter()
                .all(|a| a.ip().is_loopback() && a.port() == 8080)
        );
        assert_eq!(r.names.lock().unwrap().len(), 1);
        let again = r.resolve(&uri, &config, NextTimeout::default()).unwrap();
        assert_eq!(first.to_vec(), again.to_vec());
        assert_eq!(r.names.lock().unwrap().len(), 1);
    }
}
