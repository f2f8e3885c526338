//! Reading what the user types: a hidden prompt on the terminal (echo off
//! while it is read: `unix.rs`, termios on /dev/tty; `windows.rs`, the
//! console's mode on CONIN$), or plain lines of standard input when it is
//! not a terminal.

use std::io::{self, BufRead, Read, Write};

use zeroize::Zeroizing;

#[cfg(unix)]
mod unix;
#[cfg(unix)]
use unix as terminal;
#[cfg(windows)]
mod windows;
#[cfg(windows)]
use windows as terminal;

pub use terminal::stdin_is_tty;

/// The longest line accepted (a token is 32 characters).
pub(crate) const MAX_LINE: usize = 16 * 1024;

/// Reads a line the user types without showing it: on the terminal with echo
/// off when standard input is one, else the next line of standard input
/// (the prompt then goes to standard error). `None` at end of input.
pub fn read_secret(prompt: &str) -> io::Result<Option<Zeroizing<String>>> {
    if stdin_is_tty()
        && let Some(typed) = terminal::read_hidden(prompt)
    {
        return typed;
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
    io::stdin()
        .lock()
        .take(MAX_LINE as u64 + 1)
        .read_until(b'\n', &mut buf)?;
    line_or_end(buf)
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

/// What the user types on the terminal (echo off), up to and with its
/// newline or to the end of input: the bytes past [`MAX_LINE`] are read but
/// not kept (so [`finish_line`] refuses the line), and the byte buffer is
/// zeroed.
pub(crate) fn read_typed(mut input: impl Read) -> io::Result<Zeroizing<Vec<u8>>> {
    let mut buf = Zeroizing::new(Vec::new());
    let mut byte = [0u8; 1];
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
    Ok(buf)
}

/// The line [`read_typed`] read, or `None` when input ended before any byte.
pub(crate) fn line_or_end(buf: Zeroizing<Vec<u8>>) -> io::Result<Option<Zeroizing<String>>> {
    if buf.is_empty() {
        return Ok(None);
    }
    finish_line(buf).map(Some)
}

pub(crate) fn finish_line(mut buf: Zeroizing<Vec<u8>>) -> io::Result<Zeroizing<String>> {
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
