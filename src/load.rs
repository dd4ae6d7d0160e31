//! Loading: configuration + each section's SUMMARY + page files → [`Book`].
//!
//! Owns the decision of what is published: the pages SUMMARY reaches (plus
//! each section's index page), in reading order, with their navigation tree.
//! Every other Markdown file in a section is an orphan: a warning, and a
//! known-but-unpublished path so links to it get a precise message.
//!
//! A SUMMARY OpenAPI reference whose spec `[gitbook.openapi]` maps to a
//! file in the book becomes generated pages, one per tag (and one of
//! models), whose Markdown is `{% openapi %}` blocks: later stages treat
//! them like any page.
//!
//! It reads files only through [`BookRoot`] and never parses Markdown.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use rayon::prelude::*;

use crate::config::{Config, IndexConfig, SectionConfig};
use crate::diag::{Code, Diagnostic, Severity};
use crate::openapi;
use crate::paths::{self, join_rel};
use crate::source::{BookRoot, FileIndex, ReadError, SourceFile};
use crate::summary::{self, unescape, OpenapiEntry, SummaryItem};
use crate::yaml;

/// Index of a published page in [`Book::pages`].
pub type PageId = usize;

/// Everything later stages need to know about the book's files.
#[derive(Debug)]
pub struct Book {
    /// The guarded book directory.
    pub root: BookRoot,
    /// Resolved configuration.
    pub config: Config,
    /// Sections with their navigation.
    pub sections: Vec<Section>,
    /// Published pages in reading order (section by section, SUMMARY order).
    pub pages: Vec<LoadedPage>,
    /// Book-relative paths of Markdown files that are not published.
    pub unpublished: HashSet<String>,
    /// The date (YYYY-MM-DD) of each file's last commit, when
    /// `last-updated` is on and the book is in a git checkout.
    pub last_changed: HashMap<String, String>,
    /// Every file and folder of the book, listed once: later stages ask it
    /// rather than the disk.
    pub files: FileIndex,
    by_path: HashMap<String, PageId>,
}

impl Book {
    /// Whether `path` lies in a section that has no SUMMARY, so that it
    /// being unpublished follows from that one error.
    pub fn in_section_without_summary(&self, path: &str) -> bool {
        in_section_without_summary(&self.sections, path)
    }

    /// The published page at a book-relative path.
    pub fn page_at(&self, path: &str) -> Option<PageId> {
        self.by_path.get(path).copied()
    }
}

/// A section with its navigation tree.
#[derive(Debug)]
pub struct Section {
    /// Its configuration.
    pub config: SectionConfig,
    /// Navigation groups from its SUMMARY.
    pub groups: Vec<NavGroup>,
    /// The section's index page, if it exists.
    pub index_page: Option<PageId>,
    /// Space variables from `.gitbook/vars.yaml`, for expressions.
    pub vars: serde_json::Map<String, serde_json::Value>,
    /// Whether its SUMMARY exists.
    pub has_summary: bool,
}

/// A part of the sidebar.
#[derive(Debug)]
pub struct NavGroup {
    /// The part's title; `None` for items before the first part.
    pub title: Option<String>,
    /// Top-level entries.
    pub items: Vec<NavItem>,
}

/// A sidebar entry.
#[derive(Debug)]
pub struct NavItem {
    /// The label (or link title) from SUMMARY.
    pub label: String,
    /// Where it leads.
    pub target: NavTarget,
    /// Nested entries.
    pub children: Vec<NavItem>,
}

/// What a sidebar entry points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NavTarget {
    /// A published page.
    Page(PageId),
    /// An address outside the site.
    External(String),
    /// Nothing: a plain label, or a target that could not be found.
    None,
}

/// A published page's source and place in the book.
#[derive(Debug)]
pub struct LoadedPage {
    /// Book-relative path, `/`-separated.
    pub path: String,
    /// The file's text and line index.
    pub source: SourceFile,
    /// Index into [`Book::sections`].
    pub section: usize,
    /// Its SUMMARY label, the fallback title.
    pub nav_label: Option<String>,
    /// The enclosing SUMMARY entry's page, for breadcrumbs.
    pub parent: Option<PageId>,
    /// For a page generated from an OpenAPI spec (its text is not a file),
    /// the spec's book-relative path.
    pub generated_from: Option<String>,
}

