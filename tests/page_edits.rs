//! The preview's fast path (`MemorySite::apply_edits`): a save that stays
//! inside the pages it touches updates the last build in place, and the
//! result is exactly what a whole new build gives — same pages, same
//! published files, same report. Saves that reach further (titles, front
//! matter, SUMMARY, configuration, unreadable text) are refused, so the
//! preview builds the whole book.

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;

use common::TestBook;
use folio::build::{build_in_memory, MemorySite, ParseCache};
use folio::render::highlight::Highlighter;
use folio::render::RenderCache;

/// A preview's state without the server: caches, the last build, and the
/// pages as served.
struct Live {
    book: TestBook,
    highlighter: Highlighter,
    render: RenderCache,
    parse: ParseCache,
    site: MemorySite,
    served: BTreeMap<String, Vec<u8>>,
}

impl Live {
    fn start(book: TestBook) -> Live {
        let highlighter = Highlighter::default();
        let render = RenderCache::default();
        let parse = ParseCache::default();
        let mut site = build_in_memory(book.path(), &highlighter, &render, &parse).unwrap();
        let served = take_files(&mut site);
        Live {
            book,
            highlighter,
            render,
            parse,
            site,
            served,
        }
    }

    /// Saves `rel` and applies the save: `true` if the fast path took it.
    fn save(&mut self, rel: &str, text: &str) -> bool {
        self.book.write(rel, text);
        self.apply(&[rel])
    }

    fn apply(&mut self, saved: &[&str]) -> bool {
        let paths: Vec<_> = saved.iter().map(|rel| self.book.path().join(rel)).collect();
        let edits = self
            .site
            .apply_edits(&paths, &self.highlighter, &self.render, &self.parse)
            .unwrap();
        let Some(edits) = edits else {
            return false;
        };
        for path in edits.removed {
            self.served.remove(&path);
        }
        for file in edits.files {
            self.served.insert(file.path, file.contents);
        }
        true
    }

    /// What a whole build from nothing gives now equals what is served.
    fn assert_same_as_full_build(&self) {
        let mut fresh = build_in_memory(
            self.book.path(),
            &Highlighter::default(),
            &RenderCache::default(),
            &ParseCache::default(),
        )
        .unwrap();
        let expected = take_files(&mut fresh);
        let served: Vec<&String> = self.served.keys().collect();
        let wanted: Vec<&String> = expected.keys().collect();
        assert_eq!(served, wanted, "the same files are served");
        for (path, contents) in &expected {
            assert!(
                self.served[path] == *contents,
                "{path} differs from a full build:\n--- served\n{}\n--- full build\n{}",
                String::from_utf8_lossy(&self.served[path]),
                String::from_utf8_lossy(contents)
            );
        }
        assert_eq!(
            report(&self.site),
            report(&fresh),
            "the report is a full build's"
        );
        // The files built from every page at once follow from the
        // updated build as they do from a fresh one.
        let rest = |site: &MemorySite| -> BTreeMap<String, Vec<u8>> {
            site.render_rest(&AtomicBool::new(false))
                .unwrap()
                .expect("not stopped")
                .into_iter()
                .map(|file| (file.path, file.contents))
                .collect()
        };
        assert!(
            rest(&self.site) == rest(&fresh),
            "search index, print page and site files"
        );
    }

    /// What the preview does when the fast path refuses: build it all.
    fn rebuild(&mut self) {
        self.site = build_in_memory(
            self.book.path(),
            &self.highlighter,
            &self.render,
            &self.parse,
        )
        .unwrap();
        self.served = take_files(&mut self.site);
    }

    fn page(&self, path: &str) -> String {
        String::from_utf8_lossy(&self.served[path]).into_owned()
    }
}

fn take_files(site: &mut MemorySite) -> BTreeMap<String, Vec<u8>> {
    std::mem::take(&mut site.files)
        .into_iter()
        .map(|file| (file.path, file.contents))
        .collect()
}

fn report(site: &MemorySite) -> Vec<String> {
    site.report
        .diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{} {} {}",
                d.file.display(),
                d.position.line,
                d.position.column,
                d.code.as_str(),
                d.message
            )
        })
        .collect()
}

fn small_book() -> TestBook {
    let book = TestBook::empty();
    book.write("book.toml", "[book]\ntitle = \"Edits\"\n");
    book.write(
        "SUMMARY.md",
        "# Summary\n\n* [Home](README.md)\n* [Guide](guide.md)\n* [Setup](setup.md)\n",
    );
    book.write(
        "README.md",
        "# Home\n\nSee [the install step](setup.md#install) and [the guide](guide.md).\n",
    );
    book.write(
        "guide.md",
        "---\ndescription: How to use it.\n---\n\n# Guide\n\nSome text.\n\n{% include \".gitbook/includes/note.md\" %}\n\n```rust\nfn main() {}\n```\n",
    );
    book.write(
        "setup.md",
        "# Setup\n\n## Install\n\nRun it.\n\n{% file src=\"files/tool.zip\" %}\nThe tool\n{% endfile %}\n\n{% include \".gitbook/includes/note.md\" %}\n",
    );
    book.write(
        ".gitbook/includes/note.md",
        "{% hint style=\"info\" %}\nA shared note.\n{% endhint %}\n",
    );
    book.write("files/tool.zip", "zip");
    book.write("files/other.png", "png");
    book
}

