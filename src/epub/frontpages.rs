//! The front pages' content documents: the cover and the title page.

use super::xhtml::{document, pagebreak};
use super::xml;
use crate::book::model::Book;

/// The cover page: the cover picture, full page.
pub fn cover_page(book: &Book, src: &str) -> String {
    let body = format!(
        "<section class=\"cover\" epub:type=\"cover\">\n<img role=\"doc-cover\" src=\"{}\" alt=\"{}\"/>\n</section>\n",
        xml::attr(src),
        xml::attr(&crate::words::for_language(&book.meta.language).cover_alt(&book.meta.title))
    );
    document(
        &book.meta.language,
        &book.meta.title,
        " class=\"cover\" epub:type=\"cover\"",
        &body,
    )
}

/// The title page: series, title, editors and authors; `marks` are the folios of the print
/// pages that begin with it (the booklet's cover shows the same).
pub fn title_page(book: &Book, marks: &[String]) -> String {
    let m = &book.meta;
    let words = crate::words::for_language(&m.language);
    let mut body = String::from("<section class=\"titlepage\" epub:type=\"titlepage\">\n");
    for label in marks {
        body.push_str(&pagebreak(label));
    }
    if let Some(s) = m.series.as_deref().filter(|s| !s.trim().is_empty()) {
        body.push_str(&format!("<p class=\"tp-series\">{}</p>\n", xml::text(s)));
    }
    body.push_str(&format!(
        "<h1 class=\"tp-title\">{}</h1>\n",
        xml::text(&m.title)
    ));
    if !m.authors.is_empty() {
        body.push_str(&format!(
            "<p class=\"tp-people\">{}</p>\n",
            xml::text(&words.written_by(&m.authors))
        ));
    }
    if !m.editors.is_empty() {
        body.push_str(&format!(
            "<p class=\"tp-people\">{}</p>\n",
            xml::text(&words.edited_by(&m.editors))
        ));
    }
    body.push_str("</section>\n");
    document(&m.language, &m.title, " epub:type=\"frontmatter\"", &body)
}
