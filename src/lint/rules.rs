//! The rules: each looks at one atom of a block and makes findings, and the exact edits
//! `--fix` makes for them.

use super::Edit;
use super::atoms::{Atom, Kind};
use super::context::{Ctx, chinese, left_ctx, next_solid, prev_solid, right_ctx};
use crate::cjk::is_wide;
use crate::diag::Diagnostic;
use std::ops::Range;

pub(super) struct Found {
    pub(super) at: usize,
    pub(super) diagnostic: Diagnostic,
    pub(super) edits: Vec<Edit>,
}

pub(super) fn half_width(at: usize, found: &str, full: &str, edits: Vec<Edit>) -> Found {
    Found {
        at,
        diagnostic: Diagnostic::warning(format!("half-width `{found}` in Chinese text")).hint(
            format!("use the full-width `{full}`; `bookpress check --fix` rewrites it"),
        ),
        edits,
    }
}

pub(super) fn edit(a: &Atom, len: usize, replacement: &str) -> Option<Edit> {
    a.off.map(|o| Edit {
        range: o..o + len,
        replacement: replacement.to_string(),
    })
}

/// The edit making the mark at `i` full-width. A full-width mark carries its own spacing, so
/// the spaces after it (before it, for `(`) go too, unless a Latin letter is beyond them or
/// the line ends there: `是 `x`, 而` → `是 `x`，而`, `区间 (变量` → `区间（变量`. Returns the
/// mark's offset (for the message) and the edit.
pub(super) fn full_edit(seg: &[Atom], i: usize, replacement: &str) -> Option<(usize, Edit)> {
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
pub(super) fn source_run(seg: &[Atom], i: usize, j: usize) -> Option<Range<usize>> {
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
pub(super) fn seg_findings(
    seg: &[Atom],
    indented: &mut Vec<Edit>,
    quotes_as: (&str, &str),
) -> Vec<Found> {
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
pub(super) fn is_source_punct(seg: &[Atom], i: usize) -> bool {
    seg[i].kind == Kind::Punct && seg[i].off.is_some()
}

pub(super) fn is_digit_at(seg: &[Atom], i: Option<usize>) -> bool {
    i.and_then(|i| seg.get(i))
        .is_some_and(|a| a.kind == Kind::Digit)
}

/// Indentation with U+3000 at the start of a line of the block.
pub(super) fn full_width_indent(seg: &[Atom], i: usize, indented: &mut Vec<Edit>) -> Option<usize> {
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
pub(super) fn stray_space(seg: &[Atom], i: usize, out: &mut Vec<Found>) -> Option<usize> {
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
pub(super) fn mark_run(seg: &[Atom], i: usize, out: &mut Vec<Found>) -> Option<usize> {
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
pub(super) fn single_mark(
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
pub(super) fn unclosed_parens(seg: &[Atom], parens: &[usize], out: &mut Vec<Found>) {
    for &o in parens {
        if right_ctx(seg, o + 1, seg.len()) == Ctx::Han && left_ctx(seg, o, 0) != Ctx::Latin {
            out.extend(full_edit(seg, o, "（").map(|(at, e)| half_width(at, "(", "（", vec![e])));
        }
    }
}

/// Straight quotes pair up in order; a pair in Chinese text becomes the language's marks
/// (“ ” on the mainland, 「 」 in Taiwan and Hong Kong).
pub(super) fn straight_quotes(
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

/// A matched `(`…`)`: both become full-width when what is inside starts or ends with a Chinese
/// letter (`村(社区)`); not around English, numbers or code (`坐标 (0.0, 0.0)`, `f(x)`).
pub(super) fn paren_pair(seg: &[Atom], o: usize, c: usize) -> Vec<Found> {
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

pub(super) fn full_width(c: char) -> char {
    char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap_or(c)
}
