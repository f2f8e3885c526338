//! Errors of the core: a kind, a message that never holds a token, and the
//! details a server answer carried.

use std::fmt;

/// Declares `ErrorKind` and its `ALL` from one list of its variants.
macro_rules! error_kinds {
    ($($(#[doc = $doc:literal])* $kind:ident,)*) => {
        /// The class of an error. The C ABI gives each kind a number of its own
        /// (`fw_result`); this crate knows none of them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorKind {
            $($(#[doc = $doc])* $kind,)*
        }

        impl ErrorKind {
            /// Every kind, in declaration order.
            pub const ALL: [ErrorKind; [$(stringify!($kind)),*].len()] = [$(ErrorKind::$kind),*];
        }
    };
}

error_kinds! {
    /// A parameter is missing, not UTF-8, out of range or otherwise unusable.
    InvalidArgument,
    /// A token is empty, longer than MAX_TOKEN_BYTES (8192), or holds
    /// whitespace, control or non-ASCII characters.
    InvalidTokenFormat,
    /// save_token without overwrite found the key already in the file.
    TokenExists,
    /// Reading or writing a file failed.
    Io,
    /// A secret file is not a JSON object, or its token is not a string.
    SecretFile,
    /// The server asked for a token and none was sent.
    NotAuthenticated,
    /// The server rejected the token as invalid or expired.
    InvalidToken,
    /// The server rejected the Authorization header (400 bad_auth_header).
    BadAuthHeader,
    /// The user must accept the Terms of Service (403 missing_tos).
    MissingTos,
    /// The user lacks a permission (403 missing_permission or admin text).
    Forbidden,
    /// Any other non-2xx answer.
    HttpStatus,
    /// Connecting, sending or receiving failed.
    Network,
    /// A connect or overall timeout elapsed.
    Timeout,
    /// The TLS handshake or certificate check failed.
    Tls,
    /// A token would have been sent over plain http to a non-loopback host.
    InsecureUrl,
    /// A URL could not be parsed or has an unsupported scheme.
    InvalidUrl,
    /// The server's answer is malformed, too large, or a redirect loop.
    BadResponse,
    /// The request needed the token, but its origin is not trusted, so the
    /// token was withheld (or the answer that would have made it trusted
    /// came through a redirect to another origin).
    UntrustedOrigin,
    /// The request's cancel flag was raised (see `http::cancel`).
    Canceled,
}

/// What a server's error answer carried, kept for the caller.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct HttpDetail {
    /// HTTP status, 0 when the error did not come from an answer.
    pub status: u16,
    /// The `error` field of a JSON error body (`"missing_tos"`, ...).
    pub server_id: Option<String>,
    /// The URL the request went to (never holds a token: tokens are never put in URLs).
    pub url: Option<String>,
    /// The raw body of the answer, its first
    /// [`ERROR_BODY_LIMIT`](crate::http::transport::ERROR_BODY_LIMIT) bytes
    /// (64 KiB) at most: an excerpt for the error, never read further.
    pub body: Vec<u8>,
    /// `data.tos_form_url` of a `missing_tos` answer.
    pub tos_form_url: Option<String>,
    /// `data.required_permission` of a `missing_permission` answer.
    pub permission: Option<String>,
    /// `data.auth_dataset` of a `missing_permission` answer.
    pub dataset: Option<String>,
}

impl fmt::Debug for HttpDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpDetail")
            .field("status", &self.status)
            .field("server_id", &self.server_id)
            .field("url", &self.url)
            .field("body_len", &self.body.len())
            .field("tos_form_url", &self.tos_form_url)
            .finish()
    }
}

/// What fixes an error, with its data. The core states the problem in its
/// message and names the fix here, in no front end's words: the C ABI hands
/// the remedy to the caller, and each front end (C, C++, Go, Python,
/// `fwauth`) says it in its own terms. Nothing decides anything by reading
/// message text; code that must tell errors apart reads the kind and the
/// remedy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Remedy {
    /// Nothing a caller can do beyond what the message says.
    #[default]
    None,
    /// Save again with overwrite: a token is already saved under the key.
    Overwrite,
    /// Save again with overwrite, replacing the invalid secret file at this
    /// path: the library cannot update it, and keeps it aside as
    /// `<path>.invalid-<timestamp>` (`secrets::file::INVALID_SUFFIX`).
    ReplaceInvalid(String),
    /// Trust this origin (`scheme://host[:port]`) for the token.
    TrustOrigin(String),
    /// Allow the token over plain http to this origin.
    AllowInsecureHttp(String),
    /// Name the server address: it was not given and the default was used.
    SetServer,
    /// Use this address instead of the one given (a corrected form).
    UseAddress(String),
    /// Unset this environment variable: its value wins over the saved token.
    UnsetVariable(String),
    /// Get a token (log in, or save one): none was sent, or it was refused.
    LogIn,
    /// Save a token by hand (copy it from the server's tokens page and
    /// paste it): a browser login did not finish.
    SaveTokenByHand,
    /// Accept the terms of service at this URL.
    AcceptTerms(String),
    /// Run this shell command (a `chmod` or `chown` that makes a file or
    /// directory safe to use).
    RunCommand(String),
    /// Choose the proxy explicitly (none, or an http:// or https:// proxy),
    /// or exempt the host with `NO_PROXY`: the proxy the environment names
    /// cannot be used.
    ChooseProxy,
}

