//! Reading and saving agree with Python's `json` module about what a secret
//! file is (issue 20, item 7): the token lookup and the save read with the
//! one reader, and a save writes what Python writes, byte for byte,
//! checked against the real `python3` on this machine (the test fails, does
//! not skip, without it). Files Python refuses (2,000,000 nested `[`, a
//! BOM) are refused by both the lookup and the save, without a stack
//! overflow and with the file left as it was.
// Unix only: runs the host's python3.
#![cfg(unix)]

mod common;

use std::process::Command;

use common::{Sandbox, read, tok};
use fwclient_core::{ErrorKind, SaveOptions};

const FILE: &str = "chunkedgraph-secret.json";

/// What Python writes after `d = json.load(f); d[key] = value; json.dump(d, f)`,
/// or its error.
fn python_save(content: &str, key: &str, value: &str) -> Result<String, String> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import json, sys\n\
             try:\n    d = json.loads(sys.stdin.buffer.read().decode('utf-8'))\n\
             except Exception as e:\n    print(type(e).__name__); sys.exit(3)\n\
             d[sys.argv[1]] = sys.argv[2]\n\
             sys.stdout.write(json.dumps(d))",
            key,
            value,
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(content.as_bytes())?;
            child.wait_with_output()
        })
        .expect("this test needs python3 on PATH");
    let text = String::from_utf8(out.stdout).unwrap();
    if out.status.success() {
        Ok(text)
    } else {
        Err(text.trim().to_owned())
    }
}

#[test]
fn a_file_with_pythons_extensions_is_read_and_saved_as_python_does() {
    for content in [
        r#"{"token": "t1", "other": "\ud800", "n": NaN}"#,
        r#"{"token": "t1", "i": [Infinity, -Infinity, 1e400], "pair": "\ud83d\ude00", "lone": "\udc00\ud800"}"#,
        r#"{"token": "t0", "x": 1, "token": "t1", "x": NaN}"#,
        "{\"token\" : \"t1\",\n \"deep\": [[[{\"a\": [1.50, -0, 1E2]}]]]}\n",
    ] {
        let sb = Sandbox::new();
        let path = sb.put(FILE, content);
        let auth = sb.auth();
        assert_eq!(
            auth.token().map(|t| t.expose().to_owned()).as_deref(),
            Some("t1"),
            "{content}"
        );
        auth.save_token(Some(&tok("v")), Some("k2"), None, SaveOptions::default())
            .unwrap();
        let want = python_save(content, "k2", "v").unwrap();
        assert_eq!(read(&path), want, "{content}");
    }
    // The issue's own example, spelled out.
    assert_eq!(
        python_save(r#"{"token": "t1", "other": "\ud800", "n": NaN}"#, "k2", "v").unwrap(),
        r#"{"token": "t1", "other": "\ud800", "n": NaN, "k2": "v"}"#
    );
}

#[test]
fn a_file_python_refuses_is_refused_by_the_lookup_and_the_save_alike() {
    let deep = format!("{{\"token\": \"t1\", \"other\": {}", "[".repeat(2_000_000));
    let closed = format!(
        "{{\"token\": \"t1\", \"other\": {}{}}}",
        "[".repeat(2_000_000),
        "]".repeat(2_000_000)
    );
    for content in [
        deep.as_str(),
        closed.as_str(),
        "\u{feff}{\"token\": \"t1\"}",
    ] {
        assert!(
            python_save(content, "k2", "v").is_err(),
            "python accepted it"
        );
        let sb = Sandbox::new();
        sb.put(FILE, content);
        let before = sb.snapshot();
        let e = common::lookup_err(&sb.opts());
        assert_eq!(e.kind(), ErrorKind::SecretFile, "{}", e.message());
        assert!(e.message().contains("is not valid JSON"), "{}", e.message());
        let auth = fwclient_core::Auth::new(&fwclient_core::Options {
            token: Some(tok("t2")),
            ..sb.opts()
        })
        .unwrap();
        let e = auth
            .save_token(None, Some("k2"), None, SaveOptions::default())
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::SecretFile, "{}", e.message());
        assert!(e.message().contains("is not valid JSON"), "{}", e.message());
        assert_eq!(sb.snapshot(), before);
    }
}
