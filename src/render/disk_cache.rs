//! The persistent caches in `.folio-cache/`: highlighted code blocks
//! (`highlight/`, so an unchanged block is not highlighted again) and
//! rendered pages (`pages/`, see `render::page_cache`). Each is one
//! [`DiskCache`]: text filed under a kind and a key text (for a block, its
//! language and code), for work decided by one fingerprint.
//!
//! Entries live in a few *pack* files rather than one file per entry: a
//! large book has tens of thousands of blocks, and creating, opening and
//! deleting that many small files cost more than highlighting on some
//! disks. A build reads the packs it finds, appends what it adds to a
//! pack of its own (a temporary file), and seals that pack at the end by
//! renaming it into place, so packs are immutable once visible and two
//! builds at once never see half of one. When there are more than
//! [`MAX_PACKS`] packs or they exceed the cache's size bound, the build
//! writes the entries it used into one new pack and deletes the others (the
//! oldest entries beyond three quarters of the bound are dropped).
//!
//! Owns reading, writing and compacting those files. It never trusts a
//! file: a pack whose index does not check out is ignored (and deleted),
//! and each entry carries its full key (kind and key text) and a checksum
//! of its text; anything that does not match exactly is a miss (the work
//! is done again). It must never hold anything but derived data:
//! deleting the folder is always safe.
//!
//! Pack layout: entries back to back, each `MAGIC`, a header line and the
//! texts (see [`encode`]); then the index, `(key, offset, length)` per entry
//! as little-endian `u64`s; then the entry count, a hash of the index and
//! [`PACK_MAGIC`].

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use crate::fingerprint;

/// A cache's size bound unless it sets another: a build compacts the
/// packs when they are over it, keeping at most three quarters of it.
pub(super) const MAX_BYTES: u64 = 512 << 20;

/// A build compacts the packs when there are more than this many (each
/// build that highlights something adds one).
pub(super) const MAX_PACKS: usize = 16;

/// First line of every entry; bump the number when the format changes.
const MAGIC: &str = "folio-cache 2\n";

/// The last bytes of every sealed pack.
const PACK_MAGIC: &[u8; 8] = b"FOLIOPK1";

/// Packs are named `<nanoseconds>-<random>.pack`: later names win when two
/// packs hold one key.
const PACK_EXTENSION: &str = "pack";

/// Prefix of a pack still being written.
const TEMPORARY_PREFIX: &str = ".pack-";

/// A temporary pack older than this was left by a build that died.
const ABANDONED_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// A cache rooted at one folder.
pub(super) struct DiskCache {
    dir: PathBuf,
    /// What else decides the texts (for highlighting: syntect's version,
    /// the syntax set, the class style and folio's language aliases).
    fingerprint: u64,
    max_bytes: u64,
    /// The sealed packs, read on the first lookup.
    packs: OnceLock<Packs>,
    /// This build's pack, created on the first store.
    writing: Mutex<Option<PackWriter>>,
    /// Keys this build found or stored: what a compaction keeps.
    used: Mutex<HashSet<u64>>,
}

impl DiskCache {
    /// A cache in `dir` (created on the first write) for work decided by
    /// `fingerprint`.
    pub(super) fn new(dir: PathBuf, fingerprint: u64) -> DiskCache {
        DiskCache {
            dir,
            fingerprint,
            max_bytes: MAX_BYTES,
            packs: OnceLock::new(),
            writing: Mutex::new(None),
            used: Mutex::new(HashSet::new()),
        }
    }

    /// The same cache with another size bound.
    pub(super) fn with_max_bytes(mut self, max_bytes: u64) -> DiskCache {
        self.max_bytes = max_bytes;
        self
    }

    fn key(&self, language: &str, code: &str) -> u64 {
        fingerprint::of(&(self.fingerprint, language, code))
    }

