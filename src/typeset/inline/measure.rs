//! Measure: the width of every cluster after fixed compression, the blank on each side that
//! line edges trim or a tight line may squeeze, and the glue (with stretch and shrink) between
//! neighbours.

use crate::cjk::{self, Class, Side};
use crate::typeset::fonts::FontSet;
use crate::typeset::inline::shape::{Cluster, Shaped};

/// Stretchability of one gap between CJK characters, in em (for badness: r = 1 when every gap
/// opens by this much).
pub(super) const HAN_GAP_STRETCH: f32 = 0.15;
/// The most blank removed at one place inside a line, in em. Two glyph boxes then overlap by less
/// than ½ em: text extractors (poppler: pdftotext) start a new line where a glyph begins more
/// than ½ em inside the previous one, so an exact ½ em would hang on float rounding.
pub(super) const MAX_CUT: f32 = 0.4995;

/// How one cluster behaves in a line, in points.
#[derive(Debug, Clone, Copy)]
pub(super) struct Metrics {
    /// Natural width after fixed compression.
    pub(super) width: f32,
    /// Blank left on each side of the ink after fixed compression (a line edge may trim it).
    pub(super) blank_left: f32,
    pub(super) blank_right: f32,
    /// How much of that blank a tight line may squeeze (less than ½ em, and nothing where the
    /// neighbouring mark already took its share).
    pub(super) squeeze_left: f32,
    pub(super) squeeze_right: f32,
    /// Which side of the em box the ink sits on.
    pub(super) side: Side,
    /// Fixed cuts already applied by adjacent-mark compression.
    pub(super) cut_left: f32,
    pub(super) cut_right: f32,
    /// Trimmed when the cluster is first / last on a line.
    pub(super) trim_start: f32,
    pub(super) trim_end: f32,
    /// Whether its blank counts among the last resort squeeze (sentence-final stops).
    pub(super) final_stop: bool,
    /// A space (or forced break): `width` is glue that stretches and shrinks.
    pub(super) space: bool,
    pub(super) stretch: f32,
    pub(super) shrink: f32,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            width: 0.0,
            blank_left: 0.0,
            blank_right: 0.0,
            squeeze_left: 0.0,
            squeeze_right: 0.0,
            side: Side::None,
            cut_left: 0.0,
            cut_right: 0.0,
            trim_start: 0.0,
            trim_end: 0.0,
            final_stop: false,
            space: false,
            stretch: 0.0,
            shrink: 0.0,
        }
    }
}

/// The glue after a cluster (to the next one on the same line), in points.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Gap {
    pub(super) width: f32,
    pub(super) stretch: f32,
    pub(super) shrink: f32,
}

/// Widths, blanks and glue of every cluster; `urls` are the web addresses in `chars`
/// ([`super::breaks::url_spans`]).
pub(super) fn measure(
    fonts: &FontSet,
    shaped: &mut Shaped,
    chars: &[char],
    urls: &[std::ops::Range<usize>],
) -> (Vec<Metrics>, Vec<Gap>) {
    let mut met = cluster_metrics(fonts, shaped, chars);
    let gaps = compress_and_glue(&shaped.clusters, &mut met, chars, urls);
    source_spaces_as_glue(&shaped.clusters, &mut met);
    edge_rules(&shaped.clusters, &mut met);
    (met, gaps)
}

