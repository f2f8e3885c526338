//! The secret files themselves (DESIGN.md "Secrets on disk", checklist items
//! 8, 12, 19): malformed files are errors naming the file, at the token's use
//! and at save, and a failed save changes nothing; modes; symbolic links;
//! atomic replacement; and concurrent savers, in threads and in processes,
//! never losing a key.
// Some tests are #[cfg(unix)] (modes, links, FIFOs, owners): their imports
// and helpers are unused in the Windows build.
#![cfg_attr(windows, allow(unused_imports, dead_code))]

mod common;

use std::fs;
#[cfg(unix)]
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};

use common::{
    CAVE_FILE, FRAMEWORK_FILE, GLOBAL_SERVER_FILE, Sandbox, is_root, path_str, read, save_default,
    tok, token_of,
};
#[cfg(unix)]
use common::{mode, set_mode};
use fwclient_core::{Auth, ErrorKind, Layout, Options, SaveOptions, TokenSource};
use serde_json::Value;

const MIB: usize = 1024 * 1024;

/// A kind of broken secret file, made at `path`.
struct Malformed {
    what: &'static str,
    kind: ErrorKind,
    make: fn(&Path),
    /// The file is a JSON object whose token is not a string: unusable to
    /// read, but a save merges into it like into any object.
    bad_value: bool,
}

