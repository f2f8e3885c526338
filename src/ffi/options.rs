//! `fw_options`: what a caller chooses before creating an auth or a client.

use std::ffi::c_char;
use std::time::Duration;

use super::boundary;
use super::handle::{Handle, out};
use super::result::fw_result;
use super::strings;
use crate::error::{Error, ErrorKind};
use crate::options::Options;
use crate::secrets::layout::Layout;
use crate::token::Token;

/// Layout of caveclient 8.x (`cave-secret.json`).
pub const FW_LAYOUT_CAVE: u32 = 1;
/// Layout of annotationframeworkclient 3.1 (`chunkedgraph-secret.json`), the default.
pub const FW_LAYOUT_FRAMEWORK: u32 = 0;

/// Settings for fw_auth_new and fw_client_new. Not thread-safe: build it on
/// one thread; it may be freed as soon as the auth or client exists.
#[allow(non_camel_case_types)]
pub struct fw_options {
    _private: [u8; 0],
}

impl Handle for fw_options {
    type Inner = Options;
    const NAME: &'static str = "options";
}

/// Creates options holding the Python clients' defaults.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_new(out_opts: *mut *mut fw_options) -> fw_result {
    boundary::run(std::ptr::null_mut(), || {
        // SAFETY: NULL or writable.
        let slot = unsafe { out(out_opts, "out") }?;
        *slot = fw_options::into_raw(Options::default());
        Ok(())
    })
}

/// Runs `set` on the options behind `o` with the string argument `value`.
unsafe fn set_str(
    o: *mut fw_options,
    value: *const c_char,
    name: &str,
    set: impl FnOnce(&mut Options, &str) -> crate::Result<()>,
) -> fw_result {
    boundary::run(std::ptr::null_mut(), || {
        // SAFETY: NULL or live, as documented.
        let (opts, value) = unsafe { (fw_options::arg_mut(o)?, strings::arg(value, name)?) };
        set(opts, value)
    })
}

/// Stores a non-empty string argument with `store`.
unsafe fn set_text(
    o: *mut fw_options,
    value: *const c_char,
    name: &'static str,
    store: impl FnOnce(&mut Options, String),
) -> fw_result {
    // SAFETY: forwarded.
    unsafe {
        set_str(o, value, name, |opts, v| {
            non_empty(v, name)?;
            store(opts, v.to_owned());
            Ok(())
        })
    }
}

/// Uses this token directly; no secret file is read. FW_ERR_INVALID_TOKEN_FORMAT
/// for an empty token or one with whitespace, control or non-ASCII characters.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_set_token(
    o: *mut fw_options,
    token: *const c_char,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe {
        set_str(o, token, "token", |opts, t| {
            opts.token = Some(Token::new(t)?);
            Ok(())
        })
    }
}

/// Reads the token from this secret file (`~` expanded, relative to the
/// current directory otherwise) instead of the default files.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_set_token_file(
    o: *mut fw_options,
    path: *const c_char,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { set_text(o, path, "path", |opts, p| opts.token_file = Some(p)) }
}

/// Reads the token under this key (default "token").
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_set_token_key(
    o: *mut fw_options,
    key: *const c_char,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { set_text(o, key, "key", |opts, k| opts.token_key = Some(k)) }
}

/// The global server (default $FW_SERVER_ADDRESS, else
/// "https://global.daf-apis.com"). Normalised: without a scheme it gets
/// https:// (loopback too), trailing slashes are dropped; anything else that
/// is not an http(s) address gives FW_ERR_INVALID_URL showing the form to use.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_set_server_address(
    o: *mut fw_options,
    url: *const c_char,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe {
        set_str(o, url, "url", |opts, u| {
            non_empty(u, "url")?;
            opts.server_address = Some(crate::address::normalize(u)?);
            Ok(())
        })
    }
}

/// The secrets directory (default $FW_SECRETS_DIR, else ~/.cloudvolume/secrets).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_set_secrets_dir(
    o: *mut fw_options,
    dir: *const c_char,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { set_text(o, dir, "dir", |opts, d| opts.secrets_dir = Some(d)) }
}

