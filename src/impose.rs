//! Imposition: turn a finished booklet PDF into a print file (two pages per sheet side).
//!
//! Each booklet page is placed once as a form XObject (krilla's `pdf` feature, via hayro-write)
//! and drawn on its half of the sheet, so fonts and images are shared, never rasterised.

use std::path::Path;
use std::sync::Arc;

use krilla::Document;
use krilla::geom::{PathBuilder, Size, Transform};
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::pdf::{Pdf, PdfDocument};

use crate::diag::{Diagnostic, Result};
use crate::units::PT_PER_MM;

/// The sheet the pages are printed on (landscape), with two pages side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SheetSize {
    /// A4 landscape sheet, two A5 pages.
    #[default]
    A4,
    /// A3 landscape sheet, two A4 pages.
    A3,
    /// B4 landscape sheet, two B5 pages.
    B4,
}

impl SheetSize {
    /// Landscape width and height in millimetres.
    pub fn size_mm(self) -> (f32, f32) {
        match self {
            SheetSize::A4 => (297.0, 210.0),
            SheetSize::A3 => (420.0, 297.0),
            SheetSize::B4 => (353.0, 250.0),
        }
    }
}

/// How the pages are ordered on the sheets (defined with the book's settings).
pub use crate::book::model::Imposition as Mode;

/// Imposition settings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImposeOptions {
    pub sheet: SheetSize,
    pub mode: Mode,
    /// Draw fold and crop marks.
    pub marks: bool,
    /// Creep (shingling) in mm: the innermost sheet's pages move this far toward the spine.
    /// At most [`max_creep_mm`] for the pages and sheet; negative is refused.
    pub creep_mm: f32,
    /// Impose even a PDF whose pages already are landscape sheets (one imposed before).
    pub force: bool,
    /// Which edge the booklet is bound on; None: the input's `/Direction` (R2L: right).
    pub binding: Option<Binding>,
}

/// The edge a booklet is bound on, which decides which half of each sheet side a page takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Binding {
    /// Bound on the left (horizontal text): page 1 on the right half of the first front.
    #[default]
    Left,
    /// Bound on the right (vertical text, read right to left): every side mirrored, so page 1
    /// is on the left half of the first front and the booklet opens from the right.
    Right,
}

/// The binding a PDF asks for: right when its catalog's `/ViewerPreferences` says
/// `/Direction /R2L` (read from the bytes, so only where the catalog is not in a compressed
/// object stream, as in bookpress's own PDFs), else left.
pub fn binding_of(pdf: &[u8]) -> Binding {
    let r2l = [&b"/Direction/R2L"[..], b"/Direction /R2L"]
        .iter()
        .any(|pat| pdf.windows(pat.len()).any(|w| w == *pat));
    if r2l { Binding::Right } else { Binding::Left }
}

/// The sheets for a right-bound booklet: each side of [`saddle_order`] or [`cut_stack_order`]
/// with its halves swapped; a left-bound one as it is.
pub fn bound(sheets: Vec<Sheet>, binding: Binding) -> Vec<Sheet> {
    match binding {
        Binding::Left => sheets,
        Binding::Right => sheets
            .into_iter()
            .map(|s| Sheet {
                front: (s.front.1, s.front.0),
                back: (s.back.1, s.back.0),
            })
            .collect(),
    }
}

/// The most creep the pages allow, in mm: the blank between a page and the fold on its half of
/// the sheet, plus a twentieth of the page's width (the facing pages then overlap by a tenth
/// of a page in their inner margins; beyond that their text would meet).
pub fn max_creep_mm(page_w: f32, page_h: f32, sheet: SheetSize) -> f32 {
    let (w_mm, h_mm) = sheet.size_mm();
    let (sw, sh) = (w_mm * PT_PER_MM, h_mm * PT_PER_MM);
    let (_, _, w, _) = place(0, page_w, page_h, sw, sh, 0.0);
    ((sw / 2.0 - w) / 2.0 + w / 20.0) / PT_PER_MM
}

/// Whether pages of this size (points) are a landscape sheet bookpress prints on, i.e. the
/// PDF looks imposed already.
fn is_sheet_size(w: f32, h: f32) -> Option<SheetSize> {
    [SheetSize::A4, SheetSize::A3, SheetSize::B4]
        .into_iter()
        .find(|s| {
            let (sw, sh) = s.size_mm();
            (w - sw * PT_PER_MM).abs() < 2.0 && (h - sh * PT_PER_MM).abs() < 2.0
        })
}

