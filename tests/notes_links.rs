//! Footnotes at the foot of their page and links in print (`[pdf] footnotes`, `urls`,
//! `page_refs`, `link_color`): fixture books built to PDF and read back with `pdftotext`, one
//! page at a time, and their layouts. poppler-utils is required (a missing tool fails).

mod common;

use common::Fixture;
use std::path::PathBuf;
use std::process::Command;

/// A line of body text with no mark (27 characters: about one line of the A5 page).
const FILL: &str = "这是正文的一段文字，用来填满页面，看看注释排在哪里。";

fn paragraphs(n: usize) -> String {
    (0..n).map(|_| format!("{FILL}{FILL}{FILL}\n\n")).collect()
}

/// A one-section book with `[pdf]` settings `pdf` and section text `md`.
fn book(pdf: &str, md: &str) -> Fixture {
    let toml = format!("{}[pdf]\n{pdf}\n", common::TOML);
    Fixture::text(&[("book.toml", &toml), ("a.md", md)])
}

fn build(f: &Fixture) -> PathBuf {
    let w = f.builds();
    assert!(w.is_empty(), "{w:?}");
    f.out().join("book.pdf")
}

/// `pdftotext` of every page, without spaces and line breaks (1-based: `pages[0]` is page 1).
fn pages(pdf: &PathBuf) -> Vec<String> {
    let info = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .unwrap_or_else(|e| panic!("pdfinfo (poppler-utils) is required: {e}"));
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    let n: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("a page count in: {info}"));
    (1..=n)
        .map(|p| {
            let out = Command::new("pdftotext")
                .args(["-f", &p.to_string(), "-l", &p.to_string()])
                .arg(pdf)
                .arg("-")
                .output()
                .expect("pdftotext runs");
            assert!(out.status.success());
            String::from_utf8_lossy(&out.stdout)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect()
        })
        .collect()
}

fn page_of(pages: &[String], text: &str) -> usize {
    pages
        .iter()
        .position(|p| p.contains(text))
        .unwrap_or_else(|| panic!("`{text}` is on no page"))
}

fn laid_out(f: &Fixture) -> bookpress::typeset::page::Document {
    let book = bookpress::book::load(&f.book()).unwrap();
    let fonts = bookpress::typeset::fonts::FontSet::load(&book.fonts).unwrap();
    let doc = bookpress::typeset::page::layout(&book, &fonts).unwrap();
    bookpress::verify::layout(&doc).unwrap();
    assert_no_overlap(&doc);
    doc
}

/// No two lines of text overlap (the notes and the text above them included): the em boxes of
/// runs on different baselines that share some width do not share height.
fn assert_no_overlap(doc: &bookpress::typeset::page::Document) {
    use bookpress::typeset::page::Item;
    for (n, page) in doc.pages.iter().enumerate() {
        let runs: Vec<(f32, f32, f32, f32, &str)> = page
            .items
            .iter()
            .filter_map(|it| match it {
                Item::Glyphs(g) => Some((
                    g.x,
                    g.x + g.width(),
                    g.y - 0.88 * g.size,
                    g.y + 0.12 * g.size,
                    &*g.text,
                )),
                _ => None,
            })
            .collect();
        for (i, a) in runs.iter().enumerate() {
            for b in &runs[i + 1..] {
                let wide = a.1.min(b.1) - a.0.max(b.0) > 0.5;
                let tall = a.3.min(b.3) - a.2.max(b.2) > 0.5;
                assert!(
                    !(wide && tall && (a.3 - b.3).abs() > 0.5),
                    "page {}: `{}` overlaps `{}`",
                    n + 1,
                    a.4,
                    b.4
                );
            }
        }
    }
}

#[test]
fn a_footnote_referred_to_near_a_page_top_is_on_that_page() {
    // Enough text to fill the first page of the section, then a mark near the next one's top.
    let md = format!(
        "# 标题\n\n{}靠近页顶的标记[^a]在这里。{FILL}\n\n{}[^a]: 页顶注释的内容。\n",
        paragraphs(7),
        paragraphs(12)
    );
    let f = book("", &md);
    let pages = pages(&build(&f));
    let mark = page_of(&pages, "靠近页顶的标记");
    let note = page_of(&pages, "页顶注释的内容");
    assert_eq!(mark, note, "the note is on the page of its mark");
    // Not at the end of the section: its text goes on over the next page.
    assert!(pages[mark + 1].contains(FILL) && !pages[mark + 1].contains("页顶注释"));
    // The note follows the text of its page in reading order.
    let p = &pages[mark];
    assert!(p.find("页顶注释的内容").unwrap() > p.find("靠近页顶的标记").unwrap());
    laid_out(&f);
}

