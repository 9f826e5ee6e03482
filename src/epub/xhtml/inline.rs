//! Inline content: text with its page marks, emphasis, links, note references, pictures.

use super::{Writer, noteref_id};
use crate::book::model::Inline;
use crate::epub::{latin, xml};

impl Writer<'_> {
    pub(super) fn inlines(&mut self, inlines: &[Inline]) {
        for i in inlines {
            self.inline(i);
        }
    }

    pub(super) fn wrap(&mut self, tag: &str, content: &[Inline]) {
        self.out.push_str(&format!("<{tag}>"));
        self.inlines(content);
        self.out.push_str(&format!("</{tag}>"));
    }

    pub(super) fn inline(&mut self, i: &Inline) {
        let (lang, tcy) = (self.ctx.lang, self.ctx.tcy);
        match i {
            Inline::Text(t) => self.marked_text(t, &|s| latin::tag_text(s, lang, tcy)),
            Inline::Emph(c) => self.wrap("em", c),
            Inline::Strong(c) => self.wrap("strong", c),
            Inline::Strike(c) => self.wrap("s", c),
            Inline::Styled { style, content } => self.wrap(style.tag(), content),
            Inline::Code(t) => {
                self.out.push_str("<code>");
                self.marked_text(t, &xml::text);
                self.out.push_str("</code>");
            }
            Inline::Link { href, content } => {
                let target = if href.starts_with('#') {
                    self.ctx.resolve(href)
                } else {
                    Some(xml::url(href))
                };
                match target {
                    Some(t) => {
                        self.out
                            .push_str(&format!("<a href=\"{}\">", xml::attr(&t)));
                        self.inlines(content);
                        self.out.push_str("</a>");
                    }
                    // A target that is not in the book: keep the words, drop the dead link.
                    None => self.wrap("span", content),
                }
            }
            Inline::FootnoteRef { number, id } => {
                self.skip_chars(number.to_string().chars().count());
                let fid = xml::id(id);
                if self.ctx.targets.contains_key(id) {
                    let n = self.noterefs.entry(id.clone()).or_insert(0);
                    *n += 1;
                    let rid = noteref_id(&fid, *n);
                    self.out.push_str(&format!(
                        "<sup><a id=\"{rid}\" class=\"noteref\" epub:type=\"noteref\" role=\"doc-noteref\" href=\"#{fid}\">{number}</a></sup>"
                    ));
                } else {
                    self.out.push_str(&format!("<sup>{number}</sup>"));
                }
            }
            Inline::LineBreak => {
                self.skip_chars(1);
                self.out.push_str("<br/>");
            }
            Inline::Image { image, alt } => {
                self.skip_chars(alt.chars().count());
                let src = self.ctx.image(&image.path).to_string();
                // No alt text: decorative for assistive technology (`check` warns about it).
                let role = if alt.trim().is_empty() {
                    " role=\"presentation\""
                } else {
                    ""
                };
                self.out.push_str(&format!(
                    "<img class=\"inline\" src=\"{}\" alt=\"{}\"{role}/>",
                    xml::attr(&src),
                    xml::attr(alt.trim())
                ));
            }
        }
    }
}
