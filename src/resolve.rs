//! Resolution: all parsed pages → [`Site`] (URLs, files to publish, the
//! output URL of every link) plus link diagnostics.
//!
//! Owns the URL scheme (`a/b.md` → `a/b/`, `a/README.md` → `a/`, a section's
//! index at its prefix) and the resolution rule of the format notes (§9):
//! every destination is decoded, joined onto its page's folder with `..`
//! clamped at the book root, classified as page, folder or file, and checked,
//! fragments included, against the target page's real anchor ids. Each
//! failure is a diagnostic at the destination's position with the closest
//! existing page, file or anchor as a suggestion.
//!
//! It never emits HTML and never uses the network.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;

use crate::diag::{Code, Diagnostic, Severity};
use crate::load::{Book, PageId};
use crate::mojibake;
use crate::parse::{BlockKind, Link, MarkKind, ParsedPage};
use crate::paths::{self, join_rel};

use crate::openapi;

mod images;
pub use crate::openapi::{ApiBody, ApiOperation, ApiParameter, ApiResponse, ApiSchema};

/// The resolved site: where everything is served and what every link
/// becomes.
#[derive(Debug)]
pub struct Site {
    /// Site-relative URL of each page (`""` for the root, `a/b/`).
    pub page_urls: Vec<String>,
    /// Files to publish: book-relative source path → site-relative URL.
    pub files: BTreeMap<String, String>,
    /// The files published whether or not a page links to them (upload
    /// folders, theme files).
    base_files: BTreeSet<String>,
    /// For each page, for each of its links, what it resolved to.
    pub links: Vec<Vec<ResolvedLink>>,
    /// Old URLs from `.gitbook.yaml` redirects and the page each leads to.
    pub redirects: Vec<(String, PageId)>,
    /// OpenAPI operations read from local specs, by (page, index of the
    /// block's link).
    pub api_operations: HashMap<(PageId, usize), ApiOperation>,
    /// Named schemas read from local specs for `openapi-schemas` blocks,
    /// by (page, index of the block's link).
    pub api_schemas: HashMap<(PageId, usize), Vec<ApiSchema>>,
}

/// What one link resolved to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ResolvedLink {
    /// The `href` to write, or `None` to keep the destination as written
    /// (external or broken links).
    pub href: Option<String>,
    /// The page it leads to.
    pub page: Option<PageId>,
    /// The published file it leads to: name and size in bytes.
    pub file: Option<(String, u64)>,
    /// The book-relative path of that file.
    pub file_path: Option<String>,
    /// The page whose anchors the link's fragment was checked against,
    /// found or not: a change to that page's anchors checks it again.
    pub anchors_of: Option<PageId>,
    /// Width and height of the image file it leads to, when it is one.
    pub image_size: Option<(u32, u32)>,
    /// The id it lands on in its page (or the fragment of its file), as
    /// checked: other renderings of the link (the print page) use it.
    pub fragment: Option<String>,
}

/// What [`resolve_site`] found wrong, kept by page so that a preview can
/// resolve one page again and replace only that page's share.
#[derive(Debug, Default, Clone)]
pub struct LinkDiagnostics {
    /// Problems that belong to no page (redirect entries).
    pub site: Vec<Diagnostic>,
    /// Each page's link and spec problems, by page id.
    pub pages: Vec<Vec<Diagnostic>>,
}

impl LinkDiagnostics {
    /// Every diagnostic, site first, then page by page.
    pub fn all(&self) -> impl Iterator<Item = &Diagnostic> {
        self.site.iter().chain(self.pages.iter().flatten())
    }
}

/// One page's links as resolved on their own: the links, the files they
/// publish, and their problems.
type PageResolved = (Vec<ResolvedLink>, BTreeMap<String, String>, Vec<Diagnostic>);

