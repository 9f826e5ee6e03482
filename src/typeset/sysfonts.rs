//! The fonts installed on the machine, searched only for characters that no configured font
//! has: the standard folders (on Linux `/usr/share/fonts`, `/usr/local/share/fonts`,
//! `~/.fonts`, `~/.local/share/fonts`; the system font folders elsewhere), scanned with fontdb.
//!
//! The order is fixed so that the same machine always picks the same font: regular upright
//! faces before bold, italic or condensed ones, then by file path and face index. Faces with no
//! outlines (bitmap-only colour emoji) are skipped: the PDF embeds outline fonts only.

use crate::book::model::FontFile;
use rustybuzz::ttf_parser;
use std::path::PathBuf;

/// A face found on the machine.
#[derive(Debug, Clone, PartialEq)]
pub struct SystemFace {
    pub file: FontFile,
    /// Its family name, for messages.
    pub family: String,
}

/// For each of `chars`, the first installed face (in the order above) that has a glyph for it;
/// `None` where no font on the machine has one.
pub fn find_covering(chars: &[char]) -> Vec<Option<SystemFace>> {
    let mut db = fontdb::Database::new();
    db.load_system_fonts();
    find_in(&db, chars)
}

/// [`find_covering`] over the fonts of one folder (and its subfolders), for tests.
pub fn find_covering_in(dir: &std::path::Path, chars: &[char]) -> Vec<Option<SystemFace>> {
    let mut db = fontdb::Database::new();
    db.load_fonts_dir(dir);
    find_in(&db, chars)
}

fn find_in(db: &fontdb::Database, chars: &[char]) -> Vec<Option<SystemFace>> {
    let mut faces: Vec<(bool, PathBuf, u32, fontdb::ID, String)> = db
        .faces()
        .filter_map(|f| {
            let path = match &f.source {
                fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => p.clone(),
                fontdb::Source::Binary(_) => return None,
            };
            let regular = f.style == fontdb::Style::Normal
                && f.weight == fontdb::Weight::NORMAL
                && f.stretch == fontdb::Stretch::Normal;
            let family = f
                .families
                .first()
                .map(|(n, _)| n.clone())
                .unwrap_or_default();
            Some((!regular, path, f.index, f.id, family))
        })
        .collect();
    faces.sort_by(|a, b| (a.0, &a.1, a.2).cmp(&(b.0, &b.1, b.2)));
    faces.dedup_by(|a, b| a.1 == b.1 && a.2 == b.2);
    let mut out: Vec<Option<SystemFace>> = vec![None; chars.len()];
    let mut left = chars.len();
    for (_, path, index, id, family) in faces {
        if left == 0 {
            break;
        }
        db.with_face_data(id, |data, i| {
            let Ok(face) = ttf_parser::Face::parse(data, i) else {
                return;
            };
            let t = face.tables();
            if t.glyf.is_none() && t.cff.is_none() && t.cff2.is_none() {
                return;
            }
            for (slot, &c) in out.iter_mut().zip(chars) {
                if slot.is_none() && face.glyph_index(c).is_some_and(|g| g.0 != 0) {
                    *slot = Some(SystemFace {
                        file: FontFile {
                            path: path.clone(),
                            index,
                        },
                        family: family.clone(),
                    });
                    left -= 1;
                }
            }
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy(from: &str, to: &std::path::Path) {
        let from = PathBuf::from("/usr/share/fonts/truetype").join(from);
        if let Err(e) = std::fs::copy(&from, to) {
            panic!(
                "{}: {e} (.ci/run installs fonts-dejavu-core and fonts-thai-tlwg)",
                from.display()
            );
        }
    }

    #[test]
    fn regular_faces_come_before_bold_ones_then_by_path() {
        let d = tempfile::tempdir().unwrap();
        // By path alone the bold face would come first.
        copy("dejavu/DejaVuSans-Bold.ttf", &d.path().join("a-bold.ttf"));
        copy("dejavu/DejaVuSans.ttf", &d.path().join("b-regular.ttf"));
        copy("dejavu/DejaVuSerif.ttf", &d.path().join("c-regular.ttf"));
        std::fs::create_dir(d.path().join("sub")).unwrap();
        copy("tlwg/Garuda.ttf", &d.path().join("sub/thai.ttf"));
        let found = find_covering_in(d.path(), &['A', 'ก', '\u{E000}']);
        let path = |i: usize| found[i].as_ref().map(|f| f.file.path.clone());
        assert_eq!(path(0), Some(d.path().join("b-regular.ttf")));
        assert_eq!(
            found[0].as_ref().map(|f| f.family.as_str()),
            Some("DejaVu Sans")
        );
        assert_eq!(path(1), Some(d.path().join("sub/thai.ttf")));
        assert_eq!(found[2], None);
        // The same fonts give the same answer every time.
        assert_eq!(find_covering_in(d.path(), &['A', 'ก', '\u{E000}']), found);
    }
}
