//! `folio check --format …`: every format carries the same findings.

mod common;

use common::TestBook;
use serde_json::Value;

fn broken_book() -> TestBook {
    let book = TestBook::fixture("basic");
    book.write(
        "guide/linux.md",
        "# On Linux\n\n## Setup\n\nSee [search](../reference/config_files.md#search-and-filtr) and [gone](instal.md).\n",
    );
    book
}

#[test]
fn json_is_one_document_with_summary_positions_and_suggestions() {
    let book = broken_book();
    let run = book.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let value: Value = serde_json::from_str(&run.stdout).expect("stdout is one JSON document");
    assert_eq!(value["summary"]["pages"], 5);
    assert_eq!(value["summary"]["errors"], 2);
    assert_eq!(value["summary"]["warnings"], 1);
    assert!(value["summary"]["links"].as_u64().unwrap() >= 8);
    let diagnostics = value["diagnostics"].as_array().unwrap();
    let anchor = diagnostics
        .iter()
        .find(|d| d["code"] == "broken-anchor")
        .unwrap();
    assert_eq!(anchor["severity"], "error");
    assert_eq!(anchor["file"], "guide/linux.md");
    assert_eq!(
        (anchor["line"].as_u64(), anchor["column"].as_u64()),
        (Some(5), Some(14))
    );
    assert_eq!(
        anchor["target"],
        "../reference/config_files.md#search-and-filtr"
    );
    assert_eq!(
        anchor["suggestion"],
        "../reference/config_files.md#search-and-filter"
    );
    let page = diagnostics
        .iter()
        .find(|d| d["code"] == "broken-link")
        .unwrap();
    assert_eq!(page["suggestion"], "install.md");
    let orphan = diagnostics
        .iter()
        .find(|d| d["code"] == "orphan-page")
        .unwrap();
    assert_eq!(orphan["suggestion"], Value::Null);
}

#[test]
fn github_annotations_point_at_lines() {
    let book = broken_book();
    let run = book.run(&["check", "--format=github"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("::error file=guide/linux.md,line=5,col=14,title=broken-anchor::no heading or id `#search-and-filtr`"),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("::warning file=orphan.md,line=1,col=1,title=orphan-page::"));
}

#[test]
fn sarif_lists_the_same_results() {
    let book = broken_book();
    let run = book.run(&["check", "--format=sarif"]);
    assert_eq!(run.code, 1);
    let value: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["version"], "2.1.0");
    let results = value["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    let rules: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"broken-anchor")
            && rules.contains(&"broken-link")
            && rules.contains(&"orphan-page")
    );
    let location = &results
        .iter()
        .find(|r| r["ruleId"] == "broken-anchor")
        .unwrap()["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "guide/linux.md");
    assert_eq!(location["region"]["startLine"], 5);
}

#[test]
fn human_has_no_colour_without_a_terminal() {
    let book = broken_book();
    let run = book.run(&["check", "--format=human"]);
    assert!(!run.stderr.contains('\x1b'), "no ANSI escapes when piped");
    assert!(run
        .stderr
        .contains("error[broken-anchor]: no heading or id"));
    assert!(run.stderr.contains(" --> guide/linux.md:5:14"));
    let last = run.stderr.lines().last().unwrap();
    assert!(
        last.starts_with("folio: checked 5 pages and ")
            && last.ends_with(" links (2 errors, 1 warning)"),
        "check says what it checked: {last}"
    );
    let build = book.run(&["build", "--format=human"]);
    assert!(
        build
            .stderr
            .ends_with("folio: 2 errors, 1 warning in 5 pages; no site was written\n"),
        "{}",
        build.stderr
    );
}

#[test]
fn build_accepts_the_same_formats() {
    let book = broken_book();
    let run = book.run(&["build", "--format", "json"]);
    assert_eq!(run.code, 1);
    let value: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["summary"]["errors"], 2);
}

#[test]
fn config_errors_use_the_chosen_format_and_exit_2() {
    let book = TestBook::fixture("basic");
    book.write("book.toml", "[book]\ntitel = \"x\"\n");
    let run = book.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 2);
    let value: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["diagnostics"][0]["code"], "invalid-config");
    assert_eq!(value["diagnostics"][0]["line"], 2);
}

#[test]
fn the_example_workflow_is_valid_yaml_running_the_check() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/folio-check.yml");
    let text = std::fs::read_to_string(path).unwrap();
    let workflow: Value = folio::yaml::parse_yaml(&text).expect("valid YAML");
    let steps = workflow["jobs"]["check"]["steps"].as_array().unwrap();
    let run = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        run.contains("check . --format github --deny-warnings"),
        "{run}"
    );
    assert!(
        workflow["on"]["pull_request"].is_null() || workflow["on"].get("pull_request").is_some()
    );
}

/// The README's table of codes names every code folio reports, the
/// preview's `build-failed` included.
#[test]
fn the_readme_documents_every_code() {
    use folio::diag::Code;
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .chain(&[Code::BuildFailed])
        .map(|code| code.as_str())
        .filter(|name| !readme.contains(&format!("\n| `{name}` | ")))
        .collect();
    assert!(
        missing.is_empty(),
        "not in README.md's table of codes: {missing:?}"
    );
}
