//! GitBook's Markdown dialect, on lines taken from real exports
//! (`tests/fixtures/gitbook-dialect`): each renders as GitBook shows it.

mod common;

use common::{main_of, TestBook};

fn page(book: &TestBook, rel: &str) -> String {
    main_of(&book.output(rel)).to_string()
}

#[test]
fn gitbook_emphasis_renders_bold_as_on_gitbook() {
    let book = TestBook::fixture("gitbook-dialect");
    book.build_ok();
    let html = page(&book, "emphasis/index.html");
    for expected in [
        "fund management<strong>.</strong> Some",
        "healthcare includes<strong>:</strong></p>",
        "Lombok<strong>*</strong> extension",
        "<p><strong>*</strong> In the case",
        "<p>UUID for a bank account.</p>",
        "<strong>Introduction: </strong> This wiki",
        "The <strong>Decoding</strong> <strong>Registry</strong> section",
        "**Filters : ** written escaped",
        "card number *****4725 stays",
        "So does 2**10 alone.",
    ] {
        assert!(html.contains(expected), "missing {expected:?} in\n{html}");
    }
}

#[test]
fn only_double_dollars_are_maths() {
    let book = TestBook::fixture("gitbook-dialect");
    book.build_ok();
    let html = page(&book, "maths/index.html");
    assert!(html.contains("tasks.$n.$x in the config"), "{html}");
    assert!(
        html.contains("mobileNo=$mobile&amp;redirectTo=feedback/$servicerequestid"),
        "{html}"
    );
    assert!(html.contains("It costs $100 and $200."), "{html}");
    assert_eq!(html.matches("<math").count(), 2, "{html}");
    let inline = html
        .find("Energy is <math")
        .expect("inline maths in the sentence");
    assert!(!html[inline..]
        .split("</math>")
        .next()
        .unwrap()
        .contains("display=\"block\""));
    assert!(html.contains("display=\"block\""), "{html}");
}

#[test]
fn a_table_row_broken_by_a_list_in_a_cell_stays_one_row() {
    let book = TestBook::fixture("gitbook-dialect");
    book.build_ok();
    let html = page(&book, "tables/index.html");
    let table = html
        .split("<table>")
        .find(|table| table.contains("Component Name"))
        .and_then(|table| table.split("</table>").next())
        .expect("the table");
    assert_eq!(table.matches("<tr>").count(), 3, "{table}");
    assert!(
        table.contains("UserOrg <strong>Suggested:</strong> User Management Service</td>"),
        "{table}"
    );
    assert!(table.contains("<ul><li>Batch"), "{table}");
    assert!(table.contains("QR code download"), "{table}");
    assert!(!html.contains("**"), "{html}");
    assert!(html.contains("<p>After the table.</p>"), "{html}");
}

#[test]
fn data_hidden_columns_are_hidden_with_their_cells() {
    let book = TestBook::fixture("gitbook-dialect");
    book.build_ok();
    let html = page(&book, "tables/index.html");
    assert!(
        html.contains("<th data-hidden hidden=\"\">Version</th>"),
        "{html}"
    );
    assert!(html.contains("<td hidden=\"\">17</td>"), "{html}");
    assert!(html.contains("<td>Civil registration events, user data, and metrics</td>"));
    let css = book.output(&book.theme_file("folio.css"));
    assert!(css.contains(":is(th, td)[hidden] { display: none; }"));
}

#[test]
fn headings_with_no_sluggable_text_get_unique_ids() {
    let book = TestBook::fixture("gitbook-dialect");
    let run = book.build_ok();
    assert!(!run.stderr.contains("broken-anchor"), "{}", run.stderr);
    let html = page(&book, "headings/index.html");
    for id in ["section", "section-1", "section-2"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id} in {html}");
    }
    assert!(!html.contains("id=\"\""), "{html}");
}

