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
//! - GitBook block tags (`blocks`), as marks between events, with the links
//!   their attributes hold; `include` tags are replaced by the included
//!   file's content, whose links keep that file's positions,
//! - the Markdown events themselves, so the body is parsed only once.

pub mod blocks;
mod emphasis;
mod front_matter;
pub mod headings;
pub mod html;
mod math;
mod table_rows;

use std::ops::Range;
use std::sync::Arc;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

pub use front_matter::{FrontMatter, Layout};

use crate::diag::{Code, Diagnostic, Severity};
use crate::markdown_syntax;
use crate::mojibake;
use crate::source::SourceFile;
pub use blocks::BlockKind;
use blocks::{Node, TagNode};
use headings::{slug, IdAllocator};

/// A page after parsing.
#[derive(Debug, Clone)]
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
    /// The body's Markdown events, headings carrying their ids. Empty once
    /// [`ParsedPage::drop_events`] ran (a build that streams its site parses
    /// each page again when it renders it).
    pub events: Vec<Event<'static>>,
    /// What the events hold that other pages' rendering asks about, kept
    /// when the events are dropped.
    pub contents: Contents,
    /// Where GitBook blocks open and close between the events.
    pub blocks: Vec<BlockMark>,
    /// Byte offset of the Markdown body (after the front matter).
    pub body_offset: usize,
    /// Each file the page's includes read (book-relative path) with a hash
    /// of its text, so caches can tell when an included file changed.
    pub included: Vec<(String, u64)>,
    /// Whether an include could not be read (missing, outside the book,
    /// not UTF-8): a cache must parse the page again, as the file may have
    /// appeared or been mended since.
    pub include_failed: bool,
}

/// What a page's body holds, read from its events at parse time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contents {
    /// A fenced or indented code block.
    pub code_block: bool,
    /// A `mermaid` fence.
    pub mermaid: bool,
    /// Raw HTML that may name icons (`data-icon=`, `fa-`).
    pub icon_html: Vec<String>,
}

impl Contents {
    fn of(events: &[Event<'_>]) -> Contents {
        let mut contents = Contents::default();
        for event in events {
            match event {
                Event::Start(Tag::CodeBlock(kind)) => {
                    contents.code_block = true;
                    if let pulldown_cmark::CodeBlockKind::Fenced(info) = kind {
                        contents.mermaid |= info.split_whitespace().next() == Some("mermaid");
                    }
                }
                Event::Html(text) | Event::InlineHtml(text)
                    if text.contains("data-icon=") || text.contains("fa-") =>
                {
                    contents.icon_html.push(text.to_string());
                }
                _ => {}
            }
        }
        contents
    }
}

/// A block opening or closing before the event at `at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockMark {
    /// Index of the event the mark precedes (`events.len()` at the end).
    pub at: usize,
    /// Opening (with the block) or closing.
    pub kind: MarkKind,
}

/// Whether a mark opens or closes a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkKind {
    /// A block starts.
    Open(Block),
    /// The innermost open block ends.
    Close,
}

/// A GitBook block as `render` needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Which tag it is (`hint`, `tabs`, `embed`, …).
    pub kind: BlockKind,
    /// Its attributes, values as written.
    pub attrs: Vec<(String, String)>,
    /// The quoted argument or `if` expression.
    pub argument: Option<String>,
    /// Index into [`ParsedPage::links`] of the link its attribute holds.
    pub link: Option<usize>,
    /// Whether anything is nested inside.
    pub has_children: bool,
}

impl Block {
    /// The value of an attribute.
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads the files `{% include %}` tags name. `parse` never reads files
/// itself; the caller decides how (and checks they stay in the book).
pub trait IncludeSource {
    /// The file `argument` names, relative to the folder of `from` (a
    /// book-relative path), or why it cannot be read.
    fn read_include(&self, from: &str, argument: &str) -> Result<Arc<SourceFile>, IncludeError>;
}

/// Why an included file cannot be used.
#[derive(Debug)]
pub enum IncludeError {
    /// It cannot be found or read: reported at the `include` tag.
    Unreadable(String),
    /// Its content is wrong (not UTF-8): reported where, inside the
    /// included file, the problem is.
    InFile(Box<Diagnostic>),
}

/// For pages parsed without access to other files (tests, tools).
pub struct NoIncludes;

impl IncludeSource for NoIncludes {
    fn read_include(&self, _from: &str, argument: &str) -> Result<Arc<SourceFile>, IncludeError> {
        Err(IncludeError::Unreadable(format!(
            "cannot include `{argument}` here"
        )))
    }
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

