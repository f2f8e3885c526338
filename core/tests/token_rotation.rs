//! A token that follows its file: rotated by another process (`fwauth
//! save-token --overwrite`) while a client runs, it is picked up after the
//! old one is refused, or on demand; a token given explicitly never is.
//!
//! Unix only: the rotating process is the fwauth binary, which the Windows
//! run (make test-windows) does not build.
#![cfg(unix)]

mod support;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

use fwclient_core::{Auth, Client, ErrorKind, Options, Token, TokenSource};
use support::{DevServer, fwauth_binary};

/// Saves `token` as the user's token with `fwauth`, a separate process.
fn rotate(dir: &Path, server: &str, token: &str) {
    let mut child = Command::new(fwauth_binary())
        .args(["save-token", "--overwrite"])
        .env("FW_SECRETS_DIR", dir)
        .env("FW_SERVER_ADDRESS", server)
        .env_remove("FW_AUTH_TOKEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(token.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success(), "fwauth save-token failed");
}

fn options(dir: &Path, server: &str) -> Options {
    Options {
        server_address: Some(server.to_owned()),
        secrets_dir: Some(dir.to_str().unwrap().to_owned()),
        ..Options::default()
    }
}

#[test]
fn a_token_rotated_by_another_process_is_used_after_the_old_one_is_refused() {
    let srv = DevServer::start();
    let dir = tempfile::tempdir().unwrap();
    rotate(dir.path(), &srv.url, "revoked_fake_token_1");
    let c = Client::new(None, &options(dir.path(), &srv.url)).unwrap();
    assert!(matches!(c.auth().source(), TokenSource::File { .. }));
    // The file has not changed: the refusal stands, nothing is re-read.
    let e = c.whoami().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidToken, "{}", e.message());
    rotate(dir.path(), &srv.url, "fake_token_123");
    // The same client, no restart: refused, re-read, retried once.
    let me = c.whoami().unwrap();
    assert_eq!(me["id"], 1, "{me}");
    assert_eq!(
        c.auth().token(),
        Some(Token::new("fake_token_123").unwrap())
    );
    // And from then on it is the token sent.
    c.whoami().unwrap();
}

#[test]
fn reload_on_demand_follows_the_file_and_reports_a_change() {
    let srv = DevServer::start();
    let dir = tempfile::tempdir().unwrap();
    rotate(dir.path(), &srv.url, "fake_token_123");
    let auth = Arc::new(Auth::new(&options(dir.path(), &srv.url)).unwrap());
    assert!(!auth.reload().unwrap(), "an unchanged file is not a change");
    rotate(dir.path(), &srv.url, "admin_fake_token_456");
    assert!(auth.reload().unwrap());
    assert_eq!(
        auth.token(),
        Some(Token::new("admin_fake_token_456").unwrap())
    );
    assert!(!auth.reload().unwrap());
}

#[test]
fn an_explicit_token_is_never_reloaded() {
    let srv = DevServer::start();
    let dir = tempfile::tempdir().unwrap();
    rotate(dir.path(), &srv.url, "fake_token_123");
    let mut o = options(dir.path(), &srv.url);
    o.token = Some(Token::new("revoked_fake_token_2").unwrap());
    let c = Client::new(None, &o).unwrap();
    rotate(dir.path(), &srv.url, "admin_fake_token_456");
    let e = c.whoami().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidToken, "{}", e.message());
    assert!(!c.auth().reload().unwrap());
    assert_eq!(
        c.auth().token(),
        Some(Token::new("revoked_fake_token_2").unwrap())
    );
}
