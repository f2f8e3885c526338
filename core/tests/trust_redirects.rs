//! The trust model against servers that redirect (issue 11): the token, and
//! a token in a URL, reach only trusted origins whatever the servers answer.
//! Every test asserts what the attacker-side server received.

mod support;

use fwclient_core::http::Request;
use fwclient_core::{Client, ErrorKind, Options, Remedy, Token};
use support::{Canned, CannedServer, DevServer, assert_no_token, http_answer};

/// Mixed case, so that lower- and upper-cased copies are other forms.
const TOKEN: &str = "fake_Token_Trust_42";
/// The token a TTL call asks about (not the client's own).
const TTL_TOKEN: &str = "fake_Ttl_Token_77";

fn options(server: &str, token: Option<&str>, dir: &tempfile::TempDir) -> Options {
    Options {
        token: token.map(|t| Token::new(t).unwrap()),
        server_address: Some(server.to_owned()),
        secrets_dir: Some(dir.path().to_str().unwrap().to_owned()),
        ..Options::default()
    }
}

fn client(
    server: &str,
    datastack: Option<&str>,
    token: Option<&str>,
) -> (Client, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let c = Client::new(datastack, &options(server, token, &dir)).unwrap();
    (c, dir)
}

fn redirect(status: u16, location: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} Moved\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .into_bytes()
}

fn json(body: &str) -> Vec<u8> {
    http_answer(200, "application/json", body)
}

/// Everything `server` received, as one byte string.
fn received(server: &CannedServer) -> Vec<u8> {
    server.requests.lock().unwrap().concat().into_bytes()
}

/// Every byte percent-encoded, upper-case hex.
fn encoded(t: &str) -> String {
    t.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// Every other byte encoded, lower-case hex.
fn half_encoded(t: &str) -> String {
    t.bytes()
        .enumerate()
        .map(|(i, b)| {
            if i % 2 == 0 {
                format!("%{b:02x}")
            } else {
                (b as char).to_string()
            }
        })
        .collect()
}

/// The forms a server may give a token in.
fn forms(t: &str) -> Vec<String> {
    vec![
        t.to_owned(),
        t.to_ascii_lowercase(),
        t.to_ascii_uppercase(),
        encoded(t),
        half_encoded(t),
        encoded(t).replace('%', "%25"),
        half_encoded(&t.to_ascii_lowercase()),
    ]
}

#[test]
fn a_location_holding_the_token_in_any_form_is_not_followed() {
    let attacker = CannedServer::start(vec![Canned::Reply(json("{}"))]);
    for form in forms(TOKEN) {
        for target in [&attacker.url, "" /* same origin */] {
            let server = CannedServer::start(vec![Canned::Reply(redirect(
                302,
                &format!("{target}/steal?next={form}"),
            ))]);
            let (c, _d) = client(&server.url, None, Some(TOKEN));
            let e = c.get(&format!("{}/x", server.url)).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::BadResponse, "{form}: {}", e.message());
            assert!(e.message().contains("holding the token"), "{}", e.message());
            assert_no_token(format!("{e:?} {e}").as_bytes(), TOKEN, "the error");
            assert_eq!(server.requests.lock().unwrap().len(), 1, "{form}");
        }
    }
    assert!(attacker.requests.lock().unwrap().is_empty());
}

#[test]
fn a_cross_origin_redirect_gets_no_token_and_a_refusal_says_why() {
    let s = DevServer::start();
    let (c, _d) = client(&s.url, None, Some(TOKEN));
    let e = c
        .get(&format!("{}/redirect/other?to=/auth/api/v1/user/me", s.url))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UntrustedOrigin, "{}", e.message());
    assert!(
        e.message().contains("redirected to another origin"),
        "{}",
        e.message()
    );
    assert!(!e.message().contains("none was sent"), "{}", e.message());
    assert_no_token(s.log().as_bytes(), TOKEN, "the devserver log");
}

