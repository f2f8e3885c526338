//! fw_client_get_many and fw_client_send_many through the C ABI, against
//! fw-devserver: every item's callback runs once, on the calling thread, in
//! completion order; the server sees no more connections than
//! max_in_flight; per-item errors do not fail the batch; a nonzero return,
//! or the view's cancel object, stops it with FW_ERR_CANCELED and abandons
//! the items in flight; a 429 with Retry-After is waited out.

mod hardening;
use hardening::support;

use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::ptr;
use std::thread::ThreadId;

use fwclient::fw_batch::*;
use fwclient::fw_cancel::*;
use fwclient::fw_client::*;
use fwclient::fw_error::*;
use fwclient::fw_options::*;
use fwclient::fw_request_options::*;
use fwclient::fw_response::*;
use fwclient::fw_result::fw_result;
use hardening::{CANARY_A, abi_options, assert_no_canary, canary_fixture};
use support::DevServer;

/// What the callback saw, item by item, in the order it was called.
#[derive(Default)]
struct Seen {
    items: Vec<Item>,
    /// Stop (return nonzero) once this many items were seen.
    stop_after: Option<usize>,
    /// Trigger this cancel object once this many items were seen.
    cancel_after: Option<(usize, *mut fw_cancel)>,
}

struct Item {
    index: usize,
    result: fw_result,
    thread: ThreadId,
    /// The body of a response, or the error's message.
    text: String,
}

unsafe extern "C" fn record(
    user_data: *mut c_void,
    index: usize,
    result: fw_result,
    response: *const fw_response,
    error: *const fw_error,
) -> c_int {
    // SAFETY: the test's `Seen`, on the thread that owns it.
    let seen = unsafe { &mut *user_data.cast::<Seen>() };
    let text = if result == fw_result::FW_OK {
        assert!(error.is_null());
        let mut len = 0;
        // SAFETY: a borrowed live response.
        let data = unsafe { fw_response_body(response, &mut len) };
        // SAFETY: `len` bytes at `data`.
        String::from_utf8_lossy(unsafe { std::slice::from_raw_parts(data, len) }).into_owned()
    } else {
        assert!(response.is_null());
        assert_eq!(unsafe { fw_error_code(error) }, result);
        // SAFETY: a borrowed live error.
        unsafe { CStr::from_ptr(fw_error_message(error)) }
            .to_string_lossy()
            .into_owned()
    };
    seen.items.push(Item {
        index,
        result,
        thread: std::thread::current().id(),
        text,
    });
    if let Some((n, cancel)) = seen.cancel_after
        && seen.items.len() == n
    {
        // SAFETY: a live cancel object.
        unsafe { fw_cancel_trigger(cancel, ptr::null_mut()) };
    }
    c_int::from(seen.stop_after == Some(seen.items.len()))
}

struct Fixture {
    _tmp: tempfile::TempDir,
    server: DevServer,
    client: *mut fw_client,
}

impl Fixture {
    fn new() -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let fixture = canary_fixture(tmp.path());
        let server = DevServer::start_with(&["--fixture", fixture.to_str().unwrap(), "--quiet"]);
        let o = abi_options(&server.url, &tmp.path().join("secrets"), CANARY_A);
        let mut client = ptr::null_mut();
        // SAFETY: valid options and out-parameter.
        unsafe {
            assert_eq!(
                fw_client_new(ptr::null(), o, &mut client, ptr::null_mut()),
                fw_result::FW_OK
            );
            fw_options_free(o);
        }
        Fixture {
            _tmp: tmp,
            server,
            client,
        }
    }

    /// The connections the server accepted so far (through this client's
    /// own pool, which the batches do not use).
    fn connections(&self) -> u64 {
        let url = CString::new(format!("{}/fault/connections", self.server.url)).unwrap();
        let mut r = ptr::null_mut();
        // SAFETY: live client, valid strings and out-parameter.
        unsafe {
            assert_eq!(
                fw_client_get(self.client, url.as_ptr(), &mut r, ptr::null_mut()),
                fw_result::FW_OK
            );
            let mut len = 0;
            let data = fw_response_body(r, &mut len);
            let v: serde_json::Value =
                serde_json::from_slice(std::slice::from_raw_parts(data, len)).unwrap();
            fw_response_free(r);
            v["connections"].as_u64().unwrap()
        }
    }

    fn urls(&self, paths: &[String]) -> Vec<CString> {
        paths
            .iter()
            .map(|p| CString::new(format!("{}{p}", self.server.url)).unwrap())
            .collect()
    }

    fn get_many(
        &self,
        client: *const fw_client,
        urls: &[*const c_char],
        max_in_flight: u32,
        seen: &mut Seen,
    ) -> (fw_result, Option<String>) {
        let mut e = ptr::null_mut();
        // SAFETY: live client, `urls.len()` valid entries, a callback and its data.
        let rc = unsafe {
            fw_client_get_many(
                client,
                urls.as_ptr(),
                urls.len(),
                max_in_flight,
                Some(record),
                (seen as *mut Seen).cast(),
                &mut e,
            )
        };
        (rc, message(e))
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        // SAFETY: freed once.
        unsafe { fw_client_free(self.client) };
    }
}

