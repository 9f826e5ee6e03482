//! The loader on the sample book and on small broken books: every error names the file and line.

use bookpress::book::model::{Block, Role};
use bookpress::book::{load, load_with_warnings};
use common::{Fixture, sample};
use std::path::Path;

mod common;

const TOML: &str = "[book]\ntitle = \"测试\"\nsections = [\"a.md\"]\n";

#[test]
fn sample_book_loads_in_order_with_four_numbered_figures() {
    let (book, warnings) = load_with_warnings(&sample()).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(book.meta.title, "交流经验 巩固提升党史学习教育成果（上）");
    assert_eq!(
        book.meta.series.as_deref(),
        Some("学党史 悟思想 办实事 开新局")
    );
    assert_eq!(book.meta.editors, ["叶新强", "邵家虎", "李峰", "李学斌"]);
    assert_eq!(book.meta.language, "zh-CN");
    let kickers: Vec<_> = book.sections.iter().map(|s| s.kicker.as_deref()).collect();
    assert_eq!(
        kickers,
        [
            None,
            Some("株洲经开区、云龙示范区"),
            Some("荷塘区"),
            Some("茶陵县"),
            Some("攸县")
        ]
    );
    assert_eq!(book.sections[0].role, Role::Preface);
    assert_eq!(book.sections[0].title, "编者按");
    assert!(
        book.sections[1..]
            .iter()
            .all(|s| s.role == Role::Body && s.author.is_some())
    );
    let figures = book.figures();
    assert_eq!(
        figures.iter().map(|f| f.number).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert!(
        figures
            .iter()
            .all(|f| f.credit.as_deref() == Some("受访者供图"))
    );
    // One figure in each speech, none in the preface.
    for (i, s) in book.sections.iter().enumerate() {
        let n = s
            .blocks
            .iter()
            .filter(|b| matches!(b, Block::Figure(_)))
            .count();
        assert_eq!(n, usize::from(i > 0), "section {}", s.source.display());
    }
}

#[test]
fn source_date_epoch_is_not_required_but_identifier_is_stable() {
    let a = load(&sample()).unwrap();
    let b = load(&sample()).unwrap();
    assert_eq!(a.meta.identifier, b.meta.identifier);
    assert!(a.meta.identifier.starts_with("urn:uuid:"));
}

fn error_of(dir: &Path) -> bookpress::diag::Diagnostic {
    load(dir).unwrap_err().diagnostics.remove(0)
}

#[test]
fn missing_book_toml() {
    let d = Fixture::text(&[("a.md", "# x\n")]);
    let e = error_of(&d.book());
    assert!(e.message.contains("cannot read book.toml"), "{e}");
    assert!(e.file.unwrap().ends_with("book.toml"));
}

#[test]
fn toml_syntax_error_has_line_and_column() {
    let d = Fixture::text(&[("book.toml", "[book]\ntitle = \"x\nsections = []\n")]);
    let e = error_of(&d.book());
    assert!(e.message.starts_with("invalid book.toml"), "{e}");
    assert_eq!(e.line, 2);
    assert!(e.column > 0);
}

#[test]
fn missing_section_file_names_it() {
    let d = Fixture::text(&[
        (
            "book.toml",
            "[book]\ntitle = \"x\"\nsections = [\"a.md\", \"gone.md\"]\n",
        ),
        ("a.md", "# a\n"),
    ]);
    let e = error_of(&d.book());
    assert!(
        e.message.contains("`gone.md`") && e.message.contains("no such file"),
        "{e}"
    );
    assert_eq!(e.line, 3);
}

#[test]
fn empty_section_list_is_an_error() {
    let d = Fixture::text(&[("book.toml", "[book]\ntitle = \"x\"\nsections = []\n")]);
    assert!(error_of(&d.book()).message.contains("lists no files"));
}

#[test]
fn section_path_outside_the_book_is_refused() {
    let d = Fixture::text(&[(
        "book.toml",
        "[book]\ntitle = \"x\"\nsections = [\"../a.md\"]\n",
    )]);
    assert!(
        error_of(&d.book())
            .message
            .contains("leaves the book folder")
    );
}

#[test]
fn bad_front_matter_key_names_file_and_line() {
    let d = Fixture::text(&[
        ("book.toml", TOML),
        ("a.md", "+++\ntitle = \"t\"\nwriter = \"x\"\n+++\n正文\n"),
    ]);
    let e = error_of(&d.book());
    assert_eq!(e.file.as_deref(), Some(Path::new("a.md")));
    assert_eq!(e.line, 3);
    assert!(e.message.contains("writer"), "{e}");
}

#[test]
fn missing_image_names_file_line_and_path() {
    let d = Fixture::text(&[
        ("book.toml", TOML),
        ("a.md", "# t\n\n文字\n\n![图](images/none.jpg \"供图\")\n"),
    ]);
    let e = error_of(&d.book());
    assert_eq!((e.file.as_deref(), e.line), (Some(Path::new("a.md")), 5));
    assert!(e.message.contains("images/none.jpg"), "{e}");
}

#[test]
fn non_utf8_section_reports_byte_offset() {
    let d = Fixture::text(&[("book.toml", TOML)]);
    d.write("a.md", b"# t\n\n\xD6\xD0\xCE\xC4\n");
    let e = error_of(&d.book());
    assert!(
        e.message.contains("not UTF-8") && e.message.contains("offset 5"),
        "{e}"
    );
    assert_eq!(e.line, 3);
}

#[test]
fn bom_and_crlf_are_accepted() {
    let d = Fixture::text(&[
        ("book.toml", TOML),
        ("a.md", "\u{FEFF}# 标题\r\n\r\n第一行\r\n第二行\r\n"),
    ]);
    let book = load(&d.book()).unwrap();
    assert_eq!(book.sections[0].title, "标题");
    match &book.sections[0].blocks[0] {
        Block::Paragraph { content, .. } => {
            assert_eq!(bookpress::book::model::plain_text(content), "第一行第二行")
        }
        b => panic!("{b:?}"),
    }
}

#[test]
fn bad_source_date_epoch_is_reported_not_ignored() {
    // Run in a child process so the variable does not leak into other tests.
    if std::env::var_os("BOOKPRESS_TEST_CHILD").is_some() {
        let d = Fixture::text(&[("book.toml", TOML), ("a.md", "# t\n")]);
        let e = error_of(&d.book());
        assert!(e.message.contains("SOURCE_DATE_EPOCH"), "{e}");
        return;
    }
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "bad_source_date_epoch_is_reported_not_ignored",
            "--nocapture",
        ])
        .env("BOOKPRESS_TEST_CHILD", "1")
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn figure_numbers_by_book_chapter_or_source() {
    let png = {
        let img = image::RgbImage::from_pixel(8, 6, image::Rgb([90, 90, 90]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    };
    let labels = |mode: &str| {
        let dir = Fixture::text(&[
            (
                "book.toml",
                &format!(
                    "[book]\ntitle = \"图\"\nsections = [\"a.md\", \"b.md\"]\nfigure_numbers = \"{mode}\"\n"
                ),
            ),
            ("a.md", "# 一\n\n![甲](p.png)\n\n![图 9 自带编号](p.png)\n"),
            ("b.md", "# 二\n\n![乙](p.png)\n"),
        ]);
        dir.write("p.png", &png);
        let book = load(&dir.book()).unwrap();
        book.figures()
            .iter()
            .map(|f| f.label.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(labels("book"), ["图1", "", "图3"]);
    assert_eq!(labels("chapter"), ["图1.1", "", "图2.1"]);
    assert_eq!(labels("source"), ["", "", ""]);
    let dir = Fixture::text(&[
        (
            "book.toml",
            "[book]\ntitle = \"图\"\nsections = [\"a.md\"]\nfigure_numbers = \"page\"\n",
        ),
        ("a.md", "# 一\n"),
    ]);
    let e = load(&dir.book()).unwrap_err();
    assert!(
        e.first().message.contains("unknown figure_numbers `page`"),
        "{e}"
    );
    assert_eq!(e.first().line, 4);
}
