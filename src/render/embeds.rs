//! Embeds of known providers → players that load only when clicked.
//!
//! GitBook shows `{% embed url="…" %}` of YouTube, Vimeo, Loom, Figma,
//! Google Slides/Docs/Sheets/Drive and Miro as players. folio renders the
//! theme's `embed.html`: a placeholder naming the provider, whose button
//! swaps in the provider's player (`theme/folio.js`), so no request reaches
//! another site before the reader asks; the link card stays as the no-script
//! fallback. Other addresses stay link cards.
//!
//! Owns: recognising a provider from an address and its player address.
//! Must never: fetch anything, or write markup (that is `embed.html`).

use url::Url;

/// A provider folio can play.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Provider {
    YouTube,
    Vimeo,
    Loom,
    Figma,
    GoogleSlides,
    GoogleDocs,
    GoogleSheets,
    GoogleDrive,
    Miro,
}

impl Provider {
    /// The name readers know.
    pub(super) fn name(self) -> &'static str {
        match self {
            Provider::YouTube => "YouTube",
            Provider::Vimeo => "Vimeo",
            Provider::Loom => "Loom",
            Provider::Figma => "Figma",
            Provider::GoogleSlides => "Google Slides",
            Provider::GoogleDocs => "Google Docs",
            Provider::GoogleSheets => "Google Sheets",
            Provider::GoogleDrive => "Google Drive",
            Provider::Miro => "Miro",
        }
    }

    /// A stable identifier for classes and `data-` attributes.
    pub(super) fn id(self) -> &'static str {
        match self {
            Provider::YouTube => "youtube",
            Provider::Vimeo => "vimeo",
            Provider::Loom => "loom",
            Provider::Figma => "figma",
            Provider::GoogleSlides => "google-slides",
            Provider::GoogleDocs => "google-docs",
            Provider::GoogleSheets => "google-sheets",
            Provider::GoogleDrive => "google-drive",
            Provider::Miro => "miro",
        }
    }

    /// What the player shows, for the button's label.
    pub(super) fn kind(self) -> &'static str {
        match self {
            Provider::YouTube | Provider::Vimeo | Provider::Loom => "video",
            Provider::Figma => "design",
            Provider::GoogleSlides => "presentation",
            Provider::GoogleDocs => "document",
            Provider::GoogleSheets => "spreadsheet",
            Provider::GoogleDrive => "file",
            Provider::Miro => "board",
        }
    }

    /// The iframe's `allow` list.
    pub(super) fn allow(self) -> &'static str {
        match self {
            Provider::YouTube | Provider::Vimeo | Provider::Loom => {
                "autoplay; fullscreen; picture-in-picture; encrypted-media"
            }
            _ => "fullscreen",
        }
    }
}

/// A player for an embedded address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Player {
    pub(super) provider: Provider,
    /// The address the iframe loads after the click.
    pub(super) src: String,
}

impl Player {
    /// The host the player loads from, named on the placeholder.
    pub(super) fn host(&self) -> String {
        Url::parse(&self.src)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default()
    }
}

