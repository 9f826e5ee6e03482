//! `bookpress check` as a library call: the sample is clean, the raw seed is not, and --fix
//! makes it clean by replacing only the half-width punctuation.

use bookpress::check::check_book;
use bookpress::diag::Severity;
use std::path::Path;

mod common;
use common::{Fixture, finding_lines};

fn copy_sample_into(dir: &Path) {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("book");
    std::fs::create_dir_all(dir.join("images")).unwrap();
    for e in std::fs::read_dir(&sample)
        .unwrap()
        .chain(std::fs::read_dir(sample.join("images")).unwrap())
    {
        let p = e.unwrap().path();
        if p.is_file() {
            let rel = p.strip_prefix(&sample).unwrap();
            std::fs::copy(&p, dir.join(rel)).unwrap();
        }
    }
}

#[test]
fn sample_book_is_clean() {
    let r = check_book(&Path::new(env!("CARGO_MANIFEST_DIR")).join("book"), false).unwrap();
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
}

/// The seed as scraped (ASCII punctuation in Chinese text), pasted into one section.
const RAW: &str = "# 编者按\n\n6月3日,全市党史学习教育经验交流会举行,总结前段工作,交流学习教育经验,巩固学习教育成效,会上,相关县市区和市直部门(高职院校)作了发言。\n\n开展党史学习教育,株洲各县市区有哪些好经验值得总结?哪些好做法值得学习推广?\n\n即:面对面与村(社区)党组织书记谈心谈话,解决率达99.69%。\n";

#[test]
fn raw_seed_reports_half_width_punctuation_and_fix_cleans_it() {
    let d = Fixture::empty();
    d.write(
        "book.toml",
        "[book]\ntitle = \"测试\"\nsections = [\"a.md\"]\n".as_bytes(),
    );
    d.write("a.md", RAW.as_bytes());
    let r = check_book(&d.book(), false).unwrap();
    let lines: Vec<(u32, u32)> = r.findings.iter().map(|f| (f.line, f.column)).collect();
    assert!(
        r.findings
            .iter()
            .all(|f| f.severity == Severity::Warning && f.message.starts_with("half-width"))
    );
    // Line 3: six commas and a pair of parentheses; line 5: one comma, two question marks;
    // line 7: a colon, a pair of parentheses, a comma.
    assert_eq!(
        lines.iter().filter(|(l, _)| *l == 3).count(),
        8,
        "{lines:?}"
    );
    assert_eq!(
        lines.iter().filter(|(l, _)| *l == 5).count(),
        3,
        "{lines:?}"
    );
    assert_eq!(
        lines.iter().filter(|(l, _)| *l == 7).count(),
        4,
        "{lines:?}"
    );
    assert_eq!(lines[0], (3, 5));

    let r = check_book(&d.book(), true).unwrap();
    assert_eq!(r.fixed.len(), 1);
    assert_eq!(r.fixed[0].1, 15);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    let fixed = std::fs::read_to_string(d.book().join("a.md")).unwrap();
    let expected = RAW
        .replace(',', "，")
        .replace('(', "（")
        .replace(')', "）")
        .replace('?', "？")
        .replace(':', "：");
    assert_eq!(fixed, expected);
    // Nothing but the fixed file is left in the folder (no backup, no temporary file).
    let mut names: Vec<_> = std::fs::read_dir(d.book())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names, ["a.md", "book.toml"]);
}

#[test]
fn copied_sample_with_a_character_no_font_has_is_an_error_with_place() {
    let d = Fixture::empty();
    copy_sample_into(&d.book());
    let p = d.book().join("02-hetang.md");
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replacen("纵观近年来", "纵观𪚥近年来", 1);
    std::fs::write(&p, text).unwrap();
    // Without the machine's fonts, so that a machine with a font that has 𪚥 gives the same.
    let r = bookpress::check::check_book_with(&d.book(), false, false).unwrap();
    let e = r
        .findings
        .iter()
        .find(|f| f.severity == Severity::Error)
        .expect("an error");
    assert!(e.message.contains("U+2A6A5"), "{e}");
    assert_eq!(e.file.as_deref(), Some(Path::new("02-hetang.md")));
    assert!(e.line > 1 && e.column == 3, "{e}");
    assert!(
        e.hint
            .as_deref()
            .unwrap()
            .contains("NotoSerifCJKsc-Regular.otf")
    );
}

