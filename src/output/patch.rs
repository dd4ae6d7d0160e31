//! Updating the current site in place: the files a rebuild changed are
//! moved into it from the staging folder, and the files it no longer has
//! are deleted, instead of a whole new site being staged and swapped in.
//! After a one-page edit of a 10,000-page book that is a handful of
//! renames, where a swap creates and deletes 10,000 folders and links
//! 27,000 files.
//!
//! Crash safety comes from a journal: the whole patch (every move and
//! deletion) is written to the staging folder before the site is touched,
//! renamed into place so it is complete or absent. A build killed while
//! applying it leaves a journal that the next build (or `recover`) applies
//! again from the start (each step is idempotent) before anything else.
//!
//! Owns the plan (what to move, what to delete), the journal's format and
//! applying it. It never writes outside the site folder: a symbolic link in
//! the site where a folder is needed is removed, never followed.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path};

use rayon::prelude::*;

use super::{remove_tree, with_path};

/// The journal's name inside the staging folder.
pub(super) const JOURNAL: &str = ".folio-patch";
const HEADER: &str = "folio-patch 1";
const END: &str = "end";

/// What applying a staging folder to the site does, in site-relative
/// paths.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Patch {
    /// Files staged, to move into the site (replacing what is there).
    moves: Vec<String>,
    /// Files, links and whole folders of the site that the new site does
    /// not have.
    deletions: Vec<String>,
}

impl Patch {
    /// The patch that turns the site at `site` into the staged files of
    /// `staged` plus the site's own files listed in `kept` (taken over
    /// unchanged; a path both kept and staged is moved).
    pub(super) fn plan(site: &Path, staged: &Path, kept: &HashSet<String>) -> io::Result<Patch> {
        let moves = files_under(staged)?
            .into_iter()
            .filter(|path| path != JOURNAL)
            .collect::<Vec<_>>();
        let mut wanted: HashSet<&str> = kept.iter().map(String::as_str).collect();
        wanted.extend(moves.iter().map(String::as_str));
        let folders: HashSet<&str> = wanted.iter().flat_map(|path| ancestors(path)).collect();
        let needed = Needed { wanted, folders };
        let mut deletions = needed.unwanted_under(site, "")?;
        deletions.sort();
        Ok(Patch { moves, deletions })
    }

    /// Whether the patch changes nothing.
    #[cfg(test)]
    pub(super) fn is_empty(&self) -> bool {
        self.moves.is_empty() && self.deletions.is_empty()
    }

    /// Writes the patch as the journal of `staged`, complete or not at all.
    pub(super) fn write_journal(&self, staged: &Path) -> io::Result<()> {
        let mut text = format!("{HEADER}\n");
        for path in &self.moves {
            text.push_str(&format!("M {path}\n"));
        }
        for path in &self.deletions {
            text.push_str(&format!("D {path}\n"));
        }
        text.push_str(END);
        text.push('\n');
        let temp = staged.join(format!("{JOURNAL}.tmp"));
        let mut file = fs::File::create(&temp).map_err(|err| with_path(err, &temp))?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|err| with_path(err, &temp))?;
        fs::rename(&temp, staged.join(JOURNAL)).map_err(|err| with_path(err, staged))
    }

    /// The journal of `staged`, if it holds a complete one.
    pub(super) fn read_journal(staged: &Path) -> Option<Patch> {
        let text = fs::read_to_string(staged.join(JOURNAL)).ok()?;
        let body = text.strip_prefix(HEADER)?.strip_prefix('\n')?;
        let body = body.strip_suffix(&format!("{END}\n"))?;
        let mut patch = Patch::default();
        for line in body.lines() {
            match line.split_once(' ')? {
                ("M", path) => patch.moves.push(path.to_string()),
                ("D", path) => patch.deletions.push(path.to_string()),
                _ => return None,
            }
        }
        let all_safe = patch
            .moves
            .iter()
            .chain(&patch.deletions)
            .all(|path| is_plain_relative(path));
        all_safe.then_some(patch)
    }

    /// Moves the staged files into the site, then deletes what the new site
    /// does not have. Running it again after an interruption finishes the
    /// work: a move whose staged file is gone was done, a deletion whose
    /// file is gone too.
    pub(super) fn apply(&self, site: &Path, staged: &Path) -> io::Result<()> {
        for path in &self.moves {
            let from = staged.join(path);
            if fs::symlink_metadata(&from).is_err() {
                continue;
            }
            let to = site.join(path);
            make_room(site, path)?;
            fs::rename(&from, &to).map_err(|err| with_path(err, &to))?;
        }
        self.deletions.par_iter().try_for_each(|path| {
            let at = site.join(path);
            match fs::symlink_metadata(&at) {
                Ok(meta) if meta.is_dir() => remove_tree(&at).map_err(|err| with_path(err, &at)),
                Ok(_) => fs::remove_file(&at).map_err(|err| with_path(err, &at)),
                Err(_) => Ok(()),
            }
        })
    }
}

