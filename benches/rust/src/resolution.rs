//! Items 1 and 6: token resolution from a saved secret file, fwclient
//! (`fw_auth_new` + `fw_auth_token` through the C ABI) against the bare
//! alternative (open + read + serde_json parse of the same file), in the
//! same process, in alternating rounds.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::ffi::{self, Options};
use crate::stats::{calibrate, median, ns_per_call, range};

/// The token every benchmark uses: the form the auth server issues.
pub const TOKEN: &str = "0123456789abcdef0123456789abcdef";

/// Writes `{dir}/chunkedgraph-secret.json` with `keys` keys, as Python's
/// json.dump writes it; "token" is the last key. Returns the file.
pub fn write_secret_file(dir: &Path, keys: usize) -> PathBuf {
    std::fs::create_dir_all(dir).expect("secrets dir");
    let mut text = String::from("{");
    for i in 1..keys {
        let _ = write!(text, "\"key_{i:05}\": \"{i:032x}\", ");
    }
    let _ = write!(text, "\"token\": \"{TOKEN}\"}}");
    let path = dir.join("chunkedgraph-secret.json");
    std::fs::write(&path, text).expect("secret file");
    path
}

/// The bare alternative: what a program without fwclient does to get its
/// token from the file.
pub fn bare_resolve(path: &Path) -> usize {
    let bytes = std::fs::read(path).expect("read");
    let v: serde_json::Value = serde_json::from_slice(&bytes).expect("parse");
    let t = v
        .get("token")
        .and_then(serde_json::Value::as_str)
        .expect("token")
        .to_owned();
    t.len()
}

pub struct Comparison {
    pub fw_ns: Vec<f64>,
    pub bare_ns: Vec<f64>,
    pub ratios: Vec<f64>,
    pub iters: u64,
}

impl Comparison {
    pub fn fw(&self) -> f64 {
        median(&self.fw_ns)
    }
    pub fn bare(&self) -> f64 {
        median(&self.bare_ns)
    }
    pub fn ratio(&self) -> f64 {
        median(&self.ratios)
    }
    pub fn ratio_range(&self) -> String {
        range(&self.ratios, |v| format!("{v:.2}"))
    }
}

/// `rounds` rounds of `fw` and `bare` (their order alternating), each about
/// `round_ms` long.
pub fn compare(
    rounds: usize,
    round_ms: f64,
    mut fw: impl FnMut(),
    mut bare: impl FnMut(),
) -> Comparison {
    let iters = calibrate(round_ms, 3, &mut fw);
    // Warm-up of both.
    ns_per_call(iters / 4 + 1, &mut fw);
    ns_per_call(iters / 4 + 1, &mut bare);
    let mut c = Comparison {
        fw_ns: vec![],
        bare_ns: vec![],
        ratios: vec![],
        iters,
    };
    for r in 0..rounds {
        let (f, b) = if r % 2 == 0 {
            let f = ns_per_call(iters, &mut fw);
            (f, ns_per_call(iters, &mut bare))
        } else {
            let b = ns_per_call(iters, &mut bare);
            (ns_per_call(iters, &mut fw), b)
        };
        c.fw_ns.push(f);
        c.bare_ns.push(b);
        c.ratios.push(f / b);
    }
    c
}

pub struct Resolution {
    pub keys: usize,
    pub bytes: u64,
    /// Default lookup in a secrets directory.
    pub lookup: Comparison,
    /// An explicit token file (`fw_options_set_token_file`).
    pub explicit: Comparison,
    /// The cave layout's lookups (first key count only): `cave-secret.json`
    /// alone, and with the server's own file.
    pub cave: Vec<(&'static str, Comparison)>,
}

/// The server of the cave layout's per-server file.
const CAVE_SERVER: &str = "https://bench.example.org";

/// The cave layout's two lookups in `dir`: `cave-secret.json` alone, then
/// with `{netloc}-cave-secret.json` beside it (the file that answers).
fn cave_layouts(dir: &Path, rounds: usize, round_ms: f64) -> Vec<(&'static str, Comparison)> {
    let text = format!("{{\"token\": \"{TOKEN}\"}}");
    let alone = dir.join("cave");
    let server = dir.join("cave-server");
    let mut out = vec![];
    for (what, sub, file, opts) in [
        (
            "cave layout (`cave-secret.json`)",
            &alone,
            "cave-secret.json",
            Options::new(),
        ),
        (
            "cave layout with the server's file (`bench.example.org-cave-secret.json`)",
            &server,
            "bench.example.org-cave-secret.json",
            Options::new().server_address(CAVE_SERVER),
        ),
    ] {
        std::fs::create_dir_all(sub).expect("secrets dir");
        std::fs::write(sub.join("cave-secret.json"), &text).expect("secret file");
        let path = sub.join(file);
        std::fs::write(&path, &text).expect("secret file");
        let opts = opts.secrets_dir(sub.to_str().expect("utf-8"));
        assert_eq!(ffi::resolve_token(&opts), TOKEN.len());
        let c = compare(
            rounds,
            round_ms,
            || {
                std::hint::black_box(ffi::resolve_token(&opts));
            },
            || {
                std::hint::black_box(bare_resolve(&path));
            },
        );
        eprintln!("resolution, {what}: ratio {:.2}", c.ratio());
        out.push((what, c));
    }
    out
}

pub fn run(tmp: &Path, key_counts: &[usize], rounds: usize, round_ms: f64) -> Vec<Resolution> {
    let mut out = vec![];
    for &keys in key_counts {
        let dir = tmp.join(format!("secrets-{keys}"));
        let file = write_secret_file(&dir, keys);
        let bytes = std::fs::metadata(&file).expect("stat").len();
        let lookup_opts = Options::new().secrets_dir(dir.to_str().expect("utf-8"));
        let explicit_opts = Options::new()
            .secrets_dir(dir.to_str().expect("utf-8"))
            .token_file(file.to_str().expect("utf-8"));
        assert_eq!(ffi::resolve_token(&lookup_opts), TOKEN.len());
        assert_eq!(bare_resolve(&file), TOKEN.len());
        let lookup = compare(
            rounds,
            round_ms,
            || {
                std::hint::black_box(ffi::resolve_token(&lookup_opts));
            },
            || {
                std::hint::black_box(bare_resolve(&file));
            },
        );
        let explicit = compare(
            rounds,
            round_ms,
            || {
                std::hint::black_box(ffi::resolve_token(&explicit_opts));
            },
            || {
                std::hint::black_box(bare_resolve(&file));
            },
        );
        eprintln!(
            "resolution {keys} keys: fwclient {:.0} ns, bare {:.0} ns, ratio {:.2} (explicit file {:.2})",
            lookup.fw(),
            lookup.bare(),
            lookup.ratio(),
            explicit.ratio()
        );
        let cave = if out.is_empty() {
            cave_layouts(tmp, rounds, round_ms)
        } else {
            vec![]
        };
        out.push(Resolution {
            keys,
            bytes,
            lookup,
            explicit,
            cave,
        });
    }
    out
}
