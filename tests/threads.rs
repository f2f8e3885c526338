//! 32 threads share one client and one auth through the C ABI, as a C
//! program's threads would: some save tokens (distinct keys, into the one
//! secret file), some set and read the token, the others make requests to
//! fw-devserver; no call fails, every request carries one of the two valid
//! tokens, and afterwards the file holds every key saved.
//!
//! `make -f mk/hardening.mk tsan` runs this under ThreadSanitizer (nightly,
//! `-Zsanitizer=thread -Zbuild-std`); `make test` runs it as is and runs the
//! same workload from Go under `go test -race` (tests/go-race), see
//! docs/robustness.md for why.

mod hardening;
// The servers of the core's HTTP tests (fw-devserver, canned answers).

use std::ffi::{CStr, CString};
use std::ptr;
use std::sync::{Arc, Barrier};

use fwclient::fw_auth::*;
use fwclient::fw_client::*;
use fwclient::fw_error::*;
use fwclient::fw_options::*;
use fwclient::fw_response::*;
use fwclient::fw_result::fw_result;
use hardening::support::DevServer;
use hardening::{CANARY_A, CANARY_B, abi_options, canary_fixture, take};

const THREADS: usize = 32;
const ROUNDS: usize = 12;

/// The shared handles. The header says fw_client and fw_auth may be used
/// by any number of threads at once.
struct Shared {
    client: *mut fw_client,
    auth: *mut fw_auth,
}
// SAFETY: documented thread-safe handles, freed after every thread joined.
unsafe impl Send for Shared {}
// SAFETY: as above.
unsafe impl Sync for Shared {}

#[track_caller]
fn ok(what: &str, rc: fw_result, e: *mut fw_error) {
    if rc != fw_result::FW_OK {
        // SAFETY: a live error from the library.
        let msg = unsafe {
            let m = CStr::from_ptr(fw_error_message(e))
                .to_string_lossy()
                .into_owned();
            fw_error_free(e);
            m
        };
        panic!("{what} failed ({}): {msg}", rc as u32);
    }
}

fn valid(token: &str) -> bool {
    token == CANARY_A || token == CANARY_B
}

