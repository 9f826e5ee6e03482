//! The state the collect stage carries while it turns the book's blocks into pieces: fonts,
//! geometry, the logical-structure nodes made so far and where in the book it is.

use crate::book::model::Book;
use crate::typeset::document::{NodeId, Part, SourcePos, StructKind, StructNode};
use crate::typeset::fonts::FontSet;
use crate::typeset::inline;
use crate::typeset::page::geometry::Geometry;
use crate::typeset::page::paginate::footnotes::NoteSet;
use crate::units::Em;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// What a pagination tells the next collect.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct PassInfo {
    /// Page-mode note numbers, by mark name.
    pub(super) numbers: HashMap<String, u32>,
    /// Marks of addresses printed in the text that were printed earlier on the same page.
    pub(super) repeated: HashSet<String>,
    /// Printed page numbers of destinations (for （见第 N 页）).
    pub(super) pages: HashMap<String, String>,
}

/// The marks of the section being collected.
#[derive(Debug, Clone, Default)]
pub(super) struct Marks {
    /// Shared by the sections, which are collected on several threads.
    pub(super) info: Arc<PassInfo>,
    /// This section's PDF numbers by footnote id or address, in order of first mark.
    pub(super) numbers: HashMap<String, u32>,
    /// Address marks of this section: (mark name, address, number), for the notes.
    pub(super) urls: Vec<(String, String, u32)>,
    /// Address marks made in this section (they name the marks).
    pub(super) url_count: usize,
    /// Notes filed so far in the book (their order).
    pub(super) seq: usize,
    /// Setting a note: links in it print their address in the text.
    pub(super) in_note: bool,
}

/// The collect stage's state (one per layout).
pub(super) struct Setter<'a> {
    pub(super) book: &'a Book,
    pub(super) fonts: &'a FontSet,
    pub(super) g: Geometry,
    pub(super) nodes: Vec<StructNode>,
    pub(super) para_seq: usize,
    pub(super) timings: inline::Timings,
    /// Where the blocks being laid out are: section index, part and block path.
    pub(super) at: SourcePos,
    /// Characters of the current block's plain text flattened so far.
    pub(super) model_off: usize,
    /// The body font's em box top above the baseline, in em (places text on the grid).
    pub(super) body_em_top: Em,
    /// Notes set for the page foot, and the marks of the section being collected.
    pub(super) notes: NoteSet,
    pub(super) marks: Marks,
    /// The face, glyph and advance that code sets each ASCII character in, looked up once
    /// per setter (see `code.rs`): listings are mostly ASCII, and a cmap lookup per character
    /// was a tenth of setting the technical bench book's sections.
    pub(super) code_ascii: std::sync::OnceLock<Box<[Option<CodeGlyph>; 128]>>,
}

/// The face, glyph id and advance (em) of one character in code.
pub(super) type CodeGlyph = (crate::typeset::fonts::FontId, u16, f32);

impl<'a> Setter<'a> {
    pub(super) fn new(book: &'a Book, fonts: &'a FontSet, g: Geometry) -> Self {
        Setter {
            book,
            fonts,
            g,
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
            body_em_top: fonts.em_box_top(fonts.body()),
            notes: NoteSet::default(),
            marks: Marks::default(),
            code_ascii: std::sync::OnceLock::new(),
        }
    }

    /// Baseline offset of body-size text inside one grid line.
    pub(super) fn grid_baseline(&self) -> f32 {
        self.g.baseline_in_line(self.g.size, self.body_em_top)
    }

    /// The current block's position, `offset` characters in.
    pub(super) fn here(&self, offset: usize) -> SourcePos {
        SourcePos {
            offset,
            ..self.at.clone()
        }
    }

    pub(super) fn node(
        &mut self,
        kind: StructKind,
        parent: Option<NodeId>,
        alt: Option<String>,
    ) -> NodeId {
        self.nodes.push(StructNode { kind, parent, alt });
        self.nodes.len() - 1
    }
}
