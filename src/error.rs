//! Errors of the core: one kind per `fw_result` code, a message that never
//! holds a token, and the details a server answer carried.

use std::fmt;

/// The class of an error. The numbers are the C ABI's `fw_result` codes:
/// they are fixed forever, never reused, and `Ok` is 0.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Success (only meaningful at the C ABI).
    Ok = 0,
    /// A parameter is NULL, not UTF-8, out of range or otherwise unusable.
    InvalidArgument = 1,
    /// A token is empty, longer than FW_MAX_TOKEN_BYTES (8192), or holds
    /// whitespace, control or non-ASCII characters.
    InvalidTokenFormat = 2,
    /// save_token without overwrite found the key already in the file.
    TokenExists = 3,
    /// Reading or writing a file failed.
    Io = 4,
    /// A secret file is not a JSON object, or its token is not a string.
    SecretFile = 5,
    /// The server asked for a token and none was sent.
    NotAuthenticated = 10,
    /// The server rejected the token as invalid or expired.
    InvalidToken = 11,
    /// The server rejected the Authorization header (400 bad_auth_header).
    BadAuthHeader = 12,
    /// The user must accept the Terms of Service (403 missing_tos).
    MissingTos = 13,
    /// The user lacks a permission (403 missing_permission or admin text).
    Forbidden = 14,
    /// Any other non-2xx answer.
    HttpStatus = 15,
    /// Connecting, sending or receiving failed.
    Network = 20,
    /// A connect or overall timeout elapsed.
    Timeout = 21,
    /// The TLS handshake or certificate check failed.
    Tls = 22,
    /// A token would have been sent over plain http to a non-loopback host.
    InsecureUrl = 23,
    /// A URL could not be parsed or has an unsupported scheme.
    InvalidUrl = 24,
    /// The server's answer is malformed, too large, or a redirect loop.
    BadResponse = 25,
    /// The request needed the token, but its origin is not trusted, so the
    /// token was withheld (or the answer that would have made it trusted
    /// came through a redirect to another origin).
    UntrustedOrigin = 26,
    /// A Rust panic was caught at the C boundary.
    Panic = 99,
}

impl ErrorKind {
    /// Every kind, in code order.
    pub const ALL: [ErrorKind; 20] = [
        ErrorKind::Ok,
        ErrorKind::InvalidArgument,
        ErrorKind::InvalidTokenFormat,
        ErrorKind::TokenExists,
        ErrorKind::Io,
        ErrorKind::SecretFile,
        ErrorKind::NotAuthenticated,
        ErrorKind::InvalidToken,
        ErrorKind::BadAuthHeader,
        ErrorKind::MissingTos,
        ErrorKind::Forbidden,
        ErrorKind::HttpStatus,
        ErrorKind::Network,
        ErrorKind::Timeout,
        ErrorKind::Tls,
        ErrorKind::InsecureUrl,
        ErrorKind::InvalidUrl,
        ErrorKind::BadResponse,
        ErrorKind::UntrustedOrigin,
        ErrorKind::Panic,
    ];

