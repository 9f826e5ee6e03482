//! Books written for other tools build as they are: an mdBook book (SUMMARY parts, nested
//! chapters, includes with anchors and line ranges, `.html` links, `##`-first chapters, SVG),
//! raw-HTML figures and inline tags, and hostile HTML that must not reach the EPUB. Each
//! fixture is built with the command-line tool; the EPUB is checked with EPUBCheck 5 (0 errors,
//! 0 warnings) and the PDF read back with pdftotext.

use common::{Fixture, epubcheck};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 7) as u8, (y * 5) as u8, 90]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn bookpress(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bookpress"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1622678400")
        .output()
        .unwrap()
}

/// Builds `dir` into `dir/out`; returns (stderr, epub, pdf). Panics when the build fails.
fn build(dir: &Path) -> (String, PathBuf, PathBuf) {
    build_into(dir, "out", Some("1622678400"))
}

/// Builds `dir` into `dir/<out>` with `SOURCE_DATE_EPOCH` set to `epoch`, or unset.
fn build_into(dir: &Path, out: &str, epoch: Option<&str>) -> (String, PathBuf, PathBuf) {
    let out = dir.join(out);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bookpress"));
    cmd.args(["build", dir.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    match epoch {
        Some(t) => cmd.env("SOURCE_DATE_EPOCH", t),
        None => cmd.env_remove("SOURCE_DATE_EPOCH"),
    };
    let o = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "build failed:\n{stderr}");
    let name = dir.file_name().unwrap().to_str().unwrap().to_string();
    (
        stderr,
        out.join(format!("{name}.epub")),
        out.join(format!("{name}.pdf")),
    )
}

fn pdftotext(pdf: &Path) -> String {
    let o = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) runs");
    assert!(o.status.success());
    String::from_utf8(o.stdout).unwrap()
}

/// The text of every file in the EPUB whose name ends with `suffix`, concatenated.
fn epub_text(epub: &Path, suffix: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let mut out = String::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.name().is_ok_and(|n| n.ends_with(suffix)) {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut f, &mut s).unwrap();
            out.push_str(&s);
        }
    }
    out
}

const LISTING: &str = "use std::io;\n\n// ANCHOR: main\nfn main() {\n    // ANCHOR: body\n    let x = 5;\n    println!(\"x = {x}\");\n    // ANCHOR_END: body\n}\n// ANCHOR_END: main\n";

const SVG: &[u8] =
    br##"<svg xmlns="http://www.w3.org/2000/svg" width="300" height="120" viewBox="0 0 300 120">
<script>alert(1)</script>
<rect x="10" y="10" width="280" height="100" fill="none" stroke="#000"/>
<circle cx="150" cy="60" r="40" fill="#369" onclick="alert(2)"/>
<text x="20" y="30" font-family="Consolas" font-size="14">s1 &#x6307;&#x9488;</text>
</svg>"##;

