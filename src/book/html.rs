//! Raw HTML in Markdown → the document model's shapes, through a real HTML5 parser.
//!
//! A defined, safe subset is rendered: pictures (an image alone in a block is a figure, a
//! centred block or `<figcaption>` after it its caption), line breaks, emphasis, super- and
//! subscripts, keys, code, links, paragraphs, headings, lists, quotes, preformatted text,
//! tables and `<details>` (shown open). Comments vanish silently. Active content (`<script>`,
//! `<iframe>`, event handlers, `javascript:` URLs …) is dropped with a warning. Any other tag is
//! dropped and its text kept, with one warning per tag name. Nothing here reads files: pictures
//! and links go through the [`Host`].

use crate::book::html_tags::{ACTIVE, BLOCKS, HTML_ELEMENTS, NEUTRAL};
use crate::book::model::{Align, Image, Inline, InlineStyle};
use ego_tree::NodeRef;
use scraper::Html;
use scraper::node::{Element, Node};

/// What the converter asks of the section it is in.
pub trait Host {
    /// The picture at `src` (relative to the Markdown file), or `None` when it cannot be used
    /// (the host has reported why). `declared`: the `width` and `height` attributes in pixels
    /// (0 where absent), for a picture that has to be stood in for.
    fn image(&mut self, src: &str, declared: Option<(u32, u32)>) -> Option<Image>;
    /// The resolved `href`, or `None` to set the link's text as plain text (reported by the
    /// host where that loses something).
    fn link(&mut self, href: &str) -> Option<String>;
    /// A warning; `needle` is a piece of the HTML source that locates it.
    fn warn(&mut self, message: String, hint: &str, needle: &str);
}

/// A block read from HTML, before the section numbers figures and gives spans.
#[derive(Debug, Clone)]
pub enum HtmlBlock {
    Paragraph {
        content: Vec<Inline>,
        /// `align=center`, `<center>` or `text-align: center`: a caption candidate.
        centered: bool,
    },
    Figure {
        image: Image,
        caption: Vec<Inline>,
        /// The `alt` attribute; when there is no caption it serves as one until a caption
        /// block follows.
        alt: String,
        /// The `title` attribute, as a credit line.
        credit: Option<String>,
    },
    Heading {
        level: u8,
        content: Vec<Inline>,
    },
    List {
        ordered: bool,
        start: u64,
        items: Vec<Vec<HtmlBlock>>,
    },
    Quote(Vec<HtmlBlock>),
    Code(String),
    Table {
        align: Vec<Align>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    Rule,
}

/// Parses an HTML block.
pub fn blocks(html: &str, host: &mut dyn Host) -> Vec<HtmlBlock> {
    let doc = Html::parse_fragment(html);
    let mut conv = Converter::new(host);
    let root = doc.root_element();
    let out = conv.flow(*root, false);
    attach_captions(out)
}

/// One inline HTML tag (pulldown-cmark hands inline HTML over tag by tag).
#[derive(Debug, Clone)]
pub enum InlineTag {
    /// An opening tag that wraps the text up to its closing tag.
    Open { name: String, wrap: Wrap },
    /// `</name>`.
    Close(String),
    /// A tag that stands alone and is already complete (`<br>`, `<img>`).
    Atom(Vec<Inline>),
    /// A comment, or a tag with nothing to show.
    Nothing,
}

/// How an inline tag's text is set.
#[derive(Debug, Clone, PartialEq)]
pub enum Wrap {
    Strong,
    Emph,
    Strike,
    Code,
    Style(InlineStyle),
    Link(String),
    /// Kept as plain text (a known neutral tag, or an unknown one already warned about).
    Plain,
    /// Plain text marked as a picture's caption (`<span class="caption">`, mdBook books).
    Caption,
    /// Not shown at all (active content).
    Drop,
}

/// Reads one inline HTML event.
pub fn inline_tag(html: &str, host: &mut dyn Host) -> InlineTag {
    let t = html.trim();
    if t.starts_with("<!--") || t.starts_with("<!") || t.starts_with("<?") {
        return InlineTag::Nothing;
    }
    let name: String = t
        .trim_start_matches(['<', '/'])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase();
    // `Vec<T>`, `<usize>`, `<tag>` in prose: not HTML at all, so the text stays as written.
    if !HTML_ELEMENTS.contains(&name.as_str()) {
        host.warn(
            format!("`<{name}>` is not an HTML tag: it is shown as text"),
            "put code in backticks (`Vec<T>`), or write &lt; for a literal <",
            &format!("<{name}"),
        );
        return InlineTag::Atom(vec![Inline::Text(t.to_string())]);
    }
    if t.starts_with("</") {
        return InlineTag::Close(name);
    }
    let doc = Html::parse_fragment(t);
    let Some(el) = first_element(*doc.root_element()) else {
        return InlineTag::Nothing;
    };
    let Some(e) = el.value().as_element() else {
        return InlineTag::Nothing;
    };
    let name = e.name().to_string();
    let mut conv = Converter::new(host);
    conv.check_attributes(e);
    match name.as_str() {
        "br" | "img" | "wbr" | "hr" => {
            let mut out = Vec::new();
            conv.inline(el, &mut out);
            InlineTag::Atom(out)
        }
        _ => {
            let wrap = conv.wrap_for(e);
            // `<sup>1</sup>` may come as one event: take its text along.
            if t.contains("</") {
                let mut out = Vec::new();
                conv.inline(el, &mut out);
                return InlineTag::Atom(out);
            }
            InlineTag::Open { name, wrap }
        }
    }
}

fn first_element(node: NodeRef<Node>) -> Option<NodeRef<Node>> {
    node.children().find(|c| c.value().is_element())
}

struct Converter<'h> {
    host: &'h mut dyn Host,
}

