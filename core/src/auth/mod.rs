//! The auth object: finds the user's token as the Python clients do, keeps
//! it for every client that shares it, saves new ones, and says how to get one.

pub mod diagnose;
pub mod env;
pub mod instructions;
mod probe;
mod reload;
mod save;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, RwLock};

use zeroize::Zeroizing;

use crate::address::AddressSource;
use crate::error::{Error, ErrorKind, Result};
use crate::options::Options;
use crate::secrets::dir_stat::DirStat;
use crate::secrets::file;
use crate::secrets::layout::{self, DEFAULT_KEY, Layout};
use crate::token::Token;
use probe::Probe;

pub use save::SaveOptions;

pub use env::{ENV_CAVE_TOKEN, ENV_CAVE_TOKEN_FILE, ENV_TOKEN, ENV_TOKEN_FILE, TokenFileVariable};

/// Where the token in use came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenSource {
    /// No token was found.
    None,
    /// Given by the caller (option or `set_token`).
    Explicit,
    /// `$FW_AUTH_TOKEN`.
    Environment,
    /// `$CAVE_TOKEN`.
    CaveEnvironment,
    /// A file holding just the token, named by `variable`
    /// (`$FW_AUTH_TOKEN_FILE` or `$CAVE_TOKEN_FILE`).
    VariableFile {
        variable: TokenFileVariable,
        path: PathBuf,
    },
    /// Read from (or last saved to) a secret file, under a key.
    File { path: PathBuf, key: String },
}

#[derive(Clone)]
struct State {
    token: Option<Token>,
    source: TokenSource,
    /// The file a save without an explicit file writes to.
    token_file: PathBuf,
    /// Why the lookup found no token although files should hold one: a
    /// secret file that cannot be read or is malformed. Reported where the
    /// token is used; a save or `set_token` clears it.
    problem: Option<Error>,
    /// The version of the token file the token was read from (`source` is
    /// a file), to tell whether it changed since (reload.rs).
    stamp: Option<reload::FileStamp>,
}

/// A user's token and where it lives. Shared by every client built on it:
/// a token saved or set later is what all of them use from then on.
pub struct Auth {
    server_address: String,
    server_source: AddressSource,
    secrets_dir: PathBuf,
    secrets_dir_source: layout::DirSource,
    /// The key tokens are read under (borrowed when it is the default).
    key: std::borrow::Cow<'static, str>,
    /// The layout, detected when first needed if the token's lookup did
    /// not need it.
    layout: OnceLock<Layout>,
    state: RwLock<State>,
    local_server: RwLock<Option<String>>,
    /// Serialises saves of this object, so its state follows the files.
    save_lock: Mutex<()>,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.read_state();
        f.debug_struct("Auth")
            .field("server_address", &self.server_address)
            .field("layout", &self.layout.get())
            .field("token", &state.token)
            .field("source", &state.source)
            .finish()
    }
}

impl Auth {
    /// Finds the token, first found wins (the lookup order, stated here
    /// once; every other statement of it must read the same, as
    /// `tools/check-doc-facts.py` checks): explicit token >
    /// `$FW_AUTH_TOKEN` > `$CAVE_TOKEN` > `$FW_AUTH_TOKEN_FILE` >
    /// `$CAVE_TOKEN_FILE` > token file > the layout's files > the other
    /// layout's default file. Reads files and nothing else: no network, no
    /// directory created.
    ///
    /// A secret file that cannot be read or is malformed does not fail the
    /// construction (a program must be able to save a token over it): the
    /// auth then has no token, and every use of one ([`Auth::usable_token`],
    /// requests) fails with that file's error; see [`Auth::lookup_problem`].
    pub fn new(opts: &Options) -> Result<Auth> {
        Auth::for_datastack(None, opts)
    }