fn mdbook_fixture() -> Fixture {
    let png = png(900, 500);
    Fixture::new(&[
        (
            "book.toml",
            b"[book]\ntitle = \"Rust \xe7\xa8\x8b\xe5\xba\x8f\xe8\xae\xbe\xe8\xae\xa1\xe8\xaf\xad\xe8\xa8\x80\"\nauthors = [\"Steve\", \"Carol\"]\nlanguage = \"zh-CN\"\nsrc = \"src\"\n\n[output.html]\nadditional-css = [\"x.css\"]\n\n[output.html.search]\nenable = true\n\n[preprocessor.links]\n\n[rust]\nedition = \"2021\"\n\n[build]\nbuild-dir = \"book\"\n",
        ),
        (
            "src/SUMMARY.md",
            "# Summary\n\n[前言](foreword.md)\n\n# 入门指南\n\n- [入门](ch01-00-getting-started.md)\n  - [安装](ch01-01-installation.md)\n- [未完成]()\n\n# 进阶\n\n- [所有权](ch04-00-ownership.md)\n\n---\n\n[附录](appendix.md)\n"
                .as_bytes(),
        ),
        (
            "src/foreword.md",
            "# 前言\n\n本书介绍 Rust。联系 <rust@example.cn>。\n".as_bytes(),
        ),
        (
            "src/ch01-00-getting-started.md",
            "# 入门指南\n\n先看[安装步骤](ch01-01-installation.html#安装步骤)，再读[所有权](ch04-00-ownership.md)和[许可证](../LICENSE)。\n\n```rust\n{{#include ../listings/main.rs:main}}\n```\n\n```rust\n# fn hidden() {}\nfn shown() {}\n```\n"
                .as_bytes(),
        ),
        (
            "src/ch01-01-installation.md",
            "## 安装\n\n第一步。\n\n### 安装步骤\n\n```rust\n{{#rustdoc_include ../listings/main.rs:body}}\n```\n\n第二行：\n\n```text\n{{#include ../listings/main.rs:6:6}}\n```\n"
                .as_bytes(),
        ),
        (
            "src/ch04-00-ownership.md",
            "所有权是 Rust 最独特的功能。\n\n<img alt=\"内存示意：s1 指向堆上的字符串\" src=\"img/mem.svg\" class=\"center\" style=\"width: 50%;\" />\n\n<span class=\"caption\">图 4-1：内存中的 String</span>\n\n回到[前言](foreword.md)。\n"
                .as_bytes(),
        ),
        ("src/appendix.md", "# 附录\n\n<img src=\"img/shot.png\"/>\n".as_bytes()),
        ("src/img/mem.svg", SVG),
        ("src/img/shot.png", &png),
        ("listings/main.rs", LISTING.as_bytes()),
        ("LICENSE", b"MIT"),
    ])
}

#[test]
fn an_mdbook_book_builds_as_it_is() {
    let dir = mdbook_fixture();
    let (stderr, epub, pdf) = build(&dir.book());
    epubcheck(&epub);

    // mdBook's own tables are accepted; the draft chapter and the out-of-book link are noted.
    assert!(
        stderr.contains("draft chapter `未完成` has no file"),
        "{stderr}"
    );
    assert!(
        stderr.contains("link target `../LICENSE` is not a section of this book"),
        "{stderr}"
    );
    // Warnings only: no `error:` finding, and the summary counts none.
    assert!(!stderr.contains("error:"), "{stderr}");
    assert!(stderr.contains("\n0 errors, "), "{stderr}");

    let text = pdftotext(&pdf);
    // Includes: the anchor, the line range; rustdoc's hidden lines dropped; no directive left.
    assert!(text.contains("println!(\"x = {x}\");"), "{text}");
    assert!(text.contains("fn shown() {}"), "{text}");
    assert!(!text.contains("fn hidden"), "{text}");
    assert!(!text.contains("{{#"), "{text}");
    assert!(!text.contains("ANCHOR"), "{text}");
    // Titles: SUMMARY's for the `##`-first chapter and the file with none, parts in the contents.
    for t in ["入门指南", "安装", "进阶", "所有权", "附录", "前言"] {
        assert!(text.contains(t), "{t} missing from the PDF");
    }
    // The caption the source numbered itself is used as it is, not numbered again.
    assert!(text.contains("图 4-1：内存中的 String"), "{text}");
    assert!(!text.contains("图1 图 4-1"), "{text}");
    assert!(!text.contains("图1\u{3000}图 4-1"), "{text}");

    // The EPUB nav nests parts and sub-chapters; links point at the right documents and ids.
    let nav = epub_text(&epub, "nav.xhtml");
    assert!(nav.contains("<li><span>入门指南</span>"), "{nav}");
    assert!(nav.contains("<li><span>进阶</span>"), "{nav}");
    let install = nav.find(">安装<").expect("安装 in nav");
    let getting = nav.find(">入门指南<").expect("入门 in nav");
    assert!(getting < install);
    let ch1 = epub_text(&epub, "section-02.xhtml");
    assert!(ch1.contains("href=\"section-03.xhtml#sec-3-h"), "{ch1}");
    assert!(ch1.contains("href=\"section-04.xhtml#sec-4\""), "{ch1}");
    assert!(!ch1.contains("LICENSE"), "{ch1}");
    let pre = epub_text(&epub, "section-01.xhtml");
    assert!(pre.contains("href=\"mailto:rust@example.cn\""), "{pre}");
    // The SVG is kept as a vector picture, without its script.
    let opf = epub_text(&epub, "content.opf");
    assert!(opf.contains("image/svg+xml"), "{opf}");
    let svg = epub_text(&epub, ".svg");
    assert!(svg.contains("<svg") && !svg.contains("alert"), "{svg}");
    // Its text is drawn in the book's (built-in) fonts as outlines: rect, circle and the text
    // become paths (besides the drawn cover's).
    assert!(!svg.contains("<text"), "{svg}");
    assert!(svg.matches("<path").count() > 3, "{svg}");

    // The PDF outline has the parts with their chapters below them.
    let outline = pdf_outline(&dir.book());
    let want = [
        (0, "前言"),
        (0, "入门指南"),
        (1, "入门指南"),
        (2, "安装"),
        (3, "安装步骤"),
        (0, "进阶"),
        (1, "所有权"),
        (0, "附录"),
    ];
    let want: Vec<(usize, String)> = want.iter().map(|(d, t)| (*d, t.to_string())).collect();
    assert_eq!(outline, want);
}