    /// The text stored for (`language`, `code`) (a kind and a key text),
    /// if a complete, matching entry exists.
    pub(super) fn get(&self, language: &str, code: &str) -> Option<String> {
        let key = self.key(language, code);
        let packs = self.packs.get_or_init(|| Packs::read(&self.dir));
        // A block this build stored (the print page shows every block a
        // second time) is read back from this build's pack.
        let bytes = packs
            .entry(key)
            .or_else(|| lock(&self.writing).as_mut()?.entry(key))?;
        let entry = Entry::decode(&bytes)?;
        let matches = entry.fingerprint == self.fingerprint
            && entry.language == language
            && entry.code == code;
        if !matches {
            return None;
        }
        lock(&self.used).insert(key);
        Some(entry.html.to_string())
    }

    /// Stores `html` (any text) for (`language`, `code`) in this build's
    /// pack.
    /// Failures are ignored: the cache only ever saves work.
    pub(super) fn put(&self, language: &str, code: &str, html: &str) {
        let key = self.key(language, code);
        let bytes = encode(self.fingerprint, language, code, html);
        let mut writing = lock(&self.writing);
        if writing.is_none() {
            *writing = PackWriter::create(&self.dir).ok();
        }
        let Some(writer) = writing.as_mut() else {
            return;
        };
        if writer.offsets.contains_key(&key) {
            return;
        }
        if writer.append(key, &bytes).is_err() {
            // A pack that failed half-way is dropped (and its file with it).
            *writing = None;
            return;
        }
        lock(&self.used).insert(key);
    }

    /// Seals this build's pack, then compacts the packs when there are too
    /// many or they are too large, and deletes packs that are damaged or
    /// were abandoned. Call once a build has rendered every page.
    pub(super) fn finish(&self) {
        if let Some(writer) = lock(&self.writing).take() {
            let _ = writer.seal(&self.dir);
        }
        let _ = self.tidy();
    }

    fn tidy(&self) -> io::Result<()> {
        let listing = Listing::of(&self.dir)?;
        for path in &listing.leftovers {
            let _ = if path.is_dir() {
                fs::remove_dir_all(path)
            } else {
                fs::remove_file(path)
            };
        }
        let total: u64 = listing.packs.iter().map(|(_, size)| size).sum();
        if listing.packs.len() <= MAX_PACKS && total <= self.max_bytes {
            return Ok(());
        }
        let packs = Packs::read(&self.dir);
        let mut used: Vec<u64> = lock(&self.used).iter().copied().collect();
        used.sort_unstable();
        // Under the size bound, the pack holding most of the bytes this
        // build used stays as it is and only the others are merged: a build
        // after a small edit adds a small pack, and tidying those must not
        // rewrite the whole cache. (A pack nothing used is merged away.)
        let whole: Option<PathBuf> = match total <= self.max_bytes {
            true => {
                let mut uses: HashMap<&Path, u64> = HashMap::new();
                for (path, length) in used.iter().filter_map(|key| packs.location(*key)) {
                    *uses.entry(path).or_default() += length;
                }
                uses.into_iter()
                    .max_by_key(|(path, count)| (*count, *path))
                    .map(|(path, _)| path.to_path_buf())
            }
            false => None,
        };
        let mut writer = PackWriter::create(&self.dir)?;
        let mut kept = 0;
        for key in used {
            if whole.is_some() && packs.location(key).map(|(path, _)| path) == whole.as_deref() {
                continue;
            }
            let Some(bytes) = packs.entry(key) else {
                continue;
            };
            if kept + bytes.len() as u64 > self.max_bytes / 4 * 3 {
                break;
            }
            kept += bytes.len() as u64;
            writer.append(key, &bytes)?;
        }
        let sealed = writer.seal(&self.dir)?;
        for (path, _) in listing.packs {
            if Some(&path) != sealed.as_ref() && Some(&path) != whole.as_ref() {
                let _ = fs::remove_file(path);
            }
        }
        Ok(())
    }
}

/// A poisoned lock still guards sound data here (a set, a writer that
/// drops its file on error).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What is in the cache folder: sealed packs (path, size) and what should
/// not be there (damaged packs, abandoned temporary packs, the one-file-
/// per-block folders of earlier folio versions).
struct Listing {
    packs: Vec<(PathBuf, u64)>,
    leftovers: Vec<PathBuf>,
}

