//! `book.toml` → typed settings. Unknown keys are errors that name the key and its line.

use crate::book::model::{
    EpubSettings, FontFile, FontSettings, Imposition, Kinsoku, NoteNumbering, NoteSettings,
    PdfSettings, UrlMode, Writing,
};
use crate::diag::{Diagnostic, Result};
use crate::units::{Mm, Pt};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub book: BookTable,
    #[serde(default)]
    pub pdf: PdfTable,
    #[serde(default)]
    pub fonts: FontsTable,
    #[serde(default)]
    pub epub: EpubTable,
    /// mdBook's own tables: not ours, accepted and ignored so an mdBook book builds as it is.
    #[serde(default, rename = "output")]
    pub _output: Option<toml::Value>,
    #[serde(default, rename = "preprocessor")]
    pub _preprocessor: Option<toml::Value>,
    #[serde(default, rename = "rust")]
    pub _rust: Option<toml::Value>,
    #[serde(default, rename = "build")]
    pub _build: Option<toml::Value>,
}

/// One name or a list of names.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Names {
    One(String),
    Many(Vec<String>),
}

impl Names {
    pub fn list(&self) -> Vec<String> {
        match self {
            Names::One(n) => vec![n.clone()],
            Names::Many(v) => v.clone(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookTable {
    pub title: String,
    pub series: Option<String>,
    #[serde(default)]
    pub editors: Vec<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    /// `author`, a name or a list: read as `authors` with a warning (books made for mdBook
    /// have it; mdBook's key is `authors`, and mdBook itself passes `author` over).
    pub author: Option<Names>,
    pub language: Option<String>,
    pub identifier: Option<String>,
    pub cover: Option<String>,
    /// Reading order. Without it the book is an mdBook book: `src/SUMMARY.md` gives the order.
    pub sections: Option<Vec<String>>,
    /// `YYYY-MM-DD`: the date of this edition (otherwise the newest of the book's files).
    pub date: Option<String>,
    pub description: Option<String>,
    /// `book` (图1, 图2 … through the book, the default), `chapter` (图1.1) or `source` (only
    /// the label a caption carries itself).
    pub figure_numbers: Option<String>,
    /// mdBook: the folder holding SUMMARY.md and the chapters (default `src`).
    pub src: Option<String>,
    /// `horizontal` (default) or `vertical`: both editions, unless `[pdf]`/`[epub]` say otherwise.
    pub writing: Option<String>,
    /// mdBook keys with no meaning here, accepted so its book.toml needs no change.
    #[serde(default, rename = "multilingual")]
    pub _multilingual: Option<toml::Value>,
    #[serde(default, rename = "text-direction")]
    pub _text_direction: Option<toml::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PdfTable {
    /// `A5` (default), `A4`, `B5`, or `WxH` in millimetres (`148x210`, `148×210mm`).
    pub page: Option<String>,
    /// Margins in millimetres.
    pub margin_top: Option<f32>,
    pub margin_bottom: Option<f32>,
    pub margin_inner: Option<f32>,
    pub margin_outer: Option<f32>,
    pub font_size: Option<f32>,
    pub line_height: Option<f32>,
    /// `none`, `basic`, `gb` (default) or `strict`.
    pub kinsoku: Option<String>,
    /// `gb`, `tw` or `hk`: the punctuation style; default the book language's.
    pub punctuation: Option<String>,
    /// `saddle` or `cut` to also write the imposed print file, `none` (default) not to.
    pub impose: Option<String>,
    /// Syntax colours in code blocks, by the fence's language (default true).
    pub highlight: Option<bool>,
    /// Footnote numbers: `section` (default) or `page`.
    pub footnotes: Option<String>,
    /// Where external links print their address: `footnote` (default), `inline` or `none`.
    pub urls: Option<String>,
    /// Link text colour, `#rrggbb` (default `#1a3d7c`).
    pub link_color: Option<String>,
    /// Cross-references within the book add （见第 N 页） (default false).
    pub page_refs: Option<bool>,
    /// Pixels per inch pictures are resampled to at their placed size (default 300).
    pub image_dpi: Option<u32>,
    /// A list of figures after the contents (default false).
    pub lists: Option<bool>,
    /// Contents entries show their section's kicker before the title (default true).
    pub toc_kicker: Option<bool>,
    /// `horizontal` or `vertical` for the PDF (default `[book] writing`).
    pub writing: Option<String>,
    /// Vertical setting: digit runs up to this long stand upright in one cell (2 to 4, default 2).
    pub tcy: Option<u8>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FontsTable {
    pub body: Option<FontRef>,
    pub heading: Option<FontRef>,
    /// The monospace face of code (default: the bundled Noto Sans Mono).
    pub code: Option<FontRef>,
    #[serde(default)]
    pub fallback: Vec<FontRef>,
    pub system: Option<bool>,
}

/// `"file.otf"` or `{ path = "file.ttc", index = 2 }`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum FontRef {
    Path(String),
    Face {
        path: String,
        /// Which face of a collection (.ttc/.otc); when absent, the face for the book's language.
        #[serde(default)]
        index: Option<u32>,
    },
}

/// The face index of a font given without `index`: for a collection, the face whose name
/// matches the book's language is taken (see `typeset::fonts`), else face 0.
pub const AUTO_FACE: u32 = u32::MAX;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EpubTable {
    #[serde(default)]
    pub embed_font: bool,
    /// Page-break markers and a `page-list` nav from the PDF booklet (default true).
    pub page_list: Option<bool>,
    /// Replaces the generated accessibility summary.
    pub accessibility_summary: Option<String>,
    /// schema.org `accessibilityHazard` values; default `["none"]`.
    pub accessibility_hazards: Option<Vec<String>>,
    /// `horizontal` or `vertical` for the EPUB (default `[book] writing`).
    pub writing: Option<String>,
}

/// The schema.org `accessibilityHazard` vocabulary.
pub const HAZARDS: &[&str] = &[
    "none",
    "unknown",
    "flashing",
    "noFlashingHazard",
    "unknownFlashingHazard",
    "motionSimulation",
    "noMotionSimulationHazard",
    "unknownMotionSimulationHazard",
    "sound",
    "noSoundHazard",
    "unknownSoundHazard",
];

impl EpubTable {
    pub fn settings(&self, file: &Path) -> Result<EpubSettings> {
        let err = |m: String, hint: &str| Diagnostic::error(m).in_file(file).hint(hint.to_string());
        let defaults = EpubSettings::default();
        let summary = match self.accessibility_summary.as_deref().map(str::trim) {
            Some("") => {
                return Err(err(
                    "[epub] accessibility_summary is empty".into(),
                    "describe the book's accessibility in a sentence or two, or remove the key \
                     to use the generated summary",
                )
                .into());
            }
            s => s.map(String::from),
        };
        let hazards = match &self.accessibility_hazards {
            None => defaults.accessibility_hazards,
            Some(list) => {
                let hint = format!("use one or more of: {}", HAZARDS.join(", "));
                if list.is_empty() {
                    return Err(err("[epub] accessibility_hazards is empty".into(), &hint).into());
                }
                for h in list {
                    if !HAZARDS.contains(&h.as_str()) {
                        return Err(
                            err(format!("unknown accessibility hazard `{h}`"), &hint).into()
                        );
                    }
                }
                for lone in ["none", "unknown"] {
                    if list.len() > 1 && list.iter().any(|h| h == lone) {
                        return Err(err(
                            format!("accessibility hazard `{lone}` cannot be combined with others"),
                            "`none` and `unknown` stand alone; otherwise name each hazard",
                        )
                        .into());
                    }
                }
                for kind in ["Flashing", "MotionSimulation", "Sound"] {
                    let yes = kind[..1].to_ascii_lowercase() + &kind[1..];
                    let no = format!("no{kind}Hazard");
                    let unknown = format!("unknown{kind}Hazard");
                    let n = [&yes, &no, &unknown]
                        .iter()
                        .filter(|v| list.iter().any(|h| h == **v))
                        .count();
                    if n > 1 {
                        return Err(err(
                            format!("accessibility hazards `{yes}`, `{no}` and `{unknown}` contradict each other"),
                            "give one of them",
                        )
                        .into());
                    }
                }
                let mut seen = std::collections::HashSet::new();
                list.iter().filter(|h| seen.insert(*h)).cloned().collect()
            }
        };
        Ok(EpubSettings {
            embed_font: self.embed_font,
            page_list: self.page_list.unwrap_or(defaults.page_list),
            accessibility_summary: summary,
            accessibility_hazards: hazards,
            writing: Writing::Horizontal,
        })
    }
}

/// Where the default fonts come from: `$BOOKPRESS_FONTS` (or the older `$BOOKPRESS_FONT_DIR`),
/// a folder holding files named [`BUNDLED_BODY`] and [`BUNDLED_HEADING`]; else the fonts
/// compiled into the binary ([`BUILTIN_FONT_DIR`], feature `bundled-fonts`, the default); else,
/// in a build without that feature, the `fonts/` folder of the checkout it was built from.
pub fn bundled_font_dir() -> PathBuf {
    for var in ["BOOKPRESS_FONTS", "BOOKPRESS_FONT_DIR"] {
        match std::env::var_os(var) {
            Some(dir) if !dir.is_empty() => return PathBuf::from(dir),
            _ => {}
        }
    }
    if cfg!(feature = "bundled-fonts") {
        PathBuf::from(BUILTIN_FONT_DIR)
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts")
    }
}

/// The name the fonts compiled into the binary go by (in messages, and as the folder of their
/// [`FontFile`] paths): `<built-in>/NotoSerifCJKsc-Regular.otf`. Never read from disk.
pub const BUILTIN_FONT_DIR: &str = "<built-in>";

pub const BUNDLED_BODY: &str = "NotoSerifCJKsc-Regular.otf";
pub const BUNDLED_HEADING: &str = "NotoSansCJKsc-Bold.otf";
pub const BUNDLED_CODE: &str = "NotoSansMono-Regular.ttf";

/// The default code face: [`BUNDLED_CODE`] in the default fonts' folder; a `BOOKPRESS_FONTS`
/// folder made before bookpress had a code face holds only the two CJK files, and then the
/// built-in (or checkout's) monospace face is taken.
fn default_code_font(bundled: &Path) -> PathBuf {
    let p = bundled.join(BUNDLED_CODE);
    if bundled == Path::new(BUILTIN_FONT_DIR) || p.exists() {
        return p;
    }
    if cfg!(feature = "bundled-fonts") {
        Path::new(BUILTIN_FONT_DIR).join(BUNDLED_CODE)
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fonts")
            .join(BUNDLED_CODE)
    }
}

/// Parses `book.toml` text. `file` is how the user names it, for messages.
pub fn parse(text: &str, file: &Path) -> Result<Manifest> {
    toml::from_str::<Manifest>(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let (line, col) = e.span().map_or((0, 0), |s| line_col(text, s.start));
        let (message, hint) = explain(text, span.clone(), e.message());
        let spanned = text.get(span).unwrap_or("");
        let width = spanned.lines().next().unwrap_or("").chars().count() as u32;
        Diagnostic::error(format!("invalid book.toml: {message}"))
            .in_file(file)
            .at(line, col)
            .width(width)
            .hint(hint)
            .into()
    })
}

/// What a TOML or type error in book.toml means in the user's terms, and what the key (or its
/// table) accepts: serde's `expected f32` becomes `expected a number`, and the hint is for the
/// table the error is in, not always [book].
fn explain(text: &str, span: std::ops::Range<usize>, message: &str) -> (String, String) {
    let before = text.get(..span.start.min(text.len())).unwrap_or("");
    let table = before
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && !l.starts_with("[["))
        .map(|l| l.trim_matches(['[', ']', ' ']).to_string())
        .unwrap_or_default();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("");
    let key = line
        .split_once('=')
        .map(|(k, _)| k.trim().trim_matches('"').to_string())
        .unwrap_or_default();
    let message = message
        .trim_end()
        .replace("expected f32", "expected a number")
        .replace("expected u32", "expected a whole number, 0 or more")
        .replace(
            "data did not match any variant of untagged enum FontRef",
            "expected a font path or { path = \"…\", index = N }",
        );
    let hint = match (table.as_str(), key.as_str()) {
        ("pdf", "page") => "page: A5, A4, B5, or width×height in millimetres such as \"148x210\"",
        ("pdf", k) if k.starts_with("margin_") => {
            "margins are numbers of millimetres, 0 to 100, e.g. margin_top = 20"
        }
        ("pdf", "font_size") => "font_size: a number of points, 5 to 72, e.g. font_size = 10.5",
        ("pdf", "line_height") => {
            "line_height: times the font size, a number from 1.0 to 4.0, e.g. line_height = 1.7"
        }
        ("pdf", "kinsoku") => "kinsoku: one of \"none\", \"basic\", \"gb\" (default), \"strict\"",
        ("pdf", "punctuation") => {
            "punctuation: one of \"gb\" (mainland), \"tw\" (Taiwan), \"hk\" (Hong Kong); default from the book's language"
        }
        ("pdf", "impose") => "impose: one of \"none\" (default), \"saddle\", \"cut\"",
        ("pdf", "highlight") => "highlight: true (default: syntax colours in code) or false",
        ("pdf", "footnotes") => "footnotes: \"section\" (default) or \"page\"",
        ("pdf", "urls") => "urls: one of \"footnote\" (default), \"inline\", \"none\"",
        ("pdf", "link_color") => "link_color: a colour \"#rrggbb\", e.g. link_color = \"#1a3d7c\"",
        ("pdf", "page_refs") => "page_refs: true or false",
        ("pdf", "lists") => "lists: true (a list of figures after the contents) or false (default)",
        ("pdf", "toc_kicker") => {
            "toc_kicker: true (default: contents entries show the kicker before the title) or false"
        }
        ("pdf" | "epub" | "book", "writing") => {
            "writing: \"horizontal\" (default) or \"vertical\" (columns top to bottom, right to left)"
        }
        ("pdf", "tcy") => "tcy: 2, 3 or 4 (digits set upright side by side in a vertical column)",
        ("pdf", "image_dpi") => {
            "image_dpi: pixels per inch, a whole number from 72 to 1200, e.g. 300"
        }
        ("pdf", _) => {
            "keys of [pdf]: page, margin_top, margin_bottom, margin_inner, margin_outer, \
             font_size, line_height, kinsoku, punctuation, impose, footnotes, urls, link_color, \
             page_refs, highlight, image_dpi, lists, toc_kicker, writing, tcy"
        }
        ("fonts", _) => {
            "[fonts] body, heading, code: a font path relative to the book folder \
             (\"fonts/x.otf\") or { path = \"x.ttc\", index = N }; fallback: a list of those; \
             system: true or false"
        }
        ("epub", "embed_font" | "page_list") => "embed_font, page_list: true or false",
        ("epub", _) => {
            "keys of [epub]: embed_font, page_list (true or false), accessibility_summary (text), \
             accessibility_hazards (a list of schema.org hazard values), writing"
        }
        ("book", "figure_numbers") => {
            "figure_numbers: \"book\" (图1, 图2 … through the book), \"chapter\" (图1.1) or \"source\""
        }
        ("book", _) => {
            "[book] needs `title` and `sections` (a list of Markdown files; or an mdBook \
             src/SUMMARY.md); optional: series, editors, authors (lists of names), language, \
             identifier, cover, date, description, figure_numbers, src, writing"
        }
        _ => {
            "book.toml has a [book] table (title, sections or an mdBook src/SUMMARY.md, …) and \
             optional [pdf], [fonts] and [epub] tables"
        }
    };
    (message, hint.to_string())
}

impl Manifest {
    /// `writing` of `[book]`, `[pdf]` and `[epub]`: the PDF's and the EPUB's, each its own
    /// table's if given, else the book's, else horizontal.
    pub fn writing(&self, file: &Path, text: &str) -> Result<(Writing, Writing)> {
        let read = |table: &str, value: Option<&str>| -> Result<Option<Writing>> {
            Ok(match value {
                None => None,
                Some("horizontal") => Some(Writing::Horizontal),
                Some("vertical") => Some(Writing::Vertical),
                Some(other) => {
                    let (line, col, width) = locate(text, table, "writing");
                    return Err(Diagnostic::error(format!("unknown writing `{other}`"))
                        .in_file(file)
                        .at(line, col)
                        .width(width)
                        .hint("use \"horizontal\" (lines, the default) or \"vertical\" (columns read right to left)".to_string())
                        .into());
                }
            })
        };
        let book = read("book", self.book.writing.as_deref())?.unwrap_or_default();
        let pdf = read("pdf", self.pdf.writing.as_deref())?.unwrap_or(book);
        let epub = read("epub", self.epub.writing.as_deref())?.unwrap_or(book);
        Ok((pdf, epub))
    }
}

/// Line, column and width (in characters) of the value of `key` in `[table]` of book.toml's
/// `text`, for messages about a value that parsed but is not allowed; the table's header line
/// when the key is not there, (0, 0, 0) when neither is.
fn locate(text: &str, table: &str, key: &str) -> (u32, u32, u32) {
    let mut current = String::new();
    let mut header = 0;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            current = t.trim_matches(['[', ']', ' ']).to_string();
            if current == table {
                header = i as u32 + 1;
            }
            continue;
        }
        if current != table {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        if k.trim().trim_matches('"') == key {
            let value = v.split('#').next().unwrap_or("").trim();
            let col = line.len() - v.trim_start().len();
            let col = line[..col].chars().count() as u32 + 1;
            return (i as u32 + 1, col, value.chars().count() as u32);
        }
    }
    // A key left at its default (a check of several values together): the table's header.
    (header, 0, 0)
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    (line, col)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// An error at a `[pdf]` key: its line and the width of its value in book.toml.
type ErrAt<'a> = dyn Fn(&str, String, &str) -> Diagnostic + 'a;

/// The page keys of `[pdf]` checked together: page size and margins (millimetres in book.toml)
/// in points, the outer margin widened so the measure is whole body characters.
struct PageBox {
    width: Pt,
    height: Pt,
    top: Pt,
    bottom: Pt,
    inner: Pt,
    outer: Pt,
    font_size: f32,
    line_height: f32,
}

impl PdfTable {
    /// The settings, checked; `text` is book.toml's, `file` its path, for messages. One
    /// function per group of keys, checked in this order (the first error is the one shown).
    pub fn settings(&self, file: &Path, text: &str) -> Result<PdfSettings> {
        let err_at = |key: &str, m: String, hint: &str| {
            let (line, col, width) = locate(text, "pdf", key);
            Diagnostic::error(m)
                .in_file(file)
                .at(line, col)
                .width(width)
                .hint(hint.to_string())
        };
        let page = self.page_box(&err_at)?;
        let kinsoku = self.kinsoku(&err_at)?;
        let punctuation = self.punctuation(&err_at)?;
        let impose = self.impose(&err_at)?;
        let image_dpi = self.image_dpi(&err_at)?;
        Ok(PdfSettings {
            page_width: page.width.0,
            page_height: page.height.0,
            margin_top: page.top.0,
            margin_bottom: page.bottom.0,
            margin_inner: page.inner.0,
            margin_outer: page.outer.0,
            font_size: page.font_size,
            line_height: page.line_height,
            kinsoku,
            punctuation,
            impose,
            highlight: self.highlight.unwrap_or(true),
            lists: self.lists.unwrap_or(false),
            notes: self.note_settings(&err_at)?,
            image_dpi,
            toc_kicker: self.toc_kicker.unwrap_or(true),
            writing: Writing::Horizontal,
            tcy: self.tcy(&err_at)?,
        })
    }

    /// `tcy`: 2 to 4 digits upright in one cell of a column.
    fn tcy(&self, err_at: &ErrAt) -> Result<u8> {
        match self.tcy.unwrap_or(2) {
            n @ 2..=4 => Ok(n),
            n => Err(err_at(
                "tcy",
                format!("tcy {n} is out of range"),
                "use 2, 3 or 4: the longest run of digits set upright side by side in a column",
            )
            .into()),
        }
    }

    /// `page`, `font_size`, `line_height` and the margins: each in range, and together leaving
    /// room for text, the running head and the folio.
    fn page_box(&self, err_at: &ErrAt) -> Result<PageBox> {
        let (w, h) = match self.page.as_deref() {
            None => (148.0, 210.0),
            Some(p) => page_size_mm(p).ok_or_else(|| {
                err_at(
                    "page",
                    format!("unknown page size `{p}`"),
                    "use A5, A4, B5, or width×height in millimetres such as `148x210`",
                )
            })?,
        };
        let font_size = self.font_size.unwrap_or(10.5);
        if !(5.0..=72.0).contains(&font_size) {
            return Err(err_at(
                "font_size",
                format!("font_size {font_size} is out of range"),
                "use 5 to 72 (points)",
            )
            .into());
        }
        let line_height = self.line_height.unwrap_or(1.7);
        if !(1.0..=4.0).contains(&line_height) {
            return Err(err_at(
                "line_height",
                format!("line_height {line_height} is out of range"),
                "use 1.0 to 4.0 (times the font size)",
            )
            .into());
        }
        let margin = |v: Option<f32>, default: f32| Mm(v.unwrap_or(default));
        let top = margin(self.margin_top, 20.0);
        let bottom = margin(self.margin_bottom, 22.0);
        let inner = margin(self.margin_inner, 20.0);
        let mut outer = margin(self.margin_outer, 20.0);
        for (key, m) in [
            ("margin_top", top),
            ("margin_bottom", bottom),
            ("margin_inner", inner),
            ("margin_outer", outer),
        ] {
            if !(0.0..=100.0).contains(&m.0) {
                return Err(err_at(
                    key,
                    format!("{key} {m} is out of range"),
                    "margins are millimetres, 0 to 100",
                )
                .into());
            }
        }
        // Make the measure a whole number of body characters, so pure-Han lines need no stretch:
        // the remainder goes to the outer margin.
        let (w, h) = (Mm(w), Mm(h));
        let measure = (w.to_pt() - (inner + outer).to_pt()).0;
        let chars = (measure / font_size).floor();
        if chars < 8.0 || (h.to_pt() - (top + bottom).to_pt()).0 < 10.0 * font_size * line_height {
            return Err(err_at(
                "font_size",
                "the margins leave too little room for text".into(),
                "reduce the margins or the font size",
            )
            .into());
        }
        // The running head sits in the top margin above the type area and the folio in the
        // bottom margin below it (typeset/page/finalize.rs): each margin must hold its line.
        let small = font_size * 9.0 / 10.5;
        let pitch = font_size * line_height;
        for (key, m, need, what) in [
            (
                "margin_top",
                top,
                Pt(0.45 * pitch + 1.6 * small).to_mm(),
                "the running head",
            ),
            (
                "margin_bottom",
                bottom,
                Pt(0.9 * pitch + 1.3 * small).to_mm(),
                "the page number",
            ),
        ] {
            if m < need {
                return Err(err_at(
                    key,
                    format!("{key} {m} leaves no room for {what}"),
                    &format!(
                        "use at least {} mm at font_size {font_size} and line_height {line_height}",
                        need.0.ceil()
                    ),
                )
                .into());
            }
        }
        outer = outer + Pt(measure - chars * font_size).to_mm();
        Ok(PageBox {
            width: w.to_pt(),
            height: h.to_pt(),
            top: top.to_pt(),
            bottom: bottom.to_pt(),
            inner: inner.to_pt(),
            outer: outer.to_pt(),
            font_size,
            line_height,
        })
    }

    /// `kinsoku`: none, basic, gb (the default) or strict.
    fn kinsoku(&self, err_at: &ErrAt) -> Result<Kinsoku> {
        Ok(match self.kinsoku.as_deref().unwrap_or("gb") {
            "none" => Kinsoku::None,
            "basic" => Kinsoku::Basic,
            "gb" => Kinsoku::Gb,
            "strict" => Kinsoku::Strict,
            other => {
                return Err(err_at(
                    "kinsoku",
                    format!("unknown kinsoku level `{other}`"),
                    "use none, basic, gb or strict",
                )
                .into());
            }
        })
    }

    /// `punctuation`: gb, tw or hk; None follows the book's language.
    fn punctuation(&self, err_at: &ErrAt) -> Result<Option<crate::cjk::Region>> {
        Ok(match self.punctuation.as_deref() {
            None => None,
            Some(name) => Some(
                crate::cjk::Region::of_punctuation_name(name).ok_or_else(|| {
                    err_at(
                        "punctuation",
                        format!("unknown punctuation style `{name}`"),
                        "use gb (mainland), tw (Taiwan) or hk (Hong Kong)",
                    )
                })?,
            ),
        })
    }

    /// `impose`: none (the default), saddle or cut.
    fn impose(&self, err_at: &ErrAt) -> Result<Option<Imposition>> {
        Ok(match self.impose.as_deref().unwrap_or("none") {
            "none" => None,
            "saddle" => Some(Imposition::Saddle),
            "cut" => Some(Imposition::CutStack),
            other => {
                return Err(err_at(
                    "impose",
                    format!("unknown impose mode `{other}`"),
                    "use saddle, cut or none",
                )
                .into());
            }
        })
    }

    /// `image_dpi`: 72 to 1200.
    fn image_dpi(&self, err_at: &ErrAt) -> Result<u32> {
        let image_dpi = self.image_dpi.unwrap_or(crate::pdf::pictures::DEFAULT_DPI);
        if !(72..=1200).contains(&image_dpi) {
            return Err(err_at(
                "image_dpi",
                format!("image_dpi {image_dpi} is out of range"),
                "use 72 to 1200 pixels per inch; 300 is print quality",
            )
            .into());
        }
        Ok(image_dpi)
    }

    /// The footnote and link keys, each checked against the values it takes.
    fn note_settings(&self, err_at: &ErrAt) -> Result<NoteSettings> {
        let numbering = match self.footnotes.as_deref().unwrap_or("section") {
            "section" => NoteNumbering::Section,
            "page" => NoteNumbering::Page,
            other => {
                let m = format!("unknown footnote numbering `{other}`");
                return Err(err_at("footnotes", m, "use section or page").into());
            }
        };
        let urls = match self.urls.as_deref().unwrap_or("footnote") {
            "footnote" => UrlMode::Footnote,
            "inline" => UrlMode::Inline,
            "none" => UrlMode::None,
            other => {
                let m = format!("unknown urls mode `{other}`");
                return Err(err_at("urls", m, "use footnote, inline or none").into());
            }
        };
        let link_color = match self.link_color.as_deref() {
            None => NoteSettings::default().link_color,
            Some(c) => hex_color(c).ok_or_else(|| {
                err_at(
                    "link_color",
                    format!("`{c}` is not a colour"),
                    "write it as #rrggbb, e.g. #1a3d7c",
                )
            })?,
        };
        Ok(NoteSettings {
            numbering,
            urls,
            link_color,
            page_refs: self.page_refs.unwrap_or(false),
        })
    }
}

/// `#rrggbb` (or `rrggbb`) as RGB.
fn hex_color(s: &str) -> Option<[u8; 3]> {
    let h = s.trim().trim_start_matches('#');
    if h.len() != 6 || !h.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// Page size in millimetres: a name or `WxH`.
pub fn page_size_mm(spec: &str) -> Option<(f32, f32)> {
    match spec.trim().to_ascii_uppercase().as_str() {
        "A5" => return Some((148.0, 210.0)),
        "A4" => return Some((210.0, 297.0)),
        "A3" => return Some((297.0, 420.0)),
        "B5" => return Some((176.0, 250.0)),
        "B4" => return Some((250.0, 353.0)),
        _ => {}
    }
    let s = spec.trim().trim_end_matches("mm").trim();
    let (a, b) = s.split_once(['x', 'X', '×', '*'])?;
    let w: f32 = a.trim().parse().ok()?;
    let h: f32 = b.trim().parse().ok()?;
    ((50.0..=1000.0).contains(&w) && (50.0..=1000.0).contains(&h)).then_some((w, h))
}

impl FontsTable {
    /// Resolves font paths: relative ones against the book folder, defaults to the bundled fonts.
    pub fn settings(&self, root: &Path) -> FontSettings {
        let resolve = |r: &FontRef| {
            let (p, index) = match r {
                FontRef::Path(p) => (p, AUTO_FACE),
                FontRef::Face { path, index } => (path, index.unwrap_or(AUTO_FACE)),
            };
            FontFile {
                path: root.join(p),
                index,
            }
        };
        let bundled = bundled_font_dir();
        FontSettings {
            body: self.body.as_ref().map_or_else(
                || FontFile {
                    path: bundled.join(BUNDLED_BODY),
                    index: 0,
                },
                resolve,
            ),
            heading: self.heading.as_ref().map_or_else(
                || FontFile {
                    path: bundled.join(BUNDLED_HEADING),
                    index: 0,
                },
                resolve,
            ),
            code: self.code.as_ref().map_or_else(
                || FontFile {
                    path: default_code_font(&bundled),
                    index: 0,
                },
                resolve,
            ),
            fallback: self.fallback.iter().map(resolve).collect(),
            system: self.system.unwrap_or(true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_names_key_and_line() {
        let text = "[book]\ntitle = \"x\"\nsections = []\nautor = \"y\"\n";
        let e = parse(text, Path::new("book.toml")).unwrap_err();
        let d = e.first();
        assert!(d.message.contains("unknown field `autor`"), "{}", d.message);
        assert_eq!((d.line, d.column), (4, 1));
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let e = parse("[book]\ntitle = \"x\nsections=[]\n", Path::new("book.toml")).unwrap_err();
        assert_eq!(e.first().line, 2);
    }

    #[test]
    fn note_and_link_keys() {
        let pdf = |toml: &str| {
            parse(
                &format!("[book]\ntitle='t'\nsections=[]\n[pdf]\n{toml}"),
                Path::new("book.toml"),
            )
            .and_then(|m| m.pdf.settings(Path::new("book.toml"), ""))
        };
        let d = pdf("").unwrap().notes;
        assert_eq!(d, NoteSettings::default());
        assert_eq!(d.link_color, [0x1a, 0x3d, 0x7c]);
        let s =
            pdf("footnotes = 'page'\nurls = 'inline'\nlink_color = '#FF0080'\npage_refs = true")
                .unwrap()
                .notes;
        assert_eq!(s.numbering, NoteNumbering::Page);
        assert_eq!(s.urls, UrlMode::Inline);
        assert_eq!(s.link_color, [255, 0, 128]);
        assert!(s.page_refs);
        assert!(pdf("urls = 'margin'").is_err());
        assert!(pdf("footnotes = 'chapter'").is_err());
        assert!(pdf("link_color = 'blue'").is_err());
        assert_eq!(hex_color("1a3d7c"), Some([0x1a, 0x3d, 0x7c]));
        assert_eq!(hex_color("#12345"), None);
    }

    #[test]
    fn page_sizes() {
        assert_eq!(page_size_mm("a5"), Some((148.0, 210.0)));
        assert_eq!(page_size_mm("B5"), Some((176.0, 250.0)));
        assert_eq!(page_size_mm("150×200mm"), Some((150.0, 200.0)));
        assert_eq!(page_size_mm("150x20"), None);
        assert_eq!(page_size_mm("letter"), None);
    }

    #[test]
    fn punctuation_style_is_gb_tw_hk_or_an_error() {
        use crate::cjk::Region;
        let with = |p: &str| PdfTable {
            punctuation: Some(p.into()),
            ..PdfTable::default()
        };
        let s = PdfTable::default()
            .settings(Path::new("book.toml"), "")
            .unwrap();
        assert_eq!(s.punctuation, None);
        for (name, region) in [
            ("gb", Region::Mainland),
            ("tw", Region::Taiwan),
            ("hk", Region::HongKong),
        ] {
            let s = with(name).settings(Path::new("book.toml"), "").unwrap();
            assert_eq!(s.punctuation, Some(region));
        }
        let e = with("cns").settings(Path::new("book.toml"), "").err();
        let msg = e.map(|e| e.first().message.clone()).unwrap_or_default();
        assert!(msg.contains("unknown punctuation style `cns`"), "{msg}");
    }

    #[test]
    fn measure_is_whole_characters() {
        let s = PdfTable::default()
            .settings(Path::new("book.toml"), "")
            .unwrap();
        let measure = s.page_width - s.margin_inner - s.margin_outer;
        let chars = measure / s.font_size;
        assert!((chars - chars.round()).abs() < 1e-3, "{chars}");
        assert_eq!(s.kinsoku, Kinsoku::Gb);
    }

    #[test]
    fn font_refs_resolve_against_book_folder() {
        let m = parse(
            "[book]\ntitle='t'\nsections=[]\n[fonts]\nbody = { path = 'f/a.ttc', index = 2 }\nfallback = ['b.otf']\n",
            Path::new("book.toml"),
        )
        .unwrap();
        let s = m.fonts.settings(Path::new("/b"));
        assert_eq!(
            s.body,
            FontFile {
                path: PathBuf::from("/b/f/a.ttc"),
                index: 2
            }
        );
        assert_eq!(
            s.fallback[0],
            FontFile {
                path: PathBuf::from("/b/b.otf"),
                index: AUTO_FACE
            }
        );
        assert!(s.heading.path.ends_with(BUNDLED_HEADING));
    }

    fn writing(toml: &str) -> Result<(Writing, Writing)> {
        let text = format!("[book]\ntitle='t'\nsections=[]\n{toml}");
        parse(&text, Path::new("book.toml"))?.writing(Path::new("book.toml"), &text)
    }

    #[test]
    fn writing_is_the_books_unless_an_edition_says_otherwise() {
        use Writing::*;
        assert_eq!(writing("").unwrap(), (Horizontal, Horizontal));
        assert_eq!(writing("writing='vertical'").unwrap(), (Vertical, Vertical));
        let pdf_only = "[pdf]\nwriting='vertical'";
        assert_eq!(writing(pdf_only).unwrap(), (Vertical, Horizontal));
        let epub_back = "writing='vertical'\n[epub]\nwriting='horizontal'";
        assert_eq!(writing(epub_back).unwrap(), (Vertical, Horizontal));
        let e = writing("[pdf]\nwriting='columns'").unwrap_err();
        let d = e.first();
        assert!(
            d.message.contains("unknown writing `columns`"),
            "{}",
            d.message
        );
        assert_eq!(d.line, 5);
    }

    #[test]
    fn tcy_is_two_to_four() {
        let tcy = |v: &str| {
            let text = format!("[book]\ntitle='t'\nsections=[]\n[pdf]\n{v}");
            let m = parse(&text, Path::new("book.toml")).unwrap();
            m.pdf.settings(Path::new("book.toml"), &text).map(|s| s.tcy)
        };
        assert_eq!(tcy("").unwrap(), 2);
        assert_eq!(tcy("tcy = 4").unwrap(), 4);
        assert!(
            tcy("tcy = 5")
                .unwrap_err()
                .first()
                .message
                .contains("out of range")
        );
        assert!(tcy("tcy = 1").is_err());
    }

    fn epub(toml: &str) -> Result<EpubSettings> {
        let m = parse(
            &format!("[book]\ntitle='t'\nsections=[]\n[epub]\n{toml}"),
            Path::new("book.toml"),
        )?;
        m.epub.settings(Path::new("book.toml"))
    }

    #[test]
    fn epub_keys_default_and_validate() {
        let d = epub("").unwrap();
        assert!(d.page_list && !d.embed_font);
        assert_eq!(d.accessibility_hazards, ["none"]);
        assert_eq!(d.accessibility_summary, None);
        let s = epub("page_list = false\naccessibility_hazards = ['flashing', 'noSoundHazard', 'flashing']\naccessibility_summary = ' 说明 '").unwrap();
        assert!(!s.page_list);
        assert_eq!(s.accessibility_hazards, ["flashing", "noSoundHazard"]);
        assert_eq!(s.accessibility_summary.as_deref(), Some("说明"));
        let msg = |t: &str| epub(t).unwrap_err().first().message.clone();
        assert!(
            msg("accessibility_hazards = ['blinking']")
                .contains("unknown accessibility hazard `blinking`")
        );
        assert!(
            msg("accessibility_hazards = ['none', 'sound']").contains("`none` cannot be combined")
        );
        assert!(msg("accessibility_hazards = ['sound', 'noSoundHazard']").contains("contradict"));
        assert!(msg("accessibility_hazards = []").contains("is empty"));
        assert!(msg("accessibility_summary = ''").contains("is empty"));
        let e = epub("pagelist = false").unwrap_err();
        assert!(
            e.first().message.contains("unknown field `pagelist`"),
            "{}",
            e.first().message
        );
        assert_eq!(e.first().line, 5);
    }

    #[test]
    fn impose_modes() {
        let mode = |v: &str| {
            let t = PdfTable {
                impose: Some(v.into()),
                ..PdfTable::default()
            };
            t.settings(Path::new("book.toml"), "").map(|s| s.impose)
        };
        assert_eq!(mode("none").unwrap(), None);
        assert_eq!(mode("saddle").unwrap(), Some(Imposition::Saddle));
        assert_eq!(mode("cut").unwrap(), Some(Imposition::CutStack));
        let e = mode("fold").unwrap_err().to_string();
        assert!(e.contains("unknown impose mode `fold`"), "{e}");
        assert!(
            PdfTable::default()
                .settings(Path::new("book.toml"), "")
                .unwrap()
                .impose
                .is_none()
        );
    }
}
