//! The commands. Each one is a few calls to the core (`fwclient`): how a
//! token is found, saved, sent and checked is decided there; this file asks,
//! prints and picks an exit status.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use fwclient_core::address::{DEFAULT_SERVER_ADDRESS, ENV_SERVER_ADDRESS};
use fwclient_core::auth::{ENV_CAVE_TOKEN, ENV_CAVE_TOKEN_FILE, ENV_TOKEN, ENV_TOKEN_FILE};
use fwclient_core::secrets::audit::permission_warnings;
use fwclient_core::secrets::file::{self, Saved};
use fwclient_core::secrets::layout::{CAVE_FILE, ENV_LAYOUT, FRAMEWORK_FILE};
use fwclient_core::{
    AddressSource, Auth, Client, Layout, Options, Remedy, SaveOptions, Token, TokenSource,
    auth::diagnose,
    http::{Request, Stream},
    setup,
};
use serde_json::Value;

use crate::browser;
use crate::cli::{Globals, Parsed};
use crate::exit::{self, CliError};
use crate::prompt;
use crate::remedy;

type Outcome = Result<(), CliError>;

/// The server the user named (--server, or setup-token's SERVER), for the
/// commands an error message suggests.
pub fn server_given<'a>(p: &'a Parsed<'_>) -> Option<&'a str> {
    match p.command.name {
        "setup-token" => p.args.first().or(p.globals.server.as_ref()),
        _ => p.globals.server.as_ref(),
    }
    .map(String::as_str)
}

pub(crate) fn options(g: &Globals) -> Options {
    Options {
        server_address: g.server.clone(),
        secrets_dir: g.secrets_dir.clone(),
        layout: g.layout,
        ..Options::default()
    }
}

use fwclient_core::auth::diagnose::mask;

fn describe_source(auth: &Auth, source: &TokenSource) -> String {
    match source {
        TokenSource::None => "none".to_owned(),
        TokenSource::Explicit => "given for this session".to_owned(),
        TokenSource::Environment => format!("${ENV_TOKEN}"),
        TokenSource::CaveEnvironment => format!("${ENV_CAVE_TOKEN}"),
        TokenSource::VariableFile { variable, path } => {
            format!("file {} (named by ${variable})", path.display())
        }
        TokenSource::File { path, key } => {
            let fallback = auth
                .secrets_dir()
                .join(auth.layout().other().default_file());
            let note = if *path == fallback {
                format!(
                    " (the {} layout's file, read as the last fallback)",
                    auth.layout().other().name()
                )
            } else {
                String::new()
            };
            format!("file {}, key \"{key}\"{note}", path.display())
        }
    }
}

fn no_token(auth: &Auth) -> CliError {
    let fallback = auth
        .secrets_dir()
        .join(auth.layout().other().default_file());
    CliError::new(
        exit::NO_TOKEN,
        format!(
            "no token found: none of ${ENV_TOKEN}, ${ENV_CAVE_TOKEN}, ${ENV_TOKEN_FILE}, \
             ${ENV_CAVE_TOKEN_FILE} is set, and neither {} nor {} holds one",
            auth.token_file().display(),
            fallback.display()
        ),
    )
}

/// For users of the framework layout's file who also use caveclient: how
/// to share caveclient's files instead (caveclient reads
/// chunkedgraph-secret.json only as a deprecated fallback, with a warning).
fn caveclient_layout_note(g: &Globals, auth: &Auth) -> Option<String> {
    let chosen = g.layout_given || std::env::var_os(ENV_LAYOUT).is_some_and(|v| !v.is_empty());
    (auth.layout() == Layout::Framework && !chosen).then(|| {
        format!(
            "caveclient reads {CAVE_FILE} and warns that {FRAMEWORK_FILE} is deprecated; \
             to share caveclient's files, choose the cave layout: export {ENV_LAYOUT}=cave \
             (or --layout cave), then save the token again (fwauth save-token --overwrite)"
        )
    })
}