/// One printed sheet: 0-based booklet page indices, `None` for a blank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sheet {
    pub front: (Option<usize>, Option<usize>),
    pub back: (Option<usize>, Option<usize>),
}

fn slot(page_1based: usize, n_pages: usize) -> Option<usize> {
    (page_1based >= 1 && page_1based <= n_pages).then(|| page_1based - 1)
}

fn padded(n_pages: usize) -> usize {
    n_pages.div_ceil(4).max(1) * 4
}

/// Saddle-stitch order. Pages are padded with blanks at the end to a multiple of 4 (N);
/// sheet k (1-based) front = (N−2k+2, 2k−1), back = (2k, N−2k+1).
pub fn saddle_order(n_pages: usize) -> Vec<Sheet> {
    let n = padded(n_pages);
    (1..=n / 4)
        .map(|k| Sheet {
            front: (slot(n - 2 * k + 2, n_pages), slot(2 * k - 1, n_pages)),
            back: (slot(2 * k, n_pages), slot(n - 2 * k + 1, n_pages)),
        })
        .collect()
}

/// 2-up cut-stack order for duplex printing flipped on the short edge: the left halves carry
/// pages 1…2M (front 2s−1, back 2s), the right halves 2M+1…4M. Cut the stack in half, put the
/// left stack on top of the right one.
pub fn cut_stack_order(n_pages: usize) -> Vec<Sheet> {
    let m = padded(n_pages) / 4;
    (1..=m)
        .map(|s| Sheet {
            // Flip on the short edge: the front's left half backs onto the back's right half.
            front: (slot(2 * s - 1, n_pages), slot(2 * m + 2 * s - 1, n_pages)),
            back: (slot(2 * m + 2 * s, n_pages), slot(2 * s, n_pages)),
        })
        .collect()
}

/// Sheet sides (pages of the print file) for a booklet of `n_pages`: two pages per side.
pub fn sheet_sides(n_pages: usize) -> usize {
    padded(n_pages) / 2
}

fn err(message: impl Into<String>) -> crate::diag::Error {
    Diagnostic::error(message).into()
}

/// Impose a finished PDF: returns the print file's bytes (deterministic).
pub fn impose(pdf: &[u8], opts: &ImposeOptions) -> Result<Vec<u8>> {
    impose_counted(pdf, opts).map(|(bytes, _)| bytes)
}

