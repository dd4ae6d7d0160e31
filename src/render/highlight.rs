//! Syntax highlighting of code blocks at build time, with syntect.
//!
//! Output uses CSS classes (`hl-…`) rather than inline colours, so one light
//! and one dark stylesheet (generated here from syntect's bundled themes)
//! restyle every page. Regexes run on Oniguruma (syntect's `regex-onig`):
//! on the bench book it takes 1.7× less CPU than fancy-regex, with the same
//! output. The syntax set is syntect's precompiled dump, deserialized once
//! per build and only when a block is not in the disk cache. Lines are
//! parsed through a `line_memo::LineMemo`, so a line met again in the same
//! parser state is not matched against the grammar again (a third less CPU
//! for a cold build of the bench book, the same HTML).
//! Highlighting is the build's hot path, so
//! [`Highlighter::highlight_code`] is a pure function of (language, code):
//! callers run it in parallel and may cache it.
//! An unknown language, or any syntect failure, yields plain escaped code.
//!
//! A block over [`MAX_HIGHLIGHT_BYTES`] or [`MAX_HIGHLIGHT_LINES`], or with a
//! line over [`MAX_LINE_BYTES`], is shown plain with a note: a regex can take
//! time quadratic in a line's length, and no block may make a build take
//! minutes. `folio build` keeps highlighted blocks in a `DiskCache` in
//! `.folio-cache/highlight/`, so an unchanged block is highlighted once
//! across builds.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use syntect::highlighting::{Color, ThemeSet};
use syntect::html::{css_for_theme_with_class_style, line_tokens_to_classed_spans, ClassStyle};
use syntect::parsing::{ParseState, ScopeStack, SyntaxSet};
use syntect::util::LinesWithEndings;

use super::disk_cache::DiskCache;
use super::escape_html;
use super::line_memo::LineMemo;
use crate::fingerprint;

/// Where `folio build` keeps highlighted blocks, relative to the book's
/// root.
pub(crate) const DISK_CACHE_DIR: &str = ".folio-cache/highlight";

/// Code larger than this is shown without highlighting.
pub const MAX_HIGHLIGHT_BYTES: usize = 256 << 10;
/// Code with more lines than this is shown without highlighting.
pub const MAX_HIGHLIGHT_LINES: usize = 10_000;
/// Code with a line longer than this is shown without highlighting.
pub const MAX_LINE_BYTES: usize = 4 << 10;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Loads syntect's syntax definitions once, on first use, so books without
/// code never pay for it. With a cache (the preview server keeps one across
/// rebuilds), each distinct code block is highlighted once.
#[derive(Default)]
pub struct Highlighter {
    syntaxes: OnceLock<SyntaxSet>,
    lines: LineMemo,
    cache: Option<Mutex<HashMap<String, String>>>,
    disk: Option<DiskCache>,
}

impl Highlighter {
    /// A highlighter that remembers every block it has highlighted.
    pub fn with_cache() -> Highlighter {
        Highlighter {
            cache: Some(Mutex::new(HashMap::new())),
            ..Highlighter::default()
        }
    }

    /// A highlighter for a preview server: it remembers every block in
    /// memory across rebuilds, and reads and keeps blocks in `dir` like
    /// `folio build` does, so starting the preview again does not
    /// highlight the book again. Call [`Highlighter::finish`] after each
    /// full build.
    pub fn with_cache_on_disk(dir: std::path::PathBuf) -> Highlighter {
        Highlighter {
            cache: Some(Mutex::new(HashMap::new())),
            disk: Some(DiskCache::new(dir, fingerprint())),
            ..Highlighter::default()
        }
    }

    /// A highlighter that keeps what it highlights in `dir` across builds
    /// (see `DiskCache`).
    pub fn with_disk_cache(dir: std::path::PathBuf) -> Highlighter {
        Highlighter {
            disk: Some(DiskCache::new(dir, fingerprint())),
            ..Highlighter::default()
        }
    }

    /// Seals what this build added to the disk cache and keeps the cache
    /// under its bounds; call once a build has rendered every page.
    pub fn finish(&self) {
        if let Some(disk) = &self.disk {
            disk.finish();
        }
    }

    fn syntaxes(&self) -> &SyntaxSet {
        self.syntaxes.get_or_init(SyntaxSet::load_defaults_newlines)
    }

