//! Pictures for print: each raster picture resampled to the print resolution at its placed
//! size (`[pdf] image_dpi`, default 300 pixels per inch), never enlarged.
//!
//! - A JPEG (or GIF, WebP) already at or under that size goes in byte for byte (a JPEG as
//!   DCT data, without being decoded at all).
//! - Larger pictures are shrunk by area averaging (`image`'s `thumbnail`): each new pixel is
//!   the mean of the source pixels it covers. Measured on a 6717×3414 screenshot brought to
//!   1276 pixels wide: 55 ms, against 185 ms for a Triangle, 309 ms for a Catmull-Rom and
//!   409 ms for a Lanczos3 resize; for shrinking by 2× or more it is as sharp as those and has
//!   no ringing around text and lines.
//! - A picture with transparent pixels is laid over white first: every picture is printed on
//!   the white page, so that is exactly what it shows there, and it needs no alpha channel.
//! - The result is a JPEG when the source was one; otherwise a JPEG only when that is smaller
//!   than the PNG (line art and flat screenshots usually stay PNG). See [`JPEG_QUALITY`].
//! - A box whose proportions differ from the picture's (the cover, filling the page) shows
//!   the centred part of the picture in the box's proportions: that part is cut out here, so
//!   the page needs no clipping.

use crate::book::model::{Image, ImageFormat};
use crate::diag::{Diagnostic, Result};
use crate::typeset::document::{Document, ImageItem, Item};
use image::DynamicImage;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use std::collections::HashMap;
use std::io::Cursor;
use std::sync::Arc;

/// The default `[pdf] image_dpi`.
pub const DEFAULT_DPI: u32 = 300;

/// JPEG quality of resampled pictures, with the colour (chroma) at half the resolution of the
/// brightness (4:2:0) and Huffman tables optimized for each picture. At 300 ppi the colour is
/// still at 150 ppi, finer than a printer's colour screen (about 150 lines per inch); the
/// brightness, which carries text and lines, keeps every pixel. Measured on the illustrated
/// course book (211 pictures, 158.6 MB referenced; transparent ones laid over white), the
/// whole PDF: 20.6 MB at 90 with `image`'s encoder (4:4:4, standard tables), 18.6 MB with
/// optimized tables, 16.3 MB with 4:2:0 as well, 14.4 MB at 85, 13.2 MB at 80. Rendered at
/// 300 dpi (`pdftoppm -r 300`), its screenshots of small coloured figures and text look the
/// same at 80 as at 90.
/// Fixed, so builds are reproducible.
pub const JPEG_QUALITY: u8 = 80;

/// A picture as placed: its path and the part of it shown (display pixels, after EXIF
/// orientation); `None` is all of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PrintKey {
    pub path: String,
    pub crop: Option<Crop>,
}

/// A rectangle of a picture in display pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Crop {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// What the PDF wants of one picture: the part shown and its size in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrintTarget {
    pub crop: Option<Crop>,
    pub width: u32,
    pub height: u32,
}

/// A picture as it goes into the PDF.
#[derive(Debug, Clone)]
pub struct PrintPicture {
    pub format: ImageFormat,
    pub data: Arc<Vec<u8>>,
    /// EXIF orientation still to apply when drawing (1 once resampled: the pixels are upright).
    pub orientation: u8,
    pub width: u32,
    pub height: u32,
}

/// The key of a placed picture.
pub fn key_for(im: &ImageItem) -> PrintKey {
    let (w, h) = im.image.display_size();
    PrintKey {
        path: im.image.path.clone(),
        crop: visible_part(w, h, im.width, im.height),
    }
}

/// The part of a `w × h` picture a `box_w × box_h` box shows when filled keeping proportions:
/// `None` (all of it) when the proportions agree within 1 %.
pub fn visible_part(w: u32, h: u32, box_w: f32, box_h: f32) -> Option<Crop> {
    if w == 0 || h == 0 || box_w <= 0.0 || box_h <= 0.0 {
        return None;
    }
    let pic = f64::from(w) / f64::from(h);
    let frame = f64::from(box_w) / f64::from(box_h);
    if (pic / frame - 1.0).abs() < 0.01 {
        return None;
    }
    let (cw, ch) = if pic > frame {
        (((f64::from(h) * frame).round() as u32).clamp(1, w), h)
    } else {
        (w, ((f64::from(w) / frame).round() as u32).clamp(1, h))
    };
    Some(Crop {
        x: (w - cw) / 2,
        y: (h - ch) / 2,
        width: cw,
        height: ch,
    })
}

