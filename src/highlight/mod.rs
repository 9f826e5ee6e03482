//! Syntax highlighting of code blocks by their fence's language tag, shared by both outputs: the
//! code is cut into byte ranges, each with a [`Class`]; the PDF gives each class a print colour
//! ([`Class::rgb`]), the EPUB a `<span class>` styled by its CSS ([`Class::css`]).
//!
//! The grammars are Sublime Text's, as syntect bundles them; a tag it does not know (or no tag)
//! leaves the code plain. The many scopes of a grammar fold into a few classes, so that a page
//! has a handful of colours, each dark enough for black-and-white printing and for a 4.5:1
//! contrast on white (WCAG AA) in the EPUB.

pub mod cache;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::{Mutex, OnceLock};
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};

/// What a piece of code is, as far as its colour goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    Plain,
    Keyword,
    String,
    Comment,
    /// Numbers and language constants (`true`, `None`).
    Constant,
    Function,
    Type,
    /// Macros, attributes, annotations, preprocessor lines.
    Macro,
}

impl Class {
    /// Every class, in the order of their numbers in the highlighting cache (a new class goes
    /// last, so old cache files still read right).
    pub const ALL: [Class; 8] = [
        Class::Plain,
        Class::Keyword,
        Class::String,
        Class::Comment,
        Class::Constant,
        Class::Function,
        Class::Type,
        Class::Macro,
    ];

    /// The EPUB's class name (`style.css` colours it).
    pub fn css(self) -> Option<&'static str> {
        match self {
            Class::Plain => None,
            Class::Keyword => Some("hl-k"),
            Class::String => Some("hl-s"),
            Class::Comment => Some("hl-c"),
            Class::Constant => Some("hl-n"),
            Class::Function => Some("hl-f"),
            Class::Type => Some("hl-t"),
            Class::Macro => Some("hl-m"),
        }
    }

    /// The print colour: dark (each at least 4.5:1 against white) and apart in lightness, so
    /// that a black-and-white printer still tells strings and comments from the code.
    pub fn rgb(self) -> Option<[u8; 3]> {
        match self {
            Class::Plain => None,
            Class::Keyword => Some([0x1f, 0x3a, 0x93]),
            Class::String => Some([0x0b, 0x6e, 0x1f]),
            Class::Comment => Some([0x6b, 0x6b, 0x6b]),
            Class::Constant => Some([0x8a, 0x1c, 0x6f]),
            Class::Function => Some([0x00, 0x5a, 0x70]),
            Class::Type => Some([0x7a, 0x3b, 0x00]),
            Class::Macro => Some([0x8c, 0x3a, 0x00]),
        }
    }
}

/// A run of code of one class: a byte range of the code's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub range: Range<usize>,
    pub class: Class,
}

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// The grammar for a fence's language tag (`rust`, `py`, `sh`, `c++` …), if one is bundled.
fn syntax_for(lang: &str) -> Option<&'static SyntaxReference> {
    let tag = lang.trim().to_ascii_lowercase();
    if tag.is_empty() || matches!(tag.as_str(), "text" | "txt" | "plain" | "console") {
        return None;
    }
    let set = syntaxes();
    let alias = match tag.as_str() {
        "c++" => "cpp",
        "shell" | "zsh" => "sh",
        "js" | "javascript" => "js",
        "py" | "python3" => "python",
        "yml" => "yaml",
        other => other,
    };
    set.find_syntax_by_token(alias)
}

/// Whether the tag names a language the highlighter knows.
pub fn knows(lang: &str) -> bool {
    syntax_for(lang).is_some()
}

/// The tokens of each block already highlighted in this process, by language tag and code: the
/// PDF's layout and the EPUB's writer ask for the same blocks, and highlighting (the grammars'
/// regular expressions) is most of a code-heavy book's time.
type Memo = Mutex<HashMap<(String, String), Vec<Token>>>;

fn memo() -> &'static Memo {
    static MEMO: OnceLock<Memo> = OnceLock::new();
    MEMO.get_or_init(Memo::default)
}