    /// A complete `<pre>` block for `code` in the fence's `language`
    /// (its first word; may be empty), with a line-number gutter when
    /// `numbered`.
    pub fn highlight_code(&self, language: &str, code: &str, numbered: bool) -> String {
        let Some(cache) = &self.cache else {
            return self.render_code(language, code, numbered);
        };
        let key = format!("{numbered}\u{0}{language}\u{0}{code}");
        if let Some(html) = cache.lock().ok().and_then(|cache| cache.get(&key).cloned()) {
            return html;
        }
        let html = self.render_code(language, code, numbered);
        if let Ok(mut cache) = cache.lock() {
            cache.insert(key, html.clone());
        }
        html
    }

    fn render_code(&self, language: &str, code: &str, numbered: bool) -> String {
        let language = language.split_whitespace().next().unwrap_or("");
        let class = if language.is_empty() {
            String::new()
        } else {
            format!(" class=\"language-{}\"", escape_html(language))
        };
        let too_large = too_large(code);
        let body = if too_large {
            None
        } else {
            self.highlighted_cached(language, code)
        }
        .unwrap_or_else(|| escape_html(code));
        let note = if too_large && !language.is_empty() {
            "<p class=\"code-note\">Shown without highlighting: this block is too large.</p>\n"
        } else {
            ""
        };
        // tabindex lets keyboard users scroll long lines without a script.
        if numbered {
            let lines = numbered_lines(&body);
            format!("<pre class=\"code numbered\" tabindex=\"0\"><code{class}>{lines}</code></pre>\n{note}")
        } else {
            format!("<pre class=\"code\" tabindex=\"0\"><code{class}>{body}</code></pre>\n{note}")
        }
    }

    /// [`Self::highlighted`] through the disk cache, when there is one.
    fn highlighted_cached(&self, language: &str, code: &str) -> Option<String> {
        let Some(disk) = &self.disk else {
            return self.highlighted(language, code);
        };
        if language.is_empty() {
            return None;
        }
        if let Some(html) = disk.get(language, code) {
            return Some(html);
        }
        let html = self.highlighted(language, code)?;
        disk.put(language, code, &html);
        Some(html)
    }

    fn highlighted(&self, language: &str, code: &str) -> Option<String> {
        if language.is_empty() {
            return None;
        }
        let syntaxes = self.syntaxes();
        let syntax = syntaxes
            .find_syntax_by_token(language)
            .or_else(|| syntaxes.find_syntax_by_token(alias(language)?))?;
        // What syntect's `ClassedHTMLGenerator` does, with each line parsed
        // through the memo.
        let mut state = ParseState::new(syntax);
        let mut scopes = ScopeStack::new();
        let mut html = String::with_capacity(code.len() * 3);
        let mut open_spans = 0isize;
        for line in LinesWithEndings::from(code) {
            let ops = self.lines.parse_line(&mut state, line, syntaxes).ok()?;
            let (line_html, opened) =
                line_tokens_to_classed_spans(line, &ops, CLASS_STYLE, &mut scopes).ok()?;
            html.push_str(&line_html);
            open_spans += opened;
        }
        for _ in 0..open_spans {
            html.push_str("</span>");
        }
        Some(html)
    }
}

/// Highlighted (or escaped) code with each line in a `<span class="line">`
/// that the theme numbers with a CSS counter, so a number stays on its
/// line when long lines wrap. Highlighting spans that cross a line end are
/// closed before it and opened again after; the newlines stay between the
/// lines, so copied text is the code as written.
fn numbered_lines(body: &str) -> String {
    let mut out = String::with_capacity(body.len() + body.len() / 4);
    let mut open: Vec<&str> = Vec::new();
    let mut line = String::new();
    let mut shows_text = false;
    let mut rest = body;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("</span>") {
            open.pop();
            line.push_str("</span>");
            rest = after;
        } else if rest.starts_with("<span") {
            let end = rest.find('>').map_or(rest.len(), |at| at + 1);
            open.push(&rest[..end]);
            line.push_str(&rest[..end]);
            rest = &rest[end..];
        } else if let Some(after) = rest.strip_prefix('\n') {
            push_line(&mut out, &line, &open);
            out.push('\n');
            line = open.concat();
            shows_text = false;
            rest = after;
        } else {
            // Text up to the next tag or newline (a lone `<` is text).
            let end = match rest.find(['<', '\n']).unwrap_or(rest.len()) {
                0 => rest.chars().next().map_or(1, char::len_utf8),
                at => at,
            };
            line.push_str(&rest[..end]);
            shows_text = true;
            rest = &rest[end..];
        }
    }
    // What follows the last newline is a line only if it shows something.
    if shows_text {
        push_line(&mut out, &line, &open);
    }
    out
}

