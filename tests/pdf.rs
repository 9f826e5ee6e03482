//! End-to-end checks of the PDF booklet of the sample book. The poppler tools and qpdf are
//! required (CI installs them): a missing tool fails the test with a message, it does not skip.

use bookpress::typeset::fonts::FontSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn sample_pdf() -> &'static (Vec<u8>, PathBuf) {
    static PDF: OnceLock<(Vec<u8>, PathBuf)> = OnceLock::new();
    PDF.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let book = bookpress::book::load(&root.join("book")).expect("sample book loads");
        let fonts = FontSet::load(&book.fonts).expect("fonts load");
        let bytes = bookpress::pdf::write(&book, &fonts).expect("pdf builds");
        let dir = root.join("target").join("pdf-test");
        std::fs::create_dir_all(&dir).expect("mkdir");
        let path = dir.join("book.pdf");
        std::fs::write(&path, &bytes).expect("write pdf");
        (bytes, path)
    })
}

fn tool(name: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("`{name}` is required for this test (apt-get install poppler-utils qpdf): {e}")
    });
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// The sample PDF rewritten by `qpdf --qdf` (streams uncompressed, objects one by one) into
/// a file of extension `ext` beside it, read back.
fn sample_qdf(ext: &str) -> Vec<u8> {
    let (_, p) = sample_pdf();
    let q = p.with_extension(ext);
    let (ok, out) = tool(
        "qpdf",
        &[
            "--qdf",
            "--object-streams=disable",
            p.to_str().unwrap(),
            q.to_str().unwrap(),
        ],
    );
    assert!(ok, "{out}");
    std::fs::read(&q).expect("qdf")
}

/// The sample book, its fonts and its laid-out pages.
fn sample_laid_out() -> (
    bookpress::book::model::Book,
    FontSet,
    bookpress::typeset::document::Document,
) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let book = bookpress::book::load(&root.join("book")).expect("book");
    let fonts = FontSet::load(&book.fonts).expect("fonts");
    let doc = bookpress::typeset::page::layout(&book, &fonts).expect("layout");
    (book, fonts, doc)
}

#[test]
fn two_builds_are_byte_identical() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let book = bookpress::book::load(&root.join("book")).expect("sample book loads");
    let fonts = FontSet::load(&book.fonts).expect("fonts load");
    let a = bookpress::pdf::write(&book, &fonts).expect("pdf");
    let b = bookpress::pdf::write(&book, &fonts).expect("pdf");
    assert!(a == b, "two builds differ");
}

#[test]
fn fonts_embedded_subset_tounicode() {
    let (_, p) = sample_pdf();
    let (ok, out) = tool("pdffonts", &[p.to_str().unwrap()]);
    assert!(ok, "{out}");
    let rows: Vec<&str> = out.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts");
    for r in rows {
        let f: Vec<&str> = r.split_whitespace().collect();
        let n = f.len();
        assert!(
            n >= 5 && f[n - 5..n - 2] == ["yes", "yes", "yes"],
            "font not emb/sub/uni: {r}"
        );
    }
}

#[test]
fn qpdf_check_is_clean() {
    let (_, p) = sample_pdf();
    let (ok, out) = tool("qpdf", &["--check", p.to_str().unwrap()]);
    assert!(ok, "qpdf --check failed: {out}");
}

#[test]
fn every_body_paragraph_comes_back() {
    let (_, p) = sample_pdf();
    let (ok, text) = tool("pdftotext", &[p.to_str().unwrap(), "-"]);
    assert!(ok);
    let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let all = strip(&text);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let book = bookpress::book::load(&root.join("book")).expect("book");
    let (mut n, mut total, mut found, mut missing) = (0, 0, 0, Vec::new());
    for s in &book.sections {
        for b in &s.blocks {
            if let bookpress::book::model::Block::Paragraph { content, .. } = b {
                let t = strip(&bookpress::book::model::plain_text(content));
                // Running heads may interrupt a paragraph at a page break: compare by pieces.
                for piece in t.as_bytes().chunks(48) {
                    let piece = String::from_utf8_lossy(piece);
                    let piece = piece.trim_matches('\u{fffd}');
                    if piece.chars().count() >= 6 {
                        total += 1;
                        if all.contains(piece) {
                            found += 1;
                        } else {
                            missing.push(piece.to_string());
                        }
                    }
                }
                n += 1;
            }
        }
    }
    assert!(n > 20, "only {n} paragraphs");
    // Pieces straddling a page break are interrupted by the running head and page number.
    assert!(
        found * 100 >= total * 97,
        "{found}/{total} pieces come back; missing: {missing:?}"
    );
}

