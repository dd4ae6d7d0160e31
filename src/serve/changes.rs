//! What a rebuild changed, as an open browser tab sees it.
//!
//! Owns comparing two in-memory sites ([`SiteChanges::between`]) and
//! deciding what one tab does about it ([`SiteChanges::for_tab`]): reload
//! when the page it shows changed (its text, navigation, title or link
//! targets all live in its HTML) or when something it loads changed in
//! place; swap stylesheets when only a stylesheet changed; nothing
//! otherwise. Theme stylesheets and scripts carry a content hash in their
//! names, so a stylesheet edit renames the file and touches every page's
//! `<link>`: pages are compared with those renames undone.
//!
//! It never reads files, builds, or talks to the network.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use crate::paths;
use crate::render;

/// A site in memory: site path → contents.
pub(super) type SiteFiles = HashMap<String, Arc<Vec<u8>>>;

/// The difference between two builds of a site.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct SiteChanges {
    /// HTML files added, removed, or changed in more than hashed asset names.
    pub(super) pages: BTreeSet<String>,
    /// Other files changed in place or removed, and scripts renamed: a tab
    /// that loads one reloads.
    pub(super) assets: BTreeSet<String>,
    /// Stylesheets renamed by an edit: old site path → new site path.
    pub(super) stylesheets: BTreeMap<String, String>,
}

/// What one tab should do after a rebuild.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum TabUpdate {
    /// Nothing the tab shows changed.
    Nothing,
    /// Load the page again.
    Reload,
    /// Only stylesheets changed: (old file name, new file name) pairs.
    Stylesheets(Vec<(String, String)>),
}

impl SiteChanges {
    /// Compares the site before and after a rebuild.
    pub(super) fn between(old: &SiteFiles, new: &SiteFiles) -> Self {
        let renamed = hashed_renames(old, new);
        let name_pairs: Vec<(&str, &str)> = renamed
            .iter()
            .map(|(from, to)| (file_name(from), file_name(to)))
            .collect();
        let mut changes = SiteChanges::default();
        for (path, contents) in new {
            match old.get(path) {
                Some(before) if before == contents => {}
                Some(before)
                    if is_html(path) && same_but_renamed(before, contents, &name_pairs) => {}
                Some(_) if is_html(path) => {
                    changes.pages.insert(path.clone());
                }
                Some(_) => {
                    changes.assets.insert(path.clone());
                }
                None if is_html(path) => {
                    changes.pages.insert(path.clone());
                }
                None => {}
            }
        }
        for path in old.keys().filter(|path| !new.contains_key(*path)) {
            if is_html(path) {
                changes.pages.insert(path.clone());
            } else if let Some(to) = renamed.get(path) {
                if path.ends_with(".css") {
                    changes.stylesheets.insert(path.clone(), to.clone());
                } else if path.ends_with(".js") {
                    changes.assets.insert(path.clone());
                }
                // A renamed icon sprite holds every icon the old one had.
            } else {
                changes.assets.insert(path.clone());
            }
        }
        changes
    }

    /// Whether the rebuild changed nothing a reader can see.
    pub(super) fn is_empty(&self) -> bool {
        self.pages.is_empty() && self.assets.is_empty() && self.stylesheets.is_empty()
    }

    /// What a tab showing the site file `shown` (as served: a page's
    /// `index.html`, or `404.html` for a path with no page) should do;
    /// `html` is that file as it is now.
    pub(super) fn for_tab(&self, shown: &str, html: Option<&[u8]>) -> TabUpdate {
        if self.pages.contains(shown) {
            return TabUpdate::Reload;
        }
        let html = html.map(String::from_utf8_lossy).unwrap_or_default();
        if self
            .assets
            .iter()
            .any(|asset| references(&html, shown, asset))
        {
            return TabUpdate::Reload;
        }
        let swaps: Vec<(String, String)> = self
            .stylesheets
            .iter()
            .map(|(from, to)| (file_name(from).to_string(), file_name(to).to_string()))
            .filter(|(_, to)| html.contains(to.as_str()))
            .collect();
        if swaps.is_empty() {
            TabUpdate::Nothing
        } else {
            TabUpdate::Stylesheets(swaps)
        }
    }
}