/// The layout: FW_LAYOUT_FRAMEWORK or FW_LAYOUT_CAVE (default
/// $FW_SECRETS_LAYOUT, else chosen from the files present).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_set_layout(o: *mut fw_options, layout: u32) -> fw_result {
    boundary::run(std::ptr::null_mut(), || {
        // SAFETY: NULL or live.
        let opts = unsafe { fw_options::arg_mut(o) }?;
        opts.layout = Some(Layout::from_code(layout).ok_or_else(|| {
            Error::invalid_argument(format!(
                "layout {layout} is neither FW_LAYOUT_FRAMEWORK nor FW_LAYOUT_CAVE"
            ))
        })?);
        Ok(())
    })
}

/// Connect and overall timeouts of requests, in milliseconds (defaults
/// 10000 and 60000); 0 keeps the current value of that timeout.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_set_timeout_ms(
    o: *mut fw_options,
    connect_ms: u64,
    total_ms: u64,
) -> fw_result {
    boundary::run(std::ptr::null_mut(), || {
        // SAFETY: NULL or live.
        let opts = unsafe { fw_options::arg_mut(o) }?;
        if connect_ms != 0 {
            opts.http.connect_timeout = Duration::from_millis(connect_ms);
        }
        if total_ms != 0 {
            opts.http.total_timeout = Duration::from_millis(total_ms);
        }
        Ok(())
    })
}

/// How often an idempotent request is retried after 502/503/504 or a reset
/// connection (default 3; 0 disables retries).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_set_max_retries(o: *mut fw_options, n: u32) -> fw_result {
    boundary::run(std::ptr::null_mut(), || {
        // SAFETY: NULL or live.
        unsafe { fw_options::arg_mut(o) }?.http.max_retries = n;
        Ok(())
    })
}

/// The largest response body accepted, in bytes (default 256 MiB); a larger
/// answer gives FW_ERR_BAD_RESPONSE.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_set_max_body_bytes(o: *mut fw_options, n: u64) -> fw_result {
    boundary::run(std::ptr::null_mut(), || {
        // SAFETY: NULL or live.
        let opts = unsafe { fw_options::arg_mut(o) }?;
        if n == 0 {
            return Err(Error::invalid_argument(
                "the body limit must be greater than 0",
            ));
        }
        opts.http.max_body_bytes = n;
        Ok(())
    })
}

/// A PEM file of CA certificates trusted in addition to the system's
/// (default $FW_CA_BUNDLE).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_set_ca_file(
    o: *mut fw_options,
    path: *const c_char,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { set_text(o, path, "path", |opts, p| opts.http.ca_file = Some(p)) }
}

/// Also sends the token to this origin ("https://host[:port]").
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_add_trusted_origin(
    o: *mut fw_options,
    origin: *const c_char,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe {
        set_text(o, origin, "origin", |opts, u| {
            opts.http.trusted_origins.push(u)
        })
    }
}

/// Allows sending the token over plain http to hosts other than loopback.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_set_allow_insecure_http(
    o: *mut fw_options,
    allow: bool,
) -> fw_result {
    boundary::run(std::ptr::null_mut(), || {
        // SAFETY: NULL or live.
        unsafe { fw_options::arg_mut(o) }?.http.allow_insecure_http = allow;
        Ok(())
    })
}

/// Frees options; NULL is a no-op.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_options_free(o: *mut fw_options) {
    // SAFETY: NULL or live and not used afterwards.
    boundary::run_or((), || unsafe { fw_options::free(o) })
}

fn non_empty(value: &str, name: &str) -> crate::Result<()> {
    if value.is_empty() {
        Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("argument `{name}` must not be empty"),
        ))
    } else {
        Ok(())
    }
}

/// The options behind a nullable `const fw_options *` (defaults for NULL).
///
/// # Safety
/// `o` is NULL or live.
pub(crate) unsafe fn or_default(o: *const fw_options, default: &Options) -> &Options {
    if o.is_null() {
        default
    } else {
        // SAFETY: non-NULL and live.
        unsafe { &*o.cast::<Options>() }
    }
}
