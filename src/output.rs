//! Writing output files so that a failed build never leaves a half-written file behind.

use crate::book::assets::io_reason;
use crate::diag::{Diagnostic, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Creates the output folder (and its parents) or says clearly why it cannot.
pub fn prepare_dir(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(Diagnostic::error("the output path is a file, not a folder")
            .in_file(dir)
            .hint("choose another folder with -o, or remove the file")
            .into());
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        Diagnostic::error(format!(
            "cannot create the output folder: {}",
            io_reason(&e)
        ))
        .in_file(dir)
        .hint("choose a writable folder with -o")
    })?;
    Ok(())
}

/// A file written under a temporary name beside its final one, renamed into place by
/// [`Staged::commit`]. Dropped without committing, it removes itself.
pub struct Staged {
    temp: tempfile::NamedTempFile,
    target: PathBuf,
}

impl Staged {
    /// Writes `bytes` to a temporary file in `target`'s folder.
    pub fn write(target: &Path, bytes: &[u8]) -> Result<Staged> {
        let dir = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let fail = |e: std::io::Error| {
            Diagnostic::error(format!("cannot write the output: {}", io_reason(&e)))
                .in_file(target)
                .hint("check that the output folder is writable and the disk is not full")
        };
        let mut temp = tempfile::Builder::new()
            .prefix(".bookpress-")
            .suffix(".part")
            .tempfile_in(dir)
            .map_err(fail)?;
        temp.write_all(bytes).map_err(fail)?;
        temp.as_file().sync_all().map_err(fail)?;
        Ok(Staged {
            temp,
            target: target.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        self.temp.path()
    }

    /// Renames the temporary file to its final name, replacing an older output.
    pub fn commit(self) -> Result<PathBuf> {
        let target = self.target;
        let file = self.temp.persist(&target).map_err(|e| {
            Diagnostic::error(format!(
                "cannot move the output into place: {}",
                io_reason(&e.error)
            ))
            .in_file(&target)
        })?;
        drop(file);
        // The default mode of a temp file is 0600; outputs are for sharing.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644));
        }
        Ok(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_renames_and_drop_cleans_up() {
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("a.epub");
        let s = Staged::write(&target, b"one").unwrap();
        assert!(!target.exists());
        let temp = s.path().to_path_buf();
        drop(s);
        assert!(!temp.exists(), "an uncommitted file must not stay behind");
        Staged::write(&target, b"two").unwrap().commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    }

    #[test]
    fn output_path_that_is_a_file_is_a_clear_error() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("out");
        std::fs::write(&f, b"x").unwrap();
        let e = prepare_dir(&f).unwrap_err();
        assert!(e.first().message.contains("is a file"), "{e}");
    }
}