/// Loads the book. `exclude` is a directory never to walk (the output).
/// Problems with individual files become diagnostics; only an unreadable
/// file is fatal.
pub fn load_book(
    root: BookRoot,
    config: Config,
    exclude: &[PathBuf],
) -> std::io::Result<(Book, Vec<Diagnostic>)> {
    let files = FileIndex::of(&root, exclude);
    let mut loader = Loader {
        root: &root,
        files: &files,
        paths: Vec::new(),
        labels: Vec::new(),
        parents: Vec::new(),
        sections_of: Vec::new(),
        by_path: HashMap::new(),
        diagnostics: Vec::new(),
        openapi_specs: &config.gitbook_openapi,
        generated: HashMap::new(),
    };
    let mut sections = Vec::new();
    for (index, section) in config.sections.iter().enumerate() {
        sections.push(loader.section(index, section)?);
    }
    // One walk with the `.gitignore` rules for every Markdown file.
    let markdown = book_markdown_files(&root, &config, exclude);
    for index in &config.indexes {
        loader.collected(&config, index, &markdown);
    }
    let published: HashSet<&String> = loader.paths.iter().collect();
    let mut unpublished = HashSet::new();
    let walked = page_files(&config, markdown);
    for path in walked {
        if !published.contains(&path) {
            unpublished.insert(path);
        }
    }
    let mut orphans: Vec<&String> = unpublished
        .iter()
        .filter(|path| !in_section_without_summary(&sections, path))
        .collect();
    orphans.sort();
    for path in orphans {
        loader.diagnostics.push(
            SourceFile::new(PathBuf::from(path), String::new())
                .diagnostic(
                    Severity::Warning,
                    Code::OrphanPage,
                    0..0,
                    "page is not in any SUMMARY.md, so it is not published".into(),
                )
                .with_help("add it to its section's SUMMARY.md, or delete it"),
        );
    }
    let shallow = config
        .last_updated
        .then(|| shallow_clone_warning(&root))
        .flatten();
    let last_changed = match shallow {
        Some(warning) => {
            loader.diagnostics.push(warning);
            HashMap::new()
        }
        None if config.last_updated => git_last_changed(root.canonical()),
        None => HashMap::new(),
    };
    let Loader {
        paths,
        labels,
        parents,
        sections_of,
        by_path,
        mut diagnostics,
        mut generated,
        ..
    } = loader;
    let sources: Vec<_> = paths
        .par_iter()
        .map(|path| match generated.get(path) {
            Some((text, _)) => Ok(SourceFile::new(PathBuf::from(path), text.clone())),
            None => root.read_source(path),
        })
        .collect();
    let mut pages = Vec::with_capacity(paths.len());
    for (id, (path, source)) in paths.into_iter().zip(sources).enumerate() {
        let generated_from = generated.remove(&path).map(|(_, spec)| spec);
        let source = match source {
            Ok(source) => source,
            Err(ReadError::Encoding(diagnostic)) => {
                diagnostics.push(*diagnostic);
                SourceFile::new(PathBuf::from(&path), String::new())
            }
            Err(ReadError::Io(err)) => return Err(err),
        };
        pages.push(LoadedPage {
            path,
            source,
            section: sections_of[id],
            nav_label: labels[id].clone(),
            parent: parents[id],
            generated_from,
        });
    }
    Ok((
        Book {
            root,
            config,
            sections,
            pages,
            unpublished,
            by_path,
            last_changed,
            files,
        },
        diagnostics,
    ))
}

/// Whether the innermost section holding `path` has no SUMMARY.
fn in_section_without_summary(sections: &[Section], path: &str) -> bool {
    sections
        .iter()
        .filter(|section| {
            let dir = &section.config.dir;
            dir.is_empty() || path.starts_with(&format!("{dir}/"))
        })
        .max_by_key(|section| section.config.dir.len())
        .is_some_and(|section| !section.has_summary)
}

