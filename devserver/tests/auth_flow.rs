//! Token sources, precedence and the outcomes of services.md §1.

mod common;
use common::*;
use serde_json::json;

const PROTECTED: &str = "/protected/minnie65/view";

fn realm(s: &DevServer) -> String {
    format!("{}/sticky_auth/api/v1/authorize", s.url)
}

fn login_location(s: &DevServer, original: &str) -> String {
    format!("{}?redirect={}", realm(s), quote(original))
}

#[test]
fn each_token_source_is_accepted() {
    let s = DevServer::start();
    let bearer = format!("Bearer {ADA}");
    let cookie = format!("middle_auth_token={ADA}");
    let by_header = s.get(PROTECTED, &[("Authorization", &bearer)]);
    assert_eq!(by_header.status, 200);
    assert_eq!(by_header.json(), json!({"ok": true, "user_id": 1}));
    // Cookie only: a "browser" request that is let through.
    assert_eq!(s.get(PROTECTED, &[("Cookie", &cookie)]).status, 200);
    let other_cookies = format!("a=b; {cookie}; c=d");
    assert_eq!(s.get(PROTECTED, &[("Cookie", &other_cookies)]).status, 200);
    // Query token, programmatic (X-Requested-With).
    let path = format!("{PROTECTED}?middle_auth_token={ADA}");
    let r = s.get(&path, &[("X-Requested-With", "XMLHttpRequest")]);
    assert_eq!(r.status, 200);
    // The pre-2020 `?token=` is not read.
    let path = format!("{PROTECTED}?token={ADA}");
    let r = s.get(&path, &[("X-Requested-With", "x")]);
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"], "no_token");
}

#[test]
fn precedence_header_over_query_over_cookie_without_fallback() {
    let s = DevServer::start();
    let good_cookie = format!("middle_auth_token={ADA}");
    let bad_cookie = format!("middle_auth_token={WRONG}");
    let xrw = ("X-Requested-With", "x");
    // Invalid header shadows a valid cookie and a valid query token.
    let path = format!("{PROTECTED}?middle_auth_token={ADA}");
    let wrong = format!("Bearer {WRONG}");
    let r = s.get(
        &path,
        &[("Authorization", &wrong), ("Cookie", &good_cookie)],
    );
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (401, json!("invalid_token"))
    );
    // Valid header wins over an invalid cookie and query token.
    let path = format!("{PROTECTED}?middle_auth_token={WRONG}");
    let bearer = format!("Bearer {GRACE}");
    let r = s.get(
        &path,
        &[("Authorization", &bearer), ("Cookie", &bad_cookie)],
    );
    assert_eq!(r.json()["user_id"], 2);
    // Invalid query token shadows a valid cookie.
    let r = s.get(&path, &[xrw, ("Cookie", &good_cookie)]);
    assert_eq!(r.status, 401);
    // Valid query token wins over an invalid cookie.
    let path = format!("{PROTECTED}?middle_auth_token={GRACE}");
    let r = s.get(&path, &[xrw, ("Cookie", &bad_cookie)]);
    assert_eq!(r.json()["user_id"], 2);
    // An empty query parameter does not replace the cookie.
    let r = s.get(
        &format!("{PROTECTED}?middle_auth_token="),
        &[xrw, ("Cookie", &good_cookie)],
    );
    assert_eq!(r.json()["user_id"], 1);
}

#[test]
fn bad_auth_header() {
    let s = DevServer::start();
    let expected_www = format!(
        "Bearer realm=\"{}\", error=\"invalid_request\", error_description=\"Header must begin with 'Bearer'\"",
        realm(&s)
    );
    for value in [
        format!("bearer {ADA}"),
        format!("Token {ADA}"),
        ADA.to_owned(),
        "Basic YTpi".to_owned(),
        "Bearer".to_owned(),
    ] {
        let r = s.get(PROTECTED, &[("Authorization", &value)]);
        assert_eq!(r.status, 400, "{value}");
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(
            r.text(),
            "{\"error\":\"bad_auth_header\",\"message\":\"Authorization header must begin with 'Bearer'\"}\n"
        );
        assert_eq!(r.header("www-authenticate"), Some(expected_www.as_str()));
    }
    // Two spaces: the token is the empty second field → no token.
    let r = s.get(PROTECTED, &[("Authorization", &format!("Bearer  {ADA}"))]);
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (401, json!("no_token"))
    );
    // Extra fields are ignored.
    let r = s.get(
        PROTECTED,
        &[("Authorization", &format!("Bearer {ADA} junk"))],
    );
    assert_eq!(r.status, 200);
}

