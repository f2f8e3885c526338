//! `save_token`, with caveclient's parameters and results, made safe: every
//! refusal is found before any file is written, and writes are atomic.

use std::path::PathBuf;

use super::{Auth, TokenSource};
use crate::error::{Error, Result};
use crate::secrets::file::{self, Saved};
use crate::secrets::layout::{self, DEFAULT_KEY, Layout};
use crate::token::Token;

/// caveclient's `save_token` parameters (the defaults are its defaults).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SaveOptions {
    /// Replace an existing key (default false).
    pub overwrite: bool,
    /// Use the saved token, key and file from now on (default true).
    pub switch_token: bool,
    /// `cave` layout: also write the global server's file (default true).
    pub write_to_server_file: bool,
    /// `cave` layout: also write the local server's file when known (default true).
    pub local_server: bool,
    /// `cave` layout: skip, silently, files in a read-only directory (default true).
    pub ignore_readonly: bool,
    /// A file to write that is not a JSON object is kept as
    /// `<name>.invalid-<timestamp>` and a fresh one written (default false:
    /// such a file refuses the save).
    pub replace_invalid: bool,
}

impl Default for SaveOptions {
    fn default() -> SaveOptions {
        SaveOptions {
            overwrite: false,
            switch_token: true,
            write_to_server_file: true,
            local_server: true,
            ignore_readonly: true,
            replace_invalid: false,
        }
    }
}

impl Auth {
    /// Saves `token` (default: the token in use) under `key` (default
    /// `token`) in `file` (default: the auth's token file). In the `cave`
    /// layout the global server's file is written first and, when a local
    /// server is known, its file last. Returns each file touched and what
    /// happened to it.
    pub fn save_token(
        &self,
        token: Option<&Token>,
        key: Option<&str>,
        file: Option<&str>,
        opts: SaveOptions,
    ) -> Result<Vec<(PathBuf, Saved)>> {
        let _serial = self.save_lock.lock().unwrap_or_else(|p| p.into_inner());
        let token = match token {
            Some(t) => t.clone(),
            None => self.usable_token()?.ok_or_else(|| {
                Error::invalid_argument("there is no token to save: pass one, or set one first")
            })?,
        };
        let key = key.unwrap_or(DEFAULT_KEY);
        if key.is_empty() {
            return Err(Error::invalid_argument("the token key must not be empty"));
        }
        let target = match file {
            Some(f) => layout::expand_file_path(f)?,
            None => self.token_file(),
        };
        let cave = self.layout() == Layout::Cave;
        let skip_read_only = cave && opts.ignore_readonly;

        let mut plan = Vec::new();
        if cave && opts.write_to_server_file {
            plan.push(self.server_file(&self.server_address));
        }
        if !plan.contains(&target) {
            plan.push(target.clone());
        }
        // The local server's file is always written with overwrite (as
        // caveclient does), but a malformed one must still stop the save
        // before anything else is written.
        let local_file = match (cave && opts.local_server, self.local_server()) {
            (true, Some(local)) => Some(self.server_file(&local)),
            _ => None,
        };
        // caveclient writes the server file and then fails on the token file;
        // refuse before anything is written instead.
        // A file that is not a JSON object passes the check when it is to be
        // replaced: it is moved aside just before its fresh copy is written.
        let check = |path: &PathBuf, overwrite: bool| match file::check_save(path, key, overwrite) {
            Err(e) if opts.replace_invalid && file::is_replaceable(&e) => Ok(()),
            checked => checked,
        };
        for path in &plan {
            check(path, opts.overwrite)?;
        }
        if let Some(local_file) = &local_file {
            check(local_file, true)?;
        }
        let mut report = Vec::with_capacity(plan.len() + 1);
        // A file that is not a JSON object is kept aside, when asked, just
        // before its fresh copy is written.
        let move_aside = |path: &PathBuf, report: &mut Vec<(PathBuf, Saved)>| -> Result<()> {
            if opts.replace_invalid
                && let Some(kept) = file::move_aside_if_invalid(path)?
            {
                report.push((kept, Saved::KeptInvalid));
            }
            Ok(())
        };
        for path in plan {
            move_aside(&path, &mut report)?;
            let saved = file::save(&path, key, &token, opts.overwrite, skip_read_only)?;
            report.push((path, saved));
        }

        let mut active = target;
        if let Some(local_file) = local_file {
            move_aside(&local_file, &mut report)?;
            if file::read_token(&local_file, key).ok().flatten().as_ref() != Some(&token) {
                let saved = file::save(&local_file, key, &token, true, true)?;
                report.push((local_file.clone(), saved));
                active = local_file;
            }
        }

        if opts.switch_token {
            let target_written = report
                .iter()
                .any(|(p, s)| *p == active && *s != Saved::SkippedReadOnly);
            let mut state = self.write_state();
            state.token = Some(token);
            state.source = if target_written {
                TokenSource::File {
                    path: active.clone(),
                    key: key.to_owned(),
                }
            } else {
                TokenSource::Explicit
            };
            state.stamp = match &state.source {
                TokenSource::File { path, .. } => super::reload::FileStamp::of(path),
                _ => None,
            };
            state.token_file = active;
            state.problem = None;
        }
        Ok(report)
    }

    fn server_file(&self, address: &str) -> PathBuf {
        layout::server_file(&self.secrets_dir, address)
    }
}
