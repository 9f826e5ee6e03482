//! The document model: one typed, read-only description of the whole book.
//!
//! Built once by [`crate::book::load`] from `book.toml`, the Markdown sections and their pictures,
//! then handed to every writer. No writer reads a source file again: everything a writer needs
//! (image bytes included) is here. Plain data, no I/O.

use std::path::PathBuf;
use std::sync::Arc;

/// Where something came from: a file relative to the book folder, and a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Span {
    /// Path relative to the book folder, e.g. `01-jingkai.md`.
    pub file: PathBuf,
    /// 1-based line number; 0 when unknown.
    pub line: u32,
}

#[derive(Debug, Clone)]
pub struct Book {
    /// The book folder (absolute, canonical).
    pub root: PathBuf,
    pub meta: Metadata,
    pub sections: Vec<Section>,
    /// Parts that group sections (mdBook `# Part` lines in SUMMARY.md), in reading order.
    pub parts: Vec<Part>,
    /// Remote pictures set as placeholders (not in the download cache), each URL once, in
    /// reading order: what `bookpress fetch-images` downloads.
    pub remote_pictures: Vec<RemotePicture>,
    pub pdf: PdfSettings,
    pub fonts: FontSettings,
    pub epub: EpubSettings,
    /// book.toml's text as read (decoded like a section), for messages that point into it.
    pub toml_text: String,
}

/// A remote picture not downloaded, where the book first names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemotePicture {
    pub url: String,
    /// The section file, relative to the book folder.
    pub file: PathBuf,
    pub line: u32,
}

#[derive(Debug, Clone)]
pub struct Metadata {
    pub title: String,
    pub series: Option<String>,
    pub editors: Vec<String>,
    pub authors: Vec<String>,
    /// BCP 47 tag, default `zh-CN`.
    pub language: String,
    /// Stable identifier: the user's, or `urn:bookpress:<hash of title>`.
    pub identifier: String,
    /// Seconds since the Unix epoch: `SOURCE_DATE_EPOCH` if set, else the build time.
    pub modified_unix: i64,
    /// File stem for outputs (`out/<name>.epub`), from the book folder's name.
    pub name: String,
    /// The user's cover picture, if `cover = "..."` was given.
    pub cover: Option<Image>,
    /// `[book] description`, if given.
    pub description: Option<String>,
}

/// A titled group of consecutive sections (a part of the book).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub title: String,
    /// Index of the part's first section in [`Book::sections`].
    pub first: usize,
    /// One past its last section.
    pub end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Front matter such as the editor's note (编者按).
    Preface,
    Body,
}

#[derive(Debug, Clone)]
pub struct Section {
    /// Stable id usable as an XML id and a PDF destination name: `sec-1`, `sec-2`, ...
    pub id: String,
    /// The Markdown file, relative to the book folder.
    pub source: PathBuf,
    pub title: String,
    pub author: Option<String>,
    /// A label above the title (here: the district).
    pub kicker: Option<String>,
    pub role: Role,
    /// Depth in the book's outline: 0 for a chapter, 1 for its sub-chapter, and so on.
    pub depth: u8,
    /// The body, without the title heading when the title came from the first `#` heading.
    pub blocks: Vec<Block>,
    /// Footnote definitions of this section, in the order they are first referenced.
    pub footnotes: Vec<Footnote>,
    pub span: Span,
    /// The file's text as the loader read it (decoded: BOM dropped, line ends LF), so that
    /// checks can point at a line and column without reading the file again.
    pub text: String,
}

