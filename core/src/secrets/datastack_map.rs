//! caveclient's datastack → server map, `cave_datastack_to_server_map.json`
//! in `~/.cloudvolume/secrets` (see [`caveclient_path`]): a flat JSON object `{"<datastack>": "<server
//! address as given>"}` telling which global server a datastack lives on.
//! caveclient writes it when a client is created with an explicit server and
//! during `setup_token`; unreadable content counts as an empty map.
//!
//! Written like the secret files: Python `json.dump` bytes, every other entry
//! kept in its place, a temporary file renamed over the old one under the
//! directory's save lock; a new file is 0600 and a new directory 0700.
//!
//! The map says where the token goes, so it is held to more than a secret
//! file: a map that anyone but the user could have written (the file or its
//! directory writable by the group or by everyone, or owned by another user,
//! root excepted) is not used, and the client that needed it is not made
//! (an error with the `chmod` that fixes it, never a silent fallback to
//! another server).

use std::path::{Path, PathBuf};

use super::file::{create_private_dir, read_text, remove_stale_temp_files, write_atomic};
use super::lock::SaveLock;
use super::pyload::{self, PyObject, PyStr, PyValue};
use super::{layout, platform, pyjson};
use crate::error::{Error, Result};

/// The map's file name in the secrets directory.
pub const MAP_FILE: &str = "cave_datastack_to_server_map.json";

/// caveclient 8.2.1's map file, `~/.cloudvolume/secrets/{MAP_FILE}`
/// (`datastack_lookup.py`: `os.path.join(auth.default_token_location,
/// DEFAULT_DATASTACK_FILE)`, `~` expanded at use). caveclient reads no
/// environment variable, so neither `$FW_SECRETS_DIR` nor
/// `$CLOUD_VOLUME_DIR` moves it: fwclient reads and writes this one file,
/// the one caveclient shares. `None` without a home directory.
pub fn caveclient_path() -> Option<PathBuf> {
    layout::home_secrets_dir().ok().map(|dir| path(&dir))
}

/// caveclient's map file and its entry for `datastack`, if it has a
/// string one; an error when the map is one someone else could have
/// written (see the module's text).
pub fn caveclient_entry(datastack: &str) -> Result<Option<(PathBuf, String)>> {
    let Some(file) = caveclient_path() else {
        return Ok(None);
    };
    let server = entry(&read_file(&file)?, datastack);
    Ok(server.map(|s| (file, s)))
}

/// The map file in `secrets_dir`.
pub fn path(secrets_dir: &Path) -> PathBuf {
    secrets_dir.join(MAP_FILE)
}

/// The map in `secrets_dir`. A missing or malformed file is an empty map,
/// as in caveclient; one someone else controls is an error.
pub fn read(secrets_dir: &Path) -> Result<PyObject> {
    read_file(&path(secrets_dir))
}

/// The server recorded for `datastack`, if any.
pub fn server_for(secrets_dir: &Path, datastack: &str) -> Result<Option<String>> {
    Ok(entry(&read(secrets_dir)?, datastack))
}

/// The string entry of `map` for `datastack`.
fn entry(map: &PyObject, datastack: &str) -> Option<String> {
    match map.get(&PyStr::from(datastack)) {
        Some(PyValue::Str(s)) => s.as_str().map(str::to_owned),
        _ => None,
    }
}

/// Records `datastack → server`. Writes only when the stored value differs;
/// returns whether the file was written. A malformed existing file is
/// replaced, as caveclient does (it reads it as an empty map).
pub fn record(secrets_dir: &Path, datastack: &str, server: &str) -> Result<bool> {
    if datastack.is_empty() || server.is_empty() {
        return Err(Error::invalid_argument(
            "a datastack name and a server address are needed",
        ));
    }
    let file = path(secrets_dir);
    create_private_dir(secrets_dir)?;
    platform::check_dir(secrets_dir)?;
    let _lock = SaveLock::acquire(secrets_dir)?;
    remove_stale_temp_files(secrets_dir);
    let mut map = read_file(&file)?;
    if entry(&map, datastack).as_deref() == Some(server) {
        return Ok(false);
    }
    map.insert(datastack.into(), PyValue::Str(server.into()));
    write_atomic(&file, secrets_dir, pyjson::dump_object(&map).as_bytes())?;
    Ok(true)
}

