//! `folio serve`: a local preview that rebuilds on save and updates the
//! open tabs.
//!
//! Four parts, one job each: `watch` decides what is an edit of the book's
//! source and batches bursts of them; `preview` rebuilds into memory with
//! caches kept across rebuilds, survives errors and panics, and prints one
//! line per rebuild; `changes` compares two builds and decides per tab
//! whether to reload, swap stylesheets or do nothing; `http` serves only
//! the in-memory site, streams those decisions to each tab and times out
//! silent connections. This file starts them and holds what they share.
//!
//! It never calls stage internals and keeps no statics.

mod changes;
mod http;
mod preview;
mod watch;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use tokio::sync::broadcast;

use changes::{SiteChanges, SiteFiles};
use preview::{Failure, Preview};
use watch::{BookWatcher, SourceFilter};

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
    Build(String),
    /// The watcher or runtime failed.
    Io(std::io::Error),
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServeError::Bind(message) | ServeError::Build(message) => write!(f, "{message}"),
            ServeError::Io(err) => write!(f, "{err}"),
        }
    }
}

/// The last good site and the current diagnostics.
#[derive(Default)]
struct Served {
    files: SiteFiles,
    /// Which of `files` are built from every page at once (search index,
    /// print page, site files): replaced together when their next version
    /// is ready.
    whole_book: Vec<String>,
    diagnostics_json: String,
}

/// What the preview loop and the HTTP side share.
#[derive(Clone)]
struct Shared {
    served: Arc<RwLock<Served>>,
    events: broadcast::Sender<ServerEvent>,
}

/// What a rebuild tells the open tabs.
#[derive(Clone, Debug)]
enum ServerEvent {
    /// The site changed; each tab decides from this what to do.
    Changed(Arc<SiteChanges>),
    /// The diagnostics changed (the overlay's JSON report).
    Diagnostics(String),
}

/// The preview thread's stack: room for deeply nested books, as `build`'s
/// own threads have.
const PREVIEW_STACK: usize = 64 << 20;

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
    let book_dir = options.book_dir.canonicalize().map_err(|err| {
        ServeError::Io(std::io::Error::new(
            err.kind(),
            format!(
                "cannot open the book folder {}: {err}",
                options.book_dir.display()
            ),
        ))
    })?;
    let address = listen_address(options)?;
    let shared = Shared {
        served: Arc::new(RwLock::new(Served::default())),
        events: broadcast::channel(64).0,
    };
    let ready = start_preview(book_dir.clone(), shared.clone())?;
    tokio::task::spawn_blocking(move || ready.recv())
        .await
        .map_err(|err| ServeError::Io(std::io::Error::other(err)))?
        .map_err(|_| ServeError::Build("the preview stopped before its first build".into()))?
        .map_err(|Failure(message, _)| ServeError::Build(message))?;
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|err| bind_error(err, address))?;
    let local = listener.local_addr().map_err(ServeError::Io)?;
    let url = format!("http://{local}/");
    eprintln!(
        "folio: serving {} at {url} (Ctrl+C to stop)",
        options.book_dir.display()
    );
    if options.open {
        open_browser(&url);
    }
    http::serve_http(listener, shared)
        .await
        .map_err(ServeError::Io)
}

/// Starts the preview thread: the first build, then the watcher, then a
/// rebuild per batch of edits. The receiver says when the first build is
/// served and the watcher is watching (or why not).
fn start_preview(
    book_dir: PathBuf,
    shared: Shared,
) -> Result<std::sync::mpsc::Receiver<Result<(), Failure>>, ServeError> {
    let (ready, receiver) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("folio-preview".into())
        .stack_size(PREVIEW_STACK)
        .spawn(move || {
            let mut preview = Preview::new(book_dir.clone());
            if let Err(failure) = preview.start(&shared) {
                let _ = ready.send(Err(failure));
                return;
            }
            let filter = SourceFilter::new(&book_dir, &preview.out_dir);
            let mut watcher = match BookWatcher::start(filter) {
                Ok(watcher) => watcher,
                Err(err) => {
                    let _ = ready.send(Err(Failure::message(format!(
                        "cannot watch the book: {err}"
                    ))));
                    return;
                }
            };
            let _ = ready.send(Ok(()));
            while let Some(edited) = watcher.next_batch() {
                preview.rebuild(&shared, &edited);
                watcher.filter_mut().set_out_dir(&preview.out_dir);
            }
        })
        .map_err(ServeError::Io)?;
    Ok(receiver)
}

fn listen_address(options: &ServeOptions) -> Result<SocketAddr, ServeError> {
    format!("{}:{}", options.host, options.port)
        .parse()
        .or_else(|_| format!("[{}]:{}", options.host, options.port).parse())
        .map_err(|_| {
            ServeError::Bind(format!(
                "`{}` is not an IP address to listen on",
                options.host
            ))
        })
}

fn bind_error(err: std::io::Error, address: SocketAddr) -> ServeError {
    if err.kind() == std::io::ErrorKind::AddrInUse {
        ServeError::Bind(format!(
            "port {} is already in use; choose another with --port (or --port 0 for any free one)",
            address.port()
        ))
    } else {
        ServeError::Bind(format!("cannot listen on {address}: {err}"))
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
