//! YAML reading: the only module that knows the YAML crates.
//!
//! Parses YAML text (front matter, `.gitbook.yaml`, SUMMARY OpenAPI
//! entries, OpenAPI specs) into JSON values, which the rest of folio works
//! with. `saphyr-parser` (a maintained YAML 1.2 parser) reads the text into
//! events with spans; this module builds the value from them, so it can
//! refuse what a document must not do (a key written twice, nesting or
//! aliases without bound) and say where each key and value is written
//! ([`Places`]) for diagnostics.
//!
//! Owns: YAML syntax, the core schema's scalar types (through `saphyr`),
//! byte offsets of errors, keys and values. Must never: read files, or
//! know what any key means.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use saphyr::Scalar;
use saphyr_parser::{Event, Parser, ScanError, Span, Tag};
use serde_json::{Map, Value};

/// A YAML syntax error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// What the parser expected, without its own position suffix.
    pub message: String,
    /// Byte offset in the parsed text.
    pub offset: usize,
}

/// Collections nest at most this deep. Flow brackets are counted before
/// parsing, so even a parser that slows down with depth never sees more.
pub const MAX_DEPTH: usize = 64;

/// What aliases (`*name`) may add to a document beyond its own text, in
/// bytes of scalar text plus a few per value: a small document of nested
/// aliases could otherwise expand to gigabytes.
const ALIAS_BUDGET: usize = 16 << 20;

/// Where a document writes its keys and scalar values, by path of keys
/// (sequence items by their index).
#[derive(Debug, Default, Clone)]
pub struct Places {
    entries: Vec<Place>,
}

#[derive(Debug, Clone)]
struct Place {
    path: Vec<String>,
    /// The key's text, for entries of a mapping.
    key: Option<Range<usize>>,
    /// The value's text (where it starts, for collections).
    value: Range<usize>,
}

impl Places {
    /// Where the key at `path` is written.
    pub fn key(&self, path: &[&str]) -> Option<Range<usize>> {
        self.find(path).and_then(|place| place.key.clone())
    }

    /// Where the value at `path` is written.
    pub fn value(&self, path: &[&str]) -> Option<Range<usize>> {
        self.find(path).map(|place| place.value.clone())
    }

    /// Where `path` itself or one of its direct items holds the scalar
    /// whose text is `wanted` (`tags: [a, b]` or a list below the key).
    pub fn value_written(&self, text: &str, path: &[&str], wanted: &str) -> Option<Range<usize>> {
        self.entries
            .iter()
            .filter(|place| {
                place.path.len() >= path.len()
                    && place.path.len() <= path.len() + 1
                    && place.path.iter().zip(path).all(|(a, b)| a == b)
            })
            .find_map(|place| {
                let written = text.get(place.value.clone())?;
                let at = written.find(wanted)?;
                let start = place.value.start + at;
                Some(start..start + wanted.len())
            })
    }

    fn find(&self, path: &[&str]) -> Option<&Place> {
        self.entries.iter().find(|place| {
            place.path.len() == path.len() && place.path.iter().zip(path).all(|(a, b)| a == b)
        })
    }
}

/// Parses YAML into a JSON value (`Null` for an empty document). A key
/// written twice in one mapping is an error at the second one.
pub fn parse_yaml(text: &str) -> Result<Value, YamlError> {
    parse(text, false).map(|(value, _)| value)
}

/// Parses YAML and records where each key and scalar value is written.
pub fn parse_with_places(text: &str) -> Result<(Value, Places), YamlError> {
    parse(text, true)
}

/// The byte offset of a top-level `key` in `text`, if the text is YAML
/// that writes it.
pub fn key_offset(text: &str, key: &str) -> Option<usize> {
    let (_, places) = parse_with_places(text).ok()?;
    places.key(&[key]).map(|range| range.start)
}

