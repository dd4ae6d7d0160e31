//! The print page: the whole book in reading order at `print/`, for
//! printing or saving as one PDF.
//!
//! Each page's body is rendered for it (`BodyFor::Print` in `render`) from
//! the resolver's links ([`links`]): a link to another page of the book
//! goes to that page's section (`#p3`, or `#p3--setup` for a heading in
//! it), other links are relative to `print/`, and every id a page defines
//! is prefixed with its section's (`p3--`), so ids are unique across the
//! book. It never re-parses HTML.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use super::{OutputFile, TemplateError};
use crate::load::PageId;
use crate::parse::ParsedPage;
use crate::paths;
use crate::resolve::{ResolvedLink, Site};

/// Where the print page is published.
pub(super) const PRINT_URL: &str = "print/";

#[derive(Serialize)]
struct PrintPage<'a> {
    anchor: String,
    title: &'a str,
    description: &'a str,
    content: &'a str,
}

/// The prefix of the ids page `id` defines on the print page.
pub(super) fn id_prefix(id: PageId) -> String {
    format!("p{id}--")
}

/// Page `id`'s links as the print page writes them: to sections of the
/// print page for pages it holds, relative to `print/` otherwise.
pub(super) fn links(site: &Site, parsed: &[ParsedPage], id: PageId) -> Vec<ResolvedLink> {
    site.links[id]
        .iter()
        .map(|link| {
            let href = match (&link.href, link.page, &link.file_path) {
                // A heading in a section the print page holds.
                (Some(_), Some(to), _)
                    if link.fragment.is_some() && !parsed[to].front_matter.hidden =>
                {
                    let fragment = link.fragment.as_deref().unwrap_or_default();
                    Some(format!(
                        "#{}{}",
                        id_prefix(to),
                        paths::encode_fragment(fragment)
                    ))
                }
                (Some(_), Some(to), _) => Some(with_fragment(
                    page_href(site, parsed, to),
                    link.fragment.as_deref(),
                )),
                (Some(_), None, Some(path)) => site.files.get(path).map(|url| {
                    with_fragment(paths::href(PRINT_URL, url), link.fragment.as_deref())
                }),
                (href, _, _) => href.clone(),
            };
            ResolvedLink {
                href,
                ..link.clone()
            }
        })
        .collect()
}

/// Where the print page links page `to`: its section, or the page itself
/// when the print page leaves it out.
pub(super) fn page_href(site: &Site, parsed: &[ParsedPage], to: PageId) -> String {
    if parsed[to].front_matter.hidden {
        paths::href(PRINT_URL, &site.page_urls[to])
    } else {
        format!("#p{to}")
    }
}

fn with_fragment(mut href: String, fragment: Option<&str>) -> String {
    if let Some(fragment) = fragment {
        href.push('#');
        href.push_str(&paths::encode_fragment(fragment));
    }
    href
}

/// Renders `print/index.html` with the theme's `print.html`; `contents`
/// are the pages' bodies rendered for it.
pub(super) fn print_page(
    inputs: &super::RenderInputs<'_>,
    titles: &[String],
    contents: &[String],
    asset_paths: &BTreeMap<&str, &str>,
    stop: &AtomicBool,
) -> Result<Option<OutputFile>, TemplateError> {
    let super::RenderInputs {
        book,
        site,
        parsed,
        theme,
        ..
    } = *inputs;
    let pages: Vec<PrintPage> = contents
        .iter()
        .enumerate()
        .filter(|(id, _)| !parsed[*id].front_matter.hidden && !stop.load(Ordering::Relaxed))
        .map(|(id, content)| PrintPage {
            anchor: format!("p{id}"),
            title: &titles[id],
            description: parsed[id].front_matter.description.as_deref().unwrap_or(""),
            content,
        })
        .collect();
    #[derive(serde::Serialize)]
    struct PrintContext<'a> {
        #[serde(flatten)]
        base: super::BaseView<'a>,
        pages: Vec<PrintPage<'a>>,
    }
    if stop.load(Ordering::Relaxed) {
        return Ok(None);
    }
    let view = PrintContext {
        base: super::base_view(book, site, asset_paths, PRINT_URL),
        pages,
    };
    let html = theme.render("print.html", &super::template_context("print.html", &view)?)?;
    Ok(Some(OutputFile {
        path: format!("{PRINT_URL}index.html"),
        contents: html.into_bytes(),
    }))
}
