//! The print page: the whole book in reading order at `print/`, for
//! printing or saving as one PDF.
//!
//! Each page's body is rendered for it (`BodyFor::Print` in `render`) from
//! the resolver's links ([`links`]): a link to another page of the book
//! goes to that page's section (`#p3`, or `#p3--setup` for a heading in
//! it), other links are relative to `print/`, and every id a page defines
//! is prefixed with its section's (`p3--`), so ids are unique across the
//! book. It never re-parses HTML.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use super::{OutputFile, TemplateError};
use crate::load::PageId;
use crate::parse::ParsedPage;
use crate::paths;
use crate::resolve::{ResolvedLink, Site};

/// Where the print page is published.
pub(super) const PRINT_URL: &str = "print/";

/// The prefix of the ids page `id` defines on the print page.
pub(super) fn id_prefix(id: PageId) -> String {
    format!("p{id}--")
}

/// Page `id`'s links as the print page writes them: to sections of the
/// print page for pages it holds, relative to `print/` otherwise.
pub(super) fn links(site: &Site, parsed: &[ParsedPage], id: PageId) -> Vec<ResolvedLink> {
    site.links[id]
        .iter()
        .map(|link| {
            let href = match (&link.href, link.page, &link.file_path) {
                // A heading in a section the print page holds.
                (Some(_), Some(to), _)
                    if link.fragment.is_some() && !parsed[to].front_matter.hidden =>
                {
                    let fragment = link.fragment.as_deref().unwrap_or_default();
                    Some(format!(
                        "#{}{}",
                        id_prefix(to),
                        paths::encode_fragment(fragment)
                    ))
                }
                (Some(_), Some(to), _) => Some(with_fragment(
                    page_href(site, parsed, to),
                    link.fragment.as_deref(),
                )),
                (Some(_), None, Some(path)) => site.files.get(path).map(|url| {
                    with_fragment(paths::href(PRINT_URL, url), link.fragment.as_deref())
                }),
                (href, _, _) => href.clone(),
            };
            ResolvedLink {
                href,
                ..link.clone()
            }
        })
        .collect()
}

/// Where the print page links page `to`: its section, or the page itself
/// when the print page leaves it out.
pub(super) fn page_href(site: &Site, parsed: &[ParsedPage], to: PageId) -> String {
    if parsed[to].front_matter.hidden {
        paths::href(PRINT_URL, &site.page_urls[to])
    } else {
        format!("#p{to}")
    }
}

fn with_fragment(mut href: String, fragment: Option<&str>) -> String {
    if let Some(fragment) = fragment {
        href.push('#');
        href.push_str(&paths::encode_fragment(fragment));
    }
    href
}

/// What `print.html` sees of one page: its body is a placeholder that
/// [`PrintFrame`] replaces as the body is written.
#[derive(Serialize)]
struct PrintPage<'a> {
    anchor: String,
    title: &'a str,
    description: &'a str,
    content: String,
}

/// Marks where page `id`'s body goes in the rendered print page. `nonce`
/// is random per build, so no title or description can forge one.
fn placeholder(nonce: u64, id: PageId) -> String {
    format!("\u{1}folio-print-{nonce:016x}-{id}\u{1}")
}

/// The print page rendered with a placeholder for each page's body: its
/// text cut at the placeholders, so the bodies can be written in between
/// as they are rendered, without holding the whole book in one string.
pub(super) struct PrintFrame {
    /// Text, then the page whose body follows it, in document order. The
    /// last piece has no page.
    pieces: Vec<(String, Option<PageId>)>,
}

