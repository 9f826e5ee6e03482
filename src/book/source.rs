//! One section file → [`Section`]: front matter, Markdown (pulldown-cmark) → blocks and inlines.

use crate::book::assets::{ImageCache, confine};
use crate::book::manifest::line_col;
use crate::book::model::{
    Align, Block, Figure, Footnote, Image, Inline, Role, Section, Span, Table,
};
use crate::diag::{Diagnostic, Result};
use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: Option<String>,
    author: Option<String>,
    kicker: Option<String>,
    role: Option<String>,
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
pub fn parse_section(ctx: &mut Context, rel: &Path, id: &str, text: &str) -> Result<Section> {
    let (fm, body, body_line) = split_front_matter(text, rel)?;
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
    let base_dir = rel.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut b = Builder {
        ctx,
        rel,
        id,
        base_dir,
        lines: LineIndex::new(body, body_line),
        stack: vec![Frame::Root(Vec::new())],
        last_char: None,
        pending_soft_break: false,
        heading_count: 0,
        footnote_numbers: HashMap::new(),
        footnote_defs: HashMap::new(),
        footnote_def_lines: HashMap::new(),
    };
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_FOOTNOTES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_HEADING_ATTRIBUTES);
    for (event, range) in Parser::new_ext(body, opts).into_offset_iter() {
        b.event(event, range.start)?;
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

    let title = match fm.title {
        Some(t) => t,
        None => take_title_heading(&mut blocks).ok_or_else(|| {
            Diagnostic::error("the section has no title")
                .in_file(rel)
                .at(1, 1)
                .hint("start it with a `# Title` heading, or give `title = \"...\"` in +++ front matter")
        })?,
    };
    if blocks.is_empty() {
        b.ctx.warnings.push(
            Diagnostic::warning("the section has no text")
                .in_file(rel)
                .hint("write its text, or remove it from `sections` in book.toml"),
        );
    }
    Ok(Section {
        id: id.to_string(),
        source: rel.to_path_buf(),
        title,
        author: fm.author,
        kicker: fm.kicker,
        role,
        blocks,
        footnotes,
        span: Span {
            file: rel.to_path_buf(),
            line: 1,
        },
    })
}

/// Splits `+++` TOML front matter from the body; returns the body and its first line number.
fn split_front_matter<'t>(text: &'t str, rel: &Path) -> Result<(FrontMatter, &'t str, u32)> {
    let Some(rest) = text
        .strip_prefix("+++\n")
        .or_else(|| (text.trim_end() == "+++").then_some(""))
    else {
        return Ok((FrontMatter::default(), text, 1));
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            let toml_text = &rest[..offset];
            let fm: FrontMatter = toml::from_str(toml_text).map_err(|e| {
                let (line, col) = e.span().map_or((0, 0), |s| line_col(toml_text, s.start));
                Diagnostic::error(format!("invalid front matter: {}", e.message()))
                    .in_file(rel)
                    .at(line + 1, col)
                    .hint("front matter keys are title, author, kicker and role (\"preface\")")
            })?;
            let body = &rest[offset + line.len()..];
            let body_line = 3 + toml_text.matches('\n').count() as u32;
            return Ok((fm, body, body_line));
        }
        offset += line.len();
    }
    Err(Diagnostic::error("front matter is not closed")
        .in_file(rel)
        .at(1, 1)
        .hint("end the front matter with a line holding only `+++`")
        .into())
}

fn front_matter_line(text: &str, key: &str) -> u32 {
    text.lines()
        .position(|l| l.trim_start().starts_with(key))
        .map_or(1, |i| i as u32 + 1)
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

struct LineIndex {
    starts: Vec<usize>,
    first_line: u32,
}

impl LineIndex {
    fn new(text: &str, first_line: u32) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts, first_line }
    }
    fn line(&self, offset: usize) -> u32 {
        let i = self.starts.partition_point(|&s| s <= offset);
        self.first_line + i.saturating_sub(1) as u32
    }
}

