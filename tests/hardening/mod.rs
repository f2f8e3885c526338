//! Helpers of the hardening tests (bad_input, full_disk, hygiene, threads):
//! the distinctive fake tokens, a server that counts every connection, a
//! devserver fixture holding the fake tokens, C-string calls, and snapshots
//! of a whole directory tree.
#![allow(dead_code)]

/// The core tests' servers (fw-devserver, the responder and its
/// behaviours), shared rather than copied.
#[path = "../../core/tests/support/mod.rs"]
pub mod support;

use std::collections::BTreeMap;
use std::ffi::{CStr, CString, c_char};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use fwclient::fw_error::{fw_error, fw_error_code, fw_error_free, fw_error_message};
use fwclient::fw_options::{
    fw_layout, fw_options, fw_options_new, fw_options_set_layout, fw_options_set_secrets_dir,
    fw_options_set_server_address, fw_options_set_token,
};
use fwclient::fw_result::fw_result;
use support::{Responder, Threads};

/// The distinctive fake tokens: a test fails when one of them shows where a
/// token must never be. All are valid tokens; none is a piece of another
/// text of the library.
pub const CANARY_A: &str = "fwcanaryA0a1b2c3d4e5f60718293a4b5c6d7e8";
pub const CANARY_B: &str = "fwcanaryB_Zq9x-7Tt.Kp3";
pub const CANARY_C: &str = "fwcanaryC55e0f1d2c3b4a596877d8e9f0a1b2";
pub const CANARIES: [&str; 3] = [CANARY_A, CANARY_B, CANARY_C];

/// Fails when `text` holds any of the fake tokens.
#[track_caller]
pub fn assert_no_canary(what: &str, text: &str) {
    for c in CANARIES {
        assert!(!text.contains(c), "{what} holds a token ({c}):\n{text}");
    }
}

/// A responder that counts every connection and answers each request with
/// `answer` (read until the end of the head, or 2 s), one at a time.
pub struct CountingServer {
    pub url: String,
    pub requests: Arc<Mutex<Vec<String>>>,
    responder: Responder,
}

impl CountingServer {
    pub fn start(answer: Vec<u8>) -> CountingServer {
        let responder = Responder::start(Threads::One, move |mut conn| {
            conn.read_and_record();
            let _ = conn.stream.write_all(&answer);
            let _ = conn.stream.shutdown(std::net::Shutdown::Both);
        });
        CountingServer {
            url: responder.url.clone(),
            requests: responder.requests.clone(),
            responder,
        }
    }

    pub fn count(&self) -> usize {
        self.responder.count()
    }
}

/// A devserver fixture whose users hold the fake tokens (A: user 1, B: user
/// 2, admin), written to `dir/fixture.json`.
pub fn canary_fixture(dir: &Path) -> PathBuf {
    let fixture = format!(
        r#"{{
  "users": [
    {{"id": 1, "name": "Ada Canary", "email": "ada@example.org",
      "tokens": [{{"token": "{CANARY_A}", "description": "canary A", "ttl": -1}}],
      "permissions": {{"minnie65": ["view"]}}}},
    {{"id": 2, "name": "Grace Canary", "email": "grace@example.org", "admin": true,
      "tokens": [{{"token": "{CANARY_B}", "description": "canary B", "ttl": 3600}}],
      "permissions": {{"minnie65": ["view", "edit"]}}}}
  ],
  "datastacks": {{
    "minnie65_public": {{"dataset": "minnie65", "local_server": "{{base}}"}}
  }}
}}"#
    );
    let path = dir.join("fixture.json");
    std::fs::write(&path, fixture).unwrap();
    path
}

/// A C string of `bytes` (which must hold no NUL).
pub fn cstr(bytes: &[u8]) -> CString {
    CString::new(bytes).expect("no NUL inside")
}

/// The code of a call and its error's code and message (the error is freed).
pub fn outcome(rc: fw_result, err: *mut fw_error) -> (u32, Option<(u32, String)>) {
    if err.is_null() {
        return (rc as u32, None);
    }
    // SAFETY: a live error from the library, freed once.
    unsafe {
        let code = fw_error_code(err) as u32;
        let msg = CStr::from_ptr(fw_error_message(err))
            .to_string_lossy()
            .into_owned();
        fw_error_free(err);
        (rc as u32, Some((code, msg)))
    }
}

/// A string from the library, copied and freed (None for NULL).
pub fn take(p: *mut c_char) -> Option<String> {
    if p.is_null() {
        return None;
    }
    // SAFETY: a NUL-terminated string from the library, freed once.
    unsafe {
        let s = CStr::from_ptr(p).to_string_lossy().into_owned();
        fwclient::strings::fw_string_free(p);
        Some(s)
    }
}

/// Every entry below `dir` (recursive): relative path -> file bytes, or a
/// marker for directories and links. Empty when `dir` does not exist.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                out.insert(rel + "/", Vec::new());
                walk(root, &p, out);
            } else if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&p).unwrap();
                out.insert(rel, format!("-> {}", target.display()).into_bytes());
            } else {
                out.insert(rel, std::fs::read(&p).unwrap_or_default());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

pub fn is_root() -> bool {
    #[cfg(unix)]
    // SAFETY: no preconditions.
    return unsafe { libc::geteuid() == 0 };
    #[cfg(not(unix))]
    false
}

/// Options built through the C ABI: `server`, the secrets directory
/// `secrets`, the framework layout and `token`. Free with fw_options_free.
pub fn abi_options(server: &str, secrets: &Path, token: &str) -> *mut fw_options {
    let (url, dir, token) = (
        cstr(server.as_bytes()),
        cstr(secrets.to_str().unwrap().as_bytes()),
        cstr(token.as_bytes()),
    );
    let mut o = std::ptr::null_mut();
    // SAFETY: valid pointers and NUL-terminated strings.
    unsafe {
        assert_eq!(
            fw_options_new(&mut o, std::ptr::null_mut()),
            fw_result::FW_OK
        );
        assert_eq!(
            fw_options_set_server_address(o, url.as_ptr(), std::ptr::null_mut()),
            fw_result::FW_OK
        );
        assert_eq!(
            fw_options_set_secrets_dir(o, dir.as_ptr(), std::ptr::null_mut()),
            fw_result::FW_OK
        );
        assert_eq!(
            fw_options_set_layout(
                o,
                fw_layout::FW_LAYOUT_FRAMEWORK as u32,
                std::ptr::null_mut()
            ),
            fw_result::FW_OK
        );
        assert_eq!(
            fw_options_set_token(o, token.as_ptr(), std::ptr::null_mut()),
            fw_result::FW_OK
        );
    }
    o
}

/// The error of the token's lookup: `Auth::new` succeeds over an unusable
/// secret file (so a token can be saved over it) and the token's use fails.
#[allow(dead_code)] // not every test crate that includes this module uses it
pub fn lookup_err(opts: &fwclient_core::Options) -> fwclient_core::Error {
    match fwclient_core::Auth::new(opts) {
        Err(e) => e,
        Ok(auth) => auth.usable_token().expect_err("the token lookup succeeded"),
    }
}
