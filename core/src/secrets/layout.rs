//! Where secret files live and what they are called: the secrets directory,
//! the two layouts, and the per-server file name.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Default secrets directory below the home directory.
pub const SECRETS_SUBDIR: &str = ".cloudvolume/secrets";
/// annotationframeworkclient 3.1's default file (the seed's).
pub const FRAMEWORK_FILE: &str = "chunkedgraph-secret.json";
/// caveclient's default file.
pub const CAVE_FILE: &str = "cave-secret.json";
/// Suffix of a per-server file: `{netloc}-cave-secret.json`.
pub const SERVER_FILE_SUFFIX: &str = "-cave-secret.json";
/// The key a token is stored under unless another is asked for.
pub const DEFAULT_KEY: &str = "token";

/// Environment variable overriding the secrets directory.
pub const ENV_SECRETS_DIR: &str = "FW_SECRETS_DIR";
/// cloud-volume's and cloud-files' directory variable: their secrets live in
/// `$CLOUD_VOLUME_DIR/secrets`. cloud-volume 12.15.2 `secrets.py`:
/// `CLOUD_VOLUME_DIR = os.environ.get("CLOUD_VOLUME_DIR", CLOUD_VOLUME_DIR)`
/// (default `~/.cloudvolume`, home from `os.path.expanduser('~')`), files at
/// `os.path.join(CLOUD_VOLUME_DIR, 'secrets', name)`; cloud-files 6.4.3
/// `CLOUD_VOLUME_SECRETS_DIR = os.path.join(CLOUD_VOLUME_DIR, 'secrets')`.
/// Neither expands a `~` inside the variable when reading (only
/// cloud-volume's `mkdir` does, through `lib.toabs`); a shell has expanded
/// it already in `export CLOUD_VOLUME_DIR=~/x`, and we expand a leading `~`
/// as for every other path. caveclient 8.2.1 reads no variable.
pub const ENV_CLOUD_VOLUME_DIR: &str = "CLOUD_VOLUME_DIR";
/// Environment variable choosing the layout (`framework` or `cave`).
pub const ENV_LAYOUT: &str = "FW_SECRETS_LAYOUT";

/// Which Python client's files to read and write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// annotationframeworkclient 3.1: `chunkedgraph-secret.json`, one file written.
    Framework,
    /// caveclient 8.x: `cave-secret.json`, server and local-server files written too.
    Cave,
}

impl Layout {
    pub fn from_name(name: &str) -> Option<Layout> {
        match name {
            "framework" => Some(Layout::Framework),
            "cave" => Some(Layout::Cave),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Layout::Framework => "framework",
            Layout::Cave => "cave",
        }
    }

    /// The file a token is read from and saved to by default.
    pub fn default_file(self) -> &'static str {
        match self {
            Layout::Framework => FRAMEWORK_FILE,
            Layout::Cave => CAVE_FILE,
        }
    }

    /// The other layout, whose default file is the last fallback.
    pub fn other(self) -> Layout {
        match self {
            Layout::Framework => Layout::Cave,
            Layout::Cave => Layout::Framework,
        }
    }

    /// The layout asked for: the caller's choice, else `$FW_SECRETS_LAYOUT`;
    /// `None` to [`detect`](Layout::detect) it.
    pub fn requested(chosen: Option<Layout>) -> Result<Option<Layout>> {
        if chosen.is_some() {
            return Ok(chosen);
        }
        match env_nonempty(ENV_LAYOUT)? {
            None => Ok(None),
            Some(value) => Layout::from_name(&value).map(Some).ok_or_else(|| {
                Error::invalid_argument(format!(
                    "${ENV_LAYOUT} must be \"framework\" or \"cave\", not \"{value}\""
                ))
            }),
        }
    }

    /// The layout when none is asked for: `framework` unless `dir` holds
    /// only caveclient's file. `framework_exists`: whether the framework
    /// file exists, when the caller knows already.
    pub fn detect(dir: &Path, framework_exists: Option<bool>) -> Layout {
        // Probed in this order, the common cases take one probe: no cave
        // file (most users of this library), or a known framework file.
        if framework_exists != Some(true)
            && join(dir, CAVE_FILE).is_file()
            && !framework_exists.unwrap_or_else(|| join(dir, FRAMEWORK_FILE).exists())
        {
            Layout::Cave
        } else {
            Layout::Framework
        }
    }
}

