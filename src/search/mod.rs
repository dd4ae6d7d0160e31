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
//!   first tier sits in the shard, later ones, each [`TIER_GROWTH`] times
//!   larger, in `p/<n>.json`, fetched only while fewer than ten pages
//!   match. An impact is `8 × field + level`: the best field the word is
//!   in (0 body, 1 description, 2 heading, 3 title) and a BM25 weight
//!   quantised to 1..=7; title matches therefore sit in the first tier.
//! - Postings are groups `[impact, page, section, +gap, section, …]` (same
//!   impact, ascending pages); `section` is the page's section where the
//!   word weighs most (0 is the top of the page).
//! - `d/<n>.json`: pages in chunks of [`PAGES_PER_CHUNK`], each `[url,
//!   title, breadcrumb, [[anchor, heading, snippet], …]]`. A section that
//!   is only a heading takes its snippet from the text that follows.
//!
//! The client ranks and shows results; the builder only lays out what it
//! needs. This module never renders pages, writes files or reads the book:
//! `render` hands it the parsed pages and publishes what it returns.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

use pulldown_cmark::{Event, Tag, TagEnd};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::load::{Book, PageId};
use crate::parse::ParsedPage;
use crate::paths;
use crate::resolve::Site;
pub use tokens::terms;
use tokens::{for_each_term, Normaliser};

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
/// Characters of a section's text kept for its snippet.
const SNIPPET_TEXT: usize = 220;
/// Characters of snippets kept for one page (a page of hundreds of
/// sections keeps shorter snippets).
const PAGE_SNIPPETS: usize = 6000;
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

/// Where on a page a word is; a later field outranks an earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    Body = 0,
    Description = 1,
    Heading = 2,
    Title = 3,
}

impl Field {
    /// How many times one occurrence counts in the BM25 term frequency.
    fn weight(self) -> u32 {
        match self {
            Field::Body => 1,
            Field::Description => 2,
            Field::Heading => 3,
            Field::Title => 6,
        }
    }
}

/// One section of a page as the dialog shows it.
#[derive(Serialize, Deserialize)]
struct Section {
    anchor: Option<String>,
    heading: String,
    snippet: String,
}

/// One page as the dialog shows it.
#[derive(Serialize, Deserialize)]
struct Record {
    url: String,
    title: String,
    breadcrumb: String,
    sections: Vec<Section>,
}

/// A stem on one page: its weighted count, best field, and the section
/// where it weighs most.
#[derive(Default, Clone, Copy)]
struct Occurrence {
    count: u32,
    section_weight: u32,
    /// Sections past `u16::MAX` count as the top of the page.
    section: u16,
    field: Option<Field>,
}

/// The stems of one page (by [`StemNames`] number), and its length in
/// words.
struct Counts {
    stems: Vec<(StemId, Occurrence)>,
    length: u32,
}

/// A stem's number in [`StemNames`].
type StemId = u32;

/// Every stem of the book, numbered in the order pages first meet them, so
/// that a page's counts hold numbers rather than strings (a large book has
/// millions of page-stem pairs but tens of thousands of stems). The pages
/// that number stems run in parallel; nothing written depends on the
/// numbers, only on the stems they stand for.
#[derive(Default)]
struct StemNames {
    ids: std::sync::RwLock<FxHashMap<Box<str>, StemId>>,
    /// Every word form met, with its stem's number: a form is stemmed once
    /// per book, not once per page.
    forms: std::sync::RwLock<FxHashMap<Box<str>, StemId>>,
}

impl StemNames {
    /// The number of the stem of `form` (stemmed by `normaliser` the first
    /// time the book uses it).
    fn of_form(&self, form: &str, normaliser: &Normaliser) -> StemId {
        if let Some(id) = known(&self.forms, form) {
            return id;
        }
        let id = self.id(&normaliser.stem(form));
        self.forms
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(form.into(), id);
        id
    }

