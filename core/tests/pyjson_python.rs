//! Property test: the one reader of secret files (`secrets::pyload`) accepts
//! exactly what Python's `json.loads` accepts, and `secrets::pyjson::dump`
//! of what it read is exactly the bytes Python's `json.dump(json.loads(text),
//! f)` writes, for random JSON texts (with Python's `NaN`, `Infinity`, lone
//! surrogate escapes and repeated keys among them) and for texts at the
//! edges (nesting, a BOM, what RFC 8259 and Python refuse).
//!
//! A deterministic PRNG generates JSON texts (one per line, no raw newline);
//! one `python3` process loads and dumps every line, and each output line is
//! compared byte for byte with `dump(&pyload::parse(text))`, or, when Python
//! refuses the text, the reader must refuse it too. The test fails (does not
//! skip) when `python3` is missing.
// Unix only: the comparison runs the host's python3, which a Windows test
// binary under Wine cannot start by name.
#![cfg(unix)]

use std::io::Write;
use std::process::{Command, Stdio};

use fwclient_core::secrets::pyjson::dump;
use fwclient_core::secrets::pyload::{self, MAX_DEPTH};

const SEED: u64 = 0x5eed_cafe_f00d_d00d;
/// Random objects of every kind.
const OBJECTS: u64 = 300;
/// Extra lines that are each an object holding an array of many floats.
const FLOAT_LINES: u64 = 60;
const FLOATS_PER_LINE: usize = 60;

/// Reads JSON texts, one per line, as bytes (so no character but `\n` splits
/// lines), and writes `json.dump` of each, one per line. `json.dump` with
/// `ensure_ascii` never writes a raw newline.
const PY_SCRIPT: &str = r#"
import json, sys
out = sys.stdout
for raw in sys.stdin.buffer:
    text = raw.decode("utf-8").rstrip("\n")
    try:
        json.dump(json.loads(text), out)
    except Exception as e:
        out.write("PYTHON ERROR: %r" % (e,))
    out.write("\n")
out.flush()
"#;

/// xorshift64*.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        // splitmix64 of the seed, so nearby seeds give unrelated streams and
        // the state is never 0.
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        Rng(if z == 0 { 1 } else { z })
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `0..n` (n > 0; the tiny modulo bias does not matter here).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn usize_below(&mut self, n: usize) -> usize {
        usize::try_from(self.below(n as u64)).expect("fits")
    }

    /// True with probability `num / den`.
    fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.usize_below(items.len())]
    }
}

/// Generates JSON text.
struct Gen {
    rng: Rng,
}

impl Gen {
    /// Optional whitespace between tokens (never a newline: one text per line).
    fn ws(&mut self, out: &mut String) {
        if self.rng.chance(1, 8) {
            out.push_str(self.rng.pick(&[" ", "  ", "\t", " \t "]));
        }
    }

    fn random_char(&mut self) -> char {
        match self.rng.below(12) {
            0..=3 => char::from(b' ' + u8::try_from(self.rng.below(95)).expect("fits")),
            4 => self.rng.pick(&['"', '\\', '/', '\'']),
            5 => char::from(u8::try_from(self.rng.below(0x20)).expect("fits")),
            6 => self
                .rng
                .pick(&['\n', '\r', '\t', '\u{8}', '\u{c}', '\u{7f}', '\0']),
            7 => char::from_u32(0x80 + u32::try_from(self.rng.below(0x780)).expect("fits"))
                .expect("Latin/Greek/Cyrillic range is valid"),
            8 => self.rng.pick(&[
                'é', 'ß', '日', '本', '语', 'ü', '€', '\u{2028}', '\u{2029}', '\u{feff}',
                '\u{fffd}', '\u{ffff}', '\u{d7ff}', '\u{e000}', '\u{0800}',
            ]),
            9 => {
                // Any BMP scalar value (skipping the surrogate block).
                let mut v = u32::try_from(self.rng.below(0x1_0000 - 0x800)).expect("fits");
                if v >= 0xd800 {
                    v += 0x800;
                }
                char::from_u32(v).expect("not a surrogate")
            }
            10 => self
                .rng
                .pick(&['😀', '🎉', '👍', '🦀', '𝄞', '\u{10000}', '\u{10ffff}']),
            _ => {
                let v = 0x1_0000 + u32::try_from(self.rng.below(0x10_0000)).expect("fits");
                char::from_u32(v).expect("astral scalar value")
            }
        }
    }

