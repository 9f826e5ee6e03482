//! The fonts unit tests load: the bundled subsets, else Debian's copies.

use super::FontSet;
use crate::book::model::{FontFile, FontSettings};
use std::path::PathBuf;
use std::sync::OnceLock;

/// `bundled` (a file in the repository's `fonts/`) if present, else Debian's copy: face
/// `index` of `system`.
fn bundled_or(bundled: &str, system: &str, index: u32) -> FontFile {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fonts")
        .join(bundled);
    if path.exists() {
        FontFile { path, index: 0 }
    } else {
        FontFile {
            path: PathBuf::from(system),
            index,
        }
    }
}

/// The body font for tests: the bundled subset if present, else Debian's Noto Serif CJK (SC
/// face of the collection).
pub fn body_file() -> FontFile {
    bundled_or(
        "NotoSerifCJKsc-Regular.otf",
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
        2,
    )
}

/// The heading font for tests: bundled Noto Sans CJK SC Bold, else Debian's collection.
pub fn heading_file() -> FontFile {
    bundled_or(
        "NotoSansCJKsc-Bold.otf",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
        2,
    )
}

/// The code font for tests: bundled Noto Sans Mono, else Debian's copy.
pub fn code_file() -> FontFile {
    bundled_or(
        "NotoSansMono-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSansMono-Regular.ttf",
        0,
    )
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
