//! `bookpress fetch-images`: downloads each remote picture a book names, once, into the book's
//! `.bookpress-cache/images/`. This is the only place bookpress touches the network, and only
//! when asked; builds then take the cached copies from the book folder, so they stay hermetic
//! and reproducible. What is stored is what decodes as a picture, whatever the server called it.

use crate::book::assets::{MAX_IMAGE_BYTES, MAX_PIXELS};
use crate::book::remote::{CACHE_DIR, cache_stem, cached};
use crate::diag::Diagnostic;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How far one download may go.
#[derive(Debug, Clone)]
pub struct Limits {
    /// For the whole request: connecting, redirects and the body.
    pub timeout: Duration,
    /// The largest body read; a larger one is refused, not cut.
    pub max_bytes: u64,
    pub max_redirects: u32,
    /// Go through the proxy named by `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`, as curl does.
    pub env_proxy: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(30),
            max_bytes: 50 * 1024 * 1024,
            max_redirects: 5,
            env_proxy: true,
        }
    }
}

/// What became of one URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Downloaded now and stored at this path relative to the book folder.
    Stored(String),
    /// Already in the cache at this path; not downloaded again.
    Cached(String),
    /// Not stored, and why; the placeholder stays.
    Failed(String),
}

/// What `fetch-images` did for a book.
#[derive(Debug, Default)]
pub struct Fetched {
    /// (URL, path relative to the book folder) of each picture downloaded now.
    pub stored: Vec<(String, String)>,
    /// One warning for each picture that could not be downloaded, where the book names it.
    pub failures: Vec<Diagnostic>,
}

/// Loads the book in `dir` (as `check` does: section errors do not stop it), then downloads
/// each remote picture it sets as a placeholder.
pub fn fetch_book(
    dir: &Path,
    limits: &Limits,
    progress: &mut dyn FnMut(usize, usize, &str),
) -> crate::diag::Result<Fetched> {
    let (book, _) = crate::book::load_all(dir)?;
    let urls: Vec<String> = book.remote_pictures.iter().map(|r| r.url.clone()).collect();
    let mut fetched = Fetched::default();
    let results = fetch_all(&book.root, &urls, limits, progress)?;
    for ((url, outcome), place) in results.into_iter().zip(&book.remote_pictures) {
        match outcome {
            Outcome::Stored(rel) => fetched.stored.push((url, rel)),
            Outcome::Cached(_) => {}
            Outcome::Failed(why) => fetched.failures.push(
                Diagnostic::warning(format!("cannot download `{url}`: {why}"))
                    .in_file(&place.file)
                    .at(place.line, 0)
                    .hint(
                        "the placeholder stays; run fetch-images again later, or save the \
                         picture in the book folder and name it by a relative path",
                    ),
            ),
        }
    }
    Ok(fetched)
}

/// Downloads every URL in `urls` not yet cached under `root`, telling `progress` (done, total,
/// url) before each. Each URL gets an outcome; a failure never stops the others.
pub fn fetch_all(
    root: &Path,
    urls: &[String],
    limits: &Limits,
    progress: &mut dyn FnMut(usize, usize, &str),
) -> Result<Vec<(String, Outcome)>, Diagnostic> {
    let dir = cache_dir(root)?;
    let agent = agent(limits);
    let mut out = Vec::with_capacity(urls.len());
    for (i, url) in urls.iter().enumerate() {
        progress(i, urls.len(), url);
        let outcome = match cached(root, url) {
            Some(rel) => Outcome::Cached(rel),
            None => match download(&agent, url, limits).and_then(|b| store(&dir, url, &b)) {
                Ok(name) => Outcome::Stored(format!("{CACHE_DIR}/{name}")),
                Err(why) => Outcome::Failed(why),
            },
        };
        out.push((url.clone(), outcome));
    }
    progress(urls.len(), urls.len(), "");
    Ok(out)
}

/// The cache folder, made if missing; refused when it (or `.bookpress-cache`) leads out of the
/// book folder through a link, since downloads would then be written elsewhere.
fn cache_dir(root: &Path) -> Result<PathBuf, Diagnostic> {
    let dir = root.join(CACHE_DIR);
    let fail = |what: String| {
        Diagnostic::error(what)
            .in_file(CACHE_DIR)
            .hint("the download cache must be a plain folder inside the book folder")
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| fail(format!("cannot make the download cache: {e}")))?;
    let real = dir
        .canonicalize()
        .map_err(|e| fail(format!("cannot open the download cache: {e}")))?;
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    if !real.starts_with(&real_root) {
        return Err(fail(format!(
            "the download cache leads out of the book folder (to {})",
            real.display()
        )));
    }
    Ok(real)
}

fn agent(limits: &Limits) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(limits.timeout))
        .max_redirects(limits.max_redirects)
        .http_status_as_error(false)
        .user_agent(concat!("bookpress/", env!("CARGO_PKG_VERSION")));
    let config = if limits.env_proxy {
        config
    } else {
        config.proxy(None)
    };
    config.build().into()
}

