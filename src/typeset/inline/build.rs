//! Build lines: positions every glyph of one line between two chosen breaks, with the edge
//! trims, the squeeze or the justification spread, and the alignment offset.

use crate::typeset::fonts::FontSet;
use crate::typeset::inline::breaks::Brk;
use crate::typeset::inline::linebreak::{FIT_SLACK, LineFit, LineMeasure};
use crate::typeset::inline::shape::Shaped;
use crate::typeset::inline::{Line, ParagraphSpec, PlacedGlyph, TextAlign};

/// How a line's width differs from its natural width is taken up.
#[derive(Debug, Clone, Copy, Default)]
struct Spread {
    /// Justified by stretching gaps and spaces, by `ratio` of their stretch.
    justified: bool,
    ratio: f64,
    /// A line without stretchable gaps (a piece of an overlong word): space added between all
    /// its clusters.
    letter: f64,
    /// Squeeze: the share used of the glue and non-final marks, then of sentence-final stops.
    squeeze_glue: f64,
    squeeze_stops: f64,
}

impl Spread {
    /// For a line `delta` points shorter than its room (negative: longer); `justify` when the
    /// line is to be flush on both sides.
    fn new(f: &LineFit, delta: f64, justify: bool) -> Spread {
        let want = justify && delta > 0.0;
        let mut s = Spread::default();
        if want && f.stretch > 0.0 {
            s.justified = true;
            s.ratio = delta / f.stretch;
        } else if want && f.end > f.first + 1 {
            s.letter = delta / (f.end - f.first - 1) as f64;
        }
        if delta < 0.0 {
            let need = -delta;
            if f.squeeze_glue > 0.0 {
                s.squeeze_glue = (need / f.squeeze_glue).min(1.0);
            }
            let rest = (need - f.squeeze_glue).max(0.0);
            if f.squeeze_stops > 0.0 {
                s.squeeze_stops = (rest / f.squeeze_stops).min(1.0);
            }
        }
        s
    }
}

/// The glyphs of a line, placed, and what they add up to.
struct Placed {
    glyphs: Vec<PlacedGlyph>,
    /// The pen position after the last glyph.
    x: f64,
    max_size: f32,
    ascent: f32,
    descent: f32,
}

impl LineMeasure<'_> {
    /// The line between boundaries `p` and `q` (the first line of its paragraph if `first`).
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
        // A line ending inside a web address is never spread (see `Brk::Url`).
        let url_end = q < m && self.brk[q] == Brk::Url;
        let justify = spec.align == TextAlign::Justify && !last && !url_end;
        let spread = Spread::new(&f, delta, justify);
        let offset = match spec.align {
            TextAlign::Center if delta > 0.0 => delta / 2.0,
            TextAlign::Right if delta > 0.0 => delta,
            _ => 0.0,
        };
        let mut placed = self.place(fonts, shaped, &f, &spread, f64::from(indent) + offset);
        // A justified or squeezed line ends exactly at the measure: absorb float rounding.
        let target = f64::from(spec.width);
        let slack = FIT_SLACK * f64::from(self.em(f.first));
        let exact = spread.justified
            || spread.letter > 0.0
            || (delta < 0.0 && -delta <= f.squeeze_glue + f.squeeze_stops + slack);
        if exact && let Some(g) = placed.glyphs.last_mut() {
            let err = target - placed.x;
            if err.abs() < 0.5 {
                g.advance += err as f32;
                placed.x = target;
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
        if placed.max_size == 0.0 {
            placed.max_size = self.clusters.get(p).map_or(0.0, |c| c.size);
        }
        Line {
            glyphs: placed.glyphs,
            text_range,
            x_start: indent + offset as f32,
            max_size: placed.max_size,
            width: placed.x as f32,
            ascent: placed.ascent,
            descent: placed.descent,
            justified: justify,
        }
    }

    /// Places the glyphs of the clusters of `f` from pen position `x`: trims at the line edges,
    /// fixed cuts and squeeze inside, gaps and spaces spread by `spread`.
    fn place(
        &self,
        fonts: &FontSet,
        shaped: &Shaped,
        f: &LineFit,
        spread: &Spread,
        mut x: f64,
    ) -> Placed {
        let mut glyphs = Vec::with_capacity((f.end - f.first) * 2);
        let (mut max_size, mut ascent, mut descent) = (0.0f32, 0.0f32, 0.0f32);
        let (sq_a, sq_b) = (spread.squeeze_glue, spread.squeeze_stops);
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
                f64::from(g.width) + spread.ratio * f64::from(g.stretch)
                    - sq_a * f64::from(g.shrink)
                    + spread.letter
            } else {
                0.0
            };
            max_size = max_size.max(c.size);
            let (a, d) = fonts.vertical_metrics(c.font);
            ascent = ascent.max(a.at(c.size) + c.rise);
            descent = descent.min(d.at(c.size) + c.rise);
            let gl = &shaped.glyphs[c.g0 as usize..c.g1 as usize];
            let n = gl.len();
            for (j, g) in gl.iter().enumerate() {
                let mut adv = f64::from(g.adv);
                let mut dx = f64::from(g.dx);
                if mt.space {
                    // The space's glyph carries the glue.
                    adv = if j == 0 {
                        f64::from(mt.width) + spread.ratio * f64::from(mt.stretch)
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
        Placed {
            glyphs,
            x,
            max_size,
            ascent,
            descent,
        }
    }
}
