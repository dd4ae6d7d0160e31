//! The data templates see: borrowed, serialisable views built per page.
//!
//! These structs are the whole contract between folio and a theme; domain
//! types never derive `Serialize`. Every URL here is relative to the page
//! being rendered, so a built site works under any base path. The sidebar
//! expands only the current page's ancestors, so each page's HTML stays
//! small however large the book grows.

use std::collections::HashSet;

use serde::Serialize;

use crate::load::{Book, NavItem, NavTarget, PageId};
use crate::parse::ParsedPage;
use crate::paths;
use crate::resolve::{ApiBody, ApiOperation, ApiParameter, ApiSchema, Site};

/// What every template gets: `book`, `assets` (theme file → URL), `root`
/// (the way to the site root) and `generator`.
#[derive(Serialize)]
pub(super) struct BaseView<'a> {
    pub(super) book: BookView<'a>,
    pub(super) assets: std::collections::BTreeMap<&'a str, String>,
    pub(super) root: String,
    pub(super) generator: String,
}

/// Everything `page.html` sees; serialised once for the render cache's
/// fingerprint and, when that misses, into the template's context.
#[derive(Serialize)]
pub(super) struct PageContext<'a> {
    #[serde(flatten)]
    pub(super) base: BaseView<'a>,
    pub(super) page: PageView<'a>,
    pub(super) nav: NavView<'a>,
}

/// Book-wide values.
#[derive(Serialize)]
pub(super) struct BookView<'a> {
    pub(super) title: &'a str,
    pub(super) description: &'a str,
    pub(super) language: &'a str,
    pub(super) authors: &'a [String],
    /// The header logo relative to the page, or "" (`[output.html] logo`).
    pub(super) logo: String,
    /// The dark-mode logo relative to the page, or "".
    pub(super) logo_dark: String,
}

/// The page being rendered.
#[derive(Serialize)]
pub(super) struct PageView<'a> {
    pub(super) title: &'a str,
    pub(super) description: &'a str,
    pub(super) content: String,
    pub(super) canonical_url: String,
    pub(super) source_path: &'a str,
    pub(super) no_index: bool,
    pub(super) layout: LayoutView,
    pub(super) outline: Vec<OutlineEntry<'a>>,
    pub(super) breadcrumbs: Vec<LinkView<'a>>,
    pub(super) prev: Option<LinkView<'a>>,
    pub(super) next: Option<LinkView<'a>>,
    pub(super) cover: Option<CoverView>,
    /// "Edit this page" address, or "".
    pub(super) edit_url: String,
    /// The date of the page's last change (YYYY-MM-DD), or "".
    pub(super) last_updated: &'a str,
    /// The Mermaid script, on pages with diagrams, or "".
    pub(super) mermaid_script: String,
    /// The front matter `icon` as HTML (an SVG of the icon sprite or an
    /// emoji), or "".
    pub(super) icon: String,
    /// The page's Markdown (`page.md`, published beside it), relative to
    /// the page, for the page menu; "" on pages that have none.
    pub(super) markdown_url: String,
    /// `llms.txt`, relative to the page ("" where there is none).
    pub(super) llms_url: String,
    /// Whether the page shows highlighted code (it then loads the
    /// highlighting stylesheets).
    pub(super) has_code: bool,
    /// Only on the 404 page: how its script finds the site root.
    pub(super) not_found: Option<super::not_found::NotFoundView>,
}

/// The page's cover image.
#[derive(Serialize)]
pub(super) struct CoverView {
    pub(super) url: String,
    /// `hero` or `full`.
    pub(super) size: &'static str,
}

/// Which parts of the page to show.
#[derive(Serialize)]
pub(super) struct LayoutView {
    pub(super) title: bool,
    pub(super) description: bool,
    pub(super) outline: bool,
    pub(super) pagination: bool,
    pub(super) sidebar: bool,
    pub(super) wide: bool,
}

/// A `##` or `###` heading for the outline.
#[derive(Serialize)]
pub(super) struct OutlineEntry<'a> {
    pub(super) level: u8,
    pub(super) id: &'a str,
    pub(super) title: &'a str,
}

/// A title with a URL (`""` for none).
#[derive(Serialize)]
pub(super) struct LinkView<'a> {
    pub(super) title: &'a str,
    pub(super) url: String,
}

/// Site navigation as seen from one page.
#[derive(Serialize, Default)]
pub(super) struct NavView<'a> {
    pub(super) home_url: String,
    /// The whole book on one page, for printing.
    pub(super) print_url: String,
    pub(super) sections: Vec<SectionView<'a>>,
    pub(super) groups: Vec<GroupView<'a>>,
}

