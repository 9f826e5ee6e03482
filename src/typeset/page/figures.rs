//! Collect: figures (floating blocks: picture, caption, credit) and three-line tables.

use crate::book::model::{self, Inline};
use crate::diag::Result;
use crate::typeset::document::{
    ArtifactKind, ImageItem, Item, LineItem, LinkTarget, NodeId, StructKind,
};
use crate::typeset::inline;
use crate::typeset::page::geometry::{SMALL, snap};
use crate::typeset::page::paginate::BlockBox;
use crate::typeset::page::runs::{Segment, TextStyle, push_seg};
use crate::typeset::page::setter::Setter;

impl Setter<'_> {
    pub(super) fn figure(
        &mut self,
        f: &model::Figure,
        x: f32,
        width: f32,
        parent: NodeId,
    ) -> Result<BlockBox> {
        let size = self.g.size;
        let cap_text = model::plain_text(&f.caption);
        let fig = self.node(
            StructKind::Figure,
            Some(parent),
            Some(if cap_text.is_empty() {
                f.label.clone()
            } else {
                cap_text.clone()
            }),
        );
        let (pw, ph) = f.image.display_size();
        let (pw, ph) = (pw.max(1) as f32, ph.max(1) as f32);
        // Never upscale past the pixels at 150 dpi; never wider than the measure, and leave
        // room on the page for the caption.
        // A drawing scales freely: its natural size is its CSS size (96 px to the inch).
        let natural = if f.image.format == model::ImageFormat::Svg {
            pw * 0.75
        } else {
            pw * 72.0 / 150.0
        };
        let mut w = natural.min(width);
        let max_h = self.g.area_h - 4.0 * self.g.pitch;
        if w * ph / pw > max_h {
            w = max_h * pw / ph;
        }
        let h = w * ph / pw;
        let mut blk = BlockBox {
            float: true,
            ..BlockBox::default()
        };
        let top = self.g.pitch * 0.25;
        blk.items.push(Item::Image(ImageItem {
            image: f.image.clone(),
            x: x + (width - w) / 2.0,
            y: top,
            width: w,
            height: h,
            node: Some(fig),
        }));
        blk.anchors.push((f.id.clone(), 0.0));
        let cs = size * SMALL;
        let cap = self.node(StructKind::Caption, Some(parent), None);
        let mut inl = if f.label.is_empty() {
            Vec::new()
        } else {
            let gap = crate::words::for_language(&self.book.meta.language).caption_gap;
            vec![Inline::Text(format!("{}{gap}", f.label))]
        };
        inl.extend(f.caption.iter().cloned());
        let segs = self.segments(&inl, self.cur(self.fonts.body(), cs, Some(cap)), None);
        let mut lines = self.set_lines(&segs, width, 0.0, inline::TextAlign::Center)?;
        if lines.len() > 1 {
            lines = self.set_lines(&segs, width, 0.0, inline::TextAlign::Justify)?;
        }
        let lead = cs * 1.6;
        let mut y = self.stack(lines, lead, x, top + h + cs * 0.6, &mut blk.items);
        if let Some(credit) = &f.credit {
            y = self.caption_note(credit, None, cs, (x, y, width), cap, &mut blk.items)?;
        }
        if let Some(url) = &f.image.remote {
            // A placeholder: the picture's address, smaller still, as a link.
            let link = Some(LinkTarget::Uri(url.clone()));
            y = self.caption_note(url, link, cs * 0.85, (x, y, width), cap, &mut blk.items)?;
        }
        blk.height = snap(y + self.g.pitch * 0.3, self.g.pitch);
        blk.pos = Some(self.here(0));
        Ok(blk)
    }

    /// A grey, centred line under a caption (a credit, a URL) at `size`; returns the y below it.
    fn caption_note(
        &mut self,
        text: &str,
        link: Option<LinkTarget>,
        size: f32,
        (x, y, width): (f32, f32, f32),
        cap: NodeId,
        items: &mut Vec<Item>,
    ) -> Result<f32> {
        let mut seg = Segment::default();
        let cur = TextStyle {
            gray: 0.3,
            ..self.cur(self.fonts.body(), size, Some(cap))
        };
        push_seg(&mut seg, text, cur, link);
        let lines = self.set_lines(&[seg], width, 0.0, inline::TextAlign::Center)?;
        Ok(self.stack(lines, size * 1.6, x, y, items))
    }

    /// A three-line table (三线表): rules above and below the header and below the body.
    /// As blocks: one, or several when it is taller than a page (split between rows).
    pub(super) fn table(
        &mut self,
        t: &model::Table,
        x: f32,
        width: f32,
        parent: NodeId,
    ) -> Result<Vec<BlockBox>> {
        let size = self.g.size * SMALL;
        let cols = t
            .head
            .len()
            .max(t.rows.iter().map(|r| r.len()).max().unwrap_or(0))
            .max(1);
        let cw = width / cols as f32;
        let tn = self.node(StructKind::Table, Some(parent), None);
        let lead = size * 1.6;
        let row_pos = |lay: &Self, r: usize| {
            let mut p = lay.here(0);
            p.path.push(r);
            p
        };
        let mut blk = BlockBox {
            pos: Some(row_pos(self, 0)),
            ..BlockBox::default()
        };
        let rule = |y: f32, w: f32| {
            Item::Line(LineItem {
                x0: x,
                x1: x + width,
                y0: y,
                y1: y,
                width: w,
                node: None,
                artifact: ArtifactKind::Layout,
            })
        };
        let mut y = self.g.pitch * 0.3;
        blk.items.push(rule(y, 0.8));
        y += size * 0.3;
        // Where the current block starts (table coordinates), and the blocks already full.
        let mut chunk_top = 0.0;
        let mut chunks = Vec::new();
        let room = self.g.area_h - self.g.pitch;
        let mut rows: Vec<(bool, &Vec<Vec<Inline>>)> = Vec::new();
        if !t.head.is_empty() {
            rows.push((true, &t.head));
        }
        rows.extend(t.rows.iter().map(|r| (false, r)));
        for (ri, (head, cells)) in rows.iter().enumerate() {
            let rn = self.node(StructKind::TableRow, Some(tn), None);
            let mut row_h: f32 = lead;
            let row_start = blk.items.len();
            for (ci, cell) in cells.iter().enumerate().take(cols) {
                let cn = self.node(
                    if *head {
                        StructKind::TableHeader
                    } else {
                        StructKind::TableCell
                    },
                    Some(rn),
                    None,
                );
                let font = if *head {
                    self.fonts.heading()
                } else {
                    self.fonts.body()
                };
                let segs = self.segments(cell, self.cur(font, size, Some(cn)), None);
                let align = match t.align.get(ci) {
                    Some(model::Align::Center) => inline::TextAlign::Center,
                    Some(model::Align::Right) => inline::TextAlign::Right,
                    _ if *head => inline::TextAlign::Center,
                    _ => inline::TextAlign::Left,
                };
                let lines = self.set_lines(&segs, cw - size, 0.0, align)?;
                let end = self.stack(
                    lines,
                    lead,
                    x + ci as f32 * cw + size / 2.0,
                    y,
                    &mut blk.items,
                );
                row_h = row_h.max(end - y);
            }
            // A row that would take the block past a page starts the next block.
            if ri > 0 && y + row_h - chunk_top > room {
                let row: Vec<Item> = blk.items.drain(row_start..).collect();
                let mut full = std::mem::take(&mut blk);
                full.items
                    .iter_mut()
                    .for_each(|it| it.translate(0.0, -chunk_top));
                full.height = snap(y - chunk_top, self.g.pitch);
                chunks.push(full);
                chunk_top = y;
                blk.items = row;
                blk.pos = Some(row_pos(self, ri));
            }
            y += row_h;
            if *head || ri + 1 == rows.len() {
                y += size * 0.3;
                blk.items.push(rule(y, if *head { 0.4 } else { 0.8 }));
                y += size * 0.3;
            }
        }
        blk.items
            .iter_mut()
            .for_each(|it| it.translate(0.0, -chunk_top));
        blk.height = snap(y - chunk_top + self.g.pitch * 0.3, self.g.pitch);
        chunks.push(blk);
        Ok(chunks)
    }
}
