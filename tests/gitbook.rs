//! A GitBook Git-Sync export, built as it is (no book.toml): the fixture in
//! `tests/fixtures/gitbook-export` uses every construct of the format notes;
//! its EXPECTED.md lists what a correct renderer produces.

mod common;

use std::fs;

use common::TestBook;

/// The diagnostics of `docs/broken/`, one or two per deliberate problem;
/// with [`CLEAN_DIAGNOSTICS`] they are all the fixture must produce.
const EXPECTED_DIAGNOSTICS: &[&str] = &[
    "docs/broken/above-root.md:3:11: warning[parent-above-root]",
    "docs/broken/anchor-case.md:3:46: error[broken-anchor]",
    "docs/broken/cross-space.md:3:57: warning[gitbook-app-link]",
    "docs/broken/cross-space.md:5:57: warning[gitbook-app-link]",
    "docs/broken/cross-space.md:7:58: warning[gitbook-app-link]",
    "docs/broken/doubled-parens.md:3:18: error[broken-link]",
    "docs/broken/folder-without-readme.md:3:44: error[broken-link]",
    "docs/broken/host-as-path.md:3:36: error[broken-link]",
    "docs/broken/lost-references.md:5:20: error[broken-reference]",
    "docs/broken/lost-references.md:7:25: error[broken-reference]",
    "docs/broken/lost-references.md:9:23: error[broken-reference]",
    "docs/broken/missing-anchor.md:3:46: error[broken-anchor]",
    "docs/broken/missing-asset.md:5:6: error[broken-link]",
    "docs/broken/missing-asset.md:5:6: warning[missing-alt]",
    "docs/broken/missing-asset.md:9:5: error[broken-link]",
    "docs/broken/missing-asset.md:9:5: warning[missing-alt]",
    "docs/broken/missing-asset.md:13:6: error[broken-link]",
    "docs/broken/missing-asset.md:13:6: warning[missing-alt]",
    "docs/broken/missing-page.md:3:39: error[broken-link]",
    "docs/broken/outside.md:3:108: error[outside-root]",
    "docs/broken/outside.md:5:17: error[outside-root]",
    "docs/broken/outside.md:6:21: error[outside-root]",
    "docs/broken/trailing-dot.md:3:43: warning[broken-anchor]",
    "docs/broken/unclosed-hint.md:3:1: warning[unknown-block]",
    "docs/broken/unknown-tag.md:5:1: warning[unknown-block]",
    "docs/broken/unpublished.md:3:25: error[broken-link]",
];

/// What the pages outside `docs/broken/` still deserve: images GitBook
/// wrote without any text, and a link to an old, redirected path.
const CLEAN_DIAGNOSTICS: &[&str] = &[
    ".gitbook.yaml:11:1: warning[invalid-config]",
    "docs/guides/layouts-and-media.md:28:19: warning[missing-alt]",
    "docs/guides/layouts-and-media.md:36:39: warning[missing-alt]",
    "docs/guides/layouts-and-media.md:44:5: warning[missing-alt]",
    "docs/install/README.md:42:59: warning[redirected-link]",
    "docs/install/linux.md:43:6: warning[missing-alt]",
    "docs/stale-copy.md:1:1: warning[orphan-page]",
];

/// Orders heads as folio prints them: by file, then line and column.
fn sort_key(head: &str) -> (String, usize, usize, String) {
    let mut parts = head.splitn(4, ':');
    let file = parts.next().unwrap().to_string();
    let line = parts.next().unwrap().parse().unwrap();
    let column = parts.next().unwrap().parse().unwrap();
    let code = head[head.find('[').unwrap()..].to_string();
    (file, line, column, code)
}

/// The `file:line:col: severity[code]` heads of the diagnostics printed.
fn heads(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|line| line.contains(": error[") || line.contains(": warning["))
        .map(|line| line[..line.find(']').unwrap() + 1].to_string())
        .collect()
}

