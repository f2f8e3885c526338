//! Unix (Linux, macOS, the BSDs): modes and owners, `flock` through std,
//! `rename(2)`. Only POSIX calls that macOS has too.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::super::dir_stat::DirVersion;
use super::super::file::secret_error;
use crate::error::{Error, ErrorKind, Remedy, Result};

/// `$HOME`, else the password database: what `os.path.expanduser("~")` uses.
pub(crate) fn home_dir() -> Option<PathBuf> {
    std::env::home_dir()
}

/// `~user`-less tilde forms a path may start with.
pub(crate) const TILDE_PREFIXES: &[&str] = &["~/"];

/// Whether `path` names a directory by its spelling (ends in a separator).
pub(crate) fn names_a_directory(path: &str) -> bool {
    path.ends_with('/')
}

/// Opens `path` for reading; a FIFO or a device does not block the open
/// (`O_NONBLOCK` has no effect on regular files) and is refused afterwards.
pub(crate) fn open_for_reading(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

fn my_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// Refuses a secret file (`meta`, the opened file's) that someone else
/// controls: owned by another user (root excepted) or writable by others.
/// Its directory is checked apart ([`check_dir`], [`check_dir_meta`]).
pub(crate) fn check_file(path: &Path, meta: &Metadata) -> Result<()> {
    let me = my_uid();
    if meta.uid() != me && meta.uid() != 0 {
        return Err(secret_error(
            path,
            &format!(
                "belongs to user id {}, not to you (user id {me}); it may have been planted: \
                 remove it, or take it over with `chown {me} \"{}\"` if it is yours",
                meta.uid(),
                path.display()
            ),
        ));
    }
    if meta.mode() & 0o002 != 0 {
        return Err(secret_error(
            path,
            &format!(
                "is writable by every user (mode {:04o})",
                meta.mode() & 0o7777
            ),
        )
        .with_remedy(Remedy::RunCommand(format!(
            "chmod 600 \"{}\"",
            path.display()
        ))));
    }
    Ok(())
}

/// Refuses a directory every user can write to without the sticky bit:
/// anyone can replace the files in it. A directory that cannot be looked
/// at passes (its files cannot be read either).
pub(crate) fn check_dir(dir: &Path) -> Result<()> {
    match fs::metadata(dir) {
        Ok(meta) => check_dir_meta(dir, &meta),
        Err(_) => Ok(()),
    }
}

/// [`check_dir`] of `dir`, whose metadata is `meta`.
pub(crate) fn check_dir_meta(dir: &Path, meta: &Metadata) -> Result<()> {
    let mode = meta.mode();
    if mode & 0o002 != 0 && mode & 0o1000 == 0 {
        return Err(Error::new(
            ErrorKind::SecretFile,
            format!(
                "secrets directory \"{}\" is writable by every user (mode {:04o}), so anyone \
                 can replace its files",
                dir.display(),
                mode & 0o7777,
            ),
        )
        .with_remedy(Remedy::RunCommand(format!(
            "chmod o-w \"{}\"",
            dir.display()
        ))));
    }
    Ok(())
}

/// The version of a directory's entries (`meta`, the directory's): which
/// directory it is, and when an entry was last added, removed or renamed
/// (its status-change and modification times; the kernel sets both).
pub(crate) fn dir_version(meta: &Metadata) -> Option<DirVersion> {
    Some(DirVersion::new(
        meta.dev(),
        meta.ino(),
        [
            (meta.ctime(), meta.ctime_nsec()),
            (meta.mtime(), meta.mtime_nsec()),
        ],
    ))
}

/// What is allowed but worth a word: a group-writable directory or file,
/// a secret file other users can read.
pub(crate) fn warnings(path: &Path, is_dir: bool) -> Vec<String> {
    let Ok(meta) = fs::metadata(path) else {
        return Vec::new();
    };
    let mode = meta.mode();
    let mut out = Vec::new();
    let shown = path.display();
    if mode & 0o020 != 0 && !(is_dir && mode & 0o1000 != 0) {
        let what = if is_dir { "directory" } else { "file" };
        out.push(format!(
            "{what} \"{shown}\" is writable by its group (mode {:04o}): members of the group \
             can replace the token; run `chmod g-w \"{shown}\"`",
            mode & 0o7777
        ));
    }
    if !is_dir && mode & 0o044 != 0 && meta.uid() == my_uid() {
        out.push(format!(
            "file \"{shown}\" is readable by other users (mode {:04o}); run `chmod 600 \"{shown}\"` \
             (saves keep the mode you choose)",
            mode & 0o7777
        ));
    }
    out
}

/// Creates `dir` and its missing parents, each with mode 0700.
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

/// Creates a new file only the user can read or write (0600), failing when
/// the name exists (a symbolic link included).
pub(crate) fn create_new_private(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

/// Gives the replacement `file` the mode of the file it replaces (`old`),
/// when that file is ours; a file owned by someone else (root) does not
/// pass its mode on, and the replacement stays 0600.
pub(crate) fn keep_mode(file: &File, old: Option<&Metadata>) -> io::Result<()> {
    match old {
        Some(m) if m.uid() == my_uid() && m.mode() & 0o777 != 0o600 => {
            file.set_permissions(fs::Permissions::from_mode(m.mode() & 0o777))
        }
        _ => Ok(()),
    }
}

/// Renames `from` over `to` atomically. (A rename cannot be refused by
/// readers on Unix; `deadline` is for Windows.)
pub(crate) fn replace(from: &Path, to: &Path, _deadline: Instant) -> io::Result<()> {
    fs::rename(from, to)
}

/// Makes a rename in `dir` durable.
pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Whether this process may create files in `dir`.
pub(crate) fn dir_writable(dir: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated path.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

/// What opening a lock file gave.
pub(crate) enum LockOpen {
    /// A regular file of ours that no one else can open: lock it.
    Opened(File),
    /// Someone else's, too open, or not a regular file: never used.
    Unusable,
    /// Not usable at this moment; try again (Windows only).
    #[allow(dead_code)]
    Busy,
}

/// Opens (creating it 0600 if absent) the lock file `path`, and says
/// whether only this user can open it.
pub(crate) fn open_lock_file(path: &Path) -> io::Result<LockOpen> {
    let opened = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path);
    let file = match opened {
        Ok(f) => f,
        // Someone else's file, a symbolic link (ELOOP), a directory.
        Err(e)
            if e.kind() == io::ErrorKind::PermissionDenied
                || matches!(e.raw_os_error(), Some(libc::ELOOP) | Some(libc::EISDIR)) =>
        {
            return Ok(LockOpen::Unusable);
        }
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    if !meta.is_file() || meta.uid() != my_uid() || meta.mode() & 0o077 != 0 {
        return Ok(LockOpen::Unusable);
    }
    Ok(LockOpen::Opened(file))
}

/// Whether `path` still names the locked `file` (a holder removes the
/// name before releasing the lock; a waiter that then gets the lock on the
/// removed file must start again).
pub(crate) fn lock_still_named(path: &Path, file: &File) -> bool {
    match (fs::symlink_metadata(path), file.metadata()) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Releases the lock: the name goes first (while the lock is held), so
/// nothing is left behind in the secrets directory.
pub(crate) fn release_lock(path: &Path, file: File) {
    let _ = fs::remove_file(path);
    drop(file);
}

/// Why a file name cannot be used here (`None`: it can).
pub(crate) fn file_name_problem(_name: &str) -> Option<String> {
    None
}

/// Whether a save must write `target` in place rather than by rename
/// (an NTFS stream on Windows; never on Unix).
pub(crate) fn writes_in_place(_target: &Path) -> bool {
    false
}
