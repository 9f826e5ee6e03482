//! Arbitrary bytes as the one section of a book, through the whole pipeline to EPUB and PDF
//! bytes in memory: load, checks, EPUB, layout, PDF. Errors are fine; a panic is a bug.
#![no_main]

use bookpress::typeset::fonts::FontSet;
use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The book folder, made once: book.toml, the sample's pictures (so inputs can name them);
/// each run rewrites only `01.md`.
fn book_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("bookpress-fuzz-")
            .tempdir()
            .expect("temp dir")
            .keep();
        std::fs::write(
            dir.join("book.toml"),
            "[book]\ntitle = \"模糊测试\"\nsections = [\"01.md\"]\n",
        )
        .expect("book.toml");
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../book/images");
        std::fs::create_dir_all(dir.join("images")).expect("images dir");
        for e in std::fs::read_dir(&sample).expect("sample images") {
            let p = e.expect("entry").path();
            if p.is_file() {
                std::fs::copy(&p, dir.join("images").join(p.file_name().unwrap())).expect("copy");
            }
        }
        dir
    })
}

/// The bundled fonts, parsed once per process (parsing Noto CJK is slow).
fn fonts(book: &bookpress::book::model::Book) -> &'static FontSet {
    static FONTS: OnceLock<FontSet> = OnceLock::new();
    FONTS.get_or_init(|| FontSet::load(&book.fonts).expect("bundled fonts load"))
}

fuzz_target!(|data: &[u8]| {
    // `check --fix` on the raw text: finding and applying the edits must not panic.
    if let Ok(text) = std::str::from_utf8(data) {
        let edits = bookpress::lint::lint_source(text, Path::new("01.md")).edits;
        let _ = bookpress::lint::apply(text, &edits);
    }
    let dir = book_dir();
    std::fs::write(dir.join("01.md"), data).expect("write section");
    let Ok(book) = bookpress::book::load(dir) else {
        return;
    };
    let fonts = fonts(&book);
    let findings = bookpress::check::check_loaded(&book, fonts);
    // A book the checks pass is one `build` would write: then what the writers produce must also
    // pass the read-back checks. Books with errors are still rendered: no panics either way.
    let clean = !findings
        .iter()
        .any(|d| d.severity == bookpress::diag::Severity::Error);
    let (cover, index) = fonts.data(fonts.heading());
    if let Ok(bytes) = bookpress::epub::write(&book, (&cover, index)) {
        if clean {
            if let Err(e) = bookpress::verify::epub(&bytes) {
                panic!("EPUB of a clean book fails verification: {e}");
            }
        }
    }
    if let Ok(doc) = bookpress::typeset::page::layout(&book, fonts) {
        if clean && let Err(e) = bookpress::verify::layout(&doc) {
            panic!("layout of a clean book fails verification: {e}");
        }
        if let Ok(bytes) = bookpress::pdf::render(&book, fonts, &doc) {
            if clean {
                let expect = bookpress::verify::PdfExpect {
                    pages: doc.pages.len(),
                    outline: !doc.outline.is_empty(),
                };
                if let Err(e) = bookpress::verify::pdf(&bytes, expect) {
                    panic!("PDF of a clean book fails verification: {e}");
                }
            }
        }
    }
});