#[test]
fn no_book_toml_cannot_run() {
    let d = Fixture::empty();
    assert!(check_book(&d.book(), false).is_err());
}

#[cfg(unix)]
#[test]
fn fix_keeps_the_file_mode() {
    use std::os::unix::fs::PermissionsExt;
    let d = Fixture::empty();
    d.write(
        "book.toml",
        "[book]\ntitle = \"测试\"\nsections = [\"a.md\"]\n".as_bytes(),
    );
    let a = d.book().join("a.md");
    std::fs::write(&a, "# 标题\n\n中文,中文。\n").unwrap();
    std::fs::set_permissions(&a, std::fs::Permissions::from_mode(0o640)).unwrap();
    let r = check_book(&d.book(), true).unwrap();
    assert_eq!(r.fixed.len(), 1);
    assert_eq!(
        std::fs::read_to_string(&a).unwrap(),
        "# 标题\n\n中文，中文。\n"
    );
    let mode = std::fs::metadata(&a).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
fn strong_emphasis_missed_beside_chinese_punctuation_is_a_warning_with_place() {
    let d = Fixture::empty();
    d.write(
        "book.toml",
        "[book]\ntitle = \"测试\"\nsections = [\"a.md\"]\n".as_bytes(),
    );
    d.write(
        "a.md",
        "# 标题\n\n“**引号**”后，`**代码**`。\n\n他说**“引号”**后。\n".as_bytes(),
    );
    let r = check_book(&d.book(), false).unwrap();
    assert_eq!(r.findings.len(), 1, "{:#?}", r.findings);
    let w = &r.findings[0];
    assert_eq!(w.severity, Severity::Warning);
    assert!(w.message.starts_with("`**` is shown as text"), "{w}");
    assert_eq!((w.line, w.column), (5, 3));
}

/// A book with an empty section (a.md) and a figure without a caption (b.md:5); b.md:7 adds a
/// picture in running text without alt text when `inline_picture`.
fn two_findings_book(inline_picture: bool) -> Fixture {
    let b = if inline_picture {
        "# 第二节\n\n正文。\n\n![](images/a.jpg)\n\n文中![](images/a.jpg)图。\n"
    } else {
        "# 第二节\n\n正文。\n\n![](images/a.jpg)\n"
    };
    let f = Fixture::text(&[
        (
            "book.toml",
            "[book]\ntitle = \"测试\"\nsections = [\"a.md\", \"b.md\"]\n",
        ),
        ("a.md", "# 空的一节\n"),
        ("b.md", b),
    ]);
    f.copy("book/images/fig-1.jpg", "images/a.jpg");
    f
}

#[test]
fn an_empty_section_and_a_captionless_figure_are_printed_once_by_check_and_build() {
    let f = two_findings_book(false);
    for args in [&["check", "book"][..], &["build", "book", "-o", "out"]] {
        let (code, err) = f.run(args);
        let found = finding_lines(&err);
        assert_eq!(found.len(), 2, "{args:?}:\n{err}");
        let about = |what: &str| found.iter().filter(|l| l.contains(what)).count();
        assert_eq!(
            about("the section `空的一节` has no text"),
            1,
            "{args:?}:\n{err}"
        );
        assert_eq!(about("figure 1 has no caption"), 1, "{args:?}:\n{err}");
        assert!(err.contains("0 errors, 2 warnings"), "{args:?}:\n{err}");
        // check: 1, problems found; build: 0, built.
        assert_eq!(code, i32::from(args[0] == "check"), "{args:?}:\n{err}");
    }
}

#[test]
fn empty_sections_and_captionless_figures_are_warnings() {
    let f = two_findings_book(true);
    let r = check_book(&f.book(), false).unwrap();
    let text: Vec<String> = r.findings.iter().map(|f| f.to_string()).collect();
    assert!(
        text.iter()
            .any(|t| t.contains("a.md") && t.contains("the section `空的一节` has no text")),
        "{text:#?}"
    );
    assert!(
        text.iter().any(|t| t.contains("b.md:5")
            && t.contains("figure 1 has no caption")
            && t.contains("`images/a.jpg` has no text alternative")),
        "{text:#?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("b.md:7")
                && t.contains("the picture `images/a.jpg` has no alt text")),
        "{text:#?}"
    );
    // Each finding once: the loader and the checker do not both report it.
    let about = |what: &str| text.iter().filter(|t| t.contains(what)).count();
    assert_eq!(about("has no text\n"), 1, "{text:#?}");
    assert_eq!(about("has no caption"), 1, "{text:#?}");
    assert_eq!(r.findings.len(), 3, "{text:#?}");
    assert!(!r.has_errors(), "{text:#?}");
}

