//! `--tls-self-signed DIR`: HTTPS on both origins, trusted through DIR/ca.pem.

mod common;
use common::*;
use ureq::tls::{Certificate, RootCerts, TlsConfig};

fn agent(ca: Option<&[u8]>) -> ureq::Agent {
    let roots = match ca {
        Some(pem) => RootCerts::new_with_certs(&[Certificate::from_pem(pem).unwrap()]),
        None => RootCerts::WebPki,
    };
    ureq::Agent::config_builder()
        .tls_config(TlsConfig::builder().root_certs(roots).build())
        .http_status_as_error(false)
        .build()
        .new_agent()
}

#[test]
fn https_with_generated_ca() {
    let dir = std::env::temp_dir().join(format!("fw-devserver-tls-{}", std::process::id()));
    let s = DevServer::start_with(&["--tls-self-signed", dir.to_str().unwrap()]);
    assert!(s.url.starts_with("https://127.0.0.1:"), "{}", s.url);
    assert!(s.other_url.starts_with("https://127.0.0.1:"));
    let ca = std::fs::read(dir.join("ca.pem")).unwrap();
    assert!(ca.starts_with(b"-----BEGIN CERTIFICATE-----"));
    assert_eq!(String::from_utf8_lossy(&ca).matches("BEGIN").count(), 1);

    let a = agent(Some(&ca));
    let mut r = a
        .get(&format!("{}/info/api/v2/datastacks", s.url))
        .header("Authorization", &format!("Bearer {ADA}"))
        .call()
        .unwrap();
    assert_eq!(r.status(), 200);
    let body = r.body_mut().read_to_string().unwrap();
    assert_eq!(body, "[\"fanc_production\",\"minnie65_public\"]\n");

    // The certificate also names localhost; the other origin is HTTPS too.
    let port = s.other_url.rsplit(':').next().unwrap();
    let mut r = a
        .get(&format!("https://localhost:{port}/echo"))
        .call()
        .unwrap();
    let echo: serde_json::Value =
        serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(echo["origin"], serde_json::json!(s.other_url));

    // Programmatic 401 realm uses https.
    let mut r = a
        .get(&format!("{}/protected/minnie65/view", s.url))
        .header("X-Requested-With", "x")
        .call()
        .unwrap();
    assert_eq!(r.status(), 401);
    let www = r
        .headers()
        .get("www-authenticate")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        www,
        format!("Bearer realm=\"{}/sticky_auth/api/v1/authorize\"", s.url)
    );
    let _ = r.body_mut().read_to_string();

    // Without the CA the handshake is refused.
    assert!(
        agent(None)
            .get(&format!("{}/info/version", s.url))
            .call()
            .is_err()
    );
    drop(s);
    std::fs::remove_dir_all(&dir).unwrap();
}
