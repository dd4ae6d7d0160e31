//! The catalogue of bad inputs (issue 12): small generated books, each run
//! through the real binary. Whatever the input, folio exits 0, 1 or 2
//! (never a panic, abort or hang), and when it complains it names the file
//! and line.
//!
//! `FOLIO_CATALOGUE_TIMES=1 cargo test --release --test bad_inputs --
//! --nocapture` prints how long each case took and its peak memory
//! (`scripts/bad-inputs` runs that and flags anything over a second or
//! over 200 MB beyond the input's size); the test itself only guards
//! against hangs, with a generous limit.

mod common;

use std::fs;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::TestBook;

/// One bad input: the files of a book, the exit codes allowed, and text
/// the report must contain.
struct Case {
    name: &'static str,
    files: Vec<(String, Vec<u8>)>,
    codes: &'static [i32],
    expect: Vec<String>,
    /// Text the report must not contain.
    refuse: Vec<String>,
}

fn case(name: &'static str, codes: &'static [i32]) -> Case {
    Case {
        name,
        files: Vec::new(),
        codes,
        expect: Vec::new(),
        refuse: Vec::new(),
    }
}

impl Case {
    fn file(mut self, path: &str, text: impl Into<Vec<u8>>) -> Case {
        self.files.push((path.to_string(), text.into()));
        self
    }

    /// A one-page book whose page is `text`.
    fn page(self, text: impl Into<Vec<u8>>) -> Case {
        self.file("SUMMARY.md", "* [Home](README.md)\n")
            .file("README.md", text)
    }

    fn expect(mut self, text: &str) -> Case {
        self.expect.push(text.to_string());
        self
    }

    fn refuse(mut self, text: &str) -> Case {
        self.refuse.push(text.to_string());
        self
    }
}

