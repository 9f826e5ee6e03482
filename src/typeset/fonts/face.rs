//! One parsed face: its bytes, coverage, vertical metrics and shaping plans.

use super::load::{damaged, intact, read_interned};
use super::{Locale, PunctMetrics, ShapeScript, han_plan, punct};
use crate::book::model::FontFile;
use crate::cjk::Region;
use crate::diag::{Diagnostic, Result};
use rustybuzz::ttf_parser;
use rustybuzz::{Direction, Feature, Language, ShapePlan};
use std::collections::HashMap;
use std::path::PathBuf;

/// One parsed face.
pub(crate) struct Loaded {
    pub(crate) path: PathBuf,
    pub(crate) index: u32,
    pub(crate) bytes: &'static [u8],
    pub(crate) face: rustybuzz::Face<'static>,
    pub(crate) upem: f32,
    pub(crate) ascent: f32,
    pub(crate) descent: f32,
    /// Shaping plans: CJK text (script Hani, the region's language), Latin text, and the
    /// stops when the punctuation follows another region than the text (`[pdf] punctuation`).
    pub(crate) plan_han: ShapePlan,
    pub(crate) plan_latin: ShapePlan,
    pub(crate) plan_punct: Option<ShapePlan>,
    /// Keyed by glyph id (as shaped with Hani and the text's and the punctuation's language,
    /// so after `locl`).
    pub(crate) punct: HashMap<u16, PunctMetrics>,
    pub(crate) has_halt: bool,
    /// Coverage of the Basic Multilingual Plane, one bit per code point (a cmap lookup per
    /// character per paragraph is otherwise a visible share of layout time).
    pub(super) bmp: Vec<u64>,
    pub(crate) lang: Option<Language>,
    pub(crate) punct_lang: Option<Language>,
}

fn language(region: Region) -> Option<Language> {
    region.shaping_language().parse().ok()
}

impl Loaded {
    pub(super) fn open(file: &FontFile, locale: Locale) -> Result<Loaded> {
        let bytes = read_interned(&file.path)?;
        let data: &'static [u8] = bytes;
        let count = ttf_parser::fonts_in_collection(data).unwrap_or(1);
        if file.index >= count {
            return Err(Diagnostic::error(format!(
                "font face index {} is out of range: the file holds {count} face(s)",
                file.index
            ))
            .in_file(&file.path)
            .hint(format!(
                "use an index from 0 to {}",
                count.saturating_sub(1)
            ))
            .into());
        }
        intact(data, file.index).map_err(|why| damaged(&file.path, &why).in_file(&file.path))?;
        let ttf = ttf_parser::Face::parse(data, file.index).map_err(|e| {
            Diagnostic::error(format!("cannot parse font (face {}): {e}", file.index))
                .in_file(&file.path)
                .hint("give a TrueType/OpenType font (.ttf, .otf) or collection (.ttc, .otc)")
        })?;
        let upem = f32::from(ttf.units_per_em().max(1));
        let (ascent, descent) = match (ttf.typographic_ascender(), ttf.typographic_descender()) {
            (Some(a), Some(d)) if a > 0 => (f32::from(a) / upem, f32::from(d) / upem),
            _ => (
                f32::from(ttf.ascender()) / upem,
                f32::from(ttf.descender()) / upem,
            ),
        };
        let face = rustybuzz::Face::from_face(ttf);
        let lang = language(locale.text);
        let punct_lang = language(locale.punct);
        let plan_han = han_plan(&face, lang.as_ref(), &[]);
        let plan_punct =
            (locale.punct != locale.text).then(|| han_plan(&face, punct_lang.as_ref(), &[]));
        // CJK fonts default to full-width curly quotes; in Latin text (an apostrophe inside a
        // word) `pwid` gives the proportional form. It leaves letters and digits alone.
        let pwid = Feature::new(ttf_parser::Tag::from_bytes(b"pwid"), 1, ..);
        let plan_latin = ShapePlan::new(
            &face,
            Direction::LeftToRight,
            Some(rustybuzz::script::LATIN),
            None,
            &[pwid],
        );
        let mut loaded = Loaded {
            path: file.path.clone(),
            index: file.index,
            bytes,
            face,
            upem,
            ascent,
            descent,
            plan_han,
            plan_latin,
            plan_punct,
            punct: HashMap::new(),
            has_halt: false,
            bmp: vec![0u64; 0x10000 / 64],
            lang,
            punct_lang,
        };
        loaded.fill_coverage();
        // Both regions' forms: the text's marks (brackets, quotes) and the stops.
        let lang = loaded.lang.clone();
        loaded.has_halt |= punct::probe(&loaded.face, upem, lang.as_ref(), &mut loaded.punct);
        if locale.punct != locale.text {
            let lang = loaded.punct_lang.clone();
            loaded.has_halt |= punct::probe(&loaded.face, upem, lang.as_ref(), &mut loaded.punct);
        }
        Ok(loaded)
    }

    fn fill_coverage(&mut self) {
        let Some(cmap) = self.face.tables().cmap else {
            return;
        };
        let bmp = &mut self.bmp;
        for sub in cmap.subtables {
            if !sub.is_unicode() {
                continue;
            }
            sub.codepoints(|cp| {
                if cp < 0x10000 && sub.glyph_index(cp).is_some_and(|g| g.0 != 0) {
                    bmp[(cp / 64) as usize] |= 1u64 << (cp % 64);
                }
            });
        }
    }

    pub(crate) fn has_glyph(&self, c: char) -> bool {
        let cp = c as u32;
        if cp < 0x10000 {
            self.bmp[(cp / 64) as usize] & (1u64 << (cp % 64)) != 0
        } else {
            self.face.glyph_index(c).is_some_and(|g| g.0 != 0)
        }
    }

    pub(crate) fn plan(&self, s: ShapeScript) -> &ShapePlan {
        match s {
            ShapeScript::Han => &self.plan_han,
            ShapeScript::HanPunct => self.plan_punct.as_ref().unwrap_or(&self.plan_han),
            ShapeScript::Latin => &self.plan_latin,
        }
    }
}
