//! Rendering: the resolved site → one HTML document per page.
//!
//! Owns turning Markdown events into body HTML (`markdown`), syntax
//! highlighting (`highlight`), the theme (`theme`) and the views templates see
//! (`context`). Pages render in parallel; the result is a list of files in
//! memory for `output` to write.
//!
//! It never resolves links, reports missing targets or writes files.

mod blocks;
mod context;
mod disk_cache;
mod embeds;
pub mod highlight;
mod html_fixes;
mod icons;
mod line_memo;
mod listing;
mod markdown;
mod mermaid;
mod not_found;
mod page_cache;
mod print;
mod site_files;
mod site_page;
pub mod theme;

use std::collections::BTreeMap;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::index::{self, Index};
use crate::load::{Book, PageId};
use crate::parse::ParsedPage;
use crate::paths;
use crate::resolve::Site;
use crate::search;
use context::{
    BaseView, BookView, LayoutView, NavView, OutlineEntry, PageContext, PageInputs, PageView,
};
use highlight::Highlighter;
pub use page_cache::PageCache;
use site_page::SitePage;
pub use theme::{TemplateError, Theme};

/// Where theme files and generated stylesheets are published.
pub const STATIC_DIR: &str = "_folio";

/// A file of the built site, in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Site-relative path (`a/b/index.html`).
    pub path: String,
    /// Its bytes.
    pub contents: Vec<u8>,
}

/// Rendered pages kept between builds (the preview server keeps one): a
/// page whose inputs did not change is not rendered again.
#[derive(Default)]
pub struct RenderCache {
    /// Page path → (fingerprint of its body's inputs, body HTML).
    bodies: std::sync::Mutex<std::collections::HashMap<String, (u64, String)>>,
    /// The same for each page's section of the print page.
    print_bodies: std::sync::Mutex<std::collections::HashMap<String, (u64, String)>>,
    /// Page path → (fingerprint of everything the template sees, page).
    pages: std::sync::Mutex<std::collections::HashMap<String, (u64, String)>>,
    /// Pages rendered (not taken from the cache) since the last
    /// [`RenderCache::take_rendered_count`].
    rendered: std::sync::atomic::AtomicUsize,
}

impl RenderCache {
    /// How many pages were rendered rather than reused since the last call.
    pub fn take_rendered_count(&self) -> usize {
        self.rendered.swap(0, std::sync::atomic::Ordering::Relaxed)
    }
}

/// What every render entry point reads: the analysed book and the theme.
/// (How to render, the highlighter and the cache of rendered pages, is
/// passed beside it where it is used.)
#[derive(Clone, Copy)]
pub struct RenderInputs<'a> {
    /// The loaded book.
    pub book: &'a Book,
    /// Where every page and file is published, and the resolved links.
    pub site: &'a Site,
    /// Every page, parsed, in [`Book::pages`] order.
    pub parsed: &'a [ParsedPage],
    /// The generated indexes.
    pub indexes: &'a [Index],
    /// Templates and static files.
    pub theme: &'a Theme,
}

/// Where [`render_site`] puts the files of the site as it renders them, so
/// that a build never holds the whole site in memory.
pub trait FileSink: Sync {
    /// Keeps a whole file.
    fn put(&self, file: OutputFile) -> io::Result<()>;
    /// Opens a file that is written piece by piece (the print page); it is
    /// complete once the writer is flushed and dropped.
    fn open(&self, path: &str) -> io::Result<Box<dyn io::Write + Send>>;
    /// Keeps a whole file made from inputs whose fingerprint is `key`.
    fn put_keyed(&self, file: OutputFile, key: u64) -> io::Result<()>;
    /// Takes file `path` unchanged from the site this one replaces, if it
    /// was made under `key`; `false` when it cannot (the file must then be
    /// put).
    fn take_over(&self, path: &str, key: u64) -> bool;
}

/// Why [`render_site`] stopped.
#[derive(Debug)]
pub enum RenderError {
    /// A template failed.
    Template(TemplateError),
    /// The sink could not keep a file.
    Write(io::Error),
}

impl From<TemplateError> for RenderError {
    fn from(err: TemplateError) -> Self {
        RenderError::Template(err)
    }
}

impl From<io::Error> for RenderError {
    fn from(err: io::Error) -> Self {
        RenderError::Write(err)
    }
}

/// How many pages [`render_site`] renders before it writes their print
/// page sections: enough to keep every core busy, few enough that the
/// sections waiting to be written stay small.
const PAGES_AT_ONCE: usize = 256;

