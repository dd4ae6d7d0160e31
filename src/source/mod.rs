//! Source files and the book root: the only place that reads the book from
//! disk.
//!
//! Owns [`BookRoot`], a handle that reads files and answers "does this file
//! exist" for paths *relative to the book root*, refusing anything that would
//! leave it (`..`, absolute paths, symlinks pointing outside); and
//! [`SourceFile`], a file's text with a line index that turns byte offsets
//! into 1-based line:column positions for diagnostics.
//!
//! [`FileIndex`] lists the book's files once, so later stages ask it rather
//! than the disk.
//!
//! It never interprets content: Markdown, YAML and TOML belong to later stages.

use std::fs;
use std::io;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use crate::diag::{Code, Diagnostic, Position, Severity};

mod file_index;

pub use file_index::FileIndex;

/// The book directory. All reads of book content go through it, so the
/// "nothing outside the root" invariant is enforced in one place.
#[derive(Debug, Clone)]
pub struct BookRoot {
    /// The directory as given (used for display).
    dir: PathBuf,
    /// The canonical directory (used for containment checks).
    canonical: PathBuf,
}

impl BookRoot {
    /// Opens the book directory, failing if it does not exist.
    pub fn open(dir: &Path) -> io::Result<BookRoot> {
        let canonical = dir.canonicalize().map_err(|err| {
            io::Error::new(
                err.kind(),
                format!("cannot open book directory {}: {err}", dir.display()),
            )
        })?;
        if !canonical.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotADirectory,
                format!("{} is not a directory", dir.display()),
            ));
        }
        Ok(BookRoot {
            dir: dir.to_path_buf(),
            canonical,
        })
    }

    /// The book directory as the user gave it.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The canonical absolute book directory.
    pub fn canonical(&self) -> &Path {
        &self.canonical
    }

    /// The absolute path of a book-relative path, if it stays inside the
    /// root once symlinks are followed. `None` for anything that escapes.
    pub fn contained(&self, rel: &str) -> Option<PathBuf> {
        if !is_plain_relative(rel) {
            return None;
        }
        let path = self.canonical.join(rel);
        match path.canonicalize() {
            Ok(real) if real.starts_with(&self.canonical) => Some(real),
            Ok(_) => None,
            // A path that does not exist yet cannot escape through a symlink.
            Err(_) => Some(path),
        }
    }

    /// Whether `rel` names a regular file inside the root.
    pub fn is_file(&self, rel: &str) -> bool {
        self.contained(rel).is_some_and(|path| path.is_file())
    }

    /// Whether `rel` names a directory inside the root.
    pub fn is_dir(&self, rel: &str) -> bool {
        self.contained(rel).is_some_and(|path| path.is_dir())
    }

    /// Size in bytes of a file inside the root.
    pub fn file_len(&self, rel: &str) -> Option<u64> {
        let path = self.contained(rel)?;
        fs::metadata(path).ok().map(|meta| meta.len())
    }

    /// Reads a book-relative file as bytes (for files copied as they are).
    pub fn read_bytes(&self, rel: &str) -> io::Result<Vec<u8>> {
        let path = self.contained(rel).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!("{rel} is outside the book root"),
            )
        })?;
        fs::read(&path).map_err(|err| {
            io::Error::new(
                err.kind(),
                format!("cannot read {}: {err}", self.dir.join(rel).display()),
            )
        })
    }

    /// The names of the entries of a book-relative folder, sorted.
    pub fn list_dir(&self, rel: &str) -> Vec<String> {
        let Some(path) = self.contained(if rel.is_empty() { "." } else { rel }) else {
            return Vec::new();
        };
        let mut names: Vec<String> = fs::read_dir(path)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|entry| entry.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    /// The `.md` files under the book-relative folder `within`, sorted,
    /// skipping hidden files and folders, `node_modules`, what the book's
    /// `.gitignore` files exclude and the folders `left_out` (absolute:
    /// other sections, the theme, the output). Walked from the book root
    /// so that the root's `.gitignore` (and those on the way down) apply
    /// to a folder below it; nothing above the root is read.
    pub fn markdown_files(&self, within: &str, left_out: &[PathBuf]) -> Vec<String> {
        let base = self.canonical.clone();
        let dir = base.join(within);
        let (inside, skipped) = (dir.clone(), left_out.to_vec());
        let walker = ignore::WalkBuilder::new(&base)
            .hidden(true)
            .parents(false)
            .ignore(false)
            .git_global(false)
            .git_exclude(false)
            .require_git(false)
            .sort_by_file_name(|a, b| a.cmp(b))
            .filter_entry(move |entry| {
                let path = entry.path();
                let on_the_way = inside.starts_with(path) || path.starts_with(&inside);
                on_the_way
                    && entry.file_name() != "node_modules"
                    && !skipped.iter().any(|left| path == left)
            })
            .build();
        walker
            .flatten()
            .filter(|entry| entry.file_type().is_some_and(|kind| kind.is_file()))
            .map(|entry| entry.into_path())
            .filter(|path| path.starts_with(&dir) && path.extension().is_some_and(|e| e == "md"))
            .filter_map(|path| path.strip_prefix(&base).ok().map(slash_path))
            .collect()
    }

    /// Reads a book-relative file as UTF-8 text. Invalid UTF-8 becomes an
    /// `invalid-encoding` diagnostic at the first bad byte; an I/O failure
    /// is returned as an error naming the file.
    pub fn read_source(&self, rel: &str) -> Result<SourceFile, ReadError> {
        let path = self.contained(rel).ok_or_else(|| {
            ReadError::Io(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!("{rel} is outside the book root"),
            ))
        })?;
        let bytes = fs::read(&path).map_err(|err| {
            ReadError::Io(io::Error::new(
                err.kind(),
                format!("cannot read {}: {err}", self.dir.join(rel).display()),
            ))
        })?;
        match String::from_utf8(bytes) {
            // NUL is not allowed in HTML; CommonMark reads it as U+FFFD.
            Ok(text) if text.contains('\0') => Ok(SourceFile::new(
                PathBuf::from(rel),
                text.replace('\0', "\u{FFFD}"),
            )),
            Ok(text) => Ok(SourceFile::new(PathBuf::from(rel), text)),
            Err(err) => {
                let valid = err.utf8_error().valid_up_to();
                let lossy = String::from_utf8_lossy(err.as_bytes()).into_owned();
                // Positions in the lossy copy match the original up to the
                // first bad byte, which is all the diagnostic needs.
                let file = SourceFile::new(PathBuf::from(rel), lossy);
                Err(ReadError::Encoding(Box::new(file.diagnostic(
                    Severity::Error,
                    Code::InvalidEncoding,
                    valid..valid + 1,
                    "file is not valid UTF-8; save it as UTF-8".to_string(),
                ))))
            }
        }
    }
}

