//! Lints over the Markdown sources: half-width punctuation, straight quotes, `...` and `--`,
//! stray spaces and full-width-space indentation inside Chinese text, TeX math; and the exact
//! edits `bookpress check --fix` makes for them.
//!
//! "Inside Chinese text" is decided per mark from its context within one block (a paragraph,
//! heading, list item, table cell, caption), across emphasis and links: the nearest letter on
//! each side, skipping spaces, digits and punctuation. A letter is Chinese (an ideograph, kana,
//! hangul or a full-width mark such as `，` `》`) or Latin (any other letter, and also a code
//! span, inline HTML, math, an autolink, a bare URL or an identifier call such as
//! `env.close()`, which are never edited). A sentence mark (`, ; : ? ! ...  --`) is flagged when
//! neither side is Latin and at least one side is Chinese, so a mark inside an English run
//! (`“Hello, world!”`) stays; `.` is flagged only after a Chinese letter. A mark between two
//! digits is part of a number or a time (`3.14`, `1,000`, `10:30`) and stays. A closing quote
//! or bracket passed on the left (`“Hello”,然后`), or an opening one on the right
//! (`他说:"Hello"`), makes a Latin letter behind it not count.

//! `atoms.rs` turns each block of running text into atoms (a character, its kind, its place in
//! the file), `context.rs` judges what lies on either side of a mark, and `rules.rs` holds the
//! rules that make findings and edits from them; this file runs them over one source.

mod atoms;
mod context;
mod rules;
#[cfg(test)]
mod tests;
mod vertical;

pub use vertical::vertical_lints;

use crate::book::manifest::line_col;
use crate::diag::Diagnostic;
use atoms::segments;
use rules::seg_findings;
use std::ops::Range;
use std::path::Path;

/// One replacement of a stretch of a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Byte range in the file text.
    pub range: Range<usize>,
    /// What replaces it (empty: the stretch is deleted).
    pub replacement: String,
}

/// What the lints found in one source file, and the edits `--fix` makes for exactly the
/// findings that have a fix.
#[derive(Debug, Default)]
pub struct Lints {
    pub findings: Vec<Diagnostic>,
    pub edits: Vec<Edit>,
}

/// Lints one section source (`text` as the file has it: BOM, front matter and CRLF allowed),
/// of a zh-CN book.
pub fn lint_source(text: &str, file: &Path) -> Lints {
    lint_source_in(text, file, "zh-CN")
}

/// [`lint_source`] for a book in `language`: its quotation marks are the ones suggested for
/// straight quotes (「」 for zh-TW and zh-HK).
pub fn lint_source_in(text: &str, file: &Path, language: &str) -> Lints {
    let quotes = crate::words::for_language(language).quotes;
    let mut out = Lints::default();
    let mut indented: Vec<Edit> = Vec::new();
    let mut math: Option<usize> = None;
    for seg in segments(text, &mut math) {
        for f in seg_findings(&seg, &mut indented, quotes) {
            let (line, col) = line_col(text, f.at);
            out.findings.push(f.diagnostic.in_file(file).at(line, col));
            out.edits.extend(f.edits);
        }
    }
    if let Some(first) = indented.first() {
        let (line, col) = line_col(text, first.range.start);
        let n = indented.len();
        out.findings.push(
            Diagnostic::warning(format!(
                "{n} line{} of text {} indented with full-width spaces (U+3000)",
                if n == 1 { "" } else { "s" },
                if n == 1 { "is" } else { "are" }
            ))
            .in_file(file)
            .at(line, col)
            .hint("the PDF and the EPUB indent paragraphs themselves; `bookpress check --fix` removes these spaces"),
        );
        out.edits.extend(indented);
    }
    if let Some(at) = math {
        let (line, col) = line_col(text, at);
        out.findings.push(
            Diagnostic::warning("math is printed as its TeX source")
                .in_file(file)
                .at(line, col)
                .hint("bookpress does not typeset `$…$` math: write it as text, or as a picture"),
        );
    }
    out.findings.extend(non_printing(text, file));
    out.findings.sort_by_key(|d| (d.line, d.column));
    out.edits.sort_by_key(|e| e.range.start);
    out
}

/// One error per control character or other non-printing code point (tab and newline are
/// fine), at its place: neither output can carry them, and a terminal would act on them.
fn non_printing(text: &str, file: &Path) -> Vec<Diagnostic> {
    text.char_indices()
        .filter(|(_, c)| crate::diag::is_non_printing(*c))
        .map(|(at, c)| {
            let (line, col) = line_col(text, at);
            Diagnostic::error(format!(
                "control or other non-printing character U+{:04X} in the text",
                c as u32
            ))
            .in_file(file)
            .at(line, col)
            .hint("delete it: it prints nothing and neither the EPUB nor the PDF may carry it")
        })
        .collect()
}

/// Applies edits (sorted or not; an edit overlapping an earlier one is skipped) to `text`.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| e.range.start);
    let mut out = String::with_capacity(text.len() + edits.len() * 4);
    let mut at = 0;
    for e in edits {
        if e.range.start < at || e.range.end > text.len() {
            continue;
        }
        out.push_str(&text[at..e.range.start]);
        out.push_str(&e.replacement);
        at = e.range.end;
    }
    out.push_str(&text[at..]);
    out
}
