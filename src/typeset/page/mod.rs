//! Pagination: flows a whole [`Book`] into pages of display items.
//!
//! The result, a [`Document`], is plain data in page coordinates (points, origin at the top-left
//! corner of the page, y growing downwards). The PDF writer draws it; the imposer draws the same
//! [`Page`]s again at an offset on a bigger sheet. Nothing here knows about PDF.
//!
//! Page plan: cover (i, no number) · blank verso · 目录 (from iii) · preface (编者按, roman
//! numbers) · body from a recto page numbered 1, each speech on a new page. A book with a cover
//! picture opens with it (i, full page) and a blank verso (ii); the drawn cover follows as the
//! title page (iii), the 目录 from v. Body text sits on a
//! constant baseline grid (one grid line = font size × line height); headings, figures and the
//! section openings take whole grid lines so the text after them comes back onto the grid.
//!
//! Figures float: a figure that does not fit on the rest of the page goes to the top of the next
//! page and the text continues to fill the current one (图随文走, 先见文后见图: the figure still
//! comes after the text that introduces it, and the page is not left half empty, which a Chinese
//! book editor would not accept). A figure never leaves its section: at the end of a section,
//! pending figures are placed before the next section starts.
//!
//! Footnotes are set at the foot of the page that refers to them, under a short rule, in the
//! caption size (`notes` sets them, `footnotes` places them).

//!
//! The page stage, one pass a file:
//! - [`setter`]: the state carried while collecting (fonts, geometry, structure nodes, position);
//! - [`runs`]: inlines → styled runs → set lines of display items (calls the inline stage);
//! - [`blocks`], [`code`], [`figures`], [`table`]: collect a section's blocks into [`paginate::Piece`]s;
//! - [`join`]: the sections collected on both cores, joined in book order;
//! - [`notes`]: footnotes and link addresses set as notes, marks numbered;
//! - [`front`]: the cover and the table of contents;
//! - [`paginate`]: distribute pieces onto pages (no fonts); [`paginate::footnotes`]: their notes at
//!   the feet of the pages;
//! - [`finalize`]: page labels, running heads, folios and the outline.

mod blocks;
mod code;
mod figures;
mod finalize;
mod front;
pub mod geometry;
mod join;
mod lists;
mod notes;
mod paginate;
mod runs;
mod setter;
mod spacing;
mod table;
mod vertical;

pub use crate::typeset::document::*;
pub use geometry::{Geometry, LIST_INDENT_EM, MIN_MEASURE_EM, QUOTE_INDENT_EM, SMALL};
pub use table::table_fits;

use crate::book::model::Book;
use crate::diag::Result;
use crate::typeset::fonts::FontSet;
use finalize::{label_for, outline_entries};
use paginate::{BodyPages, PageBuild, paginate_notes};
use setter::PassInfo;
use setter::Setter;
use std::collections::HashMap;

/// Lays the book out into pages.
pub fn layout(book: &Book, fonts: &FontSet) -> Result<Document> {
    if vertical::is_vertical(book) {
        // Laid out on the page turned a quarter, then turned back into columns.
        let turned = vertical::transposed(book);
        let mut doc = layout_lines(&turned, fonts)?;
        vertical::into_columns(&mut doc, book, &turned, fonts);
        return Ok(doc);
    }
    layout_lines(book, fonts)
}

