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

/// The fonts a PDF embeds, as pdffonts names them (subset prefix dropped).
fn pdf_fonts(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdffonts")
        .arg(pdf)
        .output()
        .expect("pdffonts is required (apt-get install poppler-utils)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .map(|n| n.split_once('+').map_or(n, |(_, f)| f).to_string())
        .collect()
}

/// 論語·學而 and 道德經 (first chapters), 詩經·蒹葭, and rare Extension A characters of classical
/// text (䓕 U+44D5, 㐀 U+3400, 䘒 U+4612, 䜣 U+4723, 䯄 U+4BC4).
const CLASSICAL_TW: &str = "# 論語\n\n## 學而第一\n\n子曰：「學而時習之，不亦說乎？有朋自遠方來，不亦樂乎？人不知而不慍，不亦君子乎？」\n\n\
    有子曰：「其為人也孝弟，而好犯上者，鮮矣；不好犯上，而好作亂者，未之有也。君子務本，本立而道生。孝弟也者，其為仁之本與！」\n\n\
    # 道德經\n\n## 第一章\n\n道可道，非常道。名可名，非常名。無名，天地之始；有名，萬物之母。故常無欲，以觀其妙；常有欲，以觀其徼。\
    此兩者同出而異名，同謂之玄，玄之又玄，眾妙之門。\n\n\
    # 詩經\n\n## 蒹葭\n\n蒹葭蒼蒼，白露為霜。所謂伊人，在水一方。溯洄從之，道阻且長。溯游從之，宛在水中央。\n\n\
    # 字\n\n䓕、㐀、䘒、䜣、䯄，皆古字也。\n";

/// The same in Simplified characters (as a mainland edition sets classical text).
const CLASSICAL_CN: &str = "# 论语\n\n## 学而第一\n\n子曰：“学而时习之，不亦说乎？有朋自远方来，不亦乐乎？人不知而不愠，不亦君子乎？”\n\n\
    有子曰：“其为人也孝弟，而好犯上者，鲜矣；不好犯上，而好作乱者，未之有也。君子务本，本立而道生。孝弟也者，其为仁之本与！”\n\n\
    # 道德经\n\n## 第一章\n\n道可道，非常道。名可名，非常名。无名，天地之始；有名，万物之母。故常无欲，以观其妙；常有欲，以观其徼。\
    此两者同出而异名，同谓之玄，玄之又玄，众妙之门。\n\n\
    # 诗经\n\n## 蒹葭\n\n蒹葭苍苍，白露为霜。所谓伊人，在水一方。溯洄从之，道阻且长。溯游从之，宛在水中央。\n\n\
    # 字\n\n䓕、㐀、䘒、䜣、䯄，皆古字也。\n";

#[test]
fn a_classical_anthology_in_either_script_builds_with_the_bundled_fonts_alone() {
    for (language, text, words) in [
        (
            "zh-TW",
            CLASSICAL_TW,
            ["學而時習之", "眾妙之門", "白露為霜", "䓕、㐀、䘒、䜣、䯄"],
        ),
        (
            "zh-CN",
            CLASSICAL_CN,
            ["学而时习之", "众妙之门", "白露为霜", "䓕、㐀、䘒、䜣、䯄"],
        ),
    ] {
        let sections: Vec<String> = (1..=4).map(|i| format!("{i}.md")).collect();
        let parts: Vec<String> = text
            .split("\n# ")
            .map(|p| p.trim_start_matches("# ").to_string())
            .collect();
        assert_eq!(parts.len(), 4);
        let toml = format!(
            "[book]\ntitle = \"經典\"\nlanguage = \"{language}\"\nsections = [{}]\n[fonts]\nsystem = false\n",
            sections
                .iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut files = vec![("book.toml".to_string(), toml)];
        for (s, p) in sections.iter().zip(&parts) {
            files.push((s.clone(), format!("# {p}")));
        }
        let files: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let f = Fixture::text(&files);
        let (pdf, _) = build(&f, false);
        let flat: String = pdf.chars().filter(|c| !c.is_whitespace()).collect();
        for w in words {
            assert!(flat.contains(w), "{language}: `{w}` in {pdf}");
        }
        let name = f.book().file_name().unwrap().to_string_lossy().into_owned();
        let fonts = pdf_fonts(&f.out().join(format!("{name}.pdf")));
        assert!(
            fonts
                .iter()
                .all(|n| n.starts_with("NotoSerifCJKsc") || n.starts_with("NotoSansCJKsc")),
            "{language}: only the bundled faces, no fallback: {fonts:?}"
        );
    }
}

#[test]
fn an_mdbook_author_key_is_read_as_authors_with_a_warning() {
    let toml = "[book]\ntitle = \"Rust 程式設計語言\"\nauthor = [\"Steve Klabnik\", \"Carol Nichols\"]\n\
                language = \"zh-TW\"\nsections = [\"a.md\"]\n[fonts]\nsystem = false\n";
    let f = Fixture::text(&[("book.toml", toml), ("a.md", "# 前言\n\n正文。\n")]);
    let warnings = f.builds();
    let w = warnings
        .iter()
        .find(|d| d.message.contains("`author`"))
        .expect("a warning about `author`");
    assert_eq!(w.line, 3, "{w:?}");
    let book = bookpress::book::load(&f.book()).expect("loads");
    assert_eq!(book.meta.authors, ["Steve Klabnik", "Carol Nichols"]);
    // One name as a string works too; `authors` wins over `author`.
    let f = Fixture::text(&[
        (
            "book.toml",
            &toml.replace(
                "author = [\"Steve Klabnik\", \"Carol Nichols\"]",
                "author = \"甲\"\nauthors = [\"乙\"]",
            ),
        ),
        ("a.md", "# 前言\n\n正文。\n"),
    ]);
    let book = bookpress::book::load(&f.book()).expect("loads");
    assert_eq!(book.meta.authors, ["乙"]);
}
