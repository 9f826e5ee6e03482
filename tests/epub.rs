//! Build EPUBs from the sample book and from fixture books written into a temp dir, then unzip
//! and parse them: container, OPF, nav, NCX, XHTML.
//!
//! Set `BOOKPRESS_KEEP_EPUB=<dir>` to keep the built files (for EPUBCheck by hand).

use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Read};
use std::path::Path;

use bookpress::book::model::Book;

mod common;
use common::Fixture;

const OPF: &str = "http://www.idpf.org/2007/opf";
const DC: &str = "http://purl.org/dc/elements/1.1/";
const XHTML: &str = "http://www.w3.org/1999/xhtml";
const OPS: &str = "http://www.idpf.org/2007/ops";
const XML: &str = "http://www.w3.org/XML/1998/namespace";

fn heading_font() -> (Vec<u8>, u32) {
    let bundled = concat!(env!("CARGO_MANIFEST_DIR"), "/fonts/NotoSansCJKsc-Bold.otf");
    match std::fs::read(bundled) {
        Ok(d) => (d, 0),
        Err(_) => (
            std::fs::read("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc").unwrap(),
            2,
        ),
    }
}

/// Load a book with a fixed clock (the loader reads SOURCE_DATE_EPOCH; tests must not set
/// environment variables, so the model field is fixed instead).
fn load(dir: &Path) -> Book {
    let mut book = bookpress::book::load(dir).unwrap_or_else(|e| panic!("{e}"));
    book.meta.modified_unix = 1_622_678_400; // 2021-06-03T00:00:00Z
    book
}

fn build(book: &Book, keep_as: &str) -> Vec<u8> {
    let (font, index) = heading_font();
    let bytes = bookpress::epub::write(book, (&font, index)).unwrap_or_else(|e| panic!("{e}"));
    if let Ok(dir) = std::env::var("BOOKPRESS_KEEP_EPUB") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(Path::new(&dir).join(keep_as), &bytes).unwrap();
    }
    bytes
}

/// The archive's entries in order: (name, stored?, bytes).
struct Epub {
    entries: Vec<(String, bool, Vec<u8>)>,
}

impl Epub {
    fn open(bytes: &[u8]) -> Epub {
        let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut entries = Vec::new();
        for i in 0..z.len() {
            let mut f = z.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            entries.push((
                f.name().unwrap().to_string(),
                f.compression() == zip::CompressionMethod::Stored,
                data,
            ));
        }
        Epub { entries }
    }

    fn file(&self, name: &str) -> &str {
        let (_, _, d) = self
            .entries
            .iter()
            .find(|(n, _, _)| n == name)
            .unwrap_or_else(|| panic!("no {name}"));
        std::str::from_utf8(d).unwrap()
    }

    fn has(&self, name: &str) -> bool {
        self.entries.iter().any(|(n, _, _)| n == name)
    }
}

fn parse(text: &str) -> roxmltree::Document<'_> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(text, opts).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn text_of(n: roxmltree::Node) -> String {
    n.descendants()
        .filter(|d| d.is_text())
        .map(|d| d.text().unwrap_or(""))
        .collect::<String>()
        .trim()
        .to_string()
}

/// What the checks below need from one EPUB.
struct Parsed {
    epub: Epub,
    /// Directory of the OPF inside the zip, with trailing `/`.
    base: String,
    opf: String,
    /// manifest id -> (href, media-type, properties)
    manifest: HashMap<String, (String, String, String)>,
    spine: Vec<String>,
}

impl Parsed {
    fn new(bytes: &[u8]) -> Parsed {
        let epub = Epub::open(bytes);
        let container = epub.file("META-INF/container.xml").to_string();
        let cdoc = parse(&container);
        let opf_path = cdoc
            .descendants()
            .find(|n| n.has_tag_name("rootfile"))
            .unwrap()
            .attribute("full-path")
            .unwrap()
            .to_string();
        let base = opf_path
            .rsplit_once('/')
            .map(|(d, _)| format!("{d}/"))
            .unwrap_or_default();
        let opf = epub.file(&opf_path).to_string();
        let doc = parse(&opf);
        let manifest = doc
            .descendants()
            .filter(|n| n.has_tag_name((OPF, "item")))
            .map(|n| {
                let a = |k| n.attribute(k).unwrap_or("").to_string();
                (a("id"), (a("href"), a("media-type"), a("properties")))
            })
            .collect();
        let spine = doc
            .descendants()
            .filter(|n| n.has_tag_name((OPF, "itemref")))
            .map(|n| n.attribute("idref").unwrap().to_string())
            .collect();
        Parsed {
            epub,
            base,
            opf,
            manifest,
            spine,
        }
    }

