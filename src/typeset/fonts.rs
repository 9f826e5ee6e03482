//! CONTRACT STUB (to be replaced by the typesetting engine): font faces loaded once and shared.

use crate::book::model::FontSettings;
use crate::diag::{Diagnostic, Result};
use std::sync::Arc;

/// Index of a face inside a [`FontSet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FontId(pub u16);

/// All configured faces, parsed once. Cheap to share by reference across threads.
pub struct FontSet {
    _private: (),
}

impl FontSet {
    /// Reads and parses the body, heading and fallback faces.
    pub fn load(_settings: &FontSettings) -> Result<FontSet> {
        Err(Diagnostic::error("font loading not implemented yet").into())
    }
    /// The body (serif) face.
    pub fn body(&self) -> FontId {
        FontId(0)
    }
    /// The heading (sans bold) face.
    pub fn heading(&self) -> FontId {
        FontId(1)
    }
    /// The raw font file and face index, for embedding.
    pub fn data(&self, _id: FontId) -> (Arc<Vec<u8>>, u32) {
        unimplemented!()
    }
    /// Whether some face of the chain starting at `primary` can draw `c`.
    pub fn covers(&self, _primary: FontId, _c: char) -> bool {
        false
    }
    /// Ascender and descender (negative) in em units of the face.
    pub fn vertical_metrics(&self, _id: FontId) -> (f32, f32) {
        (0.88, -0.12)
    }
}
