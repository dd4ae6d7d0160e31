//! The full-text search index, split so a query downloads a small part of
//! it.
//!
//! Every page is cut into sections at its headings; each section is a
//! document (page title, heading, URL with the heading's anchor, and the
//! start of its text for snippets). Words come from Unicode word
//! segmentation, lower-cased; runs of CJK characters are indexed as
//! character bigrams, since those scripts do not separate words with
//! spaces.
//!
//! Layout under `search/`:
//! - `meta.json`: document count, chunk size, shard count, and a version
//!   the dialog adds to every other file's URL (stale caches cannot mix).
//! - `t/<n>.json`: term shards. A term lives in shard
//!   `fnv1a(first three characters) % shards`, so all terms sharing a
//!   prefix sit together (the last word matches as a prefix while typing)
//!   and every shard exists (no 404 for an unknown word). The shard count
//!   grows with the index so shards stay small.
//! - Each term's postings are ordered by impact (a BM25 weight, quantised)
//!   and cut into tiers: the first tier sits in the shard, later ones, each
//!   [`TIER_GROWTH`] times larger, in `p/<n>.json`. A word found on every
//!   page costs its first tier; the dialog fetches later tiers only when
//!   the tiers it has do not yet give ten results.
//! - Postings are written as groups `[impact, doc, +gap, +gap, …]` (same
//!   impact, ascending documents), so a posting costs two or three bytes.
//! - `d/<n>.json`: documents in chunks of [`DOCS_PER_CHUNK`].
//!
//! Building our own index keeps the site free of a separate tool and
//! binary (Pagefind's crate bundles its own HTML parser and UI), at the cost
//! of a simpler ranking.

use std::collections::HashMap;
use std::fmt::Write as _;

use pulldown_cmark::{Event, Tag, TagEnd};
use rayon::prelude::*;
use serde_json::json;
use unicode_segmentation::UnicodeSegmentation;

use super::OutputFile;
use crate::parse::ParsedPage;
use crate::paths;
use crate::resolve::Site;

/// Documents per chunk file.
const DOCS_PER_CHUNK: usize = 8;
/// Characters of section text kept for snippets.
const SNIPPET_TEXT: usize = 300;
/// Postings of a term kept in its shard; the rest go to tier files.
const FIRST_TIER: usize = 256;
/// Each tier file holds this many times the postings of the tier before.
const TIER_GROWTH: usize = 4;
/// Rough size a term shard aims for; the shard count follows from it.
const SHARD_BYTES: usize = 8 * 1024;
/// Characters of a term that pick its shard.
const SHARD_PREFIX: usize = 3;
/// A word in a heading (or the title) counts this many times.
const HEADING_WEIGHT: u32 = 3;
/// Impacts run from 1 to this.
const IMPACT_LEVELS: f64 = 15.0;
/// BM25 parameters (the usual defaults).
const K1: f64 = 1.2;
const B: f64 = 0.75;

struct Document {
    url: String,
    title: String,
    heading: String,
    text: String,
}

/// (document, impact): postings of one term, best first.
type Postings = Vec<(u32, u8)>;

/// A term in its shard: the term, its posting count, its postings cut into
/// tiers, and the number of its first tier file.
type ShardEntry<'a> = (&'a str, usize, Vec<&'a [(u32, u8)]>, usize);

