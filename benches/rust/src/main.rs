//! `fwbench`: the driver of `make bench` (benches/rules.mk). It measures
//! fwclient side by side with the bare alternatives, in one run, and writes
//! BENCHMARKS.md. Benchmarks, not tests: it asserts that calls succeed and
//! answers are right, never how long anything takes.
//!
//!   fwbench run --bin-dir DIR --out FILE [--libdir DIR] [--callgrind TSV] [--quick]
//!       everything; DIR holds responder, bench_c, bench_cpp, bench_go;
//!       TSV is bench-profile's summary of instruction counts
//!   fwbench resolution ROUNDS ROUND_MS KEYS...
//!       only the token resolution rounds, printed (for working on them)
//!   fwbench throughput BIN_DIR ROUNDS PHASE_MS SLICES THREADS...
//!       only the GET throughput rounds, printed (for working on them)
//!   fwbench profile-get fw|fw-each|bare|same BASE_URL N [THREADS]
//!   fwbench profile-resolve fw|bare SECRETS_DIR N [SERVER]
//!       one loop each, for `valgrind --tool=callgrind` (`make bench-profile`)

mod batch;
mod ffi;
mod http;
mod machine;
mod profile;
mod programs;
mod report;
mod resolution;
mod scale;
mod stats;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use report::{Report, kib, ns, ratio, ratio3, rps, us};
use stats::median;

/// How much of everything a run does.
struct Plan {
    resolution_rounds: usize,
    resolution_round_ms: f64,
    thread_counts: Vec<usize>,
    http_rounds: usize,
    /// Each client's time in a round, and in how many turns it runs.
    phase: Duration,
    http_slices: usize,
    auth_calls: u64,
    auth_rounds: u64,
    get_calls: u64,
    get_rounds: u64,
    get_reps: usize,
    mem_requests: u64,
    mem_clients: u64,
}

impl Plan {
    fn full() -> Plan {
        Plan {
            resolution_rounds: 15,
            resolution_round_ms: 40.0,
            thread_counts: vec![1, 2, 4, 8, 32],
            http_rounds: 21,
            phase: Duration::from_millis(300),
            http_slices: 6,
            auth_calls: 300_000,
            auth_rounds: 7,
            get_calls: 1500,
            get_rounds: 3,
            get_reps: 9,
            mem_requests: 100_000,
            mem_clients: 100_000,
        }
    }

