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

use crate::book::model::{FontFile, FontSettings};
use crate::cjk::{self, Region, Side};
use crate::diag::{Diagnostic, Result};
use rustybuzz::ttf_parser;
use rustybuzz::{Direction, Feature, Language, Script, ShapePlan, UnicodeBuffer};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::SystemTime;

/// Index of a face inside a [`FontSet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FontId(pub u16);

/// Half-width metrics of one full-width punctuation glyph, in font units: how much blank the
/// glyph has on each side of its ink that may be removed (from the font's `halt` feature where it
/// has one, else from the ink bounding box).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PunctMetrics {
    pub side: Side,
    pub blank_left: f32,
    pub blank_right: f32,
}

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
    /// Coverage of the Basic Multilingual Plane, two bits per code point, filled in as
    /// characters are asked about: looked up, and present (a cmap lookup per character per
    /// paragraph is otherwise a visible share of layout time). Filled lazily, so that loading a
    /// font costs nothing proportional to its size: walking a CJK font's whole cmap up front
    /// was most of a small book's build. Atomic, so the writers' threads share it.
    bmp_known: Vec<AtomicU64>,
    bmp: Vec<AtomicU64>,
    pub(crate) lang: Option<Language>,
    pub(crate) punct_lang: Option<Language>,
}

/// The regions a book's text and its punctuation are shaped for (docs/typesetting.md §3): the
/// book's `language`, and `[pdf] punctuation` where it says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Locale {
    pub text: Region,
    pub punct: Region,
}

impl Locale {
    pub fn new(language: &str, punctuation: Option<Region>) -> Locale {
        let text = Region::of_language(language);
        Locale {
            text,
            punct: punctuation.unwrap_or(text),
        }
    }
}

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

type Interned = (PathBuf, u64, Option<SystemTime>, &'static [u8]);

/// The default fonts compiled into the binary (feature `bundled-fonts`), by file name. The
/// bytes sit in the executable's read-only data, which the OS maps lazily like the font files.
#[cfg(feature = "bundled-fonts")]
const BUILTIN: [(&str, &[u8]); 3] = [
    (
        crate::book::manifest::BUNDLED_BODY,
        include_bytes!("../../fonts/NotoSerifCJKsc-Regular.otf"),
    ),
    (
        crate::book::manifest::BUNDLED_HEADING,
        include_bytes!("../../fonts/NotoSansCJKsc-Bold.otf"),
    ),
    (
        crate::book::manifest::BUNDLED_CODE,
        include_bytes!("../../fonts/NotoSansMono-Regular.ttf"),
    ),
];

/// The compiled-in font a path names (`<built-in>/NAME`), if any.
pub fn builtin(path: &std::path::Path) -> Option<&'static [u8]> {
    #[cfg(feature = "bundled-fonts")]
    {
        let dir = path.parent()?;
        if dir != std::path::Path::new(crate::book::manifest::BUILTIN_FONT_DIR) {
            return None;
        }
        let name = path.file_name()?;
        BUILTIN.iter().find(|(n, _)| name == *n).map(|(_, b)| *b)
    }
    #[cfg(not(feature = "bundled-fonts"))]
    {
        let _ = path;
        None
    }
}

/// Reads a font file once per process (keyed by path, length and modification time). The file
/// is opened as a regular file within the font cap (a FIFO or a device is refused before any
/// read), through the book folder's handle when it lies in the book.
fn read_interned(path: &std::path::Path) -> Result<&'static [u8]> {
    if let Some(bytes) = builtin(path) {
        return Ok(bytes);
    }
    static FILES: OnceLock<Mutex<Vec<Interned>>> = OnceLock::new();
    let cannot = |why: String| {
        Diagnostic::error(format!("font file `{}` {why}", path.display()))
            .in_file(path)
            .hint(missing_font_hint(path))
    };
    let file = crate::book::confined::open_path(path, crate::book::confined::Kind::Font)
        .map_err(|r| cannot(r.0))?;
    let meta = file
        .metadata()
        .map_err(|e| cannot(format!("cannot be read: {e}")))?;
    let (len, mtime) = (meta.len(), meta.modified().ok());
    let files = FILES.get_or_init(|| Mutex::new(Vec::new()));
    let mut files = files.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(hit) = files
        .iter()
        .find(|f| f.0 == path && f.1 == len && f.2 == mtime)
    {
        return Ok(hit.3);
    }
    let data = map_file(&file).or_else(|_| {
        use std::io::Read;
        let mut v = Vec::new();
        (&file).take(len).read_to_end(&mut v).map(|_| &*v.leak())
    });
    let data = data.map_err(|e| cannot(format!("cannot be read: {e}")))?;
    files.push((path.to_path_buf(), len, mtime, data));
    Ok(data)
}