impl Listing {
    fn of(dir: &Path) -> io::Result<Listing> {
        let mut listing = Listing {
            packs: Vec::new(),
            leftovers: Vec::new(),
        };
        for entry in fs::read_dir(dir)?.flatten() {
            let path = entry.path();
            let Ok(meta) = entry.metadata() else {
                continue;
            };
            let name = entry.file_name().to_string_lossy().into_owned();
            if meta.is_dir() {
                listing.leftovers.push(path);
            } else if name.starts_with(TEMPORARY_PREFIX) {
                let age = meta
                    .modified()
                    .ok()
                    .and_then(|modified| SystemTime::now().duration_since(modified).ok());
                if age.is_some_and(|age| age > ABANDONED_AFTER) {
                    listing.leftovers.push(path);
                }
            } else if path.extension().is_some_and(|e| e == PACK_EXTENSION) {
                match Pack::open(&path) {
                    Some(_) => listing.packs.push((path, meta.len())),
                    None => listing.leftovers.push(path),
                }
            }
        }
        listing.packs.sort();
        Ok(listing)
    }
}

/// The sealed packs of the folder and where each key's entry is.
#[derive(Default)]
struct Packs {
    packs: Vec<Pack>,
    /// Each pack's file, in the order of `packs`.
    paths: Vec<PathBuf>,
    /// Key → (pack, offset, length); a later pack's entry wins.
    index: HashMap<u64, (usize, u64, u64)>,
}

impl Packs {
    /// Every sound pack in `dir`, oldest first (none if there is no folder).
    fn read(dir: &Path) -> Packs {
        let mut paths: Vec<PathBuf> = fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|entry| entry.path())
                    .filter(|path| path.extension().is_some_and(|e| e == PACK_EXTENSION))
                    .collect()
            })
            .unwrap_or_default();
        paths.sort();
        let mut packs = Packs::default();
        for path in paths {
            let Some(pack) = Pack::open(&path) else {
                continue;
            };
            let number = packs.packs.len();
            for &(key, offset, length) in &pack.entries {
                packs.index.insert(key, (number, offset, length));
            }
            packs.packs.push(pack);
            packs.paths.push(path);
        }
        packs
    }

    /// The pack file holding `key`'s entry, and the entry's length.
    fn location(&self, key: u64) -> Option<(&Path, u64)> {
        let &(pack, _, length) = self.index.get(&key)?;
        Some((self.paths.get(pack)?.as_path(), length))
    }

    /// The raw bytes of `key`'s entry (to be checked by [`Entry::decode`]).
    fn entry(&self, key: u64) -> Option<Vec<u8>> {
        let &(pack, offset, length) = self.index.get(&key)?;
        let mut bytes = vec![0; usize::try_from(length).ok()?];
        read_at(&self.packs[pack].file, offset, &mut bytes).ok()?;
        Some(bytes)
    }
}

/// One sealed pack: its open file and its index.
struct Pack {
    file: fs::File,
    entries: Vec<(u64, u64, u64)>,
}

impl Pack {
    /// Opens a pack and reads its index; `None` unless the index is whole
    /// and every entry lies inside the entries' part of the file.
    fn open(path: &Path) -> Option<Pack> {
        let file = fs::File::open(path).ok()?;
        let size = file.metadata().ok()?.len();
        let mut footer = [0u8; 24];
        read_at(&file, size.checked_sub(24)?, &mut footer).ok()?;
        if &footer[16..] != PACK_MAGIC {
            return None;
        }
        let count = u64::from_le_bytes(footer[..8].try_into().ok()?);
        let checksum = u64::from_le_bytes(footer[8..16].try_into().ok()?);
        let index_len = count.checked_mul(24)?;
        let entries_end = size.checked_sub(24)?.checked_sub(index_len)?;
        let mut index = vec![0u8; usize::try_from(index_len).ok()?];
        read_at(&file, entries_end, &mut index).ok()?;
        if fingerprint::of(&index) != checksum {
            return None;
        }
        let entries: Vec<(u64, u64, u64)> = index
            .chunks_exact(24)
            .map(|row| {
                let number = |at: usize| {
                    u64::from_le_bytes(row[at..at + 8].try_into().expect("eight bytes"))
                };
                (number(0), number(8), number(16))
            })
            .collect();
        let inside = entries.iter().all(|&(_, offset, length)| {
            offset
                .checked_add(length)
                .is_some_and(|end| end <= entries_end)
        });
        inside.then_some(Pack { file, entries })
    }
}

