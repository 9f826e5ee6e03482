//! Imposition read back with poppler-utils (pdftotext, pdfinfo, pdffonts).

use std::path::Path;
use std::process::Command;

use bookpress::impose::{ImposeOptions, Mode, impose};
use krilla::Document;
use krilla::geom::{Point, Size};
use krilla::page::PageSettings;
use krilla::text::{Font, GlyphId, KrillaGlyph};

fn tool(name: &str) -> String {
    let ok = Command::new(name).arg("-v").output().is_ok();
    assert!(
        ok,
        "{name} (poppler-utils) is required by tests/impose.rs: apt-get install poppler-utils"
    );
    name.to_string()
}

fn booklet(n: usize) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/NotoSerifCJKsc-Regular.otf");
    let data = std::fs::read(&path).expect("bundled font");
    let font = Font::new(data.clone().into(), 0).expect("font parses");
    let mut doc = Document::new();
    let a5 = Size::from_wh(420.0, 595.0).expect("size");
    for i in 1..=n {
        let mut page = doc.start_page_with(PageSettings::new(a5));
        let mut s = page.surface();
        let text = format!("P{i}");
        let face = rustybuzz::ttf_parser::Face::parse(&data, 0).expect("face");
        let glyphs: Vec<KrillaGlyph> = text
            .char_indices()
            .map(|(at, c)| {
                let gid = face.glyph_index(c).expect("glyph").0;
                KrillaGlyph::new(
                    GlyphId::new(gid as u32),
                    face.glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(gid))
                        .unwrap_or(500) as f32
                        / face.units_per_em() as f32,
                    0.0,
                    0.0,
                    0.0,
                    at..at + 1,
                    None,
                )
            })
            .collect();
        s.draw_glyphs(
            Point::from_xy(180.0, 300.0),
            &glyphs,
            font.clone(),
            &text,
            40.0,
            false,
        );
        s.finish();
        page.finish();
    }
    doc.finish().expect("booklet")
}

/// The page label on one half of one sheet side, or 0 for blank.
fn label(pdf: &Path, page: usize, half: usize, w: u32, h: u32) -> usize {
    let out = Command::new(tool("pdftotext"))
        .args(["-f", &page.to_string(), "-l", &page.to_string()])
        .args(["-x", &(half as u32 * w / 2).to_string(), "-y", "0"])
        .args(["-W", &(w / 2).to_string(), "-H", &h.to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let t = text.trim();
    if t.is_empty() {
        return 0;
    }
    t.trim_start_matches('P')
        .parse()
        .unwrap_or_else(|_| panic!("unexpected text {t:?}"))
}

fn info(pdf: &Path) -> String {
    let out = Command::new(tool("pdfinfo"))
        .arg(pdf)
        .output()
        .expect("pdfinfo");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn expected_saddle(n: usize) -> Vec<[usize; 4]> {
    let np = n.div_ceil(4).max(1) * 4;
    let f = |p: usize| if p <= n { p } else { 0 };
    (1..=np / 4)
        .map(|k| [f(np - 2 * k + 2), f(2 * k - 1), f(2 * k), f(np - 2 * k + 1)])
        .collect()
}

fn read_back(pdf: &Path, sheets: usize) -> Vec<[usize; 4]> {
    // A4 landscape in pdftotext's pixels at 72 dpi.
    let (w, h) = (842, 595);
    (0..sheets)
        .map(|s| {
            let (f, b) = (2 * s + 1, 2 * s + 2);
            [
                label(pdf, f, 0, w, h),
                label(pdf, f, 1, w, h),
                label(pdf, b, 0, w, h),
                label(pdf, b, 1, w, h),
            ]
        })
        .collect()
}

#[test]
fn saddle_orders_read_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    for n in [1usize, 2, 3, 4, 5, 8, 13, 16] {
        let src = booklet(n);
        let opts = ImposeOptions::default();
        let out = impose(&src, &opts).expect("imposes");
        assert_eq!(
            out,
            impose(&src, &opts).expect("again"),
            "deterministic bytes"
        );
        let path = dir.path().join(format!("b{n}-print.pdf"));
        std::fs::write(&path, &out).expect("write");
        if let Some(keep) = std::env::var_os("IMPOSE_KEEP_DIR") {
            // For looking at the output: IMPOSE_KEEP_DIR=/tmp/x cargo test --test impose
            let _ = std::fs::write(Path::new(&keep).join(format!("b{n}-print.pdf")), &out);
            let _ = std::fs::write(Path::new(&keep).join(format!("b{n}.pdf")), &src);
        }
        let expect = expected_saddle(n);
        let got = read_back(&path, expect.len());
        eprintln!("N={n}: {got:?}");
        assert_eq!(got, expect, "N={n}");
        let i = info(&path);
        let pages = i
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .map(|v| v.trim().to_string());
        assert_eq!(pages, Some((2 * expect.len()).to_string()), "{i}");
        assert!(
            i.contains("841.89 x 595.276 pts (A4)") || i.contains("841.89 x 595.28"),
            "landscape A4: {i}"
        );
        // Fonts shared: one font entry however many sheets.
        let fonts = Command::new(tool("pdffonts"))
            .arg(&path)
            .output()
            .expect("pdffonts");
        let listing = String::from_utf8_lossy(&fonts.stdout);
        let font_lines = listing.lines().skip(2).count();
        assert_eq!(font_lines, 1, "N={n} fonts:\n{listing}");
        assert!(
            out.len() < src.len() + 20_000 + 2_000 * n,
            "N={n}: print {} vs booklet {}",
            out.len(),
            src.len()
        );
        eprintln!(
            "N={n}: booklet {} bytes, print {} bytes",
            src.len(),
            out.len()
        );
    }
}

#[test]
fn cut_stack_reads_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = booklet(8);
    let opts = ImposeOptions {
        mode: Mode::CutStack,
        marks: true,
        ..ImposeOptions::default()
    };
    let out = impose(&src, &opts).expect("imposes");
    let path = dir.path().join("cut.pdf");
    std::fs::write(&path, &out).expect("write");
    assert_eq!(read_back(&path, 2), vec![[1, 5, 6, 2], [3, 7, 8, 4]]);
}

#[test]
fn marks_creep_and_a3_keep_the_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = booklet(8);
    let opts = ImposeOptions {
        marks: true,
        creep_mm: 2.0,
        ..ImposeOptions::default()
    };
    let out = impose(&src, &opts).expect("imposes");
    let path = dir.path().join("marks.pdf");
    std::fs::write(&path, &out).expect("write");
    if let Some(keep) = std::env::var_os("IMPOSE_KEEP_DIR") {
        let _ = std::fs::write(Path::new(&keep).join("b8-marks-print.pdf"), &out);
    }
    assert_eq!(read_back(&path, 2), expected_saddle(8));
    let a3 = ImposeOptions {
        sheet: bookpress::impose::SheetSize::A3,
        ..ImposeOptions::default()
    };
    let path = dir.path().join("a3.pdf");
    std::fs::write(&path, impose(&src, &a3).expect("imposes")).expect("write");
    assert!(
        info(&path).contains("1190.55 x 841.89 pts (A3)"),
        "{}",
        info(&path)
    );
}