    /// A JSON string literal holding random characters, each written raw or
    /// escaped at random (control characters always escaped).
    fn string(&mut self, out: &mut String, max_len: u64) {
        out.push('"');
        let len = self.rng.below(max_len + 1);
        for _ in 0..len {
            if self.rng.chance(1, 40) {
                // What only an escape can hold: a lone surrogate, a pair in
                // the wrong order, a high one before a plain character.
                out.push_str(self.rng.pick(&[
                    "\\ud800",
                    "\\uDBFF",
                    "\\udc00",
                    "\\uDFFF",
                    "\\udc00\\ud800",
                    "\\ud83dx",
                    "\\ud83d\\u0041",
                    "\\ud83d\\ud83d\\ude00",
                ]));
                continue;
            }
            let c = self.random_char();
            self.string_char(out, c);
        }
        out.push('"');
    }

    fn string_char(&mut self, out: &mut String, c: char) {
        let short = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            '\u{8}' => Some("\\b"),
            '\u{c}' => Some("\\f"),
            '/' => Some("\\/"),
            _ => None,
        };
        let must_escape = c < ' ' || c == '"' || c == '\\';
        if !must_escape && self.rng.chance(2, 3) {
            out.push(c);
            return;
        }
        if let Some(s) = short
            && self.rng.chance(3, 4)
        {
            out.push_str(s);
            return;
        }
        // \uXXXX, astral characters as a surrogate pair, hex case at random.
        let upper = self.rng.chance(1, 2);
        let mut units = [0u16; 2];
        for unit in c.encode_utf16(&mut units) {
            if upper {
                out.push_str(&format!("\\u{unit:04X}"));
            } else {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }

    fn digits(&mut self, out: &mut String, n: u64, leading_nonzero: bool) {
        for i in 0..n {
            let d = if i == 0 && leading_nonzero {
                1 + self.rng.below(9)
            } else {
                self.rng.below(10)
            };
            out.push(char::from(b'0' + u8::try_from(d).expect("digit")));
        }
    }

    fn int(&mut self, out: &mut String) {
        match self.rng.below(8) {
            0 => out.push_str(self.rng.pick(&[
                "0",
                "-0",
                "1",
                "-1",
                "9223372036854775807",
                "9223372036854775808",
                "-9223372036854775808",
                "-9223372036854775809",
                "18446744073709551615",
                "18446744073709551616",
                "-18446744073709551616",
            ])),
            1 | 2 => out.push_str(&(self.rng.below(2000) as i64 - 1000).to_string()),
            3 => out.push_str(&(self.rng.next() as i64).to_string()),
            4 => out.push_str(&self.rng.next().to_string()),
            _ => {
                // Huge: up to 300 digits (Python refuses more than 4300).
                if self.rng.chance(1, 2) {
                    out.push('-');
                }
                let n = 1 + self.rng.below(300);
                self.digits(out, n, true);
            }
        }
    }

    /// Float text: always with a `.`, `e` or `E`, so Python reads a float.
    fn float(&mut self, out: &mut String) {
        let start = out.len();
        match self.rng.below(10) {
            0 => out.push_str(self.rng.pick(&[
                "0.0",
                "-0.0",
                "0e0",
                "-0E-0",
                "1.0",
                "0.1",
                "0.0001",
                "0.00001",
                "1e15",
                "1e16",
                "9999999999999999.0",
                "1e400",
                "-1e400",
                "1e-400",
                "-1e-400",
                "5e-324",
                "2.4703282292062327e-324",
                "2.4703282292062328e-324",
                "1.7976931348623157e308",
                "1.7976931348623158e308",
                "1.7976931348623159e308",
                "2.2250738585072011e-308",
                "1e99999",
                "-1e-99999",
            ])),
            1..=3 => {
                // A random finite double written in its shortest, a longer
                // rounded, or Rust's Debug form.
                let f = loop {
                    let f = f64::from_bits(self.rng.next());
                    if f.is_finite() {
                        break f;
                    }
                };
                match self.rng.below(3) {
                    0 => out.push_str(&format!("{f:e}")),
                    1 => {
                        let p = self.rng.usize_below(20);
                        out.push_str(&format!("{f:.p$e}"));
                    }
                    _ => out.push_str(&format!("{f:?}")),
                }
            }
            4 => {
                // A double with few fractional bits, written exactly: often
                // exactly halfway between two shortest candidates, where
                // Python rounds to the even digit.
                let m = (1u64 << 52) | (self.rng.next() >> 12);
                let k = i32::try_from(self.rng.below(12)).expect("fits") - 2;
                let f = m as f64 * 2f64.powi(-k);
                let f = if self.rng.chance(1, 2) { -f } else { f };
                out.push_str(&format!("{f:.40e}"));
            }
            5 => {
                // A double of moderate magnitude, near the fixed/scientific
                // boundaries.
                let mantissa = (self.rng.next() >> 11) as f64 / (1u64 << 53) as f64;
                let exp = self.rng.below(50) as i32 - 25;
                let f = mantissa * 10f64.powi(exp);
                let f = if self.rng.chance(1, 2) { -f } else { f };
                out.push_str(&format!("{f:?}"));
            }
            _ => {
                // Random digit text: int part, fraction, exponent.
                if self.rng.chance(1, 3) {
                    out.push('-');
                }
                if self.rng.chance(1, 3) {
                    out.push('0');
                } else {
                    let n = 1 + self.rng.below(20);
                    self.digits(out, n, true);
                }
                let frac = self.rng.chance(2, 3);
                if frac {
                    out.push('.');
                    let n = 1 + self.rng.below(25);
                    self.digits(out, n, false);
                }
                if !frac || self.rng.chance(1, 2) {
                    out.push(self.rng.pick(&['e', 'E']));
                    out.push_str(self.rng.pick(&["", "+", "-"]));
                    let e = match self.rng.below(4) {
                        0 => self.rng.below(5),
                        1 => self.rng.below(30),
                        2 => self.rng.below(330),
                        _ => self.rng.below(400),
                    };
                    if self.rng.chance(1, 10) {
                        out.push('0');
                    }
                    out.push_str(&e.to_string());
                }
            }
        }
        if !out[start..].contains(['.', 'e', 'E']) {
            out.push_str(".0");
        }
    }

    fn value(&mut self, out: &mut String, depth: u32) {
        let kinds = if depth < 3 { 10 } else { 8 };
        if self.rng.chance(1, 25) {
            out.push_str(self.rng.pick(&["NaN", "Infinity", "-Infinity"]));
            return;
        }
        match self.rng.below(kinds) {
            0 | 1 => self.string(out, 12),
            2 | 3 => self.int(out),
            4 | 5 => self.float(out),
            6 => out.push_str(self.rng.pick(&["true", "false"])),
            7 => out.push_str("null"),
            8 => self.object(out, depth + 1),
            _ => self.array(out, depth + 1),
        }
    }

    fn array(&mut self, out: &mut String, depth: u32) {
        out.push('[');
        self.ws(out);
        let n = self.rng.below(6);
        for i in 0..n {
            if i > 0 {
                out.push(',');
                self.ws(out);
            }
            self.value(out, depth);
            self.ws(out);
        }
        out.push(']');
    }

    fn object(&mut self, out: &mut String, depth: u32) {
        out.push('{');
        self.ws(out);
        let n = self.rng.below(7);
        for i in 0..n {
            if i > 0 {
                out.push(',');
                self.ws(out);
            }
            // Short keys collide now and then: both sides keep a duplicate key
            // in its first place with its last value.
            let max_len = if self.rng.chance(1, 4) { 1 } else { 10 };
            self.string(out, max_len);
            self.ws(out);
            out.push(':');
            self.ws(out);
            self.value(out, depth);
            self.ws(out);
        }
        out.push('}');
    }

    /// A top-level object.
    fn top_object(&mut self) -> String {
        let mut out = String::new();
        self.ws(&mut out);
        self.object(&mut out, 0);
        self.ws(&mut out);
        out
    }

    /// `{"floats": [...]}` with many floats.
    fn float_line(&mut self) -> String {
        let mut out = String::from("{\"floats\": [");
        for i in 0..FLOATS_PER_LINE {
            if i > 0 {
                out.push_str(", ");
            }
            self.float(&mut out);
        }
        out.push_str("]}");
        out
    }
}

/// Texts at the edges: nesting around the reader's bound and far beyond
/// it (Python's recursion limit), and what Python refuses.
fn edge_inputs() -> Vec<String> {
    let nested =
        |open: &str, close: &str, n: usize| format!("{}{}", open.repeat(n), close.repeat(n));
    let mut texts = vec![
        nested("[", "]", MAX_DEPTH),
        format!("{{\"t\": {}}}", nested("[", "]", MAX_DEPTH - 1)),
        nested("{\"a\": ", "}", 100).replace("{\"a\": }", "{\"a\": 1}"),
        nested("[", "]", 2000),
        nested("[", "]", 2_000_000),
        format!("{{\"a\": {}", "[".repeat(2_000_000)),
        r#"{"token": "t1", "other": "\ud800", "n": NaN}"#.into(),
        r#"{"a": 1, "b": 2, "a": 3, "b": NaN}"#.into(),
        "\u{feff}{}".into(),
    ];
    for bad in [
        "-NaN",
        "nan",
        "infinity",
        "+1",
        "[1,]",
        "{\"a\": 1,}",
        "01",
        "1.",
        ".5",
        "1e",
        "[1 2]",
        "{'a': 1}",
        "\"\\x\"",
        "\"\\u12\"",
        "\"\\uzzzz\"",
        "{} x",
        "",
        "  ",
        "[-]",
        "\"a\u{1}b\"",
        "\"\u{7f}\"",
        "[true, True]",
        "nulll",
        "{\"a\"}",
        "{1: 2}",
    ] {
        texts.push(bad.to_owned());
    }
    texts
}

fn inputs() -> Vec<String> {
    let mut texts = edge_inputs();
    for i in 0..OBJECTS {
        let mut g = Gen {
            rng: Rng::new(SEED.wrapping_add(i)),
        };
        texts.push(g.top_object());
    }
    for i in 0..FLOAT_LINES {
        let mut g = Gen {
            rng: Rng::new(SEED.wrapping_add(OBJECTS + i)),
        };
        texts.push(g.float_line());
    }
    texts
}

/// Runs one python3 process over all texts; returns its output lines.
fn python_dumps(texts: &[String]) -> Vec<String> {
    let mut child = match Command::new("python3")
        .arg("-c")
        .arg(PY_SCRIPT)
        .env("PYTHONIOENCODING", "utf-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => panic!(
            "this test needs `python3` on PATH to compare against Python's json.dump, \
             but it could not be started: {e}"
        ),
    };
    let mut input = String::new();
    for t in texts {
        assert!(!t.contains('\n'), "generated text has a raw newline: {t:?}");
        input.push_str(t);
        input.push('\n');
    }
    let mut stdin = child.stdin.take().expect("piped stdin");
    // Write from another thread so a full stdout pipe cannot deadlock us.
    let writer = std::thread::spawn(move || {
        stdin.write_all(input.as_bytes()).expect("write to python3");
    });
    let output = child.wait_with_output().expect("wait for python3");
    writer.join().expect("writer thread");
    assert!(
        output.status.success(),
        "python3 failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).expect("python3 writes ASCII");
    let lines: Vec<String> = stdout.lines().map(str::to_owned).collect();
    assert_eq!(
        lines.len(),
        texts.len(),
        "python3 wrote {} lines for {} inputs",
        lines.len(),
        texts.len()
    );
    lines
}

#[test]
fn dump_matches_python_json_dump() {
    let texts = inputs();
    let expected = python_dumps(&texts);
    let mut failures = 0;
    for (i, (text, want)) in texts.iter().zip(&expected).enumerate() {
        let cut = (0..=text.len().min(200))
            .rev()
            .find(|&c| text.is_char_boundary(c));
        let shown = &text[..cut.unwrap_or(0)];
        let got = match pyload::parse(text.as_bytes()) {
            Ok(value) => dump(&value),
            Err(e) => format!("PYTHON ERROR (the reader's: {e})"),
        };
        let python_refused = want.starts_with("PYTHON ERROR");
        if python_refused != got.starts_with("PYTHON ERROR") {
            failures += 1;
            eprintln!(
                "accepted by one reader only, input {i}:\n  input:  {shown}\n  python: {want}\n  rust:   {got}"
            );
        } else if !python_refused && &got != want {
            failures += 1;
            eprintln!(
                "mismatch on input {i}:\n  input:  {shown}\n  python: {want}\n  rust:   {got}"
            );
        }
    }
    assert_eq!(
        failures,
        0,
        "{failures} of {} inputs differ from Python",
        texts.len()
    );
}

/// The generator is deterministic: the same seed gives the same texts.
#[test]
fn generator_is_deterministic() {
    assert_eq!(inputs(), inputs());
}
