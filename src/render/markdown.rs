//! A parsed page's Markdown events (and block marks) → body HTML.
//!
//! Substitutes each link's resolved `href` (Markdown links, images and raw
//! HTML attributes alike, located by the slots `parse` recorded), opens and
//! closes GitBook blocks where `parse` marked them, adds a self-link to every
//! heading, highlights fenced code, turns `$$…$$` math into MathML and
//! `:shortcodes:` into emoji, and tidies GitBook's raw HTML (`html_fixes`).
//! It resolves nothing itself: a link `resolve` left without an `href` keeps
//! the destination as written.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};

use super::blocks::{self, BlockContext};
use super::escape_html;
use super::highlight::Highlighter;
use super::html_fixes;
use crate::parse::{Block, MarkKind, ParsedPage, Slot};
use crate::resolve::ResolvedLink;

/// Renders the body of a page.
pub(super) fn body_html(
    page: &ParsedPage,
    context: &BlockContext<'_>,
    highlighter: &Highlighter,
) -> String {
    let mut renderer = BodyRenderer::new(page, context, highlighter);
    let mut marks = page.blocks.iter().peekable();
    for (index, event) in page.events.iter().enumerate() {
        while let Some(mark) = marks.next_if(|mark| mark.at == index) {
            renderer.mark(&mark.kind);
        }
        renderer.event(index, event);
    }
    for mark in marks {
        renderer.mark(&mark.kind);
    }
    let mut html = String::with_capacity(page.events.len() * 16);
    pulldown_cmark::html::push_html(&mut html, renderer.out.into_iter());
    html
}

struct BodyRenderer<'p, 'c> {
    context: &'p BlockContext<'c>,
    highlighter: &'p Highlighter,
    events: &'p [Event<'p>],
    by_event: HashMap<usize, &'p ResolvedLink>,
    in_html: HashMap<usize, Vec<(Range<usize>, &'p ResolvedLink)>>,
    /// Inside a page mention: its text is replaced by the target's title.
    skipping_mention: bool,
    /// An image paragraph rendered as a figure: the caption and the index
    /// of the paragraph's end.
    figure: Option<(String, usize)>,
    /// Inside `<code class="expression">`.
    in_expression: bool,
    out: Vec<Event<'p>>,
    open_blocks: Vec<&'p Block>,
    heading_id: Option<String>,
    /// The fence's info string and the code gathered so far.
    code: Option<(String, String)>,
    /// An image being read: its alt text is gathered from the events
    /// inside it, then the whole `<img>` is written at its end.
    image: Option<PendingImage>,
    /// Images written so far: the first loads at once, later ones lazily.
    images_seen: usize,
}

/// A Markdown image between its start and end events.
struct PendingImage {
    src: String,
    title: String,
    size: Option<(u32, u32)>,
    alt: String,
}

impl<'p, 'c> BodyRenderer<'p, 'c> {
    fn new(
        page: &'p ParsedPage,
        context: &'p BlockContext<'c>,
        highlighter: &'p Highlighter,
    ) -> Self {
        let mut by_event = HashMap::new();
        let mut in_html: HashMap<usize, Vec<(Range<usize>, &ResolvedLink)>> = HashMap::new();
        for (link, resolved) in page.links.iter().zip(context.links) {
            if resolved.href.is_none() {
                continue;
            }
            match &link.slot {
                Slot::Event(index) => {
                    by_event.insert(*index, resolved);
                }
                Slot::Html { event, range } => in_html
                    .entry(*event)
                    .or_default()
                    .push((range.clone(), resolved)),
                Slot::None => {}
            }
        }
        BodyRenderer {
            context,
            highlighter,
            events: &page.events,
            by_event,
            in_html,
            skipping_mention: false,
            figure: None,
            in_expression: false,
            out: Vec::with_capacity(page.events.len()),
            open_blocks: Vec::new(),
            heading_id: None,
            code: None,
            image: None,
            images_seen: 0,
        }
    }

