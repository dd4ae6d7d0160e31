//! The reader's site in a real browser: Debian's Chromium, driven by
//! playwright-core, with axe-core for accessibility (tests/browser/run.mjs).
//! Builds the CDPI book and the GitBook fixture export, then runs the
//! script against both. `.ci/run` installs Chromium and the npm packages;
//! on a machine without them (build.rs looks) the tests are ignored, except
//! in CI, where a missing browser is a failure.

mod common;

use std::path::Path;
use std::process::Command;

fn folio(args: &[&str], dir: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium, node and `npm ci` in tests/browser (.ci/run installs them)"
)]
fn the_sites_work_and_are_accessible_in_chromium() {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = repository.join("tests/browser/run.mjs");
    let chromium = common::chromium();
    let work = tempfile::tempdir().unwrap();
    let cdpi = work.path().join("cdpi");
    folio(&["build", ".", "--out", cdpi.to_str().unwrap()], repository);
    let export = work.path().join("export");
    common::copy_dir(&common::fixtures().join("gitbook-export"), &export);
    std::fs::remove_dir_all(export.join("docs/broken")).unwrap();
    let summary = std::fs::read_to_string(export.join("docs/SUMMARY.md")).unwrap();
    let clean = &summary[..summary.find("## Broken on purpose").unwrap()];
    // A common word on more pages than a shard keeps postings for, with a
    // rare word only on the page where the common word weighs least: the
    // dialog must fetch later tiers to find it.
    let mut clean = clean.to_string();
    std::fs::create_dir_all(export.join("docs/lanterns")).unwrap();
    for part in 0..300 {
        let text = if part == 299 {
            "A lantern and a zebrafish."
        } else {
            "A lantern, a lantern, a lantern lit."
        };
        std::fs::write(
            export.join(format!("docs/lanterns/part-{part}.md")),
            format!("# Part {part}\n\n## Light\n\n{text}\n"),
        )
        .unwrap();
        clean.push_str(&format!("* [Part {part}](lanterns/part-{part}.md)\n"));
    }
    std::fs::write(export.join("docs/SUMMARY.md"), clean).unwrap();
    // Diagrams are drawn by the Mermaid script folio bundles: the book
    // configures nothing for them.
    std::fs::write(export.join("book.toml"), "[book]\ntitle = \"Lantern\"\n").unwrap();
    let gitbook = work.path().join("gitbook");
    folio(
        &[
            "build",
            export.to_str().unwrap(),
            "--out",
            gitbook.to_str().unwrap(),
        ],
        work.path(),
    );
    let output = Command::new("node")
        .arg(&script)
        .arg(&cdpi)
        .arg(&gitbook)
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    eprintln!("{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(
        output.status.code(),
        Some(0),
        "browser checks failed:\n{stdout}"
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

/// Runs tests/browser/search-eval.mjs on a built site with a query file and
/// returns its report; the last line is `RESULT {json}`.
fn search_evaluation(site: &Path, queries: &Path) -> (String, serde_json::Value) {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new("node")
        .arg(repository.join("tests/browser/search-eval.mjs"))
        .arg(site)
        .arg(queries)
        .env("CHROMIUM", common::chromium())
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout).to_string();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result = report
        .lines()
        .find_map(|line| line.strip_prefix("RESULT "))
        .unwrap_or_else(|| panic!("no RESULT line:\n{report}"));
    (report.clone(), serde_json::from_str(result).unwrap())
}

/// The search evaluation (tests/search/*.tsv) through the real dialog: every
/// exact page title first, and the right page in the top three for at least
/// 90% of the queries. The CDPI book always; a real GitBook export when
/// `FOLIO_SEARCH_EXPORT` names a checkout of opencrvs/documentation's
/// `v2.1.0` folder (it is not part of this repository).
#[test]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium, node and `npm ci` in tests/browser (.ci/run installs them)"
)]
fn search_finds_the_page_you_mean() {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().unwrap();
    let mut books = vec![(
        repository.to_path_buf(),
        repository.join("tests/search/cdpi.tsv"),
    )];
    if let Some(export) = std::env::var_os("FOLIO_SEARCH_EXPORT") {
        books.push((
            export.into(),
            repository.join("tests/search/opencrvs-v2.1.0.tsv"),
        ));
    }
    for (n, (book, queries)) in books.iter().enumerate() {
        let site = work.path().join(format!("site-{n}"));
        folio(
            &[
                "build",
                ".",
                "--broken-links",
                "warn",
                "--out",
                site.to_str().unwrap(),
            ],
            book,
        );
        let (report, result) = search_evaluation(&site, queries);
        eprintln!("{}:\n{report}", queries.display());
        assert_eq!(
            result["titlesFirst"], result["titles"],
            "an exact title is not the first result:\n{report}"
        );
        assert!(
            result["top3"].as_f64().unwrap() >= 0.9,
            "fewer than 90% of queries find their page in the top three:\n{report}"
        );
    }
}
