//! URL paths are built, not pasted: every part a caller or a file gives
//! (a datastack name, a token) becomes exactly one path segment.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Everything but RFC 3986's unreserved characters (`ALPHA DIGIT - . _ ~`)
/// is escaped: a `/`, `?`, `#`, `%` or `;` stays inside its segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `value` percent-encoded as one path segment. `what` names it in errors
/// (FW_ERR_INVALID_ARGUMENT for an empty value, `.` or `..`, which a server
/// would read as "this directory" or "the parent").
pub fn segment<'a>(value: &'a str, what: &str) -> Result<Cow<'a, str>> {
    check(value, what)?;
    Ok(utf8_percent_encode(value, SEGMENT).into())
}

/// [`segment`] for a secret (a token): built in one buffer of its final
/// size that is zeroed on drop, so no copy is left behind.
pub fn secret_segment(value: &str, what: &str) -> Result<Zeroizing<String>> {
    check(value, what)?;
    let mut out = Zeroizing::new(String::with_capacity(value.len() * 3));
    for piece in utf8_percent_encode(value, SEGMENT) {
        out.push_str(piece);
    }
    Ok(out)
}

/// Refuses what is not one usable path segment (see [`segment`]).
fn check(value: &str, what: &str) -> Result<()> {
    match value {
        "" => Err(Error::invalid_argument(format!(
            "the {what} must not be empty"
        ))),
        "." | ".." => Err(Error::invalid_argument(format!(
            "the {what} must not be \"{value}\" (a relative path segment)"
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_is_one_segment() {
        assert_eq!(
            segment("minnie65_public", "name").unwrap(),
            "minnie65_public"
        );
        assert_eq!(segment("a.b-c~d", "name").unwrap(), "a.b-c~d");
        assert_eq!(
            segment("x/../../y?z=1#f", "name").unwrap(),
            "x%2F..%2F..%2Fy%3Fz%3D1%23f"
        );
        assert_eq!(segment("100%", "name").unwrap(), "100%25");
        assert_eq!(segment("é", "name").unwrap(), "%C3%A9");
        for bad in ["", ".", ".."] {
            let e = segment(bad, "datastack name").unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::InvalidArgument);
            assert!(e.message().contains("datastack name"), "{}", e.message());
        }
        assert_eq!(segment("...", "name").unwrap(), "...");
        assert_eq!(*secret_segment("a/b c", "token").unwrap(), "a%2Fb%20c");
        assert!(secret_segment("..", "token").is_err());
    }
}