    fn html(&mut self, html: String) {
        if !html.is_empty() {
            self.out.push(Event::Html(html.into()));
        }
    }

    fn mark(&mut self, kind: &'p MarkKind) {
        match kind {
            MarkKind::Open(block) => {
                if !self.hidden() {
                    self.html(blocks::open_html(block, self.context));
                }
                self.open_blocks.push(block);
            }
            MarkKind::Close => {
                if let Some(block) = self.open_blocks.pop() {
                    if !self.hidden() {
                        self.html(blocks::close_html(block, self.context));
                    }
                }
            }
        }
    }

    /// Inside a block whose children it renders itself (a page card).
    fn hidden(&self) -> bool {
        self.open_blocks
            .iter()
            .any(|block| blocks::hides_children(block))
    }

    fn event(&mut self, index: usize, event: &'p Event<'p>) {
        if self.hidden() {
            return;
        }
        if let Some(image) = &mut self.image {
            match event {
                Event::End(TagEnd::Image) => self.finish_image(),
                Event::Text(text) | Event::Code(text) => image.alt.push_str(text),
                Event::SoftBreak | Event::HardBreak => image.alt.push(' '),
                _ => {}
            }
            return;
        }
        if self.skipping_mention {
            match event {
                Event::End(TagEnd::Link) => {
                    self.skipping_mention = false;
                    self.out.push(event.clone());
                }
                Event::InlineHtml(html) if html.trim() == "</a>" => {
                    self.skipping_mention = false;
                    self.out.push(event.clone());
                }
                _ => {}
            }
            return;
        }
        if let Some((_, text)) = &mut self.code {
            match event {
                Event::Text(t) => text.push_str(t),
                Event::End(TagEnd::CodeBlock) => {
                    let (info, text) = self.code.take().expect("inside a code block");
                    let numbered = self
                        .open_blocks
                        .last()
                        .is_some_and(|block| blocks::numbers_lines(block));
                    let html = self.code_html(&info, &text, numbered);
                    self.html(html);
                }
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((info, String::new()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let resolved = self.by_event.get(&index).copied();
                let dest_url = self.href_for(index, dest_url);
                // `[text](page.md "mention")`: GitBook shows the target's
                // title, and "mention" is not a tooltip.
                let mention = (title.as_ref() == "mention")
                    .then(|| resolved.and_then(|r| r.page))
                    .flatten();
                let title = if mention.is_some() {
                    CowStr::Borrowed("")
                } else {
                    title.clone()
                };
                self.out.push(Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url,
                    title,
                    id: id.clone(),
                }));
                if let Some(page) = mention {
                    let (target_title, _) = (self.context.page_card)(page);
                    self.out.push(Event::Text(target_title.to_string().into()));
                    self.skipping_mention = true;
                }
            }
            Event::Start(Tag::Paragraph) if self.image_paragraph(index).is_some() => {
                let (caption, end) = self.image_paragraph(index).expect("checked");
                self.figure = Some((caption, end));
                self.html("<figure class=\"image\">".into());
            }
            Event::End(TagEnd::Paragraph)
                if self.figure.as_ref().is_some_and(|(_, end)| *end == index) =>
            {
                self.figure = None;
                self.html("</figure>\n".into());
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                self.image = Some(PendingImage {
                    src: self.href_for(index, dest_url).to_string(),
                    title: title.to_string(),
                    size: self.by_event.get(&index).and_then(|link| link.image_size),
                    alt: String::new(),
                });
            }
            Event::Html(text) | Event::InlineHtml(text) => {
                let spliced = match self.in_html.get(&index) {
                    Some(replacements) => splice(text, replacements),
                    None => text.to_string(),
                };
                let sizes: Vec<(String, (u32, u32))> = self
                    .in_html
                    .get(&index)
                    .into_iter()
                    .flatten()
                    .filter_map(|(_, link)| Some((link.href.clone()?, link.image_size?)))
                    .collect();
                let images = html_fixes::HtmlOptions {
                    sizes: &sizes,
                    eager: self.images_seen == 0,
                    id_prefix: self.context.id_prefix,
                };
                self.images_seen += text.matches("<img").count();
                let fixed = html_fixes::fix(&spliced, self.context.icon, &images).into_owned();
                self.out.push(match event {
                    Event::Html(_) => Event::Html(fixed.into()),
                    _ => Event::InlineHtml(fixed.into()),
                });
                if matches!(event, Event::InlineHtml(_)) {
                    self.after_inline_html(index, text);
                }
            }
            Event::Text(text) if self.in_expression => {
                self.in_expression = false;
                let value =
                    (self.context.expression)(text.trim()).unwrap_or_else(|| text.to_string());
                self.out.push(Event::Text(value.into()));
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let prefixed = id
                    .as_deref()
                    .map(|id| format!("{}{id}", self.context.id_prefix));
                self.out.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: prefixed.clone().map(CowStr::from),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
                self.heading_id = prefixed;
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(id) = self.heading_id.take() {
                    let id = escape_html(&id);
                    self.out.push(Event::InlineHtml(
                        format!(" <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a>").into(),
                    ));
                }
                self.out.push(event.clone());
            }
            Event::TaskListMarker(done) => {
                // pulldown-cmark's bare checkbox has no accessible name.
                let (checked, label) = if *done {
                    (" checked", "done")
                } else {
                    ("", "not done")
                };
                self.out.push(Event::InlineHtml(
                    format!("<input type=\"checkbox\" disabled{checked} aria-label=\"{label}\"> ")
                        .into(),
                ));
            }
            Event::InlineMath(latex) => self
                .out
                .push(Event::InlineHtml(math_html(latex, false).into())),
            Event::DisplayMath(latex) => self
                .out
                .push(Event::InlineHtml(math_html(latex, true).into())),
            Event::Text(text) if text.contains(':') => {
                let replaced = replace_shortcodes(text);
                self.out.push(Event::Text(replaced.into()));
            }
            event => self.out.push(event.clone()),
        }
    }