#[test]
fn check_reports_exactly_the_broken_constructs_with_positions() {
    let book = TestBook::fixture("gitbook-export");
    let run = book.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let expected: Vec<&str> = EXPECTED_DIAGNOSTICS
        .iter()
        .chain(CLEAN_DIAGNOSTICS)
        .copied()
        .collect();
    let mut expected = expected;
    expected.sort_by_key(|head| sort_key(head));
    assert_eq!(heads(&run.stderr), expected, "{}", run.stderr);
}

#[test]
fn suggestions_for_the_broken_constructs() {
    let book = TestBook::fixture("gitbook-export");
    let stderr = book.run(&["check", "--format=human"]).stderr;
    for help in [
        "did you mean `../.gitbook/assets/topology (2).png`?",
        "from this page it is `../.gitbook/assets/architecture.png`",
        "did you mean `../.gitbook/assets/Screen Shot 2023-04-02 (1).PNG`?",
        "if it is a web address, write `https://downloads.example.com`",
        "remove the doubled parentheses",
        "fragments are case-sensitive: the id is `#key-rotation`",
        "write `#id-4.-restart-the-service.`",
        "GitBook reads `redirects:` (plural)",
        "is outside the space root `docs`",
        "is not published: it is not in any SUMMARY.md",
    ] {
        assert!(stderr.contains(help), "missing {help:?} in:\n{stderr}");
    }
}

