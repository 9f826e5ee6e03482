//! Pagination: flows a whole [`Book`] into pages of display items.
//!
//! The result, a [`Document`], is plain data in page coordinates (points, origin at the top-left
//! corner of the page, y growing downwards). The PDF writer draws it; the imposer draws the same
//! [`Page`]s again at an offset on a bigger sheet. Nothing here knows about PDF.
//!
//! Page plan: cover (i, no number) · blank verso · 目录 (from iii) · preface (编者按, roman
//! numbers) · body from a recto page numbered 1, each speech on a new page. Body text sits on a
//! constant baseline grid (one grid line = font size × line height); headings, figures and the
//! section openings take whole grid lines so the text after them comes back onto the grid.
//!
//! Figures float: a figure that does not fit on the rest of the page goes to the top of the next
//! page and the text continues to fill the current one (图随文走, 先见文后见图: the figure still
//! comes after the text that introduces it, and the page is not left half empty, which a Chinese
//! book editor would not accept). A figure never leaves its section: at the end of a section,
//! pending figures are placed before the next section starts.
//!
//! Footnotes are set at the end of their section (the speeches are a few pages long, so the
//! notes stay close), under a short rule, in the caption size.

use crate::book::model::{self, Block, Book, Inline, InlineStyle, Role, Section};
use crate::diag::Result;
use crate::typeset::fonts::{FontId, FontSet};
use crate::typeset::para::{self, Paragraph, ParagraphSpec, StyledRun};
use std::collections::HashMap;
use std::ops::Range;

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
    pub timings: para::Timings,
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
                    s.push_str(g.text.get(gl.text_range.clone()).unwrap_or(""));
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
            Item::Link(l) => {
                l.x += dx;
                l.y += dy;
            }
        }
    }
}

/// Glyphs of one font and size on one baseline, drawn left to right from (x, y).
#[derive(Debug, Clone)]
pub struct GlyphRun {
    pub font: FontId,
    pub size: f32,
    /// Pen start and baseline.
    pub x: f32,
    pub y: f32,
    pub glyphs: Vec<RunGlyph>,
    /// The source text these glyphs show; `RunGlyph::text_range` indexes into it.
    pub text: String,
    /// Grey level 0 (black) ..= 1 (white).
    pub gray: f32,
    /// Logical structure node, or `None` for an artifact (running head, page number).
    pub node: Option<NodeId>,
    pub artifact: ArtifactKind,
}

impl GlyphRun {
    /// Total advance width.
    pub fn width(&self) -> f32 {
        self.glyphs.iter().map(|g| g.advance).sum()
    }
}

#[derive(Debug, Clone)]
pub struct RunGlyph {
    pub id: u16,
    /// Advance in points (the pen moves by this after the glyph).
    pub advance: f32,
    /// Offsets in points (y positive = up).
    pub x_offset: f32,
    pub y_offset: f32,
    pub text_range: Range<usize>,
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

/// Sizes and positions derived from the book's settings.
#[derive(Debug, Clone)]
pub struct Geometry {
    pub page_w: f32,
    pub page_h: f32,
    pub top: f32,
    pub inner: f32,
    pub outer: f32,
    /// The line measure (a whole number of body ems).
    pub measure: f32,
    /// Extra left offset that centres the measure in the type area.
    pub pad: f32,
    /// Body size and grid pitch.
    pub size: f32,
    pub pitch: f32,
    /// Height of the type area, a whole number of grid lines.
    pub area_h: f32,
    pub lines: usize,
}

impl Geometry {
    pub fn new(book: &Book) -> Geometry {
        let p = &book.pdf;
        let size = if p.font_size > 1.0 { p.font_size } else { 10.5 };
        let pitch = size
            * if p.line_height > 0.5 {
                p.line_height
            } else {
                1.7
            };
        let avail = (p.page_width - p.margin_inner - p.margin_outer).max(size * 4.0);
        // A whole number of ems: a line of pure Han characters needs no stretching.
        let measure = ((avail / size).floor() * size).max(size);
        let pad = (avail - measure) / 2.0;
        let h = (p.page_height - p.margin_top - p.margin_bottom).max(pitch * 4.0);
        let lines = ((h / pitch) + 0.01).floor().max(4.0) as usize;
        Geometry {
            page_w: p.page_width,
            page_h: p.page_height,
            top: p.margin_top,
            inner: p.margin_inner,
            outer: p.margin_outer,
            measure,
            pad,
            size,
            pitch,
            area_h: lines as f32 * pitch,
            lines,
        }
    }

    /// Left edge of the measure on physical page `index` (0-based; even index = recto).
    pub fn left(&self, index: usize) -> f32 {
        (if index.is_multiple_of(2) {
            self.inner
        } else {
            self.outer
        }) + self.pad
    }

