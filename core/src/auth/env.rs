//! Tokens the environment gives, in precedence order: `$FW_AUTH_TOKEN`,
//! `$CAVE_TOKEN` (the name downstream tools invented, since the Python
//! clients read no variable), then a file holding just the token named by
//! `$FW_AUTH_TOKEN_FILE` or `$CAVE_TOKEN_FILE`. All of them beat every
//! secret file; only an explicit token beats them.

use std::path::PathBuf;

use zeroize::Zeroizing;

use super::TokenSource;
use crate::error::{Error, Result};
use crate::secrets::file;
use crate::secrets::layout::{self, env_nonempty};
use crate::token::Token;

/// Environment variable holding a token that beats every file.
pub const ENV_TOKEN: &str = "FW_AUTH_TOKEN";
/// The same, under the name downstream tools use; after `$FW_AUTH_TOKEN`.
pub const ENV_CAVE_TOKEN: &str = "CAVE_TOKEN";
/// A file holding just the token; after the two token variables.
pub const ENV_TOKEN_FILE: &str = "FW_AUTH_TOKEN_FILE";
/// The same, under the downstream name; after `$FW_AUTH_TOKEN_FILE`.
pub const ENV_CAVE_TOKEN_FILE: &str = "CAVE_TOKEN_FILE";

/// Which variable named the file a token came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenFileVariable {
    /// `$FW_AUTH_TOKEN_FILE`.
    FwAuthTokenFile,
    /// `$CAVE_TOKEN_FILE`.
    CaveTokenFile,
}

impl TokenFileVariable {
    /// The variable's name, without `$`.
    pub fn name(self) -> &'static str {
        match self {
            TokenFileVariable::FwAuthTokenFile => ENV_TOKEN_FILE,
            TokenFileVariable::CaveTokenFile => ENV_CAVE_TOKEN_FILE,
        }
    }
}

impl std::fmt::Display for TokenFileVariable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Every variable that can give the token, first one wins.
pub const VARIABLES: [&str; 4] = [
    ENV_TOKEN,
    ENV_CAVE_TOKEN,
    ENV_TOKEN_FILE,
    ENV_CAVE_TOKEN_FILE,
];

/// What one variable gives.
pub enum Given {
    /// Unset or empty.
    Unset,
    /// A token, and where it came from.
    Token(Token, TokenSource),
    /// A token file that cannot be used (missing, empty, several lines, a
    /// bad token): reported where the token is used, like a broken secret file.
    Problem(Error, TokenSource),
}

/// What variable `name` (one of [`VARIABLES`]) gives. A token variable
/// holding an unusable token is an error at once, as it always was for
/// `$FW_AUTH_TOKEN`.
pub fn read(name: &'static str) -> Result<Given> {
    let Some(value) = env_nonempty(name)? else {
        return Ok(Given::Unset);
    };
    let value = Zeroizing::new(value);
    match name {
        ENV_TOKEN | ENV_CAVE_TOKEN => {
            let token = Token::new(&value).map_err(|e| {
                Error::new(e.kind(), format!("${name} is unusable: {}", e.message()))
            })?;
            let source = if name == ENV_TOKEN {
                TokenSource::Environment
            } else {
                TokenSource::CaveEnvironment
            };
            Ok(Given::Token(token, source))
        }
        _ => {
            let path: PathBuf = layout::expand_file_path(&value)?;
            let variable = if name == ENV_TOKEN_FILE {
                TokenFileVariable::FwAuthTokenFile
            } else {
                TokenFileVariable::CaveTokenFile
            };
            let source = TokenSource::VariableFile {
                variable,
                path: path.clone(),
            };
            Ok(match file::read_plain_token(&path) {
                Ok(token) => Given::Token(token, source),
                Err(e) => Given::Problem(
                    Error::new(e.kind(), format!("${name}: {}", e.message())),
                    source,
                ),
            })
        }
    }
}

/// The first variable that gives something, in precedence order.
pub fn first() -> Result<Given> {
    for name in VARIABLES {
        match read(name)? {
            Given::Unset => continue,
            given => return Ok(given),
        }
    }
    Ok(Given::Unset)
}
