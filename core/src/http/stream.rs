//! A streamed answer: status and headers first, then the body in chunks as
//! the caller reads it, never held whole. The connection goes back to the
//! pool only when the body was read to its end; a stream dropped earlier
//! closes it (the rest of the body is never read, nor waited for).
//!
//! A stream keeps its request's cancel flag and deadline for its whole
//! life: every read runs in the flag's [`cancel::scope`] (so a raised flag
//! ends a read waiting for the server within [`cancel::CHECK_EVERY`]), and
//! a read that times out names the limit in effect (the request's own
//! timeout when it set one).

use std::io::Read;
use std::time::{Duration, Instant};

use super::cancel::{self, Cancel};
use super::failure::{classify, timeout};
use super::response::Response;
use crate::error::{Error, Result};
use crate::options::HttpOptions;

/// The body of an answer, still on its connection.
pub(crate) type BodyReader = ureq::BodyReader<'static>;

/// A 2xx answer whose body is read on demand. The request's total timeout
/// bounds the reading too.
pub struct Stream {
    /// Status, headers and URL; its body is empty.
    head: Response,
    /// `None` once the body was read to its end, failed, or for a body-less
    /// answer (HEAD).
    reader: Option<BodyReader>,
    /// Bytes read so far.
    read: u64,
    opts: HttpOptions,
    /// The request's limits, kept while the body is read.
    limits: Limits,
}

/// What bounds a request for as long as its body is read: its cancel
/// flag, its deadline and the total time that deadline stands for.
#[derive(Clone, Debug)]
pub(crate) struct Limits {
    pub(crate) cancel: Option<Cancel>,
    pub(crate) deadline: Instant,
    pub(crate) total: Duration,
}

impl Stream {
    pub(crate) fn new(
        head: Response,
        reader: Option<BodyReader>,
        opts: HttpOptions,
        limits: Limits,
    ) -> Stream {
        Stream {
            head,
            reader,
            read: 0,
            opts,
            limits,
        }
    }

    /// Status, headers and URL of the answer (its `body` is empty).
    pub fn head(&self) -> &Response {
        &self.head
    }

    pub fn status(&self) -> u16 {
        self.head.status
    }

    /// As [`Response::header`].
    pub fn header(&self, name: &str) -> Option<std::borrow::Cow<'_, str>> {
        self.head.header(name)
    }

    /// Whether the body was read to its end (the connection is then back in
    /// the pool).
    pub fn is_finished(&self) -> bool {
        self.reader.is_none()
    }

    /// Bytes of the body read so far.
    pub fn bytes_read(&self) -> u64 {
        self.read
    }

    /// Reads the next bytes of the body into `buf`; 0 at the end (and for
    /// an empty `buf`). After an error the stream is at its end and its
    /// connection closed: a read-timeout or reset is never retried (bytes
    /// of the answer may have been handed out already). A raised cancel
    /// flag ends a read with [`ErrorKind::Canceled`](crate::ErrorKind::Canceled), a passed
    /// deadline with [`ErrorKind::Timeout`](crate::ErrorKind::Timeout).
    pub fn read_chunk(&mut self, buf: &mut [u8]) -> Result<usize> {
        if self.reader.is_none() || buf.is_empty() {
            return Ok(0);
        }
        let stop = if self
            .limits
            .cancel
            .as_ref()
            .is_some_and(Cancel::is_triggered)
        {
            Some(cancel::canceled(&self.head.url))
        } else if Instant::now() >= self.limits.deadline {
            Some(timeout(&self.head.url, self.limits.total))
        } else {
            None
        };
        if let Some(e) = stop {
            self.reader = None;
            return Err(self.after_bytes(e));
        }
        let reader = self.reader.as_mut().expect("checked above");
        let got = cancel::scope(self.limits.cancel.as_ref(), || reader.read(buf));
        match got {
            Ok(0) => {
                // The end: the reader has given the connection back.
                self.reader = None;
                Ok(0)
            }
            Ok(n) => {
                self.read += n as u64;
                Ok(n)
            }
            Err(e) => {
                self.reader = None;
                Err(self.failure(e))
            }
        }
    }

    fn failure(&self, e: std::io::Error) -> Error {
        let url = &self.head.url;
        let error = if self
            .limits
            .cancel
            .as_ref()
            .is_some_and(Cancel::is_triggered)
        {
            cancel::canceled(url)
        } else {
            classify(ureq::Error::from(e), url, &self.opts, self.limits.total).error
        };
        self.after_bytes(error)
    }

    fn after_bytes(&self, e: Error) -> Error {
        e.context(&format!("reading the body after {} bytes: ", self.read))
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.read_chunk(buf).map_err(std::io::Error::other)
    }
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stream")
            .field("status", &self.head.status)
            .field("url", &self.head.url)
            .field("read", &self.read)
            .field("finished", &self.is_finished())
            .finish()
    }
}
