//! The whole pipeline in memory (load, parse, index, resolve, render),
//! as the preview server runs it: the input is a small book, cut at
//! `SEPARATOR` into SUMMARY.md, README.md, guide/page.md,
//! .gitbook/includes/note.md and book.toml. Never panics.
#![no_main]

use std::sync::OnceLock;

use folio::build::{build_in_memory, ParseCache};
use folio::render::highlight::Highlighter;
use folio::render::RenderCache;
use folio_fuzz::write_input_book;
use libfuzzer_sys::fuzz_target;

static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
/// Shared so the syntax definitions load once, not on every input (it
/// keeps no cache of highlighted code).
static HIGHLIGHTER: OnceLock<Highlighter> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let dir = DIR.get_or_init(|| tempfile::tempdir().expect("scratch folder"));
    write_input_book(dir.path(), data);
    let _ = build_in_memory(
        dir.path(),
        HIGHLIGHTER.get_or_init(Highlighter::default),
        &RenderCache::default(),
        &ParseCache::default(),
    );
});
