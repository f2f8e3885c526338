//! Authenticated requests against fw-devserver and canned servers: the
//! headers a server receives, and the error a caller gets for each answer.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use fwclient_core::http::Request;
use fwclient_core::{Client, ErrorKind, Options, Remedy, Token};
use serde_json::Value;
use support::{Canned, CannedServer, DevServer, KeepAliveServer, assert_no_token, http_answer};

const GOOD: &str = "fake_token_123";
const WRONG: &str = "another_fake_token_678";
const TOS: &str = "tos_fake_token_789";
const ADMIN: &str = "admin_fake_token_456";

fn options(server: &str, token: Option<&str>, secrets: &tempfile::TempDir) -> Options {
    Options {
        token: token.map(|t| Token::new(t).unwrap()),
        server_address: Some(server.to_owned()),
        secrets_dir: Some(secrets.path().to_str().unwrap().to_owned()),
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

fn echo(c: &Client, url: &str) -> Value {
    serde_json::from_slice(&c.get(url).unwrap().body).unwrap()
}

#[test]
fn datastack_info_is_fetched_with_the_token_and_cached() {
    let s = DevServer::start();
    let (c, _d) = client(&s.url, Some("minnie65_public"), Some(GOOD));
    let info = c.datastack_info().unwrap();
    assert_eq!(info["local_server"], Value::String(s.url.clone()));
    assert_eq!(c.local_server().unwrap(), s.url);
    let again = c.datastack_info().unwrap();
    assert!(
        Arc::ptr_eq(&info, &again),
        "second call must come from the cache"
    );
}

#[test]
fn trusted_origin_receives_header_and_cookie_never_the_query() {
    let s = DevServer::start();
    let (c, _d) = client(&s.url, None, Some(GOOD));
    let e = echo(&c, &format!("{}/echo/x?a=1", s.url));
    assert_eq!(e["authorization"], "Bearer fake_token_123");
    assert_eq!(e["cookie"], "middle_auth_token=fake_token_123");
    // The Authorization header already makes the request programmatic.
    assert_eq!(e["x_requested_with"], Value::Null);
    assert!(!e["query"].to_string().contains(GOOD));
    assert_eq!(e["query"], "a=1");
}

#[test]
fn untrusted_origin_receives_no_credentials() {
    let s = DevServer::start();
    let (c, _d) = client(&s.url, None, Some(GOOD));
    let e = echo(&c, &format!("{}/echo", s.other_url));
    assert_eq!(e["authorization"], Value::Null);
    assert_eq!(e["cookie"], Value::Null);
    // Without a token a request still asks for JSON errors, not a login page.
    assert_eq!(e["x_requested_with"], "fwclient");
}

#[test]
fn added_trusted_origin_receives_credentials() {
    let s = DevServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut o = options(&s.url, Some(GOOD), &dir);
    o.http.trusted_origins.push(s.other_url.clone());
    let c = Client::new(None, &o).unwrap();
    let e = echo(&c, &format!("{}/echo", s.other_url));
    assert_eq!(e["authorization"], "Bearer fake_token_123");
}

#[test]
fn local_server_is_trusted_whatever_the_order_of_calls() {
    let s = DevServer::start();
    // fanc_production's local server is the second origin: a request to it
    // before the info is known learns the info first (issue 11, item 1).
    let (c, _d) = client(&s.url, Some("fanc_production"), Some(GOOD));
    let before = echo(&c, &format!("{}/echo", s.other_url));
    assert_eq!(before["authorization"], "Bearer fake_token_123");
    assert_eq!(c.local_server().unwrap(), s.other_url);
    let after = echo(&c, &format!("{}/echo", s.other_url));
    assert_eq!(after["authorization"], "Bearer fake_token_123");
}

#[test]
fn same_origin_redirect_keeps_credentials() {
    let s = DevServer::start();
    let (c, _d) = client(&s.url, None, Some(GOOD));
    let e = echo(&c, &format!("{}/redirect/same?to=/echo/after", s.url));
    assert_eq!(e["path"], "/echo/after");
    assert_eq!(e["authorization"], "Bearer fake_token_123");
}

#[test]
fn cross_origin_redirect_drops_every_credential() {
    let s = DevServer::start();
    let dir = tempfile::tempdir().unwrap();
    // Even when the target origin is trusted, credentials do not cross a redirect.
    let mut o = options(&s.url, Some(GOOD), &dir);
    o.http.trusted_origins.push(s.other_url.clone());
    let c = Client::new(None, &o).unwrap();
    let e = echo(&c, &format!("{}/redirect/other?to=/echo/x", s.url));
    assert_eq!(e["origin"], Value::String(s.other_url.clone()));
    assert_eq!(e["authorization"], Value::Null);
    assert_eq!(e["cookie"], Value::Null);
    assert_eq!(e["x_requested_with"], "fwclient");
}

#[test]
fn redirect_loop_is_a_bad_response() {
    let s = DevServer::start();
    let (c, _d) = client(&s.url, None, Some(GOOD));
    let e = c.get(&format!("{}/redirect/loop", s.url)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadResponse);
    assert!(e.message().contains("redirects"), "{}", e.message());
}

#[test]
fn no_token_is_not_authenticated_with_how_to_get_one() {
    let s = DevServer::start();
    let (c, _d) = client(&s.url, Some("minnie65_public"), None);
    let e = c.datastack_info().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotAuthenticated);
    assert_eq!(e.http_status(), 401);
    assert_eq!(e.detail().unwrap().server_id.as_deref(), Some("no_token"));
    assert!(
        e.message().contains("/auth/api/v1/create_token"),
        "{}",
        e.message()
    );
    assert!(
        e.message().ends_with("/auth/api/v1/create_token"),
        "{}",
        e.message()
    );
    assert_eq!(e.remedy(), &Remedy::LogIn);
}

#[test]
fn redirect_to_the_login_page_is_not_authenticated() {
    let s = DevServer::start();
    let (c, _d) = client(&s.url, None, None);
    let e = c.get(&format!("{}/redirect/login", s.url)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotAuthenticated);
}

#[test]
fn wrong_token_is_invalid_or_expired() {
    let s = DevServer::start();
    let (c, _d) = client(&s.url, Some("minnie65_public"), Some(WRONG));
    let e = c.datastack_info().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidToken);
    assert_eq!(e.http_status(), 401);
    assert_eq!(
        e.detail().unwrap().server_id.as_deref(),
        Some("invalid_token")
    );
    assert!(
        e.message().contains("invalid or expired"),
        "{}",
        e.message()
    );
    assert!(!format!("{e:?} {e}").contains(WRONG));
}

