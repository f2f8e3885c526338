//! Batches: many requests at once, each through the client's whole policy,
//! with a callback on the calling thread per finished request (DESIGN.md,
//! "Batches").

use std::ffi::{c_char, c_int, c_void};
use std::ops::ControlFlow;

use super::boundary;
use super::fw_client::fw_client;
use super::fw_error::{ErrorBox, fw_error};
use super::fw_response::{ResponseBox, fw_response};
use super::fw_result::fw_result;
use super::handle::{Handle, null_arg, slice_arg};
use super::strings;
use fwclient_core::batch;
use fwclient_core::error::Result;
use fwclient_core::http::{Request, Response};

/// Called once per request of a batch, on the thread that called
/// fw_client_get_many or fw_client_send_many, one request at a time, in
/// the order they complete.
///
/// @param user_data  The batch call's @p user_data.
/// @param index      The request's position in the caller's array.
/// @param result     FW_OK, or the request's error code (as fw_client_request's).
/// @param response   The 2xx answer when @p result is FW_OK, else NULL;
///                   borrowed for the call (not to be freed or kept).
/// @param error      The error when @p result is not FW_OK, else NULL;
///                   borrowed for the call (not to be freed or kept).
/// @return 0 to go on; any other value stops the batch (FW_ERR_CANCELED).
#[allow(non_camel_case_types)]
pub type fw_batch_callback = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        index: usize,
        result: fw_result,
        response: *const fw_response,
        error: *const fw_error,
    ) -> c_int,
>;

/// One request of fw_client_send_many. Its strings and body are read
/// while the batch runs (they must stay valid until it returns).
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct fw_batch_request {
    /// "GET", "POST", ...
    pub method: *const c_char,
    /// An absolute http(s) URL.
    pub url: *const c_char,
    /// The body's bytes; NULL allowed when @p body_len is 0.
    pub body: *const u8,
    /// The body's length; (NULL, 0) is no body.
    pub body_len: usize,
    /// The body's Content-Type; NULL for none.
    pub content_type: *const c_char,
}

/// `GET` every URL of @p urls through @p client, at most @p max_in_flight
/// at once, each with the whole policy of fw_client_get (the token only to
/// trusted origins, redirects, retries and Retry-After, timeouts; a view's
/// per-request timeout and cancel object, see fw_client_with_request_options).
/// A batch opens at most @p max_in_flight connections per origin, its own,
/// closed when it returns. @p on_done runs on the calling thread, one
/// request at a time, in completion order; a nonzero return stops the
/// batch: requests in flight are abandoned, nothing more starts, and the
/// call returns FW_ERR_CANCELED. A 429 with Retry-After pauses its request
/// (within its timeout and retries); one saying the client's quota is spent
/// (`RateLimit-Remaining: 0`) also holds new starts until then. Memory does
/// not grow with @p n_urls. Network I/O; blocks until done.
///
/// @param client         The client (or a view of it).
/// @param urls           @p n_urls absolute http(s) URLs, read while the
///                       batch runs; NULL allowed when @p n_urls is 0. A NULL
///                       or unusable entry fails that request alone
///                       (FW_ERR_INVALID_ARGUMENT to @p on_done).
/// @param n_urls         The number of URLs.
/// @param max_in_flight  Requests at once, 1 to 1024 (0 is
///                       FW_ERR_INVALID_ARGUMENT: there is no default).
/// @param on_done        Called once per request (see fw_batch_callback).
/// @param user_data      Passed to @p on_done; NULL allowed.
/// @param err            NULL, or a pointer to NULL that receives the error on failure.
/// @return FW_OK once @p on_done ran for every URL, whatever each result;
///         FW_ERR_CANCELED when @p on_done returned nonzero or the view's
///         cancel object was triggered; FW_ERR_INVALID_ARGUMENT for a NULL
///         @p client or @p on_done, NULL @p urls with a count, or
///         @p max_in_flight out of range; FW_ERR_IO when no thread could start.
///
/// Thread safety: may be called from several threads at once, on one
/// client too; @p on_done runs on the calling thread only.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_get_many(
    client: *const fw_client,
    urls: *const *const c_char,
    n_urls: usize,
    max_in_flight: u32,
    on_done: fw_batch_callback,
    user_data: *mut c_void,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live; `urls` holds `n_urls` pointers.
        let (client, urls) = unsafe { (fw_client::arg(client)?, slice_arg(urls, n_urls, "urls")?) };
        let on_done = on_done.ok_or_else(|| null_arg("on_done"))?;
        let urls = Shared(urls);
        let build = |i: usize| {
            // SAFETY: each entry is NULL or a string valid during the call.
            let url = unsafe { strings::arg(*urls.get(i), "url") }?;
            Ok(Request::get(url))
        };
        run(client, n_urls, max_in_flight, build, on_done, user_data)
    })
}

