//! Distribute: places pieces (grid lines and blocks of free height) onto pages.
//!
//! Input: the [`Piece`]s of the collect stage and a [`Geometry`]; output: [`PageBuild`]s and
//! the destinations found on them. No fonts: the rules below are unit-tested with synthetic
//! pieces (see `tests` at the end of this file).
//!
//! - Widows and orphans: a paragraph split across pages leaves at least two lines on each side.
//! - Keep with next: a heading (or a section opening) moves to the next page together with the
//!   first lines of what follows, so it is never the last thing on a page.
//! - Floats: a figure that does not fit goes to the top of the next page while the text fills
//!   this one; figures keep their order and never leave their section ([`Piece::Flush`]).
//! - A block taller than the type area is cut between its items.
//! - Make-up: no page of a section but its first holds 1 to 3 lines of text alone (no
//!   picture), and the book's last page holds at least a quarter page. A section whose last
//!   page would is set again, first with its opening sunk less ([`BlockBox::sink`]), then with
//!   lines pushed forward from the page before ([`Paginator::run`], [`Makeup`]); every rule
//!   above holds in each try.

use crate::typeset::document::{Destination, Item, SourcePos};
use crate::typeset::page::geometry::{Geometry, snap};
use footnotes::{Foot, NoteSet};
use std::sync::Arc;

/// Footnote placement is part of pagination: the paginator places each line's notes as it goes.
pub(super) mod footnotes;
/// Make-up: short pages set again, figures drawn smaller to stay before a heading.
mod makeup;
pub(super) use makeup::{Makeup, Shrink};

/// Distributes `pieces` onto pages, the first of which is physical page `start`.
#[cfg(test)]
pub(super) fn paginate(g: &Geometry, start: usize, pieces: Vec<Piece>) -> BodyPages {
    paginate_notes(g, start, &pieces, std::rc::Rc::new(NoteSet::default()))
}

/// [`paginate`], setting the `notes` the pieces refer to at the foot of their pages.
pub(super) fn paginate_notes(
    g: &Geometry,
    start: usize,
    pieces: &[Piece],
    notes: std::rc::Rc<NoteSet>,
) -> BodyPages {
    let mut pg = Paginator::new(g, start);
    pg.foot.notes = notes;
    pg.run(pieces);
    pg.into_body()
}

/// [`paginate`] without make-up: the rules it keeps, tested alone.
#[cfg(test)]
pub(super) fn paginate_plain(g: &Geometry, start: usize, pieces: Vec<Piece>) -> BodyPages {
    let mut pg = Paginator::new(g, start);
    pg.plain = true;
    pg.run(&pieces);
    pg.into_body()
}

impl Paginator<'_> {
    fn into_body(mut self) -> BodyPages {
        let pg = &mut self;
        BodyPages {
            marks: std::mem::take(&mut pg.foot.marks),
            pages: std::mem::take(&mut pg.pages),
            dests: std::mem::take(&mut pg.dests),
            body_start: pg.body_start,
        }
    }
}

/// What the paginator made of a run of pieces.
pub(super) struct BodyPages {
    pub(super) pages: Vec<PageBuild>,
    pub(super) dests: Vec<Destination>,
    pub(super) body_start: Option<usize>,
    /// The note marks placed (their names) and the page of each, in placing order.
    pub(super) marks: Vec<(String, usize)>,
}

/// A page while it is being filled.
#[derive(Debug, Clone, Default)]
pub(super) struct PageBuild {
    pub(super) items: Vec<Item>,
    /// Opens a section (no running head).
    pub(super) opening: bool,
    pub(super) blank: bool,
    /// Section title for the running head on recto pages.
    pub(super) head: Option<String>,
    /// The earliest source position of what was placed on the page.
    pub(super) first: Option<SourcePos>,
    /// Height the page's text and blocks take from the type area, not its notes (set as it is
    /// finished).
    pub(super) used: f32,
    /// Holds a picture.
    pub(super) picture: bool,
}

