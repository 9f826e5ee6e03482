//! Front matter: the cover page and the table of contents (目录), which the layout sets again
//! with real page numbers once the body is paginated.

use crate::book::model::{self, Book, Writing};
use crate::diag::Result;
use crate::typeset::document::{
    ArtifactKind, DotItem, ImageItem, Item, LineItem, LinkItem, LinkTarget, NodeId, Part,
    SourcePos, StructKind,
};
use crate::typeset::inline;
use crate::typeset::page::geometry::{SMALL, snap};
use crate::typeset::page::paginate::{BlockBox, GridLine, PageBuild, Paginator, Piece};
use crate::typeset::page::runs::{ItemLine, Segment, TextStyle, push_seg};
use crate::typeset::page::setter::Setter;
use std::collections::HashMap;

/// Rounds of [`settle_toc`] before it stops looking for an exact fixpoint (the sample book
/// settles in two).
pub(super) const MAX_TOC_ROUNDS: usize = 4;

/// Finds how many pages to reserve for the table of contents. `round(reserved)` paginates the
/// body after `reserved` TOC pages, sets the TOC with the resulting page numbers and returns its
/// length in pages with whatever it built. Returns the reservation and the last round's output,
/// whose TOC is never longer than the reservation once a fixpoint is found or the reservation
/// only grows; the caller pads a shorter TOC with blank pages.
///
/// Usually the first or second round agrees. Lengths that go back and forth (a page number
/// gaining a digit pushes an entry onto another page, which moves the body back …) stop after
/// [`MAX_TOC_ROUNDS`]: from then on the longest TOC seen is reserved, and the reservation only
/// grows, for at most [`MAX_TOC_ROUNDS`] more rounds.
pub(super) fn settle_toc<T>(
    first_guess: usize,
    mut round: impl FnMut(usize) -> Result<(usize, T)>,
) -> Result<(usize, T)> {
    let mut reserved = first_guess;
    let mut longest = first_guess;
    for _ in 0..MAX_TOC_ROUNDS {
        let (len, out) = round(reserved)?;
        if len == reserved {
            return Ok((reserved, out));
        }
        longest = longest.max(len);
        reserved = len;
    }
    let mut last = round(longest)?;
    for _ in 1..MAX_TOC_ROUNDS {
        if last.0 <= longest {
            break;
        }
        longest = last.0;
        last = round(longest)?;
    }
    Ok((longest.max(last.0), last.1))
}