#[test]
fn missing_tos_carries_the_form_url() {
    let s = DevServer::start();
    let (c, _d) = client(&s.url, Some("flywire_fafb"), Some(TOS));
    let e = c.datastack_info().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MissingTos);
    assert_eq!(e.http_status(), 403);
    let d = e.detail().unwrap();
    assert_eq!(d.server_id.as_deref(), Some("missing_tos"));
    let form = d.tos_form_url.as_deref().unwrap();
    assert_eq!(form, format!("{}/sticky_auth/api/v1/tos/7/accept", s.url));
    // The form is the remedy's data: each front end says to open it.
    assert_eq!(e.remedy(), &Remedy::AcceptTerms(form.to_owned()));
    assert!(
        e.message().contains("(HTTP 403 missing_tos)"),
        "{}",
        e.message()
    );
}

#[test]
fn missing_permission_names_permission_and_dataset() {
    let s = DevServer::start();
    let (c, _d) = client(&s.url, None, Some(GOOD));
    let e = c
        .get(&format!("{}/protected/flywire/edit", s.url))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    let d = e.detail().unwrap();
    assert_eq!(d.server_id.as_deref(), Some("missing_permission"));
    assert_eq!(d.permission.as_deref(), Some("edit"));
    assert_eq!(d.dataset.as_deref(), Some("flywire"));
    assert!(e.message().contains("\"edit\"") && e.message().contains("\"flywire\""));
}

#[test]
fn admin_only_endpoint_is_forbidden_with_the_server_text() {
    let s = DevServer::start();
    let (c, _d) = client(&s.url, None, Some(GOOD));
    let e = c.get_user_information(&[1, 2]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    assert_eq!(e.http_status(), 403);
    assert_eq!(e.detail().unwrap().body, b"Requires admin privilege.");
    assert!(e.message().contains("Requires admin privilege."));
}

#[test]
fn other_statuses_keep_status_server_id_url_and_body() {
    let s = DevServer::start();
    let (c, _d) = client(&s.url, None, Some(GOOD));
    let url = format!("{}/fault/status?code=500", s.url);
    let e = c.get(&url).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::HttpStatus);
    let d = e.detail().unwrap();
    assert_eq!(
        (d.status, d.server_id.as_deref()),
        (500, Some("test_error"))
    );
    assert_eq!(d.url.as_deref(), Some(url.as_str()));
    assert!(String::from_utf8_lossy(&d.body).contains("status 500"));
}

