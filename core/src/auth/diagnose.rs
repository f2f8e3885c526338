//! One report of every place a token can come from, in precedence order,
//! what each holds (masked), which one wins, which file each Python tool
//! would read, and every disagreement with what fixes it (as facts, which
//! each front end says as a command).
//! `fw_auth_diagnose` hands it to C as JSON; `fwauth status` prints it.
//!
//! The tools' rules, read from their sources:
//! - caveclient 8.2.1 (`auth.py`): `~/.cloudvolume/secrets` always
//!   (`default_token_location`); the server file `{netloc}-cave-secret.json`
//!   when it exists, else `cave-secret.json`, then the deprecated
//!   `chunkedgraph-secret.json`; key `token`.
//! - cloud-volume 12.15.2 (`secrets.py`, `cave_credentials`):
//!   `$CLOUD_VOLUME_DIR/secrets` (default `~/.cloudvolume/secrets`); the
//!   first file that exists of `{domain}-cave-secret.json`,
//!   `cave-secret.json`, `chunkedgraph-secret.json`.
//! - cloud-files 6.4.3 (`secrets.py`, `cave_credentials`): the same
//!   directory; the first that exists of `{server}-cave-secret.json`,
//!   `cave-secret.json`.
//! - annotationframeworkclient 3.1: `~/.cloudvolume/secrets/chunkedgraph-secret.json`.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::env::{self, Given};
use super::{Auth, TokenSource};
use crate::address::AddressSource;
use crate::secrets::datastack_map;
use crate::secrets::file::{self, Found};
use crate::secrets::layout::{
    self, CAVE_FILE, DEFAULT_KEY, ENV_CLOUD_VOLUME_DIR, FRAMEWORK_FILE, env_nonempty,
};
use crate::token::Token;

/// A disagreement's `fix` when this library has a token: save it (with
/// overwrite) to the file named here, which the tool reads.
pub const SAVE_TOKEN_IN_USE_TO: &str = "save_token_in_use_to";
/// A disagreement's `fix` when only the tool finds a token: save the token
/// found in the secrets directory named here where this library reads it.
pub const SAVE_TOKEN_FOUND_IN: &str = "save_token_found_in";

/// The token hidden: one `*` per character (at most 40) and the length.
pub fn mask(token: &Token) -> String {
    let n = token.expose().len();
    format!("{} ({n} characters)", "*".repeat(n.min(40)))
}

/// What one place holds.
enum Holds {
    Unset,
    Missing,
    NoKey,
    Token(Token),
    Problem(String),
}

impl Holds {
    fn of_file(path: &Path, key: &str) -> Holds {
        match file::read_token_if_present(path, key) {
            Ok(Found::Nothing) => Holds::Missing,
            Ok(Found::File(None)) => Holds::NoKey,
            Ok(Found::File(Some(t))) => Holds::Token(t),
            Err(e) => Holds::Problem(e.message().to_owned()),
        }
    }

    fn json(&self) -> (Value, Value) {
        match self {
            Holds::Unset => (json!("unset"), Value::Null),
            Holds::Missing => (json!("no such file"), Value::Null),
            Holds::NoKey => (json!("no token under the key"), Value::Null),
            Holds::Token(t) => (json!("token"), json!(mask(t))),
            Holds::Problem(m) => (json!(format!("unusable: {m}")), Value::Null),
        }
    }
}

/// One place, as the report lists it.
struct Place {
    name: String,
    path: Option<PathBuf>,
    key: Option<String>,
    holds: Holds,
}

