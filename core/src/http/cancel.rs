//! Per-request options: a timeout replacing the client's overall one, and a
//! cancel flag another thread may raise at any time (Go's context, C++'s
//! stop token). A raised flag ends the request within [`CHECK_EVERY`] plus
//! scheduling: the transport waits for the server in slices that long and
//! looks at the flag between them (the one check point, in
//! [`CancelCheck`]), and a pause between retries looks at it as well.
//!
//! The flag reaches the transport through the calling thread: ureq makes a
//! request on the thread that asks for it, and [`scope`] marks that thread
//! for the time of the request.

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ureq::unversioned::transport::{Buffers, NextTimeout, Transport};

use crate::error::{Error, ErrorKind};

/// How long the transport waits for input before it looks at the flag again.
pub const CHECK_EVERY: Duration = Duration::from_millis(20);

/// A cancel flag, shared by every copy. Raised once, it stays raised.
#[derive(Clone, Debug, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Raises the flag: requests using it end with [`ErrorKind::Canceled`].
    pub fn trigger(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_triggered(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// What one request may set beyond the client's options.
#[derive(Clone, Debug, Default)]
pub struct RequestOptions {
    /// The request's total time (connect, retries, redirects, body),
    /// instead of the client's `total_timeout`.
    pub timeout: Option<Duration>,
    /// Ends the request when raised.
    pub cancel: Option<Cancel>,
}

impl RequestOptions {
    /// The request's total time; zero: none of its own, the client's
    /// applies (the rule of every timeout: zero is "none set here").
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = (!timeout.is_zero()).then_some(timeout);
    }

    /// Ends the requests when `cancel` is raised; `None` removes it.
    pub fn set_cancel(&mut self, cancel: Option<Cancel>) {
        self.cancel = cancel;
    }
}

/// The error of a canceled request to `url`.
pub fn canceled(url: &str) -> Error {
    Error::new(
        ErrorKind::Canceled,
        format!("the request to {url} was canceled"),
    )
}

thread_local! {
    static CURRENT: RefCell<Option<Cancel>> = const { RefCell::new(None) };
}

/// Runs `f` with `cancel` as this thread's flag (restored after).
pub fn scope<R>(cancel: Option<&Cancel>, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Cancel>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let old = self.0.take();
            CURRENT.with(|c| *c.borrow_mut() = old);
        }
    }
    let old = CURRENT.with(|c| c.replace(cancel.cloned()));
    let _restore = Restore(old);
    f()
}

/// Whether this thread's flag (if any) is raised.
pub fn triggered() -> bool {
    CURRENT.with(|c| c.borrow().as_ref().is_some_and(Cancel::is_triggered))
}

/// Whether this thread has a flag at all.
fn watched() -> bool {
    CURRENT.with(|c| c.borrow().is_some())
}

/// A transport that waits for input in slices of [`CHECK_EVERY`] while the
/// calling thread has a cancel flag, and stops when it is raised.
#[derive(Debug)]
pub struct CancelCheck(pub Box<dyn Transport>);

impl Transport for CancelCheck {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.0.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.0.transmit_output(amount, timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        if !watched() {
            return self.0.await_input(timeout);
        }
        // The per-read limit applies to the whole wait, as it would unsliced.
        let whole = timeout.for_read();
        let end = (!whole.after.is_not_happening())
            .then(|| std::time::Instant::now().checked_add(*whole.after))
            .flatten();
        loop {
            if triggered() {
                return Err(ureq::Error::Io(std::io::Error::new(
                    std::io::ErrorKind::Interrupted,
                    "canceled",
                )));
            }
            let left = end.map(|e| e.saturating_duration_since(std::time::Instant::now()));
            let slice = left.map_or(CHECK_EVERY, |l| l.min(CHECK_EVERY));
            let last = left == Some(slice);
            let next = NextTimeout {
                after: slice.into(),
                reason: whole.reason,
                per_read: None,
                per_write: timeout.per_write,
            };
            match self.0.await_input(next) {
                Err(ureq::Error::Timeout(_)) if !last => continue,
                other => return other,
            }
        }
    }

    fn is_open(&mut self) -> bool {
        self.0.is_open()
    }

    fn is_tls(&self) -> bool {
        self.0.is_tls()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_is_per_thread_and_restored() {
        let c = Cancel::new();
        assert!(!triggered());
        scope(Some(&c), || {
            assert!(!triggered());
            c.trigger();
            assert!(triggered());
            scope(None, || assert!(!triggered()));
            assert!(triggered());
        });
        assert!(!triggered());
        let copy = c.clone();
        assert!(copy.is_triggered());
    }
}