/// Each cluster on its own: punctuation blanks from the font, the interpunct's ½-em box, the
/// glue of spaces, the one-em ideographic space.
fn cluster_metrics(fonts: &FontSet, shaped: &mut Shaped, chars: &[char]) -> Vec<Metrics> {
    let m = shaped.clusters.len();
    let mut met = vec![Metrics::default(); m];
    for (k, c) in shaped.clusters.iter().enumerate() {
        let glyphs = &mut shaped.glyphs[c.g0 as usize..c.g1 as usize];
        let em = c.size;
        let mut w: f32 = glyphs.iter().map(|g| g.adv).sum();
        let mut mt = Metrics::default();
        match c.class {
            Class::Open | Class::Close | Class::Stop if glyphs.len() == 1 => {
                if let Some(p) = fonts.punct_metrics(c.font, glyphs[0].id) {
                    let s = c.size / fonts.units_per_em(c.font);
                    mt.blank_left = p.blank_left * s;
                    mt.blank_right = p.blank_right * s;
                    mt.side = p.side;
                    mt.squeeze_left = mt.blank_left.min(em * MAX_CUT);
                    mt.squeeze_right = mt.blank_right.min(em * MAX_CUT);
                    mt.final_stop = matches!(chars[c.ch as usize], '。' | '？' | '！' | '．');
                }
            }
            Class::MidDot if glyphs.len() == 1 => {
                // GB: the interpunct takes a ½-em box with its ink centred.
                let face = fonts.shaper_face(c.font);
                let s = c.size / fonts.units_per_em(c.font);
                if let Some(r) =
                    face.glyph_bounding_box(rustybuzz::ttf_parser::GlyphId(glyphs[0].id))
                {
                    let centre = (f32::from(r.x_min) + f32::from(r.x_max)) / 2.0 * s;
                    let target = em / 2.0;
                    glyphs[0].dx += target / 2.0 - centre;
                    glyphs[0].adv = target;
                    w = target;
                }
            }
            Class::Space => {
                mt.space = true;
                mt.stretch = (em / 2.0 - w).max(w / 2.0);
                mt.shrink = (w - em / 6.0).max(0.0);
            }
            Class::Newline => {
                mt.space = true;
                w = 0.0;
            }
            Class::IdSpace if glyphs.len() == 1 => {
                // One em, whatever glyph stood in for it.
                glyphs[0].adv = em;
                w = em;
            }
            _ => {}
        }
        mt.width = w;
        met[k] = mt;
    }
    met
}

/// Between neighbours: adjacent marks compressed, ？！ pairs to one em, CJK–Latin glue and the
/// stretchable gaps between CJK characters.
fn compress_and_glue(
    cl: &[Cluster],
    met: &mut [Metrics],
    chars: &[char],
    urls: &[std::ops::Range<usize>],
) -> Vec<Gap> {
    let m = cl.len();
    // Inside a web address nothing is put between characters: a reader would type it.
    let in_url = |k: usize| {
        let (x, y) = (cl[k].ch as usize, cl[k + 1].ch as usize);
        urls.iter().any(|u| u.contains(&x) && u.contains(&y))
    };
    let mut gaps = vec![Gap::default(); m];
    let mut paired = false;
    for k in 0..m.saturating_sub(1) {
        let (a, b) = (cl[k].class, cl[k + 1].class);
        let em = cl[k].size.max(cl[k + 1].size);
        // GB/T 15834: ？！ ！？ ？？ ！！ take one em together (a triple two em).
        let bang = |i: usize| matches!(chars[cl[i].ch as usize], '？' | '！');
        // A centred stop (Taiwan, Hong Kong) keeps its whole em beside another mark: clreq
        // compresses only the blank of brackets there (docs/typesetting.md §3).
        let centred = met[k].side == Side::Centre || met[k + 1].side == Side::Centre;
        let pair = !paired
            && !centred
            && bang(k)
            && bang(k + 1)
            && met[k].blank_right > 0.0
            && met[k + 1].blank_right > 0.0;
        paired = pair;
        // Adjacent full-width punctuation: 2 em → 1.5 em (docs/typesetting.md §3).
        // (Not where a ？！ pair already took the blank at this boundary.)
        if met[k].cut_right == 0.0
            && !centred
            && (met[k].blank_right > 0.0 || met[k].blank_left > 0.0)
            && (met[k + 1].blank_left > 0.0 || met[k + 1].blank_right > 0.0)
        {
            let (mut x, mut y) = cjk::compress_pair(met[k].blank_right, met[k + 1].blank_left, em);
            if x + y > 0.0 {
                // Keep the overlap of the two glyph boxes under ½ em (see MAX_CUT).
                let margin = em * (0.5 - MAX_CUT);
                if x >= y {
                    x = (x - margin).max(0.0);
                } else {
                    y = (y - margin).max(0.0);
                }
                met[k].blank_right -= x;
                met[k].cut_right += x;
                met[k].width -= x;
                met[k + 1].blank_left -= y;
                met[k + 1].cut_left += y;
                met[k + 1].width -= y;
                // That boundary is done: no further squeeze on either side of it.
                met[k].squeeze_right = 0.0;
                met[k + 1].squeeze_left = 0.0;
            }
        }
        if pair {
            let x = met[k + 1].blank_right.min(em * MAX_CUT);
            met[k + 1].blank_right -= x;
            met[k + 1].squeeze_right = 0.0;
            met[k + 1].cut_right += x;
            met[k + 1].width -= x;
            if let Some(next) = met.get_mut(k + 2) {
                next.squeeze_left = 0.0;
            }
        }
        // CJK–Latin glue (¼ em, shrink to ⅛, stretch to ½).
        // Not at a superscript/subscript boundary (a footnote marker hugs its word).
        let mixed = ((cjk::is_cjk_glue_side(a) && cjk::is_latin_glue_side(b))
            || (cjk::is_latin_glue_side(a) && cjk::is_cjk_glue_side(b)))
            && cl[k].rise == cl[k + 1].rise;
        if in_url(k) {
            // (no glue and no stretch)
        } else if mixed {
            gaps[k] = Gap {
                width: em / 4.0,
                stretch: em / 4.0,
                shrink: em / 8.0,
            };
        } else if justifiable(a, b) {
            gaps[k].stretch = em * HAN_GAP_STRETCH;
        }
    }
    gaps
}