struct Loader<'a> {
    root: &'a BookRoot,
    files: &'a FileIndex,
    paths: Vec<String>,
    labels: Vec<Option<String>>,
    parents: Vec<Option<PageId>>,
    sections_of: Vec<usize>,
    by_path: HashMap<String, PageId>,
    diagnostics: Vec<Diagnostic>,
    /// `[gitbook.openapi]`: spec name → book-relative file.
    openapi_specs: &'a std::collections::BTreeMap<String, String>,
    /// Generated pages: path → (Markdown, the spec it comes from).
    generated: HashMap<String, (String, String)>,
}

impl Loader<'_> {
    fn section(&mut self, index: usize, config: &SectionConfig) -> std::io::Result<Section> {
        let summary_path = config.file(&config.summary);
        let readme_path = config.file(&config.readme);
        let mut groups = Vec::new();
        if self.files.is_file(&summary_path) {
            match self.root.read_source(&summary_path) {
                Ok(source) => {
                    let (summary, diagnostics) = summary::parse_summary(&source);
                    self.diagnostics.extend(diagnostics);
                    for group in summary.groups {
                        let items = group
                            .items
                            .iter()
                            .flat_map(|item| self.nav_items(index, config, &source, item, None))
                            .collect();
                        groups.push(NavGroup {
                            title: group.title,
                            items,
                        });
                    }
                }
                Err(ReadError::Encoding(diagnostic)) => self.diagnostics.push(*diagnostic),
                Err(ReadError::Io(err)) => return Err(err),
            }
        } else {
            self.diagnostics
                .push(self.missing_summary(config, &summary_path));
        }
        let index_page = match self.by_path.get(&readme_path) {
            Some(&id) => Some(id),
            None if self.files.is_file(&readme_path) => {
                Some(self.publish(index, readme_path, None, None))
            }
            None => None,
        };
        let vars = self.vars(config)?;
        Ok(Section {
            config: config.clone(),
            groups,
            index_page,
            vars,
            has_summary: self.files.is_file(&summary_path),
        })
    }

    /// The one error for a section without its SUMMARY, naming a file
    /// whose name differs only in case when there is one.
    fn missing_summary(&self, config: &SectionConfig, summary_path: &str) -> Diagnostic {
        let folder = if config.dir.is_empty() {
            "."
        } else {
            &config.dir
        };
        let misnamed = self
            .files
            .list_dir(folder)
            .into_iter()
            .find(|name| name != &config.summary && name.eq_ignore_ascii_case(&config.summary));
        let diagnostic = SourceFile::new(PathBuf::from(summary_path), String::new()).diagnostic(
            Severity::Error,
            Code::InvalidSummary,
            0..0,
            match &misnamed {
                Some(name) => format!(
                    "section `{}` has no {}; `{}` differs only in case",
                    config.title,
                    config.summary,
                    join_rel(&config.dir, name)
                ),
                None => format!("section `{}` has no {}", config.title, config.summary),
            },
        );
        match misnamed {
            Some(name) => diagnostic.with_help(format!(
                "rename `{name}` to `{}` (file names are case-sensitive where the site is built and hosted)",
                config.summary
            )),
            None => diagnostic.with_help(
                "create it with one `* [Title](page.md)` line per page; pages and links into this section are not reported until it exists",
            ),
        }
    }

    /// Publishes every page of an index's folder (listing them is the
    /// index's job, so they need no SUMMARY line); they sit under the index
    /// page in breadcrumbs.
    fn collected(&mut self, config: &Config, index: &IndexConfig, markdown: &[String]) {
        let Some(section) = config
            .sections
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                s.dir.is_empty()
                    || index.collect.starts_with(&format!("{}/", s.dir))
                    || index.collect == s.dir
            })
            .max_by_key(|(_, s)| s.dir.len())
            .map(|(i, _)| i)
        else {
            return;
        };
        let parent = self.by_path.get(&index.page).copied();
        let prefix = format!("{}/", index.collect);
        for path in markdown {
            if path.starts_with(&prefix)
                && !self.by_path.contains_key(path)
                && !path.ends_with("SUMMARY.md")
            {
                self.publish(section, path.clone(), None, parent);
            }
        }
    }

    /// Reads `.gitbook/vars.yaml`; invalid YAML is a warning, since only
    /// expressions depend on it.
    fn vars(
        &mut self,
        config: &SectionConfig,
    ) -> std::io::Result<serde_json::Map<String, serde_json::Value>> {
        let path = config.file(".gitbook/vars.yaml");
        if !self.files.is_file(&path) {
            return Ok(serde_json::Map::new());
        }
        let source = match self.root.read_source(&path) {
            Ok(source) => source,
            Err(ReadError::Encoding(diagnostic)) => {
                self.diagnostics.push(*diagnostic);
                return Ok(serde_json::Map::new());
            }
            Err(ReadError::Io(err)) => return Err(err),
        };
        match yaml::parse_yaml(&source.text) {
            Ok(serde_json::Value::Object(vars)) => Ok(vars),
            Ok(_) => Ok(serde_json::Map::new()),
            Err(err) => {
                self.diagnostics.push(source.diagnostic(
                    Severity::Warning,
                    Code::InvalidConfig,
                    err.offset..err.offset + 1,
                    format!("space variables are not valid YAML: {}", err.message),
                ));
                Ok(serde_json::Map::new())
            }
        }
    }

    /// The sidebar entries of one SUMMARY item: itself, or the generated
    /// pages of an OpenAPI reference.
    fn nav_items(
        &mut self,
        section: usize,
        config: &SectionConfig,
        source: &SourceFile,
        item: &SummaryItem,
        parent: Option<PageId>,
    ) -> Vec<NavItem> {
        match &item.openapi {
            Some(entry) => self.openapi_pages(section, config, source, entry, parent),
            None => vec![self.nav_item(section, config, source, item, parent)],
        }
    }

    /// GitBook's generated API reference, as GitBook groups it: a page per
    /// tag holding that tag's operations, and a page of the spec's schemas
    /// when the entry asks for models. Needs the spec in the book
    /// (`[gitbook.openapi]`); otherwise one warning, and no pages.
    fn openapi_pages(
        &mut self,
        section: usize,
        config: &SectionConfig,
        source: &SourceFile,
        entry: &OpenapiEntry,
        parent: Option<PageId>,
    ) -> Vec<NavItem> {
        let Some(spec_path) = self.openapi_specs.get(&entry.spec).cloned() else {
            self.diagnostics.push(
                source
                    .diagnostic(
                        Severity::Warning,
                        Code::OpenapiReference,
                        entry.span.clone(),
                        format!(
                            "GitBook generates this API reference from the specification `{}` kept in GitBook; folio has no copy of it, so its pages are left out",
                            entry.spec
                        ),
                    )
                    .with_target(entry.spec.clone())
                    .with_help(format!(
                        "put the specification in the repository and name it in book.toml: `[gitbook.openapi]` then `{} = \"specs/{}.yaml\"`",
                        entry.spec, entry.spec
                    )),
            );
            return Vec::new();
        };
        let root = self.root;
        let read = |path: &str| -> Result<String, String> {
            let bytes = root.read_bytes(path).map_err(|err| err.to_string())?;
            String::from_utf8(bytes).map_err(|_| "it is not UTF-8".to_string())
        };
        let contents = match openapi::Specs::default().contents(&read, &spec_path) {
            Ok(contents) => contents,
            Err(message) => {
                self.diagnostics.push(
                    source
                        .diagnostic(
                            Severity::Error,
                            Code::InvalidSpec,
                            entry.span.clone(),
                            message,
                        )
                        .with_target(spec_path),
                );
                return Vec::new();
            }
        };
        let base = match parent {
            Some(id) => paths::parent_dir(&self.paths[id]).to_string(),
            None => config.dir.clone(),
        };
        let folder = join_rel(&base, &slug(&entry.spec));
        let mut pages: Vec<(String, String)> = contents
            .groups
            .iter()
            .map(|group| (group.name.clone(), tag_page(group, &spec_path, &folder)))
            .collect();
        if entry.models && !contents.schemas.is_empty() {
            pages.push((
                "Models".to_string(),
                models_page(&contents.schemas, &spec_path, &folder),
            ));
        }
        pages
            .into_iter()
            .map(|(title, markdown)| {
                let path = self.free_path(&folder, &slug(&title));
                self.generated
                    .insert(path.clone(), (markdown, spec_path.clone()));
                let id = self.publish(section, path, Some(title.clone()), parent);
                NavItem {
                    label: title,
                    target: NavTarget::Page(id),
                    children: Vec::new(),
                }
            })
            .collect()
    }

    /// `folder/name.md`, or `folder/name-2.md` and so on when a page or a
    /// file already has that path.
    fn free_path(&self, folder: &str, name: &str) -> String {
        (1..)
            .map(|n| match n {
                1 => join_rel(folder, &format!("{name}.md")),
                n => join_rel(folder, &format!("{name}-{n}.md")),
            })
            .find(|path| !self.by_path.contains_key(path) && !self.files.is_file(path))
            .expect("an unused name exists")
    }

    fn nav_item(
        &mut self,
        section: usize,
        config: &SectionConfig,
        source: &SourceFile,
        item: &SummaryItem,
        parent: Option<PageId>,
    ) -> NavItem {
        let label = item.nav_label().to_string();
        let target = match &item.target {
            None => NavTarget::None,
            Some(target) if paths::has_scheme(&target.raw) => {
                NavTarget::External(target.raw.clone())
            }
            Some(target) => {
                let split = paths::path_and_fragment(&unescape(&target.raw));
                let joined = paths::join(&config.dir, &split.path);
                let mut path = joined.path;
                if joined.trailing_slash || self.files.is_dir(&path) {
                    path = join_rel(&path, &config.readme);
                }
                if let Some(&id) = self.by_path.get(&path) {
                    self.diagnostics.push(source.diagnostic(
                        Severity::Error,
                        Code::InvalidSummary,
                        target.span.clone(),
                        format!(
                            "`{}` is listed twice; GitBook allows each page once",
                            target.raw
                        ),
                    ));
                    NavTarget::Page(id)
                } else if path.ends_with(".md") && self.files.is_file(&path) {
                    NavTarget::Page(self.publish(section, path, Some(label.clone()), parent))
                } else {
                    self.diagnostics.push(
                        source
                            .diagnostic(
                                Severity::Error,
                                Code::BrokenLink,
                                target.span.clone(),
                                format!("SUMMARY entry `{}` points to no page", target.raw),
                            )
                            .with_target(target.raw.clone()),
                    );
                    NavTarget::None
                }
            }
        };
        let own_page = match target {
            NavTarget::Page(id) => Some(id),
            _ => parent,
        };
        let children = item
            .children
            .iter()
            .flat_map(|child| self.nav_items(section, config, source, child, own_page))
            .collect();
        NavItem {
            label,
            target,
            children,
        }
    }

    fn publish(
        &mut self,
        section: usize,
        path: String,
        label: Option<String>,
        parent: Option<PageId>,
    ) -> PageId {
        let id = self.paths.len();
        self.by_path.insert(path.clone(), id);
        self.paths.push(path);
        self.labels.push(label);
        self.parents.push(parent);
        self.sections_of.push(section);
        id
    }
}

