//! Vertical setting (直排): columns top to bottom, read right to left.
//!
//! The book is laid out in a transposed frame: the page turned a quarter turn, so the "line
//! length" is the type area's height and the "page height" its width. Breaking, prohibitions
//! (line start/end become column top/bottom), compression and make-up all work unchanged on it.
//! Only the finished pages are turned back here: a point (x', y') of the transposed page lands
//! at (page width − y', x'), so line i becomes the column i pitches left of the right edge and
//! the advance along the line runs down the column. Han characters and CJK punctuation are then
//! stood upright one by one in their cells (punctuation in the font's `vert` forms); runs of at
//! most `tcy` digits stand upright side by side in one cell (縱中橫); other Latin text stays
//! turned with the frame, a quarter turn clockwise, as vertical books set it.

use crate::book::model::{Book, Writing};
use crate::cjk;
use crate::typeset::document::{Document, GlyphRun, InColumn, Item, RunGlyph};
use crate::typeset::fonts::{FontId, FontSet};
use std::collections::HashMap;

mod furniture;

/// The book as the transposed frame sees it: the page turned, so the right margin is the top
/// one and the top and bottom margins are the inner and outer ones. Its `writing` stays
/// vertical, for what the frame sets differently because it will be turned (the contents'
/// page numbers).
pub(super) fn transposed(book: &Book) -> Book {
    let mut b = book.clone();
    let p = &mut b.pdf;
    let (w, h) = (p.page_width, p.page_height);
    let (top, bottom, inner, outer) = (
        p.margin_top,
        p.margin_bottom,
        p.margin_inner,
        p.margin_outer,
    );
    p.page_width = h;
    p.page_height = w;
    p.margin_inner = top;
    p.margin_outer = bottom;
    p.margin_top = outer;
    p.margin_bottom = inner;
    b
}

/// Turns a document laid out on the transposed book back onto the upright page.
pub(super) fn into_columns(doc: &mut Document, book: &Book, turned: &Book, fonts: &FontSet) {
    let page_w = book.pdf.page_width;
    doc.width = book.pdf.page_width;
    doc.height = book.pdf.page_height;
    let mut turn = Turn {
        page_w,
        fonts,
        tcy: usize::from(book.pdf.tcy.clamp(2, 4)),
        vert: HashMap::new(),
    };
    let frame = furniture::Frame::new(book, turned);
    let mut corrections = Vec::with_capacity(doc.pages.len());
    for (index, page) in doc.pages.iter_mut().enumerate() {
        let (dx, dy) = frame.correction(index, page);
        let (placed, items): (Vec<Item>, Vec<Item>) = std::mem::take(&mut page.items)
            .into_iter()
            .partition(furniture::is_furniture);
        for it in items {
            turn.item(it, &mut page.items);
        }
        page.items.iter_mut().for_each(|it| it.translate(dx, dy));
        corrections.push((dx, dy));
        turn.furniture(&frame, index, placed, page);
    }
    for d in &mut doc.destinations {
        let (dx, dy) = corrections.get(d.page).copied().unwrap_or_default();
        (d.x, d.y) = (page_w - d.y + dx, d.x + dy);
    }
    // Outline entries keep their page; their y (a line's top) becomes the page top.
    fn top(entries: &mut [crate::typeset::document::OutlineEntry]) {
        for e in entries {
            e.y = 0.0;
            top(&mut e.children);
        }
    }
    top(&mut doc.outline);
}

/// The widest a number set side by side in one cell (縱中橫) may be, in ems: two of the
/// font's digits (about 0.55 em each) stay as they are.
const COMBINED_WIDTH: f32 = 1.1;

struct Turn<'a> {
    page_w: f32,
    fonts: &'a FontSet,
    tcy: usize,
    /// The `vert` form of a character in a face, looked up once.
    vert: HashMap<(FontId, char), Option<u16>>,
}

/// How a stretch of a run's glyphs goes down the column.
#[derive(PartialEq, Clone, Copy)]
enum Stand {
    /// Upright in its own cell (Han, kana, CJK punctuation).
    Upright,
    /// A short number side by side in one cell (縱中橫).
    Combined,
    /// Turned a quarter clockwise with the frame (Latin words, long numbers).
    Turned,
}