/// Hashed assets that only changed their hash: old path → new path.
fn hashed_renames(old: &SiteFiles, new: &SiteFiles) -> HashMap<String, String> {
    let added: HashMap<String, &String> = new
        .keys()
        .filter(|path| !old.contains_key(*path))
        .filter_map(|path| Some((render::unhashed_asset_path(path)?, path)))
        .collect();
    old.keys()
        .filter(|path| !new.contains_key(*path))
        .filter_map(|path| {
            let to = added.get(&render::unhashed_asset_path(path)?)?;
            Some((path.clone(), (*to).clone()))
        })
        .collect()
}

/// Whether `before`, with every renamed asset's new name put in, is `after`.
fn same_but_renamed(before: &[u8], after: &[u8], renames: &[(&str, &str)]) -> bool {
    if renames.is_empty() {
        return false;
    }
    let mut text = String::from_utf8_lossy(before).into_owned();
    for (from, to) in renames {
        text = text.replace(from, to);
    }
    text.as_bytes() == after
}

/// Whether the page at `shown` links to the site file `asset`: its HTML
/// holds the relative URL from the page to it, as written or
/// percent-encoded. (Files that scripts fetch, such as the search index,
/// are not named in pages and never reload a tab.)
/// Whether the page `html` (served at `shown`) loads `asset`: as a `src`,
/// `srcset`, `poster` or `data` value, or a `<link href>` (a stylesheet,
/// an icon). A link a reader may follow (`<a href>`) is not a load: the
/// page does not change when its target does.
fn references(html: &str, shown: &str, asset: &str) -> bool {
    let relative = paths::relative_url(shown, asset);
    let encoded = paths::encode_path(&relative);
    [relative.as_str(), encoded.as_str()]
        .iter()
        .any(|url| html.match_indices(url).any(|(at, _)| loads_at(html, at)))
}