impl<'h> Converter<'h> {
    fn new(host: &'h mut dyn Host) -> Self {
        Converter { host }
    }

    /// The blocks of a container's children.
    fn flow(&mut self, node: NodeRef<Node>, centered: bool) -> Vec<HtmlBlock> {
        let mut out = Vec::new();
        let mut acc: Vec<Inline> = Vec::new();
        for child in node.children() {
            match child.value() {
                Node::Text(t) => push_text(&mut acc, t),
                Node::Element(e) => {
                    let name = e.name();
                    if ACTIVE.contains(&name) {
                        self.drop_active(name);
                    } else if BLOCKS.contains(&name) {
                        flush(&mut acc, centered, &mut out);
                        self.block(child, e, centered, &mut out);
                    } else {
                        self.inline(child, &mut acc);
                    }
                }
                _ => {}
            }
        }
        flush(&mut acc, centered, &mut out);
        out
    }

    fn block(
        &mut self,
        node: NodeRef<Node>,
        e: &Element,
        centered: bool,
        out: &mut Vec<HtmlBlock>,
    ) {
        self.check_attributes(e);
        let name = e.name();
        let centered = centered || is_centered(e);
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = name[1..].parse().unwrap_or(2);
                let content = self.inlines_of(node);
                if !content.is_empty() {
                    out.push(HtmlBlock::Heading { level, content });
                }
            }
            "blockquote" => out.push(HtmlBlock::Quote(attach_captions(self.flow(node, false)))),
            "ul" | "ol" => {
                let items = node
                    .children()
                    .filter(|c| c.value().as_element().is_some_and(|e| e.name() == "li"))
                    .map(|li| attach_captions(self.flow(li, false)))
                    .collect();
                let start = e.attr("start").and_then(|s| s.parse().ok()).unwrap_or(1);
                out.push(HtmlBlock::List {
                    ordered: name == "ol",
                    start,
                    items,
                });
            }
            "pre" => out.push(HtmlBlock::Code(
                text_content(node).trim_end_matches('\n').to_string(),
            )),
            "hr" => out.push(HtmlBlock::Rule),
            "table" => out.push(self.table(node)),
            "summary" => {
                let content = self.inlines_of(node);
                if !content.is_empty() {
                    out.push(HtmlBlock::Paragraph {
                        content: vec![Inline::Strong(content)],
                        centered,
                    });
                }
            }
            "figcaption" => {
                let content = self.inlines_of(node);
                if !content.is_empty() {
                    out.push(HtmlBlock::Paragraph {
                        content,
                        centered: true,
                    });
                }
            }
            _ => match self.figure(node) {
                Some(blocks) => out.extend(blocks),
                None => out.extend(self.flow(node, centered)),
            },
        }
    }

    /// A container holding one picture and nothing else but an optional `<figcaption>`: the
    /// figure, or (when the picture cannot be used, which the host reports) its caption or alt
    /// text as a paragraph. `None`: not a figure.
    fn figure(&mut self, node: NodeRef<Node>) -> Option<Vec<HtmlBlock>> {
        let mut imgs = Vec::new();
        let mut caption = None;
        if !only_picture(node, &mut imgs, &mut caption) || imgs.len() != 1 {
            return None;
        }
        let e = imgs[0].value().as_element()?;
        let image = self
            .host
            .image(e.attr("src").unwrap_or(""), declared_size(e));
        let caption = match caption {
            Some(c) => self.inlines_of(c),
            None => Vec::new(),
        };
        let alt = e.attr("alt").unwrap_or("").trim().to_string();
        let Some(image) = image else {
            let mut content = caption;
            if content.is_empty() && !alt.is_empty() {
                content.push(Inline::Text(alt));
            }
            return Some(if content.is_empty() {
                Vec::new()
            } else {
                vec![HtmlBlock::Paragraph {
                    content,
                    centered: false,
                }]
            });
        };
        let credit = e.attr("title").map(str::to_string);
        Some(vec![HtmlBlock::Figure {
            image,
            caption,
            alt,
            credit: credit.filter(|t| !t.trim().is_empty()),
        }])
    }

    fn table(&mut self, node: NodeRef<Node>) -> HtmlBlock {
        let mut trs = Vec::new();
        collect_rows(node, false, &mut |tr, in_head| trs.push((tr, in_head)));
        let mut align = Vec::new();
        let mut head = Vec::new();
        let mut rows = Vec::new();
        // Rows still covered by a cell above, per column (`rowspan`).
        let mut spans: Vec<u32> = Vec::new();
        for (i, (tr, in_head)) in trs.into_iter().enumerate() {
            let cells: Vec<(NodeRef<Node>, bool, Align)> = tr
                .children()
                .filter_map(|c| {
                    let e = c.value().as_element()?;
                    matches!(e.name(), "td" | "th").then(|| (c, e.name() == "th", cell_align(e)))
                })
                .collect();
            let is_head = in_head || (i == 0 && !cells.is_empty() && cells.iter().all(|c| c.1));
            let (row, row_align) = self.spanned_row(&cells, &mut spans);
            if is_head && head.is_empty() {
                align = row_align;
                head = row;
            } else {
                if align.is_empty() {
                    align = row_align;
                }
                rows.push(row);
            }
        }
        let width = rows
            .iter()
            .map(Vec::len)
            .chain([head.len()])
            .max()
            .unwrap_or(0);
        align.resize(width, Align::None);
        if !head.is_empty() {
            head.resize(width, Vec::new());
        }
        for r in &mut rows {
            r.resize(width, Vec::new());
        }
        HtmlBlock::Table { align, head, rows }
    }

    /// A row's cells, with an empty cell for each column a `colspan` or a `rowspan` from above
    /// covers, so that every cell stands over its own column; and each cell's alignment.
    fn spanned_row(
        &mut self,
        cells: &[(NodeRef<Node>, bool, Align)],
        spans: &mut Vec<u32>,
    ) -> (Vec<Vec<Inline>>, Vec<Align>) {
        let (mut row, mut align) = (Vec::new(), Vec::new());
        let covered = |spans: &mut Vec<u32>, col: usize| {
            let left = spans.get_mut(col).filter(|n| **n > 0);
            left.map(|n| *n -= 1).is_some()
        };
        for &(node, _, a) in cells {
            while covered(spans, row.len()) {
                row.push(Vec::new());
                align.push(Align::None);
            }
            let e = node.value().as_element();
            let span = |name: &str| {
                e.and_then(|e| e.attr(name))
                    .and_then(|v| v.trim().parse::<u32>().ok())
                    .unwrap_or(1)
                    .clamp(1, 64)
            };
            let (cols, down) = (span("colspan"), span("rowspan"));
            row.push(self.inlines_of(node));
            align.push(a);
            for k in 0..cols as usize {
                if k > 0 {
                    row.push(Vec::new());
                    align.push(a);
                }
                let col = row.len() - 1;
                if spans.len() <= col {
                    spans.resize(col + 1, 0);
                }
                spans[col] = down - 1;
            }
        }
        while row.len() < spans.len() && covered(spans, row.len()) {
            row.push(Vec::new());
            align.push(Align::None);
        }
        (row, align)
    }

    /// Inline content of a node, its blocks joined by line breaks.
    fn inlines_of(&mut self, node: NodeRef<Node>) -> Vec<Inline> {
        let mut out = Vec::new();
        self.children_inline(node, &mut out);
        trim_inlines(&mut out);
        out
    }

    fn children_inline(&mut self, node: NodeRef<Node>, out: &mut Vec<Inline>) {
        for child in node.children() {
            self.inline(child, out);
        }
    }

    fn inline(&mut self, node: NodeRef<Node>, out: &mut Vec<Inline>) {
        let e = match node.value() {
            Node::Text(t) => return push_text(out, t),
            Node::Element(e) => e,
            _ => return,
        };
        let name = e.name();
        if ACTIVE.contains(&name) {
            return self.drop_active(name);
        }
        self.check_attributes(e);
        match name {
            "br" => out.push(Inline::LineBreak),
            "wbr" => {}
            "img" => {
                if let Some(image) = self
                    .host
                    .image(e.attr("src").unwrap_or(""), declared_size(e))
                {
                    out.push(Inline::Image {
                        image,
                        alt: e.attr("alt").unwrap_or("").to_string(),
                    });
                } else if let Some(alt) = e.attr("alt").filter(|a| !a.trim().is_empty()) {
                    out.push(Inline::Text(alt.to_string()));
                }
            }
            _ if BLOCKS.contains(&name) => {
                // A block inside inline content (`<p>` in `<td>`): its text, on a line of its own.
                if !out.is_empty() && !matches!(out.last(), Some(Inline::LineBreak)) {
                    out.push(Inline::LineBreak);
                }
                self.children_inline(node, out);
            }
            _ => {
                let wrap = self.wrap_for(e);
                let mut content = Vec::new();
                if wrap == Wrap::Code {
                    let t = text_content(node);
                    if !t.is_empty() {
                        out.push(Inline::Code(t));
                    }
                    return;
                }
                if wrap != Wrap::Drop {
                    self.children_inline(node, &mut content);
                }
                if let Some(i) = wrap_inlines(wrap, content, out) {
                    out.push(i);
                }
            }
        }
    }

    /// How an inline element is set; warns once for a tag it does not know.
    fn wrap_for(&mut self, e: &Element) -> Wrap {
        match e.name() {
            "b" | "strong" => Wrap::Strong,
            "i" | "em" => Wrap::Emph,
            "s" | "del" | "strike" => Wrap::Strike,
            "code" => Wrap::Code,
            "kbd" => Wrap::Style(InlineStyle::Keyboard),
            "sup" => Wrap::Style(InlineStyle::Superscript),
            "sub" => Wrap::Style(InlineStyle::Subscript),
            "u" | "ins" => Wrap::Style(InlineStyle::Underline),
            "mark" => Wrap::Style(InlineStyle::Highlight),
            "small" => Wrap::Style(InlineStyle::Small),
            "a" => match e.attr("href") {
                Some(h) if is_active_url(h) => {
                    self.host.warn(
                        format!("a `{}` link is dropped (its text is kept)", scheme_of(h)),
                        "bookpress never writes active content into a book",
                        h,
                    );
                    Wrap::Plain
                }
                Some(h) => self.host.link(h).map_or(Wrap::Plain, Wrap::Link),
                None => Wrap::Plain,
            },
            "span" | "div" | "p" if has_class(e, "caption") => Wrap::Caption,
            n if NEUTRAL.contains(&n) => Wrap::Plain,
            n if ACTIVE.contains(&n) => {
                self.drop_active(n);
                Wrap::Drop
            }
            n => {
                self.host.warn(
                    format!("HTML tag `<{n}>` is not supported: its text is kept, the tag dropped"),
                    "use Markdown, or one of the tags bookpress reads (img, br, sup, sub, kbd, \
                     b, i, u, s, mark, small, span, a, p, div, details, table)",
                    &format!("<{n}"),
                );
                Wrap::Plain
            }
        }
    }

    fn drop_active(&mut self, name: &str) {
        self.host.warn(
            format!("HTML `<{name}>` is dropped: bookpress writes no active or embedded content"),
            "remove it; describe what it showed in text or as a picture",
            &format!("<{name}"),
        );
    }

    fn check_attributes(&mut self, e: &Element) {
        if let Some((name, _)) = e.attrs().find(|(n, _)| n.len() > 2 && n.starts_with("on")) {
            self.host.warn(
                format!("the event handler `{name}` on `<{}>` is dropped", e.name()),
                "bookpress writes no scripts into a book",
                name,
            );
        }
    }
}