#[derive(Debug, Clone)]
pub enum Block {
    /// Levels 1-6 as written; the section title is not among them.
    Heading {
        level: u8,
        id: String,
        content: Vec<Inline>,
        span: Span,
    },
    Paragraph {
        content: Vec<Inline>,
        span: Span,
    },
    Figure(Figure),
    List {
        ordered: bool,
        start: u64,
        items: Vec<Vec<Block>>,
        span: Span,
    },
    Quote {
        blocks: Vec<Block>,
        span: Span,
    },
    Code {
        text: String,
        /// The fence's language tag (`rust` of ```` ```rust,ignore ````), empty when none.
        lang: String,
        span: Span,
    },
    Table(Table),
    Rule {
        span: Span,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    None,
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub align: Vec<Align>,
    /// Header cells.
    pub head: Vec<Vec<Inline>>,
    /// Body rows of cells.
    pub rows: Vec<Vec<Vec<Inline>>>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Inline {
    /// Text exactly as it reads: soft breaks already resolved (CJK–CJK joined, otherwise a space).
    Text(String),
    Emph(Vec<Inline>),
    Strong(Vec<Inline>),
    Strike(Vec<Inline>),
    Code(String),
    /// Text set apart by an HTML tag that Markdown has no syntax for (`<sup>`, `<kbd>`, …).
    Styled {
        style: InlineStyle,
        content: Vec<Inline>,
    },
    /// `href` is either external (`https:`, `mailto:`) or an in-book target already resolved
    /// to `#<section id>` / `#<heading id>`.
    Link {
        href: String,
        content: Vec<Inline>,
    },
    /// Reference to footnote `number` (1-based within its section).
    FootnoteRef {
        number: u32,
        id: String,
    },
    /// A hard line break.
    LineBreak,
    /// A picture inside running text (rare); shown at text height.
    Image {
        image: Image,
        alt: String,
    },
}

/// How a [`Inline::Styled`] run is set apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InlineStyle {
    Superscript,
    Subscript,
    /// Keys to press (`<kbd>`).
    Keyboard,
    Underline,
    /// Highlighted text (`<mark>`).
    Highlight,
    /// Fine print (`<small>`).
    Small,
}

impl InlineStyle {
    /// The XHTML element that carries it.
    pub fn tag(self) -> &'static str {
        match self {
            InlineStyle::Superscript => "sup",
            InlineStyle::Subscript => "sub",
            InlineStyle::Keyboard => "kbd",
            InlineStyle::Underline => "u",
            InlineStyle::Highlight => "mark",
            InlineStyle::Small => "small",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Footnote {
    pub id: String,
    /// 1-based within the section.
    pub number: u32,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone)]
pub struct Figure {
    /// 1-based, counted through the whole book: 图1, 图2, ...
    pub number: u32,
    /// `fig-1`, `fig-2`, ...
    pub id: String,
    /// The label printed before the caption (`图1`, `图2.3`), or empty when the caption carries
    /// its own (`图 1.1 强化学习示意`).
    pub label: String,
    pub caption: Vec<Inline>,
    /// The picture's text alternative when it differs from the caption (an HTML `alt` that
    /// describes the picture while a caption below names it); empty: the caption serves.
    pub alt: String,
    /// The image title, e.g. `受访者供图`.
    pub credit: Option<String>,
    pub image: Image,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Jpeg,
    Png,
    Gif,
    Webp,
    /// Vector drawing; `data` is already sanitised (no scripts, no external references).
    Svg,
}

impl ImageFormat {
    pub fn media_type(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Png => "image/png",
            ImageFormat::Gif => "image/gif",
            ImageFormat::Webp => "image/webp",
            ImageFormat::Svg => "image/svg+xml",
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "jpg",
            ImageFormat::Png => "png",
            ImageFormat::Gif => "gif",
            ImageFormat::Webp => "webp",
            ImageFormat::Svg => "svg",
        }
    }
}

/// A picture, read and probed once. `data` is the file exactly as on disk.
#[derive(Debug, Clone)]
pub struct Image {
    /// Path relative to the book folder with `/` separators, e.g. `images/fig1.jpg`.
    pub path: String,
    pub format: ImageFormat,
    /// Pixel size as stored (before EXIF orientation).
    pub width: u32,
    pub height: u32,
    /// EXIF orientation 1-8 (1 = as stored).
    pub orientation: u8,
    pub data: Arc<Vec<u8>>,
    /// The URL of a remote picture not downloaded (`bookpress fetch-images`): `data` is then a
    /// framed placeholder of the declared size, and the writers print the URL beneath it.
    pub remote: Option<String>,
}

impl Image {
    /// Pixel size as displayed, after EXIF orientation.
    pub fn display_size(&self) -> (u32, u32) {
        if (5..=8).contains(&self.orientation) {
            (self.height, self.width)
        } else {
            (self.width, self.height)
        }
    }
}

/// A font file chosen in `book.toml` (or the bundled default).
#[derive(Debug, Clone, PartialEq)]
pub struct FontFile {
    /// Absolute path.
    pub path: PathBuf,
    /// Face index inside a TTC/OTC collection.
    pub index: u32,
}

#[derive(Debug, Clone)]
pub struct FontSettings {
    pub body: FontFile,
    pub heading: FontFile,
    /// Code blocks and inline code (monospace; `[fonts] code`, default Noto Sans Mono).
    pub code: FontFile,
    /// Tried in order for characters the body/heading face lacks.
    pub fallback: Vec<FontFile>,
    /// For characters none of these has, look in the fonts installed on the machine
    /// (`[fonts] system`, default true; `--no-system-fonts` turns it off).
    pub system: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kinsoku {
    None,
    Basic,
    Gb,
    Strict,
}

#[derive(Debug, Clone)]
pub struct PdfSettings {
    /// Page width and height in points.
    pub page_width: f32,
    pub page_height: f32,
    /// Margins in points.
    pub margin_top: f32,
    pub margin_bottom: f32,
    pub margin_inner: f32,
    pub margin_outer: f32,
    /// Body size in points (default 10.5).
    pub font_size: f32,
    /// Line height as a multiple of the font size (default 1.7).
    pub line_height: f32,
    pub kinsoku: Kinsoku,
    /// `[pdf] punctuation`: the region whose punctuation the PDF follows (gb, tw, hk); None:
    /// the book language's (docs/typesetting.md §3).
    pub punctuation: Option<crate::cjk::Region>,
    /// Also write the imposed `-print.pdf`, in this order.
    pub impose: Option<Imposition>,
    /// Syntax colours in code blocks (`[pdf] highlight`, default true; the EPUB follows).
    pub highlight: bool,
    /// Footnotes and links in print (`[pdf] footnotes`, `urls`, `link_color`, `page_refs`).
    pub notes: NoteSettings,
    /// Pixels per inch of placed size pictures are resampled to (`[pdf] image_dpi`).
    pub image_dpi: u32,
    /// A list of figures after the contents (`[pdf] lists`, default false).
    pub lists: bool,
    /// Contents entries show their section's kicker (`[pdf] toc_kicker`, default true).
    pub toc_kicker: bool,
    /// Lines or columns (`[pdf] writing`, else `[book] writing`, default horizontal).
    pub writing: Writing,
    /// In vertical setting, runs of up to this many digits stand upright side by side in one
    /// cell (縱中橫, `[pdf] tcy`, 2 to 4, default 2); longer ones are turned like Latin.
    pub tcy: u8,
}

/// The direction text runs in (`writing` in `[book]`, `[pdf]`, `[epub]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Writing {
    /// Lines left to right, stacked top to bottom (横排).
    #[default]
    Horizontal,
    /// Columns top to bottom, stacked right to left, bound on the right (竖排/直排).
    Vertical,
}

/// How footnotes are numbered in the PDF (the EPUB keeps the source's numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NoteNumbering {
    /// 1, 2, 3 … through each section.
    #[default]
    Section,
    /// From 1 again on every page (页下注, as many Chinese books number them).
    Page,
}

