//! One walk over the model's tree, for every check and writer that looks at all of a book's
//! blocks or inlines: lists, quotes, footnotes and table cells included.
//!
//! - [`Section::blocks`] (body, then each footnote) and [`Section::body_blocks`] visit blocks
//!   in reading order, depth first, each with its nesting ([`BlockVisit`]).
//! - [`Block::runs`] gives a block's own runs of inlines (a heading's text, a caption, the
//!   cells of a table), not those of the blocks inside it.
//! - [`inlines`] visits a run's inlines depth first ([`InlineVisit`]); [`Section::inlines`]
//!   does it for every run of a section.
//! - [`for_each_inline_mut`] is the one walk that changes the tree (the loader resolving links).
//!
//! A writer that turns the tree into nested markup (XHTML, the page layout) recurses itself:
//! it has to open and close each element; these walks are for looking things up.

use crate::book::model::{Block, Book, Footnote, Inline, Section, Span};

/// A block met by the walk, and where it sits.
#[derive(Debug, Clone, Copy)]
pub struct BlockVisit<'a> {
    pub block: &'a Block,
    /// Lists around it (an item's blocks are one list deeper than the list).
    pub lists: u32,
    /// Quotes around it.
    pub quotes: u32,
    /// The footnote it belongs to; `None` in the body.
    pub footnote: Option<&'a Footnote>,
}

/// Blocks in reading order, depth first: a list or quote, then the blocks inside it.
pub struct Blocks<'a> {
    stack: Vec<Level<'a>>,
}

struct Level<'a> {
    blocks: std::slice::Iter<'a, Block>,
    lists: u32,
    quotes: u32,
    footnote: Option<&'a Footnote>,
}

impl<'a> Blocks<'a> {
    /// `blocks` and everything inside them.
    pub fn new(blocks: &'a [Block]) -> Self {
        Blocks {
            stack: vec![Level {
                blocks: blocks.iter(),
                lists: 0,
                quotes: 0,
                footnote: None,
            }],
        }
    }

    /// A section's body, then its footnotes in order.
    fn section(s: &'a Section) -> Self {
        let notes = s.footnotes.iter().rev().map(|n| Level {
            blocks: n.blocks.iter(),
            lists: 0,
            quotes: 0,
            footnote: Some(n),
        });
        let mut stack: Vec<Level<'a>> = notes.collect();
        stack.extend(Blocks::new(&s.blocks).stack);
        Blocks { stack }
    }
}

impl<'a> Iterator for Blocks<'a> {
    type Item = BlockVisit<'a>;

    fn next(&mut self) -> Option<BlockVisit<'a>> {
        loop {
            let top = self.stack.last_mut()?;
            let Some(block) = top.blocks.next() else {
                self.stack.pop();
                continue;
            };
            let visit = BlockVisit {
                block,
                lists: top.lists,
                quotes: top.quotes,
                footnote: top.footnote,
            };
            let inner = |blocks: &'a [Block], lists, quotes| Level {
                blocks: blocks.iter(),
                lists,
                quotes,
                footnote: visit.footnote,
            };
            match block {
                // The first item is visited first: it goes on the stack last.
                Block::List { items, .. } => self.stack.extend(
                    items
                        .iter()
                        .rev()
                        .map(|i| inner(i, visit.lists + 1, visit.quotes)),
                ),
                Block::Quote { blocks, .. } => {
                    self.stack
                        .push(inner(blocks, visit.lists, visit.quotes + 1));
                }
                _ => {}
            }
            return Some(visit);
        }
    }
}

/// What a run of inlines is in its block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run {
    /// A heading's text.
    Heading,
    /// A paragraph's text.
    Paragraph,
    /// A figure's caption.
    Caption,
    /// A table's header cell.
    HeadCell,
    /// A table's body cell.
    Cell,
}

impl Block {
    /// This block's own runs of inlines in reading order (a list's or quote's are in the
    /// blocks inside it, which [`Blocks`] visits).
    pub fn runs(&self) -> impl Iterator<Item = (Run, &[Inline])> {
        let (own, table) = match self {
            Block::Heading { content, .. } => (Some((Run::Heading, content.as_slice())), None),
            Block::Paragraph { content, .. } => (Some((Run::Paragraph, content.as_slice())), None),
            Block::Figure(f) => (Some((Run::Caption, f.caption.as_slice())), None),
            Block::Table(t) => (None, Some(t)),
            Block::List { .. } | Block::Quote { .. } | Block::Code { .. } | Block::Rule { .. } => {
                (None, None)
            }
        };
        let cells = table.into_iter().flat_map(|t| {
            let head = t.head.iter().map(|c| (Run::HeadCell, c.as_slice()));
            head.chain(t.rows.iter().flatten().map(|c| (Run::Cell, c.as_slice())))
        });
        own.into_iter().chain(cells)
    }

