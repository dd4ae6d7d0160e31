//! `folio build` on disk, as the CLI runs it: the site streamed into a
//! staging folder (print page section by section) and swapped in, or, when
//! the last build's manifest lets unchanged files stay, patched in place;
//! pages unchanged since the last build taken from `.folio-cache/pages/`.
//! The output folder is kept from one input to the next, so each first
//! build also patches the previous input's site. The
//! input is a small book cut at `SEPARATOR` into SUMMARY.md, README.md,
//! guide/page.md, .gitbook/includes/note.md and book.toml. It is built,
//! then one of its Markdown files is edited as a writer would (a new first
//! heading, so a new title, or a new last paragraph) and built again, with
//! the pages the first build kept. Never panics; a build that reports
//! errors leaves the previous site in place; the site built with kept
//! pages is, file for file, the site the edited book builds without them.
#![no_main]

use std::sync::OnceLock;

use folio::build::{run, BuildOptions};
use folio::config::BrokenLinks;
use folio_fuzz::{write_input_book, BOOK_FILES};
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
    let options = |site: &str| BuildOptions {
        book_dir: book.path().to_path_buf(),
        out_dir: Some(out.path().join(site)),
        // Broken links do not stop the build, so more inputs reach render.
        broken_links: Some(BrokenLinks::Warn),
        write: true,
        external: false,
        site_url: None,
    };
    let _ = run(&options("site"));
    edit(book.path(), data);
    let Ok(kept) = run(&options("site")) else {
        return;
    };
    if kept.reused == 0 || kept.written_to.is_none() {
        return;
    }
    // The same book without kept pages (highlighted code stays cached).
    let _ = std::fs::remove_dir_all(book.path().join(".folio-cache/pages"));
    let Ok(fresh) = run(&options("fresh")) else {
        panic!("the book built with kept pages but not without them");
    };
    assert!(fresh.written_to.is_some());
    let (kept, fresh) = (
        files(&out.path().join("site")),
        files(&out.path().join("fresh")),
    );
    assert_eq!(
        kept.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &kept {
        assert!(
            bytes == &fresh[path],
            "{path} differs from a build without kept pages"
        );
    }
});

/// Edits one of the book's Markdown files, picked by the input: a new
/// first heading (the page's title) or a new last paragraph.
fn edit(book: &std::path::Path, data: &[u8]) {
    let markdown: Vec<&str> = BOOK_FILES
        .iter()
        .copied()
        .filter(|name| name.ends_with(".md"))
        .collect();
    let pick = data.len() % (markdown.len() * 2);
    let path = book.join(markdown[pick % markdown.len()]);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return;
    };
    let edited = match pick < markdown.len() {
        true => format!("# Edited title\n\n{text}"),
        false => format!("{text}\n\nAn edited paragraph.\n"),
    };
    let _ = std::fs::write(&path, edited);
}

/// Every file of a built site (but its marker), by path.
fn files(site: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file() && entry.file_name() != ".folio-build")
        .map(|entry| {
            let path = entry.path().strip_prefix(site).unwrap_or(entry.path());
            let bytes = std::fs::read(entry.path()).unwrap_or_default();
            (path.to_string_lossy().into_owned(), bytes)
        })
        .collect()
}
