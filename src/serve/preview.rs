//! The preview's rebuild loop: build, compare with what is served, swap,
//! tell the tabs, and say one line in the terminal.
//!
//! Owns the caches that rebuilds share (parsed pages, highlighted code,
//! rendered pages), the last good build (a save that changes only the
//! pages it touches updates it in place: `MemorySite::apply_edits`), the
//! background job that builds the files made from every page at once
//! (search index, print page, site files) after the pages are served — a
//! newer save stops it — and isolation from failures (an error or a panic
//! in a rebuild keeps the last good site served and the overlay says why;
//! the next save builds again with fresh caches). Also the terminal: the
//! full report once at start, then per rebuild one line and only the
//! diagnostics that are new. It never serves HTTP and never watches files
//! itself.

use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Instant;

use crate::build::{self, BuildReport, MemorySite, ParseCache};
use crate::diag::{Code, Diagnostic, Position, Severity};
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
    /// The last good build.
    last: Last,
}

/// Where the last good build is.
enum Last {
    /// None yet, or the last rebuild failed.
    Nothing,
    /// Everything built from it is served.
    Ready(Box<MemorySite>),
    /// Its search index, print page and site files are being built in the
    /// background; the job gives the build back when it ends.
    Rendering(WholeBookJob),
}

/// The background job that builds and serves the files made from every
/// page at once.
struct WholeBookJob {
    stop: Arc<AtomicBool>,
    handle: JoinHandle<MemorySite>,
}

/// What rebuilds reuse.
#[derive(Default)]
struct Caches {
    highlighter: Highlighter,
    parse: ParseCache,
    render: RenderCache,
}

impl Caches {
    /// Fresh caches for the book at `book_dir`; highlighted blocks are also
    /// read from and kept in its `.folio-cache/highlight/`, as `folio
    /// build` does.
    fn new(book_dir: &Path) -> Self {
        Caches {
            highlighter: Highlighter::with_cache_on_disk(
                book_dir.join(crate::render::highlight::DISK_CACHE_DIR),
            ),
            ..Caches::default()
        }
    }
}

/// Why a build produced nothing to serve: a message for the terminal and,
/// when the failure has a place in the book (an invalid `book.toml`), its
/// diagnostic for the overlay.
pub(super) struct Failure(pub(super) String, pub(super) Option<Box<Diagnostic>>);

impl Failure {
    /// A failure with no place in the book.
    pub(super) fn message(message: impl Into<String>) -> Failure {
        Failure(message.into(), None)
    }

    /// A failed build: an invalid `book.toml` keeps its diagnostic (file,
    /// line, code), anything else is its message.
    fn of_build(err: build::BuildError) -> Failure {
        match err {
            build::BuildError::Config(diagnostic) => Failure(
                format!(
                    "{}:{}:{}: {}",
                    diagnostic.file.display(),
                    diagnostic.position.line,
                    diagnostic.position.column,
                    diagnostic.message
                ),
                Some(diagnostic),
            ),
            other => Failure::message(other.to_string()),
        }
    }
}

/// A save the fast path does not take: build the whole book.
struct Unapplied;

impl Preview {
    pub(super) fn new(book_dir: PathBuf) -> Self {
        let out_dir = book_dir.join("book");
        Preview {
            caches: Caches::new(&book_dir),
            book_dir,
            known: HashSet::new(),
            out_dir,
            last: Last::Nothing,
        }
    }

    /// The first build: the full report is printed and the whole site
    /// published, search index included, without telling any tab (there
    /// are none yet).
    pub(super) fn start(&mut self, shared: &Shared) -> Result<(), Failure> {
        let mut site = self.build()?;
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
        let never = AtomicBool::new(false);
        let whole_book = site
            .render_rest(&never)
            .map_err(Failure::of_build)?
            .unwrap_or_default();
        if let Ok(mut served) = shared.served.write() {
            served.diagnostics_json = diagnostics_json(&site.report);
            served.files = to_map(std::mem::take(&mut site.files));
            served.whole_book = whole_book.iter().map(|file| file.path.clone()).collect();
            served.files.extend(to_map(whole_book));
        }
        self.caches.render.take_rendered_count();
        self.last = Last::Ready(Box::new(site));
        Ok(())
    }

