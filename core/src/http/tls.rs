//! Which certificates a client trusts: the operating system's, plus a CA
//! bundle the user names (option or `$FW_CA_BUNDLE`).

use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};

use crate::error::{Error, ErrorKind, Result};
use crate::secrets::layout::{env_nonempty, expand_path};

/// Environment variable naming a CA bundle trusted in addition to the system's.
pub const ENV_CA_BUNDLE: &str = "FW_CA_BUNDLE";

/// The TLS settings for a CA bundle (the option beats `$FW_CA_BUNDLE`).
pub fn config(ca_file: Option<&str>) -> Result<TlsConfig> {
    let ca_file = match ca_file {
        Some(f) => Some(f.to_owned()),
        None => env_nonempty(ENV_CA_BUNDLE)?,
    };
    let roots = match ca_file {
        None => RootCerts::PlatformVerifier,
        Some(file) => RootCerts::new_with_certs(&with_system_roots(read_bundle(&file)?)),
    };
    Ok(TlsConfig::builder().root_certs(roots).build())
}

fn read_bundle(file: &str) -> Result<Vec<Certificate<'static>>> {
    let path = expand_path(file)?;
    let pem = std::fs::read(&path).map_err(|e| Error::io("reading CA bundle", &path, &e))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(PemItem::Certificate(c)) => certs.push(c),
            Ok(_) => {}
            Err(e) => {
                return Err(Error::new(
                    ErrorKind::Tls,
                    format!("CA bundle \"{}\" is not valid PEM: {e}", path.display()),
                ));
            }
        }
    }
    if certs.is_empty() {
        return Err(Error::new(
            ErrorKind::Tls,
            format!("CA bundle \"{}\" holds no certificate", path.display()),
        ));
    }
    Ok(certs)
}

/// `extra` plus the system's trusted roots (those that load).
fn with_system_roots(mut extra: Vec<Certificate<'static>>) -> Vec<Certificate<'static>> {
    let system = rustls_native_certs::load_native_certs();
    extra.extend(
        system
            .certs
            .iter()
            .map(|der| Certificate::from_der(der.as_ref()).to_owned()),
    );
    extra
}
