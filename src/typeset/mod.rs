//! The CJK typesetting engine: fonts → shaping → classes → break opportunities → paragraphs → pages.
//!
//! `fonts` loads each face once; `para` sets one paragraph into justified lines of positioned glyphs;
//! `page` flows a whole [`crate::book::model::Book`] into pages of display items that the PDF
//! writer draws (and the imposer replays).

pub mod fonts;
pub mod page;
pub mod para;