impl Turn<'_> {
    fn point(&self, x: f32, y: f32) -> (f32, f32) {
        (self.page_w - y, x)
    }

    /// A box (x, y, width, height) of the transposed page, turned onto the upright one.
    fn turn_box(&self, x: f32, y: f32, width: f32, height: f32) -> (f32, f32, f32, f32) {
        (self.page_w - y - height, x, height, width)
    }

    fn item(&mut self, it: Item, out: &mut Vec<Item>) {
        match it {
            Item::Glyphs(g) => self.run(g, out),
            Item::Line(mut l) => {
                (l.x0, l.y0) = self.point(l.x0, l.y0);
                (l.x1, l.y1) = self.point(l.x1, l.y1);
                out.push(Item::Line(l));
            }
            Item::Dot(mut d) => {
                (d.cx, d.cy) = self.point(d.cx, d.cy);
                out.push(Item::Dot(d));
            }
            Item::Rect(mut r) => {
                (r.x, r.y, r.width, r.height) = self.turn_box(r.x, r.y, r.width, r.height);
                out.push(Item::Rect(r));
            }
            Item::Link(mut r) => {
                (r.x, r.y, r.width, r.height) = self.turn_box(r.x, r.y, r.width, r.height);
                out.push(Item::Link(r));
            }
            Item::Image(mut im) => {
                // The frame laid the picture out turned (figures::picture_box, the cover
                // picture on the turned page): the turned box is the upright picture's.
                (im.x, im.y, im.width, im.height) = self.turn_box(im.x, im.y, im.width, im.height);
                out.push(Item::Image(im));
            }
        }
    }

    /// Splits a run into stretches that stand alike and places each.
    fn run(&mut self, g: GlyphRun, out: &mut Vec<Item>) {
        let stands: Vec<Stand> = g.glyphs.iter().map(|gl| stand_of(&g, gl)).collect();
        let mut pen = g.x;
        let mut k = 0;
        while k < g.glyphs.len() {
            let mut end = k + 1;
            while end < g.glyphs.len() && stands[end] == stands[k] {
                end += 1;
            }
            let mut stand = stands[k];
            if stand == Stand::Combined && digits(&g, k..end) > self.tcy {
                stand = Stand::Turned;
            }
            let advance: f32 = g.glyphs[k..end].iter().map(|gl| gl.advance).sum();
            let placed = match stand {
                Stand::Upright => self.upright(&g, k..end, pen),
                Stand::Combined => self.combined(&g, k..end, pen, advance),
                Stand::Turned => self.turned(&g, k..end, pen),
            };
            out.push(Item::Glyphs(placed));
            pen += advance;
            k = end;
        }
    }

    /// Centre of the column a line's baseline `y` lies on, and the em box top above it.
    fn column(&self, g: &GlyphRun) -> (f32, f32) {
        let em_top = self.fonts.em_box_top(g.font).at(g.size);
        let centre = g.y - em_top + g.size / 2.0;
        (self.page_w - centre, em_top)
    }

    /// Glyphs `r` upright down the column, one cell each, the first starting `pen` down it:
    /// one run set `down`, so a column's stretch is one text object in the PDF.
    fn upright(&mut self, g: &GlyphRun, r: std::ops::Range<usize>, pen: f32) -> GlyphRun {
        let (cx, em_top) = self.column(g);
        let mut run = self.slice(g, r);
        let text = run.text.clone();
        let mut glyphs = Vec::with_capacity(run.glyphs.len());
        for gl in &run.glyphs {
            self.stand_up(g.font, gl, &text, &mut glyphs);
        }
        run.glyphs = glyphs.into();
        run.x = cx - g.size / 2.0;
        run.y = pen + em_top;
        run.column = InColumn::Down;
        run
    }

    /// A glyph of a column's stretch, in its vertical form if the font has one. A glyph that
    /// stands for several marks (the font's two-em dash for `——`) becomes one vertical form
    /// per mark, each its share of the advance: the vertical forms have no such ligature.
    fn stand_up(&mut self, font: FontId, gl: &RunGlyph, text: &str, out: &mut Vec<RunGlyph>) {
        let range = gl.text_range();
        let marks: Vec<(usize, char)> = text[range.clone()]
            .char_indices()
            .map(|(i, c)| (range.start + i, c))
            .collect();
        let forms: Option<Vec<u16>> = marks
            .iter()
            .map(|&(_, c)| {
                (!cjk::is_ideograph(c))
                    .then(|| self.vert_form(font, c))
                    .flatten()
            })
            .collect();
        // The shaper's horizontal offset (a compressed bracket's shift) moves the glyph along
        // the column.
        match forms {
            Some(ids) if ids.len() > 1 => {
                let share = gl.advance / ids.len() as f32;
                for (k, (&(at, c), id)) in marks.iter().zip(ids).enumerate() {
                    let offset = if k == 0 { gl.x_offset } else { 0.0 };
                    out.push(RunGlyph::new(id, share, offset, at..at + c.len_utf8()));
                }
            }
            Some(ids) if ids.len() == 1 => {
                out.push(RunGlyph::new(ids[0], gl.advance, gl.x_offset, range));
            }
            _ => out.push(RunGlyph::new(gl.id, gl.advance, gl.x_offset, range)),
        }
    }

    /// A short number side by side in one cell, centred across the column in the space it took.
    fn combined(
        &self,
        g: &GlyphRun,
        r: std::ops::Range<usize>,
        pen: f32,
        advance: f32,
    ) -> GlyphRun {
        let (cx, em_top) = self.column(g);
        let mut run = self.slice(g, r);
        // Wider than the column's em (three or four digits), the number is narrowed to it:
        // left as it is, it would reach halfway into the gap between the columns.
        let squeeze = (g.size * COMBINED_WIDTH / advance).min(1.0);
        let wide = advance * squeeze;
        run.x = cx - wide / 2.0;
        let cell = advance.max(g.size);
        run.y = pen + (advance - cell) / 2.0 + em_top;
        if squeeze < 1.0 {
            run.column = InColumn::Squeezed(squeeze);
        }
        run
    }

    /// Latin turned with the frame: the run's origin is the frame's point, drawn turned.
    fn turned(&self, g: &GlyphRun, r: std::ops::Range<usize>, pen: f32) -> GlyphRun {
        let mut run = self.slice(g, r);
        (run.x, run.y) = self.point(pen, g.y);
        run.column = InColumn::Turned;
        run
    }

    /// Glyphs `r` of `g` as a run of their own with their own text.
    fn slice(&self, g: &GlyphRun, r: std::ops::Range<usize>) -> GlyphRun {
        let gls = &g.glyphs[r];
        let start = gls
            .iter()
            .map(|gl| gl.text_range().start)
            .min()
            .unwrap_or(0);
        let end = gls.iter().map(|gl| gl.text_range().end).max().unwrap_or(0);
        let text = g.text.get(start..end).unwrap_or("");
        let glyphs: Vec<RunGlyph> = gls
            .iter()
            .map(|gl| {
                let t = gl.text_range();
                RunGlyph::new(
                    gl.id,
                    gl.advance,
                    gl.x_offset,
                    t.start - start..t.end - start,
                )
            })
            .collect();
        single(g, &glyphs, text)
    }

    fn vert_form(&mut self, font: FontId, c: char) -> Option<u16> {
        if let Some(v) = self.vert.get(&(font, c)) {
            return *v;
        }
        let v = vert_glyph(self.fonts, font, c);
        self.vert.insert((font, c), v);
        v
    }
}

