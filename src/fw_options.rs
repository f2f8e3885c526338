//! `fw_options`: what a caller chooses before creating an auth or a client,
//! and `fw_layout`, the numbers of the secret-file layouts.

use std::ffi::c_char;
use std::time::Duration;

use super::boundary;
use super::fw_error::fw_error;
use super::fw_result::fw_result;
use super::handle::{Handle, out};
use super::strings;
use fwclient_core::error::Error;
use fwclient_core::options::Options;
use fwclient_core::secrets::layout::Layout;
use fwclient_core::token::Token;

/// The secret-file layout. Functions take and give it as a uint32_t holding
/// one of these values.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum fw_layout {
    /// annotationframeworkclient 3.1 (`chunkedgraph-secret.json`), the default.
    FW_LAYOUT_FRAMEWORK = 0,
    /// caveclient 8.x (`cave-secret.json`, plus per-server files).
    FW_LAYOUT_CAVE = 1,
}

impl From<Layout> for fw_layout {
    fn from(layout: Layout) -> fw_layout {
        match layout {
            Layout::Framework => fw_layout::FW_LAYOUT_FRAMEWORK,
            Layout::Cave => fw_layout::FW_LAYOUT_CAVE,
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/fw_layout_table.rs"));

impl fw_layout {
    /// The core's layout for a number received from C.
    fn to_core(code: u32) -> Option<Layout> {
        fw_layout::from_u32(code).map(|l| match l {
            fw_layout::FW_LAYOUT_FRAMEWORK => Layout::Framework,
            fw_layout::FW_LAYOUT_CAVE => Layout::Cave,
        })
    }
}

/// Settings for fw_auth_new and fw_client_new. Not thread-safe: build it on
/// one thread; it may be freed as soon as the auth or client exists.
#[allow(non_camel_case_types)]
pub struct fw_options {
    _private: [u8; 0],
}

impl Handle for fw_options {
    type Inner = Options;
    const NAME: &'static str = "opts";
}

/// Creates options holding the Python clients' defaults.
///
/// @param out_opts  Receives the new options, to free with fw_options_free.
/// @param err       NULL, or receives the error on failure (see "Errors").
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT when @p out_opts is NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_new(
    out_opts: *mut *mut fw_options,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or writable.
        let slot = unsafe { out(out_opts, "out_opts") }?;
        *slot = fw_options::into_raw(Options::default());
        Ok(())
    })
}

/// Runs `set` on the options behind `opts` with the string argument `value`.
unsafe fn set_str(
    opts: *mut fw_options,
    value: *const c_char,
    name: &str,
    err: *mut *mut fw_error,
    set: impl FnOnce(&mut Options, &str) -> fwclient_core::Result<()>,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live, as documented.
        let (o, value) = unsafe { (fw_options::arg_mut(opts)?, strings::arg(value, name)?) };
        set(o, value)
    })
}

/// Runs `set` on the options behind `opts`.
unsafe fn set_value(
    opts: *mut fw_options,
    err: *mut *mut fw_error,
    set: impl FnOnce(&mut Options) -> fwclient_core::Result<()>,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live.
        set(unsafe { fw_options::arg_mut(opts) }?)
    })
}

/// Uses this token directly; no secret file is read.
///
/// @param opts   The options.
/// @param token  The token (copied).
/// @param err    NULL, or receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_TOKEN_FORMAT for an empty token, one longer
///         than FW_MAX_TOKEN_BYTES or with whitespace, control or non-ASCII
///         characters; FW_ERR_INVALID_ARGUMENT for a NULL argument.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_set_token(
    opts: *mut fw_options,
    token: *const c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe {
        set_str(opts, token, "token", err, |o, t| {
            o.set_token(Token::new(t)?);
            Ok(())
        })
    }
}

/// Reads the token from this secret file instead of the default files.
///
/// @param opts  The options.
/// @param path  The file (copied; `~` expanded, relative to the current
///              directory otherwise). Not empty.
/// @param err   NULL, or receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL, empty or non-UTF-8 argument.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_set_token_file(
    opts: *mut fw_options,
    path: *const c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { set_str(opts, path, "path", err, Options::set_token_file) }
}

