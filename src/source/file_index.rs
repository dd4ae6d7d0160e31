//! The book's files, listed once per build.
//!
//! `load` walks the book root once ([`FileIndex::of`]) and later stages ask
//! the index, not the disk, whether a link's file or folder exists, how
//! large a download is and what a folder holds. Asking the disk costs a
//! `canonicalize` per link (several per link, with the fallbacks `resolve`
//! tries); the index answers from memory, and every stage sees the same
//! files however the disk changes during a build.
//!
//! Owns: which files and folders exist under the root and their sizes.
//! Must never: list anything outside the root (a symbolic link is followed
//! only when its target is inside the root), the `.git` folder or the
//! output folder, or read file contents.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::BookRoot;

/// Every file and folder under the book root, by `/`-separated
/// book-relative path.
#[derive(Debug, Clone, Default)]
pub struct FileIndex {
    entries: HashMap<String, Entry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    File { len: u64 },
    Folder,
}

impl FileIndex {
    /// Walks the book root, leaving out `.git` folders and the folders in
    /// `exclude` (the output).
    pub fn of(root: &BookRoot, exclude: &[PathBuf]) -> FileIndex {
        let base = root.canonical();
        let mut entries = HashMap::new();
        let mut walker = walkdir::WalkDir::new(base)
            .follow_links(true)
            .min_depth(1)
            .into_iter();
        while let Some(entry) = walker.next() {
            let Ok(entry) = entry else { continue };
            let path = entry.path();
            let is_dir = entry.file_type().is_dir();
            let leaves = entry.path_is_symlink()
                && !path.canonicalize().is_ok_and(|real| real.starts_with(base));
            let skipped = entry.file_name() == ".git" || exclude.iter().any(|e| path == e);
            if leaves || skipped {
                if is_dir {
                    walker.skip_current_dir();
                }
                continue;
            }
            let Some(rel) = relative(base, path) else {
                continue;
            };
            let kind = if is_dir {
                Entry::Folder
            } else if entry.file_type().is_file() {
                Entry::File {
                    len: entry.metadata().map_or(0, |meta| meta.len()),
                }
            } else {
                continue;
            };
            entries.insert(rel, kind);
        }
        FileIndex { entries }
    }

    /// Reads again the size of a file the index lists (the preview's
    /// saves). Anything else (a new, deleted or replaced-by-folder file)
    /// needs a new index, from a whole build.
    pub fn refresh(&mut self, root: &BookRoot, rel: &str) {
        let Some(key) = normalise(rel) else { return };
        if let Some(Entry::File { len }) = self.entries.get_mut(key.as_ref()) {
            if let Some(size) = root.file_len(&key) {
                *len = size;
            }
        }
    }

    /// Whether `rel` is a regular file in the book.
    pub fn is_file(&self, rel: &str) -> bool {
        self.file_len(rel).is_some()
    }

    /// Whether `rel` is a folder in the book (`""` and `.` are the root).
    pub fn is_dir(&self, rel: &str) -> bool {
        match normalise(rel) {
            Some(rel) if rel.is_empty() => true,
            Some(rel) => self.entries.get(rel.as_ref()) == Some(&Entry::Folder),
            None => false,
        }
    }

    /// The size in bytes of a file in the book.
    pub fn file_len(&self, rel: &str) -> Option<u64> {
        match self.entries.get(normalise(rel)?.as_ref()) {
            Some(Entry::File { len }) => Some(*len),
            _ => None,
        }
    }

    /// The names of the files and folders directly in a book folder,
    /// sorted.
    pub fn list_dir(&self, rel: &str) -> Vec<String> {
        let Some(folder) = normalise(rel) else {
            return Vec::new();
        };
        let prefix = if folder.is_empty() {
            String::new()
        } else {
            format!("{folder}/")
        };
        let mut names: Vec<String> = self
            .entries
            .keys()
            .filter_map(|path| path.strip_prefix(&prefix))
            .filter(|name| !name.is_empty() && !name.contains('/'))
            .map(str::to_string)
            .collect();
        names.sort();
        names
    }
}

/// A book-relative path in the index's form (`a/b`, no `.` or empty
/// parts), or `None` for one that climbs (`..`) or is absolute. A path
/// already in that form (what `resolve` asks, link after link) is used as
/// it is, without a copy.
fn normalise(rel: &str) -> Option<Cow<'_, str>> {
    if rel.starts_with('/') {
        return None;
    }
    let mut parts = rel.split('/');
    if parts.all(|part| !matches!(part, "" | "." | "..")) {
        return Some(Cow::Borrowed(rel));
    }
    let mut kept = Vec::new();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            part => kept.push(part),
        }
    }
    Some(Cow::Owned(kept.join("/")))
}

fn relative(base: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(base).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> (tempfile::TempDir, BookRoot) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in [
            ("README.md", "# Home\n"),
            ("guide/install.md", "1234"),
            (".gitbook/assets/logo.png", "png"),
            (".git/config", "[core]"),
            ("book/index.html", "old output"),
        ] {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let root = BookRoot::open(dir.path()).unwrap();
        (dir, root)
    }

    #[test]
    fn files_folders_and_sizes() {
        let (_dir, root) = book();
        let output = root.canonical().join("book");
        let files = FileIndex::of(&root, &[output]);
        assert!(files.is_file("README.md"));
        assert!(files.is_file("./guide//install.md"));
        assert_eq!(files.file_len("guide/install.md"), Some(4));
        assert!(files.is_dir("guide") && files.is_dir("") && files.is_dir("."));
        assert!(!files.is_file("guide") && !files.is_dir("README.md"));
        assert!(files.is_file(".gitbook/assets/logo.png"));
        assert_eq!(files.list_dir(""), [".gitbook", "README.md", "guide"]);
        assert_eq!(files.list_dir(".gitbook/assets"), ["logo.png"]);
        // Never the output, `.git`, or a way out.
        assert!(!files.is_file("book/index.html") && !files.is_dir("book"));
        assert!(!files.is_file(".git/config"));
        assert!(!files.is_file("../README.md") && !files.is_file("/README.md"));
        assert!(!files.is_file("guide/../README.md"));
    }

    #[test]
    fn a_saved_file_gets_its_new_size() {
        let (dir, root) = book();
        let mut files = FileIndex::of(&root, &[]);
        std::fs::write(dir.path().join("guide/install.md"), "123456789").unwrap();
        assert_eq!(files.file_len("guide/install.md"), Some(4));
        files.refresh(&root, "guide/install.md");
        assert_eq!(files.file_len("guide/install.md"), Some(9));
        files.refresh(&root, "new.md");
        assert!(!files.is_file("new.md"));
    }

    #[cfg(unix)]
    #[test]
    fn links_count_only_when_they_stay_inside() {
        let (dir, root) = book();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "s").unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("secret.txt"),
            dir.path().join("secret.txt"),
        )
        .unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("away")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("guide"), dir.path().join("alias")).unwrap();
        let files = FileIndex::of(&root, &[]);
        assert!(!files.is_file("secret.txt"));
        assert!(!files.is_dir("away") && !files.is_file("away/secret.txt"));
        assert!(files.is_file("alias/install.md"));
        // The index and the root agree.
        for rel in ["secret.txt", "away/secret.txt", "alias/install.md"] {
            assert_eq!(files.is_file(rel), root.is_file(rel), "{rel}");
        }
    }
}
