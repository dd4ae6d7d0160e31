//! `folio serve`: a local preview that rebuilds on save and reloads the
//! browser.
//!
//! Owns the watch → rebuild → swap → notify loop and the HTTP server. The
//! book is built into memory with `build::build_in_memory` (the highlighter
//! keeps its cache across rebuilds, so only new code is highlighted again);
//! the server answers from that map only, so nothing outside the built site
//! can be served, whatever the path says. Served HTML pages get one script
//! that listens to server-sent events on the same port: `reload` after a
//! successful rebuild, `diagnostics` with the current errors and warnings
//! for the overlay. A rebuild that fails keeps the last good site.
//!
//! It never calls stage internals and keeps no statics.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, Request, Response, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use notify_debouncer_mini::notify::RecursiveMode;
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::StreamExt;

use crate::build::{self, BuildError, BuildReport, ParseCache};
use crate::render::highlight::Highlighter;
use crate::render::RenderCache;
use crate::report;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The book directory.
    pub book_dir: PathBuf,
    /// Address to listen on (127.0.0.1 unless told otherwise).
    pub host: String,
    /// Port (0 picks a free one).
    pub port: u16,
    /// Open the site in a browser once it is ready.
    pub open: bool,
}

/// Why the server could not start.
#[derive(Debug)]
pub enum ServeError {
    /// The address or port cannot be used.
    Bind(String),
    /// The first build failed in a way that leaves nothing to serve.
    Build(BuildError),
    /// The watcher or runtime failed.
    Io(std::io::Error),
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServeError::Bind(message) => write!(f, "{message}"),
            ServeError::Build(err) => write!(f, "{err}"),
            ServeError::Io(err) => write!(f, "{err}"),
        }
    }
}

/// What rebuilds reuse: parsed and rendered pages.
#[derive(Default)]
struct Caches {
    parse: ParseCache,
    render: RenderCache,
}

/// The last good site and the current diagnostics.
struct Served {
    files: HashMap<String, Arc<Vec<u8>>>,
    diagnostics_json: String,
}

#[derive(Clone)]
struct AppState {
    served: Arc<RwLock<Served>>,
    events: broadcast::Sender<ServerEvent>,
}

#[derive(Clone, Debug)]
enum ServerEvent {
    Reload,
    Diagnostics(String),
}

/// The script injected into served pages (never into `folio build` output).
const LIVE_SCRIPT: &str = include_str!("serve_live.js");
/// Where the injected script and the event stream live.
const LIVE_PREFIX: &str = "/__folio/";

/// Builds, serves and watches until interrupted.
pub fn serve(options: &ServeOptions) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServeError::Io)?;
    runtime.block_on(run(options))
}

async fn run(options: &ServeOptions) -> Result<(), ServeError> {
    let highlighter = Arc::new(Highlighter::with_cache());
    let cache = Arc::new(Caches::default());
    let book_dir = options.book_dir.clone();
    let first = {
        let highlighter = Arc::clone(&highlighter);
        let cache = Arc::clone(&cache);
        let dir = book_dir.clone();
        tokio::task::spawn_blocking(move || {
            build::build_in_memory(&dir, &highlighter, &cache.render, &cache.parse)
        })
        .await
        .map_err(|err| ServeError::Io(std::io::Error::other(err)))?
    };
    let (report, files) = first.map_err(ServeError::Build)?;
    print_report(&report, &book_dir);
    let (events, _) = broadcast::channel(64);
    let state = AppState {
        served: Arc::new(RwLock::new(Served {
            files: to_map(files),
            diagnostics_json: diagnostics_json(&report),
        })),
        events,
    };
    let address: SocketAddr = format!("{}:{}", options.host, options.port)
        .parse()
        .or_else(|_| format!("[{}]:{}", options.host, options.port).parse())
        .map_err(|_| {
            ServeError::Bind(format!(
                "`{}` is not an IP address to listen on",
                options.host
            ))
        })?;
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|err| {
            if err.kind() == std::io::ErrorKind::AddrInUse {
                ServeError::Bind(format!(
                    "port {} is already in use; choose another with --port",
                    options.port
                ))
            } else {
                ServeError::Bind(format!("cannot listen on {address}: {err}"))
            }
        })?;
    let local = listener.local_addr().map_err(ServeError::Io)?;
    let url = format!("http://{local}/");
    eprintln!(
        "folio: serving {} at {url} (Ctrl+C to stop)",
        book_dir.display()
    );
    if options.open {
        open_browser(&url);
    }
    let _watcher = watch(&book_dir, state.clone(), highlighter, cache).map_err(ServeError::Io)?;
    let app = Router::new()
        .route("/__folio/events", get(events_stream))
        .fallback(serve_file)
        .with_state(state);
    axum::serve(listener, app).await.map_err(ServeError::Io)
}

