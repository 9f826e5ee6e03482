//! Reading the files a book names through an open handle on its folder.
//!
//! A path that is checked and later opened by name can be redirected in between (a section
//! swapped for a symlink to `/etc/passwd` while a build runs). So every file the book names is
//! opened relative to a directory handle of the book folder with cap-std, which resolves each
//! component beneath that handle (`openat2(RESOLVE_BENEATH)` where the kernel has it, a
//! component-by-component walk elsewhere) and refuses any symlink or `..` that leads out,
//! whenever it is swapped in. Symlinks that stay inside the folder are followed.
//!
//! Only regular files are read: every file is opened with `O_NONBLOCK` (so a FIFO cannot block
//! the open), its type is taken from the opened handle (`fstat`), and at most the cap of its
//! [`Kind`] is read, so a device, a FIFO or a file that grows while it is read cannot hang a
//! build or fill memory.

use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// What a file is to the book: each kind has its own size cap, named in the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Manifest,
    Summary,
    Section,
    Include,
    Picture,
    Font,
    /// The PDF given to `bookpress impose`.
    Pdf,
}

impl Kind {
    /// The largest file of this kind that is read, in bytes.
    pub const fn limit(self) -> u64 {
        const MB: u64 = 1024 * 1024;
        match self {
            Kind::Manifest => MB,
            Kind::Summary => 4 * MB,
            // A book's section is a few hundred KB; see MAX_SECTION_BYTES for its worst case.
            Kind::Section => crate::book::MAX_SECTION_BYTES,
            Kind::Include => crate::book::include::MAX_INCLUDE_BYTES,
            Kind::Picture => crate::book::assets::MAX_IMAGE_BYTES,
            // Fonts are mapped, not copied; the largest CJK collections are about 120 MB.
            Kind::Font => 512 * MB,
            Kind::Pdf => 1024 * MB,
        }
    }

    /// How messages call a file of this kind.
    pub const fn noun(self) -> &'static str {
        match self {
            Kind::Manifest => "book.toml",
            Kind::Summary => "SUMMARY.md",
            Kind::Section => "section",
            Kind::Include => "included file",
            Kind::Picture => "picture",
            Kind::Font => "font file",
            Kind::Pdf => "PDF",
        }
    }
}

/// Why a file was not read, worded to follow the file's name: "`a.md` is a FIFO, not a file".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal(pub String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An open handle on a book folder; every read of the book's files goes through it.
#[derive(Debug)]
pub struct BookDir {
    path: PathBuf,
    dir: cap_std::fs::Dir,
}

impl BookDir {
    /// Opens the folder `dir` (the one place its path is resolved).
    pub fn open(dir: &Path) -> std::io::Result<BookDir> {
        let path = dir.canonicalize()?;
        let handle = cap_std::fs::Dir::open_ambient_dir(&path, cap_std::ambient_authority())?;
        register_root(&path);
        Ok(BookDir { path, dir: handle })
    }

    /// The folder's canonical path, for messages and for paths given to other programs.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens `rel` (relative to the folder, `/`-separated) as a regular file of `kind`.
    pub fn open_file(&self, rel: &str, kind: Kind) -> Result<std::fs::File, Refusal> {
        let rel = relative(rel)?;
        let mut opts = cap_std::fs::OpenOptions::new();
        opts.read(true);
        nonblocking(&mut opts);
        let file = self
            .dir
            .open_with(&rel, &opts)
            .map_err(|e| Refusal(open_reason(&e)))?
            .into_std();
        check_regular(&file, kind)?;
        Ok(file)
    }

    /// The whole of `rel`, read as a regular file of `kind` within its cap.
    pub fn read(&self, rel: &str, kind: Kind) -> Result<Vec<u8>, Refusal> {
        read_capped(self.open_file(rel, kind)?, kind)
    }

    /// Whether `rel` is a regular file inside the folder.
    pub fn is_file(&self, rel: &str) -> bool {
        relative(rel).is_ok_and(|r| self.dir.metadata(r).is_ok_and(|m| m.is_file()))
    }