    /// Where the block starts.
    pub fn span(&self) -> &Span {
        match self {
            Block::Heading { span, .. }
            | Block::Paragraph { span, .. }
            | Block::List { span, .. }
            | Block::Quote { span, .. }
            | Block::Code { span, .. }
            | Block::Rule { span } => span,
            Block::Figure(f) => &f.span,
            Block::Table(t) => &t.span,
        }
    }
}

/// An inline met by the walk.
#[derive(Debug, Clone, Copy)]
pub struct InlineVisit<'a> {
    pub inline: &'a Inline,
    /// Inside strong emphasis (set in the bold face).
    pub strong: bool,
}

/// Inlines depth first: an emphasis, link or styled run, then the inlines inside it.
pub struct Inlines<'a> {
    stack: Vec<(std::slice::Iter<'a, Inline>, bool)>,
}

/// Every inline of `list`, depth first.
pub fn inlines(list: &[Inline]) -> Inlines<'_> {
    Inlines {
        stack: vec![(list.iter(), false)],
    }
}

impl<'a> Iterator for Inlines<'a> {
    type Item = InlineVisit<'a>;

    fn next(&mut self) -> Option<InlineVisit<'a>> {
        loop {
            let (top, strong) = self.stack.last_mut()?;
            let strong = *strong;
            let Some(inline) = top.next() else {
                self.stack.pop();
                continue;
            };
            if let Some(inner) = children(inline) {
                let strong = strong || matches!(inline, Inline::Strong(_));
                self.stack.push((inner.iter(), strong));
            }
            return Some(InlineVisit { inline, strong });
        }
    }
}

/// The inlines inside an inline, if it holds any.
fn children(i: &Inline) -> Option<&[Inline]> {
    match i {
        Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => Some(c),
        Inline::Styled { content, .. } | Inline::Link { content, .. } => Some(content),
        Inline::Text(_)
        | Inline::Code(_)
        | Inline::FootnoteRef { .. }
        | Inline::LineBreak
        | Inline::Image { .. } => None,
    }
}

impl Section {
    /// Every block of the section in reading order: the body, then each footnote's blocks.
    pub fn blocks(&self) -> Blocks<'_> {
        Blocks::section(self)
    }

    /// The body's blocks only (no footnotes).
    pub fn body_blocks(&self) -> Blocks<'_> {
        Blocks::new(&self.blocks)
    }

    /// Every inline of every block (footnotes and table cells included), with its block and
    /// run.
    pub fn inlines(&self) -> impl Iterator<Item = (BlockVisit<'_>, Run, InlineVisit<'_>)> {
        self.blocks().flat_map(|b| {
            b.block
                .runs()
                .flat_map(move |(run, list)| inlines(list).map(move |i| (b, run, i)))
        })
    }
}

impl Book {
    /// Every block of every section, footnotes included, in reading order.
    pub fn blocks(&self) -> impl Iterator<Item = BlockVisit<'_>> {
        self.sections.iter().flat_map(Section::blocks)
    }

    /// Every inline of the book, with its block and run.
    pub fn inlines(&self) -> impl Iterator<Item = (BlockVisit<'_>, Run, InlineVisit<'_>)> {
        self.sections.iter().flat_map(Section::inlines)
    }
}

/// Calls `f` on every inline of `blocks` and of the blocks inside them (table cells and
/// captions included), depth first, with the span of the block it is in.
pub fn for_each_inline_mut(blocks: &mut [Block], f: &mut dyn FnMut(&mut Inline, &Span)) {
    fn run(list: &mut [Inline], span: &Span, f: &mut dyn FnMut(&mut Inline, &Span)) {
        for i in list {
            f(i, span);
            match i {
                Inline::Emph(c) | Inline::Strong(c) | Inline::Strike(c) => run(c, span, f),
                Inline::Styled { content, .. } | Inline::Link { content, .. } => {
                    run(content, span, f)
                }
                _ => {}
            }
        }
    }
    for b in blocks {
        match b {
            Block::Heading { content, span, .. } | Block::Paragraph { content, span } => {
                run(content, span, f)
            }
            Block::Figure(fig) => run(&mut fig.caption, &fig.span, f),
            Block::List { items, .. } => items.iter_mut().for_each(|i| for_each_inline_mut(i, f)),
            Block::Quote { blocks, .. } => for_each_inline_mut(blocks, f),
            Block::Table(t) => {
                for c in t.head.iter_mut().chain(t.rows.iter_mut().flatten()) {
                    run(c, &t.span, f);
                }
            }
            Block::Code { .. } | Block::Rule { .. } => {}
        }
    }
}

