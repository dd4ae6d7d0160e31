//! GitBook blocks → accessible HTML.
//!
//! Each block opens and closes around the HTML of its children (the marks
//! `parse` placed between events). The markup is documented in the theme's
//! stylesheet, which styles every class used here, in light and dark. Nothing
//! is fetched: an embed is a link card (a known provider's is a player that
//! loads on click, from the theme's `embed.html`), an OpenAPI block shows
//! what the local spec says.

use crate::load::PageId;
use crate::parse::{Block, BlockKind};
use crate::resolve::{ApiOperation, ApiSchema, ResolvedLink};

use super::context::EmbedView;
use super::{embeds, escape_html};

/// What a block needs to know about the rest of the site.
pub(super) struct BlockContext<'a> {
    /// What each of the page's links resolved to.
    pub(super) links: &'a [ResolvedLink],
    /// Title and description of a page, for cards.
    pub(super) page_card: &'a dyn Fn(PageId) -> (&'a str, &'a str),
    /// The OpenAPI operation a block's local spec holds, by the block's
    /// link index.
    pub(super) api_operation: &'a dyn Fn(usize) -> Option<&'a ApiOperation>,
    /// An operation's parameters, bodies and responses, through the
    /// theme's `openapi.html`.
    pub(super) api_details: &'a dyn Fn(&ApiOperation) -> String,
    /// The schemas an `openapi-schemas` block's local spec holds, by the
    /// block's link index.
    pub(super) api_schema_list: &'a dyn Fn(usize) -> Option<&'a Vec<ApiSchema>>,
    /// Named schemas through the theme's `openapi-schemas.html`.
    pub(super) api_schemas: &'a dyn Fn(&[ApiSchema]) -> String,
    /// The value of a GitBook expression (`space.vars.x`, `page.vars.y`).
    pub(super) expression: &'a dyn Fn(&str) -> Option<String>,
    /// An `icon="…"` attribute as HTML, or "" (see `render::icons`).
    pub(super) icon: &'a dyn Fn(&str) -> String,
    /// A known provider's click-to-load player, through the theme's
    /// `embed.html` (see `render::embeds`).
    pub(super) embed: &'a dyn Fn(&EmbedView<'_>) -> String,
    /// Put before every id the body defines and every `#id` it links to
    /// ("" on the page itself; the print page keeps pages' ids apart).
    pub(super) id_prefix: &'a str,
}

impl BlockContext<'_> {
    fn link(&self, block: &Block) -> Option<&ResolvedLink> {
        block.link.and_then(|index| self.links.get(index))
    }

    /// The block's link as an `href`: resolved, or as written (external).
    fn href(&self, block: &Block, key: &str) -> String {
        self.link(block)
            .and_then(|link| link.href.clone())
            .unwrap_or_else(|| block.attr(key).unwrap_or("").to_string())
    }
}

/// Whether a block's children are replaced by the block's own rendering.
pub(super) fn hides_children(block: &Block) -> bool {
    block.kind == BlockKind::ContentRef
}

