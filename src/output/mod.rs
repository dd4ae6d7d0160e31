//! Output: writes the built site atomically, and survives being killed.
//!
//! Everything is written into a staging directory beside the destination,
//! then swapped in by two renames, so a failed or interrupted build leaves
//! the previous site untouched. A rebuild that can take most files over
//! from the current site (`manifest`) stages only the files it changed
//! and patches the site in place through a journal (`patch`). A
//! destination folio did not write (no marker file) is never replaced, so
//! `--out src` cannot wipe a source folder.
//!
//! Crash safety: builds into one destination take turns through an OS
//! file lock (on the parent folder on Unix, on `.folio-lock-<name>` beside
//! the output elsewhere), released when the process dies; under the lock,
//! a patch an interrupted build left half-applied is finished, staging and
//! previous copies an interrupted build left (`.folio-staging-<name>.*`,
//! `.folio-previous-<name>.*`, only those holding the marker or a journal)
//! are removed, and if the destination is missing while a previous copy
//! exists (a build killed between the two renames), that copy is put back
//! first. A destination that is a symbolic link is written through: the
//! folder it points to is replaced, the link stays.
//!
//! For tests, `FOLIO_TEST_PAUSE=<phase>:<flag file>` makes a build create
//! the flag file when it reaches `<phase>` (`locked`, `staged`,
//! `between-renames`, `patching`) and wait until the file is removed, so a
//! test can kill the process at that point.
//!
//! It never renders and never decides what is published; it writes the
//! files it is given, as it is given them ([`Staging`] is the sink the
//! render stage streams into), and copies book files through [`BookRoot`].

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::render::OutputFile;
use crate::source::BookRoot;

mod manifest;
mod patch;

use manifest::{Entry, Manifest};
use patch::Patch;

/// The file that marks a directory as folio's output.
pub const MARKER: &str = ".folio-build";

const STAGING: &str = ".folio-staging-";
const PREVIOUS: &str = ".folio-previous-";
#[cfg(not(unix))]
const LOCK: &str = ".folio-lock-";
/// Length of the random part of staging names.
const RANDOM_LEN: usize = 6;

/// A site being written: files go into a staging folder beside the
/// destination as they come, and [`Staging::commit`] swaps it in (or
/// patches the current site with it, see [`Staging::with_manifest`]). Dropped
/// without a commit (the build failed), the staging folder is removed and
/// the previous site stays as it was. Builds into the same destination
/// wait for each other from [`Staging::begin`] to the end.
pub struct Staging {
    target: Target,
    dir: tempfile::TempDir,
    _lock: fs::File,
    /// Set by [`Staging::with_manifest`].
    manifest: Option<Manifests>,
}

/// The manifest of the site being replaced, and this site's as it is
/// written.
struct Manifests {
    previous: Manifest,
    /// Where both are kept.
    path: PathBuf,
    /// This site's keyed files.
    written: Mutex<Vec<(String, Entry)>>,
    /// Whether the site is updated in place ([`patch`]): files taken over
    /// stay where they are, and only the files written are staged (so the
    /// files of `written` that are not staged are the ones taken over).
    /// Else they are linked into the staging folder, which is swapped in.
    in_place: bool,
}

impl Staging {
    /// Takes the destination's lock, puts back what an interrupted build
    /// left, and creates the staging folder with the marker in it.
    pub fn begin(out_dir: &Path) -> io::Result<Staging> {
        let target = Target::of(out_dir)?;
        let lock = target.lock()?;
        pause_at("locked");
        target.recover()?;
        ensure_replaceable(&target.dir)?;
        let dir = tempfile::Builder::new()
            .prefix(&format!("{STAGING}{}.", target.name))
            .rand_bytes(RANDOM_LEN)
            .tempdir_in(&target.parent)
            .map_err(|err| with_path(err, &target.parent))?;
        let staging = Staging {
            target,
            dir,
            _lock: lock,
            manifest: None,
        };
        staging.write(
            MARKER,
            b"written by folio; the whole folder is replaced on each build\n",
        )?;
        // GitHub Pages runs Jekyll unless told not to, and Jekyll drops
        // folders starting with `.`, such as `.gitbook/assets`.
        staging.write(".nojekyll", b"")?;
        Ok(staging)
    }

