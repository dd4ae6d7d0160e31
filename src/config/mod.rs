//! Book configuration: `book.toml` → [`Config`].
//!
//! Owns the raw serde shape of `book.toml` (every table rejects unknown keys,
//! so a typo is an `invalid-config` error naming the key and its line) and the
//! resolved [`Config`] that later stages read: defaults applied, sections
//! listed with their URL prefixes, paths normalised. A directory without
//! `book.toml` is read as a GitBook export: `.gitbook.yaml` (`root`,
//! `structure`, `redirects`) with GitBook's defaults when it is absent. A
//! section folder that holds a `.gitbook.yaml` is read the same way, so a
//! `book.toml` can add site settings around an untouched export.
//!
//! It never walks pages or touches the output directory.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use crate::diag::{Code, Diagnostic, Severity};
use crate::paths::join_rel;
use crate::source::{BookRoot, ReadError, SourceFile};
use crate::yaml;

mod places;

/// The configuration file's name.
pub const CONFIG_FILE: &str = "book.toml";

/// GitBook's space configuration file.
pub const GITBOOK_FILE: &str = ".gitbook.yaml";

/// What to do with a link that resolves nowhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum BrokenLinks {
    /// Report as an error and fail the build (the default).
    #[default]
    Error,
    /// Report as a warning and publish anyway.
    Warn,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    book: RawBook,
    #[serde(default)]
    build: RawBuild,
    #[serde(default)]
    output: RawOutput,
    #[serde(default)]
    section: Vec<RawSection>,
    #[serde(default)]
    gitbook: RawGitbook,
    #[serde(default)]
    index: Vec<IndexConfig>,
    #[serde(default)]
    rules: Vec<RulesConfig>,
    #[serde(default)]
    link_check: LinkCheckConfig,
    #[serde(default)]
    check: RawCheck,
}

/// `[check]` as written: diagnostic codes by level, and what to leave out.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawCheck {
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    warn: Vec<String>,
    #[serde(default)]
    deny: Vec<String>,
    #[serde(default)]
    ignore_files: Vec<String>,
    #[serde(default)]
    ignore_urls: Vec<String>,
}

/// How a code counts, set in `[check]` (as clippy's lint levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Not reported.
    Allow,
    /// Reported as a warning.
    Warn,
    /// Reported as an error.
    Deny,
}

/// `[check]`, compiled: levels by code, and the files and addresses whose
/// problems are not reported.
#[derive(Debug, Clone, Default)]
pub struct CheckRules {
    /// Codes whose level the book sets.
    pub levels: Vec<(Code, Level)>,
    /// Book-relative paths (globs) whose problems are not reported.
    pub ignore_files: globset::GlobSet,
    /// Link targets (globs, `*` across `/` too) whose problems are not
    /// reported and that `--external` does not request.
    pub ignore_urls: globset::GlobSet,
}

