//! Mojibake: UTF-8 text that was decoded as Windows-1252 or Latin-1 and
//! saved again, so `’` became `â€™`, `é` became `Ã©` and `🆚` became `ðŸ†š`.
//!
//! Owns finding such runs and repairing them: each character is mapped back
//! to the byte Windows-1252 (or Latin-1) gave it, and a run counts only when
//! those bytes form valid UTF-8 for characters beyond ASCII. Text that merely
//! contains accented letters is left alone. Pure functions: no I/O.

use std::borrow::Cow;
use std::ops::Range;

/// One damaged run and its repair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mojibake {
    /// Byte range of the damaged text.
    pub range: Range<usize>,
    /// What the text was before the damage.
    pub repaired: String,
}

/// Windows-1252's characters for the bytes 0x80–0x9F (where it differs
/// from Latin-1); bytes it leaves undefined decode as the C1 control.
const CP1252_HIGH: [(char, u8); 27] = [
    ('€', 0x80),
    ('‚', 0x82),
    ('ƒ', 0x83),
    ('„', 0x84),
    ('…', 0x85),
    ('†', 0x86),
    ('‡', 0x87),
    ('ˆ', 0x88),
    ('‰', 0x89),
    ('Š', 0x8a),
    ('‹', 0x8b),
    ('Œ', 0x8c),
    ('Ž', 0x8e),
    ('‘', 0x91),
    ('’', 0x92),
    ('“', 0x93),
    ('”', 0x94),
    ('•', 0x95),
    ('–', 0x96),
    ('—', 0x97),
    ('˜', 0x98),
    ('™', 0x99),
    ('š', 0x9a),
    ('›', 0x9b),
    ('œ', 0x9c),
    ('ž', 0x9e),
    ('Ÿ', 0x9f),
];

/// The byte a character stands for when UTF-8 was read as Windows-1252.
fn byte_of(c: char) -> Option<u8> {
    match c as u32 {
        code @ 0x80..=0xff => Some(code as u8),
        _ => CP1252_HIGH
            .iter()
            .find(|(ch, _)| *ch == c)
            .map(|(_, byte)| *byte),
    }
}

/// How many continuation bytes a UTF-8 lead byte announces.
fn continuation_count(lead: u8) -> Option<usize> {
    match lead {
        0xc2..=0xdf => Some(1),
        0xe0..=0xef => Some(2),
        0xf0..=0xf4 => Some(3),
        _ => None,
    }
}

/// Every damaged run in `text`, in order. A run starts at a character
/// outside ASCII (its first byte is at least 0xC2), so the scan jumps from
/// one such character to the next.
pub fn find_mojibake(text: &str) -> Vec<Mojibake> {
    let mut found: Vec<Mojibake> = Vec::new();
    let mut at = 0;
    while let Some(skip) = text.as_bytes()[at..].iter().position(|b| !b.is_ascii()) {
        let start = at + skip;
        let rest = &text[start..];
        match decode_from(rest) {
            Some((repaired, taken)) => {
                let end = start + taken;
                match found.last_mut() {
                    Some(last) if last.range.end == start => {
                        last.range.end = end;
                        last.repaired.push(repaired);
                    }
                    _ => found.push(Mojibake {
                        range: start..end,
                        repaired: repaired.to_string(),
                    }),
                }
                at = end;
            }
            None => at = start + rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    found
}

/// The character encoded by the bytes that the characters `rest` starts
/// with stand for, and how many bytes of `rest` they take.
fn decode_from(rest: &str) -> Option<(char, usize)> {
    let mut chars = rest.chars();
    let first = chars.next()?;
    let lead = byte_of(first)?;
    let count = continuation_count(lead)?;
    let mut bytes = [lead, 0, 0, 0];
    let mut taken = first.len_utf8();
    for byte in bytes.iter_mut().skip(1).take(count) {
        let c = chars.next()?;
        *byte = byte_of(c).filter(|b| (0x80..=0xbf).contains(b))?;
        taken += c.len_utf8();
    }
    let decoded = std::str::from_utf8(bytes.get(..=count)?).ok()?;
    let repaired = decoded.chars().next()?;
    Some((repaired, taken))
}

/// `text` with every damaged run repaired.
pub fn repair(text: &str) -> Cow<'_, str> {
    let runs = find_mojibake(text);
    if runs.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for run in runs {
        out.push_str(&text[at..run.range.start]);
        out.push_str(&run.repaired);
        at = run.range.end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_the_seed_pages_damage() {
        assert_eq!(repair("# ðŸ†š DPG and DPI"), "# 🆚 DPG and DPI");
        assert_eq!(repair("Generalâ€™s Roadmap"), "General’s Roadmap");
        assert_eq!(repair("9.51.14â€¯AM.png"), "9.51.14\u{202f}AM.png");
        assert_eq!(repair("cafÃ© and Ã©tÃ©"), "café and été");
        assert_eq!(repair("Â\u{a0}non-breaking"), "\u{a0}non-breaking");
    }

    #[test]
    fn leaves_real_text_alone() {
        for text in [
            "café, naïve, São Paulo, Ærø",
            "Ã alone",
            "€100 — “quoted”",
            "plain ASCII",
            "🆚 ’ é",
        ] {
            assert_eq!(repair(text), text);
        }
    }

    /// The scan before it jumped between characters outside ASCII: every
    /// character in turn.
    fn find_by_every_character(text: &str) -> Vec<(std::ops::Range<usize>, String)> {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut found: Vec<(std::ops::Range<usize>, String)> = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            match decode_from(&text[chars[i].0..]) {
                Some((repaired, taken)) => {
                    let (start, end) = (chars[i].0, chars[i].0 + taken);
                    match found.last_mut() {
                        Some(last) if last.0.end == start => {
                            last.0.end = end;
                            last.1.push(repaired);
                        }
                        _ => found.push((start..end, repaired.to_string())),
                    }
                    i += text[start..end].chars().count();
                }
                None => i += 1,
            }
        }
        found
    }

    #[test]
    fn the_jumping_scan_finds_what_a_scan_of_every_character_finds() {
        let alphabet: Vec<char> = "aZ ðŸ†šâ€™Ã©Â\u{a0}€—“é’\u{81}ÿ🆚".chars().collect();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut random = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let length = (random() % 16) as usize;
            let text: String = (0..length)
                .map(|_| alphabet[(random() % alphabet.len() as u64) as usize])
                .collect();
            let runs: Vec<_> = find_mojibake(&text)
                .into_iter()
                .map(|run| (run.range, run.repaired))
                .collect();
            assert_eq!(runs, find_by_every_character(&text), "{text:?}");
        }
    }

    #[test]
    fn runs_have_ranges() {
        let text = "a â€™ b ðŸ†š";
        let runs = find_mojibake(text);
        assert_eq!(runs.len(), 2);
        assert_eq!(&text[runs[0].range.clone()], "â€™");
        assert_eq!(runs[0].repaired, "’");
        assert_eq!(runs[1].repaired, "🆚");
    }
}
