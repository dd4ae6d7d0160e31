//! Report formats: diagnostics for people and for CI.
//!
//! Owns every way a [`BuildReport`] is written out: `human` (rustc-style,
//! with the source line, a caret under the problem and `help:`; colour only
//! on a terminal and never with `NO_COLOR`), `short` (one
//! `file:line:col: severity[code]: message` line each, the form editors and
//! log scanners parse), `json` (one document on stdout), `github` (workflow
//! commands that annotate pull requests) and `sarif` (SARIF 2.1.0 for code
//! scanning). All formats carry the same findings.
//!
//! It never decides what is a problem; it only prints.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::build::BuildReport;
use crate::diag::{Code, Diagnostic, Severity};

/// How to print diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Like rustc, for people at a terminal.
    Human,
    /// One line per diagnostic.
    Short,
    /// A JSON document on stdout.
    Json,
    /// GitHub Actions workflow commands.
    Github,
    /// SARIF 2.1.0 on stdout.
    Sarif,
}

/// Where and how to print.
pub struct Printer<'a> {
    /// The book directory as the user typed it; paths are shown under it.
    pub display_root: &'a Path,
    /// The chosen format.
    pub format: Format,
    /// Whether to use ANSI colour (human format only).
    pub colour: bool,
    /// Print at most this many diagnostics in the terminal formats.
    pub max_diagnostics: Option<usize>,
}

/// Reports longer than this end with a count per kind of problem.
const BY_KIND_AFTER: usize = 10;

impl Printer<'_> {
    /// Writes the report: machine formats to `stdout`, people's to `stderr`,
    /// and a closing summary line to `stderr` in every format.
    pub fn print(
        &self,
        report: &BuildReport,
        stdout: &mut dyn Write,
        stderr: &mut dyn Write,
    ) -> io::Result<()> {
        match self.format {
            Format::Human | Format::Short => {
                self.print_diagnostics(&report.diagnostics, stderr)?;
                if report.diagnostics.len() > BY_KIND_AFTER {
                    write!(stderr, "{}", by_kind(&report.diagnostics))?;
                }
            }
            Format::Json => writeln!(stdout, "{}", json_document(report))?,
            Format::Github => {
                for diagnostic in &report.diagnostics {
                    writeln!(stdout, "{}", self.github(diagnostic))?;
                }
            }
            Format::Sarif => writeln!(stdout, "{}", self.sarif(report))?,
        }
        writeln!(stderr, "{}", summary_line(report))
    }

    /// Prints diagnostics alone in this printer's terminal form (`human` or
    /// `short`), with no summary line: the preview prints its own after
    /// each rebuild.
    pub fn print_diagnostics(
        &self,
        diagnostics: &[Diagnostic],
        stderr: &mut dyn Write,
    ) -> io::Result<()> {
        let shown = self
            .max_diagnostics
            .map_or(diagnostics.len(), |max| max.min(diagnostics.len()));
        for diagnostic in &diagnostics[..shown] {
            let text = match self.format {
                Format::Short => self.short(diagnostic),
                _ => self.human(diagnostic),
            };
            writeln!(stderr, "{text}")?;
        }
        if shown < diagnostics.len() {
            writeln!(
                stderr,
                "folio: {} more not shown (--max-diagnostics {shown})",
                diagnostics.len() - shown
            )?;
        }
        Ok(())
    }

    fn path(&self, diagnostic: &Diagnostic) -> PathBuf {
        if self.display_root.as_os_str().is_empty() || self.display_root == Path::new(".") {
            diagnostic.file.clone()
        } else {
            self.display_root.join(&diagnostic.file)
        }
    }

    fn paint(&self, style: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{style}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn human(&self, d: &Diagnostic) -> String {
        let level = match d.severity {
            Severity::Error => self.paint("1;31", &format!("error[{}]", d.code.as_str())),
            Severity::Warning => self.paint("1;33", &format!("warning[{}]", d.code.as_str())),
        };
        let mut text = format!(
            "{level}{} {}\n",
            self.paint("1", ":"),
            self.paint("1", &d.message)
        );
        let number = d.position.line.to_string();
        let gutter = " ".repeat(number.len());
        let arrow = self.paint("1;34", "-->");
        text.push_str(&format!(
            "{gutter}{arrow} {}:{}:{}\n",
            self.path(d).display(),
            d.position.line,
            d.position.column
        ));
        if !d.source_line.is_empty() {
            let bar = self.paint("1;34", "|");
            let line = d.source_line.replace('\t', " ");
            let pad = " ".repeat(d.position.column.saturating_sub(1));
            let carets = "^".repeat(d.width.max(1));
            let carets = match d.severity {
                Severity::Error => self.paint("1;31", &carets),
                Severity::Warning => self.paint("1;33", &carets),
            };
            text.push_str(&format!(
                "{gutter} {bar}\n{} {bar} {line}\n{gutter} {bar} {pad}{carets}\n",
                self.paint("1;34", &number)
            ));
        }
        if let Some(help) = &d.help {
            text.push_str(&format!("{gutter} {} {help}\n", self.paint("1", "= help:")));
        }
        text
    }

    fn short(&self, d: &Diagnostic) -> String {
        format!(
            "{}:{}:{}: {}[{}]: {}",
            self.path(d).display(),
            d.position.line,
            d.position.column,
            d.severity.as_str(),
            d.code.as_str(),
            d.message
        )
    }

    fn github(&self, d: &Diagnostic) -> String {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        format!(
            "::{command} file={},line={},col={},title={}::{}",
            escape_property(&self.path(d).display().to_string()),
            d.position.line,
            d.position.column,
            escape_property(d.code.as_str()),
            escape_data(&message)
        )
    }

    fn sarif(&self, report: &BuildReport) -> String {
        let rules: Vec<_> = Code::ALL
            .iter()
            .map(|code| {
                json!({
                    "id": code.as_str(),
                    "shortDescription": {"text": code.description()},
                })
            })
            .collect();
        let results: Vec<_> = report
            .diagnostics
            .iter()
            .map(|d| {
                let mut result = json!({
                    "ruleId": d.code.as_str(),
                    "ruleIndex": Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0),
                    "level": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                    "message": {"text": match &d.help {
                        Some(help) => format!("{} (help: {help})", d.message),
                        None => d.message.clone(),
                    }},
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri_path(&self.path(d))},
                            "region": {
                                "startLine": d.position.line,
                                "startColumn": d.position.column,
                                "endColumn": d.position.column + d.width.max(1),
                            }
                        }
                    }],
                });
                if let Some(suggestion) = &d.suggestion {
                    result["properties"] = json!({"suggestion": suggestion});
                }
                result
            })
            .collect();
        let document = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "folio",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }],
        });
        serde_json::to_string_pretty(&document).unwrap_or_default()
    }
}

