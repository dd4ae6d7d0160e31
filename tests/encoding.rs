//! Mojibake: the user's seed page as GitBook exported it is linted, and
//! `folio fix-encoding` repairs it to the published text.

mod common;

use std::fs;

use common::TestBook;

/// A one-page book around the seed page exactly as exported.
fn seed_book() -> TestBook {
    let book = TestBook::empty();
    let seed = fs::read(common::fixtures().join("seed/dpg-and-dpi.gitbook.md")).unwrap();
    fs::create_dir_all(book.path().join("content")).unwrap();
    fs::write(book.path().join("content/dpg-and-dpi.md"), seed).unwrap();
    book.write(
        "content/README.md",
        "# Home\n\n[DPG and DPI](dpg-and-dpi.md)\n",
    );
    book.write(
        "content/SUMMARY.md",
        "* [Home](README.md)\n* [DPG and DPI](dpg-and-dpi.md)\n",
    );
    book.write("references/home.md", "# References\n");
    book.write("references/SUMMARY.md", "* [References](home.md)\n");
    book.write(
        ".gitbook/assets/Screenshot 2024-03-22 at 9.51.14\u{202f}AM.png",
        "png",
    );
    book.write(
        ".gitbook/assets/Screenshot 2024-03-22 at 10.00.06\u{202f}AM.png",
        "png",
    );
    book.write(
        "book.toml",
        "[book]\ntitle = \"Seed\"\n[[section]]\ndir = \"content\"\n[[section]]\ndir = \"references\"\nreadme = \"home.md\"\n",
    );
    book
}

#[test]
fn mojibake_is_a_warning_with_the_repaired_text() {
    let book = seed_book();
    let run = book.run(&["check", "--format=json"]);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mojibake: Vec<_> = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "mojibake")
        .collect();
    assert!(mojibake.len() >= 4, "{mojibake:?}");
    let title = mojibake
        .iter()
        .find(|d| d["line"] == 7)
        .expect("the title's emoji");
    assert_eq!(title["column"], 3);
    assert_eq!(title["severity"], "warning");
    assert_eq!(title["suggestion"], "🆚");
    assert!(mojibake.iter().any(|d| d["suggestion"] == "’"));
    assert!(mojibake.iter().any(|d| d["suggestion"] == "\u{202f}"));
}

#[test]
fn links_in_the_damaged_form_suggest_the_real_file_name() {
    let book = seed_book();
    let run = book.run(&["check", "--format=json"]);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let figure = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "broken-link" && d["line"] == 13)
        .expect("the first figure's src is broken until repaired");
    assert_eq!(
        figure["suggestion"],
        "../.gitbook/assets/Screenshot 2024-03-22 at 9.51.14\u{202f}AM.png"
    );
    assert!(figure["help"].as_str().unwrap().contains("wrong encoding"));
}

#[test]
fn fix_encoding_repairs_the_seed_and_then_it_builds_clean() {
    let book = seed_book();
    let run = book.run(&["fix-encoding"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("content/dpg-and-dpi.md:7: `ðŸ†š` → `🆚`"),
        "{}",
        run.stdout
    );
    let fixed = fs::read_to_string(book.path().join("content/dpg-and-dpi.md")).unwrap();
    assert!(fixed.contains("# 🆚 DPG and DPI"));
    assert!(fixed.contains("Secretary General’s Roadmap"));
    let build = book.run(&["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(!build.stderr.contains("mojibake"), "{}", build.stderr);
    let again = book.run(&["fix-encoding"]);
    assert!(again.stdout.is_empty(), "nothing left to repair");
}
