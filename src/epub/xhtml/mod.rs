//! XHTML content documents: one per section (the cover and title pages are in frontpages.rs).//!
//! `marks.rs` places the print edition's page-break marks at their characters, `blocks.rs`
//! writes blocks (code, figures, tables, footnotes), `inline.rs` inline content; this file is
//! the interface and the writer they share.

mod blocks;
mod inline;
mod marks;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use super::xml;
use crate::book::model::{Role, Section};
use crate::typeset::page::Part;

/// A page of the print edition that begins in this document: where, and its printed folio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub part: Part,
    /// As in [`crate::typeset::page::SourcePos::path`].
    pub path: Vec<usize>,
    /// Characters into the block's plain text.
    pub offset: usize,
    /// The folio, e.g. `iii` or `12`.
    pub label: String,
}

/// The page-break marker for the page with folio `label`.
pub fn pagebreak(label: &str) -> String {
    format!(
        "<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"{}\" aria-label=\"{}\"></span>",
        page_id(label),
        xml::attr(label)
    )
}

/// The XML id of the marker for folio `label`.
pub fn page_id(label: &str) -> String {
    xml::id(&format!("page-{label}"))
}

/// What rendering needs to know about the rest of the book.
pub struct Ctx<'a> {
    /// Model id (section, heading, figure, footnote) -> `file.xhtml#xml-id`.
    pub targets: &'a HashMap<String, String>,
    /// Image path in the book folder -> href inside the EPUB (relative to the OPF).
    pub images: &'a HashMap<String, String>,
    pub lang: &'a str,
    /// The file being written, e.g. `section-01.xhtml`.
    pub file: &'a str,
    /// Syntax colours in code blocks (`[pdf] highlight`: both editions follow one switch).
    pub highlight: bool,
    /// In vertical writing, the longest digit run set upright (`[pdf] tcy`); None horizontally.
    pub tcy: Option<u8>,
}

impl Ctx<'_> {
    /// The href for an in-book `#id` link from the current file, if the target exists.
    fn resolve(&self, href: &str) -> Option<String> {
        let id = href.strip_prefix('#')?;
        let target = self.targets.get(id)?;
        match target.split_once('#') {
            Some((file, frag)) if file == self.file => Some(format!("#{frag}")),
            _ => Some(target.clone()),
        }
    }

    /// A heading or byline's text: escaped, and in vertical writing with its short digit runs
    /// upright as in the body (horizontally exactly as before: escaped only).
    fn title_text(&self, s: &str) -> String {
        match self.tcy {
            Some(_) => super::latin::tag_text(s, self.lang, self.tcy),
            None => xml::text(s),
        }
    }

    fn image(&self, path: &str) -> &str {
        self.images.get(path).map_or("", String::as_str)
    }
}

/// A whole XHTML document around `body`.
pub fn document(lang: &str, title: &str, body_attrs: &str, body: &str) -> String {
    let lang = xml::attr(lang);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" lang=\"{lang}\" xml:lang=\"{lang}\">\n\
<head>\n<meta charset=\"utf-8\"/>\n<title>{}</title>\n\
<link rel=\"stylesheet\" type=\"text/css\" href=\"style.css\"/>\n</head>\n\
<body{body_attrs}>\n{body}</body>\n</html>\n",
        xml::text(title)
    )
}

/// The `h` level a Markdown heading becomes: the section title is `h1`, so the highest heading
/// level used in the body becomes `h2` and the others follow, up to `h6`.
pub fn heading_tag_level(level: u8, min_level: u8) -> u8 {
    let shift = 2u8.saturating_sub(min_level.max(1));
    (level.max(1) + shift).clamp(2, 6)
}

pub fn section_heading_shift(section: &Section) -> u8 {
    section.top_heading_level()
}

/// One section as a content document, with the page-break markers of the print pages that
/// begin in it (`marks` in reading order).
pub fn section(sec: &Section, ctx: &Ctx, marks: &[Mark]) -> String {
    let mut w = Writer {
        ctx,
        out: String::new(),
        noterefs: HashMap::new(),
        min_level: sec.top_heading_level(),
        marks: marks.iter().rev().cloned().collect(),
        part: Part::Opening,
        path: Vec::new(),
        chars: 0,
    };
    let sid = xml::id(&sec.id);
    let kind = match sec.role {
        Role::Preface => "preface",
        Role::Body => "chapter",
    };
    w.out.push_str(&format!(
        "<section id=\"{sid}\" class=\"{kind}\" epub:type=\"{kind}\" role=\"doc-{kind}\" aria-labelledby=\"{sid}-title\">\n"
    ));
    w.mark_block();
    w.out.push_str("<header>\n");
    if let Some(k) = sec.kicker.as_deref().filter(|k| !k.trim().is_empty()) {
        w.out
            .push_str(&format!("<p class=\"kicker\">{}</p>\n", ctx.title_text(k)));
    }
    w.out.push_str(&format!(
        "<h1 class=\"title\" id=\"{sid}-title\">{}</h1>\n",
        ctx.title_text(&sec.title)
    ));
    if let Some(a) = sec.author.as_deref().filter(|a| !a.trim().is_empty()) {
        w.out
            .push_str(&format!("<p class=\"byline\">{}</p>\n", ctx.title_text(a)));
    }
    w.out.push_str("</header>\n");
    w.part = Part::Body;
    w.blocks(&sec.blocks);
    if !sec.footnotes.is_empty() {
        w.part = Part::Notes;
        w.path.clear();
        w.out.push_str(&format!(
            "<section class=\"footnotes\" epub:type=\"footnotes\" aria-label=\"{}\">\n",
            notes_label(ctx.lang)
        ));
        w.mark_block();
        w.out.push_str("<hr class=\"fn-rule\"/>\n");
        for (k, f) in sec.footnotes.iter().enumerate() {
            w.path = vec![k];
            w.footnote(f);
        }
        w.out.push_str("</section>\n");
    }
    // Marks not placed yet (none are expected): at the end rather than lost.
    while let Some(m) = w.marks.pop() {
        w.out.push_str(&pagebreak(&m.label));
    }
    w.out.push_str("</section>\n");
    let body_type = match sec.role {
        Role::Preface => "frontmatter",
        Role::Body => "bodymatter",
    };
    document(
        ctx.lang,
        &sec.title,
        &format!(" epub:type=\"{body_type}\""),
        &w.out,
    )
}

struct Writer<'a> {
    ctx: &'a Ctx<'a>,
    out: String,
    /// Footnote id -> how many references to it were written so far.
    noterefs: HashMap<String, u32>,
    min_level: u8,
    /// Page-break marks still to write, the next one last.
    marks: Vec<Mark>,
    /// Where the writer is: part, block path, characters of the block's plain text written.
    part: Part,
    path: Vec<usize>,
    chars: usize,
}

/// The label of a section's footnotes, in the book's script.
fn notes_label(lang: &str) -> &'static str {
    crate::words::for_language(lang).notes
}

/// Id of the `n`-th (1-based) reference to footnote `fid`.
fn noteref_id(fid: &str, n: u32) -> String {
    if n <= 1 {
        format!("{fid}-ref")
    } else {
        format!("{fid}-ref-{n}")
    }
}
