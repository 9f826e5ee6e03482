//! Bad input, one fixture book per case (made in a temp folder): each gets its exact error (file,
//! line, column where there is one) or builds with the expected warning, and a failed build
//! leaves no output and no `.bookpress-*.part` file behind.

use bookpress::build::{BuildOptions, build};
use bookpress::diag::Severity;
use std::path::Path;
use std::process::Command;

mod common;
use common::{Fixture, TOML};

fn png(width: u32, height: u32, color: image::ColorType) -> Vec<u8> {
    use image::ImageEncoder;
    let bytes = width as usize * height as usize * color.bytes_per_pixel() as usize;
    // A gradient, so the picture is not trivially compressible to nothing.
    let data: Vec<u8> = (0..bytes).map(|i| (i * 7 % 251) as u8).collect();
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&data, width, height, color.into())
        .unwrap();
    out
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let data: Vec<u8> = (0..width * height * 3)
        .map(|i| (i * 13 % 251) as u8)
        .collect();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode(&data, width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// A section that places `images/pic.*` as figure 1 (on line 5).
fn with_picture(name: &str, bytes: &[u8]) -> Fixture {
    let f = Fixture::section(&format!(
        "# 标题\n\n正文。\n\n![图注](images/{name} \"供图\")\n"
    ));
    f.write(&format!("images/{name}"), bytes);
    f
}

// --- book.toml and the section list -------------------------------------------------------------

#[test]
fn missing_book_toml() {
    let f = Fixture::new(&[("a.md", b"# x\n")]);
    let e = f.error();
    assert_eq!(e.message, "cannot read book.toml: no such file");
    assert_eq!(e.file, Some(f.book().join("book.toml")));
    // Neither `check` nor `build` can run: both exit 2 with the same message.
    let (code, err) = f.run(&["check", "book"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.starts_with("error: no book.toml in `book`"), "{err}");
    let (code, build_err) = f.run(&["build", "book", "-o", "out"]);
    assert_eq!(code, 2, "{build_err}");
    assert_eq!(build_err, err);
    f.assert_no_output();
}

#[test]
fn toml_syntax_error_names_line_and_column() {
    let f = Fixture::new(&[
        (
            "book.toml",
            b"[book]\ntitle = \"x\"\nsections = [\"a.md\" \"b.md\"]\n",
        ),
        ("a.md", b"# a\n"),
    ]);
    let e = f.error();
    assert!(e.message.starts_with("invalid book.toml: "), "{e}");
    assert_eq!((e.line, e.column), (3, 20), "{e}");
    let (code, err) = f.run(&["build", "book", "-o", "out"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: invalid book.toml"), "{err}");
    assert!(err.contains(" --> book/book.toml:3:20\n"), "{err}");
}

#[test]
fn section_list_naming_a_missing_file() {
    let f = Fixture::new(&[
        (
            "book.toml",
            b"[book]\ntitle = \"x\"\nsections = [\"a.md\", \"gone.md\"]\n",
        ),
        ("a.md", b"# a\n"),
    ]);
    let e = f.error();
    assert_eq!(e.message, "section `gone.md` cannot be read: no such file");
    assert_eq!(e.file, Some(f.book().join("book.toml")));
    assert_eq!(e.line, 3);
}

#[test]
fn empty_section_list() {
    let f = Fixture::new(&[("book.toml", b"[book]\ntitle = \"x\"\nsections = []\n")]);
    let e = f.error();
    assert_eq!(e.message, "`sections` lists no files");
    assert_eq!(e.line, 3);
}

#[test]
fn non_utf8_section_gives_byte_offset() {
    let f = Fixture::new(&[
        ("book.toml", TOML.as_bytes()),
        ("a.md", b"# t\n\nab\xD6\xD0\n"),
    ]);
    let e = f.error();
    assert_eq!(
        e.message,
        "not UTF-8 text: invalid byte 0xD6 at byte offset 7"
    );
    assert_eq!(e.file.as_deref(), Some(Path::new("a.md")));
    assert_eq!((e.line, e.column), (3, 3));
}

#[test]
fn bom_and_crlf_are_accepted() {
    let f = Fixture::section("\u{FEFF}# 标题\r\n\r\n第一行\r\n第二行\r\n");
    let w = f.builds();
    assert!(w.is_empty(), "{w:?}");
}

// --- paths --------------------------------------------------------------------------------------

#[test]
fn image_path_with_dotdot_is_refused() {
    let f = Fixture::section("# t\n\n文字\n\n![图](../secret.jpg \"供图\")\n");
    std::fs::write(f.tmp.path().join("secret.jpg"), jpeg(8, 8)).unwrap();
    let e = f.error();
    assert_eq!(e.message, "`../secret.jpg` leaves the book folder");
    assert_eq!((e.file.as_deref(), e.line), (Some(Path::new("a.md")), 5));
}

#[test]
fn absolute_image_path_is_refused() {
    let f = Fixture::section("# t\n\n文字\n\n![图](/etc/hostname \"供图\")\n");
    let e = f.error();
    assert_eq!(e.message, "`/etc/hostname` is an absolute path");
    assert_eq!((e.file.as_deref(), e.line), (Some(Path::new("a.md")), 5));
}

#[cfg(unix)]
#[test]
fn symlink_out_of_the_book_is_refused() {
    let f = Fixture::section("# t\n\n文字\n\n![图](images/out.jpg \"供图\")\n");
    let outside = f.tmp.path().join("outside.jpg");
    std::fs::write(&outside, jpeg(8, 8)).unwrap();
    std::fs::create_dir_all(f.book().join("images")).unwrap();
    std::os::unix::fs::symlink(&outside, f.book().join("images/out.jpg")).unwrap();
    let e = f.error();
    assert_eq!(
        e.message,
        "`images/out.jpg` is a link that leads out of the book folder"
    );
    assert_eq!((e.file.as_deref(), e.line), (Some(Path::new("a.md")), 5));
}

// --- pictures -----------------------------------------------------------------------------------

#[test]
fn truncated_jpeg_is_refused() {
    let full = jpeg(64, 64);
    let f = with_picture("cut.jpg", &full[..full.len() / 2]);
    let e = f.error();
    assert_eq!(
        e.message,
        "picture `images/cut.jpg` is damaged: the JPEG data ends before its end marker (truncated file?)"
    );
    assert_eq!((e.file.as_deref(), e.line), (Some(Path::new("a.md")), 5));
}

#[test]
fn truncated_png_is_refused() {
    let full = png(64, 64, image::ColorType::Rgb8);
    let f = with_picture("cut.png", &full[..full.len() - 40]);
    let e = f.error();
    assert_eq!(
        e.message,
        "picture `images/cut.png` is damaged: the PNG data ends before its IEND chunk (truncated file?)"
    );
    assert_eq!((e.file.as_deref(), e.line), (Some(Path::new("a.md")), 5));
}

#[test]
fn png_that_is_really_text_is_refused() {
    let f = with_picture("text.png", b"this is not a picture, only text\n");
    let e = f.error();
    assert_eq!(
        e.message,
        "picture `images/text.png` is not a picture file bookpress knows"
    );
    assert_eq!((e.file.as_deref(), e.line), (Some(Path::new("a.md")), 5));
}

#[test]
fn sixteen_bit_png_with_alpha_builds() {
    let f = with_picture("deep.png", &png(600, 400, image::ColorType::Rgba16));
    let w = f.builds();
    assert!(w.is_empty(), "{w:?}");
}

#[test]
fn cmyk_jpeg_builds() {
    let cmyk = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cmyk.jpg"))
        .unwrap();
    let f = with_picture("cmyk.jpg", &cmyk);
    let w = f.builds();
    // 16×16 pixels: too small to print well, which is a warning only.
    assert!(w.iter().all(|d| d.severity == Severity::Warning), "{w:?}");
}

#[test]
fn one_pixel_picture_builds_with_a_warning() {
    let f = with_picture("dot.png", &png(1, 1, image::ColorType::Rgb8));
    let w = f.builds();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].message.contains("images/dot.png"), "{}", w[0]);
    assert!(w[0].message.contains("dpi"), "{}", w[0]);
    assert_eq!(
        (w[0].file.as_deref(), w[0].line),
        (Some(Path::new("a.md")), 5)
    );
}

#[test]
fn png_header_bomb_is_refused_before_decoding() {
    // A PNG header claiming 30000×30000 RGBA pixels (3.6 GB decoded), and no pixel data.
    let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bomb.extend_from_slice(&30000u32.to_be_bytes());
    bomb.extend_from_slice(&30000u32.to_be_bytes());
    bomb.extend_from_slice(&[8, 6, 0, 0, 0]);
    let crc = crc32(&bomb[12..]);
    bomb.extend_from_slice(&crc.to_be_bytes());
    let f = with_picture("bomb.png", &bomb);
    let e = f.error();
    assert_eq!(
        e.message,
        "picture `images/bomb.png` is 30000×30000 pixels, over the limit of 100 megapixels"
    );
    assert_eq!((e.file.as_deref(), e.line), (Some(Path::new("a.md")), 5));
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

// --- text the typesetter must survive -----------------------------------------------------------

/// Builds `f` without the machine's fonts (one of them may have a character the test wants no
/// font to have: DejaVu Sans has 😀, see tests/system_fonts.rs) and returns the refusal, having
/// checked that nothing was written.
fn refused_without_system_fonts(f: &Fixture) -> bookpress::diag::Error {
    f.write(
        "book.toml",
        format!("{TOML}[fonts]\nsystem = false\n").as_bytes(),
    );
    let e = match f.build_with(Vec::new()) {
        Err(e) => e,
        Ok(_) => panic!("built"),
    };
    f.assert_no_output();
    e
}

#[test]
fn characters_no_font_has_are_errors_with_code_point_and_place() {
    let f = Fixture::section("# 标题\n\n正文𠀀字。\n\n表情😀。\n");
    let e = refused_without_system_fonts(&f);
    let errs: Vec<_> = e
        .diagnostics
        .iter()
        .map(|d| (d.line, d.column, d.message.clone()))
        .collect();
    assert_eq!(errs.len(), 2, "{e}");
    assert_eq!((errs[0].0, errs[0].1), (3, 3), "{e}");
    assert!(errs[0].2.contains("U+20000"), "{e}");
    assert_eq!((errs[1].0, errs[1].1), (5, 3), "{e}");
    assert!(errs[1].2.contains("U+1F600"), "{e}");
    // The same through the binary: `build` exits 1, `check --format json` exits 1 with one
    // JSON line per finding.
    let (code, err) = f.run(&["build", "book", "-o", "out"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error: no font can draw `𠀀`"), "{err}");
    assert!(err.contains(" --> book/a.md:3:3\n"), "{err}");
    f.assert_no_output();
    let out = Command::new(env!("CARGO_BIN_EXE_bookpress"))
        .args(["check", "book", "--format", "json"])
        .current_dir(f.tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = json.lines().collect();
    assert_eq!(lines.len(), 2, "{json}");
    assert!(
        lines[1].starts_with(r#"{"severity":"error","file":"a.md","line":5,"column":3,"message":"no font can draw `😀` (U+1F600)""#),
        "{json}"
    );
    assert!(
        e.diagnostics[0]
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("NotoSerifCJKsc-Regular.otf")),
        "{e}"
    );
}

#[test]
fn a_character_no_font_has_in_an_included_file_points_at_the_include() {
    // The character is only in the included listing, not in the Markdown file: the error points
    // at the block that includes it (the code fence on line 5), not at no line at all.
    let f = Fixture::section("# 标题\n\n正文。\n\n```rust\n{{#include main.rs}}\n```\n");
    f.write("main.rs", "fn main() { let s = \"𠀀\"; }\n".as_bytes());
    let e = refused_without_system_fonts(&f);
    let d = &e.diagnostics[0];
    assert!(d.message.contains("U+20000"), "{e}");
    assert_eq!((d.line, d.column), (5, 1), "{e}");
}

// --- the output folder --------------------------------------------------------------------------

#[test]
fn output_path_that_is_a_file() {
    let f = Fixture::section("# 标题\n\n正文。\n");
    std::fs::write(f.out(), b"not a folder").unwrap();
    let e = match f.build_with(Vec::new()) {
        Err(e) => e,
        Ok(_) => panic!("built"),
    };
    let d = e.first();
    assert_eq!(d.message, "the output path is a file, not a folder");
    assert_eq!(d.file, Some(f.out()));
    assert_eq!(std::fs::read(f.out()).unwrap(), b"not a folder");
    let (code, err) = f.run(&["build", "book", "-o", "out"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: the output path is a file"), "{err}");
    assert!(err.contains("--> out\n"), "{err}");
}

#[test]
fn output_folder_under_a_file() {
    let f = Fixture::section("# 标题\n\n正文。\n");
    std::fs::write(f.out(), b"not a folder").unwrap();
    let e = build(
        &f.book(),
        &BuildOptions {
            out_dir: f.out().join("sub"),
            ..BuildOptions::default()
        },
    )
    .unwrap_err();
    let d = e.first();
    assert!(
        d.message.starts_with("cannot create the output folder: "),
        "{d}"
    );
    assert_eq!(d.file, Some(f.out().join("sub")));
}

#[cfg(unix)]
#[test]
fn read_only_output_folder() {
    use std::os::unix::fs::PermissionsExt;
    let f = Fixture::section("# 标题\n\n正文。\n");
    std::fs::create_dir(f.out()).unwrap();
    std::fs::set_permissions(f.out(), std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root may write into read-only folders; then this case cannot be made.
    if std::fs::write(f.out().join("probe"), b"").is_ok() {
        std::fs::remove_file(f.out().join("probe")).unwrap();
        std::fs::set_permissions(f.out(), std::fs::Permissions::from_mode(0o755)).unwrap();
        eprintln!("note: running as root, a read-only folder is writable; case skipped");
        return;
    }
    let e = f.build_with(Vec::new()).unwrap_err();
    std::fs::set_permissions(f.out(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let d = e.first();
    assert_eq!(d.message, "cannot write the output: permission denied");
    f.assert_no_output();
}

// --- sizes and shapes the typesetter must survive -----------------------------------------------

/// Every page's ink is on the page and no glyph is .notdef (the build checks it too).
fn laid_out(f: &Fixture) -> bookpress::typeset::page::Document {
    let book = bookpress::book::load(&f.book()).unwrap();
    let fonts = bookpress::typeset::fonts::FontSet::load(&book.fonts).unwrap();
    let doc = bookpress::typeset::page::layout(&book, &fonts).unwrap();
    bookpress::verify::layout(&doc).unwrap();
    doc
}

#[test]
fn two_megabyte_paragraph_without_a_break_sets_with_a_warning() {
    let mut md = String::from("# 标题\n\n正文。\n\n");
    md.push_str(&"a".repeat(2 * 1024 * 1024));
    md.push('\n');
    let f = Fixture::section(&md);
    let w = f.builds();
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(
        w[0].message,
        "`aaaaaaaaaaaaaaaaaaaaaaaa…` (2097152 characters) has no place to break and is wider \
         than the line: it is broken where it must be"
    );
    assert_eq!(
        (w[0].file.as_deref(), w[0].line, w[0].column),
        (Some(Path::new("a.md")), 5, 1)
    );
}

#[test]
fn long_url_in_chinese_text_is_warned_about_at_its_place() {
    let url = format!("https://example.org/{}", "x".repeat(120));
    let f = Fixture::section(&format!("# 标题\n\n见<{url}>。\n\n第二段。\n"));
    let w = f.builds();
    // A line may break after `https://example.org/`: the run is the path after it.
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].message.contains("has no place to break"), "{}", w[0]);
    assert_eq!((w[0].line, w[0].column), (3, 23), "{}", w[0]);
}

#[test]
fn lists_and_quotes_nested_200_deep_build_with_a_warning() {
    let mut md = String::from("# 标题\n\n");
    for i in 0..200 {
        md.push_str(&format!("{}- 第{i}层\n", "  ".repeat(i)));
    }
    md.push_str("\n段落。\n\n");
    md.push_str(&">".repeat(200));
    md.push_str(" 最深的引用\n");
    let f = Fixture::section(&md);
    let w = f.builds();
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(
        w[0].message,
        "lists and quotes nest too deeply to indent further: the PDF sets the deeper levels at \
         the same indent"
    );
    assert_eq!(w[0].file.as_deref(), Some(Path::new("a.md")));
    let doc = laid_out(&f);
    let text: String = doc.pages.iter().map(|p| p.text()).collect();
    assert!(text.contains("第199层"), "the deepest item is set");
    assert!(text.contains("最深的引用"), "the deepest quote is set");
}

#[test]
fn nesting_beyond_the_limit_is_an_error_not_a_stack_overflow() {
    let md = format!("# 标题\n\n{} 引用\n", ">".repeat(5000));
    let f = Fixture::section(&md);
    let e = f.error();
    assert_eq!(
        e.message,
        "lists, quotes, links or emphasis are nested more than 512 levels deep"
    );
    assert_eq!((e.file.as_deref(), e.line), (Some(Path::new("a.md")), 3));
}

#[test]
fn table_wider_than_the_page_is_an_error() {
    let n = 40;
    let mut md = String::from("# 标题\n\n正文。\n\n");
    md.push_str(&format!(
        "|{}|\n",
        (0..n)
            .map(|i| format!("列{i}"))
            .collect::<Vec<_>>()
            .join("|")
    ));
    md.push_str(&format!("|{}|\n", vec!["---"; n].join("|")));
    md.push_str(&format!("|{}|\n", vec!["内容"; n].join("|")));
    let f = Fixture::section(&md);
    let e = f.error();
    assert_eq!(
        e.message,
        "the table has 40 columns; the page has room for at most 16"
    );
    assert_eq!((e.file.as_deref(), e.line), (Some(Path::new("a.md")), 5));
}

#[test]
fn table_taller_than_a_page_is_split_between_rows() {
    let mut md = String::from("# 标题\n\n|甲|乙|丙|\n|---|---|---|\n");
    for r in 0..150 {
        md.push_str(&format!(
            "|第{r}行|内容内容内容内容内容内容内容内容内容|尾{r}|\n"
        ));
    }
    let f = Fixture::section(&md);
    let w = f.builds();
    assert!(w.is_empty(), "{w:?}");
    let doc = laid_out(&f);
    let pages_with = |s: &str| doc.pages.iter().filter(|p| p.text().contains(s)).count();
    assert_eq!(pages_with("第0行"), 1);
    assert_eq!(pages_with("尾149"), 1);
    let first = doc
        .pages
        .iter()
        .position(|p| p.text().contains("第0行"))
        .unwrap();
    let last = doc
        .pages
        .iter()
        .position(|p| p.text().contains("尾149"))
        .unwrap();
    assert!(
        last > first + 2,
        "150 rows take several pages: {first}..{last}"
    );
}

#[test]
fn five_thousand_footnotes_build() {
    let mut md = String::from("# 标题\n\n");
    for i in 1..=5000 {
        md.push_str(&format!("文字[^{i}]"));
    }
    md.push_str("。\n\n");
    for i in 1..=5000 {
        md.push_str(&format!("[^{i}]: 注释{i}。\n\n"));
    }
    let f = Fixture::section(&md);
    let w = f.builds();
    assert!(w.is_empty(), "{w:?}");
    let doc = laid_out(&f);
    let text: String = doc.pages.iter().map(|p| p.text()).collect();
    assert!(text.contains("注释1。") && text.contains("注释5000。"));
}

#[test]
fn table_cell_taller_than_a_page_runs_over_pages() {
    let md = format!(
        "# 标题\n\n|甲|乙|丙|丁|\n|---|---|---|---|\n|短|{}|短|尾|\n|下一行|x|y|z|\n\n后文。\n",
        "长".repeat(3000)
    );
    let f = Fixture::section(&md);
    assert!(f.builds().is_empty());
    let doc = laid_out(&f);
    let text: String = doc.pages.iter().map(|p| p.text()).collect();
    assert_eq!(text.matches('长').count(), 3000);
    assert!(text.contains("下一行") && text.contains("后文。"));
}

#[test]
fn section_over_the_cap_is_refused_before_reading() {
    let f = Fixture::new(&[("book.toml", TOML.as_bytes())]);
    // A sparse file: 65 MB long without writing 65 MB.
    let file = std::fs::File::create(f.book().join("a.md")).unwrap();
    file.set_len(65 * 1024 * 1024).unwrap();
    let e = f.error();
    assert_eq!(
        e.message,
        "section `a.md` is 65 MB, over the limit of 5 MB for a section"
    );
    assert_eq!((e.file, e.line), (Some(f.book().join("book.toml")), 3));
}