    fn quick() -> Plan {
        Plan {
            resolution_rounds: 3,
            resolution_round_ms: 10.0,
            thread_counts: vec![1, 8],
            http_rounds: 3,
            phase: Duration::from_millis(100),
            http_slices: 2,
            auth_calls: 50_000,
            auth_rounds: 3,
            get_calls: 300,
            get_rounds: 2,
            get_reps: 1,
            mem_requests: 10_000,
            mem_clients: 10_000,
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    match a.get(1..).unwrap_or_default() {
        ["profile-get", which, base, n] => profile_get(which, base, n.parse().expect("N"), 1),
        ["profile-get", which, base, n, threads] => profile_get(
            which,
            base,
            n.parse().expect("N"),
            threads.parse().expect("threads"),
        ),
        ["profile-resolve", which, dir, n] => {
            profile_resolve(which, dir, n.parse().expect("N"), None)
        }
        ["profile-resolve", which, dir, n, server] => {
            profile_resolve(which, dir, n.parse().expect("N"), Some(server))
        }
        ["run", rest @ ..] => run(rest),
        ["batch", bin_dir, libdir, rest @ ..] => {
            // Only item 9, printed: for working on it.
            let python = flag(rest, "--python").map(Path::new);
            let r = batch::run(
                Path::new(bin_dir),
                Path::new(libdir),
                python,
                rest.contains(&"--quick"),
            );
            let mut rep = Report::default();
            batch::section(&mut rep, &r);
            print!("{}", rep.body);
            for (item, target, figure, met) in &rep.verdicts {
                println!("{item}: {target}: {figure}: {}", report::met_word(*met));
            }
        }
        ["resolution", rounds, round_ms, keys @ ..] => {
            // Only items 1/6's resolution rounds, printed: for working on them.
            let tmp = std::env::temp_dir().join(format!("fwbench-res-{}", std::process::id()));
            let keys: Vec<usize> = keys.iter().map(|k| k.parse().expect("keys")).collect();
            resolution::run(
                &tmp,
                &keys,
                rounds.parse().expect("rounds"),
                round_ms.parse().expect("ms"),
            );
            let _ = std::fs::remove_dir_all(&tmp);
        }
        [
            "throughput",
            bin_dir,
            rounds,
            phase_ms,
            slices,
            threads @ ..,
        ] => {
            // Only items 3/6's throughput rounds, printed: for working on it.
            let responder = http::Responder::start(&Path::new(bin_dir).join("responder"));
            let threads: Vec<usize> = threads
                .iter()
                .map(|t| t.parse().expect("threads"))
                .collect();
            let bench = http::Bench::new(&responder, *threads.iter().max().expect("threads"));
            http::run(
                &bench,
                &threads,
                rounds.parse().expect("rounds"),
                Duration::from_millis(phase_ms.parse().expect("ms")),
                slices.parse().expect("slices"),
            );
        }
        _ => {
            eprintln!(
                "usage: fwbench run --bin-dir DIR --out FILE [--libdir DIR] [--callgrind TSV] [--quick]\n\
                 \x20      fwbench batch BIN_DIR LIBDIR [--python PY] [--quick]\n\
                 \x20      fwbench profile-get fw|bare BASE_URL N\n\
                 \x20      fwbench profile-resolve fw|bare SECRETS_DIR N [SERVER]"
            );
            std::process::exit(2);
        }
    }
}

fn profile_get(which: &str, base: &str, n: u64, threads: usize) {
    // `threads` threads, N GETs each: on one shared client, or one bare
    // agent per thread.
    let url = format!("{base}{}", http::PATH);
    let u = ffi::cstring(&url);
    let opts = ffi::Options::new()
        .token(resolution::TOKEN)
        .server_address(base);
    // fw: one shared client; fw-each: one client per thread; bare: one
    // agent per thread; same: one agent per thread sending fwclient's request.
    let shared = (which == "fw").then(|| ffi::Client::new(&opts));
    std::thread::scope(|s| {
        for _ in 0..threads {
            let own = (which == "fw-each").then(|| ffi::Client::new(&opts));
            let (shared, u, url) = (&shared, &u, &url);
            s.spawn(move || match own.as_ref().or(shared.as_ref()) {
                Some(c) => {
                    for _ in 0..n {
                        c.get(u);
                    }
                }
                None if which == "same" => {
                    let agent = http::same_agent();
                    for _ in 0..n {
                        http::same_get(&agent, url);
                    }
                }
                None => {
                    let agent = ureq::Agent::new_with_defaults();
                    for _ in 0..n {
                        let mut r = agent.get(url).call().expect("GET");
                        r.body_mut().read_to_vec().expect("body");
                    }
                }
            });
        }
    });
}

/// N resolutions in `dir` (fw), or N bare reads of its framework file;
/// with `server`, fwclient's lookup for that server address (the cave
/// layout's per-server file).
fn profile_resolve(which: &str, dir: &str, n: u64, server: Option<&str>) {
    let file = Path::new(dir).join("chunkedgraph-secret.json");
    let opts = ffi::Options::new().secrets_dir(dir);
    let opts = match server {
        Some(s) => opts.server_address(s),
        None => opts,
    };
    for _ in 0..n {
        if which == "fw" {
            ffi::resolve_token(&opts);
        } else {
            resolution::bare_resolve(&file);
        }
    }
}

fn flag<'a>(args: &[&'a str], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| *a == name)
        .and_then(|i| args.get(i + 1).copied())
}