    /// As [`Auth::new`], for a client of `datastack`: without a server
    /// address in `opts`, caveclient's datastack map names the server (see
    /// [`crate::address::resolve_for`]).
    pub fn for_datastack(datastack: Option<&str>, opts: &Options) -> Result<Auth> {
        opts.validate()?;
        let (server_address, server_source) =
            crate::address::resolve_for(opts.server_address.as_deref(), datastack)?;
        let (secrets_dir, secrets_dir_source) =
            layout::secrets_dir_and_source(opts.secrets_dir.as_deref())?;
        let requested = Layout::requested(opts.layout)?;
        let key = opts.token_key.as_deref().unwrap_or(DEFAULT_KEY);
        if key.is_empty() {
            return Err(Error::invalid_argument("the token key must not be empty"));
        }
        let mut problem = None;
        let given = match &opts.token {
            Some(t) => Some((Some(t.clone()), TokenSource::Explicit)),
            None => match env::first()? {
                env::Given::Unset => None,
                env::Given::Token(t, source) => Some((Some(t), source)),
                env::Given::Problem(e, source) => {
                    problem = Some(e);
                    Some((None, source))
                }
            },
        };
        let server_file = layout::server_file(&secrets_dir, &server_address);
        // A lookup among the secret files looks at their directory once:
        // the trust check of every file it reads there, and the version that
        // vouches for the files the last lookup found absent (probe.rs).
        let dir =
            (given.is_none() && opts.token_file.is_none()).then(|| DirStat::take(&secrets_dir));
        let mut hints = dir
            .as_ref()
            .map(|dir| probe::Hints::recall(&server_file, dir));
        // The server's own file (cave layout), when it exists, is the token
        // file. While the token is still to be found it is read at once: the
        // read tells whether it exists (no probe first, unless the last lookup
        // here found it absent: probe.rs). A read that fails leaves it to the
        // probe and the reads below (the same error then).
        let server_read = hints
            .as_mut()
            .and_then(|h| h.read(|| &server_file, key, Probe::Server).ok());
        let server_file_exists = opts.token_file.is_none()
            && match &server_read {
                Some(read) => read.is_some(),
                None => server_file.is_file(),
            };
        // The common case (no layout asked for, no token given, no token
        // file named or kept for the server): the framework file is read
        // first, and whether it exists settles the layout as detect() would
        // (a file system probe less).
        let mut defaults = DefaultFiles::new(&secrets_dir);
        let framework = match &mut hints {
            Some(h) if requested.is_none() && !server_file_exists => {
                match h.read(|| defaults.get(Layout::Framework), key, Probe::Framework) {
                    Ok(found) => Some(found.map(|(token, meta)| (token, Some(meta)))),
                    Err(e) if is_file_problem(&e) => {
                        problem = Some(e);
                        // It exists: the layout is the framework one.
                        Some(Some((None, None)))
                    }
                    Err(e) => return Err(e),
                }
            }
            _ => None,
        };
        if let Some(h) = hints {
            h.remember();
        }
        // No framework file: the cave file, if there is one, settles the
        // layout (detect()'s rule) and is the token file; it is read at once
        // (no probe first). A read that fails leaves it to detect() and the
        // reads below.
        let cave_read = match &framework {
            Some(None) => file::read_token_in(defaults.get(Layout::Cave), key, dir.as_ref()).ok(),
            _ => None,
        };
        // When the server's file holds the token, the layout decides nothing
        // here: it is detected when first needed (a save, the diagnosis).
        let server_answered = matches!(server_read, Some(Some((Some(_), _))));
        // Detected only when something below needs it (a token file named
        // or given makes that rare): otherwise when first needed later.
        let cave_exists = cave_read.as_ref().map(Option::is_some);
        let framework_exists = framework.as_ref().map(Option::is_some);
        let layout_found = std::cell::OnceCell::new();
        let layout = || {
            *layout_found.get_or_init(|| {
                requested.or_else(|| {
                    (!server_answered).then(|| match cave_exists {
                        Some(true) => Layout::Cave,
                        Some(false) => Layout::Framework,
                        None => Layout::detect(&secrets_dir, framework_exists),
                    })
                })
            })
        };
        let token_file = match &opts.token_file {
            Some(f) => layout::expand_file_path(f)?,
            None => match layout() {
                Some(layout) if !server_file_exists => defaults.take(layout),
                // Without a layout, the server's file answered: it exists.
                _ => server_file,
            },
        };
        // The other layout's file: read last, when the others hold no token.
        let mut fallback = || match layout() {
            Some(layout) => defaults.take(layout.other()),
            None => PathBuf::new(),
        };
        // Each file is read once; the stamp of the one the token came from
        // is its open descriptor's metadata.
        let found = match (given, framework, server_read) {
            (Some((token, source)), _, _) => Ok((token, source, None)),
            _ if problem.is_some() => Ok((None, TokenSource::None, None)),
            // The server's file is the token file: read already.
            (None, _, Some(Some((Some(token), meta)))) => Ok((
                Some(token),
                file_source(&token_file, key),
                Some(reload::FileStamp::from_meta(&meta)),
            )),
            (None, _, Some(Some((None, _)))) => find_in_file(&fallback(), key),
            // The framework file is the token file: read already.
            (None, Some(Some((Some(token), meta))), _) => Ok((
                Some(token),
                file_source(&token_file, key),
                meta.as_ref().map(reload::FileStamp::from_meta),
            )),
            (None, Some(Some((None, _))), _) => find_in_file(&fallback(), key),
            // No framework file; the cave file, read already, is the token
            // file, the framework file its fallback.
            (None, Some(None), _) => match cave_read {
                Some(Some((Some(token), meta))) => Ok((
                    Some(token),
                    file_source(&token_file, key),
                    Some(reload::FileStamp::from_meta(&meta)),
                )),
                Some(Some((None, _))) => find_in_file(&fallback(), key),
                // Neither file (or links to nothing: their reads say so).
                _ => find_in_files(&token_file, fallback, key),
            },
            _ => find_in_files(&token_file, fallback, key),
        };
        let (token, source, stamp) = match found {
            Ok(found) => found,
            Err(e) if is_file_problem(&e) => {
                problem = Some(e);
                (None, TokenSource::None, None)
            }
            Err(e) => return Err(e),
        };
        Ok(Auth {
            server_address,
            server_source,
            secrets_dir,
            secrets_dir_source,
            key: match &opts.token_key {
                Some(k) => k.clone().into(),
                None => DEFAULT_KEY.into(),
            },
            layout: layout_found
                .into_inner()
                .flatten()
                .map_or_else(OnceLock::new, OnceLock::from),
            state: RwLock::new(State {
                token,
                source,
                token_file,
                problem,
                stamp,
            }),
            local_server: RwLock::new(None),
            save_lock: Mutex::new(()),
        })
    }