/// Rows of a table in document order, with whether they are in `<thead>`.
fn collect_rows<'a>(
    node: NodeRef<'a, Node>,
    in_head: bool,
    f: &mut dyn FnMut(NodeRef<'a, Node>, bool),
) {
    for c in node.children() {
        let Some(e) = c.value().as_element() else {
            continue;
        };
        match e.name() {
            "tr" => f(c, in_head),
            "thead" => collect_rows(c, true, f),
            "tbody" | "tfoot" => collect_rows(c, false, f),
            _ => {}
        }
    }
}

fn cell_align(e: &Element) -> Align {
    let style = e
        .attr("style")
        .unwrap_or("")
        .replace(' ', "")
        .to_ascii_lowercase();
    let a = e.attr("align").unwrap_or("").to_ascii_lowercase();
    if a == "center" || style.contains("text-align:center") {
        Align::Center
    } else if a == "right" || style.contains("text-align:right") {
        Align::Right
    } else if a == "left" || style.contains("text-align:left") {
        Align::Left
    } else {
        Align::None
    }
}

fn is_centered(e: &Element) -> bool {
    e.name() == "center" || cell_align(e) == Align::Center || has_class(e, "caption")
}

fn has_class(e: &Element, class: &str) -> bool {
    e.attr("class")
        .is_some_and(|c| c.split_whitespace().any(|w| w.eq_ignore_ascii_case(class)))
}