/// (depth, title) of every bookmark the layout gives the PDF.
fn pdf_outline(dir: &Path) -> Vec<(usize, String)> {
    fn walk(
        entries: &[bookpress::typeset::page::OutlineEntry],
        depth: usize,
        out: &mut Vec<(usize, String)>,
    ) {
        for e in entries {
            out.push((depth, e.title.clone()));
            walk(&e.children, depth + 1, out);
        }
    }
    let book = bookpress::book::load(dir).expect("loads");
    let fonts = bookpress::typeset::fonts::FontSet::load(&book.fonts).expect("fonts");
    let doc = bookpress::typeset::page::layout(&book, &fonts).expect("layout");
    let mut out = Vec::new();
    walk(&doc.outline, 0, &mut out);
    out
}

#[test]
fn html_figures_captions_and_inline_tags_reach_both_outputs() {
    let pic = png(1200, 700);
    let dir = Fixture::new(&[
        ("book.toml", "[book]\ntitle = \"强化学习\"\nsections = [\"docs/ch1.md\"]\n".as_bytes()),
        (
            "docs/ch1.md",
            "# 第1章 强化学习基础\n\n如图 1.1 所示，智能体与环境交互。\n\n<div align=center>\n<img width=\"550\" src=\"../img/ch1/1.1.png\"/>\n</div>\n<div align=center>图 1.1 强化学习示意</div>\n\n按 <kbd>Ctrl</kbd>+<kbd>C</kbd> 停止，E=mc<sup>2</sup>，H<sub>2</sub>O。<br>下一行<span class=\"note\">注</span>。\n\n<p align=\"center\"><img src=\"../img/ch1/1.2.png\" width=\"300\"></p>\n\n<div align=\"center\">图 1.2 监督学习</div>\n\n<details><summary>答案</summary>\n\n展开后的内容。\n\n</details>\n\n<table><tr><th>算法</th><th>类型</th></tr><tr><td>Q-learning</td><td>表格型</td></tr></table>\n\n<!-- 这是注释 -->\n\n![](../img/ch1/1.2.png)\n\n<div align=center>图 1.3 没有说明的 Markdown 图</div>\n"
                .as_bytes(),
        ),
        ("img/ch1/1.1.png", &pic),
        ("img/ch1/1.2.png", &pic),
    ]);
    let (stderr, epub, pdf) = build(&dir.book());
    epubcheck(&epub);
    assert!(!stderr.contains("warning: HTML"), "{stderr}");
    let text = pdftotext(&pdf);
    for t in [
        "图 1.1 强化学习示意",
        "图 1.2 监督学习",
        "图 1.3 没有说明的 Markdown 图",
        "Ctrl",
        "答案",
        "展开后的内容。",
        "Q-learning",
        "表格型",
        "下一行注",
    ] {
        assert!(text.contains(t), "`{t}` missing from the PDF:\n{text}");
    }
    // Hand-numbered captions are not numbered again; comments vanish.
    assert!(!text.contains("图1\u{3000}图"), "{text}");
    assert!(!text.contains("图1 图"), "{text}");
    assert!(!text.contains("注释"), "{text}");
    assert!(!text.contains("<kbd>") && !text.contains("<div"), "{text}");

    let doc = epub_text(&epub, "section-01.xhtml");
    assert_eq!(doc.matches("<figure").count(), 3, "{doc}");
    assert!(
        doc.contains("<kbd><span lang=\"en\" xml:lang=\"en\">Ctrl</span></kbd>+<kbd>C</kbd>"),
        "{doc}"
    );
    assert!(
        doc.contains("<sup>2</sup>") && doc.contains("<sub>2</sub>"),
        "{doc}"
    );
    assert!(doc.contains("<figcaption>图 1.1 强化学习示意"), "{doc}");
    assert!(doc.contains("<table"), "{doc}");
}