/// Reads the token under this key of the secret file (default "token").
///
/// @param opts  The options.
/// @param key   The key (copied). Not empty.
/// @param err   NULL, or receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL, empty or non-UTF-8 argument.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_set_token_key(
    opts: *mut fw_options,
    key: *const c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { set_str(opts, key, "key", err, Options::set_token_key) }
}

/// The global server (default $FW_SERVER_ADDRESS, else
/// "https://global.daf-apis.com"). The token goes to it. Normalised: without
/// a scheme it gets https:// (loopback too), trailing slashes are dropped.
///
/// @param opts  The options.
/// @param url   The server's address (copied). Not empty.
/// @param err   NULL, or receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_URL for an address that is not an http(s)
///         address (the message shows the form to use);
///         FW_ERR_INVALID_ARGUMENT for a NULL, empty or non-UTF-8 argument.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_set_server_address(
    opts: *mut fw_options,
    url: *const c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { set_str(opts, url, "url", err, Options::set_server_address) }
}

/// The secrets directory (default $FW_SECRETS_DIR, else
/// $CLOUD_VOLUME_DIR/secrets, else ~/.cloudvolume/secrets).
///
/// @param opts  The options.
/// @param dir   The directory (copied). Not empty.
/// @param err   NULL, or receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL, empty or non-UTF-8 argument.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_set_secrets_dir(
    opts: *mut fw_options,
    dir: *const c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { set_str(opts, dir, "dir", err, Options::set_secrets_dir) }
}

/// The layout of the secret files (default $FW_SECRETS_LAYOUT, else chosen
/// from the files present).
///
/// @param opts    The options.
/// @param layout  A fw_layout value.
/// @param err     NULL, or receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL @p opts or a number
///         that is not a fw_layout.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_set_layout(
    opts: *mut fw_options,
    layout: u32,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe {
        set_value(opts, err, |o| {
            o.set_layout(fw_layout::to_core(layout).ok_or_else(|| {
                Error::invalid_argument(format!(
                    "argument `layout` ({layout}) is neither FW_LAYOUT_FRAMEWORK nor FW_LAYOUT_CAVE"
                ))
            })?);
            Ok(())
        })
    }
}

/// Connect and overall timeouts of requests.
///
/// @param opts        The options.
/// @param connect_ms  Connect timeout in milliseconds; 0: the default, 10000.
/// @param total_ms    Overall timeout in milliseconds; 0: the default, 60000.
/// @param err         NULL, or receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL @p opts.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_set_timeout_ms(
    opts: *mut fw_options,
    connect_ms: u64,
    total_ms: u64,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe {
        set_value(opts, err, |o| {
            o.http
                .set_connect_timeout(Duration::from_millis(connect_ms));
            o.http.set_total_timeout(Duration::from_millis(total_ms));
            Ok(())
        })
    }
}

/// How often an idempotent request is retried after 429, 502, 503, 504 or
/// a connection reset before any byte of the answer (see
/// fw_options_set_retry_base_delay_ms for the pauses; all tries end within
/// the total timeout).
///
/// @param opts  The options.
/// @param n     Retries (default 3; 0 disables retries).
/// @param err   NULL, or receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL @p opts.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_set_max_retries(
    opts: *mut fw_options,
    n: u32,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe {
        set_value(opts, err, |o| {
            o.http.set_max_retries(n);
            Ok(())
        })
    }
}

/// The base delay of the backoff between tries of an idempotent request:
/// try n waits a random time below base * 2^(n-1) (full jitter, at most
/// 30 s), or the server's Retry-After plus a random time below the base.
///
/// @param opts  The options.
/// @param ms    The base delay in milliseconds; 0: the default, 100.
/// @param err   NULL, or receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL @p opts.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_set_retry_base_delay_ms(
    opts: *mut fw_options,
    ms: u32,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe {
        set_value(opts, err, |o| {
            o.http
                .set_retry_base_delay(Duration::from_millis(u64::from(ms)));
            Ok(())
        })
    }
}

