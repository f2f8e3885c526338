//! A full disk: every failed save is FW_ERR_IO, and the existing secret file
//! is byte-for-byte unchanged, with no temporary file left behind.
//!
//! - a tmpfs of 64 KiB filled to the brim (mounting needs root; as another
//!   user that one case is skipped, saying so);
//! - a tmpfs whose inodes are all used (no room for the temporary file);
//! - a file-size limit (RLIMIT_FSIZE, any user) that makes the write fail
//!   half-way, in a child process;
//! - `/dev/full` given as the token file (a device, not a file: refused
//!   before anything is written, the device untouched).
// Unix only: full disks are made with tmpfs mounts and /dev/full.
#![cfg(unix)]

mod hardening;

use std::ffi::CString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::ptr;

use fwclient::fw_auth::*;
use fwclient::fw_options::*;
use fwclient::fw_result::fw_result;
use fwclient_core::{Auth, ErrorKind, Layout, Options, SaveOptions, Token};
use hardening::{CANARY_A, CANARY_C, assert_no_canary, cstr, is_root, outcome, tree};

const FILE: &str = "chunkedgraph-secret.json";
const OLD: &str = r#"{"other": "keep", "token": "fake_token_123"}"#;

fn overwrite() -> SaveOptions {
    SaveOptions {
        overwrite: true,
        ..SaveOptions::default()
    }
}

fn opts(dir: &Path, token: &str) -> Options {
    Options {
        token: Some(Token::new(token).unwrap()),
        secrets_dir: Some(dir.to_str().unwrap().to_owned()),
        layout: Some(Layout::Framework),
        ..Options::default()
    }
}

/// A tmpfs mounted at a fresh directory, unmounted on drop.
struct Tmpfs {
    path: PathBuf,
    _parent: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(options: &str) -> Tmpfs {
        let parent = tempfile::tempdir().unwrap();
        let path = parent.path().join("secrets");
        std::fs::create_dir(&path).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "none"])
            .arg(&path)
            .output()
            .expect("run mount");
        assert!(
            out.status.success(),
            "mount -t tmpfs -o {options} failed: {}. As root, these tests need CAP_SYS_ADMIN.",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        Tmpfs {
            path,
            _parent: parent,
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let ok = Command::new("umount")
            .arg(&self.path)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            let _ = Command::new("umount").arg("-l").arg(&self.path).status();
        }
    }
}

/// Skips (with a message) unless root: only root can mount a small tmpfs.
fn root_or_skip(test: &str) -> bool {
    if !is_root() {
        eprintln!(
            "SKIPPED {test}: mounting a small tmpfs needs root; the RLIMIT_FSIZE and \
             /dev/full cases of this file cover a failing write for other users"
        );
    }
    is_root()
}

/// Writes to `path` until the file system says it is full.
fn fill(path: &Path) {
    let mut f = std::fs::File::create(path).unwrap();
    let chunk = [b'f'; 512];
    loop {
        match f.write_all(&chunk).and_then(|()| f.sync_all()) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(libc::ENOSPC) => break,
            Err(e) => panic!("filling the tmpfs: {e}"),
        }
    }
}

/// Saves CANARY_C through the C ABI into `dir` and returns the code and message.
fn c_save(dir: &Path) -> (u32, String) {
    let d = cstr(dir.to_str().unwrap().as_bytes());
    let t = cstr(CANARY_A.as_bytes());
    let new = CString::new(CANARY_C).unwrap();
    let (mut o, mut a, mut e) = (ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
    // SAFETY: valid pointers and strings; handles freed here.
    unsafe {
        assert_eq!(fw_options_new(&mut o, ptr::null_mut()), fw_result::FW_OK);
        assert_eq!(
            fw_options_set_secrets_dir(o, d.as_ptr(), ptr::null_mut()),
            fw_result::FW_OK
        );
        assert_eq!(
            fw_options_set_layout(o, fw_layout::FW_LAYOUT_FRAMEWORK as u32, ptr::null_mut()),
            fw_result::FW_OK
        );
        assert_eq!(
            fw_options_set_token(o, t.as_ptr(), ptr::null_mut()),
            fw_result::FW_OK
        );
        assert_eq!(fw_auth_new(o, &mut a, &mut e), fw_result::FW_OK);
        fw_options_free(o);
        let rc = fw_auth_save_token(
            a,
            new.as_ptr(),
            ptr::null(),
            ptr::null(),
            fw_save_flags::FW_SAVE_OVERWRITE as u32,
            &mut e,
        );
        let (code, detail) = outcome(rc, e);
        let mut got = ptr::null_mut();
        assert_eq!(
            fw_auth_token(a, &mut got, ptr::null_mut()),
            fw_result::FW_OK
        );
        assert_eq!(
            hardening::take(got).as_deref(),
            Some(CANARY_A),
            "a failed save switched the token"
        );
        fw_auth_free(a);
        (code, detail.map(|d| d.1).unwrap_or_default())
    }
}

#[test]
fn a_full_tmpfs_refuses_the_save_and_the_file_is_unchanged() {
    if !root_or_skip("a_full_tmpfs_refuses_the_save_and_the_file_is_unchanged") {
        return;
    }
    let fs = Tmpfs::mount("size=64k,mode=0700");
    let file = fs.path.join(FILE);
    std::fs::write(&file, OLD).unwrap();
    fill(&fs.path.join("filler"));
    let before = tree(&fs.path);

    // Through the C ABI, as a C program sees it.
    let (code, msg) = c_save(&fs.path);
    assert_eq!(code, 4, "expected FW_ERR_IO: {msg}");
    assert!(
        msg.contains(FILE) || msg.contains(fs.path.to_str().unwrap()),
        "{msg}"
    );
    assert_no_canary("the error", &msg);
    assert_eq!(
        tree(&fs.path),
        before,
        "the failed save changed the directory"
    );

    // And through the core, with every flag combination that writes.
    let auth = Auth::new(&opts(&fs.path, CANARY_A)).unwrap();
    for key in [None, Some("new_key")] {
        let e = auth
            .save_token(Some(&Token::new(CANARY_C).unwrap()), key, None, overwrite())
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Io, "{e}");
        assert_no_canary("the error", e.message());
        assert_eq!(tree(&fs.path), before, "key {key:?}");
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), OLD);
    assert_eq!(auth.token().unwrap().expose(), CANARY_A);

    // Room again: the next save works and leaves no stray file. (tmpfs may
    // account the freed pages a moment later, so a few tries are allowed;
    // each failed one must still leave the file as it was.)
    std::fs::remove_file(fs.path.join("filler")).unwrap();
    let mut tries = 0;
    while let Err(e) = auth.save_token(
        Some(&Token::new(CANARY_C).unwrap()),
        None,
        None,
        overwrite(),
    ) {
        tries += 1;
        assert!(
            tries < 50 && e.kind() == ErrorKind::Io,
            "the save after making room: {e}"
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), OLD);
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!(r#"{{"other": "keep", "token": "{CANARY_C}"}}"#)
    );
    let names: Vec<String> = tree(&fs.path).into_keys().collect();
    assert_eq!(names, vec![FILE.to_owned()]);
}

