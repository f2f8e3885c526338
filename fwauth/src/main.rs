//! fwauth: the user's CAVE / annotation-framework token from a shell, in the
//! spirit of `gh auth` and caveclient's `setup-token`, on the fwclient core.
//! `fwauth --help` lists the commands; fwauth/README.md documents them and
//! the exit statuses.

mod browser;
mod cli;
mod commands;
mod exit;
mod get_many;
mod login;
mod prompt;
mod remedy;

use std::process::ExitCode;

use cli::Invocation;
use exit::CliError;

fn main() -> ExitCode {
    let mut argv = Vec::new();
    for arg in std::env::args_os().skip(1) {
        match arg.into_string() {
            Ok(a) => argv.push(a),
            Err(_) => {
                return CliError::new(exit::USAGE, "arguments must be valid UTF-8").report(None);
            }
        }
    }
    match cli::parse(&argv) {
        Err(e) => e.report(None),
        Ok(Invocation::Help(None)) => {
            print!("{}", cli::overview_help());
            ExitCode::SUCCESS
        }
        Ok(Invocation::Help(Some(command))) => {
            print!("{}", cli::command_help(command));
            ExitCode::SUCCESS
        }
        Ok(Invocation::Version) => {
            println!(
                "fwauth {} (fwclient-core {})",
                env!("CARGO_PKG_VERSION"),
                fwclient_core::VERSION
            );
            ExitCode::SUCCESS
        }
        Ok(Invocation::Run(parsed)) => match (parsed.command.run)(&parsed) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => e.report(commands::server_given(&parsed)),
        },
    }
}
