//! The preview's rebuild loop: build, compare with what is served, swap,
//! tell the tabs, and say one line in the terminal.
//!
//! Owns the caches that rebuilds share (parsed pages, highlighted code,
//! rendered pages), isolation from failures (an error or a panic in a
//! rebuild keeps the last good site served and the overlay says why; the
//! next save builds again with fresh caches), and the terminal: the full
//! report once at start, then per rebuild one line and only the
//! diagnostics that are new. It never serves HTTP and never watches files
//! itself.

use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::build::{self, BuildReport, MemorySite, ParseCache};
use crate::diag::Diagnostic;
use crate::render::highlight::Highlighter;
use crate::render::RenderCache;
use crate::report::{self, plural};

use super::changes::{SiteChanges, SiteFiles};
use super::{ServerEvent, Shared};

/// The rebuild state of one preview.
pub(super) struct Preview {
    book_dir: PathBuf,
    caches: Caches,
    /// The diagnostics of the last good build, to print only new ones.
    known: HashSet<String>,
    /// Where `folio build` would write the site (not source).
    pub(super) out_dir: PathBuf,
    /// The files built from every page at once (search index, print page,
    /// site files), served until their next version is ready.
    rest: Vec<String>,
}

/// What rebuilds reuse.
#[derive(Default)]
struct Caches {
    highlighter: Highlighter,
    parse: ParseCache,
    render: RenderCache,
}

impl Caches {
    fn new() -> Self {
        Caches {
            highlighter: Highlighter::with_cache(),
            ..Caches::default()
        }
    }
}

/// Why a build produced nothing to serve.
pub(super) struct Failure(pub(super) String);

impl Preview {
    pub(super) fn new(book_dir: PathBuf) -> Self {
        let out_dir = book_dir.join("book");
        Preview {
            book_dir,
            caches: Caches::new(),
            known: HashSet::new(),
            out_dir,
            rest: Vec::new(),
        }
    }

    /// The first build: the full report is printed and the site published
    /// without telling any tab (there are none yet).
    pub(super) fn start(&mut self, shared: &Shared) -> Result<(), Failure> {
        let site = self.build()?;
        let report = &site.report;
        let _ = self
            .terminal()
            .print_diagnostics(&report.diagnostics, &mut std::io::stderr());
        let (errors, warnings) = report.counts();
        eprintln!(
            "folio: built {} ({}, {}){}",
            plural(report.pages, "page"),
            plural(errors, "error"),
            plural(warnings, "warning"),
            if errors + warnings > 0 {
                "; open pages show them until they are fixed"
            } else {
                ""
            }
        );
        self.known = site.report.diagnostics.iter().map(identity).collect();
        self.out_dir = site.out_dir.clone();
        let rest = site.render_rest().map_err(|err| Failure(err.to_string()))?;
        self.rest = rest.iter().map(|file| file.path.clone()).collect();
        if let Ok(mut served) = shared.served.write() {
            served.diagnostics_json = diagnostics_json(&site.report);
            served.files = to_map(site.files);
            served.files.extend(to_map(rest));
        }
        self.caches.render.take_rendered_count();
        Ok(())
    }

    /// Rebuilds after `edited` changed. The pages are published and the
    /// tabs told first; the files built from every page at once (search
    /// index, print page, site files) follow.
    pub(super) fn rebuild(&mut self, shared: &Shared, edited: &[PathBuf]) {
        let started = Instant::now();
        let mut site = match self.build() {
            Ok(site) => site,
            Err(Failure(message)) => return self.failed(shared, &message),
        };
        let mut pages = to_map(std::mem::take(&mut site.files));
        let json = diagnostics_json(&site.report);
        let Ok(mut served) = shared.served.write() else {
            return;
        };
        for path in &self.rest {
            if let Some(bytes) = served.files.get(path) {
                pages.insert(path.clone(), Arc::clone(bytes));
            }
        }
        let changes = SiteChanges::between(&served.files, &pages);
        let diagnostics_changed = served.diagnostics_json != json;
        served.files = pages;
        served.diagnostics_json = json.clone();
        drop(served);
        self.out_dir = site.out_dir.clone();
        self.print_rebuild(&site.report, edited, started);
        if diagnostics_changed {
            let _ = shared.events.send(ServerEvent::Diagnostics(json));
        }
        if !changes.is_empty() {
            let _ = shared.events.send(ServerEvent::Changed(Arc::new(changes)));
        }
        self.publish_rest(shared, &site);
    }