/// A file name for a generated page: lower-case letters, digits and `-`.
fn slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "reference".to_string()
    } else {
        slug.to_string()
    }
}

/// The spec as a link destination from a generated page in `folder`.
fn spec_link(spec_path: &str, folder: &str) -> String {
    paths::encode_path(&paths::relative_url(&format!("{folder}/"), spec_path))
}

/// The Markdown of a tag's page: its description, then each operation as
/// an `{% openapi %}` block linking the spec.
fn tag_page(group: &openapi::TagGroup, spec_path: &str, folder: &str) -> String {
    let link = spec_link(spec_path, folder);
    let file = spec_path.rsplit('/').next().unwrap_or(spec_path);
    let mut markdown = format!("# {}\n\n", group.name);
    if let Some(description) = &group.description {
        markdown.push_str(description.trim());
        markdown.push_str("\n\n");
    }
    for (method, api_path) in &group.operations {
        markdown.push_str(&format!(
            "{{% openapi src=\"{link}\" path=\"{api_path}\" method=\"{method}\" %}}\n[{file}]({link})\n{{% endopenapi %}}\n\n"
        ));
    }
    markdown
}

/// The Markdown of the models page: every schema of the spec.
fn models_page(schemas: &[String], spec_path: &str, folder: &str) -> String {
    let link = spec_link(spec_path, folder);
    let file = spec_path.rsplit('/').next().unwrap_or(spec_path);
    format!(
        "# Models\n\n{{% openapi-schemas src=\"{link}\" schemas=\"{}\" %}}\n[{file}]({link})\n{{% endopenapi-schemas %}}\n",
        schemas.join(",")
    )
}

