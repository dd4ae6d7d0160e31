//! `folio check --external` against a real HTTP server on 127.0.0.1 started
//! by the test: every answer a link checker meets, and nothing leaves the
//! machine.

#![cfg(feature = "external")]

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::TestBook;
use serde_json::Value;

/// Requests seen per "METHOD /path".
type Hits = Arc<Mutex<HashMap<String, usize>>>;

/// Starts the server; returns its base address and the request counts.
fn start_server() -> (String, Hits) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits: Hits = Arc::default();
    let server_hits = Arc::clone(&hits);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let hits = Arc::clone(&server_hits);
            std::thread::spawn(move || answer(stream, &hits));
        }
    });
    (base, hits)
}

fn answer(mut stream: TcpStream, hits: &Hits) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        headers.push(line.trim().to_ascii_lowercase());
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    let count = {
        let mut hits = hits.lock().unwrap();
        let entry = hits.entry(format!("{method} {path}")).or_default();
        *entry += 1;
        hits.iter()
            .filter(|(k, _)| k.ends_with(&format!(" {path}")))
            .map(|(_, v)| *v)
            .sum::<usize>()
    };
    let (status, extra, body) = match path.as_str() {
        "/ok" | "/excluded-but-fine" => ("200 OK", String::new(), String::new()),
        edit if edit.starts_with("/edit/main/") => ("200 OK", String::new(), String::new()),
        "/missing" => ("404 Not Found", String::new(), String::new()),
        "/flaky" if count == 1 => ("500 Internal Server Error", String::new(), String::new()),
        "/flaky" => ("200 OK", String::new(), String::new()),
        "/limited" if count == 1 => (
            "429 Too Many Requests",
            "Retry-After: 1\r\n".into(),
            String::new(),
        ),
        "/limited" => ("200 OK", String::new(), String::new()),
        "/slow" => {
            // Far past the client's timeout, so the check does not depend
            // on how loaded the machine is.
            std::thread::sleep(Duration::from_secs(30));
            ("200 OK", String::new(), String::new())
        }
        "/moved" => (
            "301 Moved Permanently",
            "Location: /ok\r\n".into(),
            String::new(),
        ),
        "/temporary" => ("302 Found", "Location: /ok\r\n".into(), String::new()),
        "/loop-a" => ("302 Found", "Location: /loop-b\r\n".into(), String::new()),
        "/loop-b" => ("302 Found", "Location: /loop-a\r\n".into(), String::new()),
        "/page.html" => (
            "200 OK",
            "Content-Type: text/html\r\n".into(),
            "<h2 id=\"present\">Here</h2>".to_string(),
        ),
        "/no-head" if method == "HEAD" => ("405 Method Not Allowed", String::new(), String::new()),
        "/no-head" => ("200 OK", String::new(), String::new()),
        "/private" if headers.iter().any(|h| h == "authorization: bearer secret") => {
            ("200 OK", String::new(), String::new())
        }
        "/private" => ("401 Unauthorized", String::new(), String::new()),
        _ => ("404 Not Found", String::new(), String::new()),
    };
    let body = if method == "HEAD" {
        String::new()
    } else {
        body
    };
    let response = format!(
        "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
}

/// A book whose page links to every route, one per line (line = index + 3).
const ROUTES: &[&str] = &[
    "/ok",
    "/missing",
    "/flaky",
    "/limited",
    "/slow",
    "/moved",
    "/temporary",
    "/loop-a",
    "/page.html#present",
    "/page.html#absent",
    "/no-head",
    "/private",
    "/excluded/anything",
];

fn book_for(base: &str) -> TestBook {
    let book = TestBook::empty();
    let host = base.trim_start_matches("http://");
    book.write(
        "book.toml",
        &format!(
            "[book]\ntitle = \"External\"\n\n[link-check]\ntimeout = 4\nretries = 1\ndelay-ms = 10\ncheck-fragments = true\nexclude = [\"{base}/excluded\"]\n\n[link-check.headers.\"{host}\"]\nAuthorization = \"FOLIO_TEST_TOKEN\"\n"
        ),
    );
    book.write("SUMMARY.md", "* [Links](README.md)\n");
    let lines: String = ROUTES
        .iter()
        .map(|route| format!("- [link]({base}{route})\n"))
        .collect();
    book.write("README.md", &format!("# Links\n\n{lines}"));
    book
}

fn run_external(book: &TestBook) -> (i32, Vec<Value>) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["check", "--external", "--format", "json"])
        .current_dir(book.path())
        .env("FOLIO_TEST_TOKEN", "Bearer secret")
        .output()
        .unwrap();
    let value: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&output.stderr)));
    (
        output.status.code().unwrap(),
        value["diagnostics"].as_array().unwrap().clone(),
    )
}

