//! caveclient's guided token setup (`CAVEclient.setup_token` and the
//! `caveclient setup-token` command, python-clients.md §3.4) without the
//! terminal: every rule of the flow lives here; asking the user is the
//! caller's part (the `fwauth setup-token` command).
//!
//! The flow: [`reach`] the server (before asking for anything); show the
//! tokens page; read a pasted token; [`accept_pasted`]
//! (strip; any valid token, [`looks_like_global_token`] or not: other
//! deployments and fw-devserver issue other forms); [`validate`] it with
//! `GET {server}/info/api/v2/datastacks`, asking again when
//! [`is_rejection`]; [`save`] it with overwrite; then, when
//! [`offers_datastack_step`], [`setup_datastack`] for the datastacks the user
//! picks (the datastack → server map and the local server's secret file).

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;
use zeroize::Zeroizing;

use crate::address::AddressSource;
use crate::auth::{Auth, SaveOptions};
use crate::client::Client;
use crate::error::{Error, ErrorKind, Remedy, Result};
use crate::http::{Request, Transport};
use crate::options::Options;
use crate::secrets::datastack_map;
use crate::secrets::file::Saved;
use crate::secrets::layout::{self, ENV_LAYOUT, Layout};
use crate::token::{Token, is_server_issued_form};

/// The pasted token as setup accepts it: without surrounding spaces, any
/// valid token, its case kept (caveclient lower-cases it and refuses all but
/// 32 hex characters, which turns away other deployments' tokens). An
/// unusable one is `InvalidTokenFormat` saying why (never quoting it).
pub fn accept_pasted(input: &str) -> Result<Token> {
    let token = Zeroizing::new(input.trim().to_owned());
    Token::new(&token).map_err(|e| {
        Error::new(
            ErrorKind::InvalidTokenFormat,
            format!("That is not a usable token: {}.", e.message()),
        )
    })
}

/// Whether `token` has the form of the global server's tokens (32 lowercase
/// hex characters). Setup warns, and asks on a terminal, when it has not.
pub fn looks_like_global_token(token: &Token) -> bool {
    is_server_issued_form(token.expose())
}

/// The warning for a token that does not [`look like the global server's`](looks_like_global_token).
pub fn unusual_form_warning(token: &Token) -> String {
    format!(
        "This token ({} characters) does not look like the global server's tokens \
         (32 characters 0-9, a-f); other deployments and fw-devserver issue other forms, \
         so it may still be right.",
        token.expose().len()
    )
}

/// The layout setup writes: the caller's choice, else `$FW_SECRETS_LAYOUT`,
/// else `cave`, because setup is caveclient's flow and writes caveclient's
/// files (the server's file, `cave-secret.json`, the local servers' files).
/// The server's file is read first in both layouts, so the token set up is
/// the one every client of that server then uses.
pub fn layout(chosen: Option<Layout>) -> Result<Layout> {
    if let Some(layout) = chosen {
        return Ok(layout);
    }
    match layout::env_nonempty(ENV_LAYOUT)? {
        Some(value) => Layout::from_name(&value).ok_or_else(|| {
            Error::invalid_argument(format!(
                "${ENV_LAYOUT} must be \"framework\" or \"cave\", not \"{value}\""
            ))
        }),
        None => Ok(Layout::Cave),
    }
}

/// `opts` with setup's [`layout`].
pub fn options(opts: &Options) -> Result<Options> {
    let mut opts = opts.clone();
    opts.layout = Some(layout(opts.layout)?);
    Ok(opts)
}

/// Tries `token` alone (no saved token, no `$FW_AUTH_TOKEN`) with
/// `GET {server}/info/api/v2/datastacks`, as caveclient does; on success,
/// the datastacks it may see, sorted.
pub fn validate(token: &Token, opts: &Options) -> Result<Vec<String>> {
    let mut with_token = opts.clone();
    with_token.token = Some(token.clone());
    let client = Client::new(None, &with_token)?;
    datastack_names(&client.datastacks()?)
}

/// Checks that the server answers at all, before the user is asked for a
/// token: `GET {server}/info/api/v2/datastacks` without any token (any
/// HTTP answer, 401 included, will do). A server that cannot be reached
/// (network, TLS, timeout) is the error; when no server was named and the
/// default one is unreachable, its remedy is [`Remedy::SetServer`] (unless
/// the error knows a more precise one).
pub fn reach(auth: &Auth, opts: &Options) -> Result<()> {
    let transport = Transport::new(&opts.http, auth.server_address(), auth.new_token_url())?;
    let url = format!("{}/info/api/v2/datastacks", auth.server_address());
    match transport.send(&Request::get(&url), None) {
        Ok(_) => Ok(()),
        Err(e) if e.http_status() != 0 => Ok(()),
        Err(e) if auth.server_source() == AddressSource::Default && *e.remedy() == Remedy::None => {
            Err(e.with_remedy(Remedy::SetServer))
        }
        Err(e) => Err(e),
    }
}

/// Whether a [`validate`] error means "this token did not work" (ask for
/// another one), as opposed to a server that could not be reached or
/// answered nonsense (stop).
pub fn is_rejection(e: &Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::NotAuthenticated
            | ErrorKind::InvalidToken
            | ErrorKind::BadAuthHeader
            | ErrorKind::MissingTos
            | ErrorKind::Forbidden
            | ErrorKind::HttpStatus
    )
}

