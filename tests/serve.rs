//! `folio serve` with a real HTTP client: pages and assets, live reload on
//! save, broken links reported to the browser, refusal of every path that
//! tries to leave the site, and many concurrent clients.

#![cfg(feature = "serve")]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::TestBook;

/// A running `folio serve`, stopped when dropped, with what it printed.
struct Server {
    child: Child,
    address: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// How many rebuilds the server has reported so far.
    fn rebuilds(&self) -> usize {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|line| line.contains("rebuilt in") || line.contains("rebuild failed"))
            .count()
    }

    /// Waits until the server has reported `count` rebuilds.
    fn wait_for_rebuilds(&self, count: usize, why: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.rebuilds() < count {
            assert!(Instant::now() < deadline, "{why}: {:#?}", self.log());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

fn start(book: &TestBook) -> Server {
    start_in(book.path())
}

fn start_in(dir: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["serve", ".", "--port", "0"])
        .current_dir(dir)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let (sender, receiver) = std::sync::mpsc::channel();
    let lines = Arc::clone(&log);
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(at) = line.find("http://") {
                let url = line[at + 7..].split('/').next().unwrap().to_string();
                let _ = sender.send(url);
            }
            lines.lock().unwrap().push(line);
        }
    });
    let address = receiver
        .recv_timeout(Duration::from_secs(60))
        .expect("server starts");
    Server {
        child,
        address,
        log,
    }
}

/// One request; returns (status, headers, body).
fn request(address: &str, method: &str, path: &str) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a full response");
    let head = String::from_utf8_lossy(&response[..split]).to_string();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (
        status,
        head.to_ascii_lowercase(),
        response[split + 4..].to_vec(),
    )
}

fn get(address: &str, path: &str) -> (u16, String) {
    let (status, _, body) = request(address, "GET", path);
    (status, String::from_utf8_lossy(&body).to_string())
}

/// The next server-sent event (name, data) before `deadline`, if any.
fn next_event(events: &mut BufReader<TcpStream>, deadline: Instant) -> Option<(String, String)> {
    let mut current = String::new();
    while Instant::now() < deadline {
        let mut line = String::new();
        if events.read_line(&mut line).is_err() {
            continue;
        }
        let line = line.trim_end();
        if let Some(event) = line.strip_prefix("event: ") {
            current = event.to_string();
        } else if let Some(data) = line.strip_prefix("data: ") {
            return Some((current, data.to_string()));
        }
    }
    None
}

/// Reads server-sent events until one named `name` whose data contains
/// `needle` arrives.
fn wait_for_event(events: &mut BufReader<TcpStream>, name: &str, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    while let Some((event, data)) = next_event(events, deadline) {
        if event == name && data.contains(needle) {
            return data;
        }
    }
    panic!("no {name} event containing {needle:?}");
}