/// Gives [`render_site`] each page with its Markdown events: borrowed from
/// the analysis, or, when a large book's analysis dropped them
/// ([`ParsedPage::drop_events`]) so that its events are never all held at
/// once, parsed again as the page is rendered.
pub type PageWithEvents<'a> =
    dyn Fn(PageId) -> io::Result<std::borrow::Cow<'a, ParsedPage>> + Sync + 'a;

/// Renders the whole site into `sink`: every page as soon as it is
/// rendered (its events from `with_events`, dropped once the page is
/// rendered and indexed for search), the print page as its sections
/// arrive (one batch's while the next batch renders), then the files
/// built from all pages at once.
/// `on_page` is called as each page is done (for a progress line). With
/// `kept`, a page whose inputs are unchanged since a build that kept it is
/// taken from there (its HTML, print section and search share), neither
/// parsed again nor rendered; every page rendered is kept for the next.
pub fn render_site<'p>(
    inputs: &RenderInputs<'p>,
    highlighter: &Highlighter,
    with_events: &PageWithEvents<'p>,
    on_page: &(dyn Fn() + Sync),
    sink: &dyn FileSink,
    kept: Option<&PageCache>,
) -> Result<usize, RenderError> {
    let common = Common::of(inputs);
    let asset_paths = common.asset_paths();
    let mut print = match inputs.book.config.print {
        true => Some(print::PrintWriter::new(
            print::print_frame(inputs, &common.titles, &asset_paths)?,
            sink.open(&format!("{}index.html", print::PRINT_URL))?,
        )),
        false => None,
    };
    let search = search::IndexBuilder::new(inputs.book, inputs.site, &common.titles);
    let site_page = SitePage {
        inputs,
        common: &common,
        asset_paths: &asset_paths,
        highlighter,
        with_events,
        search: &search,
        kept,
        sink,
        reused: AtomicUsize::new(0),
    };
    let ids: Vec<PageId> = (0..inputs.book.pages.len()).collect();
    // The print sections of one batch are written while the next batch
    // renders, so no core waits for the print page.
    let mut rendered: Vec<(PageId, String)> = Vec::new();
    for chunk in ids.chunks(PAGES_AT_ONCE) {
        let (contents, printed) = rayon::join(
            || {
                chunk
                    .par_iter()
                    .map(|&id| {
                        let content = site_page.render(id)?;
                        on_page();
                        Ok((id, content))
                    })
                    .collect::<Result<Vec<_>, RenderError>>()
            },
            || print_sections(print.as_mut(), std::mem::take(&mut rendered)),
        );
        printed?;
        rendered = contents?;
    }
    print_sections(print.as_mut(), rendered)?;
    let reused = site_page.reused.into_inner();
    if let Some(print) = print {
        print.finish()?.flush()?;
    }
    let mut llms_full = sink.open(site_files::LLMS_FULL)?;
    site_files::write_llms_full(
        &mut llms_full,
        inputs.book,
        inputs.site,
        inputs.parsed,
        &common.titles,
    )?;
    llms_full.flush()?;
    drop(llms_full);
    let never = AtomicBool::new(false);
    let search_files = search.files(&never).into_iter().map(OutputFile::from);
    common
        .shared_files(inputs)?
        .into_par_iter()
        .chain(whole_book_files(
            inputs,
            &common.titles,
            &common.icons,
            &asset_paths,
        )?)
        .chain(search_files.collect::<Vec<_>>())
        .try_for_each(|file| sink.put(file))?;
    Ok(reused)
}

/// Writes pages' print sections, in page order, to the print page (if the
/// book has one).
fn print_sections<W: io::Write, C: AsRef<str>>(
    print: Option<&mut print::PrintWriter<W, C>>,
    contents: Vec<(PageId, C)>,
) -> Result<(), RenderError> {
    if let Some(print) = print {
        for (id, content) in contents {
            print.body(id, content)?;
        }
    }
    Ok(())
}

/// What every page needs from the whole site, computed once per build.
struct Common {
    /// Theme file name → the file as published (hashed name).
    statics: Vec<(String, OutputFile)>,
    titles: Vec<String>,
    icons: icons::Icons,
    /// Each section's navigation, as a fingerprint (for kept pages' keys).
    nav_fingerprints: Vec<u64>,
}

impl Common {
    fn of(inputs: &RenderInputs<'_>) -> Common {
        let RenderInputs {
            book,
            parsed,
            theme,
            ..
        } = *inputs;
        let icons = icons::Icons::for_pages(parsed);
        Common {
            statics: static_files(theme),
            titles: (0..book.pages.len())
                .map(|id| index::page_title(book, parsed, id))
                .collect(),
            nav_fingerprints: context::nav_fingerprints(book, inputs.site, parsed, &icons),
            icons,
        }
    }

