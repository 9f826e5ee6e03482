//! Inline stage glue: flattens a block's inlines into styled runs (split at forced line
//! breaks), hands them to the paragraph setter ([`crate::typeset::inline`]) and turns its lines
//! into display items relative to (measure left, baseline).

use crate::book::model::{self, Inline, InlineStyle};
use crate::cjk;
use crate::diag::Result;
use crate::typeset::document::{
    ArtifactKind, DotItem, GlyphRun, Glyphs, InColumn, Item, LineItem, LinkItem, LinkTarget,
    NodeId, RectItem, RunGlyph, StructKind,
};
use crate::typeset::fonts::{FontId, FontSet};
use crate::typeset::inline::{self, Paragraph, ParagraphSpec, StyledRun};
use crate::typeset::page::paginate::{GridLine, Piece};
use crate::typeset::page::setter::Setter;
use crate::units::Em;

/// Per-run extras the paragraph engine does not know about.
#[derive(Debug, Clone, Default)]
pub(super) struct RunExtras {
    pub(super) dots: bool,
    pub(super) strike: bool,
    pub(super) link: Option<LinkTarget>,
    pub(super) node: Option<NodeId>,
    pub(super) gray: f32,
    /// Inline code: a light tint behind the run.
    pub(super) tint: bool,
    /// RGB colour (links), instead of the grey level.
    pub(super) color: Option<[u8; 3]>,
    /// Characters of the block's plain text before this run.
    pub(super) model_off: usize,
    /// Text the PDF adds (a note number, an address, a page reference): not in the model's
    /// text, so a line starting inside it starts at `model_off`.
    pub(super) synthetic: bool,
}

/// One forced-break segment of a paragraph.
#[derive(Debug, Clone, Default)]
pub(super) struct Segment {
    pub(super) runs: Vec<StyledRun>,
    pub(super) styles: Vec<RunExtras>,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct TextStyle {
    pub(super) font: FontId,
    pub(super) size: f32,
    pub(super) rise: f32,
    pub(super) dots: bool,
    pub(super) strike: bool,
    pub(super) node: Option<NodeId>,
    pub(super) gray: f32,
    pub(super) tint: bool,
    pub(super) color: Option<[u8; 3]>,
}

impl Setter<'_> {
    // ---------------------------------------------------------------- inline flattening

    pub(super) fn segments(
        &mut self,
        inlines: &[Inline],
        cur: TextStyle,
        link: Option<LinkTarget>,
    ) -> Vec<Segment> {
        let mut segs = vec![Segment::default()];
        self.model_off = 0;
        self.flatten(inlines, cur, link, &mut segs);
        segs
    }

    pub(super) fn flatten(
        &mut self,
        inlines: &[Inline],
        cur: TextStyle,
        link: Option<LinkTarget>,
        segs: &mut Vec<Segment>,
    ) {
        for i in inlines {
            match i {
                Inline::Text(t) => self.push_run(segs, t, cur, link.clone()),
                Inline::Code(t) => {
                    let code = TextStyle {
                        font: self.fonts.code(),
                        size: cur.size * INLINE_CODE,
                        tint: true,
                        ..cur
                    };
                    self.push_run(segs, t, code, link.clone());
                }
                Inline::Emph(c) => {
                    self.flatten(c, TextStyle { dots: true, ..cur }, link.clone(), segs)
                }
                Inline::Strong(c) => self.flatten(
                    c,
                    TextStyle {
                        font: self.fonts.heading(),
                        ..cur
                    },
                    link.clone(),
                    segs,
                ),
                Inline::Strike(c) => self.flatten(
                    c,
                    TextStyle {
                        strike: true,
                        ..cur
                    },
                    link.clone(),
                    segs,
                ),
                Inline::Link { href, content } => self.link(href, content, cur, segs),
                Inline::FootnoteRef { number, id } => self.footnote_mark(*number, id, cur, segs),
                Inline::Styled { style, content } => {
                    let c = match style {
                        InlineStyle::Superscript => TextStyle {
                            size: cur.size * 0.7,
                            rise: cur.rise + cur.size * 0.35,
                            ..cur
                        },
                        InlineStyle::Subscript => TextStyle {
                            size: cur.size * 0.7,
                            rise: cur.rise - cur.size * 0.15,
                            ..cur
                        },
                        InlineStyle::Small => TextStyle {
                            size: cur.size * 0.85,
                            ..cur
                        },
                        InlineStyle::Keyboard | InlineStyle::Highlight => TextStyle {
                            font: self.fonts.heading(),
                            ..cur
                        },
                        // No rule under the text in print yet: set as the surrounding text.
                        InlineStyle::Underline => cur,
                    };
                    self.flatten(content, c, link.clone(), segs);
                }
                Inline::LineBreak => {
                    // `plain_text` counts the break as one character ('\n').
                    self.model_off += 1;
                    segs.push(Segment::default());
                }
                Inline::Image { alt, .. } => self.push_run(segs, alt, cur, link.clone()),
            }
        }
    }

