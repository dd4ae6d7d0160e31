//! The pipeline driver: runs load → parse → resolve, then (for a build)
//! render → output, and returns a [`BuildReport`].
//!
//! Owns the order of the stages, the broken-link policy, and the rule that
//! output is written only when no error was found. It never prints: the CLI
//! formats the report and chooses the exit code.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::{self, BrokenLinks};
use crate::diag::{self, Diagnostic, Severity};
use crate::index;
use crate::load;
use crate::output;
use crate::parse::ParsedPage;
use crate::render::highlight::Highlighter;
use crate::render::{
    self, OutputFile, PageCache, RenderCache, RenderError, RenderInputs, TemplateError, Theme,
};
use crate::resolve;
use crate::source::BookRoot;

#[cfg(feature = "external")]
mod external_links;
mod page_edits;
mod parse_cache;
mod progress;

#[cfg(feature = "external")]
use external_links::check_external;
pub use page_edits::PageEdits;
use parse_cache::parse_with_cache;
pub use parse_cache::ParseCache;
pub use progress::{Progress, Silent, Stage};

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The book directory.
    pub book_dir: PathBuf,
    /// Output directory; defaults to the book's `build-dir`.
    pub out_dir: Option<PathBuf>,
    /// Overrides `[build] broken-links`.
    pub broken_links: Option<BrokenLinks>,
    /// Write the site (`build`) or only check it (`check`).
    pub write: bool,
    /// Check external links over HTTP (also on with `[link-check] external`).
    pub external: bool,
    /// Overrides `[output.html] site-url`.
    pub site_url: Option<String>,
}

/// The outcome of a build or check that ran to the end.
#[derive(Debug)]
pub struct BuildReport {
    /// Every diagnostic, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Number of published pages.
    pub pages: usize,
    /// Number of links checked.
    pub links: usize,
    /// Where the site was written, if it was.
    pub written_to: Option<PathBuf>,
    /// Pages taken unchanged from the pages an earlier build kept in
    /// `.folio-cache/pages/`, rather than rendered.
    pub reused: usize,
    /// The run only checked (`folio check`): it never meant to write.
    pub check_only: bool,
}

impl BuildReport {
    /// `(errors, warnings)`.
    pub fn counts(&self) -> (usize, usize) {
        diag::count(&self.diagnostics)
    }
}

/// A failure that stops the build before it can report on content.
#[derive(Debug)]
pub enum BuildError {
    /// `book.toml` is invalid.
    Config(Box<Diagnostic>),
    /// A template failed to parse or render.
    Template(TemplateError),
    /// A file or folder could not be read or written.
    Io(io::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Config(diagnostic) => write!(f, "{}", diagnostic.message),
            BuildError::Template(err) => write!(f, "{err}"),
            BuildError::Io(err) => write!(f, "{err}"),
        }
    }
}

impl std::error::Error for BuildError {}

impl From<io::Error> for BuildError {
    fn from(err: io::Error) -> Self {
        BuildError::Io(err)
    }
}

impl From<TemplateError> for BuildError {
    fn from(err: TemplateError) -> Self {
        BuildError::Template(err)
    }
}

/// Runs the pipeline on a thread pool whose threads have room for deeply
/// nested navigation (templates recurse once per SUMMARY level).
pub fn run(options: &BuildOptions) -> Result<BuildReport, BuildError> {
    run_with_progress(options, &Silent)
}

/// [`run`], telling `progress` how far it is.
pub fn run_with_progress(
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<BuildReport, BuildError> {
    with_pool(|| run_stages(options, progress))
}

fn with_pool<T: Send>(
    work: impl FnOnce() -> Result<T, BuildError> + Send,
) -> Result<T, BuildError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(16 << 20)
        .build()
        .map_err(|err| BuildError::Io(io::Error::other(err)))?;
    pool.install(work)
}