/// Resolves every link of every page.
pub fn resolve_site(book: &Book, pages: &[ParsedPage]) -> (Site, LinkDiagnostics) {
    let page_urls: Vec<String> = book
        .pages
        .iter()
        .map(|page| page_url(book, page.section, &page.path))
        .collect();
    let mut resolver = Resolver::new(book, pages, &page_urls);
    resolver.add_upload_folders();
    for (_, path) in book.config.theme_files() {
        let url = resolver.file_url(path);
        resolver.files.insert(path.to_string(), url);
    }
    let base_files = resolver.files.keys().cloned().collect();
    let site_diagnostics = std::mem::take(&mut resolver.diagnostics);
    // Pages resolve in parallel, each with its own resolver; the files
    // they publish are gathered after.
    let resolved: Vec<PageResolved> = (0..pages.len())
        .into_par_iter()
        .map(|id| {
            let mut page = resolver.for_page();
            let links = page.resolve_page_links(id);
            (links, page.files, page.diagnostics)
        })
        .collect();
    let Resolver {
        mut files,
        redirects,
        ..
    } = resolver;
    let mut links = Vec::with_capacity(pages.len());
    let mut page_diagnostics = Vec::with_capacity(pages.len());
    for (page_links, page_files, diagnostics) in resolved {
        links.push(page_links);
        files.extend(page_files);
        page_diagnostics.push(diagnostics);
    }
    let mut redirects: Vec<(String, PageId)> = redirects
        .iter()
        .map(|(from, &(section, to))| {
            let prefix = &book.sections[section].config.url_prefix;
            let within = strip_dir(from, &book.sections[section].config.dir);
            (format!("{prefix}{within}/"), to)
        })
        .collect();
    redirects.sort();
    let mut specs = openapi::Specs::default();
    let mut site = Site {
        page_urls,
        files,
        base_files,
        links,
        redirects,
        api_operations: HashMap::new(),
        api_schemas: HashMap::new(),
    };
    for (id, diagnostics) in page_diagnostics.iter_mut().enumerate() {
        api_blocks(book, pages, id, &mut site, &mut specs, diagnostics);
    }
    let diagnostics = LinkDiagnostics {
        site: site_diagnostics,
        pages: page_diagnostics,
    };
    (site, diagnostics)
}

/// Resolves the links of page `id` again after its text changed, against
/// the rest of `site` as it was, and updates the site: the page's links,
/// its OpenAPI blocks, and the files published (a file only this page
/// linked to is no longer published). Returns the page's problems, as
/// [`LinkDiagnostics::pages`] holds them.
pub fn resolve_page(
    book: &Book,
    pages: &[ParsedPage],
    site: &mut Site,
    id: PageId,
) -> Vec<Diagnostic> {
    let mut resolver = Resolver::new(book, pages, &site.page_urls);
    resolver.diagnostics.clear();
    let links = resolver.resolve_page_links(id);
    let Resolver {
        files,
        mut diagnostics,
        ..
    } = resolver;
    let linked_now: BTreeSet<&String> = links.iter().filter_map(|l| l.file_path.as_ref()).collect();
    let mut dropped: BTreeSet<String> = site.links[id]
        .iter()
        .filter_map(|link| link.file_path.as_ref())
        .filter(|path| !linked_now.contains(path) && !site.base_files.contains(*path))
        .cloned()
        .collect();
    site.links[id] = links;
    site.files.extend(files);
    // A file this page no longer links stays published while another
    // page links it: one pass over the site's links.
    if !dropped.is_empty() {
        for path in site
            .links
            .iter()
            .flatten()
            .filter_map(|l| l.file_path.as_ref())
        {
            dropped.remove(path);
        }
        for path in &dropped {
            site.files.remove(path);
        }
    }
    site.api_operations.retain(|(page, _), _| *page != id);
    site.api_schemas.retain(|(page, _), _| *page != id);
    api_blocks(
        book,
        pages,
        id,
        site,
        &mut openapi::Specs::default(),
        &mut diagnostics,
    );
    diagnostics
}

