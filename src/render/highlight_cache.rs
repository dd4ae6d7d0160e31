//! The persistent highlight cache in `.folio-cache/highlight/`: one file
//! per highlighted code block, so an unchanged block is not highlighted
//! again by the next build.
//!
//! Owns reading, writing and pruning those files. It never trusts a file:
//! each entry carries its full key (language and code) and a checksum of
//! its HTML, and anything that does not match exactly is a miss (the block
//! is highlighted again and the file rewritten). Entries are written to a
//! temporary file and renamed into place, so two builds at once never see
//! half an entry. The folder is kept under [`MAX_BYTES`] by deleting the
//! oldest entries. It must never hold anything but derived data: deleting
//! the folder is always safe.

use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::{Hash, Hasher};
use std::io::Write as _;
use std::path::PathBuf;
use std::time::SystemTime;

/// Where the cache lives, relative to the book's root.
pub(crate) const CACHE_DIR: &str = ".folio-cache/highlight";

/// The cache's size bound: a build that wrote entries deletes the oldest
/// until the folder is under three quarters of this.
pub(super) const MAX_BYTES: u64 = 512 << 20;

/// First line of every entry; bump the number when the format changes.
const MAGIC: &str = "folio-highlight 1\n";

/// A highlight cache rooted at one folder.
pub(super) struct DiskCache {
    dir: PathBuf,
    /// What else decides the HTML: syntect's version, the syntax set, the
    /// class style and folio's language aliases.
    fingerprint: u64,
    max_bytes: u64,
}

impl DiskCache {
    /// A cache in `dir` (created on the first write) for highlighting
    /// decided by `fingerprint`.
    pub(super) fn new(dir: PathBuf, fingerprint: u64) -> DiskCache {
        DiskCache {
            dir,
            fingerprint,
            max_bytes: MAX_BYTES,
        }
    }

    /// The same cache with another size bound (for tests).
    #[cfg(test)]
    pub(super) fn with_max_bytes(mut self, max_bytes: u64) -> DiskCache {
        self.max_bytes = max_bytes;
        self
    }

    fn path(&self, language: &str, code: &str) -> PathBuf {
        let hash = hash_of(&(self.fingerprint, language, code));
        let name = format!("{hash:016x}");
        self.dir.join(&name[..2]).join(format!("{name}.html"))
    }

    /// The HTML stored for (`language`, `code`), if a complete, matching
    /// entry exists.
    pub(super) fn get(&self, language: &str, code: &str) -> Option<String> {
        let bytes = fs::read(self.path(language, code)).ok()?;
        let entry = Entry::decode(&bytes)?;
        (entry.fingerprint == self.fingerprint && entry.language == language && entry.code == code)
            .then(|| entry.html.to_string())
    }

    /// Stores `html` for (`language`, `code`). Failures are ignored: the
    /// cache only ever saves work.
    pub(super) fn put(&self, language: &str, code: &str, html: &str) {
        let _ = self.try_put(language, code, html);
    }

    fn try_put(&self, language: &str, code: &str, html: &str) -> std::io::Result<()> {
        let path = self.path(language, code);
        let shard = path.parent().unwrap_or(&self.dir);
        fs::create_dir_all(shard)?;
        let mut temporary = tempfile::Builder::new()
            .prefix(".entry")
            .tempfile_in(shard)?;
        temporary.write_all(&encode(self.fingerprint, language, code, html))?;
        temporary.persist(&path).map_err(|err| err.error)?;
        Ok(())
    }

    /// Deletes the oldest entries while the folder is over its bound.
    pub(super) fn prune(&self) {
        let mut entries: Vec<(SystemTime, u64, PathBuf)> = walkdir::WalkDir::new(&self.dir)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_file())
            .filter_map(|entry| {
                let meta = entry.metadata().ok()?;
                let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                Some((modified, meta.len(), entry.into_path()))
            })
            .collect();
        let mut total: u64 = entries.iter().map(|(_, size, _)| size).sum();
        if total <= self.max_bytes {
            return;
        }
        entries.sort();
        let target = self.max_bytes / 4 * 3;
        for (_, size, path) in entries {
            if total <= target {
                break;
            }
            if fs::remove_file(&path).is_ok() {
                total = total.saturating_sub(size);
            }
        }
    }
}

