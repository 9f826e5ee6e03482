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

use crate::book::manifest::line_col;
use crate::book::markdown::FrontKind;
use crate::cjk::is_wide;
use crate::diag::Diagnostic;
use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};
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
    out.findings.sort_by_key(|d| (d.line, d.column));
    out.edits.sort_by_key(|e| e.range.start);
    out
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

/// What a character counts as when deciding whether the text around a mark is Chinese.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Ideographs, kana, hangul, full-width marks.
    Han,
    /// Any other letter.
    Latin,
    /// Code spans, inline HTML, math, autolinks, bare URLs and identifier calls: never edited,
    /// and looked through, like punctuation, when judging the context of a mark.
    Opaque,
    Digit,
    Space,
    Punct,
}

#[derive(Debug, Clone, Copy)]
struct Atom {
    c: char,
    /// Byte offset in the file, when the character stands verbatim there (only those are edited).
    off: Option<usize>,
    kind: Kind,
}

/// The atom standing for something that is not prose (code span, inline HTML, math, autolink).
const OPAQUE: Atom = Atom {
    c: '\u{FFFC}',
    off: None,
    kind: Kind::Opaque,
};

fn kind_of(c: char) -> Kind {
    if c.is_whitespace() {
        Kind::Space
    } else if matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·') {
        // Used in Chinese and English text alike.
        Kind::Punct
    } else if is_wide(c) {
        Kind::Han
    } else if c.is_numeric() {
        Kind::Digit
    } else if c.is_alphabetic() {
        Kind::Latin
    } else {
        Kind::Punct
    }
}

/// Splits the Markdown body into blocks of running text, as atoms. Code blocks, HTML blocks and
/// front matter are left out; `math` gets the offset of the first `$…$`.
fn segments(text: &str, math: &mut Option<usize>) -> Vec<Vec<Atom>> {
    let body_start = front_matter_end(text);
    let body = &text[body_start..];
    let opts = crate::book::markdown::options();
    let maths = math_ranges(body, opts);
    *math = maths.first().map(|r| r.start + body_start);
    let mut segs = Vec::new();
    let mut cur: Vec<Atom> = Vec::new();
    let mut in_code_block = 0u32;
    let mut in_autolink = 0u32;
    let flush = |cur: &mut Vec<Atom>, segs: &mut Vec<Vec<Atom>>| {
        if !cur.is_empty() {
            segs.push(std::mem::take(cur));
        }
    };
    for (event, range) in Parser::new_ext(body, opts).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => {
                flush(&mut cur, &mut segs);
                in_code_block += 1;
            }
            Event::End(TagEnd::CodeBlock) => in_code_block = in_code_block.saturating_sub(1),
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => {
                in_autolink += 1;
                cur.push(OPAQUE);
            }
            Event::End(TagEnd::Link) if in_autolink > 0 => in_autolink -= 1,
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. })
            | Event::End(
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link,
            ) => {}
            Event::Start(_) | Event::End(_) => flush(&mut cur, &mut segs),
            Event::Text(_) if in_code_block > 0 || in_autolink > 0 => {}
            Event::Text(t) => {
                let verbatim = body.get(range.clone()) == Some(&*t);
                // A backslash-escaped mark (`\\,`) is text that starts right after the backslash:
                // written that way on purpose, so it is context but never edited.
                let escaped = body[..range.start].ends_with('\\');
                let base = range.start + body_start;
                cur.extend(t.char_indices().map(|(i, c)| Atom {
                    c,
                    off: (verbatim && !(escaped && i == 0)).then_some(base + i),
                    kind: kind_of(c),
                }));
            }
            Event::Code(_) | Event::InlineHtml(_) | Event::FootnoteReference(_) => cur.push(OPAQUE),
            Event::InlineMath(_) | Event::DisplayMath(_) => cur.push(OPAQUE),
            Event::SoftBreak | Event::HardBreak => cur.push(Atom {
                c: '\n',
                off: None,
                kind: Kind::Space,
            }),
            Event::Html(_) | Event::Rule | Event::TaskListMarker(_) => flush(&mut cur, &mut segs),
        }
    }
    flush(&mut cur, &mut segs);
    for seg in &mut segs {
        for a in seg.iter_mut() {
            if let Some(o) = a.off
                && maths.iter().any(|r| r.contains(&(o - body_start)))
            {
                a.kind = Kind::Opaque;
            }
        }
        mark_urls_and_identifiers(seg);
    }
    segs
}