/// [`impose`], also giving the number of sheet sides written.
fn impose_counted(pdf: &[u8], opts: &ImposeOptions) -> Result<(Vec<u8>, usize)> {
    if !opts.creep_mm.is_finite() || opts.creep_mm < 0.0 {
        return Err(Diagnostic::error(format!(
            "creep must be 0 or more millimetres, not {}",
            opts.creep_mm
        ))
        .hint("creep moves the inner sheets' pages toward the fold; try 0.1 mm per sheet")
        .into());
    }
    // A PDF starts with `%PDF-` within its first kilobyte (ISO 32000, 7.5.2 allows leading bytes).
    if !pdf[..pdf.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
        return Err(Diagnostic::error("this file is not a PDF (it has no `%PDF-` header)")
            .hint(
                "`impose` takes a finished PDF such as out/book.pdf; to build a book and impose \
                 it, use `bookpress build BOOK --impose`",
            )
            .into());
    }
    let data: Arc<Vec<u8>> = Arc::new(pdf.to_vec());
    let parsed = Pdf::new(data).map_err(|e| {
        Diagnostic::error(format!("cannot read the PDF to impose ({e:?})"))
            .hint("the file is damaged or encrypted; open and save it again with a PDF tool")
    })?;
    let dims: Vec<(f32, f32)> = parsed
        .pages()
        .iter()
        .map(|p| p.render_dimensions())
        .collect();
    if dims.is_empty() {
        return Err(err("the PDF to impose has no pages"));
    }
    if !opts.force
        && let Some(sheet) = dims
            .iter()
            .map(|&(w, h)| is_sheet_size(w, h))
            .reduce(|a, b| if a == b { a } else { None })
            .flatten()
    {
        let (w, h) = sheet.size_mm();
        return Err(Diagnostic::error(format!(
            "this PDF looks imposed already: every page is a {w:.0}×{h:.0} mm landscape sheet"
        ))
        .hint(
            "impose the booklet (out/<name>.pdf), not the print file; add --force to impose it \
             anyway",
        )
        .into());
    }
    // The page that leaves the least room sets the bound.
    let limit = dims
        .iter()
        .map(|&(w, h)| max_creep_mm(w, h, opts.sheet))
        .fold(f32::INFINITY, f32::min);
    if opts.creep_mm > limit + 1e-3 {
        let (sw, sh) = opts.sheet.size_mm();
        return Err(Diagnostic::error(format!(
            "creep {} mm is more than these pages allow on {sw:.0}×{sh:.0} mm sheets: at most \
             {limit:.1} mm",
            opts.creep_mm
        ))
        .hint(format!(
            "beyond {limit:.1} mm facing pages overlap into each other's text; creep is about \
             the paper's thickness times the number of sheets (0.1 mm × sheets for office paper)"
        ))
        .into());
    }
    let source = PdfDocument::new(Arc::new(parsed));
    let sheets = match opts.mode {
        Mode::Saddle => saddle_order(dims.len()),
        Mode::CutStack => cut_stack_order(dims.len()),
    };
    let sheets = bound(sheets, opts.binding.unwrap_or_else(|| binding_of(pdf)));
    let (w_mm, h_mm) = opts.sheet.size_mm();
    let (sw, sh) = (w_mm * PT_PER_MM, h_mm * PT_PER_MM);
    let size = Size::from_wh(sw, sh).ok_or_else(|| err("invalid sheet size"))?;
    let creep = opts.creep_mm * PT_PER_MM;
    let mut doc = Document::new();
    // Marks the print file as imposed (pdfinfo shows it as the Creator).
    doc.set_metadata(krilla::metadata::Metadata::new().creator("bookpress impose".into()));
    let last = sheets.len().saturating_sub(1);
    for (i, sheet) in sheets.iter().enumerate() {
        // Outer sheet 0, innermost the full creep (saddle only: cut stacks are not folded).
        let shift = if opts.mode == Mode::Saddle && last > 0 {
            creep * i as f32 / last as f32
        } else {
            0.0
        };
        for (left, right) in [sheet.front, sheet.back] {
            let mut page = doc.start_page_with(PageSettings::new(size));
            let mut surface = page.surface();
            for (half, idx) in [(0usize, left), (1usize, right)] {
                let Some(idx) = idx else { continue };
                let Some(&(pw, ph)) = dims.get(idx) else {
                    continue;
                };
                let rect = place(half, pw, ph, sw, sh, shift);
                let Some(psize) = Size::from_wh(rect.2, rect.3) else {
                    continue;
                };
                surface.push_transform(&Transform::from_translate(rect.0, rect.1));
                surface.draw_pdf_page(&source, psize, idx);
                surface.pop();
                if opts.marks {
                    crop_marks(&mut surface, rect);
                }
            }
            if opts.marks && opts.mode == Mode::Saddle {
                fold_marks(&mut surface, sw, sh);
            }
            surface.finish();
            page.finish();
        }
    }
    let bytes = doc
        .finish()
        .map_err(|e| err(format!("cannot write the print file: {e:?}")))?;
    Ok((bytes, sheets.len() * 2))
}

/// Where a page of `pw`×`ph` goes on the given half: scaled to fit keeping its aspect ratio,
/// centred, then moved `shift` points toward the spine. Returns (x, y, w, h), y down.
fn place(half: usize, pw: f32, ph: f32, sw: f32, sh: f32, shift: f32) -> (f32, f32, f32, f32) {
    let hw = sw / 2.0;
    let scale = (hw / pw).min(sh / ph);
    let (w, h) = (pw * scale, ph * scale);
    let x0 = if half == 0 { 0.0 } else { hw };
    let toward_spine = if half == 0 { shift } else { -shift };
    (x0 + (hw - w) / 2.0 + toward_spine, (sh - h) / 2.0, w, h)
}

