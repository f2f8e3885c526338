//! Which certificates a client trusts: the operating system's, plus a CA
//! bundle the user names (option or `$FW_CA_BUNDLE`).

use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};

use crate::error::{Error, ErrorKind, Remedy, Result};
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

/// The error for a TLS failure with `url`, from rustls's `cause`. A plain
/// http answer to the handshake (its first bytes are not a TLS record: an
/// `https://` address for a server that speaks http, such as fw-devserver)
/// says so, with the `http://` origin as [`Remedy::UseAddress`].
pub(super) fn failure(
    url: &str,
    cause: Option<&rustls::Error>,
    shown: &dyn std::fmt::Display,
) -> Error {
    let plain_http = matches!(
        cause,
        Some(rustls::Error::InvalidMessage(
            rustls::InvalidMessage::InvalidContentType
        ))
    );
    match plain_http.then(|| http_origin(url)).flatten() {
        Some(origin) => Error::new(
            ErrorKind::Tls,
            format!("{url}: the server answered in plain http, not https (TLS failure: {shown})"),
        )
        .with_remedy(Remedy::UseAddress(origin)),
        None => Error::new(ErrorKind::Tls, format!("TLS failure with {url}: {shown}")),
    }
}

/// `http://host[:port]` for an `https://` URL (no user-info, path or query).
fn http_origin(url: &str) -> Option<String> {
    let uri = url.parse::<ureq::http::Uri>().ok()?;
    if uri.scheme_str() != Some("https") {
        return None;
    }
    let authority = uri.authority()?;
    let host_port = authority
        .as_str()
        .rsplit_once('@')
        .map_or(authority.as_str(), |(_, h)| h);
    Some(format!("http://{host_port}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_http_answer_names_the_http_address() {
        let cause = rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType);
        let e = failure(
            "https://u:p@127.0.0.1:39741/info/x?y=1",
            Some(&cause),
            &cause,
        );
        assert_eq!(e.kind(), ErrorKind::Tls);
        assert_eq!(
            e.remedy(),
            &Remedy::UseAddress("http://127.0.0.1:39741".to_owned())
        );
        assert!(e.message().contains("plain http"), "{}", e.message());
        let other = rustls::Error::DecryptError;
        let e = failure("https://h.org/x", Some(&other), &other);
        assert_eq!(e.remedy(), &Remedy::None);
        assert!(e.message().starts_with("TLS failure with https://h.org/x"));
    }
}
