//! Items 2, 4 and 5: the C, C++ and Go benchmark programs, run as child
//! processes; they print "key value" lines.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Values printed by a program, by key, in the order printed.
pub type Output = BTreeMap<String, Vec<String>>;

pub fn run(bin: &Path, args: &[&str]) -> Output {
    let out = Command::new(bin)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    if !out.status.success() {
        panic!(
            "{} {} failed ({}): {}",
            bin.display(),
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut map = Output::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        if let Some((k, v)) = line.split_once(' ') {
            map.entry(k.to_owned()).or_default().push(v.to_owned());
        }
    }
    map
}

/// The numbers printed under `key`.
pub fn nums(out: &Output, key: &str) -> Vec<f64> {
    out.get(key)
        .unwrap_or_else(|| panic!("no \"{key}\" in the program's output"))
        .iter()
        .map(|v| v.parse().expect("number"))
        .collect()
}

/// The one number printed under `key`.
pub fn num(out: &Output, key: &str) -> f64 {
    nums(out, key)[0]
}