/// Opens the font book.toml names and checks that it is a whole font file: every table its
/// directory lists lies inside the file (a truncated copy fails here, not later as "no font
/// can draw 正"), and the face index exists.
pub fn check_font_file(file: &FontFile) -> std::result::Result<(), Diagnostic> {
    let data = read_interned(&file.path).map_err(|e| e.first().clone())?;
    let index = if file.index == crate::book::manifest::AUTO_FACE {
        0
    } else {
        file.index
    };
    intact(data, index).map_err(|why| damaged(&file.path, &why))
}

fn damaged(path: &std::path::Path, why: &str) -> Diagnostic {
    Diagnostic::error(format!("font file `{}` is damaged ({why})", path.display()))
        .hint("copy the font file again, or name another in book.toml ([fonts])")
}

/// Whether face `index` of `data` parses and its table directory lies inside the data.
fn intact(data: &[u8], index: u32) -> std::result::Result<(), String> {
    let count = ttf_parser::fonts_in_collection(data).unwrap_or(1);
    if index >= count {
        return Ok(()); // reported as an index out of range, with the faces there are
    }
    let raw = ttf_parser::RawFace::parse(data, index).map_err(|e| e.to_string())?;
    for record in raw.table_records {
        let end = u64::from(record.offset) + u64::from(record.length);
        if end > data.len() as u64 {
            return Err(format!(
                "its `{}` table ends at byte {end}, past the end of the {}-byte file",
                String::from_utf8_lossy(&record.tag.to_bytes()),
                data.len()
            ));
        }
    }
    ttf_parser::Face::parse(data, index).map_err(|e| e.to_string())?;
    Ok(())
}

/// What to do about a font file that cannot be read: a default font looked for in the folder
/// of `BOOKPRESS_FONTS` points at that variable, any other at book.toml.
fn missing_font_hint(path: &std::path::Path) -> String {
    let default_dir = crate::book::manifest::bundled_font_dir();
    if path.parent() == Some(default_dir.as_path()) {
        format!(
            "the default fonts are looked for in {} (BOOKPRESS_FONTS or BOOKPRESS_FONT_DIR): it \
             must hold {} and {} (and may hold {}); unset the variable to use the fonts built \
             into bookpress",
            default_dir.display(),
            crate::book::manifest::BUNDLED_BODY,
            crate::book::manifest::BUNDLED_HEADING,
            crate::book::manifest::BUNDLED_CODE
        )
    } else {
        "check the font paths in book.toml ([fonts] body/heading/code/fallback)".into()
    }
}

/// Maps an opened file read-only for the rest of the process (it is never unmapped, like the
/// interned bytes it stands for). The caller falls back to reading where mapping fails.
fn map_file(file: &std::fs::File) -> std::io::Result<&'static [u8]> {
    // SAFETY: a read-only mapping that lives to the end of the process. As with any mapped
    // file, truncating the font while a build runs would fault; the fonts are the book's or the
    // bundled ones, not files that change under a build.
    let map = unsafe { memmap2::Mmap::map(file)? };
    Ok(&**Box::leak(Box::new(map)))
}