/// The one list of the remedies that carry data: `$remedy` is a `&Remedy`
/// or a `&mut Remedy`, and the value is an `Option` of a reference of the
/// same kind to the data.
macro_rules! remedy_data {
    ($remedy:expr) => {
        match $remedy {
            Remedy::None
            | Remedy::Overwrite
            | Remedy::SetServer
            | Remedy::LogIn
            | Remedy::SaveTokenByHand
            | Remedy::ChooseProxy => None,
            Remedy::ReplaceInvalid(s)
            | Remedy::TrustOrigin(s)
            | Remedy::AllowInsecureHttp(s)
            | Remedy::UseAddress(s)
            | Remedy::UnsetVariable(s)
            | Remedy::AcceptTerms(s)
            | Remedy::RunCommand(s) => Some(s),
        }
    };
}

impl Remedy {
    /// The remedy's data (the path, origin, address, variable, URL, command
    /// or environment variable it names), when it has one.
    pub fn data(&self) -> Option<&str> {
        remedy_data!(self).map(String::as_str)
    }

    /// The data, to mask a secret in it.
    fn data_mut(&mut self) -> Option<&mut String> {
        remedy_data!(self)
    }
}

/// An error of the library: a kind, a message for people, the details of
/// the server's answer when there was one, and its remedy. Messages never
/// contain a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    detail: Option<Box<HttpDetail>>,
    remedy: Remedy,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            detail: None,
            remedy: Remedy::None,
        }
    }

    /// An error that came from a server's answer.
    pub fn http(kind: ErrorKind, message: impl Into<String>, detail: HttpDetail) -> Error {
        Error {
            kind,
            message: message.into(),
            detail: Some(Box::new(detail)),
            remedy: Remedy::None,
        }
    }

    pub fn invalid_argument(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::InvalidArgument, message)
    }

    /// An I/O failure on `path`, doing `what` ("reading", "writing", ...).
    pub fn io(what: &str, path: &std::path::Path, err: &std::io::Error) -> Error {
        Error::new(
            ErrorKind::Io,
            format!("error {what} \"{}\": {err}", path.display()),
        )
    }

    /// The same error (kind and details kept) with `prefix` before its message.
    pub fn context(mut self, prefix: &str) -> Error {
        self.message = format!("{prefix}{}", self.message);
        self
    }

    /// The same error (kind and details kept) with `suffix` after its message.
    pub fn note(mut self, suffix: &str) -> Error {
        self.message.push_str(suffix);
        self
    }

    /// The same error with `remedy` as what fixes it.
    pub fn with_remedy(mut self, remedy: Remedy) -> Error {
        self.remedy = remedy;
        self
    }

    /// What fixes the error (`Remedy::None` when nothing specific does).
    pub fn remedy(&self) -> &Remedy {
        &self.remedy
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn detail(&self) -> Option<&HttpDetail> {
        self.detail.as_deref()
    }

    /// The same error with every copy of `secret` (a token) masked in its
    /// message, details and remedy, in any form: literal, percent-encoded
    /// or case-changed (the matcher of `http::secrets`).
    pub fn redact(mut self, secret: &str) -> Error {
        use crate::http::secrets::{mask, mask_str};
        // What is replaced held the secret: zeroed, not just freed.
        let hide = |s: &mut String| {
            if let Some(masked) = mask_str(s, secret) {
                zeroize::Zeroize::zeroize(&mut std::mem::replace(s, masked));
            }
        };
        hide(&mut self.message);
        if let Some(data) = self.remedy.data_mut() {
            hide(data);
        }
        if let Some(d) = self.detail.as_deref_mut() {
            for field in [
                &mut d.server_id,
                &mut d.url,
                &mut d.tos_form_url,
                &mut d.permission,
                &mut d.dataset,
            ]
            .into_iter()
            .flatten()
            {
                hide(field);
            }
            if let Some(masked) = mask(&d.body, secret.as_bytes()) {
                zeroize::Zeroize::zeroize(&mut std::mem::replace(&mut d.body, masked));
            }
        }
        self
    }

    /// HTTP status of the answer, 0 when none.
    pub fn http_status(&self) -> u16 {
        self.detail.as_ref().map_or(0, |d| d.status)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_masks_every_copy() {
        let detail = HttpDetail {
            status: 404,
            url: Some("http://h/user/token/fake_sekrit_1/ttl".into()),
            body: b"no fake_sekrit_1 here, fake_sekrit_1".to_vec(),
            ..HttpDetail::default()
        };
        let e = Error::http(ErrorKind::HttpStatus, "bad FAKE_SEKRIT_1", detail)
            .with_remedy(Remedy::AcceptTerms("https://x/?t=fake_sekrit_1".into()))
            .redact("fake_sekrit_1");
        let shown = format!("{e:?} {e}").to_ascii_lowercase();
        assert!(!shown.contains("fake_sekrit_1"), "{shown}");
        assert_eq!(e.detail().unwrap().body, b"no <redacted> here, <redacted>");
        assert_eq!(e.remedy().data(), Some("https://x/?t=<redacted>"));
        let encoded =
            Error::new(ErrorKind::HttpStatus, "at /fake%5Fsekrit%5f1/ttl").redact("fake_sekrit_1");
        assert_eq!(encoded.message(), "at /<redacted>/ttl");
    }
}
