//! GitBook's maths: only `$$…$$`.
//!
//! GitBook knows one maths syntax, `$$…$$`, inside a paragraph (inline) or
//! as a paragraph of its own (display). A single `$` is always text
//! (`tasks.$n.$x`, `$HOME`, `$100 and $200`), so pulldown-cmark's own maths
//! (which reads `$…$`) stays off and this pass finds the `$$` pairs in the
//! text CommonMark left. The formula is the source between the markers, as
//! written: Markdown inside it is not read.
//!
//! Owns: turning `$$` pairs of one fragment into maths events. Must never:
//! change anything outside a `$$` pair, or pair markers across blocks or out
//! of a link or emphasis.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag};

use super::emphasis::{is_inline, is_inline_end, is_literal, Spanned};

/// A `$$` written in literal text.
struct Marker {
    /// Byte offset of the first `$` in the fragment.
    at: usize,
    /// Index of the event holding it.
    event: usize,
    /// Inline depth of that event.
    depth: usize,
}

/// Replaces each `$$…$$` pair in the fragment's events with a maths event.
pub(super) fn gitbook_math<'a>(events: Vec<Spanned<'a>>, body: &'a str) -> Vec<Spanned<'a>> {
    if !body.contains("$$") {
        return events;
    }
    let pairs = pairs(&events, body);
    if pairs.is_empty() {
        return events;
    }
    emit(events, &pairs, body)
}

/// The `$$` markers in literal text, in order, and where blocks start or
/// inline containers close (which no pair may cross).
fn pairs(events: &[Spanned<'_>], body: &str) -> Vec<(Marker, Marker)> {
    let mut pairs = Vec::new();
    let mut open: Option<Marker> = None;
    let mut depth = 0usize;
    for (index, (event, range)) in events.iter().enumerate() {
        match event {
            Event::Start(tag) if is_inline(tag) => depth += 1,
            Event::End(tag) if is_inline_end(tag) => {
                depth = depth.saturating_sub(1);
                if open.as_ref().is_some_and(|m| m.depth > depth) {
                    open = None;
                }
            }
            Event::Start(_) | Event::End(_) => open = None,
            _ if is_literal(event, range, body) => {
                for at in markers(&body[range.clone()]) {
                    let marker = Marker {
                        at: range.start + at,
                        event: index,
                        depth,
                    };
                    match open.take() {
                        Some(first) if first.depth == depth => pairs.push((first, marker)),
                        _ => open = Some(marker),
                    }
                }
            }
            _ => {}
        }
    }
    pairs
}

/// Offsets of each `$$` in a text, left to right, not overlapping.
fn markers(text: &str) -> Vec<usize> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("$$") {
        found.push(from + i);
        from += i + 2;
    }
    found
}

fn emit<'a>(
    events: Vec<Spanned<'a>>,
    pairs: &[(Marker, Marker)],
    body: &'a str,
) -> Vec<Spanned<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut pairs = pairs.iter().peekable();
    let mut skipping = false;
    for (index, (event, range)) in events.into_iter().enumerate() {
        let mut from = range.start;
        let mut handled = false;
        while let Some((open, close)) = pairs.peek() {
            if skipping {
                if close.event != index {
                    handled = true;
                    break;
                }
                from = close.at + 2;
                skipping = false;
                pairs.next();
                continue;
            }
            if open.event != index {
                break;
            }
            push_text(&mut out, body, from..open.at);
            let display = is_whole_paragraph(&out, open, close, body);
            let latex = &body[open.at + 2..close.at];
            out.push((math_event(latex, display), open.at..close.at + 2));
            from = close.at + 2;
            if close.event == index {
                pairs.next();
            } else {
                skipping = true;
                handled = true;
                break;
            }
        }
        if handled {
            continue;
        }
        if from != range.start {
            push_text(&mut out, body, from..range.end);
        } else {
            out.push((event, range));
        }
    }
    out
}

fn push_text<'a>(out: &mut Vec<Spanned<'a>>, body: &'a str, range: Range<usize>) {
    if !range.is_empty() {
        out.push((Event::Text(CowStr::Borrowed(&body[range.clone()])), range));
    }
}

fn math_event(latex: &str, display: bool) -> Event<'_> {
    let latex = CowStr::Borrowed(latex.trim());
    if display {
        Event::DisplayMath(latex)
    } else {
        Event::InlineMath(latex)
    }
}

/// Whether the pair is all a paragraph holds: nothing but the paragraph's
/// start before it, and only spaces around the markers in the source line.
fn is_whole_paragraph(out: &[Spanned<'_>], open: &Marker, close: &Marker, body: &str) -> bool {
    let Some((Event::Start(Tag::Paragraph), paragraph)) = out.last() else {
        return false;
    };
    let before = &body[paragraph.start..open.at];
    let after = body.get(close.at + 2..paragraph.end).unwrap_or("");
    before.trim().is_empty() && after.trim().is_empty()
}
