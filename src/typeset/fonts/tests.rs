use super::load::read_interned;
use super::locale::{choose_face, family};
use super::testfont::*;
use super::*;
use crate::cjk::Side;
use crate::units::Em;
use rustybuzz::ttf_parser;
use std::path::Path;
use std::path::PathBuf;

#[test]
fn em_box_top_comes_from_the_face() {
    // Noto CJK: typographic ascender 880, descender -120 of 1000 units.
    let f = fonts();
    assert_eq!(f.em_box_top(f.body()), Em(0.88));
    assert_eq!(f.em_box_top(f.heading()), Em(0.88));
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
    let (Em(a), Em(d)) = f.vertical_metrics(f.body());
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
