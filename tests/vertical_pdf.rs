//! The PDF of a book set vertically (`writing = "vertical"`), read back glyph by glyph with
//! `mutool trace` (drawing order, each glyph's id, text and origin, each run's matrix): the body
//! runs in columns right to left, top to bottom; the prohibitions hold at a column's top and
//! foot; short numbers stand side by side in one cell (縱中橫), Latin and long numbers lie
//! turned clockwise; brackets, dashes and ellipses are the vertical forms (their ink, rendered
//! with `pdftoppm`, lies the other way from the horizontal forms') and `pdftotext -raw` gives
//! the source's characters, a column to a line.
//!
//! Needs `mutool` (mupdf-tools) and `pdftotext`/`pdftoppm` (poppler-utils).

mod common;

use bookpress::build::Format;
use common::Fixture;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Han text without punctuation, to fill columns.
const HAN: &str = "學而時習之不亦說乎有朋自遠方來不亦樂乎人不知而不慍不亦君子乎";

/// The body size and line height of the test books (the defaults, written out).
const SIZE: f32 = 10.5;

fn han(n: usize) -> String {
    HAN.chars().cycle().take(n).collect()
}

/// A vertical zh-Hant book of one section, with `pdf` added to its `[pdf]` table.
fn book(md: &str, pdf: &str) -> Fixture {
    let toml = format!(
        "[book]\ntitle = \"直排\"\nlanguage = \"zh-Hant\"\nwriting = \"vertical\"\n\
         sections = [\"a.md\"]\n\n[pdf]\nfont_size = {SIZE}\n{pdf}\n"
    );
    Fixture::text(&[("book.toml", &toml), ("a.md", md)])
}

fn pdf_of(f: &Fixture) -> PathBuf {
    f.build_with(vec![Format::Pdf]).unwrap();
    f.out().join("book.pdf")
}

/// One glyph as drawn: its text, its origin on the page (y down)
/// and whether its run is turned a quarter clockwise.
#[derive(Debug, Clone)]
struct Glyph {
    text: String,
    x: f32,
    y: f32,
    turned: bool,
    size: f32,
}

impl Glyph {
    /// Where the glyph's cell lies across the page and where its top lies down the column.
    fn across(&self) -> f32 {
        if self.turned {
            // The baseline lies 0.12 em right of the cell's left edge.
            self.x + 0.38 * self.size
        } else {
            self.x + 0.5 * self.size
        }
    }

    fn down(&self) -> f32 {
        if self.turned {
            self.y
        } else {
            self.y - 0.88 * self.size
        }
    }
}

/// The glyphs of page `page` (from 1) in drawing order.
fn glyphs(pdf: &Path, page: usize) -> Vec<Glyph> {
    let out = Command::new("mutool")
        .args(["trace"])
        .arg(pdf)
        .arg(page.to_string())
        .output()
        .unwrap_or_else(|e| panic!("mutool (mupdf-tools) is required: {e}"));
    assert!(out.status.success(), "mutool trace failed on page {page}");
    let xml = String::from_utf8(out.stdout).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let num = |n: roxmltree::Node, a: &str| -> f32 { n.attribute(a).unwrap().parse().unwrap() };
    let mut all = Vec::new();
    for text in doc.descendants().filter(|n| n.has_tag_name("fill_text")) {
        let m: Vec<f32> = text
            .attribute("transform")
            .unwrap()
            .split_whitespace()
            .map(|v| v.parse().unwrap())
            .collect();
        let turned = m[0].abs() < 1e-3 && m[1] > 0.99 && m[2] < -0.99 && m[3].abs() < 1e-3;
        for span in text.children().filter(|n| n.has_tag_name("span")) {
            let trm = span.attribute("trm").unwrap();
            let size: f32 = trm.split_whitespace().next().unwrap().parse().unwrap();
            for g in span.children().filter(|n| n.has_tag_name("g")) {
                let (gx, gy) = (num(g, "x"), num(g, "y"));
                let (x, y) = (m[0] * gx + m[2] * gy + m[4], m[1] * gx + m[3] * gy + m[5]);
                all.push(Glyph {
                    text: g.attribute("unicode").unwrap().to_string(),
                    x,
                    y,
                    turned,
                    size,
                });
            }
        }
    }
    all
}