    /// [`StemNames::of_form`] of each of `forms`, the known ones looked up
    /// under one shared lock (a page kept by an earlier build brings
    /// hundreds of forms, nearly all known).
    fn of_forms<'f>(
        &self,
        forms: impl Iterator<Item = &'f str>,
        normaliser: &Normaliser,
    ) -> Vec<StemId> {
        let ids: Vec<Result<StemId, &str>> = {
            let known = self.forms.read().unwrap_or_else(|e| e.into_inner());
            forms
                .map(|form| known.get(form).copied().ok_or(form))
                .collect()
        };
        ids.into_iter()
            .map(|id| id.unwrap_or_else(|form| self.of_form(form, normaliser)))
            .collect()
    }

    /// The number of `stem`, given it now if it has none.
    fn id(&self, stem: &str) -> StemId {
        if let Some(id) = known(&self.ids, stem) {
            return id;
        }
        let mut ids = self.ids.write().unwrap_or_else(|e| e.into_inner());
        let next = StemId::try_from(ids.len()).unwrap_or(StemId::MAX);
        *ids.entry(stem.into()).or_insert(next)
    }

    /// Each number's stem, and each stem's forms (sorted).
    fn into_names(self) -> (Vec<Box<str>>, Vec<Vec<String>>) {
        let ids = self.ids.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut names = vec![Box::<str>::default(); ids.len()];
        for (stem, id) in ids {
            names[id as usize] = stem;
        }
        let mut forms: Vec<Vec<String>> = vec![Vec::new(); names.len()];
        for (form, id) in self.forms.into_inner().unwrap_or_else(|e| e.into_inner()) {
            forms[id as usize].push(form.into());
        }
        forms.par_iter_mut().for_each(|forms| forms.sort_unstable());
        (names, forms)
    }
}

/// The number `map` holds for `key`, read under a shared lock (the common
/// case: most words of a page are already known).
fn known(map: &std::sync::RwLock<FxHashMap<Box<str>, StemId>>, key: &str) -> Option<StemId> {
    map.read()
        .unwrap_or_else(|e| e.into_inner())
        .get(key)
        .copied()
}

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

/// A page's record, its stem counts, and each word form met on it with
/// its stem's number.
type PageDocument = (Record, Counts, Vec<(Box<str>, StemId)>);

/// A page's share of the index in a form that outlives the build, for a
/// cache of pages (see [`IndexBuilder::add_and_keep`]): stems are written
/// as a form of theirs, since stem numbers last one build.
/// Flat, so that a build taking ten thousand pages from the cache decodes
/// them quickly.
#[derive(Serialize, Deserialize)]
struct KeptDocument<'a> {
    record: Record,
    /// Every form met on the page, separated by spaces (a form never holds
    /// one).
    #[serde(borrow)]
    forms: std::borrow::Cow<'a, str>,
    /// [`KEPT_STEM`] numbers per stem: the index in `forms` of one of its
    /// forms, its count, section weight, section and field (0 for none,
    /// else 1 + the field).
    stems: Vec<u32>,
    length: u32,
}

/// Numbers per stem in [`KeptDocument::stems`].
const KEPT_STEM: usize = 5;

impl Field {
    /// The field's number in a [`KeptDocument`] (0 for none).
    fn kept(field: Option<Field>) -> u32 {
        field.map_or(0, |field| field as u32 + 1)
    }

    /// The field a [`KeptDocument`] number stands for; `Err` for none.
    fn from_kept(number: u32) -> Result<Option<Field>, ()> {
        Ok(match number {
            0 => None,
            1 => Some(Field::Body),
            2 => Some(Field::Description),
            3 => Some(Field::Heading),
            4 => Some(Field::Title),
            _ => return Err(()),
        })
    }
}

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
        let index_of: FxHashMap<StemId, u32> = forms
            .iter()
            .enumerate()
            .map(|(n, (_, stem))| (*stem, u32::try_from(n).unwrap_or(u32::MAX)))
            .collect();
        let spaced = forms.iter().any(|(form, _)| form.contains(' '));
        let kept = KeptDocument {
            forms: forms
                .iter()
                .map(|(form, _)| &**form)
                .collect::<Vec<_>>()
                .join(" ")
                .into(),
            stems: counts
                .stems
                .iter()
                .filter_map(|(stem, o)| {
                    let form = *index_of.get(stem)?;
                    let field = Field::kept(o.field);
                    Some([form, o.count, o.section_weight, o.section.into(), field])
                })
                .flatten()
                .collect(),
            length: counts.length,
            record,
        };
        let text = (!spaced)
            .then(|| serde_json::to_string(&kept).ok())
            .flatten();
        let KeptDocument { record, .. } = kept;
        lock(&self.pages).push((id, record, counts));
        text
    }

    /// Indexes page `id` from what [`IndexBuilder::add_and_keep`] returned
    /// for it in an earlier build. Text that does not decode adds nothing
    /// and returns `false`: the caller indexes the page itself.
    pub fn add_kept(&self, id: PageId, text: &str) -> bool {
        let Ok(kept) = serde_json::from_str::<KeptDocument<'_>>(text) else {
            return false;
        };
        let ids: Vec<StemId> = match kept.forms.is_empty() {
            true => Vec::new(),
            false => self.names.of_forms(kept.forms.split(' '), &self.normaliser),
        };
        if kept.stems.len() % KEPT_STEM != 0 {
            return false;
        }
        let Some(stems) = kept
            .stems
            .chunks_exact(KEPT_STEM)
            .map(|numbers| {
                let &[form, count, section_weight, section, field] = numbers else {
                    return None;
                };
                let occurrence = Occurrence {
                    count,
                    section_weight,
                    section: u16::try_from(section).ok()?,
                    field: Field::from_kept(field).ok()?,
                };
                Some((*ids.get(form as usize)?, occurrence))
            })
            .collect::<Option<Vec<_>>>()
        else {
            return false;
        };
        let counts = Counts {
            stems,
            length: kept.length,
        };
        lock(&self.pages).push((id, kept.record, counts));
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
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
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

