//! The reader's site in a real browser: Debian's Chromium, driven by
//! playwright-core, with axe-core for accessibility (tests/browser/run.mjs).
//! Builds the CDPI book and the GitBook fixture export, then runs the
//! script against both. `.ci/run` installs Chromium and the npm packages;
//! on a machine without them the test says so and stops, except in CI,
//! where a missing browser is a failure.

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
fn the_sites_work_and_are_accessible_in_chromium() {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = repository.join("tests/browser/run.mjs");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let ready = Path::new(&chromium).exists()
        && repository
            .join("tests/browser/node_modules/playwright-core")
            .is_dir()
        && Command::new("node").arg("--version").output().is_ok();
    if !ready {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install Chromium and the npm packages of tests/browser (see .ci/run)"
        );
        eprintln!("skipped: no Chromium or no `npm ci` in tests/browser on this machine");
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let cdpi = work.path().join("cdpi");
    folio(&["build", ".", "--out", cdpi.to_str().unwrap()], repository);
    let export = work.path().join("export");
    common::copy_dir(&common::fixtures().join("gitbook-export"), &export);
    std::fs::remove_dir_all(export.join("docs/broken")).unwrap();
    let summary = std::fs::read_to_string(export.join("docs/SUMMARY.md")).unwrap();
    let clean = &summary[..summary.find("## Broken on purpose").unwrap()];
    // A page whose common word has more postings than a shard keeps, with
    // a rare word only in its weakest section: the dialog must fetch later
    // tiers to find it.
    let mut lanterns = String::from("# Lanterns\n");
    for part in 0..400 {
        let text = if part == 399 {
            "A lantern and a zebrafish."
        } else {
            "A lantern, a lantern, a lantern lit."
        };
        lanterns.push_str(&format!("\n## Part {part}\n\n{text}\n"));
    }
    std::fs::write(export.join("docs/reference/lanterns.md"), lanterns).unwrap();
    let clean = format!("{clean}* [Lanterns](reference/lanterns.md)\n");
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
