//! Font Awesome icons for the names GitBook uses (`icon: rocket` in front
//! matter), drawn from one sprite of the icons a book actually uses.
//!
//! The table (`icons/font-awesome-free.tsv`, written by
//! `scripts/font-awesome-icons.py` from the npm package) holds every Font
//! Awesome Free icon as one path, and the older names as aliases. A build
//! looks up the names its pages use, once, and publishes them as
//! `_folio/icons.<hash>.svg` symbols with Font Awesome's attribution (the
//! icons are CC BY 4.0); pages point at a symbol with `<use>`, so an icon
//! costs a page about a hundred bytes. GitBook draws icons from Font
//! Awesome Pro: a Pro-only name falls back to a close emoji, or to nothing.

use std::collections::{BTreeMap, HashMap};

use super::OutputFile;
use crate::parse::{MarkKind, ParsedPage};
use crate::paths;

const TABLE: &str = include_str!("icons/font-awesome-free.tsv");

/// Styles in the order a name is looked up: GitBook's icons are outlines,
/// which Font Awesome Free has only for some names.
const STYLES: [&str; 3] = ["regular", "solid", "brands"];

/// The icons one build uses: normalised name → (width, path), and their
/// sprite (site-relative path, SVG) when there is any.
#[derive(Debug, Default)]
pub(super) struct Icons {
    found: BTreeMap<String, (u32, &'static str)>,
    sprite: Option<(String, String)>,
}

impl Icons {
    /// Looks up every name in one pass over the table.
    pub(super) fn resolve<'n>(names: impl IntoIterator<Item = &'n str>) -> Icons {
        let wanted: Vec<String> = names.into_iter().filter_map(normalise).collect();
        if wanted.is_empty() {
            return Icons::default();
        }
        let mut aliases: HashMap<&str, &str> = HashMap::new();
        let mut icons: HashMap<(&str, &str), (u32, &'static str)> = HashMap::new();
        for line in TABLE.lines().filter(|line| !line.starts_with('#')) {
            let mut fields = line.split('\t');
            let (Some(style), Some(name), Some(third)) =
                (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            if style == "alias" {
                aliases.insert(name, third);
            } else if let (Ok(width), Some(path)) = (third.parse(), fields.next()) {
                icons.insert((style, name), (width, path));
            }
        }
        let mut icons_found = BTreeMap::new();
        for name in wanted {
            let canonical = aliases.get(name.as_str()).copied().unwrap_or(name.as_str());
            if let Some(icon) = STYLES
                .iter()
                .find_map(|style| icons.get(&(*style, canonical)))
            {
                let icon = *icon;
                icons_found.insert(name.clone(), icon);
            }
        }
        let sprite = sprite(&icons_found).map(|svg| {
            let hash = super::content_hex(svg.as_bytes());
            (format!("{}/icons.{hash}.svg", super::STATIC_DIR), svg)
        });
        Icons {
            found: icons_found,
            sprite,
        }
    }

    /// The icons pages name (see [`names_in`]).
    pub(super) fn for_pages(parsed: &[ParsedPage]) -> Icons {
        let names: Vec<String> = parsed.iter().flat_map(names_in).collect();
        Icons::resolve(names.iter().map(String::as_str))
    }

    /// The sprite file, when any page uses an icon of the table.
    pub(super) fn sprite_file(&self) -> Option<OutputFile> {
        self.sprite.as_ref().map(|(path, svg)| OutputFile {
            path: path.clone(),
            contents: svg.clone().into_bytes(),
        })
    }

    /// The icon `name` as HTML in the page at `from` ("" when none).
    pub(super) fn html(&self, name: &str, from: &str) -> String {
        self.display(name)
            .html(&paths::href(from, self.sprite_path()))
    }

    /// A page's `icon` front matter as HTML in the page at `from` ("" when
    /// it has none).
    pub(super) fn of_page(&self, page: &ParsedPage, from: &str) -> String {
        page.front_matter
            .icon
            .as_deref()
            .map(|name| self.html(name, from))
            .unwrap_or_default()
    }

    /// The icon `name` for `nav.json`: a symbol id (`fa-…`) or an emoji.
    pub(super) fn nav_value(&self, name: &str) -> Option<String> {
        match self.display(name) {
            Display::Symbol(symbol) | Display::Text(symbol) => Some(symbol),
            Display::None => None,
        }
    }

    /// The sprite's site-relative path, or "".
    pub(super) fn sprite_path(&self) -> &str {
        self.sprite.as_ref().map_or("", |(path, _)| path.as_str())
    }

    /// The symbol id of a name, when the table has it.
    pub(super) fn symbol(&self, name: &str) -> Option<String> {
        let name = normalise(name)?;
        self.found.contains_key(&name).then(|| format!("fa-{name}"))
    }

    /// How a page shows the icon `name`: a Font Awesome symbol of the
    /// sprite at `sprite_href`, else a close emoji, else the value itself
    /// when it is already an emoji.
    pub(super) fn display(&self, name: &str) -> Display {
        if let Some(symbol) = self.symbol(name) {
            return Display::Symbol(symbol);
        }
        let normalised = normalise(name).unwrap_or_default();
        match emoji_for(&normalised) {
            "" if !name.is_ascii() => Display::Text(name.trim().to_string()),
            "" => Display::None,
            emoji => Display::Text(emoji.to_string()),
        }
    }
}

/// The icons one page names: its `icon` front matter, the `icon` attribute
/// of its blocks (hints, tabs, prompts) and icons in its raw HTML.
pub(super) fn names_in(page: &ParsedPage) -> Vec<String> {
    let blocks = page.blocks.iter().filter_map(|mark| match &mark.kind {
        MarkKind::Open(block) => block.attr("icon"),
        MarkKind::Close => None,
    });
    let html = page
        .contents
        .icon_html
        .iter()
        .flat_map(|text| super::html_fixes::icon_names(text));
    page.front_matter
        .icon
        .iter()
        .map(String::clone)
        .chain(blocks.map(str::to_string))
        .chain(html)
        .collect()
}

/// The sprite of the icons found, or `None` when there are none.
fn sprite(found: &BTreeMap<String, (u32, &'static str)>) -> Option<String> {
    if found.is_empty() {
        return None;
    }
    let attribution = TABLE.lines().next().unwrap_or("").trim_start_matches("# ");
    let mut svg = format!("<svg xmlns=\"http://www.w3.org/2000/svg\"><!-- {attribution} -->\n");
    for (name, (width, path)) in found {
        svg.push_str(&format!(
            "<symbol id=\"fa-{name}\" viewBox=\"0 0 {width} 512\"><path fill=\"currentColor\" d=\"{path}\"/></symbol>\n"
        ));
    }
    svg.push_str("</svg>\n");
    Some(svg)
}

/// What stands for an icon name on a page.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Display {
    /// A symbol id of the sprite.
    Symbol(String),
    /// An emoji.
    Text(String),
    /// Nothing (a name neither table knows).
    None,
}

impl Display {
    /// As HTML, with the sprite at `sprite_href` (relative to the page).
    pub(super) fn html(&self, sprite_href: &str) -> String {
        match self {
            Display::Symbol(symbol) => format!(
                "<svg class=\"icon\" aria-hidden=\"true\"><use href=\"{sprite_href}#{symbol}\"></use></svg>"
            ),
            Display::Text(text) => format!(
                "<span class=\"icon\" aria-hidden=\"true\">{}</span>",
                super::escape_html(text)
            ),
            Display::None => String::new(),
        }
    }
}

/// The emoji closest to a common Font Awesome name, for names the Free
/// table lacks (GitBook offers Pro icons), or "".
fn emoji_for(name: &str) -> &'static str {
    match name.trim().trim_start_matches("fa-") {
        "rocket" | "rocket-launch" => "🚀",
        "download" | "arrow-down-to-line" => "⬇️",
        "book" | "book-open" => "📖",
        "gear" | "gears" | "cog" => "⚙️",
        "house" | "home" => "🏠",
        "star" => "⭐",
        "lightbulb" => "💡",
        "circle-info" | "info" => "ℹ️",
        "triangle-exclamation" | "warning" => "⚠️",
        "circle-question" | "question" => "❓",
        "lock" | "shield" | "shield-check" => "🔒",
        "key" => "🔑",
        "globe" | "earth-americas" => "🌐",
        "users" | "user" | "people-group" => "👥",
        "code" | "terminal" => "💻",
        "list" | "list-check" => "📋",
        "file" | "file-lines" | "file-code" => "📄",
        "folder" => "📁",
        "magnifying-glass" | "search" => "🔍",
        "bolt" => "⚡",
        "wrench" | "screwdriver-wrench" => "🔧",
        "chart-line" | "chart-simple" => "📈",
        "money-bill" | "coins" | "wallet" => "💰",
        "building-columns" | "landmark" => "🏛️",
        "heart" => "❤️",
        "flag" => "🚩",
        "calendar" => "📅",
        "envelope" => "✉️",
        "link" => "🔗",
        "check" | "circle-check" => "✅",
        _ => "",
    }
}

/// `rocket`, `fa-rocket`, `fas fa-rocket`, `fa-solid fa-rocket` → `rocket`.
fn normalise(name: &str) -> Option<String> {
    let last = name.split_whitespace().last()?;
    let bare = last.trim_start_matches("fa-").to_ascii_lowercase();
    let valid = !bare.is_empty() && bare.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    valid.then_some(bare)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_aliases_and_styles() {
        let icons = Icons::resolve([
            "rocket",
            "fa-solid fa-house",
            "home",
            "github",
            "list-timeline",
            "<script>",
        ]);
        assert_eq!(icons.symbol("rocket").as_deref(), Some("fa-rocket"));
        assert_eq!(icons.symbol("fas fa-house").as_deref(), Some("fa-house"));
        assert_eq!(
            icons.symbol("home").as_deref(),
            Some("fa-home"),
            "an old name"
        );
        assert_eq!(
            icons.symbol("github").as_deref(),
            Some("fa-github"),
            "a brand"
        );
        assert_eq!(icons.symbol("list-timeline"), None, "Font Awesome Pro only");
        assert_eq!(icons.symbol("<script>"), None);
        let sprite = icons.sprite_file().unwrap();
        assert!(sprite.path.starts_with("_folio/icons.") && sprite.path.ends_with(".svg"));
        let sprite = String::from_utf8(sprite.contents).unwrap();
        assert!(sprite.contains("CC BY 4.0"), "attribution kept");
        assert_eq!(sprite.matches("<symbol ").count(), 4);
        assert!(sprite.contains("<symbol id=\"fa-github\" viewBox=\"0 0 512 512\">"));
        assert!(Icons::resolve([]).sprite_file().is_none());
        assert_eq!(icons.display("list-timeline"), Display::None);
        assert_eq!(
            Icons::default().display("rocket"),
            Display::Text("🚀".into()),
            "Pro-only or unknown: the emoji"
        );
        assert_eq!(icons.display("🛟"), Display::Text("🛟".into()));
        let html = icons.html("rocket", "guide/install/");
        assert!(
            html.starts_with(
                "<svg class=\"icon\" aria-hidden=\"true\"><use href=\"../../_folio/icons."
            ),
            "{html}"
        );
        assert!(html.ends_with(".svg#fa-rocket\"></use></svg>"), "{html}");
    }

    #[test]
    fn every_line_of_the_table_is_well_formed() {
        for line in TABLE.lines().skip(1) {
            let fields: Vec<&str> = line.split('\t').collect();
            match fields[0] {
                "alias" => assert_eq!(fields.len(), 3, "{line}"),
                "regular" | "solid" | "brands" => {
                    assert_eq!(fields.len(), 4, "{line}");
                    assert!(fields[2].parse::<u32>().is_ok());
                    assert!(fields[3].starts_with('M') && !fields[3].contains('"'));
                }
                other => panic!("unknown style {other}"),
            }
        }
    }
}
