//! Collect: figures (floating blocks: picture, caption, credit).

use crate::book::model::{self, Inline, Writing};
use crate::diag::Result;
use crate::typeset::document::{ImageItem, Item, LinkTarget, NodeId, StructKind};
use crate::typeset::inline;
use crate::typeset::page::geometry::{SMALL, snap};
use crate::typeset::page::paginate::{BlockBox, Shrink};
use crate::typeset::page::runs::{Segment, TextStyle, push_seg};
use crate::typeset::page::setter::Setter;
use crate::typeset::page::spacing::FIGURE_MARGIN;

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
        let (w, h) = self.picture_box(natural, pw / ph, width);
        let mut blk = BlockBox {
            float: true,
            ..BlockBox::default()
        };
        // Set from y = 0 (the picture's top), then centred in whole grid lines.
        blk.items.push(Item::Image(ImageItem {
            image: f.image.clone(),
            x: x + (width - w) / 2.0,
            y: 0.0,
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
        // A caption of one line is centred; a longer one is justified, and the lines under it
        // (credit, address) then start at its left edge too, so the block reads as one.
        let mut align = inline::TextAlign::Center;
        let mut lines = self.set_lines(&segs, width, 0.0, align)?;
        if lines.len() > 1 {
            lines = self.set_lines(&segs, width, 0.0, inline::TextAlign::Justify)?;
            align = inline::TextAlign::Left;
        }
        let lead = cs * 1.6;
        let mut y = self.stack(lines, lead, x, h + cs * 0.6, &mut blk.items);
        // The ink bottom of the last line: its em box is centred in its lead.
        let mut last = cs;
        if let Some(credit) = &f.credit {
            let at = (x, y, width);
            y = self.caption_note(credit, None, cs, at, align, cap, &mut blk.items)?;
        }
        if let Some(url) = &f.image.remote {
            // A placeholder: the picture's address, smaller still, as a link.
            let link = Some(LinkTarget::Uri(url.clone()));
            let at = (x, y, width);
            y = self.caption_note(url, link, cs * 0.85, at, align, cap, &mut blk.items)?;
            last = cs * 0.85;
        }
        let content = y - last * 0.3;
        // Equal space above the picture and below the last line, at least FIGURE_MARGIN grid
        // lines each (docs/typesetting.md §9).
        let margin = FIGURE_MARGIN * self.g.pitch;
        blk.height = snap(content + 2.0 * margin, self.g.pitch);
        let top = (blk.height - content) / 2.0;
        for it in &mut blk.items {
            it.translate(0.0, top);
        }
        blk.shrink = Some(Shrink {
            top,
            content,
            image: h,
            margin,
        });
        blk.pos = Some(self.here(0));
        Ok(blk)
    }

    /// The picture's box in the frame, along the line and across it, for a picture `natural`
    /// wide of aspect `aspect` (width / height) on a line `width` long: no wider than the line,
    /// and room left on the page for the caption. A vertical book's frame is the page turned,
    /// so its picture is laid out turned (its width across the columns, its height down them)
    /// and stood upright again with the page.
    fn picture_box(&self, natural: f32, aspect: f32, width: f32) -> (f32, f32) {
        let max_h = self.g.area_h - 4.0 * self.g.pitch;
        if self.book.pdf.writing == Writing::Vertical {
            let mut across = natural.min(max_h);
            if across / aspect > width {
                across = width * aspect;
            }
            return (across / aspect, across);
        }
        let mut w = natural.min(width);
        if w / aspect > max_h {
            w = max_h * aspect;
        }
        (w, w / aspect)
    }

    /// A grey line under a caption (a credit, a URL) at `size`, aligned as the caption; returns
    /// the y below it.
    #[allow(clippy::too_many_arguments)]
    fn caption_note(
        &mut self,
        text: &str,
        link: Option<LinkTarget>,
        size: f32,
        (x, y, width): (f32, f32, f32),
        align: inline::TextAlign,
        cap: NodeId,
        items: &mut Vec<Item>,
    ) -> Result<f32> {
        let mut seg = Segment::default();
        let cur = TextStyle {
            gray: 0.3,
            ..self.cur(self.fonts.body(), size, Some(cap))
        };
        push_seg(&mut seg, text, cur, link);
        let lines = self.set_lines(&[seg], width, 0.0, align)?;
        Ok(self.stack(lines, size * 1.6, x, y, items))
    }
}
