//! Pictures for print: resampled to 300 ppi at their placed size, small JPEGs kept byte for
//! byte, the cover picture filling page 1, and a rebuild with nothing changed decoding none.
//! The poppler tools are required (CI installs them).

mod common;

use common::Fixture;
use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba};
use std::io::Cursor;
use std::process::Command;

/// Photograph-like pixels (a gradient with grain).
fn photo(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        let grain = (x.wrapping_mul(73_856_093) ^ y.wrapping_mul(19_349_663))
            .wrapping_mul(2_654_435_761)
            >> 28;
        let v = ((x + y) / 20 % 200) as u8 + grain as u8;
        Rgb([v, 255 - v, v / 2 + 60])
    })
}

fn encode(pic: DynamicImage, fmt: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    pic.write_to(&mut Cursor::new(&mut out), fmt).unwrap();
    out
}

/// A large PNG with a transparent corner, a large JPEG and a small JPEG.
fn illustrated(cover: Option<Vec<u8>>) -> (Fixture, Vec<u8>) {
    let mut png = DynamicImage::ImageRgb8(photo(3000, 2000)).to_rgba8();
    png.put_pixel(0, 0, Rgba([0, 0, 0, 0]));
    let png = encode(DynamicImage::ImageRgba8(png), ImageFormat::Png);
    let big = encode(
        DynamicImage::ImageRgb8(photo(2400, 1600)),
        ImageFormat::Jpeg,
    );
    let small = encode(DynamicImage::ImageRgb8(photo(200, 100)), ImageFormat::Jpeg);
    let toml = if cover.is_some() {
        format!("{}cover = \"cover.png\"\n", common::TOML)
    } else {
        common::TOML.to_string()
    };
    let md = "# 图片\n\n正文。\n\n![大图 PNG](big.png)\n\n正文。\n\n![大图 JPEG](big.jpg)\n\n\
              正文。\n\n![小图](small.jpg)\n";
    let mut files: Vec<(&str, &[u8])> = vec![
        ("book.toml", toml.as_bytes()),
        ("a.md", md.as_bytes()),
        ("big.png", &png),
        ("big.jpg", &big),
        ("small.jpg", &small),
    ];
    if let Some(c) = &cover {
        files.push(("cover.png", c));
    }
    (Fixture::new(&files), small)
}

