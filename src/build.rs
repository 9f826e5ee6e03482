//! `bookpress build`: the whole pipeline for one book. Every output is read back and checked
//! before any is renamed into place, so a build writes all its files or none.

use crate::book::model::Book;
use crate::diag::{Diagnostic, Error, Result, Severity};
use crate::output::OutputDir;
use crate::pictures::Prepared;
use crate::typeset::document::Document;
use crate::typeset::fonts::FontSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Epub,
    Pdf,
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub out_dir: PathBuf,
    /// Which outputs to write; empty means all.
    pub formats: Vec<Format>,
    /// Also write the imposed print file; `None` follows book.toml.
    pub impose: Option<crate::impose::ImposeOptions>,
    /// Embed the body font in the EPUB; `false` follows book.toml.
    pub embed_font: bool,
    /// Look in the machine's fonts for characters the configured ones lack; `false`
    /// (`--no-system-fonts`) overrides book.toml.
    pub system_fonts: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            out_dir: PathBuf::from("out"),
            formats: Vec::new(),
            impose: None,
            embed_font: false,
            system_fonts: true,
        }
    }
}

#[derive(Debug)]
pub struct Built {
    pub files: Vec<PathBuf>,
    pub warnings: Vec<Diagnostic>,
    /// The font faces used (file, face index), body first; built-in ones are `<built-in>/…`.
    pub fonts: Vec<(PathBuf, u32)>,
    /// Time per stage, in the order they ran.
    pub timings: Vec<(&'static str, Duration)>,
    /// How many pictures were decoded, taken from the cache or kept as they are.
    pub pictures: crate::pictures::Stats,
}

type Laps = Vec<(&'static str, Duration)>;
/// Output files as (file name suffix, bytes).
type Files = Vec<(&'static str, Vec<u8>)>;

/// The EPUB's stages, which run beside the PDF's: not part of the build's total.
pub const CONCURRENT_EPUB: &str = "write epub (concurrent)";
pub const CONCURRENT_EPUB_CHECK: &str = "epub check (concurrent)";
pub const CONCURRENT_EPUB_SAVE: &str = "epub save (concurrent)";

/// Measures the stages of a build one after the other.
struct Stopwatch {
    lap: Instant,
    timings: Vec<(&'static str, Duration)>,
}

impl Stopwatch {
    fn new() -> Stopwatch {
        Stopwatch {
            lap: Instant::now(),
            timings: Vec::new(),
        }
    }

    fn mark(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.timings.push((stage, now - self.lap));
        self.lap = now;
    }

    /// Marks a stage in parts: those measured inside it, then the remainder as `rest` (layout =
    /// shaping + line breaking + pagination).
    fn split(&mut self, parts: &[(&'static str, Duration)], rest: &'static str) {
        let now = Instant::now();
        let mut left = now - self.lap;
        for &(name, d) in parts {
            let d = d.min(left);
            left -= d;
            self.timings.push((name, d));
        }
        self.timings.push((rest, left));
        self.lap = now;
    }
}

/// Loads the book in `dir`, checks it, and writes the chosen outputs into `opts.out_dir`.
/// Errors found by the checks stop the build before anything is written. When a build fails,
/// the error comes after every warning found until then (a failed build still says what the
/// checks found).
pub fn build(dir: &Path, opts: &BuildOptions) -> Result<Built> {
    let mut clock = Stopwatch::new();
    let (mut book, mut warnings) = crate::book::load_with_warnings(dir)?;
    book.fonts.system &= opts.system_fonts;
    clock.mark("load+parse");
    build_loaded(book, opts, clock, &mut warnings).map_err(|mut e| {
        let mut all = std::mem::take(&mut warnings);
        all.append(&mut e.diagnostics);
        Error::from(all)
    })
}

/// Gives the free pages inside glibc's heap back to the system (malloc_trim), between the
/// stages of a build and every 128 pages of the PDF. Layout leaves the heap full of holes
/// (each paragraph's shaping), and the PDF writer's per-page compression buffers (a few
/// hundred KB each) add more; glibc keeps them resident. A text-only book of 20 MB peaked at
/// 510 MB of RSS without this and at 413 MB with it; a page's worth of trimming costs well
/// under a millisecond. The `bookpress` binary allocates through mimalloc, which gives freed
/// pages back by itself (src/main.rs); this still serves the library under glibc's allocator
/// (the tests, other programs linking it) and what allocates from glibc directly.
pub fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases memory the allocator holds free; it takes no pointers.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// [`build`] after loading: `warnings` gathers what every stage finds, so that the caller can
/// still print them when a later stage fails.
fn build_loaded(
    book: Book,
    opts: &BuildOptions,
    mut clock: Stopwatch,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Built> {
    let (mut fonts, notes) =
        FontSet::load_localized(&book.fonts, &book.meta.language, book.pdf.punctuation)?;
    warnings.extend(notes);
    warnings.extend(crate::check::add_system_fonts(&book, &mut fonts));
    let font_files: Vec<(PathBuf, u32)> = (0..fonts.len())
        .map(|i| {
            let id = crate::typeset::fonts::FontId(i as u16);
            (fonts.path(id).to_path_buf(), fonts.data(id).1)
        })
        .collect();
    clock.mark("load fonts");
    let (errors, found): (Vec<_>, Vec<_>) = crate::check::check_loaded(&book, &fonts)
        .into_iter()
        .partition(|d| d.severity == Severity::Error);
    warnings.extend(found);
    if !errors.is_empty() {
        return Err(Error::from(errors));
    }
    clock.mark("check");
    let out_dir = OutputDir::open(&opts.out_dir)?;
    let want = |f| opts.formats.is_empty() || opts.formats.contains(&f);
    let mut staged = Vec::new();
    // The PDF's pages, also for the EPUB's page list: `--format epub` lays them out too, unless
    // the book turns the page list off.
    let pages_needed = want(Format::Pdf) || (want(Format::Epub) && book.epub.page_list);
    // Code highlighted on both cores before the layout, once for both outputs; blocks that
    // have not changed since the last build into this folder come from its cache.
    if book.pdf.highlight {
        let cache = crate::highlight::cache::Cache::in_output(out_dir.path());
        crate::highlight::prepare(&code_blocks(&book), cache.as_ref());
    }
    clock.mark("highlight");
    let doc = if pages_needed {
        let doc = crate::typeset::page::layout(&book, &fonts)?;
        let t = doc.timings;
        clock.split(&[("shape", t.shape), ("break lines", t.lines)], "paginate");
        crate::verify::layout(&doc)?;
        give_back_freed_memory();
        Some(doc)
    } else {
        None
    };
    // Every picture decoded at most once for both outputs, cached beside them.
    let cache = crate::pictures::cache::Cache::in_output(out_dir.path());
    // What the EPUB needs of the pages (where each begins) is taken now, so that the PDF
    // writer can drop the laid-out pages as soon as they are drawn.
    let print = doc
        .as_ref()
        .filter(|_| want(Format::Epub) && book.epub.page_list)
        .map(|d| print_pages(&book, d));
    let pdf_doc = doc.filter(|_| want(Format::Pdf));
    let dpi = book.pdf.image_dpi;
    let pictures = crate::pictures::prepare(
        &book,
        want(Format::Epub),
        pdf_doc.as_ref(),
        dpi,
        Some(&cache),
    )?;
    clock.mark("pictures");
    // The two writers share nothing but what they read, so they run at once; each output's
    // bytes do not depend on which finishes first.
    // The EPUB is also staged (written and synced to disk) on its own thread, so that its
    // sync waits beside the PDF's drawing instead of after it.
    // The commit's journal is written and synced beside the drawing too: the commit itself is
    // then renames only.
    let names = output_names(&book, opts, want(Format::Epub), pdf_doc.is_some());
    let font_cache = font_cache(pdf_doc.is_some(), &out_dir, &font_files);
    let fonts_made = font_cache.as_ref().map(|c| c.store());
    let (epub, pdf, journal) = std::thread::scope(|s| {
        let journal = s.spawn(|| out_dir.journal_ahead(&names));
        let epub = want(Format::Epub).then(|| {
            let (book, fonts, print, pictures) = (&book, &fonts, print.as_ref(), &pictures);
            let out_dir = &out_dir;
            s.spawn(move || -> Result<(crate::output::Staged, Laps)> {
                let (file, mut laps) = epub_output(book, fonts, opts, print, pictures)?;
                let start = Instant::now();
                let staged = out_dir.stage(&out_path(book, Path::new(""), file.0), &file.1)?;
                laps.push((CONCURRENT_EPUB_SAVE, start.elapsed()));
                Ok((staged, laps))
            })
        });
        let pdf = pdf_doc.map(|doc| pdf_outputs(&book, &fonts, opts, doc, &pictures, fonts_made));
        let epub = epub.map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        let journal = journal
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        (epub.transpose(), pdf.transpose(), journal)
    });
    let (epub, epub_laps): (Option<_>, Option<_>) = epub?.unzip();
    let (pdf, pdf_laps) = pdf?.unzip();
    staged.extend(epub);
    for (name, bytes) in pdf.into_iter().flatten() {
        staged.push(out_dir.stage(&out_path(&book, Path::new(""), name), &bytes)?);
    }
    // The PDF's stages ran on this thread, one after the other; the EPUB's beside them.
    clock.split(&pdf_laps.unwrap_or_default(), "save");
    for (name, d) in epub_laps.unwrap_or_default() {
        clock.timings.push((name, d));
    }
    let files = out_dir.commit_journaled(staged, journal)?;
    // Still under the output folder's lock: the cache keeps only what the book still uses.
    cache.prune(want(Format::Epub) && want(Format::Pdf));
    if let Some(fonts) = &font_cache {
        fonts.prune();
    }
    Ok(Built {
        files,
        warnings: std::mem::take(warnings),
        fonts: font_files,
        timings: clock.timings,
        pictures: pictures.stats,
    })
}

/// The output folder's font-program cache, when a PDF is written.
fn font_cache(
    pdf: bool,
    out_dir: &OutputDir,
    font_files: &[(PathBuf, u32)],
) -> Option<std::sync::Arc<crate::pdf::font_cache::Cache>> {
    pdf.then(|| crate::pdf::font_cache::Cache::in_output(out_dir.path(), font_files))
        .flatten()
}

/// The EPUB, read back: (file name suffix, bytes).
fn epub_output(
    book: &Book,
    fonts: &FontSet,
    opts: &BuildOptions,
    print: Option<&crate::epub::PrintPages>,
    pictures: &Prepared,
) -> Result<((&'static str, Vec<u8>), Laps)> {
    let start = Instant::now();
    let (cover, cover_index) = fonts.data(fonts.heading());
    let body = (opts.embed_font || book.epub.embed_font).then(|| fonts.data(fonts.body()));
    let bytes =
        crate::epub::write_prepared(book, (cover, cover_index), body, print, &pictures.epub)?;
    let written = start.elapsed();
    crate::verify::epub(&bytes)?;
    let laps = vec![
        (CONCURRENT_EPUB, written),
        (CONCURRENT_EPUB_CHECK, start.elapsed() - written),
    ];
    Ok(((".epub", bytes), laps))
}

/// Where each page of the PDF begins, for the EPUB's page list; `pageBreakSource` is the PDF
/// booklet, by file name and the book's identifier.
fn print_pages(book: &Book, doc: &Document) -> crate::epub::PrintPages {
    let pdf = out_path(book, Path::new(""), ".pdf");
    let source = format!("{} ({})", pdf.display(), book.meta.identifier);
    crate::epub::PrintPages::from_layout(doc, source)
}

/// The PDF and, when asked for, its imposed print file, each read back. Each laid-out page is
/// dropped once drawn.
fn pdf_outputs(
    book: &Book,
    fonts: &FontSet,
    opts: &BuildOptions,
    doc: Document,
    pictures: &Prepared,
    fonts_made: Option<krilla::FontProgramStoreRef>,
) -> Result<(Files, Laps)> {
    let mut lap = Instant::now();
    let mut laps = Vec::new();
    let mut mark = |name: &'static str, laps: &mut Laps| {
        laps.push((name, lap.elapsed()));
        lap = Instant::now();
    };
    let pages = doc.pages.len();
    let expect = crate::verify::PdfExpect {
        pages,
        outline: !doc.outline.is_empty(),
    };
    let bytes = crate::pdf::render_owned(book, fonts, doc, &pictures.print, fonts_made)?;
    mark("write pdf", &mut laps);
    let bytes = crate::verify::pdf_owned(bytes, expect)?;
    mark("pdf check", &mut laps);
    let impose = opts.impose.clone().or_else(|| {
        book.pdf.impose.map(|mode| crate::impose::ImposeOptions {
            mode,
            ..Default::default()
        })
    });
    let Some(mut impose) = impose else {
        return Ok((vec![(".pdf", bytes)], laps));
    };
    // Our own fresh booklet: never "imposed already", even with landscape pages.
    impose.force = true;
    let sheets = crate::impose::impose(&bytes, &impose)?;
    mark("impose", &mut laps);
    let expect = crate::verify::PdfExpect {
        pages: crate::impose::sheet_sides(pages),
        outline: false,
    };
    crate::verify::pdf(&sheets, expect)?;
    mark("impose check", &mut laps);
    Ok((vec![(".pdf", bytes), ("-print.pdf", sheets)], laps))
}

/// The (language tag, code) of every code block of the book, wherever it stands (lists,
/// quotes, footnotes).
fn code_blocks(book: &Book) -> Vec<(&str, &str)> {
    use crate::book::model::Block;
    book.blocks()
        .filter_map(|v| match v.block {
            Block::Code { text, lang, .. } => Some((lang.as_str(), text.as_str())),
            _ => None,
        })
        .collect()
}

/// The outputs' names in the order they are staged: the EPUB, the PDF, its imposed print
/// file (see [`pdf_outputs`]).
fn output_names(book: &Book, opts: &BuildOptions, epub: bool, pdf: bool) -> Vec<PathBuf> {
    let imposed = opts.impose.is_some() || book.pdf.impose.is_some();
    let suffixes = [
        (epub, ".epub"),
        (pdf, ".pdf"),
        (pdf && imposed, "-print.pdf"),
    ];
    suffixes
        .into_iter()
        .filter(|(made, _)| *made)
        .map(|(_, suffix)| out_path(book, Path::new(""), suffix))
        .collect()
}

fn out_path(book: &Book, dir: &Path, suffix: &str) -> PathBuf {
    dir.join(format!("{}{suffix}", book.meta.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_reports_the_parts_then_the_rest_and_adds_up_to_the_lap() {
        let mut clock = Stopwatch::new();
        std::thread::sleep(Duration::from_millis(2));
        let huge = Duration::from_secs(3600);
        clock.split(
            &[("shape", Duration::ZERO), ("break lines", huge)],
            "paginate",
        );
        let names: Vec<_> = clock.timings.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["shape", "break lines", "paginate"]);
        // A part can never claim more than the stage took: it is cut to the lap.
        assert_eq!(clock.timings[0].1, Duration::ZERO);
        assert!(clock.timings[1].1 < huge);
        assert_eq!(clock.timings[2].1, Duration::ZERO);
    }
}