    /// Rebuilds after `edited` changed. The pages are published and the
    /// tabs told first; the files built from every page at once (search
    /// index, print page, site files) follow in the background. A save
    /// that changes only the pages it touches updates the last build in
    /// place; anything else builds the whole book.
    pub(super) fn rebuild(&mut self, shared: &Shared, edited: &[PathBuf]) {
        let started = Instant::now();
        if let Some(site) = self.take_last() {
            if let Ok(()) = self.apply_edits(shared, site, edited, started) {
                return;
            }
        }
        let mut site = match self.build() {
            Ok(site) => site,
            Err(failure) => return self.failed(shared, &failure),
        };
        let mut pages = to_map(std::mem::take(&mut site.files));
        let Ok(served) = shared.served.read() else {
            return;
        };
        for path in &served.whole_book {
            if let Some(bytes) = served.files.get(path) {
                pages.insert(path.clone(), Arc::clone(bytes));
            }
        }
        drop(served);
        self.publish(shared, site, pages, edited, started);
    }

    /// The last good build, once its background job (if any) has stopped.
    fn take_last(&mut self) -> Option<MemorySite> {
        match std::mem::replace(&mut self.last, Last::Nothing) {
            Last::Nothing => None,
            Last::Ready(site) => Some(*site),
            Last::Rendering(job) => {
                job.stop.store(true, Ordering::Relaxed);
                job.handle.join().ok()
            }
        }
    }