impl Setter<'_> {
    /// The table of contents; `numbers` maps destination names to printed page numbers (None:
    /// a dry run to count pages).
    pub(super) fn toc(
        &mut self,
        numbers: Option<(&HashMap<String, String>, NodeId)>,
    ) -> Result<Vec<PageBuild>> {
        let toc_node = numbers.map(|n| n.1);
        let words = crate::words::for_language(&self.book.meta.language);
        let mut pieces = vec![Piece::NewPage {
            recto: true,
            head: Some(words.contents.into()),
            body: false,
        }];
        // Title: 目录, spaced like a section title.
        pieces.push(self.front_title(words.contents_title, words.contents, toc_node)?);
        for entry in toc_entries(self.book) {
            self.toc_entry(&entry, numbers.map(|n| n.0), toc_node, &mut pieces)?;
        }
        self.lists(numbers, toc_node, &mut pieces)?;
        let mut pg = Paginator::new(&self.g, 2);
        pg.run(&pieces);
        Ok(pg.pages)
    }

    /// The title block of a front-matter list (the contents, the list of figures): `shown`
    /// centred at 1.5 × the body size in the heading face, spaced like a section title, and a
    /// level-1 heading named `name` in the structure tree under `toc_node`.
    pub(super) fn front_title(
        &mut self,
        shown: &str,
        name: &str,
        toc_node: Option<NodeId>,
    ) -> Result<Piece> {
        let mut blk = BlockBox::default();
        let ts = self.g.size * 1.5;
        let mut seg = Segment::default();
        let hn = toc_node.map(|t| self.node(StructKind::Heading(1), Some(t), Some(name.into())));
        push_seg(
            &mut seg,
            shown,
            self.cur(self.fonts.heading(), ts, hn),
            None,
        );
        let lines = self.set_lines(&[seg], self.g.measure, 0.0, inline::TextAlign::Center)?;
        let y = self.stack(lines, ts * 1.45, 0.0, self.g.pitch * 3.0, &mut blk.items);
        blk.height = snap(y + self.g.pitch, self.g.pitch);
        Ok(Piece::Block(blk))
    }

    /// One entry of the TOC as grid lines: title (indented by depth), leader dots, page number.
    pub(super) fn toc_entry(
        &mut self,
        line: &TocEntry,
        numbers: Option<&HashMap<String, String>>,
        toc_node: Option<NodeId>,
        pieces: &mut Vec<Piece>,
    ) -> Result<()> {
        let size = self.g.size;
        let w = self.g.measure;
        let reserve = 3.0 * size;
        let base = self.grid_baseline();
        // The entry's section index stands for the entry (see PageStart::Toc); a part
        // stands for its first section.
        let entry = SourcePos {
            section: line.section,
            part: Part::Opening,
            path: Vec::new(),
            offset: 0,
        };
        let num = numbers
            .and_then(|m| m.get(&line.dest).cloned())
            .unwrap_or_else(|| "00".into());
        let item = toc_node.map(|t| self.node(StructKind::TocItem, Some(t), None));
        let link = item.map(|i| self.node(StructKind::Link, Some(i), Some(line.title.clone())));
        let target = LinkTarget::Named(line.dest.clone());
        let mut seg = Segment::default();
        let face = if line.part {
            self.fonts.heading()
        } else {
            self.fonts.body()
        };
        if let Some(k) = line.kicker.as_deref().filter(|_| self.book.pdf.toc_kicker) {
            self.toc_kicker(&mut seg, k, link, &target);
        }
        push_seg(
            &mut seg,
            &line.title,
            self.cur(face, size, link),
            Some(target.clone()),
        );
        // Sub-chapters are indented two characters a level.
        let indent = f32::from(line.depth.min(4)) * 2.0 * size;
        let mut lines =
            self.set_lines(&[seg], w - reserve - indent, 0.0, inline::TextAlign::Left)?;
        for l in &mut lines {
            l.items.iter_mut().for_each(|it| it.translate(indent, 0.0));
            l.width += indent;
        }
        let mut nseg = Segment::default();
        push_seg(
            &mut nseg,
            &num,
            self.cur(self.fonts.body(), size, link),
            Some(target.clone()),
        );
        let nl = self.set_lines(&[nseg], w, 0.0, inline::TextAlign::Left)?;
        let count = lines.len();
        let id = self.para_seq;
        self.para_seq += 1;
        let last = lines.len().saturating_sub(1);
        for (idx, l) in lines.iter_mut().enumerate() {
            if idx == last {
                let nw = nl.first().map(|n| n.width).unwrap_or(0.0);
                let at = self.toc_number_start(&num, w, nw);
                if let Some(n) = nl.first() {
                    for it in &n.items {
                        let mut it = it.clone();
                        it.translate(at, 0.0);
                        l.items.push(it);
                    }
                }
                // Leader dots on a fixed pitch so they line up from entry to entry.
                let step = size * 0.5;
                let from = l.width + size * 0.5;
                let to = at - size * 0.5;
                let mut k = (from / step).ceil();
                while k * step <= to {
                    l.items.push(Item::Dot(DotItem {
                        cx: k * step,
                        cy: -size * 0.3,
                        r: size * 0.05,
                        artifact: ArtifactKind::Layout,
                    }));
                    k += 1.0;
                }
            }
        }
        for (idx, l) in lines.into_iter().enumerate() {
            let mut items = l.items;
            items.iter_mut().for_each(|it| it.translate(0.0, base));
            if idx == 0 {
                // The whole entry line is the link area.
                items.push(Item::Link(LinkItem {
                    x: 0.0,
                    y: 0.0,
                    width: w,
                    height: self.g.pitch,
                    target: target.clone(),
                    node: link,
                }));
            }
            // Drop the per-run link rectangles: one area per entry is enough.
            items.retain(|it| !matches!(it, Item::Link(li) if li.height < self.g.pitch));
            pieces.push(Piece::Line(GridLine {
                items,
                para: id,
                idx,
                count,
                pos: entry.clone(),
            }));
        }
        Ok(())
    }

    /// Where an entry's page number `num`, `nw` wide, starts on a line `w` long. A vertical
    /// book stands a short number upright side by side (縱中橫) with its em box at the top of
    /// the space it takes (a number narrower than an em: centred on it), so that number starts
    /// where its em box ends at the column's foot, level with the others.
    fn toc_number_start(&self, num: &str, w: f32, nw: f32) -> f32 {
        let size = self.g.size;
        let tcy = usize::from(self.book.pdf.tcy.clamp(2, 4));
        let upright = num.chars().all(|c| c.is_ascii_digit()) && num.len() <= tcy;
        if self.book.pdf.writing != Writing::Vertical || !upright {
            w - nw
        } else if nw < size {
            w - (size + nw) / 2.0
        } else {
            w - size
        }
    }

    /// A contents entry's kicker (the label above its section's title, `[pdf] toc_kicker`):
    /// before the title, smaller and grey in the heading face as over the opening, an
    /// ideographic space after it.
    fn toc_kicker(
        &self,
        seg: &mut Segment,
        kicker: &str,
        link: Option<NodeId>,
        target: &LinkTarget,
    ) {
        let style = TextStyle {
            gray: 0.35,
            ..self.cur(self.fonts.heading(), self.g.size * SMALL, link)
        };
        push_seg(
            seg,
            &format!("{kicker}\u{3000}"),
            style,
            Some(target.clone()),
        );
    }

    /// The user's cover picture filling the first page to the trim edge (the PDF shows the
    /// centred part of it in the page's proportions: `pdf::pictures::visible_part`), or `None`
    /// without one.
    pub(super) fn cover_picture(&mut self) -> Option<PageBuild> {
        let img = self.book.meta.cover.as_ref()?;
        let sec = self.node(StructKind::Section, None, None);
        let alt = format!("封面：{}", self.book.meta.title);
        let fig = self.node(StructKind::Figure, Some(sec), Some(alt));
        Some(PageBuild {
            items: vec![Item::Image(ImageItem {
                image: img.clone(),
                x: 0.0,
                y: 0.0,
                width: self.g.page_w,
                height: self.g.page_h,
                node: Some(fig),
            })],
            opening: true,
            ..PageBuild::default()
        })
    }

    /// The cover title's lines ([`crate::cjk::title_lines`]), each measured as the typesetter
    /// sets it in `style` (its line-edge trims included, so that centring is on the ink).
    fn title_lines(
        &mut self,
        title: &str,
        style: TextStyle,
        max: f32,
        em: f32,
    ) -> Result<Vec<String>> {
        let mut failed = None;
        let level = self.book.pdf.kinsoku;
        let lines = crate::cjk::title_lines(title, level, max, em, |t| {
            let mut seg = Segment::default();
            push_seg(&mut seg, t, style, None);
            match self.set_lines(&[seg], 1.0e6, 0.0, inline::TextAlign::Left) {
                Ok(lines) => lines.iter().map(|l| l.width).fold(0.0, f32::max),
                Err(e) => {
                    failed.get_or_insert(e);
                    0.0
                }
            }
        });
        match failed {
            Some(e) => Err(e),
            None => Ok(lines),
        }
    }

    /// Sets `text` centred in `width` at the largest size from `style`'s down whose lines (each
    /// `lead` × size apart) fit in `height`: it shrinks as far as it must, so no line is lost
    /// (the title's length is capped by `book::MAX_TITLE_CHARS`, so on A5 it stays above a
    /// third of its size). A title (`as_title`) is broken by [`Self::title_lines`] first: at
    /// its spaces, then at phrase boundaries.
    fn fit_lines(
        &mut self,
        text: &str,
        style: (crate::typeset::fonts::FontId, f32, NodeId),
        width: f32,
        height: f32,
        lead: f32,
        as_title: bool,
    ) -> Result<(Vec<ItemLine>, f32)> {
        let (font, largest, node) = style;
        let mut size = largest;
        loop {
            let cur = self.cur(font, size, Some(node));
            let parts = if as_title {
                self.title_lines(text, cur, width, size)?
            } else {
                vec![text.to_string()]
            };
            let segs: Vec<Segment> = parts
                .iter()
                .map(|t| {
                    let mut seg = Segment::default();
                    push_seg(&mut seg, t, cur, None);
                    seg
                })
                .collect();
            let lines = self.set_lines(&segs, width, 0.0, inline::TextAlign::Center)?;
            let fit = ((height / (size * lead)).floor() as usize).max(1);
            if lines.len() <= fit {
                return Ok((lines, size));
            }
            if size < 1.0 {
                return Err(crate::diag::Diagnostic::error(format!(
                    "the cover cannot hold `{}…` even at 1 pt",
                    text.chars().take(20).collect::<String>()
                ))
                .hint("shorten it, or make the page larger ([pdf] page)")
                .into());
            }
            size *= 0.85;
        }
    }

    /// Moves a line centred in `width` so that its ink, not its advance box, is centred: a line
    /// of large bold type otherwise sits off centre by its glyphs' side bearings (巩固提升党史学习
    /// 1.2 pt left on A5) and by the blank a bracket keeps inside the line (教育成果（上） 1.9 pt).
    fn centre_ink(&self, line: &mut ItemLine, width: f32) {
        let (mut left, mut right) = (f32::INFINITY, f32::NEG_INFINITY);
        for it in &line.items {
            let Item::Glyphs(run) = it else { continue };
            let face = self.fonts.shaper_face(run.font);
            let scale = run.size / self.fonts.units_per_em(run.font);
            let mut pen = run.x;
            for g in &run.glyphs {
                let id = rustybuzz::ttf_parser::GlyphId(g.id);
                if let Some(b) = face.glyph_bounding_box(id) {
                    left = left.min(pen + g.x_offset + f32::from(b.x_min) * scale);
                    right = right.max(pen + g.x_offset + f32::from(b.x_max) * scale);
                }
                pen += g.advance;
            }
        }
        if left < right {
            let dx = width / 2.0 - (left + right) / 2.0;
            line.items.iter_mut().for_each(|it| it.translate(dx, 0.0));
        }
    }

    /// The drawn cover: series, title and editors (with a cover picture, the title page that
    /// follows it).
    pub(super) fn cover(&mut self) -> Result<PageBuild> {
        let m = &self.book.meta;
        let size = self.g.size;
        let w = self.g.measure;
        // Centred on the page, not on the type area (whose inner and outer margins differ).
        let x = (self.g.page_w - w) / 2.0;
        let mut items = Vec::new();
        let sec = self.node(StructKind::Section, None, None);
        if let Some(series) = &m.series {
            let n = self.node(StructKind::Paragraph, Some(sec), None);
            let mut seg = Segment::default();
            push_seg(
                &mut seg,
                series,
                TextStyle {
                    gray: 0.3,
                    ..self.cur(self.fonts.heading(), size * 1.15, Some(n))
                },
                None,
            );
            let lines = self.set_lines(&[seg], w, 0.0, inline::TextAlign::Center)?;
            self.stack(lines, size * 2.0, x, self.g.page_h * 0.16, &mut items);
        }
        // Title: large bold sans, centred, the upper third of the page; a long one wraps and
        // shrinks to stay above the middle of the page.
        let ts = (size * 2.1).min(w / 10.0);
        let n = self.node(StructKind::Heading(1), Some(sec), Some(m.title.clone()));
        let band = self.g.page_h * 0.25;
        let (font, width) = (self.fonts.heading(), w - 2.0 * size);
        let (mut lines, ts) = self.fit_lines(&m.title, (font, ts, n), width, band, 1.5, true)?;
        for l in &mut lines {
            self.centre_ink(l, width);
        }
        let mut y = self.stack(lines, ts * 1.5, x + size, self.g.page_h * 0.27, &mut items);
        // A short rule under the title.
        y += size * 1.2;
        items.push(Item::Line(LineItem {
            x0: x + w / 2.0 - 2.0 * size,
            x1: x + w / 2.0 + 2.0 * size,
            y0: y,
            y1: y,
            width: 0.8,
            node: None,
            artifact: ArtifactKind::Layout,
        }));
        if !m.editors.is_empty() {
            let n = self.node(StructKind::Paragraph, Some(sec), None);
            let text = crate::words::for_language(&m.language).edited_by(&m.editors);
            // Many editors shrink to stay above the foot of the page.
            let band = self.g.page_h * 0.22;
            let es = size * 1.15;
            let (lines, es) = self.fit_lines(
                &text,
                (self.fonts.body(), es, n),
                w,
                band,
                2.0 / 1.15,
                false,
            )?;
            self.stack(lines, es * 2.0 / 1.15, x, self.g.page_h * 0.76, &mut items);
        }
        Ok(PageBuild {
            items,
            opening: true,
            ..PageBuild::default()
        })
    }
}
/// One line of the printed table of contents.
pub(super) struct TocEntry {
    pub(super) title: String,
    /// The section it stands for (a part: its first).
    pub(super) section: usize,
    /// The destination it links to (a part: its first section).
    pub(super) dest: String,
    pub(super) depth: u8,
    pub(super) part: bool,
    /// The section's kicker, shown before the title (`[pdf] toc_kicker`).
    pub(super) kicker: Option<String>,
}

