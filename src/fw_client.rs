//! `fw_client`: a client of the framework's services for a datastack.

use std::ffi::c_char;
use std::sync::Arc;

use super::boundary;
use super::fw_auth::fw_auth;
use super::fw_error::fw_error;
use super::fw_options::fw_options;
use super::fw_request_options::fw_request_options;
use super::fw_response::{ResponseBox, fw_response};
use super::fw_result::fw_result;
use super::fw_stream::{StreamBox, fw_stream};
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
    auth: *const fw_auth,
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

/// A new reference to the auth this client shares; a token set or saved
/// through it is the one this client sends.
///
/// @param client    The client.
/// @param out_auth  Receives the reference (release with fw_auth_free).
/// @param err       NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL argument.
///
/// Thread safety: may be called from several threads at once.
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

/// The global server address.
///
/// @param client   The client.
/// @param out_url  Receives a new string (free with fw_string_free).
/// @param err      NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL argument.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_server_address(
    client: *const fw_client,
    out_url: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let (client, slot) = unsafe { (fw_client::arg(client)?, out(out_url, "out_url")?) };
        *slot = strings::to_c(client.server_address())?;
        Ok(())
    })
}

/// Frees a client. Its auth lives on while other references to it exist.
///
/// @param client  The client; NULL is a no-op. Not to be used afterwards.
///
/// Thread safety: must not race any other call on the same client.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_free(client: *mut fw_client) {
    // SAFETY: NULL or live and not used afterwards.
    boundary::run_or((), || unsafe { fw_client::free(client) })
}

/// `GET url`, with the token when @p url's origin is trusted (see "Where
/// the token goes"). Network I/O; blocks until the answer is read whole or a
/// timeout elapses.
///
/// A request to an origin that may be the datastack's local server fetches
/// the datastack info first. A redirect whose Location holds the token in
/// any form is not followed; a 307/308 with a body is not followed to
/// another origin. A request the token was withheld from (its origin is not
/// trusted) that the server refuses for want of one fails with
/// FW_ERR_UNTRUSTED_ORIGIN, naming the origin and how to trust it
/// (FW_ERR_NOT_AUTHENTICATED means there is no token at all).
///
/// @param client        The client.
/// @param url           An absolute http(s) URL.
/// @param out_response  Receives the 2xx answer (free with fw_response_free).
/// @param err           NULL, or a pointer to NULL that receives the error on
///                      failure: any non-2xx answer is an error carrying status,
///                      server id, URL and body.
/// @return FW_OK; FW_ERR_NOT_AUTHENTICATED, FW_ERR_INVALID_TOKEN,
///         FW_ERR_BAD_AUTH_HEADER, FW_ERR_MISSING_TOS, FW_ERR_FORBIDDEN,
///         FW_ERR_HTTP_STATUS for the server's refusals; FW_ERR_NETWORK,
///         FW_ERR_TIMEOUT, FW_ERR_TLS; FW_ERR_INSECURE_URL, FW_ERR_INVALID_URL;
///         FW_ERR_BAD_RESPONSE; FW_ERR_UNTRUSTED_ORIGIN; FW_ERR_INVALID_ARGUMENT
///         for a NULL argument.
///
/// Thread safety: may be called from several threads at once.
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

/// A request with any method and an optional body. Idempotent methods
/// are retried on 429, 502, 503, 504 and on connection resets before any
/// byte of the answer, with backoff and Retry-After (see
/// fw_options_set_retry_base_delay_ms); an error after several tries says
/// how many. For a timeout or cancel object of its own, call it on a view
/// (fw_client_with_request_options). Network I/O.
///
/// @param client        The client (or a view of it).
/// @param method        "GET", "POST", ...
/// @param url           An absolute http(s) URL.
/// @param body          The body's bytes, read during the call; NULL allowed when @p body_len is 0.
/// @param body_len      The body's length; (NULL, 0) is no body.
/// @param content_type  The body's Content-Type; NULL allowed (none sent).
/// @param out_response  Receives the 2xx answer (free with fw_response_free).
/// @param err           NULL, or a pointer to NULL that receives the error on failure.
/// @return As fw_client_get; on a view, FW_ERR_CANCELED when its cancel
///         object was triggered (before or during the call) and
///         FW_ERR_TIMEOUT when its timeout elapsed.
///
/// Thread safety: may be called from several threads at once.
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