fn run(args: &[&str]) {
    let bin_dir = PathBuf::from(flag(args, "--bin-dir").expect("--bin-dir"));
    let out = PathBuf::from(flag(args, "--out").expect("--out"));
    let libdir = flag(args, "--libdir")
        .unwrap_or("target/release")
        .to_owned();
    let quick = args.contains(&"--quick");
    let plan = if quick { Plan::quick() } else { Plan::full() };
    let started = Instant::now();

    // What the report says about the machine, asked before HOME changes
    // (rustup finds its toolchains through HOME).
    let machine_rows = machine_rows();

    // A private HOME and no FW_* variables: the user's own secret files and
    // settings are never read, and every child inherits this environment.
    let tmp = std::env::temp_dir().join(format!("fwbench-{}", std::process::id()));
    let home = tmp.join("home");
    std::fs::create_dir_all(&home).expect("temporary HOME");
    // SAFETY: no other thread exists yet.
    unsafe {
        std::env::set_var("HOME", &home);
        for v in [
            "FW_AUTH_TOKEN",
            "FW_SECRETS_DIR",
            "FW_SECRETS_LAYOUT",
            "FW_CA_BUNDLE",
        ] {
            std::env::remove_var(v);
        }
    }

    let mut rep = Report::default();
    let load_start = machine::loadavg();
    let date = machine::date();

    eprintln!("fwbench: item 1 and 6: token resolution");
    let res = resolution::run(
        &tmp,
        &[1, 100, 10_000],
        plan.resolution_rounds,
        plan.resolution_round_ms,
    );
    let secrets1 = tmp.join("secrets-1");
    let secrets1 = secrets1.to_str().expect("utf-8");

    eprintln!("fwbench: item 2: calls on a live handle, from C");
    let c_auth = programs::run(
        &bin_dir.join("bench_c"),
        &[
            "auth-calls",
            secrets1,
            &plan.auth_calls.to_string(),
            &plan.auth_rounds.to_string(),
        ],
    );

    let responder = http::Responder::start(&bin_dir.join("responder"));
    eprintln!(
        "fwbench: responder pid {} on {}",
        responder.pid(),
        responder.base()
    );
    eprintln!("fwbench: items 3 and 6: GET throughput");
    let max_threads = *plan.thread_counts.iter().max().expect("thread counts");
    let scaling = {
        let bench = http::Bench::new(&responder, max_threads);
        http::run(
            &bench,
            &plan.thread_counts,
            plan.http_rounds,
            plan.phase,
            plan.http_slices,
        )
    };

    eprintln!("fwbench: item 4: the same GET from C, C++ and Go");
    let url = responder.url();
    let base = responder.base();
    let langs = [
        ("C", bin_dir.join("bench_c")),
        ("C++", bin_dir.join("bench_cpp")),
        ("Go", bin_dir.join("bench_go")),
    ];
    let mut get_ns: Vec<Vec<f64>> = vec![vec![]; 3];
    // Per repetition, each binding's median minus C's: the overhead.
    let mut overhead: Vec<Vec<f64>> = vec![vec![]; 3];
    // C++ and Go: the same GET through the C ABI from the same program, and
    // per round the binding's time minus it.
    let mut raw_ns: Vec<Vec<f64>> = vec![vec![]; 3];
    let mut paired: Vec<Vec<f64>> = vec![vec![]; 3];
    for _ in 0..plan.get_reps {
        let mut meds = [0.0; 3];
        for (i, (_, bin)) in langs.iter().enumerate() {
            let o = programs::run(
                bin,
                &[
                    "get",
                    &url,
                    &base,
                    &plan.get_calls.to_string(),
                    &plan.get_rounds.to_string(),
                ],
            );
            let v = programs::nums(&o, "get_ns");
            meds[i] = median(&v);
            if let Some(raw) = o
                .get("raw_get_ns")
                .map(|_| programs::nums(&o, "raw_get_ns"))
            {
                // The binding against the C ABI from the same program, round by round.
                paired[i].extend(v.iter().zip(&raw).map(|(b, r)| b - r));
                raw_ns[i].extend(raw);
            }
            get_ns[i].extend(v);
        }
        for i in 0..3 {
            overhead[i].push(meds[i] - meds[0]);
        }
    }
    let mut auth_ns: Vec<(f64, f64)> = vec![];
    for (_, bin) in &langs {
        let o = programs::run(
            bin,
            &[
                "auth-calls",
                secrets1,
                &(plan.auth_calls / 2).to_string(),
                &plan.auth_rounds.to_string(),
            ],
        );
        auth_ns.push((
            median(&programs::nums(&o, "auth_token_ns")),
            median(&programs::nums(&o, "request_header_ns")),
        ));
    }

    eprintln!("fwbench: item 5: memory");
    let mem_req = programs::run(
        &bin_dir.join("bench_c"),
        &["mem-requests", &url, &base, &plan.mem_requests.to_string()],
    );
    let mem_cli = programs::run(
        &bin_dir.join("bench_c"),
        &["mem-clients", &plan.mem_clients.to_string()],
    );
    let server_total = responder.stats();
    eprintln!("fwbench: item 8: libcurl, streaming, many workers");
    let scale = scale::run(&bin_dir, std::path::Path::new(&libdir), &url, quick);
    drop(responder);
    let batch = batch::run(
        &bin_dir,
        Path::new(&libdir),
        flag(args, "--python").map(Path::new),
        quick,
    );

    // ------------------------------------------------------------ report
    item1(&mut rep, &res);
    item2(&mut rep, &c_auth);
    item3(&mut rep, &plan, &scaling, &server_total);
    item4(
        &mut rep, &langs, &get_ns, &overhead, &raw_ns, &paired, &auth_ns,
    );
    item5(&mut rep, &plan, &mem_req, &mem_cli);
    item6(&mut rep, &res, &scaling);
    scale::section(&mut rep, &scale);
    batch::section(&mut rep, &batch);
    profile::section(&mut rep, flag(args, "--callgrind"));

    let command = machine::make_command();
    let elapsed = started.elapsed().as_secs_f64();
    let mut md = String::new();
    md.push_str(
        "# fwclient benchmarks\n\n\
         Written by `make bench` (benches/rules.mk, driver benches/rust): do not edit by hand.\n\
         fwclient measured side by side with the bare alternative, in one run; every ratio is\n\
         the median of the ratios of alternating rounds of the same run, every figure a median\n\
         of repeated rounds. Benchmarks, not tests: nothing here is asserted by `make test`.\n",
    );
    if quick {
        md.push_str("\n**Quick run (`--quick`): few rounds, figures indicative only.**\n");
    }
    md.push_str("\n## Run\n\n");
    let mut run_rows = vec![
        vec!["date".into(), date],
        vec![
            "command".into(),
            format!(
                "`{}`",
                command.unwrap_or_else(|| "make bench (driver run directly)".into())
            ),
        ],
        vec![
            "driver".into(),
            format!(
                "`{}`",
                args.iter()
                    .map(|a| machine::shell_quote(a))
                    .fold(String::from("fwbench run"), |s, a| s + " " + &a)
            ),
        ],
        vec![
            "library".into(),
            format!("libfwclient {} from `{libdir}`", ffi::version()),
        ],
    ];
    run_rows.extend(machine_rows);
    run_rows.push(vec![
        "load average (1, 5, 15 min)".into(),
        format!(
            "{load_start} at the start, {} at the end",
            machine::loadavg()
        ),
    ]);
    run_rows.push(vec!["duration".into(), format!("{elapsed:.0} s")]);
    rep_table(&mut md, &["", ""], &run_rows);
    md.push_str(
        "The machine is shared (2 cores, other builds running): absolute figures move from run to\n\
         run; the ratios, taken round by round within this run, are what the targets are judged on.\n\n",
    );
    md.push_str("## Targets\n\n");
    let rows: Vec<Vec<String>> = rep
        .verdicts
        .iter()
        .map(|(item, target, figure, met)| {
            vec![
                item.clone(),
                target.clone(),
                figure.clone(),
                report::met_word(*met),
            ]
        })
        .collect();
    rep_table(&mut md, &["item", "target", "measured", "result"], &rows);
    md.push_str(&rep.body);
    std::fs::write(&out, md).unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
    let _ = std::fs::remove_dir_all(&tmp);
    let missed = rep.verdicts.iter().filter(|v| !v.3).count();
    eprintln!(
        "fwbench: wrote {} in {elapsed:.0} s: {} targets met, {missed} missed",
        out.display(),
        rep.verdicts.len() - missed
    );
}

