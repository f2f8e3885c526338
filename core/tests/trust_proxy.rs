//! Proxies as Go's net/http and curl use them (issue 11, item 4), against a
//! logging CONNECT proxy written here: the token crosses a proxy only inside
//! TLS (or when plain http was allowed), loopback is never proxied, an
//! unsupported proxy is an error rather than a direct connection, and the
//! environment variables are honoured (checked through `fwauth`, a separate
//! process, so that no test changes this process's environment).

mod support;

use std::net::{SocketAddr, TcpListener};
// The environment's proxy variables are checked through fwauth on Unix only.
#[cfg(unix)]
use std::process::{Command, Output};
use std::time::Duration;

use fwclient_core::options::ProxyOption;
use fwclient_core::{Client, ErrorKind, Options, Token};
#[cfg(unix)]
use support::fwauth_binary;
use support::proxy::ConnectProxy;
use support::{DevServer, assert_no_token};

/// A devserver token.
const TOKEN: &str = "fake_token_123";
/// A name that is not loopback (and never resolves): requests to it are
/// proxied, and the test proxy sends them to the devserver.
const NAME: &str = "fwclient-test.invalid";

/// A TLS devserver whose certificate is also for NAME, and its CA file.
fn tls_devserver() -> (DevServer, tempfile::TempDir) {
    let certs = tempfile::tempdir().unwrap();
    let s = DevServer::start_with(&[
        "--tls-self-signed",
        certs.path().to_str().unwrap(),
        "--tls-name",
        NAME,
    ]);
    (s, certs)
}

fn ca(certs: &tempfile::TempDir) -> String {
    certs.path().join("ca.pem").to_str().unwrap().to_owned()
}

fn addr(url: &str) -> SocketAddr {
    url.split_once("://").unwrap().1.parse().unwrap()
}

fn port(url: &str) -> u16 {
    addr(url).port()
}

fn options(server: &str, proxy: ProxyOption, dir: &tempfile::TempDir) -> Options {
    let mut o = Options {
        token: Some(Token::new(TOKEN).unwrap()),
        server_address: Some(server.to_owned()),
        secrets_dir: Some(dir.path().to_str().unwrap().to_owned()),
        ..Options::default()
    };
    o.http.proxy = proxy;
    o.http.max_retries = 0;
    o.http.connect_timeout = Duration::from_secs(5);
    o
}

#[test]
fn an_https_target_goes_through_the_proxy_with_the_token_only_inside_tls() {
    let (s, certs) = tls_devserver();
    let proxy = ConnectProxy::start(Some(addr(&s.url)));
    let server = format!("https://{NAME}:{}", port(&s.url));
    let dir = tempfile::tempdir().unwrap();
    let mut o = options(&server, ProxyOption::Url(proxy.url.clone()), &dir);
    o.http.ca_file = Some(ca(&certs));
    let c = Client::new(None, &o).unwrap();
    assert_eq!(c.whoami().unwrap()["id"], 1);
    assert_eq!(
        proxy.requests(),
        [format!("CONNECT {NAME}:{} HTTP/1.1", port(&s.url))]
    );
    assert_no_token(&proxy.received(), TOKEN, "the proxy");
}

#[test]
fn an_http_target_through_a_proxy_gets_the_token_only_if_plain_http_is_allowed() {
    let s = DevServer::start();
    let proxy = ConnectProxy::start(Some(addr(&s.url)));
    let server = format!("http://{NAME}:{}", port(&s.url));
    let dir = tempfile::tempdir().unwrap();
    let o = options(&server, ProxyOption::Url(proxy.url.clone()), &dir);
    let e = Client::new(None, &o).unwrap().whoami().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InsecureUrl, "{}", e.message());
    assert!(e.message().contains("through the proxy"), "{}", e.message());
    assert!(proxy.requests().is_empty());
    assert!(proxy.received().is_empty());
    // Allowed explicitly: the user accepted that the hop is in clear.
    let mut o = o;
    o.http.allow_insecure_http = true;
    assert_eq!(Client::new(None, &o).unwrap().whoami().unwrap()["id"], 1);
    assert_eq!(proxy.requests().len(), 1);
}

#[test]
fn loopback_targets_never_go_through_a_proxy() {
    let s = DevServer::start();
    let proxy = ConnectProxy::start(None);
    for server in [s.url.clone(), s.url.replace("127.0.0.1", "localhost")] {
        let dir = tempfile::tempdir().unwrap();
        let o = options(&server, ProxyOption::Url(proxy.url.clone()), &dir);
        assert_eq!(Client::new(None, &o).unwrap().whoami().unwrap()["id"], 1);
    }
    assert!(proxy.requests().is_empty());
}

