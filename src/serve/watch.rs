//! Watching a book for edits: which folders are watched, which file-system
//! events count as an edit, and how a burst of edits becomes one batch.
//!
//! Owns the notify watcher (inotify and the like, or polling when the system
//! runs out of watches), the [`SourceFilter`] that says what is source, and
//! the debounce. An edit is a create, a write, a removal or a rename of a
//! source file; opening, reading or closing a file without writing is never
//! one, so the preview's own reads cannot start a rebuild. Not source: the
//! output folder, `.git`, `.folio-cache`, whatever the book's `.gitignore`
//! files exclude, and editors' temporary files.
//!
//! It never reads file contents and never builds: it hands batches of
//! changed paths to the caller.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use ignore::gitignore::Gitignore;
use notify::event::{AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind};
use notify::{Event, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

/// How long the book must be quiet before a burst of edits is built.
pub(super) const QUIET: Duration = Duration::from_millis(100);
/// The longest a steady stream of edits can hold a rebuild back.
const LONGEST_BURST: Duration = Duration::from_secs(2);
/// How often the polling fallback looks at the files.
const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// What is source in a book: everything under its folder except the output
/// folder, `.git`, `.folio-cache`, what `.gitignore` files exclude and
/// editors' temporary files.
pub(super) struct SourceFilter {
    book_dir: PathBuf,
    out_dir: PathBuf,
    /// One matcher per `.gitignore` file, each rooted at its folder.
    gitignores: Vec<Gitignore>,
}

impl SourceFilter {
    /// The filter for `book_dir` (absolute) whose site is written to
    /// `out_dir` (absolute), reading every `.gitignore` under the book.
    pub(super) fn new(book_dir: &Path, out_dir: &Path) -> Self {
        let mut filter = SourceFilter {
            book_dir: book_dir.to_path_buf(),
            out_dir: out_dir.to_path_buf(),
            gitignores: Vec::new(),
        };
        filter.reload_gitignores();
        filter
    }

    /// Reads the `.gitignore` files again (after one of them changed).
    fn reload_gitignores(&mut self) {
        self.gitignores.clear();
        let mut folders = vec![self.book_dir.clone()];
        while let Some(folder) = folders.pop() {
            let candidate = folder.join(".gitignore");
            if candidate.is_file() {
                self.gitignores.push(Gitignore::new(&candidate).0);
            }
            // A folder's own rules are read before its subfolders are listed.
            folders.extend(self.subfolders(&folder));
        }
    }

    /// The source folders directly inside `folder`.
    fn subfolders(&self, folder: &Path) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(folder) else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_dir()))
            .map(|entry| entry.path())
            .filter(|path| self.is_source(path, true))
            .collect()
    }

    /// Every source folder from `folder` down, `folder` included.
    fn source_folders(&self, folder: &Path) -> Vec<PathBuf> {
        let mut all = Vec::new();
        let mut pending = vec![folder.to_path_buf()];
        while let Some(next) = pending.pop() {
            pending.extend(self.subfolders(&next));
            all.push(next);
        }
        all
    }

    /// Whether `path` (absolute) is part of the book's source.
    pub(super) fn is_source(&self, path: &Path, is_dir: bool) -> bool {
        let Ok(relative) = path.strip_prefix(&self.book_dir) else {
            return false;
        };
        if path.starts_with(&self.out_dir) && self.out_dir != self.book_dir {
            return false;
        }
        let tool_folder = relative
            .components()
            .any(|part| matches!(part.as_os_str().to_str(), Some(".git" | ".folio-cache")));
        if tool_folder || is_editor_temporary(path) {
            return false;
        }
        !self.gitignores.iter().any(|matcher| {
            path.starts_with(matcher.path())
                && matcher
                    .matched_path_or_any_parents(path, is_dir)
                    .is_ignore()
        })
    }

    /// Follows a new output folder (after `build-dir` changed).
    pub(super) fn set_out_dir(&mut self, out_dir: &Path) {
        self.out_dir = out_dir.to_path_buf();
    }
}

