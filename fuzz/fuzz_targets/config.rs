//! book.toml and .gitbook.yaml: the input is both files, cut at
//! `SEPARATOR`, written into a scratch book. Loading never panics.
#![no_main]

use std::sync::OnceLock;

use folio::config::load_config;
use folio::source::BookRoot;
use folio_fuzz::{split_files, write_book};
use libfuzzer_sys::fuzz_target;

static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let dir = DIR.get_or_init(|| tempfile::tempdir().expect("scratch folder"));
    let parts = split_files(data, 2);
    let mut files = vec![
        ("README.md", "# Home\n"),
        ("SUMMARY.md", "* [Home](README.md)\n"),
    ];
    if !parts[0].is_empty() {
        files.push(("book.toml", &parts[0]));
    }
    files.push((".gitbook.yaml", &parts[1]));
    write_book(dir.path(), &files);
    let root = BookRoot::open(dir.path()).expect("scratch book");
    let _ = load_config(&root);
});