    /// Theme file name → published path.
    fn asset_paths(&self) -> BTreeMap<&str, &str> {
        self.statics
            .iter()
            .map(|(name, file)| (name.as_str(), file.path.as_str()))
            .collect()
    }

    fn page<'a>(
        &'a self,
        inputs: &RenderInputs<'a>,
        page: PageId,
        this: &'a ParsedPage,
    ) -> PageInputs<'a> {
        PageInputs {
            book: inputs.book,
            site: inputs.site,
            parsed: inputs.parsed,
            titles: &self.titles,
            page,
            this,
            indexes: inputs.indexes,
            icons: &self.icons,
        }
    }

    /// The files every page links to or that stand beside them: redirect
    /// stubs, index JSON, the icon sprite, the bundled Mermaid script and
    /// the theme's static files.
    fn shared_files(&self, inputs: &RenderInputs<'_>) -> Result<Vec<OutputFile>, TemplateError> {
        let RenderInputs {
            book,
            site,
            parsed,
            indexes,
            theme,
        } = *inputs;
        let mut files = redirect_pages(book, site, &self.titles, theme)?;
        files.extend(indexes.iter().map(|index| OutputFile {
            path: listing::json_path(index, site),
            contents: listing::index_json(index, site).into_bytes(),
        }));
        files.extend(self.icons.sprite_file());
        files.extend(mermaid::bundled_file(parsed, book.config.mermaid.is_some()));
        files.extend(self.statics.iter().map(|(_, file)| file.clone()));
        Ok(files)
    }
}

/// What a page needs from the whole site, computed once, and the pages'
/// print page sections, kept between preview builds.
pub struct SiteExtras {
    titles: Vec<String>,
    /// Each page's body HTML, for the print page (empty without one).
    contents: Vec<String>,
    icons: icons::Icons,
    /// Theme file name → published path (hashed).
    asset_paths: BTreeMap<String, String>,
}

/// Renders what a reader opens first, into memory (for the preview): every
/// page, redirect stubs, index JSON, the icon sprite and the theme's static
/// files. The files built from all pages at once (print page, search index,
/// llms.txt, sitemap, 404) are left to [`SiteExtras::render`], so the
/// preview can show a saved page before they are rebuilt.
/// `cache` holds pages rendered by earlier builds, reused when nothing
/// they show changed.
pub fn render_pages(
    inputs: &RenderInputs<'_>,
    highlighter: &Highlighter,
    cache: Option<&RenderCache>,
) -> Result<(Vec<OutputFile>, SiteExtras), TemplateError> {
    let common = Common::of(inputs);
    let asset_paths = common.asset_paths();
    let rendered: Vec<(OutputFile, String)> = (0..inputs.book.pages.len())
        .into_par_iter()
        .map(|id| {
            let page = common.page(inputs, id, &inputs.parsed[id]);
            page_file(&page, inputs.theme, highlighter, &asset_paths, cache)
        })
        .collect::<Result<_, TemplateError>>()?;
    let (mut files, contents): (Vec<OutputFile>, Vec<String>) = rendered.into_iter().unzip();
    files.extend(common.shared_files(inputs)?);
    let asset_paths = asset_paths
        .into_iter()
        .map(|(name, path)| (name.to_string(), path.to_string()))
        .collect();
    let Common { titles, icons, .. } = common;
    let extras = SiteExtras {
        titles,
        contents,
        icons,
        asset_paths,
    };
    Ok((files, extras))
}

/// What one page adds to the files every page shares (the icon sprite,
/// the bundled Mermaid script): a save that changes it changes them.
#[derive(Debug, PartialEq, Eq)]
pub struct SharedInputs {
    icons: Vec<String>,
    diagram: bool,
}

/// What `page` adds to the files every page shares.
pub fn shared_inputs(page: &ParsedPage) -> SharedInputs {
    SharedInputs {
        icons: icons::names_in(page),
        diagram: mermaid::has_diagram(page),
    }
}

impl SiteExtras {
    fn asset_paths(&self) -> BTreeMap<&str, &str> {
        self.asset_paths
            .iter()
            .map(|(name, path)| (name.as_str(), path.as_str()))
            .collect()
    }

