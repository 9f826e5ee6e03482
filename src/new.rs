//! `bookpress new DIR`: a new book folder that builds at once — a book.toml with every key
//! explained, a preface, a chapter with a figure, the picture, and a `.gitignore` for `out/`.

use crate::diag::{Diagnostic, Result};
use std::path::{Path, PathBuf};

const BOOK_TOML: &str = r##"# The book's settings. Only [book] `title` and `sections` are required; every other line
# shows a key with its default (or an example) — remove the `#` to set it.
# `bookpress build` writes out/<folder name>.epub and out/<folder name>.pdf;
# `bookpress watch` rebuilds them whenever a file here changes.

[book]
title = "{title}"
# series = "丛书名"                     # a line above the title on the cover and title page
# authors = ["作者甲", "作者乙"]
# editors = ["编者甲"]
language = "zh-CN"                      # zh-CN (default), zh-TW, zh-HK, …
# identifier = "urn:isbn:9787000000000" # default: derived from the title, stable
# cover = "images/cover.jpg"            # default: a cover drawn from the title and series
sections = ["00-preface.md", "01-chapter.md"]   # the Markdown files, in reading order

[pdf]
# page = "A5"           # A5, A4, B5, or width×height in millimetres such as "148x210"
# margin_top = 20       # millimetres, 0 to 100
# margin_bottom = 22
# margin_inner = 20
# margin_outer = 20
# font_size = 10.5      # points, 5 to 72
# line_height = 1.7     # times the font size, 1.0 to 4.0
# kinsoku = "gb"        # line-start/line-end rules: none, basic, gb, strict
# impose = "none"       # saddle or cut: also write out/<folder name>-print.pdf for printing
# footnotes = "section" # footnote numbers: section (1, 2 … in each section) or page
# urls = "footnote"     # where links print their address: footnote, inline or none
# link_color = "#1a3d7c" # link text colour (a dark blue that prints as dark grey)
# page_refs = false     # true: links within the book add （见第 N 页）

[fonts]
# Default: the built-in Noto Serif CJK SC (body) and Noto Sans CJK SC Bold (headings).
# body = "fonts/MySong.otf"                                   # relative to this folder
# heading = { path = "/usr/share/fonts/x.ttc", index = 2 }   # a face of a collection
# fallback = ["fonts/Extra.ttf"]                              # for characters the others lack

[epub]
# embed_font = false    # embed a subset of the body font in the EPUB
"##;

const PREFACE: &str = r#"+++
title = "编者按"
role = "preface"
+++

这是本书的编者按。每一节是一个 Markdown 文件，按 book.toml 中 sections 的顺序排列。

修改任何文件后，运行 bookpress build 生成电子书和小册子；运行 bookpress watch 则在每次保存后自动重新生成。
"#;

const CHAPTER: &str = r#"+++
title = "第一章"
author = "作者"
+++

正文从这里开始。段落之间空一行；同一段落中两个汉字之间的换行
不会产生空格。

## 一、小标题

图片单独成段时是一幅插图，全书按顺序编号；方括号中的文字是图片说明，引号中的文字是图片来源。

![示意图](images/figure.png "作者供图")

## 二、另一个小标题

列表、表格、脚注[^1]和引用都可以使用。

- 第一项
- 第二项

[^1]: 这是一条脚注。
"#;

const GITIGNORE: &str = "/out/\n";

/// Creates the book in `dir` (which must not exist or be empty) and returns the files written.
/// The title defaults to the folder's name.
pub fn new_book(dir: &Path, title: Option<&str>) -> Result<Vec<PathBuf>> {
    let fail = |what: &str, e: std::io::Error| {
        Diagnostic::error(format!(
            "cannot {what}: {}",
            crate::book::assets::io_reason(&e)
        ))
        .in_file(dir)
    };
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map_err(|e| fail("read the folder", e))?
            .next()
            .is_none();
        if !empty {
            return Err(Diagnostic::error("the folder exists and is not empty")
                .in_file(dir)
                .hint("give a new folder name, e.g. `bookpress new my-book`")
                .into());
        }
    }
    let name = std::path::absolute(dir)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "新书".into());
    let title = title.map_or(name, str::to_string);
    if title.trim().is_empty() {
        return Err(Diagnostic::error("the title is empty")
            .hint("give one with `--title`")
            .into());
    }
    let files: [(&str, Vec<u8>); 5] = [
        (
            "book.toml",
            BOOK_TOML
                .replace("{title}", &toml_escape(&title))
                .into_bytes(),
        ),
        ("00-preface.md", PREFACE.as_bytes().to_vec()),
        ("01-chapter.md", CHAPTER.as_bytes().to_vec()),
        ("images/figure.png", figure_png()),
        (".gitignore", GITIGNORE.as_bytes().to_vec()),
    ];
    std::fs::create_dir_all(dir.join("images")).map_err(|e| fail("create the folder", e))?;
    let mut written = Vec::new();
    for (rel, bytes) in files {
        let path = dir.join(rel);
        std::fs::write(&path, bytes).map_err(|e| fail(&format!("write {rel}"), e))?;
        written.push(path);
    }
    Ok(written)
}

/// The text of a TOML basic string (without the quotes).
fn toml_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A 1200×800 picture (enough pixels to print at the text width): a sky-to-ground gradient
/// with a sun, drawn here so that the same bytes come out every time.
fn figure_png() -> Vec<u8> {
    let (w, h) = (1200u32, 800u32);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (x as f32 - 860.0, y as f32 - 260.0);
        if dx * dx + dy * dy < 110.0 * 110.0 {
            return image::Rgb([236, 178, 64]);
        }
        let t = y as f32 / h as f32;
        if y > 560 {
            image::Rgb([(70.0 + 40.0 * t) as u8, (120.0 + 30.0 * t) as u8, 72])
        } else {
            image::Rgb([(120.0 + 80.0 * t) as u8, (170.0 + 50.0 * t) as u8, 230])
        }
    });
    let mut out = Vec::new();
    // Encoding an in-memory RGB buffer to PNG cannot fail short of running out of memory.
    if image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .is_err()
    {
        out.clear();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_folder_with_files() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("x"), "").unwrap();
        let e = new_book(tmp.path(), None).unwrap_err();
        assert!(e.first().message.contains("not empty"), "{e}");
    }

    #[test]
    fn title_is_escaped_for_toml() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("b");
        new_book(&dir, Some("引\"号\\")).unwrap();
        let text = std::fs::read_to_string(dir.join("book.toml")).unwrap();
        let m = crate::book::manifest::parse(&text, Path::new("book.toml")).unwrap();
        assert_eq!(m.book.title, "引\"号\\");
    }

    #[test]
    fn picture_is_a_png_of_the_stated_size() {
        let png = figure_png();
        let img = image::load_from_memory(&png).unwrap();
        assert_eq!((img.width(), img.height()), (1200, 800));
        assert_eq!(png, figure_png());
    }
}