/// Reads exactly `bytes.len()` bytes of `file` at `offset`, without moving
/// a shared cursor (lookups run on several threads).
#[cfg(unix)]
fn read_at(file: &fs::File, offset: u64, bytes: &mut [u8]) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
}

#[cfg(windows)]
fn read_at(file: &fs::File, mut offset: u64, mut bytes: &mut [u8]) -> io::Result<()> {
    while !bytes.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, bytes, offset)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            read => {
                bytes = &mut std::mem::take(&mut bytes)[read..];
                offset += read as u64;
            }
        }
    }
    Ok(())
}

/// A pack being written: a temporary file in the cache folder.
struct PackWriter {
    file: io::BufWriter<tempfile::NamedTempFile>,
    written: u64,
    entries: Vec<(u64, u64, u64)>,
    /// Key → (offset, length) of the entries written so far.
    offsets: HashMap<u64, (u64, u64)>,
}

impl PackWriter {
    fn create(dir: &Path) -> io::Result<PackWriter> {
        fs::create_dir_all(dir)?;
        let file = tempfile::Builder::new()
            .prefix(TEMPORARY_PREFIX)
            .tempfile_in(dir)?;
        Ok(PackWriter {
            file: io::BufWriter::with_capacity(1 << 16, file),
            written: 0,
            entries: Vec::new(),
            offsets: HashMap::new(),
        })
    }

    fn append(&mut self, key: u64, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes)?;
        let length = bytes.len() as u64;
        self.entries.push((key, self.written, length));
        self.offsets.insert(key, (self.written, length));
        self.written += length;
        Ok(())
    }

    /// The raw bytes of an entry written so far.
    fn entry(&mut self, key: u64) -> Option<Vec<u8>> {
        let &(offset, length) = self.offsets.get(&key)?;
        self.file.flush().ok()?;
        let mut bytes = vec![0; usize::try_from(length).ok()?];
        read_at(self.file.get_ref().as_file(), offset, &mut bytes).ok()?;
        Some(bytes)
    }

    /// Writes the index and renames the pack into place; `None` (and no
    /// file) when it holds nothing.
    fn seal(mut self, dir: &Path) -> io::Result<Option<PathBuf>> {
        if self.entries.is_empty() {
            return Ok(None);
        }
        let mut index = Vec::with_capacity(self.entries.len() * 24);
        for (key, offset, length) in &self.entries {
            index.extend_from_slice(&key.to_le_bytes());
            index.extend_from_slice(&offset.to_le_bytes());
            index.extend_from_slice(&length.to_le_bytes());
        }
        self.file.write_all(&index)?;
        self.file
            .write_all(&(self.entries.len() as u64).to_le_bytes())?;
        self.file
            .write_all(&fingerprint::of(&index).to_le_bytes())?;
        self.file.write_all(PACK_MAGIC)?;
        let file = self.file.into_inner().map_err(|err| err.into_error())?;
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos());
        let random = file
            .path()
            .file_name()
            .map(|name| name.to_string_lossy().replace(TEMPORARY_PREFIX, ""))
            .unwrap_or_default();
        let path = dir.join(format!("{nanos:020}-{random}.{PACK_EXTENSION}"));
        file.persist(&path).map_err(|err| err.error)?;
        Ok(Some(path))
    }
}

