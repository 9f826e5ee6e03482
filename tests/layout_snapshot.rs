//! The sample book's laid-out pages as a reviewed text snapshot (pages → lines → positions,
//! see `Document::dump`), so that any change of layout shows up as a readable diff.
//!
//! After a deliberate layout change, review the new dump and accept it with
//! `INSTA_UPDATE=always cargo test --release --test layout_snapshot`, then commit the `.snap`.

use bookpress::typeset::fonts::FontSet;
use std::path::Path;

#[test]
fn sample_book_pages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let book = bookpress::book::load(&root.join("book")).expect("sample book loads");
    let fonts = FontSet::load(&book.fonts).expect("fonts load");
    let doc = bookpress::typeset::page::layout(&book, &fonts).expect("layout");
    insta::assert_snapshot!("sample_book_pages", doc.dump());
}
