//! Page furniture of a vertical book, placed for right-to-left reading.
//!
//! A vertical book is bound on the right: its rectos (even page index, odd page number) lie on
//! the left of a spread, so their binding edge is the right one and their outer edge the left
//! one; a verso is the mirror. The transposed frame cannot alternate the right and left margins
//! (they are its top and bottom, the same on every page) and alternates its left one (the
//! upright top) instead, so each page's columns are moved here onto the right margins.
//!
//! The folio is set as in a horizontal book (digits upright and side by side) at the foot of
//! the outer corner. The running head becomes a short column in the fore-edge margin, level
//! with the top of the columns, as Taiwanese vertical books place it: a head across the top
//! margin would be the one line of horizontal text on the page, read against the columns,
//! while a column in the margin reads down like the text beside it. The hairline under a
//! horizontal head has no use beside a column and is left out.

use super::Turn;
use crate::book::model::Book;
use crate::typeset::document::{ArtifactKind, Item, Page, PageStart};
use crate::typeset::page::geometry::Geometry;

/// Where the upright page's columns and margins are, in points.
pub(super) struct Frame {
    page_w: f32,
    top: f32,
    inner: f32,
    outer: f32,
    /// The transposed frame's geometry: its measure is the column length, its area height the
    /// width of the block of columns.
    turned: Geometry,
}

impl Frame {
    pub(super) fn new(book: &Book, turned: &Book) -> Frame {
        let p = &book.pdf;
        Frame {
            page_w: p.page_width,
            top: p.margin_top,
            inner: p.margin_inner,
            outer: p.margin_outer,
            turned: Geometry::new(turned),
        }
    }

    /// How far page `index`'s turned columns move to sit on its own margins: a recto's binding
    /// margin is on its right, and every page's columns start `top` below the page's top edge.
    pub(super) fn correction(&self, index: usize, page: &Page) -> (f32, f32) {
        // The cover and the cover picture are placed on the page, not in the type area.
        if page.start == PageStart::Cover || is_cover_picture(page) {
            return (0.0, 0.0);
        }
        let dy = self.top - self.turned.left(index) + self.turned.pad;
        let dx = if is_recto(index) {
            self.outer - self.inner
        } else {
            0.0
        };
        (dx, dy)
    }

    /// The right edge of page `index`'s block of columns.
    fn columns_right(&self, index: usize) -> f32 {
        self.page_w - self.binding_right(index)
    }

    /// The margin on the right of page `index`: the binding margin on a recto.
    fn binding_right(&self, index: usize) -> f32 {
        if is_recto(index) {
            self.inner
        } else {
            self.outer
        }
    }

    fn columns_left(&self, index: usize) -> f32 {
        self.columns_right(index) - self.turned.area_h
    }

    /// The top and bottom of the columns.
    fn columns_top(&self) -> f32 {
        self.top + self.turned.pad
    }

    fn columns_bottom(&self) -> f32 {
        self.columns_top() + self.turned.measure
    }
}

/// A right-bound book's recto: the left page of a spread (page i, 1, 3 …).
fn is_recto(index: usize) -> bool {
    index.is_multiple_of(2)
}

/// Whether the page is the cover picture, which fills it to the trim edge.
fn is_cover_picture(page: &Page) -> bool {
    page.start == PageStart::Blank
        && matches!(page.items.as_slice(), [Item::Image(i)] if i.x == 0.0 && i.y == 0.0)
}

/// Whether the item is a running head, its rule or a folio, which are placed, not turned.
pub(super) fn is_furniture(it: &Item) -> bool {
    match it {
        Item::Glyphs(g) => g.artifact != ArtifactKind::Layout,
        Item::Line(l) => l.artifact == ArtifactKind::Header,
        _ => false,
    }
}

impl Turn<'_> {
    /// Sets page `index`'s running head and folio (`furniture`, as the transposed frame set
    /// them) in its margins.
    pub(super) fn furniture(
        &mut self,
        frame: &Frame,
        index: usize,
        furniture: Vec<Item>,
        page: &mut Page,
    ) {
        let (mut head, mut folio) = (Vec::new(), Vec::new());
        for it in furniture {
            match it {
                Item::Glyphs(g) if g.artifact == ArtifactKind::PageNumber => folio.push(g),
                Item::Glyphs(g) => head.push(g),
                _ => {}
            }
        }
        self.folio(frame, index, folio, &mut page.items);
        self.head(frame, index, head, &mut page.items);
    }

    /// The folio upright at the foot of the outer corner, as far below the columns as a
    /// horizontal book's is below its lines.
    fn folio(
        &self,
        frame: &Frame,
        index: usize,
        runs: Vec<crate::typeset::document::GlyphRun>,
        out: &mut Vec<Item>,
    ) {
        let Some((start, end)) = span(&runs) else {
            return;
        };
        let t = &frame.turned;
        // The transposed frame's folio line sits 0.9 pitch under its area.
        let below = t.top + t.area_h;
        let x = if is_recto(index) {
            frame.columns_left(index)
        } else {
            frame.columns_right(index) - (end - start)
        };
        for mut g in runs {
            g.x += x - start;
            g.y += frame.columns_bottom() - below;
            out.push(Item::Glyphs(g));
        }
    }

    /// The running head as a column in the fore-edge margin, its top level with the columns'.
    fn head(
        &mut self,
        frame: &Frame,
        index: usize,
        runs: Vec<crate::typeset::document::GlyphRun>,
        out: &mut Vec<Item>,
    ) {
        let Some((start, _)) = span(&runs) else {
            return;
        };
        let Some(first) = runs.first() else {
            return;
        };
        // Where the turned head's column would stand, and where it should.
        let (centre, _) = self.column(first);
        let gap = frame.turned.pitch * 0.75 + first.size / 2.0;
        let wanted = if is_recto(index) {
            frame.columns_left(index) - gap
        } else {
            frame.columns_right(index) + gap
        };
        let (dx, dy) = (wanted - centre, frame.columns_top() - start);
        let mut column = Vec::new();
        for g in runs {
            self.item(Item::Glyphs(g), &mut column);
        }
        for mut it in column {
            it.translate(dx, dy);
            out.push(it);
        }
    }
}

/// Where a line of runs starts and ends along it.
fn span(runs: &[crate::typeset::document::GlyphRun]) -> Option<(f32, f32)> {
    let start = runs.iter().map(|g| g.x).reduce(f32::min)?;
    let end = runs.iter().map(|g| g.x + g.width()).reduce(f32::max)?;
    Some((start, end))
}
