//! Windows: the profile directory from `USERPROFILE`, new files and
//! directories with a protected ACL (the user and SYSTEM only), `LockFileEx`
//! through std on a delete-on-close lock file, and a replace that waits out
//! readers holding the old file open.
//!
//! Not checked here (see `docs/robustness.md`): the owner and ACL of an
//! existing secret file or directory.

use std::ffi::OsStr;
use std::fs::{self, File, Metadata};
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::os::windows::io::FromRawHandle;
use std::path::{Path, PathBuf};
use std::ptr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use windows_sys::Win32::Foundation::{
    CloseHandle, ERROR_ACCESS_DENIED, ERROR_ALREADY_EXISTS, ERROR_LOCK_VIOLATION,
    ERROR_SHARING_VIOLATION, HANDLE, INVALID_HANDLE_VALUE, LocalFree,
};
use windows_sys::Win32::Security::Authorization::{
    ConvertSidToStringSidW, ConvertStringSecurityDescriptorToSecurityDescriptorW, SDDL_REVISION_1,
};
use windows_sys::Win32::Security::{
    GetTokenInformation, PSECURITY_DESCRIPTOR, SECURITY_ATTRIBUTES, TOKEN_QUERY, TOKEN_USER,
    TokenUser,
};
use windows_sys::Win32::Storage::FileSystem::{
    CREATE_NEW, CreateDirectoryW, CreateFileW, FILE_ATTRIBUTE_HIDDEN, FILE_ATTRIBUTE_NORMAL,
    FILE_FLAG_DELETE_ON_CLOSE, FILE_SHARE_DELETE, FILE_SHARE_READ, FILE_SHARE_WRITE, OPEN_ALWAYS,
};
use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

use super::super::dir_stat::DirVersion;
use crate::error::Result;

const GENERIC_READ: u32 = 0x8000_0000;
const GENERIC_WRITE: u32 = 0x4000_0000;

/// `%USERPROFILE%`, else `%HOMEDRIVE%%HOMEPATH%`: what Python's
/// `os.path.expanduser("~")` uses (3.8 and later ignore `HOME` here); else
/// the profile directory of the account.
pub(crate) fn home_dir() -> Option<PathBuf> {
    let var = |n: &str| std::env::var_os(n).filter(|v| !v.is_empty());
    if let Some(p) = var("USERPROFILE") {
        return Some(PathBuf::from(p));
    }
    if let (Some(drive), Some(path)) = (var("HOMEDRIVE"), var("HOMEPATH")) {
        let mut p = drive;
        p.push(path);
        return Some(PathBuf::from(p));
    }
    std::env::home_dir()
}

/// Tilde forms a path may start with (`expanduser` takes both separators).
pub(crate) const TILDE_PREFIXES: &[&str] = &["~/", "~\\"];

/// Whether `path` names a directory by its spelling (ends in a separator).
pub(crate) fn names_a_directory(path: &str) -> bool {
    path.ends_with('/') || path.ends_with('\\')
}

/// Opens `path` for reading (no FIFOs to block on here).
pub(crate) fn open_for_reading(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// Owners and ACLs of existing files are not checked on Windows.
pub(crate) fn check_file(_path: &Path, _meta: &Metadata) -> Result<()> {
    Ok(())
}

/// Not checked on Windows (see [`check_file`]).
pub(crate) fn check_dir(_dir: &Path) -> Result<()> {
    Ok(())
}

/// Not checked on Windows (see [`check_file`]).
pub(crate) fn check_dir_meta(_dir: &Path, _meta: &Metadata) -> Result<()> {
    Ok(())
}

/// No version of a directory's entries is kept on Windows: every lookup
/// asks for each file (see `secrets/dir_stat.rs`).
pub(crate) fn dir_version(_meta: &Metadata) -> Option<DirVersion> {
    None
}

/// Nothing is reported on Windows.
pub(crate) fn warnings(_path: &Path, _is_dir: bool) -> Vec<String> {
    Vec::new()
}

fn wide(s: &OsStr) -> Vec<u16> {
    s.encode_wide().chain(Some(0)).collect()
}

/// The SDDL of a protected DACL granting full access to the user of this
/// process and to SYSTEM, and nothing to anyone else; inherited by what a
/// directory holds.
fn private_sddl() -> io::Result<&'static str> {
    static SDDL: OnceLock<std::result::Result<String, i32>> = OnceLock::new();
    SDDL.get_or_init(|| user_sid().map(|sid| format!("D:P(A;OICI;FA;;;{sid})(A;OICI;FA;;;SY)")))
        .as_deref()
        .map_err(|&code| io::Error::from_raw_os_error(code))
}

