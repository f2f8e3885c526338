//! Many requests at once (DESIGN.md, "Batches"): up to `max_in_flight`
//! worker threads with small stacks, each making one request at a time
//! through the client's whole policy (trust, redirects, retries,
//! Retry-After, timeouts, the view's per-request options), over a
//! connection pool of the batch's own (so never more connections per origin
//! than workers); results come back to the calling thread through a
//! bounded channel, one at a time, in completion order.
//!
//! Memory does not grow with the number of requests: workers take the next
//! index from a counter and build its request from the caller's data when
//! they start it; at most `max_in_flight` answers wait in the channel.

mod gate;

use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, sync_channel};

use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::http::cancel::{self, Cancel, RequestOptions};
use crate::http::{Request, Response, agents};

pub use gate::{is_client_wide, noticed};

/// The most requests a batch may have in flight (and so its most threads
/// and connections per origin).
pub const MAX_IN_FLIGHT: usize = 1024;

/// A worker's stack: a request (TLS handshake included) needs far less;
/// the default 2 MiB per thread is what makes 256 blocked threads costly.
const WORKER_STACK: usize = 256 * 1024;

/// Makes requests `0..n` (each built by `request` when a worker starts it),
/// at most `max_in_flight` at once, and calls `on_done` on the calling
/// thread with each one's index and outcome as it completes. `on_done`
/// returning `Break` stops the batch: requests in flight are abandoned and
/// the batch fails with [`ErrorKind::Canceled`]; so does a raised cancel
/// flag of `client` (a view). `Ok` once `on_done` ran for every request,
/// whatever each outcome.
///
/// `max_in_flight` must be 1 to [`MAX_IN_FLIGHT`] (0 is an invalid
/// argument: no default is guessed for the caller).
pub fn run<'r, B, D>(
    client: &Client,
    n: usize,
    max_in_flight: usize,
    request: B,
    mut on_done: D,
) -> Result<()>
where
    B: Fn(usize) -> Result<Request<'r>> + Sync,
    D: FnMut(usize, Result<Response>) -> ControlFlow<()>,
{
    if !(1..=MAX_IN_FLIGHT).contains(&max_in_flight) {
        return Err(Error::invalid_argument(format!(
            "the number of requests in flight must be 1 to {MAX_IN_FLIGHT} (got {max_in_flight})"
        )));
    }
    if n == 0 {
        return Ok(());
    }
    let workers = max_in_flight.min(n);
    let watched = client.request_options().cancel.clone();
    // The batch's own flag ends its pauses between tries when it stops (its
    // connections are shut down); the caller's flag (a view's) is watched
    // by the calling thread.
    let stop = Cancel::new();
    let view = client.with_request_options(RequestOptions {
        timeout: client.request_options().timeout,
        cancel: Some(stop.clone()),
    });
    let pool = client.transport().batch_pool();
    let gate = Arc::new(gate::Gate::default());
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        let (tx, rx) = sync_channel(workers);
        let mut started = 0;
        for _ in 0..workers {
            let worker = Worker {
                view: &view,
                request: &request,
                next: &next,
                n,
                stop: &stop,
                gate: &gate,
                tx: tx.clone(),
            };
            let pool = &pool;
            let spawned = std::thread::Builder::new()
                .name("fwclient-batch".into())
                .stack_size(WORKER_STACK)
                .spawn_scoped(s, move || agents::scope(pool, || worker.run()));
            match spawned {
                Ok(_) => started += 1,
                // Fewer workers still finish the batch; none cannot.
                Err(e) if started == 0 => {
                    return Err(Error::new(
                        ErrorKind::Io,
                        format!("cannot start a thread for the batch: {e}"),
                    ));
                }
                Err(_) => break,
            }
        }
        drop(tx);
        // However the batch ends (`on_done` panicking included), nothing
        // more starts; when it ends early, the requests in flight fail at
        // once (their connections shut down) and pauses between tries end
        // within a cancel check, so the workers are joined promptly.
        let mut ending = Ending {
            stop: &stop,
            pool: &pool,
            complete: false,
        };
        let outcome = collect(rx, n, watched.as_ref(), &mut on_done);
        ending.complete = outcome.is_ok();
        outcome
    })
}

/// Hands each outcome to `on_done` until all `n` came, `on_done` says stop,
/// or `watched` is raised.
fn collect<D>(
    rx: Receiver<(usize, Result<Response>)>,
    n: usize,
    watched: Option<&Cancel>,
    on_done: &mut D,
) -> Result<()>
where
    D: FnMut(usize, Result<Response>) -> ControlFlow<()>,
{
    let mut done = 0;
    while done < n {
        let (index, outcome) = match watched {
            None => rx.recv().map_err(|_| lost())?,
            Some(flag) => match rx.recv_timeout(cancel::CHECK_EVERY) {
                Ok(item) => item,
                Err(RecvTimeoutError::Timeout) if flag.is_triggered() => {
                    return Err(stopped("its cancel flag was raised"));
                }
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return Err(lost()),
            },
        };
        if watched.is_some_and(Cancel::is_triggered) {
            return Err(stopped("its cancel flag was raised"));
        }
        done += 1;
        if on_done(index, outcome).is_break() {
            return Err(stopped("its caller asked to stop"));
        }
    }
    Ok(())
}

/// Ends a batch when dropped (see [`run`]).
struct Ending<'a> {
    stop: &'a Cancel,
    pool: &'a agents::Pool,
    /// Every request was handed over: nothing is in flight.
    complete: bool,
}

impl Drop for Ending<'_> {
    fn drop(&mut self) {
        self.stop.trigger();
        if !self.complete {
            self.pool.shut_down();
        }
    }
}

/// One worker's share of a batch.
struct Worker<'a, B> {
    view: &'a Client,
    request: &'a B,
    next: &'a AtomicUsize,
    n: usize,
    stop: &'a Cancel,
    gate: &'a Arc<gate::Gate>,
    tx: SyncSender<(usize, Result<Response>)>,
}

impl<'r, B> Worker<'_, B>
where
    B: Fn(usize) -> Result<Request<'r>> + Sync,
{
    fn run(self) {
        gate::scope(self.gate, || {
            while !self.stop.is_triggered() {
                let index = self.next.fetch_add(1, Ordering::Relaxed);
                if index >= self.n {
                    return;
                }
                // A pause the server asked of the whole client holds new
                // starts (not the requests already made).
                if !self.gate.wait(self.stop) {
                    return;
                }
                let outcome = (self.request)(index).and_then(|req| self.view.request(&req));
                if self.tx.send((index, outcome)).is_err() {
                    return;
                }
            }
        });
    }
}

fn stopped(why: &str) -> Error {
    Error::new(ErrorKind::Canceled, format!("the batch was stopped: {why}"))
}

/// Every worker ended before every result came (a worker panicked).
fn lost() -> Error {
    Error::new(
        ErrorKind::Io,
        "the batch's workers ended before every request was done",
    )
}