/// Why a source file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The bytes are not UTF-8: a content error with a position.
    Encoding(Box<Diagnostic>),
    /// The file could not be read at all.
    Io(io::Error),
}

/// Whether a path is relative and has no `..`, root or prefix components.
fn is_plain_relative(rel: &str) -> bool {
    Path::new(rel)
        .components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// A file's text plus the offsets of its line starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Path relative to the book root, with `/` separators.
    pub path: PathBuf,
    /// The whole file.
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Indexes `text` for position lookups.
    pub fn new(path: PathBuf, text: String) -> SourceFile {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            path,
            text,
            line_starts,
        }
    }

    /// A hash of the text, for caches that must notice a change.
    pub fn content_hash(&self) -> u64 {
        crate::fingerprint::of(&self.text)
    }

    /// The 1-based line and character column of a byte offset. Offsets past
    /// the end, or inside a multibyte character, are clamped.
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let column = self.text[self.line_starts[line]..offset].chars().count() + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// The byte offset where a 1-based line starts (the end of the file for
    /// lines past it).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.wrapping_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }

    /// Builds a diagnostic pointing at a byte range of this file.
    pub fn diagnostic(
        &self,
        severity: Severity,
        code: Code,
        range: Range<usize>,
        message: String,
    ) -> Diagnostic {
        let position = self.position(range.start);
        let line = self.line_text(position.line);
        let end = floor_char_boundary(&self.text, range.end.min(self.text.len()));
        let start = floor_char_boundary(&self.text, range.start.min(end));
        let line_end = self.line_start(position.line) + line.len();
        let width = self.text[start..end.min(line_end).max(start)]
            .chars()
            .count();
        Diagnostic {
            severity,
            code,
            file: self.path.clone(),
            position,
            width: width.max(1),
            // A line this long is not text a person wrote (a binary file,
            // generated data): no snippet rather than megabytes of it.
            source_line: if line.len() > MAX_SNIPPET {
                String::new()
            } else {
                crate::diag::printable(line)
            },
            target: None,
            message: crate::diag::printable(&message),
            help: None,
            suggestion: None,
        }
    }
}

/// The longest line shown as a diagnostic's snippet, in bytes.
const MAX_SNIPPET: usize = 10_000;

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Turns a path into the `/`-separated form folio uses for book-relative
/// paths on every platform.
pub fn slash_path(path: &Path) -> String {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(PathBuf::from("a.md"), text.to_string())
    }

    #[test]
    fn positions_are_one_based_at_line_starts() {
        let f = file("ab\ncd\n");
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.position(3), Position { line: 2, column: 1 });
        assert_eq!(f.position(4), Position { line: 2, column: 2 });
        assert_eq!(f.position(6), Position { line: 3, column: 1 });
    }

    #[test]
    fn columns_count_characters_after_multibyte_text() {
        let f = file("é🆚 [x](y.md)");
        let offset = f.text.find("y.md").unwrap();
        assert_eq!(f.position(offset), Position { line: 1, column: 8 });
    }

    #[test]
    fn offsets_inside_a_character_are_clamped() {
        let f = file("🆚x");
        assert_eq!(f.position(2), Position { line: 1, column: 1 });
        assert_eq!(f.position(99), Position { line: 1, column: 3 });
    }

    #[test]
    fn line_text_strips_crlf() {
        let f = file("one\r\ntwo");
        assert_eq!(f.line_text(1), "one");
        assert_eq!(f.line_text(2), "two");
        assert_eq!(f.line_text(3), "");
    }

    #[test]
    fn diagnostic_underlines_the_range() {
        let f = file("see [b](b.md)\n");
        let d = f.diagnostic(Severity::Error, Code::BrokenLink, 8..12, "x".into());
        assert_eq!(d.position, Position { line: 1, column: 9 });
        assert_eq!(d.width, 4);
        assert_eq!(d.source_line, "see [b](b.md)");
    }

    #[test]
    fn root_refuses_escaping_paths() {
        let dir = tempfile::tempdir().unwrap();
        let root = BookRoot::open(dir.path()).unwrap();
        assert!(root.contained("../etc/passwd").is_none());
        assert!(root.contained("/etc/passwd").is_none());
        assert!(root.contained("a/b.md").is_some());
    }

    #[cfg(unix)]
    #[test]
    fn root_refuses_symlinks_that_leave_it() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "x").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).unwrap();
        let root = BookRoot::open(dir.path()).unwrap();
        assert!(!root.is_file("link/secret.txt"));
    }
}