#[test]
fn every_missing_picture_is_reported_in_one_run() {
    let dir = Fixture::new(&[
        ("book.toml", "[book]\ntitle = \"缺图\"\nsections = [\"a.md\", \"b.md\"]\n".as_bytes()),
        (
            "a.md",
            "# 甲\n\n<div align=center><img src=\"img/gone1.png\"/></div>\n\n![缺](img/gone2.png)\n"
                .as_bytes(),
        ),
        ("b.md", "# 乙\n\n文字 <img src=\"img/gone3.png\"> 文字\n".as_bytes()),
    ]);
    let o = bookpress(&["check", dir.book().to_str().unwrap()]);
    let stderr =
        String::from_utf8_lossy(&o.stderr).into_owned() + &String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    for (file, line, name) in [
        ("a.md", 3, "gone1"),
        ("a.md", 5, "gone2"),
        ("b.md", 3, "gone3"),
    ] {
        assert!(
            stderr.contains(&format!("{file}:{line}")) && stderr.contains(name),
            "{file}:{line} {name} not reported:\n{stderr}"
        );
    }
    let o = bookpress(&[
        "build",
        dir.book().to_str().unwrap(),
        "-o",
        dir.book().join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!dir.book().join("out/缺图.epub").exists());
}

#[test]
fn hostile_html_never_reaches_the_epub() {
    let dir = Fixture::new(&[
        ("book.toml", "[book]\ntitle = \"安全\"\nsections = [\"a.md\"]\n".as_bytes()),
        (
            "a.md",
            "# 安全\n\n<script>alert('x')</script>\n\n正文<a href=\"javascript:alert(1)\">点我</a>，<b onmouseover=\"alert(2)\">粗体</b>，<blink>闪烁</blink>。\n\n<iframe src=\"https://evil.example/\"></iframe>\n\n<style>body{display:none}</style>\n\n<object data=\"x.swf\"></object><form action=\"https://evil.example/\"><input name=\"p\"></form>\n"
                .as_bytes(),
        ),
    ]);
    let (stderr, epub, pdf) = build(&dir.book());
    epubcheck(&epub);
    for w in [
        "<script>",
        "javascript:",
        "onmouseover",
        "<blink>",
        "<iframe>",
        "<style>",
        "<object>",
        "<form>",
    ] {
        assert!(stderr.contains(w), "no warning for {w}:\n{stderr}");
    }
    assert!(stderr.contains("a.md:3"), "{stderr}");
    let all = epub_text(&epub, ".xhtml");
    for bad in [
        "alert",
        "javascript",
        "onmouseover",
        "evil.example",
        "<script",
        "<iframe",
        "<style>body",
        "display:none",
        "<form",
        "<object",
    ] {
        assert!(!all.contains(bad), "`{bad}` reached the EPUB");
    }
    let text = pdftotext(&pdf);
    assert!(text.contains("正文点我，粗体，闪烁。"), "{text}");
    assert!(!text.contains("alert"), "{text}");
}

#[test]
fn a_section_without_any_heading_takes_its_file_name_with_a_warning() {
    let dir = Fixture::new(&[
        (
            "book.toml",
            "[book]\ntitle = \"文档\"\nsections = [\"README.md\"]\n".as_bytes(),
        ),
        ("README.md", "这是一个没有标题的说明文件。\n".as_bytes()),
    ]);
    let (stderr, epub, _pdf) = build(&dir.book());
    assert!(
        stderr.contains("warning: the section has no title: `README` is used\n")
            && stderr.contains("README.md:1:1\n"),
        "{stderr}"
    );
    epubcheck(&epub);
}

#[test]
fn unchanged_sources_give_the_same_bytes_without_source_date_epoch() {
    let dir = mdbook_fixture();
    let run = |out: &str| {
        let (_, epub, pdf) = build_into(&dir.book(), out, None);
        (std::fs::read(epub).unwrap(), std::fs::read(pdf).unwrap())
    };
    let a = run("out1");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let b = run("out2");
    assert!(a.0 == b.0, "EPUBs differ");
    assert!(a.1 == b.1, "PDFs differ");
    // `[book] date` sets the date.
    let toml = dir.book().join("book.toml");
    let t = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        t.replace("[book]\n", "[book]\ndate = \"2021-06-03\"\n"),
    )
    .unwrap();
    let c = run("out3");
    let opf = {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(c.0)).unwrap();
        let mut f = z.by_name("OEBPS/content.opf").unwrap();
        let mut s = String::new();
        std::io::Read::read_to_string(&mut f, &mut s).unwrap();
        s
    };
    assert!(opf.contains("2021-06-03T00:00:00Z"), "{opf}");
}

