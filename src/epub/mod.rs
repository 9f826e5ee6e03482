//! The EPUB 3 writer: the whole package (container, OPF, nav, NCX, XHTML, CSS, pictures) built
//! from the [`Book`] model and zipped reproducibly.
//!
//! Written directly with the `zip` crate rather than epub-builder, which cannot set the
//! identifier, contributor roles, `lang` on its nav document, or zip timestamps.

pub mod a11y;
mod cover;
mod font;
mod frontpages;
pub mod images;
mod latin;
mod nav;
mod package;
mod xhtml;
mod xml;

use nav::*;
use package::*;

use std::collections::HashMap;
use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::book::model::{Block, Book, Image, Inline, OutlineNode, Role, Writing, plain_text};
use crate::book::walk;
use crate::diag::{Diagnostic, Result};
use crate::typeset::page::{PageStart, Part, SourcePos};

/// The stylesheet every content document links to.
pub const STYLE: &str = include_str!("style.css");

/// The whole EPUB file. `cover_font` is the heading font (file bytes, face index), used to draw
/// the cover when the book has no cover picture of its own.
pub fn write(book: &Book, cover_font: (&[u8], u32)) -> Result<Vec<u8>> {
    write_with(book, cover_font, None)
}

/// Like [`write`], and when `embed_font` is given, embed that font (the body font, as a
/// single-face OpenType file) and use it first in the body's font-family list.
pub fn write_with(
    book: &Book,
    cover_font: (&[u8], u32),
    embed_font: Option<(&[u8], u32)>,
) -> Result<Vec<u8>> {
    write_full(book, cover_font, embed_font, None)
}

/// The pages of the print edition, for the EPUB's page-break markers and page list.
#[derive(Debug, Clone)]
pub struct PrintPages {
    /// Each page of the PDF in order: its printed folio and where it begins.
    pub pages: Vec<(String, PageStart)>,
    /// Names the print edition (`pageBreakSource`), e.g. the PDF's file name.
    pub source: String,
}

impl PrintPages {
    /// The pages of a laid-out booklet.
    pub fn from_layout(doc: &crate::typeset::page::Document, source: String) -> PrintPages {
        PrintPages {
            pages: doc
                .pages
                .iter()
                .map(|p| (p.label.text(), p.start.clone()))
                .collect(),
            source,
        }
    }
}

/// Like [`write_with`], and with `print`, a page-break marker where each page of the print
/// edition begins and a `page-list` nav.
pub fn write_full(
    book: &Book,
    cover_font: (&[u8], u32),
    embed_font: Option<(&[u8], u32)>,
    print: Option<&PrintPages>,
) -> Result<Vec<u8>> {
    write_prepared(book, cover_font, embed_font, print, &HashMap::new())
}

/// Like [`write_full`], with the pictures already prepared by path (`crate::pictures`, which
/// decodes each picture once for both outputs); a picture missing there is prepared here.
pub fn write_prepared(
    book: &Book,
    cover_font: (&[u8], u32),
    embed_font: Option<(&[u8], u32)>,
    print: Option<&PrintPages>,
    pictures: &HashMap<String, images::Prepared>,
) -> Result<Vec<u8>> {
    let files = package_files(book, cover_font, embed_font, print, pictures)?;
    zip_package(&files, book.meta.modified_unix)
}

/// One file of the publication, below `OEBPS/`.
struct Item {
    id: String,
    href: String,
    media_type: &'static str,
    properties: Option<&'static str>,
    data: Vec<u8>,
}

/// The EPUB is set in columns (`[epub] writing`, else `[book] writing`).
fn vertical(book: &Book) -> bool {
    book.epub.writing == Writing::Vertical
}

fn lang_of(book: &Book) -> &str {
    let l = book.meta.language.trim();
    if l.is_empty() { "zh-CN" } else { l }
}

/// Every picture the book shows, in reading order, each once (by path).
pub(crate) fn all_images(book: &Book) -> Vec<&Image> {
    let mut out = Vec::new();
    for v in book.blocks() {
        if let Block::Figure(f) = v.block {
            out.push(&f.image);
        }
        let runs = v.block.runs().flat_map(|(_, list)| walk::inlines(list));
        out.extend(runs.filter_map(|i| match i.inline {
            Inline::Image { image, .. } => Some(image),
            _ => None,
        }));
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|i| seen.insert(i.path.clone()));
    out
}

