//! Generated indexes → the view the theme's `listing.html` turns into
//! tables, and a JSON copy.
//!
//! Each group is a section with its heading (the id `index` gave it) and a
//! table linking to each page, with the configured columns. A filter form
//! (text, each filter key, group) is in the page but `hidden`: the theme's
//! script reveals and drives it, so without JavaScript readers get the full
//! tables.

use serde::Serialize;
use serde_json::json;

use super::{TemplateError, Theme};
use crate::index::{display_value, list_values, Index, IndexEntry};
use crate::load::PageId;
use crate::paths;
use crate::resolve::Site;

/// The HTML appended to the index page's body, through the theme's
/// `listing.html`.
pub(super) fn index_html(
    index: &Index,
    page_href: &dyn Fn(PageId) -> String,
    id_prefix: &str,
    theme: &Theme,
) -> Result<String, TemplateError> {
    let mut context = tera::Context::new();
    context.insert("index", &listing_view(index, page_href, id_prefix));
    theme.render("listing.html", &context)
}

/// What the theme's `listing.html` sees, as `index`.
#[derive(Serialize)]
pub(super) struct ListingView {
    filters: Vec<FilterView>,
    columns: Vec<String>,
    groups: Vec<GroupView>,
    /// How many pages are listed.
    entries: usize,
}

#[derive(Serialize)]
struct FilterView {
    heading: String,
    attribute: String,
    /// Every value the listed pages have, once, sorted.
    values: Vec<String>,
}

#[derive(Serialize)]
struct GroupView {
    name: String,
    /// The heading's id, prefixed on the print page.
    id: String,
    count: usize,
    rows: Vec<RowView>,
}

#[derive(Serialize)]
struct RowView {
    href: String,
    title: String,
    description: String,
    /// Each filter's values, joined by `|`, for the filter script.
    filters: Vec<RowFilter>,
    /// The row's words, lower-cased, for the text filter.
    text: String,
    cells: Vec<CellView>,
}

#[derive(Serialize)]
struct RowFilter {
    attribute: String,
    values: String,
}

/// A cell: a web address shows its host.
#[derive(Serialize)]
struct CellView {
    value: String,
    host: String,
}

/// The view of `index` for its page: links from `page_href`, heading ids
/// after `id_prefix`.
pub(super) fn listing_view(
    index: &Index,
    page_href: &dyn Fn(PageId) -> String,
    id_prefix: &str,
) -> ListingView {
    let config = &index.config;
    let filters = config
        .filters
        .iter()
        .map(|key| {
            let mut values: Vec<String> = index
                .entries
                .iter()
                .flat_map(|e| list_values(e.values.get(key)))
                .collect();
            values.sort();
            values.dedup();
            FilterView {
                heading: heading_of(key),
                attribute: attribute_name(key),
                values,
            }
        })
        .collect();
    let groups = index
        .groups
        .iter()
        .map(|group| GroupView {
            name: group.name.clone(),
            id: format!("{id_prefix}{}", group.id),
            count: group.entries.len(),
            rows: group
                .entries
                .iter()
                .map(|&position| row(index, &index.entries[position], page_href))
                .collect(),
        })
        .collect();
    ListingView {
        filters,
        columns: config.columns.iter().map(|key| heading_of(key)).collect(),
        groups,
        entries: index.entries.len(),
    }
}

fn row(index: &Index, entry: &IndexEntry, page_href: &dyn Fn(PageId) -> String) -> RowView {
    let config = &index.config;
    let mut text = format!("{} {}", entry.title, entry.description);
    let cells = config
        .columns
        .iter()
        .map(|column| {
            let shown = entry
                .values
                .get(column)
                .map(display_value)
                .unwrap_or_default();
            text.push(' ');
            text.push_str(&shown);
            cell(shown)
        })
        .collect();
    RowView {
        href: page_href(entry.page),
        title: entry.title.clone(),
        description: entry.description.clone(),
        filters: config
            .filters
            .iter()
            .map(|key| RowFilter {
                attribute: attribute_name(key),
                values: list_values(entry.values.get(key)).join("|"),
            })
            .collect(),
        text: text.to_lowercase(),
        cells,
    }
}

fn cell(value: String) -> CellView {
    let host = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .map(|rest| rest.split('/').next().unwrap_or(rest).to_string())
        .unwrap_or_default();
    CellView { value, host }
}

/// A front matter key as a column heading: `publisher` → `Publisher`.
fn heading_of(key: &str) -> String {
    super::blocks::capitalise(key).replace(['-', '_'], " ")
}

