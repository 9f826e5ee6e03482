//! The navigation: the table of contents as the outline nests it, the nav document (TOC,
//! landmarks, the print edition's page list) and the NCX for older readers.

use super::*;

/// A table of contents entry.
pub(super) struct TocEntry {
    pub(super) label: String,
    /// `None` for a part title, which is a heading over its chapters, not a link.
    pub(super) href: Option<String>,
    pub(super) children: Vec<TocEntry>,
}

/// The table of contents as the book's outline nests it (parts, chapters, sub-chapters), each
/// section with its top-level (`h2`) headings below it.
pub(super) fn toc(book: &Book, files: &[String]) -> Vec<TocEntry> {
    fn entry(book: &Book, files: &[String], node: &OutlineNode) -> TocEntry {
        let children = node.children().iter().map(|c| entry(book, files, c));
        match node {
            OutlineNode::Part { index, .. } => TocEntry {
                label: book.parts[*index].title.clone(),
                href: None,
                children: children.collect(),
            },
            OutlineNode::Section { index, .. } => {
                let (s, file) = (&book.sections[*index], &files[*index]);
                let min = xhtml::section_heading_shift(s);
                let mut sub: Vec<TocEntry> = s
                    .blocks
                    .iter()
                    .filter_map(|b| match b {
                        Block::Heading {
                            level, id, content, ..
                        } if xhtml::heading_tag_level(*level, min) == 2 => Some(TocEntry {
                            label: plain_text(content),
                            href: Some(format!("{file}#{}", xml::id(id))),
                            children: vec![],
                        }),
                        _ => None,
                    })
                    .collect();
                sub.extend(children);
                TocEntry {
                    label: s.title.clone(),
                    href: Some(file.clone()),
                    children: sub,
                }
            }
        }
    }
    book.outline()
        .iter()
        .map(|n| entry(book, files, n))
        .collect()
}

impl TocEntry {
    /// Where a reader goes: its own target, else its first child's (a part title).
    fn target(&self) -> &str {
        match &self.href {
            Some(h) => h,
            None => self.children.first().map_or("", |c| c.target()),
        }
    }

    fn depth(&self) -> usize {
        1 + self.children.iter().map(TocEntry::depth).max().unwrap_or(0)
    }
}

