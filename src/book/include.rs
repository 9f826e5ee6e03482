//! mdBook's text directives, expanded before the Markdown is parsed: `{{#include file}}`,
//! `{{#include file:anchor}}`, `{{#include file:10:20}}`, `{{#rustdoc_include …}}`,
//! `{{#playground …}}` and `{{#title …}}`. `\{{#…}}` stays as written, without the backslash.
//!
//! Every included file is confined to the book folder like any other path. Each line of the
//! result remembers the line of the section file it came from, so messages point at the
//! directive.

use crate::book::assets::confine;
use crate::book::confined::{BookDir, Kind};
use crate::diag::Diagnostic;
use std::path::Path;

/// Included files may include others, to this depth (as mdBook).
const MAX_DEPTH: usize = 10;
/// An included file larger than this is refused before reading.
pub const MAX_INCLUDE_BYTES: u64 = 16 * 1024 * 1024;

/// A section's text after its directives are expanded.
#[derive(Debug, Default)]
pub struct Expanded {
    pub text: String,
    /// For each line of `text`, the 1-based line of the section file it comes from.
    pub lines: Vec<u32>,
    /// The `{{#title …}}` given, if any.
    pub title: Option<String>,
    /// Files read for includes, relative to the book folder.
    pub files: Vec<String>,
}

/// What the expansion needs: where the book is and where the section lives.
pub struct Includer<'a> {
    pub dir: &'a BookDir,
    /// The section file, relative to the book folder, for messages.
    pub file: &'a Path,
    pub errors: Vec<Diagnostic>,
    /// The file the last directive read, until it is recorded in [`Expanded::files`].
    last_file: Option<String>,
}

impl<'a> Includer<'a> {
    pub fn new(dir: &'a BookDir, file: &'a Path) -> Self {
        Includer {
            dir,
            file,
            errors: Vec::new(),
            last_file: None,
        }
    }

    /// Expands `text` (the section body, whose first line is `first_line` of the file).
    pub fn expand(&mut self, text: &str, first_line: u32) -> Expanded {
        let mut out = Expanded::default();
        if !text.contains("{{#") {
            out.text = text.to_string();
            out.lines = (0..text.split('\n').count() as u32)
                .map(|i| first_line + i)
                .collect();
            return out;
        }
        let base = self.file.parent().unwrap_or(Path::new("")).to_path_buf();
        for (i, line) in text.split('\n').enumerate() {
            let at = first_line + i as u32;
            if i > 0 {
                out.text.push('\n');
            }
            let mut expanded = String::new();
            self.expand_line(line, &base, at, 0, &mut expanded, &mut out);
            let new_lines = expanded.matches('\n').count();
            out.text.push_str(&expanded);
            out.lines.extend(std::iter::repeat_n(at, new_lines + 1));
        }
        out
    }

    /// Expands the directives of one line into `dst`, recursively for included text.
    fn expand_line(
        &mut self,
        line: &str,
        base: &Path,
        at: u32,
        depth: usize,
        dst: &mut String,
        out: &mut Expanded,
    ) {
        let mut rest = line;
        while let Some(start) = rest.find("{{#") {
            if rest[..start].ends_with('\\') {
                dst.push_str(&rest[..start - 1]);
                dst.push_str("{{#");
                rest = &rest[start + 3..];
                continue;
            }
            let Some(len) = rest[start..].find("}}") else {
                break;
            };
            dst.push_str(&rest[..start]);
            let inner = &rest[start + 3..start + len];
            rest = &rest[start + len + 2..];
            let (name, args) = inner
                .trim()
                .split_once(char::is_whitespace)
                .unwrap_or((inner.trim(), ""));
            match name {
                "include" | "rustdoc_include" | "playground" | "playpen" => {
                    let spec = args.split_whitespace().next().unwrap_or("");
                    if let Some((text, dir)) = self.read_selection(spec, base, at) {
                        if depth < MAX_DEPTH && text.contains("{{#") {
                            let mut nested = String::new();
                            for (k, l) in text.split('\n').enumerate() {
                                if k > 0 {
                                    nested.push('\n');
                                }
                                self.expand_line(l, &dir, at, depth + 1, &mut nested, out);
                            }
                            dst.push_str(&nested);
                        } else {
                            dst.push_str(&text);
                        }
                    }
                    if let Some(f) = self.last_file.take() {
                        out.files.push(f);
                    }
                }
                "title" => out.title = Some(args.trim().to_string()).filter(|t| !t.is_empty()),
                _ => {
                    // Not a directive we know: leave it as written, as mdBook does.
                    dst.push_str(&format!("{{{{#{inner}}}}}"));
                }
            }
        }
        dst.push_str(rest);
    }

