//! Helpers shared by the auth integration tests: a private temporary secrets
//! directory per test, file bytes and modes, directory snapshots, and a
//! read-only directory guard.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
#[cfg(unix)]
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
#[cfg(unix)]
use std::process::Command;
use std::time::{Duration, SystemTime};

use fwclient_core::secrets::file::Saved;
use fwclient_core::{Auth, Layout, Options, SaveOptions, Token};

/// The file annotationframeworkclient 3.1 reads by default.
pub const FRAMEWORK_FILE: &str = "chunkedgraph-secret.json";
/// The file caveclient reads by default.
pub const CAVE_FILE: &str = "cave-secret.json";
/// The per-server file of the default global server.
pub const GLOBAL_SERVER_FILE: &str = "global.daf-apis.com-cave-secret.json";

/// A temporary directory of one test, removed when dropped. The secrets
/// directory is `<tmp>/secrets`, not created until a test (or a save) does.
pub struct Sandbox {
    pub tmp: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            tmp: tempfile::tempdir().expect("create a temporary directory"),
        }
    }

    /// The temporary directory itself.
    pub fn root(&self) -> &Path {
        self.tmp.path()
    }

    /// The secrets directory (may not exist yet).
    pub fn secrets(&self) -> PathBuf {
        self.tmp.path().join("secrets")
    }

    /// A file in the secrets directory.
    pub fn file(&self, name: &str) -> PathBuf {
        self.secrets().join(name)
    }

    /// Writes `bytes` to `name` in the secrets directory, creating it.
    pub fn put(&self, name: &str, bytes: &str) -> PathBuf {
        fs::create_dir_all(self.secrets()).expect("create the secrets directory");
        let path = self.file(name);
        fs::write(&path, bytes).expect("write a secret file");
        path
    }

    /// Options with the secrets directory set and nothing else.
    pub fn opts(&self) -> Options {
        Options {
            secrets_dir: Some(path_str(&self.secrets())),
            ..Options::default()
        }
    }

    /// Options with the secrets directory and the layout set.
    pub fn opts_in(&self, layout: Layout) -> Options {
        Options {
            layout: Some(layout),
            ..self.opts()
        }
    }

    pub fn auth(&self) -> Auth {
        Auth::new(&self.opts()).expect("Auth::new")
    }

    pub fn auth_in(&self, layout: Layout) -> Auth {
        Auth::new(&self.opts_in(layout)).expect("Auth::new")
    }

    /// Everything in the secrets directory (see [`snapshot`]).
    pub fn snapshot(&self) -> BTreeMap<String, Entry> {
        snapshot(&self.secrets())
    }

    /// The names in the secrets directory, sorted.
    pub fn names(&self) -> Vec<String> {
        self.snapshot().into_keys().collect()
    }
}

pub fn path_str(p: &Path) -> String {
    p.to_str().expect("temporary paths are UTF-8").to_owned()
}

pub fn tok(s: &str) -> Token {
    Token::new(s).expect("a valid fake token")
}

/// `auth.save_token` of `token` with caveclient's defaults: default key,
/// the auth's token file, `SaveOptions::default()`.
pub fn save_default(auth: &Auth, token: &str) -> fwclient_core::Result<Vec<(PathBuf, Saved)>> {
    auth.save_token(Some(&tok(token)), None, None, SaveOptions::default())
}

/// The token in use, exposed for comparison.
pub fn token_of(auth: &Auth) -> Option<String> {
    auth.token().map(|t| t.expose().to_owned())
}

