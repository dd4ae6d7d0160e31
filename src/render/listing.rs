//! Generated indexes → HTML tables and a JSON copy.
//!
//! Each group is a section with its heading (the id `index` gave it) and a
//! table linking to each page, with the configured columns. A filter form
//! (text, each filter key, group) is in the page but `hidden`: the theme's
//! script reveals and drives it, so without JavaScript readers get the full
//! tables.

use serde_json::json;

use super::escape_html;
use crate::index::{display_value, list_values, Index};
use crate::load::PageId;
use crate::paths;
use crate::resolve::Site;

/// The HTML appended to the index page's body.
pub(super) fn index_html(
    index: &Index,
    page_href: &dyn Fn(PageId) -> String,
    id_prefix: &str,
) -> String {
    let config = &index.config;
    let mut html = String::from("<div class=\"index\" data-index>\n");
    html.push_str(&filter_form(index));
    for group in &index.groups {
        let count = group.entries.len();
        html.push_str(&format!(
            "<section class=\"index-group\" data-group=\"{name}\">\n<h2 id=\"{id}\">{name} <span class=\"index-n\">({count})</span> <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h2>\n",
            name = escape_html(&group.name),
            id = escape_html(&format!("{id_prefix}{}", group.id)),
        ));
        html.push_str("<table class=\"index-table\">\n<thead><tr><th scope=\"col\">Name</th>");
        for column in &config.columns {
            html.push_str(&format!(
                "<th scope=\"col\">{}</th>",
                escape_html(&heading_of(column))
            ));
        }
        html.push_str("</tr></thead>\n<tbody>\n");
        for &position in &group.entries {
            let entry = &index.entries[position];
            let href = page_href(entry.page);
            let mut text = format!("{} {}", entry.title, entry.description);
            let mut data = String::new();
            for key in &config.filters {
                let values = list_values(entry.values.get(key));
                data.push_str(&format!(
                    " data-f-{}=\"{}\"",
                    escape_html(&attribute_name(key)),
                    escape_html(&values.join("|"))
                ));
            }
            html.push_str(&format!("<tr{data}"));
            let mut cells = String::new();
            for column in &config.columns {
                let value = entry.values.get(column);
                let shown = value.map(display_value).unwrap_or_default();
                text.push(' ');
                text.push_str(&shown);
                cells.push_str(&format!("<td>{}</td>", cell_html(&shown)));
            }
            html.push_str(&format!(
                " data-text=\"{}\"><td><a href=\"{}\">{}</a>{}</td>{cells}</tr>\n",
                escape_html(&text.to_lowercase()),
                escape_html(&href),
                escape_html(&entry.title),
                if entry.description.is_empty() {
                    String::new()
                } else {
                    format!(
                        "<span class=\"index-desc\">{}</span>",
                        escape_html(&entry.description)
                    )
                }
            ));
        }
        html.push_str("</tbody>\n</table>\n</section>\n");
    }
    html.push_str(&format!(
        "<p class=\"index-total\">{} entries in {} groups.</p>\n</div>\n",
        index.entries.len(),
        index.groups.len()
    ));
    html
}

fn filter_form(index: &Index) -> String {
    let config = &index.config;
    let mut form = String::from(
        "<form class=\"index-filter\" role=\"search\" aria-label=\"Filter the index\" hidden>\n<label>Filter <input type=\"search\" name=\"q\" autocomplete=\"off\"></label>\n",
    );
    for key in &config.filters {
        let mut values: Vec<String> = index
            .entries
            .iter()
            .flat_map(|e| list_values(e.values.get(key)))
            .collect();
        values.sort();
        values.dedup();
        form.push_str(&format!(
            "<label>{} <select name=\"f-{}\"><option value=\"\">All</option>",
            escape_html(&heading_of(key)),
            escape_html(&attribute_name(key))
        ));
        for value in values {
            form.push_str(&format!("<option>{}</option>", escape_html(&value)));
        }
        form.push_str("</select></label>\n");
    }
    form.push_str("<label>Group <select name=\"group\"><option value=\"\">All</option>");
    for group in &index.groups {
        form.push_str(&format!("<option>{}</option>", escape_html(&group.name)));
    }
    form.push_str(
        "</select></label>\n<p class=\"index-count\" aria-live=\"polite\"></p>\n</form>\n",
    );
    form
}

/// A cell: web addresses become links showing their host.
fn cell_html(value: &str) -> String {
    if let Some(rest) = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
    {
        let host = rest.split('/').next().unwrap_or(rest);
        format!(
            "<a href=\"{}\">{}</a>",
            escape_html(value),
            escape_html(host)
        )
    } else {
        escape_html(value)
    }
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
    use super::*;
    use crate::index::{IndexEntry, IndexGroup};

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
        let html = index_html(&specs(), &|page| format!("../p{page}/"), "p3--");
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
        let html = index_html(&specs(), &|page| format!("p{page}.html"), "");
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
        assert_eq!(cell_html("<b>"), "&lt;b&gt;");
    }
}
