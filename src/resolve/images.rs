//! Image dimensions for `width`/`height` attributes, read at build time so
//! pages do not jump while images load.
//!
//! Owns reading the intrinsic size of a local image: raster formats from
//! their headers (the `imagesize` crate reads only what it needs), SVG from
//! its root element's `width`/`height`, else its `viewBox`. It never reads
//! outside the book root (paths come from `BookRoot::contained`) and never
//! fails a build: an unreadable or unknown image has no size.

use std::io::Read;

use crate::source::BookRoot;

/// The most of an SVG file read to find its root element.
const SVG_HEAD: u64 = 16 * 1024;

/// Width and height in CSS pixels of the image at `rel`, if it is one.
pub(super) fn image_size(root: &BookRoot, rel: &str) -> Option<(u32, u32)> {
    let path = root.contained(rel)?;
    let extension = rel.rsplit('.').next()?.to_ascii_lowercase();
    if extension == "svg" {
        let mut head = String::new();
        std::fs::File::open(&path)
            .ok()?
            .take(SVG_HEAD)
            .read_to_string(&mut head)
            .ok()?;
        return svg_size(&head);
    }
    if !matches!(
        extension.as_str(),
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "avif" | "bmp" | "ico" | "tif" | "tiff"
    ) {
        return None;
    }
    let size = imagesize::size(&path).ok()?;
    let width = u32::try_from(size.width).ok()?;
    let height = u32::try_from(size.height).ok()?;
    (width > 0 && height > 0).then_some((width, height))
}

/// An SVG's size from its root element: `width` and `height` in pixels
/// (or unitless), else the `viewBox`.
fn svg_size(text: &str) -> Option<(u32, u32)> {
    let start = text.find("<svg")?;
    let end = start + text[start..].find('>')?;
    let tag = &text[start..end];
    let pixels = |name: &str| -> Option<u32> {
        let value = attribute(tag, name)?;
        let number = value.trim().trim_end_matches("px");
        let number: f64 = number.parse().ok()?;
        (1.0..100_000.0)
            .contains(&number)
            .then(|| number.round() as u32)
    };
    if let (Some(width), Some(height)) = (pixels("width"), pixels("height")) {
        return Some((width, height));
    }
    let view_box: Vec<f64> = attribute(tag, "viewBox")?
        .split([' ', ','])
        .filter(|part| !part.is_empty())
        .filter_map(|part| part.parse().ok())
        .collect();
    match view_box[..] {
        [_, _, width, height]
            if (1.0..100_000.0).contains(&width) && (1.0..100_000.0).contains(&height) =>
        {
            Some((width.round() as u32, height.round() as u32))
        }
        _ => None,
    }
}

/// The value of `name="…"` (or `'…'`) in a start tag.
fn attribute<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let mut rest = tag;
    loop {
        let at = rest.find(name)?;
        let before = rest[..at].chars().next_back();
        let after = rest[at + name.len()..].trim_start();
        rest = &rest[at + name.len()..];
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let Some(value) = after.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        let quote = value.chars().next()?;
        if quote != '"' && quote != '\'' {
            continue;
        }
        let value = &value[1..];
        return value.find(quote).map(|end| &value[..end]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_sizes_come_from_attributes_or_the_view_box() {
        assert_eq!(
            svg_size("<svg xmlns=\"x\" width=\"120\" height=\"40px\">"),
            Some((120, 40))
        );
        assert_eq!(
            svg_size("<?xml?><svg viewBox='0 0 24.4 12' width=\"100%\">"),
            Some((24, 12))
        );
        assert_eq!(svg_size("<svg stroke-width=\"2\">"), None);
        assert_eq!(svg_size("<svg viewBox=\"0 0 0 0\">"), None);
        assert_eq!(svg_size("not an svg"), None);
    }
}