#[test]
fn an_unsupported_proxy_scheme_is_an_error_not_a_direct_connection() {
    let socks = TcpListener::bind("127.0.0.1:0").unwrap();
    socks.set_nonblocking(true).unwrap();
    let url = format!("socks5://user:pw@{}", socks.local_addr().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let o = options(&format!("https://{NAME}"), ProxyOption::Url(url), &dir);
    let e = Client::new(None, &o).unwrap().whoami().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{}", e.message());
    assert!(e.message().contains("socks5 proxy"), "{}", e.message());
    assert!(e.message().contains("not sent direct"), "{}", e.message());
    assert!(!e.message().contains("pw"), "{}", e.message());
    assert!(
        socks.accept().is_err(),
        "nothing connects to the socks proxy"
    );
}

#[test]
fn the_proxy_option_none_sends_everything_direct() {
    assert_eq!(ProxyOption::parse(" None ").unwrap(), ProxyOption::None);
    let proxy = ConnectProxy::start(None);
    let dir = tempfile::tempdir().unwrap();
    let o = options(&format!("https://{NAME}"), ProxyOption::None, &dir);
    // Direct: the name does not resolve.
    let e = Client::new(None, &o).unwrap().whoami().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{}", e.message());
    assert!(proxy.requests().is_empty());
}

#[cfg(unix)]
/// `fwauth --server SERVER whoami` with only `vars` of the proxy variables set.
fn fwauth_whoami(server: &str, vars: &[(&str, &str)], ca: Option<&str>) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(fwauth_binary());
    cmd.args(["--server", server, "whoami"])
        .env("HOME", home.path())
        .env("FW_SECRETS_DIR", home.path().join("secrets"))
        .env("FW_AUTH_TOKEN", TOKEN);
    for v in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
        "REQUEST_METHOD",
        "FW_CA_BUNDLE",
    ] {
        cmd.env_remove(v);
    }
    if let Some(ca) = ca {
        cmd.env("FW_CA_BUNDLE", ca);
    }
    cmd.envs(vars.iter().copied());
    cmd.output().expect("run fwauth")
}

// The environment is read in a child process (fwauth), so that no test
// changes its own environment; the Windows run (make test-windows) builds
// no Windows fwauth, so these three run on Unix only.
#[cfg(unix)]
#[test]
fn https_proxy_from_the_environment_is_honoured_in_either_case() {
    let (s, certs) = tls_devserver();
    let server = format!("https://{NAME}:{}", port(&s.url));
    for var in ["HTTPS_PROXY", "https_proxy", "ALL_PROXY"] {
        let proxy = ConnectProxy::start(Some(addr(&s.url)));
        let out = fwauth_whoami(&server, &[(var, &proxy.url)], Some(&ca(&certs)));
        assert!(
            out.status.success(),
            "{var}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(proxy.requests().len(), 1, "{var}");
        assert_no_token(&proxy.received(), TOKEN, "the proxy");
    }
}

// The environment is read in a child process (fwauth), so that no test
// changes its own environment; the Windows run (make test-windows) builds
// no Windows fwauth, so these three run on Unix only.
#[cfg(unix)]
#[test]
fn no_proxy_from_the_environment_is_honoured() {
    let proxy = ConnectProxy::start(None);
    let server = format!("https://{NAME}");
    let out = fwauth_whoami(
        &server,
        &[
            ("HTTPS_PROXY", &proxy.url),
            ("NO_PROXY", "example.org,.invalid"),
        ],
        None,
    );
    // Direct: the name does not resolve (exit 7, network).
    assert_eq!(
        out.status.code(),
        Some(7),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(proxy.requests().is_empty());
}

// The environment is read in a child process (fwauth), so that no test
// changes its own environment; the Windows run (make test-windows) builds
// no Windows fwauth, so these three run on Unix only.
#[cfg(unix)]
#[test]
fn a_socks_all_proxy_is_an_error_not_a_direct_connection() {
    let socks = TcpListener::bind("127.0.0.1:0").unwrap();
    socks.set_nonblocking(true).unwrap();
    let all = format!("socks5://{}", socks.local_addr().unwrap());
    let out = fwauth_whoami(&format!("https://{NAME}"), &[("ALL_PROXY", &all)], None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("$ALL_PROXY"), "{stderr}");
    assert!(stderr.contains("not sent direct"), "{stderr}");
    assert!(
        socks.accept().is_err(),
        "nothing connects to the socks proxy"
    );
    // A loopback server is still reached (never proxied).
    let s = DevServer::start();
    let out = fwauth_whoami(&s.url, &[("ALL_PROXY", &all)], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
