//! The request log: one line per request, never a token.

mod common;
use common::*;

#[test]
fn log_never_contains_tokens() {
    let s = DevServer::start();
    let bearer = format!("Bearer {ADA}");
    let cookie = format!("middle_auth_token={ADA}");
    let xrw = ("X-Requested-With", "x");
    assert_eq!(
        s.get("/protected/minnie65/view", &[("Authorization", &bearer)])
            .status,
        200
    );
    assert_eq!(
        s.get("/protected/minnie65/view", &[("Cookie", &cookie)])
            .status,
        200
    );
    let query = format!("/protected/minnie65/view?middle_auth_token={ADA}&token={ADA}");
    assert_eq!(s.get(&query, &[]).status, 302);
    assert_eq!(s.get(&query, &[xrw]).status, 200);
    assert_eq!(
        s.get(&format!("/echo?middle_auth_token={ADA}"), &[]).status,
        200
    );
    assert_eq!(s.get(&format!("/echo/{ADA}"), &[]).status, 200);
    let r = s.get_as(ADA, &format!("/auth/api/v1/user/token/{ADA}/ttl"));
    assert_eq!(r.status, 200);
    let r = s.get_as(ADA, "/auth/api/v1/user/token/some_unknown_secret/ttl");
    assert_eq!(r.status, 404);
    let new = s.get_as(ADA, "/auth/api/v1/create_token").json();
    let new = new.as_str().unwrap().to_owned();
    assert_eq!(s.get_as(&new, "/info/api/v2/datastacks").status, 200);
    assert_eq!(s.get(&format!("/info/version?x={new}"), &[]).status, 200);

    let log = s.stop();
    for secret in [ADA, new.as_str(), "some_unknown_secret"] {
        assert!(!log.contains(secret), "{secret} in log:\n{log}");
    }
    assert!(!log.contains("middle_auth_token"), "{log}");
    assert!(log.contains("GET /protected/minnie65/view 200\n"), "{log}");
    assert!(log.contains("GET /protected/minnie65/view 302\n"), "{log}");
    assert!(
        log.contains("GET /auth/api/v1/user/token/<redacted>/ttl 200\n"),
        "{log}"
    );
    assert!(log.contains("GET /echo/<redacted> 200\n"), "{log}");
    assert_eq!(log.lines().count(), 11, "{log}");
}

#[test]
fn quiet_logs_nothing() {
    let s = DevServer::start_with(&["--quiet"]);
    assert_eq!(s.get("/info/version", &[]).status, 200);
    assert_eq!(s.stop(), "");
}
