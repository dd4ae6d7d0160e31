//! The preview's fast path: a save of page text, of a file pages include,
//! or of a published file, applied to a book already built in memory.
//!
//! Owns deciding whether a save stays inside the pages it touches and, when
//! it does, redoing parse → resolve → render for those pages alone. A save
//! stays inside its pages when each page keeps its front matter (byte for
//! byte), its title and what it adds to shared files (icons, diagrams), and
//! is not a generated index page: then no other page's navigation, title,
//! cards or listing can change. When a page's anchors change, only the pages
//! that link to it are resolved again (their fragment checks) and
//! re-rendered. It never guesses: anything else (SUMMARY, `book.toml`, the
//! theme, a new or deleted file, an unreadable save) returns `None`, and the
//! caller builds the whole book.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::load::PageId;
use crate::parse::ParsedPage;
use crate::render::{self, highlight::Highlighter, OutputFile, RenderCache};
use crate::resolve;

use super::parse_cache::parse_with_cache;
use super::{BuildError, MemorySite, ParseCache};

/// What a save changed in a site built into memory.
#[derive(Debug, Default)]
pub struct PageEdits {
    /// Files whose contents are new (pages, published files).
    pub files: Vec<OutputFile>,
    /// Site paths no longer published (a file only the saved page linked).
    pub removed: Vec<String>,
}

/// Which pages a save touches, and how.
#[derive(Default)]
struct Touched {
    /// Pages whose own text, or a file they include, was saved.
    reparse: BTreeSet<PageId>,
    /// Published files saved: book-relative paths.
    published: BTreeSet<String>,
}

impl MemorySite {
    /// Applies a save of `edited` (paths as the watcher reports them) to
    /// this site in place, when it changes nothing but the pages it
    /// touches; the report is brought up to date. `None` means the save
    /// reaches further (or cannot be read): build the whole book.
    pub fn apply_edits(
        &mut self,
        edited: &[PathBuf],
        highlighter: &Highlighter,
        cache: &RenderCache,
        parse_cache: &ParseCache,
    ) -> Result<Option<PageEdits>, BuildError> {
        let (analysis, extras) = &mut self.rest;
        let Some(touched) = touched(analysis, edited, parse_cache) else {
            return Ok(None);
        };
        let Some(reparsed) = reparse(analysis, &touched.reparse, parse_cache) else {
            return Ok(None);
        };
        let files_before = analysis.site.files.clone();
        let mut resolve_again: BTreeSet<PageId> = touched.reparse.clone();
        for (id, page, source, diagnostics) in reparsed {
            if anchors(&analysis.pages[id]) != anchors(&page) {
                resolve_again.extend(linking_to(&analysis.site, id));
            }
            analysis.book.pages[id].source = source;
            analysis.pages[id] = page;
            analysis.found.parse[id] = diagnostics;
        }
        for path in &touched.published {
            // A saved download's size shows in the file cards that link it.
            analysis.book.files.refresh(&analysis.book.root, path);
        }
        resolve_again.extend(linking_to_files(&analysis.site, &touched.published));
        for &id in &resolve_again {
            analysis.found.links.pages[id] =
                resolve::resolve_page(&analysis.book, &analysis.pages, &mut analysis.site, id);
        }
        let ids: Vec<PageId> = resolve_again.into_iter().collect();
        let theme = analysis.theme.as_ref().expect("loaded for a build");
        let mut files = extras.render_again(
            &analysis.render_inputs(theme),
            highlighter,
            Some(cache),
            &ids,
        )?;
        let files_after = &analysis.site.files;
        for (from, to) in files_after {
            let new = !files_before.contains_key(from);
            if new || touched.published.contains(from) {
                files.push(OutputFile {
                    path: to.clone(),
                    contents: analysis.book.root.read_bytes(from)?,
                });
            }
        }
        let removed = files_before
            .iter()
            .filter(|(from, _)| !files_after.contains_key(*from))
            .map(|(_, to)| to.clone())
            .collect();
        self.report = analysis.report();
        Ok(Some(PageEdits { files, removed }))
    }
}

