//! A token that follows its file: a long-lived program whose token file is
//! rotated (a secret remounted, `fwauth save-token --overwrite`) picks up
//! the new token without a restart. A token given explicitly or through
//! the environment is never reloaded.

use std::path::Path;
use std::time::SystemTime;

use super::{Auth, TokenSource};
use crate::error::Result;
use crate::secrets::file;

/// What identifies one version of a file: size, modification time and
/// inode (a rename over it changes the inode even when size and time match).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct FileStamp {
    len: u64,
    modified: Option<SystemTime>,
    inode: u64,
}

impl FileStamp {
    /// The stamp of the file at `path` now; `None` when it cannot be read.
    pub(super) fn of(path: &Path) -> Option<FileStamp> {
        Some(FileStamp::from_meta(&std::fs::metadata(path).ok()?))
    }

    /// The stamp of the file `meta` describes (the metadata of a file
    /// just read, taken on its descriptor).
    pub(super) fn from_meta(meta: &std::fs::Metadata) -> FileStamp {
        FileStamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            inode: inode(meta),
        }
    }
}

#[cfg(unix)]
fn inode(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

#[cfg(not(unix))]
fn inode(_meta: &std::fs::Metadata) -> u64 {
    0
}

impl Auth {
    /// Re-reads the token file when the token came from a file and that
    /// file changed (size, modification time or inode) since it was read.
    /// Returns whether the token in use changed. A token given explicitly
    /// or through `$FW_AUTH_TOKEN` is never reloaded (`Ok(false)`), nor is
    /// a file that no longer holds a valid token: the token in use is kept
    /// and the error says why (nothing is written).
    pub fn reload(&self) -> Result<bool> {
        let (path, key, seen) = {
            let state = self.read_state();
            match &state.source {
                TokenSource::File { path, key } => (path.clone(), key.clone(), state.stamp),
                _ => return Ok(false),
            }
        };
        let now = FileStamp::of(&path);
        if now.is_none() || now == seen {
            return Ok(false);
        }
        let Some(token) = file::read_token(&path, &key)? else {
            return Ok(false);
        };
        let mut state = self.write_state();
        // Another thread may have reloaded, saved or set a token meanwhile:
        // only a state still reading this file takes the new token.
        if !matches!(&state.source, TokenSource::File { path: p, .. } if *p == path) {
            return Ok(false);
        }
        state.stamp = now;
        let changed = state.token.as_ref() != Some(&token);
        state.token = Some(token);
        Ok(changed)
    }
}
