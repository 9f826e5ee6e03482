//! Checks over the loaded book that need more than the Markdown: characters no font can draw,
//! text the page cannot set well, headings and pictures. Pure functions of the model: the
//! section texts they point into are the ones the loader read.

use crate::book::model::{Block, Book, Inline, Section, Span};
use crate::book::walk::{self, Run};
use crate::cjk;
use crate::diag::Diagnostic;
use crate::typeset::fonts::FontSet;
use crate::typeset::page::SMALL;
use crate::typeset::sysfonts::SystemFace;
use std::collections::BTreeSet;
use std::path::Path;

/// The file, 1-based line and column of the first `c` in section `at` (`None`: book.toml). A
/// character the file's own text does not have came from a file it includes (`{{#include}}`):
/// then the line of the block it was met in, `line`, which points at the include.
fn place(book: &Book, c: char, at: Option<usize>, line: u32) -> (&Path, u32, u32) {
    let (file, text) = match at {
        Some(i) => (
            book.sections[i].source.as_path(),
            book.sections[i].text.as_str(),
        ),
        None => (Path::new("book.toml"), book.toml_text.as_str()),
    };
    let (line, col) = position_of(text, c).unwrap_or((line, u32::from(line > 0)));
    (file, line, col)
}

/// One error per distinct character that neither the face chosen for it nor any fallback can
/// draw, with the first place it occurs (file, line, column) and the fonts searched.
pub fn uncovered_characters(book: &Book, fonts: &FontSet) -> Vec<Diagnostic> {
    let searched = font_list(book);
    let system = if book.fonts.system {
        " and the fonts installed on this machine"
    } else {
        " (not the machine's fonts: --no-system-fonts or [fonts] system = false)"
    };
    // A body font without Chinese (a Latin font by mistake) is one error naming it, not one per
    // character: its Han characters are reported together.
    let body_lacks_han = body_lacks_han(fonts);
    let (han, other): (Vec<Missing>, Vec<Missing>) = uncovered(book, fonts)
        .into_iter()
        .partition(|(c, _, _)| body_lacks_han && cjk::is_chinese(*c));
    let mut out = Vec::new();
    if let Some(&(c, i, line)) = han.first() {
        let (file, line, col) = place(book, c, i, line);
        let body = &book.fonts.body.path;
        let name = body.file_name().map_or_else(
            || body.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let mut d = Diagnostic::error(format!(
            "the body font `{name}` has no Chinese characters: {} distinct characters of the \
             book cannot be drawn",
            han.len()
        ))
        .in_file(file)
        .at(line, col)
        .hint(format!(
            "set [fonts] body in book.toml to a CJK font (or remove it for the built-in Noto \
             Serif CJK SC), or add one as a fallback; fonts searched: {searched}{system}"
        ));
        if line > 0 {
            d = d.width(1);
        }
        out.push(d);
    }
    out.extend(other.into_iter().map(|(c, i, line)| {
        let (file, line, col) = place(book, c, i, line);
        Diagnostic::error(format!(
            "no font can draw {} (U+{:04X})",
            printable(c),
            c as u32
        ))
        .in_file(file)
        .at(line, col)
        .hint(format!(
            "fonts searched: {searched}{system}; add a font that has it as a fallback in \
             book.toml ([fonts] fallback = [\"...\"]), or replace the character"
        ))
    }));
    out
}

/// The body font has no Chinese at all: a configuration mistake, one error (the machine's
/// fonts are not searched for its Han characters).
fn body_lacks_han(fonts: &FontSet) -> bool {
    !['的', '中', '一', '国']
        .iter()
        .any(|&c| fonts.covers(fonts.body(), c))
}

/// A character no configured font has, the section it is first met in (`None`: book.toml) and
/// the line of the block there (0: the section's title or byline, or book.toml).
type Missing = (char, Option<usize>, u32);

/// The distinct characters that no face of their chain can draw, in the order first met, each
/// with where it is first met: `Some(section index)`, or `None` for book.toml.
fn uncovered(book: &Book, fonts: &FontSet) -> Vec<Missing> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let meta = &book.meta;
    let meta_text = [meta.title.as_str(), meta.series.as_deref().unwrap_or("")]
        .into_iter()
        .chain(meta.editors.iter().map(String::as_str))
        .chain(meta.authors.iter().map(String::as_str));
    for t in meta_text {
        for c in t.chars().filter(|c| needs_glyph(*c)) {
            if !fonts.covers(fonts.heading(), c) && !fonts.covers(fonts.body(), c) && seen.insert(c)
            {
                out.push((c, None, 0));
            }
        }
    }
    for (i, s) in book.sections.iter().enumerate() {
        section_text(s, &mut |text, face, line| {
            let face = match face {
                Face::Heading => fonts.heading(),
                Face::Body => fonts.body(),
                Face::Code => fonts.code(),
            };
            for c in text.chars().filter(|c| needs_glyph(*c)) {
                if !fonts.covers(face, c) && seen.insert(c) {
                    out.push((c, Some(i), line));
                }
            }
        });
    }
    out
}

