//! The raw-HTML attribute scanner and its helpers: never panic, and every
//! value range lies in the text, on character boundaries.
#![no_main]

use folio::parse::html::{attributes, decode_entities, srcset_urls, text_of};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    for attribute in attributes(&html) {
        assert_eq!(html.get(attribute.range.clone()), Some(attribute.value));
        assert!(html.get(attribute.tag_start..).is_some());
        decode_entities(attribute.value);
        for url in srcset_urls(attribute.value) {
            assert!(attribute.value.get(url).is_some());
        }
    }
    text_of(&html);
});
