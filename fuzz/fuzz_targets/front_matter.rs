//! Front matter: the input is the YAML between the fences of a page.
#![no_main]

use std::path::PathBuf;

use folio::parse::{parse_page, NoIncludes};
use folio::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let yaml = String::from_utf8_lossy(data);
    let text = format!("---\n{yaml}\n---\n\n# Title\n\nBody.\n");
    let source = SourceFile::new(PathBuf::from("page.md"), text);
    let (_page, diagnostics) = parse_page(&source, &NoIncludes);
    for diagnostic in diagnostics {
        assert!(diagnostic.position.line >= 1);
    }
});