/// For the characters no configured font can draw, looks in the fonts installed on the machine
/// (only then, so a book its fonts cover never pays for the scan; never with `[fonts] system =
/// false` or `--no-system-fonts`) and adds the first face that has each to the end of `fonts`'
/// fallback chain, so that the PDF sets it in that face. One warning per face used, naming its
/// characters, the first place one of them occurs and the font file. Characters no font on the
/// machine has are left for [`uncovered_characters`] to report as errors.
pub fn add_system_fonts(book: &Book, fonts: &mut FontSet) -> Vec<Diagnostic> {
    if !book.fonts.system {
        return Vec::new();
    }
    let lacks_han = body_lacks_han(fonts);
    let missing: Vec<Missing> = uncovered(book, fonts)
        .into_iter()
        .filter(|(c, _, _)| !(lacks_han && cjk::is_chinese(*c)))
        .collect();
    if missing.is_empty() {
        return Vec::new();
    }
    let chars: Vec<char> = missing.iter().map(|m| m.0).collect();
    let found = crate::typeset::sysfonts::find_covering(&chars);
    // Faces in the order of the first character each supplies.
    let mut used: Vec<(SystemFace, Vec<Missing>)> = Vec::new();
    for (m, face) in missing.into_iter().zip(found) {
        let Some(face) = face else { continue };
        match used.iter_mut().find(|u| u.0 == face) {
            Some(u) => u.1.push(m),
            None => used.push((face, vec![m])),
        }
    }
    let mut out = Vec::new();
    for (face, chars) in used {
        // A face that cannot be loaded leaves its characters uncovered: errors, later.
        if fonts.push_fallback(&face.file).is_err() {
            continue;
        }
        let (file, line, col) = place(book, chars[0].0, chars[0].1, chars[0].2);
        let listed: Vec<String> = chars
            .iter()
            .take(8)
            .map(|&(c, _, _)| format!("{} (U+{:04X})", printable(c), c as u32))
            .collect();
        let more = match chars.len() {
            n if n > 8 => format!(" and {} more", n - 8),
            _ => String::new(),
        };
        out.push(
            Diagnostic::warning(format!(
                "no configured font has {}{more}: set in the system font {} ({})",
                listed.join(", "),
                face.family,
                face.file.path.display()
            ))
            .in_file(file)
            .at(line, col)
            .hint(format!(
                "another machine may not have this font: add it to book.toml ([fonts] fallback = \
                 [\"{}\"]) to make the book its own, or build with --no-system-fonts to make \
                 this an error",
                face.file.path.display()
            )),
        );
    }
    out
}

