//! Exit statuses, one per class of error, and the error a command ends with.

use std::process::ExitCode;

use fwclient_core::{Error, ErrorKind, Remedy};

use crate::remedy;

/// Success (what `ExitCode::SUCCESS` gives; no library error maps to it).
#[cfg(test)]
const OK: u8 = 0;
/// Anything not covered below (an internal error).
pub const FAILURE: u8 = 1;
/// A bad command line, option value or environment variable.
pub const USAGE: u8 = 2;
/// No token: none found, none given, or the server says none was sent
/// (also when one was withheld from an origin that is not trusted).
pub const NO_TOKEN: u8 = 3;
/// The server rejected the token (invalid or expired, bad header).
pub const TOKEN_REJECTED: u8 = 4;
/// The token is good but lacks a permission or a Terms of Service acceptance.
pub const FORBIDDEN: u8 = 5;
/// The server answered another error status, or an answer that makes no sense.
pub const SERVER: u8 = 6;
/// The server could not be reached safely: network, timeout, TLS, plain http.
pub const NETWORK: u8 = 7;
/// A secret file could not be read or written, or is malformed.
pub const FILES: u8 = 8;
/// save-token: the key already holds a token (use --overwrite).
pub const TOKEN_EXISTS: u8 = 9;
/// The token given is not a usable token.
pub const BAD_TOKEN: u8 = 10;

/// The exit statuses, for every `--help`.
pub const SUMMARY: &str = "Exit status: 0 success, 1 other error, 2 usage, 3 no token, 4 token rejected by\n\
the server, 5 forbidden (permission or Terms of Service), 6 server error, 7 network\n\
or TLS, 8 secret file error, 9 token already saved (--overwrite), 10 bad token format.\n";

/// The status for a library error of `kind`.
pub fn for_kind(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::InvalidArgument | ErrorKind::InvalidUrl => USAGE,
        ErrorKind::NotAuthenticated | ErrorKind::UntrustedOrigin => NO_TOKEN,
        ErrorKind::InvalidToken | ErrorKind::BadAuthHeader => TOKEN_REJECTED,
        ErrorKind::MissingTos | ErrorKind::Forbidden => FORBIDDEN,
        ErrorKind::HttpStatus | ErrorKind::BadResponse => SERVER,
        ErrorKind::Network
        | ErrorKind::Timeout
        | ErrorKind::Canceled
        | ErrorKind::Tls
        | ErrorKind::InsecureUrl => NETWORK,
        ErrorKind::Io | ErrorKind::SecretFile => FILES,
        ErrorKind::TokenExists => TOKEN_EXISTS,
        ErrorKind::InvalidTokenFormat => BAD_TOKEN,
    }
}

/// How a command failed: the exit status, the message for standard error
/// and what fixes it. Messages come from the library (which never puts a
/// token in one) or from this program (which never does either).
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
    /// What fixes it, said in fwauth's words by `report`.
    remedy: Remedy,
}

impl CliError {
    pub fn new(code: u8, message: impl Into<String>) -> CliError {
        CliError {
            code,
            message: message.into(),
            remedy: Remedy::None,
        }
    }

    /// The same error with `remedy` said after it.
    pub fn with_remedy(mut self, remedy: Remedy) -> CliError {
        self.remedy = remedy;
        self
    }

    /// Prints the message with its fix (and how to set up a token, for
    /// token problems no other fix covers) and gives the status. `server`:
    /// the --server (or setup-token SERVER) the user gave, kept in every
    /// command the message suggests.
    pub fn report(&self, server: Option<&str>) -> ExitCode {
        let fwauth = match server {
            Some(s) => format!("fwauth --server {s}"),
            None => "fwauth".to_owned(),
        };
        eprintln!("fwauth: {}", self.message);
        if let Some(fix) = remedy::in_fwauth(&self.remedy, &fwauth) {
            eprintln!("fwauth: fix: {fix}");
        }
        let no_other_fix = matches!(self.remedy, Remedy::None | Remedy::LogIn);
        if matches!(self.code, NO_TOKEN | TOKEN_REJECTED) && no_other_fix {
            eprintln!(
                "fwauth: to set up a token: {fwauth} setup-token (guided), or {fwauth} new-token \
                 and then {fwauth} save-token"
            );
        }
        ExitCode::from(self.code)
    }
}

impl From<Error> for CliError {
    fn from(e: Error) -> CliError {
        CliError {
            remedy: e.remedy().clone(),
            ..CliError::new(for_kind(e.kind()), cli_message(&e))
        }
    }
}

/// The library's message in a shell user's terms: what the server said,
/// without the library calls its messages suggest (the report adds the
/// fwauth commands instead).
pub fn cli_message(e: &Error) -> String {
    let url = e.detail().and_then(|d| d.url.as_deref());
    match (e.kind(), url) {
        (ErrorKind::InvalidToken, Some(url)) => format!(
            "the server rejected the token as invalid or expired ({url}, HTTP {})",
            e.http_status()
        ),
        (ErrorKind::NotAuthenticated, Some(url)) => format!(
            "not authenticated: {url} answered that no token was sent (HTTP {})",
            e.http_status()
        ),
        _ => e.message().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_status_and_classes_are_distinct() {
        for k in ErrorKind::ALL {
            let code = for_kind(k);
            assert!(code <= BAD_TOKEN, "{k:?}");
            assert_ne!(code, OK, "{k:?}");
        }
        assert_eq!(for_kind(ErrorKind::InvalidToken), TOKEN_REJECTED);
        assert_eq!(for_kind(ErrorKind::Timeout), NETWORK);
        assert_eq!(for_kind(ErrorKind::TokenExists), TOKEN_EXISTS);
    }
}