    /// Writes the image read since its start: `width`/`height` from the
    /// file (no layout jump), lazy loading after the page's first image,
    /// and in a figure its caption (also the alt text when it has none).
    fn finish_image(&mut self) {
        let Some(image) = self.image.take() else {
            return;
        };
        let caption = self.figure.as_ref().map(|(caption, _)| caption.clone());
        let alt = match (&caption, image.alt.is_empty()) {
            (Some(caption), true) => caption.clone(),
            _ => image.alt,
        };
        let mut tag = String::from("<img src=\"");
        let _ = pulldown_cmark_escape::escape_href(&mut tag, &image.src);
        tag.push_str("\" alt=\"");
        tag.push_str(&escape_html(&alt));
        tag.push('"');
        if !image.title.is_empty() {
            tag.push_str(&format!(" title=\"{}\"", escape_html(&image.title)));
        }
        if let Some((width, height)) = image.size {
            tag.push_str(&format!(" width=\"{width}\" height=\"{height}\""));
        }
        if self.images_seen > 0 {
            tag.push_str(" loading=\"lazy\"");
        }
        tag.push_str(" decoding=\"async\" />");
        self.images_seen += 1;
        self.out.push(Event::InlineHtml(tag.into()));
        if let Some(caption) = caption {
            self.html(format!(
                "<figcaption>{}</figcaption>",
                escape_html(&caption)
            ));
        }
    }