#[test]
fn bad_auth_header_answer_maps_to_its_code() {
    let body =
        r#"{"error":"bad_auth_header","message":"Authorization header must begin with 'Bearer'"}"#;
    let srv = CannedServer::start(vec![Canned::Reply(http_answer(
        400,
        "application/json",
        body,
    ))]);
    let (c, _d) = client(&srv.url, None, Some(GOOD));
    let e = c.get(&format!("{}/x", srv.url)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadAuthHeader);
    assert_eq!(
        e.detail().unwrap().server_id.as_deref(),
        Some("bad_auth_header")
    );
}

#[test]
fn a_server_echoing_the_token_in_an_error_does_not_leak_it() {
    let body = format!(r#"{{"error":"x","message":"token {GOOD} is odd"}}"#);
    let srv = CannedServer::start(vec![Canned::Reply(http_answer(
        418,
        "application/json",
        &body,
    ))]);
    let (c, _d) = client(&srv.url, None, Some(GOOD));
    let e = c.get(&format!("{}/x", srv.url)).unwrap_err();
    let shown = format!(
        "{e:?} {e} {}",
        String::from_utf8_lossy(&e.detail().unwrap().body)
    );
    assert!(!shown.contains(GOOD), "{shown}");
}

#[test]
fn plain_http_to_a_remote_host_is_refused_before_connecting() {
    let dir = tempfile::tempdir().unwrap();
    // .invalid never resolves: the refusal must come before any lookup.
    let c = Client::new(
        None,
        &options("http://fwclient-test.invalid", Some(GOOD), &dir),
    )
    .unwrap();
    let e = c
        .get("http://fwclient-test.invalid/info/api/v2/datastacks")
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InsecureUrl);
    assert_eq!(
        e.message(),
        "refusing to send the token over plain http to http://fwclient-test.invalid:80; \
         use https, or allow plain http explicitly"
    );
    assert_eq!(
        e.remedy(),
        &Remedy::AllowInsecureHttp("http://fwclient-test.invalid:80".into())
    );
}

#[test]
fn plain_http_without_a_token_is_not_refused_but_sends_nothing() {
    let s = DevServer::start();
    let (c, _d) = client(&s.url, None, None);
    let e = echo(&c, &format!("{}/echo", s.url));
    assert_eq!(e["authorization"], Value::Null);
    assert_eq!(e["cookie"], Value::Null);
    assert_eq!(e["x_requested_with"], "fwclient");
}

#[test]
fn token_in_query_string_is_refused() {
    let s = DevServer::start();
    let (c, _d) = client(&s.url, None, Some(GOOD));
    let e = c
        .get(&format!("{}/echo?middle_auth_token=x", s.url))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidUrl);
}

#[test]
fn service_calls_return_the_server_json() {
    let s = DevServer::start();
    let (c, _d) = client(&s.url, None, Some(GOOD));
    assert_eq!(c.whoami().unwrap()["id"], 1);
    let stacks = c.datastacks().unwrap();
    assert!(
        stacks
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v == "minnie65_public")
    );
    let tokens = c.get_tokens().unwrap();
    assert!(
        tokens
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["token"] == GOOD)
    );
    assert_eq!(c.token_ttl(&Token::new(GOOD).unwrap()).unwrap(), -1);
    assert!(
        c.token_ttl(&Token::new("expiring_fake_token_000").unwrap())
            .unwrap()
            > 0
    );
    let ttl_err = c
        .token_ttl(&Token::new("not_mine_fake_999").unwrap())
        .unwrap_err();
    assert_eq!(ttl_err.http_status(), 404);
    assert!(!format!("{ttl_err:?} {ttl_err}").contains("not_mine_fake_999"));
    let (admin, _d2) = client(&s.url, None, Some(ADMIN));
    assert_eq!(
        admin
            .get_user_information(&[1, 2])
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let members = admin.get_group_users(1).unwrap();
    assert_eq!(members.as_array().unwrap().len(), 2);
}

#[test]
fn created_token_works_right_away() {
    let s = DevServer::start();
    let (c, _d) = client(&s.url, None, Some(GOOD));
    let new = c.create_token(Some("made by a test")).unwrap();
    assert!(fwclient_core::token::is_server_issued_form(new.expose()));
    let (c2, _d2) = client(&s.url, None, Some(new.expose()));
    assert_eq!(c2.whoami().unwrap()["id"], 1);
    // The old token stays valid.
    assert_eq!(c.whoami().unwrap()["id"], 1);
}

