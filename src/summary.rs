//! `SUMMARY.md` → a table-of-contents tree.
//!
//! GitBook's SUMMARY is a list whose nesting comes from indentation alone:
//! real exports indent children deeper than CommonMark allows, and a CommonMark
//! parser folds those into the parent's paragraph. So this is a line parser
//! with an indentation stack (see the format notes, §4), producing parts,
//! nested items, link titles and external entries, each target with its byte
//! range for diagnostics.
//!
//! It never opens page files; `load` turns targets into pages.

use std::ops::Range;

use crate::diag::{Code, Diagnostic, Severity};
use crate::source::SourceFile;

/// A parsed SUMMARY.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// The `# ` line, if any (GitBook writes "Table of contents").
    pub title: Option<String>,
    /// Sidebar groups; the first has no title when items precede any part.
    pub groups: Vec<SummaryGroup>,
}

/// Items under one `## Part` heading.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SummaryGroup {
    /// The part's heading, `None` for items before the first part.
    pub title: Option<String>,
    /// Top-level items of the group.
    pub items: Vec<SummaryItem>,
}

/// One `* [Label](target "title")` line and the lines nested under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryItem {
    /// The link text, backslash escapes removed.
    pub label: String,
    /// The optional link title, which replaces the label in navigation.
    pub link_title: Option<String>,
    /// The raw target and where it is written; `None` for a plain label.
    pub target: Option<SummaryTarget>,
    /// Nested items.
    pub children: Vec<SummaryItem>,
}

impl SummaryItem {
    /// The text navigation shows: the link title if given, else the label.
    pub fn nav_label(&self) -> &str {
        self.link_title.as_deref().unwrap_or(&self.label)
    }
}

/// A link target exactly as written in SUMMARY.md.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryTarget {
    /// The destination, without `<…>` but with escapes as written.
    pub raw: String,
    /// Byte range of the destination in the file.
    pub span: Range<usize>,
}

/// Parses SUMMARY.md. Never fails: lines it cannot read become warnings.
pub fn parse_summary(source: &SourceFile) -> (Summary, Vec<Diagnostic>) {
    let mut parser = Parser::default();
    let mut offset = 0;
    for line in source.text.split_inclusive('\n') {
        parser.line(source, offset, line.trim_end_matches(['\n', '\r']));
        offset += line.len();
    }
    parser.finish()
}

/// Items nest at most this deep: every stage after this one, and the
/// templates, walk the navigation tree recursively.
pub const MAX_DEPTH: usize = 64;

/// Flat items with their indents, before nesting is decided.
#[derive(Default)]
struct Parser {
    summary: Summary,
    arena: Vec<(SummaryItem, Vec<usize>)>,
    /// Top-level arena indices of each group.
    tops: Vec<Vec<usize>>,
    /// (indent, arena index) of the open ancestors.
    stack: Vec<(usize, usize)>,
    in_comment: bool,
    seen_content: bool,
    too_deep_reported: bool,
    diagnostics: Vec<Diagnostic>,
}

impl Parser {
    fn line(&mut self, source: &SourceFile, offset: usize, line: &str) {
        let trimmed = line.trim_start();
        let indent = indent_width(&line[..line.len() - trimmed.len()]);
        if self.in_comment || trimmed.starts_with("<!--") {
            self.in_comment = !trimmed.contains("-->");
            return;
        }
        if trimmed.is_empty() {
            return;
        }
        if let Some(title) = trimmed.strip_prefix("# ") {
            if !self.seen_content && self.summary.title.is_none() {
                self.summary.title = Some(title.trim().to_string());
                return;
            }
        }
        self.seen_content = true;
        if let Some(part) = trimmed.strip_prefix("## ") {
            self.summary.groups.push(SummaryGroup {
                title: Some(part.trim().to_string()),
                items: Vec::new(),
            });
            self.tops.push(Vec::new());
            self.stack.clear();
            return;
        }
        let item_start = offset + (line.len() - trimmed.len());
        match parse_item(trimmed, item_start) {
            Some(item) => {
                if item.target.is_none() {
                    self.diagnostics.push(
                        source
                            .diagnostic(
                                Severity::Warning,
                                Code::InvalidSummary,
                                item_start..offset + line.len(),
                                format!("`{}` is a label without a link", item.label),
                            )
                            .with_help(
                                "link it to a page, e.g. `* [Payments](payments/README.md)`",
                            ),
                    );
                }
                if self.push_item(indent, item) && !self.too_deep_reported {
                    self.too_deep_reported = true;
                    self.diagnostics.push(source.diagnostic(
                        Severity::Warning,
                        Code::TooDeep,
                        item_start..offset + line.len(),
                        format!("items nest more than {MAX_DEPTH} levels deep; deeper ones are listed at level {MAX_DEPTH}"),
                    ));
                }
            }
            None => self.diagnostics.push(
                source
                    .diagnostic(
                        Severity::Warning,
                        Code::InvalidSummary,
                        item_start..offset + line.len(),
                        "line is not a SUMMARY item, part or title; it is ignored".into(),
                    )
                    .with_help("items look like `* [Label](page.md)`, parts like `## Part`"),
            ),
        }
    }