/// True when `node` holds pictures and nothing else visible (whitespace, `<br>`, wrappers
/// around the picture such as `<a>` or `<p>`, and one `<figcaption>` are allowed).
fn only_picture<'a>(
    node: NodeRef<'a, Node>,
    imgs: &mut Vec<NodeRef<'a, Node>>,
    caption: &mut Option<NodeRef<'a, Node>>,
) -> bool {
    for c in node.children() {
        match c.value() {
            Node::Text(t) if t.trim().is_empty() => {}
            Node::Comment(_) => {}
            Node::Element(e) => match e.name() {
                "img" => imgs.push(c),
                "br" => {}
                "figcaption" if caption.is_none() => *caption = Some(c),
                "a" | "p" | "div" | "center" | "span" | "picture" => {
                    if !only_picture(c, imgs, caption) {
                        return false;
                    }
                }
                _ => return false,
            },
            _ => return false,
        }
    }
    true
}

fn text_content(node: NodeRef<Node>) -> String {
    let mut s = String::new();
    for d in node.descendants() {
        if let Node::Text(t) = d.value() {
            s.push_str(t);
        } else if let Some(e) = d.value().as_element()
            && e.name() == "br"
        {
            s.push('\n');
        }
    }
    s
}

/// Appends HTML text with its white space collapsed; a line break between two Chinese
/// characters joins them, as in Markdown.
fn push_text(out: &mut Vec<Inline>, t: &str) {
    let mut s = String::with_capacity(t.len());
    let mut pending: Option<bool> = None; // Some(had_newline)
    let prev_char = |out: &Vec<Inline>, s: &str| {
        s.chars().last().or_else(|| match out.last() {
            Some(Inline::Text(p)) => p.chars().last(),
            _ => None,
        })
    };
    for c in t.chars() {
        if c.is_whitespace() && c != '\u{3000}' && c != '\u{a0}' {
            let nl = c == '\n';
            pending = Some(pending.unwrap_or(false) || nl);
            continue;
        }
        if let Some(nl) = pending.take() {
            let before = prev_char(out, &s);
            let joins =
                nl && matches!(before, Some(b) if crate::cjk::is_wide(b)) && crate::cjk::is_wide(c);
            let after_text = !joins && before.is_some_and(|b| b != ' ');
            let after_inline =
                before.is_none() && !matches!(out.last(), None | Some(Inline::LineBreak));
            if after_text || after_inline {
                s.push(' ');
            }
        }
        s.push(c);
    }
    if pending.is_some() {
        let space_before = match s.chars().last() {
            Some(c) => c != ' ',
            None => {
                !matches!(out.last(), None | Some(Inline::LineBreak))
                    && !matches!(out.last(), Some(Inline::Text(p)) if p.ends_with(' '))
            }
        };
        if space_before {
            s.push(' ');
        }
    }
    if s.is_empty() {
        return;
    }
    if let Some(Inline::Text(p)) = out.last_mut() {
        p.push_str(&s);
    } else {
        out.push(Inline::Text(s));
    }
}

