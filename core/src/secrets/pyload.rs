//! Reading a secret file as Python's `json.load` reads it (CPython 3's
//! `json` module, default arguments), the one reader for reading a token
//! and for saving into a file: what Python accepts is accepted, what it
//! refuses is refused, and every value is kept so that [`super::pyjson`]
//! writes it back byte for byte as `json.dump` would.
//!
//! Python's rules, beyond RFC 8259: `NaN`, `Infinity` and `-Infinity` are
//! numbers; a `\u` escape of a lone surrogate is a string's character (an
//! escaped pair is one astral character); a key given twice keeps its first
//! place and its last value. Refused as Python refuses them: a UTF-8 byte
//! order mark, control characters inside strings, a text that is not UTF-8
//! (Python fails to decode the file). Nesting deeper than [`MAX_DEPTH`]
//! is refused (Python's parser recurses and gives up near its recursion
//! limit, 1000 frames, less the caller's: the bound is below it, so a file
//! this reader accepts is one Python reads too), without recursing that
//! deep here either.
//!
//! Strings are built in buffers of their final size and zeroed when
//! dropped: a secret file holds tokens under other keys too.

use std::fmt;

use indexmap::IndexMap;
use zeroize::Zeroize;

/// How deep arrays and objects may nest.
pub const MAX_DEPTH: usize = 512;

/// A JSON value as Python holds it.
#[derive(Clone, PartialEq)]
pub enum PyValue {
    Null,
    Bool(bool),
    /// A number, as its text: an integer or float literal, or `NaN`,
    /// `Infinity`, `-Infinity`.
    Number(String),
    Str(PyStr),
    Array(Vec<PyValue>),
    Object(PyObject),
}

/// An object: keys in their first place, each with its last value.
pub type PyObject = IndexMap<PyStr, PyValue>;

/// A Python string: Unicode text, or, when it holds a lone surrogate, its
/// UTF-16 code units. Zeroed on drop.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum PyStr {
    Text(String),
    /// Holds at least one lone surrogate (never valid UTF-16).
    Units(Vec<u16>),
}

impl PyStr {
    /// The text, unless it holds a lone surrogate.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            PyStr::Text(s) => Some(s),
            PyStr::Units(_) => None,
        }
    }

    /// The text itself, moved out (no copy), unless it holds a lone
    /// surrogate; zeroed when dropped, as here.
    pub fn into_text(mut self) -> Option<zeroize::Zeroizing<String>> {
        match &mut self {
            PyStr::Text(s) => Some(zeroize::Zeroizing::new(std::mem::take(s))),
            PyStr::Units(_) => None,
        }
    }
}

impl From<&str> for PyStr {
    fn from(s: &str) -> PyStr {
        PyStr::Text(s.to_owned())
    }
}

impl Drop for PyStr {
    fn drop(&mut self) {
        match self {
            PyStr::Text(s) => s.zeroize(),
            PyStr::Units(u) => u.zeroize(),
        }
    }
}

impl fmt::Debug for PyStr {
    /// Never the text: it may be a token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PyStr(<hidden>)")
    }
}

impl fmt::Debug for PyValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PyValue::Null => f.write_str("Null"),
            PyValue::Bool(b) => write!(f, "Bool({b})"),
            PyValue::Number(n) => write!(f, "Number({n})"),
            PyValue::Str(s) => s.fmt(f),
            PyValue::Array(items) => f.debug_list().entries(items).finish(),
            PyValue::Object(map) => f.debug_map().entries(map.iter()).finish(),
        }
    }
}

/// Why a text is not what `json.load` reads, and where (Python's line and
/// column, both from 1, column in characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub what: &'static str,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            return f.write_str(self.what);
        }
        write!(
            f,
            "{} at line {} column {}",
            self.what, self.line, self.column
        )
    }
}

/// `text` read as `json.load` reads it.
pub fn parse(text: &[u8]) -> Result<PyValue, ParseError> {
    let mut p = Parser::new(text)?;
    let value = p.value(None)?;
    p.end()?;
    Ok(value.unwrap_or(PyValue::Null))
}

