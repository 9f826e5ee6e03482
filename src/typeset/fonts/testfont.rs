//! The fonts unit tests load: the bundled subsets, else Debian's copies.

use super::FontSet;
use crate::book::model::{FontFile, FontSettings};
use std::path::PathBuf;
use std::sync::OnceLock;

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
    let bundled = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fonts/NotoSansCJKsc-Bold.otf");
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
    let bundled = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fonts/NotoSansMono-Regular.ttf");
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