    /// Renders the pages `ids` again after a preview save changed only
    /// them (their titles, front matter and [`SharedInputs`] are as they
    /// were), with the titles, icons and theme assets of the last full
    /// render; their body HTML for the print page is replaced.
    pub fn render_again(
        &mut self,
        inputs: &RenderInputs<'_>,
        highlighter: &Highlighter,
        cache: Option<&RenderCache>,
        ids: &[PageId],
    ) -> Result<Vec<OutputFile>, TemplateError> {
        let asset_paths = self.asset_paths();
        let rendered: Vec<(PageId, OutputFile, String)> = ids
            .par_iter()
            .map(|&id| {
                let page = PageInputs {
                    book: inputs.book,
                    site: inputs.site,
                    parsed: inputs.parsed,
                    titles: &self.titles,
                    page: id,
                    this: &inputs.parsed[id],
                    indexes: inputs.indexes,
                    icons: &self.icons,
                };
                let (file, content) =
                    page_file(&page, inputs.theme, highlighter, &asset_paths, cache)?;
                Ok((id, file, content))
            })
            .collect::<Result<_, TemplateError>>()?;
        Ok(rendered
            .into_iter()
            .map(|(id, file, content)| {
                self.contents[id] = content;
                file
            })
            .collect())
    }

    /// The files built from every page at once: the print page, the site
    /// files (page Markdown, llms.txt, sitemap, robots, 404) and the search
    /// index. Setting `stop` makes it return soon with `None` (the preview
    /// stops it when a newer save arrives).
    pub fn render(
        &self,
        inputs: &RenderInputs<'_>,
        stop: &AtomicBool,
    ) -> Result<Option<Vec<OutputFile>>, TemplateError> {
        let asset_paths = self.asset_paths();
        let mut files = Vec::new();
        if inputs.book.config.print {
            let print =
                print::print_page(inputs, &self.titles, &self.contents, &asset_paths, stop)?;
            let Some(print) = print else {
                return Ok(None);
            };
            files.push(print);
        }
        files.extend(site_files::site_files(
            inputs.book,
            inputs.site,
            inputs.parsed,
            &self.titles,
            &self.icons,
        ));
        files.extend(whole_book_files(
            inputs,
            &self.titles,
            &self.icons,
            &asset_paths,
        )?);
        files.extend(
            search::index_files(inputs.book, inputs.site, inputs.parsed, &self.titles, stop)
                .into_iter()
                .map(OutputFile::from),
        );
        Ok((!stop.load(Ordering::Relaxed)).then_some(files))
    }
}

/// The files built from every page at once, but the print page, the pages'
/// Markdown and `llms-full.txt` (which a build writes as it goes) and the
/// search index: the other site files (llms.txt, sitemap, robots,
/// nav.json) and the 404 page.
fn whole_book_files(
    inputs: &RenderInputs<'_>,
    titles: &[String],
    icons: &icons::Icons,
    asset_paths: &BTreeMap<&str, &str>,
) -> Result<Vec<OutputFile>, TemplateError> {
    let RenderInputs {
        book,
        site,
        parsed,
        theme,
        ..
    } = *inputs;
    let mut files = site_files::book_files(book, site, parsed, titles, icons);
    files.extend(not_found::not_found_page(
        &not_found::NotFoundInputs {
            book,
            site,
            parsed,
            titles,
            icons,
            asset_paths,
        },
        theme,
    )?);
    Ok(files)
}

impl From<search::IndexFile> for OutputFile {
    fn from(file: search::IndexFile) -> OutputFile {
        OutputFile {
            path: file.path,
            contents: file.contents,
        }
    }
}

/// A stub at each old URL that sends readers to the new page: a meta
/// refresh for every browser, a script that keeps the `#fragment`, and a
/// canonical link so search engines move to the new address.
fn redirect_pages(
    book: &Book,
    site: &Site,
    titles: &[String],
    theme: &Theme,
) -> Result<Vec<OutputFile>, TemplateError> {
    /// What `redirect.html` sees.
    #[derive(serde::Serialize)]
    struct RedirectView<'a> {
        language: &'a str,
        title: &'a str,
        /// The new page, relative to the old URL (as written, unescaped).
        target: String,
        /// The new page's address for search engines.
        canonical: String,
    }
    site.redirects
        .iter()
        .map(|(from, to)| {
            let target = paths::href(from, &site.page_urls[*to]);
            let canonical = match &book.config.site_url {
                Some(site_url) => format!("{site_url}{}", paths::encode_path(&site.page_urls[*to])),
                None => target.clone(),
            };
            let view = RedirectView {
                language: &book.config.language,
                title: &titles[*to],
                target,
                canonical,
            };
            let html = theme.render("redirect.html", &template_context("redirect.html", &view)?)?;
            Ok(OutputFile {
                path: format!("{from}index.html"),
                contents: html.into_bytes(),
            })
        })
        .collect()
}

