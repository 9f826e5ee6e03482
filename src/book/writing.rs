//! `writing` in `[book]`, `[pdf]` and `[epub]`: lines or columns, per edition.

use super::manifest::{Manifest, locate};
use crate::book::model::Writing;
use crate::diag::{Diagnostic, Result};
use std::path::Path;

impl Manifest {
    /// `writing` of `[book]`, `[pdf]` and `[epub]`: the PDF's and the EPUB's, each its own
    /// table's if given, else the book's, else horizontal.
    pub fn writing(&self, file: &Path, text: &str) -> Result<(Writing, Writing)> {
        let read = |table: &str, value: Option<&str>| -> Result<Option<Writing>> {
            Ok(match value {
                None => None,
                Some("horizontal") => Some(Writing::Horizontal),
                Some("vertical") => Some(Writing::Vertical),
                Some(other) => {
                    let (line, col, width) = locate(text, table, "writing");
                    return Err(Diagnostic::error(format!("unknown writing `{other}`"))
                        .in_file(file)
                        .at(line, col)
                        .width(width)
                        .hint("use \"horizontal\" (lines, the default) or \"vertical\" (columns read right to left)".to_string())
                        .into());
                }
            })
        };
        let book = read("book", self.book.writing.as_deref())?.unwrap_or_default();
        let pdf = read("pdf", self.pdf.writing.as_deref())?.unwrap_or(book);
        let epub = read("epub", self.epub.writing.as_deref())?.unwrap_or(book);
        Ok((pdf, epub))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::book::manifest::parse;

    fn writing(toml: &str) -> Result<(Writing, Writing)> {
        let text = format!("[book]\ntitle='t'\nsections=[]\n{toml}");
        parse(&text, Path::new("book.toml"))?.writing(Path::new("book.toml"), &text)
    }

    #[test]
    fn writing_is_the_books_unless_an_edition_says_otherwise() {
        use Writing::*;
        assert_eq!(writing("").unwrap(), (Horizontal, Horizontal));
        assert_eq!(writing("writing='vertical'").unwrap(), (Vertical, Vertical));
        let pdf_only = "[pdf]\nwriting='vertical'";
        assert_eq!(writing(pdf_only).unwrap(), (Vertical, Horizontal));
        let epub_back = "writing='vertical'\n[epub]\nwriting='horizontal'";
        assert_eq!(writing(epub_back).unwrap(), (Vertical, Horizontal));
        let e = writing("[pdf]\nwriting='columns'").unwrap_err();
        let d = e.first();
        assert!(
            d.message.contains("unknown writing `columns`"),
            "{}",
            d.message
        );
        assert_eq!(d.line, 5);
    }

    #[test]
    fn tcy_is_two_to_four() {
        let tcy = |v: &str| {
            let text = format!("[book]\ntitle='t'\nsections=[]\n[pdf]\n{v}");
            let m = parse(&text, Path::new("book.toml")).unwrap();
            m.pdf.settings(Path::new("book.toml"), &text).map(|s| s.tcy)
        };
        assert_eq!(tcy("").unwrap(), 2);
        assert_eq!(tcy("tcy = 4").unwrap(), 4);
        assert!(
            tcy("tcy = 5")
                .unwrap_err()
                .first()
                .message
                .contains("out of range")
        );
        assert!(tcy("tcy = 1").is_err());
    }
}
