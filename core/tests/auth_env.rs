//! Behaviour that depends on process-global state: `$HOME`, `$FW_AUTH_TOKEN`,
//! `$FW_SECRETS_DIR`, `$FW_SECRETS_LAYOUT` and the current directory
//! (DESIGN.md "Secrets on disk"; python-clients.md §1.1, §2.2, checklist
//! items 1, 5, 9, 15 and 20).
//!
//! Environment variables and the current directory belong to the whole
//! process: each test holds the environment ([`environment`]) while it
//! runs, so the tests of this file run one at a time, each from a clean
//! environment, and everything is restored after each (even on failure).

mod common;

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

#[cfg(unix)]
use common::mode;
use common::{
    CAVE_FILE, FRAMEWORK_FILE, GLOBAL_SERVER_FILE, path_str, read, save_default, tok, token_of,
};
use fwclient_core::{AddressSource, Auth, ErrorKind, Layout, Options, SaveOptions, TokenSource};

/// The variable the home directory comes from (Python's `expanduser`).
const HOME: &str = if cfg!(windows) { "USERPROFILE" } else { "HOME" };

const VARS: [&str; 10] = [
    HOME,
    "FW_AUTH_TOKEN",
    "FW_SECRETS_DIR",
    "FW_SECRETS_LAYOUT",
    "FW_SERVER_ADDRESS",
    // Read too (token_lookup.rs tests them); cleared so they cannot interfere.
    "CAVE_TOKEN",
    "FW_AUTH_TOKEN_FILE",
    "CAVE_TOKEN_FILE",
    "CLOUD_VOLUME_DIR",
    "CLOUD_FILES_DIR",
];

fn set(name: &str, value: impl AsRef<std::ffi::OsStr>) {
    // SAFETY: every test of this binary holds ENV (see `environment`) while
    // it reads or changes the environment, so no other thread reads it
    // while it changes.
    unsafe { std::env::set_var(name, value) }
}

fn unset(name: &str) {
    // SAFETY: as in `set`.
    unsafe { std::env::remove_var(name) }
}