/// An entry text's checksum: CRC-32, hardware-accelerated (a build reads
/// and writes hundreds of megabytes of kept pages).
fn checksum(text: &str) -> u64 {
    u64::from(crc32fast::hash(text.as_bytes()))
}

/// One decoded entry, borrowing from the pack's bytes.
struct Entry<'a> {
    fingerprint: u64,
    language: &'a str,
    code: &'a str,
    html: &'a str,
}

/// `MAGIC`, then `fingerprint language-length code-length html-length
/// html-checksum` in hex on one line, then the three texts back to back.
fn encode(fingerprint: u64, language: &str, code: &str, html: &str) -> Vec<u8> {
    let header = format!(
        "{MAGIC}{fingerprint:016x} {:x} {:x} {:x} {:016x}\n",
        language.len(),
        code.len(),
        html.len(),
        checksum(html)
    );
    let mut bytes = Vec::with_capacity(header.len() + language.len() + code.len() + html.len());
    bytes.extend_from_slice(header.as_bytes());
    bytes.extend_from_slice(language.as_bytes());
    bytes.extend_from_slice(code.as_bytes());
    bytes.extend_from_slice(html.as_bytes());
    bytes
}

impl<'a> Entry<'a> {
    fn decode(bytes: &'a [u8]) -> Option<Entry<'a>> {
        let rest = bytes.strip_prefix(MAGIC.as_bytes())?;
        let newline = rest.iter().position(|&b| b == b'\n')?;
        let header = std::str::from_utf8(&rest[..newline]).ok()?;
        let body = &rest[newline + 1..];
        let mut fields = header
            .split(' ')
            .map(|field| u64::from_str_radix(field, 16));
        let mut next = || fields.next()?.ok();
        let fingerprint = next()?;
        let language_len = usize::try_from(next()?).ok()?;
        let code_len = usize::try_from(next()?).ok()?;
        let html_len = usize::try_from(next()?).ok()?;
        let checksum = next()?;
        if next().is_some()
            || language_len.checked_add(code_len)?.checked_add(html_len)? != body.len()
        {
            return None;
        }
        let text = |from: usize, len: usize| std::str::from_utf8(&body[from..from + len]).ok();
        let entry = Entry {
            fingerprint,
            language: text(0, language_len)?,
            code: text(language_len, code_len)?,
            html: text(language_len + code_len, html_len)?,
        };
        (self::checksum(entry.html) == checksum).then_some(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(dir: &Path) -> DiskCache {
        DiskCache::new(dir.to_path_buf(), 7)
    }

    /// One build: stores what it is given, then finishes.
    fn build<S: AsRef<str>>(dir: &Path, entries: &[(&str, S, S)]) {
        let cache = cache(dir);
        for (language, code, html) in entries {
            cache.put(language, code.as_ref(), html.as_ref());
        }
        cache.finish();
    }

    fn packs(dir: &Path) -> Vec<PathBuf> {
        Listing::of(dir)
            .unwrap()
            .packs
            .into_iter()
            .map(|(path, _)| path)
            .collect()
    }

    #[test]
    fn an_entry_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(cache(dir.path()).get("rust", "fn a() {}\n"), None);
        build(dir.path(), &[("rust", "fn a() {}\n", "<span>fn</span>")]);
        let cache = cache(dir.path());
        assert_eq!(
            cache.get("rust", "fn a() {}\n").as_deref(),
            Some("<span>fn</span>")
        );
        assert_eq!(cache.get("rust", "fn b() {}\n"), None);
        assert_eq!(cache.get("python", "fn a() {}\n"), None);
        // Another fingerprint (syntect, syntaxes or class style changed).
        assert_eq!(
            DiskCache::new(dir.path().to_path_buf(), 8).get("rust", "fn a() {}\n"),
            None
        );
    }

    #[test]
    fn a_build_writes_one_pack_however_many_blocks_it_highlights() {
        let dir = tempfile::tempdir().unwrap();
        let entries: Vec<(&str, String, String)> = (0..500)
            .map(|n| ("rust", format!("let x = {n};\n"), format!("<b>{n}</b>")))
            .collect();
        build(dir.path(), &entries);
        let files: Vec<_> = fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(files.len(), 1, "{files:?}");
        let cache = cache(dir.path());
        for (_, code, html) in &entries {
            assert_eq!(cache.get("rust", code).as_deref(), Some(html.as_str()));
        }
        // A build that highlights nothing leaves no pack.
        build::<&str>(dir.path(), &[]);
        assert_eq!(packs(dir.path()).len(), 1);
    }

    #[test]
    fn a_block_stored_by_this_build_is_read_back_and_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let cache = cache(dir.path());
        cache.put("rust", "fn a() {}\n", "<b>fn</b>");
        // The print page asks for the same block before the pack is sealed.
        assert_eq!(
            cache.get("rust", "fn a() {}\n").as_deref(),
            Some("<b>fn</b>")
        );
        cache.put("rust", "fn a() {}\n", "<b>fn</b>");
        cache.finish();
        let pack = Pack::open(&packs(dir.path())[0]).unwrap();
        assert_eq!(pack.entries.len(), 1, "stored once");
    }

    #[test]
    fn a_damaged_pack_or_entry_is_a_miss_and_the_block_is_stored_again() {
        let dir = tempfile::tempdir().unwrap();
        build(
            dir.path(),
            &[("rust", "let x = 1;\n", "<b>let</b> x = 1;\n")],
        );
        let path = packs(dir.path()).remove(0);
        let good = fs::read(&path).unwrap();
        let entry_end = good.len() - 24 - 24;
        let damaged: Vec<Vec<u8>> = vec![
            // Truncated, as by a crash mid-write of a non-atomic writer.
            good[..good.len() - 3].to_vec(),
            // One byte of the HTML changed: the index is sound, the entry
            // is not.
            {
                let mut bytes = good.clone();
                bytes[entry_end - 2] = b'X';
                bytes
            },
            // Invalid UTF-8 in the HTML.
            {
                let mut bytes = good.clone();
                bytes[entry_end - 1] = 0xff;
                bytes
            },
            // An index entry pointing past the entries.
            {
                let mut bytes = good.clone();
                bytes[entry_end + 16] = 0xff;
                bytes
            },
            // Garbage and an empty file.
            b"not a cache file".to_vec(),
            Vec::new(),
        ];
        for bytes in damaged {
            fs::write(&path, &bytes).unwrap();
            assert_eq!(
                cache(dir.path()).get("rust", "let x = 1;\n"),
                None,
                "{bytes:?}"
            );
        }
        // The next build stores the block again; the damaged pack is
        // deleted once its index fails.
        fs::write(&path, b"not a cache file").unwrap();
        build(
            dir.path(),
            &[("rust", "let x = 1;\n", "<b>let</b> x = 1;\n")],
        );
        assert!(!path.exists());
        assert_eq!(
            cache(dir.path()).get("rust", "let x = 1;\n").as_deref(),
            Some("<b>let</b> x = 1;\n")
        );
    }

    #[test]
    fn an_entry_filed_under_another_key_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        build(dir.path(), &[("rust", "one\n", "ONE")]);
        // A hash collision: the index names the entry of another code.
        let path = packs(dir.path()).remove(0);
        let mut bytes = fs::read(&path).unwrap();
        let count = 1;
        let index_at = bytes.len() - 24 - 24 * count;
        let other = cache(dir.path()).key("rust", "two\n");
        bytes[index_at..index_at + 8].copy_from_slice(&other.to_le_bytes());
        let index = bytes[index_at..bytes.len() - 24].to_vec();
        let checksum_at = bytes.len() - 16;
        bytes[checksum_at..checksum_at + 8].copy_from_slice(&fingerprint::of(&index).to_le_bytes());
        fs::write(&path, bytes).unwrap();
        assert_eq!(cache(dir.path()).get("rust", "two\n"), None);
    }