    /// Keeps a manifest of this site's keyed files in `cache_dir` (one per
    /// output folder), and takes over unchanged files from the site it
    /// replaces by the manifest that site left there
    /// ([`Staging::take_over`]).
    pub fn with_manifest(mut self, cache_dir: &Path) -> Staging {
        let path = manifest::manifest_path(cache_dir, &self.target.dir);
        let previous = Manifest::read(&path);
        // With nothing to take over, a swap costs the same and keeps the
        // site whole at every instant.
        let in_place = !previous.is_empty() && self.target.dir.join(MARKER).is_file();
        self.manifest = Some(Manifests {
            previous,
            path,
            written: Mutex::new(Vec::new()),
            in_place,
        });
        self
    }

    /// Writes one file of the site (`a/b/index.html`).
    pub fn write(&self, path: &str, contents: &[u8]) -> io::Result<()> {
        self.write_file(path, contents).map(drop)
    }

    /// Writes one file of the site made from inputs whose fingerprint is
    /// `key`, for the next build to take over while the key stays the
    /// same.
    pub fn write_keyed(&self, path: &str, contents: &[u8], key: u64) -> io::Result<()> {
        let file = self.write_file(path, contents)?;
        self.record_written(path, key, file.metadata());
        Ok(())
    }

    /// Takes file `path` over from the site this one replaces, if that
    /// site's manifest says it was written under `key` and it is still as
    /// that build left it: left where it is when the site is patched in
    /// place, else hard-linked into the staging folder. `false` (nothing
    /// done) when it cannot, and the caller writes it.
    pub fn take_over(&self, path: &str, key: u64) -> bool {
        let Some(manifests) = &self.manifest else {
            return false;
        };
        let Ok(staged) = staged_path(self.dir.path(), path) else {
            return false;
        };
        let current = self.target.dir.join(path);
        let Some(entry) = manifests.previous.unchanged(path, key, &current) else {
            return false;
        };
        if manifests.in_place {
            manifests.record(path, entry);
            return true;
        }
        let linked = create_parent(&staged).is_ok() && fs::hard_link(&current, &staged).is_ok();
        if linked {
            manifests.record(path, entry);
        }
        linked
    }

    /// Lists `path`, just written under `key` and now as `meta` says, in
    /// this site's manifest (if it keeps one).
    fn record_written(&self, path: &str, key: u64, meta: io::Result<fs::Metadata>) {
        let entry = meta.ok().and_then(|meta| Entry::of(key, &meta));
        if let (Some(manifests), Some(entry)) = (&self.manifest, entry) {
            manifests.record(path, entry);
        }
    }

    /// Creates `path` in the staging folder with `contents`. A file already
    /// there is replaced, never written through: it may be a link to the
    /// current site's.
    fn write_file(&self, path: &str, contents: &[u8]) -> io::Result<fs::File> {
        let path = staged_path(self.dir.path(), path)?;
        create_parent(&path)?;
        let mut file = create_new(&path).map_err(|err| with_path(err, &path))?;
        file.write_all(contents)
            .map_err(|err| with_path(err, &path))?;
        Ok(file)
    }

    /// Creates one file of the site, to be written piece by piece.
    pub fn create(&self, path: &str) -> io::Result<io::BufWriter<fs::File>> {
        let path = staged_path(self.dir.path(), path)?;
        create_parent(&path)?;
        let file = create_new(&path).map_err(|err| with_path(err, &path))?;
        Ok(io::BufWriter::with_capacity(1 << 16, file))
    }

    /// Copies book files (book-relative source → site-relative
    /// destination), each only from inside the book root.
    pub fn copy(&self, root: &BookRoot, copies: &[(String, String)]) -> io::Result<()> {
        copies.par_iter().try_for_each(|(source, dest)| {
            let from = root.contained(source).ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    format!("{source} is outside the book root"),
                )
            })?;
            let key = fs::metadata(&from)
                .ok()
                .and_then(|source_meta| manifest::copy_key(source, &source_meta));
            if key.is_some_and(|key| self.take_over(dest, key)) {
                return Ok(());
            }
            let path = staged_path(self.dir.path(), dest)?;
            create_parent(&path)?;
            fs::copy(&from, &path).map_err(|err| {
                io::Error::new(
                    err.kind(),
                    format!("copying {} to {}: {err}", from.display(), path.display()),
                )
            })?;
            if let Some(key) = key {
                self.record_written(dest, key, fs::metadata(&path));
            }
            Ok(())
        })
    }

    /// Swaps the staged site in for the previous one (or patches the
    /// previous one with the staged files), then keeps its manifest (if it
    /// has one; failing to keep it only costs the next build the
    /// take-overs).
    pub fn commit(self) -> io::Result<()> {
        pause_at("staged");
        let Staging {
            target,
            dir,
            _lock,
            manifest,
        } = self;
        let Some(manifests) = manifest else {
            return target.swap_in(dir.keep());
        };
        let written = manifests
            .written
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if manifests.in_place {
            let listed: HashSet<String> = written.iter().map(|(path, _)| path.clone()).collect();
            let patch = Patch::plan(&target.dir, dir.path(), &listed)?;
            patch.write_journal(dir.path())?;
            pause_at("patching");
            if let Err(err) = patch.apply(&target.dir, dir.path()) {
                // The journal stays for the next build to finish.
                let _ = dir.keep();
                return Err(err);
            }
        } else {
            target.swap_in(dir.keep())?;
        }
        let _ = Manifest::write(&manifests.path, &written);
        Ok(())
    }
}