impl CheckRules {
    /// The level the book sets for `code`, if any.
    pub fn level(&self, code: Code) -> Option<Level> {
        self.levels
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, level)| *level)
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawGitbook {
    #[serde(default)]
    spaces: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    openapi: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawBook {
    title: Option<String>,
    description: Option<String>,
    #[serde(default)]
    authors: Vec<String>,
    language: Option<String>,
    src: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawBuild {
    build_dir: Option<String>,
    broken_links: Option<BrokenLinks>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawOutput {
    #[serde(default)]
    html: RawHtml,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawHtml {
    site_url: Option<String>,
    theme: Option<String>,
    edit_url_template: Option<String>,
    #[serde(default)]
    last_updated: bool,
    mermaid: Option<String>,
    print: Option<bool>,
    logo: Option<String>,
    logo_dark: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSection {
    dir: String,
    title: Option<String>,
    url: Option<String>,
    readme: Option<String>,
    summary: Option<String>,
}

/// An index page generated from the front matter of a folder's pages
/// (`[[index]]`): one table per group, a filter box, and a JSON copy.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct IndexConfig {
    /// The page (in a SUMMARY) whose body ends with the index.
    pub page: String,
    /// The folder whose pages are listed; every page in it is published.
    pub collect: String,
    /// The front matter key to group by (a string or a list of strings).
    pub group_by: String,
    /// Groups in this order first; others follow alphabetically.
    #[serde(default)]
    pub groups: Vec<String>,
    /// The key to sort entries by (default: the page title).
    pub sort_by: Option<String>,
    /// `asc` (default) or `desc`.
    #[serde(default)]
    pub order: SortOrder,
    /// Keys shown as columns after the title.
    #[serde(default)]
    pub columns: Vec<String>,
    /// Keys offered as filters (with a choice of their values).
    #[serde(default)]
    pub filters: Vec<String>,
}

/// Sort direction of an index.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SortOrder {
    /// A to Z.
    #[default]
    Asc,
    /// Z to A.
    Desc,
}

/// Front matter rules for the pages of a folder (`[[rules]]`).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RulesConfig {
    /// The folder the rules apply to (its subfolders too).
    pub folder: String,
    /// Keys every page must have.
    #[serde(default)]
    pub required: Vec<String>,
    /// Allowed values per key (for lists: of each item).
    #[serde(default)]
    pub values: std::collections::BTreeMap<String, Vec<String>>,
    /// Types per key: `string`, `list`, `number`, `boolean`, `url`.
    #[serde(default)]
    pub types: std::collections::BTreeMap<String, ValueType>,
}

/// A front matter value type a rule can require.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ValueType {
    /// Text.
    String,
    /// A YAML list.
    List,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// An `http(s)://` address.
    Url,
}

/// Resolved book configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Book title, for the header and `<title>`.
    pub title: String,
    /// Whether `[book] title` set it; otherwise it is the folder's name
    /// until `build` replaces it with the home page's title.
    pub title_given: bool,
    /// Book description, the fallback meta description.
    pub description: String,
    /// Authors, for `<meta name="author">`.
    pub authors: Vec<String>,
    /// Language tag for `<html lang>`.
    pub language: String,
    /// Where `folio build` writes, relative to the book directory unless
    /// absolute.
    pub build_dir: PathBuf,
    /// Broken-link policy from `[build] broken-links`.
    pub broken_links: BrokenLinks,
    /// Absolute site URL ending in `/`, for canonical links.
    pub site_url: Option<String>,
    /// Book-relative theme directory whose files override the default
    /// theme (`None`: the one configured is outside the book, ignored).
    pub theme_dir: Option<String>,
    /// "Edit this page" address; `{path}` becomes the page's book-relative
    /// path.
    pub edit_url_template: Option<String>,
    /// Show each page's last change, from git.
    pub last_updated: bool,
    /// Publish `print/`, the whole book on one page (on by default).
    pub print: bool,
    /// A Mermaid script in the book (e.g. `vendor/mermaid.min.js` from npm),
    /// loaded by pages with `mermaid` fences so diagrams are drawn.
    pub mermaid: Option<String>,
    /// An image in the book shown in the header in place of the title.
    pub logo: Option<String>,
    /// The logo for dark mode.
    pub logo_dark: Option<String>,
    /// GitBook space ids → the published URL of that space, so links into
    /// GitBook's editor (`app.gitbook.com/…/s/<id>/…`) reach readers.
    pub gitbook_spaces: std::collections::BTreeMap<String, String>,
    /// GitBook spec names → the spec's file in the book (book-relative), so
    /// SUMMARY OpenAPI references (`spec: events-v20`) generate their pages.
    pub gitbook_openapi: std::collections::BTreeMap<String, String>,
    /// The folder links may not leave (`""`: the book directory). A GitBook
    /// export read without `book.toml` is bounded by its space root.
    pub link_root: String,
    /// The book's sections, in the order they appear in the header.
    pub sections: Vec<SectionConfig>,
    /// Generated index pages.
    pub indexes: Vec<IndexConfig>,
    /// Front matter rules per folder.
    pub rules: Vec<RulesConfig>,
    /// External link checking (`[link-check]`).
    pub link_check: LinkCheckConfig,
    /// Levels and exclusions of `[check]`.
    pub check: CheckRules,
}

/// `[link-check]` in book.toml.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct LinkCheckConfig {
    /// Check external links on every `check` (as `--external` does).
    pub external: bool,
    /// Seconds before a request times out.
    pub timeout: u64,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Requests in flight per host.
    pub per_host: usize,
    /// Milliseconds between two requests to the same host.
    pub delay_ms: u64,
    /// Retries after a timeout or a server error.
    pub retries: u32,
    /// Addresses starting with any of these are not checked.
    pub exclude: Vec<String>,
    /// Look up `#fragment`s in HTML targets.
    pub check_fragments: bool,
    /// Cache file of successes, relative to the book directory.
    pub cache: String,
    /// Seconds a cached success stays valid.
    pub cache_max_age: u64,
    /// Headers per host, each value naming an environment variable:
    /// `{ "api.example.org" = { Authorization = "EXAMPLE_TOKEN" } }`.
    pub headers: BTreeMap<String, BTreeMap<String, String>>,
}

impl Default for LinkCheckConfig {
    fn default() -> Self {
        LinkCheckConfig {
            external: false,
            timeout: 10,
            concurrency: 16,
            per_host: 2,
            delay_ms: 100,
            retries: 2,
            exclude: Vec::new(),
            check_fragments: false,
            cache: ".folio-cache/external-links.json".into(),
            cache_max_age: 86_400,
            headers: BTreeMap::new(),
        }
    }
}

/// One section of the site: a folder with its own SUMMARY and README.
#[derive(Debug, Clone)]
pub struct SectionConfig {
    /// Tab label.
    pub title: String,
    /// Book-relative folder (`""` for the book root), `/`-separated.
    pub dir: String,
    /// URL prefix relative to the site root: `""` or `"references/"`.
    pub url_prefix: String,
    /// The section's index page, relative to `dir`.
    pub readme: String,
    /// The section's table of contents, relative to `dir`.
    pub summary: String,
    /// Redirects from `.gitbook.yaml`: old paths to pages.
    pub redirects: Vec<Redirect>,
}

