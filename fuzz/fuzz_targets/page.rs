//! One page parsed with includes: the input is the page and three files it
//! may include (`a.md`, `b.md`, `inc/c.md`), cut at `SEPARATOR`. Never
//! panics, and every link span lies in the file it was written in.
#![no_main]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use folio::parse::{parse_page, IncludeError, IncludeSource};
use folio::source::SourceFile;
use folio_fuzz::split_files;
use libfuzzer_sys::fuzz_target;

struct Files(HashMap<&'static str, Arc<SourceFile>>);

impl IncludeSource for Files {
    fn read_include(&self, _from: &str, argument: &str) -> Result<Arc<SourceFile>, IncludeError> {
        let name = argument.trim_start_matches("./").trim_start_matches("../");
        self.0
            .get(name)
            .cloned()
            .ok_or_else(|| IncludeError::Unreadable(format!("no `{argument}`")))
    }
}

fuzz_target!(|data: &[u8]| {
    let parts = split_files(data, 4);
    let names = ["a.md", "b.md", "inc/c.md"];
    let files = Files(
        names
            .iter()
            .zip(&parts[1..])
            .map(|(name, text)| {
                (
                    *name,
                    Arc::new(SourceFile::new(PathBuf::from(name), text.clone())),
                )
            })
            .collect(),
    );
    let page = SourceFile::new(PathBuf::from("page.md"), parts[0].clone());
    let (parsed, _diagnostics) = parse_page(&page, &files);
    for link in &parsed.links {
        let file = link.origin.as_deref().unwrap_or(&page);
        assert!(file.text.get(link.span.clone()).is_some(), "{link:?}");
    }
});
