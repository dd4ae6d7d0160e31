//! Table rows that GitBook's exporter broke over several lines.
//!
//! A table cell that holds a list (pages imported from Confluence) is
//! exported as raw HTML whose items are separated by blank lines:
//!
//! ```text
//! | Batch | <ul><li>Batch
//!
//! </li><li>Certificate Template
//!
//! </li></ul> |
//! ```
//!
//! CommonMark ends the row at the first line break, so the rest of the
//! table falls apart into paragraphs and raw HTML, and its `**bold**`
//! shows as literal stars. GitBook shows one row with a list in the cell.
//! The rule, applied before the Markdown parser runs:
//!
//! - Inside a pipe table (a row line, a delimiter row, then row lines;
//!   never inside a code fence), a row that opens more `<ul>`/`<ol>` than it
//!   closes continues on the following lines until the lists are closed on
//!   a line that ends with `|`. Those line breaks become spaces.
//! - If a line starting with `|` comes first, or the lists are not closed
//!   within [`MAX_CONTINUATION_LINES`], nothing is joined.
//!
//! Every line break is replaced by one space, so each byte keeps its offset
//! and diagnostics keep their places. Owns that one rewrite; must never
//! change text outside such a row.

use std::borrow::Cow;

/// A broken row is joined only if it closes within this many lines.
const MAX_CONTINUATION_LINES: usize = 200;

/// `text` with the line breaks inside broken table rows replaced by spaces
/// (borrowed when there are none).
pub(super) fn join_broken_rows(text: &str) -> Cow<'_, str> {
    if !text.contains("<ul") && !text.contains("<ol") {
        return Cow::Borrowed(text);
    }
    let lines: Vec<(usize, &str)> = line_starts(text);
    let mut joins: Vec<usize> = Vec::new();
    let mut fence: Option<(u8, usize)> = None;
    let mut in_table = false;
    let mut n = 0;
    while n < lines.len() {
        let line = lines[n].1;
        if let Some(marker) = fence {
            if closes_fence(line, marker) {
                fence = None;
            }
            n += 1;
            continue;
        }
        if let Some(marker) = opens_fence(line) {
            fence = Some(marker);
            in_table = false;
            n += 1;
            continue;
        }
        if !is_row(line) {
            in_table = false;
            n += 1;
            continue;
        }
        if !in_table {
            in_table = lines
                .get(n + 1)
                .is_some_and(|(_, next)| is_delimiter_row(next));
            n += 1;
            continue;
        }
        match continuation(&lines[n..]) {
            Some(extra) => {
                joins.extend((n..n + extra).map(|at| lines[at].0 + lines[at].1.len()));
                n += extra + 1;
            }
            None => n += 1,
        }
    }
    if joins.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    for at in joins {
        // The line break itself: `\n`, or `\r\n` (both become spaces).
        for byte in &mut bytes[at..] {
            match *byte {
                b'\r' => *byte = b' ',
                b'\n' => {
                    *byte = b' ';
                    break;
                }
                _ => break,
            }
        }
    }
    // Only ASCII line breaks were replaced by ASCII spaces.
    Cow::Owned(String::from_utf8(bytes).expect("still UTF-8"))
}

/// Each line's start offset and text without its line break.
fn line_starts(text: &str) -> Vec<(usize, &str)> {
    let mut lines = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        lines.push((start, line.trim_end_matches(['\n', '\r'])));
        start += line.len();
    }
    lines
}

/// How many lines after `lines[0]` (a table row) belong to it: `None` if
/// its lists are closed on its own line, or never properly.
fn continuation(lines: &[(usize, &str)]) -> Option<usize> {
    let mut open = open_lists(lines[0].1);
    if open <= 0 {
        return None;
    }
    for (extra, (_, line)) in lines
        .iter()
        .enumerate()
        .skip(1)
        .take(MAX_CONTINUATION_LINES)
    {
        if line.trim_start().starts_with('|') {
            return None;
        }
        open += open_lists(line);
        if open <= 0 {
            return line.trim_end().ends_with('|').then_some(extra);
        }
    }
    None
}

