//! Heading anchor ids, following GitBook's rule (format notes §10).
//!
//! Owns the one slug function every stage relies on: `parse` assigns ids
//! with it, `resolve` checks fragments against those ids, and `render` emits
//! them, so ids exist before any HTML does.

use std::collections::{HashMap, HashSet};

/// Turns heading text into GitBook's anchor id.
pub fn slug(text: &str) -> String {
    let lower = text.to_lowercase();
    let mut spelled = String::with_capacity(lower.len());
    for c in lower.chars() {
        match c {
            '&' => spelled.push_str(" and "),
            '|' => spelled.push_str(" or "),
            '\'' => {}
            c => spelled.push(c),
        }
    }
    let mut id = String::with_capacity(spelled.len());
    let mut pending_separator = false;
    for c in spelled.chars() {
        if c.is_alphanumeric() || c == '_' || c == '.' {
            if pending_separator && !id.is_empty() {
                id.push('-');
            }
            pending_separator = false;
            id.push(c);
        } else {
            pending_separator = true;
        }
    }
    if id.starts_with(|c: char| c.is_ascii_digit()) {
        id.insert_str(0, "id-");
    }
    if id.is_empty() {
        // Nothing sluggable (`## 🚀`, `### \*`, an empty heading): the
        // format notes leave this open, so folio picks a readable word that
        // numbering keeps unique (`section`, `section-1`, …).
        id.push_str(EMPTY_SLUG);
    }
    id
}

/// The id of a heading whose text has no letter or digit.
pub const EMPTY_SLUG: &str = "section";

/// Hands out unique ids in document order: the first use of an id stays
/// bare, later ones get `-1`, `-2`, …, skipping suffixes already taken.
#[derive(Debug, Default)]
pub struct IdAllocator {
    used: HashSet<String>,
    /// For each id asked for more than once, the next suffix to try, so
    /// numbering the n-th duplicate does not retry the n - 1 before it.
    next_suffix: HashMap<String, usize>,
}

impl IdAllocator {
    /// An allocator for a page whose `ids` are already taken (its headings
    /// and HTML ids), for ids added after parsing (index groups).
    pub fn with_taken<'a>(ids: impl IntoIterator<Item = &'a str>) -> Self {
        IdAllocator {
            used: ids.into_iter().map(String::from).collect(),
            next_suffix: HashMap::new(),
        }
    }

    /// Reserves `wanted` (or the next free numbered form) and returns it.
    pub fn allocate(&mut self, wanted: &str) -> String {
        if self.used.insert(wanted.to_string()) {
            return wanted.to_string();
        }
        let next = self.next_suffix.entry(wanted.to_string()).or_insert(1);
        loop {
            let candidate = format!("{wanted}-{next}");
            *next += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitbook_examples_from_the_format_notes() {
        let cases = [
            ("API v2.1", "api-v2.1"),
            ("Config.yaml", "config.yaml"),
            ("Setup - Advanced options", "setup-advanced-options"),
            ("Retries -- Backoff", "retries-backoff"),
            ("Read / Write", "read-write"),
            (
                "Why is the \"Sync\" button grey?",
                "why-is-the-sync-button-grey",
            ),
            ("Network layout (V2)", "network-layout-v2"),
            ("3. Configure the proxy", "id-3.-configure-the-proxy"),
            ("Search & Filter", "search-and-filter"),
            ("Beta | Shipping in May", "beta-or-shipping-in-may"),
            ("The team's workflow", "the-teams-workflow"),
            ("The team’s workflow", "the-team-s-workflow"),
            ("Step #2: Create a token", "step-2-create-a-token"),
            ("Run the init command", "run-the-init-command"),
            ("max_retries", "max_retries"),
            ("🚀 Quick start", "quick-start"),
            ("Установка", "установка"),
            ("Überblick", "überblick"),
            ("4. Restart the service.", "id-4.-restart-the-service."),
        ];
        for (text, id) in cases {
            assert_eq!(slug(text), id, "slug of {text:?}");
        }
    }

    #[test]
    fn duplicates_are_numbered_and_share_one_count() {
        let mut ids = IdAllocator::default();
        assert_eq!(ids.allocate("intro"), "intro");
        assert_eq!(ids.allocate("intro"), "intro-1");
        assert_eq!(ids.allocate("intro"), "intro-2");
        assert_eq!(ids.allocate("x-1"), "x-1");
        assert_eq!(ids.allocate("x"), "x");
        assert_eq!(ids.allocate("x"), "x-2");
        assert_eq!(ids.allocate("intro-3"), "intro-3");
        assert_eq!(ids.allocate("intro"), "intro-4");
        assert_eq!(ids.allocate("intro-1"), "intro-1-1");
    }

    #[test]
    fn ids_taken_beforehand_are_skipped() {
        let mut ids = IdAllocator::with_taken(["intro", "intro-1", "x-2"]);
        assert_eq!(ids.allocate("intro"), "intro-2");
        assert_eq!(ids.allocate("x"), "x");
        assert_eq!(ids.allocate("x"), "x-1");
        assert_eq!(ids.allocate("x"), "x-3");
    }

    #[test]
    fn headings_with_nothing_sluggable_get_numbered_sections() {
        let mut ids = IdAllocator::default();
        let got: Vec<_> = ["🚀", "*", "", "Section", "🆚 ✅"]
            .iter()
            .map(|text| ids.allocate(&slug(text)))
            .collect();
        assert_eq!(
            got,
            [
                "section",
                "section-1",
                "section-2",
                "section-3",
                "section-4"
            ]
        );
    }
}
