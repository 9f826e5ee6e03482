//! Font faces, loaded and parsed once, shared read-only by every paragraph (and thread).
//!
//! Each distinct font file (path, size, modification time) is read once per process and its bytes
//! are kept for the life of the process: the parsed `rustybuzz::Face<'static>` borrows them, so a
//! paragraph never re-reads or re-parses a font (building a `Face` from a Noto CJK file costs
//! about 70 µs, which over thousands of paragraphs would matter). A command-line build loads its
//! fonts once, so keeping them is what it would do anyway.
//!
//! On Unix the file is memory-mapped rather than read: a Noto CJK pair is 29 MB, and copying it
//! all took about a third of the sample book's build, while shaping, subsetting and the coverage
//! table touch only a few hundred kilobytes of it.
//!
//! One job a file: `load.rs` reads and checks font files (bundled, mapped, interned) and
//! `locale.rs` picks a collection's face for the book's region; `face.rs` parses one face
//! (coverage, shaping plans, vertical metrics), `punct.rs` measures its punctuation blanks; this
//! file is the set of faces the typesetter asks.

mod face;
mod load;
mod locale;
mod punct;
#[cfg(test)]
pub(crate) mod testfont;
#[cfg(test)]
mod tests;

pub(crate) use face::Loaded;
pub use load::{builtin, check_font_file};
pub use locale::Locale;
pub use punct::PunctMetrics;

use crate::book::model::{FontFile, FontSettings};
use crate::cjk::Region;
use crate::diag::{Diagnostic, Result};
use crate::units::Em;
use locale::choose_face;
use rustybuzz::{Direction, Feature, Language, Script, ShapePlan};

/// Index of a face inside a [`FontSet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FontId(pub u16);
/// All configured faces, parsed once. Cheap to share by reference across threads.
pub struct FontSet {
    faces: Vec<Loaded>,
    body: FontId,
    heading: FontId,
    code: FontId,
    fallbacks: Vec<FontId>,
    locale: Locale,
}

impl std::fmt::Debug for FontSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontSet")
            .field(
                "faces",
                &self
                    .faces
                    .iter()
                    .map(|l| (&l.path, l.index))
                    .collect::<Vec<_>>(),
            )
            .field("body", &self.body)
            .field("heading", &self.heading)
            .field("code", &self.code)
            .field("fallbacks", &self.fallbacks)
            .finish()
    }
}

// Layout may run per section on several threads.
const _: () = {
    const fn assert_sync<T: Sync + Send>() {}
    assert_sync::<FontSet>();
};

impl FontSet {
    /// Reads and parses the body, heading and fallback faces. A collection given without an
    /// index gets the face for zh-CN; see [`FontSet::load_for`].
    pub fn load(settings: &FontSettings) -> Result<FontSet> {
        Self::load_for(settings, "zh-CN").map(|(set, _)| set)
    }

    /// Like [`FontSet::load`], choosing the face of a collection given without an index by the
    /// book's language; returns notes on the faces so chosen.
    pub fn load_for(settings: &FontSettings, language: &str) -> Result<(FontSet, Vec<Diagnostic>)> {
        Self::load_localized(settings, language, None)
    }

    /// Like [`FontSet::load_for`], shaping the text for the region of `language` and the
    /// punctuation for `punctuation` (`[pdf] punctuation`; None: the language's region).
    pub fn load_localized(
        settings: &FontSettings,
        language: &str,
        punctuation: Option<Region>,
    ) -> Result<(FontSet, Vec<Diagnostic>)> {
        let locale = Locale::new(language, punctuation);
        let mut notes = Vec::new();
        let mut resolve = |file: &FontFile| -> Result<FontFile> {
            let (file, note) = choose_face(file, language)?;
            if let Some(n) = note
                && !notes.contains(&n)
            {
                notes.push(n);
            }
            Ok(file)
        };
        let settings = FontSettings {
            body: resolve(&settings.body)?,
            heading: resolve(&settings.heading)?,
            code: resolve(&settings.code)?,
            fallback: settings
                .fallback
                .iter()
                .map(&mut resolve)
                .collect::<Result<Vec<_>>>()?,
            system: settings.system,
        };
        Self::load_resolved(&settings, locale).map(|set| (set, notes))
    }