fn why_layout(g: &Globals, auth: &Auth) -> String {
    if g.layout_given {
        "from --layout".to_owned()
    } else if std::env::var_os(ENV_LAYOUT).is_some_and(|v| !v.is_empty()) {
        "from $FW_SECRETS_LAYOUT".to_owned()
    } else if !auth.secrets_dir().is_dir() {
        "the default; the secrets directory does not exist yet".to_owned()
    } else if auth.layout() == Layout::Cave {
        format!("chosen: the secrets directory holds {CAVE_FILE} and no {FRAMEWORK_FILE}")
    } else {
        "the default for this secrets directory".to_owned()
    }
}

fn why_server(source: AddressSource) -> String {
    match source {
        AddressSource::Option => "from --server".to_owned(),
        AddressSource::Environment => format!("from ${ENV_SERVER_ADDRESS}"),
        AddressSource::DatastackMap => "from caveclient's datastack map".to_owned(),
        AddressSource::Default => {
            format!("the default; set ${ENV_SERVER_ADDRESS} or --server for another")
        }
    }
}

pub(crate) fn token(p: &Parsed<'_>) -> Outcome {
    let auth = Auth::new(&options(&p.globals))?;
    let Some(token) = auth.usable_token()? else {
        return Err(no_token(&auth));
    };
    if p.flag("show") {
        println!("{}", token.expose());
    } else {
        println!("{}", mask(&token));
    }
    eprintln!("source: {}", describe_source(&auth, &auth.source()));
    Ok(())
}

fn line(name: &str, value: impl std::fmt::Display) {
    println!("{:<14}{value}", format!("{name}:"));
}

pub(crate) fn status(p: &Parsed<'_>) -> Outcome {
    let opts = options(&p.globals);
    let auth = Arc::new(Auth::new(&opts)?);
    let report = crate::remedy::diagnosis_with_commands(diagnose::report(&auth));
    if p.flag("json") {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
        if let Some(problem) = auth.lookup_problem() {
            return Err(problem.into());
        }
        return match auth.token() {
            Some(_) => Ok(()),
            None => Err(no_token(&auth)),
        };
    }
    line(
        "server",
        format!(
            "{} ({})",
            auth.server_address(),
            why_server(auth.server_source())
        ),
    );
    line(
        "layout",
        format!(
            "{} ({})",
            auth.layout().name(),
            why_layout(&p.globals, &auth)
        ),
    );
    line(
        "secrets dir",
        format!(
            "{} (from {})",
            auth.secrets_dir().display(),
            auth.secrets_dir_source().describe()
        ),
    );
    let token = auth.token();
    let problem = auth.lookup_problem();
    line(
        "token",
        match (&token, &problem) {
            (Some(t), _) => format!("found, {} characters", t.expose().len()),
            (None, Some(_)) => "none: a secret file is unusable (how to fix it below)".to_owned(),
            (None, None) => "none".to_owned(),
        },
    );
    line("token source", describe_source(&auth, &auth.source()));
    if let TokenSource::File { path, key } = auth.source() {
        line("token file", path.display());
        line("token key", key);
    }
    line("save target", auth.token_file().display());
    let source = match auth.source() {
        TokenSource::File { path, .. } => Some(path),
        _ => None,
    };
    let token_file = auth.token_file();
    let files: Vec<&Path> = source
        .iter()
        .map(PathBuf::as_path)
        .chain([token_file.as_path()])
        .collect();
    for warning in permission_warnings(auth.secrets_dir(), &files) {
        line("warning", warning);
    }
    if let Some(note) = caveclient_layout_note(&p.globals, &auth) {
        line("caveclient", note);
    }
    if let Some(e) = fwclient_core::secrets::datastack_map::caveclient_refusal() {
        match remedy::in_fwauth(e.remedy(), "fwauth") {
            Some(fix) => line("warning", format!("{}; {fix}", e.message())),
            None => line("warning", e.message()),
        }
    }
    print_report(&report, remedy::winning_variable(&auth.source()));
    if let Some(problem) = problem {
        return Err(problem.into());
    }
    let Some(token) = token else {
        return Err(no_token(&auth));
    };
    if p.flag("offline") {
        line("server check", "skipped (--offline)");
        return Ok(());
    }
    let client = Client::with_auth(None, Arc::clone(&auth), &opts)?;
    match client.whoami() {
        Ok(me) => line(
            "server check",
            format!("token accepted: {}", describe_user(&me)),
        ),
        Err(e) => {
            line(
                "server check",
                if setup::is_rejection(&e) {
                    "token NOT accepted"
                } else {
                    "server not reachable"
                },
            );
            return Err(remedy::blame_variable(&auth, e).into());
        }
    }
    line(
        "token TTL",
        match client.token_ttl(&token) {
            Ok(-1) => "never expires".to_owned(),
            Ok(s) => format!("{s} s ({})", human_duration(s)),
            Err(e) => format!("unknown ({})", e.message()),
        },
    );
    Ok(())
}

