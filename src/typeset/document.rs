//! The laid-out book: pages of display items in page coordinates, with the outline, named
//! destinations and logical structure. This is the typesetter's output: the PDF writer draws it,
//! `verify` checks it and the imposer replays its pages on bigger sheets. Nothing here knows
//! about PDF, fonts files or the book model beyond [`model::Image`].

use crate::book::model;
use crate::typeset::fonts::FontId;
use crate::typeset::inline;
use std::ops::Range;
use std::sync::Arc;

/// Index into [`Document::structure`].
pub type NodeId = usize;

/// A laid-out book.
#[derive(Debug, Clone)]
pub struct Document {
    /// Page size in points.
    pub width: f32,
    pub height: f32,
    pub pages: Vec<Page>,
    /// Bookmarks: one per section, its headings nested.
    pub outline: Vec<OutlineEntry>,
    /// Named destinations (section, heading, figure and footnote ids).
    pub destinations: Vec<Destination>,
    /// The logical structure (for tagged PDF): a forest of nodes; items point into it.
    pub structure: Vec<StructNode>,
    /// Time spent shaping and breaking paragraphs (the rest of [`layout`] is pagination).
    pub timings: inline::Timings,
}

/// One page: a display list in page coordinates.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub label: PageLabel,
    pub items: Vec<Item>,
    /// Where in the book the page begins (for the EPUB's page-break markers).
    pub start: PageStart,
}

/// Which part of a section a [`SourcePos`] is in, in reading order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// The kicker, title and author above the text.
    Opening,
    /// The section's blocks.
    Body,
    /// The footnotes after the text.
    Notes,
}

/// A place in the book's text, ordered as it reads: a section, a block in it, a character.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourcePos {
    /// Index into [`Book::sections`].
    pub section: usize,
    pub part: Part,
    /// `Body`: indices down the block tree: the block in [`Section::blocks`], then for a list
    /// the item and the block in it, for a quote the block in it, for a table the row (the
    /// header row, when there is one, is row 0). `Notes`: `[]` is the rule above the notes,
    /// `[k]` footnote `k` of [`Section::footnotes`]. `Opening`: `[]`.
    pub path: Vec<usize>,
    /// In a paragraph, the characters of [`model::plain_text`] of its inlines before the place;
    /// in a code block, the characters of its text before it; otherwise 0 (the block's start).
    pub offset: usize,
}

/// Where a page of the booklet begins.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum PageStart {
    /// No content (a blank verso).
    #[default]
    Blank,
    /// The cover page (series, title, editors: the EPUB's title page).
    Cover,
    /// A page of the table of contents whose first entry is section `k` (the first page also
    /// holds the title 目录 above it).
    Toc(usize),
    /// The earliest place in reading order of what the page shows. A figure moved to the top
    /// of a page comes before the text that continues from the page before it.
    At(SourcePos),
}

