//! The numbers of the header: `fw_result` (the code every fallible function
//! returns), the one table of error codes (names, numbers and meanings:
//! build.rs derives `ALL`, `name` and the header's `FW_ERRORS` X-macro from
//! it), and the mapping from the core's errors to it, in one exhaustive
//! `match`.

use fwclient_core::ErrorKind;

/// The result of a call: FW_OK (0) or the class of the error. Numbers are
/// fixed forever and never reused; a new code may be added in any release,
/// so treat an unknown non-zero code as a failure.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum fw_result {
    /// Success.
    FW_OK = 0,
    /// A parameter is NULL, not UTF-8, out of range or otherwise unusable.
    FW_ERR_INVALID_ARGUMENT = 1,
    /// A token is empty, longer than FW_MAX_TOKEN_BYTES (8192), or holds
    /// whitespace, control or non-ASCII characters.
    FW_ERR_INVALID_TOKEN_FORMAT = 2,
    /// fw_auth_save_token without FW_SAVE_OVERWRITE found the key already in the file.
    FW_ERR_TOKEN_EXISTS = 3,
    /// Reading or writing a file failed.
    FW_ERR_IO = 4,
    /// A secret file is not a JSON object, or its token is not a string.
    FW_ERR_SECRET_FILE = 5,
    /// The server asked for a token and none was sent.
    FW_ERR_NOT_AUTHENTICATED = 10,
    /// The server rejected the token as invalid or expired.
    FW_ERR_INVALID_TOKEN = 11,
    /// The server rejected the Authorization header (400 bad_auth_header).
    FW_ERR_BAD_AUTH_HEADER = 12,
    /// The user must accept the Terms of Service (403 missing_tos).
    FW_ERR_MISSING_TOS = 13,
    /// The user lacks a permission (403 missing_permission or admin text).
    FW_ERR_FORBIDDEN = 14,
    /// Any other non-2xx answer.
    FW_ERR_HTTP_STATUS = 15,
    /// Connecting, sending or receiving failed.
    FW_ERR_NETWORK = 20,
    /// A connect or overall timeout elapsed.
    FW_ERR_TIMEOUT = 21,
    /// The TLS handshake or certificate check failed.
    FW_ERR_TLS = 22,
    /// A token would have been sent over plain http to a non-loopback host.
    FW_ERR_INSECURE_URL = 23,
    /// A URL could not be parsed or has an unsupported scheme.
    FW_ERR_INVALID_URL = 24,
    /// The server's answer is malformed, too large, or a redirect loop.
    FW_ERR_BAD_RESPONSE = 25,
    /// The request needed the token but goes to an origin that is not
    /// trusted, so the token was withheld (the message names the origin and
    /// how to trust it: fw_options_add_trusted_origin); or a datastack's
    /// info came through a redirect to another origin and was not adopted.
    FW_ERR_UNTRUSTED_ORIGIN = 26,
    /// The request's cancel object (fw_cancel_trigger) ended it.
    FW_ERR_CANCELED = 27,
    /// A Rust panic was caught at the C boundary (a bug of fwclient).
    FW_ERR_PANIC = 99,
}

impl From<ErrorKind> for fw_result {
    fn from(kind: ErrorKind) -> fw_result {
        match kind {
            ErrorKind::InvalidArgument => fw_result::FW_ERR_INVALID_ARGUMENT,
            ErrorKind::InvalidTokenFormat => fw_result::FW_ERR_INVALID_TOKEN_FORMAT,
            ErrorKind::TokenExists => fw_result::FW_ERR_TOKEN_EXISTS,
            ErrorKind::Io => fw_result::FW_ERR_IO,
            ErrorKind::SecretFile => fw_result::FW_ERR_SECRET_FILE,
            ErrorKind::NotAuthenticated => fw_result::FW_ERR_NOT_AUTHENTICATED,
            ErrorKind::InvalidToken => fw_result::FW_ERR_INVALID_TOKEN,
            ErrorKind::BadAuthHeader => fw_result::FW_ERR_BAD_AUTH_HEADER,
            ErrorKind::MissingTos => fw_result::FW_ERR_MISSING_TOS,
            ErrorKind::Forbidden => fw_result::FW_ERR_FORBIDDEN,
            ErrorKind::HttpStatus => fw_result::FW_ERR_HTTP_STATUS,
            ErrorKind::Network => fw_result::FW_ERR_NETWORK,
            ErrorKind::Timeout => fw_result::FW_ERR_TIMEOUT,
            ErrorKind::Tls => fw_result::FW_ERR_TLS,
            ErrorKind::InsecureUrl => fw_result::FW_ERR_INSECURE_URL,
            ErrorKind::InvalidUrl => fw_result::FW_ERR_INVALID_URL,
            ErrorKind::BadResponse => fw_result::FW_ERR_BAD_RESPONSE,
            ErrorKind::UntrustedOrigin => fw_result::FW_ERR_UNTRUSTED_ORIGIN,
            ErrorKind::Canceled => fw_result::FW_ERR_CANCELED,
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/fw_result_table.rs"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_fixed_and_names_are_the_variants() {
        assert_eq!(fw_result::FW_OK as u32, 0);
        assert_eq!(fw_result::FW_ERR_SECRET_FILE as u32, 5);
        assert_eq!(fw_result::FW_ERR_NOT_AUTHENTICATED as u32, 10);
        assert_eq!(fw_result::FW_ERR_BAD_RESPONSE as u32, 25);
        assert_eq!(fw_result::FW_ERR_PANIC as u32, 99);
        for r in fw_result::ALL {
            assert_eq!(fw_result::from_u32(r as u32), Some(r));
            assert_eq!(r.name().to_str().unwrap(), format!("{r:?}"));
        }
        assert_eq!(fw_result::from_u32(6), None);
    }

    #[test]
    fn every_core_kind_has_its_own_error_code() {
        let mut seen: Vec<u32> = ErrorKind::ALL
            .into_iter()
            .map(|k| fw_result::from(k) as u32)
            .collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), ErrorKind::ALL.len());
        assert!(!seen.contains(&0) && !seen.contains(&99));
    }
}
