//! One page of a `folio build`: taken from the pages the last build kept
//! (`render::page_cache`) when nothing it is made of changed, else parsed
//! again if need be, rendered, indexed for search and kept for the next.
//!
//! Owns what each kept text is filed under ([`PageKeys`]): a fingerprint
//! of everything the page's HTML, print section and search share are made
//! of, worked out from the analysed page without its events. It never
//! writes files (the caller hands them to the sink) and never reads the
//! cache's folder itself.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::context::{PageContext, PageInputs};
use super::highlight::Highlighter;
use super::page_cache::{Kept, PageCache};
use super::{
    body_fingerprint, disk_cache, page_contents, page_context, page_file, page_listings,
    page_output, print, print_listings, template_context, view_fingerprint, Common, OutputFile,
    PageWithEvents, RenderError, RenderInputs, TemplateError, Theme,
};
use crate::load::PageId;
use crate::search;

/// How [`render_site`] makes each page: rendered and indexed, or taken
/// from the pages an earlier build kept.
pub(super) struct SitePage<'a, 'p> {
    pub(super) inputs: &'a RenderInputs<'p>,
    pub(super) common: &'a Common,
    pub(super) asset_paths: &'a BTreeMap<&'a str, &'a str>,
    pub(super) highlighter: &'a Highlighter,
    pub(super) with_events: &'a PageWithEvents<'p>,
    pub(super) search: &'a search::IndexBuilder<'a>,
    pub(super) kept: Option<&'a PageCache>,
    /// Pages taken from `kept`.
    pub(super) reused: AtomicUsize,
}

impl SitePage<'_, '_> {
    /// Page `id`'s file and its print page section; the page is indexed
    /// for search.
    pub(super) fn render(&self, id: PageId) -> Result<(OutputFile, String), RenderError> {
        let inputs = self.inputs;
        let Some(cache) = self.kept else {
            let this = (self.with_events)(id)?;
            self.search.add(id, &this);
            let page = self.common.page(inputs, id, &this);
            return Ok(page_file(
                &page,
                inputs.theme,
                self.highlighter,
                self.asset_paths,
                None,
            )?);
        };
        // The keys come from the analysed page, without its events; so
        // does what `page.html` sees, which is kept for rendering.
        let analysed = self.common.page(inputs, id, &inputs.parsed[id]);
        let mut view = page_context(
            &analysed,
            self.asset_paths,
            page_listings(&analysed, inputs.theme)?,
        );
        let keys = PageKeys::of(&analysed, inputs.theme, &view)?;
        if let Some(found) = self.take_kept(cache, &keys, id) {
            self.reused.fetch_add(1, Ordering::Relaxed);
            return Ok(found);
        }
        let this = (self.with_events)(id)?;
        let page = self.common.page(inputs, id, &this);
        let (content, print_content) = page_contents(&page, inputs.theme, self.highlighter, None)?;
        view.page.content = content;
        let html = inputs
            .theme
            .render("page.html", &template_context("page.html", &view)?)?;
        let path = &inputs.book.pages[id].path;
        if let Some(share) = self.search.add_and_keep(id, &this) {
            cache.put(Kept::Search, path, keys.search, &share);
        }
        cache.put(Kept::Page, path, keys.page, &html);
        if inputs.book.config.print {
            cache.put(Kept::Print, path, keys.print, &print_content);
        }
        Ok((page_output(inputs.site, id, html), print_content))
    }

    /// Page `id` as `cache` kept it under `keys`, if it kept all of it;
    /// its search share is then added to the index.
    fn take_kept(
        &self,
        cache: &PageCache,
        keys: &PageKeys,
        id: PageId,
    ) -> Option<(OutputFile, String)> {
        let inputs = self.inputs;
        let path = &inputs.book.pages[id].path;
        let html = cache.get(Kept::Page, path, keys.page)?;
        let content = match inputs.book.config.print {
            true => cache.get(Kept::Print, path, keys.print)?,
            false => String::new(),
        };
        if !inputs.parsed[id].front_matter.no_index {
            let share = cache.get(Kept::Search, path, keys.search)?;
            if !self.search.add_kept(id, &share) {
                return None;
            }
        }
        Some((page_output(inputs.site, id, html), content))
    }
}

/// What a page's kept texts are filed under in a [`PageCache`]: for each,
/// a fingerprint of everything it is made from.
struct PageKeys {
    page: u64,
    print: u64,
    search: u64,
}

impl PageKeys {
    /// The keys of `inputs.page`, worked out without its events; `view` is
    /// what `page.html` sees with the page's index tables for content (the
    /// body stands in the keys as its inputs' fingerprint).
    fn of(
        inputs: &PageInputs<'_>,
        theme: &Theme,
        view: &PageContext<'_>,
    ) -> Result<PageKeys, TemplateError> {
        use disk_cache::hash_of;
        let id = inputs.page;
        let url = &inputs.site.page_urls[id];
        // The body also points at the icon sprite from the page's address.
        let body = hash_of(&(body_fingerprint(inputs), url));
        let print_links = print::links(inputs.site, inputs.parsed, id);
        Ok(PageKeys {
            page: hash_of(&(body, view_fingerprint(view, theme))),
            print: hash_of(&(body, id, print_links, print_listings(inputs, theme)?)),
            search: hash_of(&(
                body,
                &inputs.titles[id],
                url,
                search::breadcrumb(inputs.book, inputs.titles, id),
            )),
        })
    }
}
