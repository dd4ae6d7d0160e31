//! Index pages generated from front matter (`[[index]]`) and front matter
//! rules (`[[rules]]`), on the fixture book in `tests/fixtures/index`.

mod common;

use common::TestBook;

/// The names in one group's table, in order.
fn group_rows(html: &str, group: &str) -> Vec<String> {
    let start = html
        .find(&format!("data-group=\"{group}\""))
        .unwrap_or_else(|| panic!("no group {group}"));
    let section = &html[start..start + html[start..].find("</section>").unwrap()];
    section
        .split("<tr data-")
        .skip(1)
        .map(|row| {
            let link = &row[row.find("<a href=").unwrap()..];
            let name = &link[link.find('>').unwrap() + 1..link.find("</a>").unwrap()];
            name.to_string()
        })
        .collect()
}

#[test]
fn groups_list_their_pages_sorted_and_a_page_may_be_in_several() {
    let book = TestBook::fixture("index");
    book.build_ok();
    let html = book.output("catalogue/index.html");
    assert_eq!(
        group_rows(&html, "Payments"),
        ["Alpha ID", "Beta Card", "Zeta Pay"]
    );
    assert_eq!(group_rows(&html, "Identity"), ["Alpha ID", "Mid Spec"]);
    let payments = html.find("data-group=\"Payments\"").unwrap();
    let identity = html.find("data-group=\"Identity\"").unwrap();
    assert!(payments < identity, "the configured group order");
    assert!(
        html.contains(r#"<h2 id="payments">Payments <span class="index-n">(3)</span>"#),
        "counts"
    );
    assert!(html.contains(r#"<a href="../entries/zeta-pay/">Zeta Pay</a><span class="index-desc">An open-source payment switch.</span></td><td>implementation</td><td>Zeta Foundation</td><td><a href="https://zeta.example.org/">zeta.example.org</a></td>"#));
    assert!(html.contains("<p class=\"index-total\">4 entries in 2 groups.</p>"));
}

#[test]
fn descending_order() {
    let book = TestBook::fixture("index");
    let config = std::fs::read_to_string(book.path().join("book.toml")).unwrap();
    book.write(
        "book.toml",
        &config.replace("sort-by = \"name\"", "sort-by = \"name\"\norder = \"desc\""),
    );
    book.build_ok();
    let html = book.output("catalogue/index.html");
    assert_eq!(
        group_rows(&html, "Payments"),
        ["Zeta Pay", "Beta Card", "Alpha ID"]
    );
}

#[test]
fn without_javascript_the_filter_is_hidden_and_every_row_shown() {
    let book = TestBook::fixture("index");
    book.build_ok();
    let html = book.output("catalogue/index.html");
    assert!(html.contains(
        r#"<form class="index-filter" role="search" aria-label="Filter the index" hidden>"#
    ));
    assert!(html.contains(r#"<select name="f-kind"><option value="">All</option><option>implementation</option><option>specification</option><option>standard</option></select>"#));
    assert!(html.contains(r#"<select name="group"><option value="">All</option><option>Payments</option><option>Identity</option></select>"#));
    assert_eq!(
        html.matches("<tr data-").count(),
        5,
        "every row of every group is in the page"
    );
    assert!(!html.contains(" hidden><td"), "no row starts hidden");
    assert!(
        book.output(&book.theme_file("folio.js"))
            .contains("indexFilters"),
        "the script enhances it"
    );
}

#[test]
fn group_anchors_are_checked_and_in_the_outline() {
    let book = TestBook::fixture("index");
    book.build_ok();
    let html = book.output("catalogue/index.html");
    assert!(html.contains(
        r##"<li><a href="#payments">Payments</a></li><li><a href="#identity">Identity</a></li>"##
    ));
    book.write("README.md", "# Home\n\n[x](catalogue.md#paymentz)\n");
    let run = book.run(&["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("README.md:3:5: error[broken-anchor]"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_index_is_also_published_as_json() {
    let book = TestBook::fixture("index");
    book.build_ok();
    let value: serde_json::Value = serde_json::from_str(&book.output("catalogue.json")).unwrap();
    assert_eq!(value["page"], "catalogue/");
    assert_eq!(value["groups"][0]["name"], "Payments");
    assert_eq!(value["groups"][0]["count"], 3);
    assert_eq!(value["entries"].as_array().unwrap().len(), 4);
    assert_eq!(value["entries"][0]["url"], "entries/alpha-id/");
    assert_eq!(value["entries"][0]["front_matter"]["kind"], "standard");
}

#[test]
fn a_page_dropped_into_the_folder_is_listed_and_published() {
    let book = TestBook::fixture("index");
    book.write(
        "entries/new-one.md",
        "---\nname: New One\nkind: specification\ngroups: [Identity, Travel]\n---\n\n# New One\n",
    );
    let run = book.build_ok();
    assert!(
        !run.stderr.contains("orphan"),
        "collected pages are not orphans: {}",
        run.stderr
    );
    let html = book.output("catalogue/index.html");
    assert_eq!(
        group_rows(&html, "Identity"),
        ["Alpha ID", "Mid Spec", "New One"]
    );
    assert_eq!(
        group_rows(&html, "Travel"),
        ["New One"],
        "a new group appears after the configured ones"
    );
    assert!(book.output_exists("entries/new-one/index.html"));
    let page = book.output("entries/new-one/index.html");
    assert!(
        page.contains(r#"<a href="../../catalogue/">Catalogue</a>"#),
        "breadcrumb to the index: {page}"
    );
}

#[test]
fn a_value_outside_the_allowed_list_fails_with_file_line_and_choices() {
    let book = TestBook::fixture("index");
    book.write(
        "entries/mid-spec.md",
        "---\nname: Mid Spec\nkind: spec\ngroups: [Identity]\n---\n\n# Mid Spec\n",
    );
    let run = book.run(&["build", "--format=human"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error[invalid-front-matter]: `kind: spec` is not an allowed value\n --> entries/mid-spec.md:3:7"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("= help: allowed values of `kind`: specification, standard, implementation"),
        "{}",
        run.stderr
    );
    assert!(!book.output_exists("index.html"), "nothing written");
}

#[test]
fn missing_keys_and_wrong_types_are_errors() {
    let book = TestBook::fixture("index");
    book.write(
        "entries/zeta-pay.md",
        "---\nname: Zeta Pay\ngroups: Payments\nwebsite: zeta.example.org\n---\n\n# Zeta Pay\n",
    );
    let run = book.run(&["check"]);
    assert_eq!(run.code, 1);
    for expected in [
        "entries/zeta-pay.md:1:1: error[invalid-front-matter]: front matter lacks the required key `kind`",
        "entries/zeta-pay.md:3:1: error[invalid-front-matter]: front matter key `groups` must be a list",
        "entries/zeta-pay.md:4:1: error[invalid-front-matter]: front matter key `website` must be an http(s):// address",
    ] {
        assert!(run.stderr.contains(expected), "missing {expected}:\n{}", run.stderr);
    }
}

#[test]
fn group_ids_skip_the_pages_own_ids_and_earlier_indexes() {
    let book = TestBook::fixture("index");
    let page = std::fs::read_to_string(book.path().join("catalogue.md")).unwrap();
    book.write(
        "catalogue.md",
        &format!("{page}\n## Payments\n\n<a id=\"identity\"></a>\n"),
    );
    let config = std::fs::read_to_string(book.path().join("book.toml")).unwrap();
    book.write(
        "book.toml",
        &format!(
            "{config}\n[[index]]\npage = \"catalogue.md\"\ncollect = \"entries\"\ngroup-by = \"groups\"\n"
        ),
    );
    book.build_ok();
    let html = book.output("catalogue/index.html");
    let ids: Vec<&str> = html
        .split("<h2 id=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    assert_eq!(
        ids,
        [
            "about",
            "payments",
            "payments-1",
            "identity-1",
            "identity-2",
            "payments-2"
        ]
    );
}