/// What the book shows, for the accessibility metadata: pictures (each occurrence) and whether
/// each has a text alternative, tables, footnotes.
fn facts(book: &Book) -> a11y::Facts {
    let mut f = a11y::Facts::default();
    // The user's cover picture, described by its alt text (封面：<title>); the generated cover
    // only draws the title and series, which its alt text gives in full.
    if book.meta.cover.is_some() {
        f.pictures += 1;
    }
    for v in book.blocks() {
        match v.block {
            Block::Figure(fig) => {
                f.pictures += 1;
                if plain_text(&fig.caption).trim().is_empty() && fig.alt.trim().is_empty() {
                    f.without_alt += 1;
                }
            }
            Block::Table(_) => f.tables += 1,
            _ => {}
        }
    }
    for (_, _, i) in book.inlines() {
        if let Inline::Image { alt, .. } = i.inline {
            f.pictures += 1;
            if alt.trim().is_empty() {
                f.without_alt += 1;
            }
        }
    }
    f.footnotes = book.sections.iter().map(|s| s.footnotes.len()).sum();
    f
}

/// Record where every id a link can point at lives: `model id -> file#xml-id`.
fn collect_targets(book: &Book, files: &[String]) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for (s, file) in book.sections.iter().zip(files) {
        let ids = s.blocks().filter_map(|v| match v.block {
            Block::Heading { id, .. } => Some(id),
            Block::Figure(f) => Some(&f.id),
            _ => None,
        });
        let notes = s.footnotes.iter().map(|n| &n.id);
        for id in std::iter::once(&s.id).chain(ids).chain(notes) {
            map.entry(id.clone())
                .or_insert_with(|| format!("{file}#{}", xml::id(id)));
        }
    }
    map
}

/// The content document of each section, in reading order.
fn section_files(book: &Book) -> Vec<String> {
    (1..=book.sections.len())
        .map(|n| format!("section-{n:02}.xhtml"))
        .collect()
}

/// Font family name the embedded body font is declared under.
const EMBED_FAMILY: &str = "bookpress-body";

/// The additions for vertical writing, after the horizontal rules they override.
pub const VERTICAL_STYLE: &str = include_str!("vertical.css");

/// The stylesheet: [`STYLE`], with the embedded font first when there is one, and
/// [`VERTICAL_STYLE`] after it in vertical writing.
fn stylesheet(embedded: Option<&str>, vertical: bool) -> String {
    let css = horizontal_stylesheet(embedded);
    if vertical { css + VERTICAL_STYLE } else { css }
}

fn horizontal_stylesheet(embedded: Option<&str>) -> String {
    match embedded {
        None => STYLE.to_string(),
        Some(href) => {
            let face = format!(
                "@font-face {{\n  font-family: \"{EMBED_FAMILY}\";\n  src: url(\"{href}\") format(\"opentype\");\n}}\n"
            );
            let body = STYLE.replacen(
                "font-family: \"Noto Serif CJK SC\"",
                &format!("font-family: \"{EMBED_FAMILY}\", \"Noto Serif CJK SC\""),
                1,
            );
            face + &body
        }
    }
}

