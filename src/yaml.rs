//! YAML reading: the only module that knows the YAML crate.
//!
//! Parses YAML text (front matter, `.gitbook.yaml`) into JSON values, which
//! the rest of folio works with, and reports syntax errors with the byte
//! offset where the parser stopped. YAML values carry no positions, so
//! [`key_offset`] finds where a top-level key is written, for diagnostics.

use serde_json::Value;

/// A YAML syntax error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// What the parser expected, without its own position suffix.
    pub message: String,
    /// Byte offset in the parsed text.
    pub offset: usize,
}

/// Parses YAML into a JSON value (`Null` for an empty document).
pub fn parse_yaml(text: &str) -> Result<Value, YamlError> {
    serde_yaml::from_str::<Value>(text).map_err(|err| {
        let offset = err.location().map_or(0, |l| l.index());
        let message = err.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_string();
        YamlError { message, offset }
    })
}

/// The byte offset of a top-level `key:` in `text`, if written there.
pub fn key_offset(text: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let unquoted = line.strip_prefix(key).or_else(|| {
            line.strip_prefix('"')
                .and_then(|l| l.strip_prefix(key))
                .and_then(|l| l.strip_prefix('"'))
        });
        if unquoted.is_some_and(|rest| rest.trim_start().starts_with(':')) {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// The byte offset of `key:` anywhere in `text` (any indentation), for
/// nested keys such as redirect entries.
pub fn nested_key_offset(text: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let bare = trimmed.strip_prefix(key).or_else(|| {
            trimmed
                .strip_prefix('"')
                .and_then(|l| l.strip_prefix(key))
                .and_then(|l| l.strip_prefix('"'))
        });
        if bare.is_some_and(|rest| rest.trim_start().starts_with(':')) {
            return Some(offset + indent);
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_reports_offsets() {
        assert_eq!(parse_yaml("a: 1\n").unwrap()["a"], 1);
        assert_eq!(parse_yaml("").unwrap(), Value::Null);
        let err = parse_yaml("a: 1\nb: [x\n").unwrap_err();
        assert!(err.offset >= 5, "{err:?}");
    }

    #[test]
    fn finds_keys() {
        let text = "root: ./docs/\nstructure:\n  readme: README.md\n";
        assert_eq!(key_offset(text, "structure"), Some(14));
        assert_eq!(key_offset(text, "readme"), None);
        assert_eq!(nested_key_offset(text, "readme"), Some(27));
    }
}
