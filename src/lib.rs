//! bookpress: compile a book folder of Chinese Markdown sections into an EPUB 3 and a PDF booklet.
//!
//! Data flows one way: [`book::load`] reads `book.toml`, the sections and their pictures into
//! the [`book::model::Book`]; the EPUB writer and the PDF layout each take only that model.

pub mod book;
pub mod build;
pub mod check;
pub mod cjk;
pub mod date;
pub mod diag;
pub mod epub;
pub mod fetch;
pub mod highlight;
pub mod impose;
pub mod lint;
pub mod new;
pub mod output;
pub mod pdf;
pub mod pictures;
pub mod typeset;
pub mod units;
pub mod verify;
pub mod watch;
pub mod words;
