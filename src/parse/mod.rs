//! Parsing one page: source text → [`ParsedPage`].
//!
//! Splits off the front matter, runs pulldown-cmark over the body, and
//! records what later stages need without knowing anything about other pages,
//! URLs or templates:
//! - the title (the first `#` heading, lifted out of the body),
//! - every heading with its GitBook anchor id (custom anchors lifted onto the
//!   heading, duplicates numbered),
//! - every link, image and raw-HTML `href`/`src`/`srcset`/`poster`, with the
//!   byte range of its destination in the original file and a slot telling
//!   `render` where to put the resolved URL,
//! - the Markdown events themselves, so the body is parsed only once.

mod front_matter;
pub mod headings;
pub mod html;

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

pub use front_matter::{FrontMatter, Layout};

use crate::diag::Diagnostic;
use crate::source::SourceFile;
use headings::{slug, IdAllocator};

/// A page after parsing.
#[derive(Debug)]
pub struct ParsedPage {
    /// Front matter keys.
    pub front_matter: FrontMatter,
    /// Text of the leading `#` heading, if the page starts with one.
    pub title: Option<String>,
    /// Body headings in order, with unique ids.
    pub headings: Vec<Heading>,
    /// Ids set by raw HTML (`id`, `name`), also valid fragment targets.
    pub html_ids: Vec<String>,
    /// Every link-like destination, in source order.
    pub links: Vec<Link>,
    /// The body's Markdown events, headings carrying their ids.
    pub events: Vec<Event<'static>>,
}

impl ParsedPage {
    /// Whether `id` is an anchor on this page.
    pub fn has_anchor(&self, id: &str) -> bool {
        self.headings.iter().any(|h| h.id == id) || self.html_ids.iter().any(|i| i == id)
    }

    /// Every anchor id on the page.
    pub fn anchors(&self) -> impl Iterator<Item = &str> {
        self.headings
            .iter()
            .map(|h| h.id.as_str())
            .chain(self.html_ids.iter().map(String::as_str))
    }
}

/// A body heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// Its anchor id.
    pub id: String,
    /// Its plain text.
    pub text: String,
}

/// A destination found in the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Where it was written.
    pub kind: LinkKind,
    /// The destination with Markdown escapes or HTML entities decoded, not
    /// yet percent-decoded.
    pub dest: String,
    /// Byte range of the destination in the source file.
    pub span: Range<usize>,
    /// Where `render` substitutes the resolved URL.
    pub slot: Slot,
}

/// The syntax a link was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// `[text](dest)`, reference links and autolinks.
    Link,
    /// `![alt](dest)`.
    Image,
    /// An attribute of raw HTML.
    Html,
    /// The front matter `cover` key.
    Cover,
}

/// Where in [`ParsedPage::events`] a link's URL lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// The `Start(Link)` or `Start(Image)` event at this index.
    Event(usize),
    /// A byte range inside the `Html`/`InlineHtml` event at this index.
    Html {
        /// Index of the event.
        event: usize,
        /// Range of the attribute value inside the event's text.
        range: Range<usize>,
    },
    /// Not rendered in the body (front matter, the lifted title).
    None,
}

/// The Markdown extensions GitBook content uses.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// Parses one page. Never fails: problems become diagnostics.
pub fn parse_page(source: &SourceFile) -> (ParsedPage, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let split = front_matter::split_front_matter(source, &mut diagnostics);
    let mut builder = Builder::new(source, split.body_offset);
    if let Some((cover, range)) = &split.front_matter.cover {
        builder.links.push(Link {
            kind: LinkKind::Cover,
            dest: cover.clone(),
            span: range.clone(),
            slot: Slot::None,
        });
    }
    builder.run();
    let Builder {
        title,
        headings,
        html_ids,
        links,
        events,
        ..
    } = builder;
    (
        ParsedPage {
            front_matter: split.front_matter,
            title,
            headings,
            html_ids,
            links,
            events,
        },
        diagnostics,
    )
}

struct PendingLink {
    link: usize,
    range: Range<usize>,
    inner_end: usize,
    link_type: LinkType,
    reference: String,
}

/// One raw HTML block gathered line by line, with where each line came from.
#[derive(Default)]
struct HtmlBlock {
    text: String,
    /// (offset in `text`, offset in the body) for each piece.
    pieces: Vec<(usize, usize)>,
}

struct Builder<'a> {
    source: &'a SourceFile,
    body_offset: usize,
    title: Option<String>,
    headings: Vec<Heading>,
    html_ids: Vec<String>,
    links: Vec<Link>,
    events: Vec<Event<'static>>,
    ids: IdAllocator,
    heading_start: Option<usize>,
    pending: Vec<PendingLink>,
    html_block: Option<HtmlBlock>,
}

