//! Mojibake detection and repair: never panic, and every damaged run is a
//! range of the text on character boundaries.
#![no_main]

use folio::mojibake::{find_mojibake, repair};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for run in find_mojibake(&text) {
        assert!(text.get(run.range.clone()).is_some());
    }
    let repaired = repair(&text);
    find_mojibake(&repaired);
});
