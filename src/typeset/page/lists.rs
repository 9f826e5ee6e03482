//! Front matter: the list of figures (图目录) after the table of contents, with `[pdf] lists
//! = true`. Its entries are set as the contents' are (title, leader dots, page number, the
//! whole line a link), from the same numbers, so it settles with the contents.

use crate::book::model::{self, Block};
use crate::diag::Result;
use crate::typeset::document::{NodeId, OutlineEntry};
use crate::typeset::page::front::TocEntry;
use crate::typeset::page::paginate::{PageBuild, Piece};
use crate::typeset::page::setter::Setter;
use std::collections::HashMap;

/// The book's figures in reading order as list entries: label, gap and caption.
pub(super) fn figure_entries(book: &model::Book) -> Vec<TocEntry> {
    let gap = crate::words::for_language(&book.meta.language).caption_gap;
    let mut out = Vec::new();
    for (section, s) in book.sections.iter().enumerate() {
        for v in s.blocks() {
            if let Block::Figure(f) = v.block {
                let caption = model::plain_text(&f.caption);
                let title = match (f.label.is_empty(), caption.trim().is_empty()) {
                    (true, _) => caption,
                    (false, true) => f.label.clone(),
                    (false, false) => format!("{}{gap}{caption}", f.label),
                };
                out.push(TocEntry {
                    title,
                    section,
                    dest: f.id.clone(),
                    depth: 0,
                    part: false,
                    kicker: None,
                });
            }
        }
    }
    out
}

impl Setter<'_> {
    /// The list of figures, on a page of its own after the contents, when `[pdf] lists` asks
    /// for it and the book has figures; `numbers` as for [`Setter::toc`].
    pub(super) fn lists(
        &mut self,
        numbers: Option<(&HashMap<String, String>, NodeId)>,
        toc_node: Option<NodeId>,
        pieces: &mut Vec<Piece>,
    ) -> Result<()> {
        let entries = figure_entries(self.book);
        if !self.book.pdf.lists || entries.is_empty() {
            return Ok(());
        }
        let words = crate::words::for_language(&self.book.meta.language);
        pieces.push(Piece::NewPage {
            recto: false,
            head: Some(words.figures_list.into()),
            body: false,
        });
        // The title, as the contents' own, and a bookmark-worthy heading in the structure.
        pieces.push(self.front_title(words.figures_list, words.figures_list, toc_node)?);
        for e in &entries {
            self.toc_entry(e, numbers.map(|n| n.0), toc_node, pieces)?;
        }
        Ok(())
    }
}

/// The bookmark of the list of figures: its first page among `pages` (the whole book's, the
/// contents and the list being `front`), at the top of its type area.
pub(super) fn bookmark(
    book: &model::Book,
    pages: &[PageBuild],
    front: std::ops::Range<usize>,
    top: f32,
) -> Option<OutlineEntry> {
    if !book.pdf.lists {
        return None;
    }
    let title = crate::words::for_language(&book.meta.language).figures_list;
    let page = front.clone().find(|&i| {
        pages
            .get(i)
            .is_some_and(|p| p.head.as_deref() == Some(title))
    })?;
    Some(OutlineEntry {
        title: title.into(),
        dest: String::new(),
        page,
        y: top,
        children: Vec::new(),
    })
}