/// Highlights the blocks (language tag, code) on all cores ahead of their use, so that
/// [`tokens`] finds them done; with a `cache`, blocks highlighted by an earlier build into the
/// same output folder are taken from it, and it is rewritten with this build's blocks when they
/// differ from what it held. Blocks kept in memory from an earlier build that are not among
/// these are dropped, so a long `bookpress watch` session keeps only the current book's.
pub fn prepare(blocks: &[(&str, &str)], cache: Option<&cache::Cache>) {
    use rayon::prelude::*;
    let current: HashSet<(&str, &str)> = blocks.iter().copied().collect();
    memo()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|(lang, code), _| current.contains(&(lang.as_str(), code.as_str())));
    let mut seen = HashSet::new();
    let wanted: Vec<(&str, &str)> = blocks
        .iter()
        .copied()
        .filter(|b| knows(b.0) && seen.insert(*b))
        .collect();
    let keys: Vec<Option<cache::Key>> = wanted
        .iter()
        .map(|(lang, code)| cache.map(|c| c.key(lang, code)))
        .collect();
    let stored = cache.map(cache::Cache::load).unwrap_or_default();
    wanted
        .par_iter()
        .zip(&keys)
        .for_each(
            |(&(lang, code), key)| match key.and_then(|k| stored.get(&k)) {
                Some(t) if cache::fits(t, code) => remember(lang, code, t.clone()),
                _ => drop(tokens(lang, code)),
            },
        );
    if let Some(c) = cache {
        store_if_changed(c, &wanted, &keys, &stored);
    }
}

/// Rewrites the cache with the blocks' tokens unless it holds exactly those already (the usual
/// rebuild, which then writes nothing).
fn store_if_changed(
    cache: &cache::Cache,
    wanted: &[(&str, &str)],
    keys: &[Option<cache::Key>],
    stored: &HashMap<cache::Key, Vec<Token>>,
) {
    let memo = memo().lock().unwrap_or_else(|e| e.into_inner());
    let entries: Vec<(cache::Key, &[Token])> = wanted
        .iter()
        .zip(keys)
        .filter_map(|(&(lang, code), key)| {
            let t = memo.get(&(lang.to_string(), code.to_string()))?;
            Some(((*key)?, t.as_slice()))
        })
        .collect();
    let same = entries.len() == stored.len()
        && entries
            .iter()
            .all(|(k, t)| stored.get(k).is_some_and(|s| s.as_slice() == *t));
    if !same {
        cache.store(&entries);
    }
}

fn remember(lang: &str, code: &str, tokens: Vec<Token>) {
    memo()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert((lang.to_string(), code.to_string()), tokens);
}

/// The code's tokens in order, covering it without gaps (plain code is one `Plain` token, and
/// so is all of it when the language is unknown). Adjacent tokens of one class are merged.
pub fn tokens(lang: &str, code: &str) -> Vec<Token> {
    let key = (lang.to_string(), code.to_string());
    if let Some(t) = memo().lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return t.clone();
    }
    let t = tokens_of(lang, code);
    remember(lang, code, t.clone());
    t
}

fn tokens_of(lang: &str, code: &str) -> Vec<Token> {
    let plain = || {
        vec![Token {
            range: 0..code.len(),
            class: Class::Plain,
        }]
    };
    let Some(syntax) = syntax_for(lang) else {
        return plain();
    };
    let rules = Rules::get();
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut out: Vec<Token> = Vec::new();
    let mut at = 0;
    for line in code.split_inclusive('\n') {
        // The grammars expect each line to end with a newline.
        let owned;
        let text = if line.ends_with('\n') {
            line
        } else {
            owned = format!("{line}\n");
            &owned
        };
        let Ok(ops) = state.parse_line(text, syntaxes()) else {
            // A grammar that fails on this input: the rest stays plain.
            push(&mut out, at..code.len(), Class::Plain);
            return out;
        };
        let mut from = 0;
        for (pos, op) in ops {
            let pos = pos.min(line.len());
            if pos > from {
                push(&mut out, at + from..at + pos, rules.class(&stack));
                from = pos;
            }
            if stack.apply(&op).is_err() {
                push(&mut out, at + from..code.len(), Class::Plain);
                return out;
            }
        }
        if line.len() > from {
            push(&mut out, at + from..at + line.len(), rules.class(&stack));
        }
        at += line.len();
    }
    if out.is_empty() { plain() } else { out }
}

