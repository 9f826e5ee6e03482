//! What a section points at: links (external, or to a section or heading of the book, resolved
//! later by book::links) and pictures (local, from the download cache, or a placeholder).

use super::*;

impl Builder<'_, '_> {
    /// The frame a Markdown link opens: a link, or its text alone when the target is refused.
    pub(super) fn link_frame(
        &mut self,
        link_type: pulldown_cmark::LinkType,
        dest_url: &str,
        line: u32,
    ) -> Frame {
        let dest =
            if link_type == pulldown_cmark::LinkType::Email && !dest_url.starts_with("mailto:") {
                format!("mailto:{dest_url}")
            } else {
                dest_url.to_string()
            };
        match self.link_href(&dest, line) {
            Some(href) => Frame::Link {
                href,
                inlines: Vec::new(),
            },
            None => Frame::HtmlInline {
                name: String::new(),
                wrap: Wrap::Plain,
                inlines: Vec::new(),
            },
        }
    }

    /// The href a link gets: external URLs as written, in-book targets as a pending reference
    /// that [`links::resolve`] turns into an id once every section is read. `None` sets the
    /// link's text without a link (with a warning saying why).
    pub(super) fn link_href(&mut self, dest: &str, line: u32) -> Option<String> {
        let dest = dest.trim();
        if let Some(frag) = dest.strip_prefix('#') {
            return Some(links::pending(&self.rel_key, frag));
        }
        if let Some(scheme) = url_scheme(dest) {
            return match scheme.as_str() {
                "http" | "https" | "mailto" | "ftp" | "tel" => Some(dest.to_string()),
                _ => {
                    self.warn_at(
                        line,
                        format!("link `{dest}` uses the `{scheme}:` scheme: its text is set without the link"),
                        "links may be https:, http: or mailto: URLs, or point at a section of this book",
                    );
                    None
                }
            };
        }
        let (path, frag) = dest.split_once('#').unwrap_or((dest, ""));
        if path.is_empty() {
            return Some(links::pending(&self.rel_key, frag));
        }
        let rel = match confine(self.ctx.dir.path(), &self.base_dir, path) {
            Ok((_, rel)) => rel,
            Err(d) => {
                self.warn_at(
                    line,
                    format!("{}: the link's text is set without the link", d.message),
                    "link to a section of this book, or use a full https:// URL",
                );
                return None;
            }
        };
        match links::section_for(&rel, self.ctx.section_ids) {
            Some(file) => Some(links::pending(&file, frag)),
            None => {
                self.warn_at(
                    line,
                    format!("link target `{dest}` is not a section of this book: its text is set without the link"),
                    "link to a Markdown file of the book (or its .html name), or use a full https:// URL",
                );
                None
            }
        }
    }

    /// Reads a picture the section names; every problem is reported, the picture then left out.
    /// A remote one comes from the download cache, or is a placeholder of the `declared` size.
    pub(super) fn load_image(
        &mut self,
        dest: &str,
        line: u32,
        declared: Option<(u32, u32)>,
    ) -> Option<Image> {
        let cached =
            remote::remote_url(dest).map(|url| (remote::cached_in(self.ctx.dir, &url), url));
        let loaded = match cached {
            Some((None, url)) => return Some(self.remote_placeholder(url, line, declared)),
            Some((Some(rel), _)) => confine(self.ctx.dir.path(), Path::new(""), &rel),
            None => confine(self.ctx.dir.path(), &self.base_dir, dest),
        }
        .and_then(|(_, rel)| self.ctx.images.load(self.ctx.dir, &rel).map(|i| (i, rel)));
        match loaded {
            Ok((image, rel)) => {
                self.ctx.files_read.push(rel);
                Some(image)
            }
            Err(d) => {
                self.ctx.errors.push(d.in_file(self.rel).at(line, 0));
                None
            }
        }
    }

    /// A remote picture not downloaded: one warning with its place and URL, and a placeholder.
    pub(super) fn remote_placeholder(
        &mut self,
        url: String,
        line: u32,
        declared: Option<(u32, u32)>,
    ) -> Image {
        self.warn_at(
            line,
            format!("remote picture `{url}` is not downloaded: a placeholder is set in its place"),
            "run `bookpress fetch-images` once to keep a copy in .bookpress-cache/images/ \
             (later builds use it without the network)",
        );
        if !self.ctx.notes.remote.iter().any(|r| r.url == url) {
            self.ctx.notes.remote.push(RemotePicture {
                url: url.clone(),
                file: self.rel.to_path_buf(),
                line,
            });
        }
        remote::placeholder(&url, declared)
    }
}

/// The scheme of an absolute URL (`https`, `mailto`), lower-cased; `None` for a path. A
/// one-letter "scheme" is a Windows drive, not a URL.
pub(super) fn url_scheme(dest: &str) -> Option<String> {
    let (scheme, _) = dest.split_once(':')?;
    (scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
    .then(|| scheme.to_ascii_lowercase())
}