fn parse(text: &str, record_places: bool) -> Result<(Value, Places), YamlError> {
    if let Some(offset) = too_deep_at(text) {
        return Err(YamlError {
            message: format!("YAML nested more than {MAX_DEPTH} deep"),
            offset,
        });
    }
    let mut builder = Builder::new(text, record_places);
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|err| builder.scan_error(&err))?;
        builder.event(event, span)?;
    }
    Ok((builder.root.unwrap_or(Value::Null), builder.places))
}

/// A collection being read, with what it has so far.
enum Frame {
    Sequence {
        items: Vec<Value>,
        anchor: usize,
        weight: usize,
        /// Where it opens.
        start: usize,
    },
    Mapping {
        entries: Map<String, Value>,
        /// The key read, waiting for its value.
        key: Option<(String, Range<usize>)>,
        anchor: usize,
        weight: usize,
        /// Where it opens.
        start: usize,
    },
}

/// Builds one value from the parser's events.
struct Builder<'t> {
    text: &'t str,
    /// Byte offset of each character, when the text is not ASCII (the
    /// parser counts characters).
    char_starts: Option<Vec<usize>>,
    stack: Vec<Frame>,
    /// Anchored values, with their weight (see [`ALIAS_BUDGET`]).
    anchors: HashMap<usize, (Value, usize)>,
    alias_weight: usize,
    root: Option<Value>,
    record_places: bool,
    places: Places,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str, record_places: bool) -> Builder<'t> {
        let char_starts =
            (!text.is_ascii()).then(|| text.char_indices().map(|(at, _)| at).collect());
        Builder {
            text,
            char_starts,
            stack: Vec::new(),
            anchors: HashMap::new(),
            alias_weight: 0,
            root: None,
            record_places,
            places: Places::default(),
        }
    }

    /// The byte offset of the parser's character index.
    fn byte(&self, chars: usize) -> usize {
        match &self.char_starts {
            None => chars.min(self.text.len()),
            Some(starts) => starts.get(chars).copied().unwrap_or(self.text.len()),
        }
    }

    fn range(&self, span: Span) -> Range<usize> {
        self.byte(span.start.index())..self.byte(span.end.index())
    }

    fn error(&self, span: Span, message: String) -> YamlError {
        YamlError {
            message,
            offset: self.byte(span.start.index()),
        }
    }

    fn scan_error(&self, err: &ScanError) -> YamlError {
        let message = err.info().to_string();
        // An unclosed `[` or `{` is reported at the end of the text; where
        // it opens is what the writer needs to see.
        let open_flow = message.contains("flow sequence") || message.contains("flow mapping");
        let offset = match self.stack.last() {
            Some(frame) if open_flow => frame.start(),
            _ => self.byte(err.marker().index()),
        };
        YamlError { message, offset }
    }

    fn event(&mut self, event: Event<'t>, span: Span) -> Result<(), YamlError> {
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let value = scalar_value(text, style, tag.as_ref())
                    .ok_or_else(|| self.error(span, "value does not match its tag".into()))?;
                let weight = 16 + value.as_str().map_or(0, str::len);
                self.node(value, weight, anchor, span)
            }
            Event::SequenceStart(anchor, _) => {
                let start = self.open(span)?;
                self.stack.push(Frame::Sequence {
                    items: Vec::new(),
                    anchor,
                    weight: 16,
                    start,
                });
                Ok(())
            }
            Event::MappingStart(anchor, _) => {
                let start = self.open(span)?;
                self.stack.push(Frame::Mapping {
                    entries: Map::new(),
                    key: None,
                    anchor,
                    weight: 16,
                    start,
                });
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, anchor, weight) = match self.stack.pop() {
                    Some(Frame::Sequence {
                        items,
                        anchor,
                        weight,
                        ..
                    }) => (Value::Array(items), anchor, weight),
                    Some(Frame::Mapping {
                        entries,
                        anchor,
                        weight,
                        ..
                    }) => (Value::Object(entries), anchor, weight),
                    None => return Ok(()),
                };
                self.attach(value, weight, anchor, span)
            }
            Event::Alias(id) => {
                let Some((value, weight)) = self.anchors.get(&id).cloned() else {
                    return Err(self.error(span, "unknown anchor".into()));
                };
                self.alias_weight += weight;
                if self.alias_weight > ALIAS_BUDGET + 4 * self.text.len() {
                    return Err(self.error(span, "aliases expand this document too much".into()));
                }
                self.attach(value, weight, 0, span)
            }
            Event::DocumentStart(_) if self.root.is_some() => {
                Err(self.error(span, "more than one YAML document (a second `---`)".into()))
            }
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::Nothing => Ok(()),
        }
    }

    /// A collection starts: checks the depth, notes where its key is, and
    /// gives the byte where it opens.
    fn open(&mut self, span: Span) -> Result<usize, YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error(span, format!("YAML nested more than {MAX_DEPTH} deep")));
        }
        let start = self.byte(span.start.index());
        if self.record_places && self.stack.last().is_some_and(Frame::awaits_value) {
            self.record(start..start);
        }
        Ok(start)
    }

    /// A scalar is read: it is a key or a value.
    fn node(
        &mut self,
        value: Value,
        weight: usize,
        anchor: usize,
        span: Span,
    ) -> Result<(), YamlError> {
        let range = self.range(span);
        if let Some(Frame::Mapping {
            key: key @ None, ..
        }) = self.stack.last_mut()
        {
            let text = match value {
                Value::String(text) => text,
                other => other.to_string(),
            };
            *key = Some((text, range));
            return Ok(());
        }
        if self.record_places {
            self.record(range);
        }
        self.attach(value, weight, anchor, span)
    }

    /// Records where the value about to be attached to the innermost
    /// collection is written.
    fn record(&mut self, value: Range<usize>) {
        let mut path = Vec::new();
        for frame in &self.stack {
            match frame {
                Frame::Sequence { items, .. } => path.push(items.len().to_string()),
                Frame::Mapping {
                    key: Some((key, _)),
                    ..
                } => path.push(key.clone()),
                Frame::Mapping { key: None, .. } => return,
            }
        }
        let key = match self.stack.last() {
            Some(Frame::Mapping {
                key: Some((_, at)), ..
            }) => Some(at.clone()),
            _ => None,
        };
        self.places.entries.push(Place { path, key, value });
    }

    /// Adds a finished value to the innermost collection (or makes it the
    /// document).
    fn attach(
        &mut self,
        value: Value,
        weight: usize,
        anchor: usize,
        span: Span,
    ) -> Result<(), YamlError> {
        if anchor != 0 {
            self.anchors.insert(anchor, (value.clone(), weight));
        }
        let error_at = self.range(span);
        match self.stack.last_mut() {
            None => {
                self.root = Some(value);
                Ok(())
            }
            Some(Frame::Sequence {
                items,
                weight: total,
                ..
            }) => {
                items.push(value);
                *total += weight;
                Ok(())
            }
            Some(Frame::Mapping {
                entries,
                key,
                weight: total,
                ..
            }) => {
                let Some((name, at)) = key.take() else {
                    return Err(YamlError {
                        message: "a mapping key must be text, not a list or mapping".into(),
                        offset: error_at.start,
                    });
                };
                *total += weight;
                if entries.insert(name.clone(), value).is_some() {
                    return Err(YamlError {
                        message: format!("duplicate key `{name}` (written twice in one mapping)"),
                        offset: at.start,
                    });
                }
                Ok(())
            }
        }
    }
}

