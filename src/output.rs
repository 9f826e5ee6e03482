//! Writing output files all or none: a build never leaves a half-written file, nor the new EPUB
//! beside the old PDF.
//!
//! A build holds an exclusive lock on its output folder ([`OutputDir`]); each output is staged
//! under a temporary name ([`Staged`]); [`OutputDir::commit`] moves the old files aside, renames
//! the new ones into place and only then drops the old ones. A journal written before the first
//! rename lets the next build (or the failing one) put the old files back if the process dies in
//! between; staged files of killed builds are removed under the lock, and on SIGINT/SIGTERM by
//! [`remove_staged_on_signal`].

use crate::book::assets::io_reason;
use crate::diag::{Diagnostic, Result};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Staged files not yet committed or dropped, for the signal handler to remove.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

const PREFIX: &str = ".bookpress-";
#[cfg_attr(unix, allow(dead_code))]
const LOCK: &str = ".bookpress.lock";
const JOURNAL: &str = ".bookpress-commit";

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

/// On SIGINT, SIGTERM or SIGHUP: remove the staged files of the build under way, then exit
/// with 130. Installed once by the command-line tool.
pub fn remove_staged_on_signal() {
    let _ = ctrlc::set_handler(|| {
        // Waits for a commit in progress, which holds the list, to finish.
        let live = LIVE.lock().unwrap_or_else(|p| p.into_inner());
        for p in live.iter() {
            let _ = std::fs::remove_file(p);
        }
        std::process::exit(130);
    });
}

/// Each output's file name and the name its previous version is set aside under, if it had one.
type Plan = Vec<(String, Option<String>)>;

/// An output folder held for one build: other builds into it wait until this one is done.
pub struct OutputDir {
    dir: PathBuf,
    /// The advisory lock (see [`lock_handle`]); the system releases it when the process ends,
    /// however it ends.
    _lock: File,
}

impl OutputDir {
    /// Creates and locks `dir`, then repairs what a killed build left: an unfinished commit is
    /// rolled back, stale staged files are removed.
    pub fn open(dir: &Path) -> Result<OutputDir> {
        prepare_dir(dir)?;
        let fail = |what: &str, e: std::io::Error| {
            Diagnostic::error(format!(
                "cannot {what} the output folder: {}",
                io_reason(&e)
            ))
            .in_file(dir)
            .hint("choose a writable folder with -o")
        };
        let lock = lock_handle(dir).map_err(|e| fail("lock", e))?;
        lock.lock().map_err(|e| fail("lock", e))?;
        let out = OutputDir {
            dir: dir.to_path_buf(),
            _lock: lock,
        };
        out.roll_back().map_err(|e| fail("repair", e))?;
        out.remove_stale().map_err(|e| fail("clean", e))?;
        Ok(out)
    }

    /// Stages `bytes` as `name` inside this folder.
    /// The folder itself (for its `.bookpress-cache/`, which the commit leaves alone: only
    /// the outputs' own names and `.bookpress-*` files directly in the folder are touched).
    pub fn path(&self) -> &Path {
        &self.dir
    }

    pub fn stage(&self, name: &Path, bytes: &[u8]) -> Result<Staged> {
        Staged::write(&self.dir.join(name), bytes)
    }

    /// Writes the journal of a commit of outputs named `names` (in the order they will be
    /// staged) now, synced, so that its sync waits beside the work that makes the outputs
    /// instead of inside [`OutputDir::commit_journaled`]. A journal with no commit behind it
    /// is harmless: rolling it back finds no file set aside, and a name planned as new is
    /// still free (this build holds the folder's lock). When it cannot be written, the commit
    /// writes its own and reports what stands in the way. Dropped without a commit, it
    /// removes itself.
    pub fn journal_ahead(&self, names: &[PathBuf]) -> Journal {
        let names: Vec<String> = names.iter().map(|n| file_name(n)).collect();
        let path = self.dir.join(JOURNAL);
        LIVE.lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(path.clone());
        // Registered first, so that what is written is removed however this ends.
        let mut journal = Journal { path, plan: None };
        journal.plan = self.plan_names(&names).ok().filter(|plan| {
            // A journal half written is removed with `journal` when it is dropped.
            self.write_journal(plan).is_ok()
        });
        journal
    }

