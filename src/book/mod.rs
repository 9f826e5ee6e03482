//! Loading a book folder into the document model. The only stage that reads source files
//! (and the clock, through `SOURCE_DATE_EPOCH`).

pub mod assets;
pub mod html;
pub mod html_tags;
pub mod include;
pub mod links;
pub mod manifest;
pub mod markdown;
pub mod model;
pub mod remote;
pub mod source;
pub mod summary;
pub mod svg;
pub mod walk;
pub mod yaml;

use crate::diag::{Diagnostic, Result, Severity};
use assets::{ImageCache, confine, io_reason};
use model::{Book, Metadata, Part};
use source::{FigureNumbers, Placement};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Section files larger than this are refused before reading (a book's section is a few
/// hundred KB; this only stops a wrong file from exhausting memory).
pub const MAX_SECTION_BYTES: u64 = 64 * 1024 * 1024;

/// Loads `dir/book.toml` and everything it lists.
pub fn load(dir: &Path) -> Result<Book> {
    load_with_warnings(dir).map(|(book, _)| book)
}

/// Like [`load`], also returning the warnings found on the way. Any error found in any
/// section makes it `Err`, with every error and warning of the whole book.
pub fn load_with_warnings(dir: &Path) -> Result<(Book, Vec<Diagnostic>)> {
    let (book, findings) = load_all(dir)?;
    if findings.iter().any(|d| d.severity == Severity::Error) {
        let (mut errors, warnings): (Vec<_>, Vec<_>) = findings
            .into_iter()
            .partition(|d| d.severity == Severity::Error);
        errors.extend(warnings);
        return Err(errors.into());
    }
    Ok((book, findings))
}

/// One section file as the book lists it.
struct Listed {
    /// Relative to the book folder, `/`-separated.
    rel: String,
    abs: PathBuf,
    place: Placement,
    part: Option<usize>,
    /// Where it is listed (book.toml or SUMMARY.md) and on which line, for messages.
    listed_in: PathBuf,
    line: u32,
}

/// Reads the whole book, going on past problems in its sections so that all of them are
/// found in one run. `Err` only when there is no book to read (no or broken book.toml, no
/// sections); otherwise the book as far as it could be read and every finding, errors included.
pub fn load_all(dir: &Path) -> Result<(Book, Vec<Diagnostic>)> {
    let (toml_path, text, manifest, root) = read_manifest(dir)?;
    let at_key = |key: &str| {
        let line = key_line(&text, key);
        let file = toml_path.clone();
        move |d: Diagnostic| d.in_file(&file).at(line, 0)
    };

    let b = &manifest.book;
    if b.title.trim().is_empty() {
        return Err(at_key("title")(Diagnostic::error("the book title is empty")).into());
    }
    let figure_numbers = match b.figure_numbers.as_deref().unwrap_or("book") {
        "book" => FigureNumbers::Book,
        "chapter" => FigureNumbers::Chapter,
        "source" => FigureNumbers::Source,
        other => {
            return Err(at_key("figure_numbers")(
                Diagnostic::error(format!("unknown figure_numbers `{other}`")).hint(
                    "use book (图1, 图2 …), chapter (图1.1 …) or source (the caption's own label)",
                ),
            )
            .into());
        }
    };
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    let (listed, part_titles) = list_sections(&root, b, &toml_path, &text, &mut warnings)?;

    let mut section_ids = HashMap::new();
    let mut files = Vec::with_capacity(listed.len());
    for (i, l) in listed.into_iter().enumerate() {
        let id = format!("sec-{}", i + 1);
        if section_ids.insert(l.rel.clone(), id.clone()).is_some() {
            errors.push(
                Diagnostic::error(format!("`{}` is listed twice", l.rel))
                    .in_file(&l.listed_in)
                    .at(l.line, 0)
                    .hint("list each file once"),
            );
            continue;
        }
        files.push((l, id));
    }

    let font_settings = manifest.fonts.settings(&root);
    let mut images = ImageCache::default();
    images.svg_fonts = std::iter::once(&font_settings.body)
        .chain(std::iter::once(&font_settings.heading))
        .chain(&font_settings.fallback)
        .map(|f| f.path.clone())
        .collect();
    let mut figures = 0;
    let mut anchors = HashMap::new();
    let mut files_read = vec!["book.toml".to_string()];
    let mut sections = Vec::with_capacity(files.len());
    let mut parts: Vec<Part> = Vec::new();
    let mut chapter = (0, 0);
    let mut notes = source::BookNotes::default();
    for (l, id) in &files {
        let text = match read_section(l) {
            Ok(t) => t,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        files_read.push(l.rel.clone());
        if l.place.depth == 0 {
            chapter = (chapter.0 + 1, 0);
        }
        let rel_path = Path::new(&l.rel);
        let mut ctx = source::Context {
            root: &root,
            images: &mut images,
            figures: &mut figures,
            section_ids: &section_ids,
            warnings: &mut warnings,
            errors: &mut errors,
            anchors: &mut anchors,
            figure_numbers,
            words: crate::words::for_language(b.language.as_deref().unwrap_or("zh-CN")),
            chapter,
            files_read: &mut files_read,
            notes: &mut notes,
        };
        let parsed = source::parse_placed(&mut ctx, rel_path, id, &text, &l.place);
        chapter = ctx.chapter;
        match parsed {
            Ok(_) if notes.drafts.iter().any(|d| d == rel_path) => {
                warnings.push(
                    Diagnostic::warning(format!("`{}` is a draft (draft: true): left out", l.rel))
                        .in_file(rel_path)
                        .at(1, 1)
                        .hint("set draft: false, or remove the key, to include it"),
                );
            }
            Ok(section) => {
                if let Some(p) = l.part {
                    match parts.last_mut() {
                        Some(last)
                            if last.title == part_titles[p] && last.end == sections.len() =>
                        {
                            last.end += 1
                        }
                        _ => parts.push(Part {
                            title: part_titles[p].clone(),
                            first: sections.len(),
                            end: sections.len() + 1,
                        }),
                    }
                }
                sections.push(section);
            }
            Err(e) => errors.extend(e.diagnostics),
        }
    }
    links::resolve(&mut sections, &section_ids, &anchors, &mut warnings);
    if !notes.site_keys.is_empty() {
        let keys: Vec<&str> = notes.site_keys.iter().map(String::as_str).collect();
        warnings.push(
            Diagnostic::warning(format!(
                "front matter keys of site generators are passed over: {}",
                keys.join(", ")
            ))
            .hint("they mean nothing in a book; title, author, date and draft are read"),
        );
    }

    if !notes.remote.is_empty() {
        let n = notes.remote.len();
        warnings.push(
            Diagnostic::note(format!(
                "{n} remote picture{} set as placeholder{}; builds never use the network",
                if n == 1 { " is" } else { "s are" },
                if n == 1 { "" } else { "s" },
            ))
            .hint("`bookpress fetch-images` downloads them once into .bookpress-cache/images/"),
        );
    }

    let cover = match &b.cover {
        None => None,
        Some(c) => match confine(&root, Path::new(""), c)
            .and_then(|(abs, rel)| images.load(&abs, &rel).map(|i| (i, rel)))
        {
            Ok((image, rel)) => {
                files_read.push(rel);
                Some(image)
            }
            Err(d) => {
                errors.push(at_key("cover")(d.hint(
                    "the cover path is relative to book.toml and must stay inside the book folder",
                )));
                None
            }
        },
    };
    // A date in the book.toml wins; else the newest date the sections' front matter gives.
    let date = b.date.clone().or_else(|| notes.dates.iter().max().cloned());
    let modified_unix = match book_date(date.as_deref(), &root, &files_read) {
        Ok(t) => t,
        Err(d) => {
            errors.push(at_key("date")(d));
            0
        }
    };
    let meta = Metadata {
        title: b.title.trim().to_string(),
        series: b.series.clone().filter(|s| !s.trim().is_empty()),
        editors: b.editors.clone(),
        authors: b.authors.clone(),
        language: b.language.clone().unwrap_or_else(|| "zh-CN".into()),
        identifier: b
            .identifier
            .clone()
            .unwrap_or_else(|| identifier_from_title(&b.title)),
        modified_unix,
        name: output_name(&root),
        cover,
        description: b.description.clone().filter(|d| !d.trim().is_empty()),
    };
    let at_cover = at_key("cover");
    let book = Book {
        pdf: manifest.pdf.settings(&toml_path)?,
        fonts: font_settings,
        epub: manifest.epub.settings(&toml_path)?,
        root,
        meta,
        sections,
        parts,
        remote_pictures: notes.remote,
        toml_text: text,
    };
    if let Some(d) = cover_resolution(&book) {
        warnings.push(at_cover(d));
    }
    errors.extend(warnings);
    Ok((book, errors))
}

/// A cover picture that would print at under 150 pixels per inch when it fills the page (it is
/// cropped to the page's proportions, so the scarcer dimension decides).
fn cover_resolution(book: &Book) -> Option<Diagnostic> {
    let img = book.meta.cover.as_ref()?;
    let (w, h) = img.display_size();
    let inches = |pt: f32| f64::from(pt) / 72.0;
    let dpi = (f64::from(w) / inches(book.pdf.page_width))
        .min(f64::from(h) / inches(book.pdf.page_height));
    (dpi < 150.0).then(|| {
        Diagnostic::warning(format!(
            "the cover picture `{}` ({w}×{h} pixels) prints at {dpi:.0} pixels per inch on the \
             first page, which looks blurred",
            img.path
        ))
        .hint("give a picture of at least 150, better 300, pixels per inch of the page size")
    })
}

/// `dir/book.toml` read and parsed: its path, its text, the manifest, and the canonical folder.
fn read_manifest(dir: &Path) -> Result<(PathBuf, String, manifest::Manifest, PathBuf)> {
    let toml_path = dir.join("book.toml");
    let text = std::fs::read(&toml_path).map_err(|e| {
        Diagnostic::error(format!("cannot read book.toml: {}", io_reason(&e)))
            .in_file(&toml_path)
            .hint("give the folder that holds book.toml, e.g. `bookpress build book`")
    })?;
    let text = source::decode(text, &toml_path)?;
    let manifest = manifest::parse(&text, &toml_path)?;
    let root = dir.canonicalize().map_err(|e| {
        Diagnostic::error(format!("cannot open the book folder: {}", io_reason(&e))).in_file(dir)
    })?;
    Ok((toml_path, text, manifest, root))
}

/// The book's section files in reading order (book.toml's `sections`, or SUMMARY.md), each as
/// (absolute path, path relative to the book folder), without reading the sections themselves:
/// what `check --fix` rewrites.
pub fn section_files(dir: &Path) -> Result<Vec<(PathBuf, String)>> {
    let (toml_path, text, manifest, root) = read_manifest(dir)?;
    let (listed, _) = list_sections(&root, &manifest.book, &toml_path, &text, &mut Vec::new())?;
    Ok(listed.into_iter().map(|l| (l.abs, l.rel)).collect())
}

/// The book's `language` as book.toml gives it (zh-CN when it gives none or cannot be read),
/// for `check --fix`, which rewrites the sources without loading the book.
pub fn language_of(dir: &Path) -> String {
    read_manifest(dir)
        .ok()
        .and_then(|(_, _, m, _)| m.book.language)
        .unwrap_or_else(|| "zh-CN".into())
}

/// The 1-based line of `key = …` in book.toml; 0 when it is not there.
fn key_line(text: &str, key: &str) -> u32 {
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with('='))
        })
        .map_or(0, |i| i as u32 + 1)
}