/// Reads the local OpenAPI specs that page `page`'s `swagger`/`openapi`/
/// `openapi-operation` and `openapi-schemas` blocks point at and records
/// each block's operation or schemas in `site`; a spec that cannot be
/// read, is broken, or lacks what the block names is an error at the
/// block's spec link (on the tag's line), and the block falls back to what
/// its tag says. `specs` keeps specs read for earlier pages.
fn api_blocks(
    book: &Book,
    pages: &[ParsedPage],
    page: PageId,
    site: &mut Site,
    specs: &mut openapi::Specs,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let read = |path: &str| {
        let bytes = book.root.read_bytes(path).map_err(|err| err.to_string())?;
        String::from_utf8(bytes).map_err(|_| "it is not UTF-8".to_string())
    };
    let parsed = &pages[page];
    for mark in &parsed.blocks {
        let MarkKind::Open(block) = &mark.kind else {
            continue;
        };
        let Some(link) = block.link else { continue };
        let Some(path) = site.links[page].get(link).and_then(|l| l.file_path.clone()) else {
            continue;
        };
        let result = match block.kind {
            BlockKind::Swagger | BlockKind::Openapi | BlockKind::OpenapiOperation => {
                let (Some(api_path), Some(method)) = (block.attr("path"), block.attr("method"))
                else {
                    continue;
                };
                // GitBook's exports put zero-width spaces in long paths.
                let api_path = api_path.replace('\u{200b}', "");
                specs
                    .operation(&read, &path, &api_path, method)
                    .map(|operation| {
                        site.api_operations.insert((page, link), operation);
                    })
            }
            BlockKind::OpenapiSchemas => {
                let names: Vec<&str> = block
                    .attr("schemas")
                    .unwrap_or("")
                    .split(',')
                    .map(str::trim)
                    .filter(|name| !name.is_empty())
                    .collect();
                specs.schemas(&read, &path, &names).map(|found| {
                    site.api_schemas.insert((page, link), found);
                })
            }
            _ => continue,
        };
        if let Err(message) = result {
            let written = &parsed.links[link];
            let file = written
                .origin
                .as_deref()
                .unwrap_or(&book.pages[page].source);
            diagnostics.push(
                file.diagnostic(
                    Severity::Error,
                    Code::InvalidSpec,
                    written.span.clone(),
                    message,
                )
                .with_target(written.dest.clone()),
            );
        }
    }
}

/// The site-relative URL of a page file.
fn page_url(book: &Book, section: usize, path: &str) -> String {
    let config = &book.sections[section].config;
    let within = strip_dir(path, &config.dir);
    let stem = if within == config.readme {
        ""
    } else if let Some(folder) = within.strip_suffix("/README.md") {
        folder
    } else if within == "README.md" {
        ""
    } else {
        within.strip_suffix(".md").unwrap_or(within)
    };
    let mut url = config.url_prefix.clone();
    if !stem.is_empty() {
        url.push_str(stem);
        url.push('/');
    }
    url
}

fn strip_dir<'p>(path: &'p str, dir: &str) -> &'p str {
    if dir.is_empty() {
        path
    } else {
        path.strip_prefix(dir)
            .and_then(|rest| rest.strip_prefix('/'))
            .unwrap_or(path)
    }
}

/// Advice attached to a link diagnostic: a sentence, and the corrected
/// target when folio knows it (machine formats report it on its own).
struct Help {
    text: String,
    suggestion: Option<String>,
}

impl Help {
    fn text(text: String) -> Option<Help> {
        Some(Help {
            text,
            suggestion: None,
        })
    }

    /// "did you mean `target`?"
    fn did_you_mean(target: String) -> Option<Help> {
        Some(Help {
            text: format!("did you mean `{target}`?"),
            suggestion: Some(target),
        })
    }

    /// A sentence that proposes `target`.
    fn proposing(text: String, target: String) -> Option<Help> {
        Some(Help {
            text,
            suggestion: Some(target),
        })
    }
}

/// What a destination turned out to be.
enum Target {
    /// An address outside the site, rewritten from what was written.
    External(String),
    Page {
        page: PageId,
        fragment: Option<String>,
    },
    File {
        path: String,
        fragment: Option<String>,
    },
}

struct Resolver<'a> {
    book: &'a Book,
    pages: &'a [ParsedPage],
    page_urls: &'a [String],
    files: BTreeMap<String, String>,
    /// Book-relative old path → (section, target page); shared by the
    /// resolvers of pages resolved in parallel.
    redirects: std::sync::Arc<HashMap<String, (usize, PageId)>>,
    diagnostics: Vec<Diagnostic>,
    /// The page whose anchors the link being resolved was checked against.
    anchors_read: Option<PageId>,
    /// Each image's size as read once this run (a logo on every page is
    /// read once, not once per page); shared like `redirects`.
    image_sizes: std::sync::Arc<std::sync::Mutex<ImageSizes>>,
}

/// Book path → the image's size (`None`: not an image, or unreadable).
type ImageSizes = HashMap<String, Option<(u32, u32)>>;

impl<'a> Resolver<'a> {
    /// A resolver that knows the pages, their URLs and the redirects
    /// (`.gitbook.yaml`); broken redirects are already in `diagnostics`.
    fn new(book: &'a Book, pages: &'a [ParsedPage], page_urls: &'a [String]) -> Self {
        let mut resolver = Resolver {
            book,
            pages,
            page_urls,
            files: BTreeMap::new(),
            redirects: Default::default(),
            diagnostics: Vec::new(),
            anchors_read: None,
            image_sizes: Default::default(),
        };
        resolver.add_redirects();
        resolver
    }