fn message(e: *mut fw_error) -> Option<String> {
    (!e.is_null()).then(|| {
        // SAFETY: a live error, freed once.
        unsafe {
            let m = CStr::from_ptr(fw_error_message(e))
                .to_string_lossy()
                .into_owned();
            fw_error_free(e);
            m
        }
    })
}

fn ptrs(urls: &[CString]) -> Vec<*const c_char> {
    urls.iter().map(|u| u.as_ptr()).collect()
}

#[test]
fn every_item_once_on_the_calling_thread_over_at_most_max_in_flight_connections() {
    let f = Fixture::new();
    let paths: Vec<String> = (0..60).map(|i| format!("/echo?item={i}")).collect();
    let urls = f.urls(&paths);
    let before = f.connections();
    let mut seen = Seen::default();
    let (rc, e) = f.get_many(f.client, &ptrs(&urls), 6, &mut seen);
    assert_eq!(rc, fw_result::FW_OK, "{e:?}");
    let after = f.connections();
    // The counting request itself reuses this client's pooled connection.
    assert!(
        after - before <= 6,
        "{} connections for 6 in flight",
        after - before
    );
    let mut indices: Vec<usize> = seen.items.iter().map(|i| i.index).collect();
    indices.sort_unstable();
    assert_eq!(indices, (0..60).collect::<Vec<_>>());
    let me = std::thread::current().id();
    for item in &seen.items {
        assert_eq!(item.thread, me);
        assert_eq!(item.result, fw_result::FW_OK, "{}", item.text);
        let body: serde_json::Value = serde_json::from_str(&item.text).unwrap();
        assert_eq!(body["query"], format!("item={}", item.index));
        assert_eq!(body["authorization"], format!("Bearer {CANARY_A}"));
    }
}

#[test]
fn item_errors_are_the_items_own_and_the_batch_still_succeeds() {
    let f = Fixture::new();
    let urls = f.urls(&[
        "/fault/status?code=404".into(),
        "/echo".into(),
        "/fault/status?code=500".into(),
    ]);
    let mut list = ptrs(&urls);
    list.push(ptr::null());
    let not_utf8 = [0xffu8, 0];
    list.push(not_utf8.as_ptr().cast());
    let mut seen = Seen::default();
    let (rc, e) = f.get_many(f.client, &list, 2, &mut seen);
    assert_eq!(rc, fw_result::FW_OK, "{e:?}");
    let mut by_index: Vec<(usize, fw_result)> =
        seen.items.iter().map(|i| (i.index, i.result)).collect();
    by_index.sort_unstable_by_key(|(i, _)| *i);
    assert_eq!(
        by_index,
        [
            (0, fw_result::FW_ERR_HTTP_STATUS),
            (1, fw_result::FW_OK),
            (2, fw_result::FW_ERR_HTTP_STATUS),
            (3, fw_result::FW_ERR_INVALID_ARGUMENT),
            (4, fw_result::FW_ERR_INVALID_ARGUMENT),
        ]
    );
    for item in seen.items.iter().filter(|i| i.result != fw_result::FW_OK) {
        assert_no_canary("an item's error", &item.text);
    }
}

