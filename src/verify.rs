//! Output checks: every file a build writes is read back before it is renamed into place.
//! A failure here is a bookpress bug, so the message asks for a bug report with the detail.

use crate::diag::{Diagnostic, Error, Result};
use std::collections::BTreeSet;
use std::io::{Cursor, Read};

fn bug(output: &str, detail: impl std::fmt::Display) -> Error {
    Diagnostic::error(format!(
        "the {output} bookpress wrote failed its own check: {detail}"
    ))
    .hint("this is a bug in bookpress; please report it with the book that caused it")
    .into()
}

/// Re-opens an EPUB: `mimetype` first and stored, container, OPF, nav and every XHTML
/// document well-formed XML, and every manifest item present in the zip.
pub fn epub(bytes: &[u8]) -> Result<()> {
    let fail = |d: String| bug("EPUB", d);
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| fail(e.to_string()))?;
    {
        let first = zip.by_index(0).map_err(|e| fail(e.to_string()))?;
        let name = first.name().map_err(|e| fail(e.to_string()))?;
        if name != "mimetype" || first.compression() != zip::CompressionMethod::Stored {
            return Err(fail("`mimetype` is not the first, stored entry".into()));
        }
    }
    let container = read_entry(&mut zip, "META-INF/container.xml").map_err(fail)?;
    let opf_path = {
        let doc = parse_xml("META-INF/container.xml", &container).map_err(fail)?;
        doc.descendants()
            .find(|n| n.has_tag_name("rootfile"))
            .and_then(|n| n.attribute("full-path"))
            .map(str::to_owned)
            .ok_or_else(|| fail("container.xml names no rootfile".into()))?
    };
    let opf = read_entry(&mut zip, &opf_path).map_err(fail)?;
    let base = opf_path.rsplit_once('/').map_or("", |(dir, _)| dir);
    let mut items = Vec::new();
    {
        let doc = parse_xml(&opf_path, &opf).map_err(fail)?;
        for item in doc.descendants().filter(|n| n.has_tag_name("item")) {
            let href = item
                .attribute("href")
                .ok_or_else(|| fail(format!("{opf_path}: an item has no href")))?;
            let path = if base.is_empty() {
                href.to_owned()
            } else {
                format!("{base}/{href}")
            };
            let media = item.attribute("media-type").unwrap_or("").to_owned();
            let nav = item
                .attribute("properties")
                .is_some_and(|p| p.split_whitespace().any(|p| p == "nav"));
            items.push((path, media, nav));
        }
    }
    if !items.iter().any(|(_, _, nav)| *nav) {
        return Err(fail(format!("{opf_path} has no nav document")));
    }
    let names: BTreeSet<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    for (path, media, _) in &items {
        if !names.contains(path) {
            return Err(fail(format!(
                "the manifest lists `{path}` but the zip lacks it"
            )));
        }
        if media == "application/xhtml+xml" || media == "application/x-dtbncx+xml" {
            let text = read_entry(&mut zip, path).map_err(fail)?;
            parse_xml(path, &text).map_err(fail)?;
        }
    }
    Ok(())
}

fn read_entry<R: std::io::Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
) -> std::result::Result<String, String> {
    let mut entry = zip
        .by_name(name)
        .map_err(|e| format!("`{name}` is missing: {e}"))?;
    let mut text = String::new();
    entry
        .read_to_string(&mut text)
        .map_err(|e| format!("`{name}` cannot be read as UTF-8: {e}"))?;
    Ok(text)
}

fn parse_xml<'a>(
    name: &str,
    text: &'a str,
) -> std::result::Result<roxmltree::Document<'a>, String> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, options)
        .map_err(|e| format!("`{name}` is not well-formed XML: {e}"))
}