    /// A link: its text in the link colour, then (in print) its address or page number.
    fn link(&mut self, href: &str, content: &[Inline], cur: TextStyle, segs: &mut Vec<Segment>) {
        let target = match href.strip_prefix('#') {
            Some(name) => LinkTarget::Named(name.to_string()),
            None => LinkTarget::Uri(href.to_string()),
        };
        let n = self.node(StructKind::Link, cur.node, Some(model::plain_text(content)));
        let style = TextStyle {
            node: Some(n),
            color: Some(self.book.pdf.notes.link_color),
            ..cur
        };
        self.flatten(content, style, Some(target.clone()), segs);
        match target {
            LinkTarget::Named(name) => self.after_ref(&name, style, segs),
            LinkTarget::Uri(_) => self.after_link(href, content, cur, style, segs),
        }
    }

    /// A run the PDF adds to the text (see [`RunExtras::synthetic`]): the block's plain-text
    /// offset does not move.
    pub(super) fn push_synthetic(
        &mut self,
        segs: &mut [Segment],
        text: &str,
        cur: TextStyle,
        link: Option<LinkTarget>,
    ) {
        push_run(segs, text, cur, link);
        if let Some(st) = segs.last_mut().and_then(|s| s.styles.last_mut()) {
            st.model_off = self.model_off;
            st.synthetic = true;
        }
    }

    /// [`push_run`], counting the text's characters toward the block's plain-text offset.
    pub(super) fn push_run(
        &mut self,
        segs: &mut [Segment],
        text: &str,
        cur: TextStyle,
        link: Option<LinkTarget>,
    ) {
        push_run(segs, text, cur, link);
        if let Some(st) = segs.last_mut().and_then(|s| s.styles.last_mut()) {
            st.model_off = self.model_off;
        }
        self.model_off += text.chars().count();
    }

    pub(super) fn cur(&self, font: FontId, size: f32, node: Option<NodeId>) -> TextStyle {
        TextStyle {
            font,
            size,
            rise: 0.0,
            dots: false,
            strike: false,
            node,
            gray: 0.0,
            tint: false,
            color: None,
        }
    }

