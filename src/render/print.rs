//! The print page: the whole book in reading order at `print/`, for
//! printing or saving as one PDF.
//!
//! Each page's body is reused from its own rendering; its links, written
//! relative to the page, are rewritten to be relative to `print/`. A link
//! to another page of the book goes to that page's section of the print
//! page when it has one.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use super::{OutputFile, TemplateError, Theme};
use crate::load::Book;
use crate::parse::html;
use crate::parse::ParsedPage;
use crate::paths;
use crate::resolve::Site;

/// Where the print page is published.
pub(super) const PRINT_URL: &str = "print/";

#[derive(Serialize)]
struct PrintPage<'a> {
    anchor: String,
    title: &'a str,
    description: &'a str,
    content: String,
}

/// Renders `print/index.html` with the theme's `print.html`.
#[allow(clippy::too_many_arguments)]
pub(super) fn print_page(
    book: &Book,
    site: &Site,
    parsed: &[ParsedPage],
    titles: &[String],
    contents: &[String],
    theme: &Theme,
    asset_paths: &BTreeMap<&str, &str>,
    stop: &AtomicBool,
) -> Result<Option<OutputFile>, TemplateError> {
    let anchors: HashMap<&str, String> = site
        .page_urls
        .iter()
        .enumerate()
        .map(|(id, url)| (url.as_str(), format!("page-{id}")))
        .collect();
    let pages: Vec<PrintPage> = contents
        .iter()
        .enumerate()
        .filter(|(id, _)| !parsed[*id].front_matter.hidden && !stop.load(Ordering::Relaxed))
        .map(|(id, content)| PrintPage {
            anchor: anchors[site.page_urls[id].as_str()].clone(),
            title: &titles[id],
            description: parsed[id].front_matter.description.as_deref().unwrap_or(""),
            content: rebase(content, &site.page_urls[id], &anchors),
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

/// Rewrites the relative `href`, `src` and `srcset` values of a page body
/// written for `page_url` so they work from the print page.
fn rebase(content: &str, page_url: &str, anchors: &HashMap<&str, String>) -> String {
    let mut replacements = Vec::new();
    for attribute in html::attributes(content) {
        let name = attribute.name.to_ascii_lowercase();
        if !matches!(name.as_str(), "href" | "src" | "srcset") {
            continue;
        }
        let ranges = if name == "srcset" {
            html::srcset_urls(attribute.value)
                .into_iter()
                .map(|r| attribute.range.start + r.start..attribute.range.start + r.end)
                .collect()
        } else {
            vec![attribute.range.clone()]
        };
        for range in ranges {
            if let Some(new) = rebased(&content[range.clone()], page_url, anchors) {
                replacements.push((range, new));
            }
        }
    }
    let mut out = String::with_capacity(content.len());
    let mut at = 0;
    for (range, new) in replacements {
        if range.start < at {
            continue;
        }
        out.push_str(&content[at..range.start]);
        out.push_str(&new);
        at = range.end;
    }
    out.push_str(&content[at..]);
    out
}

/// One value: external and `#fragment` values stay; a page of the book
/// becomes its section on the print page; anything else is made relative
/// to `print/`.
fn rebased(value: &str, page_url: &str, anchors: &HashMap<&str, String>) -> Option<String> {
    let decoded = html::decode_entities(value);
    if decoded.is_empty()
        || decoded.starts_with('#')
        || paths::has_scheme(&decoded)
        || decoded.starts_with('/')
    {
        return None;
    }
    let (path, fragment) = match decoded.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (decoded.as_str(), None),
    };
    let joined = paths::join(page_url.trim_end_matches('/'), &paths::percent_decode(path));
    let target = if joined.trailing_slash || path.is_empty() {
        if joined.path.is_empty() {
            String::new()
        } else {
            format!("{}/", joined.path)
        }
    } else {
        joined.path.clone()
    };
    if let Some(anchor) = anchors.get(target.as_str()) {
        return Some(match fragment {
            Some(fragment) => format!("#{fragment}"),
            None => format!("#{anchor}"),
        });
    }
    let mut url = paths::href(PRINT_URL, &target);
    if let Some(fragment) = fragment {
        url.push('#');
        url.push_str(fragment);
    }
    Some(url.replace('"', "%22"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_rebased_onto_the_print_page() {
        let anchors: HashMap<&str, String> = [
            ("", "page-0".to_string()),
            ("guide/install/", "page-1".to_string()),
        ]
        .into();
        let body = r##"<a href="../install/">i</a> <a href="../install/#x">x</a> <img src="../../.gitbook/assets/a%20b.png"> <a href="https://e.org">e</a> <a href="#y">y</a>"##;
        assert_eq!(
            rebase(body, "guide/linux/", &anchors),
            r##"<a href="#page-1">i</a> <a href="#x">x</a> <img src="../.gitbook/assets/a%20b.png"> <a href="https://e.org">e</a> <a href="#y">y</a>"##
        );
    }
}