/// Checks the laid-out pages before they are drawn: no glyph is the .notdef glyph (id 0, the
/// empty box a font draws for a character it lacks), and all ink lies on the page (nothing was
/// pushed past an edge). Tolerates a point of overhang for hanging punctuation and rounding.
pub fn layout(doc: &crate::typeset::page::Document) -> Result<()> {
    use crate::typeset::page::Item;
    let fail = |d: String| bug("PDF layout", d);
    const SLACK: f32 = 1.0;
    let (w, h) = (doc.width, doc.height);
    let inside = |x0: f32, y0: f32, x1: f32, y1: f32| {
        [x0, y0, x1, y1].iter().all(|v| v.is_finite())
            && x0 >= -SLACK
            && y0 >= -SLACK
            && x1 <= w + SLACK
            && y1 <= h + SLACK
    };
    for (i, page) in doc.pages.iter().enumerate() {
        let n = i + 1;
        for item in &page.items {
            match item {
                Item::Glyphs(g) => {
                    if let Some(bad) = g.glyphs.iter().find(|gl| gl.id == 0) {
                        let what = g.text.get(bad.text_range.clone()).unwrap_or("");
                        let code = what
                            .chars()
                            .map(|c| format!("U+{:04X}", c as u32))
                            .collect::<Vec<_>>()
                            .join(" ");
                        return Err(fail(format!(
                            "page {n} draws the .notdef glyph for `{what}` ({code})"
                        )));
                    }
                    let top = g.y - g.size;
                    if !inside(g.x, top, g.x + g.width(), g.y) {
                        let text: String = g.text.chars().take(20).collect();
                        return Err(fail(format!(
                            "page {n}: text `{text}` at ({:.0}, {:.0}) pt lies off the {w:.0}×{h:.0} pt page",
                            g.x, g.y
                        )));
                    }
                }
                Item::Image(im) => {
                    if !inside(im.x, im.y, im.x + im.width, im.y + im.height) {
                        return Err(fail(format!(
                            "page {n}: picture `{}` lies off the page",
                            im.image.path
                        )));
                    }
                }
                Item::Line(_) | Item::Dot(_) | Item::Link(_) => {}
            }
        }
    }
    Ok(())
}

/// What the PDF writer meant to write, to compare the file against.
#[derive(Debug, Clone, Copy)]
pub struct PdfExpect {
    pub pages: usize,
    /// Whether the document has bookmarks.
    pub outline: bool,
}

/// Re-reads a PDF: page count, an outline when one is expected, and every font embedded,
/// subset (tagged name) and with a ToUnicode map so text copies out.
pub fn pdf(bytes: &[u8], expect: PdfExpect) -> Result<()> {
    use hayro_syntax::object::{Array, Dict, Name, Object, Stream};
    let fail = |d: String| bug("PDF", d);
    let pdf =
        hayro_syntax::Pdf::new(bytes.to_vec()).map_err(|e| fail(format!("unreadable: {e:?}")))?;
    let pages = pdf.pages().len();
    if pages != expect.pages {
        return Err(fail(format!(
            "it has {pages} pages, the layout made {}",
            expect.pages
        )));
    }
    let mut outline = false;
    let mut fonts = 0;
    for object in pdf.objects() {
        let dict = match object {
            Object::Dict(d) => d,
            Object::Stream(s) => s.dict().clone(),
            _ => continue,
        };
        let kind = dict.get::<Name>("Type");
        let kind = kind.as_ref().map(|n| n.as_str());
        if kind == Some("Outlines") {
            outline |= dict.contains_key("First");
        }
        if kind != Some("Font") {
            continue;
        }
        let name = dict
            .get::<Name>("BaseFont")
            .map(|n| n.as_str().to_owned())
            .unwrap_or_default();
        let subtype = dict.get::<Name>("Subtype").map(|n| n.as_str().to_owned());
        match subtype.as_deref() {
            Some("Type0") => {}
            // Descendant CIDFonts are checked through their Type0 parent.
            Some("CIDFontType0" | "CIDFontType2") => continue,
            other => {
                return Err(fail(format!(
                    "font `{name}` is of unexpected type {other:?}"
                )));
            }
        }
        fonts += 1;
        if !is_subset_name(&name) {
            return Err(fail(format!("font `{name}` is not marked as a subset")));
        }
        if dict.get::<Stream>("ToUnicode").is_none() {
            return Err(fail(format!("font `{name}` has no ToUnicode map")));
        }
        let embedded = dict
            .get::<Array>("DescendantFonts")
            .and_then(|a| a.iter::<Dict>().next())
            .and_then(|cid| cid.get::<Dict>("FontDescriptor"))
            .is_some_and(|d| {
                ["FontFile", "FontFile2", "FontFile3"]
                    .iter()
                    .any(|k| d.get::<Stream>(k).is_some())
            });
        if !embedded {
            return Err(fail(format!("font `{name}` is not embedded")));
        }
    }
    if expect.outline && !outline {
        return Err(fail("it has no bookmarks".into()));
    }
    if pages > 0 && fonts == 0 {
        return Err(fail("it has no fonts".into()));
    }
    Ok(())
}

