//! Links inside the book: heading anchors by the GitHub/mdBook slug rules, and the pass that
//! turns every in-book link into the id of its section or heading once all sections are read
//! (a link may point forward).

use crate::book::assets::percent_decode;
use crate::book::model::{Inline, Section};
use crate::diag::Diagnostic;
use std::collections::HashMap;

/// Marks an href as an in-book reference still to resolve: `\u{1}file#fragment`.
const PENDING: char = '\u{1}';

pub fn pending(file: &str, fragment: &str) -> String {
    format!("{PENDING}{file}#{fragment}")
}

/// The anchors a heading answers to: mdBook's (ASCII letters lower-cased) and GitHub's (all
/// letters lower-cased). Letters and digits of any script, `-` and `_` stay; white space becomes
/// `-`; everything else is dropped. `一、“四学联动”` → `一四学联动`.
pub fn slugs(text: &str) -> Vec<String> {
    let keep = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    let mdbook: String = text
        .trim()
        .chars()
        .filter_map(|c| {
            if keep(c) {
                Some(c.to_ascii_lowercase())
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect();
    let github: String = text
        .trim()
        .chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| {
            if keep(c) {
                Some(c)
            } else if c == ' ' {
                Some('-')
            } else {
                None
            }
        })
        .collect();
    let mut out = vec![mdbook];
    if out[0] != github {
        out.push(github);
    }
    out.retain(|s| !s.is_empty());
    out
}

/// The section file a link path names: itself, or the Markdown file behind an mdBook `.html`
/// name (`ch01.html` → `ch01.md`, `index.html` → `README.md`).
pub fn section_for(rel: &str, sections: &HashMap<String, String>) -> Option<String> {
    if sections.contains_key(rel) {
        return Some(rel.to_string());
    }
    let stem = rel
        .strip_suffix(".html")
        .or_else(|| rel.strip_suffix(".htm"))
        .or_else(|| rel.strip_suffix(".md"))
        .unwrap_or(rel)
        .trim_end_matches('/');
    let dir = |s: &str| {
        if s.is_empty() {
            String::new()
        } else {
            format!("{s}/")
        }
    };
    let mut candidates = vec![format!("{stem}.md")];
    if let Some(parent) = stem.strip_suffix("index").map(|p| p.trim_end_matches('/')) {
        candidates.push(format!("{}README.md", dir(parent)));
        candidates.push(format!("{}readme.md", dir(parent)));
    }
    candidates.push(format!("{}README.md", dir(stem)));
    candidates.push(format!("{}index.md", dir(stem)));
    candidates.into_iter().find(|c| sections.contains_key(c))
}

/// Rewrites every pending in-book href into `#<id>`: the section, or the heading its fragment
/// names (slug, `{#id}` or a figure/footnote id). A fragment that names nothing links to the
/// section, with a warning.
pub fn resolve(
    sections: &mut [Section],
    section_ids: &HashMap<String, String>,
    anchors: &HashMap<String, HashMap<String, String>>,
    warnings: &mut Vec<Diagnostic>,
) {
    for s in sections.iter_mut() {
        let file = s.source.clone();
        let mut fix = |href: &mut String, line: u32| {
            let Some(rest) = href.strip_prefix(PENDING) else {
                return;
            };
            let (target, frag) = rest.split_once('#').unwrap_or((rest, ""));
            let Some(sec_id) = section_ids.get(target) else {
                return;
            };
            let frag_decoded = percent_decode(frag);
            let found = anchors.get(target).and_then(|a| {
                a.get(&frag_decoded)
                    .or_else(|| a.get(&frag_decoded.to_lowercase()))
            });
            *href = match (frag.is_empty(), found) {
                (true, _) => format!("#{sec_id}"),
                (false, Some(id)) => format!("#{id}"),
                (false, None) => {
                    warnings.push(
                        Diagnostic::warning(format!(
                            "link to `{target}#{frag}`: no heading there has the anchor `{frag_decoded}`; it links to the section"
                        ))
                        .in_file(&file)
                        .at(line, 0)
                        .hint("check the heading's text, or give the heading an id: `## 标题 {#my-id}`"),
                    );
                    format!("#{sec_id}")
                }
            };
        };
        s.for_each_inline_mut(&mut |i, span| {
            if let Inline::Link { href, .. } = i {
                fix(href, span.line);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_github_and_mdbook() {
        assert_eq!(slugs("Hello, World!"), vec!["hello-world"]);
        assert_eq!(slugs("一、“四学联动”推动学习"), vec!["一四学联动推动学习"]);
        assert_eq!(slugs("`match` 控制流结构"), vec!["match-控制流结构"]);
        assert_eq!(
            slugs("Ünïcode Straße"),
            vec!["Ünïcode-straße", "ünïcode-straße"]
        );
        assert!(slugs("！？").is_empty());
    }

    #[test]
    fn html_names_map_to_sections() {
        let m: HashMap<String, String> = [
            ("src/ch01.md", "sec-1"),
            ("src/README.md", "sec-2"),
            ("src/sub/index.md", "sec-3"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        assert_eq!(
            section_for("src/ch01.html", &m).as_deref(),
            Some("src/ch01.md")
        );
        assert_eq!(
            section_for("src/ch01.md", &m).as_deref(),
            Some("src/ch01.md")
        );
        assert_eq!(
            section_for("src/index.html", &m).as_deref(),
            Some("src/README.md")
        );
        assert_eq!(
            section_for("src/sub/", &m).as_deref(),
            Some("src/sub/index.md")
        );
        assert_eq!(section_for("src/none.html", &m), None);
    }

    #[test]
    fn percent_decoding_of_fragments() {
        assert_eq!(percent_decode("%E5%AE%89%E8%A3%85"), "安装");
        assert_eq!(percent_decode("a%2"), "a%2");
    }
}