/// The diagnosis's places, tools and disagreements, for people.
/// `variable`: the variable whose token is in use, if one is.
fn print_report(report: &Value, variable: Option<&str>) {
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let list = |k: &str| {
        report
            .get(k)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    println!("where a token can come from (the first that holds one wins):");
    for place in list("places") {
        let mark = if place.get("wins") == Some(&Value::Bool(true)) {
            "*"
        } else {
            " "
        };
        let what = match place.get("token").and_then(Value::as_str) {
            Some(masked) => masked.to_owned(),
            None => text(&place, "holds"),
        };
        let at = match place.get("path").and_then(Value::as_str) {
            Some(path) => format!(" {path}"),
            None => String::new(),
        };
        println!("  {mark} {}{at}: {what}", text(&place, "place"));
    }
    print_tools(report);
    let disagreements = list("disagreements");
    if disagreements.is_empty() {
        println!("disagreements: none");
    }
    for d in disagreements {
        println!("disagreement: {}", text(&d, "problem"));
        if let Some(variable) = variable {
            // Copying the variable's token over the files is right only
            // when the variable holds the good token.
            println!("  fix: if the file's token is the right one: unset {variable}");
            println!(
                "  or, if ${variable} holds the right one: {}",
                text(&d, "fix")
            );
        } else {
            println!("  fix: {}", text(&d, "fix"));
        }
    }
}

/// The diagnosis's list of the file each Python tool reads.
fn print_tools(report: &Value) {
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    println!("what the Python tools read:");
    let tools = report
        .get("tools")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for tool in tools {
        let agrees = tool.get("agrees") == Some(&Value::Bool(true));
        let uses = match (tool.get("uses").and_then(Value::as_str), agrees) {
            (Some(path), true) => format!("{path}, {} (the same token)", text(&tool, "token")),
            (Some(path), false) => format!("{path}, {} (DIFFERENT)", text(&tool, "token")),
            (None, true) => "no token (not set up)".to_owned(),
            (None, false) => "no token (DIFFERENT)".to_owned(),
        };
        println!("    {:<26}{uses}", text(&tool, "tool"));
    }
}

fn human_duration(seconds: i64) -> String {
    let s = seconds.max(0);
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        3600..86400 => format!("{} h {} min", s / 3600, (s % 3600) / 60),
        _ => format!("{} days {} h", s / 86400, (s % 86400) / 3600),
    }
}

fn describe_user(me: &Value) -> String {
    let text = |k: &str| me.get(k).and_then(Value::as_str).unwrap_or("?").to_owned();
    let id = me.get("id").map_or("?".to_owned(), Value::to_string);
    let admin = if me.get("admin").and_then(Value::as_bool) == Some(true) {
        ", admin"
    } else {
        ""
    };
    format!("{} <{}>, user id {id}{admin}", text("name"), text("email"))
}

fn saved_line(path: &Path, saved: Saved) -> String {
    match saved {
        Saved::Written => format!("saved to {}", path.display()),
        Saved::Unchanged => format!("unchanged {} (already holds this token)", path.display()),
        Saved::SkippedReadOnly => format!("skipped {} (read-only directory)", path.display()),
        Saved::KeptInvalid => format!("kept the invalid file as {}", path.display()),
    }
}

