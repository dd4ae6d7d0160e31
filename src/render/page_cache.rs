//! Pages rendered by earlier builds, kept in `.folio-cache/pages/`, so that
//! `folio build` after a one-page edit renders and indexes that page
//! again, not every page.
//!
//! For each page it keeps three texts, each filed under a fingerprint of
//! everything it is made from (worked out by `render`, which knows what a
//! page shows): the page's HTML, its section of the print page, and its
//! share of the search index. The cache as a whole is filed under the
//! folio that wrote it (its version, and its executable's size and
//! modification time), the book's configuration and the theme's templates,
//! so changing any of them renders every page again.
//!
//! Owns the folder and its size bound, through a [`DiskCache`] (packs,
//! checksums, compaction, safe when two builds run at once). It never
//! decides what a key covers, and a damaged entry is only ever a miss.

use std::path::Path;

use super::disk_cache::DiskCache;
use crate::fingerprint;
use crate::load::Book;
use crate::render::Theme;

/// Where `folio build` keeps rendered pages, relative to the book's root.
pub(crate) const CACHE_DIR: &str = ".folio-cache/pages";

/// The size bound of the folder: about three texts of 40 KB a page, for
/// books of up to about 15,000 pages.
const MAX_BYTES: u64 = 2 << 30;

/// The three texts kept per page.
#[derive(Clone, Copy)]
pub(super) enum Kept {
    /// The page's `index.html`.
    Page,
    /// Its section of the print page.
    Print,
    /// Its share of the search index (`search::IndexBuilder::add_and_keep`).
    Search,
}

impl Kept {
    fn kind(self) -> &'static str {
        match self {
            Kept::Page => "page",
            Kept::Print => "print",
            Kept::Search => "search",
        }
    }
}

/// Rendered pages kept across `folio build`s.
pub struct PageCache {
    disk: DiskCache,
    /// What the whole cache is filed under.
    identity: u64,
}

impl PageCache {
    /// The cache of the book at `book_dir` for this folio, the book's
    /// configuration and `theme`; `None` when this folio's executable
    /// cannot be identified (a page rendered by another folio is never
    /// reused).
    pub fn open(book_dir: &Path, book: &Book, theme: &Theme) -> Option<PageCache> {
        let executable = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
        let modified = executable
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        let identity = fingerprint::of(&(
            env!("CARGO_PKG_VERSION"),
            executable.len(),
            modified.as_nanos(),
            format!("{:?}", book.config),
            theme.fingerprint(),
        ));
        Some(PageCache {
            disk: DiskCache::new(book_dir.join(CACHE_DIR), identity).with_max_bytes(MAX_BYTES),
            identity,
        })
    }

    /// The key of a site file made from inputs whose fingerprint is `key`,
    /// by this folio for this book and theme (what a file is filed under
    /// in the output's manifest, `output::Staging::write_keyed`).
    pub(super) fn file_key(&self, key: u64) -> u64 {
        fingerprint::of(&(self.identity, key))
    }

    /// The text kept for page `path` under `key`, if any.
    pub(super) fn get(&self, kept: Kept, path: &str, key: u64) -> Option<String> {
        self.disk.get(kept.kind(), &entry_key(path, key))
    }

    /// Keeps `text` for page `path` under `key`.
    pub(super) fn put(&self, kept: Kept, path: &str, key: u64, text: &str) {
        self.disk.put(kept.kind(), &entry_key(path, key), text);
    }

    /// Seals what this build added and keeps the folder under its bound;
    /// call once the build has rendered every page.
    pub fn finish(&self) {
        self.disk.finish();
    }
}

/// An entry's key text: the page's path (so that two pages never share an
/// entry) and the fingerprint of its inputs.
fn entry_key(path: &str, key: u64) -> String {
    format!("{path}\n{key:016x}")
}
