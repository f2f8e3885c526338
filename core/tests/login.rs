//! The browser login of the core against fw-devserver, with a browser
//! written here (raw HTTP/1.1, its cookies kept, redirects followed) and a
//! local attacker: the key saved is the minted one, never the login token
//! nor a token handed in by another process; the login token is revoked;
//! no token is in any error or Debug output.

mod support;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use fwclient_core::login::{Login, LoginSettings};
use fwclient_core::options::HttpOptions;
use fwclient_core::{Auth, ErrorKind, Options, Remedy, TokenSource};
use support::DevServer;

const OTHER_USER: &str = "admin_fake_token_456";
const FORGED: &str = "forged_attacker_token_0001";

/// One answer: status, headers (lower-case names), body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// `GET url` (http://127.0.0.1:port/...) with these cookies and headers.
fn get(url: &str, cookies: &BTreeMap<String, String>, extra: &[(&str, &str)]) -> Answer {
    let rest = url.strip_prefix("http://").expect(url);
    let (host, target) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut conn = TcpStream::connect(host).unwrap();
    let mut req = format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    if !cookies.is_empty() {
        let jar: Vec<String> = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        req.push_str(&format!("Cookie: {}\r\n", jar.join("; ")));
    }
    for (k, v) in extra {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    conn.write_all(req.as_bytes()).unwrap();
    let mut raw = String::new();
    conn.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// A browser: follows redirects from `url`, keeping cookies; returns every
/// address visited and the last answer.
fn browse(url: &str) -> (Vec<String>, Answer) {
    let mut cookies = BTreeMap::new();
    let mut visited = vec![url.to_owned()];
    let mut at = url.to_owned();
    for _ in 0..10 {
        let answer = get(&at, &cookies, &[]);
        for (k, v) in &answer.headers {
            if k == "set-cookie" {
                let pair = v.split(';').next().unwrap();
                let (name, value) = pair.split_once('=').unwrap();
                cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        match answer.header("location") {
            Some(next) if answer.status == 302 => {
                at = next.to_owned();
                visited.push(at.clone());
            }
            _ => return (visited, answer),
        }
    }
    panic!("too many redirects");
}

/// The loopback address the login sends the browser back to.
fn listener_of(url: &str) -> String {
    let redirect = url.split_once("redirect=").unwrap().1;
    percent_encoding::percent_decode_str(redirect)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

fn login_token_in(visited: &[String]) -> String {
    let back = visited
        .iter()
        .find(|u| u.contains("middle_auth_token="))
        .unwrap();
    back.split("middle_auth_token=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned()
}

/// An auth object for the server `s`, its secrets in `dir`.
fn auth_in(s: &DevServer, dir: &tempfile::TempDir) -> Arc<Auth> {
    Arc::new(
        Auth::new(&Options {
            server_address: Some(s.url.clone()),
            secrets_dir: Some(dir.path().to_str().unwrap().to_owned()),
            ..Options::default()
        })
        .unwrap(),
    )
}

fn start(s: &DevServer, dir: &tempfile::TempDir) -> (Arc<Auth>, Login) {
    let auth = auth_in(s, dir);
    let settings = LoginSettings {
        description: Some("core test".into()),
        ..LoginSettings::default()
    };
    let login = Login::start(Arc::clone(&auth), &HttpOptions::default(), settings).unwrap();
    (auth, login)
}

fn user_me(s: &DevServer, token: &str) -> u16 {
    let bearer = format!("Bearer {token}");
    let me = format!("{}/auth/api/v1/user/me", s.url);
    get(&me, &BTreeMap::new(), &[("Authorization", &bearer)]).status
}

#[test]
fn the_minted_key_is_saved_and_the_login_token_revoked_despite_an_attacker() {
    let s = DevServer::start();
    let dir = tempfile::tempdir().unwrap();
    let (auth, login) = start(&s, &dir);
    let back = listener_of(login.url());
    let (base, path) = back.split_at(back.rfind('/').unwrap());
    let none = BTreeMap::new();
    // A local process: other paths and methods, its own tokens.
    for target in [
        format!("{base}/?middle_auth_token={OTHER_USER}"),
        format!("{base}{path}x?middle_auth_token={OTHER_USER}"),
        format!("{base}{}?middle_auth_token={FORGED}", path.to_uppercase()),
        format!("{base}{path}/deeper?middle_auth_token={FORGED}"),
    ] {
        assert_eq!(get(&target, &none, &[]).status, 404, "{target}");
    }
    // The right path without a token, and with one of another user's API
    // keys or a forged token (a process that learned the path): refused,
    // and the login goes on.
    assert_eq!(get(&back, &none, &[]).status, 400);
    let api_key = std::thread::spawn({
        let target = format!("{back}?middle_auth_token={OTHER_USER}");
        move || get(&target, &BTreeMap::new(), &[])
    });
    let forged = format!("{back}?middle_auth_token={FORGED}");
    let refused = std::thread::spawn(move || get(&forged, &BTreeMap::new(), &[]));
    let url = login.url().to_owned();
    let browser = std::thread::spawn(move || {
        // Once the forged callback was answered, the real browser comes.
        let refused = refused.join().unwrap();
        (refused, browse(&url))
    });
    let done = login.wait(Duration::from_secs(60), None).unwrap();
    let (refused, (visited, landed)) = browser.join().unwrap();
    assert_eq!(refused.status, 400);
    assert_eq!(api_key.join().unwrap().status, 400);
    assert!(refused.body.contains("Login refused"));
    assert_eq!(landed.status, 200);
    assert!(landed.body.contains("<h1>Logged in</h1>"));
    assert_eq!(landed.header("cache-control"), Some("no-store"));

    let login_token = login_token_in(&visited);
    let key = auth.token().unwrap();
    let key = key.expose();
    assert!(key != login_token && key != FORGED && key != OTHER_USER);
    assert_eq!(done.user["id"], 1);
    assert!(matches!(done.source, TokenSource::File { .. }));
    assert!(
        std::fs::read_to_string(&done.token_file)
            .unwrap()
            .contains(key)
    );
    assert_eq!(user_me(&s, key), 200);
    assert_eq!(user_me(&s, &login_token), 401, "the login token is revoked");
    assert!(done.revoke_problem.is_none());
    for shown in [
        format!("{login:?}"),
        format!("{done:?}"),
        landed.body.clone(),
    ] {
        for secret in [key, login_token.as_str()] {
            assert!(!shown.contains(secret), "a token in {shown}");
        }
    }
    // Done: the listener answers no one any more.
    let again = format!("{back}?middle_auth_token={login_token}");
    assert_eq!(get(&again, &none, &[]).status, 404);
}

#[test]
fn a_browser_that_never_comes_back_names_the_way_out() {
    let s = DevServer::start();
    let dir = tempfile::tempdir().unwrap();
    let (auth, login) = start(&s, &dir);
    let e = login.wait(Duration::from_millis(30), None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert_eq!(*e.remedy(), Remedy::SaveTokenByHand);
    assert!(e.message().contains("did not come back"), "{}", e.message());
    let cancel = fwclient_core::http::Cancel::new();
    cancel.trigger();
    let e = login
        .wait(Duration::from_secs(60), Some(&cancel))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Canceled);
    assert!(auth.token().is_none());
}

#[test]
fn a_pasted_address_with_a_forged_token_is_refused_without_quoting_it() {
    let s = DevServer::start();
    let dir = tempfile::tempdir().unwrap();
    let (auth, login) = start(&s, &dir);
    let forged = format!("{}?middle_auth_token={FORGED}", listener_of(login.url()));
    let e = login.finish_with_address(&forged, None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidToken);
    assert!(!format!("{e:?}").contains(FORGED));
    let e = login
        .finish_with_address(
            &format!("http://127.0.0.1:1/x?middle_auth_token={FORGED}"),
            None,
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert!(!format!("{e:?}").contains(FORGED));
    assert!(auth.token().is_none());
}

#[test]
fn the_realm_of_a_401_is_a_login_page_too() {
    let s = DevServer::start();
    let dir = tempfile::tempdir().unwrap();
    let protected = format!("{}/protected/minnie65/view", s.url);
    let challenge = get(&protected, &BTreeMap::new(), &[("X-Requested-With", "x")]);
    assert_eq!(challenge.status, 401);
    let realm = fwclient_core::login::realm_of(challenge.header("www-authenticate").unwrap());
    assert_eq!(
        realm.as_deref(),
        Some(format!("{}/sticky_auth/api/v1/authorize", s.url).as_str())
    );
    let auth = auth_in(&s, &dir);
    let settings = LoginSettings {
        authorize_url: realm,
        ..LoginSettings::default()
    };
    let login = Login::start(Arc::clone(&auth), &HttpOptions::default(), settings).unwrap();
    let url = login.url().to_owned();
    let browser = std::thread::spawn(move || browse(&url));
    let done = login.wait(Duration::from_secs(60), None).unwrap();
    assert_eq!(browser.join().unwrap().1.status, 200);
    assert_eq!(done.user["name"], "Ada Lovelace");
    assert!(auth.token().is_some());
}