#[test]
fn every_item_keeps_the_token_from_another_origin_a_redirect_leads_to() {
    // Each item goes through the client's whole policy: a redirect to the
    // other origin is followed without the token; one to the same origin
    // keeps it.
    let f = Fixture::new();
    let urls = f.urls(&[
        "/redirect/other?to=/echo".into(),
        "/redirect/same?to=/echo".into(),
        "/redirect/other?to=/echo&code=307".into(),
    ]);
    let mut seen = Seen::default();
    let (rc, e) = f.get_many(f.client, &ptrs(&urls), 3, &mut seen);
    assert_eq!(rc, fw_result::FW_OK, "{e:?}");
    assert_eq!(seen.items.len(), 3);
    for item in &seen.items {
        assert_eq!(item.result, fw_result::FW_OK, "{}", item.text);
        let body: serde_json::Value = serde_json::from_str(&item.text).unwrap();
        if item.index == 1 {
            assert_eq!(body["authorization"], format!("Bearer {CANARY_A}"));
        } else {
            assert_eq!(body["origin"], f.server.other_url, "{body}");
            assert!(body["authorization"].is_null(), "{body}");
            assert!(body["cookie"].is_null(), "{body}");
        }
    }
}

#[test]
fn a_nonzero_return_stops_the_batch_and_abandons_what_is_in_flight() {
    let f = Fixture::new();
    // Item 0 would take ten minutes: the two quick ones complete first,
    // and the stop after the second must not wait for it.
    let urls = f.urls(&[
        "/fault/stall?ms=600000".into(),
        "/echo?a".into(),
        "/echo?b".into(),
        "/echo?c".into(),
    ]);
    let mut seen = Seen {
        stop_after: Some(2),
        ..Seen::default()
    };
    let (rc, e) = f.get_many(f.client, &ptrs(&urls), 3, &mut seen);
    assert_eq!(rc, fw_result::FW_ERR_CANCELED);
    assert!(e.unwrap().contains("stopped"));
    let order: Vec<usize> = seen.items.iter().map(|i| i.index).collect();
    assert_eq!(order.len(), 2, "no callback after the stop");
    assert!(
        !order.contains(&0),
        "the stalled item completed first: {order:?}"
    );
}

#[test]
fn the_views_cancel_object_stops_the_batch() {
    let f = Fixture::new();
    let (mut ro, mut cancel, mut view) = (ptr::null_mut(), ptr::null_mut(), ptr::null_mut());
    // SAFETY: valid out-parameters and live handles.
    unsafe {
        assert_eq!(
            fw_request_options_new(&mut ro, ptr::null_mut()),
            fw_result::FW_OK
        );
        assert_eq!(
            fw_cancel_new(&mut cancel, ptr::null_mut()),
            fw_result::FW_OK
        );
        assert_eq!(
            fw_request_options_set_cancel(ro, cancel, ptr::null_mut()),
            fw_result::FW_OK
        );
        assert_eq!(
            fw_client_with_request_options(f.client, ro, &mut view, ptr::null_mut()),
            fw_result::FW_OK
        );
    }
    let urls = f.urls(&["/echo".into(), "/fault/stall?ms=600000".into()]);
    let mut seen = Seen {
        cancel_after: Some((1, cancel)),
        ..Seen::default()
    };
    let (rc, _) = f.get_many(view, &ptrs(&urls), 2, &mut seen);
    assert_eq!(rc, fw_result::FW_ERR_CANCELED);
    assert_eq!(seen.items.len(), 1);
    assert_eq!(seen.items[0].index, 0);
    // SAFETY: freed once.
    unsafe {
        fw_client_free(view);
        fw_cancel_free(cancel);
        fw_request_options_free(ro);
    }
}

