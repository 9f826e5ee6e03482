//! The generated cover: an SVG picture of the title, series and editors whose text is drawn as
//! glyph outlines (`<path>`), so it shows the Chinese on any reader without any font.

use rustybuzz::ttf_parser::{GlyphId, OutlineBuilder};
use rustybuzz::{Face, UnicodeBuffer};

use super::xml;
use crate::book::model::{Book, Kinsoku};
use crate::cjk::Region;
use crate::diag::{Diagnostic, Result};

pub const WIDTH: f32 = 1200.0;
pub const HEIGHT: f32 = 1800.0;
/// Width the title may take.
const TEXT_WIDTH: f32 = 1000.0;
const TITLE_MAX: f32 = 112.0;
const TITLE_MIN: f32 = 60.0;

const BACKGROUND: &str = "#9b1c1c";
const FRAME: &str = "#e8c88a";
const INK: &str = "#fff8ec";

/// SVG path data in user units, from font units scaled and flipped.
struct PathData {
    d: String,
    ox: f32,
    oy: f32,
    scale: f32,
}

impl PathData {
    fn pt(&mut self, x: f32, y: f32) {
        let px = self.ox + x * self.scale;
        let py = self.oy - y * self.scale;
        self.d.push_str(&format!("{} {}", num(px), num(py)));
    }
}

/// A coordinate with one decimal, no `-0`.
fn num(v: f32) -> String {
    let r = (v * 10.0).round() / 10.0;
    let s = format!("{r:.1}");
    let s = s.strip_suffix(".0").unwrap_or(&s).to_string();
    if s == "-0" { "0".into() } else { s }
}

impl OutlineBuilder for PathData {
    fn move_to(&mut self, x: f32, y: f32) {
        self.d.push('M');
        self.pt(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.d.push('L');
        self.pt(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.d.push('Q');
        self.pt(x1, y1);
        self.d.push(' ');
        self.pt(x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.d.push('C');
        self.pt(x1, y1);
        self.d.push(' ');
        self.pt(x2, y2);
        self.d.push(' ');
        self.pt(x, y);
    }
    fn close(&mut self) {
        self.d.push('Z');
    }
}

struct Font<'a> {
    face: Face<'a>,
    upem: f32,
    /// The book's region: shaped in its language, so `locl` gives the forms the PDF has.
    region: Region,
}

impl<'a> Font<'a> {
    fn new(data: &'a [u8], index: u32, region: Region) -> Result<Font<'a>> {
        let face = Face::from_slice(data, index).ok_or_else(|| {
            Diagnostic::error(format!(
                "cannot read the heading font (face {index}) to draw the cover"
            ))
        })?;
        let upem = (face.units_per_em() as f32).max(1.0);
        Ok(Font { face, upem, region })
    }

    fn shape(&self, text: &str) -> rustybuzz::GlyphBuffer {
        let mut buf = UnicodeBuffer::new();
        buf.push_str(text);
        buf.guess_segment_properties();
        if let Ok(lang) = self.region.shaping_language().parse() {
            buf.set_language(lang);
        }
        rustybuzz::shape(&self.face, &[], buf)
    }

    /// Width of `text` at `size`, in user units.
    fn width(&self, text: &str, size: f32) -> f32 {
        let glyphs = self.shape(text);
        let units: i32 = glyphs.glyph_positions().iter().map(|p| p.x_advance).sum();
        units as f32 * size / self.upem
    }

    /// Path data for `text` set at `size` with its baseline starting at (x, y).
    fn draw(&self, text: &str, size: f32, x: f32, y: f32, out: &mut String) -> Result<()> {
        let glyphs = self.shape(text);
        let scale = size / self.upem;
        let mut pen = 0i32;
        for (info, pos) in glyphs.glyph_infos().iter().zip(glyphs.glyph_positions()) {
            if info.glyph_id == 0 {
                let c = text
                    .get(info.cluster as usize..)
                    .and_then(|s| s.chars().next())
                    .unwrap_or('?');
                return Err(Diagnostic::error(format!(
                    "the heading font has no glyph for `{c}` (U+{:04X}), so the cover cannot be drawn",
                    c as u32
                ))
                .hint("choose a heading font that has it, or give your own picture with `cover = \"...\"` in book.toml")
                .into());
            }
            let gid = u16::try_from(info.glyph_id).unwrap_or(0);
            let mut pd = PathData {
                d: String::new(),
                ox: x + (pen + pos.x_offset) as f32 * scale,
                oy: y - pos.y_offset as f32 * scale,
                scale,
            };
            self.face.outline_glyph(GlyphId(gid), &mut pd);
            out.push_str(&pd.d);
            pen += pos.x_advance;
        }
        Ok(())
    }
}

/// Break `text` into lines no wider than `TEXT_WIDTH`, choosing a size between the bounds
/// from its widest space-separated part; the lines are [`crate::cjk::title_lines`], shared
/// with the PDF cover (spaces first, then phrase boundaries, balanced).
fn break_title(font: &Font, text: &str, level: Kinsoku) -> (f32, Vec<String>) {
    let widest = text
        .split_whitespace()
        .map(|p| font.width(p, 1.0))
        .fold(0.0f32, f32::max);
    let size = if widest > 0.0 {
        (TEXT_WIDTH / widest).clamp(TITLE_MIN, TITLE_MAX)
    } else {
        TITLE_MAX
    };
    let lines = crate::cjk::title_lines(text, level, TEXT_WIDTH, size, |t| font.width(t, size));
    (size, lines)
}

/// Draw `text` centred on the page at baseline `y`, optically: the blank half of an opening
/// mark that starts the line or a closing mark or stop that ends it does not count (the ink
/// is centred, as the PDF's line-edge trims do there).
fn centred(font: &Font, text: &str, size: f32, y: f32, out: &mut String) -> Result<()> {
    let w = font.width(text, size);
    let (lead, trail) = crate::cjk::edge_blanks(text, font.region);
    let ink = w - (lead + trail) * size;
    font.draw(text, size, (WIDTH - ink) / 2.0 - lead * size, y, out)
}

/// The cover picture as an SVG document.
pub fn svg(book: &Book, font_data: &[u8], index: u32) -> Result<String> {
    let font = Font::new(font_data, index, Region::of_language(&book.meta.language))?;
    let meta = &book.meta;
    let mut s = String::new();
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\n",
        w = WIDTH,
        h = HEIGHT
    ));
    s.push_str(&format!("<title>{}</title>\n", xml::text(&meta.title)));
    s.push_str(&format!(
        "<rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"{BACKGROUND}\"/>\n"
    ));
    s.push_str(&format!(
        "<rect x=\"60\" y=\"60\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"{FRAME}\" stroke-width=\"4\"/>\n",
        WIDTH - 120.0,
        HEIGHT - 120.0
    ));

    if let Some(series) = meta
        .series
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let mut size = 52.0f32;
        let w = font.width(series, size);
        if w > TEXT_WIDTH {
            size *= TEXT_WIDTH / w;
        }
        let mut d = String::new();
        centred(&font, series, size, 300.0, &mut d)?;
        s.push_str(&format!("<path fill=\"{FRAME}\" d=\"{d}\"/>\n"));
        s.push_str(&format!(
            "<path stroke=\"{FRAME}\" stroke-width=\"3\" d=\"M300 370H900\"/>\n"
        ));
    }

