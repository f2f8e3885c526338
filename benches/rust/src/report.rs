//! BENCHMARKS.md: sections of text and tables, and the verdicts.

use std::fmt::Write;

#[derive(Default)]
pub struct Report {
    pub body: String,
    /// (item, target, figure, met) for the summary at the top.
    pub verdicts: Vec<(String, String, String, bool)>,
}

impl Report {
    pub fn heading(&mut self, text: &str) {
        let _ = write!(self.body, "\n## {text}\n\n");
    }

    pub fn para(&mut self, text: &str) {
        let _ = write!(self.body, "{}\n\n", text.trim());
    }

    pub fn table(&mut self, header: &[&str], rows: &[Vec<String>]) {
        let _ = writeln!(self.body, "| {} |", header.join(" | "));
        let _ = writeln!(
            self.body,
            "|{}",
            header.iter().map(|_| " --- |").collect::<String>()
        );
        for r in rows {
            let _ = writeln!(self.body, "| {} |", r.join(" | "));
        }
        self.body.push('\n');
    }

    /// Records a target's verdict and returns the word for the table.
    pub fn verdict(&mut self, item: &str, target: &str, figure: &str, met: bool) -> String {
        self.verdicts
            .push((item.into(), target.into(), figure.into(), met));
        met_word(met)
    }
}

pub fn met_word(met: bool) -> String {
    if met {
        "met".into()
    } else {
        "**missed**".into()
    }
}

pub fn ns(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.2} ms", v / 1e6)
    } else if v >= 1e4 {
        format!("{:.1} µs", v / 1e3)
    } else if v >= 1e3 {
        format!("{:.2} µs", v / 1e3)
    } else {
        format!("{v:.0} ns")
    }
}

pub fn us(v: f64) -> String {
    format!("{v:.2} µs")
}

pub fn ratio(v: f64) -> String {
    format!("{v:.2}x")
}

/// A ratio judged against a target: three decimals, so that 0.899 does not
/// read as 0.90.
pub fn ratio3(v: f64) -> String {
    format!("{v:.3}x")
}

pub fn rps(v: f64) -> String {
    format!("{v:.0}/s")
}

pub fn kib(v: f64) -> String {
    format!("{v:.0} KiB")
}
