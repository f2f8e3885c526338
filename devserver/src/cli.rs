//! Command-line parsing.

use std::path::PathBuf;

pub const USAGE: &str = "usage: fw-devserver [--port N] [--other-port N] [--fixture FILE] [--tls-self-signed DIR [--tls-name NAME]...] [--quiet]";

#[derive(Debug, Default, PartialEq)]
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
            "--quiet" | "-q" if inline.is_none() => out.quiet = true,
            "--help" | "-h" if inline.is_none() => out.help = true,
            _ => return Err(format!("unknown argument: {arg}")),
        }
    }
    Ok(out)
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
    }
}
