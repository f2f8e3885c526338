//! Secret files someone else controls (issue 11, item 5), with a real
//! second user: files and lock files planted by uid 65534 (`chown`), a lock
//! held by a process running as that user (`setpriv`), a world-writable
//! directory. Needs root (to chown and switch users); without it every test
//! prints why it is skipped and asserts nothing else.
// Unix only: owners, modes, setpriv.
#![cfg(unix)]

mod common;

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt, chown};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use common::{Sandbox, can_switch_users, mode, path_str, save_default, set_mode, tok, token_of};
use fwclient_core::{Auth, ErrorKind, Options, Remedy, SaveOptions};

const OTHER: u32 = common::OTHER_UID;
const FILE: &str = "chunkedgraph-secret.json";

/// `setpriv` as the other user, running `args`.
fn as_other(args: &[&str]) -> Command {
    let mut c = Command::new("setpriv");
    c.args([
        &format!("--reuid={OTHER}"),
        &format!("--regid={OTHER}"),
        "--clear-groups",
        "--",
    ])
    .args(args);
    c
}

/// A sandbox whose directories the other user can enter (0755), and its
/// secrets directory created with `dir_mode`.
fn shared_sandbox(dir_mode: u32) -> Sandbox {
    let sb = Sandbox::new();
    set_mode(sb.root(), 0o755);
    fs::create_dir_all(sb.secrets()).unwrap();
    set_mode(&sb.secrets(), dir_mode);
    sb
}

/// Whether the other user can read `path`.
fn other_can_read(path: &Path) -> bool {
    as_other(&["cat", &path_str(path)])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success()
}

/// The error the token's lookup gives: `Auth::new` succeeds (so a token
/// can be saved over a bad file) and the token's use fails.
fn auth_error(sb: &Sandbox) -> fwclient_core::Error {
    common::lookup_err(&sb.opts())
}

/// The lookup's error for a file the other user planted holding
/// `planted_token`: refused as theirs, the token never shown.
fn refused_as_theirs(sb: &Sandbox, planted_token: &str) -> fwclient_core::Error {
    let e = auth_error(sb);
    assert_eq!(e.kind(), ErrorKind::SecretFile, "{}", e.message());
    assert!(
        e.message().contains("belongs to user id 65534"),
        "{}",
        e.message()
    );
    assert!(!e.message().contains(planted_token));
    e
}

