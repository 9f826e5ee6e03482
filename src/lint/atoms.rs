//! The running text of each block as atoms: one character, its kind, and its offset in the file
//! where it stands there verbatim.

use crate::book::markdown::FrontKind;
use crate::cjk::is_wide;
use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// What a character counts as when deciding whether the text around a mark is Chinese.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
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
pub(super) struct Atom {
    pub(super) c: char,
    /// Byte offset in the file, when the character stands verbatim there (only those are edited).
    pub(super) off: Option<usize>,
    pub(super) kind: Kind,
}

/// The atom standing for something that is not prose (code span, inline HTML, math, autolink).
pub(super) const OPAQUE: Atom = Atom {
    c: '\u{FFFC}',
    off: None,
    kind: Kind::Opaque,
};

pub(super) fn kind_of(c: char) -> Kind {
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
pub(super) fn segments(text: &str, math: &mut Option<usize>) -> Vec<Vec<Atom>> {
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
pub(super) fn math_ranges(body: &str, opts: Options) -> Vec<Range<usize>> {
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
pub(super) fn mark_urls_and_identifiers(seg: &mut [Atom]) {
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
pub(super) fn front_matter_end(text: &str) -> usize {
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