    fn doc_text(&self, id: &str) -> String {
        let (href, _, _) = &self.manifest[id];
        self.epub.file(&format!("{}{href}", self.base)).to_string()
    }

    fn spine_docs(&self) -> Vec<String> {
        self.spine.iter().map(|id| self.doc_text(id)).collect()
    }
}

/// Checks every EPUB must pass.
fn check_common(p: &Parsed, lang: &str) {
    // mimetype first, stored, exact content.
    let (name, stored, data) = &p.epub.entries[0];
    assert_eq!(name, "mimetype");
    assert!(stored);
    assert_eq!(data, b"application/epub+zip");

    // Manifest and archive agree, both ways.
    let hrefs: HashSet<String> = p
        .manifest
        .values()
        .map(|(h, _, _)| format!("{}{h}", p.base))
        .collect();
    for h in &hrefs {
        assert!(p.epub.has(h), "manifest item {h} missing from the archive");
    }
    for (n, _, _) in &p.epub.entries {
        let known = n == "mimetype"
            || n.starts_with("META-INF/")
            || hrefs.contains(n)
            || n.ends_with(".opf");
        assert!(known, "{n} is in the archive but not in the manifest");
    }

    // Exactly one nav, one cover-image; the spine references manifest items.
    let with = |prop: &str| {
        p.manifest
            .values()
            .filter(|(_, _, pr)| pr.split_whitespace().any(|x| x == prop))
            .count()
    };
    assert_eq!(with("nav"), 1);
    assert_eq!(with("cover-image"), 1);
    for id in &p.spine {
        assert!(p.manifest.contains_key(id), "spine idref {id}");
    }

    // Every XHTML: well-formed, lang and xml:lang, unique ids, local links resolve.
    for (id, (href, mt, _)) in &p.manifest {
        if mt != "application/xhtml+xml" {
            continue;
        }
        let text = p.doc_text(id);
        let doc = parse(&text);
        let root = doc.root_element();
        assert_eq!(root.attribute("lang"), Some(lang), "{href}");
        assert_eq!(root.attribute((XML, "lang")), Some(lang), "{href}");
        let ids: Vec<_> = doc
            .descendants()
            .filter_map(|n| n.attribute("id"))
            .collect();
        let unique: HashSet<_> = ids.iter().collect();
        assert_eq!(ids.len(), unique.len(), "duplicate id in {href}");
        for a in doc
            .descendants()
            .filter_map(|n| n.attribute("href").or(n.attribute("src")))
        {
            if a.contains(':') {
                continue;
            }
            let (file, frag) = a.split_once('#').unwrap_or((a, ""));
            let target = if file.is_empty() {
                href.clone()
            } else {
                file.to_string()
            };
            let path = format!("{}{target}", p.base);
            assert!(p.epub.has(&path), "{href}: link to missing {a}");
            if !frag.is_empty() {
                let tdoc_text = p.epub.file(&path).to_string();
                let tdoc = parse(&tdoc_text);
                assert!(
                    tdoc.descendants().any(|n| n.attribute("id") == Some(frag)),
                    "{href}: no #{frag} in {target}"
                );
            }
        }
    }

    // dc:language, dcterms:modified format.
    let doc = parse(&p.opf);
    let lang_el = doc
        .descendants()
        .find(|n| n.has_tag_name((DC, "language")))
        .unwrap();
    assert_eq!(lang_el.text(), Some(lang));
    let modified = doc
        .descendants()
        .find(|n| n.attribute("property") == Some("dcterms:modified"))
        .unwrap();
    let m = modified.text().unwrap();
    assert_eq!(m.len(), 20, "{m}");
    assert!(
        m.ends_with('Z') && &m[4..5] == "-" && &m[10..11] == "T",
        "{m}"
    );
    // unique-identifier points at the dc:identifier.
    let uid = doc.root_element().attribute("unique-identifier").unwrap();
    let ident = doc
        .descendants()
        .find(|n| n.has_tag_name((DC, "identifier")))
        .unwrap();
    assert_eq!(ident.attribute("id"), Some(uid));
}

