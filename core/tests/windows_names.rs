//! Windows only: server file names with `:` and the home directory from
//! `USERPROFILE`, as the Python clients have them there (see
//! docs/robustness.md, "Secret files on Windows").
#![cfg(windows)]

mod common;

use std::fs;

use common::{Sandbox, read, save_default, token_of};
use fwclient_core::{Auth, ErrorKind, Layout, Options};

#[test]
fn a_host_and_port_file_is_read_and_written_where_python_puts_it() {
    let sb = Sandbox::new();
    let opts = Options {
        server_address: Some("http://127.0.0.1:8000".into()),
        ..sb.opts_in(Layout::Cave)
    };
    let auth = Auth::new(&opts).unwrap();
    save_default(&auth, "port_fake_token").unwrap();
    // NTFS: the stream `8000-cave-secret.json` of a file `127.0.0.1`, as
    // Python's open() writes it; the same name reads it back.
    let server_file = sb.file("127.0.0.1:8000-cave-secret.json");
    assert_eq!(read(&server_file), r#"{"token": "port_fake_token"}"#);
    assert_eq!(
        token_of(&Auth::new(&opts).unwrap()).as_deref(),
        Some("port_fake_token")
    );
}

#[test]
fn a_name_windows_cannot_hold_is_refused_before_anything_is_written() {
    let sb = Sandbox::new();
    sb.put("cave-secret.json", r#"{"token": "cave_fake_token"}"#);
    let opts = Options {
        server_address: Some("https://user:pw@host.org:443".into()),
        ..sb.opts_in(Layout::Cave)
    };
    // Reading: no such file (Python's os.path.isfile says False), so the
    // lookup goes on to cave-secret.json.
    let auth = Auth::new(&opts).unwrap();
    assert_eq!(token_of(&auth).as_deref(), Some("cave_fake_token"));
    // Saving: refused with the reason, and nothing written.
    let before = common::snapshot(&sb.secrets());
    let e = save_default(&auth, "new_fake_token").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::SecretFile, "{}", e.message());
    assert!(
        e.message()
            .contains("user:pw@host.org:443-cave-secret.json")
            && e.message().contains("contains ':'"),
        "{}",
        e.message()
    );
    assert_eq!(common::snapshot(&sb.secrets()), before);
}

#[test]
fn the_home_directory_is_userprofile() {
    let sb = Sandbox::new();
    let old = std::env::var_os("USERPROFILE");
    // SAFETY: the only test of this binary that touches the environment.
    unsafe { std::env::set_var("USERPROFILE", sb.root()) };
    let dir = fwclient_core::secrets::layout::secrets_dir(None);
    match old {
        // SAFETY: as above.
        Some(v) => unsafe { std::env::set_var("USERPROFILE", v) },
        None => unsafe { std::env::remove_var("USERPROFILE") },
    }
    let dir = dir.unwrap();
    assert_eq!(dir, sb.root().join(".cloudvolume").join("secrets"));
    assert!(fs::metadata(sb.root()).unwrap().is_dir());
}