fn machine_rows() -> Vec<Vec<String>> {
    [
        ("nproc", machine::nproc().to_string()),
        ("CPU", machine::cpu_model()),
        ("memory", machine::mem_total()),
        ("kernel", machine::version_of("uname", &["-sr"])),
        ("rustc", machine::version_of("rustc", &["--version"])),
        ("gcc", machine::version_of("gcc", &["--version"])),
        ("g++", machine::version_of("g++", &["--version"])),
        ("go", machine::version_of("go", &["version"])),
    ]
    .into_iter()
    .map(|(k, v)| vec![k.to_owned(), v])
    .collect()
}

fn rep_table(md: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let mut r = Report::default();
    r.table(header, rows);
    md.push_str(&r.body);
}

fn item1(rep: &mut Report, res: &[resolution::Resolution]) {
    rep.heading("1. Token resolution from a saved secret file");
    let r = &res[0];
    rep.para(&format!(
        "fwclient: `fw_auth_new` + `fw_auth_token` (+ `fw_string_free`, `fw_auth_free`) through the C ABI, \
         with options built once. Baseline: `std::fs::read` + `serde_json::from_slice::<Value>` + \
         taking the \"token\" string, of the same file (serde_json {}, default features). Both in the \
         same process, {} alternating rounds of {} calls each; file: `chunkedgraph-secret.json`, {} key, {} bytes.",
        "1.0.154",
        r.lookup.fw_ns.len(),
        r.lookup.iters,
        r.keys,
        r.bytes
    ));
    let mut rows = vec![];
    let mut cases = vec![
        (
            "default lookup in a secrets directory (`fw_options_set_secrets_dir`)",
            &r.lookup,
        ),
        (
            "explicit token file (`fw_options_set_token_file`)",
            &r.explicit,
        ),
    ];
    cases.extend(r.cave.iter().map(|(what, c)| (*what, c)));
    for (what, c) in cases {
        let met = c.ratio() <= 2.0;
        let v = rep.verdict(
            &format!("1. resolution, {}", what.split(" (").next().unwrap_or(what)),
            "≤ 2x bare",
            &ratio3(c.ratio()),
            met,
        );
        rows.push(vec![
            what.into(),
            ns(c.fw()),
            ns(c.bare()),
            format!("{} ({})", ratio3(c.ratio()), c.ratio_range()),
            "≤ 2x".into(),
            v,
        ]);
    }
    rep.table(
        &[
            "measurement",
            "fwclient",
            "bare open+read+parse",
            "ratio (range)",
            "target",
            "result",
        ],
        &rows,
    );
}

