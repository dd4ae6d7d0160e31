//! The one hash folio uses to tell whether something changed: the keys of
//! its caches, the fingerprints of a page's inputs, the manifest of a
//! written site, content-addressed file names.
//!
//! XXH3 (64-bit, `xxhash-rust`): a build hashes every page's source, every
//! kept page's view and the bytes of every whole site file, about 200 MB at
//! 10,000 pages, where SipHash (the standard library's) took 5% of a
//! rebuild's CPU. Nothing here is a security boundary: a collision could
//! only make a cache serve a stale text, and a book's author can change the
//! text anyway. Values are stable across runs and platforms of one folio;
//! a folio that hashes differently only misses its caches.
//!
//! Owns the choice of hash. Never used for maps in memory (those use
//! `rustc-hash`).

use std::hash::{Hash, Hasher};

/// A streaming fingerprint, fed through [`Hash`].
pub type Fingerprinter = xxhash_rust::xxh3::Xxh3;

/// A fresh [`Fingerprinter`].
pub fn fingerprinter() -> Fingerprinter {
    Fingerprinter::new()
}

/// The fingerprint of a value.
pub fn of(value: &impl Hash) -> u64 {
    let mut hasher = fingerprinter();
    value.hash(&mut hasher);
    hasher.finish()
}

/// The fingerprint of bytes (faster than [`of`] for one large slice).
pub fn of_bytes(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_tell_values_apart_and_are_stable() {
        assert_eq!(of(&("a", 1u8)), of(&("a", 1u8)));
        assert_ne!(of(&("a", 1u8)), of(&("a", 2u8)));
        // Strings are delimited: ("ab", "c") is not ("a", "bc").
        assert_ne!(of(&("ab", "c")), of(&("a", "bc")));
        assert_eq!(of_bytes(b"folio"), xxhash_rust::xxh3::xxh3_64(b"folio"));
        assert_ne!(of_bytes(b"folio"), of_bytes(b"folio "));
    }
}