/// The JSON document `--format json` prints. Its shape is documented in
/// the README.
pub fn json_document(report: &BuildReport) -> String {
    serde_json::to_string_pretty(&json_value(report)).unwrap_or_default()
}

/// [`json_document`] as a value (the preview sends it on one line).
pub fn json_value(report: &BuildReport) -> serde_json::Value {
    let (errors, warnings) = report.counts();
    let diagnostics: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| {
            json!({
                "severity": d.severity.as_str(),
                "code": d.code.as_str(),
                "file": uri_path(&d.file),
                "line": d.position.line,
                "column": d.position.column,
                "target": d.target,
                "message": d.message,
                "help": d.help,
                "suggestion": d.suggestion,
            })
        })
        .collect();
    json!({
        "summary": {"pages": report.pages, "links": report.links, "errors": errors, "warnings": warnings},
        "diagnostics": diagnostics,
    })
}

/// `folio: built 5 pages into book (0 errors, 0 warnings)` and its
/// variants.
pub fn summary_line(report: &BuildReport) -> String {
    let (errors, warnings) = report.counts();
    let counts = format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    let pages = plural(report.pages, "page");
    match &report.written_to {
        Some(out) if report.reused > 0 => format!(
            "folio: built {pages} into {} ({counts}; {} unchanged since the last build)",
            out.display(),
            report.reused
        ),
        Some(out) => format!("folio: built {pages} into {} ({counts})", out.display()),
        None if errors > 0 && !report.check_only => {
            format!("folio: {counts} in {pages}; no site was written")
        }
        None => format!(
            "folio: checked {pages} and {} ({counts})",
            plural(report.links, "link")
        ),
    }
}

