//! Small rewrites of the raw HTML GitBook writes into pages, so it renders
//! accessibly in folio's theme:
//! - a `<figure>` image with an empty `alt` takes its caption's text,
//! - `<mark style="color:…;background-color:…">` becomes theme classes
//!   (`mark-fg-orange mark-bg-purple`) that keep contrast in dark mode,
//! - a `<th data-hidden>` column is hidden (header and cells, also from
//!   screen readers), except the columns a card table draws from,
//! - card tables (`data-view="cards"`) get a class on each cell saying which
//!   column it belongs to (`card-target`, `card-cover`, `hidden-col`), and
//!   a cover cell shows its image,
//! - Font Awesome icons (`<i class="fa-rocket">:rocket:</i>`, a button's
//!   `data-icon="rocket"`) are drawn from the book's icon sprite.
//!
//! Each rewrite works on one HTML event through `lol_html`, which edits
//! attributes of the tags it reads (a class is added to the classes a tag
//! has, never written twice) and leaves every other byte as it is. Must
//! never: splice strings into markup, or change HTML no rule names.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use lol_html::html_content::{ContentType, Element};
use lol_html::{element, end_tag, rewrite_str, HandlerResult, RewriteStrSettings};

use crate::parse::html;

/// Applies every rewrite that concerns `text`; `icon` turns an icon name
/// into HTML ("" when it has none). HTML the rewriter cannot read is kept
/// as written.
pub(super) fn fix<'t>(
    text: &'t str,
    icon: &dyn Fn(&str) -> String,
    images: &HtmlOptions<'_>,
) -> Cow<'t, str> {
    let icons = text.contains("data-icon=") || text.contains("fa-");
    let has_images = text.contains("<img");
    let prefix = images.id_prefix;
    let ids = !prefix.is_empty() && (text.contains("id=") || text.contains("name="));
    let caption = (text.contains("<figure") && text.contains("<figcaption"))
        .then(|| figure_caption(text))
        .flatten();
    let marks = text.contains("<mark") && text.contains("style=");
    let tables = text.contains("data-hidden") || text.contains("data-view=\"cards\"");
    if !icons && caption.is_none() && !marks && !tables && !has_images && !ids {
        return Cow::Borrowed(text);
    }
    let tables_state = Rc::new(RefCell::new(Vec::<Table>::new()));
    let mut handlers = Vec::new();
    if icons {
        handlers.push(element!("[data-icon], i[class]", |el| draw_icon(el, icon)));
    }
    if let Some(caption) = &caption {
        handlers.push(element!("figure img[alt=\"\"]", move |el| {
            el.set_attribute("alt", &super::escape_html(caption))?;
            Ok(())
        }));
    }
    if marks {
        handlers.push(element!("mark[style]", mark_classes));
    }
    if ids {
        handlers.push(element!("[id]", move |el| {
            let id = el.get_attribute("id").unwrap_or_default();
            el.set_attribute("id", &format!("{prefix}{id}"))?;
            Ok(())
        }));
        handlers.push(element!("a[name]", move |el| {
            let name = el.get_attribute("name").unwrap_or_default();
            el.set_attribute("name", &format!("{prefix}{name}"))?;
            Ok(())
        }));
    }
    if has_images {
        let eager = Rc::new(RefCell::new(images.eager));
        handlers.push(element!("img", move |el| {
            image_hints(el, images.sizes, &mut eager.borrow_mut())
        }));
    }
    if tables {
        let state = Rc::clone(&tables_state);
        handlers.push(element!("table", move |el| open_table(el, &state)));
        let state = Rc::clone(&tables_state);
        handlers.push(element!("th", move |el| header_cell(el, &state)));
        let state = Rc::clone(&tables_state);
        handlers.push(element!("tr", move |_el| {
            if let Some(table) = state.borrow_mut().last_mut() {
                table.column = 0;
            }
            Ok(())
        }));
        let state = Rc::clone(&tables_state);
        handlers.push(element!("td", move |el| body_cell(el, &state)));
        let state = Rc::clone(&tables_state);
        handlers.push(element!("a[href]", move |el| cover_link(el, &state)));
    }
    let settings = handlers
        .into_iter()
        .fold(RewriteStrSettings::new(), |settings, handler| {
            settings.append_element_content_handler(handler)
        });
    match rewrite_str(text, settings) {
        Ok(rewritten) => Cow::Owned(rewritten),
        Err(_) => Cow::Borrowed(text),
    }
}