/// A stable 64-bit hash (SipHash with fixed keys). Stability across Rust
/// releases is not relied on: a changed hash only means a cache miss.
pub(super) fn hash_of(value: &impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// One decoded entry, borrowing from the file's bytes.
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
        hash_of(&html)
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
        (hash_of(&entry.html) == checksum).then_some(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn cache(dir: &Path) -> DiskCache {
        DiskCache::new(dir.to_path_buf(), 7)
    }

    #[test]
    fn an_entry_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let cache = cache(dir.path());
        assert_eq!(cache.get("rust", "fn a() {}\n"), None);
        cache.put("rust", "fn a() {}\n", "<span>fn</span>");
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
    fn a_damaged_entry_is_a_miss_and_is_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let cache = cache(dir.path());
        cache.put("rust", "let x = 1;\n", "<b>let</b> x = 1;\n");
        let path = cache.path("rust", "let x = 1;\n");
        let good = fs::read(&path).unwrap();
        let damaged: Vec<Vec<u8>> = vec![
            // Truncated, as by a crash mid-write of a non-atomic writer.
            good[..good.len() - 3].to_vec(),
            // One byte of the HTML changed.
            {
                let mut bytes = good.clone();
                let last = bytes.len() - 2;
                bytes[last] = b'X';
                bytes
            },
            // Garbage, empty, and invalid UTF-8 with a valid-looking header.
            b"not a cache file".to_vec(),
            Vec::new(),
            {
                let mut bytes = good.clone();
                let last = bytes.len() - 1;
                bytes[last] = 0xff;
                bytes
            },
        ];
        for bytes in damaged {
            fs::write(&path, &bytes).unwrap();
            assert_eq!(cache.get("rust", "let x = 1;\n"), None, "{bytes:?}");
        }
        cache.put("rust", "let x = 1;\n", "<b>let</b> x = 1;\n");
        assert_eq!(fs::read(&path).unwrap(), good);
    }

    #[test]
    fn an_entry_filed_under_another_key_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let cache = cache(dir.path());
        cache.put("rust", "one\n", "ONE");
        // A hash collision, or a file copied to the wrong name.
        let other = cache.path("rust", "two\n");
        fs::create_dir_all(other.parent().unwrap()).unwrap();
        fs::copy(cache.path("rust", "one\n"), &other).unwrap();
        assert_eq!(cache.get("rust", "two\n"), None);
    }

    #[test]
    fn pruning_keeps_the_folder_under_its_bound() {
        let dir = tempfile::tempdir().unwrap();
        let cache = cache(dir.path()).with_max_bytes(20_000);
        for n in 0..100 {
            cache.put("text", &format!("{n}\n"), &"x".repeat(1_000));
        }
        cache.prune();
        let total: u64 = walkdir::WalkDir::new(dir.path())
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.metadata().unwrap().len())
            .sum();
        assert!(total <= 15_000, "{total}");
        assert!(total > 0);
    }

    #[test]
    fn two_writers_at_once_leave_a_valid_entry() {
        let dir = tempfile::tempdir().unwrap();
        let code = "fn main() {}\n".repeat(2_000);
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for _ in 0..20 {
                        cache(dir.path()).put("rust", &code, &code);
                    }
                });
            }
            scope.spawn(|| {
                for _ in 0..80 {
                    if let Some(html) = cache(dir.path()).get("rust", &code) {
                        assert_eq!(html, code);
                    }
                }
            });
        });
        assert_eq!(
            cache(dir.path()).get("rust", &code).as_deref(),
            Some(code.as_str())
        );
    }
}