impl PrintFrame {
    /// Pages whose bodies the frame shows, each as many times as it does
    /// (once with the bundled theme), in the order they appear.
    fn uses(&self) -> impl Iterator<Item = PageId> + '_ {
        self.pieces.iter().filter_map(|(_, id)| *id)
    }

    /// Cuts `html` at the placeholders of `pages`.
    fn cut(html: &str, nonce: u64, pages: usize) -> PrintFrame {
        let start = format!("\u{1}folio-print-{nonce:016x}-");
        let start = start.as_str();
        let mut pieces = Vec::new();
        let mut rest = html;
        while let Some(at) = rest.find(start) {
            let after = &rest[at + start.len()..];
            let id = after
                .find('\u{1}')
                .and_then(|end| Some((after[..end].parse::<PageId>().ok()?, end)))
                .filter(|(id, _)| *id < pages);
            let Some((id, end)) = id else {
                // Not one of ours: keep the text as it is.
                pieces.push((rest[..at + start.len()].to_string(), None));
                rest = after;
                continue;
            };
            pieces.push((rest[..at].to_string(), Some(id)));
            rest = &after[end + 1..];
        }
        pieces.push((rest.to_string(), None));
        // Join the text pieces that carry no page.
        let mut joined: Vec<(String, Option<PageId>)> = Vec::new();
        for (text, id) in pieces {
            match joined.last_mut() {
                Some(last) if last.1.is_none() => {
                    last.0.push_str(&text);
                    last.1 = id;
                }
                _ => joined.push((text, id)),
            }
        }
        PrintFrame { pieces: joined }
    }
}

/// Renders the frame of `print/index.html` with the theme's `print.html`.
pub(super) fn print_frame(
    inputs: &super::RenderInputs<'_>,
    titles: &[String],
    asset_paths: &BTreeMap<&str, &str>,
) -> Result<PrintFrame, TemplateError> {
    let super::RenderInputs {
        book,
        site,
        parsed,
        theme,
        ..
    } = *inputs;
    let nonce = {
        use std::hash::{BuildHasher, Hasher};
        std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish()
    };
    let pages: Vec<PrintPage> = (0..parsed.len())
        .filter(|id| !parsed[*id].front_matter.hidden)
        .map(|id| PrintPage {
            anchor: format!("p{id}"),
            title: &titles[id],
            description: parsed[id].front_matter.description.as_deref().unwrap_or(""),
            content: placeholder(nonce, id),
        })
        .collect();
    #[derive(serde::Serialize)]
    struct PrintContext<'a> {
        #[serde(flatten)]
        base: super::BaseView<'a>,
        pages: Vec<PrintPage<'a>>,
    }
    let view = PrintContext {
        base: super::base_view(book, site, asset_paths, PRINT_URL),
        pages,
    };
    let html = theme.render("print.html", &super::template_context("print.html", &view)?)?;
    Ok(PrintFrame::cut(&html, nonce, parsed.len()))
}

/// Writes the print page as page bodies arrive, in any order: each piece
/// of the frame goes out as soon as the bodies before it are known, and a
/// body is kept only until its last use is written.
pub(super) struct PrintWriter<W, C> {
    frame: PrintFrame,
    /// Index of the next piece to write.
    next: usize,
    /// Bodies received but not yet written (or used again later).
    waiting: BTreeMap<PageId, C>,
    /// How many uses of each page's body are still to be written.
    uses_left: BTreeMap<PageId, usize>,
    out: W,
}

impl<W: std::io::Write, C: AsRef<str>> PrintWriter<W, C> {
    pub(super) fn new(frame: PrintFrame, out: W) -> Self {
        let mut uses_left = BTreeMap::new();
        for id in frame.uses() {
            *uses_left.entry(id).or_insert(0) += 1;
        }
        PrintWriter {
            frame,
            next: 0,
            waiting: BTreeMap::new(),
            uses_left,
            out,
        }
    }

    /// Page `id`'s body for the print page.
    pub(super) fn body(&mut self, id: PageId, content: C) -> std::io::Result<()> {
        if self.uses_left.contains_key(&id) {
            self.waiting.insert(id, content);
        }
        self.write_ready()
    }