    /// Sets segments into lines; each line's items are relative to (measure left, baseline).
    pub(super) fn set_lines(
        &mut self,
        segs: &[Segment],
        width: f32,
        indent: f32,
        align: inline::TextAlign,
    ) -> Result<Vec<ItemLine>> {
        let mut out = Vec::new();
        let mut first = true;
        for seg in segs {
            let (runs, styles): (Vec<StyledRun>, Vec<RunExtras>) = seg
                .runs
                .iter()
                .zip(&seg.styles)
                .filter(|(r, _)| !r.text.is_empty())
                .map(|(r, s)| (r.clone(), s.clone()))
                .unzip();
            if runs.is_empty() {
                if !first {
                    // An empty segment after a forced break: an empty line.
                    out.push(ItemLine {
                        items: Vec::new(),
                        width: 0.0,
                        size: self.g.size,
                        em_top: self.body_em_top,
                        start: None,
                    });
                }
                continue;
            }
            let spec = ParagraphSpec {
                width,
                first_indent: if first { indent } else { 0.0 },
                align,
                kinsoku: self.book.pdf.kinsoku,
            };
            let p = inline::set_paragraph_timed(self.fonts, &runs, &spec, &mut self.timings)?;
            // Byte offset of each run in the paragraph's text (the runs concatenated).
            let run_at: Vec<usize> = runs
                .iter()
                .scan(0, |at, r| {
                    let start = *at;
                    *at += r.text.len();
                    Some(start)
                })
                .collect();
            for l in 0..p.lines.len() {
                let mut line = line_items(self.fonts, &p, l, &styles);
                // The first character the line shows, as an offset in the block's plain text.
                line.start = p.lines[l]
                    .glyphs
                    .iter()
                    .min_by_key(|g| g.text_range.start)
                    .and_then(|g| {
                        let run_start = *run_at.get(g.run)?;
                        let before = p.text.get(run_start..g.text_range.start)?;
                        let st = styles.get(g.run)?;
                        let inside = if st.synthetic {
                            0
                        } else {
                            before.chars().count()
                        };
                        Some(st.model_off + inside)
                    });
                out.push(line);
            }
            first = false;
        }
        Ok(out)
    }

    /// A body paragraph as grid lines.
    pub(super) fn para_lines(
        &mut self,
        segs: &[Segment],
        x: f32,
        width: f32,
        indent: f32,
        align: inline::TextAlign,
    ) -> Result<Vec<Piece>> {
        let lines = self.set_lines(segs, width, indent, align)?;
        let id = self.para_seq;
        self.para_seq += 1;
        let count = lines.len();
        let base = self.grid_baseline();
        let mut offset = 0;
        Ok(lines
            .into_iter()
            .enumerate()
            .map(|(idx, l)| {
                let mut items = l.items;
                items.iter_mut().for_each(|it| it.translate(x, base));
                offset = l.start.unwrap_or(offset);
                Piece::Line(GridLine {
                    items,
                    para: id,
                    idx,
                    count,
                    pos: self.here(offset),
                })
            })
            .collect())
    }

    /// Lines stacked at `lead` pitch into a block (captions, headings, titles).
    pub(super) fn stack(
        &self,
        lines: Vec<ItemLine>,
        lead: f32,
        x: f32,
        y0: f32,
        items: &mut Vec<Item>,
    ) -> f32 {
        let mut y = y0;
        for l in lines {
            let base = y + (lead - l.size) / 2.0 + l.em_top.at(l.size);
            for mut it in l.items {
                it.translate(x, base);
                items.push(it);
            }
            y += lead;
        }
        y
    }
}
pub(super) struct ItemLine {
    pub(super) items: Vec<Item>,
    /// Right end of the last glyph.
    pub(super) width: f32,
    pub(super) size: f32,
    /// The em box top of the line's largest text above its baseline, in em.
    pub(super) em_top: Em,
    /// The first character shown, in the block's plain text (set by `set_lines`).
    pub(super) start: Option<usize>,
}

/// Inline code against the text around it (monospace letters look larger at one size).
const INLINE_CODE: f32 = 0.9;

/// The tint behind a run of inline code, a little wider than its glyphs and as tall as the
/// body's em box would be at the code's size.
fn code_tint(x0: f32, x1: f32, baseline: f32, size: f32) -> Item {
    let pad = 0.12 * size;
    Item::Rect(RectItem {
        x: x0 - pad,
        y: baseline - 0.9 * size,
        width: x1 - x0 + 2.0 * pad,
        height: 1.15 * size,
        gray: crate::typeset::page::code::TINT,
    })
}

pub(super) fn push_run(segs: &mut [Segment], text: &str, cur: TextStyle, link: Option<LinkTarget>) {
    if let Some(seg) = segs.last_mut() {
        push_seg(seg, text, cur, link);
    }
}

