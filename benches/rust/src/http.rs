//! Items 3 and 6: authenticated GETs through `fw_client_get` (one client
//! shared by every thread) against bare ureq agents (one per thread, no
//! auth) and a raw TCP loop (no HTTP library: the responder's headroom),
//! all against the minimal responder, in alternating rounds.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::Barrier;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::ffi::{self, Options};
use crate::resolution::TOKEN;
use crate::stats::{median, process_cpu_us};

pub const PATH: &str = "/bench/small.json";

/// The responder process, stopped (by its PID) when dropped.
pub struct Responder {
    child: Child,
    pub port: u16,
}

impl Responder {
    pub fn start(bin: &std::path::Path) -> Responder {
        let mut child = Command::new(bin)
            .args(["--max-seconds", "900"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("responder port");
        let port = line
            .trim()
            .strip_prefix("PORT=")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("responder said {line:?}"));
        Responder { child, port }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn url(&self) -> String {
        format!("{}{PATH}", self.base())
    }

    /// Requests served, those carrying a bearer token, and CPU time used.
    pub fn stats(&self) -> ServerStats {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        s.write_all(b"GET /__stats HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .expect("write");
        let body = read_response(&mut s, &mut Vec::new());
        let v: serde_json::Value = serde_json::from_slice(&body).expect("stats json");
        let n = |k: &str| v[k].as_f64().expect("number");
        ServerStats {
            requests: n("requests"),
            with_token: n("with_token"),
            cpu_us: n("cpu_us"),
        }
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        // SAFETY: signals our own child, by its PID.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

#[derive(Clone, Copy)]
pub struct ServerStats {
    pub requests: f64,
    pub with_token: f64,
    pub cpu_us: f64,
}

/// Reads one whole response from `s` (using `buf` as scratch) and returns
/// its body.
fn read_response(s: &mut TcpStream, buf: &mut Vec<u8>) -> Vec<u8> {
    buf.clear();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = std::str::from_utf8(&buf[..end]).expect("ascii head");
            let len: usize = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .expect("content-length");
            while buf.len() < end + 4 + len {
                let n = s.read(&mut chunk).expect("read");
                assert!(n > 0, "closed");
                buf.extend_from_slice(&chunk[..n]);
            }
            return buf[end + 4..end + 4 + len].to_vec();
        }
        let n = s.read(&mut chunk).expect("read");
        assert!(n > 0, "closed");
        buf.extend_from_slice(&chunk[..n]);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Impl {
    Fw,
    Bare,
    /// A bare ureq agent doing what fwclient's request does on the wire:
    /// the same headers (token included) and the same timeouts.
    BareSame,
    Raw,
}

/// A ureq agent with fwclient's settings: timeouts (connect 10 s, overall
/// 60 s, each read and write 1 ms less), its user agent, no redirects.
pub fn same_agent() -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent("fwclient/0.1.0")
        .timeout_connect(Some(Duration::from_secs(10)))
        .timeout_global(Some(Duration::from_secs(60)))
        .timeout_per_read(Some(Duration::from_millis(59_999)))
        .timeout_per_write(Some(Duration::from_millis(59_999)))
        .build();
    // With any timeout set, ureq's own resolver looks the host up in a new
    // thread per request (fwclient swaps it for one that does not): the
    // same swap here.
    ureq::Agent::with_parts(
        config,
        ureq::unversioned::transport::DefaultConnector::default(),
        LiteralResolver,
    )
}

/// The GET fwclient sends, with the token, through `agent`.
pub fn same_get(agent: &ureq::Agent, url: &str) -> usize {
    let mut resp = agent
        .get(url)
        .header(
            "authorization",
            concat!("Bearer ", "0123456789abcdef0123456789abcdef"),
        )
        .header(
            "cookie",
            concat!("middle_auth_token=", "0123456789abcdef0123456789abcdef"),
        )
        .call()
        .expect("bare GET");
    let body = resp.body_mut().read_to_vec().expect("bare body");
    assert!(body.first() == Some(&b'{'), "unexpected body");
    body.len()
}

/// Resolves the responder's `127.0.0.1:port` without a lookup (and so
/// without ureq's thread per lookup when a timeout is set).
#[derive(Debug)]
struct LiteralResolver;

impl ureq::unversioned::resolver::Resolver for LiteralResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        _config: &ureq::config::Config,
        _timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let ip: std::net::IpAddr = uri
            .host()
            .and_then(|h| h.parse().ok())
            .ok_or(ureq::Error::HostNotFound)?;
        let mut addrs = self.empty();
        addrs.push(std::net::SocketAddr::new(ip, uri.port_u16().unwrap_or(80)));
        Ok(addrs)
    }
}

/// One timed phase.
#[derive(Clone, Copy)]
pub struct Phase {
    pub requests: f64,
    pub secs: f64,
    pub client_cpu_us: f64,
    pub server_cpu_us: f64,
    pub server_requests: f64,
    pub with_token: f64,
}

impl Phase {
    /// Two phases of the same client as one.
    fn plus(&self, o: &Phase) -> Phase {
        Phase {
            requests: self.requests + o.requests,
            secs: self.secs + o.secs,
            client_cpu_us: self.client_cpu_us + o.client_cpu_us,
            server_cpu_us: self.server_cpu_us + o.server_cpu_us,
            server_requests: self.server_requests + o.server_requests,
            with_token: self.with_token + o.with_token,
        }
    }

    pub fn rps(&self) -> f64 {
        self.requests / self.secs
    }
    pub fn client_us_per_req(&self) -> f64 {
        self.client_cpu_us / self.requests
    }
    pub fn server_us_per_req(&self) -> f64 {
        self.server_cpu_us / self.requests
    }
    /// Share of one core the responder used.
    pub fn server_core_share(&self) -> f64 {
        self.server_cpu_us / (self.secs * 1e6)
    }
    /// Cores the client process used.
    pub fn client_cores(&self) -> f64 {
        self.client_cpu_us / (self.secs * 1e6)
    }
}

/// Everything the phases need, made once: the shared fwclient client and
/// one bare agent per thread (connections stay warm across rounds).
pub struct Bench<'a> {
    pub responder: &'a Responder,
    url: String,
    url_c: std::ffi::CString,
    client: ffi::Client,
    agents: Vec<ureq::Agent>,
    same_agents: Vec<ureq::Agent>,
    raw_request: Vec<u8>,
}

impl<'a> Bench<'a> {
    pub fn new(responder: &'a Responder, max_threads: usize) -> Bench<'a> {
        let opts = Options::new()
            .token(TOKEN)
            .server_address(&responder.base());
        let url = responder.url();
        Bench {
            responder,
            url_c: ffi::cstring(&url),
            // A bare agent, as ureq makes it: no auth, default settings.
            agents: (0..max_threads)
                .map(|_| ureq::Agent::new_with_defaults())
                .collect(),
            // fwclient's settings: timeouts (connect 10 s, overall 60 s, each
            // read and write 1 ms less), its user agent, no redirects.
            same_agents: (0..max_threads).map(|_| same_agent()).collect(),
            client: ffi::Client::new(&opts),
            // About what ureq sends for this GET.
            raw_request: format!(
                "GET {PATH} HTTP/1.1\r\nhost: 127.0.0.1:{}\r\nuser-agent: raw\r\naccept: */*\r\n\r\n",
                responder.port
            )
            .into_bytes(),
            url,
        }
    }

    fn bare_get(&self, tid: usize) -> usize {
        let mut resp = self.agents[tid].get(&self.url).call().expect("bare GET");
        let body = resp.body_mut().read_to_vec().expect("bare body");
        assert!(body.first() == Some(&b'{'), "unexpected body");
        body.len()
    }

    fn bare_same_get(&self, tid: usize) -> usize {
        same_get(&self.same_agents[tid], &self.url)
    }

    /// `threads` threads doing GETs with `which` for `dur`.
    pub fn phase(&self, which: Impl, threads: usize, dur: Duration) -> Phase {
        let stop = AtomicBool::new(false);
        let count = AtomicU64::new(0);
        let start = Barrier::new(threads + 1);
        let before = self.responder.stats();
        let cpu0 = process_cpu_us();
        let mut t0 = Instant::now();
        std::thread::scope(|s| {
            for tid in 0..threads {
                let (stop, count, start) = (&stop, &count, &start);
                s.spawn(move || {
                    let mut raw = (which == Impl::Raw).then(|| {
                        let s = TcpStream::connect(("127.0.0.1", self.responder.port))
                            .expect("connect");
                        s.set_nodelay(true).expect("nodelay");
                        s
                    });
                    let mut buf = Vec::with_capacity(4096);
                    let mut n = 0u64;
                    start.wait();
                    while !stop.load(Ordering::Relaxed) {
                        match which {
                            Impl::Fw => {
                                std::hint::black_box(self.client.get(&self.url_c));
                            }
                            Impl::Bare => {
                                std::hint::black_box(self.bare_get(tid));
                            }
                            Impl::BareSame => {
                                std::hint::black_box(self.bare_same_get(tid));
                            }
                            Impl::Raw => {
                                let s = raw.as_mut().expect("stream");
                                s.write_all(&self.raw_request).expect("write");
                                std::hint::black_box(read_response(s, &mut buf));
                            }
                        }
                        n += 1;
                    }
                    count.fetch_add(n, Ordering::Relaxed);
                });
            }
            start.wait();
            t0 = Instant::now();
            std::thread::sleep(dur);
            stop.store(true, Ordering::Relaxed);
        });
        let secs = t0.elapsed().as_secs_f64();
        let cpu = process_cpu_us() - cpu0;
        let after = self.responder.stats();
        Phase {
            requests: count.load(Ordering::Relaxed) as f64,
            secs,
            client_cpu_us: cpu,
            server_cpu_us: after.cpu_us - before.cpu_us,
            // Less the /__stats request itself.
            server_requests: after.requests - before.requests - 1.0,
            with_token: after.with_token - before.with_token,
        }
    }
}

/// Rounds of the three implementations at one thread count.
pub struct Scaling {
    pub threads: usize,
    pub fw: Vec<Phase>,
    pub bare: Vec<Phase>,
    pub same: Vec<Phase>,
    pub raw: Vec<Phase>,
}

impl Scaling {
    pub fn ratios(&self) -> Vec<f64> {
        self.fw
            .iter()
            .zip(&self.bare)
            .map(|(f, b)| f.rps() / b.rps())
            .collect()
    }
    /// fwclient against bare ureq sending the same request.
    pub fn same_ratios(&self) -> Vec<f64> {
        self.fw
            .iter()
            .zip(&self.same)
            .map(|(f, b)| f.rps() / b.rps())
            .collect()
    }
    pub fn cpu_ratios(&self) -> Vec<f64> {
        self.fw
            .iter()
            .zip(&self.bare)
            .map(|(f, b)| f.client_us_per_req() / b.client_us_per_req())
            .collect()
    }
    pub fn med(phases: &[Phase], f: impl Fn(&Phase) -> f64) -> f64 {
        median(&phases.iter().map(f).collect::<Vec<_>>())
    }
}

/// The clients of a round, in the order of `Impl`'s variants.
const IMPLS: [Impl; 4] = [Impl::Fw, Impl::Bare, Impl::BareSame, Impl::Raw];

/// The responder saw what the client did: as many requests (within one in
/// flight per thread), and every fwclient one with the token.
fn check(which: Impl, p: &Phase, threads: usize) {
    assert!(
        (p.server_requests - p.requests).abs() <= threads as f64,
        "the responder counted {} requests, the client {}",
        p.server_requests,
        p.requests
    );
    if which == Impl::Fw {
        assert!(
            p.with_token >= p.requests,
            "fwclient GETs went without the token"
        );
    }
}

/// `rounds` rounds at each thread count; in each, every client runs for
/// `dur` in total, in `slices` turns.
pub fn run(
    bench: &Bench<'_>,
    thread_counts: &[usize],
    rounds: usize,
    dur: Duration,
    slices: usize,
) -> Vec<Scaling> {
    let mut out = vec![];
    for &threads in thread_counts {
        for which in IMPLS {
            bench.phase(which, threads, dur / 3); // warm-up
        }
        let mut s = Scaling {
            threads,
            fw: vec![],
            bare: vec![],
            same: vec![],
            raw: vec![],
        };
        for r in 0..rounds {
            // A round is `slices` short turns of each client, the order
            // reversed every other turn: a change in the machine's load that
            // lasts longer than a few turns hits every client alike.
            let mut sum = [None::<Phase>; 4];
            for turn in 0..slices {
                let mut order = IMPLS;
                if (r * slices + turn) % 2 == 1 {
                    order.reverse();
                }
                for which in order {
                    let p = bench.phase(which, threads, dur / slices as u32);
                    check(which, &p, threads);
                    let slot = &mut sum[which as usize];
                    *slot = Some(slot.map_or(p, |s| s.plus(&p)));
                }
            }
            let [fw, bare, same, raw] = sum.map(|p| p.expect("every client ran"));
            s.fw.push(fw);
            s.bare.push(bare);
            s.same.push(same);
            s.raw.push(raw);
        }
        if std::env::var_os("FWBENCH_ROUNDS").is_some() {
            let r: Vec<String> = s.ratios().iter().map(|x| format!("{x:.3}")).collect();
            eprintln!("rounds {threads}: {}", r.join(" "));
        }
        eprintln!(
            "throughput {threads} threads: fwclient {:.0}/s, bare {:.0}/s, same request {:.0}/s, raw {:.0}/s, ratio {:.3} (same request {:.3})",
            Scaling::med(&s.fw, Phase::rps),
            Scaling::med(&s.bare, Phase::rps),
            Scaling::med(&s.same, Phase::rps),
            Scaling::med(&s.raw, Phase::rps),
            median(&s.ratios()),
            median(&s.same_ratios())
        );
        out.push(s);
    }
    out
}
