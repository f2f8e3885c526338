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

/// The largest CA bundle read (the system's whole bundle is about 200 KiB).
pub(crate) const MAX_BUNDLE_BYTES: u64 = 4 * 1024 * 1024;

fn read_bundle(file: &str) -> Result<Vec<Certificate<'static>>> {
    let path = expand_path(file)?;
    let pem = read_bounded(&path)?;
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

/// The bytes of the regular file at `path`, at most [`MAX_BUNDLE_BYTES`]:
/// a FIFO, a device (`/dev/zero`) or a directory is refused, without
/// blocking on a FIFO with no writer and without reading an endless file.
fn read_bounded(path: &std::path::Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let mut open = std::fs::OpenOptions::new();
    open.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Opening a FIFO for reading would wait for a writer.
        open.custom_flags(libc::O_NONBLOCK);
    }
    let file = open
        .open(path)
        .map_err(|e| Error::io("reading CA bundle", path, &e))?;
    let meta = file
        .metadata()
        .map_err(|e| Error::io("reading CA bundle", path, &e))?;
    if !meta.is_file() {
        return Err(Error::new(
            ErrorKind::Tls,
            format!(
                "CA bundle \"{}\" is not a regular file (a FIFO, device or directory); \
                 name a PEM file",
                path.display()
            ),
        ));
    }
    let too_large = || {
        Error::new(
            ErrorKind::Tls,
            format!(
                "CA bundle \"{}\" is larger than {} MiB; name a PEM file of CA certificates",
                path.display(),
                MAX_BUNDLE_BYTES >> 20
            ),
        )
    };
    if meta.len() > MAX_BUNDLE_BYTES {
        return Err(too_large());
    }
    let mut pem = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_BUNDLE_BYTES + 1)
        .read_to_end(&mut pem)
        .map_err(|e| Error::io("reading CA bundle", path, &e))?;
    if pem.len() as u64 > MAX_BUNDLE_BYTES {
        return Err(too_large());
    }
    Ok(pem)
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