    /// Renders and publishes the files built from every page at once, and
    /// tells the tabs showing one of them (the print page, the 404 page).
    fn publish_rest(&mut self, shared: &Shared, site: &MemorySite) {
        let rest = match panic::catch_unwind(AssertUnwindSafe(|| site.render_rest())) {
            Ok(Ok(rest)) => rest,
            Ok(Err(err)) => return self.failed(shared, &err.to_string()),
            Err(_) => return self.failed(shared, "folio crashed while building the search index and site files; this is a bug in folio, please report it"),
        };
        let Ok(mut served) = shared.served.write() else {
            return;
        };
        let mut files = served.files.clone();
        for path in &self.rest {
            files.remove(path);
        }
        self.rest = rest.iter().map(|file| file.path.clone()).collect();
        files.extend(to_map(rest));
        let changes = SiteChanges::between(&served.files, &files);
        served.files = files;
        drop(served);
        if !changes.is_empty() {
            let _ = shared.events.send(ServerEvent::Changed(Arc::new(changes)));
        }
    }

    /// Builds into memory; a panic is caught, reported as a failure, and
    /// the caches it may have left half-written are dropped.
    fn build(&mut self) -> Result<MemorySite, Failure> {
        let caches = &self.caches;
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            build::build_in_memory(
                &self.book_dir,
                &caches.highlighter,
                &caches.render,
                &caches.parse,
            )
        }));
        match outcome {
            Ok(Ok(site)) => Ok(site),
            Ok(Err(err)) => Err(Failure(err.to_string())),
            Err(payload) => {
                self.caches = Caches::new();
                let reason = payload
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| payload.downcast_ref::<&str>().copied())
                    .unwrap_or("unknown cause");
                Err(Failure(format!(
                    "folio crashed while building ({reason}); this is a bug in folio, please report it with the file you saved"
                )))
            }
        }
    }

    /// A failed rebuild: the last good site stays; the overlay and the
    /// terminal say why.
    fn failed(&mut self, shared: &Shared, message: &str) {
        eprintln!("folio: rebuild failed: {message}\nfolio: still serving the last good site");
        let json = failure_json(message);
        let changed = shared.served.write().is_ok_and(|mut served| {
            let changed = served.diagnostics_json != json;
            served.diagnostics_json = json.clone();
            changed
        });
        if changed {
            let _ = shared.events.send(ServerEvent::Diagnostics(json));
        }
    }

    /// One line for the rebuild, then the diagnostics not seen before.
    fn print_rebuild(&mut self, report: &BuildReport, edited: &[PathBuf], started: Instant) {
        let (errors, warnings) = report.counts();
        let rendered = self.caches.render.take_rendered_count();
        let fresh: Vec<Diagnostic> = report
            .diagnostics
            .iter()
            .filter(|d| !self.known.contains(&identity(d)))
            .cloned()
            .collect();
        self.known = report.diagnostics.iter().map(identity).collect();
        eprintln!(
            "folio: {} changed; rebuilt in {} ms: {} re-rendered, {}, {}{}",
            describe_edits(&self.book_dir, edited),
            started.elapsed().as_millis(),
            plural(rendered, "page"),
            plural(errors, "error"),
            plural(warnings, "warning"),
            if fresh.is_empty() {
                String::new()
            } else {
                format!(" ({} new)", fresh.len())
            }
        );
        let _ = self
            .terminal()
            .print_diagnostics(&fresh, &mut std::io::stderr());
    }

    fn terminal(&self) -> report::Printer<'_> {
        report::Printer {
            display_root: &self.book_dir,
            format: report::Format::Human,
            colour: false,
            max_diagnostics: None,
        }
    }
}

/// `content/a.md`, or `content/a.md and 3 other files`.
fn describe_edits(book_dir: &Path, edited: &[PathBuf]) -> String {
    let Some(first) = edited.first() else {
        return "the book".to_string();
    };
    let name = first.strip_prefix(book_dir).unwrap_or(first).display();
    match edited.len() {
        1 => name.to_string(),
        n => format!("{name} and {}", plural(n - 1, "other file")),
    }
}

/// What makes a diagnostic the same one in two builds.
fn identity(d: &Diagnostic) -> String {
    format!(
        "{}:{}:{}:{}:{}",
        d.file.display(),
        d.position.line,
        d.position.column,
        d.code.as_str(),
        d.message
    )
}

fn to_map(files: Vec<crate::render::OutputFile>) -> SiteFiles {
    files
        .into_iter()
        .map(|file| (file.path, Arc::new(file.contents)))
        .collect()
}

fn diagnostics_json(report: &BuildReport) -> String {
    report::json_document(report).replace('\n', "")
}

/// The overlay's report for a build that produced nothing.
fn failure_json(message: &str) -> String {
    serde_json::json!({
        "summary": {"errors": 1, "warnings": 0},
        "diagnostics": [{"severity": "error", "code": "build-failed", "file": "", "line": 0, "column": 0, "message": message}],
    })
    .to_string()
}