/// The theme's static files plus the generated highlighting stylesheets,
/// each with the site path it is published at. Stylesheets and scripts get
/// a content hash in their name (`folio.3f2a9c1e0b7d4a55.css`) so servers
/// can cache them forever; other files (images a stylesheet may name) keep
/// their names.
fn static_files(theme: &Theme) -> Vec<(String, OutputFile)> {
    let (light, dark) = highlight::scoped_stylesheets();
    let generated = [
        ("highlight-light.css", light.into_bytes()),
        ("highlight-dark.css", dark.into_bytes()),
    ];
    theme
        .static_files
        .iter()
        .map(|(name, bytes)| (name.as_str(), bytes.clone()))
        .chain(generated)
        .map(|(name, contents)| {
            let published = hashed_name(name, &contents);
            (
                name.to_string(),
                OutputFile {
                    path: format!("{STATIC_DIR}/{published}"),
                    contents,
                },
            )
        })
        .collect()
}

/// `folio.css` → `folio.<16 hex digits>.css` for stylesheets and scripts.
fn hashed_name(name: &str, contents: &[u8]) -> String {
    let Some((stem, extension)) = name.rsplit_once('.') else {
        return name.to_string();
    };
    if !matches!(extension, "css" | "js") {
        return name.to_string();
    }
    format!("{stem}.{}.{extension}", content_hex(contents))
}

/// The name a hashed asset has without its hash
/// (`_folio/folio.3f2a9c1e0b7d4a55.css` → `_folio/folio.css`), or `None`
/// for a file whose name carries no content hash. Two builds' versions of
/// one asset share this name.
pub fn unhashed_asset_path(path: &str) -> Option<String> {
    let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
    let (rest, extension) = name.rsplit_once('.')?;
    let (stem, hash) = rest.rsplit_once('.')?;
    let is_hash = hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit());
    if !is_hash || stem.is_empty() {
        return None;
    }
    Some(if folder.is_empty() {
        format!("{stem}.{extension}")
    } else {
        format!("{folder}/{stem}.{extension}")
    })
}

/// A hash of `contents` as 16 hex digits, for file names that change when
/// the file does (so browsers may cache them for good).
fn content_hex(contents: &[u8]) -> String {
    format!("{:016x}", crate::fingerprint::of_bytes(contents))
}

/// Which rendering of a page's body: the page's own, or its section of
/// the print page (links between pages go to sections of the print page,
/// other links are relative to it, and ids are prefixed per page).
enum BodyFor {
    Page,
    Print,
}

/// A page's body HTML. A block template that fails stops the page, like
/// `page.html` would.
fn page_body(
    inputs: &PageInputs<'_>,
    theme: &Theme,
    highlighter: &Highlighter,
    target: &BodyFor,
) -> Result<String, TemplateError> {
    let id = inputs.page;
    let parsed = inputs.this;
    let (from, links, id_prefix) = match target {
        BodyFor::Page => (
            inputs.site.page_urls[id].as_str(),
            std::borrow::Cow::Borrowed(inputs.site.links[id].as_slice()),
            String::new(),
        ),
        BodyFor::Print => (
            print::PRINT_URL,
            std::borrow::Cow::Owned(print::links(inputs.site, inputs.parsed, id)),
            print::id_prefix(id),
        ),
    };
    let template_failure = std::cell::RefCell::new(None);
    let body = markdown::body_html(
        parsed,
        &blocks::BlockContext {
            links: &links,
            page_card: &|to| {
                let description = inputs.parsed[to]
                    .front_matter
                    .description
                    .as_deref()
                    .unwrap_or("");
                (inputs.titles[to].as_str(), description)
            },
            api_operation: &|link| inputs.site.api_operations.get(&(id, link)),
            api_details: &|operation| {
                let view = context::ApiView::of(operation);
                render_template(theme, "openapi.html", "api", &view, &template_failure)
            },
            api_schemas: &|schemas| {
                let view: Vec<_> = schemas.iter().map(context::ApiSchemaView::of).collect();
                render_template(
                    theme,
                    "openapi-schemas.html",
                    "schemas",
                    &view,
                    &template_failure,
                )
            },
            api_schema_list: &|link| inputs.site.api_schemas.get(&(id, link)),
            expression: &|name| expression_value(name, inputs, id),
            icon: &|name| inputs.icons.html(name, from),
            embed: &|view| render_template(theme, "embed.html", "embed", view, &template_failure),
            markup: &|view| render_template(theme, "blocks.html", "block", view, &template_failure),
            id_prefix: &id_prefix,
        },
        highlighter,
    );
    match template_failure.take() {
        Some(err) => Err(err),
        None => Ok(body),
    }
}

