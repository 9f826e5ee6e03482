//! The book's Markdown dialect, in one place for the loader, SUMMARY.md and the lints: the
//! pulldown-cmark options, and where a section's front matter is.

use pulldown_cmark::Options;
use std::ops::Range;

/// One Markdown dialect for the whole book (CommonMark, tables, footnotes, strikethrough,
/// `{#id}` on headings).
pub fn options() -> Options {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_FOOTNOTES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_HEADING_ATTRIBUTES);
    opts
}

/// The language of a front matter block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrontKind {
    /// Between `+++` lines.
    Toml,
    /// Between `---` lines (closed by `---` or `...`), as static-site tools write it.
    Yaml,
}

/// Front matter fenced at the very start of a text. Offsets are bytes into that text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    pub kind: FrontKind,
    /// The text between the fences.
    pub inner: Range<usize>,
    /// Where the body starts, after the closing fence; `None` when the fence is never closed.
    pub body: Option<usize>,
}

/// The front matter fence `text` opens with, if any. A BOM before it and CRLF line ends are
/// allowed, so that the lints can find it in a file as it is on disk. A text that is only the
/// opening `+++` is empty front matter and no body. Whether a `---` fence holds YAML (and not
/// a rule and prose) is for the YAML reader to decide.
pub fn fence(text: &str) -> Option<Fence> {
    let start = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    let mut lines = text[start..].split_inclusive('\n');
    let first = lines.next()?;
    let kind = match first.trim_end() {
        "+++" => FrontKind::Toml,
        "---" if first.ends_with('\n') => FrontKind::Yaml,
        _ => return None,
    };
    let inner_start = start + first.len();
    if kind == FrontKind::Toml && text[start..].trim_end() == "+++" {
        return Some(Fence {
            kind,
            inner: inner_start..inner_start,
            body: Some(text.len()),
        });
    }
    if !first.ends_with('\n') {
        return None;
    }
    let mut at = inner_start;
    for line in lines {
        let l = line.trim_end();
        if l == "+++" && kind == FrontKind::Toml
            || (l == "---" || l == "...") && kind == FrontKind::Yaml
        {
            return Some(Fence {
                kind,
                inner: inner_start..at,
                body: Some(at + line.len()),
            });
        }
        at += line.len();
    }
    Some(Fence {
        kind,
        inner: inner_start..text.len(),
        body: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_are_found_with_bom_and_crlf() {
        let f = fence("+++\ntitle = \"x\"\n+++\n正文").unwrap();
        assert_eq!(
            (f.kind, f.inner, f.body),
            (FrontKind::Toml, 4..16, Some(20))
        );
        let t = "\u{FEFF}+++\r\ntitle = \"x\"\r\n+++\r\n正文";
        let f = fence(t).unwrap();
        assert_eq!(&t[f.inner.clone()], "title = \"x\"\r\n");
        assert_eq!(&t[f.body.unwrap()..], "正文");
        let t = "---\ntitle: x\n...\n正文";
        let f = fence(t).unwrap();
        assert_eq!(
            (f.kind, &t[f.inner.clone()]),
            (FrontKind::Yaml, "title: x\n")
        );
        assert_eq!(&t[f.body.unwrap()..], "正文");
    }

    #[test]
    fn unclosed_and_absent_fences() {
        assert_eq!(fence("+++\ntitle = 1\n").unwrap().body, None);
        assert_eq!(fence("+++").unwrap().body, Some(3));
        assert_eq!(fence("+++\n").unwrap().body, Some(4));
        assert!(fence("# 标题\n").is_none());
        assert!(fence("---").is_none());
        assert!(fence("").is_none());
    }
}