/// Polls a page until it contains `text` (a rebuild lands within a moment).
fn wait_for_page(address: &str, path: &str, text: &str, why: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !get(address, path).1.contains(text) {
        assert!(Instant::now() < deadline, "{why}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Opens the event stream as a tab showing `page` would.
fn subscribe(address: &str, page: &str) -> BufReader<TcpStream> {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    write!(
        stream,
        "GET /__folio/events?page={page} HTTP/1.1\r\nHost: {address}\r\n\r\n"
    )
    .unwrap();
    BufReader::new(stream)
}

/// Every event (name, data) that arrives within `window`.
fn events_within(events: &mut BufReader<TcpStream>, window: Duration) -> Vec<(String, String)> {
    let deadline = Instant::now() + window;
    std::iter::from_fn(|| next_event(events, deadline)).collect()
}

fn names(events: &[(String, String)]) -> Vec<&str> {
    events.iter().map(|(name, _)| name.as_str()).collect()
}

#[test]
fn pages_and_assets_are_served_with_types_and_the_reload_script() {
    let book = TestBook::fixture("basic");
    let server = start(&book);
    let (status, head, body) = request(&server.address, "GET", "/guide/install/");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html; charset=utf-8"));
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("<h1>Install</h1>"));
    assert!(
        html.contains(r#"<script src="/__folio/live.js" defer></script></body>"#),
        "reload script injected"
    );
    let (status, head, _) = request(
        &server.address,
        "GET",
        "/.gitbook/assets/topology%20(1)%20%C3%A9.png",
    );
    assert_eq!(status, 200);
    assert!(head.contains("content-type: image/png"));
    let css = html[html.find("/_folio/folio.").map(|i| i + 1).unwrap()..]
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let (status, head, _) = request(&server.address, "GET", &format!("/{css}"));
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/css"));
    let (status, head, body) = request(&server.address, "HEAD", "/guide/");
    assert_eq!(status, 200);
    assert!(body.is_empty(), "HEAD has no body");
    assert!(head.contains("content-length: "));
    let (status, head, _) = request(&server.address, "GET", "/guide");
    assert_eq!(status, 301);
    assert!(head.contains("location: /guide/"));
    assert_eq!(get(&server.address, "/no/such/page/").0, 404);
    assert_eq!(get(&server.address, "/__folio/live.js").0, 200);
    // The search dialog asks for index files with a version query.
    let (status, head, _) = request(&server.address, "GET", "/search/t/0.json?v=0123abcd");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: application/json"), "{head}");
    assert!(
        !book.path().join("book").exists(),
        "serve writes nothing to disk"
    );
}

#[test]
fn paths_outside_the_site_are_refused() {
    let outer = TestBook::empty();
    outer.write("secret.txt", "top secret");
    common::copy_dir(&common::fixtures().join("basic"), &outer.path().join("kb"));
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outer.path().join("secret.txt"),
        outer.path().join("kb/.gitbook/assets/secret.txt"),
    )
    .unwrap();
    let server = start_in(&outer.path().join("kb"));
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/secret.txt",
        "/guide/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/guide\\..\\..\\secret.txt",
        "/.gitbook/assets/secret.txt",
        "/%2fetc%2fpasswd",
        "//etc/passwd",
        "/book.toml",
        "/SUMMARY.md",
    ] {
        let (status, body) = get(&server.address, path);
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("top secret"), "{path}");
    }
}

#[test]
fn saving_a_page_reloads_the_browser_and_broken_links_reach_the_overlay() {
    let book = TestBook::fixture("basic");
    let server = start(&book);
    let mut events = subscribe(&server.address, "/guide/linux/");
    wait_for_event(&mut events, "diagnostics", "\"errors\":0");
    book.write("guide/linux.md", "# On Linux\n\nFreshly edited.\n");
    wait_for_event(&mut events, "reload", "reload");
    assert!(get(&server.address, "/guide/linux/")
        .1
        .contains("Freshly edited."));
    book.write("guide/linux.md", "# On Linux\n\nSee [gone](gone.md).\n");
    let data = wait_for_event(&mut events, "diagnostics", "broken-link");
    let report: serde_json::Value = serde_json::from_str(&data).unwrap();
    let broken = &report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "broken-link")
        .unwrap()
        .clone();
    assert_eq!(broken["file"], "guide/linux.md");
    assert_eq!(
        (broken["line"].as_u64(), broken["column"].as_u64()),
        (Some(3), Some(12))
    );
    assert!(
        get(&server.address, "/guide/linux/").1.contains("gone.md"),
        "still served, with the problem shown"
    );
    book.write(
        "theme/page.html",
        "<main>{{ page.title }} in a new theme</main>{{ page.content | safe }}</body>",
    );
    wait_for_page(
        &server.address,
        "/guide/linux/",
        "On Linux in a new theme",
        "a theme change re-renders cached pages",
    );
    book.write("book.toml", "[book]\ntitel = \"typo\"\n");
    // The overlay gets the configuration's own diagnostic, with its line.
    let report = wait_for_event(&mut events, "diagnostics", "invalid-config");
    assert!(
        report.contains("unknown key `titel`") && report.contains("\"line\":2"),
        "{report}"
    );
    assert_eq!(
        get(&server.address, "/guide/linux/").0,
        200,
        "a failed rebuild keeps the last good site"
    );
}