/// The SID of this process's user, as a string (`S-1-5-21-…`).
fn user_sid() -> std::result::Result<String, i32> {
    let last = || io::Error::last_os_error().raw_os_error().unwrap_or(0);
    // SAFETY: every pointer passed is valid for the call; the token handle
    // and the string SID are released before returning.
    unsafe {
        let mut token: HANDLE = ptr::null_mut();
        if OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) == 0 {
            return Err(last());
        }
        let mut buf = vec![0u64; 128];
        let mut len = 0u32;
        let ok = GetTokenInformation(
            token,
            TokenUser,
            buf.as_mut_ptr().cast(),
            (buf.len() * 8) as u32,
            &mut len,
        );
        let err = last();
        CloseHandle(token);
        if ok == 0 {
            return Err(err);
        }
        let user = &*(buf.as_ptr() as *const TOKEN_USER);
        let mut s: *mut u16 = ptr::null_mut();
        if ConvertSidToStringSidW(user.User.Sid, &mut s) == 0 {
            return Err(last());
        }
        let n = (0..).take_while(|&i| *s.add(i) != 0).count();
        let sid = String::from_utf16_lossy(std::slice::from_raw_parts(s, n));
        LocalFree(s.cast());
        Ok(sid)
    }
}

/// Security attributes holding [`private_sddl`], freed on drop.
struct PrivateAttributes {
    sd: PSECURITY_DESCRIPTOR,
    attrs: SECURITY_ATTRIBUTES,
}

impl PrivateAttributes {
    fn new() -> io::Result<PrivateAttributes> {
        let sddl = wide(OsStr::new(private_sddl()?));
        let mut sd: PSECURITY_DESCRIPTOR = ptr::null_mut();
        // SAFETY: `sddl` is NUL-terminated; `sd` receives a LocalAlloc'd
        // descriptor freed in Drop.
        let ok = unsafe {
            ConvertStringSecurityDescriptorToSecurityDescriptorW(
                sddl.as_ptr(),
                SDDL_REVISION_1,
                &mut sd,
                ptr::null_mut(),
            )
        };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(PrivateAttributes {
            sd,
            attrs: SECURITY_ATTRIBUTES {
                nLength: size_of::<SECURITY_ATTRIBUTES>() as u32,
                lpSecurityDescriptor: sd,
                bInheritHandle: 0,
            },
        })
    }
}

impl Drop for PrivateAttributes {
    fn drop(&mut self) {
        // SAFETY: `sd` came from ConvertStringSecurityDescriptorToSecurityDescriptorW.
        unsafe { LocalFree(self.sd) };
    }
}

/// Creates `dir` and its missing parents; those created get the private ACL.
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_private_dir(parent)?;
    }
    let attrs = PrivateAttributes::new()?;
    let name = wide(dir.as_os_str());
    // SAFETY: `name` is NUL-terminated; `attrs` lives across the call.
    if unsafe { CreateDirectoryW(name.as_ptr(), &attrs.attrs) } == 0 {
        let err = io::Error::last_os_error();
        if err.raw_os_error() == Some(ERROR_ALREADY_EXISTS as i32) && dir.is_dir() {
            return Ok(());
        }
        return Err(err);
    }
    Ok(())
}

/// `CreateFileW` with the private ACL; every share mode, as std opens files.
fn create_file(path: &Path, disposition: u32, flags: u32) -> io::Result<File> {
    let attrs = PrivateAttributes::new()?;
    let name = wide(path.as_os_str());
    // SAFETY: `name` is NUL-terminated; `attrs` lives across the call; the
    // handle returned is owned by the File.
    unsafe {
        let h = CreateFileW(
            name.as_ptr(),
            GENERIC_READ | GENERIC_WRITE,
            FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
            &attrs.attrs,
            disposition,
            flags,
            ptr::null_mut(),
        );
        if h == INVALID_HANDLE_VALUE {
            return Err(io::Error::last_os_error());
        }
        Ok(File::from_raw_handle(h))
    }
}

/// Creates a new file with the private ACL, failing when the name exists.
pub(crate) fn create_new_private(path: &Path) -> io::Result<File> {
    create_file(path, CREATE_NEW, FILE_ATTRIBUTE_NORMAL)
}