    /// Frees the events (the bulk of a parsed page) once the stages that
    /// read every page have run; [`ParsedPage::contents`] stays.
    pub fn drop_events(&mut self) {
        self.events = Vec::new();
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
    /// The included file the link is written in (`None`: the page itself).
    /// Its span and relative path are in that file.
    pub origin: Option<Arc<SourceFile>>,
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
    /// An attribute of a GitBook block (`content-ref url`, `file src`, …).
    Block,
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

/// The Markdown extensions GitBook content uses. Maths is not one of them:
/// GitBook's `$$…$$` is read by [`math`], and a single `$` is text.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// Parses one page. Never fails: problems become diagnostics.
pub fn parse_page(
    source: &SourceFile,
    includes: &dyn IncludeSource,
) -> (ParsedPage, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let split = front_matter::split_front_matter(source, &mut diagnostics);
    let mut builder = Builder::new(source, includes);
    if let Some((cover, range)) = &split.front_matter.cover {
        builder.links.push(Link {
            kind: LinkKind::Cover,
            dest: cover.clone(),
            span: range.clone(),
            slot: Slot::None,
            origin: None,
        });
    }
    let body = &source.text[split.body_offset..];
    builder.file(source, None, body, split.body_offset, &mut diagnostics);
    let Builder {
        title,
        mut headings,
        html_ids,
        mut links,
        mut events,
        blocks,
        found,
        included,
        include_failed,
        ..
    } = builder;
    diagnostics.extend(found);
    diagnostics.extend(mojibake_warnings(source));
    // Every page stays parsed for the whole build: a vector's spare
    // capacity would be a third of a large book's memory.
    events.shrink_to_fit();
    links.shrink_to_fit();
    headings.shrink_to_fit();
    let contents = Contents::of(&events);
    (
        ParsedPage {
            front_matter: split.front_matter,
            title,
            headings,
            html_ids,
            links,
            events,
            contents,
            blocks,
            body_offset: split.body_offset,
            included,
            include_failed,
        },
        diagnostics,
    )
}

/// Includes nest at most this deep, so a long chain cannot exhaust the
/// stack; cycles are caught before that.
const MAX_INCLUDE_DEPTH: usize = 16;

/// A page's includes may add at most this much text to it, and be at most
/// this many, so a few small files including each other several times
/// cannot multiply into gigabytes.
const MAX_INCLUDED_BYTES: usize = 4 << 20;
const MAX_INCLUDES: usize = 1_000;

/// Maths nests groups at most this deep; the renderer's work grows
/// faster than the depth, and no real formula comes close.
pub const MAX_MATH_DEPTH: usize = 64;

/// How deeply a LaTeX formula nests groups (`{…}`, `\left…\right`,
/// `\begin…\end`).
pub fn math_depth(latex: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut rest = latex;
    while let Some(at) = rest.find(['{', '}', '\\']) {
        rest = &rest[at..];
        let step = if rest.starts_with('{')
            || rest.starts_with("\\left")
            || rest.starts_with("\\begin")
        {
            depth += 1;
            deepest = deepest.max(depth);
            1
        } else if rest.starts_with('}') || rest.starts_with("\\right") || rest.starts_with("\\end")
        {
            depth = depth.saturating_sub(1);
            1
        } else {
            // An escape: skip the backslash and the character after it.
            1 + rest[1..].chars().next().map_or(0, char::len_utf8)
        };
        rest = &rest[step..];
    }
    deepest
}

struct PendingLink {
    link: usize,
    /// Index of its start event.
    event: usize,
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
    /// (offset in `text`, how many bytes the body has more than `text`
    /// from there on, within its piece): where the parser's text differs
    /// from the file — a NUL byte becomes U+FFFD (three bytes), and the
    /// indentation (or `>`) of an inline HTML tag's continuation lines is
    /// left out.
    shifts: Vec<(usize, isize)>,
}

impl HtmlBlock {
    /// Adds a piece of raw HTML found at `start` in `body`, aligning it with
    /// the file byte by byte.
    fn push_piece(&mut self, text: &str, body: &str, start: usize) {
        let at = self.text.len();
        self.pieces.push((at, start));
        self.shifts.push((at, 0));
        let source = body.as_bytes().get(start..).unwrap_or_default();
        let (mut i, mut j) = (0, 0);
        let mut shift = 0isize;
        while i < text.len() {
            let c = text[i..].chars().next().unwrap_or('\0');
            let width = c.len_utf8();
            if source.get(j..j + width) == Some(&text.as_bytes()[i..i + width]) {
                i += width;
                j += width;
                continue;
            }
            if c == '\u{FFFD}' && source.get(j) == Some(&0) {
                i += width;
                j += 1;
            } else if j > 0 && matches!(source.get(j), Some(b' ' | b'\t' | b'>')) {
                // Continuation-line indentation the parser dropped.
                j += 1;
            } else {
                // Out of step: offsets after here keep the last shift.
                break;
            }
            let moved = j as isize - i as isize;
            if moved != shift {
                shift = moved;
                self.shifts.push((at + i, shift));
            }
        }
        self.text.push_str(text);
    }

    /// Where byte `offset` of `text` is in the file, `base` being the
    /// body's offset in it.
    fn to_file(&self, base: usize, offset: usize) -> usize {
        let (text_at, body_at) = self
            .pieces
            .iter()
            .rev()
            .find(|(text_at, _)| *text_at <= offset)
            .copied()
            .unwrap_or((0, 0));
        let shift = self
            .shifts
            .iter()
            .rev()
            .find(|(at, _)| *at <= offset && *at >= text_at)
            .map_or(0, |(_, shift)| *shift);
        let plain = (base + body_at + (offset - text_at)) as isize;
        (plain + shift).max(0) as usize
    }
}

struct Builder<'a> {
    includes: &'a dyn IncludeSource,
    /// The page being parsed.
    page: &'a SourceFile,
    /// Problems found in the Markdown itself (images without alt text).
    found: Vec<Diagnostic>,
    /// Offset of the current fragment in its file.
    base: usize,
    /// The included file being parsed, if any.
    origin: Option<Arc<SourceFile>>,
    /// Paths of the files being included, to catch cycles.
    include_stack: Vec<String>,
    /// The included files read, with hashes of their text.
    included: Vec<(String, u64)>,
    /// Whether an include could not be read.
    include_failed: bool,
    /// Bytes the includes have added to the page so far.
    included_bytes: usize,
    /// Whether the limit on included text was reached (reported once).
    includes_exhausted: bool,
    /// Whether includes nesting too deep were reported (once a page).
    include_depth_reported: bool,
    blocks: Vec<BlockMark>,
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
    fn new(page: &'a SourceFile, includes: &'a dyn IncludeSource) -> Self {
        Builder {
            includes,
            page,
            found: Vec::new(),
            base: 0,
            origin: None,
            include_stack: Vec::new(),
            included: Vec::new(),
            included_bytes: 0,
            include_failed: false,
            includes_exhausted: false,
            include_depth_reported: false,
            blocks: Vec::new(),
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

    /// Parses a file's body (the page, or an included file): block tags
    /// first, then each Markdown fragment between them.
    fn file(
        &mut self,
        source: &SourceFile,
        origin: Option<Arc<SourceFile>>,
        body: &str,
        body_offset: usize,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        self.include_stack
            .push(source.path.to_string_lossy().into_owned());
        let (nodes, problems) = blocks::split_blocks(body);
        for problem in problems {
            let range = body_offset + problem.range.start..body_offset + problem.range.end;
            let (severity, code) = match problem.kind {
                blocks::ProblemKind::Unknown => (Severity::Warning, Code::UnknownBlock),
                blocks::ProblemKind::TooDeep => (Severity::Error, Code::TooDeep),
            };
            diagnostics.push(source.diagnostic(severity, code, range, problem.message));
        }
        self.nodes(source, &origin, body, body_offset, &nodes, diagnostics);
        self.include_stack.pop();
    }

    fn nodes(
        &mut self,
        source: &SourceFile,
        origin: &Option<Arc<SourceFile>>,
        body: &str,
        body_offset: usize,
        nodes: &[Node],
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        for node in nodes {
            match node {
                Node::Markdown(range) => {
                    self.base = body_offset + range.start;
                    self.origin = origin.clone();
                    self.markdown(&body[range.clone()]);
                }
                Node::Tag(tag) => {
                    // `split_blocks` makes nodes of known tags only.
                    let Some(kind) = BlockKind::from_name(&tag.tag.name) else {
                        continue;
                    };
                    if kind == BlockKind::Include {
                        self.include(source, body_offset, tag, diagnostics);
                        continue;
                    }
                    self.origin = origin.clone();
                    let link = self.block_link(kind, tag, body_offset);
                    let block = Block {
                        kind,
                        attrs: tag
                            .tag
                            .attrs
                            .iter()
                            .map(|(k, v, _)| (k.clone(), v.clone()))
                            .collect(),
                        argument: tag.tag.argument.as_ref().map(|(value, _)| value.clone()),
                        link,
                        has_children: !tag.children.is_empty(),
                    };
                    let mark = self.blocks.len();
                    let first_child_link = self.links.len();
                    self.blocks.push(BlockMark {
                        at: self.events.len(),
                        kind: MarkKind::Open(block),
                    });
                    self.nodes(
                        source,
                        origin,
                        body,
                        body_offset,
                        &tag.children,
                        diagnostics,
                    );
                    self.spec_from_children(mark, first_child_link);
                    self.blocks.push(BlockMark {
                        at: self.events.len(),
                        kind: MarkKind::Close,
                    });
                }
            }
        }
    }

    /// GitBook writes an `openapi-operation`/`openapi-schemas` block's spec
    /// as a link inside it (`[OpenAPI events](…/openapi.yml)`): when the
    /// tag has no `src`, the first link inside to a local `.json`/`.yaml`
    /// file is the block's spec.
    fn spec_from_children(&mut self, mark: usize, first_child_link: usize) {
        let MarkKind::Open(block) = &mut self.blocks[mark].kind else {
            return;
        };
        if block.link.is_some()
            || !matches!(
                block.kind,
                BlockKind::OpenapiOperation | BlockKind::OpenapiSchemas
            )
        {
            return;
        }
        block.link = (first_child_link..self.links.len()).find(|&index| {
            let dest = self.links[index].dest.to_ascii_lowercase();
            let path = dest.split(['#', '?']).next().unwrap_or("");
            // `https:`, `mailto:`: a scheme comes before any `/`.
            let remote = path.split('/').next().unwrap_or("").contains(':');
            !remote
                && [".json", ".yaml", ".yml"]
                    .iter()
                    .any(|ext| path.ends_with(ext))
        });
    }

    /// The link a block's attribute holds, recorded like any other link.
    fn block_link(&mut self, kind: BlockKind, tag: &TagNode, body_offset: usize) -> Option<usize> {
        let key = match kind {
            BlockKind::ContentRef | BlockKind::Embed => "url",
            BlockKind::PageRef => "page",
            BlockKind::File
            | BlockKind::Swagger
            | BlockKind::Openapi
            | BlockKind::OpenapiOperation
            | BlockKind::OpenapiSchemas => "src",
            _ => return None,
        };
        let (value, range) = tag.tag.attr_with_range(key)?;
        self.links.push(Link {
            kind: LinkKind::Block,
            dest: value.to_string(),
            span: body_offset + range.start..body_offset + range.end,
            slot: Slot::None,
            origin: self.origin.clone(),
        });
        Some(self.links.len() - 1)
    }

    /// Splices in an included file's body (without its front matter), or
    /// reports why it cannot be.
    fn include(
        &mut self,
        source: &SourceFile,
        body_offset: usize,
        tag: &TagNode,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let Some((argument, range)) = tag.tag.argument.clone() else {
            return;
        };
        let range = body_offset + range.start..body_offset + range.end;
        if self.includes_exhausted {
            return;
        }
        let from = source.path.to_string_lossy().into_owned();
        let at_tag = |message: String| {
            source
                .diagnostic(Severity::Error, Code::BrokenLink, range.clone(), message)
                .with_target(argument.clone())
        };
        let included = match self.includes.read_include(&from, &argument) {
            Ok(included) => included,
            Err(IncludeError::Unreadable(message)) => {
                self.include_failed = true;
                diagnostics.push(at_tag(message));
                return;
            }
            Err(IncludeError::InFile(diagnostic)) => {
                self.include_failed = true;
                diagnostics.push(*diagnostic);
                return;
            }
        };
        let path = included.path.to_string_lossy().into_owned();
        self.included.push((path.clone(), included.content_hash()));
        if self.include_stack.contains(&path) {
            diagnostics.push(at_tag(format!(
                "`{argument}` includes itself (through {})",
                self.include_stack.join(" → ")
            )));
            return;
        }
        if let Err(problem) = self.within_include_limits(&argument, included.text.len()) {
            if let Some(message) = problem {
                diagnostics.push(
                    source
                        .diagnostic(Severity::Error, Code::TooDeep, range, message)
                        .with_target(argument),
                );
            }
            return;
        }
        self.included_bytes += included.text.len();
        let mut ignored = Vec::new();
        let split = front_matter::split_front_matter(&included, &mut ignored);
        let body = included.text[split.body_offset..].to_string();
        let origin = Some(Arc::clone(&included));
        self.file(&included, origin, &body, split.body_offset, diagnostics);
    }

    /// Whether `argument` (`len` bytes) may be included here. Past a
    /// limit: the message the first time, `None` (drop it quietly) after.
    fn within_include_limits(&mut self, argument: &str, len: usize) -> Result<(), Option<String>> {
        // The stack holds the page itself and each file including the next.
        if self.include_stack.len() > MAX_INCLUDE_DEPTH {
            if std::mem::replace(&mut self.include_depth_reported, true) {
                return Err(None);
            }
            return Err(Some(format!(
                "`{argument}` is not included: includes nest more than {MAX_INCLUDE_DEPTH} deep (through {})",
                self.include_stack.join(" → ")
            )));
        }
        if self.included.len() >= MAX_INCLUDES || self.included_bytes + len > MAX_INCLUDED_BYTES {
            self.includes_exhausted = true;
            return Err(Some(format!(
                "`{argument}` is not included: the page's includes would add more than {} MB or {MAX_INCLUDES} files",
                MAX_INCLUDED_BYTES >> 20
            )));
        }
        Ok(())
    }

    fn markdown(&mut self, body: &str) {
        let joined = table_rows::join_broken_rows(body);
        let body: &str = &joined;
        let broken = std::cell::RefCell::new(Vec::new());
        let mut note_broken = |link: pulldown_cmark::BrokenLink<'_>| {
            if matches!(link.link_type, LinkType::Reference | LinkType::Collapsed) {
                broken
                    .borrow_mut()
                    .push((link.span, link.reference.to_string()));
            }
            None
        };
        let mut parser =
            Parser::new_with_broken_link_callback(body, options(), Some(&mut note_broken))
                .into_offset_iter();
        let events = math::gitbook_math(parser.by_ref().collect(), body);
        let events = emphasis::gitbook_strong(events, body);
        let definitions = parser.reference_definitions();
        for (event, range) in events {
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
                        origin: self.origin.clone(),
                    });
                    self.pending.push(PendingLink {
                        link: self.links.len() - 1,
                        event: self.events.len(),
                        range: range.clone(),
                        inner_end: range.start,
                        link_type,
                        reference: id.to_string(),
                    });
                    self.events.push(event.into_static());
                }
                Event::End(TagEnd::Link | TagEnd::Image) => {
                    if let Some(pending) = self.pending.pop() {
                        let span = self.destination_span(body, &pending, definitions);
                        self.links[pending.link].span = span.clone();
                        if matches!(event, Event::End(TagEnd::Image)) {
                            self.check_image_alt(pending.event, span);
                        }
                    }
                    self.touch(range.end);
                    self.events.push(event.into_static());
                }
                Event::Start(Tag::HtmlBlock) => {
                    self.html_block = Some(HtmlBlock::default());
                    self.events.push(event.into_static());
                }
                Event::Html(text) if self.html_block.is_some() => {
                    let start = locate(body, &text, &range);
                    let block = self.html_block.as_mut().expect("inside an HTML block");
                    block.push_piece(&text, body, start);
                }
                Event::End(TagEnd::HtmlBlock) => {
                    let block = self.html_block.take().unwrap_or_default();
                    self.push_html(Event::Html(CowStr::from(block.text.clone())), &block);
                    self.events.push(event.into_static());
                }
                Event::Html(text) | Event::InlineHtml(text) => {
                    self.touch(range.end);
                    let start = locate(body, &text, &range);
                    let mut block = HtmlBlock::default();
                    block.push_piece(&text, body, start);
                    let event = Event::InlineHtml(CowStr::from(text.into_string()));
                    self.push_html(event, &block);
                }
                Event::InlineMath(ref latex) | Event::DisplayMath(ref latex)
                    if math_depth(latex) > MAX_MATH_DEPTH =>
                {
                    self.touch(range.end);
                    let start = self.base + range.start;
                    let diagnostic = self.current_file().diagnostic(
                        Severity::Error,
                        Code::TooDeep,
                        start..start + 1,
                        format!(
                            "maths nested more than {MAX_MATH_DEPTH} deep; it is shown as its source"
                        ),
                    );
                    self.found.push(diagnostic);
                    self.events
                        .push(Event::Code(CowStr::from(latex.to_string())));
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
        let labels: Vec<&str> = definitions.iter().map(|(label, _)| label).collect();
        for (span, label) in broken.take() {
            self.undefined_reference(label_span(body, span), &label, &labels);
        }
    }

    /// `[text][label]` whose label no definition names: readers see the
    /// brackets. Suggests the closest defined label.
    fn undefined_reference(&mut self, span: Range<usize>, label: &str, defined: &[&str]) {
        let range = self.base + span.start..self.base + span.end;
        let closest = defined
            .iter()
            .map(|known| {
                (
                    strsim::jaro_winkler(&label.to_lowercase(), &known.to_lowercase()),
                    *known,
                )
            })
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, known)| known.to_string());
        let mut diagnostic = self
            .current_file()
            .diagnostic(
                Severity::Warning,
                Code::UndefinedReference,
                range,
                format!("`[{label}]` is not defined, so readers see the brackets"),
            )
            .with_target(label.to_string());
        diagnostic = match closest {
            Some(known) => diagnostic
                .with_help(format!("did you mean `[{known}]`?"))
                .with_suggestion(known),
            None => diagnostic.with_help(format!(
                "define it on a line of its own: `[{label}]: https://…`"
            )),
        };
        self.found.push(diagnostic);
    }