/// Runs `save` (given whether to replace a file that is not valid JSON);
/// when such a file refuses it, asks on a terminal whether to keep it aside
/// and write a fresh one (`--replace-invalid` says yes in advance).
fn save_replacing(
    p: &Parsed<'_>,
    save: impl Fn(bool) -> fwclient_core::Result<Vec<(std::path::PathBuf, Saved)>>,
) -> Result<Vec<(std::path::PathBuf, Saved)>, CliError> {
    match save(p.flag("replace-invalid")) {
        Err(e) if file::is_replaceable(&e) && prompt::stdin_is_tty() => {
            // The problem; the question offers the fix.
            eprintln!("fwauth: {}", e.message());
            let answer = prompt::ask(
                "Keep that file as <name>.invalid-<timestamp> and write a fresh one? [y/N]: ",
            )
            .map_err(|io| CliError::new(exit::FAILURE, format!("reading the answer: {io}")))?;
            match answer.as_deref().map(|a| a.trim().to_ascii_lowercase()) {
                Some(a) if a == "y" || a == "yes" => Ok(save(true)?),
                _ => Err(e.into()),
            }
        }
        saved => Ok(saved?),
    }
}

pub(crate) fn save_token(p: &Parsed<'_>) -> Outcome {
    let input = if prompt::stdin_is_tty() {
        prompt::read_secret("Paste the token (input will be hidden): ")
            .map_err(|e| CliError::new(exit::FAILURE, format!("reading the token: {e}")))?
            .ok_or_else(|| CliError::new(exit::NO_TOKEN, "no token given (end of input)"))?
    } else {
        prompt::read_all_stdin()
            .map_err(|e| CliError::new(exit::BAD_TOKEN, format!("reading standard input: {e}")))?
    };
    let text = input.trim();
    if text.contains(['\n', '\r']) {
        return Err(CliError::new(
            exit::BAD_TOKEN,
            "standard input holds more than one line; give the token alone",
        ));
    }
    let token = Token::new(text)?;
    let opts = options(&p.globals);
    let auth = Auth::new(&opts)?;
    let key = p.value("key");
    let file = p.value("file");
    let report = save_replacing(p, |replace_invalid| {
        auth.save_token(
            Some(&token),
            key,
            file,
            SaveOptions {
                overwrite: p.flag("overwrite"),
                replace_invalid,
                ..SaveOptions::default()
            },
        )
    })?;
    for (path, saved) in &report {
        println!("{}", saved_line(path, *saved));
    }
    if let Some(k) = key.filter(|k| *k != "token") {
        eprintln!(
            "fwauth: note: cloud-volume and cloud-files read only the key \"token\"; they will \
             not see a token saved under \"{k}\""
        );
    }
    if key.is_none() && file.is_none() {
        // Say so when the library would still use another token.
        if let Ok(now) = Auth::new(&opts)
            && now.token().as_ref() != Some(&token)
        {
            eprintln!(
                "fwauth: note: the library will still use the token from {}",
                describe_source(&now, &now.source())
            );
        }
    }
    Ok(())
}

fn open_in_browser(url: &str) {
    match browser::open(url) {
        Ok(cmd) => eprintln!("fwauth: opened {url} with {cmd}"),
        Err(e) => eprintln!("fwauth: {e}"),
    }
}

pub(crate) fn new_token(p: &Parsed<'_>) -> Outcome {
    let auth = Auth::new(&options(&p.globals))?;
    let fwauth = match server_given(p) {
        Some(s) => format!("fwauth --server {s}"),
        None => "fwauth".to_owned(),
    };
    let overwrite = match auth.usable_token() {
        Ok(None) => "",
        Ok(Some(_)) => " --overwrite",
        Err(e) if file::is_replaceable(&e) => " --overwrite --replace-invalid",
        Err(_) => " --overwrite",
    };
    println!(
        "New tokens need to be acquired by hand. Please follow these steps:\n    \
         1) Go to: {} to create a new token.\n    \
         2) Log in with your Google credentials and copy the token shown afterward.\n    \
         3) Save it with: {fwauth} save-token{overwrite}\n       \
         (it reads the token from a prompt that does not echo, or from standard input),\n       \
         or run the guided setup: {fwauth} setup-token\n    \
         Note: creating a new token does not invalidate your other tokens; you can\n    \
         see and delete them at {}.",
        auth.new_token_url(),
        auth.token_page_url()
    );
    println!("{}", auth.new_token_url());
    if let Some(problem) = auth.lookup_problem() {
        eprintln!("fwauth: note: {}", problem.message());
    }
    if p.flag("open") {
        open_in_browser(&auth.new_token_url());
    }
    Ok(())
}

