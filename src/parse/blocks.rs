//! GitBook block tags (`{% hint %}` … `{% endhint %}`), split out of a page
//! before Markdown parsing.
//!
//! CommonMark does not know `{% … %}`: a tag line next to text is merged into
//! the paragraph. So the body is scanned line by line (fenced code is never a
//! tag, escaped `\{% … %\}` lines stay text), tag lines are recognised
//! (format notes §6), and a tree is built whose leaves are ranges of Markdown
//! to parse on their own. `embed`, `file` and the OpenAPI tags are
//! containers only when their end tag comes before the next tag line.
//! Unknown and unclosed tags become literal text plus a warning.

use std::ops::Range;

/// A node of a page body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// Markdown to parse, as a byte range of the body.
    Markdown(Range<usize>),
    /// A block tag and what it contains.
    Tag(TagNode),
}

/// A recognised tag with its children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagNode {
    /// The tag line itself.
    pub tag: TagLine,
    /// Nested nodes (empty for stand-alone tags).
    pub children: Vec<Node>,
}

/// One `{% name attr="value" %}` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagLine {
    /// `hint`, `endhint`'s name without `end`, …
    pub name: String,
    /// Whether it is an `end…` tag.
    pub end: bool,
    /// `key="value"` pairs with the value's range in the body.
    pub attrs: Vec<(String, String, Range<usize>)>,
    /// A quoted argument without a key (`include "path"`), or the raw
    /// expression of `if`.
    pub argument: Option<(String, Range<usize>)>,
    /// The whole line, without its line ending.
    pub range: Range<usize>,
}

impl TagLine {
    /// The value of an attribute.
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, v, _)| v.as_str())
    }

    /// The value and range of an attribute.
    pub fn attr_with_range(&self, key: &str) -> Option<(&str, Range<usize>)> {
        self.attrs
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, v, r)| (v.as_str(), r.clone()))
    }
}

/// A problem found while splitting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagProblem {
    /// Range of the offending tag line.
    pub range: Range<usize>,
    /// What is wrong.
    pub message: String,
    /// What kind of problem it is.
    pub kind: ProblemKind,
}

/// Every block tag folio knows, so each `match` over them is checked by
/// the compiler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockKind {
    /// `hint`: a callout with a style.
    Hint,
    /// `tabs`: a set of tabs.
    Tabs,
    /// `tab`: one tab.
    Tab,
    /// `code`: a titled code block.
    Code,
    /// `content-ref`: a page card.
    ContentRef,
    /// `swagger`: an operation of a spec.
    Swagger,
    /// `swagger-description`: a hand-written operation's description.
    SwaggerDescription,
    /// `swagger-parameter`: a hand-written parameter.
    SwaggerParameter,
    /// `swagger-response`: a hand-written response.
    SwaggerResponse,
    /// `openapi`: an operation of a spec.
    Openapi,
    /// `stepper`: numbered steps.
    Stepper,
    /// `step`: one step.
    Step,
    /// `columns`: side-by-side columns.
    Columns,
    /// `column`: one column.
    Column,
    /// `updates`: a changelog.
    Updates,
    /// `update`: one dated entry.
    Update,
    /// `if`: content for some visitors.
    If,
    /// `prompt`: an AI prompt card.
    Prompt,
    /// `expandable`: a collapsed section.
    Expandable,
    /// `embed`: an embedded page or player.
    Embed,
    /// `file`: a download card.
    File,
    /// `openapi-operation`: an operation of a named spec.
    OpenapiOperation,
    /// `openapi-schemas`: named schemas of a spec.
    OpenapiSchemas,
    /// `include`: reusable content spliced in.
    Include,
    /// `page-ref`: a legacy page card.
    PageRef,
}
/// The kinds of [`TagProblem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// An unknown tag, one never closed, or an end tag closing nothing.
    Unknown,
    /// A container opened deeper than [`MAX_BLOCK_DEPTH`].
    TooDeep,
}

/// Blocks nest at most this deep (GitBook's own editor nests a handful), so
/// the tree and every walk over it stay shallow whatever the input.
pub const MAX_BLOCK_DEPTH: usize = 32;