/// A section tab.
#[derive(Serialize)]
pub(super) struct SectionView<'a> {
    pub(super) title: &'a str,
    pub(super) url: String,
    pub(super) current: bool,
}

/// A sidebar part.
#[derive(Serialize)]
pub(super) struct GroupView<'a> {
    pub(super) title: &'a str,
    pub(super) items: Vec<ItemView<'a>>,
}

/// A sidebar entry.
#[derive(Serialize)]
pub(super) struct ItemView<'a> {
    pub(super) title: &'a str,
    /// The page's icon as HTML, or "".
    pub(super) icon: String,
    pub(super) url: String,
    pub(super) external: bool,
    pub(super) current: bool,
    pub(super) open: bool,
    pub(super) has_children: bool,
    pub(super) children: Vec<ItemView<'a>>,
}

/// Everything needed to build one page's views.
pub(super) struct PageInputs<'a> {
    pub(super) book: &'a Book,
    pub(super) site: &'a Site,
    pub(super) parsed: &'a [ParsedPage],
    pub(super) titles: &'a [String],
    pub(super) page: PageId,
    /// The page being rendered, with its events: `parsed[page]`, or the
    /// page parsed again when the analysed pages dropped their events.
    pub(super) this: &'a ParsedPage,
    pub(super) indexes: &'a [crate::index::Index],
    pub(super) icons: &'a super::icons::Icons,
}

impl<'a> PageInputs<'a> {
    fn url_of(&self, to: PageId) -> String {
        paths::href(&self.site.page_urls[self.page], &self.site.page_urls[to])
    }

    fn link_to(&self, to: PageId) -> LinkView<'a> {
        LinkView {
            title: &self.titles[to],
            url: self.url_of(to),
        }
    }

    /// The page's ancestors from the section root down, nearest last.
    fn ancestors(&self) -> Vec<PageId> {
        let mut chain = Vec::new();
        let mut at = self.book.pages[self.page].parent;
        while let Some(id) = at {
            if chain.contains(&id) {
                break;
            }
            chain.push(id);
            at = self.book.pages[id].parent;
        }
        chain.reverse();
        chain
    }

    /// Breadcrumbs: the section index, then ancestors.
    pub(super) fn breadcrumbs(&self) -> Vec<LinkView<'a>> {
        let section = &self.book.sections[self.book.pages[self.page].section];
        let mut crumbs = Vec::new();
        if let Some(index) = section.index_page.filter(|&i| i != self.page) {
            crumbs.push(LinkView {
                title: &section.config.title,
                url: self.url_of(index),
            });
        }
        for id in self.ancestors() {
            if Some(id) != section.index_page {
                crumbs.push(self.link_to(id));
            }
        }
        crumbs
    }

    /// Previous and next published pages of the same section, in reading
    /// order, skipping hidden pages.
    pub(super) fn neighbours(&self) -> (Option<LinkView<'a>>, Option<LinkView<'a>>) {
        let section = self.book.pages[self.page].section;
        let visible = |id: &PageId| {
            self.book.pages[*id].section == section && !self.parsed[*id].front_matter.hidden
        };
        let prev = (0..self.page)
            .rev()
            .find(visible)
            .map(|id| self.link_to(id));
        let next = (self.page + 1..self.book.pages.len())
            .find(visible)
            .map(|id| self.link_to(id));
        (prev, next)
    }

    /// Section tabs and the current section's sidebar.
    pub(super) fn nav(&self) -> NavView<'a> {
        let from = &self.site.page_urls[self.page];
        let current_section = self.book.pages[self.page].section;
        let sections = self
            .book
            .sections
            .iter()
            .enumerate()
            .map(|(index, section)| SectionView {
                title: &section.config.title,
                url: paths::href(from, &section.config.url_prefix),
                current: index == current_section,
            })
            .collect();
        let open: HashSet<PageId> = self.ancestors().into_iter().chain([self.page]).collect();
        let groups = self.book.sections[current_section]
            .groups
            .iter()
            .map(|group| GroupView {
                title: group.title.as_deref().unwrap_or(""),
                items: self.items(&group.items, &open),
            })
            .filter(|group| !group.items.is_empty())
            .collect();
        NavView {
            print_url: if self.book.config.print {
                paths::href(from, "print/")
            } else {
                String::new()
            },
            home_url: paths::root_prefix(from).to_string()
                + if from.is_empty() { "./" } else { "" },
            sections,
            groups,
        }
    }

    /// What [`PageInputs::nav`] makes for this page, as a fingerprint:
    /// its section's (`sections`, from [`nav_fingerprints`]), the page,
    /// its address and its ancestors. A page's kept HTML is keyed by it
    /// instead of by the navigation itself, which would be built for every
    /// page of every build.
    pub(super) fn nav_key(&self, sections: &[u64]) -> u64 {
        let section = self.book.pages[self.page].section;
        crate::fingerprint::of(&(
            sections.get(section),
            self.page,
            &self.site.page_urls[self.page],
            self.ancestors(),
        ))
    }

    fn items(&self, items: &'a [NavItem], open: &HashSet<PageId>) -> Vec<ItemView<'a>> {
        items
            .iter()
            .filter(|item| match item.target {
                NavTarget::Page(id) => !self.parsed[id].front_matter.hidden,
                _ => true,
            })
            .map(|item| {
                let (url, external, current, is_open) = match &item.target {
                    NavTarget::Page(id) => {
                        (self.url_of(*id), false, *id == self.page, open.contains(id))
                    }
                    NavTarget::External(url) => (url.clone(), true, false, false),
                    // A label has no page to visit, so its entries stay visible.
                    NavTarget::None => (String::new(), false, false, true),
                };
                let icon = match item.target {
                    NavTarget::Page(id) => self
                        .icons
                        .of_page(&self.parsed[id], &self.site.page_urls[self.page]),
                    _ => String::new(),
                };
                ItemView {
                    title: &item.label,
                    icon,
                    url,
                    external,
                    current,
                    open: is_open,
                    has_children: !item.children.is_empty(),
                    children: if is_open {
                        self.items(&item.children, open)
                    } else {
                        Vec::new()
                    },
                }
            })
            .collect()
    }
}

