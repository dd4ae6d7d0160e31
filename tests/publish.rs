//! Publishing: the built site works under any base path, `folio init`
//! starts a clean book, and the CLI installs like a real tool.

mod common;

use std::collections::{BTreeSet, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::TestBook;

fn folio(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// A plain static server for `root`, mounted under `prefix` (`/` or
/// `/docs/kb/`): folders answer with their index.html, anything else 404.
fn static_server(root: PathBuf, prefix: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || serve_one(stream, &root, prefix));
        }
    });
    address
}

fn serve_one(mut stream: TcpStream, root: &Path, prefix: &str) {
    let mut line = String::new();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    if reader.read_line(&mut line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
            break;
        }
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let decoded = percent_decode(path.split(['?', '#']).next().unwrap());
    let file = decoded.strip_prefix(prefix).map(|rest| {
        let mut file = root.join(rest);
        if decoded.ends_with('/') {
            file.push("index.html");
        }
        file
    });
    let response = match file.filter(|f| f.is_file() && !decoded.contains("..")) {
        Some(file) => {
            let body = std::fs::read(file).unwrap();
            let mut response = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )
            .into_bytes();
            response.extend(body);
            response
        }
        None => {
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec()
        }
    };
    let _ = stream.write_all(&response);
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 3 <= bytes.len() {
            if let Ok(byte) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn fetch(address: &str, path: &str) -> (u16, String) {
    let (status, _, body) = fetch_with_headers(address, path);
    (status, body)
}

/// Every `href`/`src` of a page that stays on the site, resolved against
/// the page's URL.
fn local_links(page_url: &str, html: &str) -> Vec<String> {
    let mut links = Vec::new();
    for attribute in ["href=\"", "src=\""] {
        for part in html.split(attribute).skip(1) {
            let value = part.split('"').next().unwrap().replace("&amp;", "&");
            let value = value.split('#').next().unwrap().to_string();
            if value.is_empty() || value.contains(':') || value.starts_with("//") {
                continue;
            }
            links.push(resolve(page_url, &value));
        }
    }
    links
}

fn resolve(base: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = if relative.starts_with('/') {
        Vec::new()
    } else {
        let dir = &base[..base.rfind('/').unwrap() + 1];
        dir.split('/').filter(|p| !p.is_empty()).collect()
    };
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    let mut url = format!("/{}", parts.join("/"));
    if (relative.ends_with('/') || relative == "." || relative == "..") && !url.ends_with('/') {
        url.push('/');
    }
    url
}

/// Follows every link and asset from the home page; returns the pages
/// visited and the URLs that failed.
fn crawl(address: &str, start: &str) -> (usize, Vec<String>) {
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([start.to_string()]);
    let mut failures = Vec::new();
    let mut pages = 0;
    while let Some(url) = queue.pop_front() {
        if !seen.insert(url.clone()) {
            continue;
        }
        let (status, body) = fetch(address, &url);
        if status != 200 {
            failures.push(url);
            continue;
        }
        if url.ends_with('/') || url.ends_with(".html") {
            pages += 1;
            for link in local_links(&url, &body) {
                if !seen.contains(&link) {
                    queue.push_back(link);
                }
            }
        }
    }
    (pages, failures)
}

/// The address the bundled book is built for in these tests.
const SITE_URL: &str = "https://example.org/docs/kb/";

/// The bundled book, built once for this file's tests (with `SITE_URL`)
/// into cargo's scratch folder for integration tests.
fn cdpi_site() -> &'static Path {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    SITE.get_or_init(|| {
        let site = Path::new(env!("CARGO_TARGET_TMPDIR")).join("publish-cdpi-site");
        let args = [
            "build",
            ".",
            "--out",
            &site.display().to_string(),
            "--site-url",
            SITE_URL,
        ];
        let output = folio(&args, Path::new(env!("CARGO_MANIFEST_DIR")));
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        site
    })
}