#[test]
fn no_prohibited_line_starts_or_ends() {
    let (_, p) = sample_pdf();
    let (ok, text) = tool("pdftotext", &["-layout", p.to_str().unwrap(), "-"]);
    assert!(ok);
    let no_start = "，。、；：？！）》」』”’〕】〗〉］｝·～%‰℃";
    let no_end = "（《「『“‘〔【〖〈［｛";
    for l in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (f, e) = (l.chars().next().unwrap(), l.chars().last().unwrap());
        assert!(!no_start.contains(f), "line starts with {f}: {l}");
        assert!(!no_end.contains(e), "line ends with {e}: {l}");
    }
}

#[test]
fn outline_lists_sections_in_order() {
    let (book, _, doc) = sample_laid_out();
    let titles: Vec<&str> = doc.outline.iter().map(|e| e.title.as_str()).collect();
    let want: Vec<&str> = book.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, want);
    // Each section's destination is on the page whose text starts with its title.
    for s in &book.sections {
        let d = doc
            .destinations
            .iter()
            .find(|d| d.name == s.id)
            .expect("destination");
        let strip = |x: &str| x.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        assert!(
            strip(&doc.pages[d.page].text()).contains(&strip(&s.title)),
            "{} not on page {}",
            s.title,
            d.page
        );
    }
}

#[test]
fn justified_lines_end_at_the_right_margin() {
    let (_, p) = sample_pdf();
    let (ok, xml) = tool("pdftotext", &["-bbox-layout", p.to_str().unwrap(), "-"]);
    assert!(ok);
    let (mut flush, mut ragged) = (0, Vec::new());
    for page in xml.split("<page ").skip(1) {
        let xs: Vec<f32> = page
            .split("<line xMin=\"")
            .skip(1)
            .filter_map(|l| l.split("xMax=\"").nth(1)?.split('"').next()?.parse().ok())
            .collect();
        if xs.len() < 5 {
            continue;
        }
        // The right margin is the most common line end on the page.
        let right = xs
            .iter()
            .copied()
            .max_by_key(|&v| xs.iter().filter(|&&x| (x - v).abs() < 0.1).count())
            .unwrap_or(0.0);
        for &x in &xs {
            if (x - right).abs() < 0.1 {
                flush += 1;
            } else if right - 8.0 < x && x < right - 0.1 {
                ragged.push((right, x));
            }
        }
    }
    assert!(flush > 100, "only {flush} flush lines");
    assert!(
        ragged.len() <= 2,
        "lines stopping short of the right margin: {ragged:?}"
    );
}

/// Running heads and page numbers are outlines (artifacts, so copied text is not interrupted by
/// them), each form XObject drawn once and placed by reference, and as few forms as can be:
/// per kind, one per distinct string or one per distinct glyph, whichever is fewer. The sample
/// has both: a few heads of many glyphs (a form per head) and page numbers of ten digits (a
/// form per digit).
#[test]
fn heads_and_folios_take_the_fewest_forms() {
    use bookpress::typeset::document::{ArtifactKind, Item};
    use std::collections::BTreeSet;
    let (_, _, doc) = sample_laid_out();
    let mut strings = [BTreeSet::new(), BTreeSet::new()];
    let mut glyphs = [BTreeSet::new(), BTreeSet::new()];
    for p in &doc.pages {
        for it in &p.items {
            if let Item::Glyphs(g) = it
                && g.node.is_none()
            {
                let k = match g.artifact {
                    ArtifactKind::Header => 0,
                    ArtifactKind::PageNumber => 1,
                    ArtifactKind::Layout => continue,
                };
                strings[k].insert((g.font.0, g.text.clone()));
                glyphs[k].extend(g.glyphs.iter().map(|gl| (g.font.0, gl.id)));
            }
        }
    }
    let (heads, folios) = (strings[0].len(), glyphs[1].len());
    assert!(
        (2..glyphs[0].len()).contains(&heads),
        "{heads} heads of {} glyphs",
        glyphs[0].len()
    );
    assert!(
        (2..strings[1].len()).contains(&folios),
        "{} page numbers of {folios} glyphs",
        strings[1].len()
    );
    // Uncompressed, every form's dictionary is readable.
    let bytes = sample_qdf("qdf.pdf");
    let (_, p) = sample_pdf();
    let forms = String::from_utf8_lossy(&bytes)
        .matches("/Subtype /Form")
        .count();
    assert_eq!(
        forms,
        heads + folios,
        "{forms} forms for {heads} distinct heads and {folios} digits"
    );
    // Still not text: the page numbers do not come back in the extracted text (those left are
    // the contents page's).
    let (ok, text) = tool("pdftotext", &[p.to_str().unwrap(), "-"]);
    assert!(ok);
    let numbers = text
        .lines()
        .filter(|l| l.trim().parse::<u32>().is_ok())
        .count();
    assert!(
        numbers <= doc.pages.len() / 4,
        "{numbers} page numbers came back as text"
    );
}