#[test]
fn thirty_two_threads_share_one_client_and_one_auth() {
    let tmp = tempfile::tempdir().unwrap();
    let fixture = canary_fixture(tmp.path());
    let s = DevServer::start_with(&["--fixture", fixture.to_str().unwrap(), "--quiet"]);
    let secrets = tmp.path().join("secrets");
    let o = abi_options(&s.url, &secrets, CANARY_A);
    let (mut c, mut au, mut e) = (ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
    // SAFETY: valid pointers and strings.
    unsafe {
        ok(
            "fw_client_new",
            fw_client_new(c"minnie65_public".as_ptr(), o, &mut c, &mut e),
            e,
        );
        assert_eq!(
            fw_client_auth(c, &mut au, ptr::null_mut()),
            fw_result::FW_OK
        );
        fw_options_free(o);
    }
    let shared = Arc::new(Shared {
        client: c,
        auth: au,
    });
    let start = Arc::new(Barrier::new(THREADS));
    let echo = CString::new(format!("{}/echo", s.url)).unwrap();

    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (shared, start, echo) = (Arc::clone(&shared), Arc::clone(&start), echo.clone());
            std::thread::spawn(move || {
                start.wait();
                let (c, a) = (shared.client, shared.auth);
                for i in 0..ROUNDS {
                    let pick = if (t + i) % 2 == 0 { CANARY_A } else { CANARY_B };
                    let tok = CString::new(pick).unwrap();
                    let mut e = ptr::null_mut();
                    // SAFETY: live shared handles; valid strings and out-parameters.
                    unsafe {
                        match t % 4 {
                            0 => {
                                // Save under a key of its own; every other save
                                // switches the auth to the saved (valid) token.
                                let key = CString::new(format!("key_{t}_{i}")).unwrap();
                                let flags = if i % 2 == 0 {
                                    fw_save_flags::FW_SAVE_NO_SWITCH as u32
                                } else {
                                    0
                                };
                                ok(
                                    "fw_auth_save_token",
                                    fw_auth_save_token(
                                        a,
                                        tok.as_ptr(),
                                        key.as_ptr(),
                                        ptr::null(),
                                        flags,
                                        &mut e,
                                    ),
                                    e,
                                );
                            }
                            1 => {
                                ok(
                                    "fw_auth_set_token",
                                    fw_auth_set_token(a, tok.as_ptr(), &mut e),
                                    e,
                                );
                                let mut got = ptr::null_mut();
                                ok("fw_auth_token", fw_auth_token(a, &mut got, &mut e), e);
                                let got = take(got).expect("a token");
                                assert!(valid(&got), "read {got}");
                                let mut h = ptr::null_mut();
                                ok(
                                    "fw_auth_request_header",
                                    fw_auth_request_header(a, &mut h, &mut e),
                                    e,
                                );
                                let h = take(h).expect("a header");
                                assert!(valid(h.strip_prefix("Bearer ").unwrap()), "header {h}");
                                let (mut kind, mut path, mut key) = (
                                    fw_token_source::FW_SOURCE_NONE,
                                    ptr::null_mut(),
                                    ptr::null_mut(),
                                );
                                ok(
                                    "fw_auth_token_source",
                                    fw_auth_token_source(a, &mut kind, &mut path, &mut key, &mut e),
                                    e,
                                );
                                take(path);
                                take(key);
                            }
                            2 => {
                                let mut r = ptr::null_mut();
                                ok(
                                    "fw_client_get",
                                    fw_client_get(c, echo.as_ptr(), &mut r, &mut e),
                                    e,
                                );
                                let mut len = 0;
                                let data = fw_response_body(r, &mut len);
                                assert!(!data.is_null());
                                let body: serde_json::Value =
                                    serde_json::from_slice(std::slice::from_raw_parts(data, len))
                                        .unwrap();
                                let auth =
                                    body["authorization"].as_str().expect("a token was sent");
                                assert!(
                                    valid(auth.strip_prefix("Bearer ").unwrap()),
                                    "sent {auth}"
                                );
                                fw_response_free(r);
                            }
                            _ => {
                                let mut j = ptr::null_mut();
                                ok("fw_client_whoami", fw_client_whoami(c, &mut j, &mut e), e);
                                let me: serde_json::Value =
                                    serde_json::from_str(&take(j).unwrap()).unwrap();
                                assert!(me["id"] == 1 || me["id"] == 2, "{me}");
                                let mut j = ptr::null_mut();
                                ok(
                                    "fw_client_datastack_info",
                                    fw_client_datastack_info(c, &mut j, &mut e),
                                    e,
                                );
                                take(j);
                                let mut f = ptr::null_mut();
                                ok(
                                    "fw_auth_token_file",
                                    fw_auth_token_file(a, &mut f, &mut e),
                                    e,
                                );
                                take(f);
                            }
                        }
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("a thread failed");
    }

    // Every key saved is in the file, with its token.
    let text = std::fs::read_to_string(secrets.join("chunkedgraph-secret.json")).unwrap();
    let saved: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut count = 0;
    for t in (0..THREADS).filter(|t| t % 4 == 0) {
        for i in 0..ROUNDS {
            let want = if (t + i) % 2 == 0 { CANARY_A } else { CANARY_B };
            assert_eq!(saved[format!("key_{t}_{i}")], want, "key_{t}_{i} in {text}");
            count += 1;
        }
    }
    assert_eq!(saved.as_object().unwrap().len(), count, "{text}");
    // SAFETY: every thread has joined; freed once.
    unsafe {
        fw_auth_free(shared.auth);
        fw_client_free(shared.client);
    }
}
