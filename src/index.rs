//! Front matter across pages: page titles, generated indexes and
//! front matter rules.
//!
//! Runs between `parse` and `resolve`. An `[[index]]` collects the pages of a
//! folder, groups them by a front matter key (a page may be in several
//! groups), sorts them, and gives each group a heading id on the index page
//! so `spec-index.md#payments` is checked like any other link. `[[rules]]`
//! check the front matter of a folder's pages: required keys, allowed
//! values, types; a page that breaks them is an `invalid-front-matter` error
//! at the key's line, listing what is allowed.
//!
//! It never renders HTML or resolves links.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use serde_json::Value;

use crate::config::{IndexConfig, RulesConfig, SortOrder, ValueType};
use crate::diag::{Code, Diagnostic, Severity};
use crate::load::{Book, PageId};
use crate::parse::headings::{slug, IdAllocator};
use crate::parse::{Heading, ParsedPage};
use crate::source::SourceFile;
use crate::yaml;

/// A page's title: front matter `title`, else its `#` heading, else its
/// SUMMARY label, else its file name.
pub fn page_title(book: &Book, parsed: &[ParsedPage], id: PageId) -> String {
    let page = &parsed[id];
    page.front_matter
        .title
        .clone()
        .or_else(|| page.title.clone())
        .or_else(|| book.pages[id].nav_label.clone())
        .unwrap_or_else(|| {
            let path = &book.pages[id].path;
            path.rsplit('/')
                .next()
                .unwrap_or(path)
                .trim_end_matches(".md")
                .to_string()
        })
}

/// A generated index, ready to render.
#[derive(Debug, Clone)]
pub struct Index {
    /// Its configuration.
    pub config: IndexConfig,
    /// The page that shows it.
    pub page: PageId,
    /// Every listed page once, sorted.
    pub entries: Vec<IndexEntry>,
    /// Groups in display order.
    pub groups: Vec<IndexGroup>,
}

/// One listed page.
#[derive(Debug, Clone)]
pub struct IndexEntry {
    /// The page.
    pub page: PageId,
    /// Its title.
    pub title: String,
    /// Its description, if any.
    pub description: String,
    /// Its front matter.
    pub values: serde_json::Map<String, Value>,
}

/// One group of an index.
#[derive(Debug, Clone)]
pub struct IndexGroup {
    /// The group's name, as written in front matter.
    pub name: String,
    /// Its heading id on the index page.
    pub id: String,
    /// Indices into [`Index::entries`], sorted.
    pub entries: Vec<usize>,
}

/// Builds every configured index, each group with a heading id on its index
/// page that no heading or HTML id of that page (or earlier group) has. The
/// page itself is left alone: the caller adds [`Index::headings`] to it, so
/// the outline lists the groups and links to them are checked.
pub fn build_indexes(book: &Book, parsed: &[ParsedPage]) -> (Vec<Index>, Vec<Diagnostic>) {
    let mut indexes = Vec::new();
    let mut diagnostics = Vec::new();
    // Each index page's ids, kept across indexes sharing a page.
    let mut ids: HashMap<PageId, IdAllocator> = HashMap::new();
    for config in &book.config.indexes {
        let Some(page) = book.page_at(&config.page) else {
            diagnostics.push(
                SourceFile::new("book.toml".into(), String::new())
                    .diagnostic(
                        Severity::Error,
                        Code::InvalidConfig,
                        0..0,
                        format!("index page `{}` is not a published page", config.page),
                    )
                    .with_help("add it to its section's SUMMARY.md"),
            );
            continue;
        };
        let index = build_index(book, parsed, config, page);
        let ids = ids
            .entry(page)
            .or_insert_with(|| IdAllocator::with_taken(parsed[page].anchors()));
        let mut groups = index.groups;
        for group in &mut groups {
            group.id = ids.allocate(&slug(&group.name));
        }
        indexes.push(Index { groups, ..index });
    }
    (indexes, diagnostics)
}

impl Index {
    /// The headings the index adds to its page, one per group (level 2),
    /// after the page's own.
    pub fn headings(&self) -> impl Iterator<Item = Heading> + '_ {
        self.groups.iter().map(|group| Heading {
            level: 2,
            id: group.id.clone(),
            text: group.name.clone(),
        })
    }
}

fn build_index(book: &Book, parsed: &[ParsedPage], config: &IndexConfig, page: PageId) -> Index {
    let prefix = format!("{}/", config.collect);
    let mut entries: Vec<IndexEntry> = book
        .pages
        .iter()
        .enumerate()
        .filter(|(id, loaded)| *id != page && loaded.path.starts_with(&prefix))
        .map(|(id, _)| IndexEntry {
            page: id,
            title: page_title(book, parsed, id),
            description: parsed[id]
                .front_matter
                .description
                .clone()
                .unwrap_or_default(),
            values: parsed[id].front_matter.extra.clone(),
        })
        .collect();
    let key = |entry: &IndexEntry| {
        let value = config
            .sort_by
            .as_ref()
            .and_then(|key| entry.values.get(key))
            .map(display_value)
            .unwrap_or_else(|| entry.title.clone());
        (value.to_lowercase(), entry.title.to_lowercase())
    };
    entries.sort_by_key(key);
    if config.order == SortOrder::Desc {
        entries.reverse();
    }
    let mut by_group: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (position, entry) in entries.iter().enumerate() {
        for group in list_values(entry.values.get(&config.group_by)) {
            by_group.entry(group).or_default().push(position);
        }
    }
    let mut names: Vec<String> = config
        .groups
        .iter()
        .filter(|g| by_group.contains_key(*g))
        .cloned()
        .collect();
    names.extend(
        by_group
            .keys()
            .filter(|g| !config.groups.contains(g))
            .cloned(),
    );
    let groups = names
        .into_iter()
        .map(|name| IndexGroup {
            entries: by_group.remove(&name).unwrap_or_default(),
            id: String::new(),
            name,
        })
        .collect();
    Index {
        config: config.clone(),
        page,
        entries,
        groups,
    }
}