/// One numbered line: its HTML, with the spans still open closed.
fn push_line(out: &mut String, line: &str, open: &[&str]) {
    out.push_str("<span class=\"line\">");
    out.push_str(line);
    out.push_str(&"</span>".repeat(open.len()));
    out.push_str("</span>");
}

/// Whether `code` is past the sizes highlighting is attempted for.
fn too_large(code: &str) -> bool {
    code.len() > MAX_HIGHLIGHT_BYTES
        || code.lines().count() > MAX_HIGHLIGHT_LINES
        || code.lines().any(|line| line.len() > MAX_LINE_BYTES)
}

/// Names writers use that syntect's bundled syntaxes know by another token.
const ALIASES: &[(&[&str], &str)] = &[
    (&["shell", "console", "zsh"], "bash"),
    (&["jsonc", "json5"], "json"),
    (&["yml"], "yaml"),
    (&["golang"], "go"),
    (&["c++"], "cpp"),
    (&["c#", "csharp"], "cs"),
    (&["py", "python3"], "python"),
    (&["rb"], "ruby"),
    (&["ts", "typescript", "jsx", "tsx"], "js"),
    (&["html5", "xhtml"], "html"),
];

fn alias(language: &str) -> Option<&'static str> {
    let language = language.to_ascii_lowercase();
    ALIASES
        .iter()
        .find(|(names, _)| names.contains(&language.as_str()))
        .map(|(_, token)| *token)
}

/// Everything besides (language, code) that decides a block's HTML: the
/// syntect release, the syntax set (syntect's bundled defaults, so named
/// here), the class style and the aliases. Themes only change the CSS.
fn fingerprint() -> u64 {
    fingerprint::of(&(
        env!("FOLIO_SYNTECT_VERSION"),
        "default-syntaxes-newlines",
        "hl-",
        ALIASES,
    ))
}

/// The code background of the default theme's light and dark schemes
/// (`--bg-code` in folio.css); token colours are checked against these.
const LIGHT_CODE_BACKGROUND: Color = Color {
    r: 0xf3,
    g: 0xf4,
    b: 0xf6,
    a: 0xff,
};
const DARK_CODE_BACKGROUND: Color = Color {
    r: 0x1a,
    g: 0x1d,
    b: 0x23,
    a: 0xff,
};

/// WCAG 2.1 AA for normal text, with a little margin for rounding.
const MINIMUM_CONTRAST: f64 = 4.6;

/// The light and the dark stylesheet for the `hl-` classes. Each scheme's
/// rules are scoped to when they apply (the reader's choice in `data-theme`
/// on `<html>`, set by the theme toggle, else the system preference), so
/// both files load on every page and a long selector of one scheme can
/// never outweigh the other.
pub fn scoped_stylesheets() -> (String, String) {
    // A pure function of the bundled themes: computed once per process
    // (loading syntect's themes costs a few milliseconds per build).
    static SCOPED: OnceLock<(String, String)> = OnceLock::new();
    SCOPED.get_or_init(scope_stylesheets).clone()
}

fn scope_stylesheets() -> (String, String) {
    let (light, dark) = stylesheets();
    (
        format!(
            "{}\n@media (prefers-color-scheme: light) {{\n{}}}\n",
            scope_rules(&light, ":root[data-theme=\"light\"]"),
            scope_rules(&light, ":root:not([data-theme=\"dark\"])"),
        ),
        format!(
            "{}\n@media (prefers-color-scheme: dark) {{\n{}}}\n",
            scope_rules(&dark, ":root[data-theme=\"dark\"]"),
            scope_rules(&dark, ":root:not([data-theme=\"light\"])"),
        ),
    )
}

/// Prefixes every selector of a flat stylesheet (no at-rules) with `scope`.
fn scope_rules(css: &str, scope: &str) -> String {
    let mut out = String::new();
    for rule in css.split_inclusive('}') {
        let Some((selectors, body)) = rule.split_once('{') else {
            out.push_str(rule);
            continue;
        };
        // Comments before a rule stay as they are.
        let (comment, selectors) = match selectors.rfind("*/") {
            Some(end) => selectors.split_at(end + 2),
            None => ("", selectors),
        };
        let scoped: Vec<String> = selectors
            .split(',')
            .map(str::trim)
            .filter(|selector| !selector.is_empty())
            .map(|selector| format!("{scope} {selector}"))
            .collect();
        out.push_str(comment);
        out.push('\n');
        out.push_str(&scoped.join(", "));
        out.push_str(" {");
        out.push_str(body);
    }
    out
}