pub(crate) fn whoami(p: &Parsed<'_>) -> Outcome {
    let client = Client::new(None, &options(&p.globals))?;
    if client.auth().usable_token()?.is_none() {
        return Err(no_token(client.auth()));
    }
    let me = client
        .whoami()
        .map_err(|e| remedy::blame_variable(client.auth(), e))?;
    if p.flag("json") {
        println!(
            "{}",
            serde_json::to_string_pretty(&me).unwrap_or_else(|_| me.to_string())
        );
    } else {
        println!("{}", describe_user(&me));
    }
    Ok(())
}

pub(crate) fn get(p: &Parsed<'_>) -> Outcome {
    let opts = options(&p.globals);
    let client = Client::new(p.value("datastack"), &opts)?;
    if let Some(input) = p.value("input") {
        // The parser checked the rest: -d DIR given, --parallel in range.
        let dir = Path::new(p.value("output-dir").unwrap_or("."));
        let parallel = p
            .value("parallel")
            .and_then(|n| n.parse().ok())
            .unwrap_or(crate::get_many::DEFAULT_PARALLEL);
        let urls = crate::get_many::read_urls(input, client.server_address())?;
        if client.datastack().is_some() {
            client.datastack_info()?;
        }
        return crate::get_many::run(&client, &urls, parallel, dir);
    }
    let target = &p.args[0];
    let url = if target.starts_with('/') {
        format!("{}{target}", client.server_address())
    } else {
        target.clone()
    };
    let blame = |e| remedy::blame_variable(client.auth(), e);
    if client.datastack().is_some() {
        // Learning the local server makes it a trusted origin.
        client.datastack_info().map_err(blame)?;
    }
    // The body is streamed, never held whole: to a temporary file beside
    // FILE, renamed over it at the end (a failure leaves no partial file),
    // or to standard output as it arrives.
    let mut stream = client.open(&Request::get(&url)).map_err(blame)?;
    match p.value("output") {
        Some(out) => write_file_atomically(Path::new(out), &mut stream)?,
        None => {
            let mut stdout = std::io::stdout().lock();
            copy_body(&mut stream, &mut stdout)
                .map_err(|e| e.or_write(|e| format!("writing the body: {e}"), exit::FAILURE))?;
            stdout
                .flush()
                .map_err(|e| CliError::new(exit::FAILURE, format!("writing the body: {e}")))?;
        }
    }
    Ok(())
}

/// A failure while copying a body: reading it (the library's error) or
/// writing it.
enum CopyError {
    Read(fwclient_core::Error),
    Write(std::io::Error),
}

impl CopyError {
    /// The CLI error: the library's for a read, `what` with `code` for a write.
    fn or_write(self, what: impl FnOnce(std::io::Error) -> String, code: u8) -> CliError {
        match self {
            CopyError::Read(e) => e.into(),
            CopyError::Write(e) => CliError::new(code, what(e)),
        }
    }
}

/// Copies the rest of `stream`'s body to `to`, chunk by chunk.
fn copy_body(stream: &mut Stream, to: &mut impl Write) -> Result<(), CopyError> {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = stream.read_chunk(&mut buf).map_err(CopyError::Read)?;
        if n == 0 {
            return Ok(());
        }
        to.write_all(&buf[..n]).map_err(CopyError::Write)?;
    }
}