#[test]
fn broken_links_warn_publishes_the_export() {
    let book = TestBook::fixture("gitbook-export");
    let run = book.run(&["build", "--broken-links=warn"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(book.output_exists("broken/unknown-tag/index.html"));
}

/// The fixture without its deliberately broken pages.
fn clean_export() -> TestBook {
    let book = TestBook::fixture("gitbook-export");
    fs::remove_dir_all(book.path().join("docs/broken")).unwrap();
    let summary = fs::read_to_string(book.path().join("docs/SUMMARY.md")).unwrap();
    let cut = summary.find("## Broken on purpose").unwrap();
    book.write("docs/SUMMARY.md", &summary[..cut]);
    book
}

#[test]
fn clean_export_builds_with_only_warnings() {
    let book = clean_export();
    let run = book.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(heads(&run.stderr), CLEAN_DIAGNOSTICS, "{}", run.stderr);
}

#[test]
fn every_summary_page_is_published_at_gitbooks_url_and_nothing_else() {
    let book = clean_export();
    book.build_ok();
    for page in [
        "index.html",
        "getting-started/index.html",
        "getting-started/quickstart/index.html",
        "install/index.html",
        "install/linux/index.html",
        "install/proxy-settings/index.html",
        "install/docker/index.html",
        "guides/deploy/cloud/aws/index.html",
        "guides/iam-roles/index.html",
        "guides/internal-notes/index.html",
        "help/cache-not-warming-after-restart./index.html",
        "reference/config_files/index.html",
        "reference/release notes/index.html",
        "reference/q&a/index.html",
        "reference/a~b/index.html",
    ] {
        assert!(book.output_exists(page), "{page} not published");
    }
    assert!(
        !book.output_exists("stale-copy/index.html"),
        "orphans are not published"
    );
    assert!(!book.output_exists(".gitbook/includes/support-note/index.html"));
    assert!(
        !book.output_exists("tools"),
        "nothing outside the space root"
    );
    assert!(!book.output_exists("EXPECTED/index.html"));
    let sidebar = book.output("index.html");
    assert!(
        !sidebar.contains("Internal notes"),
        "hidden pages stay out of the sidebar"
    );
    let install = book.output("install/index.html");
    assert!(install.contains(r#"href="linux/""#));
    let linux = book.output("install/linux/index.html");
    assert!(
        linux.contains(r#"<a href="../proxy-settings/">Proxy settings</a>"#),
        "a child indented 8 spaces under its parent: {linux}"
    );
}

#[test]
fn redirects_become_stub_pages_that_keep_the_fragment() {
    let book = clean_export();
    book.build_ok();
    let stub = book.output("getting-started/setup/index.html");
    assert!(
        stub.contains(r#"<meta http-equiv="refresh" content="0; url=../../install/">"#),
        "{stub}"
    );
    assert!(stub.contains(r#"<link rel="canonical" href="../../install/">"#));
    assert!(stub.contains(r#"location.replace("../../install/" + location.hash)"#));
    assert!(book
        .output("old-faq/index.html")
        .contains("url=../help/faq/"));
    let install = book.output("install/index.html");
    assert!(
        install.contains(r#"<a href="./">old setup</a>"#),
        "a link to a redirect path leads to the new page: {install}"
    );
}

#[test]
fn no_block_tag_text_leaks_except_escaped_literals() {
    let book = clean_export();
    book.build_ok();
    for entry in walkdir::WalkDir::new(book.path().join("book"))
        .into_iter()
        .flatten()
    {
        if entry.path().extension().is_some_and(|e| e == "html") {
            let html = fs::read_to_string(entry.path()).unwrap();
            let rel = entry
                .path()
                .strip_prefix(book.path())
                .unwrap()
                .display()
                .to_string();
            let leaks = html.matches("{%").count();
            let allowed = match rel.as_str() {
                // Escaped prose (four tags) and one fenced example with two.
                "book/help/faq/index.html" => 4,
                "book/guides/interactive-blocks/index.html" => 2,
                // The whole book on one page holds both.
                "book/print/index.html" => 6,
                _ => 0,
            };
            assert_eq!(leaks, allowed, "{rel}: {{% appears {leaks} times");
        }
    }
    let faq = book.output("help/faq/index.html");
    assert!(
        faq.contains(r#"{% hint style="info" %}"#),
        "escaped tags shown as typed"
    );
    assert!(!faq.contains("class=\"hint"), "escaped tags are not blocks");
}

#[test]
fn blocks_render_as_accessible_html() {
    let book = clean_export();
    book.build_ok();
    let linux = book.output("install/linux/index.html");
    assert!(linux.contains(r#"<div class="hint hint-warning" role="note" aria-label="Warning">"#));
    let quickstart = book.output("getting-started/quickstart/index.html");
    assert!(quickstart.contains(r#"<ol class="stepper">"#));
    assert!(quickstart.contains(r#"<figure class="code-block wrap"><figcaption class="code-title">/etc/lantern/agent.yaml</figcaption>"#));
    assert!(quickstart.contains(
        r#"<pre class="code numbered" tabindex="0"><code class="language-yaml"><span class="line">"#
    ));
    let tabs: Vec<&str> = quickstart
        .split(r#"<p class="tab-title">"#)
        .skip(1)
        .map(|rest| {
            let title = &rest[..rest.find("</p>").unwrap()];
            // After the icon, when the tab has one.
            title.rsplit("</svg>").next().unwrap()
        })
        .collect();
    assert_eq!(tabs, ["CLI", "curl", "Console"]);
    assert!(
        quickstart.contains(r#"<a href="../../install/linux/">On Linux</a>"#),
        "page mention shows the title"
    );
    let blocks = book.output("guides/interactive-blocks/index.html");
    assert!(
        blocks.contains(
            r#"<figcaption>
<p>Source code and issue tracker of the agent</p>
</figcaption></figure>"#
        ),
        "embed caption"
    );
    assert!(blocks.contains(
        r#"<span class="file-name">install-checklist.pdf</span> <span class="file-size">"#
    ));
    assert!(blocks.contains(r#"<div class="column" style="--w:50%">"#));
    assert!(blocks.contains(r#"<div class="conditional" data-if="visitor.claims.unsigned.plan == &quot;enterprise&quot;">"#));
    assert!(blocks
        .contains(r#"<p class="prompt-desc">Draft an agent.yaml for a host behind a proxy</p>"#));
    assert!(blocks.contains("Still stuck?"), "include spliced");
    assert!(
        !blocks.contains("title: Support note"),
        "include front matter dropped"
    );
    assert!(
        blocks.contains(r#"src="../../.gitbook/assets/gear.svg""#),
        "include links resolve from the include's folder"
    );
    let api = book.output("guides/api-explorer/index.html");
    assert!(api.contains(r#"<span class="method method-get">GET</span> <code class="api-path">/agents/{agentId}</code></p><p class="api-summary">Get an agent</p>"#));
    assert!(!api.contains('\u{200b}'), "zero-width spaces stripped");
    assert!(
        api.contains("lantern-console"),
        "openapi-operation placeholder"
    );
    let changelog = book.output("guides/changelog/index.html");
    assert!(changelog.contains(r#"<time datetime="2024-05-14">2024-05-14</time>"#));
    assert!(changelog.contains("<math"), "math rendered as MathML");
    assert!(changelog.contains("footnote-definition"));
    let docker = book.output("install/docker/index.html");
    assert!(docker.contains(r#"<details class="code-expand"><summary>Show code</summary>"#));
    assert!(docker.contains(r#"<pre class="mermaid">"#));
    assert!(
        docker.contains(r#"<div class="hint hint-danger has-icon" role="note" aria-label="Danger"><span class="hint-mark"><svg class="icon" aria-hidden="true"><use href="../../_folio/icons."#),
        "a hint's own icon"
    );
    assert!(
        book.output("getting-started/quickstart/index.html")
            .contains(r#"<p class="tab-title"><svg class="icon" aria-hidden="true"><use href="../../_folio/icons."#),
        "a tab's icon"
    );
}

#[test]
fn gitbook_html_is_rewritten_for_the_theme() {
    let book = clean_export();
    book.build_ok();
    let media = book.output("guides/layouts-and-media/index.html");
    assert!(
        media.contains(r#"alt="Network topology. Ports are listed on the install overview.""#),
        "empty alt takes the caption"
    );
    assert!(
        media.contains(r#"<a href="../../install/">install overview</a>"#),
        "links in captions rewritten"
    );
    assert!(media.contains(r#"src="../../.gitbook/assets/flow.excalidraw%20(1).svg""#));
    assert!(media.contains(r#"<mark class="mark-fg-orange mark-bg-purple">"#));
    assert!(
        media.contains(r#"<code class="expression">Community</code>"#),
        "page vars"
    );
    assert!(
        media.contains(r#"<code class="expression">Lantern Agent</code>"#),
        "space vars"
    );
    assert!(media.contains(r#"<figure class="image"><img src="../../.gitbook/assets/architecture.png" alt="Architecture overview""#));
    assert!(
        !media.contains("&amp;#x3C;"),
        "entities are not escaped twice"
    );
    let home = book.output("index.html");
    assert!(home.contains(r#"<td class="card-target"><a href="getting-started/quickstart/">"#));
    assert!(home.contains(r#"<td class="card-cover"><img src=".gitbook/assets/card%20quickstart%20(1).png" alt=""></td>"#));
    let headings = book.output("reference/headings/index.html");
    for id in [
        "intro",
        "intro-1",
        "intro-2",
        "api-v2.1",
        "id-3.-configure-the-proxy-1",
        "the-team-s-workflow",
        "überblick",
        "数字公共基础设施",
    ] {
        assert!(
            headings.contains(&format!(r#"<h2 id="{id}">"#))
                || headings.contains(&format!(r#"id="{id}">"#)),
            "id {id}"
        );
    }
    let proxy = book.output("install/proxy-settings/index.html");
    assert!(
        proxy.contains("&lt;scheme&gt;://&lt;host&gt;:&lt;port&gt;"),
        "character references decoded once"
    );
    assert!(home.contains(r#"<div class="cover cover-hero"><img src=".gitbook/assets/hero-banner.png" alt=""></div>"#), "front matter cover");
    let install_page = book.output("install/index.html");
    assert!(
        !install_page.contains(r#"class="cover"#),
        "layout.cover.visible: false"
    );
    assert!(install_page.contains(r#" wide">"#), "layout.width: wide");
    // Front matter icons: Font Awesome symbols of one sprite holding only
    // the icons the book uses, in the title and in the sidebar.
    let sprite_name = install_page
        .split("_folio/icons.")
        .nth(1)
        .and_then(|rest| rest.split(".svg").next())
        .expect("the page links the icon sprite");
    let sprite_path = format!("_folio/icons.{sprite_name}.svg");
    assert!(
        install_page.contains(&format!(
            r##"<h1><span class="page-icon"><svg class="icon" aria-hidden="true"><use href="../{sprite_path}#fa-download"></use></svg></span> Install</h1>"##
        )),
        "front matter icon in the title"
    );
    let guides = book.output("guides/index.html");
    assert!(
        guides.contains(&format!(
            r##"<span class="t"><svg class="icon" aria-hidden="true"><use href="../{sprite_path}#fa-code"></use></svg>API explorer</span>"##
        )),
        "a sibling's icon in the sidebar"
    );
    let media = book.output("guides/layouts-and-media/index.html");
    let rocket = format!(
        r##"<svg class="icon" aria-hidden="true"><use href="../../{sprite_path}#fa-rocket"></use></svg>"##
    );
    assert!(
        media.contains(&format!(r#"{rocket}<i class="fa-rocket" hidden="">"#)),
        "an inline Font Awesome icon is drawn, its fallback text hidden"
    );
    assert!(
        media.contains(&format!(
            r#"data-icon="rocket">{rocket}Start the quickstart</a>"#
        )),
        "a button's icon"
    );
    let sprite = book.output(&sprite_path);
    assert!(sprite.contains("Font Awesome Free") && sprite.contains("CC BY 4.0"));
    for used in [
        "download",
        "rocket",
        "code",
        "terminal",
        "aws",
        "life-ring",
        "key",
    ] {
        assert!(
            sprite.contains(&format!("<symbol id=\"fa-{used}\"")),
            "{used}"
        );
    }
    assert_eq!(
        sprite.matches("<symbol ").count(),
        10,
        "only the icons used (list-timeline is Font Awesome Pro, not in the sprite)"
    );
    assert!(book
        .output("nav.json")
        .contains(&format!("\"icons\":\"{sprite_path}\"")));
    assert!(
        !install_page.contains(r#"<p class="lead">"#),
        "layout.description.visible: false"
    );
    let no_index = book.output("help/cache-not-warming-after-restart./index.html");
    assert!(no_index.contains(r#"<meta name="robots" content="noindex">"#));
    assert!(!book.output("help/faq/index.html").contains("noindex"));
}

#[test]
fn builds_from_a_path_with_spaces_and_from_a_read_only_copy() {
    let outer = TestBook::empty();
    let spaced = outer.path().join("my docs (copy)");
    common::copy_dir(&common::fixtures().join("gitbook-export"), &spaced);
    fs::remove_dir_all(spaced.join("docs/broken")).unwrap();
    let summary = fs::read_to_string(spaced.join("docs/SUMMARY.md")).unwrap();
    fs::write(
        spaced.join("docs/SUMMARY.md"),
        &summary[..summary.find("## Broken on purpose").unwrap()],
    )
    .unwrap();
    make_read_only(&spaced, true);
    let out = outer.path().join("site out");
    let run = outer.run(&["build", "my docs (copy)", "--out", "site out"]);
    make_read_only(&spaced, false);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.join("install/linux/index.html").is_file());
    assert!(
        run.stderr.contains("my docs (copy)/docs/stale-copy.md:1:1"),
        "{}",
        run.stderr
    );
}

fn make_read_only(dir: &std::path::Path, read_only: bool) {
    for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
        let mut permissions = entry.metadata().unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        permissions.set_readonly(read_only);
        fs::set_permissions(entry.path(), permissions).unwrap();
    }
}

#[test]
fn a_book_toml_beside_the_export_adds_site_settings() {
    let book = clean_export();
    book.write(
        "book.toml",
        "[book]\ntitle = \"Lantern docs\"\n\n[output.html]\nsite-url = \"https://docs.example.org/\"\n",
    );
    let run = book.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let quickstart = book.output("getting-started/quickstart/index.html");
    assert!(
        quickstart.contains("<title>Quickstart - Lantern docs</title>"),
        "{quickstart}"
    );
    assert!(quickstart.contains(
        r#"<link rel="canonical" href="https://docs.example.org/getting-started/quickstart/">"#
    ));
    assert!(
        book.output_exists("getting-started/setup/index.html"),
        "redirects still apply"
    );
}
