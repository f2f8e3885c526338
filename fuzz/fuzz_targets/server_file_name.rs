//! Server address -> per-server secret file name (`{netloc}-cave-secret.json`).
//!
//! Properties, for any address: no panic; the name is one plain path
//! component (no `/`, not `.` or `..`), so joined to the secrets directory it
//! names a file directly inside it and never elsewhere; it ends with the
//! suffix; its netloc is a piece of the address holding none of `/ ? #`; and
//! an auth built with that address in an empty directory reads nothing,
//! creates nothing and fails, if at all, only with a clear error; when it
//! accepts the address, its normal form names the same file.
#![no_main]

use std::path::{Component, Path};
use std::sync::OnceLock;

use fwclient_core::secrets::layout::{SERVER_FILE_SUFFIX, netloc, server_file_name};
use fwclient_core::{Auth, ErrorKind, Layout, Options};
use libfuzzer_sys::fuzz_target;

fn dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("a temporary directory"))
        .path()
}

fuzz_target!(|address: &str| {
    let name = server_file_name(address);
    assert!(name.ends_with(SERVER_FILE_SUFFIX), "{name:?}");
    assert!(!name.contains('/'), "{address:?} gives {name:?}");
    assert!(name != "." && name != "..", "{name:?}");

    let host = netloc(address);
    assert!(address.contains(host), "{address:?} -> {host:?}");
    assert!(!host.contains(['/', '?', '#']), "{address:?} -> {host:?}");

    let joined = dir().join(&name);
    assert_eq!(
        joined.parent(),
        Some(dir()),
        "{name:?} escapes the directory"
    );
    let mut parts = Path::new(&name).components();
    if !name.contains('\0') {
        assert!(
            matches!(parts.next(), Some(Component::Normal(_))) && parts.next().is_none(),
            "{name:?} is not one plain component"
        );
    }

    // Reading with this address: no panic, no file created.
    let opts = Options {
        server_address: Some(address.to_owned()),
        secrets_dir: Some(dir().to_str().unwrap().to_owned()),
        layout: Some(Layout::Cave),
        ..Options::default()
    };
    match Auth::new(&opts) {
        Ok(auth) => {
            assert!(auth.token().is_none());
            assert_eq!(auth.token_file().parent(), Some(dir()));
            assert_eq!(
                server_file_name(auth.server_address()),
                name,
                "{address:?} normalised to {:?}",
                auth.server_address()
            );
        }
        Err(e) => assert!(
            matches!(
                e.kind(),
                ErrorKind::Io | ErrorKind::InvalidArgument | ErrorKind::InvalidUrl
            ),
            "{:?}: {e}",
            e.kind()
        ),
    }
    assert!(
        std::fs::read_dir(dir()).unwrap().next().is_none(),
        "reading created a file"
    );
});