/// The body glyphs of a page (the body size) as columns, right to left, each top to bottom
/// (side by side in a cell: left to right).
fn columns(glyphs: &[Glyph]) -> Vec<Vec<Glyph>> {
    let mut body: Vec<Glyph> = glyphs
        .iter()
        .filter(|g| (g.size - SIZE).abs() < 0.01)
        .cloned()
        .collect();
    body.sort_by(|a, b| b.across().total_cmp(&a.across()));
    let mut cols: Vec<Vec<Glyph>> = Vec::new();
    for g in body {
        match cols.last_mut() {
            Some(c) if c.last().unwrap().across() - g.across() < 0.5 * SIZE => c.push(g),
            _ => cols.push(vec![g]),
        }
    }
    for c in &mut cols {
        c.sort_by(|a, b| {
            let (da, db) = ((a.down() * 10.0).round(), (b.down() * 10.0).round());
            da.total_cmp(&db).then(a.x.total_cmp(&b.x))
        });
    }
    cols
}

fn text_of(col: &[Glyph]) -> String {
    col.iter().map(|g| g.text.as_str()).collect()
}

/// The page (from 1) whose text holds `needle`, and the page count.
fn page_with(pdf: &Path, needle: &str) -> usize {
    let pages = pdf_pages(pdf);
    (1..=pages)
        .find(|&p| {
            let t: String = glyphs(pdf, p).iter().map(|g| g.text.clone()).collect();
            t.contains(needle)
        })
        .unwrap_or_else(|| panic!("no page draws {needle}"))
}