/// What raw HTML gets besides the fixes: image sizes by resolved `src`,
/// whether the first image is the page's first (loaded at once, not
/// lazily), and a prefix for the ids it defines (the print page keeps
/// pages' ids apart; its links were already resolved to prefixed ids).
#[derive(Default)]
pub(super) struct HtmlOptions<'a> {
    pub(super) sizes: &'a [(String, (u32, u32))],
    pub(super) eager: bool,
    pub(super) id_prefix: &'a str,
}

/// `width`/`height` from the file when the tag has neither, lazy loading
/// after the page's first image, asynchronous decoding.
fn image_hints(
    el: &mut lol_html::html_content::Element<'_, '_>,
    sizes: &[(String, (u32, u32))],
    eager: &mut bool,
) -> HandlerResult {
    let src = el.get_attribute("src").unwrap_or_default();
    let size = sizes
        .iter()
        .find(|(href, _)| *href == src)
        .map(|(_, size)| *size);
    if let Some((width, height)) = size {
        let pixels = |name: &str| -> Option<f64> {
            let value = el.get_attribute(name)?;
            value.trim().trim_end_matches("px").parse().ok()
        };
        match (el.get_attribute("width"), el.get_attribute("height")) {
            (None, None) => {
                el.set_attribute("width", &width.to_string())?;
                el.set_attribute("height", &height.to_string())?;
            }
            // GitBook writes one side: the other keeps the file's ratio.
            (Some(_), None) => {
                if let Some(given) = pixels("width") {
                    let scaled = given * f64::from(height) / f64::from(width);
                    el.set_attribute("height", &format!("{}", scaled.round()))?;
                }
            }
            (None, Some(_)) => {
                if let Some(given) = pixels("height") {
                    let scaled = given * f64::from(width) / f64::from(height);
                    el.set_attribute("width", &format!("{}", scaled.round()))?;
                }
            }
            (Some(_), Some(_)) => {}
        }
    }
    if !std::mem::take(eager) && !el.has_attribute("loading") {
        el.set_attribute("loading", "lazy")?;
    }
    if !el.has_attribute("decoding") {
        el.set_attribute("decoding", "async")?;
    }
    Ok(())
}

/// The text of a figure's caption, when it has one.
fn figure_caption(text: &str) -> Option<String> {
    let start = text.find("<figcaption>")? + "<figcaption>".len();
    let end = start + text[start..].find("</figcaption>")?;
    let caption = html::text_of(&text[start..end]);
    (!caption.is_empty()).then_some(caption)
}

/// The icon names a piece of raw HTML uses: `data-icon` values and the
/// `fa-…` class of an `<i>`.
pub(super) fn icon_names(text: &str) -> Vec<String> {
    html::attributes(text)
        .into_iter()
        .filter_map(|a| icon_name(&a))
        .collect()
}

fn icon_name(attribute: &html::Attribute<'_>) -> Option<String> {
    match attribute.name {
        "data-icon" if !attribute.value.is_empty() => Some(attribute.value.to_string()),
        "class" if attribute.tag.eq_ignore_ascii_case("i") => fa_class(attribute.value),
        _ => None,
    }
}

/// The `fa-…` class that names an icon (not a style).
fn fa_class(classes: &str) -> Option<String> {
    classes
        .split_whitespace()
        .find(|class| class.starts_with("fa-") && !FA_STYLES.contains(class))
        .map(str::to_string)
}

/// Font Awesome's style classes, which name no icon.
const FA_STYLES: [&str; 6] = [
    "fa-solid",
    "fa-regular",
    "fa-light",
    "fa-thin",
    "fa-duotone",
    "fa-brands",
];

/// Draws an icon: before an `<i>` (hidden, since its text is GitBook's
/// fallback `:rocket:`), or at the start of another element's content.
fn draw_icon(el: &mut Element<'_, '_>, icon: &dyn Fn(&str) -> String) -> HandlerResult {
    let is_i = el.tag_name().eq_ignore_ascii_case("i");
    let name = el
        .get_attribute("data-icon")
        .filter(|name| !name.is_empty())
        .or_else(|| {
            is_i.then(|| el.get_attribute("class").and_then(|c| fa_class(&c)))
                .flatten()
        });
    let Some(name) = name else {
        return Ok(());
    };
    let drawn = icon(&name);
    if drawn.is_empty() {
        return Ok(());
    }
    if is_i {
        el.before(&drawn, ContentType::Html);
        el.set_attribute("hidden", "")?;
    } else {
        el.prepend(&drawn, ContentType::Html);
    }
    Ok(())
}

