//! `folio build` on fixture books: the site a reader gets.

mod common;

use common::{main_of, TestBook};

#[test]
fn pages_are_served_at_gitbook_urls() {
    let book = TestBook::fixture("basic");
    let run = book.build_ok();
    for page in [
        "index.html",
        "guide/index.html",
        "guide/install/index.html",
        "guide/linux/index.html",
        "reference/config_files/index.html",
    ] {
        assert!(
            book.output_exists(page),
            "{page} missing; stderr:\n{}",
            run.stderr
        );
    }
    assert!(
        !book.output_exists("orphan/index.html"),
        "orphans are not published"
    );
    assert!(
        run.stderr.contains("orphan.md:1:1: warning[orphan-page]"),
        "{}",
        run.stderr
    );
}

#[test]
fn links_are_rewritten_to_output_urls() {
    let book = TestBook::fixture("basic");
    book.build_ok();
    let home = book.output("index.html");
    assert!(home.contains(r#"<a href="guide/">guide</a>"#), "{home}");
    assert!(
        home.contains(r#"<a href="reference/config_files/#search-and-filter">config files</a>"#),
        "{home}"
    );
    let guide = book.output("guide/index.html");
    assert!(guide.contains(r#"<a href="../">home</a>"#));
    assert!(guide.contains(r#"<a href="install/#id-3.-configure-the-proxy">installing</a>"#));
    let install = book.output("guide/install/index.html");
    assert!(install.contains(r##"<a href="#intro">the overview</a>"##));
    assert!(install.contains(r##"<a href="#intro-1">the second intro</a>"##));
}

#[test]
fn headings_get_gitbook_ids_and_custom_anchors() {
    let book = TestBook::fixture("basic");
    book.build_ok();
    let install = main_of(&book.output("guide/install/index.html")).to_string();
    assert!(
        install.contains(r#"<h2 id="id-3.-configure-the-proxy">3. Configure the proxy"#),
        "{install}"
    );
    assert!(
        install.contains(r#"<h2 id="intro">Overview"#),
        "custom anchor lifted: {install}"
    );
    assert!(
        install.contains(r#"<h2 id="intro-1">Intro"#),
        "de-duplicated: {install}"
    );
    assert!(
        !install.contains(r##"<a href="#intro" id="intro">"##),
        "empty anchor dropped"
    );
}

#[test]
fn assets_keep_their_names_and_are_url_encoded() {
    let book = TestBook::fixture("basic");
    book.build_ok();
    assert!(book.output_exists(".gitbook/assets/topology (1) é.png"));
    let install = book.output("guide/install/index.html");
    let encoded = "../../.gitbook/assets/topology%20(1)%20%C3%A9.png";
    assert!(
        install.contains(&format!(
            r#"<img src="{encoded}" alt="Topology" decoding="async" />"#
        )),
        "{install}"
    );
    assert!(
        install.contains(&format!(
            r#"<figure><img src="{encoded}" alt="Topology" loading="lazy" decoding="async">"#
        )),
        "{install}"
    );
}

#[test]
fn description_is_subtitle_meta_and_opengraph() {
    let book = TestBook::fixture("basic");
    book.build_ok();
    let home = book.output("index.html");
    let folded = "Everything about the basic book, folded.";
    assert!(
        home.contains(&format!(r#"<meta name="description" content="{folded}">"#)),
        "{home}"
    );
    assert!(home.contains(&format!(
        r#"<meta property="og:description" content="{folded}">"#
    )));
    assert!(home.contains(&format!(r#"<p class="lead">{folded}</p>"#)));
    assert!(home.contains(r#"<link rel="canonical" href="https://example.org/docs/">"#));
    let install = book.output("guide/install/index.html");
    assert!(install
        .contains(r#"<link rel="canonical" href="https://example.org/docs/guide/install/">"#));
    assert!(install.contains("<title>Install - Basic book</title>"));
}

#[test]
fn sidebar_follows_summary_order_parts_and_link_titles() {
    let book = TestBook::fixture("basic");
    book.build_ok();
    let linux = book.output("guide/linux/index.html");
    let sidebar = &linux[linux.find(r#"aria-label="Pages""#).unwrap()..];
    let sidebar = &sidebar[..sidebar.find("</nav>").unwrap()];
    let order: Vec<usize> = [
        "Welcome",
        "Guide",
        "Installing",
        "On Linux",
        "Vendor downloads",
        "Reference",
        "Config_files",
    ]
    .iter()
    .map(|label| {
        sidebar
            .find(label)
            .unwrap_or_else(|| panic!("{label} not in sidebar:\n{sidebar}"))
    })
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "sidebar order {order:?}:\n{sidebar}"
    );
    assert!(
        sidebar.contains(r#"<a href="./" aria-current="page">On Linux</a>"#),
        "{sidebar}"
    );
    assert!(sidebar.contains(r#"href="https://downloads.example.org/""#));
}

#[test]
fn previous_and_next_follow_summary_order() {
    let book = TestBook::fixture("basic");
    book.build_ok();
    let install = book.output("guide/install/index.html");
    assert!(
        install.contains(r#"<a class="prev" rel="prev" href="../">"#),
        "{install}"
    );
    assert!(
        install.contains(r#"<a class="next" rel="next" href="../linux/">"#),
        "{install}"
    );
    let linux = book.output("guide/linux/index.html");
    assert!(linux.contains(r#"rel="next" href="../../reference/config_files/""#));
    let home = book.output("index.html");
    assert!(
        !home.contains(r#"rel="prev""#),
        "the first page has no previous page"
    );
}

#[test]
fn breadcrumbs_and_outline() {
    let book = TestBook::fixture("basic");
    book.build_ok();
    let linux = book.output("guide/linux/index.html");
    let crumbs = &linux[linux.find(r#"aria-label="Breadcrumb""#).unwrap()..];
    let crumbs = &crumbs[..crumbs.find("</nav>").unwrap()];
    assert!(
        crumbs.contains(r#"<a href="../../">Basic book</a>"#),
        "{crumbs}"
    );
    assert!(
        crumbs.contains(r#"<a href="../install/">Install</a>"#),
        "{crumbs}"
    );
    let install = book.output("guide/install/index.html");
    let outline = &install[install.find(r#"aria-label="On this page""#).unwrap()..];
    assert!(
        outline.contains(r##"<a href="#id-3.-configure-the-proxy">3. Configure the proxy</a>"##)
    );
    assert!(outline.contains(r##"<a href="#intro">Overview</a>"##));
}

#[test]
fn markdown_extensions_and_highlighting() {
    let book = TestBook::fixture("basic");
    book.build_ok();
    let linux = main_of(&book.output("guide/linux/index.html")).to_string();
    assert!(linux.contains("<table>"), "{linux}");
    assert!(linux.contains("<del>strike</del>"));
    assert!(linux.contains(r#"<input type="checkbox" disabled checked aria-label="done">"#));
    assert!(linux.contains("footnote-definition"));
    let install = book.output("guide/install/index.html");
    assert!(
        install.contains(r#"<code class="language-rust"><span class="hl-"#),
        "{install}"
    );
    assert!(book
        .output(&book.theme_file("highlight-light.css"))
        .contains(".hl-"));
    assert!(book
        .output(&book.theme_file("highlight-dark.css"))
        .contains(".hl-"));
}

#[test]
fn theme_assets_have_content_hashed_names_the_pages_use() {
    let book = TestBook::fixture("basic");
    book.build_ok();
    let css = book.theme_file("folio.css");
    let name = css.trim_start_matches("_folio/");
    let hash = name.trim_start_matches("folio.").trim_end_matches(".css");
    assert_eq!(hash.len(), 16, "{name}");
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(book
        .output("guide/install/index.html")
        .contains(&format!(r#"href="../../{css}""#)));
    assert!(book
        .output("index.html")
        .contains(&format!(r#"href="{css}""#)));
    assert!(
        !book.output_exists("_folio/folio.css"),
        "only the hashed name is published"
    );
}

#[test]
fn build_output_has_no_live_reload_or_external_requests() {
    let book = TestBook::fixture("basic");
    book.build_ok();
    let out = book.path().join("book");
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(&out).into_iter().flatten() {
        if entry.path().extension().is_none_or(|ext| ext != "html") {
            continue;
        }
        pages += 1;
        let html = std::fs::read_to_string(entry.path()).unwrap();
        // `folio serve` injects `<script src="/__folio/live.js" defer>`
        // (tests/serve.rs checks it is there); a build never does.
        assert!(
            !html.contains("/__folio/"),
            "{}: the preview's live-reload tag",
            entry.path().display()
        );
        for forbidden in ["//cdn", "fonts.googleapis", "EventSource"] {
            assert!(
                !html.contains(forbidden),
                "{forbidden} in {}",
                entry.path().display()
            );
        }
        // Addresses elsewhere are links a reader follows, never loads.
        for attribute in ["src=\"http", "src=\"//", "href=\"//"] {
            assert!(
                !html.contains(attribute),
                "{attribute} in {}",
                entry.path().display()
            );
        }
    }
    assert!(pages >= 5, "only {pages} pages checked");
    assert!(book.output_exists(".nojekyll"));
}

#[test]
fn a_book_toml_theme_overrides_the_default_file_by_file() {
    let book = TestBook::fixture("basic");
    book.write(
        "theme/page.html",
        "<p>{{ page.title }}|{{ nav.home_url }}</p>{{ page.content | safe }}",
    );
    book.build_ok();
    let install = book.output("guide/install/index.html");
    assert!(install.starts_with("<p>Install|../../</p>"), "{install}");
    assert!(
        book.output_exists(&book.theme_file("folio.css")),
        "default static files remain"
    );
}

#[test]
fn site_files_markdown_llms_sitemap_robots_and_404() {
    let book = TestBook::fixture("basic");
    book.build_ok();
    assert!(
        book.output("guide/install.md").starts_with("# Install"),
        "page Markdown at its URL plus .md"
    );
    assert!(book.output("index.md").starts_with("# Welcome"));
    let llms = book.output("llms.txt");
    assert!(
        llms.starts_with("# Basic book\n\n> A fixture book for folio's tests.\n"),
        "{llms}"
    );
    assert!(
        llms.contains("- [Install](https://example.org/docs/guide/install.md): How to install."),
        "{llms}"
    );
    assert!(llms.contains("- [On Linux](https://example.org/docs/guide/linux.md)\n"));
    let full = book.output("llms-full.txt");
    let install = full.find("Title: Install").unwrap();
    let linux = full.find("Title: On Linux").unwrap();
    assert!(install < linux, "reading order");
    assert!(full.contains("## 3. Configure the proxy"));
    let sitemap = book.output("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/docs/guide/install/</loc>"));
    assert_eq!(sitemap.matches("<loc>").count(), 5);
    assert!(book
        .output("robots.txt")
        .contains("Sitemap: https://example.org/docs/sitemap.xml"));
    let not_found = book.output("404.html");
    assert!(
        not_found.contains(r#"<base href="/docs/">"#),
        "works at any depth under the site's path"
    );
    assert!(not_found.contains(&format!(r#"href="{}""#, book.theme_file("folio.css"))));

    book.write("book.toml", "[book]\ntitle = \"No address\"\n");
    book.build_ok();
    assert!(
        !book.output_exists("sitemap.xml"),
        "a sitemap needs absolute URLs"
    );
    let not_found = book.output("404.html");
    assert!(
        !not_found.contains("<base href=") && not_found.contains(r#"createElement("base")"#),
        "without site-url the root is found where the page is served: {not_found}"
    );
    assert!(book
        .output("llms.txt")
        .contains("- [Install](guide/install.md): How to install."));
}

/// The pages of `[impact, page, section, +gap, section, …]` groups, with
/// their impacts and sections.
fn postings(groups: &serde_json::Value) -> Vec<(u64, u64, u64)> {
    let mut out = Vec::new();
    for group in groups.as_array().unwrap() {
        let group = group.as_array().unwrap();
        let mut page = 0;
        for pair in group[1..].chunks(2) {
            page += pair[0].as_u64().unwrap();
            out.push((page, group[0].as_u64().unwrap(), pair[1].as_u64().unwrap()));
        }
    }
    out
}

#[test]
fn search_index_is_split_into_term_shards_and_page_chunks() {
    let book = TestBook::fixture("basic");
    book.build_ok();
    let meta: serde_json::Value = serde_json::from_str(&book.output("search/meta.json")).unwrap();
    let chunk = meta["chunk"].as_u64().unwrap();
    let shards: Vec<serde_json::Value> = (0..meta["shards"].as_u64().unwrap())
        .map(|n| serde_json::from_str(&book.output(&format!("search/t/{n}.json"))).unwrap())
        .collect();
    // "proxy" is stemmed to "proxi", which lists the word it came from.
    let holding: Vec<_> = shards.iter().filter(|s| s.get("proxi").is_some()).collect();
    assert_eq!(
        holding.len(),
        1,
        "a stem whose forms share a prefix lives in one shard"
    );
    let entry = &holding[0]["proxi"];
    assert_eq!(
        entry["w"],
        serde_json::json!(["=proxy"]),
        "a form that does not start with its stem is written whole"
    );
    assert_eq!(entry["n"], 1, "one page mentions a proxy");
    let (page, impact, section) = postings(&entry["p"])[0];
    assert_eq!(impact >> 3, 2, "found in a heading");
    assert!((1..=7).contains(&(impact & 7)));
    let records: serde_json::Value =
        serde_json::from_str(&book.output(&format!("search/d/{}.json", page / chunk))).unwrap();
    let found = &records[(page % chunk) as usize];
    assert_eq!(found[0], "guide/install/");
    assert_eq!(found[1], "Install");
    assert_eq!(found[2], "Guide", "the breadcrumb");
    let heading = &found[3][section as usize];
    assert_eq!(
        heading[0], "id-3.-configure-the-proxy",
        "the section links to its exact heading"
    );
    assert_eq!(heading[1], "3. Configure the proxy");
    let version = meta["version"].as_str().unwrap().to_string();
    assert_eq!(version.len(), 16);
    book.write("guide/linux.md", "# On Linux\n\nNow with a lantern.\n");
    book.build_ok();
    let meta: serde_json::Value = serde_json::from_str(&book.output("search/meta.json")).unwrap();
    assert_ne!(
        meta["version"].as_str().unwrap(),
        version,
        "a changed index gets a new version, so browsers do not mix cached files"
    );
    let html = book.output("index.html");
    assert!(
        html.contains(r#"<button type="button" class="search-open" hidden"#),
        "shown by the script only"
    );
    assert!(html.contains(r#"data-root="""#));
    assert!(book
        .output("guide/install/index.html")
        .contains(r#"data-root="../../""#));
}

#[test]
fn a_page_with_only_headings_is_found_by_its_title() {
    let book = TestBook::fixture("basic");
    book.write(
        "guide/linux.md",
        "---\ndescription: Packages for Debian.\n---\n\n# On Linux\n\n## Steps\n\n### Download\n\nFetch the archive.\n",
    );
    book.build_ok();
    let meta: serde_json::Value = serde_json::from_str(&book.output("search/meta.json")).unwrap();
    let shards: Vec<serde_json::Value> = (0..meta["shards"].as_u64().unwrap())
        .map(|n| serde_json::from_str(&book.output(&format!("search/t/{n}.json"))).unwrap())
        .collect();
    let linux = shards
        .iter()
        .find_map(|s| s.get("linux").cloned())
        .expect("the title is indexed");
    let (page, impact, section) = postings(&linux["p"])[0];
    assert_eq!(
        (impact >> 3, section),
        (3, 0),
        "a title word, leading to the page itself"
    );
    let chunk = meta["chunk"].as_u64().unwrap();
    let records: serde_json::Value =
        serde_json::from_str(&book.output(&format!("search/d/{}.json", page / chunk))).unwrap();
    let sections = &records[(page % chunk) as usize][3];
    assert_eq!(
        sections[0][2], "Packages for Debian.",
        "the top's snippet is the description"
    );
    assert_eq!(sections[1][1], "Steps");
    assert_eq!(
        sections[1][2], "Fetch the archive.",
        "a heading alone shows the text after it"
    );
}

#[test]
fn a_common_word_keeps_its_best_postings_in_the_shard_and_the_rest_in_tiers() {
    let book = TestBook::fixture("basic");
    let mut summary = std::fs::read_to_string(book.path().join("SUMMARY.md")).unwrap();
    for n in 0..400 {
        // The word is on every page; page 7 says it most.
        let times = if n == 7 { 6 } else { 1 };
        book.write(
            &format!("lanterns/part-{n}.md"),
            &format!("# Part {n}\n\n{}\n", "A lantern shines. ".repeat(times)),
        );
        summary.push_str(&format!("* [Part {n}](lanterns/part-{n}.md)\n"));
    }
    book.write("SUMMARY.md", &summary);
    book.build_ok();
    let meta: serde_json::Value = serde_json::from_str(&book.output("search/meta.json")).unwrap();
    let entry = (0..meta["shards"].as_u64().unwrap())
        .map(|n| {
            serde_json::from_str::<serde_json::Value>(&book.output(&format!("search/t/{n}.json")))
                .unwrap()
        })
        .find_map(|shard| shard.get("lantern").cloned())
        .expect("indexed");
    assert_eq!(entry["n"], 400);
    let first = postings(&entry["p"]);
    assert_eq!(first.len(), 256, "the first tier stays in the shard");
    assert!(
        first.windows(2).all(|w| w[0].1 >= w[1].1),
        "best impact first"
    );
    let best = first[0].0;
    let chunk = meta["chunk"].as_u64().unwrap();
    let records: serde_json::Value =
        serde_json::from_str(&book.output(&format!("search/d/{}.json", best / chunk))).unwrap();
    assert_eq!(records[(best % chunk) as usize][1], "Part 7");
    let more = entry["more"].as_array().expect("a second tier");
    assert_eq!(more.len(), 1);
    let rest: serde_json::Value =
        serde_json::from_str(&book.output(&format!("search/p/{}.json", more[0]))).unwrap();
    let mut all: Vec<u64> = first.iter().chain(&postings(&rest)).map(|d| d.0).collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 400, "every page once across the tiers");
}

#[test]
fn last_updated_from_git_and_edit_links() {
    let book = TestBook::fixture("basic");
    book.write(
        "book.toml",
        "[book]\ntitle = \"Basic\"\n\n[output.html]\nedit-url-template = \"https://git.example.org/kb/edit/main/{path}\"\nlast-updated = true\n",
    );
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(book.path())
            .env("GIT_COMMITTER_DATE", "2024-03-22T10:00:00Z")
            .env("GIT_AUTHOR_DATE", "2024-03-22T10:00:00Z")
            .output()
            .unwrap()
            .status;
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&[
        "-c",
        "user.name=T",
        "-c",
        "user.email=t@example.org",
        "commit",
        "-qm",
        "first",
    ]);
    book.build_ok();
    let html = book.output("guide/install/index.html");
    assert!(
        html.contains(r#"Last updated <time datetime="2024-03-22">2024-03-22</time>"#),
        "{html}"
    );
    assert!(html.contains(
        r#"<a href="https://git.example.org/kb/edit/main/guide/install.md">Edit this page</a>"#
    ));
}

#[test]
fn mermaid_diagrams_are_drawn_with_no_configuration() {
    let book = TestBook::fixture("basic");
    book.build_ok();
    assert!(
        !book.output_exists("_folio/mermaid-12.3.0.min.js"),
        "no diagram, no script"
    );
    book.write(
        "guide/linux.md",
        "# On Linux\n\n```mermaid\ngraph TD; A-->B\n```\n",
    );
    book.build_ok();
    let linux = book.output("guide/linux/index.html");
    assert!(
        linux.contains(r#"<script src="../../_folio/mermaid-12.3.0.min.js" defer></script>"#),
        "{linux}"
    );
    assert!(!book.output("guide/install/index.html").contains("mermaid"));
    let script = book.output("_folio/mermaid-12.3.0.min.js");
    assert!(script.len() > 1_000_000 && script.contains("mermaid"));
}

#[test]
fn mermaid_diagrams_load_the_configured_script_only_where_needed() {
    let book = TestBook::fixture("basic");
    let config = std::fs::read_to_string(book.path().join("book.toml")).unwrap();
    book.write(
        "book.toml",
        &format!("{config}mermaid = \"vendor/mermaid.min.js\"\n"),
    );
    book.write(
        "vendor/mermaid.min.js",
        "window.mermaid = { initialize() {}, run() {} };\n",
    );
    book.write(
        "guide/linux.md",
        "# On Linux\n\n```mermaid\ngraph TD; A-->B\n```\n",
    );
    book.build_ok();
    let linux = book.output("guide/linux/index.html");
    assert!(
        linux.contains(r#"<script src="../../vendor/mermaid.min.js" defer></script>"#),
        "{linux}"
    );
    assert!(linux.contains("<pre class=\"mermaid\">graph TD; A--&gt;B\n</pre>"));
    assert!(
        !book
            .output("guide/install/index.html")
            .contains("mermaid.min.js"),
        "only pages with diagrams"
    );
    assert!(book.output_exists("vendor/mermaid.min.js"));
    assert!(
        !book.output_exists("_folio/mermaid-12.3.0.min.js"),
        "the bundled copy is not published when the book brings its own"
    );
    book.write(
        "book.toml",
        &format!("{config}mermaid = \"vendor/missing.js\"\n"),
    );
    let run = book.run(&["build"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("book.toml:7:1: error[invalid-config]: the Mermaid script `vendor/missing.js` is not a file in the book"), "{}", run.stderr);
}

#[test]
fn a_logo_replaces_the_title_and_has_a_dark_variant() {
    let book = TestBook::fixture("basic");
    book.write(
        "brand/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    book.write(
        "brand/logo-dark.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    let config = "[book]\ntitle = \"Basic logo book\"\n\n[output.html]\n";
    book.write(
        "book.toml",
        &format!("{config}logo = \"brand/logo.svg\"\nlogo-dark = \"./brand/logo-dark.svg\"\n"),
    );
    book.build_ok();
    let nested = book.output("guide/install/index.html");
    assert!(
        nested.contains(r#"<a class="brand" href="../../"><picture><source srcset="../../brand/logo-dark.svg" media="(prefers-color-scheme: dark)"><img class="logo" src="../../brand/logo.svg" alt="Basic logo book"></picture></a>"#),
        "{nested}"
    );
    assert!(book.output_exists("brand/logo.svg") && book.output_exists("brand/logo-dark.svg"));

    book.write(
        "book.toml",
        &format!("{config}logo-dark = \"brand/logo-dark.svg\"\nlogo = \"../outside.svg\"\n"),
    );
    let run = book.run(&["build"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("book.toml:6:1: error[invalid-config]: the logo `../outside.svg` is not a file in the book"),
        "the key's own line, not logo-dark's: {}",
        run.stderr
    );
}

#[test]
fn the_whole_book_on_one_page_for_printing() {
    let book = TestBook::fixture("basic");
    book.build_ok();
    let print = book.output("print/index.html");
    let order: Vec<usize> = ["Welcome", "Guide", "Install", "On Linux", "Config files"]
        .iter()
        .map(|title| {
            print
                .find(&format!("-title\">{title}</h2>"))
                .unwrap_or_else(|| panic!("{title}"))
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "reading order");
    assert!(
        print.contains(r##"<a href="#p1">guide</a>"##),
        "links between pages stay in the print page: {print}"
    );
    assert!(
        print.contains(r#"src="../.gitbook/assets/topology%20(1)%20%C3%A9.png""#),
        "files relative to print/"
    );
    assert!(book
        .output("guide/index.html")
        .contains(r#"<a href="../print/">The whole book on one page</a>"#));
}

#[test]
fn the_whole_navigation_is_published_once_as_json() {
    let book = TestBook::fixture("basic");
    book.build_ok();
    let nav: serde_json::Value = serde_json::from_str(&book.output("nav.json")).unwrap();
    let guide = &nav["sections"][0]["groups"][0]["items"][1];
    assert_eq!(guide["title"], "Guide");
    assert_eq!(guide["url"], "guide/");
    assert_eq!(guide["children"][0]["title"], "Installing");
    assert_eq!(guide["children"][0]["children"][0]["url"], "guide/linux/");
    assert_eq!(guide["children"][1]["external"], true);
}

#[test]
fn the_print_page_can_be_turned_off() {
    let book = TestBook::fixture("basic");
    book.write(
        "book.toml",
        "[book]\ntitle = \"Basic\"\n\n[output.html]\nprint = false\n",
    );
    book.build_ok();
    assert!(!book.output_exists("print/index.html"));
    assert!(!book.output("guide/index.html").contains("print-link"));
}

#[test]
fn highlighted_code_is_cached_across_builds_and_damage_is_rebuilt() {
    let book = TestBook::fixture("basic");
    let readme = std::fs::read_to_string(book.path().join("README.md")).unwrap();
    let big = "let x = 1;\n".repeat(30_000);
    book.write(
        "README.md",
        &format!("{readme}\n```rust\nfn main() {{}}\n```\n\n```yaml\na: [1, 2]\n```\n\n```rust\n{big}```\n"),
    );
    book.build_ok();
    let first = book.output("index.html");
    assert!(first.contains("hl-"), "{first}");
    // The 330 KB block is shown plain, with the note.
    assert!(first.contains("<p class=\"code-note\">"), "{first}");
    let cache_files = || -> Vec<std::path::PathBuf> {
        walkdir::WalkDir::new(book.path().join(".folio-cache/highlight"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_file())
            .map(|entry| entry.into_path())
            .collect()
    };
    // One pack for the whole build, holding the fixture's own code blocks
    // and the two added ones; the plain block is not stored.
    let packs = cache_files();
    assert_eq!(packs.len(), 1, "{packs:?}");
    let stored = packs[0].metadata().unwrap().len();
    assert!(
        stored < 100_000,
        "{stored} bytes: the plain block was stored"
    );
    // A warm build gives the same page, and adds no pack.
    book.build_ok();
    assert_eq!(book.output("index.html"), first);
    assert_eq!(cache_files(), packs);
    // Damaged packs are never trusted: the page is the same, and the
    // blocks are stored again in a sound pack.
    let bytes = std::fs::read(&packs[0]).unwrap();
    let damages: [Vec<u8>; 2] = [
        bytes[..bytes.len() / 2].to_vec(),
        bytes
            .iter()
            .map(|b| if *b == b'<' { b'>' } else { *b })
            .collect(),
    ];
    for damaged in damages {
        for pack in cache_files() {
            std::fs::write(pack, &damaged).unwrap();
        }
        // Without kept pages, so that every block is looked up.
        let pages = book.path().join(".folio-cache/pages");
        std::fs::remove_dir_all(&pages).unwrap();
        book.build_ok();
        assert_eq!(book.output("index.html"), first);
        std::fs::remove_dir_all(&pages).unwrap();
        book.build_ok();
        assert_eq!(book.output("index.html"), first);
        // A pack whose index fails is deleted; one whose entries fail
        // stays until the cache is compacted, but is never read from.
        let mut restored = cache_files();
        restored.sort();
        assert!((1..=2).contains(&restored.len()), "{restored:?}");
        let newest = std::fs::read(restored.last().unwrap()).unwrap();
        assert!(newest.starts_with(b"folio-cache 2\n") && newest.ends_with(b"FOLIOPK1"));
    }
}

/// A PNG of `width` × `height` (only its header: all a size reader needs).
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    bytes.extend(width.to_be_bytes());
    bytes.extend(height.to_be_bytes());
    bytes.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
    bytes
}

#[test]
fn images_carry_their_size_and_load_lazily_after_the_first() {
    let book = TestBook::empty();
    book.write("SUMMARY.md", "# Summary\n\n* [Home](README.md)\n");
    book.write(
        "README.md",
        "# Home\n\n![A chart](images/chart.png)\n\n![A logo](images/logo.svg \"Our logo\")\n\n<figure><img src=\"images/chart.png\" alt=\"\"><figcaption><p>The chart again</p></figcaption></figure>\n\n![Missing size](images/notes.txt)\n",
    );
    std::fs::create_dir_all(book.path().join("images")).unwrap();
    std::fs::write(book.path().join("images/chart.png"), png_header(640, 360)).unwrap();
    book.write(
        "images/logo.svg",
        "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 120 40\"><rect/></svg>\n",
    );
    book.write("images/notes.txt", "not an image");
    book.build_ok();
    let html = common::main_of(&book.output("index.html")).to_string();
    assert!(
        html.contains(r#"<img src="images/chart.png" alt="A chart" width="640" height="360" decoding="async" />"#),
        "the first image loads at once, with its size: {html}"
    );
    assert!(
        html.contains(r#"<img src="images/logo.svg" alt="A logo" title="Our logo" width="120" height="40" loading="lazy" decoding="async" />"#),
        "{html}"
    );
    assert!(
        html.contains(r#"<img src="images/chart.png" alt="The chart again" width="640" height="360" loading="lazy" decoding="async">"#),
        "raw HTML images too: {html}"
    );
    assert!(
        html.contains(
            r#"<img src="images/notes.txt" alt="Missing size" loading="lazy" decoding="async" />"#
        ),
        "{html}"
    );
}

#[test]
fn the_print_page_keeps_ids_apart_and_links_to_its_own_sections() {
    let book = TestBook::empty();
    book.write(
        "SUMMARY.md",
        "# Summary\n\n* [Home](README.md)\n* [Alpha](alpha.md)\n* [Beta](beta.md)\n",
    );
    book.write("README.md", "# Home\n\nWelcome.\n");
    book.write(
        "alpha.md",
        "# Alpha\n\n## Setup\n\nSee [Beta's setup](beta.md#setup), [Beta](beta.md), [here](#setup) and [the image](images/chart.png).\n",
    );
    book.write(
        "beta.md",
        "# Beta\n\n## Setup\n\nBeta's own setup. <a id=\"custom\"></a>[Back](alpha.md#setup)\n\n![Chart](images/chart.png)\n",
    );
    std::fs::create_dir_all(book.path().join("images")).unwrap();
    std::fs::write(book.path().join("images/chart.png"), png_header(8, 4)).unwrap();
    book.build_ok();
    let print = book.output("print/index.html");
    let ids: Vec<&str> = print
        .split(" id=\"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "duplicate ids: {ids:?}");
    assert!(
        ids.contains(&"p1--setup") && ids.contains(&"p2--setup"),
        "{ids:?}"
    );
    assert!(
        ids.contains(&"p2--custom"),
        "raw HTML ids are prefixed too: {ids:?}"
    );
    for href in ["#p2--setup", "#p2", "#p1--setup"] {
        assert!(
            print.contains(&format!("href=\"{href}\"")),
            "{href} in\n{print}"
        );
        assert!(
            ids.contains(&&href[1..]),
            "{href} leads to an id on the page"
        );
    }
    assert_eq!(
        print.matches("href=\"#p1--setup\"").count(),
        3,
        "alpha's own #setup, beta's link back and alpha's self-link anchor"
    );
    assert!(print.contains("src=\"../images/chart.png\""), "{print}");
    assert!(print.contains("href=\"../images/chart.png\""), "{print}");
}

/// The progress line is for people at a terminal: `script` gives the build
/// one; piped output and `--quiet` get none. The one-second delay is set
/// to zero through the test hook so a small book shows it.
#[test]
fn a_progress_line_only_on_a_terminal_and_not_with_quiet() {
    if !std::path::Path::new("/usr/bin/script").is_file() {
        eprintln!("skipped: needs script(1) from util-linux");
        return;
    }
    let book = TestBook::fixture("basic");
    let on_terminal = |extra: &str| {
        let command = format!(
            "{} build {} {extra}",
            env!("CARGO_BIN_EXE_folio"),
            book.path().display()
        );
        let output = std::process::Command::new("/usr/bin/script")
            .args(["-qec", &command, "/dev/null"])
            .env("FOLIO_PROGRESS_AFTER_MS", "0")
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let shown = on_terminal("");
    assert!(
        shown.contains("folio: rendering pages 5/5") && shown.contains("\r\x1b[2K"),
        "{shown:?}"
    );
    assert!(
        shown.contains("built 5 pages"),
        "the report follows: {shown:?}"
    );
    let quiet = on_terminal("--quiet");
    assert!(!quiet.contains("rendering pages"), "{quiet:?}");
    let piped = book.run(&["build"]);
    assert!(
        !piped.stderr.contains("rendering pages"),
        "{}",
        piped.stderr
    );
}

/// A folio built without the `external` feature (a CI-only install) says
/// it cannot check external links, rather than passing them unchecked.
#[cfg(not(feature = "external"))]
#[test]
fn without_the_external_feature_external_checks_are_refused() {
    let book = TestBook::fixture("basic");
    let run = book.run(&["check", "--external"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("built without external link checks"),
        "{}",
        run.stderr
    );
}

/// Every file of the book's built site, by path.
fn site_files(book: &TestBook) -> std::collections::BTreeMap<String, Vec<u8>> {
    let out = book.path().join("book");
    walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .filter(|entry| entry.file_name() != ".folio-build")
        .map(|entry| {
            let rel = entry.path().strip_prefix(&out).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read(entry.path()).unwrap(),
            )
        })
        .collect()
}

/// Asserts that the book's site is, file for file, the site a build of
/// the same sources with no cache writes.
fn assert_same_as_a_fresh_build(book: &TestBook) {
    let fresh = TestBook::empty();
    common::copy_dir(book.path(), fresh.path());
    for derived in [".folio-cache", "book"] {
        std::fs::remove_dir_all(fresh.path().join(derived)).unwrap();
    }
    let run = fresh.build_ok();
    assert!(!run.stderr.contains("unchanged"), "{}", run.stderr);
    let (kept, built) = (site_files(book), site_files(&fresh));
    assert_eq!(
        kept.keys().collect::<Vec<_>>(),
        built.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &kept {
        assert!(
            bytes == &built[path],
            "{path} differs from a fresh build's:\n{}\n---\n{}",
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&built[path])
        );
    }
}

#[cfg(unix)]
#[test]
fn a_rebuild_takes_unchanged_files_over_from_the_current_site_only_as_it_left_them() {
    use std::os::unix::fs::MetadataExt;
    let book = TestBook::fixture("basic");
    book.build_ok();
    let site = book.path().join("book");
    let inode = |path: &str| std::fs::metadata(site.join(path)).unwrap().ino();
    let asset = ".gitbook/assets/topology (1) é.png";
    let (linux, linux_md, install, robots, image) = (
        inode("guide/linux/index.html"),
        inode("guide/linux.md"),
        inode("guide/install/index.html"),
        inode("robots.txt"),
        inode(asset),
    );
    let install_md = std::fs::read_to_string(book.path().join("guide/install.md")).unwrap();
    book.write(
        "guide/install.md",
        &format!("{install_md}\nZebrafish need care.\n"),
    );
    // Files the book does not make are removed, as by a whole new site.
    std::fs::write(site.join("stray.txt"), "x").unwrap();
    std::fs::create_dir_all(site.join("old/deep")).unwrap();
    std::fs::write(site.join("old/deep/index.html"), "x").unwrap();
    book.build_ok();
    assert!(!site.join("old").exists());
    // The unchanged page and its Markdown are the same files, linked.
    assert_eq!(inode("guide/linux/index.html"), linux);
    assert_eq!(inode("guide/linux.md"), linux_md);
    assert_ne!(inode("guide/install/index.html"), install);
    assert!(book.output("guide/install.md").contains("Zebrafish"));
    // So are a site file with the same bytes and an unchanged book file.
    assert_eq!(inode("robots.txt"), robots);
    assert_eq!(inode(asset), image);
    assert_same_as_a_fresh_build(&book);
    // A book file that changed is copied again.
    std::fs::write(book.path().join(asset), png(64, 48)).unwrap();
    book.build_ok();
    assert_eq!(std::fs::read(site.join(asset)).unwrap(), png(64, 48));
    assert_same_as_a_fresh_build(&book);
    // A file edited in the site by hand is written again, not kept.
    let page = site.join("guide/linux/index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, format!("{html}<!-- tampered -->")).unwrap();
    book.build_ok();
    assert!(!book.output("guide/linux/index.html").contains("tampered"));
    assert_same_as_a_fresh_build(&book);
    // So is one replaced by another file of the same size and time.
    let meta = std::fs::metadata(&page).unwrap();
    let other = book.path().join("other.html");
    std::fs::write(&other, "x".repeat(meta.len() as usize)).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&other)
        .unwrap()
        .set_modified(meta.modified().unwrap())
        .unwrap();
    std::fs::rename(&other, &page).unwrap();
    book.build_ok();
    assert!(book.output("guide/linux/index.html").contains("<html"));
    assert_same_as_a_fresh_build(&book);
    // A damaged manifest only means every file is written.
    let linked = inode("guide/linux/index.html");
    for entry in std::fs::read_dir(book.path().join(".folio-cache/sites")).unwrap() {
        std::fs::write(entry.unwrap().path(), "folio-manifest 1\nnonsense\n").unwrap();
    }
    book.build_ok();
    assert_ne!(inode("guide/linux/index.html"), linked);
    assert_same_as_a_fresh_build(&book);
}

/// A PNG header for an image of `width` × `height`.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    bytes.extend(width.to_be_bytes());
    bytes.extend(height.to_be_bytes());
    bytes.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
    bytes
}

#[test]
fn unchanged_pages_are_taken_from_the_last_build_and_the_site_is_a_fresh_builds() {
    let book = TestBook::fixture("basic");
    let first = book.build_ok();
    assert!(!first.stderr.contains("unchanged"), "{}", first.stderr);
    // The caches keep themselves out of git.
    let ignore = std::fs::read_to_string(book.path().join(".folio-cache/.gitignore")).unwrap();
    assert!(ignore.lines().any(|line| line == "*"), "{ignore}");
    let pages = 5;
    let reused = |run: &common::Run| -> usize {
        let Some((_, after)) = run.stderr.split_once("warning; ") else {
            return 0;
        };
        after.split(' ').next().unwrap().parse().unwrap()
    };
    // Nothing changed: every page is taken from the cache.
    let again = book.build_ok();
    assert!(
        again.stderr.contains(&format!("built {pages} pages")),
        "{}",
        again.stderr
    );
    assert_eq!(reused(&again), pages, "{}", again.stderr);
    assert_same_as_a_fresh_build(&book);
    // A new paragraph on one page: that page alone is rendered, and the
    // search index finds its word.
    let install = std::fs::read_to_string(book.path().join("guide/install.md")).unwrap();
    book.write(
        "guide/install.md",
        &format!("{install}\nZebrafish need care.\n"),
    );
    let edited = book.build_ok();
    assert_eq!(reused(&edited), pages - 1, "{}", edited.stderr);
    assert_same_as_a_fresh_build(&book);
    // A new title shows in the other pages' navigation and neighbours.
    book.write("guide/linux.md", "# Running on Linux\n\nSteps.\n");
    let retitled = book.build_ok();
    assert!(reused(&retitled) < pages - 1, "{}", retitled.stderr);
    assert_same_as_a_fresh_build(&book);
    // The sidebar: a new label, a hidden page, an icon; each shows on
    // other pages than the one edited.
    let summary = std::fs::read_to_string(book.path().join("SUMMARY.md")).unwrap();
    book.write(
        "SUMMARY.md",
        &summary.replace("\"Installing\"", "\"Setting up\""),
    );
    book.build_ok();
    assert!(book.output("guide/linux/index.html").contains("Setting up"));
    assert_same_as_a_fresh_build(&book);
    let linux = std::fs::read_to_string(book.path().join("guide/linux.md")).unwrap();
    book.write(
        "guide/linux.md",
        &format!("---\nhidden: true\n---\n{linux}"),
    );
    book.build_ok();
    assert_same_as_a_fresh_build(&book);
    // (Both icons are used by other pages, so only the sidebar changes.)
    let readme = std::fs::read_to_string(book.path().join("README.md")).unwrap();
    book.write("README.md", &format!("---\nicon: rocket\n---\n{readme}"));
    book.write("guide/linux.md", &format!("---\nicon: book\n---\n{linux}"));
    book.build_ok();
    assert_same_as_a_fresh_build(&book);
    book.write("README.md", &format!("---\nicon: book\n---\n{readme}"));
    book.write(
        "guide/linux.md",
        &format!("---\nicon: rocket\n---\n{linux}"),
    );
    book.build_ok();
    assert_same_as_a_fresh_build(&book);
    book.write("README.md", &readme);
    book.write("guide/linux.md", &linux);
    book.build_ok();
    assert_same_as_a_fresh_build(&book);
    // An image that changed size changes the page showing it.
    let image = book.path().join(".gitbook/assets/topology (1) é.png");
    std::fs::write(&image, png(640, 480)).unwrap();
    book.build_ok();
    assert_same_as_a_fresh_build(&book);
    std::fs::write(&image, png(320, 200)).unwrap();
    let resized = book.build_ok();
    assert_eq!(reused(&resized), pages - 1, "{}", resized.stderr);
    assert_same_as_a_fresh_build(&book);
    // Another configuration renders every page again.
    let config = std::fs::read_to_string(book.path().join("book.toml")).unwrap();
    book.write("book.toml", &config.replace("title = \"", "title = \"New "));
    let configured = book.build_ok();
    assert_eq!(reused(&configured), 0, "{}", configured.stderr);
    assert_same_as_a_fresh_build(&book);
    // Damaged packs are never trusted.
    let packs: Vec<_> = walkdir::WalkDir::new(book.path().join(".folio-cache/pages"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| entry.into_path())
        .collect();
    assert!(!packs.is_empty());
    for pack in &packs {
        let damaged: Vec<u8> = std::fs::read(pack)
            .unwrap()
            .iter()
            .map(|b| if *b == b'<' { b'>' } else { *b })
            .collect();
        std::fs::write(pack, damaged).unwrap();
    }
    let after_damage = book.build_ok();
    assert_eq!(reused(&after_damage), 0, "{}", after_damage.stderr);
    assert_same_as_a_fresh_build(&book);
}