/// Whether a tag encloses content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Nesting {
    /// Always has an end tag.
    Container,
    /// A container only when its end tag follows before any other tag line.
    Ambiguous,
    /// Never encloses content.
    Standalone,
}

impl BlockKind {
    const ALL: [BlockKind; 25] = [
        BlockKind::Hint,
        BlockKind::Tabs,
        BlockKind::Tab,
        BlockKind::Code,
        BlockKind::ContentRef,
        BlockKind::Swagger,
        BlockKind::SwaggerDescription,
        BlockKind::SwaggerParameter,
        BlockKind::SwaggerResponse,
        BlockKind::Openapi,
        BlockKind::Stepper,
        BlockKind::Step,
        BlockKind::Columns,
        BlockKind::Column,
        BlockKind::Updates,
        BlockKind::Update,
        BlockKind::If,
        BlockKind::Prompt,
        BlockKind::Expandable,
        BlockKind::Embed,
        BlockKind::File,
        BlockKind::OpenapiOperation,
        BlockKind::OpenapiSchemas,
        BlockKind::Include,
        BlockKind::PageRef,
    ];

    /// The tag name as written (`content-ref`).
    pub fn name(self) -> &'static str {
        match self {
            BlockKind::Hint => "hint",
            BlockKind::Tabs => "tabs",
            BlockKind::Tab => "tab",
            BlockKind::Code => "code",
            BlockKind::ContentRef => "content-ref",
            BlockKind::Swagger => "swagger",
            BlockKind::SwaggerDescription => "swagger-description",
            BlockKind::SwaggerParameter => "swagger-parameter",
            BlockKind::SwaggerResponse => "swagger-response",
            BlockKind::Openapi => "openapi",
            BlockKind::Stepper => "stepper",
            BlockKind::Step => "step",
            BlockKind::Columns => "columns",
            BlockKind::Column => "column",
            BlockKind::Updates => "updates",
            BlockKind::Update => "update",
            BlockKind::If => "if",
            BlockKind::Prompt => "prompt",
            BlockKind::Expandable => "expandable",
            BlockKind::Embed => "embed",
            BlockKind::File => "file",
            BlockKind::OpenapiOperation => "openapi-operation",
            BlockKind::OpenapiSchemas => "openapi-schemas",
            BlockKind::Include => "include",
            BlockKind::PageRef => "page-ref",
        }
    }

    /// The kind a tag name stands for, if folio knows it.
    pub fn from_name(name: &str) -> Option<BlockKind> {
        BlockKind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    fn nesting(self) -> Nesting {
        match self {
            BlockKind::Embed
            | BlockKind::File
            | BlockKind::OpenapiOperation
            | BlockKind::OpenapiSchemas => Nesting::Ambiguous,
            BlockKind::Include | BlockKind::PageRef => Nesting::Standalone,
            BlockKind::Hint
            | BlockKind::Tabs
            | BlockKind::Tab
            | BlockKind::Code
            | BlockKind::ContentRef
            | BlockKind::Swagger
            | BlockKind::SwaggerDescription
            | BlockKind::SwaggerParameter
            | BlockKind::SwaggerResponse
            | BlockKind::Openapi
            | BlockKind::Stepper
            | BlockKind::Step
            | BlockKind::Columns
            | BlockKind::Column
            | BlockKind::Updates
            | BlockKind::Update
            | BlockKind::If
            | BlockKind::Prompt
            | BlockKind::Expandable => Nesting::Container,
        }
    }
}

