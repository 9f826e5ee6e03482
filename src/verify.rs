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
pub fn layout(doc: &crate::typeset::document::Document) -> Result<()> {
    use crate::typeset::document::Item;
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
                        let what = g.text.get(bad.text_range()).unwrap_or("");
                        let code = what
                            .chars()
                            .map(|c| format!("U+{:04X}", c as u32))
                            .collect::<Vec<_>>()
                            .join(" ");
                        return Err(fail(format!(
                            "page {n} draws the .notdef glyph for `{what}` ({code})"
                        )));
                    }
                    let (x0, y0, x1, y1) = g.bounds();
                    if !inside(x0, y0, x1, y1) {
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
                Item::Rect(r) => {
                    if !inside(r.x, r.y, r.x + r.width, r.y + r.height) {
                        return Err(fail(format!("page {n}: a code tint lies off the page")));
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
    pdf_owned(bytes.to_vec(), expect).map(drop)
}

/// [`pdf`] without a copy of the file: the reader shares `bytes`, which come back when it is
/// done (the PDF of a long book is tens of MB).
pub fn pdf_owned(bytes: Vec<u8>, expect: PdfExpect) -> Result<Vec<u8>> {
    let shared = std::sync::Arc::new(bytes);
    pdf_shared(shared.clone(), expect)?;
    // The reader is gone, so `shared` is the only owner left.
    Ok(std::sync::Arc::try_unwrap(shared).unwrap_or_else(|s| s.to_vec()))
}

fn pdf_shared(bytes: std::sync::Arc<Vec<u8>>, expect: PdfExpect) -> Result<()> {
    let fail = |d: String| bug("PDF", d);
    let pdf = hayro_syntax::Pdf::new(bytes).map_err(|e| fail(format!("unreadable: {e:?}")))?;
    let pages = pdf.pages().len();
    if pages != expect.pages {
        return Err(fail(format!(
            "it has {pages} pages, the layout made {}",
            expect.pages
        )));
    }
    // Reading every object (for the fonts and the outline) and decoding every page's content
    // (for .notdef) are the two costs of the check: the objects on this thread while the
    // pages go to all cores. Errors are reported in the same order as when done one after
    // the other: the fonts', then the first page found wrong.
    let (objects, first_notdef) = rayon::join(|| fonts_and_outline(&pdf), || first_notdef(&pdf));
    let (outline, fonts) = objects.map_err(fail)?;
    if let Some((i, at)) = first_notdef {
        return Err(fail(format!(
            "page {} draws the .notdef glyph (code 0, in a text string at byte {at})",
            i + 1
        )));
    }
    if expect.outline && !outline {
        return Err(fail("it has no bookmarks".into()));
    }
    if pages > 0 && fonts == 0 {
        return Err(fail("it has no fonts".into()));
    }
    Ok(())
}

/// Whether the PDF has bookmarks, and how many fonts it has, each checked: a Type0 font with
/// Identity-H encoding, a subset's name, a ToUnicode map and its program embedded.
fn fonts_and_outline(pdf: &hayro_syntax::Pdf) -> std::result::Result<(bool, usize), String> {
    use hayro_syntax::object::{Array, Dict, Name, Object, Stream};
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
            other => return Err(format!("font `{name}` is of unexpected type {other:?}")),
        }
        fonts += 1;
        let encoding = dict.get::<Name>("Encoding").map(|n| n.as_str().to_owned());
        if encoding.as_deref() != Some("Identity-H") {
            return Err(format!(
                "font `{name}` has encoding {encoding:?}, not Identity-H"
            ));
        }
        if !is_subset_name(&name) {
            return Err(format!("font `{name}` is not marked as a subset"));
        }
        if dict.get::<Stream>("ToUnicode").is_none() {
            return Err(format!("font `{name}` has no ToUnicode map"));
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
            return Err(format!("font `{name}` is not embedded"));
        }
    }
    Ok((outline, fonts))
}

/// The first page (index, and the byte offset in its content) that draws the .notdef glyph,
/// the pages read on all cores.
fn first_notdef(pdf: &hayro_syntax::Pdf) -> Option<(usize, usize)> {
    use rayon::prelude::*;
    pdf.pages()
        .par_iter()
        .enumerate()
        .find_map_first(|(i, page)| notdef_in_page(page).map(|at| (i, at)))
}

/// Every font is a Type0 font with 2-byte codes (Identity-H), where code 0 is CID 0, the
/// .notdef glyph: finds a 0x0000 code in the page's text-showing operators. Returns the byte
/// offset of the code inside its string.
///
/// The content is decoded here and dropped after the page, not through `Page::page_stream`,
/// which keeps every page's decoded stream until the whole file is dropped.
fn notdef_in_page(page: &hayro_syntax::page::Page) -> Option<usize> {
    use hayro_syntax::object::{Array, Stream};
    let raw = page.raw();
    let content = if let Some(s) = raw.get::<Stream<'_>>("Contents") {
        s.decoded().ok()?
    } else {
        let mut all = Vec::new();
        for d in raw
            .get::<Array<'_>>("Contents")?
            .iter::<Stream<'_>>()
            .flat_map(|s| s.decoded().ok())
        {
            all.extend_from_slice(&d);
            // Streams must have at least one whitespace in-between.
            all.push(b' ');
        }
        all.into()
    };
    zero_code_shown(&content)
}

