//! Pictures named by an `http:`/`https:` URL. A build never touches the network: a remote
//! picture is taken from the book's download cache (`.bookpress-cache/images/`, filled by
//! `bookpress fetch-images`) when it is there, and is otherwise set as a framed placeholder of
//! its declared size, so the book still builds and the reader sees where a picture belongs.

use crate::book::model::{Image, ImageFormat};
use std::path::Path;
use std::sync::Arc;

/// The download cache, relative to the book folder.
pub const CACHE_DIR: &str = ".bookpress-cache/images";

/// The extensions a cached picture may have, as `fetch-images` names them after decoding.
pub const CACHED_EXTENSIONS: [&str; 5] = ["png", "jpg", "gif", "webp", "svg"];

/// The placeholder's size in CSS pixels when the source gives none (4:3, a common photo shape).
const DEFAULT_SIZE: (u32, u32) = (640, 480);
/// Declared sizes are clamped to this, so a typo cannot make a page-sized frame of 10⁶ px.
const MAX_DECLARED: u32 = 4000;

/// The URL of a remote picture (`https://…`, `http://…`, or protocol-relative `//host/…`,
/// which is read as https), or `None` for anything else.
pub fn remote_url(target: &str) -> Option<String> {
    let t = target.trim();
    let lower = t.get(..8).unwrap_or(t).to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        Some(t.to_string())
    } else if t.starts_with("//") && t.len() > 2 && !t[2..].starts_with('/') {
        Some(format!("https:{t}"))
    } else {
        None
    }
}

/// The cache file's stem for `url`: the first 128 bits of its SHA-256, in hex. A hash keeps the
/// name short, free of characters file systems refuse, and the same on every machine.
pub fn cache_stem(url: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, url.as_bytes());
    digest.as_ref()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The cached copy of `url` under the book folder `root`, relative to it with `/`, if
/// `fetch-images` has stored one.
pub fn cached(root: &Path, url: &str) -> Option<String> {
    let stem = cache_stem(url);
    CACHED_EXTENSIONS
        .iter()
        .map(|ext| format!("{CACHE_DIR}/{stem}.{ext}"))
        .find(|rel| root.join(rel).is_file())
}

/// [`cached`], looked up through the open book folder.
pub fn cached_in(dir: &crate::book::confined::BookDir, url: &str) -> Option<String> {
    let stem = cache_stem(url);
    CACHED_EXTENSIONS
        .iter()
        .map(|ext| format!("{CACHE_DIR}/{stem}.{ext}"))
        .find(|rel| dir.is_file(rel))
}

/// A framed, dashed box with a picture sign in its middle, `declared` pixels large (or the
/// default): an SVG drawn by both writers like any other drawing. `path` is the URL itself,
/// and `remote` says the picture was not downloaded.
pub fn placeholder(url: &str, declared: Option<(u32, u32)>) -> Image {
    let (w, h) = declared_size(declared);
    Image {
        path: url.to_string(),
        format: ImageFormat::Svg,
        width: w,
        height: h,
        orientation: 1,
        data: Arc::new(placeholder_svg(w, h).into_bytes()),
        remote: Some(url.to_string()),
    }
}

/// Width and height as declared, the missing one following the default's 4:3, each clamped.
fn declared_size(declared: Option<(u32, u32)>) -> (u32, u32) {
    let clamp = |v: u32| v.clamp(16, MAX_DECLARED);
    match declared {
        Some((0, 0)) | None => DEFAULT_SIZE,
        Some((w, 0)) => (clamp(w), clamp(w * 3 / 4)),
        Some((0, h)) => (clamp(h * 4 / 3), clamp(h)),
        Some((w, h)) => (clamp(w), clamp(h)),
    }
}

fn placeholder_svg(w: u32, h: u32) -> String {
    // The sign: a sun and two hills in a square of a third of the shorter side, centred.
    let s = f64::from(w.min(h)) / 3.0;
    let (x0, y0) = ((f64::from(w) - s) / 2.0, (f64::from(h) - s) / 2.0);
    let p = |fx: f64, fy: f64| format!("{:.1},{:.1}", x0 + fx * s, y0 + fy * s);
    let stroke = (f64::from(w.min(h)) / 160.0).max(1.0);
    format!(
        concat!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">"##,
            r##"<rect x="{half:.1}" y="{half:.1}" width="{iw:.1}" height="{ih:.1}" fill="#f4f4f4" stroke="#8c8c8c" stroke-width="{stroke:.1}" stroke-dasharray="{dash:.1} {gap:.1}"/>"##,
            r##"<circle cx="{sx:.1}" cy="{sy:.1}" r="{r:.1}" fill="#bdbdbd"/>"##,
            r##"<path d="M{a} L{b} L{c} L{d} L{e} Z" fill="#bdbdbd"/>"##,
            "</svg>"
        ),
        w = w,
        h = h,
        half = stroke / 2.0,
        iw = f64::from(w) - stroke,
        ih = f64::from(h) - stroke,
        stroke = stroke,
        dash = stroke * 6.0,
        gap = stroke * 4.0,
        sx = x0 + 0.72 * s,
        sy = y0 + 0.25 * s,
        r = 0.13 * s,
        a = p(0.0, 1.0),
        b = p(0.35, 0.45),
        c = p(0.6, 0.75),
        d = p(0.75, 0.6),
        e = p(1.0, 1.0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_urls_are_remote() {
        assert_eq!(
            remote_url("https://x.org/a.png").as_deref(),
            Some("https://x.org/a.png")
        );
        assert_eq!(
            remote_url("HTTP://x.org/a.png").as_deref(),
            Some("HTTP://x.org/a.png")
        );
        assert_eq!(
            remote_url("//cdn.x.org/a.png").as_deref(),
            Some("https://cdn.x.org/a.png")
        );
        for local in [
            "images/a.png",
            "/abs.png",
            "data:image/png;base64,AA",
            "ftp://x/a.png",
        ] {
            assert_eq!(remote_url(local), None, "{local}");
        }
    }

    #[test]
    fn cache_names_are_stable_hex_of_the_url() {
        let a = cache_stem("https://x.org/a.png");
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(a, cache_stem("https://x.org/a.png"));
        assert_ne!(a, cache_stem("https://x.org/b.png"));
        // SHA-256("abc") begins ba7816bf…: the name is the standard hash, not a private one.
        assert_eq!(&cache_stem("abc")[..8], "ba7816bf");
    }

    #[test]
    fn placeholder_takes_the_declared_size_and_parses_as_svg() {
        let img = placeholder("https://x.org/a.png", Some((300, 0)));
        assert_eq!((img.width, img.height), (300, 225));
        assert_eq!(img.remote.as_deref(), Some("https://x.org/a.png"));
        let tree = usvg::Tree::from_data(&img.data, &usvg::Options::default()).unwrap();
        assert_eq!(tree.size().width(), 300.0);
        assert_eq!(placeholder("u", None).width, 640);
        assert_eq!(placeholder("u", Some((99_999, 10))).width, MAX_DECLARED);
    }

    #[test]
    fn a_cached_copy_is_found_by_its_hash_name() {
        let dir = tempfile::tempdir().unwrap();
        let url = "https://x.org/p.jpg";
        assert_eq!(cached(dir.path(), url), None);
        std::fs::create_dir_all(dir.path().join(CACHE_DIR)).unwrap();
        let rel = format!("{CACHE_DIR}/{}.png", cache_stem(url));
        std::fs::write(dir.path().join(&rel), b"x").unwrap();
        assert_eq!(cached(dir.path(), url), Some(rel));
    }
}