/// The light and dark stylesheets for the `hl-` classes. syntect's bundled
/// themes have some token colours (comments, strings) below WCAG AA
/// contrast, so each colour is darkened or lightened until it passes.
pub fn stylesheets() -> (String, String) {
    let themes = ThemeSet::load_defaults();
    let css = |name: &str, background: Color| {
        let Some(mut theme) = themes.themes.get(name).cloned() else {
            return String::new();
        };
        for item in &mut theme.scopes {
            if let Some(colour) = &mut item.style.foreground {
                *colour = with_contrast(*colour, background);
            }
        }
        if let Some(colour) = &mut theme.settings.foreground {
            *colour = with_contrast(*colour, background);
        }
        // The page's code background applies, not the theme's own.
        theme.settings.background = None;
        css_for_theme_with_class_style(&theme, CLASS_STYLE).unwrap_or_default()
    };
    (
        css("InspiredGitHub", LIGHT_CODE_BACKGROUND),
        css("base16-ocean.dark", DARK_CODE_BACKGROUND),
    )
}

/// Moves `colour` towards black (on a light background) or white (on a
/// dark one) in small steps until its contrast with `background` passes.
fn with_contrast(colour: Color, background: Color) -> Color {
    let target = if luminance(background) > 0.5 {
        0.0
    } else {
        255.0
    };
    let mut current = colour;
    for step in 1..=20 {
        if contrast(current, background) >= MINIMUM_CONTRAST {
            break;
        }
        let mix = |channel: u8| {
            (f64::from(channel) + (target - f64::from(channel)) * f64::from(step) / 20.0).round()
                as u8
        };
        current = Color {
            r: mix(colour.r),
            g: mix(colour.g),
            b: mix(colour.b),
            a: colour.a,
        };
    }
    current
}

/// WCAG relative luminance.
fn luminance(colour: Color) -> f64 {
    let channel = |value: u8| {
        let c = f64::from(value) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)
}

