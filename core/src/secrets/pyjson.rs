//! JSON text laid out byte for byte as Python's `json.dump(obj, f)` writes it
//! with default arguments, so that the secret files this library writes are
//! identical to the ones the Python clients (caveclient, cloud-volume) write.
//!
//! Python's defaults: everything on one line, `", "` between items and `": "`
//! after keys, `ensure_ascii=True` (every character outside `' '..='~'` is
//! escaped, non-ASCII as `\uXXXX` with lowercase hex, astral characters as a
//! UTF-16 surrogate pair), keys in insertion order, `allow_nan=True`, and no
//! trailing newline.
//!
//! Values are what [`super::pyload`] read (the one reader). Numbers are
//! written from their text, converted the way Python's `json.load`
//! followed by `json.dump` would: integer text becomes an arbitrary-precision
//! `int` written in canonical decimal, any text with `.`, `e` or `E` becomes a
//! `float` written as `float.__repr__`, and `NaN`, `Infinity`, `-Infinity`
//! stay as they are. A string holding a lone surrogate is written with it
//! escaped, as Python writes it.
//!
//! The output is built in a buffer sized to it first (no regrowth), since
//! it holds tokens: callers keep it in zeroing storage.

use super::pyload::{PyObject, PyStr, PyValue};

/// The bytes Python's `json.dump(value, f)` writes (default arguments): one line,
/// separators ", " and ": ", ensure_ascii escapes, insertion order, no trailing newline.
pub fn dump(value: &PyValue) -> String {
    let mut size = Sized(0);
    write_value(&mut size, value);
    let mut out = String::with_capacity(size.0);
    write_value(&mut out, value);
    out
}

/// Same for an object.
pub fn dump_object(map: &PyObject) -> String {
    let mut size = Sized(0);
    write_object(&mut size, map);
    let mut out = String::with_capacity(size.0);
    write_object(&mut out, map);
    out
}

/// Where the text goes: a string, or a count of its bytes.
trait Out {
    fn push(&mut self, c: char);
    fn push_str(&mut self, s: &str);
}

impl Out for String {
    fn push(&mut self, c: char) {
        String::push(self, c);
    }
    fn push_str(&mut self, s: &str) {
        String::push_str(self, s);
    }
}

/// Counts the bytes that would be written.
struct Sized(usize);

impl Out for Sized {
    fn push(&mut self, c: char) {
        self.0 += c.len_utf8();
    }
    fn push_str(&mut self, s: &str) {
        self.0 += s.len();
    }
}

fn write_value(out: &mut impl Out, value: &PyValue) {
    match value {
        PyValue::Null => out.push_str("null"),
        PyValue::Bool(true) => out.push_str("true"),
        PyValue::Bool(false) => out.push_str("false"),
        PyValue::Number(n) => write_number(out, n),
        PyValue::Str(s) => write_py_string(out, s),
        PyValue::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(out, item);
            }
            out.push(']');
        }
        PyValue::Object(map) => write_object(out, map),
    }
}

fn write_object(out: &mut impl Out, map: &PyObject) {
    out.push('{');
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_py_string(out, key);
        out.push_str(": ");
        write_value(out, value);
    }
    out.push('}');
}

fn write_py_string(out: &mut impl Out, s: &PyStr) {
    match s {
        PyStr::Text(t) => write_units(out, t.encode_utf16()),
        PyStr::Units(u) => write_units(out, u.iter().copied()),
    }
}

/// Python's `py_encode_basestring_ascii` over UTF-16 units (a character
/// outside the BMP is its surrogate pair, a lone surrogate itself): `"` and
/// `\` backslashed, the five short escapes, everything else outside
/// `' '..='~'` as `\uXXXX` (lowercase).
fn write_units(out: &mut impl Out, units: impl Iterator<Item = u16>) {
    out.push('"');
    for unit in units {
        match unit {
            0x22 => out.push_str("\\\""),
            0x5c => out.push_str("\\\\"),
            0x0a => out.push_str("\\n"),
            0x0d => out.push_str("\\r"),
            0x09 => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            0x20..=0x7e => out.push(char::from(unit as u8)),
            _ => push_u_escape(out, unit),
        }
    }
    out.push('"');
}

fn push_u_escape(out: &mut impl Out, unit: u16) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push_str("\\u");
    for shift in [12, 8, 4, 0] {
        out.push(char::from(HEX[usize::from((unit >> shift) & 0xf)]));
    }
}

