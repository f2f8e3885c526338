//! `fw_client`: a client of the framework's services for a datastack.

use std::ffi::c_char;
use std::sync::Arc;

use super::auth::fw_auth;
use super::boundary;
use super::error::fw_error;
use super::handle::{Handle, null_arg, out};
use super::options::{self, fw_options};
use super::response::fw_response;
use super::result::fw_result;
use super::strings;
use crate::client::Client;
use crate::http::Request;
use crate::options::Options;
use crate::token::Token;

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

/// Creates a client for `dataset_name` (NULL: the global services only),
/// with the token found as fw_auth_new finds it. `opts` may be NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_new(
    dataset_name: *const c_char,
    opts: *const fw_options,
    out_client: *mut *mut fw_client,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or valid, as documented.
        let (name, slot) = unsafe {
            (
                strings::opt_arg(dataset_name, "dataset_name")?,
                out(out_client, "out")?,
            )
        };
        let defaults = Options::default();
        // SAFETY: NULL or live.
        let opts = unsafe { options::or_default(opts, &defaults) };
        *slot = fw_client::into_raw(Client::new(name, opts)?);
        Ok(())
    })
}

/// A new reference to the auth this client shares (free it with
/// fw_auth_free). A token saved or set through it is used by this client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_auth(
    c: *const fw_client,
    out_auth: *mut *mut fw_auth,
) -> fw_result {
    boundary::run(std::ptr::null_mut(), || {
        // SAFETY: NULL or live / writable.
        let (client, slot) = unsafe { (fw_client::arg(c)?, out(out_auth, "out")?) };
        *slot = fw_auth::into_raw(Arc::clone(client.auth()));
        Ok(())
    })
}

/// The global server address (free with fw_string_free).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_server_address(
    c: *const fw_client,
    url: *mut *mut c_char,
) -> fw_result {
    boundary::run(std::ptr::null_mut(), || {
        // SAFETY: NULL or live / writable.
        let (client, slot) = unsafe { (fw_client::arg(c)?, out(url, "url")?) };
        *slot = strings::to_c(client.server_address())?;
        Ok(())
    })
}

/// Frees a client; NULL is a no-op. Its auth lives on while other
/// references to it exist.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_free(c: *mut fw_client) {
    // SAFETY: NULL or live and not used afterwards.
    boundary::run_or((), || unsafe { fw_client::free(c) })
}

/// `GET url` with the client's token (when `url`'s origin is trusted).
/// Succeeds only on 2xx; any other answer is an error whose fw_error
/// carries status, server id, URL and body. Free `*out` with fw_response_free.
///
/// Where the token goes: only to trusted origins (the server address,
/// fw_options_add_trusted_origin, and the datastack's local server when its
/// info came from the server with no redirect to another origin and it is
/// https, loopback, or plain http is allowed); a request to an origin that
/// may be the local server fetches the datastack info first. Never in a
/// URL, never across a redirect to another origin, never over plain http
/// except to loopback or with fw_options_set_allow_insecure_http, never
/// through a proxy outside TLS (see fw_options_set_proxy). A redirect whose
/// Location holds the token in any form is not followed; a 307/308 with a
/// body is not followed to another origin. A request the token was
/// withheld from that the server refuses for want of one fails with
/// FW_ERR_UNTRUSTED_ORIGIN, naming the origin and how to trust it
/// (FW_ERR_NOT_AUTHENTICATED means there is no token at all).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_get(
    c: *mut fw_client,
    url: *const c_char,
    out_response: *mut *mut fw_response,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe {
        fw_client_request(
            c,
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
    c: *mut fw_client,
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
                fw_client::arg(c)?,
                strings::arg(method, "method")?,
                strings::arg(url, "url")?,
                strings::opt_arg(content_type, "content_type")?,
                out(out_response, "out")?,
            )
        };
        let body = match (body.is_null(), body_len) {
            (_, 0) => None,
            (true, _) => return Err(null_arg("body")),
            // SAFETY: the caller passes `body_len` readable bytes.
            (false, n) => Some(unsafe { std::slice::from_raw_parts(body, n) }),
        };
        let resp = client.request(&Request {
            method,
            url,
            body,
            content_type,
        })?;
        *slot = fw_response::into_raw(resp);
        Ok(())
    })
}

