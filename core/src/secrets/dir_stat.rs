//! The secrets directory as one `stat` saw it. A token lookup takes it once
//! and every read of the lookup shares it: it is the trust check of the
//! files read from the directory (`platform::check_dir`), and its version
//! tells a later lookup whether a file found absent is absent still
//! (`auth/probe.rs`): an entry cannot be added, removed or renamed without
//! the kernel setting the directory's change time.

use std::fs;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use super::platform;
use crate::error::Result;

/// One `stat` of a directory.
pub struct DirStat {
    /// The trust check's verdict on the files in it.
    trust: Result<()>,
    /// `None` when the stat failed, or where no version is kept (Windows).
    version: Option<DirVersion>,
}

impl DirStat {
    /// Looks at `dir` (one system call).
    pub fn take(dir: &Path) -> DirStat {
        match fs::metadata(dir) {
            Ok(meta) => DirStat {
                trust: platform::check_dir_meta(dir, &meta),
                version: platform::dir_version(&meta),
            },
            // Nothing to refuse: its files cannot be read either.
            Err(_) => DirStat {
                trust: Ok(()),
                version: None,
            },
        }
    }

    /// The trust check of a file read from this directory.
    pub(crate) fn trust(&self) -> Result<()> {
        self.trust.clone()
    }

    /// The version of the directory's entries, where one is kept.
    pub fn version(&self) -> Option<DirVersion> {
        self.version
    }
}

/// Which directory, and when its entries last changed: the status-change
/// and modification times, as (seconds, nanoseconds) since the epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DirVersion {
    dev: u64,
    ino: u64,
    changed: [(i64, i64); 2],
}

/// How long after a directory's last change (stamps `changed`) a lookup
/// must look before the version it saw may vouch for an absence: past it,
/// any later change has a later stamp. A stamp comes from a clock that
/// advances by ticks (at most 10 ms) and is rounded to the file system's
/// granularity, guessed from the stamps themselves (the coarsest wins).
fn settle_margin(changed: &[(i64, i64); 2]) -> i128 {
    let rounded_to = |unit: i64| changed.iter().any(|&(_, n)| n % unit == 0);
    if rounded_to(1_000_000_000) {
        // Whole seconds: FAT's modification times are 2 s apart, HFS+'s
        // and ext3's 1 s.
        3_000_000_000
    } else if rounded_to(10_000_000) {
        // Hundredths: FAT's and exFAT's 10 ms, and a tick.
        30_000_000
    } else {
        // Finer (1 ns on the usual file systems): twice the longest tick.
        20_000_000
    }
}

impl DirVersion {
    // Windows keeps no version (platform::dir_version).
    #[cfg_attr(not(unix), allow(dead_code))]
    pub(crate) fn new(dev: u64, ino: u64, changed: [(i64, i64); 2]) -> DirVersion {
        DirVersion { dev, ino, changed }
    }

    /// Whether the last change was long enough before `now` that every
    /// later change gets another version: then a file found absent after
    /// `now` stays absent for as long as the version stays the same.
    pub fn settled(&self, now: SystemTime) -> bool {
        let Ok(now) = now.duration_since(UNIX_EPOCH) else {
            return false;
        };
        let ns = |(s, n): (i64, i64)| i128::from(s) * 1_000_000_000 + i128::from(n);
        let last = self.changed.iter().copied().map(ns).max().unwrap_or(0);
        now.as_nanos() as i128 - last >= settle_margin(&self.changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(s: i64, n: i64) -> DirVersion {
        DirVersion::new(1, 2, [(s, n), (s, n)])
    }

    #[test]
    fn a_version_settles_after_the_margin_of_its_granularity() {
        let now = UNIX_EPOCH + Duration::new(1_000, 500_000_000);
        // Finer stamps: 20 ms.
        assert!(!at(1_000, 480_000_001).settled(now));
        assert!(at(1_000, 480_000_001 - 1_000).settled(now));
        // Hundredths: 30 ms.
        assert!(!at(1_000, 480_000_000).settled(now));
        assert!(at(1_000, 470_000_000).settled(now));
        // Whole seconds: 3 s.
        assert!(!at(998, 0).settled(now));
        assert!(at(997, 0).settled(now));
        // The newer of the two times counts; a time in the future never settles.
        let mixed = DirVersion::new(1, 2, [(900, 1), (1_000, 485_000_001)]);
        assert!(!mixed.settled(now));
        // The coarser of the two stamps sets the margin.
        let mixed = DirVersion::new(1, 2, [(997, 0), (997, 5)]);
        assert!(mixed.settled(now));
        let mixed = DirVersion::new(1, 2, [(998, 0), (998, 5)]);
        assert!(!mixed.settled(now));
        assert!(!at(2_000, 1).settled(now));
    }

    #[cfg(unix)]
    #[test]
    fn adding_an_entry_after_the_version_settled_changes_it() {
        let dir = tempfile::tempdir().unwrap();
        std::thread::sleep(Duration::from_millis(40));
        let before = DirStat::take(dir.path()).version().unwrap();
        assert!(before.settled(SystemTime::now()));
        assert_eq!(DirStat::take(dir.path()).version(), Some(before));
        std::fs::write(dir.path().join("x"), b"").unwrap();
        assert_ne!(DirStat::take(dir.path()).version(), Some(before));
    }
}
