//! Which kind of system call asks whether a secret file is there. A lookup
//! reads the server's file and the framework file at once (an open), which
//! is the cheapest way to find one that exists; but where one is absent, a
//! failed open costs about twice a failed `stat` (the kernel allocates an
//! open file before the name is looked up). So each lookup remembers which
//! of the two files it found absent in its directory, and the next lookup
//! there asks with a `stat` first: absent, that is the answer; present (or
//! any other outcome), the file is read as always. The answer never comes
//! from the memory, only the choice of call: a file created or removed
//! meanwhile is found or missed exactly as without it, at one `stat` more.

use std::fs;
use std::io::ErrorKind as IoKind;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::Result;
use crate::secrets::file::{self, TokenRead};

/// The last lookup's memory: a hash of its server file's path (which holds
/// the directory and the server), and a bit per file it found absent.
static LAST: AtomicU64 = AtomicU64::new(0);

const SERVER_ABSENT: u64 = 1;
const FRAMEWORK_ABSENT: u64 = 2;
const BITS: u64 = SERVER_ABSENT | FRAMEWORK_ABSENT;

/// The files a lookup may ask about first.
#[derive(Clone, Copy)]
pub enum Probe {
    /// `{netloc}-cave-secret.json`.
    Server,
    /// `chunkedgraph-secret.json`.
    Framework,
}

impl Probe {
    fn bit(self) -> u64 {
        match self {
            Probe::Server => SERVER_ABSENT,
            Probe::Framework => FRAMEWORK_ABSENT,
        }
    }
}

/// What the last lookup in this lookup's directory found absent.
pub struct Hints {
    key: u64,
    absent: u64,
}

impl Hints {
    /// The memory of the last lookup, if it was for `server_file` (the
    /// directory and the server of this one).
    pub fn recall(server_file: &Path) -> Hints {
        let key = path_hash(server_file) & !BITS;
        let last = LAST.load(Ordering::Relaxed);
        let absent = if last & !BITS == key { last & BITS } else { 0 };
        Hints { key, absent }
    }

    /// [`file::read_token_if_present_with_meta`] of `path`, asked with a
    /// `stat` first when the last lookup found it absent.
    pub fn read(&self, path: &Path, key: &str, probe: Probe) -> Result<TokenRead> {
        if self.absent & probe.bit() != 0
            && matches!(fs::metadata(path), Err(e) if e.kind() == IoKind::NotFound)
        {
            return Ok(None);
        }
        file::read_token_if_present_with_meta(path, key)
    }

    /// Remembers what this lookup found: for each file it asked about,
    /// `Some(absent)`; `None` keeps what was known.
    pub fn remember(mut self, server_absent: Option<bool>, framework_absent: Option<bool>) {
        for (probe, absent) in [
            (Probe::Server, server_absent),
            (Probe::Framework, framework_absent),
        ] {
            match absent {
                Some(true) => self.absent |= probe.bit(),
                Some(false) => self.absent &= !probe.bit(),
                None => {}
            }
        }
        LAST.store(self.key | self.absent, Ordering::Relaxed);
    }
}

/// FNV-1a of the path's bytes: cheap, and a collision only costs a `stat`.
fn path_hash(path: &Path) -> u64 {
    path.as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
}