/// `ABCDEF+Name`: six capital letters and a plus, the PDF convention for a subset font.
fn is_subset_name(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() > 7 && b[..6].iter().all(u8::is_ascii_uppercase) && b[6] == b'+'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset_names() {
        assert!(is_subset_name("ABCDEF+NotoSerifCJKsc-Regular"));
        assert!(!is_subset_name("NotoSerifCJKsc-Regular"));
        assert!(!is_subset_name("ABCDE+X"));
    }

    fn one_glyph_page(id: u16, x: f32, y: f32) -> crate::typeset::page::Document {
        use crate::typeset::fonts::FontId;
        use crate::typeset::page::{ArtifactKind, Document, GlyphRun, Item, Page, RunGlyph};
        Document {
            width: 420.0,
            height: 595.0,
            pages: vec![Page {
                items: vec![Item::Glyphs(GlyphRun {
                    font: FontId(0),
                    size: 10.0,
                    x,
                    y,
                    glyphs: vec![RunGlyph {
                        id,
                        advance: 10.0,
                        x_offset: 0.0,
                        y_offset: 0.0,
                        text_range: 0..4,
                    }],
                    text: "\u{2A6A5}".into(),
                    gray: 0.0,
                    node: None,
                    artifact: ArtifactKind::Layout,
                })],
                ..Page::default()
            }],
            outline: Vec::new(),
            destinations: Vec::new(),
            structure: Vec::new(),
        }
    }

    #[test]
    fn layout_with_notdef_or_ink_off_the_page_fails() {
        assert!(layout(&one_glyph_page(5, 100.0, 100.0)).is_ok());
        let e = layout(&one_glyph_page(0, 100.0, 100.0)).unwrap_err();
        assert!(
            e.to_string()
                .contains("page 1 draws the .notdef glyph for `\u{2A6A5}` (U+2A6A5)"),
            "{e}"
        );
        let e = layout(&one_glyph_page(5, 100.0, 630.0)).unwrap_err();
        assert!(
            e.to_string().contains("lies off the 420×595 pt page"),
            "{e}"
        );
        let e = layout(&one_glyph_page(5, 415.0, 100.0)).unwrap_err();
        assert!(e.to_string().contains("lies off"), "{e}");
        assert!(layout(&one_glyph_page(5, f32::NAN, 100.0)).is_err());
    }

    #[test]
    fn garbage_is_not_an_epub() {
        let e = epub(b"PK\x03\x04 not really").unwrap_err();
        assert!(e.to_string().contains("failed its own check"), "{e}");
    }

    #[test]
    fn garbage_is_not_a_pdf() {
        let e = pdf(
            b"%PDF-1.7\n%%EOF",
            PdfExpect {
                pages: 1,
                outline: false,
            },
        )
        .unwrap_err();
        assert!(e.to_string().contains("PDF"), "{e}");
    }
}
