//! `--tls-self-signed DIR`: a throw-away CA and a server certificate it
//! signs for `127.0.0.1` and `localhost`. Only the CA certificate is written
//! (`DIR/ca.pem`); the server key stays in memory. The listeners serve it
//! through rustls with the ring provider.

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::path::Path;
use std::sync::Arc;

/// The server's certificate and key (DER) for the TLS listeners.
pub struct ServerCert {
    /// Server certificate followed by the CA certificate.
    pub cert_chain: Vec<CertificateDer<'static>>,
    /// PKCS#8 private key of the server certificate.
    pub key: PrivatePkcs8KeyDer<'static>,
}

impl ServerCert {
    /// A rustls server configuration (ring provider, TLS 1.2 and 1.3, ALPN
    /// `http/1.1`) serving this certificate.
    pub fn server_config(&self) -> Result<Arc<ServerConfig>, String> {
        let err = |e: rustls::Error| format!("TLS configuration failed: {e}");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(err)?
            .with_no_client_auth()
            .with_single_cert(
                self.cert_chain.clone(),
                PrivateKeyDer::Pkcs8(self.key.clone_key()),
            )
            .map_err(err)?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// Generates the CA and server certificate (for `127.0.0.1`, `localhost`
/// and `extra_names`) and writes `dir/ca.pem`.
pub fn generate(dir: &Path, extra_names: &[String]) -> Result<ServerCert, String> {
    let err = |e: rcgen::Error| format!("certificate generation failed: {e}");
    let ca_key = KeyPair::generate().map_err(err)?;
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "fw-devserver local CA");
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca.self_signed(&ca_key).map_err(err)?;
    let issuer = Issuer::new(ca, ca_key);

    let mut names = vec!["127.0.0.1".to_owned(), "localhost".to_owned()];
    names.extend(extra_names.iter().cloned());
    let mut leaf = CertificateParams::new(names).map_err(err)?;
    leaf.distinguished_name
        .push(DnType::CommonName, "fw-devserver 127.0.0.1");
    leaf.is_ca = IsCa::ExplicitNoCa;
    leaf.use_authority_key_identifier_extension = true;
    leaf.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_key = KeyPair::generate().map_err(err)?;
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).map_err(err)?;

    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let ca_path = dir.join("ca.pem");
    std::fs::write(&ca_path, ca_cert.pem())
        .map_err(|e| format!("cannot write {}: {e}", ca_path.display()))?;
    Ok(ServerCert {
        cert_chain: vec![leaf_cert.der().clone(), ca_cert.der().clone()],
        key: PrivatePkcs8KeyDer::from(leaf_key.serialize_der()),
    })
}
