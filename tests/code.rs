//! Code in both editions: a fixture with nested indentation, a tab, a directory tree in box
//! drawing, Chinese comments and a line far longer than the measure, read back from the PDF
//! with poppler (`pdftotext -layout`, `pdffonts`) and from the EPUB (classed spans, EPUBCheck).

mod common;

use common::{Fixture, TOML, epubcheck};
use std::process::Command;

const CODE: &str = "# 代码

下面是一段 Python，调用 `print()` 输出。

```python
def walk(tree, depth=0):
    for node in tree:
        if node.children:
            # 递归进入子目录
            walk(node.children, depth + 1)
        else:
\t    print(\"\\t\" * depth + node.name)  # 制表符
    return None

result = compute_something_really_long(argument_one, argument_two, argument_three, argument_four)
```

目录结构：

```
book/
├── book.toml
├── src/
│   ├── 第一章.md
│   └── images/
└── 中文 Ελληνικά Кириллица
```

正文。
";

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} is required (poppler-utils): {e}"));
    assert!(out.status.success(), "{name} {args:?} failed");
    String::from_utf8(out.stdout).unwrap()
}

fn built(toml: &str) -> Fixture {
    let f = Fixture::text(&[("book.toml", toml), ("a.md", CODE)]);
    let warnings = f.builds();
    assert!(warnings.is_empty(), "{warnings:?}");
    f
}

fn layout_text(f: &Fixture) -> String {
    let pdf = f.out().join("book.pdf");
    tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"])
}

/// The leading spaces of the first line of `text` that contains `needle`, and the line.
fn indent_of<'a>(text: &'a str, needle: &str) -> (usize, &'a str) {
    let line = text
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("`{needle}` not in the PDF text:\n{text}"));
    (line.len() - line.trim_start().len(), line)
}

#[test]
fn the_pdf_text_gives_the_code_back_with_its_columns() {
    let f = built(TOML);
    let text = layout_text(&f);
    // Every line of the Python comes back, in order, with its own text exactly.
    let lines = [
        "def walk(tree, depth=0):",
        "for node in tree:",
        "if node.children:",
        "# 递归进入子目录",
        "walk(node.children, depth + 1)",
        "else:",
        "print(\"\\t\" * depth + node.name)",
        "return None",
    ];
    let mut at = 0;
    for l in lines {
        let found = text[at..].find(l);
        assert!(found.is_some(), "`{l}` missing or out of order:\n{text}");
        at += found.unwrap_or(0) + l.len();
    }
    // Indentation: each level deeper than the one before, equal levels equal; the tab
    // (expanded to 4 columns) and 4 spaces indent as far as 8 spaces.
    let col = |needle: &str| indent_of(&text, needle).0;
    let (def, for_, if_, comment) = (
        col("def walk"),
        col("for node"),
        col("if node"),
        col("# 递归"),
    );
    assert!(def < for_ && for_ < if_ && if_ < comment, "{text}");
    assert_eq!(col("else:"), if_, "{text}");
    assert_eq!(col("return None"), for_, "{text}");
    assert_eq!(col("walk(node.children"), comment, "{text}");
    assert_eq!(col("print(\"\\t\""), if_, "a tab is 4 columns:\n{text}");
    // The directory tree: the nested entries line up with each other, right of the top ones.
    assert_eq!(col("├── book.toml"), col("├── src/"), "{text}");
    let (_, nested) = indent_of(&text, "第一章.md");
    let (_, nested2) = indent_of(&text, "images/");
    assert_eq!(nested.find('├'), nested2.find('└'), "{text}");
    assert!(nested.find('├') > nested.find('│'), "{text}");
    // Chinese, Greek and Cyrillic in code, with no space put between the Chinese characters.
    assert!(text.contains("第一章.md"), "{text}");
    assert!(text.contains("中文 Ελληνικά Кириллица"), "{text}");
    // The long line is wrapped, never cut: both parts are there, the second indented, and
    // the continuation arrow (drawn as lines) is not in the text.
    let (first, l1) = indent_of(&text, "result = compute_something_really_long(");
    let (second, l2) = indent_of(&text, "argument_four)");
    assert!(!l1.contains("argument_four"), "not wrapped:\n{text}");
    assert!(second > first, "no hanging indent:\n{text}");
    let joined = format!("{} {}", l1.trim(), l2.trim());
    assert_eq!(
        joined,
        "result = compute_something_really_long(argument_one, argument_two, argument_three, argument_four)"
    );
    assert!(!text.contains('↪') && !text.contains('→'), "{text}");
}

#[test]
fn the_monospace_face_is_embedded_and_subset() {
    let f = built(TOML);
    let pdf = f.out().join("book.pdf");
    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    let mono = fonts
        .lines()
        .find(|l| l.contains("NotoSansMono-Regular"))
        .unwrap_or_else(|| panic!("no monospace face:\n{fonts}"));
    let name = mono.split_whitespace().next().unwrap_or("");
    assert!(
        name.len() > 7 && name.as_bytes()[6] == b'+',
        "not subset: {mono}"
    );
    // emb, sub, uni: yes yes yes.
    assert!(mono.contains("yes yes yes"), "{mono}");
}