#[test]
fn a_request_withheld_from_an_untrusted_origin_names_it_and_the_fix() {
    let s = DevServer::start();
    let (c, _d) = client(&s.url, None, Some(TOKEN));
    let e = c
        .get(&format!("{}/auth/api/v1/user/me", s.other_url))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UntrustedOrigin, "{}", e.message());
    assert_eq!(e.http_status(), 401);
    let origin = s.other_url.clone();
    assert!(e.message().contains(&origin), "{}", e.message());
    assert!(e.message().contains("withheld"), "{}", e.message());
    assert!(
        e.message().ends_with("is not a trusted origin"),
        "{}",
        e.message()
    );
    assert_eq!(e.remedy(), &Remedy::TrustOrigin(origin));
    assert!(!e.message().contains("none was sent"), "{}", e.message());
    // Without any token, the old advice stands.
    let (none, _d) = client(&s.url, None, None);
    let e = none
        .get(&format!("{}/auth/api/v1/user/me", s.other_url))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotAuthenticated);
    assert!(e.message().contains("none was sent"), "{}", e.message());
    assert_eq!(e.remedy(), &Remedy::LogIn);
}

#[test]
fn datastack_info_answered_through_a_cross_origin_redirect_is_not_adopted() {
    // The attacker answers the info, naming its sink as the local server.
    let sink = CannedServer::start(vec![Canned::Reply(json("{}"))]);
    let info = format!(r#"{{"local_server": "{}"}}"#, sink.url);
    let attacker = CannedServer::start(vec![Canned::Reply(json(&info))]);
    let server = CannedServer::start(vec![Canned::Reply(redirect(
        302,
        &format!("{}/info/api/v2/datastack/full/ds", attacker.url),
    ))]);
    let (c, _d) = client(&server.url, Some("ds"), Some(TOKEN));
    let e = c.datastack_info().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UntrustedOrigin, "{}", e.message());
    assert!(e.message().contains("not adopted"), "{}", e.message());
    let e = c.local_server().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UntrustedOrigin, "{}", e.message());
    // A request to the would-be local server is refused, naming the rule.
    let e = c.get(&format!("{}/echo", sink.url)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UntrustedOrigin, "{}", e.message());
    assert!(
        e.message().contains("local server of datastack"),
        "{}",
        e.message()
    );
    assert!(c.auth().local_server().is_none());
    assert_no_token(&received(&attacker), TOKEN, "the attacker");
    assert!(sink.requests.lock().unwrap().is_empty());
}

#[test]
fn a_plain_http_local_server_off_loopback_is_not_trusted() {
    let server = CannedServer::start(vec![Canned::Reply(json(
        r#"{"local_server": "http://fwclient-test.invalid:9"}"#,
    ))]);
    let (c, _d) = client(&server.url, Some("ds"), Some(TOKEN));
    assert_eq!(c.local_server().unwrap(), "http://fwclient-test.invalid:9");
    // Not adopted for saves either.
    assert!(c.auth().local_server().is_none());
    // The request goes without the token (so no InsecureUrl refusal): the
    // name does not resolve, a network error.
    let e = c.get("http://fwclient-test.invalid:9/x").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{}", e.message());
}

#[test]
fn the_ttl_token_never_follows_a_redirect_in_any_form() {
    let attacker = CannedServer::start(vec![Canned::Reply(json("5"))]);
    for form in forms(TTL_TOKEN) {
        let server = CannedServer::start(vec![Canned::Reply(redirect(
            302,
            &format!("{}/user/token/{form}/ttl", attacker.url),
        ))]);
        let (c, _d) = client(&server.url, None, Some(TOKEN));
        let e = c.token_ttl(&Token::new(TTL_TOKEN).unwrap()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BadResponse, "{form}: {}", e.message());
        assert_no_token(format!("{e:?} {e}").as_bytes(), TTL_TOKEN, "the error");
    }
    assert!(attacker.requests.lock().unwrap().is_empty());
    // A redirect elsewhere is followed without either token.
    let server = CannedServer::start(vec![Canned::Reply(redirect(
        302,
        &format!("{}/elsewhere", attacker.url),
    ))]);
    let (c, _d) = client(&server.url, None, Some(TOKEN));
    assert_eq!(c.token_ttl(&Token::new(TTL_TOKEN).unwrap()).unwrap(), 5);
    let got = received(&attacker);
    assert!(!got.is_empty());
    assert_no_token(&got, TTL_TOKEN, "the attacker");
    assert_no_token(&got, TOKEN, "the attacker");
}