    #[test]
    fn many_packs_are_compacted_into_the_entries_the_last_build_used() {
        let dir = tempfile::tempdir().unwrap();
        // A first, large build, then small ones, and a large pack nothing
        // uses any more.
        let texts = |name: &str, count: usize| -> Vec<(&str, String, String)> {
            (0..count)
                .map(|n| ("text", format!("{name} {n}\n"), format!("<{n}>")))
                .collect()
        };
        build(dir.path(), &texts("stale", 80));
        build(dir.path(), &texts("large", 50));
        let large_pack = packs(dir.path()).remove(1);
        for n in 0..MAX_PACKS - 2 {
            build(
                dir.path(),
                &[("text", &format!("{n}\n"), &format!("<{n}>"))],
            );
        }
        assert_eq!(packs(dir.path()).len(), MAX_PACKS);
        // The next build uses two old entries and stores a new one.
        let cache = cache(dir.path());
        assert!(cache.get("text", "0\n").is_some());
        assert!(cache.get("text", "5\n").is_some());
        for n in 0..10 {
            assert!(cache.get("text", &format!("large {n}\n")).is_some());
        }
        cache.put("text", "new\n", "<new>");
        cache.finish();
        // Under the size bound, the large pack stays as it was, whole; the
        // small ones are merged into the entries the build used.
        let after_packs = packs(dir.path());
        assert_eq!(after_packs.len(), 2, "{after_packs:?}");
        assert!(after_packs.contains(&large_pack));
        let after = self::cache(dir.path());
        assert_eq!(after.get("text", "0\n").as_deref(), Some("<0>"));
        assert_eq!(after.get("text", "5\n").as_deref(), Some("<5>"));
        assert_eq!(after.get("text", "new\n").as_deref(), Some("<new>"));
        assert_eq!(after.get("text", "1\n"), None);
        assert_eq!(after.get("text", "large 7\n").as_deref(), Some("<7>"));
        assert_eq!(after.get("text", "stale 7\n"), None);
    }

