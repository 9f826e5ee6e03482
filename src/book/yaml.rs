//! YAML front matter (`---` … `---`), as static-site tools write it: the keys bookpress uses,
//! the keys of site generators recognised and passed over, anything else a warning. A file
//! that opens with a thematic break and prose is not front matter: the YAML must parse and be
//! a mapping.

use yaml_rust2::{Yaml, YamlLoader};

/// The keys read from YAML front matter.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct YamlFront {
    pub title: Option<String>,
    pub author: Option<String>,
    pub kicker: Option<String>,
    pub role: Option<String>,
    /// `YYYY-MM-DD` (the date part of a date or date-time).
    pub date: Option<String>,
    pub description: Option<String>,
    /// `draft: true`: the section is left out.
    pub draft: bool,
    /// Keys of site generators (layout, tags, …), passed over.
    pub site_keys: Vec<String>,
    /// Other keys, with their 1-based line in the file.
    pub unknown: Vec<(String, u32)>,
}

/// Keys static-site generators and wikis put in front matter; they mean nothing in a book.
const SITE_KEYS: &[&str] = &[
    "layout",
    "permalink",
    "tags",
    "tag",
    "categories",
    "category",
    "sidebar",
    "comments",
    "weight",
    "slug",
    "aliases",
    "toc",
    "mathjax",
    "katex",
    "math",
    "published",
    "keywords",
    "lang",
    "excerpt",
    "cover",
    "image",
    "thumbnail",
    "summary",
    "hidden",
    "order",
    "nav_order",
    "parent",
    "has_children",
    "grand_parent",
    "sidebar_position",
    "sidebar_label",
    "prev",
    "next",
    "editLink",
    "lastUpdated",
    "outline",
    "head",
    "pageClass",
    "id",
    "sticky",
    "top",
    "updated",
    "lastmod",
    "sitemap",
    "redirect_from",
    "series",
    "menu",
    "type",
    "url",
    "icon",
    "index",
    "navbar",
    "footer",
    "search",
    "feed",
    "copyright",
    "isOriginal",
    "article",
    "timeline",
    "star",
    "hero",
    "features",
    "home",
    "heroImage",
    "actions",
    "pageInfo",
    "breadcrumb",
    "contributors",
    "subtitle",
    "abbrlink",
    "author_profile",
    "share",
    "related",
    "header",
    "classes",
    "render_with_liquid",
    "exclude",
    "nav_exclude",
    "search_exclude",
];

/// Front matter, the body after it, and the body's first line in the file.
pub type Split<'t> = (YamlFront, &'t str, u32);

/// Splits YAML front matter off `text`: `None` when the text does not open with any.
/// `Some(Err(message, line))` when it does but the YAML is broken.
pub fn split(text: &str) -> Option<Result<Split<'_>, (String, u32)>> {
    let fence = crate::book::markdown::fence(text)?;
    if fence.kind != crate::book::markdown::FrontKind::Yaml {
        return None;
    }
    let yaml = &text[fence.inner];
    let body = &text[fence.body?..];
    let body_line = 3 + yaml.matches('\n').count() as u32;
    match YamlLoader::load_from_str(yaml) {
        Ok(docs) => match docs.first() {
            Some(Yaml::Hash(_)) => Some(Ok((read(&docs[0], yaml), body, body_line))),
            // Not a mapping: a thematic break and prose, or a setext heading.
            _ => None,
        },
        Err(e) => {
            // Prose between two rules is no YAML: only a text that looks like keys is taken
            // for broken front matter.
            let looks_like_keys = yaml
                .lines()
                .next()
                .is_some_and(|l| l.split_once(':').is_some_and(|(k, _)| is_key(k)));
            looks_like_keys.then(|| Err((e.info().to_string(), e.marker().line() as u32 + 2)))
        }
    }
}

fn is_key(k: &str) -> bool {
    !k.is_empty() && k.chars().all(|c| c.is_alphanumeric() || "_-".contains(c))
}

fn read(doc: &Yaml, yaml: &str) -> YamlFront {
    let mut f = YamlFront::default();
    let Yaml::Hash(map) = doc else {
        return f;
    };
    for (k, v) in map {
        let Some(key) = k.as_str() else {
            continue;
        };
        match key {
            "title" => f.title = scalar(v),
            "author" | "authors" => f.author = names(v),
            "kicker" => f.kicker = scalar(v),
            "role" => f.role = scalar(v),
            "date" => f.date = scalar(v).map(|d| d.chars().take(10).collect()),
            "description" => f.description = scalar(v),
            "draft" => {
                f.draft = v.as_bool().unwrap_or(false) || scalar(v).as_deref() == Some("true")
            }
            k if SITE_KEYS.contains(&k) => f.site_keys.push(k.to_string()),
            k => f.unknown.push((k.to_string(), key_line(yaml, k))),
        }
    }
    f
}

/// A string, number or boolean as text.
fn scalar(v: &Yaml) -> Option<String> {
    match v {
        Yaml::String(s) | Yaml::Real(s) => Some(s.trim().to_string()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
    .filter(|s| !s.is_empty())
}

/// One name, or a list of names joined with 、 (names may be `{name: …}` mappings).
fn names(v: &Yaml) -> Option<String> {
    match v {
        Yaml::Array(items) => {
            let all: Vec<String> = items
                .iter()
                .filter_map(|i| match i {
                    Yaml::Hash(_) => scalar(&i["name"]),
                    other => scalar(other),
                })
                .collect();
            (!all.is_empty()).then(|| all.join("、"))
        }
        Yaml::Hash(_) => scalar(&v["name"]),
        other => scalar(other),
    }
}

fn key_line(yaml: &str, key: &str) -> u32 {
    yaml.lines()
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .map_or(1, |i| i as u32 + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hugo_style_front_matter() {
        let text = "---\ntitle: \"第一章 概述\"\ndate: 2021-06-03T10:00:00+08:00\ntags: [a, b]\nlayout: post\nauthors:\n  - 张三\n  - name: 李四\ndraft: false\nfoo: 1\n---\n\n正文\n";
        let (f, body, line) = split(text).unwrap().unwrap();
        assert_eq!(f.title.as_deref(), Some("第一章 概述"));
        assert_eq!(f.date.as_deref(), Some("2021-06-03"));
        assert_eq!(f.author.as_deref(), Some("张三、李四"));
        assert!(!f.draft);
        assert_eq!(f.site_keys, vec!["tags", "layout"]);
        assert_eq!(f.unknown, vec![("foo".to_string(), 10)]);
        assert_eq!(body, "\n正文\n");
        assert_eq!(line, 12);
    }

    #[test]
    fn draft_and_dates_without_time() {
        let (f, _, _) = split("---\ntitle: x\ndraft: true\ndate: 2020-01-02\n---\n")
            .unwrap()
            .unwrap();
        assert!(f.draft);
        assert_eq!(f.date.as_deref(), Some("2020-01-02"));
    }

    #[test]
    fn a_thematic_break_and_prose_is_not_front_matter() {
        assert!(split("---\n\n这是一段正文。\n\n---\n\n更多。\n").is_none());
        assert!(split("---\n一个 setext 标题\n---\n").is_none());
        assert!(split("正文\n---\n").is_none());
        assert!(split("---\ntitle: 没有结束\n").is_none());
    }

    #[test]
    fn broken_yaml_that_looks_like_keys_is_an_error_with_its_line() {
        let (msg, line) = split("---\ntitle: [未闭合\ndate: 1\n---\n")
            .unwrap()
            .unwrap_err();
        assert!(!msg.is_empty());
        assert!(line >= 2, "{line}");
    }
}
