//! Search: the full-text index, split so a query downloads a small part of
//! it, and the client that queries it (`search.js`, published as
//! `_folio/search.js`). The two are one design and change together: the
//! client's tokenizer is the twin of [`terms`] (`tokens`), its shard hash
//! the twin of [`shard_of`], and it decodes the layout below.
//!

//! A document is a page. Its words are counted in four fields, title ≫
//! headings ≫ description ≫ body; each section (the part under a heading)
//! is remembered so a result can link to the sections that matched. Words
//! come from Unicode word segmentation, lower-cased, with diacritics
//! folded, and stemmed by the Snowball stemmer of the book's `language`
//! (`rust-stemmers`). Runs of scripts written without spaces (CJK, Thai,
//! Lao, Khmer, Myanmar) are indexed as character pairs instead.
//!
//! The dialog never stems: each stem carries the words of the book that
//! stem to it (its *forms*), and the dialog looks a query word up among
//! forms. So both sides agree by construction, and a word the book never
//! uses still finds its stem through typo tolerance (`configurations` is
//! one edit from `configuration`).
//!
//! Layout under `search/`:
//! - `meta.json`: page count, pages per chunk, shard count, and a version
//!   the dialog adds to every other file's URL (stale caches cannot mix).
//! - `t/<n>.json`: term shards, `{stem: {"n": pages, "w": [forms], "p":
//!   postings, "more": [tier files]}}`. A stem lives in the shard
//!   `fnv1a(first three characters) % shards` of each of its forms, so a
//!   typed word, its prefixes while typing, and its typos past the third
//!   letter are all answered by one shard, and every shard exists (no 404
//!   for an unknown word). A form is written as the letters it adds to the
//!   stem, or `=form` when it does not start with the stem.
//! - Each stem's postings are ordered by impact and cut into tiers: the
//!   first tier sits in the shard, later ones, each `TIER_GROWTH` times
//!   larger, in `p/<n>.json`, fetched only while fewer than ten pages
//!   match. An impact is `8 × field + level`: the best field the word is
//!   in (0 body, 1 description, 2 heading, 3 title) and a BM25 weight
//!   quantised to 1..=7; title matches therefore sit in the first tier.
//! - Postings are groups `[impact, page, section, +gap, section, …]` (same
//!   impact, ascending pages); `section` is the page's section where the
//!   word weighs most (0 is the top of the page).
//! - `d/<n>.json`: pages in chunks of `PAGES_PER_CHUNK`, each `[url,
//!   title, breadcrumb, [[anchor, heading, snippet], …]]`. A section that
//!   is only a heading takes its snippet from the text that follows.
//!
//! The client ranks and shows results; the builder only lays out what it
//! needs. A page's share (its record and word counts, and the text a later
//! build takes back) is `document`'s; this module collects the shares and
//! lays out the files. It never renders pages, writes files or reads the
//! book: `render` hands it the parsed pages and publishes what it returns.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use serde_json::json;

use crate::load::{Book, PageId};
use crate::parse::ParsedPage;
use crate::resolve::Site;
pub(crate) use document::breadcrumb;
use document::{page_document, Counts, Field, PageDocument, Record, StemId, StemNames};
pub use tokens::terms;
use tokens::Normaliser;

mod document;
mod tokens;

/// The search client: the dialog, its tokenizer (the twin of [`terms`]),
/// shard lookup, ranking and results. The theme publishes it as
/// `_folio/search.js`; a book's theme folder may replace it like any
/// static file.
pub const CLIENT: &[u8] = include_bytes!("search.js");

/// A file of the index: its path in the site (`search/t/0.json`) and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexFile {
    /// Site-relative path, under `search/`.
    pub path: String,
    /// Its bytes.
    pub contents: Vec<u8>,
}