/// Every raster picture of the laid-out pages with the size it needs: the largest of its
/// placements at `dpi`, never more pixels than the picture has.
pub fn targets(doc: &Document, dpi: u32) -> HashMap<PrintKey, (&Image, PrintTarget)> {
    let mut out: HashMap<PrintKey, (&Image, PrintTarget)> = HashMap::new();
    let placed = doc.pages.iter().flat_map(|p| &p.items);
    for im in placed.filter_map(|it| match it {
        Item::Image(im) if im.image.format != ImageFormat::Svg => Some(im),
        _ => None,
    }) {
        let key = key_for(im);
        let t = target(&im.image, key.crop, im.width, im.height, dpi);
        out.entry(key)
            .and_modify(|(_, old)| {
                if t.width > old.width {
                    *old = t;
                }
            })
            .or_insert((&im.image, t));
    }
    out
}

/// The pixels a box of `box_w × box_h` points needs at `dpi`, keeping the shown part's
/// proportions and never enlarging it.
fn target(img: &Image, crop: Option<Crop>, box_w: f32, box_h: f32, dpi: u32) -> PrintTarget {
    let (w, h) = match crop {
        Some(c) => (c.width, c.height),
        None => img.display_size(),
    };
    let need = |pt: f32| (f64::from(pt) / 72.0 * f64::from(dpi)).ceil();
    let scale = (need(box_w) / f64::from(w.max(1)))
        .max(need(box_h) / f64::from(h.max(1)))
        .min(1.0);
    let px = |n: u32| ((f64::from(n) * scale).round() as u32).clamp(1, n.max(1));
    PrintTarget {
        crop,
        width: px(w),
        height: px(h),
    }
}

/// The picture as it is, when it already fits the target and krilla takes it without our
/// decoding it. PNG is not taken as it is: it may be smaller as JPEG.
pub fn as_it_is(img: &Image, t: &PrintTarget) -> Option<PrintPicture> {
    let fits = t.crop.is_none() && (t.width, t.height) == img.display_size();
    let direct = matches!(
        img.format,
        ImageFormat::Jpeg | ImageFormat::Gif | ImageFormat::Webp
    );
    (fits && direct).then(|| PrintPicture {
        format: img.format,
        data: img.data.clone(),
        orientation: img.orientation,
        width: img.width,
        height: img.height,
    })
}

/// The cache's name for what [`resample`] makes for `t`: every setting that decides its bytes.
pub fn variant(t: &PrintTarget) -> String {
    format!(
        "print-v2 {}x{} crop {:?} area-average on-white jpeg-q{JPEG_QUALITY}-420-optimized png-default",
        t.width, t.height, t.crop
    )
}

/// A copy read back from the cache.
pub fn from_cache(data: Vec<u8>) -> Option<PrintPicture> {
    let img = crate::book::assets::probe(data, "cache").ok()?;
    matches!(img.format, ImageFormat::Jpeg | ImageFormat::Png).then_some(PrintPicture {
        format: img.format,
        data: img.data,
        orientation: 1,
        width: img.width,
        height: img.height,
    })
}

/// Makes the print copy from the upright pixels of `img`.
pub fn resample(img: &Image, pixels: &DynamicImage, t: &PrintTarget) -> Result<PrintPicture> {
    let err = |e: image::ImageError| {
        Diagnostic::error(format!("cannot encode picture for the PDF: {e}")).in_file(&img.path)
    };
    let part = match t.crop {
        Some(c) => pixels.crop_imm(c.x, c.y, c.width, c.height),
        None => pixels.clone(),
    };
    let unchanged = t.crop.is_none() && (t.width, t.height) == (part.width(), part.height());
    let small = if unchanged {
        part
    } else {
        part.thumbnail_exact(t.width, t.height)
    };
    // Every picture is printed on the white page, so one with transparent pixels prints
    // exactly as its pixels laid over white: flattened, it needs no alpha channel and may go
    // as JPEG like any opaque picture.
    let small = if is_opaque(&small) {
        small
    } else {
        on_white(&small)
    };
    let (format, data) = if img.format == ImageFormat::Jpeg {
        (ImageFormat::Jpeg, jpeg(&small).map_err(err)?)
    } else {
        // The PNG to beat: the source itself when nothing changed, else a fresh one.
        let png = if unchanged && img.format == ImageFormat::Png {
            img.data.as_ref().clone()
        } else {
            png(&small).map_err(err)?
        };
        match jpeg(&small).map_err(err)? {
            j if j.len() < png.len() => (ImageFormat::Jpeg, j),
            _ => (ImageFormat::Png, png),
        }
    };
    Ok(PrintPicture {
        format,
        data: Arc::new(data),
        orientation: 1,
        width: small.width(),
        height: small.height(),
    })
}