/// For each section, a fingerprint of everything [`PageInputs::nav`] reads
/// of the book apart from the page it is seen from: the sections' titles
/// and addresses, the print setting, the icon sprite, and the section's
/// groups and entries (label, target, and for a page its address, `hidden`
/// and icon). Whatever `nav` comes to read must be added here, or kept
/// pages keep a stale sidebar (`tests/build.rs` compares kept pages with a
/// fresh build after navigation edits).
pub(super) fn nav_fingerprints(
    book: &Book,
    site: &Site,
    parsed: &[ParsedPage],
    icons: &super::icons::Icons,
) -> Vec<u64> {
    use std::hash::{Hash, Hasher};
    fn hash_items(hasher: &mut impl Hasher, items: &[NavItem], site: &Site, parsed: &[ParsedPage]) {
        items.len().hash(hasher);
        for item in items {
            item.label.hash(hasher);
            match &item.target {
                NavTarget::Page(id) => {
                    (0u8, id, &site.page_urls[*id]).hash(hasher);
                    let front_matter = &parsed[*id].front_matter;
                    (front_matter.hidden, &front_matter.icon).hash(hasher);
                }
                NavTarget::External(url) => (1u8, url).hash(hasher),
                NavTarget::None => 2u8.hash(hasher),
            }
            hash_items(hasher, &item.children, site, parsed);
        }
    }
    let mut shared = crate::fingerprint::fingerprinter();
    book.config.print.hash(&mut shared);
    icons.sprite_path().hash(&mut shared);
    for section in &book.sections {
        (&section.config.title, &section.config.url_prefix).hash(&mut shared);
    }
    book.sections
        .iter()
        .map(|section| {
            let mut hasher = shared.clone();
            for group in &section.groups {
                group.title.hash(&mut hasher);
                hash_items(&mut hasher, &group.items, site, parsed);
            }
            hasher.finish()
        })
        .collect()
}

/// What `embed.html` sees as `embed`: a known provider's player, loaded
/// only when the reader clicks (`render::embeds`).
#[derive(Serialize)]
pub(super) struct EmbedView<'a> {
    /// The address as written (the link card's target).
    pub(super) url: &'a str,
    /// `YouTube`, `Google Slides`, …
    pub(super) provider: &'static str,
    /// `youtube`, `google-slides`, … (for classes).
    pub(super) provider_id: &'static str,
    /// `video`, `presentation`, `board`, …
    pub(super) kind: &'static str,
    /// The player's address, loaded after the click.
    pub(super) player_url: String,
    /// The host the player loads from.
    pub(super) player_host: String,
    /// The iframe's `allow` list.
    pub(super) allow: &'static str,
    /// Whether a caption follows (the template opens `<figcaption>`).
    pub(super) has_caption: bool,
}