/// Pages per document chunk.
const PAGES_PER_CHUNK: usize = 2;
/// Postings of a term kept in its shard; the rest go to tier files.
const FIRST_TIER: usize = 256;
/// Each tier file holds this many times the postings of the tier before.
const TIER_GROWTH: usize = 4;
/// Rough size a term shard aims for; the shard count follows from it.
const SHARD_BYTES: usize = 8 * 1024;
/// Characters of a term that pick its shard.
pub const SHARD_PREFIX: usize = 3;
/// BM25 levels run from 1 to this.
const LEVELS: f64 = 7.0;
/// BM25 parameters (the usual defaults).
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// (page, impact, section): postings of one stem, best first.
type Postings = Vec<(u32, u8, u16)>;

/// A stem in its shard: the stem, its page count, its forms, its postings
/// cut into tiers, and the number of its first tier file.
type ShardEntry<'a> = (
    &'a str,
    usize,
    &'a [String],
    Vec<&'a [(u32, u8, u16)]>,
    usize,
);

/// What [`IndexBuilder::files`] lays out: the pages' records and counts in
/// page order, each stem's name, and each stem's forms, sorted.
struct Collected {
    records: Vec<Record>,
    counts: Vec<Counts>,
    stems: Vec<Box<str>>,
    forms: Vec<Vec<String>>,
}

/// The index files, under `search/`, for the pages not marked `no_index`.
/// `titles` are the pages' titles as the site shows them; `stop` set by
/// another thread abandons the work (nothing is returned).
pub fn index_files(
    book: &Book,
    site: &Site,
    parsed: &[ParsedPage],
    titles: &[String],
    stop: &AtomicBool,
) -> Vec<IndexFile> {
    let builder = IndexBuilder::new(book, site, titles);
    parsed.par_iter().enumerate().for_each(|(id, page)| {
        if !stop.load(Ordering::Relaxed) {
            builder.add(id, page);
        }
    });
    builder.files(stop)
}

/// The index built page by page: [`IndexBuilder::add`] each page (with its
/// events, from any thread, in any order), then [`IndexBuilder::files`].
/// A build that renders pages in turn indexes each as it renders it.
pub struct IndexBuilder<'a> {
    book: &'a Book,
    site: &'a Site,
    titles: &'a [String],
    normaliser: Normaliser,
    names: StemNames,
    /// Each indexed page's record and counts.
    pages: std::sync::Mutex<Vec<(PageId, Record, Counts)>>,
}

