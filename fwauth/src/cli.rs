//! The command line: the one list of commands ([`COMMANDS`]: each one's
//! name, options, `--help` text and what runs it, from which the overview,
//! the dispatch, the unknown-command message and the typo suggestion all
//! derive), and the parser. Argument parsing by hand (no crate): a handful of commands with a
//! few options each. Error messages name options but never repeat a value or
//! a positional argument, so a token typed on the command line by mistake is
//! not printed back.

use std::collections::HashMap;

use fwclient_core::Layout;
use fwclient_core::options::DEFAULT_SERVER_ADDRESS;

use crate::exit::{self, CliError};
use crate::{commands, login};

/// One option of a command.
pub struct Opt {
    pub long: &'static str,
    pub short: Option<char>,
    /// The value's name in the help (`None`: a flag).
    pub value: Option<&'static str>,
    pub help: &'static str,
}

/// One command: its name, arguments, options and help.
pub struct Command {
    pub name: &'static str,
    pub summary: &'static str,
    /// Positional arguments: name and whether required.
    pub args: &'static [(&'static str, bool)],
    pub opts: &'static [Opt],
    /// The paragraphs of `--help` after the usage line.
    pub about: &'static str,
    /// What the command does.
    pub run: fn(&Parsed<'_>) -> Result<(), CliError>,
}

const fn flag(long: &'static str, help: &'static str) -> Opt {
    Opt {
        long,
        short: None,
        value: None,
        help,
    }
}

const fn valued(long: &'static str, value: &'static str, help: &'static str) -> Opt {
    Opt {
        long,
        short: None,
        value: Some(value),
        help,
    }
}

/// Options every command takes, before or after the command name.
pub const GLOBAL_OPTS: &[Opt] = &[
    valued(
        "server",
        "URL",
        "the global server (default $FW_SERVER_ADDRESS, else https://global.daf-apis.com)",
    ),
    valued(
        "secrets-dir",
        "DIR",
        "the secrets directory (default $FW_SECRETS_DIR, else $CLOUD_VOLUME_DIR/secrets, \
         else ~/.cloudvolume/secrets)",
    ),
    valued(
        "layout",
        "LAYOUT",
        "framework or cave (default $FW_SECRETS_LAYOUT, else chosen from the secrets directory)",
    ),
    Opt {
        long: "help",
        short: Some('h'),
        value: None,
        help: "this help",
    },
];

