//! The hidden prompt on the Windows console: echo off through the mode of
//! CONIN$ while the line is read, restored when done.

use std::fs::{File, OpenOptions};
use std::io::{self, IsTerminal, Write};
use std::os::windows::io::AsRawHandle;

use windows_sys::Win32::Foundation::HANDLE;
use windows_sys::Win32::System::Console::{
    CONSOLE_MODE, ENABLE_ECHO_INPUT, ENABLE_LINE_INPUT, GetConsoleMode, SetConsoleMode,
};
use zeroize::Zeroizing;

use super::{line_or_end, read_typed};

/// Whether standard input is a console (or a terminal emulator's pipe that
/// says it is one).
pub fn stdin_is_tty() -> bool {
    io::stdin().is_terminal()
}

/// A line read on the console with echo off, or `None` when there is no
/// console to open (the caller then reads standard input).
pub fn read_hidden(prompt: &str) -> Option<io::Result<Option<Zeroizing<String>>>> {
    let console = OpenOptions::new()
        .read(true)
        .write(true)
        .open("CONIN$")
        .ok()?;
    Some(read_hidden_on(&console, prompt))
}

/// Echo off on the console until dropped.
struct EchoOff {
    console: HANDLE,
    original: CONSOLE_MODE,
}

impl EchoOff {
    fn new(console: &File) -> io::Result<EchoOff> {
        let console = console.as_raw_handle() as HANDLE;
        let mut original: CONSOLE_MODE = 0;
        // SAFETY: `console` is an open console input handle; `original` is writable.
        if unsafe { GetConsoleMode(console, &mut original) } == 0 {
            return Err(io::Error::last_os_error());
        }
        let hidden = (original & !ENABLE_ECHO_INPUT) | ENABLE_LINE_INPUT;
        // SAFETY: as above.
        if unsafe { SetConsoleMode(console, hidden) } == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(EchoOff { console, original })
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        // SAFETY: the handle is still open (its File outlives this guard).
        unsafe { SetConsoleMode(self.console, self.original) };
    }
}

fn read_hidden_on(console: &File, prompt: &str) -> io::Result<Option<Zeroizing<String>>> {
    // Echo goes off before the prompt appears (getpass's order).
    let echo_off = EchoOff::new(console)?;
    let mut err = io::stderr();
    err.write_all(prompt.as_bytes())?;
    err.flush()?;
    let buf = read_typed(console)?;
    drop(echo_off);
    // The Enter the user typed was not shown.
    let _ = writeln!(err);
    line_or_end(buf)
}
