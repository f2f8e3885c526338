//! The C-string inputs of the C ABI, called as a C program would.
//!
//! Any bytes (cut at the first NUL, as C would) go to every string parameter
//! of the options, auth and client functions, in any order. Properties:
//! no call panics (FW_ERR_PANIC) or returns a code outside the header's
//! list; an error slot is filled exactly when a call fails, with the same
//! code and a message; a string that is not UTF-8 is FW_ERR_INVALID_ARGUMENT;
//! a token is accepted exactly when the core's rule accepts it, and read
//! back unchanged; a saved token is what the auth then holds.
//!
//! Files: HOME, the current directory and every path given are inside one
//! temporary directory, emptied after each input. Requests go only to
//! 127.0.0.1:9 (nothing listens: refused at once), never elsewhere.
#![no_main]

use std::ffi::{CStr, CString, c_char};
use std::path::{Path, PathBuf};
use std::ptr;
use std::sync::OnceLock;

use arbitrary::Arbitrary;
use fwclient::fw_auth::*;
use fwclient::fw_client::*;
use fwclient::fw_error::*;
use fwclient::fw_options::*;
use fwclient::fw_response::*;
use fwclient::fw_result::fw_result;
use fwclient::strings::fw_string_free;
use libfuzzer_sys::fuzz_target;

const REFUSING_SERVER: &CStr = c"http://127.0.0.1:9";
/// Longest string the ABI takes (strings::MAX_INPUT_BYTES).
const MAX_INPUT: usize = 1 << 20;

#[derive(Arbitrary, Debug)]
enum PathKind {
    Absolute,
    Home,
    Relative,
}

#[derive(Arbitrary, Debug)]
struct FuzzPath<'a> {
    kind: PathKind,
    name: &'a [u8],
}

