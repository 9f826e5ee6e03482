//! Characters no configured font has are set in a font installed on the machine, with a
//! warning naming the font; with `--no-system-fonts` (or `[fonts] system = false`) they are an
//! error. Needs the Debian packages fonts-thai-tlwg (Thai), fonts-dejavu-core (Hebrew) and
//! poppler-utils, which .ci/run installs: a missing one fails the test, it does not skip.

use bookpress::build::{BuildOptions, build};
use bookpress::check::check_book_with;
use bookpress::diag::Severity;
use common::Fixture;
use std::path::Path;
use std::process::Command;

mod common;

const THAI: &str = "สวัสดี";
const HEBREW: &str = "שלום";

fn book(fonts_table: &str) -> Fixture {
    for f in [
        "/usr/share/fonts/truetype/tlwg/Garuda.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ] {
        assert!(
            Path::new(f).exists(),
            "{f} is needed (apt-get install fonts-thai-tlwg fonts-dejavu-core)"
        );
    }
    Fixture::text(&[
        (
            "book.toml",
            &format!("[book]\ntitle = \"外文\"\nsections = [\"a.md\"]\n{fonts_table}"),
        ),
        (
            "a.md",
            &format!("# 外文\n\n泰语的问候是{THAI}，希伯来语的问候是{HEBREW}。\n"),
        ),
    ])
}

fn opts(out: &Path, system_fonts: bool) -> BuildOptions {
    BuildOptions {
        out_dir: out.to_path_buf(),
        system_fonts,
        ..BuildOptions::default()
    }
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("`{name}` is required (apt-get install poppler-utils): {e}"));
    assert!(out.status.success(), "{name} failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn thai_and_hebrew_are_set_in_system_fonts_with_a_warning_each() {
    let d = book("");
    let built = build(&d.book(), &opts(&d.out(), true)).unwrap();
    let warnings: Vec<String> = built.warnings.iter().map(|w| w.to_string()).collect();
    let font_warnings: Vec<&String> = warnings
        .iter()
        .filter(|w| w.contains("set in the system font"))
        .collect();
    // One per font used, at the first character it supplies, naming the characters and the font.
    assert_eq!(font_warnings.len(), 2, "{warnings:#?}");
    assert!(
        font_warnings[0].starts_with("a.md:3:7: warning: no configured font has `ส` (U+0E2A)"),
        "{}",
        font_warnings[0]
    );
    assert!(font_warnings[0].contains(".ttf"), "{}", font_warnings[0]);
    assert!(
        font_warnings[1].starts_with("a.md:3:22: warning: no configured font has `ש` (U+05E9)"),
        "{}",
        font_warnings[1]
    );
    assert!(font_warnings[1].contains(".ttf"), "{}", font_warnings[1]);
    let pdf = &d.out().join(format!(
        "{}.pdf",
        &d.book().file_name().unwrap().to_string_lossy()
    ));
    assert!(built.files.contains(pdf), "{:?}", built.files);
    let p = pdf.to_str().unwrap();
    let text = tool("pdftotext", &[p, "-"]);
    assert!(text.contains(THAI), "{text}");
    // Hebrew is drawn right to left; poppler prints a right-to-left run in display order
    // inside RLE…PDF marks (here with the 。 after it).
    let shown: String = HEBREW.chars().rev().collect();
    let rtl = text
        .split('\u{202B}')
        .nth(1)
        .and_then(|r| r.split('\u{202C}').next())
        .unwrap_or_default();
    assert!(rtl.contains(&shown), "{text:?}");
    // Four fonts (the two bundled CJK faces and the two system fonts), each embedded, subset and
    // with a ToUnicode map.
    let fonts = tool("pdffonts", &[p]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 4, "{fonts}");
    for r in &rows {
        let cols: Vec<&str> = r.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], ["yes", "yes", "yes"], "{fonts}");
    }
    // The EPUB is written too (it names no font: the reader's own fonts draw these).
    assert!(
        built
            .files
            .iter()
            .any(|f| f.extension().is_some_and(|e| e == "epub"))
    );
}

#[test]
fn without_system_fonts_a_character_no_configured_font_has_is_an_error() {
    let d = book("");
    let e = build(&d.book(), &opts(&d.out(), false)).unwrap_err();
    let errors: Vec<String> = e.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(
        errors[0].starts_with("a.md:3:7: error: no font can draw `ส` (U+0E2A)"),
        "{errors:#?}"
    );
    assert!(errors.iter().any(|e| e.contains("U+05E9")), "{errors:#?}");
    assert!(!d.out().exists() || std::fs::read_dir(d.out()).unwrap().next().is_none());

    // The same from book.toml, and for `check`.
    let d = book("[fonts]\nsystem = false\n");
    assert!(build(&d.book(), &opts(&d.out(), true)).is_err());
    let r = check_book_with(&d.book(), false, true).unwrap();
    assert!(r.has_errors(), "{:#?}", r.findings);
    // With system fonts, `check` has warnings only.
    let d = book("");
    let r = check_book_with(&d.book(), false, true).unwrap();
    assert!(!r.has_errors(), "{:#?}", r.findings);
    assert_eq!(
        r.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning && f.message.contains("system font"))
            .count(),
        2
    );
    let r = check_book_with(&d.book(), false, false).unwrap();
    assert!(r.has_errors(), "{:#?}", r.findings);
}

#[test]
fn a_character_no_font_on_the_machine_has_is_still_an_error() {
    let d = book("");
    // U+0378 is unassigned: no font maps it.
    d.write("a.md", "# 外文\n\n泰语สวัสดี，还有\u{378}。\n".as_bytes());
    let e = build(&d.book(), &opts(&d.out(), true)).unwrap_err();
    // The warning for the Thai set in a machine font comes first: a failed build still says
    // what else it found.
    assert_eq!(e.diagnostics[0].severity, Severity::Warning, "{e}");
    assert!(e.diagnostics[0].message.contains("system font"), "{e}");
    let errors: Vec<String> = e
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.to_string())
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].starts_with("a.md:3:12: error: no font can draw `\u{378}` (U+0378)"),
        "{errors:#?}"
    );
    assert!(
        errors[0].contains("and the fonts installed on this machine"),
        "{errors:#?}"
    );
}

/// The PDF draws a Hebrew word's glyphs in display order (its last letter leftmost), not in
/// the order they are typed: pdftotext cannot tell the two apart, so this looks at the layout.
#[test]
fn a_hebrew_word_is_drawn_right_to_left() {
    use bookpress::typeset::fonts::FontSet;
    use bookpress::typeset::page::Item;
    let d = book("");
    let book = bookpress::book::load(&d.book()).unwrap();
    let mut fonts = FontSet::load(&book.fonts).unwrap();
    assert_eq!(
        bookpress::check::add_system_fonts(&book, &mut fonts).len(),
        2
    );
    let doc = bookpress::typeset::page::layout(&book, &fonts).unwrap();
    let run = doc
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .find_map(|i| match i {
            Item::Glyphs(g) if g.text.contains(HEBREW) => Some(g),
            _ => None,
        })
        .expect("a glyph run with the Hebrew word");
    let face = fonts.shaper_face(run.font);
    let ids: Vec<u16> = run.glyphs.iter().map(|g| g.id).collect();
    let rtl: Vec<u16> = HEBREW
        .chars()
        .rev()
        .map(|c| face.glyph_index(c).unwrap().0)
        .collect();
    assert_eq!(ids, rtl);
    // Copying the word gives it in typed order: its glyphs all stand for the whole word.
    assert!(
        run.glyphs
            .iter()
            .all(|g| &run.text[g.text_range()] == HEBREW)
    );
}
