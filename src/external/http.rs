//! The HTTP side of external link checks (cargo feature `external`): the
//! runtime, the client, per-host politeness, retries, redirects, fragments
//! and the cache of successes.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, LOCATION, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use tokio::sync::{Mutex, Semaphore};

use super::UrlStatus;
use crate::config::LinkCheckConfig;

/// Checks `urls` (each once) and returns their statuses. `book_dir` anchors
/// the cache file.
pub fn check_urls(
    urls: &[String],
    config: &LinkCheckConfig,
    book_dir: &Path,
) -> HashMap<String, UrlStatus> {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            let reason = format!("cannot start the HTTP client: {err}");
            return urls
                .iter()
                .map(|u| (u.clone(), UrlStatus::Failed(reason.clone())))
                .collect();
        }
    };
    runtime.block_on(check_all(urls, config, book_dir))
}

async fn check_all(
    urls: &[String],
    config: &LinkCheckConfig,
    book_dir: &Path,
) -> HashMap<String, UrlStatus> {
    let cache_path = book_dir.join(&config.cache);
    let mut cache = Cache::load(&cache_path, config.cache_max_age);
    let mut statuses = HashMap::new();
    let mut to_check = Vec::new();
    let mut unique: Vec<&String> = urls.iter().collect();
    unique.sort();
    unique.dedup();
    for url in unique {
        if config
            .exclude
            .iter()
            .any(|prefix| url.starts_with(prefix.as_str()))
        {
            statuses.insert(url.clone(), UrlStatus::Excluded);
        } else if cache.is_fresh(url) {
            statuses.insert(url.clone(), UrlStatus::Cached);
        } else {
            to_check.push(url.clone());
        }
    }
    let client = match client(config) {
        Ok(client) => client,
        Err(reason) => {
            for url in to_check {
                statuses.insert(url, UrlStatus::Failed(reason.clone()));
            }
            return statuses;
        }
    };
    let checker = Arc::new(Checker {
        client,
        config: config.clone(),
        all: Semaphore::new(config.concurrency.max(1)),
        hosts: Mutex::new(HashMap::new()),
    });
    let progress = Progress::new(to_check.len());
    let mut tasks = tokio::task::JoinSet::new();
    for url in to_check {
        let checker = Arc::clone(&checker);
        tasks.spawn(async move {
            let status = checker.check(&url).await;
            (url, status)
        });
    }
    while let Some(joined) = tasks.join_next().await {
        if let Ok((url, status)) = joined {
            progress.tick();
            if status == UrlStatus::Ok {
                cache.record(&url);
            }
            statuses.insert(url, status);
        }
    }
    progress.finish();
    cache.save(&cache_path);
    statuses
}

fn client(config: &LinkCheckConfig) -> Result<reqwest::Client, String> {
    // ring is pure Rust and C compiled with the system compiler; one
    // process-wide provider is enough.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .user_agent(concat!(
            "folio/",
            env!("CARGO_PKG_VERSION"),
            " (documentation link checker)"
        ))
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(config.timeout.max(1)))
        .build()
        .map_err(|err| format!("cannot start the HTTP client: {err}"))
}

struct Checker {
    client: reqwest::Client,
    config: LinkCheckConfig,
    all: Semaphore,
    /// Per host: its request limit and when it may next be asked.
    hosts: Mutex<HashMap<String, Arc<HostSlot>>>,
}

struct HostSlot {
    permits: Semaphore,
    next: Mutex<tokio::time::Instant>,
}

impl Checker {
    async fn check(&self, url: &str) -> UrlStatus {
        let (address, fragment) = match url.split_once('#') {
            Some((address, fragment)) if self.config.check_fragments && !fragment.is_empty() => {
                (address.to_string(), Some(fragment.to_string()))
            }
            Some((address, _)) => (address.to_string(), None),
            None => (url.to_string(), None),
        };
        let mut current = address;
        let mut permanent = None;
        let mut seen = vec![current.clone()];
        for _ in 0..10 {
            match self.fetch(&current, fragment.is_some()).await {
                Fetched::Success(body) => {
                    if let (Some(fragment), Some(body)) = (&fragment, body) {
                        if !has_anchor(&body, fragment) {
                            return UrlStatus::MissingFragment(fragment.clone());
                        }
                    }
                    return match permanent {
                        Some(to) => UrlStatus::MovedPermanently(to),
                        None => UrlStatus::Ok,
                    };
                }
                Fetched::Redirect {
                    to,
                    permanent: is_permanent,
                } => {
                    let Some(next) = join_url(&current, &to) else {
                        return UrlStatus::Failed(format!("redirect to an invalid address `{to}`"));
                    };
                    if seen.contains(&next) {
                        return UrlStatus::Failed("redirect loop".into());
                    }
                    if is_permanent && permanent.is_none() && seen.len() == 1 {
                        permanent = Some(next.clone());
                    }
                    seen.push(next.clone());
                    current = next;
                }
                Fetched::Failure(reason) => return UrlStatus::Failed(reason),
            }
        }
        UrlStatus::Failed("too many redirects".into())
    }

