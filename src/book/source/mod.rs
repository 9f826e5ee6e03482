//! One section file → [`Section`]: front matter, Markdown (pulldown-cmark) → blocks and inlines.

use crate::book::assets::{ImageCache, confine};
use crate::book::html::{self, HtmlBlock, InlineTag, Wrap};
use crate::book::include::{Includer, drop_hidden_rust_lines};
use crate::book::links;
use crate::book::manifest::line_col;
use crate::book::markdown::FrontKind;
use crate::book::model::{
    Align, Block, Figure, Footnote, Image, Inline, RemotePicture, Role, Section, Span, Table,
};
use crate::book::remote;
use crate::cjk::is_wide;
use crate::diag::{Diagnostic, Result};
use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

mod figures;
mod front_matter;
mod html_events;
mod targets;
#[cfg(test)]
mod tests;

pub use figures::caption_has_label;
use figures::figure_label_for;
use front_matter::{FrontMatter, front_matter_line, note_yaml, split_front_matter};

/// What the sections' front matter says about the whole book.
#[derive(Debug, Default)]
pub struct BookNotes {
    /// Site-generator keys passed over (`layout`, `tags` …), for one note per book.
    pub site_keys: std::collections::BTreeSet<String>,
    /// Front-matter dates (`YYYY-MM-DD`), which can date the edition.
    pub dates: Vec<String>,
    /// Sections marked `draft: true`, left out.
    pub drafts: Vec<PathBuf>,
    /// Remote pictures set as placeholders, each URL once, in reading order.
    pub remote: Vec<RemotePicture>,
}

/// How figures are numbered (`[book] figure_numbers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FigureNumbers {
    /// 图1, 图2 … through the book.
    #[default]
    Book,
    /// 图1.1, 图1.2 … by chapter.
    Chapter,
    /// Only the label a caption carries itself.
    Source,
}

/// What parsing a section needs from the rest of the book.
pub struct Context<'a> {
    /// The book folder, canonical.
    pub root: &'a Path,
    pub images: &'a mut ImageCache,
    /// Figures numbered so far in the book.
    pub figures: &'a mut u32,
    /// Section file (relative, `/`-separated) → section id, for links between sections.
    pub section_ids: &'a HashMap<String, String>,
    pub warnings: &'a mut Vec<Diagnostic>,
    /// Errors that do not stop the section being read (a missing picture, a bad include):
    /// all of them are reported in one run.
    pub errors: &'a mut Vec<Diagnostic>,
    /// Heading anchors of the sections read so far: section file → (anchor → id).
    pub anchors: &'a mut HashMap<String, HashMap<String, String>>,
    pub figure_numbers: FigureNumbers,
    /// The book language's words (the figure label: 图1, 圖1, Figure 1).
    pub words: &'static crate::words::Words,
    /// The chapter number figures take with [`FigureNumbers::Chapter`], and the figures in it.
    pub chapter: (u32, u32),
    /// Files read besides the section itself (includes, pictures), for the book's date.
    pub files_read: &'a mut Vec<String>,
    pub notes: &'a mut BookNotes,
}

/// How a section sits in the book: its title from SUMMARY.md, and its depth.
#[derive(Debug, Clone, Default)]
pub struct Placement {
    pub summary_title: Option<String>,
    pub depth: u8,
}

/// Decodes a section file's bytes: UTF-8 (a BOM is dropped), CRLF and CR line ends made LF.
pub fn decode(bytes: Vec<u8>, rel: &Path) -> Result<String> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let off = e.utf8_error().valid_up_to();
        let good = String::from_utf8_lossy(&e.as_bytes()[..off]).into_owned();
        let (line, col) = line_col(&good, good.len());
        Diagnostic::error(format!("not UTF-8 text: invalid byte 0x{:02X} at byte offset {off}", e.as_bytes()[off]))
            .in_file(rel)
            .at(line, col)
            .hint("save the file as UTF-8 (GBK/GB18030 files can be converted with `iconv -f GB18030 -t UTF-8`)")
    })?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    })
}

