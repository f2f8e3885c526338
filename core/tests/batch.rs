//! The batch engine (fwclient_core::batch) against fw-devserver, where the
//! C ABI cannot reach: a callback that panics still ends the batch at once
//! (the stalled request abandoned) and the panic reaches the caller; a
//! batch of nothing calls nothing; an answer with a head too large fails
//! its item alone.

mod support;

use std::ops::ControlFlow;
use std::panic::{AssertUnwindSafe, catch_unwind};

use fwclient_core::http::Request;
use fwclient_core::{Client, ErrorKind, Options, Token, batch};
use support::DevServer;

fn client(server: &str, secrets: &tempfile::TempDir) -> Client {
    Client::new(
        None,
        &Options {
            token: Some(Token::new("fake_token_123").unwrap()),
            server_address: Some(server.to_owned()),
            secrets_dir: Some(secrets.path().to_str().unwrap().to_owned()),
            ..Options::default()
        },
    )
    .unwrap()
}

#[test]
fn a_panicking_callback_abandons_the_stalled_request_and_reaches_the_caller() {
    let s = DevServer::start();
    let dir = tempfile::tempdir().unwrap();
    let c = client(&s.url, &dir);
    // Item 0 would take ten minutes: the call must not wait for it.
    let urls = [
        format!("{}/fault/stall?ms=600000", s.url),
        format!("{}/echo", s.url),
    ];
    let mut seen = vec![];
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        batch::run(
            &c,
            urls.len(),
            2,
            |i| Ok(Request::get(&urls[i])),
            |i, _| {
                seen.push(i);
                panic!("the caller's own panic")
            },
        )
    }));
    let panic = outcome.expect_err("the panic reaches the caller");
    assert_eq!(
        panic.downcast_ref::<&str>(),
        Some(&"the caller's own panic")
    );
    assert_eq!(seen, [1]);
}

#[test]
fn an_empty_batch_calls_nothing_and_a_bad_width_is_refused() {
    let s = DevServer::start();
    let dir = tempfile::tempdir().unwrap();
    let c = client(&s.url, &dir);
    let none = |_: usize| -> fwclient_core::Result<Request<'static>> { unreachable!() };
    let mut calls = 0;
    batch::run(&c, 0, 4, none, |_, _| {
        calls += 1;
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(calls, 0);
    for width in [0, batch::MAX_IN_FLIGHT + 1] {
        let e = batch::run(&c, 1, width, none, |_, _| ControlFlow::Continue(())).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    }
}

#[test]
fn a_head_over_16_kib_fails_its_item_as_a_bad_response_and_the_others_are_read() {
    // A batch's connections hold heads of up to 16 KiB (http/agents.rs).
    let s = DevServer::start();
    let dir = tempfile::tempdir().unwrap();
    let c = client(&s.url, &dir);
    let urls = [
        format!("{}/fault/long-header?bytes={}", s.url, 12 * 1024),
        format!("{}/fault/long-header?bytes={}", s.url, 20 * 1024),
        format!("{}/fault/long-header?bytes={}", s.url, 1 << 20),
        format!("{}/echo", s.url),
    ];
    let mut outcomes = vec![None; urls.len()];
    batch::run(
        &c,
        urls.len(),
        2,
        |i| Ok(Request::get(&urls[i])),
        |i, outcome| {
            outcomes[i] = Some(outcome.map(|r| r.status).map_err(|e| e.kind()));
            ControlFlow::Continue(())
        },
    )
    .unwrap();
    assert_eq!(
        outcomes,
        [
            Some(Ok(200)),
            Some(Err(ErrorKind::BadResponse)),
            Some(Err(ErrorKind::BadResponse)),
            Some(Ok(200)),
        ]
    );
}