#[test]
fn the_epub_has_classed_spans_and_passes_epubcheck() {
    let f = built(TOML);
    let epub = f.out().join("book.epub");
    epubcheck(&epub);
    let xhtml = unzip_sections(&epub);
    assert!(
        xhtml.contains("<span class=\"hl-k\">def</span> <span class=\"hl-f\">walk</span>"),
        "{xhtml}"
    );
    assert!(
        xhtml.contains("<span class=\"hl-c\"># 递归进入子目录"),
        "{xhtml}"
    );
    // The tree has no language tag: plain.
    assert!(xhtml.contains("<pre><code>book/\n├── book.toml"), "{xhtml}");
    // The tab is kept in the EPUB (the style sheet sets tab-size: 4).
    assert!(xhtml.contains("\n\t    <span"), "{xhtml}");
}

#[test]
fn highlight_false_turns_the_colours_off_in_both_editions() {
    let f = built(&format!("{TOML}[pdf]\nhighlight = false\n"));
    let xhtml = unzip_sections(&f.out().join("book.epub"));
    assert!(!xhtml.contains("hl-"), "{xhtml}");
    assert!(
        xhtml.contains("<pre><code>def walk(tree, depth=0):"),
        "{xhtml}"
    );
    // Same text in the PDF.
    assert!(layout_text(&f).contains("def walk(tree, depth=0):"));
}

#[test]
fn a_code_font_that_is_missing_or_not_a_path_is_an_error() {
    let f = Fixture::text(&[
        (
            "book.toml",
            &format!("{TOML}[fonts]\ncode = \"fonts/Nope.ttf\"\n"),
        ),
        ("a.md", CODE),
    ]);
    let d = f.error();
    assert!(
        d.message.contains("font file") && d.message.contains("cannot be read"),
        "{d:?}"
    );
    assert!(
        d.file
            .as_ref()
            .is_some_and(|p| p.ends_with("fonts/Nope.ttf")),
        "{d:?}"
    );
    let f = Fixture::text(&[
        ("book.toml", &format!("{TOML}[fonts]\ncode = 5\n")),
        ("a.md", CODE),
    ]);
    let d = f.error();
    assert_eq!(d.line, 5, "{d:?}");
    assert!(d.message.contains("font path"), "{d:?}");
}

#[test]
fn another_code_face_can_be_chosen() {
    let dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
    assert!(
        std::path::Path::new(dejavu).exists(),
        "{dejavu} is needed: apt-get install fonts-dejavu-core"
    );
    let f = built(&format!("{TOML}[fonts]\ncode = \"{dejavu}\"\n"));
    let pdf = f.out().join("book.pdf");
    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    assert!(fonts.contains("DejaVuSansMono"), "{fonts}");
    assert!(!fonts.contains("NotoSansMono"), "{fonts}");
}

/// The section documents of an EPUB, concatenated in order.
fn unzip_sections(epub: &std::path::Path) -> String {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let mut docs = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        if name.starts_with("OEBPS/section-") {
            let mut text = String::new();
            f.read_to_string(&mut text).unwrap();
            docs.push((name, text));
        }
    }
    docs.sort();
    docs.into_iter().map(|(_, t)| t).collect()
}

/// The book's outputs built by the binary (a process of its own each time, so nothing is
/// remembered in memory from the build before).
fn build_bytes(f: &Fixture) -> [Vec<u8>; 2] {
    let o = f.command(&["build", "book", "-o", "out"], &[]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    ["book.epub", "book.pdf"].map(|n| std::fs::read(f.out().join(n)).unwrap())
}

#[test]
fn the_highlighting_cache_changes_no_byte_and_a_damaged_one_is_ignored() {
    let f = Fixture::text(&[("book.toml", TOML), ("a.md", CODE)]);
    let cold = build_bytes(&f);
    let cache = f.out().join(".bookpress-cache/highlight.bin");
    let stored = std::fs::read(&cache).expect("the first build stores the tokens");
    assert_eq!(build_bytes(&f), cold, "rebuilt from the cache");
    // Nothing changed: the rebuild left the cache as it was.
    assert_eq!(std::fs::read(&cache).unwrap(), stored);
    // Damaged (a byte flipped, cut short, garbage): ignored, the same bytes, and written anew.
    let mut flipped = stored.clone();
    flipped[stored.len() / 2] ^= 0x55;
    for bad in [
        flipped,
        stored[..stored.len() - 3].to_vec(),
        b"garbage".to_vec(),
    ] {
        std::fs::write(&cache, bad).unwrap();
        assert_eq!(build_bytes(&f), cold);
        assert_eq!(std::fs::read(&cache).unwrap(), stored);
    }
    // A changed block: the cache then holds the book's current blocks only.
    f.write("a.md", CODE.replace("depth + 1", "depth + 2").as_bytes());
    build_bytes(&f);
    assert_ne!(std::fs::read(&cache).unwrap(), stored);
    // The commit leaves the cache alone, and nothing else is left beside the outputs.
    assert_eq!(f.out_names(), ["book.epub", "book.pdf"]);
}