fn write_number(out: &mut impl Out, text: &str) {
    if matches!(text, "NaN" | "Infinity" | "-Infinity") || text.contains(['.', 'e', 'E']) {
        write_float(out, text);
    } else {
        write_int(out, text);
    }
}

/// Python's `int(text)` then `int.__repr__`: canonical decimal, `-0` is `0`.
fn write_int(out: &mut impl Out, text: &str) {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        out.push('0');
        return;
    }
    if negative {
        out.push('-');
    }
    out.push_str(digits);
}

/// Python's `float(text)` then `float.__repr__` (as `json.dump` writes it,
/// with `Infinity` / `-Infinity` for overflow).
fn write_float(out: &mut impl Out, text: &str) {
    // Rust's parse, like Python's float(), rounds correctly; out-of-range text
    // becomes an infinity. Text the reader accepted as a number always parses.
    let f: f64 = text.parse().unwrap_or(f64::NAN);
    write_f64(out, f);
}

fn write_f64(out: &mut impl Out, f: f64) {
    if f.is_nan() {
        out.push_str("NaN");
        return;
    }
    if f.is_infinite() {
        out.push_str(if f > 0.0 { "Infinity" } else { "-Infinity" });
        return;
    }
    let negative = f.is_sign_negative();
    let (digits, exp) = shortest_digits(f.abs());
    let n = i32::try_from(digits.len()).expect("a float has few digits");

    if negative {
        out.push('-');
    }
    // float_repr_style 'short' (Python/pystrtod.c): fixed notation when the
    // decimal exponent is in [-4, 16), scientific otherwise.
    if (-4..16).contains(&exp) {
        if exp < 0 {
            out.push_str("0.");
            for _ in 0..(-exp - 1) {
                out.push('0');
            }
            out.push_str(&digits);
        } else if n <= exp + 1 {
            out.push_str(&digits);
            for _ in 0..(exp + 1 - n) {
                out.push('0');
            }
            out.push_str(".0");
        } else {
            let point = usize::try_from(exp + 1).expect("exp is non-negative");
            out.push_str(&digits[..point]);
            out.push('.');
            out.push_str(&digits[point..]);
        }
    } else {
        out.push_str(&digits[..1]);
        if n > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let abs = exp.unsigned_abs();
        if abs < 10 {
            out.push('0');
        }
        out.push_str(&abs.to_string());
    }
}

/// Splits Rust's `{:e}` text of a non-negative float ("1.2345e-7") into its
/// significant digits ("12345") and decimal exponent (-7).
fn split_sci(sci: &str) -> (String, i32) {
    let (mantissa, exp) = sci.split_once('e').expect("LowerExp writes an 'e'");
    let exp = exp.parse().expect("LowerExp writes a decimal exponent");
    (mantissa.chars().filter(|&c| c != '.').collect(), exp)
}

/// The shortest digits that round-trip to `abs` (finite, not negative) and
/// their decimal exponent, as Python's `repr` (David Gay's dtoa, mode 0)
/// chooses them: `{:e}` gives the shortest digits closest to the exact value,
/// but when the exact value lies exactly halfway between two shortest
/// candidates Rust rounds up while dtoa rounds to the even last digit
/// (270104803244505.625 is "270104803244505.62" in Python), provided the even
/// candidate still round-trips (2**-24 stays "5.960464477539063e-08").
fn shortest_digits(abs: f64) -> (String, i32) {
    let (digits, exp) = split_sci(&format!("{abs:e}"));
    if abs == 0.0 {
        return (digits, exp);
    }
    // The exact decimal value of a double has at most 767 significant digits.
    let (mut exact, exact_exp) = split_sci(&format!("{abs:.800e}"));
    exact.truncate(exact.trim_end_matches('0').len());
    if exact.len() != digits.len() + 1 || !exact.ends_with('5') {
        return (digits, exp);
    }
    // A tie: the candidates are the exact digits cut to `n` and that plus one.
    let lower = &exact[..digits.len()];
    let last = lower.as_bytes()[lower.len() - 1] - b'0';
    let (even, even_exp) = if last.is_multiple_of(2) {
        (lower.to_owned(), exact_exp)
    } else {
        increment(lower, exact_exp)
    };
    let even = even.trim_end_matches('0').to_owned();
    let round_trips = format!("0.{even}e{}", even_exp + 1)
        .parse::<f64>()
        .is_ok_and(|g| g == abs);
    if round_trips {
        (even, even_exp)
    } else {
        (digits, exp)
    }
}

