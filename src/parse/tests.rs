use std::path::PathBuf;

use super::*;

fn parse(text: &str) -> (ParsedPage, Vec<Diagnostic>, SourceFile) {
    let source = SourceFile::new(PathBuf::from("p.md"), text.to_string());
    let (page, diags) = parse_page(&source, &NoIncludes);
    (page, diags, source)
}

/// Each link as `kind line:col dest`, the compact dump the tests compare.
fn dump_links(page: &ParsedPage, source: &SourceFile) -> Vec<String> {
    page.links
        .iter()
        .map(|link| {
            let at = source.position(link.span.start);
            assert_eq!(
                source.text[link.span.clone()].replace('\\', ""),
                link.dest.replace('\\', ""),
                "span covers the destination"
            );
            format!("{:?} {}:{} {}", link.kind, at.line, at.column, link.dest)
        })
        .collect()
}

#[test]
fn title_is_lifted_and_headings_get_gitbook_ids() {
    let (page, diags, _) = parse(
        "---\ndescription: d\n---\n\n# 🆚 DPG and DPI\n\nText.\n\n## Setup - Advanced\n\n### Setup - Advanced\n\n## Overview <a href=\"#intro\" id=\"intro\"></a>\n\n## Intro\n",
    );
    assert!(diags.is_empty());
    assert_eq!(page.title.as_deref(), Some("🆚 DPG and DPI"));
    let ids: Vec<_> = page.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(
        ids,
        ["setup-advanced", "setup-advanced-1", "intro", "intro-1"]
    );
    assert_eq!(page.headings[2].text, "Overview");
    assert!(page.links.is_empty(), "custom anchors are not links");
    assert!(page.html_ids.is_empty());
}

#[test]
fn link_positions_point_at_destinations() {
    let text = "# T\n\nSee [a *b*](../x/y.md#frag \"t\") and ![img](<a b.png>).\n\n[ref]: refs/r.md\n\nUse [it][ref] or <https://e.org>.\n";
    let (page, _, source) = parse(text);
    assert_eq!(
        dump_links(&page, &source),
        [
            "Link 3:13 ../x/y.md#frag",
            "Image 3:45 a b.png",
            "Link 5:8 refs/r.md",
            "Link 7:19 https://e.org",
        ]
    );
}

#[test]
fn escapes_are_decoded_but_spans_are_as_written() {
    let text = "[cfg](config\\_files.md)\n";
    let (page, _, _) = parse(text);
    assert_eq!(page.links[0].dest, "config_files.md");
    assert_eq!(&text[page.links[0].span.clone()], "config\\_files.md");
}

#[test]
fn links_in_brackets_and_nested_images() {
    let text = "[![logo](logo.png)](home.md) [x [y] z](q.md)\n";
    let (page, _, source) = parse(text);
    assert_eq!(
        dump_links(&page, &source),
        ["Link 1:21 home.md", "Image 1:10 logo.png", "Link 1:40 q.md"]
    );
}

#[test]
fn raw_html_attributes_are_links_with_positions() {
    let text = "# T\n\n<figure><img src=\"../.gitbook/assets/a b.png\" alt=\"\"><figcaption><p>See <a href=\"https://x.org/\">x</a></p></figcaption></figure>\n\nInline <img src=\"i.png\" srcset=\"i.png 1x, i2.png 2x\"> and <a id=\"here\"></a>.\n";
    let (page, _, source) = parse(text);
    assert_eq!(
        dump_links(&page, &source),
        [
            "Html 3:19 ../.gitbook/assets/a b.png",
            "Html 3:82 https://x.org/",
            "Html 5:18 i.png",
            "Html 5:33 i.png",
            "Html 5:43 i2.png",
        ]
    );
    assert_eq!(page.html_ids, ["here"]);
}

#[test]
fn code_is_never_a_link() {
    let (page, _, _) = parse("`[a](b.md)`\n\n```\n[c](d.md) <img src=\"x.png\">\n```\n");
    assert!(page.links.is_empty());
}

#[test]
fn front_matter_errors_keep_parsing_the_body() {
    let (page, diags, _) = parse("---\ndescription: [oops\n---\n# T\n\n[a](b.md)\n");
    assert_eq!(diags.len(), 1);
    assert_eq!(page.title.as_deref(), Some("T"));
    assert_eq!(page.links.len(), 1);
}

#[test]
fn a_later_h1_is_a_body_heading() {
    let (page, _, _) = parse("Intro text.\n\n# Not a title\n");
    assert_eq!(page.title, None);
    assert_eq!(page.headings[0].id, "not-a-title");
}

