//! Diagnostics: what folio tells a writer about their book.
//!
//! Owns the [`Diagnostic`] value (severity, a code from a fixed vocabulary, a
//! source position, the target as written, a message and an optional
//! suggestion) and its terminal rendering. Every content problem found by any
//! stage becomes a `Diagnostic`; fatal set-up problems (unreadable
//! directories, bad configuration, template errors) are `anyhow` errors at the
//! edges instead.
//!
//! This module depends on no stage. Positions are computed once, when a stage
//! creates the diagnostic from a byte offset (see `source::SourceFile`).

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is. Errors make `build` and `check` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth fixing, does not fail the build.
    Warning,
    /// Fails the build unless downgraded by policy (`--broken-links=warn`).
    Error,
}

impl Severity {
    /// The word printed before the code, as rustc does.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// The fixed vocabulary of diagnostic codes. The string forms are part of
/// folio's interface (CI scripts grep them) and are documented in the README.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// A link to a page or file that does not exist or is not published.
    BrokenLink,
    /// A link whose `#fragment` matches no heading or id on the target page.
    BrokenAnchor,
    /// GitBook's own marker for a link whose target it lost.
    BrokenReference,
    /// A link that resolves to a file outside the book root.
    OutsideRoot,
    /// Front matter that is not valid YAML, or values of the wrong type.
    InvalidFrontMatter,
    /// A SUMMARY.md line that cannot be understood, or a page listed twice.
    InvalidSummary,
    /// A problem in `book.toml`.
    InvalidConfig,
    /// A file that is not valid UTF-8.
    InvalidEncoding,
    /// A Markdown page that no SUMMARY.md reaches; it is not published.
    OrphanPage,
    /// A `..` that climbs above the book root and was clamped there.
    ParentAboveRoot,
    /// A GitBook block tag folio does not know, or one never closed.
    UnknownBlock,
}

impl Code {
    /// The kebab-case name shown in `error[broken-link]`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::BrokenLink => "broken-link",
            Code::BrokenAnchor => "broken-anchor",
            Code::BrokenReference => "broken-reference",
            Code::OutsideRoot => "outside-root",
            Code::InvalidFrontMatter => "invalid-front-matter",
            Code::InvalidSummary => "invalid-summary",
            Code::InvalidConfig => "invalid-config",
            Code::InvalidEncoding => "invalid-encoding",
            Code::OrphanPage => "orphan-page",
            Code::ParentAboveRoot => "parent-above-root",
            Code::UnknownBlock => "unknown-block",
        }
    }

    /// Whether the `broken-links` policy applies to this code.
    pub fn is_link_problem(self) -> bool {
        matches!(
            self,
            Code::BrokenLink | Code::BrokenAnchor | Code::BrokenReference | Code::OutsideRoot
        )
    }
}

/// A 1-based line and column. Columns count Unicode scalar values, as rustc
/// and most editors do, so a caret lines up under multibyte text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// One finding about the book, anchored to a place in a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What kind of problem this is.
    pub code: Code,
    /// The file, relative to the book directory.
    pub file: PathBuf,
    /// Where in `file` the problem is (for links: the destination).
    pub position: Position,
    /// How many characters the caret should underline (at least 1).
    pub width: usize,
    /// The text of the source line at `position`, for the snippet.
    pub source_line: String,
    /// The link target as written, when the problem is about a link.
    pub target: Option<String>,
    /// One sentence saying what is wrong.
    pub message: String,
    /// What to do about it, when folio can tell.
    pub help: Option<String>,
    /// The corrected target, when folio can tell (for machine formats).
    pub suggestion: Option<String>,
}

impl Diagnostic {
    /// Attaches a suggestion.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Attaches the link target as written.
    pub fn with_target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// Downgrades an error to a warning (used by the `broken-links` policy).
    pub fn downgraded(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// The sort key that prints diagnostics in file, then line order.
    pub fn sort_key(&self) -> (&Path, Position, &'static str) {
        (&self.file, self.position, self.code.as_str())
    }

    /// Renders the diagnostic for a terminal, with paths shown under
    /// `display_root` (the book directory as the user typed it).
    pub fn display<'a>(&'a self, display_root: &'a Path) -> HumanDiagnostic<'a> {
        HumanDiagnostic {
            diagnostic: self,
            display_root,
        }
    }
}

/// A diagnostic formatted as `file:line:col: error[code]: message`, followed
/// by the source line with a caret under the problem and a `help:` line.
/// The first line is the format editors and CI log scanners recognise.
pub struct HumanDiagnostic<'a> {
    diagnostic: &'a Diagnostic,
    display_root: &'a Path,
}

impl fmt::Display for HumanDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.diagnostic;
        let path = display_path(self.display_root, &d.file);
        writeln!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            path.display(),
            d.position.line,
            d.position.column,
            d.severity.as_str(),
            d.code.as_str(),
            d.message
        )?;
        if !d.source_line.is_empty() {
            let number = d.position.line.to_string();
            let gutter = " ".repeat(number.len());
            let line = d.source_line.replace('\t', " ");
            writeln!(f, "{gutter} |")?;
            writeln!(f, "{number} | {line}")?;
            let pad = " ".repeat(d.position.column.saturating_sub(1));
            writeln!(f, "{gutter} | {pad}{}", "^".repeat(d.width.max(1)))?;
        }
        if let Some(help) = &d.help {
            writeln!(f, "  = help: {help}")?;
        }
        Ok(())
    }
}

/// Joins the book directory as typed with a book-relative path, dropping a
/// leading `./` so paths read `content/a.md`, not `./content/a.md`.
fn display_path(root: &Path, file: &Path) -> PathBuf {
    if root.as_os_str().is_empty() || root == Path::new(".") {
        file.to_path_buf()
    } else {
        root.join(file)
    }
}

/// Counts errors and warnings, for the summary line and the exit code.
pub fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    (errors, diagnostics.len() - errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code: Code::BrokenLink,
            file: PathBuf::from("content/a.md"),
            position: Position { line: 3, column: 7 },
            width: 6,
            source_line: "See [b](b.md).".into(),
            target: Some("b.md".into()),
            message: "page `b.md` does not exist".into(),
            help: Some("did you mean `c.md`?".into()),
            suggestion: Some("c.md".into()),
        }
    }

    #[test]
    fn human_format_has_position_caret_and_help() {
        let text = sample().display(Path::new(".")).to_string();
        assert_eq!(
            text,
            "content/a.md:3:7: error[broken-link]: page `b.md` does not exist\n  |\n3 | See [b](b.md).\n  |       ^^^^^^\n  = help: did you mean `c.md`?\n"
        );
    }

    #[test]
    fn display_root_prefixes_the_path() {
        let text = sample().display(Path::new("books/kb")).to_string();
        assert!(text.starts_with("books/kb/content/a.md:3:7: error[broken-link]"));
    }
}
