//! SUMMARY.md parser: never panics, and every target span lies in the file.
#![no_main]

use std::path::PathBuf;

use folio::source::SourceFile;
use folio::summary::parse_summary;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let source = SourceFile::new(PathBuf::from("SUMMARY.md"), text);
    let (_summary, diagnostics) = parse_summary(&source);
    for diagnostic in diagnostics {
        assert!(diagnostic.position.line >= 1);
    }
});
