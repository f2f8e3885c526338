//! Reading a secret file and saving one key into it: parsed as JSON, merged
//! keeping every other key in its place, written atomically under a lock.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind as IoKind, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use super::dir_stat::DirStat;
use super::lock::{LOCK_TIMEOUT, SaveLock};
use super::pyload::{self, PyObject, PyValue};
use super::{platform, pyjson};
use crate::error::{Error, ErrorKind, Remedy, Result};
use crate::token::Token;

/// A secret file larger than this is refused: it cannot be a token file.
pub(crate) const MAX_SECRET_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// The JSON object in `path` as Python's `json.load` reads it
/// ([`pyload`], the one reader), or `None` when there is no such file.
pub fn read_object(path: &Path) -> Result<Option<PyObject>> {
    let Some(text) = read_text(path)? else {
        return Ok(None);
    };
    match pyload::parse(&text) {
        Ok(PyValue::Object(map)) => Ok(Some(map)),
        Ok(_) => Err(unparseable(path, "does not hold a JSON object")),
        // The message gives line and column, never the file's text.
        Err(e) => Err(unparseable(path, &not_json(&text, &e))),
    }
}

/// The bytes of a secret file (`None` when there is no such file), after
/// the checks every reader needs: a regular file, not too large, that no
/// one else controls (`platform::check_file`, `platform::check_dir`). A symbolic link to nothing
/// is an error.
pub(crate) fn read_text(path: &Path) -> Result<Option<zeroize::Zeroizing<Vec<u8>>>> {
    Ok(read_text_with_meta(path)?.map(|(text, _)| text))
}

/// As `read_text`, with the metadata of the file read (taken on the open
/// descriptor: the version of the file these bytes came from).
fn read_text_with_meta(path: &Path) -> Result<Option<(Text, fs::Metadata)>> {
    match read_text_if_present(path, None)? {
        Some(read) => Ok(Some(read)),
        None if path.symlink_metadata().is_ok() => {
            Err(secret_error(path, "is a symbolic link to nothing"))
        }
        None => Ok(None),
    }
}

/// A secret file's bytes, zeroed when dropped.
type Text = zeroize::Zeroizing<Vec<u8>>;

/// As `read_text_with_meta`, but `None` also for a symbolic link to nothing
/// (one system call less when nothing is there). Every check is made on
/// the open descriptor's metadata (one `fstat`), never on the path again;
/// the directory's, on `dir` when the caller looked at it already.
fn read_text_if_present(
    path: &Path,
    dir: Option<&DirStat>,
) -> Result<Option<(Text, fs::Metadata)>> {
    // A name this platform cannot hold is no file (Python's os.path.isfile
    // says False for it too). Every name is one on Unix: nothing to check.
    #[cfg(windows)]
    if path
        .file_name()
        .is_some_and(|n| platform::file_name_problem(&n.to_string_lossy()).is_some())
    {
        return Ok(None);
    }
    // A FIFO or a device does not block the open; it is refused below.
    let opened = platform::open_for_reading(path);
    let mut file = match opened {
        Ok(f) => f,
        Err(e) if e.kind() == IoKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("reading", path, &e)),
    };
    let meta = file
        .metadata()
        .map_err(|e| Error::io("reading", path, &e))?;
    if meta.is_dir() {
        return Err(secret_error(path, "is a directory"));
    }
    if !meta.is_file() {
        return Err(secret_error(
            path,
            "is not a regular file (a FIFO, socket or device)",
        ));
    }
    if meta.len() > MAX_SECRET_FILE_BYTES {
        return Err(secret_error(
            path,
            &format!("is larger than {MAX_SECRET_FILE_BYTES} bytes"),
        ));
    }
    platform::check_file(path, &meta)?;
    match (dir, path.parent()) {
        (Some(dir), _) => dir.trust()?,
        (None, Some(parent)) if !parent.as_os_str().is_empty() => platform::check_dir(parent)?,
        (None, _) => {}
    }
    // The size the descriptor gave is the end: one read, none more to see
    // it (a file shrunk meanwhile ends earlier; written in place meanwhile,
    // it may be partial, as with any reader, and then fails to parse).
    let size = meta.len() as usize;
    let mut text = zeroize::Zeroizing::new(vec![0u8; size]);
    let mut filled = 0;
    while filled < size {
        match file.read(&mut text[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == IoKind::Interrupted => {}
            Err(e) => return Err(Error::io("reading", path, &e)),
        }
    }
    text.truncate(filled);
    Ok(Some((text, meta)))
}