fn line(surface: &mut krilla::surface::Surface<'_>, x0: f32, y0: f32, x1: f32, y1: f32) {
    let mut pb = PathBuilder::new();
    pb.move_to(x0, y0);
    pb.line_to(x1, y1);
    if let Some(path) = pb.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            width: 0.25,
            ..Stroke::default()
        }));
        surface.draw_path(&path);
    }
}

/// Short hairlines at the page's corners, 2 mm off the trim and 4 mm long, where the sheet
/// has room; at the sheet edge they run inward from the edge.
fn crop_marks(surface: &mut krilla::surface::Surface<'_>, (x, y, w, h): (f32, f32, f32, f32)) {
    let len = 4.0 * PT_PER_MM;
    let gap = 2.0 * PT_PER_MM;
    for (cx, dx) in [(x, -1.0f32), (x + w, 1.0)] {
        for (cy, dy) in [(y, -1.0f32), (y + h, 1.0)] {
            line(surface, cx + dx * gap, cy, cx + dx * (gap + len), cy);
            line(surface, cx, cy + dy * gap, cx, cy + dy * (gap + len));
        }
    }
}

/// Fold marks: short lines at the sheet's centre, top and bottom edges.
fn fold_marks(surface: &mut krilla::surface::Surface<'_>, sw: f32, sh: f32) {
    let len = 5.0 * PT_PER_MM;
    line(surface, sw / 2.0, 0.0, sw / 2.0, len);
    line(surface, sw / 2.0, sh - len, sw / 2.0, sh);
}