#[test]
fn a_429_with_retry_after_is_waited_out_without_failing_the_batch() {
    let f = Fixture::new();
    // Every item's first answer is 429 Retry-After: 1.
    let paths: Vec<String> = (0..8)
        .map(|i| format!("/fault/ratelimit?key=batch{i}&first=1"))
        .collect();
    let urls = f.urls(&paths);
    let mut seen = Seen::default();
    let (rc, e) = f.get_many(f.client, &ptrs(&urls), 4, &mut seen);
    assert_eq!(rc, fw_result::FW_OK, "{e:?}");
    assert_eq!(seen.items.len(), 8);
    assert!(
        seen.items.iter().all(|i| i.result == fw_result::FW_OK),
        "{:?}",
        seen.items.iter().map(|i| &i.text).collect::<Vec<_>>()
    );
    let stats = CString::new(format!("{}/fault/ratelimit-stats", f.server.url)).unwrap();
    let mut r = ptr::null_mut();
    // SAFETY: live client and valid strings.
    let stats: serde_json::Value = unsafe {
        assert_eq!(
            fw_client_get(f.client, stats.as_ptr(), &mut r, ptr::null_mut()),
            fw_result::FW_OK
        );
        let mut len = 0;
        let data = fw_response_body(r, &mut len);
        let v = serde_json::from_slice(std::slice::from_raw_parts(data, len)).unwrap();
        fw_response_free(r);
        v
    };
    assert_eq!(stats["refused"], 8);
    assert_eq!(
        stats["admitted"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .sum::<u64>(),
        8
    );
}

#[test]
fn send_many_sends_each_requests_method_and_body() {
    let f = Fixture::new();
    let url = CString::new(format!("{}/echo", f.server.url)).unwrap();
    let bodies: Vec<Vec<u8>> = (0..5).map(|i| vec![b'x'; i * 10]).collect();
    let requests: Vec<fw_batch_request> = bodies
        .iter()
        .enumerate()
        .map(|(i, b)| fw_batch_request {
            method: if i % 2 == 0 { c"POST" } else { c"PUT" }.as_ptr(),
            url: url.as_ptr(),
            body: b.as_ptr(),
            body_len: b.len(),
            content_type: c"application/octet-stream".as_ptr(),
        })
        .collect();
    let mut seen = Seen::default();
    let mut e = ptr::null_mut();
    // SAFETY: live client, valid requests, a callback and its data.
    let rc = unsafe {
        fw_client_send_many(
            f.client,
            requests.as_ptr(),
            requests.len(),
            3,
            Some(record),
            (&mut seen as *mut Seen).cast(),
            &mut e,
        )
    };
    assert_eq!(rc, fw_result::FW_OK, "{:?}", message(e));
    assert_eq!(seen.items.len(), 5);
    for item in &seen.items {
        let body: serde_json::Value = serde_json::from_str(&item.text).unwrap();
        let method = if item.index % 2 == 0 { "POST" } else { "PUT" };
        assert_eq!(body["method"], method);
        assert_eq!(body["body_len"], item.index * 10);
    }
}

#[test]
fn bad_arguments_fail_the_call_before_any_request() {
    let f = Fixture::new();
    let urls = f.urls(&["/echo".into()]);
    let list = ptrs(&urls);
    let mut seen = Seen::default();
    let (rc, e) = f.get_many(f.client, &list, 0, &mut seen);
    assert_eq!(rc, fw_result::FW_ERR_INVALID_ARGUMENT);
    assert!(e.unwrap().contains("requests in flight must be 1 to 1024"));
    let (rc, _) = f.get_many(f.client, &list, 1025, &mut seen);
    assert_eq!(rc, fw_result::FW_ERR_INVALID_ARGUMENT);
    let rc = get_many_bare(f.client, list.as_ptr(), 1, None);
    assert_eq!(rc, fw_result::FW_ERR_INVALID_ARGUMENT);
    let rc = get_many_bare(f.client, ptr::null(), 3, Some(record));
    assert_eq!(rc, fw_result::FW_ERR_INVALID_ARGUMENT);
    // Nothing to do is done at once.
    let rc = get_many_bare(f.client, ptr::null(), 0, Some(record));
    assert_eq!(rc, fw_result::FW_OK);
    assert!(seen.items.is_empty());
}

/// fw_client_get_many of `n` URLs at `urls`, 4 in flight, with no user
/// data and no error out-parameter: for the calls its checks refuse (or
/// that have nothing to do).
fn get_many_bare(
    client: *const fw_client,
    urls: *const *const c_char,
    n: usize,
    on_done: fw_batch_callback,
) -> fw_result {
    // SAFETY: a live client; `urls` is NULL or holds `n` live strings; the
    // call checks its NULL arguments.
    unsafe {
        fw_client_get_many(
            client,
            urls,
            n,
            4,
            on_done,
            ptr::null_mut(),
            ptr::null_mut(),
        )
    }
}