/// No pixel is even partly transparent (many screenshots carry an alpha channel that is
/// all opaque).
fn is_opaque(pic: &DynamicImage) -> bool {
    match pic {
        DynamicImage::ImageLumaA8(p) => p.pixels().all(|px| px.0[1] == 255),
        DynamicImage::ImageRgba8(p) => p.pixels().all(|px| px.0[3] == 255),
        DynamicImage::ImageLumaA16(p) => p.pixels().all(|px| px.0[1] == u16::MAX),
        DynamicImage::ImageRgba16(p) => p.pixels().all(|px| px.0[3] == u16::MAX),
        other => !other.color().has_alpha(),
    }
}

/// The picture laid over white paper: each pixel's colour mixed with white by its opacity
/// (what a viewer or a printer shows of it on a white page), without an alpha channel.
fn on_white(pic: &DynamicImage) -> DynamicImage {
    let over = |c: u8, a: u8| {
        let (c, a) = (u32::from(c), u32::from(a));
        ((c * a + 255 * (255 - a) + 127) / 255) as u8
    };
    if is_gray(pic) {
        let p = pic.to_luma_alpha8();
        DynamicImage::ImageLuma8(image::GrayImage::from_fn(p.width(), p.height(), |x, y| {
            let [l, a] = p.get_pixel(x, y).0;
            image::Luma([over(l, a)])
        }))
    } else {
        let p = pic.to_rgba8();
        DynamicImage::ImageRgb8(image::RgbImage::from_fn(p.width(), p.height(), |x, y| {
            let [r, g, b, a] = p.get_pixel(x, y).0;
            image::Rgb([over(r, a), over(g, a), over(b, a)])
        }))
    }
}

fn is_gray(pic: &DynamicImage) -> bool {
    matches!(
        pic.color(),
        image::ColorType::L8
            | image::ColorType::L16
            | image::ColorType::La8
            | image::ColorType::La16
    )
}

/// A JPEG at [`JPEG_QUALITY`], colour at half resolution, Huffman tables made for the
/// picture; `image`'s encoder (4:4:4, standard tables) for a picture too large for those.
fn jpeg(pic: &DynamicImage) -> image::ImageResult<Vec<u8>> {
    if let (Ok(w), Ok(h)) = (u16::try_from(pic.width()), u16::try_from(pic.height())) {
        let mut out = Vec::new();
        let mut enc = jpeg_encoder::Encoder::new(&mut out, JPEG_QUALITY);
        enc.set_optimized_huffman_tables(true);
        enc.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
        let r = if is_gray(pic) {
            enc.encode(pic.to_luma8().as_raw(), w, h, jpeg_encoder::ColorType::Luma)
        } else {
            enc.encode(pic.to_rgb8().as_raw(), w, h, jpeg_encoder::ColorType::Rgb)
        };
        if r.is_ok() {
            return Ok(out);
        }
    }
    let mut out = Vec::new();
    let enc = JpegEncoder::new_with_quality(Cursor::new(&mut out), JPEG_QUALITY);
    if is_gray(pic) {
        DynamicImage::ImageLuma8(pic.to_luma8()).write_with_encoder(enc)?;
    } else {
        DynamicImage::ImageRgb8(pic.to_rgb8()).write_with_encoder(enc)?;
    }
    Ok(out)
}

