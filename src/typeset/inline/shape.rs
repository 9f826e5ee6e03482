//! Itemising a paragraph by font coverage and script, and shaping each item with rustybuzz
//! (script Hani and the language of the book's region for CJK text, so that `locl` gives the
//! region's forms: ZHS, ZHT or ZHH; the stops in the punctuation's region where
//! `[pdf] punctuation` differs, docs/typesetting.md §3).

use crate::cjk::{self, Class};
use crate::diag::{Diagnostic, Result};
use crate::typeset::fonts::{FontId, FontSet, ShapeScript};
use rustybuzz::{Direction, UnicodeBuffer};

/// One stretch of text in one style. The caller keeps whatever else it needs (links, emphasis
/// dots, superscript) keyed by the run's index.
#[derive(Debug, Clone)]
pub struct StyledRun {
    pub text: String,
    /// The primary face; characters it lacks go to the fallback faces.
    pub font: FontId,
    /// Size in points.
    pub size: f32,
    /// Baseline shift in points (positive = up), e.g. for footnote markers.
    pub rise: f32,
}

/// One shaped glyph, in points.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Glyph {
    pub id: u16,
    pub adv: f32,
    pub dx: f32,
    pub dy: f32,
}

/// The smallest unit of layout: the glyphs of one shaping cluster (one character, or a ligature
/// such as `——`).
#[derive(Debug, Clone)]
pub(crate) struct Cluster {
    /// Byte range in the paragraph text.
    pub start: u32,
    pub end: u32,
    /// Index of its first character.
    pub ch: u32,
    /// Glyph range in [`Shaped::glyphs`].
    pub g0: u32,
    pub g1: u32,
    pub run: u32,
    pub font: FontId,
    pub size: f32,
    pub rise: f32,
    pub class: Class,
}

#[derive(Debug, Default)]
pub(crate) struct Shaped {
    pub clusters: Vec<Cluster>,
    pub glyphs: Vec<Glyph>,
}

use crate::cjk::is_ignorable;

fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F | 0x3099..=0x309A)
}

/// A stretch of one run set in one face and one script (the unit handed to the shaper).
#[derive(Debug, Clone, Copy)]
struct ShapeItem {
    start: usize,
    end: usize,
    run: usize,
    font: FontId,
    script: ShapeScript,
    /// A word in a right-to-left script (Hebrew, Arabic): shaped right to left and kept as one
    /// cluster, so that its glyphs are drawn in visual order.
    rtl: bool,
}

impl ShapeItem {
    /// The whole item as a cluster starting at character `ch`, with glyphs `glyphs`.
    fn cluster(
        &self,
        run: &StyledRun,
        ch: usize,
        glyphs: std::ops::Range<u32>,
        class: Class,
    ) -> Cluster {
        Cluster {
            start: self.start as u32,
            end: self.end as u32,
            ch: ch as u32,
            g0: glyphs.start,
            g1: glyphs.end,
            run: self.run as u32,
            font: self.font,
            size: run.size,
            rise: run.rise,
            class,
        }
    }
}

impl Glyph {
    fn new(
        info: &rustybuzz::GlyphInfo,
        pos: &rustybuzz::GlyphPosition,
        scale: f32,
        rise: f32,
    ) -> Self {
        Glyph {
            id: info.glyph_id as u16,
            adv: pos.x_advance as f32 * scale,
            dx: pos.x_offset as f32 * scale,
            dy: pos.y_offset as f32 * scale + rise,
        }
    }
}

/// Letters of the right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko …).
fn is_rtl(c: char) -> bool {
    matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF | 0x1E800..=0x1EFFF)
}

/// Splits items holding right-to-left letters into words and the spaces between them; each
/// word with such a letter is marked `rtl`. (Words keep their left-to-right order: a phrase of
/// several Hebrew words is not reordered.)
fn split_rtl(items: Vec<ShapeItem>, text: &str) -> Vec<ShapeItem> {
    let mut out = Vec::with_capacity(items.len());
    for it in items {
        let piece = &text[it.start..it.end];
        if !piece.chars().any(is_rtl) {
            out.push(it);
            continue;
        }
        let mut start = 0;
        let mut space = None;
        for (i, c) in piece
            .char_indices()
            .chain(std::iter::once((piece.len(), ' ')))
        {
            let sp = c.is_whitespace() || i == piece.len();
            if space.is_some_and(|s| s != sp) || i == piece.len() {
                if i > start {
                    out.push(ShapeItem {
                        start: it.start + start,
                        end: it.start + i,
                        rtl: piece[start..i].chars().any(is_rtl),
                        ..it
                    });
                }
                start = i;
            }
            space = Some(sp);
        }
    }
    out
}

