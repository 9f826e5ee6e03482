//! Block-level HTML: a container's flow of blocks, figures, tables.

use super::inline::{push_text, text_content, trim_inlines};
use super::{Converter, HtmlBlock, attach_captions, declared_size, has_class};
use crate::book::html_tags::{ACTIVE, BLOCKS};
use crate::book::model::{Align, Inline};
use ego_tree::NodeRef;
use scraper::node::{Element, Node};

impl Converter<'_> {
    /// The blocks of a container's children.
    pub(super) fn flow(&mut self, node: NodeRef<Node>, centered: bool) -> Vec<HtmlBlock> {
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

    pub(super) fn block(
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
    pub(super) fn figure(&mut self, node: NodeRef<Node>) -> Option<Vec<HtmlBlock>> {
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

    pub(super) fn table(&mut self, node: NodeRef<Node>) -> HtmlBlock {
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
    pub(super) fn spanned_row(
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
}

/// Rows of a table in document order, with whether they are in `<thead>`.
pub(super) fn collect_rows<'a>(
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

pub(super) fn cell_align(e: &Element) -> Align {
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

pub(super) fn is_centered(e: &Element) -> bool {
    e.name() == "center" || cell_align(e) == Align::Center || has_class(e, "caption")
}

/// True when `node` holds pictures and nothing else visible (whitespace, `<br>`, wrappers
/// around the picture such as `<a>` or `<p>`, and one `<figcaption>` are allowed).
pub(super) fn only_picture<'a>(
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

/// Ends the running paragraph: a lone picture in it is a figure.
pub(super) fn flush(acc: &mut Vec<Inline>, centered: bool, out: &mut Vec<HtmlBlock>) {
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
