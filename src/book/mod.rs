//! Loading a book folder into the document model. The only stage that reads source files
//! (and the clock, through `SOURCE_DATE_EPOCH`).

pub mod assets;
pub mod confined;
pub mod html;
pub mod html_tags;
pub mod include;
pub mod links;
pub mod manifest;
pub mod markdown;
pub mod model;
pub mod remote;
pub mod source;
pub mod summary;
pub mod svg;
pub mod walk;
pub mod yaml;

use crate::diag::{Diagnostic, Result, Severity};
use assets::{ImageCache, confine, io_reason};
use confined::{BookDir, Kind};
use model::{Book, EpubSettings, Metadata, Part, PdfSettings};
use source::{FigureNumbers, Placement};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Section files larger than this are refused before reading. A book's section is a few
/// hundred KB, the longest real ones are whole classical texts of about 4 MB (北史 is 4.0 MB).
/// The worst case is one word with no break opportunity: 8 MB of Latin letters peaked at
/// 2.4 GB and 6 MB at 1.9 GB (one paragraph or one CJK line of 8 MB: 0.85 GB), so the cap is
/// 5 MB (`bench/bench.py --hostile`).
pub const MAX_SECTION_BYTES: u64 = 5 * 1024 * 1024;

/// Loads `dir/book.toml` and everything it lists.
pub fn load(dir: &Path) -> Result<Book> {
    load_with_warnings(dir).map(|(book, _)| book)
}

/// Like [`load`], also returning the warnings found on the way. Any error found in any
/// section makes it `Err`, with every error and warning of the whole book.
pub fn load_with_warnings(dir: &Path) -> Result<(Book, Vec<Diagnostic>)> {
    let (book, findings) = load_all(dir)?;
    if findings.iter().any(|d| d.severity == Severity::Error) {
        let (mut errors, warnings): (Vec<_>, Vec<_>) = findings
            .into_iter()
            .partition(|d| d.severity == Severity::Error);
        errors.extend(warnings);
        return Err(errors.into());
    }
    Ok((book, findings))
}

/// One section file as the book lists it.
struct Listed {
    /// Relative to the book folder, `/`-separated.
    rel: String,
    place: Placement,
    part: Option<usize>,
    /// Where it is listed (book.toml or SUMMARY.md) and on which line, for messages.
    listed_in: PathBuf,
    line: u32,
}

/// book.toml as read: the open book folder, its path, its text and what it says.
struct Manifested {
    dir: BookDir,
    toml_path: PathBuf,
    text: String,
    manifest: manifest::Manifest,
}

impl Manifested {
    /// Places a finding about `key` at its line in book.toml.
    fn at_key(&self, key: &str, d: Diagnostic) -> Diagnostic {
        d.in_file(&self.toml_path).at(key_line(&self.text, key), 0)
    }
}