/// Text of all figcaptions in spine order.
fn figcaptions(p: &Parsed) -> Vec<String> {
    let mut out = Vec::new();
    for text in p.spine_docs() {
        let doc = parse(&text);
        for fc in doc
            .descendants()
            .filter(|n| n.has_tag_name((XHTML, "figcaption")))
        {
            out.push(text_of(fc));
        }
    }
    out
}

/// Section titles (`h1`) in spine order, skipping the cover, title page and nav.
fn section_titles(p: &Parsed) -> Vec<String> {
    let mut out = Vec::new();
    for text in p.spine_docs() {
        let doc = parse(&text);
        let body = doc
            .descendants()
            .find(|n| n.has_tag_name((XHTML, "body")))
            .unwrap();
        if !matches!(
            body.attribute((OPS, "type")),
            Some("bodymatter") | Some("frontmatter")
        ) {
            continue;
        }
        if let Some(sec) = doc.descendants().find(|n| {
            n.has_tag_name((XHTML, "section"))
                && matches!(
                    n.attribute((OPS, "type")),
                    Some("chapter") | Some("preface")
                )
        }) {
            let h1 = sec
                .descendants()
                .find(|n| n.has_tag_name((XHTML, "h1")))
                .unwrap();
            out.push(text_of(h1));
        }
    }
    out
}

fn nav_toc(p: &Parsed) -> Vec<(String, String)> {
    let nav_id = p
        .manifest
        .iter()
        .find(|(_, (_, _, pr))| pr == "nav")
        .unwrap()
        .0
        .clone();
    let text = p.doc_text(&nav_id);
    let doc = parse(&text);
    let toc = doc
        .descendants()
        .find(|n| n.has_tag_name((XHTML, "nav")) && n.attribute((OPS, "type")) == Some("toc"))
        .unwrap();
    let ol = toc
        .children()
        .find(|n| n.has_tag_name((XHTML, "ol")))
        .unwrap();
    ol.children()
        .filter(|n| n.has_tag_name((XHTML, "li")))
        .map(|li| {
            let a = li
                .children()
                .find(|n| n.has_tag_name((XHTML, "a")))
                .unwrap();
            (text_of(a), a.attribute("href").unwrap().to_string())
        })
        .collect()
}

fn landmarks(p: &Parsed) -> Vec<String> {
    let nav_id = p
        .manifest
        .iter()
        .find(|(_, (_, _, pr))| pr == "nav")
        .unwrap()
        .0
        .clone();
    let text = p.doc_text(&nav_id);
    let doc = parse(&text);
    let lm = doc
        .descendants()
        .find(|n| n.has_tag_name((XHTML, "nav")) && n.attribute((OPS, "type")) == Some("landmarks"))
        .unwrap();
    lm.descendants()
        .filter_map(|n| n.attribute((OPS, "type")))
        .map(String::from)
        .collect()
}