/// Everything the stages up to `resolve` produce.
struct Analysis {
    book: load::Book,
    pages: Vec<ParsedPage>,
    indexes: Vec<index::Index>,
    site: resolve::Site,
    /// Every problem found, as the stages reported it (before the
    /// broken-link policy and `[check]` rules).
    found: Found,
    policy: BrokenLinks,
    check_only: bool,
    theme: Option<Theme>,
    out_dir: PathBuf,
    /// Whether `pages` hold their events, or dropped them to be parsed
    /// again as each is rendered.
    events_kept: bool,
}

/// What the analysis keeps of each page's Markdown events (the bulk of a
/// parsed page, about four times its source).
#[derive(Clone, Copy)]
enum Events<'a> {
    /// Kept, and carried from build to build by the preview's cache.
    Cached(&'a ParseCache),
    /// Kept when the book's pages total at most this many bytes of source;
    /// above it they are dropped after the analysis and each page is
    /// parsed again as it is rendered, so a large book's events are never
    /// all held at once.
    KeptUpTo(usize),
}

/// Up to this many bytes of source (about 1,600 pages of 10 KB), a CLI
/// build keeps the events it analysed (at most about 70 MB) rather than
/// parse every page twice.
const KEEP_EVENTS_UP_TO: usize = 16 << 20;

/// The problems of a build, kept by where they came from so that the
/// preview can redo one page's share.
struct Found {
    /// Loading, configuration, `[[rules]]`, indexes, external links.
    site: Vec<Diagnostic>,
    /// Each page's parse problems (its included files' too), by page id.
    parse: Vec<Vec<Diagnostic>>,
    /// Link problems: the site's and each page's.
    links: resolve::LinkDiagnostics,
}

impl Analysis {
    /// Renders the site with `theme` into `staging`, page by page, taking
    /// unchanged pages from `kept` and keeping the others there; returns
    /// how many were taken.
    fn render_into(
        &self,
        theme: &Theme,
        highlighter: &Highlighter,
        kept: Option<&PageCache>,
        progress: &dyn Progress,
        staging: &output::Staging,
    ) -> Result<usize, BuildError> {
        let rendered = progress::Counter::new(progress, Stage::Rendering, self.book.pages.len());
        render::render_site(
            &self.render_inputs(theme),
            highlighter,
            &|id| self.with_events(id),
            &|| rendered.tick(),
            staging,
            kept,
        )
        .map_err(|err| match err {
            RenderError::Template(err) => BuildError::Template(err),
            RenderError::Write(err) => BuildError::Io(err),
        })
    }

    /// Page `id` with its events: as analysed when the analysis kept them,
    /// else parsed again. A page or include that changed since the
    /// analysis is then an error (the links checked would not be the links
    /// rendered).
    fn with_events(&self, id: load::PageId) -> io::Result<Cow<'_, ParsedPage>> {
        let analysed = &self.pages[id];
        if self.events_kept {
            return Ok(Cow::Borrowed(analysed));
        }
        let page = &self.book.pages[id];
        let (again, _) = parse_with_cache(&page.path, &page.source, &self.book.root, None);
        let same = again.included == analysed.included
            && again.links.len() == analysed.links.len()
            && again.blocks.len() == analysed.blocks.len();
        if !same {
            return Err(io::Error::other(format!(
                "{} or a file it includes changed during the build; build again",
                page.path
            )));
        }
        Ok(Cow::Owned(ParsedPage {
            events: again.events,
            ..analysed.clone()
        }))
    }

    /// What the render stage reads of this analysis, with `theme`.
    fn render_inputs<'a>(&'a self, theme: &'a Theme) -> RenderInputs<'a> {
        RenderInputs {
            book: &self.book,
            site: &self.site,
            parsed: &self.pages,
            indexes: &self.indexes,
            theme,
        }
    }

    /// The report: every problem found, at the level the broken-link
    /// policy and `[check]` give it, in file and position order.
    fn report(&self) -> BuildReport {
        let found = &self.found;
        let all = found
            .site
            .iter()
            .chain(found.parse.iter().flatten())
            .chain(found.links.all())
            .cloned()
            .collect();
        let mut diagnostics =
            apply_check_rules(apply_policy(all, self.policy), &self.book.config.check);
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        BuildReport {
            diagnostics,
            pages: self.book.pages.len(),
            links: self.pages.iter().map(|page| page.links.len()).sum(),
            written_to: None,
            reused: 0,
            check_only: self.check_only,
        }
    }
}