    /// Replaces the regular file `rel` with `bytes`, entirely or not at all, without a path
    /// being resolved again: a symlink is followed to its target once, through this handle
    /// (a target outside the folder is refused as [`BookDir::open_file`] refuses it), the new
    /// text is written to a fresh file beside the target, in the target's folder opened through
    /// this handle, and renamed over it within that folder handle. A link swapped in meanwhile
    /// is replaced itself (a rename does not follow it) and never written through. The file
    /// keeps its mode. Returns the path of what was rewritten, relative to the folder.
    pub fn replace(&self, rel: &str, bytes: &[u8]) -> Result<PathBuf, Refusal> {
        use std::io::Write as _;
        let rel = relative(rel)?;
        let why = |e: std::io::Error| Refusal(open_reason(&e));
        let target = self.dir.canonicalize(&rel).map_err(why)?;
        let (Some(name), parent) = (target.file_name(), target.parent()) else {
            return Err(Refusal("is not a file".into()));
        };
        let folder = match parent.filter(|p| !p.as_os_str().is_empty()) {
            Some(p) => self.dir.open_dir(p).map_err(why)?,
            None => self.dir.try_clone().map_err(why)?,
        };
        let old = folder
            .open_with(name, cap_std::fs::OpenOptions::new().read(true))
            .map_err(why)?
            .into_std();
        check_regular(&old, Kind::Section)?;
        let perms = old.metadata().map_err(why)?.permissions();
        drop(old);
        let mut opts = cap_std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        let (temp, mut file) = (0..100)
            .find_map(|n| {
                let temp = format!(
                    ".{}.bookpress-fix-{}-{n}.part",
                    name.to_string_lossy(),
                    std::process::id()
                );
                folder
                    .open_with(&temp, &opts)
                    .ok()
                    .map(|f| (temp, f.into_std()))
            })
            .ok_or_else(|| {
                Refusal("could not be written (no temporary file could be made beside it)".into())
            })?;
        let written = file
            .write_all(bytes)
            .and_then(|()| file.set_permissions(perms))
            .and_then(|()| file.sync_all())
            .and_then(|()| folder.rename(&temp, &folder, name));
        if let Err(e) = written {
            let _ = folder.remove_file(&temp);
            return Err(Refusal(format!("could not be written ({e})")));
        }
        Ok(target)
    }

    /// When `rel` was last modified, if it is a file inside the folder.
    pub fn modified(&self, rel: &str) -> Option<std::time::SystemTime> {
        let m = self.dir.metadata(relative(rel).ok()?).ok()?;
        Some(m.modified().ok()?.into_std())
    }
}

/// Opens a file outside any book (a font named by an absolute path, the PDF given to `impose`)
/// as a regular file of `kind`. A path under a book folder opened by this process is opened
/// through that folder, so that it stays confined to it.
pub fn open_path(path: &Path, kind: Kind) -> Result<std::fs::File, Refusal> {
    if let Some((root, rel)) = registered_root_of(path) {
        let dir = BookDir::open(&root).map_err(|e| Refusal(open_reason(&e)))?;
        return dir.open_file(&rel, kind);
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(path).map_err(|e| Refusal(open_reason(&e)))?;
    check_regular(&file, kind)?;
    Ok(file)
}

/// The whole of the file at `path`, as [`open_path`] opens it, within the cap of `kind`.
pub fn read_path(path: &Path, kind: Kind) -> Result<Vec<u8>, Refusal> {
    read_capped(open_path(path, kind)?, kind)
}

#[cfg(unix)]
fn nonblocking(opts: &mut cap_std::fs::OpenOptions) {
    use cap_std::fs::OpenOptionsExt;
    opts.custom_flags(libc::O_NONBLOCK);
}

#[cfg(not(unix))]
fn nonblocking(_: &mut cap_std::fs::OpenOptions) {}

/// Refuses anything but a regular file, by the type of the opened handle, and files over the
/// cap of `kind`.
fn check_regular(file: &std::fs::File, kind: Kind) -> Result<(), Refusal> {
    let meta = file
        .metadata()
        .map_err(|e| Refusal(format!("cannot be read: {e}")))?;
    if !meta.is_file() {
        return Err(Refusal(format!(
            "is {}, not a file",
            file_type_name(&meta.file_type())
        )));
    }
    too_large(meta.len(), kind)
}

fn too_large(len: u64, kind: Kind) -> Result<(), Refusal> {
    if len <= kind.limit() {
        return Ok(());
    }
    Err(Refusal(format!(
        "is {}, over the limit of {} for a {}",
        size_text(len),
        size_text(kind.limit()),
        kind.noun()
    )))
}

/// Reads at most one byte past the cap, so a file that grows while it is read is refused too.
fn read_capped(file: std::fs::File, kind: Kind) -> Result<Vec<u8>, Refusal> {
    let mut data = Vec::new();
    file.take(kind.limit() + 1)
        .read_to_end(&mut data)
        .map_err(|e| Refusal(format!("cannot be read: {}", super::assets::io_reason(&e))))?;
    too_large(data.len() as u64, kind)?;
    Ok(data)
}

/// `rel` as a relative path of plain components; anything else was refused earlier by
/// `assets::confine` with a better message, so this only guards the handle.
fn relative(rel: &str) -> Result<PathBuf, Refusal> {
    let p = Path::new(rel);
    if rel.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(Refusal("is not a path inside the book folder".into()));
    }
    Ok(p.to_path_buf())
}

