//! How URLs are built and followed: a `Location` resolved against the URL
//! it came from (RFC 3986 §5.2), a user-given part encoded as one path
//! segment, and the matcher that finds a token in any form.
//!
//! Properties, for any input: no panic; a resolved Location is an absolute
//! http(s) URL that the sending parser reads, without `.`/`..` segments,
//! and a reference without a scheme or `//` stays on the base's origin; a
//! segment is refused exactly for "", "." and "..", is otherwise one path
//! segment of unreserved characters and escapes that decodes back to the
//! input; a token (a realistic shape) is found in a text in every form the
//! input applies (literal, case-changed, percent-encoded in part or twice),
//! and masking leaves none (for tokens that are not a piece of the mask);
//! the matcher's work stays within its bound per byte of text and secret
//! (`MAX_WORK_PER_BYTE`), whatever the text holds.
#![no_main]

use fwclient_core::ErrorKind;
use fwclient_core::http::Origin;
use fwclient_core::http::origin::{parse_uri, resolve_location};
use fwclient_core::http::path::segment;
use fwclient_core::http::secrets::{MAX_WORK_PER_BYTE, contains, mask, work};
use libfuzzer_sys::fuzz_target;

const BASES: [&str; 4] = [
    "https://global.daf-apis.com/info/api/v2/datastack/full/ds",
    "http://127.0.0.1:8080/a/b/c?x=1",
    "https://[::1]:4443/",
    "http://h",
];

fuzz_target!(|input: (u8, &str, &str, &str)| {
    let (choice, location, part, token) = input;
    let base = BASES[usize::from(choice) % BASES.len()];
    check_location(base, location);
    check_segment(part);
    check_matcher(choice, token, location);
});

fn check_location(base: &str, location: &str) {
    let Ok(url) = resolve_location(base, location) else {
        return;
    };
    let uri = parse_uri(&url).expect("a resolved Location parses");
    let origin = Origin::of_uri(&uri, &url).expect("a resolved Location has an origin");
    assert!(
        uri.path()
            .split('/')
            .all(|s| s != "." && s != ".."),
        "{base} + {location:?} -> {url}"
    );
    let relative = {
        let before = location.split(['/', '?', '#']).next().unwrap_or("");
        !before.contains(':') && !location.starts_with("//")
    };
    if relative {
        assert_eq!(
            origin,
            Origin::of(base).unwrap(),
            "{base} + {location:?} -> {url} left the origin"
        );
    }
}

fn check_segment(part: &str) {
    match segment(part, "part") {
        Err(e) => {
            assert!(matches!(part, "" | "." | ".."), "{part:?} refused: {e}");
            assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        }
        Ok(seg) => {
            assert!(!matches!(part, "" | "." | ".."));
            assert!(
                seg.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)),
                "{part:?} -> {seg}"
            );
            assert!(seg != "." && seg != "..");
            let back = percent_decode(&seg);
            assert_eq!(back, part.as_bytes(), "{part:?} -> {seg}");
            let url = format!("http://127.0.0.1/a/{seg}/b");
            let uri = parse_uri(&url).expect("a built URL parses");
            assert_eq!(uri.path().split('/').count(), 4, "{url}");
            assert!(uri.query().is_none(), "{url}");
        }
    }
}

fn check_matcher(choice: u8, token: &str, text: &str) {
    let bound = MAX_WORK_PER_BYTE * (text.len() as u64 + 1) * (token.len() as u64 + 1);
    let spent = work(text.as_bytes(), token.as_bytes());
    assert!(spent <= bound, "{spent} steps for {} bytes", text.len());
    // Tokens have these characters (hex, urlsafe base64): none of them is
    // part of the mask, so a masked text cannot spell one anew.
    if token.is_empty()
        || !token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        || contains(b"redacted", token.as_bytes())
    {
        return;
    }
    let form: String = match choice % 5 {
        0 => token.to_owned(),
        1 => token.to_ascii_uppercase(),
        2 => token
            .bytes()
            .enumerate()
            .map(|(i, b)| {
                if i % 2 == 0 {
                    format!("%{b:02x}")
                } else {
                    (b as char).to_string()
                }
            })
            .collect(),
        3 => token.bytes().map(|b| format!("%25{b:02X}")).collect(),
        _ => token.to_ascii_lowercase(),
    };
    let half = text.len() / 2;
    let cut = (0..=half).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
    let planted = format!("{}{form}{}", &text[..cut], &text[cut..]);
    assert!(contains(planted.as_bytes(), token.as_bytes()), "{planted:?}");
    let masked = mask(planted.as_bytes(), token.as_bytes()).expect("a copy is masked");
    assert!(
        !contains(&masked, token.as_bytes()),
        "{:?} still holds the token",
        String::from_utf8_lossy(&masked)
    );
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}