/// Adds one unit in the last place to the digits `d.ddd × 10^exp`.
fn increment(digits: &str, exp: i32) -> (String, i32) {
    let mut bytes = digits.as_bytes().to_vec();
    for b in bytes.iter_mut().rev() {
        if *b == b'9' {
            *b = b'0';
        } else {
            *b += 1;
            return (String::from_utf8(bytes).expect("ASCII digits"), exp);
        }
    }
    // All nines: 99.9 + 0.1 = 100.0.
    ("1".to_owned(), exp + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `text` as `json.load` does and dumps it.
    fn py(text: &str) -> String {
        let value = super::super::pyload::parse(text.as_bytes()).expect("valid JSON");
        dump(&value)
    }

    // Every expected string below was produced by python3 (3.11) with
    // `json.dump(json.loads(text), sys.stdout)`.

    #[test]
    fn separators_and_empty_containers() {
        assert_eq!(
            py(r#"{"a":1,"b":[1,2,{"c":null}]}"#),
            r#"{"a": 1, "b": [1, 2, {"c": null}]}"#
        );
        assert_eq!(py("{}"), "{}");
        assert_eq!(py("[]"), "[]");
        assert_eq!(
            py(r#"{"a":{},"b":[],"c":[[]],"d":[{}]}"#),
            r#"{"a": {}, "b": [], "c": [[]], "d": [{}]}"#
        );
        assert_eq!(py("  [ 1 ,\n 2 ]  "), "[1, 2]");
    }

    #[test]
    fn literals() {
        assert_eq!(py("true"), "true");
        assert_eq!(py("false"), "false");
        assert_eq!(py("null"), "null");
        assert_eq!(py("[true,false,null]"), "[true, false, null]");
    }

    #[test]
    fn insertion_order_kept() {
        assert_eq!(py(r#"{"z":1,"a":2,"m":3}"#), r#"{"z": 1, "a": 2, "m": 3}"#);
        // A duplicate key keeps its first place and its last value, as in Python.
        assert_eq!(py(r#"{"a":1,"b":2,"a":3}"#), r#"{"a": 3, "b": 2}"#);
    }

    #[test]
    fn dump_object_matches_dump() {
        let mut map = PyObject::new();
        map.insert("token".into(), PyValue::Str("abc".into()));
        map.insert("n".into(), PyValue::Number("5".into()));
        assert_eq!(dump_object(&map), r#"{"token": "abc", "n": 5}"#);
        assert_eq!(dump_object(&map), dump(&PyValue::Object(map)));
        assert_eq!(dump_object(&PyObject::new()), "{}");
    }

    #[test]
    fn pythons_extensions_are_written_back_as_python_writes_them() {
        // python3: json.dump(json.loads(text)) for each.
        assert_eq!(
            py(r#"{"token": "t1", "other": "\ud800", "n": NaN}"#),
            r#"{"token": "t1", "other": "\ud800", "n": NaN}"#
        );
        assert_eq!(
            py("[Infinity, -Infinity, NaN]"),
            "[Infinity, -Infinity, NaN]"
        );
        assert_eq!(py(r#""\udc00\ud800x\uDBFF""#), r#""\udc00\ud800x\udbff""#);
        assert_eq!(py(r#""\ud83d\ude00""#), r#""\ud83d\ude00""#);
    }

    #[test]
    fn string_short_escapes() {
        assert_eq!(py(r#""a\"b\\c""#), r#""a\"b\\c""#);
        assert_eq!(py(r#""\n\r\t\b\f""#), r#""\n\r\t\b\f""#);
        // `/` is not escaped, even when the input escaped it.
        assert_eq!(py(r#""a/b\/c""#), r#""a/b/c""#);
    }

    #[test]
    fn string_control_chars_and_del() {
        assert_eq!(py(r#""\u0000\u0001\u001f""#), r#""\u0000\u0001\u001f""#);
        assert_eq!(py(r#""\u000b\u001b""#), r#""\u000b\u001b""#);
        assert_eq!(py("\"\u{7f}\""), r#""\u007f""#);
        assert_eq!(py(r#""~ !""#), r#""~ !""#);
    }

    #[test]
    fn string_non_ascii() {
        assert_eq!(py("\"é\""), r#""\u00e9""#);
        assert_eq!(py("\"\u{80}\u{ff}\""), r#""\u0080\u00ff""#);
        assert_eq!(py("\"日本\""), r#""\u65e5\u672c""#);
        assert_eq!(py("\"\u{feff}\u{ffff}\""), r#""\ufeff\uffff""#);
        assert_eq!(py("\"😀\""), r#""\ud83d\ude00""#);
        assert_eq!(py("\"\u{10ffff}\""), r#""\udbff\udfff""#);
        assert_eq!(py(r#""\ud83d\ude00""#), r#""\ud83d\ude00""#);
        assert_eq!(
            py("{\"ключ\":\"é\"}"),
            r#"{"\u043a\u043b\u044e\u0447": "\u00e9"}"#
        );
    }

    #[test]
    fn integers() {
        assert_eq!(py("0"), "0");
        assert_eq!(py("-0"), "0");
        assert_eq!(py("42"), "42");
        assert_eq!(py("-42"), "-42");
        assert_eq!(py("18446744073709551616"), "18446744073709551616");
        assert_eq!(py("-9223372036854775809"), "-9223372036854775809");
        assert_eq!(
            py("123456789012345678901234567890123456789012345678901234567890"),
            "123456789012345678901234567890123456789012345678901234567890"
        );
        assert_eq!(py("18446744073709551615"), "18446744073709551615");
        assert_eq!(py("-9223372036854775808"), "-9223372036854775808");
    }

    #[test]
    fn floats_fixed_notation() {
        assert_eq!(py("1.0"), "1.0");
        assert_eq!(py("1.50"), "1.5");
        assert_eq!(py("0.1"), "0.1");
        assert_eq!(py("0.0"), "0.0");
        assert_eq!(py("-0.0"), "-0.0");
        assert_eq!(py("-0e0"), "-0.0");
        assert_eq!(py("0.0001"), "0.0001");
        assert_eq!(py("0.00012345"), "0.00012345");
        assert_eq!(py("123.456"), "123.456");
        assert_eq!(py("1e0"), "1.0");
        assert_eq!(py("1E2"), "100.0");
        assert_eq!(py("1e15"), "1000000000000000.0");
        assert_eq!(py("9999999999999998.0"), "9999999999999998.0");
        assert_eq!(py("1234567890123456.7"), "1234567890123456.8");
        assert_eq!(py("0.30000000000000004"), "0.30000000000000004");
        assert_eq!(py("1.00000000000000000001"), "1.0");
    }

    #[test]
    fn floats_scientific_notation() {
        assert_eq!(py("0.00001"), "1e-05");
        assert_eq!(py("1e-5"), "1e-05");
        assert_eq!(py("0.000012345"), "1.2345e-05");
        assert_eq!(py("1.2345e-7"), "1.2345e-07");
        assert_eq!(py("1e16"), "1e+16");
        assert_eq!(py("10000000000000000.0"), "1e+16");
        assert_eq!(py("12345678901234567.0"), "1.2345678901234568e+16");
        assert_eq!(py("1.5e300"), "1.5e+300");
        assert_eq!(py("-1.5E+300"), "-1.5e+300");
        assert_eq!(py("1e100"), "1e+100");
        assert_eq!(py("1.7976931348623157e308"), "1.7976931348623157e+308");
        assert_eq!(py("5e-324"), "5e-324");
        assert_eq!(py("2.2250738585072014e-308"), "2.2250738585072014e-308");
        assert_eq!(py("-1e-7"), "-1e-07");
    }

    #[test]
    fn floats_halfway_ties_round_to_even() {
        // The double is exactly halfway between two shortest candidates.
        assert_eq!(py("270104803244505.625"), "270104803244505.62");
        assert_eq!(py("-869856796033171.25"), "-869856796033171.2");
        assert_eq!(py("869856796033171.75"), "869856796033171.8");
        assert_eq!(py("5e22"), "5e+22");
        // Halfway too, but the even candidate would not round-trip (2**-24).
        assert_eq!(py("5.9604644775390625e-8"), "5.960464477539063e-08");
        assert_eq!(py("0.5"), "0.5");
        assert_eq!(py("2.5e-5"), "2.5e-05");
    }

    #[test]
    fn floats_out_of_range() {
        assert_eq!(py("1e400"), "Infinity");
        assert_eq!(py("-1e400"), "-Infinity");
        assert_eq!(py("1e-400"), "0.0");
        assert_eq!(py("-1e-400"), "-0.0");
        assert_eq!(py("[1e999, -1.5e99999]"), "[Infinity, -Infinity]");
    }

    #[test]
    fn nested() {
        assert_eq!(
            py(r#"{"a":[1,{"b":[true,"x\n"]},[]],"c":{"d":{"e":-1.5e-10}}}"#),
            r#"{"a": [1, {"b": [true, "x\n"]}, []], "c": {"d": {"e": -1.5e-10}}}"#
        );
    }
}
