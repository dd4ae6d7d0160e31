//! Attributes of raw HTML written inside Markdown.
//!
//! GitBook pages carry links in raw HTML (`<figure><img src>`, `<a href>`,
//! `srcset`); they must be checked and rewritten like Markdown links, with the
//! exact byte range of each value so diagnostics point at it and rendering can
//! splice in the output URL without touching anything else. HTML libraries
//! build trees or streams without source offsets, so this is a small
//! tokenizer for start tags only: it skips comments, text and end tags.

use std::ops::Range;

/// One attribute of a start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute<'a> {
    /// The tag name, as written.
    pub tag: &'a str,
    /// The attribute name, as written.
    pub name: &'a str,
    /// The raw value (entities not decoded).
    pub value: &'a str,
    /// Where the value is in the scanned text.
    pub range: Range<usize>,
    /// Where its tag's `<` is, which tells the attributes of one tag apart.
    pub tag_start: usize,
}

/// Every attribute of every start tag in `html`, in order.
pub fn attributes(html: &str) -> Vec<Attribute<'_>> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(lt) = html[i..].find('<') {
        i += lt + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(html.len(), |end| i + end + 3);
            continue;
        }
        let name_len = html[i..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(html.len() - i);
        if name_len == 0 || !bytes[i].is_ascii_alphabetic() {
            continue;
        }
        let tag = &html[i..i + name_len];
        let tag_start = i - 1;
        i += name_len;
        i = scan_attributes(html, i, tag, tag_start, &mut out);
    }
    out
}

/// Reads `name="value"` pairs until `>`; returns the index after the tag.
fn scan_attributes<'a>(
    html: &'a str,
    mut i: usize,
    tag: &'a str,
    tag_start: usize,
    out: &mut Vec<Attribute<'a>>,
) -> usize {
    let bytes = html.as_bytes();
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return bytes.len();
        }
        if bytes[i] == b'>' {
            return i + 1;
        }
        let name_start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && !matches!(bytes[i], b'=' | b'>' | b'/')
        {
            i += 1;
        }
        let name = &html[name_start..i];
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] != b'=' {
            out.push(Attribute {
                tag,
                name,
                value: "",
                range: i..i,
                tag_start,
            });
            continue;
        }
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let range = match bytes.get(i) {
            Some(&quote @ (b'"' | b'\'')) => {
                let start = i + 1;
                let end = html[start..]
                    .find(quote as char)
                    .map_or(html.len(), |e| start + e);
                i = (end + 1).min(html.len());
                start..end
            }
            _ => {
                let start = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                    i += 1;
                }
                start..i
            }
        };
        out.push(Attribute {
            tag,
            name,
            value: &html[range.clone()],
            range,
            tag_start,
        });
    }
}

/// Decodes the character references HTML attribute values use.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest[1..]
            .find(';')
            .filter(|&end| end <= 32)
            .and_then(|end| {
                let entity = &rest[1..1 + end];
                decode_entity(entity).map(|c| (c, end + 2))
            });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_entity(entity: &str) -> Option<char> {
    if let Some(number) = entity.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match entity {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        _ => return None,
    })
}

/// The text of an HTML fragment: tags removed, entities decoded,
/// whitespace collapsed.
pub fn text_of(fragment: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in fragment.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    decode_entities(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The URLs in a `srcset` value with their ranges inside it.
pub fn srcset_urls(value: &str) -> Vec<Range<usize>> {
    let mut urls = Vec::new();
    let mut offset = 0;
    for candidate in value.split(',') {
        let trimmed = candidate.trim_start();
        let start = offset + candidate.len() - trimmed.len();
        let url_len = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        if url_len > 0 {
            urls.push(start..start + url_len);
        }
        offset += candidate.len() + 1;
    }
    urls
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_attribute_values_with_ranges() {
        let html = r#"<figure><img src="../a b.png" alt=""><figcaption><p>See <a href='https://x.org/'>x</a></p></figcaption></figure>"#;
        let attrs = attributes(html);
        let found: Vec<_> = attrs.iter().map(|a| (a.tag, a.name, a.value)).collect();
        assert_eq!(
            found,
            vec![
                ("img", "src", "../a b.png"),
                ("img", "alt", ""),
                ("a", "href", "https://x.org/")
            ]
        );
        assert_eq!(&html[attrs[0].range.clone()], "../a b.png");
    }

    #[test]
    fn skips_comments_end_tags_and_handles_bare_values() {
        let attrs = attributes("<!-- <a href=\"no\"> --></p><a href=x.md data-mention>t</a>");
        let found: Vec<_> = attrs.iter().map(|a| (a.name, a.value)).collect();
        assert_eq!(found, vec![("href", "x.md"), ("data-mention", "")]);
    }

    #[test]
    fn a_tag_left_open_at_the_end_is_read_to_the_end() {
        // Once panicked: the scanner returned an index past the end.
        for html in [
            "<div><a \n",
            "<a",
            "<a ",
            "<a href",
            "<a href=",
            "<a href=\"x",
            "<a/",
        ] {
            let attrs = attributes(html);
            assert!(attrs.iter().all(|a| html.get(a.range.clone()).is_some()));
        }
        let attrs = attributes("<a href=\"x");
        assert_eq!(attrs[0].value, "x");
    }

    #[test]
    fn decodes_entities() {
        assert_eq!(
            decode_entities("a&amp;b&#x20;c&#65;&bogus;"),
            "a&b cA&bogus;"
        );
    }

    #[test]
    fn text_of_fragments() {
        assert_eq!(
            text_of("<p>The <a href=\"x\">topology</a>\n &amp; more</p>"),
            "The topology & more"
        );
    }

    #[test]
    fn srcset_candidates() {
        let value = "a.png 1x, b c.png 2x,d.png";
        let urls: Vec<_> = srcset_urls(value).into_iter().map(|r| &value[r]).collect();
        assert_eq!(urls, vec!["a.png", "b", "d.png"]);
    }
}