/// Drops white space at the start and end of a run of inlines.
fn trim_inlines(v: &mut Vec<Inline>) {
    while matches!(v.last(), Some(Inline::LineBreak)) {
        v.pop();
    }
    while matches!(v.first(), Some(Inline::LineBreak)) {
        v.remove(0);
    }
    if let Some(Inline::Text(t)) = v.first_mut() {
        *t = t.trim_start().to_string();
    }
    if let Some(Inline::Text(t)) = v.last_mut() {
        *t = t.trim_end().to_string();
    }
    v.retain(|i| !matches!(i, Inline::Text(t) if t.is_empty()));
}

/// Wraps `content` as `wrap` says; plain content goes straight into `out`.
fn wrap_inlines(wrap: Wrap, content: Vec<Inline>, out: &mut Vec<Inline>) -> Option<Inline> {
    if content.is_empty() {
        return None;
    }
    Some(match wrap {
        Wrap::Strong => Inline::Strong(content),
        Wrap::Emph => Inline::Emph(content),
        Wrap::Strike => Inline::Strike(content),
        Wrap::Style(style) => Inline::Styled { style, content },
        Wrap::Link(href) => Inline::Link { href, content },
        Wrap::Code => Inline::Code(crate::book::model::plain_text(&content)),
        Wrap::Drop => return None,
        Wrap::Plain | Wrap::Caption => {
            for i in content {
                match (i, out.last_mut()) {
                    (Inline::Text(t), Some(Inline::Text(p))) => p.push_str(&t),
                    (i, _) => out.push(i),
                }
            }
            return None;
        }
    })
}