    /// A resolver for one page's links, to run beside others: the same
    /// book and redirects, and its own published files and problems.
    fn for_page(&self) -> Resolver<'a> {
        Resolver {
            book: self.book,
            pages: self.pages,
            page_urls: self.page_urls,
            files: BTreeMap::new(),
            redirects: self.redirects.clone(),
            diagnostics: Vec::new(),
            anchors_read: None,
            image_sizes: self.image_sizes.clone(),
        }
    }

    /// The size of the image at book path `path` (read at most once).
    fn image_size(&self, path: &str) -> Option<(u32, u32)> {
        let known = |sizes: &ImageSizes| sizes.get(path).copied();
        let lock = || self.image_sizes.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(size) = known(&lock()) {
            return size;
        }
        let size = images::image_size(&self.book.root, path);
        lock().insert(path.to_string(), size);
        size
    }

    /// What each link of page `id` leads to; problems go to `diagnostics`.
    fn resolve_page_links(&mut self, id: PageId) -> Vec<ResolvedLink> {
        let pages = self.pages;
        pages[id]
            .links
            .iter()
            .map(|link| self.resolve_link(id, link))
            .collect()
    }

    /// Redirect entries apply only where no page exists at the old path;
    /// each must lead to a published page.
    fn add_redirects(&mut self) {
        let mut redirects = HashMap::new();
        for (index, section) in self.book.sections.iter().enumerate() {
            let config = &section.config;
            for redirect in &config.redirects {
                let from = join_rel(&config.dir, &redirect.from);
                let occupied = self.book.page_at(&format!("{from}.md")).is_some()
                    || self.book.page_at(&join_rel(&from, "README.md")).is_some();
                if occupied {
                    continue;
                }
                match self.book.page_at(&join_rel(&config.dir, &redirect.to)) {
                    Some(to) => {
                        redirects.insert(from, (index, to));
                    }
                    None => {
                        let diagnostic = redirect
                            .file
                            .diagnostic(
                                Severity::Error,
                                Code::BrokenLink,
                                redirect.span.clone(),
                                format!(
                                    "redirect `{}` leads to `{}`, which is not a published page",
                                    redirect.from, redirect.to
                                ),
                            )
                            .with_target(redirect.to.clone());
                        self.diagnostics.push(diagnostic);
                    }
                }
            }
        }
        self.redirects = std::sync::Arc::new(redirects);
    }

    /// GitBook's upload folders are published whole, referenced or not.
    fn add_upload_folders(&mut self) {
        let mut folders = vec![".gitbook/assets".to_string()];
        for section in &self.book.sections {
            folders.push(join_rel(&section.config.dir, ".gitbook/assets"));
        }
        let link_root = &self.book.config.link_root;
        for folder in folders {
            if !link_root.is_empty() && !folder.starts_with(&format!("{link_root}/")) {
                continue;
            }
            for name in self.book.files.list_dir(&folder) {
                let path = join_rel(&folder, &name);
                if self.book.files.is_file(&path) {
                    let url = self.file_url(&path);
                    self.files.insert(path, url);
                }
            }
        }
    }

    /// The URL a published file gets: its place within its section, or its
    /// book-relative path outside any section.
    fn file_url(&self, path: &str) -> String {
        self.book
            .sections
            .iter()
            .filter(|s| s.config.dir.is_empty() || path.starts_with(&format!("{}/", s.config.dir)))
            .max_by_key(|s| s.config.dir.len())
            .map(|s| format!("{}{}", s.config.url_prefix, strip_dir(path, &s.config.dir)))
            .unwrap_or_else(|| path.to_string())
    }

    fn resolve_link(&mut self, page: PageId, link: &Link) -> ResolvedLink {
        let target = self.target(page, link);
        let anchors_of = self.anchors_read.take();
        let Some(target) = target else {
            return ResolvedLink {
                anchors_of,
                ..ResolvedLink::default()
            };
        };
        let from = &self.page_urls[page];
        match target {
            Target::External(url) => ResolvedLink {
                href: Some(url),
                ..ResolvedLink::default()
            },
            Target::Page { page: to, fragment } => {
                let mut href = if to == page {
                    String::new()
                } else {
                    paths::href(from, &self.page_urls[to])
                };
                if let Some(fragment) = &fragment {
                    href.push('#');
                    href.push_str(&paths::encode_fragment(fragment));
                }
                if href.is_empty() {
                    href.push_str("./");
                }
                ResolvedLink {
                    href: Some(href),
                    page: Some(to),
                    anchors_of,
                    fragment,
                    ..ResolvedLink::default()
                }
            }
            Target::File { path, fragment } => {
                let url = self.file_url(&path);
                let mut href = paths::href(from, &url);
                let name = path.rsplit('/').next().unwrap_or(&path).to_string();
                let size = self.book.files.file_len(&path).unwrap_or(0);
                self.files.insert(path.clone(), url);
                if let Some(fragment) = &fragment {
                    href.push('#');
                    href.push_str(fragment);
                }
                ResolvedLink {
                    href: Some(href),
                    page: None,
                    file: Some((name, size)),
                    image_size: self.image_size(&path),
                    file_path: Some(path),
                    anchors_of,
                    fragment,
                }
            }
        }
    }

    fn target(&mut self, page: PageId, link: &Link) -> Option<Target> {
        let dest = link.dest.trim();
        if let Some(space_link) = gitbook_app_link(dest) {
            return self.gitbook_app_target(page, link, &space_link);
        }
        if dest.is_empty() || paths::has_scheme(dest) || dest.starts_with("//") {
            return None;
        }
        if is_broken_reference(dest) {
            self.report(
                page,
                link,
                Severity::Error,
                Code::BrokenReference,
                "GitBook lost the target of this link (it wrote `broken-reference`)".into(),
                Help::text("link it to the page it should lead to".into()),
            );
            return None;
        }
        let split = paths::path_and_fragment(dest);
        // A link in an included file is relative to that file.
        let origin_path = link
            .origin
            .as_ref()
            .map(|file| file.path.to_string_lossy().into_owned());
        let source_path = origin_path
            .as_deref()
            .unwrap_or(&self.book.pages[page].path);
        if split.path.is_empty() {
            return self.page_target(page, link, page, split.fragment);
        }
        let link_root = &self.book.config.link_root;
        let joined = paths::join_within(link_root, paths::parent_dir(source_path), &split.path);
        if joined.clamped > 0 && !link_root.is_empty() {
            let unbounded = paths::join(paths::parent_dir(source_path), &split.path);
            if unbounded.clamped == 0 && self.book.files.is_file(&unbounded.path) {
                if is_repository_asset(&unbounded.path) {
                    return Some(Target::File {
                        path: unbounded.path,
                        fragment: split.fragment,
                    });
                }
                self.report(
                    page,
                    link,
                    Severity::Error,
                    Code::OutsideRoot,
                    format!("`{dest}` is outside the space root `{link_root}`, so it is not part of the book"),
                    Help::text(format!("move `{}` into `{link_root}`", unbounded.path)),
                );
                return None;
            }
        }
        if joined.clamped > 0 {
            self.report(
                page,
                link,
                Severity::Warning,
                Code::ParentAboveRoot,
                format!(
                    "`{dest}` climbs above the {}; it was resolved from there",
                    if link_root.is_empty() {
                        "book root"
                    } else {
                        "space root"
                    }
                ),
                {
                    let fixed = paths::relative_url(
                        &format!("{}/", paths::parent_dir(source_path)),
                        &joined.path,
                    );
                    Help::proposing(format!("write it as `{fixed}`"), fixed)
                },
            );
        }
        let path = if joined.trailing_slash || self.book.files.is_dir(&joined.path) {
            self.folder_index(&joined.path)
        } else {
            joined.path
        };
        if let Some(to) = self.book.page_at(&path) {
            return self.page_target(page, link, to, split.fragment);
        }
        let old_path = joined_path_without_md(&path);
        if let Some(&(_, to)) = self.redirects.get(old_path) {
            let new_path = paths::relative_url(
                &format!("{}/", paths::parent_dir(source_path)),
                &self.book.pages[to].path,
            );
            self.report(
                page,
                link,
                Severity::Warning,
                Code::RedirectedLink,
                format!(
                    "`{dest}` is an old path; a redirect sends readers to `{}`",
                    self.book.pages[to].path
                ),
                Help::proposing(format!("link to the page itself: `{new_path}`"), new_path),
            );
            return self.page_target(page, link, to, split.fragment);
        }
        if path.ends_with(".md")
            && self.book.files.is_file(&path)
            && self.book.in_section_without_summary(&path)
        {
            // Unpublished because its section has no SUMMARY: that one
            // error is the cause, reported where it is.
            return None;
        }
        if path.ends_with(".md") && self.book.files.is_file(&path) {
            self.report(
                page,
                link,
                Severity::Error,
                Code::BrokenLink,
                format!("`{dest}` is not published: it is not in any SUMMARY.md"),
                Help::text(format!("add `{path}` to its section's SUMMARY.md")),
            );
            return None;
        }
        if !path.ends_with(".md") && self.book.files.is_file(&path) {
            return Some(Target::File {
                path,
                fragment: split.fragment,
            });
        }
        let mut help = self
            .suggest_path(source_path, &path)
            .map(|target| match &split.fragment {
                Some(fragment) => format!("{target}#{fragment}"),
                None => target,
            })
            .and_then(Help::did_you_mean);
        let repaired_path = mojibake::repair(&path);
        if repaired_path != path && self.book.files.is_file(&repaired_path) {
            let repaired_dest = mojibake::repair(dest).into_owned();
            help = Help::proposing(
                format!(
                    "the file is named `{}`; the link is its name read in the wrong encoding",
                    repaired_path.rsplit('/').next().unwrap_or(&repaired_path)
                ),
                repaired_dest,
            );
        }
        if let Some(inner) = dest.strip_prefix('(').and_then(|d| d.strip_suffix(')')) {
            help = Help::proposing(
                format!("remove the doubled parentheses: `[…]({inner})`"),
                inner.to_string(),
            );
        }
        if let Some(from_root) = self.written_from_root(source_path, &path) {
            help = Help::proposing(
                format!("the path is written from the root; from this page it is `{from_root}`"),
                from_root,
            );
        }
        let folder = path
            .ends_with("README.md")
            .then(|| paths::parent_dir(&path))
            .filter(|folder| joined.trailing_slash || self.book.files.is_dir(folder));
        let what = if let Some(folder) = folder {
            if self.book.files.is_dir(folder) {
                format!("folder `{dest}` has no README.md")
            } else {
                format!("folder `{dest}` does not exist")
            }
        } else if path.ends_with(".md") {
            format!("page `{dest}` does not exist")
        } else if looks_like_host(&split.path) {
            self.report(
                page,
                link,
                Severity::Error,
                Code::BrokenLink,
                format!("`{dest}` is not a file in the book"),
                Help::proposing(
                    format!("if it is a web address, write `https://{dest}`"),
                    format!("https://{dest}"),
                ),
            );
            return None;
        } else {
            format!("file `{dest}` does not exist")
        };
        self.report(page, link, Severity::Error, Code::BrokenLink, what, help);
        None
    }

    /// A link into GitBook's editor: the mapped published URL, or a
    /// warning that readers cannot follow it.
    fn gitbook_app_target(
        &mut self,
        page: PageId,
        link: &Link,
        space_link: &GitbookAppLink,
    ) -> Option<Target> {
        if let Some(base) = self.book.config.gitbook_spaces.get(&space_link.space) {
            if !space_link.change_request {
                let base = base.trim_end_matches('/');
                let rest = space_link.path.trim_start_matches('/');
                let url = if rest.is_empty() {
                    format!("{base}/")
                } else {
                    format!("{base}/{rest}")
                };
                return Some(Target::External(url));
            }
        }
        let (message, help) = if space_link.change_request {
            (
                "this link points into a GitBook change request, which readers cannot open"
                    .to_string(),
                "link to the published page instead".to_string(),
            )
        } else {
            (
                format!("this link opens GitBook's editor (space `{}`), which readers cannot open and folio cannot check", space_link.space),
                format!(
                    "map the space to its published address in book.toml: [gitbook.spaces] \"{}\" = \"https://…\"",
                    space_link.space
                ),
            )
        };
        self.report(
            page,
            link,
            Severity::Warning,
            Code::GitbookAppLink,
            message,
            Help::text(help),
        );
        None
    }

    /// The index page of a folder: a section's configured index, or its
    /// README.md.
    fn folder_index(&self, folder: &str) -> String {
        self.book
            .sections
            .iter()
            .find(|s| s.config.dir == folder)
            .map(|s| s.config.file(&s.config.readme))
            .unwrap_or_else(|| join_rel(folder, "README.md"))
    }

    fn page_target(
        &mut self,
        page: PageId,
        link: &Link,
        to: PageId,
        fragment: Option<String>,
    ) -> Option<Target> {
        let Some(fragment) = fragment.filter(|f| !f.is_empty()) else {
            return Some(Target::Page {
                page: to,
                fragment: None,
            });
        };
        self.anchors_read = Some(to);
        let target = &self.pages[to];
        if target.has_anchor(&fragment) {
            return Some(Target::Page {
                page: to,
                fragment: Some(fragment),
            });
        }
        let on = if to == page {
            "this page".to_string()
        } else {
            format!("`{}`", self.book.pages[to].path)
        };
        // GitBook may trim a heading's final dot in links (format notes
        // §10): a near miss, so a warning, and the link goes to the real id.
        let with_dot = format!("{fragment}.");
        if target.has_anchor(&with_dot) {
            self.report(
                page,
                link,
                Severity::Warning,
                Code::BrokenAnchor,
                format!(
                    "`#{fragment}` differs by a trailing dot from the id `#{with_dot}` on {on}"
                ),
                Help::proposing(
                    format!("write `#{with_dot}`"),
                    with_fragment(&link.dest, &with_dot),
                ),
            );
            return Some(Target::Page {
                page: to,
                fragment: Some(with_dot),
            });
        }
        let help = suggest_anchor(target, &fragment).map(|(text, id)| Help {
            text,
            suggestion: Some(with_fragment(&link.dest, &id)),
        });
        self.report(
            page,
            link,
            Severity::Error,
            Code::BrokenAnchor,
            format!("no heading or id `#{fragment}` on {on}"),
            help,
        );
        None
    }

    /// The closest published page or existing file to a missing path,
    /// written relative to the linking page.
    fn suggest_path(&self, from: &str, missing: &str) -> Option<String> {
        let from_dir = format!("{}/", paths::parent_dir(from));
        let relative = |path: &str| paths::relative_url(&from_dir, path);
        if missing.ends_with(".md") {
            let candidates = self.book.pages.iter().map(|p| p.path.as_str());
            return closest(missing, candidates).map(relative);
        }
        let with_md = format!("{missing}.md");
        if self.book.page_at(&with_md).is_some() {
            return Some(relative(&with_md));
        }
        let folder = paths::parent_dir(missing);
        let names: Vec<String> = self
            .book
            .root
            .list_dir(folder)
            .iter()
            .map(|name| join_rel(folder, name))
            .collect();
        closest(missing, names.iter().map(String::as_str)).map(relative)
    }

    /// A path that exists when read from the (space) root rather than from
    /// the linking page's folder, written as it should be.
    fn written_from_root(&self, from: &str, missing: &str) -> Option<String> {
        let rest = missing
            .strip_prefix(paths::parent_dir(from))?
            .trim_start_matches('/');
        let from_root = join_rel(&self.book.config.link_root, rest);
        (from_root != missing && self.book.files.is_file(&from_root))
            .then(|| paths::relative_url(&format!("{}/", paths::parent_dir(from)), &from_root))
    }

    #[allow(clippy::too_many_arguments)]
    fn report(
        &mut self,
        page: PageId,
        link: &Link,
        severity: Severity,
        code: Code,
        message: String,
        help: Option<Help>,
    ) {
        let source = link
            .origin
            .as_deref()
            .unwrap_or(&self.book.pages[page].source);
        let mut diagnostic = source
            .diagnostic(severity, code, link.span.clone(), message)
            .with_target(source.text.get(link.span.clone()).unwrap_or(&link.dest));
        if let Some(help) = help {
            diagnostic.help = Some(help.text);
            diagnostic.suggestion = help.suggestion;
        }
        self.diagnostics.push(diagnostic);
    }
}