/// The byte offset of the first 0x0000 code in a string shown by `Tj`, `TJ`, `'` or `"` in a
/// content stream. Only strings and operators are told apart, which is all the question
/// needs: a general content parser, which builds every operand of every operator, took most
/// of the time of the whole check, as long as the rest of writing a long book's PDF. Strings
/// of other operators (a marked-content property list's `/ActualText`) are not looked at.
fn zero_code_shown(content: &[u8]) -> Option<usize> {
    let zero = |b: &[u8]| b.chunks_exact(2).position(|c| c == [0, 0]).map(|i| i * 2);
    // Of the strings among the pending operands, where the first zero code is; one buffer
    // takes each string in turn.
    let mut first_zero: Option<usize> = None;
    let mut text = Vec::new();
    let mut i = 0;
    while i < content.len() {
        match content[i] {
            b'(' => {
                i = literal_string(content, i + 1, &mut text);
                first_zero = first_zero.or_else(|| zero(&text));
            }
            b'<' if content.get(i + 1) == Some(&b'<') => i += 2,
            b'<' => {
                i = hex_string(content, i + 1, &mut text);
                first_zero = first_zero.or_else(|| zero(&text));
            }
            b'%' => {
                while i < content.len() && !matches!(content[i], b'\r' | b'\n') {
                    i += 1;
                }
            }
            b'/' => i = token_end(content, i + 1),
            c if is_pdf_delimiter(c) || c.is_ascii_whitespace() || c == 0 => i += 1,
            _ => {
                let end = token_end(content, i);
                let token = &content[i..end];
                if matches!(token, b"Tj" | b"TJ" | b"'" | b"\"")
                    && let Some(at) = first_zero
                {
                    return Some(at);
                }
                // Numbers are operands; any other word is an operator, which uses them up.
                if !token
                    .iter()
                    .all(|&c| c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'+'))
                {
                    first_zero = None;
                }
                i = end;
            }
        }
    }
    None
}

