//! Diagnostics: what folio tells a writer about their book.
//!
//! Owns the [`Diagnostic`] value (severity, a code from a fixed vocabulary, a
//! source position, the target as written, a message, help and the
//! corrected target). Every content problem found by any stage becomes a
//! `Diagnostic`; fatal set-up problems (unreadable directories, template
//! errors) are `BuildError`s instead.
//!
//! This module depends on no stage. Positions are computed once, when a stage
//! creates the diagnostic from a byte offset (see `source::SourceFile`).
//! Printing belongs to `report`.

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
    /// `last-updated` in a shallow git clone, where every date is wrong.
    ShallowClone,
    /// A GitBook block tag folio does not know, or one never closed.
    UnknownBlock,
    /// A link into GitBook's editor that readers cannot follow.
    GitbookAppLink,
    /// A link to an old path that a redirect leads away from.
    RedirectedLink,
    /// An image with no text alternative.
    MissingAlt,
    /// `[text][label]` with no `[label]:` definition, shown as literal text.
    UndefinedReference,
    /// A SUMMARY OpenAPI reference whose specification folio cannot read.
    OpenapiReference,
    /// A local OpenAPI specification that cannot be read or lacks the
    /// operation a block names.
    InvalidSpec,
    /// Text that is UTF-8 read as Windows-1252 or Latin-1.
    Mojibake,
    /// An external address that fails, lacks the fragment, or moved.
    ExternalLink,
    /// Nesting or including beyond folio's limits (blocks, includes, YAML,
    /// maths), or a page whose includes add up to too much text.
    TooDeep,
    /// A build that stopped before it could report on content (book.toml
    /// unusable, a template error, an unreadable file, a crash): the
    /// preview's report of a failed rebuild. Not a content problem, so not
    /// in [`Code::ALL`].
    BuildFailed,
}

impl Code {
    /// Every code of a content problem, in the order the README documents
    /// them: what `[check]` can set a level for and SARIF lists as rules.
    /// [`Code::BuildFailed`] is the one code that is not.
    pub const ALL: [Code; 21] = [
        Code::BrokenLink,
        Code::BrokenAnchor,
        Code::BrokenReference,
        Code::OutsideRoot,
        Code::InvalidFrontMatter,
        Code::InvalidSummary,
        Code::InvalidConfig,
        Code::InvalidEncoding,
        Code::OrphanPage,
        Code::ParentAboveRoot,
        Code::ShallowClone,
        Code::UnknownBlock,
        Code::GitbookAppLink,
        Code::RedirectedLink,
        Code::MissingAlt,
        Code::UndefinedReference,
        Code::OpenapiReference,
        Code::InvalidSpec,
        Code::Mojibake,
        Code::ExternalLink,
        Code::TooDeep,
    ];

    /// One line saying what the code means (for SARIF rules).
    pub fn description(self) -> &'static str {
        match self {
            Code::BrokenLink => "A link to a page or file that does not exist or is not published",
            Code::BrokenAnchor => "A #fragment that matches no heading or id on the target page",
            Code::BrokenReference => "A link GitBook marked as lost (broken-reference)",
            Code::OutsideRoot => "A link to a file outside the book or space root",
            Code::InvalidFrontMatter => "Front matter that is not valid YAML or has a wrong type",
            Code::InvalidSummary => "A SUMMARY.md problem: a page listed twice, an unreadable line",
            Code::InvalidConfig => "A problem in book.toml or .gitbook.yaml",
            Code::InvalidEncoding => "A file that is not valid UTF-8",
            Code::OrphanPage => "A Markdown page no SUMMARY.md reaches; it is not published",
            Code::ParentAboveRoot => "A .. that climbs above the root and was clamped there",
            Code::ShallowClone => {
                "last-updated in a shallow git clone: every page would get the newest commit's date"
            }
            Code::UnknownBlock => "A GitBook block tag that is unknown or never closed",
            Code::GitbookAppLink => {
                "A link into GitBook's editor (app.gitbook.com) that readers cannot follow"
            }
            Code::RedirectedLink => "A link to an old path that a redirect sends elsewhere",
            Code::MissingAlt => "An image with no text alternative",
            Code::UndefinedReference => "A reference link [text][label] whose label is not defined",
            Code::OpenapiReference => {
                "A SUMMARY OpenAPI reference to a specification kept in GitBook"
            }
            Code::InvalidSpec => {
                "A local OpenAPI specification that cannot be read or lacks the operation"
            }
            Code::Mojibake => "Text that is UTF-8 read as Windows-1252 or Latin-1",
            Code::ExternalLink => {
                "An external address that fails, lacks the fragment, or moved for good"
            }
            Code::TooDeep => {
                "Blocks, includes, YAML or maths nested deeper (or includes larger) than folio's limits"
            }
            Code::BuildFailed => "A build that stopped before it could report on content",
        }
    }

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
            Code::ShallowClone => "shallow-clone",
            Code::UnknownBlock => "unknown-block",
            Code::GitbookAppLink => "gitbook-app-link",
            Code::RedirectedLink => "redirected-link",
            Code::MissingAlt => "missing-alt",
            Code::UndefinedReference => "undefined-reference",
            Code::OpenapiReference => "openapi-reference",
            Code::InvalidSpec => "invalid-spec",
            Code::Mojibake => "mojibake",
            Code::ExternalLink => "external-link",
            Code::TooDeep => "too-deep",
            Code::BuildFailed => "build-failed",
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
    /// Attaches advice on what to do.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Attaches the corrected target or text.
    pub fn with_suggestion(mut self, suggestion: impl Into<String>) -> Self {
        self.suggestion = Some(suggestion.into());
        self
    }

    /// Attaches the link target as written.
    pub fn with_target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(printable(&target.into()));
        self
    }

    /// Downgrades an error to a warning (used by the `broken-links` policy).
    pub fn downgraded(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// The same problem as an error (a code the book denies).
    pub fn upgraded(mut self) -> Self {
        self.severity = Severity::Error;
        self
    }

    /// The sort key that prints diagnostics in file, then line order.
    pub fn sort_key(&self) -> (&Path, Position, &'static str) {
        (&self.file, self.position, self.code.as_str())
    }
}