/// Byte ranges (in `body`) of `$…$` and `$$…$$` math. The text is parsed without math so that a
/// `$` inside a code span never opens or closes it (`` `$PATH` ``), and what pulldown-cmark
/// takes for math is kept only when it is likely to be: no backtick and no Chinese inside, and,
/// for `$…$`, no digit right after the closing `$` (Pandoc's rule: `$5 涨到 $10` is prices).
fn math_ranges(body: &str, opts: Options) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for (event, range) in Parser::new_ext(body, opts | Options::ENABLE_MATH).into_offset_iter() {
        let (tex, inline) = match &event {
            Event::InlineMath(t) => (t, true),
            Event::DisplayMath(t) => (t, false),
            _ => continue,
        };
        let price = inline && body[range.end..].starts_with(|c: char| c.is_ascii_digit());
        if !price && !tex.contains('`') && !tex.chars().any(is_wide) {
            out.push(range);
        }
    }
    out
}

/// Makes bare URLs, e-mail addresses and identifier calls (`env.close()`, `print("你好")`)
/// count as Latin, so that nothing in them is flagged or edited.
fn mark_urls_and_identifiers(seg: &mut [Atom]) {
    let mut i = 0;
    while i < seg.len() {
        let word = |a: &Atom| !matches!(a.kind, Kind::Space | Kind::Han) && a.off.is_some();
        if !word(&seg[i]) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < seg.len() && word(&seg[j]) {
            j += 1;
        }
        let s: String = seg[i..j].iter().map(|a| a.c).collect();
        let url = s.contains("://")
            || s.to_ascii_lowercase().starts_with("www.")
            || s.split_once('@').is_some_and(|(a, b)| {
                a.chars().last().is_some_and(|c| c.is_ascii_alphanumeric()) && b.contains('.')
            });
        if url {
            seg[i..j].iter_mut().for_each(|a| a.kind = Kind::Opaque);
        }
        i = j;
    }
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut i = 1;
    while i < seg.len() {
        if seg[i].c == '(' && ident(seg[i - 1].c) {
            let mut start = i - 1;
            while start > 0 && (ident(seg[start - 1].c) || matches!(seg[start - 1].c, '.' | ':')) {
                start -= 1;
            }
            let mut depth = 0;
            let mut end = i;
            for (k, a) in seg.iter().enumerate().skip(i) {
                match a.c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                end = k;
                if depth == 0 {
                    break;
                }
            }
            if depth != 0 {
                end = i;
            }
            seg[start..=end]
                .iter_mut()
                .for_each(|a| a.kind = Kind::Opaque);
            i = end + 1;
        } else {
            i += 1;
        }
    }
}

/// Where the body starts: after a BOM and the front matter the loader reads (`+++` TOML or
/// `---` YAML; LF or CRLF line ends).
fn front_matter_end(text: &str) -> usize {
    let bom = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    let Some(fence) = crate::book::markdown::fence(text) else {
        return bom;
    };
    match (fence.kind, fence.body) {
        (FrontKind::Toml, Some(body)) => body,
        // As the loader reads it: YAML front matter, or a rule and prose.
        (FrontKind::Yaml, Some(body)) if crate::book::yaml::split(&text[bom..]).is_some() => body,
        _ => bom,
    }
}

/// The context on one side of a mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Han,
    Latin,
    /// Nothing but digits, spaces and punctuation up to the block's end, or a Latin letter
    /// behind a closing (left) or opening (right) quote or bracket.
    Other,
}

fn closes(c: char) -> bool {
    matches!(c, '”' | '’' | '"' | ')' | ']')
}

fn opens(c: char) -> bool {
    matches!(c, '“' | '‘' | '"' | '(' | '[')
}

/// The nearest letter before `i` (exclusive), not looking past `stop`.
fn left_ctx(seg: &[Atom], i: usize, stop: usize) -> Ctx {
    let mut passed = false;
    for a in seg[stop..i].iter().rev() {
        match a.kind {
            Kind::Han => return Ctx::Han,
            Kind::Latin => return if passed { Ctx::Other } else { Ctx::Latin },
            _ => passed |= closes(a.c),
        }
    }
    Ctx::Other
}

