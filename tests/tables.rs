//! Tables, block quotes and bookmarks in the PDF: books built from fixtures and read back with
//! poppler (`pdftotext`), mutool and the laid-out document.

mod common;

use bookpress::typeset::document::Item;
use bookpress::typeset::fonts::FontSet;
use common::Fixture;
use std::process::Command;

/// The text of each page of the built PDF, as `pdftotext -layout` gives it.
fn pages(f: &Fixture) -> Vec<String> {
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(f.out().join("book.pdf"))
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is required");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .split('\u{c}')
        .map(String::from)
        .collect()
}

#[test]
fn a_long_table_repeats_its_header_on_every_page() {
    let rows: String = (1..=90)
        .map(|i| format!("| 第{i}行 | {}.5 |\n", i * 3))
        .collect();
    let f = Fixture::section(&format!(
        "# 长表\n\n说明。\n\n| 项目名称 | 数值 |\n|---|---|\n{rows}\n表后。\n"
    ));
    f.builds();
    // Lines with the spaces poppler puts around digits in Chinese text taken out.
    let pages: Vec<Vec<String>> = pages(&f)
        .iter()
        .map(|p| p.lines().map(|l| l.split_whitespace().collect()).collect())
        .collect();
    let is_row = |l: &str| l.starts_with('第') && l.ends_with(".5");
    let spanned: Vec<&Vec<String>> = pages
        .iter()
        .filter(|p| p.iter().any(|l| is_row(l)))
        .collect();
    assert!(
        spanned.len() >= 3,
        "90 rows span several pages: {}",
        spanned.len()
    );
    for p in &spanned {
        let first_row = p.iter().position(|l| is_row(l)).unwrap();
        let head = p.iter().position(|l| l == "项目名称数值");
        assert!(
            head.is_some_and(|h| h < first_row),
            "no header above the rows:\n{p:?}"
        );
    }
    // Every row once, whole on one line.
    for i in 1..=90 {
        let row = format!("第{i}行{}.5", i * 3);
        let n = pages.iter().flatten().filter(|l| **l == row).count();
        assert_eq!(n, 1, "row {i}");
    }
}

#[test]
fn a_label_column_is_not_wrapped_and_numbers_stay_whole() {
    let rows: String = ["在平原收集原木", "用桶收集水", "开采铁矿石的任务"]
        .iter()
        .enumerate()
        .map(|(i, l)| format!("| {l} | 963.3{i} | 1586.0{i} | 12.5{i} |\n"))
        .collect();
    let f = Fixture::section(&format!(
        "# 表\n\n| 任务 | 步数 | 总步数 | 成功率 |\n|---|---|---|---|\n{rows}"
    ));
    f.builds();
    let text = pages(&f).concat();
    for (i, l) in ["在平原收集原木", "用桶收集水", "开采铁矿石的任务"]
        .iter()
        .enumerate()
    {
        let line = text
            .lines()
            .find(|x| x.contains(l))
            .unwrap_or_else(|| panic!("{l} on one line:\n{text}"));
        for n in [
            format!("963.3{i}"),
            format!("1586.0{i}"),
            format!("12.5{i}"),
        ] {
            assert!(line.contains(&n), "{n} whole on the line of {l}: {line}");
        }
    }
}