/// Parses one section. `rel` is the file relative to the book folder; `id` its section id.
/// Problems that leave the rest readable go to `ctx.errors`; `Err` only when the section
/// cannot be read at all.
pub fn parse_section(ctx: &mut Context, rel: &Path, id: &str, text: &str) -> Result<Section> {
    parse_placed(ctx, rel, id, text, &Placement::default())
}

/// [`parse_section`] for a section placed by SUMMARY.md.
pub fn parse_placed(
    ctx: &mut Context,
    rel: &Path,
    id: &str,
    text: &str,
    place: &Placement,
) -> Result<Section> {
    let (fm, body, body_line) = split_front_matter(text, rel)?;
    if let Some(y) = &fm.yaml {
        note_yaml(ctx, rel, y);
    }
    let role = match fm.role.as_deref() {
        None | Some("body") | Some("chapter") => Role::Body,
        Some("preface") => Role::Preface,
        Some(other) => {
            return Err(Diagnostic::error(format!("unknown role `{other}`"))
                .in_file(rel)
                .at(front_matter_line(text, "role"), 1)
                .hint("use role = \"preface\" for front matter, or leave role out")
                .into());
        }
    };
    let mut includer = Includer::new(ctx.root, rel);
    let expanded = includer.expand(body, body_line);
    ctx.errors.extend(includer.errors);
    ctx.files_read.extend(expanded.files.iter().cloned());
    let body = expanded.text.as_str();
    let base_dir = rel.parent().unwrap_or(Path::new("")).to_path_buf();
    let rel_key = rel
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .collect::<Vec<_>>()
        .join("/");
    let mut b = Builder {
        ctx,
        rel,
        rel_key,
        id,
        base_dir,
        lines: LineIndex::mapped(body, expanded.lines.clone()),
        stack: vec![Frame::Root(Vec::new())],
        last_char: None,
        pending_soft_break: false,
        heading_count: 0,
        footnote_numbers: HashMap::new(),
        footnote_defs: HashMap::new(),
        footnote_def_lines: HashMap::new(),
        anchors: HashMap::new(),
        warned_tags: std::collections::BTreeSet::new(),
        html_line: 0,
        html_text: String::new(),
    };
    for (event, range) in Parser::new_ext(body, crate::book::markdown::options()).into_offset_iter()
    {
        b.event(event, range.start)?;
    }
    while b.stack.len() > 1 {
        // Inline HTML left open at the end of the text.
        b.close_top();
    }
    let mut blocks = match b.stack.pop() {
        Some(Frame::Root(blocks)) => blocks,
        _ => {
            return Err(Diagnostic::error("internal: unbalanced Markdown events")
                .in_file(rel)
                .into());
        }
    };
    let footnotes = b.finish_footnotes()?;
    let anchors = std::mem::take(&mut b.anchors);
    b.ctx.anchors.insert(b.rel_key.clone(), anchors);

    let title = section_title(&fm, place, expanded.title.as_deref(), &mut blocks)
        .unwrap_or_else(|| {
            let name = rel
                .file_stem()
                .map_or_else(|| id.to_string(), |n| n.to_string_lossy().into_owned());
            b.ctx.warnings.push(
                Diagnostic::warning(format!("the section has no title: `{name}` is used"))
                    .in_file(rel)
                    .at(1, 1)
                    .hint("start it with a `# Title` heading, or give `title = \"...\"` in +++ front matter"),
            );
            name
        });
    Ok(Section {
        id: id.to_string(),
        source: rel.to_path_buf(),
        title,
        author: fm.author,
        kicker: fm.kicker,
        role,
        depth: place.depth,
        blocks,
        footnotes,
        span: Span {
            file: rel.to_path_buf(),
            line: 1,
        },
        text: text.to_string(),
    })
}

