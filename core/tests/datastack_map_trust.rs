//! The datastack map decides where the token goes (issue 20, item 6): a
//! map that anyone but the user could have written is not used. A group
//! member (a real second user, through `setpriv`, where the test runs as
//! root) or loose modes plant `{"ds1": "<attacker>"}`; the client for
//! `ds1` is refused with the `chmod` that fixes it, and the attacker's
//! server receives nothing.
//!
//! The environment belongs to the whole process: every test holds one lock
//! while it changes `$HOME`, and restores it when done.
// Unix only: modes, owners, setpriv.
#![cfg(unix)]

mod common;

use std::ffi::OsString;
use std::fs;
use std::net::TcpListener;
use std::os::unix::fs::chown;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};

use common::{can_switch_users, set_mode};
use fwclient_core::secrets::datastack_map;
use fwclient_core::{AddressSource, Client, ErrorKind, Options, Remedy, Token};

const MAP: &str = "cave_datastack_to_server_map.json";
const OTHER: u32 = common::OTHER_UID;

static ENV_LOCK: Mutex<()> = Mutex::new(());

/// A fresh `$HOME` (0755, so the other user can enter it) with
/// `~/.cloudvolume/secrets` in `dir_mode`; restored when dropped.
struct Home {
    dir: tempfile::TempDir,
    saved: Option<OsString>,
    _lock: MutexGuard<'static, ()>,
}

impl Home {
    fn new(dir_mode: u32) -> Home {
        let lock = ENV_LOCK.lock().unwrap_or_else(|p| p.into_inner());
        let dir = tempfile::tempdir().unwrap();
        set_mode(dir.path(), 0o755);
        let saved = std::env::var_os("HOME");
        // SAFETY: every test of this binary holds ENV_LOCK.
        unsafe { std::env::set_var("HOME", dir.path()) };
        let home = Home {
            dir,
            saved,
            _lock: lock,
        };
        fs::create_dir_all(home.secrets()).unwrap();
        set_mode(&home.dir.path().join(".cloudvolume"), 0o755);
        set_mode(&home.secrets(), dir_mode);
        home
    }

    fn secrets(&self) -> PathBuf {
        self.dir.path().join(".cloudvolume/secrets")
    }

    fn map(&self) -> PathBuf {
        self.secrets().join(MAP)
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        // SAFETY: as in `new`.
        unsafe {
            match &self.saved {
                Some(v) => std::env::set_var("HOME", v),
                None => std::env::remove_var("HOME"),
            }
        }
    }
}

/// The attacker's server: a listener that counts the connections it gets
/// (it never answers; none may come).
struct Attacker {
    listener: TcpListener,
    url: String,
}

impl Attacker {
    fn start() -> Attacker {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        Attacker { listener, url }
    }

    fn connections(&self) -> usize {
        std::iter::from_fn(|| self.listener.accept().ok()).count()
    }
}

fn options(secrets_dir: &Path) -> Options {
    Options {
        token: Some(Token::new("fake_user_token_ds1").unwrap()),
        secrets_dir: Some(secrets_dir.to_str().unwrap().to_owned()),
        ..Options::default()
    }
}

/// A client for `ds1`, with its datastack info asked for when it is made.
fn client_for_ds1(home: &Home) -> fwclient_core::Result<Client> {
    let c = Client::new(Some("ds1"), &options(&home.secrets()))?;
    let _ = c.datastack_info();
    Ok(c)
}

#[track_caller]
fn assert_refused(home: &Home, fix: &str, why: &str) {
    let e = client_for_ds1(home).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::SecretFile, "{}", e.message());
    assert_eq!(
        e.remedy(),
        &Remedy::RunCommand(fix.to_owned()),
        "{}",
        e.message()
    );
    assert!(e.message().contains(why), "{}", e.message());
    assert!(e.message().contains(MAP), "{}", e.message());
}

