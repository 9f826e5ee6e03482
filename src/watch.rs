//! `bookpress watch`: rebuild whenever a file of the book changes.
//!
//! The book folder is watched recursively with notify (inotify on Linux, FSEvents on macOS,
//! ReadDirectoryChangesW on Windows). Events are debounced here: after a change, the rebuild
//! waits until the folder has been quiet for [`DEBOUNCE`], so that an editor's save — often a
//! write, a rename and a chmod — gives one rebuild. Only changes count, not reads (the build's
//! own reads would otherwise trigger the next build); changes inside the output folder (our own
//! writes) and in hidden files and folders (`.git`, editor swap files) are ignored. A build that
//! fails writes nothing (see [`crate::build`]), so the last good outputs stay in place.

use crate::diag::{Diagnostic, Result};
use notify::event::{EventKind, MetadataKind, ModifyKind};
use notify::{RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// How long the folder must be quiet before a rebuild starts.
pub const DEBOUNCE: Duration = Duration::from_millis(250);

/// Calls `rebuild` once, then again after every debounced batch of changes to the book in
/// `dir` that are not under `out_dir`, with the files changed. Runs until `rebuild` returns
/// `false` or the watch fails.
pub fn watch(
    dir: &Path,
    out_dir: &Path,
    mut rebuild: impl FnMut(&[PathBuf]) -> bool,
) -> Result<()> {
    let root = dir.canonicalize().map_err(|e| {
        Diagnostic::error(format!(
            "cannot watch the book folder: {}",
            crate::book::assets::io_reason(&e)
        ))
        .in_file(dir)
    })?;
    let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = notify::recommended_watcher(tx).map_err(watch_error)?;
    watcher
        .watch(&root, RecursiveMode::Recursive)
        .map_err(watch_error)?;
    if !rebuild(&[]) {
        return Ok(());
    }
    loop {
        // Wait for a change, then gather until the folder is quiet.
        let mut changed = Vec::new();
        let mut timeout = None;
        loop {
            let event = match timeout {
                None => match rx.recv() {
                    Ok(e) => e,
                    Err(_) => return Ok(()),
                },
                Some(t) => match rx.recv_timeout(t) {
                    Ok(e) => e,
                    Err(mpsc::RecvTimeoutError::Timeout) => break,
                    Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
                },
            };
            let event = event.map_err(watch_error)?;
            if !is_change(&event.kind) {
                continue;
            }
            // The output folder may be created by the first build: resolve it each time.
            let out = out_dirs(out_dir);
            let before = changed.len();
            changed.extend(event.paths.into_iter().filter(|p| relevant(&root, &out, p)));
            if changed.len() > before {
                timeout = Some(DEBOUNCE);
            }
        }
        changed.sort();
        changed.dedup();
        if !rebuild(&changed) {
            return Ok(());
        }
    }
}

fn watch_error(e: notify::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot watch the book folder for changes: {e}")).hint(
        "on Linux, raise fs.inotify.max_user_watches if the limit is reached; or run \
         `bookpress build` by hand",
    )
}

/// Whether an event changes a file (not a read, an open or an access-time update).
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        EventKind::Modify(_) => true,
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    }
}

/// The output folder as written and as resolved (the watcher reports canonical paths).
fn out_dirs(out_dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    if let Ok(abs) = std::path::absolute(out_dir) {
        v.push(abs);
    }
    if let Ok(canon) = out_dir.canonicalize() {
        v.push(canon);
    }
    v
}

/// Whether a change at `path` should rebuild: inside the book folder, not in the output folder,
/// not hidden (`.git/…`, `.a.md.swp`) and not an editor backup (`a.md~`).
fn relevant(root: &Path, out: &[PathBuf], path: &Path) -> bool {
    if out.iter().any(|o| path.starts_with(o)) {
        return false;
    }
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    !rel.components().any(|c| {
        let s = c.as_os_str().to_string_lossy();
        s.starts_with('.') || s.ends_with('~')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, DataChange};

    #[test]
    fn output_hidden_and_backup_files_do_not_rebuild() {
        let root = Path::new("/b");
        let out = [PathBuf::from("/b/out")];
        assert!(relevant(root, &out, Path::new("/b/01.md")));
        assert!(relevant(root, &out, Path::new("/b/images/fig.jpg")));
        assert!(!relevant(root, &out, Path::new("/b/out/b.pdf")));
        assert!(!relevant(root, &out, Path::new("/b/.git/index")));
        assert!(!relevant(root, &out, Path::new("/b/.01.md.swp")));
        assert!(!relevant(root, &out, Path::new("/b/01.md~")));
        assert!(!relevant(root, &out, Path::new("/elsewhere/01.md")));
    }

    #[test]
    fn reads_do_not_rebuild() {
        assert!(is_change(&EventKind::Create(CreateKind::File)));
        assert!(is_change(&EventKind::Modify(ModifyKind::Data(
            DataChange::Content
        ))));
        assert!(!is_change(&EventKind::Access(AccessKind::Read)));
        assert!(!is_change(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::AccessTime
        ))));
    }
}