pub fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Permission bits of `path` (following symbolic links). Unix only: tests
/// of modes are `#[cfg(unix)]`.
#[cfg(unix)]
pub fn mode(path: &Path) -> u32 {
    fs::metadata(path)
        .unwrap_or_else(|e| panic!("stat {}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o7777
}

#[cfg(unix)]
pub fn set_mode(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
}

/// Sets the modification time of `path` to a fixed time in the past, so
/// that any rewrite is visible.
pub fn age(path: &Path) -> SystemTime {
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(old))
        .expect("set the modification time");
    old
}

/// (inode, modification time) of `path`; on Windows (no inode number in
/// std) the modification time alone, which [`age`] makes tell a rewrite.
pub fn identity(path: &Path) -> (u64, SystemTime) {
    let m = fs::metadata(path).expect("stat");
    #[cfg(unix)]
    let ino = m.ino();
    #[cfg(not(unix))]
    let ino = 0;
    (ino, m.modified().expect("mtime"))
}

/// The other user the tests that play a second user switch to (`nobody`
/// on Debian).
pub const OTHER_UID: u32 = 65534;

/// Whether a test can play a second user (chown, and setpriv as
/// [`OTHER_UID`]); prints why not.
#[cfg(unix)]
pub fn can_switch_users(test: &str) -> bool {
    if !is_root() {
        println!("{test}: skipped: needs root to chown files and run setpriv as uid {OTHER_UID}");
        return false;
    }
    if Command::new("setpriv").arg("--version").output().is_err() {
        println!("{test}: skipped: setpriv (util-linux) is not installed");
        return false;
    }
    true
}

pub fn is_root() -> bool {
    #[cfg(unix)]
    // SAFETY: geteuid has no preconditions.
    return unsafe { libc::geteuid() == 0 };
    #[cfg(not(unix))]
    false
}

/// The permission bits in a snapshot: 0 on Windows, which has none.
fn mode_bits(meta: &fs::Metadata) -> u32 {
    #[cfg(unix)]
    return meta.permissions().mode() & 0o7777;
    #[cfg(not(unix))]
    {
        let _ = meta;
        0
    }
}

/// One entry of a directory snapshot.
#[derive(Clone, PartialEq, Eq)]
pub enum Entry {
    File { bytes: Vec<u8>, mode: u32 },
    Dir { mode: u32 },
    Link { target: PathBuf },
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Entry::File { bytes, mode } if bytes.len() <= 4096 => {
                write!(f, "File({:?}, {mode:o})", String::from_utf8_lossy(bytes))
            }
            Entry::File { bytes, mode } => write!(f, "File({} bytes, {mode:o})", bytes.len()),
            Entry::Dir { mode } => write!(f, "Dir({mode:o})"),
            Entry::Link { target } => write!(f, "Link({})", target.display()),
        }
    }
}

/// Every entry of `dir` (not recursive), with file bytes and modes; empty
/// when `dir` does not exist.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Entry> {
    let mut out = BTreeMap::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return out;
    };
    for e in entries {
        let e = e.expect("read_dir entry");
        let path = e.path();
        let meta = fs::symlink_metadata(&path).expect("lstat");
        let entry = if meta.file_type().is_symlink() {
            Entry::Link {
                target: fs::read_link(&path).expect("readlink"),
            }
        } else if meta.is_dir() {
            Entry::Dir {
                mode: mode_bits(&meta),
            }
        } else {
            Entry::File {
                bytes: fs::read(&path).unwrap_or_default(),
                mode: mode_bits(&meta),
            }
        };
        out.insert(e.file_name().to_string_lossy().into_owned(), entry);
    }
    out
}

/// A directory nothing can be written to, for the `ignore_readonly` tests,
/// filled by `fill` while still writable.
///
/// As root, permission bits do not stop writes, so the directory is a tmpfs
/// mounted read-write, filled, then remounted read-only (unmounted on drop).
/// Otherwise it is a plain directory made 0555 (made 0755 again on drop).
#[cfg(unix)]
pub struct ReadOnlyDir {
    path: PathBuf,
    mounted: bool,
}

#[cfg(unix)]
impl ReadOnlyDir {
    pub fn new(path: &Path, fill: impl FnOnce(&Path)) -> ReadOnlyDir {
        fs::create_dir_all(path).expect("create the directory to make read-only");
        if is_root() {
            run_mount(&["-t", "tmpfs", "-o", "size=1m,mode=0700", "none"], path);
            let guard = ReadOnlyDir {
                path: path.to_path_buf(),
                mounted: true,
            };
            fill(path);
            run_mount(&["-o", "remount,ro"], path);
            guard
        } else {
            fill(path);
            set_mode(path, 0o555);
            ReadOnlyDir {
                path: path.to_path_buf(),
                mounted: false,
            }
        }
    }
}

#[cfg(unix)]
fn run_mount(args: &[&str], path: &Path) {
    let out = Command::new("mount")
        .args(args)
        .arg(path)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `mount` to make a read-only directory as root: {e}")
        });
    assert!(
        out.status.success(),
        "`mount {} {}` failed ({}): {}. Running as root, a read-only tmpfs is the only way \
         to get a directory root cannot write to; this test needs CAP_SYS_ADMIN.",
        args.join(" "),
        path.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr).trim()
    );
}

#[cfg(unix)]
impl Drop for ReadOnlyDir {
    fn drop(&mut self) {
        if self.mounted {
            let ok = Command::new("umount")
                .arg(&self.path)
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                let _ = Command::new("umount").arg("-l").arg(&self.path).status();
            }
        } else {
            let _ = fs::set_permissions(&self.path, fs::Permissions::from_mode(0o755));
        }
    }
}

/// The error a token lookup with `opts` ends in: an argument error at
/// construction, or the error of a secret file that cannot be read or is
/// malformed, at the first use of the token (construction succeeds, so that
/// a token can be saved over such a file).
pub fn lookup_err(opts: &Options) -> fwclient_core::Error {
    match Auth::new(opts) {
        Err(e) => e,
        Ok(auth) => {
            let e = auth.usable_token().expect_err("the token lookup succeeded");
            assert_eq!(
                auth.lookup_problem().as_ref().map(|p| p.message()),
                Some(e.message())
            );
            e
        }
    }
}