    /// Adds an item under the open item it is indented below; returns
    /// whether it had to be placed higher because of [`MAX_DEPTH`].
    fn push_item(&mut self, indent: usize, item: SummaryItem) -> bool {
        if self.tops.is_empty() {
            self.summary.groups.push(SummaryGroup::default());
            self.tops.push(Vec::new());
        }
        while self.stack.last().is_some_and(|&(open, _)| open >= indent) {
            self.stack.pop();
        }
        let too_deep = self.stack.len() >= MAX_DEPTH;
        if too_deep {
            self.stack.truncate(MAX_DEPTH - 1);
        }
        let index = self.arena.len();
        self.arena.push((item, Vec::new()));
        match self.stack.last() {
            Some(&(_, parent)) => self.arena[parent].1.push(index),
            None => self.tops.last_mut().expect("a group exists").push(index),
        }
        self.stack.push((indent, index));
        too_deep
    }

    fn finish(mut self) -> (Summary, Vec<Diagnostic>) {
        let mut arena: Vec<Option<(SummaryItem, Vec<usize>)>> =
            self.arena.into_iter().map(Some).collect();
        for (group, tops) in self.summary.groups.iter_mut().zip(&self.tops) {
            group.items = tops.iter().map(|&i| take_tree(&mut arena, i)).collect();
        }
        (self.summary, self.diagnostics)
    }
}

fn take_tree(arena: &mut [Option<(SummaryItem, Vec<usize>)>], index: usize) -> SummaryItem {
    let (mut item, children) = arena[index].take().expect("each item has one parent");
    item.children = children.iter().map(|&i| take_tree(arena, i)).collect();
    item
}

/// Tabs count as four columns, as in CommonMark.
fn indent_width(whitespace: &str) -> usize {
    whitespace
        .chars()
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum()
}

/// Parses `* [Label](target "title")` (or `-`, `+`), or `* Label`.
fn parse_item(line: &str, start: usize) -> Option<SummaryItem> {
    let rest = line
        .strip_prefix("* ")
        .or_else(|| line.strip_prefix("- "))
        .or_else(|| line.strip_prefix("+ "))?;
    let rest_start = start + (line.len() - rest.len());
    let body = rest.trim_start();
    let body_start = rest_start + (rest.len() - body.len());
    let Some(link) = parse_link(body, body_start) else {
        return Some(SummaryItem {
            label: unescape(body.trim()),
            link_title: None,
            target: None,
            children: Vec::new(),
        });
    };
    Some(link)
}

fn parse_link(text: &str, start: usize) -> Option<SummaryItem> {
    let inner = text.strip_prefix('[')?;
    let label_end = find_label_end(inner)?;
    let label = &inner[..label_end];
    let after = inner[label_end + 1..].strip_prefix('(')?;
    let after_start = start + 1 + label_end + 1 + 1;
    let (raw, raw_offset, rest) = split_destination(after)?;
    let rest = rest.trim_start();
    let (link_title, rest) = match rest.chars().next() {
        Some(quote @ ('"' | '\'')) => {
            let close = rest[1..].find(quote)?;
            (Some(unescape(&rest[1..1 + close])), &rest[close + 2..])
        }
        _ => (None, rest),
    };
    if !rest.trim_start().starts_with(')') {
        return None;
    }
    Some(SummaryItem {
        label: unescape(label),
        link_title,
        target: Some(SummaryTarget {
            raw: raw.to_string(),
            span: after_start + raw_offset..after_start + raw_offset + raw.len(),
        }),
        children: Vec::new(),
    })
}

/// The index of the `]` closing a link label, honouring escapes and nesting.
fn find_label_end(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' => depth += 1,
            ']' if depth == 0 => return Some(i),
            ']' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Splits `dest "title")` into the destination (without `<…>`), its offset
/// within `text`, and the rest.
fn split_destination(text: &str) -> Option<(&str, usize, &str)> {
    let leading = text.len() - text.trim_start().len();
    let text_trimmed = &text[leading..];
    if let Some(inner) = text_trimmed.strip_prefix('<') {
        let close = inner.find('>')?;
        return Some((&inner[..close], leading + 1, &inner[close + 1..]));
    }
    let mut depth = 0usize;
    let mut escaped = false;
    for (i, c) in text_trimmed.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '(' => depth += 1,
            ')' if depth == 0 => return Some((&text_trimmed[..i], leading, &text_trimmed[i..])),
            ')' => depth -= 1,
            c if c.is_whitespace() => {
                return Some((&text_trimmed[..i], leading, &text_trimmed[i..]))
            }
            _ => {}
        }
    }
    None
}

