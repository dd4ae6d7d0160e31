//! Checking external links over HTTP (`folio check --external`).
//!
//! Owns the network: every distinct `http(s)` address is requested once,
//! concurrently but politely (a limit per host and a delay between requests
//! to the same host), `HEAD` first with a `GET` fallback, retries with
//! exponential back-off for timeouts and server errors, `429` honouring
//! `Retry-After`, redirects followed by hand so permanent ones and loops are
//! reported, and (opt-in) `#fragment`s looked up in HTML targets. Successes
//! are cached in a file so a CI re-run does not fetch again. Request headers
//! per host come from environment variables, so tokens stay out of the book.
//!
//! It knows nothing of pages: it takes addresses and returns their status.

use std::collections::BTreeMap;

use serde::Deserialize;

#[cfg(feature = "external")]
mod http;
#[cfg(feature = "external")]
pub use http::check_urls;

/// `[link-check]` in book.toml.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct ExternalConfig {
    /// Check external links on every `check` (as `--external` does).
    pub external: bool,
    /// Seconds before a request times out.
    pub timeout: u64,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Requests in flight per host.
    pub per_host: usize,
    /// Milliseconds between two requests to the same host.
    pub delay_ms: u64,
    /// Retries after a timeout or a server error.
    pub retries: u32,
    /// Addresses starting with any of these are not checked.
    pub exclude: Vec<String>,
    /// Look up `#fragment`s in HTML targets.
    pub check_fragments: bool,
    /// Cache file of successes, relative to the book directory.
    pub cache: String,
    /// Seconds a cached success stays valid.
    pub cache_max_age: u64,
    /// Headers per host, each value naming an environment variable:
    /// `{ "api.example.org" = { Authorization = "EXAMPLE_TOKEN" } }`.
    pub headers: BTreeMap<String, BTreeMap<String, String>>,
}

impl Default for ExternalConfig {
    fn default() -> Self {
        ExternalConfig {
            external: false,
            timeout: 10,
            concurrency: 16,
            per_host: 2,
            delay_ms: 100,
            retries: 2,
            exclude: Vec::new(),
            check_fragments: false,
            cache: ".folio-cache/external-links.json".into(),
            cache_max_age: 86_400,
            headers: BTreeMap::new(),
        }
    }
}

/// What an address turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlStatus {
    /// It answered with success (possibly after temporary redirects).
    Ok,
    /// Checked recently; taken from the cache.
    Cached,
    /// Not checked: it matches an `exclude` prefix.
    Excluded,
    /// It moved for good: links should use the new address.
    MovedPermanently(String),
    /// The page exists but has no such `#fragment`.
    MissingFragment(String),
    /// It failed; the reason says how.
    Failed(String),
}
