//! Opening a URL in a browser, only when the user asked (`--open`): the
//! commands of `$BROWSER` (colon-separated, `%s` for the URL, as Python's
//! `webbrowser` reads it), else `xdg-open` (or `open` on macOS).

use std::process::{Command, Stdio};

/// Starts a browser on `url`; the command that was started, or why none was.
pub fn open(url: &str) -> Result<String, String> {
    let configured = std::env::var("BROWSER").unwrap_or_default();
    let candidates: Vec<String> = if configured.trim().is_empty() {
        let default = if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        };
        vec![default.to_owned()]
    } else {
        configured
            .split(':')
            .filter(|c| !c.trim().is_empty())
            .map(str::to_owned)
            .collect()
    };
    let mut tried = Vec::new();
    for candidate in &candidates {
        let mut words: Vec<String> = candidate.split_whitespace().map(str::to_owned).collect();
        if words.iter().any(|w| w.contains("%s")) {
            for w in &mut words {
                *w = w.replace("%s", url);
            }
        } else {
            words.push(url.to_owned());
        }
        let started = Command::new(&words[0])
            .args(&words[1..])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match started {
            Ok(mut child) => {
                // Reaped in the background; the program does not wait for the browser.
                std::thread::spawn(move || child.wait());
                return Ok(words[0].clone());
            }
            Err(e) => tried.push(format!("{}: {e}", words[0])),
        }
    }
    Err(format!(
        "could not start a browser ({}); open the URL yourself",
        tried.join("; ")
    ))
}
