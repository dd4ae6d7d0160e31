//! Words for the index: Unicode word segmentation, lower case, folded
//! diacritics, character pairs for scripts written without spaces, and the
//! Snowball stem of each word for the book's language.
//!
//! Owns [`terms`], the one tokenizer of the index. The search client
//! (`search.js` beside this file) cuts a query with its twin, `terms`, so
//! a query word meets the index's words; `tests/search_tokens.rs` runs
//! both on `tests/search/tokens.json` and fails when they differ.
//!
//! It never looks at pages, fields or the index layout, and the client
//! never stems: stems are matched through the forms the index lists.

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// Turns text into the terms the index holds, for one language.
pub(super) struct Normaliser {
    stemmer: Option<Stemmer>,
}

impl Normaliser {
    /// The normaliser for a book's `language` (`en`, `de-CH`, …); a
    /// language without a Snowball stemmer is folded but not stemmed.
    pub(super) fn for_language(language: &str) -> Normaliser {
        let code = language
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let algorithm = match code.as_str() {
            "ar" => Some(Algorithm::Arabic),
            "da" => Some(Algorithm::Danish),
            "nl" => Some(Algorithm::Dutch),
            "en" => Some(Algorithm::English),
            "fi" => Some(Algorithm::Finnish),
            "fr" => Some(Algorithm::French),
            "de" => Some(Algorithm::German),
            "el" => Some(Algorithm::Greek),
            "hu" => Some(Algorithm::Hungarian),
            "it" => Some(Algorithm::Italian),
            "nb" | "nn" | "no" => Some(Algorithm::Norwegian),
            "pt" => Some(Algorithm::Portuguese),
            "ro" => Some(Algorithm::Romanian),
            "ru" => Some(Algorithm::Russian),
            "es" => Some(Algorithm::Spanish),
            "sv" => Some(Algorithm::Swedish),
            "ta" => Some(Algorithm::Tamil),
            "tr" => Some(Algorithm::Turkish),
            _ => None,
        };
        Normaliser {
            stemmer: algorithm.map(Stemmer::create),
        }
    }

    /// The stem of a form (one of [`terms`]): a form made of letters is
    /// stemmed, other forms (`v2.1`, character pairs) are their own stem.
    pub(super) fn stem(&self, form: &str) -> String {
        match &self.stemmer {
            Some(stemmer) if form.chars().all(char::is_alphabetic) => {
                stemmer.stem(form).into_owned()
            }
            _ => form.to_string(),
        }
    }

    /// The (form, stem) pairs of a text.
    #[cfg(test)]
    fn stems(&self, text: &str) -> Vec<(String, String)> {
        terms(text)
            .into_iter()
            .map(|form| {
                let stem = self.stem(&form);
                (form, stem)
            })
            .collect()
    }
}

/// The terms of a text: lower-cased Unicode words with diacritics folded
/// (`Überblick` → `uberblick`); runs of scripts written without spaces as
/// character pairs, marks kept (Unicode word segmentation does not split
/// them into words, and browsers split them by dictionaries, so pairs are
/// what both sides agree on). `terms` in `search.js` does the same.
pub fn terms(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    for_each_term(text, |term| terms.push(term.to_string()));
    terms
}

/// [`terms`], each handed to `found` as it is cut, without a string
/// allocated per word: the indexer's loop, run on every word of a book.
pub(super) fn for_each_term(text: &str, mut found: impl FnMut(&str)) {
    let mut run: Vec<char> = Vec::new();
    let mut term = String::new();
    let mut flush = |run: &mut Vec<char>, found: &mut dyn FnMut(&str)| {
        match run.len() {
            0 => {}
            1 => {
                term.clear();
                term.push(run[0]);
                found(&term);
            }
            _ => {
                for pair in run.windows(2) {
                    term.clear();
                    term.extend(pair);
                    found(&term);
                }
            }
        }
        run.clear();
    };
    let mut lower = String::new();
    let words: Box<dyn Iterator<Item = &str>> = match text.is_ascii() {
        true => Box::new(ascii_words(text)),
        false => Box::new(text.unicode_words()),
    };
    for word in words {
        if word.is_ascii() {
            // One piece, written with spaces, with nothing to fold.
            flush(&mut run, &mut found);
            if word.len() > 1 || word.bytes().all(|b| b.is_ascii_digit()) {
                lower.clear();
                lower.push_str(word);
                lower.make_ascii_lowercase();
                found(&lower);
            }
            continue;
        }
        let lowered = word.to_lowercase();
        for (unspaced, piece) in script_pieces(&lowered) {
            if unspaced {
                run.extend(piece.chars());
                continue;
            }
            flush(&mut run, &mut found);
            let folded = fold(piece);
            if folded.chars().count() > 1 || folded.chars().all(|c| c.is_ascii_digit()) {
                found(&folded);
            }
        }
    }
    flush(&mut run, &mut found);
}

