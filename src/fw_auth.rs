//! `fw_auth`: the user's token, where it came from, saving a new one, and
//! how to get one.

use std::ffi::c_char;
use std::sync::Arc;

use super::boundary;
use super::fw_error::fw_error;
use super::fw_options::{fw_layout, fw_options};
use super::fw_result::fw_result;
use super::handle::{Handle, out};
use super::strings;
use fwclient_core::auth::{Auth, SaveOptions, TokenFileVariable, TokenSource};
use fwclient_core::error::{Error, ErrorKind};
use fwclient_core::options::Options;
use fwclient_core::token::Token;

/// Where the token in use came from. Given as a uint32_t holding one of
/// these values.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum fw_token_source {
    /// No token was found.
    FW_SOURCE_NONE = 0,
    /// The token was given by the caller.
    FW_SOURCE_EXPLICIT = 1,
    /// The token came from $FW_AUTH_TOKEN.
    FW_SOURCE_ENV = 2,
    /// The token came from a secret file, under a key.
    FW_SOURCE_FILE = 3,
    /// The token came from $CAVE_TOKEN (after $FW_AUTH_TOKEN).
    FW_SOURCE_ENV_CAVE_TOKEN = 4,
    /// The token came from the file named by $FW_AUTH_TOKEN_FILE (path given).
    FW_SOURCE_ENV_TOKEN_FILE = 5,
    /// The token came from the file named by $CAVE_TOKEN_FILE (path given).
    FW_SOURCE_ENV_CAVE_TOKEN_FILE = 6,
}

impl From<&TokenSource> for fw_token_source {
    fn from(source: &TokenSource) -> fw_token_source {
        match source {
            TokenSource::None => fw_token_source::FW_SOURCE_NONE,
            TokenSource::Explicit => fw_token_source::FW_SOURCE_EXPLICIT,
            TokenSource::Environment => fw_token_source::FW_SOURCE_ENV,
            TokenSource::File { .. } => fw_token_source::FW_SOURCE_FILE,
            TokenSource::CaveEnvironment => fw_token_source::FW_SOURCE_ENV_CAVE_TOKEN,
            TokenSource::VariableFile { variable, .. } => match variable {
                TokenFileVariable::FwAuthTokenFile => fw_token_source::FW_SOURCE_ENV_TOKEN_FILE,
                TokenFileVariable::CaveTokenFile => fw_token_source::FW_SOURCE_ENV_CAVE_TOKEN_FILE,
            },
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/fw_token_source_table.rs"));

/// A fw_token_source number as it crosses the ABI (any uint32_t, known or
/// not); the header spells it `fw_token_source` (cbindgen.toml renames it).
#[allow(non_camel_case_types)]
pub type fw_token_source_value = u32;

/// The name of a token source, e.g. "FW_SOURCE_ENV" (for logs and
/// messages; Go's TokenSource.String, Python's TokenSource name).
///
/// @param source  A fw_token_source value (any number).
/// @return A static string (never to be freed); "FW_UNKNOWN_SOURCE" for a
///         number that is not a token source.
///
/// Thread safety: may be called from any thread at any time.
#[unsafe(no_mangle)]
pub extern "C" fn fw_token_source_name(source: fw_token_source_value) -> *const c_char {
    boundary::run_or(c"FW_UNKNOWN_SOURCE".as_ptr(), || {
        fw_token_source::from_u32(source)
            .map_or(c"FW_UNKNOWN_SOURCE".as_ptr(), |s| s.name().as_ptr())
    })
}

/// Flags of fw_auth_save_token, a bit set: pass a uint32_t holding the
/// bitwise OR of any of these (0: caveclient's defaults).
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum fw_save_flags {
    /// Replace an existing key (caveclient `overwrite=True`).
    FW_SAVE_OVERWRITE = 1,
    /// Keep using the current token (caveclient `switch_token=False`).
    FW_SAVE_NO_SWITCH = 2,
    /// Cave layout: do not write the server file (`write_to_server_file=False`).
    FW_SAVE_NO_SERVER_FILE = 4,
    /// Cave layout: do not write the local server's file (`local_server=False`).
    FW_SAVE_NO_LOCAL_SERVER = 8,
    /// Cave layout: fail in a read-only directory (`ignore_readonly=False`).
    FW_SAVE_STRICT_READONLY = 16,
    /// A file to write that is not valid JSON (or not a JSON object) is
    /// moved aside to `<name>.invalid-<timestamp>` (kept, mode unchanged)
    /// and a fresh one written, instead of FW_ERR_SECRET_FILE.
    FW_SAVE_REPLACE_INVALID = 32,
}

const ALL_SAVE_FLAGS: u32 = fw_save_flags::FW_SAVE_OVERWRITE as u32
    | fw_save_flags::FW_SAVE_NO_SWITCH as u32
    | fw_save_flags::FW_SAVE_NO_SERVER_FILE as u32
    | fw_save_flags::FW_SAVE_NO_LOCAL_SERVER as u32
    | fw_save_flags::FW_SAVE_STRICT_READONLY as u32
    | fw_save_flags::FW_SAVE_REPLACE_INVALID as u32;

/// Whether `flag` is set in `flags`.
fn has(flags: u32, flag: fw_save_flags) -> bool {
    flags & flag as u32 != 0
}

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

/// Finds the user's token as the Python clients do, first found wins:
/// explicit token > $FW_AUTH_TOKEN > $CAVE_TOKEN > $FW_AUTH_TOKEN_FILE >
/// $CAVE_TOKEN_FILE > token file > the layout's files > the other layout's
/// default file. Reads files only: no network I/O, no directory created.
///
/// A secret file that is malformed or cannot be read does not fail this
/// call (so that a token can be saved over it): fw_auth_token,
/// fw_auth_request_header and requests then fail with FW_ERR_SECRET_FILE
/// (or FW_ERR_IO) naming the file and the fix.
///
/// @param opts      NULL for the defaults; only read during the call.
/// @param out_auth  Receives the auth, to release with fw_auth_free.
/// @param err       NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK (also when no token is found: see fw_auth_token_source);
///         FW_ERR_INVALID_TOKEN_FORMAT for an unusable $FW_AUTH_TOKEN or
///         $CAVE_TOKEN; FW_ERR_INVALID_URL for an invalid server address
///         (the message shows the corrected form); FW_ERR_INVALID_ARGUMENT
///         for a NULL @p out_auth or a bad $FW_SECRETS_LAYOUT.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_new(
    opts: *const fw_options,
    out_auth: *mut *mut fw_auth,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let slot = unsafe { out(out_auth, "out_auth") }?;
        let defaults = Options::default();
        // SAFETY: NULL or live.
        let opts = unsafe { super::fw_options::or_default(opts, &defaults) };
        *slot = fw_auth::into_raw(Arc::new(Auth::new(opts)?));
        Ok(())
    })
}

