//! mdBook's `SUMMARY.md` → the reading order: prefix chapters, numbered chapters nested by
//! their list depth, part titles, suffix chapters; draft entries (`[title]()`) left out.

use crate::book::manifest::line_col;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// One chapter file listed in SUMMARY.md.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The link text: the chapter's title when the file has no heading of its own.
    pub title: String,
    /// The link target as written, relative to the SUMMARY's folder.
    pub path: String,
    /// 0 for a chapter, 1 for its sub-chapter, …
    pub depth: u8,
    /// Index into [`Summary::parts`] of the part it belongs to.
    pub part: Option<usize>,
    /// 1-based line in SUMMARY.md.
    pub line: u32,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub entries: Vec<Entry>,
    /// Part titles (`# 入门指南`), in order.
    pub parts: Vec<String>,
    /// Draft entries (no file yet), with their line: left out of the book.
    pub drafts: Vec<(String, u32)>,
}

/// Parses SUMMARY.md text. Never fails: anything that is not a link, a list or a heading is
/// passed over, as mdBook does with prose in the summary.
pub fn parse(text: &str) -> Summary {
    let mut out = Summary::default();
    let mut list_depth: usize = 0;
    let mut heading: Option<String> = None;
    let mut link: Option<(String, String, u32)> = None;
    let mut seen_title = false;
    let mut seen_entry = false;
    for (event, range) in Parser::new_ext(text, crate::book::markdown::options()).into_offset_iter()
    {
        match event {
            Event::Start(Tag::List(_)) => list_depth += 1,
            Event::End(TagEnd::List(_)) => list_depth = list_depth.saturating_sub(1),
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => {
                let title = heading.take().unwrap_or_default().trim().to_string();
                // The first heading before any entry is the summary's own title ("Summary").
                if !seen_title && !seen_entry {
                    seen_title = true;
                } else if !title.is_empty() {
                    out.parts.push(title);
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                let line = line_col(text, range.start).0;
                link = Some((dest_url.to_string(), String::new(), line));
            }
            Event::End(TagEnd::Link) => {
                if let Some((path, title, line)) = link.take() {
                    seen_entry = true;
                    let title = title.trim().to_string();
                    if path.trim().is_empty() {
                        out.drafts.push((title, line));
                        continue;
                    }
                    out.entries.push(Entry {
                        title,
                        path,
                        depth: list_depth.saturating_sub(1).min(u8::MAX as usize) as u8,
                        // Prefix and suffix chapters (links outside any list) are in no part.
                        part: out.parts.len().checked_sub(1).filter(|_| list_depth > 0),
                        line,
                    });
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, title, _)) = link.as_mut() {
                    title.push_str(&t);
                } else if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUMMARY: &str = "# Summary

[前言](foreword.md)

## 入门指南

- [入门](ch01-00.md)
  - [安装](ch01-01.md)
  - [Hello, `World`!](ch01-02.md)
- [未写]()

# 进阶

- [所有权](ch04.md)
    - [引用](ch04-01.md)
        - [更深](ch04-01-01.md)

---

[附录](appendix.md)
";

    #[test]
    fn entries_in_order_with_depth_and_part() {
        let s = parse(SUMMARY);
        let got: Vec<_> = s
            .entries
            .iter()
            .map(|e| (e.path.as_str(), e.depth, e.part))
            .collect();
        assert_eq!(
            got,
            vec![
                ("foreword.md", 0, None),
                ("ch01-00.md", 0, Some(0)),
                ("ch01-01.md", 1, Some(0)),
                ("ch01-02.md", 1, Some(0)),
                ("ch04.md", 0, Some(1)),
                ("ch04-01.md", 1, Some(1)),
                ("ch04-01-01.md", 2, Some(1)),
                ("appendix.md", 0, None),
            ]
        );
        assert_eq!(s.parts, vec!["入门指南", "进阶"]);
        assert_eq!(s.entries[3].title, "Hello, World!");
        assert_eq!(s.entries[0].line, 3);
    }

    #[test]
    fn drafts_are_listed_apart() {
        let s = parse(SUMMARY);
        assert_eq!(s.drafts, vec![("未写".to_string(), 10)]);
    }

    #[test]
    fn a_summary_without_title_keeps_its_first_heading_as_a_part() {
        let s = parse("- [a](a.md)\n\n# 第二部分\n\n- [b](b.md)\n");
        assert_eq!(s.parts, vec!["第二部分"]);
        assert_eq!(s.entries[1].part, Some(0));
    }
}