pub(super) fn nav_list(entries: &[TocEntry], out: &mut String) {
    out.push_str("<ol>\n");
    for e in entries {
        match &e.href {
            Some(href) => out.push_str(&format!(
                "<li><a href=\"{}\">{}</a>",
                xml::attr(href),
                xml::text(&e.label)
            )),
            None => out.push_str(&format!("<li><span>{}</span>", xml::text(&e.label))),
        }
        if !e.children.is_empty() {
            out.push('\n');
            nav_list(&e.children, out);
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n");
}

/// Where the print pages go in the EPUB: per section, the marks in reading order; the marks of
/// the title page and of the table of contents; and the page list (folio, href).
#[derive(Debug, Default)]
pub(super) struct Placed {
    pub(super) sections: Vec<Vec<xhtml::Mark>>,
    pub(super) title_page: Vec<String>,
    /// (entry index, folio): before the TOC title for entry 0, inside entry k's link otherwise.
    pub(super) toc: Vec<(usize, String)>,
    pub(super) list: Vec<(String, String)>,
}

/// Places every print page: a blank page is marked just before the page that follows it (at
/// the end of the book when none follows).
pub(super) fn place_pages(book: &Book, pages: &[(String, PageStart)], files: &[String]) -> Placed {
    let mut resolved: Vec<PageStart> = Vec::with_capacity(pages.len());
    let mut next: Option<PageStart> = None;
    for (_, start) in pages.iter().rev() {
        if *start != PageStart::Blank {
            next = Some(start.clone());
        }
        resolved.push(next.clone().unwrap_or_else(|| {
            PageStart::At(SourcePos {
                section: book.sections.len().saturating_sub(1),
                part: Part::Notes,
                path: vec![usize::MAX],
                offset: 0,
            })
        }));
    }
    resolved.reverse();
    let mut placed = Placed {
        sections: vec![Vec::new(); book.sections.len()],
        ..Placed::default()
    };
    let mut at: Vec<(SourcePos, usize)> = Vec::new();
    for (i, ((label, _), start)) in pages.iter().zip(&resolved).enumerate() {
        let file = match start {
            PageStart::Cover => {
                placed.title_page.push(label.clone());
                "title.xhtml".to_string()
            }
            PageStart::Toc(k) => {
                placed.toc.push((*k, label.clone()));
                "nav.xhtml".to_string()
            }
            PageStart::At(pos) if pos.section < book.sections.len() => {
                at.push((pos.clone(), i));
                files[pos.section].clone()
            }
            PageStart::At(_) | PageStart::Blank => continue,
        };
        placed
            .list
            .push((label.clone(), format!("{file}#{}", xhtml::page_id(label))));
    }
    // Reading order; pages that begin at the same place keep their order.
    at.sort();
    for (pos, i) in at {
        placed.sections[pos.section].push(xhtml::Mark {
            part: pos.part,
            path: pos.path,
            offset: pos.offset,
            label: pages[i].0.clone(),
        });
    }
    placed
}

/// The page list's title, in the book's language.
pub(super) fn page_list_title(lang: &str) -> &'static str {
    crate::words::for_language(lang).pages
}

pub(super) fn nav_document(
    book: &Book,
    entries: &[TocEntry],
    landmarks: &[(&str, String, &str)],
    placed: Option<&Placed>,
) -> String {
    let mut body = String::new();
    let toc_marks = placed.map(|p| p.toc.as_slice()).unwrap_or(&[]);
    for (_, label) in toc_marks.iter().filter(|(k, _)| *k == 0) {
        body.push_str(&xhtml::pagebreak(label));
        body.push('\n');
    }
    let words = crate::words::for_language(lang_of(book));
    body.push_str(&format!(
        "<nav epub:type=\"toc\" role=\"doc-toc\" id=\"toc\">\n<h1>{}</h1>\n",
        words.contents
    ));
    let mut list = String::new();
    nav_list(entries, &mut list);
    // A TOC page of the print edition that begins with entry k: its marker opens that entry's
    // link (the nav's list items may hold nothing but the link and a sub-list).
    let files = section_files(book);
    for (k, label) in toc_marks.iter().filter(|(k, _)| *k > 0) {
        if let Some(file) = files.get(*k) {
            let open = format!("<li><a href=\"{}\">", xml::attr(file));
            list = list.replacen(&open, &format!("{open}{}", xhtml::pagebreak(label)), 1);
        }
    }
    body.push_str(&list);
    body.push_str("</nav>\n");
    if let Some(p) = placed.filter(|p| !p.list.is_empty()) {
        body.push_str(&format!(
            "<nav epub:type=\"page-list\" role=\"doc-pagelist\" id=\"page-list\" hidden=\"hidden\">\n<h2>{}</h2>\n<ol>\n",
            page_list_title(lang_of(book))
        ));
        for (label, href) in &p.list {
            body.push_str(&format!(
                "<li><a href=\"{}\">{}</a></li>\n",
                xml::attr(href),
                xml::text(label)
            ));
        }
        body.push_str("</ol>\n</nav>\n");
    }
    body.push_str(&format!(
        "<nav epub:type=\"landmarks\" id=\"landmarks\" hidden=\"hidden\">\n<h2>{}</h2>\n<ol>\n",
        words.landmarks
    ));
    for (kind, href, label) in landmarks {
        body.push_str(&format!(
            "<li><a epub:type=\"{kind}\" href=\"{}\">{}</a></li>\n",
            xml::attr(href),
            xml::text(label)
        ));
    }
    body.push_str("</ol>\n</nav>\n");
    xhtml::document(
        lang_of(book),
        words.contents,
        " epub:type=\"frontmatter\"",
        &body,
    )
}

pub(super) fn ncx_points(entries: &[TocEntry], order: &mut u32, out: &mut String) {
    for e in entries {
        // A part title points where its first chapter does, so it shares that play order
        // (and needs an id of its own).
        let (o, id) = if e.href.is_some() {
            *order += 1;
            (*order, format!("np-{}", *order))
        } else {
            (*order + 1, format!("np-part-{}", *order + 1))
        };
        out.push_str(&format!(
            "<navPoint id=\"{id}\" playOrder=\"{o}\"><navLabel><text>{}</text></navLabel><content src=\"{}\"/>\n",
            xml::text(&e.label),
            xml::attr(e.target()),
        ));
        ncx_points(&e.children, order, out);
        out.push_str("</navPoint>\n");
    }
}

pub(super) fn ncx_document(book: &Book, entries: &[TocEntry]) -> String {
    let depth = entries.iter().map(TocEntry::depth).max().unwrap_or(1);
    let mut points = String::new();
    ncx_points(entries, &mut 0, &mut points);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<ncx xmlns=\"http://www.daisy.org/z3986/2005/ncx/\" version=\"2005-1\" xml:lang=\"{lang}\">\n<head>\n\
<meta name=\"dtb:uid\" content=\"{uid}\"/>\n<meta name=\"dtb:depth\" content=\"{depth}\"/>\n\
<meta name=\"dtb:totalPageCount\" content=\"0\"/>\n<meta name=\"dtb:maxPageNumber\" content=\"0\"/>\n</head>\n\
<docTitle><text>{title}</text></docTitle>\n<navMap>\n{points}</navMap>\n</ncx>\n",
        lang = xml::attr(lang_of(book)),
        uid = xml::attr(&book.meta.identifier),
        title = xml::text(&book.meta.title),
    )
}
