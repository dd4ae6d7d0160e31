//! `folio build` on disk, as the CLI runs it: the book's events dropped
//! after parsing and each page parsed again as it is rendered, the site
//! streamed into a staging folder (print page section by section) and
//! swapped in. The input is a small book cut at `SEPARATOR` into
//! SUMMARY.md, README.md, guide/page.md, .gitbook/includes/note.md and
//! book.toml. Never panics; a build that reports errors leaves the previous
//! site in place.
#![no_main]

use std::sync::OnceLock;

use folio::build::{run, BuildOptions};
use folio::config::BrokenLinks;
use folio_fuzz::write_input_book;
use libfuzzer_sys::fuzz_target;

static DIRS: OnceLock<(tempfile::TempDir, tempfile::TempDir)> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let (book, out) = DIRS.get_or_init(|| {
        (
            tempfile::tempdir().expect("scratch folder"),
            tempfile::tempdir().expect("output folder"),
        )
    });
    write_input_book(book.path(), data);
    let _ = run(&BuildOptions {
        book_dir: book.path().to_path_buf(),
        out_dir: Some(out.path().join("site")),
        // Broken links do not stop the build, so more inputs reach render.
        broken_links: Some(BrokenLinks::Warn),
        write: true,
        external: false,
        site_url: None,
    });
});
