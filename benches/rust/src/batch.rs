//! Item 9 (issue 23): many GETs at once against a delaying loopback server
//! (fw-devserver's `/fault/stall?ms=50`, plain and TLS): fwclient's batch
//! (`fw_client_get_many`, benches/batch/bench_batch.c built as
//! `bench_batch_fw`) next to libcurl's multi interface (the same source
//! built as `bench_batch_curl`), and the Python peers as their users fan
//! out (benches/batch/peers.py: caveclient's configured session under a
//! ThreadPoolExecutor, cloud-files' get with num_threads), each run in its
//! own process. TLS handshakes are the TLS connections the server accepted
//! (one handshake each).

use std::path::Path;

use crate::programs::{self, Output};
use crate::report::{Report, ratio, rps};
use crate::scale::DevServer;
use crate::stats::median;

/// One scenario: requests, in flight, the server's delay, every how many
/// items a first answer is `429 Retry-After: 1` (0: none), over TLS.
struct Scenario {
    label: &'static str,
    n: usize,
    in_flight: usize,
    limit_every: usize,
    tls: bool,
    peers: bool,
}

const DELAY_MS: &str = "50";

const SCENARIOS: [Scenario; 4] = [
    Scenario {
        label: "1,000 GETs, 64 in flight",
        n: 1000,
        in_flight: 64,
        limit_every: 0,
        tls: false,
        peers: true,
    },
    Scenario {
        label: "1,000 GETs, 64 in flight, TLS",
        n: 1000,
        in_flight: 64,
        limit_every: 0,
        tls: true,
        peers: true,
    },
    Scenario {
        label: "1,000 GETs, 64 in flight, 5% first answers 429 Retry-After: 1",
        n: 1000,
        in_flight: 64,
        limit_every: 20,
        tls: false,
        peers: false,
    },
    Scenario {
        label: "10,000 GETs, 256 in flight",
        n: 10_000,
        in_flight: 256,
        limit_every: 0,
        tls: false,
        peers: false,
    },
];

/// The runs of one scenario, per client (fw and curl alternated).
pub struct Runs {
    fw: Vec<Output>,
    curl: Vec<Output>,
    caveclient: Option<Output>,
    cloudfiles: Option<Output>,
}

pub struct Results {
    runs: Vec<Runs>,
    python: Option<String>,
}

pub fn run(bin_dir: &Path, libdir: &Path, python: Option<&Path>, quick: bool) -> Results {
    let rounds = if quick { 1 } else { 3 };
    let tls_dir = std::env::temp_dir().join(format!("fwbench-batch-tls-{}", std::process::id()));
    let tls_arg = tls_dir.to_str().expect("utf-8").to_owned();
    let plain = DevServer::start(libdir);
    let tls = DevServer::start_with(libdir, &["--tls-self-signed", &tls_arg]);
    let ca = tls_dir.join("ca.pem");
    let ca = ca.to_str().expect("utf-8");
    let python = python.filter(|p| p.exists());
    let mut runs = vec![];
    for s in &SCENARIOS {
        eprintln!("fwbench: item 9: {}", s.label);
        let (base, ca) = if s.tls {
            (tls.url.as_str(), Some(ca))
        } else {
            (plain.url.as_str(), None)
        };
        let n = s.n.to_string();
        let in_flight = s.in_flight.to_string();
        let limit = s.limit_every.to_string();
        let mut args = vec![base, &n, &in_flight, DELAY_MS, &limit];
        args.extend(ca);
        let (mut fw, mut curl) = (vec![], vec![]);
        for _ in 0..rounds {
            fw.push(programs::run(&bin_dir.join("bench_batch_fw"), &args));
            // libcurl has no retry: the 429 scenario is fwclient's alone.
            if s.limit_every == 0 {
                curl.push(programs::run(&bin_dir.join("bench_batch_curl"), &args));
            }
        }
        let peer = |which: &str| {
            python.filter(|_| s.peers).map(|py| {
                let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../batch/peers.py");
                let script = script.to_str().expect("utf-8");
                let mut a = vec![script, which, base, &n, &in_flight, DELAY_MS];
                a.extend(ca);
                programs::run(py, &a)
            })
        };
        runs.push(Runs {
            caveclient: peer("caveclient"),
            cloudfiles: peer("cloudfiles"),
            fw,
            curl,
        });
    }
    drop(tls);
    let _ = std::fs::remove_dir_all(&tls_dir);
    Results {
        runs,
        python: python.map(|p| p.display().to_string()),
    }
}

fn seconds(o: &Output) -> f64 {
    programs::num(o, "seconds")
}

/// The median run by wall time.
fn typical(runs: &[Output]) -> Option<&Output> {
    let mut sorted: Vec<&Output> = runs.iter().collect();
    sorted.sort_by(|a, b| seconds(a).total_cmp(&seconds(b)));
    sorted.get(sorted.len() / 2).copied()
}

