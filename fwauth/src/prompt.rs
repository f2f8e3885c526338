//! Reading what the user types: a hidden prompt on the terminal (echo off
//! through termios on /dev/tty, restored even on Ctrl-C), or plain lines of
//! standard input when it is not a terminal.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, Read, Write};
use std::os::fd::AsRawFd;
use std::ptr;
use std::sync::atomic::{AtomicI32, AtomicPtr, Ordering};

use zeroize::Zeroizing;

/// The longest line accepted (a token is 32 characters).
const MAX_LINE: usize = 16 * 1024;

/// Whether standard input is a terminal.
pub fn stdin_is_tty() -> bool {
    // SAFETY: isatty only inspects the descriptor.
    unsafe { libc::isatty(libc::STDIN_FILENO) == 1 }
}

/// Reads a line the user types without showing it: on the terminal with echo
/// off when standard input is one, else the next line of standard input
/// (the prompt then goes to standard error). `None` at end of input.
pub fn read_secret(prompt: &str) -> io::Result<Option<Zeroizing<String>>> {
    if stdin_is_tty()
        && let Ok(tty) = OpenOptions::new().read(true).write(true).open("/dev/tty")
    {
        return read_hidden(&tty, prompt);
    }
    eprint!("{prompt}");
    read_line()
}

/// Asks a question whose answer may be seen, and reads the answer from
/// standard input. `None` at end of input.
pub fn ask(question: &str) -> io::Result<Option<Zeroizing<String>>> {
    eprint!("{question}");
    io::stderr().flush()?;
    read_line()
}

/// The next line of standard input, without its line ending.
fn read_line() -> io::Result<Option<Zeroizing<String>>> {
    let mut buf = Zeroizing::new(Vec::new());
    let n = io::stdin()
        .lock()
        .take(MAX_LINE as u64 + 1)
        .read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    finish_line(buf).map(Some)
}

/// All of standard input (one token, perhaps with a final newline).
pub fn read_all_stdin() -> io::Result<Zeroizing<String>> {
    let mut buf = Zeroizing::new(Vec::new());
    io::stdin()
        .lock()
        .take(MAX_LINE as u64 + 1)
        .read_to_end(&mut buf)?;
    if buf.len() > MAX_LINE {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "standard input is too long to hold a token",
        ));
    }
    let text = String::from_utf8(std::mem::take(&mut *buf)).map_err(|e| {
        let mut bytes = e.into_bytes();
        zeroize::Zeroize::zeroize(&mut bytes);
        io::Error::new(io::ErrorKind::InvalidData, "standard input is not UTF-8")
    })?;
    Ok(Zeroizing::new(text))
}

fn finish_line(mut buf: Zeroizing<Vec<u8>>) -> io::Result<Zeroizing<String>> {
    if buf.len() > MAX_LINE {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the line typed is too long",
        ));
    }
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    let text = String::from_utf8(std::mem::take(&mut *buf)).map_err(|e| {
        let mut bytes = e.into_bytes();
        zeroize::Zeroize::zeroize(&mut bytes);
        io::Error::new(io::ErrorKind::InvalidData, "the line typed is not UTF-8")
    })?;
    Ok(Zeroizing::new(text))
}

// The terminal settings to put back if a signal ends the program while echo
// is off: the descriptor and a leaked copy of the settings, read by the
// signal handler (atomics only; tcsetattr is async-signal-safe).
static SAVED_FD: AtomicI32 = AtomicI32::new(-1);
static SAVED_TERMIOS: AtomicPtr<libc::termios> = AtomicPtr::new(ptr::null_mut());
const RESTORE_ON: [libc::c_int; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];

