//! Page make-up (issue 11): short last pages pulled back or filled, figures centred in their
//! lines and kept before the next heading, the contents' kickers, long cover titles.

mod common;

use bookpress::typeset::document::{Document, GlyphRun, ImageItem, Item};
use bookpress::typeset::fonts::FontSet;
use common::Fixture;
use std::path::Path;

fn layout(dir: &Path) -> Document {
    let book = bookpress::book::load(dir).expect("book loads");
    let fonts = FontSet::load(&book.fonts).expect("fonts load");
    bookpress::typeset::page::layout(&book, &fonts).expect("layout")
}

/// The runs of a page's text (no running head, no folio).
fn runs(doc: &Document, page: usize) -> Vec<&GlyphRun> {
    doc.pages[page]
        .items
        .iter()
        .filter_map(|it| match it {
            Item::Glyphs(g) if g.node.is_some() => Some(g),
            _ => None,
        })
        .collect()
}

/// Body-size text lines on a page (baselines).
fn body_lines(doc: &Document, page: usize) -> Vec<f32> {
    let mut ys: Vec<f32> = runs(doc, page)
        .iter()
        .filter(|g| (g.size - 10.5).abs() < 0.01)
        .map(|g| g.y)
        .collect();
    ys.sort_by(f32::total_cmp);
    ys.dedup_by(|a, b| (*a - *b).abs() < 0.5);
    ys
}

/// A paragraph of exactly one line: a 2-em indent and 27 characters fill the 29-em measure.
fn one_line() -> String {
    format!("{}\n\n", "文".repeat(27))
}

const TOML: &str = "[book]\ntitle = \"测试\"\nsections = [\"a.md\"]\n[fonts]\nsystem = false\n";

#[test]
fn a_last_page_of_two_lines_is_pulled_back_onto_the_page_before() {
    // One section of 49 one-line paragraphs: page 1 holds the opening (a title alone: 5 grid
    // lines with its sink of 2) and 21 lines, page 2 holds 26, which would leave 2 lines alone
    // on page 3. Without the sink the section fits on two pages.
    let md: String = std::iter::once("+++\ntitle = \"一章\"\n+++\n\n".to_string())
        .chain((0..49).map(|_| one_line()))
        .collect();
    let f = Fixture::text(&[("book.toml", TOML), ("a.md", &md)]);
    let doc = layout(&f.book());
    // Pages 1 to 3 are the cover, its verso and the contents.
    let body: Vec<usize> = (3..doc.pages.len())
        .filter(|&p| !body_lines(&doc, p).is_empty())
        .collect();
    let counts: Vec<usize> = body.iter().map(|&p| body_lines(&doc, p).len()).collect();
    assert_eq!(counts, vec![23, 26], "body pages' lines: {counts:?}");
}

#[test]
fn no_page_after_an_opening_holds_one_to_three_lines() {
    // Sections of 40 to 60 one-line paragraphs and a 5-line paragraph at the end: whatever
    // falls on their last page, it is never 1 to 3 lines alone, and no line is lost.
    for n in [40, 44, 45, 46, 50, 66, 67, 68, 69] {
        let mut md = String::from("+++\ntitle = \"一章\"\n+++\n\n");
        for _ in 0..n {
            md.push_str(&one_line());
        }
        md.push_str(&format!("{}\n", "字".repeat(29 * 5 - 4)));
        let f = Fixture::text(&[("book.toml", TOML), ("a.md", &md)]);
        let doc = layout(&f.book());
        let mut total = 0;
        for p in 3..doc.pages.len() {
            let lines = body_lines(&doc, p).len();
            total += lines;
            let opening = runs(&doc, p).iter().any(|g| g.size > 12.0);
            assert!(
                opening || lines == 0 || lines >= 4,
                "{n} paragraphs: page {} holds {lines} lines",
                p + 1
            );
        }
        assert_eq!(total, n + 5, "{n} paragraphs: every line is set once");
    }
}

fn picture(doc: &Document) -> (usize, ImageItem) {
    doc.pages
        .iter()
        .enumerate()
        .find_map(|(p, page)| {
            page.items.iter().find_map(|it| match it {
                Item::Image(i) => Some((p, i.clone())),
                _ => None,
            })
        })
        .expect("a picture")
}

