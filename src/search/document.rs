//! One page's share of the search index: its record (what the dialog
//! shows: URL, title, breadcrumb, sections with snippets) and its words,
//! counted by stem and field; and that share as text a later build takes
//! back ([`keep`], [`take`]) for the cache of pages.
//!
//! Owns reading a page's text out of its events (headings, body, the text
//! of raw HTML), counting its words through `tokens`, and numbering the
//! book's stems and forms ([`StemNames`]). It never lays out index files
//! (the parent module does) and never reads files.

use base64::engine::general_purpose::STANDARD_NO_PAD as BASE64;
use base64::Engine as _;
use pulldown_cmark::{Event, Tag, TagEnd};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::tokens::{for_each_term, Normaliser};
use crate::load::{Book, PageId};
use crate::parse::ParsedPage;
use crate::paths;
use crate::resolve::Site;

/// Characters of a section's text kept for its snippet.
const SNIPPET_TEXT: usize = 220;
/// Characters of snippets kept for one page (a page of hundreds of
/// sections keeps shorter snippets).
const PAGE_SNIPPETS: usize = 6000;

/// Where on a page a word is; a later field outranks an earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Field {
    Body = 0,
    Description = 1,
    Heading = 2,
    Title = 3,
}

impl Field {
    /// How many times one occurrence counts in the BM25 term frequency.
    pub(super) fn weight(self) -> u32 {
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
pub(super) struct Section {
    pub(super) anchor: Option<String>,
    pub(super) heading: String,
    pub(super) snippet: String,
}

/// One page as the dialog shows it.
#[derive(Serialize, Deserialize)]
pub(super) struct Record {
    pub(super) url: String,
    pub(super) title: String,
    pub(super) breadcrumb: String,
    pub(super) sections: Vec<Section>,
}

/// A stem on one page: its weighted count, best field, and the section
/// where it weighs most.
#[derive(Default, Clone, Copy)]
pub(super) struct Occurrence {
    pub(super) count: u32,
    pub(super) section_weight: u32,
    /// Sections past `u16::MAX` count as the top of the page.
    pub(super) section: u16,
    pub(super) field: Option<Field>,
}

/// The stems of one page (by [`StemNames`] number), and its length in
/// words.
pub(super) struct Counts {
    pub(super) stems: Vec<(StemId, Occurrence)>,
    pub(super) length: u32,
}

/// A stem's number in [`StemNames`].
pub(super) type StemId = u32;

/// Every stem of the book, numbered in the order pages first meet them, so
/// that a page's counts hold numbers rather than strings (a large book has
/// millions of page-stem pairs but tens of thousands of stems). The pages
/// that number stems run in parallel; nothing written depends on the
/// numbers, only on the stems they stand for.
#[derive(Default)]
pub(super) struct StemNames {
    ids: std::sync::RwLock<FxHashMap<Box<str>, StemId>>,
    /// Every word form met, with its stem's number: a form is stemmed once
    /// per book, not once per page.
    forms: std::sync::RwLock<FxHashMap<Box<str>, StemId>>,
}

impl StemNames {
    /// The number of the stem of `form` (stemmed by `normaliser` the first
    /// time the book uses it).
    pub(super) fn of_form(&self, form: &str, normaliser: &Normaliser) -> StemId {
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
    pub(super) fn of_forms<'f>(
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
    pub(super) fn into_names(self) -> (Vec<Box<str>>, Vec<Vec<String>>) {
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

/// A page's record, its stem counts, and each word form met on it with
/// its stem's number.
pub(super) type PageDocument = (Record, Counts, Vec<(Box<str>, StemId)>);

/// A page's share of the index in a form that outlives the build, for a
/// cache of pages (see `IndexBuilder::add_and_keep`): stems are written
/// as a form of theirs, since stem numbers last one build.
/// Flat, so that a build taking ten thousand pages from the cache decodes
/// them quickly.
#[derive(Deserialize)]
struct KeptDocument<'a> {
    record: Record,
    /// Every form met on the page, separated by spaces (a form never holds
    /// one).
    #[serde(borrow)]
    forms: std::borrow::Cow<'a, str>,
    /// [`KEPT_STEM`] numbers per stem: the index in `forms` of one of its
    /// forms, its count, section weight, section and field (0 for none,
    /// else 1 + the field), as [`packed`] text: decoding them from a JSON
    /// array took 6% of the CPU of a one-page rebuild at 10,000 pages.
    #[serde(borrow)]
    stems: std::borrow::Cow<'a, str>,
    length: u32,
}

/// [`KeptDocument`] as it is written, borrowing the page's record.
#[derive(Serialize)]
struct KeptDocumentRef<'a> {
    record: &'a Record,
    forms: &'a str,
    stems: &'a str,
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

/// A page's share of the index as text a later build takes back with
/// [`take`]; `None` when a form holds a space (never the case for the
/// words `tokens` cuts) or the text cannot be written.
pub(super) fn keep(
    record: &Record,
    counts: &Counts,
    forms: &[(Box<str>, StemId)],
) -> Option<String> {
    if forms.iter().any(|(form, _)| form.contains(' ')) {
        return None;
    }
    let index_of: FxHashMap<StemId, u32> = forms
        .iter()
        .enumerate()
        .map(|(n, (_, stem))| (*stem, u32::try_from(n).unwrap_or(u32::MAX)))
        .collect();
    let joined = forms
        .iter()
        .map(|(form, _)| &**form)
        .collect::<Vec<_>>()
        .join(" ");
    let stems: Vec<u32> = counts
        .stems
        .iter()
        .filter_map(|(stem, o)| {
            let form = *index_of.get(stem)?;
            let field = Field::kept(o.field);
            Some([form, o.count, o.section_weight, o.section.into(), field])
        })
        .flatten()
        .collect();
    serde_json::to_string(&KeptDocumentRef {
        record,
        forms: &joined,
        stems: &packed(&stems),
        length: counts.length,
    })
    .ok()
}

/// The record and counts [`keep`] wrote, the stems numbered in `names`;
/// `None` for text that does not decode whole.
pub(super) fn take(
    text: &str,
    names: &StemNames,
    normaliser: &Normaliser,
) -> Option<(Record, Counts)> {
    let kept = serde_json::from_str::<KeptDocument<'_>>(text).ok()?;
    let ids: Vec<StemId> = match kept.forms.is_empty() {
        true => Vec::new(),
        false => names.of_forms(kept.forms.split(' '), normaliser),
    };
    let numbers = unpacked(&kept.stems)?;
    if numbers.len() % KEPT_STEM != 0 {
        return None;
    }
    let stems = numbers
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
        .collect::<Option<Vec<_>>>()?;
    let counts = Counts {
        stems,
        length: kept.length,
    };
    Some((kept.record, counts))
}

/// One page's record and its stem counts (numbering the stems and forms
/// it meets in `names`).
pub(super) fn page_document(
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

/// Numbers as text: each in LEB128 (seven bits a byte, the high bit set on
/// all but its last byte; the numbers a page keeps are nearly all below
/// 128), the bytes in unpadded base64.
fn packed(numbers: &[u32]) -> String {
    let mut bytes = Vec::with_capacity(numbers.len() + numbers.len() / 4);
    for &number in numbers {
        let mut rest = number;
        while rest >= 0x80 {
            bytes.push((rest & 0x7f) as u8 | 0x80);
            rest >>= 7;
        }
        bytes.push(rest as u8);
    }
    BASE64.encode(bytes)
}

/// The numbers [`packed`] wrote; `None` for text it did not write.
fn unpacked(text: &str) -> Option<Vec<u32>> {
    let bytes = BASE64.decode(text).ok()?;
    let mut numbers = Vec::with_capacity(bytes.len());
    let mut number: u32 = 0;
    let mut shift = 0;
    for byte in bytes {
        let low = u32::from(byte & 0x7f);
        number |= low.checked_shl(shift).filter(|v| v >> shift == low)?;
        if byte & 0x80 == 0 {
            numbers.push(number);
            number = 0;
            shift = 0;
        } else {
            shift += 7;
        }
    }
    (shift == 0).then_some(numbers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_numbers_come_back_as_written_and_other_text_is_refused() {
        let numbers = [0, 1, 127, 128, 300, 16_383, 16_384, 1 << 28, u32::MAX];
        assert_eq!(unpacked(&packed(&numbers)).unwrap(), numbers);
        assert_eq!(unpacked(&packed(&[])).unwrap(), Vec::<u32>::new());
        // Small numbers take a byte each.
        assert_eq!(packed(&[1, 2, 3]), BASE64.encode([1, 2, 3]));
        assert_eq!(unpacked("not base64!"), None);
        // A number cut short, and one wider than 32 bits.
        assert_eq!(unpacked(&BASE64.encode([0x80])), None);
        assert_eq!(
            unpacked(&BASE64.encode([0xff, 0xff, 0xff, 0xff, 0x1f])),
            None
        );
        assert_eq!(
            unpacked(&BASE64.encode([0xff, 0xff, 0xff, 0xff, 0x0f])),
            Some(vec![u32::MAX])
        );
        assert_eq!(
            unpacked(&BASE64.encode([0x80, 0x80, 0x80, 0x80, 0x80, 0x01])),
            None
        );
    }

    #[test]
    fn raw_html_gives_its_text() {
        assert_eq!(
            collapse(&html_text(
                "<tr><td>fail2ban</td><td><em>Bans</em> &amp; logs</td></tr>"
            )),
            "fail2ban Bans & logs"
        );
    }
}
