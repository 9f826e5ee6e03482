//! The CJK typesetter: a [`crate::book::model::Book`] in, a [`document::Document`] (pages of
//! display items) out, for the PDF writer, `verify` and the imposer.
//!
//! Two stages, each a folder of passes with named intermediate types:
//!
//! - [`inline`] sets one paragraph: `StyledRun`s → shape (`Shaped` clusters) → break
//!   opportunities (`Brk`) → measure (`Metrics`, `Gap`) → line breaking (`LineMeasure`, total
//!   fit) → build lines (`Line` of `PlacedGlyph`s).
//! - [`page`] sets the book: collect each section's blocks into `Piece`s (grid lines and blocks
//!   of free height) → front matter (cover, TOC) → distribute pieces onto pages (`paginate`, no
//!   fonts) → finalize (labels, running heads, folios, outline).
//!
//! Beside them: [`fonts`] loads and parses each face once, [`sysfonts`] finds installed faces
//! for characters no configured font has, [`document`] is the output, and the character classes
//! and prohibition rules are the crate's CJK vocabulary, [`crate::cjk`]. The rules themselves
//! are written down in `docs/typesetting.md`.

pub use crate::cjk;
pub mod document;
pub mod fonts;
pub mod inline;
pub mod page;
pub mod sysfonts;
