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
fn a_link_to_a_folder_says_whether_the_folder_exists() {
    let book = TestBook::fixture("basic");
    book.write("images/storage/chart.png", "png");
    book.write(
        "guide/linux.md",
        "# On Linux\n\n![](../images/storage)\n\n[url](../url/)\n",
    );
    let run = book.run(&["check"]);
    assert_eq!(run.code, 1);
    for expected in [
        "guide/linux.md:3:5: error[broken-link]: folder `../images/storage` has no README.md",
        "guide/linux.md:5:7: error[broken-link]: folder `../url/` does not exist",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
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
            // At the `[` that is never closed, not at the closing `---`.
            .contains("guide/linux.md:2:14: error[invalid-front-matter]"),
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
            .contains("book.toml:5:1: error[invalid-config]: unknown key `build-dri`"),
        "{}",
        run.stderr
    );
    let human = book.run(&["build", "--format", "human"]);
    assert!(
        human.stderr.contains("= help: did you mean `build-dir`?"),
        "{}",
        human.stderr
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

#[test]
fn last_updated_in_a_shallow_clone_is_one_warning_with_the_fix() {
    let origin = TestBook::fixture("basic");
    let toml = std::fs::read_to_string(origin.path().join("book.toml")).unwrap();
    origin.write(
        "book.toml",
        &toml.replace("[output.html]", "[output.html]\nlast-updated = true"),
    );
    let git = |dir: &std::path::Path, args: &[&str]| {
        let status = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(args)
            .current_dir(dir)
            .output()
            .expect("git runs");
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
    };
    git(origin.path(), &["init", "-q"]);
    git(origin.path(), &["add", "."]);
    git(origin.path(), &["commit", "-qm", "first"]);
    origin.write("guide/linux.md", "# On Linux\n\nLater.\n");
    git(origin.path(), &["commit", "-qam", "second"]);
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.path().display());
    git(
        clones.path(),
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    git(clones.path(), &["clone", "-q", &url, "full"]);
    let check = |dir: &str| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_folio"))
            .args(["check", ".", "--format=short"])
            .current_dir(clones.path().join(dir))
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let shallow = check("shallow");
    assert_eq!(
        shallow.matches("warning[shallow-clone]").count(),
        1,
        "{shallow}"
    );
    assert!(
        shallow.contains("book.toml:6:1: warning[shallow-clone]"),
        "{shallow}"
    );
    assert!(!check("full").contains("shallow-clone"));
}

#[test]
fn ignored_and_tool_folders_are_never_pages() {
    let book = TestBook::fixture("basic");
    book.write(".gitignore", "drafts/\n");
    book.write("drafts/wip.md", "# Work in progress\n");
    book.write("node_modules/some-package/README.md", "# A package\n");
    book.write("guide/.hidden/note.md", "# Hidden\n");
    let run = book.run(&["check"]);
    for path in ["drafts/wip.md", "node_modules", "guide/.hidden"] {
        assert!(!run.stderr.contains(path), "{path}: {}", run.stderr);
    }
    assert!(
        run.stderr.contains("orphan.md"),
        "real orphans are still found"
    );
}

#[test]
fn a_missing_summary_is_one_error_with_the_fix_and_nothing_that_follows() {
    let book = TestBook::fixture("basic");
    std::fs::remove_file(book.path().join("SUMMARY.md")).unwrap();
    book.write(
        "README.md",
        "# Home\n\nSee [the guide](guide/install.md) and [nothing](gone.md).\n",
    );
    let run = book.run(&["check"]);
    let problems: Vec<&str> = run.stderr.lines().filter(|l| l.contains("]: ")).collect();
    assert_eq!(problems.len(), 2, "{}", run.stderr);
    assert!(problems[0].contains("README.md:3:") && problems[0].contains("broken-link"));
    assert!(
        problems[0].contains("gone.md"),
        "a link to nothing is still broken"
    );
    assert!(problems[1].contains(
        "SUMMARY.md:1:1: error[invalid-summary]: section `Basic book` has no SUMMARY.md"
    ));

    book.write("summary.md", "* [Home](README.md)\n");
    let run = book.run(&["check", "--format=human"]);
    assert!(
        run.stderr.contains("`summary.md` differs only in case"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("help: rename `summary.md` to `SUMMARY.md`"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("orphan-page"), "{}", run.stderr);
}

#[test]
fn the_check_table_sets_levels_and_leaves_out_files_and_addresses() {
    let book = TestBook::fixture("basic");
    book.write(
        "guide/linux.md",
        "# On Linux\n\n![](../.gitbook/assets/topology%20(1)%20%C3%A9.png)\n\nSee [old](../legacy/gone.md) and [x](nothere.md).\n",
    );
    let base = book.run(&["check"]);
    assert!(
        base.stderr.contains("warning[missing-alt]"),
        "{}",
        base.stderr
    );
    assert!(
        base.stderr.contains("warning[orphan-page]"),
        "{}",
        base.stderr
    );
    let toml = std::fs::read_to_string(book.path().join("book.toml")).unwrap();
    book.write(
        "book.toml",
        &format!(
            "{toml}\n[check]\nallow = [\"missing-alt\"]\ndeny = [\"orphan-page\"]\nignore-urls = [\"../legacy/*\"]\n"
        ),
    );
    let run = book.run(&["check"]);
    assert!(!run.stderr.contains("missing-alt"), "{}", run.stderr);
    assert!(
        run.stderr.contains("orphan.md:1:1: error[orphan-page]"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("legacy/gone.md"), "{}", run.stderr);
    assert!(run.stderr.contains("nothere.md"), "{}", run.stderr);
    book.write(
        "book.toml",
        &format!("{toml}\n[check]\nignore-files = [\"guide/**\", \"orphan.md\"]\n"),
    );
    let run = book.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    book.write(
        "book.toml",
        &format!("{toml}\n[check]\nallow = [\"missing-alts\"]\n"),
    );
    let run = book.run(&["check", "--format=human"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("`missing-alts` is not a diagnostic code"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `missing-alt`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn long_reports_end_with_counts_by_kind_and_can_be_cut_short() {
    let book = TestBook::fixture("basic");
    let mut page = String::from("# On Linux\n\n");
    for n in 0..12 {
        page.push_str(&format!("See [gone {n}](gone{n}.md).\n\n"));
    }
    page.push_str("![](../.gitbook/assets/topology%20(1)%20%C3%A9.png)\n");
    book.write("guide/linux.md", &page);
    let run = book.run(&["check", "--max-diagnostics", "2"]);
    let problems = run.stderr.lines().filter(|l| l.contains("]: ")).count();
    assert_eq!(problems, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("folio: 12 more not shown (--max-diagnostics 2)"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("folio: problems by kind:\n  12 error[broken-link]\n   1 warning[missing-alt]\n   1 warning[orphan-page]\n"), "{}", run.stderr);
    assert!(
        run.stderr.ends_with("(12 errors, 2 warnings)\n"),
        "{}",
        run.stderr
    );
}