fn item2(rep: &mut Report, c: &programs::Output) {
    rep.heading("2. Calls on a live handle, measured from C");
    let base = median(&programs::nums(c, "strdup_free_ns"));
    rep.para(&format!(
        "benches/c/bench_c.c, `auth-calls`: {} rounds of calls on one `fw_auth` (made from the \
         1-key secret file); each call includes the `fw_string_free` of its result. Baseline: what \
         a program holding the token does to hand out a copy, `strdup` + `free`.",
        programs::nums(c, "auth_token_ns").len()
    ));
    let mut rows = vec![];
    for (key, what) in [
        ("auth_token_ns", "`fw_auth_token` + `fw_string_free`"),
        (
            "request_header_ns",
            "`fw_auth_request_header` + `fw_string_free`",
        ),
    ] {
        let v = programs::nums(c, key);
        let m = median(&v);
        let verdict = rep.verdict(
            &format!("2. {}", what.split(" +").next().unwrap_or(what)),
            "≤ 200 ns per call",
            &ns(m),
            m <= 200.0,
        );
        rows.push(vec![
            what.into(),
            format!("{} ({})", ns(m), stats::range(&v, |x| format!("{x:.0}"))),
            ns(base),
            ratio(m / base),
            "≤ 200 ns".into(),
            verdict,
        ]);
    }
    rep.table(
        &[
            "call",
            "per call (range)",
            "strdup + free",
            "ratio",
            "target",
            "result",
        ],
        &rows,
    );
}

