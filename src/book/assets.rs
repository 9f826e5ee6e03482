//! Files a section refers to: paths confined to the book folder, pictures read and probed once.

use crate::book::confined::{BookDir, Kind};
use crate::book::model::{Image, ImageFormat};
use crate::diag::Diagnostic;
use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Pictures larger than this many pixels are refused before decoding (decompression bombs).
pub const MAX_PIXELS: u64 = 100_000_000;
/// Picture files larger than this are refused before reading.
pub const MAX_IMAGE_BYTES: u64 = 200 * 1024 * 1024;

/// Resolves `target` (as written in Markdown or book.toml, relative to `base_dir` inside the book)
/// to a path inside `root`. Refuses URLs, absolute paths, `..` that leaves the folder and
/// symlinks that point out of it. Returns (absolute path, path relative to root with `/`).
pub fn confine(
    root: &Path,
    base_dir: &Path,
    target: &str,
) -> Result<(PathBuf, String), Diagnostic> {
    let refuse = |why: &str| {
        Diagnostic::error(format!("`{target}` {why}")).hint(
            "pictures and links must point at files inside the book folder, by a relative path",
        )
    };
    if target.is_empty() {
        return Err(refuse("is an empty path"));
    }
    if target.contains("://") || target.starts_with("data:") {
        return Err(refuse(
            "is a URL bookpress cannot use: only http and https pictures in sections are \
             downloaded, by `bookpress fetch-images`",
        ));
    }
    let decoded = percent_decode(target);
    let p = Path::new(&decoded);
    if p.is_absolute() || decoded.starts_with('/') || decoded.starts_with('\\') {
        return Err(refuse("is an absolute path"));
    }
    // Resolve lexically first: `..` may not climb above the book folder at any point.
    let mut rel = base_dir.to_path_buf();
    for c in p.components() {
        match c {
            Component::Normal(x) => rel.push(x),
            Component::CurDir => {}
            Component::ParentDir => {
                if !rel.pop() {
                    return Err(refuse("leaves the book folder"));
                }
            }
            Component::RootDir | Component::Prefix(_) => return Err(refuse("is an absolute path")),
        }
    }
    let abs = root.join(&rel);
    // Then physically: a symlink anywhere on the way may not lead outside.
    if let Ok(real) = abs.canonicalize()
        && !real.starts_with(root)
    {
        return Err(refuse("is a link that leads out of the book folder"));
    }
    let rel_str = rel
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .collect::<Vec<_>>()
        .join("/");
    Ok((abs, rel_str))
}

/// `%E5%AE%89` → `安`; a string that does not decode to UTF-8 is kept as written.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Reads each picture once, however often it is used.
#[derive(Default)]
pub struct ImageCache {
    images: HashMap<String, Image>,
    /// Fonts for text inside SVG pictures (the book's own), loaded at the first SVG.
    pub svg_fonts: Vec<PathBuf>,
    svg_options: Option<usvg::Options<'static>>,
}

impl ImageCache {
    /// The picture at `rel` (relative to the book folder), read through the folder's handle.
    pub fn load(&mut self, dir: &BookDir, rel: &str) -> Result<Image, Diagnostic> {
        if let Some(img) = self.images.get(rel) {
            return Ok(img.clone());
        }
        let img = if is_svg_name(rel) {
            let data = read_limited(dir, rel)?;
            let fonts = &self.svg_fonts;
            let opts = self.svg_options.get_or_insert_with(|| svg_options(fonts));
            crate::book::svg::sanitize(&data, rel, opts)?
        } else {
            probe(read_limited(dir, rel)?, rel)?
        };
        self.images.insert(rel.to_string(), img.clone());
        Ok(img)
    }
}

fn is_svg_name(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    lower.ends_with(".svg") || lower.ends_with(".svgz")
}

/// usvg's options with the book's fonts, so text in a drawing is set in them.
fn svg_options(fonts: &[PathBuf]) -> usvg::Options<'static> {
    let mut opts = usvg::Options::default();
    let db = opts.fontdb_mut();
    for f in fonts {
        match crate::typeset::fonts::builtin(f) {
            Some(data) => {
                db.load_font_source(usvg::fontdb::Source::Binary(std::sync::Arc::new(data)));
            }
            // A font that cannot be read is reported by the font stage; here it is just missing.
            None => {
                let _ = db.load_font_file(f);
            }
        }
    }
    let first = db
        .faces()
        .next()
        .and_then(|f| f.families.first().map(|(n, _)| n.clone()));
    if let Some(family) = first {
        db.set_serif_family(family.clone());
        db.set_sans_serif_family(family.clone());
        db.set_monospace_family(family.clone());
        opts.font_family = family;
    }
    opts
}

