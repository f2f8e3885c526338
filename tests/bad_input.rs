//! Bad input at the C ABI: strings that are not UTF-8, empty, longer than
//! the 1 MiB limit, and tokens holding CR, LF, space, tab, DEL, non-ASCII or
//! 1 MiB of characters. Each gives a clear error code (and an error whose
//! message never quotes a token), writes nothing (the whole secrets tree is
//! byte-for-byte the same) and sends nothing (a server on 127.0.0.1 that
//! counts connections sees none). A NUL cannot cross the C ABI inside a
//! string (C ends the string there); the core refuses it, and the Go and C++
//! bindings refuse such strings before calling C.
//!
//! Also: secret files that are FIFOs or devices, and a secret file holding a
//! number JSON cannot hold (Python writes `Infinity`).

mod hardening;

use std::ffi::CString;
#[cfg(unix)]
use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::ptr;
#[cfg(unix)]
use std::time::Duration;

use fwclient::fw_auth::*;
use fwclient::fw_client::*;
use fwclient::fw_error::fw_error;
use fwclient::fw_options::*;
use fwclient::fw_result::fw_result;
use fwclient_core::{Auth, ErrorKind, Layout, Options, SaveOptions, Token};
use hardening::{
    CANARY_A, CANARY_B, CountingServer, abi_options, assert_no_canary, cstr, lookup_err, outcome,
    take, tree,
};

const INVALID_ARGUMENT: u32 = 1;
const INVALID_TOKEN_FORMAT: u32 = 2;
const INVALID_URL: u32 = 24;
const MIB: usize = 1 << 20;

/// Strings every string parameter refuses, with the code it gives.
fn bad_strings() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("not UTF-8", b"fwcanaryA\xff\xfe".to_vec()),
        ("empty", Vec::new()),
        ("1 MiB + 1 byte", vec![b'a'; MIB + 1]),
    ]
}

/// Tokens that are refused, with the code they give.
fn bad_tokens() -> Vec<(&'static str, Vec<u8>, u32)> {
    let canary = CANARY_B.as_bytes();
    let with = |mid: &[u8]| [canary, mid, canary].concat();
    vec![
        ("not UTF-8", with(b"\xff"), INVALID_ARGUMENT),
        ("empty", Vec::new(), INVALID_TOKEN_FORMAT),
        ("CR", with(b"\r"), INVALID_TOKEN_FORMAT),
        ("LF", with(b"\n"), INVALID_TOKEN_FORMAT),
        (
            "CRLF + header",
            with(b"\r\nX-Evil: 1\r\n"),
            INVALID_TOKEN_FORMAT,
        ),
        ("space", with(b" "), INVALID_TOKEN_FORMAT),
        ("tab", with(b"\t"), INVALID_TOKEN_FORMAT),
        ("DEL", with(b"\x7f"), INVALID_TOKEN_FORMAT),
        ("non-ASCII", with("é".as_bytes()), INVALID_TOKEN_FORMAT),
        ("1 MiB", vec![b't'; MIB], INVALID_TOKEN_FORMAT),
        ("8 KiB + 1", vec![b't'; 8 * 1024 + 1], INVALID_TOKEN_FORMAT),
        ("1 MiB + 1 byte", vec![b't'; MIB + 1], INVALID_ARGUMENT),
    ]
}

/// A client of a counting server, with CANARY_A in use and a secret file
/// holding other keys.
struct Fixture {
    tmp: tempfile::TempDir,
    server: CountingServer,
    client: *mut fw_client,
    auth: *mut fw_auth,
}