/// A link into `app.gitbook.com`, taken apart.
#[derive(Debug, PartialEq, Eq)]
struct GitbookAppLink {
    space: String,
    path: String,
    change_request: bool,
}

/// `https://app.gitbook.com/[o/<org>/]s/<space>/<path>`.
fn gitbook_app_link(dest: &str) -> Option<GitbookAppLink> {
    let rest = dest
        .strip_prefix("https://app.gitbook.com/")
        .or_else(|| dest.strip_prefix("http://app.gitbook.com/"))?;
    let mut parts = rest.split('/').peekable();
    if parts.peek() == Some(&"o") {
        parts.next();
        parts.next();
    }
    if parts.next() != Some("s") {
        return None;
    }
    let space = parts.next().filter(|s| !s.is_empty())?.to_string();
    let path: Vec<&str> = parts.collect();
    let path = path.join("/");
    let unescaped = path.replace("\\~", "~");
    Some(GitbookAppLink {
        space,
        change_request: unescaped.starts_with("~/changes/") || unescaped.contains("/~/changes/"),
        path: unescaped,
    })
}

/// A redirect key is written without `.md` and without a trailing README.
fn joined_path_without_md(path: &str) -> &str {
    let path = path.strip_suffix("/README.md").unwrap_or(path);
    path.strip_suffix(".md").unwrap_or(path)
}

