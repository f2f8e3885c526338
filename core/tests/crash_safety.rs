//! A saver killed with SIGKILL at random moments never leaves a torn or
//! partial secret file: after every kill the file is valid JSON with every
//! other key, and its token is the old one or a new one.
// Unix only: the crash is a SIGKILL to a saving child process.
#![cfg(unix)]

use std::process::{Command, Stdio};
use std::time::Duration;

use fwclient_core::{Auth, Layout, Options, SaveOptions, Token};
use serde_json::Value;

const DIR_VAR: &str = "FWCLIENT_TEST_CRASH_DIR";
const KILLS: usize = 200;
const FILE: &str = "chunkedgraph-secret.json";

/// Not a test of its own: the body of the child that saves until killed.
#[test]
fn crash_child_saver() {
    let Ok(dir) = std::env::var(DIR_VAR) else {
        return;
    };
    let auth = Auth::new(&Options {
        secrets_dir: Some(dir),
        layout: Some(Layout::Framework),
        ..Options::default()
    })
    .unwrap();
    let overwrite = SaveOptions {
        overwrite: true,
        ..SaveOptions::default()
    };
    for n in 0u64.. {
        let t = Token::new(&format!("fake_token_crash_{n}")).unwrap();
        auth.save_token(Some(&t), None, None, overwrite).unwrap();
    }
}

#[test]
fn sigkill_at_random_moments_never_tears_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(FILE);
    std::fs::write(
        &file,
        r#"{"a": 1, "token": "fake_token_initial", "z": "keep \u00e9"}"#,
    )
    .unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for kill in 0..KILLS {
        let mut child = Command::new(&exe)
            .args(["--exact", "crash_child_saver", "--test-threads=1"])
            .env(DIR_VAR, dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_micros(2_000 + seed % 20_000));
        // SAFETY: plain kill(2) on our own child.
        unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
        child.wait().unwrap();

        let text = std::fs::read_to_string(&file).unwrap();
        let v: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("after kill {kill} the file is not JSON ({e}): {text:?}"));
        assert_eq!(v["a"], 1, "after kill {kill}: {text}");
        assert_eq!(v["z"], "keep \u{e9}", "after kill {kill}: {text}");
        let token = v["token"].as_str().unwrap();
        assert!(
            token == "fake_token_initial" || token.starts_with("fake_token_crash_"),
            "after kill {kill}: {text}"
        );
        assert_eq!(v.as_object().unwrap().len(), 3, "after kill {kill}: {text}");
    }
    // A later save clears whatever temporary file a killed saver left.
    let auth = Auth::new(&Options {
        secrets_dir: Some(dir.path().to_str().unwrap().to_owned()),
        layout: Some(Layout::Framework),
        ..Options::default()
    })
    .unwrap();
    let overwrite = SaveOptions {
        overwrite: true,
        ..SaveOptions::default()
    };
    auth.save_token(
        Some(&Token::new("fake_token_final").unwrap()),
        None,
        None,
        overwrite,
    )
    .unwrap();
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec![FILE.to_owned()]);
}