/// Shapes the paragraph `text` (the runs concatenated). `chars`/`classes` are its characters and
/// their classes.
pub(crate) fn shape_paragraph(
    fonts: &FontSet,
    runs: &[StyledRun],
    text: &str,
    chars: &[char],
    classes: &[Class],
) -> Result<Shaped> {
    let mut shaped = Shaped {
        clusters: Vec::with_capacity(chars.len()),
        glyphs: Vec::with_capacity(chars.len()),
    };
    let (items, char_starts) = itemize(fonts, runs, classes)?;
    let items = split_rtl(items, text);
    let mut buf = UnicodeBuffer::new();
    for it in &items {
        let first_char = char_index(&char_starts, it.start as u32);
        let class = classes.get(first_char).copied().unwrap_or(Class::Other);
        if class == Class::Newline {
            // A forced break: a cluster of its own without glyphs.
            let at = shaped.glyphs.len() as u32;
            shaped
                .clusters
                .push(it.cluster(&runs[it.run], first_char, at..at, class));
            continue;
        }
        buf = if it.rtl {
            shape_rtl(
                fonts,
                &runs[it.run],
                text,
                it,
                first_char,
                class,
                buf,
                &mut shaped,
            )
        } else {
            shape_ltr(
                fonts,
                &runs[it.run],
                text,
                it,
                &char_starts,
                classes,
                buf,
                &mut shaped,
            )
        };
    }
    Ok(shaped)
}

/// Splits the runs into items of one run, one face and one script. Returns the items and the
/// byte offset of every character (and of the end).
fn itemize(
    fonts: &FontSet,
    runs: &[StyledRun],
    classes: &[Class],
) -> Result<(Vec<ShapeItem>, Vec<u32>)> {
    let mut items: Vec<ShapeItem> = Vec::new();
    let mut ci = 0usize; // char index
    let mut byte = 0usize;
    let mut char_starts: Vec<u32> = Vec::with_capacity(classes.len() + 1);
    for (r, run) in runs.iter().enumerate() {
        let mut cur: Option<ShapeItem> = None;
        for c in run.text.chars() {
            let class = classes[ci];
            let len = c.len_utf8();
            char_starts.push(byte as u32);
            let keep_current = class == Class::Space || is_ignorable(c) || is_mark(c);
            let key = if class == Class::Newline {
                None
            } else if keep_current && cur.is_some() {
                cur.as_ref().map(|it| (it.font, it.script))
            } else {
                Some(face_and_script(fonts, run, c, class)?)
            };
            match (key, cur.as_mut()) {
                (Some((f, s)), Some(it)) if it.font == f && it.script == s => it.end = byte + len,
                (k, _) => {
                    if let Some(it) = cur.take() {
                        items.push(it);
                    }
                    let (font, script) = k.unwrap_or((run.font, ShapeScript::Latin));
                    let item = ShapeItem {
                        start: byte,
                        end: byte + len,
                        run: r,
                        font,
                        script,
                        rtl: false,
                    };
                    if k.is_some() {
                        cur = Some(item);
                    } else {
                        // A forced break: an item of its own.
                        items.push(item);
                    }
                }
            }
            byte += len;
            ci += 1;
        }
        if let Some(it) = cur.take() {
            items.push(it);
        }
    }
    char_starts.push(byte as u32);
    Ok((items, char_starts))
}

/// The face that sets `c` (the run's, else a fallback) and the script it is shaped in.
fn face_and_script(
    fonts: &FontSet,
    run: &StyledRun,
    c: char,
    class: Class,
) -> Result<(FontId, ShapeScript)> {
    let font = if is_ignorable(c) {
        Some(run.font)
    } else if c.is_whitespace() {
        // A space no face has is set as U+0020 of the run's face (see `shape_ltr`).
        Some(fonts.resolve(run.font, c).unwrap_or(run.font))
    } else {
        fonts.resolve(run.font, c)
    };
    let Some(font) = font else {
        return Err(Diagnostic::error(format!(
            "no configured font has a glyph for U+{:04X} ‘{}’",
            c as u32, c
        ))
        .hint("add a font that covers it as a fallback in book.toml, or replace the character")
        .into());
    };
    let locale = fonts.locale();
    let script = if cjk::shapes_as_latin(c, class) {
        ShapeScript::Latin
    } else if class == Class::Stop && locale.punct != locale.text {
        ShapeScript::HanPunct
    } else {
        ShapeScript::Han
    };
    Ok((font, script))
}