/// Every command, in the order `fwauth --help` lists them.
pub const COMMANDS: &[Command] = &[
    Command {
        name: "token",
        summary: "the token the library would use (masked unless --show), and its source",
        args: &[],
        opts: &[flag("show", "print the token itself instead of a mask")],
        about: "Finds the token exactly as the library does (FW_AUTH_TOKEN, CAVE_TOKEN, the\n\
                files FW_AUTH_TOKEN_FILE and CAVE_TOKEN_FILE name, then the secret files of\n\
                the layout) and prints it masked, or in full with --show. The token\n\
                (or its mask) is the only line on standard output, so $(fwauth token --show)\n\
                is the token; where it came from goes to standard error.\n\
                Exit status 3 when there is no token.",
        run: commands::token,
    },
    Command {
        name: "status",
        summary: "server, layout, secrets directory, token source, and whether the server accepts the token",
        args: &[],
        opts: &[
            flag("offline", "do not ask the server (no user/me, no TTL)"),
            flag(
                "json",
                "print the diagnosis as JSON (as fw_auth_diagnose gives it) and do not ask the server",
            ),
        ],
        about: "Shows the server, the layout, the secrets directory, where the token comes from\n\
                (file and key), and the file a save writes; then every place a token can come\n\
                from in order (masked), the file each Python tool reads, and every disagreement\n\
                with the command that fixes it (--json: that report alone). Unless --offline, asks the server\n\
                who the token belongs to (GET auth/api/v1/user/me) and how long it stays valid\n\
                (its TTL). Never prints the token.\n\
                Exit status 0 when a token is found and accepted (or found, with --offline);\n\
                otherwise the status of the problem: 3 no token, 4 rejected, 7 server not\n\
                reachable, ...",
        run: commands::status,
    },
    Command {
        name: "save-token",
        summary: "save a token read from standard input or a hidden prompt",
        args: &[],
        opts: &[
            valued("key", "KEY", "the key in the file (default \"token\")"),
            valued(
                "file",
                "FILE",
                "the file to write (default: the layout's token file)",
            ),
            flag("overwrite", "replace a token already saved under the key"),
            flag(
                "replace-invalid",
                "keep a file that is not valid JSON as <name>.invalid-<timestamp> and write a \
                 fresh one (asked on a terminal)",
            ),
        ],
        about: "Reads the token from standard input when it is not a terminal\n\
                (`fwauth save-token < file`, `pass show cave | fwauth save-token`), else from\n\
                a prompt that does not echo. Never from the command line: it would land in\n\
                your shell history.\n\
                Saves it as the library does: in the framework layout the token file only; in\n\
                the cave layout also the server's file ({netloc}-cave-secret.json). Files are\n\
                written atomically, new ones with mode 0600. An existing key is refused\n\
                (exit status 9) unless --overwrite. A file that is not valid JSON is kept as\n\
                <name>.invalid-<timestamp> and replaced after you confirm on a terminal, or\n\
                with --replace-invalid; otherwise it is refused (exit status 8).",
        run: commands::save_token,
    },
    Command {
        name: "new-token",
        summary: "how to create a new token, and its URL (--open opens it in a browser)",
        args: &[],
        opts: &[flag(
            "open",
            "open the URL in a browser ($BROWSER, else xdg-open or open)",
        )],
        about: "Prints the steps to create a new token and the URL to do it\n\
                ({server}/auth/api/v1/create_token, which adds a token and leaves your other\n\
                tokens valid). A browser is opened only with --open.",
        run: commands::new_token,
    },
    Command {
        name: "setup-token",
        summary: "guided setup: paste a token, check it with the server, save it (caveclient's setup-token)",
        args: &[("SERVER", false)],
        opts: &[
            flag(
                "open",
                "open the tokens page in a browser ($BROWSER, else xdg-open or open)",
            ),
            flag(
                "overwrite",
                "replace saved tokens (the default, as in caveclient; accepted for compatibility)",
            ),
            flag(
                "replace-invalid",
                "keep a file that is not valid JSON as <name>.invalid-<timestamp> and write a \
                 fresh one (asked on a terminal)",
            ),
        ],
        about: "caveclient's `setup-token` flow for SERVER (default: --server, else the\n\
                library's default server):\n\
                \x20 0. checks that the server answers, before asking for anything;\n\
                \x20 1. shows the page of your tokens ({server}/sticky_auth/settings/tokens);\n\
                \x20 2. reads the pasted token from a prompt that does not echo (standard input\n\
                \x20    when it is not a terminal) and removes surrounding spaces; a token that\n\
                \x20    is not 32 hexadecimal characters (the global server's form) gets a\n\
                \x20    warning, and a question on a terminal (other deployments and\n\
                \x20    fw-devserver issue other forms); its case is kept;\n\
                \x20 3. checks it with GET {server}/info/api/v2/datastacks, asking again when\n\
                \x20    the server does not accept it;\n\
                \x20 4. saves it, replacing saved tokens (a file that is not valid JSON is\n\
                \x20    kept aside and replaced as in save-token);\n\
                \x20 5. offers to save it for each datastack's local server too (Y/n/exit):\n\
                \x20    the local server's {netloc}-cave-secret.json, and the datastack's\n\
                \x20    server in cave_datastack_to_server_map.json;\n\
                \x20 6. says which file each Python tool will read (and which variable, such\n\
                \x20    as $FW_AUTH_TOKEN, still wins over the saved token, if one does).\n\
                Uses the cave layout (caveclient's files) unless --layout or\n\
                $FW_SECRETS_LAYOUT says otherwise; the framework layout has no per-datastack\n\
                files, so step 5 is skipped there. A browser is opened only with --open.\n\
                For a server other than the default, it ends by saying how to make it the\n\
                default for your shell ($FW_SERVER_ADDRESS).",
        run: commands::setup_token,
    },
    Command {
        name: "login",
        summary: "log in with a browser; a new key is made, checked and saved (no copying)",
        args: &[],
        opts: &[
            flag(
                "no-browser",
                "print the address only, and read the address the browser ended on at a hidden prompt",
            ),
            valued(
                "timeout",
                "SECONDS",
                "how long to wait for the browser (default 300)",
            ),
            valued(
                "description",
                "TEXT",
                "the new key's description (default \"fwauth on <host>\")",
            ),
        ],
        about: "Logs you in through the server's login page ({server}/sticky_auth/api/v1/authorize):\n\
                \x20 1. listens on 127.0.0.1 (a free port) under an address no other program can\n\
                \x20    guess; anything else reaching it is answered 404 and ignored;\n\
                \x20 2. opens the login page with $BROWSER (else xdg-open or open) and prints it;\n\
                \x20 3. the server sends the browser back with a login token (valid 7 days);\n\
                \x20 4. makes a long-lived key with it (POST auth/api/v1/user/token), checks the\n\
                \x20    key (GET auth/api/v1/user/me), saves it as setup-token does, and revokes\n\
                \x20    the login token (GET auth/api/v1/logout).\n\
                Ends with one line: who is logged in and where the key is saved. Neither token\n\
                is ever printed. For a browser on another machine (SSH), --no-browser prints\n\
                the address; log in there, then paste the address the browser ended on (it\n\
                starts with http://127.0.0.1) at a prompt that does not echo.\n\
                A browser that does not come back within --timeout ends with exit status 7;\n\
                `fwauth setup-token` (paste a token) is the way out.",
        run: login::run,
    },
    Command {
        name: "whoami",
        summary: "the user the token belongs to (GET auth/api/v1/user/me)",
        args: &[],
        opts: &[flag("json", "print the server's answer as JSON")],
        about: "Asks the server who the token belongs to and prints the name, e-mail and user\n\
                id (or the whole answer with --json).",
        run: commands::whoami,
    },
    Command {
        name: "get",
        summary: "an authenticated GET: the body to standard output (or -o FILE), errors to standard error",
        args: &[("URL", false)],
        opts: &[
            Opt {
                long: "output",
                short: Some('o'),
                value: Some("FILE"),
                help: "write the body to FILE instead of standard output",
            },
            valued(
                "datastack",
                "NAME",
                "fetch the datastack's info first, so its local server gets the token too",
            ),
            Opt {
                long: "input",
                short: Some('i'),
                value: Some("FILE"),
                help: "GET every URL of FILE (one a line; - for standard input) instead of URL",
            },
            valued(
                "parallel",
                "N",
                "with -i: requests at once, 1 to 1024 (default 8)",
            ),
            Opt {
                long: "output-dir",
                short: Some('d'),
                value: Some("DIR"),
                help: "with -i: write each body to DIR/N, N its line's number from 1 (required)",
            },
        ],
        about: "GET URL with the token, as the library sends it: only to the global server (and\n\
                the datastack's local server with --datastack), never over plain http except to\n\
                loopback. A URL starting with / is taken relative to the server. The body is\n\
                streamed as received (never held whole); -o FILE writes a temporary file beside\n\
                FILE and renames it at the end, so a failure leaves FILE untouched. An error\n\
                answer writes nothing to standard output and its\n\
                message to standard error, with the exit status of its class.\n\
                With -i FILE, every URL of FILE (blank lines and lines starting with # are\n\
                skipped) is fetched, --parallel at once, each body written to DIR/N (N the\n\
                line's number) through a temporary file renamed at the end: a failed request\n\
                leaves no file. Standard output gets \"N DIR/N\" per body written, standard\n\
                error \"N: message\" per failure; the exit status is 0 when all succeeded,\n\
                else that of the first failure's class.",
        run: commands::get,
    },
];

