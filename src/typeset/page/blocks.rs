//! Collect: the body of a section (paragraphs, headings, lists, quotes, code, rules), its
//! opening and its footnotes, as pieces for the paginator.

use crate::book::model::{self, Block, Inline, Role, Section};
use crate::diag::Result;
use crate::typeset::document::{ArtifactKind, Item, LineItem, NodeId, Part, SourcePos, StructKind};
use crate::typeset::inline;
use crate::typeset::page::geometry::{
    LIST_INDENT_EM, MIN_MEASURE_EM, QUOTE_INDENT_EM, SMALL, snap,
};
use crate::typeset::page::paginate::{BlockBox, Piece};
use crate::typeset::page::runs::{Segment, TextStyle, push_seg};
use crate::typeset::page::setter::Setter;
use crate::typeset::page::spacing::{Kind, MAJOR_HEADING_ABOVE, OPENING_SINK, lines_between};

/// The rule at the left of a block quote: how far left of the quote's text, in body ems, and
/// its weight in points.
const QUOTE_BAR_EM: f32 = 1.0;
const QUOTE_BAR_WIDTH: f32 = 0.8;

/// What a block is for the space around it ([`crate::typeset::page::spacing`]).
fn kind_of(b: &Block) -> Kind {
    match b {
        Block::Paragraph { .. } => Kind::Paragraph,
        Block::Heading { level, .. } if *level <= 2 => Kind::MajorHeading,
        Block::Heading { .. } => Kind::Heading,
        Block::Figure(_) => Kind::Figure,
        Block::List { .. } => Kind::List,
        Block::Quote { .. } => Kind::Quote,
        Block::Code { .. } => Kind::Code,
        Block::Table(_) => Kind::Table,
        Block::Rule { .. } => Kind::Rule,
    }
}

/// A quote's pieces with the rule at its left, at `bar_x`: a segment on each grid line and
/// beside each block (floats aside), so that it runs unbroken down the quote and stops where
/// a page breaks it. Space inside the quote is kept at a page top too, so the rule has no gap.
/// Beside a block taller than the type area (`area`), which the paginator cuts between its
/// items onto several pages, the rule is one segment per grid line, so that each page gets
/// the part beside its own share of the block and none runs past the page.
fn quote_bar(pieces: Vec<Piece>, bar_x: f32, pitch: f32, area: f32) -> Vec<Piece> {
    let segment = |y0: f32, y1: f32| {
        Item::Line(LineItem {
            x0: bar_x,
            x1: bar_x,
            y0,
            y1,
            width: QUOTE_BAR_WIDTH,
            node: None,
            artifact: ArtifactKind::Layout,
        })
    };
    let bar = |h: f32| segment(0.0, h);
    pieces
        .into_iter()
        .map(|mut p| {
            match &mut p {
                Piece::Line(l) => l.items.push(bar(pitch)),
                Piece::Block(b) if !b.float => {
                    if b.height == 0.0 {
                        (b.height, b.space_before) = (b.space_before, 0.0);
                    }
                    if b.height > area + 0.01 {
                        let mut y = 0.0;
                        while y < b.height - 0.01 {
                            let end = (y + pitch).min(b.height);
                            b.items.push(segment(y, end));
                            y = end;
                        }
                    } else {
                        b.items.push(bar(b.height));
                    }
                }
                _ => {}
            }
            p
        })
        .collect()
}