    /// Puts every staged file in place, or none: when any step fails the previous outputs are
    /// back as they were and the error says which file failed.
    pub fn commit(&self, staged: Vec<Staged>) -> Result<Vec<PathBuf>> {
        self.commit_with(staged, None)
    }

    /// [`OutputDir::commit`] with the journal written by [`OutputDir::journal_ahead`]: when it
    /// planned what the staged files need (the same names, the same old files), it is not
    /// written again; otherwise it is rewritten first, as by `commit`.
    pub fn commit_journaled(&self, staged: Vec<Staged>, journal: Journal) -> Result<Vec<PathBuf>> {
        self.commit_with(staged, Some(journal))
    }

    fn commit_with(&self, staged: Vec<Staged>, ahead: Option<Journal>) -> Result<Vec<PathBuf>> {
        let mut live = LIVE.lock().unwrap_or_else(|p| p.into_inner());
        let temps: Vec<PathBuf> = staged.iter().map(|s| s.path().to_path_buf()).collect();
        let moved = self.plan(&staged).and_then(|plan| {
            if ahead.as_ref().and_then(|j| j.plan.as_ref()) != Some(&plan) {
                self.write_journal(&plan)?;
            }
            Ok((self.swap(&plan, staged)?, plan))
        });
        let journal = self.dir.join(JOURNAL);
        live.retain(|p| !temps.contains(p) && *p != journal);
        // From here the journal is the commit's: removed at its end below, or by a roll-back.
        if let Some(mut j) = ahead {
            j.path = PathBuf::new();
        }
        match moved {
            Ok((files, plan)) => {
                // The commit point: without the journal, the old files are only leftovers.
                let _ = std::fs::remove_file(self.dir.join(JOURNAL));
                for (_, old) in &plan {
                    if let Some(old) = old {
                        let _ = std::fs::remove_file(self.dir.join(old));
                    }
                }
                Ok(files)
            }
            Err((target, e)) => {
                let _ = self.roll_back();
                Err(Diagnostic::error(format!(
                    "cannot move the output into place: {}; the previous outputs are kept",
                    io_reason(&e)
                ))
                .in_file(target)
                .hint("check that nothing else (a folder, a file opened elsewhere) has that name")
                .into())
            }
        }
    }

    /// For each staged file: its final name, and the name its old version is moved aside to.
    /// A name taken by anything but a file (a folder, a link) is refused before anything moves.
    fn plan(&self, staged: &[Staged]) -> std::result::Result<Plan, (PathBuf, std::io::Error)> {
        let names: Vec<String> = staged.iter().map(|s| file_name(&s.target)).collect();
        self.plan_names(&names)
    }

    fn plan_names(&self, names: &[String]) -> std::result::Result<Plan, (PathBuf, std::io::Error)> {
        let mut plan = Vec::with_capacity(names.len());
        for (i, name) in names.iter().cloned().enumerate() {
            let path = self.dir.join(&name);
            let old = match std::fs::symlink_metadata(&path) {
                Ok(m) if m.file_type().is_file() => Some(format!("{PREFIX}{i}.old")),
                Ok(_) => {
                    let why = std::io::Error::other("the name is taken by a folder or a link");
                    return Err((path, why));
                }
                Err(_) => None,
            };
            plan.push((name, old));
        }
        Ok(plan)
    }

    /// One line per output, `name<TAB>old name` or `name<TAB>` when there was none, on disk
    /// before anything is renamed.
    fn write_journal(
        &self,
        plan: &[(String, Option<String>)],
    ) -> std::result::Result<(), (PathBuf, std::io::Error)> {
        let path = self.dir.join(JOURNAL);
        let text: String = plan
            .iter()
            .map(|(name, old)| format!("{name}\t{}\n", old.as_deref().unwrap_or("")))
            .collect();
        let write = || -> std::io::Result<()> {
            let mut f = File::create(&path)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()
        };
        write().map_err(|e| (path.clone(), e))
    }