/// Errors and warnings found on the way, all reported in one run.
#[derive(Default)]
struct Findings {
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

/// What reading the sections in order gives, besides the sections.
struct SectionsRead {
    sections: Vec<model::Section>,
    parts: Vec<Part>,
    section_ids: HashMap<String, String>,
    anchors: HashMap<String, HashMap<String, String>>,
    notes: source::BookNotes,
    files_read: Vec<String>,
    images: ImageCache,
}

/// Reads the whole book, going on past problems in its sections so that all of them are
/// found in one run. `Err` only when there is no book to read (no or broken book.toml, no
/// sections); otherwise the book as far as it could be read and every finding, errors included.
pub fn load_all(dir: &Path) -> Result<(Book, Vec<Diagnostic>)> {
    let m = read_manifest(dir)?;
    let figure_numbers = check_book_table(&m)?;
    let mut found = Findings::default();
    found.errors.extend(check_metadata(&m));
    let (listed, part_titles) = list_sections(&m, &mut found.warnings)?;
    let files = number_sections(listed, &mut found.errors);
    let font_settings = manifest::FontsTable::settings(&m.manifest.fonts, m.dir.path());
    found.errors.extend(check_fonts(&m, &font_settings));
    let mut read = read_sections(
        &m,
        &files,
        &part_titles,
        figure_numbers,
        &font_settings,
        &mut found,
    );
    links::resolve(
        &mut read.sections,
        &read.section_ids,
        &read.anchors,
        &mut found.warnings,
    );
    found.warnings.extend(book_notes(&read.notes));
    let cover = load_cover(&m, &mut read, &mut found.errors);
    let meta = metadata(&m, &read, cover, &mut found.errors);
    let (pdf_writing, epub_writing) = m.manifest.writing(&m.toml_path, &m.text)?;
    let pdf = PdfSettings {
        writing: pdf_writing,
        ..m.manifest.pdf.settings(&m.toml_path, &m.text)?
    };
    let epub = EpubSettings {
        writing: epub_writing,
        ..m.manifest.epub.settings(&m.toml_path)?
    };
    let book = Book {
        pdf,
        fonts: font_settings,
        epub,
        root: m.dir.path().to_path_buf(),
        meta,
        sections: read.sections,
        parts: read.parts,
        remote_pictures: read.notes.remote,
        toml_text: m.text.clone(),
    };
    if let Some(d) = cover_resolution(&book) {
        found.warnings.push(m.at_key("cover", d));
    }
    if m.manifest.book.author.is_some() {
        let d = if m.manifest.book.authors.is_empty() {
            Diagnostic::warning("`author` is read as `authors`")
        } else {
            Diagnostic::warning("`author` is left out: `authors` is given")
        };
        let d =
            d.hint("the key is `authors` (as in mdBook, which passes `author` over); rename it");
        found.warnings.push(m.at_key("author", d));
    }
    let mut all = found.errors;
    all.extend(found.warnings);
    Ok((book, all))
}

/// The longest book title the cover sets (wrapped and shrunk, every character kept; on A5 at
/// about a third of the title size). Refused here, before anything is read, so that `check` and
/// `build` agree.
pub const MAX_TITLE_CHARS: usize = 300;

/// The `[book]` values without which nothing can be read: a title and the figure numbering.
fn check_book_table(m: &Manifested) -> Result<FigureNumbers> {
    let b = &m.manifest.book;
    if b.title.trim().is_empty() {
        return Err(m
            .at_key("title", Diagnostic::error("the book title is empty"))
            .into());
    }
    let chars = b.title.chars().count();
    if chars > MAX_TITLE_CHARS {
        return Err(m
            .at_key(
                "title",
                Diagnostic::error(format!(
                    "the book title is {chars} characters long; the cover holds at most {MAX_TITLE_CHARS}"
                ))
                .hint("shorten it; a subtitle or summary can go in `description`"),
            )
            .into());
    }
    match b.figure_numbers.as_deref().unwrap_or("book") {
        "book" => Ok(FigureNumbers::Book),
        "chapter" => Ok(FigureNumbers::Chapter),
        "source" => Ok(FigureNumbers::Source),
        other => Err(m
            .at_key(
                "figure_numbers",
                Diagnostic::error(format!("unknown figure_numbers `{other}`")).hint(
                    "use book (图1, 图2 …), chapter (图1.1 …) or source (the caption's own label)",
                ),
            )
            .into()),
    }
}

/// `identifier` and `language`, which the EPUB's package document must carry well-formed.
fn check_metadata(m: &Manifested) -> Vec<Diagnostic> {
    let b = &m.manifest.book;
    let mut out = Vec::new();
    if b.identifier.as_deref().is_some_and(|i| i.trim().is_empty()) {
        out.push(m.at_key(
            "identifier",
            Diagnostic::error("`identifier` is empty").hint(
                "give the book's ISBN or URN (identifier = \"urn:isbn:9787…\"), or leave the key \
                 out for one derived from the title",
            ),
        ));
    }
    if let Some(lang) = &b.language
        && let Err(why) = language_tags::LanguageTag::parse(lang.trim())
    {
        out.push(
            m.at_key(
                "language",
                Diagnostic::error(format!(
                    "language `{}` is not a BCP 47 language tag ({why})",
                    crate::diag::escape(lang)
                ))
                .hint("use a tag such as zh-CN, zh-TW, zh-Hant, en or ja"),
            ),
        );
    }
    out
}

/// Gives each listed file its section id (`sec-1` …) in reading order; a file listed twice is
/// an error at its second listing.
fn number_sections(listed: Vec<Listed>, errors: &mut Vec<Diagnostic>) -> Vec<(Listed, String)> {
    let mut seen = std::collections::HashSet::new();
    let mut files = Vec::with_capacity(listed.len());
    for (i, l) in listed.into_iter().enumerate() {
        if !seen.insert(l.rel.clone()) {
            errors.push(
                Diagnostic::error(format!("`{}` is listed twice", l.rel))
                    .in_file(&l.listed_in)
                    .at(l.line, 0)
                    .hint("list each file once"),
            );
            continue;
        }
        files.push((l, format!("sec-{}", i + 1)));
    }
    files
}

/// Reads and parses every section in reading order, with its pictures and includes.
fn read_sections(
    m: &Manifested,
    files: &[(Listed, String)],
    part_titles: &[String],
    figure_numbers: FigureNumbers,
    fonts: &model::FontSettings,
    found: &mut Findings,
) -> SectionsRead {
    let mut images = ImageCache::default();
    images.svg_fonts = std::iter::once(&fonts.body)
        .chain(std::iter::once(&fonts.heading))
        .chain(&fonts.fallback)
        .map(|f| f.path.clone())
        .collect();
    let mut read = SectionsRead {
        sections: Vec::with_capacity(files.len()),
        parts: Vec::new(),
        section_ids: files
            .iter()
            .map(|(l, id)| (l.rel.clone(), id.clone()))
            .collect(),
        anchors: HashMap::new(),
        notes: source::BookNotes::default(),
        files_read: vec!["book.toml".to_string()],
        images,
    };
    let mut figures = 0;
    let mut chapter = (0, 0);
    for (l, id) in files {
        let text = match read_section(&m.dir, l) {
            Ok(t) => t,
            Err(d) => {
                found.errors.push(d);
                continue;
            }
        };
        read.files_read.push(l.rel.clone());
        if l.place.depth == 0 {
            chapter = (chapter.0 + 1, 0);
        }
        let rel_path = Path::new(&l.rel);
        let mut ctx = source::Context {
            dir: &m.dir,
            images: &mut read.images,
            figures: &mut figures,
            section_ids: &read.section_ids,
            warnings: &mut found.warnings,
            errors: &mut found.errors,
            anchors: &mut read.anchors,
            figure_numbers,
            words: crate::words::for_language(
                m.manifest.book.language.as_deref().unwrap_or("zh-CN"),
            ),
            chapter,
            files_read: &mut read.files_read,
            notes: &mut read.notes,
        };
        let parsed = source::parse_placed(&mut ctx, rel_path, id, &text, &l.place);
        chapter = ctx.chapter;
        match parsed {
            Ok(_) if read.notes.drafts.iter().any(|d| d == rel_path) => {
                found.warnings.push(
                    Diagnostic::warning(format!("`{}` is a draft (draft: true): left out", l.rel))
                        .in_file(rel_path)
                        .at(1, 1)
                        .hint("set draft: false, or remove the key, to include it"),
                );
            }
            Ok(section) => {
                if let Some(p) = l.part {
                    add_to_part(&mut read.parts, &part_titles[p], read.sections.len());
                }
                read.sections.push(section);
            }
            Err(e) => found.errors.extend(e.diagnostics),
        }
    }
    read
}

/// Puts the section at `index` into the part titled `title`: the last part if it is that one
/// and ends just before, else a new part.
fn add_to_part(parts: &mut Vec<Part>, title: &str, index: usize) {
    match parts.last_mut() {
        Some(last) if last.title == title && last.end == index => last.end += 1,
        _ => parts.push(Part {
            title: title.to_string(),
            first: index,
            end: index + 1,
        }),
    }
}

/// One finding each for what the sections' front matter and pictures say about the book.
fn book_notes(notes: &source::BookNotes) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if !notes.site_keys.is_empty() {
        let keys: Vec<&str> = notes.site_keys.iter().map(String::as_str).collect();
        out.push(
            Diagnostic::warning(format!(
                "front matter keys of site generators are passed over: {}",
                keys.join(", ")
            ))
            .hint("they mean nothing in a book; title, author, date and draft are read"),
        );
    }
    if !notes.remote.is_empty() {
        let n = notes.remote.len();
        out.push(
            Diagnostic::note(format!(
                "{n} remote picture{} set as placeholder{}; builds never use the network",
                if n == 1 { " is" } else { "s are" },
                if n == 1 { "" } else { "s" },
            ))
            .hint("`bookpress fetch-images` downloads them once into .bookpress-cache/images/"),
        );
    }
    out
}