/// `<ul>`/`<ol>` opened minus closed on a line.
fn open_lists(line: &str) -> i64 {
    let lower = line.to_ascii_lowercase();
    let count = |tag: &str| {
        lower
            .match_indices(tag)
            .filter(|(at, _)| {
                // `<ul>` or `<ul class=…>`, not `<ulx>`.
                lower[at + tag.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c == '>' || c.is_ascii_whitespace())
            })
            .count() as i64
    };
    count("<ul") + count("<ol") - count("</ul") - count("</ol")
}

fn is_row(line: &str) -> bool {
    let trimmed = line.trim_start();
    line.len() - trimmed.len() < 4 && trimmed.starts_with('|')
}

/// `| --- | :-: |`.
fn is_delimiter_row(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.contains('-')
        && trimmed.contains('|')
        && trimmed
            .chars()
            .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

/// A code fence opening: its character and length.
fn opens_fence(line: &str) -> Option<(u8, usize)> {
    let trimmed = line.trim_start();
    if line.len() - trimmed.len() >= 4 {
        return None;
    }
    let marker = *trimmed.as_bytes().first()?;
    if marker != b'`' && marker != b'~' {
        return None;
    }
    let length = trimmed.bytes().take_while(|&b| b == marker).count();
    let info = &trimmed[length..];
    (length >= 3 && !(marker == b'`' && info.contains('`'))).then_some((marker, length))
}

fn closes_fence(line: &str, (marker, length): (u8, usize)) -> bool {
    let trimmed = line.trim_start();
    let run = trimmed.bytes().take_while(|&b| b == marker).count();
    line.len() - trimmed.len() < 4 && run >= length && trimmed[run..].trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BROKEN: &str = "| Name | Features |\n| --- | --- |\n| Batch **Suggested:** LMS | <ul><li>Batch\n\n</li><li>QR code\n\n</li></ul> | \n| Group | <ul><li>Groups\n\n</li></ul> | \n\nAfter.\n";

    #[test]
    fn a_row_broken_by_a_list_in_a_cell_is_one_line_again() {
        let joined = join_broken_rows(BROKEN);
        assert_eq!(joined.len(), BROKEN.len(), "offsets are kept");
        assert_eq!(
            joined,
            "| Name | Features |\n| --- | --- |\n| Batch **Suggested:** LMS | <ul><li>Batch  </li><li>QR code  </li></ul> | \n| Group | <ul><li>Groups  </li></ul> | \n\nAfter.\n"
        );
    }

    #[test]
    fn crlf_line_breaks_become_spaces_too() {
        let text = BROKEN.replace('\n', "\r\n");
        let joined = join_broken_rows(&text);
        assert_eq!(joined.len(), text.len());
        assert!(joined.contains("<ul><li>Batch    </li><li>QR code    </li></ul> | \r\n| Group"));
    }

    #[test]
    fn nothing_changes_outside_a_broken_row() {
        let untouched = [
            // Lists closed on their own line.
            "| a | b |\n| - | - |\n| x | <ul><li>y</li></ul> |\n\n<ul>\n<li>z</li>\n</ul>\n",
            // Not a table: no delimiter row.
            "| a | <ul><li>b\n\n</li></ul> |\n",
            // In a code fence.
            "```\n| a | b |\n| - | - |\n| x | <ul><li>y\n\n</li></ul> |\n```\n",
            // The next row starts before the list is closed.
            "| a | b |\n| - | - |\n| x | <ul><li>y\n| z | w |\n</ul> |\n",
            // Closed, but the line does not end the row.
            "| a | b |\n| - | - |\n| x | <ul><li>y\n\n</li></ul>\n\nText.\n",
            // `<ulx>` is not a list.
            "| a | b |\n| - | - |\n| x | <ulx>y\n\n</ulx> |\n",
        ];
        for text in untouched {
            assert!(
                matches!(join_broken_rows(text), Cow::Borrowed(_)),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_list_never_closed_joins_nothing() {
        let mut text = String::from("| a | b |\n| - | - |\n| x | <ol><li>y\n");
        text.push_str(&"\n</li><li>more\n".repeat(MAX_CONTINUATION_LINES));
        text.push_str("</ol> |\n");
        assert!(matches!(join_broken_rows(&text), Cow::Borrowed(_)));
    }
}
