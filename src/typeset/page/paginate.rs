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
use crate::typeset::page::footnotes::{Foot, NoteSet};
use crate::typeset::page::geometry::{Geometry, snap};
use std::rc::Rc;

/// Distributes `pieces` onto pages, the first of which is physical page `start`.
#[cfg(test)]
pub(super) fn paginate(g: &Geometry, start: usize, pieces: Vec<Piece>) -> BodyPages {
    paginate_notes(g, start, pieces, std::rc::Rc::new(NoteSet::default()))
}

/// [`paginate`], setting the `notes` the pieces refer to at the foot of their pages.
pub(super) fn paginate_notes(
    g: &Geometry,
    start: usize,
    pieces: Vec<Piece>,
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
    pg.run(pieces);
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
    pub(super) repeat: Option<Rc<TableHead>>,
    /// Blank at the block's top that make-up may take away, whole grid lines (the drop of a
    /// section's opening).
    pub(super) sink: f32,
    /// A figure: how its picture may be drawn smaller to fit the room before a heading.
    pub(super) shrink: Option<Shrink>,
}

/// A figure's layout inside its block, for drawing its picture smaller
/// ([`BlockBox::shrunk_to`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct Shrink {
    /// The picture's top (the content's top) in the block.
    pub(super) top: f32,
    /// From the picture's top to the ink bottom of the last caption line.
    pub(super) content: f32,
    /// The picture's height.
    pub(super) image: f32,
    /// Least space above and below the content.
    pub(super) margin: f32,
}

/// The least scale a figure's picture is drawn at to stay before the next heading: half the
/// measure is still a picture (a half-column picture of a magazine); below it a picture reads
/// as a thumbnail, and the page is better ended short.
pub(super) const MIN_FIGURE_SCALE: f32 = 0.5;

impl BlockBox {
    /// This figure in `height` (whole grid lines, less than its own), its picture scaled down
    /// about its centre and the caption moved up under it, the content centred again; `None`
    /// if the picture would be drawn below [`MIN_FIGURE_SCALE`].
    pub(super) fn shrunk_to(&self, height: f32) -> Option<BlockBox> {
        let s = self.shrink?;
        let image = height - 2.0 * s.margin - (s.content - s.image);
        let f = image / s.image;
        if !(MIN_FIGURE_SCALE..1.0).contains(&f) {
            return None;
        }
        let content = s.content - s.image + image;
        let top = (height - content) / 2.0;
        let mut b = self.clone();
        let dy = top + image - (s.top + s.image);
        for it in &mut b.items {
            match it {
                Item::Image(i) => {
                    i.x += i.width * (1.0 - f) / 2.0;
                    i.y = top;
                    i.width *= f;
                    i.height = image;
                }
                it => it.translate(0.0, dy),
            }
        }
        b.height = height;
        b.shrink = Some(Shrink {
            top,
            content,
            image,
            margin: s.margin,
        });
        Some(b)
    }

    /// A heading: floats waiting when it comes are placed before it (a figure never floats
    /// past the next heading of its section). Spacing blocks (no height) and table headers keep
    /// with what follows too, but are not headings.
    fn is_heading(&self) -> bool {
        self.keep_next && !self.float && self.repeat.is_none() && self.height > 0.0
    }
}

/// How make-up changes the setting of the section being paginated again.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Makeup {
    /// Grid lines taken from the sink of the section's opening.
    pub(super) tighten: f32,
    /// A page (physical index) that ends this many grid lines early, so that lines go forward.
    pub(super) short: Option<(usize, f32)>,
}

/// Grid lines of text a page after a section's first must hold at least (unless it holds a
/// picture): a page of 1 to 3 lines alone reads as a leftover.
pub(super) const MIN_PAGE_LINES: usize = 4;

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
    /// The footnotes of the current page and those waiting (see `footnotes.rs`).
    pub(super) foot: Foot,
    /// Make-up for the section being set.
    pub(super) makeup: Makeup,
    /// No make-up (tests of the other rules).
    plain: bool,
}