/// The `cover` picture book.toml names, read like any picture.
fn load_cover(
    m: &Manifested,
    read: &mut SectionsRead,
    errors: &mut Vec<Diagnostic>,
) -> Option<model::Image> {
    let c = m.manifest.book.cover.as_ref()?;
    let loaded = confine(m.dir.path(), Path::new(""), c)
        .and_then(|(_, rel)| read.images.load(&m.dir, &rel).map(|i| (i, rel)));
    match loaded {
        Ok((image, rel)) => {
            read.files_read.push(rel);
            Some(image)
        }
        Err(d) => {
            errors.push(m.at_key(
                "cover",
                d.hint(
                    "the cover path is relative to book.toml and must stay inside the book folder",
                ),
            ));
            None
        }
    }
}

/// The book's metadata: book.toml's values, the date of the edition and the output name.
fn metadata(
    m: &Manifested,
    read: &SectionsRead,
    cover: Option<model::Image>,
    errors: &mut Vec<Diagnostic>,
) -> Metadata {
    let b = &m.manifest.book;
    // A date in the book.toml wins; else the newest date the sections' front matter gives.
    let date = b
        .date
        .clone()
        .or_else(|| read.notes.dates.iter().max().cloned());
    let modified_unix = match book_date(date.as_deref(), &m.dir, &read.files_read) {
        Ok(t) => t,
        Err(d) => {
            let key = if d.message.starts_with("SOURCE_DATE_EPOCH") {
                ""
            } else {
                "date"
            };
            errors.push(if key.is_empty() { d } else { m.at_key(key, d) });
            0
        }
    };
    Metadata {
        title: b.title.trim().to_string(),
        series: b.series.clone().filter(|s| !s.trim().is_empty()),
        editors: b.editors.clone(),
        authors: match &b.author {
            Some(a) if b.authors.is_empty() => a.list(),
            _ => b.authors.clone(),
        },
        language: b
            .language
            .clone()
            .map_or_else(|| "zh-CN".into(), |l| l.trim().to_string()),
        identifier: b
            .identifier
            .clone()
            .unwrap_or_else(|| identifier_from_title(&b.title)),
        modified_unix,
        name: output_name(m.dir.path()),
        cover,
        description: b.description.clone().filter(|d| !d.trim().is_empty()),
    }
}