    let (size, lines) = break_title(&font, meta.title.trim(), book.pdf.kinsoku);
    let leading = size * 1.45;
    let block = leading * (lines.len().max(1) as f32 - 1.0);
    let mut y = 820.0 - block / 2.0;
    let mut d = String::new();
    for line in &lines {
        centred(&font, line, size, y, &mut d)?;
        y += leading;
    }
    s.push_str(&format!("<path fill=\"{INK}\" d=\"{d}\"/>\n"));

    let words = crate::words::for_language(&meta.language);
    let people = if !meta.editors.is_empty() {
        Some(words.edited_by(&meta.editors))
    } else if !meta.authors.is_empty() {
        Some(words.written_by(&meta.authors))
    } else {
        None
    };
    if let Some(p) = people {
        let mut size = 44.0f32;
        let w = font.width(&p, size);
        if w > TEXT_WIDTH {
            size *= TEXT_WIDTH / w;
        }
        let mut d = String::new();
        centred(&font, &p, size, 1560.0, &mut d)?;
        s.push_str(&format!("<path fill=\"{FRAME}\" d=\"{d}\"/>\n"));
    }
    s.push_str("</svg>\n");
    Ok(s)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The typesetter's test heading font (bundled Noto Sans CJK SC Bold, else Debian's).
    pub(crate) fn heading_font() -> (Vec<u8>, u32) {
        let file = crate::typeset::fonts::testfont::heading_file();
        match std::fs::read(&file.path) {
            Ok(d) => (d, file.index),
            Err(e) => panic!("test font {}: {e}", file.path.display()),
        }
    }

    #[test]
    fn title_lines_fit_and_keep_every_character() {
        let (data, index) = heading_font();
        let font = Font::new(&data, index, Region::Mainland).unwrap();
        let title = "交流经验 巩固提升党史学习教育成果（上）";
        let (size, lines) = break_title(&font, title, Kinsoku::Gb);
        assert!((TITLE_MIN..=TITLE_MAX).contains(&size));
        assert_eq!(lines, ["交流经验", "巩固提升党史学习教育成果（上）"]);
        for l in &lines {
            assert!(font.width(l, size) <= TEXT_WIDTH + 0.01);
        }
        let long = "很".repeat(40) + "（下）";
        let (size, lines) = break_title(&font, &long, Kinsoku::Gb);
        assert_eq!(size, TITLE_MIN);
        assert!(lines.len() >= 2);
        assert_eq!(lines.concat(), long);
        assert!(
            lines
                .iter()
                .all(|l| !l.starts_with('）') && !l.ends_with('（'))
        );
    }

    #[test]
    fn svg_has_outlines_and_no_text_elements() {
        let (data, index) = heading_font();
        let book = crate::epub::tests::sample_book();
        let svg = svg(&book, &data, index).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert!(doc.descendants().all(|n| n.tag_name().name() != "text"));
        let paths: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("path"))
            .collect();
        assert!(paths.len() >= 3);
        assert!(
            paths
                .iter()
                .any(|p| p.attribute("d").is_some_and(|d| d.len() > 1000))
        );
        assert_eq!(svg, super::svg(&book, &data, index).unwrap());
    }

    #[test]
    fn bad_font_is_an_error() {
        let book = crate::epub::tests::sample_book();
        assert!(svg(&book, b"not a font", 0).is_err());
    }
}