#[test]
fn yaml_front_matter_is_read_and_site_keys_passed_over() {
    let dir = Fixture::new(&[
        ("book.toml", "[book]\ntitle = \"博客文集\"\nsections = [\"a.md\", \"b.md\", \"c.md\"]\n".as_bytes()),
        (
            "a.md",
            "---\ntitle: \"第一篇：开始\"\ndate: 2020-05-01T10:00:00+08:00\ntags: [笔记]\nlayout: post\ncategories:\n  - 技术\nmood: happy\n---\n\n正文第一段。\n"
                .as_bytes(),
        ),
        ("b.md", "---\ntitle: 草稿\ndraft: true\n---\n\n还没写完。\n".as_bytes()),
        ("c.md", "# 第三篇\n\n---\n\n分隔线之后的正文。\n\n---\n".as_bytes()),
    ]);
    let (stderr, epub, pdf) = build_into(&dir.book(), "out", None);
    epubcheck(&epub);
    assert!(
        stderr.contains("`b.md` is a draft (draft: true): left out"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: front matter key `mood`") && stderr.contains("a.md:8:1\n"),
        "{stderr}"
    );
    assert_eq!(
        stderr
            .matches("site generators are passed over: categories, layout, tags")
            .count(),
        1,
        "{stderr}"
    );
    let text = pdftotext(&pdf);
    assert!(
        text.contains("第一篇：开始") && text.contains("正文第一段。"),
        "{text}"
    );
    assert!(
        !text.contains("还没写完") && !text.contains("草稿"),
        "{text}"
    );
    assert!(
        !text.contains("layout") && !text.contains("tags:"),
        "{text}"
    );
    assert!(text.contains("分隔线之后的正文。"), "{text}");
    // The section's front-matter date dates the edition.
    let opf = epub_text(&epub, "content.opf");
    assert!(opf.contains("2020-05-01T00:00:00Z"), "{opf}");
}
