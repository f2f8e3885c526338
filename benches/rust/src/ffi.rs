//! The part of the C ABI (include/fwclient.h) the driver calls, and small
//! safe wrappers that turn a failed call into a panic: a benchmark whose
//! calls fail measures nothing.

#![allow(non_camel_case_types)]

use std::ffi::{CStr, CString, c_char};
use std::ptr;

#[repr(C)]
pub struct fw_options {
    _p: [u8; 0],
}
#[repr(C)]
pub struct fw_auth {
    _p: [u8; 0],
}
#[repr(C)]
pub struct fw_client {
    _p: [u8; 0],
}
#[repr(C)]
pub struct fw_response {
    _p: [u8; 0],
}
#[repr(C)]
pub struct fw_error {
    _p: [u8; 0],
}

pub const FW_OK: u32 = 0;

unsafe extern "C" {
    pub fn fw_version() -> *const c_char;
    pub fn fw_result_name(code: u32) -> *const c_char;
    pub fn fw_options_new(out: *mut *mut fw_options, err: *mut *mut fw_error) -> u32;
    pub fn fw_options_set_token(
        o: *mut fw_options,
        token: *const c_char,
        err: *mut *mut fw_error,
    ) -> u32;
    pub fn fw_options_set_token_file(
        o: *mut fw_options,
        path: *const c_char,
        err: *mut *mut fw_error,
    ) -> u32;
    pub fn fw_options_set_secrets_dir(
        o: *mut fw_options,
        dir: *const c_char,
        err: *mut *mut fw_error,
    ) -> u32;
    pub fn fw_options_set_server_address(
        o: *mut fw_options,
        url: *const c_char,
        err: *mut *mut fw_error,
    ) -> u32;
    pub fn fw_options_free(o: *mut fw_options);
    pub fn fw_auth_new(
        opts: *const fw_options,
        out: *mut *mut fw_auth,
        err: *mut *mut fw_error,
    ) -> u32;
    pub fn fw_auth_token(
        a: *const fw_auth,
        token: *mut *mut c_char,
        err: *mut *mut fw_error,
    ) -> u32;
    pub fn fw_auth_free(a: *mut fw_auth);
    pub fn fw_string_free(s: *mut c_char);
    pub fn fw_client_new(
        datastack: *const c_char,
        opts: *const fw_options,
        out: *mut *mut fw_client,
        err: *mut *mut fw_error,
    ) -> u32;
    pub fn fw_client_get(
        c: *const fw_client,
        url: *const c_char,
        out: *mut *mut fw_response,
        err: *mut *mut fw_error,
    ) -> u32;
    pub fn fw_client_free(c: *mut fw_client);
    pub fn fw_response_body(r: *const fw_response, len: *mut usize) -> *const u8;
    pub fn fw_response_free(r: *mut fw_response);
    pub fn fw_error_message(e: *const fw_error) -> *const c_char;
    pub fn fw_error_free(e: *mut fw_error);
}

/// Panics with the error's code and message when `rc` is not FW_OK.
pub fn check(what: &str, rc: u32, err: *mut fw_error) {
    if rc == FW_OK {
        return;
    }
    // SAFETY: static name; `err` is NULL or a live error we own.
    unsafe {
        let name = CStr::from_ptr(fw_result_name(rc)).to_string_lossy();
        let msg = if err.is_null() {
            "(no detail)".into()
        } else {
            CStr::from_ptr(fw_error_message(err))
                .to_string_lossy()
                .into_owned()
        };
        fw_error_free(err);
        panic!("{what} failed: {name}: {msg}");
    }
}

pub fn cstring(s: &str) -> CString {
    CString::new(s).expect("no NUL")
}

pub fn version() -> String {
    // SAFETY: a static string.
    unsafe { CStr::from_ptr(fw_version()) }
        .to_string_lossy()
        .into_owned()
}

/// Options built once and reused (they are read, never kept, by each call).
pub struct Options(pub *mut fw_options);

