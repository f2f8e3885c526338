//! `fw_client`: a client of the framework's services for a datastack.

use std::ffi::c_char;
use std::sync::Arc;

use super::boundary;
use super::fw_auth::fw_auth;
use super::fw_error::fw_error;
use super::fw_options::fw_options;
use super::fw_response::{ResponseBox, fw_response};
use super::fw_result::fw_result;
use super::handle::{Handle, out, slice_arg};
use super::strings;
use fwclient_core::client::Client;
use fwclient_core::http::Request;
use fwclient_core::options::Options;
use fwclient_core::token::Token;

/// A client for a datastack. Creating one does no network I/O. Thread-safe:
/// any number of threads may make requests on one client at once.
#[allow(non_camel_case_types)]
pub struct fw_client {
    _private: [u8; 0],
}

impl Handle for fw_client {
    type Inner = Client;
    const NAME: &'static str = "client";
}

/// Creates a client for a datastack, with the token found as fw_auth_new
/// finds it. Does no network I/O (the datastack's info is fetched on first
/// need).
///
/// @param datastack   The datastack's name (copied); NULL for the global
///                    services only. Not empty.
/// @param opts        NULL for the defaults; only read during the call.
/// @param out_client  Receives the client, to free with fw_client_free.
/// @param err         NULL, or receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT, FW_ERR_INVALID_TOKEN_FORMAT,
///         FW_ERR_IO, FW_ERR_SECRET_FILE as fw_auth_new; FW_ERR_IO or
///         FW_ERR_TLS for an unreadable CA file.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_new(
    datastack: *const c_char,
    opts: *const fw_options,
    out_client: *mut *mut fw_client,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or valid, as documented.
        let (name, slot) = unsafe {
            (
                strings::opt_arg(datastack, "datastack")?,
                out(out_client, "out_client")?,
            )
        };
        let defaults = Options::default();
        // SAFETY: NULL or live.
        let opts = unsafe { super::fw_options::or_default(opts, &defaults) };
        *slot = fw_client::into_raw(Client::new(name, opts)?);
        Ok(())
    })
}

/// Creates a client for a datastack that shares an existing auth: a token
/// set or saved later through @p auth (or through any client sharing it) is
/// the one this client sends. The server address is the auth's; @p opts
/// gives the HTTP settings (timeouts, retries, CA file, trusted origins).
/// Does no network I/O.
///
/// @param datastack   The datastack's name (copied); NULL for the global
///                    services only. Not empty.
/// @param opts        NULL for the defaults; only read during the call.
/// @param auth        The auth to share; the client takes its own reference
///                    (@p auth may be freed at any time afterwards).
/// @param out_client  Receives the client, to free with fw_client_free.
/// @param err         NULL, or receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL @p auth or
///         @p out_client, an empty @p datastack; FW_ERR_IO or FW_ERR_TLS for
///         an unreadable CA file.
///
/// Thread safety: @p auth may be in use by other threads meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_new_with_auth(
    datastack: *const c_char,
    opts: *const fw_options,
    auth: *mut fw_auth,
    out_client: *mut *mut fw_client,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or valid, as documented.
        let (name, shared, slot) = unsafe {
            (
                strings::opt_arg(datastack, "datastack")?,
                fw_auth::arg(auth)?,
                out(out_client, "out_client")?,
            )
        };
        let defaults = Options::default();
        // SAFETY: NULL or live.
        let opts = unsafe { super::fw_options::or_default(opts, &defaults) };
        *slot = fw_client::into_raw(Client::with_auth(name, Arc::clone(shared), opts)?);
        Ok(())
    })
}

/// A new reference to the auth this client shares (free it with
/// fw_auth_free). A token saved or set through it is used by this client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_auth(
    client: *const fw_client,
    out_auth: *mut *mut fw_auth,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let (client, slot) = unsafe { (fw_client::arg(client)?, out(out_auth, "out_auth")?) };
        *slot = fw_auth::into_raw(Arc::clone(client.auth()));
        Ok(())
    })
}

/// The global server address (free with fw_string_free).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_server_address(
    client: *const fw_client,
    url: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let (client, slot) = unsafe { (fw_client::arg(client)?, out(url, "url")?) };
        *slot = strings::to_c(client.server_address())?;
        Ok(())
    })
}

/// Frees a client; NULL is a no-op. Its auth lives on while other
/// references to it exist.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_free(client: *mut fw_client) {
    // SAFETY: NULL or live and not used afterwards.
    boundary::run_or((), || unsafe { fw_client::free(client) })
}

/// `GET url` with the client's token (when `url`'s origin is trusted).
/// Succeeds only on 2xx; any other answer is an error whose fw_error
/// carries status, server id, URL and body. Free `*out` with fw_response_free.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_get(
    client: *const fw_client,
    url: *const c_char,
    out_response: *mut *mut fw_response,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe {
        fw_client_request(
            client,
            c"GET".as_ptr(),
            url,
            std::ptr::null(),
            0,
            std::ptr::null(),
            out_response,
            err,
        )
    }
}

