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