/// The title, in order: front matter; the first `#` heading; the SUMMARY entry (a leading
/// heading that says the same is then not repeated); `{{#title}}`; the first heading of any
/// level when it opens the section. A heading used as the title leaves the body.
fn section_title(
    fm: &FrontMatter,
    place: &Placement,
    directive: Option<&str>,
    blocks: &mut Vec<Block>,
) -> Option<String> {
    if let Some(t) = fm.title.clone().filter(|t| !t.trim().is_empty()) {
        return Some(t);
    }
    if let Some(t) = take_title_heading(blocks) {
        return Some(t);
    }
    let leading = match blocks.first() {
        Some(Block::Heading { content, .. }) => Some(crate::book::model::plain_text(content)),
        _ => None,
    };
    if let Some(t) = place.summary_title.clone().filter(|t| !t.trim().is_empty()) {
        if leading.as_deref().map(str::trim) == Some(t.trim()) {
            blocks.remove(0);
        }
        return Some(t);
    }
    if let Some(t) = directive {
        return Some(t.to_string());
    }
    let t = leading.filter(|t| !t.trim().is_empty())?;
    blocks.remove(0);
    Some(t)
}

/// Removes the first level-1 heading and returns its text.
fn take_title_heading(blocks: &mut Vec<Block>) -> Option<String> {
    let i = blocks
        .iter()
        .position(|b| matches!(b, Block::Heading { level: 1, .. }))?;
    match blocks.remove(i) {
        Block::Heading { content, .. } => Some(crate::book::model::plain_text(&content)),
        _ => None,
    }
}

/// Byte offset in the expanded text → line of the section file.
struct LineIndex {
    starts: Vec<usize>,
    /// The file line of each line of the text (includes map to their directive's line).
    lines: Vec<u32>,
}

impl LineIndex {
    fn mapped(text: &str, lines: Vec<u32>) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts, lines }
    }
    fn line(&self, offset: usize) -> u32 {
        let i = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        self.lines
            .get(i)
            .or(self.lines.last())
            .copied()
            .unwrap_or(1)
    }
}

enum Frame {
    Root(Vec<Block>),
    Paragraph {
        inlines: Vec<Inline>,
        line: u32,
        figure: Option<(Image, Vec<Inline>, String)>,
        /// Opens with `<span class="caption">`: the caption of the figure before it.
        caption: bool,
    },
    Heading {
        level: u8,
        id: Option<String>,
        inlines: Vec<Inline>,
        line: u32,
    },
    Quote {
        blocks: Vec<Block>,
        line: u32,
    },
    List {
        ordered: bool,
        start: u64,
        items: Vec<Vec<Block>>,
        line: u32,
    },
    Item {
        blocks: Vec<Block>,
        loose: Vec<Inline>,
        line: u32,
    },
    Code {
        text: String,
        /// mdBook hides `# ` lines of Rust listings.
        rust: bool,
        line: u32,
    },
    /// A raw HTML block, collected whole and parsed at its end.
    HtmlBlock,
    /// An inline HTML element open until its closing tag.
    HtmlInline {
        name: String,
        wrap: Wrap,
        inlines: Vec<Inline>,
    },
    Table {
        align: Vec<Align>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
        row: Vec<Vec<Inline>>,
        line: u32,
    },
    Cell(Vec<Inline>),
    FootnoteDef {
        label: String,
        blocks: Vec<Block>,
    },
    Emph(Vec<Inline>),
    Strong(Vec<Inline>),
    Strike(Vec<Inline>),
    Link {
        href: String,
        inlines: Vec<Inline>,
    },
    Image {
        image: Image,
        title: String,
        inlines: Vec<Inline>,
    },
    /// Content we drop but must still balance (e.g. HTML blocks are turned into text).
    Skip,
}

/// How deeply blocks and inlines may nest (a list level counts twice: list and item).
pub const MAX_NESTING: usize = 512;

