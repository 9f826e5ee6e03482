//! One diagnostic type for every stage: where (file, line, column), how bad, what, and what to do.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Information about a choice made for the user (e.g. which face of a font collection was
    /// taken); never fails a build or a check.
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file the problem is in, as the user would type it (relative to the working directory
    /// or the book folder).
    pub file: Option<PathBuf>,
    /// 1-based; 0 when unknown.
    pub line: u32,
    /// 1-based, in characters; 0 when unknown.
    pub column: u32,
    /// How many characters from `column` the problem covers (the caret's length); 0 when only
    /// the position is known (one caret).
    pub width: u32,
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: None,
            line: 0,
            column: 0,
            width: 0,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub fn in_file(mut self, file: impl AsRef<Path>) -> Self {
        self.file = Some(file.as_ref().to_path_buf());
        self
    }

    pub fn at(mut self, line: u32, column: u32) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    /// A note (see [`Severity::Note`]).
    pub fn note(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Note,
            ..Diagnostic::error(message)
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The span covers `chars` characters from the column (for the caret under it).
    pub fn width(mut self, chars: u32) -> Self {
        self.width = chars;
        self
    }

    /// Rendered in the style of rustc: the header, then, when `source` (the text of the file)
    /// is given and the line is known, the line with a caret under the span, then the hint.
    /// `path` is how to show the file; `color` adds ANSI colours.
    pub fn render(&self, path: Option<&str>, source: Option<&str>, color: bool) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        let shown = path
            .map(escape)
            .or_else(|| self.file.as_ref().map(|f| escape(&f.display().to_string())));
        let message = escape(&self.message);
        let title = level.primary_title(message.as_str());
        // A non-printing character in the source line is shown as one visible mark, so the
        // caret still sits under its column.
        let line_text = (self.line > 0)
            .then(|| source.and_then(|s| s.split('\n').nth(self.line as usize - 1)))
            .flatten()
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .map(|l| {
                l.chars()
                    .map(|c| if is_non_printing(c) { '\u{FFFD}' } else { c })
                    .collect::<String>()
            });
        let line_text = line_text.as_deref();
        let mut group: Group<'_> = match (&shown, line_text) {
            (Some(p), Some(text)) => {
                let span = char_span(text, self.column, self.width);
                title.element(
                    Snippet::source(text)
                        .line_start(self.line as usize)
                        .path(p.as_str())
                        .annotation(AnnotationKind::Primary.span(span)),
                )
            }
            (Some(p), None) => {
                let mut origin = Origin::path(p.as_str());
                if self.line > 0 {
                    origin = origin.line(self.line as usize);
                    if self.column > 0 {
                        origin = origin.char_column(self.column as usize);
                    }
                }
                title.element(origin)
            }
            (None, _) => Group::with_title(title),
        };
        let hint = self.hint.as_deref().map(escape);
        if let Some(h) = &hint {
            group = group.element(Level::HELP.message(h.as_str()));
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&[group])
    }

    /// A GitHub Actions workflow command (`::error file=…,line=…,col=…::message`), which the
    /// Actions runner turns into an annotation on the file. `path` is the file as seen from the
    /// repository root (the working directory).
    pub fn to_github(&self, path: Option<&str>) -> String {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut props = Vec::new();
        let shown = path
            .map(str::to_string)
            .or_else(|| self.file.as_ref().map(|f| f.display().to_string()));
        if let Some(p) = shown {
            props.push(format!("file={}", gh_property(&escape(&p))));
            if self.line > 0 {
                props.push(format!("line={}", self.line));
                if self.column > 0 {
                    props.push(format!("col={}", self.column));
                    if self.width > 1 {
                        props.push(format!("endColumn={}", self.column + self.width));
                    }
                }
            }
        }
        let mut message = escape(&self.message);
        if let Some(h) = &self.hint {
            message.push_str("\nhelp: ");
            message.push_str(&escape(h));
        }
        let props = if props.is_empty() {
            String::new()
        } else {
            format!(" {}", props.join(","))
        };
        format!("::{kind}{props}::{}", gh_data(&message))
    }

    /// One issue of a GitLab Code Quality report (`--format gitlab` prints a JSON array of
    /// them), which GitLab shows in merge requests beside the changed lines. `path` is the file
    /// from the repository root; the fingerprint is stable for the same finding at the same place.
    pub fn to_gitlab(&self, path: Option<&str>) -> String {
        let severity = match self.severity {
            Severity::Error => "major",
            Severity::Warning => "minor",
            Severity::Note => "info",
        };
        let shown = path
            .map(str::to_string)
            .or_else(|| self.file.as_ref().map(|f| f.display().to_string()))
            .unwrap_or_else(|| "book.toml".into());
        let mut description = self.message.clone();
        if let Some(h) = &self.hint {
            description.push_str(" (help: ");
            description.push_str(h);
            description.push(')');
        }
        let key = format!(
            "{shown}\u{0}{}\u{0}{}\u{0}{}",
            self.line, self.column, self.message
        );
        let mut h: u64 = 0xcbf29ce484222325;
        for b in key.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
        format!(
            "{{\"description\":{},\"check_name\":\"bookpress-{}\",\"fingerprint\":\"{h:016x}\",\"severity\":\"{severity}\",\"location\":{{\"path\":{},\"lines\":{{\"begin\":{}}}}}}}",
            json_str(&description),
            self.severity.as_str(),
            json_str(&shown),
            self.line.max(1),
        )
    }

    /// One JSON object, for `--format json`.
    pub fn to_json(&self) -> String {
        format!(
            "{{\"severity\":\"{}\",\"file\":{},\"line\":{},\"column\":{},\"message\":{},\"hint\":{}}}",
            self.severity.as_str(),
            self.file
                .as_ref()
                .map_or("null".into(), |f| json_str(&f.display().to_string())),
            self.line,
            self.column,
            json_str(&self.message),
            self.hint.as_deref().map_or("null".into(), json_str),
        )
    }
}

