//! One section file → [`Section`]: front matter, Markdown (pulldown-cmark) → blocks and inlines.

use crate::book::assets::{ImageCache, confine};
use crate::book::html::{self, HtmlBlock, InlineTag, Wrap};
use crate::book::include::{Includer, drop_hidden_rust_lines};
use crate::book::links;
use crate::book::manifest::line_col;
use crate::book::model::{
    Align, Block, Figure, Footnote, Image, Inline, RemotePicture, Role, Section, Span, Table,
};
use crate::book::remote;
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
    /// Read from YAML front matter instead of TOML.
    #[serde(skip)]
    yaml: Option<crate::book::yaml::YamlFront>,
}

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
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
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
    })
}

/// One Markdown dialect for the whole book (CommonMark, tables, footnotes, strikethrough,
/// `{#id}` on headings).
pub fn markdown_options() -> Options {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_FOOTNOTES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_HEADING_ATTRIBUTES);
    opts
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

/// Records what YAML front matter says beyond the section's own keys.
fn note_yaml(ctx: &mut Context, rel: &Path, y: &crate::book::yaml::YamlFront) {
    ctx.notes.site_keys.extend(y.site_keys.iter().cloned());
    if let Some(d) = &y.date {
        ctx.notes.dates.push(d.clone());
    }
    if y.draft {
        ctx.notes.drafts.push(rel.to_path_buf());
    }
    for (key, line) in &y.unknown {
        ctx.warnings.push(
            Diagnostic::warning(format!(
                "front matter key `{key}` means nothing to bookpress: passed over"
            ))
            .in_file(rel)
            .at(*line, 1)
            .hint("keys read: title, author(s), kicker, role, date, description, draft"),
        );
    }
}