#[test]
fn html_block_lines_map_to_their_own_lines() {
    let text = "<div>\n<a href=\"one.md\">1</a>\n<a href=\"two.md\">2</a>\n</div>\n";
    let (page, _, source) = parse(text);
    assert_eq!(
        dump_links(&page, &source),
        ["Html 2:10 one.md", "Html 3:10 two.md"]
    );
}

/// The body HTML pulldown-cmark writes for the parsed events.
fn html_of(text: &str) -> String {
    let (page, _, _) = parse(text);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, page.events.into_iter());
    html
}

#[test]
fn gitbook_bold_around_punctuation_is_bold() {
    assert_eq!(
        html_of("Public health fund management**.** Some of the examples\n"),
        "<p>Public health fund management<strong>.</strong> Some of the examples</p>\n"
    );
    assert_eq!(
        html_of("Care in healthcare includes**:**\n"),
        "<p>Care in healthcare includes<strong>:</strong></p>\n"
    );
}

#[test]
fn gitbook_bold_with_spaces_inside_is_bold() {
    assert_eq!(
        html_of("**Note: ** This player\n"),
        "<p><strong>Note: </strong> This player</p>\n"
    );
}

#[test]
fn gitbook_bold_around_an_escaped_star_is_a_bold_star() {
    assert_eq!(
        html_of("Install the Lombok**\\*** extension\n"),
        "<p>Install the Lombok<strong>*</strong> extension</p>\n"
    );
}

#[test]
fn gitbook_empty_bold_run_shows_nothing() {
    assert_eq!(html_of("****UUID for a bank\n"), "<p>UUID for a bank</p>\n");
}

#[test]
fn commonmark_emphasis_is_unchanged() {
    for text in [
        "**Decoding** **Registry** and *it* and ***both***\n",
        "a **b** c **d**\n",
        "**bold [link **x**](u) end**\n",
        "a * b * c\n",
        "`**code**` and \\*\\*escaped\\*\\*\n",
    ] {
        let source = SourceFile::new(PathBuf::from("p.md"), text.to_string());
        let mut plain = String::new();
        pulldown_cmark::html::push_html(
            &mut plain,
            pulldown_cmark::Parser::new_ext(text, options()),
        );
        let (page, _) = parse_page(&source, &NoIncludes);
        let mut ours = String::new();
        pulldown_cmark::html::push_html(&mut ours, page.events.into_iter());
        assert_eq!(ours, plain, "{text}");
    }
}

#[test]
fn gitbook_bold_markers_pair_only_inside_one_container() {
    // A lone marker stays literal; nothing pairs out of a link or across
    // table cells; runs of one, three and five stars stay literal.
    assert_eq!(html_of("2**10 is big\n"), "<p>2**10 is big</p>\n");
    assert_eq!(
        html_of("[a**](u) b**\n"),
        "<p><a href=\"u\">a**</a> b**</p>\n"
    );
    assert_eq!(
        html_of("| a** | b** |\n|---|---|\n| c | d |\n"),
        "<table><thead><tr><th>a**</th><th>b**</th></tr></thead><tbody>\n<tr><td>c</td><td>d</td></tr>\n</tbody></table>\n"
    );
    assert_eq!(html_of("card *****4725\n"), "<p>card *****4725</p>\n");
}

#[test]
fn a_single_dollar_is_text() {
    for text in [
        "Set tasks.$n.$x here\n",
        "mobileNo=$mobile\\&redirectTo=feedback/$id\n",
        "It costs $100 and $200, see $HOME.\n",
    ] {
        let html = html_of(text);
        assert!(!html.contains("math"), "{text} → {html}");
        assert!(html.contains('$'), "{text} → {html}");
    }
}

#[test]
fn double_dollars_are_maths_inline_or_display() {
    let (page, _, _) =
        parse("Energy $$E = mc^2$$ here, and $$a_1 *b* c$$.\n\n$$\n\\frac{a}{b}\n$$\n");
    let maths: Vec<_> = page
        .events
        .iter()
        .filter_map(|e| match e {
            Event::InlineMath(m) => Some(format!("inline {m}")),
            Event::DisplayMath(m) => Some(format!("display {m}")),
            _ => None,
        })
        .collect();
    assert_eq!(
        maths,
        [
            "inline E = mc^2",
            "inline a_1 *b* c",
            "display \\frac{a}{b}"
        ]
    );
    assert_eq!(
        html_of("Energy $$E$$ here.\n").replace("$", "D"),
        "<p>Energy <span class=\"math math-inline\">E</span> here.</p>\n"
    );
    // Escaped, unpaired, or split across a link: text.
    assert_eq!(
        html_of("Pay \\$$5 or $$ later\n"),
        "<p>Pay $$5 or $$ later</p>\n"
    );
    assert_eq!(
        html_of("[a $$x](u) $$y\n"),
        "<p><a href=\"u\">a $$x</a> $$y</p>\n"
    );
}