/// A page's `index.html` at its URL, and its body for the print page.
fn page_file(
    inputs: &PageInputs<'_>,
    theme: &Theme,
    highlighter: &Highlighter,
    asset_paths: &BTreeMap<&str, &str>,
    cache: Option<&RenderCache>,
) -> Result<(OutputFile, String), TemplateError> {
    let (html, content) = render_page(inputs, theme, highlighter, asset_paths, cache)?;
    Ok((page_output(inputs.site, inputs.page, html), content))
}

/// Page `id`'s `index.html` at its URL.
fn page_output(site: &Site, id: PageId, html: String) -> OutputFile {
    OutputFile {
        path: page_path(site, id),
        contents: html.into_bytes(),
    }
}

/// Where page `id`'s HTML is published.
fn page_path(site: &Site, id: PageId) -> String {
    format!("{}index.html", site.page_urls[id])
}

fn render_page(
    inputs: &PageInputs<'_>,
    theme: &Theme,
    highlighter: &Highlighter,
    asset_paths: &BTreeMap<&str, &str>,
    cache: Option<&RenderCache>,
) -> Result<(String, String), TemplateError> {
    let id = inputs.page;
    let book = inputs.book;
    let (content, print_content) = page_contents(inputs, theme, highlighter, cache)?;
    let view = page_context(inputs, asset_paths, content, inputs.nav());
    let fingerprint = cache.map_or(0, |_| view_fingerprint(&view, theme));
    let html = cached(
        cache.map(|c| &c.pages),
        &book.pages[id].path,
        fingerprint,
        || {
            if let Some(cache) = cache {
                cache
                    .rendered
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            theme.render("page.html", &template_context("page.html", &view)?)
        },
    )?;
    Ok((html, print_content))
}

/// The page's content (its body, then its index tables) and its section
/// of the print page (empty without one).
fn page_contents(
    inputs: &PageInputs<'_>,
    theme: &Theme,
    highlighter: &Highlighter,
    cache: Option<&RenderCache>,
) -> Result<(String, String), TemplateError> {
    let path = &inputs.book.pages[inputs.page].path;
    let mut content = cached(
        cache.map(|c| &c.bodies),
        path,
        cache.map_or(0, |_| body_fingerprint(inputs)),
        || page_body(inputs, theme, highlighter, &BodyFor::Page),
    )?;
    content.push_str(&page_listings(inputs, theme)?);
    // The print page renders the body again with its own hrefs and ids
    // (highlighted code comes from the highlighter's cache).
    let print_content = if inputs.book.config.print {
        let mut body = cached(
            cache.map(|c| &c.print_bodies),
            path,
            cache.map_or(0, |_| body_fingerprint(inputs)),
            || page_body(inputs, theme, highlighter, &BodyFor::Print),
        )?;
        body.push_str(&print_listings(inputs, theme)?);
        body
    } else {
        String::new()
    };
    Ok((content, print_content))
}

/// The tables of the generated indexes shown on the page, after its body.
fn page_listings(inputs: &PageInputs<'_>, theme: &Theme) -> Result<String, TemplateError> {
    let url = &inputs.site.page_urls[inputs.page];
    let page_href = |to: PageId| paths::href(url, &inputs.site.page_urls[to]);
    let mut html = String::new();
    for index in inputs.indexes.iter().filter(|i| i.page == inputs.page) {
        html.push_str(&listing::index_html(index, &page_href, "", theme)?);
    }
    Ok(html)
}

/// The same tables in the page's section of the print page.
fn print_listings(inputs: &PageInputs<'_>, theme: &Theme) -> Result<String, TemplateError> {
    let page_href = |to: PageId| print::page_href(inputs.site, inputs.parsed, to);
    let prefix = print::id_prefix(inputs.page);
    let mut html = String::new();
    for index in inputs.indexes.iter().filter(|i| i.page == inputs.page) {
        html.push_str(&listing::index_html(index, &page_href, &prefix, theme)?);
    }
    Ok(html)
}

/// What `page.html` sees for the page whose content (body and index
/// tables) is `content`.
fn page_context<'a>(
    inputs: &'a PageInputs<'a>,
    asset_paths: &'a BTreeMap<&str, &str>,
    content: String,
    nav: NavView<'a>,
) -> PageContext<'a> {
    let id = inputs.page;
    let book = inputs.book;
    let parsed = inputs.this;
    let front_matter = &parsed.front_matter;
    let url = &inputs.site.page_urls[id];
    let (prev, next) = inputs.neighbours();
    let page = PageView {
        title: &inputs.titles[id],
        description: front_matter.description.as_deref().unwrap_or(""),
        content,
        canonical_url: book
            .config
            .site_url
            .as_ref()
            .map(|site| format!("{site}{}", paths::encode_path(url)))
            .unwrap_or_default(),
        source_path: &book.pages[id].path,
        no_index: front_matter.no_index,
        layout: LayoutView {
            title: front_matter.layout.title,
            description: front_matter.layout.description,
            outline: front_matter.layout.outline,
            pagination: front_matter.layout.pagination,
            sidebar: front_matter.layout.table_of_contents,
            wide: front_matter.layout.wide,
        },
        outline: parsed
            .headings
            .iter()
            .filter(|h| h.level == 2 || h.level == 3)
            .map(|h| OutlineEntry {
                level: h.level,
                id: &h.id,
                title: &h.text,
            })
            .collect(),
        breadcrumbs: inputs.breadcrumbs(),
        prev,
        next,
        cover: cover(parsed, &inputs.site.links[id]),
        // A generated page is edited through its spec.
        edit_url: book
            .config
            .edit_url(
                book.pages[id]
                    .generated_from
                    .as_deref()
                    .unwrap_or(&book.pages[id].path),
            )
            .unwrap_or_default(),
        last_updated: book
            .last_changed
            .get(&book.pages[id].path)
            .map_or("", String::as_str),
        mermaid_script: mermaid_script(inputs),
        icon: inputs.icons.of_page(parsed, url),
        has_code: has_code(parsed),
        markdown_url: paths::href(url, &site_files::markdown_path(url)),
        llms_url: format!("{}llms.txt", paths::root_prefix(url)),
        not_found: None,
    };
    PageContext {
        base: base_view(book, inputs.site, asset_paths, url),
        page,
        nav,
    }
}

