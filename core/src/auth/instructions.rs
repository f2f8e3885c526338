//! How a user gets and saves a token: caveclient's `get_new_token` steps.
//! The core holds the facts and the steps; each front end gives the lines
//! of code (or commands) that save and set the token in its own words.

/// The facts the steps need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewToken {
    /// Where a user creates a token (`create_token`, which adds a key;
    /// never the deprecated `refresh_token`, which deletes the user's key).
    pub create_url: String,
    /// Where a user sees and deletes their tokens.
    pub tokens_page_url: String,
    /// Whether a token is saved already: a save without overwrite would
    /// end in "already exists", so the save lines must overwrite.
    pub saved: bool,
}

/// One front end's lines for step 3: how to save the token, and how to set
/// it for the current session only.
pub struct Lines<'a> {
    /// The front end's name ("C", "Go", ...), shown before its lines.
    pub label: &'a str,
    /// The line that saves the token (with overwrite when `saved`).
    pub save: String,
    /// The line that sets it for the session.
    pub set: String,
}

impl NewToken {
    /// The steps, with every front end's lines in `lines` (step 3b is left
    /// out when no front end has a `set` line).
    pub fn render(&self, lines: &[Lines<'_>]) -> String {
        let width = lines.iter().map(|l| l.label.len()).max().unwrap_or(0) + 1;
        let each = |save: bool| {
            lines
                .iter()
                .map(|l| (l.label, if save { &l.save } else { &l.set }))
                .filter(|(_, line)| !line.is_empty())
                .map(|(label, line)| format!("          {:<width$} {line}\n", format!("{label}:")))
                .collect::<String>()
        };
        let note = if self.saved {
            " (replacing the token saved now)"
        } else {
            ""
        };
        let set = each(false);
        let set = if set.is_empty() {
            String::new()
        } else {
            format!("    or\n    3b) Set it for the current session only with:\n{set}")
        };
        format!(
            "New tokens need to be acquired by hand. Please follow these steps:
    1) Go to: {create} to create a new token.
    2) Log in with your Google credentials and copy the token shown afterward.
    3a) Save it to your computer{note} with:
{save}{set}    Note: creating a new token does not invalidate your other tokens; you can
    see and delete them at {page}.
    Note: if you need to save or load several tokens, see the token_file and
    token_key options in the documentation.
",
            create = self.create_url,
            page = self.tokens_page_url,
            save = each(true),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_front_end_line_is_shown_aligned() {
        let facts = NewToken {
            create_url: "https://h.org/auth/api/v1/create_token".into(),
            tokens_page_url: "https://h.org/sticky_auth/settings/tokens".into(),
            saved: true,
        };
        let text = facts.render(&[
            Lines {
                label: "A",
                save: "save_a".into(),
                set: "set_a".into(),
            },
            Lines {
                label: "Long",
                save: "save_l".into(),
                set: String::new(),
            },
        ]);
        assert!(text.contains("Go to: https://h.org/auth/api/v1/create_token to create"));
        assert!(text.contains("computer (replacing the token saved now) with:\n"));
        assert!(
            text.contains("          A:    save_a\n          Long: save_l\n"),
            "{text}"
        );
        assert!(
            text.contains("only with:\n          A:    set_a\n    Note:"),
            "{text}"
        );
        assert!(!text.contains("refresh_token"));
    }
}
