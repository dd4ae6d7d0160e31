//! The pipeline driver: runs load → parse → resolve, then (for a build)
//! render → output, and returns a [`BuildReport`].
//!
//! Owns the order of the stages, the broken-link policy, and the rule that
//! output is written only when no error was found. It never prints: the CLI
//! formats the report and chooses the exit code.

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{self, BrokenLinks};
use crate::diag::{self, Code, Diagnostic, Severity};
use crate::external;
use crate::index;
use crate::load;
use crate::output;
use crate::parse::{self, ParsedPage};
use crate::paths;
use crate::render::highlight::Highlighter;
use crate::render::{self, OutputFile, RenderCache, TemplateError, Theme};
use crate::resolve;
use crate::source::{BookRoot, ReadError, SourceFile};

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
    /// The run only checked (`folio check`): it never meant to write.
    pub check_only: bool,
}

impl BuildReport {
    /// A report with nothing in it.
    fn empty() -> Self {
        BuildReport {
            diagnostics: Vec::new(),
            pages: 0,
            links: 0,
            written_to: None,
            check_only: false,
        }
    }

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
    with_pool(|| run_stages(options))
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
    report: BuildReport,
    theme: Option<Theme>,
    out_dir: PathBuf,
}

impl Analysis {
    /// The site's files in memory, rendered with `theme`.
    fn render(
        &self,
        theme: &Theme,
        highlighter: &Highlighter,
        cache: Option<&RenderCache>,
    ) -> Result<Vec<OutputFile>, TemplateError> {
        render::render_site(
            &self.book,
            &self.site,
            &self.pages,
            &self.indexes,
            theme,
            highlighter,
            cache,
        )
    }
}

/// Parsed pages kept between builds (the preview server keeps one): a page
/// whose text, and the text of every file it includes, is unchanged is not
/// parsed again.
#[derive(Default)]
pub struct ParseCache {
    pages: std::sync::Mutex<HashMap<String, CachedParse>>,
}

#[derive(Clone)]
struct CachedParse {
    text: u64,
    /// Included files and their text, as read for this page.
    includes: Vec<(String, u64)>,
    parsed: ParsedPage,
    diagnostics: Vec<Diagnostic>,
}

/// Parses one page, or reuses the cached parse when nothing it read changed.
fn parse_with_cache(
    page: &load::LoadedPage,
    root: &BookRoot,
    cache: Option<&ParseCache>,
) -> (ParsedPage, Vec<Diagnostic>) {
    let includes = BookIncludes {
        root,
        read: std::sync::Mutex::new(Vec::new()),
    };
    let Some(cache) = cache else {
        return parse::parse_page(&page.source, &includes);
    };
    let text = page.source.content_hash();
    let cached = cache
        .pages
        .lock()
        .ok()
        .and_then(|pages| pages.get(&page.path).cloned());
    if let Some(cached) = cached {
        let includes_unchanged = cached.includes.iter().all(|(path, hash)| {
            root.read_source(path)
                .is_ok_and(|source| source.content_hash() == *hash)
        });
        if cached.text == text && includes_unchanged {
            return (cached.parsed, cached.diagnostics);
        }
    }
    let (parsed, diagnostics) = parse::parse_page(&page.source, &includes);
    let read = includes.read.into_inner().unwrap_or_default();
    if let Ok(mut pages) = cache.pages.lock() {
        pages.insert(
            page.path.clone(),
            CachedParse {
                text,
                includes: read,
                parsed: parsed.clone(),
                diagnostics: diagnostics.clone(),
            },
        );
    }
    (parsed, diagnostics)
}