impl<'a> IndexBuilder<'a> {
    /// An empty index for `book`, whose pages the site shows with `titles`.
    pub fn new(book: &'a Book, site: &'a Site, titles: &'a [String]) -> IndexBuilder<'a> {
        IndexBuilder {
            book,
            site,
            titles,
            normaliser: Normaliser::for_language(&book.config.language),
            names: StemNames::default(),
            pages: Default::default(),
        }
    }

    /// Indexes page `id` (nothing for a page marked `no_index`).
    pub fn add(&self, id: PageId, page: &ParsedPage) {
        if let Some((record, counts, _)) = self.document(id, page) {
            lock(&self.pages).push((id, record, counts));
        }
    }

    /// [`IndexBuilder::add`], also returning the page's share of the index
    /// as text that [`IndexBuilder::add_kept`] takes in a later build
    /// (`None` for a page marked `no_index`).
    pub fn add_and_keep(&self, id: PageId, page: &ParsedPage) -> Option<String> {
        let (record, counts, forms) = self.document(id, page)?;
        let text = document::keep(&record, &counts, &forms);
        lock(&self.pages).push((id, record, counts));
        text
    }

    /// Indexes page `id` from what [`IndexBuilder::add_and_keep`] returned
    /// for it in an earlier build. Text that does not decode adds nothing
    /// and returns `false`: the caller indexes the page itself.
    pub fn add_kept(&self, id: PageId, text: &str) -> bool {
        let Some((record, counts)) = document::take(text, &self.names, &self.normaliser) else {
            return false;
        };
        lock(&self.pages).push((id, record, counts));
        true
    }

    fn document(&self, id: PageId, page: &ParsedPage) -> Option<PageDocument> {
        if page.front_matter.no_index {
            return None;
        }
        Some(page_document(
            self.book,
            self.site,
            self.titles,
            id,
            page,
            &self.normaliser,
            &self.names,
        ))
    }

    /// The index files. `stop` set by another thread abandons the work
    /// (nothing is returned).
    pub fn files(self, stop: &AtomicBool) -> Vec<IndexFile> {
        let IndexBuilder { names, pages, .. } = self;
        let mut pages = pages.into_inner().unwrap_or_else(|e| e.into_inner());
        if stop.load(Ordering::Relaxed) {
            // Freeing thousands of pages' word counts takes longer than a
            // save may wait for.
            let _ = std::thread::Builder::new().spawn(move || drop(pages));
            return Vec::new();
        }
        pages.sort_unstable_by_key(|(id, _, _)| *id);
        let (stems, forms) = names.into_names();
        let (records, counts): (Vec<Record>, Vec<Counts>) = pages
            .into_iter()
            .map(|(_, record, counts)| (record, counts))
            .unzip();
        layout(
            &Collected {
                records,
                counts,
                stems,
                forms,
            },
            stop,
        )
    }
}

/// A poisoned lock still guards sound data here (pages are pushed whole).
fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The files of an index: term shards, tier files, document chunks, meta.
fn layout(collected: &Collected, stop: &AtomicBool) -> Vec<IndexFile> {
    let Collected {
        records,
        counts,
        stems,
        forms,
    } = collected;
    let Some(postings) = impacts(counts, stems, stop) else {
        return Vec::new();
    };
    let shard_count = shard_count(&postings);
    // Tier files are numbered in stem order, so a build is reproducible.
    let mut next_tier = 0;
    let mut shards: Vec<Vec<ShardEntry>> = vec![Vec::new(); shard_count];
    for (id, stem, list) in &postings {
        if stop.load(Ordering::Relaxed) {
            return Vec::new();
        }
        let tiers = tiers(list);
        let first_tier_file = next_tier;
        next_tier += tiers.len() - 1;
        let forms = forms[*id as usize].as_slice();
        let homes: BTreeSet<usize> = forms
            .iter()
            .map(|form| shard_of(form, shard_count))
            .chain([shard_of(stem, shard_count)])
            .collect();
        for home in homes {
            shards[home].push((stem, list.len(), forms, tiers.clone(), first_tier_file));
        }
    }
    let mut files: Vec<IndexFile> = shards
        .par_iter()
        .enumerate()
        .flat_map_iter(|(n, stems)| {
            let stopped = stop.load(Ordering::Relaxed);
            (!stopped)
                .then(|| shard_files(n, stems))
                .into_iter()
                .flatten()
        })
        .collect();
    // A stem in several shards wrote its tier files once per shard.
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);
    files.extend(
        records
            .par_chunks(PAGES_PER_CHUNK)
            .enumerate()
            .map(|(chunk, records)| {
                let records: Vec<_> = records.iter().map(record_json).collect();
                IndexFile {
                    path: format!("search/d/{chunk}.json"),
                    contents: serde_json::to_vec(&records).unwrap_or_default(),
                }
            })
            .collect::<Vec<_>>(),
    );
    let meta = json!({
        "documents": records.len(),
        "chunk": PAGES_PER_CHUNK,
        "shards": shard_count,
        "prefix": SHARD_PREFIX,
        "version": version(&files),
    });
    files.push(IndexFile {
        path: "search/meta.json".into(),
        contents: meta.to_string().into_bytes(),
    });
    files
}

fn record_json(record: &Record) -> serde_json::Value {
    let sections: Vec<_> = record
        .sections
        .iter()
        .map(|s| json!([s.anchor.as_deref().unwrap_or(""), s.heading, s.snippet]))
        .collect();
    json!([record.url, record.title, record.breadcrumb, sections])
}