/// Lays the book out into pages of horizontal lines.
fn layout_lines(book: &Book, fonts: &FontSet) -> Result<Document> {
    let g = Geometry::new(book);
    let mut lay = Setter::new(book, fonts, g.clone());
    // Collect: the structure tree starts with the TOC's node, then the body's nodes.
    let toc_node = lay.node(StructKind::Toc, None, None);
    // The cover picture's page and its verso come before the drawn cover.
    let title_page = if book.meta.cover.is_some() { 2 } else { 0 };
    let front = title_page + 2;
    // Per-page note numbers, page references and addresses printed once a page are known
    // only after pagination: then the body is collected again with what the last pagination
    // found, until nothing changes (as LaTeX reruns).
    let mut info = PassInfo::default();
    let mut round = 1;
    let (toc_pages, body, mut toc) = loop {
        lay.nodes.truncate(toc_node + 1);
        lay.reset_notes(info.clone());
        let mut pieces = lay.collect_body()?;
        // Kept through pagination: no room to spare for growth.
        pieces.shrink_to_fit();
        let (toc_pages, body, toc, numbers) =
            paginate_with_toc(&mut lay, &g, toc_node, front, &pieces)?;
        let next = notes::pass_info(book, &body.marks, &lay.notes, numbers);
        if !notes::needs_passes(book) || next == info || round == notes::MAX_PASSES {
            break (toc_pages, body, toc);
        }
        info = next;
        round += 1;
    };
    // A TOC shorter than the pages reserved for it (see settle_toc) ends with blank pages.
    while toc.len() < toc_pages {
        toc.push(PageBuild {
            blank: true,
            ..PageBuild::default()
        });
    }
    let toc_pages = toc.len();
    let body_start = body
        .body_start
        .unwrap_or(front + toc_pages + body.pages.len());
    let content = body;

    let mut builds: Vec<PageBuild> = Vec::new();
    if let Some(picture) = lay.cover_picture() {
        builds.push(picture);
        builds.push(PageBuild {
            blank: true,
            ..PageBuild::default()
        });
    }
    builds.push(lay.cover()?);
    builds.push(PageBuild {
        blank: true,
        ..PageBuild::default()
    });
    builds.extend(toc);
    builds.extend(content.pages);

    let toc_end = front + toc_pages;
    let list_mark = lists::bookmark(book, &builds, front..toc_end, g.top);
    let mut pages = Vec::with_capacity(builds.len());
    for (i, b) in builds.into_iter().enumerate() {
        let label = label_for(i, body_start);
        let mut items = b.items;
        if !b.blank && i > title_page {
            lay.decorate(i, &label, b.opening, b.head.as_deref(), &mut items)?;
        }
        // Pages are kept until the PDF is drawn: no room to spare for growth.
        items.shrink_to_fit();
        let start = match b.first {
            // The cover picture's page is marked where the title page begins in the EPUB (whose
            // own cover page is the same picture), as a blank page is.
            _ if b.blank || i < title_page => PageStart::Blank,
            _ if i == title_page => PageStart::Cover,
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
    let mut outline = outline_entries(book, &book.outline(), &dest_map);
    outline.splice(0..0, list_mark);

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

/// The TOC's page count, the body's pages, the TOC and the printed page of each destination.
type Paginated = (usize, BodyPages, Vec<PageBuild>, HashMap<String, String>);

/// Paginates the body after the `front` pages (covers) and the TOC, settling how many pages the TOC takes (see
/// [`front::settle_toc`]): the TOC's pages, the body's, the TOC itself and the printed page
/// number of every destination.
fn paginate_with_toc(
    lay: &mut Setter,
    g: &Geometry,
    toc_node: usize,
    front: usize,
    pieces: &[paginate::Piece],
) -> Result<Paginated> {
    let body_nodes = lay.nodes.len();
    let notes = std::rc::Rc::new(std::mem::take(&mut lay.notes));
    // Distribute: the TOC's length decides where the body starts, and the body's pages decide
    // the TOC's numbers. Only pagination and the TOC are redone until the two agree.
    let guess = lay.toc(None)?.len().max(1);
    let (toc_pages, (body, toc, numbers)) = front::settle_toc(guess, |reserved| {
        lay.nodes.truncate(body_nodes);
        let start = front + reserved;
        let body = paginate_notes(g, start, pieces, notes.clone());
        let body_start = body.body_start.unwrap_or(start + body.pages.len());
        let numbers: HashMap<String, String> = body
            .dests
            .iter()
            .map(|d| (d.name.clone(), label_for(d.page, body_start).text()))
            .collect();
        let toc = lay.toc(Some((&numbers, toc_node)))?;
        Ok((toc.len(), (body, toc, numbers)))
    })?;
    lay.notes = std::rc::Rc::unwrap_or_clone(notes);
    Ok((toc_pages, body, toc, numbers))
}
