//! Finding a secret (a token) in text that a server chose: a `Location`, an
//! error body, a message. A copy counts in every form a URL or a server may
//! give it: literal, percent-encoded (any mix of escaped and plain bytes,
//! hex digits in either case, escapes nested: `%2541` and `%%34%31` are both
//! `%41`, which is `A`), and in another letter case. The redirect guard and
//! the redaction of errors use this one matcher.

/// How deep escapes may nest (an escape decoding to `%` that starts another).
const MAX_NESTING: usize = 3;

/// The most bytes of text one byte of a secret may take: an escape at depth
/// `d` is a `%` (itself a unit of depth `d`), two hex units of depth `d + 1`,
/// and, when it decodes to `%`, the escape that one starts (1, 3, 9, 27).
const MAX_UNIT_LEN: usize = 27;

/// What masks a secret in redacted text.
pub const MASK: &str = "<redacted>";

/// The most [`work`] a scan does per byte of text and byte of secret (plus
/// one of each): the matcher is linear in the text whatever it holds. The
/// unit tests and the `url_parts` fuzz target hold it to this bound.
pub const MAX_WORK_PER_BYTE: u64 = 32;

/// Whether `text` holds `secret` in any form. An empty secret is never found.
pub fn contains(text: &[u8], secret: &[u8]) -> bool {
    !Scan::run(text, secret, true).spans.is_empty()
}

/// `text` with every copy of `secret` (any form) replaced by [`MASK`], or
/// `None` when it holds none. Copies that overlap or touch are masked as one.
pub fn mask(text: &[u8], secret: &[u8]) -> Option<Vec<u8>> {
    let mut spans = Scan::run(text, secret, false).spans;
    if spans.is_empty() {
        return None;
    }
    spans.sort_unstable();
    let mut out = Vec::with_capacity(text.len());
    let mut done = 0;
    let mut spans = spans.into_iter().peekable();
    while let Some((start, mut end)) = spans.next() {
        while let Some(&(_, e)) = spans.peek().filter(|(s, _)| *s <= end) {
            end = end.max(e);
            spans.next();
        }
        out.extend_from_slice(&text[done..start]);
        out.extend_from_slice(MASK.as_bytes());
        done = end;
    }
    out.extend_from_slice(&text[done..]);
    Some(out)
}