/// One grid line of text, items relative to (measure left, line top).
#[derive(Debug, Clone)]
pub(super) struct GridLine {
    pub(super) items: Vec<Item>,
    /// Paragraph id, index of this line and line count (widow/orphan control).
    pub(super) para: usize,
    pub(super) idx: usize,
    pub(super) count: usize,
    /// Where the line starts in the source.
    pub(super) pos: SourcePos,
}

/// A piece of free height, items relative to (measure left, block top).
#[derive(Debug, Clone, Default)]
pub(super) struct BlockBox {
    pub(super) items: Vec<Item>,
    pub(super) height: f32,
    /// Keep with the start of what follows (headings).
    pub(super) keep_next: bool,
    /// May move to the top of the next page while text fills this one (figures).
    pub(super) float: bool,
    /// Named destinations at a y offset inside the block.
    pub(super) anchors: Vec<(String, f32)>,
    /// Space above, dropped at the top of a page.
    pub(super) space_before: f32,
    /// Where the block starts in the source (`None`: no text of the book, e.g. the TOC title).
    pub(super) pos: Option<SourcePos>,
    /// Off the baseline grid: what follows starts right below it (a table row but the last).
    pub(super) off_grid: bool,
    /// A table row: its table's header, drawn again above it on a page the table continues on.
    pub(super) repeat: Option<Arc<TableHead>>,
    /// Blank at the block's top that make-up may take away, whole grid lines (the drop of a
    /// section's opening).
    pub(super) sink: f32,
    /// A figure: how its picture may be drawn smaller to fit the room before a heading.
    pub(super) shrink: Option<Shrink>,
}

impl BlockBox {
    /// A heading: floats waiting when it comes are placed before it (a figure never floats
    /// past the next heading of its section). Spacing blocks (no height) and table headers keep
    /// with what follows too, but are not headings.
    fn is_heading(&self) -> bool {
        self.keep_next && !self.float && self.repeat.is_none() && self.height > 0.0
    }
}

/// The header of a table, as drawn on its continuation pages.
#[derive(Debug)]
pub(super) struct TableHead {
    /// Tells one table from another (its structure node).
    pub(super) table: usize,
    pub(super) head: BlockBox,
}

/// What the collect stage hands the paginator, in reading order.
#[derive(Debug, Clone)]
pub(super) enum Piece {
    Line(GridLine),
    Block(BlockBox),
    /// Start a new page (on a recto if asked), opening a section with this running head.
    NewPage {
        recto: bool,
        head: Option<String>,
        body: bool,
    },
    /// Place floats still waiting (end of section).
    Flush,
}

/// Places pieces onto pages.
pub(super) struct Paginator<'g> {
    pub(super) g: &'g Geometry,
    /// Physical index of the first page this paginator makes.
    pub(super) start: usize,
    pub(super) pages: Vec<PageBuild>,
    pub(super) cur: Option<PageBuild>,
    /// Offset from the top of the type area.
    pub(super) y: f32,
    pub(super) floats: Vec<BlockBox>,
    pub(super) dests: Vec<Destination>,
    pub(super) head: Option<String>,
    pub(super) body_start: Option<usize>,
    /// The table whose row was placed last, and the page it went on.
    pub(super) table_page: Option<(usize, usize)>,
    /// The footnotes of the current page and those waiting (see `paginate/footnotes.rs`).
    pub(super) foot: Foot,
    /// Make-up for the section being set.
    pub(super) makeup: Makeup,
    /// No make-up (tests of the other rules).
    plain: bool,
}

impl<'g> Paginator<'g> {
    pub(super) fn new(g: &'g Geometry, start: usize) -> Self {
        Paginator {
            g,
            start,
            pages: Vec::new(),
            cur: None,
            y: 0.0,
            floats: Vec::new(),
            dests: Vec::new(),
            head: None,
            body_start: None,
            table_page: None,
            foot: Foot::default(),
            makeup: Makeup::default(),
            plain: false,
        }
    }