    fn read_state(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write_state(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|p| p.into_inner())
    }

    /// The token in use, if any.
    pub fn token(&self) -> Option<Token> {
        self.read_state().token.clone()
    }

    /// The token in use, if any, or the error of the secret file that kept
    /// the lookup from finding one (see [`Auth::lookup_problem`]).
    pub fn usable_token(&self) -> Result<Option<Token>> {
        let state = self.read_state();
        match &state.problem {
            Some(e) => Err(e.clone()),
            None => Ok(state.token.clone()),
        }
    }

    /// The error of a secret file that cannot be read or is malformed, when
    /// the lookup stopped at it; `None` once a token is saved or set.
    pub fn lookup_problem(&self) -> Option<Error> {
        self.read_state().problem.clone()
    }

    /// Runs `f` on the token in use, borrowed: no copy of it is made. The
    /// error of [`Auth::lookup_problem`] instead, if any.
    pub fn with_token<R>(&self, f: impl FnOnce(Option<&Token>) -> R) -> Result<R> {
        let state = self.read_state();
        match &state.problem {
            Some(e) => Err(e.clone()),
            None => Ok(f(state.token.as_ref())),
        }
    }

    /// Where the token in use came from.
    pub fn source(&self) -> TokenSource {
        self.read_state().source.clone()
    }

    /// The layout of the secret files.
    pub fn layout(&self) -> Layout {
        *self
            .layout
            .get_or_init(|| Layout::detect(&self.secrets_dir, None))
    }

    /// The secrets directory.
    pub fn secrets_dir(&self) -> &Path {
        &self.secrets_dir
    }

    /// The key tokens are read under.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Where the secrets directory came from.
    pub fn secrets_dir_source(&self) -> layout::DirSource {
        self.secrets_dir_source
    }

    /// The file a save without an explicit file writes to.
    pub fn token_file(&self) -> PathBuf {
        self.read_state().token_file.clone()
    }

    /// The global server, normalised.
    pub fn server_address(&self) -> &str {
        &self.server_address
    }

    /// Where the global server's address came from.
    pub fn server_source(&self) -> AddressSource {
        self.server_source
    }

