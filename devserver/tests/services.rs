//! Info service, auth server endpoints, echo, redirects, routing.

mod common;
use common::*;
use serde_json::json;

#[test]
fn info_endpoints() {
    let s = DevServer::start();
    let r = s.get("/info/version", &[]);
    assert_eq!((r.status, r.text()), (200, "\"4.3.1\"\n".to_owned()));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        s.get_as(ADA, "/info/api/v2/datastacks").json(),
        json!(["fanc_production", "minnie65_public"])
    );
    assert_eq!(
        s.get_as(GRACE, "/info/api/v2/datastacks").json(),
        json!(["fanc_production", "flywire_fafb", "minnie65_public"])
    );
    let minnie = s
        .get_as(ADA, "/info/api/v2/datastack/full/minnie65_public")
        .json();
    assert_eq!(minnie["local_server"], json!(s.url));
    assert_eq!(minnie["aligned_volume"]["name"], "minnie65_phase3");
    assert_eq!(
        minnie["segmentation_source"],
        json!(format!(
            "graphene://{}/segmentation/table/minnie3_v1",
            s.url
        ))
    );
    for key in [
        "viewer_site",
        "synapse_table",
        "soma_table",
        "analysis_database",
        "description",
    ] {
        assert!(minnie.get(key).is_some(), "{key}");
    }
    assert_eq!(minnie["viewer_resolution_z"], json!(40.0));
    let fanc = s
        .get_as(ADA, "/info/api/v2/datastack/full/fanc_production")
        .json();
    assert_eq!(fanc["local_server"], json!(s.other_url));
    let r = s.get_as(ADA, "/info/api/v2/datastack/full/nope");
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (404, json!("not_found"))
    );
}

#[test]
fn user_me() {
    let s = DevServer::start();
    let me = s.get_as(ADA, "/auth/api/v1/user/me").json();
    assert_eq!(me["id"], 1);
    assert_eq!(me["name"], "Ada Lovelace");
    assert_eq!(me["email"], "ada@example.org");
    assert_eq!(me["admin"], false);
    assert_eq!(me["service_account"], false);
    assert_eq!(me["admin_datasets"], json!([]));
    for key in ["created", "pi", "affiliations", "gdpr_consent"] {
        assert!(me.get(key).is_some(), "{key}");
    }
    assert_eq!(
        s.get_as(GRACE, "/auth/api/v1/user/me").json()["admin"],
        true
    );
}

#[test]
fn token_create_list_and_ttl() {
    let s = DevServer::start();
    let list = s.get_as(ADA, "/auth/api/v1/user/token").json();
    let tokens: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["token"].clone())
        .collect();
    assert_eq!(tokens, vec![json!(EXPIRING), json!(ADA)]);
    let first = &list[1];
    assert_eq!(first["description"], "seed token");
    assert_eq!(first["user_id"], 1);
    assert!(first["created"].as_str().unwrap().ends_with(" GMT"));
    for key in ["id", "updated", "last_used"] {
        assert!(first.get(key).is_some(), "{key}");
    }

    // POST with a description.
    let bearer = format!("Bearer {ADA}");
    let body = br#"{"description": "made by a test"}"#;
    let r = s.req(
        "POST",
        "/auth/api/v1/user/token",
        &[("Authorization", &bearer)],
        body,
    );
    assert_eq!(r.status, 200);
    let new = r.json().as_str().unwrap().to_owned();
    assert!(new.len() == 32 && new.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
    // Valid at once, for the same user; old tokens stay valid.
    assert_eq!(
        s.get_as(&new, "/info/api/v2/datastacks").json(),
        json!(["fanc_production", "minnie65_public"])
    );
    assert_eq!(s.get_as(&new, "/auth/api/v1/user/me").json()["id"], 1);
    assert_eq!(s.get_as(ADA, "/protected/minnie65/view").status, 200);
    let list = s.get_as(ADA, "/auth/api/v1/user/token").json();
    assert_eq!(list[0]["token"], json!(new));
    assert_eq!(list[0]["description"], "made by a test");

    // GET create_token also works (no body).
    let other = s.get_as(GRACE, "/auth/api/v1/create_token").json();
    let other = other.as_str().unwrap();
    assert_ne!(other, new);
    assert_eq!(s.get_as(other, "/admin/ping").status, 200);

    // TTLs.
    let ttl = |token: &str, of: &str| s.get_as(token, &format!("/auth/api/v1/user/token/{of}/ttl"));
    assert_eq!(ttl(ADA, ADA).json(), json!(-1));
    assert_eq!(ttl(ADA, &new).json(), json!(-1));
    let left = ttl(ADA, EXPIRING).json().as_i64().unwrap();
    assert!((3500..=3600).contains(&left), "{left}");
    for (caller, of) in [(ADA, GRACE), (ADA, WRONG)] {
        let r = ttl(caller, of);
        assert_eq!(r.status, 404);
        assert_eq!(
            r.json(),
            json!({"error": "invalid_token",
                   "message": "Token does not exist or is not asociated with your account."})
        );
    }
}