    /// Moves the old outputs aside, then the staged ones into place.
    fn swap(
        &self,
        plan: &Plan,
        staged: Vec<Staged>,
    ) -> std::result::Result<Vec<PathBuf>, (PathBuf, std::io::Error)> {
        for (name, old) in plan {
            if let Some(old) = old {
                let from = self.dir.join(name);
                std::fs::rename(&from, self.dir.join(old)).map_err(|e| (from, e))?;
            }
        }
        let mut files = Vec::with_capacity(staged.len());
        for s in staged {
            files.push(s.persist()?);
        }
        Ok(files)
    }

    /// Undoes an unfinished commit recorded in the journal: each new file is removed and each
    /// old one put back. Without a journal there is nothing to undo.
    fn roll_back(&self) -> std::io::Result<()> {
        let journal = self.dir.join(JOURNAL);
        let text = match std::fs::read_to_string(&journal) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        let plain = |n: &str| !n.is_empty() && !n.contains(['/', '\\']) && n != "..";
        for (name, old) in text.lines().filter_map(|l| l.split_once('\t')) {
            if !plain(name) {
                continue;
            }
            let target = self.dir.join(name);
            if plain(old) {
                if self.dir.join(old).is_file() {
                    std::fs::rename(self.dir.join(old), &target)?;
                }
            } else if old.is_empty() && target.is_file() {
                // There was no old file: what is there now can only be a new one.
                std::fs::remove_file(&target)?;
            }
        }
        std::fs::remove_file(journal)
    }

    /// Staged and set-aside files of builds that did not finish (none is running: we hold
    /// the lock).
    fn remove_stale(&self) -> std::io::Result<()> {
        for entry in std::fs::read_dir(&self.dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let stale =
                name.starts_with(PREFIX) && (name.ends_with(".part") || name.ends_with(".old"));
            if stale && entry.file_type()?.is_file() {
                std::fs::remove_file(entry.path())?;
            }
        }
        Ok(())
    }
}

/// A commit's journal written ahead ([`OutputDir::journal_ahead`]), waiting for its commit.
pub struct Journal {
    /// Empty once the commit has taken it over.
    path: PathBuf,
    /// What was written, `None` if it could not be.
    plan: Option<Plan>,
}

impl Drop for Journal {
    fn drop(&mut self) {
        if self.path.as_os_str().is_empty() {
            return;
        }
        let _ = std::fs::remove_file(&self.path);
        forget_live(&self.path);
    }
}

