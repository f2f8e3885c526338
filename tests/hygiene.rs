//! Secret hygiene: the suite's distinctive fake tokens (tests/hardening)
//! never appear in an error message (nor in any field of an error: server
//! id, URL, ToS URL, body), a `Debug` output, a log line or anything else
//! the library prints, a panic message, the devserver's log, or a URL that
//! was sent. The one URL that holds a token by the server's own API is the
//! TTL query (`.../user/token/<t>/ttl`), whose token the devserver never logs.

mod hardening;
// The servers of the core's HTTP tests (fw-devserver, canned answers).

use std::ffi::CStr;
use std::io::Read;
use std::process::{Command, Stdio};
use std::ptr;
use std::time::Duration;

use fwclient_core::http::Request;
use fwclient_core::{
    Auth, Client, Error, ErrorKind, Layout, Options, SaveOptions, Token, TokenSource,
};
use hardening::support::{Canned, CannedServer, DevServer, http_answer};
use hardening::{
    CANARIES, CANARY_A, CANARY_B, CANARY_C, CountingServer, assert_no_canary, canary_fixture,
    lookup_err,
};

fn tok(s: &str) -> Token {
    Token::new(s).unwrap()
}

/// Everything an error shows a program: message, Debug, Display and every
/// detail (the body as text).
fn shown(e: &Error) -> String {
    let mut s = format!("{e}\n{e:?}\n{e:#?}\n{}", e.message());
    if let Some(d) = e.detail() {
        s += &format!(
            "\n{d:?}\n{:?} {:?} {:?} {:?} {:?}\n{}",
            d.server_id,
            d.url,
            d.tos_form_url,
            d.permission,
            d.dataset,
            String::from_utf8_lossy(&d.body)
        );
    }
    s
}

fn opts(dir: &std::path::Path, server: &str, token: Option<&str>) -> Options {
    let mut o = Options {
        token: token.map(tok),
        server_address: Some(server.to_owned()),
        secrets_dir: Some(dir.to_str().unwrap().to_owned()),
        layout: Some(Layout::Framework),
        ..Options::default()
    };
    o.http.max_retries = 0;
    o.http.total_timeout = Duration::from_secs(10);
    o
}

#[test]
fn debug_outputs_never_show_a_token() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("chunkedgraph-secret.json"),
        format!(r#"{{"token": "{CANARY_A}", "other": "{CANARY_B}"}}"#),
    )
    .unwrap();
    let from_file = Auth::new(&opts(dir.path(), "https://global.daf-apis.com", None)).unwrap();
    assert_eq!(from_file.token().unwrap().expose(), CANARY_A);
    let o = opts(dir.path(), "https://global.daf-apis.com", Some(CANARY_C));
    let explicit = Auth::new(&o).unwrap();
    let client = Client::new(Some("minnie65_public"), &o).unwrap();
    let t = tok(CANARY_B);
    let text = format!(
        "{from_file:?}\n{from_file:#?}\n{explicit:?}\n{client:?}\n{client:#?}\n{o:?}\n{o:#?}\n\
         {t:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        Some(&t),
        vec![t.clone()],
        from_file.source(),
        SaveOptions::default(),
        from_file.request_header().map(|_| "<header>"),
    );
    assert_no_canary("a Debug output", &text);
    assert!(text.contains("redacted"), "{text}");
    // The source names the file, never its content.
    assert!(matches!(from_file.source(), TokenSource::File { .. }));
}