/// The token stored under `key` in `path`; `None` when the file or key is absent.
pub fn read_token(path: &Path, key: &str) -> Result<Option<Token>> {
    Ok(read_token_with_meta(path, key)?.and_then(|(token, _)| token))
}

/// As `read_token`, with the metadata of the file the token was read from
/// (`None` when there is no such file).
pub fn read_token_with_meta(
    path: &Path,
    key: &str,
) -> Result<Option<(Option<Token>, fs::Metadata)>> {
    match read_text_with_meta(path)? {
        Some((text, meta)) => Ok(Some((token_in(path, &text, key)?, meta))),
        None => Ok(None),
    }
}

/// The token in a file that holds just the token (a mounted container or CI
/// secret, named by `$FW_AUTH_TOKEN_FILE` or `$CAVE_TOKEN_FILE`): one line,
/// its trailing newline (`\n` or `\r\n`) stripped. The same checks as for
/// the secret files (a regular file, not too large, no FIFO waited on); a
/// missing or empty file, or one with more than one line, is an error.
pub fn read_plain_token(path: &Path) -> Result<Token> {
    let text = read_text(path)?.ok_or_else(|| token_file_error(path, "does not exist"))?;
    let line = text.strip_suffix(b"\n").unwrap_or(&text);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.is_empty() {
        return Err(token_file_error(path, "is empty"));
    }
    if line.contains(&b'\n') {
        return Err(token_file_error(
            path,
            "holds more than one line; it must hold the token alone",
        ));
    }
    let value = std::str::from_utf8(line)
        .map_err(|_| token_file_error(path, "does not hold a usable token: it is not UTF-8"))?;
    Token::new(value).map_err(|e| {
        token_file_error(
            path,
            &format!("does not hold a usable token: {}", e.message()),
        )
    })
}

fn token_file_error(path: &Path, what: &str) -> Error {
    Error::new(
        ErrorKind::SecretFile,
        format!("token file \"{}\" {what}", path.display()),
    )
}

/// What `read_token_if_present` found.
pub enum Found {
    /// Nothing at the path, or a symbolic link to nothing (`Path::exists`
    /// is false for both).
    Nothing,
    /// The file, and the token under the key if it holds one.
    File(Option<Token>),
}

/// As `read_token`, telling an absent file from a file without the key,
/// and without the error for a symbolic link to nothing (`Found::Nothing`).
pub fn read_token_if_present(path: &Path, key: &str) -> Result<Found> {
    Ok(match read_token_in(path, key, None)? {
        Some((token, _)) => Found::File(token),
        None => Found::Nothing,
    })
}

/// What [`read_token_in`] gives: `None` when nothing is there, else the
/// token under the key if any, and the metadata of the file read.
pub type TokenRead = Option<(Option<Token>, fs::Metadata)>;

/// As `read_token_if_present`, with the metadata of the file read (`None`:
/// `Found::Nothing`). `dir`: the look a lookup took at the file's directory,
/// whose trust check then stands for the file's (the file must be directly
/// in it); `None` looks at the directory anew.
pub fn read_token_in(path: &Path, key: &str, dir: Option<&DirStat>) -> Result<TokenRead> {
    match read_text_if_present(path, dir)? {
        Some((text, meta)) => Ok(Some((token_in(path, &text, key)?, meta))),
        None => Ok(None),
    }
}

