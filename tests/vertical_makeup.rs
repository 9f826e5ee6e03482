//! The make-up of a vertical book's PDF, read back from the file (`mutool draw -F stext` gives
//! each character's origin, box and writing direction) or, for the running heads and folios
//! the PDF draws as outlines, from its laid-out pages: folios at the outer foot of a
//! right-bound book's pages, running heads as upright columns in the fore-edge margin, margins
//! that alternate for right binding, the contents set in columns right to left with the page
//! numbers at their foot, and the cover title as a column.

mod common;

use bookpress::book::model::Book;
use bookpress::build::Format;
use bookpress::typeset::document::{ArtifactKind, Document, GlyphRun, InColumn, Item};
use common::Fixture;
use std::path::Path;
use std::process::Command;

const MM: f32 = 72.0 / 25.4;
const TOP: f32 = 20.0;
const INNER: f32 = 28.0;
const OUTER: f32 = 14.0;

const TITLES: [&str; 3] = ["學而第一", "為政第二", "八佾第三"];

/// Three sections of four to five pages each, with no Latin or digits in the text, so that the
/// only Latin on a page is its folio; margins all different so that a page on the wrong side
/// shows.
fn book() -> Fixture {
    let list: Vec<String> = (1..=3).map(|i| format!("\"{i}.md\"")).collect();
    let toml = format!(
        "[book]\ntitle = \"論語集注\"\neditors = [\"朱熹\"]\nlanguage = \"zh-Hant\"\n\
         writing = \"vertical\"\nsections = [{}]\n\n[pdf]\nmargin_top = {TOP}\n\
         margin_bottom = 30\nmargin_inner = {INNER}\nmargin_outer = {OUTER}\n",
        list.join(", ")
    );
    let saying =
        "子曰：「學而時習之，不亦說乎？有朋自遠方來，不亦樂乎？人不知而不慍，不亦君子乎？」";
    let para = saying.repeat(14);
    let body: String = (0..6).map(|_| format!("{para}\n\n")).collect();
    let mut files = vec![("book.toml".to_string(), toml)];
    for (i, t) in TITLES.iter().enumerate() {
        files.push((format!("{}.md", i + 1), format!("# {t}\n\n{body}")));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    Fixture::text(&files)
}

#[derive(Debug, Clone)]
struct Char {
    c: char,
    /// The origin (pen position on the baseline).
    x: f32,
    y: f32,
    /// The box: left, top, right, bottom.
    quad: [f32; 4],
    size: f32,
    /// The direction of the text the character was drawn in: (1, 0) is upright.
    dir: (f32, f32),
}

impl Char {
    fn upright(&self) -> bool {
        (self.dir.0 - 1.0).abs() < 0.01 && self.dir.1.abs() < 0.01
    }
    fn centre_x(&self) -> f32 {
        (self.quad[0] + self.quad[2]) / 2.0
    }
}

struct Pdf {
    width: f32,
    pages: Vec<Vec<Char>>,
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    tag[at..].split('"').next()
}

fn unescape(s: &str) -> char {
    if let Some(hex) = s.strip_prefix("&#x").and_then(|h| h.strip_suffix(';')) {
        return char::from_u32(u32::from_str_radix(hex, 16).unwrap()).unwrap();
    }
    match s {
        "&amp;" => '&',
        "&lt;" => '<',
        "&gt;" => '>',
        "&quot;" => '"',
        "&apos;" => '\'',
        _ => s.chars().next().unwrap(),
    }
}

fn nums(s: &str) -> Vec<f32> {
    s.split_whitespace().map(|v| v.parse().unwrap()).collect()
}

/// Every character of every page, from `mutool draw -F stext`.
fn read(pdf: &Path) -> Pdf {
    let out = Command::new("mutool")
        .args(["draw", "-F", "stext", "-o", "-"])
        .arg(pdf)
        .output()
        .expect("mutool (mupdf-tools) is required for this test");
    assert!(out.status.success());
    let xml = String::from_utf8(out.stdout).unwrap();
    let mut width = 0.0;
    let mut pages = Vec::new();
    for page in xml.split("<page ").skip(1) {
        width = attr(&format!(" {page}"), "width").unwrap().parse().unwrap();
        let mut chars = Vec::new();
        let (mut dir, mut size) = ((1.0, 0.0), 0.0);
        for tag in page.split('<').skip(1) {
            let tag = format!(" {tag}");
            if tag.starts_with(" line ") {
                let d = nums(&attr(&tag, "dir").unwrap().replace(',', " "));
                dir = (d[0], d[1]);
            } else if tag.starts_with(" font ") {
                size = attr(&tag, "size").unwrap().parse().unwrap();
            } else if tag.starts_with(" char ") {
                let q = nums(attr(&tag, "quad").unwrap());
                let xs = [q[0], q[2], q[4], q[6]];
                let ys = [q[1], q[3], q[5], q[7]];
                let min = |v: [f32; 4]| v.into_iter().fold(f32::INFINITY, f32::min);
                let max = |v: [f32; 4]| v.into_iter().fold(f32::NEG_INFINITY, f32::max);
                chars.push(Char {
                    c: unescape(attr(&tag, "c").unwrap()),
                    x: attr(&tag, "x").unwrap().parse().unwrap(),
                    y: attr(&tag, "y").unwrap().parse().unwrap(),
                    quad: [min(xs), min(ys), max(xs), max(ys)],
                    size,
                    dir,
                });
            }
        }
        pages.push(chars);
    }
    Pdf { width, pages }
}

fn built() -> (Fixture, Pdf) {
    let f = book();
    f.build_with(vec![Format::Pdf]).unwrap();
    let pdf = read(&f.out().join("book.pdf"));
    (f, pdf)
}

/// The book's pages as laid out: the PDF draws running heads and folios as outlines, which
/// text extraction does not see.
fn laid_out(f: &Fixture) -> (Book, Document) {
    let book = bookpress::book::load(&f.book()).unwrap();
    let fonts = bookpress::typeset::fonts::FontSet::load(&book.fonts).unwrap();
    let doc = bookpress::typeset::page::layout(&book, &fonts).unwrap();
    (book, doc)
}

/// A right-bound book's recto (page i, 1, 3 …) is the left page of its spread.
fn recto(index: usize) -> bool {
    index.is_multiple_of(2)
}

/// The body text of a page: the characters at the body size.
fn body(page: &[Char]) -> Vec<&Char> {
    page.iter()
        .filter(|c| (c.size - 10.5).abs() < 0.1)
        .collect()
}

fn span<T>(items: &[T], f: impl Fn(&T) -> f32) -> (f32, f32) {
    let v: Vec<f32> = items.iter().map(f).collect();
    (
        v.iter().copied().fold(f32::INFINITY, f32::min),
        v.iter().copied().fold(f32::NEG_INFINITY, f32::max),
    )
}

/// The runs of a laid-out page of `kind`.
fn runs(page: &bookpress::typeset::document::Page, kind: ArtifactKind) -> Vec<&GlyphRun> {
    page.items
        .iter()
        .filter_map(|it| match it {
            Item::Glyphs(g) if g.artifact == kind => Some(g),
            _ => None,
        })
        .collect()
}

/// A full page of text's columns as the PDF shows them: left edge of the last, right edge of
/// the first, top (the highest baseline) and foot (the lowest em box bottom, 0.12 em under
/// its baseline in the bundled faces).
fn columns(page: &[Char]) -> Option<(f32, f32, f32, f32)> {
    let text = body(page);
    if text.len() < 500 {
        return None;
    }
    let (left, _) = span(&text, |c| c.quad[0]);
    let (_, right) = span(&text, |c| c.quad[2]);
    let (top, _) = span(&text, |c| c.y);
    let (_, foot) = span(&text, |c| c.y + 0.12 * c.size);
    Some((left, right, top, foot))
}

#[test]
fn folios_stand_upright_at_the_outer_foot() {
    let (f, pdf) = built();
    let (book, doc) = laid_out(&f);
    let mut seen = [0, 0];
    for (i, page) in doc.pages.iter().enumerate() {
        let folio = runs(page, ArtifactKind::PageNumber);
        let Some((left, right, _, foot)) = columns(&pdf.pages[i]) else {
            continue;
        };
        assert!(!folio.is_empty(), "page {}: no folio", i + 1);
        seen[i % 2] += 1;
        assert!(
            folio.iter().all(|g| g.column != InColumn::Turned),
            "page {}: turned folio",
            i + 1
        );
        let (top, _) = span(&folio, |g| g.y - 0.88 * g.size);
        assert!(top > foot, "page {}: folio beside the columns", i + 1);
        let (start, _) = span(&folio, |g| g.x);
        let (_, end) = span(&folio, |g| g.x + g.width());
        let w = book.pdf.page_width;
        if recto(i) {
            assert!(end < w / 3.0, "page {}: recto folio at {end}", i + 1);
            assert!(
                (start - left).abs() < 10.5,
                "page {}: not under the last column",
                i + 1
            );
        } else {
            assert!(
                start > w * 2.0 / 3.0,
                "page {}: verso folio at {start}",
                i + 1
            );
            assert!(
                (end - right).abs() < 10.5,
                "page {}: not under the first column",
                i + 1
            );
        }
    }
    assert!(
        seen[0] >= 4 && seen[1] >= 4,
        "folios on rectos and versos: {seen:?}"
    );
}

#[test]
fn running_heads_are_upright_columns_in_the_fore_edge() {
    let (f, pdf) = built();
    let (_, doc) = laid_out(&f);
    let mut seen = [0, 0];
    for (i, page) in doc.pages.iter().enumerate() {
        let head = runs(page, ArtifactKind::Header);
        let Some((left, right, text_top, _)) = columns(&pdf.pages[i]) else {
            continue;
        };
        if head.is_empty() {
            continue;
        }
        seen[i % 2] += 1;
        assert!(
            head.iter().all(|g| g.column != InColumn::Turned),
            "page {}: turned head",
            i + 1
        );
        let (x0, x1) = span(&head, |g| g.x);
        assert!(x1 - x0 < 0.5, "page {}: head not one column", i + 1);
        let mut down = head.clone();
        down.sort_by(|a, b| a.y.total_cmp(&b.y));
        let words: String = down.iter().map(|g| &*g.text).collect();
        let (ok, wanted) = if recto(i) {
            (TITLES.contains(&words.as_str()), "a section title")
        } else {
            (words == "論語集注", "the book title")
        };
        assert!(ok, "page {}: head {words}, not {wanted}", i + 1);
        let (_, head_right) = span(&head, |g| g.x + g.size);
        if recto(i) {
            assert!(
                head_right < left,
                "page {}: recto head not at the left",
                i + 1
            );
        } else {
            assert!(x0 > right, "page {}: verso head not at the right", i + 1);
        }
        let (head_top, _) = span(&head, |g| g.y);
        assert!(
            (head_top - text_top).abs() < 10.5,
            "page {}: head not at the top",
            i + 1
        );
    }
    assert!(
        seen[0] >= 3 && seen[1] >= 3,
        "heads on rectos and versos: {seen:?}"
    );
}

/// The binding margin is on the right of a recto and on the left of a verso; the top margin is
/// the same on both.
#[test]
fn margins_alternate_for_right_binding() {
    let (f, pdf) = built();
    let (book, _) = laid_out(&f);
    let (mut rights, mut tops) = ([Vec::new(), Vec::new()], [Vec::new(), Vec::new()]);
    for (i, page) in pdf.pages.iter().enumerate() {
        let text = body(page);
        // Full pages of text only, not the opening ones (whose title is larger).
        if text.len() < 500 || page.iter().any(|c| c.size > 12.0) {
            continue;
        }
        let (_, right) = span(&text, |c| c.quad[2]);
        let (top, _) = span(&text, |c| c.y - c.size * 0.88);
        rights[i % 2].push(pdf.width - right);
        tops[i % 2].push(top);
    }
    assert!(rights[0].len() >= 3 && rights[1].len() >= 3);
    let same = |v: &[f32]| v.iter().all(|x| (x - v[0]).abs() < 0.5);
    assert!(same(&rights[0]) && same(&rights[1]), "{rights:?}");
    // The outer margin as the book resolves it (widened to a whole number of ems).
    let (inner, outer) = (book.pdf.margin_inner, book.pdf.margin_outer);
    assert!((inner - INNER * MM).abs() < 0.01 && outer >= OUTER * MM);
    let wider = rights[0][0] - rights[1][0];
    assert!(
        (wider - (inner - outer)).abs() < 0.5,
        "a recto's right margin is {wider} wider than a verso's, not {}",
        inner - outer
    );
    let all: Vec<f32> = tops.concat();
    assert!(same(&all), "column tops {tops:?}");
    assert!(
        (all[0] - TOP * MM).abs() < 10.5,
        "columns start at {}",
        all[0]
    );
}

/// The contents: each entry a column, right to left in the book's order, its title from the
/// top and its page number upright at the foot, all numbers level; each entry's link area the
/// column it stands in.
#[test]
fn contents_entries_are_columns_right_to_left() {
    let (f, pdf) = built();
    let page = &pdf.pages[2];
    let text = body(page);
    let mut columns: Vec<(f32, Vec<&Char>)> = Vec::new();
    for c in &text {
        match columns
            .iter_mut()
            .find(|(x, _)| (x - c.centre_x()).abs() < 6.0)
        {
            Some((_, col)) => col.push(c),
            None => columns.push((c.centre_x(), vec![c])),
        }
    }
    columns.sort_by(|a, b| b.0.total_cmp(&a.0));
    assert_eq!(columns.len(), TITLES.len(), "one column an entry");
    let mut feet = Vec::new();
    for ((_, col), title) in columns.iter_mut().zip(TITLES) {
        col.sort_by(|a, b| a.y.total_cmp(&b.y));
        let words: String = col.iter().map(|c| c.c).filter(|c| !c.is_ascii()).collect();
        assert_eq!(words, title, "entries right to left");
        let digits: Vec<&&Char> = col.iter().filter(|c| c.c.is_ascii_digit()).collect();
        assert!(!digits.is_empty(), "{title}: no page number");
        assert!(digits.iter().all(|c| c.upright()), "{title}: number turned");
        let last = col.iter().rfind(|c| !c.c.is_ascii()).unwrap();
        assert!(
            digits.iter().all(|d| d.y > last.y + 100.0),
            "{title}: number not at the foot"
        );
        feet.push(digits[0].y);
    }
    assert!(
        feet.iter().all(|y| (y - feet[0]).abs() < 0.5),
        "page numbers not level: {feet:?}"
    );
    let (_, doc) = laid_out(&f);
    let links: Vec<_> = doc.pages[2]
        .items
        .iter()
        .filter_map(|it| match it {
            Item::Link(l) => Some(l),
            _ => None,
        })
        .collect();
    assert_eq!(links.len(), TITLES.len());
    for (l, (x, _)) in links.iter().zip(&columns) {
        assert!(l.height > 10.0 * l.width, "link area not a column: {l:?}");
        assert!(l.x < *x && *x < l.x + l.width, "link area beside its entry");
    }
}

/// The cover: the title one upright column right of the middle, the editors a smaller column
/// to its left.
#[test]
fn cover_title_is_a_column_right_of_centre() {
    let (_f, pdf) = built();
    let cover = &pdf.pages[0];
    let title: Vec<&Char> = cover.iter().filter(|c| c.size > 14.0).collect();
    let mut down = title.clone();
    down.sort_by(|a, b| a.y.total_cmp(&b.y));
    assert_eq!(down.iter().map(|c| c.c).collect::<String>(), "論語集注");
    assert!(title.iter().all(|c| c.upright()));
    let (x0, x1) = span(&title, |c| c.x);
    assert!(x1 - x0 < 0.5, "title not one column");
    assert!(x0 > pdf.width / 2.0, "title left of centre");
    let editors: Vec<&Char> = cover
        .iter()
        .filter(|c| c.size < 14.0 && "朱熹".contains(c.c))
        .collect();
    assert_eq!(editors.len(), 2);
    let (e0, e1) = span(&editors, |c| c.x);
    assert!(
        e1 - e0 < 0.5 && e1 < x0,
        "editors not a column left of the title"
    );
}

/// A vertical book with a cover picture and a figure (a 3:2 picture) in its one section.
fn pictured() -> Fixture {
    let toml = "[book]\ntitle = \"論語\"\nlanguage = \"zh-Hant\"\nwriting = \"vertical\"\n\
                cover = \"images/cover.jpg\"\nsections = [\"1.md\"]\n";
    let para = "子曰：「學而時習之，不亦說乎？有朋自遠方來，不亦樂乎？」".repeat(8);
    let md = format!("# 學而第一\n\n{para}\n\n![杏壇弦歌](images/fig.jpg)\n\n{para}\n");
    let f = Fixture::text(&[("book.toml", toml), ("1.md", &md)]);
    f.copy("book/images/fig-1.jpg", "images/cover.jpg");
    f.copy("book/images/fig-1.jpg", "images/fig.jpg");
    f
}

fn images(
    page: &bookpress::typeset::document::Page,
) -> Vec<&bookpress::typeset::document::ImageItem> {
    page.items
        .iter()
        .filter_map(|it| match it {
            Item::Image(i) => Some(i),
            _ => None,
        })
        .collect()
}

/// The cover picture fills the first page to the trim edge, as in a horizontal book.
#[test]
fn cover_picture_fills_the_page() {
    let f = pictured();
    let (book, doc) = laid_out(&f);
    let cover = images(&doc.pages[0]);
    assert_eq!(cover.len(), 1);
    let (w, h) = (book.pdf.page_width, book.pdf.page_height);
    let c = cover[0];
    let got = [c.x, c.y, c.width, c.height];
    for (g, want) in got.iter().zip([0.0, 0.0, w, h]) {
        assert!(
            (g - want).abs() < 0.01,
            "cover picture at {got:?}, not the page {w}×{h}"
        );
    }
}

/// A figure's picture stands upright in its own proportions between columns, its caption a
/// column after it (to its left).
#[test]
fn figures_stand_upright_with_the_caption_to_their_left() {
    let f = pictured();
    let (_, doc) = laid_out(&f);
    let (page, pic) = doc
        .pages
        .iter()
        .skip(1)
        .find_map(|p| images(p).first().map(|i| (p, *i)))
        .expect("the figure");
    assert!((pic.width / pic.height - 1.5).abs() < 0.01, "{pic:?}");
    // The caption's characters are in none of the text around it.
    let mut caption: Vec<&GlyphRun> = runs(page, ArtifactKind::Layout)
        .into_iter()
        .filter(|g| g.text.chars().any(|c| "杏壇弦歌".contains(c)))
        .collect();
    caption.sort_by(|a, b| a.y.total_cmp(&b.y));
    let words: String = caption.iter().map(|g| &*g.text).collect();
    assert!(words.contains("杏壇弦歌"), "caption {words}");
    assert!(caption.iter().all(|g| g.column != InColumn::Turned));
    let (x0, x1) = span(&caption, |g| g.x);
    assert!(x1 - x0 < 0.5, "caption not one column");
    assert!(
        x1 + caption[0].size <= pic.x,
        "caption not left of the picture"
    );
}
