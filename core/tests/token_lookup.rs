//! The token lookup conventions other tools use (issue 14), each precedence
//! row one test: `$CLOUD_VOLUME_DIR`, `$CAVE_TOKEN`, `$FW_AUTH_TOKEN_FILE` /
//! `$CAVE_TOKEN_FILE`, caveclient's datastack → server map, and the
//! diagnosis. Files are written with the bytes the Python packages write
//! (`json.dump`: `{"token": "..."}`, no newline) where they put them:
//! - cloud-volume 12.15.2 / cloud-files 6.4.3 `secrets.py`:
//!   `$CLOUD_VOLUME_DIR/secrets/cave-secret.json`;
//! - caveclient 8.2.1 `auth.py` / `datastack_lookup.py`:
//!   `~/.cloudvolume/secrets/cave-secret.json` and
//!   `~/.cloudvolume/secrets/cave_datastack_to_server_map.json`.
//!
//! The environment belongs to the whole process: every test holds one lock
//! while it changes it, starts from a clean environment with a fresh
//! `$HOME`, and restores everything when done (even on failure).
//! Unix only: it sets `$HOME` and makes FIFOs and modes.
#![cfg(unix)]

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use fwclient_core::auth::{TokenFileVariable, diagnose};
use fwclient_core::{AddressSource, Auth, Client, ErrorKind, Options, Token, TokenSource};
use serde_json::Value;

const VARS: [&str; 10] = [
    "HOME",
    "FW_AUTH_TOKEN",
    "CAVE_TOKEN",
    "FW_AUTH_TOKEN_FILE",
    "CAVE_TOKEN_FILE",
    "FW_SECRETS_DIR",
    "FW_SECRETS_LAYOUT",
    "FW_SERVER_ADDRESS",
    "CLOUD_VOLUME_DIR",
    "CLOUD_FILES_DIR",
];

const T_EXPLICIT: &str = "explicit_fake_token_0001";
const T_FW_ENV: &str = "fw_env_fake_token_0002";
const T_CAVE_ENV: &str = "cave_env_fake_token_0003";
const T_FW_FILE: &str = "FwFileFakeToken0004";
const T_CAVE_FILE: &str = "CaveFileFakeToken0005";
const T_SECRET: &str = "aaaabbbbccccdddd1111222233334444";
const T_OTHER: &str = "ffffeeeeddddcccc9999888877776666";

static ENV_LOCK: Mutex<()> = Mutex::new(());

/// A clean environment with a fresh `$HOME`, restored when dropped.
struct Env {
    saved: Vec<(&'static str, Option<OsString>)>,
    home: tempfile::TempDir,
    _lock: MutexGuard<'static, ()>,
}

impl Env {
    fn new() -> Env {
        let lock = ENV_LOCK.lock().unwrap_or_else(|p| p.into_inner());
        let saved = VARS.iter().map(|v| (*v, std::env::var_os(v))).collect();
        let home = tempfile::tempdir().expect("temporary home");
        for v in VARS {
            unset(v);
        }
        set("HOME", home.path());
        Env {
            saved,
            home,
            _lock: lock,
        }
    }

    fn home(&self) -> &Path {
        self.home.path()
    }