/// Adds `class` to the classes an element has.
fn add_class(el: &mut Element<'_, '_>, class: &str) -> HandlerResult {
    let classes = match el.get_attribute("class") {
        Some(existing) if existing.split_whitespace().any(|c| c == class) => return Ok(()),
        Some(existing) if !existing.trim().is_empty() => format!("{} {class}", existing.trim()),
        _ => class.to_string(),
    };
    el.set_attribute("class", &classes)?;
    Ok(())
}

/// GitBook's colour names (and its semantic `$` names) → theme colours.
fn colour_class(value: &str) -> Option<&'static str> {
    Some(
        match value
            .trim()
            .trim_end_matches(';')
            .trim()
            .to_ascii_lowercase()
            .as_str()
        {
            "red" | "$danger" => "red",
            "orange" | "$warning" => "orange",
            "yellow" => "yellow",
            "green" | "$success" => "green",
            "blue" | "$info" | "$primary" => "blue",
            "purple" => "purple",
            "pink" => "pink",
            "gray" | "grey" => "gray",
            _ => return None,
        },
    )
}

/// `style="color:…;background-color:…"` → theme classes added to the
/// mark's own; the inline style goes (its colours ignore dark mode).
fn mark_classes(el: &mut Element<'_, '_>) -> HandlerResult {
    let style = el.get_attribute("style").unwrap_or_default();
    el.remove_attribute("style");
    for declaration in style.split(';') {
        let Some((property, value)) = declaration.split_once(':') else {
            continue;
        };
        let prefix = match property.trim() {
            "color" => "mark-fg-",
            "background-color" => "mark-bg-",
            _ => continue,
        };
        if let Some(colour) = colour_class(value) {
            add_class(el, &format!("{prefix}{colour}"))?;
        }
    }
    Ok(())
}

/// What a table column is for, from its `<th>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Shown,
    /// `data-hidden` with no other use: not shown.
    Hidden,
    /// Where a card links to.
    CardTarget,
    /// A card's cover image (light, dark).
    CardCover,
    CardCoverDark,
}

impl Column {
    fn of(el: &Element<'_, '_>) -> Column {
        if el.has_attribute("data-card-target") {
            Column::CardTarget
        } else if el.has_attribute("data-card-cover-dark") {
            Column::CardCoverDark
        } else if el.has_attribute("data-card-cover") {
            Column::CardCover
        } else if el.has_attribute("data-hidden") {
            Column::Hidden
        } else {
            Column::Shown
        }
    }

    /// The class a card-table cell of this column gets.
    fn card_class(self) -> Option<&'static str> {
        match self {
            Column::Shown => None,
            Column::Hidden => Some("hidden-col"),
            Column::CardTarget => Some("card-target"),
            Column::CardCover => Some("card-cover"),
            Column::CardCoverDark => Some("card-cover-dark"),
        }
    }
}

/// One table being read (tables can nest inside cells).
#[derive(Debug, Default)]
struct Table {
    cards: bool,
    columns: Vec<Column>,
    /// Column of the next cell in the current row.
    column: usize,
    /// Inside a cover cell: its links become the cover image.
    in_cover: bool,
}

type Tables = Rc<RefCell<Vec<Table>>>;

fn open_table(el: &mut Element<'_, '_>, tables: &Tables) -> HandlerResult {
    tables.borrow_mut().push(Table {
        cards: el.get_attribute("data-view").as_deref() == Some("cards"),
        ..Table::default()
    });
    let tables = Rc::clone(tables);
    if el.can_have_content() {
        el.on_end_tag(end_tag!(move |_end| {
            tables.borrow_mut().pop();
            Ok(())
        }))?;
    }
    Ok(())
}

/// How many columns a cell spans.
fn span(el: &Element<'_, '_>) -> usize {
    el.get_attribute("colspan")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(1usize)
        .clamp(1, 1000)
}

fn header_cell(el: &mut Element<'_, '_>, tables: &Tables) -> HandlerResult {
    let mut tables = tables.borrow_mut();
    let Some(table) = tables.last_mut() else {
        return Ok(());
    };
    let column = Column::of(el);
    // A header row fixes the columns; a `<th>` in the body is only a cell.
    if table.columns.len() == table.column {
        table.columns.extend(std::iter::repeat_n(column, span(el)));
    }
    table.column += span(el);
    if column != Column::Shown {
        el.set_attribute("hidden", "")?;
    }
    Ok(())
}