#[test]
fn editing_an_included_file_updates_the_pages_that_include_it() {
    let book = TestBook::fixture("basic");
    book.write(
        "guide/note.md",
        "---\ntitle: note\n---\nFirst version of the note.\n",
    );
    book.write(
        "guide/linux.md",
        "# On Linux\n\n{% include \"note.md\" %}\n",
    );
    let server = start(&book);
    assert!(get(&server.address, "/guide/linux/")
        .1
        .contains("First version of the note."));
    book.write(
        "guide/note.md",
        "---\ntitle: note\n---\nSecond version of the note.\n",
    );
    wait_for_page(
        &server.address,
        "/guide/linux/",
        "Second version of the note.",
        "the including page was parsed again",
    );
}

#[test]
fn renaming_a_page_updates_the_sidebar_of_pages_not_saved() {
    let book = TestBook::fixture("basic");
    let server = start(&book);
    let before = get(&server.address, "/guide/").1;
    assert!(
        before.contains(">Installing<"),
        "the sidebar names the page"
    );
    // Only SUMMARY.md changes: the guide's page must be rendered again,
    // since it shows the sidebar.
    let summary = std::fs::read_to_string(book.path().join("SUMMARY.md")).unwrap();
    book.write(
        "SUMMARY.md",
        &summary.replace("\"Installing\"", "\"Setting up\""),
    );
    wait_for_page(
        &server.address,
        "/guide/",
        ">Setting up<",
        "a page that was not saved shows the new sidebar label",
    );
}

#[test]
fn a_thousand_requests_from_fifty_clients() {
    let book = TestBook::fixture("basic");
    let server = start(&book);
    let paths = [
        "/",
        "/guide/",
        "/guide/install/",
        "/.gitbook/assets/topology%20(1)%20%C3%A9.png",
        "/reference/config_files/",
    ];
    let clients: Vec<_> = (0..50)
        .map(|client| {
            let address = server.address.clone();
            std::thread::spawn(move || {
                (0..20)
                    .filter(|n| get(&address, paths[(client + n) % paths.len()]).0 != 200)
                    .count()
            })
        })
        .collect();
    let failures: usize = clients.into_iter().map(|c| c.join().unwrap()).sum();
    assert_eq!(failures, 0);
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let book = TestBook::fixture("basic");
    let output = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["serve", ".", "--port", &port])
        .current_dir(book.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("port {port} is already in use")),
        "{stderr}"
    );
}

/// Reads every file under `dir`, as an editor, indexer or backup tool would.
fn read_everything(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|entry| entry.file_type().is_file())
        .inspect(|entry| {
            std::fs::read(entry.path()).unwrap();
        })
        .count()
}

#[test]
fn an_idle_preview_stays_still_while_files_are_only_read() {
    let book = TestBook::cdpi();
    let server = start(&book);
    let mut tab = subscribe(&server.address, "/dpg-and-dpi/");
    std::thread::sleep(Duration::from_secs(2));
    assert!(read_everything(book.path()) > 30);
    let seen = events_within(&mut tab, Duration::from_secs(3));
    assert_eq!(names(&seen), ["diagnostics"], "only the initial report");
    assert_eq!(server.rebuilds(), 0, "{:#?}", server.log());
}

#[test]
fn one_save_is_one_rebuild_and_reloads_only_tabs_showing_it() {
    let book = TestBook::fixture("basic");
    let server = start(&book);
    let mut edited_tab = subscribe(&server.address, "/guide/linux/");
    let mut other_tab = subscribe(&server.address, "/guide/install/");
    events_within(&mut edited_tab, Duration::from_millis(300));
    events_within(&mut other_tab, Duration::from_millis(300));
    let text = std::fs::read_to_string(book.path().join("guide/linux.md")).unwrap();
    book.write("guide/linux.md", &format!("{text}\nOne more line.\n"));
    server.wait_for_rebuilds(1, "the save is built");
    let edited = events_within(&mut edited_tab, Duration::from_secs(2));
    let other = events_within(&mut other_tab, Duration::from_millis(500));
    assert_eq!(names(&edited), ["reload"], "{edited:?}");
    assert!(
        other.is_empty(),
        "a tab on another page is left alone: {other:?}"
    );
    assert_eq!(server.rebuilds(), 1, "{:#?}", server.log());
    let line = server
        .log()
        .into_iter()
        .find(|line| line.contains("rebuilt in"))
        .unwrap();
    assert!(line.contains("guide/linux.md changed"), "{line}");
    assert!(line.contains("1 page re-rendered"), "{line}");

    // Saving the same text again builds, but nothing is sent.
    book.write("guide/linux.md", &format!("{text}\nOne more line.\n"));
    server.wait_for_rebuilds(2, "an unchanged save is built too");
    let again = events_within(&mut edited_tab, Duration::from_millis(700));
    assert!(
        again.is_empty(),
        "an unchanged site sends nothing: {again:?}"
    );
}

