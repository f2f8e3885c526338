//! Item 8 (issue 15): fwclient next to libcurl, the C user's alternative,
//! from benches/curl/bench_curl.c, each measurement in its own process:
//! keep-alive GETs at 1 and 8 threads (against the item 3 responder), a
//! 256 MiB streamed download to a sink and 200 clients over 8 threads
//! against the rate-limited route (both against fw-devserver, started here
//! on 127.0.0.1 with a free port and stopped by its PID).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use crate::programs::{self, Output};
use crate::report::{Report, ratio, rps};
use crate::stats::median;

/// Threads of the GET comparison.
const GET_THREADS: [usize; 2] = [1, 8];
/// The many-workers scenario: clients, threads, the route's limit per second.
const WORKERS: (usize, usize, u64) = (200, 8, 100);

pub struct Results {
    /// Per thread count: (fw, curl) runs, alternated.
    get: Vec<(usize, Vec<Output>, Vec<Output>)>,
    stream_bytes: u64,
    stream: (Vec<Output>, Vec<Output>),
    workers: Output,
    worker_requests: usize,
}

/// fw-devserver, killed when dropped.
pub struct DevServer {
    child: Child,
    pub url: String,
}

impl DevServer {
    pub fn start(libdir: &Path) -> DevServer {
        DevServer::start_with(libdir, &[])
    }

    /// With more arguments (`--tls-self-signed DIR`: https).
    pub fn start_with(libdir: &Path, args: &[&str]) -> DevServer {
        let mut child = Command::new(libdir.join("fw-devserver"))
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start fw-devserver (cargo build --release -p fw-devserver)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("devserver URL");
        let url = line
            .trim()
            .strip_prefix("FW_DEVSERVER_URL=")
            .expect("FW_DEVSERVER_URL=...")
            .to_owned();
        DevServer { child, url }
    }
}

impl Drop for DevServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn run(bin_dir: &Path, libdir: &Path, get_url: &str, quick: bool) -> Results {
    let bin = bin_dir.join("bench_curl");
    let (rounds, seconds) = if quick { (1, "0.5") } else { (5, "2") };
    let get = GET_THREADS
        .iter()
        .map(|&t| {
            let (mut fw, mut curl) = (vec![], vec![]);
            for _ in 0..rounds {
                let threads = t.to_string();
                fw.push(programs::run(
                    &bin,
                    &["get", "fw", &threads, seconds, get_url],
                ));
                curl.push(programs::run(
                    &bin,
                    &["get", "curl", &threads, seconds, get_url],
                ));
            }
            (t, fw, curl)
        })
        .collect();
    let dev = DevServer::start(libdir);
    let stream_bytes: u64 = if quick { 64 << 20 } else { 256 << 20 };
    let big = format!("{}/fault/big?bytes={stream_bytes}", dev.url);
    let (mut fw, mut curl) = (vec![], vec![]);
    for _ in 0..rounds.min(3) {
        fw.push(programs::run(&bin, &["stream", "fw", &big]));
        curl.push(programs::run(&bin, &["stream", "curl", &big]));
    }
    let (clients, threads, rate) = WORKERS;
    let per_client = if quick { 1 } else { 3 };
    let workers = programs::run(
        &bin,
        &[
            "workers",
            &dev.url,
            &clients.to_string(),
            &threads.to_string(),
            &rate.to_string(),
            &per_client.to_string(),
        ],
    );
    Results {
        get,
        stream_bytes,
        stream: (fw, curl),
        workers,
        worker_requests: clients * per_client,
    }
}

fn per_second(o: &Output) -> f64 {
    programs::num(o, "requests") / programs::num(o, "seconds")
}

fn cpu_per_request_us(o: &Output) -> f64 {
    programs::num(o, "cpu_us") / programs::num(o, "requests")
}

fn mib_per_second(o: &Output) -> f64 {
    programs::num(o, "bytes") / programs::num(o, "seconds") / (1 << 20) as f64
}

