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

use serde::Serialize;

use super::context::EmbedView;
use super::embeds;

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
    /// A block's opening or closing markup, through the theme's
    /// `blocks.html`.
    pub(super) markup: &'a dyn Fn(&BlockView<'_>) -> String,
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

/// What the theme's `blocks.html` sees of one block, as `block`: which
/// tag, opening or closing, and the values folio works out for that kind
/// (attributes as written, links resolved, sizes, the icon). Strings are
/// empty and flags false where a kind has no such value.
#[derive(Serialize, Default)]
pub(super) struct BlockView<'a> {
    part: &'static str,
    kind: &'static str,
    has_children: bool,
    /// The block's `icon` as HTML.
    icon: String,
    title: String,
    style: &'a str,
    label: String,
    width: &'a str,
    expandable: bool,
    wrap: bool,
    date: &'a str,
    tags: Vec<&'a str>,
    href: String,
    description: String,
    name: String,
    size: String,
    caption: &'a str,
    /// A known provider's player, from `embed.html`.
    player: String,
    method: String,
    method_class: String,
    path: String,
    has_summary: bool,
    summary: String,
    from_spec: bool,
    spec: &'a str,
    /// An operation's details (`openapi.html`) or the named schemas
    /// (`openapi-schemas.html`).
    details: String,
    has_schemas: bool,
    location: &'a str,
    type_name: &'a str,
    required: bool,
    status: &'a str,
    condition: &'a str,
}

/// The HTML that opens a block.
pub(super) fn open_html(block: &Block, context: &BlockContext<'_>) -> String {
    let view = BlockView {
        part: "open",
        ..opening(block, context)
    };
    (context.markup)(&view)
}

/// The HTML that closes a block.
pub(super) fn close_html(block: &Block, context: &BlockContext<'_>) -> String {
    let mut view = BlockView {
        part: "close",
        kind: block.kind.name(),
        has_children: block.has_children,
        ..BlockView::default()
    };
    match block.kind {
        BlockKind::Code => view.expandable = block.attr("expandable") == Some("true"),
        BlockKind::Swagger | BlockKind::Openapi => {
            view.href = context
                .link(block)
                .and_then(|l| l.href.clone())
                .unwrap_or_default();
        }
        _ => {}
    }
    (context.markup)(&view)
}

/// The values an opening tag shows, by kind.
fn opening<'a>(block: &'a Block, context: &BlockContext<'_>) -> BlockView<'a> {
    let attr = |key: &str| block.attr(key).unwrap_or("");
    let base = BlockView {
        kind: block.kind.name(),
        has_children: block.has_children,
        ..BlockView::default()
    };
    match block.kind {
        BlockKind::Hint => {
            let style = match attr("style") {
                style @ ("info" | "success" | "warning" | "danger") => style,
                _ => "info",
            };
            BlockView {
                style,
                label: capitalise(style),
                icon: block_icon(block, context).unwrap_or_default(),
                ..base
            }
        }
        BlockKind::Tab => BlockView {
            icon: block_icon(block, context).unwrap_or_default(),
            title: attr("title").to_string(),
            ..base
        },
        BlockKind::Code => BlockView {
            expandable: attr("expandable") == "true",
            wrap: attr("overflow") == "wrap",
            title: attr("title").to_string(),
            ..base
        },
        BlockKind::Expandable => BlockView {
            title: block.attr("title").unwrap_or("Details").to_string(),
            ..base
        },
        BlockKind::Column => BlockView {
            width: block.attr("width").filter(|w| is_css_length(w)).unwrap_or(""),
            ..base
        },
        BlockKind::Update => BlockView {
            date: attr("date"),
            tags: attr("tags")
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .collect(),
            ..base
        },
        BlockKind::ContentRef | BlockKind::PageRef => page_card(block, context, base),
        BlockKind::File => file_card(block, context, base),
        BlockKind::Embed => embed(block, context, base),
        BlockKind::Swagger | BlockKind::Openapi | BlockKind::OpenapiOperation => {
            api_operation(block, context, base)
        }
        BlockKind::OpenapiSchemas => {
            match block.link.and_then(|index| (context.api_schema_list)(index)) {
                Some(schemas) => BlockView {
                    has_schemas: true,
                    details: (context.api_schemas)(schemas),
                    ..base
                },
                None => BlockView {
                    name: attr("schemas").to_string(),
                    spec: attr("spec"),
                    ..base
                },
            }
        }
        BlockKind::SwaggerParameter => BlockView {
            name: attr("name").to_string(),
            location: attr("in"),
            type_name: attr("type"),
            required: attr("required") == "true",
            ..base
        },
        BlockKind::SwaggerResponse => BlockView {
            status: attr("status"),
            description: attr("description").to_string(),
            ..base
        },
        BlockKind::If => BlockView {
            condition: block.argument.as_deref().unwrap_or(""),
            ..base
        },
        BlockKind::Prompt => BlockView {
            icon: block_icon(block, context).unwrap_or_default(),
            description: attr("description").to_string(),
            ..base
        },
        BlockKind::Tabs
        | BlockKind::Stepper
        | BlockKind::Step
        | BlockKind::Columns
        | BlockKind::Updates
        | BlockKind::SwaggerDescription
        // Spliced into the page by `parse`; never a block here.
        | BlockKind::Include => base,
    }
}

