//! The regions a book is shaped for, and the face of a font collection that fits its language.

use super::load::read_interned;
use crate::book::model::FontFile;
use crate::cjk::Region;
use crate::diag::{Diagnostic, Result};
use rustybuzz::ttf_parser;

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

/// The face of a collection to take when book.toml gives no `index`: a single-face file's only
/// face; in a collection, the first face whose family name (name IDs 16, 1) carries the region
/// tag of the book's language (SC for zh-CN/zh-Hans, TC for zh-TW/zh-Hant, HK for zh-HK, JP, KR),
/// with a note saying which; an error listing the faces when none does.
pub(super) fn choose_face(
    file: &FontFile,
    language: &str,
) -> Result<(FontFile, Option<Diagnostic>)> {
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
pub(super) fn family(face: &ttf_parser::Face) -> String {
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
