//! What each file of a written site was made from, so that the next build
//! into the same folder can take an unchanged file over (leave it where it
//! is, or hard-link it into a staged site) instead of writing it again (at
//! 10,000 pages, most of a rebuild after a one-page edit was writing
//! 900 MB that had not changed).
//!
//! A manifest lists, for each file written with a key, that key (the
//! caller's fingerprint of everything the file is made from) and the file
//! as it was left: size, modification time, device and inode. A file is
//! taken over only if the key is the same and the file in the current site
//! still matches all four, so a site edited, replaced or rebuilt by anyone
//! else since is written afresh. The manifest itself is checksummed; a
//! damaged or missing one only means every file is written.
//!
//! Owns the manifest's format and the rule for when a file may be taken
//! over. It never decides what a key covers and never writes a site file.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The first line of a manifest; a different one is ignored.
const HEADER: &str = "folio-manifest 1";

/// A written file, as the manifest records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Entry {
    key: u64,
    stamp: Stamp,
}

/// What identifies one version of a file on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    size: u64,
    modified_ns: i128,
    device: u64,
    inode: u64,
}

impl Stamp {
    /// A regular file's stamp; `None` for anything else (a symbolic link,
    /// a folder) or where inodes are not known.
    #[cfg(unix)]
    fn of(meta: &fs::Metadata) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        meta.file_type().is_file().then(|| Stamp {
            size: meta.len(),
            modified_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
            device: meta.dev(),
            inode: meta.ino(),
        })
    }

    #[cfg(not(unix))]
    fn of(_meta: &fs::Metadata) -> Option<Stamp> {
        None
    }
}

impl Entry {
    /// `key` for the file whose metadata is `meta`, if it can be stamped.
    pub(super) fn of(key: u64, meta: &fs::Metadata) -> Option<Entry> {
        Some(Entry {
            key,
            stamp: Stamp::of(meta)?,
        })
    }
}

/// The manifest of one site: site-relative path → entry.
#[derive(Debug, Default)]
pub(super) struct Manifest {
    entries: HashMap<String, Entry>,
}

impl Manifest {
    /// The manifest at `path`; empty if it is missing or damaged.
    pub(super) fn read(path: &Path) -> Manifest {
        fs::read_to_string(path)
            .ok()
            .and_then(|text| Manifest::parse(&text))
            .unwrap_or_default()
    }

    fn parse(text: &str) -> Option<Manifest> {
        let (body, sum) = text.strip_suffix('\n')?.rsplit_once('\n')?;
        let body = &text[..body.len() + 1];
        if u32::from_str_radix(sum, 16).ok()? != crc32fast::hash(body.as_bytes()) {
            return None;
        }
        let mut lines = body.lines();
        if lines.next()? != HEADER {
            return None;
        }
        let entries = lines
            .map(|line| {
                let mut fields = line.splitn(6, ' ');
                let key = u64::from_str_radix(fields.next()?, 16).ok()?;
                let size = fields.next()?.parse().ok()?;
                let modified_ns = fields.next()?.parse().ok()?;
                let device = fields.next()?.parse().ok()?;
                let inode = fields.next()?.parse().ok()?;
                let path = fields.next()?.to_string();
                let stamp = Stamp {
                    size,
                    modified_ns,
                    device,
                    inode,
                };
                Some((path, Entry { key, stamp }))
            })
            .collect::<Option<_>>()?;
        Some(Manifest { entries })
    }

    /// Whether it lists no file.
    pub(super) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry of `path` if the file at `on_disk` is the one the manifest
    /// recorded for it and was made under `key`.
    pub(super) fn unchanged(&self, path: &str, key: u64, on_disk: &Path) -> Option<Entry> {
        let entry = *self.entries.get(path)?;
        let meta = fs::symlink_metadata(on_disk).ok()?;
        (entry.key == key && Stamp::of(&meta) == Some(entry.stamp)).then_some(entry)
    }