#[test]
fn no_token_programmatic_401_browser_302() {
    let s = DevServer::start();
    for h in [("X-Requested-With", "x"), ("Origin", "http://example.org")] {
        let r = s.get(PROTECTED, &[h]);
        assert_eq!(r.status, 401);
        assert_eq!(
            r.text(),
            "{\"error\":\"no_token\",\"message\":\"Unauthorized - No Token Provided\"}\n"
        );
        let www = format!("Bearer realm=\"{}\"", realm(&s));
        assert_eq!(r.header("www-authenticate"), Some(www.as_str()));
    }
    let r = s.get("/info/api/v2/datastacks?x=1&y=a%20b", &[]);
    assert_eq!(r.status, 302);
    let original = format!("{}/info/api/v2/datastacks?x=1&y=a%20b", s.url);
    assert_eq!(
        r.header("location"),
        Some(login_location(&s, &original).as_str())
    );
    assert!(login_location(&s, &original).contains("redirect=http%3A//127.0.0.1%3A"));
    // The login page itself needs no token: it starts a browser login
    // (tests/login_flow.rs follows it).
    let page = s.get("/sticky_auth/api/v1/authorize?redirect=x", &[]);
    assert_eq!(page.status, 302);
    let callback = format!("{}/sticky_auth/api/v1/oauth2callback?state=", s.url);
    assert!(page.header("location").unwrap().starts_with(&callback));
}

#[test]
fn browser_query_token_becomes_cookie_before_validation() {
    let s = DevServer::start();
    for token in [ADA, WRONG] {
        let r = s.get(
            &format!("{PROTECTED}?a=1&middle_auth_token={token}&token={token}&b=2"),
            &[],
        );
        assert_eq!(r.status, 302);
        let expected = format!("{}{PROTECTED}?a=1&b=2", s.url);
        assert_eq!(r.header("location"), Some(expected.as_str()));
        let cookie = format!("middle_auth_token={token}; Secure; HttpOnly; Path=/");
        assert_eq!(r.header("set-cookie"), Some(cookie.as_str()));
    }
    let r = s.get(&format!("{PROTECTED}?middle_auth_token={ADA}"), &[]);
    assert_eq!(
        r.header("location"),
        Some(format!("{}{PROTECTED}", s.url).as_str())
    );
}

#[test]
fn invalid_token_programmatic_401_browser_302() {
    let s = DevServer::start();
    let r = s.get_as(WRONG, PROTECTED);
    assert_eq!(r.status, 401);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.text(),
        "{\"error\":\"invalid_token\",\"message\":\"Unauthorized - Token is Invalid or Expired\"}\n"
    );
    let www = format!(
        "Bearer realm=\"{}\", error=\"invalid_token\", error_description=\"Invalid/Expired Token\"",
        realm(&s)
    );
    assert_eq!(r.header("www-authenticate"), Some(www.as_str()));
    let r = s.get(
        PROTECTED,
        &[("Cookie", &format!("middle_auth_token={WRONG}"))],
    );
    assert_eq!(r.status, 302);
    let original = format!("{}{PROTECTED}", s.url);
    assert_eq!(
        r.header("location"),
        Some(login_location(&s, &original).as_str())
    );
}

#[test]
fn missing_permission() {
    let s = DevServer::start();
    let r = s.get_as(ADA, "/protected/minnie65/edit");
    assert_eq!(r.status, 403);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert!(r.text().ends_with('\n'));
    assert_eq!(
        r.json(),
        json!({"error": "missing_permission",
               "message": "Missing permission: edit for dataset minnie65",
               "data": {"required_permission": "edit", "auth_dataset": "minnie65"}})
    );
    let r = s.get_as(ADA, "/info/api/v2/datastack/full/flywire_fafb");
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["data"]["auth_dataset"], "flywire");
    assert_eq!(s.get_as(GRACE, "/protected/minnie65/edit").status, 200);
}

