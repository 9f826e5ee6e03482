//! Build lines: positions every glyph of one line between two chosen breaks, with the edge
//! trims, the squeeze or the justification spread, and the alignment offset.

use crate::typeset::fonts::FontSet;
use crate::typeset::inline::breaks::Brk;
use crate::typeset::inline::linebreak::{FIT_SLACK, LineMeasure};
use crate::typeset::inline::shape::Shaped;
use crate::typeset::inline::{Line, ParagraphSpec, PlacedGlyph, TextAlign};

impl LineMeasure<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn build_line(
        &self,
        fonts: &FontSet,
        shaped: &Shaped,
        p: usize,
        q: usize,
        first: bool,
        spec: &ParagraphSpec,
        text: &str,
    ) -> Line {
        let m = self.clusters.len();
        let f = self.fit(p, q);
        let indent = if first { spec.first_indent } else { 0.0 };
        let avail = f64::from(spec.width) - f64::from(indent);
        let last = q == m || self.brk[q] == Brk::Mandatory;
        let delta = avail - f.natural;
        let want = spec.align == TextAlign::Justify && !last && delta > 0.0;
        let justify = want && f.stretch > 0.0;
        let ratio = if justify { delta / f.stretch } else { 0.0 };
        // Last resort for a line without any stretchable gap (a piece of an overlong word):
        // spread the space between all its clusters so the edge is still flush.
        let letter = if want && !justify && f.end > f.first + 1 {
            delta / (f.end - f.first - 1) as f64
        } else {
            0.0
        };
        // Squeeze: first glue and non-final marks, then sentence-final stops.
        let (sq_a, sq_b) = if delta < 0.0 {
            let need = -delta;
            let a = if f.squeeze_glue > 0.0 {
                (need / f.squeeze_glue).min(1.0)
            } else {
                0.0
            };
            let rest = (need - f.squeeze_glue).max(0.0);
            let b = if f.squeeze_stops > 0.0 {
                (rest / f.squeeze_stops).min(1.0)
            } else {
                0.0
            };
            (a, b)
        } else {
            (0.0, 0.0)
        };
        let offset = match spec.align {
            TextAlign::Center if delta > 0.0 => delta / 2.0,
            TextAlign::Right if delta > 0.0 => delta,
            _ => 0.0,
        };
        let mut x = f64::from(indent) + offset;
        let mut glyphs = Vec::with_capacity((f.end - f.first) * 2);
        let (mut max_size, mut asc, mut desc) = (0.0f32, 0.0f32, 0.0f32);
        for k in f.first..f.end {
            let c = &self.clusters[k];
            let mt = &self.met[k];
            let sq = if mt.final_stop { sq_b } else { sq_a };
            let lead = if k == f.first { mt.trim_start } else { 0.0 };
            let end = if k + 1 == f.end { mt.trim_end } else { 0.0 };
            let sl = if k == f.first { 0.0 } else { mt.squeeze_left };
            let sr = if k + 1 == f.end {
                0.0
            } else {
                mt.squeeze_right
            };
            let cut_l = f64::from(mt.cut_left + lead) + sq * f64::from(sl);
            let cut_r = f64::from(mt.cut_right + end) + sq * f64::from(sr);
            let gap = if k + 1 < f.end {
                let g = &self.gaps[k];
                f64::from(g.width) + ratio * f64::from(g.stretch) - sq_a * f64::from(g.shrink)
                    + letter
            } else {
                0.0
            };
            max_size = max_size.max(c.size);
            let (a, d) = fonts.vertical_metrics(c.font);
            asc = asc.max(a * c.size + c.rise);
            desc = desc.min(d * c.size + c.rise);
            let gl = &shaped.glyphs[c.g0 as usize..c.g1 as usize];
            let n = gl.len();
            for (j, g) in gl.iter().enumerate() {
                let mut adv = f64::from(g.adv);
                let mut dx = f64::from(g.dx);
                if mt.space {
                    // The space's glyph carries the glue.
                    adv = if j == 0 {
                        f64::from(mt.width) + ratio * f64::from(mt.stretch)
                            - sq_a * f64::from(mt.shrink)
                    } else {
                        0.0
                    };
                }
                if j == 0 && cut_l != 0.0 {
                    if let Some(prev) = glyphs.last_mut() {
                        // Inside a line, the blank removed before a mark is taken from the
                        // previous glyph's advance: the mark keeps its own box and no offset
                        // (text extraction then sees plain glyph boxes, and the ink is where it
                        // would be with an offset).
                        let prev: &mut PlacedGlyph = prev;
                        prev.advance -= cut_l as f32;
                        x -= cut_l;
                    } else {
                        adv -= cut_l;
                        dx -= cut_l;
                    }
                }
                if j + 1 == n {
                    adv -= cut_r;
                    adv += gap;
                }
                glyphs.push(PlacedGlyph {
                    font: c.font,
                    size: c.size,
                    glyph_id: g.id,
                    x: x as f32,
                    x_offset: dx as f32,
                    y_offset: g.dy,
                    advance: adv as f32,
                    text_range: c.start as usize..c.end as usize,
                    run: c.run as usize,
                });
                x += adv;
            }
        }
        // A justified or squeezed line ends exactly at the measure: absorb float rounding.
        let target = f64::from(spec.width);
        let slack = FIT_SLACK * f64::from(self.em(f.first));
        let exact = justify
            || letter > 0.0
            || (delta < 0.0 && -delta <= f.squeeze_glue + f.squeeze_stops + slack);
        if exact && let Some(g) = glyphs.last_mut() {
            let err = target - x;
            if err.abs() < 0.5 {
                g.advance += err as f32;
                x = target;
            }
        }
        let text_range = if f.first < f.end {
            self.clusters[f.first].start as usize..self.clusters[f.end - 1].end as usize
        } else {
            let at = self
                .clusters
                .get(f.first)
                .map_or(text.len(), |c| c.start as usize);
            at..at
        };
        if max_size == 0.0 {
            max_size = self.clusters.get(p).map_or(0.0, |c| c.size);
        }
        Line {
            glyphs,
            text_range,
            x_start: indent + offset as f32,
            max_size,
            width: x as f32,
            ascent: asc,
            descent: desc,
            justified: spec.align == TextAlign::Justify && !last,
        }
    }
}