fn body_cell(el: &mut Element<'_, '_>, tables: &Tables) -> HandlerResult {
    let mut state = tables.borrow_mut();
    let Some(table) = state.last_mut() else {
        return Ok(());
    };
    let column = table
        .columns
        .get(table.column)
        .copied()
        .unwrap_or(Column::Shown);
    table.column += span(el);
    if table.cards {
        if let Some(class) = column.card_class() {
            add_class(el, class)?;
        }
        if matches!(column, Column::CardCover | Column::CardCoverDark) && el.can_have_content() {
            table.in_cover = true;
            let tables = Rc::clone(tables);
            el.on_end_tag(end_tag!(move |_end| {
                if let Some(table) = tables.borrow_mut().last_mut() {
                    table.in_cover = false;
                }
                Ok(())
            }))?;
        }
        if column == Column::Hidden {
            el.set_attribute("hidden", "")?;
        }
    } else if column != Column::Shown {
        el.set_attribute("hidden", "")?;
    }
    Ok(())
}

/// A cover cell holds a link to an image file; the card shows the image
/// (the theme switches to the dark cover in dark mode).
fn cover_link(el: &mut Element<'_, '_>, tables: &Tables) -> HandlerResult {
    let in_cover = tables.borrow().last().is_some_and(|t| t.in_cover);
    if let (true, Some(href)) = (in_cover, el.get_attribute("href")) {
        el.replace(
            &format!("<img src=\"{}\" alt=\"\">", href.replace('"', "&quot;")),
            ContentType::Html,
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_icon(_: &str) -> String {
        String::new()
    }

    #[test]
    fn font_awesome_icons_in_raw_html_are_drawn() {
        let icon = |name: &str| match name {
            "fa-rocket" | "rocket" => "<svg/>".to_string(),
            _ => String::new(),
        };
        assert_eq!(
            fix(
                r#"Go <i class="fa-rocket">:rocket:</i> now"#,
                &icon,
                &HtmlOptions::default()
            ),
            r#"Go <svg/><i class="fa-rocket" hidden="">:rocket:</i> now"#,
            "the drawn icon replaces GitBook's fallback text"
        );
        assert_eq!(
            fix(
                r#"<a href="q/" class="button primary" data-icon="rocket">Start</a>"#,
                &icon,
                &HtmlOptions::default()
            ),
            r#"<a href="q/" class="button primary" data-icon="rocket"><svg/>Start</a>"#
        );
        let unknown = r#"<i class="fa-solid fa-unknown">:x:</i>"#;
        assert_eq!(
            fix(unknown, &icon, &HtmlOptions::default()),
            unknown,
            "kept when there is no icon"
        );
        assert_eq!(icon_names(unknown), ["fa-unknown"]);
        assert_eq!(icon_names(r#"<a data-icon="rocket">"#), ["rocket"]);
    }

    #[test]
    fn empty_figure_alt_takes_the_caption() {
        let html = r#"<figure><img src="a.png" alt=""><figcaption><p>The <a href="x">topology</a> &amp; more</p></figcaption></figure>"#;
        assert_eq!(
            fix(html, &no_icon, &HtmlOptions::default()),
            r#"<figure><img src="a.png" alt="The topology &amp; more" loading="lazy" decoding="async"><figcaption><p>The <a href="x">topology</a> &amp; more</p></figcaption></figure>"#
        );
        let kept = r#"<figure><img src="a.png" alt="Given" loading="eager" decoding="sync"><figcaption>Cap</figcaption></figure>"#;
        assert_eq!(fix(kept, &no_icon, &HtmlOptions::default()), kept);
    }

    #[test]
    fn ids_get_the_print_page_prefix() {
        let options = HtmlOptions {
            id_prefix: "p3--",
            eager: true,
            ..HtmlOptions::default()
        };
        assert_eq!(
            fix(
                r##"<a href="#p3--intro" id="intro"></a><a name="old"></a><a href="https://e.org/#x">e</a>"##,
                &no_icon,
                &options
            ),
            r##"<a href="#p3--intro" id="p3--intro"></a><a name="p3--old"></a><a href="https://e.org/#x">e</a>"##
        );
    }

    #[test]
    fn images_get_their_size_and_load_lazily_after_the_first() {
        let sizes = [("a%20b.png".to_string(), (640, 480))];
        let first = HtmlOptions {
            sizes: &sizes,
            eager: true,
            id_prefix: "",
        };
        assert_eq!(
            fix(
                r#"<img src="a%20b.png"><img src="c.png" width="10">"#,
                &no_icon,
                &first
            ),
            r#"<img src="a%20b.png" width="640" height="480" decoding="async"><img src="c.png" width="10" loading="lazy" decoding="async">"#
        );
        let one_side = fix(
            r#"<img src="a%20b.png" width="320"><img src="a%20b.png" height="48px"><img src="a%20b.png" width="50%">"#,
            &no_icon,
            &first,
        );
        assert_eq!(
            one_side,
            r#"<img src="a%20b.png" width="320" height="240" decoding="async"><img src="a%20b.png" height="48px" width="64" loading="lazy" decoding="async"><img src="a%20b.png" width="50%" loading="lazy" decoding="async">"#
        );
    }

    #[test]
    fn mark_styles_become_classes() {
        assert_eq!(
            fix(
                r#"<mark style="color:orange;background-color:purple;">"#,
                &no_icon,
                &HtmlOptions::default()
            ),
            r#"<mark class="mark-fg-orange mark-bg-purple">"#
        );
        assert_eq!(
            fix(
                r#"<mark style="color:$danger;">"#,
                &no_icon,
                &HtmlOptions::default()
            ),
            r#"<mark class="mark-fg-red">"#
        );
        assert_eq!(
            fix(
                r#"<mark style="color:#123456;">"#,
                &no_icon,
                &HtmlOptions::default()
            ),
            r#"<mark>"#
        );
    }

    #[test]
    fn classes_are_merged_into_one_attribute() {
        assert_eq!(
            fix(
                r#"<mark class="big" style="color:red">x</mark>"#,
                &no_icon,
                &HtmlOptions::default()
            ),
            r#"<mark class="big mark-fg-red">x</mark>"#
        );
        let html = r#"<table data-view="cards"><thead><tr><th></th><th data-hidden data-card-target data-type="content-ref"></th></tr></thead><tbody><tr><td class="x">One</td><td class="x"><a href="a/">a</a></td></tr></tbody></table>"#;
        let fixed = fix(html, &no_icon, &HtmlOptions::default());
        assert!(
            fixed.contains(
                r#"<td class="x">One</td><td class="x card-target"><a href="a/">a</a></td>"#
            ),
            "{fixed}"
        );
    }

    #[test]
    fn hidden_columns_are_hidden_with_their_cells() {
        // From health-docs: a table whose link columns GitBook does not show.
        let html = r#"<table><thead><tr><th>Name</th><th data-hidden></th><th data-hidden data-card-target data-type="content-ref"></th><th>Notes</th></tr></thead><tbody><tr><td>A</td><td>x</td><td><a href="a.md">a</a></td><td>n</td></tr><tr><td colspan="2">wide</td><td>t</td><td>m</td></tr></tbody></table>"#;
        let fixed = fix(html, &no_icon, &HtmlOptions::default());
        assert_eq!(
            fixed,
            r#"<table><thead><tr><th>Name</th><th data-hidden hidden=""></th><th data-hidden data-card-target data-type="content-ref" hidden=""></th><th>Notes</th></tr></thead><tbody><tr><td>A</td><td hidden="">x</td><td hidden=""><a href="a.md">a</a></td><td>n</td></tr><tr><td colspan="2">wide</td><td hidden="">t</td><td>m</td></tr></tbody></table>"#
        );
        let plain = "<table><tr><td>a</td></tr></table>";
        assert_eq!(
            fix(plain, &no_icon, &HtmlOptions::default()),
            plain,
            "other tables are kept byte for byte"
        );
    }

    #[test]
    fn card_table_cells_get_roles() {
        let html = r#"<table data-view="cards"><thead><tr><th></th><th data-hidden data-card-target data-type="content-ref"></th><th data-hidden data-card-cover data-type="files"></th></tr></thead><tbody><tr><td>One</td><td><a href="a/">a</a></td><td><a href="c.png">c</a></td></tr></tbody></table>"#;
        let fixed = fix(html, &no_icon, &HtmlOptions::default());
        assert!(fixed.contains(r#"<tr><td>One</td><td class="card-target"><a href="a/">a</a></td><td class="card-cover"><img src="c.png" alt=""></td></tr>"#), "{fixed}");
    }
}