/// A cover picture that would print at under 150 pixels per inch when it fills the page (it is
/// cropped to the page's proportions, so the scarcer dimension decides).
fn cover_resolution(book: &Book) -> Option<Diagnostic> {
    let img = book.meta.cover.as_ref()?;
    let (w, h) = img.display_size();
    let inches = |pt: f32| f64::from(pt) / 72.0;
    let dpi = (f64::from(w) / inches(book.pdf.page_width))
        .min(f64::from(h) / inches(book.pdf.page_height));
    (dpi < 150.0).then(|| {
        Diagnostic::warning(format!(
            "the cover picture `{}` ({w}×{h} pixels) prints at {dpi:.0} pixels per inch on the \
             first page, which looks blurred",
            img.path
        ))
        .hint("give a picture of at least 150, better 300, pixels per inch of the page size")
    })
}

/// `dir/book.toml` read through a handle on `dir` and parsed.
fn read_manifest(dir: &Path) -> Result<Manifested> {
    let book_dir = BookDir::open(dir).map_err(|e| {
        Diagnostic::error(format!("cannot open the book folder: {}", io_reason(&e))).in_file(dir)
    })?;
    let toml_path = dir.join("book.toml");
    let bytes = book_dir.read("book.toml", Kind::Manifest).map_err(|r| {
        let message = match r.0.strip_prefix("cannot be read: ") {
            Some(why) => format!("cannot read book.toml: {why}"),
            None => format!("book.toml {r}"),
        };
        Diagnostic::error(message)
            .in_file(&toml_path)
            .hint("give the folder that holds book.toml, e.g. `bookpress build book`")
    })?;
    let text = source::decode(bytes, &toml_path)?;
    let manifest = manifest::parse(&text, &toml_path)?;
    Ok(Manifested {
        dir: book_dir,
        toml_path,
        text,
        manifest,
    })
}

