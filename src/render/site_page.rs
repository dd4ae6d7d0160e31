//! One page of a `folio build`: taken from the pages the last build kept
//! (`render::page_cache`) when nothing it is made of changed, else parsed
//! again if need be, rendered, indexed for search and kept for the next.
//!
//! Owns what each kept text is filed under ([`PageKeys`]): a fingerprint
//! of everything the page's HTML, print section and search share are made
//! of, worked out from the analysed page without its events, and which
//! of the page's files the sink may take over from the current site. It
//! hands the page's HTML and Markdown to the sink (the print section goes
//! back to the caller), and never writes files or reads the cache's folder
//! itself.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::context::{NavView, PageContext, PageInputs};
use super::highlight::Highlighter;
use super::page_cache::{Kept, PageCache};
use super::{
    body_fingerprint, page_contents, page_context, page_file, page_listings, page_output,
    page_path, print, print_listings, site_files, template_context, view_fingerprint, Common,
    FileSink, OutputFile, PageWithEvents, RenderError, RenderInputs, TemplateError, Theme,
};
use crate::fingerprint;
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
    /// Where the page files go.
    pub(super) sink: &'a dyn FileSink,
    /// Pages taken from `kept`.
    pub(super) reused: AtomicUsize,
}

impl SitePage<'_, '_> {
    /// Puts page `id`'s file and its Markdown in the sink, indexes it for
    /// search, and returns its print page section.
    pub(super) fn render(&self, id: PageId) -> Result<String, RenderError> {
        let inputs = self.inputs;
        let Some(cache) = self.kept else {
            let this = (self.with_events)(id)?;
            self.search.add(id, &this);
            let page = self.common.page(inputs, id, &this);
            let (file, content) = page_file(
                &page,
                inputs.theme,
                self.highlighter,
                self.asset_paths,
                None,
            )?;
            self.sink.put(file)?;
            self.sink.put(self.markdown(id))?;
            return Ok(content);
        };
        // The keys come from the analysed page, without its events; so
        // does what `page.html` sees, which is kept for rendering. The
        // navigation stands in the keys as its fingerprint, and is built
        // only for a page that is rendered.
        let analysed = self.common.page(inputs, id, &inputs.parsed[id]);
        let mut view = page_context(
            &analysed,
            self.asset_paths,
            page_listings(&analysed, inputs.theme)?,
            NavView::default(),
        );
        let nav_key = analysed.nav_key(&self.common.nav_fingerprints);
        let keys = PageKeys::of(&analysed, inputs.theme, &view, nav_key)?;
        let markdown = self.markdown_path(id);
        let markdown_key = cache.file_key(keys.markdown);
        if !self.sink.take_over(&markdown, markdown_key) {
            self.sink.put_keyed(self.markdown(id), markdown_key)?;
        }
        let page_key = cache.file_key(keys.page);
        if let Some(content) = self.take_kept(cache, &keys, id, page_key)? {
            self.reused.fetch_add(1, Ordering::Relaxed);
            return Ok(content);
        }
        let this = (self.with_events)(id)?;
        let page = self.common.page(inputs, id, &this);
        let (content, print_content) = page_contents(&page, inputs.theme, self.highlighter, None)?;
        view.page.content = content;
        view.nav = analysed.nav();
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
        self.sink
            .put_keyed(page_output(inputs.site, id, html), page_key)?;
        Ok(print_content)
    }

    /// Page `id` as `cache` kept it under `keys`, if it kept all of it:
    /// its file is taken over from the current site (made under
    /// `page_key`) or put from the cache, its search share is added to the
    /// index, and its print section is returned. `None` when something is
    /// missing and the page must be rendered.
    fn take_kept(
        &self,
        cache: &PageCache,
        keys: &PageKeys,
        id: PageId,
        page_key: u64,
    ) -> Result<Option<String>, RenderError> {
        let inputs = self.inputs;
        let path = &inputs.book.pages[id].path;
        let content = match inputs.book.config.print {
            true => match cache.get(Kept::Print, path, keys.print) {
                Some(content) => content,
                None => return Ok(None),
            },
            false => String::new(),
        };
        let html_path = page_path(inputs.site, id);
        let html = match self.sink.take_over(&html_path, page_key) {
            true => None,
            false => match cache.get(Kept::Page, path, keys.page) {
                Some(html) => Some(html),
                None => return Ok(None),
            },
        };
        if !inputs.parsed[id].front_matter.no_index {
            let share = cache.get(Kept::Search, path, keys.search);
            if !share.is_some_and(|share| self.search.add_kept(id, &share)) {
                return Ok(None);
            }
        }
        if let Some(html) = html {
            self.sink
                .put_keyed(page_output(inputs.site, id, html), page_key)?;
        }
        Ok(Some(content))
    }

    /// Page `id`'s Markdown file.
    fn markdown(&self, id: PageId) -> OutputFile {
        let inputs = self.inputs;
        site_files::page_markdown(inputs.book, inputs.site, inputs.parsed, id)
    }

    fn markdown_path(&self, id: PageId) -> String {
        site_files::markdown_path(&self.inputs.site.page_urls[id])
    }
}

/// What a page's kept texts are filed under in a [`PageCache`]: for each,
/// a fingerprint of everything it is made from.
struct PageKeys {
    page: u64,
    print: u64,
    search: u64,
    /// The page's Markdown file (its source).
    markdown: u64,
}

impl PageKeys {
    /// The keys of `inputs.page`, worked out without its events; `view` is
    /// what `page.html` sees with the page's index tables for content (the
    /// body stands in the keys as its inputs' fingerprint) and no
    /// navigation (`nav_key` stands for it).
    fn of(
        inputs: &PageInputs<'_>,
        theme: &Theme,
        view: &PageContext<'_>,
        nav_key: u64,
    ) -> Result<PageKeys, TemplateError> {
        let id = inputs.page;
        let url = &inputs.site.page_urls[id];
        // The body also points at the icon sprite from the page's address.
        let body = fingerprint::of(&(body_fingerprint(inputs), url));
        let print_links = print::links(inputs.site, inputs.parsed, id);
        Ok(PageKeys {
            markdown: fingerprint::of(&(body, "markdown")),
            page: fingerprint::of(&(body, view_fingerprint(view, theme), nav_key)),
            print: fingerprint::of(&(body, id, print_links, print_listings(inputs, theme)?)),
            search: fingerprint::of(&(
                body,
                &inputs.titles[id],
                url,
                search::breadcrumb(inputs.book, inputs.titles, id),
            )),
        })
    }
}
