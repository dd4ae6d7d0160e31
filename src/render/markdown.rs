//! A parsed page's Markdown events → body HTML.
//!
//! Substitutes each link's resolved `href` (Markdown links, images and raw
//! HTML attributes alike, located by the slots `parse` recorded), adds a
//! self-link to every heading, and replaces fenced code with highlighted HTML.
//! It resolves nothing itself: a link `resolve` left as `None` keeps the
//! destination as written.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};

use super::escape_html;
use super::highlight::Highlighter;
use crate::parse::{ParsedPage, Slot};

/// Renders the body of a page.
pub(super) fn body_html(
    page: &ParsedPage,
    hrefs: &[Option<String>],
    highlighter: &Highlighter,
) -> String {
    let mut by_event: HashMap<usize, &str> = HashMap::new();
    let mut in_html: HashMap<usize, Vec<(Range<usize>, &str)>> = HashMap::new();
    for (link, href) in page.links.iter().zip(hrefs) {
        let Some(href) = href else { continue };
        match &link.slot {
            Slot::Event(index) => {
                by_event.insert(*index, href);
            }
            Slot::Html { event, range } => in_html
                .entry(*event)
                .or_default()
                .push((range.clone(), href)),
            Slot::None => {}
        }
    }
    let mut events: Vec<Event<'_>> = Vec::with_capacity(page.events.len());
    let mut heading_id: Option<&str> = None;
    let mut code: Option<(String, String)> = None;
    for (index, event) in page.events.iter().enumerate() {
        if let Some((_, text)) = &mut code {
            match event {
                Event::Text(t) => text.push_str(t),
                Event::End(TagEnd::CodeBlock) => {
                    let (language, text) = code.take().expect("inside a code block");
                    events.push(Event::Html(
                        highlighter.highlight_code(&language, &text).into(),
                    ));
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((language, String::new()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = by_event
                    .get(&index)
                    .map_or_else(|| dest_url.clone(), |href| CowStr::from(*href));
                events.push(Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url,
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest_url = by_event
                    .get(&index)
                    .map_or_else(|| dest_url.clone(), |href| CowStr::from(*href));
                events.push(Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url,
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::Html(text) | Event::InlineHtml(text) if in_html.contains_key(&index) => {
                let spliced = splice(text, &in_html[&index]);
                events.push(match event {
                    Event::Html(_) => Event::Html(spliced.into()),
                    _ => Event::InlineHtml(spliced.into()),
                });
            }
            Event::Start(Tag::Heading { id, .. }) => {
                heading_id = id.as_deref();
                events.push(event.clone());
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(id) = heading_id.take() {
                    let id = escape_html(id);
                    events.push(Event::InlineHtml(
                        format!(" <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a>").into(),
                    ));
                }
                events.push(event.clone());
            }
            Event::TaskListMarker(done) => {
                // pulldown-cmark's bare checkbox has no accessible name.
                let (checked, label) = if *done {
                    (" checked", "done")
                } else {
                    ("", "not done")
                };
                events.push(Event::InlineHtml(
                    format!("<input type=\"checkbox\" disabled{checked} aria-label=\"{label}\"> ")
                        .into(),
                ));
            }
            event => events.push(event.clone()),
        }
    }
    let mut html = String::with_capacity(page.events.len() * 16);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// Replaces attribute values (given by their ranges) with escaped URLs.
fn splice(text: &str, replacements: &[(Range<usize>, &str)]) -> String {
    let mut sorted: Vec<_> = replacements.iter().collect();
    sorted.sort_by_key(|(range, _)| range.start);
    let mut out = String::with_capacity(text.len() + 32);
    let mut at = 0;
    for (range, href) in sorted {
        if range.start < at || range.end > text.len() {
            continue;
        }
        out.push_str(&text[at..range.start]);
        out.push_str(&escape_html(href));
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_page;
    use crate::source::SourceFile;
    use std::path::PathBuf;

    fn render(text: &str, hrefs: &[Option<&str>]) -> String {
        let (page, _) = parse_page(&SourceFile::new(PathBuf::from("p.md"), text.to_string()));
        let hrefs: Vec<Option<String>> = hrefs.iter().map(|h| h.map(String::from)).collect();
        assert_eq!(page.links.len(), hrefs.len(), "one href per link");
        body_html(&page, &hrefs, &Highlighter::default())
    }

    #[test]
    fn links_and_html_attributes_get_resolved_hrefs() {
        let html = render(
            "[a](a.md#x) ![i](<i m.png>)\n\n<figure><img src=\"i m.png\" alt=\"\"></figure>\n",
            &[Some("../a/#x"), Some("i%20m.png"), Some("i%20m.png")],
        );
        assert!(html.contains("<a href=\"../a/#x\">a</a>"), "{html}");
        assert!(html.contains("<img src=\"i%20m.png\" alt=\"i\""), "{html}");
        assert!(
            html.contains("<figure><img src=\"i%20m.png\" alt=\"\"></figure>"),
            "{html}"
        );
    }

    #[test]
    fn unresolved_links_stay_as_written() {
        let html = render("[x](https://e.org/a?b=1&c=2)\n", &[None]);
        assert!(
            html.contains("href=\"https://e.org/a?b=1&amp;c=2\""),
            "{html}"
        );
    }

    #[test]
    fn headings_get_ids_and_self_links() {
        let html = render(
            "# Title\n\n## Search & Filter <a href=\"#sf\" id=\"sf\"></a>\n",
            &[],
        );
        assert_eq!(
            html,
            "<h2 id=\"sf\">Search &amp; Filter <a class=\"anchor\" href=\"#sf\" aria-label=\"Link to this section\">#</a></h2>\n"
        );
    }

    #[test]
    fn fenced_code_is_highlighted() {
        let html = render("```rust\nlet x = 1;\n```\n\n    plain <code>\n", &[]);
        assert!(
            html.contains("<pre class=\"code\" tabindex=\"0\"><code class=\"language-rust\"><span class=\"hl-"),
            "{html}"
        );
        assert!(
            html.contains(
                "<pre class=\"code\" tabindex=\"0\"><code>plain &lt;code&gt;\n</code></pre>"
            ),
            "{html}"
        );
    }
}