/// The environment and the current directory, one test at a time.
static ENV: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Holds the environment for one test, restored when dropped (the fields
/// drop in order: restored first, then released).
struct Environment {
    _restore: Restore,
    _lock: std::sync::MutexGuard<'static, ()>,
}

/// Waits for the environment (a failed test's poisoned lock is fine: its
/// `Restore` ran), and restores it after the test.
fn environment() -> Environment {
    let lock = ENV.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    Environment {
        _restore: Restore::new(),
        _lock: lock,
    }
}

/// Restores the variables and the current directory when dropped.
struct Restore {
    vars: Vec<(&'static str, Option<OsString>)>,
    cwd: PathBuf,
}

impl Restore {
    fn new() -> Restore {
        Restore {
            vars: VARS.iter().map(|v| (*v, std::env::var_os(v))).collect(),
            cwd: std::env::current_dir().expect("current directory"),
        }
    }
}

impl Drop for Restore {
    fn drop(&mut self) {
        for (name, value) in &self.vars {
            match value {
                Some(v) => set(name, v),
                None => unset(name),
            }
        }
        let _ = std::env::set_current_dir(&self.cwd);
    }
}

/// A fresh home: `$HOME` set to a new temporary directory, every `FW_*`
/// variable removed.
fn fresh_home() -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("temporary home");
    set(HOME, home.path());
    for v in &VARS[1..] {
        unset(v);
    }
    home
}

fn secrets_of(home: &Path) -> PathBuf {
    home.join(".cloudvolume").join("secrets")
}

fn put(path: &Path, bytes: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

fn from_file(path: PathBuf, key: &str) -> TokenSource {
    TokenSource::File {
        path,
        key: key.to_owned(),
    }
}

#[test]
fn default_secrets_dir_is_under_home() {
    let _env = environment();
    let home = fresh_home();
    let file = secrets_of(home.path()).join(FRAMEWORK_FILE);
    put(&file, r#"{"token": "fake_token_123"}"#);

    let auth = Auth::new(&Options::default()).unwrap();

    assert_eq!(auth.secrets_dir(), secrets_of(home.path()));
    assert_eq!(auth.layout(), Layout::Framework);
    assert_eq!(token_of(&auth).as_deref(), Some("fake_token_123"));
    assert_eq!(auth.source(), from_file(file, "token"));
}

#[test]
fn constructing_in_a_fresh_home_creates_nothing() {
    let _env = environment();
    let home = fresh_home();

    for layout in [None, Some(Layout::Framework), Some(Layout::Cave)] {
        let auth = Auth::new(&Options {
            layout,
            ..Options::default()
        })
        .unwrap();
        assert_eq!(token_of(&auth), None);
        assert_eq!(auth.source(), TokenSource::None);
    }

    assert_eq!(fs::read_dir(home.path()).unwrap().count(), 0);
}

#[test]
fn fresh_home_save_writes_one_framework_file() {
    let _env = environment();
    let home = fresh_home();
    let auth = Auth::new(&Options::default()).unwrap();

    save_default(&auth, "fake_token_123").unwrap();

    let secrets = secrets_of(home.path());
    #[cfg(unix)]
    assert_eq!(mode(&home.path().join(".cloudvolume")), 0o700);
    #[cfg(unix)]
    assert_eq!(mode(&secrets), 0o700);
    assert_eq!(
        common::snapshot(&secrets).into_keys().collect::<Vec<_>>(),
        vec![FRAMEWORK_FILE]
    );
    assert_eq!(
        read(&secrets.join(FRAMEWORK_FILE)),
        r#"{"token": "fake_token_123"}"#
    );
    #[cfg(unix)]
    assert_eq!(mode(&secrets.join(FRAMEWORK_FILE)), 0o600);
}

#[test]
fn fresh_home_cave_save_writes_server_file_and_cave_secret() {
    let _env = environment();
    let home = fresh_home();
    set("FW_SECRETS_LAYOUT", "cave");
    let auth = Auth::new(&Options::default()).unwrap();
    assert_eq!(auth.layout(), Layout::Cave);

    save_default(&auth, "fake_token_123").unwrap();

    let secrets = secrets_of(home.path());
    assert_eq!(
        common::snapshot(&secrets).into_keys().collect::<Vec<_>>(),
        vec![CAVE_FILE, GLOBAL_SERVER_FILE]
    );
    for name in [CAVE_FILE, GLOBAL_SERVER_FILE] {
        assert_eq!(
            read(&secrets.join(name)),
            r#"{"token": "fake_token_123"}"#,
            "{name}"
        );
        #[cfg(unix)]
        assert_eq!(mode(&secrets.join(name)), 0o600, "{name}");
    }
    #[cfg(unix)]
    assert_eq!(mode(&secrets), 0o700);
}

#[test]
fn fw_secrets_dir_beats_home_and_the_option_beats_both() {
    let _env = environment();
    let home = fresh_home();
    put(
        &secrets_of(home.path()).join(FRAMEWORK_FILE),
        r#"{"token": "home_fake_token"}"#,
    );
    let env_dir = home.path().join("env-secrets");
    put(
        &env_dir.join(FRAMEWORK_FILE),
        r#"{"token": "env_fake_token"}"#,
    );
    let opt_dir = home.path().join("opt-secrets");
    put(
        &opt_dir.join(FRAMEWORK_FILE),
        r#"{"token": "opt_fake_token"}"#,
    );

    set("FW_SECRETS_DIR", &env_dir);
    let auth = Auth::new(&Options::default()).unwrap();
    assert_eq!(auth.secrets_dir(), env_dir);
    assert_eq!(token_of(&auth).as_deref(), Some("env_fake_token"));

    let auth = Auth::new(&Options {
        secrets_dir: Some(path_str(&opt_dir)),
        ..Options::default()
    })
    .unwrap();
    assert_eq!(auth.secrets_dir(), opt_dir);
    assert_eq!(token_of(&auth).as_deref(), Some("opt_fake_token"));

    // An empty variable counts as unset.
    set("FW_SECRETS_DIR", "");
    let auth = Auth::new(&Options::default()).unwrap();
    assert_eq!(token_of(&auth).as_deref(), Some("home_fake_token"));
}

#[test]
fn fw_secrets_dir_expands_tilde() {
    let _env = environment();
    let home = fresh_home();
    let dir = home.path().join("custom");
    put(&dir.join(FRAMEWORK_FILE), r#"{"token": "fake_token_123"}"#);

    set("FW_SECRETS_DIR", "~/custom");
    let auth = Auth::new(&Options::default()).unwrap();
    assert_eq!(auth.secrets_dir(), dir);
    assert_eq!(token_of(&auth).as_deref(), Some("fake_token_123"));

    unset("FW_SECRETS_DIR");
    let auth = Auth::new(&Options {
        secrets_dir: Some("~/custom".into()),
        ..Options::default()
    })
    .unwrap();
    assert_eq!(auth.secrets_dir(), dir);
}

#[test]
fn fw_secrets_layout_chooses_the_layout() {
    let _env = environment();
    let home = fresh_home();
    let secrets = secrets_of(home.path());
    put(&secrets.join(CAVE_FILE), r#"{"token": "fake_token_123"}"#);
    assert_eq!(
        Auth::new(&Options::default()).unwrap().layout(),
        Layout::Cave
    );

    set("FW_SECRETS_LAYOUT", "framework");
    let auth = Auth::new(&Options::default()).unwrap();
    assert_eq!(auth.layout(), Layout::Framework);
    assert_eq!(auth.token_file(), secrets.join(FRAMEWORK_FILE));
    // Still found, through the other layout's file; the source says which.
    assert_eq!(auth.source(), from_file(secrets.join(CAVE_FILE), "token"));

    // The option beats the variable.
    let auth = Auth::new(&Options {
        layout: Some(Layout::Cave),
        ..Options::default()
    })
    .unwrap();
    assert_eq!(auth.layout(), Layout::Cave);

    // In an empty directory the variable makes it cave.
    let empty = fresh_home();
    set("FW_SECRETS_LAYOUT", "cave");
    let auth = Auth::new(&Options::default()).unwrap();
    assert_eq!(auth.layout(), Layout::Cave);
    assert_eq!(auth.token_file(), secrets_of(empty.path()).join(CAVE_FILE));

    // An empty variable counts as unset.
    set("FW_SECRETS_LAYOUT", "");
    assert_eq!(
        Auth::new(&Options::default()).unwrap().layout(),
        Layout::Framework
    );
}

#[test]
fn fw_secrets_layout_rejects_unknown_values() {
    let _env = environment();
    let _home = fresh_home();
    set("FW_SECRETS_LAYOUT", "CAVE");

    let err = common::lookup_err(&Options::default());

    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert_eq!(
        err.message(),
        r#"$FW_SECRETS_LAYOUT must be "framework" or "cave", not "CAVE""#
    );
}

#[test]
fn fw_auth_token_beats_every_file() {
    let _env = environment();
    let home = fresh_home();
    let secrets = secrets_of(home.path());
    // Malformed: proves the files are not even read.
    put(&secrets.join(FRAMEWORK_FILE), "{not json");
    let mine = home.path().join("mine.json");
    put(&mine, r#"{"token": "file_fake_token"}"#);
    set("FW_AUTH_TOKEN", "env_fake_token_42");

    for token_file in [None, Some(path_str(&mine))] {
        let auth = Auth::new(&Options {
            token_file,
            ..Options::default()
        })
        .unwrap();
        assert_eq!(token_of(&auth).as_deref(), Some("env_fake_token_42"));
        assert_eq!(auth.source(), TokenSource::Environment);
        assert!(matches!(auth.source(), TokenSource::Environment));
    }

    // An empty variable counts as unset: the (malformed) file is read.
    set("FW_AUTH_TOKEN", "");
    let err = common::lookup_err(&Options::default());
    assert_eq!(err.kind(), ErrorKind::SecretFile);
}

#[test]
fn explicit_token_beats_fw_auth_token() {
    let _env = environment();
    let _home = fresh_home();
    // Even an invalid variable does not matter when a token is given.
    set("FW_AUTH_TOKEN", "bad env token");

    let auth = Auth::new(&Options {
        token: Some(tok("fake_token_123")),
        ..Options::default()
    })
    .unwrap();

    assert_eq!(token_of(&auth).as_deref(), Some("fake_token_123"));
    assert_eq!(auth.source(), TokenSource::Explicit);
}

#[test]
fn invalid_fw_auth_token_is_rejected_without_showing_it() {
    let _env = environment();
    let _home = fresh_home();
    for value in [
        "fake_tok en_4711",
        "fake_tok\r\nen_4711",
        "fake_tök_en_4711",
    ] {
        set("FW_AUTH_TOKEN", value);

        let err = common::lookup_err(&Options::default());

        assert_eq!(err.kind(), ErrorKind::InvalidTokenFormat, "{value:?}");
        assert!(err.message().contains("$FW_AUTH_TOKEN"), "{err}");
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("fake_tok"), "{shown}");
        assert!(!shown.contains("en_4711"), "{shown}");
    }
}

#[test]
fn fw_auth_token_is_saved_when_no_token_is_given() {
    let _env = environment();
    let home = fresh_home();
    set("FW_AUTH_TOKEN", "env_fake_token_42");
    let auth = Auth::new(&Options::default()).unwrap();

    auth.save_token(None, None, None, SaveOptions::default())
        .unwrap();

    let file = secrets_of(home.path()).join(FRAMEWORK_FILE);
    assert_eq!(read(&file), r#"{"token": "env_fake_token_42"}"#);
    assert_eq!(auth.source(), from_file(file, "token"));
}

#[test]
fn explicit_token_file_with_tilde_and_custom_key() {
    let _env = environment();
    let home = fresh_home();
    let file = home.path().join("tokens").join("my.json");
    put(
        &file,
        r#"{"token": "x", "mykey": "another_fake_token_678"}"#,
    );

    let auth = Auth::new(&Options {
        token_file: Some("~/tokens/my.json".into()),
        token_key: Some("mykey".into()),
        ..Options::default()
    })
    .unwrap();

    assert_eq!(token_of(&auth).as_deref(), Some("another_fake_token_678"));
    assert_eq!(auth.source(), from_file(file.clone(), "mykey"));
    assert_eq!(auth.token_file(), file);
}

#[test]
fn save_to_a_tilde_path_writes_under_home() {
    let _env = environment();
    // caveclient leaves `~` unexpanded here and silently writes nothing.
    let home = fresh_home();
    let work = home.path().join("work");
    fs::create_dir(&work).unwrap();
    std::env::set_current_dir(&work).unwrap();
    let auth = Auth::new(&Options::default()).unwrap();

    auth.save_token(
        Some(&tok("fake_token_123")),
        None,
        Some("~/sub/tok.json"),
        SaveOptions::default(),
    )
    .unwrap();

    let file = home.path().join("sub").join("tok.json");
    assert_eq!(read(&file), r#"{"token": "fake_token_123"}"#);
    #[cfg(unix)]
    assert_eq!(mode(&file), 0o600);
    #[cfg(unix)]
    assert_eq!(mode(&home.path().join("sub")), 0o700);
    assert!(!work.join("~").exists(), "no literal ~ directory");
    assert_eq!(auth.token_file(), file);
    assert_eq!(auth.source(), from_file(file, "token"));
}

#[test]
fn save_to_a_relative_path_uses_the_current_directory() {
    let _env = environment();
    // caveclient fails here (`os.makedirs("")`).
    let home = fresh_home();
    let work = home.path().join("work");
    fs::create_dir(&work).unwrap();
    std::env::set_current_dir(&work).unwrap();

    for layout in [Layout::Framework, Layout::Cave] {
        let auth = Auth::new(&Options {
            layout: Some(layout),
            ..Options::default()
        })
        .unwrap();
        let name = format!("rel-{}.json", layout.name());

        auth.save_token(
            Some(&tok("fake_token_123")),
            None,
            Some(&name),
            SaveOptions::default(),
        )
        .unwrap();

        let file = work.join(&name);
        assert_eq!(read(&file), r#"{"token": "fake_token_123"}"#, "{layout:?}");
        #[cfg(unix)]
        assert_eq!(mode(&file), 0o600, "{layout:?}");
        assert!(auth.token_file().is_absolute(), "{layout:?}");
        assert_eq!(auth.source(), from_file(file, "token"), "{layout:?}");
    }
    // The cave save also wrote the server file in the secrets directory.
    let secrets = secrets_of(home.path());
    assert_eq!(
        common::snapshot(&secrets).into_keys().collect::<Vec<_>>(),
        vec![GLOBAL_SERVER_FILE]
    );
}

#[test]
fn relative_token_file_option_is_read_from_the_current_directory() {
    let _env = environment();
    let home = fresh_home();
    let work = home.path().join("work");
    put(&work.join("rel.json"), r#"{"token": "fake_token_123"}"#);
    std::env::set_current_dir(&work).unwrap();

    let auth = Auth::new(&Options {
        token_file: Some("rel.json".into()),
        ..Options::default()
    })
    .unwrap();

    assert_eq!(token_of(&auth).as_deref(), Some("fake_token_123"));
    assert_eq!(auth.source(), from_file(work.join("rel.json"), "token"));
}

#[test]
fn fw_server_address_is_the_default_server_and_the_option_beats_it() {
    let _env = environment();
    let home = fresh_home();
    let secrets = secrets_of(home.path());
    let auth = Auth::new(&Options::default()).unwrap();
    assert_eq!(auth.server_address(), "https://global.daf-apis.com");
    assert_eq!(auth.server_source(), AddressSource::Default);

    // Normalised like any address; its server file is the one read and written.
    set("FW_SERVER_ADDRESS", "local.example.org:8443/");
    let server_file = secrets.join("local.example.org:8443-cave-secret.json");
    put(&server_file, r#"{"token": "fake_token_123"}"#);
    let auth = Auth::new(&Options::default()).unwrap();
    assert_eq!(auth.server_address(), "https://local.example.org:8443");
    assert_eq!(auth.server_source(), AddressSource::Environment);
    assert_eq!(auth.source(), from_file(server_file, "token"));
    assert_eq!(
        auth.new_token_url(),
        "https://local.example.org:8443/auth/api/v1/create_token"
    );

    let auth = Auth::new(&Options {
        server_address: Some("http://127.0.0.1:9".into()),
        ..Options::default()
    })
    .unwrap();
    assert_eq!(auth.server_address(), "http://127.0.0.1:9");
    assert_eq!(auth.server_source(), AddressSource::Option);

    // An unusable variable is an error naming it and the form to use.
    set("FW_SERVER_ADDRESS", "ftp://h.org");
    let err = Auth::new(&Options::default()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidUrl);
    assert!(err.message().contains("$FW_SERVER_ADDRESS"), "{err}");
    assert!(err.message().contains("use \"https://h.org\""), "{err}");
    // An empty one counts as unset.
    set("FW_SERVER_ADDRESS", "");
    let auth = Auth::new(&Options::default()).unwrap();
    assert_eq!(auth.server_source(), AddressSource::Default);
}
