//! The 404 page: the theme's page layout (header, search, navigation)
//! around the theme's `not-found.html` message.
//!
//! Owns making one file work at any address it is served for: every URL in
//! it is written relative to the site root, and a `<base>` set before
//! anything loads says where that root is — the path of `site-url` when the
//! book has one, else found at run time (the root the reader's last page
//! of this site stored, the first segment of the address that is a
//! top-level name of the site, or a probe for `404.html` one folder up at
//! a time). It never resolves links or reads files.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::context::{BaseView, LayoutView, NavView, PageContext, PageInputs, PageView};
use super::{base_view, template_context, OutputFile, TemplateError, Theme};
use crate::index::Index;
use crate::load::{Book, PageId};
use crate::parse::ParsedPage;
use crate::resolve::Site;

/// What the 404 page's `<head>` script needs to find the site root.
#[derive(Serialize)]
pub(super) struct NotFoundView {
    /// The site root's path from `site-url` (`/kb/`), or "" when unknown.
    pub(super) base: String,
    /// The first path segments of everything the site publishes.
    pub(super) top: Vec<String>,
}

/// The message's template context.
#[derive(Serialize)]
struct MessageView<'a> {
    #[serde(flatten)]
    base: &'a BaseView<'a>,
    home_url: &'a str,
}

/// Everything the 404 page is built from.
pub(super) struct NotFoundInputs<'a> {
    pub(super) book: &'a Book,
    pub(super) site: &'a Site,
    pub(super) parsed: &'a [ParsedPage],
    pub(super) titles: &'a [String],
    pub(super) icons: &'a super::icons::Icons,
    pub(super) asset_paths: &'a BTreeMap<&'a str, &'a str>,
}

/// `404.html`, or `None` for a book without pages.
pub(super) fn not_found_page(
    inputs: &NotFoundInputs<'_>,
    theme: &Theme,
) -> Result<Option<OutputFile>, TemplateError> {
    let site = inputs.site;
    let Some(home) = home_page(site) else {
        return Ok(None);
    };
    let indexes: [Index; 0] = [];
    let page_inputs = PageInputs {
        book: inputs.book,
        site,
        parsed: inputs.parsed,
        titles: inputs.titles,
        page: home,
        this: &inputs.parsed[home],
        indexes: &indexes,
        icons: inputs.icons,
    };
    let base = base_view(inputs.book, site, inputs.asset_paths, "");
    let mut nav = page_inputs.nav();
    nav.home_url = "./".to_string();
    forget_current(&mut nav);
    let message = MessageView {
        base: &base,
        home_url: &nav.home_url,
    };
    let content = theme.render(
        "not-found.html",
        &template_context("not-found.html", &message)?,
    )?;
    let view = PageContext {
        base,
        page: page_view(inputs.book, site, content),
        nav,
    };
    let html = theme.render("page.html", &template_context("page.html", &view)?)?;
    Ok(Some(OutputFile {
        path: "404.html".to_string(),
        contents: html.into_bytes(),
    }))
}

/// The page whose navigation the 404 page shows: the site's home.
fn home_page(site: &Site) -> Option<PageId> {
    site.page_urls
        .iter()
        .position(String::is_empty)
        .or_else(|| (!site.page_urls.is_empty()).then_some(0))
}

/// No sidebar entry is the page being read.
fn forget_current(nav: &mut NavView<'_>) {
    fn clear(items: &mut [super::context::ItemView<'_>]) {
        for item in items {
            item.current = false;
            clear(&mut item.children);
        }
    }
    for section in &mut nav.sections {
        section.current = false;
    }
    for group in &mut nav.groups {
        clear(&mut group.items);
    }
}

fn page_view<'a>(book: &'a Book, site: &Site, content: String) -> PageView<'a> {
    PageView {
        title: "Page not found",
        description: "",
        content,
        canonical_url: String::new(),
        source_path: "",
        no_index: true,
        layout: LayoutView {
            title: true,
            description: false,
            outline: false,
            pagination: false,
            sidebar: true,
            wide: false,
        },
        outline: Vec::new(),
        breadcrumbs: Vec::new(),
        prev: None,
        next: None,
        cover: None,
        edit_url: String::new(),
        last_updated: "",
        mermaid_script: String::new(),
        icon: String::new(),
        has_code: false,
        markdown_url: String::new(),
        llms_url: String::new(),
        not_found: Some(NotFoundView {
            base: site_root_path(book),
            top: top_segments(site),
        }),
    }
}

/// The path of `site-url` (`https://org.github.io/kb/` → `/kb/`), or "".
fn site_root_path(book: &Book) -> String {
    book.config
        .site_url
        .as_deref()
        .and_then(|url| url.split("://").nth(1))
        .and_then(|rest| rest.find('/').map(|at| rest[at..].to_string()))
        .unwrap_or_default()
}

/// The first path segment of every page and published file, and the
/// folders folio writes (`_folio`, `search`).
fn top_segments(site: &Site) -> Vec<String> {
    let first = |path: &str| path.split('/').next().unwrap_or("").to_string();
    let mut top: BTreeSet<String> = site
        .page_urls
        .iter()
        .filter(|url| url.contains('/'))
        .map(|url| first(url))
        .chain(site.files.values().map(|url| first(url)))
        .collect();
    top.extend([super::STATIC_DIR.to_string(), "search".to_string()]);
    top.remove("");
    top.into_iter().collect()
}