/// load → parse → index → resolve (→ external checks).
fn analyse(
    options: &BuildOptions,
    load_theme: bool,
    events: Events<'_>,
    progress: &dyn Progress,
) -> Result<Analysis, BuildError> {
    let root = BookRoot::open(&options.book_dir)?;
    let (mut config, config_warnings) = config::load_config(&root).map_err(BuildError::Config)?;
    if let Some(url) = &options.site_url {
        config.site_url = Some(if url.ends_with('/') {
            url.clone()
        } else {
            format!("{url}/")
        });
    }
    let out_dir = options.out_dir.clone().unwrap_or_else(|| {
        if options.book_dir == Path::new(".") {
            config.build_dir.clone()
        } else {
            options.book_dir.join(&config.build_dir)
        }
    });
    let policy = options.broken_links.unwrap_or(config.broken_links);
    let theme = if load_theme {
        Some(Theme::load(&root, config.theme_dir.as_deref())?)
    } else {
        None
    };
    let exclude = [absolute(&out_dir)];
    let (book, mut diagnostics) = load::load_book(root, config, &exclude)?;
    diagnostics.extend(config_warnings);

    let parsing = progress::Counter::new(progress, Stage::Parsing, book.pages.len());
    let (parse_cache, events_kept) = match events {
        Events::Cached(cache) => (Some(cache), true),
        Events::KeptUpTo(limit) => {
            let source: usize = book.pages.iter().map(|page| page.source.text.len()).sum();
            (None, source <= limit)
        }
    };
    let parsed: Vec<(ParsedPage, Vec<Diagnostic>)> = book
        .pages
        .par_iter()
        .map(|page| {
            let mut parsed = parse_with_cache(&page.path, &page.source, &book.root, parse_cache);
            if !events_kept {
                parsed.0.drop_events();
            }
            parsing.tick();
            parsed
        })
        .collect();
    let (mut pages, parse_diagnostics): (Vec<ParsedPage>, Vec<Vec<Diagnostic>>) =
        parsed.into_iter().unzip();
    let mut book = book;
    title_from_home_page(&mut book, &pages);
    diagnostics.extend(index::check_rules(&book, &pages));
    let (indexes, index_diagnostics) = index::build_indexes(&book, &pages);
    diagnostics.extend(index_diagnostics);
    // Each index's groups are headings of its page from here on: resolve
    // checks links to them, render lists them in the outline.
    for index in &indexes {
        pages[index.page].headings.extend(index.headings());
    }

    progress.update(Stage::Checking, 0, 1);
    let (site, link_diagnostics) = resolve::resolve_site(&book, &pages);
    progress.update(Stage::Checking, 1, 1);
    if options.external || book.config.link_check.external {
        #[cfg(feature = "external")]
        diagnostics.extend(check_external(&book, &pages, &site, &options.book_dir));
        #[cfg(not(feature = "external"))]
        return Err(BuildError::Io(io::Error::other(
            "this folio was built without external link checks (cargo feature `external`); install it with default features, or drop --external and `[link-check] external`",
        )));
    }
    Ok(Analysis {
        book,
        pages,
        indexes,
        site,
        found: Found {
            site: diagnostics,
            parse: parse_diagnostics,
            links: link_diagnostics,
        },
        policy,
        check_only: !options.write,
        theme,
        out_dir,
        events_kept,
    })
}

