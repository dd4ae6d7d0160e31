//! `folio init`: a small book that builds with no warnings, to start from.
//!
//! Owns the starter files. It writes nothing if any of them exists already,
//! so it can never overwrite a writer's work.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The starter files, relative to the new book's directory.
fn starter_files(title: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "book.toml",
            format!(
                "# Settings for folio; every key is described in folio's README.\n\n[book]\ntitle = \"{title}\"\ndescription = \"What this book is about, in one sentence.\"\nlanguage = \"en\"\nsrc = \"docs\"\n\n[build]\nbuild-dir = \"book\"\n"
            ),
        ),
        (
            "docs/SUMMARY.md",
            "# Table of contents\n\n* [Welcome](README.md)\n* [Getting started](getting-started.md)\n".to_string(),
        ),
        (
            "docs/README.md",
            format!(
                "---\ndescription: The first page readers see.\n---\n\n# {title}\n\nWelcome. Start with [Getting started](getting-started.md), or jump to\n[writing pages](getting-started.md#writing-pages).\n"
            ),
        ),
        (
            "docs/getting-started.md",
            "---\ndescription: How to write and preview this book.\n---\n\n# Getting started\n\n## Writing pages\n\nAdd a Markdown file to `docs/` and list it in `docs/SUMMARY.md`; a page\nthat no SUMMARY lists is not published.\n\n## Previewing\n\n```sh\nfolio serve\n```\n\nBack to the [welcome page](README.md).\n".to_string(),
        ),
        (".gitignore", "/book\n.folio-cache/\n".to_string()),
    ]
}

/// Creates a starter book in `dir` (created if missing). Fails, writing
/// nothing, if any starter file already exists there.
pub fn init_book(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let title = dir
        .canonicalize()
        .ok()
        .or_else(|| std::env::current_dir().ok().map(|cwd| cwd.join(dir)))
        .and_then(|path| {
            path.file_name()
                .map(|name| name.to_string_lossy().into_owned())
        })
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "My book".to_string())
        .replace('"', "'");
    let files = starter_files(&title);
    let existing: Vec<String> = files
        .iter()
        .filter(|(name, _)| dir.join(name).exists())
        .map(|(name, _)| name.to_string())
        .collect();
    if !existing.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{} already has {}; folio init never overwrites files",
                dir.display(),
                existing.join(", ")
            ),
        ));
    }
    let mut written = Vec::new();
    for (name, text) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, text)?;
        written.push(path);
    }
    Ok(written)
}
