//! Mermaid diagrams with no configuration.
//!
//! folio embeds the Mermaid script (`vendor/mermaid/`, the npm package's
//! `mermaid.min.js`, gzipped: 1.6 MB in the binary, 5.5 MB unpacked) and
//! publishes it under `_folio/` only when some page has a `mermaid` fence;
//! only those pages load it, so other pages cost nothing and the site works
//! offline and under any base path. A book that sets `[output.html] mermaid`
//! loads its own copy instead and the bundled one is not published.
//!
//! Owns: which pages have diagrams and the bundled script file. Must never:
//! fetch anything, or publish the script for a book without diagrams.

use std::io::Read;
use std::sync::OnceLock;

use super::{OutputFile, STATIC_DIR};
use crate::parse::ParsedPage;

/// The bundled Mermaid version (the npm package's).
const VERSION: &str = "12.3.0";

/// `mermaid.min.js`, gzipped.
const BUNDLED: &[u8] = include_bytes!("../../vendor/mermaid/mermaid.min.js.gz");

/// Site path of the bundled script (versioned, so it can be cached for good).
pub(super) fn bundled_path() -> String {
    format!("{STATIC_DIR}/mermaid-{VERSION}.min.js")
}

/// Whether a page has a `mermaid` fence.
pub(super) fn has_diagram(page: &ParsedPage) -> bool {
    page.contents.mermaid
}

/// The bundled script, when a page needs it and the book brings no copy.
pub(super) fn bundled_file(parsed: &[ParsedPage], own_copy: bool) -> Option<OutputFile> {
    if own_copy || !parsed.iter().any(has_diagram) {
        return None;
    }
    Some(OutputFile {
        path: bundled_path(),
        contents: unpacked()?.to_vec(),
    })
}

/// The bundled script unpacked, once per process: unpacking takes longer
/// than building a small book, and the preview rebuilds many times.
fn unpacked() -> Option<&'static [u8]> {
    static UNPACKED: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    UNPACKED
        .get_or_init(|| {
            let mut contents = Vec::with_capacity(6 << 20);
            flate2::read::GzDecoder::new(BUNDLED)
                .read_to_end(&mut contents)
                .ok()
                .map(|_| contents)
        })
        .as_deref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_script_unpacks_to_mermaid() {
        let file = bundled_file(&[], false);
        assert!(file.is_none(), "no diagram, no script");
        let contents = unpacked().expect("the bundled script unpacks");
        let text = String::from_utf8_lossy(&contents[..200]);
        assert!(text.contains("mermaid"), "{text}");
        assert!(contents.len() > 1_000_000);
    }
}