    #[test]
    fn compaction_keeps_the_folder_under_its_bound() {
        let dir = tempfile::tempdir().unwrap();
        let cache = cache(dir.path()).with_max_bytes(20_000);
        for n in 0..100 {
            cache.put("text", &format!("{n}\n"), &"x".repeat(1_000));
        }
        cache.finish();
        let total: u64 = Listing::of(dir.path())
            .unwrap()
            .packs
            .iter()
            .map(|(_, size)| size)
            .sum();
        assert!(total <= 15_000 + 24 * 100, "{total}");
        assert!(total > 0);
    }

    #[test]
    fn folders_of_the_old_layout_and_abandoned_packs_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("3f")).unwrap();
        fs::write(dir.path().join("3f/3f00000000000000.html"), "old").unwrap();
        let abandoned = dir.path().join(".pack-abc123");
        fs::write(&abandoned, "half").unwrap();
        let old = SystemTime::now() - ABANDONED_AFTER - Duration::from_secs(60);
        fs::File::options()
            .write(true)
            .open(&abandoned)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let recent = dir.path().join(".pack-def456");
        fs::write(&recent, "another build is writing").unwrap();
        build(dir.path(), &[("rust", "x\n", "x")]);
        assert!(!dir.path().join("3f").exists());
        assert!(!abandoned.exists());
        assert!(recent.exists());
    }

    #[test]
    fn two_builds_at_once_each_seal_a_valid_pack() {
        let dir = tempfile::tempdir().unwrap();
        let code = "fn main() {}\n".repeat(2_000);
        std::thread::scope(|scope| {
            for n in 0..4 {
                let (dir, code) = (dir.path(), &code);
                scope.spawn(move || {
                    for round in 0..5 {
                        let cache = cache(dir);
                        if let Some(html) = cache.get("rust", code) {
                            assert_eq!(&html, code);
                        }
                        cache.put("rust", code, code);
                        cache.put("rust", &format!("{n} {round}\n"), "y");
                        cache.finish();
                    }
                });
            }
        });
        assert_eq!(
            cache(dir.path()).get("rust", &code).as_deref(),
            Some(code.as_str())
        );
    }
}
