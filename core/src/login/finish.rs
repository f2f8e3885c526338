//! The end of a login: mint a key with the login token, check it, save it
//! as setup does, revoke the login token.

use serde_json::Value;

use super::{Login, LoginOutcome};
use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{Cancel, RequestOptions};
use crate::options::Options;
use crate::setup;
use crate::token::Token;

/// Whether a [`complete`] error means "the server would not make a key
/// from this token" (it answered, with an error or nonsense), as opposed to
/// a server that could not be reached or a key that could not be saved.
/// The wait then goes on: the token may be one a local process forged.
pub(super) fn is_refusal(e: &Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::InvalidToken
            | ErrorKind::NotAuthenticated
            | ErrorKind::BadAuthHeader
            | ErrorKind::Forbidden
            | ErrorKind::MissingTos
            | ErrorKind::HttpStatus
            | ErrorKind::BadResponse
    )
}

/// Mints, checks and saves the key. Once a key was minted, the login token
/// is revoked whatever happens next.
pub(super) fn complete(
    login: &Login,
    login_token: &Token,
    cancel: Option<&Cancel>,
) -> Result<LoginOutcome> {
    let as_login = client(login, login_token)?;
    let per = RequestOptions {
        timeout: None,
        cancel: cancel.cloned(),
    };
    // A login token expires (7 days); an API key never does (TTL -1). A
    // key handed in by another process is not this login's.
    if let Ok(-1) = as_login
        .with_request_options(per.clone())
        .token_ttl(login_token)
    {
        return Err(Error::new(
            ErrorKind::InvalidToken,
            "the token that came back never expires: it is an API key, not a login token, \
             so it was not used",
        ));
    }
    let key = as_login
        .with_request_options(per.clone())
        .create_token(Some(&login.description))
        .map_err(|e| e.context("the server made no key from the browser login: "))?;
    let saved = check(login, &key, per).and_then(|user| {
        let saved = setup::save(&login.auth, &key, true, login.replace_invalid)?;
        Ok((saved, user))
    });
    let logout = format!("{}/auth/api/v1/logout", login.auth.server_address());
    let revoke_problem = as_login.get(&logout).err();
    let (saved, user) = saved?;
    Ok(LoginOutcome {
        saved,
        token_file: login.auth.token_file(),
        source: login.auth.source(),
        user,
        revoke_problem,
    })
}

/// The server's `user/me` for the new key.
fn check(login: &Login, key: &Token, per: RequestOptions) -> Result<Value> {
    client(login, key)?
        .with_request_options(per)
        .whoami()
        .map_err(|e| e.context("the key made from the browser login does not work: "))
}

/// A client of the auth's server that sends `token` and nothing else.
fn client(login: &Login, token: &Token) -> Result<Client> {
    Client::new(
        None,
        &Options {
            token: Some(token.clone()),
            server_address: Some(login.auth.server_address().to_owned()),
            http: login.http.clone(),
            ..Options::default()
        },
    )
}