impl Fixture {
    fn new() -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let secrets = tmp.path().join("secrets");
        std::fs::create_dir(&secrets).unwrap();
        std::fs::write(
            secrets.join("chunkedgraph-secret.json"),
            r#"{"other": "keep", "token": "fake_token_123"}"#,
        )
        .unwrap();
        let server = CountingServer::start(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}".to_vec(),
        );
        let o = abi_options(&server.url, &secrets, CANARY_A);
        let (mut c, mut a, mut e) = (ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
        // SAFETY: valid pointers and strings; handles freed in Drop.
        unsafe {
            assert_eq!(
                fw_options_set_max_retries(o, 0, ptr::null_mut()),
                fw_result::FW_OK
            );
            assert_eq!(
                fw_options_set_timeout_ms(o, 2000, 2000, ptr::null_mut()),
                fw_result::FW_OK
            );
            assert_eq!(
                fw_client_new(c"minnie65_public".as_ptr(), o, &mut c, &mut e),
                fw_result::FW_OK
            );
            assert_eq!(fw_client_auth(c, &mut a, ptr::null_mut()), fw_result::FW_OK);
            fw_options_free(o);
        }
        Fixture {
            tmp,
            server,
            client: c,
            auth: a,
        }
    }

    fn token(&self) -> Option<String> {
        let mut t = ptr::null_mut();
        // SAFETY: live auth.
        let rc = unsafe { fw_auth_token(self.auth, &mut t, ptr::null_mut()) };
        assert_eq!(rc, fw_result::FW_OK);
        take(t)
    }

    fn tree(&self) -> std::collections::BTreeMap<String, Vec<u8>> {
        tree(self.tmp.path())
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        // SAFETY: live handles, freed once.
        unsafe {
            fw_auth_free(self.auth);
            fw_client_free(self.client);
        }
    }
}

/// Checks one refused call: its code, its error (a message, same code, no
/// token quoted) and that the error slot was filled.
#[track_caller]
fn refused(what: &str, rc: fw_result, err: *mut fw_error, want: u32) {
    let (code, detail) = outcome(rc, err);
    assert_eq!(code, want, "{what}: {detail:?}");
    let (ecode, msg) = detail.unwrap_or_else(|| panic!("{what}: no error stored"));
    assert_eq!(ecode, want, "{what}");
    assert!(!msg.is_empty(), "{what}: empty message");
    assert_no_canary(what, &msg);
}

#[test]
fn option_strings_refuse_bad_strings() {
    type Setter = unsafe extern "C" fn(
        *mut fw_options,
        *const std::ffi::c_char,
        *mut *mut fw_error,
    ) -> fw_result;
    let setters: [(&str, Setter); 6] = [
        ("fw_options_set_token_file", fw_options_set_token_file),
        ("fw_options_set_token_key", fw_options_set_token_key),
        (
            "fw_options_set_server_address",
            fw_options_set_server_address,
        ),
        ("fw_options_set_secrets_dir", fw_options_set_secrets_dir),
        ("fw_options_set_ca_file", fw_options_set_ca_file),
        (
            "fw_options_add_trusted_origin",
            fw_options_add_trusted_origin,
        ),
    ];
    let mut o = ptr::null_mut();
    // SAFETY: valid pointers; freed at the end.
    unsafe {
        assert_eq!(fw_options_new(&mut o, ptr::null_mut()), fw_result::FW_OK);
        for (name, set) in setters {
            for (what, s) in bad_strings() {
                let s = cstr(&s);
                let mut e = ptr::null_mut();
                // The setter now says why, in an fw_error like every other call.
                refused(
                    &format!("{name} with a string {what}"),
                    set(o, s.as_ptr(), &mut e),
                    e,
                    INVALID_ARGUMENT,
                );
            }
        }
        for (what, t, want) in bad_tokens() {
            let t = cstr(&t);
            assert_eq!(
                fw_options_set_token(o, t.as_ptr(), ptr::null_mut()) as u32,
                want,
                "token {what}"
            );
        }
        // Nothing was stored: the options still give the defaults.
        let dir = tempfile::tempdir().unwrap();
        let d = cstr(dir.path().to_str().unwrap().as_bytes());
        assert_eq!(
            fw_options_set_secrets_dir(o, d.as_ptr(), ptr::null_mut()),
            fw_result::FW_OK
        );
        let (mut a, mut e) = (ptr::null_mut(), ptr::null_mut());
        assert_eq!(fw_auth_new(o, &mut a, &mut e), fw_result::FW_OK);
        let mut kind = fw_token_source::FW_SOURCE_EXPLICIT;
        assert_eq!(
            fw_auth_token_source(
                a,
                &mut kind,
                ptr::null_mut(),
                ptr::null_mut(),
                ptr::null_mut()
            ),
            fw_result::FW_OK
        );
        assert_eq!(kind, fw_token_source::FW_SOURCE_NONE);
        fw_auth_free(a);
        fw_options_free(o);
    }
}