/// A value as text: lists joined with commas.
pub fn display_value(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Array(items) => items
            .iter()
            .map(display_value)
            .collect::<Vec<_>>()
            .join(", "),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A value as a list of strings (a scalar is a list of one).
pub fn list_values(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .map(display_value)
            .filter(|v| !v.is_empty())
            .collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![display_value(other)],
    }
}

/// Checks every `[[rules]]` folder's pages.
pub fn check_rules(book: &Book, parsed: &[ParsedPage]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for rules in &book.config.rules {
        let prefix = format!("{}/", rules.folder);
        for (id, page) in book.pages.iter().enumerate() {
            if page.path.starts_with(&prefix) {
                check_page(
                    rules,
                    &page.source,
                    &parsed[id].front_matter.extra,
                    &mut diagnostics,
                );
            }
        }
    }
    diagnostics
}

fn check_page(
    rules: &RulesConfig,
    source: &SourceFile,
    values: &serde_json::Map<String, Value>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let front_matter = front_matter_text(&source.text);
    let places = yaml::parse_with_places(front_matter)
        .map(|(_, places)| places)
        .unwrap_or_default();
    let at_key = |key: &str| -> Range<usize> { places.key(&[key]).unwrap_or(0..3) };
    let mut error = |range: Range<usize>, message: String, help: String| {
        diagnostics.push(
            source
                .diagnostic(Severity::Error, Code::InvalidFrontMatter, range, message)
                .with_help(help),
        );
    };
    for key in &rules.required {
        if values.get(key).is_none_or(Value::is_null) {
            error(
                0..3,
                format!("front matter lacks the required key `{key}`"),
                format!(
                    "pages in `{}/` must set: {}",
                    rules.folder,
                    rules.required.join(", ")
                ),
            );
        }
    }
    for (key, allowed) in &rules.values {
        for value in list_values(values.get(key)) {
            if !allowed.contains(&value) {
                let range = places
                    .value_written(front_matter, &[key], &value)
                    .unwrap_or_else(|| at_key(key));
                error(
                    range,
                    format!("`{key}: {value}` is not an allowed value"),
                    format!("allowed values of `{key}`: {}", allowed.join(", ")),
                );
            }
        }
    }
    for (key, wanted) in &rules.types {
        let Some(value) = values.get(key).filter(|v| !v.is_null()) else {
            continue;
        };
        let fits = match wanted {
            ValueType::String => value.is_string(),
            ValueType::List => value.is_array(),
            ValueType::Number => value.is_number(),
            ValueType::Boolean => value.is_boolean(),
            ValueType::Url => value
                .as_str()
                .is_some_and(|url| url.starts_with("https://") || url.starts_with("http://")),
        };
        if !fits {
            let name = match wanted {
                ValueType::String => "text",
                ValueType::List => "a list",
                ValueType::Number => "a number",
                ValueType::Boolean => "`true` or `false`",
                ValueType::Url => "an http(s):// address",
            };
            error(
                at_key(key),
                format!("front matter key `{key}` must be {name}"),
                format!("write `{key}` as {name}"),
            );
        }
    }
}

/// The YAML between the opening and closing `---` (empty without front
/// matter), starting at byte 0 of the file.
fn front_matter_text(text: &str) -> &str {
    if !text.starts_with("---") {
        return "";
    }
    let end = text[3..].find("\n---").map_or(text.len(), |i| i + 4);
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_as_text_and_lists() {
        assert_eq!(display_value(&serde_json::json!(["a", "b"])), "a, b");
        assert_eq!(list_values(Some(&serde_json::json!("x"))), ["x"]);
        assert!(list_values(None).is_empty());
    }

    #[test]
    fn value_ranges_find_list_items() {
        let text = "---\nkind: spec\ngroups:\n  - Payments\n  - Identity\nname: x\n---\n";
        let fm = front_matter_text(text);
        let (_, places) = yaml::parse_with_places(fm).unwrap();
        let value_range = |key: &str, value: &str| places.value_written(fm, &[key], value);
        assert_eq!(&fm[value_range("kind", "spec").unwrap()], "spec");
        let range = value_range("groups", "Identity").unwrap();
        assert_eq!(&fm[range.clone()], "Identity");
        assert!(fm[..range.start].ends_with("  - "));
        assert_eq!(value_range("groups", "name"), None);
    }
}
