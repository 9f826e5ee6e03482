//! The picture pipeline: every raster picture the book shows is decoded at most once per build,
//! and only when one of the outputs needs it changed; the EPUB's copy (at most
//! [`crate::epub::images::MAX_EDGE`] pixels) and the PDF's (the print resolution at its placed
//! size, [`crate::pdf::pictures`]) are both made from that one decoded image, pictures in
//! parallel (rayon). Results are kept by content hash in the output folder's
//! `.bookpress-cache/pictures/` ([`cache`]), so a picture that has not changed is not decoded
//! again on the next build.

pub mod cache;

use crate::book::model::{Book, Image, ImageFormat};
use crate::diag::{Diagnostic, Result};
use crate::epub::images as epub_images;
use crate::pdf::pictures::{self as print, PrintKey, PrintPicture, PrintTarget};
use crate::typeset::document::Document;
use image::DynamicImage;
use image::metadata::Orientation;
use rayon::prelude::*;
use std::collections::HashMap;

/// What the two writers take: each picture as it goes into each output.
#[derive(Default)]
pub struct Prepared {
    /// EPUB copies by picture path.
    pub epub: HashMap<String, epub_images::Prepared>,
    /// PDF copies by picture path and the part of it shown.
    pub print: HashMap<PrintKey, PrintPicture>,
    pub stats: Stats,
}

/// How the pictures were come by, for `-v` and `--timings` (and the tests: a rebuild with
/// nothing changed decodes none).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Pictures decoded (each at most once per build).
    pub decoded: usize,
    /// Copies taken from the cache instead.
    pub cached: usize,
    /// Copies that are the source file as it is (no decoding needed).
    pub kept: usize,
}

/// One picture's work: the copies each output wants of it.
struct Job<'a> {
    image: &'a Image,
    epub: bool,
    print: Vec<(PrintKey, PrintTarget)>,
}

/// Prepares every picture: `epub` when the EPUB is written, `doc` (the laid-out pages) when the
/// PDF is, at `dpi` pixels per inch of placed size. `cache` is the output folder's picture cache
/// (`None`: no cache, e.g. for the library's one-call writers).
pub fn prepare(
    book: &Book,
    epub: bool,
    doc: Option<&Document>,
    dpi: u32,
    cache: Option<&cache::Cache>,
) -> Result<Prepared> {
    let jobs = jobs(book, epub, doc, dpi);
    let done: Vec<Result<Done>> = jobs.par_iter().map(|j| run(j, cache)).collect();
    let mut out = Prepared::default();
    for d in done {
        let d = d?;
        if let Some((path, p)) = d.epub {
            out.epub.insert(path, p);
        }
        out.print.extend(d.print);
        out.stats.decoded += d.stats.decoded;
        out.stats.cached += d.stats.cached;
        out.stats.kept += d.stats.kept;
    }
    Ok(out)
}

/// The jobs in a fixed order (by path), one per distinct picture.
fn jobs<'a>(book: &'a Book, epub: bool, doc: Option<&'a Document>, dpi: u32) -> Vec<Job<'a>> {
    let mut by_path: HashMap<&str, Job<'a>> = HashMap::new();
    if epub {
        let shown = book.meta.cover.iter().chain(crate::epub::all_images(book));
        for img in shown.filter(|i| i.format != ImageFormat::Svg) {
            let job = by_path.entry(img.path.as_str()).or_insert_with(|| Job {
                image: img,
                epub: false,
                print: Vec::new(),
            });
            job.epub = true;
        }
    }
    let placed = doc.map(|d| print::targets(d, dpi)).unwrap_or_default();
    let mut keys: Vec<_> = placed.into_iter().collect();
    keys.sort_by(|a, b| a.0.cmp(&b.0));
    for (key, (img, target)) in keys {
        let job = by_path.entry(img.path.as_str()).or_insert_with(|| Job {
            image: img,
            epub: false,
            print: Vec::new(),
        });
        job.print.push((key, target));
    }
    let mut jobs: Vec<Job<'a>> = by_path.into_values().collect();
    jobs.sort_by(|a, b| a.image.path.cmp(&b.image.path));
    jobs
}