fn read_limited(dir: &BookDir, rel: &str) -> Result<Vec<u8>, Diagnostic> {
    dir.read(rel, Kind::Picture).map_err(|r| {
        let d = Diagnostic::error(format!("picture `{rel}` {r}"));
        if r.0.contains("over the limit") {
            d.hint("scale it down; 3000 pixels on the long edge is plenty for print")
        } else {
            d.hint("check the path; it is relative to the Markdown file")
        }
    })
}

/// Identifies the format and size from the header only, without decoding the pixels.
pub fn probe(data: Vec<u8>, rel: &str) -> Result<Image, Diagnostic> {
    use image::ImageDecoder;
    let bad = |why: String| {
        Diagnostic::error(format!("picture `{rel}` {why}"))
            .hint("use a JPEG, PNG, GIF or WebP file; re-export it from an image editor")
    };
    // The size comes from the header alone, so a decompression bomb is refused before any decoding.
    let size = imagesize::blob_size(&data)
        .map_err(|_| bad("is not a picture file bookpress knows".into()))?;
    let (width, height) = (size.width as u64, size.height as u64);
    if width == 0 || height == 0 {
        return Err(bad("has no pixels".into()));
    }
    if width * height > MAX_PIXELS {
        return Err(Diagnostic::error(format!(
            "picture `{rel}` is {width}×{height} pixels, over the limit of {} megapixels",
            MAX_PIXELS / 1_000_000
        ))
        .hint("scale it down; 3000 pixels on the long edge is plenty for print"));
    }
    let reader = image::ImageReader::new(Cursor::new(data.as_slice()))
        .with_guessed_format()
        .map_err(|e| bad(format!("cannot be read: {e}")))?;
    let format = match reader.format() {
        Some(image::ImageFormat::Jpeg) => ImageFormat::Jpeg,
        Some(image::ImageFormat::Png) => ImageFormat::Png,
        Some(image::ImageFormat::Gif) => ImageFormat::Gif,
        Some(image::ImageFormat::WebP) => ImageFormat::Webp,
        Some(f) => return Err(bad(format!("is a {f:?} file, which books cannot carry"))),
        None => return Err(bad("is not a picture file bookpress knows".into())),
    };
    let complete = match format {
        ImageFormat::Jpeg => jpeg_complete(&data),
        ImageFormat::Png => png_complete(&data),
        ImageFormat::Gif | ImageFormat::Webp | ImageFormat::Svg => Ok(()),
    };
    complete.map_err(|why| bad(format!("is damaged: {why} (truncated file?)")))?;
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| bad(format!("is damaged: {e}")))?;
    let (width, height) = decoder.dimensions();
    let orientation = decoder.orientation().map(orientation_number).unwrap_or(1);
    drop(decoder);
    Ok(Image {
        path: rel.to_string(),
        format,
        width,
        height,
        orientation,
        data: Arc::new(data),
        remote: None,
    })
}

/// A JPEG must end its image data with an EOI marker: walks the marker segments up to the first
/// scan (skipping APPn data, which may hold a complete thumbnail), then looks for EOI after it.
/// Catches a cut-off download or copy, which decoders would otherwise fill with grey.
fn jpeg_complete(data: &[u8]) -> Result<(), &'static str> {
    const CUT: &str = "the JPEG data ends before its end marker";
    if !data.starts_with(&[0xFF, 0xD8]) {
        return Err("the JPEG has no start marker");
    }
    let mut i = 2;
    loop {
        // Fill bytes (0xFF) may precede a marker.
        while data.get(i) == Some(&0xFF) && data.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (data.get(i), data.get(i + 1)) else {
            return Err(CUT);
        };
        match marker {
            0xD9 => return Err("the JPEG ends before its first scan"),
            0x01 | 0xD0..=0xD7 => i += 2,
            _ => {
                let (Some(&hi), Some(&lo)) = (data.get(i + 2), data.get(i + 3)) else {
                    return Err(CUT);
                };
                let len = usize::from(u16::from_be_bytes([hi, lo]));
                if len < 2 || i + 2 + len > data.len() {
                    return Err(CUT);
                }
                i += 2 + len;
                if marker == 0xDA {
                    break;
                }
            }
        }
    }
    // EOI is normally the last two bytes: search from the end.
    if data[i..].windows(2).rev().any(|w| w == [0xFF, 0xD9]) {
        Ok(())
    } else {
        Err(CUT)
    }
}

