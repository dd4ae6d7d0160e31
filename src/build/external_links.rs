//! Checking the book's `http(s)` links (`--external`): which addresses,
//! and what each result means as a diagnostic at every place it is
//! written. The network itself is `external`'s.

use std::path::Path;

use crate::config;
use crate::diag::{Code, Diagnostic, Severity};
use crate::external;
use crate::load;
use crate::parse::ParsedPage;
use crate::resolve;

/// Checks every distinct `http(s)` address the pages link to, and reports
/// each failing one at every place it is written.
pub(super) fn check_external(
    book: &load::Book,
    pages: &[ParsedPage],
    site: &resolve::Site,
    book_dir: &Path,
) -> Vec<Diagnostic> {
    let mut places = Vec::new();
    for (id, page) in pages.iter().enumerate() {
        for (index, link) in page.links.iter().enumerate() {
            // A mapped GitBook link is checked at the address readers get.
            let address = site.links[id][index]
                .href
                .clone()
                .filter(|href| href.starts_with("http"))
                .unwrap_or_else(|| link.dest.trim().to_string());
            if address.starts_with("http://") || address.starts_with("https://") {
                places.push((id, index, address));
            }
        }
    }
    let ignored = &book.config.check.ignore_urls;
    places.retain(|(_, _, url)| !ignored.is_match(url));
    let mut urls: Vec<String> = places.iter().map(|(_, _, url)| url.clone()).collect();
    // The theme's edit links come from one template: checking the first
    // page's tells whether the template is right without a request per page.
    let edit_url = book
        .pages
        .first()
        .and_then(|page| book.config.edit_url(&page.path))
        .filter(|url| url.starts_with("http://") || url.starts_with("https://"));
    urls.extend(edit_url.clone());
    let statuses = external::check_urls(&urls, &book.config.link_check, book_dir);
    let mut diagnostics: Vec<Diagnostic> = edit_url
        .and_then(|url| edit_link_diagnostic(book, &url, statuses.get(&url)?))
        .into_iter()
        .collect();
    for (id, index, url) in places {
        let link = &pages[id].links[index];
        let source = link.origin.as_deref().unwrap_or(&book.pages[id].source);
        let (severity, message, help, suggestion) = match statuses.get(&url) {
            Some(external::UrlStatus::Failed(reason)) => (
                Severity::Error,
                format!("`{url}` is unreachable: {reason}"),
                None,
                None,
            ),
            Some(external::UrlStatus::MissingFragment(fragment)) => (
                Severity::Error,
                format!("`{url}` has no `#{fragment}` anchor"),
                None,
                None,
            ),
            Some(external::UrlStatus::MovedPermanently(to)) => (
                Severity::Warning,
                format!("`{url}` has moved permanently to `{to}`"),
                Some(format!("link to `{to}`")),
                Some(to.clone()),
            ),
            _ => continue,
        };
        let mut diagnostic = source
            .diagnostic(severity, Code::ExternalLink, link.span.clone(), message)
            .with_target(url.clone());
        diagnostic.help = help;
        diagnostic.suggestion = suggestion;
        diagnostics.push(diagnostic);
    }
    diagnostics
}

/// A failing edit link, reported at `edit-url-template` in `book.toml`.
fn edit_link_diagnostic(
    book: &load::Book,
    url: &str,
    status: &external::UrlStatus,
) -> Option<Diagnostic> {
    let (severity, problem) = match status {
        external::UrlStatus::Failed(reason) => {
            (Severity::Error, format!("is unreachable: {reason}"))
        }
        external::UrlStatus::MovedPermanently(to) => (
            Severity::Warning,
            format!("has moved permanently to `{to}`"),
        ),
        _ => return None,
    };
    let source = book.root.read_source("book.toml").ok()?;
    let span = config::Config::key_span(&source.text, &["output", "html", "edit-url-template"])?;
    let diagnostic = source
        .diagnostic(
            severity,
            Code::ExternalLink,
            span,
            format!("the edit link of the first page, `{url}`, {problem}"),
        )
        .with_target(url.to_string())
        .with_help("every page's \"Edit this page\" link comes from this template; check its host, repository and branch");
    Some(diagnostic)
}