/// Ends the running paragraph: a lone picture in it is a figure.
fn flush(acc: &mut Vec<Inline>, centered: bool, out: &mut Vec<HtmlBlock>) {
    trim_inlines(acc);
    if acc.is_empty() {
        return;
    }
    let content = std::mem::take(acc);
    let visible: Vec<&Inline> = content
        .iter()
        .filter(|i| !matches!(i, Inline::LineBreak))
        .collect();
    if let [Inline::Image { image, alt }] = visible.as_slice() {
        out.push(HtmlBlock::Figure {
            image: image.clone(),
            caption: Vec::new(),
            alt: alt.trim().to_string(),
            credit: None,
        });
        return;
    }
    out.push(HtmlBlock::Paragraph { content, centered });
}

/// A centred paragraph right after a figure without a caption (or whose caption is only the
/// picture's alt text) is that figure's caption.
pub fn attach_captions(blocks: Vec<HtmlBlock>) -> Vec<HtmlBlock> {
    let mut out: Vec<HtmlBlock> = Vec::with_capacity(blocks.len());
    for b in blocks {
        if let HtmlBlock::Paragraph {
            content,
            centered: true,
        } = &b
            && let Some(HtmlBlock::Figure { caption, .. }) = out.last_mut()
            && caption.is_empty()
            && is_caption_sized(content)
        {
            *caption = content.clone();
            continue;
        }
        out.push(b);
    }
    out
}