/// What a section's pagination starts from, to set it again.
struct Saved {
    pages: usize,
    dests: usize,
    head: Option<String>,
    body_start: Option<usize>,
    table_page: Option<(usize, usize)>,
    marks: usize,
    foot: Foot,
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

    /// Paginates `pieces`, one section at a time with make-up (see the module's comment).
    pub(super) fn run(&mut self, pieces: Vec<Piece>) {
        let mut starts: Vec<usize> = (0..pieces.len())
            .filter(|&i| matches!(pieces[i], Piece::NewPage { .. }))
            .collect();
        if starts.first() != Some(&0) {
            starts.insert(0, 0);
        }
        starts.push(pieces.len());
        let n = starts.len() - 1;
        for k in 0..n {
            self.run_section(&pieces[starts[k]..starts[k + 1]], k + 1 == n);
        }
    }

    /// Sets one section (from its [`Piece::NewPage`] to the next), then again with make-up if a
    /// page of it holds too little ([`Self::short_page`]): first its opening sunk one grid line
    /// less at a time, then the page before its last ended early so that lines go forward. A
    /// try is kept when no page of the section is short and it takes no more pages; otherwise
    /// the section is set as it was.
    fn run_section(&mut self, part: &[Piece], last: bool) {
        let saved = self.save();
        self.makeup = Makeup::default();
        self.set(part);
        let Some(lack) = self.short_page(saved.pages, last).filter(|_| !self.plain) else {
            return;
        };
        let pages = self.pages.len();
        let sink = part
            .iter()
            .filter_map(|p| match p {
                Piece::Block(b) => Some(b.sink),
                _ => None,
            })
            .fold(0.0, f32::max);
        let sink = (sink / self.g.pitch).round() as usize;
        let mut tries: Vec<Makeup> = (1..=sink)
            .map(|t| Makeup {
                tighten: t as f32,
                short: None,
            })
            .collect();
        if pages - saved.pages >= 2 {
            let before = self.start + pages - 2;
            tries.extend((lack..lack + 3).map(|d| Makeup {
                tighten: 0.0,
                short: Some((before, d as f32)),
            }));
        }
        for m in tries {
            self.restore(&saved);
            self.makeup = m;
            self.set(part);
            if self.pages.len() <= pages && self.short_page(saved.pages, last).is_none() {
                self.makeup = Makeup::default();
                return;
            }
        }
        self.restore(&saved);
        self.makeup = Makeup::default();
        self.set(part);
    }

    /// What a section's pagination starts from.
    fn save(&mut self) -> Saved {
        // The marks only grow: their count is enough to set them back.
        let marks = std::mem::take(&mut self.foot.marks);
        let foot = self.foot.clone();
        self.foot.marks = marks;
        Saved {
            pages: self.pages.len(),
            dests: self.dests.len(),
            head: self.head.clone(),
            body_start: self.body_start,
            table_page: self.table_page,
            marks: self.foot.marks.len(),
            foot,
        }
    }

    fn restore(&mut self, s: &Saved) {
        self.pages.truncate(s.pages);
        self.dests.truncate(s.dests);
        self.head = s.head.clone();
        self.body_start = s.body_start;
        self.table_page = s.table_page;
        let mut marks = std::mem::take(&mut self.foot.marks);
        marks.truncate(s.marks);
        self.foot = s.foot.clone();
        self.foot.marks = marks;
        self.cur = None;
        self.y = 0.0;
        self.floats.clear();
    }

    /// Sets a section's pieces and finishes its last page.
    fn set(&mut self, part: &[Piece]) {
        self.run_pieces(part);
        self.flush_floats();
        self.finish_page();
    }

