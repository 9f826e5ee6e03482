//! Raw HTML met in a section's Markdown: inline tags opened and closed across events, HTML
//! blocks turned into blocks (book::html reads them), and the host book::html calls back for
//! pictures, links and warnings.

use super::*;

impl Builder<'_, '_> {
    /// One inline HTML tag: opens, closes or is an element of its own.
    pub(super) fn inline_html(&mut self, t: &str, line: u32) {
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
    pub(super) fn close_top(&mut self) {
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

    pub(super) fn close_html_inline(&mut self, wrap: Wrap, inlines: Vec<Inline>) {
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
    pub(super) fn close_open_html(&mut self) {
        while matches!(self.stack.last(), Some(Frame::HtmlInline { name, .. }) if !name.is_empty())
        {
            self.close_top();
        }
    }

    /// Converts the collected HTML block into blocks of this section.
    pub(super) fn end_html_block(&mut self) {
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

    pub(super) fn last_captionless_figure(&mut self) -> Option<&mut Figure> {
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

    pub(super) fn html_to_block(&mut self, hb: HtmlBlock, line: u32) -> Block {
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
            HtmlBlock::Code(text) => Block::Code {
                text,
                lang: String::new(),
                span,
            },
            HtmlBlock::Table { align, head, rows } => Block::Table(Table {
                align,
                head,
                rows,
                span,
            }),
            HtmlBlock::Rule => Block::Rule { span },
        }
    }

    /// The line of the HTML being read that holds `needle`.
    pub(super) fn html_line_of(&self, needle: &str) -> u32 {
        let before = self
            .html_text
            .find(needle)
            .map_or(0, |at| self.html_text[..at].matches('\n').count());
        self.html_line + before as u32
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