/// The value of an environment variable, `None` when unset or empty.
pub fn env_nonempty(name: &str) -> Result<Option<String>> {
    match std::env::var(name) {
        Ok(v) if v.is_empty() => Ok(None),
        Ok(v) => Ok(Some(v)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(Error::invalid_argument(format!(
            "${name} is not valid UTF-8"
        ))),
    }
}

/// The user's home directory as the Python clients find it
/// (`os.path.expanduser("~")`): `$HOME` on Unix, `%USERPROFILE%` on Windows.
pub fn home_dir() -> Result<PathBuf> {
    super::platform::home_dir()
        .filter(|h| !h.as_os_str().is_empty())
        .ok_or_else(|| {
            Error::invalid_argument(if cfg!(windows) {
                "cannot find the home directory (USERPROFILE is not set)"
            } else {
                "cannot find the home directory (HOME is not set)"
            })
        })
}

/// `~` and `~/...` expanded to the home directory; a relative path made
/// absolute against the current directory. (The Python clients leave `~`
/// unexpanded when saving and fail on bare relative names.)
pub fn expand_path(path: &str) -> Result<PathBuf> {
    if path.is_empty() {
        return Err(Error::invalid_argument("a path must not be empty"));
    }
    let rest = super::platform::TILDE_PREFIXES
        .iter()
        .find_map(|p| path.strip_prefix(p));
    let expanded = if path == "~" {
        home_dir()?
    } else if let Some(rest) = rest {
        home_dir()?.join(rest)
    } else {
        PathBuf::from(path)
    };
    if expanded.is_absolute() {
        Ok(expanded)
    } else {
        let cwd = std::env::current_dir().map_err(|e| {
            Error::invalid_argument(format!("cannot resolve relative path \"{path}\": {e}"))
        })?;
        Ok(cwd.join(expanded))
    }
}

/// Like [`expand_path`], for a path that must name a file (not end in `/`).
pub fn expand_file_path(path: &str) -> Result<PathBuf> {
    if super::platform::names_a_directory(path) {
        return Err(Error::invalid_argument(format!(
            "\"{path}\" names a directory; a token file path must name a file"
        )));
    }
    expand_path(path)
}

/// Where the secrets directory in use came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DirSource {
    /// The caller's option (`secrets_dir`, `--secrets-dir`).
    Option,
    /// `$FW_SECRETS_DIR`.
    Environment,
    /// `$CLOUD_VOLUME_DIR/secrets`.
    CloudVolumeDir,
    /// `~/.cloudvolume/secrets`.
    Home,
}

impl DirSource {
    /// How the diagnosis and `fwauth status` name it.
    pub fn describe(self) -> &'static str {
        match self {
            DirSource::Option => "option",
            DirSource::Environment => "$FW_SECRETS_DIR",
            DirSource::CloudVolumeDir => "$CLOUD_VOLUME_DIR/secrets",
            DirSource::Home => "~/.cloudvolume/secrets",
        }
    }
}

/// The secrets directory: the caller's choice, else `$FW_SECRETS_DIR`, else
/// `$CLOUD_VOLUME_DIR/secrets`, else `~/.cloudvolume/secrets`.
pub fn secrets_dir(chosen: Option<&str>) -> Result<PathBuf> {
    secrets_dir_and_source(chosen).map(|(dir, _)| dir)
}

/// [`secrets_dir`] and where it came from.
pub fn secrets_dir_and_source(chosen: Option<&str>) -> Result<(PathBuf, DirSource)> {
    if let Some(dir) = chosen {
        return Ok((expand_path(dir)?, DirSource::Option));
    }
    if let Some(dir) = env_nonempty(ENV_SECRETS_DIR)? {
        return Ok((expand_path(&dir)?, DirSource::Environment));
    }
    if let Some(dir) = env_nonempty(ENV_CLOUD_VOLUME_DIR)? {
        return Ok((
            expand_path(&dir)?.join("secrets"),
            DirSource::CloudVolumeDir,
        ));
    }
    Ok((home_secrets_dir()?, DirSource::Home))
}

