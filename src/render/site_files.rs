//! The site's files besides its pages: each page's Markdown at its URL plus
//! `.md` (as GitBook offers), `llms.txt` (every page with its description)
//! and `llms-full.txt` (all of the book in reading order), `sitemap.xml` and
//! `robots.txt`.

use std::fmt::Write as _;

use super::icons::Icons;
use super::{escape_html, OutputFile};
use crate::load::{Book, PageId};
use crate::parse::ParsedPage;
use crate::paths;
use crate::resolve::Site;

/// A file published beside a page: `a/b/` with `md` → `a/b.md`, the root
/// → `index.md`.
pub(super) fn beside_page(page_url: &str, extension: &str) -> String {
    let trimmed = page_url.trim_end_matches('/');
    if trimmed.is_empty() {
        format!("index.{extension}")
    } else {
        format!("{trimmed}.{extension}")
    }
}

/// Where a page's Markdown is published.
pub(super) fn markdown_path(page_url: &str) -> String {
    beside_page(page_url, "md")
}

/// A page's Markdown body (front matter removed).
fn markdown_of<'a>(book: &'a Book, parsed: &[ParsedPage], id: PageId) -> &'a str {
    let text = &book.pages[id].source.text;
    text.get(parsed[id].body_offset..)
        .unwrap_or(text)
        .trim_start_matches(['\n', '\r'])
}

/// An address for a site path: absolute with `site-url`, else relative to
/// the site root.
fn address(book: &Book, path: &str) -> String {
    let encoded = paths::encode_path(path);
    match &book.config.site_url {
        Some(site) => format!("{site}{encoded}"),
        // The home page, relative to the site's root.
        None if encoded.is_empty() => "./".into(),
        None => encoded,
    }
}

/// Where all of the book's Markdown is published in one file.
pub(super) const LLMS_FULL: &str = "llms-full.txt";

/// Every file of this module, in memory (for the preview).
pub(super) fn site_files(
    book: &Book,
    site: &Site,
    parsed: &[ParsedPage],
    titles: &[String],
    icons: &Icons,
) -> Vec<OutputFile> {
    let mut files: Vec<OutputFile> = (0..book.pages.len())
        .map(|id| page_markdown(book, site, parsed, id))
        .collect();
    let mut full = Vec::new();
    write_llms_full(&mut full, book, site, parsed, titles).expect("writing to memory cannot fail");
    files.push(OutputFile {
        path: LLMS_FULL.into(),
        contents: full,
    });
    files.extend(book_files(book, site, parsed, titles, icons));
    files
}

/// Page `id`'s Markdown, published beside the page.
pub(super) fn page_markdown(
    book: &Book,
    site: &Site,
    parsed: &[ParsedPage],
    id: PageId,
) -> OutputFile {
    OutputFile {
        path: markdown_path(&site.page_urls[id]),
        contents: markdown_of(book, parsed, id).as_bytes().to_vec(),
    }
}

/// The files of this module but the pages' Markdown ([`page_markdown`])
/// and [`LLMS_FULL`] ([`write_llms_full`]), which a build writes as it
/// goes: `llms.txt`, `robots.txt`, the sitemaps and `nav.json`.
pub(super) fn book_files(
    book: &Book,
    site: &Site,
    parsed: &[ParsedPage],
    titles: &[String],
    icons: &Icons,
) -> Vec<OutputFile> {
    let mut files = vec![text_file("llms.txt", llms_txt(book, site, parsed, titles))];
    files.push(text_file("robots.txt", robots_txt(book)));
    if let Some(site_url) = &book.config.site_url {
        let entries: Vec<(String, Option<&str>)> = site
            .page_urls
            .iter()
            .enumerate()
            .filter(|(id, _)| !parsed[*id].front_matter.no_index)
            .map(|(id, url)| {
                let changed = book.last_changed.get(&book.pages[id].path);
                (address(book, url), changed.map(String::as_str))
            })
            .collect();
        for (path, xml) in sitemaps(site_url, &entries, SITEMAP_LIMIT) {
            files.push(text_file(&path, xml));
        }
    }
    files.push(text_file("nav.json", nav_json(book, site, parsed, icons)));
    files
}

