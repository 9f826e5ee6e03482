//! Reading font files: the faces compiled into the binary, files mapped or read once per process,
//! and the check that a file book.toml names is a whole font.

use crate::book::model::FontFile;
use crate::diag::{Diagnostic, Result};
use rustybuzz::ttf_parser;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::SystemTime;

type Interned = (PathBuf, u64, Option<SystemTime>, &'static [u8]);

/// The default fonts compiled into the binary (feature `bundled-fonts`), by file name. The
/// bytes sit in the executable's read-only data, which the OS maps lazily like the font files.
#[cfg(feature = "bundled-fonts")]
const BUILTIN: [(&str, &[u8]); 3] = [
    (
        crate::book::manifest::BUNDLED_BODY,
        include_bytes!("../../../fonts/NotoSerifCJKsc-Regular.otf"),
    ),
    (
        crate::book::manifest::BUNDLED_HEADING,
        include_bytes!("../../../fonts/NotoSansCJKsc-Bold.otf"),
    ),
    (
        crate::book::manifest::BUNDLED_CODE,
        include_bytes!("../../../fonts/NotoSansMono-Regular.ttf"),
    ),
];

/// The compiled-in font a path names (`<built-in>/NAME`), if any.
pub fn builtin(path: &std::path::Path) -> Option<&'static [u8]> {
    #[cfg(feature = "bundled-fonts")]
    {
        let dir = path.parent()?;
        if dir != std::path::Path::new(crate::book::manifest::BUILTIN_FONT_DIR) {
            return None;
        }
        let name = path.file_name()?;
        BUILTIN.iter().find(|(n, _)| name == *n).map(|(_, b)| *b)
    }
    #[cfg(not(feature = "bundled-fonts"))]
    {
        let _ = path;
        None
    }
}

/// Reads a font file once per process (keyed by path, length and modification time). The file
/// is opened as a regular file within the font cap (a FIFO or a device is refused before any
/// read), through the book folder's handle when it lies in the book.
pub(super) fn read_interned(path: &std::path::Path) -> Result<&'static [u8]> {
    if let Some(bytes) = builtin(path) {
        return Ok(bytes);
    }
    static FILES: OnceLock<Mutex<Vec<Interned>>> = OnceLock::new();
    let cannot = |why: String| {
        Diagnostic::error(format!("font file `{}` {why}", path.display()))
            .in_file(path)
            .hint(missing_font_hint(path))
    };
    let file = crate::book::confined::open_path(path, crate::book::confined::Kind::Font)
        .map_err(|r| cannot(r.0))?;
    let meta = file
        .metadata()
        .map_err(|e| cannot(format!("cannot be read: {e}")))?;
    let (len, mtime) = (meta.len(), meta.modified().ok());
    let files = FILES.get_or_init(|| Mutex::new(Vec::new()));
    let mut files = files.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(hit) = files
        .iter()
        .find(|f| f.0 == path && f.1 == len && f.2 == mtime)
    {
        return Ok(hit.3);
    }
    let data = map_file(&file).or_else(|_| {
        use std::io::Read;
        let mut v = Vec::new();
        (&file).take(len).read_to_end(&mut v).map(|_| &*v.leak())
    });
    let data = data.map_err(|e| cannot(format!("cannot be read: {e}")))?;
    files.push((path.to_path_buf(), len, mtime, data));
    Ok(data)
}

/// Opens the font book.toml names and checks that it is a whole font file: every table its
/// directory lists lies inside the file (a truncated copy fails here, not later as "no font
/// can draw 正"), and the face index exists.
pub fn check_font_file(file: &FontFile) -> std::result::Result<(), Diagnostic> {
    let data = read_interned(&file.path).map_err(|e| e.first().clone())?;
    let index = if file.index == crate::book::manifest::AUTO_FACE {
        0
    } else {
        file.index
    };
    intact(data, index).map_err(|why| damaged(&file.path, &why))
}

pub(super) fn damaged(path: &std::path::Path, why: &str) -> Diagnostic {
    Diagnostic::error(format!("font file `{}` is damaged ({why})", path.display()))
        .hint("copy the font file again, or name another in book.toml ([fonts])")
}

/// Whether face `index` of `data` parses and its table directory lies inside the data.
pub(super) fn intact(data: &[u8], index: u32) -> std::result::Result<(), String> {
    let count = ttf_parser::fonts_in_collection(data).unwrap_or(1);
    if index >= count {
        return Ok(()); // reported as an index out of range, with the faces there are
    }
    let raw = ttf_parser::RawFace::parse(data, index).map_err(|e| e.to_string())?;
    for record in raw.table_records {
        let end = u64::from(record.offset) + u64::from(record.length);
        if end > data.len() as u64 {
            return Err(format!(
                "its `{}` table ends at byte {end}, past the end of the {}-byte file",
                String::from_utf8_lossy(&record.tag.to_bytes()),
                data.len()
            ));
        }
    }
    ttf_parser::Face::parse(data, index).map_err(|e| e.to_string())?;
    Ok(())
}

/// What to do about a font file that cannot be read: a default font looked for in the folder
/// of `BOOKPRESS_FONTS` points at that variable, any other at book.toml.
fn missing_font_hint(path: &std::path::Path) -> String {
    let default_dir = crate::book::manifest::bundled_font_dir();
    if path.parent() == Some(default_dir.as_path()) {
        format!(
            "the default fonts are looked for in {} (BOOKPRESS_FONTS or BOOKPRESS_FONT_DIR): it \
             must hold {} and {} (and may hold {}); unset the variable to use the fonts built \
             into bookpress",
            default_dir.display(),
            crate::book::manifest::BUNDLED_BODY,
            crate::book::manifest::BUNDLED_HEADING,
            crate::book::manifest::BUNDLED_CODE
        )
    } else {
        "check the font paths in book.toml ([fonts] body/heading/code/fallback)".into()
    }
}

/// Maps an opened file read-only for the rest of the process (it is never unmapped, like the
/// interned bytes it stands for). The caller falls back to reading where mapping fails.
fn map_file(file: &std::fs::File) -> std::io::Result<&'static [u8]> {
    // SAFETY: a read-only mapping that lives to the end of the process. As with any mapped
    // file, truncating the font while a build runs would fault; the fonts are the book's or the
    // bundled ones, not files that change under a build.
    let map = unsafe { memmap2::Mmap::map(file)? };
    Ok(&**Box::leak(Box::new(map)))
}
