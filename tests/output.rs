//! Crash-safe output: real `folio build` processes killed (SIGKILL) at each
//! phase of writing the site, racing each other, and writing through a
//! symbolic link. Phases are reached with the `FOLIO_TEST_PAUSE` hook
//! (see `src/output.rs`).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::TestBook;

/// Starts `folio build` paused at `phase`, and waits until it got there.
fn paused_build(book: &TestBook, phase: &str) -> (Child, PathBuf) {
    let flag = book.path().join(format!("pause-{phase}"));
    let child = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["build", "--format=short"])
        .current_dir(book.path())
        .env("FOLIO_TEST_PAUSE", format!("{phase}:{}", flag.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run folio");
    wait_for(|| flag.exists(), &format!("the build to reach {phase}"));
    (child, flag)
}

fn kill(mut child: Child) {
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
}

fn wait_for(condition: impl Fn() -> bool, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Names beside the output that an interrupted build leaves.
fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".folio-staging-") || n.starts_with(".folio-previous-"))
        .collect()
}

#[test]
fn staging_left_by_builds_killed_while_writing_is_removed_by_the_next() {
    let book = TestBook::fixture("basic");
    book.build_ok();
    for _ in 0..3 {
        let (child, _) = paused_build(&book, "staged");
        kill(child);
    }
    // Each build cleans up after the one killed before it.
    assert_eq!(
        leftovers(book.path()).len(),
        1,
        "{:?}",
        leftovers(book.path())
    );
    assert!(
        book.output_exists("index.html"),
        "the old site is untouched"
    );
    book.build_ok();
    assert!(
        leftovers(book.path()).is_empty(),
        "{:?}",
        leftovers(book.path())
    );
    assert!(book.output_exists("index.html"));
}

#[test]
fn a_site_killed_between_the_renames_is_restored_even_by_a_failing_build() {
    let book = TestBook::fixture("basic");
    book.build_ok();
    // Without the last build's manifest, the site is swapped, not patched.
    fs::remove_dir_all(book.path().join(".folio-cache")).unwrap();
    let (child, _) = paused_build(&book, "between-renames");
    kill(child);
    assert!(
        !book.output_exists("index.html"),
        "the site is only in the previous copy"
    );
    assert_eq!(leftovers(book.path()).len(), 2);
    book.write("guide/linux.md", "# On Linux\n\n[x](missing.md)\n");
    let run = book.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        book.output_exists("index.html"),
        "restored from the previous copy"
    );
    assert!(
        leftovers(book.path()).is_empty(),
        "{:?}",
        leftovers(book.path())
    );
}

#[test]
fn a_site_killed_while_patched_in_place_is_finished_even_by_a_failing_build() {
    let book = TestBook::fixture("basic");
    book.build_ok();
    let install = fs::read_to_string(book.path().join("guide/install.md")).unwrap();
    book.write(
        "guide/install.md",
        &format!("{install}\nZebrafish need care.\n"),
    );
    book.write("guide/linux.md", "# On Linux\n\nSteps.\n");
    let (child, _) = paused_build(&book, "patching");
    kill(child);
    assert!(
        !book
            .output("guide/install/index.html")
            .contains("Zebrafish"),
        "nothing is applied before the journal is whole"
    );
    assert_eq!(leftovers(book.path()).len(), 1);
    // The next build fails, but first finishes the patch it found.
    book.write("guide/linux.md", "# On Linux\n\n[x](missing.md)\n");
    let run = book.run(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(book
        .output("guide/install/index.html")
        .contains("Zebrafish"));
    assert!(book.output("guide/linux.md").contains("Steps."));
    assert!(
        leftovers(book.path()).is_empty(),
        "{:?}",
        leftovers(book.path())
    );
}

#[test]
fn a_build_killed_holding_the_lock_does_not_block_the_next() {
    let book = TestBook::fixture("basic");
    let (child, _) = paused_build(&book, "locked");
    kill(child);
    book.build_ok();
    assert!(book.output_exists("index.html"));
}

#[test]
fn concurrent_builds_into_one_output_take_turns() {
    let book = TestBook::fixture("basic");
    book.build_ok();
    let (first, flag) = paused_build(&book, "staged");
    let second = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["build", "--format=short"])
        .current_dir(book.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(flag.exists(), "the first build still holds the output");
    fs::remove_file(&flag).unwrap();
    let first = first.wait_with_output().unwrap();
    let second = second.wait_with_output().unwrap();
    assert!(first.status.success());
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert!(
        leftovers(book.path()).is_empty(),
        "{:?}",
        leftovers(book.path())
    );
    assert!(book.output_exists("index.html"));
}

#[test]
fn an_output_that_is_a_symlink_is_written_through() {
    let book = TestBook::fixture("basic");
    let real = tempfile::tempdir().unwrap();
    let link = book.path().join("site-link");
    std::os::unix::fs::symlink(real.path(), &link).unwrap();
    let run = book.run(&["build", "--out", "site-link"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(real.path().join("index.html").is_file());
    book.run(&["build", "--out", "site-link"]);
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(real.path().join("index.html").is_file());
}
