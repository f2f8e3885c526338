//! `fw_auth`: the user's token, where it came from, saving a new one, and
//! how to get one.

use std::ffi::c_char;
use std::sync::Arc;

use super::boundary;
use super::error::fw_error;
use super::handle::{Handle, out};
use super::options::{self, fw_options};
use super::result::fw_result;
use super::strings;
use crate::auth::{Auth, SaveOptions};
use crate::error::{Error, ErrorKind};
use crate::options::Options;
use crate::token::Token;

/// No token was found.
pub const FW_SOURCE_NONE: u32 = 0;
/// The token was given by the caller.
pub const FW_SOURCE_EXPLICIT: u32 = 1;
/// The token came from $FW_AUTH_TOKEN.
pub const FW_SOURCE_ENV: u32 = 2;
/// The token came from a secret file, under a key.
pub const FW_SOURCE_FILE: u32 = 3;

/// save flag: replace an existing key (caveclient `overwrite=True`).
pub const FW_SAVE_OVERWRITE: u32 = 1;
/// save flag: keep using the current token (caveclient `switch_token=False`).
pub const FW_SAVE_NO_SWITCH: u32 = 2;
/// save flag, cave layout: do not write the server file (`write_to_server_file=False`).
pub const FW_SAVE_NO_SERVER_FILE: u32 = 4;
/// save flag, cave layout: do not write the local server's file (`local_server=False`).
pub const FW_SAVE_NO_LOCAL_SERVER: u32 = 8;
/// save flag, cave layout: fail in a read-only directory (`ignore_readonly=False`).
pub const FW_SAVE_STRICT_READONLY: u32 = 16;
/// save flag: a file to write that is not valid JSON (or not a JSON object)
/// is moved aside to `<name>.invalid-<timestamp>` (kept, mode unchanged)
/// and a fresh one written, instead of FW_ERR_SECRET_FILE.
pub const FW_SAVE_REPLACE_INVALID: u32 = 32;

const ALL_SAVE_FLAGS: u32 = 63;

/// A user's token and where it lives. Shared by every client created from
/// the same options or returned by fw_client_auth: a token saved or set
/// through one of them is used by all. Thread-safe.
#[allow(non_camel_case_types)]
pub struct fw_auth {
    _private: [u8; 0],
}

impl Handle for fw_auth {
    type Inner = Arc<Auth>;
    const NAME: &'static str = "auth";
}

/// Finds the user's token as the Python clients do: explicit token >
/// $FW_AUTH_TOKEN > token file (and key) > the layout's files. Reads files
/// only: no network, no directory created. `opts` may be NULL (defaults).
/// A secret file that is malformed or cannot be read does not fail this
/// call (so that a token can be saved over it): fw_auth_token,
/// fw_auth_request_header and requests then fail with FW_ERR_SECRET_FILE
/// (or FW_ERR_IO) naming the file and the fix. An invalid server address
/// gives FW_ERR_INVALID_URL with the corrected form.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_new(
    opts: *const fw_options,
    out_auth: *mut *mut fw_auth,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let slot = unsafe { out(out_auth, "out") }?;
        let defaults = Options::default();
        // SAFETY: NULL or live.
        let opts = unsafe { options::or_default(opts, &defaults) };
        *slot = fw_auth::into_raw(Arc::new(Auth::new(opts)?));
        Ok(())
    })
}

/// The token in use; `*token` is set to NULL when there is none. Free the
/// string with fw_string_free. FW_ERR_SECRET_FILE (or FW_ERR_IO) when the
/// secret file that should hold it is malformed (or cannot be read).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_token(
    a: *const fw_auth,
    token: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let (auth, slot) = unsafe { (fw_auth::arg(a)?, out(token, "token")?) };
        // Copied once, straight from the auth (no intermediate copy to zero).
        *slot = auth.with_token(|t| strings::opt_to_c(t.map(Token::expose)))??;
        Ok(())
    })
}

/// Where the token came from: `*kind` is an FW_SOURCE_* value; for
/// FW_SOURCE_FILE, `*path` and `*key` name the file and key (NULL
/// otherwise). `path` and `key` may be NULL when not wanted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_token_source(
    a: *const fw_auth,
    kind: *mut u32,
    path: *mut *mut c_char,
    key: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let (auth, kind) = unsafe { (fw_auth::arg(a)?, out(kind, "kind")?) };
        let source = auth.source();
        let (p, k) = match &source {
            crate::TokenSource::File { path, key } => (
                Some(path.to_str().ok_or_else(|| {
                    Error::new(ErrorKind::Io, "the token file's path is not UTF-8")
                })?),
                Some(key.as_str()),
            ),
            _ => (None, None),
        };
        let p = strings::opt_to_c(p)?;
        let k = match strings::opt_to_c(k) {
            Ok(k) => k,
            Err(e) => {
                // SAFETY: `p` was just made by opt_to_c.
                unsafe { strings::fw_string_free(p) };
                return Err(e);
            }
        };
        // SAFETY: `path`/`key` are NULL or writable; strings not handed out are freed.
        unsafe {
            hand_out(path, p);
            hand_out(key, k);
        }
        *kind = source.code();
        Ok(())
    })
}