/// The book's outline flattened in reading order, as the contents page lists it.
pub(super) fn toc_entries(book: &Book) -> Vec<TocEntry> {
    pub(super) fn walk(
        book: &Book,
        nodes: &[model::OutlineNode],
        depth: u8,
        out: &mut Vec<TocEntry>,
    ) {
        for n in nodes {
            match n {
                model::OutlineNode::Part { index, children } => {
                    let p = &book.parts[*index];
                    out.push(TocEntry {
                        title: p.title.clone(),
                        section: p.first,
                        dest: book.sections[p.first].id.clone(),
                        depth,
                        part: true,
                        kicker: None,
                    });
                    walk(book, children, depth, out);
                }
                model::OutlineNode::Section { index, children } => {
                    let s = &book.sections[*index];
                    out.push(TocEntry {
                        title: s.title.clone(),
                        section: *index,
                        dest: s.id.clone(),
                        depth,
                        part: false,
                        kicker: s.kicker.clone(),
                    });
                    walk(book, children, depth + 1, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(book, &book.outline(), 0, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `settle_toc` with TOC lengths given by `len_for(reserved)`; returns the reservation,
    /// the TOC length of the round it kept and how many rounds ran.
    fn settle(first: usize, len_for: impl Fn(usize) -> usize) -> (usize, usize, usize) {
        let mut rounds = 0;
        let (reserved, len) = settle_toc(first, |r| {
            rounds += 1;
            Ok((len_for(r), len_for(r)))
        })
        .unwrap();
        (reserved, len, rounds)
    }

    #[test]
    fn a_right_guess_takes_one_round() {
        assert_eq!(settle(2, |_| 2), (2, 2, 1));
    }

    #[test]
    fn a_wrong_guess_is_corrected_once() {
        assert_eq!(settle(1, |_| 3), (3, 3, 2));
    }

    #[test]
    fn lengths_that_go_back_and_forth_stop_on_the_longer_with_padding() {
        // Reserving 1 page makes a 2-page TOC and reserving 2 makes a 1-page one.
        let (reserved, len, rounds) = settle(1, |r| if r == 1 { 2 } else { 1 });
        assert_eq!(reserved, 2);
        assert!(len <= reserved, "the kept TOC fits its reservation");
        assert!(rounds <= 2 * MAX_TOC_ROUNDS, "{rounds} rounds");
    }

    #[test]
    fn a_toc_that_keeps_growing_is_still_bounded() {
        let (_, _, rounds) = settle(1, |r| r + 1);
        assert!(rounds <= 2 * MAX_TOC_ROUNDS, "{rounds} rounds");
    }

    #[test]
    fn an_error_in_a_round_is_returned() {
        let r: Result<(usize, ())> =
            settle_toc(1, |_| Err(crate::diag::Diagnostic::error("boom").into()));
        assert!(r.is_err());
    }
}