    /// `~/.cloudvolume/secrets`, where caveclient always looks.
    fn home_secrets(&self) -> PathBuf {
        self.home().join(".cloudvolume/secrets")
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        for (name, value) in &self.saved {
            match value {
                Some(v) => set(name, v),
                None => unset(name),
            }
        }
    }
}

fn set(name: &str, value: impl AsRef<std::ffi::OsStr>) {
    // SAFETY: every test of this binary holds ENV_LOCK while it reads or
    // changes the environment.
    unsafe { std::env::set_var(name, value) }
}

fn unset(name: &str) {
    // SAFETY: as in `set`.
    unsafe { std::env::remove_var(name) }
}

/// Python's `json.dump({"token": token}, f)`: the bytes caveclient,
/// cloud-volume and fwauth write.
fn put_secret(path: &Path, token: &str) {
    put(path, &format!("{{\"token\": \"{token}\"}}"));
}

fn put(path: &Path, bytes: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

fn auth(opts: &Options) -> Auth {
    Auth::new(opts).expect("Auth::new")
}

fn token_of(auth: &Auth) -> Option<String> {
    auth.token().map(|t| t.expose().to_owned())
}

fn s(p: &Path) -> String {
    p.to_str().unwrap().to_owned()
}

// ------------------------------------------------- the secrets directory

#[test]
fn secrets_dir_option_beats_fw_secrets_dir_and_cloud_volume_dir() {
    let env = Env::new();
    let (opt, fw, cv) = (
        env.home().join("opt"),
        env.home().join("fw"),
        env.home().join("cv"),
    );
    put_secret(&opt.join("chunkedgraph-secret.json"), T_SECRET);
    put_secret(&fw.join("chunkedgraph-secret.json"), T_OTHER);
    put_secret(&cv.join("secrets/cave-secret.json"), T_OTHER);
    set("FW_SECRETS_DIR", &fw);
    set("CLOUD_VOLUME_DIR", &cv);
    let a = auth(&Options {
        secrets_dir: Some(s(&opt)),
        ..Options::default()
    });
    assert_eq!(a.secrets_dir(), opt);
    assert_eq!(token_of(&a).as_deref(), Some(T_SECRET));
}

#[test]
fn fw_secrets_dir_beats_cloud_volume_dir() {
    let env = Env::new();
    let (fw, cv) = (env.home().join("fw"), env.home().join("cv"));
    put_secret(&fw.join("chunkedgraph-secret.json"), T_SECRET);
    put_secret(&cv.join("secrets/cave-secret.json"), T_OTHER);
    set("FW_SECRETS_DIR", &fw);
    set("CLOUD_VOLUME_DIR", &cv);
    let a = auth(&Options::default());
    assert_eq!(a.secrets_dir(), fw);
    assert_eq!(token_of(&a).as_deref(), Some(T_SECRET));
}

#[test]
fn cloud_volume_dir_secrets_beats_home_for_reads_and_saves() {
    let env = Env::new();
    let cv = env.home().join("cv");
    // cloud-volume's file under $CLOUD_VOLUME_DIR/secrets; caveclient's old one at home.
    let cv_file = cv.join("secrets/cave-secret.json");
    put_secret(&cv_file, T_SECRET);
    put_secret(&env.home_secrets().join("cave-secret.json"), T_OTHER);
    set("CLOUD_VOLUME_DIR", &cv);
    let a = auth(&Options::default());
    assert_eq!(a.secrets_dir(), cv.join("secrets"));
    assert_eq!(
        a.source(),
        TokenSource::File {
            path: cv_file.clone(),
            key: "token".into()
        }
    );
    // A save goes where cloud-volume reads: the same file, json.dump bytes.
    a.save_token(
        Some(&Token::new(T_OTHER).unwrap()),
        None,
        None,
        fwclient_core::SaveOptions {
            overwrite: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        fs::read_to_string(&cv_file).unwrap(),
        format!("{{\"token\": \"{T_OTHER}\"}}")
    );
}

#[test]
fn cloud_volume_dir_with_tilde_is_expanded_at_use() {
    let env = Env::new();
    put_secret(&env.home().join("cvdir/secrets/cave-secret.json"), T_SECRET);
    set("CLOUD_VOLUME_DIR", "~/cvdir");
    let a = auth(&Options::default());
    assert_eq!(a.secrets_dir(), env.home().join("cvdir/secrets"));
    assert_eq!(token_of(&a).as_deref(), Some(T_SECRET));
}

#[test]
fn without_any_variable_the_secrets_dir_is_under_home() {
    let env = Env::new();
    put_secret(
        &env.home_secrets().join("chunkedgraph-secret.json"),
        T_SECRET,
    );
    let a = auth(&Options::default());
    assert_eq!(a.secrets_dir(), env.home_secrets());
    assert_eq!(token_of(&a).as_deref(), Some(T_SECRET));
}

// ------------------------------------------------- where the token comes from

/// Every place holds a different token; `unset_first` are removed so the
/// row's winner is the first that remains.
fn every_place(env: &Env) -> Options {
    put_secret(
        &env.home_secrets().join("chunkedgraph-secret.json"),
        T_SECRET,
    );
    let explicit_file = env.home().join("explicit.json");
    put_secret(&explicit_file, T_OTHER);
    put(&env.home().join("fw-token"), &format!("{T_FW_FILE}\n"));
    put(&env.home().join("cave-token"), &format!("{T_CAVE_FILE}\n"));
    set("FW_AUTH_TOKEN", T_FW_ENV);
    set("CAVE_TOKEN", T_CAVE_ENV);
    set("FW_AUTH_TOKEN_FILE", env.home().join("fw-token"));
    set("CAVE_TOKEN_FILE", env.home().join("cave-token"));
    Options {
        token_file: Some(s(&explicit_file)),
        ..Options::default()
    }
}

#[test]
fn explicit_token_beats_every_variable() {
    let env = Env::new();
    let opts = Options {
        token: Some(Token::new(T_EXPLICIT).unwrap()),
        ..every_place(&env)
    };
    let a = auth(&opts);
    assert_eq!(token_of(&a).as_deref(), Some(T_EXPLICIT));
    assert_eq!(a.source(), TokenSource::Explicit);
}

#[test]
fn fw_auth_token_beats_cave_token() {
    let env = Env::new();
    let a = auth(&every_place(&env));
    assert_eq!(token_of(&a).as_deref(), Some(T_FW_ENV));
    assert_eq!(a.source(), TokenSource::Environment);
}

#[test]
fn cave_token_beats_the_token_file_variables() {
    let env = Env::new();
    let opts = every_place(&env);
    unset("FW_AUTH_TOKEN");
    let a = auth(&opts);
    assert_eq!(token_of(&a).as_deref(), Some(T_CAVE_ENV));
    assert_eq!(a.source(), TokenSource::CaveEnvironment);
}

#[test]
fn fw_auth_token_file_beats_cave_token_file() {
    let env = Env::new();
    let opts = every_place(&env);
    unset("FW_AUTH_TOKEN");
    unset("CAVE_TOKEN");
    let a = auth(&opts);
    assert_eq!(token_of(&a).as_deref(), Some(T_FW_FILE));
    assert_eq!(
        a.source(),
        TokenSource::VariableFile {
            variable: TokenFileVariable::FwAuthTokenFile,
            path: env.home().join("fw-token")
        }
    );
}

#[test]
fn cave_token_file_beats_the_explicit_file_and_the_secret_files() {
    let env = Env::new();
    let opts = every_place(&env);
    for v in ["FW_AUTH_TOKEN", "CAVE_TOKEN", "FW_AUTH_TOKEN_FILE"] {
        unset(v);
    }
    let a = auth(&opts);
    assert_eq!(token_of(&a).as_deref(), Some(T_CAVE_FILE));
    assert_eq!(
        a.source(),
        TokenSource::VariableFile {
            variable: TokenFileVariable::CaveTokenFile,
            path: env.home().join("cave-token")
        }
    );
}

#[test]
fn the_explicit_file_beats_the_secret_files_once_no_variable_is_set() {
    let env = Env::new();
    let opts = every_place(&env);
    for v in [
        "FW_AUTH_TOKEN",
        "CAVE_TOKEN",
        "FW_AUTH_TOKEN_FILE",
        "CAVE_TOKEN_FILE",
    ] {
        unset(v);
    }
    assert_eq!(token_of(&auth(&opts)).as_deref(), Some(T_OTHER));
}

#[test]
fn a_token_file_loses_one_trailing_newline_and_keeps_case() {
    let env = Env::new();
    let file = env.home().join("token");
    set("FW_AUTH_TOKEN_FILE", "~/token");
    for bytes in [
        T_FW_FILE.to_owned(),
        format!("{T_FW_FILE}\n"),
        format!("{T_FW_FILE}\r\n"),
    ] {
        put(&file, &bytes);
        let a = auth(&Options::default());
        assert_eq!(token_of(&a).as_deref(), Some(T_FW_FILE), "{bytes:?}");
    }
}

#[test]
fn an_unusable_token_file_is_an_error_at_use_naming_variable_and_file() {
    let env = Env::new();
    put_secret(
        &env.home_secrets().join("chunkedgraph-secret.json"),
        T_SECRET,
    );
    let before = fs::read(env.home_secrets().join("chunkedgraph-secret.json")).unwrap();
    let file = env.home().join("token");
    set("CAVE_TOKEN_FILE", &file);
    let cases: [(Option<String>, &str); 5] = [
        (None, "does not exist"),
        (Some(String::new()), "is empty"),
        (Some("\n".into()), "is empty"),
        (
            Some(format!("{T_CAVE_FILE}\nsecond_line_fake_9\n")),
            "more than one line",
        ),
        (Some(format!("{T_CAVE_FILE} x\n")), "usable token"),
    ];
    for (bytes, what) in cases {
        let _ = fs::remove_file(&file);
        if let Some(b) = &bytes {
            put(&file, b);
        }
        let a = auth(&Options::default());
        let e = a.usable_token().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::SecretFile, "{bytes:?}");
        let m = e.message();
        assert!(m.contains("$CAVE_TOKEN_FILE"), "{m}");
        assert!(m.contains(file.to_str().unwrap()), "{m}");
        assert!(m.contains(what), "{m}");
        assert!(
            !m.contains(T_CAVE_FILE) && !m.contains("second_line"),
            "{m}"
        );
        // The secret file below it is neither used nor touched.
        assert_eq!(token_of(&a), None);
    }
    assert_eq!(
        fs::read(env.home_secrets().join("chunkedgraph-secret.json")).unwrap(),
        before
    );
}

#[test]
fn a_token_file_others_may_write_is_refused_like_a_secret_file() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let file = env.home().join("token");
    put(&file, &format!("{T_FW_FILE}\n"));
    fs::set_permissions(&file, fs::Permissions::from_mode(0o666)).unwrap();
    set("FW_AUTH_TOKEN_FILE", &file);
    let a = auth(&Options::default());
    let e = a.usable_token().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::SecretFile);
    assert!(
        e.message().contains("$FW_AUTH_TOKEN_FILE"),
        "{}",
        e.message()
    );
    assert!(!e.message().contains(T_FW_FILE), "{}", e.message());
    fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(
        token_of(&auth(&Options::default())).as_deref(),
        Some(T_FW_FILE)
    );
}

