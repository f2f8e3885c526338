//! The save lock of a secrets directory: an exclusive lock (`flock` on
//! Unix, `LockFileEx` on Windows, both through std's `File::try_lock`) on a
//! lock file that only this user can open, so that concurrent savers never
//! lose a key and no other user can hold up a save.
//!
//! The file is `.fwclient.lock` in the directory, created 0600 (a private
//! ACL on Windows) and removed again when the lock is released, so nothing
//! stays behind. A file under that name that someone else owns, that others
//! could open, or that is not a regular file (a planted symbolic link) is
//! never opened for locking: the next name (`.fwclient.lock.1`, …) is used
//! instead. (Such a file is not removed: between looking at it and removing
//! it, another saver of ours may have put its own lock file there.)

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::platform::{self, LockOpen};
use crate::error::{Error, ErrorKind, Result};

/// How long a saver waits for another process's save in the same directory.
pub(crate) const LOCK_TIMEOUT: Duration = Duration::from_secs(10);
/// The lock file's name in the directory; further names get `.1`, `.2`, ….
pub const LOCK_FILE: &str = ".fwclient.lock";
/// How many names are tried before giving up on a directory full of
/// planted lock files.
const LOCK_NAMES: usize = 8;

/// A held save lock; released (and its file removed) on drop.
pub(crate) struct SaveLock {
    file: Option<File>,
    path: PathBuf,
}

fn lock_path(dir: &Path, n: usize) -> PathBuf {
    match n {
        0 => dir.join(LOCK_FILE),
        n => dir.join(format!("{LOCK_FILE}.{n}")),
    }
}

impl SaveLock {
    /// Takes the save lock of `dir`, waiting up to [`LOCK_TIMEOUT`] for
    /// another saver.
    pub(crate) fn acquire(dir: &Path) -> Result<SaveLock> {
        let deadline = Instant::now() + LOCK_TIMEOUT;
        let mut n = 0;
        while n < LOCK_NAMES {
            let path = lock_path(dir, n);
            let file = match platform::open_lock_file(&path) {
                Ok(LockOpen::Opened(f)) => f,
                Ok(LockOpen::Unusable) => {
                    n += 1;
                    continue;
                }
                Ok(LockOpen::Busy) => {
                    wait(dir, deadline)?;
                    continue;
                }
                Err(e) => return Err(Error::io("locking", dir, &e)),
            };
            loop {
                match file.try_lock() {
                    Ok(()) => break,
                    Err(TryLockError::WouldBlock) => wait(dir, deadline)?,
                    Err(TryLockError::Error(e)) => return Err(Error::io("locking", dir, &e)),
                }
            }
            if platform::lock_still_named(&path, &file) {
                return Ok(SaveLock {
                    file: Some(file),
                    path,
                });
            }
            // The previous holder removed it while we waited: start again.
        }
        Err(Error::new(
            ErrorKind::SecretFile,
            format!(
                "cannot lock \"{}\" for saving: {LOCK_FILE} and the {} names after it belong to \
                 another user, are readable by others or are not regular files; remove them \
                 (`rm \"{}\"*`)",
                dir.display(),
                LOCK_NAMES - 1,
                dir.join(LOCK_FILE).display()
            ),
        ))
    }
}

/// Sleeps a little, or fails once `deadline` has passed.
fn wait(dir: &Path, deadline: Instant) -> Result<()> {
    if Instant::now() > deadline {
        return Err(Error::new(
            ErrorKind::Io,
            format!(
                "timed out after {}s waiting for another save in \"{}\"",
                LOCK_TIMEOUT.as_secs(),
                dir.display()
            ),
        ));
    }
    std::thread::sleep(Duration::from_millis(2));
    Ok(())
}

impl Drop for SaveLock {
    fn drop(&mut self) {
        if let Some(file) = self.file.take() {
            platform::release_lock(&self.path, file);
        }
    }
}