/// All files of the publication below `OEBPS/`, in manifest order, plus the spine and whether
/// the Apple display-options file is wanted.
fn package_files(
    book: &Book,
    cover_font: (&[u8], u32),
    embed_font: Option<(&[u8], u32)>,
    print: Option<&PrintPages>,
    pictures: &HashMap<String, images::Prepared>,
) -> Result<Vec<(String, Vec<u8>)>> {
    let lang = lang_of(book);
    let section_files = section_files(book);
    let targets = collect_targets(book, &section_files);
    let placed = print.map(|p| place_pages(book, &p.pages, &section_files));

    let (image_items, image_hrefs, cover_href) = picture_items(book, cover_font, pictures)?;

    let font_href = embed_font.map(|_| "fonts/body.otf".to_string());
    let entries = toc(book, &section_files);
    let landmarks = landmarks(book, &section_files);

    let mut items = vec![
        Item {
            id: "nav".into(),
            href: "nav.xhtml".into(),
            media_type: "application/xhtml+xml",
            properties: Some("nav"),
            data: nav_document(book, &entries, &landmarks, placed.as_ref()).into_bytes(),
        },
        Item {
            id: "ncx".into(),
            href: "toc.ncx".into(),
            media_type: "application/x-dtbncx+xml",
            properties: None,
            data: ncx_document(book, &entries).into_bytes(),
        },
        Item {
            id: "css".into(),
            href: "style.css".into(),
            media_type: "text/css",
            properties: None,
            data: stylesheet(font_href.as_deref(), vertical(book)).into_bytes(),
        },
        Item {
            id: "cover".into(),
            href: "cover.xhtml".into(),
            media_type: "application/xhtml+xml",
            properties: None,
            data: frontpages::cover_page(book, &cover_href).into_bytes(),
        },
        Item {
            id: "titlepage".into(),
            href: "title.xhtml".into(),
            media_type: "application/xhtml+xml",
            properties: None,
            data: frontpages::title_page(
                book,
                placed
                    .as_ref()
                    .map(|p| p.title_page.as_slice())
                    .unwrap_or(&[]),
            )
            .into_bytes(),
        },
    ];
    for (i, (sec, file)) in book.sections.iter().zip(&section_files).enumerate() {
        let marks = placed
            .as_ref()
            .map(|p| p.sections[i].as_slice())
            .unwrap_or(&[]);
        let ctx = xhtml::Ctx {
            targets: &targets,
            images: &image_hrefs,
            lang,
            file,
            highlight: book.pdf.highlight,
            tcy: vertical(book).then_some(book.pdf.tcy),
        };
        items.push(Item {
            id: file.trim_end_matches(".xhtml").to_string(),
            href: file.clone(),
            media_type: "application/xhtml+xml",
            properties: None,
            data: xhtml::section(sec, &ctx, marks).into_bytes(),
        });
    }
    items.extend(image_items);
    if let (Some(font), Some(href)) = (embed_font, &font_href) {
        let item = font_item(&items, font, href)?;
        items.push(item);
    }

    let mut spine: Vec<&str> = vec!["cover", "titlepage", "nav"];
    for f in &section_files {
        spine.push(f.trim_end_matches(".xhtml"));
    }
    let facts = a11y::Facts {
        pages: placed.as_ref().map(|p| p.list.len()).filter(|n| *n > 0),
        ..facts(book)
    };
    let meta = a11y::A11y::compute(book, &facts)
        .opf_meta(facts.pages.and(print).map(|p| p.source.as_str()));
    let opf = opf_document(book, &items, &spine, embed_font.is_some(), &meta);

    let mut files = vec![(
        "META-INF/container.xml".to_string(),
        CONTAINER.as_bytes().to_vec(),
    )];
    if embed_font.is_some() {
        files.push((
            "META-INF/com.apple.ibooks.display-options.xml".into(),
            IBOOKS_OPTIONS.as_bytes().to_vec(),
        ));
    }
    files.push(("OEBPS/content.opf".into(), opf.into_bytes()));
    for it in items {
        files.push((format!("OEBPS/{}", it.href), it.data));
    }
    Ok(files)
}

/// The cover picture (the user's, or one drawn from the title) and every picture the book
/// shows, each prepared once: the manifest items, each picture's href by its path, and the
/// cover's href.
fn picture_items(
    book: &Book,
    cover_font: (&[u8], u32),
    prepared: &HashMap<String, images::Prepared>,
) -> Result<(Vec<Item>, HashMap<String, String>, String)> {
    let mut items: Vec<Item> = Vec::new();
    let mut hrefs: HashMap<String, String> = HashMap::new();
    let mut add_image = |img: &Image, cover: bool, items: &mut Vec<Item>| -> Result<String> {
        if let Some(h) = hrefs.get(&img.path) {
            return Ok(h.clone());
        }
        let p = match prepared.get(&img.path) {
            Some(p) => p.clone(),
            None => images::prepare(img)?,
        };
        // The cover (generated or the user's) is not counted: pictures are img-1, img-2, ...
        let n = items.iter().filter(|i| i.id != "cover-image").count() + 1;
        let href = if cover {
            format!("images/cover.{}", p.format.extension())
        } else {
            format!("images/img-{n}.{}", p.format.extension())
        };
        items.push(Item {
            id: if cover {
                "cover-image".into()
            } else {
                format!("img-{n}")
            },
            href: href.clone(),
            media_type: p.format.media_type(),
            properties: cover.then_some("cover-image"),
            data: p.data,
        });
        hrefs.insert(img.path.clone(), href.clone());
        Ok(href)
    };
    let cover_href = match &book.meta.cover {
        Some(img) => add_image(img, true, &mut items)?,
        None => {
            let svg = cover::svg(book, cover_font.0, cover_font.1)?;
            items.push(Item {
                id: "cover-image".into(),
                href: "images/cover.svg".into(),
                media_type: "image/svg+xml",
                properties: Some("cover-image"),
                data: svg.into_bytes(),
            });
            "images/cover.svg".to_string()
        }
    };
    for img in all_images(book) {
        add_image(img, false, &mut items)?;
    }
    Ok((items, hrefs, cover_href))
}