/// The HTML that opens a block.
pub(super) fn open_html(block: &Block, context: &BlockContext<'_>) -> String {
    let attr = |key: &str| escape_html(block.attr(key).unwrap_or(""));
    match block.kind {
        BlockKind::Hint => {
            let style = match block.attr("style").unwrap_or("info") {
                style @ ("info" | "success" | "warning" | "danger") => style,
                _ => "info",
            };
            let label = capitalise(style);
            match block_icon(block, context) {
                // The block's own icon replaces the style's.
                Some(icon) => format!(
                    "<div class=\"hint hint-{style} has-icon\" role=\"note\" aria-label=\"{label}\"><span class=\"hint-mark\">{icon}</span>\n"
                ),
                None => format!("<div class=\"hint hint-{style}\" role=\"note\" aria-label=\"{label}\">\n"),
            }
        }
        BlockKind::Tabs => "<div class=\"tabs\">\n".into(),
        BlockKind::Tab => format!(
            "<section class=\"tab\"><p class=\"tab-title\">{}{}</p>\n",
            block_icon(block, context).unwrap_or_default(),
            attr("title")
        ),
        BlockKind::Code => code_open(block),
        BlockKind::Expandable => format!(
            "<details class=\"expandable\"><summary>{}</summary>\n",
            escape_html(block.attr("title").unwrap_or("Details"))
        ),
        BlockKind::Stepper => "<ol class=\"stepper\">\n".into(),
        BlockKind::Step => "<li class=\"step\">\n".into(),
        BlockKind::Columns => "<div class=\"columns\">\n".into(),
        BlockKind::Column => match block.attr("width").filter(|w| is_css_length(w)) {
            Some(width) => format!("<div class=\"column\" style=\"--w:{width}\">\n"),
            None => "<div class=\"column\">\n".into(),
        },
        BlockKind::Updates => "<div class=\"updates\">\n".into(),
        BlockKind::Update => update_open(block),
        BlockKind::ContentRef | BlockKind::PageRef => page_card(block, context),
        BlockKind::File => file_open(block, context),
        BlockKind::Embed => embed_open(block, context),
        BlockKind::Swagger | BlockKind::Openapi | BlockKind::OpenapiOperation => api_open(block, context),
        BlockKind::OpenapiSchemas => match block.link.and_then(|index| (context.api_schema_list)(index)) {
            Some(schemas) => format!(
                "<div class=\"api-op\">{}\n",
                (context.api_schemas)(schemas)
            ),
            None => format!(
                "<div class=\"api-op\"><p class=\"api-summary\">Schemas {} from the specification “{}”, managed in GitBook</p>\n",
                attr("schemas"),
                attr("spec")
            ),
        },
        BlockKind::SwaggerDescription => "<div class=\"api-desc\">\n".into(),
        BlockKind::SwaggerParameter => {
            let required = if block.attr("required") == Some("true") {
                " <span class=\"api-required\">required</span>"
            } else {
                ""
            };
            format!(
                "<div class=\"api-param\"><code>{}</code> <span class=\"api-in\">{}</span> <span class=\"api-type\">{}</span>{required}\n",
                attr("name"),
                attr("in"),
                attr("type")
            )
        }
        BlockKind::SwaggerResponse => format!(
            "<div class=\"api-response\"><span class=\"api-status\">{}</span> {}\n",
            attr("status"),
            attr("description")
        ),
        BlockKind::If => format!(
            "<div class=\"conditional\" data-if=\"{}\">\n",
            escape_html(block.argument.as_deref().unwrap_or(""))
        ),
        BlockKind::Prompt => format!(
            "<div class=\"prompt\"><p class=\"prompt-desc\">{}{}</p>\n",
            block_icon(block, context).unwrap_or_default(),
            attr("description")
        ),
        // Spliced into the page by `parse`; never a block here.
        BlockKind::Include => String::new(),
    }
}

/// The HTML that closes a block.
pub(super) fn close_html(block: &Block, context: &BlockContext<'_>) -> String {
    match block.kind {
        BlockKind::Tab => "</section>\n".into(),
        BlockKind::Code => {
            let details = if block.attr("expandable") == Some("true") {
                "</details>"
            } else {
                ""
            };
            format!("</figure>{details}\n")
        }
        BlockKind::Expandable => "</details>\n".into(),
        BlockKind::Stepper => "</ol>\n".into(),
        BlockKind::Step => "</li>\n".into(),
        BlockKind::Update => "</article>\n".into(),
        BlockKind::ContentRef | BlockKind::PageRef => String::new(),
        BlockKind::File if block.has_children => "</div></div>\n".into(),
        BlockKind::File => "</div>\n".into(),
        BlockKind::Embed if block.has_children => "</figcaption></figure>\n".into(),
        BlockKind::Embed => "</figure>\n".into(),
        BlockKind::Swagger | BlockKind::Openapi => {
            match context.link(block).and_then(|l| l.href.clone()) {
                Some(href) => format!(
                    "<p class=\"api-spec\"><a href=\"{}\">OpenAPI specification</a></p></div>\n",
                    escape_html(&href)
                ),
                None => "</div>\n".into(),
            }
        }
        BlockKind::Hint
        | BlockKind::Tabs
        | BlockKind::Columns
        | BlockKind::Column
        | BlockKind::Updates
        | BlockKind::OpenapiOperation
        | BlockKind::OpenapiSchemas
        | BlockKind::SwaggerDescription
        | BlockKind::SwaggerParameter
        | BlockKind::SwaggerResponse
        | BlockKind::If
        | BlockKind::Prompt => "</div>\n".into(),
        // Spliced into the page by `parse`; never a block here.
        BlockKind::Include => String::new(),
    }
}

/// Whether code inside this block shows line numbers.
pub(super) fn numbers_lines(block: &Block) -> bool {
    block.kind == BlockKind::Code && block.attr("lineNumbers") == Some("true")
}

