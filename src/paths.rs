//! Path and URL arithmetic shared by every stage: pure functions on strings.
//!
//! Owns the steps of the format notes' resolution rule that do not need the
//! site (§9: scheme detection, splitting off `#fragment` and `?query`,
//! percent-decoding, joining a relative path onto a folder with `..` clamped
//! at the book root) and the reverse direction used when writing HTML
//! (relative URLs between pages, percent-encoding of file names).
//!
//! It never touches the disk and knows nothing of pages.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, CONTROLS};

/// Whether a destination has a URI scheme (`https:`, `mailto:`, …) and so
/// leaves the book.
pub fn has_scheme(dest: &str) -> bool {
    let mut chars = dest.char_indices();
    match chars.next() {
        Some((_, c)) if c.is_ascii_alphabetic() => {}
        _ => return false,
    }
    for (_, c) in chars {
        match c {
            ':' => return true,
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-') => {}
            _ => return false,
        }
    }
    false
}

/// A link target as a path and a fragment, both percent-decoded; the query
/// is dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathAndFragment {
    /// The path part (may be empty for `#fragment`).
    pub path: String,
    /// The fragment without `#`, if any.
    pub fragment: Option<String>,
}

/// Splits at the first `#`, drops a `?query`, and percent-decodes.
pub fn path_and_fragment(dest: &str) -> PathAndFragment {
    let (path, fragment) = match dest.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (dest, None),
    };
    let path = path.split_once('?').map_or(path, |(path, _)| path);
    PathAndFragment {
        path: percent_decode(path),
        fragment: fragment.map(percent_decode),
    }
}

/// Percent-decodes as UTF-8, keeping invalid sequences as they are.
pub fn percent_decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// The folder part of a `/`-separated book-relative file path.
pub fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Joins two `/`-separated relative paths, treating `""` as the root. Plain
/// concatenation: `.` and `..` are kept as written (see [`join`]).
pub fn join_rel(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// A path joined onto a folder, with `.` and `..` applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Joined {
    /// The normalised book-relative path (`""` is the root).
    pub path: String,
    /// How many `..` steps tried to climb above the root.
    pub clamped: usize,
    /// Whether the written path ended in `/` (a folder link).
    pub trailing_slash: bool,
}

/// Joins `rel` onto the book-relative folder `base`. A leading `/` starts
/// from the root. `..` steps stop at the root, as URL resolution does, and
/// are counted so the caller can warn.
pub fn join(base: &str, rel: &str) -> Joined {
    let mut parts: Vec<&str> = Vec::new();
    let (start, rel) = match rel.strip_prefix('/') {
        Some(rest) => ("", rest),
        None => (base, rel),
    };
    let mut clamped = 0;
    for part in start.split('/').chain(rel.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    clamped += 1;
                }
            }
            part => parts.push(part),
        }
    }
    Joined {
        path: parts.join("/"),
        clamped,
        trailing_slash: rel.ends_with('/') || rel.ends_with("/.") || rel == "." || rel == "..",
    }
}

/// Like [`join`], but `root` (a book-relative folder) is the top: `..` and
/// a leading `/` stop there. GitBook spaces bound their links this way.
pub fn join_within(root: &str, base: &str, rel: &str) -> Joined {
    if root.is_empty() {
        return join(base, rel);
    }
    let inner_base = base
        .strip_prefix(root)
        .map(|rest| rest.trim_start_matches('/'))
        .unwrap_or(base);
    let mut joined = join(inner_base, rel);
    joined.path = if joined.path.is_empty() {
        root.to_string()
    } else {
        format!("{root}/{}", joined.path)
    };
    joined
}

/// Characters escaped in URL paths written to HTML: controls, space, and
/// those with meaning in URLs or HTML attributes. Non-ASCII is always
/// escaped (as UTF-8), so file names like `Screenshot 9.51.14 AM.png` with a
/// narrow no-break space survive every server.
const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\'')
    .add(b'\\')
    .add(b'^')
    .add(b'|')
    .add(b'[')
    .add(b']');