    /// The C name of the code, e.g. `"FW_ERR_IO"`.
    pub fn name(self) -> &'static str {
        self.c_name().to_str().unwrap_or("FW_UNKNOWN_RESULT")
    }

    /// The C name as a NUL-terminated static string.
    pub fn c_name(self) -> &'static std::ffi::CStr {
        match self {
            ErrorKind::Ok => c"FW_OK",
            ErrorKind::InvalidArgument => c"FW_ERR_INVALID_ARGUMENT",
            ErrorKind::InvalidTokenFormat => c"FW_ERR_INVALID_TOKEN_FORMAT",
            ErrorKind::TokenExists => c"FW_ERR_TOKEN_EXISTS",
            ErrorKind::Io => c"FW_ERR_IO",
            ErrorKind::SecretFile => c"FW_ERR_SECRET_FILE",
            ErrorKind::NotAuthenticated => c"FW_ERR_NOT_AUTHENTICATED",
            ErrorKind::InvalidToken => c"FW_ERR_INVALID_TOKEN",
            ErrorKind::BadAuthHeader => c"FW_ERR_BAD_AUTH_HEADER",
            ErrorKind::MissingTos => c"FW_ERR_MISSING_TOS",
            ErrorKind::Forbidden => c"FW_ERR_FORBIDDEN",
            ErrorKind::HttpStatus => c"FW_ERR_HTTP_STATUS",
            ErrorKind::Network => c"FW_ERR_NETWORK",
            ErrorKind::Timeout => c"FW_ERR_TIMEOUT",
            ErrorKind::Tls => c"FW_ERR_TLS",
            ErrorKind::InsecureUrl => c"FW_ERR_INSECURE_URL",
            ErrorKind::InvalidUrl => c"FW_ERR_INVALID_URL",
            ErrorKind::BadResponse => c"FW_ERR_BAD_RESPONSE",
            ErrorKind::UntrustedOrigin => c"FW_ERR_UNTRUSTED_ORIGIN",
            ErrorKind::Panic => c"FW_ERR_PANIC",
        }
    }

    /// The kind with this code, if any.
    pub fn from_code(code: u32) -> Option<ErrorKind> {
        ErrorKind::ALL.into_iter().find(|k| *k as u32 == code)
    }
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
    /// The raw body of the answer.
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

/// An error of the library: a kind, a message for people, and the details of
/// the server's answer when there was one. Messages never contain a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    detail: Option<Box<HttpDetail>>,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            detail: None,
        }
    }

    /// An error that came from a server's answer.
    pub fn http(kind: ErrorKind, message: impl Into<String>, detail: HttpDetail) -> Error {
        Error {
            kind,
            message: message.into(),
            detail: Some(Box::new(detail)),
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
    /// message and details, in any form: literal, percent-encoded or
    /// case-changed (the matcher of `http::secrets`).
    pub fn redact(mut self, secret: &str) -> Error {
        use crate::http::secrets::{mask, mask_str};
        let hide = |s: &mut String| {
            if let Some(masked) = mask_str(s, secret) {
                *s = masked;
            }
        };
        hide(&mut self.message);
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
                d.body = masked;
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
    fn codes_are_fixed() {
        assert_eq!(ErrorKind::Ok as u32, 0);
        assert_eq!(ErrorKind::SecretFile as u32, 5);
        assert_eq!(ErrorKind::NotAuthenticated as u32, 10);
        assert_eq!(ErrorKind::BadResponse as u32, 25);
        assert_eq!(ErrorKind::UntrustedOrigin as u32, 26);
        assert_eq!(ErrorKind::Panic as u32, 99);
        for k in ErrorKind::ALL {
            assert_eq!(ErrorKind::from_code(k as u32), Some(k));
            assert!(k.name().starts_with("FW_"));
        }
        assert_eq!(ErrorKind::from_code(6), None);
    }

    #[test]
    fn redact_masks_every_copy() {
        let detail = HttpDetail {
            status: 404,
            url: Some("http://h/user/token/fake_sekrit_1/ttl".into()),
            body: b"no fake_sekrit_1 here, fake_sekrit_1".to_vec(),
            ..HttpDetail::default()
        };
        let e =
            Error::http(ErrorKind::HttpStatus, "bad FAKE_SEKRIT_1", detail).redact("fake_sekrit_1");
        let shown = format!("{e:?} {e}").to_ascii_lowercase();
        assert!(!shown.contains("fake_sekrit_1"), "{shown}");
        assert_eq!(e.detail().unwrap().body, b"no <redacted> here, <redacted>");
        let encoded =
            Error::new(ErrorKind::HttpStatus, "at /fake%5Fsekrit%5f1/ttl").redact("fake_sekrit_1");
        assert_eq!(encoded.message(), "at /<redacted>/ttl");
    }
}