/// The token in use.
///
/// @param auth       The auth.
/// @param out_token  Receives a new string holding the token (free it with
///                   fw_string_free, which zeroes it), or NULL when there is none.
/// @param err        NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK; FW_ERR_SECRET_FILE (or FW_ERR_IO) when the secret file
///         that should hold it is malformed (or cannot be read), naming the
///         file and the fix; FW_ERR_INVALID_ARGUMENT for a NULL argument.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_token(
    auth: *const fw_auth,
    out_token: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let (auth, slot) = unsafe { (fw_auth::arg(auth)?, out(out_token, "out_token")?) };
        // Copied once, straight from the auth (no intermediate copy to zero).
        *slot = auth.with_token(|t| strings::opt_to_c(t.map(Token::expose)))??;
        Ok(())
    })
}

/// Where the token in use came from.
///
/// @param auth        The auth.
/// @param out_source  Receives where the token came from.
/// @param out_path    NULL allowed; for FW_SOURCE_FILE, FW_SOURCE_ENV_TOKEN_FILE
///                    and FW_SOURCE_ENV_CAVE_TOKEN_FILE receives the file as a
///                    new string (free with fw_string_free), otherwise NULL.
/// @param out_key     NULL allowed; for FW_SOURCE_FILE receives the key as a
///                    new string (free with fw_string_free), otherwise NULL.
/// @param err         NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL @p auth or
///         @p out_source; FW_ERR_IO when the file's path is not UTF-8.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_token_source(
    auth: *const fw_auth,
    out_source: *mut fw_token_source,
    out_path: *mut *mut c_char,
    out_key: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let (auth, kind) = unsafe { (fw_auth::arg(auth)?, out(out_source, "out_source")?) };
        let source = auth.source();
        let (p, k) = match &source {
            TokenSource::File { path, key } => (
                Some(path.to_str().ok_or_else(|| {
                    Error::new(ErrorKind::Io, "the token file's path is not UTF-8")
                })?),
                Some(key.as_str()),
            ),
            TokenSource::VariableFile { path, .. } => (
                Some(path.to_str().ok_or_else(|| {
                    Error::new(ErrorKind::Io, "the token file's path is not UTF-8")
                })?),
                None,
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
        // SAFETY: `out_path`/`out_key` are NULL or writable; strings not handed out are freed.
        unsafe {
            hand_out(out_path, p);
            hand_out(out_key, k);
        }
        *kind = fw_token_source::from(&source);
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

/// The layout of the secret files in use.
///
/// @param auth        The auth.
/// @param out_layout  Receives the layout.
/// @param err         NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL argument.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_layout(
    auth: *const fw_auth,
    out_layout: *mut fw_layout,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let (auth, slot) = unsafe { (fw_auth::arg(auth)?, out(out_layout, "out_layout")?) };
        *slot = fw_layout::from(auth.layout());
        Ok(())
    })
}

