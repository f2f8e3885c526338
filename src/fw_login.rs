//! `fw_login`: the browser login (the core's `login`), for programs with a
//! user interface. The library never opens a browser: fw_login_start gives
//! the URL to open or show; fw_login_wait waits for the browser to come
//! back (with a deadline and a fw_cancel), then the new key is minted,
//! checked, saved through the auth and the login token revoked.

use std::ffi::{CString, c_char};
use std::sync::Arc;
use std::time::Duration;

use super::boundary;
use super::fw_auth::{fw_auth, fw_token_source};
use super::fw_cancel::fw_cancel;
use super::fw_error::fw_error;
use super::fw_options::fw_options;
use super::fw_result::fw_result;
use super::handle::{Handle, out};
use super::strings;
use fwclient_core::error::{Error, ErrorKind, Result};
use fwclient_core::login::{DEFAULT_WAIT, Login, LoginOutcome, LoginSettings};
use fwclient_core::options::Options;

/// A browser login under way: a loopback listener (127.0.0.1, a free port,
/// an unguessable path) and the URL to open. fw_login_url may be called
/// from any thread, also during fw_login_wait.
#[allow(non_camel_case_types)]
pub struct fw_login {
    _private: [u8; 0],
}

/// The login and its URL as a C string (borrowed by fw_login_url).
pub(crate) struct LoginHandle {
    login: Login,
    url: CString,
}

impl Handle for fw_login {
    type Inner = LoginHandle;
    const NAME: &'static str = "login";
}

/// Starts a browser login: listens on 127.0.0.1 (a free port) under a path
/// no other program can guess, and builds the URL of the server's login
/// page (`{server}/sticky_auth/api/v1/authorize?redirect=...`). No network
/// I/O; opens no browser (show or open fw_login_url yourself).
///
/// @param auth           The auth the new key is saved through (its server,
///                       layout and files; it uses the key from then on).
///                       The login keeps its own reference.
/// @param opts           NULL, or options whose HTTP settings (timeouts, CA
///                       file, trusted origins, proxy) the login's requests
///                       use; their server and files are not read (the
///                       auth's are). Only read during the call.
/// @param description    NULL ("fwclient on <host name>"), or the new key's
///                       description, as the server lists it.
/// @param authorize_url  NULL (the server's login page), or the login page
///                       to use instead, e.g. the realm of a 401's
///                       `WWW-Authenticate: Bearer realm="..."`.
/// @param out_login      Receives the login, to free with fw_login_free.
/// @param err            NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL @p auth or
///         @p out_login, an empty @p description or an @p authorize_url
///         that is not http:// or https://; FW_ERR_IO when no loopback port
///         or random bytes can be had.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_login_start(
    auth: *const fw_auth,
    opts: *const fw_options,
    description: *const c_char,
    authorize_url: *const c_char,
    out_login: *mut *mut fw_login,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable / NUL-terminated.
        let (auth, slot, description, authorize_url) = unsafe {
            (
                fw_auth::arg(auth)?,
                out(out_login, "out_login")?,
                strings::opt_arg(description, "description")?,
                strings::opt_arg(authorize_url, "authorize_url")?,
            )
        };
        let defaults = Options::default();
        // SAFETY: NULL or live.
        let opts = unsafe { super::fw_options::or_default(opts, &defaults) };
        let settings = LoginSettings {
            description: description.map(str::to_owned),
            authorize_url: authorize_url.map(str::to_owned),
            replace_invalid: false,
        };
        let login = Login::start(Arc::clone(auth), &opts.http, settings)?;
        let url = CString::new(login.url())
            .map_err(|_| Error::invalid_argument("the login URL holds a NUL byte"))?;
        *slot = fw_login::into_raw(LoginHandle { login, url });
        Ok(())
    })
}

/// The URL to open in the user's browser (or to show, for a browser on
/// another machine). It holds no secret.
///
/// @param login  The login.
/// @return A string borrowed from @p login (valid until fw_login_free);
///         NULL when @p login is NULL.
///
/// Thread safety: may be called from any thread, also during fw_login_wait.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_login_url(login: *const fw_login) -> *const c_char {
    boundary::run_or(std::ptr::null(), || {
        // SAFETY: NULL or live.
        unsafe { fw_login::arg(login) }.map_or(std::ptr::null(), |h| h.url.as_ptr())
    })
}