#[test]
fn a_tmpfs_without_free_inodes_refuses_the_save_and_the_file_is_unchanged() {
    if !root_or_skip("a_tmpfs_without_free_inodes_refuses_the_save_and_the_file_is_unchanged") {
        return;
    }
    let fs = Tmpfs::mount("size=1m,nr_inodes=8,mode=0700");
    let file = fs.path.join(FILE);
    std::fs::write(&file, OLD).unwrap();
    for i in 0.. {
        match std::fs::write(fs.path.join(format!("x{i}")), "") {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(libc::ENOSPC) => break,
            Err(e) => panic!("using up the inodes: {e}"),
        }
    }
    let before = tree(&fs.path);
    let (code, msg) = c_save(&fs.path);
    assert_eq!(code, 4, "expected FW_ERR_IO: {msg}");
    assert_no_canary("the error", &msg);
    assert_eq!(tree(&fs.path), before);
}

const CHILD_VAR: &str = "FWCLIENT_TEST_FSIZE_DIR";

/// Not a test of its own: the child of
/// `a_file_size_limit_fails_the_write_and_the_file_is_unchanged`, which
/// saves under a 64-byte file size limit.
#[test]
fn fsize_child() {
    let Ok(dir) = std::env::var(CHILD_VAR) else {
        return;
    };
    // SAFETY: plain libc calls on this (single-purpose) child process.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        let lim = libc::rlimit {
            rlim_cur: 64,
            rlim_max: 64,
        };
        assert_eq!(libc::setrlimit(libc::RLIMIT_FSIZE, &lim), 0);
    }
    let dir = PathBuf::from(dir);
    let auth = Auth::new(&opts(&dir, CANARY_A)).unwrap();
    let e = auth
        .save_token(
            Some(&Token::new(CANARY_C).unwrap()),
            Some("a_longer_key"),
            None,
            overwrite(),
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io, "{e}");
    assert_no_canary("the error", e.message());
    assert_eq!(auth.token().unwrap().expose(), CANARY_A);
    println!("FSIZE-CHILD-DONE {}", e.message());
}

#[test]
fn a_file_size_limit_fails_the_write_and_the_file_is_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join(FILE);
    std::fs::write(&file, OLD).unwrap();
    let before = tree(tmp.path());
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "fsize_child", "--nocapture", "--test-threads=1"])
        .env(CHILD_VAR, tmp.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("FSIZE-CHILD-DONE"),
        "child: {}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert_no_canary("the child's output", &stdout);
    assert_eq!(
        tree(tmp.path()),
        before,
        "the failed save changed the directory"
    );
}

#[test]
fn dev_full_as_the_token_file_is_refused_and_left_alone() {
    let dev = Path::new("/dev/full");
    if !dev.exists() {
        eprintln!("SKIPPED: no /dev/full on this machine");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let auth = Auth::new(&opts(tmp.path(), CANARY_A)).unwrap();
    for file in ["/dev/full", "/dev/./full"] {
        let e = auth
            .save_token(None, None, Some(file), overwrite())
            .unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::SecretFile | ErrorKind::Io),
            "{file}: {:?} {e}",
            e.kind()
        );
        assert_no_canary("the error", e.message());
    }
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata(dev).unwrap().file_type().is_char_device());
    assert!(tree(tmp.path()).is_empty());
    assert_eq!(auth.token().unwrap().expose(), CANARY_A);
}