/// A run like `g` with other glyphs and text.
fn single(g: &GlyphRun, glyphs: &[RunGlyph], text: &str) -> GlyphRun {
    GlyphRun {
        glyphs: glyphs.to_vec().into(),
        text: text.into(),
        column: InColumn::Across,
        ..g.clone()
    }
}

fn stand_of(g: &GlyphRun, gl: &RunGlyph) -> Stand {
    let c = g.text[gl.text_range()].chars().next().unwrap_or(' ');
    if c.is_ascii_digit() {
        Stand::Combined
    } else if cjk::is_wide(c)
        || cjk::is_chinese(c)
        || matches!(c, '—' | '…' | '“' | '”' | '‘' | '’')
    {
        Stand::Upright
    } else {
        Stand::Turned
    }
}

fn digits(g: &GlyphRun, r: std::ops::Range<usize>) -> usize {
    g.glyphs[r]
        .iter()
        .map(|gl| g.text[gl.text_range()].chars().count())
        .sum()
}

/// The glyph the face's `vert` (and `vrt2`) feature gives a character, if it changes it.
///
/// Shaped as Han in the language of the character's region (the punctuation's for stops, the
/// text's for the rest, as the horizontal text is): Noto CJK and Source Han keep one set of
/// vertical stops per region behind `locl`, centred in the cell for Taiwan and Hong Kong, in
/// its upper right for the mainland, as clreq sets them; shaped without a language a zh-Hant
/// book got the mainland's, and the em dash (proportional until `locl`) no vertical form.
fn vert_glyph(fonts: &FontSet, font: FontId, c: char) -> Option<u16> {
    let loaded = fonts.face(font);
    let face = &loaded.face;
    let plain = face.glyph_index(c)?.0;
    let stop = cjk::classify(c, None, None) == cjk::Class::Stop;
    let lang = if stop {
        loaded.punct_lang.as_ref()
    } else {
        loaded.lang.as_ref()
    };
    let mut buf = rustybuzz::UnicodeBuffer::new();
    buf.push_str(c.encode_utf8(&mut [0; 4]));
    buf.set_direction(rustybuzz::Direction::TopToBottom);
    buf.set_script(rustybuzz::script::HAN);
    if let Some(l) = lang {
        buf.set_language(l.clone());
    }
    let features = [
        rustybuzz::Feature::new(rustybuzz::ttf_parser::Tag::from_bytes(b"vert"), 1, ..),
        rustybuzz::Feature::new(rustybuzz::ttf_parser::Tag::from_bytes(b"vrt2"), 1, ..),
    ];
    let out = rustybuzz::shape(face, &features, buf);
    let id = out.glyph_infos().first()?.glyph_id as u16;
    if id != plain && id != 0 {
        return Some(id);
    }
    // A font without `vert` forms for the character: its glyph for Unicode's vertical
    // presentation form (︐︒﹁﹂︵︶︱︙ …), drawn in its place; the text the glyph stands
    // for stays the source's character.
    let form = vertical_presentation_form(c)?;
    let id = face.glyph_index(form)?.0;
    (id != plain && id != 0).then_some(id)
}

