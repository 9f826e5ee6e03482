//! XHTML content documents: one per section (the cover and title pages are in frontpages.rs).

use std::collections::HashMap;

use super::xml;
use crate::book::model::{
    Align, Block, Figure, Footnote, Inline, Role, Section, Table, plain_text,
};
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
            .push_str(&format!("<p class=\"kicker\">{}</p>\n", xml::text(k)));
    }
    w.out.push_str(&format!(
        "<h1 class=\"title\" id=\"{sid}-title\">{}</h1>\n",
        xml::text(&sec.title)
    ));
    if let Some(a) = sec.author.as_deref().filter(|a| !a.trim().is_empty()) {
        w.out
            .push_str(&format!("<p class=\"byline\">{}</p>\n", xml::text(a)));
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

fn align_class(a: Align) -> &'static str {
    match a {
        Align::None => "",
        Align::Left => " class=\"al-l\"",
        Align::Center => " class=\"al-c\"",
        Align::Right => " class=\"al-r\"",
    }
}

/// Id of the `n`-th (1-based) reference to footnote `fid`.
fn noteref_id(fid: &str, n: u32) -> String {
    if n <= 1 {
        format!("{fid}-ref")
    } else {
        format!("{fid}-ref-{n}")
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

impl Writer<'_> {
    /// Writes every mark that is due at the start of the current block (and any left over from
    /// before it), and starts counting the block's characters.
    fn mark_block(&mut self) {
        self.chars = 0;
        self.mark_here();
    }

    /// Writes every mark due at or before the current place.
    fn mark_here(&mut self) {
        while let Some(m) = self.marks.last() {
            let due = (m.part, &m.path[..], m.offset) <= (self.part, &self.path[..], self.chars);
            if !due {
                break;
            }
            let m = self.marks.pop().expect("checked");
            self.out.push_str(&pagebreak(&m.label));
        }
    }

    /// The offset of the next mark inside the current block before character `end`, if any.
    fn mark_before(&self, end: usize) -> Option<usize> {
        let m = self.marks.last()?;
        (m.part == self.part && m.path == self.path && m.offset < end).then_some(m.offset)
    }

    /// Text of the current block, escaped by `escape`, with the marks that fall inside it.
    fn marked_text(&mut self, t: &str, escape: &dyn Fn(&str) -> String) {
        let start = self.chars;
        let end = start + t.chars().count();
        let mut written = 0; // characters of `t`
        let mut at = 0; // byte offset in `t`
        while let Some(off) = self.mark_before(end) {
            let k = off.saturating_sub(start).max(written);
            let byte = t.char_indices().nth(k).map_or(t.len(), |(b, _)| b);
            self.out.push_str(&escape(&t[at..byte]));
            at = byte;
            written = k;
            self.chars = start + k;
            self.mark_here();
        }
        self.out.push_str(&escape(&t[at..]));
        self.chars = end;
    }

    /// Counts `n` characters that the EPUB shows otherwise (a picture's alt text, a note
    /// number), writing the marks due before them.
    fn skip_chars(&mut self, n: usize) {
        self.mark_here();
        self.chars += n;
    }

    fn blocks(&mut self, blocks: &[Block]) {
        for (i, b) in blocks.iter().enumerate() {
            self.path.push(i);
            self.block(b);
            self.path.pop();
        }
    }

    fn block(&mut self, b: &Block) {
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
            Block::Code { text, .. } => {
                self.out.push_str("<pre><code>");
                self.marked_text(text, &xml::text);
                self.out.push_str("</code></pre>\n");
            }
            Block::Table(t) => self.table(t),
            Block::Rule { .. } => self.out.push_str("<hr/>\n"),
        }
    }

    fn figure(&mut self, f: &Figure) {
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
    fn table(&mut self, t: &Table) {
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

    fn footnote(&mut self, f: &Footnote) {
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

    fn inlines(&mut self, inlines: &[Inline]) {
        for i in inlines {
            self.inline(i);
        }
    }

    fn wrap(&mut self, tag: &str, content: &[Inline]) {
        self.out.push_str(&format!("<{tag}>"));
        self.inlines(content);
        self.out.push_str(&format!("</{tag}>"));
    }

    fn inline(&mut self, i: &Inline) {
        let lang = self.ctx.lang;
        match i {
            Inline::Text(t) => self.marked_text(t, &|s| super::latin::tag_latin(s, lang)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::model::{Image, ImageFormat, Span};
    use std::sync::Arc;

    fn fig(n: u32, caption: &str, credit: Option<&str>) -> Figure {
        Figure {
            alt: String::new(),
            label: format!("图{n}"),
            number: n,
            id: format!("fig-{n}"),
            caption: vec![Inline::Text(caption.into())],
            credit: credit.map(String::from),
            image: Image {
                path: "images/a.png".into(),
                format: ImageFormat::Png,
                width: 10,
                height: 10,
                orientation: 1,
                data: Arc::new(Vec::new()),
                remote: None,
            },
            span: Span::default(),
        }
    }

    fn render(blocks: Vec<Block>, footnotes: Vec<Footnote>, targets: &[(&str, &str)]) -> String {
        render_marked(blocks, footnotes, targets, &[])
    }

    fn render_marked(
        blocks: Vec<Block>,
        footnotes: Vec<Footnote>,
        targets: &[(&str, &str)],
        marks: &[Mark],
    ) -> String {
        let targets: HashMap<String, String> = targets
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let images = HashMap::from([("images/a.png".to_string(), "images/img-1.png".to_string())]);
        let ctx = Ctx {
            targets: &targets,
            images: &images,
            lang: "zh-CN",
            file: "section-01.xhtml",
        };
        let sec = Section {
            id: "sec-1".into(),
            source: "01.md".into(),
            title: "标题 <1> & 2".into(),
            author: Some("文毅".into()),
            kicker: Some("荷塘区".into()),
            role: Role::Body,
            depth: 0,
            blocks,
            footnotes,
            span: Span::default(),
            text: String::new(),
        };
        section(&sec, &ctx, marks)
    }

    fn mark(part: Part, path: &[usize], offset: usize, label: &str) -> Mark {
        Mark {
            part,
            path: path.to_vec(),
            offset,
            label: label.into(),
        }
    }

    fn text(s: &str) -> Inline {
        Inline::Text(s.into())
    }

    fn p(content: Vec<Inline>) -> Block {
        Block::Paragraph {
            content,
            span: Span::default(),
        }
    }

    #[test]
    fn page_marks_go_to_the_exact_character() {
        let blocks = vec![
            p(vec![
                text("一二三"),
                Inline::Emph(vec![text("四五")]),
                Inline::FootnoteRef {
                    number: 1,
                    id: "n1".into(),
                },
                Inline::LineBreak,
                text("六七"),
            ]),
            Block::List {
                ordered: false,
                start: 1,
                items: vec![vec![p(vec![text("甲")])], vec![p(vec![text("乙丙")])]],
                span: Span::default(),
            },
            Block::Table(Table {
                align: vec![],
                head: vec![vec![text("头")]],
                rows: vec![vec![vec![text("行一")]], vec![vec![text("行二")]]],
                span: Span::default(),
            }),
            Block::Code {
                text: "ab\ncd".into(),
                span: Span::default(),
            },
        ];
        let notes = vec![Footnote {
            id: "n1".into(),
            number: 1,
            blocks: vec![p(vec![text("注")])],
        }];
        let marks = [
            mark(Part::Opening, &[], 0, "1"),
            // "一二三" + "四五": offset 4 is before 五, inside the emphasis.
            mark(Part::Body, &[0], 4, "2"),
            // After 五 (5), the note number (6) and the line break (7): before 六.
            mark(Part::Body, &[0], 7, "3"),
            mark(Part::Body, &[1, 1, 0], 1, "4"),
            mark(Part::Body, &[2, 2], 0, "5"),
            mark(Part::Body, &[3], 3, "6"),
            mark(Part::Notes, &[0], 0, "7"),
        ];
        let html = render_marked(blocks, notes, &[("n1", "section-01.xhtml#n1")], &marks);
        parse(&html);
        let pb = |n: &str| pagebreak(n);
        assert!(
            html.contains(&format!("<section id=\"sec-1\" class=\"chapter\" epub:type=\"chapter\" role=\"doc-chapter\" aria-labelledby=\"sec-1-title\">\n{}<header>", pb("1"))),
            "{html}"
        );
        assert!(
            html.contains(&format!("<em>四{}五</em>", pb("2"))),
            "{html}"
        );
        assert!(html.contains(&format!("<br/>{}六七", pb("3"))), "{html}");
        assert!(
            html.contains(&format!("<li>乙{}丙</li>", pb("4"))),
            "{html}"
        );
        assert!(
            html.contains(&format!("<tr><td>{}行二</td>", pb("5"))),
            "{html}"
        );
        assert!(
            html.contains(&format!("<pre><code>ab\n{}cd</code></pre>", pb("6"))),
            "{html}"
        );
        assert!(
            html.contains(&format!("role=\"doc-footnote\">\n{}<p>", pb("7"))),
            "{html}"
        );
        assert_eq!(html.matches("doc-pagebreak").count(), marks.len());
        assert!(pb("iv").contains("id=\"page-iv\" aria-label=\"iv\""));
    }

    #[test]
    fn a_mark_the_writer_does_not_reach_is_kept_at_the_end() {
        let html = render_marked(
            vec![p(vec![text("短")])],
            vec![],
            &[],
            &[mark(Part::Body, &[0], 99, "9")],
        );
        assert!(
            html.contains(&format!("{}</section>", pagebreak("9"))),
            "{html}"
        );
    }

    #[test]
    fn captionless_figure_is_decorative_and_roles_match_types() {
        let html = render(vec![Block::Figure(fig(1, "", None))], vec![], &[]);
        let doc = parse(&html);
        let img = doc.descendants().find(|n| n.has_tag_name("img")).unwrap();
        assert_eq!(img.attribute("alt"), Some(""));
        assert_eq!(img.attribute("role"), Some("presentation"));
        // Every epub:type this writer uses has its ARIA role.
        let ops = "http://www.idpf.org/2007/ops";
        for n in doc
            .descendants()
            .filter(|n| n.attribute((ops, "type")).is_some())
        {
            let t = n.attribute((ops, "type")).unwrap();
            let role = match t {
                "chapter" | "preface" | "footnote" | "noteref" | "pagebreak" => {
                    Some(format!("doc-{t}"))
                }
                _ => None,
            };
            if let Some(role) = role {
                assert_eq!(n.attribute("role"), Some(role.as_str()), "{t}");
            }
        }
    }

    fn parse(doc: &str) -> roxmltree::Document<'_> {
        roxmltree::Document::parse_with_options(
            doc,
            roxmltree::ParsingOptions {
                allow_dtd: true,
                ..Default::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn figure_markup_numbers_caption_and_credit() {
        let html = render(
            vec![Block::Figure(fig(
                3,
                "坚持走群众路线 <x>",
                Some("受访者供图"),
            ))],
            vec![],
            &[],
        );
        let doc = parse(&html);
        let figure = doc
            .descendants()
            .find(|n| n.has_tag_name("figure"))
            .unwrap();
        assert_eq!(figure.attribute("id"), Some("fig-3"));
        let img = figure.children().find(|n| n.has_tag_name("img")).unwrap();
        assert_eq!(img.attribute("src"), Some("images/img-1.png"));
        assert_eq!(img.attribute("alt"), Some("坚持走群众路线 <x>"));
        let cap = figure
            .children()
            .find(|n| n.has_tag_name("figcaption"))
            .unwrap();
        let text: String = cap
            .descendants()
            .filter(|n| n.is_text())
            .map(|n| n.text().unwrap())
            .collect();
        assert_eq!(text, "图3\u{3000}坚持走群众路线 <x>\u{3000}受访者供图");
        let credit = cap
            .children()
            .find(|n| n.attribute("class") == Some("credit"))
            .unwrap();
        assert_eq!(credit.text(), Some("受访者供图"));
    }

    #[test]
    fn section_has_lang_header_and_escaped_title() {
        let html = render(
            vec![Block::Paragraph {
                content: vec![Inline::Text("正文".into())],
                span: Span::default(),
            }],
            vec![],
            &[],
        );
        let doc = parse(&html);
        let root = doc.root_element();
        assert_eq!(root.attribute("lang"), Some("zh-CN"));
        assert_eq!(
            root.attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
            Some("zh-CN")
        );
        let h1 = doc.descendants().find(|n| n.has_tag_name("h1")).unwrap();
        assert_eq!(h1.text(), Some("标题 <1> & 2"));
        let header = h1.parent().unwrap();
        let kinds: Vec<_> = header
            .children()
            .filter(|n| n.is_element())
            .map(|n| n.tag_name().name().to_string())
            .collect();
        assert_eq!(kinds, ["p", "h1", "p"]);
        assert_eq!(header.first_element_child().unwrap().text(), Some("荷塘区"));
        assert_eq!(header.last_element_child().unwrap().text(), Some("文毅"));
    }

    #[test]
    fn headings_shift_below_the_title() {
        assert_eq!(heading_tag_level(2, 2), 2);
        assert_eq!(heading_tag_level(3, 2), 3);
        assert_eq!(heading_tag_level(1, 1), 2);
        assert_eq!(heading_tag_level(2, 1), 3);
        assert_eq!(heading_tag_level(6, 1), 6);
        let html = render(
            vec![Block::Heading {
                level: 2,
                id: "1-x".into(),
                content: vec![Inline::Text("一、注重理念新".into())],
                span: Span::default(),
            }],
            vec![],
            &[],
        );
        assert!(
            html.contains("<h2 id=\"id-1-x\">一、注重理念新</h2>"),
            "{html}"
        );
    }

    #[test]
    fn footnotes_link_both_ways() {
        let p = Block::Paragraph {
            content: vec![
                Inline::Text("正文".into()),
                Inline::FootnoteRef {
                    number: 1,
                    id: "sec-1-fn-1".into(),
                },
            ],
            span: Span::default(),
        };
        let note = Footnote {
            id: "sec-1-fn-1".into(),
            number: 1,
            blocks: vec![Block::Paragraph {
                content: vec![Inline::Text("注释".into())],
                span: Span::default(),
            }],
        };
        let html = render(
            vec![p.clone(), p],
            vec![note],
            &[("sec-1-fn-1", "section-01.xhtml#sec-1-fn-1")],
        );
        let doc = parse(&html);
        let ops = "http://www.idpf.org/2007/ops";
        let refs: Vec<_> = doc
            .descendants()
            .filter(|n| n.attribute((ops, "type")) == Some("noteref"))
            .collect();
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[0].attribute("id"), Some("sec-1-fn-1-ref"));
        assert_eq!(refs[1].attribute("id"), Some("sec-1-fn-1-ref-2"));
        assert_eq!(refs[0].attribute("href"), Some("#sec-1-fn-1"));
        let aside = doc.descendants().find(|n| n.has_tag_name("aside")).unwrap();
        assert_eq!(aside.attribute((ops, "type")), Some("footnote"));
        assert_eq!(aside.attribute("id"), Some("sec-1-fn-1"));
        let back = aside.descendants().find(|n| n.has_tag_name("a")).unwrap();
        assert_eq!(back.attribute("href"), Some("#sec-1-fn-1-ref"));
    }

    #[test]
    fn links_resolve_across_files_and_dead_ones_drop() {
        let p = Block::Paragraph {
            content: vec![
                Inline::Link {
                    href: "#sec-2".into(),
                    content: vec![Inline::Text("下一篇".into())],
                },
                Inline::Link {
                    href: "#nowhere".into(),
                    content: vec![Inline::Text("无".into())],
                },
                Inline::Link {
                    href: "https://example.org/a b".into(),
                    content: vec![Inline::Text("网".into())],
                },
            ],
            span: Span::default(),
        };
        let html = render(vec![p], vec![], &[("sec-2", "section-02.xhtml#sec-2")]);
        assert!(
            html.contains("<a href=\"section-02.xhtml#sec-2\">下一篇</a>"),
            "{html}"
        );
        assert!(html.contains("<span>无</span>"), "{html}");
        assert!(
            html.contains("<a href=\"https://example.org/a%20b\">网</a>"),
            "{html}"
        );
    }

    #[test]
    fn tables_lists_quotes_code() {
        let t = |s: &str| vec![Inline::Text(s.into())];
        let blocks = vec![
            Block::Table(Table {
                align: vec![Align::Center, Align::None],
                head: vec![t("甲"), t("乙")],
                rows: vec![vec![t("1"), t("2")]],
                span: Span::default(),
            }),
            Block::List {
                ordered: true,
                start: 3,
                items: vec![vec![Block::Paragraph {
                    content: t("三"),
                    span: Span::default(),
                }]],
                span: Span::default(),
            },
            Block::Quote {
                blocks: vec![Block::Paragraph {
                    content: t("引"),
                    span: Span::default(),
                }],
                span: Span::default(),
            },
            Block::Code {
                text: "a < b".into(),
                span: Span::default(),
            },
        ];
        let html = render(blocks, vec![], &[]);
        parse(&html);
        assert!(html.contains("<th scope=\"col\" class=\"al-c\">甲</th><th scope=\"col\">乙</th>"));
        assert!(html.contains("<ol start=\"3\">\n<li>三</li>"));
        assert!(html.contains("<blockquote>\n<p>引</p>"));
        assert!(html.contains("<pre><code>a &lt; b</code></pre>"));
    }
}