fn code_open(block: &Block) -> String {
    let mut html = String::new();
    if block.attr("expandable") == Some("true") {
        html.push_str("<details class=\"code-expand\"><summary>Show code</summary>");
    }
    let wrap = if block.attr("overflow") == Some("wrap") {
        " wrap"
    } else {
        ""
    };
    html.push_str(&format!("<figure class=\"code-block{wrap}\">"));
    if let Some(title) = block.attr("title").filter(|t| !t.is_empty()) {
        html.push_str(&format!(
            "<figcaption class=\"code-title\">{}</figcaption>",
            escape_html(title)
        ));
    }
    html.push('\n');
    html
}

fn update_open(block: &Block) -> String {
    let date = escape_html(block.attr("date").unwrap_or(""));
    let tags: String = block
        .attr("tags")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| format!(" <span class=\"update-tag\">{}</span>", escape_html(t)))
        .collect();
    format!("<article class=\"update\"><p class=\"update-meta\"><time datetime=\"{date}\">{date}</time>{tags}</p>\n")
}

fn page_card(block: &Block, context: &BlockContext<'_>) -> String {
    let key = if block.kind == BlockKind::PageRef {
        "page"
    } else {
        "url"
    };
    let href = escape_html(&context.href(block, key));
    let (title, description) = match context.link(block).and_then(|l| l.page) {
        Some(page) => (context.page_card)(page),
        None => (block.attr(key).unwrap_or(""), ""),
    };
    let description = if description.is_empty() {
        String::new()
    } else {
        format!(
            "<span class=\"card-desc\">{}</span>",
            escape_html(description)
        )
    };
    format!(
        "<div class=\"content-ref\"><a class=\"card page-card\" href=\"{href}\"><span class=\"card-title\">{}</span>{description}</a></div>\n",
        escape_html(title)
    )
}

fn file_open(block: &Block, context: &BlockContext<'_>) -> String {
    let href = escape_html(&context.href(block, "src"));
    let written = block.attr("src").unwrap_or("");
    let (name, size) = match context.link(block).and_then(|l| l.file.clone()) {
        Some((name, size)) => (
            name,
            format!(" <span class=\"file-size\">{}</span>", human_size(size)),
        ),
        None => (
            written.rsplit('/').next().unwrap_or(written).to_string(),
            String::new(),
        ),
    };
    // GitBook writes a short caption as `caption="…"`, a long one as the
    // tag's content; either is shown under the link.
    let attribute = block
        .attr("caption")
        .filter(|c| !c.trim().is_empty())
        .map(|c| format!("<p>{}</p>", escape_html(c)))
        .unwrap_or_default();
    let caption = match (block.has_children, attribute.is_empty()) {
        (true, _) => format!("<div class=\"file-caption\">{attribute}"),
        (false, false) => format!("<div class=\"file-caption\">{attribute}</div>"),
        (false, true) => String::new(),
    };
    format!(
        "<div class=\"file-card\"><a href=\"{href}\" download><span class=\"file-name\">{}</span>{size}</a>{caption}\n",
        escape_html(&name)
    )
}

fn embed_open(block: &Block, context: &BlockContext<'_>) -> String {
    let url = context.href(block, "url");
    if let Some(player) = embeds::player(&url) {
        return (context.embed)(&EmbedView {
            url: &url,
            provider: player.provider.name(),
            provider_id: player.provider.id(),
            kind: player.provider.kind(),
            player_host: player.host(),
            player_url: player.src,
            allow: player.provider.allow(),
            has_caption: block.has_children,
        });
    }
    let host = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or(&url);
    let caption = if block.has_children {
        "<figcaption>"
    } else {
        ""
    };
    format!(
        "<figure class=\"embed\"><a class=\"card embed-card\" href=\"{}\" rel=\"noopener\"><span class=\"card-title\">{}</span><span class=\"card-url\">{}</span></a>{caption}\n",
        escape_html(&url),
        escape_html(host),
        escape_html(&url)
    )
}