fn language(region: Region) -> Option<Language> {
    region.shaping_language().parse().ok()
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

impl Loaded {
    fn open(file: &FontFile, locale: Locale) -> Result<Loaded> {
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
            bmp_known: (0..0x10000 / 64).map(|_| AtomicU64::new(0)).collect(),
            bmp: (0..0x10000 / 64).map(|_| AtomicU64::new(0)).collect(),
            lang,
            punct_lang,
        };
        // Both regions' forms: the text's marks (brackets, quotes) and the stops.
        let lang = loaded.lang.clone();
        loaded.probe_punctuation(lang.as_ref());
        if locale.punct != locale.text {
            let lang = loaded.punct_lang.clone();
            loaded.probe_punctuation(lang.as_ref());
        }
        Ok(loaded)
    }

    /// Whether any Unicode cmap subtable maps `cp` to a real glyph.
    fn cmap_has(&self, cp: u32) -> bool {
        let Some(cmap) = self.face.tables().cmap else {
            return false;
        };
        cmap.subtables
            .into_iter()
            .filter(|sub| sub.is_unicode())
            .any(|sub| sub.glyph_index(cp).is_some_and(|g| g.0 != 0))
    }

    pub(crate) fn has_glyph(&self, c: char) -> bool {
        let cp = c as u32;
        if cp >= 0x10000 {
            return self.face.glyph_index(c).is_some_and(|g| g.0 != 0);
        }
        let (word, bit) = ((cp / 64) as usize, 1u64 << (cp % 64));
        // Acquire/Release: whoever sees a character known also sees whether it is present.
        if self.bmp_known[word].load(Ordering::Acquire) & bit != 0 {
            return self.bmp[word].load(Ordering::Relaxed) & bit != 0;
        }
        let has = self.cmap_has(cp);
        // Two threads may look the same character up at once: both find the same answer.
        if has {
            self.bmp[word].fetch_or(bit, Ordering::Relaxed);
        }
        self.bmp_known[word].fetch_or(bit, Ordering::Release);
        has
    }

    /// Shapes each CJK punctuation mark alone in `lang`, with and without `halt`, and records
    /// how much blank each side of the glyph has (a centred Taiwan comma: ¼ em each side).
    fn probe_punctuation(&mut self, lang: Option<&Language>) {
        let halt = Feature::new(ttf_parser::Tag::from_bytes(b"halt"), 1, ..);
        let plan = han_plan(&self.face, lang, &[]);
        let plan_halt = han_plan(&self.face, lang, &[halt]);
        let mut buf = UnicodeBuffer::new();
        for &c in cjk::PROBED_PUNCT {
            if self.face.glyph_index(c).is_none() {
                continue;
            }
            let (g, adv, _) = shape_one(&self.face, &plan, buf_with(&mut buf, c, lang));
            let (g2, hadv, hoff) = shape_one(&self.face, &plan_halt, buf_with(&mut buf, c, lang));
            // Only full-width glyphs have blank to trim.
            if g != g2 || adv < 0.9 * self.upem || adv > 1.1 * self.upem {
                continue;
            }
            let half = adv - hadv;
            let m = if half > 1.0 {
                self.has_halt = true;
                let left = (-hoff).clamp(0.0, half);
                let right = half - left;
                let side = if left > 0.0 && right > 0.0 {
                    Side::Centre
                } else if left > 0.0 {
                    Side::Right
                } else {
                    Side::Left
                };
                PunctMetrics {
                    side,
                    blank_left: left,
                    blank_right: right,
                }
            } else {
                let ink = self
                    .face
                    .glyph_bounding_box(ttf_parser::GlyphId(g))
                    .map(|r| (f32::from(r.x_min), f32::from(r.x_max)));
                let side = match ink {
                    Some((l, r)) => cjk::side_from_ink(l, r, adv),
                    None => cjk::static_side(c),
                };
                let m = cjk::blanks_for_side(side, adv);
                PunctMetrics {
                    side,
                    blank_left: m.0,
                    blank_right: m.1,
                }
            };
            if m.side != Side::None {
                self.punct.insert(g, m);
            }
        }
    }
}

fn buf_with<'b>(
    buf: &'b mut UnicodeBuffer,
    c: char,
    lang: Option<&Language>,
) -> &'b mut UnicodeBuffer {
    buf.clear();
    buf.add(c, 0);
    buf.set_direction(Direction::LeftToRight);
    buf.set_script(rustybuzz::script::HAN);
    if let Some(l) = lang {
        buf.set_language(l.clone());
    }
    buf
}