/// One page's record and its stem counts (numbering the stems and forms
/// it meets in `names`).
fn page_document(
    book: &Book,
    site: &Site,
    titles: &[String],
    id: PageId,
    page: &ParsedPage,
    normaliser: &Normaliser,
    names: &StemNames,
) -> PageDocument {
    let title = titles[id].as_str();
    let raw = sections(page);
    let description = page.front_matter.description.clone().unwrap_or_default();
    // Each text's words are counted by form (numbered in the order the page
    // meets them), then the page's forms get their stems' numbers in one
    // go, and the counts are added up by stem.
    let mut length = 0;
    let mut numbers: FxHashMap<Box<str>, u32> = FxHashMap::default();
    let mut count = |text: &str, field: Field| -> FxHashMap<u32, u32> {
        let mut here: FxHashMap<u32, u32> = FxHashMap::default();
        for_each_term(text, |form| {
            let number = match numbers.get(form) {
                Some(number) => *number,
                None => {
                    let number = u32::try_from(numbers.len()).unwrap_or(u32::MAX);
                    numbers.insert(form.into(), number);
                    number
                }
            };
            *here.entry(number).or_default() += field.weight();
            length += 1;
        });
        here
    };
    let title_counts = count(title, Field::Title);
    let description_counts = count(&description, Field::Description);
    let section_counts: Vec<_> = raw
        .iter()
        .map(|(_, heading, text)| (count(heading, Field::Heading), count(text, Field::Body)))
        .collect();
    let mut forms: Vec<Box<str>> = vec![Box::default(); numbers.len()];
    for (form, number) in numbers {
        forms[number as usize] = form;
    }
    let ids = names.of_forms(forms.iter().map(|form| &**form), normaliser);
    let mut stems: FxHashMap<StemId, Occurrence> = FxHashMap::default();
    let mut add = |counts: &FxHashMap<u32, u32>, field: Field| -> FxHashMap<StemId, u32> {
        let mut here: FxHashMap<StemId, u32> = FxHashMap::default();
        for (form, weight) in counts {
            if let Some(stem) = ids.get(*form as usize) {
                *here.entry(*stem).or_default() += weight;
            }
        }
        for (stem, weight) in &here {
            let occurrence = stems.entry(*stem).or_default();
            occurrence.count += weight;
            occurrence.field = occurrence.field.max(Some(field));
        }
        here
    };
    add(&title_counts, Field::Title);
    add(&description_counts, Field::Description);
    // Each stem's weight per section, for its best section.
    let per_section: Vec<FxHashMap<StemId, u32>> = section_counts
        .iter()
        .map(|(heading, text)| {
            let mut here = add(heading, Field::Heading);
            for (stem, weight) in add(text, Field::Body) {
                *here.entry(stem).or_default() += weight;
            }
            here
        })
        .collect();
    // Best section of each stem: where it weighs most, the top on ties.
    for (n, here) in per_section.into_iter().enumerate() {
        for (stem, weight) in here {
            if let Some(occurrence) = stems.get_mut(&stem) {
                if weight > occurrence.section_weight {
                    occurrence.section_weight = weight;
                    occurrence.section = u16::try_from(n).unwrap_or(0);
                }
            }
        }
    }
    for occurrence in stems.values_mut() {
        if occurrence.field == Some(Field::Title) || occurrence.field == Some(Field::Description) {
            // A title or description word leads to the page itself.
            occurrence.section = 0;
        }
    }
    let page_url = paths::encode_path(&site.page_urls[id]);
    let budget = (PAGE_SNIPPETS / raw.len().max(1)).clamp(60, SNIPPET_TEXT);
    let mut sections: Vec<Section> = Vec::with_capacity(raw.len());
    for (n, (anchor, heading, text)) in raw.iter().enumerate() {
        // A section that is only a heading shows the text that follows.
        let following = raw[n..]
            .iter()
            .map(|(_, _, text)| text.as_str())
            .find(|text| !text.is_empty())
            .unwrap_or("");
        let text = if n == 0 && !description.is_empty() {
            description.as_str()
        } else if text.is_empty() {
            following
        } else {
            text.as_str()
        };
        sections.push(Section {
            anchor: anchor
                .as_ref()
                .map(|anchor| paths::encode_fragment(anchor).to_string()),
            heading: heading.clone(),
            snippet: text.chars().take(budget).collect(),
        });
    }
    let record = Record {
        url: page_url,
        title: title.to_string(),
        breadcrumb: breadcrumb(book, titles, id),
        sections,
    };
    let counts = Counts {
        stems: stems.into_iter().collect(),
        length,
    };
    let forms = forms.into_iter().zip(ids).collect();
    (record, counts, forms)
}

