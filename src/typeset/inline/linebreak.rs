//! Line breaking: total fit (Knuth–Plass) over the break opportunities, on prefix sums of the
//! measured clusters, so that each candidate line is measured in O(1).

use crate::cjk::Class;
use crate::typeset::inline::TextAlign;
use crate::typeset::inline::breaks::Brk;
use crate::typeset::inline::measure::{Gap, Metrics};
use crate::typeset::inline::shape::Cluster;

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
/// Breaking a centred/ragged line elsewhere than at a space.
const RAGGED_MIDPHRASE: f64 = 1_000.0;
/// Breaking inside a web address (about a justified line at stretch ratio 0.8).
const URL_BREAK: f64 = 2_500.0;
/// No line holds more clusters than this (a bound on the breaking work, never reached by text).
const MAX_LINE_CLUSTERS: usize = 4096;
/// A line may be this much (in em) too long for its squeeze: the rest is taken from the last
/// glyph's advance, out of sight (it makes up for MAX_CUT being a hair under ½ em).
pub(super) const FIT_SLACK: f64 = 0.001;
/// First-pass tolerance: the largest stretch ratio of a line (r = 2.5: badness 1562).
const TOLERANCE: f64 = 2.5;

/// The measured clusters of one paragraph with prefix sums over them and their gaps, so that
/// the width, stretch and squeeze of any candidate line cost O(1). `x[k]` sums clusters (or
/// gaps) `0..k`.
pub(super) struct LineMeasure<'a> {
    pub(super) clusters: &'a [Cluster],
    pub(super) met: &'a [Metrics],
    pub(super) gaps: &'a [Gap],
    pub(super) brk: &'a [Brk],
    /// Over clusters: width, stretch, squeeze (glue and non-final marks; final stops).
    pub(super) width: Vec<f64>,
    pub(super) stretch: Vec<f64>,
    pub(super) squeeze_glue: Vec<f64>,
    pub(super) squeeze_stops: Vec<f64>,
    /// Over gaps: width, stretch, shrink.
    pub(super) gap_width: Vec<f64>,
    pub(super) gap_stretch: Vec<f64>,
    pub(super) gap_shrink: Vec<f64>,
    /// Han clusters, Latin word starts.
    pub(super) han: Vec<u32>,
    pub(super) words: Vec<u32>,
    /// first non-space cluster ≥ k, and last non-space cluster < k (+1).
    pub(super) first_solid: Vec<usize>,
    pub(super) last_solid: Vec<usize>,
}

pub(super) struct LineFit {
    /// Size of the first cluster (the em for tolerances).
    pub(super) em: f64,
    /// The clusters shown: `first..end` (spaces at either edge dropped).
    pub(super) first: usize,
    pub(super) end: usize,
    /// Natural width (edge trims applied) and total stretch.
    pub(super) natural: f64,
    pub(super) stretch: f64,
    /// What a tight line may squeeze: glue and non-final marks first, then sentence-final stops.
    pub(super) squeeze_glue: f64,
    pub(super) squeeze_stops: f64,
}