/// `~/.cloudvolume/secrets`: where caveclient 8.2.1 and
/// annotationframeworkclient 3.1 always look (`default_token_location =
/// "~/.cloudvolume/secrets"`, whatever the environment says).
pub fn home_secrets_dir() -> Result<PathBuf> {
    // Joined part by part: native separators on Windows too.
    Ok(SECRETS_SUBDIR
        .split('/')
        .fold(home_dir()?, |dir, part| dir.join(part)))
}

/// The network location of a server address as caveclient computes it:
/// `https://` assumed when there is no scheme; user-info, port and case kept;
/// path, query and fragment dropped.
pub fn netloc(address: &str) -> &str {
    // Byte loops, not str::find: this is on every token lookup's path.
    let bytes = address.as_bytes();
    let start = bytes
        .windows(3)
        .position(|w| w == b"://")
        .map_or(0, |i| i + 3);
    let rest = &address[start..];
    let end = rest
        .bytes()
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The per-server file name for `address`: `{netloc}-cave-secret.json`.
pub fn server_file_name(address: &str) -> String {
    // Not format!: this is on every token lookup's path.
    [netloc(address), SERVER_FILE_SUFFIX].concat()
}

/// `dir/name`, allocated once (`Path::join` grows its buffer): a token
/// lookup builds several of these.
pub fn join(dir: &Path, name: &str) -> PathBuf {
    join_parts(dir, &[name])
}

/// The per-server file for `address` in `dir`: `dir/{netloc}-cave-secret.json`,
/// allocated once.
pub fn server_file(dir: &Path, address: &str) -> PathBuf {
    join_parts(dir, &[netloc(address), SERVER_FILE_SUFFIX])
}

/// `dir/` and the parts of one name, in one allocation.
fn join_parts(dir: &Path, parts: &[&str]) -> PathBuf {
    let len = parts.iter().map(|p| p.len()).sum::<usize>();
    let mut path = PathBuf::with_capacity(dir.as_os_str().len() + 1 + len);
    path.push(dir);
    if let Some((first, rest)) = parts.split_first() {
        path.push(first);
        for part in rest {
            path.as_mut_os_string().push(part);
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_file_names_match_caveclient() {
        let cases = [
            (
                "https://global.daf-apis.com",
                "global.daf-apis.com-cave-secret.json",
            ),
            (
                "global.daf-apis.com",
                "global.daf-apis.com-cave-secret.json",
            ),
            (
                "https://global.daf-apis.com/",
                "global.daf-apis.com-cave-secret.json",
            ),
            ("http://localhost:8080", "localhost:8080-cave-secret.json"),
            ("https://a.b.c/some/path", "a.b.c-cave-secret.json"),
            (
                "https://GLOBAL.daf-apis.com:443/",
                "GLOBAL.daf-apis.com:443-cave-secret.json",
            ),
            (
                "https://user:pw@host.org:443/x",
                "user:pw@host.org:443-cave-secret.json",
            ),
            ("127.0.0.1:8080", "127.0.0.1:8080-cave-secret.json"),
            // caveclient's parser reads `localhost:8080` as scheme `localhost`
            // and names the file `-cave-secret.json`; we read it as host:port.
            ("localhost:8080", "localhost:8080-cave-secret.json"),
            ("https://h.org?x=1", "h.org-cave-secret.json"),
        ];
        let dir = Path::new("secrets");
        for (addr, want) in cases {
            assert_eq!(server_file_name(addr), want, "{addr}");
            assert_eq!(server_file(dir, addr), dir.join(want), "{addr}");
        }
    }

    #[test]
    fn layouts() {
        assert_eq!(Layout::Framework.default_file(), "chunkedgraph-secret.json");
        assert_eq!(Layout::Cave.default_file(), "cave-secret.json");
        assert_eq!(Layout::from_name("cave"), Some(Layout::Cave));
        assert_eq!(Layout::from_name("Cave"), None);
    }

    #[test]
    fn relative_paths_become_absolute() {
        let p = expand_path("rel.json").unwrap();
        assert!(p.is_absolute());
        assert!(p.ends_with("rel.json"));
        assert!(expand_path("").is_err());
        assert!(expand_file_path("~/sub/").is_err());
    }
}