/// In a shallow clone `git log` sees only the newest commits, so every page
/// would show the newest date: one warning at `last-updated`, with the fix.
fn shallow_clone_warning(root: &BookRoot) -> Option<Diagnostic> {
    let output = std::process::Command::new("git")
        .args(["rev-parse", "--is-shallow-repository"])
        .current_dir(root.canonical())
        .output()
        .ok()?;
    if String::from_utf8_lossy(&output.stdout).trim() != "true" {
        return None;
    }
    let source = root
        .read_source("book.toml")
        .unwrap_or_else(|_| SourceFile::new(PathBuf::from("book.toml"), String::new()));
    let span = Config::key_span(&source.text, &["output", "html", "last-updated"]).unwrap_or(0..0);
    Some(
        source
            .diagnostic(
                Severity::Warning,
                Code::ShallowClone,
                span,
                "this is a shallow git clone, so every page would show the newest commit's date; last-updated dates are left out".into(),
            )
            .with_help("fetch the whole history (`git fetch --unshallow`; in GitHub Actions `fetch-depth: 0`, in GitLab CI `GIT_DEPTH: 0`)"),
    )
}

/// Each file's last commit date, from one `git log` over the book
/// directory. Without git, or outside a checkout, there are no dates.
pub fn git_last_changed(book_dir: &std::path::Path) -> HashMap<String, String> {
    let output = std::process::Command::new("git")
        .args([
            "log",
            "--format=%x00%cs",
            "--name-only",
            "--relative",
            "--no-renames",
            "--",
            ".",
        ])
        .current_dir(book_dir)
        .output();
    let Some(output) = output.ok().filter(|o| o.status.success()) else {
        return HashMap::new();
    };
    let mut dates = HashMap::new();
    let mut date = String::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        if let Some(commit_date) = line.strip_prefix('\0') {
            date = commit_date.to_string();
        } else if !line.is_empty() {
            // The log runs newest first: keep the first date seen.
            dates
                .entry(line.to_string())
                .or_insert_with(|| date.clone());
        }
    }
    dates
}