/// Runs `call` on the client and hands its string result to `*s`.
unsafe fn string_call(
    c: *const fw_client,
    s: *mut *mut c_char,
    err: *mut *mut fw_error,
    call: impl FnOnce(&Client) -> crate::Result<String>,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let (client, slot) = unsafe { (fw_client::arg(c)?, out(s, "out")?) };
        *slot = strings::to_c(&call(client)?)?;
        Ok(())
    })
}

/// The datastack's local server, from its info (fetched on first need).
/// FW_ERR_UNTRUSTED_ORIGIN when the info came through a redirect to another
/// origin (not adopted).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_local_server(
    c: *mut fw_client,
    url: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { string_call(c, url, err, Client::local_server) }
}

/// The datastack's info as JSON text (`info/api/v2/datastack/full/{ds}`),
/// fetched once and cached.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_datastack_info(
    c: *mut fw_client,
    json: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { string_call(c, json, err, |cl| Ok(cl.datastack_info()?.to_string())) }
}

/// The datastacks the user may see, as JSON text (`info/api/v2/datastacks`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_datastacks(
    c: *mut fw_client,
    json: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { string_call(c, json, err, |cl| Ok(cl.datastacks()?.to_string())) }
}

/// The user's profile as JSON text (`auth/api/v1/user/me`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_whoami(
    c: *mut fw_client,
    json: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { string_call(c, json, err, |cl| Ok(cl.whoami()?.to_string())) }
}

/// The user's API keys as JSON text (`auth/api/v1/user/token`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_get_tokens(
    c: *mut fw_client,
    json: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { string_call(c, json, err, |cl| Ok(cl.get_tokens()?.to_string())) }
}

/// Creates a new API key (`POST auth/api/v1/user/token`); existing keys stay
/// valid. `description` may be NULL. The token is not saved: pass it to
/// fw_auth_save_token to keep it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_create_token(
    c: *mut fw_client,
    description: *const c_char,
    token: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or valid.
        let (client, description, slot) = unsafe {
            (
                fw_client::arg(c)?,
                strings::opt_arg(description, "description")?,
                out(token, "token")?,
            )
        };
        *slot = strings::to_c(client.create_token(description)?.expose())?;
        Ok(())
    })
}

/// Seconds `token` stays valid (`auth/api/v1/user/token/{token}/ttl`); -1
/// means it never expires. `token` travels in the URL (one percent-encoded
/// path segment), so that URL is guarded like the token: trusted origins
/// only (else FW_ERR_UNTRUSTED_ORIGIN), https unless loopback, never in a
/// followed Location, masked in every error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_token_ttl(
    c: *mut fw_client,
    token: *const c_char,
    seconds: *mut i64,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or valid.
        let (client, token, slot) = unsafe {
            (
                fw_client::arg(c)?,
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
    c: *mut fw_client,
    ids: *const u64,
    n: usize,
    json: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or valid.
        let (client, slot) = unsafe { (fw_client::arg(c)?, out(json, "json")?) };
        if ids.is_null() {
            return Err(null_arg("ids"));
        }
        // SAFETY: the caller passes `n` readable ids.
        let ids = unsafe { std::slice::from_raw_parts(ids, n) };
        *slot = strings::to_c(&client.get_user_information(ids)?.to_string())?;
        Ok(())
    })
}

/// Members of group `group_id` as JSON text (`auth/api/v1/group/{id}/user`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_get_group_users(
    c: *mut fw_client,
    group_id: u64,
    json: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe {
        string_call(c, json, err, |cl| {
            Ok(cl.get_group_users(group_id)?.to_string())
        })
    }
}