impl Setter<'_> {
    // ---------------------------------------------------------------- blocks

    /// The box of a block nested in (`x`, `width`) with `left` and `right` indents; once that
    /// would leave less than [`MIN_MEASURE_EM`], deeper levels keep the last width that fits
    /// (no text is pushed off the page, however deep lists and quotes nest).
    pub(super) fn inset(&self, x: f32, width: f32, left: f32, right: f32) -> (f32, f32) {
        let m = self.g.measure;
        let min = (MIN_MEASURE_EM * self.g.size).min(m);
        let w = width - left - right;
        if w >= min {
            return (x + left, w);
        }
        ((x + left).min(m - min).max(0.0), min)
    }

    /// The space the spacing table puts between a `before` block and an `after` block: a block
    /// of no height that keeps with what follows and is dropped at the top of a page.
    fn space(&self, before: Option<Kind>, after: Kind, out: &mut Vec<Piece>) {
        let lines = lines_between(before, after);
        if lines > 0 {
            out.push(Piece::Block(BlockBox {
                space_before: f32::from(lines) * self.g.pitch,
                keep_next: true,
                ..BlockBox::default()
            }));
        }
    }

    pub(super) fn blocks(
        &mut self,
        blocks: &[Block],
        x: f32,
        width: f32,
        parent: NodeId,
        out: &mut Vec<Piece>,
    ) -> Result<()> {
        self.blocks_from(blocks, 0, x, width, parent, out)
    }

    /// [`Self::blocks`] for `blocks`, the first of which is block `first` of its container
    /// (for the source positions).
    pub(super) fn blocks_from(
        &mut self,
        blocks: &[Block],
        first: usize,
        x: f32,
        width: f32,
        parent: NodeId,
        out: &mut Vec<Piece>,
    ) -> Result<()> {
        let size = self.g.size;
        let mut prev = None;
        for (bi, b) in blocks.iter().enumerate() {
            self.at.path.push(first + bi);
            let kind = kind_of(b);
            self.space(prev, kind, out);
            if kind != Kind::Figure {
                prev = Some(kind);
            }
            match b {
                Block::Paragraph { content, .. } => {
                    let n = self.node(StructKind::Paragraph, Some(parent), None);
                    let segs =
                        self.segments(content, self.cur(self.fonts.body(), size, Some(n)), None);
                    out.extend(self.para_lines(
                        &segs,
                        x,
                        width,
                        2.0 * size,
                        inline::TextAlign::Justify,
                    )?);
                }
                Block::Heading {
                    level, id, content, ..
                } => self.heading(*level, id, content, x, width, parent, out)?,
                Block::Figure(f) => out.push(Piece::Block(self.figure(f, x, width, parent)?)),
                Block::List {
                    ordered,
                    start,
                    items,
                    ..
                } => self.list(*ordered, *start, items, x, width, parent, out)?,
                Block::Quote { blocks, .. } => {
                    let n = self.node(StructKind::Quote, Some(parent), None);
                    let side = QUOTE_INDENT_EM * size;
                    let (qx, qw) = self.inset(x, width, side, side);
                    let mut inner = Vec::new();
                    self.blocks(blocks, qx, qw, n, &mut inner)?;
                    let bar_x = qx - QUOTE_BAR_EM * size;
                    out.extend(quote_bar(inner, bar_x, self.g.pitch, self.g.area_h));
                }
                Block::Code { text, lang, .. } => self.code(text, lang, x, width, parent, out)?,
                Block::Table(t) => out.extend(self.table(t, x, width, parent)?),
                Block::Rule { .. } => out.push(Piece::Block(self.rule(x, width))),
            }
            self.at.path.pop();
        }
        Ok(())
    }

    /// A heading inside a section (levels 2–6; a level-1 heading is set as level 2): a block
    /// kept with what follows.
    #[allow(clippy::too_many_arguments)]
    fn heading(
        &mut self,
        level: u8,
        id: &str,
        content: &[Inline],
        x: f32,
        width: f32,
        parent: NodeId,
        out: &mut Vec<Piece>,
    ) -> Result<()> {
        let size = self.g.size;
        let lvl = level.clamp(2, 6);
        let n = self.node(
            StructKind::Heading(lvl),
            Some(parent),
            Some(model::plain_text(content)),
        );
        let hs = match lvl {
            2 => size * 1.2,
            3 => size * 1.05,
            _ => size,
        };
        let segs = self.segments(content, self.cur(self.fonts.heading(), hs, Some(n)), None);
        let lines = self.set_lines(&segs, width, 0.0, inline::TextAlign::Left)?;
        let lead = (hs * 1.5).max(self.g.pitch);
        let mut blk = BlockBox {
            keep_next: true,
            ..BlockBox::default()
        };
        let nl = lines.len() as f32;
        // Half a grid line above and below, rounded to whole grid lines.
        let h = snap(nl * lead + self.g.pitch * 0.5, self.g.pitch);
        let top = h - nl * lead - self.g.pitch * 0.15;
        self.stack(lines, lead, x, top, &mut blk.items);
        blk.height = h;
        if lvl == 2 {
            blk.space_before = self.g.pitch * MAJOR_HEADING_ABOVE;
        }
        blk.anchors.push((id.to_string(), 0.0));
        blk.pos = Some(self.here(0));
        out.push(Piece::Block(blk));
        Ok(())
    }

    /// A list: each item's first paragraph hangs after its marker (a number or a bullet).
    #[allow(clippy::too_many_arguments)]
    fn list(
        &mut self,
        ordered: bool,
        start: u64,
        items: &[Vec<Block>],
        x: f32,
        width: f32,
        parent: NodeId,
        out: &mut Vec<Piece>,
    ) -> Result<()> {
        let size = self.g.size;
        let ln = self.node(StructKind::List, Some(parent), None);
        for (k, item) in items.iter().enumerate() {
            let li = self.node(StructKind::ListItem, Some(ln), None);
            let lbl = self.node(StructKind::ListLabel, Some(li), None);
            let body = self.node(StructKind::ListBody, Some(li), None);
            let marker = if ordered {
                format!("{}.", start + k as u64)
            } else {
                "•".to_string()
            };
            let mut seg = Segment::default();
            push_seg(
                &mut seg,
                &marker,
                self.cur(self.fonts.body(), size, Some(lbl)),
                None,
            );
            let ml = self.set_lines(&[seg], 2.0 * size, 0.0, inline::TextAlign::Right)?;
            let mut sub = Vec::new();
            let ind = LIST_INDENT_EM * size;
            // Deep nesting stops indenting once the line would get too short.
            let (tx, tw) = self.inset(x, width, ind, 0.0);
            let mx = tx - ind;
            // List item paragraphs: no first-line indent, hanging after the marker.
            self.at.path.push(k);
            for (bi, blk) in item.iter().enumerate() {
                if let Block::Paragraph { content, .. } = blk {
                    self.at.path.push(bi);
                    let n = self.node(StructKind::Paragraph, Some(body), None);
                    let segs =
                        self.segments(content, self.cur(self.fonts.body(), size, Some(n)), None);
                    let mut lines =
                        self.para_lines(&segs, tx, tw, 0.0, inline::TextAlign::Justify)?;
                    if bi == 0
                        && let (Some(Piece::Line(first)), Some(m)) = (lines.first_mut(), ml.first())
                    {
                        let base = self.grid_baseline();
                        for it in &m.items {
                            let mut it = it.clone();
                            it.translate(mx, base);
                            first.items.insert(0, it);
                        }
                    }
                    sub.extend(lines);
                    self.at.path.pop();
                } else {
                    if bi > 0 {
                        self.space(Some(kind_of(&item[bi - 1])), kind_of(blk), &mut sub);
                    }
                    self.blocks_from(std::slice::from_ref(blk), bi, tx, tw, body, &mut sub)?;
                }
            }
            self.at.path.pop();
            out.extend(sub);
        }
        Ok(())
    }

    /// A thematic break: a short centred rule on a grid line of its own.
    fn rule(&self, x: f32, width: f32) -> BlockBox {
        let size = self.g.size;
        let p = self.g.pitch;
        let items = vec![Item::Line(LineItem {
            x0: x + width / 2.0 - 3.0 * size,
            x1: x + width / 2.0 + 3.0 * size,
            y0: p / 2.0,
            y1: p / 2.0,
            width: 0.5,
            node: None,
            artifact: ArtifactKind::Layout,
        })];
        BlockBox {
            items,
            height: p,
            pos: Some(self.here(0)),
            ..BlockBox::default()
        }
    }

    /// The opening of a section: kicker, title, author, as one block.
    pub(super) fn opening(&mut self, s: &Section, sec: NodeId) -> Result<BlockBox> {
        let size = self.g.size;
        let w = self.g.measure;
        let mut blk = BlockBox {
            keep_next: true,
            ..BlockBox::default()
        };
        // Sink the opening (docs/typesetting.md §7): make-up may take the sink away.
        let mut y = self.g.pitch * OPENING_SINK;
        blk.sink = y;
        if let Some(k) = &s.kicker {
            let n = self.node(StructKind::Paragraph, Some(sec), None);
            let mut seg = Segment::default();
            push_seg(
                &mut seg,
                k,
                TextStyle {
                    gray: 0.35,
                    ..self.cur(self.fonts.heading(), size * SMALL, Some(n))
                },
                None,
            );
            let lines = self.set_lines(&[seg], w, 0.0, inline::TextAlign::Center)?;
            y = self.stack(lines, size * 1.6, 0.0, y, &mut blk.items);
            y += size * 0.4;
        }
        let ts = size * 1.5;
        let n = self.node(StructKind::Heading(1), Some(sec), Some(s.title.clone()));
        let mut seg = Segment::default();
        push_seg(
            &mut seg,
            &s.title,
            self.cur(self.fonts.heading(), ts, Some(n)),
            None,
        );
        let lines = self.set_lines(&[seg], w - 2.0 * size, 0.0, inline::TextAlign::Center)?;
        blk.anchors.push((s.id.clone(), 0.0));
        y = self.stack(lines, ts * 1.45, size, y, &mut blk.items);
        if let Some(a) = &s.author {
            let n = self.node(StructKind::Paragraph, Some(sec), None);
            let mut seg = Segment::default();
            push_seg(
                &mut seg,
                a,
                self.cur(self.fonts.body(), size, Some(n)),
                None,
            );
            let lines = self.set_lines(&[seg], w, 0.0, inline::TextAlign::Center)?;
            y += size * 0.5;
            y = self.stack(lines, size * 1.6, 0.0, y, &mut blk.items);
        }
        blk.height = snap(y + self.g.pitch * 1.2, self.g.pitch);
        blk.pos = Some(self.here(0));
        Ok(blk)
    }

    /// The section's footnotes (and the addresses of its links), set for the feet of the
    /// pages that refer to them (`notes.rs`, placed by `paginate/footnotes.rs`): no pieces of their own.
    pub(super) fn footnotes(&mut self, s: &Section, sec: NodeId) -> Result<()> {
        self.set_notes(s, sec)
    }

    /// Section `si` (opening, blocks, footnotes) as pieces, from a new page (a recto if it is
    /// the first of the body). Set once: where the body starts changes only its pagination.
    pub(super) fn collect_section(&mut self, si: usize, recto: bool) -> Result<Vec<Piece>> {
        let book = self.book;
        let s = &book.sections[si];
        let mut pieces = Vec::new();
        self.at = SourcePos {
            section: si,
            part: Part::Opening,
            path: Vec::new(),
            offset: 0,
        };
        let body = s.role == Role::Body;
        pieces.push(Piece::NewPage {
            recto,
            head: Some(s.title.clone()),
            body,
        });
        let sec = self.node(StructKind::Section, None, None);
        self.start_marks();
        pieces.push(Piece::Block(self.opening(s, sec)?));
        self.at.part = Part::Body;
        let m = self.g.measure;
        if let Some(b) = s.blocks.first() {
            self.space(Some(Kind::Opening), kind_of(b), &mut pieces);
        }
        self.blocks(&s.blocks, 0.0, m, sec, &mut pieces)?;
        self.footnotes(s, sec)?;
        pieces.push(Piece::Flush);
        Ok(pieces)
    }
}
