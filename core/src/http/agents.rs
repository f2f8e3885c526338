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

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use ureq::config::Config;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    ConnectionDetails, Connector, DefaultConnector, NextTimeout, Transport,
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

pub struct Agents {
    /// One config per route: direct first, then one per proxy (the same
    /// settings but the proxy).
    configs: Vec<Config>,
    connector: Arc<DefaultConnector>,
    resolver: Arc<CachingResolver>,
    agents: Vec<[OnceLock<ureq::Agent>; SHARDS]>,
}

impl Agents {
    /// Agents for each of `configs` (route 0 first); no agent is made yet,
    /// nothing is read or connected.
    pub fn new(configs: Vec<Config>) -> Agents {
        Agents {
            agents: configs.iter().map(|_| Default::default()).collect(),
            configs,
            connector: Arc::new(DefaultConnector::default()),
            resolver: Arc::new(CachingResolver::default()),
        }
    }

    /// The calling thread's agent for `route` (0: direct).
    pub fn get(&self, route: usize) -> &ureq::Agent {
        self.agents[route][thread_shard()].get_or_init(|| {
            ureq::Agent::with_parts(
                self.configs[route].clone(),
                SharedConnector(self.connector.clone()),
                SharedResolver(self.resolver.clone()),
            )
        })
    }
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
/// trusted roots) are built once, on the first https connection.
#[derive(Debug)]
struct SharedConnector(Arc<DefaultConnector>);

impl Connector for SharedConnector {
    type Out = Box<dyn Transport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<()>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        // Every connection waits for input through the cancel check.
        Ok(self
            .0
            .connect(details, chained)?
            .map(|t| Box::new(super::cancel::CancelCheck(t)) as Box<dyn Transport>))
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
        let agents = Agents::new(vec![Config::default()]);
        let mine = thread_shard();
        assert_eq!(thread_shard(), mine);
        let a: *const ureq::Agent = agents.get(0);
        assert!(std::ptr::eq(a, agents.get(0)));
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
}
