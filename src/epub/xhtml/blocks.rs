//! Blocks: paragraphs, headings, lists, quotes, code, figures, tables and footnotes.

use super::{Writer, heading_tag_level, noteref_id};
use crate::book::model::{Align, Block, Figure, Footnote, Table, plain_text};
use crate::epub::xml;

impl Writer<'_> {
    pub(super) fn blocks(&mut self, blocks: &[Block]) {
        for (i, b) in blocks.iter().enumerate() {
            self.path.push(i);
            self.block(b);
            self.path.pop();
        }
    }

    pub(super) fn block(&mut self, b: &Block) {
        // Lists and tables write their marks inside items and cells.
        if !matches!(b, Block::List { .. }) {
            self.mark_block();
        }
        match b {
            Block::Heading {
                level, id, content, ..
            } => {
                let h = heading_tag_level(*level, self.min_level);
                self.out.push_str(&format!("<h{h} id=\"{}\">", xml::id(id)));
                self.inlines(content);
                self.out.push_str(&format!("</h{h}>\n"));
            }
            Block::Paragraph { content, .. } => {
                self.out.push_str("<p>");
                self.inlines(content);
                self.out.push_str("</p>\n");
            }
            Block::Figure(f) => self.figure(f),
            Block::List {
                ordered,
                start,
                items,
                ..
            } => {
                let tag = if *ordered { "ol" } else { "ul" };
                if *ordered && *start != 1 {
                    self.out.push_str(&format!("<ol start=\"{start}\">\n"));
                } else {
                    self.out.push_str(&format!("<{tag}>\n"));
                }
                for (k, item) in items.iter().enumerate() {
                    self.out.push_str("<li>");
                    self.path.push(k);
                    match item.as_slice() {
                        [Block::Paragraph { content, .. }] => {
                            self.path.push(0);
                            self.mark_block();
                            self.inlines(content);
                            self.path.pop();
                        }
                        blocks => {
                            self.out.push('\n');
                            self.blocks(blocks);
                        }
                    }
                    self.path.pop();
                    self.out.push_str("</li>\n");
                }
                self.out.push_str(&format!("</{tag}>\n"));
            }
            Block::Quote { blocks, .. } => {
                self.out.push_str("<blockquote>\n");
                self.blocks(blocks);
                self.out.push_str("</blockquote>\n");
            }
            Block::Code { text, lang, .. } => self.code(text, lang),
            Block::Table(t) => self.table(t),
            Block::Rule { .. } => self.out.push_str("<hr/>\n"),
        }
    }

    /// A code block: `<pre><code>`, each highlighted token in a classed `<span>` (coloured by
    /// the style sheet), the page-break marks where they fall.
    pub(super) fn code(&mut self, text: &str, lang: &str) {
        self.out.push_str("<pre><code>");
        let tokens = if self.ctx.highlight {
            crate::highlight::tokens(lang, text)
        } else {
            Vec::new()
        };
        if tokens.is_empty() {
            self.marked_text(text, &xml::text);
        }
        for t in tokens {
            let piece = &text[t.range];
            match t.class.css() {
                Some(class) => {
                    self.out.push_str(&format!("<span class=\"{class}\">"));
                    self.marked_text(piece, &xml::text);
                    self.out.push_str("</span>");
                }
                None => self.marked_text(piece, &xml::text),
            }
        }
        self.out.push_str("</code></pre>\n");
    }

    pub(super) fn figure(&mut self, f: &Figure) {
        let src = self.ctx.image(&f.image.path).to_string();
        self.out.push_str(&figure_open(f, &src));
        if !f.caption.is_empty() {
            if !f.label.is_empty() {
                self.out.push('\u{3000}');
            }
            self.inlines(&f.caption);
        }
        if let Some(c) = f.credit.as_deref().filter(|c| !c.trim().is_empty()) {
            let sep = if f.label.is_empty() && f.caption.is_empty() {
                ""
            } else {
                "\u{3000}"
            };
            self.out.push_str(&format!(
                "{sep}<span class=\"credit\">{}</span>",
                xml::text(c)
            ));
        }
        if let Some(url) = &f.image.remote {
            // A placeholder: where the picture is, as a link the reader can follow.
            if !(f.label.is_empty() && f.caption.is_empty() && f.credit.is_none()) {
                self.out.push_str("<br/>");
            }
            self.out.push_str(&format!(
                "<span class=\"remote-url\" style=\"font-size: 0.8em; word-break: break-all\"><a href=\"{}\">{}</a></span>",
                xml::attr(url),
                xml::text(url)
            ));
        }
        self.out.push_str("</figcaption>\n</figure>\n");
    }

    /// A table; header cells are `<th scope="col">`. A page-break mark for a row goes into its
    /// first cell (the row where the print edition's page begins).
    pub(super) fn table(&mut self, t: &Table) {
        let align = |i: usize| align_class(t.align.get(i).copied().unwrap_or(Align::None));
        self.out.push_str("<table>\n");
        let mut row_index = 0;
        if !t.head.is_empty() {
            self.out.push_str("<thead>\n<tr>");
            for (i, cell) in t.head.iter().enumerate() {
                self.out
                    .push_str(&format!("<th scope=\"col\"{}>", align(i)));
                if i == 0 {
                    self.path.push(row_index);
                    self.mark_block();
                    self.path.pop();
                }
                self.inlines(cell);
                self.out.push_str("</th>");
            }
            self.out.push_str("</tr>\n</thead>\n");
            row_index += 1;
        }
        if !t.rows.is_empty() {
            self.out.push_str("<tbody>\n");
            for row in &t.rows {
                self.out.push_str("<tr>");
                for (i, cell) in row.iter().enumerate() {
                    self.out.push_str(&format!("<td{}>", align(i)));
                    if i == 0 {
                        self.path.push(row_index);
                        self.mark_block();
                        self.path.pop();
                    }
                    self.inlines(cell);
                    self.out.push_str("</td>");
                }
                self.out.push_str("</tr>\n");
                row_index += 1;
            }
            self.out.push_str("</tbody>\n");
        }
        self.out.push_str("</table>\n");
    }

    pub(super) fn footnote(&mut self, f: &Footnote) {
        let fid = xml::id(&f.id);
        self.out.push_str(&format!(
            "<aside id=\"{fid}\" class=\"footnote\" epub:type=\"footnote\" role=\"doc-footnote\">\n"
        ));
        self.mark_block();
        let mark = if self.noterefs.contains_key(&f.id) {
            format!(
                "<a class=\"fn-back\" role=\"doc-backlink\" href=\"#{}\">{}</a>\u{3000}",
                noteref_id(&fid, 1),
                f.number
            )
        } else {
            format!("<span class=\"fn-back\">{}</span>\u{3000}", f.number)
        };
        match f.blocks.split_first() {
            Some((Block::Paragraph { content, .. }, rest)) => {
                self.out.push_str(&format!("<p>{mark}"));
                self.inlines(content);
                self.out.push_str("</p>\n");
                self.blocks(rest);
            }
            _ => {
                self.out.push_str(&format!("<p>{mark}</p>\n"));
                self.blocks(&f.blocks);
            }
        }
        self.out.push_str("</aside>\n");
    }
}