/// The token under `key` in `text`, the bytes of secret file `path`.
fn token_in(path: &Path, text: &[u8], key: &str) -> Result<Option<Token>> {
    let value = match pyload::value_of(text, key) {
        Ok(Ok(value)) => value,
        Ok(Err(())) => return Err(unparseable(path, "does not hold a JSON object")),
        // The message gives line and column, never the file's text.
        Err(e) => return Err(unparseable(path, &not_json(text, &e))),
    };
    match value {
        None | Some(PyValue::Null) => Ok(None),
        Some(PyValue::Str(s)) => s
            .into_text()
            .map_or_else(|| Token::new("\u{fffd}"), Token::from_owned)
            .map(Some)
            .map_err(|e| {
                bad_value(
                    path,
                    key,
                    &format!(
                        "holds an unusable token under key \"{key}\": {}",
                        e.message()
                    ),
                )
            }),
        Some(_) => Err(bad_value(
            path,
            key,
            &format!("holds a value that is not a string under key \"{key}\""),
        )),
    }
}

/// What a save did to one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saved {
    /// The file was (re)written.
    Written,
    /// The file already held this token under this key; nothing was written.
    Unchanged,
    /// The directory is read-only and the caller asked to skip such files.
    SkippedReadOnly,
    /// This path is where a file that was not a JSON object was kept when a
    /// fresh one was written in its place (the entry after this one).
    KeptInvalid,
}

/// Checks that saving `key` into `path` would not be refused: the name is
/// one the platform can hold, the file, if any, is a JSON object, and
/// without `overwrite` it lacks `key`.
pub fn check_save(path: &Path, key: &str, overwrite: bool) -> Result<()> {
    check_name(path)?;
    if let Some(map) = read_object(path)?
        && !overwrite
        && map.contains_key(&pyload::PyStr::from(key))
    {
        return Err(exists_error(path, key));
    }
    Ok(())
}

/// Saves `token` under `key` in `path`, keeping every other key. Refuses an
/// existing key unless `overwrite`. Writes a temporary file in the same
/// directory, syncs it and renames it over the target, holding the
/// directory's save lock ([`SaveLock`]) so that concurrent savers never lose
/// a key. A symbolic link is written through to its target; an existing file
/// of ours keeps its mode, any other replacement is 0600 and new directories
/// 0700 (a private ACL on Windows). A directory or file someone else
/// controls is refused, as when reading.
pub fn save(
    path: &Path,
    key: &str,
    token: &Token,
    overwrite: bool,
    skip_read_only: bool,
) -> Result<Saved> {
    let target = resolve_link(path)?;
    let dir = target.parent().ok_or_else(|| {
        Error::invalid_argument(format!("\"{}\" has no directory", path.display()))
    })?;
    check_name(&target)?;
    create_private_dir(dir)?;
    platform::check_dir(dir)?;
    if skip_read_only && !platform::dir_writable(dir) {
        return Ok(Saved::SkippedReadOnly);
    }
    let _lock = SaveLock::acquire(dir)?;
    remove_stale_temp_files(dir);
    // Strings of the object are zeroed when it is dropped (pyload::PyStr).
    let mut map = read_object(&target)?.unwrap_or_default();
    let name = pyload::PyStr::from(key);
    match map.get(&name) {
        Some(_) if !overwrite => return Err(exists_error(path, key)),
        Some(PyValue::Str(old)) if old.as_str() == Some(token.expose()) => {
            return Ok(Saved::Unchanged);
        }
        _ => {}
    }
    map.insert(name, PyValue::Str(token.expose().into()));
    let bytes = zeroize::Zeroizing::new(pyjson::dump_object(&map));
    write_atomic(&target, dir, bytes.as_bytes())?;
    Ok(Saved::Written)
}

/// The file a write to `path` must replace: the target of a symbolic link.
fn resolve_link(path: &Path) -> Result<PathBuf> {
    match path.symlink_metadata() {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(path)
            .map_err(|_| secret_error(path, "is a symbolic link to nothing (or a loop)")),
        _ => Ok(path.to_path_buf()),
    }
}

