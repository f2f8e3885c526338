//! A client's ureq agents: one per shard of the threads that use the
//! client, all with the same settings, TLS connector and name cache.
//!
//! A ureq agent keeps its idle connections in one pool behind one mutex,
//! and holds that mutex while it probes a pooled connection (three system
//! calls) and while it tidies the pool (on every checkout and return). With
//! one agent, threads sharing a client queue there: 8 threads on 2 cores
//! made 3.4 futex calls per request. Here each thread keeps to one of
//! [`SHARDS`] agents (threads are dealt out in turn as they first make a
//! request), so threads seldom share a pool; and a thread tends to get back
//! the connection it used last.
//!
//! A batch (crate::batch) brings its own [`Pool`]: agents made for it alone,
//! whose idle limits never drop a connection its workers return, so that a
//! batch of `max_in_flight` workers opens at most that many connections per
//! origin (and closes them when it ends, or shuts them down to abandon the
//! requests in flight). Its workers mark themselves with [`scope`]; every
//! request they make then goes through the pool.

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use ureq::config::Config;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, DefaultConnector, NextTimeout, Transport,
};

use super::resolve::CachingResolver;

/// Agents per client, at most (made on first use: a program with one
/// thread makes one).
const SHARDS: usize = 8;

/// Idle connections kept, per agent and per host of an agent (a thread
/// holds one connection at a time, so an agent rarely needs more than the
/// threads dealt to it).
pub(super) const MAX_IDLE: usize = 16;
pub(super) const MAX_IDLE_PER_HOST: usize = 8;

/// The largest answer head accepted (ureq's default).
pub(super) const MAX_HEAD: usize = 64 * 1024;

/// The input and output buffers of a batch pool's connection (ureq's are
/// 128 KiB each, zero-filled: 64 MiB for 256 connections): the largest
/// answer head accepted (the input buffer holds it whole), and the output
/// buffer, which holds the request's head (the token twice, at most 8 KiB
/// each, and the URL).
pub(super) const BATCH_BUFFERS: (usize, usize) = (16 * 1024, 16 * 1024);

/// The input buffer of a connection that accepts heads of up to `max_head`
/// bytes: it holds the whole head, and one byte more, because ureq refuses
/// a head only once it has read more than the limit (with a buffer no
/// larger, an endless head ends as a dropped connection instead). A body is
/// read through it too, so ureq's 128 KiB is not kept: 256 MiB streamed
/// over loopback took about half the CPU with 32 or 64 KiB than with
/// 128 KiB (bare ureq, 64 KiB reads; the larger buffer falls out of the
/// CPU's cache between the kernel's copy into it and the copy out).
pub(super) const fn input_buffer(max_head: usize) -> usize {
    max_head + 1
}

pub struct Agents {
    /// One config per route: direct first, then one per proxy (the same
    /// settings but the proxy).
    configs: Vec<Config>,
    /// The same, with the idle limits of a batch's pool.
    batch_configs: Vec<Config>,
    connector: Arc<DefaultConnector>,
    resolver: Arc<CachingResolver>,
    agents: Vec<[OnceLock<ureq::Agent>; SHARDS]>,
}

impl Agents {
    /// Agents for each of `configs` (route 0 first), and for batches each of
    /// `batch_configs`; no agent is made yet, nothing is read or connected.
    pub fn new(configs: Vec<Config>, batch_configs: Vec<Config>) -> Agents {
        debug_assert_eq!(configs.len(), batch_configs.len());
        Agents {
            agents: configs.iter().map(|_| Default::default()).collect(),
            configs,
            batch_configs,
            connector: Arc::new(DefaultConnector::default()),
            resolver: Arc::new(CachingResolver::default()),
        }
    }

    /// Runs `f` with the calling thread's agent for `route` (0: direct):
    /// its batch pool's when the thread works for a batch of these agents
    /// (see [`scope`]), else its shard's.
    pub fn with<R>(&self, route: usize, f: impl FnOnce(&ureq::Agent) -> R) -> R {
        BATCH.with(|b| match b.borrow().as_ref() {
            Some(pool) if pool.owner == self as *const Agents as usize => f(&pool.agents[route]),
            _ => f(self.get(route)),
        })
    }

    /// The calling thread's shard's agent for `route`.
    fn get(&self, route: usize) -> &ureq::Agent {
        self.agents[route][thread_shard()].get_or_init(|| {
            ureq::Agent::with_parts(
                self.configs[route].clone(),
                SharedConnector {
                    inner: self.connector.clone(),
                    wrap: cancel_checked,
                },
                SharedResolver(self.resolver.clone()),
            )
        })
    }

    /// A new pool for one batch: agents of its own (with the same TLS
    /// connector and name cache), whose connections close when the last
    /// worker holding it lets go, or at once with [`Pool::shut_down`].
    pub fn pool(&self) -> Arc<Pool> {
        let agents = self
            .batch_configs
            .iter()
            .map(|config| {
                ureq::Agent::with_parts(
                    config.clone(),
                    SharedConnector {
                        inner: self.connector.clone(),
                        wrap: probed_once,
                    },
                    SharedResolver(self.resolver.clone()),
                )
            })
            .collect();
        Arc::new(Pool {
            owner: self as *const Agents as usize,
            agents,
        })
    }
}

/// The agents of one batch (see [`Agents::pool`]).
#[derive(Debug)]
pub struct Pool {
    /// The address of the [`Agents`] it belongs to (the pool serves those
    /// agents' requests only).
    owner: usize,
    /// One per route.
    agents: Vec<ureq::Agent>,
}

