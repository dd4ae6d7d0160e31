//! Syntax highlighting of code blocks at build time, with syntect.
//!
//! Output uses CSS classes (`hl-…`) rather than inline colours, so one light
//! and one dark stylesheet (generated here from syntect's bundled themes)
//! restyle every page. Regexes run on the pure-Rust fancy-regex backend.
//! Highlighting is the build's hot path, so [`highlight_code`] is a pure
//! function of (language, code): callers run it in parallel and may cache it.
//! An unknown language, or any syntect failure, yields plain escaped code.

use std::sync::OnceLock;

use syntect::highlighting::ThemeSet;
use syntect::html::{css_for_theme_with_class_style, ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use super::escape_html;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Loads syntect's syntax definitions once, on first use, so books without
/// code never pay for it.
#[derive(Default)]
pub struct Highlighter {
    syntaxes: OnceLock<SyntaxSet>,
}

impl Highlighter {
    fn syntaxes(&self) -> &SyntaxSet {
        self.syntaxes.get_or_init(SyntaxSet::load_defaults_newlines)
    }

    /// A complete `<pre>` block for `code` in the fence's `language`
    /// (its first word; may be empty), with a line-number gutter when
    /// `numbered`.
    pub fn highlight_code(&self, language: &str, code: &str, numbered: bool) -> String {
        let language = language.split_whitespace().next().unwrap_or("");
        let class = if language.is_empty() {
            String::new()
        } else {
            format!(" class=\"language-{}\"", escape_html(language))
        };
        let body = self
            .highlighted(language, code)
            .unwrap_or_else(|| escape_html(code));
        // tabindex lets keyboard users scroll long lines without a script.
        if numbered {
            let gutter: String = (1..=code.lines().count())
                .map(|n| format!("{n}\n"))
                .collect();
            format!("<pre class=\"code numbered\" tabindex=\"0\"><span class=\"gutter\" aria-hidden=\"true\">{gutter}</span><code{class}>{body}</code></pre>\n")
        } else {
            format!("<pre class=\"code\" tabindex=\"0\"><code{class}>{body}</code></pre>\n")
        }
    }

    fn highlighted(&self, language: &str, code: &str) -> Option<String> {
        if language.is_empty() {
            return None;
        }
        let syntaxes = self.syntaxes();
        let syntax = syntaxes
            .find_syntax_by_token(language)
            .or_else(|| syntaxes.find_syntax_by_token(alias(language)?))?;
        let mut generator =
            ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            generator
                .parse_html_for_line_which_includes_newline(line)
                .ok()?;
        }
        Some(generator.finalize())
    }
}

/// Names writers use that syntect's bundled syntaxes know by another token.
fn alias(language: &str) -> Option<&'static str> {
    Some(match language.to_ascii_lowercase().as_str() {
        "shell" | "console" | "zsh" => "bash",
        "jsonc" | "json5" => "json",
        "yml" => "yaml",
        "golang" => "go",
        "c++" => "cpp",
        "c#" | "csharp" => "cs",
        "py" | "python3" => "python",
        "rb" => "ruby",
        "ts" | "typescript" | "jsx" | "tsx" => "js",
        "html5" | "xhtml" => "html",
        _ => return None,
    })
}

/// The light and dark stylesheets for the `hl-` classes.
pub fn stylesheets() -> (String, String) {
    let themes = ThemeSet::load_defaults();
    let css = |name: &str| {
        themes
            .themes
            .get(name)
            .and_then(|theme| css_for_theme_with_class_style(theme, CLASS_STYLE).ok())
            .unwrap_or_default()
    };
    (css("InspiredGitHub"), css("base16-ocean.dark"))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn stylesheets_are_generated() {
        let (light, dark) = stylesheets();
        assert!(light.contains(".hl-"));
        assert!(dark.contains(".hl-"));
        assert_ne!(light, dark);
    }
}