#[test]
fn the_site_works_at_the_root_and_under_a_sub_path() {
    let site = cdpi_site();
    for prefix in ["/", "/docs/kb/", "/other/place/"] {
        let address = static_server(site.to_path_buf(), prefix);
        let (pages, failures) = crawl(&address, prefix);
        assert!(pages >= 35, "{prefix}: only {pages} pages reached");
        assert!(failures.is_empty(), "{prefix}: broken {failures:?}");
    }
    let home = std::fs::read_to_string(site.join("dpg-and-dpi/index.html")).unwrap();
    assert!(
        home.contains(r#"<link rel="canonical" href="https://example.org/docs/kb/dpg-and-dpi/">"#)
    );
}

#[test]
fn init_makes_a_book_that_builds_clean_and_never_overwrites() {
    let dir = TestBook::empty();
    let output = folio(&["init", "handbook"], dir.path());
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for file in [
        "book.toml",
        "docs/SUMMARY.md",
        "docs/README.md",
        "docs/getting-started.md",
    ] {
        assert!(dir.path().join("handbook").join(file).is_file(), "{file}");
    }
    let build = folio(&["build", "handbook", "--deny-warnings"], dir.path());
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert_eq!(build.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("(0 errors, 0 warnings)"), "{stderr}");
    assert!(dir
        .path()
        .join("handbook/book/getting-started/index.html")
        .is_file());
    std::fs::write(dir.path().join("handbook/docs/README.md"), "# Mine\n").unwrap();
    let again = folio(&["init", "handbook"], dir.path());
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("never overwrites"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("handbook/docs/README.md")).unwrap(),
        "# Mine\n"
    );
}