/// A PNG's chunks must all be whole, up to IEND.
fn png_complete(data: &[u8]) -> Result<(), &'static str> {
    const CUT: &str = "the PNG data ends before its IEND chunk";
    let mut i = 8;
    loop {
        let Some(head) = data.get(i..i + 8) else {
            return Err(CUT);
        };
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let end = i
            .checked_add(12)
            .and_then(|n| n.checked_add(len))
            .ok_or(CUT)?;
        if end > data.len() {
            return Err(CUT);
        }
        if &head[4..8] == b"IEND" {
            return Ok(());
        }
        i = end;
    }
}

fn orientation_number(o: image::metadata::Orientation) -> u8 {
    use image::metadata::Orientation::*;
    match o {
        NoTransforms => 1,
        FlipHorizontal => 2,
        Rotate180 => 3,
        FlipVertical => 4,
        Rotate90FlipH => 5,
        Rotate90 => 6,
        Rotate270FlipH => 7,
        Rotate270 => 8,
    }
}

pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("images")).unwrap();
        std::fs::write(d.path().join("images/a.png"), b"x").unwrap();
        d
    }

    #[test]
    fn inside_paths_resolve() {
        let d = root();
        let r = d.path().canonicalize().unwrap();
        let (abs, rel) = confine(&r, Path::new(""), "images/./a.png").unwrap();
        assert_eq!(rel, "images/a.png");
        assert_eq!(abs, r.join("images/a.png"));
        let (_, rel) = confine(&r, Path::new("images"), "../images/a.png").unwrap();
        assert_eq!(rel, "images/a.png");
    }

    #[test]
    fn escapes_are_refused() {
        let d = root();
        let r = d.path().canonicalize().unwrap();
        for bad in [
            "../x.png",
            "images/../../x.png",
            "/etc/passwd",
            "https://x.org/a.png",
            "%2e%2e/x.png",
        ] {
            let e = confine(&r, Path::new(""), bad).unwrap_err();
            assert!(
                e.message.starts_with(&format!("`{bad}`")),
                "{bad}: {}",
                e.message
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlink_out_is_refused() {
        let d = root();
        let r = d.path().canonicalize().unwrap();
        std::os::unix::fs::symlink("/etc", r.join("images/etc")).unwrap();
        let e = confine(&r, Path::new(""), "images/etc/hostname").unwrap_err();
        assert!(
            e.message.contains("leads out of the book folder"),
            "{}",
            e.message
        );
    }

    #[test]
    fn probe_reads_header_only_and_limits_size() {
        // A PNG header claiming 30000×30000 pixels, with no pixel data at all.
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&30000u32.to_be_bytes());
        png.extend_from_slice(&30000u32.to_be_bytes());
        png.extend_from_slice(&[8, 6, 0, 0, 0]);
        let crc = crc32(&png[12..]);
        png.extend_from_slice(&crc.to_be_bytes());
        let e = probe(png, "big.png").unwrap_err();
        assert!(e.message.contains("30000×30000"), "{}", e.message);
        let e = probe(b"hello, not a picture".to_vec(), "t.png").unwrap_err();
        assert!(e.message.contains("not a picture"), "{}", e.message);
    }

    #[test]
    fn cut_jpeg_and_png_are_damaged() {
        let mut jpg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut jpg)
            .encode(&[200; 16 * 16 * 3], 16, 16, image::ExtendedColorType::Rgb8)
            .unwrap();
        assert_eq!(jpeg_complete(&jpg), Ok(()));
        for cut in [3, 20, jpg.len() - 2] {
            assert!(jpeg_complete(&jpg[..cut]).is_err(), "cut at {cut}");
        }
        let mut png = Vec::new();
        image::DynamicImage::new_rgb8(4, 4)
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        assert_eq!(png_complete(&png), Ok(()));
        for cut in [8, 20, png.len() - 1] {
            assert!(png_complete(&png[..cut]).is_err(), "cut at {cut}");
        }
        // A huge chunk length does not overflow.
        let mut bad = png[..8].to_vec();
        bad.extend_from_slice(&[0xFF; 8]);
        assert!(png_complete(&bad).is_err());
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for &b in data {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }
}