    /// The height of the current page's type area (less when make-up ends it early).
    pub(super) fn area(&self) -> f32 {
        match self.makeup.short {
            Some((page, lines)) if page == self.index() => self.g.area_h - lines * self.g.pitch,
            _ => self.g.area_h,
        }
    }

    pub(super) fn index(&self) -> usize {
        self.start + self.pages.len()
    }

    pub(super) fn finish_page(&mut self) {
        // Notes at the foot do not count: a line of text over a note is still a leftover.
        let used = self.y;
        self.lay_out_foot();
        if let Some(mut p) = self.cur.take() {
            p.used = used;
            p.picture = p.items.iter().any(|it| matches!(it, Item::Image(_)));
            self.pages.push(p);
        }
        self.y = 0.0;
    }

    /// Ensures a current page; a fresh page first takes the floats waiting for it.
    pub(super) fn page(&mut self) {
        if self.cur.is_none() {
            self.cur = Some(PageBuild {
                head: self.head.clone(),
                ..PageBuild::default()
            });
            self.y = 0.0;
            self.take_waiting();
            let floats = std::mem::take(&mut self.floats);
            for f in floats {
                if self.y > 0.0 && f.height + self.note_need(&f.items) > self.remaining() + 0.01 {
                    self.finish_page();
                    self.cur = Some(PageBuild {
                        head: self.head.clone(),
                        ..PageBuild::default()
                    });
                }
                self.put_block(f);
            }
        }
    }

    /// Height left above the page's footnotes.
    pub(super) fn remaining(&self) -> f32 {
        self.area() - self.foot_height() - self.y
    }

    /// Notes that `pos` is shown on the current page.
    pub(super) fn shown(&mut self, pos: Option<&SourcePos>) {
        if let (Some(p), Some(pos)) = (self.cur.as_mut(), pos)
            && p.first.as_ref().is_none_or(|f| pos < f)
        {
            p.first = Some(pos.clone());
        }
    }

    pub(super) fn put_block(&mut self, mut b: BlockBox) {
        let cut = (self.makeup.tighten * self.g.pitch).min(b.sink);
        if cut > 0.0 {
            b.height -= cut;
            b.sink -= cut;
            for it in &mut b.items {
                it.translate(0.0, -cut);
            }
            for a in &mut b.anchors {
                a.1 = (a.1 - cut).max(0.0);
            }
        }
        if b.height > self.g.area_h + 0.01 {
            return self.put_tall_block(b);
        }
        self.make_room(b.height);
        self.shown(b.pos.as_ref());
        let idx = self.index();
        let left = self.g.left(idx);
        let top = self.g.top;
        let mut y = self.y;
        if y > 0.0 {
            y += b.space_before;
        }
        for (name, dy) in &b.anchors {
            self.dests.push(Destination {
                name: name.clone(),
                page: idx,
                x: left,
                y: top + y + dy,
            });
        }
        self.y = if b.off_grid {
            y + b.height
        } else {
            snap(y + b.height, self.g.pitch)
        };
        self.place_notes(&mut b.items, b.pos.as_ref());
        if let Some(p) = self.cur.as_mut() {
            for mut it in b.items {
                it.translate(left, top + y);
                p.items.push(it);
            }
        }
    }

    /// [`Self::put_block`], first repeating a table's header on a page its table continues on
    /// (a row too tall for the page under it is cut as a tall block).
    pub(super) fn place(&mut self, b: BlockBox) {
        if let Some(rep) = b.repeat.clone() {
            let idx = self.index();
            if self
                .table_page
                .is_some_and(|(t, p)| t == rep.table && p != idx)
            {
                self.put_block(rep.head.clone());
                if b.height > self.remaining() + 0.01 {
                    self.table_page = None;
                    return self.put_tall_block(b);
                }
            }
            self.table_page = Some((rep.table, idx));
        }
        self.put_block(b)
    }