/// The index files, under `search/`.
pub(super) fn search_files(
    site: &Site,
    parsed: &[ParsedPage],
    titles: &[String],
) -> Vec<OutputFile> {
    let (documents, counts) = collect(site, parsed, titles);
    let postings = impacts(&counts);
    let shard_count = shard_count(&postings);
    // Tier files are numbered in term order, so a build is reproducible.
    let mut next_tier = 0;
    let mut shards: Vec<Vec<ShardEntry>> = vec![Vec::new(); shard_count];
    for (term, list) in &postings {
        let tiers = tiers(list);
        let first_tier_file = next_tier;
        next_tier += tiers.len() - 1;
        shards[shard_of(term, shard_count)].push((term, list.len(), tiers, first_tier_file));
    }
    let mut files: Vec<OutputFile> = shards
        .par_iter()
        .enumerate()
        .flat_map_iter(|(n, terms)| shard_files(n, terms))
        .collect();
    files.extend(
        documents
            .par_chunks(DOCS_PER_CHUNK)
            .enumerate()
            .map(|(chunk, docs)| {
                let docs: Vec<_> = docs
                    .iter()
                    .map(|d| json!([d.url, d.title, d.heading, d.text]))
                    .collect();
                OutputFile {
                    path: format!("search/d/{chunk}.json"),
                    contents: serde_json::to_vec(&docs).unwrap_or_default(),
                }
            })
            .collect::<Vec<_>>(),
    );
    let meta = json!({
        "documents": documents.len(),
        "chunk": DOCS_PER_CHUNK,
        "shards": shard_count,
        "prefix": SHARD_PREFIX,
        "version": version(&files),
    });
    files.push(OutputFile {
        path: "search/meta.json".into(),
        contents: meta.to_string().into_bytes(),
    });
    files
}

/// A hash of the index files. The dialog asks for each file with it
/// (`?v=…`), so a browser that cached files of an earlier build never
/// mixes them with this build's (document numbers change between builds).
fn version(files: &[OutputFile]) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for file in files {
        file.path.hash(&mut hasher);
        file.contents.hash(&mut hasher);
    }
    format!("{:016x}", hasher.finish())
}

/// One shard file, `{"term": {"n": postings, "p": first tier, "more":
/// [tier files]}}`, and the tier files of its terms.
fn shard_files(n: usize, terms: &[ShardEntry]) -> Vec<OutputFile> {
    let mut shard = String::from("{");
    let mut files = Vec::new();
    for (i, (term, count, tiers, first_tier_file)) in terms.iter().enumerate() {
        let mut tiers = tiers.iter().copied();
        let first = tiers.next().unwrap_or_default();
        let more: Vec<usize> = (*first_tier_file..).take(tiers.len()).collect();
        for (id, tier) in more.iter().zip(tiers) {
            files.push(OutputFile {
                path: format!("search/p/{id}.json"),
                contents: groups_json(tier).into_bytes(),
            });
        }
        if i > 0 {
            shard.push(',');
        }
        let term = serde_json::to_string(term).unwrap_or_default();
        let _ = write!(shard, "{term}:{{\"n\":{count},\"p\":{}", groups_json(first));
        if !more.is_empty() {
            let _ = write!(shard, ",\"more\":{more:?}");
        }
        shard.push('}');
    }
    shard.push('}');
    files.push(OutputFile {
        path: format!("search/t/{n}.json"),
        contents: shard.into_bytes(),
    });
    files
}

/// Term counts of one document: term → (times in its text, times in its
/// heading or title), and its length in terms.
struct Counts {
    terms: HashMap<String, (u32, u32)>,
    length: u32,
}

/// Every section of every indexed page as a document, with its term
/// counts; pages in parallel.
fn collect(site: &Site, parsed: &[ParsedPage], titles: &[String]) -> (Vec<Document>, Vec<Counts>) {
    let per_page: Vec<Vec<(Document, Counts)>> = parsed
        .par_iter()
        .enumerate()
        .filter(|(_, page)| !page.front_matter.no_index)
        .map(|(id, page)| {
            sections(page)
                .into_iter()
                .map(|section| section_document(site, id, &titles[id], section))
                .collect()
        })
        .collect();
    per_page.into_iter().flatten().unzip()
}