#[test]
fn undefined_reference_labels_are_warnings_with_file_and_line() {
    let book = TestBook::fixture("gitbook-dialect");
    let run = book.build_ok();
    let found: Vec<&str> = run
        .stderr
        .lines()
        .filter(|line| line.contains("undefined-reference"))
        .collect();
    assert_eq!(found.len(), 1, "{}", run.stderr);
    assert!(
        found[0].starts_with("references.md:3:24: warning[undefined-reference]"),
        "{}",
        found[0]
    );
    let json = book.run(&["check", "--format=json"]);
    assert!(
        json.stdout.contains("\"suggestion\": \"setup-guide\""),
        "{}",
        json.stdout
    );
}

#[test]
fn tag_attributes_lose_backslash_escapes_and_file_captions_show() {
    let book = TestBook::fixture("gitbook-dialect");
    let run = book.build_ok();
    assert!(!run.stderr.contains("files.md"), "{}", run.stderr);
    let html = page(&book, "files/index.html");
    assert!(
        html.contains("href=\"../.gitbook/assets/platform-database-schema%20(1).pdf\" download"),
        "{html}"
    );
    assert!(
        html.contains(
            "<div class=\"file-caption\"><p>Download the platform database schema</p></div>"
        ),
        "{html}"
    );
    assert!(book.output_exists(".gitbook/assets/platform-database-schema (1).pdf"));
}