/// The body of `url`, or why there is none, in words for the user.
fn download(agent: &ureq::Agent, url: &str, limits: &Limits) -> Result<Vec<u8>, String> {
    let scheme = url.split(':').next().unwrap_or("").to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(format!(
            "`{scheme}:` addresses are not downloaded (only http and https)"
        ));
    }
    let mut response = agent.get(url).call().map_err(|e| describe(&e, limits))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("the server answered {status}"));
    }
    response
        .body_mut()
        .with_config()
        .limit(limits.max_bytes)
        .read_to_vec()
        .map_err(|e| describe(&e, limits))
}

fn describe(e: &ureq::Error, limits: &Limits) -> String {
    match e {
        ureq::Error::Timeout(_) => format!(
            "no answer within {} s (timed out)",
            limits.timeout.as_secs_f32()
        ),
        ureq::Error::BodyExceedsLimit(_) => format!(
            "larger than {} MB, the most a picture may be",
            limits.max_bytes / (1024 * 1024)
        ),
        ureq::Error::TooManyRedirects => format!(
            "more than {} redirects (a redirect loop?)",
            limits.max_redirects
        ),
        other => other.to_string(),
    }
}

/// Decodes `bytes` to learn what they are, then writes them as `<hash>.<ext>` through a
/// temporary file, so a cut-off write never leaves a half picture under the final name.
/// Returns the file name.
fn store(dir: &Path, url: &str, bytes: &[u8]) -> Result<String, String> {
    let ext = identify(bytes)?;
    let name = format!("{}.{ext}", cache_stem(url));
    // Made with the umask's mode, like a file the user saved: the cache may be committed.
    let mut tmp = crate::output::temp_builder()
        .tempfile_in(dir)
        .map_err(|e| e.to_string())?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| format!("cannot write the cache: {e}"))?;
    tmp.persist(dir.join(&name))
        .map_err(|e| format!("cannot write the cache: {}", e.error))?;
    Ok(name)
}

/// The extension for a picture bookpress can carry, found by decoding the bytes (the URL's
/// extension and the Content-Type are often wrong: image hosts serve WebP as `.png`, or an
/// HTML error page with status 200).
pub fn identify(bytes: &[u8]) -> Result<&'static str, String> {
    if bytes.len() as u64 > MAX_IMAGE_BYTES {
        return Err("too large for a picture".into());
    }
    if let Ok(format) = image::guess_format(bytes) {
        let ext = match format {
            image::ImageFormat::Png => "png",
            image::ImageFormat::Jpeg => "jpg",
            image::ImageFormat::Gif => "gif",
            image::ImageFormat::WebP => "webp",
            other => return Err(format!("a {other:?} picture, which books cannot carry")),
        };
        decode_raster(bytes)?;
        return Ok(ext);
    }
    if looks_like_svg(bytes) && usvg::Tree::from_data(bytes, &usvg::Options::default()).is_ok() {
        return Ok("svg");
    }
    Err(format!("not a picture ({})", first_words(bytes)))
}

fn decode_raster(bytes: &[u8]) -> Result<(), String> {
    let reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| format!("a damaged picture: {e}"))?;
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!("{w}×{h} pixels, more than a book may carry"));
    }
    image::load_from_memory(bytes)
        .map(drop)
        .map_err(|e| format!("a damaged picture: {e}"))
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    head.contains("<svg")
}

/// The start of a body that is not a picture, to show what the server sent instead.
fn first_words(bytes: &[u8]) -> String {
    let text: String = String::from_utf8_lossy(&bytes[..bytes.len().min(40)])
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!("{} bytes beginning `{}`", bytes.len(), text.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png() -> Vec<u8> {
        let mut out = Vec::new();
        image::RgbImage::new(3, 2)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn pictures_are_known_by_their_bytes_not_their_names() {
        assert_eq!(identify(&png()), Ok("png"));
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>"#;
        assert_eq!(identify(svg), Ok("svg"));
        let html = identify(b"<!DOCTYPE html><html><body>404</body></html>").unwrap_err();
        assert!(html.starts_with("not a picture") && html.contains("<!DOCTYPE html>"));
        let mut cut = png();
        cut.truncate(cut.len() / 2);
        assert!(identify(&cut).unwrap_err().contains("damaged"));
    }

    #[test]
    fn stored_files_are_named_by_the_url_hash() {
        let dir = tempfile::tempdir().unwrap();
        let name = store(dir.path(), "https://x.org/a", &png()).unwrap();
        assert_eq!(name, format!("{}.png", cache_stem("https://x.org/a")));
        assert_eq!(std::fs::read(dir.path().join(&name)).unwrap(), png());
        assert!(store(dir.path(), "https://x.org/b", b"<html>").is_err());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_cache_that_links_out_of_the_book_is_refused() {
        let book = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), book.path().join(".bookpress-cache")).unwrap();
        let err = cache_dir(book.path()).unwrap_err();
        assert!(
            err.message.contains("leads out of the book folder"),
            "{err:?}"
        );
    }

    #[test]
    fn other_schemes_are_not_downloaded() {
        let limits = Limits::default();
        let err = download(&agent(&limits), "file:///etc/passwd", &limits).unwrap_err();
        assert!(err.contains("only http and https"), "{err}");
    }
}