    /// The fast path: applies the save to the last build in place, if it
    /// changes only the pages it touches.
    fn apply_edits(
        &mut self,
        shared: &Shared,
        mut site: MemorySite,
        edited: &[PathBuf],
        started: Instant,
    ) -> Result<(), Unapplied> {
        let caches = &self.caches;
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            site.apply_edits(edited, &caches.highlighter, &caches.render, &caches.parse)
        }));
        let edits = match outcome {
            Ok(Ok(Some(edits))) => edits,
            Ok(Ok(None)) => return Err(Unapplied),
            Ok(Err(err)) => {
                self.failed(shared, &Failure::of_build(err));
                return Ok(());
            }
            Err(_) => {
                // The whole build that follows reports the crash, if it
                // happens again, with fresh caches.
                self.caches = Caches::new(&self.book_dir);
                return Err(Unapplied);
            }
        };
        let Ok(served) = shared.served.read() else {
            return Ok(());
        };
        let mut files = served.files.clone();
        drop(served);
        for path in &edits.removed {
            files.remove(path);
        }
        files.extend(to_map(edits.files));
        self.publish(shared, site, files, edited, started);
        Ok(())
    }

    /// Serves `files` (every page, and the last version of the files
    /// built from every page at once), tells the tabs what changed, says
    /// one line, then starts building those other files.
    fn publish(
        &mut self,
        shared: &Shared,
        site: MemorySite,
        files: SiteFiles,
        edited: &[PathBuf],
        started: Instant,
    ) {
        let json = diagnostics_json(&site.report);
        let Ok(mut served) = shared.served.write() else {
            return;
        };
        let changes = SiteChanges::between(&served.files, &files);
        let diagnostics_changed = served.diagnostics_json != json;
        served.files = files;
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
        self.start_whole_book(shared, site);
    }

    /// Builds the search index, print page and site files of `site` in
    /// the background and serves them when done, unless a newer save
    /// stops the job first.
    fn start_whole_book(&mut self, shared: &Shared, site: MemorySite) {
        let stop = Arc::new(AtomicBool::new(false));
        let job_stop = Arc::clone(&stop);
        let shared = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("folio-whole-book".into())
            .stack_size(super::PREVIEW_STACK)
            .spawn(move || {
                publish_whole_book(&shared, &site, &job_stop);
                site
            });
        // Without a thread, the next save builds the whole book again.
        if let Ok(handle) = spawned {
            self.last = Last::Rendering(WholeBookJob { stop, handle });
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
            Ok(Ok(site)) => {
                // What this build highlighted is sealed for the next
                // preview or `folio build`.
                caches.highlighter.finish();
                Ok(site)
            }
            Ok(Err(err)) => Err(Failure::of_build(err)),
            Err(payload) => {
                self.caches = Caches::new(&self.book_dir);
                let reason = payload
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| payload.downcast_ref::<&str>().copied())
                    .unwrap_or("unknown cause");
                Err(Failure::message(format!(
                    "folio crashed while building ({reason}); this is a bug in folio, please report it with the file you saved"
                )))
            }
        }
    }

    /// A failed rebuild: the last good site stays served; the overlay
    /// and the terminal say why. The next save builds the whole book.
    fn failed(&mut self, shared: &Shared, failure: &Failure) {
        self.last = Last::Nothing;
        report_failure(shared, failure);
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

/// The background job's work: builds the files made from every page at
/// once and serves them in place of their last version, telling the tabs
/// that show one (the print page, the 404 page).
fn publish_whole_book(shared: &Shared, site: &MemorySite, stop: &AtomicBool) {
    let whole_book = match panic::catch_unwind(AssertUnwindSafe(|| site.render_rest(stop))) {
        Ok(Ok(Some(files))) => files,
        Ok(Ok(None)) => return,
        Ok(Err(err)) => return report_failure(shared, &Failure::of_build(err)),
        Err(_) => return report_failure(shared, &Failure::message("folio crashed while building the search index and site files; this is a bug in folio, please report it")),
    };
    let Ok(mut served) = shared.served.write() else {
        return;
    };
    let mut files = served.files.clone();
    for path in &served.whole_book {
        files.remove(path);
    }
    served.whole_book = whole_book.iter().map(|file| file.path.clone()).collect();
    files.extend(to_map(whole_book));
    let changes = SiteChanges::between(&served.files, &files);
    served.files = files;
    drop(served);
    if !changes.is_empty() {
        let _ = shared.events.send(ServerEvent::Changed(Arc::new(changes)));
    }
}

/// Tells the terminal and the overlay why a rebuild produced nothing; the
/// last good site stays served.
fn report_failure(shared: &Shared, Failure(message, diagnostic): &Failure) {
    eprintln!("folio: rebuild failed: {message}\nfolio: still serving the last good site");
    let json = failure_json(message, diagnostic.as_deref());
    let changed = shared.served.write().is_ok_and(|mut served| {
        let changed = served.diagnostics_json != json;
        served.diagnostics_json = json.clone();
        changed
    });
    if changed {
        let _ = shared.events.send(ServerEvent::Diagnostics(json));
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

/// The overlay's report: `--format json`'s document, on one line (an event
/// stream's data).
fn diagnostics_json(report: &BuildReport) -> String {
    serde_json::to_string(&report::json_value(report)).unwrap_or_default()
}

/// The overlay's report for a build that produced nothing: its diagnostic
/// when it has a place in the book, else one `build-failed` error at no
/// place.
fn failure_json(message: &str, diagnostic: Option<&Diagnostic>) -> String {
    let failure = diagnostic.cloned().unwrap_or_else(|| Diagnostic {
        severity: Severity::Error,
        code: Code::BuildFailed,
        file: PathBuf::new(),
        position: Position { line: 0, column: 0 },
        width: 0,
        source_line: String::new(),
        target: None,
        message: message.to_string(),
        help: None,
        suggestion: None,
    });
    diagnostics_json(&BuildReport {
        diagnostics: vec![failure],
        pages: 0,
        links: 0,
        written_to: None,
        reused: 0,
        check_only: false,
    })
}