#[test]
fn repository_root_assets_belong_to_a_sub_folder_space() {
    let book = TestBook::fixture("gitbook-subfolder");
    let run = book.run(&["build"]);
    let problems: Vec<&str> = run.stderr.lines().filter(|l| l.contains("]: ")).collect();
    assert_eq!(
        problems.len(),
        1,
        "only the tools/ link is outside the space:\n{}",
        run.stderr
    );
    assert!(
        problems[0].starts_with("docs/guide/page.md:5:")
            && problems[0].contains("error[outside-root]"),
        "{}",
        problems[0]
    );
    let run = book.run(&["build", "--broken-links=warn"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(book.output_exists(".gitbook/assets/banner (1).png"));
    assert!(!book.output_exists("tools/notes.json"));
    let home = book.output("index.html");
    assert!(
        home.contains("src=\".gitbook/assets/banner%20(1).png\""),
        "{home}"
    );
    let guide = book.output("guide/page/index.html");
    assert!(
        guide.contains("src=\"../../.gitbook/assets/banner%20(1).png\""),
        "{guide}"
    );
}

#[test]
fn known_embeds_are_click_to_load_players_and_others_link_cards() {
    let book = TestBook::fixture("gitbook-dialect");
    book.build_ok();
    let html = page(&book, "embeds/index.html");
    // Nothing is loaded from the provider before the click: no iframe, and
    // the player address only in a data attribute.
    assert!(!html.contains("<iframe"), "{html}");
    assert!(
        html.contains(r#"<div class="embed-frame" data-src="https://www.youtube-nocookie.com/embed/HAYN3ATxQGI""#),
        "{html}"
    );
    assert!(html.contains(r#"<button type="button" class="embed-load" hidden>"#));
    assert!(html.contains("Load the YouTube video"));
    assert!(
        html.contains("<figcaption>\n<p>Configuring the app</p>\n</figcaption></figure>"),
        "{html}"
    );
    assert!(html
        .contains(r#"data-src="https://docs.google.com/presentation/d/1sB7l0yWQh1oQ_0mTQ/embed""#));
    // The link card stays, as the way without JavaScript.
    assert!(html.contains(
        r#"<a class="card embed-card" href="https://youtu.be/HAYN3ATxQGI" rel="noopener">"#
    ));
    // An unknown provider stays a link card.
    assert_eq!(html.matches("embed-frame").count(), 2, "{html}");
    assert!(html.contains(r#"href="https://github.com/egovernments/health-campaign-services""#));
}

#[test]
fn a_book_theme_can_restyle_embeds() {
    let book = TestBook::fixture("gitbook-dialect");
    book.write(
        "book.toml",
        "[book]\ntitle = \"Dialect\"\n\n[output.html]\ntheme = \"theme\"\n",
    );
    book.write("theme/embed.html", "<figure class=\"mine\" data-x=\"{{ embed.player_url }}\">{% if embed.has_caption %}<figcaption>{% endif %}");
    let run = book.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = page(&book, "embeds/index.html");
    assert!(
        html.contains(
            "<figure class=\"mine\" data-x=\"https://www.youtube-nocookie.com/embed/HAYN3ATxQGI\">"
        ),
        "{html}"
    );
}

#[test]
fn a_broken_embed_template_is_a_template_error() {
    let book = TestBook::fixture("gitbook-dialect");
    book.write(
        "book.toml",
        "[book]\ntitle = \"Dialect\"\n\n[output.html]\ntheme = \"theme\"\n",
    );
    book.write("theme/embed.html", "<figure>\n{{ embed.nope.deeper }}\n");
    let run = book.run(&["build"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("embed.html"), "{}", run.stderr);
}

#[test]
fn openapi_blocks_show_parameters_bodies_responses_and_examples() {
    let book = TestBook::fixture("gitbook-dialect");
    book.write(
        ".gitbook/assets/pets.json",
        r##"{"swagger": "2.0", "host": "pets.example.org", "basePath": "/v1",
  "definitions": {"Pet": {"type": "object", "required": ["name"],
    "properties": {"name": {"type": "string", "description": "What it answers to", "example": "Rex"}}}},
  "paths": {"/pets": {"post": {"summary": "Add a pet",
    "parameters": [{"in": "body", "name": "pet", "schema": {"$ref": "#/definitions/Pet"}},
                   {"in": "header", "name": "X-Owner", "type": "string", "required": true}],
    "responses": {"201": {"description": "Added", "schema": {"$ref": "#/definitions/Pet"}}}}}}}"##,
    );
    book.write(
        "api.md",
        "# API\n\n{% openapi src=\".gitbook/assets/pets.json\" path=\"/pets\" method=\"post\" %}\n[pets.json](.gitbook/assets/pets.json)\n{% endopenapi %}\n\n{% swagger src=\".gitbook/assets/pets.json\" path=\"/pets\" method=\"delete\" %}\n{% endswagger %}\n\nThe rest of the page.\n",
    );
    let summary = std::fs::read_to_string(book.path().join("SUMMARY.md")).unwrap();
    book.write("SUMMARY.md", &format!("{summary}* [API](api.md)\n"));
    let run = book.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("api.md:7:17: error[invalid-spec]: the specification has no `DELETE` operation on `/pets`"),
        "{}",
        run.stderr
    );
    let run = book.run(&["build", "--broken-links=warn"]);
    assert_eq!(
        run.code, 1,
        "a broken spec is not a link problem: {}",
        run.stderr
    );
    book.write("api.md", "# API\n\n{% openapi src=\".gitbook/assets/pets.json\" path=\"/pets\" method=\"post\" %}\n[pets.json](.gitbook/assets/pets.json)\n{% endopenapi %}\n");
    book.build_ok();
    let html = page(&book, "api/index.html");
    for expected in [
        "<p class=\"api-summary\">Add a pet</p>",
        "Server: <code>https://pets.example.org/v1</code>",
        "<tr><td><code>X-Owner</code> <span class=\"api-required\">required</span></td><td>header</td><td><code>string</code></td>",
        "Request body: <code>application/json</code> · <code>Pet</code>",
        "<td><p>What it answers to</p>\n</td>",
        "<span class=\"api-status api-status-2\">201</span> Added",
        "&quot;name&quot;: &quot;Rex&quot;",
    ] {
        assert!(html.contains(expected), "missing {expected:?} in\n{html}");
    }
}

#[test]
fn a_swagger_form_upload_shows_its_fields_and_a_wrong_piece_is_named_at_its_line() {
    let book = TestBook::fixture("gitbook-dialect");
    book.write(
        ".gitbook/assets/photos.yaml",
        "swagger: '2.0'\ninfo: {title: Photos, version: '1'}\nconsumes: [multipart/form-data]\npaths:\n  /photos/{id}:\n    parameters:\n      - {name: id, in: path, required: true, type: string}\n    put:\n      summary: Replace a photo\n      parameters:\n        - {name: file, in: formData, type: file, required: true, description: The picture}\n        - {name: caption, in: formData, type: string}\n      responses:\n        '204': {description: Replaced}\n",
    );
    book.write(
        ".gitbook/assets/people.yaml",
        "openapi: 3.0.3\ninfo: {title: People, version: '1'}\npaths:\n  /people:\n    get:\n      parameters:\n        - name: q\n          in: bodyy\n      responses: {}\n",
    );
    let summary = std::fs::read_to_string(book.path().join("SUMMARY.md")).unwrap();
    book.write(
        "SUMMARY.md",
        &format!("{summary}* [Photos](photos.md)\n* [People](people.md)\n"),
    );
    book.write(
        "photos.md",
        "# Photos\n\n{% swagger src=\".gitbook/assets/photos.yaml\" path=\"/photos/{id}\" method=\"put\" %}\n{% endswagger %}\n",
    );
    book.write(
        "people.md",
        "# People\n\n{% openapi src=\".gitbook/assets/people.yaml\" path=\"/people\" method=\"get\" %}\n{% endopenapi %}\n",
    );
    let run = book.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("people.md:3:") && run.stderr.contains("error[invalid-spec]: the specification `.gitbook/assets/people.yaml` is broken at its line 8 (`paths./people.get.parameters.0.in`): unknown variant `bodyy`, expected one of"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("photos.md"), "{}", run.stderr);
    book.write("people.md", "# People\n\nNo API here.\n");
    book.build_ok();
    let html = page(&book, "photos/index.html");
    for expected in [
        "<tr><td><code>id</code> <span class=\"api-required\">required</span></td><td>path</td><td><code>string</code></td>",
        "Request body: <code>multipart/form-data</code> · <code>object</code>",
        "<tr><td><code>file</code> <span class=\"api-required\">required</span></td><td><code>string (binary)</code></td><td><p>The picture</p>\n</td></tr>",
        "<code>caption</code>",
        "<span class=\"api-status api-status-2\">204</span> Replaced",
    ] {
        assert!(html.contains(expected), "missing {expected:?} in\n{html}");
    }
}

#[test]
fn a_tag_followed_by_a_comment_or_text_is_still_a_tag() {
    let book = TestBook::fixture("gitbook-dialect");
    let run = book.build_ok();
    assert!(!run.stderr.contains("files.md"), "{}", run.stderr);
    let html = page(&book, "files/index.html");
    assert_eq!(html.matches("class=\"file-card").count(), 2, "{html}");
    assert!(!html.contains("{%"), "{html}");
    // The comment stays a comment, as anywhere in Markdown: never text.
    assert!(
        html.contains("\n <!-- kept for the 2.0 upgrade notes -->\n"),
        "{html}"
    );
    assert!(!html.contains("&lt;!--"), "{html}");
    assert!(
        html.contains("<p>The schema changed in v2.\nSee the release notes.</p>"),
        "{html}"
    );
}

#[test]
fn openapi_schemas_from_a_local_spec_are_shown() {
    let book = TestBook::fixture("gitbook-dialect");
    let run = book.build_ok();
    assert!(!run.stderr.contains("schemas.md"), "{}", run.stderr);
    let html = page(&book, "schemas/index.html");
    for expected in [
        "<code class=\"api-schema-name\">TextField</code> <span class=\"api-type\">object</span>",
        "<p>A single-line <strong>text</strong> input.</p>",
        "<tr><td><code>id</code> <span class=\"api-required\">required</span></td><td><code>string</code></td><td><p>Unique id of the field</p>\n</td></tr>",
        "<td><code>array of FieldConditional</code></td>",
        "<code class=\"api-schema-name\">FieldConditional</code>",
        "&quot;id&quot;: &quot;applicant.name&quot;",
        "Schemas TextAreaField from the specification “events-develop”, managed in GitBook",
        "The rest of the page.",
    ] {
        assert!(html.contains(expected), "missing {expected:?} in\n{html}");
    }
    // The order is the tag's, not the spec's.
    assert!(html.find(">TextField<").unwrap() < html.find(">FieldConditional<").unwrap());
}

#[test]
fn a_broken_spec_is_an_error_at_the_tag_naming_the_problem() {
    let book = TestBook::fixture("gitbook-dialect");
    book.write(
        "schemas.md",
        "# Schemas\n\n{% openapi-schemas spec=\"events-v20\" schemas=\"TextFeld\" src=\".gitbook/assets/events-v20.yaml\" %}\n{% endopenapi-schemas %}\n\n{% openapi-schemas schemas=\"X\" src=\".gitbook/assets/broken.yaml\" %}\n{% endopenapi-schemas %}\n\nThe rest of the page.\n",
    );
    book.write(
        ".gitbook/assets/broken.yaml",
        "openapi: 3.0.3\ncomponents:\n  schemas:\n    X: {type: object\n",
    );
    let run = book.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("schemas.md:3:") && run.stderr.contains("error[invalid-spec]: the specification has no schema `TextFeld`; it defines TextField, FieldConditional"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("schemas.md:6:") && run.stderr.contains("the specification `.gitbook/assets/broken.yaml` is not valid JSON or YAML at its line 4, column 8"),
        "{}",
        run.stderr
    );
    assert!(
        !book.output_exists("schemas/index.html"),
        "no site on errors"
    );

    // The preview (`folio serve`) builds the page all the same: the
    // blocks fall back to their placeholders and the rest is there.
    let site = folio::build::build_in_memory(
        book.path(),
        &folio::render::highlight::Highlighter::default(),
        &folio::render::RenderCache::default(),
        &folio::build::ParseCache::default(),
    )
    .unwrap();
    let errors: Vec<_> = site
        .report
        .diagnostics
        .iter()
        .filter(|d| d.code == folio::diag::Code::InvalidSpec)
        .map(|d| d.position.line)
        .collect();
    assert_eq!(errors, [3, 6]);
    let page = site
        .files
        .iter()
        .find(|f| f.path == "schemas/index.html")
        .expect("the page is built");
    let html = String::from_utf8_lossy(&page.contents);
    assert!(html.contains("The rest of the page."), "{html}");
    assert!(html.contains("Schemas TextFeld"), "{html}");
}

#[test]
fn a_bare_export_is_titled_by_its_home_page() {
    let book = TestBook::fixture("gitbook-dialect");
    book.build_ok();
    let html = book.output("emphasis/index.html");
    assert!(
        html.contains("<li><a href=\"../\">Dialect</a></li>"),
        "{}",
        common::main_of(&html)
    );
    assert!(html.contains("<title>Emphasis - Dialect</title>"), "{html}");
    book.write("book.toml", "[book]\ntitle = \"Given\"\n");
    book.build_ok();
    assert!(book
        .output("emphasis/index.html")
        .contains("<li><a href=\"../\">Given</a></li>"));
}

/// A SUMMARY OpenAPI reference (GitBook's `builtin:openapi` item) whose
/// spec `[gitbook.openapi]` maps to a file generates GitBook's reference:
/// a page per tag and a page of models, in the sidebar where the item is.
#[test]
fn summary_openapi_references_generate_pages_by_tag() {
    let book = TestBook::empty();
    book.write(
        "book.toml",
        "[book]\ntitle = \"APIs\"\n\n[gitbook.openapi]\nevents-v20 = \".gitbook/assets/events v2.yaml\"\n",
    );
    let entry = |spec: &str| {
        format!("    * ```yaml\n      props:\n        models: true\n        grouping: by-tag\n      type: builtin:openapi\n      dependencies:\n        spec:\n          ref:\n            kind: openapi\n            spec: {spec}\n      ```\n")
    };
    book.write(
        "SUMMARY.md",
        &format!(
            "# Table of contents\n\n* [Home](README.md)\n* [APIs](apis/README.md)\n  * [Core APIs](apis/core/README.md)\n{}  * [Country config](apis/country.md)\n{}",
            entry("events-v20"),
            entry("cc-v20")
        ),
    );
    book.write("README.md", "# Home\n");
    book.write("apis/README.md", "# APIs\n");
    book.write("apis/core/README.md", "# Core APIs\n");
    book.write("apis/country.md", "# Country config\n");
    book.write(
        ".gitbook/assets/events v2.yaml",
        "openapi: 3.0.3\ninfo:\n  title: Events\n  version: '2.0'\ntags:\n  - name: Records\n    description: Birth and death **records**.\n  - name: Users\npaths:\n  /records:\n    get:\n      tags: [Records]\n      summary: List records\n      responses:\n        '200':\n          description: The records\n    post:\n      tags: [Records]\n      summary: Create a record\n      responses:\n        '201':\n          description: Created\n  /users/{id}:\n    get:\n      tags: [Users]\n      summary: Read a user\n      parameters:\n        - name: id\n          in: path\n          required: true\n          schema: {type: string}\n      responses:\n        '200':\n          description: The user\n  /health:\n    get:\n      summary: Health check\n      responses:\n        '200':\n          description: OK\ncomponents:\n  schemas:\n    Record:\n      type: object\n      properties:\n        id: {type: string}\n    User:\n      type: object\n      properties:\n        name: {type: string}\n",
    );
    let run = book.build_ok();
    // The spec kept only in GitBook is one warning, with the fix.
    assert!(
        run.stderr.contains("SUMMARY.md:18:5:")
            && run.stderr.contains("warning[openapi-reference]")
            && run.stderr.contains("`cc-v20`"),
        "{}",
        run.stderr
    );
    let records = page(&book, "apis/core/events-v20/records/index.html");
    for expected in [
        "<h1",
        "Records",
        "Birth and death <strong>records</strong>.",
        "List records",
        "Create a record",
        "/records",
    ] {
        assert!(
            records.contains(expected),
            "missing {expected:?} in\n{records}"
        );
    }
    assert!(!records.contains("Read a user"), "by tag: {records}");
    let users = page(&book, "apis/core/events-v20/users/index.html");
    assert!(
        users.contains("Read a user") && users.contains("id"),
        "{users}"
    );
    let other = page(&book, "apis/core/events-v20/other-operations/index.html");
    assert!(other.contains("Health check"), "{other}");
    let models = page(&book, "apis/core/events-v20/models/index.html");
    assert!(
        models.contains("Record") && models.contains("User"),
        "{models}"
    );
    // In the sidebar under Core APIs, in GitBook's order.
    let html = book.output("apis/core/index.html");
    let at = |label: &str| {
        html.find(&format!(">{label}</a>"))
            .unwrap_or_else(|| panic!("{label} in the sidebar"))
    };
    assert!(at("Records") < at("Users") && at("Users") < at("Other operations"));
    assert!(at("Other operations") < at("Models") && at("Models") < at("Country config"));
    // The spec is published for download.
    assert!(book.output_exists(".gitbook/assets/events v2.yaml"));

    // An edited spec renders its pages again, though no page changed.
    let spec = std::fs::read_to_string(book.path().join(".gitbook/assets/events v2.yaml")).unwrap();
    book.write(
        ".gitbook/assets/events v2.yaml",
        &spec.replace("List records", "List every record"),
    );
    book.build_ok();
    let records = page(&book, "apis/core/events-v20/records/index.html");
    assert!(records.contains("List every record"), "{records}");
    book.write(".gitbook/assets/events v2.yaml", &spec);

    // A broken spec is an error at the SUMMARY line, naming the problem.
    book.write(
        ".gitbook/assets/events v2.yaml",
        "openapi: 3.0.3\npaths: [\n",
    );
    let run = book.run(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("SUMMARY.md:6:")
            && run.stderr.contains("invalid-spec")
            && run.stderr.contains("not valid JSON or YAML"),
        "{}",
        run.stderr
    );
}
