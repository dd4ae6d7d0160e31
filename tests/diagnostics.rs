//! Diagnostics and exit codes: what a writer or CI sees when something is
//! wrong, down to the line and column.

mod common;

use std::fs;

use common::TestBook;

#[test]
fn broken_page_link_is_reported_with_line_and_column_and_exit_1() {
    let book = TestBook::fixture("basic");
    book.write(
        "reference/config_files.md",
        "# Config files\n\n## Search & Filter\n\nBack to [Linux](../guide/linux.md) and [Windows](../guide/windws.md).\n",
    );
    let run = book.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "reference/config_files.md:5:50: error[broken-link]: page `../guide/windws.md` does not exist"
        ),
        "{}",
        run.stderr
    );
    // The default format, for people: rustc's layout with the source line,
    // a caret under the destination and the suggestion.
    let human = book.run(&["build", "--format=human"]);
    assert_eq!(human.code, 1);
    let expected = "error[broken-link]: page `../guide/windws.md` does not exist
 --> reference/config_files.md:5:50
  |
5 | Back to [Linux](../guide/linux.md) and [Windows](../guide/windws.md).
  |                                                  ^^^^^^^^^^^^^^^^^^
  = help: did you mean `../guide/linux.md`?
";
    assert!(human.stderr.contains(expected), "{}", human.stderr);
    assert!(
        !book.output_exists("index.html"),
        "nothing is written on error"
    );
}

#[test]
fn broken_anchor_suggests_the_case_sensitive_id() {
    let book = TestBook::fixture("basic");
    book.write(
        "guide/linux.md",
        "# On Linux\n\nSee [search](../reference/config_files.md#Search-and-filter).\n",
    );
    let run = book.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("guide/linux.md:3:14: error[broken-anchor]: no heading or id `#Search-and-filter` on `reference/config_files.md`"),
        "{}",
        run.stderr
    );
    let human = book.run(&["check", "--format", "human"]);
    assert!(
        human
            .stderr
            .contains("= help: fragments are case-sensitive: the id is `#search-and-filter`"),
        "{}",
        run.stderr
    );
}

#[test]
fn broken_image_and_html_attribute_links() {
    let book = TestBook::fixture("basic");
    book.write(
        "guide/linux.md",
        "# On Linux\n\n![x](../.gitbook/assets/topology (2).png)\n\n<figure><img src=\"../.gitbook/assets/missing.png\" alt=\"\"></figure>\n",
    );
    let run = book.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("guide/linux.md:5:19: error[broken-link]: file `../.gitbook/assets/missing.png` does not exist"), "{}", run.stderr);
}

#[test]
fn link_to_an_unpublished_page_says_it_is_not_in_the_summary() {
    let book = TestBook::fixture("basic");
    book.write("guide/linux.md", "# On Linux\n\n[old](../orphan.md)\n");
    let run = book.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("guide/linux.md:3:7: error[broken-link]: `../orphan.md` is not published: it is not in any SUMMARY.md"), "{}", run.stderr);
}

