//! What a lookup remembers of the files it found absent. A lookup reads the
//! server's file and the framework file at once (an open), the cheapest way
//! to find one that exists; where one is absent, that costs a system call
//! per lookup for a file that is not there. So each lookup remembers, for
//! its server file's path, which of the two it found absent, and how:
//!
//! - the open found nothing: the next lookup asks with an `lstat` first
//!   (cheaper than a failed open): no entry, the file is absent; anything
//!   else, it is read as always;
//! - the `lstat` found no entry: absent for as long as the directory's
//!   version ([`DirVersion`]) stays the one seen before that `lstat`, if it
//!   had settled by then: no entry can appear in a directory without a new
//!   version. The next lookups in an unchanged directory ask nothing.
//!
//! The version comes from the `stat` of the directory each lookup makes
//! for its trust check anyway ([`DirStat`]); a lookup never trusts memory
//! that does not match what it sees. (An open that found nothing may have
//! met a symbolic link to nothing, whose target's directory is not this
//! one: only the `lstat` vouches for an absence.)

use std::fs;
use std::io::ErrorKind as IoKind;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use crate::error::Result;
use crate::secrets::dir_stat::{DirStat, DirVersion};
use crate::secrets::file::{self, TokenRead};

/// The files a lookup may find absent.
#[derive(Clone, Copy)]
pub enum Probe {
    /// `{netloc}-cave-secret.json`.
    Server,
    /// `chunkedgraph-secret.json`.
    Framework,
}

/// How a file was found absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Absence {
    /// Not found absent, or not asked about.
    No,
    /// An open found nothing (maybe a symbolic link to nothing).
    Opened,
    /// An `lstat` found no entry.
    NoEntry,
}

/// One lookup's findings, for the lookups after it.
struct Memory {
    server_file: PathBuf,
    /// The directory's version before the files were asked about, when it
    /// had settled by then.
    settled: Option<DirVersion>,
    absent: [Absence; 2],
}

/// The last lookup's memory (one: a program looks its token up in one place).
static LAST: Mutex<Option<Memory>> = Mutex::new(None);

fn last() -> std::sync::MutexGuard<'static, Option<Memory>> {
    LAST.lock().unwrap_or_else(|p| p.into_inner())
}

/// What one lookup knows of its files before asking, and finds out.
pub struct Hints<'a> {
    server_file: &'a Path,
    dir: &'a DirStat,
    /// Whether the memory's version is the one `dir` sees.
    current: bool,
    /// The version the findings of this lookup vouch for.
    settled: Option<DirVersion>,
    absent: [Absence; 2],
    /// Whether this lookup found what the memory held.
    unchanged: bool,
}

impl<'a> Hints<'a> {
    /// What the last lookup for `server_file` (a file directly in the
    /// directory `dir` looked at) found.
    pub fn recall(server_file: &'a Path, dir: &'a DirStat) -> Hints<'a> {
        let seen = dir.version();
        let (absent, remembered) = match &*last() {
            Some(m) if m.server_file == server_file => (m.absent, m.settled),
            _ => ([Absence::No; 2], None),
        };
        let current = remembered.is_some() && remembered == seen;
        // Another version: what an lstat found is a hint again, until an
        // lstat of this lookup finds it so.
        let absent = if current {
            absent
        } else {
            absent.map(|a| match a {
                Absence::NoEntry => Absence::Opened,
                a => a,
            })
        };
        Hints {
            server_file,
            dir,
            current,
            settled: if current {
                remembered
            } else {
                seen.filter(|v| v.settled(SystemTime::now()))
            },
            absent,
            unchanged: current,
        }
    }

    /// [`file::read_token_in`] of the file `path` gives (directly in the
    /// directory), or `None` at once when it is known absent (its path is
    /// then not even built).
    pub fn read<'p>(
        &mut self,
        path: impl FnOnce() -> &'p Path,
        key: &str,
        probe: Probe,
    ) -> Result<TokenRead> {
        let slot = probe as usize;
        let before = self.absent[slot];
        if before == Absence::NoEntry && self.current {
            return Ok(None);
        }
        let path = path();
        let (found, absence) = match before {
            Absence::Opened | Absence::NoEntry => match fs::symlink_metadata(path) {
                Err(e) if e.kind() == IoKind::NotFound => (Ok(None), Absence::NoEntry),
                _ => self.open(path, key),
            },
            Absence::No => self.open(path, key),
        };
        if absence != before {
            self.absent[slot] = absence;
            self.unchanged = false;
        }
        found
    }

    fn open(&self, path: &Path, key: &str) -> (Result<TokenRead>, Absence) {
        let found = file::read_token_in(path, key, Some(self.dir));
        let absence = match &found {
            Ok(None) => Absence::Opened,
            _ => Absence::No,
        };
        (found, absence)
    }

    /// Keeps this lookup's findings for the next.
    pub fn remember(self) {
        if self.unchanged {
            return;
        }
        let mut last = last();
        match &mut *last {
            Some(m) => {
                if m.server_file != self.server_file {
                    // The buffer kept: no allocation once it is long enough.
                    let name = m.server_file.as_mut_os_string();
                    name.clear();
                    name.push(self.server_file.as_os_str());
                }
                m.settled = self.settled;
                m.absent = self.absent;
            }
            None => {
                *last = Some(Memory {
                    server_file: self.server_file.to_path_buf(),
                    settled: self.settled,
                    absent: self.absent,
                })
            }
        }
    }
}