/// The sections in reading order: `[book] sections`, else mdBook's `src/SUMMARY.md`.
fn list_sections(
    root: &Path,
    b: &manifest::BookTable,
    toml_path: &Path,
    toml_text: &str,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(Vec<Listed>, Vec<String>)> {
    if let Some(list) = &b.sections {
        let line = key_line(toml_text, "sections");
        if list.is_empty() {
            return Err(Diagnostic::error("`sections` lists no files")
                .in_file(toml_path)
                .at(line, 0)
                .hint("list the Markdown files in reading order")
                .into());
        }
        let mut out = Vec::new();
        for s in list {
            let (abs, rel) =
                confine(root, Path::new(""), s).map_err(|d| d.in_file(toml_path).at(line, 0))?;
            out.push(Listed {
                rel,
                abs,
                place: Placement::default(),
                part: None,
                listed_in: toml_path.to_path_buf(),
                line,
            });
        }
        return Ok((out, Vec::new()));
    }
    let src = b.src.as_deref().unwrap_or("src");
    let (summary_abs, summary_rel) = confine(root, Path::new(""), &format!("{src}/SUMMARY.md"))
        .map_err(|d| d.in_file(toml_path).at(key_line(toml_text, "src"), 0))?;
    let summary_text = match std::fs::read(&summary_abs) {
        Ok(bytes) => source::decode(bytes, Path::new(&summary_rel))?,
        Err(_) => {
            return Err(Diagnostic::error(
                "book.toml has no `sections`, and there is no src/SUMMARY.md (an mdBook book) here",
            )
            .in_file(toml_path)
            .hint("list the Markdown files in reading order: sections = [\"01.md\", \"02.md\"]")
            .into());
        }
    };
    let summary = summary::parse(&summary_text);
    let summary_path = PathBuf::from(&summary_rel);
    for (title, line) in &summary.drafts {
        warnings.push(
            Diagnostic::warning(format!("draft chapter `{title}` has no file: left out"))
                .in_file(&summary_path)
                .at(*line, 0)
                .hint("give it a file, as `[title](file.md)`, to include it"),
        );
    }
    if summary.entries.is_empty() {
        return Err(Diagnostic::error("SUMMARY.md lists no chapters")
            .in_file(&summary_path)
            .hint("list the chapters as `- [标题](chapter.md)`")
            .into());
    }
    let mut out = Vec::new();
    for e in summary.entries {
        let path = e.path.split('#').next().unwrap_or("");
        let (abs, rel) = confine(root, Path::new(src), path)
            .map_err(|d| d.in_file(&summary_path).at(e.line, 0))?;
        out.push(Listed {
            rel,
            abs,
            place: Placement {
                summary_title: Some(e.title),
                depth: e.depth,
            },
            part: e.part,
            listed_in: summary_path.clone(),
            line: e.line,
        });
    }
    Ok((out, summary.parts))
}

fn read_section(l: &Listed) -> std::result::Result<String, Diagnostic> {
    let at = |d: Diagnostic| d.in_file(&l.listed_in).at(l.line, 0);
    if let Ok(meta) = std::fs::metadata(&l.abs)
        && meta.len() > MAX_SECTION_BYTES
    {
        return Err(at(Diagnostic::error(format!(
            "section `{}` is {} MB, over the limit of {} MB",
            l.rel,
            meta.len() >> 20,
            MAX_SECTION_BYTES >> 20
        ))
        .hint("split it into several sections")));
    }
    let bytes = std::fs::read(&l.abs).map_err(|e| {
        at(Diagnostic::error(format!(
            "section `{}` cannot be read: {}",
            l.rel,
            io_reason(&e)
        ))
        .hint("check the file name; paths are relative to book.toml (SUMMARY.md: to its folder)"))
    })?;
    source::decode(bytes, Path::new(&l.rel)).map_err(|e| e.first().clone())
}

/// The edition's date: `SOURCE_DATE_EPOCH`, else `[book] date`, else the newest modification
/// time of the book's own files, so that unchanged sources give the same bytes.
fn book_date(
    date: Option<&str>,
    root: &Path,
    files: &[String],
) -> std::result::Result<i64, Diagnostic> {
    if let Some(t) = source_date_epoch()? {
        return Ok(t);
    }
    if let Some(d) = date {
        return parse_date(d).ok_or_else(|| {
            Diagnostic::error(format!("date `{d}` is not a date"))
                .hint("write it as YYYY-MM-DD, e.g. date = \"2021-06-03\"")
        });
    }
    Ok(files
        .iter()
        .filter_map(|f| std::fs::metadata(root.join(f)).ok()?.modified().ok())
        .filter_map(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64)
        .max()
        .unwrap_or(0))
}

/// `YYYY-MM-DD` → seconds since the Unix epoch at midnight UTC.
fn parse_date(s: &str) -> Option<i64> {
    let mut it = s.trim().splitn(3, '-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || d < 1 || d > days_in[m as usize - 1]
    {
        return None;
    }
    Some(crate::date::days_from_civil(y, m, d) * 86_400)
}

/// `SOURCE_DATE_EPOCH`, when set (reproducible builds).
fn source_date_epoch() -> std::result::Result<Option<i64>, Diagnostic> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|t| *t >= 0)
            .map(Some)
            .ok_or_else(|| {
                Diagnostic::error(format!(
                    "SOURCE_DATE_EPOCH is `{v}`, not a number of seconds"
                ))
                .hint(
                    "set it to a Unix timestamp such as `$(git log -1 --format=%ct)`, or unset it",
                )
            }),
        _ => Ok(None),
    }
}