/// Splits a body into nodes.
pub fn split_blocks(body: &str) -> (Vec<Node>, Vec<TagProblem>) {
    let lines = scan_lines(body);
    let mut problems = Vec::new();
    let mut builder = TreeBuilder::default();
    let mut index = 0;
    while index < lines.len() {
        match &lines[index] {
            Line::Text(range) => builder.text(range.clone()),
            Line::Tag(tag) if tag.end => {
                builder.close(tag, line_with_ending(body, &tag.range), &mut problems)
            }
            Line::Tag(tag) => {
                let Some(kind) = BlockKind::from_name(&tag.name) else {
                    problems.push(TagProblem {
                        range: tag.range.clone(),
                        message: format!(
                            "unknown block `{{% {} %}}`; it is shown as text",
                            tag.name
                        ),
                        kind: ProblemKind::Unknown,
                    });
                    builder.text(line_with_ending(body, &tag.range));
                    index += 1;
                    continue;
                };
                let container = match kind.nesting() {
                    Nesting::Container => true,
                    Nesting::Ambiguous => end_follows(&lines[index + 1..], &tag.name),
                    Nesting::Standalone => false,
                };
                if container {
                    builder.open(
                        tag.clone(),
                        line_with_ending(body, &tag.range),
                        &mut problems,
                    );
                } else {
                    builder.leaf(tag.clone());
                }
            }
        }
        index += 1;
    }
    (builder.finish(&mut problems), problems)
}

/// The text of a tag as written: through its line ending when nothing
/// follows it on the line, else the tag alone (what follows is a text line
/// of its own).
fn line_with_ending(body: &str, range: &Range<usize>) -> Range<usize> {
    let end = body[range.end..]
        .find('\n')
        .map_or(body.len(), |i| range.end + i + 1);
    if body[range.end..end].trim().is_empty() {
        range.start..end
    } else {
        range.clone()
    }
}

/// Whether `{% end<name> %}` comes before any other tag line.
fn end_follows(rest: &[Line], name: &str) -> bool {
    for line in rest {
        if let Line::Tag(tag) = line {
            return tag.end && tag.name == name;
        }
    }
    false
}

enum Line {
    Text(Range<usize>),
    Tag(TagLine),
}

/// Classifies each line, tracking fenced code so its lines stay text.
fn scan_lines(body: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut fence: Option<(char, usize)> = None;
    let mut offset = 0;
    for raw in body.split_inclusive('\n') {
        let range = offset..offset + raw.len();
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        if let Some((marker, width)) = fence {
            let run = trimmed.chars().take_while(|&c| c == marker).count();
            if run >= width && trimmed[run * marker.len_utf8()..].trim().is_empty() {
                fence = None;
            }
            lines.push(Line::Text(range));
            continue;
        }
        if let Some(open) = fence_opening(trimmed) {
            fence = Some(open);
            lines.push(Line::Text(range));
            continue;
        }
        let indent = line.len() - trimmed.len();
        match parse_tag(trimmed, range.start + indent) {
            Some(tag) => {
                let after = tag.range.end..range.end;
                let trailing = body[after.clone()].trim();
                lines.push(Line::Tag(tag));
                // Text or a comment after the tag on its line is Markdown
                // of its own, after the tag.
                if !trailing.is_empty() {
                    lines.push(Line::Text(after));
                }
            }
            None => lines.push(Line::Text(range)),
        }
    }
    lines
}

fn fence_opening(line: &str) -> Option<(char, usize)> {
    let marker = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let width = line.chars().take_while(|&c| c == marker).count();
    (width >= 3).then_some((marker, width))
}

/// Parses a tag at the start of a line, `{% [end]name attrs %}`, up to its
/// first `%}` outside a quoted value (anything after it on the line is not
/// part of the tag); escaped forms are not tags.
fn parse_tag(line: &str, start: usize) -> Option<TagLine> {
    if line.contains("%\\}") {
        return None;
    }
    let whole = line.trim_end();
    let tag_len = tag_end(line).or_else(|| whole.ends_with("%}").then_some(whole.len()))?;
    let inner = line[..tag_len].strip_prefix("{%")?.strip_suffix("%}")?;
    if inner.trim_end().ends_with('\\') {
        return None;
    }
    let lead = inner.len() - inner.trim_start().len();
    let body = inner.trim_start();
    let name_len = body
        .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
        .unwrap_or(body.len());
    let word = &body[..name_len];
    if word.is_empty() || !word.starts_with(|c: char| c.is_ascii_lowercase()) {
        return None;
    }
    let rest_start = start + 2 + lead + name_len;
    let rest = &body[name_len..];
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let (end, name) = match word.strip_prefix("end") {
        Some(name) if !name.is_empty() => (true, name.to_string()),
        _ => (false, word.to_string()),
    };
    let (attrs, argument) = parse_attrs(&name, rest, rest_start);
    Some(TagLine {
        name,
        end,
        attrs,
        argument,
        range: start..start + tag_len,
    })
}

