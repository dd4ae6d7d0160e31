//! The preview in a real browser (tests/browser/preview.mjs): `folio serve`
//! on a copy of the CDPI book, tabs left open for seconds, files saved. A
//! page left alone must load once; a save reloads only the tab showing it;
//! a stylesheet edit restyles without a reload; the overlay does not
//! flicker. Needs Debian's Chromium and `npm ci` in tests/browser, like
//! tests/browser.rs: ignored without them, except in CI, where their absence
//! is a failure.

#![cfg(feature = "serve")]

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::TestBook;

#[test]
#[cfg_attr(
    not(browser_tests),
    ignore = "needs Chromium, node and `npm ci` in tests/browser (.ci/run installs them)"
)]
fn the_preview_in_chromium_stays_still_and_reloads_only_what_changed() {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    let chromium = common::chromium();
    let book = TestBook::cdpi();
    let mut server = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["serve", ".", "--port", "0"])
        .current_dir(book.path())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    let stderr = server.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(at) = line.find("http://") {
                let _ = sender.send(line[at..].split_whitespace().next().unwrap().to_string());
            }
        }
    });
    let url = receiver
        .recv_timeout(Duration::from_secs(120))
        .expect("the preview starts");
    let output = Command::new("node")
        .arg(repository.join("tests/browser/preview.mjs"))
        .arg(url.trim_end_matches('/'))
        .arg(book.path())
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap();
    let _ = server.kill();
    let _ = server.wait();
    let stdout = String::from_utf8_lossy(&output.stdout);
    eprintln!("{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}