impl Manifests {
    fn record(&self, path: &str, entry: Entry) {
        lock(&self.written).push((path.to_string(), entry));
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Creates a file that must not exist yet; one that does is removed first
/// (a staged file may be a hard link to the current site's, which must not
/// be written through).
fn create_new(path: &Path) -> io::Result<fs::File> {
    let create = || fs::File::options().write(true).create_new(true).open(path);
    match create() {
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
            fs::remove_file(path)?;
            create()
        }
        result => result,
    }
}

impl crate::render::FileSink for Staging {
    /// A file the current site holds with the same bytes (by their
    /// fingerprint) is taken over rather than written: most of a
    /// rebuild's search index files, for one.
    fn put(&self, file: OutputFile) -> io::Result<()> {
        if self.manifest.is_none() {
            return self.write(&file.path, &file.contents);
        }
        let key = manifest::content_key(&file.contents);
        if self.take_over(&file.path, key) {
            return Ok(());
        }
        self.write_keyed(&file.path, &file.contents, key)
    }

    fn open(&self, path: &str) -> io::Result<Box<dyn io::Write + Send>> {
        Ok(Box::new(self.create(path)?))
    }

    fn put_keyed(&self, file: OutputFile, key: u64) -> io::Result<()> {
        self.write_keyed(&file.path, &file.contents, key)
    }

    fn take_over(&self, path: &str, key: u64) -> bool {
        Staging::take_over(self, path, key)
    }
}

/// Puts back a site an interrupted build left only as its previous copy,
/// and removes the staging and previous folders such builds left beside
/// `out_dir`. `build` runs it before every build, so the site is back even
/// when the new build then fails.
pub fn recover(out_dir: &Path) -> io::Result<()> {
    let target = Target::of(out_dir)?;
    if !target.parent.is_dir() {
        return Ok(());
    }
    let _lock = target.lock()?;
    target.recover()
}

/// Where the site goes: the destination with symbolic links followed, its
/// parent folder (where staging happens) and its file name.
struct Target {
    dir: PathBuf,
    parent: PathBuf,
    name: String,
}

impl Target {
    fn of(out_dir: &Path) -> io::Result<Target> {
        let dir = follow_links(out_dir)?;
        let parent = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{} cannot be an output folder", out_dir.display()),
                )
            })?;
        fs::create_dir_all(&parent).map_err(|err| with_path(err, &parent))?;
        Ok(Target { dir, parent, name })
    }

    /// Waits until no other build writes this destination, and keeps it
    /// that way while the returned file is open. On Unix the lock is on the
    /// parent folder itself, so no lock file is left beside the site
    /// (builds into outputs that share a parent take turns too).
    #[cfg(unix)]
    fn lock(&self) -> io::Result<fs::File> {
        let file = fs::File::open(&self.parent).map_err(|err| with_path(err, &self.parent))?;
        file.lock().map_err(|err| with_path(err, &self.parent))?;
        Ok(file)
    }

    /// Elsewhere folders cannot be opened as files: a lock file beside the
    /// output.
    #[cfg(not(unix))]
    fn lock(&self) -> io::Result<fs::File> {
        let path = self.parent.join(format!("{LOCK}{}", self.name));
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|err| with_path(err, &path))?;
        file.lock().map_err(|err| with_path(err, &path))?;
        Ok(file)
    }

    /// Folders an interrupted build of this destination left beside it.
    fn leftovers(&self) -> Vec<PathBuf> {
        let Ok(entries) = fs::read_dir(&self.parent) else {
            return Vec::new();
        };
        let mut found: Vec<PathBuf> =
            entries
                .flatten()
                .filter(|entry| {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    let rest = name
                        .strip_prefix(STAGING)
                        .or_else(|| name.strip_prefix(PREVIOUS));
                    let ours = rest.and_then(|rest| rest.rsplit_once('.')).is_some_and(
                        |(owner, random)| owner == self.name && random.len() == RANDOM_LEN,
                    );
                    ours && entry.file_type().is_ok_and(|t| t.is_dir())
                })
                .map(|entry| entry.path())
                .collect();
        found.sort();
        found
    }

    /// Restores a missing destination from a complete previous copy, then
    /// removes the other leftovers (only those carrying the marker, or
    /// empty).
    fn recover(&self) -> io::Result<()> {
        let leftovers = self.leftovers();
        if fs::symlink_metadata(&self.dir).is_err() {
            let previous = leftovers.iter().find(|path| {
                path.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(PREVIOUS))
                    && path.join(MARKER).is_file()
            });
            if let Some(previous) = previous {
                fs::rename(previous, &self.dir).map_err(|err| with_path(err, &self.dir))?;
            }
        }
        for leftover in self.leftovers() {
            // A build killed while updating the site in place: finish it.
            let journal = Patch::read_journal(&leftover);
            if let Some(patch) = &journal {
                if self.dir.join(MARKER).is_file() {
                    patch.apply(&self.dir, &leftover)?;
                }
            }
            if journal.is_some() || leftover.join(MARKER).is_file() {
                fs::remove_dir_all(&leftover).map_err(|err| with_path(err, &leftover))?;
            } else {
                // Killed before the marker was written: empty, or not ours.
                let _ = fs::remove_dir(&leftover);
            }
        }
        Ok(())
    }

    /// Replaces the destination with `staged` by renames, restoring the old
    /// site if the second rename fails.
    fn swap_in(&self, staged: PathBuf) -> io::Result<()> {
        let out_dir = &self.dir;
        if !out_dir.exists() {
            return fs::rename(&staged, out_dir).map_err(|err| with_path(err, out_dir));
        }
        let random = staged
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .and_then(|n| n.rsplit_once('.').map(|(_, r)| r.to_string()))
            .unwrap_or_default();
        let backup = self
            .parent
            .join(format!("{PREVIOUS}{}.{random}", self.name));
        fs::rename(out_dir, &backup).map_err(|err| with_path(err, out_dir))?;
        pause_at("between-renames");
        if let Err(err) = fs::rename(&staged, out_dir) {
            let _ = fs::rename(&backup, out_dir);
            let _ = fs::remove_dir_all(&staged);
            return Err(with_path(err, out_dir));
        }
        // The new site is in place; a leftover backup only costs disk space
        // (and the next build removes it).
        let _ = remove_tree(&backup);
        Ok(())
    }
}