/// The whole navigation once, for the sidebar script to expand subtrees
/// that a page's own HTML leaves closed (each page carries only the path to
/// itself, so pages stay small). URLs are relative to the site root.
/// The whole sidebar, for the script that opens its closed entries; icons
/// name a symbol of the sprite at `icons` (or are an emoji).
fn nav_json(book: &Book, site: &Site, parsed: &[ParsedPage], icons: &Icons) -> String {
    fn items(
        site: &Site,
        parsed: &[ParsedPage],
        icons: &Icons,
        entries: &[crate::load::NavItem],
    ) -> Vec<serde_json::Value> {
        entries
            .iter()
            .filter(|item| !matches!(item.target, crate::load::NavTarget::Page(id) if parsed[id].front_matter.hidden))
            .map(|item| {
                let (url, external) = match &item.target {
                    crate::load::NavTarget::Page(id) => (paths::encode_path(&site.page_urls[*id]), false),
                    crate::load::NavTarget::External(url) => (url.clone(), true),
                    crate::load::NavTarget::None => (String::new(), false),
                };
                let icon = match item.target {
                    crate::load::NavTarget::Page(id) => parsed[id]
                        .front_matter
                        .icon
                        .as_deref()
                        .and_then(|name| icons.nav_value(name)),
                    _ => None,
                };
                serde_json::json!({
                    "title": item.label,
                    "url": url,
                    "external": external,
                    "icon": icon,
                    "children": items(site, parsed, icons, &item.children),
                })
            })
            .collect()
    }
    let sections: Vec<serde_json::Value> = book
        .sections
        .iter()
        .map(|section| {
            let groups: Vec<serde_json::Value> = section
                .groups
                .iter()
                .map(|group| serde_json::json!({"title": group.title, "items": items(site, parsed, icons, &group.items)}))
                .collect();
            serde_json::json!({"title": section.config.title, "url": paths::encode_path(&section.config.url_prefix), "groups": groups})
        })
        .collect();
    serde_json::json!({ "sections": sections, "icons": icons.sprite_path() }).to_string()
}

fn text_file(path: &str, text: String) -> OutputFile {
    OutputFile {
        path: path.into(),
        contents: text.into_bytes(),
    }
}

fn llms_txt(book: &Book, site: &Site, parsed: &[ParsedPage], titles: &[String]) -> String {
    let mut text = format!("# {}\n\n", book.config.title);
    if !book.config.description.is_empty() {
        let _ = writeln!(text, "> {}\n", book.config.description);
    }
    for (index, section) in book.sections.iter().enumerate() {
        let _ = writeln!(text, "## {}\n", section.config.title);
        for id in (0..book.pages.len()).filter(|&id| book.pages[id].section == index) {
            let description = parsed[id].front_matter.description.as_deref().unwrap_or("");
            let url = address(book, &markdown_path(&site.page_urls[id]));
            match description {
                "" => {
                    let _ = writeln!(text, "- [{}]({url})", titles[id]);
                }
                description => {
                    let _ = writeln!(text, "- [{}]({url}): {description}", titles[id]);
                }
            }
        }
        text.push('\n');
    }
    text
}

/// `llms-full.txt`: every page's Markdown in reading order, each after a
/// short header, written page by page.
pub(super) fn write_llms_full(
    out: &mut dyn std::io::Write,
    book: &Book,
    site: &Site,
    parsed: &[ParsedPage],
    titles: &[String],
) -> std::io::Result<()> {
    write!(out, "# {}\n\n", book.config.title)?;
    for (id, title) in titles.iter().enumerate() {
        write!(
            out,
            "---\n\nSource: {}\nTitle: {title}\n",
            address(book, &site.page_urls[id]),
        )?;
        if let Some(description) = &parsed[id].front_matter.description {
            writeln!(out, "Description: {}", description.trim())?;
        }
        write!(out, "\n{}\n\n", markdown_of(book, parsed, id).trim_end())?;
    }
    Ok(())
}