/// A table cell: wall time, rate, connections (handshakes), peak RSS, CPU.
fn cell(o: &Output, tls: bool) -> String {
    let n = programs::num(o, "requests");
    let s = seconds(o);
    let conns = programs::num(o, "connections");
    let failures = programs::num(o, "failures");
    format!(
        "{s:.2} s ({}), {conns:.0} conn.{}, peak RSS {:.1} MiB, {:.0} µs CPU/req{}",
        rps(n / s),
        if tls {
            format!(" ({conns:.0} handshakes)")
        } else {
            String::new()
        },
        programs::num(o, "peak_rss_kib") / 1024.0,
        programs::num(o, "cpu_us") / n,
        if failures > 0.0 {
            format!(", **{failures:.0} failed**")
        } else {
            String::new()
        }
    )
}

pub fn section(rep: &mut Report, r: &Results) {
    rep.heading("9. Many requests at once (issue 23)");
    rep.para(&format!(
        "benches/batch: N GETs of fw-devserver `/fault/stall?ms={DELAY_MS}` (an answer after \
         {DELAY_MS} ms), plain and TLS (a self-signed CA), each client in its own process: \
         fwclient's `fw_client_get_many` (bench_batch_fw, libfwclient alone), libcurl's multi \
         interface with as many easy handles as requests in flight and \
         `CURLMOPT_MAX_HOST_CONNECTIONS` at that number (bench_batch_curl, libcurl alone), and \
         the Python peers as their users fan out (peers.py: caveclient 8's configured \
         `requests` session under a `ThreadPoolExecutor` of as many threads, cloud-files' `get` \
         with `num_threads`{}). Connections are those the server accepted during the batch; over \
         TLS each is one handshake. fwclient and libcurl alternate; the median run by wall time \
         is shown, ratios are of medians.",
        match &r.python {
            Some(p) => format!("; Python {p}"),
            None => "; **not run: no virtual environment with caveclient and cloud-files \
                     (make bench-pyvenv)**"
                .to_owned(),
        }
    ));
    let mut rows = vec![];
    for (s, runs) in SCENARIOS.iter().zip(&r.runs) {
        let fw_s = median(&runs.fw.iter().map(seconds).collect::<Vec<_>>());
        let fw = typical(&runs.fw).expect("a run");
        let conns = runs
            .fw
            .iter()
            .map(|o| programs::num(o, "connections"))
            .fold(0.0, f64::max);
        let failures: f64 = runs.fw.iter().map(|o| programs::num(o, "failures")).sum();
        let curl = typical(&runs.curl);
        let curl_s = (!runs.curl.is_empty())
            .then(|| median(&runs.curl.iter().map(seconds).collect::<Vec<_>>()));
        let cpu = |o: &Output| programs::num(o, "cpu_us") / programs::num(o, "requests");
        let verdict = if s.limit_every > 0 {
            rep.verdict(
                &format!("9. {}", s.label),
                "nothing lost, the wait honoured, under 3.5 s",
                &format!("{failures:.0} failed, {fw_s:.2} s"),
                failures == 0.0 && (1.0..3.5).contains(&fw_s),
            )
        } else if s.n >= 10_000 {
            let curl_s = curl_s.expect("curl runs");
            let fw_cpu = median(&runs.fw.iter().map(cpu).collect::<Vec<_>>());
            let curl_cpu = median(&runs.curl.iter().map(cpu).collect::<Vec<_>>());
            let rss = runs
                .fw
                .iter()
                .map(|o| programs::num(o, "peak_rss_kib"))
                .fold(0.0, f64::max)
                / 1024.0;
            rep.verdict(
                &format!("9. {}", s.label),
                "within 1.3x libcurl multi's time, peak RSS under 32 MiB, CPU within 1.1x libcurl's",
                &format!(
                    "{} libcurl's time, peak RSS {rss:.1} MiB, {} libcurl's CPU",
                    ratio(fw_s / curl_s),
                    ratio(fw_cpu / curl_cpu)
                ),
                failures == 0.0
                    && fw_s <= 1.3 * curl_s
                    && rss < 32.0
                    && fw_cpu <= 1.1 * curl_cpu,
            )
        } else {
            let curl_s = curl_s.expect("curl runs");
            let cave_rate = runs
                .caveclient
                .as_ref()
                .map(|o| programs::num(o, "requests") / seconds(o));
            let fw_rate = s.n as f64 / fw_s;
            rep.verdict(
                &format!("9. {}", s.label),
                "within 1.15x libcurl multi's time, ≤ in-flight connections (handshakes), \
                 ≥ 1.5x caveclient's rate",
                &format!(
                    "{} libcurl's time, {conns:.0} connections, {}",
                    ratio(fw_s / curl_s),
                    cave_rate.map_or("caveclient not run".to_owned(), |c| format!(
                        "{} caveclient's rate",
                        ratio(fw_rate / c)
                    ))
                ),
                failures == 0.0
                    && fw_s <= 1.15 * curl_s
                    && conns <= s.in_flight as f64
                    && cave_rate.is_none_or(|c| fw_rate >= 1.5 * c),
            )
        };
        let other = |o: Option<&Output>| o.map_or("—".to_owned(), |o| cell(o, s.tls));
        rows.push(vec![
            s.label.to_owned(),
            cell(fw, s.tls),
            other(curl),
            other(runs.caveclient.as_ref()),
            other(runs.cloudfiles.as_ref()),
            verdict,
        ]);
    }
    rep.table(
        &[
            "",
            "fwclient batch",
            "libcurl multi",
            "caveclient session, thread pool",
            "cloud-files get",
            "target",
        ],
        &rows,
    );
}