fn to_map(files: Vec<crate::render::OutputFile>) -> HashMap<String, Arc<Vec<u8>>> {
    files
        .into_iter()
        .map(|file| (file.path, Arc::new(file.contents)))
        .collect()
}

fn diagnostics_json(report: &BuildReport) -> String {
    report::json_document(report).replace('\n', "")
}

fn print_report(report: &BuildReport, dir: &Path) {
    let printer = report::Printer {
        display_root: dir,
        format: report::Format::Human,
        colour: false,
    };
    let _ = printer.print(report, &mut std::io::sink(), &mut std::io::stderr());
}

/// Watches the book directory; each burst of changes (debounced) triggers
/// one rebuild. Editor temporary files and the output folder are ignored.
fn watch(
    book_dir: &Path,
    state: AppState,
    highlighter: Arc<Highlighter>,
    cache: Arc<Caches>,
) -> std::io::Result<
    notify_debouncer_mini::Debouncer<notify_debouncer_mini::notify::RecommendedWatcher>,
> {
    let (sender, receiver) = std::sync::mpsc::channel();
    let mut debouncer = notify_debouncer_mini::new_debouncer(Duration::from_millis(150), sender)
        .map_err(std::io::Error::other)?;
    debouncer
        .watcher()
        .watch(book_dir, RecursiveMode::Recursive)
        .map_err(std::io::Error::other)?;
    let book_dir = book_dir.to_path_buf();
    let canonical = book_dir.canonicalize().unwrap_or_else(|_| book_dir.clone());
    std::thread::spawn(move || {
        while let Ok(result) = receiver.recv() {
            let Ok(events) = result else { continue };
            let relevant = events
                .iter()
                .any(|event| is_relevant(&canonical, &event.path));
            if relevant {
                rebuild(&book_dir, &state, &highlighter, &cache);
            }
        }
    });
    Ok(debouncer)
}

/// Whether a changed path can affect the site.
fn is_relevant(book_dir: &Path, path: &Path) -> bool {
    let relative = path.strip_prefix(book_dir).unwrap_or(path);
    let mut components = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy());
    let first = components.next().unwrap_or_default();
    if matches!(
        first.as_ref(),
        "book" | "target" | ".git" | ".folio-cache" | "node_modules"
    ) {
        return false;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let editor_temporary = name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.starts_with(".#")
        || name == "4913"
        || name.starts_with(".folio-");
    !editor_temporary
}

fn rebuild(book_dir: &Path, state: &AppState, highlighter: &Highlighter, cache: &Caches) {
    let started = Instant::now();
    match build::build_in_memory(book_dir, highlighter, &cache.render, &cache.parse) {
        Ok((report, files)) => {
            let json = diagnostics_json(&report);
            if let Ok(mut served) = state.served.write() {
                served.files = to_map(files);
                served.diagnostics_json = json.clone();
            }
            print_report(&report, book_dir);
            eprintln!("folio: rebuilt in {} ms", started.elapsed().as_millis());
            let _ = state.events.send(ServerEvent::Diagnostics(json));
            let _ = state.events.send(ServerEvent::Reload);
        }
        Err(err) => {
            // Keep serving the last good site; show why in the overlay.
            let message = err.to_string();
            eprintln!("{message}\nfolio: rebuild failed; still serving the last good site");
            let json = serde_json::json!({
                "summary": {"errors": 1, "warnings": 0},
                "diagnostics": [{"severity": "error", "code": "build-failed", "file": "", "line": 0, "column": 0, "message": message}],
            })
            .to_string();
            if let Ok(mut served) = state.served.write() {
                served.diagnostics_json = json.clone();
            }
            let _ = state.events.send(ServerEvent::Diagnostics(json));
        }
    }
}