impl Section {
    /// [`for_each_inline_mut`] over the body and the footnotes.
    pub fn for_each_inline_mut(&mut self, f: &mut dyn FnMut(&mut Inline, &Span)) {
        for_each_inline_mut(&mut self.blocks, f);
        for n in &mut self.footnotes {
            for_each_inline_mut(&mut n.blocks, f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::model::{Figure, Image, ImageFormat, Table};

    fn para(t: &str) -> Block {
        Block::Paragraph {
            content: vec![Inline::Text(t.into())],
            span: Span::default(),
        }
    }

    fn text_of(b: &Block) -> String {
        b.runs()
            .flat_map(|(_, l)| inlines(l))
            .filter_map(|v| match v.inline {
                Inline::Text(t) => Some(t.clone()),
                _ => None,
            })
            .collect()
    }

    fn section(blocks: Vec<Block>, notes: Vec<Vec<Block>>) -> Section {
        Section {
            id: "sec-1".into(),
            source: "a.md".into(),
            title: "标题".into(),
            author: None,
            kicker: None,
            role: crate::book::model::Role::Body,
            depth: 0,
            blocks,
            footnotes: notes
                .into_iter()
                .enumerate()
                .map(|(i, blocks)| Footnote {
                    id: format!("sec-1-fn{}", i + 1),
                    number: i as u32 + 1,
                    blocks,
                })
                .collect(),
            span: Span::default(),
            text: String::new(),
        }
    }

    #[test]
    fn blocks_come_in_reading_order_with_their_nesting() {
        let s = section(
            vec![
                para("一"),
                Block::List {
                    ordered: false,
                    start: 1,
                    items: vec![
                        vec![para("二")],
                        vec![Block::Quote {
                            blocks: vec![para("三")],
                            span: Span::default(),
                        }],
                    ],
                    span: Span::default(),
                },
                para("四"),
            ],
            vec![vec![para("注")]],
        );
        let seen: Vec<(String, u32, u32, bool)> = s
            .blocks()
            .map(|v| (text_of(v.block), v.lists, v.quotes, v.footnote.is_some()))
            .filter(|v| !v.0.is_empty())
            .collect();
        let want = [
            ("一", 0, 0, false),
            ("二", 1, 0, false),
            ("三", 1, 1, false),
            ("四", 0, 0, false),
            ("注", 0, 0, true),
        ];
        let want: Vec<_> = want
            .iter()
            .map(|(t, l, q, n)| (t.to_string(), *l, *q, *n))
            .collect();
        assert_eq!(seen, want);
        assert_eq!(s.body_blocks().count(), 6);
        assert_eq!(s.blocks().count(), 7);
    }

    #[test]
    fn runs_cover_captions_and_every_cell_and_inlines_know_strong() {
        let image = Image {
            path: "a.png".into(),
            format: ImageFormat::Png,
            width: 1,
            height: 1,
            orientation: 1,
            data: Default::default(),
            remote: None,
        };
        let fig = Block::Figure(Figure {
            number: 1,
            id: "fig-1".into(),
            label: "图1".into(),
            caption: vec![Inline::Text("图注".into())],
            alt: String::new(),
            credit: None,
            image,
            span: Span::default(),
        });
        assert_eq!(text_of(&fig), "图注");
        let cell = |t: &str| vec![Inline::Text(t.into())];
        let table = Block::Table(Table {
            align: Vec::new(),
            head: vec![cell("甲"), cell("乙")],
            rows: vec![vec![cell("丙"), cell("丁")]],
            span: Span::default(),
        });
        let runs: Vec<Run> = table.runs().map(|r| r.0).collect();
        assert_eq!(runs, [Run::HeadCell, Run::HeadCell, Run::Cell, Run::Cell]);
        assert_eq!(text_of(&table), "甲乙丙丁");
        let nested = [
            Inline::Text("a".into()),
            Inline::Strong(vec![Inline::Emph(vec![Inline::Text("b".into())])]),
            Inline::Link {
                href: "#x".into(),
                content: vec![Inline::Text("c".into())],
            },
        ];
        let seen: Vec<(bool, bool)> = inlines(&nested)
            .map(|v| (matches!(v.inline, Inline::Text(_)), v.strong))
            .collect();
        let want = [
            (true, false),
            (false, false),
            (false, true),
            (true, true),
            (false, false),
            (true, false),
        ];
        assert_eq!(seen, want);
    }

    #[test]
    fn the_mutable_walk_reaches_footnotes_and_cells() {
        let link = || Inline::Link {
            href: "old".into(),
            content: vec![],
        };
        let mut s = section(
            vec![Block::Table(Table {
                align: Vec::new(),
                head: vec![vec![link()]],
                rows: vec![vec![vec![Inline::Emph(vec![link()])]]],
                span: Span::default(),
            })],
            vec![vec![Block::Paragraph {
                content: vec![link()],
                span: Span::default(),
            }]],
        );
        let mut n = 0;
        s.for_each_inline_mut(&mut |i, _| {
            if let Inline::Link { href, .. } = i {
                *href = "new".into();
                n += 1;
            }
        });
        assert_eq!(n, 3);
        let hrefs = s
            .inlines()
            .filter(|(_, _, v)| matches!(v.inline, Inline::Link { href, .. } if href == "new"));
        assert_eq!(hrefs.count(), 3);
    }
}