    /// Writes `entries` as the manifest at `path`, atomically (a temporary
    /// file renamed over it). Paths holding a line break are left out.
    pub(super) fn write(path: &Path, entries: &[(String, Entry)]) -> io::Result<()> {
        let mut text = String::with_capacity(entries.len() * 96);
        text.push_str(HEADER);
        text.push('\n');
        for (file, entry) in entries
            .iter()
            .filter(|(file, _)| !file.contains(['\n', '\r']))
        {
            let Stamp {
                size,
                modified_ns,
                device,
                inode,
            } = entry.stamp;
            text.push_str(&format!(
                "{:016x} {size} {modified_ns} {device} {inode} {file}\n",
                entry.key
            ));
        }
        let sum = crc32fast::hash(text.as_bytes());
        text.push_str(&format!("{sum:08x}\n"));
        let dir = path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir)?;
        let mut temp = tempfile::NamedTempFile::new_in(dir)?;
        io::Write::write_all(&mut temp, text.as_bytes())?;
        temp.persist(path).map_err(|err| err.error)?;
        prune(dir, path);
        Ok(())
    }
}

/// Manifests kept in the cache folder: the most recently written ones.
/// (A build into a fresh temporary folder each time, as in some CI jobs,
/// would otherwise add a manifest, megabytes for a large book, per build.)
const MAX_MANIFESTS: usize = 16;

/// Deletes all but the [`MAX_MANIFESTS`] most recently written manifests
/// in `dir`, never `kept` (the one just written) and never a file not
/// named like a manifest. A manifest deleted under another build only
/// means that build writes every file next time.
fn prune(dir: &Path, kept: &Path) {
    let Ok(listing) = fs::read_dir(dir) else {
        return;
    };
    let mut manifests: Vec<(std::time::SystemTime, PathBuf)> = listing
        .filter_map(Result::ok)
        .filter(|entry| is_manifest_name(&entry.file_name().to_string_lossy()))
        .filter(|entry| entry.path() != kept)
        .filter_map(|entry| Some((entry.metadata().ok()?.modified().ok()?, entry.path())))
        .collect();
    if manifests.len() < MAX_MANIFESTS {
        return;
    }
    manifests.sort_unstable_by_key(|(modified, _)| std::cmp::Reverse(*modified));
    for (_, path) in manifests.split_off(MAX_MANIFESTS - 1) {
        let _ = fs::remove_file(path);
    }
}

/// Whether `name` is what [`manifest_path`] names a manifest: 16 hex
/// digits.
fn is_manifest_name(name: &str) -> bool {
    name.len() == 16 && name.bytes().all(|byte| byte.is_ascii_hexdigit())
}

/// The key of a file made from nothing but its bytes: a fingerprint of
/// them (apart from any key a caller gives).
pub(super) fn content_key(bytes: &[u8]) -> u64 {
    crate::fingerprint::of(&("file bytes", crate::fingerprint::of_bytes(bytes)))
}

/// The key of a copy of the book file `source` (book-relative) whose
/// metadata is `meta`: the file as it is now. A new size, inode, or
/// modification or change time is a new key (the change time moves on
/// every write, even one that puts the modification time back).
#[cfg(unix)]
pub(super) fn copy_key(source: &str, meta: &fs::Metadata) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    use std::os::unix::fs::MetadataExt;
    let stamp = Stamp::of(meta)?;
    let mut hasher = crate::fingerprint::fingerprinter();
    ("copy of", source).hash(&mut hasher);
    (stamp.size, stamp.modified_ns, stamp.device, stamp.inode).hash(&mut hasher);
    (meta.ctime(), meta.ctime_nsec()).hash(&mut hasher);
    Some(hasher.finish())
}

/// Without inodes, copies are never taken over.
#[cfg(not(unix))]
pub(super) fn copy_key(_source: &str, _meta: &fs::Metadata) -> Option<u64> {
    None
}