pub(super) fn push_seg(seg: &mut Segment, text: &str, cur: TextStyle, link: Option<LinkTarget>) {
    seg.runs.push(StyledRun {
        text: text.to_string(),
        font: cur.font,
        size: cur.size,
        rise: cur.rise,
    });
    seg.styles.push(RunExtras {
        dots: cur.dots,
        strike: cur.strike,
        link,
        node: cur.node,
        gray: cur.gray,
        tint: cur.tint,
        color: cur.color,
        model_off: 0,
        synthetic: false,
    });
}

/// Converts one line of a set paragraph into display items relative to (measure left, baseline).
pub(super) fn line_items(
    fonts: &FontSet,
    p: &Paragraph,
    li: usize,
    styles: &[RunExtras],
) -> ItemLine {
    let line = &p.lines[li];
    // The face of the line's largest text sets its em box.
    let em_top = line
        .glyphs
        .iter()
        .find(|g| g.size == line.max_size)
        .or(line.glyphs.first())
        .map_or(fonts.em_box_top(fonts.body()), |g| fonts.em_box_top(g.font));
    let mut items = Vec::new();
    let mut size = line.max_size;
    let mut width: f32 = 0.0;
    let gl = &line.glyphs;
    let mut i = 0;
    while i < gl.len() {
        let g0 = &gl[i];
        let mut j = i + 1;
        while j < gl.len()
            && gl[j].run == g0.run
            && gl[j].font == g0.font
            && gl[j].size == g0.size
            && gl[j].y_offset == g0.y_offset
        {
            j += 1;
        }
        let group = &gl[i..j];
        let lo = group.iter().map(|g| g.text_range.start).min().unwrap_or(0);
        let hi = group.iter().map(|g| g.text_range.end).max().unwrap_or(lo);
        let text = p.text.get(lo..hi).unwrap_or("").to_string();
        let glyphs: Glyphs = group
            .iter()
            .enumerate()
            .map(|(k, g)| {
                RunGlyph::new(
                    g.glyph_id,
                    // Exact placement: the distance to the next glyph's box, else the advance.
                    group.get(k + 1).map(|n| n.x - g.x).unwrap_or(g.advance),
                    g.x_offset,
                    g.text_range.start - lo..g.text_range.end - lo,
                )
            })
            .collect();
        let st = styles.get(g0.run).cloned().unwrap_or_default();
        let x0 = g0.x;
        let last = &group[group.len() - 1];
        let x1 = last.x + last.advance;
        width = width.max(x1);
        size = size.max(g0.size);
        let y = -g0.y_offset;
        if st.tint {
            items.push(code_tint(x0, x1, y, g0.size));
        }
        items.push(Item::Glyphs(GlyphRun {
            font: g0.font,
            size: g0.size,
            x: x0,
            y,
            glyphs,
            text: text.into(),
            gray: st.gray,
            rgb: st.color,
            node: st.node,
            artifact: ArtifactKind::Layout,
            column: InColumn::Across,
        }));
        if st.dots {
            for g in group {
                if p.text
                    .get(g.text_range.clone())
                    .and_then(|t| t.chars().next())
                    .is_some_and(cjk::is_ideograph)
                {
                    items.push(Item::Dot(DotItem {
                        cx: g.x + g.size / 2.0,
                        cy: g.size * 0.32,
                        r: g.size * 0.07,
                        artifact: ArtifactKind::Layout,
                    }));
                }
            }
        }
        if st.strike {
            let yy = y - g0.size * 0.33;
            items.push(Item::Line(LineItem {
                x0,
                x1,
                y0: yy,
                y1: yy,
                width: g0.size * 0.06,
                node: None,
                artifact: ArtifactKind::Layout,
            }));
        }
        if let Some(t) = st.link {
            items.push(Item::Link(LinkItem {
                x: x0,
                y: -g0.size * fonts.em_box_top(g0.font).0,
                width: x1 - x0,
                height: g0.size,
                target: t,
                node: st.node,
            }));
        }
        i = j;
    }
    // Most lines hold one run: without this, each would keep room for four items.
    items.shrink_to_fit();
    ItemLine {
        items,
        width,
        size,
        em_top,
        start: None,
    }
}