/// The byte range of `width` characters (at least one) from 1-based character column `column`
/// of `line`; column 0 (unknown) marks the whole line, past its end the position after it.
fn char_span(line: &str, column: u32, width: u32) -> std::ops::Range<usize> {
    if column == 0 {
        let start = line.len() - line.trim_start().len();
        let end = line.trim_end().len().max(start);
        return start..end;
    }
    let offset = |n: usize| line.char_indices().nth(n).map_or(line.len(), |(i, _)| i);
    let start = offset(column as usize - 1);
    let end = offset(column as usize - 1 + width.max(1) as usize).max(start);
    start..end
}

/// Whether `c` is a control character or another code point that prints nothing and is not
/// ordinary white space (tab and newline are kept): C0, DEL, C1, bidirectional overrides and
/// isolates, and the line and paragraph separators. Zero-width joiners and variation
/// selectors, which do shape text, are not included.
pub fn is_non_printing(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{B}'..='\u{1F}' | '\u{7F}'..='\u{9F}'
        | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}'
        | '\u{FFF9}'..='\u{FFFB}')
}

/// `text` with every non-printing character (see [`is_non_printing`]) written as `\u{XXXX}`, so
/// that nothing raw (an escape sequence, a NUL) reaches a terminal through a message.
pub fn escape(text: &str) -> String {
    if !text.chars().any(is_non_printing) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_non_printing(c) {
            out.push_str(&format!("\\u{{{:04X}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Escapes the message of a workflow command (GitHub's toolkit `escapeData`).
fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command (GitHub's toolkit `escapeProperty`).
fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `2 errors, 1 warning`: the summary line after a list of findings (notes are not counted).
pub fn summary(findings: &[Diagnostic]) -> String {
    let count = |sev| findings.iter().filter(|d| d.severity == sev).count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning")
    )
}

fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `file:line:col: error: message` then `  = help: hint`, in the style of rustc.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}", escape(&file.display().to_string()))?;
            if self.line > 0 {
                write!(f, ":{}", self.line)?;
                if self.column > 0 {
                    write!(f, ":{}", self.column)?;
                }
            }
            write!(f, ": ")?;
        }
        write!(f, "{}: {}", self.severity.as_str(), escape(&self.message))?;
        if let Some(h) = &self.hint {
            write!(f, "\n  = help: {}", escape(h))?;
        }
        Ok(())
    }
}

/// The error every fallible library function returns: one or more diagnostics, at least one of
/// them an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub diagnostics: Vec<Diagnostic>,
}