/// Whether the URL at byte `at` of `html` sits in an attribute that makes
/// the browser load it.
fn loads_at(html: &str, at: usize) -> bool {
    let Some(tag_start) = html[..at].rfind('<') else {
        return false;
    };
    let tag = &html[tag_start..at];
    if tag.contains('>') {
        return false;
    }
    let Some(equals) = tag.rfind('=') else {
        return false;
    };
    let name = tag[..equals]
        .trim_end()
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let element = tag[1..]
        .split(|c: char| c.is_whitespace() || c == '>')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match name.as_str() {
        "src" | "srcset" | "poster" | "data" => true,
        "href" => element == "link",
        _ => false,
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn is_html(path: &str) -> bool {
    path.ends_with(".html")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> SiteFiles {
        files
            .iter()
            .map(|(path, text)| (path.to_string(), Arc::new(text.as_bytes().to_vec())))
            .collect()
    }

    #[test]
    fn only_what_a_page_loads_makes_it_reload() {
        let html = r#"<link rel="stylesheet" href="../_folio/x.css"><img alt="" src="../a%20b.png"><a href="../b.md">Markdown</a><img srcset="../s.png 2x">"#;
        assert!(references(html, "guide/", "_folio/x.css"));
        assert!(references(html, "guide/", "a b.png"));
        assert!(references(html, "guide/", "s.png"));
        assert!(!references(html, "guide/", "b.md"), "a link is not a load");
        assert!(!references(html, "guide/", "c.png"));
    }

    const CSS_A: &str = "_folio/folio.0123456789abcdef.css";
    const CSS_B: &str = "_folio/folio.fedcba9876543210.css";

    #[test]
    fn an_identical_rebuild_changes_nothing() {
        let a = site(&[("index.html", "<p>hi"), ("x.png", "png")]);
        let changes = SiteChanges::between(&a, &a.clone());
        assert!(changes.is_empty());
        assert_eq!(changes.for_tab("index.html", None), TabUpdate::Nothing);
    }

    #[test]
    fn only_tabs_on_a_changed_page_reload() {
        let old = site(&[("a/index.html", "<p>a"), ("b/index.html", "<p>b")]);
        let new = site(&[("a/index.html", "<p>a!"), ("b/index.html", "<p>b")]);
        let changes = SiteChanges::between(&old, &new);
        assert_eq!(changes.for_tab("a/index.html", None), TabUpdate::Reload);
        assert_eq!(changes.for_tab("b/index.html", None), TabUpdate::Nothing);
    }

    #[test]
    fn a_stylesheet_edit_swaps_the_stylesheet_without_a_reload() {
        let page = |css: &str| format!("<link href=\"../{css}\"><p>a");
        let old = site(&[("a/index.html", &page(CSS_A)), (CSS_A, "p{}")]);
        let new = site(&[("a/index.html", &page(CSS_B)), (CSS_B, "p{color:red}")]);
        let changes = SiteChanges::between(&old, &new);
        assert!(changes.pages.is_empty());
        assert_eq!(
            changes.for_tab("a/index.html", Some(page(CSS_B).as_bytes())),
            TabUpdate::Stylesheets(vec![(
                "folio.0123456789abcdef.css".into(),
                "folio.fedcba9876543210.css".into()
            )])
        );
    }

    #[test]
    fn a_page_edited_with_the_stylesheet_reloads() {
        let old = site(&[("a/index.html", &format!("{CSS_A}<p>a")), (CSS_A, "")]);
        let new = site(&[("a/index.html", &format!("{CSS_B}<p>b")), (CSS_B, "x")]);
        let changes = SiteChanges::between(&old, &new);
        assert_eq!(changes.for_tab("a/index.html", None), TabUpdate::Reload);
    }

    #[test]
    fn an_image_edited_in_place_reloads_the_pages_that_show_it() {
        let old = site(&[
            ("a/index.html", "<img src=\"../my%20shot.png\">"),
            ("b/index.html", "<p>b"),
            ("my shot.png", "1"),
        ]);
        let mut new = old.clone();
        new.insert("my shot.png".into(), Arc::new(b"2".to_vec()));
        let changes = SiteChanges::between(&old, &new);
        let html = |path: &str| new[path].as_slice().to_vec();
        assert_eq!(
            changes.for_tab("a/index.html", Some(&html("a/index.html"))),
            TabUpdate::Reload
        );
        assert_eq!(
            changes.for_tab("b/index.html", Some(&html("b/index.html"))),
            TabUpdate::Nothing
        );
    }

    #[test]
    fn a_search_shard_changing_reloads_no_tab() {
        let page = "<p>1.json and meta.json as text</p><a href=\"../search/\">x</a>";
        let old = site(&[
            ("a/index.html", page),
            ("search/d/1.json", "1"),
            ("search/meta.json", "m"),
        ]);
        let mut new = old.clone();
        new.insert("search/d/1.json".into(), Arc::new(b"2".to_vec()));
        new.insert("search/meta.json".into(), Arc::new(b"n".to_vec()));
        let changes = SiteChanges::between(&old, &new);
        assert_eq!(changes.assets.len(), 2);
        assert_eq!(
            changes.for_tab("a/index.html", Some(page.as_bytes())),
            TabUpdate::Nothing
        );
    }

    #[test]
    fn added_and_removed_pages_reload_tabs_on_them() {
        let old = site(&[("a/index.html", "a"), ("404.html", "nf")]);
        let new = site(&[("b/index.html", "b"), ("404.html", "nf")]);
        let changes = SiteChanges::between(&old, &new);
        assert_eq!(changes.for_tab("a/index.html", None), TabUpdate::Reload);
        assert_eq!(changes.for_tab("b/index.html", None), TabUpdate::Reload);
        assert_eq!(changes.for_tab("404.html", None), TabUpdate::Nothing);
    }
}
