//! fw-devserver: a local stand-in for the CAVE middle_auth server, the info
//! service and a generic protected service, on 127.0.0.1 only.

mod auth;
mod authsvc;
mod cli;
mod faults;
mod fixture;
mod http;
mod info;
mod loginflow;
mod ratelimit;
mod routes;
mod server;
mod store;
mod tls;

use server::Ctx;
use std::io::Write;
use std::sync::Arc;
use store::Store;

fn main() {
    let args = match cli::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("fw-devserver: {e}\n{}", cli::USAGE);
            std::process::exit(2);
        }
    };
    if args.help {
        println!("{}", cli::USAGE);
        return;
    }
    if let Err(e) = run(args) {
        eprintln!("fw-devserver: {e}");
        std::process::exit(1);
    }
}

fn run(args: cli::Args) -> Result<(), String> {
    let text = match &args.fixture {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read fixture {}: {e}", path.display()))?,
        None => fixture::DEFAULT.to_owned(),
    };
    let pem = args
        .tls_dir
        .as_deref()
        .map(|dir| tls::generate(dir, &args.tls_names))
        .transpose()?;
    let (main_server, port) = server::bind(args.port, pem.as_ref())?;
    let (other_server, other_port) = server::bind(args.other_port, pem.as_ref())?;
    let scheme = if pem.is_some() { "https" } else { "http" };
    let base = format!("{scheme}://127.0.0.1:{port}");
    let other = format!("{scheme}://127.0.0.1:{other_port}");
    let fixture = fixture::parse(&text, &base, &other).map_err(|e| format!("fixture: {e}"))?;
    let store = Arc::new(Store::new(fixture));
    let login = Arc::new(loginflow::LoginFlow::new(
        args.login_user,
        args.login_new_account,
        args.login_tos,
        args.login_token_ttl.map_or(
            loginflow::DEFAULT_LOGIN_TOKEN_TTL,
            std::time::Duration::from_secs,
        ),
    ));
    let ctx = |base: &str, other: &str, label| Ctx {
        base: base.to_owned(),
        other: other.to_owned(),
        main_base: format!("{scheme}://127.0.0.1:{port}"),
        label,
        store: Arc::clone(&store),
        login: Arc::clone(&login),
        log: !args.quiet,
    };
    let main_ctx = ctx(&base, &other, "main");
    let other_ctx = ctx(&other, &base, "other");
    std::thread::spawn(move || server::run(other_server, other_ctx));

    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "FW_DEVSERVER_URL={base}");
    let _ = writeln!(out, "FW_DEVSERVER_OTHER_URL={other}");
    let _ = out.flush();
    drop(out);

    server::run(main_server, main_ctx);
    Ok(())
}