    /// The datastack's local server, once a client has learnt it.
    pub fn local_server(&self) -> Option<String> {
        self.local_server
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Records the local server (from datastack info); saves in the `cave`
    /// layout then also write its per-server file.
    pub fn set_local_server(&self, address: Option<String>) {
        *self.local_server.write().unwrap_or_else(|p| p.into_inner()) = address;
    }

    /// Uses `token` for this session only; no file is written.
    pub fn set_token(&self, token: Token) {
        let mut state = self.write_state();
        state.token = Some(token);
        state.source = TokenSource::Explicit;
        state.problem = None;
    }

    /// `Bearer <token>`, or `None` without a token.
    pub fn request_header(&self) -> Option<Zeroizing<String>> {
        self.read_state().token.as_ref().map(Token::bearer)
    }

    /// `{server}/auth/api/v1/create_token`: where a user creates a new token.
    pub fn new_token_url(&self) -> String {
        format!("{}/auth/api/v1/create_token", self.server_address)
    }

    /// `{server}/sticky_auth/settings/tokens`: the user's existing tokens.
    pub fn token_page_url(&self) -> String {
        format!("{}/sticky_auth/settings/tokens", self.server_address)
    }

    /// The facts of the steps to get and save a token (each front end
    /// renders them with its own lines: `instructions::NewToken::render`).
    pub fn new_token_steps(&self) -> instructions::NewToken {
        instructions::NewToken {
            create_url: self.new_token_url(),
            tokens_page_url: self.token_page_url(),
            saved: self.token_is_saved(),
        }
    }

    /// Whether a save without overwrite would be refused: the token file
    /// holds the key (or is there but unreadable, or the token came from it).
    fn token_is_saved(&self) -> bool {
        let state = self.read_state();
        state.problem.is_some()
            || matches!(&state.source, TokenSource::File { path, .. } if *path == state.token_file)
            || file::read_token(&state.token_file, DEFAULT_KEY).is_ok_and(|t| t.is_some())
    }
}

/// The two layouts' default files in the secrets directory, each path
/// built once, when first needed, and handed on rather than built again.
struct DefaultFiles<'a> {
    dir: &'a Path,
    framework: Option<PathBuf>,
    cave: Option<PathBuf>,
}

impl<'a> DefaultFiles<'a> {
    fn new(dir: &'a Path) -> DefaultFiles<'a> {
        DefaultFiles {
            dir,
            framework: None,
            cave: None,
        }
    }

    fn slot(&mut self, layout: Layout) -> &mut Option<PathBuf> {
        match layout {
            Layout::Framework => &mut self.framework,
            Layout::Cave => &mut self.cave,
        }
    }

    /// `layout`'s default file.
    fn get(&mut self, layout: Layout) -> &PathBuf {
        let dir = self.dir;
        self.slot(layout)
            .get_or_insert_with(|| layout::join(dir, layout.default_file()))
    }

    /// `layout`'s default file, the path built for it handed on.
    fn take(&mut self, layout: Layout) -> PathBuf {
        let dir = self.dir;
        self.slot(layout)
            .take()
            .unwrap_or_else(|| layout::join(dir, layout.default_file()))
    }
}

/// Whether `e`, from reading a secret file, is about that file (it cannot be
/// read or is malformed) rather than about the caller's arguments.
fn is_file_problem(e: &Error) -> bool {
    matches!(e.kind(), ErrorKind::SecretFile | ErrorKind::Io)
}

/// The token under `key` in `first`, else in the file `then` names (built
/// only when `first` has none), where it came from, and that file's stamp.
fn find_in_files(first: &Path, then: impl FnOnce() -> PathBuf, key: &str) -> Result<FoundToken> {
    match find_in_file(first, key)? {
        (None, ..) => find_in_file(&then(), key),
        found => Ok(found),
    }
}

/// The token a lookup found, where it came from, and the stamp of the file
/// it came from.
type FoundToken = (Option<Token>, TokenSource, Option<reload::FileStamp>);

/// The token under `key` in `path`, where it came from, and the file's stamp.
fn find_in_file(path: &Path, key: &str) -> Result<FoundToken> {
    Ok(match file::read_token_with_meta(path, key)? {
        Some((Some(token), meta)) => (
            Some(token),
            file_source(path, key),
            Some(reload::FileStamp::from_meta(&meta)),
        ),
        _ => (None, TokenSource::None, None),
    })
}

fn file_source(path: &Path, key: &str) -> TokenSource {
    TokenSource::File {
        path: path.to_owned(),
        key: key.to_owned(),
    }
}