    fn load_resolved(settings: &FontSettings, locale: Locale) -> Result<FontSet> {
        let mut faces: Vec<Loaded> = Vec::new();
        let id_of = |file: &FontFile, faces: &mut Vec<Loaded>| -> Result<FontId> {
            if let Some(i) = faces
                .iter()
                .position(|f| f.path == file.path && f.index == file.index)
            {
                return Ok(FontId(i as u16));
            }
            faces.push(Loaded::open(file, locale)?);
            Ok(FontId((faces.len() - 1) as u16))
        };
        let body = id_of(&settings.body, &mut faces)?;
        let heading = id_of(&settings.heading, &mut faces)?;
        let code = id_of(&settings.code, &mut faces)?;
        let mut fallbacks = Vec::new();
        for f in &settings.fallback {
            let id = id_of(f, &mut faces)?;
            if !fallbacks.contains(&id) {
                fallbacks.push(id);
            }
        }
        Ok(FontSet {
            faces,
            body,
            heading,
            code,
            fallbacks,
            locale,
        })
    }
    /// The regions the text and the punctuation are shaped for.
    pub fn locale(&self) -> Locale {
        self.locale
    }
    /// Adds a face at the end of the fallback chain (a font found on the machine for characters
    /// the configured faces lack), or returns the face already loaded from that file.
    pub fn push_fallback(&mut self, file: &FontFile) -> Result<FontId> {
        let id = match self
            .faces
            .iter()
            .position(|f| f.path == file.path && f.index == file.index)
        {
            Some(i) => FontId(i as u16),
            None => {
                self.faces.push(Loaded::open(file, self.locale)?);
                FontId((self.faces.len() - 1) as u16)
            }
        };
        if id != self.body && id != self.heading && id != self.code && !self.fallbacks.contains(&id)
        {
            self.fallbacks.push(id);
        }
        Ok(id)
    }
    /// The body (serif) face.
    pub fn body(&self) -> FontId {
        self.body
    }
    /// The heading (sans bold) face.
    pub fn heading(&self) -> FontId {
        self.heading
    }
    /// The monospace face of code. Characters it lacks (Chinese) come from the body face and
    /// then the fallbacks, as for any face ([`FontSet::resolve`]).
    pub fn code(&self) -> FontId {
        self.code
    }
    /// The configured fallback faces, in order.
    pub fn fallbacks(&self) -> &[FontId] {
        &self.fallbacks
    }
    /// Number of distinct faces (ids are `0..len`).
    pub fn len(&self) -> usize {
        self.faces.len()
    }
    pub fn is_empty(&self) -> bool {
        self.faces.is_empty()
    }
    /// The raw font file and face index, for embedding.
    pub fn data(&self, id: FontId) -> (&'static [u8], u32) {
        let f = self.face(id);
        (f.bytes, f.index)
    }
    /// The file a face came from (for messages).
    pub fn path(&self, id: FontId) -> &std::path::Path {
        &self.face(id).path
    }
    /// Whether some face of the chain starting at `primary` can draw `c`.
    pub fn covers(&self, primary: FontId, c: char) -> bool {
        self.resolve(primary, c).is_some()
    }
    /// The first face of the chain (primary, body, fallbacks) that has a glyph for `c`.
    pub fn resolve(&self, primary: FontId, c: char) -> Option<FontId> {
        self.chain(primary).find(|&id| self.has_glyph(id, c))
    }
    /// Whether this very face has a glyph for `c`.
    pub fn has_glyph(&self, id: FontId, c: char) -> bool {
        self.face(id).has_glyph(c)
    }
    fn chain(&self, primary: FontId) -> impl Iterator<Item = FontId> + '_ {
        let primary = if usize::from(primary.0) < self.faces.len() {
            primary
        } else {
            self.body
        };
        std::iter::once(primary)
            .chain((self.body != primary).then_some(self.body))
            .chain(
                self.fallbacks
                    .iter()
                    .copied()
                    .filter(move |&f| f != primary && f != self.body),
            )
    }
    /// The face's glyph for `c` from its cmap alone (no shaping) and its advance in em: code is
    /// set one character to a cell, so it needs neither ligatures nor kerning.
    pub fn glyph_for(&self, id: FontId, c: char) -> Option<(u16, Em)> {
        let f = self.face(id);
        let g = f.face.glyph_index(c).filter(|g| g.0 != 0)?;
        let adv = f.face.glyph_hor_advance(g).map_or(0.0, f32::from);
        Some((g.0, Em(adv / f.upem)))
    }
    /// Ascender and descender (negative) of the face.
    pub fn vertical_metrics(&self, id: FontId) -> (Em, Em) {
        let f = self.face(id);
        (Em(f.ascent), Em(f.descent))
    }
    /// The top of the face's em box above the baseline, in em: where the baseline sits in a
    /// line whose em box is centred (docs/typesetting.md §7). It is the typographic ascender
    /// (OS/2 `sTypoAscender`, else `hhea`) when ascender and descender span one em, as in CJK
    /// fonts (Noto CJK: 0.88, the ideographic em box); otherwise the ascender's share of their
    /// span, so that a Latin font with a tall ascender still gets a one-em box around its text.
    pub fn em_box_top(&self, id: FontId) -> Em {
        let f = self.face(id);
        Em(em_box_top(f.ascent, f.descent))
    }
    /// Units per em of the face.
    pub fn units_per_em(&self, id: FontId) -> f32 {
        self.face(id).upem
    }
    /// Whether the face has a `halt` (half-width alternates) feature for punctuation.
    pub fn has_halt(&self, id: FontId) -> bool {
        self.face(id).has_halt
    }
    /// The parsed face, for shaping or glyph queries (e.g. outlines for a rasteriser).
    pub fn shaper_face(&self, id: FontId) -> &rustybuzz::Face<'static> {
        &self.face(id).face
    }
    /// Half-width metrics of a full-width punctuation glyph of this face, if it is one.
    pub fn punct_metrics(&self, id: FontId, glyph: u16) -> Option<PunctMetrics> {
        self.face(id).punct.get(&glyph).copied()
    }
    pub(crate) fn face(&self, id: FontId) -> &Loaded {
        // Ids come from this set; an out-of-range id (from another set) falls back to the body.
        self.faces
            .get(usize::from(id.0))
            .unwrap_or(&self.faces[usize::from(self.body.0)])
    }
}

/// [`FontSet::em_box_top`] from a face's ascender and descender (negative), in em.
fn em_box_top(ascent: f32, descent: f32) -> f32 {
    let span = ascent - descent;
    if span <= 0.0 || ascent <= 0.0 {
        // No usable vertical metrics: the split of an ideographic em box.
        return 0.88;
    }
    if (span - 1.0).abs() < 0.01 {
        ascent
    } else {
        ascent / span
    }
}

/// The script a piece of text is shaped with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ShapeScript {
    Han,
    /// Stops (，。、；：！？) shaped for the punctuation's region where it is not the text's.
    HanPunct,
    Latin,
}

impl ShapeScript {
    pub(crate) fn script(self) -> Script {
        match self {
            ShapeScript::Han | ShapeScript::HanPunct => rustybuzz::script::HAN,
            ShapeScript::Latin => rustybuzz::script::LATIN,
        }
    }
}

fn han_plan(face: &rustybuzz::Face, lang: Option<&Language>, features: &[Feature]) -> ShapePlan {
    ShapePlan::new(
        face,
        Direction::LeftToRight,
        Some(rustybuzz::script::HAN),
        lang,
        features,
    )
}