fn catalogue() -> Vec<Case> {
    let n = |s: &str, times: usize| s.repeat(times);
    let mut cases = vec![
        // The three crashes.
        case("html-tag-open-at-end", &[0]).page("# H\n\n<div><a \n"),
        case("key-less-value-before-multibyte", &[0])
            .page("# H\n\n{% hint =é %}\nx\n{% endhint %}\n"),
        case("blocks-nested-50000", &[1])
            .page(format!("# H\n\n{}x\n{}", n("{% hint %}\n", 50_000), n("{% endhint %}\n", 50_000)))
            .expect("README.md:35:1: error[too-deep]"),
        // Unbounded work.
        case("yaml-nested-100000", &[1])
            .page(format!("---\ndescription: {}\n---\n# H\n", n("[", 100_000)))
            .expect("README.md:2:78: error[invalid-front-matter]")
            .expect("nested more than 64 deep"),
        case("same-heading-20000", &[0]).page(format!("# H\n\n{}", n("## Same\n\n", 20_000))),
        case("maths-nested-50000", &[1])
            .page(format!("# H\n\n$${}x{}$$\n", n("{", 50_000), n("}", 50_000)))
            .expect("README.md:3:1: error[too-deep]"),
        // Includes.
        case("include-cycle", &[1])
            .page("# H\n\n{% include \".gitbook/includes/a.md\" %}\n")
            .file(".gitbook/includes/a.md", "A\n\n{% include \"b.md\" %}\n")
            .file(".gitbook/includes/b.md", "B\n\n{% include \"a.md\" %}\n")
            .expect(".gitbook/includes/b.md:3:13: error[broken-link]")
            .expect("includes itself"),
        case("include-outside-root", &[1])
            .page("# H\n\n{% include \"../../../../etc/passwd\" %}\n\n{% include \"/etc/passwd\" %}\n")
            .expect("README.md:3:13: error[broken-link]")
            .refuse("root:x:0"),
        case("include-not-utf8", &[1])
            .page("# H\n\n{% include \".gitbook/includes/bad.md\" %}\n")
            .file(".gitbook/includes/bad.md", b"Line one\nca\xffe\n".to_vec())
            .expect(".gitbook/includes/bad.md:2:3: error[invalid-encoding]"),
        // Bytes.
        case("nul-bytes", &[0]).page("# H\n\nA\0B\n"),
        case("binary-page", &[1])
            .page(b"# H\n\n\x1b[31mred\x1b[0m \xff\xfe\x00\x01 \x1b]0;title\x07\n".to_vec())
            .expect("README.md:3:")
            .expect("error[invalid-encoding]")
            .refuse("\x1b"),
        case("bom-crlf-and-lone-cr", &[0])
            .page("\u{feff}# H\r\n\r\nOne\rTwo\r\n## Sub\r\n"),
        case("one-line-of-900-kb", &[0]).page(format!("# H\n\n{}\n", n("word ", 180_000))),
        // Markdown nesting.
        case("blockquotes-100000", &[0]).page(format!("# H\n\n{} x\n", n(">", 100_000))),
        case("emphasis-100000", &[0]).page(format!("# H\n\n{}x{}\n", n("*", 100_000), n("*", 100_000))),
        case("brackets-100000", &[0]).page(format!("# H\n\n{}x{}\n", n("[", 100_000), n("]", 100_000))),
        case("html-divs-100000", &[0]).page(format!("# H\n\n{}\n", n("<div>", 100_000))),
        case("unclosed-comment-and-fence", &[0])
            .page(format!("# H\n\n<!--\n{}\n\n```\n{}", n("c ", 200_000), n("code\n", 50_000))),
        case("link-parens-100000", &[0, 1]).page(format!("# H\n\n[a]({}b)\n", n("(", 100_000))),
        case("unknown-blocks-10000", &[0])
            .page(format!("# H\n\n{}", n("{% frobnicate %}\n", 10_000)))
            .expect("README.md:3:1: warning[unknown-block]"),
        case("table-1000-columns", &[0])
            .page(format!("# H\n\n{}|\n{}|\n{}", n("| a ", 1000), n("|---", 1000), n(&format!("{}|\n", n("| x ", 1000)), 100))),
        case("footnotes-10000", &[0]).page({
            let mut text = String::from("# H\n\n");
            for i in 0..10_000 {
                text += &format!("Note[^{i}].\n\n[^{i}]: Text {i}.\n\n");
            }
            text
        }),
        // Front matter.
        case("front-matter-duplicate-key", &[1])
            .page("---\ndescription: a\nicon: x\ndescription: b\n---\n# H\n")
            .expect("README.md:4:1: error[invalid-front-matter]"),
        case("front-matter-unclosed-quote", &[1])
            .page("---\ndescription: \"open\nicon: x\n---\n# H\n")
            .expect("README.md:2:14: error[invalid-front-matter]"),
        case("front-matter-unclosed-fence", &[0, 1]).page("---\ndescription: x\n# H\n"),
        // Configuration.
        case("theme-outside-book", &[0])
            .page("# H\n")
            .file("book.toml", "[output.html]\ntheme = \"/etc\"\n")
            .expect("book.toml:2:1: warning[invalid-config]"),
        case("gitbook-yaml-a-list", &[0])
            .page("# H\n")
            .file(".gitbook.yaml", "- root: ./\n- x\n")
            .expect(".gitbook.yaml:1:1: warning[invalid-config]"),
        case("book-toml-syntax", &[2])
            .page("# H\n")
            .file("book.toml", "[book]\ntitle = \"T\n")
            .expect("book.toml:2:"),
        case("book-toml-not-utf8", &[2])
            .page("# H\n")
            .file("book.toml", b"[book]\ntitle = \"\xff\"\n".to_vec())
            .expect("book.toml:2:"),
        case("gitbook-yaml-root-outside", &[2])
            .page("# H\n")
            .file(".gitbook.yaml", "root: ../../\n")
            .expect(".gitbook.yaml:1:1: error[invalid-config]"),
        // SUMMARY.
        case("summary-missing", &[1, 2]).file("README.md", "# H\n"),
        case("empty-book", &[1, 2]),
        case("summary-50000-missing-pages", &[1])
            .file("README.md", "# H\n")
            .file("SUMMARY.md", {
                let mut text = String::from("* [Home](README.md)\n");
                for i in 0..50_000 {
                    text += &format!("* [P{i}](p{i}.md)\n");
                }
                text
            })
            .expect("SUMMARY.md:2:"),
        case("summary-nested-500", &[0]).file("README.md", "# H\n").file("SUMMARY.md", {
            let mut text = String::from("* [Home](README.md)\n");
            for i in 0..500 {
                text += &format!("{}* [P{i}](p{i}.md)\n", n("  ", i + 1));
            }
            text
        }),
    ];
    // Pages for the nested SUMMARY.
    let nested = cases
        .iter_mut()
        .find(|c| c.name == "summary-nested-500")
        .unwrap();
    for i in 0..500 {
        nested
            .files
            .push((format!("p{i}.md"), format!("# P{i}\n").into_bytes()));
    }
    // 16 small files each including the next four times (4^15 copies).
    let mut fan_out = case("include-fan-out", &[1])
        .page("# H\n\n{% include \".gitbook/includes/f0.md\" %}\n")
        .expect("error[too-deep]")
        .expect("would add more than 4 MB");
    for i in 0..15 {
        let line = format!("{{% include \"f{}.md\" %}}\n", i + 1);
        fan_out = fan_out.file(
            &format!(".gitbook/includes/f{i}.md"),
            format!("Text {i} {}\n{}", n("x", 900), line.repeat(4)),
        );
    }
    cases.push(fan_out.file(".gitbook/includes/f15.md", "End.\n"));
    let mut chain = case("include-depth-20", &[1])
        .page("# H\n\n{% include \".gitbook/includes/d0.md\" %}\n")
        .expect(".gitbook/includes/d15.md:3:13: error[too-deep]")
        .expect("nest more than 16 deep")
        .refuse("includes itself");
    for i in 0..20 {
        chain = chain.file(
            &format!(".gitbook/includes/d{i}.md"),
            format!("Level {i}\n\n{{% include \"d{}.md\" %}}\n", i + 1),
        );
    }
    cases.push(chain);
    // 32 nested blocks in each of 16 nested includes: 512 levels in all.
    let mut deep = case("blocks-in-includes-512", &[0])
        .page("# H\n\n{% include \".gitbook/includes/n0.md\" %}\n");
    for i in 0..16 {
        let inner = if i < 15 {
            format!("{{% include \"n{}.md\" %}}\n", i + 1)
        } else {
            "Bottom.\n".to_string()
        };
        deep = deep.file(
            &format!(".gitbook/includes/n{i}.md"),
            format!(
                "{}{inner}{}",
                n("{% hint %}\n", 32),
                n("{% endhint %}\n", 32)
            ),
        );
    }
    cases.push(deep);
    cases
}