/// Where the PDF prints the address of an external link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UrlMode {
    /// In a footnote at the foot of the page (once per address and page).
    #[default]
    Footnote,
    /// In parentheses after the link text (once per address and page).
    Inline,
    /// Nowhere: only the coloured, clickable text.
    None,
}

/// `[pdf]` settings for footnotes and links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoteSettings {
    pub numbering: NoteNumbering,
    pub urls: UrlMode,
    /// Link text colour as RGB (default #1a3d7c, a dark blue that prints as a dark grey).
    pub link_color: [u8; 3],
    /// Internal cross-references add （见第 N 页）.
    pub page_refs: bool,
}

impl Default for NoteSettings {
    fn default() -> Self {
        NoteSettings {
            numbering: NoteNumbering::Section,
            urls: UrlMode::Footnote,
            link_color: [0x1a, 0x3d, 0x7c],
            page_refs: false,
        }
    }
}

/// How a print file orders the booklet's pages on its sheets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Imposition {
    /// Saddle stitch: print duplex, fold the stack in half, staple on the fold.
    #[default]
    Saddle,
    /// 2-up cut stack: cut the stack in half, put the left stack on the right stack.
    CutStack,
}

#[derive(Debug, Clone)]
pub struct EpubSettings {
    /// Embed a subset of the body font in the EPUB.
    pub embed_font: bool,
    /// Mark where each page of the PDF booklet begins and write a `page-list` nav (default on).
    pub page_list: bool,
    /// Replaces the generated `schema:accessibilitySummary`.
    pub accessibility_summary: Option<String>,
    /// `schema:accessibilityHazard` values (schema.org vocabulary); default `["none"]`.
    pub accessibility_hazards: Vec<String>,
    /// Lines or columns (`[epub] writing`, else `[book] writing`, default horizontal).
    pub writing: Writing,
}

