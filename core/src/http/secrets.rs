//! Finding a secret (a token) in text that a server chose: a `Location`, an
//! error body, a message. A copy counts in every form a URL or a server may
//! give it: literal, percent-encoded (any mix of escaped and plain bytes,
//! hex digits in either case, escapes nested: `%2541` and `%%34%31` are both
//! `%41`, which is `A`), and in another letter case. The redirect guard and
//! the redaction of errors use this one matcher.

/// How deep escapes may nest (an escape decoding to `%` that starts another).
const MAX_NESTING: u8 = 3;

/// What masks a secret in redacted text.
pub const MASK: &str = "<redacted>";

/// Whether `text` holds `secret` in any form. An empty secret is never found.
pub fn contains(text: &[u8], secret: &[u8]) -> bool {
    find(text, secret, 0).is_some()
}

/// `text` with every copy of `secret` (any form) replaced by [`MASK`], or
/// `None` when it holds none.
pub fn mask(text: &[u8], secret: &[u8]) -> Option<Vec<u8>> {
    let (mut start, mut end) = find(text, secret, 0)?;
    let mut out = Vec::with_capacity(text.len());
    let mut done = 0;
    loop {
        out.extend_from_slice(&text[done..start]);
        out.extend_from_slice(MASK.as_bytes());
        done = end;
        match find(text, secret, done) {
            Some((s, e)) => (start, end) = (s, e),
            None => break,
        }
    }
    out.extend_from_slice(&text[done..]);
    Some(out)
}

/// [`mask`] on a string. A match spans ASCII bytes only (a secret and its
/// escapes are ASCII), so the result is still UTF-8.
pub fn mask_str(text: &str, secret: &str) -> Option<String> {
    mask(text.as_bytes(), secret.as_bytes()).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// The first copy of `secret` starting at or after `from`: its start and end.
fn find(text: &[u8], secret: &[u8], from: usize) -> Option<(usize, usize)> {
    let first = *secret.first()?;
    let mut units = Vec::new();
    // Positions reachable after matching a prefix of the secret.
    let (mut here, mut next) = (Vec::new(), Vec::new());
    for start in from..text.len() {
        let b = text[start];
        // Fast skip: a copy starts with the first byte or an escape.
        if b != b'%' && !b.eq_ignore_ascii_case(&first) {
            continue;
        }
        here.clear();
        here.push(start);
        for want in secret {
            next.clear();
            for &at in &here {
                units.clear();
                decodings(text, at, 0, &mut units);
                for &(got, end) in &units {
                    if got.eq_ignore_ascii_case(want) && !next.contains(&end) {
                        next.push(end);
                    }
                }
            }
            std::mem::swap(&mut here, &mut next);
            if here.is_empty() {
                break;
            }
        }
        if let Some(&end) = here.iter().min() {
            return Some((start, end));
        }
    }
    None
}

/// Every byte the text at `at` may stand for, with where it ends: the byte
/// itself, and for a `%` each escape it may start.
fn decodings(text: &[u8], at: usize, depth: u8, out: &mut Vec<(u8, usize)>) {
    if let Some(&b) = text.get(at) {
        with_escapes(text, (b, at + 1), depth, out);
    }
}

/// `unit`, and when it is a `%`, the escapes it starts (two units that
/// decode to hex digits).
fn with_escapes(text: &[u8], unit: (u8, usize), depth: u8, out: &mut Vec<(u8, usize)>) {
    out.push(unit);
    if unit.0 != b'%' || depth >= MAX_NESTING {
        return;
    }
    let mut highs = Vec::new();
    decodings(text, unit.1, depth + 1, &mut highs);
    for (high, after_high) in highs {
        let Some(h) = hex(high) else { continue };
        let mut lows = Vec::new();
        decodings(text, after_high, depth + 1, &mut lows);
        for (low, end) in lows {
            if let Some(l) = hex(low) {
                with_escapes(text, ((h << 4) | l, end), depth + 1, out);
            }
        }
    }
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "fake_Token_123";

    #[test]
    fn finds_every_form() {
        for text in [
            "x fake_Token_123 y",
            "fake_token_123",
            "FAKE_TOKEN_123",
            "/a/fake%5FToken%5F123?",
            "%66%61%6b%65%5f%54%6F%6B%65%6E%5F%31%32%33",
            "fake_Tok%65n_123",
            "fake_Tok%2565n_123",
            "fake_Tok%%36%35n_123",
            "fake_Tok%252565n_123",
            "next=fake%255FToken%255F123",
        ] {
            assert!(contains(text.as_bytes(), T.as_bytes()), "{text}");
        }
        for text in ["fake_Token_12", "fake Token 123", "fake_Tok%6n_123", ""] {
            assert!(!contains(text.as_bytes(), T.as_bytes()), "{text}");
        }
        assert!(!contains(b"anything", b""));
    }

    #[test]
    fn masks_every_copy_and_keeps_the_rest() {
        let text = "a fake_Token_123 b fake%5ftoken%5F123 c";
        assert_eq!(mask_str(text, T).unwrap(), "a <redacted> b <redacted> c");
        assert_eq!(mask_str("nothing here", T), None);
        assert_eq!(mask_str("ünï fake_token_123", T).unwrap(), "ünï <redacted>");
    }

    #[test]
    fn a_secret_holding_a_percent_is_found_literally_too() {
        assert!(contains(b"x ab%41 y", b"ab%41"));
        assert!(contains(b"x ab%2541 y", b"ab%41"));
    }
}