fn robots_txt(book: &Book) -> String {
    let mut text = String::from("User-agent: *\nAllow: /\n");
    if let Some(site) = &book.config.site_url {
        let _ = writeln!(text, "Sitemap: {site}sitemap.xml");
    }
    text
}

/// URLs one sitemap file may hold (sitemaps.org protocol).
const SITEMAP_LIMIT: usize = 50_000;

/// `sitemap.xml` for (address, last commit date) entries; past `limit`
/// entries the URLs go to `sitemap-<n>.xml` files and `sitemap.xml`
/// becomes their index, as the protocol requires.
fn sitemaps(
    site_url: &str,
    entries: &[(String, Option<&str>)],
    limit: usize,
) -> Vec<(String, String)> {
    const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    const NAMESPACE: &str = "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"";
    let urlset = |entries: &[(String, Option<&str>)]| {
        let mut xml = format!("{HEAD}<urlset {NAMESPACE}>\n");
        for (address, changed) in entries {
            let _ = write!(xml, "  <url><loc>{}</loc>", escape_html(address));
            if let Some(date) = changed {
                let _ = write!(xml, "<lastmod>{date}</lastmod>");
            }
            xml.push_str("</url>\n");
        }
        xml.push_str("</urlset>\n");
        xml
    };
    if entries.len() <= limit {
        return vec![("sitemap.xml".into(), urlset(entries))];
    }
    let mut files = Vec::new();
    let mut index = format!("{HEAD}<sitemapindex {NAMESPACE}>\n");
    for (n, part) in entries.chunks(limit).enumerate() {
        let path = format!("sitemap-{}.xml", n + 1);
        let _ = writeln!(
            index,
            "  <sitemap><loc>{}</loc></sitemap>",
            escape_html(&format!("{site_url}{path}"))
        );
        files.push((path, urlset(part)));
    }
    index.push_str("</sitemapindex>\n");
    files.push(("sitemap.xml".into(), index));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_paths() {
        assert_eq!(markdown_path(""), "index.md");
        assert_eq!(markdown_path("a/b/"), "a/b.md");
        assert_eq!(markdown_path("references/"), "references.md");
    }

    #[test]
    fn a_large_sitemap_becomes_an_index_of_sitemaps() {
        let site = "https://example.org/kb/";
        let entries: Vec<(String, Option<&str>)> = (0..5)
            .map(|n| (format!("{site}p{n}/?a&b"), (n == 0).then_some("2026-11-27")))
            .collect();
        let one = sitemaps(site, &entries, 5);
        assert_eq!(one.len(), 1);
        let xml = roxmltree::Document::parse(&one[0].1).expect("well-formed");
        assert_eq!(xml.root_element().tag_name().name(), "urlset");
        let first = xml.descendants().find(|n| n.has_tag_name("url")).unwrap();
        let text = |tag: &str| {
            first
                .children()
                .find(|n| n.has_tag_name(tag))
                .and_then(|n| n.text())
        };
        assert_eq!(text("loc"), Some("https://example.org/kb/p0/?a&b"));
        assert_eq!(text("lastmod"), Some("2026-11-27"));

        let split = sitemaps(site, &entries, 2);
        let names: Vec<&str> = split.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml",
                "sitemap.xml"
            ]
        );
        let index = roxmltree::Document::parse(&split[3].1).expect("well-formed");
        assert_eq!(index.root_element().tag_name().name(), "sitemapindex");
        let locs: Vec<&str> = index
            .descendants()
            .filter(|n| n.has_tag_name("loc"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(locs[2], "https://example.org/kb/sitemap-3.xml");
    }
}
