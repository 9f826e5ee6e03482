//! Raw HTML in Markdown → the document model's shapes, through a real HTML5 parser.
//!
//! A defined, safe subset is rendered: pictures (an image alone in a block is a figure, a
//! centred block or `<figcaption>` after it its caption), line breaks, emphasis, super- and
//! subscripts, keys, code, links, paragraphs, headings, lists, quotes, preformatted text,
//! tables and `<details>` (shown open). Comments vanish silently. Active content (`<script>`,
//! `<iframe>`, event handlers, `javascript:` URLs …) is dropped with a warning. Any other tag is
//! dropped and its text kept, with one warning per tag name. Nothing here reads files: pictures
//! and links go through the [`Host`].//!
//! `blocks.rs` converts block-level HTML (flow, figures, tables), `inline.rs` inline HTML and
//! text; this file is the interface and what both share.

mod blocks;
mod inline;
#[cfg(test)]
mod tests;

use crate::book::html_tags::HTML_ELEMENTS;
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

fn has_class(e: &Element, class: &str) -> bool {
    e.attr("class")
        .is_some_and(|c| c.split_whitespace().any(|w| w.eq_ignore_ascii_case(class)))
}
