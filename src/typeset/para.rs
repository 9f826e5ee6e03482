//! Setting one paragraph into lines: shaping, break opportunities, punctuation compression,
//! CJK–Latin glue, total-fit line breaking (Knuth–Plass over the opportunities), line-edge trims,
//! justification and the 孤字 rule (cjk-layout.md §1a–§1e).
//!
//! The pipeline of [`set_paragraph`]:
//! 1. classes of every character in context ([`crate::typeset::cjk::classify`]) and the break
//!    opportunities (UAX #14 + zh tailoring + prohibition level, [`crate::typeset::breaks`]);
//! 2. shaping by items of one run, one face (per-cluster fallback) and one script (Hani/zh-Hans
//!    for CJK, Latin for letters and digits), into clusters (one character, or a ligature such as
//!    `——`);
//! 3. metrics of each cluster: the blank on each side of a full-width mark (from `halt`, else the
//!    ink box), adjacent marks compressed to 1.5 em (and ？！ pairs to 1 em), the ½-em box of
//!    the interpunct, the ¼-em CJK–Latin glue (replacing a source space), stretchable gaps;
//! 4. breaking: the cheapest sequence of lines, where a line's demerits grow with its stretch
//!    ratio, a line that is too long may squeeze punctuation blank and glue (push-in) and
//!    otherwise breaks earlier (push-out), a last line with a single Han character costs a large
//!    penalty, and breaking where no break is allowed is possible only as a last resort;
//! 5. lines: edge trims (opening mark at the start, stop or closing mark at the end to ½ em),
//!    squeeze or justification spread by ratio, exact positions (the last glyph of a justified
//!    line ends at the measure).

use crate::book::model::Kinsoku;
use crate::diag::Result;
use crate::typeset::breaks::{self, Brk};
use crate::typeset::cjk::{self, Class, Side};
use crate::typeset::fonts::{FontId, FontSet};
use crate::typeset::shape::{self, Cluster, Shaped};
use std::ops::Range;
use std::time::{Duration, Instant};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Both edges flush, last line ragged (Chinese body text).
    Justify,
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone)]
pub struct ParagraphSpec {
    /// Line measure in points.
    pub width: f32,
    /// First-line indent in points (2 em of body text for Chinese paragraphs).
    pub first_indent: f32,
    pub align: Align,
    pub kinsoku: Kinsoku,
}

/// A set paragraph: the concatenated text of its runs and its lines.
#[derive(Debug, Clone)]
pub struct Paragraph {
    pub text: String,
    pub lines: Vec<Line>,
}

#[derive(Debug, Clone)]
pub struct Line {
    /// Glyphs in visual order, positioned relative to the line's left edge (x) and baseline.
    pub glyphs: Vec<PlacedGlyph>,
    /// The byte range of `Paragraph::text` this line shows. Spaces dropped at a line break lie
    /// between two lines' ranges.
    pub text_range: Range<usize>,
    /// Distance from the left edge of the measure to the start of the first glyph (indent).
    pub x_start: f32,
    /// The largest font size on the line, in points (for line spacing).
    pub max_size: f32,
    /// Where the last glyph ends, in points from the measure's left edge (= the measure for a
    /// justified line).
    pub width: f32,
    /// Largest ascent above the baseline on this line, in points (positive), including rises.
    pub ascent: f32,
    /// Largest descent below the baseline, in points (negative).
    pub descent: f32,
    /// Whether the line was justified to the full measure.
    pub justified: bool,
}

#[derive(Debug, Clone)]
pub struct PlacedGlyph {
    pub font: FontId,
    pub size: f32,
    pub glyph_id: u16,
    /// Left edge of the glyph's advance box, in points from the measure's left edge.
    pub x: f32,
    /// Shaper offsets in points (y positive = up).
    pub x_offset: f32,
    pub y_offset: f32,
    /// Advance as drawn, in points, including compression and justification.
    pub advance: f32,
    /// Byte range of `Paragraph::text` this glyph stands for (the cluster).
    pub text_range: Range<usize>,
    /// Index of the [`StyledRun`] it came from.
    pub run: usize,
}

// Demerits (Knuth–Plass style): (1 + badness)², badness = 100·r³ (r = stretch ratio), growing
// linearly past BAD_MAX so that a hopeless line is still told from a merely bad one.
const BAD_MAX: f64 = 10_000.0;
/// Badness never exceeds this (demerits 1e12, below an emergency break).
const BAD_CAP: f64 = 1.0e6;
/// A last line holding a single Han character (孤字).
const ORPHAN: f64 = 5.0e7;
/// Breaking where no break is allowed (a word longer than the line).
const EMERGENCY: f64 = 1.0e14;
/// A line wider than the measure even after all compression.
const OVERFULL: f64 = 1.0e16;
/// Extra demerits when a line needs to squeeze sentence-final stops (。？！).
const SQUEEZE_STOPS: f64 = 2_000.0;
/// Stretchability of one gap between CJK characters, in em (for badness: r = 1 when every gap
/// opens by this much).
const HAN_GAP_STRETCH: f32 = 0.15;
/// Breaking a centred/ragged line elsewhere than at a space.
const RAGGED_MIDPHRASE: f64 = 1_000.0;
/// No line holds more clusters than this (a bound on the breaking work, never reached by text).
const MAX_LINE_CLUSTERS: usize = 4096;
/// The most blank removed at one place inside a line, in em. Two glyph boxes then overlap by less
/// than ½ em: text extractors (poppler: pdftotext) start a new line where a glyph begins more
/// than ½ em inside the previous one, so an exact ½ em would hang on float rounding.
const MAX_CUT: f32 = 0.4995;
/// A line may be this much (in em) too long for its squeeze: the rest is taken from the last
/// glyph's advance, out of sight (it makes up for MAX_CUT being a hair under ½ em).
const FIT_SLACK: f64 = 0.001;
/// First-pass tolerance: the largest stretch ratio of a line (r = 2.5: badness 1562).
const TOLERANCE: f64 = 2.5;

/// Layout metrics of a cluster, in points.
#[derive(Debug, Clone, Copy)]
struct Metrics {
    /// Natural width after fixed compression.
    w: f32,
    /// Remaining blank on each side (trimmed at a line edge).
    bl: f32,
    br: f32,
    /// How much of it may be squeezed inside a line (less than ½ em, and nothing where the
    /// neighbouring mark already took its share).
    sl: f32,
    sr: f32,
    /// Which side of the em box the ink sits on.
    side: Side,
    /// Fixed cuts already applied by adjacent-mark compression.
    cut_l: f32,
    cut_r: f32,
    /// Trim when first / last on a line.
    lead: f32,
    end: f32,
    /// Whether its blank counts among the last resort squeeze (sentence-final stops).
    final_stop: bool,
    /// For spaces: the glue width replacing the glyph's advance, with stretch and shrink.
    space: bool,
    st: f32,
    sh: f32,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            w: 0.0,
            bl: 0.0,
            br: 0.0,
            sl: 0.0,
            sr: 0.0,
            side: Side::None,
            cut_l: 0.0,
            cut_r: 0.0,
            lead: 0.0,
            end: 0.0,
            final_stop: false,
            space: false,
            st: 0.0,
            sh: 0.0,
        }
    }
}

