//! Itemising a paragraph by font coverage and script, and shaping each item with rustybuzz
//! (script Hani + language zh-Hans for CJK text so that `locl` fires).

use crate::diag::{Diagnostic, Result};
use crate::typeset::cjk::{self, Class};
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

use crate::typeset::cjk::is_ignorable;

fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F | 0x3099..=0x309A)
}

struct Item {
    start: usize,
    end: usize,
    run: usize,
    font: FontId,
    script: ShapeScript,
    /// A word in a right-to-left script (Hebrew, Arabic): shaped right to left and kept as one
    /// cluster, so that its glyphs are drawn in visual order.
    rtl: bool,
}

/// Letters of the right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko …).
fn is_rtl(c: char) -> bool {
    matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF | 0x1E800..=0x1EFFF)
}

/// Splits items holding right-to-left letters into words and the spaces between them; each
/// word with such a letter is marked `rtl`. (Words keep their left-to-right order: a phrase of
/// several Hebrew words is not reordered.)
fn split_rtl(items: Vec<Item>, text: &str) -> Vec<Item> {
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
                    out.push(Item {
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
/// their classes; `run_of[i]` the run of character `i`.
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
    let mut items: Vec<Item> = Vec::new();
    let mut ci = 0usize; // char index
    let mut byte = 0usize;
    let mut char_starts: Vec<u32> = Vec::with_capacity(chars.len() + 1);
    for (r, run) in runs.iter().enumerate() {
        let mut cur: Option<Item> = None;
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
                let font = if is_ignorable(c) {
                    Some(run.font)
                } else if c.is_whitespace() {
                    // A space no face has is set as U+0020 of the run's face (see below).
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
                let script = if cjk::shapes_as_latin(c, class) {
                    ShapeScript::Latin
                } else {
                    ShapeScript::Han
                };
                Some((font, script))
            };
            match (key, cur.as_mut()) {
                (Some((f, s)), Some(it)) if it.font == f && it.script == s => it.end = byte + len,
                (k, _) => {
                    if let Some(it) = cur.take() {
                        items.push(it);
                    }
                    match k {
                        Some((font, script)) => {
                            cur = Some(Item {
                                start: byte,
                                end: byte + len,
                                run: r,
                                font,
                                script,
                                rtl: false,
                            })
                        }
                        None => {
                            // A forced break: a cluster of its own without glyphs.
                            items.push(Item {
                                start: byte,
                                end: byte + len,
                                run: r,
                                font: run.font,
                                script: ShapeScript::Latin,
                                rtl: false,
                            });
                        }
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
    let items = split_rtl(items, text);

    let mut buf = UnicodeBuffer::new();
    for it in &items {
        let run = &runs[it.run];
        let piece = &text[it.start..it.end];
        let first_char = char_index(&char_starts, it.start as u32);
        if classes.get(first_char) == Some(&Class::Newline) {
            shaped.clusters.push(Cluster {
                start: it.start as u32,
                end: it.end as u32,
                ch: first_char as u32,
                g0: shaped.glyphs.len() as u32,
                g1: shaped.glyphs.len() as u32,
                run: it.run as u32,
                font: it.font,
                size: run.size,
                rise: run.rise,
                class: Class::Newline,
            });
            continue;
        }
        let face = fonts.face(it.font);
        if it.rtl {
            // One cluster for the word, its glyphs in the visual (right-to-left) order the
            // shaper gives; rare text, so no cached plan.
            buf.push_str(piece);
            buf.set_direction(Direction::RightToLeft);
            buf.guess_segment_properties();
            let out = rustybuzz::shape(&face.face, &[], buf);
            let scale = run.size / face.upem;
            let g0 = shaped.glyphs.len() as u32;
            for (info, pos) in out.glyph_infos().iter().zip(out.glyph_positions()) {
                shaped.glyphs.push(Glyph {
                    id: info.glyph_id as u16,
                    adv: pos.x_advance as f32 * scale,
                    dx: pos.x_offset as f32 * scale,
                    dy: pos.y_offset as f32 * scale + run.rise,
                });
            }
            shaped.clusters.push(Cluster {
                start: it.start as u32,
                end: it.end as u32,
                ch: first_char as u32,
                g0,
                g1: shaped.glyphs.len() as u32,
                run: it.run as u32,
                font: it.font,
                size: run.size,
                rise: run.rise,
                class: classes.get(first_char).copied().unwrap_or(Class::Other),
            });
            buf = out.clear();
            continue;
        }
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
        if it.script == ShapeScript::Han
            && let Some(l) = &face.lang
        {
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
                shaped.glyphs.push(Glyph {
                    id: infos[h].glyph_id as u16,
                    adv: pos[h].x_advance as f32 * scale,
                    dx: pos[h].x_offset as f32 * scale,
                    dy: pos[h].y_offset as f32 * scale + run.rise,
                });
                h += 1;
            }
            let next = infos.get(h).map_or(piece.len() as u32, |i| i.cluster);
            let start = it.start as u32 + cl;
            let ch = char_index(&char_starts, start);
            // Clusters are monotone left to right; if a shaper ever reorders, still end on a
            // character boundary.
            let next_char = char_starts.get(ch + 1).copied().unwrap_or(it.end as u32);
            let end = (it.start as u32 + next).max(next_char);
            shaped.clusters.push(Cluster {
                start,
                end: end.min(it.end as u32),
                ch: ch as u32,
                g0: g_start,
                g1: shaped.glyphs.len() as u32,
                run: it.run as u32,
                font: it.font,
                size: run.size,
                rise: run.rise,
                class: classes.get(ch).copied().unwrap_or(Class::Other),
            });
            g = h;
        }
        buf = out.clear();
    }
    Ok(shaped)
}

fn char_index(char_starts: &[u32], byte: u32) -> usize {
    char_starts.partition_point(|&b| b < byte)
}