impl Pool {
    /// Ends every exchange on the pool's connections now (blocked reads and
    /// writes fail at once, in whatever thread) and refuses new ones: how a
    /// stopped batch abandons its requests in flight.
    pub fn shut_down(&self) {
        for agent in &self.agents {
            agent.clone().shutdown();
        }
    }
}

thread_local! {
    static BATCH: RefCell<Option<Arc<Pool>>> = const { RefCell::new(None) };
}

/// Runs `f` with `pool` as this thread's batch pool (restored after).
pub fn scope<R>(pool: &Arc<Pool>, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Arc<Pool>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let old = self.0.take();
            BATCH.with(|b| *b.borrow_mut() = old);
        }
    }
    let old = BATCH.with(|b| b.replace(Some(Arc::clone(pool))));
    let _restore = Restore(old);
    f()
}

impl std::fmt::Debug for Agents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let made = self
            .agents
            .iter()
            .flatten()
            .filter(|a| a.get().is_some())
            .count();
        f.debug_struct("Agents").field("made", &made).finish()
    }
}

/// This thread's shard, dealt on its first request (of any client).
fn thread_shard() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static SHARD: usize = NEXT.fetch_add(1, Ordering::Relaxed) % SHARDS;
    }
    SHARD.with(|s| *s)
}

/// One TLS connector for all of a client's agents: its TLS settings (the
/// trusted roots) are built once, on the first https connection. `wrap`
/// puts each new connection in the transport its agents want: the cancel
/// check for a client's own agents ([`cancel_checked`]), one probe between
/// exchanges for a batch's pool ([`probed_once`]).
#[derive(Debug)]
struct SharedConnector {
    inner: Arc<DefaultConnector>,
    wrap: fn(Box<dyn Transport>) -> Box<dyn Transport>,
}

impl Connector for SharedConnector {
    type Out = Box<dyn Transport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<()>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        Ok(self.inner.connect(details, chained)?.map(self.wrap))
    }
}

/// Every connection of a client's agents waits for input through the
/// cancel check.
fn cancel_checked(t: Box<dyn Transport>) -> Box<dyn Transport> {
    Box::new(super::cancel::CancelCheck(t))
}

/// A batch pool's connection, without the cancel check's sliced waits (a
/// batch interrupts its connections with [`Pool::shut_down`] instead, so a
/// worker waits for its answer in one system call).
fn probed_once(t: Box<dyn Transport>) -> Box<dyn Transport> {
    Box::new(ProbedOnce {
        inner: t,
        open_at: None,
    })
}

/// How long a probe that found a connection open stands for the next one.
const PROBE_STANDS: std::time::Duration = std::time::Duration::from_millis(5);

/// A batch connection probed once between two exchanges, not twice. The
/// pool probes a connection when it is returned and again when it is taken
/// (three system calls each); in a batch the next request takes it at once,
/// so the second probe, within [`PROBE_STANDS`] of the first with no I/O
/// between, finds what the first found. (Should the server close it in that
/// instant, the reset before any byte of the answer is retried.)
#[derive(Debug)]
struct ProbedOnce {
    inner: Box<dyn Transport>,
    /// When a probe last found the connection open, with no I/O since.
    open_at: Option<std::time::Instant>,
}

impl Transport for ProbedOnce {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.open_at = None;
        self.inner.transmit_output(amount, timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.open_at = None;
        self.inner.await_input(timeout)
    }

    fn is_open(&mut self) -> bool {
        let now = std::time::Instant::now();
        if self
            .open_at
            .take()
            .is_some_and(|at| now.duration_since(at) < PROBE_STANDS)
        {
            return true;
        }
        let open = self.inner.is_open();
        if open {
            self.open_at = Some(now);
        }
        open
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

/// One name cache for all of a client's agents.
#[derive(Debug)]
struct SharedResolver(Arc<CachingResolver>);

impl Resolver for SharedResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        self.0.resolve(uri, config, timeout)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_are_dealt_to_shards_in_turn_and_keep_theirs() {
        let agents = Agents::new(vec![Config::default()], vec![Config::default()]);
        let mine = thread_shard();
        assert_eq!(thread_shard(), mine);
        let a: *const ureq::Agent = agents.get(0);
        assert!(std::ptr::eq(a, agents.get(0)));
        assert!(agents.with(0, |b| std::ptr::eq(a, b)));
        let others: Vec<usize> = (0..SHARDS)
            .map(|_| std::thread::spawn(thread_shard).join().unwrap())
            .collect();
        // SHARDS threads in a row cover every shard (other tests' threads
        // may take turns in between, so only the count is certain).
        let mut distinct = others.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert!(distinct.len() > 1, "{others:?}");
        assert!(others.iter().all(|s| *s < SHARDS));
    }

    #[test]
    fn a_batch_worker_uses_its_pool_for_its_agents_only() {
        let agents = Agents::new(vec![Config::default()], vec![Config::default()]);
        let other = Agents::new(vec![Config::default()], vec![Config::default()]);
        let shard: *const ureq::Agent = agents.get(0);
        let pool = agents.pool();
        let pooled: *const ureq::Agent = scope(&pool, || {
            assert!(other.with(0, |a| std::ptr::eq(a, other.get(0))));
            agents.with(0, |a| a as *const ureq::Agent)
        });
        assert!(!std::ptr::eq(shard, pooled));
        assert!(std::ptr::eq(pooled, &pool.agents[0]));
        assert!(agents.with(0, |a| std::ptr::eq(a, shard)));
    }
}