fn align_class(a: Align) -> &'static str {
    match a {
        Align::None => "",
        Align::Left => " class=\"al-l\"",
        Align::Center => " class=\"al-c\"",
        Align::Right => " class=\"al-r\"",
    }
}

/// The start of a figure, up to the number in its caption; the caller writes the caption, the
/// credit and the closing tags.
/// A picture with no caption (its alt text) has no text alternative: it is marked decorative
/// (`alt=""`, `role="presentation"`), and `check` warns about it.
fn figure_open(f: &Figure, src: &str) -> String {
    let caption = plain_text(&f.caption);
    let alt = if !f.alt.trim().is_empty() {
        f.alt.trim()
    } else if caption.trim().is_empty() {
        // A placeholder is never decoration: it names the picture that belongs there.
        f.image.remote.as_deref().unwrap_or("")
    } else {
        caption.trim()
    };
    let img = if alt.is_empty() {
        format!(
            "<img src=\"{}\" alt=\"\" role=\"presentation\"/>",
            xml::attr(src)
        )
    } else {
        format!(
            "<img src=\"{}\" alt=\"{}\"/>",
            xml::attr(src),
            xml::attr(alt)
        )
    };
    let label = if f.label.is_empty() {
        String::new()
    } else {
        format!("<span class=\"fignum\">{}</span>", xml::text(&f.label))
    };
    format!(
        "<figure id=\"{}\" class=\"figure\">\n{img}\n<figcaption>{label}",
        xml::id(&f.id),
    )
}