/// Where the manifest of the site at `site_dir` is kept in `cache_dir`:
/// one file per output folder, named by its path.
pub(super) fn manifest_path(cache_dir: &Path, site_dir: &Path) -> PathBuf {
    let absolute = std::path::absolute(site_dir).unwrap_or_else(|_| site_dir.to_path_buf());
    cache_dir.join(format!("{:016x}", crate::fingerprint::of(&absolute)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_most_recent_manifests_are_kept() {
        let cache = tempfile::tempdir().unwrap();
        let site = tempfile::tempdir().unwrap();
        let (_, entry) = written(site.path(), "a.html", "a");
        let entries = [("a.html".to_string(), entry)];
        fs::write(cache.path().join("notes.txt"), "not a manifest").unwrap();
        let mut paths = Vec::new();
        for n in 0..MAX_MANIFESTS + 4 {
            let path = manifest_path(cache.path(), &site.path().join(format!("out-{n}")));
            Manifest::write(&path, &entries).unwrap();
            // Distinct modification times, oldest first.
            let when = std::time::SystemTime::UNIX_EPOCH
                + std::time::Duration::from_secs(1_000 + n as u64);
            fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(when)
                .unwrap();
            paths.push(path);
        }
        let newest = manifest_path(cache.path(), &site.path().join("out-new"));
        Manifest::write(&newest, &entries).unwrap();
        let left: Vec<bool> = paths.iter().map(|path| path.is_file()).collect();
        let kept_old = left.iter().filter(|kept| **kept).count();
        assert_eq!(kept_old, MAX_MANIFESTS - 1, "{left:?}");
        assert!(
            left[paths.len() - (MAX_MANIFESTS - 1)..]
                .iter()
                .all(|kept| *kept),
            "the newest stay: {left:?}"
        );
        assert!(newest.is_file(), "the one just written stays");
        assert!(cache.path().join("notes.txt").is_file(), "other files stay");
        assert!(!Manifest::read(&newest).is_empty());
    }

    fn written(dir: &Path, name: &str, text: &str) -> (PathBuf, Entry) {
        let path = dir.join(name);
        fs::write(&path, text).unwrap();
        let entry = Entry::of(7, &fs::metadata(&path).unwrap()).unwrap();
        (path, entry)
    }

    #[cfg(unix)]
    #[test]
    fn a_file_is_unchanged_only_under_the_same_key_and_as_it_was_left() {
        let dir = tempfile::tempdir().unwrap();
        let (a, entry_a) = written(dir.path(), "a.html", "one");
        let (b, entry_b) = written(dir.path(), "b.html", "two");
        let path = dir.path().join("cache/manifest");
        Manifest::write(
            &path,
            &[("a.html".into(), entry_a), ("b.html".into(), entry_b)],
        )
        .unwrap();
        let manifest = Manifest::read(&path);
        assert_eq!(manifest.unchanged("a.html", 7, &a), Some(entry_a));
        assert_eq!(manifest.unchanged("a.html", 8, &a), None, "another key");
        assert_eq!(manifest.unchanged("c.html", 7, &a), None, "not listed");
        // Rewritten in place by someone else: a new size or time.
        fs::write(&b, "changed").unwrap();
        assert_eq!(manifest.unchanged("b.html", 7, &b), None);
        // Replaced by another file, even with the same size and time.
        let meta = fs::metadata(&a).unwrap();
        let other = dir.path().join("other");
        fs::write(&other, "uno").unwrap();
        fs::File::options()
            .write(true)
            .open(&other)
            .unwrap()
            .set_modified(meta.modified().unwrap())
            .unwrap();
        fs::rename(&other, &a).unwrap();
        assert_eq!(manifest.unchanged("a.html", 7, &a), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_damaged_manifest_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let (a, entry) = written(dir.path(), "a.html", "one");
        let path = dir.path().join("manifest");
        Manifest::write(&path, &[("a.html".into(), entry)]).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        for damaged in [
            text.replacen("a.html", "b.html", 1),
            text[..text.len() - 4].to_string(),
            String::new(),
            text.replacen(HEADER, "folio-manifest 0", 1),
        ] {
            fs::write(&path, damaged).unwrap();
            assert_eq!(Manifest::read(&path).unchanged("a.html", 7, &a), None);
        }
    }
}