/// Editors' swap, backup and lock files, and folio's own temporaries.
fn is_editor_temporary(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.starts_with(".#")
        || name == "4913"
        || name.starts_with(".folio-")
}

/// Whether an event can change what a file holds or whether it exists.
/// Opens, reads and closes without writing are not edits; neither is a
/// change of permissions or access time. The polling fallback reports a
/// write as a new modification time.
fn is_edit(event: &Event) -> bool {
    match event.kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(kind)) => kind == MetadataKind::WriteTime,
        EventKind::Modify(_) => true,
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Any | EventKind::Other => event.need_rescan(),
    }
}

/// A running watcher: dropping it stops watching.
pub(super) struct BookWatcher {
    backend: Backend,
    filter: SourceFilter,
    events: Receiver<notify::Result<Event>>,
    watched: BTreeSet<PathBuf>,
}

enum Backend {
    Native(RecommendedWatcher),
    Polling(PollWatcher),
}

impl Backend {
    fn watch(&mut self, folder: &Path) -> notify::Result<()> {
        match self {
            Backend::Native(watcher) => watcher.watch(folder, RecursiveMode::NonRecursive),
            Backend::Polling(watcher) => watcher.watch(folder, RecursiveMode::NonRecursive),
        }
    }
}

impl BookWatcher {
    /// Watches every source folder of the book. When the system has no
    /// watches left, says so once and polls instead.
    pub(super) fn start(filter: SourceFilter) -> std::io::Result<Self> {
        let (sender, events) = mpsc::channel();
        let native = RecommendedWatcher::new(sender.clone(), notify::Config::default())
            .map_err(std::io::Error::other)?;
        let mut watcher = BookWatcher {
            backend: Backend::Native(native),
            filter,
            events,
            watched: BTreeSet::new(),
        };
        let folders = watcher.filter.source_folders(&watcher.filter.book_dir);
        match watcher.watch_all(&folders) {
            Ok(()) => {}
            Err(err) if matches!(err.kind, notify::ErrorKind::MaxFilesWatch) => {
                eprintln!(
                    "folio: the system's limit on watched folders is reached \
                     (fs.inotify.max_user_watches); polling for changes every {} ms instead",
                    POLL_INTERVAL.as_millis()
                );
                let config = notify::Config::default().with_poll_interval(POLL_INTERVAL);
                let polling = PollWatcher::new(sender, config).map_err(std::io::Error::other)?;
                watcher.backend = Backend::Polling(polling);
                watcher.watched.clear();
                watcher.watch_all(&folders).map_err(std::io::Error::other)?;
            }
            Err(err) => return Err(std::io::Error::other(err)),
        }
        Ok(watcher)
    }

    fn watch_all(&mut self, folders: &[PathBuf]) -> notify::Result<()> {
        for folder in folders {
            match self.backend.watch(folder) {
                Ok(()) => {
                    self.watched.insert(folder.clone());
                }
                // A folder removed since it was listed is simply gone.
                Err(err) if matches!(err.kind, notify::ErrorKind::PathNotFound) => {}
                Err(err) => return Err(err),
            }
        }
        Ok(())
    }