#[test]
fn file_and_argument_errors_never_show_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("chunkedgraph-secret.json");
    let o = opts(dir.path(), "https://global.daf-apis.com", None);
    // A file whose token is unusable, or whose JSON breaks right after it.
    for content in [
        format!(r#"{{"token": "{CANARY_A} x"}}"#),
        format!("{{\"token\": \"{CANARY_A}\r\n\"}}"),
        format!(r#"{{"token": "{CANARY_A}", "x": }}"#),
        format!(r#"{{"token": "{CANARY_A}""#),
        format!(r#"["{CANARY_A}"]"#),
        format!(r#"{{"token": ["{CANARY_A}"]}}"#),
        format!(r#"{{"{CANARY_A}": 1, "token": 2}}"#),
        format!("{{\"token\": \"{CANARY_A}\u{0}\"}}"),
        CANARY_A.to_owned(),
    ] {
        std::fs::write(&file, &content).unwrap();
        let e = lookup_err(&o);
        assert_eq!(e.kind(), ErrorKind::SecretFile, "{content}: {e}");
        assert_no_canary(&format!("the error for {content:?}"), &shown(&e));
    }
    // A refused save (the key exists) and a refused token.
    std::fs::write(&file, format!(r#"{{"token": "{CANARY_A}"}}"#)).unwrap();
    let auth = Auth::new(&o).unwrap();
    let e = auth
        .save_token(Some(&tok(CANARY_B)), None, None, SaveOptions::default())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TokenExists);
    assert_no_canary("a refused save", &shown(&e));
    for bad in [
        format!("{CANARY_C}\r\nX: 1"),
        format!("{CANARY_C} "),
        format!("{CANARY_C}\u{e9}"),
        CANARY_C.repeat(300),
    ] {
        let e = Token::new(&bad).unwrap_err();
        assert_no_canary("a refused token", &shown(&e));
    }
}

#[test]
fn server_answers_echoing_the_token_never_show_it() {
    // Wherever a server puts the token, the error a program gets masks it.
    let echo = |status: u16, body: String| {
        CannedServer::start(vec![Canned::Reply(http_answer(
            status,
            "application/json",
            &body,
        ))])
    };
    let servers = [
        echo(418, format!(r#"{{"error": "{CANARY_A}", "message": "token {CANARY_A}"}}"#)),
        echo(401, format!(r#"{{"error": "invalid_token", "message": "{CANARY_A} is bad"}}"#)),
        echo(
            403,
            format!(
                r#"{{"error": "missing_tos", "message": "m", "data": {{"tos_form_url": "https://x/?t={CANARY_A}", "tos_name": "{CANARY_A}"}}}}"#
            ),
        ),
        echo(
            403,
            format!(
                r#"{{"error": "missing_permission", "data": {{"required_permission": "{CANARY_A}", "auth_dataset": "{CANARY_A}"}}}}"#
            ),
        ),
        echo(500, format!("<html>{CANARY_A}</html>")),
        CannedServer::start(vec![Canned::Reply(
            format!("HTTP/1.1 200 {CANARY_A}\r\nContent-Length: 3\r\n\r\nnot json").into_bytes(),
        )]),
        CannedServer::start(vec![Canned::Reply(
            format!("HTTP/1.1 {CANARY_A} OK\r\n\r\n").into_bytes(),
        )]),
        CannedServer::start(vec![Canned::Reply(
            format!("HTTP/1.1 302 Found\r\nLocation: /api/v1/authorize?t={CANARY_A}\r\nContent-Length: 0\r\n\r\n")
                .into_bytes(),
        )]),
    ];
    for srv in &servers {
        let dir = tempfile::tempdir().unwrap();
        let c = Client::new(None, &opts(dir.path(), &srv.url, Some(CANARY_A))).unwrap();
        let e = c.whoami().unwrap_err();
        assert_no_canary(&format!("the error from {}", srv.url), &shown(&e));
    }
}

#[test]
fn the_devserver_log_and_the_urls_sent_never_hold_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = canary_fixture(dir.path());
    let s = DevServer::start_with(&["--fixture", fixture.to_str().unwrap()]);
    let secrets = tempfile::tempdir().unwrap();
    let c = Client::new(
        Some("minnie65_public"),
        &opts(secrets.path(), &s.url, Some(CANARY_A)),
    )
    .unwrap();

    // Every call the library makes, with good, admin and unknown tokens.
    c.datastack_info().unwrap();
    c.whoami().unwrap();
    c.get_tokens().unwrap();
    assert_eq!(c.token_ttl(&tok(CANARY_A)).unwrap(), -1);
    let created = c.create_token(Some("hygiene")).unwrap();
    c.auth().set_token(created.clone());
    c.whoami().unwrap();
    assert!(c.token_ttl(&tok(CANARY_C)).is_err());
    c.auth().set_token(tok(CANARY_B));
    c.get_user_information(&[1, 2]).unwrap();
    c.get_group_users(1).unwrap();
    c.auth().set_token(tok(CANARY_C));
    let e = c.whoami().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidToken);
    assert_no_canary("an invalid-token error", &shown(&e));
    let e = c.token_ttl(&tok(CANARY_B)).unwrap_err();
    assert_no_canary("a TTL error", &shown(&e));
    c.auth().set_token(tok(CANARY_A));
    for path in [
        "/echo",
        "/redirect/same?to=/echo",
        "/redirect/other?to=/echo",
        "/fault/status?code=500",
        "/fault/flaky?key=h&fail=1&status=503",
        "/redirect/login",
    ] {
        let url = format!("{}{path}", s.url);
        match c.get(&url) {
            Ok(r) => {
                let echo: serde_json::Value =
                    serde_json::from_slice(&r.body).unwrap_or(serde_json::Value::Null);
                // What the server saw as the URL: path and query.
                assert_no_canary(
                    &format!("the URL sent for {path}"),
                    &format!("{} {}", echo["path"], echo["query"]),
                );
            }
            Err(e) => assert_no_canary(&format!("the error for {path}"), &shown(&e)),
        }
    }
    // A POST with the token in its body is the caller's business; the
    // library never puts it in the URL.
    let echo = c
        .request(&Request {
            method: "POST",
            url: &format!("{}/echo", s.url),
            body: Some(b"{}"),
            content_type: Some("application/json"),
        })
        .unwrap();
    assert_no_canary(
        "an echo",
        &String::from_utf8_lossy(&echo.body)
            .replace(&format!("Bearer {CANARY_A}"), "")
            .replace(&format!("middle_auth_token={CANARY_A}"), ""),
    );

    // The echo was the last request: once it is logged, all are.
    let log = s.log_with("/echo");
    assert!(
        log.contains("/auth/api/v1/user/me"),
        "the devserver logged nothing:\n{log}"
    );
    assert_no_canary("the devserver log", &log);
    assert!(
        !log.contains(created.expose()),
        "the devserver log holds a created token:\n{log}"
    );
}

/// Every record a Rust program's logger receives (one logger per process:
/// this one keeps them all).
struct KeepAll(std::sync::Mutex<Vec<String>>);

impl log::Log for KeepAll {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        let line = format!("{} {}: {}", record.level(), record.target(), record.args());
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(line);
    }
    fn flush(&self) {}
}

#[test]
fn a_logger_at_trace_level_receives_nothing_from_a_request_or_a_save() {
    // ureq-proto hex-dumps every request head it writes at trace level, the
    // token among the bytes (16 a row, so no search for the token would
    // find it). Logging is off at compile time (core/Cargo.toml): a program
    // that installs a logger at trace level receives no record at all.
    static LOGGER: KeepAll = KeepAll(std::sync::Mutex::new(Vec::new()));
    log::set_logger(&LOGGER).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let s = DevServer::start();
    let secrets = tempfile::tempdir().unwrap();
    let c = Client::new(
        Some("minnie65_public"),
        &opts(secrets.path(), &s.url, Some(CANARY_A)),
    )
    .unwrap();
    let echo = c.get(&format!("{}/echo", s.url)).unwrap();
    assert!(
        String::from_utf8_lossy(&echo.body).contains(&format!("Bearer {CANARY_A}")),
        "the request carried no token"
    );
    c.auth()
        .save_token(Some(&tok(CANARY_B)), None, None, SaveOptions::default())
        .unwrap();
    let records = LOGGER.0.lock().unwrap().clone();
    assert!(records.is_empty(), "records logged: {records:#?}");
}

#[test]
fn no_url_sent_to_a_plain_server_holds_a_token() {
    let srv = CountingServer::start(http_answer(200, "application/json", "{}"));
    let dir = tempfile::tempdir().unwrap();
    let c = Client::new(
        Some("minnie65_public"),
        &opts(dir.path(), &srv.url, Some(CANARY_A)),
    )
    .unwrap();
    for path in ["/a", "/b?x=1", "/c#frag"] {
        c.get(&format!("{}{path}", srv.url)).unwrap();
    }
    let _ = c.whoami();
    let _ = c.datastacks();
    let _ = c.get_tokens();
    for head in srv.requests.lock().unwrap().iter() {
        let line = head.lines().next().unwrap_or_default();
        assert_no_canary("a request line", line);
        assert!(head.contains(&format!("Bearer {CANARY_A}")), "{head}");
    }
}

/// A trusted server redirecting to a URL that holds the token (in its query
/// or path, to itself or to another origin) must not make the library send
/// the token in a URL: the redirect is refused.
#[test]
fn a_redirect_to_a_url_holding_the_token_is_not_followed() {
    let other = CountingServer::start(http_answer(200, "application/json", "{}"));
    for location in [
        format!("/next?t={CANARY_A}"),
        format!("/next/{CANARY_A}"),
        format!("{}/x?middle_auth_token={CANARY_A}", other.url),
        format!("{}/{CANARY_A}", other.url),
    ] {
        let redirect = format!(
            "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        let srv = CannedServer::start(vec![
            Canned::Reply(redirect.into_bytes()),
            Canned::Reply(http_answer(200, "application/json", "{}")),
        ]);
        let dir = tempfile::tempdir().unwrap();
        let c = Client::new(None, &opts(dir.path(), &srv.url, Some(CANARY_A))).unwrap();
        let e = c.get(&format!("{}/start", srv.url)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BadResponse, "{location}: {e}");
        assert_no_canary("the error", &shown(&e));
        let seen = srv.requests.lock().unwrap().clone();
        assert_eq!(
            seen.len(),
            1,
            "{location}: the redirect was followed: {seen:?}"
        );
    }
    assert_eq!(other.count(), 0, "the other origin was contacted");
}

// --------------------------------------- what the library prints, panics

const CHILD_VAR: &str = "FWCLIENT_TEST_HYGIENE_URL";

/// Not a test of its own: the body of the child of
/// `the_library_prints_nothing_and_no_panic_shows_a_token`: every path of
/// the library with the fake tokens, through the Rust API and the C ABI,
/// under a panic hook that prints each panic's message (as the default
/// hook would, to stderr).
#[test]
fn hygiene_child() {
    let Ok(url) = std::env::var(CHILD_VAR) else {
        return;
    };
    std::panic::set_hook(Box::new(|info| {
        eprintln!("PANIC: {info}");
    }));
    let dir = tempfile::tempdir().unwrap();
    let secrets = dir.path().join("secrets");
    // SAFETY: this child runs this one test, on one thread.
    unsafe {
        std::env::set_var("HOME", dir.path());
        std::env::set_var("FW_AUTH_TOKEN", format!("{CANARY_B}\r\n"));
    }
    let e = lookup_err(&opts(&secrets, &url, None));
    assert_no_canary("the env token error", &shown(&e));
    // SAFETY: as above.
    unsafe { std::env::set_var("FW_AUTH_TOKEN", CANARY_B) };
    let c = Client::new(Some("minnie65_public"), &opts(&secrets, &url, None)).unwrap();
    assert_eq!(c.auth().token().unwrap().expose(), CANARY_B);
    let _ = c.datastack_info();
    c.auth()
        .save_token(Some(&tok(CANARY_A)), None, None, SaveOptions::default())
        .unwrap();
    let _ = c
        .auth()
        .save_token(None, Some("k"), None, SaveOptions::default());
    let _ = c
        .auth()
        .save_token(None, None, None, SaveOptions::default());
    let _ = c.whoami();
    let _ = c.token_ttl(&tok(CANARY_C));
    c.auth().set_token(tok(CANARY_C));
    let _ = c.whoami();
    let _ = c.get(&format!("{url}/fault/status?code=503"));
    let _ = c.get(&format!("{url}/redirect/loop"));
    let _ = c.get(&format!("{url}/fault/json-garbage"));
    // SAFETY: as above.
    unsafe { std::env::remove_var("FW_AUTH_TOKEN") };

    // The C ABI: every string a C program reads from an error.
    use fwclient::fw_client::*;
    use fwclient::fw_error::*;
    use fwclient::fw_options::*;
    let u = hardening::cstr(url.as_bytes());
    let t = hardening::cstr(CANARY_C.as_bytes());
    let d = hardening::cstr(secrets.to_str().unwrap().as_bytes());
    // SAFETY: valid pointers and strings; everything freed here.
    unsafe {
        let (mut o, mut cl) = (ptr::null_mut(), ptr::null_mut());
        fw_options_new(&mut o, ptr::null_mut());
        fw_options_set_server_address(o, u.as_ptr(), ptr::null_mut());
        fw_options_set_secrets_dir(o, d.as_ptr(), ptr::null_mut());
        fw_options_set_token(o, t.as_ptr(), ptr::null_mut());
        fw_client_new(c"minnie65_public".as_ptr(), o, &mut cl, ptr::null_mut());
        fw_options_free(o);
        for path in ["/auth/api/v1/user/me", "/fault/status?code=500", "/nothing"] {
            let full = hardening::cstr(format!("{url}{path}").as_bytes());
            let (mut r, mut e) = (ptr::null_mut(), ptr::null_mut());
            fw_client_get(cl, full.as_ptr(), &mut r, &mut e);
            fwclient::fw_response::fw_response_free(r);
            if !e.is_null() {
                let mut text = String::new();
                for p in [
                    fw_error_message(e),
                    fw_error_server_id(e),
                    fw_error_url(e),
                    fw_error_tos_form_url(e),
                ] {
                    if !p.is_null() {
                        text += &CStr::from_ptr(p).to_string_lossy();
                    }
                }
                let mut len = 0usize;
                let data = fw_error_body(e, &mut len);
                if !data.is_null() {
                    text += &String::from_utf8_lossy(std::slice::from_raw_parts(data, len));
                }
                assert_no_canary("a C error", &text);
                fw_error_free(e);
            }
        }
        fw_client_free(cl);
    }
    // A panic inside the library's C boundary shows a fixed message; show
    // what a panic with a token would print, to prove the check sees it.
    if std::env::var("FWCLIENT_TEST_HYGIENE_SELFTEST").is_ok() {
        let _ = std::panic::catch_unwind(|| panic!("self-test {CANARY_A}"));
    }
    println!("HYGIENE-CHILD-DONE");
}

fn run_child(url: &str, selftest: bool) -> String {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        "hygiene_child",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(CHILD_VAR, url)
    .env_remove("FW_SECRETS_DIR")
    .env_remove("FW_SECRETS_LAYOUT")
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    if selftest {
        cmd.env("FWCLIENT_TEST_HYGIENE_SELFTEST", "1");
    }
    let mut child = cmd.spawn().unwrap();
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(
        status.success() && out.contains("HYGIENE-CHILD-DONE"),
        "child: {status}\n{out}\n{err}"
    );
    format!("{out}\n{err}")
}

#[test]
fn the_library_prints_nothing_and_no_panic_shows_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = canary_fixture(dir.path());
    let s = DevServer::start_with(&["--fixture", fixture.to_str().unwrap()]);

    let output = run_child(&s.url, false);
    assert_no_canary("the output of a program using the library", &output);
    assert!(!output.contains("PANIC"), "a panic:\n{output}");
    // Nothing but the test harness's own lines: the library prints nothing.
    for line in output.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            line.starts_with("running ")
                || line.starts_with("test ")
                || line.starts_with("HYGIENE-CHILD-DONE")
                || line.starts_with("test result:")
                || line.starts_with("ok"),
            "the library printed: {line:?}\n{output}"
        );
    }

    // The check sees a token when one is printed.
    let output = run_child(&s.url, true);
    assert!(output.contains("PANIC: "), "{output}");
    assert!(CANARIES.iter().any(|c| output.contains(c)), "{output}");
    assert_no_canary("the devserver log", &s.log());
}