/// One `redirects:` entry of `.gitbook.yaml`.
#[derive(Debug, Clone)]
pub struct Redirect {
    /// The old path, relative to the section folder, without `.md`.
    pub from: String,
    /// The page file it leads to, relative to the section folder.
    pub to: String,
    /// The `.gitbook.yaml` it is written in.
    pub file: Arc<SourceFile>,
    /// Where the target is written in that file.
    pub span: Range<usize>,
}

impl Config {
    /// The "Edit this page" address of the page at a book-relative path.
    pub fn edit_url(&self, page_path: &str) -> Option<String> {
        let template = self.edit_url_template.as_ref()?;
        Some(template.replace("{path}", &crate::paths::encode_path(page_path)))
    }

    /// Where the key at `path` (`["output", "html", "edit-url-template"]`)
    /// is set in `book.toml`'s text, for diagnostics about a setting found
    /// wrong after loading (an unreachable edit link).
    pub fn key_span(text: &str, path: &[&str]) -> Option<Range<usize>> {
        places::key_span(text, path)
    }

    /// Files of the book the theme publishes because the configuration
    /// names them, with their `book.toml` keys.
    pub fn theme_files(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("mermaid", &self.mermaid),
            ("logo", &self.logo),
            ("logo-dark", &self.logo_dark),
        ]
        .into_iter()
        .filter_map(|(key, path)| Some((key, path.as_deref()?)))
    }
}

impl SectionConfig {
    /// A book-relative path of a file inside this section.
    pub fn file(&self, name: &str) -> String {
        join_rel(&self.dir, name)
    }
}

/// Reads `book.toml` from the book root (or `.gitbook.yaml` without one).
/// A fatal problem is returned as an `invalid-config` diagnostic; warnings
/// (such as a misspelt `.gitbook.yaml` key) come back with the config.
pub fn load_config(root: &BookRoot) -> Result<(Config, Vec<Diagnostic>), Box<Diagnostic>> {
    let mut warnings = Vec::new();
    let mut config = read_book_toml(root, &mut warnings)?;
    let mut spaces = 0;
    for section in &mut config.sections {
        spaces += usize::from(apply_gitbook_yaml(root, section, &mut warnings)?);
    }
    if config.sections.len() == 1 && (spaces == 1 || !root.is_file(CONFIG_FILE)) {
        // A book that is one GitBook space: nothing outside the space root
        // is part of it, as in GitBook.
        config.link_root = config.sections[0].dir.clone();
    }
    Ok((config, warnings))
}

fn read_book_toml(
    root: &BookRoot,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Config, Box<Diagnostic>> {
    if !root.is_file(CONFIG_FILE) {
        return Ok(resolve(RawConfig::default(), root.canonical()));
    }
    let source = match root.read_source(CONFIG_FILE) {
        Ok(source) => source,
        Err(ReadError::Encoding(diagnostic)) => return Err(diagnostic),
        Err(ReadError::Io(err)) => return Err(Box::new(whole_file_error(err.to_string()))),
    };
    let raw: RawConfig = toml::from_str(&source.text).map_err(|err| {
        let range = err.span().unwrap_or(0..0);
        let line = source.text[..range.start.min(source.text.len())]
            .rsplit('\n')
            .next()
            .unwrap_or("");
        let line_end = source.text[range.start.min(source.text.len())..]
            .split('\n')
            .next()
            .unwrap_or("");
        let plain = PlainError::from_toml(err.message().trim(), &format!("{line}{line_end}"));
        let mut diagnostic =
            source.diagnostic(Severity::Error, Code::InvalidConfig, range, plain.message);
        diagnostic.help = plain.help;
        diagnostic.suggestion = plain.suggestion;
        Box::new(diagnostic)
    })?;
    let check = compile_check(&raw.check, &source)?;
    let theme = raw.output.html.theme.clone();
    let mut config = resolve(raw, root.canonical());
    config.check = check;
    validate(&config, root, &source)?;
    if let Some(theme) = theme.filter(|theme| !is_inside(theme)) {
        let at = places::key_span(&source.text, &["output", "html", "theme"]).unwrap_or(0..0);
        warnings.push(
            source
                .diagnostic(
                    Severity::Warning,
                    Code::InvalidConfig,
                    at,
                    format!(
                        "theme folder `{theme}` is outside the book; the default theme is used"
                    ),
                )
                .with_help("give a folder relative to the book directory, inside it"),
        );
        config.theme_dir = None;
    }
    Ok(config)
}

/// Compiles `[check]`: every code named must exist (with the closest one
/// suggested) and every pattern must be a valid glob.
fn compile_check(raw: &RawCheck, source: &SourceFile) -> Result<CheckRules, Box<Diagnostic>> {
    let error = |written: &str, message: String, help: String| {
        let at = places::value_span(&source.text, &["check"], written)
            .or_else(|| places::key_span(&source.text, &["check"]))
            .unwrap_or(0..0);
        Box::new(
            source
                .diagnostic(Severity::Error, Code::InvalidConfig, at, message)
                .with_help(help),
        )
    };
    let names: Vec<&str> = Code::ALL.iter().map(|code| code.as_str()).collect();
    let mut levels = Vec::new();
    for (level, codes) in [
        (Level::Allow, &raw.allow),
        (Level::Warn, &raw.warn),
        (Level::Deny, &raw.deny),
    ] {
        for name in codes {
            let Some(code) = Code::ALL.iter().find(|code| code.as_str() == name) else {
                let help = match closest_name(name, &names) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!("the codes are: {}", names.join(", ")),
                };
                return Err(error(
                    name,
                    format!("`{name}` is not a diagnostic code"),
                    help,
                ));
            };
            levels.push((*code, level));
        }
    }
    let globs = |patterns: &[String], literal_separator: bool| {
        let mut set = globset::GlobSetBuilder::new();
        for pattern in patterns {
            let glob = globset::GlobBuilder::new(pattern)
                .literal_separator(literal_separator)
                .build()
                .map_err(|err| {
                    error(
                        pattern,
                        format!("`{pattern}` is not a valid pattern: {err}"),
                        "use `*` for any text and `**` for any folders".into(),
                    )
                })?;
            set.add(glob);
        }
        set.build()
            .map_err(|err| error("[check]", err.to_string(), "check the patterns".into()))
    };
    Ok(CheckRules {
        levels,
        ignore_files: globs(&raw.ignore_files, true)?,
        ignore_urls: globs(&raw.ignore_urls, false)?,
    })
}

