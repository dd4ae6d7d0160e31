//! Shared helpers: copy a fixture book to a temporary directory, run the
//! real `folio` binary on it, and read what it produced.

#![allow(dead_code, unreachable_pub)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A fixture book copied into a temporary directory, so builds never write
/// into the repository.
pub struct TestBook {
    dir: tempfile::TempDir,
}

/// What one run of the binary did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl TestBook {
    /// Copies `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> TestBook {
        let book = TestBook::empty();
        copy_dir(&fixtures().join(name), book.path());
        book
    }

    /// The bundled CDPI knowledge base's sources (not the repository
    /// around them).
    pub fn cdpi() -> TestBook {
        let book = TestBook::empty();
        let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
        for part in ["content", "references", "theme", ".gitbook"] {
            copy_dir(&repository.join(part), &book.path().join(part));
        }
        fs::copy(repository.join("book.toml"), book.path().join("book.toml")).unwrap();
        book
    }

    /// An empty book directory.
    pub fn empty() -> TestBook {
        TestBook {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes (or overwrites) a file in the book.
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    /// Runs `folio <args…>` with the book as the working directory. Unless
    /// the test picks a format, diagnostics come in the one-line `short`
    /// form, which is easiest to assert on.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut args: Vec<&str> = args.to_vec();
        let reports = matches!(args.first(), Some(&"build") | Some(&"check"));
        if reports && !args.iter().any(|a| a.starts_with("--format")) {
            args.push("--format=short");
        }
        let output = Command::new(env!("CARGO_BIN_EXE_folio"))
            .args(&args)
            .current_dir(self.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("run folio");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `folio build`, asserting it succeeds.
    pub fn build_ok(&self) -> Run {
        let run = self.run(&["build"]);
        assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
        run
    }

    /// A file of the built site (default output folder `book/`).
    pub fn output(&self, rel: &str) -> String {
        let path = self.path().join("book").join(rel);
        fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
    }

    /// The published path of a theme file (`folio.css` is published with
    /// a content hash in its name), relative to the output folder.
    pub fn theme_file(&self, name: &str) -> String {
        let (stem, extension) = name.rsplit_once('.').unwrap();
        let dir = self.path().join("book/_folio");
        let found = fs::read_dir(&dir)
            .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|file| {
                file.starts_with(&format!("{stem}.")) && file.ends_with(&format!(".{extension}"))
            })
            .unwrap_or_else(|| panic!("no published {name}"));
        format!("_folio/{found}")
    }

    pub fn output_exists(&self, rel: &str) -> bool {
        self.path().join("book").join(rel).exists()
    }
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else {
            fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// The part of a page between `<main` and `</main>`.
pub fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("page has <main>");
    let end = html.find("</main>").expect("page has </main>");
    &html[start..end]
}

/// The Chromium to drive. The browser tests are ignored where build.rs
/// found no Chromium, node or `npm ci` in tests/browser
/// (`cfg(browser_tests)`); run anyway (`--include-ignored`, or in CI) they
/// fail here, saying what is missing.
pub fn chromium() -> String {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    let chromium = std::env::var("CHROMIUM")
        .ok()
        .or_else(|| option_env!("FOLIO_CHROMIUM").map(String::from))
        .filter(|path| Path::new(path).exists());
    let packages = repository
        .join("tests/browser/node_modules/playwright-core")
        .is_dir();
    let node = Command::new("node").arg("--version").output().is_ok();
    let found = chromium.is_some();
    match chromium {
        Some(chromium) if packages && node => chromium,
        _ => panic!(
            "the browser tests need Chromium (found: {found}), node (found: {node}) and `npm ci` in tests/browser (done: {packages}); .ci/run installs them"
        ),
    }
}