fn api_open(block: &Block, context: &BlockContext<'_>) -> String {
    let method = block.attr("method").unwrap_or("").to_ascii_lowercase();
    let known = matches!(method.as_str(), "get" | "post" | "put" | "patch" | "delete");
    let class = if known { method.as_str() } else { "other" };
    // GitBook's exports put zero-width spaces in long paths.
    let path = block.attr("path").unwrap_or("").replace('\u{200b}', "");
    let operation = block.link.and_then(|index| (context.api_operation)(index));
    let summary = operation
        .and_then(|op| op.summary.as_deref().or(op.description.as_deref()))
        .or(block.attr("summary"));
    let summary = match summary {
        Some(text) => format!("<p class=\"api-summary\">{}</p>", escape_html(text)),
        None if block.kind == BlockKind::OpenapiOperation => format!(
            "<p class=\"api-summary\">From the specification “{}”, managed in GitBook</p>",
            escape_html(block.attr("spec").unwrap_or(""))
        ),
        None => String::new(),
    };
    let head = if method.is_empty() && path.is_empty() {
        String::new()
    } else {
        format!(
            "<p class=\"api-head\"><span class=\"method method-{class}\">{}</span> <code class=\"api-path\">{}</code></p>",
            escape_html(&method.to_ascii_uppercase()),
            escape_html(&path)
        )
    };
    let details = operation
        .map(|op| (context.api_details)(op))
        .unwrap_or_default();
    format!("<div class=\"api-op\">{head}{summary}\n{details}")
}

/// The word with its first letter in capitals.
/// The block's `icon` attribute as HTML, when it names an icon.
fn block_icon(block: &Block, context: &BlockContext<'_>) -> Option<String> {
    block
        .attr("icon")
        .map(|name| (context.icon)(name))
        .filter(|html| !html.is_empty())
}

pub(super) fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Only plain lengths reach a `style` attribute.
fn is_css_length(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '%'))
        || value.ends_with("px")
            && value[..value.len() - 2]
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.')
}

/// `12.3 KB`, as file cards show sizes.
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut size = bytes as f64 / 1024.0;
    let mut unit = 0;
    while size >= 1024.0 && unit < UNITS.len() - 1 {
        size /= 1024.0;
        unit += 1;
    }
    format!("{size:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(name: &str, attrs: &[(&str, &str)]) -> Block {
        Block {
            kind: BlockKind::from_name(name).expect("a known block"),
            attrs: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            argument: None,
            link: None,
            has_children: true,
        }
    }

    fn context() -> BlockContext<'static> {
        BlockContext {
            links: &[],
            page_card: &|_| ("", ""),
            api_operation: &|_| None,
            api_details: &|_| String::new(),
            api_schema_list: &|_| None,
            api_schemas: &|_| String::new(),
            expression: &|_| None,
            icon: &|name| format!("<i>{name}</i>"),
            embed: &|view| format!("<figure data-player=\"{}\">", view.player_url),
            id_prefix: "",
        }
    }

    #[test]
    fn hint_styles() {
        let html = open_html(&block("hint", &[("style", "warning")]), &context());
        assert_eq!(
            html,
            "<div class=\"hint hint-warning\" role=\"note\" aria-label=\"Warning\">\n"
        );
        let html = open_html(&block("hint", &[("style", "<script>")]), &context());
        assert!(html.contains("hint-info"));
        let html = open_html(
            &block("hint", &[("style", "danger"), ("icon", "bug")]),
            &context(),
        );
        assert_eq!(
            html,
            "<div class=\"hint hint-danger has-icon\" role=\"note\" aria-label=\"Danger\"><span class=\"hint-mark\"><i>bug</i></span>\n"
        );
        let html = open_html(
            &block("tab", &[("title", "curl"), ("icon", "terminal")]),
            &context(),
        );
        assert!(
            html.contains("<p class=\"tab-title\"><i>terminal</i>curl</p>"),
            "{html}"
        );
    }

    #[test]
    fn column_widths_are_sanitised() {
        assert!(open_html(&block("column", &[("width", "50%")]), &context()).contains("--w:50%"));
        assert!(
            !open_html(&block("column", &[("width", "1;color:red")]), &context()).contains("style")
        );
    }

    #[test]
    fn api_paths_lose_zero_width_spaces() {
        let html = open_html(
            &block(
                "swagger",
                &[("method", "get"), ("path", "/users/\u{200b}{id}")],
            ),
            &context(),
        );
        assert!(html.contains("<span class=\"method method-get\">GET</span> <code class=\"api-path\">/users/{id}</code>"), "{html}");
    }

    #[test]
    fn sizes() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(12_600), "12.3 KB");
        assert_eq!(human_size(3 * 1024 * 1024), "3.0 MB");
    }
}