fn run_stages(options: &BuildOptions, progress: &dyn Progress) -> Result<BuildReport, BuildError> {
    // `folio check` never renders: it keeps no events.
    let events_up_to = if options.write { KEEP_EVENTS_UP_TO } else { 0 };
    let analysis = analyse(
        options,
        options.write,
        Events::KeptUpTo(events_up_to),
        progress,
    )?;
    if options.write {
        // A site an interrupted build left half-swapped comes back even if
        // this build then fails.
        output::recover(&analysis.out_dir)?;
    }
    let mut report = analysis.report();
    let has_errors = report
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error);
    let Some(theme) = analysis.theme.as_ref().filter(|_| !has_errors) else {
        return Ok(report);
    };
    let highlighter = Highlighter::with_disk_cache(
        options
            .book_dir
            .join(crate::render::highlight::DISK_CACHE_DIR),
    );
    let kept = PageCache::open(&options.book_dir, &analysis.book, theme);
    keep_cache_out_of_git(&options.book_dir);
    let staging = output::Staging::begin(&analysis.out_dir)?
        .with_manifest(&options.book_dir.join(SITE_MANIFESTS_DIR));
    let reused = analysis.render_into(theme, &highlighter, kept.as_ref(), progress, &staging)?;
    highlighter.finish();
    if let Some(kept) = &kept {
        kept.finish();
    }
    progress.update(Stage::Writing, 0, 1);
    let copies: Vec<(String, String)> = analysis
        .site
        .files
        .iter()
        .map(|(from, to)| (from.clone(), to.clone()))
        .collect();
    staging.copy(&analysis.book.root, &copies)?;
    staging.commit()?;
    progress.update(Stage::Writing, 1, 1);
    report.written_to = Some(analysis.out_dir);
    report.reused = reused;
    Ok(report)
}

/// Where `folio build` keeps the manifest of each output folder it wrote
/// (what each file was made from), relative to the book's root.
const SITE_MANIFESTS_DIR: &str = ".folio-cache/sites";

/// Writes `.folio-cache/.gitignore` (`*`), as pytest does for its cache,
/// so a GitBook export's repository never commits folio's caches, whatever
/// its own `.gitignore` says. Failures are ignored: the caches only save
/// work.
fn keep_cache_out_of_git(book_dir: &Path) {
    let dir = book_dir.join(".folio-cache");
    let file = dir.join(".gitignore");
    if file.exists() {
        return;
    }
    let _ = std::fs::create_dir_all(&dir).and_then(|()| {
        std::fs::write(
            &file,
            "# Written by folio: everything here is derived and safe to delete.\n*\n",
        )
    });
}

/// A book with no `[book] title` (a bare GitBook export) is titled by its
/// home page's first heading, as GitBook titles a space, rather than by
/// the folder it was checked out into.
fn title_from_home_page(book: &mut load::Book, pages: &[ParsedPage]) {
    if book.config.title_given || book.sections.len() != 1 {
        return;
    }
    let section = &book.sections[0].config;
    let home = crate::paths::join_rel(&section.dir, &section.readme);
    let title = book
        .pages
        .iter()
        .position(|page| page.path == home)
        .and_then(|id| pages[id].title.clone())
        .filter(|title| !title.trim().is_empty());
    if let Some(title) = title {
        book.sections[0].config.title = title.clone();
        book.config.title = title;
    }
}

/// A book built into memory by [`build_in_memory`], in two parts: what a
/// reader opens first (`files`), and the files built from every page at
/// once, rendered by [`MemorySite::render_rest`] when the caller is ready.
pub struct MemorySite {
    /// The report of the build.
    pub report: BuildReport,
    /// Every page, the theme's files and the published book files.
    pub files: Vec<OutputFile>,
    /// Where `folio build` would write this site (not source, for the
    /// preview's watcher).
    pub out_dir: PathBuf,
    rest: (Analysis, render::SiteExtras),
}

impl MemorySite {
    /// The rest of the site: print page, search index, page Markdown,
    /// llms.txt, sitemap, robots and 404. `None` when `stop` was set
    /// before it was done (the preview stops it when a newer save arrives).
    pub fn render_rest(
        &self,
        stop: &std::sync::atomic::AtomicBool,
    ) -> Result<Option<Vec<OutputFile>>, BuildError> {
        let (analysis, extras) = &self.rest;
        let theme = analysis.theme.as_ref().expect("loaded for a build");
        Ok(extras.render(&analysis.render_inputs(theme), stop)?)
    }
}