fn pdf_pages(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(pdf).output().unwrap();
    let info = String::from_utf8(out.stdout).unwrap();
    let line = info.lines().find(|l| l.starts_with("Pages:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn pdftotext_raw(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    let out = Command::new("pdftotext")
        .args(["-raw", "-f", &p, "-l", &p])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("pdftotext (poppler-utils) is required: {e}"));
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// How many characters a full column of the body holds (the second column of a long
/// paragraph: the first is indented).
fn column_length() -> usize {
    let f = book(&format!("{}\n", han(200)), "");
    let pdf = pdf_of(&f);
    let cols = columns(&glyphs(&pdf, page_with(&pdf, &han(20))));
    let first = cols
        .iter()
        .position(|c| text_of(c).starts_with(&han(10)))
        .unwrap();
    cols[first + 1].len()
}

const PROSE: &str = "子曰：「學而時習之」——其聲……此篇凡12章，今本見於2021年版 Shijing 之第345卷。";

#[test]
fn body_runs_in_columns_right_to_left_and_reads_back_in_order() {
    let body = han(200);
    let f = book(&format!("# 學而\n\n{body}\n\n{PROSE}\n"), "");
    let pdf = pdf_of(&f);
    let page = page_with(&pdf, &han(20));
    let drawn = glyphs(&pdf, page);
    let cols = columns(&drawn);
    assert!(cols.len() >= 6, "{} columns", cols.len());
    // Columns right to left, each top to bottom: the drawing order is the reading order.
    for c in &cols {
        for w in c.windows(2) {
            assert!(w[1].down() >= w[0].down() - 0.01, "{w:?}");
        }
    }
    let read: String = cols
        .iter()
        .map(|c| text_of(c))
        .collect::<String>()
        .split_whitespace()
        .collect();
    assert!(read.contains(&body), "{read}");
    let prose: String = PROSE.chars().filter(|c| *c != ' ').collect();
    assert!(read.contains(&prose), "{read}");
    let order: String = drawn
        .iter()
        .filter(|g| (g.size - SIZE).abs() < 0.01)
        .map(|g| g.text.as_str())
        .collect();
    assert!(order.contains(&body), "drawn out of order: {order}");
    // A column's first character lies right of the next column's.
    let starts: Vec<f32> = cols.iter().map(|c| c[0].across()).collect();
    assert!(starts.windows(2).all(|w| w[0] - w[1] > SIZE), "{starts:?}");
    // Text extraction reads each column as one line.
    let raw = pdftotext_raw(&pdf, page);
    let full = cols
        .iter()
        .map(|c| text_of(c))
        .find(|t| t.chars().count() > 20 && body.contains(t.as_str()))
        .unwrap();
    assert!(raw.lines().any(|l| l == full), "{full}\n{raw}");
}

const CLOSE: [&str; 7] = ["。", "，", "、", "」", "』", "？", "！"];
const OPEN: [&str; 2] = ["「", "『"];

/// Paragraphs each set so that, filled cell by cell, a mark would fall at a column's top (the
/// stops and closing marks) or foot (the opening marks).
fn prohibition_book(n: usize) -> Fixture {
    let mut md = String::new();
    for close in CLOSE {
        // The first column holds n − 2 after the indent.
        md.push_str(&format!("{}{close}{}\n\n", han(n - 2), han(12)));
    }
    for (open, shut) in [("「", "」"), ("『", "』")] {
        md.push_str(&format!(
            "{}{open}{}{shut}{}\n\n",
            han(n - 3),
            han(6),
            han(12)
        ));
    }
    book(&md, "kinsoku = \"gb\"")
}

/// The column tops and feet of every page that break a prohibition.
fn broken_rules(pdf: &Path) -> Vec<String> {
    let mut bad = Vec::new();
    for p in 1..=pdf_pages(pdf) {
        for c in columns(&glyphs(pdf, p)) {
            let (top, foot) = (&c[0].text, &c[c.len() - 1].text);
            if CLOSE.contains(&top.as_str()) {
                bad.push(format!(
                    "page {p}: column starts with {top}: {}",
                    text_of(&c)
                ));
            }
            if OPEN.contains(&foot.as_str()) {
                bad.push(format!(
                    "page {p}: column ends with {foot}: {}",
                    text_of(&c)
                ));
            }
        }
    }
    bad
}

#[test]
fn no_stop_or_closing_mark_tops_a_column_and_no_opening_mark_ends_one() {
    let n = column_length();
    assert!(n > 20, "{n} characters a column");
    let f = prohibition_book(n);
    let pdf = pdf_of(&f);
    assert_eq!(broken_rules(&pdf), Vec::<String>::new());
    // Each mark did meet a column's end: a closing one was kept at the foot of its column or
    // went down with the character before it; an opening one went down to the next top.
    let cols: Vec<Vec<Glyph>> = (1..=pdf_pages(&pdf))
        .flat_map(|p| columns(&glyphs(&pdf, p)))
        .collect();
    let is = |g: &Glyph, marks: &[&str]| marks.contains(&g.text.as_str());
    let closed = cols
        .iter()
        .filter(|c| c.len() > 1 && (is(&c[1], &CLOSE) || is(&c[c.len() - 1], &CLOSE)))
        .count();
    let opened = cols.iter().filter(|c| is(&c[0], &OPEN)).count();
    assert!(
        closed >= CLOSE.len() && opened >= OPEN.len(),
        "{closed} {opened}"
    );
}

/// The glyphs drawing `digits` in the column where they stand.
fn digit_glyphs(drawn: &[Glyph], digits: &str) -> Vec<Glyph> {
    let n = digits.chars().count();
    let at = drawn
        .windows(n)
        .position(|w| text_of(w) == digits)
        .unwrap_or_else(|| panic!("{digits} not drawn"));
    drawn[at..at + n].to_vec()
}

fn side_by_side(gs: &[Glyph]) -> bool {
    let width = gs.last().unwrap().x - gs[0].x;
    !gs.iter().any(|g| g.turned)
        && gs.iter().all(|g| (g.y - gs[0].y).abs() < 0.01)
        && gs.windows(2).all(|w| w[1].x > w[0].x)
        && width < SIZE
}

fn lies_turned(gs: &[Glyph]) -> bool {
    gs.iter().all(|g| g.turned)
        && gs.iter().all(|g| (g.x - gs[0].x).abs() < 0.01)
        && gs.windows(2).all(|w| w[1].y > w[0].y)
}

#[test]
fn short_numbers_stand_in_one_cell_and_longer_ones_lie_turned() {
    for (tcy, combined, turned) in [
        ("", vec!["12"], vec!["345", "2021"]),
        ("tcy = 2", vec!["12"], vec!["345", "2021"]),
        ("tcy = 3", vec!["12", "345"], vec!["2021"]),
    ] {
        let f = book(&format!("{PROSE}\n"), tcy);
        let pdf = pdf_of(&f);
        let drawn = glyphs(&pdf, page_with(&pdf, "章"));
        for d in combined {
            let gs = digit_glyphs(&drawn, d);
            assert!(side_by_side(&gs), "{tcy}: {d} {gs:?}");
        }
        for d in turned {
            let gs = digit_glyphs(&drawn, d);
            assert!(lies_turned(&gs), "{tcy}: {d} {gs:?}");
        }
    }
}

#[test]
fn a_latin_word_lies_turned_clockwise_down_the_column() {
    let f = book(&format!("{PROSE}\n"), "");
    let pdf = pdf_of(&f);
    let drawn = glyphs(&pdf, page_with(&pdf, "章"));
    let word = digit_glyphs(&drawn, "Shijing");
    assert!(lies_turned(&word), "{word:?}");
    // Han stays upright.
    let han = digit_glyphs(&drawn, "之第");
    assert!(han.iter().all(|g| !g.turned), "{han:?}");
}

/// The ink box (width, height) in points of a glyph's em cell, rendered at 4 pixels a point.
fn ink(pdf: &Path, page: usize, g: &Glyph) -> (f32, f32) {
    let (l, t, r, b) = ink_box(pdf, page, g);
    (r - l, b - t)
}

/// The centre of a glyph's ink as a share of its em cell (0 left/top, 1 right/bottom).
fn ink_centre(pdf: &Path, page: usize, g: &Glyph) -> (f32, f32) {
    let (l, t, r, b) = ink_box(pdf, page, g);
    ((l + r) / 2.0 / g.size, (t + b) / 2.0 / g.size)
}

/// The box (left, top, right, bottom) of a glyph's ink in points from its em cell's top left.
fn ink_box(pdf: &Path, page: usize, g: &Glyph) -> (f32, f32, f32, f32) {
    const PX: f32 = 4.0;
    let (x0, y0) = (g.x, g.y - 0.88 * g.size);
    let dir = tempfile::tempdir().unwrap();
    let stem = dir.path().join("cell");
    let p = page.to_string();
    let status = Command::new("pdftoppm")
        .args(["-gray", "-r", "288", "-singlefile", "-f", &p, "-l", &p])
        .args(["-x", &((x0 * PX) as i32).to_string()])
        .args(["-y", &((y0 * PX) as i32).to_string()])
        .args(["-W", &((g.size * PX) as i32).to_string()])
        .args(["-H", &((g.size * PX) as i32).to_string()])
        .arg(pdf)
        .arg(&stem)
        .status()
        .unwrap_or_else(|e| panic!("pdftoppm (poppler-utils) is required: {e}"));
    assert!(status.success());
    let pgm = std::fs::read(stem.with_extension("pgm")).unwrap();
    // P5 header: magic, width, height, maximum, one white-space byte each.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&pgm[start..at]).to_string());
    }
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = &pgm[at + 1..];
    let (mut left, mut right, mut top, mut bottom) = (w, 0, h, 0);
    for y in 0..h {
        for x in 0..w {
            if pixels[y * w + x] < 128 {
                (left, right) = (left.min(x), right.max(x + 1));
                (top, bottom) = (top.min(y), bottom.max(y + 1));
            }
        }
    }
    assert!(right > left, "no ink for {g:?}");
    let pt = |v: usize| v as f32 / PX;
    (pt(left), pt(top), pt(right), pt(bottom))
}

#[test]
fn brackets_dashes_and_ellipses_take_their_vertical_forms_and_copy_out_as_typed() {
    let f = book(&format!("{PROSE}\n"), "");
    let pdf = pdf_of(&f);
    let page = page_with(&pdf, "章");
    let drawn = glyphs(&pdf, page);
    let find = |c: &str| drawn.iter().find(|g| g.text == c).unwrap().clone();
    // Horizontally 「 is a tall corner and — a wide bar; down a column they lie the other way.
    for c in ["「", "」"] {
        let (w, h) = ink(&pdf, page, &find(c));
        assert!(w > 1.5 * h, "{c}: ink {w}×{h}");
    }
    for c in ["—", "…"] {
        let (w, h) = ink(&pdf, page, &find(c));
        assert!(h > 2.0 * w, "{c}: ink {w}×{h}");
    }
    // `——` is two vertical bars, one an em below the other (horizontally it is one glyph).
    let dashes: Vec<&Glyph> = drawn.iter().filter(|g| g.text == "—").collect();
    assert_eq!(dashes.len(), 2, "{dashes:?}");
    assert!((dashes[1].y - dashes[0].y - SIZE).abs() < 0.1, "{dashes:?}");
    let (w, h) = ink(&pdf, page, dashes[1]);
    assert!(h > 2.0 * w, "second —: ink {w}×{h}");
    // Stops sit centred in the cell (zh-Hant).
    let (cx, cy) = ink_centre(&pdf, page, &find("。"));
    assert!(
        (cx - 0.5).abs() < 0.15 && (cy - 0.5).abs() < 0.15,
        "。 at ({cx}, {cy})"
    );
    // The same marks set horizontally have the horizontal forms' ink.
    let plain = book(&format!("{PROSE}\n"), "writing = \"horizontal\"");
    let flat = pdf_of(&plain);
    let flat_page = page_with(&flat, "章");
    let h = glyphs(&flat, flat_page);
    let h = h.iter().find(|g| g.text == "「").unwrap();
    let (hw, hh) = ink(&flat, flat_page, h);
    assert!(hh > 1.5 * hw, "horizontal 「: ink {hw}×{hh}");
    // What is copied out is the source's characters.
    let raw = pdftotext_raw(&pdf, page);
    let joined: String = raw.lines().collect();
    assert!(
        joined.contains("子曰：「學而時習之」——其聲……此篇凡"),
        "{raw}"
    );
}