impl<'a> Builder<'a> {
    fn new(source: &'a SourceFile, body_offset: usize) -> Self {
        Builder {
            source,
            body_offset,
            title: None,
            headings: Vec::new(),
            html_ids: Vec::new(),
            links: Vec::new(),
            events: Vec::new(),
            ids: IdAllocator::default(),
            heading_start: None,
            pending: Vec::new(),
            html_block: None,
        }
    }

    fn body(&self) -> &'a str {
        &self.source.text[self.body_offset..]
    }

    fn run(&mut self) {
        let body = self.body();
        let mut iter = Parser::new_ext(body, options()).into_offset_iter();
        while let Some((event, range)) = iter.next() {
            match event {
                Event::Start(Tag::Link {
                    link_type,
                    ref dest_url,
                    ref id,
                    ..
                })
                | Event::Start(Tag::Image {
                    link_type,
                    ref dest_url,
                    ref id,
                    ..
                }) => {
                    self.touch(range.end);
                    let kind = if matches!(event, Event::Start(Tag::Image { .. })) {
                        LinkKind::Image
                    } else {
                        LinkKind::Link
                    };
                    self.links.push(Link {
                        kind,
                        dest: dest_url.to_string(),
                        span: range.clone(),
                        slot: Slot::Event(self.events.len()),
                    });
                    self.pending.push(PendingLink {
                        link: self.links.len() - 1,
                        range: range.clone(),
                        inner_end: range.start,
                        link_type,
                        reference: id.to_string(),
                    });
                    self.events.push(event.into_static());
                }
                Event::End(TagEnd::Link | TagEnd::Image) => {
                    if let Some(pending) = self.pending.pop() {
                        let span = self.destination_span(&pending, iter.reference_definitions());
                        self.links[pending.link].span = span;
                    }
                    self.touch(range.end);
                    self.events.push(event.into_static());
                }
                Event::Start(Tag::HtmlBlock) => {
                    self.html_block = Some(HtmlBlock::default());
                    self.events.push(event.into_static());
                }
                Event::Html(text) if self.html_block.is_some() => {
                    let start = self.locate(&text, &range);
                    let block = self.html_block.as_mut().expect("inside an HTML block");
                    block.pieces.push((block.text.len(), start));
                    block.text.push_str(&text);
                }
                Event::End(TagEnd::HtmlBlock) => {
                    let block = self.html_block.take().unwrap_or_default();
                    self.push_html(Event::Html(CowStr::from(block.text.clone())), &block);
                    self.events.push(event.into_static());
                }
                Event::Html(text) | Event::InlineHtml(text) => {
                    self.touch(range.end);
                    let start = self.locate(&text, &range);
                    let block = HtmlBlock {
                        text: text.to_string(),
                        pieces: vec![(0, start)],
                    };
                    let event = Event::InlineHtml(CowStr::from(text.into_string()));
                    self.push_html(event, &block);
                }
                Event::Start(Tag::Heading { .. }) => {
                    self.heading_start = Some(self.events.len());
                    self.events.push(event.into_static());
                }
                Event::End(TagEnd::Heading(_)) => {
                    self.events.push(event.into_static());
                    self.finish_heading();
                }
                event => {
                    self.touch(range.end);
                    self.events.push(event.into_static());
                }
            }
        }
    }

    /// Records that an event inside the innermost open link ended here.
    fn touch(&mut self, end: usize) {
        if let Some(pending) = self.pending.last_mut() {
            pending.inner_end = pending.inner_end.max(end.min(pending.range.end));
        }
    }

    /// Where the HTML text of an event starts in the body.
    fn locate(&self, text: &str, range: &Range<usize>) -> usize {
        let body = self.body();
        if body[range.start..].starts_with(text) {
            return range.start;
        }
        body[range.clone()]
            .find(text.trim_end())
            .map_or(range.start, |i| range.start + i)
    }

    fn push_html(&mut self, event: Event<'static>, block: &HtmlBlock) {
        let index = self.events.len();
        for attribute in html::attributes(&block.text) {
            let name = attribute.name.to_ascii_lowercase();
            let to_file = |offset: usize| {
                let (text_at, body_at) = block
                    .pieces
                    .iter()
                    .rev()
                    .find(|(text_at, _)| *text_at <= offset)
                    .copied()
                    .unwrap_or((0, 0));
                self.body_offset + body_at + (offset - text_at)
            };
            match name.as_str() {
                "href" | "src" | "poster" => {
                    let start = to_file(attribute.range.start);
                    self.links.push(Link {
                        kind: LinkKind::Html,
                        dest: html::decode_entities(attribute.value),
                        span: start..start + attribute.value.len(),
                        slot: Slot::Html {
                            event: index,
                            range: attribute.range.clone(),
                        },
                    });
                }
                "srcset" => {
                    for url in html::srcset_urls(attribute.value) {
                        let range =
                            attribute.range.start + url.start..attribute.range.start + url.end;
                        let start = to_file(range.start);
                        self.links.push(Link {
                            kind: LinkKind::Html,
                            dest: html::decode_entities(&block.text[range.clone()]),
                            span: start..start + range.len(),
                            slot: Slot::Html {
                                event: index,
                                range,
                            },
                        });
                    }
                }
                "id" | "name" if !attribute.value.is_empty() => {
                    self.html_ids.push(html::decode_entities(attribute.value));
                }
                _ => {}
            }
        }
        self.events.push(event);
    }

    /// The byte range (in the file) of a link's destination.
    fn destination_span(
        &self,
        pending: &PendingLink,
        definitions: &pulldown_cmark::RefDefs<'_>,
    ) -> Range<usize> {
        let body = self.body();
        let range = match pending.link_type {
            LinkType::Inline => inline_destination(body, &pending.range, pending.inner_end),
            LinkType::Autolink | LinkType::Email => {
                pending.range.start + 1..pending.range.end.saturating_sub(1)
            }
            _ => definitions
                .get(&pending.reference)
                .map(|definition| definition_destination(body, &definition.span))
                .unwrap_or_else(|| pending.range.clone()),
        };
        self.body_offset + range.start..self.body_offset + range.end
    }

    fn finish_heading(&mut self) {
        let Some(start) = self.heading_start.take() else {
            return;
        };
        let custom = self.lift_custom_anchor(start);
        let text = plain_text(&self.events[start + 1..]);
        let Event::Start(Tag::Heading {
            level,
            classes,
            attrs,
            ..
        }) = self.events[start].clone()
        else {
            return;
        };
        let level = level as u8;
        if level == 1 && start == 0 && self.title.is_none() {
            self.title = Some(text);
            self.events.clear();
            for link in &mut self.links {
                link.slot = Slot::None;
            }
            return;
        }
        let id = self.ids.allocate(&custom.unwrap_or_else(|| slug(&text)));
        self.events[start] = Event::Start(Tag::Heading {
            level: pulldown_cmark::HeadingLevel::try_from(level as usize)
                .unwrap_or(pulldown_cmark::HeadingLevel::H6),
            id: Some(CowStr::from(id.clone())),
            classes,
            attrs,
        });
        self.headings.push(Heading { level, id, text });
    }

    /// Finds `<a href="#x" id="x"></a>` in a heading, blanks it, and
    /// returns its id.
    fn lift_custom_anchor(&mut self, start: usize) -> Option<String> {
        let end = self.events.len();
        for index in start + 1..end.saturating_sub(1) {
            let Event::InlineHtml(open) = &self.events[index] else {
                continue;
            };
            let closes = matches!(&self.events[index + 1], Event::InlineHtml(close) if close.trim() == "</a>");
            let id = html::attributes(open)
                .into_iter()
                .find(|a| a.tag.eq_ignore_ascii_case("a") && a.name == "id" && !a.value.is_empty())
                .map(|a| html::decode_entities(a.value));
            if let (true, Some(id)) = (closes, id) {
                self.events[index] = Event::Text(CowStr::Borrowed(""));
                self.events[index + 1] = Event::Text(CowStr::Borrowed(""));
                self.links.retain(
                    |link| !matches!(link.slot, Slot::Html { event, .. } if event == index),
                );
                self.html_ids.retain(|existing| existing != &id);
                if let Some(Event::Text(before)) = self.events.get(index - 1) {
                    let trimmed = before.trim_end().to_string();
                    self.events[index - 1] = Event::Text(CowStr::from(trimmed));
                }
                return Some(id);
            }
        }
        None
    }
}

