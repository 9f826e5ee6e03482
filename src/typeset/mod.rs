//! The CJK typesetting engine: fonts → shaping → classes → break opportunities → paragraphs → pages.
//!
//! `fonts` loads each face once; `shape` itemises by font coverage and shapes with rustybuzz;
//! `cjk` holds the character classes and punctuation geometry; `breaks` the break opportunities
//! (UAX #14 + zh tailoring); `para` sets one paragraph into justified lines of positioned glyphs;
//! `page` flows a whole [`crate::book::model::Book`] into pages of display items that the PDF
//! writer draws (and the imposer replays).

pub mod cjk;
pub mod document;
pub mod fonts;
pub mod inline;
pub mod page;
pub mod sysfonts;