enum Frame {
    Root(Vec<Block>),
    Paragraph {
        inlines: Vec<Inline>,
        line: u32,
        figure: Option<(Image, Vec<Inline>, String)>,
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
        line: u32,
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
            Event::Html(t) | Event::InlineHtml(t) => {
                self.ctx.warnings.push(
                    Diagnostic::warning("raw HTML is shown as text")
                        .in_file(self.rel)
                        .at(line, 0)
                        .hint("bookpress writes EPUB and PDF from Markdown only; remove the HTML or escape it"),
                );
                if matches!(
                    self.stack.last(),
                    Some(Frame::Root(_) | Frame::Quote { .. } | Frame::Item { .. })
                ) {
                    self.push_block(Block::Code {
                        text: t.trim_end().to_string(),
                        span: self.span(line),
                    });
                } else {
                    self.text(&t);
                }
            }
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
            Tag::CodeBlock(kind) => {
                let _ = matches!(kind, CodeBlockKind::Fenced(_));
                Frame::Code {
                    text: String::new(),
                    line,
                }
            }
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
            Tag::Link { dest_url, .. } => {
                let href = self
                    .resolve_link(&dest_url)
                    .map_err(|d| self.err(offset, d))?;
                Frame::Link {
                    href,
                    inlines: Vec::new(),
                }
            }
            Tag::Image {
                dest_url, title, ..
            } => {
                let (abs, rel) = confine(self.ctx.root, &self.base_dir, &dest_url)
                    .map_err(|d| self.err(offset, d))?;
                let image = self
                    .ctx
                    .images
                    .load(&abs, &rel)
                    .map_err(|d| self.err(offset, d))?;
                Frame::Image {
                    image,
                    title: title.to_string(),
                    inlines: Vec::new(),
                }
            }
            Tag::HtmlBlock => Frame::Skip,
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
            } => {
                self.last_char = None;
                let only_image = inlines.iter().filter(|i| !is_blank(i)).count() == 1
                    && inlines.iter().any(|i| matches!(i, Inline::Image { .. }));
                match figure {
                    Some((image, caption, credit)) if only_image => {
                        *self.ctx.figures += 1;
                        let number = *self.ctx.figures;
                        if caption.is_empty() {
                            self.ctx.warnings.push(
                                Diagnostic::warning(format!("figure {number} has no caption"))
                                    .in_file(self.rel)
                                    .at(line, 0)
                                    .hint("write the caption between the brackets: ![caption](path \"credit\")"),
                            );
                        }
                        self.push_block(Block::Figure(Figure {
                            number,
                            id: format!("fig-{number}"),
                            caption,
                            credit: Some(credit).filter(|c| !c.trim().is_empty()),
                            image,
                            span: self.span(line),
                        }));
                    }
                    _ => self.push_block(Block::Paragraph {
                        content: inlines,
                        span: self.span(line),
                    }),
                }
            }
            Frame::Heading {
                level,
                id,
                inlines,
                line,
            } => {
                self.last_char = None;
                self.heading_count += 1;
                let id = id
                    .filter(|i| is_xml_id(i))
                    .unwrap_or_else(|| format!("{}-h{}", self.id, self.heading_count));
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
            Frame::Code { text, line } => self.push_block(Block::Code {
                text: text.trim_end_matches('\n').to_string(),
                span: self.span(line),
            }),
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
            Frame::Cell(inlines) => {
                self.last_char = None;
                if let Some(Frame::Skip) = self.stack.last() {
                    // Inside TableHead/TableRow: the row frame is a Skip; the table is below it.
                    let n = self.stack.len();
                    if let Some(Frame::Table { row, .. }) = self.stack.get_mut(n - 2) {
                        row.push(inlines);
                    }
                }
            }
            Frame::Skip => {
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
                if let Some(Frame::Paragraph { figure, .. }) = self.stack.last_mut() {
                    *figure = Some((image.clone(), inlines, title));
                }
                self.push_inline(Inline::Image { image, alt });
            }
        }
        Ok(())
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