/// A replacement keeps the private ACL it was created with.
pub(crate) fn keep_mode(_file: &File, _old: Option<&Metadata>) -> io::Result<()> {
    Ok(())
}

fn is_sharing_error(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error().map(|c| c as u32),
        Some(ERROR_ACCESS_DENIED | ERROR_SHARING_VIOLATION | ERROR_LOCK_VIOLATION)
    )
}

/// Renames `from` over `to` (`MoveFileExW` with `MOVEFILE_REPLACE_EXISTING`
/// through std), retrying while another process holds `to` open without
/// `FILE_SHARE_DELETE` (a reader, an editor, a virus scanner), until
/// `deadline`.
pub(crate) fn replace(from: &Path, to: &Path, deadline: Instant) -> io::Result<()> {
    loop {
        match fs::rename(from, to) {
            Err(e) if is_sharing_error(&e) && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            other => return other,
        }
    }
}

/// Renames are made durable by NTFS's journal; nothing to do.
pub(crate) fn sync_dir(_dir: &Path) {}

/// Whether this process may create files in `dir` (tried: Windows ACLs
/// cannot be read off a mode).
pub(crate) fn dir_writable(dir: &Path) -> bool {
    let probe = dir.join(format!(".fwclient-probe-{}.tmp", std::process::id()));
    match create_new_private(&probe) {
        Ok(f) => {
            drop(f);
            let _ = fs::remove_file(&probe);
            true
        }
        Err(e) => e.kind() == io::ErrorKind::AlreadyExists,
    }
}

/// What opening a lock file gave.
pub(crate) enum LockOpen {
    /// The lock file: lock it.
    Opened(File),
    /// Not a file that can be locked: never used.
    #[allow(dead_code)]
    Unusable,
    /// Being deleted by its last holder; try again.
    Busy,
}

/// Opens (creating it, private and hidden) the lock file `path`. It is
/// deleted when its last handle is closed (a crash included), so nothing
/// stays in the secrets directory; while it is being deleted, opening it
/// fails with "access denied" ([`LockOpen::Busy`]).
pub(crate) fn open_lock_file(path: &Path) -> io::Result<LockOpen> {
    match create_file(
        path,
        OPEN_ALWAYS,
        FILE_ATTRIBUTE_HIDDEN | FILE_FLAG_DELETE_ON_CLOSE,
    ) {
        Ok(f) => Ok(LockOpen::Opened(f)),
        Err(e) if is_sharing_error(&e) => Ok(LockOpen::Busy),
        Err(e) => Err(e),
    }
}

/// A lock file is never deleted while open here.
pub(crate) fn lock_still_named(_path: &Path, _file: &File) -> bool {
    true
}

/// Closing the handle releases the lock and deletes the file.
pub(crate) fn release_lock(_path: &Path, file: File) {
    drop(file);
}

/// Why `name` cannot be a file name here. A `:` names an NTFS alternate
/// data stream: `127.0.0.1:8000-cave-secret.json` is the stream
/// `8000-cave-secret.json` of a file `127.0.0.1`, which is where Python's
/// `open()` puts it, and where we read and write it too. Anything else
/// with a `:` (user-info, IPv6) or a character Windows forbids fails in
/// Python and is refused here with the reason.
pub(crate) fn file_name_problem(name: &str) -> Option<String> {
    // (Control characters, NUL included, are left to the system's refusal.)
    const FORBIDDEN: &[char] = &['<', '>', '"', '/', '\\', '|', '?', '*'];
    if let Some(c) = name.chars().find(|c| FORBIDDEN.contains(c)) {
        return Some(format!(
            "contains '{}', which Windows does not allow in a file name",
            c.escape_default()
        ));
    }
    match name.split(':').count() {
        1 => None,
        2 if !name.starts_with(':') => None,
        _ => Some(
            "contains ':' in a way Windows cannot store (only `host:port` is kept, \
             as an NTFS stream of a file named after the host, as Python does)"
                .to_owned(),
        ),
    }
}

/// A target whose name holds a `:` is an NTFS stream: it cannot be renamed
/// over, so it is written in place (as Python does), under the save lock.
pub(crate) fn writes_in_place(target: &Path) -> bool {
    target
        .file_name()
        .is_some_and(|n| n.to_string_lossy().contains(':'))
}