impl Page {
    /// The text of the page in drawing order (for tests and debugging).
    pub fn text(&self) -> String {
        let mut s = String::new();
        for it in &self.items {
            if let Item::Glyphs(g) = it {
                for gl in &g.glyphs {
                    s.push_str(g.text.get(gl.text_range()).unwrap_or(""));
                }
            }
        }
        s
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LabelStyle {
    /// Front matter: i, ii, iii …
    #[default]
    LowerRoman,
    /// Body: 1, 2, 3 …
    Arabic,
}

/// The page's number as printed (and as the PDF page label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PageLabel {
    pub style: LabelStyle,
    pub number: u32,
}

impl PageLabel {
    pub fn text(&self) -> String {
        match self.style {
            LabelStyle::Arabic => self.number.to_string(),
            LabelStyle::LowerRoman => roman(self.number),
        }
    }
}

/// Lower-case roman numeral (1..=3999; larger numbers in arabic).
pub fn roman(mut n: u32) -> String {
    if n == 0 || n > 3999 {
        return n.to_string();
    }
    const T: [(u32, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut s = String::new();
    for (v, r) in T {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

/// A display item.
#[derive(Debug, Clone)]
pub enum Item {
    Glyphs(GlyphRun),
    Image(ImageItem),
    /// A stroked straight line (rules, strike-through).
    Line(LineItem),
    /// A filled circle (emphasis dots, leader dots).
    Dot(DotItem),
    /// A filled rectangle (the tint behind code).
    Rect(RectItem),
    /// A clickable area (no visible ink).
    Link(LinkItem),
}

impl Item {
    /// Moves the item by (dx, dy).
    pub fn translate(&mut self, dx: f32, dy: f32) {
        match self {
            Item::Glyphs(g) => {
                g.x += dx;
                g.y += dy;
            }
            Item::Image(i) => {
                i.x += dx;
                i.y += dy;
            }
            Item::Line(l) => {
                l.x0 += dx;
                l.x1 += dx;
                l.y0 += dy;
                l.y1 += dy;
            }
            Item::Dot(d) => {
                d.cx += dx;
                d.cy += dy;
            }
            Item::Rect(r) => {
                r.x += dx;
                r.y += dy;
            }
            Item::Link(l) => {
                l.x += dx;
                l.y += dy;
            }
        }
    }

    /// Moves the item's structure node `by` places along the tree (a section collected on its
    /// own numbers its nodes from 0; see `page/join.rs`).
    pub fn shift_node(&mut self, by: NodeId) {
        let node = match self {
            Item::Glyphs(g) => &mut g.node,
            Item::Image(i) => &mut i.node,
            Item::Line(l) => &mut l.node,
            Item::Link(l) => &mut l.node,
            Item::Dot(_) | Item::Rect(_) => return,
        };
        if let Some(n) = node {
            *n += by;
        }
    }
}

/// Glyphs of one font and size on one baseline, drawn left to right from (x, y).
///
/// The glyphs are shared, not copied, when a run is cloned: pagination places copies of the
/// collected lines (moved to their page), and a copy of every glyph of the book would double
/// the memory of a long book.
#[derive(Debug, Clone)]
pub struct GlyphRun {
    pub font: FontId,
    pub size: f32,
    /// Pen start and baseline.
    pub x: f32,
    pub y: f32,
    pub glyphs: Glyphs,
    /// The source text these glyphs show; `RunGlyph::text_range` indexes into it.
    pub text: Arc<str>,
    /// Grey level 0 (black) ..= 1 (white).
    pub gray: f32,
    /// An RGB colour instead of the grey level: syntax colours in code, link text.
    pub rgb: Option<[u8; 3]>,
    /// Logical structure node, or `None` for an artifact (running head, page number).
    pub node: Option<NodeId>,
    pub artifact: ArtifactKind,
    /// How the run stands in a vertical column, if it is not ordinary horizontal text.
    pub column: InColumn,
}

/// How a [`GlyphRun`] stands in a vertical column.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum InColumn {
    /// Ordinary text: left to right along the baseline.
    #[default]
    Across,
    /// Drawn turned a quarter clockwise about (x, y): Latin down a vertical column.
    Turned,
    /// Set down the column: each glyph stands upright, its advance moves the pen down the page
    /// and its offset moves it along the column; (x, y) is the first glyph's horizontal origin
    /// (left of its cell, on its baseline).
    Down,
    /// Side by side in one cell (縱中橫), narrowed by this factor about (x, y) so that three or
    /// four digits fit the column's em.
    Squeezed(f32),
}

impl GlyphRun {
    /// Total advance width (for a run set down a column, its length).
    pub fn width(&self) -> f32 {
        self.glyphs.iter().map(|g| g.advance).sum()
    }

    /// The box (x0, y0, x1, y1) the run's em boxes take on the page, as the pen sees it.
    pub fn bounds(&self) -> (f32, f32, f32, f32) {
        let len = self.width();
        if let InColumn::Squeezed(f) = self.column {
            return (self.x, self.y - self.size, self.x + len * f, self.y);
        }
        if self.column == InColumn::Down {
            (
                self.x,
                self.y - self.size,
                self.x + self.size,
                self.y - self.size + len,
            )
        } else if self.column == InColumn::Turned {
            (self.x, self.y, self.x + self.size, self.y + len)
        } else {
            (self.x, self.y - self.size, self.x + len, self.y)
        }
    }
}

/// The glyphs of a [`GlyphRun`], shared by its clones (read as a slice).
#[derive(Debug, Clone, Default)]
pub struct Glyphs(Arc<[RunGlyph]>);

impl std::ops::Deref for Glyphs {
    type Target = [RunGlyph];
    fn deref(&self) -> &[RunGlyph] {
        &self.0
    }
}

impl<'a> IntoIterator for &'a Glyphs {
    type Item = &'a RunGlyph;
    type IntoIter = std::slice::Iter<'a, RunGlyph>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl From<Vec<RunGlyph>> for Glyphs {
    fn from(v: Vec<RunGlyph>) -> Self {
        Glyphs(v.into())
    }
}

impl FromIterator<RunGlyph> for Glyphs {
    fn from_iter<I: IntoIterator<Item = RunGlyph>>(iter: I) -> Self {
        Glyphs(iter.into_iter().collect())
    }
}

/// One glyph of a [`GlyphRun`], in 20 bytes: a long book holds millions of them. A glyph has
/// no vertical offset of its own: glyphs raised or lowered (superscripts) are a run of their
/// own, at their own [`GlyphRun::y`].
#[derive(Debug, Clone, PartialEq)]
pub struct RunGlyph {
    pub id: u16,
    /// Advance in points (the pen moves by this after the glyph).
    pub advance: f32,
    /// Horizontal offset in points (from the shaper).
    pub x_offset: f32,
    /// The byte range of [`GlyphRun::text`] the glyph stands for (see [`RunGlyph::text_range`]).
    text_start: u32,
    text_end: u32,
}

const _: () = assert!(std::mem::size_of::<RunGlyph>() == 20);

impl RunGlyph {
    /// A glyph standing for `text_range` of its run's text. A run's text is one line of one
    /// section, which the section size cap keeps far below 4 GB; a range beyond it is cut to
    /// `u32::MAX`.
    pub fn new(id: u16, advance: f32, x_offset: f32, text_range: Range<usize>) -> RunGlyph {
        let at = |b: usize| u32::try_from(b).unwrap_or(u32::MAX);
        RunGlyph {
            id,
            advance,
            x_offset,
            text_start: at(text_range.start),
            text_end: at(text_range.end),
        }
    }

    /// The byte range of [`GlyphRun::text`] the glyph stands for (its cluster).
    pub fn text_range(&self) -> Range<usize> {
        self.text_start as usize..self.text_end as usize
    }
}

#[derive(Debug, Clone)]
pub struct ImageItem {
    pub image: model::Image,
    /// Top-left corner and displayed size (after EXIF orientation) in points.
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
    pub node: Option<NodeId>,
}

#[derive(Debug, Clone)]
pub struct LineItem {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    pub width: f32,
    pub node: Option<NodeId>,
    pub artifact: ArtifactKind,
}

#[derive(Debug, Clone)]
pub struct DotItem {
    pub cx: f32,
    pub cy: f32,
    pub r: f32,
    pub artifact: ArtifactKind,
}

/// A filled rectangle, top-left corner and size in points; always an artifact (a tint carries
/// no text).
#[derive(Debug, Clone)]
pub struct RectItem {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
    /// Grey level 0 (black) ..= 1 (white).
    pub gray: f32,
}

#[derive(Debug, Clone)]
pub struct LinkItem {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
    pub target: LinkTarget,
    /// The `Link` structure node the annotation belongs to.
    pub node: Option<NodeId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// A named destination in this document.
    Named(String),
    Uri(String),
}

/// What kind of artifact an untagged item is (only used when `node` is `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArtifactKind {
    #[default]
    Layout,
    Header,
    PageNumber,
}

#[derive(Debug, Clone)]
pub struct Destination {
    pub name: String,
    pub page: usize,
    pub x: f32,
    pub y: f32,
}

#[derive(Debug, Clone)]
pub struct OutlineEntry {
    pub title: String,
    pub dest: String,
    pub page: usize,
    pub y: f32,
    pub children: Vec<OutlineEntry>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StructKind {
    Section,
    Toc,
    TocItem,
    /// Heading level 1..=6 (section titles are 1).
    Heading(u8),
    Paragraph,
    Figure,
    Caption,
    Link,
    List,
    ListItem,
    ListLabel,
    ListBody,
    Quote,
    Code,
    Table,
    TableRow,
    TableHeader,
    TableCell,
    Note,
}

#[derive(Debug, Clone)]
pub struct StructNode {
    pub kind: StructKind,
    pub parent: Option<NodeId>,
    /// Alternative text (figures) or title (headings).
    pub alt: Option<String>,
}

impl Document {
    /// A readable text dump of the layout, for snapshot tests and debugging: each page with its
    /// label and start, then its text lines top to bottom (baseline, left and right end, sizes,
    /// text), then its pictures and rules, and the number of dots and link areas. Positions are
    /// in points rounded to 0.1, so a change of layout reads as a diff of a few lines.
    pub fn dump(&self) -> String {
        let mut out = format!(
            "document {} x {} pt, {} pages\n",
            pt(self.width),
            pt(self.height),
            self.pages.len()
        );
        for (i, page) in self.pages.iter().enumerate() {
            out.push_str(&format!(
                "\npage {} ({}) {}\n",
                i + 1,
                page.label.text(),
                start_text(&page.start)
            ));
            page.dump_into(&mut out);
        }
        out.push_str("\noutline\n");
        dump_outline(&self.outline, 1, &mut out);
        out
    }
}

impl Page {
    fn dump_into(&self, out: &mut String) {
        // Glyph runs grouped into lines by baseline, each line left to right.
        let mut lines: Vec<(i64, Vec<&GlyphRun>)> = Vec::new();
        let (mut dots, mut links) = (0, 0);
        let mut others = Vec::new();
        for it in &self.items {
            match it {
                Item::Glyphs(g) => {
                    let key = (g.y * 10.0).round() as i64;
                    match lines.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, runs)) => runs.push(g),
                        None => lines.push((key, vec![g])),
                    }
                }
                Item::Image(im) => others.push(format!(
                    "  image {} x={} y={} {}x{}\n",
                    im.image.format.media_type(),
                    pt(im.x),
                    pt(im.y),
                    pt(im.width),
                    pt(im.height)
                )),
                Item::Line(l) => others.push(format!(
                    "  rule ({}, {})-({}, {}) {}\n",
                    pt(l.x0),
                    pt(l.y0),
                    pt(l.x1),
                    pt(l.y1),
                    pt(l.width)
                )),
                Item::Dot(_) => dots += 1,
                Item::Rect(r) => others.push(format!(
                    "  tint {} x={} y={} {}x{}\n",
                    pt(r.gray),
                    pt(r.x),
                    pt(r.y),
                    pt(r.width),
                    pt(r.height)
                )),
                Item::Link(_) => links += 1,
            }
        }
        lines.sort_by_key(|(k, _)| *k);
        for (_, mut runs) in lines {
            runs.sort_by(|a, b| a.x.total_cmp(&b.x));
            let x0 = runs[0].x;
            let x1 = runs
                .iter()
                .map(|r| r.x + r.width())
                .fold(f32::MIN, f32::max);
            let mut sizes: Vec<String> = runs.iter().map(|r| pt(r.size)).collect();
            sizes.dedup();
            let text: String = runs.iter().map(|r| &*r.text).collect();
            out.push_str(&format!(
                "  y={} x={}..{} {}pt {}\n",
                pt(runs[0].y),
                pt(x0),
                pt(x1),
                sizes.join("/"),
                text
            ));
        }
        for o in others {
            out.push_str(&o);
        }
        if dots + links > 0 {
            out.push_str(&format!("  dots {dots}, links {links}\n"));
        }
    }
}

fn pt(v: f32) -> String {
    let r = (v * 10.0).round() / 10.0;
    // No "-0".
    format!("{}", if r == 0.0 { 0.0 } else { r })
}

fn start_text(s: &PageStart) -> String {
    match s {
        PageStart::Blank => "blank".into(),
        PageStart::Cover => "cover".into(),
        PageStart::Toc(k) => format!("toc from section {k}"),
        PageStart::At(p) => format!(
            "at section {} {:?} {:?} +{}",
            p.section, p.part, p.path, p.offset
        ),
    }
}

fn dump_outline(entries: &[OutlineEntry], depth: usize, out: &mut String) {
    for e in entries {
        out.push_str(&format!(
            "{}{} -> page {} y={} #{}\n",
            "  ".repeat(depth),
            e.title,
            e.page + 1,
            pt(e.y),
            e.dest
        ));
        dump_outline(&e.children, depth + 1, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roman_numerals() {
        assert_eq!(roman(1), "i");
        assert_eq!(roman(4), "iv");
        assert_eq!(roman(9), "ix");
        assert_eq!(roman(14), "xiv");
        assert_eq!(roman(2024), "mmxxiv");
    }
}