/// A hash of the index files. The dialog asks for each file with it
/// (`?v=…`), so a browser that cached files of an earlier build never
/// mixes them with this build's (page numbers change between builds).
fn version(files: &[IndexFile]) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = crate::fingerprint::fingerprinter();
    for file in files {
        file.path.hash(&mut hasher);
        file.contents.hash(&mut hasher);
    }
    format!("{:016x}", hasher.finish())
}

/// One shard file and the tier files of its stems.
fn shard_files(n: usize, stems: &[ShardEntry]) -> Vec<IndexFile> {
    let mut shard = String::from("{");
    let mut files = Vec::new();
    for (i, (stem, count, forms, tiers, first_tier_file)) in stems.iter().enumerate() {
        let mut tiers = tiers.iter().copied();
        let first = tiers.next().unwrap_or_default();
        let more: Vec<usize> = (*first_tier_file..).take(tiers.len()).collect();
        for (id, tier) in more.iter().zip(tiers) {
            files.push(IndexFile {
                path: format!("search/p/{id}.json"),
                contents: groups_json(tier).into_bytes(),
            });
        }
        if i > 0 {
            shard.push(',');
        }
        let written: Vec<String> = forms
            .iter()
            .map(|form| match form.strip_prefix(*stem) {
                Some(rest) => rest.to_string(),
                None => format!("={form}"),
            })
            .collect();
        let key = serde_json::to_string(stem).unwrap_or_default();
        let written = serde_json::to_string(&written).unwrap_or_default();
        let _ = write!(
            shard,
            "{key}:{{\"n\":{count},\"w\":{written},\"p\":{}",
            groups_json(first)
        );
        if !more.is_empty() {
            let _ = write!(shard, ",\"more\":{more:?}");
        }
        shard.push('}');
    }
    shard.push('}');
    files.push(IndexFile {
        path: format!("search/t/{n}.json"),
        contents: shard.into_bytes(),
    });
    files
}

/// Each stem's postings with their impacts, best first (ties by page), in
/// stem order.
///
/// The level is BM25's term-frequency part (saturating, normalised by the
/// page's length) scaled to 1..=7; the dialog multiplies it by the stem's
/// rarity, which it computes from the posting count.
fn impacts<'s>(
    counts: &[Counts],
    stems: &'s [Box<str>],
    stop: &AtomicBool,
) -> Option<Vec<(StemId, &'s str, Postings)>> {
    let average =
        counts.iter().map(|c| f64::from(c.length)).sum::<f64>() / counts.len().max(1) as f64;
    // Each list is made its final size first: growing five million
    // entries' lists as they come was half of this function's time.
    let mut sizes = vec![0usize; stems.len()];
    for these in counts {
        for (stem, _) in &these.stems {
            sizes[*stem as usize] += 1;
        }
    }
    let mut postings: Vec<Postings> = sizes.into_iter().map(Vec::with_capacity).collect();
    for (page, these) in counts.iter().enumerate() {
        if stop.load(Ordering::Relaxed) {
            return None;
        }
        let norm = 1.0 - B + B * f64::from(these.length) / average.max(1.0);
        for (stem, occurrence) in &these.stems {
            let tf = f64::from(occurrence.count);
            let weight = tf * (K1 + 1.0) / (tf + K1 * norm);
            let level = (weight / (K1 + 1.0) * LEVELS).round().clamp(1.0, LEVELS) as u8;
            let field = occurrence.field.unwrap_or(Field::Body) as u8;
            let section = occurrence.section;
            postings[*stem as usize].push((page as u32, field * 8 + level, section));
        }
    }
    let mut postings: Vec<(StemId, &str, Postings)> = postings
        .into_iter()
        .enumerate()
        .filter(|(_, list)| !list.is_empty())
        .map(|(id, list)| (id as StemId, &*stems[id], list))
        .collect();
    postings.par_sort_unstable_by(|a, b| a.1.cmp(b.1));
    postings
        .par_iter_mut()
        .for_each(|(_, _, list)| list.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0))));
    Some(postings)
}