/// A count per kind of problem, errors first, then the most frequent:
/// what to fix first, or what to set a level for in `[check]`.
fn by_kind(diagnostics: &[Diagnostic]) -> String {
    let mut counts: Vec<((Severity, &str), usize)> = Vec::new();
    for d in diagnostics {
        let key = (d.severity, d.code.as_str());
        match counts.iter_mut().find(|(k, _)| *k == key) {
            Some((_, count)) => *count += 1,
            None => counts.push((key, 1)),
        }
    }
    counts.sort_by(|((sa, ca), na), ((sb, cb), nb)| {
        let rank = |s: &Severity| matches!(s, Severity::Warning);
        (rank(sa), std::cmp::Reverse(*na), *ca).cmp(&(rank(sb), std::cmp::Reverse(*nb), *cb))
    });
    let width = counts
        .iter()
        .map(|(_, n)| n.to_string().len())
        .max()
        .unwrap_or(1);
    let mut text = String::from("folio: problems by kind:\n");
    for ((severity, code), count) in counts {
        text.push_str(&format!(
            "  {count:>width$} {}[{code}]\n",
            severity.as_str()
        ));
    }
    text
}

/// `1 page`, `2 pages`.
pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// A path with `/` separators, as URIs and JSON consumers expect.
fn uri_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Workflow-command data escaping (GitHub's toolkit rules).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Workflow-command property escaping: data escaping plus `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Position;

    fn report() -> BuildReport {
        BuildReport {
            diagnostics: vec![Diagnostic {
                severity: Severity::Error,
                code: Code::BrokenAnchor,
                file: PathBuf::from("docs/a.md"),
                position: Position {
                    line: 3,
                    column: 12,
                },
                width: 6,
                source_line: "see [b](b.md#x), ok".into(),
                target: Some("b.md#x".into()),
                message: "no heading or id `#x` on `docs/b.md`".into(),
                help: Some("did you mean `#y`?".into()),
                suggestion: Some("b.md#y".into()),
            }],
            pages: 2,
            links: 7,
            written_to: None,
            reused: 0,
            check_only: false,
        }
    }

    fn print(format: Format, root: &str) -> (String, String) {
        let printer = Printer {
            display_root: Path::new(root),
            format,
            colour: false,
            max_diagnostics: None,
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        printer.print(&report(), &mut out, &mut err).unwrap();
        (
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    #[test]
    fn human_is_rustc_like() {
        let (_, err) = print(Format::Human, ".");
        assert_eq!(
            err,
            "error[broken-anchor]: no heading or id `#x` on `docs/b.md`\n --> docs/a.md:3:12\n  |\n3 | see [b](b.md#x), ok\n  |            ^^^^^^\n  = help: did you mean `#y`?\n\nfolio: 1 error, 0 warnings in 2 pages; no site was written\n"
        );
    }

    #[test]
    fn short_is_one_line() {
        let (_, err) = print(Format::Short, "kb");
        assert!(
            err.starts_with("kb/docs/a.md:3:12: error[broken-anchor]: no heading"),
            "{err}"
        );
    }

    #[test]
    fn json_has_summary_and_suggestion() {
        let (out, _) = print(Format::Json, ".");
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            value["summary"],
            json!({"pages": 2, "links": 7, "errors": 1, "warnings": 0})
        );
        let d = &value["diagnostics"][0];
        assert_eq!(d["file"], "docs/a.md");
        assert_eq!(d["line"], 3);
        assert_eq!(d["column"], 12);
        assert_eq!(d["target"], "b.md#x");
        assert_eq!(d["suggestion"], "b.md#y");
    }

    #[test]
    fn github_commands_escape_their_fields() {
        let (out, _) = print(Format::Github, "my,book");
        assert_eq!(
            out,
            "::error file=my%2Cbook/docs/a.md,line=3,col=12,title=broken-anchor::no heading or id `#x` on `docs/b.md`%0Ahelp: did you mean `#y`?\n"
        );
    }

    #[test]
    fn sarif_is_2_1_0_with_rules_and_regions() {
        let (out, _) = print(Format::Sarif, ".");
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value["version"], "2.1.0");
        let run = &value["runs"][0];
        assert_eq!(run["tool"]["driver"]["name"], "folio");
        let result = &run["results"][0];
        assert_eq!(result["ruleId"], "broken-anchor");
        assert_eq!(result["level"], "error");
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            (region["startLine"].as_u64(), region["startColumn"].as_u64()),
            (Some(3), Some(12))
        );
        let rule = &run["tool"]["driver"]["rules"][result["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], "broken-anchor");
    }

    #[test]
    fn colour_only_when_asked() {
        let printer = Printer {
            display_root: Path::new("."),
            format: Format::Human,
            colour: true,
            max_diagnostics: None,
        };
        assert!(printer
            .human(&report().diagnostics[0])
            .contains("\x1b[1;31merror[broken-anchor]"));
    }
}