/// The gap after a cluster (to the next one on the same line).
#[derive(Debug, Clone, Copy, Default)]
struct Gap {
    w: f32,
    st: f32,
    sh: f32,
}

/// Time spent in [`set_paragraph_timed`], summed over paragraphs (for `--timings`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Shaping (rustybuzz, font fallback).
    pub shape: Duration,
    /// Break opportunities, cluster metrics, total-fit breaking and line building.
    pub lines: Duration,
}

/// Shapes, breaks and justifies one paragraph.
pub fn set_paragraph(
    fonts: &FontSet,
    runs: &[StyledRun],
    spec: &ParagraphSpec,
) -> Result<Paragraph> {
    set_paragraph_timed(fonts, runs, spec, &mut Timings::default())
}

/// [`set_paragraph`], adding the time it spends shaping and breaking to `time`.
pub fn set_paragraph_timed(
    fonts: &FontSet,
    runs: &[StyledRun],
    spec: &ParagraphSpec,
    time: &mut Timings,
) -> Result<Paragraph> {
    let start = Instant::now();
    let mut text = String::with_capacity(runs.iter().map(|r| r.text.len()).sum());
    for r in runs {
        text.push_str(&r.text);
    }
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return Ok(Paragraph {
            text,
            lines: Vec::new(),
        });
    }
    let classes = breaks::classes(&chars);
    let brk = breaks::opportunities(&text, &chars, &classes, spec.kinsoku);
    let shaping = Instant::now();
    let mut shaped = shape::shape_paragraph(fonts, runs, &text, &chars, &classes)?;
    let shaped_at = Instant::now();
    let (metrics, gaps) = measure(fonts, &mut shaped, &chars);
    let clusters = &shaped.clusters;
    // Break before cluster k (k in 1..m).
    let brk_before: Vec<Brk> = clusters.iter().map(|c| brk[c.ch as usize]).collect();
    let layout = Layout::new(clusters, &metrics, &gaps, &brk_before);
    let width = spec.width.max(0.0);
    let path = layout.best_breaks(width, spec.first_indent, spec.align);
    let lines = path
        .windows(2)
        .enumerate()
        .map(|(n, w)| layout.build_line(fonts, &shaped, w[0], w[1], n == 0, spec, &text))
        .collect();
    time.shape += shaped_at - shaping;
    time.lines += (shaping - start) + shaped_at.elapsed();
    Ok(Paragraph { text, lines })
}

/// Widths, blanks and glue of every cluster.
fn measure(fonts: &FontSet, shaped: &mut Shaped, chars: &[char]) -> (Vec<Metrics>, Vec<Gap>) {
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
                    mt.bl = p.blank_left * s;
                    mt.br = p.blank_right * s;
                    mt.side = p.side;
                    mt.sl = mt.bl.min(em * MAX_CUT);
                    mt.sr = mt.br.min(em * MAX_CUT);
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
                mt.st = (em / 2.0 - w).max(w / 2.0);
                mt.sh = (w - em / 6.0).max(0.0);
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
        mt.w = w;
        met[k] = mt;
    }
    let mut gaps = vec![Gap::default(); m];
    let cl = &shaped.clusters;
    let mut paired = false;
    for k in 0..m.saturating_sub(1) {
        let (a, b) = (cl[k].class, cl[k + 1].class);
        let em = cl[k].size.max(cl[k + 1].size);
        // GB/T 15834: ？！ ！？ ？？ ！！ take one em together (a triple two em).
        let bang = |i: usize| matches!(chars[cl[i].ch as usize], '？' | '！');
        let pair = !paired && bang(k) && bang(k + 1) && met[k].br > 0.0 && met[k + 1].br > 0.0;
        paired = pair;
        // Adjacent full-width punctuation: 2 em → 1.5 em (§1c.2).
        // (Not where a ？！ pair already took the blank at this boundary.)
        if met[k].cut_r == 0.0
            && (met[k].br > 0.0 || met[k].bl > 0.0)
            && (met[k + 1].bl > 0.0 || met[k + 1].br > 0.0)
        {
            let (mut x, mut y) = cjk::compress_pair(met[k].br, met[k + 1].bl, em);
            if x + y > 0.0 {
                // Keep the overlap of the two glyph boxes under ½ em (see MAX_CUT).
                let margin = em * (0.5 - MAX_CUT);
                if x >= y {
                    x = (x - margin).max(0.0);
                } else {
                    y = (y - margin).max(0.0);
                }
                met[k].br -= x;
                met[k].cut_r += x;
                met[k].w -= x;
                met[k + 1].bl -= y;
                met[k + 1].cut_l += y;
                met[k + 1].w -= y;
                // That boundary is done: no further squeeze on either side of it.
                met[k].sr = 0.0;
                met[k + 1].sl = 0.0;
            }
        }
        if pair {
            let x = met[k + 1].br.min(em * MAX_CUT);
            met[k + 1].br -= x;
            met[k + 1].sr = 0.0;
            met[k + 1].cut_r += x;
            met[k + 1].w -= x;
            if let Some(next) = met.get_mut(k + 2) {
                next.sl = 0.0;
            }
        }
        // CJK–Latin glue (¼ em, shrink to ⅛, stretch to ½).
        // Not at a superscript/subscript boundary (a footnote marker hugs its word).
        let mixed = ((cjk::is_cjk_glue_side(a) && cjk::is_latin_glue_side(b))
            || (cjk::is_latin_glue_side(a) && cjk::is_cjk_glue_side(b)))
            && cl[k].rise == cl[k + 1].rise;
        if mixed {
            gaps[k] = Gap {
                w: em / 4.0,
                st: em / 4.0,
                sh: em / 8.0,
            };
        } else if justifiable(a, b) {
            gaps[k].st = em * HAN_GAP_STRETCH;
        }
    }
    // A source space between CJK and Latin becomes the same glue (never doubled).
    for k in 1..m.saturating_sub(1) {
        if cl[k].class == Class::Space {
            let (a, b) = (cl[k - 1].class, cl[k + 1].class);
            let cjk_side = |c: Class| cjk::is_cjk_glue_side(c) || cjk::is_cjk_punct(c);
            let lat = cjk::is_latin_glue_side;
            if (cjk_side(a) && lat(b)) || (lat(a) && cjk_side(b)) {
                let em = cl[k].size;
                met[k].w = em / 4.0;
                met[k].st = em / 4.0;
                met[k].sh = em / 8.0;
            }
        }
    }
    // No squeeze against a space or a line break: the mark's box would slide over the space's box
    // (and beyond it).
    for k in 0..m {
        if k > 0 && met[k - 1].space {
            met[k].sl = 0.0;
        }
        if k + 1 < m && met[k + 1].space {
            met[k].sr = 0.0;
        }
    }
    for (mt, c) in met.iter_mut().zip(cl) {
        // Line-edge trims (§1c.3): opening marks lose their blank at line start, stops and
        // closing marks at line end; an ideographic space vanishes at a line end.
        mt.lead = if mt.side == Side::Right { mt.bl } else { 0.0 };
        mt.end = if c.class == Class::IdSpace {
            mt.w
        } else if mt.side == Side::Left {
            mt.br
        } else {
            0.0
        };
    }
    (met, gaps)
}