    fn href_for(&self, index: usize, written: &CowStr<'p>) -> CowStr<'p> {
        match self.by_event.get(&index).and_then(|r| r.href.as_deref()) {
            Some(href) => CowStr::Borrowed(href),
            None => written.clone(),
        }
    }

    /// `<a href="page.md" data-mention>` shows the target's title, and
    /// `<code class="expression">` the expression's value.
    fn after_inline_html(&mut self, index: usize, text: &str) {
        let trimmed = text.trim();
        if trimmed.starts_with("<code") && trimmed.contains("class=\"expression\"") {
            self.in_expression = true;
            return;
        }
        if !(trimmed.starts_with("<a ") && trimmed.contains("data-mention")) {
            return;
        }
        let page = self
            .in_html
            .get(&index)
            .and_then(|links| links.iter().find_map(|(_, resolved)| resolved.page));
        if let Some(page) = page {
            let (title, _) = (self.context.page_card)(page);
            self.out.push(Event::Text(title.to_string().into()));
            self.skipping_mention = true;
        }
    }

    /// A paragraph holding only an image with a title: GitBook shows it as
    /// a figure with the title as caption. Returns the caption and the
    /// index of the paragraph's end.
    fn image_paragraph(&self, start: usize) -> Option<(String, usize)> {
        let Some(Event::Start(Tag::Image { title, .. })) = self.events.get(start + 1) else {
            return None;
        };
        if title.is_empty() {
            return None;
        }
        let image_end = start
            + 1
            + self.events[start + 1..]
                .iter()
                .position(|e| matches!(e, Event::End(TagEnd::Image)))?;
        matches!(
            self.events.get(image_end + 1),
            Some(Event::End(TagEnd::Paragraph))
        )
        .then(|| (title.to_string(), image_end + 1))
    }

    fn code_html(&self, info: &str, text: &str, numbered: bool) -> String {
        let language = info.split_whitespace().next().unwrap_or("");
        if language == "mermaid" {
            // Drawn in the browser when a renderer is available; readable
            // source otherwise.
            return format!("<pre class=\"mermaid\">{}</pre>\n", escape_html(text));
        }
        self.highlighter.highlight_code(language, text, numbered)
    }
}

/// LaTeX → MathML at build time, so no script is needed to read it. A
/// formula the parser rejects is shown as its source.
fn math_html(latex: &str, display: bool) -> String {
    use pulldown_latex::config::DisplayMode;
    let storage = pulldown_latex::Storage::new();
    let parser = pulldown_latex::Parser::new(latex, &storage);
    let config = pulldown_latex::RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        annotation: Some(latex),
        ..Default::default()
    };
    let mut html = String::new();
    match pulldown_latex::push_mathml(&mut html, parser, config) {
        // A wide formula scrolls; keyboard users need to reach it.
        Ok(()) if display => html.replacen("<math ", "<math tabindex=\"0\" ", 1),
        Ok(()) => html,
        Err(_) => format!("<code class=\"math\">{}</code>", escape_html(latex)),
    }
}