async fn events_stream(State(state): State<AppState>) -> impl IntoResponse {
    let current = state
        .served
        .read()
        .map(|s| s.diagnostics_json.clone())
        .unwrap_or_default();
    let first = tokio_stream::once(Ok::<_, Infallible>(
        Event::default().event("diagnostics").data(current),
    ));
    let updates = BroadcastStream::new(state.events.subscribe()).filter_map(|event| {
        let event = event.ok()?;
        Some(Ok(match event {
            ServerEvent::Reload => Event::default().event("reload").data("reload"),
            ServerEvent::Diagnostics(json) => Event::default().event("diagnostics").data(json),
        }))
    });
    Sse::new(first.chain(updates)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

async fn serve_file(State(state): State<AppState>, request: Request<Body>) -> Response<Body> {
    let method = request.method().clone();
    if method != Method::GET && method != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD");
    }
    let raw_path = request.uri().path().to_string();
    if raw_path == format!("{LIVE_PREFIX}live.js") {
        return respond(
            &method,
            StatusCode::OK,
            "text/javascript; charset=utf-8",
            LIVE_SCRIPT.as_bytes().to_vec(),
        );
    }
    let Some(path) = site_path(&raw_path) else {
        return not_found(&state, &method);
    };
    let served = match state.served.read() {
        Ok(served) => served,
        Err(_) => {
            return plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server state unavailable",
            )
        }
    };
    if let Some(bytes) = served.files.get(&path) {
        return file_response(&method, &path, bytes);
    }
    let index = if path.is_empty() {
        "index.html".to_string()
    } else {
        format!("{path}/index.html")
    };
    if served.files.contains_key(&index) {
        if !path.is_empty() && !raw_path.ends_with('/') {
            // Pages live at folder URLs; send the browser there.
            let location = format!("{raw_path}/");
            return Response::builder()
                .status(StatusCode::MOVED_PERMANENTLY)
                .header(header::LOCATION, location)
                .body(Body::empty())
                .unwrap_or_default();
        }
        let bytes = Arc::clone(&served.files[&index]);
        return file_response(&method, &index, &bytes);
    }
    drop(served);
    not_found(&state, &method)
}

/// The site-relative file a request path names, or `None` for anything
/// that tries to leave the site: `..` (also percent-encoded), backslashes,
/// NUL bytes. Symlinks do not exist in the in-memory site.
fn site_path(raw: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut parts = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

fn file_response(method: &Method, path: &str, bytes: &Arc<Vec<u8>>) -> Response<Body> {
    let content_type = content_type(path);
    if content_type.starts_with("text/html") {
        let html = String::from_utf8_lossy(bytes);
        let tag = format!("<script src=\"{LIVE_PREFIX}live.js\" defer></script>");
        let injected = match html.rfind("</body>") {
            Some(at) => format!("{}{tag}{}", &html[..at], &html[at..]),
            None => format!("{html}{tag}"),
        };
        return respond(method, StatusCode::OK, content_type, injected.into_bytes());
    }
    respond(method, StatusCode::OK, content_type, bytes.as_ref().clone())
}

fn not_found(state: &AppState, method: &Method) -> Response<Body> {
    let page = state
        .served
        .read()
        .ok()
        .and_then(|served| served.files.get("404.html").cloned());
    match page {
        Some(bytes) => {
            let mut response = file_response(method, "404.html", &bytes);
            *response.status_mut() = StatusCode::NOT_FOUND;
            response
        }
        None => plain(StatusCode::NOT_FOUND, "404: no such page in this book"),
    }
}

fn respond(
    method: &Method,
    status: StatusCode,
    content_type: &str,
    body: Vec<u8>,
) -> Response<Body> {
    let length = body.len();
    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        Body::from(body)
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    response
}

fn plain(status: StatusCode, text: &str) -> Response<Body> {
    respond(
        &Method::GET,
        status,
        "text/plain; charset=utf-8",
        text.as_bytes().to_vec(),
    )
}

/// The content type of a site file, by extension.
fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "md" | "txt" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "yaml" | "yml" => "application/yaml",
        "woff2" => "font/woff2",
        "mp4" => "video/mp4",
        _ => "application/octet-stream",
    }
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(target_os = "windows") {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("folio: could not open a browser; visit {url}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_site() {
        assert_eq!(site_path("/a/b/").as_deref(), Some("a/b"));
        assert_eq!(site_path("/a%20b.png").as_deref(), Some("a b.png"));
        for bad in [
            "/../etc/passwd",
            "/a/%2e%2e/%2e%2e/x",
            "/a%2f..%2f..%2fx",
            "/a\\..\\x",
            "/%5c..%5cx",
            "/x%00",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn editor_files_and_output_are_ignored() {
        let root = Path::new("/book");
        assert!(is_relevant(root, Path::new("/book/content/a.md")));
        assert!(!is_relevant(root, Path::new("/book/book/index.html")));
        assert!(!is_relevant(root, Path::new("/book/content/.a.md.swp")));
        assert!(!is_relevant(root, Path::new("/book/content/a.md~")));
        assert!(!is_relevant(root, Path::new("/book/content/4913")));
        assert!(!is_relevant(root, Path::new("/book/content/#a.md#")));
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("x.SVG"), "image/svg+xml");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
