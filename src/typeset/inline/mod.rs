//! Setting one paragraph into lines: shaping, break opportunities, punctuation compression,
//! CJK–Latin glue, total-fit line breaking (Knuth–Plass over the opportunities), line-edge trims,
//! justification and the 孤字 rule (docs/typesetting.md §2–§6).
//!
//! The pipeline of [`set_paragraph`], one pass a file:
//! 1. [`breaks`]: classes of every character in context ([`crate::cjk::classify`]) and the break
//!    opportunities (UAX #14 + zh tailoring + prohibition level);
//! 2. [`shape`]: shaping by items of one run, one face (per-cluster fallback) and one script (Hani/zh-Hans
//!    for CJK, Latin for letters and digits), into clusters (one character, or a ligature such as
//!    `——`);
//! 3. `measure`: metrics of each cluster: the blank on each side of a full-width mark (from `halt`, else the
//!    ink box), adjacent marks compressed to 1.5 em (and ？！ pairs to 1 em), the ½-em box of
//!    the interpunct, the ¼-em CJK–Latin glue (replacing a source space), stretchable gaps;
//! 4. `linebreak`: the cheapest sequence of lines, where a line's demerits grow with its stretch
//!    ratio, a line that is too long may squeeze punctuation blank and glue (push-in) and
//!    otherwise breaks earlier (push-out), a last line with a single Han character costs a large
//!    penalty, and breaking where no break is allowed is possible only as a last resort;
//! 5. `build`: lines with edge trims (opening mark at the start, stop or closing mark at the end to ½ em),
//!    squeeze or justification spread by ratio, exact positions (the last glyph of a justified
//!    line ends at the measure).

pub mod breaks;
mod build;
mod linebreak;
mod measure;
pub(crate) mod shape;
#[cfg(test)]
mod tests;

pub use shape::StyledRun;

use crate::book::model::Kinsoku;
use crate::diag::Result;
use crate::typeset::fonts::{FontId, FontSet};
use breaks::Brk;
use linebreak::LineMeasure;
use std::ops::Range;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextAlign {
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
    pub align: TextAlign,
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
    let urls = breaks::url_spans(&chars);
    let brk = breaks::opportunities(&text, &chars, &classes, spec.kinsoku, &urls);
    let shaping = Instant::now();
    let mut shaped = shape::shape_paragraph(fonts, runs, &text, &chars, &classes)?;
    let shaped_at = Instant::now();
    let (metrics, gaps) = measure::measure(fonts, &mut shaped, &chars, &urls);
    let clusters = &shaped.clusters;
    // Break before cluster k (k in 1..m).
    let brk_before: Vec<Brk> = clusters.iter().map(|c| brk[c.ch as usize]).collect();
    let layout = LineMeasure::new(clusters, &metrics, &gaps, &brk_before);
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