/// A TOML or serde error said plainly: a misspelt key or value gets the
/// closest valid one, a wrong type says what was expected and how the line
/// should read.
#[derive(Debug, PartialEq)]
struct PlainError {
    message: String,
    help: Option<String>,
    /// The corrected line.
    suggestion: Option<String>,
}

impl PlainError {
    /// `message` is the parser's; `line` the whole line it points into.
    fn from_toml(message: &str, line: &str) -> PlainError {
        let plain =
            |message: String, help: Option<String>, suggestion: Option<String>| PlainError {
                message,
                help,
                suggestion,
            };
        let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
        let (key, value) = match line.split_once('=') {
            Some((key, value)) => (key.trim(), value.trim()),
            None => (line.trim(), ""),
        };
        for (prefix, what) in [("unknown field", "key"), ("unknown variant", "value")] {
            if !message.starts_with(prefix) {
                continue;
            }
            let Some((wrong, valid)) = quoted.split_first() else {
                break;
            };
            let message = format!("unknown {what} `{}`", escape_invisible(wrong));
            if let Some(help) = invisible_help(wrong, valid) {
                return plain(
                    message,
                    Some(help),
                    Some(line.trim().replacen(wrong, &strip_invisible(wrong), 1)),
                );
            }
            return match closest_name(wrong, valid) {
                Some(best) => plain(
                    message,
                    Some(format!("did you mean `{best}`?")),
                    Some(line.trim().replacen(wrong, best, 1)),
                ),
                None => plain(
                    message,
                    Some(format!("valid {what}s here: {}", valid.join(", "))),
                    None,
                ),
            };
        }
        if let Some(rest) = message.strip_prefix("invalid type: ") {
            let (found, expected) = rest
                .split_once(", expected ")
                .unwrap_or((rest, "another type"));
            let fix = (expected.contains("string") && !value.starts_with('"'))
                .then(|| format!("{key} = \"{}\"", value.trim_matches('\'')));
            return plain(
                format!("`{key}` must be {expected}, not {found}"),
                fix.as_ref().map(|line| format!("write `{line}`")),
                fix,
            );
        }
        let bare_word = !value.is_empty()
            && value.starts_with(|c: char| c.is_alphabetic())
            && !matches!(value, "true" | "false" | "inf" | "nan");
        if bare_word {
            let fixed = format!("{key} = \"{value}\"");
            return plain(
                format!("the value of `{key}` must be in quotes"),
                Some(format!("write `{fixed}`")),
                Some(fixed),
            );
        }
        let help = line
            .chars()
            .find(|&c| invisible_name(c).is_some())
            .map(|c| {
                format!(
                    "this line holds an invisible character, {}: `{}`; delete it",
                    describe_invisible(c),
                    escape_invisible(line.trim())
                )
            });
        plain(escape_invisible(message), help, None)
    }
}

/// The name of a character a reader cannot see (zero-width and
/// direction marks, the byte-order mark, unusual spaces, controls), or
/// `None` for ordinary visible characters and plain spaces and tabs.
fn invisible_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{200b}' => "zero-width space",
        '\u{200c}' => "zero-width non-joiner",
        '\u{200d}' => "zero-width joiner",
        '\u{2060}' => "word joiner",
        '\u{feff}' => "byte-order mark",
        '\u{00ad}' => "soft hyphen",
        '\u{00a0}' | '\u{202f}' => "no-break space",
        '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
            "text-direction mark"
        }
        '\u{2000}'..='\u{200a}' | '\u{205f}' | '\u{3000}' => "unusual space",
        '\u{2061}'..='\u{2064}' | '\u{180e}' => "invisible formatting character",
        c if c.is_control() && c != '\t' => "control character",
        _ => return None,
    })
}

