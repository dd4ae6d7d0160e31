//! Where a setting is written in `book.toml`, from the TOML parser's
//! spans (`toml::de::DeTable`), for diagnostics about settings found wrong
//! after the file was read.
//!
//! Owns: finding keys and string values by their path of tables. Must
//! never: interpret a setting, or search the text for a key by hand.

use std::ops::Range;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// Where the key at `path` (tables, then the key) is written, e.g.
/// `["output", "html", "theme"]`. Arrays of tables are searched item by
/// item; the first match wins.
pub(super) fn key_span(text: &str, path: &[&str]) -> Option<Range<usize>> {
    let document = DeTable::parse(text).ok()?;
    key_in(document.get_ref(), path)
}

/// Where the string `wanted` is written as a value anywhere below the
/// table at `path` (in arrays too), e.g. a code in `[check] deny = [...]`:
/// the text between its quotes.
pub(super) fn value_span(text: &str, path: &[&str], wanted: &str) -> Option<Range<usize>> {
    let document = DeTable::parse(text).ok()?;
    let mut tables = vec![document.get_ref()];
    for name in path {
        tables = tables
            .into_iter()
            .filter_map(|table| entry(table, name))
            .flat_map(|(_, value)| tables_in(value.get_ref()))
            .collect();
    }
    tables
        .into_iter()
        .flat_map(|table| table.values())
        .find_map(|value| string_in(value, wanted))
        .map(|quoted| quoted.start + 1..quoted.end.saturating_sub(1).max(quoted.start + 1))
}

fn key_in(table: &DeTable<'_>, path: &[&str]) -> Option<Range<usize>> {
    let (name, rest) = path.split_first()?;
    let (key, value) = entry(table, name)?;
    if rest.is_empty() {
        return Some(key.span());
    }
    tables_in(value.get_ref())
        .into_iter()
        .find_map(|inner| key_in(inner, rest))
}

fn entry<'t, 'i>(
    table: &'t DeTable<'i>,
    name: &str,
) -> Option<(
    &'t Spanned<std::borrow::Cow<'i, str>>,
    &'t Spanned<DeValue<'i>>,
)> {
    table.iter().find(|(key, _)| key.get_ref() == name)
}

/// A table, or the tables of an array of tables.
fn tables_in<'t, 'i>(value: &'t DeValue<'i>) -> Vec<&'t DeTable<'i>> {
    match value {
        DeValue::Table(table) => vec![table],
        DeValue::Array(items) => items
            .iter()
            .filter_map(|item| match item.get_ref() {
                DeValue::Table(table) => Some(table),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn string_in(value: &Spanned<DeValue<'_>>, wanted: &str) -> Option<Range<usize>> {
    match value.get_ref() {
        DeValue::String(text) if text == wanted => Some(value.span()),
        DeValue::Array(items) => items.iter().find_map(|item| string_in(item, wanted)),
        DeValue::Table(table) => table.values().find_map(|item| string_in(item, wanted)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOOK: &str = "[book]\ntitle = \"T\"\n\n[output.html]\ntheme = \"/etc\"\n\n[[section]]\ndir = \"a\"\n\n[[section]]\ndir = \"b\"\n\n[check]\ndeny = [\"broken-link\", \"brokn\"]\n";

    #[test]
    fn keys_by_path() {
        let at = key_span(BOOK, &["output", "html", "theme"]).unwrap();
        assert_eq!(&BOOK[at], "theme");
        assert_eq!(key_span(BOOK, &["theme"]), None);
        assert_eq!(key_span(BOOK, &["output", "html", "logo"]), None);
        let dir = key_span(BOOK, &["section", "dir"]).unwrap();
        assert_eq!(&BOOK[dir], "dir");
        assert_eq!(key_span("not = [toml", &["not"]), None);
    }

    #[test]
    fn string_values_below_a_table() {
        let at = value_span(BOOK, &["check"], "brokn").unwrap();
        assert_eq!(&BOOK[at], "brokn");
        let at = value_span(BOOK, &["section"], "b").unwrap();
        assert_eq!(&BOOK[at.clone()], "b");
        assert!(at.start > BOOK.find("\"a\"").unwrap());
        assert_eq!(value_span(BOOK, &["book"], "broken-link"), None);
    }
}
