//! Command-line parsing.

use std::path::PathBuf;

pub const USAGE: &str = "usage: fw-devserver [--port N] [--other-port N] [--fixture FILE] [--tls-self-signed DIR [--tls-name NAME]...] [--quiet]\n       [--login-user ID] [--login-new-account] [--login-tos ID] [--login-token-ttl SECONDS]";

#[derive(Debug, PartialEq)]
pub struct Args {
    /// Main origin port on 127.0.0.1 (0 = a free port).
    pub port: u16,
    /// Second origin port on 127.0.0.1 (0 = a free port).
    pub other_port: u16,
    pub fixture: Option<PathBuf>,
    pub tls_dir: Option<PathBuf>,
    /// More DNS names the TLS certificate is for (tests that reach the
    /// server through a proxy under a name that is not loopback).
    pub tls_names: Vec<String>,
    pub quiet: bool,
    pub help: bool,
    /// The user a browser login logs in (default 1).
    pub login_user: u64,
    /// A browser login picks a user name first, as a new account does.
    pub login_new_account: bool,
    /// A browser login accepts this terms of service before coming back.
    pub login_tos: Option<u64>,
    /// How long login tokens live, in seconds (default 7 days).
    pub login_token_ttl: Option<u64>,
}

impl Default for Args {
    fn default() -> Args {
        Args {
            port: 0,
            other_port: 0,
            fixture: None,
            tls_dir: None,
            tls_names: Vec::new(),
            quiet: false,
            help: false,
            login_user: 1,
            login_new_account: false,
            login_tos: None,
            login_token_ttl: None,
        }
    }
}

/// Parses the arguments after the program name (`--opt VALUE` or `--opt=VALUE`).
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let mut out = Args::default();
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or(format!("{name} needs a value"))
        };
        match name.as_str() {
            "--port" => out.port = port(&value()?)?,
            "--other-port" => out.other_port = port(&value()?)?,
            "--fixture" => out.fixture = Some(value()?.into()),
            "--tls-self-signed" => out.tls_dir = Some(value()?.into()),
            "--tls-name" => out.tls_names.push(value()?),
            "--login-user" => out.login_user = number(&value()?)?,
            "--login-new-account" if inline.is_none() => out.login_new_account = true,
            "--login-tos" => out.login_tos = Some(number(&value()?)?),
            "--login-token-ttl" => out.login_token_ttl = Some(number(&value()?)?),
            "--quiet" | "-q" if inline.is_none() => out.quiet = true,
            "--help" | "-h" if inline.is_none() => out.help = true,
            _ => return Err(format!("unknown argument: {arg}")),
        }
    }
    Ok(out)
}

fn number(s: &str) -> Result<u64, String> {
    s.parse().map_err(|_| format!("not a number: {s}"))
}

fn port(s: &str) -> Result<u16, String> {
    s.parse().map_err(|_| format!("not a port number: {s}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(a: &[&str]) -> Result<Args, String> {
        parse(a.iter().map(|s| s.to_string()))
    }

    #[test]
    fn parses_all_options() {
        let a = p(&[
            "--port",
            "8080",
            "--other-port=9090",
            "--fixture",
            "f.json",
            "--quiet",
            "--tls-name",
            "a.invalid",
        ])
        .unwrap();
        assert_eq!(a.tls_names, ["a.invalid"]);
        assert_eq!((a.port, a.other_port, a.quiet), (8080, 9090, true));
        assert_eq!(a.fixture, Some("f.json".into()));
        assert_eq!(p(&[]).unwrap(), Args::default());
        assert!(p(&["--port"]).is_err());
        assert!(p(&["--port", "x"]).is_err());
        assert!(p(&["--bind", "0.0.0.0"]).is_err());
        let a = p(&[
            "--login-new-account",
            "--login-tos=7",
            "--login-token-ttl",
            "2",
        ])
        .unwrap();
        assert_eq!(
            (
                a.login_user,
                a.login_new_account,
                a.login_tos,
                a.login_token_ttl
            ),
            (1, true, Some(7), Some(2))
        );
        assert!(p(&["--login-tos", "x"]).is_err());
    }
}