/// The nearest letter from `i` on (inclusive), not looking at `stop` or past it.
fn right_ctx(seg: &[Atom], i: usize, stop: usize) -> Ctx {
    let mut passed = false;
    for a in &seg[i.min(stop)..stop] {
        match a.kind {
            Kind::Han => return Ctx::Han,
            Kind::Latin => return if passed { Ctx::Other } else { Ctx::Latin },
            _ => passed |= opens(a.c),
        }
    }
    Ctx::Other
}

/// The text around is Chinese: neither side Latin, at least one side Chinese.
fn chinese(l: Ctx, r: Ctx) -> bool {
    l != Ctx::Latin && r != Ctx::Latin && (l == Ctx::Han || r == Ctx::Han)
}

struct Found {
    at: usize,
    diagnostic: Diagnostic,
    edits: Vec<Edit>,
}

fn half_width(at: usize, found: &str, full: &str, edits: Vec<Edit>) -> Found {
    Found {
        at,
        diagnostic: Diagnostic::warning(format!("half-width `{found}` in Chinese text")).hint(
            format!("use the full-width `{full}`; `bookpress check --fix` rewrites it"),
        ),
        edits,
    }
}

fn edit(a: &Atom, len: usize, replacement: &str) -> Option<Edit> {
    a.off.map(|o| Edit {
        range: o..o + len,
        replacement: replacement.to_string(),
    })
}

/// The edit making the mark at `i` full-width. A full-width mark carries its own spacing, so
/// the spaces after it (before it, for `(`) go too, unless a Latin letter is beyond them or
/// the line ends there: `是 `x`, 而` → `是 `x`，而`, `区间 (变量` → `区间（变量`. Returns the
/// mark's offset (for the message) and the edit.
fn full_edit(seg: &[Atom], i: usize, replacement: &str) -> Option<(usize, Edit)> {
    let at = seg[i].off?;
    let mut range = at..at + seg[i].c.len_utf8();
    let blank = |a: &Atom| matches!(a.c, ' ' | '\t') && a.off.is_some();
    if seg[i].c == '(' {
        let mut k = i;
        while k > 0 && blank(&seg[k - 1]) {
            k -= 1;
        }
        if k < i && k > 0 && seg[k - 1].kind != Kind::Latin && source_run(seg, k, i + 1).is_some() {
            range.start = seg[k].off.unwrap_or(range.start);
        }
    } else {
        let mut k = i + 1;
        while k < seg.len() && blank(&seg[k]) {
            k += 1;
        }
        if k > i + 1
            && k < seg.len()
            && !matches!(seg[k].kind, Kind::Latin | Kind::Space)
            && let Some(r) = source_run(seg, i, k)
        {
            range.end = r.end;
        }
    }
    Some((
        at,
        Edit {
            range,
            replacement: replacement.to_string(),
        },
    ))
}

/// A run of atoms `i..j` that stands contiguously in the file: its byte range.
fn source_run(seg: &[Atom], i: usize, j: usize) -> Option<Range<usize>> {
    let start = seg[i].off?;
    let mut end = start;
    for a in &seg[i..j] {
        if a.off != Some(end) {
            return None;
        }
        end += a.c.len_utf8();
    }
    Some(start..end)
}

/// The findings in one block; lines indented with U+3000 go to `indented` (reported once per
/// file). Each rule below looks at the atom at `i` and, when it applies, returns the index of the
/// first atom after what it consumed. Straight quotes become the language's `quotes`.
fn seg_findings(seg: &[Atom], indented: &mut Vec<Edit>, quotes_as: (&str, &str)) -> Vec<Found> {
    let mut out = Vec::new();
    let mut parens: Vec<usize> = Vec::new();
    let mut quotes: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < seg.len() {
        if let Some(j) = full_width_indent(seg, i, indented)
            .or_else(|| stray_space(seg, i, &mut out))
            .or_else(|| mark_run(seg, i, &mut out))
        {
            i = j;
            continue;
        }
        if is_source_punct(seg, i) {
            single_mark(seg, i, &mut parens, &mut quotes, &mut out);
        }
        i += 1;
    }
    unclosed_parens(seg, &parens, &mut out);
    straight_quotes(seg, &quotes, quotes_as, &mut out);
    out
}

