//! The output folder's picture cache, `.bookpress-cache/pictures/`: resampled and re-encoded
//! copies named by a hash of the source picture's bytes and of what was made of it, so a
//! picture that has not changed is not decoded again on the next build.
//!
//! It is not the book's `.bookpress-cache/images/` (`book::remote`), which holds downloaded
//! originals: those are sources, meant to be committed with the book, and a build only reads
//! them. This one holds only what a build can make again from the sources; it may be deleted
//! at any time, it lives beside the outputs (under the output folder's lock, left alone by the
//! all-or-none commit in `output.rs`), and nothing in it changes what a build writes: the same
//! copies are made, byte for byte, with or without it.

use std::path::{Path, PathBuf};

/// The folder below the output folder.
pub const DIR: &str = ".bookpress-cache/pictures";

pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// The cache of the output folder `out_dir` (created at the first copy stored).
    pub fn in_output(out_dir: &Path) -> Cache {
        Cache {
            dir: out_dir.join(DIR),
        }
    }

    /// A stored copy, if there is one that reads back as a whole picture.
    pub fn get(&self, hash: &str, variant: &str) -> Option<Vec<u8>> {
        let data = std::fs::read(self.dir.join(file_name(hash, variant))).ok()?;
        // A damaged entry (a disk error, someone's edit) is made again, never used.
        crate::book::assets::probe(data.clone(), "cache").ok()?;
        Some(data)
    }

    /// Stores a copy through a temporary file renamed into place, so a build cut off half way
    /// leaves no partial entry. A cache that cannot be written only costs the next build time.
    pub fn put(&self, hash: &str, variant: &str, data: &[u8]) {
        let _ = self.try_put(&file_name(hash, variant), data);
    }

    fn try_put(&self, name: &str, data: &[u8]) -> std::io::Result<()> {
        use std::io::Write;
        std::fs::create_dir_all(&self.dir)?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".part-")
            .tempfile_in(&self.dir)?;
        tmp.write_all(data)?;
        tmp.persist(self.dir.join(name)).map_err(|e| e.error)?;
        Ok(())
    }
}

/// The first 128 bits of the SHA-256 of a picture's bytes, in hex.
pub fn content_hash(data: &[u8]) -> String {
    hex(&ring::digest::digest(&ring::digest::SHA256, data).as_ref()[..16])
}

/// An entry's name: the picture's hash and the variant's (what was made of it, with every
/// setting that decides its bytes).
fn file_name(hash: &str, variant: &str) -> String {
    let v = ring::digest::digest(&ring::digest::SHA256, variant.as_bytes());
    format!("{hash}-{}.pic", hex(&v.as_ref()[..8]))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png() -> Vec<u8> {
        let mut out = Vec::new();
        image::DynamicImage::new_rgb8(3, 2)
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn a_stored_copy_comes_back_by_hash_and_variant_only() {
        let d = tempfile::tempdir().unwrap();
        let c = Cache::in_output(d.path());
        let h = content_hash(b"source");
        assert_eq!(c.get(&h, "a"), None);
        c.put(&h, "a", &png());
        assert_eq!(c.get(&h, "a"), Some(png()));
        assert_eq!(c.get(&h, "b"), None);
        assert_eq!(c.get(&content_hash(b"other"), "a"), None);
        // Only the entry itself is left in the folder (no temporary files).
        let names: Vec<_> = std::fs::read_dir(d.path().join(DIR)).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_damaged_entry_is_not_used() {
        let d = tempfile::tempdir().unwrap();
        let c = Cache::in_output(d.path());
        let h = content_hash(b"source");
        let mut cut = png();
        cut.truncate(cut.len() - 5);
        c.put(&h, "a", &cut);
        assert_eq!(c.get(&h, "a"), None);
    }
}