#[test]
fn a_fifo_token_file_is_refused_without_waiting() {
    let env = Env::new();
    let fifo = env.home().join("fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    set("FW_AUTH_TOKEN_FILE", &fifo);
    let e = auth(&Options::default()).usable_token().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::SecretFile);
    assert!(
        e.message().contains("not a regular file"),
        "{}",
        e.message()
    );
}

#[test]
fn an_invalid_cave_token_is_refused_without_showing_it() {
    let _env = Env::new();
    set("CAVE_TOKEN", "bad fake token");
    let e = Auth::new(&Options::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidTokenFormat);
    assert!(
        e.message().starts_with("$CAVE_TOKEN is unusable"),
        "{}",
        e.message()
    );
    assert!(!e.message().contains("bad fake"), "{}", e.message());
}

// ------------------------------------------------- the datastack → server map

const MAP: &str = "cave_datastack_to_server_map.json";

/// caveclient's `write_map`: `json.dump(data, f)` into `~/.cloudvolume/secrets`.
fn put_map(env: &Env, bytes: &str) {
    put(&env.home_secrets().join(MAP), bytes);
}

#[test]
fn an_explicit_server_beats_the_datastack_map() {
    let env = Env::new();
    put_map(&env, r#"{"ds_a": "https://ds-a.example.org"}"#);
    let c = Client::new(
        Some("ds_a"),
        &Options {
            server_address: Some("https://chosen.example.org".into()),
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(c.server_address(), "https://chosen.example.org");
    assert_eq!(c.auth().server_source(), AddressSource::Option);
}

#[test]
fn the_datastack_map_beats_fw_server_address_and_the_default() {
    let env = Env::new();
    put_map(
        &env,
        r#"{"other": "https://other.example.org", "ds_a": "https://ds-a.example.org"}"#,
    );
    set("FW_SERVER_ADDRESS", "https://shell.example.org");
    let c = Client::new(Some("ds_a"), &Options::default()).unwrap();
    assert_eq!(c.server_address(), "https://ds-a.example.org");
    assert_eq!(c.auth().server_source(), AddressSource::DatastackMap);
    // The token follows the server: its per-server file is read.
    put_secret(
        &env.home_secrets().join("ds-a.example.org-cave-secret.json"),
        T_SECRET,
    );
    let c = Client::new(Some("ds_a"), &Options::default()).unwrap();
    assert_eq!(
        c.auth().token().map(|t| t.expose().to_owned()).as_deref(),
        Some(T_SECRET)
    );
}

#[test]
fn a_datastack_missing_from_the_map_gets_fw_server_address_then_the_default() {
    let env = Env::new();
    put_map(&env, r#"{"other": "https://other.example.org"}"#);
    let c = Client::new(Some("ds_a"), &Options::default()).unwrap();
    assert_eq!(c.server_address(), "https://global.daf-apis.com");
    assert_eq!(c.auth().server_source(), AddressSource::Default);
    set("FW_SERVER_ADDRESS", "https://shell.example.org");
    let c = Client::new(Some("ds_a"), &Options::default()).unwrap();
    assert_eq!(c.server_address(), "https://shell.example.org");
    // A global client has no datastack: the map is not consulted.
    let c = Client::new(None, &Options::default()).unwrap();
    assert_eq!(c.server_address(), "https://shell.example.org");
}

#[test]
fn the_map_is_read_where_caveclient_keeps_it_whatever_the_secrets_dir() {
    let env = Env::new();
    let cv = env.home().join("cv");
    // A map beside cloud-volume's secrets is not caveclient's: ignored.
    put(
        &cv.join("secrets").join(MAP),
        r#"{"ds_a": "https://wrong.example.org"}"#,
    );
    set("CLOUD_VOLUME_DIR", &cv);
    set("FW_SECRETS_DIR", cv.join("secrets"));
    let c = Client::new(Some("ds_a"), &Options::default()).unwrap();
    assert_eq!(c.server_address(), "https://global.daf-apis.com");
    put_map(&env, r#"{"ds_a": "https://ds-a.example.org"}"#);
    let c = Client::new(Some("ds_a"), &Options::default()).unwrap();
    assert_eq!(c.server_address(), "https://ds-a.example.org");
}

#[test]
fn a_malformed_map_is_an_empty_one_as_in_caveclient() {
    let env = Env::new();
    for bytes in ["{not json", "[1, 2]", r#"{"ds_a": 7}"#] {
        put_map(&env, bytes);
        let c = Client::new(Some("ds_a"), &Options::default()).unwrap();
        assert_eq!(c.server_address(), "https://global.daf-apis.com", "{bytes}");
    }
}

#[test]
fn a_bad_server_in_the_map_is_an_error_naming_the_map() {
    let env = Env::new();
    put_map(&env, r#"{"ds_a": "ftp://ds-a.example.org"}"#);
    let e = Client::new(Some("ds_a"), &Options::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidUrl);
    assert!(e.message().contains(MAP), "{}", e.message());
    assert!(e.message().contains("ds_a"), "{}", e.message());
}

#[test]
fn constructing_a_client_writes_no_map() {
    let env = Env::new();
    let _ = Client::new(
        Some("ds_a"),
        &Options {
            server_address: Some("https://chosen.example.org".into()),
            ..Options::default()
        },
    )
    .unwrap();
    assert!(!env.home_secrets().exists());
}

// ------------------------------------------------- the diagnosis

fn report(opts: &Options) -> (Value, String) {
    let a = auth(opts);
    let v = diagnose::report(&a);
    let text = v.to_string();
    for t in [
        T_EXPLICIT,
        T_FW_ENV,
        T_CAVE_ENV,
        T_FW_FILE,
        T_CAVE_FILE,
        T_SECRET,
        T_OTHER,
    ] {
        assert!(!text.contains(t), "the report shows a token: {text}");
    }
    (v, text)
}

#[test]
fn the_report_lists_every_place_in_precedence_order_and_the_winner() {
    let env = Env::new();
    let opts = every_place(&env);
    unset("FW_AUTH_TOKEN");
    let (v, _) = report(&opts);
    let places: Vec<(&str, bool)> = v["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["place"].as_str().unwrap(), p["wins"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        places,
        [
            ("explicit token", false),
            ("$FW_AUTH_TOKEN", false),
            ("$CAVE_TOKEN", true),
            ("$FW_AUTH_TOKEN_FILE", false),
            ("$CAVE_TOKEN_FILE", false),
            ("token file (framework layout)", false),
            ("fallback file (the other layout's)", false),
        ]
    );
    assert_eq!(v["places"][1]["holds"], "unset");
    assert_eq!(v["places"][3]["holds"], "token");
    assert_eq!(
        v["places"][3]["token"],
        "******************* (19 characters)"
    );
    assert_eq!(v["places"][3]["path"], s(&env.home().join("fw-token")));
    assert_eq!(v["token"], "************************ (24 characters)");
}

#[test]
fn the_report_says_caveclient_looks_elsewhere_than_cloud_volume_dir() {
    let env = Env::new();
    let cv = env.home().join("cv");
    put_secret(&cv.join("secrets/cave-secret.json"), T_SECRET);
    let home_file = env.home_secrets().join("cave-secret.json");
    put_secret(&home_file, T_OTHER);
    set("CLOUD_VOLUME_DIR", &cv);
    let (v, _) = report(&Options::default());
    assert_eq!(v["secrets_dir"]["source"], "$CLOUD_VOLUME_DIR/secrets");
    let tools: Vec<(&str, bool)> = v["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["tool"].as_str().unwrap(), t["agrees"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        tools,
        [
            ("caveclient", false),
            ("cloud-volume", true),
            ("cloud-files", true),
            ("annotationframeworkclient", true),
        ]
    );
    let d = v["disagreements"].as_array().unwrap();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["tool"], "caveclient");
    let cv_file = cv.join("secrets/cave-secret.json");
    assert_eq!(
        d[0]["problem"],
        format!(
            "caveclient reads {}, which holds a different token from {} that this library uses",
            home_file.display(),
            cv_file.display()
        )
    );
    // The fix as facts: save the token in use to the file caveclient reads.
    assert_eq!(
        d[0]["fix"],
        serde_json::json!({ "save_token_in_use_to": home_file.display().to_string() })
    );
}

#[test]
fn the_report_has_no_disagreement_when_every_tool_reads_the_same_token() {
    let env = Env::new();
    put_secret(&env.home_secrets().join("cave-secret.json"), T_SECRET);
    let (v, _) = report(&Options::default());
    assert_eq!(v["layout"], "cave");
    assert_eq!(v["disagreements"], serde_json::json!([]));
    assert!(
        v["tools"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["agrees"] == true)
    );
    assert_eq!(
        v["tools"][1]["uses"],
        s(&env.home_secrets().join("cave-secret.json"))
    );
}

#[test]
fn the_report_names_an_environment_token_that_no_tool_sees() {
    let env = Env::new();
    put_secret(&env.home_secrets().join("cave-secret.json"), T_SECRET);
    set("CAVE_TOKEN", T_CAVE_ENV);
    let (v, _) = report(&Options::default());
    let d = v["disagreements"].as_array().unwrap();
    assert_eq!(d.len(), 3, "{d:?}");
    assert!(
        d[0]["problem"]
            .as_str()
            .unwrap()
            .ends_with("which holds a different token from $CAVE_TOKEN that this library uses"),
        "{}",
        d[0]["problem"]
    );
}