/// Whether justification may open the gap between two neighbours (§1d): between CJK characters
/// and marks, not after an opening or before a closing/stop mark, not inside ——/…… or around
/// connectors and solidi, not inside Latin words or numbers.
fn justifiable(a: Class, b: Class) -> bool {
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

/// Prefix sums over clusters and gaps, for O(1) line measurement.
struct Layout<'a> {
    clusters: &'a [Cluster],
    met: &'a [Metrics],
    gaps: &'a [Gap],
    brk: &'a [Brk],
    /// Σ w, Σ stretch, Σ squeeze (A: glue and non-final marks; B: final stops), over clusters.
    pw: Vec<f64>,
    pst: Vec<f64>,
    psa: Vec<f64>,
    psb: Vec<f64>,
    /// Over gaps.
    gw: Vec<f64>,
    gst: Vec<f64>,
    gsh: Vec<f64>,
    /// Han clusters, Latin word starts.
    han: Vec<u32>,
    words: Vec<u32>,
    /// first non-space cluster ≥ k, and last non-space cluster < k (+1).
    first_solid: Vec<usize>,
    last_solid: Vec<usize>,
}

struct LineFit {
    /// Size of the first cluster (the em for tolerances).
    em: f64,
    s: usize,
    e: usize,
    nat: f64,
    st: f64,
    sha: f64,
    shb: f64,
}