    /// Records that an event inside the innermost open link ended here.
    fn touch(&mut self, end: usize) {
        if let Some(pending) = self.pending.last_mut() {
            pending.inner_end = pending.inner_end.max(end.min(pending.range.end));
        }
    }

    /// The file the current fragment comes from.
    fn current_file(&self) -> &SourceFile {
        self.origin.as_deref().unwrap_or(self.page)
    }

    /// A Markdown image whose alt text is empty tells screen-reader users
    /// nothing.
    fn check_image_alt(&mut self, start: usize, span: Range<usize>) {
        // A title becomes the figure caption, and the alt text too.
        let titled = matches!(&self.events[start], Event::Start(Tag::Image { title, .. }) if !title.is_empty());
        if titled || !plain_text(&self.events[start + 1..]).is_empty() {
            return;
        }
        let diagnostic = self
            .current_file()
            .diagnostic(
                Severity::Warning,
                Code::MissingAlt,
                span,
                "image has no alt text".into(),
            )
            .with_help("describe the image: `![what it shows](…)`");
        self.found.push(diagnostic);
    }

    /// `<img>` without `alt`, or with an empty `alt` in a figure whose
    /// caption is empty too. An empty `alt` elsewhere marks a decorative
    /// image, which is correct HTML.
    fn check_html_alt(
        &mut self,
        block: &HtmlBlock,
        attributes: &[html::Attribute<'_>],
        to_file: &dyn Fn(usize) -> usize,
    ) {
        let in_figure = block.text.contains("<figure");
        let caption_empty = block
            .text
            .split("<figcaption>")
            .nth(1)
            .and_then(|rest| rest.split("</figcaption>").next())
            .is_none_or(|caption| html::text_of(caption).is_empty());
        let mut tags: Vec<usize> = attributes
            .iter()
            .filter(|a| a.tag.eq_ignore_ascii_case("img"))
            .map(|a| a.tag_start)
            .collect();
        tags.dedup();
        for tag_start in tags {
            let of_tag = || attributes.iter().filter(move |a| a.tag_start == tag_start);
            let alt = of_tag().find(|a| a.name.eq_ignore_ascii_case("alt"));
            let missing = match alt {
                None => true,
                Some(alt) => alt.value.trim().is_empty() && in_figure && caption_empty,
            };
            if missing {
                let at = of_tag()
                    .find(|a| a.name.eq_ignore_ascii_case("src"))
                    .map_or(tag_start, |src| src.range.start);
                let start = to_file(at);
                let diagnostic = self
                    .current_file()
                    .diagnostic(
                        Severity::Warning,
                        Code::MissingAlt,
                        start..start + 1,
                        "image has no alt text".into(),
                    )
                    .with_help("describe the image in `alt=\"…\"`, or give the figure a caption");
                self.found.push(diagnostic);
            }
        }
    }

    fn push_html(&mut self, event: Event<'static>, block: &HtmlBlock) {
        let index = self.events.len();
        let base = self.base;
        let to_file = |offset: usize| block.to_file(base, offset);
        let attributes = html::attributes(&block.text);
        self.check_html_alt(block, &attributes, &to_file);
        for attribute in attributes {
            let name = attribute.name.to_ascii_lowercase();
            match name.as_str() {
                "href" | "src" | "poster" => {
                    let start = to_file(attribute.range.start);
                    self.links.push(Link {
                        kind: LinkKind::Html,
                        dest: html::decode_entities(attribute.value),
                        span: start..to_file(attribute.range.end),
                        slot: Slot::Html {
                            event: index,
                            range: attribute.range.clone(),
                        },
                        origin: self.origin.clone(),
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
                            span: start..to_file(range.end),
                            slot: Slot::Html {
                                event: index,
                                range,
                            },
                            origin: self.origin.clone(),
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
        body: &str,
        pending: &PendingLink,
        definitions: &pulldown_cmark::RefDefs<'_>,
    ) -> Range<usize> {
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
        self.base + range.start..self.base + range.end
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
        if level == 1
            && start == 0
            && self.title.is_none()
            && self.blocks.is_empty()
            && self.origin.is_none()
        {
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

/// Text damaged by a wrong encoding, one warning per run.
fn mojibake_warnings(source: &SourceFile) -> Vec<Diagnostic> {
    mojibake::find_mojibake(&source.text)
        .into_iter()
        .map(|run| {
            let damaged = &source.text[run.range.clone()];
            source
                .diagnostic(
                    Severity::Warning,
                    Code::Mojibake,
                    run.range.clone(),
                    format!("`{damaged}` is UTF-8 text read as Windows-1252"),
                )
                .with_help(format!(
                    "it should read `{}`; `folio fix-encoding` repairs the file",
                    run.repaired
                ))
                .with_suggestion(run.repaired)
        })
        .collect()
}

/// The label inside `[text][label]` (the whole link for `[label][]`).
fn label_span(body: &str, link: Range<usize>) -> Range<usize> {
    let written = body.get(link.clone()).unwrap_or("");
    match written.rfind('[') {
        Some(open) if written.ends_with(']') && open + 2 < written.len() => {
            link.start + open + 1..link.end - 1
        }
        _ => link,
    }
}

/// Where the HTML text of an event starts in the fragment.
fn locate(body: &str, text: &str, range: &Range<usize>) -> usize {
    if body[range.start..].starts_with(text) {
        return range.start;
    }
    body[range.clone()]
        .find(text.trim_end())
        .map_or(range.start, |i| range.start + i)
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

/// The destination written at `start` (after optional whitespace), up to
/// `limit` at most.
fn destination_at(body: &str, start: usize, limit: usize) -> Range<usize> {
    let found = markdown_syntax::destination(&body[start..limit]);
    start + found.range.start..start + found.range.end
}

#[cfg(test)]
mod tests;
