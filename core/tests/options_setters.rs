//! The validated setters of `Options` (every rule about a value lives in
//! the core, the front ends only convert), and the same rules applied to
//! options built as a struct literal when an auth or a client is made.

use std::time::Duration;

use fwclient_core::client::Client;
use fwclient_core::http::RequestOptions;
use fwclient_core::options::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_RETRY_BASE_DELAY, DEFAULT_TOTAL_TIMEOUT, HttpOptions,
};
use fwclient_core::{Auth, ErrorKind, Options};

#[test]
fn zero_in_a_timeout_or_delay_means_the_default() {
    let mut http = HttpOptions::default();
    http.set_connect_timeout(Duration::from_millis(5));
    http.set_total_timeout(Duration::from_millis(7));
    http.set_retry_base_delay(Duration::from_millis(9));
    assert_eq!(http.connect_timeout, Duration::from_millis(5));
    assert_eq!(http.total_timeout, Duration::from_millis(7));
    assert_eq!(http.retry_base_delay, Duration::from_millis(9));
    http.set_connect_timeout(Duration::ZERO);
    http.set_total_timeout(Duration::ZERO);
    http.set_retry_base_delay(Duration::ZERO);
    assert_eq!(http.connect_timeout, DEFAULT_CONNECT_TIMEOUT);
    assert_eq!(http.total_timeout, DEFAULT_TOTAL_TIMEOUT);
    assert_eq!(http.retry_base_delay, DEFAULT_RETRY_BASE_DELAY);
}

#[test]
fn zero_in_a_request_timeout_means_the_clients() {
    let mut ro = RequestOptions::default();
    ro.set_timeout(Duration::from_millis(200));
    assert_eq!(ro.timeout, Some(Duration::from_millis(200)));
    ro.set_timeout(Duration::ZERO);
    assert_eq!(ro.timeout, None);
}

#[test]
fn a_count_of_zero_retries_is_none() {
    let mut http = HttpOptions::default();
    http.set_max_retries(0);
    assert_eq!(http.max_retries, 0);
}

#[test]
fn empty_texts_are_refused_naming_the_value() {
    let mut o = Options::default();
    for (result, what) in [
        (o.set_token_file(""), "the token file"),
        (o.set_token_key(""), "the token key"),
        (o.set_server_address(""), "the server address"),
        (o.set_secrets_dir(""), "the secrets directory"),
        (o.http.set_ca_file(""), "the CA file"),
        (o.http.add_trusted_origin(""), "a trusted origin"),
    ] {
        let e = result.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{what}");
        assert_eq!(e.message(), format!("{what} must not be empty"));
    }
    assert_eq!(o.token_file, None);
    assert!(o.http.trusted_origins.is_empty());
}

#[test]
fn a_body_limit_of_zero_is_refused() {
    let mut http = HttpOptions::default();
    let e = http.set_max_body_bytes(0).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    assert_eq!(e.message(), "the body limit must be greater than 0");
    http.set_max_body_bytes(1).unwrap();
    assert_eq!(http.max_body_bytes, 1);
}

#[test]
fn a_trusted_origin_is_checked_at_its_setter() {
    let mut http = HttpOptions::default();
    http.add_trusted_origin("https://other.example:8443")
        .unwrap();
    http.add_trusted_origin("other.example").unwrap();
    for bad in ["ftp://other.example", "https://", "http:/other.example"] {
        let e = http.add_trusted_origin(bad).expect_err(bad);
        assert_eq!(e.kind(), ErrorKind::InvalidUrl, "{bad}");
    }
    assert_eq!(
        http.trusted_origins,
        ["https://other.example:8443", "https://other.example"]
    );
}

#[test]
fn the_server_address_is_normalised_at_its_setter() {
    let mut o = Options::default();
    o.set_server_address("127.0.0.1:8080/").unwrap();
    assert_eq!(o.server_address.as_deref(), Some("https://127.0.0.1:8080"));
    assert_eq!(
        o.set_server_address("ftp://x.org").unwrap_err().kind(),
        ErrorKind::InvalidUrl
    );
}

/// Options filled field by field (as a tool might) meet the same rules
/// when an auth or a client is made from them.
#[test]
fn invalid_fields_are_refused_when_an_auth_or_client_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let base = || {
        let mut o = Options::default();
        o.set_secrets_dir(dir.path().to_str().unwrap()).unwrap();
        o
    };
    let mut zero_body = base();
    zero_body.http.max_body_bytes = 0;
    let mut empty_key = base();
    empty_key.token_key = Some(String::new());
    let mut bad_origin = base();
    bad_origin
        .http
        .trusted_origins
        .push("ftp://other.example".into());
    for (o, kind) in [
        (zero_body, ErrorKind::InvalidArgument),
        (empty_key, ErrorKind::InvalidArgument),
        (bad_origin, ErrorKind::InvalidUrl),
    ] {
        assert_eq!(Auth::new(&o).unwrap_err().kind(), kind);
        assert_eq!(Client::new(None, &o).unwrap_err().kind(), kind);
    }
    // Nothing was written.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}