#[test]
fn a_world_writable_directory_is_refused_with_the_fix() {
    if !can_switch_users("a_world_writable_directory_is_refused_with_the_fix") {
        return;
    }
    let sb = shared_sandbox(0o777);
    // Planted by the other user: mode 0666, their token.
    let planted = sb.put(FILE, r#"{"token": "planted_fake_token"}"#);
    set_mode(&planted, 0o666);
    chown(&planted, Some(OTHER), Some(OTHER)).unwrap();

    // The file is refused first (it belongs to someone else)...
    let e = refused_as_theirs(&sb, "planted_fake_token");
    assert!(e.message().contains("chown"), "{}", e.message());

    // ...and a file of ours in that directory is refused for the directory.
    fs::remove_file(&planted).unwrap();
    sb.put(FILE, r#"{"token": "mine_fake_token"}"#);
    set_mode(&sb.file(FILE), 0o600);
    let e = auth_error(&sb);
    assert_eq!(e.kind(), ErrorKind::SecretFile);
    // The fix is a remedy: the command, which every front end shows.
    let want = format!("chmod o-w \"{}\"", sb.secrets().display());
    assert_eq!(e.remedy(), &Remedy::RunCommand(want));
    assert!(e.message().contains("writable by every user (mode 0777)"));

    // Saving there is refused too, and writes nothing.
    let before = fs::read(sb.file(FILE)).unwrap();
    let auth = Auth::new(&Options {
        token: Some(tok("explicit_fake_token")),
        ..sb.opts()
    })
    .unwrap();
    let e = save_default(&auth, "explicit_fake_token").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::SecretFile, "{}", e.message());
    assert_eq!(fs::read(sb.file(FILE)).unwrap(), before);
    set_mode(&sb.secrets(), 0o1777);
    // With the sticky bit, others can no longer replace our files: accepted.
    let auth = sb.auth();
    assert_eq!(token_of(&auth).as_deref(), Some("mine_fake_token"));
}

#[test]
fn a_token_file_writable_by_others_is_refused() {
    if !can_switch_users("a_token_file_writable_by_others_is_refused") {
        return;
    }
    let sb = shared_sandbox(0o700);
    let path = sb.put(FILE, r#"{"token": "mine_fake_token"}"#);
    set_mode(&path, 0o666);
    let e = auth_error(&sb);
    assert_eq!(e.kind(), ErrorKind::SecretFile);
    let want = format!("chmod 600 \"{}\"", path.display());
    assert_eq!(e.remedy(), &Remedy::RunCommand(want));
    assert!(
        e.message()
            .ends_with("is writable by every user (mode 0666)")
    );
    let before = fs::read(&path).unwrap();
    let auth = Auth::new(&Options {
        token: Some(tok("new_fake_token")),
        ..sb.opts()
    })
    .unwrap();
    let e = save_default(&auth, "new_fake_token").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::SecretFile, "{}", e.message());
    assert_eq!(fs::read(&path).unwrap(), before, "nothing was written");
}

#[test]
fn a_token_file_owned_by_another_user_is_refused() {
    if !can_switch_users("a_token_file_owned_by_another_user_is_refused") {
        return;
    }
    let sb = shared_sandbox(0o700);
    let path = sb.put(FILE, r#"{"token": "planted_fake_token"}"#);
    set_mode(&path, 0o644);
    chown(&path, Some(OTHER), Some(OTHER)).unwrap();
    let e = auth_error(&sb);
    assert_eq!(e.kind(), ErrorKind::SecretFile);
    let want = format!("`chown 0 \"{}\"`", path.display());
    assert!(e.message().contains(&want), "{}", e.message());
    assert!(!e.message().contains("planted_fake_token"));
    // A root-owned file is accepted (root can write anyone's files anyway).
    chown(&path, Some(0), Some(0)).unwrap();
    assert_eq!(token_of(&sb.auth()).as_deref(), Some("planted_fake_token"));
}

/// Holds `flock` on `path` as the other user until killed; returns once
/// the lock is held.
fn hold_lock_as_other(path: &Path) -> Child {
    let mut child = as_other(&[
        "flock",
        "--nonblock",
        &path_str(path),
        "sh",
        "-c",
        "echo locked; exec sleep 60",
    ])
    .stdout(Stdio::piped())
    .spawn()
    .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
        &mut line,
    )
    .unwrap();
    assert_eq!(line.trim(), "locked", "the other user holds the lock");
    child
}

#[test]
fn a_lock_held_by_another_user_never_stops_a_save() {
    if !can_switch_users("a_lock_held_by_another_user_never_stops_a_save") {
        return;
    }
    let sb = shared_sandbox(0o755);
    // The other user's own lock file under our lock file's name, locked...
    let planted = sb.file(".fwclient.lock");
    fs::write(&planted, "").unwrap();
    set_mode(&planted, 0o666);
    chown(&planted, Some(OTHER), Some(OTHER)).unwrap();
    let mut holders = vec![hold_lock_as_other(&planted)];
    // ...and the directory itself locked, the lock of earlier versions.
    holders.push(hold_lock_as_other(&sb.secrets()));

    let auth = sb.auth();
    let saved = save_default(&auth, "saved_fake_token");
    for h in &mut holders {
        h.kill().unwrap();
        h.wait().unwrap();
    }
    saved.expect("the save does not wait for the other user's locks");
    let file = sb.file(FILE);
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        r#"{"token": "saved_fake_token"}"#
    );
    assert_eq!(mode(&file), 0o600);
    assert!(
        !other_can_read(&file),
        "the other user cannot read the token"
    );
    // The planted file is left alone; our own lock file is gone.
    assert_eq!(sb.names(), vec![".fwclient.lock", FILE]);
    assert_eq!(fs::metadata(&planted).unwrap().uid(), OTHER);
}

#[test]
fn a_lock_file_others_can_open_is_not_used() {
    if !can_switch_users("a_lock_file_others_can_open_is_not_used") {
        return;
    }
    let sb = shared_sandbox(0o755);
    // Ours, but readable by everyone: the other user opened it and locks it.
    let wide = sb.file(".fwclient.lock");
    fs::write(&wide, "").unwrap();
    set_mode(&wide, 0o644);
    let mut holder = hold_lock_as_other(&wide);
    let saved = save_default(&sb.auth(), "saved_fake_token");
    holder.kill().unwrap();
    holder.wait().unwrap();
    saved.expect("the save uses a lock file only we can open");
    assert!(!other_can_read(&sb.file(FILE)));
    assert_eq!(sb.names(), vec![".fwclient.lock", FILE]);
}