/// WCAG contrast ratio.
fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_lines_close_and_reopen_spans_at_line_ends() {
        let body = "<span class=\"a\">x\n<span class=\"b\">/* y\nz */</span></span>\nlast &lt;\n";
        assert_eq!(
            numbered_lines(body),
            "<span class=\"line\"><span class=\"a\">x</span></span>\n\
             <span class=\"line\"><span class=\"a\"><span class=\"b\">/* y</span></span></span>\n\
             <span class=\"line\"><span class=\"a\"><span class=\"b\">z */</span></span></span>\n\
             <span class=\"line\">last &lt;</span>\n"
        );
        assert_eq!(
            numbered_lines("a\nb"),
            "<span class=\"line\">a</span>\n<span class=\"line\">b</span>",
            "the last line without a newline is numbered too"
        );
        assert_eq!(
            numbered_lines("<span class=\"s\">a\n</span>"),
            "<span class=\"line\"><span class=\"s\">a</span></span>\n"
        );
    }

    #[test]
    fn known_language_gets_classes() {
        let html = Highlighter::default().highlight_code("rust", "fn main() {}\n", false);
        assert!(
            html.starts_with("<pre class=\"code\" tabindex=\"0\"><code class=\"language-rust\">")
        );
        assert!(html.contains("hl-"), "{html}");
    }

    #[test]
    fn unknown_language_is_plain_and_escaped() {
        let html = Highlighter::default().highlight_code("klingon", "a < b\n", false);
        assert_eq!(
            html,
            "<pre class=\"code\" tabindex=\"0\"><code class=\"language-klingon\">a &lt; b\n</code></pre>\n"
        );
    }

    #[test]
    fn every_token_colour_meets_aa_contrast() {
        let (light, dark) = stylesheets();
        for (css, background) in [(light, LIGHT_CODE_BACKGROUND), (dark, DARK_CODE_BACKGROUND)] {
            let colours: Vec<&str> = css
                .split(" color: #")
                .skip(1)
                .map(|rest| &rest[..6])
                .collect();
            assert!(!colours.is_empty());
            for hex in colours {
                let value = u32::from_str_radix(hex, 16).unwrap();
                let colour = Color {
                    r: (value >> 16) as u8,
                    g: (value >> 8) as u8,
                    b: value as u8,
                    a: 255,
                };
                assert!(
                    contrast(colour, background) >= 4.5,
                    "#{hex} on {background:?}"
                );
            }
        }
    }

    #[test]
    fn every_rule_is_scoped_to_the_chosen_or_system_theme() {
        let (light, dark) = scoped_stylesheets();
        let css = format!("{light}{dark}");
        for scope in [
            ":root[data-theme=\"dark\"] .hl-",
            ":root:not([data-theme=\"light\"]) .hl-",
            ":root[data-theme=\"light\"] .hl-",
            ":root:not([data-theme=\"dark\"]) .hl-",
        ] {
            assert!(css.contains(scope), "{scope}");
        }
        for rule in css.split('}') {
            let selectors = rule.rsplit_once('{').map_or("", |(selectors, _)| selectors);
            let selectors = selectors.rsplit("*/").next().unwrap_or(selectors).trim();
            if selectors.contains(".hl-") {
                for selector in selectors.split(',') {
                    assert!(selector.trim().starts_with(":root"), "unscoped: {selector}");
                }
            }
        }
        assert_eq!(css.matches('{').count(), css.matches('}').count());
    }

    #[test]
    fn oversized_code_is_plain_with_a_note() {
        let highlighter = Highlighter::default();
        let big = "let x = 1;\n".repeat(MAX_HIGHLIGHT_BYTES / 11 + 1);
        let long_line = format!("[{}]\n", "1, ".repeat(MAX_LINE_BYTES / 3 + 1));
        let many = "x\n".repeat(MAX_HIGHLIGHT_LINES + 1);
        for (language, code) in [("rust", &big), ("json", &long_line), ("python", &many)] {
            let html = highlighter.highlight_code(language, code, false);
            assert!(!html.contains("hl-"), "{language} was highlighted");
            assert!(
                html.contains("class=\"code-note\""),
                "{language} has no note"
            );
            assert!(html.contains(&escape_html(&code[..40])));
        }
        // At the limits, code is still highlighted.
        let fits = "let x = 1;\n".repeat(MAX_HIGHLIGHT_LINES);
        let html = highlighter.highlight_code("rust", &fits, false);
        assert!(html.contains("hl-") && !html.contains("code-note"));
    }

    #[test]
    fn the_disk_cache_serves_the_next_build_and_survives_damage() {
        let dir = tempfile::tempdir().unwrap();
        let code = "fn main() {}\n";
        let first = Highlighter::with_disk_cache(dir.path().to_path_buf());
        let html = first.highlight_code("rust", code, false);
        first.finish();
        let files: Vec<_> = walk_files(dir.path());
        assert_eq!(files.len(), 1);
        // A second build reads the entry without loading syntaxes.
        let second = Highlighter::with_disk_cache(dir.path().to_path_buf());
        assert_eq!(second.highlight_code("rust", code, false), html);
        assert!(second.syntaxes.get().is_none());
        second.finish();
        // A damaged pack is highlighted again and stored again.
        std::fs::write(&files[0], b"folio-highlight 1\ngarbage").unwrap();
        let third = Highlighter::with_disk_cache(dir.path().to_path_buf());
        assert_eq!(third.highlight_code("rust", code, false), html);
        assert!(third.syntaxes.get().is_some());
        third.finish();
        let fourth = Highlighter::with_disk_cache(dir.path().to_path_buf());
        assert_eq!(fourth.highlight_code("rust", code, false), html);
        assert!(fourth.syntaxes.get().is_none());
    }

    #[test]
    fn a_preview_remembers_blocks_and_the_next_preview_reads_them_from_disk() {
        let dir = tempfile::tempdir().unwrap();
        let code = "fn main() {}\n";
        let first = Highlighter::with_cache_on_disk(dir.path().to_path_buf());
        let html = first.highlight_code("rust", code, true);
        assert_eq!(first.highlight_code("rust", code, true), html);
        first.finish();
        assert_eq!(walk_files(dir.path()).len(), 1);
        let second = Highlighter::with_cache_on_disk(dir.path().to_path_buf());
        assert_eq!(second.highlight_code("rust", code, true), html);
        assert!(second.syntaxes.get().is_none());
    }

    fn walk_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect()
    }

    #[test]
    fn stylesheets_are_generated() {
        let (light, dark) = stylesheets();
        assert!(light.contains(".hl-"));
        assert!(dark.contains(".hl-"));
        assert_ne!(light, dark);
    }
}
