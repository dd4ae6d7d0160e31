//! Pieces of CommonMark syntax read by hand, shared by the stages that
//! need a position pulldown-cmark does not give: `parse` (where a link's
//! destination is written, for diagnostics) and `summary` (SUMMARY.md
//! lines, read without a Markdown parser).
//!
//! Pure functions on strings; it knows nothing of pages or files.

use std::ops::Range;

/// A link destination found by [`destination`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// Where the destination is in the text, without `<` and `>`.
    pub range: Range<usize>,
    /// Where the text after it starts (past a closing `>`).
    pub rest: usize,
    /// Whether it ended as CommonMark requires: `>` for `<…>`, whitespace
    /// or an unbalanced `)` otherwise. An unclosed one runs to the end of
    /// the text.
    pub closed: bool,
}

/// Reads the link destination at the start of `text`, after optional
/// whitespace: `<…>`, or a run without whitespace whose parentheses are
/// balanced (backslash escapes honoured), as in `[text](dest "title")` and
/// `[label]: dest "title"`.
pub fn destination(text: &str) -> Destination {
    let start = text.len() - text.trim_start().len();
    let rest = &text[start..];
    if let Some(inner) = rest.strip_prefix('<') {
        let (end, closed) = match inner.find('>') {
            Some(close) => (start + 1 + close, true),
            None => (text.len(), false),
        };
        return Destination {
            range: start + 1..end,
            rest: if closed { end + 1 } else { end },
            closed,
        };
    }
    let mut depth = 0usize;
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            c if c == ')' || c.is_whitespace() => {
                return Destination {
                    range: start..start + i,
                    rest: start + i,
                    closed: true,
                }
            }
            _ => {}
        }
    }
    Destination {
        range: start..text.len(),
        rest: text.len(),
        closed: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (&str, &str, bool) {
        let found = destination(text);
        (&text[found.range], &text[found.rest..], found.closed)
    }

    #[test]
    fn plain_destinations_end_at_space_or_unbalanced_paren() {
        assert_eq!(read("a.md)"), ("a.md", ")", true));
        assert_eq!(read("  a.md \"t\")"), ("a.md", " \"t\")", true));
        assert_eq!(read("f(x).md)"), ("f(x).md", ")", true));
        assert_eq!(read("a\\).md)"), ("a\\).md", ")", true));
        assert_eq!(read("a\u{a0}b)"), ("a", "\u{a0}b)", true));
        assert_eq!(read("a.md"), ("a.md", "", false));
        assert_eq!(read("f(x.md)"), ("f(x.md)", "", false));
        assert_eq!(read(""), ("", "", false));
    }

    #[test]
    fn angle_destinations_may_hold_spaces() {
        assert_eq!(read("<my file.md> \"t\")"), ("my file.md", " \"t\")", true));
        assert_eq!(read(" <a.md>)"), ("a.md", ")", true));
        assert_eq!(read("<a b"), ("a b", "", false));
    }
}