/// [`mask`] on a string. A match spans ASCII bytes only (a secret and its
/// escapes are ASCII), so the result is still UTF-8.
pub fn mask_str(text: &str, secret: &str) -> Option<String> {
    mask(text.as_bytes(), secret.as_bytes()).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// The steps a full scan of `text` for `secret` takes (units decoded and
/// match states advanced): the measure of the matcher's cost that tests
/// and the fuzz target bound per byte, instead of timing it.
pub fn work(text: &[u8], secret: &[u8]) -> u64 {
    Scan::run(text, secret, false).steps
}

/// A unit of text: the byte it stands for and how many bytes it takes.
type Unit = (u8, u8);

/// One pass over a text: every span that is a copy of the secret.
struct Scan {
    /// `(start, end)` of copies; for each end, the earliest start (every
    /// copy ending there lies inside it).
    spans: Vec<(usize, usize)>,
    steps: u64,
}

impl Scan {
    /// Decodes every position once (right to left, each depth from the
    /// deepest: a unit's escapes only read units further right), then
    /// advances the match states left to right. Each position keeps only
    /// the units that can be used: at depth 0 those equal to a byte of the
    /// secret, deeper ones hex digits, so the work per byte is bounded by
    /// a constant times the secret's length.
    fn run(text: &[u8], secret: &[u8], first_only: bool) -> Scan {
        let mut scan = Scan {
            spans: Vec::new(),
            steps: 0,
        };
        let m = secret.len();
        if m == 0 || text.is_empty() {
            return scan;
        }
        let table = Table::build(text, secret, &mut scan.steps);
        // For each position ahead (a ring of MAX_UNIT_LEN + 1 slots), the
        // earliest start reaching it with k bytes of the secret matched.
        const NONE: usize = usize::MAX;
        let ring = MAX_UNIT_LEN + 1;
        let mut best = vec![NONE; ring * (m + 1)];
        let mut active: Vec<Vec<usize>> = vec![Vec::new(); ring];
        for p in 0..=text.len() {
            let slot = p % ring;
            let row = slot * (m + 1);
            if best[row] == NONE {
                best[row] = p;
                active[slot].push(0);
            }
            if best[row + m] != NONE {
                scan.spans.push((best[row + m], p));
                if first_only {
                    return scan;
                }
            }
            let ks = std::mem::take(&mut active[slot]);
            let units = if p < text.len() {
                table.units(p, 0)
            } else {
                &[]
            };
            for &k in &ks {
                let start = best[row + k];
                best[row + k] = NONE;
                if k == m {
                    continue;
                }
                for &(value, len) in units {
                    scan.steps += 1;
                    if !value.eq_ignore_ascii_case(&secret[k]) {
                        continue;
                    }
                    let to = (p + usize::from(len)) % ring;
                    let cell = &mut best[to * (m + 1) + k + 1];
                    if *cell == NONE {
                        active[to].push(k + 1);
                        *cell = start;
                    } else {
                        *cell = (*cell).min(start);
                    }
                }
            }
            let mut ks = ks;
            ks.clear();
            if active[slot].is_empty() {
                active[slot] = ks;
            }
        }
        scan
    }
}

/// The units each position of a text may start, at each depth of nesting.
struct Table {
    units: Vec<Unit>,
    /// For position `p` and depth `d`, `units[ranges[p * D + d]]`.
    ranges: Vec<(u32, u32)>,
}

const DEPTHS: usize = MAX_NESTING + 1;

impl Table {
    fn build(text: &[u8], secret: &[u8], steps: &mut u64) -> Table {
        let n = text.len();
        let mut table = Table {
            units: Vec::with_capacity(n),
            ranges: vec![(0, 0); n * DEPTHS],
        };
        let mut found = Vec::new();
        for p in (0..n).rev() {
            for depth in (0..DEPTHS).rev() {
                found.clear();
                table.with_escapes(text, (text[p], 1), p, depth, &mut found, steps);
                let keep = |&(v, _): &Unit| {
                    if depth == 0 {
                        secret.iter().any(|s| s.eq_ignore_ascii_case(&v))
                    } else {
                        hex(v).is_some()
                    }
                };
                let from = table.units.len() as u32;
                for unit in found.iter().filter(|u| keep(u)) {
                    if !table.units[from as usize..].contains(unit) {
                        table.units.push(*unit);
                    }
                }
                table.ranges[p * DEPTHS + depth] = (from, table.units.len() as u32);
            }
        }
        table
    }

    fn units(&self, at: usize, depth: usize) -> &[Unit] {
        let (from, to) = self.ranges[at * DEPTHS + depth];
        &self.units[from as usize..to as usize]
    }

    /// `unit` (starting at `at`), and when it is a `%`, the escapes it
    /// starts: two hex units of the next depth, whose byte may itself be a
    /// `%` starting another escape.
    fn with_escapes(
        &self,
        text: &[u8],
        unit: Unit,
        at: usize,
        depth: usize,
        out: &mut Vec<Unit>,
        steps: &mut u64,
    ) {
        *steps += 1;
        out.push(unit);
        if unit.0 != b'%' || depth >= MAX_NESTING {
            return;
        }
        let after = at + usize::from(unit.1);
        if after >= text.len() {
            return;
        }
        for &(high, high_len) in self.units(after, depth + 1) {
            let low_at = after + usize::from(high_len);
            if low_at >= text.len() {
                continue;
            }
            for &(low, low_len) in self.units(low_at, depth + 1) {
                *steps += 1;
                if let (Some(h), Some(l)) = (hex(high), hex(low)) {
                    let len = unit.1 + high_len + low_len;
                    self.with_escapes(text, ((h << 4) | l, len), at, depth + 1, out, steps);
                }
            }
        }
    }
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "fake_Token_123";

    #[test]
    fn finds_every_form() {
        for text in [
            "x fake_Token_123 y",
            "fake_token_123",
            "FAKE_TOKEN_123",
            "/a/fake%5FToken%5F123?",
            "%66%61%6b%65%5f%54%6F%6B%65%6E%5F%31%32%33",
            "fake_Tok%65n_123",
            "fake_Tok%2565n_123",
            "fake_Tok%%36%35n_123",
            "fake_Tok%252565n_123",
            "next=fake%255FToken%255F123",
        ] {
            assert!(contains(text.as_bytes(), T.as_bytes()), "{text}");
        }
        for text in ["fake_Token_12", "fake Token 123", "fake_Tok%6n_123", ""] {
            assert!(!contains(text.as_bytes(), T.as_bytes()), "{text}");
        }
        assert!(!contains(b"anything", b""));
    }

    #[test]
    fn masks_every_copy_and_keeps_the_rest() {
        let text = "a fake_Token_123 b fake%5ftoken%5F123 c";
        assert_eq!(mask_str(text, T).unwrap(), "a <redacted> b <redacted> c");
        assert_eq!(mask_str("nothing here", T), None);
        assert_eq!(mask_str("ünï fake_token_123", T).unwrap(), "ünï <redacted>");
    }

    #[test]
    fn copies_that_overlap_are_masked_as_one() {
        assert_eq!(mask_str("xaaay", "aa").unwrap(), "x<redacted>y");
        assert_eq!(mask_str("aa%61", "aa").unwrap(), "<redacted>");
    }

    /// The work of a scan is linear in the text, whatever the text holds:
    /// the hostile shapes of escapes (issue 20: `%%30` repeated cost 14 s
    /// of CPU for 50 MB) stay under the bound per byte, and doubling the
    /// text at most doubles the work.
    #[test]
    fn work_is_linear_in_the_text() {
        let secrets: [&[u8]; 3] = [T.as_bytes(), b"%41%", b"0000000000"];
        for piece in [
            "%%30", "%25", "%", "%%%%2525", "%2%25%30", "%%%30%30", "0", "fake_T",
        ] {
            for secret in secrets {
                let small = piece.repeat(2000);
                let big = piece.repeat(4000);
                let (w1, w2) = (work(small.as_bytes(), secret), work(big.as_bytes(), secret));
                let bound = MAX_WORK_PER_BYTE * (big.len() as u64 + 1) * (secret.len() as u64 + 1);
                assert!(w2 <= bound, "{piece}: {w2} > {bound}");
                assert!(w2 <= 2 * w1 + 64, "{piece}: {w1} then {w2}");
            }
        }
    }

    /// Random texts over the bytes escapes are made of (where the work
    /// could grow): the bound per byte holds for each.
    #[test]
    fn work_stays_within_its_bound_on_random_escapes() {
        const ALPHABET: &[u8] = b"%%%%%0123456789aAbBcCdDeEfF_tT52";
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut worst = 0.0f64;
        for _ in 0..3000 {
            let n = (next() % 400) as usize;
            let text: Vec<u8> = (0..n).map(|_| ALPHABET[(next() % 32) as usize]).collect();
            let m = 1 + (next() % 12) as usize;
            let secret: Vec<u8> = (0..m)
                .map(|_| ALPHABET[5 + (next() % 27) as usize])
                .collect();
            let spent = work(&text, &secret);
            let per = spent as f64 / ((n as f64 + 1.0) * (m as f64 + 1.0));
            worst = worst.max(per);
            assert!(
                per <= MAX_WORK_PER_BYTE as f64,
                "{per} for {:?}",
                String::from_utf8_lossy(&text)
            );
        }
        assert!(worst > 0.0);
    }

    #[test]
    fn a_secret_holding_a_percent_is_found_literally_too() {
        assert!(contains(b"x ab%41 y", b"ab%41"));
        assert!(contains(b"x ab%2541 y", b"ab%41"));
    }
}