#[test]
fn a_body_edit_renders_only_its_page_and_matches_a_full_build() {
    let mut live = Live::start(small_book());
    let home_before = live.page("index.html");
    assert!(live.save(
        "guide.md",
        "---\ndescription: How to use it.\n---\n\n# Guide\n\nSome **new** text.\n\n{% include \".gitbook/includes/note.md\" %}\n\n```rust\nfn main() { println!(\"hi\"); }\n```\n",
    ));
    assert!(live
        .page("guide/index.html")
        .contains("<strong>new</strong>"));
    assert_eq!(
        live.page("index.html"),
        home_before,
        "other pages untouched"
    );
    live.assert_same_as_full_build();
}

#[test]
fn a_renamed_heading_rechecks_the_links_into_it() {
    let mut live = Live::start(small_book());
    assert!(live.site.report.diagnostics.is_empty());
    let setup = "# Setup\n\n## Installation\n\nRun it.\n\n{% file src=\"files/tool.zip\" %}\nThe tool\n{% endfile %}\n\n{% include \".gitbook/includes/note.md\" %}\n";
    assert!(
        live.save("setup.md", setup),
        "anchors are not the page's face"
    );
    let broken: Vec<String> = report(&live.site);
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert!(
        broken[0].starts_with("README.md:3:") && broken[0].contains("broken-anchor"),
        "{broken:?}"
    );
    live.assert_same_as_full_build();
    // Putting the heading back fixes the link again.
    let setup = setup.replace("Installation", "Install");
    assert!(live.save("setup.md", &setup));
    assert!(live.site.report.diagnostics.is_empty());
    live.assert_same_as_full_build();
}

#[test]
fn a_new_problem_in_a_page_is_reported_at_its_line() {
    let mut live = Live::start(small_book());
    assert!(live.save(
        "guide.md",
        "---\ndescription: How to use it.\n---\n\n# Guide\n\nSome text.\n\nA [broken](nowhere.md) link.\n\n{% include \".gitbook/includes/note.md\" %}\n",
    ));
    let found = report(&live.site);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("guide.md:9:"), "{found:?}");
    live.assert_same_as_full_build();
}

#[test]
fn an_included_file_renders_again_every_page_that_includes_it() {
    let mut live = Live::start(small_book());
    assert!(live.save(
        ".gitbook/includes/note.md",
        "{% hint style=\"warning\" %}\nAn edited note.\n{% endhint %}\n",
    ));
    for page in ["guide/index.html", "setup/index.html"] {
        assert!(live.page(page).contains("An edited note."), "{page}");
    }
    live.assert_same_as_full_build();
}

#[test]
fn published_files_follow_the_links_to_them() {
    let mut live = Live::start(small_book());
    assert!(!live.served.contains_key("files/other.png"));
    let with_image =
        "# Home\n\nSee [the install step](setup.md#install) and [the guide](guide.md).\n\n![Other](files/other.png)\n";
    assert!(live.save("README.md", with_image));
    assert_eq!(live.served["files/other.png"], b"png");
    live.assert_same_as_full_build();
    // A saved published file is served anew; a file block shows its size.
    assert!(live.save("files/tool.zip", "a bigger zip file"));
    assert_eq!(live.served["files/tool.zip"], b"a bigger zip file");
    live.assert_same_as_full_build();
    // The link removed: the file is no longer published.
    assert!(live.save(
        "README.md",
        "# Home\n\nSee [the install step](setup.md#install) and [the guide](guide.md).\n",
    ));
    assert!(!live.served.contains_key("files/other.png"));
    live.assert_same_as_full_build();
}

#[test]
fn a_stopped_whole_book_job_gives_nothing() {
    let live = Live::start(small_book());
    let stopped = live.site.render_rest(&AtomicBool::new(true)).unwrap();
    assert!(stopped.is_none(), "a newer save stopped it");
}