    /// One address: HEAD (GET when the body is needed or HEAD is refused),
    /// retried on timeouts, server errors and 429.
    async fn fetch(&self, url: &str, need_body: bool) -> Fetched {
        let mut method = if need_body { Method::GET } else { Method::HEAD };
        let mut attempt = 0;
        loop {
            let response = self.send(method.clone(), url).await;
            match response {
                Ok(response) => {
                    let status = response.status();
                    if status.is_redirection() {
                        if let Some(to) = response
                            .headers()
                            .get(LOCATION)
                            .and_then(|v| v.to_str().ok())
                        {
                            let permanent = matches!(
                                status,
                                StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT
                            );
                            return Fetched::Redirect {
                                to: to.to_string(),
                                permanent,
                            };
                        }
                    }
                    if status.is_success() {
                        let body = if need_body {
                            response.text().await.ok()
                        } else {
                            None
                        };
                        return Fetched::Success(body);
                    }
                    if method == Method::HEAD
                        && matches!(status.as_u16(), 400 | 403 | 404 | 405 | 501)
                    {
                        // Some servers refuse or mishandle HEAD; ask properly.
                        method = Method::GET;
                        continue;
                    }
                    let retryable =
                        status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
                    if retryable && attempt < self.config.retries {
                        let wait =
                            retry_after(response.headers()).unwrap_or_else(|| backoff(attempt));
                        tokio::time::sleep(wait).await;
                        attempt += 1;
                        continue;
                    }
                    return Fetched::Failure(format!("the server answered {status}"));
                }
                Err(err) => {
                    if (err.is_timeout() || err.is_connect()) && attempt < self.config.retries {
                        tokio::time::sleep(backoff(attempt)).await;
                        attempt += 1;
                        continue;
                    }
                    let reason = if err.is_timeout() {
                        format!("no answer within {} s", self.config.timeout)
                    } else if err.is_connect() {
                        "could not connect".to_string()
                    } else {
                        format!("request failed: {err}")
                    };
                    return Fetched::Failure(reason);
                }
            }
        }
    }

    async fn send(&self, method: Method, url: &str) -> reqwest::Result<reqwest::Response> {
        let host = host_of(url);
        let slot = self.slot(&host).await;
        let _all = self.all.acquire().await;
        let _host = slot.permits.acquire().await;
        {
            let mut next = slot.next.lock().await;
            let now = tokio::time::Instant::now();
            if *next > now {
                tokio::time::sleep_until(*next).await;
            }
            *next = tokio::time::Instant::now() + Duration::from_millis(self.config.delay_ms);
        }
        self.client
            .request(method, url)
            .headers(self.headers_for(&host))
            .send()
            .await
    }

    async fn slot(&self, host: &str) -> Arc<HostSlot> {
        let mut hosts = self.hosts.lock().await;
        Arc::clone(hosts.entry(host.to_string()).or_insert_with(|| {
            Arc::new(HostSlot {
                permits: Semaphore::new(self.config.per_host.max(1)),
                next: Mutex::new(tokio::time::Instant::now()),
            })
        }))
    }

    /// Headers configured for a host, read from the environment.
    fn headers_for(&self, host: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let host_name = host.split(':').next().unwrap_or(host);
        for (name, variable) in self
            .config
            .headers
            .get(host)
            .or_else(|| self.config.headers.get(host_name))
            .into_iter()
            .flatten()
        {
            let value = std::env::var(variable).ok();
            if let (Ok(name), Some(Ok(value))) = (
                HeaderName::try_from(name.as_str()),
                value.map(HeaderValue::try_from),
            ) {
                headers.insert(name, value);
            }
        }
        headers
    }
}

enum Fetched {
    Success(Option<String>),
    Redirect { to: String, permanent: bool },
    Failure(String),
}

/// 0.5 s, 1 s, 2 s, … capped at 8 s.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(500 * 2u64.pow(attempt.min(4))).min(Duration::from_secs(8))
}

/// `Retry-After: <seconds>`, capped so a hostile server cannot stall CI.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let seconds: u64 = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(seconds.min(30)))
}
/// The host (and port) of an address, for per-host limits; "" when it has
/// none. Parsed by the `url` crate (WHATWG URL rules), so user info,
/// upper case and default ports do not split one host in two.
fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|url| {
            let host = url.host_str()?.to_string();
            Some(match url.port() {
                Some(port) => format!("{host}:{port}"),
                None => host,
            })
        })
        .unwrap_or_default()
}