/// A stable name-based identifier: the same title always gives the same URN.
pub fn identifier_from_title(title: &str) -> String {
    let h = fnv1a128(title.trim().as_bytes());
    let b = h.to_be_bytes();
    // Shaped as a version-5-style UUID so readers that expect one accept it.
    format!(
        "urn:uuid:{:08x}-{:04x}-5{:03x}-{:04x}-{:012x}",
        u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
        u16::from_be_bytes([b[4], b[5]]),
        u16::from_be_bytes([b[6], b[7]]) & 0x0fff,
        (u16::from_be_bytes([b[8], b[9]]) & 0x3fff) | 0x8000,
        u64::from_be_bytes([0, 0, b[10], b[11], b[12], b[13], b[14], b[15]]),
    )
}

fn fnv1a128(data: &[u8]) -> u128 {
    let mut h: u128 = 0x6c62272e07bb014262b821756295c58d;
    for &byte in data {
        h ^= u128::from(byte);
        h = h.wrapping_mul(0x0000000001000000000000000000013B);
    }
    h
}

/// The book folder's name as the outputs' stem, spaces and all: only path separators and
/// control characters (which no file name should carry) become `_`.
fn output_name(root: &Path) -> String {
    root.file_name()
        .map(|n| n.to_string_lossy())
        .map(|n| {
            n.chars()
                .map(|c| {
                    if c == '/' || c == '\\' || c.is_control() {
                        '_'
                    } else {
                        c
                    }
                })
                .collect()
        })
        .filter(|n: &String| !n.is_empty())
        .unwrap_or_else(|| "book".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_is_stable_and_uuid_shaped() {
        let a = identifier_from_title("交流经验");
        assert_eq!(a, identifier_from_title(" 交流经验 "));
        assert_ne!(a, identifier_from_title("交流经验（下）"));
        assert_eq!(a.len(), "urn:uuid:".len() + 36);
        assert_eq!(&a[23..24], "5");
    }

    #[test]
    fn output_name_keeps_spaces_and_chinese() {
        assert_eq!(output_name(Path::new("/x/my book")), "my book");
        assert_eq!(
            output_name(Path::new("/x/党史 学习（上）")),
            "党史 学习（上）"
        );
        assert_eq!(output_name(Path::new("/x/a\tb")), "a_b");
        assert_eq!(output_name(Path::new("/")), "book");
    }

    #[test]
    fn dates_parse_to_midnight_utc() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2021-06-03"), Some(1_622_678_400));
        assert_eq!(parse_date("2024-02-29"), Some(1_709_164_800));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2021-6"), None);
        assert_eq!(parse_date("昨天"), None);
    }
}