#[test]
fn broken_links_warn_policy_builds_anyway() {
    let book = TestBook::fixture("basic");
    book.write("guide/linux.md", "# On Linux\n\n[gone](gone.md)\n");
    let run = book.run(&["build", "--broken-links=warn"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("guide/linux.md:3:8: warning[broken-link]"),
        "{}",
        run.stderr
    );
    assert!(
        book.output("guide/linux/index.html")
            .contains(r#"href="gone.md""#),
        "left as written"
    );

    book.write(
        "book.toml",
        "[book]\ntitle = \"Basic\"\n[build]\nbroken-links = \"warn\"\n",
    );
    let run = book.run(&["build"]);
    assert_eq!(run.code, 0, "the book.toml key works too: {}", run.stderr);
    let run = book.run(&["check", "--deny-warnings"]);
    assert_eq!(run.code, 1, "--deny-warnings fails on warnings");
}

#[test]
fn failed_build_leaves_the_previous_site_untouched() {
    let book = TestBook::fixture("basic");
    book.build_ok();
    let before = book.output("guide/linux/index.html");
    book.write("guide/linux.md", "# On Linux changed\n\n[gone](gone.md)\n");
    let run = book.run(&["build"]);
    assert_eq!(run.code, 1);
    assert_eq!(book.output("guide/linux/index.html"), before);
    let leftovers: Vec<_> = fs::read_dir(book.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        // The highlight cache stays on purpose; staging folders must not.
        .filter(|name| name.starts_with(".folio") && name != ".folio-cache")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn template_error_names_the_template_line_and_keeps_the_site() {
    let book = TestBook::fixture("basic");
    book.build_ok();
    let before = book.output("index.html");
    book.write(
        "theme/page.html",
        "<html>\n<body>\n{{ page.title | nosuchfilter }}\n</body>\n",
    );
    let run = book.run(&["build"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("theme/page.html:3"), "{}", run.stderr);
    assert_eq!(book.output("index.html"), before);
}

#[test]
fn invalid_front_matter_is_reported_and_other_pages_still_checked() {
    let book = TestBook::fixture("basic");
    book.write(
        "guide/linux.md",
        "---\ndescription: [unclosed\n---\n# On Linux\n",
    );
    book.write("reference/config_files.md", "# Config\n\n[x](nowhere.md)\n");
    let run = book.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("guide/linux.md:3:1: error[invalid-front-matter]"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("reference/config_files.md:3:5: error[broken-link]"),
        "{}",
        run.stderr
    );
}

#[test]
fn invalid_utf8_is_an_error_with_its_line() {
    let book = TestBook::fixture("basic");
    fs::write(
        book.path().join("guide/linux.md"),
        b"# On Linux\n\ncaf\xe9 latin-1\n",
    )
    .unwrap();
    let run = book.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("guide/linux.md:3:4: error[invalid-encoding]"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_config_key_is_exit_2_with_its_line() {
    let book = TestBook::fixture("basic");
    book.write(
        "book.toml",
        "[book]\ntitle = \"x\"\n\n[build]\nbuild-dri = \"out\"\n",
    );
    let run = book.run(&["build"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("book.toml:5:1: error[invalid-config]: unknown field `build-dri`"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    let book = TestBook::fixture("basic");
    assert_eq!(book.run(&["build", "--no-such-flag"]).code, 2);
    assert_eq!(book.run(&["build", "does-not-exist"]).code, 2);
}

#[test]
fn summary_problems_point_at_the_summary_line() {
    let book = TestBook::fixture("basic");
    book.write(
        "SUMMARY.md",
        "# Table of contents\n\n* [Welcome](README.md)\n* [Guide](guide/README.md)\n* [Again](guide/README.md)\n* [Gone](gone.md)\n",
    );
    let run = book.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .contains("SUMMARY.md:5:11: error[invalid-summary]"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("SUMMARY.md:6:10: error[broken-link]"),
        "{}",
        run.stderr
    );
}

#[test]
fn parent_above_root_is_a_warning_and_still_resolves() {
    let book = TestBook::fixture("basic");
    book.write(
        "guide/linux.md",
        "# On Linux\n\n![t](<../../../.gitbook/assets/topology (1) é.png>)\n",
    );
    let run = book.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("guide/linux.md:3:7: warning[parent-above-root]"),
        "{}",
        run.stderr
    );
}

#[test]
fn links_never_publish_files_outside_the_book() {
    let outer = TestBook::empty();
    outer.write("secret.txt", "secret");
    common::copy_dir(&common::fixtures().join("basic"), &outer.path().join("kb"));
    outer.write(
        "kb/guide/linux.md",
        "# On Linux\n\n[s](../../secret.txt) [t](/../secret.txt)\n",
    );
    let run = outer.run(&["build", "kb"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("kb/guide/linux.md:3:5"),
        "{}",
        run.stderr
    );
    assert!(!outer.path().join("kb/book/secret.txt").exists());
}