fn line_of(route: &str) -> u64 {
    ROUTES.iter().position(|r| *r == route).unwrap() as u64 + 3
}

#[test]
fn external_links_are_checked_against_a_local_server() {
    let (base, hits) = start_server();
    let book = book_for(&base);
    let (code, diagnostics) = run_external(&book);
    assert_eq!(code, 1);
    let external: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "external-link")
        .collect();
    let at = |route: &str| {
        external
            .iter()
            .find(|d| d["line"] == line_of(route))
            .copied()
    };
    let error = |route: &str| {
        let d = at(route).unwrap_or_else(|| panic!("no diagnostic for {route}: {external:?}"));
        assert_eq!(d["severity"], "error", "{route}: {d}");
        assert_eq!(d["column"], 10, "the destination's column");
        d["message"].as_str().unwrap().to_string()
    };
    assert!(error("/missing").contains("404"));
    assert!(error("/slow").contains("no answer within 4 s"));
    assert!(error("/loop-a").contains("redirect loop"));
    assert!(error("/page.html#absent").contains("no `#absent` anchor"));
    let moved = at("/moved").expect("a permanent redirect is reported");
    assert_eq!(moved["severity"], "warning");
    assert_eq!(moved["suggestion"], format!("{base}/ok"));
    for fine in [
        "/ok",
        "/flaky",
        "/limited",
        "/temporary",
        "/page.html#present",
        "/no-head",
        "/private",
        "/excluded/anything",
    ] {
        assert!(at(fine).is_none(), "{fine} should pass: {:?}", at(fine));
    }
    assert_eq!(external.len(), 5, "{external:?}");
    let hits = hits.lock().unwrap();
    assert!(
        hits.get("HEAD /flaky").copied().unwrap_or(0) >= 2,
        "a 500 is retried: {hits:?}"
    );
    assert!(
        hits.get("HEAD /limited").copied().unwrap_or(0) >= 2,
        "a 429 is retried after Retry-After"
    );
    assert!(
        hits.get("GET /no-head").is_some(),
        "GET after a refused HEAD"
    );
    assert!(
        !hits.keys().any(|k| k.contains("/excluded")),
        "excluded addresses are not requested"
    );
}

#[test]
fn successes_are_cached_between_runs() {
    let (base, hits) = start_server();
    let book = TestBook::empty();
    book.write("book.toml", "[book]\ntitle = \"Cache\"\n");
    book.write("SUMMARY.md", "* [Links](README.md)\n");
    book.write(
        "README.md",
        &format!("# Links\n\n[ok]({base}/ok) [gone]({base}/missing)\n"),
    );
    let first = book.run(&["check", "--external"]);
    assert_eq!(first.code, 1);
    assert!(book
        .path()
        .join(".folio-cache/external-links.json")
        .is_file());
    let second = book.run(&["check", "--external"]);
    assert_eq!(second.code, 1, "failures are not cached");
    let hits = hits.lock().unwrap();
    assert_eq!(
        hits.get("HEAD /ok"),
        Some(&1),
        "the success was not fetched again: {hits:?}"
    );
    assert_eq!(hits.get("HEAD /missing").copied(), Some(2), "{hits:?}");
}

#[test]
fn without_external_nothing_is_requested() {
    let (base, hits) = start_server();
    let book = TestBook::empty();
    book.write("SUMMARY.md", "* [Links](README.md)\n");
    book.write("README.md", &format!("# Links\n\n[gone]({base}/missing)\n"));
    let run = book.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(hits.lock().unwrap().is_empty());
}

#[test]
fn the_edit_link_template_is_checked_once_at_its_book_toml_line() {
    let (base, hits) = start_server();
    let book = TestBook::empty();
    book.write("SUMMARY.md", "* [Home](README.md)\n* [Other](other.md)\n");
    book.write("README.md", "# Home\n");
    book.write("other.md", "# Other\n");
    let config = |template: &str| {
        format!(
            "[book]\ntitle = \"Edit\"\n\n[output.html]\nedit-url-template = \"{base}{template}\"\n"
        )
    };
    book.write("book.toml", &config("/edit/main/{path}"));
    let good = book.run(&["check", "--external"]);
    assert_eq!(good.code, 0, "{}", good.stderr);
    assert_eq!(
        hits.lock().unwrap().get("HEAD /edit/main/README.md"),
        Some(&1),
        "the first page's edit link, once"
    );
    assert!(!hits
        .lock()
        .unwrap()
        .contains_key("HEAD /edit/main/other.md"));

    book.write("book.toml", &config("/wrong-branch/{path}"));
    let bad = book.run(&["check", "--external"]);
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains(&format!(
            "book.toml:5:1: error[external-link]: the edit link of the first page, `{base}/wrong-branch/README.md`, is unreachable"
        )),
        "{}",
        bad.stderr
    );
}
