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

/// Flow collections (`[`, `{`) nest at most this deep. Checked before
/// parsing: the parser's work grows with the square of the depth.
pub const MAX_DEPTH: usize = 64;

/// Parses YAML into a JSON value (`Null` for an empty document). A key
/// written twice in one mapping is an error at the second one.
pub fn parse_yaml(text: &str) -> Result<Value, YamlError> {
    if let Some(offset) = too_deep_at(text) {
        return Err(YamlError {
            message: format!("YAML nested more than {MAX_DEPTH} deep"),
            offset,
        });
    }
    // The YAML crate's own value type refuses duplicate keys; the JSON one
    // would keep the last silently.
    serde_yaml::from_str::<serde_yaml::Value>(text).map_err(|err| {
        let mut error = yaml_error(err, text);
        if let Some(second) =
            duplicate_key(&error.message).and_then(|key| key_offsets(text, &key).nth(1))
        {
            error.offset = second;
        }
        error
    })?;
    serde_yaml::from_str::<Value>(text).map_err(|err| yaml_error(err, text))
}

/// The key a "duplicate entry" error names (the YAML crate gives no
/// position for it).
fn duplicate_key(message: &str) -> Option<String> {
    let quoted = message.strip_prefix("duplicate entry with key ")?;
    Some(quoted.trim_matches('"').to_string())
}

fn yaml_error(err: serde_yaml::Error, text: &str) -> YamlError {
    let message = err.to_string();
    // "…, while scanning a quoted scalar at line 2 column 4": the place
    // that started the trouble (an unclosed quote) beats the end of text.
    let offset = message
        .rsplit_once(", while ")
        .and_then(|(_, context)| context.split_once(" at line "))
        .and_then(|(_, at)| at.split_once(" column "))
        .and_then(|(line, column)| Some((line.parse().ok()?, column.parse().ok()?)))
        .and_then(|(line, column)| offset_of(text, line, column))
        .or_else(|| err.location().map(|l| l.index()))
        .unwrap_or(0);
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_string();
    YamlError { message, offset }
}

/// The byte offset of a 1-based line and column (in characters).
fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let rest = text.get(start..)?;
    let within = rest
        .char_indices()
        .nth(column.checked_sub(1)?)
        .map_or(rest.len(), |(i, _)| i);
    Some(start + within)
}

/// Where flow collections first nest deeper than [`MAX_DEPTH`], if they
/// do. Brackets inside quoted scalars do not count.
fn too_deep_at(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut previous = '\n';
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match (quote, c) {
            (Some('\''), '\'') if chars.peek().is_some_and(|(_, n)| *n == '\'') => {
                chars.next();
            }
            (Some('"'), '\\') => {
                chars.next();
            }
            (Some(open), c) if c == open => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if " \t\n:[{,-".contains(previous) => quote = Some(c),
            (None, '#') if previous.is_whitespace() => {
                while chars.next_if(|(_, n)| *n != '\n').is_some() {}
            }
            (None, '[' | '{') => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(at);
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        previous = c;
    }
    None
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
    key_offsets(text, key).next()
}

/// The byte offsets of every line that starts with `key:`, at any
/// indentation.
fn key_offsets<'a>(text: &'a str, key: &'a str) -> impl Iterator<Item = usize> + 'a {
    let mut offset = 0;
    text.split_inclusive('\n').filter_map(move |line| {
        let at = offset;
        offset += line.len();
        let trimmed = line.trim_start_matches([' ', '\t', '-']).trim_start();
        let indent = line.len() - trimmed.len();
        let bare = trimmed.strip_prefix(key).or_else(|| {
            trimmed
                .strip_prefix('"')
                .and_then(|l| l.strip_prefix(key))
                .and_then(|l| l.strip_prefix('"'))
        });
        bare.is_some_and(|rest| rest.trim_start().starts_with(':'))
            .then_some(at + indent)
    })
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
    fn deep_nesting_is_refused_before_parsing() {
        let deep = "a: ".to_string() + &"[".repeat(100_000);
        let err = parse_yaml(&deep).unwrap_err();
        assert_eq!(err.offset, 3 + MAX_DEPTH);
        assert!(err.message.contains("nested more than 64 deep"));
        let fine = "a: ".to_string() + &"[".repeat(10) + &"]".repeat(10);
        assert!(parse_yaml(&fine).is_ok());
        // Brackets in quotes and comments are text.
        let quoted = format!(
            "a: \"{}\"\nb: '{}'' x' # {}\n",
            "[".repeat(100),
            "{".repeat(100),
            "[".repeat(100)
        );
        assert!(parse_yaml(&quoted).is_ok());
        // A quoted `]` cannot hide real nesting.
        let hidden = "a: ".to_string() + &"[\"]\", ".repeat(100);
        assert_eq!(parse_yaml(&hidden).unwrap_err().offset, 3 + 6 * MAX_DEPTH);
    }

    #[test]
    fn an_unclosed_quote_is_reported_where_it_opens() {
        let text = "a: 1\nb: \"open\nc: 2\n";
        let err = parse_yaml(text).unwrap_err();
        assert_eq!(err.offset, text.find('"').unwrap(), "{err:?}");
    }

    #[test]
    fn a_key_written_twice_is_an_error_at_the_second() {
        let text = "title: A\ndescription: d\ntitle: B\n";
        let err = parse_yaml(text).unwrap_err();
        assert!(err.message.contains("duplicate"), "{err:?}");
        assert_eq!(err.offset, text.rfind("title").unwrap(), "{err:?}");
    }

    #[test]
    fn finds_keys() {
        let text = "root: ./docs/\nstructure:\n  readme: README.md\n";
        assert_eq!(key_offset(text, "structure"), Some(14));
        assert_eq!(key_offset(text, "readme"), None);
        assert_eq!(nested_key_offset(text, "readme"), Some(27));
    }
}