    /// How many grid lines the section's short page lacks, if it has one: a page after the
    /// section's opening page that holds 1 to 3 lines ([`MIN_PAGE_LINES`]) and no picture; on
    /// the book's `last` page, less than a quarter of the page. Pages from index `from` are the
    /// section's.
    fn short_page(&self, from: usize, last: bool) -> Option<usize> {
        let pages = &self.pages[from..];
        let n = pages.len();
        let quarter = self.g.lines.div_ceil(4);
        pages.iter().enumerate().skip(1).find_map(|(k, p)| {
            if p.blank || p.opening || p.picture {
                return None;
            }
            let lines = (p.used / self.g.pitch).round() as usize;
            // The quarter page is the book's: the contents' last page need not hold one.
            let min = if last && k + 1 == n && self.body_start.is_some() {
                MIN_PAGE_LINES.max(quarter)
            } else {
                MIN_PAGE_LINES
            };
            (lines > 0 && lines < min).then(|| min - lines)
        })
    }

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
                        // A figure never floats past the next heading: one waiting alone is
                        // drawn smaller to fit the room left if it can; else the figures go
                        // first, at the top of the next page, and the heading after them.
                        let room = (self.remaining() / self.g.pitch + 0.01).floor() * self.g.pitch;
                        if let [f] = &self.floats[..]
                            && let Some(small) = f.shrunk_to(room)
                            && small.height + self.note_need(&small.items)
                                <= self.remaining() + 0.01
                        {
                            self.floats.clear();
                            self.place(small);
                        }
                        self.finish_page();
                        self.page();
                        if self.y > 0.0 && need + keep > self.remaining() + 0.01 {
                            self.finish_page();
                            self.page();
                        }
                        self.place(b.clone());
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
pub(super) mod tests {
    use super::*;
    use crate::typeset::document::{LinkItem, LinkTarget, Part};

    pub(in crate::typeset::page) const PITCH: f32 = 10.0;

    /// A type area of `lines` grid lines of 10 pt, no margins.
    pub(in crate::typeset::page) fn geometry(lines: usize) -> Geometry {
        Geometry {
            page_w: 100.0,
            page_h: lines as f32 * PITCH,
            top: 0.0,
            inner: 0.0,
            outer: 0.0,
            measure: 100.0,
            pad: 0.0,
            size: PITCH,
            pitch: PITCH,
            area_h: lines as f32 * PITCH,
            lines,
        }
    }

    /// An invisible item that names its piece, so that a test can read where it went.
    pub(in crate::typeset::page) fn tag(name: &str) -> Item {
        Item::Link(LinkItem {
            x: 0.0,
            y: 0.0,
            width: 1.0,
            height: 1.0,
            target: LinkTarget::Named(name.to_string()),
            node: None,
        })
    }

    fn pos(block: usize) -> SourcePos {
        SourcePos {
            section: 0,
            part: Part::Body,
            path: vec![block],
            offset: 0,
        }
    }

    /// Paragraph `para` of `count` lines, tagged `{name}1` … `{name}{count}`.
    fn paragraph(para: usize, name: &str, count: usize) -> Vec<Piece> {
        (0..count)
            .map(|idx| {
                Piece::Line(GridLine {
                    items: vec![tag(&format!("{name}{}", idx + 1))],
                    para,
                    idx,
                    count,
                    pos: pos(para),
                })
            })
            .collect()
    }

    fn block(name: &str, lines: usize) -> BlockBox {
        BlockBox {
            items: vec![tag(name)],
            height: lines as f32 * PITCH,
            pos: Some(pos(100)),
            ..BlockBox::default()
        }
    }

    fn heading(name: &str) -> Piece {
        Piece::Block(BlockBox {
            keep_next: true,
            ..block(name, 1)
        })
    }

    fn figure(name: &str, lines: usize) -> Piece {
        Piece::Block(BlockBox {
            float: true,
            ..block(name, lines)
        })
    }

    /// The tags on each page, in placing order, without make-up.
    fn run(lines: usize, pieces: Vec<Vec<Piece>>) -> Vec<Vec<String>> {
        let g = geometry(lines);
        tags(&paginate_plain(
            &g,
            0,
            pieces.into_iter().flatten().collect(),
        ))
    }

    /// [`run`] with make-up.
    fn made_up(lines: usize, pieces: Vec<Vec<Piece>>) -> Vec<Vec<String>> {
        let g = geometry(lines);
        tags(&paginate(&g, 0, pieces.into_iter().flatten().collect()))
    }

    fn tags(out: &BodyPages) -> Vec<Vec<String>> {
        out.pages
            .iter()
            .map(|p| {
                p.items
                    .iter()
                    .filter_map(|it| match it {
                        Item::Link(LinkItem {
                            target: LinkTarget::Named(n),
                            ..
                        }) => Some(n.clone()),
                        _ => None,
                    })
                    .collect()
            })
            .collect()
    }