/// Writes `stream`'s body to a temporary file in `out`'s directory, then
/// renames it to `out`: `out` is either untouched or the whole body.
fn write_file_atomically(out: &Path, stream: &mut Stream) -> Outcome {
    let files_error = |e: std::io::Error| {
        CliError::new(
            exit::FILES,
            format!("error writing \"{}\": {e}", out.display()),
        )
    };
    let dir = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".fwauth-get-")
        .tempfile_in(dir)
        .map_err(files_error)?;
    copy_body(stream, tmp.as_file_mut()).map_err(|e| {
        e.or_write(
            |e| format!("error writing \"{}\": {e}", out.display()),
            exit::FILES,
        )
    })?;
    tmp.as_file().sync_all().map_err(files_error)?;
    tmp.persist(out).map_err(|e| files_error(e.error))?;
    Ok(())
}

/// Reads one line from the user, hidden; end of input ends the command.
fn read_pasted() -> Result<zeroize::Zeroizing<String>, CliError> {
    prompt::read_secret("Paste your auth token (input will be hidden): ")
        .map_err(|e| CliError::new(exit::FAILURE, format!("reading the token: {e}")))?
        .ok_or_else(|| CliError::new(exit::NO_TOKEN, "no token given (end of input)"))
}

pub(crate) fn setup_token(p: &Parsed<'_>) -> Outcome {
    let mut opts = options(&p.globals);
    if let Some(server) = p.args.first() {
        opts.server_address = Some(server.clone());
    }
    let opts = setup::options(&opts)?;
    let auth = Arc::new(Auth::new(&opts)?);
    let server = auth.server_address().to_owned();
    // Before asking for anything: a server that cannot be reached (or an
    // https address for a plain-http one) ends here.
    setup::reach(&auth, &opts)?;
    if let Some(variable) = remedy::winning_variable(&Auth::new(&opts)?.source()) {
        println!(
            "Note: ${variable} is set: it wins over the token saved here until you run \
             `unset {variable}`."
        );
    }
    let page = auth.token_page_url();
    if p.flag("open") {
        open_in_browser(&page);
    }
    println!("Visit {page} and copy an existing token or create a new one.");
    println!("(To create a new token: {})", auth.new_token_url());
    let _ = std::io::stdout().flush();

    let (token, datastacks) = loop {
        let pasted = read_pasted()?;
        let token = match setup::accept_pasted(&pasted) {
            Ok(t) => t,
            Err(e) => {
                println!("{} Please paste the token alone.", e.message());
                continue;
            }
        };
        if !setup::looks_like_global_token(&token) {
            println!("{}", setup::unusual_form_warning(&token));
            if prompt::stdin_is_tty() && !confirm("Check it with the server anyway? [Y/n]: ")? {
                continue;
            }
        }
        match setup::validate(&token, &opts) {
            Ok(list) => break (token, list),
            Err(e) if setup::is_rejection(&e) => {
                let why = exit::cli_message(&e);
                println!(
                    "Token did not work for login on {server}: {}. Please check the token and \
                     try again.",
                    why.trim_end_matches('.')
                );
            }
            Err(e) => return Err(e.into()),
        }
    };
    println!("The token works.");
    let saved = save_replacing(p, |replace| setup::save(&auth, &token, true, replace))?;
    for (path, saved) in saved {
        println!("{}", saved_line(&path, saved));
    }
    if datastacks.is_empty() {
        return finish_setup(&auth, &opts, &token, "No datastacks found. ");
    }
    if !setup::offers_datastack_step(&auth) {
        let note = format!(
            "The {} layout keeps no per-datastack files. ",
            Layout::Framework.name()
        );
        return finish_setup(&auth, &opts, &token, &note);
    }
    println!("Datastacks you can see: {}", datastacks.join(", "));
    let chosen = choose_datastacks(&datastacks)?;
    let mut first_failure: Option<CliError> = None;
    for ds in &chosen {
        match setup::setup_datastack(&auth, &opts, ds, &token, true) {
            Ok(done) => {
                let local = done.local_server.as_deref().unwrap_or("(none)");
                println!("{ds}: local server {local}");
                if done.map_written {
                    println!(
                        "  recorded in {}",
                        fwclient_core::secrets::datastack_map::caveclient_path()
                            .unwrap_or_default()
                            .display()
                    );
                }
                // The global server's file and the token file were written
                // above; only what changed for this datastack is shown.
                for (path, saved) in done.files.iter().filter(|(_, s)| *s != Saved::Unchanged) {
                    println!("  {}", saved_line(path, *saved));
                }
            }
            Err(e) => {
                println!("{ds}: {}", e.message());
                first_failure.get_or_insert(e.into());
            }
        }
    }
    match first_failure {
        None => finish_setup(&auth, &opts, &token, ""),
        Some(e) => {
            println!("Setup complete, except for the datastacks above that failed.");
            Err(e)
        }
    }
}