/// A view of @p client whose every request (fw_client_get,
/// fw_client_request, fw_client_open, the service calls, everything) has
/// @p request_opts' timeout and cancel object: the one way to give a
/// request options of its own. It shares the client's auth, connections,
/// trusted origins and datastack info; freeing either leaves the other
/// working. Cheap: made for one call or a few, as Go's context is. No I/O.
///
/// @param client        The client.
/// @param request_opts  The per-request options, read during the call (the
///                      view keeps their timeout and its own reference to
///                      their cancel object).
/// @param out_client    Receives the view, to free with fw_client_free.
/// @param err           NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL argument.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_with_request_options(
    client: *const fw_client,
    request_opts: *const fw_request_options,
    out_client: *mut *mut fw_client,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let (client, per_request, slot) = unsafe {
            (
                fw_client::arg(client)?,
                fw_request_options::arg(request_opts)?,
                out(out_client, "out_client")?,
            )
        };
        *slot = fw_client::into_raw(client.with_request_options(per_request.clone()));
        Ok(())
    })
}

/// Opens a request and returns its 2xx answer with the body left to read:
/// status and headers at once (fw_stream_status, fw_stream_header), the
/// body in chunks with fw_stream_read, never held whole (no body limit
/// applies). The same rules as fw_client_request: the token only to trusted
/// origins, the same redirects and retries (before the answer: a body is
/// never retried); an error answer is read whole and is an error. The total
/// timeout bounds the reading of the body too. On a view
/// (fw_client_with_request_options) the view's timeout replaces the total
/// timeout, and its cancel object ends the opening (fw_stream_read is
/// bounded by the timeout alone). Network I/O; blocks until the headers
/// are read.
///
/// @param client        The client (or a view of it).
/// @param method        "GET", "POST", ...
/// @param url           An absolute http(s) URL.
/// @param body          The request body's bytes, read during the call; NULL allowed when @p body_len is 0.
/// @param body_len      The request body's length; (NULL, 0) is no body.
/// @param content_type  The request body's Content-Type; NULL allowed (none sent).
/// @param out_stream    Receives the stream (free with fw_stream_free, which
///                      returns the connection to the pool only when the body
///                      was read to its end).
/// @param err           NULL, or a pointer to NULL that receives the error on failure.
/// @return As fw_client_request.
///
/// Thread safety: may be called from several threads at once; each stream
/// is used by one thread at a time.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn fw_client_open(
    client: *const fw_client,
    method: *const c_char,
    url: *const c_char,
    body: *const u8,
    body_len: usize,
    content_type: *const c_char,
    out_stream: *mut *mut fw_stream,
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
                out(out_stream, "out_stream")?,
            )
        };
        // SAFETY: the caller passes `body_len` readable bytes.
        let body = Some(unsafe { slice_arg(body, body_len, "body") }?).filter(|b| !b.is_empty());
        let stream = client.open(&Request {
            method,
            url,
            body,
            content_type,
        })?;
        *slot = fw_stream::into_raw(StreamBox::from(stream));
        Ok(())
    })
}

/// Runs `call` on the client and hands its string result to `*out_s`.
unsafe fn string_call(
    client: *const fw_client,
    out_s: *mut *mut c_char,
    name: &str,
    err: *mut *mut fw_error,
    call: impl FnOnce(&Client) -> fwclient_core::Result<String>,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live / writable.
        let (client, slot) = unsafe { (fw_client::arg(client)?, out(out_s, name)?) };
        *slot = strings::to_c(&call(client)?)?;
        Ok(())
    })
}

/// The datastack's local server, from its info (fetched on first need
/// and cached: network I/O on the first call only).
///
/// @param client   The client (made for a datastack).
/// @param out_url  Receives a new string (free with fw_string_free).
/// @param err      NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK; FW_ERR_INVALID_ARGUMENT for a NULL argument or a client
///         without a datastack; FW_ERR_UNTRUSTED_ORIGIN when the info came
///         through a redirect to another origin (not adopted); the errors of
///         fw_client_get.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_local_server(
    client: *const fw_client,
    out_url: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe { string_call(client, out_url, "out_url", err, Client::local_server) }
}

/// The datastack's info (`info/api/v2/datastack/full/{datastack}`),
/// fetched once and cached: network I/O on the first call only.
///
/// @param client    The client (made for a datastack).
/// @param out_json  Receives the JSON text (free with fw_string_free).
/// @param err       NULL, or a pointer to NULL that receives the error on failure.
/// @return As fw_client_local_server.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_datastack_info(
    client: *const fw_client,
    out_json: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe {
        string_call(client, out_json, "out_json", err, |cl| {
            Ok(cl.datastack_info()?.to_string())
        })
    }
}

/// The datastacks the user may see (`info/api/v2/datastacks`). Network I/O.
///
/// @param client    The client.
/// @param out_json  Receives the JSON text (free with fw_string_free).
/// @param err       NULL, or a pointer to NULL that receives the error on failure.
/// @return As fw_client_get.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_datastacks(
    client: *const fw_client,
    out_json: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe {
        string_call(client, out_json, "out_json", err, |cl| {
            Ok(cl.datastacks()?.to_string())
        })
    }
}

