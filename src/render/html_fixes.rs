//! Small rewrites of the raw HTML GitBook writes into pages, so it renders
//! accessibly in folio's theme:
//! - a `<figure>` image with an empty `alt` takes its caption's text,
//! - `<mark style="color:…;background-color:…">` becomes theme classes
//!   (`mark-fg-orange mark-bg-purple`) that keep contrast in dark mode,
//! - card tables (`data-view="cards"`) get a class on each cell saying which
//!   column it belongs to (`card-target`, `card-cover`, `hidden-col`),
//! - Font Awesome icons (`<i class="fa-rocket">:rocket:</i>`, a button's
//!   `data-icon="rocket"`) are drawn from the book's icon sprite.
//!
//! Each rewrite works on one HTML event and leaves everything else as is.

use std::borrow::Cow;

use crate::parse::html;

/// Applies every rewrite that concerns `text`; `icon` turns an icon name
/// into HTML ("" when it has none).
pub(super) fn fix<'t>(text: &'t str, icon: &dyn Fn(&str) -> String) -> Cow<'t, str> {
    let mut text = Cow::Borrowed(text);
    if text.contains("data-icon=") || text.contains("fa-") {
        text = Cow::Owned(icons(&text, icon));
    }
    if text.contains("<figure") && text.contains("<figcaption") {
        text = Cow::Owned(caption_as_alt(&text));
    }
    if text.contains("<mark") && text.contains("style=") {
        text = Cow::Owned(mark_classes(&text));
    }
    if text.contains("data-view=\"cards\"") {
        text = Cow::Owned(card_cells(&text));
    }
    text
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
        "class" if attribute.tag.eq_ignore_ascii_case("i") => attribute
            .value
            .split_whitespace()
            .find(|class| class.starts_with("fa-") && !FA_STYLES.contains(class))
            .map(str::to_string),
        _ => None,
    }
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

/// Draws icons after the start tag that names them; an `<i>` whose icon is
/// drawn is hidden, since its text is GitBook's fallback (`:rocket:`).
fn icons(text: &str, icon: &dyn Fn(&str) -> String) -> String {
    let mut insertions: Vec<(usize, String)> = Vec::new();
    for attribute in html::attributes(text) {
        let Some(name) = icon_name(&attribute) else {
            continue;
        };
        let drawn = icon(&name);
        let Some(end) = text[attribute.range.end..]
            .find('>')
            .map(|i| attribute.range.end + i)
        else {
            continue;
        };
        if drawn.is_empty() {
            continue;
        }
        if attribute.tag.eq_ignore_ascii_case("i") {
            insertions.push((attribute.tag_start, drawn));
            insertions.push((end, " hidden".to_string()));
        } else {
            insertions.push((end + 1, drawn));
        }
    }
    insertions.sort_by_key(|(at, _)| *at);
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (at, insertion) in insertions {
        out.push_str(&text[from..at]);
        out.push_str(&insertion);
        from = at;
    }
    out.push_str(&text[from..]);
    out
}

fn caption_as_alt(text: &str) -> String {
    let Some(caption) = between(text, "<figcaption>", "</figcaption>") else {
        return text.to_string();
    };
    let caption = html::text_of(caption);
    if caption.is_empty() {
        return text.to_string();
    }
    let empty_alt = html::attributes(text)
        .into_iter()
        .find(|a| a.tag.eq_ignore_ascii_case("img") && a.name == "alt" && a.value.is_empty());
    match empty_alt {
        Some(alt) => format!(
            "{}{}{}",
            &text[..alt.range.start],
            super::escape_html(&caption),
            &text[alt.range.end..]
        ),
        None => text.to_string(),
    }
}

fn between<'t>(text: &'t str, open: &str, close: &str) -> Option<&'t str> {
    let start = text.find(open)? + open.len();
    let end = start + text[start..].find(close)?;
    Some(&text[start..end])
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

fn mark_classes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for attribute in html::attributes(text) {
        if !attribute.tag.eq_ignore_ascii_case("mark") || attribute.name != "style" {
            continue;
        }
        let mut classes = Vec::new();
        for declaration in attribute.value.split(';') {
            let Some((property, value)) = declaration.split_once(':') else {
                continue;
            };
            let prefix = match property.trim() {
                "color" => "mark-fg-",
                "background-color" => "mark-bg-",
                _ => continue,
            };
            if let Some(colour) = colour_class(value) {
                classes.push(format!("{prefix}{colour}"));
            }
        }
        // Replace `style="…"` (name, `=`, quotes) with `class="…"`.
        let Some(name_start) = text[..attribute.range.start].rfind("style") else {
            continue;
        };
        let quoted = text[attribute.range.end..].starts_with(['"', '\'']);
        let value_end = attribute.range.end + usize::from(quoted);
        out.push_str(&text[at..name_start]);
        out.push_str(&format!("class=\"{}\"", classes.join(" ")));
        at = value_end;
    }
    out.push_str(&text[at..]);
    out
}