/// The file a save without an explicit file writes to.
///
/// @param auth      The auth.
/// @param out_path  Receives a new string (free with fw_string_free).
/// @param err       NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL argument; FW_ERR_IO when
///         the path is not UTF-8.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_token_file(
    auth: *const fw_auth,
    out_path: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let (auth, slot) = unsafe { (fw_auth::arg(auth)?, out(out_path, "out_path")?) };
        let file = auth.token_file();
        let file = file
            .to_str()
            .ok_or_else(|| Error::new(ErrorKind::Io, "the token file's path is not UTF-8"))?;
        *slot = strings::to_c(file)?;
        Ok(())
    })
}

/// Re-reads the token file now, when the token in use came from a file and
/// that file changed (size, modification time or inode) since it was read:
/// a token rotated by another process is used from then on, by this auth
/// and every client sharing it. Requests do this by themselves when a
/// token from a file is refused as invalid (and then retry once). A token
/// given explicitly or through $FW_AUTH_TOKEN is never reloaded (FW_OK,
/// nothing done); a file that no longer holds a valid token leaves the
/// token in use unchanged.
///
/// @param auth  The auth.
/// @param err   NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK; FW_ERR_SECRET_FILE or FW_ERR_IO for a changed file that
///         cannot be read or is malformed; FW_ERR_INVALID_TOKEN_FORMAT for
///         an unusable token in it; FW_ERR_INVALID_ARGUMENT for a NULL @p auth.
///
/// Thread safety: may be called from several threads at once; requests
/// already under way keep the token they started with.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_reload(
    auth: *const fw_auth,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live.
        let auth = unsafe { fw_auth::arg(auth)? };
        auth.reload()?;
        Ok(())
    })
}

/// Uses @p token from now on, for this session only (no file is written),
/// in this auth and every client sharing it.
///
/// @param auth   The auth.
/// @param token  The token (copied).
/// @param err    NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_TOKEN_FORMAT for an unusable token;
///         FW_ERR_INVALID_ARGUMENT for a NULL argument.
///
/// Thread safety: may be called from several threads at once; requests
/// already under way keep the token they started with.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_set_token(
    auth: *const fw_auth,
    token: *const c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live.
        let (auth, token) = unsafe { (fw_auth::arg(auth)?, strings::arg(token, "token")?) };
        auth.set_token(Token::new(token)?);
        Ok(())
    })
}

/// Saves a token as caveclient's `save_token` does. Writes are atomic
/// (lock, 0600 temporary file, rename); new directories are 0700. No
/// network I/O.
///
/// @param auth        The auth.
/// @param token       The token to save (copied); NULL saves the token in use.
/// @param token_key   The key; NULL means "token".
/// @param token_file  The file; NULL means the auth's token file (fw_auth_token_file).
/// @param flags       A bitwise OR of fw_save_flags values; 0 for caveclient's defaults.
/// @param err         NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK; FW_ERR_TOKEN_EXISTS (caveclient's message; no file
///         written) when the key exists and FW_SAVE_OVERWRITE is not set;
///         FW_ERR_INVALID_TOKEN_FORMAT; FW_ERR_SECRET_FILE for a file that
///         is not a JSON object (left as it was) unless
///         FW_SAVE_REPLACE_INVALID; FW_ERR_IO; FW_ERR_INVALID_ARGUMENT for a
///         NULL @p auth, unknown flags or no token to save.
///
/// Thread safety: may be called from several threads at once (saves are
/// serialised by a lock file, also across processes).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_save_token(
    auth: *const fw_auth,
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
                fw_auth::arg(auth)?,
                strings::opt_arg(token, "token")?,
                strings::opt_arg(token_key, "token_key")?,
                strings::opt_arg(token_file, "token_file")?,
            )
        };
        if flags & !ALL_SAVE_FLAGS != 0 {
            return Err(Error::invalid_argument(format!(
                "argument `flags` holds unknown bits {:#x}",
                flags & !ALL_SAVE_FLAGS
            )));
        }
        let token = token.map(Token::new).transpose()?;
        let opts = SaveOptions {
            overwrite: has(flags, fw_save_flags::FW_SAVE_OVERWRITE),
            switch_token: !has(flags, fw_save_flags::FW_SAVE_NO_SWITCH),
            write_to_server_file: !has(flags, fw_save_flags::FW_SAVE_NO_SERVER_FILE),
            local_server: !has(flags, fw_save_flags::FW_SAVE_NO_LOCAL_SERVER),
            ignore_readonly: !has(flags, fw_save_flags::FW_SAVE_STRICT_READONLY),
            replace_invalid: has(flags, fw_save_flags::FW_SAVE_REPLACE_INVALID),
        };
        auth.save_token(token.as_ref(), key, file, opts)?;
        Ok(())
    })
}