/// The 11-column result table of Easy RL's chapter 14 (LS-Imagine), as the book writes it.
const EASY_RL: &str = r#"<table>
  <thead>
    <tr><th rowspan="2">Model</th><th colspan="2">在平原收集原木</th><th colspan="2">用桶收集水</th><th colspan="2">采集沙子</th><th colspan="2">剪羊毛</th><th colspan="2">开采铁矿石</th></tr>
    <tr><th>succ. (%)</th><th>succ. step</th><th>succ. (%)</th><th>succ. step</th><th>succ. (%)</th><th>succ. step</th><th>succ. (%)</th><th>succ. step</th><th>succ. (%)</th><th>succ. step</th></tr>
  </thead>
  <tbody>
    <tr><td>VPT</td><td>6.97</td><td>963.32</td><td>0.61</td><td>987.65</td><td>12.99</td><td>880.54</td><td>1.94</td><td>987.49</td><td>0.00</td><td>—</td></tr>
    <tr><td>PTGM</td><td>41.86</td><td>811.19</td><td>2.78</td><td>977.78</td><td>17.71</td><td>833.64</td><td>21.54</td><td>887.03</td><td>15.14</td><td><b>1586.03</b></td></tr>
    <tr><td>DreamerV3</td><td>53.33</td><td>711.22</td><td>55.72</td><td>628.79</td><td>59.88</td><td><b>548.76</b></td><td>25.13</td><td>841.14</td><td>16.79</td><td>1789.06</td></tr>
    <tr><td><b>LS-Imagine</b></td><td><b>80.63</b></td><td><b>503.35</b></td><td><b>77.31</b></td><td><b>502.61</b></td><td><b>62.68</b></td><td>601.18</td><td><b>54.28</b></td><td><b>633.78</b></td><td><b>20.28</b></td><td>1748.55</td></tr>
  </tbody>
</table>
"#;

#[test]
fn the_eleven_column_easy_rl_table_keeps_its_numbers_whole() {
    let f = Fixture::section(&format!("# 结果\n\n{EASY_RL}\n正文。\n"));
    let warnings = f.builds();
    assert!(
        !warnings.iter().any(|d| d.message.contains("too wide")),
        "{warnings:?}"
    );
    let text = pages(&f).concat();
    let words: Vec<&str> = text.split_whitespace().collect();
    for n in [
        "963.32", "987.65", "880.54", "1586.03", "1789.06", "1748.55", "503.35",
    ] {
        assert!(words.contains(&n), "{n} whole:\n{text}");
    }
}