/// Adds `card-target`, `card-cover` or `hidden-col` to each body cell of a
/// card table, by the column its header declares.
fn card_cells(text: &str) -> String {
    let header_end = text.find("</thead>").unwrap_or(0);
    let mut roles = Vec::new();
    let mut rest = &text[..header_end];
    while let Some(start) = rest.find("<th") {
        let tag_end = rest[start..].find('>').map_or(rest.len(), |e| start + e);
        let tag = &rest[start..tag_end];
        if !tag[3..].is_empty() && !tag[3..].starts_with(char::is_whitespace) {
            // `<thead`
            rest = &rest[tag_end..];
            continue;
        }
        roles.push(if tag.contains("data-card-target") {
            Some("card-target")
        } else if tag.contains("data-card-cover-dark") {
            Some("card-cover-dark")
        } else if tag.contains("data-card-cover") {
            Some("card-cover")
        } else if tag.contains("data-hidden") {
            Some("hidden-col")
        } else {
            None
        });
        rest = &rest[tag_end..];
    }
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(&text[..header_end]);
    let mut column = 0;
    let mut rest = &text[header_end..];
    while let Some(position) = rest.find(['<']) {
        out.push_str(&rest[..position]);
        rest = &rest[position..];
        if rest.starts_with("<tr") {
            column = 0;
        } else if rest.starts_with("<td") && rest[3..].starts_with([' ', '>']) {
            if let Some(Some(role)) = roles.get(column) {
                out.push_str(&format!("<td class=\"{role}\""));
                rest = &rest[3..];
                column += 1;
                continue;
            }
            column += 1;
        }
        out.push('<');
        rest = &rest[1..];
    }
    out.push_str(rest);
    cover_images(&out)
}

/// A cover cell holds a link to an image file; the card shows the image
/// (the theme switches to the dark cover in dark mode).
fn cover_images(text: &str) -> String {
    let light = cover_cells(text, "<td class=\"card-cover\">");
    cover_cells(&light, "<td class=\"card-cover-dark\">")
}

fn cover_cells(text: &str, cell_tag: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(cell_tag) {
        let cell_start = start + cell_tag.len();
        let cell_end = rest[cell_start..]
            .find("</td>")
            .map_or(rest.len(), |e| cell_start + e);
        let cell = &rest[cell_start..cell_end];
        out.push_str(&rest[..cell_start]);
        let href = html::attributes(cell)
            .into_iter()
            .find(|a| a.tag.eq_ignore_ascii_case("a") && a.name == "href");
        match href {
            Some(href) => out.push_str(&format!("<img src=\"{}\" alt=\"\">", href.value)),
            None => out.push_str(cell),
        }
        rest = &rest[cell_end..];
    }
    out.push_str(rest);
    out
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
            fix(r#"Go <i class="fa-rocket">:rocket:</i> now"#, &icon),
            r#"Go <svg/><i class="fa-rocket" hidden>:rocket:</i> now"#,
            "the drawn icon replaces GitBook's fallback text"
        );
        assert_eq!(
            fix(
                r#"<a href="q/" class="button primary" data-icon="rocket">Start</a>"#,
                &icon
            ),
            r#"<a href="q/" class="button primary" data-icon="rocket"><svg/>Start</a>"#
        );
        let unknown = r#"<i class="fa-solid fa-unknown">:x:</i>"#;
        assert_eq!(fix(unknown, &icon), unknown, "kept when there is no icon");
        assert_eq!(icon_names(unknown), ["fa-unknown"]);
        assert_eq!(icon_names(r#"<a data-icon="rocket">"#), ["rocket"]);
    }

    #[test]
    fn empty_figure_alt_takes_the_caption() {
        let html = r#"<figure><img src="a.png" alt=""><figcaption><p>The <a href="x">topology</a> &amp; more</p></figcaption></figure>"#;
        assert_eq!(
            fix(html, &no_icon),
            r#"<figure><img src="a.png" alt="The topology &amp; more"><figcaption><p>The <a href="x">topology</a> &amp; more</p></figcaption></figure>"#
        );
        let kept = r#"<figure><img src="a.png" alt="Given"><figcaption>Cap</figcaption></figure>"#;
        assert_eq!(fix(kept, &no_icon), kept);
    }

    #[test]
    fn mark_styles_become_classes() {
        assert_eq!(
            fix(
                r#"<mark style="color:orange;background-color:purple;">"#,
                &no_icon
            ),
            r#"<mark class="mark-fg-orange mark-bg-purple">"#
        );
        assert_eq!(
            fix(r#"<mark style="color:$danger;">"#, &no_icon),
            r#"<mark class="mark-fg-red">"#
        );
        assert_eq!(
            fix(r#"<mark style="color:#123456;">"#, &no_icon),
            r#"<mark class="">"#
        );
    }

    #[test]
    fn card_table_cells_get_roles() {
        let html = r#"<table data-view="cards"><thead><tr><th></th><th data-hidden data-card-target data-type="content-ref"></th><th data-hidden data-card-cover data-type="files"></th></tr></thead><tbody><tr><td>One</td><td><a href="a/">a</a></td><td><a href="c.png">c</a></td></tr></tbody></table>"#;
        let fixed = fix(html, &no_icon);
        assert!(fixed.contains(r#"<tr><td>One</td><td class="card-target"><a href="a/">a</a></td><td class="card-cover"><img src="c.png" alt=""></td></tr>"#), "{fixed}");
    }
}