/// Runs `folio build` on the case's book, with a hang guard: (exit code,
/// report, time taken, peak memory in kB).
fn run(case: &Case) -> (i32, String, Duration, u64) {
    let book = TestBook::empty();
    for (path, bytes) in &case.files {
        let full = book.path().join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, bytes).unwrap();
    }
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["build", "--format=short"])
        .current_dir(book.path())
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        stderr.read_to_end(&mut bytes).unwrap();
        bytes
    });
    let deadline = started + Duration::from_secs(120);
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0;
    let status = loop {
        // The high-water mark of the process's memory, while it runs
        // (Linux; elsewhere it stays 0).
        if let Some(kb) = fs::read_to_string(&status_file).ok().and_then(|text| {
            text.lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|value| {
                    value
                        .trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                })
        }) {
            peak_kb = peak_kb.max(kb);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("{}: still running after 120 s", case.name);
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&reader.join().unwrap()).into_owned();
    let output = book.path().join("book/index.html");
    if let Ok(html) = fs::read(&output) {
        assert!(!html.contains(&0), "{}: NUL in the HTML", case.name);
    }
    (status.code().unwrap_or(-1), stderr, elapsed, peak_kb)
}

#[test]
fn no_bad_input_crashes_hangs_or_goes_unlocated() {
    let times = std::env::var_os("FOLIO_CATALOGUE_TIMES").is_some();
    let mut failures = Vec::new();
    for case in catalogue() {
        let size: usize = case.files.iter().map(|(_, b)| b.len()).sum();
        let (code, stderr, elapsed, peak_kb) = run(&case);
        if times {
            println!(
                "{:>8.3} s {:>9} bytes {:>6} MB  exit {code}  {}",
                elapsed.as_secs_f64(),
                size,
                peak_kb / 1024,
                case.name
            );
        }
        let head: String = stderr.chars().take(600).collect();
        if !case.codes.contains(&code) {
            failures.push(format!(
                "{}: exit {code}, wanted {:?}\n{head}",
                case.name, case.codes
            ));
            continue;
        }
        if code != 0 && !has_location(&stderr) {
            failures.push(format!("{}: no file:line in the report\n{head}", case.name));
        }
        for wanted in &case.expect {
            if !stderr.contains(wanted.as_str()) {
                failures.push(format!("{}: report lacks {wanted:?}\n{head}", case.name));
            }
        }
        for refused in &case.refuse {
            if stderr.contains(refused.as_str()) {
                failures.push(format!("{}: report contains {refused:?}", case.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Whether a report names a file and line (`path:12:` or `path:12:3:`).
fn has_location(report: &str) -> bool {
    report.lines().any(|line| {
        let mut parts = line.split(':');
        let (Some(file), Some(number)) = (parts.next(), parts.next()) else {
            return false;
        };
        !file.is_empty()
            && !file.contains(' ')
            && !number.is_empty()
            && number.chars().all(|c| c.is_ascii_digit())
    })
}