fn item3(
    rep: &mut Report,
    plan: &Plan,
    scaling: &[http::Scaling],
    server_total: &http::ServerStats,
) {
    use http::{Phase, Scaling};
    rep.heading("3. Authenticated GET over keep-alive loopback");
    rep.para(&format!(
        "fwclient: `fw_client_get` (+ `fw_response_body`, `fw_response_free`) through the C ABI on \
         ONE client shared by every thread, with a token (sent as `Authorization: Bearer` and cookie; \
         the responder counts the requests that carried it). Baseline: bare ureq 3.5.2 agents \
         (`Agent::new_with_defaults()`, no auth), one per thread, `get(url).call()` + \
         `read_to_vec()`. Same URL, same responder, same process; {} rounds per thread count \
         after a warm-up, each running every client for {} ms in {} turns of {} ms (the order \
         reversed every turn), so that a change in the shared machine's load hits every client \
         alike; throughput = requests / wall time of a client's turns in the round; a ratio is \
         fwclient's throughput over bare ureq's in the same round.",
        plan.http_rounds,
        plan.phase.as_millis(),
        plan.http_slices,
        plan.phase.as_millis() / plan.http_slices as u128
    ));
    let mut rows = vec![];
    for s in scaling.iter().filter(|s| s.threads == 1 || s.threads == 8) {
        let r = median(&s.ratios());
        let v = rep.verdict(
            &format!(
                "3. GET throughput, {} thread{}",
                s.threads,
                if s.threads == 1 { "" } else { "s" }
            ),
            "≥ 0.9x bare ureq",
            &ratio3(r),
            r >= 0.9,
        );
        rows.push(vec![
            s.threads.to_string(),
            rps(Scaling::med(&s.fw, Phase::rps)),
            rps(Scaling::med(&s.bare, Phase::rps)),
            format!(
                "{} ({})",
                ratio3(r),
                stats::range(&s.ratios(), |x| format!("{x:.2}"))
            ),
            "≥ 0.9x".into(),
            v,
        ]);
    }
    rep.table(
        &[
            "threads",
            "fwclient",
            "bare ureq",
            "ratio (range)",
            "target",
            "result",
        ],
        &rows,
    );
    rep.para(
        "Where the difference goes: a third client in the same rounds, a ureq agent sending \
         fwclient's request (its `authorization` and `cookie` headers and \
         user agent) with fwclient's timeouts (connect 10 s, overall 60 s, each read and write \
         1 ms less), one agent per thread. Against bare ureq it prices what the request itself \
         costs (more header bytes, timeouts kept); fwclient against it prices fwclient's own \
         work (the token policy, the C ABI, the response handed to C, and with more threads \
         one shared client, whose threads are dealt to up to 8 agents: src/http/agents.rs). (With a timeout set, ureq's default resolver looks the host up in a \
         new thread for every request, IP literals included; fwclient replaces it, and so does \
         this client.)",
    );
    let mut rows = vec![];
    for s in scaling {
        rows.push(vec![
            s.threads.to_string(),
            rps(Scaling::med(&s.same, Phase::rps)),
            ratio(median(
                &s.same
                    .iter()
                    .zip(&s.bare)
                    .map(|(a, b)| a.rps() / b.rps())
                    .collect::<Vec<_>>(),
            )),
            ratio(median(&s.same_ratios())),
        ]);
    }
    rep.table(
        &[
            "threads",
            "ureq, fwclient's request",
            "its ratio to bare ureq (the request's cost)",
            "fwclient's ratio to it (fwclient's own cost)",
        ],
        &rows,
    );
    rep.para(
        "**Is the responder the bottleneck?** It is benches/responder/responder.c: one thread, \
         epoll, one `read` and one `write` per request, a fixed 51-byte JSON body, no allocation. \
         The machine has 2 cores and client and responder share them, so once the client has \
         enough threads the two compete for CPU; the checks below, from the same rounds, show \
         the responder is not what limits the figures above:",
    );
    let mut rows = vec![];
    for s in scaling {
        rows.push(vec![
            s.threads.to_string(),
            rps(Scaling::med(&s.raw, Phase::rps)),
            us(Scaling::med(&s.fw, Phase::server_us_per_req)),
            format!(
                "{:.0}%",
                100.0 * Scaling::med(&s.fw, Phase::server_core_share)
            ),
            us(Scaling::med(&s.fw, Phase::client_us_per_req)),
            us(Scaling::med(&s.bare, Phase::client_us_per_req)),
            ratio(median(&s.cpu_ratios())),
            format!("{:.2}", Scaling::med(&s.fw, Phase::client_cores)),
        ]);
    }
    rep.table(
        &[
            "threads",
            "raw TCP loop req/s (no HTTP library)",
            "responder CPU per request",
            "responder's share of a core (fwclient rounds)",
            "fwclient client CPU per request",
            "bare ureq client CPU per request",
            "client CPU ratio",
            "cores used by the fwclient client",
        ],
        &rows,
    );
    let raw_over_bare = scaling
        .iter()
        .map(|s| Scaling::med(&s.raw, Phase::rps) / Scaling::med(&s.bare, Phase::rps))
        .fold(f64::INFINITY, f64::min);
    let max_share = scaling
        .iter()
        .map(|s| Scaling::med(&s.fw, Phase::server_core_share))
        .fold(0.0, f64::max);
    let server_share_of_work = scaling
        .iter()
        .map(|s| {
            let srv = Scaling::med(&s.bare, Phase::server_us_per_req);
            srv / (srv + Scaling::med(&s.bare, Phase::client_us_per_req))
        })
        .fold(0.0, f64::max);
    rep.para(&format!(
        "Reading it: (a) a raw keep-alive TCP loop against the same responder (a request of the \
         size bare ureq sends, no HTTP library) gets at least {raw_over_bare:.1}x the bare ureq \
         rate at every thread count, so the responder answers faster than either library asks; \
         (b) the responder used at most {:.0}% of one core in any fwclient round, so it never \
         saturated; (c) it is not free either: its CPU per request is at most {:.0}% of the \
         work per bare request (responder + client), and on 2 shared cores that work is in \
         every request's time, for both libraries alike, which damps the throughput ratio \
         towards 1. The CPU the client process itself spends per request (user + system, \
         `getrusage`, same rounds) compares the two libraries without the responder: the \
         client CPU ratio is the undamped figure. The responder served {:.0} requests in this \
         run, {:.0} of them with a bearer token (every fwclient request had one).",
        100.0 * max_share,
        100.0 * server_share_of_work,
        server_total.requests,
        server_total.with_token
    ));
}