/// A mark that stands in the file (not one the parser made up).
fn is_source_punct(seg: &[Atom], i: usize) -> bool {
    seg[i].kind == Kind::Punct && seg[i].off.is_some()
}

fn is_digit_at(seg: &[Atom], i: Option<usize>) -> bool {
    i.and_then(|i| seg.get(i))
        .is_some_and(|a| a.kind == Kind::Digit)
}

/// Indentation with U+3000 at the start of a line of the block.
fn full_width_indent(seg: &[Atom], i: usize, indented: &mut Vec<Edit>) -> Option<usize> {
    let a = seg[i];
    if !(a.c == '\u{3000}' && a.off.is_some() && (i == 0 || seg[i - 1].c == '\n')) {
        return None;
    }
    let mut j = i;
    while j < seg.len() && matches!(seg[j].c, '\u{3000}' | ' ' | '\t') {
        j += 1;
    }
    if let Some(r) = source_run(seg, i, j) {
        indented.push(Edit {
            range: r,
            replacement: String::new(),
        });
    }
    Some(j)
}

/// A space (or several) between two Chinese characters, one of them a mark: `焉。 其南`.
fn stray_space(seg: &[Atom], i: usize, out: &mut Vec<Found>) -> Option<usize> {
    let a = seg[i];
    if !(matches!(a.c, ' ' | '\t') && a.off.is_some() && i > 0) {
        return None;
    }
    let mut j = i;
    while j < seg.len() && matches!(seg[j].c, ' ' | '\t') {
        j += 1;
    }
    let (p, q) = (seg[i - 1], seg.get(j).copied());
    if let (Some(r), Some(q)) = (source_run(seg, i, j), q)
        && is_wide(p.c)
        && is_wide(q.c)
        && (p.kind == Kind::Han || q.kind == Kind::Han)
        && p.off.is_some_and(|o| o + p.c.len_utf8() == r.start)
        && q.off == Some(r.end)
        && (!p.c.is_alphanumeric() || !q.c.is_alphanumeric())
    {
        out.push(Found {
            at: r.start,
            diagnostic: Diagnostic::warning(format!(
                "a space between Chinese characters (`{}{}{}`)",
                p.c,
                &" ".repeat(j - i),
                q.c
            ))
            .hint("Chinese text has no spaces beside its punctuation; `bookpress check --fix` removes it"),
            edits: vec![Edit {
                range: r,
                replacement: String::new(),
            }],
        });
    }
    Some(j)
}

/// Runs of one mark: `...`, `。。。` (any length from 3) for an ellipsis, `--` for a dash, and a
/// lone `.` after Chinese text for a full stop.
fn mark_run(seg: &[Atom], i: usize, out: &mut Vec<Found>) -> Option<usize> {
    let (a, n) = (seg[i], seg.len());
    if !((a.c == '。' && a.off.is_some()) || (matches!(a.c, '.' | '-') && is_source_punct(seg, i)))
    {
        return None;
    }
    let mut j = i;
    while j < n && seg[j].c == a.c {
        j += 1;
    }
    let len = j - i;
    let run = source_run(seg, i, j);
    let around = chinese(left_ctx(seg, i, 0), right_ctx(seg, j, n));
    match (a.c, len, run) {
        ('.', 3.., Some(r)) | ('。', 3.., Some(r)) if a.c == '。' || around => {
            let found = &seg[i..j].iter().map(|a| a.c).collect::<String>();
            out.push(Found {
                at: r.start,
                diagnostic: Diagnostic::warning(format!(
                    "`{found}` for an ellipsis in Chinese text"
                ))
                .hint("use `……` (two U+2026); `bookpress check --fix` rewrites it"),
                edits: vec![Edit {
                    range: r,
                    replacement: "……".into(),
                }],
            });
        }
        ('-', 2..=3, Some(r)) if around => out.push(Found {
            at: r.start,
            diagnostic: Diagnostic::warning(format!(
                "`{}` for a dash in Chinese text",
                "-".repeat(len)
            ))
            .hint("use `——` (two U+2014); `bookpress check --fix` rewrites it"),
            edits: vec![Edit {
                range: r,
                replacement: "——".into(),
            }],
        }),
        ('.', 1, Some(_))
            if !(is_digit_at(seg, i.checked_sub(1)) && is_digit_at(seg, Some(i + 1)))
                && left_ctx(seg, i, 0) == Ctx::Han
                && right_ctx(seg, i + 1, n) != Ctx::Latin =>
        {
            out.extend(full_edit(seg, i, "。").map(|(at, e)| half_width(at, ".", "。", vec![e])));
        }
        _ => {}
    }
    Some(j)
}

