//! `fwauth login`: the browser login of the core (`fwclient_core::login`),
//! with a browser opened here (the library never opens one) or, with
//! `--no-browser`, the address the browser ended on pasted at a hidden
//! prompt (a browser on another machine). Neither token is ever printed.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use fwclient_core::auth::{ENV_CAVE_TOKEN, ENV_TOKEN};
use fwclient_core::login::{DEFAULT_WAIT, Login, LoginOutcome, LoginSettings, default_description};
use fwclient_core::secrets::file::Saved;
use fwclient_core::{Auth, TokenSource, setup};

use crate::browser;
use crate::cli::Parsed;
use crate::commands::options;
use crate::exit::{self, CliError};
use crate::prompt;

pub fn run(p: &Parsed<'_>) -> Result<(), CliError> {
    let timeout = match p.value("timeout") {
        None => DEFAULT_WAIT,
        Some(s) => match s.trim().parse::<u64>() {
            Ok(n) if n > 0 => Duration::from_secs(n),
            _ => {
                return Err(CliError::new(
                    exit::USAGE,
                    "--timeout must be a whole number of seconds above 0 (see fwauth login --help)",
                ));
            }
        },
    };
    let opts = setup::options(&options(&p.globals))?;
    let auth = Arc::new(Auth::new(&opts)?);
    let settings = LoginSettings {
        description: Some(
            p.value("description")
                .map_or_else(|| default_description("fwauth"), str::to_owned),
        ),
        ..LoginSettings::default()
    };
    let login = Login::start(Arc::clone(&auth), &opts.http, settings)?;
    println!(
        "To log in to {}, open this address in a browser:",
        auth.server_address()
    );
    println!("  {}", login.url());
    let _ = std::io::stdout().flush();
    let done = if p.flag("no-browser") {
        paste(&login)
    } else {
        match browser::open(login.url()) {
            Ok(cmd) => eprintln!("fwauth: opened it with {cmd}"),
            Err(e) => eprintln!("fwauth: {e}"),
        }
        eprintln!(
            "fwauth: waiting for the browser (up to {} seconds; Ctrl-C stops)...",
            timeout.as_secs()
        );
        login.wait(timeout, None).map_err(CliError::from)
    }?;
    report(&auth, &done);
    // What the next program will find (the variables win over the files).
    if let Ok(next) = Auth::new(&opts) {
        note_override(&next.source());
    }
    Ok(())
}

/// `--no-browser`: the address the browser ended on, read without echo.
fn paste(login: &Login) -> Result<LoginOutcome, CliError> {
    println!(
        "After you log in, the browser goes to an address starting with http://127.0.0.1 \
         (it may say it cannot connect). Copy that whole address from its address bar."
    );
    let _ = std::io::stdout().flush();
    let address = prompt::read_secret("Paste the address (input will be hidden): ")
        .map_err(|e| CliError::new(exit::FAILURE, format!("reading the address: {e}")))?
        .ok_or_else(|| CliError::new(exit::NO_TOKEN, "no address given (end of input)"))?;
    Ok(login.finish_with_address(&address, None)?)
}

/// A note when a variable, not the saved key, gives programs their token.
fn note_override(source: &TokenSource) {
    let variable = match source {
        TokenSource::Environment => format!("${ENV_TOKEN}"),
        TokenSource::CaveEnvironment => format!("${ENV_CAVE_TOKEN}"),
        TokenSource::VariableFile { variable, .. } => format!("${variable}"),
        _ => return,
    };
    eprintln!(
        "fwauth: note: programs still use the token from {variable} (it wins over the saved \
         key); unset it to use the new key"
    );
}

/// The one line of a finished login, and a note when the login token could
/// not be revoked.
fn report(auth: &Auth, done: &LoginOutcome) {
    let files: Vec<String> = done
        .saved
        .iter()
        .filter(|(_, s)| matches!(s, Saved::Written | Saved::Unchanged))
        .map(|(path, _)| path.display().to_string())
        .collect();
    println!(
        "Logged in to {} as {}; the new key is saved in {}",
        auth.server_address(),
        done.user_summary(),
        files.join(" and ")
    );
    if let Some(problem) = &done.revoke_problem {
        eprintln!(
            "fwauth: note: the login token was not revoked ({}); it expires on its own",
            problem.message()
        );
    }
}