/// Shapes a one-character buffer: (glyph id, advance, x offset) of its first glyph.
fn shape_one(face: &rustybuzz::Face, plan: &ShapePlan, buf: &mut UnicodeBuffer) -> (u16, f32, f32) {
    let taken = std::mem::take(buf);
    let out = rustybuzz::shape_with_plan(face, plan, taken);
    let r = match (out.glyph_infos().first(), out.glyph_positions().first()) {
        (Some(i), Some(p)) => (i.glyph_id as u16, p.x_advance as f32, p.x_offset as f32),
        _ => (0, 0.0, 0.0),
    };
    *buf = out.clear();
    r
}

/// The face of a collection to take when book.toml gives no `index`: a single-face file's only
/// face; in a collection, the first face whose family name (name IDs 16, 1) carries the region
/// tag of the book's language (SC for zh-CN/zh-Hans, TC for zh-TW/zh-Hant, HK for zh-HK, JP, KR),
/// with a note saying which; an error listing the faces when none does.
fn choose_face(file: &FontFile, language: &str) -> Result<(FontFile, Option<Diagnostic>)> {
    if file.index != crate::book::manifest::AUTO_FACE {
        return Ok((file.clone(), None));
    }
    let data = read_interned(&file.path)?;
    let count = ttf_parser::fonts_in_collection(data).unwrap_or(1);
    let with_index = |index| FontFile {
        path: file.path.clone(),
        index,
    };
    if count <= 1 {
        return Ok((with_index(0), None));
    }
    let names: Vec<String> = (0..count)
        .map(|i| ttf_parser::Face::parse(data, i).map_or_else(|_| String::new(), |f| family(&f)))
        .collect();
    let tags = region_tags(language);
    let name_of = file.path.file_name().map_or_else(
        || file.path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let found = tags.iter().find_map(|tag| {
        names
            .iter()
            .position(|n| n.split_whitespace().any(|w| w.eq_ignore_ascii_case(tag)))
    });
    match found {
        Some(i) => {
            let note = Diagnostic::note(format!(
                "`{name_of}` holds {count} faces; using face {i}, “{}”, for the book's language {language}",
                names[i]
            ))
            .in_file(&file.path)
            .hint(format!(
                "to choose another, give its index in book.toml: {{ path = \"…/{name_of}\", index = N }}"
            ));
            Ok((with_index(i as u32), Some(note)))
        }
        None => {
            let list: Vec<String> = names
                .iter()
                .enumerate()
                .map(|(i, n)| format!("{i} “{n}”"))
                .collect();
            Err(Diagnostic::error(format!(
                "`{name_of}` holds {count} faces and none is named for the book's language {language}: {}",
                list.join(", ")
            ))
            .in_file(&file.path)
            .hint(format!(
                "choose one in book.toml's [fonts]: {{ path = \"…/{name_of}\", index = N }}"
            ))
            .into())
        }
    }
}

/// The typographic family name of a face (name ID 16, else 1), in English where there is one.
fn family(face: &ttf_parser::Face) -> String {
    let names = face.names();
    for id in [
        ttf_parser::name_id::TYPOGRAPHIC_FAMILY,
        ttf_parser::name_id::FAMILY,
    ] {
        let mut best: Option<String> = None;
        for n in names.into_iter().filter(|n| n.name_id == id) {
            let Some(s) = n.to_string() else { continue };
            // English (Windows 0x0409 or Macintosh 0) first.
            if n.language_id == 0x0409 || n.language_id == 0 {
                return s;
            }
            best.get_or_insert(s);
        }
        if let Some(s) = best {
            return s;
        }
    }
    String::new()
}

/// The region tags in font family names (Noto CJK, Source Han) that fit a BCP 47 language.
fn region_tags(language: &str) -> &'static [&'static str] {
    let l = language.to_ascii_lowercase();
    let has = |t: &str| l.split(['-', '_']).any(|p| p == t);
    if l.starts_with("ja") {
        &["JP"]
    } else if l.starts_with("ko") {
        &["KR", "K"]
    } else if has("hk") || has("mo") {
        &["HK", "TC"]
    } else if has("tw") || has("hant") {
        &["TC"]
    } else {
        // zh, zh-CN, zh-Hans, zh-SG, and any other language: Simplified Chinese.
        &["SC"]
    }
}

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
    pub fn glyph_for(&self, id: FontId, c: char) -> Option<(u16, f32)> {
        let f = self.face(id);
        let g = f.face.glyph_index(c).filter(|g| g.0 != 0)?;
        let adv = f.face.glyph_hor_advance(g).map_or(0.0, f32::from);
        Some((g.0, adv / f.upem))
    }
    /// Ascender and descender (negative) in em units of the face.
    pub fn vertical_metrics(&self, id: FontId) -> (f32, f32) {
        let f = self.face(id);
        (f.ascent, f.descent)
    }
    /// The top of the face's em box above the baseline, in em: where the baseline sits in a
    /// line whose em box is centred (docs/typesetting.md §7). It is the typographic ascender
    /// (OS/2 `sTypoAscender`, else `hhea`) when ascender and descender span one em, as in CJK
    /// fonts (Noto CJK: 0.88, the ideographic em box); otherwise the ascender's share of their
    /// span, so that a Latin font with a tall ascender still gets a one-em box around its text.
    pub fn em_box_top(&self, id: FontId) -> f32 {
        let f = self.face(id);
        em_box_top(f.ascent, f.descent)
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

impl Loaded {
    pub(crate) fn plan(&self, s: ShapeScript) -> &ShapePlan {
        match s {
            ShapeScript::Han => &self.plan_han,
            ShapeScript::HanPunct => self.plan_punct.as_ref().unwrap_or(&self.plan_han),
            ShapeScript::Latin => &self.plan_latin,
        }
    }
}

#[cfg(test)]
pub(crate) mod testfont {
    use super::*;
    use crate::book::model::FontFile;

    /// The body font for tests: the bundled subset if present, else Debian's Noto Serif CJK (SC
    /// face of the collection).
    pub fn body_file() -> FontFile {
        let bundled =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fonts/NotoSerifCJKsc-Regular.otf");
        if bundled.exists() {
            FontFile {
                path: bundled,
                index: 0,
            }
        } else {
            FontFile {
                path: PathBuf::from("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
                index: 2,
            }
        }
    }

    /// The heading font for tests: bundled Noto Sans CJK SC Bold, else Debian's collection.
    pub fn heading_file() -> FontFile {
        let bundled =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fonts/NotoSansCJKsc-Bold.otf");
        if bundled.exists() {
            FontFile {
                path: bundled,
                index: 0,
            }
        } else {
            FontFile {
                path: PathBuf::from("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
                index: 2,
            }
        }
    }

    /// The code font for tests: bundled Noto Sans Mono, else Debian's copy.
    pub fn code_file() -> FontFile {
        let bundled =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fonts/NotoSansMono-Regular.ttf");
        FontFile {
            path: if bundled.exists() {
                bundled
            } else {
                PathBuf::from("/usr/share/fonts/truetype/noto/NotoSansMono-Regular.ttf")
            },
            index: 0,
        }
    }

    pub fn settings() -> FontSettings {
        FontSettings {
            body: body_file(),
            heading: heading_file(),
            code: code_file(),
            fallback: vec![],
            system: false,
        }
    }

    /// Loaded once per test binary.
    pub fn fonts() -> &'static FontSet {
        static SET: OnceLock<FontSet> = OnceLock::new();
        SET.get_or_init(|| match FontSet::load(&settings()) {
            Ok(s) => s,
            Err(e) => panic!("test font: {e}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::testfont::*;
    use super::*;
    use std::path::Path;

    #[test]
    fn coverage_is_looked_up_as_characters_are_asked_about() {
        // A fresh set (not the shared one other tests have asked about).
        let f = FontSet::load(&settings()).unwrap();
        let face = f.face(f.body());
        let known = |w: &[AtomicU64]| -> u32 {
            w.iter()
                .map(|b| b.load(Ordering::Relaxed).count_ones())
                .sum()
        };
        // Loading walks nothing: no character is known yet.
        assert_eq!(known(&face.bmp_known), 0);
        for c in ['字', 'A', '。', '\u{0378}', '\u{E000}', '\u{20000}'] {
            let cmap = face.face.glyph_index(c).is_some_and(|g| g.0 != 0);
            // Asked twice: looked up, then from the bits; both agree with the cmap.
            assert_eq!(f.has_glyph(f.body(), c), cmap, "{c:?}");
            assert_eq!(f.has_glyph(f.body(), c), cmap, "{c:?} again");
        }
        assert!(f.has_glyph(f.body(), '字'));
        assert!(!f.has_glyph(f.body(), '\u{0378}'));
        // Only the five BMP characters asked about are known.
        assert_eq!(known(&face.bmp_known), 5);
    }

    #[test]
    fn em_box_top_comes_from_the_face() {
        // Noto CJK: typographic ascender 880, descender -120 of 1000 units.
        let f = fonts();
        assert_eq!(f.em_box_top(f.body()), 0.88);
        assert_eq!(f.em_box_top(f.heading()), 0.88);
        // A face whose ascender and descender span more than an em: its share of the span.
        assert!((em_box_top(0.9, -0.3) - 0.75).abs() < 1e-6);
        assert_eq!(em_box_top(0.8, -0.2), 0.8);
        assert_eq!(em_box_top(0.0, 0.0), 0.88);
    }

    #[test]
    fn missing_file_is_an_error_naming_the_file() {
        let mut s = settings();
        s.fallback.push(FontFile {
            path: PathBuf::from("/nonexistent/Font.otf"),
            index: 0,
        });
        let e = FontSet::load(&s).err().map(|e| e.first().clone());
        let d = e.as_ref().map(|d| d.file.clone());
        assert_eq!(d, Some(Some(PathBuf::from("/nonexistent/Font.otf"))));
    }

    #[test]
    fn face_index_out_of_range_is_an_error() {
        let mut s = settings();
        s.body.index = 99;
        let e = FontSet::load(&s)
            .err()
            .map(|e| e.first().message.clone())
            .unwrap_or_default();
        assert!(e.contains("out of range"), "{e}");
    }

    #[test]
    fn garbage_file_is_an_error() {
        let dir = tempfile::tempdir().map_err(|e| e.to_string());
        let dir = dir
            .as_ref()
            .map(|d| d.path().to_path_buf())
            .unwrap_or_default();
        let p = dir.join("bad.otf");
        std::fs::write(&p, b"not a font at all").ok();
        let mut s = settings();
        s.body = FontFile {
            path: p.clone(),
            index: 0,
        };
        let e = FontSet::load(&s).err().map(|e| e.first().clone());
        assert_eq!(e.and_then(|d| d.file), Some(p));
    }

    #[test]
    fn covers_cjk_latin_and_reports_gaps() {
        let f = fonts();
        assert!(f.covers(f.body(), '永'));
        assert!(f.covers(f.body(), 'A'));
        assert!(f.covers(f.body(), '，'));
        assert!(!f.covers(f.body(), '\u{E000}'));
        let (a, d) = f.vertical_metrics(f.body());
        assert!(a > 0.8 && a < 1.2 && d < 0.0 && d > -0.4, "{a} {d}");
        let (bytes, _) = f.data(f.body());
        assert!(bytes.len() > 1000);
    }

    #[test]
    fn halt_gives_half_width_punctuation() {
        let f = fonts();
        let face = &f.face(f.body()).face;
        assert!(f.has_halt(f.body()));
        let comma = face.glyph_index('，').map(|g| g.0).unwrap_or(0);
        let m = f.punct_metrics(f.body(), comma);
        assert_eq!(
            m.map(|m| (m.side, m.blank_left, m.blank_right)),
            Some((Side::Left, 0.0, 500.0))
        );
        let paren = face.glyph_index('（').map(|g| g.0).unwrap_or(0);
        let m = f.punct_metrics(f.body(), paren);
        assert_eq!(
            m.map(|m| (m.side, m.blank_left, m.blank_right)),
            Some((Side::Right, 500.0, 0.0))
        );
    }

    fn system_font(path: &str) -> Option<FontFile> {
        let p = PathBuf::from(path);
        p.exists().then_some(FontFile { path: p, index: 0 })
    }

    #[test]
    fn fallback_chain_goes_primary_then_body_then_fallbacks() {
        let Some(latin) = system_font("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf") else {
            return;
        };
        let mut s = settings();
        s.heading = latin;
        let f = FontSet::load(&s).map_err(|e| e.to_string());
        let Ok(f) = f else { panic!("{f:?}") };
        assert_ne!(f.heading(), f.body());
        assert_eq!(f.resolve(f.heading(), 'A'), Some(f.heading()));
        assert_eq!(f.resolve(f.heading(), '中'), Some(f.body()));
        assert!(f.covers(f.heading(), '中'));
        assert!(!f.has_glyph(f.heading(), '中'));
    }

    #[test]
    fn without_halt_the_blank_side_comes_from_the_ink() {
        let Some(droid) = system_font("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
        else {
            return;
        };
        let s = FontSettings {
            body: droid.clone(),
            heading: droid.clone(),
            code: droid,
            fallback: vec![],
            system: false,
        };
        let f = FontSet::load(&s).map_err(|e| e.to_string());
        let Ok(f) = f else { panic!("{f:?}") };
        assert!(!f.has_halt(f.body()));
        let g = |c| f.shaper_face(f.body()).glyph_index(c).map_or(0, |g| g.0);
        let upem = f.units_per_em(f.body());
        // Droid's 。 sits bottom-left (ink 6–75 of 256) but its ， is centred (108–148).
        let stop = f.punct_metrics(f.body(), g('。'));
        assert_eq!(
            stop.map(|m| (m.side, m.blank_right / upem)),
            Some((Side::Left, 0.5))
        );
        let comma = f.punct_metrics(f.body(), g('，'));
        assert_eq!(
            comma.map(|m| (m.side, m.blank_left / upem)),
            Some((Side::Centre, 0.25))
        );
        let open = f.punct_metrics(f.body(), g('《'));
        assert_eq!(
            open.map(|m| (m.side, m.blank_left / upem)),
            Some((Side::Right, 0.5))
        );
    }

    /// Debian's fonts-noto-cjk collection (JP, KR, SC, TC, HK faces); .ci/run installs it.
    const NOTO_TTC: &str = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc";

    #[test]
    fn collection_without_index_takes_the_face_of_the_book_language() {
        assert!(
            Path::new(NOTO_TTC).exists(),
            "{NOTO_TTC} is needed: apt-get install fonts-noto-cjk"
        );
        let file = FontFile {
            path: PathBuf::from(NOTO_TTC),
            index: crate::book::manifest::AUTO_FACE,
        };
        for (lang, tag) in [
            ("zh-CN", "SC"),
            ("zh-Hans", "SC"),
            ("zh", "SC"),
            ("zh-TW", "TC"),
            ("zh-Hant", "TC"),
            ("zh-HK", "HK"),
            ("ja", "JP"),
        ] {
            let (chosen, note) = choose_face(&file, lang).unwrap();
            let data = read_interned(&chosen.path).unwrap();
            let face = ttf_parser::Face::parse(data, chosen.index).unwrap();
            assert_eq!(family(&face), format!("Noto Serif CJK {tag}"), "{lang}");
            let note = note.expect("a note on the face chosen");
            assert_eq!(note.severity, crate::diag::Severity::Note);
            assert!(
                note.message.contains(&format!("Noto Serif CJK {tag}")),
                "{}",
                note.message
            );
        }
        // Through the font set: the body face is the SC one, with one note.
        let s = FontSettings {
            body: file.clone(),
            heading: heading_file(),
            code: code_file(),
            fallback: vec![file.clone()],
            system: false,
        };
        let (set, notes) = FontSet::load_for(&s, "zh-CN").unwrap();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(set.data(set.body()).1, 2);
        assert_eq!(set.fallbacks(), [set.body()]);
        // An explicit index is kept, without a note.
        let given = FontFile { index: 0, ..file };
        assert_eq!(choose_face(&given, "zh-CN").unwrap(), (given, None));
        // A single-face file needs no choice.
        let single = FontFile {
            index: crate::book::manifest::AUTO_FACE,
            ..body_file()
        };
        if single.path.extension().is_none_or(|e| e != "ttc") {
            let (f, note) = choose_face(&single, "zh-TW").unwrap();
            assert_eq!((f.index, note), (0, None));
        }
    }

    #[test]
    fn heading_face_has_halt_and_its_own_glyphs() {
        let f = fonts();
        assert_ne!(f.heading(), f.body());
        assert!(f.has_halt(f.heading()));
        let g = f
            .shaper_face(f.heading())
            .glyph_index('。')
            .map_or(0, |g| g.0);
        let m = f.punct_metrics(f.heading(), g);
        assert_eq!(m.map(|m| m.side), Some(Side::Left));
    }
}