#[test]
fn a_very_long_footnote_continues_at_the_foot_of_the_next_page() {
    let long = "这是一个很长的注释，长到一页的页脚放不下。".repeat(45);
    let md = format!(
        "# 标题\n\n长注的标记[^long]。\n\n{}[^long]: 长注开始。{long}长注结束。\n",
        paragraphs(12)
    );
    let f = book("", &md);
    let pdf = build(&f);
    let pages = pages(&pdf);
    let start = page_of(&pages, "长注开始");
    assert_eq!(start, page_of(&pages, "长注的标记"));
    let end = page_of(&pages, "长注结束");
    assert_eq!(end, start + 1, "the rest is on the next page");
    // The text goes on beside the continued note.
    assert!(pages[end].contains(FILL));
    // Every character of the note is there once.
    let all: String = pages.concat();
    assert_eq!(all.matches("放不下").count(), 45);
    laid_out(&f);
}

#[test]
fn notes_are_numbered_per_section_or_per_page() {
    let md = |sec: &str| {
        format!(
            "# {sec}\n\n{sec}甲[^a]。\n\n{}{sec}乙[^b]。\n\n[^a]: {sec}的注甲。\n\n[^b]: {sec}的注乙。\n",
            paragraphs(9)
        )
    };
    let toml = |pdf: &str| {
        format!("[book]\ntitle = \"测试\"\nsections = [\"a.md\", \"b.md\"]\n[pdf]\n{pdf}\n")
    };
    for (pdf, second) in [("", "2"), ("footnotes = \"page\"", "1")] {
        let f = Fixture::text(&[
            ("book.toml", &toml(pdf)),
            ("a.md", &md("第一节")),
            ("b.md", &md("第二节")),
        ]);
        let pdf_path = build(&f);
        let pages = pages(&pdf_path);
        for sec in ["第一节", "第二节"] {
            let a = page_of(&pages, &format!("{sec}的注甲"));
            let b = page_of(&pages, &format!("{sec}的注乙"));
            assert!(b > a, "{sec}: the two notes are on different pages");
            // A section starts again from 1; the second note is 2, or 1 again on its page.
            assert!(pages[a].contains(&format!("1{sec}的注甲")), "{}", pages[a]);
            assert!(
                pages[b].contains(&format!("{second}{sec}的注乙")),
                "{pdf}: {}",
                pages[b]
            );
            assert!(
                pages[b].contains(&format!("{sec}乙{second}")),
                "{}",
                pages[b]
            );
        }
    }
}

#[test]
fn an_external_links_address_is_printed_once_per_page() {
    let url = "https://www.example.org/docs/guide";
    let md = format!(
        "# 标题\n\n请看[这份指南]({url})和[同一份指南]({url})，以及 <https://rust-lang.org/>。\n\n{}\n再看[这份指南]({url})。\n",
        paragraphs(10)
    );
    for mode in ["footnote", "inline"] {
        let f = book(&format!("urls = \"{mode}\""), &md);
        let pages = pages(&build(&f));
        let first = page_of(&pages, "这份指南");
        let again = page_of(&pages, "再看这份指南");
        assert!(
            again > first,
            "{mode}: the second mention is on a later page"
        );
        assert_eq!(
            pages[first].matches(url).count(),
            1,
            "{mode}: {}",
            pages[first]
        );
        assert_eq!(
            pages[again].matches(url).count(),
            1,
            "{mode}: {}",
            pages[again]
        );
        // A link whose text is its address is not printed a second time.
        assert_eq!(pages[first].matches("rust-lang.org").count(), 1, "{mode}");
        if mode == "inline" {
            assert!(pages[first].contains(&format!("这份指南（{url}）")));
        } else {
            assert!(
                pages[first].contains("这份指南1和同一份指南1"),
                "{}",
                pages[first]
            );
            assert!(pages[first].contains(&format!("1{url}")));
        }
    }
    let f = book("urls = \"none\"", &md);
    let pages = pages(&build(&f));
    assert!(!pages.concat().contains(url));
}

#[test]
fn page_refs_give_the_page_of_the_target() {
    let toml =
        "[book]\ntitle = \"测试\"\nsections = [\"a.md\", \"b.md\"]\n[pdf]\npage_refs = true\n";
    let a = format!(
        "# 第一节\n\n详见[后面的小节](b.md#目标小节)。\n\n{}",
        paragraphs(3)
    );
    let b = format!("# 第二节\n\n{}## 目标小节\n\n目标正文。\n", paragraphs(14));
    let f = Fixture::text(&[("book.toml", toml), ("a.md", &a), ("b.md", &b)]);
    let doc = laid_out(&f);
    let target = doc
        .pages
        .iter()
        .find(|p| p.text().contains("目标正文"))
        .expect("target page");
    let printed = target.label.text();
    let text: String = doc.pages.iter().map(|p| p.text()).collect();
    assert!(
        text.contains(&format!("详见后面的小节（见第{printed}页）")),
        "page {printed}: {text}"
    );
    // Not on the first page of the second section: the reference had to be looked up.
    let second = doc
        .pages
        .iter()
        .find(|p| p.text().contains("第二节"))
        .map(|p| p.label.text());
    assert_ne!(second.as_deref(), Some(printed.as_str()));
}