/// What the lock is taken on: the folder itself where the system allows it (flock on a
/// directory, so nothing is added to the folder), else a `.bookpress.lock` file in it.
fn lock_handle(dir: &Path) -> std::io::Result<File> {
    #[cfg(unix)]
    {
        File::open(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(LOCK))
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A file written under a temporary name beside its final one, renamed into place by
/// [`Staged::commit`] (or [`OutputDir::commit`] with others). Dropped without committing, it
/// removes itself.
pub struct Staged {
    /// `None` once persisted.
    temp: Option<tempfile::NamedTempFile>,
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
        let mut temp = temp_builder().tempfile_in(dir).map_err(fail)?;
        LIVE.lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(temp.path().to_path_buf());
        temp.write_all(bytes).map_err(fail)?;
        temp.as_file().sync_all().map_err(fail)?;
        Ok(Staged {
            temp: Some(temp),
            target: target.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        self.temp.as_ref().map_or(Path::new(""), |t| t.path())
    }

    /// Renames the temporary file to its final name, replacing an older output.
    pub fn commit(self) -> Result<PathBuf> {
        self.persist().map_err(|(target, e)| {
            Diagnostic::error(format!(
                "cannot move the output into place: {}",
                io_reason(&e)
            ))
            .in_file(&target)
            .into()
        })
    }

    fn persist(mut self) -> std::result::Result<PathBuf, (PathBuf, std::io::Error)> {
        let target = std::mem::take(&mut self.target);
        let Some(temp) = self.temp.take() else {
            return Ok(target);
        };
        let temp_path = temp.path().to_path_buf();
        let done = temp.persist(&target);
        forget_live(&temp_path);
        match done {
            Ok(_) => Ok(target),
            Err(e) => {
                // Not renamed: the staged file goes, as on drop.
                let _ = std::fs::remove_file(&temp_path);
                Err((target, e.error))
            }
        }
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Some(t) = &self.temp {
            forget_live(t.path());
        }
    }
}

fn forget_live(p: &Path) {
    // `try_lock`: a commit holding the list already took care of its own files.
    if let Ok(mut live) = LIVE.try_lock() {
        live.retain(|q| q != p);
    }
}

/// Temporary files made with mode 0666, so the system's umask decides what the output's is (as
/// for any file the user's programs write), not tempfile's private 0600.
pub fn temp_builder() -> tempfile::Builder<'static, 'static> {
    let mut b = tempfile::Builder::new();
    b.prefix(PREFIX).suffix(".part");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    b
}

/// What tells this binary from another for the output folder's caches: the version, the
/// executable's size and modification time. `None` when they cannot be read (no cache then:
/// a rebuilt binary must never read what an older one stored).
pub fn binary_identity() -> Option<String> {
    let exe = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
    let modified = exe
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(format!(
        "{} {} {}",
        env!("CARGO_PKG_VERSION"),
        exe.len(),
        modified.as_nanos()
    ))
}

/// Writes `parts` one after the other to `path` through a temporary file beside it (named
/// `prefix`…) renamed into place, making its folder first: a reader finds the old file or the
/// whole new one. For the output folder's caches, which a build refills.
pub fn write_whole(path: &Path, prefix: &str, parts: &[&[u8]]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new().prefix(prefix).tempfile_in(dir)?;
    for part in parts {
        tmp.write_all(part)?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The SHA-256 of `parts`, each preceded by its length (so that no two lists of parts give
/// the same bytes): the caches' keys.
pub fn sha256_of_parts(parts: &[&[u8]]) -> [u8; 32] {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for part in parts {
        ctx.update(&(part.len() as u64).to_le_bytes());
        ctx.update(part);
    }
    let mut out = [0; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != LOCK)
            .collect();
        v.sort();
        v
    }

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

    #[test]
    fn a_failed_rename_puts_every_old_output_back() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("b.epub"), b"old epub").unwrap();
        // The PDF's name is taken by a folder that is not empty: its rename must fail.
        std::fs::create_dir_all(d.path().join("b.pdf/x")).unwrap();
        let out = OutputDir::open(d.path()).unwrap();
        let staged = vec![
            out.stage(Path::new("b.epub"), b"new epub").unwrap(),
            out.stage(Path::new("b.pdf"), b"new pdf").unwrap(),
        ];
        let err = out.commit(staged).unwrap_err();
        assert!(
            err.first().message.contains("previous outputs are kept"),
            "{err}"
        );
        assert_eq!(std::fs::read(d.path().join("b.epub")).unwrap(), b"old epub");
        assert_eq!(
            names(d.path()),
            ["b.epub", "b.pdf"],
            "nothing staged is left"
        );
    }

    #[test]
    fn a_commit_cut_off_half_way_is_rolled_back_by_the_next_build() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path();
        // As a build killed between its two renames leaves it: the EPUB is new, the old one
        // is aside, the PDF (new to the folder) is in place, the journal says so.
        std::fs::write(dir.join("c.epub"), b"new epub").unwrap();
        std::fs::write(dir.join(".bookpress-0.old"), b"old epub").unwrap();
        std::fs::write(dir.join("c.pdf"), b"new pdf").unwrap();
        std::fs::write(dir.join(".bookpress-x1.part"), b"half").unwrap();
        std::fs::write(dir.join(JOURNAL), "c.epub\t.bookpress-0.old\nc.pdf\t\n").unwrap();
        drop(OutputDir::open(dir).unwrap());
        assert_eq!(std::fs::read(dir.join("c.epub")).unwrap(), b"old epub");
        assert_eq!(names(dir), ["c.epub"]);
    }

    #[test]
    fn committing_a_set_replaces_all_and_leaves_nothing_aside() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("e.epub"), b"1").unwrap();
        let out = OutputDir::open(d.path()).unwrap();
        let staged = vec![
            out.stage(Path::new("e.epub"), b"2").unwrap(),
            out.stage(Path::new("e.pdf"), b"2").unwrap(),
        ];
        out.commit(staged).unwrap();
        assert_eq!(names(d.path()), ["e.epub", "e.pdf"]);
        assert_eq!(std::fs::read(d.path().join("e.epub")).unwrap(), b"2");
    }

    #[test]
    fn a_journal_written_ahead_serves_the_commit_and_goes_with_it() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("f.epub"), b"1").unwrap();
        let out = OutputDir::open(d.path()).unwrap();
        let journal = out.journal_ahead(&[PathBuf::from("f.epub"), PathBuf::from("f.pdf")]);
        assert_eq!(
            std::fs::read_to_string(d.path().join(JOURNAL)).unwrap(),
            "f.epub\t.bookpress-0.old\nf.pdf\t\n"
        );
        let staged = vec![
            out.stage(Path::new("f.epub"), b"2").unwrap(),
            out.stage(Path::new("f.pdf"), b"2").unwrap(),
        ];
        out.commit_journaled(staged, journal).unwrap();
        assert_eq!(names(d.path()), ["f.epub", "f.pdf"]);
        assert_eq!(std::fs::read(d.path().join("f.epub")).unwrap(), b"2");
    }

    #[test]
    fn a_journal_ahead_that_planned_other_names_still_commits_all() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("g.pdf"), b"1").unwrap();
        let out = OutputDir::open(d.path()).unwrap();
        // Planned for the EPUB only; the PDF, which had an old version, is staged too.
        let journal = out.journal_ahead(&[PathBuf::from("g.epub")]);
        let staged = vec![
            out.stage(Path::new("g.epub"), b"2").unwrap(),
            out.stage(Path::new("g.pdf"), b"2").unwrap(),
        ];
        out.commit_journaled(staged, journal).unwrap();
        assert_eq!(names(d.path()), ["g.epub", "g.pdf"]);
        assert_eq!(std::fs::read(d.path().join("g.pdf")).unwrap(), b"2");
    }

    #[test]
    fn a_journal_ahead_without_its_commit_changes_nothing() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path();
        std::fs::write(dir.join("h.epub"), b"old").unwrap();
        let names_ahead = [PathBuf::from("h.epub"), PathBuf::from("h.pdf")];
        let out = OutputDir::open(dir).unwrap();
        // A build that fails before its commit: the journal goes with it.
        drop(out.journal_ahead(&names_ahead));
        assert_eq!(names(dir), ["h.epub"]);
        // A build killed before its commit leaves the journal: the next one finds nothing to
        // undo, and the old output stays.
        std::mem::forget(out.journal_ahead(&names_ahead));
        forget_live(&dir.join(JOURNAL));
        drop(out);
        drop(OutputDir::open(dir).unwrap());
        assert_eq!(names(dir), ["h.epub"]);
        assert_eq!(std::fs::read(dir.join("h.epub")).unwrap(), b"old");
    }

    #[cfg(unix)]
    #[test]
    fn outputs_take_the_umask_mode() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let t = d.path().join("m.pdf");
        Staged::write(&t, b"x").unwrap().commit().unwrap();
        let mode = std::fs::metadata(&t).unwrap().permissions().mode() & 0o777;
        // Whatever the umask is, the file is as a plain `File::create` would make it.
        let probe = d.path().join("probe");
        File::create(&probe).unwrap();
        let expect = std::fs::metadata(&probe).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, expect);
    }
}