#[allow(clippy::too_many_arguments)]
fn item4(
    rep: &mut Report,
    langs: &[(&str, PathBuf)],
    get_ns: &[Vec<f64>],
    overhead: &[Vec<f64>],
    raw_ns: &[Vec<f64>],
    paired: &[Vec<f64>],
    auth_ns: &[(f64, f64)],
) {
    rep.heading("4. The same GET from C++ and from Go");
    let c_get = median(&get_ns[0]);
    let c_min = stats::min(&get_ns[0]);
    rep.para(&format!(
        "One thread, one client, the item 3 responder and URL. C: benches/c/bench_c.c \
         (`fw_client_get`); C++: benches/cpp/bench_cpp.cpp (`fw::Client::get`, `body()`); Go: \
         benches/go (`Client.Get`, the body copied into a Go slice). Each of the C++ and Go \
         programs also makes the same GET through the C ABI directly (C++: `fw_client_get` on \
         the same client; Go: one cgo call doing `fw_client_get` + `fw_response_free`, on a C \
         client of its own), in rounds alternating with the binding's: the binding's own cost \
         per GET is the median of those paired differences, measured in one process, where the \
         shared machine's drift hits both sides alike. The three programs also run one after \
         the other, {} time(s) over ({} rounds each), for the comparison with the C program.",
        overhead[0].len(),
        get_ns[0].len() / overhead[0].len().max(1)
    ));
    let mut rows = vec![];
    for (i, (name, _)) in langs.iter().enumerate() {
        let m = median(&get_ns[i]);
        let lo = stats::min(&get_ns[i]);
        let dash = || "—".to_string();
        rows.push(vec![
            (*name).into(),
            format!(
                "{} ({})",
                us(m / 1e3),
                stats::range(&get_ns[i], |x| format!("{:.1}", x / 1e3))
            ),
            if raw_ns[i].is_empty() {
                dash()
            } else {
                us(median(&raw_ns[i]) / 1e3)
            },
            if paired[i].is_empty() {
                dash()
            } else {
                format!(
                    "{:+.2} µs ({})",
                    median(&paired[i]) / 1e3,
                    stats::range(&paired[i], |x| format!("{:+.2}", x / 1e3))
                )
            },
            if i == 0 {
                dash()
            } else {
                format!("{:+.2} µs", median(&overhead[i]) / 1e3)
            },
            if i == 0 {
                dash()
            } else {
                format!("{:+.2} µs", (lo - c_min) / 1e3)
            },
            ratio(m / c_get),
        ]);
    }
    rep.table(
        &[
            "language",
            "GET per call, median (range)",
            "same GET via the C ABI, same program",
            "binding's own cost per GET (paired, range)",
            "vs the C program (median of paired medians)",
            "vs the C program (fastest rounds)",
            "ratio to C",
        ],
        &rows,
    );
    rep.para(
        "From Go, even the direct cgo call costs more per GET than the C program's call: a \
         cgo call that blocks on the network leaves the Go scheduler and must get back into \
         it, a cost of calling any blocking C function from Go, not of this binding (compare \
         the Go rows' two first columns with C's). On calls that do no I/O the bindings' whole \
         cost shows with little noise: the token getter (C: `fw_auth_token` + \
         `fw_string_free`; C++: `fw::Auth::token()`, a `std::optional<std::string>`; Go: \
         `Auth.Token()`) and the header getter (`fw_auth_request_header`, `request_header()`, \
         `RequestHeader()`), each against C's.",
    );
    let mut rows = vec![];
    for (i, (name, _)) in langs.iter().enumerate() {
        rows.push(vec![
            (*name).into(),
            ns(auth_ns[i].0),
            ns(auth_ns[i].1),
            if i == 0 {
                "—".into()
            } else {
                format!(
                    "{:+.2} µs, {:+.2} µs",
                    (auth_ns[i].0 - auth_ns[0].0) / 1e3,
                    (auth_ns[i].1 - auth_ns[0].1) / 1e3
                )
            },
        ]);
    }
    rep.table(
        &[
            "language",
            "token getter",
            "header getter",
            "binding overhead per call (token, header)",
        ],
        &rows,
    );
}