struct Builder<'c, 'a> {
    ctx: &'c mut Context<'a>,
    rel: &'c Path,
    /// `rel` with `/` separators, the key of [`Context::section_ids`].
    rel_key: String,
    id: &'c str,
    base_dir: PathBuf,
    lines: LineIndex,
    stack: Vec<Frame>,
    last_char: Option<char>,
    pending_soft_break: bool,
    heading_count: u32,
    footnote_numbers: HashMap<String, u32>,
    footnote_defs: HashMap<String, Vec<Block>>,
    footnote_def_lines: HashMap<String, u32>,
    /// This section's heading anchors (GitHub/mdBook slugs and `{#id}`s) → heading ids.
    anchors: HashMap<String, String>,
    /// Unknown HTML tags already warned about in this section.
    warned_tags: std::collections::BTreeSet<String>,
    /// Where the HTML block being read starts, and its text.
    html_line: u32,
    html_text: String,
}

impl Builder<'_, '_> {
    fn err(&self, offset: usize, d: Diagnostic) -> crate::diag::Error {
        d.in_file(self.rel).at(self.lines.line(offset), 0).into()
    }

    fn event(&mut self, event: Event, offset: usize) -> Result<()> {
        let line = self.lines.line(offset);
        match event {
            Event::Start(tag) => self.start(tag, offset, line)?,
            Event::End(tag) => self.end(tag, offset)?,
            Event::Text(t) => self.text(&t),
            Event::Code(t) => {
                self.resolve_soft_break(t.chars().next());
                self.last_char = t.chars().last();
                self.push_inline(Inline::Code(t.into_string()));
            }
            Event::Html(t) => {
                if matches!(self.stack.last(), Some(Frame::HtmlBlock)) {
                    self.html_text.push_str(&t);
                } else {
                    self.html_line = line;
                    self.html_text = t.to_string();
                    self.end_html_block();
                }
            }
            Event::InlineHtml(t) => self.inline_html(&t, line),
            Event::SoftBreak => self.pending_soft_break = true,
            Event::HardBreak => {
                self.pending_soft_break = false;
                self.push_inline(Inline::LineBreak);
                self.last_char = None;
            }
            Event::Rule => self.push_block(Block::Rule {
                span: self.span(line),
            }),
            Event::FootnoteReference(label) => {
                let next = self.footnote_numbers.len() as u32 + 1;
                let number = *self
                    .footnote_numbers
                    .entry(label.to_string())
                    .or_insert(next);
                self.resolve_soft_break(Some('1'));
                self.push_inline(Inline::FootnoteRef {
                    number,
                    id: format!("{}-fn{number}", self.id),
                });
            }
            Event::TaskListMarker(done) => self.text(if done { "☑ " } else { "☐ " }),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t),
        }
        Ok(())
    }

    /// The id of a heading, and its anchors registered for links.
    fn heading_id(&mut self, explicit: Option<String>, content: &[Inline]) -> String {
        self.heading_count += 1;
        let id = explicit
            .clone()
            .filter(|i| is_xml_id(i))
            .unwrap_or_else(|| format!("{}-h{}", self.id, self.heading_count));
        if let Some(e) = explicit {
            self.anchors.entry(e).or_insert_with(|| id.clone());
        }
        let text = crate::book::model::plain_text(content);
        for slug in links::slugs(&text) {
            let mut anchor = slug.clone();
            let mut n = 0;
            while self.anchors.get(&anchor).is_some_and(|v| *v != id) {
                n += 1;
                anchor = format!("{slug}-{n}");
            }
            self.anchors.insert(anchor, id.clone());
        }
        id
    }

    fn span(&self, line: u32) -> Span {
        Span {
            file: self.rel.to_path_buf(),
            line,
        }
    }

    fn start(&mut self, tag: Tag, offset: usize, line: u32) -> Result<()> {
        let frame = match tag {
            Tag::Paragraph => Frame::Paragraph {
                inlines: Vec::new(),
                line,
                figure: None,
                caption: false,
            },
            Tag::Heading { level, id, .. } => Frame::Heading {
                level: heading_level(level),
                id: id.map(|s| s.to_string()),
                inlines: Vec::new(),
                line,
            },
            Tag::BlockQuote(_) => Frame::Quote {
                blocks: Vec::new(),
                line,
            },
            Tag::CodeBlock(kind) => Frame::Code {
                text: String::new(),
                rust: matches!(&kind, CodeBlockKind::Fenced(lang) if is_rust_listing(lang)),
                line,
            },
            Tag::List(start) => Frame::List {
                ordered: start.is_some(),
                start: start.unwrap_or(1),
                items: Vec::new(),
                line,
            },
            Tag::Item => Frame::Item {
                blocks: Vec::new(),
                loose: Vec::new(),
                line,
            },
            Tag::FootnoteDefinition(label) => {
                self.footnote_def_lines.insert(label.to_string(), line);
                Frame::FootnoteDef {
                    label: label.to_string(),
                    blocks: Vec::new(),
                }
            }
            Tag::Table(aligns) => Frame::Table {
                align: aligns.iter().map(|a| convert_align(*a)).collect(),
                head: Vec::new(),
                rows: Vec::new(),
                row: Vec::new(),
                line,
            },
            Tag::TableHead | Tag::TableRow => Frame::Skip,
            Tag::TableCell => Frame::Cell(Vec::new()),
            Tag::Emphasis => Frame::Emph(Vec::new()),
            Tag::Strong => Frame::Strong(Vec::new()),
            Tag::Strikethrough => Frame::Strike(Vec::new()),
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => self.link_frame(link_type, &dest_url, line),
            Tag::Image {
                dest_url, title, ..
            } => match self.load_image(&dest_url, line, None) {
                Some(image) => Frame::Image {
                    image,
                    title: title.to_string(),
                    inlines: Vec::new(),
                },
                // Reported; the alt text stays in the text.
                None => Frame::HtmlInline {
                    name: String::new(),
                    wrap: Wrap::Plain,
                    inlines: Vec::new(),
                },
            },
            Tag::HtmlBlock => {
                self.html_line = line;
                self.html_text.clear();
                Frame::HtmlBlock
            }
            Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_)
            | Tag::Superscript
            | Tag::Subscript => Frame::Skip,
        };
        // The writers and the layout walk the tree recursively: bound its depth.
        if self.stack.len() >= MAX_NESTING {
            return Err(self.err(
                offset,
                Diagnostic::error(format!(
                    "lists, quotes, links or emphasis are nested more than {MAX_NESTING} levels deep"
                ))
                .hint("flatten the structure; no reader can follow it anyway"),
            ));
        }
        // A block starting inside a list item ends the item's loose (tight-list) text.
        if !is_inline_frame(&frame) {
            self.flush_loose();
        }
        self.stack.push(frame);
        Ok(())
    }

    fn end(&mut self, tag: TagEnd, _offset: usize) -> Result<()> {
        if matches!(
            tag,
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell | TagEnd::Item
        ) {
            self.pending_soft_break = false;
        }
        self.close_open_html();
        if let TagEnd::Item = tag {
            self.flush_loose();
        }
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        match frame {
            Frame::Root(_) => {}
            Frame::Paragraph {
                inlines,
                line,
                figure,
                caption,
            } => self.end_paragraph(inlines, line, figure, caption),
            Frame::Heading {
                level,
                id,
                inlines,
                line,
            } => {
                self.last_char = None;
                let id = self.heading_id(id, &inlines);
                self.push_block(Block::Heading {
                    level,
                    id,
                    content: inlines,
                    span: self.span(line),
                });
            }
            Frame::Quote { blocks, line } => self.push_block(Block::Quote {
                blocks,
                span: self.span(line),
            }),
            Frame::List {
                ordered,
                start,
                items,
                line,
            } => self.push_block(Block::List {
                ordered,
                start,
                items,
                span: self.span(line),
            }),
            Frame::Item { blocks, .. } => {
                if let Some(Frame::List { items, .. }) = self.stack.last_mut() {
                    items.push(blocks);
                }
            }
            Frame::Code { text, rust, line } => {
                let text = text.trim_end_matches('\n');
                let text = if rust {
                    drop_hidden_rust_lines(text)
                } else {
                    text.to_string()
                };
                self.push_block(Block::Code {
                    text,
                    span: self.span(line),
                })
            }
            Frame::HtmlBlock => self.end_html_block(),
            Frame::HtmlInline { wrap, inlines, .. } => self.close_html_inline(wrap, inlines),
            Frame::Table {
                align,
                head,
                rows,
                line,
                ..
            } => self.push_block(Block::Table(Table {
                align,
                head,
                rows,
                span: self.span(line),
            })),
            Frame::Cell(inlines) => self.end_cell(inlines),
            Frame::Skip => self.end_row(&tag),
            Frame::FootnoteDef { label, blocks } => {
                self.footnote_defs.insert(label, blocks);
            }
            Frame::Emph(c) => self.push_inline(Inline::Emph(c)),
            Frame::Strong(c) => self.push_inline(Inline::Strong(c)),
            Frame::Strike(c) => self.push_inline(Inline::Strike(c)),
            Frame::Link { href, inlines } => self.push_inline(Inline::Link {
                href,
                content: inlines,
            }),
            Frame::Image {
                image,
                title,
                inlines,
            } => {
                let alt = crate::book::model::plain_text(&inlines);
                self.close_open_html();
                if let Some(Frame::Paragraph { figure, .. }) = self.stack.last_mut() {
                    *figure = Some((image.clone(), inlines, title));
                }
                self.push_inline(Inline::Image { image, alt });
            }
        }
        Ok(())
    }

    /// A table cell ends: it joins the row being read.
    fn end_cell(&mut self, inlines: Vec<Inline>) {
        self.last_char = None;
        if let Some(Frame::Skip) = self.stack.last() {
            // Inside TableHead/TableRow: the row frame is a Skip; the table is below it.
            let n = self.stack.len();
            if let Some(Frame::Table { row, .. }) = self.stack.get_mut(n - 2) {
                row.push(inlines);
            }
        }
    }

    /// A table's head or row ends (its frame is a `Skip`): its cells join the table.
    fn end_row(&mut self, tag: &TagEnd) {
        if let Some(Frame::Table {
            head, rows, row, ..
        }) = self.stack.last_mut()
        {
            let cells = std::mem::take(row);
            match tag {
                TagEnd::TableHead => *head = cells,
                TagEnd::TableRow => rows.push(cells),
                _ => {}
            }
        }
    }

    fn text(&mut self, t: &str) {
        if t.is_empty() {
            return;
        }
        if let Some(Frame::Code { text, .. }) = self.stack.last_mut() {
            text.push_str(t);
            return;
        }
        self.resolve_soft_break(t.chars().next());
        self.last_char = t.chars().last();
        self.push_text(t);
    }

    /// A soft line break between two CJK characters joins them; otherwise it is a space.
    fn resolve_soft_break(&mut self, next: Option<char>) {
        if !std::mem::take(&mut self.pending_soft_break) {
            return;
        }
        let joins =
            matches!((self.last_char, next), (Some(a), Some(b)) if is_wide(a) && is_wide(b));
        if !joins && self.last_char.is_some() {
            self.push_text(" ");
        }
    }

    fn push_text(&mut self, t: &str) {
        if let Some(list) = self.inline_target()
            && let Some(Inline::Text(prev)) = list.last_mut()
        {
            prev.push_str(t);
            return;
        }
        self.push_inline(Inline::Text(t.to_string()));
    }

    fn inline_target(&mut self) -> Option<&mut Vec<Inline>> {
        match self.stack.last_mut()? {
            Frame::Paragraph { inlines, .. }
            | Frame::Heading { inlines, .. }
            | Frame::Cell(inlines)
            | Frame::Emph(inlines)
            | Frame::Strong(inlines)
            | Frame::Strike(inlines)
            | Frame::Link { inlines, .. }
            | Frame::HtmlInline { inlines, .. }
            | Frame::Image { inlines, .. } => Some(inlines),
            Frame::Item { loose, .. } => Some(loose),
            _ => None,
        }
    }

    fn push_inline(&mut self, i: Inline) {
        if let Some(list) = self.inline_target() {
            list.push(i);
        }
    }

    fn push_block(&mut self, b: Block) {
        self.flush_loose();
        match self.stack.last_mut() {
            Some(
                Frame::Root(blocks) | Frame::Quote { blocks, .. } | Frame::Item { blocks, .. },
            )
            | Some(Frame::FootnoteDef { blocks, .. }) => blocks.push(b),
            _ => {}
        }
    }

    /// Tight list items hold text without a paragraph: make it one.
    fn flush_loose(&mut self) {
        if let Some(Frame::Item {
            blocks,
            loose,
            line,
        }) = self.stack.last_mut()
            && !loose.is_empty()
        {
            let content = std::mem::take(loose);
            blocks.push(Block::Paragraph {
                content,
                span: Span {
                    file: self.rel.to_path_buf(),
                    line: *line,
                },
            });
            self.last_char = None;
        }
    }

    fn warn_at(&mut self, line: u32, message: String, hint: &str) {
        self.ctx.warnings.push(
            Diagnostic::warning(message)
                .in_file(self.rel)
                .at(line, 0)
                .hint(hint.to_string()),
        );
    }

    fn finish_footnotes(&mut self) -> Result<Vec<Footnote>> {
        let mut notes: Vec<(String, u32)> = self
            .footnote_numbers
            .iter()
            .map(|(l, n)| (l.clone(), *n))
            .collect();
        notes.sort_by_key(|(_, n)| *n);
        let mut out = Vec::with_capacity(notes.len());
        for (label, number) in notes {
            let Some(blocks) = self.footnote_defs.remove(&label) else {
                return Err(Diagnostic::error(format!(
                    "footnote `[^{label}]` is used but never defined"
                ))
                .in_file(self.rel)
                .hint(format!("add a line `[^{label}]: the note text`"))
                .into());
            };
            out.push(Footnote {
                id: format!("{}-fn{number}", self.id),
                number,
                blocks,
            });
        }
        let mut unused: Vec<_> = self.footnote_defs.keys().cloned().collect();
        unused.sort();
        for label in unused {
            let line = self.footnote_def_lines.get(&label).copied().unwrap_or(0);
            self.ctx.warnings.push(
                Diagnostic::warning(format!("footnote `[^{label}]` is defined but never used"))
                    .in_file(self.rel)
                    .at(line, 1)
                    .hint("refer to it with [^label] in the text, or delete it"),
            );
        }
        Ok(out)
    }
}

fn is_inline_frame(f: &Frame) -> bool {
    matches!(
        f,
        Frame::Emph(_)
            | Frame::Strong(_)
            | Frame::Strike(_)
            | Frame::Link { .. }
            | Frame::Image { .. }
            | Frame::HtmlInline { .. }
            | Frame::Cell(_)
    )
}

/// A fenced block mdBook treats as Rust (`rust`, `rust,ignore`, `rust no_run` …).
fn is_rust_listing(info: &str) -> bool {
    info.split([',', ' ', '\t'])
        .next()
        .is_some_and(|lang| lang.eq_ignore_ascii_case("rust"))
}

fn is_blank(i: &Inline) -> bool {
    matches!(i, Inline::Text(t) if t.trim().is_empty())
}

fn heading_level(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn convert_align(a: Alignment) -> Align {
    match a {
        Alignment::None => Align::None,
        Alignment::Left => Align::Left,
        Alignment::Center => Align::Center,
        Alignment::Right => Align::Right,
    }
}

/// An id usable in XHTML and as a PDF destination name.
fn is_xml_id(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || "-_.".contains(c))
}
