//! The operating-system seam of the secret files: everything that differs
//! between Unix (Linux, macOS, the BSDs) and Windows lives below this module,
//! with the same functions on each side; the rest of `secrets` is shared.
//!
//! - `home_dir`: the home directory as the Python clients compute it
//!   (`os.path.expanduser("~")`).
//! - `open_for_reading`: opens a file without blocking on a FIFO or device.
//! - `check_file`, `check_dir`: who owns a secret file, and who else can
//!   write it or its directory (refused) — see `docs/robustness.md`.
//! - `dir_version`: what tells that a directory's entries changed.
//! - `warnings`: what `fwauth status` reports without refusing.
//! - `create_private_dir`, `create_new_private`: new directories and files
//!   only the user can read (0700/0600; a protected ACL on Windows).
//! - `keep_mode`: an existing file's mode carried over to its replacement.
//! - `replace`: the atomic rename of the temporary file over the target.
//! - `lock_file_is_private`, `create_lock_file`: the save lock's file.
//! - `file_name_problem`: names the platform cannot hold (Windows `:`).

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub(crate) use unix::*;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub(crate) use windows::*;

#[cfg(not(any(unix, windows)))]
compile_error!("fwclient's secret files support Unix and Windows only");