#[test]
fn a_token_set_later_is_used_by_the_client() {
    let s = DevServer::start();
    let (c, _d) = client(&s.url, None, None);
    assert_eq!(c.whoami().unwrap_err().kind(), ErrorKind::NotAuthenticated);
    c.auth().set_token(Token::new(GOOD).unwrap());
    assert_eq!(c.whoami().unwrap()["id"], 1);
}

#[test]
fn many_threads_share_one_client() {
    let s = DevServer::start_with(&["--quiet"]);
    let (c, _d) = client(&s.url, None, Some(GOOD));
    let c = Arc::new(c);
    let url = format!("{}/echo", s.url);
    let handles: Vec<_> = (0..16)
        .map(|_| {
            let (c, url) = (Arc::clone(&c), url.clone());
            std::thread::spawn(move || {
                for _ in 0..200 {
                    let r = c
                        .get(&url)
                        .unwrap_or_else(|e| panic!("{:?}: {}", e.kind(), e.message()));
                    assert_eq!(r.status, 200);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn connections_are_kept_alive_and_reused_by_threads_sharing_a_client() {
    use std::sync::atomic::Ordering::Relaxed;
    let s = KeepAliveServer::start();
    let (c, _d) = client(&s.url, None, Some(GOOD));
    for _ in 0..50 {
        assert_eq!(c.get(&format!("{}/x", s.url)).unwrap().body, b"{}");
    }
    assert_eq!(s.connections.load(Relaxed), 1, "one thread, one connection");
    let c = Arc::new(c);
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (c, url) = (Arc::clone(&c), format!("{}/x", s.url));
            std::thread::spawn(move || {
                for _ in 0..50 {
                    assert_eq!(c.get(&url).unwrap().status, 200);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    // Never more connections than requests in flight at once.
    let n = s.connections.load(Relaxed);
    assert!((1..=9).contains(&n), "{n} connections for 8 threads");
    assert_eq!(s.with_token.load(Relaxed), 450);
}

#[test]
fn a_stalled_server_times_out_within_the_bound() {
    let s = DevServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut o = options(&s.url, Some(GOOD), &dir);
    o.http.total_timeout = Duration::from_millis(300);
    let c = Client::new(None, &o).unwrap();
    let start = Instant::now();
    let e = c
        .get(&format!("{}/fault/stall?ms=5000", s.url))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{}", e.message());
    assert!(
        start.elapsed() < Duration::from_millis(4000),
        "gave up only after {:?}",
        start.elapsed()
    );
}

#[test]
fn a_503_then_200_succeeds_through_a_retry() {
    let s = DevServer::start();
    let (c, _d) = client(&s.url, None, Some(GOOD));
    let r = c
        .get(&format!(
            "{}/fault/flaky?key=retry-test&fail=1&status=503",
            s.url
        ))
        .unwrap();
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["attempts"], 2);
}

#[test]
fn retries_give_up_after_the_configured_count() {
    let s = DevServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut o = options(&s.url, Some(GOOD), &dir);
    o.http.max_retries = 1;
    let c = Client::new(None, &o).unwrap();
    let e = c
        .get(&format!(
            "{}/fault/flaky?key=give-up&fail=5&status=502",
            s.url
        ))
        .unwrap_err();
    assert_eq!((e.kind(), e.http_status()), (ErrorKind::HttpStatus, 502));
}

#[test]
fn post_is_not_retried() {
    let s = DevServer::start();
    let (c, _d) = client(&s.url, None, Some(GOOD));
    let url = format!("{}/fault/flaky?key=post-once&fail=1&status=503", s.url);
    let e = c
        .request(&Request {
            method: "POST",
            url: &url,
            body: Some(b"{}"),
            content_type: Some("application/json"),
        })
        .unwrap_err();
    assert_eq!(e.http_status(), 503);
}

#[test]
fn a_reset_connection_is_retried_for_get() {
    let ok = http_answer(200, "application/json", "{\"ok\":true}");
    let srv = CannedServer::start(vec![Canned::Close, Canned::Reply(ok)]);
    let (c, _d) = client(&srv.url, None, Some(GOOD));
    let r = c.get(&format!("{}/x", srv.url)).unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(srv.requests.lock().unwrap().len(), 2);
}

#[test]
fn a_body_over_the_limit_is_a_bad_response() {
    let s = DevServer::start();
    let dir = tempfile::tempdir().unwrap();
    let mut o = options(&s.url, Some(GOOD), &dir);
    o.http.max_body_bytes = 1024 * 1024;
    let c = Client::new(None, &o).unwrap();
    let e = c
        .get(&format!("{}/fault/big?bytes={}", s.url, 200 * 1024 * 1024))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadResponse);
    assert!(e.message().contains("limit"), "{}", e.message());
    let ok = c.get(&format!("{}/fault/big?bytes=1000", s.url)).unwrap();
    assert_eq!(ok.body.len(), 1000);
}

#[test]
fn a_body_cut_short_is_a_network_error() {
    let head = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\nabc".to_vec();
    let srv = CannedServer::start(vec![Canned::Partial(head)]);
    let dir = tempfile::tempdir().unwrap();
    let mut o = options(&srv.url, Some(GOOD), &dir);
    o.http.max_retries = 0;
    let c = Client::new(None, &o).unwrap();
    let e = c.get(&format!("{}/x", srv.url)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{}", e.message());
}

#[test]
fn invalid_json_where_json_is_expected_is_a_bad_response() {
    let body = "{not json";
    let srv = CannedServer::start(vec![Canned::Reply(http_answer(
        200,
        "application/json",
        body,
    ))]);
    let (c, _d) = client(&srv.url, None, Some(GOOD));
    let e = c.whoami().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadResponse);
}

#[test]
fn connection_refused_is_a_network_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let (c, _d) = client(&url, None, Some(GOOD));
    let e = c.whoami().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network, "{}", e.message());
}

#[test]
fn self_signed_https_needs_the_ca_file() {
    let certs = tempfile::tempdir().unwrap();
    let s = DevServer::start_with(&["--tls-self-signed", certs.path().to_str().unwrap()]);
    assert!(s.url.starts_with("https://"));
    let ca = certs.path().join("ca.pem");
    let (plain, _d) = client(&s.url, None, Some(GOOD));
    let e = plain.whoami().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls, "{}", e.message());
    let dir = tempfile::tempdir().unwrap();
    let mut o = options(&s.url, Some(GOOD), &dir);
    o.http.ca_file = Some(ca.to_str().unwrap().to_owned());
    let c = Client::new(None, &o).unwrap();
    assert_eq!(c.whoami().unwrap()["id"], 1);
}

#[test]
fn an_unreadable_ca_file_fails_at_creation() {
    let dir = tempfile::tempdir().unwrap();
    let mut o = options("https://global.daf-apis.com", None, &dir);
    o.http.ca_file = Some(dir.path().join("missing.pem").to_str().unwrap().to_owned());
    assert_eq!(Client::new(None, &o).unwrap_err().kind(), ErrorKind::Io);
    std::fs::write(dir.path().join("junk.pem"), "not a certificate").unwrap();
    o.http.ca_file = Some(dir.path().join("junk.pem").to_str().unwrap().to_owned());
    assert_eq!(Client::new(None, &o).unwrap_err().kind(), ErrorKind::Tls);
}

#[test]
fn the_devserver_log_never_holds_a_token() {
    let s = DevServer::start();
    let (c, _d) = client(&s.url, Some("minnie65_public"), Some(GOOD));
    c.datastack_info().unwrap();
    c.get(&format!("{}/echo", s.url)).unwrap();
    let log = s.log_with("/echo");
    assert!(
        log.contains("/info/api/v2/datastack/full/minnie65_public"),
        "{log}"
    );
    assert!(!log.contains(GOOD), "{log}");
}

#[test]
fn an_https_address_for_a_plain_http_server_names_the_http_one() {
    // The first-hour mistake: 127.0.0.1:PORT without a scheme is https,
    // and the server answers the TLS handshake in plain http.
    let s = CannedServer::start(vec![Canned::Reply(http_answer(
        400,
        "text/plain",
        "Bad Request",
    ))]);
    let plain = s.url.strip_prefix("http://").unwrap().to_owned();
    let (c, _d) = client(&plain, None, Some(GOOD));
    assert_eq!(c.server_address(), format!("https://{plain}"));
    let e = c
        .get(&format!("https://{plain}/info/api/v2/datastacks"))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls);
    assert_eq!(e.remedy(), &Remedy::UseAddress(s.url.clone()));
    assert!(
        e.message()
            .contains("the server answered in plain http, not https"),
        "{}",
        e.message()
    );
    // What reached it was a TLS handshake, never the token in clear.
    let received = s.requests.lock().unwrap().clone();
    assert_eq!(received.len(), 1, "one try: a TLS failure is not retried");
    for r in &received {
        assert!(!r.starts_with("GET "), "a plain request was sent");
        assert_no_token(r.as_bytes(), GOOD, "the plain-http server");
    }
}