fn open_reason(e: &std::io::Error) -> String {
    #[cfg(unix)]
    let cross = e.raw_os_error() == Some(libc::EXDEV) || e.raw_os_error() == Some(libc::ELOOP);
    #[cfg(not(unix))]
    let cross = false;
    if cross || e.to_string().contains("outside") {
        return "is a link that leads out of the book folder".into();
    }
    format!("cannot be read: {}", super::assets::io_reason(e))
}

fn file_type_name(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    if t.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

fn size_text(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB {
        format!("{} MB", bytes.div_ceil(MB))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// Book folders this process has opened, so that a font path under one (book.toml's relative
/// font paths are joined to the folder) is opened through the folder and stays confined.
static ROOTS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn register_root(root: &Path) {
    let mut roots = ROOTS.lock().unwrap_or_else(|e| e.into_inner());
    if !roots.iter().any(|r| r == root) {
        roots.push(root.to_path_buf());
    }
}

/// The innermost registered book folder holding `path`, and `path` relative to it.
fn registered_root_of(path: &Path) -> Option<(PathBuf, String)> {
    let roots = ROOTS.lock().unwrap_or_else(|e| e.into_inner());
    let root = roots
        .iter()
        .filter(|r| path.starts_with(r))
        .max_by_key(|r| r.components().count())?
        .clone();
    let mut rel: Vec<String> = Vec::new();
    for c in path.strip_prefix(&root).ok()?.components() {
        match c {
            Component::Normal(x) => rel.push(x.to_str()?.to_string()),
            Component::CurDir => {}
            // `fonts/../../x`: the folder's handle refuses what leaves it.
            _ => return Some((root, "..".into())),
        }
    }
    Some((root, rel.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> (tempfile::TempDir, BookDir) {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("a.md"), "你好").unwrap();
        let dir = BookDir::open(d.path()).unwrap();
        (d, dir)
    }

    #[test]
    fn reads_files_inside_and_follows_links_that_stay_inside() {
        let (d, dir) = book();
        assert_eq!(dir.read("a.md", Kind::Section).unwrap(), "你好".as_bytes());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("a.md", d.path().join("b.md")).unwrap();
            assert!(dir.read("b.md", Kind::Section).is_ok());
        }
        assert!(dir.is_file("a.md") && !dir.is_file("nope.md"));
    }

    #[cfg(unix)]
    #[test]
    fn refuses_links_out_fifos_devices_and_folders() {
        let (d, dir) = book();
        let outside = tempfile::NamedTempFile::new().unwrap();
        std::os::unix::fs::symlink(outside.path(), d.path().join("out.md")).unwrap();
        let e = dir.read("out.md", Kind::Section).unwrap_err();
        assert!(e.0.contains("leads out of the book folder"), "{e}");
        std::os::unix::fs::symlink("/dev/zero", d.path().join("zero.md")).unwrap();
        assert!(dir.read("zero.md", Kind::Section).is_err());
        let fifo = d.path().join("fifo.md");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let e = dir.read("fifo.md", Kind::Section).unwrap_err();
            assert!(e.0.contains("FIFO"), "{e}");
        }
        std::fs::create_dir(d.path().join("sub")).unwrap();
        let e = dir.read("sub", Kind::Section).unwrap_err();
        assert!(e.0.contains("a folder"), "{e}");
        let e = read_path(Path::new("/dev/zero"), Kind::Pdf).unwrap_err();
        assert!(e.0.contains("a device"), "{e}");
        assert!(dir.read("../x", Kind::Section).is_err());
    }

    #[test]
    fn refuses_files_over_the_cap_of_their_kind() {
        let (d, dir) = book();
        let big = vec![b'a'; Kind::Manifest.limit() as usize + 1];
        std::fs::write(d.path().join("book.toml"), big).unwrap();
        let e = dir.read("book.toml", Kind::Manifest).unwrap_err();
        assert_eq!(e.0, "is 2 MB, over the limit of 1 MB for a book.toml");
    }

    #[cfg(unix)]
    #[test]
    fn replace_writes_the_link_target_inside_keeps_the_mode_and_refuses_outside_links() {
        use std::os::unix::fs::PermissionsExt;
        let (d, dir) = book();
        std::fs::create_dir(d.path().join("ch")).unwrap();
        std::fs::write(d.path().join("ch/real.md"), "旧").unwrap();
        std::fs::set_permissions(
            d.path().join("ch/real.md"),
            std::fs::Permissions::from_mode(0o640),
        )
        .unwrap();
        std::os::unix::fs::symlink("ch/real.md", d.path().join("b.md")).unwrap();
        assert_eq!(
            dir.replace("b.md", "新".as_bytes()).unwrap(),
            Path::new("ch/real.md")
        );
        assert_eq!(
            std::fs::read_to_string(d.path().join("ch/real.md")).unwrap(),
            "新"
        );
        assert!(
            std::fs::symlink_metadata(d.path().join("b.md"))
                .unwrap()
                .is_symlink()
        );
        let mode = std::fs::metadata(d.path().join("ch/real.md"))
            .unwrap()
            .permissions();
        assert_eq!(mode.mode() & 0o777, 0o640);
        // A link out of the folder is refused; the outside file keeps its text and its mode.
        let outside = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(outside.path(), "外").unwrap();
        std::fs::set_permissions(outside.path(), std::fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::symlink(outside.path(), d.path().join("out.md")).unwrap();
        let e = dir.replace("out.md", "新".as_bytes()).unwrap_err();
        assert_eq!(e.0, "is a link that leads out of the book folder");
        assert_eq!(std::fs::read_to_string(outside.path()).unwrap(), "外");
        let mode = std::fs::metadata(outside.path()).unwrap().permissions();
        assert_eq!(mode.mode() & 0o777, 0o600);
        // Nothing staged is left behind.
        for sub in [d.path().to_path_buf(), d.path().join("ch")] {
            for e in std::fs::read_dir(sub).unwrap() {
                let name = e.unwrap().file_name().to_string_lossy().into_owned();
                assert!(!name.ends_with(".part"), "{name} left behind");
            }
        }
    }

    #[test]
    fn paths_under_an_opened_book_are_opened_through_it() {
        let (d, dir) = book();
        let inside = dir.path().join("fonts/x.otf");
        let (root, rel) = registered_root_of(&inside).unwrap();
        assert_eq!((root.as_path(), rel.as_str()), (dir.path(), "fonts/x.otf"));
        let escaping = dir.path().join("../x.otf");
        assert_eq!(registered_root_of(&escaping).unwrap().1, "..");
        assert!(read_path(&escaping, Kind::Font).is_err());
        drop(d);
    }
}
