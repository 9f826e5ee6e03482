//! Finalize: page labels (roman front matter, arabic body), running heads and folios, and the
//! outline (bookmarks) from the destinations the paginator recorded.

use crate::book::model::{self, Block, Book};
use crate::diag::Result;
use crate::typeset::document::{
    ArtifactKind, Destination, Item, LabelStyle, LineItem, OutlineEntry, PageLabel,
};
use crate::typeset::inline;
use crate::typeset::page::geometry::SMALL;
use crate::typeset::page::runs::{ItemLine, Segment, TextStyle, push_seg};
use crate::typeset::page::setter::Setter;
use std::collections::HashMap;

pub(super) fn label_for(index: usize, body_start: usize) -> PageLabel {
    if index >= body_start {
        PageLabel {
            style: LabelStyle::Arabic,
            number: (index - body_start + 1) as u32,
        }
    } else {
        PageLabel {
            style: LabelStyle::LowerRoman,
            number: index as u32 + 1,
        }
    }
}

impl Setter<'_> {
    /// Page number (foot, centred) and running head (book title on versos, section title on
    /// rectos, with a hairline under it), both artifacts.
    pub(super) fn decorate(
        &mut self,
        index: usize,
        label: &PageLabel,
        opening: bool,
        head: Option<&str>,
        items: &mut Vec<Item>,
    ) -> Result<()> {
        let size = self.g.size * SMALL;
        let x = self.g.left(index);
        let w = self.g.measure;
        let num = label.text();
        let mut seg = Segment::default();
        push_seg(
            &mut seg,
            &num,
            self.cur(self.fonts.body(), size, None),
            None,
        );
        let lines = self.set_lines(&[seg], w, 0.0, inline::TextAlign::Center)?;
        let foot = self.g.top + self.g.area_h + self.g.pitch * 0.9;
        let mut extra = Vec::new();
        self.stack(lines, size, x, foot, &mut extra);
        for it in &mut extra {
            if let Item::Glyphs(g) = it {
                g.artifact = ArtifactKind::PageNumber;
            }
        }
        if !opening {
            let text = if index.is_multiple_of(2) {
                head.unwrap_or(&self.book.meta.title)
            } else {
                &self.book.meta.title
            };
            let mut seg = Segment::default();
            push_seg(
                &mut seg,
                text,
                TextStyle {
                    gray: 0.25,
                    ..self.cur(self.fonts.body(), size, None)
                },
                None,
            );
            let lines = self.set_lines(&[seg], w, 0.0, inline::TextAlign::Center)?;
            let lines: Vec<ItemLine> = lines.into_iter().take(1).collect();
            let rule_y = self.g.top - self.g.pitch * 0.45;
            let mut hd = Vec::new();
            self.stack(lines, size * 1.2, x, rule_y - size * 1.45, &mut hd);
            for it in &mut hd {
                if let Item::Glyphs(g) = it {
                    g.artifact = ArtifactKind::Header;
                }
            }
            extra.extend(hd);
            extra.push(Item::Line(LineItem {
                x0: x,
                x1: x + w,
                y0: rule_y,
                y1: rule_y,
                width: 0.3,
                node: None,
                artifact: ArtifactKind::Header,
            }));
        }
        // Strip structure from decoration (artifacts).
        for it in &mut extra {
            if let Item::Glyphs(g) = it {
                g.node = None;
            }
        }
        items.extend(extra);
        Ok(())
    }
}
/// Headings in reading order as a tree: each under the nearest heading before it of a higher
/// level (`###` under `##`; a `####` after a `##` directly under it).
fn nest(headings: impl Iterator<Item = (u8, OutlineEntry)>) -> Vec<OutlineEntry> {
    let mut out = Vec::new();
    let mut open: Vec<(u8, OutlineEntry)> = Vec::new();
    let close = |open: &mut Vec<(u8, OutlineEntry)>, out: &mut Vec<OutlineEntry>| {
        if let Some((_, e)) = open.pop() {
            match open.last_mut() {
                Some((_, parent)) => parent.children.push(e),
                None => out.push(e),
            }
        }
    };
    for (level, e) in headings {
        while open.last().is_some_and(|(l, _)| *l >= level) {
            close(&mut open, &mut out);
        }
        open.push((level, e));
    }
    while !open.is_empty() {
        close(&mut open, &mut out);
    }
    out
}

/// Bookmarks as the book's outline nests them: parts, chapters, sub-chapters, and each
/// section's headings at every level, nested.
pub(super) fn outline_entries(
    book: &Book,
    nodes: &[model::OutlineNode],
    dests: &HashMap<&str, &Destination>,
) -> Vec<OutlineEntry> {
    let mut out = Vec::new();
    for n in nodes {
        match n {
            model::OutlineNode::Part { index, children } => {
                let p = &book.parts[*index];
                let first = &book.sections[p.first].id;
                if let Some(d) = dests.get(first.as_str()) {
                    out.push(OutlineEntry {
                        title: p.title.clone(),
                        dest: first.clone(),
                        page: d.page,
                        y: d.y,
                        children: outline_entries(book, children, dests),
                    });
                }
            }
            model::OutlineNode::Section { index, children } => {
                let s = &book.sections[*index];
                let Some(d) = dests.get(s.id.as_str()) else {
                    continue;
                };
                let mut e = OutlineEntry {
                    title: s.title.clone(),
                    dest: s.id.clone(),
                    page: d.page,
                    y: d.y,
                    children: Vec::new(),
                };
                let headings = s.blocks.iter().filter_map(|b| match b {
                    Block::Heading {
                        level,
                        id,
                        content: c,
                        ..
                    } => dests.get(id.as_str()).map(|hd| {
                        let entry = OutlineEntry {
                            title: model::plain_text(c),
                            dest: id.clone(),
                            page: hd.page,
                            y: hd.y,
                            children: Vec::new(),
                        };
                        // A `#` inside a section is set as `##` (the section title is the `#`).
                        ((*level).clamp(2, 6), entry)
                    }),
                    _ => None,
                });
                e.children = nest(headings);
                e.children.extend(outline_entries(book, children, dests));
                out.push(e);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(title: &str) -> OutlineEntry {
        OutlineEntry {
            title: title.to_string(),
            dest: title.to_string(),
            page: 0,
            y: 0.0,
            children: Vec::new(),
        }
    }

    /// The tree as `title(children…)`.
    fn shape(entries: &[OutlineEntry]) -> String {
        entries
            .iter()
            .map(|e| match e.children.is_empty() {
                true => e.title.clone(),
                false => format!("{}({})", e.title, shape(&e.children)),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn headings_nest_at_every_level() {
        let levels = [
            (2, "a"),
            (3, "b"),
            (4, "c"),
            (6, "d"),
            (3, "e"),
            (2, "f"),
            (4, "g"),
        ];
        let tree = nest(levels.iter().map(|&(l, t)| (l, entry(t))));
        assert_eq!(shape(&tree), "a(b(c(d)) e) f(g)");
    }

    #[test]
    fn labels_switch_to_arabic_at_body() {
        assert_eq!(label_for(0, 5).text(), "i");
        assert_eq!(label_for(4, 5).text(), "v");
        assert_eq!(label_for(5, 5).text(), "1");
        assert_eq!(label_for(8, 5).text(), "4");
    }
}