    fn names(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn lines_fill_the_page_then_continue() {
        let pages = run(4, vec![paragraph(0, "a", 6)]);
        assert_eq!(pages, vec![names("a1 a2 a3 a4"), names("a5 a6")]);
    }

    #[test]
    fn a_widow_takes_a_line_with_it_to_the_next_page() {
        // 5 lines left for a 6-line paragraph: its last line alone would be a widow.
        let pages = run(10, vec![paragraph(0, "a", 5), paragraph(1, "b", 6)]);
        assert_eq!(pages[0], names("a1 a2 a3 a4 a5 b1 b2 b3 b4"));
        assert_eq!(pages[1], names("b5 b6"));
    }

    #[test]
    fn an_orphan_line_goes_to_the_next_page_with_its_paragraph() {
        // One line left: the first line of a paragraph alone at the foot would be an orphan.
        let pages = run(10, vec![paragraph(0, "a", 9), paragraph(1, "b", 5)]);
        assert_eq!(pages[0], names("a1 a2 a3 a4 a5 a6 a7 a8 a9"));
        assert_eq!(pages[1], names("b1 b2 b3 b4 b5"));
    }

    #[test]
    fn a_two_line_paragraph_is_not_split() {
        let pages = run(10, vec![paragraph(0, "a", 9), paragraph(1, "b", 2)]);
        assert_eq!(pages[1], names("b1 b2"));
    }

    #[test]
    fn a_heading_is_never_last_on_a_page() {
        // Room for the heading but not for two lines after it: it moves on with them.
        let pages = run(
            10,
            vec![
                paragraph(0, "a", 8),
                vec![heading("H")],
                paragraph(1, "b", 4),
            ],
        );
        assert_eq!(pages[0], names("a1 a2 a3 a4 a5 a6 a7 a8"));
        assert_eq!(pages[1], names("H b1 b2 b3 b4"));
    }

    #[test]
    fn a_heading_keeps_with_next_through_a_second_heading() {
        let pages = run(
            10,
            vec![
                paragraph(0, "a", 6),
                vec![heading("H2"), heading("H3")],
                paragraph(1, "b", 4),
            ],
        );
        // H2 + H3 + two lines need 4 of the 4 lines left: they stay.
        assert_eq!(pages[0], names("a1 a2 a3 a4 a5 a6 H2 H3 b1 b2"));
        let pages = run(
            10,
            vec![
                paragraph(0, "a", 7),
                vec![heading("H2"), heading("H3")],
                paragraph(1, "b", 4),
            ],
        );
        assert_eq!(pages[1], names("H2 H3 b1 b2 b3 b4"));
    }

    #[test]
    fn a_heading_with_room_for_its_text_stays() {
        let pages = run(
            10,
            vec![
                paragraph(0, "a", 7),
                vec![heading("H")],
                paragraph(1, "b", 2),
            ],
        );
        assert_eq!(pages, vec![names("a1 a2 a3 a4 a5 a6 a7 H b1 b2")]);
    }

    #[test]
    fn a_figure_that_does_not_fit_floats_and_text_fills_the_page() {
        let pages = run(
            10,
            vec![
                paragraph(0, "a", 6),
                vec![figure("F", 6)],
                paragraph(1, "b", 6),
            ],
        );
        assert_eq!(pages[0], names("a1 a2 a3 a4 a5 a6 b1 b2 b3 b4"));
        assert_eq!(pages[1], names("F b5 b6"));
    }

    #[test]
    fn floats_keep_their_order() {
        let pages = run(
            10,
            vec![
                paragraph(0, "a", 6),
                vec![figure("F1", 6), figure("F2", 2)],
                paragraph(1, "b", 2),
            ],
        );
        // F2 would fit after the text, but it waits behind F1.
        assert_eq!(pages[0], names("a1 a2 a3 a4 a5 a6 b1 b2"));
        assert_eq!(pages[1], names("F1 F2"));
    }

    #[test]
    fn a_figure_never_leaves_its_section() {
        let pages = run(
            10,
            vec![
                paragraph(0, "a", 6),
                vec![figure("F", 6), Piece::Flush],
                vec![Piece::NewPage {
                    recto: false,
                    head: None,
                    body: true,
                }],
                paragraph(1, "b", 2),
            ],
        );
        assert_eq!(
            pages,
            vec![names("a1 a2 a3 a4 a5 a6"), names("F"), names("b1 b2")]
        );
    }

    #[test]
    fn a_recto_start_inserts_a_blank_verso() {
        let g = geometry(10);
        let mut pieces = paragraph(0, "a", 2);
        pieces.push(Piece::NewPage {
            recto: true,
            head: Some("S".into()),
            body: true,
        });
        pieces.extend(paragraph(1, "b", 2));
        let out = paginate_plain(&g, 0, pieces);
        let blank: Vec<bool> = out.pages.iter().map(|p| p.blank).collect();
        assert_eq!(blank, vec![false, true, false]);
        assert_eq!(out.body_start, Some(2));
        assert!(out.pages[2].opening);
    }

    #[test]
    fn a_block_taller_than_the_page_is_cut_between_its_items() {
        let g = geometry(4);
        let mut tall = block("T1", 6);
        let mut second = tag("T2");
        second.translate(0.0, 45.0);
        tall.items.push(second);
        let out = paginate_plain(&g, 0, vec![Piece::Block(tall)]);
        assert_eq!(out.pages.len(), 2);
        let y_of = |p: &PageBuild| match &p.items[0] {
            Item::Link(l) => l.y,
            _ => f32::NAN,
        };
        assert_eq!(
            y_of(&out.pages[1]),
            0.0,
            "the second part starts at the top"
        );
    }

    #[test]
    fn a_tall_block_behind_floats_starts_where_its_first_item_fits() {
        // Two figures wait while a paragraph fills page 1; they take 9 of page 2's 10 lines,
        // leaving less than the tall table's first row (12 pt): it goes on to page 3.
        let g = geometry(10);
        let item = |name: &str, y: f32, h: f32| {
            let mut it = tag(name);
            if let Item::Link(l) = &mut it {
                (l.y, l.height) = (y, h);
            }
            it
        };
        let tall = BlockBox {
            items: vec![
                item("T1", 0.0, 12.0),
                item("T2", 30.0, 12.0),
                item("T3", 60.0, 12.0),
                item("T4", 120.0, 12.0),
            ],
            height: 140.0,
            pos: Some(pos(100)),
            ..BlockBox::default()
        };
        let mut pieces = paragraph(0, "a", 8);
        pieces.extend([figure("F1", 5), figure("F2", 4), Piece::Block(tall)]);
        pieces.extend(paragraph(1, "b", 3));
        let out = paginate_plain(&g, 0, pieces);
        for (n, page) in out.pages.iter().enumerate() {
            for it in &page.items {
                if let Item::Link(l) = it {
                    assert!(l.y + l.height <= g.area_h + 0.01, "page {n}: {l:?}");
                }
            }
        }
        let tags = |p: &PageBuild| -> Vec<String> {
            p.items
                .iter()
                .filter_map(|it| match it {
                    Item::Link(LinkItem {
                        target: LinkTarget::Named(n),
                        ..
                    }) => Some(n.clone()),
                    _ => None,
                })
                .collect()
        };
        assert_eq!(tags(&out.pages[1]), names("F1 F2"));
        assert_eq!(tags(&out.pages[2])[..3], names("T1 T2 T3")[..]);
    }

    #[test]
    fn a_block_behind_floats_goes_on_when_they_fill_its_page() {
        // F1 and F2 wait while the paragraph fills page 1, then take 9 of page 2's 10 lines:
        // the 3-line block after them cannot stand on page 2's last line.
        let mut pieces = paragraph(0, "a", 8);
        pieces.extend([
            figure("F1", 5),
            figure("F2", 4),
            Piece::Block(block("B", 3)),
        ]);
        let pages = run(10, vec![pieces]);
        assert_eq!(pages[1], names("F1 F2"));
        assert_eq!(pages[2], names("B"));
    }

    #[test]
    fn a_table_repeats_its_header_on_every_page_it_continues_on() {
        let head = BlockBox {
            keep_next: true,
            off_grid: true,
            ..block("H", 1)
        };
        let rep = Rc::new(TableHead {
            table: 7,
            head: BlockBox {
                keep_next: false,
                ..block("h", 1)
            },
        });
        let row = |n: usize| {
            Piece::Block(BlockBox {
                off_grid: true,
                repeat: Some(rep.clone()),
                ..block(&format!("r{n}"), 1)
            })
        };
        let mut pieces = paragraph(0, "a", 2);
        pieces.push(Piece::Block(BlockBox {
            repeat: Some(rep.clone()),
            ..head
        }));
        pieces.extend((1..=7).map(row));
        pieces.extend(paragraph(1, "b", 2));
        let pages = run(4, vec![pieces]);
        assert_eq!(
            pages,
            vec![
                names("a1 a2 H r1"),
                names("h r2 r3 r4"),
                names("h r5 r6 r7"),
                names("b1 b2")
            ]
        );
    }

    #[test]
    fn space_before_is_dropped_at_the_top_of_a_page() {
        let g = geometry(10);
        let h = |name: &str| {
            Piece::Block(BlockBox {
                space_before: 5.0,
                ..block(name, 1)
            })
        };
        let out = paginate_plain(&g, 0, vec![h("A"), h("B")]);
        let ys: Vec<f32> = out.pages[0]
            .items
            .iter()
            .map(|it| match it {
                Item::Link(l) => l.y,
                _ => f32::NAN,
            })
            .collect();
        assert_eq!(ys, vec![0.0, 15.0]);
    }

    fn new_page() -> Piece {
        Piece::NewPage {
            recto: false,
            head: None,
            body: true,
        }
    }

    /// A section's opening of `lines` grid lines, `sink` of them blank at its top.
    fn opening(name: &str, lines: usize, sink: usize) -> Piece {
        let mut b = block(name, lines);
        b.items[0].translate(0.0, sink as f32 * PITCH);
        Piece::Block(BlockBox {
            keep_next: true,
            sink: sink as f32 * PITCH,
            ..b
        })
    }

    /// Grid lines each page of `pages` holds.
    fn used(out: &BodyPages) -> Vec<usize> {
        out.pages
            .iter()
            .map(|p| (p.used / PITCH).round() as usize)
            .collect()
    }

    #[test]
    fn a_last_page_of_two_lines_is_pulled_back_by_sinking_the_opening_less() {
        // Opening (4 lines, 2 of them sink) + 6 lines fill page 1; the 2-line paragraph
        // after them would stand alone on page 2. Without the sink they all fit on page 1.
        let pieces = vec![
            vec![new_page(), opening("O", 4, 2)],
            paragraph(0, "a", 6),
            paragraph(1, "b", 2),
        ];
        let g = geometry(10);
        let out = paginate(&g, 0, pieces.clone().into_iter().flatten().collect());
        assert_eq!(used(&out), vec![10]);
        let pages = made_up(10, pieces);
        assert_eq!(pages, vec![names("O a1 a2 a3 a4 a5 a6 b1 b2")]);
        let y = out.pages[0].items.iter().find_map(|it| match it {
            Item::Link(l) if l.target == LinkTarget::Named("O".into()) => Some(l.y),
            _ => None,
        });
        assert_eq!(y, Some(0.0), "the opening's text moved up by its sink");
    }

    #[test]
    fn lines_are_pushed_forward_onto_a_last_page_of_three_lines_keeping_widows_and_orphans() {
        // Page 1 takes a1–a9 (b1 alone at its foot would be an orphan); b's 3 lines would
        // stand alone on page 2. Ending page 1 one line early leaves a9 a widow, so it ends
        // two early: a8 and a9 go on with b.
        let pieces = vec![vec![new_page()], paragraph(0, "a", 9), paragraph(1, "b", 3)];
        let pages = made_up(10, pieces);
        assert_eq!(
            pages,
            vec![names("a1 a2 a3 a4 a5 a6 a7"), names("a8 a9 b1 b2 b3"),]
        );
    }

    #[test]
    fn no_page_after_a_sections_first_holds_one_to_three_lines_alone() {
        // Every length of a one-paragraph section from 1 to 4 pages: the pages after the
        // first hold 4 lines or more (or the section's last line ends a full page).
        for n in 1..=40 {
            let g = geometry(10);
            let mut pieces = vec![new_page()];
            pieces.extend(paragraph(0, "a", n));
            pieces.push(new_page());
            pieces.extend(paragraph(1, "b", 12));
            let out = paginate(&g, 0, pieces);
            for (k, lines) in used(&out).into_iter().enumerate() {
                assert!(
                    k == 0 || out.pages[k].opening || lines >= MIN_PAGE_LINES,
                    "{n} lines: page {k} holds {lines}: {:?}",
                    used(&out)
                );
            }
            let total: usize = used(&out).iter().sum();
            assert_eq!(total, n + 12, "{n} lines: every line is placed once");
        }
    }

    #[test]
    fn the_books_last_page_holds_a_quarter_page() {
        // 20 lines a page: 24 lines leave 4 on page 2, enough inside the book, not at its end
        // (a quarter page is 5 lines).
        let last = made_up(20, vec![vec![new_page()], paragraph(0, "a", 24)]);
        assert_eq!((last[0].len(), last[1].len()), (19, 5));
        let inside = made_up(
            20,
            vec![
                vec![new_page()],
                paragraph(0, "a", 24),
                vec![new_page()],
                paragraph(1, "b", 6),
            ],
        );
        assert_eq!((inside[0].len(), inside[1].len()), (20, 4));
    }

    /// A figure of `lines` grid lines: a picture above a caption one grid line tall.
    fn figure_with_caption(name: &str, lines: usize) -> Piece {
        let margin = 0.25 * PITCH;
        let content = lines as f32 * PITCH - 2.0 * margin;
        let mut caption = tag(name);
        caption.translate(0.0, margin + content - PITCH);
        Piece::Block(BlockBox {
            float: true,
            items: vec![caption],
            shrink: Some(Shrink {
                top: margin,
                content,
                image: content - PITCH,
                margin,
            }),
            ..block(name, lines)
        })
    }

    #[test]
    fn a_figure_never_floats_past_the_next_heading() {
        // 6 lines left for an 8-line figure before a heading: drawn smaller, it fits there.
        let g = geometry(10);
        let pieces = |a: usize| {
            let mut p = paragraph(0, "a", a);
            p.push(figure_with_caption("F", 8));
            p.push(heading("H"));
            p.extend(paragraph(1, "b", 4));
            p
        };
        let out = paginate(&g, 0, pieces(4));
        let tags = made_up(10, vec![pieces(4)]);
        assert_eq!(tags, vec![names("a1 a2 a3 a4 F"), names("H b1 b2 b3 b4")]);
        let caption = out.pages[0].items.iter().find_map(|it| match it {
            Item::Link(l) if l.target == LinkTarget::Named("F".into()) => Some(l.y),
            _ => None,
        });
        // The picture shrinks from 65 to 45 pt; the caption moves up under it and the whole
        // stays centred in the figure's 6 lines (40 to 100).
        assert_eq!(caption, Some(40.0 + 2.5 + 45.0));
        // 3 lines left: too small even for half the picture. The figure goes to the next
        // page ahead of the heading (which, with no room for its two lines there, goes on).
        let tags = made_up(10, vec![pieces(7)]);
        assert_eq!(
            tags,
            vec![
                names("a1 a2 a3 a4 a5 a6 a7"),
                names("F"),
                names("H b1 b2 b3 b4")
            ]
        );
    }

    #[test]
    fn destinations_name_the_page_and_height() {
        let g = geometry(4);
        let mut pieces = paragraph(0, "a", 4);
        let mut b = block("B", 1);
        b.anchors.push(("fig-1".into(), 0.0));
        pieces.push(Piece::Block(b));
        let out = paginate_plain(&g, 3, pieces);
        let d = &out.dests[0];
        assert_eq!((d.name.as_str(), d.page, d.y), ("fig-1", 4, 0.0));
    }
}
