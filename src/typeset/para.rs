//! CONTRACT STUB (to be replaced by the typesetting engine): set one paragraph into lines.

use crate::book::model::Kinsoku;
use crate::diag::{Diagnostic, Result};
use crate::typeset::fonts::{FontId, FontSet};
use std::ops::Range;

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
    /// The byte range of `Paragraph::text` this line shows.
    pub text_range: Range<usize>,
    /// Distance from the left edge of the measure to the start of the first glyph (indent).
    pub x_start: f32,
    /// The largest font size on the line, in points (for line spacing).
    pub max_size: f32,
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

/// Shapes, breaks and justifies one paragraph.
pub fn set_paragraph(
    _fonts: &FontSet,
    _runs: &[StyledRun],
    _spec: &ParagraphSpec,
) -> Result<Paragraph> {
    Err(Diagnostic::error("paragraph setting not implemented yet").into())
}
