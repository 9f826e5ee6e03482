//! How much blank each full-width punctuation glyph of a face has on either side, in font units.

use super::han_plan;
use crate::cjk::{self, Side};
use rustybuzz::ttf_parser;
use rustybuzz::{Direction, Feature, Language, ShapePlan, UnicodeBuffer};
use std::collections::HashMap;

/// Half-width metrics of one full-width punctuation glyph, in font units: how much blank the
/// glyph has on each side of its ink that may be removed (from the font's `halt` feature where it
/// has one, else from the ink bounding box).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PunctMetrics {
    pub side: Side,
    pub blank_left: f32,
    pub blank_right: f32,
}

/// Shapes each CJK punctuation mark alone in `lang`, with and without `halt`, and records in
/// `found` (by glyph id) how much blank each side of the glyph has (a centred Taiwan comma: ¼
/// em each side). Returns whether the face's `halt` feature gave any of them.
pub(super) fn probe(
    face: &rustybuzz::Face,
    upem: f32,
    lang: Option<&Language>,
    found: &mut HashMap<u16, PunctMetrics>,
) -> bool {
    let mut has_halt = false;
    let halt = Feature::new(ttf_parser::Tag::from_bytes(b"halt"), 1, ..);
    let plan = han_plan(face, lang, &[]);
    let plan_halt = han_plan(face, lang, &[halt]);
    let mut buf = UnicodeBuffer::new();
    for &c in cjk::PROBED_PUNCT {
        if face.glyph_index(c).is_none() {
            continue;
        }
        let (g, adv, _) = shape_one(face, &plan, buf_with(&mut buf, c, lang));
        let (g2, hadv, hoff) = shape_one(face, &plan_halt, buf_with(&mut buf, c, lang));
        // Only full-width glyphs have blank to trim.
        if g != g2 || adv < 0.9 * upem || adv > 1.1 * upem {
            continue;
        }
        let half = adv - hadv;
        let m = if half > 1.0 {
            has_halt = true;
            let left = (-hoff).clamp(0.0, half);
            let right = half - left;
            let side = if left > 0.0 && right > 0.0 {
                Side::Centre
            } else if left > 0.0 {
                Side::Right
            } else {
                Side::Left
            };
            PunctMetrics {
                side,
                blank_left: left,
                blank_right: right,
            }
        } else {
            let ink = face
                .glyph_bounding_box(ttf_parser::GlyphId(g))
                .map(|r| (f32::from(r.x_min), f32::from(r.x_max)));
            let side = match ink {
                Some((l, r)) => cjk::side_from_ink(l, r, adv),
                None => cjk::static_side(c),
            };
            let m = cjk::blanks_for_side(side, adv);
            PunctMetrics {
                side,
                blank_left: m.0,
                blank_right: m.1,
            }
        };
        if m.side != Side::None {
            found.insert(g, m);
        }
    }
    has_halt
}

fn buf_with<'b>(
    buf: &'b mut UnicodeBuffer,
    c: char,
    lang: Option<&Language>,
) -> &'b mut UnicodeBuffer {
    buf.clear();
    buf.add(c, 0);
    buf.set_direction(Direction::LeftToRight);
    buf.set_script(rustybuzz::script::HAN);
    if let Some(l) = lang {
        buf.set_language(l.clone());
    }
    buf
}

/// Shapes a one-character buffer: (glyph id, advance, x offset) of its first glyph.
fn shape_one(face: &rustybuzz::Face, plan: &ShapePlan, buf: &mut UnicodeBuffer) -> (u16, f32, f32) {
    let taken = std::mem::take(buf);
    let out = rustybuzz::shape_with_plan(face, plan, taken);
    let r = match (out.glyph_infos().first(), out.glyph_positions().first()) {
        (Some(i), Some(p)) => (i.glyph_id as u16, p.x_advance as f32, p.x_offset as f32),
        _ => (0, 0.0, 0.0),
    };
    *buf = out.clear();
    r
}
