//! Bounded inputs (issue 11, item 6): the CA bundle is a regular file of at
//! most a few MiB; a FIFO, a device or an endless file is refused at client
//! creation with a clear error, without blocking. (FIFOs and devices are
//! Unix things; the Windows port has its own file rules.)
#![cfg(unix)]

use std::time::{Duration, Instant};

use fwclient_core::{Client, ErrorKind, Options};

fn with_ca(ca: &str, dir: &tempfile::TempDir) -> Options {
    let mut o = Options {
        server_address: Some("https://global.daf-apis.com".to_owned()),
        secrets_dir: Some(dir.path().to_str().unwrap().to_owned()),
        ..Options::default()
    };
    o.http.ca_file = Some(ca.to_owned());
    o
}

fn refused(ca: &str, words: &str) {
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let e = Client::new(None, &with_ca(ca, &dir)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls, "{ca}: {}", e.message());
    assert!(e.message().contains(words), "{ca}: {}", e.message());
    assert!(e.message().contains(ca), "{ca}: {}", e.message());
    // Refused at once, not after reading an endless file (a hang would
    // never get here; the bound only catches a pathological slowness).
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn a_device_is_not_a_ca_bundle() {
    refused("/dev/zero", "not a regular file");
    refused("/dev/null", "not a regular file");
}

#[test]
fn a_fifo_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("ca.fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    refused(fifo.to_str().unwrap(), "not a regular file");
}

#[test]
fn a_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    refused(dir.path().to_str().unwrap(), "not a regular file");
}

#[test]
fn a_bundle_over_the_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.pem");
    let f = std::fs::File::create(&big).unwrap();
    // The limit is 4 MiB (core/src/http/tls.rs).
    f.set_len(4 * 1024 * 1024 + 1).unwrap();
    refused(big.to_str().unwrap(), "larger than 4 MiB");
}