/// The report on `auth` (its token, its files, the environment now), as a
/// JSON value; see the module documentation. Never holds a token.
pub fn report(auth: &Auth) -> Value {
    let state = auth.read_state().clone();
    let places = places(auth, &state.source);
    let winner = places.iter().position(|p| is_source(p, &state.source));
    let in_use = state.token.as_ref();
    let mut disagreements = Vec::new();
    let tools: Vec<Value> = tools(auth)
        .into_iter()
        .map(|tool| {
            let found = tool.found();
            let set_up = tool.files.iter().any(|f| f.exists());
            let agrees = match (&found, in_use) {
                (Some((_, t)), Some(ours)) => t.expose() == ours.expose(),
                (None, None) => true,
                (None, Some(_)) => tool.optional && !set_up,
                (Some(_), None) => false,
            };
            if !agrees {
                disagreements.push(disagreement(&tool, found.as_ref(), in_use, &places, winner));
            }
            json!({
                "tool": tool.name,
                "reads": tool.files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
                "uses": found.as_ref().map(|(p, _)| p.display().to_string()),
                "token": found.as_ref().map(|(_, t)| mask(t)),
                "agrees": agrees,
            })
        })
        .collect();
    let places_json: Vec<Value> = places
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (holds, token) = p.holds.json();
            json!({
                "place": p.name,
                "path": p.path.as_ref().map(|f| f.display().to_string()),
                "key": p.key,
                "holds": holds,
                "token": token,
                "wins": Some(i) == winner,
            })
        })
        .collect();
    json!({
        "server": {
            "address": auth.server_address(),
            "source": server_source(auth.server_source()),
        },
        "secrets_dir": {
            "path": auth.secrets_dir().display().to_string(),
            "source": auth.secrets_dir_source().describe(),
        },
        "layout": auth.layout().name(),
        "datastack_map": datastack_map::caveclient_path().map(|p| p.display().to_string()),
        "token": in_use.map(mask),
        "problem": state.problem.as_ref().map(|e| e.message().to_owned()),
        "places": places_json,
        "tools": tools,
        "disagreements": disagreements,
    })
}

fn server_source(source: AddressSource) -> &'static str {
    match source {
        AddressSource::Option => "option",
        AddressSource::Environment => "$FW_SERVER_ADDRESS",
        AddressSource::DatastackMap => "datastack map",
        AddressSource::Default => "default",
    }
}

/// Every place, in the order [`Auth::new`] looks.
fn places(auth: &Auth, source: &TokenSource) -> Vec<Place> {
    let mut out = vec![Place {
        name: "explicit token".to_owned(),
        path: None,
        key: None,
        holds: match (source, auth.token()) {
            (TokenSource::Explicit, Some(t)) => Holds::Token(t),
            _ => Holds::Unset,
        },
    }];
    for name in env::VARIABLES {
        let path = if name == env::ENV_TOKEN_FILE || name == env::ENV_CAVE_TOKEN_FILE {
            env_nonempty(name)
                .ok()
                .flatten()
                .and_then(|v| layout::expand_file_path(&v).ok())
        } else {
            None
        };
        let holds = match env::read(name) {
            Ok(Given::Unset) => Holds::Unset,
            Ok(Given::Token(t, _)) => Holds::Token(t),
            Ok(Given::Problem(e, _)) => Holds::Problem(e.message().to_owned()),
            Err(e) => Holds::Problem(e.message().to_owned()),
        };
        out.push(Place {
            name: format!("${name}"),
            path,
            key: None,
            holds,
        });
    }
    let key = auth.key();
    let token_file = auth.token_file();
    let fallback = layout::join(auth.secrets_dir(), auth.layout().other().default_file());
    for (name, path) in [
        (
            format!("token file ({} layout)", auth.layout().name()),
            token_file,
        ),
        ("fallback file (the other layout's)".to_owned(), fallback),
    ] {
        let holds = Holds::of_file(&path, key);
        out.push(Place {
            name,
            path: Some(path),
            key: Some(key.to_owned()),
            holds,
        });
    }
    out
}

fn is_source(place: &Place, source: &TokenSource) -> bool {
    match source {
        TokenSource::None => false,
        TokenSource::Explicit => place.name == "explicit token",
        TokenSource::Environment => place.name == format!("${}", env::ENV_TOKEN),
        TokenSource::CaveEnvironment => place.name == format!("${}", env::ENV_CAVE_TOKEN),
        TokenSource::VariableFile { variable, .. } => place.name == format!("${variable}"),
        TokenSource::File { path, key } => {
            place.path.as_ref() == Some(path) && place.key.as_deref() == Some(key.as_str())
        }
    }
}

