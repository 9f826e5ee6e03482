//! Inputs the fuzzer (fuzz/, target `build_book`) once broke, kept as regression tests that run
//! on stable: each file in tests/fuzz_cases/ is the only section of a book and goes through the
//! same pipeline and assertions as the fuzz target.

use bookpress::diag::Severity;
use bookpress::typeset::fonts::FontSet;
use std::path::Path;

fn run_case(name: &str, data: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("book.toml"),
        "[book]\ntitle = \"模糊测试\"\nsections = [\"01.md\"]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("01.md"), data).unwrap();
    let Ok(book) = bookpress::book::load(dir.path()) else {
        return;
    };
    let fonts = FontSet::load(&book.fonts).unwrap();
    let clean = !bookpress::check::check_loaded(&book, &fonts)
        .iter()
        .any(|d| d.severity == Severity::Error);
    let (cover, index) = fonts.data(fonts.heading());
    if let Ok(bytes) = bookpress::epub::write(&book, (cover, index))
        && clean
    {
        bookpress::verify::epub(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    if let Ok(doc) = bookpress::typeset::page::layout(&book, &fonts) {
        if clean {
            bookpress::verify::layout(&doc).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        if let Ok(bytes) = bookpress::pdf::render(&book, &fonts, &doc)
            && clean
        {
            let expect = bookpress::verify::PdfExpect {
                pages: doc.pages.len(),
                outline: !doc.outline.is_empty(),
            };
            bookpress::verify::pdf(&bytes, expect).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}

#[test]
fn every_kept_fuzz_case_passes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_cases");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        run_case(&p.display().to_string(), &std::fs::read(&p).unwrap());
        n += 1;
    }
    assert!(n > 0, "no cases in {}", dir.display());
}