/// The pages and published files a save touches, or `None` when it
/// touches anything else.
fn touched(
    analysis: &super::Analysis,
    edited: &[PathBuf],
    parse_cache: &ParseCache,
) -> Option<Touched> {
    let root = analysis.book.root.canonical();
    let mut touched = Touched::default();
    for path in edited {
        let rel = book_relative(root, path)?;
        let page = analysis.book.page_at(&rel);
        let including = parse_cache.pages_including(&rel);
        if page.is_none() && including.is_empty() {
            let generates_pages = analysis
                .book
                .pages
                .iter()
                .any(|page| page.generated_from.as_deref() == Some(rel.as_str()));
            if !analysis.site.files.contains_key(&rel)
                || is_config_file(analysis, &rel)
                || generates_pages
            {
                return None;
            }
            touched.published.insert(rel);
            continue;
        }
        touched.reparse.extend(page);
        for including in including {
            touched.reparse.insert(analysis.book.page_at(&including)?);
        }
    }
    Some(touched)
}

/// `path` as a book-relative, `/`-separated path, if it is a file in the
/// book.
fn book_relative(root: &Path, path: &Path) -> Option<String> {
    let canonical = path.canonicalize().ok()?;
    let rel = canonical.strip_prefix(root).ok()?;
    let parts: Vec<&str> = rel
        .components()
        .map(|part| part.as_os_str().to_str())
        .collect::<Option<_>>()?;
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Files the configuration names (logo, favicon, scripts): whether they
/// change what pages show is the theme's business.
fn is_config_file(analysis: &super::Analysis, rel: &str) -> bool {
    analysis
        .book
        .config
        .theme_files()
        .into_iter()
        .any(|(_, path)| path == rel)
}

/// A page parsed again: its id, parse, source and parse problems.
type Reparsed = (
    PageId,
    ParsedPage,
    crate::source::SourceFile,
    Vec<crate::diag::Diagnostic>,
);

/// Parses `ids` again from disk; `None` if one cannot be read or changed
/// more than its own HTML.
fn reparse(
    analysis: &super::Analysis,
    ids: &BTreeSet<PageId>,
    parse_cache: &ParseCache,
) -> Option<Vec<Reparsed>> {
    let book = &analysis.book;
    let mut reparsed = Vec::new();
    for &id in ids {
        if analysis.indexes.iter().any(|index| index.page == id) {
            return None;
        }
        let loaded = &book.pages[id];
        if loaded.generated_from.is_some() {
            return None;
        }
        let source = book.root.read_source(&loaded.path).ok()?;
        let (parsed, diagnostics) =
            parse_with_cache(&loaded.path, &source, &book.root, Some(parse_cache));
        let old = &analysis.pages[id];
        let same_face = front_matter_text(&loaded.source.text, old)
            == front_matter_text(&source.text, &parsed)
            && old.title == parsed.title
            && render::shared_inputs(old) == render::shared_inputs(&parsed);
        if !same_face {
            return None;
        }
        reparsed.push((id, parsed, source, diagnostics));
    }
    Some(reparsed)
}

/// The page's front matter as written (empty without one).
fn front_matter_text<'t>(text: &'t str, page: &ParsedPage) -> &'t str {
    text.get(..page.body_offset).unwrap_or(text)
}

/// The fragment targets a page offers other pages.
fn anchors(page: &ParsedPage) -> (Vec<&str>, &[String]) {
    let ids = page.headings.iter().map(|h| h.id.as_str()).collect();
    (ids, &page.html_ids)
}

/// Pages with a link whose fragment was checked against page `id`'s
/// anchors (found or not).
fn linking_to(site: &resolve::Site, id: PageId) -> Vec<PageId> {
    (0..site.links.len())
        .filter(|&from| {
            site.links[from]
                .iter()
                .any(|link| link.anchors_of == Some(id))
        })
        .collect()
}

/// Pages with a link to one of `files` (book-relative): a file block shows
/// the file's size.
fn linking_to_files(site: &resolve::Site, files: &BTreeSet<String>) -> Vec<PageId> {
    if files.is_empty() {
        return Vec::new();
    }
    (0..site.links.len())
        .filter(|&from| {
            site.links[from]
                .iter()
                .filter_map(|link| link.file_path.as_ref())
                .any(|path| files.contains(path))
        })
        .collect()
}