#[test]
fn a_figure_has_equal_space_above_and_below() {
    let md = format!(
        "{}\n\n![一张图的说明文字。](images/fig.jpg \"受访者供图\")\n\n{}\n",
        "字".repeat(29 * 3 - 2),
        "字".repeat(29 * 3 - 2)
    );
    let f = Fixture::text(&[("book.toml", TOML), ("a.md", &md)]);
    f.copy("book/images/fig-1.jpg", "images/fig.jpg");
    let doc = layout(&f.book());
    let (p, img) = picture(&doc);
    let lines = body_lines(&doc, p);
    let pitch = 10.5 * 1.7;
    // A body line's grid line: its em box (0.88 em above the baseline) centred in it.
    let grid_top = |base: f32| base - 0.88 * 10.5 - (pitch - 10.5) / 2.0;
    let above_line = lines.iter().rfind(|&&b| b < img.y).expect("text above");
    let below_line = lines.iter().find(|&&b| b > img.y).expect("text below");
    let credit = runs(&doc, p)
        .into_iter()
        .find(|g| g.text.contains("受访者供图"))
        .expect("the credit");
    let above = img.y - (grid_top(*above_line) + pitch);
    let below = grid_top(*below_line) - (credit.y + 0.12 * credit.size);
    assert!(
        (above - below).abs() < 0.6,
        "{above:.1} pt above the picture, {below:.1} pt below the credit"
    );
    assert!(above >= 0.25 * pitch - 0.6, "{above:.1} pt above");
}

#[test]
fn a_figure_never_floats_past_the_next_heading() {
    // 20 lines of text leave no room on page 1 for the figure; the heading after it must
    // still come after the figure.
    let md = format!(
        "+++\ntitle = \"一章\"\n+++\n\n{}\n\n![说明。](images/fig.jpg)\n\n## 下一节\n\n{}\n",
        "字".repeat(29 * 16 - 2),
        "字".repeat(29 * 10 - 2)
    );
    let f = Fixture::text(&[("book.toml", TOML), ("a.md", &md)]);
    f.copy("book/images/fig-1.jpg", "images/fig.jpg");
    let doc = layout(&f.book());
    let (fp, img) = picture(&doc);
    let (hp, hy) = (0..doc.pages.len())
        .find_map(|p| {
            runs(&doc, p)
                .iter()
                .find(|g| g.text.contains("下一节"))
                .map(|g| (p, g.y))
        })
        .expect("the heading");
    assert!(
        (hp, hy) > (fp, img.y + img.height),
        "heading on page {} at {hy}, figure on page {} at {}",
        hp + 1,
        fp + 1,
        img.y
    );
}

fn toc_runs(kicker: bool) -> Vec<(String, f32, f32, f32)> {
    let toml = format!(
        "[book]\ntitle = \"测试\"\nsections = [\"a.md\", \"b.md\"]\n[fonts]\nsystem = false\n\
         [pdf]\ntoc_kicker = {kicker}\n"
    );
    let a = "+++\ntitle = \"形式多样学党史\"\nkicker = \"株洲经开区\"\n+++\n\n正文。\n";
    let b = "+++\ntitle = \"做好五个加法\"\nkicker = \"荷塘区\"\n+++\n\n正文。\n";
    let f = Fixture::text(&[("book.toml", &toml), ("a.md", a), ("b.md", b)]);
    let doc = layout(&f.book());
    runs(&doc, 2)
        .iter()
        .map(|g| (g.text.to_string(), g.size, g.x, g.y))
        .collect()
}

#[test]
fn contents_entries_show_the_kicker_smaller_before_the_title() {
    let runs = toc_runs(true);
    for (kicker, title) in [("株洲经开区", "形式多样学党史"), ("荷塘区", "做好五个加法")]
    {
        let k = runs.iter().find(|r| r.0.contains(kicker)).expect(kicker);
        let t = runs.iter().find(|r| r.0.contains(title)).expect(title);
        assert!(k.1 < t.1, "{kicker} at {} pt, {title} at {} pt", k.1, t.1);
        assert!(
            k.2 < t.2 && (k.3 - t.3).abs() < 0.1,
            "{kicker} before {title}"
        );
    }
    let off = toc_runs(false);
    assert!(
        !off.iter().any(|r| r.0.contains("荷塘区")),
        "toc_kicker = false leaves the kicker out: {off:?}"
    );
    assert!(off.iter().any(|r| r.0.contains("做好五个加法")));
}