/// load → parse → index → resolve (→ external checks), with the report.
fn analyse(
    options: &BuildOptions,
    load_theme: bool,
    parse_cache: Option<&ParseCache>,
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

    let parsed: Vec<(ParsedPage, Vec<Diagnostic>)> = book
        .pages
        .par_iter()
        .map(|page| parse_with_cache(page, &book.root, parse_cache))
        .collect();
    let (mut pages, page_diagnostics): (Vec<ParsedPage>, Vec<Vec<Diagnostic>>) =
        parsed.into_iter().unzip();
    diagnostics.extend(page_diagnostics.into_iter().flatten());
    let mut book = book;
    title_from_home_page(&mut book, &pages);
    diagnostics.extend(index::check_rules(&book, &pages));
    let (indexes, index_diagnostics) = index::build_indexes(&book, &mut pages);
    diagnostics.extend(index_diagnostics);

    let (site, link_diagnostics) = resolve::resolve_site(&book, &pages);
    diagnostics.extend(link_diagnostics);
    if options.external || book.config.link_check.external {
        diagnostics.extend(check_external(&book, &pages, &site, &options.book_dir));
    }
    let mut diagnostics = apply_check_rules(apply_policy(diagnostics, policy), &book.config.check);
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let report = BuildReport {
        diagnostics,
        pages: book.pages.len(),
        links: pages.iter().map(|page| page.links.len()).sum(),
        written_to: None,
        check_only: !options.write,
    };
    Ok(Analysis {
        book,
        pages,
        indexes,
        site,
        report,
        theme,
        out_dir,
    })
}

fn run_stages(options: &BuildOptions) -> Result<BuildReport, BuildError> {
    let mut analysis = analyse(options, options.write, None)?;
    if options.write {
        // A site an interrupted build left half-swapped comes back even if
        // this build then fails.
        output::recover(&analysis.out_dir)?;
    }
    let has_errors = analysis
        .report
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error);
    let Some(theme) = analysis.theme.as_ref().filter(|_| !has_errors) else {
        return Ok(analysis.report);
    };
    let highlighter = Highlighter::with_disk_cache(
        options
            .book_dir
            .join(crate::render::highlight::DISK_CACHE_DIR),
    );
    let files = analysis.render(theme, &highlighter, None)?;
    highlighter.finish();
    let copies: Vec<(String, String)> = analysis
        .site
        .files
        .iter()
        .map(|(from, to)| (from.clone(), to.clone()))
        .collect();
    output::write_site(&analysis.out_dir, &analysis.book.root, &files, &copies)?;
    analysis.report.written_to = Some(analysis.out_dir);
    Ok(analysis.report)
}

/// A book with no `[book] title` (a bare GitBook export) is titled by its
/// home page's first heading, as GitBook titles a space, rather than by
/// the folder it was checked out into.
fn title_from_home_page(book: &mut load::Book, pages: &[ParsedPage]) {
    if book.config.title_given || book.sections.len() != 1 {
        return;
    }
    let section = &book.sections[0].config;
    let home = crate::config::join_rel(&section.dir, &section.readme);
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
    /// llms.txt, sitemap, robots and 404.
    pub fn render_rest(&self) -> Result<Vec<OutputFile>, BuildError> {
        let (analysis, extras) = &self.rest;
        let theme = analysis.theme.as_ref().expect("loaded for a build");
        Ok(extras.render(&analysis.book, &analysis.site, &analysis.pages, theme)?)
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
        let mut analysis = analyse(&options, true, Some(parse_cache))?;
        let theme = analysis.theme.as_ref().expect("loaded for a build");
        let (mut files, extras) = render::render_pages(
            &analysis.book,
            &analysis.site,
            &analysis.pages,
            &analysis.indexes,
            theme,
            highlighter,
            Some(cache),
        )?;
        for (from, to) in &analysis.site.files {
            files.push(OutputFile {
                path: to.clone(),
                contents: analysis.book.root.read_bytes(from)?,
            });
        }
        let report = std::mem::replace(&mut analysis.report, BuildReport::empty());
        Ok(MemorySite {
            report,
            files,
            out_dir: absolute(&analysis.out_dir),
            rest: (analysis, extras),
        })
    })
}