    /// Writes the pieces whose bodies are all known.
    fn write_ready(&mut self) -> std::io::Result<()> {
        while let Some((text, id)) = self.frame.pieces.get(self.next) {
            let Some(id) = id else {
                // The last piece: written by `finish`.
                return Ok(());
            };
            let Some(content) = self.waiting.get(id) else {
                return Ok(());
            };
            self.out.write_all(text.as_bytes())?;
            self.out.write_all(content.as_ref().as_bytes())?;
            let left = self.uses_left.get_mut(id).expect("counted in new");
            *left -= 1;
            if *left == 0 {
                self.waiting.remove(id);
            }
            self.next += 1;
        }
        Ok(())
    }

    /// Writes the rest (a body never given shows as empty) and returns the
    /// writer.
    pub(super) fn finish(mut self) -> std::io::Result<W> {
        for (text, id) in &self.frame.pieces[self.next..] {
            self.out.write_all(text.as_bytes())?;
            if let Some(content) = id.and_then(|id| self.waiting.get(&id)) {
                self.out.write_all(content.as_ref().as_bytes())?;
            }
        }
        Ok(self.out)
    }
}

/// Renders `print/index.html` in memory with the theme's `print.html`;
/// `contents` are the pages' bodies rendered for it. `None` when `stop`
/// was set first.
pub(super) fn print_page(
    inputs: &super::RenderInputs<'_>,
    titles: &[String],
    contents: &[String],
    asset_paths: &BTreeMap<&str, &str>,
    stop: &AtomicBool,
) -> Result<Option<OutputFile>, TemplateError> {
    let frame = print_frame(inputs, titles, asset_paths)?;
    let mut writer = PrintWriter::new(frame, Vec::new());
    for (id, content) in contents.iter().enumerate() {
        if stop.load(Ordering::Relaxed) {
            return Ok(None);
        }
        writer
            .body(id, content.as_str())
            .expect("writing to memory cannot fail");
    }
    let contents = writer.finish().expect("writing to memory cannot fail");
    Ok(Some(OutputFile {
        path: format!("{PRINT_URL}index.html"),
        contents,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(pages: &[PageId]) -> String {
        let mut html = String::from("<head>");
        for &id in pages {
            html.push_str(&format!("<h2>{id}</h2>{}", placeholder(7, id)));
        }
        html.push_str("</body>");
        html
    }

    fn write(html: &str, bodies: &[(PageId, &str)]) -> String {
        let mut writer = PrintWriter::new(PrintFrame::cut(html, 7, 10), Vec::new());
        for (id, body) in bodies {
            writer.body(*id, *body).unwrap();
        }
        String::from_utf8(writer.finish().unwrap()).unwrap()
    }

    #[test]
    fn bodies_arriving_in_any_order_are_written_where_the_frame_puts_them() {
        let html = frame(&[0, 2, 5]);
        let expected = "<head><h2>0</h2>A<h2>2</h2>C<h2>5</h2>F</body>";
        assert_eq!(write(&html, &[(0, "A"), (2, "C"), (5, "F")]), expected);
        assert_eq!(
            write(&html, &[(5, "F"), (1, "unused"), (2, "C"), (0, "A")]),
            expected
        );
    }

    #[test]
    fn a_body_shown_twice_is_written_twice_and_a_missing_one_is_empty() {
        let html = format!(
            "{}|{}|{}",
            placeholder(7, 1),
            placeholder(7, 3),
            placeholder(7, 1)
        );
        assert_eq!(write(&html, &[(1, "one")]), "one||one");
    }

    #[test]
    fn a_placeholder_of_another_build_or_page_count_is_text() {
        let forged = format!("{}{}", placeholder(8, 0), placeholder(7, 99));
        let html = format!("<p>{forged}</p>{}", placeholder(7, 0));
        assert_eq!(write(&html, &[(0, "A")]), format!("<p>{forged}</p>A"));
    }
}