impl Default for EpubSettings {
    fn default() -> Self {
        EpubSettings {
            embed_font: false,
            page_list: true,
            accessibility_summary: None,
            accessibility_hazards: vec!["none".into()],
            writing: Writing::Horizontal,
        }
    }
}

impl Section {
    /// The highest (smallest-numbered) heading level in the body, 6 when there is none: the
    /// level the section's own subdivisions start at.
    pub fn top_heading_level(&self) -> u8 {
        self.body_blocks()
            .filter_map(|v| match v.block {
                Block::Heading { level, .. } => Some(*level),
                _ => None,
            })
            .min()
            .unwrap_or(6)
    }
}

impl Book {
    /// All figures in reading order (each section's body, then its footnotes).
    pub fn figures(&self) -> Vec<&Figure> {
        self.blocks()
            .filter_map(|v| match v.block {
                Block::Figure(f) => Some(f),
                _ => None,
            })
            .collect()
    }
}

/// One entry of the book's outline: a part (its sections below it) or a section (its
/// sub-sections below it). Built once here so the EPUB nav, the PDF contents and the bookmarks
/// nest the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutlineNode {
    Part {
        /// Index into [`Book::parts`].
        index: usize,
        children: Vec<OutlineNode>,
    },
    Section {
        /// Index into [`Book::sections`].
        index: usize,
        children: Vec<OutlineNode>,
    },
}

impl OutlineNode {
    pub fn children(&self) -> &[OutlineNode] {
        match self {
            OutlineNode::Part { children, .. } | OutlineNode::Section { children, .. } => children,
        }
    }
}

impl Book {
    /// Parts and sections nested by [`Section::depth`].
    pub fn outline(&self) -> Vec<OutlineNode> {
        let mut top = Vec::new();
        let mut i = 0;
        while i < self.sections.len() {
            match self.parts.iter().position(|p| p.first == i && p.end > i) {
                Some(pi) => {
                    let end = self.parts[pi].end.min(self.sections.len());
                    top.push(OutlineNode::Part {
                        index: pi,
                        children: self.nest(i, end),
                    });
                    i = end;
                }
                None => {
                    let end = self.parts.iter().map(|p| p.first).filter(|&f| f > i).min();
                    let end = end.unwrap_or(self.sections.len());
                    top.extend(self.nest(i, end));
                    i = end;
                }
            }
        }
        top
    }

    /// Sections `from..to` as a forest: each takes the deeper ones after it as children.
    fn nest(&self, from: usize, to: usize) -> Vec<OutlineNode> {
        let mut out = Vec::new();
        let mut i = from;
        while i < to {
            let depth = self.sections[i].depth;
            let mut j = i + 1;
            while j < to && self.sections[j].depth > depth {
                j += 1;
            }
            out.push(OutlineNode::Section {
                index: i,
                children: self.nest(i + 1, j),
            });
            i = j;
        }
        out
    }
}

/// The plain text of some inlines, as a reader would copy it.
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut s = String::new();
    for v in crate::book::walk::inlines(inlines) {
        match v.inline {
            Inline::Text(t) | Inline::Code(t) => s.push_str(t),
            Inline::FootnoteRef { number, .. } => s.push_str(&number.to_string()),
            Inline::LineBreak => s.push('\n'),
            Inline::Image { alt, .. } => s.push_str(alt),
            Inline::Emph(_)
            | Inline::Strong(_)
            | Inline::Strike(_)
            | Inline::Styled { .. }
            | Inline::Link { .. } => {}
        }
    }
    s
}