/// Waits for the browser to come back to the login's loopback address,
/// then mints a long-lived key with the login token, checks it with the
/// server, saves it through the auth (as a guided setup saves: the
/// server's file and the token file in the cave layout) and revokes the
/// login token. A request to the listener with another path, or with a
/// token the server refuses, is answered and ignored; the wait goes on.
///
/// @param login           The login.
/// @param timeout_ms      How long to wait for the browser; 0 for 5 minutes.
/// @param cancel          NULL, or a cancel object: triggered (from any
///                        thread), it ends the wait with FW_ERR_CANCELED
///                        within about 20 ms.
/// @param out_source      NULL, or receives where the auth's token comes
///                        from now (FW_SOURCE_FILE: the auth uses the saved
///                        key; an auth made later still finds
///                        $FW_AUTH_TOKEN first when it is set).
/// @param out_saved_path  NULL, or receives the auth's token file, where the
///                        key was saved, as a new string (free with fw_string_free).
/// @param out_user        NULL, or receives who is logged in ("Name <e-mail>")
///                        as a new string (free with fw_string_free).
/// @param err             NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK; FW_ERR_TIMEOUT when the browser did not come back in
///         time (the way out: save a token by hand, e.g. `fwauth
///         setup-token`); FW_ERR_CANCELED; the error of minting, checking
///         or saving the key otherwise (FW_ERR_INVALID_TOKEN, FW_ERR_NETWORK,
///         FW_ERR_SECRET_FILE, ...); FW_ERR_INVALID_ARGUMENT for a NULL
///         @p login, or a login already complete. No message holds a token.
///
/// Thread safety: one fw_login_wait at a time per login; fw_login_url
/// and fw_cancel_trigger may be called meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_login_wait(
    login: *mut fw_login,
    timeout_ms: u32,
    cancel: *const fw_cancel,
    out_source: *mut fw_token_source,
    out_saved_path: *mut *mut c_char,
    out_user: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live.
        let handle = unsafe { fw_login::arg(login)? };
        let cancel = if cancel.is_null() {
            None
        } else {
            // SAFETY: live, as documented.
            Some(unsafe { fw_cancel::arg(cancel)? }.clone())
        };
        let timeout = match timeout_ms {
            0 => DEFAULT_WAIT,
            ms => Duration::from_millis(u64::from(ms)),
        };
        let done = handle.login.wait(timeout, cancel.as_ref())?;
        // SAFETY: each out-parameter is NULL or writable.
        unsafe { hand_out(&done, out_source, out_saved_path, out_user) }
    })
}

/// Writes a finished login's outcome to the out-parameters given (all or
/// none: strings are freed again when one cannot be made).
unsafe fn hand_out(
    done: &LoginOutcome,
    out_source: *mut fw_token_source,
    out_saved_path: *mut *mut c_char,
    out_user: *mut *mut c_char,
) -> Result<()> {
    let path = match out_saved_path.is_null() {
        true => std::ptr::null_mut(),
        false => strings::to_c(
            done.token_file
                .to_str()
                .ok_or_else(|| Error::new(ErrorKind::Io, "the token file's path is not UTF-8"))?,
        )?,
    };
    let user = match out_user.is_null() {
        true => std::ptr::null_mut(),
        false => match strings::to_c(&done.user_summary()) {
            Ok(u) => u,
            Err(e) => {
                // SAFETY: `path` is NULL or was just made by to_c.
                unsafe { strings::fw_string_free(path) };
                return Err(e);
            }
        },
    };
    // SAFETY: NULL or writable, as documented.
    unsafe {
        if !out_saved_path.is_null() {
            *out_saved_path = path;
        }
        if !out_user.is_null() {
            *out_user = user;
        }
        if !out_source.is_null() {
            *out_source = fw_token_source::from(&done.source);
        }
    }
    Ok(())
}

/// Frees a login: its listener closes (a browser coming back later finds
/// nothing). A wait under way must have returned first.
///
/// @param login  The login; NULL is a no-op. Not to be used afterwards.
///
/// Thread safety: must not race another call on the same login.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_login_free(login: *mut fw_login) {
    // SAFETY: NULL or live, not used afterwards.
    boundary::run_or((), || unsafe { fw_login::free(login) })
}