/// Checks every distinct `http(s)` address the pages link to, and reports
/// each failing one at every place it is written.
fn check_external(
    book: &load::Book,
    pages: &[ParsedPage],
    site: &resolve::Site,
    book_dir: &Path,
) -> Vec<Diagnostic> {
    let mut places = Vec::new();
    for (id, page) in pages.iter().enumerate() {
        for (index, link) in page.links.iter().enumerate() {
            // A mapped GitBook link is checked at the address readers get.
            let address = site.links[id][index]
                .href
                .clone()
                .filter(|href| href.starts_with("http"))
                .unwrap_or_else(|| link.dest.trim().to_string());
            if address.starts_with("http://") || address.starts_with("https://") {
                places.push((id, index, address));
            }
        }
    }
    let ignored = &book.config.check.ignore_urls;
    places.retain(|(_, _, url)| !ignored.is_match(url));
    let mut urls: Vec<String> = places.iter().map(|(_, _, url)| url.clone()).collect();
    // The theme's edit links come from one template: checking the first
    // page's tells whether the template is right without a request per page.
    let edit_url = book
        .pages
        .first()
        .and_then(|page| book.config.edit_url(&page.path))
        .filter(|url| url.starts_with("http://") || url.starts_with("https://"));
    urls.extend(edit_url.clone());
    let statuses = external::check_urls(&urls, &book.config.link_check, book_dir);
    let mut diagnostics: Vec<Diagnostic> = edit_url
        .and_then(|url| edit_link_diagnostic(book, &url, statuses.get(&url)?))
        .into_iter()
        .collect();
    for (id, index, url) in places {
        let link = &pages[id].links[index];
        let source = link.origin.as_deref().unwrap_or(&book.pages[id].source);
        let (severity, message, help, suggestion) = match statuses.get(&url) {
            Some(external::UrlStatus::Failed(reason)) => (
                Severity::Error,
                format!("`{url}` is unreachable: {reason}"),
                None,
                None,
            ),
            Some(external::UrlStatus::MissingFragment(fragment)) => (
                Severity::Error,
                format!("`{url}` has no `#{fragment}` anchor"),
                None,
                None,
            ),
            Some(external::UrlStatus::MovedPermanently(to)) => (
                Severity::Warning,
                format!("`{url}` has moved permanently to `{to}`"),
                Some(format!("link to `{to}`")),
                Some(to.clone()),
            ),
            _ => continue,
        };
        let mut diagnostic = source
            .diagnostic(severity, Code::ExternalLink, link.span.clone(), message)
            .with_target(url.clone());
        diagnostic.help = help;
        diagnostic.suggestion = suggestion;
        diagnostics.push(diagnostic);
    }
    diagnostics
}

/// A failing edit link, reported at `edit-url-template` in `book.toml`.
fn edit_link_diagnostic(
    book: &load::Book,
    url: &str,
    status: &external::UrlStatus,
) -> Option<Diagnostic> {
    let (severity, problem) = match status {
        external::UrlStatus::Failed(reason) => {
            (Severity::Error, format!("is unreachable: {reason}"))
        }
        external::UrlStatus::MovedPermanently(to) => (
            Severity::Warning,
            format!("has moved permanently to `{to}`"),
        ),
        _ => return None,
    };
    let source = book.root.read_source("book.toml").ok()?;
    let span = config::Config::key_span(&source.text, "edit-url-template")?;
    let diagnostic = source
        .diagnostic(
            severity,
            Code::ExternalLink,
            span,
            format!("the edit link of the first page, `{url}`, {problem}"),
        )
        .with_target(url.to_string())
        .with_help("every page's \"Edit this page\" link comes from this template; check its host, repository and branch");
    Some(diagnostic)
}

/// Reads `{% include %}` files for `parse`, relative to the including
/// file and never outside the book, and notes what it read (for the parse
/// cache).
struct BookIncludes<'a> {
    root: &'a BookRoot,
    read: std::sync::Mutex<Vec<(String, u64)>>,
}

impl parse::IncludeSource for BookIncludes<'_> {
    fn read_include(
        &self,
        from: &str,
        argument: &str,
    ) -> Result<Arc<SourceFile>, parse::IncludeError> {
        use parse::IncludeError::{InFile, Unreadable};
        let joined = paths::join(paths::parent_dir(from), &paths::percent_decode(argument));
        if joined.clamped > 0 {
            return Err(Unreadable(format!("`{argument}` is outside the book root")));
        }
        if !self.root.is_file(&joined.path) {
            return Err(Unreadable(format!(
                "included file `{argument}` does not exist"
            )));
        }
        match self.root.read_source(&joined.path) {
            Ok(source) => {
                if let Ok(mut read) = self.read.lock() {
                    read.push((joined.path.clone(), source.content_hash()));
                }
                Ok(Arc::new(source))
            }
            Err(ReadError::Encoding(diagnostic)) => Err(InFile(diagnostic)),
            Err(ReadError::Io(err)) => Err(Unreadable(err.to_string())),
        }
    }
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