/// `U+200B (zero-width space)`.
fn describe_invisible(c: char) -> String {
    format!(
        "U+{:04X} ({})",
        u32::from(c),
        invisible_name(c).unwrap_or("invisible character")
    )
}

/// Text with its invisible characters written as `\u{200b}`, so a message
/// shows what the file really holds.
pub(crate) fn escape_invisible(text: &str) -> String {
    text.chars()
        .map(|c| match invisible_name(c) {
            Some(_) => format!("\\u{{{:x}}}", u32::from(c)),
            None => c.to_string(),
        })
        .collect()
}

fn strip_invisible(text: &str) -> String {
    text.chars()
        .filter(|&c| invisible_name(c).is_none())
        .collect()
}

/// For a key that is a valid one plus invisible characters, a plain
/// explanation of why it is not read.
fn invisible_help(key: &str, valid: &[&str]) -> Option<String> {
    let invisible = key.chars().find(|&c| invisible_name(c).is_some())?;
    let meant = strip_invisible(key);
    let known = valid.contains(&meant.as_str());
    Some(if known {
        format!(
            "`{}` holds an invisible character, {}, so it is not the key `{meant}` and is ignored; delete that character",
            escape_invisible(key),
            describe_invisible(invisible)
        )
    } else {
        format!(
            "`{}` holds an invisible character, {}; delete it",
            escape_invisible(key),
            describe_invisible(invisible)
        )
    })
}

/// The valid name closest to a misspelt one, if any is close enough to be
/// what was meant (`_` and `-` count as the same).
fn closest_name<'v>(wrong: &str, valid: &[&'v str]) -> Option<&'v str> {
    let normalise = |name: &str| name.to_ascii_lowercase().replace('_', "-");
    let wrong = normalise(wrong);
    valid
        .iter()
        .map(|name| (strsim::damerau_levenshtein(&wrong, &normalise(name)), *name))
        .filter(|(distance, name)| *distance <= (name.len() / 3).max(2))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

fn whole_file_error(message: String) -> Diagnostic {
    SourceFile::new(PathBuf::from(CONFIG_FILE), String::new()).diagnostic(
        Severity::Error,
        Code::InvalidConfig,
        0..0,
        message,
    )
}

fn resolve(raw: RawConfig, canonical_root: &Path) -> Config {
    let default_title = canonical_root
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "Book".to_string());
    let sections = if raw.section.is_empty() {
        let dir = normalise_dir(raw.book.src.as_deref().unwrap_or(""));
        vec![SectionConfig {
            title: raw.book.title.clone().unwrap_or(default_title.clone()),
            dir,
            url_prefix: String::new(),
            readme: "README.md".into(),
            summary: "SUMMARY.md".into(),
            redirects: Vec::new(),
        }]
    } else {
        raw.section
            .into_iter()
            .enumerate()
            .map(|(index, section)| resolve_section(index, section))
            .collect()
    };
    Config {
        title_given: raw.book.title.is_some(),
        title: raw.book.title.unwrap_or(default_title),
        description: raw.book.description.unwrap_or_default(),
        authors: raw.book.authors,
        language: raw.book.language.unwrap_or_else(|| "en".into()),
        build_dir: PathBuf::from(raw.build.build_dir.unwrap_or_else(|| "book".into())),
        broken_links: raw.build.broken_links.unwrap_or_default(),
        site_url: raw.output.html.site_url.map(|url| {
            if url.ends_with('/') {
                url
            } else {
                format!("{url}/")
            }
        }),
        theme_dir: Some(normalise_dir(
            raw.output.html.theme.as_deref().unwrap_or("theme"),
        )),
        edit_url_template: raw.output.html.edit_url_template,
        last_updated: raw.output.html.last_updated,
        mermaid: raw.output.html.mermaid.map(|path| normalise_dir(&path)),
        logo: raw.output.html.logo.map(|path| normalise_dir(&path)),
        logo_dark: raw.output.html.logo_dark.map(|path| normalise_dir(&path)),
        print: raw.output.html.print.unwrap_or(true),
        gitbook_spaces: raw.gitbook.spaces,
        gitbook_openapi: raw
            .gitbook
            .openapi
            .into_iter()
            .map(|(name, path)| (name, normalise_dir(&path)))
            .collect(),
        link_root: String::new(),
        sections,
        indexes: raw
            .index
            .into_iter()
            .map(|index| IndexConfig {
                page: normalise_dir(&index.page),
                collect: normalise_dir(&index.collect),
                ..index
            })
            .collect(),
        link_check: raw.link_check,
        check: CheckRules::default(),
        rules: raw
            .rules
            .into_iter()
            .map(|rules| RulesConfig {
                folder: normalise_dir(&rules.folder),
                ..rules
            })
            .collect(),
    }
}