impl<'a> LineMeasure<'a> {
    pub(super) fn new(
        clusters: &'a [Cluster],
        met: &'a [Metrics],
        gaps: &'a [Gap],
        brk: &'a [Brk],
    ) -> Self {
        let m = clusters.len();
        let mut l = LineMeasure {
            clusters,
            met,
            gaps,
            brk,
            width: Vec::with_capacity(m + 1),
            stretch: Vec::with_capacity(m + 1),
            squeeze_glue: Vec::with_capacity(m + 1),
            squeeze_stops: Vec::with_capacity(m + 1),
            gap_width: Vec::with_capacity(m + 1),
            gap_stretch: Vec::with_capacity(m + 1),
            gap_shrink: Vec::with_capacity(m + 1),
            han: Vec::with_capacity(m + 1),
            words: Vec::with_capacity(m + 1),
            first_solid: vec![m; m + 1],
            last_solid: vec![0; m + 1],
        };
        let (mut w, mut st, mut sa, mut sb, mut g, mut gs, mut gh) =
            (0.0f64, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        let (mut h, mut wd) = (0u32, 0u32);
        for k in 0..=m {
            l.width.push(w);
            l.stretch.push(st);
            l.squeeze_glue.push(sa);
            l.squeeze_stops.push(sb);
            l.gap_width.push(g);
            l.gap_stretch.push(gs);
            l.gap_shrink.push(gh);
            l.han.push(h);
            l.words.push(wd);
            if k == m {
                break;
            }
            let mt = &met[k];
            w += f64::from(mt.width);
            st += f64::from(mt.stretch);
            let blank = f64::from(mt.squeeze_left + mt.squeeze_right + mt.shrink);
            if mt.final_stop {
                sb += blank;
            } else {
                sa += blank;
            }
            g += f64::from(gaps[k].width);
            gs += f64::from(gaps[k].stretch);
            gh += f64::from(gaps[k].shrink);
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
    pub(super) fn fit(&self, p: usize, q: usize) -> LineFit {
        let s = self.first_solid[p];
        let e = self.last_solid[q];
        if s >= e {
            return LineFit {
                em: 0.0,
                first: s,
                end: s,
                natural: 0.0,
                stretch: 0.0,
                squeeze_glue: 0.0,
                squeeze_stops: 0.0,
            };
        }
        let (ms, me) = (&self.met[s], &self.met[e - 1]);
        let lead = f64::from(ms.trim_start);
        let end = f64::from(me.trim_end);
        let nat =
            self.width[e] - self.width[s] + self.gap_width[e - 1] - self.gap_width[s] - lead - end;
        let st = self.stretch[e] - self.stretch[s] + self.gap_stretch[e - 1] - self.gap_stretch[s];
        // Blank trimmed at the edges can no longer be squeezed.
        // At the line edges there is no neighbour to squeeze against.
        let lead_blank = f64::from(ms.squeeze_left);
        let end_blank = f64::from(me.squeeze_right);
        let mut sha = self.squeeze_glue[e] - self.squeeze_glue[s] + self.gap_shrink[e - 1]
            - self.gap_shrink[s]
            - lead_blank;
        let mut shb = self.squeeze_stops[e] - self.squeeze_stops[s];
        if me.final_stop {
            shb -= end_blank;
        } else {
            sha -= end_blank;
        }
        sha = sha.max(0.0);
        shb = shb.max(0.0);
        LineFit {
            em: f64::from(self.clusters[s].size),
            first: s,
            end: e,
            natural: nat,
            stretch: st,
            squeeze_glue: sha,
            squeeze_stops: shb,
        }
    }

    /// Total-fit breaking: the boundaries (cluster indices, from 0 to m) of the lines.
    ///
    /// A first pass considers only allowed breaks and lines that need at most `TOLERANCE` of
    /// their stretch (a handful of candidates per break, found with a moving pointer over prefix
    /// sums); if that finds nothing acceptable, a second pass considers every line and, as a last
    /// resort, breaks where no break is allowed.
    pub(super) fn best_breaks(&self, width: f32, indent: f32, align: TextAlign) -> Vec<usize> {
        let (cost, path) = self.breaks_pass(width, indent, align, Some(TOLERANCE));
        if cost < ORPHAN {
            return path;
        }
        self.breaks_pass(width, indent, align, None).1
    }

    pub(super) fn breaks_pass(
        &self,
        width: f32,
        indent: f32,
        align: TextAlign,
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
        let reach = |k: usize| {
            self.width[k] + self.gap_width[k] + r * (self.stretch[k] + self.gap_stretch[k])
        };
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
            if align != TextAlign::Justify && q < m && !self.met[q - 1].space {
                pen += RAGGED_MIDPHRASE;
            }
            // A line ending inside a web address is set flush left (see `Brk::Url`), at a cost
            // that makes it the choice only where a line would otherwise be spread.
            let align = if kind == Brk::Url {
                pen += URL_BREAK;
                TextAlign::Left
            } else {
                align
            };
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
                let min = f.natural - f.squeeze_glue - f.squeeze_stops;
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

    pub(super) fn em(&self, k: usize) -> f32 {
        self.clusters.get(k).map_or(10.0, |c| c.size)
    }

    pub(super) fn badness(&self, f: &LineFit, avail: f64, last: bool, align: TextAlign) -> f64 {
        let delta = avail - f.natural;
        if delta >= 0.0 {
            if last || align != TextAlign::Justify {
                return if last {
                    0.0
                } else {
                    ragged_badness(delta, avail)
                };
            }
            if delta < 1e-6 {
                return 0.0;
            }
            stretch_badness(delta / f.stretch.max(1e-3))
        } else {
            // A hair too long (FIT_SLACK) counts as fitting.
            let need = (-delta - FIT_SLACK * f.em).max(0.0);
            let sh = f.squeeze_glue + f.squeeze_stops;
            if need <= 0.0 {
                return 0.0;
            }
            if sh <= 0.0 {
                return BAD_MAX;
            }
            let r = need / sh;
            let extra = if need > f.squeeze_glue + 1e-6 {
                SQUEEZE_STOPS
            } else {
                0.0
            };
            (100.0 * r * r * r).min(BAD_MAX) + extra
        }
    }

    /// 孤字: a last line holding one Han character (with its punctuation) and nothing else.
    pub(super) fn is_orphan(&self, f: &LineFit) -> bool {
        if f.first >= f.end {
            return false;
        }
        let han = self.han[f.end] - self.han[f.first];
        let latin = |c: Class| matches!(c, Class::Latin | Class::Digit);
        let cont = f.first > 0
            && latin(self.clusters[f.first].class)
            && latin(self.clusters[f.first - 1].class);
        let words = self.words[f.end] - self.words[f.first] + u32::from(cont);
        han <= 1 && words == 0
    }
}

/// Badness of a line stretched at ratio `r`.
pub(super) fn stretch_badness(r: f64) -> f64 {
    // 100·r³ reaches BAD_MAX at r ≈ 4.64.
    const R_MAX: f64 = 4.641_588_833_612_779;
    if r <= R_MAX {
        100.0 * r * r * r
    } else {
        (BAD_MAX + (r - R_MAX) * 2_000.0).min(BAD_CAP)
    }
}

/// For ragged alignments: prefer lines of similar length (mild).
pub(super) fn ragged_badness(delta: f64, avail: f64) -> f64 {
    if avail <= 0.0 {
        return 0.0;
    }
    let r = delta / avail;
    (100.0 * r * r).min(BAD_MAX)
}
