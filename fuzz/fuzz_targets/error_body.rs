//! A server's error answer (status + body) -> the error a caller gets.
//!
//! Properties, for any status >= 300 and any body: no panic; the kind follows
//! the status as documented (401 -> not authenticated / untrusted origin
//! when a token was withheld / invalid token, 400
//! bad_auth_header, 403 -> ToS / forbidden, anything else -> HTTP status);
//! the details keep status, URL and body; the server id is the body's
//! `error` string; and once masked with the token that was sent (what
//! the transport does to every error), no part of the error shown to a
//! program (message, Debug, server id, URLs, body) holds the token, even
//! when the server echoes it anywhere in its answer.
#![no_main]

use fwclient_core::{ErrorKind, Remedy};
use fwclient_core::http::Response;
use fwclient_core::http::answer::{Context, Withheld, error_for};
use libfuzzer_sys::fuzz_target;

/// The distinctive fake tokens of the test suite (realistic shapes: none
/// is a piece of the mask `<redacted>` or of the library's own texts, and
/// none starts with a character `Debug` writes after a backslash, such as
/// the `0` of `\0`, which would make an escaped NUL before the rest of a
/// token look like the token).
const TOKENS: [&str; 3] = [
    "fwcanary0a1b2c3d4e5f60718293a4b5c6d7e8f9",
    "a1b2c3d4e5f60718293a4b5c6d7e8f90",
    "Zq9_fwCanary-TOKEN.7x",
];

/// The input: status (2 bytes, big-endian, taken modulo 300 from 300),
/// one byte of choices, then the body.
///   bit 0: a token was sent; bits 1-2: which token; bit 3: splice the
///   token into the body at the offset given by the status bytes; bit 4:
///   a token was withheld (the user has one, the origin is not trusted).
struct Input<'a> {
    status: u16,
    body: &'a [u8],
    token_sent: bool,
    which: u8,
    splice: Option<u16>,
    withheld: bool,
}

impl<'a> Input<'a> {
    fn new(data: &'a [u8]) -> Option<Input<'a>> {
        let [hi, lo, choice, body @ ..] = data else {
            return None;
        };
        let status = u16::from_be_bytes([*hi, *lo]);
        Some(Input {
            status,
            body,
            token_sent: choice & 1 != 0,
            which: (choice >> 1) & 3,
            splice: (choice & 8 != 0).then_some(status),
            withheld: choice & 16 != 0,
        })
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(input) = Input::new(data) else {
        return;
    };
    let status = 300 + input.status % 300;
    let token = TOKENS[usize::from(input.which) % TOKENS.len()];
    let mut body = input.body.to_vec();
    if let Some(at) = input.splice {
        let at = usize::from(at).min(body.len());
        body.splice(at..at, token.bytes());
    }
    let resp = Response {
        status,
        headers: Default::default(),
        body: body.clone(),
        url: "https://global.daf-apis.com/auth/api/v1/user/me".to_owned(),
        crossed_origin: false,
    };
    let withheld = (!input.token_sent && input.withheld).then(|| Withheld {
        why: "https://global.daf-apis.com:443 is not a trusted origin".to_owned(),
        remedy: Remedy::TrustOrigin("https://global.daf-apis.com:443".to_owned()),
    });
    let ctx = Context {
        token_sent: input.token_sent,
        withheld: withheld.as_ref(),
        new_token_url: "https://global.daf-apis.com/auth/api/v1/create_token",
    };
    let e = error_for(&resp, &ctx);

    let d = e.detail().expect("an answer's error has details");
    assert_eq!(d.status, status);
    assert_eq!(d.body, body);
    assert_eq!(d.url.as_deref(), Some(resp.url.as_str()));
    let json: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
    let id = json
        .as_ref()
        .and_then(|j| j.get("error"))
        .and_then(|v| v.as_str());
    assert_eq!(d.server_id.as_deref(), id);
    let want = match (status, id) {
        (401, _) if withheld.is_some() => vec![ErrorKind::UntrustedOrigin],
        (401, Some("no_token")) => vec![ErrorKind::NotAuthenticated],
        (401, _) if !input.token_sent => vec![ErrorKind::NotAuthenticated],
        (401, _) => vec![ErrorKind::InvalidToken],
        (400, Some("bad_auth_header")) => vec![ErrorKind::BadAuthHeader],
        (403, Some("missing_tos")) => vec![ErrorKind::MissingTos],
        (403, _) => vec![ErrorKind::Forbidden],
        _ => vec![ErrorKind::HttpStatus],
    };
    assert!(
        want.contains(&e.kind()),
        "{status} {id:?} -> {:?}",
        e.kind()
    );
    assert!(!e.message().is_empty());

    // What the transport hands out: masked with the token it sent.
    let e = e.redact(token);
    let d = e.detail().unwrap();
    let shown = format!(
        "{e:?}\n{e}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        d.server_id, d.url, d.tos_form_url, d.permission, d.dataset
    );
    assert!(!shown.contains(token), "the token shows in {shown}");
    assert!(
        !d.body.windows(token.len()).any(|w| w == token.as_bytes()),
        "the token is in the kept body"
    );
});
