//! Region conventions (issue 11): the book's `language` picks the glyph forms and punctuation
//! style of the PDF (centred stops for zh-TW/zh-HK), the words bookpress prints (目錄, 圖1,
//! Contents, Figure 1), and the bundled fonts set classical and Hong Kong characters alone.

mod common;

use bookpress::book::model::Book;
use bookpress::typeset::document::{Document, Item};
use bookpress::typeset::fonts::FontSet;
use common::Fixture;
use std::path::Path;
use std::process::Command;

const TEXT: &str = "子曰：學而時習之，不亦說乎？有朋自遠方來，不亦樂乎。\n";

fn toml(language: &str, extra: &str) -> String {
    format!(
        "[book]\ntitle = \"測試\"\nlanguage = \"{language}\"\nsections = [\"a.md\"]\n\
         [fonts]\nsystem = false\n{extra}"
    )
}

/// The book's layout with the fonts shaped for its language and punctuation setting.
fn layout(dir: &Path) -> (Book, FontSet, Document) {
    let book = bookpress::book::load(dir).expect("book loads");
    let (fonts, _) =
        FontSet::load_localized(&book.fonts, &book.meta.language, book.pdf.punctuation)
            .expect("fonts load");
    let doc = bookpress::typeset::page::layout(&book, &fonts).expect("layout");
    (book, fonts, doc)
}

/// (glyph id, ink centre in em from the left of its advance box) of every `c` set in the body.
fn glyphs_of(fonts: &FontSet, doc: &Document, c: char) -> Vec<(u16, f32)> {
    let mut out = Vec::new();
    for page in &doc.pages {
        for item in &page.items {
            let Item::Glyphs(run) = item else { continue };
            for g in &run.glyphs {
                if run.text.get(g.text_range()) != Some(&c.to_string()[..]) {
                    continue;
                }
                let face = fonts.shaper_face(run.font);
                let upem = fonts.units_per_em(run.font);
                let bbox = face
                    .glyph_bounding_box(rustybuzz::ttf_parser::GlyphId(g.id))
                    .expect("the mark has ink");
                let centre = (f32::from(bbox.x_min) + f32::from(bbox.x_max)) / 2.0 / upem;
                out.push((g.id, centre));
            }
        }
    }
    out
}

fn one_section(language: &str, extra: &str, md: &str) -> Fixture {
    Fixture::text(&[("book.toml", &toml(language, extra)), ("a.md", md)])
}

#[test]
fn taiwan_and_hong_kong_commas_are_centred_mainland_ones_sit_left() {
    let mut ids = Vec::new();
    for (language, extra) in [
        ("zh-CN", ""),
        ("zh-TW", ""),
        ("zh-HK", ""),
        ("zh-TW", "[pdf]\npunctuation = \"gb\"\n"),
    ] {
        let f = one_section(language, extra, &format!("# 一\n\n{TEXT}"));
        let (_, fonts, doc) = layout(&f.book());
        let commas = glyphs_of(&fonts, &doc, '，');
        let stops = glyphs_of(&fonts, &doc, '。');
        assert_eq!(commas.len(), 2, "{language} {extra}");
        let centred = language != "zh-CN" && extra.is_empty();
        for (_, centre) in commas.iter().chain(&stops) {
            if centred {
                assert!(
                    (0.4..0.6).contains(centre),
                    "{language}: ink at {centre} em"
                );
            } else {
                assert!(*centre < 0.3, "{language} {extra}: ink at {centre} em");
            }
        }
        ids.push(commas[0].0);
    }
    // The Traditional forms are other glyphs; `punctuation = "gb"` gives back the mainland's.
    assert_ne!(ids[0], ids[1]);
    assert_eq!(ids[0], ids[3]);
}

