//! Loading a book folder into the document model. The only stage that reads source files
//! (and the clock, through `SOURCE_DATE_EPOCH`).

pub mod assets;
pub mod manifest;
pub mod model;
pub mod source;

use crate::diag::{Diagnostic, Result};
use assets::{ImageCache, confine, io_reason};
use model::{Book, EpubSettings, Metadata};
use std::collections::HashMap;
use std::path::Path;

/// Section files larger than this are refused before reading (a book's section is a few
/// hundred KB; this only stops a wrong file from exhausting memory).
pub const MAX_SECTION_BYTES: u64 = 64 * 1024 * 1024;

/// Loads `dir/book.toml` and everything it lists.
pub fn load(dir: &Path) -> Result<Book> {
    load_with_warnings(dir).map(|(book, _)| book)
}

/// Like [`load`], also returning the warnings found on the way.
pub fn load_with_warnings(dir: &Path) -> Result<(Book, Vec<Diagnostic>)> {
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
    let at_key = |key: &str| {
        let line = text
            .lines()
            .position(|l| l.trim_start().starts_with(key))
            .map_or(0, |i| i as u32 + 1);
        let file = toml_path.clone();
        move |d: Diagnostic| d.in_file(&file).at(line, 0)
    };

    let b = &manifest.book;
    if b.title.trim().is_empty() {
        return Err(at_key("title")(Diagnostic::error("the book title is empty")).into());
    }
    if b.sections.is_empty() {
        return Err(at_key("sections")(
            Diagnostic::error("`sections` lists no files")
                .hint("list the Markdown files in reading order"),
        )
        .into());
    }
    let mut files = Vec::with_capacity(b.sections.len());
    let mut section_ids = HashMap::new();
    for (i, s) in b.sections.iter().enumerate() {
        let (abs, rel) = confine(&root, Path::new(""), s).map_err(at_key("sections"))?;
        let id = format!("sec-{}", i + 1);
        if section_ids.insert(rel.clone(), id.clone()).is_some() {
            return Err(at_key("sections")(
                Diagnostic::error(format!("`{s}` is listed twice in `sections`"))
                    .hint("list each file once"),
            )
            .into());
        }
        files.push((abs, rel, id));
    }

    let mut images = ImageCache::default();
    let mut figures = 0;
    let mut warnings = Vec::new();
    let mut sections = Vec::with_capacity(files.len());
    for (abs, rel, id) in &files {
        if let Ok(meta) = std::fs::metadata(abs)
            && meta.len() > MAX_SECTION_BYTES
        {
            return Err(at_key("sections")(
                Diagnostic::error(format!(
                    "section `{rel}` is {} MB, over the limit of {} MB",
                    meta.len() >> 20,
                    MAX_SECTION_BYTES >> 20
                ))
                .hint("split it into several sections"),
            )
            .into());
        }
        let bytes = std::fs::read(abs).map_err(|e| {
            at_key("sections")(
                Diagnostic::error(format!("section `{rel}` cannot be read: {}", io_reason(&e)))
                    .hint("check the file name in `sections`; paths are relative to book.toml"),
            )
        })?;
        let rel_path = Path::new(rel);
        let text = source::decode(bytes, rel_path)?;
        if text.starts_with("---\n") {
            return Err(Diagnostic::error("YAML front matter is not supported yet")
                .in_file(rel_path)
                .at(1, 1)
                .width(3)
                .hint(
                    "write the front matter as TOML between `+++` lines: +++ / title = \"…\" / +++",
                )
                .into());
        }
        let mut ctx = source::Context {
            root: &root,
            images: &mut images,
            figures: &mut figures,
            section_ids: &section_ids,
            warnings: &mut warnings,
        };
        sections.push(source::parse_section(&mut ctx, rel_path, id, &text)?);
    }

    let cover = match &b.cover {
        None => None,
        Some(c) => {
            // The cover path is relative to book.toml, not to a Markdown file.
            let cover_hint = |d: Diagnostic| {
                let hint = d.hint.as_deref().map(|h| {
                    h.replace(
                        "relative to the Markdown file",
                        "relative to book.toml's folder",
                    )
                });
                Diagnostic { hint, ..d }
            };
            let (abs, rel) = confine(&root, Path::new(""), c)
                .map_err(cover_hint)
                .map_err(at_key("cover"))?;
            Some(
                images
                    .load(&abs, &rel)
                    .map_err(cover_hint)
                    .map_err(at_key("cover"))?,
            )
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
        modified_unix: build_time()?,
        name: output_name(&root),
        cover,
    };
    let book = Book {
        pdf: manifest.pdf.settings(&toml_path)?,
        fonts: manifest.fonts.settings(&root),
        epub: EpubSettings {
            embed_font: manifest.epub.embed_font,
        },
        root,
        meta,
        sections,
    };
    Ok((book, warnings))
}

/// `SOURCE_DATE_EPOCH` when set (reproducible builds), else now.
fn build_time() -> Result<i64> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|t| *t >= 0)
            .ok_or_else(|| {
                Diagnostic::error(format!(
                    "SOURCE_DATE_EPOCH is `{v}`, not a number of seconds"
                ))
                .hint(
                    "set it to a Unix timestamp such as `$(git log -1 --format=%ct)`, or unset it",
                )
                .into()
            }),
        _ => Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)),
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
}