/// The book's section files in reading order (book.toml's `sections`, or SUMMARY.md), each as
/// (absolute path, path relative to the book folder), without reading the sections themselves:
/// what `check --fix` rewrites.
pub fn section_files(dir: &Path) -> Result<Vec<(PathBuf, String)>> {
    let m = read_manifest(dir)?;
    let (listed, _) = list_sections(&m, &mut Vec::new())?;
    Ok(listed
        .into_iter()
        .map(|l| (m.dir.path().join(&l.rel), l.rel))
        .collect())
}

/// The book's `language` as book.toml gives it (zh-CN when it gives none or cannot be read),
/// for `check --fix`, which rewrites the sources without loading the book.
pub fn language_of(dir: &Path) -> String {
    read_manifest(dir)
        .ok()
        .and_then(|m| m.manifest.book.language)
        .unwrap_or_else(|| "zh-CN".into())
}

/// The 1-based line of `key = …` in book.toml; 0 when it is not there.
fn key_line(text: &str, key: &str) -> u32 {
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with('='))
        })
        .map_or(0, |i| i as u32 + 1)
}

/// The sections in reading order: `[book] sections`, else mdBook's `src/SUMMARY.md`.
fn list_sections(
    m: &Manifested,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(Vec<Listed>, Vec<String>)> {
    let root = m.dir.path();
    let Some(list) = &m.manifest.book.sections else {
        return list_summary(m, warnings);
    };
    let line = key_line(&m.text, "sections");
    if list.is_empty() {
        return Err(Diagnostic::error("`sections` lists no files")
            .in_file(&m.toml_path)
            .at(line, 0)
            .hint("list the Markdown files in reading order")
            .into());
    }
    let mut out = Vec::new();
    for s in list {
        let (_, rel) =
            confine(root, Path::new(""), s).map_err(|d| d.in_file(&m.toml_path).at(line, 0))?;
        out.push(Listed {
            rel,
            place: Placement::default(),
            part: None,
            listed_in: m.toml_path.clone(),
            line,
        });
    }
    Ok((out, Vec::new()))
}

/// mdBook's `src/SUMMARY.md`: chapters nested by their list level, parts, drafts left out.
fn list_summary(
    m: &Manifested,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(Vec<Listed>, Vec<String>)> {
    let src = m.manifest.book.src.as_deref().unwrap_or("src");
    let (_, summary_rel) = confine(m.dir.path(), Path::new(""), &format!("{src}/SUMMARY.md"))
        .map_err(|d| d.in_file(&m.toml_path).at(key_line(&m.text, "src"), 0))?;
    let summary_path = PathBuf::from(&summary_rel);
    let summary_text = match m.dir.read(&summary_rel, Kind::Summary) {
        Ok(bytes) => source::decode(bytes, &summary_path)?,
        Err(r) if !r.0.starts_with("cannot be read") => {
            return Err(Diagnostic::error(format!("`{summary_rel}` {r}"))
                .in_file(&m.toml_path)
                .hint("SUMMARY.md must be a text file inside the book folder")
                .into());
        }
        Err(_) => {
            return Err(Diagnostic::error(
                "book.toml has no `sections`, and there is no src/SUMMARY.md (an mdBook book) here",
            )
            .in_file(&m.toml_path)
            .hint("list the Markdown files in reading order: sections = [\"01.md\", \"02.md\"]")
            .into());
        }
    };
    let summary = summary::parse(&summary_text);
    for (title, line) in &summary.drafts {
        warnings.push(
            Diagnostic::warning(format!("draft chapter `{title}` has no file: left out"))
                .in_file(&summary_path)
                .at(*line, 0)
                .hint("give it a file, as `[title](file.md)`, to include it"),
        );
    }
    if summary.entries.is_empty() {
        return Err(Diagnostic::error("SUMMARY.md lists no chapters")
            .in_file(&summary_path)
            .hint("list the chapters as `- [标题](chapter.md)`")
            .into());
    }
    let mut out = Vec::new();
    for e in summary.entries {
        let path = e.path.split('#').next().unwrap_or("");
        let (_, rel) = confine(m.dir.path(), Path::new(src), path)
            .map_err(|d| d.in_file(&summary_path).at(e.line, 0))?;
        out.push(Listed {
            rel,
            place: Placement {
                summary_title: Some(e.title),
                depth: e.depth,
            },
            part: e.part,
            listed_in: summary_path.clone(),
            line: e.line,
        });
    }
    Ok((out, summary.parts))
}

/// One section's text, read through the book folder's handle and decoded.
fn read_section(dir: &BookDir, l: &Listed) -> std::result::Result<String, Diagnostic> {
    let bytes = dir.read(&l.rel, Kind::Section).map_err(|r| {
        let d = Diagnostic::error(format!("section `{}` {r}", l.rel))
            .in_file(&l.listed_in)
            .at(l.line, 0);
        if r.0.starts_with("is ") && r.0.contains("over the limit") {
            d.hint("split it into several sections")
        } else {
            d.hint(
                "check the file name; paths are relative to book.toml (SUMMARY.md: to its folder)",
            )
        }
    })?;
    source::decode(bytes, Path::new(&l.rel)).map_err(|e| e.first().clone())
}

/// The fonts book.toml names, opened (confined when relative) and checked to be whole font
/// files before anything is laid out, so that a damaged one is reported at its line.
fn check_fonts(m: &Manifested, fonts: &model::FontSettings) -> Vec<Diagnostic> {
    let t = &m.manifest.fonts;
    let named = [
        ("body", t.body.is_some(), &fonts.body),
        ("heading", t.heading.is_some(), &fonts.heading),
    ];
    let mut out = Vec::new();
    let given = named
        .into_iter()
        .filter(|(_, given, _)| *given)
        .map(|(key, _, f)| (key, f))
        .chain(fonts.fallback.iter().map(|f| ("fallback", f)));
    for (key, file) in given {
        if let Err(d) = crate::typeset::fonts::check_font_file(file) {
            out.push(m.at_key(key, d));
        }
    }
    out
}

/// The edition's date: `SOURCE_DATE_EPOCH`, else `[book] date`, else the newest modification
/// time of the book's own files, so that unchanged sources give the same bytes.
fn book_date(
    date: Option<&str>,
    dir: &BookDir,
    files: &[String],
) -> std::result::Result<i64, Diagnostic> {
    if let Some(t) = source_date_epoch()? {
        return Ok(t);
    }
    if let Some(d) = date {
        return parse_date(d).ok_or_else(|| {
            Diagnostic::error(format!("date `{d}` is not a date"))
                .hint("write it as YYYY-MM-DD, e.g. date = \"2021-06-03\"")
        });
    }
    Ok(files
        .iter()
        .filter_map(|f| dir.modified(f))
        .filter_map(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        // A file dated past 9999 (a clock gone wrong) dates the edition at the last date both
        // the EPUB and the PDF can carry, so the two agree.
        .map(|d| (d.as_secs() as i64).min(crate::date::MAX_UNIX))
        .max()
        .unwrap_or(0))
}

/// `YYYY-MM-DD` → seconds since the Unix epoch at midnight UTC.
fn parse_date(s: &str) -> Option<i64> {
    let mut it = s.trim().splitn(3, '-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || d < 1 || d > days_in[m as usize - 1]
    {
        return None;
    }
    Some(crate::date::days_from_civil(y, m, d) * 86_400)
}

/// `SOURCE_DATE_EPOCH`, when set (reproducible builds): a whole number of seconds from 0
/// (1970) to 9999-12-31T23:59:59Z, the last instant the EPUB's and the PDF's dates can carry.
/// Anything else is an error, never clamped, so the two outputs never disagree on the date.
fn source_date_epoch() -> std::result::Result<Option<i64>, Diagnostic> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => parse_epoch(&v).map(Some),
        Err(std::env::VarError::NotUnicode(_)) => Err(epoch_error("is not text")),
        _ => Ok(None),
    }
}

fn parse_epoch(v: &str) -> std::result::Result<i64, Diagnostic> {
    let shown = crate::diag::escape(v);
    let t: i64 = v
        .trim()
        .parse()
        .map_err(|_| epoch_error(&format!("is `{shown}`, not a whole number of seconds")))?;
    if t < 0 {
        return Err(epoch_error(&format!("is `{shown}`, before 1970")));
    }
    if t > crate::date::MAX_UNIX {
        return Err(epoch_error(&format!(
            "is `{shown}`, after 9999-12-31T23:59:59Z ({}), the last date an EPUB and a PDF can carry",
            crate::date::MAX_UNIX
        )));
    }
    Ok(t)
}

fn epoch_error(why: &str) -> Diagnostic {
    Diagnostic::error(format!("SOURCE_DATE_EPOCH {why}"))
        .hint("set it to a Unix timestamp such as `$(git log -1 --format=%ct)`, or unset it")
}

/// A stable name-based identifier: the same title always gives the same URN.
pub fn identifier_from_title(title: &str) -> String {
    let h = fnv1a128(title.trim().as_bytes());
    let b = h.to_be_bytes();
    // Shaped as a version-5-style UUID so readers that expect one accept it.
    format!(
        "urn:uuid:{:08x}-{:04x}-5{:03x}-{:04x}-{:012x}",
        u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
        u16::from_be_bytes([b[4], b[5]]),
        u16::from_be_bytes([b[6], b[7]]) & 0x0fff,
        (u16::from_be_bytes([b[8], b[9]]) & 0x3fff) | 0x8000,
        u64::from_be_bytes([0, 0, b[10], b[11], b[12], b[13], b[14], b[15]]),
    )
}

fn fnv1a128(data: &[u8]) -> u128 {
    let mut h: u128 = 0x6c62272e07bb014262b821756295c58d;
    for &byte in data {
        h ^= u128::from(byte);
        h = h.wrapping_mul(0x0000000001000000000000000000013B);
    }
    h
}

/// The book folder's name as the outputs' stem, spaces and all: only path separators and
/// control characters (which no file name should carry) become `_`.
fn output_name(root: &Path) -> String {
    root.file_name()
        .map(|n| n.to_string_lossy())
        .map(|n| {
            n.chars()
                .map(|c| {
                    if c == '/' || c == '\\' || c.is_control() {
                        '_'
                    } else {
                        c
                    }
                })
                .collect()
        })
        .filter(|n: &String| !n.is_empty())
        .unwrap_or_else(|| "book".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_is_stable_and_uuid_shaped() {
        let a = identifier_from_title("交流经验");
        assert_eq!(a, identifier_from_title(" 交流经验 "));
        assert_ne!(a, identifier_from_title("交流经验（下）"));
        assert_eq!(a.len(), "urn:uuid:".len() + 36);
        assert_eq!(&a[23..24], "5");
    }

    #[test]
    fn output_name_keeps_spaces_and_chinese() {
        assert_eq!(output_name(Path::new("/x/my book")), "my book");
        assert_eq!(
            output_name(Path::new("/x/党史 学习（上）")),
            "党史 学习（上）"
        );
        assert_eq!(output_name(Path::new("/x/a\tb")), "a_b");
        assert_eq!(output_name(Path::new("/")), "book");
    }

    #[test]
    fn dates_parse_to_midnight_utc() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2021-06-03"), Some(1_622_678_400));
        assert_eq!(parse_date("2024-02-29"), Some(1_709_164_800));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2021-6"), None);
        assert_eq!(parse_date("昨天"), None);
    }

    #[test]
    fn source_date_epoch_out_of_range_is_an_error_not_clamped() {
        assert_eq!(parse_epoch(" 1622678400 ").unwrap(), 1_622_678_400);
        assert_eq!(parse_epoch("253402300799").unwrap(), crate::date::MAX_UNIX);
        for (v, why) in [
            ("253402300800", "after 9999-12-31"),
            ("-1", "before 1970"),
            ("soon", "not a whole number"),
            ("1e9", "not a whole number"),
            ("99999999999999999999", "not a whole number"),
        ] {
            let e = parse_epoch(v).unwrap_err();
            assert!(e.message.contains(why), "{v}: {}", e.message);
        }
    }
}
