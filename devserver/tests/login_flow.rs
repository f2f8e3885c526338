//! The browser login as middle_auth serves it (`authorize`,
//! `oauth2callback`, the user-name and ToS detours, `finish_auth_flow`'s
//! redirect with the login token, `logout`), driven request by request
//! with the cookies a browser would keep.

mod common;
use common::*;
use serde_json::json;

const BACK: &str = "http://127.0.0.1:9/cb?keep=1&token=old";

/// The `name=value` of a Set-Cookie header.
fn cookie_of(r: &Resp, name: &str) -> String {
    r.headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, v)| v.split(';').next().unwrap().to_owned())
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie"))
}

fn path_of(s: &DevServer, location: &str) -> String {
    location
        .strip_prefix(&s.url)
        .expect("same origin")
        .to_owned()
}

/// authorize → callback; the callback's answer and the session cookie.
fn start(s: &DevServer) -> (Resp, String) {
    let r = s.get(
        &format!("/sticky_auth/api/v1/authorize?redirect={}", quote(BACK)),
        &[],
    );
    assert_eq!(r.status, 302);
    let session = cookie_of(&r, "session");
    let callback = path_of(s, r.header("location").unwrap());
    assert!(callback.starts_with("/sticky_auth/api/v1/oauth2callback?state="));
    (s.get(&callback, &[("Cookie", &session)]), session)
}

/// The login token in a redirect back to BACK (its other keys replaced).
fn token_in(location: &str) -> String {
    let query = location
        .strip_prefix("http://127.0.0.1:9/cb?")
        .expect(location);
    let pairs: Vec<&str> = query.split('&').collect();
    assert_eq!(pairs[0], "keep=1", "{location}");
    let token = pairs[1]
        .strip_prefix("middle_auth_token=")
        .unwrap()
        .to_owned();
    assert!(pairs[2].starts_with("middle_auth_url=http%3A//127.0.0.1%3A"));
    assert_eq!(pairs[3], format!("token={token}"));
    assert_eq!(pairs.len(), 4);
    token
}

#[test]
fn authorize_redirects_back_with_a_login_token_that_logout_revokes() {
    let s = DevServer::start();
    let (back, _) = start(&s);
    assert_eq!(back.status, 302);
    let token = token_in(back.header("location").unwrap());
    assert_eq!(
        cookie_of(&back, "middle_auth_token"),
        format!("middle_auth_token={token}")
    );
    assert_eq!(s.get_as(&token, "/auth/api/v1/user/me").json()["id"], 1);
    // A key minted with it outlives it; the key cannot be logged out.
    let key = s
        .req(
            "POST",
            "/auth/api/v1/user/token",
            &[("Authorization", &format!("Bearer {token}"))],
            br#"{"description": "test"}"#,
        )
        .json();
    let key = key.as_str().unwrap().to_owned();
    assert_eq!(s.get_as(&key, "/auth/api/v1/logout").status, 422);
    // The login token is not among the user's API keys.
    let listed = s.get_as(&key, "/auth/api/v1/user/token").json();
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["token"] != json!(token))
    );
    assert_eq!(
        s.get_as(&token, "/auth/api/v1/logout").json(),
        json!("success")
    );
    let gone = s.get_as(&token, "/auth/api/v1/user/me");
    assert_eq!(gone.status, 401);
    assert!(
        gone.header("www-authenticate")
            .unwrap()
            .starts_with(&format!(
                "Bearer realm=\"{}/sticky_auth/api/v1/authorize\"",
                s.url
            ))
    );
    assert_eq!(s.get_as(&key, "/auth/api/v1/user/me").status, 200);
}

#[test]
fn the_callback_needs_its_session() {
    let s = DevServer::start();
    let r = s.get("/sticky_auth/api/v1/oauth2callback?state=x", &[]);
    assert_eq!(
        (r.status, r.text()),
        (
            400,
            "Invalid Request, are third-party cookies enabled?".into()
        )
    );
    let r = s.get(
        "/sticky_auth/api/v1/oauth2callback?state=x",
        &[("Cookie", "session=y")],
    );
    assert_eq!(
        (r.status, r.text()),
        (400, "Your session has expired.".into())
    );
}

#[test]
fn a_new_account_picks_a_name_and_accepts_the_terms_first() {
    let s = DevServer::start_with(&[
        "--login-new-account",
        "--login-tos",
        "7",
        "--login-user",
        "2",
    ]);
    let (r, session) = start(&s);
    let name_page = path_of(&s, r.header("location").unwrap());
    assert_eq!(
        name_page,
        "/sticky_auth/settings/register/choose_username?new_account=true"
    );
    let cookies = format!("{session}; {}", cookie_of(&r, "middle_auth_token"));
    assert!(
        s.get(&name_page, &[("Cookie", &cookies)])
            .text()
            .contains("customName")
    );
    let r = s.req(
        "POST",
        "/sticky_auth/api/v1/register/choose_username?new_account=true",
        &[
            ("Cookie", &cookies),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        b"customName=grace_h",
    );
    assert_eq!(r.status, 302);
    let tos = path_of(&s, r.header("location").unwrap());
    assert_eq!(tos, "/sticky_auth/api/v1/tos/7/accept");
    let r = s.req("POST", &tos, &[("Cookie", &cookies)], b"");
    let token = token_in(r.header("location").unwrap());
    let me = s.get_as(&token, "/auth/api/v1/user/me").json();
    assert_eq!(
        (me["id"].clone(), me["name"].clone()),
        (json!(2), json!("grace_h"))
    );
}

#[test]
fn login_tokens_expire() {
    let s = DevServer::start_with(&["--login-token-ttl", "0"]);
    let (back, _) = start(&s);
    let token = token_in(back.header("location").unwrap());
    assert_eq!(s.get_as(&token, "/auth/api/v1/user/me").status, 401);
}
