//! What a failed exchange means: the error a user reads (timeout, network,
//! TLS, bad answer, invalid URL) and whether the request is worth another
//! try. Shared by the transport (requests) and the stream (bodies read
//! later), which both depend on it and not on each other for it.

use std::io::ErrorKind as IoKind;
use std::time::Duration;

use super::tls;
use crate::error::{Error, ErrorKind};
use crate::options::HttpOptions;

/// A failed attempt, and whether trying again may help.
pub(super) struct Failure {
    pub(super) error: Error,
    pub(super) transient: bool,
}

/// The overall limit of a request (all tries and redirects) was reached.
pub(super) fn timeout(url: &str, after: Duration) -> Error {
    Error::new(
        ErrorKind::Timeout,
        format!(
            "request to {url} timed out (overall limit {} ms)",
            after.as_millis()
        ),
    )
}

/// The error for a timeout the agent reports: connecting, or the rest
/// (`total`, the request's limit).
fn agent_timeout(which: ureq::Timeout, url: &str, opts: &HttpOptions, total: Duration) -> Error {
    match which {
        ureq::Timeout::Connect | ureq::Timeout::Resolve => Error::new(
            ErrorKind::Timeout,
            format!(
                "connecting to {url} timed out (connect limit {} ms)",
                opts.connect_timeout.as_millis()
            ),
        ),
        _ => timeout(url, total),
    }
}

pub(super) fn too_large(url: &str, limit: u64) -> Error {
    Error::new(
        ErrorKind::BadResponse,
        format!("the answer of {url} is larger than the limit of {limit} bytes"),
    )
}

/// The error kind of a failed exchange, and whether it is worth retrying;
/// `total` is the request's overall limit (its own timeout, or the
/// client's), named when it ran out.
pub(super) fn classify(e: ureq::Error, url: &str, opts: &HttpOptions, total: Duration) -> Failure {
    let fail = |kind, what: String, transient| Failure {
        error: Error::new(kind, what),
        transient,
    };
    match e {
        ureq::Error::Timeout(which) => Failure {
            error: agent_timeout(which, url, opts, total),
            transient: false,
        },
        ureq::Error::BodyExceedsLimit(limit) => Failure {
            error: too_large(url, limit),
            transient: false,
        },
        ureq::Error::Io(io) => {
            if let Some(cause) = io
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            {
                return Failure {
                    error: tls::failure(url, Some(cause), &io),
                    transient: false,
                };
            }
            match io.kind() {
                IoKind::TimedOut | IoKind::WouldBlock => Failure {
                    error: timeout(url, total),
                    transient: false,
                },
                IoKind::ConnectionReset
                | IoKind::ConnectionAborted
                | IoKind::BrokenPipe
                | IoKind::UnexpectedEof => fail(
                    ErrorKind::Network,
                    format!("connection to {url} was reset: {io}"),
                    true,
                ),
                _ => fail(
                    ErrorKind::Network,
                    format!("cannot reach {url}: {io}"),
                    false,
                ),
            }
        }
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => fail(
            ErrorKind::Network,
            format!("cannot reach {url}: {e}"),
            false,
        ),
        ureq::Error::Rustls(ref cause) => Failure {
            error: tls::failure(url, Some(cause), &e),
            transient: false,
        },
        ureq::Error::Tls(_) | ureq::Error::Pem(_) | ureq::Error::TlsRequired => Failure {
            error: tls::failure(url, None, &e),
            transient: false,
        },
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => fail(
            ErrorKind::InvalidUrl,
            format!("invalid URL \"{url}\": {e}"),
            false,
        ),
        ureq::Error::Protocol(_)
        | ureq::Error::LargeResponseHeader(..)
        | ureq::Error::BodyStalled => fail(
            ErrorKind::BadResponse,
            format!("malformed answer from {url}: {e}"),
            false,
        ),
        other => fail(
            ErrorKind::Network,
            format!("request to {url} failed: {other}"),
            false,
        ),
    }
}