fn item5(rep: &mut Report, plan: &Plan, req: &programs::Output, cli: &programs::Output) {
    rep.heading("5. Memory");
    rep.para(
        "benches/c/bench_c.c, resident set size from `/proc/self/statm`. `mem-requests`: GETs on \
         one client against the item 3 responder; `mem-clients`: `fw_client_new` + \
         `fw_client_free` in a loop (a datastack name, a token given, no I/O). The baseline is \
         the program's own size after the first 1,000.",
    );
    let mut rows = vec![];
    for (what, o, n) in [
        (
            format!("{} requests on one client", plan.mem_requests),
            req,
            plan.mem_requests,
        ),
        (
            format!("{} × fw_client_new + fw_client_free", plan.mem_clients),
            cli,
            plan.mem_clients,
        ),
    ] {
        let first = programs::num(o, "rss_after_1000_kib");
        let last = programs::num(o, "rss_after_last_kib");
        let growth = last - first;
        let v = rep.verdict(
            &format!("5. {what}"),
            "RSS after the last within 1 MiB of after the first 1,000",
            &format!("{growth:+.0} KiB"),
            growth.abs() <= 1024.0,
        );
        let trace = o
            .get("rss_at")
            .map(|v| {
                v.iter()
                    .filter_map(|s| s.split_once(' ').map(|(_, k)| k.to_owned()))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        rows.push(vec![
            what,
            kib(last),
            kib(first),
            format!("{growth:+.0} KiB"),
            "within 1 MiB".into(),
            v,
            format!("every {}: {trace} KiB", n / 10),
        ]);
    }
    rep.table(
        &[
            "program",
            "RSS after the last",
            "RSS after the first 1,000",
            "growth",
            "target",
            "result",
            "RSS along the way",
        ],
        &rows,
    );
    if let Some(v) = cli.get("client_new_free_ns") {
        rep.para(&format!(
            "One `fw_client_new` + `fw_client_free` took {} on average.",
            ns(v[0].parse().unwrap_or(0.0))
        ));
    }
}

fn item6(rep: &mut Report, res: &[resolution::Resolution], scaling: &[http::Scaling]) {
    use http::{Phase, Scaling};
    rep.heading("6. Cost as work grows");
    rep.para(
        "Token resolution (default lookup, as item 1) against secret files of more keys (\"token\" \
         the last one), and GET throughput (as item 3) with more threads sharing the one client \
         (bare ureq: one agent per thread). No targets: the shape is the finding.",
    );
    let mut rows = vec![];
    for r in res {
        rows.push(vec![
            r.keys.to_string(),
            format!("{} B", r.bytes),
            ns(r.lookup.fw()),
            ns(r.lookup.bare()),
            format!("{} ({})", ratio(r.lookup.ratio()), r.lookup.ratio_range()),
            ratio(r.explicit.ratio()),
        ]);
    }
    rep.table(
        &[
            "keys",
            "file size",
            "fwclient",
            "bare open+read+parse",
            "ratio (range)",
            "ratio, explicit token file",
        ],
        &rows,
    );
    let mut rows = vec![];
    for s in scaling {
        rows.push(vec![
            s.threads.to_string(),
            rps(Scaling::med(&s.fw, Phase::rps)),
            rps(Scaling::med(&s.bare, Phase::rps)),
            format!(
                "{} ({})",
                ratio(median(&s.ratios())),
                stats::range(&s.ratios(), |x| format!("{x:.2}"))
            ),
            rps(Scaling::med(&s.raw, Phase::rps)),
            us(Scaling::med(&s.fw, Phase::client_us_per_req)),
            us(Scaling::med(&s.bare, Phase::client_us_per_req)),
        ]);
    }
    rep.table(
        &[
            "threads",
            "fwclient",
            "bare ureq",
            "ratio (range)",
            "raw TCP loop",
            "fwclient client CPU per request",
            "bare client CPU per request",
        ],
        &rows,
    );
}