#[test]
fn a_stylesheet_edit_swaps_stylesheets_without_reloading() {
    let book = TestBook::fixture("basic");
    let default_css = Path::new(env!("CARGO_MANIFEST_DIR")).join("theme/folio.css");
    let css = std::fs::read_to_string(&default_css).unwrap();
    book.write("theme/folio.css", &css);
    let server = start(&book);
    let mut tab = subscribe(&server.address, "/guide/");
    events_within(&mut tab, Duration::from_millis(300));
    book.write(
        "theme/folio.css",
        &format!("{css}\nmain {{ outline: 1px solid red; }}\n"),
    );
    server.wait_for_rebuilds(1, "the stylesheet edit is built");
    let seen = events_within(&mut tab, Duration::from_secs(2));
    assert_eq!(names(&seen), ["stylesheets"], "{seen:?}");
    let swaps: Vec<(String, String)> = serde_json::from_str(&seen[0].1).unwrap();
    assert!(swaps
        .iter()
        .any(|(from, to)| from.starts_with("folio.") && to.starts_with("folio.") && from != to));
    let page = get(&server.address, "/guide/").1;
    assert!(page.contains(&swaps[0].1), "pages name the new stylesheet");
}

#[test]
fn a_content_folder_named_book_is_watched_and_the_output_folder_is_not() {
    let book = TestBook::fixture("basic");
    let toml = std::fs::read_to_string(book.path().join("book.toml")).unwrap();
    book.write(
        "book.toml",
        &toml.replace("[book]", "[build]\nbuild-dir = \"site\"\n\n[book]"),
    );
    book.write("book/chapter.md", "# Chapter\n\nFirst draft.\n");
    let summary = std::fs::read_to_string(book.path().join("SUMMARY.md")).unwrap();
    book.write(
        "SUMMARY.md",
        &format!("{summary}* [Chapter](book/chapter.md)\n"),
    );
    let server = start(&book);
    assert!(get(&server.address, "/book/chapter/")
        .1
        .contains("First draft."));
    book.write("site/index.html", "written by another build");
    book.write("site/x/y.html", "and more");
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(server.rebuilds(), 0, "the output folder is not source");
    book.write("book/chapter.md", "# Chapter\n\nSecond draft.\n");
    wait_for_page(
        &server.address,
        "/book/chapter/",
        "Second draft.",
        "a save in a folder named book/ rebuilds",
    );
}

#[test]
fn a_burst_of_a_thousand_writes_is_at_most_two_rebuilds() {
    let book = TestBook::fixture("basic");
    let server = start(&book);
    for n in 0..1000 {
        book.write(
            &format!("notes/n{}/note{n}.md", n % 20),
            &format!("# Note {n}\n"),
        );
    }
    server.wait_for_rebuilds(1, "the burst is built");
    std::thread::sleep(Duration::from_secs(2));
    let rebuilds = server.rebuilds();
    assert!(rebuilds <= 2, "{rebuilds} rebuilds: {:#?}", server.log());
}

