//! Helpers shared by the fuzz targets: cutting one input into several
//! files, and writing a book into a scratch folder.

use std::fs;
use std::path::Path;

/// Separates files in one fuzz input (it is in the dictionary).
pub const SEPARATOR: &str = "\n%%file\n";

/// Cuts an input into at most `n` texts (missing ones are empty).
pub fn split_files(data: &[u8], n: usize) -> Vec<String> {
    let text = String::from_utf8_lossy(data);
    let mut parts: Vec<String> = text.splitn(n, SEPARATOR).map(str::to_string).collect();
    parts.resize(n, String::new());
    parts
}

/// Writes `files` (book-relative path, text) into `dir`, removing what an
/// earlier input left there.
pub fn write_book(dir: &Path, files: &[(&str, &str)]) {
    for entry in fs::read_dir(dir).expect("scratch folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            fs::remove_dir_all(&path).expect("clean scratch folder");
        } else {
            fs::remove_file(&path).expect("clean scratch folder");
        }
    }
    for (rel, text) in files {
        let path = dir.join(rel);
        fs::create_dir_all(path.parent().expect("inside dir")).expect("folder");
        fs::write(path, text).expect("write scratch file");
    }
}

/// The files of a small book an input is cut into, in this order.
pub const BOOK_FILES: [&str; 5] = [
    "SUMMARY.md",
    "README.md",
    "guide/page.md",
    ".gitbook/includes/note.md",
    "book.toml",
];

/// Cuts `data` into the [`BOOK_FILES`] and writes them into `dir` (an empty
/// `book.toml` is left out, so a book without one is tried too).
pub fn write_input_book(dir: &Path, data: &[u8]) {
    let parts = split_files(data, BOOK_FILES.len());
    let files: Vec<(&str, &str)> = BOOK_FILES
        .iter()
        .zip(&parts)
        .filter(|(name, text)| **name != "book.toml" || !text.is_empty())
        .map(|(name, text)| (*name, text.as_str()))
        .collect();
    write_book(dir, &files);
}