fn plant(home: &Home, attacker: &Attacker, mode: u32) {
    fs::write(home.map(), format!(r#"{{"ds1": "{}"}}"#, attacker.url)).unwrap();
    set_mode(&home.map(), mode);
}

#[test]
fn a_map_in_a_group_writable_directory_is_not_used() {
    let home = Home::new(0o770);
    let attacker = Attacker::start();
    plant(&home, &attacker, 0o600);
    let dir = home.secrets().display().to_string();
    assert_refused(
        &home,
        &format!("chmod go-w \"{dir}\""),
        "is writable by its group (mode 0770)",
    );
    assert_eq!(attacker.connections(), 0);
    // What `fwauth status` says: the same refusal, with its fix.
    let said = datastack_map::caveclient_refusal().expect("a refusal");
    assert_eq!(
        said.remedy(),
        &Remedy::RunCommand(format!("chmod go-w \"{dir}\""))
    );
    // The fix the error names makes the map usable again.
    set_mode(&home.secrets(), 0o700);
    assert!(datastack_map::caveclient_refusal().is_none());
    let c = Client::new(Some("ds1"), &options(&home.secrets())).unwrap();
    assert_eq!(c.auth().server_address(), attacker.url);
    assert_eq!(c.auth().server_source(), AddressSource::DatastackMap);
}

#[test]
fn a_map_writable_by_its_group_or_everyone_is_not_used() {
    for (mode, who) in [
        (0o620, "its group (mode 0620)"),
        (0o602, "every user (mode 0602)"),
    ] {
        let home = Home::new(0o700);
        let attacker = Attacker::start();
        plant(&home, &attacker, mode);
        let file = home.map().display().to_string();
        assert_refused(&home, &format!("chmod go-w \"{file}\""), who);
        assert_eq!(attacker.connections(), 0);
    }
}

#[test]
fn a_world_writable_sticky_directory_does_not_make_the_map_safe() {
    let home = Home::new(0o1777);
    let attacker = Attacker::start();
    plant(&home, &attacker, 0o600);
    let dir = home.secrets().display().to_string();
    assert_refused(&home, &format!("chmod go-w \"{dir}\""), "every user");
    assert_eq!(attacker.connections(), 0);
}

#[test]
fn a_link_to_a_map_in_a_loose_directory_is_not_used() {
    let home = Home::new(0o700);
    let attacker = Attacker::start();
    let elsewhere = tempfile::tempdir().unwrap();
    set_mode(elsewhere.path(), 0o777);
    let target = elsewhere.path().join("map.json");
    fs::write(&target, format!(r#"{{"ds1": "{}"}}"#, attacker.url)).unwrap();
    set_mode(&target, 0o600);
    std::os::unix::fs::symlink(&target, home.map()).unwrap();
    let dir = elsewhere
        .path()
        .canonicalize()
        .unwrap()
        .display()
        .to_string();
    assert_refused(&home, &format!("chmod go-w \"{dir}\""), "every user");
    assert_eq!(attacker.connections(), 0);
}

#[test]
fn a_group_member_planting_the_map_does_not_choose_where_the_token_goes() {
    if !can_switch_users("a_group_member_planting_the_map") {
        return;
    }
    let home = Home::new(0o770);
    // The directory's group is the other user's: they are a member.
    chown(home.secrets(), None, Some(OTHER)).unwrap();
    let attacker = Attacker::start();
    let planted = Command::new("setpriv")
        .args([
            &format!("--reuid={OTHER}"),
            &format!("--regid={OTHER}"),
            "--clear-groups",
            "--",
            "sh",
            "-c",
            "umask 077; printf '%s' \"$1\" > \"$2\"",
            "sh",
        ])
        .arg(format!(r#"{{"ds1": "{}"}}"#, attacker.url))
        .arg(home.map())
        .status()
        .unwrap();
    assert!(
        planted.success(),
        "the group member could not write the map"
    );
    let dir = home.secrets().display().to_string();
    assert_refused(
        &home,
        &format!("chmod go-w \"{dir}\""),
        "writable by its group",
    );
    assert_eq!(attacker.connections(), 0);
    // Even with the directory fixed, the file is the other user's.
    set_mode(&home.secrets(), 0o750);
    let file = home.map().display().to_string();
    assert_refused(
        &home,
        &format!("chown 0 \"{file}\""),
        &format!("belongs to user id {OTHER}"),
    );
    assert_eq!(attacker.connections(), 0);
}