/// (left, right) of the ink of a run's glyphs, in points.
fn ink(fonts: &FontSet, run: &GlyphRun) -> (f32, f32) {
    let face = fonts.shaper_face(run.font);
    let scale = run.size / fonts.units_per_em(run.font);
    let (mut l, mut r, mut pen) = (f32::INFINITY, f32::NEG_INFINITY, run.x);
    for g in &run.glyphs {
        if let Some(b) = face.glyph_bounding_box(rustybuzz::ttf_parser::GlyphId(g.id)) {
            l = l.min(pen + g.x_offset + f32::from(b.x_min) * scale);
            r = r.max(pen + g.x_offset + f32::from(b.x_max) * scale);
        }
        pen += g.advance;
    }
    (l, r)
}

#[test]
fn cover_title_lines_are_centred_on_their_ink() {
    // The sample's title: 巩固提升党史学习 sat 1.2 pt left of centre by its side bearings,
    // 教育成果（上） 1.9 pt by the blank of its bracket.
    let root = common::repo().join("book");
    let book = bookpress::book::load(&root).expect("sample loads");
    let fonts = FontSet::load(&book.fonts).expect("fonts");
    let doc = bookpress::typeset::page::layout(&book, &fonts).expect("layout");
    let mut lines: Vec<(f32, f32, f32)> = Vec::new();
    for run in runs(&doc, 0).into_iter().filter(|g| g.size > 15.0) {
        let (l, r) = ink(&fonts, run);
        match lines.iter_mut().find(|(y, _, _)| (*y - run.y).abs() < 0.1) {
            Some(line) => (line.1, line.2) = (line.1.min(l), line.2.max(r)),
            None => lines.push((run.y, l, r)),
        }
    }
    assert_eq!(lines.len(), 3, "{lines:?}");
    for (y, l, r) in lines {
        let off = (l + r) / 2.0 - doc.width / 2.0;
        assert!(
            off.abs() < 0.05,
            "the title line at {y} is {off:.2} pt off centre"
        );
    }
}

#[test]
fn a_long_cover_title_wraps_and_shrinks_and_loses_nothing() {
    let title: String = (0..29)
        .map(|i| {
            format!(
                "第{}个很长的标题词",
                char::from_u32(0x4E00 + i * 37).unwrap()
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    assert!(title.chars().count() > 280 && title.chars().count() <= 300);
    // On an A6 page a third of the title size holds about 260 characters: below that size the
    // cover used to drop the lines that did not fit.
    let toml = format!(
        "[book]\ntitle = \"{title}\"\nsections = [\"a.md\"]\n[fonts]\nsystem = false\n\
         [pdf]\npage = \"105x148\"\n"
    );
    let f = Fixture::text(&[("book.toml", &toml), ("a.md", "正文。\n")]);
    let doc = layout(&f.book());
    let big = runs(&doc, 0);
    let size = big.iter().map(|g| g.size).fold(0.0, f32::max);
    let shown: String = big
        .iter()
        .filter(|g| (g.size - size).abs() < 0.01)
        .map(|g| g.text.to_string())
        .collect::<String>()
        .replace(' ', "");
    assert_eq!(
        shown,
        title.replace(' ', ""),
        "every character of the title is on the cover"
    );
    assert!(size < 7.0, "shrunk to {size} pt");
    for it in &doc.pages[0].items {
        if let Item::Glyphs(g) = it {
            assert!(
                g.y < doc.height * 0.74,
                "the title stays above the editors: {}",
                g.y
            );
        }
    }
}

#[test]
fn a_title_longer_than_the_cover_holds_is_refused_by_check_and_build_at_its_line() {
    let title = "题".repeat(301);
    let toml = format!("[book]\ntitle = \"{title}\"\nsections = [\"a.md\"]\n");
    let f = Fixture::text(&[("book.toml", &toml), ("a.md", "正文。\n")]);
    let e = f.error();
    assert!(e.message.contains("301 characters"), "{}", e.message);
    assert_eq!(e.line, 2, "at the title's line");
    let (code, stderr) = f.run(&["check", "book"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("book.toml:2") && stderr.contains("301 characters"),
        "{stderr}"
    );
}