fn section_document(
    site: &Site,
    id: usize,
    title: &str,
    (anchor, heading, text): (Option<String>, String, String),
) -> (Document, Counts) {
    // The part before the first heading is found by the page title.
    let heading_text = if heading.is_empty() { title } else { &heading };
    let mut counts = Counts {
        terms: HashMap::new(),
        length: 0,
    };
    for term in terms(heading_text) {
        counts.terms.entry(term).or_default().1 += 1;
        counts.length += 1;
    }
    for term in terms(&text) {
        counts.terms.entry(term).or_default().0 += 1;
        counts.length += 1;
    }
    let page_url = paths::encode_path(&site.page_urls[id]);
    let url = match anchor {
        Some(anchor) => format!("{page_url}#{}", paths::encode_fragment(&anchor)),
        None => page_url,
    };
    let document = Document {
        url,
        title: title.to_string(),
        heading,
        text: text.chars().take(SNIPPET_TEXT).collect(),
    };
    (document, counts)
}

/// Each term's postings with their impacts, best first (ties by document),
/// in term order.
///
/// The impact is BM25's term-frequency part (saturating, normalised by the
/// section's length) scaled to 1..=15; the dialog multiplies it by the
/// term's rarity, which it computes from the posting count.
fn impacts(counts: &[Counts]) -> Vec<(&str, Postings)> {
    let average =
        counts.iter().map(|c| f64::from(c.length)).sum::<f64>() / counts.len().max(1) as f64;
    let mut postings: HashMap<&str, Postings> = HashMap::new();
    for (doc, these) in counts.iter().enumerate() {
        let norm = 1.0 - B + B * f64::from(these.length) / average.max(1.0);
        for (term, (text, heading)) in &these.terms {
            let tf = f64::from(text + HEADING_WEIGHT * heading);
            let weight = tf * (K1 + 1.0) / (tf + K1 * norm);
            let impact = (weight / (K1 + 1.0) * IMPACT_LEVELS)
                .round()
                .clamp(1.0, IMPACT_LEVELS);
            postings
                .entry(term.as_str())
                .or_default()
                .push((doc as u32, impact as u8));
        }
    }
    let mut postings: Vec<(&str, Postings)> = postings.into_iter().collect();
    postings.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
    postings
        .par_iter_mut()
        .for_each(|(_, list)| list.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0))));
    postings
}

/// Enough shards that each holds about [`SHARD_BYTES`] of first tiers; a
/// power of two so the count changes rarely as a book grows.
fn shard_count(postings: &[(&str, Postings)]) -> usize {
    let bytes: usize = postings
        .iter()
        .map(|(term, list)| term.len() + 16 + 3 * list.len().min(FIRST_TIER))
        .sum();
    (bytes / SHARD_BYTES).max(1).next_power_of_two()
}

/// A term's postings cut into tiers: [`FIRST_TIER`], then each
/// [`TIER_GROWTH`] times larger than the last.
fn tiers(list: &[(u32, u8)]) -> Vec<&[(u32, u8)]> {
    let mut tiers = Vec::new();
    let mut rest = list;
    let mut size = FIRST_TIER;
    while !rest.is_empty() {
        let (tier, after) = rest.split_at(size.min(rest.len()));
        tiers.push(tier);
        rest = after;
        size *= TIER_GROWTH;
    }
    tiers
}

/// Postings as `[impact, doc, +gap, +gap, …]` groups: one per run of equal
/// impact, documents ascending within it.
fn groups(tier: &[(u32, u8)]) -> Vec<Vec<u32>> {
    let mut groups: Vec<Vec<u32>> = Vec::new();
    let mut previous: Option<(u32, u8)> = None;
    for &(doc, impact) in tier {
        match previous {
            Some((last, level)) if level == impact => {
                groups.last_mut().expect("a group is open").push(doc - last)
            }
            _ => groups.push(vec![u32::from(impact), doc]),
        }
        previous = Some((doc, impact));
    }
    groups
}

/// [`groups`] as JSON, written directly: the index holds millions of
/// these numbers.
fn groups_json(tier: &[(u32, u8)]) -> String {
    let mut json = String::from("[");
    for (i, group) in groups(tier).iter().enumerate() {
        json.push_str(if i == 0 { "[" } else { ",[" });
        for (j, number) in group.iter().enumerate() {
            if j > 0 {
                json.push(',');
            }
            let _ = write!(json, "{number}");
        }
        json.push(']');
    }
    json.push(']');
    json
}