#[derive(Arbitrary, Debug)]
enum OptOp<'a> {
    Token(&'a [u8]),
    TokenFile(FuzzPath<'a>),
    TokenKey(&'a [u8]),
    ServerAddress(&'a [u8]),
    SecretsDir(FuzzPath<'a>),
    Layout(u32),
    CaFile(FuzzPath<'a>),
    TrustedOrigin(&'a [u8]),
    Timeouts(u64, u64),
    MaxRetries(u32),
    MaxBody(u64),
    Insecure(bool),
}

#[derive(Arbitrary, Debug)]
enum AuthOp<'a> {
    SetToken(&'a [u8]),
    Save {
        token: Option<&'a [u8]>,
        key: Option<&'a [u8]>,
        file: Option<FuzzPath<'a>>,
        flags: u32,
    },
    Read,
}

#[derive(Arbitrary, Debug)]
enum ClientOp<'a> {
    Request {
        method: &'a [u8],
        path: &'a [u8],
        body: &'a [u8],
        content_type: Option<&'a [u8]>,
    },
    CreateToken(Option<&'a [u8]>),
    Ttl(&'a [u8]),
    LocalServer,
}

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    opts: Vec<OptOp<'a>>,
    auth: Vec<AuthOp<'a>>,
    dataset: Option<&'a [u8]>,
    client: Vec<ClientOp<'a>>,
}

fn root() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("fwfuzz-ffi-")
            .tempdir()
            .expect("a temporary directory")
            .keep();
        // SAFETY: set once, before any other thread of this process exists
        // that reads the environment (libFuzzer runs inputs on one thread).
        unsafe {
            std::env::set_var("HOME", &dir);
            for v in [
                "FW_AUTH_TOKEN",
                "FW_SECRETS_DIR",
                "FW_SECRETS_LAYOUT",
                "FW_CA_BUNDLE",
            ] {
                std::env::remove_var(v);
            }
        }
        std::env::set_current_dir(&dir).expect("chdir to the temporary directory");
        dir
    })
}

/// `bytes` as C would pass them: up to the first NUL.
fn c(bytes: &[u8]) -> CString {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    CString::new(&bytes[..end]).unwrap()
}

/// A path inside the temporary directory (one component, whatever the bytes).
fn c_path(p: &FuzzPath<'_>) -> CString {
    let name: Vec<u8> = c(p.name)
        .as_bytes()
        .iter()
        .map(|&b| if b == b'/' { b'_' } else { b })
        .collect();
    let mut s: Vec<u8> = match p.kind {
        PathKind::Absolute => root().as_os_str().as_encoded_bytes().to_vec(),
        PathKind::Home => b"~".to_vec(),
        PathKind::Relative => b".".to_vec(),
    };
    s.extend_from_slice(b"/f-");
    s.extend_from_slice(&name);
    CString::new(s).unwrap()
}

fn utf8_ok(s: &CStr) -> bool {
    s.to_bytes().len() <= MAX_INPUT && std::str::from_utf8(s.to_bytes()).is_ok()
}

fn token_ok(s: &CStr) -> bool {
    utf8_ok(s) && fwclient_core::Token::check(s.to_str().unwrap()).is_ok()
}

fn known(rc: fw_result) {
    let code = rc as u32;
    assert_ne!(rc, fw_result::FW_ERR_PANIC, "a panic reached the C boundary");
    assert!(fw_result::from_u32(code).is_some(), "unknown code {code}");
}

/// Checks a call made with an error slot and frees the error.
fn checked(rc: fw_result, err: *mut fw_error) -> fw_result {
    known(rc);
    if rc == fw_result::FW_OK {
        assert!(err.is_null(), "an error was stored on success");
    } else {
        assert!(!err.is_null(), "no error stored on failure");
        // SAFETY: a live error from the library.
        unsafe {
            assert_eq!(fw_error_code(err) as u32, rc as u32);
            assert!(!fw_error_message(err).is_null());
            fw_error_free(err);
        }
    }
    rc
}

fn take_string(p: *mut c_char) -> Option<Vec<u8>> {
    if p.is_null() {
        return None;
    }
    // SAFETY: a NUL-terminated string from the library.
    let v = unsafe { CStr::from_ptr(p) }.to_bytes().to_vec();
    // SAFETY: ours to free.
    unsafe { fw_string_free(p) };
    Some(v)
}

fn empty_root() {
    for entry in std::fs::read_dir(root()).unwrap().flatten() {
        let p = entry.path();
        let _ = std::fs::remove_dir_all(&p).or_else(|_| std::fs::remove_file(&p));
    }
}

unsafe fn apply_option(o: *mut fw_options, op: &OptOp<'_>) {
    // SAFETY: `o` is live; every string is NUL-terminated and outlives the call.
    unsafe {
        match op {
            OptOp::Token(b) => {
                let s = c(b);
                let rc = fw_options_set_token(o, s.as_ptr(), ptr::null_mut());
                known(rc);
                assert_eq!(rc == fw_result::FW_OK, token_ok(&s), "set_token {s:?}");
                if !utf8_ok(&s) {
                    assert_eq!(rc as u32, 1);
                }
            }
            OptOp::TokenFile(p) => {
                text_rc(fw_options_set_token_file(o, c_path(p).as_ptr(), ptr::null_mut()), &c_path(p))
            }
            OptOp::TokenKey(b) => text_rc(fw_options_set_token_key(o, c(b).as_ptr(), ptr::null_mut()), &c(b)),
            OptOp::ServerAddress(b) => {
                text_rc(fw_options_set_server_address(o, c(b).as_ptr(), ptr::null_mut()), &c(b))
            }
            OptOp::SecretsDir(p) => text_rc(
                fw_options_set_secrets_dir(o, c_path(p).as_ptr(), ptr::null_mut()),
                &c_path(p),
            ),
            OptOp::Layout(l) => {
                let rc = fw_options_set_layout(o, *l, ptr::null_mut());
                assert_eq!(rc == fw_result::FW_OK, *l <= 1);
            }
            OptOp::CaFile(p) => text_rc(fw_options_set_ca_file(o, c_path(p).as_ptr(), ptr::null_mut()), &c_path(p)),
            OptOp::TrustedOrigin(b) => known(fw_options_add_trusted_origin(o, c(b).as_ptr(), ptr::null_mut())),
            OptOp::Timeouts(a, b) => known(fw_options_set_timeout_ms(o, *a, *b, ptr::null_mut())),
            OptOp::MaxRetries(n) => known(fw_options_set_max_retries(o, *n, ptr::null_mut())),
            OptOp::MaxBody(n) => known(fw_options_set_max_body_bytes(o, *n, ptr::null_mut())),
            OptOp::Insecure(b) => known(fw_options_set_allow_insecure_http(o, *b, ptr::null_mut())),
        }
    }
}

/// A plain text setter: refused exactly when the text is empty or not UTF-8.
fn text_rc(rc: fw_result, s: &CStr) {
    known(rc);
    let ok = utf8_ok(s) && !s.to_bytes().is_empty();
    assert_eq!(
        rc == fw_result::FW_OK,
        ok,
        "setter with {s:?} gave {}",
        rc as u32
    );
}

unsafe fn auth_ops(a: *mut fw_auth, ops: &[AuthOp<'_>]) {
    for op in ops {
        // SAFETY: `a` is live; strings outlive the calls.
        unsafe {
            match op {
                AuthOp::SetToken(b) => {
                    let s = c(b);
                    let mut e = ptr::null_mut();
                    let rc = checked(fw_auth_set_token(a, s.as_ptr(), &mut e), e);
                    assert_eq!(rc == fw_result::FW_OK, token_ok(&s));
                    if rc == fw_result::FW_OK {
                        let mut t = ptr::null_mut();
                        let mut e = ptr::null_mut();
                        checked(fw_auth_token(a, &mut t, &mut e), e);
                        assert_eq!(take_string(t).as_deref(), Some(s.to_bytes()));
                    }
                }
                AuthOp::Save {
                    token,
                    key,
                    file,
                    flags,
                } => {
                    let t = token.map(c);
                    let k = key.map(c);
                    let f = file.as_ref().map(c_path);
                    let p = |s: &Option<CString>| s.as_ref().map_or(ptr::null(), |s| s.as_ptr());
                    let mut e = ptr::null_mut();
                    let rc = checked(
                        fw_auth_save_token(a, p(&t), p(&k), p(&f), *flags, &mut e),
                        e,
                    );
                    if t.as_deref().is_some_and(|t| !utf8_ok(t))
                        || k.as_deref().is_some_and(|k| !utf8_ok(k))
                    {
                        assert_eq!(rc as u32, 1, "non-UTF-8 save argument");
                    }
                    if t.as_deref().is_some_and(|t| utf8_ok(t) && !token_ok(t))
                        && k.as_deref().is_none_or(utf8_ok)
                        && f.as_deref().is_none_or(utf8_ok)
                    {
                        assert!(matches!(rc as u32, 1 | 2), "bad token saved: {}", rc as u32);
                    }
                    if rc == fw_result::FW_OK
                        && flags & 2 == 0
                        && let Some(t) = &t
                    {
                        let mut got = ptr::null_mut();
                        let mut e = ptr::null_mut();
                        checked(fw_auth_token(a, &mut got, &mut e), e);
                        assert_eq!(take_string(got).as_deref(), Some(t.to_bytes()));
                    }
                }
                AuthOp::Read => {
                    let (mut kind, mut path, mut key) =
                        (fw_token_source::FW_SOURCE_NONE, ptr::null_mut(), ptr::null_mut());
                    let mut e = ptr::null_mut();
                    checked(
                        fw_auth_token_source(a, &mut kind, &mut path, &mut key, &mut e),
                        e,
                    );
                    assert!(kind as u32 <= 3);
                    let file = kind == fw_token_source::FW_SOURCE_FILE;
                    assert_eq!(take_string(path).is_some(), file);
                    assert_eq!(take_string(key).is_some(), file);
                    for call in [
                        fw_auth_token_file,
                        fw_auth_new_token_instructions,
                        fw_auth_new_token_url,
                    ] {
                        let mut s = ptr::null_mut();
                        let mut e = ptr::null_mut();
                        if checked(call(a, &mut s, &mut e), e) == fw_result::FW_OK {
                            assert!(take_string(s).is_some());
                        }
                    }
                    let mut h = ptr::null_mut();
                    let mut e = ptr::null_mut();
                    checked(fw_auth_request_header(a, &mut h, &mut e), e);
                    take_string(h);
                }
            }
        }
    }
}

unsafe fn client_ops(cl: *mut fw_client, ops: &[ClientOp<'_>]) {
    for op in ops {
        let mut e = ptr::null_mut();
        // SAFETY: `cl` is live; strings and buffers outlive the calls.
        unsafe {
            match op {
                ClientOp::Request {
                    method,
                    path,
                    body,
                    content_type,
                } => {
                    let m = c(method);
                    let mut url = REFUSING_SERVER.to_bytes().to_vec();
                    url.push(b'/');
                    url.extend_from_slice(c(path).as_bytes());
                    let url = CString::new(url).unwrap();
                    let ct = content_type.map(c);
                    let mut r = ptr::null_mut();
                    let rc = checked(
                        fw_client_request(
                            cl,
                            m.as_ptr(),
                            url.as_ptr(),
                            body.as_ptr(),
                            body.len(),
                            ct.as_ref().map_or(ptr::null(), |s| s.as_ptr()),
                            &mut r,
                            &mut e,
                        ),
                        e,
                    );
                    assert_ne!(rc, fw_result::FW_OK, "nothing listens on 127.0.0.1:9");
                    assert!(r.is_null());
                    if !utf8_ok(&m) || !utf8_ok(&url) {
                        assert_eq!(rc as u32, 1);
                    }
                }
                ClientOp::CreateToken(d) => {
                    let d = d.map(c);
                    let mut t = ptr::null_mut();
                    let rc = checked(
                        fw_client_create_token(
                            cl,
                            d.as_ref().map_or(ptr::null(), |s| s.as_ptr()),
                            &mut t,
                            &mut e,
                        ),
                        e,
                    );
                    assert_ne!(rc, fw_result::FW_OK);
                }
                ClientOp::Ttl(b) => {
                    let s = c(b);
                    let mut secs = 0i64;
                    let rc = checked(fw_client_token_ttl(cl, s.as_ptr(), &mut secs, &mut e), e);
                    assert_ne!(rc, fw_result::FW_OK);
                    if !token_ok(&s) {
                        assert!(
                            matches!(rc as u32, 1 | 2),
                            "ttl of a bad token: {}",
                            rc as u32
                        );
                    }
                }
                ClientOp::LocalServer => {
                    let mut s = ptr::null_mut();
                    let rc = checked(fw_client_local_server(cl, &mut s, &mut e), e);
                    if rc == fw_result::FW_OK {
                        take_string(s);
                    }
                }
            }
        }
    }
}

fuzz_target!(|input: Input<'_>| {
    root();
    // SAFETY: every handle is created, used and freed here, on one thread.
    unsafe {
        let mut o = ptr::null_mut();
        assert_eq!(fw_options_new(&mut o, ptr::null_mut()), fw_result::FW_OK);
        // A default secrets directory inside the temporary one.
        let dir = CString::new(root().join("secrets").as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(
            fw_options_set_secrets_dir(o, dir.as_ptr(), ptr::null_mut()),
            fw_result::FW_OK
        );
        for op in &input.opts {
            apply_option(o, op);
        }

        let mut a = ptr::null_mut();
        let mut e = ptr::null_mut();
        if checked(fw_auth_new(o, &mut a, &mut e), e) == fw_result::FW_OK {
            auth_ops(a, &input.auth);
            fw_auth_free(a);
        }

        // The client talks only to a port where nothing listens.
        assert_eq!(
            fw_options_set_server_address(o, REFUSING_SERVER.as_ptr(), ptr::null_mut()),
            fw_result::FW_OK
        );
        assert_eq!(fw_options_set_timeout_ms(o, 300, 600, ptr::null_mut()), fw_result::FW_OK);
        assert_eq!(fw_options_set_max_retries(o, 0, ptr::null_mut()), fw_result::FW_OK);
        let ds = input.dataset.map(c);
        let mut cl = ptr::null_mut();
        let mut e = ptr::null_mut();
        let rc = checked(
            fw_client_new(
                ds.as_ref().map_or(ptr::null(), |s| s.as_ptr()),
                o,
                &mut cl,
                &mut e,
            ),
            e,
        );
        if ds.as_deref().is_some_and(|d| !utf8_ok(d)) {
            assert_eq!(rc as u32, 1);
        }
        if rc == fw_result::FW_OK {
            client_ops(cl, &input.client);
            let mut s = ptr::null_mut();
            let mut a2 = ptr::null_mut();
            assert_eq!(fw_client_auth(cl, &mut a2, ptr::null_mut()), fw_result::FW_OK);
            auth_ops(a2, &input.auth);
            fw_auth_free(a2);
            assert_eq!(fw_client_server_address(cl, &mut s, ptr::null_mut()), fw_result::FW_OK);
            assert_eq!(take_string(s).as_deref(), Some(REFUSING_SERVER.to_bytes()));
            fw_client_free(cl);
        }
        fw_options_free(o);
        fw_response_free(ptr::null_mut());
    }
    empty_root();
});