const fn is_pdf_delimiter(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// Where the name, number or operator starting at `i` ends.
fn token_end(content: &[u8], i: usize) -> usize {
    // A table, not three tests per byte: this loop runs over every number of every page.
    const ENDS: [bool; 256] = {
        let mut t = [false; 256];
        let mut c = 0;
        while c < 256 {
            let b = c as u8;
            t[c] = is_pdf_delimiter(b) || b.is_ascii_whitespace() || b == 0;
            c += 1;
        }
        t
    };
    content[i..]
        .iter()
        .position(|&c| ENDS[usize::from(c)])
        .map_or(content.len(), |n| i + n)
}

/// A literal string's bytes into `out`, from just after its `(`; returns the index after its
/// `)`. Nested parentheses, backslash escapes (octal codes, line continuations).
fn literal_string(content: &[u8], mut i: usize, out: &mut Vec<u8>) -> usize {
    out.clear();
    let mut depth = 0usize;
    while i < content.len() {
        let c = content[i];
        i += 1;
        match c {
            b'(' => {
                depth += 1;
                out.push(c);
            }
            b')' if depth == 0 => break,
            b')' => {
                depth -= 1;
                out.push(c);
            }
            b'\\' => {
                let Some(&e) = content.get(i) else { break };
                i += 1;
                match e {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'0'..=b'7' => {
                        let mut v = u32::from(e - b'0');
                        for _ in 0..2 {
                            match content.get(i) {
                                Some(&d @ b'0'..=b'7') => {
                                    v = v * 8 + u32::from(d - b'0');
                                    i += 1;
                                }
                                _ => break,
                            }
                        }
                        out.push(v as u8);
                    }
                    b'\r' => {
                        if content.get(i) == Some(&b'\n') {
                            i += 1;
                        }
                    }
                    b'\n' => {}
                    other => out.push(other),
                }
            }
            _ => out.push(c),
        }
    }
    i
}

/// A hex string's bytes, from just after its `<`, and the index after its `>` (white space
/// inside is ignored; an odd last digit is followed by 0).
fn hex_string(content: &[u8], mut i: usize, out: &mut Vec<u8>) -> usize {
    out.clear();
    let mut high: Option<u8> = None;
    while i < content.len() {
        let c = content[i];
        i += 1;
        let v = match c {
            b'>' => break,
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => continue,
        };
        match high.take() {
            Some(h) => out.push(h << 4 | v),
            None => high = Some(v),
        }
    }
    if let Some(h) = high {
        out.push(h << 4);
    }
    i
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

    fn one_glyph_page(id: u16, x: f32, y: f32) -> crate::typeset::document::Document {
        use crate::typeset::document::{
            ArtifactKind, Document, GlyphRun, InColumn, Item, Page, RunGlyph,
        };
        use crate::typeset::fonts::FontId;
        Document {
            width: 420.0,
            height: 595.0,
            pages: vec![Page {
                items: vec![Item::Glyphs(GlyphRun {
                    font: FontId(0),
                    size: 10.0,
                    x,
                    y,
                    glyphs: vec![RunGlyph::new(id, 10.0, 0.0, 0..4)].into(),
                    text: "\u{2A6A5}".into(),
                    gray: 0.0,
                    rgb: None,
                    node: None,
                    artifact: ArtifactKind::Layout,
                    column: InColumn::Across,
                })],
                ..Page::default()
            }],
            outline: Vec::new(),
            destinations: Vec::new(),
            structure: Vec::new(),
            timings: Default::default(),
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

    /// A one-page PDF whose content stream is `content` (uncompressed), with a correct xref.
    fn tiny_pdf(content: &str) -> Vec<u8> {
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595] /Contents 4 0 R >>".to_string(),
            format!(
                "<< /Length {} >>\nstream\n{content}\nendstream",
                content.len()
            ),
        ];
        let mut out = b"%PDF-1.7\n".to_vec();
        let mut offsets = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for off in offsets {
            out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }

    #[test]
    fn notdef_codes_in_page_text_are_found() {
        let expect = PdfExpect {
            pages: 1,
            outline: false,
        };
        // Tj, TJ and ' with a 0x0000 code; the same text without one passes this check (and
        // fails only for having no fonts).
        for (content, at) in [
            ("BT /F1 10 Tf <00050000> Tj ET", 2),
            ("BT /F1 10 Tf [<0005> 120 <00060007 0000>] TJ ET", 4),
            ("BT /F1 10 Tf <0000> ' ET", 0),
        ] {
            let e = pdf(&tiny_pdf(content), expect).unwrap_err();
            assert!(
                e.to_string().contains(&format!(
                    "page 1 draws the .notdef glyph (code 0, in a text string at byte {at})"
                )),
                "{content}: {e}"
            );
        }
        // A zero byte straddling two codes (0x0500 0x0006) is not code 0.
        let e = pdf(&tiny_pdf("BT /F1 10 Tf <05000006> Tj ET"), expect).unwrap_err();
        assert!(e.to_string().contains("it has no fonts"), "{e}");
    }

    #[test]
    fn zero_codes_are_found_only_in_shown_strings() {
        // Literal strings: an octal escape, a raw zero pair, nesting and escaped parentheses.
        assert_eq!(zero_code_shown(b"BT (\\000\\000) Tj ET"), Some(0));
        assert_eq!(zero_code_shown(b"BT (\\(\\)\0\0) Tj ET"), Some(2));
        assert_eq!(zero_code_shown(b"BT ((ab)\\000\\000) Tj ET"), Some(4));
        assert_eq!(zero_code_shown(b"BT 1 2 (ab\\0\\0) \" ET"), Some(2));
        // A line continuation adds nothing; `\\05` is one byte.
        assert_eq!(zero_code_shown(b"(\\\n\\0\\0) Tj"), Some(0));
        assert_eq!(zero_code_shown(b"(\\05\\0) Tj"), None);
        // Hex strings with white space inside, in a TJ array, after a dictionary.
        assert_eq!(zero_code_shown(b"[<0005> -20 <00 06 00 00>] TJ"), Some(2));
        assert_eq!(
            zero_code_shown(b"<</MCID 3>> BDC <00000001> Tj EMC"),
            Some(0)
        );
        // Strings of other operators are not text; the operator uses its strings up.
        assert_eq!(
            zero_code_shown(b"/Span <</ActualText <FEFF00000041>>> BDC <0005> Tj EMC"),
            None
        );
        assert_eq!(zero_code_shown(b"<0000> gs <0005> Tj"), None);
        // A comment's parenthesis is not a string.
        assert_eq!(zero_code_shown(b"% (\n<0005> Tj"), None);
        assert_eq!(zero_code_shown(b"BT /F1 10 Tf <0001 0002> Tj ET"), None);
    }

    #[test]
    fn krilla_refuses_to_draw_notdef_and_the_layout_check_catches_it_first() {
        use crate::typeset::document::Item;
        let book =
            crate::book::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("book"))
                .unwrap();
        let fonts = crate::typeset::fonts::FontSet::load(&book.fonts).unwrap();
        let mut doc = crate::typeset::page::layout(&book, &fonts).unwrap();
        assert!(layout(&doc).is_ok());
        let run = doc.pages[4]
            .items
            .iter_mut()
            .find_map(|it| match it {
                Item::Glyphs(g) if g.glyphs.len() > 3 => Some(g),
                _ => None,
            })
            .unwrap();
        let mut glyphs = run.glyphs.to_vec();
        glyphs[2].id = 0;
        run.glyphs = glyphs.into();
        let e = layout(&doc).unwrap_err();
        assert!(
            e.to_string().contains("page 5 draws the .notdef glyph"),
            "{e}"
        );
        // krilla's PDF/UA validator also refuses it, so no such PDF is written at all.
        assert!(crate::pdf::render(&book, &fonts, &doc).is_err());
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
