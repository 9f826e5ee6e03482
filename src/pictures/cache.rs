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

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The folder below the output folder.
pub const DIR: &str = ".bookpress-cache/pictures";

pub struct Cache {
    dir: PathBuf,
    /// What this build asked for: entry names and source hashes (for [`Cache::prune`]).
    used: Mutex<Used>,
}

#[derive(Default)]
struct Used {
    names: HashSet<String>,
    hashes: HashSet<String>,
}

impl Cache {
    /// The cache of the output folder `out_dir` (created at the first copy stored).
    pub fn in_output(out_dir: &Path) -> Cache {
        Cache {
            dir: out_dir.join(DIR),
            used: Mutex::default(),
        }
    }

    fn note(&self, hash: &str, name: &str) {
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        used.names.insert(name.to_string());
        used.hashes.insert(hash.to_string());
    }

    /// A picture this build showed, whether or not it asked the cache for a copy of it (an
    /// output that takes it as it is asks for none): after a build of some outputs the other
    /// outputs' copies of it stay.
    pub fn shown(&self, hash: &str) {
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        used.hashes.insert(hash.to_string());
    }

    /// A stored copy, if there is one that reads back as a whole picture.
    pub fn get(&self, hash: &str, variant: &str) -> Option<Vec<u8>> {
        let name = file_name(hash, variant);
        self.note(hash, &name);
        let data = std::fs::read(self.dir.join(name)).ok()?;
        // A damaged entry (a disk error, someone's edit) is made again, never used.
        crate::book::assets::probe(data.clone(), "cache").ok()?;
        Some(data)
    }

    /// Stores a copy through a temporary file renamed into place, so a build cut off half way
    /// leaves no partial entry. A cache that cannot be written only costs the next build time.
    pub fn put(&self, hash: &str, variant: &str, data: &[u8]) {
        let name = file_name(hash, variant);
        self.note(hash, &name);
        let _ = crate::output::write_whole(&self.dir.join(&name), ".part-", &[data]);
    }

    /// Drops the entries this build had no use for, once it has succeeded (the caller holds the
    /// output folder's lock, so no other build is using the cache). After a build of every
    /// output only the copies it asked for stay; after a build of some outputs (`--format`)
    /// every copy of a picture it showed stays too, since the other outputs want them. Left-over
    /// temporary files of a build cut off half way go as well. Returns how many files were
    /// removed; a file that cannot be removed stays (it costs only disk space).
    pub fn prune(&self, all_outputs: bool) -> usize {
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return 0;
        };
        let mut removed = 0;
        for e in entries.flatten() {
            let name = e.file_name();
            let Some(name) = name.to_str() else { continue };
            let keep = if let Some(stem) = name.strip_suffix(".pic") {
                let hash = stem.split('-').next().unwrap_or("");
                used.names.contains(name) || (!all_outputs && used.hashes.contains(hash))
            } else {
                // Only our own temporary files: anything else someone put there stays.
                !name.starts_with(".part-")
            };
            if !keep && e.file_type().is_ok_and(|t| t.is_file()) {
                removed += usize::from(std::fs::remove_file(e.path()).is_ok());
            }
        }
        removed
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

/// Bytes as lower-case hex, for file names.
pub fn hex(bytes: &[u8]) -> String {
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

    fn names(d: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(d.join(DIR))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn pruning_keeps_what_the_build_used_and_drops_the_rest() {
        let d = tempfile::tempdir().unwrap();
        let (kept, gone) = (content_hash(b"kept"), content_hash(b"gone"));
        {
            let c = Cache::in_output(d.path());
            c.put(&kept, "epub", &png());
            c.put(&kept, "print 300", &png());
            c.put(&gone, "epub", &png());
        }
        std::fs::write(d.path().join(DIR).join(".part-x1"), b"cut off").unwrap();
        std::fs::write(d.path().join(DIR).join("README"), b"someone's").unwrap();
        assert_eq!(names(d.path()).len(), 5);

        // A later build of some outputs showed `kept` only (its EPUB copy): the print copy of
        // the same picture stays for the next PDF build; the other picture and the temporary
        // file go.
        let c = Cache::in_output(d.path());
        assert_eq!(c.get(&kept, "epub"), Some(png()));
        assert_eq!(c.prune(false), 2);
        let left = names(d.path());
        assert_eq!(left.len(), 3, "{left:?}");
        assert!(left.contains(&file_name(&kept, "print 300")));
        assert!(left.contains(&"README".to_string()));
        assert_eq!(c.get(&gone, "epub"), None);

        // A build of every output at another resolution: the old print copy goes too.
        let c = Cache::in_output(d.path());
        assert_eq!(c.get(&kept, "epub"), Some(png()));
        c.put(&kept, "print 600", &png());
        assert_eq!(c.prune(true), 1);
        assert_eq!(names(d.path()), {
            let mut v = vec![
                "README".to_string(),
                file_name(&kept, "epub"),
                file_name(&kept, "print 600"),
            ];
            v.sort();
            v
        });
    }

    #[test]
    fn a_picture_shown_as_it_is_keeps_its_other_copies_after_a_build_of_some_outputs() {
        let d = tempfile::tempdir().unwrap();
        let h = content_hash(b"source");
        Cache::in_output(d.path()).put(&h, "print 300", &png());
        let c = Cache::in_output(d.path());
        c.shown(&h);
        assert_eq!(c.prune(false), 0);
        assert_eq!(names(d.path()), [file_name(&h, "print 300")]);
        // Shown as it is by a build of every output, which wanted no print copy: it goes.
        let c = Cache::in_output(d.path());
        c.shown(&h);
        assert_eq!(c.prune(true), 1);
    }

    #[test]
    fn pruning_a_missing_cache_does_nothing() {
        let d = tempfile::tempdir().unwrap();
        assert_eq!(Cache::in_output(d.path()).prune(true), 0);
        assert!(!d.path().join(DIR).exists());
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