/// GitBook's own commits link a sub-folder space to uploads in the
/// repository root's `.gitbook/assets/` (`../.gitbook/assets/x.png` from
/// `docs/`), and GitBook shows them: that folder counts as part of the
/// space. Nothing else outside the space root does. (The path is relative
/// to the repository, the folder that holds `.gitbook.yaml`.)
fn is_repository_asset(path: &str) -> bool {
    path.strip_prefix(".gitbook/assets/")
        .is_some_and(|name| !name.is_empty())
}

/// GitBook's markers for a lost target: `broken-reference` as a path
/// segment, or the newer `/broken/…` form.
fn is_broken_reference(dest: &str) -> bool {
    let path = dest.split(['#', '?']).next().unwrap_or(dest);
    path.starts_with("/broken/") || path.split('/').any(|segment| segment == "broken-reference")
}

/// `example.org` or `www.example.org/x` written without a scheme.
fn looks_like_host(path: &str) -> bool {
    let host = path.split('/').next().unwrap_or("");
    host.starts_with("www.")
        || (host.contains('.')
            && !host.starts_with('.')
            && matches!(
                host.rsplit('.').next(),
                Some("com" | "org" | "net" | "io" | "dev" | "gov" | "int" | "edu")
            ))
}

/// Advice for a missing fragment, with the id to use instead.
fn suggest_anchor(page: &ParsedPage, fragment: &str) -> Option<(String, String)> {
    if let Some(id) = page.anchors().find(|id| id.eq_ignore_ascii_case(fragment)) {
        return Some((
            format!("fragments are case-sensitive: the id is `#{id}`"),
            id.to_string(),
        ));
    }
    closest(fragment, page.anchors()).map(|id| (format!("did you mean `#{id}`?"), id.to_string()))
}

