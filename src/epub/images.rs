//! Pictures for the EPUB: passed through byte for byte when readers can show them as they are,
//! re-encoded with `image` only when they must be (too large, EXIF-rotated, or a format many
//! readers refuse).

use std::io::Cursor;

use image::DynamicImage;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};

use crate::book::model::{Image, ImageFormat};
use crate::diag::{Diagnostic, Result};

/// Longest edge, in pixels, a picture may keep in the EPUB.
pub const MAX_EDGE: u32 = 1600;
/// JPEG quality for re-encoded JPEGs (fixed, so builds are reproducible).
const JPEG_QUALITY: u8 = 88;

/// A picture as it goes into the EPUB.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub format: ImageFormat,
    pub data: Vec<u8>,
}

/// Why a picture has to be re-encoded, if it has to.
pub fn needs_reencode(img: &Image) -> bool {
    let (w, h) = img.display_size();
    img.format != ImageFormat::Svg
        && (w.max(h) > MAX_EDGE || img.orientation != 1 || img.format == ImageFormat::Webp)
}

/// The format a picture is written in: JPEG stays JPEG, PNG stays PNG, GIF stays GIF unless it
/// has to be re-encoded (then PNG), WebP (not taken by many readers) becomes PNG.
pub fn target_format(img: &Image) -> ImageFormat {
    match img.format {
        ImageFormat::Jpeg => ImageFormat::Jpeg,
        ImageFormat::Png => ImageFormat::Png,
        ImageFormat::Svg => ImageFormat::Svg,
        ImageFormat::Gif if !needs_reencode(img) => ImageFormat::Gif,
        ImageFormat::Gif | ImageFormat::Webp => ImageFormat::Png,
    }
}

/// The picture as it goes into the EPUB, decoding it only when it must be re-encoded.
pub fn prepare(img: &Image) -> Result<Prepared> {
    if !needs_reencode(img) {
        return Ok(Prepared {
            format: img.format,
            data: img.data.as_ref().clone(),
        });
    }
    let pic = crate::pictures::decode_upright(img)?;
    from_decoded(img, &pic)
}

/// The cache's name for what [`from_decoded`] makes of `img`: every setting that decides its
/// bytes.
pub fn variant(img: &Image) -> String {
    format!(
        "epub-v1 edge {MAX_EDGE} {:?} jpeg-q{JPEG_QUALITY} png-default",
        target_format(img)
    )
}

/// A copy read back from the cache, if it is a whole picture of the format expected.
pub fn from_cache(img: &Image, data: Vec<u8>) -> Option<Prepared> {
    let back = crate::book::assets::probe(data, &img.path).ok()?;
    let format = target_format(img);
    (back.format == format).then(|| Prepared {
        format,
        data: back.data.as_ref().clone(),
    })
}

/// The EPUB copy from the picture's upright pixels (`crate::pictures` decodes each picture once
/// for both outputs).
pub fn from_decoded(img: &Image, upright: &DynamicImage) -> Result<Prepared> {
    let err = |what: &str, e: &dyn std::fmt::Display| {
        Diagnostic::error(format!("cannot {what} picture: {e}")).in_file(&img.path)
    };
    // Fits inside the box, keeping the aspect ratio. `thumbnail` averages each output pixel's
    // area: as good as Lanczos for shrinking (no ringing) and about ten times cheaper, which
    // matters for books of many large screenshots.
    let shrunk;
    let pic = if upright.width().max(upright.height()) > MAX_EDGE {
        shrunk = upright.thumbnail(MAX_EDGE, MAX_EDGE);
        &shrunk
    } else {
        upright
    };
    let format = target_format(img);
    let mut out = Vec::new();
    match format {
        ImageFormat::Jpeg => {
            let rgb = DynamicImage::ImageRgb8(pic.to_rgb8());
            rgb.write_with_encoder(JpegEncoder::new_with_quality(
                Cursor::new(&mut out),
                JPEG_QUALITY,
            ))
            .map_err(|e| err("encode", &e))?;
        }
        _ => {
            let enc = PngEncoder::new_with_quality(
                Cursor::new(&mut out),
                CompressionType::Default,
                PngFilter::Adaptive,
            );
            pic.write_with_encoder(enc).map_err(|e| err("encode", &e))?;
        }
    }
    Ok(Prepared { format, data: out })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::ImageFormat as Fmt;
    use std::sync::Arc;

    fn encoded(w: u32, h: u32, fmt: Fmt) -> Vec<u8> {
        let pic = DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        }));
        let mut out = Vec::new();
        pic.write_to(&mut Cursor::new(&mut out), fmt).unwrap();
        out
    }

    fn image(w: u32, h: u32, format: ImageFormat, orientation: u8, data: Vec<u8>) -> Image {
        Image {
            path: "images/x".into(),
            format,
            width: w,
            height: h,
            orientation,
            data: Arc::new(data),
            remote: None,
        }
    }

    #[test]
    fn small_jpeg_passes_through_untouched() {
        let data = encoded(40, 30, Fmt::Jpeg);
        let p = prepare(&image(40, 30, ImageFormat::Jpeg, 1, data.clone())).unwrap();
        assert_eq!(p.format, ImageFormat::Jpeg);
        assert_eq!(p.data, data);
    }

    #[test]
    fn large_jpeg_is_scaled_and_stays_jpeg() {
        let data = encoded(2000, 1000, Fmt::Jpeg);
        let p = prepare(&image(2000, 1000, ImageFormat::Jpeg, 1, data)).unwrap();
        assert_eq!(p.format, ImageFormat::Jpeg);
        let back = image::load_from_memory_with_format(&p.data, Fmt::Jpeg).unwrap();
        assert_eq!((back.width(), back.height()), (1600, 800));
        // Same input, same bytes.
        let again = prepare(&image(
            2000,
            1000,
            ImageFormat::Jpeg,
            1,
            encoded(2000, 1000, Fmt::Jpeg),
        ))
        .unwrap();
        assert_eq!(p.data, again.data);
    }

    #[test]
    fn exif_rotation_is_applied() {
        let data = encoded(40, 20, Fmt::Png);
        // Orientation 6: rotate 90° clockwise to display, so 40x20 shows as 20x40.
        let p = prepare(&image(40, 20, ImageFormat::Png, 6, data)).unwrap();
        assert_eq!(p.format, ImageFormat::Png);
        let back = image::load_from_memory_with_format(&p.data, Fmt::Png).unwrap();
        assert_eq!((back.width(), back.height()), (20, 40));
    }

    #[test]
    fn webp_becomes_png() {
        let data = encoded(10, 10, Fmt::WebP);
        let p = prepare(&image(10, 10, ImageFormat::Webp, 1, data)).unwrap();
        assert_eq!(p.format, ImageFormat::Png);
        assert!(p.data.starts_with(b"\x89PNG"));
    }

    #[test]
    fn broken_picture_is_an_error_naming_the_file() {
        let e = prepare(&image(
            3000,
            10,
            ImageFormat::Jpeg,
            1,
            b"not a jpeg".to_vec(),
        ))
        .unwrap_err();
        assert_eq!(
            e.first().file.as_deref(),
            Some(std::path::Path::new("images/x"))
        );
    }
}
