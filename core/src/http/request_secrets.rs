//! The secrets one request carries: the token it may send and a token in
//! its URL. The redirect rule looks for them in a Location; every error of
//! the request is masked of them.

use super::secrets;
use crate::error::Error;
use crate::token::Token;

/// The secrets of one request: the token it may carry and a token in its URL.
pub(super) struct Secrets<'a>(pub(super) [Option<&'a Token>; 2]);

impl Secrets<'_> {
    /// Whether `text` holds any of them, in any form.
    pub(super) fn found_in(&self, text: &[u8]) -> bool {
        self.0
            .iter()
            .flatten()
            .any(|t| secrets::contains(text, t.expose().as_bytes()))
    }

    /// `e` with every one of them masked.
    pub(super) fn redact(&self, e: Error) -> Error {
        self.0.iter().flatten().fold(e, |e, t| e.redact(t.expose()))
    }
}