#[test]
fn bad_tokens_are_refused_and_nothing_is_written_or_sent() {
    let f = Fixture::new();
    let before = f.tree();
    for (what, t, want) in bad_tokens() {
        let t = cstr(&t);
        let mut e = ptr::null_mut();
        // SAFETY: live handles, valid strings.
        unsafe {
            let rc = fw_auth_set_token(f.auth, t.as_ptr(), &mut e);
            refused(&format!("set_token {what}"), rc, e, want);
            let mut e = ptr::null_mut();
            let rc = fw_auth_save_token(f.auth, t.as_ptr(), ptr::null(), ptr::null(), 0, &mut e);
            refused(&format!("save_token {what}"), rc, e, want);
            let mut e = ptr::null_mut();
            let rc = fw_auth_save_token(
                f.auth,
                t.as_ptr(),
                c"new_key".as_ptr(),
                ptr::null(),
                fw_save_flags::FW_SAVE_OVERWRITE as u32,
                &mut e,
            );
            refused(
                &format!("save_token (new key, overwrite) {what}"),
                rc,
                e,
                want,
            );
            let mut e = ptr::null_mut();
            let mut secs = 7i64;
            let rc = fw_client_token_ttl(f.client, t.as_ptr(), &mut secs, &mut e);
            refused(&format!("token_ttl {what}"), rc, e, want);
            assert_eq!(secs, 7, "an out-parameter was written by a refused call");
        }
        assert_eq!(
            f.token().as_deref(),
            Some(CANARY_A),
            "{what}: the token changed"
        );
    }
    assert_eq!(f.tree(), before, "a refused call wrote a file");
    assert_eq!(f.server.count(), 0, "a refused call reached the server");
}

#[test]
fn bad_keys_files_and_names_are_refused_and_nothing_is_written() {
    let f = Fixture::new();
    let before = f.tree();
    for (what, s) in bad_strings() {
        let s = cstr(&s);
        let mut e = ptr::null_mut();
        // SAFETY: live handles, valid strings.
        unsafe {
            let rc = fw_auth_save_token(
                f.auth,
                c"fake_token_123".as_ptr(),
                s.as_ptr(),
                ptr::null(),
                fw_save_flags::FW_SAVE_OVERWRITE as u32,
                &mut e,
            );
            refused(&format!("save_token key {what}"), rc, e, INVALID_ARGUMENT);
            let mut e = ptr::null_mut();
            let rc = fw_auth_save_token(
                f.auth,
                c"fake_token_123".as_ptr(),
                ptr::null(),
                s.as_ptr(),
                fw_save_flags::FW_SAVE_OVERWRITE as u32,
                &mut e,
            );
            refused(&format!("save_token file {what}"), rc, e, INVALID_ARGUMENT);
            let (mut c, mut e) = (ptr::null_mut(), ptr::null_mut());
            let rc = fw_client_new(s.as_ptr(), ptr::null(), &mut c, &mut e);
            refused(
                &format!("client_new dataset {what}"),
                rc,
                e,
                INVALID_ARGUMENT,
            );
            assert!(c.is_null());
        }
    }
    assert_eq!(f.tree(), before, "a refused save wrote a file");
    assert_eq!(f.token().as_deref(), Some(CANARY_A));
}