/// The sample's OPF: title, series, four editors with role edt, the modified date.
fn assert_sample_metadata(p: &Parsed) {
    let doc = parse(&p.opf);
    let title = doc
        .descendants()
        .find(|n| n.has_tag_name((DC, "title")))
        .unwrap();
    assert_eq!(
        title.text(),
        Some("交流经验 巩固提升党史学习教育成果（上）")
    );
    let series = doc
        .descendants()
        .find(|n| n.attribute("property") == Some("belongs-to-collection"))
        .unwrap();
    assert_eq!(series.text(), Some("学党史 悟思想 办实事 开新局"));
    let sid = series.attribute("id").unwrap();
    let ctype = doc
        .descendants()
        .find(|n| {
            n.attribute("refines") == Some(&format!("#{sid}"))
                && n.attribute("property") == Some("collection-type")
        })
        .unwrap();
    assert_eq!(ctype.text(), Some("series"));
    let editors: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((DC, "contributor")))
        .collect();
    assert_eq!(
        editors
            .iter()
            .map(|n| n.text().unwrap())
            .collect::<Vec<_>>(),
        ["叶新强", "邵家虎", "李峰", "李学斌"]
    );
    for e in &editors {
        let id = e.attribute("id").unwrap();
        let role = doc
            .descendants()
            .find(|n| {
                n.attribute("refines") == Some(&format!("#{id}"))
                    && n.attribute("property") == Some("role")
            })
            .unwrap();
        assert_eq!(role.text(), Some("edt"));
    }
    let modified = doc
        .descendants()
        .find(|n| n.attribute("property") == Some("dcterms:modified"))
        .unwrap();
    assert_eq!(modified.text(), Some("2021-06-03T00:00:00Z"));
}

/// The generated cover is an SVG of outlines: no <text>, so no font needed on the reader.
fn assert_cover_is_outlines(p: &Parsed) {
    let (href, mt, _) = p
        .manifest
        .values()
        .find(|(_, _, pr)| pr == "cover-image")
        .unwrap();
    assert_eq!(mt, "image/svg+xml");
    let svg = p.epub.file(&format!("{}{href}", p.base)).to_string();
    let sdoc = parse(&svg);
    assert!(sdoc.descendants().all(|n| n.tag_name().name() != "text"));
    assert!(
        sdoc.descendants()
            .filter(|n| n.has_tag_name("path"))
            .count()
            >= 3
    );
}

#[test]
fn sample_book_builds_a_complete_reproducible_epub() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("book");
    let book = load(&dir);
    let bytes = build(&book, "sample.epub");
    let p = Parsed::new(&bytes);
    check_common(&p, "zh-CN");

    // Reading order: cover, title page, contents, then the five sections in book order.
    assert_eq!(&p.spine[..3], ["cover", "titlepage", "nav"]);
    let titles = section_titles(&p);
    let want: Vec<_> = book.sections.iter().map(|s| s.title.clone()).collect();
    assert_eq!(titles, want);
    assert_eq!(titles.len(), 5);
    assert_eq!(titles[0], "编者按");
    let first = parse(&p.spine_docs()[3])
        .descendants()
        .find(|n| n.has_tag_name((XHTML, "section")))
        .unwrap()
        .attribute((OPS, "type"))
        .map(String::from);
    assert_eq!(first.as_deref(), Some("preface"));

    // The nav lists the sections in the same order.
    let toc: Vec<_> = nav_toc(&p).into_iter().map(|(t, _)| t).collect();
    assert_eq!(toc, want);
    let lm = landmarks(&p);
    for k in ["cover", "titlepage", "toc", "preface", "bodymatter"] {
        assert!(lm.iter().any(|x| x == k), "landmark {k} missing: {lm:?}");
    }

    // Figures 图1..图4 in order, each with its credit.
    let caps = figcaptions(&p);
    assert_eq!(caps.len(), 4);
    for (i, c) in caps.iter().enumerate() {
        assert!(c.starts_with(&format!("图{}\u{3000}", i + 1)), "{c}");
        assert!(c.ends_with("受访者供图"), "{c}");
    }

    assert_sample_metadata(&p);
    assert_cover_is_outlines(&p);

    // The stand-in JPEGs are small enough: passed through byte for byte.
    let jpegs: Vec<_> = p
        .manifest
        .values()
        .filter(|(_, mt, _)| mt == "image/jpeg")
        .collect();
    assert_eq!(jpegs.len(), 4);
    let fig1 = std::fs::read(dir.join("images/fig-1.jpg")).unwrap();
    assert!(p.epub.entries.iter().any(|(_, _, d)| *d == fig1));

    // A second load and build gives the same bytes.
    let again = build(&load(&dir), "sample-2.epub");
    assert!(again == bytes, "second build differs");
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let pic = image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 200) as u8, (y % 200) as u8, 90])
    }));
    let mut out = Vec::new();
    pic.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let pic = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
        w,
        h,
        image::Rgb([120, 30, 30]),
    ));
    let mut out = Vec::new();
    pic.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .unwrap();
    out
}