impl Options {
    pub fn new() -> Options {
        let mut o = ptr::null_mut();
        // SAFETY: valid out-pointer.
        check(
            "fw_options_new",
            unsafe { fw_options_new(&mut o, ptr::null_mut()) },
            ptr::null_mut(),
        );
        Options(o)
    }

    pub fn secrets_dir(self, dir: &str) -> Options {
        let d = cstring(dir);
        // SAFETY: live options, NUL-terminated string.
        let mut err = ptr::null_mut();
        let rc = unsafe { fw_options_set_secrets_dir(self.0, d.as_ptr(), &mut err) };
        check("fw_options_set_secrets_dir", rc, err);
        self
    }

    pub fn token_file(self, path: &str) -> Options {
        let p = cstring(path);
        // SAFETY: as above.
        let mut err = ptr::null_mut();
        let rc = unsafe { fw_options_set_token_file(self.0, p.as_ptr(), &mut err) };
        check("fw_options_set_token_file", rc, err);
        self
    }

    pub fn token(self, token: &str) -> Options {
        let t = cstring(token);
        // SAFETY: as above.
        let mut err = ptr::null_mut();
        let rc = unsafe { fw_options_set_token(self.0, t.as_ptr(), &mut err) };
        check("fw_options_set_token", rc, err);
        self
    }

    pub fn server_address(self, url: &str) -> Options {
        let u = cstring(url);
        // SAFETY: as above.
        let mut err = ptr::null_mut();
        let rc = unsafe { fw_options_set_server_address(self.0, u.as_ptr(), &mut err) };
        check("fw_options_set_server_address", rc, err);
        self
    }
}

impl Drop for Options {
    fn drop(&mut self) {
        // SAFETY: ours, freed once.
        unsafe { fw_options_free(self.0) }
    }
}

/// `fw_auth_new` + `fw_auth_token` (+ the frees a C program does): the token
/// a program gets from its saved secret file. Returns the token's length.
pub fn resolve_token(opts: &Options) -> usize {
    let mut auth = ptr::null_mut();
    let mut err = ptr::null_mut();
    // SAFETY: live options, valid out-pointers; what we get we free.
    unsafe {
        check("fw_auth_new", fw_auth_new(opts.0, &mut auth, &mut err), err);
        let mut token = ptr::null_mut();
        check(
            "fw_auth_token",
            fw_auth_token(auth, &mut token, &mut err),
            err,
        );
        assert!(!token.is_null(), "no token found");
        let n = CStr::from_ptr(token).to_bytes().len();
        fw_string_free(token);
        fw_auth_free(auth);
        n
    }
}

/// A client shared by every benchmark thread (fw_client is thread-safe).
pub struct Client(*mut fw_client);

// SAFETY: the header documents fw_client as safe to share between threads.
unsafe impl Send for Client {}
// SAFETY: as above.
unsafe impl Sync for Client {}

impl Client {
    pub fn new(opts: &Options) -> Client {
        let mut c = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: live options, valid out-pointers.
        let rc = unsafe { fw_client_new(ptr::null(), opts.0, &mut c, &mut err) };
        check("fw_client_new", rc, err);
        Client(c)
    }

    /// `fw_client_get`, the body looked at, the response freed. Returns the
    /// body's length.
    pub fn get(&self, url: &CStr) -> usize {
        let mut resp = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: live client and string, valid out-pointers; the response is freed.
        unsafe {
            check(
                "fw_client_get",
                fw_client_get(self.0, url.as_ptr(), &mut resp, &mut err),
                err,
            );
            let mut len = 0;
            let data = fw_response_body(resp, &mut len);
            assert!(
                !data.is_null() && len > 0 && *data == b'{',
                "unexpected body"
            );
            fw_response_free(resp);
            len
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        // SAFETY: ours, freed once, no call in flight.
        unsafe { fw_client_free(self.0) }
    }
}
