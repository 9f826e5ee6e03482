//! Page geometry: the type area, the baseline grid and the sizes every stage of the page layout
//! shares. Built from the book's settings only (no fonts), so pagination can be tested alone.

use crate::book::model::Book;
use crate::units::Em;

/// Sizes and positions derived from the book's settings.
#[derive(Debug, Clone)]
pub struct Geometry {
    pub page_w: f32,
    pub page_h: f32,
    pub top: f32,
    pub inner: f32,
    pub outer: f32,
    /// The line measure (a whole number of body ems).
    pub measure: f32,
    /// Extra left offset that centres the measure in the type area.
    pub pad: f32,
    /// Body size and grid pitch.
    pub size: f32,
    pub pitch: f32,
    /// Height of the type area, a whole number of grid lines.
    pub area_h: f32,
    pub lines: usize,
}

impl Geometry {
    pub fn new(book: &Book) -> Geometry {
        let p = &book.pdf;
        let size = if p.font_size > 1.0 { p.font_size } else { 10.5 };
        let pitch = size
            * if p.line_height > 0.5 {
                p.line_height
            } else {
                1.7
            };
        let avail = (p.page_width - p.margin_inner - p.margin_outer).max(size * 4.0);
        // A whole number of ems: a line of pure Han characters needs no stretching.
        let measure = ((avail / size).floor() * size).max(size);
        let pad = (avail - measure) / 2.0;
        let h = (p.page_height - p.margin_top - p.margin_bottom).max(pitch * 4.0);
        let lines = ((h / pitch) + 0.01).floor().max(4.0) as usize;
        Geometry {
            page_w: p.page_width,
            page_h: p.page_height,
            top: p.margin_top,
            inner: p.margin_inner,
            outer: p.margin_outer,
            measure,
            pad,
            size,
            pitch,
            area_h: lines as f32 * pitch,
            lines,
        }
    }

    /// Left edge of the measure on physical page `index` (0-based; even index = recto).
    pub fn left(&self, index: usize) -> f32 {
        (if index.is_multiple_of(2) {
            self.inner
        } else {
            self.outer
        }) + self.pad
    }

    /// Baseline offset inside one grid line for text of `size` whose em box top is `em_top` em
    /// above the baseline ([`crate::typeset::fonts::FontSet::em_box_top`]): the em box centred on
    /// the line.
    pub fn baseline_in_line(&self, size: f32, em_top: Em) -> f32 {
        (self.pitch - size) / 2.0 + em_top.at(size)
    }
}

/// Caption, footnote and table-cell size relative to body (9 pt under 10.5 pt); `check` measures
/// with it too, so its "cannot be set" findings agree with the layout.
pub const SMALL: f32 = 9.0 / 10.5;
/// Indent of list item text past the list's left edge, in body ems.
pub const LIST_INDENT_EM: f32 = 2.5;
/// Indent of a block quote on each side, in body ems.
pub const QUOTE_INDENT_EM: f32 = 2.0;
/// Nested lists and quotes stop indenting where a line would get shorter than this, in body ems.
pub const MIN_MEASURE_EM: f32 = 10.0;

pub(super) fn snap(y: f32, pitch: f32) -> f32 {
    ((y - 0.01) / pitch).ceil().max(0.0) * pitch
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snap_rounds_up_to_grid() {
        assert_eq!(snap(0.0, 10.0), 0.0);
        assert_eq!(snap(10.0, 10.0), 10.0);
        assert_eq!(snap(10.5, 10.0), 20.0);
    }
}