#[test]
fn fixture_with_footnotes_tables_links_and_big_picture() {
    let big = png(2400, 1200);
    let f = Fixture::new(&[
        (
            "book.toml",
            "[book]\ntitle = \"测试 <书> & “引号”\"\nauthors = [\"张三\", \"O'Brien\"]\nlanguage = \"zh-CN\"\nidentifier = \"urn:isbn:9780000000000\"\nsections = [\"a.md\", \"b.md\"]\n"
                .as_bytes(),
        ),
        (
            "a.md",
            "+++\ntitle = \"前言\"\nrole = \"preface\"\n+++\n\n这是*强调*和**加粗**，见[第二篇](b.md)。脚注[^1]再引[^1]。\n\n[^1]: 注释内容 <tag> & more.\n"
                .as_bytes(),
        ),
        (
            "b.md",
            "# 第二篇\n\n## 小节 一\n\n| 甲 | 乙 |\n|:-:|--:|\n| 1 | 2 |\n\n1. 一\n2. 二\n\n> 引文\n\n```\nlet a = b < c;\n```\n\n![大图](images/big.png \"作者供图\")\n\n---\n\n[外链](https://example.org/a?b=1&c=2)\n"
                .as_bytes(),
        ),
        ("images/big.png", &big),
    ]);
    let book = load(&f.book());
    let bytes = build(&book, "fixture.epub");
    let p = Parsed::new(&bytes);
    check_common(&p, "zh-CN");

    let doc = parse(&p.opf);
    let creators: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((DC, "creator")))
        .map(|n| n.text().unwrap().to_string())
        .collect();
    assert_eq!(creators, ["张三", "O'Brien"]);
    assert!(
        doc.descendants()
            .all(|n| !n.has_tag_name((DC, "contributor")))
    );
    assert!(
        doc.descendants()
            .all(|n| n.attribute("property") != Some("belongs-to-collection"))
    );
    let ident = doc
        .descendants()
        .find(|n| n.has_tag_name((DC, "identifier")))
        .unwrap();
    assert_eq!(ident.text(), Some("urn:isbn:9780000000000"));
    let title = doc
        .descendants()
        .find(|n| n.has_tag_name((DC, "title")))
        .unwrap();
    assert_eq!(title.text(), Some("测试 <书> & “引号”"));

    // Nav: two sections, the second with its ## heading nested.
    let toc = nav_toc(&p);
    assert_eq!(
        toc.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(),
        ["前言", "第二篇"]
    );

    let docs = p.spine_docs();
    let pre = &docs[3];
    let pdoc = parse(pre);
    let noterefs: Vec<_> = pdoc
        .descendants()
        .filter(|n| n.attribute((OPS, "type")) == Some("noteref"))
        .collect();
    assert_eq!(noterefs.len(), 2);
    let target = noterefs[0]
        .attribute("href")
        .unwrap()
        .trim_start_matches('#');
    let aside = pdoc
        .descendants()
        .find(|n| n.attribute("id") == Some(target))
        .unwrap();
    assert_eq!(aside.tag_name().name(), "aside");
    assert_eq!(aside.attribute((OPS, "type")), Some("footnote"));
    assert!(text_of(aside).contains("注释内容 <tag> & more."));
    let em = pdoc
        .descendants()
        .find(|n| n.has_tag_name((XHTML, "em")))
        .unwrap();
    assert_eq!(text_of(em), "强调");

    let body = &docs[4];
    for tag in ["table", "ol", "blockquote", "pre", "hr", "h2"] {
        assert!(
            parse(body)
                .descendants()
                .any(|n| n.has_tag_name((XHTML, tag))),
            "no <{tag}>"
        );
    }
    assert!(body.contains("https://example.org/a?b=1&amp;c=2"));
    let caps = figcaptions(&p);
    assert_eq!(caps, ["图1\u{3000}大图\u{3000}作者供图"]);

    // The 2400 px picture was scaled to 1600 px and stays PNG.
    let (href, mt, _) = p
        .manifest
        .values()
        .find(|(h, _, _)| h.starts_with("images/img-"))
        .unwrap();
    assert_eq!(mt, "image/png");
    let data = p
        .epub
        .entries
        .iter()
        .find(|(n, _, _)| *n == format!("{}{href}", p.base))
        .unwrap()
        .2
        .clone();
    let pic = image::load_from_memory(&data).unwrap();
    assert_eq!((pic.width(), pic.height()), (1600, 800));
}