impl Error {
    pub fn first(&self) -> &Diagnostic {
        &self.diagnostics[0]
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error {
            diagnostics: vec![d],
        }
    }
}

impl From<Vec<Diagnostic>> for Error {
    fn from(diagnostics: Vec<Diagnostic>) -> Self {
        Error { diagnostics }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_rustc() {
        let d = Diagnostic::error("unknown key `autor`")
            .in_file("book/01.md")
            .at(3, 1)
            .hint("known keys: title, author, kicker, role");
        assert_eq!(
            d.to_string(),
            "book/01.md:3:1: error: unknown key `autor`\n  = help: known keys: title, author, kicker, role"
        );
    }

    #[test]
    fn render_shows_the_line_with_a_caret_under_the_span() {
        let d = Diagnostic::warning("half-width `,` in Chinese text")
            .in_file("a.md")
            .at(2, 3)
            .hint("use `，`");
        let text = "# 题\n你好,世界。\n";
        assert_eq!(
            d.render(None, Some(text), false),
            "warning: half-width `,` in Chinese text\n --> a.md:2:3\n  |\n2 | 你好,世界。\n  |     ^\n  |\n  = help: use `，`"
        );
        // A width covers that many characters; column 0 marks the whole line.
        let wide = Diagnostic::error("x").in_file("a.md").at(2, 1).width(2);
        let r = wide.render(None, Some(text), false);
        assert!(r.ends_with("\n  | ^^^^"), "{r}");
        let line = Diagnostic::error("x").in_file("a.md").at(2, 0);
        let r = line.render(None, Some(text), false);
        assert!(r.ends_with("\n  | ^^^^^^^^^^^"), "{r}");
        // Without the source, or past its end: the place only, no panic.
        let far = Diagnostic::error("x").in_file("a.md").at(99, 5);
        assert_eq!(
            far.render(None, Some(text), false),
            "error: x\n--> a.md:99:5"
        );
        assert_eq!(Diagnostic::error("x").render(None, None, false), "error: x");
        assert!(
            d.render(Some("book/a.md"), Some(text), true)
                .contains("\u{1b}[")
        );
    }

    #[test]
    fn github_annotations_escape_data_and_properties() {
        let d = Diagnostic::error("100% wrong\nnext")
            .in_file("a,b:c.md")
            .at(3, 4)
            .width(2)
            .hint("fix it");
        assert_eq!(
            d.to_github(None),
            "::error file=a%2Cb%3Ac.md,line=3,col=4,endColumn=6::100%25 wrong%0Anext%0Ahelp: fix it"
        );
        assert_eq!(
            Diagnostic::note("n").to_github(Some("x.md")),
            "::notice file=x.md::n"
        );
        assert_eq!(Diagnostic::warning("w").to_github(None), "::warning::w");
    }

    #[test]
    fn gitlab_issue_has_path_line_severity_and_a_stable_fingerprint() {
        let d = Diagnostic::warning("half-width `,`")
            .in_file("a.md")
            .at(3, 3)
            .hint("use `，`");
        let j = d.to_gitlab(Some("book/a.md"));
        assert!(j.starts_with(r#"{"description":"half-width `,` (help: use `，`)","check_name":"bookpress-warning","fingerprint":""#), "{j}");
        assert!(
            j.ends_with(
                r#"","severity":"minor","location":{"path":"book/a.md","lines":{"begin":3}}}"#
            ),
            "{j}"
        );
        assert_eq!(j, d.to_gitlab(Some("book/a.md")));
        assert_ne!(j, d.clone().at(4, 3).to_gitlab(Some("book/a.md")));
    }

    #[test]
    fn summary_counts_errors_and_warnings_not_notes() {
        let v = [
            Diagnostic::error("a"),
            Diagnostic::warning("b"),
            Diagnostic::warning("c"),
            Diagnostic::note("d"),
        ];
        assert_eq!(summary(&v), "1 error, 2 warnings");
        assert_eq!(summary(&[]), "0 errors, 0 warnings");
    }

    #[test]
    fn json_escapes_quotes_and_newlines() {
        let d = Diagnostic::warning("a \"b\"\nc").in_file("x.md").at(1, 2);
        assert_eq!(
            d.to_json(),
            r#"{"severity":"warning","file":"x.md","line":1,"column":2,"message":"a \"b\"\nc","hint":null}"#
        );
    }
}