/// The user's profile (`auth/api/v1/user/me`). Network I/O.
///
/// @param client    The client.
/// @param out_json  Receives the JSON text (free with fw_string_free).
/// @param err       NULL, or a pointer to NULL that receives the error on failure.
/// @return As fw_client_get.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_whoami(
    client: *const fw_client,
    out_json: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe {
        string_call(client, out_json, "out_json", err, |cl| {
            Ok(cl.whoami()?.to_string())
        })
    }
}

/// The user's API keys (`auth/api/v1/user/token`). Network I/O.
///
/// @param client    The client.
/// @param out_json  Receives the JSON text (free with fw_string_free).
/// @param err       NULL, or a pointer to NULL that receives the error on failure.
/// @return As fw_client_get.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_get_tokens(
    client: *const fw_client,
    out_json: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe {
        string_call(client, out_json, "out_json", err, |cl| {
            Ok(cl.get_tokens()?.to_string())
        })
    }
}

/// Creates a new API key (`POST auth/api/v1/user/token`); existing keys
/// stay valid. The token is not saved: pass it to fw_auth_save_token to
/// keep it. Network I/O.
///
/// @param client       The client.
/// @param description  NULL allowed (none sent).
/// @param out_token    Receives the new token (free with fw_string_free).
/// @param err          NULL, or a pointer to NULL that receives the error on failure.
/// @return As fw_client_get.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_create_token(
    client: *const fw_client,
    description: *const c_char,
    out_token: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or valid.
        let (client, description, slot) = unsafe {
            (
                fw_client::arg(client)?,
                strings::opt_arg(description, "description")?,
                out(out_token, "out_token")?,
            )
        };
        *slot = strings::to_c(client.create_token(description)?.expose())?;
        Ok(())
    })
}

/// Seconds @p token stays valid (`auth/api/v1/user/token/{token}/ttl`;
/// the token is never written in an error). Network I/O. @p token travels
/// in the URL (one percent-encoded path segment), so that URL is guarded
/// like the token: trusted origins only (else FW_ERR_UNTRUSTED_ORIGIN),
/// https unless loopback, never in a followed Location, masked in every
/// error.
///
/// @param client       The client.
/// @param token        The token to ask about.
/// @param out_seconds  Receives the seconds; -1 means it never expires.
/// @param err          NULL, or a pointer to NULL that receives the error on failure.
/// @return As fw_client_get; FW_ERR_INVALID_TOKEN_FORMAT for an unusable @p token.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_token_ttl(
    client: *const fw_client,
    token: *const c_char,
    out_seconds: *mut i64,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or valid.
        let (client, token, slot) = unsafe {
            (
                fw_client::arg(client)?,
                strings::arg(token, "token")?,
                out(out_seconds, "out_seconds")?,
            )
        };
        *slot = client.token_ttl(&Token::new(token)?)?;
        Ok(())
    })
}

/// Profiles of users (`auth/api/v1/user?id=...`; admin only on current
/// servers: others get FW_ERR_FORBIDDEN). Network I/O.
///
/// @param client    The client.
/// @param ids       The user ids, read during the call; NULL allowed when @p n is 0.
/// @param n         How many; (NULL, 0) is an empty list, as (ids, 0) is.
/// @param out_json  Receives the JSON text (free with fw_string_free).
/// @param err       NULL, or a pointer to NULL that receives the error on failure.
/// @return As fw_client_get; FW_ERR_INVALID_ARGUMENT for an empty list.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_get_user_information(
    client: *const fw_client,
    ids: *const u64,
    n: usize,
    out_json: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or valid.
        let (client, slot) = unsafe { (fw_client::arg(client)?, out(out_json, "out_json")?) };
        // SAFETY: the caller passes `n` readable ids.
        let ids = unsafe { slice_arg(ids, n, "ids") }?;
        *slot = strings::to_c(&client.get_user_information(ids)?.to_string())?;
        Ok(())
    })
}

/// Members of a group (`auth/api/v1/group/{group_id}/user`). Network I/O.
///
/// @param client    The client.
/// @param group_id  The group.
/// @param out_json  Receives the JSON text (free with fw_string_free).
/// @param err       NULL, or a pointer to NULL that receives the error on failure.
/// @return As fw_client_get.
///
/// Thread safety: may be called from several threads at once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_get_group_users(
    client: *const fw_client,
    group_id: u64,
    out_json: *mut *mut c_char,
    err: *mut *mut fw_error,
) -> fw_result {
    // SAFETY: forwarded.
    unsafe {
        string_call(client, out_json, "out_json", err, |cl| {
            Ok(cl.get_group_users(group_id)?.to_string())
        })
    }
}