extern "C" fn restore_and_reraise(sig: libc::c_int) {
    let fd = SAVED_FD.load(Ordering::SeqCst);
    let saved = SAVED_TERMIOS.load(Ordering::SeqCst);
    // SAFETY: only async-signal-safe calls; `saved` is a leaked, never freed
    // termios written before the handler was installed.
    unsafe {
        if fd >= 0 && !saved.is_null() {
            libc::tcsetattr(fd, libc::TCSANOW, saved);
            libc::write(fd, b"\n".as_ptr().cast(), 1);
        }
        libc::signal(sig, libc::SIG_DFL);
        libc::raise(sig);
    }
}

/// Echo off on the terminal until dropped, and on any ending signal.
struct EchoOff {
    fd: libc::c_int,
    original: libc::termios,
    previous: Vec<(libc::c_int, libc::sigaction)>,
}

impl EchoOff {
    fn new(tty: &File) -> io::Result<EchoOff> {
        let fd = tty.as_raw_fd();
        // SAFETY: termios is plain data; tcgetattr fills it.
        let mut original: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: `fd` is an open terminal descriptor.
        if unsafe { libc::tcgetattr(fd, &mut original) } != 0 {
            return Err(io::Error::last_os_error());
        }
        if SAVED_TERMIOS.load(Ordering::SeqCst).is_null() {
            SAVED_TERMIOS.store(Box::into_raw(Box::new(original)), Ordering::SeqCst);
        } else {
            // SAFETY: the pointer came from Box::into_raw above and is never freed.
            unsafe { *SAVED_TERMIOS.load(Ordering::SeqCst) = original };
        }
        SAVED_FD.store(fd, Ordering::SeqCst);
        let mut previous = Vec::new();
        for sig in RESTORE_ON {
            // SAFETY: sigaction with a handler that only makes async-signal-safe calls.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = restore_and_reraise as *const () as libc::sighandler_t;
                libc::sigemptyset(&mut action.sa_mask);
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(sig, &action, &mut old) == 0 {
                    previous.push((sig, old));
                }
            }
        }
        let guard = EchoOff {
            fd,
            original,
            previous,
        };
        let mut hidden = original;
        hidden.c_lflag &= !libc::ECHO;
        hidden.c_lflag |= libc::ECHONL | libc::ICANON;
        // SAFETY: as above.
        if unsafe { libc::tcsetattr(fd, libc::TCSAFLUSH, &hidden) } != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(guard)
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        // SAFETY: restoring what tcgetattr returned, and the saved actions.
        unsafe {
            libc::tcsetattr(self.fd, libc::TCSAFLUSH, &self.original);
            for (sig, old) in &self.previous {
                libc::sigaction(*sig, old, ptr::null_mut());
            }
        }
        SAVED_FD.store(-1, Ordering::SeqCst);
    }
}

fn read_hidden(tty: &File, prompt: &str) -> io::Result<Option<Zeroizing<String>>> {
    // Echo goes off before the prompt appears, so that nothing typed after
    // the prompt is ever shown (getpass's order).
    let _echo_off = EchoOff::new(tty)?;
    let mut out = tty;
    out.write_all(prompt.as_bytes())?;
    out.flush()?;
    let mut buf = Zeroizing::new(Vec::new());
    let mut byte = [0u8; 1];
    let mut input = tty;
    loop {
        match input.read(&mut byte) {
            Ok(0) => break,
            Ok(_) => {
                if byte[0] == b'\n' {
                    buf.push(b'\n');
                    break;
                }
                if buf.len() <= MAX_LINE {
                    buf.push(byte[0]);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    zeroize::Zeroize::zeroize(&mut byte);
    if buf.is_empty() {
        return Ok(None);
    }
    finish_line(buf).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_lose_their_endings_only() {
        let line = finish_line(Zeroizing::new(b" abc \r\n".to_vec())).unwrap();
        assert_eq!(line.as_str(), " abc ");
        assert!(finish_line(Zeroizing::new(vec![0xff, b'\n'])).is_err());
        assert!(finish_line(Zeroizing::new(vec![b'a'; MAX_LINE + 1])).is_err());
    }
}
