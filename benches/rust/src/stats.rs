//! Medians and spreads of repeated measurements.

use std::time::Instant;

/// The median of `v` (the mean of the two middle values for an even count).
pub fn median(v: &[f64]) -> f64 {
    assert!(!v.is_empty(), "median of nothing");
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

pub fn min(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::INFINITY, f64::min)
}

pub fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

/// "min–max" of `v`, formatted with `fmt`.
pub fn range(v: &[f64], fmt: impl Fn(f64) -> String) -> String {
    format!("{}–{}", fmt(min(v)), fmt(max(v)))
}

/// Nanoseconds per call of `f`, over `iters` calls.
pub fn ns_per_call(iters: u64, mut f: impl FnMut()) -> f64 {
    let t = Instant::now();
    for _ in 0..iters {
        f();
    }
    t.elapsed().as_nanos() as f64 / iters as f64
}

/// How many calls of `f` take about `target_ms` (at least `min_iters`).
pub fn calibrate(target_ms: f64, min_iters: u64, mut f: impl FnMut()) -> u64 {
    let mut iters = 1u64;
    loop {
        let ns = ns_per_call(iters, &mut f) * iters as f64;
        if ns > 2e6 || iters >= 1 << 20 {
            let per = ns / iters as f64;
            return ((target_ms * 1e6 / per) as u64).max(min_iters);
        }
        iters *= 4;
    }
}

/// CPU time (user + system) of this process so far, in microseconds.
pub fn process_cpu_us() -> f64 {
    // SAFETY: getrusage writes the struct it is given.
    let ru = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut ru);
        ru
    };
    let tv = |t: libc::timeval| t.tv_sec as f64 * 1e6 + t.tv_usec as f64;
    tv(ru.ru_utime) + tv(ru.ru_stime)
}