#[test]
fn centred_stops_keep_their_em_beside_a_bracket() {
    // 」。 and ？」: the mainland compresses each pair to 1½ em, Taiwan keeps both marks whole.
    let width = |language: &str| {
        let f = one_section(language, "", "甲「乙」。丙？」丁\n");
        let (_, _, doc) = layout(&f.book());
        let run_advance = |c: char| -> f32 {
            let mut sum = 0.0;
            for page in &doc.pages {
                for item in &page.items {
                    let Item::Glyphs(run) = item else { continue };
                    for g in &run.glyphs {
                        if run.text.get(g.text_range()) == Some(&c.to_string()[..]) {
                            sum += g.advance / run.size;
                        }
                    }
                }
            }
            sum
        };
        run_advance('」') + run_advance('。') + run_advance('？')
    };
    let (cn, tw) = (width("zh-CN"), width("zh-TW"));
    // zh-CN: 」½ 。1 ？½ 」1; zh-TW: every mark one em.
    assert!((cn - 3.0).abs() < 0.01, "zh-CN: {cn} em");
    assert!((tw - 4.0).abs() < 0.01, "zh-TW: {tw} em");
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext is required (apt-get install poppler-utils)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Builds both outputs; returns the PDF's text and the EPUB's nav (EPUBCheck'd if `check`).
fn build(f: &Fixture, check: bool) -> (String, String) {
    f.builds();
    let name = f.book().file_name().unwrap().to_string_lossy().into_owned();
    let pdf = pdftotext(&f.out().join(format!("{name}.pdf")));
    let epub = f.out().join(format!("{name}.epub"));
    if check {
        common::epubcheck(&epub);
    }
    let file = std::fs::File::open(&epub).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut nav = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("OEBPS/nav.xhtml").unwrap(), &mut nav).unwrap();
    (pdf, nav)
}

fn figure_book(language: &str) -> Fixture {
    let f = one_section(
        language,
        "",
        "# 學而\n\n子曰：學而時習之。\n\n![孔子像](images/fig.png \"編輯部\")\n",
    );
    f.copy("tests/fixtures/zh-tw/images/kongzi.png", "images/fig.png");
    f.write(
        "book.toml",
        toml(language, "")
            .replace("title = \"測試\"", "title = \"測試\"\neditors = [\"甲\"]")
            .as_bytes(),
    );
    f
}

#[test]
fn a_taiwan_book_says_mulu_tu_and_bian_in_traditional() {
    let (pdf, nav) = build(&figure_book("zh-TW"), true);
    let solid: String = pdf.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(solid.contains("目錄"), "{pdf}");
    assert!(pdf.contains("圖1"), "{pdf}");
    assert!(
        pdf.contains("編") && !pdf.contains("目录") && !pdf.contains("图1"),
        "{pdf}"
    );
    assert!(
        nav.contains("<h1>目錄</h1>") && nav.contains("導覽"),
        "{nav}"
    );
}

#[test]
fn an_english_book_says_contents_and_figure() {
    let (pdf, nav) = build(&figure_book("en"), true);
    assert!(
        pdf.contains("Contents") && pdf.contains("Figure 1"),
        "{pdf}"
    );
    assert!(pdf.contains("Edited by"), "{pdf}");
    assert!(
        nav.contains("<h1>Contents</h1>") && nav.contains("Guide"),
        "{nav}"
    );
    assert!(!pdf.contains("目录") && !pdf.contains("图1"), "{pdf}");
}

#[test]
fn classical_and_hong_kong_characters_need_no_other_font() {
    // 䓕 㐀 (Extension A) and 𠀡 (HKSCS, Extension B), with system fonts off.
    for language in ["zh-CN", "zh-TW", "zh-HK"] {
        let f = one_section(language, "", "# 一\n\n䓕㐀之𠀡也。\n");
        let (pdf, _) = build(&f, false);
        assert!(pdf.contains("䓕㐀之𠀡也"), "{language}: {pdf}");
    }
}

#[test]
fn the_cover_title_breaks_at_its_space() {
    let root = common::repo();
    let book = bookpress::book::load(&root.join("book")).expect("sample book loads");
    let fonts = FontSet::load(&book.fonts).expect("fonts load");
    let doc = bookpress::typeset::page::layout(&book, &fonts).expect("layout");
    // The cover's title lines, top to bottom.
    let mut lines: Vec<(f32, String)> = Vec::new();
    for item in &doc.pages[0].items {
        let Item::Glyphs(run) = item else { continue };
        if run.size < book.pdf.font_size * 1.5 {
            continue;
        }
        let text: String = run
            .glyphs
            .iter()
            .filter_map(|g| run.text.get(g.text_range()))
            .collect();
        match lines.iter_mut().find(|(y, _)| (y - run.y).abs() < 1.0) {
            Some((_, t)) => t.push_str(&text),
            None => lines.push((run.y, text)),
        }
    }
    lines.sort_by(|a, b| a.0.total_cmp(&b.0));
    let lines: Vec<&str> = lines.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(lines, ["交流经验", "巩固提升党史学习", "教育成果（上）"]);
}