fn push(out: &mut Vec<Token>, range: Range<usize>, class: Class) {
    if range.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(t) if t.class == class && t.range.end == range.start => t.range.end = range.end,
        _ => out.push(Token { range, class }),
    }
}

/// Scope prefixes and the class each gives.
struct Rules {
    /// Containers: anything inside a comment or string is that, whatever else it is.
    outer: Vec<(Scope, Class)>,
    /// Otherwise the innermost scope that matches one of these.
    inner: Vec<(Scope, Class)>,
    plain: Vec<Scope>,
}

/// Containers: anything inside a comment or string is that, whatever else it is.
const OUTER: [(&str, Class); 2] = [("comment", Class::Comment), ("string", Class::String)];

/// Otherwise the innermost scope that matches one of these, skipping scopes under these
/// prefixes.
const INNER: [(&str, Class); 23] = [
    ("constant.character", Class::String),
    ("constant.numeric", Class::Constant),
    ("constant.language", Class::Constant),
    ("keyword.operator", Class::Plain),
    ("keyword", Class::Keyword),
    ("storage", Class::Keyword),
    ("entity.name.function", Class::Function),
    ("support.function", Class::Function),
    ("variable.function", Class::Function),
    ("entity.name.type", Class::Type),
    ("entity.name.struct", Class::Type),
    ("entity.name.enum", Class::Type),
    ("entity.name.class", Class::Type),
    ("entity.name.trait", Class::Type),
    ("entity.other.inherited-class", Class::Type),
    ("support.type", Class::Type),
    ("support.class", Class::Type),
    ("support.macro", Class::Macro),
    ("entity.name.macro", Class::Macro),
    ("meta.annotation", Class::Macro),
    ("meta.preprocessor", Class::Macro),
    ("entity.other.attribute-name", Class::Function),
    ("entity.name.tag", Class::Keyword),
];
const PLAIN: [&str; 2] = ["punctuation", "meta.generic"];