    /// Reads `path[:anchor | :from:to]` relative to `base`; the selected lines, and the folder
    /// nested includes are relative to.
    fn read_selection(
        &mut self,
        spec: &str,
        base: &Path,
        at: u32,
    ) -> Option<(String, std::path::PathBuf)> {
        let (path, selector) = spec.split_once(':').unwrap_or((spec, ""));
        let err = |msg: String, hint: &str| {
            Diagnostic::error(msg)
                .in_file(self.file)
                .at(at, 1)
                .hint(hint.to_string())
        };
        let (_, rel) = match confine(self.dir.path(), base, path) {
            Ok(p) => p,
            Err(d) => {
                self.errors.push(d.in_file(self.file).at(at, 1));
                return None;
            }
        };
        let text = match read_text(self.dir, &rel) {
            Ok(t) => t,
            Err(why) => {
                self.errors.push(err(
                    format!("included file `{rel}` {why}"),
                    "the path is relative to the Markdown file that includes it",
                ));
                return None;
            }
        };
        self.last_file = Some(rel.clone());
        let selected = match select(&text, selector) {
            Ok(s) => s,
            Err(why) => {
                self.errors.push(err(
                    format!("`{{{{#include {spec}}}}}`: {why}"),
                    "mark the lines with `ANCHOR: name` and `ANCHOR_END: name` comments, or give \
                     line numbers as `file:from:to`",
                ));
                return None;
            }
        };
        let dir = Path::new(&rel)
            .parent()
            .unwrap_or(Path::new(""))
            .to_path_buf();
        Some((selected, dir))
    }
}

fn read_text(dir: &BookDir, rel: &str) -> Result<String, String> {
    let bytes = dir.read(rel, Kind::Include).map_err(|r| r.0)?;
    let text = String::from_utf8(bytes).map_err(|_| "is not UTF-8 text".to_string())?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    Ok(text.replace("\r\n", "\n"))
}

/// The lines `selector` picks: all (empty), `N` (line N), `N:`, `:M`, `N:M` (1-based,
/// inclusive), or an anchor name. Lines holding `ANCHOR:` / `ANCHOR_END:` markers are dropped.
pub fn select(text: &str, selector: &str) -> Result<String, String> {
    let text = text.strip_suffix('\n').unwrap_or(text);
    let lines: Vec<&str> = text.split('\n').collect();
    let selector = selector.trim();
    let picked: Vec<&str> = if selector.is_empty() {
        lines.clone()
    } else if let Some(range) = line_range(selector) {
        let (from, to) = range;
        let from = from.unwrap_or(1).max(1);
        let to = to.unwrap_or(lines.len()).min(lines.len());
        if from > lines.len() {
            return Err(format!(
                "line {from} is past the end of the file ({} lines)",
                lines.len()
            ));
        }
        lines[from - 1..to.max(from - 1)].to_vec()
    } else {
        anchor(&lines, selector).ok_or_else(|| format!("no anchor `{selector}` in the file"))?
    };
    Ok(picked
        .into_iter()
        .filter(|l| !is_anchor_marker(l))
        .collect::<Vec<_>>()
        .join("\n"))
}

/// `N`, `N:`, `:M`, `N:M` → (from, to); `None` when it is not a line range.
fn line_range(s: &str) -> Option<(Option<usize>, Option<usize>)> {
    let num = |x: &str| -> Option<Option<usize>> {
        if x.is_empty() {
            Some(None)
        } else {
            x.parse().ok().map(Some)
        }
    };
    match s.split_once(':') {
        None => {
            let n: usize = s.parse().ok()?;
            Some((Some(n), Some(n)))
        }
        Some((a, b)) => Some((num(a)?, num(b)?)),
    }
}

fn anchor<'t>(lines: &[&'t str], name: &str) -> Option<Vec<&'t str>> {
    let start = lines
        .iter()
        .position(|l| marker(l, "ANCHOR:") == Some(name))?;
    let len = lines[start + 1..]
        .iter()
        .position(|l| marker(l, "ANCHOR_END:") == Some(name))
        .unwrap_or(lines.len() - start - 1);
    Some(lines[start + 1..start + 1 + len].to_vec())
}