/// Saves a validated token as setup does (caveclient: `overwrite=True` by
/// default): in the `cave` layout the server's file and the auth's token
/// file. The auth uses the token from then on.
/// `replace_invalid`: a file that is not valid JSON is kept aside and
/// replaced (see [`SaveOptions::replace_invalid`]).
pub fn save(
    auth: &Auth,
    token: &Token,
    overwrite: bool,
    replace_invalid: bool,
) -> Result<Vec<(PathBuf, Saved)>> {
    auth.save_token(
        Some(token),
        None,
        None,
        SaveOptions {
            overwrite,
            replace_invalid,
            ..SaveOptions::default()
        },
    )
}

/// Whether the per-datastack step writes anything: only the `cave` layout
/// keeps local-server files.
pub fn offers_datastack_step(auth: &Auth) -> bool {
    auth.layout() == Layout::Cave
}

/// What [`setup_datastack`] did for one datastack.
#[derive(Clone, Debug)]
pub struct DatastackSetup {
    pub datastack: String,
    /// The datastack's local server, from its info.
    pub local_server: Option<String>,
    /// Whether the datastack → server map was written (false: already there).
    pub map_written: bool,
    /// Each secret file touched and what happened to it.
    pub files: Vec<(PathBuf, Saved)>,
}

/// caveclient's per-datastack step: fetch the datastack's info with the
/// auth's token (which teaches the auth its local server), record
/// `datastack → server` (the server address as given) in caveclient's
/// datastack map (`~/.cloudvolume/secrets`, where caveclient keeps it), and save `token` so that the local server's
/// file holds it too. The auth's token file stays what it was.
pub fn setup_datastack(
    auth: &Arc<Auth>,
    opts: &Options,
    datastack: &str,
    token: &Token,
    overwrite: bool,
) -> Result<DatastackSetup> {
    // A datastack without a local server must not inherit the previous one's.
    auth.set_local_server(None);
    let client = Client::with_auth(Some(datastack), Arc::clone(auth), opts)?;
    let info = client.datastack_info()?;
    let local_server = info
        .get("local_server")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let map_written = datastack_map::record(
        &crate::secrets::layout::home_secrets_dir()?,
        datastack,
        auth.server_address(),
    )?;
    let files = auth.save_token(
        Some(token),
        None,
        None,
        SaveOptions {
            overwrite,
            switch_token: false,
            ..SaveOptions::default()
        },
    );
    auth.set_local_server(None);
    Ok(DatastackSetup {
        datastack: datastack.to_owned(),
        local_server,
        map_written,
        files: files?,
    })
}

/// The names in a `/info/api/v2/datastacks` answer, sorted.
fn datastack_names(answer: &Value) -> Result<Vec<String>> {
    let list = answer.as_array().ok_or_else(|| {
        Error::new(
            ErrorKind::BadResponse,
            "the datastacks answer is not a JSON list",
        )
    })?;
    let mut names = list
        .iter()
        .map(|v| {
            v.as_str().map(str::to_owned).ok_or_else(|| {
                Error::new(
                    ErrorKind::BadResponse,
                    "the datastacks answer holds a name that is not a string",
                )
            })
        })
        .collect::<Result<Vec<String>>>()?;
    names.sort();
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_tokens_are_stripped_and_keep_their_case() {
        let t = accept_pasted("  0123456789ABCDEF0123456789abcdef \r\n").unwrap();
        assert_eq!(t.expose(), "0123456789ABCDEF0123456789abcdef");
        assert!(!looks_like_global_token(&t));
        let t = accept_pasted("0123456789abcdef0123456789abcdef\n").unwrap();
        assert!(looks_like_global_token(&t));
        for other in ["fake_token_123", "a".repeat(44).as_str()] {
            let t = accept_pasted(other).unwrap();
            assert_eq!(t.expose(), other);
            assert!(!looks_like_global_token(&t));
            assert!(unusual_form_warning(&t).contains("may still be right"));
        }
        for bad in ["", "  ", "fake token", "fake\ttoken"] {
            let e = accept_pasted(bad).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidTokenFormat);
            assert!(e.message().starts_with("That is not a usable token"));
        }
    }

    #[test]
    fn setup_defaults_to_the_cave_layout() {
        assert_eq!(layout(Some(Layout::Framework)).unwrap(), Layout::Framework);
        if std::env::var_os(ENV_LAYOUT).is_none() {
            assert_eq!(layout(None).unwrap(), Layout::Cave);
        }
    }

    #[test]
    fn rejections_ask_again_and_failures_stop() {
        for k in [
            ErrorKind::InvalidToken,
            ErrorKind::NotAuthenticated,
            ErrorKind::HttpStatus,
        ] {
            assert!(is_rejection(&Error::new(k, "x")));
        }
        for k in [
            ErrorKind::Network,
            ErrorKind::Timeout,
            ErrorKind::Tls,
            ErrorKind::BadResponse,
        ] {
            assert!(!is_rejection(&Error::new(k, "x")));
        }
    }

    #[test]
    fn datastack_lists_are_sorted() {
        let v = serde_json::json!(["b", "a", "c"]);
        assert_eq!(datastack_names(&v).unwrap(), ["a", "b", "c"]);
        assert!(datastack_names(&serde_json::json!({"a": 1})).is_err());
        assert!(datastack_names(&serde_json::json!([1])).is_err());
    }
}