/// The nav's landmarks: (epub:type, href, label).
fn landmarks<'a>(book: &Book, section_files: &[String]) -> Vec<(&'a str, String, &'a str)> {
    let words = crate::words::for_language(lang_of(book));
    let mut landmarks: Vec<(&str, String, &str)> = vec![
        ("cover", "cover.xhtml".into(), words.cover),
        ("titlepage", "title.xhtml".into(), words.title_page),
        ("toc", "nav.xhtml#toc".into(), words.contents),
    ];
    if let Some(i) = book.sections.iter().position(|s| s.role == Role::Preface) {
        landmarks.push(("preface", section_files[i].clone(), words.preface));
    }
    if let Some(i) = book.sections.iter().position(|s| s.role == Role::Body) {
        landmarks.push(("bodymatter", section_files[i].clone(), words.body));
    }
    landmarks
}

/// The body font, subset to every character any document shows (markup characters are ASCII,
/// kept anyway).
fn font_item(items: &[Item], (data, index): (&[u8], u32), href: &str) -> Result<Item> {
    let mut chars: std::collections::BTreeSet<char> = (' '..='~').collect();
    for it in items
        .iter()
        .filter(|i| i.media_type == "application/xhtml+xml")
    {
        chars.extend(
            String::from_utf8_lossy(&it.data)
                .chars()
                .filter(|c| !c.is_control()),
        );
    }
    Ok(Item {
        id: "font-body".into(),
        href: href.to_string(),
        media_type: "font/otf",
        properties: None,
        data: font::subset(data, index, &chars)?,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::book::model::*;
    use crate::typeset::page::Part;
    use std::path::PathBuf;
    use std::sync::Arc;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let pic = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
            w,
            h,
            image::Rgb([200, 200, 200]),
        ));
        let mut out = Vec::new();
        pic.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    fn para(s: &str) -> Block {
        Block::Paragraph {
            content: vec![Inline::Text(s.into())],
            span: Span::default(),
        }
    }

    /// A small book like the sample: preface plus two speeches with one figure each.
    pub(crate) fn sample_book() -> Book {
        let img = |n: u32| Image {
            path: format!("images/fig{n}.png"),
            format: ImageFormat::Png,
            width: 40,
            height: 30,
            orientation: 1,
            data: Arc::new(png(40, 30)),
            remote: None,
        };
        let section = |i: usize, title: &str, role: Role, blocks: Vec<Block>| Section {
            id: format!("sec-{i}"),
            source: PathBuf::from(format!("0{i}.md")),
            title: title.into(),
            author: (role == Role::Body).then(|| "文毅".to_string()),
            kicker: (role == Role::Body).then(|| "荷塘区".to_string()),
            role,
            depth: 0,
            blocks,
            footnotes: vec![],
            span: Span::default(),
            text: String::new(),
        };
        let figure = |n: u32| {
            Block::Figure(Figure {
                alt: String::new(),
                label: format!("图{n}"),
                number: n,
                id: format!("fig-{n}"),
                caption: vec![Inline::Text(format!("说明{n}"))],
                credit: Some("受访者供图".into()),
                image: img(n),
                span: Span::default(),
            })
        };
        Book {
            parts: vec![],
            remote_pictures: vec![],
            root: PathBuf::from("/tmp/book"),
            meta: Metadata {
                title: "交流经验 巩固提升党史学习教育成果（上）".into(),
                series: Some("学党史 悟思想 办实事 开新局".into()),
                editors: vec!["叶新强".into(), "邵家虎".into()],
                authors: vec![],
                language: "zh-CN".into(),
                identifier: "urn:bookpress:test".into(),
                description: None,
                modified_unix: 1_700_000_000,
                name: "book".into(),
                cover: None,
            },
            sections: vec![
                section(1, "编者按", Role::Preface, vec![para("编者按正文。")]),
                section(
                    2,
                    "形式多样学党史",
                    Role::Body,
                    vec![para("第一篇。"), figure(1)],
                ),
                section(
                    3,
                    "做好“五个加法”",
                    Role::Body,
                    vec![
                        Block::Heading {
                            level: 2,
                            id: "h-1".into(),
                            content: vec![Inline::Text("一、加法".into())],
                            span: Span::default(),
                        },
                        para("第二篇 & <更多>。"),
                        figure(2),
                    ],
                ),
            ],
            pdf: PdfSettings {
                page_width: 419.5,
                page_height: 595.3,
                margin_top: 50.0,
                margin_bottom: 50.0,
                margin_inner: 50.0,
                margin_outer: 40.0,
                font_size: 10.5,
                line_height: 1.7,
                kinsoku: Kinsoku::Basic,
                punctuation: None,
                impose: None,
                highlight: true,
                lists: false,
                notes: Default::default(),
                image_dpi: 300,
                toc_kicker: true,
                writing: Default::default(),
                tcy: 2,
            },
            fonts: FontSettings {
                body: FontFile {
                    path: PathBuf::from("/x"),
                    index: 0,
                },
                heading: FontFile {
                    path: PathBuf::from("/x"),
                    index: 0,
                },
                code: FontFile {
                    path: PathBuf::from("/x"),
                    index: 0,
                },
                fallback: vec![],
                system: false,
            },
            epub: EpubSettings::default(),
            toml_text: String::new(),
        }
    }

    #[test]
    fn zip_time_follows_modified_or_falls_back() {
        let t = zip_time(1_700_000_000);
        assert_eq!(
            (t.year(), t.month(), t.day(), t.hour(), t.minute()),
            (2023, 11, 14, 22, 13)
        );
        assert_eq!(zip_time(0), DateTime::default());
    }

    #[test]
    fn opf_has_metadata_and_valid_ids() {
        let book = sample_book();
        let files = section_names(&book);
        let entries = toc(&book, &files);
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[2].children.len(), 1);
        assert_eq!(
            entries[2].children[0].href.as_deref(),
            Some("section-03.xhtml#h-1")
        );
        let opf = opf_document(&book, &[], &["cover"], false, "");
        let doc = roxmltree::Document::parse(&opf).unwrap();
        let dc = "http://purl.org/dc/elements/1.1/";
        let contributors: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name((dc, "contributor")))
            .collect();
        assert_eq!(contributors.len(), 2);
        for c in &contributors {
            let id = c.attribute("id").unwrap();
            assert!(xml::is_valid_id(id));
            let role = doc
                .descendants()
                .find(|n| {
                    n.attribute("refines") == Some(&format!("#{id}"))
                        && n.attribute("property") == Some("role")
                })
                .unwrap();
            assert_eq!(role.text(), Some("edt"));
            assert_eq!(role.attribute("scheme"), Some("marc:relators"));
        }
        let modified = doc
            .descendants()
            .find(|n| n.attribute("property") == Some("dcterms:modified"))
            .unwrap();
        assert_eq!(modified.text(), Some("2023-11-14T22:13:20Z"));
        let series = doc
            .descendants()
            .find(|n| n.attribute("property") == Some("belongs-to-collection"))
            .unwrap();
        assert_eq!(series.text(), Some("学党史 悟思想 办实事 开新局"));
        // Every id in the package document is unique.
        let ids: Vec<_> = doc
            .descendants()
            .filter_map(|n| n.attribute("id"))
            .collect();
        let unique: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(ids.len(), unique.len());
    }

    fn section_names(book: &Book) -> Vec<String> {
        (1..=book.sections.len())
            .map(|n| format!("section-{n:02}.xhtml"))
            .collect()
    }

    #[test]
    fn print_pages_are_placed_blank_ones_before_the_next() {
        let book = sample_book();
        let files = section_names(&book);
        let at = |section: usize, part: Part, path: &[usize], offset: usize| {
            PageStart::At(SourcePos {
                section,
                part,
                path: path.to_vec(),
                offset,
            })
        };
        let pages: Vec<(String, PageStart)> = [
            ("i", PageStart::Cover),
            ("ii", PageStart::Blank),
            ("iii", PageStart::Toc(0)),
            ("iv", PageStart::Toc(2)),
            ("v", at(0, Part::Opening, &[], 0)),
            ("vi", PageStart::Blank),
            ("1", at(1, Part::Opening, &[], 0)),
            // Out of reading order in the list (a figure moved up): sorted in the section.
            ("2", at(2, Part::Body, &[2], 0)),
            ("3", at(2, Part::Body, &[1], 7)),
            ("4", PageStart::Blank),
        ]
        .into_iter()
        .map(|(l, s)| (l.to_string(), s))
        .collect();
        let p = place_pages(&book, &pages, &files);
        assert_eq!(p.title_page, ["i"]);
        assert_eq!(
            p.toc,
            [(0, "ii".to_string()), (0, "iii".into()), (2, "iv".into())]
        );
        let labels =
            |s: usize| -> Vec<&str> { p.sections[s].iter().map(|m| m.label.as_str()).collect() };
        assert_eq!(labels(0), ["v"]);
        assert_eq!(labels(1), ["vi", "1"]);
        // The trailing blank page goes to the end of the last section.
        assert_eq!(labels(2), ["3", "2", "4"]);
        assert_eq!(p.sections[2][0].offset, 7);
        let list: Vec<&str> = p.list.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            list,
            ["i", "ii", "iii", "iv", "v", "vi", "1", "2", "3", "4"]
        );
        assert_eq!(p.list[0].1, "title.xhtml#page-i");
        assert_eq!(p.list[2].1, "nav.xhtml#page-iii");
        assert_eq!(p.list[6].1, "section-02.xhtml#page-1");
        // In the nav: the first TOC pages before the title, a later one inside its entry's link.
        let entries = toc(&book, &files);
        let nav = nav_document(&book, &entries, &[], Some(&p));
        let toc_at = nav.find("<nav epub:type=\"toc\"").unwrap();
        assert!(
            nav[..toc_at].contains("id=\"page-ii\"") && nav[..toc_at].contains("id=\"page-iii\"")
        );
        assert!(
            nav.contains(&format!(
                "<li><a href=\"section-03.xhtml\">{}做好",
                xhtml::pagebreak("iv")
            )),
            "{nav}"
        );
        assert!(nav.contains("<nav epub:type=\"page-list\" role=\"doc-pagelist\""));
        assert!(nav.contains("<h2>页码</h2>"));
    }

    #[test]
    fn two_builds_are_identical_and_mimetype_leads() {
        let (font, index) = cover::tests::heading_font();
        let book = sample_book();
        let a = write(&book, (&font, index)).unwrap();
        let b = write(&book, (&font, index)).unwrap();
        assert_eq!(a, b);
        assert_eq!(&a[30..38], b"mimetype");
        // Stored: compression method 0 at offset 8 of the local header.
        assert_eq!(&a[8..10], &[0, 0]);
        assert_eq!(&a[38..58], b"application/epub+zip");
    }

    #[test]
    fn images_are_listed_once_each() {
        let mut book = sample_book();
        let again = book.sections[1].blocks[1].clone();
        book.sections[2].blocks.push(again);
        let paths: Vec<_> = all_images(&book).iter().map(|i| i.path.clone()).collect();
        assert_eq!(paths, ["images/fig1.png", "images/fig2.png"]);
    }

    /// The declarations of the first rule whose selector list is exactly `selector`.
    fn rule<'a>(css: &'a str, selector: &str) -> &'a str {
        let start = css
            .find(&format!("\n{selector} {{"))
            .unwrap_or_else(|| panic!("no rule {selector}"));
        let body = &css[start..];
        &body[body.find('{').unwrap() + 1..body.find('}').unwrap()]
    }

    #[test]
    fn stylesheet_sets_chinese_text_rules() {
        let p = rule(STYLE, "p");
        assert!(p.contains("text-indent: 2em;") && p.contains("text-align: justify;"));
        assert!(rule(STYLE, "html").contains("line-height: 1.7;"));
        let em = rule(STYLE, "em");
        assert!(
            em.contains("font-style: normal;")
                && em.contains("text-emphasis-style: filled circle;")
        );
        let body = rule(STYLE, "body");
        let family = body.lines().find(|l| l.contains("font-family")).unwrap();
        assert!(family.trim_end().ends_with(", serif;"), "{family}");
        assert!(rule(STYLE, "figcaption").contains("text-align: center;"));
        assert!(!STYLE.contains("font-style: italic") && !STYLE.contains("text-size-adjust"));
    }

    #[test]
    fn embedded_font_is_declared() {
        let css = stylesheet(Some("fonts/body.otf"), false);
        assert!(css.starts_with("@font-face"));
        assert!(css.contains("font-family: \"bookpress-body\", \"Noto Serif CJK SC\""));
        assert!(!STYLE.contains("bookpress-body"));
    }
}