    /// Baseline offset inside one grid line of body text (the em box centred on the line).
    pub fn baseline_in_line(&self, size: f32) -> f32 {
        (self.pitch - size) / 2.0 + EM_ASCENT * size
    }
}

/// The top of the ideographic em box above the baseline, in ems (Noto CJK: 880/1000).
const EM_ASCENT: f32 = 0.88;
/// Caption size relative to body (9 pt under 10.5 pt).
const SMALL: f32 = 9.0 / 10.5;
/// Indent of list item text past the list's left edge, in body ems.
pub const LIST_INDENT_EM: f32 = 2.5;
/// Indent of a block quote on each side, in body ems.
pub const QUOTE_INDENT_EM: f32 = 2.0;
/// Nested lists and quotes stop indenting where a line would get shorter than this, in body ems.
pub const MIN_MEASURE_EM: f32 = 10.0;

/// Lays the book out into pages.
pub fn layout(book: &Book, fonts: &FontSet) -> Result<Document> {
    let g = Geometry::new(book);
    let mut lay = Layout {
        book,
        fonts,
        g: g.clone(),
        nodes: Vec::new(),
        para_seq: 0,
        timings: para::Timings::default(),
        at: SourcePos {
            section: 0,
            part: Part::Opening,
            path: Vec::new(),
            offset: 0,
        },
        model_off: 0,
    };

    // Content first with a guessed TOC length, then the TOC with real numbers; redo the content
    // if the TOC came out longer than guessed (page parity would change).
    let mut toc_pages = lay.toc(None)?.len().max(1);
    let (front_pages, content, body_start, toc) = loop {
        lay.nodes.clear();
        let toc_node = lay.node(StructKind::Toc, None, None);
        let start = 2 + toc_pages;
        let content = lay.content(start)?;
        let body_start = content.body_start.unwrap_or(start + content.pages.len());
        let numbers: HashMap<String, String> = content
            .dests
            .iter()
            .map(|d| (d.name.clone(), label_for(d.page, body_start).text()))
            .collect();
        let toc = lay.toc(Some((&numbers, toc_node)))?;
        if toc.len() == toc_pages {
            break (2 + toc.len(), content, body_start, toc);
        }
        toc_pages = toc.len();
    };
    let _ = front_pages;

    let mut builds: Vec<PageBuild> = Vec::new();
    builds.push(lay.cover()?);
    builds.push(PageBuild {
        blank: true,
        ..PageBuild::default()
    });
    builds.extend(toc);
    builds.extend(content.pages);

    let mut pages = Vec::with_capacity(builds.len());
    let toc_end = 2 + toc_pages;
    for (i, b) in builds.into_iter().enumerate() {
        let label = label_for(i, body_start);
        let mut items = b.items;
        if !b.blank && i > 0 {
            lay.decorate(i, &label, b.opening, b.head.as_deref(), &mut items)?;
        }
        let start = match b.first {
            _ if b.blank => PageStart::Blank,
            _ if i == 0 => PageStart::Cover,
            Some(p) if i < toc_end => PageStart::Toc(p.section),
            Some(p) => PageStart::At(p),
            None => PageStart::Blank,
        };
        pages.push(Page {
            label,
            items,
            start,
        });
    }

    let dest_map: HashMap<&str, &Destination> =
        content.dests.iter().map(|d| (d.name.as_str(), d)).collect();
    let outline = outline_entries(book, &book.outline(), &dest_map);

    Ok(Document {
        width: g.page_w,
        height: g.page_h,
        pages,
        outline,
        destinations: content.dests,
        structure: lay.nodes,
        timings: lay.timings,
    })
}

fn label_for(index: usize, body_start: usize) -> PageLabel {
    if index >= body_start {
        PageLabel {
            style: LabelStyle::Arabic,
            number: (index - body_start + 1) as u32,
        }
    } else {
        PageLabel {
            style: LabelStyle::LowerRoman,
            number: index as u32 + 1,
        }
    }
}

/// A page while it is being filled.
#[derive(Debug, Clone, Default)]
struct PageBuild {
    items: Vec<Item>,
    /// Opens a section (no running head).
    opening: bool,
    blank: bool,
    /// Section title for the running head on recto pages.
    head: Option<String>,
    /// The earliest source position of what was placed on the page.
    first: Option<SourcePos>,
}

/// One grid line of text, items relative to (measure left, line top).
#[derive(Debug, Clone)]
struct PLine {
    items: Vec<Item>,
    /// Paragraph id, index of this line and line count (widow/orphan control).
    para: usize,
    idx: usize,
    count: usize,
    /// Where the line starts in the source.
    pos: SourcePos,
}

/// A piece of free height, items relative to (measure left, block top).
#[derive(Debug, Clone, Default)]
struct PBlock {
    items: Vec<Item>,
    height: f32,
    /// Keep with the start of what follows (headings).
    keep_next: bool,
    /// May move to the top of the next page while text fills this one (figures).
    float: bool,
    /// Named destinations at a y offset inside the block.
    anchors: Vec<(String, f32)>,
    /// Space above, dropped at the top of a page.
    space_before: f32,
    /// Where the block starts in the source (`None`: no text of the book, e.g. the TOC title).
    pos: Option<SourcePos>,
}

#[derive(Debug, Clone)]
enum Piece {
    Line(PLine),
    Block(PBlock),
    /// Start a new page (on a recto if asked), opening a section with this running head.
    NewPage {
        recto: bool,
        head: Option<String>,
        body: bool,
    },
    /// Place floats still waiting (end of section).
    Flush,
}

struct Content {
    pages: Vec<PageBuild>,
    dests: Vec<Destination>,
    body_start: Option<usize>,
}

/// Per-run extras the paragraph engine does not know about.
#[derive(Debug, Clone, Default)]
struct RunStyle {
    dots: bool,
    strike: bool,
    link: Option<LinkTarget>,
    node: Option<NodeId>,
    gray: f32,
    /// Characters of the block's plain text before this run.
    model_off: usize,
}

/// One forced-break segment of a paragraph.
#[derive(Debug, Clone, Default)]
struct Segment {
    runs: Vec<StyledRun>,
    styles: Vec<RunStyle>,
}

#[derive(Debug, Clone, Copy)]
struct Cur {
    font: FontId,
    size: f32,
    rise: f32,
    dots: bool,
    strike: bool,
    node: Option<NodeId>,
    gray: f32,
}

struct Layout<'a> {
    book: &'a Book,
    fonts: &'a FontSet,
    g: Geometry,
    nodes: Vec<StructNode>,
    para_seq: usize,
    timings: para::Timings,
    /// Where the blocks being laid out are: section index, part and block path.
    at: SourcePos,
    /// Characters of the current block's plain text flattened so far.
    model_off: usize,
}

impl<'a> Layout<'a> {
    /// The current block's position, `offset` characters in.
    fn here(&self, offset: usize) -> SourcePos {
        SourcePos {
            offset,
            ..self.at.clone()
        }
    }

    fn node(&mut self, kind: StructKind, parent: Option<NodeId>, alt: Option<String>) -> NodeId {
        self.nodes.push(StructNode { kind, parent, alt });
        self.nodes.len() - 1
    }

    // ---------------------------------------------------------------- inline flattening

    fn segments(&mut self, inlines: &[Inline], cur: Cur, link: Option<LinkTarget>) -> Vec<Segment> {
        let mut segs = vec![Segment::default()];
        self.model_off = 0;
        self.flatten(inlines, cur, link, &mut segs);
        segs
    }