/// A front matter key as an HTML data attribute name.
fn attribute_name(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// The index as JSON, for other tools.
pub(super) fn index_json(index: &Index, site: &Site) -> String {
    let entries: Vec<_> = index
        .entries
        .iter()
        .map(|entry| {
            json!({
                "title": entry.title,
                "description": entry.description,
                "url": paths::encode_path(&site.page_urls[entry.page]),
                "front_matter": entry.values,
            })
        })
        .collect();
    let groups: Vec<_> = index
        .groups
        .iter()
        .map(|group| {
            json!({
                "name": group.name,
                "id": group.id,
                "count": group.entries.len(),
                "entries": group.entries,
            })
        })
        .collect();
    let document = json!({
        "page": paths::encode_path(&site.page_urls[index.page]),
        "group_by": index.config.group_by,
        "groups": groups,
        "entries": entries,
    });
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

/// Where the JSON copy of an index is published: beside its page.
pub(super) fn json_path(index: &Index, site: &Site) -> String {
    super::site_files::beside_page(&site.page_urls[index.page], "json")
}

#[cfg(test)]
mod tests {
    use super::super::theme::default_theme;
    use super::*;
    use crate::index::IndexGroup;

    fn entry(page: PageId, title: &str, values: serde_json::Value) -> IndexEntry {
        IndexEntry {
            page,
            title: title.into(),
            description: if page == 1 {
                "Pay <safely>".into()
            } else {
                String::new()
            },
            values: values.as_object().cloned().unwrap_or_default(),
        }
    }

    fn specs() -> Index {
        let config = toml::from_str(
            "page = \"specs.md\"\ncollect = \"specs\"\ngroup-by = \"kind\"\ncolumns = [\"home-page\", \"status\"]\nfilters = [\"status\", \"kind\"]\n",
        )
        .unwrap();
        Index {
            config,
            page: 0,
            entries: vec![
                entry(
                    1,
                    "Payments & Co",
                    serde_json::json!({"kind": "API", "status": "draft", "home-page": "https://pay.example.org/spec/v1"}),
                ),
                entry(
                    2,
                    "Identity",
                    serde_json::json!({"kind": ["API", "Schema"], "status": "final"}),
                ),
            ],
            groups: vec![
                IndexGroup {
                    name: "API".into(),
                    id: "api".into(),
                    entries: vec![0, 1],
                },
                IndexGroup {
                    name: "Schema".into(),
                    id: "schema".into(),
                    entries: vec![1],
                },
            ],
        }
    }

    #[test]
    fn each_group_is_a_table_with_the_configured_columns() {
        let html = index_html(
            &specs(),
            &|page| format!("../p{page}/"),
            "p3--",
            default_theme(),
        )
        .unwrap();
        assert!(
            html.contains("<h2 id=\"p3--api\">API <span class=\"index-n\">(2)</span>"),
            "{html}"
        );
        assert!(
            html.contains("<th scope=\"col\">Home page</th><th scope=\"col\">Status</th>"),
            "{html}"
        );
        // Titles and descriptions are escaped; addresses show their host.
        assert!(html.contains("<a href=\"../p1/\">Payments &amp; Co</a><span class=\"index-desc\">Pay &lt;safely&gt;</span>"), "{html}");
        assert!(html.contains("<td><a href=\"https://pay.example.org/spec/v1\">pay.example.org</a></td><td>draft</td>"), "{html}");
        // A page in two groups is listed in both.
        assert_eq!(html.matches("<a href=\"../p2/\">Identity</a>").count(), 2);
        assert!(html.contains("<p class=\"index-total\">2 entries in 2 groups.</p>"));
    }

    #[test]
    fn rows_carry_what_the_filter_script_reads() {
        let html = index_html(
            &specs(),
            &|page| format!("p{page}.html"),
            "",
            default_theme(),
        )
        .unwrap();
        // Filter values per row (lists joined by `|`), and lower-cased text.
        assert!(html.contains("<tr data-f-status=\"final\" data-f-kind=\"API|Schema\" data-text=\"identity   final\""), "{html}");
        assert!(html.contains("data-text=\"payments &amp; co pay &lt;safely&gt; https://pay.example.org/spec/v1 draft\""), "{html}");
        // The form offers each value once, sorted, and is hidden until the
        // script reveals it.
        assert!(html.contains(
            "<form class=\"index-filter\" role=\"search\" aria-label=\"Filter the index\" hidden>"
        ));
        assert!(html.contains("<select name=\"f-kind\"><option value=\"\">All</option><option>API</option><option>Schema</option></select>"), "{html}");
        assert!(html.contains("<select name=\"group\"><option value=\"\">All</option><option>API</option><option>Schema</option>"), "{html}");
    }

    #[test]
    fn keys_become_headings_and_attribute_names() {
        assert_eq!(heading_of("home-page"), "Home page");
        assert_eq!(heading_of("last_reviewed"), "Last reviewed");
        assert_eq!(attribute_name("Home Page"), "home-page");
        assert_eq!(attribute_name("é"), "-");
        assert_eq!(cell("<b>".into()).host, "");
        assert_eq!(cell("http://a.example/b".into()).host, "a.example");
    }
}