struct Done {
    epub: Option<(String, epub_images::Prepared)>,
    print: Vec<(PrintKey, PrintPicture)>,
    stats: Stats,
}

/// One picture: copies kept as they are, then those in the cache, then what is left made from
/// one decoding of the picture.
fn run(job: &Job, cache: Option<&cache::Cache>) -> Result<Done> {
    let img = job.image;
    let mut stats = Stats::default();
    let hash = cache.map(|_| cache::content_hash(&img.data));
    if let (Some(c), Some(h)) = (cache, hash.as_deref()) {
        c.shown(h);
    }
    let lookup = |variant: &str| cache?.get(hash.as_deref()?, variant);
    let store = |variant: &str, data: &[u8]| {
        if let (Some(c), Some(h)) = (cache, hash.as_deref()) {
            c.put(h, variant, data);
        }
    };

    // Without decoding: the file as it is, or the cache.
    let mut epub = None;
    if job.epub && !epub_images::needs_reencode(img) {
        stats.kept += 1;
        epub = Some(epub_images::prepare(img)?);
    } else if job.epub {
        epub = lookup(&epub_images::variant(img)).and_then(|d| epub_images::from_cache(img, d));
        stats.cached += usize::from(epub.is_some());
    }
    let mut copies: Vec<Option<PrintPicture>> = Vec::with_capacity(job.print.len());
    for (_, target) in &job.print {
        let p = print::as_it_is(img, target);
        stats.kept += usize::from(p.is_some());
        let p = p.or_else(|| {
            let c = lookup(&print::variant(target)).and_then(print::from_cache);
            stats.cached += usize::from(c.is_some());
            c
        });
        copies.push(p);
    }

    // The rest from one decoding.
    let epub_missing = job.epub && epub.is_none();
    if epub_missing || copies.iter().any(Option::is_none) {
        stats.decoded += 1;
        let pixels = decode_upright(img)?;
        if epub_missing {
            let p = epub_images::from_decoded(img, &pixels)?;
            store(&epub_images::variant(img), &p.data);
            epub = Some(p);
        }
        for ((_, target), slot) in job.print.iter().zip(&mut copies) {
            if slot.is_none() {
                let p = print::resample(img, &pixels, target)?;
                store(&print::variant(target), &p.data);
                *slot = Some(p);
            }
        }
    }
    let print = job
        .print
        .iter()
        .zip(copies)
        .filter_map(|((key, _), p)| Some((key.clone(), p?)))
        .collect();
    Ok(Done {
        epub: epub.map(|p| (img.path.clone(), p)),
        print,
        stats,
    })
}

/// The picture's pixels, turned upright by its EXIF orientation (for the PDF's and the
/// EPUB's re-encoded copies alike).
pub(crate) fn decode_upright(img: &Image) -> Result<DynamicImage> {
    let fmt = match img.format {
        ImageFormat::Jpeg => image::ImageFormat::Jpeg,
        ImageFormat::Png => image::ImageFormat::Png,
        ImageFormat::Gif => image::ImageFormat::Gif,
        ImageFormat::Webp => image::ImageFormat::WebP,
        ImageFormat::Svg => {
            return Err(Diagnostic::error(format!(
                "internal: SVG picture {} decoded as a raster image",
                img.path
            ))
            .into());
        }
    };
    let mut pic = image::load_from_memory_with_format(&img.data, fmt)
        .map_err(|e| Diagnostic::error(format!("cannot decode picture: {e}")).in_file(&img.path))?;
    if let Some(o) = Orientation::from_exif(img.orientation) {
        pic.apply_orientation(o);
    }
    Ok(pic)
}