/// Runs `get` on the auth and hands its string to `*out_s`.
unsafe fn get_string(
    auth: *const fw_auth,
    out_s: *mut *mut c_char,
    name: &str,
    err: *mut *mut fw_error,
    get: impl FnOnce(&Auth) -> String,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let (auth, slot) = unsafe { (fw_auth::arg(auth)?, out(out_s, name)?) };
        *slot = strings::to_c(&get(auth))?;
        Ok(())
    })
}

/// The steps to get a new token and save it, with the URL to open
/// (caveclient's get_new_token text). Never opens a browser; no network I/O.
///
/// @param auth              The auth.
/// @param out_instructions  Receives a new string (free with fw_string_free).
/// @param err               NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL argument.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_new_token_instructions(
    auth: *const fw_auth,
    out_instructions: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe {
        get_string(
            auth,
            out_instructions,
            "out_instructions",
            err,
            super::instructions::new_token,
        )
    }
}

/// `{server}/auth/api/v1/create_token`, where a user creates a token.
///
/// @param auth     The auth.
/// @param out_url  Receives a new string (free with fw_string_free).
/// @param err      NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL argument.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_new_token_url(
    auth: *const fw_auth,
    out_url: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { get_string(auth, out_url, "out_url", err, Auth::new_token_url) }
}

/// `{server}/sticky_auth/settings/tokens`, the user's existing tokens.
///
/// @param auth     The auth.
/// @param out_url  Receives a new string (free with fw_string_free).
/// @param err      NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL argument.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_token_page_url(
    auth: *const fw_auth,
    out_url: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { get_string(auth, out_url, "out_url", err, Auth::token_page_url) }
}

/// The Authorization header value, "Bearer <token>", for a program that
/// makes its own requests (send it only where "Where the token goes" says).
///
/// @param auth       The auth.
/// @param out_value  Receives a new string (free with fw_string_free, which
///                   zeroes it), or NULL without a token.
/// @param err        NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL argument.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_request_header(
    auth: *const fw_auth,
    out_value: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let (auth, slot) = unsafe { (fw_auth::arg(auth)?, out(out_value, "out_value")?) };
        // Built once, in the buffer handed out (no intermediate copy to zero).
        *slot = auth.with_token(|t| match t {
            None => Ok(std::ptr::null_mut()),
            Some(t) => strings::bearer_to_c(t),
        })??;
        Ok(())
    })
}

/// A report, as one JSON object, of every place a token can come from (in
/// the order the lookup reads them), what each holds (masked: never a
/// token), which one wins, which file each Python tool (caveclient,
/// cloud-volume, cloud-files, annotationframeworkclient) would read, and
/// every disagreement between them with the command that fixes it. Reads
/// the environment and the files now; no network. `fwauth status --json`
/// prints the same report; fwauth/README.md shows one.
///
/// @param auth      The auth.
/// @param out_json  Receives a new string (free with fw_string_free).
/// @param err       NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL argument.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_diagnose(
    auth: *const fw_auth,
    out_json: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { get_string(auth, out_json, "out_json", err, super::diagnosis::report) }
}

/// Releases this reference to the auth. Clients sharing it keep it alive.
///
/// @param auth  The auth; NULL is a no-op. Not to be used afterwards.
///
/// Thread safety: must not race another call on the same reference.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_auth_free(auth: *mut fw_auth) {
    // SAFETY: NULL or live and not used afterwards.
    boundary::run_or((), || unsafe { fw_auth::free(auth) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn every_token_source_is_named_as_the_header_names_it() {
        for s in fw_token_source::ALL {
            assert_eq!(fw_token_source::from_u32(s as u32), Some(s));
            assert_eq!(s.name().to_str().unwrap(), format!("{s:?}"));
            // SAFETY: a static NUL-terminated string.
            let shown = unsafe { CStr::from_ptr(fw_token_source_name(s as u32)) };
            assert_eq!(shown, s.name());
        }
        // SAFETY: as above.
        let unknown = unsafe { CStr::from_ptr(fw_token_source_name(7)) };
        assert_eq!(unknown, c"FW_UNKNOWN_SOURCE");
        assert_eq!(fw_token_source::from_u32(u32::MAX), None);
    }
}
