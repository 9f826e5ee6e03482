//! The `bookpress` binary: commands, exit codes and what lands in the output folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bookpress(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bookpress"))
        .args(args)
        .current_dir(cwd)
        .env("SOURCE_DATE_EPOCH", "1622678400")
        .output()
        .unwrap()
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("book")
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn build_writes_epub_pdf_and_print_file_and_reports_timings() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let o = bookpress(
        &[
            "build",
            sample().to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--impose",
            "--timings",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(names(&out), ["book-print.pdf", "book.epub", "book.pdf"]);
    let err = stderr(&o);
    for stage in [
        "load fonts",
        "shape",
        "break lines",
        "paginate",
        "write pdf",
        "write epub",
        "impose",
        "total",
    ] {
        assert!(err.contains(stage), "no `{stage}` timing in:\n{err}");
    }
    // The print file is the booklet imposed: A4 landscape, half as many sides as padded pages.
    let booklet = std::fs::read(out.join("book.pdf")).unwrap();
    let print = std::fs::read(out.join("book-print.pdf")).unwrap();
    assert!(print.windows(5).any(|w| w == b"/Page"));
    assert!(
        print.len() < booklet.len() * 2,
        "{} vs {}",
        print.len(),
        booklet.len()
    );
}

#[test]
fn format_picks_one_output() {
    let tmp = tempfile::tempdir().unwrap();
    let o = bookpress(
        &[
            "build",
            sample().to_str().unwrap(),
            "-o",
            "x",
            "--format",
            "epub",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(names(&tmp.path().join("x")), ["book.epub"]);
}

#[test]
fn book_toml_impose_cut_writes_the_print_file() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("book.toml"),
        "[book]\ntitle = \"讲义\"\nsections = [\"a.md\"]\n[pdf]\nimpose = \"cut\"\n",
    )
    .unwrap();
    std::fs::write(tmp.path().join("a.md"), "# 第一节\n\n正文一段。\n").unwrap();
    let o = bookpress(&["build", "."], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let name = tmp
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let files = names(&tmp.path().join("out"));
    assert!(files.contains(&format!("{name}-print.pdf")), "{files:?}");
}

#[test]
fn impose_command_imposes_any_pdf() {
    let tmp = tempfile::tempdir().unwrap();
    let o = bookpress(
        &[
            "build",
            sample().to_str().unwrap(),
            "-o",
            ".",
            "--format",
            "pdf",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = bookpress(
        &["impose", "book.pdf", "--sheet", "a4", "--marks"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(tmp.path().join("book-print.pdf").is_file());
    let o = bookpress(&["impose", "missing.pdf"], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("missing.pdf"), "{}", stderr(&o));
    assert!(!tmp.path().join("missing-print.pdf").exists());
}

#[test]
fn a_book_error_exits_1_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("book.toml"),
        "[book]\ntitle = \"t\"\nsections = [\"gone.md\"]\n",
    )
    .unwrap();
    let o = bookpress(&["build", "."], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("gone.md"), "{err}");
    let out = tmp.path().join("out");
    assert!(!out.exists() || names(&out).is_empty(), "{:?}", names(&out));
}

#[test]
fn check_exit_codes_and_json() {
    let tmp = tempfile::tempdir().unwrap();
    let o = bookpress(&["check", sample().to_str().unwrap()], tmp.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = bookpress(&["check", "no-such-book"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    std::fs::write(
        tmp.path().join("book.toml"),
        "[book]\ntitle = \"t\"\nsections = [\"a.md\"]\n",
    )
    .unwrap();
    std::fs::write(tmp.path().join("a.md"), "# 题\n\n你好,世界。\n").unwrap();
    let o = bookpress(&["check", ".", "--format", "json"], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    let stdout = String::from_utf8(o.stdout).unwrap();
    let line = stdout.lines().next().expect("one JSON finding");
    assert!(line.starts_with('{') && line.ends_with('}'), "{line}");
    assert!(line.contains("\"line\":3"), "{line}");
    assert!(line.contains("a.md"), "{line}");
}