#[test]
fn a_file_of_ours_keeps_its_mode_and_a_foreign_mode_is_never_copied() {
    if !can_switch_users("a_file_of_ours_keeps_its_mode_and_a_foreign_mode_is_never_copied") {
        return;
    }
    // Ours and 0644 (as the Python clients create it): kept on save.
    let sb = shared_sandbox(0o700);
    let path = sb.put(FILE, r#"{"token": "old_fake_token"}"#);
    set_mode(&path, 0o644);
    let auth = sb.auth();
    auth.save_token(
        Some(&tok("new_fake_token")),
        None,
        None,
        SaveOptions {
            overwrite: true,
            ..SaveOptions::default()
        },
    )
    .unwrap();
    assert_eq!(mode(&path), 0o644);

    // Root's file (0644) in the other user's directory, saved by the other
    // user: the replacement is theirs and 0600, not root's 0644.
    let sb = shared_sandbox(0o755);
    chown(sb.secrets(), Some(OTHER), Some(OTHER)).unwrap();
    let path = sb.put(FILE, r#"{"token": "old_fake_token"}"#);
    set_mode(&path, 0o644);
    let out = as_other(&[
        &std::env::current_exe().unwrap().to_string_lossy(),
        "--exact",
        "save_as_child",
        "--nocapture",
        "--test-threads=1",
    ])
    .env("FW_TEST_SAVE_DIR", sb.secrets())
    .output()
    .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let meta = fs::metadata(&path).unwrap();
    assert_eq!(meta.uid(), OTHER);
    assert_eq!(meta.permissions().mode() & 0o7777, 0o600);
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        r#"{"token": "child_fake_token"}"#
    );
}

/// Run by the test above as the other user: saves into `$FW_TEST_SAVE_DIR`.
#[test]
fn save_as_child() {
    let Some(dir) = std::env::var_os("FW_TEST_SAVE_DIR") else {
        return; // only meaningful as the child of the test above
    };
    let auth = Auth::new(&Options {
        secrets_dir: Some(dir.to_string_lossy().into_owned()),
        ..Options::default()
    })
    .unwrap();
    auth.save_token(
        Some(&tok("child_fake_token")),
        None,
        None,
        SaveOptions {
            overwrite: true,
            ..SaveOptions::default()
        },
    )
    .unwrap();
}

#[test]
fn status_warnings_name_the_fix() {
    let sb = Sandbox::new();
    let path = sb.put(FILE, r#"{"token": "mine_fake_token"}"#);
    set_mode(&sb.secrets(), 0o770);
    set_mode(&path, 0o640);
    let w = fwclient_core::secrets::audit::permission_warnings(&sb.secrets(), &[&path, &path]);
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(w[0].contains(&format!("`chmod g-w \"{}\"`", sb.secrets().display())));
    assert!(w[1].contains(&format!("`chmod 600 \"{}\"`", path.display())));
    // Group-writable is allowed: the token is read.
    set_mode(&path, 0o660);
    assert_eq!(token_of(&sb.auth()).as_deref(), Some("mine_fake_token"));
    set_mode(&sb.secrets(), 0o700);
    set_mode(&path, 0o600);
    assert!(fwclient_core::secrets::audit::permission_warnings(&sb.secrets(), &[&path]).is_empty());
}

#[test]
fn a_file_planted_after_lookups_stopped_asking_is_found_and_refused() {
    // Lookups stop asking about files they found absent while the
    // directory's version stays the same (auth/probe.rs). A file the other
    // user plants later changes that version: it is found, and refused as
    // theirs, never skipped nor used.
    if !can_switch_users("a_file_planted_after_lookups_stopped_asking_is_found_and_refused") {
        return;
    }
    let sb = shared_sandbox(0o1777);
    let mine = sb.put(common::CAVE_FILE, r#"{"token": "mine_fake_token"}"#);
    set_mode(&mine, 0o600);
    // Past the margin after which the directory's version vouches for an
    // absence (secrets/dir_stat.rs).
    std::thread::sleep(std::time::Duration::from_millis(120));
    for _ in 0..4 {
        assert_eq!(token_of(&sb.auth()).as_deref(), Some("mine_fake_token"));
    }

    // The server's own file comes first in the lookup: the other user
    // plants it (the sticky bit lets anyone create files).
    let planted = sb.file(common::GLOBAL_SERVER_FILE);
    let status = as_other(&[
        "sh",
        "-c",
        &format!(
            "printf '%s' '{{\"token\": \"planted_fake_token\"}}' > '{}'",
            path_str(&planted)
        ),
    ])
    .status()
    .unwrap();
    assert!(status.success());
    assert_eq!(fs::metadata(&planted).unwrap().uid(), OTHER);
    refused_as_theirs(&sb, "planted_fake_token");

    // Without it, our own file in a directory anyone can replace files in
    // is refused for the directory (the one look a lookup takes at it).
    fs::remove_file(&planted).unwrap();
    set_mode(&sb.secrets(), 0o777);
    let e = auth_error(&sb);
    let want = format!("chmod o-w \"{}\"", sb.secrets().display());
    assert_eq!(e.remedy(), &Remedy::RunCommand(want), "{}", e.message());
}
