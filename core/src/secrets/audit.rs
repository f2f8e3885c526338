//! What is allowed on disk but worth a word: the warnings `fwauth status`
//! prints, each with the command that fixes it. (What is refused is refused
//! where the file is read; see `platform::check_file`.)

use std::path::Path;

use super::platform;

/// Warnings about the secrets directory `dir` and the secret files `files`
/// (those that exist): on Unix, a directory or file its group can write to,
/// and a file of ours that other users can read. Nothing on Windows.
pub fn permission_warnings(dir: &Path, files: &[&Path]) -> Vec<String> {
    let mut out = platform::warnings(dir, true);
    let mut seen: Vec<&Path> = Vec::new();
    for file in files {
        if !seen.contains(file) {
            seen.push(file);
            out.extend(platform::warnings(file, false));
        }
    }
    out
}