/// Removes a folder and everything in it, folders in parallel (deleting a
/// large site one file at a time is a good part of a rebuild). Symbolic
/// links are removed, never followed.
fn remove_tree(dir: &Path) -> io::Result<()> {
    fs::read_dir(dir)?
        .collect::<io::Result<Vec<_>>>()?
        .into_par_iter()
        .try_for_each(|entry| {
            if entry.file_type()?.is_dir() {
                remove_tree(&entry.path())
            } else {
                fs::remove_file(entry.path())
            }
        })?;
    fs::remove_dir(dir)
}

/// The destination with symbolic links followed (a dangling link names
/// the folder it would point to).
fn follow_links(out_dir: &Path) -> io::Result<PathBuf> {
    let mut dir = out_dir.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&dir) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&dir).map_err(|err| with_path(err, &dir))?;
                dir = match dir.parent() {
                    Some(parent) if link.is_relative() => parent.join(link),
                    _ => link,
                };
            }
            _ => return Ok(dir),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("{}: too many levels of symbolic links", out_dir.display()),
    ))
}

/// The test hook described in the module documentation.
fn pause_at(phase: &str) {
    let Ok(setting) = std::env::var("FOLIO_TEST_PAUSE") else {
        return;
    };
    let Some((wanted, flag)) = setting.split_once(':') else {
        return;
    };
    if wanted != phase || fs::write(flag, phase).is_err() {
        return;
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while Path::new(flag).exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
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

    /// A whole build's output through [`Staging`]: `files` written,
    /// `copies` (book-relative source → site-relative destination) copied,
    /// then swapped in.
    fn write_site(
        out_dir: &Path,
        root: &BookRoot,
        files: &[OutputFile],
        copies: &[(String, String)],
    ) -> io::Result<()> {
        let staging = Staging::begin(out_dir)?;
        for file in files {
            staging.write(&file.path, &file.contents)?;
        }
        staging.copy(root, copies)?;
        staging.commit()
    }

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            contents: text.as_bytes().to_vec(),
        }
    }

    #[cfg(unix)]
    #[test]
    fn removing_a_previous_site_removes_links_but_not_what_they_point_to() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        fs::create_dir_all(outside.join("deep")).unwrap();
        fs::write(outside.join("deep/keep.txt"), "keep").unwrap();
        let site = dir.path().join("site");
        fs::create_dir_all(site.join("a/b/c")).unwrap();
        fs::write(site.join("a/b/c/index.html"), "x").unwrap();
        fs::write(site.join("index.html"), "x").unwrap();
        std::os::unix::fs::symlink(&outside, site.join("a/link")).unwrap();
        std::os::unix::fs::symlink(outside.join("deep/keep.txt"), site.join("file-link")).unwrap();
        remove_tree(&site).unwrap();
        assert!(!site.exists());
        assert_eq!(
            fs::read_to_string(outside.join("deep/keep.txt")).unwrap(),
            "keep"
        );
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
            .filter(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.starts_with(STAGING) || name.starts_with(PREVIOUS)
            })
            .collect();
        assert!(leftovers.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_file_taken_over_is_never_written_through_and_a_failed_build_leaves_the_site() {
        let book = tempfile::tempdir().unwrap();
        let out = book.path().join("out");
        let cache = book.path().join("cache");
        let staging = Staging::begin(&out).unwrap().with_manifest(&cache);
        staging.write_keyed("a/index.html", b"first", 1).unwrap();
        staging.write_keyed("b/index.html", b"bee", 2).unwrap();
        staging.commit().unwrap();
        let staging = Staging::begin(&out).unwrap().with_manifest(&cache);
        assert!(staging.take_over("a/index.html", 1));
        assert!(!staging.take_over("b/index.html", 3), "another key");
        assert!(!staging.take_over("c/index.html", 1), "not in the site");
        // The same path written after all: a new file, not the linked one.
        staging.write_keyed("a/index.html", b"second", 4).unwrap();
        drop(staging);
        assert_eq!(
            fs::read_to_string(out.join("a/index.html")).unwrap(),
            "first"
        );
        assert_eq!(fs::read_to_string(out.join("b/index.html")).unwrap(), "bee");
        // The failed build kept no manifest: the next one still takes over.
        let staging = Staging::begin(&out).unwrap().with_manifest(&cache);
        assert!(staging.take_over("a/index.html", 1));
        assert!(staging.take_over("b/index.html", 2));
        staging.commit().unwrap();
        assert_eq!(
            fs::read_to_string(out.join("a/index.html")).unwrap(),
            "first"
        );
        let staging = Staging::begin(&out).unwrap().with_manifest(&cache);
        assert!(
            staging.take_over("a/index.html", 1),
            "a taken-over file stays listed"
        );
    }

    #[test]
    fn a_symlinked_output_is_written_through() {
        let book = tempfile::tempdir().unwrap();
        let root = BookRoot::open(book.path()).unwrap();
        let real = book.path().join("real");
        fs::create_dir(&real).unwrap();
        let link = book.path().join("out");
        std::os::unix::fs::symlink("real", &link).unwrap();
        write_site(&link, &root, &[file("index.html", "one")], &[]).unwrap();
        write_site(&link, &root, &[file("index.html", "two")], &[]).unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(real.join("index.html")).unwrap(), "two");
    }

    #[test]
    fn leftovers_are_removed_and_a_missing_site_is_restored() {
        let book = tempfile::tempdir().unwrap();
        let root = BookRoot::open(book.path()).unwrap();
        let out = book.path().join("site");
        let previous = book.path().join(format!("{PREVIOUS}site.abcdef"));
        let staging = book.path().join(format!("{STAGING}site.ghijkl"));
        let other = book.path().join(format!("{STAGING}site-2.mnopqr"));
        let foreign = book.path().join(format!("{STAGING}site.stuvwx"));
        for dir in [&previous, &staging, &other] {
            fs::create_dir(dir).unwrap();
            fs::write(dir.join(MARKER), "").unwrap();
        }
        fs::create_dir(&foreign).unwrap();
        fs::write(foreign.join("keep.txt"), "not folio's").unwrap();
        fs::write(previous.join("index.html"), "old site").unwrap();
        recover(&out).unwrap();
        assert_eq!(
            fs::read_to_string(out.join("index.html")).unwrap(),
            "old site"
        );
        assert!(!previous.exists() && !staging.exists());
        assert!(other.exists(), "another output's staging is left alone");
        assert!(foreign.join("keep.txt").exists(), "no marker: not removed");
        write_site(&out, &root, &[file("index.html", "new")], &[]).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "new");
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