fn font_list(book: &Book) -> String {
    let f = &book.fonts;
    std::iter::once(&f.body)
        .chain(std::iter::once(&f.heading))
        .chain(&f.fallback)
        .map(|f| {
            f.path.file_name().map_or_else(
                || f.path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn needs_glyph(c: char) -> bool {
    // The same rule the typesetter uses, so the check and the layout never disagree.
    !c.is_whitespace() && !c.is_control() && !cjk::is_ignorable(c)
}

fn printable(c: char) -> String {
    format!("`{c}`")
}

/// 1-based line and column (in characters) of the first `c` in `text`.
/// A character written as an HTML reference (`&#x1F600;`, `&#128512;`) is found there.
fn position_of(text: &str, c: char) -> Option<(u32, u32)> {
    let cp = c as u32;
    let refs = [
        format!("&#x{cp:x};"),
        format!("&#x{cp:X};"),
        format!("&#{cp};"),
    ];
    let off = text.find(c).or_else(|| {
        let lower = text.to_ascii_lowercase();
        refs.iter()
            .filter_map(|r| lower.find(&r.to_ascii_lowercase()))
            .min()
    })?;
    Some(crate::book::manifest::line_col(text, off))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Face {
    Body,
    Heading,
    /// Code blocks and inline code (the code face, then the body's chain).
    Code,
}

/// Calls `f` with every piece of text of a section and the face it is set in.
fn section_text(s: &Section, f: &mut dyn FnMut(&str, Face, u32)) {
    f(&s.title, Face::Heading, 0);
    for t in [&s.author, &s.kicker].into_iter().flatten() {
        f(t, Face::Body, 0);
    }
    for v in s.blocks() {
        let line = v.block.span().line;
        for (run, list) in v.block.runs() {
            let heading = matches!(run, Run::Heading | Run::HeadCell);
            for i in walk::inlines(list) {
                if let Inline::Code(t) = i.inline {
                    f(t, Face::Code, line);
                } else if let Inline::Text(t) = i.inline {
                    f(
                        t,
                        if heading || i.strong {
                            Face::Heading
                        } else {
                            Face::Body
                        },
                        line,
                    );
                }
            }
        }
        match v.block {
            Block::Figure(fig) => fig.credit.iter().for_each(|c| f(c, Face::Body, line)),
            Block::Code { text, .. } => f(text, Face::Code, line),
            _ => {}
        }
    }
}

/// Lints over the model: empty sections, heading levels, duplicate ids, pictures without a
/// caption or alt text, too small or too large.
pub fn lint_model(book: &Book) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut ids = std::collections::HashMap::new();
    for s in &book.sections {
        if s.blocks.is_empty() {
            out.push(
                Diagnostic::warning(format!("the section `{}` has no text", s.title))
                    .in_file(&s.source)
                    .at(s.span.line.max(1), 1)
                    .hint("write its text, or remove it from `sections` in book.toml"),
            );
        }
        // The section's own top heading level (a sub-chapter may open with `###`) counts as
        // the one below the title: it skips nothing.
        let mut level = s.top_heading_level().max(2) - 1;
        for v in s.blocks() {
            match v.block {
                Block::Heading {
                    level: l, id, span, ..
                } => {
                    // Headings in footnotes are not part of the section's outline.
                    if v.footnote.is_none() {
                        out.extend(skipped_level(level, *l, span));
                        level = *l;
                    }
                    if let Some(first) = ids.insert(id.clone(), span.clone()) {
                        out.push(id_used_twice(id, span, &first));
                    }
                }
                Block::Figure(f) => out.extend(figure_lints(book, f)),
                _ => {}
            }
            for (_, list) in v.block.runs() {
                out.extend(walk::inlines(list).filter_map(|i| match i.inline {
                    Inline::Image { image, alt } if alt.trim().is_empty() => {
                        Some(alt_less_picture(&image.path, v.block.span()))
                    }
                    _ => None,
                }));
            }
        }
    }
    out
}

fn skipped_level(level: u8, l: u8, span: &Span) -> Option<Diagnostic> {
    (l > level + 1).then(|| {
        Diagnostic::warning(format!(
            "heading level {l} follows level {level}: a level is skipped"
        ))
        .in_file(&span.file)
        .at(span.line, 1)
        .hint(format!(
            "use {} here; the section title is level 1",
            "#".repeat(usize::from(level) + 1)
        ))
    })
}

fn id_used_twice(id: &str, span: &Span, first: &Span) -> Diagnostic {
    Diagnostic::error(format!("the id `{id}` is used twice"))
        .in_file(&span.file)
        .at(span.line, 1)
        .hint(format!(
            "it is first used at {}:{}; give each heading its own {{#id}}",
            first.file.display(),
            first.line
        ))
}

/// A figure without a caption, with too many pixels, or with too few for print.
fn figure_lints(book: &Book, f: &crate::book::model::Figure) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let at = |d: Diagnostic| d.in_file(&f.span.file).at(f.span.line, 1);
    if crate::book::model::plain_text(&f.caption).trim().is_empty() {
        let why = if f.alt.trim().is_empty() {
            "has no text alternative (the EPUB marks it decorative)"
        } else {
            "has only its alt text"
        };
        out.push(at(Diagnostic::warning(format!(
            "figure {} has no caption: the picture `{}` {why}",
            f.number, f.image.path
        ))
        .hint(format!(
            "write the caption as the picture's alt text: ![说明]({})",
            f.image.path
        ))));
    }
    let (w, h) = f.image.display_size();
    let megapixels = f64::from(w) * f64::from(h) / 1e6;
    if megapixels > 20.0 {
        out.push(at(Diagnostic::warning(format!(
            "picture `{}` has {megapixels:.0} megapixels",
            f.image.path
        ))
        .hint(
            "over 20 MP only makes the files bigger; 3000 pixels on the long edge is plenty",
        )));
    }
    // Placed at the text width unless that would need more than its pixels at 150 dpi.
    let text_width = book.pdf.page_width - book.pdf.margin_inner - book.pdf.margin_outer;
    let natural = w as f32 / 150.0 * 72.0;
    if natural < text_width * 0.5 && f.image.format != crate::book::model::ImageFormat::Svg {
        out.push(at(Diagnostic::warning(format!(
            "picture `{}` is {w} pixels wide: at 150 dpi it fills only {:.0} of the {:.0} mm text width",
            f.image.path,
            natural / 72.0 * 25.4,
            text_width / 72.0 * 25.4
        ))
        .hint(format!(
            "for print use at least {} pixels across",
            (text_width / 72.0 * 150.0).ceil()
        ))));
    }
    out
}

/// A picture in running text without alt text.
fn alt_less_picture(path: &str, span: &Span) -> Diagnostic {
    Diagnostic::warning(format!(
        "the picture `{path}` has no alt text: no text alternative (the EPUB marks it decorative)"
    ))
    .in_file(&span.file)
    .at(span.line, 1)
    .hint(format!("describe it between the brackets: ![说明]({path})"))
}

/// Text the PDF cannot set well: runs with no line-break opportunity wider than the line (the
/// typesetter then breaks them anywhere, as a last resort), tables with more columns than the
/// page has room for, and lists and quotes nested deeper than the page can indent.
pub fn layout_lints(book: &Book, fonts: &FontSet) -> Vec<Diagnostic> {
    use crate::typeset::page::{LIST_INDENT_EM, MIN_MEASURE_EM, QUOTE_INDENT_EM};
    let g = crate::typeset::page::Geometry::new(book);
    let mut out = Vec::new();
    for s in &book.sections {
        let mut warned_depth = false;
        for v in s.blocks() {
            let source = Some(s.text.as_str());
            let unbreakable = |text: &str, span: &Span, size: f32| {
                unbreakable_run(text, fonts, g.measure, size, source).map(|(d, at)| {
                    let (line, col) = at.unwrap_or((span.line, 0));
                    d.in_file(&span.file).at(line, col)
                })
            };
            if v.footnote.is_some() {
                if let Block::Paragraph { content, span } = v.block {
                    let text = crate::book::model::plain_text(content);
                    out.extend(unbreakable(&text, span, g.size * SMALL));
                }
                continue;
            }
            // The indent (in body ems) the PDF gives the block.
            let indent = v.lists as f32 * LIST_INDENT_EM + v.quotes as f32 * 2.0 * QUOTE_INDENT_EM;
            let (text, span) = match v.block {
                Block::Paragraph { content, span } | Block::Heading { content, span, .. } => {
                    (crate::book::model::plain_text(content), span)
                }
                Block::Table(t) => {
                    out.extend(too_many_columns(t, &g, indent));
                    out.extend(too_wide_table(book, fonts, t, indent * g.size));
                    let cells = t.head.iter().chain(t.rows.iter().flatten());
                    let text: Vec<String> =
                        cells.map(|c| crate::book::model::plain_text(c)).collect();
                    (text.join(" "), &t.span)
                }
                _ => continue,
            };
            if !warned_depth && g.measure / g.size - indent < MIN_MEASURE_EM {
                warned_depth = true;
                out.push(
                    Diagnostic::warning(
                        "lists and quotes nest too deeply to indent further: the PDF sets the \
                         deeper levels at the same indent",
                    )
                    .in_file(&span.file)
                    .at(span.line, 0)
                    .hint("flatten the lists or quotes; a few levels are all a reader can follow"),
                );
            }
            out.extend(unbreakable(&text, span, g.size));
        }
    }
    out
}

/// A table whose columns do not fit the line even one size smaller: the PDF squeezes it, breaking
/// cells inside words and numbers. The typesetter's own measurement decides.
fn too_wide_table(
    book: &Book,
    fonts: &FontSet,
    t: &crate::book::model::Table,
    indent: f32,
) -> Option<Diagnostic> {
    let fits = crate::typeset::page::table_fits(book, fonts, t, indent).unwrap_or(true);
    (!fits).then(|| {
        Diagnostic::warning(
            "the table is too wide for the page even at 7.5 pt: the PDF breaks some of its \
             cells inside words or numbers",
        )
        .in_file(&t.span.file)
        .at(t.span.line, 0)
        .hint("split the table, shorten its cells or turn columns into rows")
    })
}

/// Each column needs room for at least one character and the space between.
fn too_many_columns(
    t: &crate::book::model::Table,
    g: &crate::typeset::page::Geometry,
    indent: f32,
) -> Option<Diagnostic> {
    let avail = (g.measure - indent * g.size)
        .max(crate::typeset::page::MIN_MEASURE_EM * g.size)
        .min(g.measure);
    let fit = (avail / (2.0 * g.size * SMALL)).floor() as usize;
    let cols = t
        .head
        .len()
        .max(t.rows.iter().map(Vec::len).max().unwrap_or(0));
    (cols > fit).then(|| {
        Diagnostic::error(format!(
            "the table has {cols} columns; the page has room for at most {fit}"
        ))
        .in_file(&t.span.file)
        .at(t.span.line, 0)
        .hint("split the table, or turn columns into rows")
    })
}

/// `**` or `__` left as text in a paragraph or heading: almost always strong emphasis that
/// CommonMark did not recognise because punctuation sits on its inner side and a Chinese
/// character on its outer side (`**“引号”**后`). pulldown-cmark 0.13 has no CJK-friendly
/// emphasis option, so this is a warning with the way round it.
pub fn literal_emphasis(book: &Book) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for s in &book.sections {
        for v in s.blocks() {
            let (Block::Paragraph { content, span } | Block::Heading { content, span, .. }) =
                v.block
            else {
                continue;
            };
            let texts: Vec<&str> = walk::inlines(content)
                .filter_map(|i| match i.inline {
                    Inline::Text(t) => Some(t.as_str()),
                    _ => None,
                })
                .collect();
            let Some(marker) = ["**", "__"]
                .into_iter()
                .find(|m| texts.iter().any(|x| x.contains(m)))
            else {
                continue;
            };
            // The first line from the paragraph's start that has the marker.
            let (line, col) = s
                .text
                .lines()
                .enumerate()
                .skip(span.line.saturating_sub(1) as usize)
                .find_map(|(i, l)| {
                    l.find(marker)
                        .map(|off| (i as u32 + 1, l[..off].chars().count() as u32 + 1))
                })
                .unwrap_or((span.line, 0));
            out.push(
                Diagnostic::warning(format!(
                    "`{marker}` is shown as text: emphasis is not recognised where punctuation \
                     is inside the markers and a character outside"
                ))
                .in_file(&span.file)
                .at(line, col)
                .hint(
                    "move the punctuation outside the markers: `“**引号**”后`, not `**“引号”**后`",
                ),
            );
        }
    }
    out
}

/// The widest run of `text` with no line-break opportunity, when it is wider than `measure` at
/// `size` in the body face: a warning, and where the run starts in `source` if it is found there.
fn unbreakable_run(
    text: &str,
    fonts: &FontSet,
    measure: f32,
    size: f32,
    source: Option<&str>,
) -> Option<(Diagnostic, Option<(u32, u32)>)> {
    let face = fonts.shaper_face(fonts.body());
    let upem = fonts.units_per_em(fonts.body()).max(1.0);
    // No glyph is wider than about an em, so shorter runs cannot overflow: skip measuring them.
    let min_chars = (measure / size).floor() as usize;
    let mut widest: Option<(f32, usize, &str)> = None;
    let mut start = 0;
    for (end, _) in unicode_linebreak::linebreaks(text) {
        let run = text[start..end].trim_end();
        start = end;
        let n = run.chars().count();
        if n < min_chars {
            continue;
        }
        let width: f32 = run
            .chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .map_or(upem, f32::from)
            })
            .sum::<f32>()
            / upem
            * size;
        if width > measure && widest.is_none_or(|w| width > w.0) {
            widest = Some((width, n, run));
        }
    }
    let (_, n, run) = widest?;
    let head: String = run.chars().take(24).collect();
    let place = source.and_then(|s| {
        s.find(&head)
            .map(|off| crate::book::manifest::line_col(s, off))
    });
    let shown = if n > 24 { format!("{head}…") } else { head };
    Some((
        Diagnostic::warning(format!(
            "`{shown}` ({n} characters) has no place to break and is wider than the line: \
             it is broken where it must be"
        ))
        .hint("add spaces, or zero-width spaces (U+200B) where a line may break"),
        place,
    ))
}