/// The map in `file`: empty when absent or not a JSON object (caveclient's
/// rule); an error when anyone but the user could have written it, or it
/// is not a regular file of reasonable size (the secret files' rules).
fn read_file(file: &Path) -> Result<PyObject> {
    check_only_mine(file)?;
    let Some(text) = read_text(file)? else {
        return Ok(PyObject::new());
    };
    match pyload::parse(&text) {
        Ok(PyValue::Object(map)) => Ok(map),
        _ => Ok(PyObject::new()),
    }
}

/// Why caveclient's map is not used, when it is not (for `fwauth status`):
/// the error a client that needs it gets, with its remedy.
pub fn caveclient_refusal() -> Option<Error> {
    check_only_mine(&caveclient_path()?).err()
}

/// Refuses the map `file` when anyone but the user could have written it:
/// its directory first (once no one else can write it, no one else can
/// swap the file before it is read), the file, and for a link the
/// directory of the file it points to.
fn check_only_mine(file: &Path) -> Result<()> {
    if let Some(dir) = file.parent().filter(|d| d.is_dir()) {
        only_mine(file, dir, true)?;
    }
    only_mine(file, file, false)?;
    if let Ok(target) = file.canonicalize()
        && let Some(dir) = target.parent().filter(|d| Some(*d) != file.parent())
    {
        only_mine(file, dir, true)?;
    }
    Ok(())
}

/// Refuses the map `file` when `path` (the map, or a directory it is in)
/// could have been written by anyone but the user: writable by its group or
/// by everyone (a sticky directory is not excepted: a member may still
/// create the map there), or owned by another user (root excepted).
#[cfg(unix)]
fn only_mine(file: &Path, path: &Path, is_dir: bool) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(());
    };
    let what = if is_dir { "its directory" } else { "the file" };
    let shown = path.display();
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    let (problem, fix) = if meta.uid() != me && meta.uid() != 0 {
        (
            format!(
                "{what} \"{shown}\" belongs to user id {}, not to you",
                meta.uid()
            ),
            format!("chown {me} \"{shown}\""),
        )
    } else if meta.mode() & 0o022 != 0 {
        let who = if meta.mode() & 0o002 != 0 {
            "every user"
        } else {
            "its group"
        };
        (
            format!(
                "{what} \"{shown}\" is writable by {who} (mode {:04o})",
                meta.mode() & 0o7777
            ),
            format!("chmod go-w \"{shown}\""),
        )
    } else {
        return Ok(());
    };
    Err(Error::new(
        crate::error::ErrorKind::SecretFile,
        format!(
            "the datastack map \"{}\" is not used: {problem}, so someone else could choose \
             the server that receives your token",
            file.display()
        ),
    )
    .with_remedy(crate::error::Remedy::RunCommand(fix)))
}

/// Not checked on Windows, as for the secret files (`platform::check_file`).
#[cfg(not(unix))]
fn only_mine(_file: &Path, _path: &Path, _is_dir: bool) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn records_like_caveclient() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = dir.path().join("secrets");
        assert_eq!(server_for(&secrets, "ds1").unwrap(), None);
        assert!(record(&secrets, "ds1", "http://127.0.0.1:18080").unwrap());
        assert!(record(&secrets, "ds2", "http://127.0.0.1:18080").unwrap());
        assert!(!record(&secrets, "ds1", "http://127.0.0.1:18080").unwrap());
        let bytes = fs::read_to_string(path(&secrets)).unwrap();
        assert_eq!(
            bytes,
            r#"{"ds1": "http://127.0.0.1:18080", "ds2": "http://127.0.0.1:18080"}"#
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(path(&secrets)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            let dmode = fs::metadata(&secrets).unwrap().permissions().mode();
            assert_eq!(dmode & 0o777, 0o700);
        }
        assert_eq!(
            server_for(&secrets, "ds2").unwrap().as_deref(),
            Some("http://127.0.0.1:18080")
        );
    }

    #[test]
    fn keeps_other_entries_and_replaces_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let file = path(dir.path());
        fs::write(&file, r#"{"b": "https://x", "a": 1}"#).unwrap();
        assert!(record(dir.path(), "b", "https://y").unwrap());
        assert!(record(dir.path(), "c", "https://z").unwrap());
        assert_eq!(
            fs::read_to_string(&file).unwrap(),
            r#"{"b": "https://y", "a": 1, "c": "https://z"}"#
        );
        fs::write(&file, "{not json").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).unwrap();
            fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o700)).unwrap();
        }
        assert!(read(dir.path()).unwrap().is_empty());
        assert!(record(dir.path(), "d", "https://w").unwrap());
        assert_eq!(fs::read_to_string(&file).unwrap(), r#"{"d": "https://w"}"#);
        assert!(record(dir.path(), "", "https://w").is_err());
    }
}
