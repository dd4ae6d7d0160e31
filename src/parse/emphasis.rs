//! GitBook's bold runs that CommonMark rejects.
//!
//! GitBook's exporter writes `**` around a bold run without CommonMark's
//! flanking rules in mind, and GitBook shows such runs bold. pulldown-cmark
//! leaves them as literal `*` text. This pass reads the literal `**` that is
//! left, after CommonMark has done its work, and pairs it the way GitBook
//! does. The rules (one test each in `parse/tests.rs`):
//!
//! 1. Only `*` that CommonMark left as text counts: emphasis CommonMark
//!    accepted is never changed, and an escaped `\*` stays a literal star.
//! 2. A run of exactly two stars is a bold marker; markers pair left to right
//!    within one inline container (a paragraph, heading, table cell, or the
//!    text of one link or emphasis), so `management**.** Some` and
//!    `includes**:**` are bold punctuation and `**Note: ** This` is bold
//!    `Note: `. Nothing pairs across a block or out of a link.
//! 3. A run of exactly four stars is an empty bold run and shows as nothing
//!    (`****UUID`).
//! 4. A marker left without a partner stays literal `**`; runs of one, three,
//!    or five and more stars stay literal (`*****4725`).
//!
//! Owns: rewriting the event list of one Markdown fragment. Must never: look
//! at anything but the fragment's events and text, or change events other
//! than literal star text.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// An event with its byte range in the fragment.
pub(super) type Spanned<'a> = (Event<'a>, Range<usize>);

/// One piece of an inline container after literal text is split at star runs.
enum Piece<'a> {
    /// An event passed through unchanged.
    Event(Spanned<'a>),
    /// Literal text (not stars).
    Text(Range<usize>),
    /// A `**` marker, paired or not.
    Marker { range: Range<usize>, depth: usize },
}

/// Rewrites literal `**` left by CommonMark into GitBook's bold runs.
pub(super) fn gitbook_strong<'a>(events: Vec<Spanned<'a>>, body: &'a str) -> Vec<Spanned<'a>> {
    if !body.contains("**") {
        return events;
    }
    let pieces = split(events, body);
    let pairs = pair(&pieces);
    emit(pieces, &pairs, body)
}

/// Whether a text event is the source text itself (no escape, entity or
/// replaced character), so its stars were written as stars.
pub(super) fn is_literal(event: &Event<'_>, range: &Range<usize>, body: &str) -> bool {
    // An escaped character's event covers the character, not its backslash.
    let backslashes = body[..range.start]
        .bytes()
        .rev()
        .take_while(|&b| b == b'\\')
        .count();
    backslashes % 2 == 0
        && matches!(event, Event::Text(text) if body.get(range.clone()) == Some(&**text))
}

/// Merges adjacent literal text and cuts it at each run of stars.
fn split<'a>(events: Vec<Spanned<'a>>, body: &'a str) -> Vec<Piece<'a>> {
    let mut pieces = Vec::with_capacity(events.len());
    let mut depth = 0usize;
    let mut literal: Option<Range<usize>> = None;
    for (event, range) in events {
        if is_literal(&event, &range, body) {
            literal = match literal {
                Some(run) if run.end == range.start => Some(run.start..range.end),
                Some(run) => {
                    cut(run, body, depth, &mut pieces);
                    Some(range)
                }
                None => Some(range),
            };
            continue;
        }
        if let Some(run) = literal.take() {
            cut(run, body, depth, &mut pieces);
        }
        match &event {
            Event::Start(tag) if is_inline(tag) => depth += 1,
            Event::End(tag) if is_inline_end(tag) => depth = depth.saturating_sub(1),
            _ => {}
        }
        pieces.push(Piece::Event((event, range)));
    }
    if let Some(run) = literal {
        cut(run, body, depth, &mut pieces);
    }
    pieces
}

/// Cuts one run of literal text into text and `**` / `****` markers.
fn cut(run: Range<usize>, body: &str, depth: usize, pieces: &mut Vec<Piece<'_>>) {
    let text = &body[run.clone()];
    let bytes = text.as_bytes();
    let mut plain_from = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'*' {
            i += 1;
            continue;
        }
        let stars = bytes[i..].iter().take_while(|&&b| b == b'*').count();
        if stars == 2 || stars == 4 {
            if plain_from < i {
                pieces.push(Piece::Text(run.start + plain_from..run.start + i));
            }
            let at = run.start + i;
            if stars == 2 {
                pieces.push(Piece::Marker {
                    range: at..at + 2,
                    depth,
                });
            }
            plain_from = i + stars;
        }
        i += stars;
    }
    if plain_from < bytes.len() {
        pieces.push(Piece::Text(run.start + plain_from..run.end));
    }
}

/// Pairs markers left to right at the same depth of one inline container;
/// returns, for each piece, whether it opens (`Some(true)`) or closes
/// (`Some(false)`) a bold run.
fn pair(pieces: &[Piece<'_>]) -> Vec<Option<bool>> {
    let mut roles = vec![None; pieces.len()];
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut depth = 0usize;
    for (index, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Marker {
                depth: at_depth, ..
            } => match open.last() {
                Some(&(at, d)) if d == *at_depth => {
                    open.pop();
                    roles[at] = Some(true);
                    roles[index] = Some(false);
                }
                _ => open.push((index, *at_depth)),
            },
            Piece::Event((Event::Start(tag), _)) if is_inline(tag) => depth += 1,
            Piece::Event((Event::End(tag), _)) if is_inline_end(tag) => {
                depth = depth.saturating_sub(1);
                open.retain(|&(_, d)| d <= depth);
            }
            Piece::Event((Event::Start(_) | Event::End(_), _)) => open.clear(),
            _ => {}
        }
    }
    roles
}

fn emit<'a>(pieces: Vec<Piece<'a>>, roles: &[Option<bool>], body: &'a str) -> Vec<Spanned<'a>> {
    pieces
        .into_iter()
        .zip(roles)
        .map(|(piece, role)| match (piece, role) {
            (Piece::Event(spanned), _) => spanned,
            (Piece::Text(range), _) => (Event::Text(CowStr::Borrowed(&body[range.clone()])), range),
            (Piece::Marker { range, .. }, Some(true)) => (Event::Start(Tag::Strong), range),
            (Piece::Marker { range, .. }, Some(false)) => (Event::End(TagEnd::Strong), range),
            (Piece::Marker { range, .. }, None) => {
                (Event::Text(CowStr::Borrowed(&body[range.clone()])), range)
            }
        })
        .collect()
}

/// Tags that sit inside a paragraph's text.
pub(super) fn is_inline(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

pub(super) fn is_inline_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}