    /// A block taller than the type area (a very long title, caption or table row), cut between
    /// its items onto as many pages as it needs, so that nothing is drawn past the page. The
    /// first part goes where the block would have gone.
    pub(super) fn put_tall_block(&mut self, b: BlockBox) {
        let area = self.g.area_h;
        // Notes continued from before wait until the block is placed.
        self.foot.hold = true;
        let extent = |it: &Item| match it {
            Item::Glyphs(g) => (g.y - g.size, g.y + 0.25 * g.size),
            Item::Image(i) => (i.y, i.y + i.height),
            Item::Line(l) => (l.y0.min(l.y1), l.y0.max(l.y1)),
            Item::Dot(d) => (d.cy - d.r, d.cy + d.r),
            Item::Rect(r) => (r.y, r.y + r.height),
            Item::Link(l) => (l.y, l.y + l.height),
        };
        let spans: Vec<(f32, f32)> = b.items.iter().map(extent).collect();
        let mut by_top: Vec<(f32, f32)> = spans.clone();
        by_top.sort_by(|a, b| a.0.total_cmp(&b.0));
        // Floats placed at the top of this page may leave less room than the block's first
        // item needs (it cannot be cut): then the block starts on the next page.
        let first_bottom = by_top.first().map_or(0.0, |&(top, _)| {
            by_top
                .iter()
                .filter(|s| s.0 <= top)
                .map(|s| s.1)
                .fold(0.0, f32::max)
        });
        if self.y > 0.0 && first_bottom > area - self.y + 0.01 {
            self.finish_page();
            self.page();
        }
        // Where each part starts, in block coordinates: a new part begins at the first item
        // that would end past the page.
        let mut cuts = vec![self.y.min(0.0)];
        let mut room = self.remaining();
        for (top, bottom) in by_top {
            let start = cuts[cuts.len() - 1];
            if bottom - start > room && top > start {
                cuts.push(top);
                room = area;
            }
        }
        let mut parts: Vec<Vec<Item>> = vec![Vec::new(); cuts.len()];
        for (mut it, (top, _)) in b.items.into_iter().zip(spans) {
            let k = cuts.partition_point(|c| *c <= top).saturating_sub(1);
            it.translate(0.0, -cuts[k]);
            parts[k].push(it);
        }
        let last = parts.len() - 1;
        let mut anchors = b.anchors;
        for (k, items) in parts.into_iter().enumerate() {
            if k > 0 {
                self.finish_page();
                self.page();
            }
            let height = if k == last {
                (b.height - cuts[k]).min(self.remaining())
            } else {
                self.remaining()
            };
            self.put_block(BlockBox {
                items,
                height,
                anchors: std::mem::take(&mut anchors),
                pos: b.pos.clone(),
                ..BlockBox::default()
            });
        }
        self.foot.hold = false;
    }

    pub(super) fn put_line(&mut self, mut l: GridLine) {
        self.shown(Some(&l.pos));
        let idx = self.index();
        let left = self.g.left(idx);
        let y = self.g.top + self.y;
        self.y += self.g.pitch;
        self.place_notes(&mut l.items, Some(&l.pos));
        if let Some(p) = self.cur.as_mut() {
            for mut it in l.items {
                it.translate(left, y);
                p.items.push(it);
            }
        }
    }

    /// How much of what starts at `pieces[i]` must stay with a heading before it.
    /// Summing stops once it passes a page: only whether the run fits matters, so a run of n
    /// consecutive headings costs n × (headings per page), not n² (100,000 headings took 30 s).
    pub(super) fn keep_height(&self, pieces: &[Piece], i: usize) -> f32 {
        let mut height = 0.0;
        for piece in pieces.iter().skip(i) {
            match piece {
                Piece::Line(l) => return height + (l.count - l.idx).min(2) as f32 * self.g.pitch,
                Piece::Block(b) if !b.float => {
                    height += b.height;
                    if !b.keep_next || height > self.g.area_h {
                        return height;
                    }
                }
                _ => return height,
            }
        }
        height
    }