    fn flatten(
        &mut self,
        inlines: &[Inline],
        cur: Cur,
        link: Option<LinkTarget>,
        segs: &mut Vec<Segment>,
    ) {
        for i in inlines {
            match i {
                Inline::Text(t) | Inline::Code(t) => self.push_run(segs, t, cur, link.clone()),
                Inline::Emph(c) => self.flatten(c, Cur { dots: true, ..cur }, link.clone(), segs),
                Inline::Strong(c) => self.flatten(
                    c,
                    Cur {
                        font: self.fonts.heading(),
                        ..cur
                    },
                    link.clone(),
                    segs,
                ),
                Inline::Strike(c) => self.flatten(
                    c,
                    Cur {
                        strike: true,
                        ..cur
                    },
                    link.clone(),
                    segs,
                ),
                Inline::Link { href, content } => {
                    let target = match href.strip_prefix('#') {
                        Some(name) => LinkTarget::Named(name.to_string()),
                        None => LinkTarget::Uri(href.clone()),
                    };
                    let n = self.node(StructKind::Link, cur.node, Some(model::plain_text(content)));
                    self.flatten(
                        content,
                        Cur {
                            node: Some(n),
                            ..cur
                        },
                        Some(target),
                        segs,
                    );
                }
                Inline::FootnoteRef { number, id } => {
                    let n = self.node(StructKind::Link, cur.node, None);
                    let c = Cur {
                        size: cur.size * 0.6,
                        rise: cur.size * 0.38,
                        node: Some(n),
                        ..cur
                    };
                    self.push_run(
                        segs,
                        &number.to_string(),
                        c,
                        Some(LinkTarget::Named(id.clone())),
                    );
                }
                Inline::Styled { style, content } => {
                    let c = match style {
                        InlineStyle::Superscript => Cur {
                            size: cur.size * 0.7,
                            rise: cur.rise + cur.size * 0.35,
                            ..cur
                        },
                        InlineStyle::Subscript => Cur {
                            size: cur.size * 0.7,
                            rise: cur.rise - cur.size * 0.15,
                            ..cur
                        },
                        InlineStyle::Small => Cur {
                            size: cur.size * 0.85,
                            ..cur
                        },
                        InlineStyle::Keyboard | InlineStyle::Highlight => Cur {
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

    /// [`push_run`], counting the text's characters toward the block's plain-text offset.
    fn push_run(&mut self, segs: &mut [Segment], text: &str, cur: Cur, link: Option<LinkTarget>) {
        push_run(segs, text, cur, link);
        if let Some(st) = segs.last_mut().and_then(|s| s.styles.last_mut()) {
            st.model_off = self.model_off;
        }
        self.model_off += text.chars().count();
    }

    fn cur(&self, font: FontId, size: f32, node: Option<NodeId>) -> Cur {
        Cur {
            font,
            size,
            rise: 0.0,
            dots: false,
            strike: false,
            node,
            gray: 0.0,
        }
    }

    /// Sets segments into lines; each line's items are relative to (measure left, baseline).
    fn set_lines(
        &mut self,
        segs: &[Segment],
        width: f32,
        indent: f32,
        align: para::Align,
    ) -> Result<Vec<SetLine>> {
        let mut out = Vec::new();
        let mut first = true;
        for seg in segs {
            let (runs, styles): (Vec<StyledRun>, Vec<RunStyle>) = seg
                .runs
                .iter()
                .zip(&seg.styles)
                .filter(|(r, _)| !r.text.is_empty())
                .map(|(r, s)| (r.clone(), s.clone()))
                .unzip();
            if runs.is_empty() {
                if !first {
                    // An empty segment after a forced break: an empty line.
                    out.push(SetLine {
                        items: Vec::new(),
                        width: 0.0,
                        size: self.g.size,
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
            let p = para::set_paragraph_timed(self.fonts, &runs, &spec, &mut self.timings)?;
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
                let mut line = line_items(&p, l, &styles);
                // The first character the line shows, as an offset in the block's plain text.
                line.start = p.lines[l]
                    .glyphs
                    .iter()
                    .min_by_key(|g| g.text_range.start)
                    .and_then(|g| {
                        let run_start = *run_at.get(g.run)?;
                        let before = p.text.get(run_start..g.text_range.start)?;
                        Some(styles.get(g.run)?.model_off + before.chars().count())
                    });
                out.push(line);
            }
            first = false;
        }
        Ok(out)
    }

    /// A body paragraph as grid lines.
    fn para_lines(
        &mut self,
        segs: &[Segment],
        x: f32,
        width: f32,
        indent: f32,
        align: para::Align,
    ) -> Result<Vec<Piece>> {
        let lines = self.set_lines(segs, width, indent, align)?;
        let id = self.para_seq;
        self.para_seq += 1;
        let count = lines.len();
        let base = self.g.baseline_in_line(self.g.size);
        let mut offset = 0;
        Ok(lines
            .into_iter()
            .enumerate()
            .map(|(idx, l)| {
                let mut items = l.items;
                items.iter_mut().for_each(|it| it.translate(x, base));
                offset = l.start.unwrap_or(offset);
                Piece::Line(PLine {
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
    fn stack(&self, lines: Vec<SetLine>, lead: f32, x: f32, y0: f32, items: &mut Vec<Item>) -> f32 {
        let mut y = y0;
        for l in lines {
            let base = y + (lead - l.size) / 2.0 + EM_ASCENT * l.size;
            for mut it in l.items {
                it.translate(x, base);
                items.push(it);
            }
            y += lead;
        }
        y
    }

    // ---------------------------------------------------------------- blocks

    /// The box of a block nested in (`x`, `width`) with `left` and `right` indents; once that
    /// would leave less than [`MIN_MEASURE_EM`], deeper levels keep the last width that fits
    /// (no text is pushed off the page, however deep lists and quotes nest).
    fn inset(&self, x: f32, width: f32, left: f32, right: f32) -> (f32, f32) {
        let m = self.g.measure;
        let min = (MIN_MEASURE_EM * self.g.size).min(m);
        let w = width - left - right;
        if w >= min {
            return (x + left, w);
        }
        ((x + left).min(m - min).max(0.0), min)
    }

    fn blocks(
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
    fn blocks_from(
        &mut self,
        blocks: &[Block],
        first: usize,
        x: f32,
        width: f32,
        parent: NodeId,
        out: &mut Vec<Piece>,
    ) -> Result<()> {
        let size = self.g.size;
        for (bi, b) in blocks.iter().enumerate() {
            self.at.path.push(first + bi);
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
                        para::Align::Justify,
                    )?);
                }
                Block::Heading {
                    level, id, content, ..
                } => {
                    let lvl = (*level).clamp(2, 6);
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
                    let segs =
                        self.segments(content, self.cur(self.fonts.heading(), hs, Some(n)), None);
                    let lines = self.set_lines(&segs, width, 0.0, para::Align::Left)?;
                    let lead = (hs * 1.5).max(self.g.pitch);
                    let mut blk = PBlock {
                        keep_next: true,
                        ..PBlock::default()
                    };
                    let nl = lines.len() as f32;
                    // Half a grid line above and below, rounded to whole grid lines.
                    let h = snap(nl * lead + self.g.pitch * 0.5, self.g.pitch);
                    let top = h - nl * lead - self.g.pitch * 0.15;
                    self.stack(lines, lead, x, top, &mut blk.items);
                    blk.height = h;
                    blk.space_before = if lvl == 2 { self.g.pitch * 0.5 } else { 0.0 };
                    blk.anchors.push((id.clone(), 0.0));
                    blk.pos = Some(self.here(0));
                    out.push(Piece::Block(blk));
                }
                Block::Figure(f) => out.push(Piece::Block(self.figure(f, x, width, parent)?)),
                Block::List {
                    ordered,
                    start,
                    items,
                    ..
                } => {
                    let ln = self.node(StructKind::List, Some(parent), None);
                    for (k, item) in items.iter().enumerate() {
                        let li = self.node(StructKind::ListItem, Some(ln), None);
                        let lbl = self.node(StructKind::ListLabel, Some(li), None);
                        let body = self.node(StructKind::ListBody, Some(li), None);
                        let marker = if *ordered {
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
                        let ml = self.set_lines(&[seg], 2.0 * size, 0.0, para::Align::Right)?;
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
                                let segs = self.segments(
                                    content,
                                    self.cur(self.fonts.body(), size, Some(n)),
                                    None,
                                );
                                let mut lines =
                                    self.para_lines(&segs, tx, tw, 0.0, para::Align::Justify)?;
                                if bi == 0
                                    && let (Some(Piece::Line(first)), Some(m)) =
                                        (lines.first_mut(), ml.first())
                                {
                                    let base = self.g.baseline_in_line(size);
                                    for it in &m.items {
                                        let mut it = it.clone();
                                        it.translate(mx, base);
                                        first.items.insert(0, it);
                                    }
                                }
                                sub.extend(lines);
                                self.at.path.pop();
                            } else {
                                self.blocks_from(
                                    std::slice::from_ref(blk),
                                    bi,
                                    tx,
                                    tw,
                                    body,
                                    &mut sub,
                                )?;
                            }
                        }
                        self.at.path.pop();
                        out.extend(sub);
                    }
                }
                Block::Quote { blocks, .. } => {
                    let n = self.node(StructKind::Quote, Some(parent), None);
                    let side = QUOTE_INDENT_EM * size;
                    let (qx, qw) = self.inset(x, width, side, side);
                    self.blocks(blocks, qx, qw, n, out)?;
                }
                Block::Code { text, .. } => {
                    let n = self.node(StructKind::Code, Some(parent), None);
                    let cs = size * SMALL;
                    for line in text.lines() {
                        // Characters of the code before this line (`lines` yields sub-slices).
                        let line_start = text[..line.as_ptr().addr() - text.as_ptr().addr()]
                            .chars()
                            .count();
                        let mut seg = Segment::default();
                        push_seg(
                            &mut seg,
                            if line.is_empty() { " " } else { line },
                            self.cur(self.fonts.body(), cs, Some(n)),
                            None,
                        );
                        let lines =
                            self.set_lines(&[seg], width - 2.0 * size, 0.0, para::Align::Left)?;
                        let id = self.para_seq;
                        self.para_seq += 1;
                        let count = lines.len();
                        let base = self.g.baseline_in_line(size);
                        for (idx, l) in lines.into_iter().enumerate() {
                            let mut items = l.items;
                            items
                                .iter_mut()
                                .for_each(|it| it.translate(x + 2.0 * size, base));
                            let pos = self.here(line_start + l.start.unwrap_or(0));
                            out.push(Piece::Line(PLine {
                                items,
                                para: id,
                                idx,
                                count,
                                pos,
                            }));
                        }
                    }
                }
                Block::Table(t) => out.extend(
                    self.table(t, x, width, parent)?
                        .into_iter()
                        .map(Piece::Block),
                ),
                Block::Rule { .. } => {
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
                    out.push(Piece::Block(PBlock {
                        items,
                        height: p,
                        pos: Some(self.here(0)),
                        ..PBlock::default()
                    }));
                }
            }
            self.at.path.pop();
        }
        Ok(())
    }

    fn figure(&mut self, f: &model::Figure, x: f32, width: f32, parent: NodeId) -> Result<PBlock> {
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
        let mut blk = PBlock {
            float: true,
            ..PBlock::default()
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
            vec![Inline::Text(format!("{}\u{3000}", f.label))]
        };
        inl.extend(f.caption.iter().cloned());
        let segs = self.segments(&inl, self.cur(self.fonts.body(), cs, Some(cap)), None);
        let mut lines = self.set_lines(&segs, width, 0.0, para::Align::Center)?;
        if lines.len() > 1 {
            lines = self.set_lines(&segs, width, 0.0, para::Align::Justify)?;
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
        let cur = Cur {
            gray: 0.3,
            ..self.cur(self.fonts.body(), size, Some(cap))
        };
        push_seg(&mut seg, text, cur, link);
        let lines = self.set_lines(&[seg], width, 0.0, para::Align::Center)?;
        Ok(self.stack(lines, size * 1.6, x, y, items))
    }

    /// A three-line table (三线表): rules above and below the header and below the body.
    /// As blocks: one, or several when it is taller than a page (split between rows).
    fn table(
        &mut self,
        t: &model::Table,
        x: f32,
        width: f32,
        parent: NodeId,
    ) -> Result<Vec<PBlock>> {
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
        let mut blk = PBlock {
            pos: Some(row_pos(self, 0)),
            ..PBlock::default()
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
                    Some(model::Align::Center) => para::Align::Center,
                    Some(model::Align::Right) => para::Align::Right,
                    _ if *head => para::Align::Center,
                    _ => para::Align::Left,
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

    /// The opening of a section: kicker, title, author, as one block.
    fn opening(&mut self, s: &Section, sec: NodeId) -> Result<PBlock> {
        let size = self.g.size;
        let w = self.g.measure;
        let mut blk = PBlock {
            keep_next: true,
            ..PBlock::default()
        };
        // Sink the opening by three grid lines, as Chinese books drop chapter openings.
        let mut y = self.g.pitch * 3.0;
        if let Some(k) = &s.kicker {
            let n = self.node(StructKind::Paragraph, Some(sec), None);
            let mut seg = Segment::default();
            push_seg(
                &mut seg,
                k,
                Cur {
                    gray: 0.35,
                    ..self.cur(self.fonts.heading(), size * SMALL, Some(n))
                },
                None,
            );
            let lines = self.set_lines(&[seg], w, 0.0, para::Align::Center)?;
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
        let lines = self.set_lines(&[seg], w - 2.0 * size, 0.0, para::Align::Center)?;
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
            let lines = self.set_lines(&[seg], w, 0.0, para::Align::Center)?;
            y += size * 0.5;
            y = self.stack(lines, size * 1.6, 0.0, y, &mut blk.items);
        }
        blk.height = snap(y + self.g.pitch * 1.2, self.g.pitch);
        blk.pos = Some(self.here(0));
        Ok(blk)
    }

    fn footnotes(&mut self, s: &Section, sec: NodeId, out: &mut Vec<Piece>) -> Result<()> {
        if s.footnotes.is_empty() {
            return Ok(());
        }
        let size = self.g.size;
        let cs = size * SMALL;
        let rule = Item::Line(LineItem {
            x0: 0.0,
            x1: 4.0 * size,
            y0: self.g.pitch * 0.5,
            y1: self.g.pitch * 0.5,
            width: 0.4,
            node: None,
            artifact: ArtifactKind::Layout,
        });
        self.at.part = Part::Notes;
        self.at.path.clear();
        out.push(Piece::Block(PBlock {
            items: vec![rule],
            height: self.g.pitch,
            pos: Some(self.here(0)),
            ..PBlock::default()
        }));
        for (k, f) in s.footnotes.iter().enumerate() {
            let n = self.node(StructKind::Note, Some(sec), None);
            let mut inl = vec![Inline::Text(format!("{}\u{3000}", f.number))];
            for (i, b) in f.blocks.iter().enumerate() {
                if let Block::Paragraph { content, .. } = b {
                    if i > 0 {
                        inl.push(Inline::LineBreak);
                    }
                    inl.extend(content.iter().cloned());
                }
            }
            let segs = self.segments(&inl, self.cur(self.fonts.body(), cs, Some(n)), None);
            let lines = self.set_lines(&segs, self.g.measure, 0.0, para::Align::Justify)?;
            let mut blk = PBlock::default();
            let y = self.stack(lines, cs * 1.6, 0.0, 0.0, &mut blk.items);
            blk.height = snap(y, self.g.pitch);
            blk.anchors.push((f.id.clone(), 0.0));
            blk.pos = Some(SourcePos {
                path: vec![k],
                ..self.here(0)
            });
            out.push(Piece::Block(blk));
        }
        Ok(())
    }

    // ---------------------------------------------------------------- pages

    fn content(&mut self, start: usize) -> Result<Content> {
        let mut pieces = Vec::new();
        let mut first_body = true;
        for (si, s) in self.book.sections.iter().enumerate() {
            self.at = SourcePos {
                section: si,
                part: Part::Opening,
                path: Vec::new(),
                offset: 0,
            };
            let body = s.role == Role::Body;
            let recto = body && first_body;
            if body {
                first_body = false;
            }
            pieces.push(Piece::NewPage {
                recto,
                head: Some(s.title.clone()),
                body,
            });
            let sec = self.node(StructKind::Section, None, None);
            pieces.push(Piece::Block(self.opening(s, sec)?));
            self.at.part = Part::Body;
            let m = self.g.measure;
            self.blocks(&s.blocks, 0.0, m, sec, &mut pieces)?;
            self.footnotes(s, sec, &mut pieces)?;
            pieces.push(Piece::Flush);
        }
        let mut pg = Paginator::new(&self.g, start);
        pg.run(pieces);
        Ok(Content {
            pages: pg.pages,
            dests: pg.dests,
            body_start: pg.body_start,
        })
    }

    /// The table of contents; `numbers` maps destination names to printed page numbers (None:
    /// a dry run to count pages).
    fn toc(
        &mut self,
        numbers: Option<(&HashMap<String, String>, NodeId)>,
    ) -> Result<Vec<PageBuild>> {
        let size = self.g.size;
        let w = self.g.measure;
        let toc_node = numbers.map(|n| n.1);
        let mut pieces = vec![Piece::NewPage {
            recto: true,
            head: Some("目录".into()),
            body: false,
        }];
        // Title: 目录, spaced like a section title.
        let mut blk = PBlock::default();
        let ts = size * 1.5;
        let mut seg = Segment::default();
        let hn = toc_node.map(|t| self.node(StructKind::Heading(1), Some(t), Some("目录".into())));
        push_seg(
            &mut seg,
            "目\u{3000}录",
            self.cur(self.fonts.heading(), ts, hn),
            None,
        );
        let lines = self.set_lines(&[seg], w, 0.0, para::Align::Center)?;
        let y = self.stack(lines, ts * 1.45, 0.0, self.g.pitch * 3.0, &mut blk.items);
        blk.height = snap(y + self.g.pitch, self.g.pitch);
        pieces.push(Piece::Block(blk));
        let reserve = 3.0 * size;
        let base = self.g.baseline_in_line(size);
        for line in toc_entries(self.book) {
            // The entry's section index stands for the entry (see PageStart::Toc); a part
            // stands for its first section.
            let entry = SourcePos {
                section: line.section,
                part: Part::Opening,
                path: Vec::new(),
                offset: 0,
            };
            let num = numbers
                .and_then(|(m, _)| m.get(&line.dest).cloned())
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
            push_seg(
                &mut seg,
                &line.title,
                self.cur(face, size, link),
                Some(target.clone()),
            );
            // Sub-chapters are indented two characters a level.
            let indent = f32::from(line.depth.min(4)) * 2.0 * size;
            let mut lines = self.set_lines(&[seg], w - reserve - indent, 0.0, para::Align::Left)?;
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
            let nl = self.set_lines(&[nseg], w, 0.0, para::Align::Left)?;
            let count = lines.len();
            let id = self.para_seq;
            self.para_seq += 1;
            let last = lines.len().saturating_sub(1);
            for (idx, l) in lines.iter_mut().enumerate() {
                if idx == last {
                    let nw = nl.first().map(|n| n.width).unwrap_or(0.0);
                    if let Some(n) = nl.first() {
                        for it in &n.items {
                            let mut it = it.clone();
                            it.translate(w - nw, 0.0);
                            l.items.push(it);
                        }
                    }
                    // Leader dots on a fixed pitch so they line up from entry to entry.
                    let step = size * 0.5;
                    let from = l.width + size * 0.5;
                    let to = w - nw - size * 0.5;
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
                pieces.push(Piece::Line(PLine {
                    items,
                    para: id,
                    idx,
                    count,
                    pos: entry.clone(),
                }));
            }
        }
        let mut pg = Paginator::new(&self.g, 2);
        pg.run(pieces);
        Ok(pg.pages)
    }

    fn cover(&mut self) -> Result<PageBuild> {
        let m = &self.book.meta;
        let size = self.g.size;
        let w = self.g.measure;
        let x = self.g.left(0);
        let mut items = Vec::new();
        let sec = self.node(StructKind::Section, None, None);
        if let Some(series) = &m.series {
            let n = self.node(StructKind::Paragraph, Some(sec), None);
            let mut seg = Segment::default();
            push_seg(
                &mut seg,
                series,
                Cur {
                    gray: 0.3,
                    ..self.cur(self.fonts.heading(), size * 1.15, Some(n))
                },
                None,
            );
            let lines = self.set_lines(&[seg], w, 0.0, para::Align::Center)?;
            self.stack(lines, size * 2.0, x, self.g.page_h * 0.16, &mut items);
        }
        // Title: large bold sans, centred, the upper third of the page.
        let ts = (size * 2.1).min(w / 10.0);
        let n = self.node(StructKind::Heading(1), Some(sec), Some(m.title.clone()));
        let mut seg = Segment::default();
        push_seg(
            &mut seg,
            &m.title,
            self.cur(self.fonts.heading(), ts, Some(n)),
            None,
        );
        let lines = self.set_lines(&[seg], w - 2.0 * size, 0.0, para::Align::Center)?;
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
        if let Some(img) = &m.cover {
            let (pw, ph) = img.display_size();
            let (pw, ph) = (pw.max(1) as f32, ph.max(1) as f32);
            let avail_h = self.g.page_h * 0.72 - y - size * 2.0;
            let mut iw = (pw * 72.0 / 150.0).min(w);
            if iw * ph / pw > avail_h {
                iw = avail_h * pw / ph;
            }
            if iw > size {
                let fig = self.node(StructKind::Figure, Some(sec), Some(m.title.clone()));
                items.push(Item::Image(ImageItem {
                    image: img.clone(),
                    x: x + (w - iw) / 2.0,
                    y: y + size * 2.0,
                    width: iw,
                    height: iw * ph / pw,
                    node: Some(fig),
                }));
            }
        }
        if !m.editors.is_empty() {
            let n = self.node(StructKind::Paragraph, Some(sec), None);
            let mut seg = Segment::default();
            let text = format!("{}\u{3000}编", m.editors.join("\u{3000}"));
            push_seg(
                &mut seg,
                &text,
                self.cur(self.fonts.body(), size * 1.15, Some(n)),
                None,
            );
            let lines = self.set_lines(&[seg], w, 0.0, para::Align::Center)?;
            self.stack(lines, size * 2.0, x, self.g.page_h * 0.76, &mut items);
        }
        Ok(PageBuild {
            items,
            opening: true,
            ..PageBuild::default()
        })
    }

    /// Page number (foot, centred) and running head (book title on versos, section title on
    /// rectos, with a hairline under it), both artifacts.
    fn decorate(
        &mut self,
        index: usize,
        label: &PageLabel,
        opening: bool,
        head: Option<&str>,
        items: &mut Vec<Item>,
    ) -> Result<()> {
        let size = self.g.size * SMALL;
        let x = self.g.left(index);
        let w = self.g.measure;
        let num = label.text();
        let mut seg = Segment::default();
        push_seg(
            &mut seg,
            &num,
            self.cur(self.fonts.body(), size, None),
            None,
        );
        let lines = self.set_lines(&[seg], w, 0.0, para::Align::Center)?;
        let foot = self.g.top + self.g.area_h + self.g.pitch * 0.9;
        let mut extra = Vec::new();
        self.stack(lines, size, x, foot, &mut extra);
        for it in &mut extra {
            if let Item::Glyphs(g) = it {
                g.artifact = ArtifactKind::PageNumber;
            }
        }
        if !opening {
            let text = if index.is_multiple_of(2) {
                head.unwrap_or(&self.book.meta.title)
            } else {
                &self.book.meta.title
            };
            let mut seg = Segment::default();
            push_seg(
                &mut seg,
                text,
                Cur {
                    gray: 0.25,
                    ..self.cur(self.fonts.body(), size, None)
                },
                None,
            );
            let lines = self.set_lines(&[seg], w, 0.0, para::Align::Center)?;
            let lines: Vec<SetLine> = lines.into_iter().take(1).collect();
            let rule_y = self.g.top - self.g.pitch * 0.45;
            let mut hd = Vec::new();
            self.stack(lines, size * 1.2, x, rule_y - size * 1.45, &mut hd);
            for it in &mut hd {
                if let Item::Glyphs(g) = it {
                    g.artifact = ArtifactKind::Header;
                }
            }
            extra.extend(hd);
            extra.push(Item::Line(LineItem {
                x0: x,
                x1: x + w,
                y0: rule_y,
                y1: rule_y,
                width: 0.3,
                node: None,
                artifact: ArtifactKind::Header,
            }));
        }
        // Strip structure from decoration (artifacts).
        for it in &mut extra {
            if let Item::Glyphs(g) = it {
                g.node = None;
            }
        }
        items.extend(extra);
        Ok(())
    }
}

/// A set line: items relative to (measure left, baseline).
#[derive(Debug, Clone)]
/// One line of the printed table of contents.
struct TocLine {
    title: String,
    /// The section it stands for (a part: its first).
    section: usize,
    /// The destination it links to (a part: its first section).
    dest: String,
    depth: u8,
    part: bool,
}

/// The book's outline flattened in reading order, as the contents page lists it.
fn toc_entries(book: &Book) -> Vec<TocLine> {
    fn walk(book: &Book, nodes: &[model::OutlineNode], depth: u8, out: &mut Vec<TocLine>) {
        for n in nodes {
            match n {
                model::OutlineNode::Part { index, children } => {
                    let p = &book.parts[*index];
                    out.push(TocLine {
                        title: p.title.clone(),
                        section: p.first,
                        dest: book.sections[p.first].id.clone(),
                        depth,
                        part: true,
                    });
                    walk(book, children, depth, out);
                }
                model::OutlineNode::Section { index, children } => {
                    let s = &book.sections[*index];
                    out.push(TocLine {
                        title: s.title.clone(),
                        section: *index,
                        dest: s.id.clone(),
                        depth,
                        part: false,
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

/// Bookmarks as the book's outline nests them: parts, chapters, sub-chapters, and each
/// section's headings down to `###`.
fn outline_entries(
    book: &Book,
    nodes: &[model::OutlineNode],
    dests: &HashMap<&str, &Destination>,
) -> Vec<OutlineEntry> {
    let mut out = Vec::new();
    for n in nodes {
        match n {
            model::OutlineNode::Part { index, children } => {
                let p = &book.parts[*index];
                let first = &book.sections[p.first].id;
                if let Some(d) = dests.get(first.as_str()) {
                    out.push(OutlineEntry {
                        title: p.title.clone(),
                        dest: first.clone(),
                        page: d.page,
                        y: d.y,
                        children: outline_entries(book, children, dests),
                    });
                }
            }
            model::OutlineNode::Section { index, children } => {
                let s = &book.sections[*index];
                let Some(d) = dests.get(s.id.as_str()) else {
                    continue;
                };
                let mut e = OutlineEntry {
                    title: s.title.clone(),
                    dest: s.id.clone(),
                    page: d.page,
                    y: d.y,
                    children: Vec::new(),
                };
                for b in &s.blocks {
                    if let Block::Heading {
                        level,
                        id,
                        content: c,
                        ..
                    } = b
                        && *level <= 3
                        && let Some(hd) = dests.get(id.as_str())
                    {
                        e.children.push(OutlineEntry {
                            title: model::plain_text(c),
                            dest: id.clone(),
                            page: hd.page,
                            y: hd.y,
                            children: Vec::new(),
                        });
                    }
                }
                e.children.extend(outline_entries(book, children, dests));
                out.push(e);
            }
        }
    }
    out
}

struct SetLine {
    items: Vec<Item>,
    /// Right end of the last glyph.
    width: f32,
    size: f32,
    /// The first character shown, in the block's plain text (set by `set_lines`).
    start: Option<usize>,
}

fn push_run(segs: &mut [Segment], text: &str, cur: Cur, link: Option<LinkTarget>) {
    if let Some(seg) = segs.last_mut() {
        push_seg(seg, text, cur, link);
    }
}

fn push_seg(seg: &mut Segment, text: &str, cur: Cur, link: Option<LinkTarget>) {
    seg.runs.push(StyledRun {
        text: text.to_string(),
        font: cur.font,
        size: cur.size,
        rise: cur.rise,
    });
    seg.styles.push(RunStyle {
        dots: cur.dots,
        strike: cur.strike,
        link,
        node: cur.node,
        gray: cur.gray,
        model_off: 0,
    });
}

fn snap(y: f32, pitch: f32) -> f32 {
    ((y - 0.01) / pitch).ceil().max(0.0) * pitch
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// Converts one line of a set paragraph into display items relative to (measure left, baseline).
fn line_items(p: &Paragraph, li: usize, styles: &[RunStyle]) -> SetLine {
    let line = &p.lines[li];
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
        let glyphs: Vec<RunGlyph> = group
            .iter()
            .enumerate()
            .map(|(k, g)| RunGlyph {
                id: g.glyph_id,
                // Exact placement: the distance to the next glyph's box, else the advance.
                advance: group.get(k + 1).map(|n| n.x - g.x).unwrap_or(g.advance),
                x_offset: g.x_offset,
                y_offset: 0.0,
                text_range: g.text_range.start - lo..g.text_range.end - lo,
            })
            .collect();
        let st = styles.get(g0.run).cloned().unwrap_or_default();
        let x0 = g0.x;
        let last = &group[group.len() - 1];
        let x1 = last.x + last.advance;
        width = width.max(x1);
        size = size.max(g0.size);
        let y = -g0.y_offset;
        items.push(Item::Glyphs(GlyphRun {
            font: g0.font,
            size: g0.size,
            x: x0,
            y,
            glyphs,
            text,
            gray: st.gray,
            node: st.node,
            artifact: ArtifactKind::Layout,
        }));
        if st.dots {
            for g in group {
                if p.text
                    .get(g.text_range.clone())
                    .and_then(|t| t.chars().next())
                    .is_some_and(is_han)
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
                y: -g0.size * EM_ASCENT,
                width: x1 - x0,
                height: g0.size,
                target: t,
                node: st.node,
            }));
        }
        i = j;
    }
    SetLine {
        items,
        width,
        size,
        start: None,
    }
}

/// Places pieces onto pages.
struct Paginator<'g> {
    g: &'g Geometry,
    /// Physical index of the first page this paginator makes.
    start: usize,
    pages: Vec<PageBuild>,
    cur: Option<PageBuild>,
    /// Offset from the top of the type area.
    y: f32,
    floats: Vec<PBlock>,
    dests: Vec<Destination>,
    head: Option<String>,
    body_start: Option<usize>,
}

impl<'g> Paginator<'g> {
    fn new(g: &'g Geometry, start: usize) -> Self {
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
        }
    }

    fn index(&self) -> usize {
        self.start + self.pages.len()
    }

    fn finish_page(&mut self) {
        if let Some(p) = self.cur.take() {
            self.pages.push(p);
        }
        self.y = 0.0;
    }

    /// Ensures a current page; a fresh page first takes the floats waiting for it.
    fn page(&mut self) {
        if self.cur.is_none() {
            self.cur = Some(PageBuild {
                head: self.head.clone(),
                ..PageBuild::default()
            });
            self.y = 0.0;
            let floats = std::mem::take(&mut self.floats);
            for f in floats {
                if self.y > 0.0 && self.y + f.height > self.g.area_h + 0.01 {
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

    fn remaining(&self) -> f32 {
        self.g.area_h - self.y
    }

    /// Notes that `pos` is shown on the current page.
    fn shown(&mut self, pos: Option<&SourcePos>) {
        if let (Some(p), Some(pos)) = (self.cur.as_mut(), pos)
            && p.first.as_ref().is_none_or(|f| pos < f)
        {
            p.first = Some(pos.clone());
        }
    }

    fn put_block(&mut self, b: PBlock) {
        if b.height > self.g.area_h + 0.01 {
            return self.put_tall_block(b);
        }
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
        if let Some(p) = self.cur.as_mut() {
            for mut it in b.items {
                it.translate(left, top + y);
                p.items.push(it);
            }
        }
        self.y = snap(y + b.height, self.g.pitch);
    }

    /// A block taller than the type area (a very long title, caption or table row), cut between
    /// its items onto as many pages as it needs, so that nothing is drawn past the page. The
    /// first part goes where the block would have gone.
    fn put_tall_block(&mut self, b: PBlock) {
        let area = self.g.area_h;
        let extent = |it: &Item| match it {
            Item::Glyphs(g) => (g.y - g.size, g.y + 0.25 * g.size),
            Item::Image(i) => (i.y, i.y + i.height),
            Item::Line(l) => (l.y0.min(l.y1), l.y0.max(l.y1)),
            Item::Dot(d) => (d.cy - d.r, d.cy + d.r),
            Item::Link(l) => (l.y, l.y + l.height),
        };
        let spans: Vec<(f32, f32)> = b.items.iter().map(extent).collect();
        let mut by_top: Vec<(f32, f32)> = spans.clone();
        by_top.sort_by(|a, b| a.0.total_cmp(&b.0));
        // Where each part starts, in block coordinates: a new part begins at the first item
        // that would end past the page.
        let mut cuts = vec![self.y.min(0.0)];
        let mut room = area - self.y;
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
                (b.height - cuts[k]).min(area - self.y)
            } else {
                area - self.y
            };
            self.put_block(PBlock {
                items,
                height,
                anchors: std::mem::take(&mut anchors),
                pos: b.pos.clone(),
                ..PBlock::default()
            });
        }
    }

    fn put_line(&mut self, l: PLine) {
        self.shown(Some(&l.pos));
        let idx = self.index();
        let left = self.g.left(idx);
        let y = self.g.top + self.y;
        if let Some(p) = self.cur.as_mut() {
            for mut it in l.items {
                it.translate(left, y);
                p.items.push(it);
            }
        }
        self.y += self.g.pitch;
    }

    /// How much of what starts at `pieces[i]` must stay with a heading before it.
    fn keep_height(&self, pieces: &[Piece], i: usize) -> f32 {
        match pieces.get(i) {
            Some(Piece::Line(l)) => (l.count - l.idx).min(2) as f32 * self.g.pitch,
            Some(Piece::Block(b)) if !b.float => {
                b.height
                    + if b.keep_next {
                        self.keep_height(pieces, i + 1)
                    } else {
                        0.0
                    }
            }
            _ => 0.0,
        }
    }

    fn run(&mut self, pieces: Vec<Piece>) {
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
                        + if b.space_before > 0.0 && self.y > 0.0 {
                            b.space_before
                        } else {
                            0.0
                        };
                    let keep = if b.keep_next {
                        self.keep_height(&pieces, i + 1)
                    } else {
                        0.0
                    };
                    if b.float && !self.floats.is_empty() {
                        // Keep figures in order behind one already waiting.
                        self.floats.push(b.clone());
                    } else if self.y > 0.0 && need + keep > self.remaining() + 0.01 {
                        if b.float {
                            self.floats.push(b.clone());
                        } else {
                            self.finish_page();
                            self.page();
                            self.put_block(b.clone());
                        }
                    } else {
                        self.put_block(b.clone());
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
                    let avail =
                        ((self.remaining() + 0.01) / self.g.pitch).floor().max(0.0) as usize;
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
        self.flush_floats();
        self.finish_page();
    }

    fn flush_floats(&mut self) {
        if !self.floats.is_empty() {
            self.finish_page();
            self.page();
        }
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

    #[test]
    fn labels_switch_to_arabic_at_body() {
        assert_eq!(label_for(0, 5).text(), "i");
        assert_eq!(label_for(4, 5).text(), "v");
        assert_eq!(label_for(5, 5).text(), "1");
        assert_eq!(label_for(8, 5).text(), "4");
    }

    #[test]
    fn snap_rounds_up_to_grid() {
        assert_eq!(snap(0.0, 10.0), 0.0);
        assert_eq!(snap(10.0, 10.0), 10.0);
        assert_eq!(snap(10.5, 10.0), 20.0);
    }
}
