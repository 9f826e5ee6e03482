//! The PDF booklet: lays the book out ([`crate::typeset::page::layout`]) and draws the pages with
//! krilla: CID fonts subset with ToUnicode, nested outline, named destinations, page labels,
//! metadata with `/Lang`, JPEG passthrough, a tag tree, deterministic bytes.

pub mod draw;
pub mod font_cache;
pub mod pictures;

use crate::book::model::Book;
use crate::diag::{Diagnostic, Result};
use crate::typeset::document::{self, Document, LabelStyle, LinkItem, LinkTarget, OutlineEntry};
use crate::typeset::fonts::FontSet;
use crate::typeset::page;
use draw::{Resources, Tagger};
use krilla::action::{Action, LinkAction};
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::destination::{NamedDestination, XyzDestination};
use krilla::geom::{Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::{NumberingStyle, PageLabel, PageSettings};
use krilla::{Document as KDocument, SerializeSettings};
use std::collections::HashMap;
use std::num::NonZeroU32;

/// The whole PDF booklet of `book`, as bytes (the caller writes it atomically).
pub fn write(book: &Book, fonts: &FontSet) -> Result<Vec<u8>> {
    let doc = page::layout(book, fonts)?;
    render(book, fonts, &doc)
}

/// Draws a laid-out document into a PDF, resampling its pictures for print (without a cache).
pub fn render(book: &Book, fonts: &FontSet, doc: &Document) -> Result<Vec<u8>> {
    let pictures = crate::pictures::prepare(book, false, Some(doc), book.pdf.image_dpi, None)?;
    render_with(book, fonts, doc, &pictures.print)
}

/// Draws a laid-out document into a PDF with its pictures' print copies already made
/// (`crate::pictures::prepare`).
pub fn render_with(
    book: &Book,
    fonts: &FontSet,
    doc: &Document,
    pictures: &HashMap<pictures::PrintKey, pictures::PrintPicture>,
) -> Result<Vec<u8>> {
    let plan = draw::OutlinePlan::of(&doc.pages);
    render_pages(book, fonts, doc, doc.pages.iter(), plan, pictures, None)
}

/// [`render_with`], dropping each page once it is drawn: the glyphs of the pages drawn are
/// freed while the rest are drawn, instead of all of them living until the file is finished.
/// Font programs made before come from `fonts_made` (see [`font_cache`]).
pub fn render_owned(
    book: &Book,
    fonts: &FontSet,
    mut doc: Document,
    pictures: &HashMap<pictures::PrintKey, pictures::PrintPicture>,
    fonts_made: Option<krilla::FontProgramStoreRef>,
) -> Result<Vec<u8>> {
    // Planned from the pages before they are taken: planned after, it saw none, and every
    // page number became a form of its own.
    let plan = draw::OutlinePlan::of(&doc.pages);
    let pages = std::mem::take(&mut doc.pages);
    render_pages(
        book,
        fonts,
        &doc,
        pages.into_iter(),
        plan,
        pictures,
        fonts_made,
    )
}

/// Draws `pages` (those of `doc`, whose other parts are read from it).
fn render_pages<P: std::borrow::Borrow<document::Page>>(
    book: &Book,
    fonts: &FontSet,
    doc: &Document,
    pages: impl Iterator<Item = P>,
    plan: draw::OutlinePlan,
    pictures: &HashMap<pictures::PrintKey, pictures::PrintPicture>,
    fonts_made: Option<krilla::FontProgramStoreRef>,
) -> Result<Vec<u8>> {
    let settings = SerializeSettings {
        font_program_store: fonts_made,
        enable_tagging: true,
        configuration: krilla::configure::ConfigurationBuilder::new()
            .with_accessibility_validator(krilla::configure::Accessibility::UA1)
            .finish()
            .map_err(|e| Diagnostic::error(format!("{e:?}")))?,
        ..SerializeSettings::default()
    };
    let mut pdf = KDocument::new_with(settings);
    let mut res = Resources::with_pictures(fonts, Some(pictures));
    res.plan_outlines(plan);
    let mut tagger = Tagger::new(&doc.structure);

    let dests: HashMap<&str, NamedDestination> = doc
        .destinations
        .iter()
        .map(|d| {
            (
                d.name.as_str(),
                NamedDestination::new(
                    d.name.clone(),
                    XyzDestination::new(d.page, Point::from_xy(d.x, d.y)),
                ),
            )
        })
        .collect();

    let mut previous = None;
    let mut drawn = 0usize;
    for page in pages {
        let p = page.borrow();
        let mut ps = PageSettings::from_wh(doc.width, doc.height).ok_or_else(|| {
            Diagnostic::error(format!(
                "page size {}×{} pt is not valid",
                doc.width, doc.height
            ))
        })?;
        // A label range starts at the first page and where the style changes.
        let starts = previous != Some(p.label.style);
        previous = Some(p.label.style);
        if starts {
            let style = match p.label.style {
                LabelStyle::Arabic => NumberingStyle::Arabic,
                LabelStyle::LowerRoman => NumberingStyle::LowerRoman,
            };
            ps = ps.with_page_label(PageLabel::new(
                Some(style),
                None,
                NonZeroU32::new(p.label.number),
            ));
        }
        let mut kp = pdf.start_page_with(ps);
        let links = {
            let mut surface = kp.surface();
            let links = draw::draw_page(&mut surface, p, &mut res, (0.0, 0.0), Some(&mut tagger))?;
            surface.finish();
            links
        };
        for l in links {
            if let Some(a) = annotation(&l, &dests, &doc.structure) {
                let id = kp.add_tagged_annotation(a);
                if let Some(n) = l.node {
                    tagger.push(n, id);
                }
            }
        }
        kp.finish();
        drawn += 1;
        if drawn.is_multiple_of(128) {
            crate::build::give_back_freed_memory();
        }
    }

    // Named destinations nobody links to yet (external viewers may use `#sec-2`).
    // Sorted by their debug form (computed once each: formatting it in every comparison made this
    // the slowest step of a book with 100,000 headings), so the bytes do not depend on hashing.
    let mut names: Vec<&NamedDestination> = dests.values().collect();
    names.sort_by_cached_key(|d| format!("{d:?}"));
    for d in names {
        let _ = pdf.register_named_destination(d.clone());
    }

    let mut outline = Outline::new();
    for e in &doc.outline {
        outline.push_child(outline_node(e));
    }
    pdf.set_outline(outline);

    pdf.set_metadata(metadata(&book.meta));
    pdf.set_tag_tree(tagger.finish(&book.meta.language));

    let mut bytes = pdf
        .finish()
        .map_err(|e| Diagnostic::error(format!("the PDF writer failed: {e:?}")))?;
    drop_suspects(&mut bytes);
    if book.pdf.writing == crate::book::model::Writing::Vertical {
        open_from_the_right(&mut bytes)?;
    }
    Ok(bytes)
}

/// The document information: title, language, dates, identifier and the people named.
fn metadata(m: &crate::book::model::Metadata) -> Metadata {
    let mut meta = Metadata::new()
        .title(m.title.clone())
        .language(m.language.clone())
        .creator("bookpress".to_string())
        .producer(format!("bookpress {}", env!("CARGO_PKG_VERSION")))
        .creation_date(datetime(m.modified_unix))
        .document_id(m.identifier.clone());
    let people: Vec<String> = if m.editors.is_empty() {
        m.authors.clone()
    } else {
        m.editors.clone()
    };
    if !people.is_empty() {
        meta = meta.authors(people);
    }
    meta
}

/// A vertical book is bound on the right: `/ViewerPreferences` gets `/Direction/R2L`, so
/// viewers show spreads with the first page on the right and the print file is folded that
/// way. krilla has no setting for it; the 14 bytes go where [`drop_suspects`] freed 15 in the
/// same catalog, so every byte offset (xref) stays right.
fn open_from_the_right(bytes: &mut [u8]) -> Result<()> {
    const FROM: &[u8] =
        b"/MarkInfo<</Marked true>>               /ViewerPreferences<</DisplayDocTitle true>>";
    const TO: &[u8] =
        b"/MarkInfo<</Marked true>> /ViewerPreferences<</DisplayDocTitle true/Direction/R2L>>";
    const { assert!(FROM.len() == TO.len()) };
    let at = bytes
        .windows(FROM.len())
        .rposition(|w| w == FROM)
        .ok_or_else(|| {
            Diagnostic::error("the PDF writer's catalog has changed: cannot mark it right-to-left")
        })?;
    bytes[at..at + TO.len()].copy_from_slice(TO);
    Ok(())
}

/// krilla always writes `/MarkInfo<</Marked true/Suspects false>>` (and offers no setting for
/// it). `false` is the default of `Suspects` (ISO 32000-1, 14.7.1), but poppler up to 22.x
/// reports any *present* `Suspects` as "Syntax Error: Suspects object is wrong type", which
/// users take for a broken file. The entry is blanked out with spaces of the same length, so
/// every byte offset (xref) stays right.
fn drop_suspects(bytes: &mut [u8]) {
    const FROM: &[u8] = b"/MarkInfo<</Marked true/Suspects false>>";
    const TO: &[u8] = b"/MarkInfo<</Marked true>>";
    if let Some(at) = bytes.windows(FROM.len()).rposition(|w| w == FROM) {
        let slot = &mut bytes[at..at + FROM.len()];
        slot.fill(b' ');
        slot[..TO.len()].copy_from_slice(TO);
    }
}

fn annotation(
    l: &LinkItem,
    dests: &HashMap<&str, NamedDestination>,
    structure: &[document::StructNode],
) -> Option<Annotation> {
    let rect = Rect::from_xywh(l.x, l.y, l.width.max(0.1), l.height.max(0.1))?;
    let target = match &l.target {
        LinkTarget::Named(n) => Target::Destination(dests.get(n.as_str())?.clone().into()),
        LinkTarget::Uri(u) => Target::Action(Action::Link(LinkAction::new(u.clone()))),
    };
    // PDF/UA wants every link annotation described: the link's text, else where it goes.
    let text = l
        .node
        .and_then(|n| structure.get(n))
        .and_then(|n| n.alt.clone());
    let alt = text.or_else(|| match &l.target {
        LinkTarget::Uri(u) => Some(u.clone()),
        LinkTarget::Named(n) => Some(format!("#{n}")),
    });
    Some(Annotation::new_link(LinkAnnotation::new(rect, target), alt))
}

fn outline_node(e: &OutlineEntry) -> OutlineNode {
    let mut n = OutlineNode::new(
        e.title.clone(),
        XyzDestination::new(e.page, Point::from_xy(0.0, e.y)),
    );
    for c in &e.children {
        n.push_child(outline_node(c));
    }
    n
}

/// UTC calendar date of a Unix time (proleptic Gregorian).
fn datetime(unix: i64) -> DateTime {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, mo, d) = crate::date::civil_from_days(days);
    DateTime::new(y.clamp(0, 9999) as u16)
        .month(mo)
        .day(d)
        .hour((secs / 3600) as u8)
        .minute((secs / 60 % 60) as u8)
        .second((secs % 60) as u8)
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_time_to_calendar() {
        // 2021-06-03 12:34:56 UTC
        let d = datetime(1_622_723_696);
        let s = format!("{d:?}");
        assert!(s.contains("2021"), "{s}");
        assert!(s.contains("month: Some(6)"), "{s}");
        assert!(s.contains("day: Some(3)"), "{s}");
        assert!(s.contains("hour: Some(12)"), "{s}");
        assert!(s.contains("minute: Some(34)"), "{s}");
        assert!(s.contains("second: Some(56)"), "{s}");
    }
}