/// `text` with control characters (other than tab and line feed) replaced
/// by U+FFFD, so a report never echoes a file's raw bytes (terminal
/// escapes, NUL, carriage returns) and columns still line up, one
/// character for one.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\t' && c != '\n' {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
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

    #[test]
    fn printable_replaces_control_characters_one_for_one() {
        assert_eq!(
            printable("a\u{1b}[31mb\tc\0\r\n"),
            "a\u{FFFD}[31mb\tc\u{FFFD}\u{FFFD}\n"
        );
    }

    fn diagnostic(file: &str, line: usize, code: Code, severity: Severity) -> Diagnostic {
        Diagnostic {
            severity,
            code,
            file: PathBuf::from(file),
            position: Position { line, column: 1 },
            width: 1,
            source_line: String::new(),
            target: None,
            message: String::new(),
            help: None,
            suggestion: None,
        }
    }

    #[test]
    fn every_code_has_a_unique_name_and_a_description() {
        let mut names = std::collections::HashSet::new();
        for code in Code::ALL {
            let name = code.as_str();
            assert!(names.insert(name), "`{name}` is used twice");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "`{name}` is not kebab-case"
            );
            assert!(
                !code.description().is_empty(),
                "`{name}` has no description"
            );
        }
    }

    #[test]
    fn only_link_problems_follow_the_broken_links_policy() {
        let links: Vec<&str> = Code::ALL
            .iter()
            .filter(|code| code.is_link_problem())
            .map(|code| code.as_str())
            .collect();
        assert_eq!(
            links,
            [
                "broken-link",
                "broken-anchor",
                "broken-reference",
                "outside-root"
            ]
        );
    }

    #[test]
    fn levels_change_severity_and_reports_sort_by_file_then_line() {
        let error = diagnostic("b.md", 3, Code::BrokenLink, Severity::Error);
        assert_eq!(error.clone().downgraded().severity, Severity::Warning);
        assert_eq!(error.clone().downgraded().upgraded(), error);
        let mut found = vec![
            error.clone(),
            diagnostic("a.md", 9, Code::OrphanPage, Severity::Warning),
            diagnostic("b.md", 1, Code::BrokenAnchor, Severity::Error),
        ];
        found.sort_by(|x, y| x.sort_key().cmp(&y.sort_key()));
        let order: Vec<(&str, usize)> = found
            .iter()
            .map(|d| (d.file.to_str().unwrap(), d.position.line))
            .collect();
        assert_eq!(order, [("a.md", 9), ("b.md", 1), ("b.md", 3)]);
        assert_eq!(count(&found), (2, 1));
        // A target is kept printable.
        let target = error.with_target("x\u{1b}[2J.md").target.unwrap();
        assert_eq!(target, "x\u{FFFD}[2J.md");
    }
}