/// A caption is a line or two, not a paragraph of text.
pub fn is_caption_sized(content: &[Inline]) -> bool {
    crate::book::model::plain_text(content).chars().count() <= 200
}

fn is_active_url(href: &str) -> bool {
    let s: String = href
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    s.starts_with("javascript:") || s.starts_with("vbscript:") || s.starts_with("data:")
}

fn scheme_of(href: &str) -> String {
    href.trim()
        .split(':')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
        + ":"
}

/// An `<img>`'s `width` and `height` in pixels (`300`, `300px`; 0 where absent or not
/// pixels), `None` when it gives neither.
fn declared_size(e: &Element) -> Option<(u32, u32)> {
    let px = |name: &str| {
        e.attr(name)
            .map(|v| v.trim().trim_end_matches("px").trim())
            .and_then(|v| v.parse::<f32>().ok())
            .filter(|v| v.is_finite() && *v >= 1.0)
            .map_or(0, |v| v.round() as u32)
    };
    let size = (px("width"), px("height"));
    (size != (0, 0)).then_some(size)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::model::ImageFormat;
    use std::sync::Arc;

    /// Pictures exist when their name has no `missing`; links resolve to themselves.
    #[derive(Default)]
    struct TestHost {
        warnings: Vec<String>,
        asked: Vec<String>,
    }

    impl Host for TestHost {
        fn image(&mut self, src: &str, _: Option<(u32, u32)>) -> Option<Image> {
            self.asked.push(src.to_string());
            (!src.contains("missing")).then(|| Image {
                path: src.to_string(),
                format: ImageFormat::Png,
                width: 10,
                height: 10,
                orientation: 1,
                data: Arc::new(Vec::new()),
                remote: None,
            })
        }
        fn link(&mut self, href: &str) -> Option<String> {
            Some(href.to_string())
        }
        fn warn(&mut self, message: String, _hint: &str, _needle: &str) {
            self.warnings.push(message);
        }
    }

    fn text(v: &[Inline]) -> String {
        crate::book::model::plain_text(v)
    }

    #[test]
    fn centred_picture_then_centred_line_is_a_captioned_figure() {
        let mut h = TestHost::default();
        let b = blocks(
            "<div align=center>\n<img width=\"550\" src=\"../img/ch1/1.1.png\"/>\n</div>\n<div align=center>图 1.1 强化学习示意</div>\n",
            &mut h,
        );
        assert_eq!(b.len(), 1, "{b:?}");
        let HtmlBlock::Figure { image, caption, .. } = &b[0] else {
            panic!("{b:?}")
        };
        assert_eq!(image.path, "../img/ch1/1.1.png");
        assert_eq!(text(caption), "图 1.1 强化学习示意");
        assert!(h.warnings.is_empty(), "{:?}", h.warnings);
    }

    #[test]
    fn figure_with_figcaption_and_p_center() {
        let mut h = TestHost::default();
        let b = blocks(
            "<figure><img src=\"a.png\" alt=\"示意\"><figcaption>图2 结构</figcaption></figure>",
            &mut h,
        );
        let HtmlBlock::Figure { caption, alt, .. } = &b[0] else {
            panic!("{b:?}")
        };
        assert_eq!((text(caption).as_str(), alt.as_str()), ("图2 结构", "示意"));
        let b = blocks(
            "<p align=\"center\">\n  <img src=\"logo.png\" width=300>\n</p>",
            &mut h,
        );
        assert!(matches!(&b[..], [HtmlBlock::Figure { .. }]), "{b:?}");
    }

    #[test]
    fn inline_tags_keep_their_text_and_meaning() {
        let mut h = TestHost::default();
        let b = blocks(
            "<p>按 <kbd>Ctrl</kbd>+<kbd>C</kbd>，E=mc<sup>2</sup>，H<sub>2</sub>O<br>第二行 <b>粗</b><i>斜</i><u>下划</u><del>删</del><mark>亮</mark><small>小</small><code>x()</code> <span class=\"x\">普通</span></p>",
            &mut h,
        );
        let HtmlBlock::Paragraph { content, .. } = &b[0] else {
            panic!("{b:?}")
        };
        assert_eq!(
            text(content),
            "按 Ctrl+C，E=mc2，H2O\n第二行 粗斜下划删亮小x() 普通"
        );
        let styles: Vec<_> = content
            .iter()
            .filter_map(|i| match i {
                Inline::Styled { style, .. } => Some(*style),
                _ => None,
            })
            .collect();
        use InlineStyle::*;
        assert_eq!(
            styles,
            [
                Keyboard,
                Keyboard,
                Superscript,
                Subscript,
                Underline,
                Highlight,
                Small
            ]
        );
        assert!(
            content
                .iter()
                .any(|i| matches!(i, Inline::Code(c) if c == "x()"))
        );
        assert!(h.warnings.is_empty(), "{:?}", h.warnings);
    }

    #[test]
    fn active_content_is_dropped_with_a_warning_and_unknown_tags_keep_text() {
        let mut h = TestHost::default();
        let b = blocks(
            "<div onclick=\"alert(1)\">前<script>alert(2)</script><iframe src=\"https://x\"></iframe><a href=\"javascript:alert(3)\">点我</a><blink>闪</blink><blink>又闪</blink>后</div><style>p{}</style>",
            &mut h,
        );
        let all: String = b
            .iter()
            .map(|b| match b {
                HtmlBlock::Paragraph { content, .. } => text(content),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(all, "前点我闪又闪后");
        let w = h.warnings.join("\n");
        for needle in [
            "onclick",
            "<script>",
            "<iframe>",
            "javascript:",
            "<blink>",
            "<style>",
        ] {
            assert!(w.contains(needle), "{needle} not warned: {w}");
        }
        assert_eq!(w.matches("<blink>").count(), 2, "{w}");
    }

    #[test]
    fn details_lists_tables_and_pre() {
        let mut h = TestHost::default();
        let b = blocks(
            "<details><summary>答案</summary><p>内容</p></details><ul><li>一</li><li>二</li></ul><table><tr><th>名</th><th align=right>值</th></tr><tr><td>甲</td><td>1</td></tr></table><pre>  缩进\n    保留</pre><hr>",
            &mut h,
        );
        assert!(
            matches!(&b[0], HtmlBlock::Paragraph { content, .. } if matches!(&content[0], Inline::Strong(_)))
        );
        assert!(matches!(&b[1], HtmlBlock::Paragraph { content, .. } if text(content) == "内容"));
        assert!(matches!(&b[2], HtmlBlock::List { items, ordered: false, .. } if items.len() == 2));
        let HtmlBlock::Table { align, head, rows } = &b[3] else {
            panic!("{b:?}")
        };
        assert_eq!(align, &[Align::None, Align::Right]);
        assert_eq!(text(&head[1]), "值");
        assert_eq!(text(&rows[0][0]), "甲");
        assert!(matches!(&b[4], HtmlBlock::Code(c) if c == "  缩进\n    保留"));
        assert!(matches!(&b[5], HtmlBlock::Rule));
    }

    #[test]
    fn inline_tag_events() {
        let mut h = TestHost::default();
        assert!(matches!(
            inline_tag("<!-- ignore -->", &mut h),
            InlineTag::Nothing
        ));
        assert!(matches!(inline_tag("</kbd>", &mut h), InlineTag::Close(n) if n == "kbd"));
        assert!(matches!(
            inline_tag("<kbd>", &mut h),
            InlineTag::Open {
                wrap: Wrap::Style(InlineStyle::Keyboard),
                ..
            }
        ));
        assert!(matches!(
            inline_tag("<span class=\"caption\">", &mut h),
            InlineTag::Open {
                wrap: Wrap::Caption,
                ..
            }
        ));
        assert!(
            matches!(inline_tag("<br/>", &mut h), InlineTag::Atom(v) if matches!(v[..], [Inline::LineBreak]))
        );
        assert!(
            matches!(inline_tag("<img src=\"p.png\" alt=\"图\">", &mut h), InlineTag::Atom(v) if matches!(&v[..], [Inline::Image { .. }]))
        );
        assert!(
            matches!(inline_tag("<img src=\"missing.png\" alt=\"替代\">", &mut h), InlineTag::Atom(v) if text(&v) == "替代")
        );
    }
}
