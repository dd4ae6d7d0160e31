//! YAML front matter.
//!
//! Splits `---` … `---` off the start of a page and reads the keys GitBook
//! writes (format notes §5) into a typed [`FrontMatter`]. Invalid YAML and
//! values of the wrong type are `invalid-front-matter` errors at the exact
//! line; the page is then parsed with default front matter so its links are
//! still checked.

use std::ops::Range;

use serde_json::{Map, Value};

use crate::diag::{Code, Diagnostic, Severity};
use crate::source::SourceFile;
use crate::yaml;

/// The keys folio understands, with GitBook's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontMatter {
    /// `title`: overrides the `#` heading as the page title.
    pub title: Option<String>,
    /// `description`: subtitle, meta and OpenGraph description.
    pub description: Option<String>,
    /// `icon`: a Font Awesome name shown beside the title.
    pub icon: Option<String>,
    /// `cover`: an image path, with the byte range of its value.
    pub cover: Option<(String, Range<usize>)>,
    /// `hidden: true`: published but left out of navigation.
    pub hidden: bool,
    /// `noIndex` / `noRobotsIndex`: ask search engines not to index.
    pub no_index: bool,
    /// `layout.*.visible` switches.
    pub layout: Layout,
    /// Every key, as JSON, for templates and later features.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Default for FrontMatter {
    fn default() -> Self {
        FrontMatter {
            title: None,
            description: None,
            icon: None,
            cover: None,
            hidden: false,
            no_index: false,
            layout: Layout::default(),
            extra: serde_json::Map::new(),
        }
    }
}

/// GitBook's `layout` block; a missing flag means visible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Show the `#` title.
    pub title: bool,
    /// Show the description under the title.
    pub description: bool,
    /// Show the sidebar.
    pub table_of_contents: bool,
    /// Show the right-hand outline.
    pub outline: bool,
    /// Show previous/next links.
    pub pagination: bool,
    /// Show the cover image (`layout.cover.visible`).
    pub cover: bool,
    /// Cover size: `hero` (the default) or `full` width.
    pub cover_full: bool,
    /// `layout.width: wide`: let the content use the outline's room.
    pub wide: bool,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            title: true,
            description: true,
            table_of_contents: true,
            outline: true,
            pagination: true,
            cover: true,
            cover_full: false,
            wide: false,
        }
    }
}

/// Front matter split from a page: the typed values and where the body
/// starts.
#[derive(Debug)]
pub(super) struct Split {
    /// The parsed keys (defaults when absent or invalid).
    pub front_matter: FrontMatter,
    /// Byte offset of the Markdown body in the file.
    pub body_offset: usize,
}

/// Splits and parses the front matter at byte 0 of `source`.
pub(super) fn split_front_matter(source: &SourceFile, diagnostics: &mut Vec<Diagnostic>) -> Split {
    let text = &source.text;
    let Some(yaml_start) = opening_fence(text) else {
        return Split {
            front_matter: FrontMatter::default(),
            body_offset: 0,
        };
    };
    let Some((yaml_end, body_offset)) = closing_fence(text, yaml_start) else {
        diagnostics.push(
            source
                .diagnostic(
                    Severity::Error,
                    Code::InvalidFrontMatter,
                    0..3,
                    "front matter starts here but has no closing `---` line".into(),
                )
                .with_help("end the YAML block with a line containing only `---`"),
        );
        return Split {
            front_matter: FrontMatter::default(),
            body_offset: 0,
        };
    };
    let yaml = &text[yaml_start..yaml_end];
    let front_matter = match yaml::parse_yaml(yaml) {
        Ok(value) => read_keys(source, yaml_start, &value, diagnostics),
        Err(err) => {
            let at = yaml_start + err.offset;
            diagnostics.push(source.diagnostic(
                Severity::Error,
                Code::InvalidFrontMatter,
                at..at + 1,
                format!("front matter is not valid YAML: {}", err.message),
            ));
            FrontMatter::default()
        }
    };
    Split {
        front_matter,
        body_offset,
    }
}

fn opening_fence(text: &str) -> Option<usize> {
    ["---\n", "---\r\n"]
        .iter()
        .find(|fence| text.starts_with(**fence))
        .map(|fence| fence.len())
}

/// The end of the YAML and the start of the body after the closing line.
fn closing_fence(text: &str, from: usize) -> Option<(usize, usize)> {
    let mut offset = from;
    for line in text[from..].split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare == "---" || bare == "..." {
            return Some((offset, offset + line.len()));
        }
        offset += line.len();
    }
    None
}