    fn resolve_link(&self, dest: &str) -> Result<String, Diagnostic> {
        if let Some(frag) = dest.strip_prefix('#') {
            return Ok(format!("#{frag}"));
        }
        if let Some((scheme, _)) = dest.split_once(':')
            && !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && scheme.len() > 1
        {
            return match scheme.to_ascii_lowercase().as_str() {
                "http" | "https" | "mailto" => Ok(dest.to_string()),
                _ => Err(Diagnostic::error(format!("link `{dest}` uses the `{scheme}:` scheme"))
                    .hint("links may be https:, http: or mailto: URLs, or point at a section of this book")),
            };
        }
        let (path, frag) = dest.split_once('#').unwrap_or((dest, ""));
        let (_, rel) = confine(self.ctx.root, &self.base_dir, path)?;
        match self.ctx.section_ids.get(&rel) {
            Some(id) if frag.is_empty() => Ok(format!("#{id}")),
            Some(_) => Ok(format!("#{frag}")),
            None => Err(Diagnostic::error(format!("link target `{dest}` is not a section of this book"))
                .hint("link to a Markdown file listed in `sections` of book.toml, or use a full https:// URL")),
        }
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
            | Frame::Cell(_)
    )
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

/// East Asian wide characters (and the punctuation Chinese text shares with Latin), for joining
/// soft line breaks.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE10..=0xFE19 | 0xFE30..=0xFE6F
        | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD
        | 0x2014 | 0x2018 | 0x2019 | 0x201C | 0x201D | 0x2026 | 0x00B7)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Result<Section>, Vec<Diagnostic>) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("images")).unwrap();
        let img = image::RgbImage::from_pixel(4, 3, image::Rgb([200, 200, 200]));
        img.save(root.join("images/a.png")).unwrap();
        let mut images = ImageCache::default();
        let mut figures = 0;
        let ids = HashMap::from([("b.md".to_string(), "sec-2".to_string())]);
        let mut warnings = Vec::new();
        let mut ctx = Context {
            root: &root,
            images: &mut images,
            figures: &mut figures,
            section_ids: &ids,
            warnings: &mut warnings,
        };
        let r = parse_section(&mut ctx, Path::new("a.md"), "sec-1", text);
        (r, warnings)
    }

    fn para_text(b: &Block) -> String {
        match b {
            Block::Paragraph { content, .. } => crate::book::model::plain_text(content),
            other => panic!("not a paragraph: {other:?}"),
        }
    }

    #[test]
    fn front_matter_and_title() {
        let (s, _) =
            parse("+++\ntitle = \"标题\"\nauthor = \"文毅\"\nkicker = \"荷塘区\"\n+++\n\n正文。\n");
        let s = s.unwrap();
        assert_eq!(
            (s.title.as_str(), s.author.as_deref(), s.kicker.as_deref()),
            ("标题", Some("文毅"), Some("荷塘区"))
        );
        assert_eq!(s.role, Role::Body);
        assert_eq!(para_text(&s.blocks[0]), "正文。");
        if let Block::Paragraph { span, .. } = &s.blocks[0] {
            assert_eq!(span.line, 7);
        }
    }

    #[test]
    fn first_h1_is_title_when_front_matter_has_none() {
        let s = parse("# 编者按\n\n正文\n").0.unwrap();
        assert_eq!(s.title, "编者按");
        assert_eq!(s.blocks.len(), 1);
    }

    #[test]
    fn unknown_front_matter_key_names_key_and_line() {
        let e = parse("+++\ntitle = \"x\"\nautor = \"y\"\n+++\n")
            .0
            .unwrap_err();
        let d = e.first();
        assert!(d.message.contains("unknown field `autor`"), "{}", d.message);
        assert_eq!(d.line, 3);
        assert_eq!(d.file.as_deref(), Some(Path::new("a.md")));
    }

    #[test]
    fn soft_breaks_join_cjk_and_space_latin() {
        let s = parse("# t\n\n中文\n换行，English\nwords and\n中文\n")
            .0
            .unwrap();
        assert_eq!(para_text(&s.blocks[0]), "中文换行，English words and 中文");
    }

    #[test]
    fn figure_is_numbered_with_caption_and_credit() {
        let s = parse(
            "# t\n\n![图片说明](images/a.png \"受访者供图\")\n\n文字 ![x](images/a.png) 文字\n",
        )
        .0
        .unwrap();
        match &s.blocks[0] {
            Block::Figure(f) => {
                assert_eq!(f.number, 1);
                assert_eq!(crate::book::model::plain_text(&f.caption), "图片说明");
                assert_eq!(f.credit.as_deref(), Some("受访者供图"));
                assert_eq!((f.image.width, f.image.height), (4, 3));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(s.blocks[1], Block::Paragraph { .. }));
    }

    #[test]
    fn image_escaping_the_book_is_refused_with_line() {
        let e = parse("# t\n\n段落\n\n![x](../secret.png)\n").0.unwrap_err();
        let d = e.first();
        assert!(
            d.message.contains("leaves the book folder"),
            "{}",
            d.message
        );
        assert_eq!(d.line, 5);
    }

    #[test]
    fn missing_image_is_an_error() {
        let e = parse("# t\n\n![x](images/none.png)\n").0.unwrap_err();
        assert!(
            e.first().message.contains("images/none.png"),
            "{}",
            e.first().message
        );
    }

    #[test]
    fn links_between_sections_resolve_to_ids() {
        let s = parse("# t\n\n见[下文](b.md)与[网站](https://example.org)。\n")
            .0
            .unwrap();
        let Block::Paragraph { content, .. } = &s.blocks[0] else {
            panic!()
        };
        let hrefs: Vec<_> = content
            .iter()
            .filter_map(|i| {
                if let Inline::Link { href, .. } = i {
                    Some(href.as_str())
                } else {
                    None
                }
            })
            .collect();
        assert_eq!(hrefs, ["#sec-2", "https://example.org"]);
        let e = parse("# t\n\n[x](../../etc/passwd)\n").0.unwrap_err();
        assert!(e.first().message.contains("leaves the book folder"));
        let e = parse("# t\n\n[x](file:///etc/passwd)\n").0.unwrap_err();
        assert!(e.first().message.contains("scheme"));
    }

    #[test]
    fn footnotes_numbered_by_first_use() {
        let s = parse("# t\n\n甲[^b]乙[^a]。\n\n[^a]: 注甲\n[^b]: 注乙\n")
            .0
            .unwrap();
        assert_eq!(s.footnotes.len(), 2);
        assert_eq!(s.footnotes[0].number, 1);
        assert_eq!(para_text(&s.footnotes[0].blocks[0]), "注乙");
        let e = parse("# t\n\n甲[^x]。\n").0;
        // An undefined footnote is either plain text (CommonMark) or an error naming it.
        if let Err(e) = e {
            assert!(e.first().message.contains("[^x]"));
        }
    }

    #[test]
    fn tight_list_items_become_paragraphs() {
        let s = parse("# t\n\n- 一\n- 二\n").0.unwrap();
        let Block::List { items, ordered, .. } = &s.blocks[0] else {
            panic!("{:?}", s.blocks)
        };
        assert!(!ordered);
        assert_eq!(items.len(), 2);
        assert_eq!(para_text(&items[1][0]), "二");
    }

    #[test]
    fn table_has_head_and_rows() {
        let s = parse("# t\n\n| 甲 | 乙 |\n|---|--:|\n| 1 | 2 |\n")
            .0
            .unwrap();
        let Block::Table(t) = &s.blocks[0] else {
            panic!("{:?}", s.blocks)
        };
        assert_eq!(t.head.len(), 2);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.align[1], Align::Right);
    }

    #[test]
    fn decode_handles_bom_crlf_and_reports_bad_bytes() {
        assert_eq!(
            decode(b"\xEF\xBB\xBF# a\r\nb\r\n".to_vec(), Path::new("x.md")).unwrap(),
            "# a\nb\n"
        );
        let e = decode(b"ok\nab\xFFcd".to_vec(), Path::new("x.md")).unwrap_err();
        let d = e.first();
        assert!(d.message.contains("byte offset 5"), "{}", d.message);
        assert_eq!((d.line, d.column), (2, 3));
    }
}