    /// Reads `pieces` and places copies of them: the TOC settling loop paginates the same pieces
    /// more than once, and a copy shares its glyphs with the piece (see [`GlyphRun`]).
    fn run_pieces(&mut self, pieces: &[Piece]) {
        let mut i = 0;
        while i < pieces.len() {
            match &pieces[i] {
                Piece::NewPage { recto, head, body } => {
                    self.flush_floats();
                    self.finish_page();
                    if *recto && !self.index().is_multiple_of(2) {
                        self.pages.push(PageBuild {
                            blank: true,
                            ..PageBuild::default()
                        });
                    }
                    if *body && self.body_start.is_none() {
                        self.body_start = Some(self.index());
                    }
                    self.head = head.clone();
                    self.page();
                    if let Some(p) = self.cur.as_mut() {
                        p.opening = true;
                    }
                    i += 1;
                }
                Piece::Flush => {
                    self.flush_floats();
                    i += 1;
                }
                Piece::Block(b) => {
                    self.page();
                    let need = b.height
                        + self.note_need(&b.items)
                        + if b.space_before > 0.0 && self.y > 0.0 {
                            b.space_before
                        } else {
                            0.0
                        };
                    let keep = if b.keep_next {
                        self.keep_height(pieces, i + 1)
                    } else {
                        0.0
                    };
                    if b.is_heading() && !self.floats.is_empty() {
                        self.heading_after_floats(b.clone(), need + keep);
                    } else if b.float && !self.floats.is_empty() {
                        // Keep figures in order behind one already waiting.
                        self.floats.push(b.clone());
                    } else if self.y > 0.0 && need + keep > self.remaining() + 0.01 {
                        if b.float {
                            self.floats.push(b.clone());
                        } else {
                            self.finish_page();
                            self.page();
                            // The floats that waited for this page may leave too little room.
                            if self.y > 0.0 && b.height > self.remaining() + 0.01 {
                                self.finish_page();
                                self.page();
                            }
                            self.place(b.clone());
                        }
                    } else {
                        self.place(b.clone());
                    }
                    i += 1;
                }
                Piece::Line(first) => {
                    self.page();
                    // All remaining lines of this paragraph.
                    let mut j = i;
                    while let Some(Piece::Line(l)) = pieces.get(j) {
                        if l.para != first.para {
                            break;
                        }
                        j += 1;
                    }
                    let n = j - i;
                    if self.y == 0.0 {
                        self.make_room(self.g.pitch);
                    }
                    let avail = self.lines_fitting(&pieces[i..j]);
                    let mut m = n.min(avail);
                    if m < n {
                        // Widow: leave at least two lines for the next page.
                        if n - m < 2 && first.count >= 2 {
                            m = n.saturating_sub(2);
                        }
                        // Orphan: at least two lines at the foot (when the paragraph starts here).
                        if first.idx == 0 && m < 2 && first.count >= 2 {
                            m = 0;
                        }
                        if m == 0 && self.y == 0.0 {
                            m = n.min(avail.max(1));
                        }
                    }
                    for piece in &pieces[i..i + m] {
                        if let Piece::Line(l) = piece {
                            self.put_line(l.clone());
                        }
                    }
                    i += m;
                    if m < n {
                        self.finish_page();
                        self.page();
                    }
                }
            }
        }
    }

    pub(super) fn flush_floats(&mut self) {
        if !self.floats.is_empty() {
            self.finish_page();
            self.page();
        }
        self.flush_notes();
    }
}

#[cfg(test)]
pub(super) mod tests;