fn pdf_of(f: &Fixture) -> std::path::PathBuf {
    f.out().join("book.pdf")
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("`{name}` is required (apt-get install poppler-utils): {e}"));
    assert!(out.status.success(), "{name} {args:?} failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `pdfimages -list` rows of image XObjects: (width, height, encoding, x-ppi).
fn images(pdf: &std::path::Path) -> Vec<(u32, u32, String, u32)> {
    let list = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
    list.lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|c| c[2] == "image")
        .map(|c| {
            (
                c[3].parse().unwrap(),
                c[4].parse().unwrap(),
                c[8].to_string(),
                c[12].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn large_pictures_are_resampled_to_300_ppi_and_a_small_jpeg_is_kept() {
    let (f, small) = illustrated(None);
    f.builds();
    let found = images(&pdf_of(&f));
    assert_eq!(found.len(), 3, "{found:?}");
    // The two large ones: resampled to 300 pixels per inch of placed size (pdfimages rounds).
    let large: Vec<_> = found.iter().filter(|i| i.0 > 200).collect();
    assert_eq!(large.len(), 2, "{found:?}");
    for (w, h, _, ppi) in &large {
        assert!((299..=301).contains(ppi), "{w}×{h} at {ppi} ppi: {found:?}");
        assert!(*w < 2400, "{w}×{h} was not shrunk");
    }
    // The PNG has a transparent corner: laid over the white page, a photograph, it is smaller
    // as JPEG and goes as one with no soft mask; the JPEG stays JPEG.
    let encodings: Vec<_> = large.iter().map(|i| i.2.as_str()).collect();
    assert_eq!(encodings, ["jpeg", "jpeg"], "{found:?}");
    let list = tool("pdfimages", &["-list", pdf_of(&f).to_str().unwrap()]);
    assert!(!list.contains("smask"), "{list}");
    // The small JPEG at its own resolution, byte for byte (pdfimages -j writes DCT data as is).
    assert!(
        found
            .iter()
            .any(|i| (i.0, i.1) == (200, 100) && i.2 == "jpeg")
    );
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("x");
    tool(
        "pdfimages",
        &["-j", pdf_of(&f).to_str().unwrap(), prefix.to_str().unwrap()],
    );
    let kept = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| std::fs::read(e.unwrap().path()).ok())
        .any(|b| b == small);
    assert!(kept, "the small JPEG is not in the PDF byte for byte");
}

#[test]
fn a_rebuild_with_nothing_changed_decodes_no_picture_and_gives_the_same_bytes() {
    let (f, _) = illustrated(None);
    let first = f.build_with(Vec::new()).unwrap();
    assert_eq!(first.pictures.decoded, 2, "{:?}", first.pictures);
    let bytes =
        |f: &Fixture| ["book.epub", "book.pdf"].map(|n| std::fs::read(f.out().join(n)).unwrap());
    let before = bytes(&f);
    let second = f.build_with(Vec::new()).unwrap();
    assert_eq!(second.pictures.decoded, 0, "{:?}", second.pictures);
    assert!(second.pictures.cached >= 2, "{:?}", second.pictures);
    assert_eq!(bytes(&f), before);
    // The cache changes nothing but the time: without it, the same bytes again.
    std::fs::remove_dir_all(f.out().join(".bookpress-cache")).unwrap();
    let third = f.build_with(Vec::new()).unwrap();
    assert_eq!(third.pictures.decoded, 2);
    assert_eq!(bytes(&f), before);
    // The commit leaves the cache alone, and nothing else is left beside the outputs.
    assert!(f.out().join(".bookpress-cache/pictures").is_dir());
    assert_eq!(f.out_names(), ["book.epub", "book.pdf"]);
}

/// The picture cache's entries, sorted.
fn cache_entries(f: &Fixture) -> Vec<String> {
    let dir = f.out().join(".bookpress-cache/pictures");
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    v.sort();
    v
}

#[test]
fn the_picture_cache_drops_what_the_book_no_longer_uses() {
    use bookpress::build::Format;
    let (f, _) = illustrated(None);
    f.build_with(Vec::new()).unwrap();
    let all = cache_entries(&f);
    // The large PNG and JPEG: an EPUB copy and a print copy each.
    assert_eq!(all.len(), 4, "{all:?}");

    // The PNG taken out of the book: its copies go, the JPEG's stay and are used.
    let md = "# 图片\n\n正文。\n\n![大图 JPEG](big.jpg)\n\n正文。\n\n![小图](small.jpg)\n";
    f.write("a.md", md.as_bytes());
    let b = f.build_with(Vec::new()).unwrap();
    assert_eq!(b.pictures.decoded, 0, "{:?}", b.pictures);
    let left = cache_entries(&f);
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(
        left.iter().all(|e| all.contains(e)),
        "{left:?} not in {all:?}"
    );

    // An EPUB-only build keeps the print copies of the pictures it shows (the next PDF
    // build wants them), and the PDF build after it decodes nothing.
    f.build_with(vec![Format::Epub]).unwrap();
    assert_eq!(cache_entries(&f), left);
    let b = f.build_with(vec![Format::Pdf]).unwrap();
    assert_eq!(b.pictures.decoded, 0, "{:?}", b.pictures);
    assert_eq!(cache_entries(&f), left);

    // Nor does an EPUB-only build drop the print copy of a picture the EPUB takes as it is.
    let mid = encode(
        DynamicImage::ImageRgb8(photo(1600, 1000)),
        ImageFormat::Jpeg,
    );
    f.write("mid.jpg", &mid);
    f.write("a.md", format!("{md}\n![中图](mid.jpg)\n").as_bytes());
    let b = f.build_with(Vec::new()).unwrap();
    assert_eq!(b.pictures.decoded, 1, "{:?}", b.pictures);
    let with_mid = cache_entries(&f);
    assert_eq!(with_mid.len(), 3, "{with_mid:?}");
    let e = f.build_with(vec![Format::Epub]).unwrap();
    assert_eq!(e.pictures.decoded, 0, "{:?}", e.pictures);
    assert_eq!(cache_entries(&f), with_mid);
    let b = f.build_with(Vec::new()).unwrap();
    assert_eq!(b.pictures.decoded, 0, "{:?}", b.pictures);
    let left = with_mid;

    // A failed build prunes nothing, whatever it got as far as.
    f.write("a.md", "# 图片\n\n![坏图](bad.png)\n".as_bytes());
    f.write("bad.png", b"not a picture");
    assert!(f.build_with(Vec::new()).is_err());
    assert_eq!(cache_entries(&f), left);
}

#[test]
fn a_cover_picture_fills_page_one_and_the_drawn_cover_follows() {
    // Wider than the page: its sides are cut off, red in the middle, blue at the edges.
    let cover = RgbImage::from_fn(2400, 2400, |x, _| {
        if (300..2100).contains(&x) {
            Rgb([220, 20, 20])
        } else {
            Rgb([20, 20, 220])
        }
    });
    let (f, _) = illustrated(Some(encode(
        DynamicImage::ImageRgb8(cover),
        ImageFormat::Png,
    )));
    let warnings = f.builds();
    assert!(
        warnings.iter().all(|w| !w.message.contains("cover")),
        "{warnings:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("p");
    tool(
        "pdftoppm",
        &[
            "-r",
            "40",
            "-f",
            "1",
            "-l",
            "3",
            "-png",
            pdf_of(&f).to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let page = |n: u32| {
        image::open(dir.path().join(format!("p-{n}.png")))
            .unwrap()
            .to_rgb8()
    };
    let one = page(1);
    let (w, h) = one.dimensions();
    for (x, y) in [
        (0, 0),
        (w - 1, 0),
        (0, h - 1),
        (w - 1, h - 1),
        (w / 2, h / 2),
    ] {
        let Rgb([r, g, b]) = *one.get_pixel(x, y);
        assert!(
            r > 180 && g < 70 && b < 70,
            "page 1 at ({x}, {y}) is {r},{g},{b}"
        );
    }
    // Page 2 is the blank verso, page 3 the drawn cover with the title.
    let text = tool(
        "pdftotext",
        &["-f", "3", "-l", "3", pdf_of(&f).to_str().unwrap(), "-"],
    );
    assert!(text.contains("测试"), "{text}");
    let text = tool(
        "pdftotext",
        &["-f", "1", "-l", "2", pdf_of(&f).to_str().unwrap(), "-"],
    );
    assert!(text.trim().is_empty(), "{text}");
}

#[test]
fn a_cover_picture_too_small_for_the_page_is_a_warning_at_its_key() {
    let cover = encode(DynamicImage::ImageRgb8(photo(200, 300)), ImageFormat::Png);
    let (f, _) = illustrated(Some(cover));
    let warnings = f.builds();
    let w = warnings
        .iter()
        .find(|w| w.message.contains("cover picture"))
        .expect("a warning about the cover");
    assert!(w.message.contains("pixels per inch"), "{}", w.message);
    assert_eq!(
        w.file.as_deref(),
        Some(f.book().join("book.toml").as_path())
    );
    assert_eq!(w.line, 4, "the line of `cover = …`");
}

#[test]
fn lists_true_adds_a_list_of_figures_with_their_pages_and_a_bookmark() {
    let png = encode(DynamicImage::ImageRgb8(photo(300, 200)), ImageFormat::Png);
    let fill = "正文内容。".repeat(60);
    let a = format!(
        "# 第一章\n\n{fill}\n\n![强化学习示意](a.png)\n\n{}![第二幅图](a.png)\n\n{fill}\n",
        format!("{fill}\n\n").repeat(6)
    );
    let b = format!("# 第二章\n\n{fill}\n\n![第三幅图](a.png)\n");
    let toml = |lists: &str| {
        format!("[book]\ntitle = \"图书\"\nsections = [\"a.md\", \"b.md\"]\n[pdf]\n{lists}\n")
    };
    let with = toml("lists = true");
    let f = Fixture::new(&[
        ("book.toml", with.as_bytes()),
        ("a.md", a.as_bytes()),
        ("b.md", b.as_bytes()),
        ("a.png", &png),
    ]);
    let book = bookpress::book::load(&f.book()).expect("loads");
    let fonts = bookpress::typeset::fonts::FontSet::load(&book.fonts).expect("fonts");
    let doc = bookpress::typeset::page::layout(&book, &fonts).expect("layout");
    // The bookmark comes first (the list is before the body) and points at the list's page.
    let mark = &doc.outline[0];
    assert_eq!(mark.title, "图目录");
    let list_page = mark.page;
    // The pages each figure is on, by their printed numbers.
    let folios: Vec<String> = doc
        .pages
        .iter()
        .flat_map(|p| {
            p.items
                .iter()
                .filter(|it| matches!(it, bookpress::typeset::document::Item::Image(_)))
                .map(|_| p.label.text())
        })
        .collect();
    assert_eq!(folios.len(), 3);
    assert_ne!(folios[0], folios[1], "the figures are on different pages");
    // The list's page in the PDF: each figure's label, caption and page number on one line.
    f.builds();
    let n = (list_page + 1).to_string();
    let text = tool(
        "pdftotext",
        &[
            "-layout",
            "-f",
            &n,
            "-l",
            &n,
            pdf_of(&f).to_str().unwrap(),
            "-",
        ],
    );
    assert!(text.contains("图目录"), "{text}");
    for (k, caption) in ["强化学习示意", "第二幅图", "第三幅图"].iter().enumerate() {
        let line = text
            .lines()
            .find(|l| l.contains(caption))
            .unwrap_or_else(|| panic!("{caption} not listed:\n{text}"));
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[0], format!("图{}", k + 1), "{line}");
        assert_eq!(words.last(), Some(&folios[k].as_str()), "{line}");
    }
    // Without the key there is no list.
    let without = toml("");
    let g = Fixture::new(&[
        ("book.toml", without.as_bytes()),
        ("a.md", a.as_bytes()),
        ("b.md", b.as_bytes()),
        ("a.png", &png),
    ]);
    g.builds();
    let all = tool("pdftotext", &[pdf_of(&g).to_str().unwrap(), "-"]);
    assert!(!all.contains("图目录"), "{all}");
}