/// A Python tool and the files it reads, in its order.
struct Tool {
    name: &'static str,
    files: Vec<PathBuf>,
    /// Uses the first file that exists even without the key (cloud-volume,
    /// cloud-files), rather than the first that holds it.
    first_existing: bool,
    /// A tool that has none of its files is not counted as disagreeing
    /// (annotationframeworkclient, which caveclient replaced).
    optional: bool,
}

impl Tool {
    /// The file the tool takes its token from, and the token.
    fn found(&self) -> Option<(PathBuf, Token)> {
        for path in &self.files {
            match file::read_token_if_present(path, DEFAULT_KEY) {
                Ok(Found::File(Some(t))) => return Some((path.clone(), t)),
                Ok(Found::Nothing) => continue,
                _ if self.first_existing => return None,
                _ => continue,
            }
        }
        None
    }
}

fn tools(auth: &Auth) -> Vec<Tool> {
    let server_file = layout::server_file_name(auth.server_address());
    let home = layout::home_secrets_dir().ok();
    let cv_dir = match env_nonempty(ENV_CLOUD_VOLUME_DIR).ok().flatten() {
        Some(d) => layout::expand_path(&d).ok().map(|d| d.join("secrets")),
        None => home.clone(),
    };
    let files = |dir: &Option<PathBuf>, names: &[&str]| -> Vec<PathBuf> {
        dir.as_ref()
            .map(|d| names.iter().map(|n| layout::join(d, n)).collect())
            .unwrap_or_default()
    };
    let caveclient_first = match &home {
        Some(d) if layout::join(d, &server_file).is_file() => server_file.as_str(),
        _ => CAVE_FILE,
    };
    vec![
        Tool {
            name: "caveclient",
            files: files(&home, &[caveclient_first, FRAMEWORK_FILE]),
            first_existing: false,
            optional: false,
        },
        Tool {
            name: "cloud-volume",
            files: files(&cv_dir, &[&server_file, CAVE_FILE, FRAMEWORK_FILE]),
            first_existing: true,
            optional: false,
        },
        Tool {
            name: "cloud-files",
            files: files(&cv_dir, &[&server_file, CAVE_FILE]),
            first_existing: true,
            optional: false,
        },
        Tool {
            name: "annotationframeworkclient",
            files: files(&home, &[FRAMEWORK_FILE]),
            first_existing: false,
            optional: true,
        },
    ]
}

fn disagreement(
    tool: &Tool,
    found: Option<&(PathBuf, Token)>,
    in_use: Option<&Token>,
    places: &[Place],
    winner: Option<usize>,
) -> Value {
    let ours = winner.map_or("nothing".to_owned(), |i| {
        let p = &places[i];
        match &p.path {
            Some(path) if !p.name.starts_with('$') => path.display().to_string(),
            Some(path) => format!("{} ({})", p.name, path.display()),
            None => p.name.clone(),
        }
    });
    let target = found
        .map(|(p, _)| p.clone())
        .or_else(|| tool.files.first().cloned())
        .unwrap_or_default();
    let problem = match (found, in_use) {
        (Some((path, _)), Some(_)) => format!(
            "{} reads {}, which holds a different token from {ours} that this library uses",
            tool.name,
            path.display()
        ),
        (None, Some(_)) => format!(
            "{} finds no token (it reads {}), while this library uses the one from {ours}",
            tool.name,
            tool.files
                .iter()
                .map(|f| f.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (Some((path, _)), None) => format!(
            "{} reads a token from {}, while this library finds none",
            tool.name,
            path.display()
        ),
        (None, None) => String::new(),
    };
    // The fix as facts; each front end says it in its own words.
    let fix = match in_use {
        Some(_) => json!({ SAVE_TOKEN_IN_USE_TO: target.display().to_string() }),
        None => json!({
            SAVE_TOKEN_FOUND_IN: target.parent().unwrap_or(Path::new("")).display().to_string()
        }),
    };
    json!({ "tool": tool.name, "problem": problem, "fix": fix })
}
