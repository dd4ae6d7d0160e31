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
//! Its settings are `[link-check]` in book.toml, read by `config`
//! ([`crate::config::LinkCheckConfig`]).

#[cfg(feature = "external")]
mod http;
#[cfg(feature = "external")]
pub use http::check_urls;

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