/// One half-width mark: `,;:?!` in Chinese text, and brackets and straight quotes collected
/// for pairing.
fn single_mark(
    seg: &[Atom],
    i: usize,
    parens: &mut Vec<usize>,
    quotes: &mut Vec<usize>,
    out: &mut Vec<Found>,
) {
    let (c, n) = (seg[i].c, seg.len());
    let opaque_code =
        |k: Option<usize>| k.is_some_and(|k| seg[k].kind == Kind::Opaque && seg[k].off.is_none());
    match c {
        ',' | ':' if is_digit_at(seg, i.checked_sub(1)) && is_digit_at(seg, Some(i + 1)) => {}
        // A list of numbers (`(0.0, 0.0)`) or of code spans (`` `a`, `b` ``) keeps its commas.
        ',' if is_digit_at(seg, i.checked_sub(1)) && is_digit_at(seg, next_solid(seg, i + 1)) => {}
        ',' | ';'
            if i > 0 && opaque_code(prev_solid(seg, i)) && opaque_code(next_solid(seg, i + 1)) => {}
        ',' | ';' | ':' | '?' | '!' if chinese(left_ctx(seg, i, 0), right_ctx(seg, i + 1, n)) => {
            let full = full_width(c).to_string();
            out.extend(
                full_edit(seg, i, &full)
                    .map(|(at, e)| half_width(at, &c.to_string(), &full, vec![e])),
            );
        }
        '(' => parens.push(i),
        ')' => match parens.pop() {
            Some(o) => out.extend(paren_pair(seg, o, i)),
            None if left_ctx(seg, i, 0) == Ctx::Han && right_ctx(seg, i + 1, n) != Ctx::Latin => {
                out.extend(
                    full_edit(seg, i, "）").map(|(at, e)| half_width(at, ")", "）", vec![e])),
                );
            }
            None => {}
        },
        '"' => quotes.push(i),
        _ => {}
    }
}

/// A `(` never closed, before Chinese text.
fn unclosed_parens(seg: &[Atom], parens: &[usize], out: &mut Vec<Found>) {
    for &o in parens {
        if right_ctx(seg, o + 1, seg.len()) == Ctx::Han && left_ctx(seg, o, 0) != Ctx::Latin {
            out.extend(full_edit(seg, o, "（").map(|(at, e)| half_width(at, "(", "（", vec![e])));
        }
    }
}

/// Straight quotes pair up in order; a pair in Chinese text becomes the language's marks
/// (“ ” on the mainland, 「 」 in Taiwan and Hong Kong).
fn straight_quotes(
    seg: &[Atom],
    quotes: &[usize],
    (open, close): (&str, &str),
    out: &mut Vec<Found>,
) {
    if !quotes.len().is_multiple_of(2) {
        return;
    }
    let n = seg.len();
    for pair in quotes.chunks(2) {
        let (o, c) = (pair[0], pair[1]);
        let inner = right_ctx(seg, o + 1, c) == Ctx::Han || left_ctx(seg, c, o + 1) == Ctx::Han;
        let outer = left_ctx(seg, o, 0) == Ctx::Han || right_ctx(seg, c + 1, n) == Ctx::Han;
        if inner || outer {
            for (q, r) in [(o, open), (c, close)] {
                out.extend(edit(&seg[q], 1, r).map(|e| {
                    Found {
                        at: e.range.start,
                        diagnostic: Diagnostic::warning("straight `\"` in Chinese text")
                            .hint(format!("use `{r}`; `bookpress check --fix` rewrites it")),
                        edits: vec![e],
                    }
                }));
            }
        }
    }
}

/// The first atom from `i` on that is not a space.
fn next_solid(seg: &[Atom], i: usize) -> Option<usize> {
    (i..seg.len()).find(|&k| seg[k].kind != Kind::Space)
}

