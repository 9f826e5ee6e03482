//! The front pages' content documents: the cover and the title page.

use super::xhtml::{document, pagebreak};
use super::xml;
use crate::book::model::Book;

/// The cover page: the cover picture, full page.
pub fn cover_page(book: &Book, src: &str) -> String {
    let body = format!(
        "<section class=\"cover\" epub:type=\"cover\">\n<img role=\"doc-cover\" src=\"{}\" alt=\"{}\"/>\n</section>\n",
        xml::attr(src),
        xml::attr(&format!("封面：{}", book.meta.title))
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
            "<p class=\"tp-people\">{}\u{3000}著</p>\n",
            xml::text(&m.authors.join("\u{3000}"))
        ));
    }
    if !m.editors.is_empty() {
        body.push_str(&format!(
            "<p class=\"tp-people\">{}\u{3000}编</p>\n",
            xml::text(&m.editors.join("\u{3000}"))
        ));
    }
    body.push_str("</section>\n");
    document(&m.language, &m.title, " epub:type=\"frontmatter\"", &body)
}