/// PNG at the default compression: the size compared with the JPEG should be what a PNG
/// really costs.
fn png(pic: &DynamicImage) -> image::ImageResult<Vec<u8>> {
    let mut out = Vec::new();
    let enc = PngEncoder::new_with_quality(
        Cursor::new(&mut out),
        CompressionType::Default,
        PngFilter::Adaptive,
    );
    let pic = match (is_gray(pic), is_opaque(pic)) {
        (true, true) => DynamicImage::ImageLuma8(pic.to_luma8()),
        (true, false) => DynamicImage::ImageLumaA8(pic.to_luma_alpha8()),
        (false, true) => DynamicImage::ImageRgb8(pic.to_rgb8()),
        (false, false) => DynamicImage::ImageRgba8(pic.to_rgba8()),
    };
    pic.write_with_encoder(enc)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(w: u32, h: u32, format: ImageFormat, data: Vec<u8>) -> Image {
        Image {
            path: "images/x".into(),
            format,
            width: w,
            height: h,
            orientation: 1,
            data: Arc::new(data),
            remote: None,
        }
    }

    /// Photograph-like pixels: a gradient with grain, which JPEG keeps far smaller than PNG.
    fn noise(w: u32, h: u32, alpha: u8) -> DynamicImage {
        DynamicImage::ImageRgba8(image::RgbaImage::from_fn(w, h, |x, y| {
            let grain = (x.wrapping_mul(73_856_093) ^ y.wrapping_mul(19_349_663))
                .wrapping_mul(2_654_435_761)
                >> 27;
            let v = ((x + y) / 3 % 200) as u8 + grain as u8;
            image::Rgba([v, v / 2 + 40, 230 - v, alpha])
        }))
    }

    #[test]
    fn the_target_is_the_placed_size_at_the_resolution_and_never_larger() {
        let img = image(4000, 2000, ImageFormat::Png, Vec::new());
        // 288 pt = 4 inches: 1200 pixels at 300 ppi.
        let t = target(&img, None, 288.0, 144.0, 300);
        assert_eq!((t.width, t.height), (1200, 600));
        let t = target(&img, None, 288.0 * 10.0, 1440.0, 300);
        assert_eq!((t.width, t.height), (4000, 2000));
    }

    #[test]
    fn a_box_of_other_proportions_shows_the_centred_part() {
        assert_eq!(visible_part(400, 300, 40.0, 30.2), None);
        let c = visible_part(400, 300, 30.0, 30.0).unwrap();
        assert_eq!(
            (c.x, c.y, c.width, c.height),
            (50, 0, 300, 300),
            "a landscape picture in a square box loses its sides"
        );
        let c = visible_part(300, 400, 30.0, 30.0).unwrap();
        assert_eq!((c.x, c.y, c.width, c.height), (0, 50, 300, 300));
    }

    #[test]
    fn a_jpeg_that_fits_is_kept_byte_for_byte_and_a_larger_one_is_resampled() {
        let mut data = Vec::new();
        noise(64, 32, 255)
            .to_rgb8()
            .write_to(&mut Cursor::new(&mut data), image::ImageFormat::Jpeg)
            .unwrap();
        let img = image(64, 32, ImageFormat::Jpeg, data.clone());
        let fits = target(&img, None, 30.72, 15.36, 300);
        assert_eq!((fits.width, fits.height), (64, 32));
        assert_eq!(*as_it_is(&img, &fits).unwrap().data, data);
        let small = target(&img, None, 3.84, 1.92, 300);
        assert!(as_it_is(&img, &small).is_none());
        let pixels = image::load_from_memory(&data).unwrap();
        let p = resample(&img, &pixels, &small).unwrap();
        assert_eq!((p.format, p.width, p.height), (ImageFormat::Jpeg, 16, 8));
    }

    #[test]
    fn png_becomes_jpeg_only_when_smaller_transparency_laid_over_white() {
        let img = image(400, 200, ImageFormat::Png, Vec::new());
        let t = target(&img, None, 200.0 * 72.0 / 300.0, 1.0, 300);
        // Noise: JPEG is far smaller than PNG.
        let p = resample(&img, &noise(400, 200, 255), &t).unwrap();
        assert_eq!(p.format, ImageFormat::Jpeg);
        // Half-transparent noise goes the same way, flattened onto white: what it shows on
        // the page, with no alpha channel left.
        let p = resample(&img, &noise(400, 200, 128), &t).unwrap();
        assert_eq!(p.format, ImageFormat::Jpeg);
        // Transparent line art stays PNG, flattened: fully transparent is white paper, half
        // transparent black is mid grey.
        let clear =
            DynamicImage::ImageRgba8(image::RgbaImage::from_fn(200, 100, |x, _| match x % 50 {
                0 => image::Rgba([0, 0, 0, 255]),
                1 => image::Rgba([0, 0, 0, 128]),
                _ => image::Rgba([0, 0, 0, 0]),
            }));
        // (A GIF source at its size, so that the PNG is made afresh and not the source's.)
        let gif = image(200, 100, ImageFormat::Gif, Vec::new());
        let t1 = target(&gif, None, 200.0 * 72.0 / 300.0, 1.0, 300);
        let p = resample(&gif, &clear, &t1).unwrap();
        assert_eq!(p.format, ImageFormat::Png);
        let back = image::load_from_memory(&p.data).unwrap();
        assert!(!back.color().has_alpha(), "{:?}", back.color());
        let px = |x| back.to_rgb8().get_pixel(x, 0).0;
        assert_eq!(px(0), [0, 0, 0]);
        assert_eq!(px(1), [127, 127, 127]);
        assert_eq!(px(2), [255, 255, 255]);
        // Flat line art compresses better as PNG.
        let flat = DynamicImage::ImageRgb8(image::RgbImage::from_fn(400, 200, |x, _| {
            if x % 50 == 0 {
                image::Rgb([0, 0, 0])
            } else {
                image::Rgb([255, 255, 255])
            }
        }));
        let p = resample(&img, &flat, &t).unwrap();
        assert_eq!((p.format, p.width, p.height), (ImageFormat::Png, 200, 100));
    }

    #[test]
    fn resampling_is_reproducible() {
        let img = image(400, 200, ImageFormat::Png, Vec::new());
        let t = target(&img, None, 100.0 * 72.0 / 300.0, 1.0, 300);
        let a = resample(&img, &noise(400, 200, 255), &t).unwrap();
        let b = resample(&img, &noise(400, 200, 255), &t).unwrap();
        assert_eq!(a.data, b.data);
    }
}