/// Splits front matter from the body (`+++` TOML, or `---` YAML as static-site tools write
/// it); returns the body and its first line number.
fn split_front_matter<'t>(text: &'t str, rel: &Path) -> Result<(FrontMatter, &'t str, u32)> {
    match crate::book::yaml::split(text) {
        Some(Ok((y, body, line))) => {
            let fm = FrontMatter {
                title: y.title.clone(),
                author: y.author.clone(),
                kicker: y.kicker.clone(),
                role: y.role.clone(),
                yaml: Some(y),
            };
            return Ok((fm, body, line));
        }
        Some(Err((msg, line))) => {
            return Err(
                Diagnostic::error(format!("invalid YAML front matter: {msg}"))
                    .in_file(rel)
                    .at(line, 1)
                    .hint("fix the YAML between the `---` lines (quote values holding `:` or `[`)")
                    .into(),
            );
        }
        None => {}
    }
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

    /// One inline HTML tag: opens, closes or is an element of its own.
    fn inline_html(&mut self, t: &str, line: u32) {
        let html_line = std::mem::replace(&mut self.html_line, line);
        let text = std::mem::replace(&mut self.html_text, t.to_string());
        let tag = html::inline_tag(t, self);
        self.html_line = html_line;
        self.html_text = text;
        match tag {
            InlineTag::Nothing => {}
            InlineTag::Atom(inlines) => {
                for i in inlines {
                    match i {
                        Inline::Text(t) => self.text(&t),
                        Inline::Image { image, alt } => {
                            self.resolve_soft_break(Some('x'));
                            if let Some(Frame::Paragraph { figure, .. }) = self.stack.last_mut() {
                                // An HTML picture's alt describes it; a caption may follow.
                                *figure = Some((image.clone(), Vec::new(), String::new()));
                            }
                            self.push_inline(Inline::Image { image, alt });
                        }
                        other => {
                            self.resolve_soft_break(Some('x'));
                            self.last_char = None;
                            self.push_inline(other);
                        }
                    }
                }
            }
            InlineTag::Open { name, wrap } => {
                if wrap == Wrap::Caption
                    && let Some(Frame::Paragraph {
                        inlines, caption, ..
                    }) = self.stack.last_mut()
                    && inlines.is_empty()
                {
                    *caption = true;
                }
                if self.inline_target().is_some() {
                    self.resolve_soft_break(Some('x'));
                    self.stack.push(Frame::HtmlInline {
                        name,
                        wrap,
                        inlines: Vec::new(),
                    });
                }
            }
            InlineTag::Close(name) => {
                let open = self
                    .stack
                    .iter()
                    .rposition(|f| matches!(f, Frame::HtmlInline { name: n, .. } if *n == name));
                if let Some(at) = open {
                    while self.stack.len() > at {
                        self.close_top();
                    }
                }
            }
        }
    }

    /// Closes the innermost frame if it is inline HTML (left open by the source).
    fn close_top(&mut self) {
        match self.stack.pop() {
            Some(Frame::HtmlInline { wrap, inlines, .. }) => self.close_html_inline(wrap, inlines),
            // Not inline HTML: a paragraph left open keeps its text; nothing else can be open.
            Some(Frame::Paragraph { inlines, line, .. }) => self.push_block(Block::Paragraph {
                content: inlines,
                span: self.span(line),
            }),
            _ => {}
        }
    }

    fn close_html_inline(&mut self, wrap: Wrap, inlines: Vec<Inline>) {
        let wrapped = match wrap {
            Wrap::Drop => return,
            Wrap::Plain | Wrap::Caption => {
                for i in inlines {
                    match i {
                        Inline::Text(t) => self.push_text(&t),
                        other => self.push_inline(other),
                    }
                }
                return;
            }
            Wrap::Strong => Inline::Strong(inlines),
            Wrap::Emph => Inline::Emph(inlines),
            Wrap::Strike => Inline::Strike(inlines),
            Wrap::Code => Inline::Code(crate::book::model::plain_text(&inlines)),
            Wrap::Style(style) => Inline::Styled {
                style,
                content: inlines,
            },
            Wrap::Link(href) => Inline::Link {
                href,
                content: inlines,
            },
        };
        self.push_inline(wrapped);
    }

    /// Closes inline HTML still open when its Markdown container ends. (Frames with no name
    /// stand for a Markdown link or picture that is set as plain text: their own end closes them.)
    fn close_open_html(&mut self) {
        while matches!(self.stack.last(), Some(Frame::HtmlInline { name, .. }) if !name.is_empty())
        {
            self.close_top();
        }
    }

    /// Converts the collected HTML block into blocks of this section.
    fn end_html_block(&mut self) {
        let text = std::mem::take(&mut self.html_text);
        let blocks = html::blocks(&text, self);
        self.html_text = text;
        let line = self.html_line;
        let mut blocks = blocks.into_iter();
        // A centred line right after a figure with no caption is its caption, also when the
        // two are separate HTML blocks (or the figure is a Markdown picture).
        if let Some(HtmlBlock::Paragraph {
            content,
            centered: true,
        }) = blocks.as_slice().first()
            && blocks.as_slice().len() == 1
            && html::is_caption_sized(content)
            && let Some(f) = self.last_captionless_figure()
        {
            f.label = figure_label_for(&f.label, content);
            f.caption = content.clone();
            return;
        }
        for hb in blocks.by_ref() {
            let b = self.html_to_block(hb, line);
            self.push_block(b);
        }
    }

    fn last_captionless_figure(&mut self) -> Option<&mut Figure> {
        let blocks = match self.stack.last_mut()? {
            Frame::Root(blocks) | Frame::Quote { blocks, .. } | Frame::Item { blocks, .. } => {
                blocks
            }
            Frame::FootnoteDef { blocks, .. } => blocks,
            _ => return None,
        };
        match blocks.last_mut()? {
            // An HTML figure's alt text stands in for its caption until a caption comes.
            Block::Figure(f) if f.caption.is_empty() => Some(f),
            _ => None,
        }
    }

    fn html_to_block(&mut self, hb: HtmlBlock, line: u32) -> Block {
        let span = self.span(line);
        match hb {
            HtmlBlock::Paragraph { content, .. } => Block::Paragraph { content, span },
            HtmlBlock::Figure {
                image,
                caption,
                alt,
                credit,
            } => {
                let mut f = self.new_figure(image, caption, credit, line);
                f.alt = alt;
                Block::Figure(f)
            }
            HtmlBlock::Heading { level, content } => {
                let id = self.heading_id(None, &content);
                Block::Heading {
                    level,
                    id,
                    content,
                    span,
                }
            }
            HtmlBlock::List {
                ordered,
                start,
                items,
            } => Block::List {
                ordered,
                start,
                items: items
                    .into_iter()
                    .map(|i| i.into_iter().map(|b| self.html_to_block(b, line)).collect())
                    .collect(),
                span,
            },
            HtmlBlock::Quote(bs) => Block::Quote {
                blocks: bs
                    .into_iter()
                    .map(|b| self.html_to_block(b, line))
                    .collect(),
                span,
            },
            HtmlBlock::Code(text) => Block::Code { text, span },
            HtmlBlock::Table { align, head, rows } => Block::Table(Table {
                align,
                head,
                rows,
                span,
            }),
            HtmlBlock::Rule => Block::Rule { span },
        }
    }

    /// Numbers a figure as `[book] figure_numbers` says.
    fn new_figure(
        &mut self,
        image: Image,
        caption: Vec<Inline>,
        credit: Option<String>,
        line: u32,
    ) -> Figure {
        *self.ctx.figures += 1;
        self.ctx.chapter.1 += 1;
        let number = *self.ctx.figures;
        let label = match self.ctx.figure_numbers {
            FigureNumbers::Book => format!("图{number}"),
            FigureNumbers::Chapter => format!("图{}.{}", self.ctx.chapter.0, self.ctx.chapter.1),
            FigureNumbers::Source => String::new(),
        };
        Figure {
            number,
            id: format!("fig-{number}"),
            label: figure_label_for(&label, &caption),
            caption,
            alt: String::new(),
            credit: credit.filter(|c| !c.trim().is_empty()),
            image,
            span: self.span(line),
        }
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
            } => {
                let dest = if link_type == pulldown_cmark::LinkType::Email
                    && !dest_url.starts_with("mailto:")
                {
                    format!("mailto:{dest_url}")
                } else {
                    dest_url.to_string()
                };
                match self.link_href(&dest, line) {
                    Some(href) => Frame::Link {
                        href,
                        inlines: Vec::new(),
                    },
                    None => Frame::HtmlInline {
                        name: String::new(),
                        wrap: Wrap::Plain,
                        inlines: Vec::new(),
                    },
                }
            }
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
            } => {
                self.last_char = None;
                // The caption of the figure just before: marked as one, or a short line that
                // starts with a label (`图 2.10 …`, often pushed to the middle with spaces).
                let labelled =
                    || caption_has_label(crate::book::model::plain_text(&inlines).trim_start());
                if (caption || labelled()) && html::is_caption_sized(&inlines) {
                    let mut content = inlines.clone();
                    if let Some(Inline::Text(t)) = content.first_mut() {
                        *t = t.trim_start().to_string();
                    }
                    if let Some(f) = self.last_captionless_figure() {
                        f.label = figure_label_for(&f.label, &content);
                        f.caption = content;
                        return Ok(());
                    }
                }
                let only_image = inlines.iter().filter(|i| !is_blank(i)).count() == 1
                    && inlines.iter().any(|i| matches!(i, Inline::Image { .. }));
                match figure {
                    Some((image, caption, credit)) if only_image => {
                        let mut f = self.new_figure(image, caption, Some(credit), line);
                        if f.caption.is_empty() {
                            f.alt = inlines
                                .iter()
                                .find_map(|i| match i {
                                    Inline::Image { alt, .. } => Some(alt.trim().to_string()),
                                    _ => None,
                                })
                                .unwrap_or_default();
                        }
                        self.push_block(Block::Figure(f));
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
                self.close_open_html();
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

    /// The href a link gets: external URLs as written, in-book targets as a pending reference
    /// that [`links::resolve`] turns into an id once every section is read. `None` sets the
    /// link's text without a link (with a warning saying why).
    fn link_href(&mut self, dest: &str, line: u32) -> Option<String> {
        let dest = dest.trim();
        if let Some(frag) = dest.strip_prefix('#') {
            return Some(links::pending(&self.rel_key, frag));
        }
        if let Some(scheme) = url_scheme(dest) {
            return match scheme.as_str() {
                "http" | "https" | "mailto" | "ftp" | "tel" => Some(dest.to_string()),
                _ => {
                    self.warn_at(
                        line,
                        format!("link `{dest}` uses the `{scheme}:` scheme: its text is set without the link"),
                        "links may be https:, http: or mailto: URLs, or point at a section of this book",
                    );
                    None
                }
            };
        }
        let (path, frag) = dest.split_once('#').unwrap_or((dest, ""));
        if path.is_empty() {
            return Some(links::pending(&self.rel_key, frag));
        }
        let rel = match confine(self.ctx.root, &self.base_dir, path) {
            Ok((_, rel)) => rel,
            Err(d) => {
                self.warn_at(
                    line,
                    format!("{}: the link's text is set without the link", d.message),
                    "link to a section of this book, or use a full https:// URL",
                );
                return None;
            }
        };
        match links::section_for(&rel, self.ctx.section_ids) {
            Some(file) => Some(links::pending(&file, frag)),
            None => {
                self.warn_at(
                    line,
                    format!("link target `{dest}` is not a section of this book: its text is set without the link"),
                    "link to a Markdown file of the book (or its .html name), or use a full https:// URL",
                );
                None
            }
        }
    }

    /// Reads a picture the section names; every problem is reported, the picture then left out.
    /// A remote one comes from the download cache, or is a placeholder of the `declared` size.
    fn load_image(&mut self, dest: &str, line: u32, declared: Option<(u32, u32)>) -> Option<Image> {
        let cached = remote::remote_url(dest).map(|url| (remote::cached(self.ctx.root, &url), url));
        let loaded = match cached {
            Some((None, url)) => return Some(self.remote_placeholder(url, line, declared)),
            Some((Some(rel), _)) => confine(self.ctx.root, Path::new(""), &rel),
            None => confine(self.ctx.root, &self.base_dir, dest),
        }
        .and_then(|(abs, rel)| self.ctx.images.load(&abs, &rel).map(|i| (i, rel)));
        match loaded {
            Ok((image, rel)) => {
                self.ctx.files_read.push(rel);
                Some(image)
            }
            Err(d) => {
                self.ctx.errors.push(d.in_file(self.rel).at(line, 0));
                None
            }
        }
    }

    /// A remote picture not downloaded: one warning with its place and URL, and a placeholder.
    fn remote_placeholder(
        &mut self,
        url: String,
        line: u32,
        declared: Option<(u32, u32)>,
    ) -> Image {
        self.warn_at(
            line,
            format!("remote picture `{url}` is not downloaded: a placeholder is set in its place"),
            "run `bookpress fetch-images` once to keep a copy in .bookpress-cache/images/ \
             (later builds use it without the network)",
        );
        if !self.ctx.notes.remote.iter().any(|r| r.url == url) {
            self.ctx.notes.remote.push(RemotePicture {
                url: url.clone(),
                file: self.rel.to_path_buf(),
                line,
            });
        }
        remote::placeholder(&url, declared)
    }

    fn warn_at(&mut self, line: u32, message: String, hint: &str) {
        self.ctx.warnings.push(
            Diagnostic::warning(message)
                .in_file(self.rel)
                .at(line, 0)
                .hint(hint.to_string()),
        );
    }

    /// The line of the HTML being read that holds `needle`.
    fn html_line_of(&self, needle: &str) -> u32 {
        let before = self
            .html_text
            .find(needle)
            .map_or(0, |at| self.html_text[..at].matches('\n').count());
        self.html_line + before as u32
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

impl html::Host for Builder<'_, '_> {
    fn image(&mut self, src: &str, declared: Option<(u32, u32)>) -> Option<Image> {
        let line = self.html_line_of(src);
        self.load_image(src, line, declared)
    }

    fn link(&mut self, href: &str) -> Option<String> {
        let line = self.html_line_of(href);
        self.link_href(href, line)
    }

    fn warn(&mut self, message: String, hint: &str, needle: &str) {
        if self.warned_tags.insert(message.clone()) {
            let line = self.html_line_of(needle);
            self.warn_at(line, message, hint);
        }
    }
}

/// The scheme of an absolute URL (`https`, `mailto`), lower-cased; `None` for a path. A
/// one-letter "scheme" is a Windows drive, not a URL.
fn url_scheme(dest: &str) -> Option<String> {
    let (scheme, _) = dest.split_once(':')?;
    (scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
    .then(|| scheme.to_ascii_lowercase())
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

/// The label a figure prints: none when its caption already starts with one (`图 1.1 …`,
/// `图1`, `表2`, `Figure 3`, `Fig. 3`).
fn figure_label_for(label: &str, caption: &[Inline]) -> String {
    if caption_has_label(&crate::book::model::plain_text(caption)) {
        String::new()
    } else {
        label.to_string()
    }
}

pub fn caption_has_label(caption: &str) -> bool {
    let t = caption.trim_start_matches(|c: char| c.is_whitespace());
    let rest = [
        "图", "表", "Figure", "figure", "Fig.", "Fig", "fig.", "Table", "table",
    ]
    .iter()
    .find_map(|p| t.strip_prefix(p));
    let Some(rest) = rest else {
        return false;
    };
    let rest = rest.trim_start_matches([' ', '\u{3000}', '\u{a0}']);
    rest.chars().next().is_some_and(|c| {
        c.is_ascii_digit() || ('０'..='９').contains(&c) || "一二三四五六七八九十".contains(c)
    })
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
        let mut errors = Vec::new();
        let mut anchors = HashMap::new();
        let mut files_read = Vec::new();
        let mut ctx = Context {
            root: &root,
            images: &mut images,
            figures: &mut figures,
            section_ids: &ids,
            warnings: &mut warnings,
            errors: &mut errors,
            anchors: &mut anchors,
            figure_numbers: FigureNumbers::Book,
            chapter: (1, 0),
            files_read: &mut files_read,
            notes: &mut BookNotes::default(),
        };
        let r = parse_section(&mut ctx, Path::new("a.md"), "sec-1", text);
        let mut ids = ids.clone();
        ids.insert("a.md".into(), "sec-1".into());
        let r = r.map(|s| {
            let mut v = vec![s];
            links::resolve(&mut v, &ids, &anchors, &mut warnings);
            v.remove(0)
        });
        let r = match r {
            Ok(_) if !errors.is_empty() => Err(errors.into()),
            r => r,
        };
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
        // Links that cannot be followed in the book keep their text, with a warning.
        let (s, w) = parse("# t\n\n[x](../../etc/passwd) [y](file:///etc/passwd)\n");
        assert_eq!(para_text(&s.unwrap().blocks[0]), "x y");
        assert!(w[0].message.contains("leaves the book folder"), "{w:?}");
        assert!(w[1].message.contains("`file:` scheme"), "{w:?}");
        assert_eq!(w[0].line, 3);
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

    /// Random mixes of Markdown, HTML and directive tokens never panic and never leave the
    /// builder unbalanced (a deterministic generator, so a failure reproduces).
    #[test]
    fn token_soup_never_panics() {
        const TOKENS: &[&str] = &[
            "<b>",
            "</b>",
            "<div align=center>",
            "</div>",
            "**",
            "*",
            "[",
            "](b.md)",
            "](#x)",
            "<img src=\"images/a.png\">",
            "<img src=\"none.png\" alt=\"替\">",
            "\n\n",
            "\n",
            "`",
            "<kbd>",
            "</kbd>",
            "</span>",
            "<span class=\"caption\">",
            "中文",
            "English ",
            "<!--",
            "-->",
            "{{#include a.rs}}",
            "\\{{#",
            "> ",
            "- ",
            "1. ",
            "# ",
            "## 标题",
            "<table><tr><td>",
            "</td></tr></table>",
            "<a href=\"javascript:x\">",
            "</a>",
            "<script>",
            "</script>",
            "![图](images/a.png)",
            "<details><summary>",
            "</summary>",
            "<T>",
            "Vec<T>",
            "<br/>",
            "```rust\n# x\n",
            "```\n",
            "[^1]",
            "[^1]: 注\n",
            "<p>",
            "</p>",
            "<ul><li>",
            "</li></ul>",
            "<pre>",
            "</pre>",
            "|a|b|\n|-|-|\n",
        ];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..800 {
            let n = (next() % 40) as usize;
            let text: String = (0..n)
                .map(|_| TOKENS[(next() % TOKENS.len() as u64) as usize])
                .collect();
            let _ = parse(&text);
        }
    }
}