/// Resolves a `Location` against the address it came from, as a browser
/// does (the `url` crate implements the WHATWG rules: `//cdn/x` keeps the
/// scheme, `?q` keeps the path, `../x` climbs). Only `http(s)` results are
/// followed.
fn join_url(base: &str, location: &str) -> Option<String> {
    let joined = url::Url::parse(base).ok()?.join(location.trim()).ok()?;
    matches!(joined.scheme(), "http" | "https").then(|| joined.to_string())
}

/// Whether an HTML page has an element with this id (or an `<a name>`).
fn has_anchor(html: &str, fragment: &str) -> bool {
    ["id=\"", "id='", "name=\"", "name='"]
        .iter()
        .any(|attribute| {
            let quote = &attribute[attribute.len() - 1..];
            html.contains(&format!("{attribute}{fragment}{quote}"))
        })
}

/// Successes with the time they were checked, as JSON.
struct Cache {
    checked: BTreeMap<String, u64>,
    max_age: u64,
}

impl Cache {
    fn load(path: &Path, max_age: u64) -> Cache {
        let checked = std::fs::read_to_string(path)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default();
        Cache { checked, max_age }
    }

    fn is_fresh(&self, url: &str) -> bool {
        self.checked
            .get(url)
            .is_some_and(|&at| now().saturating_sub(at) < self.max_age)
    }

    fn record(&mut self, url: &str) {
        self.checked.insert(url.to_string(), now());
    }

    /// Best effort: a cache that cannot be written only costs time later.
    fn save(&self, path: &Path) {
        let fresh: BTreeMap<&String, &u64> = self
            .checked
            .iter()
            .filter(|(_, &at)| now().saturating_sub(at) < self.max_age)
            .collect();
        if let (Some(dir), Ok(text)) = (path.parent(), serde_json::to_string_pretty(&fresh)) {
            let _ = std::fs::create_dir_all(dir);
            let _ = std::fs::write(path, text);
        }
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Counts on a terminal line that updates in place; plain lines elsewhere.
struct Progress {
    total: usize,
    done: std::sync::atomic::AtomicUsize,
    terminal: bool,
}

impl Progress {
    fn new(total: usize) -> Progress {
        use std::io::IsTerminal;
        Progress {
            total,
            done: std::sync::atomic::AtomicUsize::new(0),
            terminal: std::io::stderr().is_terminal(),
        }
    }

    fn tick(&self) {
        let done = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if self.terminal {
            eprint!("\rchecking external links: {done}/{}", self.total);
        } else if self.total >= 20 && done.is_multiple_of((self.total / 4).max(1)) {
            eprintln!("checked {done} of {} external links", self.total);
        }
    }

    fn finish(&self) {
        if self.terminal && self.total > 0 {
            eprintln!();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_resolve_against_the_request() {
        assert_eq!(join_url("http://h/a/b", "/c").unwrap(), "http://h/c");
        assert_eq!(join_url("http://h/a/b", "c").unwrap(), "http://h/a/c");
        assert_eq!(join_url("http://h", "c").unwrap(), "http://h/c");
        assert_eq!(
            join_url("http://h/a", "https://x/y").unwrap(),
            "https://x/y"
        );
        // What hand-written joining got wrong.
        assert_eq!(
            join_url("https://h/a/b", "//cdn.example/x").unwrap(),
            "https://cdn.example/x"
        );
        assert_eq!(
            join_url("https://h/a/b?x=1", "?q=2").unwrap(),
            "https://h/a/b?q=2"
        );
        assert_eq!(
            join_url("https://h/a/b/c", "../d").unwrap(),
            "https://h/a/d"
        );
        assert_eq!(join_url("https://h/a", "mailto:x@y"), None);
    }

    #[test]
    fn hosts_follow_url_rules() {
        assert_eq!(host_of("https://Example.ORG:443/a?b"), "example.org");
        assert_eq!(host_of("http://user@h:8080/"), "h:8080");
        assert_eq!(host_of("not a url"), "");
    }

    #[test]
    fn anchors_in_html() {
        assert!(has_anchor("<h2 id=\"intro\">", "intro"));
        assert!(has_anchor("<a name='top'>", "top"));
        assert!(!has_anchor("<h2 id=\"introduction\">", "intro"));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(0), Duration::from_millis(500));
        assert_eq!(backoff(2), Duration::from_secs(2));
        assert_eq!(backoff(10), Duration::from_secs(8));
    }
}