fn write_bytes(path: &Path, bytes: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

#[cfg(unix)]
fn malformed() -> Vec<Malformed> {
    vec![
        Malformed {
            what: "invalid JSON",
            kind: ErrorKind::SecretFile,
            make: |p| write_bytes(p, r#"{"token": "fake_token_123""#),
            bad_value: false,
        },
        Malformed {
            what: "empty file",
            kind: ErrorKind::SecretFile,
            make: |p| write_bytes(p, ""),
            bad_value: false,
        },
        Malformed {
            what: "JSON array",
            kind: ErrorKind::SecretFile,
            make: |p| write_bytes(p, r#"["fake_token_123"]"#),
            bad_value: false,
        },
        Malformed {
            what: "JSON string",
            kind: ErrorKind::SecretFile,
            make: |p| write_bytes(p, r#""fake_token_123""#),
            bad_value: false,
        },
        Malformed {
            what: "token is a number",
            kind: ErrorKind::SecretFile,
            make: |p| write_bytes(p, r#"{"token": 12345}"#),
            bad_value: true,
        },
        Malformed {
            what: "token is an object",
            kind: ErrorKind::SecretFile,
            make: |p| write_bytes(p, r#"{"token": {"value": "fake_token_123"}}"#),
            bad_value: true,
        },
        Malformed {
            what: "a directory",
            kind: ErrorKind::SecretFile,
            make: |p| fs::create_dir_all(p).unwrap(),
            bad_value: false,
        },
        Malformed {
            what: "a dangling symbolic link",
            kind: ErrorKind::SecretFile,
            make: |p| {
                fs::create_dir_all(p.parent().unwrap()).unwrap();
                symlink("nowhere.json", p).unwrap();
            },
            bad_value: false,
        },
        Malformed {
            what: "a symbolic link loop",
            // open(2) fails with ELOOP: an I/O error naming the file.
            kind: ErrorKind::Io,
            make: |p| {
                fs::create_dir_all(p.parent().unwrap()).unwrap();
                let other = p.with_file_name("loop-b.json");
                symlink(&other, p).unwrap();
                symlink(p, &other).unwrap();
            },
            bad_value: false,
        },
        Malformed {
            what: "a 50 MiB file",
            kind: ErrorKind::SecretFile,
            make: |p| {
                let mut text = String::with_capacity(50 * MIB);
                text.push_str(r#"{"token": "fake_token_123", "pad": ""#);
                text.push_str(&"a".repeat(50 * MIB - text.len() - 2));
                text.push_str("\"}");
                write_bytes(p, &text);
            },
            bad_value: false,
        },
    ]
}

/// The error's message names the file (its full path).
fn assert_names_file(err: &fwclient_core::Error, path: &Path, what: &str) {
    assert!(
        err.message().contains(&path_str(path)),
        "{what}: the message must name {}: {err}",
        path.display()
    );
}

// ----------------------------------------------------------- malformed

#[cfg(unix)]
#[test]
fn malformed_default_file_is_an_error_naming_it_at_token_use() {
    for case in malformed() {
        for layout in [Layout::Framework, Layout::Cave] {
            let sb = Sandbox::new();
            let path = sb.file(layout.default_file());
            (case.make)(&path);

            let err = common::lookup_err(&sb.opts_in(layout));

            assert_eq!(err.kind(), case.kind, "{} ({layout:?}): {err}", case.what);
            assert_names_file(&err, &path, case.what);
        }
    }
}

#[cfg(unix)]
#[test]
fn malformed_explicit_token_file_is_an_error_naming_it_at_token_use() {
    for case in malformed() {
        let sb = Sandbox::new();
        let path = sb.root().join("mine.json");
        (case.make)(&path);

        let err = common::lookup_err(&Options {
            token_file: Some(path_str(&path)),
            ..sb.opts()
        });

        assert_eq!(err.kind(), case.kind, "{}: {err}", case.what);
        assert_names_file(&err, &path, case.what);
    }
}

#[test]
fn malformed_server_file_is_an_error_naming_it_at_token_use() {
    let sb = Sandbox::new();
    sb.put(FRAMEWORK_FILE, r#"{"token": "fake_token_123"}"#);
    let server = sb.put(GLOBAL_SERVER_FILE, "[]");

    let err = common::lookup_err(&sb.opts());

    assert_eq!(err.kind(), ErrorKind::SecretFile);
    assert_names_file(&err, &server, "server file");
}

#[test]
fn malformed_fallback_file_matters_only_when_it_is_reached() {
    let sb = Sandbox::new();
    sb.put(FRAMEWORK_FILE, r#"{"token": "fake_token_123"}"#);
    let cave = sb.put(CAVE_FILE, "{oops");

    let auth = Auth::new(&sb.opts_in(Layout::Framework)).unwrap();
    assert_eq!(token_of(&auth).as_deref(), Some("fake_token_123"));

    sb.put(FRAMEWORK_FILE, r#"{"other": "x"}"#);
    let err = common::lookup_err(&sb.opts_in(Layout::Framework));
    assert_eq!(err.kind(), ErrorKind::SecretFile);
    assert_names_file(&err, &cave, "fallback file");
}

#[cfg(unix)]
#[test]
fn malformed_file_refuses_a_save_and_stays_unchanged() {
    for case in malformed().into_iter().filter(|c| !c.bad_value) {
        for overwrite in [false, true] {
            let sb = Sandbox::new();
            let path = sb.file(FRAMEWORK_FILE);
            (case.make)(&path);
            let auth = Auth::new(&Options {
                token: Some(tok("fake_token_123")),
                ..sb.opts_in(Layout::Framework)
            })
            .unwrap();
            let before = sb.snapshot();

            let err = auth
                .save_token(
                    Some(&tok("another_fake_token_678")),
                    None,
                    None,
                    SaveOptions {
                        overwrite,
                        ..SaveOptions::default()
                    },
                )
                .unwrap_err();

            let what = format!("{} (overwrite {overwrite})", case.what);
            assert_eq!(err.kind(), case.kind, "{what}: {err}");
            assert_names_file(&err, &path, &what);
            assert_eq!(sb.snapshot(), before, "{what}");
            assert_eq!(token_of(&auth).as_deref(), Some("fake_token_123"), "{what}");
            assert_eq!(auth.source(), TokenSource::Explicit, "{what}");
        }
    }
}

#[cfg(unix)]
#[test]
fn malformed_cave_secret_refuses_a_save_before_the_server_file_is_written() {
    for case in malformed().into_iter().filter(|c| !c.bad_value) {
        let sb = Sandbox::new();
        let path = sb.file(CAVE_FILE);
        (case.make)(&path);
        let auth = Auth::new(&Options {
            token: Some(tok("fake_token_123")),
            ..sb.opts_in(Layout::Cave)
        })
        .unwrap();
        let before = sb.snapshot();

        let err = auth
            .save_token(None, None, None, SaveOptions::default())
            .unwrap_err();

        assert_eq!(err.kind(), case.kind, "{}: {err}", case.what);
        assert_names_file(&err, &path, case.what);
        assert_eq!(sb.snapshot(), before, "{}", case.what);
        assert!(!sb.file(GLOBAL_SERVER_FILE).exists(), "{}", case.what);
    }
}

#[cfg(unix)]
#[test]
fn non_string_token_is_an_existing_key_to_a_save() {
    for case in malformed().into_iter().filter(|c| c.bad_value) {
        let sb = Sandbox::new();
        let path = sb.file(FRAMEWORK_FILE);
        (case.make)(&path);
        let auth = Auth::new(&Options {
            token: Some(tok("fake_token_123")),
            ..sb.opts_in(Layout::Framework)
        })
        .unwrap();
        let before = sb.snapshot();

        let err = auth
            .save_token(None, None, None, SaveOptions::default())
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TokenExists, "{}", case.what);
        assert_eq!(
            err.message(),
            format!(
                "Key \"token\" already exists in token file \"{}\"",
                path.display()
            )
        );
        assert_eq!(sb.snapshot(), before, "{}", case.what);

        // With overwrite the value is replaced, as the Python clients do.
        auth.save_token(
            None,
            None,
            None,
            SaveOptions {
                overwrite: true,
                ..SaveOptions::default()
            },
        )
        .unwrap();
        assert_eq!(
            read(&path),
            r#"{"token": "fake_token_123"}"#,
            "{}",
            case.what
        );
    }
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_an_io_error_naming_it() {
    let sb = Sandbox::new();
    let path = sb.put(FRAMEWORK_FILE, r#"{"token": "fake_token_123"}"#);
    set_mode(&path, 0o000);

    let result = Auth::new(&sb.opts());

    if is_root() {
        // Root reads any file: mode 000 means nothing to it.
        let auth = result.expect("root reads a mode 000 file");
        assert_eq!(token_of(&auth).as_deref(), Some("fake_token_123"));
    } else {
        let err = result.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Io, "{err}");
        assert_names_file(&err, &path, "mode 000");
    }
}

#[cfg(unix)]
#[test]
fn unreadable_file_refuses_a_save_unless_root() {
    let sb = Sandbox::new();
    let path = sb.put(FRAMEWORK_FILE, r#"{"other": "x"}"#);
    set_mode(&path, 0o000);
    let auth = Auth::new(&Options {
        token: Some(tok("fake_token_123")),
        ..sb.opts()
    })
    .unwrap();

    let result = auth.save_token(None, None, None, SaveOptions::default());

    if is_root() {
        // Root reads it, merges, and the file keeps its (odd) mode.
        result.expect("root saves into a mode 000 file");
        assert_eq!(read(&path), r#"{"other": "x", "token": "fake_token_123"}"#);
        #[cfg(unix)]
        assert_eq!(mode(&path), 0o000);
    } else {
        let err = result.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Io, "{err}");
        assert_names_file(&err, &path, "mode 000");
        set_mode(&path, 0o600);
        assert_eq!(read(&path), r#"{"other": "x"}"#);
    }
}

// ---------------------------------------------------------------- modes

#[cfg(unix)]
#[test]
fn new_files_are_0600_and_new_directories_0700() {
    let sb = Sandbox::new();
    let secrets = sb.root().join("a").join("b").join("secrets");
    let auth = Auth::new(&Options {
        secrets_dir: Some(path_str(&secrets)),
        layout: Some(Layout::Cave),
        ..Options::default()
    })
    .unwrap();
    let root_mode = mode(sb.root());

    save_default(&auth, "fake_token_123").unwrap();

    for dir in [sb.root().join("a"), sb.root().join("a/b"), secrets.clone()] {
        #[cfg(unix)]
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
    }
    for name in [CAVE_FILE, GLOBAL_SERVER_FILE] {
        #[cfg(unix)]
        assert_eq!(mode(&secrets.join(name)), 0o600, "{name}");
    }
    #[cfg(unix)]
    assert_eq!(mode(sb.root()), root_mode);
}

#[cfg(unix)]
#[test]
fn an_existing_file_keeps_its_mode() {
    for old_mode in [0o644, 0o640, 0o600, 0o400] {
        let sb = Sandbox::new();
        let path = sb.put(FRAMEWORK_FILE, r#"{"token": "fake_token_123"}"#);
        set_mode(&path, old_mode);
        let auth = sb.auth();

        auth.save_token(
            Some(&tok("another_fake_token_678")),
            None,
            None,
            SaveOptions {
                overwrite: true,
                ..SaveOptions::default()
            },
        )
        .unwrap();

        assert_eq!(read(&path), r#"{"token": "another_fake_token_678"}"#);
        #[cfg(unix)]
        assert_eq!(mode(&path), old_mode, "{old_mode:o}");
    }
}

#[cfg(unix)]
#[test]
fn an_existing_directory_keeps_its_mode() {
    let sb = Sandbox::new();
    fs::create_dir(sb.secrets()).unwrap();
    set_mode(&sb.secrets(), 0o755);
    let auth = sb.auth();

    save_default(&auth, "fake_token_123").unwrap();

    #[cfg(unix)]

    assert_eq!(mode(&sb.secrets()), 0o755);
    #[cfg(unix)]
    assert_eq!(mode(&sb.file(FRAMEWORK_FILE)), 0o600);
}

// ------------------------------------------------------- symbolic links

#[cfg(unix)]
/// `secrets/chunkedgraph-secret.json` → `../real/real.json` (relative link).
fn linked_secret(sb: &Sandbox, content: &str, target_mode: u32) -> (PathBuf, PathBuf) {
    let real_dir = sb.root().join("real");
    fs::create_dir(&real_dir).unwrap();
    let real = real_dir.join("real.json");
    fs::write(&real, content).unwrap();
    set_mode(&real, target_mode);
    fs::create_dir(sb.secrets()).unwrap();
    let link = sb.file(FRAMEWORK_FILE);
    symlink("../real/real.json", &link).unwrap();
    (link, real)
}

#[cfg(unix)]
#[test]
fn a_symlinked_secret_file_is_read_through() {
    let sb = Sandbox::new();
    let (link, _) = linked_secret(&sb, r#"{"token": "fake_token_123"}"#, 0o600);

    let auth = sb.auth();

    assert_eq!(token_of(&auth).as_deref(), Some("fake_token_123"));
    assert_eq!(
        auth.source(),
        TokenSource::File {
            path: link,
            key: "token".into()
        }
    );
}

#[cfg(unix)]
#[test]
fn save_writes_through_a_symlink_to_its_target() {
    let sb = Sandbox::new();
    let (link, real) = linked_secret(&sb, r#"{"k": 1, "token": "fake_token_123"}"#, 0o640);
    let auth = sb.auth();

    auth.save_token(
        Some(&tok("another_fake_token_678")),
        None,
        None,
        SaveOptions {
            overwrite: true,
            ..SaveOptions::default()
        },
    )
    .unwrap();

    let meta = fs::symlink_metadata(&link).unwrap();
    assert!(meta.file_type().is_symlink(), "the link must stay a link");
    assert_eq!(
        fs::read_link(&link).unwrap(),
        Path::new("../real/real.json")
    );
    assert_eq!(
        read(&real),
        r#"{"k": 1, "token": "another_fake_token_678"}"#
    );
    #[cfg(unix)]
    assert_eq!(mode(&real), 0o640);
    assert_eq!(sb.names(), vec![FRAMEWORK_FILE]);
    assert_eq!(
        common::snapshot(real.parent().unwrap())
            .into_keys()
            .collect::<Vec<_>>(),
        vec!["real.json"]
    );
}

#[cfg(unix)]
#[test]
fn refused_save_through_a_symlink_names_the_link_and_changes_nothing() {
    let sb = Sandbox::new();
    let (link, real) = linked_secret(&sb, r#"{"token": "fake_token_123"}"#, 0o600);
    let auth = sb.auth();

    let err = save_default(&auth, "another_fake_token_678").unwrap_err();

    assert_eq!(err.kind(), ErrorKind::TokenExists);
    assert_eq!(
        err.message(),
        format!(
            "Key \"token\" already exists in token file \"{}\"",
            link.display()
        )
    );
    assert_eq!(read(&real), r#"{"token": "fake_token_123"}"#);
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

// -------------------------------------------------------------- atomic

#[test]
fn save_leaves_no_temporary_or_lock_file_behind() {
    let sb = Sandbox::new();
    let auth = sb.auth_in(Layout::Cave);

    save_default(&auth, "fake_token_123").unwrap();
    save_default(&auth, "fake_token_123").unwrap_err();
    auth.save_token(
        Some(&tok("another_fake_token_678")),
        Some("other"),
        None,
        SaveOptions::default(),
    )
    .unwrap();

    assert_eq!(sb.names(), vec![CAVE_FILE, GLOBAL_SERVER_FILE]);
}

#[test]
fn readers_never_see_a_torn_file() {
    let sb = Sandbox::new();
    // A large file, so that a write in place would be visibly partial.
    let pad = "p".repeat(256 * 1024);
    let path = sb.put(
        FRAMEWORK_FILE,
        &format!(r#"{{"pad": "{pad}", "token": "fake_token_a"}}"#),
    );
    let auth = sb.auth();
    let done = Arc::new(AtomicBool::new(false));

    let reader = {
        let done = Arc::clone(&done);
        let path = path.clone();
        std::thread::spawn(move || {
            let mut reads = 0u32;
            while !done.load(Ordering::Relaxed) || reads == 0 {
                let bytes = fs::read(&path).expect("the file always exists");
                let v: Value = serde_json::from_slice(&bytes)
                    .unwrap_or_else(|e| panic!("torn read of {} bytes: {e}", bytes.len()));
                let t = v["token"].as_str().unwrap();
                assert!(t == "fake_token_a" || t == "fake_token_bb", "{t}");
                reads += 1;
            }
            reads
        })
    };
    for i in 0..60 {
        let t = if i % 2 == 0 {
            "fake_token_bb"
        } else {
            "fake_token_a"
        };
        auth.save_token(
            Some(&tok(t)),
            None,
            None,
            SaveOptions {
                overwrite: true,
                ..SaveOptions::default()
            },
        )
        .unwrap();
    }
    done.store(true, Ordering::Relaxed);

    assert!(reader.join().expect("reader saw only whole files") > 0);
}

// --------------------------------------------------------- concurrency

fn assert_keys(path: &Path, expected: impl IntoIterator<Item = (String, String)>) {
    let text = read(path);
    let v: Value = serde_json::from_str(&text).expect("valid JSON after concurrent saves");
    let obj = v.as_object().expect("a JSON object");
    let mut missing = Vec::new();
    let mut count = 0;
    for (k, t) in expected {
        count += 1;
        if obj.get(&k).and_then(Value::as_str) != Some(t.as_str()) {
            missing.push(k);
        }
    }
    assert!(missing.is_empty(), "lost keys: {missing:?}");
    assert_eq!(obj.len(), count, "unexpected keys in {text}");
}

#[test]
fn eight_threads_saving_distinct_keys_lose_none() {
    const THREADS: usize = 8;
    const SAVES: usize = 25;
    let sb = Sandbox::new();
    fs::create_dir(sb.secrets()).unwrap();
    let opts = sb.opts_in(Layout::Framework);
    let start = Arc::new(Barrier::new(THREADS));

    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let opts = opts.clone();
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                let auth = Auth::new(&opts).expect("Auth::new while others save");
                start.wait();
                for s in 0..SAVES {
                    auth.save_token(
                        Some(&tok(&format!("fake_token_{t}_{s}"))),
                        Some(&format!("key_{t}_{s}")),
                        None,
                        SaveOptions::default(),
                    )
                    .expect("save");
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("saver thread");
    }

    let expected = (0..THREADS).flat_map(|t| {
        (0..SAVES).map(move |s| (format!("key_{t}_{s}"), format!("fake_token_{t}_{s}")))
    });
    assert_keys(&sb.file(FRAMEWORK_FILE), expected);
    assert_eq!(sb.names(), vec![FRAMEWORK_FILE]);
    #[cfg(unix)]
    assert_eq!(mode(&sb.file(FRAMEWORK_FILE)), 0o600);
}

/// Set in a child process: the secrets directory to save into.
const CHILD_DIR_VAR: &str = "FWCLIENT_TEST_SAVER_DIR";
/// Set in a child process: its number, which makes its keys distinct.
const CHILD_ID_VAR: &str = "FWCLIENT_TEST_SAVER_ID";
const PROCESSES: usize = 8;
const PROCESS_SAVES: usize = 50;

/// Not a test of its own: the body of a child process of
/// `eight_processes_saving_distinct_keys_lose_none`. Returns at once unless
/// the child's environment variables are set.
#[test]
fn child_process_saver() {
    let (Ok(dir), Ok(id)) = (std::env::var(CHILD_DIR_VAR), std::env::var(CHILD_ID_VAR)) else {
        return;
    };
    let auth = Auth::new(&Options {
        secrets_dir: Some(dir),
        layout: Some(Layout::Framework),
        ..Options::default()
    })
    .expect("Auth::new in a child");
    for s in 0..PROCESS_SAVES {
        auth.save_token(
            Some(&tok(&format!("fake_token_p{id}_{s}"))),
            Some(&format!("key_p{id}_{s}")),
            None,
            SaveOptions::default(),
        )
        .expect("save in a child");
    }
}

#[test]
fn eight_processes_saving_distinct_keys_lose_none() {
    let sb = Sandbox::new();
    fs::create_dir(sb.secrets()).unwrap();
    let exe = std::env::current_exe().unwrap();

    let children: Vec<_> = (0..PROCESSES)
        .map(|p| {
            Command::new(&exe)
                .args([
                    "--exact",
                    "child_process_saver",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(CHILD_DIR_VAR, sb.secrets())
                .env(CHILD_ID_VAR, p.to_string())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn the test binary as a child")
        })
        .collect();
    for (p, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "child {p} failed: {}\n{stdout}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains("1 passed"),
            "child {p} ran no test:\n{stdout}"
        );
    }

    let expected = (0..PROCESSES).flat_map(|p| {
        (0..PROCESS_SAVES).map(move |s| (format!("key_p{p}_{s}"), format!("fake_token_p{p}_{s}")))
    });
    assert_keys(&sb.file(FRAMEWORK_FILE), expected);
    assert_eq!(sb.names(), vec![FRAMEWORK_FILE]);
}