    /// Blocks until the book has been edited and then quiet for [`QUIET`];
    /// returns the source paths edited, sorted. `None` when the watcher has
    /// stopped.
    pub(super) fn next_batch(&mut self) -> Option<Vec<PathBuf>> {
        let mut batch = BTreeSet::new();
        while batch.is_empty() {
            let event = self.events.recv().ok()?;
            self.take(event, &mut batch);
        }
        let started = Instant::now();
        while started.elapsed() < LONGEST_BURST {
            match self.events.recv_timeout(QUIET) {
                Ok(event) => self.take(event, &mut batch),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
        Some(batch.into_iter().collect())
    }

    /// Adds an event's source paths to `batch` when it is an edit, and
    /// starts watching folders that appeared.
    fn take(&mut self, event: notify::Result<Event>, batch: &mut BTreeSet<PathBuf>) {
        let Ok(event) = event else { return };
        if !is_edit(&event) {
            return;
        }
        if event.need_rescan() {
            batch.insert(self.filter.book_dir.clone());
        }
        for path in &event.paths {
            let is_dir = path.is_dir();
            if !self.filter.is_source(path, is_dir) {
                continue;
            }
            if is_dir {
                self.watch_new_folder(path, batch);
            }
            if path.file_name().is_some_and(|name| name == ".gitignore") {
                self.filter.reload_gitignores();
            }
            batch.insert(path.clone());
        }
    }

    /// A folder created or moved into the book: watch it and everything
    /// below, and count what it already holds as edited (files may land
    /// before the watch does).
    fn watch_new_folder(&mut self, folder: &Path, batch: &mut BTreeSet<PathBuf>) {
        let folders = self.filter.source_folders(folder);
        let new: Vec<PathBuf> = folders
            .into_iter()
            .filter(|f| !self.watched.contains(f) || f == folder)
            .collect();
        if let Err(err) = self.watch_all(&new) {
            eprintln!("folio: cannot watch {}: {err}", folder.display());
        }
        batch.extend(new);
    }

    /// The filter, to follow a changed output folder.
    pub(super) fn filter_mut(&mut self) -> &mut SourceFilter {
        &mut self.filter
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, RemoveKind};

    fn event(kind: EventKind) -> Event {
        Event::new(kind).add_path(PathBuf::from("/book/a.md"))
    }

    #[test]
    fn reads_are_not_edits() {
        use notify::event::AccessMode as Mode;
        for kind in [
            EventKind::Access(AccessKind::Open(Mode::Any)),
            EventKind::Access(AccessKind::Read),
            EventKind::Access(AccessKind::Close(Mode::Read)),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::Permissions)),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)),
            EventKind::Other,
        ] {
            assert!(!is_edit(&event(kind)), "{kind:?}");
        }
        for kind in [
            EventKind::Create(CreateKind::File),
            EventKind::Remove(RemoveKind::File),
            EventKind::Modify(ModifyKind::Data(DataChange::Any)),
            EventKind::Modify(ModifyKind::Name(notify::event::RenameMode::To)),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)),
            EventKind::Access(AccessKind::Close(Mode::Write)),
        ] {
            assert!(is_edit(&event(kind)), "{kind:?}");
        }
        let overflow = Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan);
        assert!(is_edit(&overflow));
    }

    #[test]
    fn output_tool_folders_gitignored_and_editor_files_are_not_source() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("book")).unwrap();
        std::fs::create_dir_all(root.join("docs/generated")).unwrap();
        std::fs::write(root.join(".gitignore"), "/node_modules\n*.log\n").unwrap();
        std::fs::write(root.join("docs/.gitignore"), "generated/\n").unwrap();
        let filter = SourceFilter::new(root, &root.join("site"));
        let source = |relative: &str, is_dir: bool| filter.is_source(&root.join(relative), is_dir);
        assert!(source("content/a.md", false));
        assert!(source("book/a.md", false), "a content folder named book/");
        assert!(
            source("target/a.md", false),
            "a content folder named target/"
        );
        assert!(!source("site/index.html", false), "the output folder");
        assert!(!source(".git/index", false));
        assert!(!source(".folio-cache/links.json", false));
        assert!(!source("node_modules/x/README.md", false));
        assert!(!source("build.log", false));
        assert!(!source("docs/generated/x.md", false), "nested .gitignore");
        assert!(!source("docs/generated", true));
        assert!(
            source("generated/x.md", false),
            "nested rules stay in their folder"
        );
        assert!(!source("content/.a.md.swp", false));
        assert!(!source("content/a.md~", false));
        assert!(!source("content/4913", false));
        assert!(!source("content/#a.md#", false));
        assert!(!filter.is_source(Path::new("/elsewhere/a.md"), false));
        let folders = filter.source_folders(root);
        assert!(folders.contains(&root.join("book")));
        assert!(!folders.contains(&root.join("docs/generated")));
    }
}