/// Enough shards that each holds about [`SHARD_BYTES`] of first tiers; a
/// power of two so the count changes rarely as a book grows.
fn shard_count(postings: &[(StemId, &str, Postings)]) -> usize {
    let bytes: usize = postings
        .iter()
        .map(|(_, stem, list)| 2 * stem.len() + 24 + 5 * list.len().min(FIRST_TIER))
        .sum();
    (bytes / SHARD_BYTES).max(1).next_power_of_two()
}

/// A stem's postings cut into tiers: [`FIRST_TIER`], then each
/// [`TIER_GROWTH`] times larger than the last.
fn tiers(list: &[(u32, u8, u16)]) -> Vec<&[(u32, u8, u16)]> {
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

/// Postings as JSON `[impact, page, section, +gap, section, …]` groups:
/// one per run of equal impact, pages ascending within it. Written
/// directly, numbers through `itoa`: the index holds millions of them.
fn groups_json(tier: &[(u32, u8, u16)]) -> String {
    let mut json = String::with_capacity(2 + tier.len() * 8);
    let mut digits = itoa::Buffer::new();
    let mut number = |json: &mut String, value: u32| json.push_str(digits.format(value));
    json.push('[');
    let mut previous: Option<(u32, u8)> = None;
    for &(page, impact, section) in tier {
        match previous {
            Some((last, level)) if level == impact => {
                json.push(',');
                number(&mut json, page - last);
            }
            _ => {
                if previous.is_some() {
                    json.push_str("],");
                }
                json.push('[');
                number(&mut json, u32::from(impact));
                json.push(',');
                number(&mut json, page);
            }
        }
        json.push(',');
        number(&mut json, u32::from(section));
        previous = Some((page, impact));
    }
    if previous.is_some() {
        json.push(']');
    }
    json.push(']');
    json
}

/// The shard of a term: FNV-1a of the UTF-8 of its first
/// [`SHARD_PREFIX`] characters. `search.js` computes the same.
pub fn shard_of(term: &str, shards: usize) -> usize {
    let prefix: String = term.chars().take(SHARD_PREFIX).collect();
    fnv1a(prefix.as_bytes()) as usize % shards
}

fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |hash, &byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::document::Occurrence;
    use super::*;

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
        let list: Vec<(u32, u8, u16)> = (0..2000).map(|page| (page, 1, 0)).collect();
        let sizes: Vec<usize> = tiers(&list).iter().map(|t| t.len()).collect();
        assert_eq!(sizes, [FIRST_TIER, FIRST_TIER * 4, 2000 - FIRST_TIER * 5]);
        let count = |n: usize| tiers(&list[..n]).len();
        assert_eq!((count(1), count(256), count(257)), (1, 1, 2));
        assert_eq!(
            groups_json(&[(7, 31, 0), (9, 31, 2), (20, 31, 1), (3, 4, 5), (8, 4, 0)]),
            "[[31,7,0,2,2,11,1],[4,3,5,5,0]]"
        );
        assert_eq!(groups_json(&[]), "[]");
    }

    #[test]
    fn a_title_word_outranks_a_heading_word_which_outranks_body_text() {
        let page = |field: Field, count: u32| Counts {
            stems: Vec::from([(
                0,
                Occurrence {
                    count,
                    field: Some(field),
                    section: 0,
                    section_weight: 0,
                },
            )]),
            length: 20,
        };
        let counts = [
            page(Field::Body, 9),
            page(Field::Heading, 3),
            page(Field::Title, 6),
            page(Field::Description, 2),
        ];
        let stems = ["proxi".into()];
        let postings = impacts(&counts, &stems, &AtomicBool::new(false)).unwrap();
        let (_, stem, list) = &postings[0];
        assert_eq!(*stem, "proxi");
        let order: Vec<u32> = list.iter().map(|p| p.0).collect();
        assert_eq!(order, [2, 1, 3, 0], "title, heading, description, body");
        assert!(list.iter().all(|p| (1..=31).contains(&p.1)));
    }
}