/// `:rocket:` → 🚀 for every shortcode the emoji table knows; anything else
/// (times like 10:30, unknown names) is left alone.
fn replace_shortcodes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(':') {
        let after = &rest[start + 1..];
        let end =
            after.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-')));
        match end {
            Some(end) if end > 0 && after[end..].starts_with(':') => {
                if let Some(emoji) = emojis::get_by_shortcode(&after[..end]) {
                    out.push_str(&rest[..start]);
                    out.push_str(emoji.as_str());
                    rest = &after[end + 1..];
                    continue;
                }
                out.push_str(&rest[..start + 1]);
                rest = after;
            }
            _ => {
                out.push_str(&rest[..start + 1]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Replaces attribute values (given by their ranges) with escaped URLs.
fn splice(text: &str, replacements: &[(Range<usize>, &ResolvedLink)]) -> String {
    let mut sorted: Vec<_> = replacements.iter().collect();
    sorted.sort_by_key(|(range, _)| range.start);
    let mut out = String::with_capacity(text.len() + 32);
    let mut at = 0;
    for (range, resolved) in sorted {
        let Some(href) = &resolved.href else { continue };
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
    use crate::parse::{parse_page, NoIncludes};
    use crate::source::SourceFile;
    use std::path::PathBuf;

    fn render(text: &str, hrefs: &[Option<&str>]) -> String {
        let (page, _) = parse_page(
            &SourceFile::new(PathBuf::from("p.md"), text.to_string()),
            &NoIncludes,
        );
        let resolved: Vec<ResolvedLink> = hrefs
            .iter()
            .map(|h| ResolvedLink {
                href: h.map(String::from),
                ..ResolvedLink::default()
            })
            .collect();
        assert_eq!(page.links.len(), resolved.len(), "one href per link");
        let context = BlockContext {
            links: &resolved,
            page_card: &|_| ("", ""),
            api_operation: &|_| None,
            api_details: &|_| String::new(),
            api_schema_list: &|_| None,
            api_schemas: &|_| String::new(),
            expression: &|name| (name == "space.vars.product").then(|| "Lantern".to_string()),
            icon: &|_| String::new(),
            embed: &|_| String::new(),
            markup: &super::blocks::default_markup,
            id_prefix: "",
        };
        body_html(&page, &context, &Highlighter::default())
    }

    #[test]
    fn links_and_html_attributes_get_resolved_hrefs() {
        let html = render(
            "[a](a.md#x) ![i](<i m.png>)\n\n<figure><img src=\"i m.png\" alt=\"\"></figure>\n",
            &[Some("../a/#x"), Some("i%20m.png"), Some("i%20m.png")],
        );
        assert!(html.contains("<a href=\"../a/#x\">a</a>"), "{html}");
        assert!(
            html.contains("<img src=\"i%20m.png\" alt=\"i\" decoding=\"async\" />"),
            "{html}"
        );
        assert!(
            html.contains("<figure><img src=\"i%20m.png\" alt=\"\" loading=\"lazy\" decoding=\"async\"></figure>"),
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
    fn titled_images_become_figures_and_expressions_are_substituted() {
        let html = render("![Alt](a.png \"The caption\")\n\nVersion <code class=\"expression\">space.vars.product</code>.\n", &[None]);
        assert!(html.contains("<figure class=\"image\"><img src=\"a.png\" alt=\"Alt\" title=\"The caption\" decoding=\"async\" /><figcaption>The caption</figcaption></figure>"), "{html}");
        assert!(
            html.contains("<code class=\"expression\">Lantern</code>"),
            "{html}"
        );
    }

    #[test]
    fn shortcodes_become_emoji_and_times_stay() {
        assert_eq!(
            replace_shortcodes("Go :rocket: at 10:30 :nope: :"),
            "Go 🚀 at 10:30 :nope: :"
        );
    }

    #[test]
    fn math_becomes_mathml() {
        let html = render("Energy $$E = mc^2$$ here.\n\n$$\n\\frac{a}{b}\n$$\n", &[]);
        assert!(html.contains("<math"), "{html}");
        assert!(html.contains("display=\"block\""), "{html}");
    }

    #[test]
    fn blocks_wrap_their_children() {
        let html = render("{% hint style=\"danger\" %}\nCareful **now**.\n{% endhint %}\n\n{% tabs %}\n{% tab title=\"A\" %}\nOne\n{% endtab %}\n{% endtabs %}\n", &[]);
        assert_eq!(
            html,
            "<div class=\"hint hint-danger\" role=\"note\" aria-label=\"Danger\">\n<p>Careful <strong>now</strong>.</p>\n</div>\n<div class=\"tabs\">\n<section class=\"tab\"><p class=\"tab-title\">A</p>\n<p>One</p>\n</section>\n</div>\n"
        );
    }

    #[test]
    fn code_blocks_get_titles_and_line_numbers() {
        let html = render("{% code title=\"main.rs\" lineNumbers=\"true\" %}\n```rust\nfn a() {}\nfn b() {}\n```\n{% endcode %}\n\n```mermaid\ngraph TD; A-->B\n```\n", &[]);
        assert!(html.contains("<figure class=\"code-block\"><figcaption class=\"code-title\">main.rs</figcaption>"), "{html}");
        assert!(html.matches("<span class=\"line\">").count() == 2, "{html}");
        assert!(
            html.contains("<pre class=\"mermaid\">graph TD; A--&gt;B\n</pre>"),
            "{html}"
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