#[test]
fn a_half_written_page_is_reported_and_the_next_good_save_recovers() {
    let book = TestBook::fixture("basic");
    let server = start(&book);
    let mut tab = subscribe(&server.address, "/guide/linux/");
    wait_for_event(&mut tab, "diagnostics", "\"errors\":0");
    for (broken, code) in [
        (&b"# On Linux\n\nHalf \xe2\x80"[..], "invalid-encoding"),
        (
            b"---\ntitle: [unclosed\n---\n# On Linux\n",
            "invalid-front-matter",
        ),
        (
            b"# On Linux\n\n{% hint style=\"info\" %}\nNo end.\n",
            "block",
        ),
        (b"# H\n\n<div><a \n", ""),
    ] {
        std::fs::write(book.path().join("guide/linux.md"), broken).unwrap();
        if !code.is_empty() {
            let data = wait_for_event(&mut tab, "diagnostics", code);
            assert!(data.contains("guide/linux.md"), "{data}");
        }
        assert_eq!(get(&server.address, "/guide/install/").0, 200);
    }
    book.write("guide/linux.md", "# On Linux\n\nWhole again.\n");
    wait_for_page(
        &server.address,
        "/guide/linux/",
        "Whole again.",
        "the next good save is served",
    );
}

#[test]
fn summary_deleted_then_restored() {
    let book = TestBook::fixture("basic");
    let server = start(&book);
    let mut tab = subscribe(&server.address, "/guide/");
    wait_for_event(&mut tab, "diagnostics", "\"errors\":0");
    let summary = std::fs::read_to_string(book.path().join("SUMMARY.md")).unwrap();
    std::fs::remove_file(book.path().join("SUMMARY.md")).unwrap();
    let data = wait_for_event(&mut tab, "diagnostics", "invalid-summary");
    assert!(data.contains("SUMMARY.md"), "{data}");
    assert_eq!(get(&server.address, "/").0, 200, "still serving");
    book.write("SUMMARY.md", &summary.replace("Installing", "Set-up"));
    wait_for_page(
        &server.address,
        "/guide/",
        ">Set-up<",
        "rebuilt after restore",
    );
}

#[test]
fn silent_connections_are_closed() {
    let book = TestBook::fixture("basic");
    let server = start(&book);
    let mut silent = TcpStream::connect(&server.address).unwrap();
    silent
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let started = Instant::now();
    let mut buffer = [0u8; 64];
    let read = silent.read(&mut buffer);
    assert!(
        matches!(read, Ok(0)) || read.is_err(),
        "the server closes a connection that sends nothing"
    );
    assert!(started.elapsed() < Duration::from_secs(25));
    assert_eq!(get(&server.address, "/guide/").0, 200);
}

#[test]
fn a_double_slash_never_redirects_to_another_host() {
    let book = TestBook::fixture("basic");
    let server = start(&book);
    let (status, head, _) = request(&server.address, "GET", "//guide");
    assert_eq!(status, 301);
    assert!(
        head.contains("location: /guide/\r\n") || head.ends_with("location: /guide/"),
        "{head}"
    );
}

#[test]
fn search_reflects_a_save() {
    let book = TestBook::fixture("basic");
    let server = start(&book);
    let holds = |word: &str| {
        (0..64).any(|chunk| {
            let (status, body) = get(&server.address, &format!("/search/d/{chunk}.json"));
            status == 200 && body.contains(word)
        })
    };
    assert!(holds("On Linux"), "the index holds the page's title");
    assert!(!holds("Zyzzogeton"));
    book.write("guide/linux.md", "# Zyzzogeton on Linux\n\nA rare word.\n");
    let wait_for = |word: &str, why: &str| {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !holds(word) {
            assert!(Instant::now() < deadline, "{why}: {:#?}", server.log());
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    wait_for("Zyzzogeton", "the search index follows a new title");
    // Saves of page text take the fast path; saves in quick succession
    // stop the index build of the one before, and the last one wins.
    let mut tab = subscribe(&server.address, "/guide/linux/");
    for word in ["Quokkaone", "Quokkatwo", "Quokkathree"] {
        book.write(
            "guide/linux.md",
            &format!("# Zyzzogeton on Linux\n\nA rare word: {word}.\n"),
        );
        wait_for_event(&mut tab, "reload", "");
        wait_for_page(
            &server.address,
            "/guide/linux/",
            word,
            "the page follows at once",
        );
    }
    wait_for("Quokkathree", "the search index follows the last save");
    assert!(!holds("Quokkaone"), "an older save's index is replaced");
}
