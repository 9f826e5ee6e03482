//! Make-up (docs/typesetting.md §7): a section whose pagination leaves a short page is set
//! again ([`Paginator::run`]); a figure waiting when a heading comes is drawn smaller to fit
//! before it ([`BlockBox::shrunk_to`]).

use super::{BlockBox, Paginator, Piece};
use crate::typeset::document::Item;
use crate::typeset::page::paginate::footnotes::Foot;

/// How make-up changes the setting of the section being paginated again.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(in crate::typeset::page) struct Makeup {
    /// Grid lines taken from the sink of the section's opening.
    pub(in crate::typeset::page) tighten: f32,
    /// A page (physical index) that ends this many grid lines early, so that lines go forward.
    pub(in crate::typeset::page) short: Option<(usize, f32)>,
}

/// Grid lines of text a page after a section's first must hold at least (unless it holds a
/// picture): a page of 1 to 3 lines alone reads as a leftover.
pub(in crate::typeset::page) const MIN_PAGE_LINES: usize = 4;

/// A figure's layout inside its block, for drawing its picture smaller
/// ([`BlockBox::shrunk_to`]).
#[derive(Debug, Clone, Copy)]
pub(in crate::typeset::page) struct Shrink {
    /// The picture's top (the content's top) in the block.
    pub(in crate::typeset::page) top: f32,
    /// From the picture's top to the ink bottom of the last caption line.
    pub(in crate::typeset::page) content: f32,
    /// The picture's height.
    pub(in crate::typeset::page) image: f32,
    /// Least space above and below the content.
    pub(in crate::typeset::page) margin: f32,
}

/// The least scale a figure's picture is drawn at to stay before the next heading: half the
/// measure is still a picture (a half-column picture of a magazine); below it a picture reads
/// as a thumbnail, and the page is better ended short.
pub(super) const MIN_FIGURE_SCALE: f32 = 0.5;

impl BlockBox {
    /// This figure in `height` (whole grid lines, less than its own), its picture scaled down
    /// about its centre and the caption moved up under it, the content centred again; `None`
    /// if the picture would be drawn below [`MIN_FIGURE_SCALE`].
    pub(in crate::typeset::page) fn shrunk_to(&self, height: f32) -> Option<BlockBox> {
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

impl Paginator<'_> {
    /// Paginates `pieces`, one section at a time with make-up (see the module's comment).
    pub(in crate::typeset::page) fn run(&mut self, pieces: &[Piece]) {
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

    /// A heading `b` (needing `need` with what keeps with it) comes while figures wait: a
    /// figure never floats past the next heading. One waiting alone is drawn smaller to fit
    /// the room left if it can; else the figures go first, at the top of the next page, and
    /// the heading after them.
    pub(super) fn heading_after_floats(&mut self, b: BlockBox, need: f32) {
        let room = (self.remaining() / self.g.pitch + 0.01).floor() * self.g.pitch;
        if let [f] = &self.floats[..]
            && let Some(small) = f.shrunk_to(room)
            && small.height + self.note_need(&small.items) <= self.remaining() + 0.01
        {
            self.floats.clear();
            self.place(small);
        }
        self.finish_page();
        self.page();
        if self.y > 0.0 && need > self.remaining() + 0.01 {
            self.finish_page();
            self.page();
        }
        self.place(b);
    }
}
