//! The preview's parse cache and the reader of included files.
//!
//! Owns deciding whether a page must be parsed again (its text or the text
//! of a file it includes changed) and reading `{% include %}` files through
//! `BookRoot`. It never decides what a page means: `parse` does.

use std::collections::HashMap;
use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::parse::{self, ParsedPage};
use crate::paths;
use crate::source::{BookRoot, ReadError, SourceFile};

/// Parsed pages kept between builds (the preview server keeps one): a page
/// whose text, and the text of every file it includes, is unchanged is not
/// parsed again.
#[derive(Default)]
pub struct ParseCache {
    pages: std::sync::Mutex<HashMap<String, CachedParse>>,
}

impl ParseCache {
    /// The pages whose last parse read the included file `path`.
    pub(super) fn pages_including(&self, path: &str) -> Vec<String> {
        let Ok(pages) = self.pages.lock() else {
            return Vec::new();
        };
        pages
            .iter()
            .filter(|(_, cached)| cached.parsed.included.iter().any(|(read, _)| read == path))
            .map(|(page, _)| page.clone())
            .collect()
    }
}

#[derive(Clone)]
struct CachedParse {
    text: u64,
    /// The parse, with the included files it read
    /// ([`ParsedPage::included`]).
    parsed: ParsedPage,
    diagnostics: Vec<Diagnostic>,
}

/// Parses the page at `path` (book-relative) whose text is `source`, or
/// reuses the cached parse when nothing it read changed.
pub(super) fn parse_with_cache(
    path: &str,
    source: &SourceFile,
    root: &BookRoot,
    cache: Option<&ParseCache>,
) -> (ParsedPage, Vec<Diagnostic>) {
    let includes = BookIncludes { root };
    let Some(cache) = cache else {
        return parse::parse_page(source, &includes);
    };
    let text = source.content_hash();
    let cached = cache
        .pages
        .lock()
        .ok()
        .and_then(|pages| pages.get(path).cloned());
    if let Some(cached) = cached {
        let includes_unchanged = cached.parsed.included.iter().all(|(path, hash)| {
            root.read_source(path)
                .is_ok_and(|source| source.content_hash() == *hash)
        });
        if cached.text == text && includes_unchanged && !cached.parsed.include_failed {
            return (cached.parsed, cached.diagnostics);
        }
    }
    let (parsed, diagnostics) = parse::parse_page(source, &includes);
    if let Ok(mut pages) = cache.pages.lock() {
        pages.insert(
            path.to_string(),
            CachedParse {
                text,
                parsed: parsed.clone(),
                diagnostics: diagnostics.clone(),
            },
        );
    }
    (parsed, diagnostics)
}

/// Reads `{% include %}` files for `parse`, relative to the including
/// file and never outside the book (`parse` notes what it read, in
/// [`ParsedPage::included`], which the parse cache checks).
struct BookIncludes<'a> {
    root: &'a BookRoot,
}

impl parse::IncludeSource for BookIncludes<'_> {
    fn read_include(
        &self,
        from: &str,
        argument: &str,
    ) -> Result<Arc<SourceFile>, parse::IncludeError> {
        use parse::IncludeError::{InFile, Unreadable};
        let joined = paths::join(paths::parent_dir(from), &paths::percent_decode(argument));
        if joined.clamped > 0 {
            return Err(Unreadable(format!("`{argument}` is outside the book root")));
        }
        if !self.root.is_file(&joined.path) {
            return Err(Unreadable(format!(
                "included file `{argument}` does not exist"
            )));
        }
        match self.root.read_source(&joined.path) {
            Ok(source) => Ok(Arc::new(source)),
            Err(ReadError::Encoding(diagnostic)) => Err(InFile(diagnostic)),
            Err(ReadError::Io(err)) => Err(Unreadable(err.to_string())),
        }
    }
}