#[test]
fn fixture_with_own_cover_uses_it() {
    let cover = jpeg(600, 900);
    let f = Fixture::new(&[
        (
            "book.toml",
            "[book]\ntitle = \"封面测试\"\ncover = \"cover.jpg\"\nsections = [\"a.md\"]\n"
                .as_bytes(),
        ),
        ("a.md", "# 唯一一篇\n\n正文。\n".as_bytes()),
        ("cover.jpg", &cover),
    ]);
    let book = load(&f.book());
    let bytes = build(&book, "cover.epub");
    let p = Parsed::new(&bytes);
    check_common(&p, "zh-CN");
    let (href, mt, _) = p
        .manifest
        .values()
        .find(|(_, _, pr)| pr == "cover-image")
        .unwrap();
    assert_eq!(mt, "image/jpeg");
    let data = &p
        .epub
        .entries
        .iter()
        .find(|(n, _, _)| *n == format!("{}{href}", p.base))
        .unwrap()
        .2;
    assert_eq!(*data, cover, "the cover JPEG is passed through untouched");
    assert!(p.manifest.values().all(|(_, mt, _)| mt != "image/svg+xml"));
    let lm = landmarks(&p);
    assert!(lm.contains(&"bodymatter".to_string()));
    assert!(!lm.contains(&"preface".to_string()));
}

#[test]
fn sample_book_with_embedded_body_font() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("book");
    let book = load(&dir);
    let (hfont, hindex) = heading_font();
    let (body, bindex) = match std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fonts/NotoSerifCJKsc-Regular.otf"
    )) {
        Ok(d) => (d, 0),
        Err(_) => (
            std::fs::read("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc").unwrap(),
            2,
        ),
    };
    let bytes =
        bookpress::epub::write_with(&book, (&hfont, hindex), Some((&body, bindex))).unwrap();
    if let Ok(out) = std::env::var("BOOKPRESS_KEEP_EPUB") {
        std::fs::write(Path::new(&out).join("sample-font.epub"), &bytes).unwrap();
    }
    let p = Parsed::new(&bytes);
    check_common(&p, "zh-CN");
    let (href, _, _) = p
        .manifest
        .values()
        .find(|(_, mt, _)| mt == "font/otf")
        .expect("font in manifest");
    let css = p
        .manifest
        .values()
        .find(|(_, mt, _)| mt == "text/css")
        .unwrap()
        .0
        .clone();
    let css = p.epub.file(&format!("{}{css}", p.base)).to_string();
    assert!(css.contains(&format!("url(\"{href}\")")), "{css}");
    assert!(p.epub.has("META-INF/com.apple.ibooks.display-options.xml"));

    // Every character of the body text has a glyph in the embedded subset, and it is small.
    let font = p
        .epub
        .entries
        .iter()
        .find(|(n, _, _)| *n == format!("{}{href}", p.base))
        .unwrap()
        .2
        .clone();
    assert!(font.len() < 2_000_000, "{} bytes", font.len());
    let face = rustybuzz::ttf_parser::Face::parse(&font, 0).unwrap();
    let sec = p.doc_text("section-02");
    let doc = parse(&sec);
    for para in doc.descendants().filter(|n| n.has_tag_name((XHTML, "p"))) {
        for c in text_of(para).chars() {
            assert!(face.glyph_index(c).is_some(), "no glyph for {c:?}");
        }
    }
    let again =
        bookpress::epub::write_with(&book, (&hfont, hindex), Some((&body, bindex))).unwrap();
    assert!(again == bytes, "second build differs");
}