/// The options shared by every command.
#[derive(Default)]
pub struct Globals {
    pub server: Option<String>,
    pub secrets_dir: Option<String>,
    pub layout: Option<Layout>,
    pub layout_given: bool,
}

/// A parsed command line.
pub struct Parsed<'a> {
    pub command: &'a Command,
    pub globals: Globals,
    flags: Vec<&'static str>,
    values: HashMap<&'static str, String>,
    pub args: Vec<String>,
}

impl Parsed<'_> {
    pub fn flag(&self, long: &str) -> bool {
        self.flags.contains(&long)
    }

    pub fn value(&self, long: &str) -> Option<&str> {
        self.values.get(long).map(String::as_str)
    }
}

/// What the command line asks for.
pub enum Invocation<'a> {
    Run(Parsed<'a>),
    /// Help on stdout (the overview when `None`).
    Help(Option<&'a Command>),
    Version,
}

pub fn find(name: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// How an option was written, without its value (`--key=abc` → `--key`).
fn shown(arg: &str) -> &str {
    arg.split_once('=').map_or(arg, |(name, _)| name)
}

fn usage_error(message: String, command: Option<&Command>) -> CliError {
    let hint = match command {
        Some(c) => format!("fwauth {} --help", c.name),
        None => "fwauth --help".to_owned(),
    };
    CliError::new(exit::USAGE, format!("{message} (see {hint})"))
}

/// The command `typed` is most likely a typo of: the closest name (by
/// edits, a swap of two letters counting as one) within a third of its
/// length. A token typed by mistake is never close to any.
fn nearest_command(typed: &str) -> Option<&'static str> {
    COMMANDS
        .iter()
        .map(|c| (strsim::damerau_levenshtein(typed, c.name), c.name))
        .filter(|(edits, name)| *edits <= (name.len() / 3).max(1))
        .min_by_key(|(edits, _)| *edits)
        .map(|(_, name)| name)
}

/// An unknown command: the nearest one when there is one, else the list
/// (never the word typed, which may be a token). `help` is "help " when
/// it followed `fwauth help`.
fn unknown_command(typed: &str, what: &str, help: &str) -> CliError {
    let message = match nearest_command(typed) {
        Some(name) => format!("{what}; did you mean `fwauth {help}{name}`?"),
        None => {
            let names: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
            format!("{what}; the commands are {}", names.join(", "))
        }
    };
    usage_error(message, None)
}

/// Parses the arguments after the program name.
pub fn parse(argv: &[String]) -> Result<Invocation<'static>, CliError> {
    let mut globals = Globals::default();
    let mut flags = Vec::new();
    let mut values = HashMap::new();
    let mut args = Vec::new();
    let mut command: Option<&'static Command> = None;
    let mut help = false;
    let mut only_args = false;
    let mut i = 0;
    while i < argv.len() {
        let arg = &argv[i];
        i += 1;
        if only_args || !arg.starts_with('-') || arg == "-" {
            match command {
                None if arg == "help" && !only_args => help = true,
                None if help => {
                    return find(arg).map(|c| Invocation::Help(Some(c))).ok_or_else(|| {
                        unknown_command(arg, "unknown command after `help`", "help ")
                    });
                }
                None => {
                    command =
                        Some(find(arg).ok_or_else(|| unknown_command(arg, "unknown command", ""))?);
                }
                Some(_) => args.push(arg.clone()),
            }
            continue;
        }
        if arg == "--" {
            only_args = true;
            continue;
        }
        if command.is_none() && arg == "--version" {
            return Ok(Invocation::Version);
        }
        // --name, --name=value, -x, -x value, -xVALUE
        let (opt, inline): (&Opt, Option<String>) = if let Some(long) = arg.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (long, None),
            };
            let opt = GLOBAL_OPTS
                .iter()
                .chain(command.map_or(&[][..], |c| c.opts))
                .find(|o| o.long == name)
                .ok_or_else(|| usage_error(format!("unknown option {}", shown(arg)), command))?;
            (opt, inline)
        } else {
            let mut chars = arg[1..].chars();
            let c = chars.next().unwrap_or('-');
            let rest: String = chars.collect();
            let opt = GLOBAL_OPTS
                .iter()
                .chain(command.map_or(&[][..], |c| c.opts))
                .find(|o| o.short == Some(c))
                .ok_or_else(|| usage_error(format!("unknown option -{c}"), command))?;
            (opt, (!rest.is_empty()).then_some(rest))
        };
        let value = match (opt.value, inline) {
            (None, Some(_)) => {
                return Err(usage_error(
                    format!("option --{} takes no value", opt.long),
                    command,
                ));
            }
            (None, None) => None,
            (Some(_), Some(v)) => Some(v),
            (Some(_), None) => {
                let v = argv.get(i).cloned().ok_or_else(|| {
                    usage_error(format!("option --{} needs a value", opt.long), command)
                })?;
                i += 1;
                Some(v)
            }
        };
        match (opt.long, value) {
            ("help", _) => help = true,
            ("server", Some(v)) => {
                if v.is_empty() {
                    return Err(usage_error("--server must not be empty".into(), command));
                }
                globals.server = Some(v);
            }
            ("secrets-dir", Some(v)) => {
                if v.is_empty() {
                    return Err(usage_error(
                        "--secrets-dir must not be empty".into(),
                        command,
                    ));
                }
                globals.secrets_dir = Some(v);
            }
            ("layout", Some(v)) => {
                globals.layout = Some(Layout::from_name(&v).ok_or_else(|| {
                    usage_error(
                        "--layout must be \"framework\" or \"cave\"".to_owned(),
                        command,
                    )
                })?);
                globals.layout_given = true;
            }
            (name, Some(v)) => {
                values.insert(name, v);
            }
            (name, None) => {
                if !flags.contains(&name) {
                    flags.push(name);
                }
            }
        }
    }
    let Some(command) = command else {
        return if help {
            Ok(Invocation::Help(None))
        } else {
            Err(usage_error("no command given".to_owned(), None))
        };
    };
    if help {
        return Ok(Invocation::Help(Some(command)));
    }
    if command.name == "get" {
        get_arguments(&args, &values)?;
    }
    let required = command.args.iter().filter(|(_, r)| *r).count();
    if args.len() < required {
        return Err(usage_error(
            format!("missing argument {}", command.args[args.len()].0),
            Some(command),
        ));
    }
    if args.len() > command.args.len() {
        let message = if command.name == "save-token" {
            "save-token takes no argument: the token is read from standard input or a \
             hidden prompt, never from the command line (it would be kept in your shell \
             history)"
                .to_owned()
        } else {
            format!(
                "too many arguments ({} given, at most {})",
                args.len(),
                command.args.len()
            )
        };
        return Err(usage_error(message, Some(command)));
    }
    Ok(Invocation::Run(Parsed {
        command,
        globals,
        flags,
        values,
        args,
    }))
}