/// The page files among a book's Markdown files (SUMMARY files excluded).
fn page_files(config: &Config, markdown: Vec<String>) -> Vec<String> {
    let summaries: Vec<String> = config.sections.iter().map(|s| s.file(&s.summary)).collect();
    markdown
        .into_iter()
        .filter(|path| !summaries.contains(path) && !path.ends_with("SUMMARY.md"))
        .collect()
}

/// Every `.md` file in the sections, SUMMARY files included, skipping
/// hidden folders, the theme, the output and folders that are sections of
/// their own.
pub fn book_markdown_files(root: &BookRoot, config: &Config, exclude: &[PathBuf]) -> Vec<String> {
    let section_dirs: Vec<PathBuf> = config
        .sections
        .iter()
        .map(|s| root.canonical().join(&s.dir))
        .collect();
    let theme = config
        .theme_dir
        .as_ref()
        .map(|dir| root.canonical().join(dir));
    let mut files = Vec::new();
    for (section, dir) in config.sections.iter().zip(&section_dirs) {
        let left_out: Vec<PathBuf> = section_dirs
            .iter()
            .filter(|other| *other != dir)
            .chain(&theme)
            .chain(exclude)
            .cloned()
            .collect();
        files.extend(root.markdown_files(&section.dir, &left_out));
    }
    files
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::path::Path;

    /// Loads a book made of `files` (path, text), with no `book.toml`
    /// unless one is given (also the start of other stages' unit tests).
    pub(crate) fn load(files: &[(&str, &str)]) -> (tempfile::TempDir, Book, Vec<Diagnostic>) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let root = BookRoot::open(dir.path()).unwrap();
        let (config, _) = crate::config::load_config(&root).unwrap();
        let (book, diagnostics) = load_book(root, config, &[]).unwrap();
        (dir, book, diagnostics)
    }

    fn paths(book: &Book) -> Vec<&str> {
        book.pages.iter().map(|page| page.path.as_str()).collect()
    }

    #[test]
    fn summary_order_parents_and_the_sidebar() {
        let (_dir, book, diagnostics) = load(&[
            ("README.md", "# Home\n"),
            (
                "SUMMARY.md",
                "# Summary\n\n* [Home](README.md)\n* [Guide](guide/README.md)\n  * [Install](guide/install.md)\n\n## Reference\n\n* [Site](https://example.org/)\n* Label only\n",
            ),
            ("guide/README.md", "# Guide\n"),
            ("guide/install.md", "# Install\n"),
        ]);
        // A label without a link is allowed but pointed out.
        let found: Vec<_> = diagnostics
            .iter()
            .map(|d| (d.code, d.position.line))
            .collect();
        assert_eq!(found, [(Code::InvalidSummary, 10)]);
        assert_eq!(
            paths(&book),
            ["README.md", "guide/README.md", "guide/install.md"]
        );
        let install = book.page_at("guide/install.md").unwrap();
        assert_eq!(book.pages[install].parent, book.page_at("guide/README.md"));
        assert_eq!(book.pages[install].nav_label.as_deref(), Some("Install"));
        let groups = &book.sections[0].groups;
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].title, None);
        assert_eq!(
            groups[0].items[1].children[0].target,
            NavTarget::Page(install)
        );
        assert_eq!(groups[1].title.as_deref(), Some("Reference"));
        assert_eq!(
            groups[1].items[0].target,
            NavTarget::External("https://example.org/".into())
        );
        assert_eq!(groups[1].items[1].target, NavTarget::None);
        assert_eq!(book.sections[0].index_page, book.page_at("README.md"));
    }

    #[test]
    fn files_summary_does_not_reach_are_orphans_not_pages() {
        let (_dir, book, diagnostics) = load(&[
            ("README.md", "# Home\n"),
            ("SUMMARY.md", "* [Home](README.md)\n"),
            ("draft.md", "# Draft\n"),
        ]);
        assert_eq!(paths(&book), ["README.md"]);
        assert!(book.unpublished.contains("draft.md"));
        assert_eq!(book.page_at("draft.md"), None);
        let codes: Vec<_> = diagnostics
            .iter()
            .map(|d| (d.code, d.file.clone()))
            .collect();
        assert_eq!(codes, [(Code::OrphanPage, PathBuf::from("draft.md"))]);
    }

    #[test]
    fn a_summary_entry_for_a_missing_file_is_reported_at_its_line() {
        let (_dir, book, diagnostics) = load(&[
            ("README.md", "# Home\n"),
            ("SUMMARY.md", "* [Home](README.md)\n* [Gone](gone.md)\n"),
        ]);
        assert_eq!(paths(&book), ["README.md"]);
        assert_eq!(book.sections[0].groups[0].items[1].target, NavTarget::None);
        let gone = diagnostics
            .iter()
            .find(|d| d.file == Path::new("SUMMARY.md"))
            .expect("a diagnostic for the missing page");
        assert_eq!(gone.position.line, 2, "{gone:?}");
    }

    #[test]
    fn a_section_without_summary_reports_once_not_per_page() {
        let (_dir, book, diagnostics) = load(&[
            ("book.toml", "[[section]]\ndir = \"a\"\n"),
            ("a/README.md", "# A\n"),
            ("a/other.md", "# Other\n"),
        ]);
        assert!(book.in_section_without_summary("a/other.md"));
        let orphans = diagnostics
            .iter()
            .filter(|d| d.code == Code::OrphanPage)
            .count();
        assert_eq!(orphans, 0, "{diagnostics:?}");
        assert!(
            diagnostics.iter().any(|d| d.code == Code::InvalidSummary),
            "{diagnostics:?}"
        );
    }

    #[test]
    fn generated_page_names() {
        assert_eq!(slug("Payments API (v2)"), "payments-api-v2");
        assert_eq!(slug("Größe"), "größe");
        assert_eq!(slug("!!!"), "reference");
        assert_eq!(
            spec_link("specs/api v1.yaml", "reference"),
            "../specs/api%20v1.yaml"
        );
    }
}