/// The length of the tag that opens `line`: up to and including the first
/// `%}` that is not inside a `"…"` value.
fn tag_end(line: &str) -> Option<usize> {
    let rest = line.strip_prefix("{%")?;
    let mut quoted = false;
    let mut previous = None;
    for (i, c) in rest.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '}' if !quoted && previous == Some('%') => return Some(2 + i + 1),
            _ => {}
        }
        previous = Some(c);
    }
    None
}

type Attrs = Vec<(String, String, Range<usize>)>;

/// `key="value"` pairs, backslash escapes removed; a quoted value without a key is the
/// argument. For `if`, the whole text is the argument.
fn parse_attrs(name: &str, text: &str, start: usize) -> (Attrs, Option<(String, Range<usize>)>) {
    let mut attrs = Vec::new();
    let mut argument = None;
    if name == "if" {
        let trimmed = text.trim();
        if !trimmed.is_empty() {
            let at = start + text.find(trimmed).unwrap_or(0);
            argument = Some((trimmed.to_string(), at..at + trimmed.len()));
        }
        return (attrs, argument);
    }
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let key_start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && bytes[i] != b'='
            && bytes[i] != b'"'
        {
            i += 1;
        }
        let key = &text[key_start..i];
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'"' {
            let value_start = i + 1;
            let value_end = text[value_start..]
                .find('"')
                .map_or(text.len(), |e| value_start + e);
            let value = unescape(&text[value_start..value_end]);
            let range = start + value_start..start + value_end;
            if key.is_empty() {
                argument.get_or_insert((value, range));
            } else {
                attrs.push((key.to_string(), value, range));
            }
            i = value_end + 1;
        } else if !key.is_empty() {
            attrs.push((key.to_string(), String::new(), start + key_start..start + i));
        } else {
            // Step over one whole character: a byte step could land inside
            // a multibyte one.
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    (attrs, argument)
}

/// Removes Markdown backslash escapes (`\(1\)` → `(1)`), which GitBook
/// writes into tag attributes and removes when it reads them.
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match chars.peek() {
            Some(&next) if c == '\\' && next.is_ascii_punctuation() => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// Builds the tree with a stack of open containers.
#[derive(Default)]
struct TreeBuilder {
    root: Vec<Node>,
    /// Open containers with the range of their opening line (kept so an
    /// unclosed tag can become text again).
    stack: Vec<(TagNode, Range<usize>)>,
    /// Containers opened beyond [`MAX_BLOCK_DEPTH`] and kept as text, whose
    /// end tags are text too.
    too_deep: usize,
}

impl TreeBuilder {
    fn current(&mut self) -> &mut Vec<Node> {
        match self.stack.last_mut() {
            Some((node, _)) => &mut node.children,
            None => &mut self.root,
        }
    }

    /// Appends text, merging with the previous Markdown range when adjacent.
    fn text(&mut self, range: Range<usize>) {
        let nodes = self.current();
        if let Some(Node::Markdown(previous)) = nodes.last_mut() {
            if previous.end == range.start {
                previous.end = range.end;
                return;
            }
        }
        nodes.push(Node::Markdown(range));
    }

    fn leaf(&mut self, tag: TagLine) {
        self.current().push(Node::Tag(TagNode {
            tag,
            children: Vec::new(),
        }));
    }

    fn open(&mut self, tag: TagLine, line: Range<usize>, problems: &mut Vec<TagProblem>) {
        if self.stack.len() >= MAX_BLOCK_DEPTH {
            if self.too_deep == 0 {
                problems.push(TagProblem {
                    range: tag.range.clone(),
                    message: format!(
                        "`{{% {} %}}` nests blocks more than {MAX_BLOCK_DEPTH} deep; it and the blocks inside it are shown as text",
                        tag.name
                    ),
                    kind: ProblemKind::TooDeep,
                });
            }
            self.too_deep += 1;
            self.text(line);
            return;
        }
        self.stack.push((
            TagNode {
                tag,
                children: Vec::new(),
            },
            line,
        ));
    }

    fn close(&mut self, end: &TagLine, line: Range<usize>, problems: &mut Vec<TagProblem>) {
        if self.too_deep > 0 {
            self.too_deep -= 1;
            self.text(line);
            return;
        }
        let Some(depth) = self
            .stack
            .iter()
            .rposition(|(node, _)| node.tag.name == end.name)
        else {
            problems.push(TagProblem {
                range: end.range.clone(),
                message: format!(
                    "`{{% end{} %}}` closes no open block; it is shown as text",
                    end.name
                ),
                kind: ProblemKind::Unknown,
            });
            let range = end.range.start..end.range.end;
            self.text(range);
            return;
        };
        while self.stack.len() > depth + 1 {
            self.unwind_unclosed(problems);
        }
        let (node, _) = self.stack.pop().expect("depth is in the stack");
        self.current().push(Node::Tag(node));
    }

    /// An open tag with no end: its line becomes text, its children move up.
    fn unwind_unclosed(&mut self, problems: &mut Vec<TagProblem>) {
        let (node, line) = self.stack.pop().expect("caller checked");
        problems.push(TagProblem {
            range: node.tag.range.clone(),
            message: format!(
                "`{{% {} %}}` is never closed with `{{% end{} %}}`; it is shown as text",
                node.tag.name, node.tag.name
            ),
            kind: ProblemKind::Unknown,
        });
        self.text(line);
        for child in node.children {
            match child {
                Node::Markdown(range) => self.text(range),
                tag => self.current().push(tag),
            }
        }
    }

    fn finish(mut self, problems: &mut Vec<TagProblem>) -> Vec<Node> {
        while !self.stack.is_empty() {
            self.unwind_unclosed(problems);
        }
        self.root
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A compact picture of the tree: tags by name, Markdown as its text.
    fn shape(body: &str, nodes: &[Node]) -> String {
        nodes
            .iter()
            .map(|node| match node {
                Node::Markdown(range) => format!("{:?}", body[range.clone()].trim()),
                Node::Tag(tag) if tag.children.is_empty() => tag.tag.name.clone(),
                Node::Tag(tag) => format!("{}[{}]", tag.tag.name, shape(body, &tag.children)),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn split(body: &str) -> (String, Vec<TagProblem>) {
        let (nodes, problems) = split_blocks(body);
        (shape(body, &nodes), problems)
    }

    #[test]
    fn every_kind_has_its_own_name() {
        for kind in BlockKind::ALL {
            assert_eq!(BlockKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(BlockKind::from_name("callout"), None);
    }

    #[test]
    fn hint_next_to_text_is_a_container() {
        let (shape, problems) =
            split("Intro\n{% hint style=\"warning\" %}\nBack up first.\n{% endhint %}\nAfter\n");
        assert_eq!(shape, r#""Intro" hint["Back up first."] "After""#);
        assert!(problems.is_empty());
    }

    #[test]
    fn tabs_nest_and_attributes_are_read() {
        let body = "{% tabs %}\n{% tab title=\"curl\" %}\nA\n{% endtab %}\n{% tab title=\"Py\" %}\nB\n{% endtab %}\n{% endtabs %}\n";
        let (nodes, _) = split_blocks(body);
        assert_eq!(shape(body, &nodes), r#"tabs[tab["A"] tab["B"]]"#);
        let Node::Tag(tabs) = &nodes[0] else { panic!() };
        let Node::Tag(tab) = &tabs.children[1] else {
            panic!()
        };
        assert_eq!(tab.tag.attr("title"), Some("Py"));
        let (_, range) = tab.tag.attr_with_range("title").unwrap();
        assert_eq!(&body[range], "Py");
    }

    #[test]
    fn embed_and_file_are_containers_only_with_their_end_tag_next() {
        let (shape, _) = split(
            "{% embed url=\"https://v.example/1\" %}\n{% embed url=\"https://v.example/2\" %}\nDemo\n{% endembed %}\n{% file src=\"a.pdf\" %}\n",
        );
        assert_eq!(shape, r#"embed embed["Demo"] file"#);
    }

    #[test]
    fn fenced_code_and_escaped_tags_stay_text() {
        let body = "```\n{% hint %}\n```\n{% hint style=\"info\" %\\}\n\\{% endhint %\\}\n";
        let (shape, problems) = split(body);
        assert_eq!(shape, format!("{:?}", body.trim()));
        assert!(problems.is_empty());
    }

    #[test]
    fn unknown_and_unclosed_tags_are_text_with_problems() {
        let body = "{% callout %}\nText\n{% hint style=\"info\" %}\nInside\n";
        let (shape, problems) = split(body);
        assert_eq!(shape, format!("{:?}", body.trim()));
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].range.start, 0);
        assert_eq!(problems[1].range.start, body.find("{% hint").unwrap());
    }

    #[test]
    fn include_argument_and_if_expression() {
        let body = "{% include \"../.gitbook/includes/note.md\" %}\n{% if visitor.claims.plan == \"pro\" %}\nPro\n{% endif %}\n";
        let (nodes, _) = split_blocks(body);
        let Node::Tag(include) = &nodes[0] else {
            panic!()
        };
        let (path, range) = include.tag.argument.clone().unwrap();
        assert_eq!(path, "../.gitbook/includes/note.md");
        assert_eq!(&body[range], path);
        let Node::Tag(condition) = &nodes[1] else {
            panic!()
        };
        assert_eq!(
            condition.tag.argument.as_ref().unwrap().0,
            "visitor.claims.plan == \"pro\""
        );
    }

    #[test]
    fn indented_tags_in_list_items_are_tags() {
        let (shape, _) =
            split("1. Step\n\n   {% hint style=\"info\" %}\n   Note\n   {% endhint %}\n");
        assert_eq!(shape, r#""1. Step" hint["Note"]"#);
    }

    #[test]
    fn text_or_a_comment_after_a_tag_is_not_part_of_it() {
        let body = "{% file src=\"x.pdf\" %} <!-- note -->\n{% hint style=\"info\" %} Careful\nMore\n{% endhint %}   \n{% callout %} odd\n";
        let (nodes, problems) = split_blocks(body);
        assert_eq!(
            shape(body, &nodes),
            r#"file "<!-- note -->" hint["Careful\nMore"] "{% callout %} odd""#
        );
        let Node::Tag(file) = &nodes[0] else { panic!() };
        assert_eq!(file.tag.attr("src"), Some("x.pdf"));
        assert_eq!(&body[file.tag.range.clone()], "{% file src=\"x.pdf\" %}");
        // Only the unknown tag is a problem; no stray `endhint`.
        assert_eq!(problems.len(), 1, "{problems:?}");
    }

    #[test]
    fn a_tag_ends_at_its_first_unquoted_close() {
        let (nodes, _) = split_blocks("{% embed url=\"https://x.example/?a=%}\" %} trailing\n");
        let Node::Tag(embed) = &nodes[0] else {
            panic!()
        };
        assert_eq!(embed.tag.attr("url"), Some("https://x.example/?a=%}"));
    }

    #[test]
    fn values_may_contain_percent() {
        let (nodes, _) = split_blocks(
            "{% columns %}\n{% column width=\"50%\" %}\nA\n{% endcolumn %}\n{% endcolumns %}\n",
        );
        let Node::Tag(columns) = &nodes[0] else {
            panic!()
        };
        let Node::Tag(column) = &columns.children[0] else {
            panic!()
        };
        assert_eq!(column.tag.attr("width"), Some("50%"));
    }

    #[test]
    fn a_key_less_value_before_a_multibyte_character_is_skipped_whole() {
        // Once panicked: a byte step landed inside `é`.
        let (nodes, _) = split_blocks("{% hint =é %}\nx\n{% endhint %}\n");
        let Node::Tag(hint) = &nodes[0] else { panic!() };
        assert_eq!(hint.tag.name, "hint");
        assert!(hint.tag.attrs.is_empty());
        for text in [
            "{% hint ==é=ü %}",
            "{% tab =\u{1F600} %}",
            "{% hint \"=é %}",
        ] {
            split_blocks(text);
        }
    }
}