/// What the new site holds: its files, and the folders above them.
struct Needed<'a> {
    wanted: HashSet<&'a str>,
    folders: HashSet<&'a str>,
}

impl Needed<'_> {
    /// What the folder `prefix` of the site at `dir` holds that the new
    /// site does not: files, links and whole folders (not descended),
    /// site-relative. Folders are read in parallel (a large site has
    /// thousands).
    fn unwanted_under(&self, dir: &Path, prefix: &str) -> io::Result<Vec<String>> {
        let entries = fs::read_dir(dir)
            .and_then(|entries| entries.collect::<io::Result<Vec<_>>>())
            .map_err(|err| with_path(err, dir))?;
        let found: Vec<Vec<String>> = entries
            .into_par_iter()
            .map(|entry| {
                let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                    // Not UTF-8: a name folio never writes, and one its
                    // journal cannot hold; left alone.
                    return Ok(Vec::new());
                };
                let path = format!("{prefix}{name}");
                let is_dir = entry
                    .file_type()
                    .map_err(|err| with_path(err, &entry.path()))?
                    .is_dir();
                if is_dir && self.folders.contains(path.as_str()) {
                    self.unwanted_under(&entry.path(), &format!("{path}/"))
                } else if is_dir
                    || !(self.wanted.contains(path.as_str())
                        || self.folders.contains(path.as_str()))
                {
                    // (A file or link where a folder is needed is cleared
                    // by the move that needs it.)
                    Ok(vec![path])
                } else {
                    Ok(Vec::new())
                }
            })
            .collect::<io::Result<_>>()?;
        Ok(found.into_iter().flatten().collect())
    }
}

/// Clears the way for a file at `path` in `site`: every folder above it
/// exists as a real folder (a file or symbolic link in the way is removed,
/// never followed), and a folder where the file goes is removed.
fn make_room(site: &Path, path: &str) -> io::Result<()> {
    let mut at = site.to_path_buf();
    for folder in path.split('/').take(path.split('/').count() - 1) {
        at.push(folder);
        match fs::symlink_metadata(&at) {
            Ok(meta) if meta.is_dir() => continue,
            Ok(_) => fs::remove_file(&at).map_err(|err| with_path(err, &at))?,
            Err(_) => {}
        }
        fs::create_dir(&at).map_err(|err| with_path(err, &at))?;
    }
    let file = site.join(path);
    match fs::symlink_metadata(&file) {
        Ok(meta) if meta.is_dir() => remove_tree(&file).map_err(|err| with_path(err, &file)),
        _ => Ok(()),
    }
}

/// Every file (and symbolic link) under `dir`, relative to it.
fn files_under(dir: &Path) -> io::Result<Vec<String>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.map_err(|err| with_path(err.into(), dir))?;
        if !entry.file_type().is_dir() {
            files.extend(relative(dir, entry.path()));
        }
    }
    Ok(files)
}