/// `get` takes a URL or `-i FILE` (then `-d DIR`), not both.
fn get_arguments(args: &[String], values: &HashMap<&'static str, String>) -> Result<(), CliError> {
    let get = find("get");
    let many = values.contains_key("input");
    if !many && args.is_empty() {
        return Err(usage_error("missing argument URL".to_owned(), get));
    }
    if many && !args.is_empty() {
        return Err(usage_error(
            "give a URL or -i FILE, not both".to_owned(),
            get,
        ));
    }
    if many && !values.contains_key("output-dir") {
        return Err(usage_error("-i FILE needs -d DIR".to_owned(), get));
    }
    if !many {
        for only in ["parallel", "output-dir"] {
            if values.contains_key(only) {
                return Err(usage_error(format!("--{only} goes with -i FILE"), get));
            }
        }
    } else if values.contains_key("output") {
        return Err(usage_error(
            "-o goes with a URL; with -i use -d DIR".to_owned(),
            get,
        ));
    }
    if let Some(n) = values.get("parallel")
        && !n.parse::<usize>().is_ok_and(|n| (1..=1024).contains(&n))
    {
        return Err(usage_error("--parallel must be 1 to 1024".to_owned(), get));
    }
    Ok(())
}

fn option_lines(opts: &[Opt]) -> String {
    let rows: Vec<(String, &str)> = opts
        .iter()
        .map(|o| {
            let mut left = match o.short {
                Some(c) => format!("-{c}, --{}", o.long),
                None => format!("--{}", o.long),
            };
            if let Some(v) = o.value {
                left.push(' ');
                left.push_str(v);
            }
            (left, o.help)
        })
        .collect();
    let width = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    rows.iter()
        .map(|(l, h)| format!("  {l:width$}  {h}\n"))
        .collect()
}