/// What `openapi.html` sees as `api`: an operation read from a local spec.
/// Descriptions are HTML (the spec writes Markdown).
#[derive(Serialize)]
pub(super) struct ApiView<'a> {
    pub(super) description: String,
    pub(super) servers: &'a [String],
    pub(super) parameters: Vec<ApiFieldView<'a>>,
    pub(super) request: Option<ApiBodyView<'a>>,
    pub(super) responses: Vec<ApiResponseView<'a>>,
}

/// A parameter or a schema field.
#[derive(Serialize)]
pub(super) struct ApiFieldView<'a> {
    pub(super) location: &'a str,
    pub(super) name: &'a str,
    pub(super) kind: &'a str,
    pub(super) required: bool,
    pub(super) description: String,
}

/// A request or response body.
#[derive(Serialize)]
pub(super) struct ApiBodyView<'a> {
    pub(super) content_type: &'a str,
    pub(super) schema: &'a str,
    pub(super) fields: Vec<ApiFieldView<'a>>,
    pub(super) example: Option<&'a str>,
}

/// A response.
#[derive(Serialize)]
pub(super) struct ApiResponseView<'a> {
    pub(super) status: &'a str,
    pub(super) description: String,
    pub(super) body: Option<ApiBodyView<'a>>,
}

impl<'a> ApiView<'a> {
    pub(super) fn of(op: &'a ApiOperation) -> ApiView<'a> {
        ApiView {
            description: op
                .description
                .as_deref()
                .filter(|d| op.summary.is_some() && !d.is_empty())
                .map(markdown_html)
                .unwrap_or_default(),
            servers: &op.servers,
            parameters: op.parameters.iter().map(ApiFieldView::of).collect(),
            request: op.request.as_ref().map(ApiBodyView::of),
            responses: op
                .responses
                .iter()
                .map(|r| ApiResponseView {
                    status: &r.status,
                    description: markdown_html(&r.description),
                    body: r.body.as_ref().map(ApiBodyView::of),
                })
                .collect(),
        }
    }
}

/// What `openapi-schemas.html` sees in `schemas`: one named schema.
#[derive(Serialize)]
pub(super) struct ApiSchemaView<'a> {
    pub(super) name: &'a str,
    pub(super) kind: &'a str,
    pub(super) description: String,
    pub(super) fields: Vec<ApiFieldView<'a>>,
    pub(super) example: Option<&'a str>,
}

impl<'a> ApiSchemaView<'a> {
    pub(super) fn of(schema: &'a ApiSchema) -> ApiSchemaView<'a> {
        ApiSchemaView {
            name: &schema.name,
            kind: &schema.kind,
            description: markdown_html(&schema.description),
            fields: schema.fields.iter().map(ApiFieldView::of).collect(),
            example: schema.example.as_deref(),
        }
    }
}

impl<'a> ApiFieldView<'a> {
    fn of(field: &'a ApiParameter) -> ApiFieldView<'a> {
        ApiFieldView {
            location: field.location.name(),
            name: &field.name,
            kind: &field.kind,
            required: field.required,
            description: markdown_html(&field.description),
        }
    }
}

impl<'a> ApiBodyView<'a> {
    fn of(body: &'a ApiBody) -> ApiBodyView<'a> {
        ApiBodyView {
            content_type: &body.content_type,
            schema: &body.schema,
            fields: body.fields.iter().map(ApiFieldView::of).collect(),
            example: body.example.as_deref(),
        }
    }
}

/// A spec's Markdown as HTML; raw HTML in it is shown as text.
fn markdown_html(text: &str) -> String {
    use pulldown_cmark::{Event, Parser};
    let events = Parser::new(text).map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        event => event,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse_page, NoIncludes};

    /// A book run through load, parse and resolve: the inputs `render`
    /// gets. Sections `a` (three pages, one hidden) and `b`.
    struct Stages {
        _dir: tempfile::TempDir,
        book: Book,
        parsed: Vec<ParsedPage>,
        site: Site,
        titles: Vec<String>,
    }

