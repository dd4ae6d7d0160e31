//! The theme: Tera templates and static files.
//!
//! The default theme (this repository's `theme/` folder) is compiled into the
//! binary so `folio build` works on any book; a book's own theme folder
//! replaces it file by file. Template errors name the template file and,
//! where Tera or the template text tells, the line.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::sync::Mutex;

use tera::Tera;

use crate::source::BookRoot;

/// The default theme's templates, embedded at compile time.
const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    ("page.html", include_str!("../../theme/page.html")),
    ("macros.html", include_str!("../../theme/macros.html")),
    ("print.html", include_str!("../../theme/print.html")),
    ("not-found.html", include_str!("../../theme/not-found.html")),
    ("redirect.html", include_str!("../../theme/redirect.html")),
    ("embed.html", include_str!("../../theme/embed.html")),
    ("blocks.html", include_str!("../../theme/blocks.html")),
    ("listing.html", include_str!("../../theme/listing.html")),
    ("openapi.html", include_str!("../../theme/openapi.html")),
    (
        "openapi-schemas.html",
        include_str!("../../theme/openapi-schemas.html"),
    ),
];

/// The default theme's static files. The search client belongs to
/// `search`, which builds the index it reads.
const DEFAULT_STATIC: &[(&str, &[u8])] = &[
    ("folio.css", include_bytes!("../../theme/folio.css")),
    ("folio.js", include_bytes!("../../theme/folio.js")),
    ("search.js", crate::search::CLIENT),
    ("favicon.svg", include_bytes!("../../theme/favicon.svg")),
];

/// Loaded templates plus the static files to publish under `_folio/`.
pub struct Theme {
    pub(super) tera: Tera,
    /// Where each template came from, and its text, for error messages.
    sources: HashMap<String, (String, String)>,
    /// Static files: name → bytes.
    pub static_files: Vec<(String, Vec<u8>)>,
    fingerprint: u64,
}

/// A template that failed to parse or render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// The template file (`theme/page.html`, or `<built-in>/page.html`).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// Tera's explanation.
    pub message: String,
    /// Other lines that use the name a render error is about, when which
    /// one failed could not be told.
    pub uses: Vec<usize>,
    /// The template (its name in the theme) and the name Tera said was
    /// missing, for a render error.
    searched: Option<Box<(String, String)>>,
}

/// A name no template uses, standing in for the uses of a missing one
/// while [`Theme::failing_use`] tries them in turn.
const PROBE: &str = "__folio_probe";