fn resolve_section(index: usize, raw: RawSection) -> SectionConfig {
    let dir = normalise_dir(&raw.dir);
    let default_url = if index == 0 {
        String::new()
    } else {
        dir.clone()
    };
    let url = normalise_dir(raw.url.as_deref().unwrap_or(&default_url));
    SectionConfig {
        title: raw.title.unwrap_or_else(|| {
            dir.rsplit('/')
                .next()
                .filter(|s| !s.is_empty())
                .unwrap_or("Home")
                .to_string()
        }),
        url_prefix: if url.is_empty() {
            url
        } else {
            format!("{url}/")
        },
        dir,
        readme: raw.readme.unwrap_or_else(|| "README.md".into()),
        summary: raw.summary.unwrap_or_else(|| "SUMMARY.md".into()),
        redirects: Vec::new(),
    }
}

/// If the section folder holds a `.gitbook.yaml`, the section becomes that
/// space: its `root`, `structure` and `redirects` apply. Returns whether
/// it did.
fn apply_gitbook_yaml(
    root: &BookRoot,
    section: &mut SectionConfig,
    warnings: &mut Vec<Diagnostic>,
) -> Result<bool, Box<Diagnostic>> {
    let path = join_rel(&section.dir, GITBOOK_FILE);
    if !root.is_file(&path) {
        return Ok(false);
    }
    let source = match root.read_source(&path) {
        Ok(source) => Arc::new(source),
        Err(ReadError::Encoding(diagnostic)) => return Err(diagnostic),
        Err(ReadError::Io(err)) => return Err(Box::new(whole_file_error(err.to_string()))),
    };
    let (value, places) = yaml::parse_with_places(&source.text).map_err(|err| {
        Box::new(source.diagnostic(
            Severity::Error,
            Code::InvalidConfig,
            err.offset..err.offset + 1,
            format!("{GITBOOK_FILE} is not valid YAML: {}", err.message),
        ))
    })?;
    let empty = serde_json::Map::new();
    let map = match &value {
        Value::Object(map) => map,
        Value::Null => &empty,
        _ => {
            let first = source.text.len() - source.text.trim_start().len();
            warnings.push(
                source
                    .diagnostic(
                        Severity::Warning,
                        Code::InvalidConfig,
                        first..first + 1,
                        format!("{GITBOOK_FILE} is not a mapping of keys; it is ignored"),
                    )
                    .with_help("GitBook reads `root:`, `structure:` and `redirects:` keys"),
            );
            return Ok(false);
        }
    };
    let key_range = |key: &str| places.key(&[key]).unwrap_or(0..1);
    const GITBOOK_KEYS: &[&str] = &["root", "structure", "redirects"];
    for key in map.keys() {
        let help = match key.as_str() {
            "root" | "structure" | "redirects" => continue,
            "redirect" => "GitBook reads `redirects:` (plural); this key is ignored".to_string(),
            _ => invisible_help(key, GITBOOK_KEYS).unwrap_or_else(|| {
                "GitBook knows `root`, `structure` and `redirects`; this key is ignored".to_string()
            }),
        };
        warnings.push(
            source
                .diagnostic(
                    Severity::Warning,
                    Code::InvalidConfig,
                    key_range(key),
                    format!("unknown key `{}` in {GITBOOK_FILE}", escape_invisible(key)),
                )
                .with_help(help),
        );
    }
    let space_root = map.get("root").and_then(Value::as_str).unwrap_or("");
    let dir = normalise_dir(&join_rel(&section.dir, &normalise_dir(space_root)));
    if dir.split('/').any(|part| part == "..")
        || !root.is_dir(if dir.is_empty() { "." } else { &dir })
    {
        return Err(Box::new(source.diagnostic(
            Severity::Error,
            Code::InvalidConfig,
            key_range("root"),
            format!("space root `{space_root}` is not a folder inside the book"),
        )));
    }
    let structure = map.get("structure");
    let structure_file = |key: &str, default: &str| {
        structure
            .and_then(|s| s.get(key))
            .and_then(Value::as_str)
            .map(|name| name.trim_start_matches("./").to_string())
            .unwrap_or_else(|| default.to_string())
    };
    section.readme = structure_file("readme", "README.md");
    section.summary = structure_file("summary", "SUMMARY.md");
    section.dir = dir;
    if let Some(Value::Object(redirects)) = map.get("redirects") {
        for (from, to) in redirects {
            let Some(to) = to.as_str() else { continue };
            let span = places
                .value(&["redirects", from])
                .or_else(|| places.key(&["redirects", from]))
                .unwrap_or(0..1);
            section.redirects.push(Redirect {
                from: from.trim_matches('/').trim_end_matches(".md").to_string(),
                to: to.trim_start_matches("./").to_string(),
                file: Arc::clone(&source),
                span,
            });
        }
    }
    Ok(true)
}

/// Whether a configured path stays inside the book: relative, without `..`.
fn is_inside(path: &str) -> bool {
    let path = Path::new(path);
    path.is_relative()
        && !path.to_string_lossy().starts_with(['/', '\\'])
        && path.components().all(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        })
}