/// Whether code inside this block shows line numbers.
pub(super) fn numbers_lines(block: &Block) -> bool {
    block.kind == BlockKind::Code && block.attr("lineNumbers") == Some("true")
}

fn page_card<'a>(
    block: &'a Block,
    context: &BlockContext<'_>,
    base: BlockView<'a>,
) -> BlockView<'a> {
    let key = if block.kind == BlockKind::PageRef {
        "page"
    } else {
        "url"
    };
    let (title, description) = match context.link(block).and_then(|l| l.page) {
        Some(page) => (context.page_card)(page),
        None => (block.attr(key).unwrap_or(""), ""),
    };
    BlockView {
        href: context.href(block, key),
        title: title.to_string(),
        description: description.to_string(),
        ..base
    }
}

fn file_card<'a>(
    block: &'a Block,
    context: &BlockContext<'_>,
    base: BlockView<'a>,
) -> BlockView<'a> {
    let written = block.attr("src").unwrap_or("");
    let (name, size) = match context.link(block).and_then(|l| l.file.clone()) {
        Some((name, size)) => (name, human_size(size)),
        None => (
            written.rsplit('/').next().unwrap_or(written).to_string(),
            String::new(),
        ),
    };
    BlockView {
        href: context.href(block, "src"),
        name,
        size,
        // GitBook writes a short caption as `caption="…"`, a long one as
        // the tag's content; either is shown under the link.
        caption: block
            .attr("caption")
            .filter(|c| !c.trim().is_empty())
            .unwrap_or(""),
        ..base
    }
}

fn embed<'a>(block: &'a Block, context: &BlockContext<'_>, base: BlockView<'a>) -> BlockView<'a> {
    let url = context.href(block, "url");
    if let Some(player) = embeds::player(&url) {
        let player = (context.embed)(&EmbedView {
            url: &url,
            provider: player.provider.name(),
            provider_id: player.provider.id(),
            kind: player.provider.kind(),
            player_host: player.host(),
            player_url: player.src,
            allow: player.provider.allow(),
            has_caption: block.has_children,
        });
        return BlockView { player, ..base };
    }
    let host = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or(&url)
        .to_string();
    BlockView {
        name: host,
        href: url,
        ..base
    }
}

fn api_operation<'a>(
    block: &'a Block,
    context: &BlockContext<'_>,
    base: BlockView<'a>,
) -> BlockView<'a> {
    let method = block.attr("method").unwrap_or("").to_ascii_lowercase();
    let known = matches!(method.as_str(), "get" | "post" | "put" | "patch" | "delete");
    let operation = block.link.and_then(|index| (context.api_operation)(index));
    let summary = operation
        .and_then(|op| op.summary.as_deref().or(op.description.as_deref()))
        .or(block.attr("summary"));
    BlockView {
        method_class: if known {
            method.clone()
        } else {
            "other".into()
        },
        method: method.to_ascii_uppercase(),
        // GitBook's exports put zero-width spaces in long paths.
        path: block.attr("path").unwrap_or("").replace('\u{200b}', ""),
        has_summary: summary.is_some(),
        summary: summary.unwrap_or("").to_string(),
        from_spec: summary.is_none() && block.kind == BlockKind::OpenapiOperation,
        spec: block.attr("spec").unwrap_or(""),
        details: operation
            .map(|op| (context.api_details)(op))
            .unwrap_or_default(),
        ..base
    }
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

/// Block markup from the default theme, for other modules' unit tests.
#[cfg(test)]
pub(super) fn default_markup(view: &BlockView<'_>) -> String {
    let theme = super::theme::default_theme();
    let mut context = tera::Context::new();
    context.insert("block", view);
    theme
        .render("blocks.html", &context)
        .expect("blocks.html renders")
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
            markup: &default_markup,
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