/// The last atom before `i` that is not a space.
fn prev_solid(seg: &[Atom], i: usize) -> Option<usize> {
    (0..i).rev().find(|&k| seg[k].kind != Kind::Space)
}

/// A matched `(`…`)`: both become full-width when what is inside starts or ends with a Chinese
/// letter (`村(社区)`); not around English, numbers or code (`坐标 (0.0, 0.0)`, `f(x)`).
fn paren_pair(seg: &[Atom], o: usize, c: usize) -> Vec<Found> {
    if seg[o].kind != Kind::Punct || seg[c].kind != Kind::Punct {
        return Vec::new();
    }
    let first = right_ctx(seg, o + 1, c);
    let last = left_ctx(seg, c, o + 1);
    if first != Ctx::Han && last != Ctx::Han {
        return Vec::new();
    }
    [(o, "(", "（"), (c, ")", "）")]
        .into_iter()
        .filter_map(|(k, f, full)| {
            full_edit(seg, k, full).map(|(at, e)| half_width(at, f, full, vec![e]))
        })
        .collect()
}

fn full_width(c: char) -> char {
    char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(s: &str) -> String {
        apply(s, &lint_source(s, Path::new("a.md")).edits)
    }

    /// Each case: the source, and what `--fix` makes of it.
    fn cases(cases: &[(&str, &str)]) {
        for (src, want) in cases {
            assert_eq!(fix(src), *want, "source: {src:?}");
        }
    }

    /// Sources that must come out unchanged, with no finding.
    fn untouched(sources: &[&str]) {
        for s in sources {
            let l = lint_source(s, Path::new("a.md"));
            assert!(
                l.findings.is_empty() && l.edits.is_empty(),
                "{s:?}: {:#?}",
                l.findings
            );
        }
    }

    #[test]
    fn seed_style_punctuation_is_fixed() {
        cases(&[
            (
                "6月3日,全市党史学习教育经验交流会举行,会上,相关县市区和市直部门(高职院校)作了发言。有哪些好经验?\n",
                "6月3日，全市党史学习教育经验交流会举行，会上，相关县市区和市直部门（高职院校）作了发言。有哪些好经验？\n",
            ),
            ("即:面对面\n", "即：面对面\n"),
            (
                "与村(社区)党组织书记谈心谈话,解决率达99.69%。\n",
                "与村（社区）党组织书记谈心谈话，解决率达99.69%。\n",
            ),
            ("好;很好!真的?\n", "好；很好！真的？\n"),
            // A mark after a number, a percentage or a closing quote, in a Chinese sentence.
            ("共计100,其中党员80名。\n", "共计100，其中党员80名。\n"),
            ("增长了15%,达到新高。\n", "增长了15%，达到新高。\n"),
            ("他说“你好”,然后走了。\n", "他说“你好”，然后走了。\n"),
            ("他说“Hello”,然后走了。\n", "他说“Hello”，然后走了。\n"),
            // Before an opening quote that starts English text.
            ("他说:“Hello, world!”\n", "他说：“Hello, world!”\n"),
            // At the end of the paragraph.
            ("为什么?\n", "为什么？\n"),
            ("3,然后\n", "3，然后\n"),
        ]);
    }

    #[test]
    fn english_inside_chinese_text_keeps_its_punctuation() {
        untouched(&[
            "他说“Hello, world!”然后走了。\n",
            "他说：“Hello, world!”\n",
            "程序输出Hello, world!之后退出。\n",
            "这本书叫《Learn Rust, the Hard Way》。\n",
            "中文,English\n",
            "我们用Python 3,它很好。\n",
            "机器学习(machine learning)是一门学科。\n",
            "Hello, world (really).\n",
            "He said: “你好” to me, then left!\n",
        ]);
    }

    #[test]
    fn identifiers_urls_and_code_are_left_alone() {
        untouched(&[
            "调用env.close()关闭环境。\n",
            "先运行 env.close() 再退出。\n",
            "用print(\"你好\")输出。\n",
            "函数f(x, y)返回两者之和。\n",
            "见 https://example.org/a,b?q=1 网站\n",
            "访问www.example.org查询。\n",
            "邮件发到a.b@example.cn即可。\n",
            "代码 `a,b(c)` 里\n",
            "代码`中文,中文`里\n",
            "| 字面值 | `...u8`, `...i32`, `...f64` 等 |\n|---|---|\n| a | b |\n",
            "重载（`Index`, `IndexMut`）。\n",
            "```\n中文,中文\n```\n",
            "    缩进代码,中文\n",
            "链接<https://example.org/a,b>里\n",
            "链接[中文](https://example.org/a,b \"标题,中文\")里\n",
            "行内<span class=\"a,b\">HTML</span>里\n",
            "<div>\n中文,中文\n</div>\n",
            "配置文件config.toml里\n",
            "打开说明.md文件\n",
        ]);
    }

    #[test]
    fn numbers_and_times_are_left_alone() {
        untouched(&[
            "圆周率约为3.14。\n",
            "共1,000人参加。\n",
            "会议10:30开始。\n",
            "比分3:2。\n",
            "版本2.0.1发布了。\n",
            "第3,4章。\n",
            "计算点与坐标 (0.0, 0.0) 之间的距离。\n",
            "第(1)条\n",
        ]);
        cases(&[
            ("时间:10:30。\n", "时间：10:30。\n"),
            ("版本1.0.\n", "版本1.0。\n"),
        ]);
    }

    #[test]
    fn full_stop_between_chinese_characters() {
        cases(&[
            ("今天下雨.明天晴。\n", "今天下雨。明天晴。\n"),
            ("结束了.\n", "结束了。\n"),
            ("见图1.\n", "见图1。\n"),
        ]);
        untouched(&["e.g. 例如\n", "中文 Mr. Smith 中文\n", "中文.md\n"]);
    }

    #[test]
    fn ellipses_and_dashes() {
        cases(&[
            ("他说...然后走了。\n", "他说……然后走了。\n"),
            ("等等......\n", "等等……\n"),
            ("他说。。。然后\n", "他说……然后\n"),
            ("这就是他--一个好人。\n", "这就是他——一个好人。\n"),
            ("...然后呢?\n", "……然后呢？\n"),
        ]);
        untouched(&[
            "Wait... what?\n",
            "中文 Wait... 中文\n",
            "用 --no-system-fonts 选项\n",
            "选项--no-system-fonts很好\n",
            "中文..中文\n",
            "a--b 中文\n",
        ]);
    }

    #[test]
    fn stray_spaces_beside_chinese_punctuation() {
        cases(&[
            ("有鸟焉。 其南有山。\n", "有鸟焉。其南有山。\n"),
            ("第一， 第二\n", "第一，第二\n"),
            ("他说 “你好”\n", "他说“你好”\n"),
            ("一、  概述\n", "一、概述\n"),
        ]);
        // Spaces between two ideographs separate words on purpose (slogans, names): left.
        untouched(&[
            "开展“学党史 当先锋 办实事”实践活动。\n",
            "第一章 总则\n",
            "中文 English 中文\n",
            "中文。 English\n",
            // Removing the space would change what the emphasis markers mean.
            "他说。 **强调**\n",
        ]);
    }

    #[test]
    fn full_width_space_indentation_is_one_warning_per_file() {
        let s = "# 标题\n\n\u{3000}\u{3000}第一段。\n\n\u{3000}\u{3000}第二段，\n\u{3000}\u{3000}续行。\n\n中间\u{3000}空格。\n";
        let l = lint_source(s, Path::new("a.md"));
        assert_eq!(l.findings.len(), 1, "{:#?}", l.findings);
        let d = &l.findings[0];
        assert_eq!((d.line, d.column), (3, 1));
        assert!(d.message.starts_with("3 lines of text are indented"), "{d}");
        assert_eq!(
            apply(s, &l.edits),
            "# 标题\n\n第一段。\n\n第二段，\n续行。\n\n中间\u{3000}空格。\n"
        );
    }

    #[test]
    fn math_is_reported_once_per_file_and_not_edited() {
        let s = "# 标题\n\n设$f(x)=a,b$,则成立。\n\n又有$$x,y$$。\n";
        let l = lint_source(s, Path::new("a.md"));
        let math: Vec<_> = l
            .findings
            .iter()
            .filter(|d| d.message == "math is printed as its TeX source")
            .collect();
        assert_eq!(math.len(), 1, "{:#?}", l.findings);
        assert_eq!((math[0].line, math[0].column), (3, 2));
        // Only the comma after the math (Chinese on its right, nothing Latin) is fixed.
        assert_eq!(
            apply(s, &l.edits),
            "# 标题\n\n设$f(x)=a,b$，则成立。\n\n又有$$x,y$$。\n"
        );
        untouched(&[
            "价格从$5涨到$10。\n",
            "价格从 $5 涨到 $10。\n",
            "目录是 *$HOME/.cargo/bin*。请把它加入 `$PATH`。\n",
        ]);
    }

    #[test]
    fn marks_are_judged_across_emphasis_but_not_across_blocks() {
        cases(&[
            ("这是**强调**,然后\n", "这是**强调**，然后\n"),
            ("这是[链接](a.md),然后\n", "这是[链接](a.md)，然后\n"),
            // Code is looked through: the sentence around it is Chinese.
            (
                "类型是 `&String`, 而不是 `str`。\n",
                "类型是 `&String`，而不是 `str`。\n",
            ),
            (
                "尝试增大区间 (变量 `i` 的范围) 来增加\n",
                "尝试增大区间（变量 `i` 的范围）来增加\n",
            ),
            // The space after a half-width mark goes with it, unless English follows.
            ("第一, 第二; 第三\n", "第一，第二；第三\n"),
            ("他说: “Hello”\n", "他说：“Hello”\n"),
            ("中文 (注) English\n", "中文（注） English\n"),
            ("结束了. \n下一句\n", "结束了。 \n下一句\n"),
            (
                "| 甲 | 乙 |\n|---|---|\n| 中文,中文 | a,b |\n",
                "| 甲 | 乙 |\n|---|---|\n| 中文，中文 | a,b |\n",
            ),
            ("- 第一项,好\n- item, two\n", "- 第一项，好\n- item, two\n"),
        ]);
        // A heading in Chinese and an English paragraph after it: the English stays.
        untouched(&["# 标题\n\nHello, world!\n", "中文\n\n, world\n"]);
    }

    #[test]
    fn straight_quotes_pair_into_curly_ones() {
        cases(&[
            ("他说\"你好\",然后走了。\n", "他说“你好”，然后走了。\n"),
            ("他说\"Hello\"然后走了。\n", "他说“Hello”然后走了。\n"),
        ]);
        untouched(&["He said \"hi\" to me.\n", "他说\"你好\n"]);
    }

    #[test]
    fn taiwan_and_hong_kong_books_get_corner_brackets() {
        for lang in ["zh-TW", "zh-HK", "zh-Hant"] {
            let s = "他說\"你好\"，然後走了。\n";
            let l = lint_source_in(s, Path::new("a.md"), lang);
            assert_eq!(apply(s, &l.edits), "他說「你好」，然後走了。\n", "{lang}");
            assert!(
                l.findings[0]
                    .hint
                    .as_deref()
                    .is_some_and(|h| h.contains('「'))
            );
        }
        let l = lint_source_in("他说\"你好\"。\n", Path::new("a.md"), "zh-CN");
        assert_eq!(apply("他说\"你好\"。\n", &l.edits), "他说“你好”。\n");
    }

    #[test]
    fn escaped_marks_are_left_as_written() {
        untouched(&["中文\\,中文\n"]);
    }

    #[test]
    fn fix_changes_only_what_is_flagged() {
        let s = "中文,中文 and English, too. 见 `a,b` 和env.close(),然后...\n";
        let l = lint_source(s, Path::new("a.md"));
        assert_eq!(l.edits.len(), l.findings.len(), "{:#?}", l.findings);
        assert_eq!(
            fix(s),
            "中文，中文 and English, too. 见 `a,b` 和env.close()，然后……\n"
        );
        // Fixed text has nothing left to fix.
        let again = lint_source(&fix(s), Path::new("a.md"));
        assert!(again.findings.is_empty(), "{:#?}", again.findings);
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
        let found = lint_source(s, Path::new("a.md")).findings;
        assert_eq!(found.len(), 1);
        let d = &found[0];
        assert_eq!((d.line, d.column), (5, 4));
        assert!(
            d.to_string()
                .starts_with("a.md:5:4: warning: half-width `,` in Chinese text")
        );
    }
}
