//! The EPUB of a book set vertically (`writing = "vertical"`): columns right to left in the
//! stylesheet, pages turned leftwards in the spine, short digit runs upright, EPUBCheck clean;
//! and that a horizontal book's EPUB has none of it.

mod common;

use bookpress::build::Format;
use common::{Fixture, epubcheck};
use std::io::Read;

const TOML: &str = "[book]\ntitle = \"論語詩經選\"\nlanguage = \"zh-Hant\"\n\
writing = \"vertical\"\nsections = [\"01-xueer.md\", \"02-zhounan.md\"]\n";

/// 論語·學而 (abridged), with a footnote, a figure and a table.
const XUEER: &str = "# 學而第一\n\n\
子曰：「學而時習之，不亦說乎[^1]？有朋自遠方來，不亦樂乎？人不知而不慍，不亦君子乎？」\n\n\
曾子曰：「吾日三省吾身：為人謀而不忠乎？與朋友交而不信乎？傳不習乎？」\n\n\
子曰：「父在，觀其志；父沒，觀其行；3年無改於父之道，可謂孝矣。」\n\n\
![孔子與弟子](images/kongzi.png)\n\n\
| 篇 | 章數 |\n|---|---|\n| 學而 | 16 |\n| 為政 | 24 |\n\n\
[^1]: 說，同「悅」。見第12頁。\n";

/// 詩經·周南 (two poems), with a long number and a Latin word.
const ZHOUNAN: &str = "# 國風·周南\n\n## 關雎\n\n\
關關雎鳩，在河之洲。窈窕淑女，君子好逑。（一章）\n\n\
參差荇菜，左右流之。窈窕淑女，寤寐求之。（二章）\n\n\
## 葛覃\n\n\
葛之覃兮，施于中谷，維葉萋萋。黃鳥于飛，集于灌木，其鳴喈喈。\n\n\
此篇凡3章，今本見於2021年版 Shijing 之第1卷——其聲……\n";

fn vertical_book(toml: &str) -> Fixture {
    let f = Fixture::text(&[
        ("book.toml", toml),
        ("01-xueer.md", XUEER),
        ("02-zhounan.md", ZHOUNAN),
    ]);
    f.copy(
        "tests/fixtures/zh-tw/images/kongzi.png",
        "images/kongzi.png",
    );
    f
}

/// The EPUB built from `f`, and each of its files by name.
fn built(f: &Fixture) -> (std::path::PathBuf, Vec<(String, String)>) {
    f.build_with(vec![Format::Epub]).unwrap();
    let epub = f.out().join("book.epub");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&epub).unwrap()).unwrap();
    let mut files = Vec::new();
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).unwrap();
        let mut text = String::new();
        if e.read_to_string(&mut text).is_ok() {
            files.push((e.name().unwrap().to_string(), text));
        }
    }
    (epub, files)
}

fn file<'a>(files: &'a [(String, String)], name: &str) -> &'a str {
    &files.iter().find(|(n, _)| n == name).unwrap().1
}

#[test]
fn vertical_epub_runs_right_to_left() {
    let f = vertical_book(TOML);
    let (epub, files) = built(&f);
    let opf = file(&files, "OEBPS/content.opf");
    assert!(
        opf.contains("<spine toc=\"ncx\" page-progression-direction=\"rtl\">"),
        "{opf}"
    );
    let css = file(&files, "OEBPS/style.css");
    for rule in [
        "-epub-writing-mode: vertical-rl;",
        "writing-mode: vertical-rl;",
        "text-orientation: mixed;",
        "text-combine-upright: all;",
        "-epub-text-combine: horizontal;",
    ] {
        assert!(css.contains(rule), "{rule} missing");
    }
    // The vertical rules come after the horizontal ones they override.
    let root = css.find("-epub-writing-mode: vertical-rl").unwrap();
    assert!(css.find("text-indent: 2em").unwrap() < root);
    epubcheck(&epub);
}

#[test]
fn short_digit_runs_stand_upright_and_long_ones_turn() {
    let (_, files) = built(&vertical_book(TOML));
    let xueer = file(&files, "OEBPS/section-01.xhtml");
    assert!(
        xueer.contains("<span class=\"tcy\">3</span>年無改"),
        "{xueer}"
    );
    assert!(xueer.contains("見第<span class=\"tcy\">12</span>頁"));
    assert!(xueer.contains("<span class=\"tcy\">16</span>"));
    let zhounan = file(&files, "OEBPS/section-02.xhtml");
    assert!(zhounan.contains("凡<span class=\"tcy\">3</span>章"));
    // Four digits with tcy = 2 (the default) turn with the Latin text.
    assert!(zhounan.contains("見於2021年版"), "{zhounan}");
    assert!(zhounan.contains("<span lang=\"en\" xml:lang=\"en\">Shijing</span>"));
    // Punctuation stays the source's characters: the vertical forms are the font's.
    assert!(zhounan.contains("——其聲……"));
    assert!(xueer.contains("「學而時習之"));
}

#[test]
fn tcy_setting_widens_the_upright_runs() {
    let toml = TOML.to_string() + "[pdf]\ntcy = 4\n";
    let (_, files) = built(&vertical_book(&toml));
    let zhounan = file(&files, "OEBPS/section-02.xhtml");
    assert!(zhounan.contains("見於<span class=\"tcy\">2021</span>年版"));
}

#[test]
fn epub_writing_overrides_the_book() {
    let toml = TOML.replace("writing = \"vertical\"\n", "") + "[epub]\nwriting = \"vertical\"\n";
    let (_, files) = built(&vertical_book(&toml));
    assert!(file(&files, "OEBPS/content.opf").contains("page-progression-direction=\"rtl\""));
    let toml = TOML.to_string() + "[epub]\nwriting = \"horizontal\"\n";
    let f = vertical_book(&toml);
    let (epub, files) = built(&f);
    assert_horizontal(&files);
    epubcheck(&epub);
}

#[test]
fn horizontal_book_has_no_vertical_rules() {
    let toml = TOML.replace("writing = \"vertical\"\n", "");
    let (_, files) = built(&vertical_book(&toml));
    assert_horizontal(&files);
}

fn assert_horizontal(files: &[(String, String)]) {
    assert!(!file(files, "OEBPS/content.opf").contains("page-progression-direction"));
    assert!(!file(files, "OEBPS/style.css").contains("vertical-rl"));
    assert!(!file(files, "OEBPS/section-01.xhtml").contains("class=\"tcy\""));
}
