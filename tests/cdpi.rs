//! The bundled CDPI knowledge base: it builds clean, and the user's seed page
//! is published with its encoding repaired, its figures and its links.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The built site and what the build printed.
struct Built {
    site: PathBuf,
    stderr: String,
}

/// Builds the repository's book once for this file's tests, into cargo's
/// scratch folder for integration tests (replaced on the next run).
fn build_cdpi() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let site = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cdpi-site");
        let output = Command::new(env!("CARGO_BIN_EXE_folio"))
            .args(["build", ".", "--out"])
            .arg(&site)
            .current_dir(repository())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(0), "{stderr}");
        Built { site, stderr }
    })
}

fn read(built: &Built, rel: &str) -> String {
    fs::read_to_string(built.site.join(rel)).unwrap_or_else(|err| panic!("{rel}: {err}"))
}

#[test]
fn the_knowledge_base_builds_with_no_errors_or_warnings() {
    let out = build_cdpi();
    let stderr = &out.stderr;
    assert!(stderr.contains("(0 errors, 0 warnings"), "{stderr}");
    for page in [
        "index.html",
        "what-is-dpi/index.html",
        "dpg-and-dpi/index.html",
        "references/index.html",
        "references/home/index.html",
    ] {
        assert!(out.site.join(page).is_file(), "{page}");
    }
}

#[test]
fn the_seed_page_is_published_repaired_with_figures_and_links() {
    let out = build_cdpi();
    let html = read(out, "dpg-and-dpi/index.html");
    assert!(html.contains("<h1>🆚 DPG and DPI</h1>"), "{html}");
    assert!(html.contains("Secretary General’s Roadmap"));
    for mojibake in ["ðŸ", "â€", "Ã"] {
        assert!(
            !html.contains(mojibake),
            "mojibake {mojibake} left in the page"
        );
    }
    assert!(html.contains(r#"<meta name="description" content="Are DPGs and DPI the same thing? Are DPGs necessary to build DPI? Read on to know more!">"#));
    assert!(html.contains(r#"<a href="../references/home/">see here</a>"#));
    for figure in ["9.51.14", "10.00.06"] {
        let name = format!("Screenshot 2024-03-22 at {figure}\u{202f}AM.svg");
        assert!(
            out.site.join(".gitbook/assets").join(&name).is_file(),
            "{name} copied"
        );
        let encoded = format!(
            r#"<img src="../.gitbook/assets/Screenshot%202024-03-22%20at%20{figure}%E2%80%AFAM.svg" alt=""#
        );
        let at = html
            .find(&encoded)
            .unwrap_or_else(|| panic!("figure {figure} not linked:\n{html}"));
        let alt = &html[at + encoded.len()..];
        assert!(!alt.starts_with('"'), "figure {figure} has real alt text");
    }
    assert!(
        html.contains("https://digitalpublicgoods.net/standard/"),
        "caption link kept"
    );
}

#[test]
fn published_text_is_the_seed_with_only_its_encoding_and_figures_changed() {
    let seed = fs::read(repository().join("tests/fixtures/seed/dpg-and-dpi.gitbook.md")).unwrap();
    let shared = repository().join("../shared/seeds/dpg-and-dpi.gitbook.md");
    if let Ok(original) = fs::read(&shared) {
        assert_eq!(
            seed, original,
            "the fixture is the user's export byte for byte"
        );
    }
    let repaired = folio::mojibake::repair(&String::from_utf8(seed).unwrap()).into_owned();
    let published = fs::read_to_string(repository().join("content/dpg-and-dpi.md")).unwrap();
    // The figures became SVG drawings with alt text; nothing else changed.
    let mut normalised = published.replace("AM.svg\"", "AM.png\"");
    let mut from = 0;
    while let Some(start) = normalised[from..].find(" alt=\"") {
        let value = from + start + " alt=\"".len();
        let end = value + normalised[value..].find('"').unwrap();
        normalised.replace_range(value..end, "");
        from = value;
    }
    assert_eq!(normalised, repaired);
}

#[test]
fn the_spec_index_lists_all_29_entries_under_8_groups() {
    let out = build_cdpi();
    let html = read(out, "references/spec-index/index.html");
    assert_eq!(html.matches("<section class=\"index-group\"").count(), 8);
    assert!(
        html.contains("<p class=\"index-total\">29 entries in 8 groups.</p>"),
        "{html}"
    );
    for group in [
        "Identity - authentication and eKYC",
        "G2P payments",
        "Healthcare",
    ] {
        assert!(html.contains(&format!("data-group=\"{group}\"")), "{group}");
    }
    let links: Vec<&str> = html
        .split("<td><a href=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .filter(|href| !href.starts_with("http"))
        .collect();
    let mut unique = links.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 29, "{unique:?}");
    for link in links {
        let page = out
            .site
            .join("references/spec-index")
            .join(link)
            .join("index.html");
        assert!(page.is_file(), "{link} leads to {}", page.display());
    }
    let json: serde_json::Value =
        serde_json::from_str(&read(out, "references/spec-index.json")).unwrap();
    assert_eq!(json["entries"].as_array().unwrap().len(), 29);
}