/// `path` relative to `base`, `/`-separated; `None` if it is not plain
/// UTF-8 (a site folio writes has only such names).
fn relative(base: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(base).ok()?;
    let parts: Option<Vec<&str>> = rel
        .components()
        .map(|component| match component {
            Component::Normal(name) => name.to_str(),
            _ => None,
        })
        .collect();
    Some(parts?.join("/"))
}

/// The folders above a site-relative file: `a/b/c.html` → `a`, `a/b`.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(at, _)| &path[..at])
}

/// A path with only plain parts (nothing that could leave the site).
fn is_plain_relative(path: &str) -> bool {
    !path.is_empty()
        && Path::new(path)
            .components()
            .all(|component| matches!(component, Component::Normal(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(base: &Path, path: &str, text: &str) {
        let at = base.join(path);
        fs::create_dir_all(at.parent().unwrap()).unwrap();
        fs::write(at, text).unwrap();
    }

    #[test]
    fn a_patch_moves_the_changed_files_keeps_the_kept_and_deletes_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let (site, staged) = (dir.path().join("site"), dir.path().join("staged"));
        write(&site, "a/index.html", "old a");
        write(&site, "b/index.html", "b");
        write(&site, "gone/deep/index.html", "gone");
        write(&site, "stray.txt", "someone's");
        write(&site, "c", "a file where a folder goes");
        write(&staged, "a/index.html", "new a");
        write(&staged, "c/index.html", "c");
        let kept: HashSet<String> = ["b/index.html".to_string()].into();
        let patch = Patch::plan(&site, &staged, &kept).unwrap();
        patch.write_journal(&staged).unwrap();
        assert_eq!(Patch::read_journal(&staged), Some(patch));
        let patch = Patch::read_journal(&staged).unwrap();
        patch.apply(&site, &staged).unwrap();
        let read = |path: &str| fs::read_to_string(site.join(path)).unwrap();
        assert_eq!(read("a/index.html"), "new a");
        assert_eq!(read("b/index.html"), "b");
        assert_eq!(read("c/index.html"), "c");
        assert!(!site.join("gone").exists());
        assert!(!site.join("stray.txt").exists());
        // Applied again (a build killed halfway): nothing changes.
        patch.apply(&site, &staged).unwrap();
        assert_eq!(read("a/index.html"), "new a");
        let now: HashSet<String> = ["a/index.html", "b/index.html", "c/index.html"]
            .map(String::from)
            .into();
        let replan = Patch::plan(&site, &staged, &now).unwrap();
        assert!(replan.is_empty(), "{replan:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_the_site_is_removed_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let (site, staged) = (dir.path().join("site"), dir.path().join("staged"));
        let outside = dir.path().join("outside");
        write(&outside, "index.html", "not the site's");
        fs::create_dir_all(&site).unwrap();
        std::os::unix::fs::symlink(&outside, site.join("a")).unwrap();
        write(&staged, "a/index.html", "new a");
        let patch = Patch::plan(&site, &staged, &HashSet::new()).unwrap();
        patch.apply(&site, &staged).unwrap();
        assert_eq!(
            fs::read_to_string(outside.join("index.html")).unwrap(),
            "not the site's"
        );
        assert_eq!(
            fs::read_to_string(site.join("a/index.html")).unwrap(),
            "new a"
        );
        assert!(!fs::symlink_metadata(site.join("a")).unwrap().is_symlink());
    }

    #[test]
    fn an_incomplete_or_unsafe_journal_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join(JOURNAL);
        for text in [
            format!("{HEADER}\nM a/index.html\n"),
            format!("{HEADER}\nD ../outside\n{END}\n"),
            format!("{HEADER}\nX a\n{END}\n"),
            String::new(),
        ] {
            fs::write(&journal, text).unwrap();
            assert_eq!(Patch::read_journal(dir.path()), None);
        }
        fs::write(&journal, format!("{HEADER}\n{END}\n")).unwrap();
        assert!(Patch::read_journal(dir.path()).unwrap().is_empty());
    }
}
