//! Pagination: flows a whole [`Book`] into pages of display items.
//!
//! The result, a [`Document`], is plain data in page coordinates (points, origin at the top-left
//! corner of the page, y growing downwards). The PDF writer draws it; the imposer draws the same
//! [`Page`]s again at an offset on a bigger sheet. Nothing here knows about PDF.
//!
//! Page plan: cover (i, no number) · blank verso · 目录 (from iii) · preface (编者按, roman
//! numbers) · body from a recto page numbered 1, each speech on a new page. Body text sits on a
//! constant baseline grid (one grid line = font size × line height); headings, figures and the
//! section openings take whole grid lines so the text after them comes back onto the grid.
//!
//! Figures float: a figure that does not fit on the rest of the page goes to the top of the next
//! page and the text continues to fill the current one (图随文走, 先见文后见图: the figure still
//! comes after the text that introduces it, and the page is not left half empty, which a Chinese
//! book editor would not accept). A figure never leaves its section: at the end of a section,
//! pending figures are placed before the next section starts.
//!
//! Footnotes are set at the end of their section (the speeches are a few pages long, so the
//! notes stay close), under a short rule, in the caption size.

//!
//! The page stage, one pass a file:
//! - [`setter`]: the state carried while collecting (fonts, geometry, structure nodes, position);
//! - [`runs`]: inlines → styled runs → set lines of display items (calls the inline stage);
//! - [`blocks`], [`figures`]: collect a section's blocks into [`paginate::Piece`]s;
//! - [`front`]: the cover and the table of contents;
//! - [`paginate`]: distribute pieces onto pages (no fonts);
//! - [`finalize`]: page labels, running heads, folios and the outline.

mod blocks;
mod figures;
mod finalize;
mod front;
pub mod geometry;
mod paginate;
mod runs;
mod setter;

pub use crate::typeset::document::*;
pub use geometry::{Geometry, LIST_INDENT_EM, MIN_MEASURE_EM, QUOTE_INDENT_EM};

use crate::book::model::Book;
use crate::diag::Result;
use crate::typeset::fonts::FontSet;
use crate::typeset::inline;
use finalize::{label_for, outline_entries};
use paginate::PageBuild;
use setter::Setter;
use std::collections::HashMap;

/// Lays the book out into pages.
pub fn layout(book: &Book, fonts: &FontSet) -> Result<Document> {
    let g = Geometry::new(book);
    let mut lay = Setter {
        book,
        fonts,
        g: g.clone(),
        nodes: Vec::new(),
        para_seq: 0,
        timings: inline::Timings::default(),
        at: SourcePos {
            section: 0,
            part: Part::Opening,
            path: Vec::new(),
            offset: 0,
        },
        model_off: 0,
    };

    // BodyPages first with a guessed TOC length, then the TOC with real numbers; redo the content
    // if the TOC came out longer than guessed (page parity would change).
    let mut toc_pages = lay.toc(None)?.len().max(1);
    let (front_pages, content, body_start, toc) = loop {
        lay.nodes.clear();
        let toc_node = lay.node(StructKind::Toc, None, None);
        let start = 2 + toc_pages;
        let content = lay.content(start)?;
        let body_start = content.body_start.unwrap_or(start + content.pages.len());
        let numbers: HashMap<String, String> = content
            .dests
            .iter()
            .map(|d| (d.name.clone(), label_for(d.page, body_start).text()))
            .collect();
        let toc = lay.toc(Some((&numbers, toc_node)))?;
        if toc.len() == toc_pages {
            break (2 + toc.len(), content, body_start, toc);
        }
        toc_pages = toc.len();
    };
    let _ = front_pages;

    let mut builds: Vec<PageBuild> = Vec::new();
    builds.push(lay.cover()?);
    builds.push(PageBuild {
        blank: true,
        ..PageBuild::default()
    });
    builds.extend(toc);
    builds.extend(content.pages);

    let mut pages = Vec::with_capacity(builds.len());
    let toc_end = 2 + toc_pages;
    for (i, b) in builds.into_iter().enumerate() {
        let label = label_for(i, body_start);
        let mut items = b.items;
        if !b.blank && i > 0 {
            lay.decorate(i, &label, b.opening, b.head.as_deref(), &mut items)?;
        }
        let start = match b.first {
            _ if b.blank => PageStart::Blank,
            _ if i == 0 => PageStart::Cover,
            Some(p) if i < toc_end => PageStart::Toc(p.section),
            Some(p) => PageStart::At(p),
            None => PageStart::Blank,
        };
        pages.push(Page {
            label,
            items,
            start,
        });
    }

    let dest_map: HashMap<&str, &Destination> =
        content.dests.iter().map(|d| (d.name.as_str(), d)).collect();
    let outline = outline_entries(book, &book.outline(), &dest_map);

    Ok(Document {
        width: g.page_w,
        height: g.page_h,
        pages,
        outline,
        destinations: content.dests,
        structure: lay.nodes,
        timings: lay.timings,
    })
}
