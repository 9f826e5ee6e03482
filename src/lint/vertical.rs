//! What reads badly when a book is set vertically (`writing = "vertical"` for either edition):
//! long Latin runs, which lie on their side down the column, and tables of many columns, which
//! become as many stacked rows across the page. Half-width punctuation in Chinese text is
//! flagged for every book by the source lints already (in a column it also lies on its side).

use crate::book::model::{Block, Book, Inline, Span, Writing, plain_text};
use crate::diag::Diagnostic;

/// Latin runs with more letters than this are turned sideways for too long to read comfortably.
pub const MAX_LATIN_LETTERS: usize = 12;

/// Tables with more columns than this do not read well down the page.
pub const MAX_TABLE_COLUMNS: usize = 4;

/// The vertical-setting warnings of `book`; none when both editions are horizontal.
pub fn vertical_lints(book: &Book) -> Vec<Diagnostic> {
    if book.pdf.writing != Writing::Vertical && book.epub.writing != Writing::Vertical {
        return Vec::new();
    }
    let mut out = Vec::new();
    for s in &book.sections {
        for v in s.blocks() {
            match v.block {
                Block::Paragraph { content, span } | Block::Heading { content, span, .. } => {
                    out.extend(long_latin(&plain_text(content), span, &s.text));
                }
                Block::Table(t) => {
                    let cols = t.rows.iter().map(Vec::len).chain([t.head.len()]).max();
                    out.extend(wide_table(cols.unwrap_or(0), &t.span));
                    for cell in t.rows.iter().flatten().chain(&t.head) {
                        out.extend(long_latin(&cell_text(cell), &t.span, &s.text));
                    }
                }
                _ => {}
            }
        }
    }
    out
}

fn cell_text(cell: &[Inline]) -> String {
    plain_text(cell)
}

/// The Latin runs of `text` (ASCII letters and digits, joined by spaces and `'-.,&`) with more
/// than [`MAX_LATIN_LETTERS`] letters, each at the first line of `source` from the block's on
/// which its first word stands.
fn long_latin(text: &str, span: &Span, source: &str) -> Vec<Diagnostic> {
    latin_runs(text)
        .into_iter()
        .filter(|r| r.chars().filter(char::is_ascii_alphabetic).count() > MAX_LATIN_LETTERS)
        .map(|run| {
            let first = run.split([' ', ',', '.']).next().unwrap_or(run);
            let line = line_of(source, span.line, first);
            Diagnostic::warning(format!(
                "a Latin run of more than {MAX_LATIN_LETTERS} letters in vertical text: `{}`",
                shortened(run)
            ))
            .in_file(&span.file)
            .at(line, 0)
            .hint("it is set turned on its side down the column; shorten it, or move it to a note")
        })
        .collect()
}

fn latin_runs(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        let letter = c.is_ascii_alphanumeric();
        let joiner = matches!(c, ' ' | '\'' | '-' | '.' | ',' | '&');
        match start {
            None if c.is_ascii_alphabetic() => (start, end) = (Some(i), i + 1),
            Some(_) if letter => end = i + 1,
            Some(_) if joiner => {}
            Some(a) => {
                out.push(&text[a..end]);
                start = None;
            }
            None => {}
        }
    }
    if let Some(a) = start {
        out.push(&text[a..end]);
    }
    out
}

fn shortened(run: &str) -> String {
    if run.chars().count() > 40 {
        run.chars().take(37).collect::<String>() + "…"
    } else {
        run.to_string()
    }
}

/// The 1-based line of `source` at or after `from` holding `word`, else `from`.
fn line_of(source: &str, from: u32, word: &str) -> u32 {
    let skip = from.saturating_sub(1) as usize;
    source
        .lines()
        .enumerate()
        .skip(skip)
        .find(|(_, l)| l.contains(word))
        .map_or(from, |(i, _)| i as u32 + 1)
}

fn wide_table(columns: usize, span: &Span) -> Option<Diagnostic> {
    (columns > MAX_TABLE_COLUMNS).then(|| {
        Diagnostic::warning(format!(
            "a table of {columns} columns in vertical text (more than {MAX_TABLE_COLUMNS})"
        ))
        .in_file(&span.file)
        .at(span.line, 0)
        .hint("set vertically, each column becomes a row across the page; split the table or turn it into a list")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_latin_runs_are_found_with_their_line() {
        let span = Span {
            file: "a.md".into(),
            line: 1,
        };
        let source = "# 題\n\n子曰：見 Confucius 與 Analects of Confucius 二書。\n";
        let text = "子曰：見 Confucius 與 Analects of Confucius 二書。";
        let found = long_latin(text, &span, source);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].line, 3);
        assert!(found[0].message.contains("Analects of Confucius"));
        assert_eq!(
            latin_runs("A股 Hello, world. 好"),
            vec!["A", "Hello, world"]
        );
        assert!(wide_table(4, &span).is_none());
        assert!(wide_table(5, &span).is_some());
    }
}
