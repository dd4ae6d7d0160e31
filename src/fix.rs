//! `folio fix-encoding`: repairs mojibake in a book's Markdown files.
//!
//! Owns rewriting source files in place: each file with damaged text is
//! written to a temporary file beside it and renamed over it, so a crash
//! never leaves half a file. Only the damaged runs change; every other byte
//! (line endings included) is kept.

use std::io::{self, Write};
use std::path::Path;

use crate::build::BuildError;
use crate::config;
use crate::load;
use crate::mojibake;
use crate::source::{BookRoot, ReadError};

/// One repaired run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    /// Book-relative file.
    pub file: String,
    /// 1-based line of the run.
    pub line: usize,
    /// The damaged text.
    pub before: String,
    /// What it now reads.
    pub after: String,
}

/// Repairs every Markdown file of the book in `book_dir`; returns what
/// changed. Files that are not valid UTF-8 are left alone.
pub fn fix_encoding(book_dir: &Path) -> Result<Vec<Repair>, BuildError> {
    let root = BookRoot::open(book_dir)?;
    let (config, _) = config::load_config(&root).map_err(BuildError::Config)?;
    let mut repairs = Vec::new();
    for file in load::book_markdown_files(&root, &config, &[]) {
        let source = match root.read_source(&file) {
            Ok(source) => source,
            Err(ReadError::Encoding(_)) => continue,
            Err(ReadError::Io(err)) => return Err(err.into()),
        };
        let runs = mojibake::find_mojibake(&source.text);
        if runs.is_empty() {
            continue;
        }
        for run in &runs {
            repairs.push(Repair {
                file: file.clone(),
                line: source.position(run.range.start).line,
                before: source.text[run.range.clone()].to_string(),
                after: run.repaired.clone(),
            });
        }
        let path = root
            .contained(&file)
            .ok_or_else(|| io::Error::other(format!("{file} is outside the book")))?;
        write_atomically(&path, mojibake::repair(&source.text).as_bytes())?;
    }
    Ok(repairs)
}

/// Writes `contents` to a temporary file in the same folder, then renames
/// it over `path`, keeping the file's permissions.
fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut temporary = tempfile::Builder::new()
        .prefix(".folio-fix-")
        .tempfile_in(dir)?;
    temporary.write_all(contents)?;
    temporary.as_file().sync_all()?;
    if let Ok(metadata) = std::fs::metadata(path) {
        temporary
            .as_file()
            .set_permissions(metadata.permissions())?;
    }
    temporary.persist(path).map_err(|err| err.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_only_damaged_runs_in_book_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("SUMMARY.md"), "* [ðŸ†š Page](page.md)\r\n").unwrap();
        std::fs::write(
            dir.path().join("page.md"),
            "# Title\r\n\r\nThe teamâ€™s cafÃ© — ok\r\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("clean.md"), "# Clean café\n").unwrap();
        let repairs = fix_encoding(dir.path()).unwrap();
        let summary: Vec<_> = repairs
            .iter()
            .map(|r| (r.file.as_str(), r.line, r.after.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                ("SUMMARY.md", 1, "🆚"),
                ("page.md", 3, "’"),
                ("page.md", 3, "é")
            ]
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("page.md")).unwrap(),
            "# Title\r\n\r\nThe team’s café — ok\r\n"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("clean.md")).unwrap(),
            "# Clean café\n"
        );
        assert!(
            fix_encoding(dir.path()).unwrap().is_empty(),
            "a second run changes nothing"
        );
    }
}