#[test]
fn missing_tos_then_accept() {
    let s = DevServer::start();
    let path = "/info/api/v2/datastack/full/flywire_fafb";
    let form = format!("{}/sticky_auth/api/v1/tos/7/accept", s.url);
    let r = s.get_as(TOS, path);
    assert_eq!(r.status, 403);
    assert_eq!(
        r.json(),
        json!({"error": "missing_tos",
               "message": "Need to accept Terms of Service to access resource.",
               "data": {"tos_id": 7, "tos_name": "FlyWire ToS", "tos_form_url": form}})
    );
    // Browser: redirect to the form.
    let r = s.get(path, &[("Cookie", &format!("middle_auth_token={TOS}"))]);
    assert_eq!(r.status, 302);
    let expected = format!("{form}?redirect={}", quote(&format!("{}{path}", s.url)));
    assert_eq!(r.header("location"), Some(expected.as_str()));
    // The flywire datastack is not listed until the ToS is accepted.
    assert_eq!(
        s.get_as(TOS, "/info/api/v2/datastacks").json(),
        json!(["minnie65_public"])
    );
    // The ToS form is token-protected.
    assert_eq!(s.get("/sticky_auth/api/v1/tos/7/accept", &[]).status, 302);
    assert_eq!(
        s.get_as(TOS, "/sticky_auth/api/v1/tos/7/accept").status,
        200
    );
    let bearer = format!("Bearer {TOS}");
    let r = s.req(
        "POST",
        "/sticky_auth/api/v1/tos/7/accept",
        &[("Authorization", &bearer)],
        b"",
    );
    assert_eq!(r.status, 200);
    assert_eq!(s.get_as(TOS, path).status, 200);
    assert_eq!(s.get_as(TOS, "/protected/flywire/view").status, 200);
}

#[test]
fn admin_routes() {
    let s = DevServer::start();
    for path in [
        "/admin/ping",
        "/auth/api/v1/user?id=1%2C2",
        "/auth/api/v1/group/1/user",
    ] {
        let r = s.get_as(ADA, path);
        assert_eq!(r.status, 403, "{path}");
        assert_eq!(r.header("content-type"), Some("text/plain"));
        assert_eq!(r.text(), "Requires admin privilege.");
    }
    assert_eq!(
        s.get_as(GRACE, "/admin/ping").json(),
        json!({"ok": true, "user_id": 2})
    );
    for path in ["/auth/api/v1/user?id=1%2C2", "/auth/api/v1/user?id=1,2"] {
        let users = s.get_as(GRACE, path).json();
        let ids: Vec<_> = users
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["id"].clone())
            .collect();
        assert_eq!(ids, vec![json!(1), json!(2)]);
        assert_eq!(users[0]["email"], "ada@example.org");
    }
    assert_eq!(
        s.get_as(GRACE, "/auth/api/v1/group/1/user").json(),
        json!([{"id": 1, "name": "Ada Lovelace", "admin": false},
               {"id": 2, "name": "Grace Hopper", "admin": true}])
    );
    assert_eq!(
        s.get_as(GRACE, "/auth/api/v1/group/99/user").json(),
        json!([])
    );
}

#[test]
fn options_passes_without_token() {
    let s = DevServer::start();
    let r = s.req(
        "OPTIONS",
        PROTECTED,
        &[("Origin", "http://example.org")],
        b"",
    );
    assert_eq!(r.status, 200);
    assert_eq!(s.req("OPTIONS", "/admin/ping", &[], b"").status, 200);
}

#[test]
fn custom_fixture_expired_token_and_placeholders() {
    let dir = std::env::temp_dir().join(format!("fw-devserver-fixture-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("fixture.json");
    let fixture = json!({
        "users": [{"id": 5, "name": "Eve", "email": "eve@example.org",
                   "tokens": [{"token": "gone", "ttl": 0}, {"token": "live"}],
                   "permissions": {"ds": ["view"]}}],
        "datastacks": {"mine": {"dataset": "ds", "local_server": "{other}", "viewer_site": "{base}/ng"}}
    });
    std::fs::write(&file, fixture.to_string()).unwrap();
    let s = DevServer::start_with(&["--fixture", file.to_str().unwrap()]);
    assert_eq!(s.get_as("gone", PROTECTED).status, 401);
    let info = s.get_as("live", "/info/api/v2/datastack/full/mine").json();
    assert_eq!(
        info,
        json!({"local_server": s.other_url, "viewer_site": format!("{}/ng", s.url)})
    );
    assert_eq!(s.get_as(ADA, PROTECTED).status, 401);
    drop(s);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_fixture_exits_with_error() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fw-devserver"))
        .args(["--fixture", "/nonexistent/fixture.json"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_fw-devserver"))
        .args(["--bind", "0.0.0.0"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