/// The runs of one structure node that follow each other on a page (a paragraph's lines) are
/// one marked-content span: the PDF has as many MCIDs as such groups, far fewer than runs, and
/// the tagged text of a paragraph reads whole (`pdfinfo -struct-text`), several lines long.
#[test]
fn a_paragraphs_lines_on_a_page_share_one_marked_content_span() {
    use bookpress::typeset::document::{InColumn, Item};
    let (_, _, doc) = sample_laid_out();
    let (mut runs, mut groups, mut others) = (0, 0, 0);
    for p in &doc.pages {
        let mut last = None;
        for it in &p.items {
            let node = match it {
                Item::Glyphs(g) if g.column != InColumn::Down => g.node,
                _ => None,
            };
            if node.is_some() {
                runs += 1;
                if node != last {
                    groups += 1;
                }
            }
            last = node;
            // Pictures and rules of a node are marked one by one.
            let alone = match it {
                Item::Image(im) => im.node,
                Item::Line(l) => l.node,
                Item::Glyphs(g) if g.column == InColumn::Down => g.node,
                _ => None,
            };
            others += usize::from(alone.is_some());
        }
    }
    assert!(groups * 3 < runs, "{groups} groups of {runs} runs");
    let bytes = sample_qdf("mcid.pdf");
    let (_, p) = sample_pdf();
    // Marked content in the pages' streams (the structure tree names some MCIDs again).
    let text = String::from_utf8_lossy(&bytes);
    let mcids = text
        .match_indices("/MCID ")
        .filter(|(at, _)| {
            let rest = text[at + 6..].trim_start_matches(|c: char| c.is_ascii_digit());
            rest.starts_with(">>BDC")
        })
        .count();
    assert_eq!(mcids, groups + others, "one MCID per group of runs");
    let (ok, tagged) = tool("pdfinfo", &["-struct-text", p.to_str().unwrap()]);
    assert!(ok, "{tagged}");
    let longest = tagged.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(longest > 100, "no paragraph reads whole: longest {longest}");
}

/// Drawing the pages while dropping them, as `bookpress build` does, gives the PDF that drawing
/// them from a borrowed document gives. That path once planned the heads' and page numbers'
/// forms after its pages had been taken, saw none, and made a form of every page number.
#[test]
fn pages_dropped_as_drawn_give_the_same_pdf() {
    let (book, fonts, doc) = sample_laid_out();
    let pictures = bookpress::pictures::prepare(&book, false, Some(&doc), book.pdf.image_dpi, None)
        .expect("pictures");
    let borrowed = bookpress::pdf::render_with(&book, &fonts, &doc, &pictures.print).expect("pdf");
    let owned =
        bookpress::pdf::render_owned(&book, &fonts, doc, &pictures.print, None).expect("pdf");
    assert!(
        borrowed == owned,
        "{} bytes drawn from borrowed pages, {} from owned ones",
        borrowed.len(),
        owned.len()
    );
}

/// A rebuild takes the fonts' subsets from the output folder's cache: the PDF is the same
/// bytes from a cold folder, from the cache, and from a cache whose entries were damaged.
#[test]
fn font_programs_from_the_cache_give_the_same_pdf() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().expect("tmp");
    let build = || {
        let status = Command::new(env!("CARGO_BIN_EXE_bookpress"))
            .args(["-q", "build"])
            .arg(root.join("book"))
            .arg("-o")
            .arg(out.path())
            .args(["--format", "pdf"])
            .env("SOURCE_DATE_EPOCH", "1622678400")
            .status()
            .expect("bookpress runs");
        assert!(status.success());
        std::fs::read(out.path().join("book.pdf")).expect("pdf")
    };
    let cold = build();
    let dir = out.path().join(".bookpress-cache/fonts");
    let entries = || -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("the font cache is written")
            .map(|e| e.unwrap().path())
            .collect();
        v.sort();
        v
    };
    assert_eq!(entries().len(), 2, "the body and the heading font");
    let before: Vec<_> = entries()
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().modified().unwrap())
        .collect();
    assert!(build() == cold, "a build from the cache differs");
    let after: Vec<_> = entries()
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().modified().unwrap())
        .collect();
    assert_eq!(
        before, after,
        "the rebuild read the entries, it did not make them again"
    );
    for p in entries() {
        let mut bytes = std::fs::read(&p).unwrap();
        let n = bytes.len();
        bytes[n / 2] ^= 0x55;
        std::fs::write(&p, &bytes).unwrap();
    }
    assert!(build() == cold, "a build past damaged entries differs");
    assert_eq!(entries().len(), 2);
}