type CacheMap = std::sync::Mutex<std::collections::HashMap<String, (u64, String)>>;

/// The cached value for `key` if its fingerprint matches, else `make()`
/// (then remembered). Without a cache, always `make()`.
fn cached(
    cache: Option<&CacheMap>,
    key: &str,
    fingerprint: u64,
    make: impl FnOnce() -> Result<String, TemplateError>,
) -> Result<String, TemplateError> {
    let Some(cache) = cache else {
        return make();
    };
    if let Some((stored, value)) = cache.lock().ok().and_then(|map| map.get(key).cloned()) {
        if stored == fingerprint {
            return Ok(value);
        }
    }
    let value = make()?;
    if let Ok(mut map) = cache.lock() {
        map.insert(key.to_string(), (fingerprint, value.clone()));
    }
    Ok(value)
}

/// A fingerprint of everything a template sees, its views serialised
/// straight into the hasher (no context is built for a page that hits).
fn view_fingerprint(view: &impl serde::Serialize, theme: &Theme) -> u64 {
    use std::hash::Hasher;
    struct HashWriter(crate::fingerprint::Fingerprinter);
    impl std::io::Write for HashWriter {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.write(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut writer = HashWriter(crate::fingerprint::fingerprinter());
    writer.0.write_u64(theme.fingerprint());
    let _ = serde_json::to_writer(&mut writer, view);
    writer.0.finish()
}

/// A template context from a view whose fields are its top-level names.
fn template_context(
    template: &str,
    view: &impl serde::Serialize,
) -> Result<tera::Context, TemplateError> {
    tera::Context::from_serialize(view).map_err(|error| {
        TemplateError::new(
            template,
            None,
            format!("its context could not be built: {error}"),
        )
    })
}

/// Everything a page's body depends on: its source, where its links lead,
/// the titles and descriptions cards show, API summaries and variables.
fn body_fingerprint(inputs: &PageInputs<'_>) -> u64 {
    use std::hash::{Hash, Hasher};
    let id = inputs.page;
    let mut hasher = crate::fingerprint::fingerprinter();
    inputs.book.pages[id].source.text.hash(&mut hasher);
    inputs.parsed[id].links.len().hash(&mut hasher);
    for link in &inputs.site.links[id] {
        link.hash(&mut hasher);
        if let Some(to) = link.page {
            inputs.titles[to].hash(&mut hasher);
            inputs.parsed[to].front_matter.description.hash(&mut hasher);
        }
    }
    // Block icons point into a sprite named after every icon the book uses.
    inputs.icons.sprite_path().hash(&mut hasher);
    // Included files and summaries read from specs can change on their own.
    inputs.parsed[id].included.hash(&mut hasher);
    for (key, operation) in &inputs.site.api_operations {
        if key.0 == id {
            (key.1, operation).hash(&mut hasher);
        }
    }
    for (key, schemas) in &inputs.site.api_schemas {
        if key.0 == id {
            (key.1, schemas).hash(&mut hasher);
        }
    }
    let section = &inputs.book.sections[inputs.book.pages[id].section];
    serde_json::to_string(&section.vars)
        .unwrap_or_default()
        .hash(&mut hasher);
    hasher.finish()
}

/// A block template (`embed.html`, `openapi.html`, `openapi-schemas.html`) with its view under
/// `name`; the first failure is kept so the page reports it.
fn render_template<T: serde::Serialize>(
    theme: &Theme,
    template: &str,
    name: &str,
    view: &T,
    failure: &std::cell::RefCell<Option<TemplateError>>,
) -> String {
    let mut context = tera::Context::new();
    context.insert(name, view);
    theme.render(template, &context).unwrap_or_else(|err| {
        failure.borrow_mut().get_or_insert(err);
        String::new()
    })
}

/// The Mermaid script for a page that has a `mermaid` fence: the book's
/// own copy when it configures one, else the bundled script.
/// Whether a page has a code block (highlighted, so it needs the
/// highlighting stylesheets; inline code does not).
fn has_code(parsed: &ParsedPage) -> bool {
    parsed.contents.code_block
}

fn mermaid_script(inputs: &PageInputs<'_>) -> String {
    if !mermaid::has_diagram(&inputs.parsed[inputs.page]) {
        return String::new();
    }
    let from = &inputs.site.page_urls[inputs.page];
    match &inputs.book.config.mermaid {
        Some(script) => inputs
            .site
            .files
            .get(script)
            .map(|url| paths::href(from, url))
            .unwrap_or_default(),
        None => paths::href(from, &mermaid::bundled_path()),
    }
}

/// What every template gets, relative to the page at `url`.
fn base_view<'a>(
    book: &'a Book,
    site: &Site,
    asset_paths: &BTreeMap<&'a str, &str>,
    url: &str,
) -> BaseView<'a> {
    let published = |path: &Option<String>| {
        path.as_ref()
            .and_then(|path| site.files.get(path))
            .map(|file| paths::href(url, file))
            .unwrap_or_default()
    };
    let root = paths::root_prefix(url);
    BaseView {
        book: BookView {
            title: &book.config.title,
            description: &book.config.description,
            language: &book.config.language,
            authors: &book.config.authors,
            logo: published(&book.config.logo),
            logo_dark: published(&book.config.logo_dark),
        },
        assets: asset_paths
            .iter()
            .map(|(name, path)| (*name, format!("{root}{path}")))
            .collect(),
        root,
        generator: format!("folio {}", env!("CARGO_PKG_VERSION")),
    }
}