#[test]
fn a_table_too_wide_even_smaller_is_a_warning_at_its_line() {
    let head: String = (0..14).map(|i| format!("| 列{i} ")).collect();
    let sep: String = (0..14).map(|_| "|---").collect();
    let row: String = (0..14).map(|i| format!("| 12345678.{i} ")).collect();
    let f = Fixture::section(&format!("# 宽表\n\n正文。\n\n{head}|\n{sep}|\n{row}|\n"));
    let warnings = f.builds();
    let w = warnings
        .iter()
        .find(|d| d.message.contains("too wide"))
        .unwrap_or_else(|| panic!("a warning: {warnings:?}"));
    assert_eq!(w.line, 5, "{w:?}");
    let (code, err) = f.run(&["check", "book"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("a.md:5"), "{err}");
}

#[test]
fn three_heading_levels_give_three_nested_bookmark_levels() {
    let f = Fixture::section("# 章\n\n## 节\n\n正文。\n\n### 小节\n\n正文。\n");
    f.builds();
    let out = Command::new("mutool")
        .args(["show"])
        .arg(f.out().join("book.pdf"))
        .arg("outline")
        .output()
        .expect("mutool is required");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let depth = |title: &str| {
        let line = text
            .lines()
            .find(|l| l.contains(&format!("\"{title}\"")))
            .unwrap_or_else(|| panic!("{title} in the outline:\n{text}"));
        line.chars()
            .take_while(|c| matches!(c, '+' | '|' | '-' | '\t'))
            .filter(|c| *c == '\t')
            .count()
    };
    assert_eq!(
        (depth("章"), depth("节"), depth("小节")),
        (1, 2, 3),
        "{text}"
    );
}

#[test]
fn a_quote_has_a_blank_grid_line_above_and_below() {
    let f = Fixture::section("# 引\n\n前文一段。\n\n> 引文一段。\n\n后文一段。\n");
    let book = bookpress::book::load(&f.book()).expect("loads");
    let fonts = FontSet::load(&book.fonts).expect("fonts");
    let doc = bookpress::typeset::page::layout(&book, &fonts).expect("layout");
    let g = bookpress::typeset::page::Geometry::new(&book);
    let baseline = |text: &str| {
        doc.pages
            .iter()
            .flat_map(|p| &p.items)
            .find_map(|it| match it {
                Item::Glyphs(r) if r.text.contains(text) => Some(r.y),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{text} is set"))
    };
    let (before, quote, after) = (baseline("前文"), baseline("引文"), baseline("后文"));
    assert!(
        (quote - before - 2.0 * g.pitch).abs() < 0.01,
        "{before} {quote}"
    );
    assert!(
        (after - quote - 2.0 * g.pitch).abs() < 0.01,
        "{quote} {after}"
    );
    // The rule at its left, beside the quote's line only.
    let rule = doc.pages.iter().flat_map(|p| &p.items).any(
        |it| matches!(it, Item::Line(l) if l.x0 == l.x1 && l.y0 < quote && l.y1 > quote - 1.0),
    );
    assert!(rule, "a vertical rule beside the quote");
}

#[test]
fn a_quote_rule_beside_a_row_taller_than_a_page_stays_on_each_page() {
    // A table in a quote with one row far taller than the type area: the paginator cuts the
    // row across pages, and the quote's rule must be cut with it.
    let long = "长".repeat(4000);
    let md = format!("# 引\n\n> | 项 | 说明 |\n> |---|---|\n> | 甲 | {long} |\n\n后文。\n");
    let f = Fixture::section(&md);
    let book = bookpress::book::load(&f.book()).expect("loads");
    let fonts = FontSet::load(&book.fonts).expect("fonts");
    let doc = bookpress::typeset::page::layout(&book, &fonts).expect("layout");
    let g = bookpress::typeset::page::Geometry::new(&book);
    let bottom = g.top + g.area_h;
    let mut pages_with_rule = 0;
    for (k, p) in doc.pages.iter().enumerate() {
        let rules: Vec<_> = p
            .items
            .iter()
            .filter_map(|it| match it {
                Item::Line(l) if l.x0 == l.x1 => Some((l.y0.min(l.y1), l.y0.max(l.y1))),
                _ => None,
            })
            .collect();
        for (y0, y1) in &rules {
            assert!(
                *y0 >= g.top - 0.01 && *y1 <= bottom + 0.01,
                "page {k}: a vertical rule from {y0} to {y1} leaves the type area {}..{bottom}",
                g.top
            );
        }
        pages_with_rule += usize::from(!rules.is_empty());
    }
    assert!(
        pages_with_rule >= 2,
        "the rule is on every page the row spans"
    );
}

#[test]
fn the_last_row_of_a_long_table_is_never_alone_on_a_page() {
    // However many rows, the page a table ends on has at least two of its body rows.
    let mut spans_pages = 0;
    for n in 20..=70 {
        let rows: String = (1..=n).map(|i| format!("| 第{i}行 | {i} |\n")).collect();
        let f = Fixture::section(&format!(
            "# 长表\n\n说明。\n\n| 项目名称 | 数值 |\n|---|---|\n{rows}\n表后。\n"
        ));
        let book = bookpress::book::load(&f.book()).expect("loads");
        let fonts = FontSet::load(&book.fonts).expect("fonts");
        let doc = bookpress::typeset::page::layout(&book, &fonts).expect("layout");
        let per_page: Vec<usize> = doc
            .pages
            .iter()
            .map(|p| {
                p.items
                    .iter()
                    .filter(|it| matches!(it, Item::Glyphs(g) if g.text.starts_with('第') && g.text.ends_with('行')))
                    .count()
            })
            .filter(|&k| k > 0)
            .collect();
        assert_eq!(per_page.iter().sum::<usize>(), n, "{n} rows: {per_page:?}");
        if per_page.len() > 1 {
            spans_pages += 1;
            assert!(
                per_page[per_page.len() - 1] >= 2,
                "{n} rows: the last row alone on its page: {per_page:?}"
            );
        }
    }
    assert!(spans_pages > 10, "most of these tables span pages");
}