#[test]
fn token_delete() {
    let s = DevServer::start();
    let new = s.get_as(ADA, "/auth/api/v1/create_token").json();
    let new = new.as_str().unwrap();
    let id = s.get_as(ADA, "/auth/api/v1/user/token").json()[0]["id"].clone();
    let bearer = format!("Bearer {ADA}");
    let path = format!("/auth/api/v1/user/token/{id}");
    let r = s.req("DELETE", &path, &[("Authorization", &bearer)], b"");
    assert_eq!(r.status, 200);
    assert_eq!(s.get_as(new, "/auth/api/v1/user/me").status, 401);
}

#[test]
fn sticky_prefix_and_tokens_page() {
    let s = DevServer::start();
    assert_eq!(s.get_as(ADA, "/sticky_auth/api/v1/user/me").json()["id"], 1);
    let r = s.get("/sticky_auth/settings/tokens", &[]);
    assert_eq!(r.status, 302);
    assert!(
        r.header("location")
            .unwrap()
            .contains("/sticky_auth/api/v1/authorize?redirect=")
    );
    let r = s.get(
        "/sticky_auth/settings/tokens",
        &[("Cookie", &format!("middle_auth_token={ADA}"))],
    );
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
}

#[test]
fn echo_reports_what_was_sent() {
    let s = DevServer::start();
    let r = s.req(
        "PUT",
        "/echo/some/where?x=1",
        &[
            ("Authorization", "not even bearer"),
            ("Cookie", "a=b"),
            ("X-Requested-With", "t"),
        ],
        b"hello",
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json(),
        json!({"method": "PUT", "path": "/echo/some/where", "query": "x=1",
               "authorization": "not even bearer", "cookie": "a=b", "x_requested_with": "t",
               "body_len": 5, "origin": s.url})
    );
    let r = fetch("GET", &format!("{}/echo", s.other_url), &[], b"");
    let v = r.json();
    assert_eq!(
        (v["authorization"].clone(), v["cookie"].clone()),
        (json!(null), json!(null))
    );
    assert_eq!(v["origin"], json!(s.other_url));
}

#[test]
fn redirects() {
    let s = DevServer::start();
    let r = s.get("/redirect/same?to=/info/version", &[]);
    assert_eq!(r.status, 302);
    assert_eq!(
        r.header("location"),
        Some(format!("{}/info/version", s.url).as_str())
    );
    let r = s.get("/redirect/same", &[]);
    assert_eq!(
        r.header("location"),
        Some(format!("{}/echo", s.url).as_str())
    );
    let r = s.get("/redirect/other?to=/echo/x&code=307", &[]);
    assert_eq!(r.status, 307);
    assert_eq!(
        r.header("location"),
        Some(format!("{}/echo/x", s.other_url).as_str())
    );
    let r = fetch("GET", &format!("{}/redirect/other", s.other_url), &[], b"");
    assert_eq!(
        r.header("location"),
        Some(format!("{}/echo", s.url).as_str())
    );
    let r = s.get("/redirect/loop?n=1", &[]);
    assert_eq!(
        r.header("location"),
        Some(format!("{}/redirect/loop?n=1", s.url).as_str())
    );
    let r = s.get("/redirect/login", &[]);
    assert_eq!(r.status, 302);
    let expected = format!(
        "{}/sticky_auth/api/v1/authorize?redirect={}",
        s.url,
        quote(&format!("{}/redirect/login", s.url))
    );
    assert_eq!(r.header("location"), Some(expected.as_str()));
}

#[test]
fn other_origin_serves_same_handlers() {
    let s = DevServer::start();
    assert_ne!(s.url, s.other_url);
    let bearer = format!("Bearer {ADA}");
    let url = format!("{}/info/api/v2/datastacks", s.other_url);
    let r = fetch("GET", &url, &[("Authorization", &bearer)], b"");
    assert_eq!(r.json(), json!(["fanc_production", "minnie65_public"]));
    // The auth server (login page) stays on the main origin.
    let r = fetch("GET", &url, &[], b"");
    let expected = format!(
        "{}/sticky_auth/api/v1/authorize?redirect={}",
        s.url,
        quote(&url)
    );
    assert_eq!(r.header("location"), Some(expected.as_str()));
}

#[test]
fn unknown_path_and_method() {
    let s = DevServer::start();
    let r = s.get("/nope/at/all?middle_auth_token=x", &[]);
    assert_eq!(r.status, 404);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.json()["error"], "not_found");
    assert_eq!(s.req("DELETE", "/info/version", &[], b"").status, 405);
}