/// The value under `key` in the JSON object `text` (the last one when the
/// key repeats, `None` when absent), checking the whole text as [`parse`]
/// does but keeping no other value. `Ok(Err(()))` when the text is JSON
/// but not an object.
pub fn value_of(text: &[u8], key: &str) -> Result<Result<Option<PyValue>, ()>, ParseError> {
    let mut p = Parser::new(text)?;
    p.skip_ws();
    let is_object = p.peek() == Some(b'{');
    p.value(Some(key))?;
    p.end()?;
    // The top-level object's value under `key` went to `found`; no key was
    // copied and no map built.
    Ok(if is_object {
        Ok(p.found.take())
    } else {
        Err(())
    })
}

/// An array or object being read (the parser keeps its own stack: no
/// recursion, whatever the nesting).
enum Open {
    Array {
        items: Vec<PyValue>,
        keep: bool,
    },
    Object {
        map: PyObject,
        /// The key whose value is being read (`None` for the top-level
        /// object of a lookup, whose wanted value goes to `Parser::found`),
        /// and whether it is kept.
        key: Option<PyStr>,
        keep: bool,
        keep_member: bool,
    },
}

struct Parser<'a> {
    text: &'a [u8],
    at: usize,
    /// For a lookup ([`value_of`]): the last value under the wanted key of
    /// the top-level object.
    found: Option<PyValue>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a [u8]) -> Result<Parser<'a>, ParseError> {
        if text.starts_with(b"\xEF\xBB\xBF") {
            return Err(ParseError {
                what: "a UTF-8 byte order mark, which Python refuses",
                line: 1,
                column: 1,
            });
        }
        if let Err(e) = std::str::from_utf8(text) {
            let mut p = Parser {
                text,
                at: 0,
                found: None,
            };
            return Err(p.error_at(e.valid_up_to(), "bytes that are not UTF-8"));
        }
        Ok(Parser {
            text,
            at: 0,
            found: None,
        })
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn error(&mut self, what: &'static str) -> ParseError {
        self.error_at(self.at, what)
    }

    fn error_at(&mut self, at: usize, what: &'static str) -> ParseError {
        let before = &self.text[..at.min(self.text.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
        ParseError { what, line, column }
    }

    /// Only whitespace may follow the value.
    fn end(&mut self) -> Result<(), ParseError> {
        self.skip_ws();
        if self.at < self.text.len() {
            return Err(self.error("extra data after the value"));
        }
        Ok(())
    }

    fn expect_value(&mut self) -> ParseError {
        self.error("expecting a value")
    }

    /// The value here. `only` (for a token lookup): keep, of a top-level
    /// object, only the members under that key, and no other value.
    fn value(&mut self, only: Option<&str>) -> Result<Option<PyValue>, ParseError> {
        let mut stack: Vec<Open> = Vec::new();
        let mut keep = only.is_none();
        'values: loop {
            self.skip_ws();
            // A value starts here; a container is opened and its first
            // value read next, a scalar (or an empty container) is done.
            let mut done = match self.peek() {
                None => return Err(self.expect_value()),
                Some(c @ (b'[' | b'{')) => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(
                            self.error("arrays and objects nested too deep (Python's limit)")
                        );
                    }
                    self.at += 1;
                    self.skip_ws();
                    let top = stack.is_empty();
                    if c == b'[' {
                        if self.peek() == Some(b']') {
                            self.at += 1;
                            Some(PyValue::Array(Vec::new()))
                        } else {
                            stack.push(Open::Array {
                                items: Vec::new(),
                                keep,
                            });
                            continue 'values;
                        }
                    } else if self.peek() == Some(b'}') {
                        self.at += 1;
                        Some(PyValue::Object(PyObject::new()))
                    } else {
                        let (key, keep_member) = self.member_key(keep, only.filter(|_| top))?;
                        stack.push(Open::Object {
                            map: PyObject::new(),
                            key,
                            keep: keep || (top && only.is_some()),
                            keep_member,
                        });
                        keep = keep_member;
                        continue 'values;
                    }
                }
                Some(b'"') => self.string(keep)?.map(PyValue::Str),
                Some(b'-' | b'0'..=b'9') => Some(PyValue::Number(self.number()?.to_owned())),
                Some(_) => {
                    let rest = &self.text[self.at..];
                    let (word, value) = [
                        (&b"null"[..], PyValue::Null),
                        (b"true", PyValue::Bool(true)),
                        (b"false", PyValue::Bool(false)),
                        (b"NaN", PyValue::Number("NaN".into())),
                        (b"Infinity", PyValue::Number("Infinity".into())),
                    ]
                    .into_iter()
                    .find(|(w, _)| rest.starts_with(w))
                    .ok_or_else(|| self.expect_value())?;
                    self.at += word.len();
                    Some(value)
                }
            };
            if !keep {
                done = None;
            }
            // Hand the finished value to the container it is in, closing
            // every container that ends after it.
            loop {
                let Some(open) = stack.last_mut() else {
                    return Ok(done);
                };
                self.skip_ws();
                let next = self.peek();
                match open {
                    Open::Array { items, keep: k } => {
                        items.extend(done.take());
                        match next {
                            Some(b',') => {
                                self.at += 1;
                                keep = *k;
                                continue 'values;
                            }
                            Some(b']') => self.at += 1,
                            _ => return Err(self.error("expecting ',' delimiter")),
                        }
                    }
                    Open::Object {
                        map,
                        key,
                        keep: k,
                        keep_member,
                    } => {
                        if let Some(v) = done.take().filter(|_| *keep_member) {
                            match key.take() {
                                Some(name) => {
                                    map.insert(name, v);
                                }
                                // The lookup's key, in the top-level object:
                                // the last value wins, as in Python's dict.
                                None => self.found = Some(v),
                            }
                        }
                        match next {
                            Some(b',') => {
                                self.at += 1;
                                let (k, whole) = (*k, stack.len() == 1 && only.is_some());
                                let (name, keep_next) =
                                    self.member_key(k && !whole, only.filter(|_| whole))?;
                                if let Some(Open::Object {
                                    key, keep_member, ..
                                }) = stack.last_mut()
                                {
                                    *key = name;
                                    *keep_member = keep_next;
                                }
                                keep = keep_next;
                                continue 'values;
                            }
                            Some(b'}') => self.at += 1,
                            _ => return Err(self.error("expecting ',' delimiter")),
                        }
                    }
                }
                done = match stack.pop().expect("the container above") {
                    Open::Array { items, keep: true } => Some(PyValue::Array(items)),
                    Open::Object {
                        map, keep: true, ..
                    } => Some(PyValue::Object(map)),
                    _ => None,
                };
            }
        }
    }

    /// A member's key and its `:`; whether its value is kept: as `keep`
    /// says, or, when `only` names a key, for that key alone. The key is
    /// decoded only when its value is kept into a map (`keep`, no `only`):
    /// `only` is compared with the text as it stands when it holds no
    /// escape.
    fn member_key(
        &mut self,
        keep: bool,
        only: Option<&str>,
    ) -> Result<(Option<PyStr>, bool), ParseError> {
        self.skip_ws();
        if self.peek() != Some(b'"') {
            return Err(self.error("expecting a property name in double quotes"));
        }
        let (key, kept) = match only {
            Some(wanted) => (None, self.string_is(wanted)?),
            None => (self.string(keep)?, keep),
        };
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.error("expecting ':' delimiter"));
        }
        self.at += 1;
        Ok((key, kept))
    }

    /// Whether the string here (at its opening quote) is `wanted`.
    fn string_is(&mut self, wanted: &str) -> Result<bool, ParseError> {
        match self.plain_string_len() {
            Some(len) => {
                let raw = &self.text[self.at + 1..self.at + 1 + len];
                self.at += len + 2;
                Ok(raw == wanted.as_bytes())
            }
            None => Ok(self
                .string(true)?
                .is_some_and(|s| s.as_str() == Some(wanted))),
        }
    }

    /// The length of the string here (at its opening quote) when it ends
    /// before any escape or control character: its text is then the bytes
    /// as they stand (valid UTF-8, checked by [`Parser::new`]). `None`:
    /// it must be decoded (or is refused) character by character.
    fn plain_string_len(&self) -> Option<usize> {
        let rest = &self.text[self.at + 1..];
        let end = rest
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
        (rest[end] == b'"').then_some(end)
    }

    /// Python's NUMBER_RE, `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`,
    /// or `-Infinity`; its text.
    fn number(&mut self) -> Result<&'a str, ParseError> {
        let start = self.at;
        let text = self.text;
        if text[self.at..].starts_with(b"-Infinity") {
            self.at += "-Infinity".len();
            return Ok("-Infinity");
        }
        let digits = |at: &mut usize| {
            let from = *at;
            while text.get(*at).is_some_and(u8::is_ascii_digit) {
                *at += 1;
            }
            *at - from
        };
        let mut at = self.at;
        if text[at] == b'-' {
            at += 1;
        }
        match text.get(at) {
            Some(b'0') => at += 1,
            Some(b'1'..=b'9') => {
                digits(&mut at);
            }
            _ => return Err(self.expect_value()),
        }
        if text.get(at) == Some(&b'.') {
            let mut frac = at + 1;
            if digits(&mut frac) > 0 {
                at = frac;
            }
        }
        if matches!(text.get(at), Some(b'e' | b'E')) {
            let mut exp = at + 1;
            if matches!(text.get(exp), Some(b'+' | b'-')) {
                exp += 1;
            }
            if digits(&mut exp) > 0 {
                at = exp;
            }
        }
        self.at = at;
        Ok(std::str::from_utf8(&text[start..at]).expect("ASCII"))
    }

    /// A string (at its opening quote), decoded when `keep`, in a buffer
    /// sized to its raw length (escapes only shrink it: no regrowth).
    fn string(&mut self, keep: bool) -> Result<Option<PyStr>, ParseError> {
        // Most strings hold no escape: their bytes are their text.
        if let Some(len) = self.plain_string_len() {
            let raw = &self.text[self.at + 1..self.at + 1 + len];
            self.at += len + 2;
            return Ok(keep
                .then(|| PyStr::Text(std::str::from_utf8(raw).expect("valid UTF-8").to_owned())));
        }
        self.at += 1;
        let raw_len = self.raw_string_len();
        let mut units: Vec<u16> = Vec::with_capacity(if keep { raw_len } else { 0 });
        let mut lone = false;
        loop {
            let Some(b) = self.peek() else {
                return Err(self.error("unterminated string"));
            };
            match b {
                b'"' => {
                    self.at += 1;
                    break;
                }
                b'\\' => {
                    let unit = self.escape()?;
                    if (0xD800..0xDC00).contains(&unit) {
                        // A high surrogate: one character with the low one
                        // escaped right after it, else alone.
                        let low = self.low_surrogate_after();
                        match low {
                            Some(l) => {
                                if keep {
                                    units.push(unit);
                                    units.push(l);
                                }
                            }
                            None => {
                                lone = true;
                                if keep {
                                    units.push(unit);
                                }
                            }
                        }
                    } else {
                        lone |= (0xDC00..0xE000).contains(&unit);
                        if keep {
                            units.push(unit);
                        }
                    }
                }
                0..=0x1f => return Err(self.error("invalid control character in a string")),
                _ => {
                    // One UTF-8 character (the text is valid UTF-8).
                    let len = match b {
                        0..=0x7f => 1,
                        0xc0..=0xdf => 2,
                        0xe0..=0xef => 3,
                        _ => 4,
                    };
                    if keep {
                        let s = std::str::from_utf8(&self.text[self.at..self.at + len])
                            .expect("valid UTF-8");
                        let c = s.chars().next().expect("one character");
                        let mut buf = [0u16; 2];
                        units.extend_from_slice(c.encode_utf16(&mut buf));
                    }
                    self.at += len;
                }
            }
        }
        if !keep {
            return Ok(None);
        }
        if lone {
            return Ok(Some(PyStr::Units(units)));
        }
        let mut text = String::with_capacity(units.len() * 3);
        text.extend(char::decode_utf16(units.iter().copied()).map(|c| c.expect("paired")));
        units.zeroize();
        Ok(Some(PyStr::Text(text)))
    }

    /// The bytes from here to the closing quote of a string (or the end).
    fn raw_string_len(&self) -> usize {
        let rest = &self.text[self.at..];
        let mut i = 0;
        while i < rest.len() {
            match rest[i] {
                b'"' => return i,
                b'\\' => i += 2,
                _ => i += 1,
            }
        }
        rest.len()
    }

    /// The escape at `\`: the UTF-16 unit it stands for.
    fn escape(&mut self) -> Result<u16, ParseError> {
        let unit = match self.text.get(self.at + 1) {
            Some(b'"') => u16::from(b'"'),
            Some(b'\\') => u16::from(b'\\'),
            Some(b'/') => u16::from(b'/'),
            Some(b'b') => 0x08,
            Some(b'f') => 0x0c,
            Some(b'n') => u16::from(b'\n'),
            Some(b'r') => u16::from(b'\r'),
            Some(b't') => u16::from(b'\t'),
            Some(b'u') => {
                let unit = self.hex4(self.at + 2)?;
                self.at += 6;
                return Ok(unit);
            }
            None => return Err(self.error("unterminated string")),
            Some(_) => return Err(self.error("invalid \\escape")),
        };
        self.at += 2;
        Ok(unit)
    }

    fn hex4(&mut self, at: usize) -> Result<u16, ParseError> {
        let digits = self
            .text
            .get(at..at + 4)
            .filter(|d| d.iter().all(u8::is_ascii_hexdigit));
        let Some(digits) = digits else {
            return Err(self.error("invalid \\uXXXX escape"));
        };
        let text = std::str::from_utf8(digits).expect("hex digits");
        Ok(u16::from_str_radix(text, 16).expect("four hex digits"))
    }

    /// The low surrogate escaped right here (`\uDC00`..`\uDFFF`), consumed;
    /// `None` (nothing consumed) for anything else.
    fn low_surrogate_after(&mut self) -> Option<u16> {
        if !self.text[self.at..].starts_with(b"\\u") {
            return None;
        }
        let digits = self.text.get(self.at + 2..self.at + 6)?;
        if !digits.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        let unit = u16::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()?;
        if (0xDC00..0xE000).contains(&unit) {
            self.at += 6;
            Some(unit)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(text: &str) -> PyObject {
        match parse(text.as_bytes()).unwrap() {
            PyValue::Object(m) => m,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn pythons_extensions_are_read() {
        let m = obj(r#"{"token": "t1", "other": "\ud800", "n": NaN, "i": [Infinity, -Infinity]}"#);
        assert_eq!(
            m.get(&PyStr::from("token")),
            Some(&PyValue::Str("t1".into()))
        );
        assert_eq!(
            m.get(&PyStr::from("other")),
            Some(&PyValue::Str(PyStr::Units(vec![0xD800])))
        );
        assert_eq!(
            m.get(&PyStr::from("n")),
            Some(&PyValue::Number("NaN".into()))
        );
        let pair = obj(r#"{"e": "\ud83d\ude00", "r": "\udc00\ud800"}"#);
        assert_eq!(
            pair.get(&PyStr::from("e")),
            Some(&PyValue::Str("😀".into()))
        );
        assert!(matches!(
            pair.get(&PyStr::from("r")),
            Some(PyValue::Str(PyStr::Units(_)))
        ));
    }

    #[test]
    fn a_repeated_key_keeps_its_place_and_its_last_value() {
        let m = obj(r#"{"a": 1, "b": 2, "a": 3}"#);
        let keys: Vec<_> = m.keys().map(|k| k.as_str().unwrap().to_owned()).collect();
        assert_eq!(keys, ["a", "b"]);
        assert_eq!(m[&PyStr::from("a")], PyValue::Number("3".into()));
        assert_eq!(
            value_of(br#"{"t": "x", "t": "y"}"#, "t").unwrap(),
            Ok(Some(PyValue::Str("y".into())))
        );
    }

    #[test]
    fn a_lookup_reads_escaped_and_plain_text_alike() {
        // The key and the value, plain or escaped, mean the same text.
        for text in [
            r#"{"token": "abc\u00e9", "x": "y"}"#,
            r#"{"\u0074oken": "abc\u00e9"}"#,
            r#"{"x": {"token": 1}, "tok\u0065n": "abcé"}"#,
            "{\"token\": \"abcé\"}",
        ] {
            assert_eq!(
                value_of(text.as_bytes(), "token").unwrap(),
                Ok(Some(PyValue::Str("abcé".into()))),
                "{text}"
            );
        }
        // A wanted key spelled with a different character is another key.
        assert_eq!(
            value_of(br#"{"toke\u006d": "a"}"#, "token").unwrap(),
            Ok(None)
        );
        // Refusals inside keys and values not kept are still refusals.
        for bad in [
            "{\"a\u{1}\": 1}",
            "{\"a\": \"b\u{1}\"}",
            r#"{"a": "\q"}"#,
            r#"{"token": "x\u12"}"#,
            "{\"token\": \"x",
        ] {
            assert!(value_of(bad.as_bytes(), "token").is_err(), "{bad:?}");
        }
    }

    #[test]
    fn what_python_refuses_is_refused() {
        for bad in [
            "\u{feff}{}",
            "-NaN",
            "nan",
            "+1",
            "[1,]",
            "01",
            "1.",
            ".5",
            "{\"a\" 1}",
            "{'a': 1}",
            "\"a\u{1}\"",
            "\"\\x\"",
            "\"\\u12\"",
            "[",
            "{}{}",
            "{} x",
            "",
        ] {
            assert!(parse(bad.as_bytes()).is_err(), "{bad:?}");
        }
        assert!(parse(b"\"\xff\"").is_err());
        for good in ["-0", "1E400", "[1e5, -0.0]", " \n{}\t", "\"\\u00e9\\/\""] {
            assert!(parse(good.as_bytes()).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn nesting_is_bounded_without_recursing_that_deep() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(ok.as_bytes()).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(parse(deep.as_bytes()).is_err());
        let huge = format!("{{\"a\": {}", "[".repeat(2_000_000));
        let e = parse(huge.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("nested too deep"), "{e}");
        assert!(value_of(huge.as_bytes(), "token").is_err());
    }

    #[test]
    fn not_an_object_is_told_apart() {
        assert_eq!(value_of(b"[1]", "t").unwrap(), Err(()));
        assert_eq!(value_of(b"\"t\"", "t").unwrap(), Err(()));
        assert!(value_of(b"{not json", "t").is_err());
        assert_eq!(value_of(br#"{"a": {"t": 1}}"#, "t").unwrap(), Ok(None));
        assert_eq!(value_of(b" {} ", "t").unwrap(), Ok(None));
        assert_eq!(
            value_of(br#"{"t": [1, {"t": 2}], "u": 3}"#, "t").unwrap(),
            Ok(Some(PyValue::Array(vec![
                PyValue::Number("1".into()),
                PyValue::Object(
                    [("t".into(), PyValue::Number("2".into()))]
                        .into_iter()
                        .collect()
                ),
            ])))
        );
    }

    #[test]
    fn errors_say_where_in_characters() {
        let e = parse("{\n  \"é\": x}".as_bytes()).unwrap_err();
        assert_eq!((e.line, e.column), (2, 8), "{e}");
    }
}