/// The front matter `cover`, when it resolved to a file and is shown.
fn cover(
    parsed: &ParsedPage,
    links: &[crate::resolve::ResolvedLink],
) -> Option<context::CoverView> {
    if !parsed.front_matter.layout.cover {
        return None;
    }
    let index = parsed
        .links
        .iter()
        .position(|link| link.kind == crate::parse::LinkKind::Cover)?;
    let url = links.get(index)?.href.clone()?;
    let size = if parsed.front_matter.layout.cover_full {
        "full"
    } else {
        "hero"
    };
    Some(context::CoverView { url, size })
}

/// The value of a GitBook expression: `space.vars.x` from the section's
/// `.gitbook/vars.yaml`, `page.vars.x` from the page's front matter.
fn expression_value(name: &str, inputs: &PageInputs<'_>, id: PageId) -> Option<String> {
    let scalar = |value: &serde_json::Value| match value {
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Number(_) | serde_json::Value::Bool(_) => Some(value.to_string()),
        _ => None,
    };
    if let Some(key) = name.strip_prefix("page.vars.") {
        return inputs.parsed[id]
            .front_matter
            .extra
            .get("vars")?
            .get(key)
            .and_then(scalar);
    }
    let key = name.strip_prefix("space.vars.")?;
    let section = &inputs.book.sections[inputs.book.pages[id].section];
    section.vars.get(key).and_then(scalar)
}

/// Escapes text for HTML bodies and double-quoted attributes.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