/// Writes `s` to `*slot`, or frees it when the caller passed no slot.
unsafe fn hand_out(slot: *mut *mut c_char, s: *mut c_char) {
    if slot.is_null() {
        // SAFETY: `s` is NULL or ours.
        unsafe { strings::fw_string_free(s) };
    } else {
        // SAFETY: writable, as documented.
        unsafe { *slot = s };
    }
}

/// The layout in use: FW_LAYOUT_FRAMEWORK or FW_LAYOUT_CAVE.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_layout(a: *const fw_auth, layout: *mut u32) -> fw_result {
    boundary::run(std::ptr::null_mut(), || {
        // SAFETY: NULL or live / writable.
        let (auth, slot) = unsafe { (fw_auth::arg(a)?, out(layout, "layout")?) };
        *slot = auth.layout() as u32;
        Ok(())
    })
}

/// The file a save without an explicit file writes to (free with fw_string_free).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_token_file(
    a: *const fw_auth,
    path: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let (auth, slot) = unsafe { (fw_auth::arg(a)?, out(path, "path")?) };
        let file = auth.token_file();
        let file = file
            .to_str()
            .ok_or_else(|| Error::new(ErrorKind::Io, "the token file's path is not UTF-8"))?;
        *slot = strings::to_c(file)?;
        Ok(())
    })
}

/// Uses `token` from now on, for this session only (no file is written),
/// in this auth and every client sharing it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_set_token(
    a: *mut fw_auth,
    token: *const c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live.
        let (auth, token) = unsafe { (fw_auth::arg(a)?, strings::arg(token, "token")?) };
        auth.set_token(Token::new(token)?);
        Ok(())
    })
}

/// Saves a token as caveclient's `save_token` does. NULL `token` saves the
/// token in use, NULL `token_key` means "token", NULL `token_file` the auth's
/// token file. `flags` is a sum of FW_SAVE_* values (0: caveclient's
/// defaults). Without FW_SAVE_OVERWRITE an existing key gives
/// FW_ERR_TOKEN_EXISTS with caveclient's message, and no file is written.
/// A file that is not a JSON object gives FW_ERR_SECRET_FILE unless
/// FW_SAVE_REPLACE_INVALID.
/// Writes are atomic; new files are 0600, new directories 0700.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_save_token(
    a: *mut fw_auth,
    token: *const c_char,
    token_key: *const c_char,
    token_file: *const c_char,
    flags: u32,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / NUL-terminated.
        let (auth, token, key, file) = unsafe {
            (
                fw_auth::arg(a)?,
                strings::opt_arg(token, "token")?,
                strings::opt_arg(token_key, "token_key")?,
                strings::opt_arg(token_file, "token_file")?,
            )
        };
        if flags & !ALL_SAVE_FLAGS != 0 {
            return Err(Error::invalid_argument(format!(
                "unknown save flags {:#x}",
                flags & !ALL_SAVE_FLAGS
            )));
        }
        let token = token.map(Token::new).transpose()?;
        let opts = SaveOptions {
            overwrite: flags & FW_SAVE_OVERWRITE != 0,
            switch_token: flags & FW_SAVE_NO_SWITCH == 0,
            write_to_server_file: flags & FW_SAVE_NO_SERVER_FILE == 0,
            local_server: flags & FW_SAVE_NO_LOCAL_SERVER == 0,
            ignore_readonly: flags & FW_SAVE_STRICT_READONLY == 0,
            replace_invalid: flags & FW_SAVE_REPLACE_INVALID != 0,
        };
        auth.save_token(token.as_ref(), key, file, opts)?;
        Ok(())
    })
}

/// Runs `get` on the auth and hands its string to `*s`.
unsafe fn get_string(
    a: *const fw_auth,
    s: *mut *mut c_char,
    err: *mut *mut fw_error,
    get: impl FnOnce(&Auth) -> String,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let (auth, slot) = unsafe { (fw_auth::arg(a)?, out(s, "out")?) };
        *slot = strings::to_c(&get(auth))?;
        Ok(())
    })
}

/// How to get a new token and save it, in C, C++ and Go (caveclient's
/// get_new_token text). Never opens a browser.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_get_new_token(
    a: *const fw_auth,
    instructions: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { get_string(a, instructions, err, Auth::new_token_instructions) }
}

/// `{server}/auth/api/v1/create_token`, where a user creates a token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_new_token_url(
    a: *const fw_auth,
    url: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { get_string(a, url, err, Auth::new_token_url) }
}

/// `{server}/sticky_auth/settings/tokens`, the user's existing tokens.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_token_page_url(
    a: *const fw_auth,
    url: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { get_string(a, url, err, Auth::token_page_url) }
}

/// The Authorization header value, "Bearer <token>"; `*value` is NULL
/// without a token.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_request_header(
    a: *const fw_auth,
    value: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let (auth, slot) = unsafe { (fw_auth::arg(a)?, out(value, "value")?) };
        // Built once, in the buffer handed out (no intermediate copy to zero).
        *slot = auth.with_token(|t| match t {
            None => Ok(std::ptr::null_mut()),
            Some(t) => strings::bearer_to_c(t),
        })??;
        Ok(())
    })
}

/// Releases this reference to the auth; NULL is a no-op. Clients holding
/// the same auth keep it alive.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_free(a: *mut fw_auth) {
    // SAFETY: NULL or live and not used afterwards.
    boundary::run_or((), || unsafe { fw_auth::free(a) })
}