/// The words of ASCII text exactly as Unicode word segmentation (UAX #29,
/// `unicode_words`) finds them, in a fraction of its time: runs of
/// letters, digits and `_`, where `.`, `'` and `:` join two letters and
/// `.`, `'`, `,` and `;` join two digits (`v2.1`, `don't`, `1,000`), and
/// only runs holding a letter or digit count. A test holds it to
/// `unicode_words` on random text.
fn ascii_words(text: &str) -> impl Iterator<Item = &str> {
    #[derive(PartialEq, Clone, Copy)]
    enum Class {
        Letter,
        Digit,
        Underscore,
        /// Joins two letters: `:` (MidLetter).
        MidLetter,
        /// Joins two letters or two digits: `.` and `'`.
        MidBoth,
        /// Joins two digits: `,` and `;` (MidNum).
        MidNum,
        Other,
    }
    fn class(byte: u8) -> Class {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' => Class::Letter,
            b'0'..=b'9' => Class::Digit,
            b'_' => Class::Underscore,
            b':' => Class::MidLetter,
            b'.' | b'\'' => Class::MidBoth,
            b',' | b';' => Class::MidNum,
            _ => Class::Other,
        }
    }
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            let start = at;
            let mut previous = class(bytes[at]);
            at += 1;
            if !matches!(previous, Class::Letter | Class::Digit | Class::Underscore) {
                continue;
            }
            while at < bytes.len() {
                let here = class(bytes[at]);
                let next = bytes.get(at + 1).map(|&b| class(b));
                let joined = match (previous, here) {
                    (Class::Letter | Class::Digit | Class::Underscore, Class::Underscore)
                    | (
                        Class::Letter | Class::Digit | Class::Underscore,
                        Class::Letter | Class::Digit,
                    ) => 1,
                    (Class::Letter, Class::MidLetter | Class::MidBoth)
                        if next == Some(Class::Letter) =>
                    {
                        2
                    }
                    (Class::Digit, Class::MidNum | Class::MidBoth)
                        if next == Some(Class::Digit) =>
                    {
                        2
                    }
                    _ => 0,
                };
                if joined == 0 {
                    break;
                }
                previous = class(bytes[at + joined - 1]);
                at += joined;
            }
            let word = &text[start..at];
            if word.bytes().any(|b| b.is_ascii_alphanumeric()) {
                return Some(word);
            }
        }
        None
    })
}

/// A word cut where it passes between a script written without spaces
/// and any other (`2024년` → `2024`, `년`; `abcภาษา` → `abc`, `ภาษา`), each
/// piece marked unspaced or not. Unicode word segmentation keeps some such
/// words whole (Hangul and digits), browsers others (Thai and Latin); cut
/// here and in `search.js`, both sides agree whichever did.
fn script_pieces(word: &str) -> impl Iterator<Item = (bool, &str)> {
    let mut rest = word;
    std::iter::from_fn(move || {
        let unspaced = is_unspaced(rest.chars().next()?);
        let end = rest
            .char_indices()
            .find(|&(_, c)| is_unspaced(c) != unspaced)
            .map_or(rest.len(), |(at, _)| at);
        let (piece, after) = rest.split_at(end);
        rest = after;
        Some((unspaced, piece))
    })
}

/// A word without its diacritics: canonical decomposition, combining
/// marks dropped (`String.prototype.normalize("NFD")` and `\p{M}` in the
/// dialog).
fn fold(word: &str) -> String {
    if word.is_ascii() {
        return word.to_string();
    }
    word.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect()
}

/// Scripts written without spaces between words: Thai, Lao, Myanmar,
/// Khmer, Hiragana, Katakana, Han with its iteration and closing marks
/// (`々`, `〆`, `〇`, `〻`, which browsers keep in Han words) (and Hangul,
/// indexed the same way). `search.js` has the same list.
fn is_unspaced(c: char) -> bool {
    matches!(c as u32,
        0x0e00..=0x0eff | 0x1000..=0x109f | 0x1780..=0x17ff | 0x3005..=0x3007 | 0x303b
        | 0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xac00..=0xd7af | 0xf900..=0xfaff | 0x20000..=0x2fa1f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_segmented_lowercased_folded_and_cjk_is_paired() {
        assert_eq!(
            terms("Digital Public Goods (DPG)"),
            ["digital", "public", "goods", "dpg"]
        );
        assert_eq!(
            terms("Überblick über API v2.1 café"),
            ["uberblick", "uber", "api", "v2.1", "cafe"]
        );
        assert_eq!(terms("数字公共"), ["数字", "字公", "公共"]);
        // Thai: one run however segmentation splits it, tone marks kept.
        assert_eq!(terms("ดิจิทัล API"), ["ดิ", "ิจ", "จิ", "ิท", "ทั", "ัล", "api"]);
        assert_eq!(terms("a 1 b"), ["1"]);
        // Cut where the script changes inside a word.
        assert_eq!(terms("2024년 時々"), ["2024", "년時", "時々"]);
        assert_eq!(terms("abcภาษา"), ["abc", "ภา", "าษ", "ษา"]);
    }

    #[test]
    fn ascii_words_are_the_words_unicode_segmentation_finds() {
        // Every ASCII class UAX #29 tells apart, in random text.
        let alphabet = b"aZk09_.':,;\"- \n\t!?/()#@";
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut random = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..50_000 {
            let length = (random() % 24) as usize;
            let text: String = (0..length)
                .map(|_| alphabet[(random() % alphabet.len() as u64) as usize] as char)
                .collect();
            let expected: Vec<&str> = text.unicode_words().collect();
            assert_eq!(ascii_words(&text).collect::<Vec<_>>(), expected, "{text:?}");
        }
        assert_eq!(
            ascii_words("v2.1 don't 1,000 a.b: __x _ a:1").collect::<Vec<_>>(),
            ["v2.1", "don't", "1,000", "a.b", "__x", "a", "1"]
        );
    }

    #[test]
    fn english_words_are_stemmed_and_other_terms_are_kept() {
        let english = Normaliser::for_language("en-GB");
        let stems: Vec<String> = english
            .stems("Configuring services v2.1 configured")
            .into_iter()
            .map(|(_, stem)| stem)
            .collect();
        assert_eq!(stems, ["configur", "servic", "v2.1", "configur"]);
        let unknown = Normaliser::for_language("xx");
        assert_eq!(unknown.stems("services")[0].1, "services");
    }
}