/// The shard of a term: FNV-1a of the UTF-8 of its first
/// [`SHARD_PREFIX`] characters. `folio.js` computes the same.
fn shard_of(term: &str, shards: usize) -> usize {
    let prefix: String = term.chars().take(SHARD_PREFIX).collect();
    fnv1a(prefix.as_bytes()) as usize % shards
}

fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |hash, &byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
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

/// The terms of a text: lower-cased Unicode words; runs of scripts written
/// without spaces as character bigrams (Unicode word segmentation does not
/// split them into words, and browsers split them by dictionaries, so
/// bigrams are what both sides agree on).
pub(super) fn terms(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    let mut run: Vec<char> = Vec::new();
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
        if lower.chars().all(is_unspaced) {
            run.extend(lower.chars());
            continue;
        }
        flush(&mut run, &mut terms);
        if lower.chars().count() > 1 || lower.chars().all(|c| c.is_ascii_digit()) {
            terms.push(lower);
        }
    }
    flush(&mut run, &mut terms);
    terms
}

/// Scripts written without spaces between words: Thai, Lao, Myanmar,
/// Khmer, Hiragana, Katakana, Han (and Hangul, indexed the same way).
/// `folio.js` has the same list.
fn is_unspaced(c: char) -> bool {
    matches!(c as u32,
        0x0e00..=0x0eff | 0x1000..=0x109f | 0x1780..=0x17ff
        | 0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xac00..=0xd7af | 0xf900..=0xfaff | 0x20000..=0x2fa1f)
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
        // Thai: one run however segmentation splits it, tone marks kept.
        assert_eq!(terms("ดิจิทัล API"), ["ดิ", "ิจ", "จิ", "ิท", "ทั", "ัล", "api"]);
        assert_eq!(terms("a 1 b"), ["1"]);
    }

    #[test]
    fn terms_sharing_a_prefix_share_a_shard() {
        // Published FNV-1a test vectors.
        assert_eq!(fnv1a(b""), 0x811c_9dc5);
        assert_eq!(fnv1a(b"foobar"), 0xbf9c_f968);
        assert_eq!(shard_of("configure", 64), shard_of("configuration", 64));
        assert_eq!(shard_of("数字", 64), fnv1a("数字".as_bytes()) as usize % 64);
        assert_eq!(shard_of("anything", 1), 0);
    }

    #[test]
    fn tiers_grow_and_postings_are_gap_coded_by_impact() {
        let list: Vec<(u32, u8)> = (0..2000).map(|doc| (doc, 1)).collect();
        let sizes: Vec<usize> = tiers(&list).iter().map(|t| t.len()).collect();
        assert_eq!(sizes, [FIRST_TIER, FIRST_TIER * 4, 2000 - FIRST_TIER * 5]);
        let count = |n: usize| tiers(&list[..n]).len();
        assert_eq!((count(1), count(256), count(257)), (1, 1, 2));
        assert_eq!(
            groups_json(&[(7, 15), (9, 15), (20, 15), (3, 4), (8, 4)]),
            "[[15,7,2,11],[4,3,5]]"
        );
        assert_eq!(groups_json(&[]), "[]");
    }

    #[test]
    fn a_word_in_a_heading_outweighs_the_same_word_in_text() {
        let doc = |text: u32, heading: u32| Counts {
            terms: HashMap::from([("proxy".to_string(), (text, heading))]),
            length: 20,
        };
        let counts = [doc(1, 0), doc(0, 1), doc(5, 0)];
        let postings = impacts(&counts);
        let (term, list) = &postings[0];
        assert_eq!(*term, "proxy");
        let order: Vec<u32> = list.iter().map(|p| p.0).collect();
        assert_eq!(order, [2, 1, 0], "best first");
        assert!(list.iter().all(|p| (1..=15).contains(&p.1)));
    }
}