pub fn section(rep: &mut Report, r: &Results) {
    rep.heading("8. Against libcurl; streaming; many workers (issue 15)");
    rep.para(
        "benches/curl/bench_curl.c, each figure from its own process (CPU time from `getrusage`, \
         peak RSS from `VmHWM`), fwclient and libcurl (libcurl4-openssl, the C user's alternative) run \
         alternately. GETs: keep-alive, the item 3 responder, for a fixed time per run; fwclient \
         shares one client between the threads, libcurl has one easy handle per thread (as it \
         requires). Ratios are of medians over the runs.",
    );
    let mut rows = vec![];
    for (threads, fw, curl) in &r.get {
        let fw_rps = median(&fw.iter().map(per_second).collect::<Vec<_>>());
        let curl_rps = median(&curl.iter().map(per_second).collect::<Vec<_>>());
        let fw_cpu = median(&fw.iter().map(cpu_per_request_us).collect::<Vec<_>>());
        let curl_cpu = median(&curl.iter().map(cpu_per_request_us).collect::<Vec<_>>());
        let v = rep.verdict(
            &format!("8. GET at {threads} thread(s) vs libcurl"),
            "≥ 0.95× libcurl's throughput, CPU per request no more than libcurl's",
            &format!(
                "{} throughput, {} CPU per request",
                ratio(fw_rps / curl_rps),
                ratio(fw_cpu / curl_cpu)
            ),
            fw_rps >= 0.95 * curl_rps && fw_cpu <= curl_cpu,
        );
        rows.push(vec![
            format!("GET, {threads} thread(s)"),
            format!("{}, {fw_cpu:.1} µs CPU/req", rps(fw_rps)),
            format!("{}, {curl_cpu:.1} µs CPU/req", rps(curl_rps)),
            v,
        ]);
    }
    let (fw, curl) = &r.stream;
    let fw_mib = median(&fw.iter().map(mib_per_second).collect::<Vec<_>>());
    let curl_mib = median(&curl.iter().map(mib_per_second).collect::<Vec<_>>());
    let fw_rss = fw
        .iter()
        .map(|o| programs::num(o, "peak_rss_kib"))
        .fold(0.0, f64::max);
    let curl_rss = curl
        .iter()
        .map(|o| programs::num(o, "peak_rss_kib"))
        .fold(0.0, f64::max);
    let fw_cpu = median(
        &fw.iter()
            .map(|o| programs::num(o, "cpu_us"))
            .collect::<Vec<_>>(),
    );
    let curl_cpu = median(
        &curl
            .iter()
            .map(|o| programs::num(o, "cpu_us"))
            .collect::<Vec<_>>(),
    );
    let mib = r.stream_bytes >> 20;
    let v = rep.verdict(
        &format!("8. {mib} MiB streamed to a sink"),
        "≥ 0.9× libcurl's throughput, peak RSS under 16 MiB",
        &format!(
            "{} throughput, peak RSS {:.1} MiB",
            ratio(fw_mib / curl_mib),
            fw_rss / 1024.0
        ),
        fw_mib >= 0.9 * curl_mib && fw_rss < 16.0 * 1024.0,
    );
    rows.push(vec![
        format!("{mib} MiB from fw-devserver `/fault/big`, 64 KiB reads"),
        format!(
            "{fw_mib:.0} MiB/s, {:.0} ms CPU, peak RSS {:.1} MiB",
            fw_cpu / 1000.0,
            fw_rss / 1024.0
        ),
        format!(
            "{curl_mib:.0} MiB/s, {:.0} ms CPU, peak RSS {:.1} MiB",
            curl_cpu / 1000.0,
            curl_rss / 1024.0
        ),
        v,
    ]);
    rep.table(&["", "fwclient", "libcurl", "target"], &rows);

    let (clients, threads, rate) = WORKERS;
    let failures = programs::num(&r.workers, "failures");
    let stats: serde_json::Value = serde_json::from_str(
        r.workers
            .get("stats")
            .and_then(|v| v.first())
            .expect("stats"),
    )
    .expect("stats JSON");
    let most = stats["max_after_first_second"].as_u64().unwrap_or(u64::MAX);
    let v = rep.verdict(
        "8. many workers against a rate limit",
        &format!("no failure; the server never above {rate}/s after the first second"),
        &format!("{failures:.0} failures; at most {most}/s after the first second"),
        failures == 0.0 && most <= rate,
    );
    rep.para(&format!(
        "Many workers: {clients} fwclient clients over {threads} threads, {} GETs in all of \
         fw-devserver `/fault/ratelimit?rate={rate}` (429 with `Retry-After` above {rate} requests \
         a second), default retries raised to 20 and a 120 s total timeout: {failures:.0} \
         failures in {:.1} s; requests let through per second: {}. {v}.",
        r.worker_requests,
        programs::num(&r.workers, "seconds"),
        stats["admitted"]
    ));
}
