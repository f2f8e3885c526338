//! The hidden prompt on a Unix terminal: echo off through termios on
//! /dev/tty, restored when done and on any signal that ends the program.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::ptr;
use std::sync::atomic::{AtomicI32, AtomicPtr, Ordering};

use zeroize::Zeroizing;

use super::{line_or_end, read_typed};

/// Whether standard input is a terminal.
pub fn stdin_is_tty() -> bool {
    // SAFETY: isatty only inspects the descriptor.
    unsafe { libc::isatty(libc::STDIN_FILENO) == 1 }
}

/// A line read on the terminal with echo off, or `None` when there is no
/// terminal to open (the caller then reads standard input).
pub fn read_hidden(prompt: &str) -> Option<io::Result<Option<Zeroizing<String>>>> {
    let tty = OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .ok()?;
    Some(read_hidden_on(&tty, prompt))
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

fn read_hidden_on(tty: &File, prompt: &str) -> io::Result<Option<Zeroizing<String>>> {
    // Echo goes off before the prompt appears, so that nothing typed after
    // the prompt is ever shown (getpass's order).
    let _echo_off = EchoOff::new(tty)?;
    let mut out = tty;
    out.write_all(prompt.as_bytes())?;
    out.flush()?;
    let buf = read_typed(tty)?;
    line_or_end(buf)
}