#[test]
fn completions_man_page_and_version() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bash = folio(&["completions", "bash"], here);
    assert_eq!(bash.status.code(), Some(0));
    let script = String::from_utf8_lossy(&bash.stdout);
    assert!(
        script.contains("_folio()") && script.contains("fix-encoding"),
        "{script}"
    );
    let man = folio(&["man"], here);
    let page = String::from_utf8_lossy(&man.stdout);
    assert!(page.contains(".TH folio"), "{page}");
    assert!(page.contains("serve"));
    let version = folio(&["--version"], here);
    let text = String::from_utf8_lossy(&version.stdout);
    assert!(
        text.starts_with(&format!("folio {}", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    if here.join(".git").exists() {
        assert!(
            text.contains('(') && text.contains(')'),
            "a checkout's build names its revision: {text}"
        );
    }
}

#[test]
fn deployment_recipes_are_valid() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let pages: serde_json::Value = folio::yaml::parse_yaml(
        &std::fs::read_to_string(docs.join("deploy-github-pages.yml")).unwrap(),
    )
    .unwrap();
    let jobs = pages["jobs"].as_object().unwrap();
    assert!(jobs
        .values()
        .any(|job| job["steps"]
            .as_array()
            .is_some_and(|steps| steps.iter().any(|s| s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/deploy-pages"))))));
    let gitlab: serde_json::Value =
        folio::yaml::parse_yaml(&std::fs::read_to_string(docs.join("gitlab-ci.yml")).unwrap())
            .unwrap();
    assert!(gitlab["pages"]["script"].is_array());
    let nginx = std::fs::read_to_string(docs.join("nginx.conf")).unwrap();
    assert!(nginx.contains("error_page 404 /404.html;") && nginx.contains("try_files"));
}

#[test]
fn sitemap_and_llms_txt_validate_against_their_formats() {
    let site_url = SITE_URL;
    let site = cdpi_site();
    let read = |rel: &str| std::fs::read_to_string(site.join(rel)).unwrap();
    let exists = |rel: &str| {
        let rel = percent_decode(rel);
        let path = site.join(&rel);
        path.is_file() || path.join("index.html").is_file()
    };

    // sitemaps.org 0.9: <urlset> in its namespace, one <loc> per <url>,
    // absolute, under the site, at most 2,048 characters; W3C dates.
    let sitemap = read("sitemap.xml");
    let xml = roxmltree::Document::parse(&sitemap).expect("sitemap.xml is well-formed XML");
    let root = xml.root_element();
    assert_eq!(root.tag_name().name(), "urlset");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    let urls: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert!(urls.len() >= 30, "{} URLs", urls.len());
    for url in &urls {
        assert_eq!(url.tag_name().name(), "url");
        let locs: Vec<&str> = url
            .children()
            .filter(|n| n.has_tag_name("loc"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(locs.len(), 1);
        let loc = locs[0];
        assert!(loc.len() <= 2048);
        let rel = loc.strip_prefix(site_url).expect("under the site URL");
        assert!(exists(rel), "{loc} is not in the built site");
        for date in url.children().filter(|n| n.has_tag_name("lastmod")) {
            let date = date.text().unwrap();
            assert!(
                date.len() == 10 && date.as_bytes()[4] == b'-' && date.as_bytes()[7] == b'-',
                "lastmod {date} is not a W3C date"
            );
        }
    }
    assert!(read("robots.txt").contains("Sitemap: https://example.org/docs/kb/sitemap.xml"));

    // llmstxt.org: an H1 title, a blockquote summary, then H2 sections of
    // "- [name](url): notes" lists whose links exist.
    let llms = read("llms.txt");
    let mut lines = llms.lines().filter(|l| !l.trim().is_empty());
    assert_eq!(lines.next(), Some("# CDPI knowledge base"));
    assert!(lines.next().unwrap().starts_with("> "));
    let mut links = 0;
    for line in lines {
        if line.starts_with("## ") {
            continue;
        }
        let item = line
            .strip_prefix("- [")
            .unwrap_or_else(|| panic!("not a list item: {line}"));
        let (_name, rest) = item.split_once("](").expect("a link");
        let (url, notes) = rest.split_once(')').expect("a closed link");
        assert!(notes.is_empty() || notes.starts_with(": "), "{line}");
        let rel = url
            .strip_prefix(site_url)
            .expect("absolute with a site URL");
        assert!(
            rel.ends_with(".md") && exists(rel),
            "{url} is not in the built site"
        );
        links += 1;
    }
    assert_eq!(links, urls.len(), "every page once");
    let full = read("llms-full.txt");
    assert!(full.contains("Title: 🆚 DPG and DPI\nDescription: Are DPGs and DPI the same thing?"));
    assert!(full.contains("are two distinct yet complementary concepts."));
}

#[test]
fn man_out_writes_every_page_the_top_page_names() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man");
    let output = Command::new(env!("CARGO_BIN_EXE_folio"))
        .args(["man", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let top = std::fs::read_to_string(out.join("folio.1")).unwrap();
    for command in [
        "build",
        "check",
        "serve",
        "init",
        "fix-encoding",
        "completions",
        "man",
    ] {
        let roff = command.replace('-', "\\-");
        assert!(top.contains(&format!("folio\\-{roff}(1)")), "{command}");
        let page = std::fs::read_to_string(out.join(format!("folio-{command}.1"))).unwrap();
        assert!(
            page.contains(&format!(".SH NAME\nfolio\\-{roff} \\- ")),
            "{page}"
        );
    }
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let new_book = dir.path().join("new").display().to_string();
    for args in [&["man"][..], &["completions", "bash"], &["init", &new_book]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_folio"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before folio writes, as `| head -0` would.
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !stderr.contains("Broken pipe") && !stderr.contains("panicked"),
            "{stderr}"
        );
    }
    assert!(
        dir.path().join("new/book.toml").is_file(),
        "init did its work"
    );
}

/// One request; returns (status, headers, body).
fn fetch_with_headers(address: &str, path: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.split_whitespace().nth(1).unwrap().parse().unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (status, head.to_ascii_lowercase(), body.to_string())
}

/// nginx runs until dropped.
struct Nginx(std::process::Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `docs/nginx.conf`'s server block, as written, serving `site` on a free
/// port of 127.0.0.1 from an nginx that runs in the foreground as this
/// user with everything in `work`.
fn start_nginx(nginx: &str, site: &Path, work: &Path) -> (Nginx, String) {
    let recipe =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/nginx.conf"))
            .unwrap();
    let server = &recipe[recipe.find("server {").unwrap()..];
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = server
        .replace(
            "    listen 80;\n",
            &format!("    listen 127.0.0.1:{port};\n"),
        )
        .replace("    listen [::]:80;\n", "")
        .replace("root /srv/kb/book;", &format!("root {};", site.display()));
    let temp = |name: &str| work.join(name).display().to_string();
    let config = format!(
        "daemon off;\nmaster_process off;\npid {pid};\nerror_log {log} warn;\nevents {{}}\nhttp {{\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n    access_log off;\n    client_body_temp_path {t1};\n    proxy_temp_path {t2};\n    fastcgi_temp_path {t3};\n    uwsgi_temp_path {t4};\n    scgi_temp_path {t5};\n{server}\n}}\n",
        pid = temp("nginx.pid"),
        log = temp("error.log"),
        t1 = temp("client"),
        t2 = temp("proxy"),
        t3 = temp("fastcgi"),
        t4 = temp("uwsgi"),
        t5 = temp("scgi"),
    );
    let conf = work.join("nginx.conf");
    std::fs::write(&conf, config).unwrap();
    let child = Command::new(nginx)
        .arg("-c")
        .arg(&conf)
        .arg("-p")
        .arg(work)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let running = Nginx(child);
    let address = format!("127.0.0.1:{port}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while TcpStream::connect(&address).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "nginx did not start: {}",
            std::fs::read_to_string(work.join("error.log")).unwrap_or_default()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    (running, address)
}

/// The nginx recipe, as DEPLOY.md tells people to use it, on a real nginx:
/// every page and asset of the CDPI site is reached, clean URLs redirect,
/// types and caching are what the comments say, and a missing page gets
/// the site's 404 page with status 404. Ignored where nginx is not
/// installed, except in CI (which installs it, like Chromium).
#[test]
#[cfg_attr(
    not(nginx_tests),
    ignore = "needs nginx (Debian's nginx-light; .ci/run installs it)"
)]
fn the_nginx_recipe_serves_the_site() {
    let Some(nginx) = option_env!("FOLIO_NGINX") else {
        panic!("CI must install nginx (Debian's nginx-light)");
    };
    let site = cdpi_site();
    let keep = tempfile::tempdir().unwrap();
    let (_nginx, address) = start_nginx(nginx, site, keep.path());
    let (pages, failures) = crawl(&address, "/");
    assert!(pages >= 35, "only {pages} pages reached");
    assert!(failures.is_empty(), "broken through nginx: {failures:?}");

    let (status, head, _) = fetch_with_headers(&address, "/what-is-dpi");
    assert_eq!(status, 301, "{head}");
    assert!(
        head.contains("location: /what-is-dpi/"),
        "a relative redirect: {head}"
    );

    let (status, head, body) = fetch_with_headers(&address, "/what-is-dpi.md");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/markdown"), "{head}");
    assert!(body.starts_with("# What is DPI"), "{body}");

    let (_, head, page) = fetch_with_headers(&address, "/what-is-dpi/");
    assert!(
        head.contains("cache-control: no-cache"),
        "pages revalidate: {head}"
    );
    let css = page
        .split("href=\"")
        .map(|rest| &rest[..rest.find('"').unwrap_or(0)])
        .find(|href| href.contains("_folio/folio.") && href.ends_with(".css"))
        .expect("the page links its stylesheet");
    let (status, head, _) = fetch_with_headers(&address, &resolve("/what-is-dpi/", css));
    assert_eq!(status, 200);
    assert!(head.contains("immutable"), "hashed assets are kept: {head}");

    let (status, _, body) = fetch_with_headers(&address, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(
        body.contains("Page not found"),
        "the site's 404 page: {body}"
    );
}
