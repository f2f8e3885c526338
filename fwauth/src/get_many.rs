//! `fwauth get -i FILE -d DIR [--parallel N]`: many GETs at once through
//! the core's batch (fwclient_core::batch), each body written to DIR/N (N
//! the URL's line number) through a temporary file renamed at the end, so
//! that a failed request leaves no file.

use std::io::{BufRead, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use fwclient_core::http::{Request, Response};
use fwclient_core::{Client, batch};

use crate::exit::{self, CliError};

/// Requests at once when --parallel is not given.
pub const DEFAULT_PARALLEL: usize = 8;

/// The URLs of `input` (a file, or `-` for standard input) with their line
/// numbers: blank lines and `#` comments skipped, `/path` made absolute
/// against `server`.
pub fn read_urls(input: &str, server: &str) -> Result<Vec<(usize, String)>, CliError> {
    let read_error =
        |e: std::io::Error| CliError::new(exit::FILES, format!("error reading \"{input}\": {e}"));
    let reader: Box<dyn BufRead> = if input == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(input).map_err(read_error)?,
        ))
    };
    let mut urls = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(read_error)?;
        let url = line.trim();
        if url.is_empty() || url.starts_with('#') {
            continue;
        }
        let url = if url.starts_with('/') {
            format!("{server}{url}")
        } else {
            url.to_owned()
        };
        urls.push((i + 1, url));
    }
    Ok(urls)
}

/// Fetches `urls`, `parallel` at once, into `dir`; reports each item as it
/// completes. The error of the first failure (in completion order) when any
/// failed.
pub fn run(
    client: &Client,
    urls: &[(usize, String)],
    parallel: usize,
    dir: &Path,
) -> Result<(), CliError> {
    let mut first_failure: Option<CliError> = None;
    let mut stdout = std::io::stdout().lock();
    batch::run(
        client,
        urls.len(),
        parallel,
        |i| Ok(Request::get(&urls[i].1)),
        |i, outcome| {
            let line = urls[i].0;
            let result = outcome
                .map_err(CliError::from)
                .and_then(|resp| write_body(dir, line, &resp));
            match result {
                Ok(path) => {
                    let _ = writeln!(stdout, "{line} {}", path.display());
                }
                Err(e) => {
                    eprintln!("{line}: {}", e.message);
                    first_failure.get_or_insert(e);
                }
            }
            ControlFlow::Continue(())
        },
    )?;
    let _ = stdout.flush();
    first_failure.map_or(Ok(()), Err)
}

/// Writes `resp`'s body to `dir/line` through a temporary file in `dir`.
fn write_body(dir: &Path, line: usize, resp: &Response) -> Result<PathBuf, CliError> {
    let out = dir.join(line.to_string());
    let files_error = |e: std::io::Error| {
        CliError::new(
            exit::FILES,
            format!("error writing \"{}\": {e}", out.display()),
        )
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".fwauth-get-")
        .tempfile_in(dir)
        .map_err(files_error)?;
    tmp.as_file_mut()
        .write_all(&resp.body)
        .map_err(files_error)?;
    tmp.persist(&out).map_err(|e| files_error(e.error))?;
    Ok(out)
}