/// The end of a setup: "Setup complete!" after `note`, unless a variable
/// still wins over the saved token (then what to unset, and exit status
/// 1); the file each Python tool reads; and, for a server that is not the
/// default, how to make it one.
fn finish_setup(auth: &Auth, opts: &Options, token: &Token, note: &str) -> Outcome {
    let now = Auth::new(opts)?;
    let overridden = match remedy::winning_variable(&now.source()) {
        Some(variable) if now.token().as_ref() != Some(token) => Some(variable),
        _ => None,
    };
    match overridden {
        None => println!("{note}Setup complete!"),
        Some(variable) => println!(
            "{note}The token is saved, but ${variable} is set and wins over it: \
             every program (fwauth, libfwclient) still uses the token from ${variable}."
        ),
    }
    print_tools(&diagnose::report(&Arc::new(now)));
    let server = auth.server_address();
    if auth.server_source() == AddressSource::Option && server != DEFAULT_SERVER_ADDRESS {
        let current = std::env::var(ENV_SERVER_ADDRESS).ok();
        if current.as_deref() != Some(server) {
            println!(
                "To use {server} by default (fwauth, and every program built on libfwclient), \
                 add this line to your shell's startup file (~/.bashrc, ~/.zshrc):\n    \
                 export {ENV_SERVER_ADDRESS}={server}"
            );
        }
    }
    match overridden {
        None => Ok(()),
        Some(variable) => Err(CliError::new(
            exit::FAILURE,
            format!("the saved token is not used while ${variable} is set"),
        )
        .with_remedy(Remedy::UnsetVariable(variable.to_owned()))),
    }
}

/// A yes/no question whose default is yes; end of input is no.
fn confirm(question: &str) -> Result<bool, CliError> {
    let answer = prompt::ask(question)
        .map_err(|e| CliError::new(exit::FAILURE, format!("reading the answer: {e}")))?;
    Ok(answer.is_some_and(|a| matches!(a.trim().to_ascii_lowercase().as_str(), "" | "y" | "yes")))
}

/// caveclient's question: every datastack (Y, yes or nothing), some of them
/// (n: names one by one, an empty line to finish), or none (exit).
fn choose_datastacks(all: &[String]) -> Result<Vec<String>, CliError> {
    let ask = |q: &str| {
        prompt::ask(q).map_err(|e| CliError::new(exit::FAILURE, format!("reading the answer: {e}")))
    };
    loop {
        let Some(answer) =
            ask("Save the token for the local server of every datastack as well? (Y/n/exit): ")?
        else {
            return Ok(Vec::new());
        };
        match answer.trim().to_ascii_lowercase().as_str() {
            "" | "y" | "yes" => return Ok(all.to_vec()),
            "exit" => return Ok(Vec::new()),
            "n" | "no" => {
                let mut picked = Vec::new();
                while let Some(name) = ask("Datastack name (an empty line or exit to finish): ")? {
                    let name = name.trim();
                    if name.is_empty() || name == "exit" {
                        break;
                    }
                    picked.push(name.to_owned());
                }
                return Ok(picked);
            }
            _ => println!("Please answer Y, n or exit."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_hide_everything_but_the_length() {
        let t = Token::new("0123456789abcdef0123456789abcdef").unwrap();
        let m = mask(&t);
        assert!(!m.contains('0') || m.ends_with("(32 characters)"));
        assert_eq!(m, format!("{} (32 characters)", "*".repeat(32)));
    }

    #[test]
    fn durations() {
        assert_eq!(human_duration(59), "59 s");
        assert_eq!(human_duration(3599), "59 min 59 s");
        assert_eq!(human_duration(7260), "2 h 1 min");
        assert_eq!(human_duration(90000), "1 days 1 h");
    }
}