#[test]
fn bad_request_strings_are_refused_and_nothing_is_sent() {
    let f = Fixture::new();
    let good_url = cstr(format!("{}/echo", f.server.url).as_bytes());
    let mut cases: Vec<(String, &str, Vec<u8>, u32)> = Vec::new();
    for (what, s) in bad_strings() {
        let url_code = if s.is_empty() {
            INVALID_URL
        } else {
            INVALID_ARGUMENT
        };
        cases.push((format!("url {what}"), "url", s.clone(), url_code));
        cases.push((
            format!("method {what}"),
            "method",
            s.clone(),
            INVALID_ARGUMENT,
        ));
        if !s.is_empty() {
            cases.push((
                format!("content type {what}"),
                "content_type",
                s.clone(),
                INVALID_ARGUMENT,
            ));
            cases.push((
                format!("description {what}"),
                "description",
                s,
                INVALID_ARGUMENT,
            ));
        }
    }
    let base = f.server.url.as_bytes();
    for (what, tail) in [
        ("CRLF + header", &b"/x\r\nX-Evil: 1"[..]),
        ("LF", b"/x\ny"),
        ("space", b"/a b"),
        ("tab", b"/a\tb"),
    ] {
        cases.push((
            format!("url {what}"),
            "url",
            [base, tail].concat(),
            INVALID_URL,
        ));
    }
    for m in [&b"GET\r\nX-Evil: 1"[..], b"GE T", b"GET\n"] {
        cases.push((
            format!("method {m:?}"),
            "method",
            m.to_vec(),
            INVALID_ARGUMENT,
        ));
    }
    for ct in [&b"text/plain\r\nX-Evil: 1"[..], b"text/plain\n", b"a\x7fb"] {
        cases.push((
            format!("content type {ct:?}"),
            "content_type",
            ct.to_vec(),
            INVALID_ARGUMENT,
        ));
    }

    for (what, param, value, want) in cases {
        let v: CString = cstr(&value);
        let (mut r, mut e) = (ptr::null_mut(), ptr::null_mut());
        // SAFETY: live client, valid strings and out-parameters.
        let rc = unsafe {
            match param {
                "url" => fw_client_get(f.client, v.as_ptr(), &mut r, &mut e),
                "method" => fw_client_request(
                    f.client,
                    v.as_ptr(),
                    good_url.as_ptr(),
                    ptr::null(),
                    0,
                    ptr::null(),
                    &mut r,
                    &mut e,
                ),
                "content_type" => fw_client_request(
                    f.client,
                    c"POST".as_ptr(),
                    good_url.as_ptr(),
                    b"{}".as_ptr(),
                    2,
                    v.as_ptr(),
                    &mut r,
                    &mut e,
                ),
                "description" => {
                    let mut t = ptr::null_mut();
                    let rc = fw_client_create_token(f.client, v.as_ptr(), &mut t, &mut e);
                    assert!(t.is_null());
                    rc
                }
                _ => unreachable!(),
            }
        };
        refused(&what, rc, e, want);
        assert!(r.is_null(), "{what}: a response was handed out");
        assert_eq!(f.server.count(), 0, "{what} reached the server");
    }

    // The server does count: a good request reaches it.
    let (mut r, mut e) = (ptr::null_mut(), ptr::null_mut());
    // SAFETY: as above.
    unsafe {
        assert_eq!(
            fw_client_get(f.client, good_url.as_ptr(), &mut r, &mut e),
            fw_result::FW_OK
        );
        fwclient::fw_response::fw_response_free(r);
    }
    assert_eq!(f.server.count(), 1);
    let head = f.server.requests.lock().unwrap()[0].clone();
    assert!(head.starts_with("GET /echo HTTP/1.1\r\n"), "{head}");
}

#[test]
fn nul_inside_a_string_never_reaches_a_file_or_header() {
    // The C ABI cannot carry one; the core refuses it wherever it meets it.
    for t in ["fwcanaryB\0tail", "\0", "tok\0\r\n"] {
        let e = Token::new(t).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidTokenFormat, "{t:?}");
        assert_no_canary("token error", e.message());
    }
    let sb = tempfile::tempdir().unwrap();
    let e = lookup_err(&Options {
        token_file: Some(format!("{}/a\0b.json", sb.path().display())),
        ..Options::default()
    });
    assert!(
        matches!(e.kind(), ErrorKind::Io | ErrorKind::InvalidArgument),
        "{:?}: {e}",
        e.kind()
    );
    assert!(tree(sb.path()).is_empty());
}

// ------------------------------------------------- special secret files

fn opts_for(dir: &Path) -> Options {
    Options {
        secrets_dir: Some(dir.to_str().unwrap().to_owned()),
        layout: Some(Layout::Framework),
        ..Options::default()
    }
}

/// Runs `f` on another thread and fails when it takes longer than 5 s.
#[cfg(unix)]
fn within_5s<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(5))
        .unwrap_or_else(|_| panic!("{what} hung"))
}

