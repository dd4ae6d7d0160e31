//! The full-text search index, split so a query downloads a small part of
//! it.
//!
//! Every page is cut into sections at its headings; each section is a
//! document (page title, heading, URL with the heading's anchor, and the
//! start of its text for snippets). Words come from Unicode word
//! segmentation, lower-cased; runs of CJK characters are indexed as
//! character bigrams, since those scripts do not separate words with
//! spaces. Postings are sharded by the first two characters of each term
//! (`search/t/<shard>.json`), documents in chunks of [`DOCS_PER_CHUNK`]
//! (`search/d/<n>.json`), so a query fetches one shard per term and the
//! chunks of the results it shows. Building our own index keeps the
//! site free of a separate tool and binary (Pagefind's crate bundles its own
//! HTML parser and UI), at the cost of a simpler ranking.

use std::collections::{BTreeMap, HashMap};

use pulldown_cmark::{Event, Tag, TagEnd};
use serde_json::json;
use unicode_segmentation::UnicodeSegmentation;

use super::OutputFile;
use crate::parse::ParsedPage;
use crate::paths;
use crate::resolve::Site;

/// Documents per chunk file.
pub(super) const DOCS_PER_CHUNK: usize = 16;
/// Characters of section text kept for snippets.
const SNIPPET_TEXT: usize = 300;

/// (document, how often the term occurs in it).
type Postings = Vec<(u32, u16)>;

struct Document {
    url: String,
    title: String,
    heading: String,
    text: String,
}

/// The index files, under `search/`.
pub(super) fn search_files(
    site: &Site,
    parsed: &[ParsedPage],
    titles: &[String],
) -> Vec<OutputFile> {
    let mut documents = Vec::new();
    let mut postings: BTreeMap<String, Postings> = BTreeMap::new();
    for (id, page) in parsed.iter().enumerate() {
        if page.front_matter.no_index {
            continue;
        }
        for (anchor, heading, text) in sections(page) {
            let doc = documents.len() as u32;
            let mut counts: HashMap<String, u16> = HashMap::new();
            for term in terms(&format!(
                "{} {heading} {text}",
                if heading.is_empty() {
                    titles[id].as_str()
                } else {
                    ""
                }
            )) {
                *counts.entry(term).or_default() += 1;
            }
            for (term, count) in counts {
                postings.entry(term).or_default().push((doc, count));
            }
            let url = match anchor {
                Some(anchor) => format!(
                    "{}#{}",
                    paths::encode_path(&site.page_urls[id]),
                    paths::encode_fragment(&anchor)
                ),
                None => paths::encode_path(&site.page_urls[id]),
            };
            documents.push(Document {
                url,
                title: titles[id].clone(),
                heading,
                text: text.chars().take(SNIPPET_TEXT).collect(),
            });
        }
    }
    let mut shards: BTreeMap<String, BTreeMap<&str, &Postings>> = BTreeMap::new();
    for (term, list) in &postings {
        shards.entry(shard_of(term)).or_default().insert(term, list);
    }
    let mut files: Vec<OutputFile> = shards
        .iter()
        .map(|(shard, terms)| OutputFile {
            path: format!("search/t/{shard}.json"),
            contents: serde_json::to_vec(terms).unwrap_or_default(),
        })
        .collect();
    for (chunk, docs) in documents.chunks(DOCS_PER_CHUNK).enumerate() {
        let docs: Vec<_> = docs
            .iter()
            .map(|d| json!([d.url, d.title, d.heading, d.text]))
            .collect();
        files.push(OutputFile {
            path: format!("search/d/{chunk}.json"),
            contents: serde_json::to_vec(&docs).unwrap_or_default(),
        });
    }
    let meta = json!({
        "documents": documents.len(),
        "chunk": DOCS_PER_CHUNK,
        "shards": shards.keys().collect::<Vec<_>>(),
    });
    files.push(OutputFile {
        path: "search/meta.json".into(),
        contents: meta.to_string().into_bytes(),
    });
    files
}

/// The shard file a term lives in: its first two characters, hex-encoded so
/// any script gives a safe file name.
pub(super) fn shard_of(term: &str) -> String {
    term.chars()
        .take(2)
        .collect::<String>()
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A page's sections: (heading id, heading text, plain text). The part
/// before the first heading belongs to the page itself.
fn sections(page: &ParsedPage) -> Vec<(Option<String>, String, String)> {
    let mut sections = vec![(None, String::new(), String::new())];
    let mut in_heading = false;
    for event in &page.events {
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                in_heading = true;
                sections.push((
                    id.as_ref().map(|id| id.to_string()),
                    String::new(),
                    String::new(),
                ));
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Text(text) | Event::Code(text) => {
                let section = sections.last_mut().expect("one section at least");
                let target = if in_heading {
                    &mut section.1
                } else {
                    &mut section.2
                };
                target.push_str(text);
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::TableRow,
            ) => {
                let section = sections.last_mut().expect("one section at least");
                if !in_heading && !section.2.ends_with(' ') {
                    section.2.push(' ');
                }
            }
            _ => {}
        }
    }
    sections
        .into_iter()
        .map(|(anchor, heading, text)| (anchor, heading.trim().to_string(), collapse(&text)))
        // The part before the first heading counts only if it has text.
        .filter(|(anchor, _, text)| anchor.is_some() || !text.is_empty())
        .collect()
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The terms of a text: lower-cased Unicode words; CJK runs as bigrams
/// (word segmentation yields CJK one character at a time).
pub(super) fn terms(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    let mut cjk_run: Vec<char> = Vec::new();
    let flush = |run: &mut Vec<char>, terms: &mut Vec<String>| {
        match run.len() {
            0 => {}
            1 => terms.push(run.iter().collect()),
            _ => terms.extend(run.windows(2).map(|pair| pair.iter().collect::<String>())),
        }
        run.clear();
    };
    for word in text.unicode_words() {
        let lower = word.to_lowercase();
        if lower.chars().all(is_cjk) {
            cjk_run.extend(lower.chars());
            continue;
        }
        flush(&mut cjk_run, &mut terms);
        if lower.chars().count() > 1 || lower.chars().all(|c| c.is_ascii_digit()) {
            terms.push(lower);
        }
    }
    flush(&mut cjk_run, &mut terms);
    terms
}

/// Han, Hiragana, Katakana and Hangul: scripts written without spaces.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xac00..=0xd7af | 0xf900..=0xfaff | 0x20000..=0x2fa1f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_segmented_lowercased_and_cjk_is_bigrammed() {
        assert_eq!(
            terms("Digital Public Goods (DPG)"),
            ["digital", "public", "goods", "dpg"]
        );
        assert_eq!(
            terms("Überblick über API v2.1"),
            ["überblick", "über", "api", "v2.1"]
        );
        assert_eq!(terms("数字公共"), ["数字", "字公", "公共"]);
        assert_eq!(terms("a 1 b"), ["1"]);
    }

    #[test]
    fn shards_are_safe_file_names() {
        assert_eq!(shard_of("digital"), "6469");
        assert_eq!(shard_of("é"), "c3a9");
        assert_eq!(shard_of("数字"), "e695b0e5ad97");
    }
}