/// Creates `dir` and its missing parents, private to the user (0700).
pub(crate) fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    platform::create_private_dir(dir).map_err(|e| Error::io("creating directory", dir, &e))
}

/// Refuses a file name this platform cannot hold (on Windows, a name with
/// `:` other than `host:port`), before anything is written.
pub(crate) fn check_name(target: &Path) -> Result<()> {
    let name = target.file_name().map(|n| n.to_string_lossy());
    match name.as_deref().and_then(platform::file_name_problem) {
        None => Ok(()),
        Some(problem) => Err(secret_error(
            target,
            &format!(
                "cannot be written: its name {problem}; choose another token file \
                 (the Python clients cannot use this name either)"
            ),
        )),
    }
}

/// Prefix and suffix of the temporary file a save writes before renaming it.
const TEMP_PREFIX: &str = ".fwclient-";
const TEMP_SUFFIX: &str = ".tmp";

/// Removes temporary files left by a saver that was killed mid-save. Called
/// with the directory lock held: a live saver holds the lock for as long as
/// its temporary file exists, so every one found now is stale.
pub(crate) fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// A temporary file being written, removed on drop unless renamed.
struct TempFile {
    path: PathBuf,
    file: Option<File>,
}

impl TempFile {
    /// A new private file `.fwclient-<pid>-<n>.tmp` in `dir`.
    fn create(dir: &Path) -> std::io::Result<TempFile> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        loop {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let name = format!("{TEMP_PREFIX}{}-{n}{TEMP_SUFFIX}", std::process::id());
            let path = dir.join(name);
            match platform::create_new_private(&path) {
                Ok(file) => {
                    return Ok(TempFile {
                        path,
                        file: Some(file),
                    });
                }
                // Left by a killed process with our pid, or taken: next name.
                Err(e) if e.kind() == IoKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// What a secret file should look like, in every message about a malformed one.
pub const EXPECTED_FORM: &str =
    "It should hold a JSON object such as {\"token\": \"<your token>\"}";
/// Suffix of the name a replaced invalid file is kept under, before its time stamp.
pub const INVALID_SUFFIX: &str = ".invalid-";

/// A file that is not a JSON object: it cannot be merged into, only replaced.
/// What is wrong with `text`, which `e` says is not JSON, in plain words:
/// a token pasted alone (the usual mistake) is called that; anything else
/// keeps serde_json's line and column (never the file's text).
/// "is not valid JSON", said in plain words when the file holds a bare
/// token (pasted without the object around it). Never quotes the text.
fn not_json(text: &[u8], e: &impl std::fmt::Display) -> String {
    let trimmed = String::from_utf8_lossy(text.trim_ascii()).into_owned();
    let bare_token = !trimmed.starts_with(['{', '[', '"'])
        && Token::new(&zeroize::Zeroizing::new(trimmed)).is_ok();
    if bare_token {
        "is not valid JSON: it holds a bare token, without the JSON object around it".to_owned()
    } else {
        format!("is not valid JSON ({e})")
    }
}

fn unparseable(path: &Path, what: &str) -> Error {
    secret_error(path, &format!("{what}. {EXPECTED_FORM}"))
        .with_remedy(Remedy::ReplaceInvalid(path.display().to_string()))
}

/// A JSON object whose token under `key` is unusable: a save with overwrite fixes it.
fn bad_value(path: &Path, key: &str, what: &str) -> Error {
    let form = EXPECTED_FORM.replace("\"token\"", &format!("\"{key}\""));
    secret_error(path, &format!("{what}. {form}")).with_remedy(Remedy::Overwrite)
}

/// Whether `e` is about a file that a save replacing invalid files replaces.
pub fn is_replaceable(e: &Error) -> bool {
    e.kind() == ErrorKind::SecretFile && matches!(e.remedy(), Remedy::ReplaceInvalid(_))
}

/// When `path` (or the file a symbolic link at `path` points to) is a
/// regular file that is not a JSON object, renames it to
/// `<name>.invalid-<UTC time stamp>` in the same directory (mode and
/// contents unchanged) and gives the new path. Checked and moved under the
/// directory's lock, so a valid file another saver just wrote stays.
pub fn move_aside_if_invalid(path: &Path) -> Result<Option<PathBuf>> {
    let target = resolve_link(path)?;
    let Some(dir) = target.parent().filter(|d| d.is_dir()) else {
        return Ok(None);
    };
    let _lock = SaveLock::acquire(dir)?;
    match read_object(&target) {
        Err(e) if is_replaceable(&e) => {}
        _ => return Ok(None),
    }
    let stamp = utc_stamp(std::time::SystemTime::now());
    let base = format!("{}{INVALID_SUFFIX}{stamp}", target.display());
    let mut kept = PathBuf::from(&base);
    let mut n = 1;
    while kept.symlink_metadata().is_ok() {
        n += 1;
        kept = PathBuf::from(format!("{base}-{n}"));
    }
    fs::rename(&target, &kept).map_err(|e| Error::io("moving aside", &target, &e))?;
    platform::sync_dir(dir);
    Ok(Some(kept))
}

/// `YYYYMMDDTHHMMSSZ` for `t` (UTC).
fn utc_stamp(t: std::time::SystemTime) -> String {
    let secs = t
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86400, secs % 86400);
    // Howard Hinnant's civil_from_days.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Replaces `target` (in `dir`) with `bytes`: a private temporary file,
/// written and synced, then renamed over it. An existing file of ours
/// passes its mode on. Called with the save lock held.
pub(crate) fn write_atomic(target: &Path, dir: &Path, bytes: &[u8]) -> Result<()> {
    if platform::writes_in_place(target) {
        return write_in_place(target, bytes).map_err(|e| Error::io("writing", target, &e));
    }
    let old = fs::metadata(target).ok();
    let mut tmp =
        TempFile::create(dir).map_err(|e| Error::io("creating a temporary file in", dir, &e))?;
    let write = |f: &mut File| -> std::io::Result<()> {
        platform::keep_mode(f, old.as_ref())?;
        f.write_all(bytes)?;
        f.sync_all()
    };
    let file = tmp.file.as_mut().expect("the temporary file is open");
    write(file).map_err(|e| Error::io("writing", target, &e))?;
    // Closed before the rename: Windows cannot rename an open file.
    drop(tmp.file.take());
    let deadline = Instant::now() + LOCK_TIMEOUT;
    if let Err(e) = platform::replace(&tmp.path, target, deadline) {
        let _ = fs::remove_file(&tmp.path);
        return Err(Error::io("replacing", target, &e));
    }
    // Make the rename itself durable.
    platform::sync_dir(dir);
    Ok(())
}

/// Writes `bytes` into `target` itself (an NTFS stream on Windows, which
/// cannot be renamed over), as Python does.
fn write_in_place(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(target)?;
    f.write_all(bytes)?;
    f.sync_all()
}

pub(crate) fn secret_error(path: &Path, what: &str) -> Error {
    Error::new(
        ErrorKind::SecretFile,
        format!("secret file \"{}\" {what}", path.display()),
    )
}

/// caveclient's message, word for word.
fn exists_error(path: &Path, key: &str) -> Error {
    Error::new(
        ErrorKind::TokenExists,
        format!(
            "Key \"{key}\" already exists in token file \"{}\"",
            path.display()
        ),
    )
    .with_remedy(Remedy::Overwrite)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_stamps_are_utc_calendar_dates() {
        let at = |s: u64| utc_stamp(std::time::UNIX_EPOCH + std::time::Duration::from_secs(s));
        assert_eq!(at(0), "19700101T000000Z");
        assert_eq!(at(951_782_400), "20000229T000000Z");
        assert_eq!(at(1_798_761_599), "20261231T235959Z");
    }
}