/// What `bookpress check` found, and what `--fix` changed.
#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Diagnostic>,
    /// Files rewritten by `--fix`, with the number of edits made (a mark replaced, a stray
    /// space or an indentation removed).
    pub fixed: Vec<(std::path::PathBuf, usize)>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.findings
            .iter()
            .any(|d| d.severity == crate::diag::Severity::Error)
    }
}

/// Runs every check over the book in `dir` without writing outputs. With `fix`, rewrites
/// half-width punctuation in Chinese text in place (atomically, only those characters).
/// `Err` means the check could not run at all (no book.toml).
pub fn check_book(dir: &Path, fix: bool) -> crate::diag::Result<Report> {
    check_book_with(dir, fix, true)
}

/// [`check_book`]; `system_fonts: false` (`--no-system-fonts`) does not look in the machine's
/// fonts for characters the configured ones lack, whatever book.toml says.
pub fn check_book_with(dir: &Path, fix: bool, system_fonts: bool) -> crate::diag::Result<Report> {
    let toml = dir.join("book.toml");
    if !toml.is_file() {
        return Err(Diagnostic::error("no book.toml here")
            .in_file(&toml)
            .hint("give the folder that holds book.toml, e.g. `bookpress check book`")
            .into());
    }
    let mut report = Report::default();
    if fix {
        fix_punctuation(dir, &mut report)?;
    }
    // The loader goes on past problems in sections, so the checks below still run over
    // everything it could read: one run shows every problem of the book.
    let (mut book, findings) = match crate::book::load_all(dir) {
        Ok(r) => r,
        Err(e) => {
            report.findings.extend(e.diagnostics);
            return Ok(report);
        }
    };
    book.fonts.system &= system_fonts;
    report.findings.extend(findings);
    match FontSet::load_for(&book.fonts, &book.meta.language) {
        Ok((mut fonts, notes)) => {
            report.findings.extend(notes);
            report.findings.extend(add_system_fonts(&book, &mut fonts));
            report.findings.extend(check_loaded(&book, &fonts));
        }
        Err(e) => {
            report.findings.extend(source_lints(&book));
            report.findings.extend(e.diagnostics);
        }
    }
    Ok(report)
}