fn read_keys(
    source: &SourceFile,
    yaml_start: usize,
    value: &Value,
    diagnostics: &mut Vec<Diagnostic>,
) -> FrontMatter {
    let mut front_matter = FrontMatter::default();
    let map = match value {
        Value::Object(map) => map,
        Value::Null => return front_matter,
        _ => {
            diagnostics.push(source.diagnostic(
                Severity::Error,
                Code::InvalidFrontMatter,
                yaml_start..yaml_start + 1,
                "front matter must be a set of `key: value` lines".into(),
            ));
            return front_matter;
        }
    };
    let mut reader = KeyReader {
        source,
        yaml_start,
        diagnostics,
    };
    front_matter.title = reader.string(map, "title");
    front_matter.description = reader
        .string(map, "description")
        .map(|d| d.trim().to_string());
    front_matter.icon = reader.string(map, "icon");
    front_matter.cover = reader
        .string(map, "cover")
        .map(|cover| (cover.clone(), reader.value_range("cover", &cover)));
    front_matter.hidden = reader.boolean(map, "hidden").unwrap_or(false);
    front_matter.no_index = reader.boolean(map, "noIndex").unwrap_or(false)
        || reader.boolean(map, "noRobotsIndex").unwrap_or(false);
    if let Some(Value::Object(layout)) = map.get("layout") {
        let visible = |name: &str| {
            layout
                .get(name)
                .and_then(|v| v.get("visible"))
                .and_then(Value::as_bool)
                .unwrap_or(true)
        };
        front_matter.layout = Layout {
            title: visible("title"),
            description: visible("description"),
            table_of_contents: visible("tableOfContents"),
            outline: visible("outline"),
            pagination: visible("pagination"),
            cover: visible("cover"),
            cover_full: layout
                .get("cover")
                .and_then(|cover| cover.get("size"))
                .and_then(Value::as_str)
                == Some("full"),
            wide: layout.get("width").and_then(Value::as_str) == Some("wide"),
        };
    }
    front_matter.extra = map.clone();
    front_matter
}

struct KeyReader<'a> {
    source: &'a SourceFile,
    yaml_start: usize,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl KeyReader<'_> {
    fn string(&mut self, map: &Map<String, Value>, key: &str) -> Option<String> {
        match map.get(key)? {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            Value::Null => None,
            _ => {
                self.wrong_type(key, "a string");
                None
            }
        }
    }

    fn boolean(&mut self, map: &Map<String, Value>, key: &str) -> Option<bool> {
        match map.get(key)? {
            Value::Bool(flag) => Some(*flag),
            Value::Null => None,
            _ => {
                self.wrong_type(key, "`true` or `false`");
                None
            }
        }
    }

    fn wrong_type(&mut self, key: &str, expected: &str) {
        let range = self.key_range(key);
        self.diagnostics.push(self.source.diagnostic(
            Severity::Error,
            Code::InvalidFrontMatter,
            range,
            format!("front matter key `{key}` must be {expected}"),
        ));
    }

    /// Where a top-level key is written (YAML values carry no positions).
    fn key_range(&self, key: &str) -> Range<usize> {
        let mut offset = self.yaml_start;
        for line in self.source.text[self.yaml_start..].split_inclusive('\n') {
            if line
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
            {
                return offset..offset + key.len();
            }
            offset += line.len();
        }
        self.yaml_start..self.yaml_start + 1
    }

    /// Where a top-level key's scalar value is written.
    fn value_range(&self, key: &str, value: &str) -> Range<usize> {
        let key_range = self.key_range(key);
        let text = &self.source.text;
        let line_end = text[key_range.end..]
            .find('\n')
            .map_or(text.len(), |i| key_range.end + i);
        match text[key_range.end..line_end].find(value) {
            Some(i) => key_range.end + i..key_range.end + i + value.len(),
            None => key_range,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn split(text: &str) -> (Split, Vec<Diagnostic>) {
        let source = SourceFile::new(PathBuf::from("p.md"), text.to_string());
        let mut diagnostics = Vec::new();
        let split = split_front_matter(&source, &mut diagnostics);
        (split, diagnostics)
    }

    #[test]
    fn folded_description_and_layout() {
        let text = "---\ndescription: >-\n  Are DPGs and DPI\n  the same?\nlayout:\n  outline:\n    visible: false\n---\n\n# T\n";
        let (split, diags) = split(text);
        assert!(diags.is_empty());
        let fm = split.front_matter;
        assert_eq!(
            fm.description.as_deref(),
            Some("Are DPGs and DPI the same?")
        );
        assert!(!fm.layout.outline);
        assert!(fm.layout.title);
        assert_eq!(&text[split.body_offset..], "\n# T\n");
    }

    #[test]
    fn invalid_yaml_reports_the_file_line() {
        let (split, diags) = split("---\ntitle: ok\ndescription: [unclosed\n---\nbody\n");
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, Code::InvalidFrontMatter);
        assert!(diags[0].position.line >= 3, "{:?}", diags[0].position);
        assert_eq!(split.body_offset, 41);
    }

    #[test]
    fn wrong_type_points_at_the_key() {
        let (_, diags) = split("---\ntitle: ok\nhidden: sometimes\n---\n");
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].position.line, 3);
        assert_eq!(diags[0].position.column, 1);
    }

    #[test]
    fn no_front_matter_and_unclosed() {
        let (split1, diags1) = split("# Title\n");
        assert_eq!(split1.body_offset, 0);
        assert!(diags1.is_empty());
        let (_, diags2) = split("---\ntitle: x\n# Title\n");
        assert_eq!(diags2.len(), 1);
    }

    #[test]
    fn cover_value_has_a_range() {
        let text = "---\ncover: .gitbook/assets/hero.png\n---\n";
        let (split, _) = split(text);
        let (cover, range) = split.front_matter.cover.unwrap();
        assert_eq!(&text[range], cover);
    }
}