/// Shapes a right-to-left word as one cluster, its glyphs in the visual (right-to-left) order
/// the shaper gives; rare text, so no cached plan.
#[allow(clippy::too_many_arguments)]
fn shape_rtl(
    fonts: &FontSet,
    run: &StyledRun,
    text: &str,
    it: &ShapeItem,
    first_char: usize,
    class: Class,
    mut buf: UnicodeBuffer,
    shaped: &mut Shaped,
) -> UnicodeBuffer {
    let face = fonts.face(it.font);
    buf.push_str(&text[it.start..it.end]);
    buf.set_direction(Direction::RightToLeft);
    buf.guess_segment_properties();
    let out = rustybuzz::shape(&face.face, &[], buf);
    let scale = run.size / face.upem;
    let g0 = shaped.glyphs.len() as u32;
    for (info, pos) in out.glyph_infos().iter().zip(out.glyph_positions()) {
        shaped.glyphs.push(Glyph::new(info, pos, scale, run.rise));
    }
    let g1 = shaped.glyphs.len() as u32;
    shaped
        .clusters
        .push(it.cluster(run, first_char, g0..g1, class));
    out.clear()
}

/// Shapes a left-to-right item with the face's cached plan, one cluster per shaper cluster.
#[allow(clippy::too_many_arguments)]
fn shape_ltr(
    fonts: &FontSet,
    run: &StyledRun,
    text: &str,
    it: &ShapeItem,
    char_starts: &[u32],
    classes: &[Class],
    mut buf: UnicodeBuffer,
    shaped: &mut Shaped,
) -> UnicodeBuffer {
    let face = fonts.face(it.font);
    let piece = &text[it.start..it.end];
    for (i, c) in piece.char_indices() {
        // A space the face lacks (thin space, tab, ideographic space) is shaped as U+0020: its
        // advance is set by the layout anyway, and it must not become .notdef.
        let c = if c.is_whitespace() && !face.has_glyph(c) {
            ' '
        } else {
            c
        };
        buf.add(c, i as u32);
    }
    buf.set_direction(Direction::LeftToRight);
    buf.set_script(it.script.script());
    let lang = match it.script {
        ShapeScript::Han => face.lang.as_ref(),
        ShapeScript::HanPunct => face.punct_lang.as_ref(),
        ShapeScript::Latin => None,
    };
    if let Some(l) = lang {
        buf.set_language(l.clone());
    }
    let out = rustybuzz::shape_with_plan(&face.face, face.plan(it.script), buf);
    let scale = run.size / face.upem;
    let infos = out.glyph_infos();
    let pos = out.glyph_positions();
    let mut g = 0usize;
    while g < infos.len() {
        let cl = infos[g].cluster;
        let g_start = shaped.glyphs.len() as u32;
        let mut h = g;
        while h < infos.len() && infos[h].cluster == cl {
            shaped
                .glyphs
                .push(Glyph::new(&infos[h], &pos[h], scale, run.rise));
            h += 1;
        }
        let next = infos.get(h).map_or(piece.len() as u32, |i| i.cluster);
        let start = it.start as u32 + cl;
        let ch = char_index(char_starts, start);
        // Clusters are monotone left to right; if a shaper ever reorders, still end on a
        // character boundary.
        let next_char = char_starts.get(ch + 1).copied().unwrap_or(it.end as u32);
        let end = (it.start as u32 + next).max(next_char);
        let class = classes.get(ch).copied().unwrap_or(Class::Other);
        let mut cluster = it.cluster(run, ch, g_start..shaped.glyphs.len() as u32, class);
        cluster.start = start;
        cluster.end = end.min(it.end as u32);
        shaped.clusters.push(cluster);
        g = h;
    }
    out.clear()
}

fn char_index(char_starts: &[u32], byte: u32) -> usize {
    char_starts.partition_point(|&b| b < byte)
}