/// The anchor name after `kind` on a marker line (`// ANCHOR: name`).
fn marker<'t>(line: &'t str, kind: &str) -> Option<&'t str> {
    let at = line.find(kind)?;
    line[at + kind.len()..]
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .find(|s| !s.is_empty())
}

fn is_anchor_marker(line: &str) -> bool {
    marker(line, "ANCHOR:").is_some() || marker(line, "ANCHOR_END:").is_some()
}

/// mdBook hides lines of Rust code that start with `# ` (or are a lone `#`), and writes `##`
/// for a literal `#`: the listing as a reader sees it.
pub fn drop_hidden_rust_lines(code: &str) -> String {
    code.split('\n')
        .filter_map(|l| {
            let t = l.trim_start();
            let indent = &l[..l.len() - t.len()];
            if t == "#" || t.starts_with("# ") {
                None
            } else if let Some(rest) = t.strip_prefix("##") {
                Some(format!("{indent}#{rest}"))
            } else {
                Some(l.to_string())
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "use std::io;\n// ANCHOR: main\nfn main() {\n    // ANCHOR: body\n    println!(\"hi\");\n    // ANCHOR_END: body\n}\n// ANCHOR_END: main\n";

    #[test]
    fn selects_lines_and_anchors() {
        assert_eq!(select("a\nb\nc\nd\n", "2").unwrap(), "b");
        assert_eq!(select("a\nb\nc\nd\n", "2:3").unwrap(), "b\nc");
        assert_eq!(select("a\nb\nc\nd\n", ":2").unwrap(), "a\nb");
        assert_eq!(select("a\nb\nc\nd\n", "3:").unwrap(), "c\nd");
        assert_eq!(
            select(SRC, "main").unwrap(),
            "fn main() {\n    println!(\"hi\");\n}"
        );
        assert_eq!(select(SRC, "body").unwrap(), "    println!(\"hi\");");
        assert!(
            select(SRC, "")
                .unwrap()
                .starts_with("use std::io;\nfn main()")
        );
        assert!(
            select(SRC, "nope")
                .unwrap_err()
                .contains("no anchor `nope`")
        );
        assert!(select("a\n", "5").unwrap_err().contains("past the end"));
    }

    #[test]
    fn hidden_rust_lines_are_dropped() {
        assert_eq!(
            drop_hidden_rust_lines(
                "# fn main() {\nlet x = 1;\n#\n    ## not hidden\n#[derive(Debug)]\n# }"
            ),
            "let x = 1;\n    # not hidden\n#[derive(Debug)]"
        );
    }

    fn expand_in(dir: &Path, text: &str) -> (Expanded, Vec<Diagnostic>) {
        let dir = BookDir::open(dir).unwrap();
        let mut inc = Includer {
            dir: &dir,
            file: Path::new("src/ch1.md"),
            errors: Vec::new(),
            last_file: None,
        };
        let e = inc.expand(text, 1);
        (e, inc.errors)
    }

    #[test]
    fn includes_expand_with_line_map_and_confinement() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::create_dir_all(dir.path().join("listings")).unwrap();
        std::fs::write(dir.path().join("listings/main.rs"), SRC).unwrap();
        let root = dir.path().canonicalize().unwrap();
        let (e, errs) = expand_in(
            &root,
            "```rust\n{{#rustdoc_include ../listings/main.rs:body}}\n```\n\\{{#include x}}\n{{#title 标题}}",
        );
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(
            e.text,
            "```rust\n    println!(\"hi\");\n```\n{{#include x}}\n"
        );
        assert_eq!(e.lines, vec![1, 2, 3, 4, 5]);
        assert_eq!(e.title.as_deref(), Some("标题"));
        assert_eq!(e.files, vec!["listings/main.rs"]);

        let (_, errs) = expand_in(
            &root,
            "a\n{{#include ../../etc/passwd}}\n{{#include ../listings/main.rs:nope}}\n{{#include missing.rs}}",
        );
        let msgs: Vec<_> = errs.iter().map(|d| (d.line, d.message.clone())).collect();
        assert_eq!(msgs.len(), 3, "{msgs:?}");
        assert_eq!(msgs[0].0, 2);
        assert!(msgs[0].1.contains("leaves the book folder"), "{msgs:?}");
        assert!(msgs[1].1.contains("no anchor `nope`"), "{msgs:?}");
        assert_eq!(msgs[2].0, 4);
        assert!(msgs[2].1.contains("cannot be read"), "{msgs:?}");
    }
}