/// A source space between CJK and Latin becomes the CJK–Latin glue (never doubled).
fn source_spaces_as_glue(cl: &[Cluster], met: &mut [Metrics]) {
    let m = cl.len();
    for k in 1..m.saturating_sub(1) {
        if cl[k].class == Class::Space {
            let (a, b) = (cl[k - 1].class, cl[k + 1].class);
            let cjk_side = |c: Class| cjk::is_cjk_glue_side(c) || cjk::is_cjk_punct(c);
            let lat = cjk::is_latin_glue_side;
            if (cjk_side(a) && lat(b)) || (lat(a) && cjk_side(b)) {
                let em = cl[k].size;
                met[k].width = em / 4.0;
                met[k].stretch = em / 4.0;
                met[k].shrink = em / 8.0;
            }
        }
    }
}

/// What happens at spaces and line edges: no squeeze against a space or a line break (the
/// mark's box would slide over the space's box, and beyond it), and the line-edge trims
/// (docs/typesetting.md §4): opening marks lose their blank at a line start, stops and closing
/// marks at a line end; an ideographic space vanishes at a line end.
fn edge_rules(cl: &[Cluster], met: &mut [Metrics]) {
    let m = cl.len();
    for k in 0..m {
        if k > 0 && met[k - 1].space {
            met[k].squeeze_left = 0.0;
        }
        if k + 1 < m && met[k + 1].space {
            met[k].squeeze_right = 0.0;
        }
    }
    for (mt, c) in met.iter_mut().zip(cl) {
        mt.trim_start = if mt.side == Side::Right {
            mt.blank_left
        } else {
            0.0
        };
        mt.trim_end = if c.class == Class::IdSpace {
            mt.width
        } else if mt.side == Side::Left {
            mt.blank_right
        } else {
            0.0
        };
    }
}

/// Whether justification may open the gap between two neighbours (docs/typesetting.md §6): between CJK characters
/// and marks, not after an opening or before a closing/stop mark, not inside ——/…… or around
/// connectors and solidi, not inside Latin words or numbers.
pub(super) fn justifiable(a: Class, b: Class) -> bool {
    let cjkish = |c: Class| {
        matches!(
            c,
            Class::Han
                | Class::Iter
                | Class::Open
                | Class::Close
                | Class::Stop
                | Class::Dash
                | Class::Ellipsis
        )
    };
    if !cjkish(a) || !cjkish(b) {
        return false;
    }
    if a == Class::Open || matches!(b, Class::Close | Class::Stop) {
        return false;
    }
    !(a == b && matches!(a, Class::Dash | Class::Ellipsis))
}