#[test]
fn the_ttl_token_goes_over_https_or_loopback_only_even_without_a_token() {
    for token in [Some(TOKEN), None] {
        let (c, _d) = client("http://fwclient-test.invalid", None, token);
        let e = c.token_ttl(&Token::new(TTL_TOKEN).unwrap()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InsecureUrl, "{}", e.message());
        assert_no_token(format!("{e:?} {e}").as_bytes(), TTL_TOKEN, "the error");
    }
}

#[test]
fn the_ttl_token_is_one_path_segment_and_masked_in_every_error() {
    let ttl = "fake/Ttl?Tok+en";
    let body = format!(
        r#"{{"error":"x","message":"no {} or {}"}}"#,
        encoded(ttl),
        ttl.to_ascii_lowercase()
    );
    let server = CannedServer::start(vec![Canned::Reply(http_answer(
        404,
        "application/json",
        &body,
    ))]);
    let (c, _d) = client(&server.url, None, Some(TOKEN));
    let e = c.token_ttl(&Token::new(ttl).unwrap()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::HttpStatus);
    let shown = format!(
        "{e:?} {e} {} {}",
        e.detail().unwrap().url.as_deref().unwrap_or(""),
        String::from_utf8_lossy(&e.detail().unwrap().body)
    );
    assert_no_token(shown.as_bytes(), ttl, "the error");
    let line = server.requests.lock().unwrap()[0]
        .lines()
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        line,
        "GET /auth/api/v1/user/token/fake%2FTtl%3FTok%2Ben/ttl HTTP/1.1"
    );
    for bad in [".", ".."] {
        let e = c.token_ttl(&Token::new(bad).unwrap()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    }
}

#[test]
fn an_error_body_echoing_the_token_in_any_form_is_masked() {
    for form in forms(TOKEN) {
        let body = format!(r#"{{"error":"x","message":"token {form} is odd"}}"#);
        let srv = CannedServer::start(vec![Canned::Reply(http_answer(
            418,
            "application/json",
            &body,
        ))]);
        let (c, _d) = client(&srv.url, None, Some(TOKEN));
        let e = c.get(&format!("{}/x", srv.url)).unwrap_err();
        let shown = format!(
            "{e:?} {e} {}",
            String::from_utf8_lossy(&e.detail().unwrap().body)
        );
        assert_no_token(shown.as_bytes(), TOKEN, "the error");
        assert!(shown.contains("<redacted>"), "{shown}");
    }
}

#[test]
fn a_relative_location_with_a_url_in_its_query_stays_on_the_origin() {
    let attacker = CannedServer::start(vec![Canned::Reply(json("{}"))]);
    let server = CannedServer::start(vec![
        Canned::Reply(redirect(302, &format!("/login2?next={}/x", attacker.url))),
        Canned::Reply(json("{}")),
    ]);
    let (c, _d) = client(&server.url, None, Some(TOKEN));
    c.get(&format!("{}/start", server.url)).unwrap();
    let reqs = server.requests.lock().unwrap().clone();
    assert_eq!(reqs.len(), 2);
    assert!(
        reqs[1].starts_with(&format!("GET /login2?next={}/x HTTP/1.1", attacker.url)),
        "{}",
        reqs[1]
    );
    // Same origin: the token still goes there.
    assert!(
        reqs[1]
            .to_ascii_lowercase()
            .contains("authorization: bearer")
    );
    assert!(attacker.requests.lock().unwrap().is_empty());
}

#[test]
fn a_307_or_308_with_a_body_is_not_followed_to_another_origin() {
    let attacker = CannedServer::start(vec![Canned::Reply(json("{}"))]);
    for status in [307, 308] {
        let server = CannedServer::start(vec![Canned::Reply(redirect(
            status,
            &format!("{}/x", attacker.url),
        ))]);
        let (c, _d) = client(&server.url, None, Some(TOKEN));
        let url = format!("{}/post", server.url);
        let e = c
            .request(&Request {
                method: "POST",
                url: &url,
                body: Some(b"{\"secret\": \"body\"}"),
                content_type: Some("application/json"),
            })
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BadResponse, "{}", e.message());
        assert_eq!(e.http_status(), status);
        assert!(e.message().contains("another origin"), "{}", e.message());
    }
    assert!(attacker.requests.lock().unwrap().is_empty());
    // On the same origin the body follows.
    let server = CannedServer::start(vec![
        Canned::Reply(redirect(307, "/again")),
        Canned::Reply(json("{}")),
    ]);
    let (c, _d) = client(&server.url, None, Some(TOKEN));
    let url = format!("{}/post", server.url);
    c.request(&Request {
        method: "POST",
        url: &url,
        body: Some(b"kept body"),
        content_type: Some("text/plain"),
    })
    .unwrap();
    let reqs = server.requests.lock().unwrap().clone();
    assert!(reqs[1].starts_with("POST /again "), "{}", reqs[1]);
    assert!(reqs[1].ends_with("kept body"), "{}", reqs[1]);
}