impl Frame {
    fn start(&self) -> usize {
        match self {
            Frame::Sequence { start, .. } | Frame::Mapping { start, .. } => *start,
        }
    }

    fn awaits_value(&self) -> bool {
        match self {
            Frame::Sequence { .. } => true,
            Frame::Mapping { key, .. } => key.is_some(),
        }
    }
}

/// A scalar's value by the YAML 1.2 core schema (`saphyr`'s resolution):
/// `None` when an explicit tag does not fit (`!!int abc`).
fn scalar_value<'t>(
    text: Cow<'t, str>,
    style: saphyr_parser::ScalarStyle,
    tag: Option<&Cow<'t, Tag>>,
) -> Option<Value> {
    Some(
        match Scalar::parse_from_cow_and_metadata(text, style, tag)? {
            Scalar::Null => Value::Null,
            Scalar::Boolean(value) => Value::Bool(value),
            Scalar::Integer(value) => Value::from(value),
            Scalar::FloatingPoint(value) => serde_json::Number::from_f64(value.into_inner())
                .map_or_else(|| Value::String(value.to_string()), Value::Number),
            Scalar::String(text) => Value::String(text.into_owned()),
        },
    )
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
        let (_, places) = parse_with_places(text).unwrap();
        assert_eq!(places.key(&["structure", "readme"]), Some(27..33));
        assert_eq!(places.value(&["structure", "readme"]), Some(35..44));
    }

    #[test]
    fn scalars_follow_the_core_schema() {
        let value =
            parse_yaml("a: 1\nb: true\nc: ~\nd: '1'\ne: 1.5\nf: !!str 2\ng: .nan\n").unwrap();
        assert_eq!(value["a"], 1);
        assert_eq!(value["b"], true);
        assert_eq!(value["c"], Value::Null);
        assert_eq!(value["d"], "1");
        assert_eq!(value["e"], 1.5);
        assert_eq!(value["f"], "2");
        assert_eq!(value["g"], "NaN");
        // Keys that are numbers or booleans become text, as JSON needs.
        assert_eq!(parse_yaml("200: ok\n").unwrap()["200"], "ok");
        let err = parse_yaml("a: !!int x\n").unwrap_err();
        assert_eq!(err.offset, 3, "{err:?}");
        let err = parse_yaml("? [a]\n: b\n").unwrap_err();
        assert!(err.message.contains("must be text"), "{err:?}");
    }

    #[test]
    fn aliases_repeat_values_within_a_budget() {
        let value = parse_yaml("a: &x {b: 1}\nc: *x\n").unwrap();
        assert_eq!(value["c"]["b"], 1);
        // Nine levels of nine aliases each would be 387 million values.
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for level in 1..10 {
            let previous = format!("*a{}", level - 1);
            let items = [previous.as_str(); 9].join(", ");
            bomb.push_str(&format!("a{level}: &a{level} [{items}]\n"));
        }
        let started = std::time::Instant::now();
        let err = parse_yaml(&bomb).unwrap_err();
        assert!(err.message.contains("aliases"), "{err:?}");
        assert!(started.elapsed().as_secs() < 5);
        let err = parse_yaml("a: *nowhere\n").unwrap_err();
        assert_eq!(err.offset, 3, "{err:?}");
    }

    #[test]
    fn deep_block_nesting_is_refused() {
        let deep = "- ".repeat(10_000) + "x\n";
        let err = parse_yaml(&deep).unwrap_err();
        assert!(err.message.contains("nested more than 64 deep"), "{err:?}");
    }

    #[test]
    fn a_second_document_is_an_error() {
        let err = parse_yaml("a: 1\n---\nb: 2\n").unwrap_err();
        assert_eq!(err.offset, 5, "{err:?}");
    }

    #[test]
    fn places_are_byte_offsets_in_text_that_is_not_ascii() {
        let text = "titre: « été »\nclé: valeur\n";
        let (value, places) = parse_with_places(text).unwrap();
        assert_eq!(value["clé"], "valeur");
        let key = places.key(&["clé"]).unwrap();
        assert_eq!(&text[key], "clé");
        let value = places.value(&["clé"]).unwrap();
        assert_eq!(&text[value], "valeur");
        let err = parse_yaml("é: 1\né: 2\n").unwrap_err();
        assert_eq!(err.offset, "é: 1\n".len(), "{err:?}");
    }
}