/// The player for `address`, when its provider is known.
pub(super) fn player(address: &str) -> Option<Player> {
    let url = Url::parse(address.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url
        .host_str()?
        .trim_start_matches("www.")
        .to_ascii_lowercase();
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    let (provider, src) = match (host.as_str(), segments.as_slice()) {
        ("youtu.be", [id, ..]) => (Provider::YouTube, youtube(id)?),
        ("youtube.com" | "m.youtube.com" | "youtube-nocookie.com", path) => {
            let id = match path {
                ["watch"] => url
                    .query_pairs()
                    .find(|(k, _)| k == "v")
                    .map(|(_, v)| v.into_owned())?,
                ["embed" | "shorts" | "live" | "v", id, ..] => id.to_string(),
                _ => return None,
            };
            (Provider::YouTube, youtube(&id)?)
        }
        ("vimeo.com", [id, ..]) | ("player.vimeo.com", ["video", id, ..]) if is_digits(id) => (
            Provider::Vimeo,
            format!("https://player.vimeo.com/video/{id}?dnt=1"),
        ),
        ("loom.com", ["share" | "embed", id, ..]) if is_token(id) => {
            (Provider::Loom, format!("https://www.loom.com/embed/{id}"))
        }
        ("figma.com", [kind, ..])
            if matches!(*kind, "file" | "design" | "proto" | "board" | "slides") =>
        {
            let encoded: String =
                url::form_urlencoded::byte_serialize(url.as_str().as_bytes()).collect();
            (
                Provider::Figma,
                format!("https://www.figma.com/embed?embed_host=share&url={encoded}"),
            )
        }
        ("docs.google.com", [kind, "d", rest @ ..]) => google_docs(kind, rest)?,
        ("drive.google.com", ["file", "d", id, ..]) if is_token(id) => (
            Provider::GoogleDrive,
            format!("https://drive.google.com/file/d/{id}/preview"),
        ),
        ("miro.com", ["app", "board", id, ..]) if is_token(id) => (
            Provider::Miro,
            format!("https://miro.com/app/live-embed/{id}/"),
        ),
        _ => return None,
    };
    Some(Player { provider, src })
}

/// YouTube's player on its no-cookie host.
fn youtube(id: &str) -> Option<String> {
    is_token(id).then(|| format!("https://www.youtube-nocookie.com/embed/{id}"))
}

/// Google Slides, Docs and Sheets: `/d/ID/…` or a published `/d/e/ID/…`.
fn google_docs(kind: &str, rest: &[&str]) -> Option<(Provider, String)> {
    let provider = match kind {
        "presentation" => Provider::GoogleSlides,
        "document" => Provider::GoogleDocs,
        "spreadsheets" => Provider::GoogleSheets,
        _ => return None,
    };
    let base = format!("https://docs.google.com/{kind}/d");
    let src = match rest {
        ["e", id, ..] if is_token(id) => match provider {
            Provider::GoogleSlides => format!("{base}/e/{id}/embed"),
            _ => format!("{base}/e/{id}/pubhtml?widget=true"),
        },
        [id, ..] if is_token(id) => match provider {
            Provider::GoogleSlides => format!("{base}/{id}/embed"),
            _ => format!("{base}/{id}/preview"),
        },
        _ => return None,
    };
    Some((provider, src))
}

fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// An id made only of characters safe in a path (Miro's end in `=`).
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'='))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(address: &str) -> Option<String> {
        player(address).map(|p| p.src)
    }

    #[test]
    fn known_providers_get_their_players() {
        // Addresses from the real exports (health-docs, opencrvs, SB-wiki).
        assert_eq!(
            src("https://youtu.be/HAYN3ATxQGI").as_deref(),
            Some("https://www.youtube-nocookie.com/embed/HAYN3ATxQGI")
        );
        assert_eq!(
            src("https://www.youtube.com/watch?v=HAYN3ATxQGI&t=5").as_deref(),
            Some("https://www.youtube-nocookie.com/embed/HAYN3ATxQGI")
        );
        assert_eq!(
            src("https://vimeo.com/76979871").as_deref(),
            Some("https://player.vimeo.com/video/76979871?dnt=1")
        );
        assert_eq!(
            src("https://www.loom.com/share/0281766fa2d04bb788eaf19e65135184").as_deref(),
            Some("https://www.loom.com/embed/0281766fa2d04bb788eaf19e65135184")
        );
        assert_eq!(
            src("https://docs.google.com/presentation/d/1AbC_d-9/edit?usp=sharing").as_deref(),
            Some("https://docs.google.com/presentation/d/1AbC_d-9/embed")
        );
        assert_eq!(
            src("https://docs.google.com/document/d/1AbC/edit").as_deref(),
            Some("https://docs.google.com/document/d/1AbC/preview")
        );
        assert_eq!(
            src("https://drive.google.com/file/d/1XyZ/view?usp=sharing").as_deref(),
            Some("https://drive.google.com/file/d/1XyZ/preview")
        );
        assert_eq!(
            src("https://miro.com/app/board/uXjVOabc=/").as_deref(),
            Some("https://miro.com/app/live-embed/uXjVOabc=/")
        );
        assert_eq!(
            src("https://youtu.be/a%22b").as_deref(),
            None,
            "an id with characters that need escaping is not trusted"
        );
        let figma = src(
            "https://www.figma.com/board/paOtCyh4uoL99pWgjt8dxB/Git-hotfixing-process?node-id=0-1",
        )
        .unwrap();
        assert!(
            figma.starts_with("https://www.figma.com/embed?embed_host=share&url=https%3A%2F%2Fwww.figma.com%2Fboard%2F"),
            "{figma}"
        );
        assert_eq!(
            player("https://youtu.be/x").unwrap().host(),
            "www.youtube-nocookie.com"
        );
    }

    #[test]
    fn other_addresses_stay_link_cards() {
        for address in [
            "https://github.com/opencrvs/opencrvs-core",
            "https://editor.swagger.io/?url=x",
            "https://www.youtube.com/@channel",
            "javascript:alert(1)",
            "not a url",
        ] {
            assert_eq!(player(address), None, "{address}");
        }
    }
}