/// `fwauth COMMAND --help`.
pub fn command_help(c: &Command) -> String {
    let mut usage = format!("Usage: fwauth {}", c.name);
    if !c.opts.is_empty() {
        usage.push_str(" [OPTIONS]");
    }
    for (name, required) in c.args {
        if *required {
            usage.push_str(&format!(" {name}"));
        } else {
            usage.push_str(&format!(" [{name}]"));
        }
    }
    let mut out = format!(
        "fwauth {}: {}\n\n{usage}\n\n{}\n",
        c.name, c.summary, c.about
    );
    if !c.opts.is_empty() {
        out.push_str("\nOptions:\n");
        out.push_str(&option_lines(c.opts));
    }
    out.push_str("\nGlobal options:\n");
    out.push_str(&option_lines(GLOBAL_OPTS));
    out.push_str(&format!("\n{}", exit::SUMMARY));
    out
}

/// `fwauth --help`.
pub fn overview_help() -> String {
    let width = COMMANDS.iter().map(|c| c.name.len()).max().unwrap_or(0);
    let commands: String = COMMANDS
        .iter()
        .map(|c| format!("  {:width$}  {}\n", c.name, c.summary))
        .collect();
    format!(
        "fwauth: your CAVE / annotation-framework token from a shell, found and saved\n\
         exactly as libfwclient (and caveclient) do.\n\n\
         Usage: fwauth [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n\
         \u{20}      fwauth help COMMAND | fwauth COMMAND --help | fwauth --version\n\n\
         Commands:\n{commands}\n\
         Global options (before or after the command):\n{}\n\
         Environment: FW_SERVER_ADDRESS (the server when --server is not given),\n\
         FW_AUTH_TOKEN, then CAVE_TOKEN (a token that beats every file), then\n\
         FW_AUTH_TOKEN_FILE, CAVE_TOKEN_FILE (a file holding just the token),\n\
         FW_SECRETS_DIR, then CLOUD_VOLUME_DIR (secrets in $CLOUD_VOLUME_DIR/secrets),\n\
         FW_SECRETS_LAYOUT, FW_CA_BUNDLE (extra CA certificates), BROWSER (for --open).\n\
         Without --server and FW_SERVER_ADDRESS the server is {DEFAULT_SERVER_ADDRESS}.\n\
         No command prints a token except `fwauth token --show`.\n\n{}",
        option_lines(GLOBAL_OPTS),
        exit::SUMMARY
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &[&str]) -> Vec<String> {
        s.iter().map(|a| a.to_string()).collect()
    }

    fn run(s: &[&str]) -> Parsed<'static> {
        match parse(&argv(s)) {
            Ok(Invocation::Run(p)) => p,
            _ => panic!("{s:?} did not parse as a command"),
        }
    }

    fn err(s: &[&str]) -> CliError {
        match parse(&argv(s)) {
            Err(e) => e,
            Ok(_) => panic!("{s:?} parsed"),
        }
    }

    #[test]
    fn globals_before_and_after_the_command() {
        let p = run(&[
            "--server",
            "http://a",
            "status",
            "--layout=cave",
            "--offline",
        ]);
        assert_eq!(p.command.name, "status");
        assert_eq!(p.globals.server.as_deref(), Some("http://a"));
        assert_eq!(p.globals.layout, Some(Layout::Cave));
        assert!(p.flag("offline"));
        let p = run(&["get", "-o", "f.json", "/info/x", "--datastack=ds"]);
        assert_eq!(p.value("output"), Some("f.json"));
        assert_eq!(p.value("datastack"), Some("ds"));
        assert_eq!(p.args, ["/info/x"]);
        let p = run(&["get", "-of.json", "--", "-weird"]);
        assert_eq!(p.value("output"), Some("f.json"));
        assert_eq!(p.args, ["-weird"]);
    }

    #[test]
    fn help_and_version() {
        assert!(matches!(
            parse(&argv(&["--help"])),
            Ok(Invocation::Help(None))
        ));
        assert!(matches!(
            parse(&argv(&["help"])),
            Ok(Invocation::Help(None))
        ));
        for c in COMMANDS {
            for form in [
                vec!["help", c.name],
                vec![c.name, "--help"],
                vec![c.name, "-h"],
            ] {
                match parse(&argv(&form)) {
                    Ok(Invocation::Help(Some(h))) => assert_eq!(h.name, c.name),
                    _ => panic!("{form:?}"),
                }
            }
            let text = command_help(c);
            assert!(text.contains(&format!("Usage: fwauth {}", c.name)));
            assert!(text.contains("--server URL"));
        }
        assert!(matches!(
            parse(&argv(&["--version"])),
            Ok(Invocation::Version)
        ));
        let overview = overview_help();
        for c in COMMANDS {
            assert!(
                overview
                    .lines()
                    .any(|l| l.trim_start().starts_with(&format!("{} ", c.name))),
                "--help lists {}",
                c.name
            );
        }
    }

    #[test]
    fn typos_name_the_nearest_command() {
        for (typed, meant) in [
            (&["stauts"][..], "did you mean `fwauth status`?"),
            (
                &["help", "stauts"][..],
                "did you mean `fwauth help status`?",
            ),
            (&["whomai"][..], "did you mean `fwauth whoami`?"),
            (
                &["setup-tokne", "--server", "h"][..],
                "did you mean `fwauth setup-token`?",
            ),
            (&["tokne"][..], "did you mean `fwauth token`?"),
            (&["logni"][..], "did you mean `fwauth login`?"),
            (&["help", "logni"][..], "did you mean `fwauth help login`?"),
        ] {
            let e = err(typed);
            assert_eq!(e.code, exit::USAGE);
            assert!(e.message.contains(meant), "{typed:?}: {}", e.message);
            let word = typed.iter().find(|w| **w != "help").unwrap();
            assert!(!e.message.contains(word), "{}", e.message);
        }
        let names: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
        assert!(names.contains(&"login"));
        assert!(
            err(&["frobnicate"])
                .message
                .contains(&format!("the commands are {}", names.join(", ")))
        );
    }

    #[test]
    fn errors_never_repeat_values_or_arguments() {
        let secret = "0123456789abcdef0123456789abcdef";
        for s in [
            vec!["save-token", secret],
            vec!["save-token", &format!("--token={secret}")],
            vec!["token", "--show", secret],
            vec![secret],
            vec!["status", "--offline=yes"],
            vec!["--layout", secret, "token"],
        ] {
            let e = err(&s);
            assert_eq!(e.code, exit::USAGE, "{s:?}");
            assert!(!e.message.contains(secret), "{s:?}: {}", e.message);
        }
        assert!(err(&["save-token", "x"]).message.contains("shell history"));
        assert!(
            err(&[secret])
                .message
                .contains("the commands are token, status")
        );
        assert!(err(&["get"]).message.contains("missing argument URL"));
        assert!(
            err(&["get", "-i", "f", "/x", "-d", "d"])
                .message
                .contains("not both")
        );
        assert!(err(&["get", "-i", "f"]).message.contains("needs -d DIR"));
        assert!(
            err(&["get", "/x", "--parallel", "4"])
                .message
                .contains("goes with -i")
        );
        assert!(
            err(&["get", "-i", "f", "-d", "d", "--parallel", "0"])
                .message
                .contains("1 to 1024")
        );
        let p = run(&["get", "-i", "urls.txt", "-d", "out", "--parallel=16"]);
        assert_eq!(p.value("input"), Some("urls.txt"));
        assert_eq!(p.value("parallel"), Some("16"));
        assert!(err(&[]).message.contains("no command"));
        assert!(err(&["get", "-o"]).message.contains("needs a value"));
    }
}