#[test]
fn a_long_address_breaks_without_hyphens_and_is_not_spread() {
    let url = format!(
        "https://example.com/{}end.html",
        "segment-of-path/".repeat(10)
    );
    let md = format!("# 标题\n\n地址 <{url}> 很长。\n");
    let f = book("", &md);
    let pdf = build(&f);
    let text: String = pages(&pdf).concat();
    assert!(text.contains(&url), "the address reads back whole: {text}");
    // Line by line: the lines holding the address, and the advance of each letter in them.
    let doc = laid_out(&f);
    let page = doc
        .pages
        .iter()
        .find(|p| p.text().contains("很长"))
        .unwrap();
    let mut lines: Vec<(f32, String, Vec<f32>)> = Vec::new();
    for it in &page.items {
        if let bookpress::typeset::page::Item::Glyphs(g) = it {
            let adv: Vec<f32> = g
                .glyphs
                .iter()
                .filter(|gl| g.text.get(gl.text_range()) == Some("s"))
                .map(|gl| gl.advance)
                .collect();
            match lines.iter_mut().find(|l| (l.0 - g.y).abs() < 0.1) {
                Some(l) => {
                    l.1.push_str(&g.text);
                    l.2.extend(adv);
                }
                None => lines.push((g.y, g.text.to_string(), adv)),
            }
        }
    }
    lines.sort_by(|a, b| a.0.total_cmp(&b.0));
    let with_url: Vec<&(f32, String, Vec<f32>)> =
        lines.iter().filter(|l| l.1.contains("segment")).collect();
    assert!(with_url.len() >= 3, "the address takes several lines");
    // Broken after a slash or before a hyphen: no line ends with a hyphen (none is added, and
    // the address's own hyphens start the next line).
    for l in &with_url[..with_url.len() - 1] {
        assert!(!l.1.ends_with('-'), "{}", l.1);
    }
    let all: Vec<f32> = with_url.iter().flat_map(|l| l.2.clone()).collect();
    let (lo, hi) = all
        .iter()
        .fold((f32::MAX, f32::MIN), |(a, b), &v| (a.min(v), b.max(v)));
    assert!(hi - lo < 0.01, "letters keep their width: {lo}..{hi}");
}

#[test]
fn links_are_coloured_and_notes_are_tagged() {
    let md = "# 标题\n\n一个[链接](https://example.com/a)和脚注[^1]。\n\n[^1]: 注。\n";
    let f = book("link_color = \"#336699\"", md);
    let doc = laid_out(&f);
    let coloured: Vec<String> = doc
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|it| match it {
            bookpress::typeset::page::Item::Glyphs(g) if g.rgb == Some([0x33, 0x66, 0x99]) => {
                Some(g.text.to_string())
            }
            _ => None,
        })
        .collect();
    assert_eq!(coloured.concat(), "链接https://example.com/a");
    let notes = doc
        .structure
        .iter()
        .filter(|n| n.kind == bookpress::typeset::page::StructKind::Note)
        .count();
    assert_eq!(notes, 2, "the footnote and the address note");
}

#[test]
fn a_percent_encoded_address_is_printed_decoded_and_linked_as_written() {
    let href = "https://zh.wikipedia.org/wiki/Rust%E8%AF%AD%E8%A8%80";
    let shown = "https://zh.wikipedia.org/wiki/Rust语言";
    // A space and a control character stay encoded in print.
    let odd = "https://a.example/Rust%20book%0A%E6%96%87";
    let md = format!("# 标题\n\n见[维基百科]({href})与[另一处]({odd})。\n");
    let f = book("urls = \"footnote\"", &md);
    let pdf = build(&f);
    let text = pages(&pdf).concat();
    // Set close, as typed: no CJK–Latin glue for pdftotext to read as a space (`pages`
    // drops spaces, so this reads the text as it is).
    let out = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let as_is = String::from_utf8_lossy(&out.stdout);
    assert!(as_is.contains(shown), "{as_is}");
    assert!(
        text.contains("https://a.example/Rust%20book%0A文"),
        "{text}"
    );
    assert!(!text.contains("%E8%AF%AD"), "{text}");
    // Printed once: the note's text is the address, which is not printed after it again.
    assert_eq!(as_is.matches("wikipedia").count(), 1, "{as_is}");
    // The link keeps the address as written.
    let plain = std::env::temp_dir().join(format!("bp-uri-{}.pdf", std::process::id()));
    let ok = Command::new("qpdf")
        .args(["--qdf", "--object-streams=disable"])
        .arg(&pdf)
        .arg(&plain)
        .status()
        .expect("qpdf is required");
    assert!(ok.success());
    let raw = String::from_utf8_lossy(&std::fs::read(&plain).unwrap()).into_owned();
    let _ = std::fs::remove_file(&plain);
    assert!(raw.contains(&format!("/URI ({href})")), "no /URI ({href})");
    assert!(raw.contains(&format!("/URI ({odd})")), "no /URI ({odd})");
}
