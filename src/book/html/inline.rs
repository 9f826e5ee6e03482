//! Inline HTML and text: emphasis, links, pictures, line breaks, white space.

use super::{Converter, Wrap, declared_size, has_class, is_active_url, scheme_of};
use crate::book::html_tags::{ACTIVE, BLOCKS, NEUTRAL};
use crate::book::model::{Inline, InlineStyle};
use ego_tree::NodeRef;
use scraper::node::{Element, Node};

impl Converter<'_> {
    /// Inline content of a node, its blocks joined by line breaks.
    pub(super) fn inlines_of(&mut self, node: NodeRef<Node>) -> Vec<Inline> {
        let mut out = Vec::new();
        self.children_inline(node, &mut out);
        trim_inlines(&mut out);
        out
    }

    pub(super) fn children_inline(&mut self, node: NodeRef<Node>, out: &mut Vec<Inline>) {
        for child in node.children() {
            self.inline(child, out);
        }
    }

    pub(super) fn inline(&mut self, node: NodeRef<Node>, out: &mut Vec<Inline>) {
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
    pub(super) fn wrap_for(&mut self, e: &Element) -> Wrap {
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
}

pub(super) fn text_content(node: NodeRef<Node>) -> String {
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
pub(super) fn push_text(out: &mut Vec<Inline>, t: &str) {
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
pub(super) fn trim_inlines(v: &mut Vec<Inline>) {
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
pub(super) fn wrap_inlines(
    wrap: Wrap,
    content: Vec<Inline>,
    out: &mut Vec<Inline>,
) -> Option<Inline> {
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
