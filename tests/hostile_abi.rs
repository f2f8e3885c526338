//! Issue 20's attacks through the C ABI, as a C program meets them: a
//! `Retry-After` too large for any clock is an HTTP error (never
//! FW_ERR_PANIC), a URL with user-info is FW_ERR_INVALID_URL with no
//! connection made, and `fw_client_new("ds1")` refuses a datastack map a
//! group member could have written (FW_ERR_SECRET_FILE), without the
//! attacker's server hearing of it.
// Unix only: modes and $HOME.
#![cfg(unix)]

mod hardening;

use std::ffi::CString;
use std::os::unix::fs::PermissionsExt;
use std::ptr;
use std::sync::Mutex;

use fwclient::fw_client::{fw_client, fw_client_free, fw_client_get, fw_client_new};
use fwclient::fw_options::{fw_options_free, fw_options_new, fw_options_set_token};
use fwclient::fw_response::fw_response_free;
use fwclient::fw_result::fw_result;
use hardening::{CountingServer, abi_options, cstr, outcome};

/// `$HOME` belongs to the whole process: every test here holds this.
static ENV: Mutex<()> = Mutex::new(());

fn client(server: &str, secrets: &std::path::Path) -> *mut fw_client {
    let o = abi_options(server, secrets, "fake_abi_token_20");
    let mut c = ptr::null_mut();
    // SAFETY: valid options; the client is freed by the caller.
    unsafe {
        assert_eq!(
            fw_client_new(ptr::null(), o, &mut c, ptr::null_mut()),
            fw_result::FW_OK
        );
        fw_options_free(o);
    }
    c
}

/// `fw_client_get(c, url)`: its code and error (code, message).
fn get(c: *mut fw_client, url: &str) -> (u32, Option<(u32, String)>) {
    let url = cstr(url.as_bytes());
    let (mut r, mut e) = (ptr::null_mut(), ptr::null_mut());
    // SAFETY: a live client, a valid string; the response is freed.
    let rc = unsafe { fw_client_get(c, url.as_ptr(), &mut r, &mut e) };
    // SAFETY: NULL or a response of the library.
    unsafe { fw_response_free(r) };
    outcome(rc, e)
}

#[test]
fn a_retry_after_too_large_for_any_clock_is_an_http_error_not_a_panic() {
    let _env = ENV.lock().unwrap_or_else(|p| p.into_inner());
    for value in ["99999999999999999999999", "18446744073709551615"] {
        let answer = format!(
            "HTTP/1.1 503 Busy\r\nRetry-After: {value}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
        );
        let srv = CountingServer::start(answer.into_bytes());
        let dir = tempfile::tempdir().unwrap();
        let c = client(&srv.url, dir.path());
        let (rc, e) = get(c, &format!("{}/busy", srv.url));
        // SAFETY: a live client, freed once.
        unsafe { fw_client_free(c) };
        let (code, message) = e.expect("an error");
        assert_eq!(rc, fw_result::FW_ERR_HTTP_STATUS as u32, "{message}");
        assert_eq!(code, rc);
        assert!(
            message.contains("the server asked to wait 18446744073709551615 s"),
            "{message}"
        );
        assert_eq!(srv.requests.lock().unwrap().len(), 1);
    }
}

#[test]
fn a_url_with_user_info_is_refused_before_any_connection() {
    let _env = ENV.lock().unwrap_or_else(|p| p.into_inner());
    let srv = CountingServer::start(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".to_vec());
    let dir = tempfile::tempdir().unwrap();
    let c = client(&srv.url, dir.path());
    let host = srv.url.trim_start_matches("http://");
    for url in [
        format!("http://u:secret_pw@{host}/x"),
        format!("http://127.0.0.1:18777@{host}/a"),
    ] {
        let (rc, e) = get(c, &url);
        let (_, message) = e.expect("an error");
        assert_eq!(rc, fw_result::FW_ERR_INVALID_URL as u32, "{message}");
        assert!(!message.contains("secret_pw"), "{message}");
    }
    // SAFETY: a live client, freed once.
    unsafe { fw_client_free(c) };
    assert_eq!(srv.count(), 0);
}

#[test]
fn a_datastack_map_a_group_member_could_write_is_refused() {
    let _env = ENV.lock().unwrap_or_else(|p| p.into_inner());
    let attacker =
        CountingServer::start(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".to_vec());
    let home = tempfile::tempdir().unwrap();
    let secrets = home.path().join(".cloudvolume/secrets");
    std::fs::create_dir_all(&secrets).unwrap();
    std::fs::set_permissions(&secrets, std::fs::Permissions::from_mode(0o770)).unwrap();
    let map = secrets.join("cave_datastack_to_server_map.json");
    std::fs::write(&map, format!(r#"{{"ds1": "{}"}}"#, attacker.url)).unwrap();
    let saved = std::env::var_os("HOME");
    // SAFETY: every test of this binary holds ENV while $HOME changes.
    unsafe { std::env::set_var("HOME", home.path()) };
    let (mut o, mut c, mut e) = (ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
    let token = CString::new("fake_abi_token_20").unwrap();
    // SAFETY: valid pointers; everything is freed here.
    let rc = unsafe {
        fw_options_new(&mut o, ptr::null_mut());
        fw_options_set_token(o, token.as_ptr(), ptr::null_mut());
        let rc = fw_client_new(c"ds1".as_ptr(), o, &mut c, &mut e);
        fw_options_free(o);
        rc
    };
    // SAFETY: as above.
    unsafe {
        match saved {
            Some(v) => std::env::set_var("HOME", v),
            None => std::env::remove_var("HOME"),
        }
    }
    assert!(c.is_null());
    let (rc, e) = outcome(rc, e);
    let (_, message) = e.expect("an error");
    assert_eq!(rc, fw_result::FW_ERR_SECRET_FILE as u32, "{message}");
    assert!(message.contains("writable by its group"), "{message}");
    assert_eq!(attacker.count(), 0);
}