/// The text a reader sees in a run of inline events.
fn plain_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

/// The destination inside `[text](dest "title")`, searching after the link
/// text so brackets in the text cannot confuse it.
fn inline_destination(body: &str, link: &Range<usize>, inner_end: usize) -> Range<usize> {
    let from = inner_end.clamp(link.start, link.end);
    let Some(open) = body[from..link.end].find("](") else {
        return link.clone();
    };
    let start = from + open + 2;
    destination_at(body, start, link.end)
}

/// The destination in a reference definition `[label]: dest "title"`.
fn definition_destination(body: &str, definition: &Range<usize>) -> Range<usize> {
    match body[definition.clone()].find("]:") {
        Some(colon) => destination_at(body, definition.start + colon + 2, definition.end),
        None => definition.clone(),
    }
}

/// Reads a destination starting at `start` (after optional whitespace):
/// `<…>` or a run without spaces and with balanced parentheses.
fn destination_at(body: &str, start: usize, limit: usize) -> Range<usize> {
    let text = &body[start..limit];
    let skipped = text.len() - text.trim_start().len();
    let start = start + skipped;
    let text = &body[start..limit];
    if let Some(inner) = text.strip_prefix('<') {
        let end = inner.find('>').unwrap_or(inner.len());
        return start + 1..start + 1 + end;
    }
    let mut depth = 0usize;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '(' => depth += 1,
            ')' if depth == 0 => return start..start + i,
            ')' => depth -= 1,
            c if c.is_whitespace() => return start..start + i,
            _ => {}
        }
    }
    start..limit
}

#[cfg(test)]
mod tests;
