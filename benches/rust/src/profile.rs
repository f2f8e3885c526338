//! Section 7 of BENCHMARKS.md: instruction counts of this run's library
//! (callgrind, from `make bench-profile`), and benches/PROFILING.md, the
//! record of what profiling found and what fixing it changed.

use crate::report::{Report, ratio};

/// benches/PROFILING.md, kept by hand: one entry per fix, before and after.
const HISTORY: &str = include_str!("../../PROFILING.md");

/// Instructions per call, read from bench-profile's summary.tsv lines
/// `get|resolve <TAB> fw|bare <TAB> count`.
struct Counts {
    get: (f64, f64),
    resolve: (f64, f64),
}

fn read(path: &str) -> Counts {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let find = |what: &str, who: &str| -> f64 {
        text.lines()
            .find_map(|l| {
                let mut f = l.split('\t');
                (f.next() == Some(what) && f.next() == Some(who))
                    .then(|| f.next()?.trim().parse().ok())?
            })
            .unwrap_or_else(|| panic!("{path}: no count for {what} {who}"))
    };
    Counts {
        get: (find("get", "fw"), find("get", "bare")),
        resolve: (find("resolve", "fw"), find("resolve", "bare")),
    }
}

pub fn section(rep: &mut Report, summary: Option<&str>) {
    rep.heading("7. Profiled and fixed");
    match summary {
        Some(path) => {
            let c = read(path);
            rep.para(
                "Instructions per call of this run's library, counted by callgrind (`make \
                 bench-profile`, run by `make bench` before the timed rounds): the difference of \
                 a 1,500-call and a 500-call run of the same loop, divided by 1,000, so start-up \
                 is not counted. Repeatable to a few instructions where times are not; system \
                 calls count as one instruction (both sides make the same ones: one `sendto`, \
                 three `recvfrom`, four `ioctl` per keep-alive GET, checked with `strace -c`).",
            );
            let row = |what: &str, (fw, bare): (f64, f64), base: &str| {
                vec![
                    what.to_owned(),
                    format!("{fw:.0}"),
                    format!("{bare:.0}"),
                    base.to_owned(),
                    ratio(fw / bare),
                ]
            };
            rep.table(
                &["call", "fwclient", "bare", "bare is", "ratio"],
                &[
                    row(
                        "GET, keep-alive loopback (item 3)",
                        c.get,
                        "ureq agent, no auth",
                    ),
                    row(
                        "token resolution, 1-key file (item 1)",
                        c.resolve,
                        "read + serde_json parse",
                    ),
                ],
            );
        }
        None => rep.para(
            "(No instruction counts in this run: valgrind was not found, so `make bench` \
             skipped `make bench-profile`.)",
        ),
    }
    // The history's own title is replaced by this section's.
    let history = HISTORY
        .split_once('\n')
        .map_or(HISTORY, |(_, rest)| rest)
        .replace("\n## ", "\n### ");
    rep.para(&history);
}