#[test]
fn undefined_reference_labels_are_reported_with_the_closest_label() {
    let (_, diags, _) = parse(
        "See the [install guide][instal] and [Setup][] or [word] alone.\n\n[install]: install.md\n",
    );
    let found: Vec<_> = diags
        .iter()
        .map(|d| {
            format!(
                "{}:{} {} w{} {:?}",
                d.position.line,
                d.position.column,
                d.code.as_str(),
                d.width,
                d.suggestion
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "1:25 undefined-reference w6 Some(\"install\")",
            "1:38 undefined-reference w5 None"
        ]
    );
}

#[test]
fn tag_attributes_lose_markdown_escapes() {
    let (page, _, source) = parse("{% file src=\"a/schema \\(1\\).pdf\" caption=\"x\\_y\" %}\n");
    assert_eq!(dump_links(&page, &source), ["Block 1:14 a/schema (1).pdf"]);
    let caption = page.blocks.iter().find_map(|mark| match &mark.kind {
        MarkKind::Open(block) => block.attr("caption").map(str::to_string),
        MarkKind::Close => None,
    });
    assert_eq!(caption.as_deref(), Some("x_y"));
}

/// Inputs that once crashed the parser (issue 12): each parses, and the
/// deep one reports where nesting went too deep.
#[test]
fn crash_regressions_parse() {
    let (_, diags, _) = parse("# H\n\n<div><a \n");
    assert!(diags.is_empty(), "{diags:?}");
    let (_, diags, _) = parse("{% hint =é %}\nx\n{% endhint %}\n");
    assert!(diags.iter().all(|d| d.code != Code::TooDeep));
}

#[test]
fn block_nesting_is_capped_with_a_too_deep_error_at_the_line() {
    let depth = 50_000;
    let text = "{% hint %}\n".repeat(depth) + "deep\n" + &"{% endhint %}\n".repeat(depth);
    let (page, diags, source) = parse(&text);
    let deep: Vec<_> = diags.iter().filter(|d| d.code == Code::TooDeep).collect();
    assert_eq!(deep.len(), 1, "one error for the whole run");
    assert_eq!(deep[0].severity, Severity::Error);
    assert_eq!(deep[0].position.line, blocks::MAX_BLOCK_DEPTH + 1);
    assert!(deep[0].message.contains("more than 32 deep"));
    let opened = page
        .blocks
        .iter()
        .filter(|m| matches!(m.kind, MarkKind::Open(_)))
        .count();
    assert_eq!(opened, blocks::MAX_BLOCK_DEPTH);
    assert!(
        diags.iter().all(|d| d.code != Code::UnknownBlock),
        "end tags pair up"
    );
    drop(source);
}

#[test]
fn maths_nested_too_deep_is_an_error_at_the_line_and_shown_as_source() {
    assert_eq!(math_depth(r"\frac{a}{\sqrt{b}}"), 2);
    assert_eq!(math_depth(r"\left( \left[ x \right] \right) \{ \}"), 2);
    assert_eq!(math_depth(r"\begin{matrix} a \end{matrix}"), 2);
    let deep = "{".repeat(50_000) + "x" + &"}".repeat(50_000);
    let text = format!("# T\n\nText\n\n$${deep}$$\n");
    let (page, diags, _) = parse(&text);
    let found: Vec<_> = diags.iter().filter(|d| d.code == Code::TooDeep).collect();
    assert_eq!(found.len(), 1, "{diags:?}");
    assert_eq!(found[0].position.line, 5);
    assert!(page
        .events
        .iter()
        .any(|e| matches!(e, Event::Code(c) if c.len() == deep.len())));
    let (_, diags, _) = parse("# T\n\n$$\\frac{a}{b}$$\n");
    assert!(diags.is_empty());
}

/// Included files held in memory, by name.
struct Files(Vec<(&'static str, String)>);

impl IncludeSource for Files {
    fn read_include(&self, _from: &str, argument: &str) -> Result<Arc<SourceFile>, IncludeError> {
        self.0
            .iter()
            .find(|(name, _)| *name == argument)
            .map(|(name, text)| Arc::new(SourceFile::new(PathBuf::from(name), text.clone())))
            .ok_or_else(|| IncludeError::Unreadable(format!("no `{argument}`")))
    }
}

#[test]
fn include_fan_out_stops_at_the_byte_limit_with_one_error_in_the_including_file() {
    // 16 files, each including the next four times, 15 deep: 4^15 copies
    // without a limit.
    let mut files = Vec::new();
    let names: Vec<&'static str> = (0..16)
        .map(|i| &*Box::leak(format!("f{i}.md").into_boxed_str()))
        .collect();
    for i in 0..15 {
        let line = format!("{{% include \"{}\" %}}\n", names[i + 1]);
        files.push((
            names[i],
            format!("Text {i} {}\n", "x".repeat(900)) + &line.repeat(4),
        ));
    }
    files.push((names[15], "End.\n".to_string()));
    let page = SourceFile::new(
        PathBuf::from("p.md"),
        "# P\n\n{% include \"f0.md\" %}\n".into(),
    );
    let started = std::time::Instant::now();
    let (_, diags) = parse_page(&page, &Files(files));
    assert!(started.elapsed().as_secs() < 30, "bounded");
    let limits: Vec<_> = diags.iter().filter(|d| d.code == Code::TooDeep).collect();
    assert_eq!(limits.len(), 1, "{limits:?}");
    assert!(limits[0].message.contains("more than 4 MB or 1000 files"));
    assert!(
        limits[0].file.to_string_lossy().starts_with('f'),
        "located in the included file"
    );
}

#[test]
fn include_depth_limit_is_not_called_a_cycle() {
    let files: Vec<(&'static str, String)> = (0..20)
        .map(|i| {
            let name: &'static str = Box::leak(format!("d{i}.md").into_boxed_str());
            (
                name,
                format!("Level {i}\n\n{{% include \"d{}.md\" %}}\n", i + 1),
            )
        })
        .collect();
    let page = SourceFile::new(PathBuf::from("p.md"), "{% include \"d0.md\" %}\n".into());
    let (_, diags) = parse_page(&page, &Files(files));
    let found: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code, Code::TooDeep);
    assert!(
        found[0].message.contains("nest more than 16 deep"),
        "{}",
        found[0].message
    );
    assert!(!found[0].message.contains("itself"));
    assert_eq!(found[0].file, PathBuf::from("d15.md"));
    assert_eq!(found[0].position.line, 3);
}

#[test]
fn an_include_cycle_is_reported_as_one() {
    let files = vec![
        ("a.md", "{% include \"b.md\" %}\n".to_string()),
        ("b.md", "{% include \"a.md\" %}\n".to_string()),
    ];
    let page = SourceFile::new(PathBuf::from("p.md"), "{% include \"a.md\" %}\n".into());
    let (_, diags) = parse_page(&page, &Files(files));
    assert_eq!(diags.len(), 1);
    assert!(diags[0].message.contains("includes itself"));
}

/// Found by fuzzing (`fuzz/run`, target `page`): the Markdown parser's
/// text of raw HTML differs from the file — the indentation of an inline
/// tag's continuation lines is left out, and a NUL byte becomes U+FFFD
/// (three bytes) — so spans of links in it drifted, past the end of the
/// file or into the middle of a character.
#[test]
fn raw_html_link_spans_stay_on_the_file() {
    let cases = [
        (
            "Text <a href=\"one\n  two.md\">x</a> and <a href=\"y.md\">y</a>.\n",
            ["one\n  two.md", "y.md"],
        ),
        (
            "> Quote <a\n> href=\"a.md\">a</a> and <a href=\"b é.md\">b</a>\n",
            ["a.md", "b é.md"],
        ),
        (
            "<div>\0\0<a href=\"x.md\">x</a><a href=\"w.md\">w</a></div>\n",
            ["x.md", "w.md"],
        ),
        (
            "See <b>\0</b> <a href=\"é\u{FFFD}.md\">y</a> <a href=\"z.md\">z</a>\n",
            ["é\u{FFFD}.md", "z.md"],
        ),
    ];
    for (text, wanted) in cases {
        let (parsed, _, page) = parse(text);
        let written: Vec<Option<&str>> = parsed
            .links
            .iter()
            .map(|link| page.text.get(link.span.clone()))
            .collect();
        let wanted: Vec<Option<&str>> = wanted.iter().map(|w| Some(*w)).collect();
        assert_eq!(written, wanted, "{text:?}");
    }
}