/// The largest response body accepted; a larger answer gives FW_ERR_BAD_RESPONSE.
///
/// @param opts  The options.
/// @param n     The limit in bytes (default 256 MiB), greater than 0.
/// @param err   NULL, or receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL @p opts or @p n of 0.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_set_max_body_bytes(
    opts: *mut fw_options,
    n: u64,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { set_value(opts, err, |o| o.http.set_max_body_bytes(n)) }
}

/// A PEM file of CA certificates trusted in addition to the system's
/// (default $FW_CA_BUNDLE). Read when an auth or client is created.
///
/// @param opts  The options.
/// @param path  The file (copied). Not empty.
/// @param err   NULL, or receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL, empty or non-UTF-8 argument.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_set_ca_file(
    opts: *mut fw_options,
    path: *const c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { set_str(opts, path, "path", err, |o, p| o.http.set_ca_file(p)) }
}

/// Also sends the token to this origin (see "Where the token goes").
///
/// @param opts    The options.
/// @param origin  "https://host[:port]" (copied; a host alone means
///                https). Not empty.
/// @param err     NULL, or receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_URL for what is not an origin (checked
///         here, as the server address is); FW_ERR_INVALID_ARGUMENT for a
///         NULL, empty or non-UTF-8 argument.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_add_trusted_origin(
    opts: *mut fw_options,
    origin: *const c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe {
        set_str(opts, origin, "origin", err, |o, u| {
            o.http.add_trusted_origin(u)
        })
    }
}

/// Allows sending the token over plain http to hosts other than loopback.
///
/// @param opts   The options.
/// @param allow  true to allow (default false).
/// @param err    NULL, or receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL @p opts.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_set_allow_insecure_http(
    opts: *mut fw_options,
    allow: bool,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe {
        set_value(opts, err, |o| {
            o.http.set_allow_insecure_http(allow);
            Ok(())
        })
    }
}

/// The proxy requests go through, instead of the environment's.
///
/// Without this call the environment decides, as in Go and curl:
/// HTTPS_PROXY for https targets, HTTP_PROXY for http targets, ALL_PROXY
/// when those are unset, NO_PROXY for exceptions (upper case first, then
/// lower case; read when the client is created). Loopback targets never go
/// through a proxy. A SOCKS or unknown proxy scheme fails the requests it
/// would carry (FW_ERR_INVALID_ARGUMENT), never connecting direct instead.
/// The token goes through a proxy only inside TLS: an http:// target
/// through a proxy gets no token unless fw_options_set_allow_insecure_http.
///
/// @param opts   The options.
/// @param proxy  "none" for no proxy at all, or an "http://" or "https://"
///               proxy URL (HTTP CONNECT; user and password allowed) for
///               every request (copied).
/// @param err    NULL, or receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL, empty or non-UTF-8
///         argument or a URL with another scheme (the message never shows
///         the proxy's user or password).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_set_proxy(
    opts: *mut fw_options,
    proxy: *const c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { set_str(opts, proxy, "proxy", err, |o, p| o.http.set_proxy(p)) }
}

/// Frees options.
///
/// @param opts  The options; NULL is a no-op. Not to be used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_free(opts: *mut fw_options) {
    // SAFETY: NULL or live and not used afterwards.
    boundary::run_or((), || unsafe { fw_options::free(opts) })
}

/// The options behind a nullable `const fw_options *` (defaults for NULL).
///
/// # Safety
/// `opts` is NULL or live.
pub(crate) unsafe fn or_default(opts: *const fw_options, default: &Options) -> &Options {
    if opts.is_null() {
        default
    } else {
        // SAFETY: non-NULL and live.
        unsafe { &*opts.cast::<Options>() }
    }
}