/// A destination with its fragment replaced.
fn with_fragment(dest: &str, fragment: &str) -> String {
    let path = dest.split('#').next().unwrap_or(dest);
    format!("{path}#{fragment}")
}

/// The candidate closest to `wanted` by edit distance, if it is close
/// enough to be a plausible typo.
fn closest<'c>(wanted: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    let lower = wanted.to_lowercase();
    let limit = (wanted.chars().count() / 3).max(2);
    let mut best: HashMap<usize, &str> = HashMap::new();
    for candidate in candidates {
        let distance = strsim::levenshtein(&lower, &candidate.to_lowercase());
        if distance <= limit {
            best.entry(distance).or_insert(candidate);
        }
    }
    best.into_iter()
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitbook_app_links_are_taken_apart() {
        let link =
            gitbook_app_link("https://app.gitbook.com/o/Org9/s/Ab12Cd/guides/setup").unwrap();
        assert_eq!(
            (link.space.as_str(), link.path.as_str(), link.change_request),
            ("Ab12Cd", "guides/setup", false)
        );
        let link =
            gitbook_app_link("https://app.gitbook.com/s/Ab12Cd/\\~/changes/12/guides").unwrap();
        assert!(link.change_request);
        assert_eq!(
            gitbook_app_link("https://app.gitbook.com/o/naAY/s/70xU/")
                .unwrap()
                .path,
            ""
        );
        assert!(gitbook_app_link("https://example.org/s/x").is_none());
    }

    #[test]
    fn broken_reference_markers() {
        assert!(is_broken_reference("broken-reference"));
        assert!(is_broken_reference("../../a/broken-reference/"));
        assert!(is_broken_reference("/broken/pages/Xy12"));
        assert!(!is_broken_reference("broken-references.md"));
    }

    #[test]
    fn host_names_written_as_paths() {
        assert!(looks_like_host("downloads.example.com"));
        assert!(looks_like_host("www.example.org/x"));
        assert!(!looks_like_host("config.yaml"));
        assert!(!looks_like_host(".gitbook/assets/a.png"));
    }

    #[test]
    fn closest_prefers_small_distances() {
        let names = ["guide/install.md", "guide/intro.md", "faq.md"];
        assert_eq!(
            closest("guide/instal.md", names.into_iter()),
            Some("guide/install.md")
        );
        assert_eq!(closest("zzzzzzzz.md", names.into_iter()), None);
    }
}
