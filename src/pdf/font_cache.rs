//! The output folder's font-program cache, `.bookpress-cache/fonts/`: each embedded font's
//! subset, compressed, as the PDF writer made it, named by a hash of what it was made from (the
//! font, the glyphs kept in their order, this binary, the font files' sizes and times). Making
//! the subset of a CJK font is most of the time of writing a short book's PDF; a rebuild that
//! uses the same glyphs of the same fonts takes the program from here.
//!
//! Like the other caches it holds only what a build can make again, may be deleted at any time,
//! and changes nothing in what a build writes: the program is the same bytes either way. An
//! entry that does not read back whole (cut off, edited) is ignored and made again.

use crate::output::sha256_of_parts;
use krilla::{FontProgramStore, FontProgramStoreRef};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The folder below the output folder.
pub const DIR: &str = ".bookpress-cache/fonts";

const MAGIC: &[u8; 16] = b"bookpress-fp-v1\n";

pub struct Cache {
    dir: PathBuf,
    salt: Vec<u8>,
    /// The entries this build used (for [`Cache::prune`]).
    used: Mutex<HashSet<String>>,
}

impl Cache {
    /// The cache of the output folder `out_dir` for a build with the font files `fonts`
    /// (path, face index); none when this binary or a font file cannot be told apart.
    pub fn in_output(out_dir: &Path, fonts: &[(PathBuf, u32)]) -> Option<Arc<Cache>> {
        let mut salt = crate::output::binary_identity()?.into_bytes();
        for (path, index) in fonts {
            // The fonts built into the binary are told apart by the binary.
            let line = if path.starts_with(crate::book::manifest::BUILTIN_FONT_DIR) {
                format!("\n{} {index}", path.display())
            } else {
                let meta = std::fs::metadata(path).ok()?;
                let modified = meta.modified().ok()?;
                let modified = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
                let (len, nanos) = (meta.len(), modified.as_nanos());
                format!("\n{} {index} {len} {nanos}", path.display())
            };
            salt.extend_from_slice(line.as_bytes());
        }
        Some(Arc::new(Cache {
            dir: out_dir.join(DIR),
            salt,
            used: Mutex::default(),
        }))
    }

    /// The cache as the PDF writer's store.
    pub fn store(self: &Arc<Self>) -> FontProgramStoreRef {
        FontProgramStoreRef(self.clone())
    }

    fn name(&self, key: &[u8]) -> String {
        let digest = sha256_of_parts(&[&self.salt, key]);
        format!("{}.bin", crate::pictures::cache::hex(&digest[..16]))
    }

    /// Removes the entries this build did not use, so the folder holds the programs of the
    /// last build only. Returns how many were removed.
    pub fn prune(&self) -> usize {
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return 0;
        };
        let mut removed = 0;
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let ours = name.ends_with(".bin") || name.starts_with(".part-");
            if ours && !used.contains(&name) && std::fs::remove_file(e.path()).is_ok() {
                removed += 1;
            }
        }
        removed
    }
}

impl FontProgramStore for Cache {
    fn load(&self, key: &[u8]) -> Option<Vec<u8>> {
        let name = self.name(key);
        let data = std::fs::read(self.dir.join(&name)).ok()?;
        self.used.lock().ok()?.insert(name);
        let rest = data.strip_prefix(MAGIC)?;
        let (sum, value) = rest.split_at_checked(16)?;
        (sha256_of_parts(&[value])[..16] == *sum).then(|| value.to_vec())
    }

    fn save(&self, key: &[u8], value: &[u8]) {
        let name = self.name(key);
        // A cache that cannot be written only costs the next build time.
        let sum = sha256_of_parts(&[value]);
        let parts = [&MAGIC[..], &sum[..16], value];
        if crate::output::write_whole(&self.dir.join(&name), ".part-", &parts).is_ok()
            && let Ok(mut used) = self.used.lock()
        {
            used.insert(name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(dir: &Path) -> Arc<Cache> {
        let font = dir.join("f.otf");
        std::fs::write(&font, b"font").unwrap();
        Cache::in_output(dir, &[(font, 0)]).unwrap()
    }

    #[test]
    fn a_saved_program_loads_back_and_a_damaged_one_does_not() {
        let d = tempfile::tempdir().unwrap();
        let c = cache(d.path());
        assert_eq!(c.load(b"k"), None);
        c.save(b"k", b"program");
        assert_eq!(c.load(b"k").as_deref(), Some(&b"program"[..]));
        assert_eq!(c.load(b"other"), None);
        let file = d.path().join(DIR).join(c.name(b"k"));
        let mut bytes = std::fs::read(&file).unwrap();
        *bytes.last_mut().unwrap() ^= 1;
        std::fs::write(&file, &bytes).unwrap();
        assert_eq!(c.load(b"k"), None, "a changed byte is caught");
        std::fs::write(&file, &bytes[..10]).unwrap();
        assert_eq!(c.load(b"k"), None, "a cut-off file is ignored");
    }

    #[test]
    fn another_font_file_or_a_pruned_entry_is_not_found() {
        let d = tempfile::tempdir().unwrap();
        cache(d.path()).save(b"k", b"program");
        // The font file changes size: every key changes.
        std::fs::write(d.path().join("f.otf"), b"a new font").unwrap();
        let font = d.path().join("f.otf");
        let c = Cache::in_output(d.path(), &[(font, 0)]).unwrap();
        assert_eq!(c.load(b"k"), None);
        // What this build did not use is removed; what it used stays.
        c.save(b"j", b"other");
        assert_eq!(c.prune(), 1);
        assert_eq!(c.load(b"j").as_deref(), Some(&b"other"[..]));
    }
}
