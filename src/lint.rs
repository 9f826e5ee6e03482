//! Lints over the Markdown sources: half-width punctuation and straight quotes inside Chinese
//! text, and the exact edits `bookpress check --fix` makes for them.

use crate::book::manifest::line_col;
use crate::book::source::is_wide;
use crate::diag::Diagnostic;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::ops::Range;
use std::path::Path;

/// One replacement of a single character in a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// Byte range of the character in the file text.
    pub range: Range<usize>,
    pub replacement: char,
}

/// Finds half-width `, ; : ? ! ( )` and straight `"` next to Chinese characters. Returns one
/// warning per character, with its line and column, and the edit that fixes it.
pub fn half_width_punctuation(text: &str, file: &Path) -> Vec<(Diagnostic, Edit)> {
    let mut out = Vec::new();
    for range in prose_ranges(text) {
        for edit in punctuation_edits(&text[range.clone()]) {
            let edit = Edit {
                range: edit.range.start + range.start..edit.range.end + range.start,
                ..edit
            };
            let found = &text[edit.range.clone()];
            let (line, col) = line_col(text, edit.range.start);
            let d = Diagnostic::warning(format!("half-width `{found}` in Chinese text"))
                .in_file(file)
                .at(line, col)
                .hint(format!(
                    "use the full-width `{}`; `bookpress check --fix` rewrites it",
                    edit.replacement
                ));
            out.push((d, edit));
        }
    }
    out
}

/// Applies edits (sorted or not) to `text`.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| e.range.start);
    let mut out = String::with_capacity(text.len() + edits.len() * 2);
    let mut at = 0;
    for e in edits {
        if e.range.start < at {
            continue;
        }
        out.push_str(&text[at..e.range.start]);
        out.push(e.replacement);
        at = e.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Byte ranges of running text in a Markdown file: not front matter, code, URLs or HTML.
fn prose_ranges(text: &str) -> Vec<Range<usize>> {
    let body_start = front_matter_end(text);
    let body = &text[body_start..];
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_FOOTNOTES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let mut ranges = Vec::new();
    let mut in_code_block = 0;
    for (event, range) in Parser::new_ext(body, opts).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block += 1,
            Event::End(TagEnd::CodeBlock) => in_code_block -= 1,
            // Only text that stands verbatim in the source can be edited in place.
            Event::Text(t) if in_code_block == 0 && body.get(range.clone()) == Some(&*t) => {
                ranges.push(range.start + body_start..range.end + body_start);
            }
            _ => {}
        }
    }
    ranges
}

/// Where the body starts: after a BOM and `+++` front matter (LF or CRLF line ends).
fn front_matter_end(text: &str) -> usize {
    let bom = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    let mut lines = text[bom..].split_inclusive('\n');
    if lines.next().map(str::trim_end) != Some("+++") {
        return bom;
    }
    let mut off = bom + 4 + usize::from(text[bom..].starts_with("+++\r"));
    for line in lines {
        off += line.len();
        if line.trim_end() == "+++" {
            return off;
        }
    }
    bom
}

/// Edits for one stretch of prose text (offsets relative to it).
fn punctuation_edits(s: &str) -> Vec<Edit> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let wide = |i: usize| chars.get(i).is_some_and(|&(_, c)| is_wide(c));
    let mut edits = Vec::new();
    let mut open_paren: Vec<(usize, bool)> = Vec::new();
    let mut quotes: Vec<usize> = Vec::new();
    for (i, &(off, c)) in chars.iter().enumerate() {
        let prev_wide = i > 0 && wide(i - 1);
        let next_wide = wide(i + 1);
        let full = match c {
            ',' | ';' | '?' | '!' if prev_wide || next_wide => Some(full_width(c)),
            // A colon between digits is a time (10:30); a URL has no wide neighbour.
            ':' if prev_wide || next_wide => Some('：'),
            '(' => {
                open_paren.push((i, prev_wide || next_wide));
                None
            }
            ')' => {
                let qualifies = prev_wide || next_wide;
                match open_paren.pop() {
                    Some((j, open_q)) if open_q || qualifies => {
                        let (o, _) = chars[j];
                        edits.push(Edit {
                            range: o..o + 1,
                            replacement: '（',
                        });
                        Some('）')
                    }
                    None if qualifies => Some('）'),
                    _ => None,
                }
            }
            '"' => {
                quotes.push(i);
                None
            }
            _ => None,
        };
        if let Some(r) = full {
            edits.push(Edit {
                range: off..off + c.len_utf8(),
                replacement: r,
            });
        }
    }
    for (j, q) in open_paren {
        if q {
            let (o, _) = chars[j];
            edits.push(Edit {
                range: o..o + 1,
                replacement: '（',
            });
        }
    }
    // Straight quotes in Chinese text become curly ones, paired in order, when they pair up.
    let touches_cjk = quotes
        .iter()
        .any(|&i| (i > 0 && wide(i - 1)) || wide(i + 1));
    if touches_cjk && quotes.len().is_multiple_of(2) {
        for (n, &i) in quotes.iter().enumerate() {
            let (o, _) = chars[i];
            edits.push(Edit {
                range: o..o + 1,
                replacement: if n % 2 == 0 { '“' } else { '”' },
            });
        }
    }
    edits.sort_by_key(|e| e.range.start);
    edits
}

fn full_width(c: char) -> char {
    char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(s: &str) -> String {
        let found = half_width_punctuation(s, Path::new("a.md"));
        apply(s, &found.into_iter().map(|(_, e)| e).collect::<Vec<_>>())
    }

    #[test]
    fn seed_style_punctuation_is_fixed() {
        assert_eq!(
            fix(
                "6月3日,全市党史学习教育经验交流会举行,会上,相关县市区和市直部门(高职院校)作了发言。有哪些好经验?\n"
            ),
            "6月3日，全市党史学习教育经验交流会举行，会上，相关县市区和市直部门（高职院校）作了发言。有哪些好经验？\n"
        );
        assert_eq!(fix("即:面对面\n"), "即：面对面\n");
    }

    #[test]
    fn latin_numbers_urls_and_code_are_left_alone() {
        for s in [
            "Hello, world (really).\n",
            "会议10:30开始\n",
            "见 https://example.org/a,b 网站\n",
            "代码 `a,b(c)` 里\n",
            "```\n中文,中文\n```\n",
        ] {
            assert_eq!(fix(s), s, "{s}");
        }
    }

    #[test]
    fn straight_quotes_pair_into_curly_ones() {
        assert_eq!(fix("他说\"你好\",然后走了。\n"), "他说“你好”，然后走了。\n");
    }

    #[test]
    fn bom_and_crlf_front_matter_are_skipped() {
        let s = "\u{FEFF}+++\r\ntitle = \"中,文\"\r\n+++\r\n\r\n中文,中文\r\n";
        assert_eq!(
            fix(s),
            "\u{FEFF}+++\r\ntitle = \"中,文\"\r\n+++\r\n\r\n中文，中文\r\n"
        );
    }

    #[test]
    fn front_matter_is_not_touched_and_positions_are_exact() {
        let s = "+++\ntitle = \"a,b\"\n+++\n\n第一段,第二句。\n";
        let found = half_width_punctuation(s, Path::new("a.md"));
        assert_eq!(found.len(), 1);
        let d = &found[0].0;
        assert_eq!((d.line, d.column), (5, 4));
        assert!(
            d.to_string()
                .starts_with("a.md:5:4: warning: half-width `,` in Chinese text")
        );
    }
}