#[cfg(unix)]
/// Found by hand: reading a secret file that is a FIFO blocked forever in
/// open(2) (no writer). Now refused at once as not a regular file.
#[test]
fn a_fifo_secret_file_is_refused_without_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("chunkedgraph-secret.json");
    let c = cstr(fifo.to_str().unwrap().as_bytes());
    // SAFETY: a valid path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let opts = opts_for(dir.path());
    let e = within_5s("Auth::new on a FIFO", move || lookup_err(&opts));
    assert_eq!(e.kind(), ErrorKind::SecretFile, "{e}");
    assert!(e.message().contains("not a regular file"), "{e}");

    let opts = Options {
        token: Some(Token::new(CANARY_A).unwrap()),
        ..opts_for(dir.path())
    };
    let e = within_5s("save into a FIFO", move || {
        let auth = Auth::new(&Options {
            secrets_dir: Some("/nonexistent-fwclient".into()),
            ..opts.clone()
        })
        .unwrap();
        auth.save_token(
            None,
            None,
            Some(fifo.to_str().unwrap()),
            SaveOptions::default(),
        )
        .unwrap_err()
    });
    assert_eq!(e.kind(), ErrorKind::SecretFile, "{e}");
    assert!(
        std::fs::symlink_metadata(dir.path().join("chunkedgraph-secret.json"))
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

#[cfg(unix)]
/// A secret file that is a link to a device: refused, the device untouched
/// (a save renaming a file over /dev/full would replace the device).
#[test]
fn a_secret_file_linked_to_a_device_is_refused_and_the_device_untouched() {
    for dev in ["/dev/full", "/dev/null", "/dev/zero"] {
        if !Path::new(dev).exists() {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("chunkedgraph-secret.json");
        std::os::unix::fs::symlink(dev, &link).unwrap();
        let opts = opts_for(dir.path());
        let e = within_5s("Auth::new on a device", move || lookup_err(&opts));
        assert_eq!(e.kind(), ErrorKind::SecretFile, "{dev}: {e}");

        let auth = Auth::new(&Options {
            token: Some(Token::new(CANARY_A).unwrap()),
            ..opts_for(dir.path())
        })
        .unwrap();
        let overwrite = SaveOptions {
            overwrite: true,
            ..SaveOptions::default()
        };
        let e = auth.save_token(None, None, None, overwrite).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::SecretFile, "{dev}: {e}");
        assert_no_canary("error", e.message());
        let meta = std::fs::metadata(dev).unwrap();
        assert!(
            meta.file_type().is_char_device(),
            "{dev} is no longer a device"
        );
        assert!(
            !std::fs::read_dir("/dev")
                .unwrap()
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with(".fwclient-")),
            "a temporary file was left in /dev"
        );
    }
}

/// Found by the `secret_file` fuzz target: a save into a file holding a
/// number beyond a double (1e400) writes `Infinity`, as Python's json.dump
/// does, and the library then refused to read its own file. It now reads
/// Python's `Infinity` / `-Infinity` like Python's json.load does.
#[test]
fn a_file_holding_an_overflowing_number_stays_readable_after_a_save() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("chunkedgraph-secret.json");
    std::fs::write(&file, r#"{"x": -1e999, "y": [1e400], "s": "Infinity"}"#).unwrap();
    let auth = Auth::new(&Options {
        token: Some(Token::new("fake_token_123").unwrap()),
        ..opts_for(dir.path())
    })
    .unwrap();
    auth.save_token(None, None, None, SaveOptions::default())
        .unwrap();
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        written,
        r#"{"x": -Infinity, "y": [Infinity], "s": "Infinity", "token": "fake_token_123"}"#
    );
    let again = Auth::new(&opts_for(dir.path())).expect("the library reads its own file");
    assert_eq!(again.token().unwrap().expose(), "fake_token_123");
    // And a second save keeps the bytes stable.
    again
        .save_token(
            Some(&Token::new("another_fake_token_678").unwrap()),
            Some("second"),
            None,
            SaveOptions::default(),
        )
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        r#"{"x": -Infinity, "y": [Infinity], "s": "Infinity", "token": "fake_token_123", "second": "another_fake_token_678"}"#
    );
    // NaN is read as Python's json.load reads it (issue 20), and written
    // back as json.dump writes it.
    std::fs::write(&file, r#"{"x": NaN}"#).unwrap();
    let nan = Auth::new(&opts_for(dir.path())).expect("Python reads NaN");
    assert!(nan.token().is_none());
    nan.save_token(
        Some(&Token::new("fake_token_123").unwrap()),
        None,
        None,
        SaveOptions::default(),
    )
    .unwrap();
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        r#"{"x": NaN, "token": "fake_token_123"}"#
    );
}
