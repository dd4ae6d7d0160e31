//! `folio serve` with a real HTTP client: pages and assets, live reload on
//! save, broken links reported to the browser, refusal of every path that
//! tries to leave the site, and many concurrent clients.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::TestBook;

/// A running `folio serve`, stopped when dropped.
struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(book: &TestBook) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["serve", ".", "--port", "0"])
        .current_dir(book.path())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(at) = line.find("http://") {
                let url = line[at + 7..].split('/').next().unwrap().to_string();
                let _ = sender.send(url);
            }
        }
    });
    let address = receiver
        .recv_timeout(Duration::from_secs(60))
        .expect("server starts");
    Server { child, address }
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

/// Reads server-sent events until one named `name` whose data contains
/// `needle` arrives.
fn wait_for_event(events: &mut BufReader<TcpStream>, name: &str, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
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
            if current == name && data.contains(needle) {
                return data.to_string();
            }
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

fn subscribe(address: &str) -> BufReader<TcpStream> {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    write!(
        stream,
        "GET /__folio/events HTTP/1.1\r\nHost: {address}\r\n\r\n"
    )
    .unwrap();
    BufReader::new(stream)
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
    let book_dir = outer.path().join("kb");
    let mut child = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["serve", ".", "--port", "0"])
        .current_dir(&book_dir)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let address = loop {
        let line = lines.next().expect("server output").unwrap();
        if let Some(at) = line.find("http://") {
            break line[at + 7..].split('/').next().unwrap().to_string();
        }
    };
    let server = Server { child, address };
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
    let mut events = subscribe(&server.address);
    wait_for_event(&mut events, "diagnostics", "\"errors\": 0");
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
    wait_for_event(&mut events, "diagnostics", "build-failed");
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