/// A request with any method and an optional body (`body` may be NULL when
/// `body_len` is 0; `content_type` may be NULL). Idempotent methods are
/// retried on 502/503/504 and reset connections. As fw_client_get otherwise.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn fw_client_request(
    client: *const fw_client,
    method: *const c_char,
    url: *const c_char,
    body: *const u8,
    body_len: usize,
    content_type: *const c_char,
    out_response: *mut *mut fw_response,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or valid, as documented.
        let (client, method, url, content_type, slot) = unsafe {
            (
                fw_client::arg(client)?,
                strings::arg(method, "method")?,
                strings::arg(url, "url")?,
                strings::opt_arg(content_type, "content_type")?,
                out(out_response, "out_response")?,
            )
        };
        // SAFETY: the caller passes `body_len` readable bytes.
        let body = Some(unsafe { slice_arg(body, body_len, "body") }?).filter(|b| !b.is_empty());
        let resp = client.request(&Request {
            method,
            url,
            body,
            content_type,
        })?;
        *slot = fw_response::into_raw(ResponseBox::from(resp));
        Ok(())
    })
}

/// Runs `call` on the client and hands its string result to `*s`.
unsafe fn string_call(
    client: *const fw_client,
    s: *mut *mut c_char,
    name: &str,
    err: *mut *mut fw_error,
    call: impl FnOnce(&Client) -> fwclient_core::Result<String>,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let (client, slot) = unsafe { (fw_client::arg(client)?, out(s, name)?) };
        *slot = strings::to_c(&call(client)?)?;
        Ok(())
    })
}

/// The datastack's local server, from its info (fetched on first need).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_local_server(
    client: *const fw_client,
    url: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { string_call(client, url, "url", err, Client::local_server) }
}

/// The datastack's info as JSON text (`info/api/v2/datastack/full/{ds}`),
/// fetched once and cached.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_datastack_info(
    client: *const fw_client,
    json: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { string_call(client, json, "json", err, |cl| Ok(cl.datastack_info()?.to_string())) }
}

/// The datastacks the user may see, as JSON text (`info/api/v2/datastacks`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_datastacks(
    client: *const fw_client,
    json: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { string_call(client, json, "json", err, |cl| Ok(cl.datastacks()?.to_string())) }
}

/// The user's profile as JSON text (`auth/api/v1/user/me`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_whoami(
    client: *const fw_client,
    json: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { string_call(client, json, "json", err, |cl| Ok(cl.whoami()?.to_string())) }
}

/// The user's API keys as JSON text (`auth/api/v1/user/token`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_get_tokens(
    client: *const fw_client,
    json: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { string_call(client, json, "json", err, |cl| Ok(cl.get_tokens()?.to_string())) }
}

/// Creates a new API key (`POST auth/api/v1/user/token`); existing keys stay
/// valid. `description` may be NULL. The token is not saved: pass it to
/// fw_auth_save_token to keep it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_create_token(
    client: *const fw_client,
    description: *const c_char,
    token: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or valid.
        let (client, description, slot) = unsafe {
            (
                fw_client::arg(client)?,
                strings::opt_arg(description, "description")?,
                out(token, "token")?,
            )
        };
        *slot = strings::to_c(client.create_token(description)?.expose())?;
        Ok(())
    })
}

/// Seconds `token` stays valid (`auth/api/v1/user/token/{token}/ttl`); -1
/// means it never expires.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_token_ttl(
    client: *const fw_client,
    token: *const c_char,
    seconds: *mut i64,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or valid.
        let (client, token, slot) = unsafe {
            (
                fw_client::arg(client)?,
                strings::arg(token, "token")?,
                out(seconds, "seconds")?,
            )
        };
        *slot = client.token_ttl(&Token::new(token)?)?;
        Ok(())
    })
}

/// Profiles of users `ids[0..n]` as JSON text (`auth/api/v1/user?id=...`;
/// admin only on current servers: others get FW_ERR_FORBIDDEN).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_get_user_information(
    client: *const fw_client,
    ids: *const u64,
    n: usize,
    json: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or valid.
        let (client, slot) = unsafe { (fw_client::arg(client)?, out(json, "json")?) };
        // SAFETY: the caller passes `n` readable ids.
        let ids = unsafe { slice_arg(ids, n, "ids") }?;
        *slot = strings::to_c(&client.get_user_information(ids)?.to_string())?;
        Ok(())
    })
}

/// Members of group `group_id` as JSON text (`auth/api/v1/group/{id}/user`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_get_group_users(
    client: *const fw_client,
    group_id: u64,
    json: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe {
        string_call(client, json, "json", err, |cl| {
            Ok(cl.get_group_users(group_id)?.to_string())
        })
    }
}