/// `./docs/`, `docs/` and `docs` all mean `docs`; `.` and `./` mean the root.
fn normalise_dir(dir: &str) -> String {
    dir.split('/')
        .filter(|part| !part.is_empty() && *part != ".")
        .collect::<Vec<_>>()
        .join("/")
}

fn validate(config: &Config, root: &BookRoot, source: &SourceFile) -> Result<(), Box<Diagnostic>> {
    for (key, path) in config.theme_files() {
        if root.is_file(path) {
            continue;
        }
        let at = places::key_span(&source.text, &["output", "html", key]).unwrap_or(0..0);
        let (what, help) = match key {
            "mermaid" => ("the Mermaid script", "install it, e.g. `npm install mermaid` and copy node_modules/mermaid/dist/mermaid.min.js"),
            "logo" => ("the logo", "give an image path relative to the book directory, inside it"),
            _ => ("the dark-mode logo", "give an image path relative to the book directory, inside it"),
        };
        return Err(Box::new(
            source
                .diagnostic(
                    Severity::Error,
                    Code::InvalidConfig,
                    at,
                    format!("{what} `{path}` is not a file in the book"),
                )
                .with_help(help),
        ));
    }
    let mut seen_urls = Vec::new();
    for section in &config.sections {
        let error = |dir: &str, message: String| {
            let at = places::value_span(&source.text, &["section"], dir).unwrap_or(0..0);
            Box::new(source.diagnostic(Severity::Error, Code::InvalidConfig, at, message))
        };
        if section.dir.split('/').any(|part| part == "..") {
            return Err(error(
                &section.dir,
                format!("section `{}` is outside the book root", section.dir),
            ));
        }
        if !root.is_dir(if section.dir.is_empty() {
            "."
        } else {
            &section.dir
        }) {
            return Err(error(
                &section.dir,
                format!("section folder `{}` does not exist", section.dir),
            ));
        }
        if seen_urls.contains(&section.url_prefix) {
            return Err(error(
                &section.dir,
                format!(
                    "two sections are served at `/{}`; give one a different `url`",
                    section.url_prefix
                ),
            ));
        }
        seen_urls.push(section.url_prefix.clone());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(toml: &str) -> (tempfile::TempDir, Result<Config, Box<Diagnostic>>) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        std::fs::write(dir.path().join(CONFIG_FILE), toml).unwrap();
        let root = BookRoot::open(dir.path()).unwrap();
        let result = load_config(&root).map(|(config, _)| config);
        (dir, result)
    }

    #[test]
    fn mistakes_in_book_toml_say_what_was_meant() {
        let cases = [
            (
                "[book]\ndescripton = \"x\"\n",
                "unknown key `descripton`",
                "did you mean `description`?",
                "description = \"x\"",
            ),
            (
                "[output.html]\nlast_updated = true\n",
                "unknown key `last_updated`",
                "did you mean `last-updated`?",
                "last-updated = true",
            ),
            (
                "[build]\nbroken-links = \"wran\"\n",
                "unknown value `wran`",
                "did you mean `warn`?",
                "broken-links = \"warn\"",
            ),
            (
                "[outptu.html]\nx = 1\n",
                "unknown key `outptu`",
                "did you mean `output`?",
                "[output.html]",
            ),
            (
                "[book]\ntitle = newbook\n",
                "the value of `title` must be in quotes",
                "write `title = \"newbook\"`",
                "title = \"newbook\"",
            ),
            (
                "[book]\ntitle = 3\n",
                "`title` must be a string, not integer `3`",
                "write `title = \"3\"`",
                "title = \"3\"",
            ),
        ];
        for (toml, message, help, suggestion) in cases {
            let (_dir, result) = book(toml);
            let err = result.unwrap_err();
            assert_eq!(err.message, message, "{toml}");
            assert_eq!(err.help.as_deref(), Some(help), "{toml}");
            assert_eq!(err.suggestion.as_deref(), Some(suggestion), "{toml}");
            assert!(err.position.line >= 1);
        }
        let (_dir, result) = book("[book]\nzzzzzz = 1\n");
        let err = result.unwrap_err();
        assert!(err
            .help
            .unwrap()
            .starts_with("valid keys here: title, description"));
    }

    #[test]
    fn a_theme_outside_the_book_is_a_warning_and_ignored() {
        for theme in ["/etc", "../elsewhere", "theme/../../x"] {
            let dir = tempfile::tempdir().unwrap();
            std::fs::create_dir(dir.path().join("etc")).unwrap();
            let toml = format!("[output.html]\ntheme = \"{theme}\"\n");
            std::fs::write(dir.path().join(CONFIG_FILE), toml).unwrap();
            let root = BookRoot::open(dir.path()).unwrap();
            let (config, warnings) = load_config(&root).unwrap();
            assert_eq!(config.theme_dir, None, "{theme}");
            assert_eq!(warnings.len(), 1, "{theme}");
            assert_eq!(warnings[0].position.line, 2);
            assert!(warnings[0].message.contains("outside the book"));
        }
    }

    #[test]
    fn a_gitbook_yaml_that_is_not_a_mapping_is_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(GITBOOK_FILE), "- root: ./docs\n- x\n").unwrap();
        let root = BookRoot::open(dir.path()).unwrap();
        let (_, warnings) = load_config(&root).unwrap();
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].severity, Severity::Warning);
        assert!(warnings[0].message.contains("not a mapping"));
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let (_dir, result) = book("[book]\ntitle = \"T\"\ntitel = \"typo\"\n");
        let err = result.unwrap_err();
        assert_eq!(err.code, Code::InvalidConfig);
        assert_eq!(err.position.line, 3);
        assert!(err.message.contains("titel"), "{}", err.message);
    }

    #[test]
    fn sections_get_url_prefixes() {
        let (_dir, result) = book(
            "[book]\ntitle = \"T\"\n[[section]]\ndir = \"content\"\n[[section]]\ndir = \"./content/\"\nurl = \"refs\"\n",
        );
        let config = result.unwrap();
        assert_eq!(config.sections[0].url_prefix, "");
        assert_eq!(config.sections[1].dir, "content");
        assert_eq!(config.sections[1].url_prefix, "refs/");
    }

    #[test]
    fn missing_section_folder_is_an_error() {
        let (_dir, result) = book("[[section]]\ndir = \"nope\"\n");
        let err = result.unwrap_err();
        assert_eq!(err.position.line, 2);
        assert!(err.message.contains("does not exist"));
    }

    #[test]
    fn settings_are_located_by_the_toml_parser_not_by_their_text() {
        // The same words earlier in the file (a title, a comment) do not
        // take the place of the setting.
        let (_dir, result) = book(
            "# deny = [\"nope\"], dir = \"nope\"\n[book]\ntitle = \"nope\"\n\n[[section]]\ndir = \"content\"\n\n[[section]]\ndir = \"nope\"\n",
        );
        let err = result.unwrap_err();
        assert_eq!((err.position.line, err.position.column), (9, 8), "{err:?}");
        let (_dir, result) = book("[book]\ntitle = \"brokn\"\n[check]\nwarn = [\"brokn\"]\n");
        let err = result.unwrap_err();
        assert_eq!((err.position.line, err.position.column), (4, 10), "{err:?}");
    }

    #[test]
    fn wrong_type_is_an_error_with_line() {
        let (_dir, result) = book("[build]\nbroken-links = \"sometimes\"\n");
        let err = result.unwrap_err();
        assert_eq!(err.position.line, 2);
    }

    #[test]
    fn gitbook_yaml_sets_root_structure_and_redirects() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("docs")).unwrap();
        std::fs::write(
            dir.path().join(GITBOOK_FILE),
            "root: ./docs/\nstructure:\n  readme: intro.md\n  summary: contents.md\nredirects:\n  old-faq: help/faq.md\nredirect:\n  x: y.md\n",
        )
        .unwrap();
        let root = BookRoot::open(dir.path()).unwrap();
        let (config, warnings) = load_config(&root).unwrap();
        let section = &config.sections[0];
        assert_eq!(section.dir, "docs");
        assert_eq!(section.readme, "intro.md");
        assert_eq!(section.summary, "contents.md");
        assert_eq!(section.redirects.len(), 1);
        assert_eq!(section.redirects[0].from, "old-faq");
        assert_eq!(section.redirects[0].to, "help/faq.md");
        assert_eq!(
            section.redirects[0]
                .file
                .position(section.redirects[0].span.start)
                .line,
            6
        );
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].position.line, 7);
        assert!(warnings[0].help.as_deref().unwrap().contains("redirects"));
    }

    #[test]
    fn invisible_characters_in_keys_are_shown_escaped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(GITBOOK_FILE),
            "root: ./\n\u{200b}structure:\n  readme: README.md\n",
        )
        .unwrap();
        let root = BookRoot::open(dir.path()).unwrap();
        let (_, warnings) = load_config(&root).unwrap();
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].position.line, 2);
        assert_eq!(
            warnings[0].message,
            "unknown key `\\u{200b}structure` in .gitbook.yaml"
        );
        let help = warnings[0].help.as_deref().unwrap();
        assert!(
            help.contains("U+200B (zero-width space)") && help.contains("not the key `structure`"),
            "{help}"
        );

        let (_dir, result) = book("[book]\n\"\u{200b}title\" = \"T\"\n");
        let err = result.unwrap_err();
        assert_eq!(err.message, "unknown key `\\u{200b}title`");
        assert!(err.help.as_deref().unwrap().contains("not the key `title`"));
        assert_eq!(err.suggestion.as_deref(), Some("\"title\" = \"T\""));
        assert!(!err.message.contains('\u{200b}'));
    }

    #[test]
    fn site_url_gets_a_trailing_slash() {
        let (_dir, result) = book("[output.html]\nsite-url = \"https://example.org/kb\"\n");
        assert_eq!(
            result.unwrap().site_url.as_deref(),
            Some("https://example.org/kb/")
        );
    }
}