/// Percent-encodes each segment of a `/`-separated path.
pub fn encode_path(path: &str) -> String {
    path.split('/')
        .map(|segment| utf8_percent_encode(segment, PATH_SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// Percent-encodes a fragment for an `href`.
pub fn encode_fragment(fragment: &str) -> String {
    utf8_percent_encode(fragment, PATH_SEGMENT).to_string()
}

/// The relative URL that leads from the page served at `from` to the site
/// path `to`. Both are site-relative, without a leading `/`; a page URL ends
/// in `/` (or is `""` for the root), a file URL does not.
pub fn relative_url(from: &str, to: &str) -> String {
    let from_dir: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let from_dir = if from.ends_with('/') || from.is_empty() {
        &from_dir[..]
    } else {
        &from_dir[..from_dir.len().saturating_sub(1)]
    };
    let to_parts: Vec<&str> = to.split('/').filter(|s| !s.is_empty()).collect();
    let common = from_dir
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut url = "../".repeat(from_dir.len() - common);
    url.push_str(&to_parts[common..].join("/"));
    if to.ends_with('/') && common < to_parts.len() {
        url.push('/');
    }
    if url.is_empty() {
        url.push_str("./");
    }
    url
}

/// [`relative_url`] percent-encoded for an `href`: both URLs are raw site
/// paths (the forms compared segment by segment), and only the result is
/// encoded.
pub fn href(from: &str, to: &str) -> String {
    encode_path(&relative_url(from, to))
}

/// The prefix that leads from a page URL to the site root (`""`, `"../"`…).
pub fn root_prefix(from: &str) -> String {
    let depth = from.split('/').filter(|s| !s.is_empty()).count();
    let depth = if from.ends_with('/') || from.is_empty() {
        depth
    } else {
        depth.saturating_sub(1)
    };
    "../".repeat(depth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        assert!(has_scheme("https://example.org"));
        assert!(has_scheme("mailto:a@b.c"));
        assert!(!has_scheme("page.md"));
        assert!(!has_scheme("./a:b"));
        assert!(!has_scheme("#x"));
    }

    #[test]
    fn split_decodes_path_and_fragment() {
        let split = path_and_fragment("my%20file.md?x=1#%C3%BCberblick");
        assert_eq!(split.path, "my file.md");
        assert_eq!(split.fragment.as_deref(), Some("überblick"));
        assert_eq!(path_and_fragment("#a").path, "");
    }

    #[test]
    fn join_clamps_at_the_root() {
        let joined = join("guides/setup", "../../../.gitbook/assets/logo.png");
        assert_eq!(joined.path, ".gitbook/assets/logo.png");
        assert_eq!(joined.clamped, 1);
        assert_eq!(
            join("content", "../references/home.md").path,
            "references/home.md"
        );
        assert_eq!(join("content", "../references/home.md").clamped, 0);
        assert_eq!(join("a", "/b/c.md").path, "b/c.md");
        assert!(join("a", "sub/").trailing_slash);
        assert!(join("a", "..").trailing_slash);
    }

    #[test]
    fn join_within_stops_at_the_space_root() {
        let joined = join_within("docs", "docs/guide", "../../tools/spec.json");
        assert_eq!(joined.path, "docs/tools/spec.json");
        assert_eq!(joined.clamped, 1);
        assert_eq!(join_within("docs", "docs", "/a.md").path, "docs/a.md");
        assert_eq!(join_within("", "a", "../b.md").path, "b.md");
    }

    #[test]
    fn encode_keeps_slashes_and_escapes_names() {
        assert_eq!(
            encode_path(".gitbook/assets/Shot 9.51\u{202f}AM (1).png"),
            ".gitbook/assets/Shot%209.51%E2%80%AFAM%20(1).png"
        );
    }

    #[test]
    fn relative_urls_between_pages_and_files() {
        assert_eq!(relative_url("", "a/"), "a/");
        assert_eq!(relative_url("a/", ""), "../");
        assert_eq!(relative_url("a/b/", "a/c/"), "../c/");
        assert_eq!(relative_url("a/", "a/"), "./");
        assert_eq!(relative_url("a/", "a/img.png"), "img.png");
        assert_eq!(
            relative_url("dpg/", "references/home/"),
            "../references/home/"
        );
        assert_eq!(root_prefix("a/b/"), "../../");
        assert_eq!(href("über/", "a b/c./"), "../a%20b/c./");
        assert_eq!(root_prefix(""), "");
        assert_eq!(root_prefix("404.html"), "");
    }
}