impl Rules {
    fn get() -> &'static Rules {
        static RULES: OnceLock<Rules> = OnceLock::new();
        RULES.get_or_init(|| {
            let scopes = |list: &[(&str, Class)]| {
                list.iter()
                    .filter_map(|(s, c)| Scope::new(s).ok().map(|s| (s, *c)))
                    .collect()
            };
            Rules {
                outer: scopes(&OUTER),
                inner: scopes(&INNER),
                plain: PLAIN.iter().filter_map(|s| Scope::new(s).ok()).collect(),
            }
        })
    }

    /// The rules as text, part of the cache's keys: tokens stored under other rules are
    /// not used.
    fn fingerprint() -> String {
        format!("{OUTER:?} {INNER:?} {PLAIN:?}")
    }

    fn class(&self, stack: &ScopeStack) -> Class {
        let scopes = stack.as_slice();
        for s in scopes {
            if let Some((_, c)) = self.outer.iter().find(|(p, _)| p.is_prefix_of(*s)) {
                return *c;
            }
        }
        for s in scopes.iter().rev() {
            if self.plain.iter().any(|p| p.is_prefix_of(*s)) {
                continue;
            }
            if let Some((_, c)) = self.inner.iter().find(|(p, _)| p.is_prefix_of(*s)) {
                return *c;
            }
        }
        Class::Plain
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_prepared_ahead_give_the_tokens_highlighting_gives() {
        let blocks = [
            ("rust", "fn main() { let x = 1; } // 注释\n"),
            ("python", "def f(a):\n    return 'x'\n"),
            ("nosuchlang", "plain"),
        ];
        prepare(&blocks, None);
        for (lang, code) in blocks {
            assert_eq!(tokens(lang, code), tokens_of(lang, code), "{lang}");
        }
        // The same code under another tag is highlighted by that tag, not taken from the memo.
        let rust = tokens("rust", blocks[0].1);
        assert!(rust.len() > 1, "{rust:?}");
        assert_eq!(tokens("text", blocks[0].1).len(), 1);
        // The next build's blocks replace these (only this test highlights this code, so a
        // build in another test running at the same time cannot bring it back).
        prepare(&blocks[1..2], None);
        let memo = memo().lock().unwrap_or_else(|e| e.into_inner());
        assert!(!memo.contains_key(&("rust".to_string(), blocks[0].1.to_string())));
    }

    fn classes_of<'a>(code: &'a str, toks: &[Token]) -> Vec<(&'a str, Class)> {
        toks.iter()
            .filter(|t| t.class != Class::Plain)
            .map(|t| (code[t.range.clone()].trim(), t.class))
            .collect()
    }

    #[test]
    fn tokens_cover_the_code_without_gaps() {
        for (lang, code) in [
            ("rust", "fn main() {\n    let x = 1; // 注释\n}\n"),
            ("python", "def f(x):\n\treturn 'a'"),
            ("", "plain text"),
            ("nonsense-lang", "a\nb"),
            ("rust", ""),
        ] {
            let toks = tokens(lang, code);
            let mut at = 0;
            for t in &toks {
                assert_eq!(t.range.start, at, "{lang}: {toks:?}");
                at = t.range.end;
            }
            assert_eq!(at, code.len(), "{lang}");
        }
    }

    #[test]
    fn rust_keywords_strings_comments_and_numbers_get_their_classes() {
        let code = "fn main() {\n    let s = \"你好\"; // 打招呼\n    let n = 42;\n}\n";
        let got = classes_of(code, &tokens("rust", code));
        assert!(got.contains(&("fn", Class::Keyword)), "{got:?}");
        assert!(got.contains(&("main", Class::Function)), "{got:?}");
        assert!(got.contains(&("let", Class::Keyword)), "{got:?}");
        assert!(got.contains(&("\"你好\"", Class::String)), "{got:?}");
        assert!(got.contains(&("// 打招呼", Class::Comment)), "{got:?}");
        assert!(got.contains(&("42", Class::Constant)), "{got:?}");
    }

    #[test]
    fn unknown_or_missing_tags_stay_plain() {
        assert!(!knows(""));
        assert!(!knows("text"));
        assert!(knows("rust") && knows("py") && knows("sh") && knows("c++"));
        let toks = tokens("klingon", "fn x");
        assert_eq!(toks.len(), 1);
        assert_eq!(toks[0].class, Class::Plain);
    }

    /// Every class that has a colour.
    fn coloured() -> impl Iterator<Item = Class> {
        Class::ALL.into_iter().filter(|c| c.rgb().is_some())
    }

    #[test]
    fn the_epub_style_sheet_gives_each_class_the_pdf_colour() {
        let css = include_str!("../epub/style.css");
        for c in coloured() {
            let [r, g, b] = c.rgb().expect("a colour");
            let rule = format!(
                ".{} {{ color: #{r:02x}{g:02x}{b:02x};",
                c.css().unwrap_or("")
            );
            assert!(css.contains(&rule), "style.css lacks `{rule}`");
        }
    }

    /// WCAG relative luminance of an sRGB colour.
    fn luminance([r, g, b]: [u8; 3]) -> f64 {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    }

    #[test]
    fn every_colour_has_a_contrast_of_at_least_4_5_on_white() {
        // Every class but plain text is coloured.
        assert_eq!(coloured().count(), Class::ALL.len() - 1);
        for c in coloured() {
            let rgb = c.rgb().expect("a colour");
            let contrast = 1.05 / (luminance(rgb) + 0.05);
            assert!(contrast >= 4.5, "{c:?}: {contrast:.2}");
        }
    }
}