#[test]
fn datastack_names_are_one_path_segment() {
    let server = CannedServer::start(vec![Canned::Reply(json("{}"))]);
    let (c, _d) = client(&server.url, Some("x/../../y?z=1#f"), Some(TOKEN));
    c.datastack_info().unwrap();
    let line = server.requests.lock().unwrap()[0]
        .lines()
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        line,
        "GET /info/api/v2/datastack/full/x%2F..%2F..%2Fy%3Fz%3D1%23f HTTP/1.1"
    );
    let dir = tempfile::tempdir().unwrap();
    for bad in ["", ".", ".."] {
        let e = Client::new(Some(bad), &options(&server.url, Some(TOKEN), &dir)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{bad:?}");
        assert!(e.message().contains("datastack name"), "{}", e.message());
    }
}

#[test]
fn localhost_is_loopback_when_it_resolves_there() {
    let s = DevServer::start();
    let by_name = s.url.replace("127.0.0.1", "localhost");
    let (c, _d) = client(&by_name, None, Some(TOKEN));
    // Plain http with the token: allowed, as for 127.0.0.1.
    let body = c.get(&format!("{by_name}/echo")).unwrap().body;
    assert!(String::from_utf8_lossy(&body).contains(TOKEN));
}

#[test]
fn a_url_holding_a_token_goes_to_trusted_origins_only() {
    let server = CannedServer::start(vec![Canned::Reply(json("5"))]);
    let attacker = CannedServer::start(vec![Canned::Reply(json("5"))]);
    let t = fwclient_core::http::Transport::new(
        &fwclient_core::options::HttpOptions::default(),
        &server.url,
        "https://example.invalid/create_token".into(),
    )
    .unwrap();
    let ttl = Token::new(TTL_TOKEN).unwrap();
    let url = format!("{}/auth/api/v1/user/token/{TTL_TOKEN}/ttl", attacker.url);
    let e = t
        .send_with_url_secret(&Request::get(&url), None, Some(&ttl))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UntrustedOrigin, "{}", e.message());
    assert!(e.message().contains(&attacker.url), "{}", e.message());
    assert_no_token(format!("{e:?} {e}").as_bytes(), TTL_TOKEN, "the error");
    assert!(attacker.requests.lock().unwrap().is_empty());
    // The trusted server gets it.
    let url = format!("{}/auth/api/v1/user/token/{TTL_TOKEN}/ttl", server.url);
    t.send_with_url_secret(&Request::get(&url), None, Some(&ttl))
        .unwrap();
    assert_eq!(server.requests.lock().unwrap().len(), 1);
}
