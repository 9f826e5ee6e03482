//! Checks over the loaded book that need more than the Markdown: characters no font can draw.

use crate::book::model::{Block, Book, Inline, Section};
use crate::diag::Diagnostic;
use crate::typeset::fonts::FontSet;
use std::collections::BTreeSet;
use std::path::Path;

/// One error per distinct character that neither the face chosen for it nor any fallback can
/// draw, with the first place it occurs (file, line, column) and the fonts searched.
pub fn uncovered_characters(book: &Book, fonts: &FontSet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let searched = font_list(book);
    let mut report = |c: char, file: &Path, source: Option<&str>, seen: &mut BTreeSet<char>| {
        if !seen.insert(c) {
            return;
        }
        let (line, col) = source.and_then(|s| position_of(s, c)).unwrap_or((0, 0));
        out.push(
            Diagnostic::error(format!(
                "no font can draw {} (U+{:04X})",
                printable(c),
                c as u32
            ))
            .in_file(file)
            .at(line, col)
            .hint(format!(
                "fonts searched: {searched}; add a font that has it as a fallback in book.toml \
                     ([fonts] fallback = [\"...\"]), or replace the character"
            )),
        );
    };
    let meta = &book.meta;
    let toml = book.root.join("book.toml");
    let toml_text = std::fs::read_to_string(&toml).ok();
    let meta_text = [meta.title.as_str(), meta.series.as_deref().unwrap_or("")]
        .into_iter()
        .chain(meta.editors.iter().map(String::as_str))
        .chain(meta.authors.iter().map(String::as_str));
    for t in meta_text {
        for c in t.chars().filter(|c| needs_glyph(*c)) {
            if !fonts.covers(fonts.heading(), c) && !fonts.covers(fonts.body(), c) {
                report(c, Path::new("book.toml"), toml_text.as_deref(), &mut seen);
            }
        }
    }
    for s in &book.sections {
        let source = std::fs::read_to_string(book.root.join(&s.source)).ok();
        let mut missing = Vec::new();
        section_text(s, &mut |text, face| {
            for c in text.chars().filter(|c| needs_glyph(*c)) {
                let face = if face == Face::Heading {
                    fonts.heading()
                } else {
                    fonts.body()
                };
                if !fonts.covers(face, c) {
                    missing.push(c);
                }
            }
        });
        for c in missing {
            report(c, &s.source, source.as_deref(), &mut seen);
        }
    }
    out
}

fn font_list(book: &Book) -> String {
    let f = &book.fonts;
    std::iter::once(&f.body)
        .chain(std::iter::once(&f.heading))
        .chain(&f.fallback)
        .map(|f| {
            f.path.file_name().map_or_else(
                || f.path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn needs_glyph(c: char) -> bool {
    !c.is_whitespace()
        && !c.is_control()
        && !matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

fn printable(c: char) -> String {
    format!("`{c}`")
}

/// 1-based line and column (in characters) of the first `c` in `text`.
fn position_of(text: &str, c: char) -> Option<(u32, u32)> {
    let off = text.find(c)?;
    Some(crate::book::manifest::line_col(text, off))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Face {
    Body,
    Heading,
}

/// Calls `f` with every piece of text of a section and the face it is set in.
fn section_text(s: &Section, f: &mut dyn FnMut(&str, Face)) {
    f(&s.title, Face::Heading);
    for t in [&s.author, &s.kicker].into_iter().flatten() {
        f(t, Face::Body);
    }
    blocks_text(&s.blocks, f);
    for n in &s.footnotes {
        blocks_text(&n.blocks, f);
    }
}

fn blocks_text(blocks: &[Block], f: &mut dyn FnMut(&str, Face)) {
    for b in blocks {
        match b {
            Block::Heading { content, .. } => inlines_text(content, Face::Heading, f),
            Block::Paragraph { content, .. } => inlines_text(content, Face::Body, f),
            Block::Figure(fig) => {
                inlines_text(&fig.caption, Face::Body, f);
                if let Some(c) = &fig.credit {
                    f(c, Face::Body);
                }
            }
            Block::List { items, .. } => items.iter().for_each(|i| blocks_text(i, f)),
            Block::Quote { blocks, .. } => blocks_text(blocks, f),
            Block::Code { text, .. } => f(text, Face::Body),
            Block::Table(t) => {
                t.head
                    .iter()
                    .for_each(|c| inlines_text(c, Face::Heading, f));
                t.rows
                    .iter()
                    .flatten()
                    .for_each(|c| inlines_text(c, Face::Body, f));
            }
            Block::Rule { .. } => {}
        }
    }
}

fn inlines_text(inlines: &[Inline], face: Face, f: &mut dyn FnMut(&str, Face)) {
    for i in inlines {
        match i {
            Inline::Text(t) | Inline::Code(t) => f(t, face),
            Inline::Emph(c) | Inline::Strike(c) => inlines_text(c, face, f),
            Inline::Strong(c) => inlines_text(c, Face::Heading, f),
            Inline::Link { content, .. } => inlines_text(content, face, f),
            Inline::FootnoteRef { .. } | Inline::LineBreak | Inline::Image { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_counts_characters_not_bytes() {
        assert_eq!(position_of("第一行\n中文😀后", '😀'), Some((2, 3)));
        assert_eq!(position_of("abc", 'x'), None);
    }

    #[test]
    fn invisible_characters_need_no_glyph() {
        assert!(!needs_glyph(' '));
        assert!(!needs_glyph('\u{3000}'));
        assert!(!needs_glyph('\u{200B}'));
        assert!(needs_glyph('中'));
    }
}
