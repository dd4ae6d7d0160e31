//! Output: writes the built site atomically.
//!
//! Everything is written into a staging directory beside the destination,
//! then swapped in by two renames, so a failed or interrupted build leaves the
//! previous site untouched. A destination folio did not write (no marker
//! file) is never replaced, so `--out src` cannot wipe a source folder.
//!
//! It never renders and never decides what is published; it writes the
//! files it is given and copies book files through [`BookRoot`].

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::render::OutputFile;
use crate::source::BookRoot;

/// The file that marks a directory as folio's output.
pub const MARKER: &str = ".folio-build";

/// Writes `files` and copies `copies` (book-relative source → site-relative
/// destination) into `out_dir`, replacing its previous contents only once
/// everything has been written.
pub fn write_site(
    out_dir: &Path,
    root: &BookRoot,
    files: &[OutputFile],
    copies: &[(String, String)],
) -> io::Result<()> {
    ensure_replaceable(out_dir)?;
    let parent = out_dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|err| with_path(err, parent))?;
    let staging = tempfile::Builder::new()
        .prefix(".folio-staging-")
        .tempdir_in(parent)
        .map_err(|err| with_path(err, parent))?;
    let base = staging.path();
    fs::write(
        base.join(MARKER),
        "written by folio; the whole folder is replaced on each build\n",
    )?;
    // GitHub Pages runs Jekyll unless told not to, and Jekyll drops folders
    // starting with `.`, such as `.gitbook/assets`.
    fs::write(base.join(".nojekyll"), "")?;
    files.par_iter().try_for_each(|file| {
        let path = staged_path(base, &file.path)?;
        create_parent(&path)?;
        fs::write(&path, &file.contents).map_err(|err| with_path(err, &path))
    })?;
    copies.par_iter().try_for_each(|(source, dest)| {
        let from = root.contained(source).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!("{source} is outside the book root"),
            )
        })?;
        let path = staged_path(base, dest)?;
        create_parent(&path)?;
        fs::copy(&from, &path)
            .map(|_| ())
            .map_err(|err| with_path(err, &from))
    })?;
    swap_in(staging.keep(), out_dir)
}

/// Refuses to replace a non-empty directory that folio did not write.
fn ensure_replaceable(out_dir: &Path) -> io::Result<()> {
    if !out_dir.exists() {
        return Ok(());
    }
    if !out_dir.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} exists and is not a directory", out_dir.display()),
        ));
    }
    let empty = fs::read_dir(out_dir)
        .map_err(|err| with_path(err, out_dir))?
        .next()
        .is_none();
    if empty || out_dir.join(MARKER).is_file() {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "refusing to replace {}: it is not empty and folio did not write it (no {MARKER} file); remove it or choose another --out",
                out_dir.display()
            ),
        ))
    }
}

/// Replaces `out_dir` with `staged` by renames, restoring the old site if
/// the second rename fails.
fn swap_in(staged: PathBuf, out_dir: &Path) -> io::Result<()> {
    if !out_dir.exists() {
        return fs::rename(&staged, out_dir).map_err(|err| with_path(err, out_dir));
    }
    let backup = staged.with_file_name(format!(
        ".folio-previous-{}",
        staged
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    fs::rename(out_dir, &backup).map_err(|err| with_path(err, out_dir))?;
    if let Err(err) = fs::rename(&staged, out_dir) {
        let _ = fs::rename(&backup, out_dir);
        let _ = fs::remove_dir_all(&staged);
        return Err(with_path(err, out_dir));
    }
    // The new site is in place; a leftover backup only costs disk space.
    let _ = fs::remove_dir_all(&backup);
    Ok(())
}

/// Joins a site-relative path onto the staging directory, refusing any path
/// that could leave it.
fn staged_path(base: &Path, rel: &str) -> io::Result<PathBuf> {
    let rel_path = Path::new(rel);
    if rel.is_empty()
        || !rel_path
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
    {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("refusing to write `{rel}` outside the output directory"),
        ));
    }
    Ok(base.join(rel_path))
}

fn create_parent(path: &Path) -> io::Result<()> {
    match path.parent() {
        Some(parent) => fs::create_dir_all(parent).map_err(|err| with_path(err, parent)),
        None => Ok(()),
    }
}

fn with_path(err: io::Error, path: &Path) -> io::Error {
    io::Error::new(err.kind(), format!("{}: {err}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            contents: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn replaces_previous_output_and_marks_it() {
        let book = tempfile::tempdir().unwrap();
        let root = BookRoot::open(book.path()).unwrap();
        let out = book.path().join("out");
        write_site(
            &out,
            &root,
            &[file("a/index.html", "one"), file("old.html", "x")],
            &[],
        )
        .unwrap();
        write_site(&out, &root, &[file("a/index.html", "two")], &[]).unwrap();
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "two");
        assert!(!out.join("old.html").exists());
        assert!(out.join(MARKER).is_file());
        let leftovers: Vec<_> = fs::read_dir(book.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(".folio"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn refuses_a_folder_it_did_not_write() {
        let book = tempfile::tempdir().unwrap();
        let root = BookRoot::open(book.path()).unwrap();
        let out = book.path().join("src");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("main.rs"), "fn main() {}").unwrap();
        let err = write_site(&out, &root, &[file("index.html", "x")], &[]).unwrap_err();
        assert!(err.to_string().contains("refusing to replace"));
        assert_eq!(
            fs::read_to_string(out.join("main.rs")).unwrap(),
            "fn main() {}"
        );
    }

    #[test]
    fn refuses_paths_that_leave_the_output() {
        let book = tempfile::tempdir().unwrap();
        let root = BookRoot::open(book.path()).unwrap();
        let out = book.path().join("out");
        assert!(write_site(&out, &root, &[file("../escape.html", "x")], &[]).is_err());
        assert!(!book.path().join("escape.html").exists());
        assert!(!out.exists());
    }
}