/// "Section › Parent › …": where a page sits, as its breadcrumbs show it.
pub(crate) fn breadcrumb(book: &Book, titles: &[String], id: PageId) -> String {
    let page = &book.pages[id];
    let section = &book.sections[page.section];
    let mut chain = Vec::new();
    let mut at = page.parent;
    while let Some(parent) = at {
        if chain.contains(&parent) {
            break;
        }
        chain.push(parent);
        at = book.pages[parent].parent;
    }
    chain.reverse();
    let mut crumbs: Vec<String> = Vec::new();
    if section.index_page.is_some_and(|index| index != id) && book.sections.len() > 1 {
        crumbs.push(section.config.title.clone());
    }
    for parent in chain {
        if Some(parent) != section.index_page {
            crumbs.push(titles[parent].clone());
        }
    }
    crumbs.join(" › ")
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
    let mut postings: Vec<Postings> = vec![Vec::new(); stems.len()];
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

/// Postings as `[impact, page, section, +gap, section, …]` groups: one per
/// run of equal impact, pages ascending within it.
fn groups(tier: &[(u32, u8, u16)]) -> Vec<Vec<u32>> {
    let mut groups: Vec<Vec<u32>> = Vec::new();
    let mut previous: Option<(u32, u8)> = None;
    for &(page, impact, section) in tier {
        match previous {
            Some((last, level)) if level == impact => {
                let group = groups.last_mut().expect("a group is open");
                group.push(page - last);
                group.push(u32::from(section));
            }
            _ => groups.push(vec![u32::from(impact), page, u32::from(section)]),
        }
        previous = Some((page, impact));
    }
    groups
}

/// [`groups`] as JSON, written directly: the index holds millions of
/// these numbers.
fn groups_json(tier: &[(u32, u8, u16)]) -> String {
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

/// A page's sections: (heading id, heading text, plain text). The first is
/// the part before the first heading, kept even when it has no text: the
/// page's title and description belong to it.
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
            // GitBook exports keep tables and figures as raw HTML: their
            // text is found too.
            Event::Html(html) | Event::InlineHtml(html) => {
                let section = sections.last_mut().expect("one section at least");
                let target = if in_heading {
                    &mut section.1
                } else {
                    &mut section.2
                };
                target.push(' ');
                target.push_str(&html_text(html));
                target.push(' ');
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
        .collect()
}

/// The text of raw HTML: tags dropped (each leaves a space, so table
/// cells do not run together), the common character references decoded.
fn html_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_gives_its_text() {
        assert_eq!(
            collapse(&html_text(
                "<tr><td>fail2ban</td><td><em>Bans</em> &amp; logs</td></tr>"
            )),
            "fail2ban Bans & logs"
        );
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