/// Impose the PDF at `input` and write the print file to `output`, checked and all-or-nothing.
pub fn impose_file(input: &Path, output: &Path, opts: &ImposeOptions) -> Result<()> {
    // A FIFO or a device is refused by its type before any read, and at most the PDF cap read.
    let bytes =
        crate::book::confined::read_path(input, crate::book::confined::Kind::Pdf).map_err(|r| {
            let message = match r.0.strip_prefix("cannot be read: ") {
                Some(why) => format!("cannot read the PDF: {why}"),
                None => format!("the PDF {r}"),
            };
            crate::diag::Error::from(Diagnostic::error(message).in_file(input))
        })?;
    let (out, sides) = impose_counted(&bytes, opts).map_err(|mut e| {
        for d in &mut e.diagnostics {
            if d.file.is_none() {
                d.file = Some(input.to_path_buf());
            }
        }
        e
    })?;
    let expect = crate::verify::PdfExpect {
        pages: sides,
        outline: false,
    };
    crate::verify::pdf(&out, expect)?;
    if let Some(dir) = output.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::output::prepare_dir(dir)?;
    }
    crate::output::Staged::write(output, &out)?.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_based(sheets: &[Sheet]) -> Vec<[usize; 4]> {
        let f = |p: Option<usize>| p.map_or(0, |i| i + 1);
        sheets
            .iter()
            .map(|s| [f(s.front.0), f(s.front.1), f(s.back.0), f(s.back.1)])
            .collect()
    }

    #[test]
    fn saddle_eight() {
        assert_eq!(
            one_based(&saddle_order(8)),
            vec![[8, 1, 2, 7], [6, 3, 4, 5]]
        );
    }

    #[test]
    fn saddle_pads_at_end() {
        // 5 pages → 8: pages 6, 7, 8 blank (0 here).
        assert_eq!(
            one_based(&saddle_order(5)),
            vec![[0, 1, 2, 0], [0, 3, 4, 5]]
        );
        assert_eq!(one_based(&saddle_order(1)), vec![[0, 1, 0, 0]]);
    }

    #[test]
    fn cut_stack_every_page_once() {
        for n in 1..20 {
            let mut seen: Vec<usize> = cut_stack_order(n)
                .iter()
                .flat_map(|s| [s.front.0, s.front.1, s.back.0, s.back.1])
                .flatten()
                .collect();
            seen.sort();
            assert_eq!(seen, (0..n).collect::<Vec<_>>());
        }
        assert_eq!(
            one_based(&cut_stack_order(8)),
            vec![[1, 5, 6, 2], [3, 7, 8, 4]]
        );
    }

    #[test]
    fn place_fits_and_creeps() {
        let (sw, sh) = (297.0 * PT_PER_MM, 210.0 * PT_PER_MM);
        // An A4 portrait page on an A4 sheet's half is scaled down and centred.
        let (x, y, w, h) = place(1, 595.0, 842.0, sw, sh, 0.0);
        assert!((h - sh).abs() < 0.01 && w < sw / 2.0);
        assert!((x - (sw / 2.0 + (sw / 2.0 - w) / 2.0)).abs() < 0.01 && y.abs() < 0.01);
        let (xl, ..) = place(0, 420.0, 595.0, sw, sh, 3.0);
        let (xr, ..) = place(1, 420.0, 595.0, sw, sh, 3.0);
        let (xl0, ..) = place(0, 420.0, 595.0, sw, sh, 0.0);
        let (xr0, ..) = place(1, 420.0, 595.0, sw, sh, 0.0);
        assert!((xl - xl0 - 3.0).abs() < 1e-3 && (xr0 - xr - 3.0).abs() < 1e-3);
    }

    /// Right binding: for every N, the mirror of left binding on every side, and each page once.
    #[test]
    fn right_bound_order_for_1_to_16_pages() {
        for n in 1..=16 {
            for order in [saddle_order(n), cut_stack_order(n)] {
                let left = one_based(&order);
                let right = one_based(&bound(order, Binding::Right));
                assert_eq!(left.len(), right.len());
                for (l, r) in left.iter().zip(&right) {
                    assert_eq!([r[1], r[0], r[3], r[2]], *l, "n = {n}");
                }
                let mut seen: Vec<usize> =
                    right.iter().flatten().copied().filter(|&p| p > 0).collect();
                seen.sort();
                assert_eq!(seen, (1..=n).collect::<Vec<_>>(), "n = {n}");
            }
        }
        // Page 1 on the left half of the first front, the last page beside it.
        let r = |n| one_based(&bound(saddle_order(n), Binding::Right));
        assert_eq!(r(8), vec![[1, 8, 7, 2], [3, 6, 5, 4]]);
        assert_eq!(r(4), vec![[1, 4, 3, 2]]);
        assert_eq!(r(1), vec![[1, 0, 0, 0]]);
        assert_eq!(r(16)[0..2], [[1, 16, 15, 2], [3, 14, 13, 4]]);
        let c = one_based(&bound(cut_stack_order(8), Binding::Right));
        assert_eq!(c, vec![[5, 1, 2, 6], [7, 3, 4, 8]]);
        assert_eq!(bound(saddle_order(8), Binding::Left), saddle_order(8));
    }

    #[test]
    fn binding_comes_from_the_viewer_preferences() {
        assert_eq!(
            binding_of(b"<</ViewerPreferences<</Direction/R2L>>>>"),
            Binding::Right
        );
        assert_eq!(binding_of(b"/Direction /R2L"), Binding::Right);
        assert_eq!(binding_of(b"/Direction/L2R"), Binding::Left);
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(impose(b"not a pdf", &ImposeOptions::default()).is_err());
    }

    #[test]
    fn creep_bound_is_the_blank_beside_the_page_plus_a_twentieth_of_it() {
        let a5 = (148.0 * PT_PER_MM, 210.0 * PT_PER_MM);
        // A5 on an A4 half (148.5 mm wide): 0.25 mm blank + 7.4 mm.
        let m = max_creep_mm(a5.0, a5.1, SheetSize::A4);
        assert!((m - 7.65).abs() < 0.01, "{m}");
        // A4 pages on A3 alike; a tall narrow page (scaled to fit) leaves blank beside it.
        let a4 = (210.0 * PT_PER_MM, 297.0 * PT_PER_MM);
        assert!((max_creep_mm(a4.0, a4.1, SheetSize::A3) - 10.5).abs() < 0.01);
        assert!(max_creep_mm(100.0, 300.0, SheetSize::A4) > 40.0);
        let over = ImposeOptions {
            creep_mm: m + 0.1,
            ..ImposeOptions::default()
        };
        let e = impose(b"%PDF-1.7", &over).unwrap_err();
        // The PDF is checked before the creep's bound, which needs its pages.
        assert!(e.first().message.contains("cannot read"), "{e}");
        let negative = ImposeOptions {
            creep_mm: -0.5,
            ..ImposeOptions::default()
        };
        let e = impose(b"%PDF-1.7", &negative).unwrap_err();
        assert!(e.first().message.contains("0 or more"), "{e}");
    }
}