/// fw_client_get_many for requests of any method, with bodies (POST
/// queries, binary root lookups): the same contract, each request made as
/// fw_client_request makes it (only idempotent methods are retried).
///
/// @param client         The client (or a view of it).
/// @param requests       @p n_requests requests, read while the batch runs;
///                       NULL allowed when @p n_requests is 0. A request
///                       with a NULL or unusable method or URL fails alone
///                       (FW_ERR_INVALID_ARGUMENT to @p on_done).
/// @param n_requests     The number of requests.
/// @param max_in_flight  Requests at once, 1 to 1024 (0 is
///                       FW_ERR_INVALID_ARGUMENT: there is no default).
/// @param on_done        Called once per request (see fw_batch_callback).
/// @param user_data      Passed to @p on_done; NULL allowed.
/// @param err            NULL, or a pointer to NULL that receives the error on failure.
/// @return As fw_client_get_many.
///
/// Thread safety: as fw_client_get_many.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn fw_client_send_many(
    client: *const fw_client,
    requests: *const fw_batch_request,
    n_requests: usize,
    max_in_flight: u32,
    on_done: fw_batch_callback,
    user_data: *mut c_void,
    err: *mut *mut fw_error,
) -> fw_result {
    boundary::run(err, || {
        // SAFETY: NULL or live; `requests` holds `n_requests` entries.
        let (client, requests) = unsafe {
            (
                fw_client::arg(client)?,
                slice_arg(requests, n_requests, "requests")?,
            )
        };
        let on_done = on_done.ok_or_else(|| null_arg("on_done"))?;
        let requests = Shared(requests);
        let build = |i: usize| {
            let r = requests.get(i);
            // SAFETY: the entry's pointers are NULL or valid during the call.
            unsafe {
                Ok(Request {
                    method: strings::arg(r.method, "method")?,
                    url: strings::arg(r.url, "url")?,
                    body: Some(slice_arg(r.body, r.body_len, "body")?).filter(|b| !b.is_empty()),
                    content_type: strings::opt_arg(r.content_type, "content_type")?,
                })
            }
        };
        run(client, n_requests, max_in_flight, build, on_done, user_data)
    })
}

/// The caller's array, read by the batch's workers while the call lasts.
struct Shared<'a, T>(&'a [T]);

impl<T> Shared<'_, T> {
    fn get(&self, i: usize) -> &T {
        &self.0[i]
    }
}

// SAFETY: the entries are only read, and the caller keeps them valid and
// unchanged until the batch returns (as documented).
unsafe impl<T> Sync for Shared<'_, T> {}

/// Runs the batch, handing each outcome to `on_done` as C sees it.
fn run<'r>(
    client: &fwclient_core::Client,
    n: usize,
    max_in_flight: u32,
    build: impl Fn(usize) -> Result<Request<'r>> + Sync,
    on_done: unsafe extern "C" fn(
        *mut c_void,
        usize,
        fw_result,
        *const fw_response,
        *const fw_error,
    ) -> c_int,
    user_data: *mut c_void,
) -> Result<()> {
    let max_in_flight = usize::try_from(max_in_flight).unwrap_or(usize::MAX);
    batch::run(
        client,
        n,
        max_in_flight,
        build,
        |index, outcome: Result<Response>| {
            // Borrowed for the call: both live on this stack frame.
            let verdict = match outcome {
                Ok(response) => {
                    let response = ResponseBox::from(response);
                    let p = (&response as *const ResponseBox).cast::<fw_response>();
                    // SAFETY: the caller's callback, with the documented arguments.
                    unsafe { on_done(user_data, index, fw_result::FW_OK, p, std::ptr::null()) }
                }
                Err(e) => {
                    let error = ErrorBox::from(e);
                    let p = (&error as *const ErrorBox).cast::<fw_error>();
                    // SAFETY: as above.
                    unsafe { on_done(user_data, index, error.code(), std::ptr::null(), p) }
                }
            };
            if verdict == 0 {
                ControlFlow::Continue(())
            } else {
                ControlFlow::Break(())
            }
        },
    )
}