impl<'a> Layout<'a> {
    fn new(clusters: &'a [Cluster], met: &'a [Metrics], gaps: &'a [Gap], brk: &'a [Brk]) -> Self {
        let m = clusters.len();
        let mut l = Layout {
            clusters,
            met,
            gaps,
            brk,
            pw: Vec::with_capacity(m + 1),
            pst: Vec::with_capacity(m + 1),
            psa: Vec::with_capacity(m + 1),
            psb: Vec::with_capacity(m + 1),
            gw: Vec::with_capacity(m + 1),
            gst: Vec::with_capacity(m + 1),
            gsh: Vec::with_capacity(m + 1),
            han: Vec::with_capacity(m + 1),
            words: Vec::with_capacity(m + 1),
            first_solid: vec![m; m + 1],
            last_solid: vec![0; m + 1],
        };
        let (mut w, mut st, mut sa, mut sb, mut g, mut gs, mut gh) =
            (0.0f64, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        let (mut h, mut wd) = (0u32, 0u32);
        for k in 0..=m {
            l.pw.push(w);
            l.pst.push(st);
            l.psa.push(sa);
            l.psb.push(sb);
            l.gw.push(g);
            l.gst.push(gs);
            l.gsh.push(gh);
            l.han.push(h);
            l.words.push(wd);
            if k == m {
                break;
            }
            let mt = &met[k];
            w += f64::from(mt.w);
            st += f64::from(mt.st);
            let blank = f64::from(mt.sl + mt.sr + mt.sh);
            if mt.final_stop {
                sb += blank;
            } else {
                sa += blank;
            }
            g += f64::from(gaps[k].w);
            gs += f64::from(gaps[k].st);
            gh += f64::from(gaps[k].sh);
            let c = clusters[k].class;
            h += u32::from(matches!(c, Class::Han | Class::Iter));
            let latin = |c: Class| matches!(c, Class::Latin | Class::Digit);
            wd += u32::from(latin(c) && (k == 0 || !latin(clusters[k - 1].class)));
        }
        let mut next = m;
        for k in (0..m).rev() {
            if !met[k].space {
                next = k;
            }
            l.first_solid[k] = next;
        }
        let mut last = 0;
        for k in 1..=m {
            if !met[k - 1].space {
                last = k;
            }
            l.last_solid[k] = last;
        }
        l
    }

    /// Natural width, stretch and squeeze of the line between boundaries `p` and `q`.
    fn fit(&self, p: usize, q: usize) -> LineFit {
        let s = self.first_solid[p];
        let e = self.last_solid[q];
        if s >= e {
            return LineFit {
                em: 0.0,
                s,
                e: s,
                nat: 0.0,
                st: 0.0,
                sha: 0.0,
                shb: 0.0,
            };
        }
        let (ms, me) = (&self.met[s], &self.met[e - 1]);
        let lead = f64::from(ms.lead);
        let end = f64::from(me.end);
        let nat = self.pw[e] - self.pw[s] + self.gw[e - 1] - self.gw[s] - lead - end;
        let st = self.pst[e] - self.pst[s] + self.gst[e - 1] - self.gst[s];
        // Blank trimmed at the edges can no longer be squeezed.
        // At the line edges there is no neighbour to squeeze against.
        let lead_blank = f64::from(ms.sl);
        let end_blank = f64::from(me.sr);
        let mut sha = self.psa[e] - self.psa[s] + self.gsh[e - 1] - self.gsh[s] - lead_blank;
        let mut shb = self.psb[e] - self.psb[s];
        if me.final_stop {
            shb -= end_blank;
        } else {
            sha -= end_blank;
        }
        sha = sha.max(0.0);
        shb = shb.max(0.0);
        LineFit {
            em: f64::from(self.clusters[s].size),
            s,
            e,
            nat,
            st,
            sha,
            shb,
        }
    }

    /// Total-fit breaking: the boundaries (cluster indices, from 0 to m) of the lines.
    ///
    /// A first pass considers only allowed breaks and lines that need at most `TOLERANCE` of
    /// their stretch (a handful of candidates per break, found with a moving pointer over prefix
    /// sums); if that finds nothing acceptable, a second pass considers every line and, as a last
    /// resort, breaks where no break is allowed.
    fn best_breaks(&self, width: f32, indent: f32, align: Align) -> Vec<usize> {
        let (cost, path) = self.breaks_pass(width, indent, align, Some(TOLERANCE));
        if cost < ORPHAN {
            return path;
        }
        self.breaks_pass(width, indent, align, None).1
    }

    fn breaks_pass(
        &self,
        width: f32,
        indent: f32,
        align: Align,
        tolerance: Option<f64>,
    ) -> (f64, Vec<usize>) {
        let m = self.clusters.len();
        let width = f64::from(width);
        let mut best = vec![f64::INFINITY; m + 1];
        let mut prev = vec![0usize; m + 1];
        best[0] = 0.0;
        let mut floor = 0usize;
        // Widest reach of a line over [i, q) at the tolerated stretch ratio; lines starting after
        // `hi` cannot reach the measure.
        let r = tolerance.unwrap_or(0.0);
        let reach = |k: usize| self.pw[k] + self.gw[k] + r * (self.pst[k] + self.gst[k]);
        let mut hi = 0usize;
        for q in 1..=m {
            let kind = if q == m { Brk::Mandatory } else { self.brk[q] };
            let last = kind == Brk::Mandatory;
            if tolerance.is_some() && kind == Brk::No {
                continue;
            }
            let mut pen = if kind == Brk::No { EMERGENCY } else { 0.0 };
            // Ragged settings (headings, captions): where the text has spaces, they are its
            // phrase boundaries; break there rather than between two characters.
            if align != Align::Justify && q < m && !self.met[q - 1].space {
                pen += RAGGED_MIDPHRASE;
            }
            let mut i = q;
            if tolerance.is_some() && !last {
                let target = width - f64::from(indent) - 1.5 * f64::from(self.em(q - 1));
                hi = hi.max(floor);
                while hi + 1 < q && reach(q) - reach(hi + 1) >= target {
                    hi += 1;
                }
                i = (hi + 1).min(q);
            }
            // Bound the work per break even for absurd input (thousands of zero-width marks).
            let lowest = floor.max(q.saturating_sub(MAX_LINE_CLUSTERS));
            while i > lowest {
                i -= 1;
                if !best[i].is_finite() {
                    continue;
                }
                let avail = if i == 0 {
                    width - f64::from(indent)
                } else {
                    width
                };
                let f = self.fit(i, q);
                let min = f.nat - f.sha - f.shb;
                let d = if min > avail + FIT_SLACK * f64::from(self.em(i)) {
                    if i + 1 < q || tolerance.is_some() {
                        // Longer lines only get wider (allow for edge trims).
                        if min > avail + 2.0 * f64::from(self.em(i)) {
                            break;
                        }
                        continue;
                    }
                    OVERFULL + (min - avail) * 1e3
                } else {
                    let b = self.badness(&f, avail, last, align);
                    if let Some(t) = tolerance
                        && !last
                        && b > 100.0 * t * t * t
                    {
                        continue;
                    }
                    let mut d = (1.0 + b) * (1.0 + b);
                    if q == m && i > 0 && self.is_orphan(&f) {
                        d += ORPHAN;
                    }
                    d
                };
                let total = best[i] + d + pen;
                if total < best[q] {
                    best[q] = total;
                    prev[q] = i;
                }
            }
            if kind == Brk::Mandatory && q < m {
                floor = q;
            }
        }
        if !best[m].is_finite() {
            return (f64::INFINITY, Vec::new());
        }
        let mut path = vec![m];
        let mut q = m;
        while q > 0 {
            q = prev[q];
            path.push(q);
        }
        path.reverse();
        (best[m], path)
    }

    fn em(&self, k: usize) -> f32 {
        self.clusters.get(k).map_or(10.0, |c| c.size)
    }

    fn badness(&self, f: &LineFit, avail: f64, last: bool, align: Align) -> f64 {
        let delta = avail - f.nat;
        if delta >= 0.0 {
            if last || align != Align::Justify {
                return if last {
                    0.0
                } else {
                    ragged_badness(delta, avail)
                };
            }
            if delta < 1e-6 {
                return 0.0;
            }
            stretch_badness(delta / f.st.max(1e-3))
        } else {
            // A hair too long (FIT_SLACK) counts as fitting.
            let need = (-delta - FIT_SLACK * f.em).max(0.0);
            let sh = f.sha + f.shb;
            if need <= 0.0 {
                return 0.0;
            }
            if sh <= 0.0 {
                return BAD_MAX;
            }
            let r = need / sh;
            let extra = if need > f.sha + 1e-6 {
                SQUEEZE_STOPS
            } else {
                0.0
            };
            (100.0 * r * r * r).min(BAD_MAX) + extra
        }
    }

    /// 孤字: a last line holding one Han character (with its punctuation) and nothing else.
    fn is_orphan(&self, f: &LineFit) -> bool {
        if f.s >= f.e {
            return false;
        }
        let han = self.han[f.e] - self.han[f.s];
        let latin = |c: Class| matches!(c, Class::Latin | Class::Digit);
        let cont =
            f.s > 0 && latin(self.clusters[f.s].class) && latin(self.clusters[f.s - 1].class);
        let words = self.words[f.e] - self.words[f.s] + u32::from(cont);
        han <= 1 && words == 0
    }

    #[allow(clippy::too_many_arguments)]
    fn build_line(
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
        let delta = avail - f.nat;
        let want = spec.align == Align::Justify && !last && delta > 0.0;
        let justify = want && f.st > 0.0;
        let ratio = if justify { delta / f.st } else { 0.0 };
        // Last resort for a line without any stretchable gap (a piece of an overlong word):
        // spread the space between all its clusters so the edge is still flush.
        let letter = if want && !justify && f.e > f.s + 1 {
            delta / (f.e - f.s - 1) as f64
        } else {
            0.0
        };
        // Squeeze: first glue and non-final marks, then sentence-final stops.
        let (sq_a, sq_b) = if delta < 0.0 {
            let need = -delta;
            let a = if f.sha > 0.0 {
                (need / f.sha).min(1.0)
            } else {
                0.0
            };
            let rest = (need - f.sha).max(0.0);
            let b = if f.shb > 0.0 {
                (rest / f.shb).min(1.0)
            } else {
                0.0
            };
            (a, b)
        } else {
            (0.0, 0.0)
        };
        let offset = match spec.align {
            Align::Center if delta > 0.0 => delta / 2.0,
            Align::Right if delta > 0.0 => delta,
            _ => 0.0,
        };
        let mut x = f64::from(indent) + offset;
        let mut glyphs = Vec::with_capacity((f.e - f.s) * 2);
        let (mut max_size, mut asc, mut desc) = (0.0f32, 0.0f32, 0.0f32);
        for k in f.s..f.e {
            let c = &self.clusters[k];
            let mt = &self.met[k];
            let sq = if mt.final_stop { sq_b } else { sq_a };
            let lead = if k == f.s { mt.lead } else { 0.0 };
            let end = if k + 1 == f.e { mt.end } else { 0.0 };
            let sl = if k == f.s { 0.0 } else { mt.sl };
            let sr = if k + 1 == f.e { 0.0 } else { mt.sr };
            let cut_l = f64::from(mt.cut_l + lead) + sq * f64::from(sl);
            let cut_r = f64::from(mt.cut_r + end) + sq * f64::from(sr);
            let gap = if k + 1 < f.e {
                let g = &self.gaps[k];
                f64::from(g.w) + ratio * f64::from(g.st) - sq_a * f64::from(g.sh) + letter
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
                        f64::from(mt.w) + ratio * f64::from(mt.st) - sq_a * f64::from(mt.sh)
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
        let slack = FIT_SLACK * f64::from(self.em(f.s));
        let exact = justify || letter > 0.0 || (delta < 0.0 && -delta <= f.sha + f.shb + slack);
        if exact && let Some(g) = glyphs.last_mut() {
            let err = target - x;
            if err.abs() < 0.5 {
                g.advance += err as f32;
                x = target;
            }
        }
        let text_range = if f.s < f.e {
            self.clusters[f.s].start as usize..self.clusters[f.e - 1].end as usize
        } else {
            let at = self
                .clusters
                .get(f.s)
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
            justified: spec.align == Align::Justify && !last,
        }
    }
}

/// Badness of a line stretched at ratio `r`.
fn stretch_badness(r: f64) -> f64 {
    // 100·r³ reaches BAD_MAX at r ≈ 4.64.
    const R_MAX: f64 = 4.641_588_833_612_779;
    if r <= R_MAX {
        100.0 * r * r * r
    } else {
        (BAD_MAX + (r - R_MAX) * 2_000.0).min(BAD_CAP)
    }
}

/// For ragged alignments: prefer lines of similar length (mild).
fn ragged_badness(delta: f64, avail: f64) -> f64 {
    if avail <= 0.0 {
        return 0.0;
    }
    let r = delta / avail;
    (100.0 * r * r).min(BAD_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typeset::fonts::testfont::fonts;

    const SIZE: f32 = 10.0;

    fn set_with(text: &str, ems: f32, indent: f32, align: Align, level: Kinsoku) -> Paragraph {
        let f = fonts();
        let runs = [StyledRun {
            text: text.to_string(),
            font: f.body(),
            size: SIZE,
            rise: 0.0,
        }];
        let spec = ParagraphSpec {
            width: ems * SIZE,
            first_indent: indent * SIZE,
            align,
            kinsoku: level,
        };
        match set_paragraph(f, &runs, &spec) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        }
    }

    fn set(text: &str, ems: f32) -> Paragraph {
        set_with(text, ems, 0.0, Align::Justify, Kinsoku::Gb)
    }

    /// The lines' texts.
    fn lines(p: &Paragraph) -> Vec<&str> {
        p.lines
            .iter()
            .map(|l| &p.text[l.text_range.clone()])
            .collect()
    }

    /// Width in em of the glyph standing for `c` on line `line`.
    fn width_of(p: &Paragraph, line: usize, c: &str) -> f32 {
        let l = &p.lines[line];
        let g = l.glyphs.iter().find(|g| &p.text[g.text_range.clone()] == c);
        g.map_or(-1.0, |g| g.advance / SIZE)
    }

    /// Distance in em from the start of the first glyph for `from` to the first glyph for `to`
    /// after it, on line `line`.
    fn span(p: &Paragraph, line: usize, from: &str, to: &str) -> f32 {
        let gl = &p.lines[line].glyphs;
        let a = gl
            .iter()
            .position(|g| &p.text[g.text_range.clone()] == from);
        let b = a.and_then(|a| gl[a..].iter().find(|g| &p.text[g.text_range.clone()] == to));
        match (a, b) {
            (Some(a), Some(b)) => (b.x - gl[a].x) / SIZE,
            _ => -1.0,
        }
    }

    /// Text extraction (poppler) starts a new line where a glyph begins ½ em or more inside the
    /// previous glyph's box (its font advance): compression must stay under that.
    fn assert_no_deep_overlap(p: &Paragraph) {
        let f = fonts();
        for l in &p.lines {
            for w in l.glyphs.windows(2) {
                let face = f.shaper_face(w[0].font);
                let upem = f.units_per_em(w[0].font);
                let gid = rustybuzz::ttf_parser::GlyphId(w[0].glyph_id);
                let adv = face
                    .glyph_hor_advance(gid)
                    .map_or(0.0, |a| f32::from(a) / upem * w[0].size);
                let end = w[0].x + w[0].x_offset + adv;
                let overlap = end - (w[1].x + w[1].x_offset);
                assert!(
                    overlap < 0.4999 * w[0].size,
                    "{overlap} pt overlap in {:?}",
                    &p.text[l.text_range.clone()]
                );
            }
        }
    }

    fn assert_flush(p: &Paragraph, width: f32) {
        let n = p.lines.len();
        for (i, l) in p.lines.iter().enumerate().take(n.saturating_sub(1)) {
            let g = l.glyphs.last().map_or(0.0, |g| g.x + g.advance);
            assert!(
                (g - width).abs() < 0.01,
                "line {i} ends at {g}, not {width}: {:?}",
                lines(p)
            );
            assert!(l.justified);
        }
    }

    #[test]
    fn text_is_the_runs_concatenated_and_lines_cover_it() {
        let p = set("测试文本，“测”", 5.0);
        assert_eq!(p.text, "测试文本，“测”");
        assert_eq!(lines(&p).concat(), p.text);
    }

    #[test]
    fn opening_quote_is_not_left_at_line_end() {
        // typst#1009: in 5 em the comma hangs on line 1 (squeezed) and “测” goes down whole.
        let p = set("测试文本，“测”", 5.0);
        assert_eq!(lines(&p), ["测试文本，", "“测”"]);
        assert_flush(&p, 50.0);
    }

    #[test]
    fn comma_after_bracket_after_digit_does_not_start_a_line() {
        // typst#3082.
        let p = set("念姐遠米巴急（abc0），松黃貫誰。", 7.0);
        assert_eq!(lines(&p), ["念姐遠米巴急", "（abc0），松黃", "貫誰。"]);
        // The opening bracket at the line start is trimmed to ½ em, flush left.
        let g = &p.lines[1].glyphs[0];
        assert!((g.advance / SIZE - 0.5).abs() < 1e-3 && g.x.abs() < 1e-3);
        for ems in [6.0, 7.0, 8.0, 9.0, 10.0, 11.0] {
            let p = set("念姐遠米巴急（abc0），松黃貫誰。", ems);
            for l in lines(&p).iter().skip(1) {
                assert!(
                    !l.starts_with('，') && !l.starts_with('）'),
                    "{ems}: {:?}",
                    lines(&p)
                );
            }
            assert_flush(&p, ems * SIZE);
        }
    }

    #[test]
    fn interpunct_stays_with_the_name_and_is_half_an_em() {
        // typst#6774, in a 7-em box.
        let p = set("噫，克里斯蒂娜·罗塞蒂，还有阿加莎·克里斯蒂！", 7.0);
        assert_eq!(
            lines(&p),
            ["噫，克里斯蒂娜·", "罗塞蒂，还有阿", "加莎·克里斯蒂！"]
        );
        for l in lines(&p) {
            assert!(!l.starts_with('·'), "{:?}", lines(&p));
        }
        let (i, _) = lines(&p)
            .iter()
            .enumerate()
            .find(|(_, l)| l.contains('·'))
            .unwrap_or((0, &""));
        let w = width_of(&p, i, "·");
        assert!(w >= 0.5 - 1e-3, "· is {w} em");
        assert_flush(&p, 70.0);
    }

    #[test]
    fn two_em_dash_is_one_glyph_two_em_wide() {
        // typst#6735: 9 em, justified. locl (Hani/zh-Hans) makes U+2014 one em, ccmp ligates ——.
        let p = set("娜拉走后怎样？——别人可是也发表过意见的。", 9.0);
        let all: Vec<&PlacedGlyph> = p.lines.iter().flat_map(|l| &l.glyphs).collect();
        let dash: Vec<_> = all
            .iter()
            .filter(|g| p.text[g.text_range.clone()].contains('—'))
            .collect();
        assert_eq!(dash.len(), 1, "—— must be a single glyph");
        assert_eq!(&p.text[dash[0].text_range.clone()], "——");
        let l = lines(&p);
        assert_eq!(l[0], "娜拉走后怎样？——");
        // The dash is never stretched (no justification space inside or after it at line end).
        assert!(
            (dash[0].advance / SIZE - 2.0).abs() < 1e-3,
            "{}",
            dash[0].advance
        );
        assert_flush(&p, 90.0);
    }

    #[test]
    fn single_em_dash_is_one_em() {
        let p = set("北京—上海", 20.0);
        assert!((width_of(&p, 0, "—") - 1.0).abs() < 1e-3);
    }

    #[test]
    fn number_is_never_split_and_gets_quarter_em_glue() {
        let p = set("每年的消费量约4,000吨", 12.0);
        assert_eq!(lines(&p), ["每年的消费量约4,000吨"]);
        // ¼ em before and after the number: 约 ends where 4 starts minus 2.5 pt.
        let l = &p.lines[0];
        let yue = l
            .glyphs
            .iter()
            .find(|g| &p.text[g.text_range.clone()] == "约");
        let four = l
            .glyphs
            .iter()
            .find(|g| &p.text[g.text_range.clone()] == "4");
        if let (Some(a), Some(b)) = (yue, four) {
            assert!((b.x - a.x - 1.25 * SIZE).abs() < 1e-3, "{} {}", a.x, b.x);
        } else {
            panic!("glyphs missing");
        }
        // In a narrower measure the number moves down whole.
        let p = set("每年的消费量约4,000吨", 9.0);
        assert!(
            lines(&p).iter().any(|l| l.contains("4,000")),
            "{:?}",
            lines(&p)
        );
    }

    #[test]
    fn wan_stays_with_its_number() {
        for ems in 5..12 {
            let p = set("今年产量达到156.84万吨", ems as f32);
            assert!(
                lines(&p).iter().any(|l| l.contains("156.84万")),
                "{:?}",
                lines(&p)
            );
        }
    }

    #[test]
    fn adjacent_marks_are_compressed_to_one_and_a_half_em() {
        // 》！？: 》 loses its right blank next to ！; ！ loses its right blank next to ？.
        // In 10 em it all fits on one line: 10.5 em with 》！ and ！？ compressed and the final ？
        // trimmed, then ½ em squeezed out of ， and 《 alike (push-in).
        let p = set("原来，你也玩《原神》！？", 10.0);
        assert_eq!(lines(&p), ["原来，你也玩《原神》！？"]);
        assert_no_deep_overlap(&p);
        assert!((width_of(&p, 0, "，") - 0.75).abs() < 1e-3);
        // 《 keeps its own box and starts ¼ em early: 玩 (1 em) and 《 squeezed span 1.75 em.
        assert!((span(&p, 0, "玩", "原") - 1.75).abs() < 1e-3);
        assert!((p.lines[0].width - 100.0).abs() < 0.01);
        // GB: ？！ and ！？ take one em together; a triple two em.
        let p = set("真的！？好？？？走。", 30.0);
        assert!((width_of(&p, 0, "！") - 0.5).abs() < 1e-3);
        let qs: Vec<f32> = p.lines[0]
            .glyphs
            .iter()
            .filter(|g| &p.text[g.text_range.clone()] == "？")
            .map(|g| g.advance / SIZE)
            .collect();
        let want = [0.5, 0.5, 0.5, 1.0];
        assert!(
            qs.len() == 4 && qs.iter().zip(want).all(|(a, b)| (a - b).abs() < 1e-3),
            "{qs:?}"
        );
        let p = set("原来，你也玩《原神》！？", 30.0);
        assert!((width_of(&p, 0, "》") - 0.5).abs() < 1e-3);
        assert!((width_of(&p, 0, "！") - 0.5).abs() < 1e-3);
        assert!((width_of(&p, 0, "《") - 1.0).abs() < 1e-3);
        // Last line: the final ？ keeps its full em (ragged last line, no trim needed).
        let p = set("他说：“走吧。”", 30.0);
        assert!(
            (width_of(&p, 0, "。") - 0.5).abs() < 1e-3,
            "{}",
            width_of(&p, 0, "。")
        );
        assert!((width_of(&p, 0, "：") - 0.5).abs() < 1e-3);
    }

    #[test]
    fn line_end_stop_and_line_start_bracket_are_half_an_em() {
        // 4 em: 甲乙丙， | （丁戊）… the comma ends line 1 at ½ em, （ starts line 2 at ½ em.
        let p = set("甲乙丙，（丁戊己）庚辛", 4.0);
        assert_eq!(lines(&p)[0], "甲乙丙，");
        assert!(
            (width_of(&p, 0, "，") - 0.5).abs() < 0.05,
            "{}",
            width_of(&p, 0, "，")
        );
        assert!(lines(&p)[1].starts_with('（'));
        let g = &p.lines[1].glyphs[0];
        assert!((g.advance / SIZE - 0.5).abs() < 0.05 && g.x.abs() < 1e-3);
        assert_flush(&p, 40.0);
    }

    #[test]
    fn first_line_indent() {
        let p = set_with(
            "甲乙丙丁戊己庚辛壬癸子丑寅卯",
            6.0,
            2.0,
            Align::Justify,
            Kinsoku::Gb,
        );
        assert_eq!(lines(&p)[0].chars().count(), 4);
        assert!((p.lines[0].glyphs[0].x - 20.0).abs() < 1e-3);
        assert!((p.lines[0].x_start - 20.0).abs() < 1e-3);
    }

    #[test]
    fn no_single_character_last_line() {
        // 9 chars + 。 in 4 em would leave 「申。」 alone on the last line.
        let p = set("子丑寅卯辰巳午未申。", 4.0);
        let l = lines(&p);
        assert_eq!(l, ["子丑寅卯", "辰巳午", "未申。"]);
        assert_flush(&p, 40.0);
    }

    #[test]
    fn overlong_latin_word_still_sets() {
        let p = set(
            "这是Pneumonoultramicroscopicsilicovolcanoconiosis一词。",
            5.0,
        );
        assert_eq!(lines(&p).concat(), p.text);
        assert!(p.lines.len() >= 3);
        // Even the pieces of the word are flush (spread as a last resort).
        assert_flush(&p, 50.0);
    }

    #[test]
    fn source_space_between_cjk_and_latin_is_kept_but_set_as_quarter_em() {
        let p = set("使用 Rust 语言", 30.0);
        assert_eq!(lines(&p), ["使用 Rust 语言"]);
        let sp = p.lines[0]
            .glyphs
            .iter()
            .find(|g| &p.text[g.text_range.clone()] == " ");
        assert!(sp.is_some_and(|g| (g.advance / SIZE - 0.25).abs() < 1e-3));
    }

    #[test]
    fn centred_and_right_aligned() {
        let p = set_with("目录", 10.0, 0.0, Align::Center, Kinsoku::Gb);
        assert!((p.lines[0].glyphs[0].x - 40.0).abs() < 1e-3);
        let p = set_with("目录", 10.0, 0.0, Align::Right, Kinsoku::Gb);
        assert!((p.lines[0].width - 100.0).abs() < 1e-3);
    }

    #[test]
    fn missing_glyph_names_the_code_point() {
        let f = fonts();
        let runs = [StyledRun {
            text: "甲\u{E000}".into(),
            font: f.body(),
            size: SIZE,
            rise: 0.0,
        }];
        let spec = ParagraphSpec {
            width: 100.0,
            first_indent: 0.0,
            align: Align::Justify,
            kinsoku: Kinsoku::Gb,
        };
        let e = set_paragraph(f, &runs, &spec)
            .err()
            .map(|e| e.first().message.clone());
        assert!(e.is_some_and(|m| m.contains("U+E000")));
    }

    /// Every line start and end of `p`, checked against the prohibition rules of `level`.
    fn violations(p: &Paragraph, level: Kinsoku) -> Vec<String> {
        let chars: Vec<char> = p.text.chars().collect();
        let classes = breaks::classes(&chars);
        let class_at = |byte: usize| {
            let i = p.text[..byte].chars().count();
            (chars[i], classes[i])
        };
        let mut out = Vec::new();
        let n = p.lines.len();
        for (k, l) in p.lines.iter().enumerate() {
            if l.text_range.is_empty() {
                continue;
            }
            let (c, cl) = class_at(l.text_range.start);
            // Our rules, and the sets the PDF check (check_pdf.py) reads back from the PDF.
            if k > 0 && (cjk::no_start(c, cl, level) || CHECK_NO_START.contains(c)) {
                out.push(format!("line {k} starts with {c}"));
            }
            let last = p.text[l.text_range.clone()]
                .char_indices()
                .last()
                .map_or(0, |(i, _)| i);
            let (c, cl) = class_at(l.text_range.start + last);
            if k + 1 < n && (cjk::no_end(c, cl, level) || CHECK_NO_END.contains(c)) {
                out.push(format!("line {k} ends with {c}"));
            }
        }
        out
    }

    /// The sets of /work/shared/tools/check_pdf.py.
    const CHECK_NO_START: &str = "，。、；：？！）》」』”’〕】〗〉］｝·～%‰℃";
    const CHECK_NO_END: &str = "（《「『“‘〔【〖〈［｛";
    const NO_START: &str =
        "。．，、：；！？）〉》」』】〕〗〙〛］｝”’·・～–—…‼⁇々／!,.:;?)]}%％‰℃°";
    const NO_END: &str = "（〈《「『【〔〖〘〚［｛“‘(［{／/";

    #[test]
    fn adversarial_no_start_marks_at_every_line_start() {
        for level in [Kinsoku::Basic, Kinsoku::Gb, Kinsoku::Strict] {
            for mark in NO_START.chars() {
                for before in 1..7 {
                    let text = format!("{}{mark}乙丙丁戊己庚辛壬癸子丑", "甲".repeat(before));
                    for ems in [3.0, 4.0, 5.0, 6.0] {
                        let p = set_with(&text, ems, 0.0, Align::Justify, level);
                        let v = violations(&p, level);
                        assert!(v.is_empty(), "{text} in {ems} em: {v:?} {:?}", lines(&p));
                        assert_eq!(lines(&p).concat(), p.text);
                    }
                }
            }
        }
    }

    #[test]
    fn adversarial_no_end_marks_at_every_line_end() {
        for level in [Kinsoku::Basic, Kinsoku::Gb, Kinsoku::Strict] {
            for mark in NO_END.chars() {
                for before in 1..7 {
                    let text = format!("{}{mark}乙丙丁戊己庚辛壬癸子丑", "甲".repeat(before));
                    for ems in [3.0, 4.0, 5.0, 6.0] {
                        let p = set_with(&text, ems, 0.0, Align::Justify, level);
                        let v = violations(&p, level);
                        assert!(v.is_empty(), "{text} in {ems} em: {v:?} {:?}", lines(&p));
                    }
                }
            }
        }
    }

    #[test]
    fn strict_level_keeps_dash_and_ellipsis_off_the_line_start() {
        for text in ["甲乙丙——丁戊己庚", "甲乙丙……丁戊己庚"] {
            for ems in [3.0, 4.0] {
                let p = set_with(text, ems, 0.0, Align::Justify, Kinsoku::Strict);
                for l in lines(&p).iter().skip(1) {
                    assert!(
                        !l.starts_with('—') && !l.starts_with('…'),
                        "{:?}",
                        lines(&p)
                    );
                }
            }
        }
        // GB level: —— may start a line.
        let p = set_with("甲乙丙——丁戊己庚", 3.0, 0.0, Align::Justify, Kinsoku::Gb);
        assert_eq!(lines(&p)[1], "——丁");
    }

    #[test]
    fn justified_lines_are_flush_in_many_measures() {
        let text = "坚持以人民为中心的发展思想，聚焦群众“急难愁盼”问题，2021年共办实事156.84万件，\
                    涉及教育、医疗（含养老）、交通等领域；群众满意度达到98.5%——这是“345”工作法的成果。";
        for ems in 5..30 {
            let p = set(text, ems as f32);
            assert_flush(&p, ems as f32 * SIZE);
            assert_no_deep_overlap(&p);
            assert_eq!(lines(&p).concat().replace(' ', ""), p.text.replace(' ', ""));
            assert!(violations(&p, Kinsoku::Gb).is_empty(), "{:?}", lines(&p));
            // Glyphs of a line are in order and never overlap backwards.
            for l in &p.lines {
                for w in l.glyphs.windows(2) {
                    assert!((w[0].x + w[0].advance - w[1].x).abs() < 1e-3);
                }
            }
        }
    }

    #[test]
    fn text_ranges_are_exact_and_in_order() {
        let p = set("他说：“Hello, world!” 然后走了。", 8.0);
        let mut at = 0;
        for l in &p.lines {
            assert!(l.text_range.start >= at);
            assert!(
                p.text.is_char_boundary(l.text_range.start)
                    && p.text.is_char_boundary(l.text_range.end)
            );
            for g in &l.glyphs {
                assert!(
                    g.text_range.start >= l.text_range.start
                        && g.text_range.end <= l.text_range.end
                );
            }
            // Only spaces are left out between lines.
            assert!(p.text[at..l.text_range.start].chars().all(|c| c == ' '));
            at = l.text_range.end;
        }
        assert_eq!(at, p.text.len());
    }

    #[test]
    fn runs_keep_their_index_size_and_rise() {
        let f = fonts();
        let runs = [
            StyledRun {
                text: "正文".into(),
                font: f.body(),
                size: SIZE,
                rise: 0.0,
            },
            StyledRun {
                text: "1".into(),
                font: f.body(),
                size: 6.0,
                rise: 3.0,
            },
            StyledRun {
                text: "继续。".into(),
                font: f.body(),
                size: SIZE,
                rise: 0.0,
            },
        ];
        let spec = ParagraphSpec {
            width: 100.0,
            first_indent: 0.0,
            align: Align::Justify,
            kinsoku: Kinsoku::Gb,
        };
        let p = set_paragraph(f, &runs, &spec).map_err(|e| e.to_string());
        let p = p.as_ref().map_err(|e| e.as_str());
        let Ok(p) = p else { panic!("{p:?}") };
        assert_eq!(p.text, "正文1继续。");
        let one = p.lines[0].glyphs.iter().find(|g| g.run == 1);
        assert!(one.is_some_and(|g| g.size == 6.0 && (g.y_offset - 3.0).abs() < 1e-3));
        // No CJK–Latin glue at a superscript boundary: the marker touches 文.
        let wen = p.lines[0]
            .glyphs
            .iter()
            .find(|g| &p.text[g.text_range.clone()] == "文");
        let (Some(wen), Some(one)) = (wen, one) else {
            panic!("glyphs")
        };
        assert!((wen.x + wen.advance - one.x).abs() < 1e-3);
        assert_eq!(p.lines[0].max_size, SIZE);
    }

    #[test]
    fn forced_line_break_ends_an_unjustified_line() {
        let p = set("甲乙\n丙丁", 10.0);
        assert_eq!(lines(&p), ["甲乙", "丙丁"]);
        assert!(!p.lines[0].justified);
    }

    #[test]
    fn each_cluster_falls_back_to_a_face_that_has_it() {
        let latin = std::path::PathBuf::from("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf");
        if !latin.exists() {
            return;
        }
        let mut s = crate::typeset::fonts::testfont::settings();
        s.heading = crate::book::model::FontFile {
            path: latin,
            index: 0,
        };
        let f = FontSet::load(&s).map_err(|e| e.to_string());
        let Ok(f) = f else { panic!("{f:?}") };
        let runs = [StyledRun {
            text: "Rust语言".into(),
            font: f.heading(),
            size: SIZE,
            rise: 0.0,
        }];
        let spec = ParagraphSpec {
            width: 100.0,
            first_indent: 0.0,
            align: Align::Left,
            kinsoku: Kinsoku::Gb,
        };
        let p = set_paragraph(&f, &runs, &spec).map_err(|e| e.to_string());
        let Ok(p) = p else { panic!("{p:?}") };
        let font_of = |c: &str| {
            p.lines[0]
                .glyphs
                .iter()
                .find(|g| &p.text[g.text_range.clone()] == c)
                .map(|g| g.font)
        };
        assert_eq!(font_of("R"), Some(f.heading()));
        assert_eq!(font_of("语"), Some(f.body()));
    }

    #[test]
    fn apostrophe_in_a_latin_word_is_latin_but_quotes_are_full_width() {
        let p = set("读Children’s Books和“书”", 30.0);
        let w = width_of(&p, 0, "’");
        assert!(w > 0.0 && w < 0.5, "apostrophe {w} em");
        assert!((width_of(&p, 0, "“") - 1.0).abs() < 1e-3);
    }

    #[test]
    fn squeezes_punctuation_before_pushing_a_character_down() {
        // 甲乙，丙丁，戊己。 is 9 em; in 8 em the final 。 loses ½ em at the line end and one
        // comma ½ em inside the line (push-in), rather than leaving 「戊己。」 or 「己。」 below.
        let p = set("甲乙，丙丁，戊己。", 8.0);
        assert_eq!(lines(&p), ["甲乙，丙丁，戊己。"]);
        let w = p.lines[0].width;
        assert!((w - 80.0).abs() < 0.01, "{w}");
        let commas = width_of(&p, 0, "，");
        assert!(commas < 1.0 - 0.2, "comma {commas} em");
    }

    #[test]
    fn degenerate_input_never_panics() {
        for ems in [0.0, 0.05, 1.0, 1000.0] {
            for text in [
                "",
                " ",
                "   ",
                "\n",
                "甲\n\n乙",
                "。。。。",
                "（（（（",
                "——————",
                "a",
                "\u{200B}\u{200B}甲",
                "甲\t乙",
            ] {
                let p = set(text, ems);
                assert_eq!(p.text, text);
                let solid = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
                assert_eq!(solid(&lines(&p).concat()), solid(text), "{ems} em");
                let notdef = p
                    .lines
                    .iter()
                    .flat_map(|l| &l.glyphs)
                    .any(|g| g.glyph_id == 0);
                assert!(!notdef, "{text:?} drew .notdef");
            }
        }
    }

    #[test]
    fn ideographic_space_vanishes_at_a_line_end() {
        // 图1　caption: U+3000 may not start a line, and at a line end it takes no room.
        let p = set("甲乙丙丁　戊己庚辛壬癸", 4.0);
        assert_eq!(lines(&p)[0], "甲乙丙丁　");
        assert!(width_of(&p, 0, "　").abs() < 1e-3);
        assert_flush(&p, 40.0);
    }

    #[test]
    fn centred_heading_breaks_at_its_phrase_space() {
        let p = set_with(
            "形式多样学党史 多措并举办实事",
            12.0,
            0.0,
            Align::Center,
            Kinsoku::Gb,
        );
        assert_eq!(lines(&p), ["形式多样学党史", "多措并举办实事"]);
        // Each line centred: 7 em in 12 em starts 2.5 em in.
        assert!((p.lines[0].x_start - 25.0).abs() < 1e-3);
        // Without spaces a caption simply fills its lines.
        let p = set_with(
            "茶陵县组织红色主题文艺活动，升温党史学习教育。",
            12.0,
            0.0,
            Align::Center,
            Kinsoku::Gb,
        );
        assert_eq!(lines(&p)[0].chars().count(), 12);
    }

    #[test]
    fn random_mixed_text_always_sets_completely() {
        // Deterministic xorshift over a pool of Han, marks, Latin, digits and spaces.
        let pool: Vec<char> =
            "的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以\
            ，。、：；！？“”‘’（）《》「」【】·—…～／/ abcXYZ0123456789%,.-"
                .chars()
                .collect();
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..300 {
            let len = 1 + next(80);
            let text: String = (0..len).map(|_| pool[next(pool.len())]).collect();
            let ems = 2.0 + next(30) as f32;
            let p = set(&text, ems);
            assert_no_deep_overlap(&p);
            let solid = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            assert_eq!(
                solid(&lines(&p).concat()),
                solid(&text),
                "{text:?} in {ems} em"
            );
            for l in p.lines.iter().take(p.lines.len().saturating_sub(1)) {
                let end = l.glyphs.last().map_or(0.0, |g| g.x + g.advance);
                // Flush unless a single unbreakable piece is wider than the measure.
                if end <= ems * SIZE + 0.01 && l.glyphs.len() > 1 {
                    assert!(
                        (end - ems * SIZE).abs() < 0.01,
                        "{text:?} in {ems} em: {:?}",
                        lines(&p)
                    );
                }
            }
        }
    }
}