/// Unicode's vertical presentation form (U+FE10–FE19, U+FE30–FE48) of a CJK punctuation mark.
fn vertical_presentation_form(c: char) -> Option<char> {
    Some(match c {
        '，' => '︐',
        '、' => '︑',
        '。' => '︒',
        '：' => '︓',
        '；' => '︔',
        '！' => '︕',
        '？' => '︖',
        '〖' => '︗',
        '〗' => '︘',
        '…' => '︙',
        '—' => '︱',
        '–' => '︲',
        '（' => '︵',
        '）' => '︶',
        '｛' => '︷',
        '｝' => '︸',
        '〔' => '︹',
        '〕' => '︺',
        '【' => '︻',
        '】' => '︼',
        '《' => '︽',
        '》' => '︾',
        '〈' => '︿',
        '〉' => '﹀',
        '「' => '﹁',
        '」' => '﹂',
        '『' => '﹃',
        '』' => '﹄',
        '［' => '﹇',
        '］' => '﹈',
        _ => return None,
    })
}

/// Whether the book's PDF is set in columns.
pub(super) fn is_vertical(book: &Book) -> bool {
    book.pdf.writing == Writing::Vertical
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_and_stops_take_vertical_forms() {
        let fonts = FontSet::load(&crate::typeset::fonts::testfont::settings()).unwrap();
        let body = fonts.body();
        let plain = |c| fonts.face(body).face.glyph_index(c).unwrap().0;
        for c in ['「', '」', '『', '』', '，', '。', '：', '（', '—', '…'] {
            let v = vert_glyph(&fonts, body, c).unwrap_or_else(|| panic!("no vertical {c}"));
            assert_ne!(v, plain(c), "{c}");
        }
        assert_eq!(vert_glyph(&fonts, body, '學'), None);
    }

    /// Where the ink of a character's vertical form sits: its centre as a share of the em box
    /// across (0 left, 1 right) and down (0 top, 1 bottom).
    fn ink_centre(language: &str, c: char) -> (f32, f32) {
        let settings = crate::typeset::fonts::testfont::settings();
        let (fonts, _) = FontSet::load_localized(&settings, language, None).unwrap();
        let body = fonts.body();
        let id = vert_glyph(&fonts, body, c).unwrap_or_else(|| panic!("no vertical {c}"));
        let face = &fonts.face(body).face;
        let b = face
            .glyph_bounding_box(rustybuzz::ttf_parser::GlyphId(id))
            .unwrap();
        let upem = face.units_per_em() as f32;
        let top = fonts.em_box_top(body).0;
        let x = f32::from(b.x_min + b.x_max) / 2.0 / upem;
        let y = top - f32::from(b.y_min + b.y_max) / 2.0 / upem;
        (x, y)
    }

    #[test]
    fn stops_sit_centred_for_taiwan_and_upper_right_for_the_mainland() {
        for c in ['，', '。', '、'] {
            let (x, y) = ink_centre("zh-Hant", c);
            assert!(
                (x - 0.5).abs() < 0.1 && (y - 0.5).abs() < 0.1,
                "{c} zh-Hant ({x}, {y})"
            );
            let (x, y) = ink_centre("zh-HK", c);
            assert!(
                (x - 0.5).abs() < 0.1 && (y - 0.5).abs() < 0.1,
                "{c} zh-HK ({x}, {y})"
            );
            let (x, y) = ink_centre("zh-Hans", c);
            assert!(x > 0.7 && y < 0.3, "{c} zh-Hans ({x}, {y})");
        }
    }

    #[test]
    fn the_em_dash_takes_the_fonts_vertical_bar_in_either_region() {
        for lang in ["zh-Hant", "zh-Hans"] {
            let (x, y) = ink_centre(lang, '—');
            assert!(
                (x - 0.5).abs() < 0.05 && (y - 0.5).abs() < 0.1,
                "{lang} ({x}, {y})"
            );
        }
    }
}
