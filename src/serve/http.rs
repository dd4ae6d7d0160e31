//! The preview's HTTP side: files from the in-memory site only, the event
//! stream that tells each tab what to do after a rebuild, and the accept
//! loop with its timeouts.
//!
//! Owns request paths (anything that tries to leave the site is a 404),
//! content types, the live-reload script injected into HTML, redirects to
//! folder URLs (always on this host), and the themed 404 page. It never
//! reads the disk: the site it serves is whatever [`Shared`] holds.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, Request, Response, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::StreamExt;

use crate::paths;

use super::changes::{SiteChanges, TabUpdate};
use super::{ServerEvent, Shared};

/// The script injected into served pages (never into `folio build` output).
const LIVE_SCRIPT: &str = include_str!("live.js");
/// Where the injected script and the event stream live.
const LIVE_PREFIX: &str = "/__folio/";
/// A connection that sends no complete request head for this long is
/// closed (slow or silent clients, idle keep-alive connections).
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How often an idle event stream sends a comment (finds closed tabs).
const EVENT_KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Serves the site in `shared` on `listener` until the process ends.
pub(super) async fn serve_http(
    listener: tokio::net::TcpListener,
    shared: Shared,
) -> std::io::Result<()> {
    let app = Router::new()
        .route("/__folio/events", get(events_stream))
        .fallback(serve_file)
        .with_state(shared);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(err) => {
                // Out of file descriptors and the like: wait, then go on.
                eprintln!("folio: cannot accept a connection: {err}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// `GET /__folio/events?page=/a/b/`: the current diagnostics, then an
/// event each time they change, and `reload` or `stylesheets` when a
/// rebuild changed what the tab showing `page` displays.
async fn events_stream(State(shared): State<Shared>, request: Request<Body>) -> impl IntoResponse {
    let page = request
        .uri()
        .query()
        .and_then(page_parameter)
        .unwrap_or_else(|| "/".to_string());
    let shown = shown_file(&page);
    let current = shared
        .served
        .read()
        .map(|s| s.diagnostics_json.clone())
        .unwrap_or_default();
    let first = tokio_stream::once(Ok::<_, Infallible>(
        Event::default().event("diagnostics").data(current),
    ));
    let updates = BroadcastStream::new(shared.events.subscribe()).filter_map(move |event| {
        let event = match event.ok()? {
            ServerEvent::Diagnostics(json) => Event::default().event("diagnostics").data(json),
            ServerEvent::Changed(changes) => tab_event(&shared, &changes, &shown)?,
        };
        Some(Ok(event))
    });
    Sse::new(first.chain(updates)).keep_alive(KeepAlive::new().interval(EVENT_KEEP_ALIVE))
}

/// What the tab showing `shown` is told about a rebuild, if anything.
fn tab_event(shared: &Shared, changes: &SiteChanges, shown: &str) -> Option<Event> {
    let served = shared.served.read().ok()?;
    let exists = served.files.contains_key(shown) || changes.pages.contains(shown);
    let shown = if exists { shown } else { "404.html" };
    let html = served.files.get(shown).map(|bytes| bytes.as_slice());
    match changes.for_tab(shown, html) {
        TabUpdate::Nothing => None,
        TabUpdate::Reload => Some(Event::default().event("reload").data("reload")),
        TabUpdate::Stylesheets(swaps) => Some(
            Event::default()
                .event("stylesheets")
                .data(serde_json::to_string(&swaps).unwrap_or_default()),
        ),
    }
}

/// The `page` parameter of a query string, percent-decoded.
fn page_parameter(query: &str) -> Option<String> {
    let value = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("page="))?;
    percent_encoding::percent_decode_str(value)
        .decode_utf8()
        .ok()
        .map(|page| page.into_owned())
}

/// The site file a tab at URL path `page` shows (when it exists).
fn shown_file(page: &str) -> String {
    match site_path(page) {
        Some(path) if path.is_empty() => "index.html".to_string(),
        Some(path) if path.ends_with(".html") => path,
        Some(path) => format!("{path}/index.html"),
        None => "404.html".to_string(),
    }
}

async fn serve_file(State(shared): State<Shared>, request: Request<Body>) -> Response<Body> {
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
        return not_found(&shared, &method);
    };
    let served = match shared.served.read() {
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
    if let Some(bytes) = served.files.get(&index) {
        if !path.is_empty() && !raw_path.ends_with('/') {
            // Pages live at folder URLs; send the browser there. The
            // location is built from the clean path, so `//host` can never
            // come out of it.
            let location = format!("/{}/", paths::encode_path(&path));
            return Response::builder()
                .status(StatusCode::MOVED_PERMANENTLY)
                .header(header::LOCATION, location)
                .body(Body::empty())
                .unwrap_or_default();
        }
        return file_response(&method, &index, bytes);
    }
    drop(served);
    not_found(&shared, &method)
}

/// The site-relative file a request path names, or `None` for anything
/// that tries to leave the site: `..` (also percent-encoded), backslashes,
/// NUL bytes. Symlinks do not exist in the in-memory site.
pub(super) fn site_path(raw: &str) -> Option<String> {
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
        return respond(method, StatusCode::OK, &content_type, injected.into_bytes());
    }
    respond(
        method,
        StatusCode::OK,
        &content_type,
        bytes.as_ref().clone(),
    )
}

fn not_found(shared: &Shared, method: &Method) -> Response<Body> {
    let page = shared
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

/// The content type of a site file, by extension, from the `mime_guess`
/// table; text types say they are UTF-8 (folio writes nothing else).
fn content_type(path: &str) -> String {
    let extension = path.rsplit_once('.').map_or("", |(_, ext)| ext);
    let mime = match extension.to_ascii_lowercase().as_str() {
        // The page menu's "view Markdown" opens the source in the tab: as
        // `text/markdown` some browsers download it instead.
        "md" => "text/plain",
        other => mime_guess::from_ext(other)
            .first_raw()
            .unwrap_or("application/octet-stream"),
    };
    let textual =
        mime.starts_with("text/") || mime.ends_with("javascript") || mime.ends_with("json");
    if textual {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_site() {
        assert_eq!(site_path("/a/b/").as_deref(), Some("a/b"));
        assert_eq!(site_path("/a%20b.png").as_deref(), Some("a b.png"));
        assert_eq!(site_path("//p1").as_deref(), Some("p1"));
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
    fn a_tab_names_the_file_it_shows() {
        assert_eq!(shown_file("/"), "index.html");
        assert_eq!(shown_file("/guide/install/"), "guide/install/index.html");
        assert_eq!(shown_file("/guide/install"), "guide/install/index.html");
        assert_eq!(shown_file("/print.html"), "print.html");
        assert_eq!(shown_file("/a%20b/"), "a b/index.html");
        assert_eq!(
            page_parameter("x=1&page=%2Fa%20b%2F").as_deref(),
            Some("/a b/")
        );
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("x.SVG"), "image/svg+xml");
        assert_eq!(content_type("noext"), "application/octet-stream");
        assert_eq!(
            content_type("_folio/folio.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("a/page.md"), "text/plain; charset=utf-8");
        assert_eq!(content_type("font.woff2"), "font/woff2");
        assert_eq!(content_type("photo.avif"), "image/avif");
    }
}