    fn stages() -> Stages {
        let files = [
            ("book.toml", "[[section]]\ndir = \"a\"\ntitle = \"Guide\"\n\n[[section]]\ndir = \"b\"\ntitle = \"API\"\n"),
            ("a/README.md", "# Guide home\n"),
            ("a/SUMMARY.md", "* [Guide home](README.md)\n* [Setup](setup/README.md)\n  * [Install](setup/install.md)\n  * [Secret](setup/secret.md)\n* [Elsewhere](https://example.org/)\n"),
            ("a/setup/README.md", "# Setup\n"),
            ("a/setup/install.md", "# Install\n"),
            ("a/setup/secret.md", "---\nhidden: true\n---\n# Secret\n"),
            ("b/README.md", "# API home\n"),
            ("b/SUMMARY.md", "* [API home](README.md)\n"),
        ];
        let (dir, book, _) = crate::load::tests::load(&files);
        let parsed: Vec<ParsedPage> = book
            .pages
            .iter()
            .map(|page| parse_page(&page.source, &NoIncludes).0)
            .collect();
        let (site, _) = crate::resolve::resolve_site(&book, &parsed);
        let titles = (0..book.pages.len())
            .map(|id| crate::index::page_title(&book, &parsed, id))
            .collect();
        Stages {
            _dir: dir,
            book,
            parsed,
            site,
            titles,
        }
    }

    fn with_page<T>(stages: &Stages, path: &str, view: impl FnOnce(&PageInputs<'_>) -> T) -> T {
        let icons = super::super::icons::Icons::for_pages(&stages.parsed);
        let page = stages.book.page_at(path).unwrap();
        let inputs = PageInputs {
            book: &stages.book,
            site: &stages.site,
            parsed: &stages.parsed,
            titles: &stages.titles,
            page,
            this: &stages.parsed[page],
            indexes: &[],
            icons: &icons,
        };
        view(&inputs)
    }

    #[test]
    fn breadcrumbs_lead_from_the_section_home_down() {
        let stages = stages();
        let crumbs: Vec<(String, String)> = with_page(&stages, "a/setup/install.md", |page| {
            page.breadcrumbs()
                .into_iter()
                .map(|link| (link.title.to_string(), link.url))
                .collect()
        });
        assert_eq!(
            crumbs,
            [
                ("Guide".to_string(), "../../".to_string()),
                ("Setup".to_string(), "../".to_string())
            ]
        );
        let home = with_page(&stages, "a/README.md", |page| page.breadcrumbs().len());
        assert_eq!(home, 0);
    }

    #[test]
    fn neighbours_stay_in_the_section_and_skip_hidden_pages() {
        let stages = stages();
        let titles = |path| {
            with_page(&stages, path, |page| {
                let (prev, next) = page.neighbours();
                (
                    prev.map(|l| l.title.to_string()),
                    next.map(|l| l.title.to_string()),
                )
            })
        };
        assert_eq!(titles("a/README.md"), (None, Some("Setup".into())));
        // The hidden page is neither previous nor next, and the next
        // section's home is not next.
        assert_eq!(titles("a/setup/install.md"), (Some("Setup".into()), None));
        assert_eq!(titles("b/README.md"), (None, None));
    }

    #[test]
    fn the_sidebar_opens_only_the_current_pages_ancestors() {
        let stages = stages();
        let nav = |path| {
            with_page(&stages, path, |page| {
                let nav = page.nav();
                let sections: Vec<(String, String, bool)> = nav
                    .sections
                    .iter()
                    .map(|s| (s.title.to_string(), s.url.clone(), s.current))
                    .collect();
                let items: Vec<(String, bool, bool, Vec<String>)> = nav.groups[0]
                    .items
                    .iter()
                    .map(|item| {
                        let children = item.children.iter().map(|c| c.title.to_string()).collect();
                        (item.title.to_string(), item.open, item.current, children)
                    })
                    .collect();
                (sections, items, nav.home_url)
            })
        };
        let (sections, items, home) = nav("a/setup/install.md");
        assert_eq!(
            sections,
            [
                ("Guide".to_string(), "../../".to_string(), true),
                ("API".to_string(), "../../b/".to_string(), false)
            ]
        );
        // The first section is the site root.
        assert_eq!(home, "../../");
        let setup = &items[1];
        assert_eq!((setup.0.as_str(), setup.1), ("Setup", true));
        // The hidden page is not in the sidebar.
        assert_eq!(setup.3, ["Install"]);
        assert_eq!(items[2].0, "Elsewhere");
        let (_, items, home) = nav("a/README.md");
        assert!(items[0].2, "the current page is marked");
        assert!(!items[1].1, "Setup is closed away from its pages");
        assert_eq!(home, "./");
    }
}
