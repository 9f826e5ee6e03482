//! SVG pictures, read once through usvg: the drawing is checked, and rewritten without what
//! a book must not carry (scripts, event handlers, external references, `foreignObject`), with
//! its text turned into outlines in the book's fonts so every reader shows it the same.

use crate::book::model::{Image, ImageFormat};
use crate::diag::Diagnostic;
use std::sync::Arc;

/// Parses `data` and writes it back as a static, self-contained SVG.
pub fn sanitize(data: &[u8], rel: &str, opts: &usvg::Options) -> Result<Image, Diagnostic> {
    let tree = usvg::Tree::from_data(data, opts).map_err(|e| {
        Diagnostic::error(format!("picture `{rel}` is not a usable SVG: {e}"))
            .hint("re-export it from a drawing program as plain SVG")
    })?;
    let size = tree.size();
    let clean = tree.to_string(&usvg::WriteOptions::default());
    Ok(Image {
        path: rel.to_string(),
        format: ImageFormat::Svg,
        width: size.width().round().max(1.0) as u32,
        height: size.height().round().max(1.0) as u32,
        orientation: 1,
        data: Arc::new(clean.into_bytes()),
        remote: None,
    })
}

/// The sanitised drawing as a tree, for the PDF (it has no text left, so no fonts are needed).
pub fn tree(img: &Image) -> Result<usvg::Tree, Diagnostic> {
    usvg::Tree::from_data(&img.data, &usvg::Options::default()).map_err(|e| {
        Diagnostic::error(format!("cannot draw picture {}: {e}", img.path)).in_file(&img.path)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_external_references_are_removed() {
        let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="60" onload="alert(1)">
<script>alert(2)</script>
<rect x="1" y="1" width="100" height="50" fill="#36c" onclick="alert(3)"/>
<image xlink:href="https://example.org/x.png" width="10" height="10"/>
<foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>
</svg>"##;
        let img = sanitize(svg, "d.svg", &usvg::Options::default()).unwrap();
        let out = String::from_utf8(img.data.to_vec()).unwrap();
        for bad in [
            "script",
            "alert",
            "onload",
            "onclick",
            "example.org",
            "foreignObject",
        ] {
            assert!(!out.contains(bad), "{bad} left in {out}");
        }
        assert!(out.contains("<path"), "{out}");
        assert_eq!((img.width, img.height), (120, 60));
        assert!(tree(&img).is_ok());
    }

    #[test]
    fn broken_svg_is_an_error_naming_the_file() {
        let e = sanitize(b"<svg", "d.svg", &usvg::Options::default()).unwrap_err();
        assert!(
            e.message.contains("`d.svg` is not a usable SVG"),
            "{}",
            e.message
        );
    }
}