impl TemplateError {
    /// An error in `file` (at `line`, when known) that is not Tera's own.
    pub fn new(file: impl Into<String>, line: Option<usize>, message: impl Into<String>) -> Self {
        TemplateError {
            file: file.into(),
            line,
            message: message.into(),
            uses: Vec::new(),
            searched: None,
        }
    }
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: template error: {}", self.file, self.message)?,
            None => write!(f, "{}: template error: {}", self.file, self.message)?,
        }
        match self.uses.as_slice() {
            [] => Ok(()),
            lines => write!(
                f,
                " (also used on line{} {})",
                if lines.len() == 1 { "" } else { "s" },
                lines
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

impl std::error::Error for TemplateError {}

impl Theme {
    /// Loads the default theme, overridden by the files in `theme_dir`.
    pub fn load(root: &BookRoot, theme_dir: Option<&str>) -> Result<Theme, TemplateError> {
        let mut sources: HashMap<String, (String, String)> = DEFAULT_TEMPLATES
            .iter()
            .map(|(name, text)| {
                (
                    name.to_string(),
                    (format!("<built-in>/{name}"), text.to_string()),
                )
            })
            .collect();
        let mut static_files: HashMap<String, Vec<u8>> = DEFAULT_STATIC
            .iter()
            .map(|(name, bytes)| (name.to_string(), bytes.to_vec()))
            .collect();
        let theme_dir = theme_dir.unwrap_or_default();
        let overrides = if theme_dir.is_empty() {
            Vec::new()
        } else {
            root.list_dir(theme_dir)
        };
        for name in overrides {
            let rel = format!("{theme_dir}/{name}");
            if !root.is_file(&rel) {
                continue;
            }
            let bytes = root
                .read_bytes(&rel)
                .map_err(|err| TemplateError::new(&rel, None, err.to_string()))?;
            if name.ends_with(".html") {
                let text = String::from_utf8(bytes)
                    .map_err(|_| TemplateError::new(&rel, None, "template is not valid UTF-8"))?;
                sources.insert(name, (rel, text));
            } else {
                static_files.insert(name, bytes);
            }
        }
        let mut static_files: Vec<_> = static_files.into_iter().collect();
        static_files.sort();
        let fingerprint = {
            let mut texts: Vec<(&String, &(String, String))> = sources.iter().collect();
            texts.sort();
            crate::fingerprint::of(&texts)
        };
        let tera = compiled_templates(&sources, fingerprint)?;
        Ok(Theme {
            tera,
            sources,
            static_files,
            fingerprint,
        })
    }

    /// A hash of every template's text: rendered pages cached under another
    /// fingerprint came from other templates.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Renders `name` with `context`.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, TemplateError> {
        self.tera.render(name, context).map_err(|err| {
            let mut error = template_error(&self.sources, &err);
            if let Some(line) = self.failing_use(name, context, &error) {
                error.line = Some(line);
                error.uses.clear();
            }
            error
        })
    }

    /// When the name a render error is about is used on several lines,
    /// which use failed: each use in turn is left as written while the
    /// others read a value that exists; the first whose render fails the
    /// same way is it. Only runs after a failed render.
    fn failing_use(
        &self,
        name: &str,
        context: &tera::Context,
        error: &TemplateError,
    ) -> Option<usize> {
        let (key, searched) = error.searched.as_deref()?;
        let text = &self.sources.get(key)?.1;
        let uses = uses_in_tags(text, searched);
        if uses.len() < 2 {
            return None;
        }
        let mut probe = context.clone();
        probe.insert(PROBE, "");
        uses.iter().enumerate().find_map(|(kept, (line, _, _))| {
            let mut changed = text.clone();
            for (at, (_, _, range)) in uses.iter().enumerate().rev() {
                if at != kept {
                    changed.replace_range(range.clone(), PROBE);
                }
            }
            let mut tera = self.tera.clone();
            tera.add_raw_template(key, &changed).ok()?;
            let err = tera.render(name, &probe).err()?;
            (template_error(&self.sources, &err).message == error.message).then_some(*line)
        })
    }
}

/// The templates of `sources` compiled by Tera. Compiling is most of the
/// cost of a small build (every preview rebuild loads the theme), so the
/// last compiled set is kept for the process and cloned while the
/// templates' text (`fingerprint`) is unchanged.
fn compiled_templates(
    sources: &HashMap<String, (String, String)>,
    fingerprint: u64,
) -> Result<Tera, TemplateError> {
    static LAST: Mutex<Option<(u64, Tera)>> = Mutex::new(None);
    if let Ok(last) = LAST.lock() {
        if let Some((_, tera)) = last.as_ref().filter(|(key, _)| *key == fingerprint) {
            return Ok(tera.clone());
        }
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html"]);
    // Tera's default also escapes `/`, which bloats every URL.
    tera.set_escape_fn(super::escape_html);
    let mut templates: Vec<(&String, &String)> = sources
        .iter()
        .map(|(name, (_, text))| (name, text))
        .collect();
    templates.sort();
    tera.add_raw_templates(templates)
        .map_err(|err| template_error(sources, &err))?;
    if let Ok(mut last) = LAST.lock() {
        *last = Some((fingerprint, tera.clone()));
    }
    Ok(tera)
}

/// Turns a Tera error into one naming the template file and line.
fn template_error(sources: &HashMap<String, (String, String)>, err: &tera::Error) -> TemplateError {
    let mut messages = vec![err.to_string()];
    let mut cause = std::error::Error::source(err);
    while let Some(inner) = cause {
        messages.push(inner.to_string());
        cause = inner.source();
    }
    let full = messages.join("\n");
    // Tera quotes the failing template's name ('page.html'); the innermost
    // quoted name is where the problem is (a macro file, an included file).
    let name = messages
        .iter()
        .rev()
        .flat_map(|m| quoted_names(m))
        .find(|name| sources.contains_key(name.as_str()))
        .unwrap_or_default();
    let (file, text) = sources
        .get(&name)
        .cloned()
        .unwrap_or_else(|| (name.clone(), String::new()));
    let (line, uses, searched) = match parse_error_line(&full) {
        Some(line) => (Some(line), Vec::new(), None),
        None => match mentioned_line(&full, &text, sources) {
            Some((searched, line, others)) => {
                (Some(line), others, Some(Box::new((name, searched))))
            }
            None => (None, Vec::new(), None),
        },
    };
    let message = messages
        .last()
        .map(|m| {
            m.lines()
                .rfind(|l| !l.trim().is_empty())
                .unwrap_or(m)
                .trim()
                .trim_start_matches("= ")
                .to_string()
        })
        .unwrap_or_default();
    TemplateError {
        file,
        line,
        message,
        uses,
        searched,
    }
}

fn quoted_names(message: &str) -> Vec<String> {
    message
        .split('\'')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect()
}

/// The line from a parse error's ` --> 3:5` marker.
fn parse_error_line(message: &str) -> Option<usize> {
    let after = message.split("--> ").nth(1)?;
    after.split(':').next()?.trim().parse().ok()
}

/// For render errors, Tera names the missing variable (in backticks) or
/// filter, test or macro (in quotes) but not its line. The name is looked
/// for only where Tera evaluates it (inside `{{ }}` and `{% %}` tags, as a
/// whole name, not in comments or text), so the line is never a mere
/// mention. When the template uses it on several lines, the first use in
/// an output tag (`{{ }}`, the kind that fails on a missing value) is
/// given with the other lines, until [`Theme::failing_use`] tells which
/// one failed. Returns the name, the line and the other lines.
fn mentioned_line(
    message: &str,
    template: &str,
    sources: &HashMap<String, (String, String)>,
) -> Option<(String, usize, Vec<usize>)> {
    let backticked = message.split('`').skip(1).step_by(2).map(String::from);
    let quoted = quoted_names(message)
        .into_iter()
        .filter(|name| !sources.contains_key(name));
    backticked
        .chain(quoted)
        .filter(|name| !name.is_empty())
        .find_map(|name| {
            let uses = uses_in_tags(template, &name);
            let first = uses
                .iter()
                .find(|(_, output, _)| *output)
                .or_else(|| uses.first())?
                .0;
            let mut others: Vec<usize> = uses.iter().map(|(line, _, _)| *line).collect();
            others.dedup();
            others.retain(|line| *line != first);
            Some((name, first, others))
        })
}

/// Where `name` is used inside a template tag: each use's line, whether
/// the tag is an output tag (`{{ }}`), and its bytes.
fn uses_in_tags(template: &str, name: &str) -> Vec<(usize, bool, Range<usize>)> {
    let is_name_char = |c: char| c.is_alphanumeric() || c == '_';
    let mut uses = Vec::new();
    let mut rest = template;
    let mut offset = 0;
    while let Some(open) = rest.find('{') {
        let kind = rest[open + 1..].chars().next();
        let close = match kind {
            Some('{') => "}}",
            Some('%') => "%}",
            Some('#') => "#}",
            _ => {
                offset += open + 1;
                rest = &rest[open + 1..];
                continue;
            }
        };
        let body_start = open + 2;
        let Some(length) = rest[body_start..].find(close) else {
            break;
        };
        let body = &rest[body_start..body_start + length];
        if kind != Some('#') {
            for (at, _) in body.match_indices(name) {
                let before = body[..at].chars().next_back();
                let after = body[at + name.len()..].chars().next();
                let whole = !before.is_some_and(|c| is_name_char(c) || c == '.')
                    && !after.is_some_and(is_name_char);
                if whole {
                    let absolute = offset + body_start + at;
                    let line = template[..absolute].matches('\n').count() + 1;
                    uses.push((line, kind == Some('{'), absolute..absolute + name.len()));
                }
            }
        }
        let consumed = body_start + length + close.len();
        offset += consumed;
        rest = &rest[consumed..];
    }
    uses
}

/// The default theme, loaded once, for other modules' unit tests.
#[cfg(test)]
pub(super) fn default_theme() -> &'static Theme {
    static THEME: std::sync::OnceLock<Theme> = std::sync::OnceLock::new();
    THEME.get_or_init(|| {
        let root = BookRoot::open(&std::env::temp_dir()).expect("a folder");
        Theme::load(&root, None).expect("the default theme")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book_with_theme(files: &[(&str, &str)]) -> (tempfile::TempDir, BookRoot) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("theme")).unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join("theme").join(name), text).unwrap();
        }
        let root = BookRoot::open(dir.path()).unwrap();
        (dir, root)
    }

    #[test]
    fn default_theme_loads_and_book_files_override_it() {
        let (_dir, root) =
            book_with_theme(&[("page.html", "custom {{ page.title }}"), ("extra.css", "x")]);
        let theme = Theme::load(&root, Some("theme")).unwrap();
        let mut context = tera::Context::new();
        context.insert("page", &serde_json::json!({"title": "<T>"}));
        assert_eq!(
            theme.render("page.html", &context).unwrap(),
            "custom &lt;T&gt;"
        );
        let names: Vec<_> = theme.static_files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "extra.css",
                "favicon.svg",
                "folio.css",
                "folio.js",
                "search.js"
            ]
        );
    }

    #[test]
    fn parse_errors_name_file_and_line() {
        let (_dir, root) =
            book_with_theme(&[("page.html", "line one\n{{ page.title | }}\nthree\n")]);
        let err = Theme::load(&root, Some("theme")).err().unwrap();
        assert_eq!(err.file, "theme/page.html");
        assert_eq!(err.line, Some(2));
    }

    #[test]
    fn render_errors_name_file_and_line() {
        let (_dir, root) = book_with_theme(&[("page.html", "ok\n\n{{ page.nope.deeper }}\n")]);
        let theme = Theme::load(&root, Some("theme")).unwrap();
        let mut context = tera::Context::new();
        context.insert("page", &serde_json::json!({}));
        let err = theme.render("page.html", &context).unwrap_err();
        assert_eq!(err.file, "theme/page.html");
        assert_eq!(err.line, Some(3));
        assert!(
            err.to_string()
                .starts_with("theme/page.html:3: template error:"),
            "{err}"
        );
    }

    #[test]
    fn render_errors_point_at_a_use_never_a_mention() {
        // The name in text, a comment and a longer name comes first; the
        // use that fails is in an output tag after a guarded use.
        let template = "<p>page.subtitle is shown below</p>\n{# page.subtitle #}\n{{ page.subtitle_x }}\n{% if page.subtitle %}x{% endif %}\n<h2>{{ page.subtitle }}</h2>\n{{ page.subtitle | upper }}\n";
        let (_dir, root) = book_with_theme(&[("page.html", template)]);
        let theme = Theme::load(&root, Some("theme")).unwrap();
        let mut context = tera::Context::new();
        context.insert("page", &serde_json::json!({"subtitle_x": 1}));
        let err = theme.render("page.html", &context).unwrap_err();
        assert_eq!(err.line, Some(5), "{err}");
        assert!(err.uses.is_empty(), "{err}");
        let found: Vec<(usize, bool)> = uses_in_tags("{{ a.b }}{{ x.a.b }}\n{% if a.b %}", "a.b")
            .into_iter()
            .map(|(line, output, _)| (line, output))
            .collect();
        assert_eq!(found, [(1, true), (2, false)]);
    }

    #[test]
    fn the_use_that_failed_is_found_among_several() {
        // Line 2's use is guarded by a condition that is false; line 4's
        // runs. Text order alone would point at line 2.
        let template = "{% if page.show %}\n<h1>{{ page.subtitle }}</h1>\n{% endif %}\n<p>{{ page.subtitle }}</p>\n";
        let (_dir, root) = book_with_theme(&[("page.html", template)]);
        let theme = Theme::load(&root, Some("theme")).unwrap();
        let mut context = tera::Context::new();
        context.insert("page", &serde_json::json!({"show": false}));
        let err = theme.render("page.html", &context).unwrap_err();
        assert_eq!(err.line, Some(4), "{err}");
        assert!(err.uses.is_empty(), "{err}");
    }
}