#[test]
fn saves_that_reach_other_pages_build_the_whole_book() {
    let mut live = Live::start(small_book());
    // A new title shows in every page's navigation.
    assert!(!live.save("setup.md", "# Setting up\n\n## Install\n\nRun it.\n"));
    let mut live = Live::start(small_book());
    // Front matter feeds cards, listings and rules.
    assert!(!live.save(
        "guide.md",
        "---\ndescription: Changed.\n---\n\n# Guide\n\nSome text.\n"
    ));
    let mut live = Live::start(small_book());
    // An icon puts a new symbol in the shared sprite.
    assert!(!live.save(
        "guide.md",
        "---\ndescription: How to use it.\n---\n\n# Guide\n\n{% hint style=\"info\" icon=\"rocket\" %}\nGo.\n{% endhint %}\n",
    ));
    let mut live = Live::start(small_book());
    assert!(!live.save(
        "SUMMARY.md",
        "# Summary\n\n* [Home](README.md)\n* [Setup](setup.md)\n* [Guide](guide.md)\n",
    ));
    let mut live = Live::start(small_book());
    assert!(!live.save("book.toml", "[book]\ntitle = \"Other\"\n"));
    let mut live = Live::start(small_book());
    // A page half-written with invalid UTF-8 is the full build's to report.
    live.book.write("guide.md", "# Guide\n\n");
    std::fs::write(live.book.path().join("guide.md"), b"# Guide\n\n\xff\xfe").unwrap();
    assert!(!live.apply(&["guide.md"]));
    let mut live = Live::start(small_book());
    // A new page, and a deleted one.
    assert!(!live.save("new.md", "# New\n"));
    std::fs::remove_file(live.book.path().join("setup.md")).unwrap();
    assert!(!live.apply(&["setup.md"]));
}

#[test]
fn every_page_of_a_real_export_takes_the_fast_path() {
    let mut live = Live::start(TestBook::fixture("gitbook-export"));
    let pages: Vec<String> = walkdir::WalkDir::new(live.book.path())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "md"))
        .map(|entry| {
            entry
                .path()
                .strip_prefix(live.book.path())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|rel| !rel.ends_with("SUMMARY.md") && !rel.starts_with("book/"))
        .collect();
    let mut fast = 0;
    for rel in &pages {
        let text = std::fs::read_to_string(live.book.path().join(rel)).unwrap();
        if live.save(rel, &format!("{text}\nA paragraph added at the end.\n")) {
            fast += 1;
        } else {
            live.rebuild();
        }
    }
    assert!(fast * 10 >= pages.len() * 8, "{fast} of {}", pages.len());
    live.assert_same_as_full_build();
}

/// Development check on a real book: `FOLIO_EDITS_BOOK=DIR cargo test
/// --test page_edits -- --ignored` copies DIR, appends a paragraph to up to
/// 60 of its pages one after another (a paragraph, or every other time a
/// heading, which changes the page's anchors) and compares the result with
/// a whole build. Real GitBook exports find what fixtures do not.
#[test]
#[ignore = "needs FOLIO_EDITS_BOOK"]
fn saves_in_a_real_book_match_a_full_build() {
    let Ok(dir) = std::env::var("FOLIO_EDITS_BOOK") else {
        return;
    };
    let book = TestBook::empty();
    common::copy_dir(std::path::Path::new(&dir), book.path());
    let mut live = Live::start(book);
    let pages: Vec<String> = walkdir::WalkDir::new(live.book.path())
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0 || !entry.file_name().to_string_lossy().starts_with('.')
        })
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "md"))
        .map(|entry| {
            let rel = entry.path().strip_prefix(live.book.path()).unwrap();
            rel.to_string_lossy().into_owned()
        })
        .filter(|rel| !rel.ends_with("SUMMARY.md"))
        .collect();
    let step = (pages.len() / 60).max(1);
    let (mut fast, mut tried) = (0, 0);
    for (round, rel) in pages.iter().step_by(step).enumerate() {
        let Ok(text) = std::fs::read_to_string(live.book.path().join(rel)) else {
            continue;
        };
        tried += 1;
        let added = if round % 2 == 0 {
            "A paragraph added at the end."
        } else {
            "## A heading added at the end"
        };
        if live.save(rel, &format!("{text}\n{added}\n")) {
            fast += 1;
        } else {
            live.rebuild();
        }
    }
    eprintln!("{fast} of {tried} saves took the fast path");
    live.assert_same_as_full_build();
}

#[test]
fn an_include_that_appears_is_read_by_the_next_build() {
    let mut live = Live::start(small_book());
    let page = "# Guide\n\nSome text.\n\n{% include \".gitbook/includes/later.md\" %}\n";
    live.save("guide.md", page);
    live.rebuild();
    assert!(
        report(&live.site)
            .iter()
            .any(|line| line.contains("later.md")),
        "the missing include is reported"
    );
    // The file appears: a new file builds the whole book with the caches
    // kept, and the page must not keep its old parse.
    assert!(!live.save(".gitbook/includes/later.md", "Here now.\n"));
    live.rebuild();
    live.assert_same_as_full_build();
    assert!(!report(&live.site)
        .iter()
        .any(|line| line.contains("later.md")));
}