#[test]
fn problems_in_every_section_are_found_in_one_run() {
    let d = Fixture::empty();
    d.write(
        "book.toml",
        "[book]\ntitle = \"测试\"\nsections = [\"a.md\", \"b.md\", \"c.md\"]\n".as_bytes(),
    );
    d.write("a.md", "# 甲\n\n![图](none-1.png)\n".as_bytes());
    // No title and a link to a file that is not in the book: warnings, not a stop.
    d.write("b.md", "正文见[说明](notes.txt)，标点,错误。\n".as_bytes());
    d.write("c.md", "# 丙\n\n{{#include missing.rs}}\n".as_bytes());
    let r = check_book(&d.book(), false).unwrap();
    let text: Vec<String> = r.findings.iter().map(|f| f.to_string()).collect();
    for want in [
        "a.md:3: error: picture `none-1.png` cannot be read",
        "b.md:1:1: warning: the section has no title: `b` is used",
        "b.md:1: warning: link target `notes.txt` is not a section of this book",
        "c.md:3:1: error: included file `missing.rs` cannot be read",
    ] {
        assert!(
            text.iter().any(|t| t.starts_with(want)),
            "{want}\n{text:#?}"
        );
    }
    // The source lints ran too, although the book has errors.
    assert!(
        text.iter().any(|t| t.contains("half-width `,`")),
        "{text:#?}"
    );
    assert!(r.has_errors());
}

/// The cases from the issue, through `check` and `check --fix` on a book: English and code
/// inside Chinese text are neither reported nor changed; `.` and `...` between Chinese, a stray
/// space after a full stop, U+3000 indentation and math are reported, and all but math fixed.
#[test]
fn fix_leaves_english_and_code_alone_and_fixes_the_new_cases() {
    let d = Fixture::empty();
    d.write(
        "book.toml",
        "[book]\ntitle = \"测试\"\nsections = [\"a.md\"]\n".as_bytes(),
    );
    let src = "# 标题\n\n\u{3000}\u{3000}他说“Hello, world!”,然后调用env.close()关闭.\n\n有鸟焉。 其南有山...见 https://example.org/a,b 和 `x,y`。\n\n设$x,y$为实数。\n";
    d.write("a.md", src.as_bytes());
    let r = check_book(&d.book(), false).unwrap();
    let found: Vec<String> = r
        .findings
        .iter()
        .map(|f| format!("{}:{} {}", f.line, f.column, f.message))
        .collect();
    assert_eq!(
        found,
        [
            "3:1 1 line of text is indented with full-width spaces (U+3000)",
            "3:20 half-width `,` in Chinese text",
            "3:38 half-width `.` in Chinese text",
            "5:5 a space between Chinese characters (`。 其`)",
            "5:10 `...` for an ellipsis in Chinese text",
            "7:2 math is printed as its TeX source",
        ],
        "{:#?}",
        r.findings
    );
    let r = check_book(&d.book(), true).unwrap();
    assert_eq!(r.fixed[0].1, 5);
    assert_eq!(
        std::fs::read_to_string(d.book().join("a.md")).unwrap(),
        "# 标题\n\n他说“Hello, world!”，然后调用env.close()关闭。\n\n有鸟焉。其南有山……见 https://example.org/a,b 和 `x,y`。\n\n设$x,y$为实数。\n"
    );
    // Only the math is left: it has no fix.
    assert_eq!(r.findings.len(), 1, "{:#?}", r.findings);
    assert_eq!(r.findings[0].message, "math is printed as its TeX source");
}