/// Every check on a loaded book, the ones `bookpress build` runs before writing: errors stop
/// the build, warnings are printed.
pub fn check_loaded(book: &Book, fonts: &FontSet) -> Vec<Diagnostic> {
    // The passes only read the book: they run at once, and their findings keep this order.
    let ((mut out, uncovered), layout) = rayon::join(
        || rayon::join(|| source_lints(book), || uncovered_characters(book, fonts)),
        || layout_lints(book, fonts),
    );
    out.extend(uncovered);
    out.extend(layout);
    out
}

/// Punctuation in the section sources (the sections on all cores, in book order) and the
/// lints over the model.
fn source_lints(book: &Book) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let per_section: Vec<Vec<Diagnostic>> = book
        .sections
        .par_iter()
        .map(|s| crate::lint::lint_source_in(&s.text, &s.source, &book.meta.language).findings)
        .collect();
    let mut out: Vec<Diagnostic> = per_section.into_iter().flatten().collect();
    out.extend(lint_model(book));
    out.extend(literal_emphasis(book));
    out.extend(crate::lint::vertical_lints(book));
    out
}

/// Rewrites the section files listed in book.toml; a file is replaced only as a whole.
fn fix_punctuation(dir: &Path, report: &mut Report) -> crate::diag::Result<()> {
    // The sections as the loader lists them (book.toml's `sections` or an mdBook SUMMARY.md),
    // confined as the loader confines them.
    let Ok(files) = crate::book::section_files(dir) else {
        return Ok(());
    };
    let language = crate::book::language_of(dir);
    let Ok(book_dir) = crate::book::confined::BookDir::open(dir) else {
        return Ok(());
    };
    for (_, rel) in files {
        // Read through the folder's handle, as the loader reads it.
        let Ok(bytes) = book_dir.read(&rel, crate::book::confined::Kind::Section) else {
            continue;
        };
        let Ok(original) = String::from_utf8(bytes) else {
            continue;
        };
        // Fix on the text as the file has it (BOM and CRLF kept): offsets must match the file.
        let edits = crate::lint::lint_source_in(&original, Path::new(&rel), &language).edits;
        if edits.is_empty() {
            continue;
        }
        let fixed = crate::lint::apply(&original, &edits);
        // A section that is a symlink is rewritten where it leads (the link stays a link), and
        // only inside the book folder; the write goes through the folder's handle, so a link
        // swapped in meanwhile cannot redirect it.
        if let Err(why) = book_dir.replace(&rel, fixed.as_bytes()) {
            let hint = if why.0.contains("out of the book folder") {
                "copy the file into the book folder, or fix it where it is"
            } else {
                "check that the file and its folder are writable"
            };
            report.findings.push(
                Diagnostic::error(format!("`{rel}` is not rewritten: it {why}"))
                    .in_file(&rel)
                    .hint(hint),
            );
            continue;
        }
        report.fixed.push((rel.into(), edits.len()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_counts_characters_not_bytes() {
        assert_eq!(position_of("第一行\n中文😀后", '😀'), Some((2, 3)));
        assert_eq!(position_of("abc", 'x'), None);
        assert_eq!(position_of("一\n二&#x1F600;", '😀'), Some((2, 2)));
        assert_eq!(position_of("&#128512;", '😀'), Some((1, 1)));
    }

    #[test]
    fn invisible_characters_need_no_glyph() {
        assert!(!needs_glyph(' '));
        assert!(!needs_glyph('\u{3000}'));
        assert!(!needs_glyph('\u{200B}'));
        assert!(!needs_glyph('\u{FE0F}'));
        assert!(needs_glyph('中'));
    }
}