/// Removes CommonMark backslash escapes before ASCII punctuation.
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|next| next.is_ascii_punctuation()) {
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn parse(text: &str) -> (Summary, Vec<Diagnostic>) {
        parse_summary(&SourceFile::new(PathBuf::from("SUMMARY.md"), text.into()))
    }

    fn shape(items: &[SummaryItem]) -> String {
        items
            .iter()
            .map(|item| {
                if item.children.is_empty() {
                    item.label.clone()
                } else {
                    format!("{}({})", item.label, shape(&item.children))
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn nests_by_relative_indent_even_when_too_deep_for_commonmark() {
        let (summary, diags) = parse(
            "# Table of contents\n\n* [A](a.md)\n  * [B](b.md)\n        * [C](c.md)\n  * [D](d.md)\n* [E](e.md)\n",
        );
        assert!(diags.is_empty());
        assert_eq!(summary.title.as_deref(), Some("Table of contents"));
        assert_eq!(shape(&summary.groups[0].items), "A(B(C) D) E");
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_flattened_with_one_warning() {
        let text: String = (0..500)
            .map(|i| format!("{}* [P{i}](p{i}.md)\n", "  ".repeat(i)))
            .collect();
        let (summary, diags) = parse(&text);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, Code::TooDeep);
        assert_eq!(diags[0].position.line, MAX_DEPTH + 1);
        let mut depth = 0;
        let mut items = &summary.groups[0].items;
        while let Some(item) = items.first() {
            depth += 1;
            items = &item.children;
        }
        assert_eq!(depth, MAX_DEPTH);
        fn count(items: &[SummaryItem]) -> usize {
            items.iter().map(|i| 1 + count(&i.children)).sum()
        }
        assert_eq!(count(&summary.groups[0].items), 500, "no item is lost");
    }

    #[test]
    fn parts_start_new_groups() {
        let (summary, _) = parse("* [A](a.md)\n\n## Reference\n\n* [B](b.md)\n  * [C](c.md)\n");
        assert_eq!(summary.groups.len(), 2);
        assert_eq!(summary.groups[0].title, None);
        assert_eq!(summary.groups[1].title.as_deref(), Some("Reference"));
        assert_eq!(shape(&summary.groups[1].items), "B(C)");
    }

    #[test]
    fn targets_keep_escapes_and_spans() {
        let text = "* [Config\\_files](reference/config\\_files.md \"Files\")\n";
        let (summary, _) = parse(text);
        let item = &summary.groups[0].items[0];
        assert_eq!(item.label, "Config_files");
        assert_eq!(item.link_title.as_deref(), Some("Files"));
        let target = item.target.as_ref().unwrap();
        assert_eq!(target.raw, "reference/config\\_files.md");
        assert_eq!(&text[target.span.clone()], "reference/config\\_files.md");
    }

    #[test]
    fn angle_brackets_and_external_targets() {
        let (summary, _) = parse("- [Sp](<my page.md>)\n+ [Out](https://example.org/)\n");
        let items = &summary.groups[0].items;
        assert_eq!(items[0].target.as_ref().unwrap().raw, "my page.md");
        assert_eq!(
            items[1].target.as_ref().unwrap().raw,
            "https://example.org/"
        );
    }

    #[test]
    fn odd_lines_and_labels_warn_with_lines() {
        let (summary, diags) = parse("* [A](a.md)\nstray text\n* Payments\n<!-- note -->\n");
        assert_eq!(shape(&summary.groups[0].items), "A Payments");
        let lines: Vec<_> = diags.iter().map(|d| d.position.line).collect();
        assert_eq!(lines, vec![2, 3]);
        assert!(diags.iter().all(|d| d.severity == Severity::Warning));
    }

    #[test]
    fn deep_nesting_is_not_capped() {
        let text: String = (0..30)
            .map(|depth| format!("{}* [P{depth}](p{depth}.md)\n", "  ".repeat(depth)))
            .collect();
        let (summary, _) = parse(&text);
        let mut item = &summary.groups[0].items[0];
        let mut depth = 0;
        while let Some(child) = item.children.first() {
            item = child;
            depth += 1;
        }
        assert_eq!(depth, 29);
    }
}