/// Builds the book's pages into memory, for the preview server: the site is
/// rendered even when there are content errors (the preview shows them),
/// and published files are read in. `highlighter`, `cache` and
/// `parse_cache` carry work from earlier builds, so an unchanged page is
/// neither parsed nor rendered again.
pub fn build_in_memory(
    book_dir: &Path,
    highlighter: &Highlighter,
    cache: &RenderCache,
    parse_cache: &ParseCache,
) -> Result<MemorySite, BuildError> {
    let options = BuildOptions {
        book_dir: book_dir.to_path_buf(),
        out_dir: None,
        broken_links: None,
        write: true,
        external: false,
        site_url: None,
    };
    with_pool(|| {
        let analysis = analyse(&options, true, Events::Cached(parse_cache), &Silent)?;
        let theme = analysis.theme.as_ref().expect("loaded for a build");
        let (mut files, extras) =
            render::render_pages(&analysis.render_inputs(theme), highlighter, Some(cache))?;
        for (from, to) in &analysis.site.files {
            files.push(OutputFile {
                path: to.clone(),
                contents: analysis.book.root.read_bytes(from)?,
            });
        }
        let report = analysis.report();
        Ok(MemorySite {
            report,
            files,
            out_dir: absolute(&analysis.out_dir),
            rest: (analysis, extras),
        })
    })
}

/// `broken-links = "warn"` turns link errors into warnings.
fn apply_policy(diagnostics: Vec<Diagnostic>, policy: BrokenLinks) -> Vec<Diagnostic> {
    diagnostics
        .into_iter()
        .map(|d| {
            if policy == BrokenLinks::Warn && d.code.is_link_problem() {
                d.downgraded()
            } else {
                d
            }
        })
        .collect()
}

/// `[check]`: problems in ignored files or about ignored addresses are
/// dropped, and each code counts at the level the book sets.
fn apply_check_rules(diagnostics: Vec<Diagnostic>, rules: &config::CheckRules) -> Vec<Diagnostic> {
    diagnostics
        .into_iter()
        .filter(|d| !rules.ignore_files.is_match(&d.file))
        .filter(|d| {
            !d.target
                .as_deref()
                .is_some_and(|t| rules.ignore_urls.is_match(t))
        })
        .filter_map(|d| match rules.level(d.code) {
            Some(config::Level::Allow) => None,
            Some(config::Level::Warn) => Some(d.downgraded()),
            Some(config::Level::Deny) => Some(d.upgraded()),
            None => Some(d),
        })
        .collect()
}

/// An absolute form of a path that may not exist yet.
fn absolute(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_book_parses_each_page_again_and_a_changed_include_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("SUMMARY.md", "# Summary\n\n* [Home](README.md)\n");
        write(
            "README.md",
            "# Home\n\n## Part\n\n{% include \".gitbook/includes/part.md\" %}\n",
        );
        write(".gitbook/includes/part.md", "Shared text.\n");
        let options = BuildOptions {
            book_dir: dir.path().to_path_buf(),
            out_dir: None,
            broken_links: None,
            write: true,
            external: false,
            site_url: None,
        };
        // A book under the limit keeps its events: each page is rendered
        // from the events analysed, whatever changed since.
        let kept =
            with_pool(|| analyse(&options, false, Events::KeptUpTo(1 << 20), &Silent)).unwrap();
        assert!(!kept.pages[0].events.is_empty());
        assert!(matches!(kept.with_events(0), Ok(Cow::Borrowed(_))));
        // Above it (0 bytes here), they are dropped.
        let analysis =
            with_pool(|| analyse(&options, false, Events::KeptUpTo(0), &Silent)).unwrap();
        // The analysis keeps no events; parsing again gives them back, with
        // the analysis's own headings, links and blocks.
        assert!(analysis.pages[0].events.is_empty());
        let again = analysis.with_events(0).unwrap();
        assert!(!again.events.is_empty());
        assert_eq!(again.headings, analysis.pages[0].headings);
        assert_eq!(again.included, analysis.pages[0].included);
        // An include changed since the analysis: its links were not checked.
        write(".gitbook/includes/part.md", "See [there](elsewhere.md).\n");
        assert!(kept.with_events(0).is_ok());
        let err = analysis.with_events(0).unwrap_err();
        assert!(
            err.to_string()
                .contains("README.md or a file it includes changed during the build"),
            "{err}"
        );
    }
}
