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

/// The names in `dir` but for the picture cache `.bookpress-cache/`, kept there on purpose.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".bookpress-cache")
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

fn bookpress_env(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bookpress"));
    c.args(args)
        .current_dir(cwd)
        .env("SOURCE_DATE_EPOCH", "1622678400")
        .env_remove("BOOKPRESS_FONTS")
        .env_remove("BOOKPRESS_FONT_DIR");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn copy_dir(from: &Path, to: &Path) {
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

/// The installed or copied binary needs nothing beside it: a copy, run from another folder on
/// a copy of the sample with no font variable set, builds it — with the checkout's `fonts/`
/// hidden from it by an empty tmpfs mounted over it in a private mount namespace where the
/// machine allows that (root in CI), and in any case with the fonts reported as built in.
#[test]
fn a_copied_binary_builds_the_sample_without_the_checkout_fonts() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = tmp.path().join("bin/bookpress");
    std::fs::create_dir_all(bin.parent().unwrap()).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_bookpress"), &bin).unwrap();
    copy_dir(&sample(), &tmp.path().join("book"));
    let fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
    let script = r#"mount -t tmpfs none "$1" && [ -z "$(ls -A "$1")" ] && shift && exec "$@""#;
    let hidden = Command::new("unshare")
        .args(["-m", "sh", "-c", script, "sh"])
        .arg(&fonts)
        .arg(&bin)
        .args(["build", "book", "-o", "out", "--verbose"])
        .current_dir(tmp.path())
        .env_remove("BOOKPRESS_FONTS")
        .env_remove("BOOKPRESS_FONT_DIR")
        .env("SOURCE_DATE_EPOCH", "1622678400")
        .output();
    let o = match hidden {
        Ok(o)
            if o.status.success()
                || !(stderr(&o).contains("mount") || stderr(&o).contains("unshare")) =>
        {
            o
        }
        _ => {
            eprintln!("cannot hide fonts/ here (no mount namespace); running the copy plainly");
            Command::new(&bin)
                .args(["build", "book", "-o", "out", "--verbose"])
                .current_dir(tmp.path())
                .env_remove("BOOKPRESS_FONTS")
                .env_remove("BOOKPRESS_FONT_DIR")
                .output()
                .unwrap()
        }
    };
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("font: <built-in>/NotoSerifCJKsc-Regular.otf")
            && err.contains("font: <built-in>/NotoSansCJKsc-Bold.otf"),
        "{err}"
    );
    assert!(!err.contains(fonts.to_str().unwrap()), "{err}");
    let pdf = std::fs::read(tmp.path().join("out/book.pdf")).unwrap();
    assert!(
        pdf.windows(9).any(|w| w == b"/FontFile"),
        "no embedded font"
    );
    assert!(tmp.path().join("out/book.epub").is_file());
}

#[test]
fn bookpress_fonts_overrides_the_built_in_fonts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("fonts");
    std::fs::create_dir(&dir).unwrap();
    for f in ["NotoSerifCJKsc-Regular.otf", "NotoSansCJKsc-Bold.otf"] {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts").join(f);
        std::os::unix::fs::symlink(from, dir.join(f)).unwrap();
    }
    let book = sample();
    let args = [
        "build",
        book.to_str().unwrap(),
        "-o",
        "o",
        "-v",
        "--format",
        "epub",
    ];
    for var in ["BOOKPRESS_FONTS", "BOOKPRESS_FONT_DIR"] {
        let o = bookpress_env(&args, tmp.path(), &[(var, dir.to_str().unwrap())]);
        assert!(o.status.success(), "{}", stderr(&o));
        let want = format!("font: {}", dir.join("NotoSerifCJKsc-Regular.otf").display());
        assert!(stderr(&o).contains(&want), "{var}: {}", stderr(&o));
    }
    let o = bookpress_env(&args, tmp.path(), &[("BOOKPRESS_FONTS", "/nonexistent")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("/nonexistent/NotoSerifCJKsc-Regular.otf"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("unset the variable"), "{}", stderr(&o));
}

#[test]
fn new_makes_a_book_that_checks_clean_and_builds_with_its_folder_name() {
    let tmp = tempfile::tempdir().unwrap();
    let o = bookpress(&["new", "my book"], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = tmp.path().join("my book");
    assert_eq!(
        names(&dir),
        [
            ".gitignore",
            "00-preface.md",
            "01-chapter.md",
            "book.toml",
            "images"
        ]
    );
    assert_eq!(names(&dir.join("images")), ["figure.png"]);
    let toml = std::fs::read_to_string(dir.join("book.toml")).unwrap();
    for key in [
        "series",
        "authors",
        "editors",
        "language",
        "identifier",
        "cover",
        "page",
        "margin_top",
        "margin_bottom",
        "margin_inner",
        "margin_outer",
        "font_size",
        "line_height",
        "kinsoku",
        "impose",
        "body",
        "heading",
        "fallback",
        "embed_font",
    ] {
        assert!(
            toml.contains(&format!("{key} =")),
            "book.toml does not show `{key}`"
        );
    }
    let o = bookpress(&["check", "my book"], tmp.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    let o = bookpress(&["build", "my book", "--impose"], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    assert_eq!(
        names(&tmp.path().join("out")),
        ["my book-print.pdf", "my book.epub", "my book.pdf"]
    );
    // The figure is in the EPUB.
    let epub = std::fs::File::open(tmp.path().join("out/my book.epub")).unwrap();
    let zip = zip::ZipArchive::new(epub).unwrap();
    assert!(
        zip.file_names()
            .any(|n| n.is_ok_and(|n| n.ends_with(".png"))),
        "no picture in the EPUB"
    );
    // A second `new` into the same folder is refused and changes nothing.
    let o = bookpress(&["new", "my book"], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not empty"), "{}", stderr(&o));
}

/// The text rendering, exactly: header, the source line with a caret under the value, the
/// help, then the summary line.
#[test]
fn diagnostics_show_the_line_and_a_caret() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("book.toml"),
        "[book]\ntitle = \"t\"\nsections = [\"a.md\"]\n\n[pdf]\nfont_size = \"10\"\n",
    )
    .unwrap();
    std::fs::write(tmp.path().join("a.md"), "# 题\n\n你好,世界。\n").unwrap();
    let o = bookpress(&["build", ".", "--color", "never"], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        r#"error: invalid book.toml: invalid type: string "10", expected a number
 --> book.toml:6:13
  |
6 | font_size = "10"
  |             ^^^^
  |
  = help: font_size: a number of points, 5 to 72, e.g. font_size = 10.5

1 error, 0 warnings
"#
    );
    // A warning in a section file is shown from the book folder, with its line.
    std::fs::write(
        tmp.path().join("book.toml"),
        "[book]\ntitle = \"t\"\nsections = [\"a.md\"]\n",
    )
    .unwrap();
    std::fs::create_dir(tmp.path().join("elsewhere")).unwrap();
    let o = bookpress(
        &["check", "..", "--color", "never"],
        &tmp.path().join("elsewhere"),
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains(" --> ../a.md:3:3\n"), "{err}");
    assert!(err.contains("3 | 你好,世界。\n"), "{err}");
    // The caret sits under the comma: two columns per Chinese character before it.
    assert!(err.contains("\n  |     ^\n"), "{err}");
    assert!(err.ends_with("0 errors, 1 warning\n"), "{err}");
    // --color always colours it; github format annotates.
    let o = bookpress(&["check", ".", "--color", "always"], tmp.path());
    assert!(stderr(&o).contains("\u{1b}["), "{}", stderr(&o));
    let o = bookpress(&["check", ".", "--format", "github"], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.starts_with("::warning file=a.md,line=3,col=3::half-width"),
        "{out}"
    );
    // gitlab: one Code Quality JSON array on stdout, also from build (files go to stderr).
    for args in [
        &["check", ".", "--format", "gitlab"][..],
        &["build", ".", "--message-format", "gitlab"],
    ] {
        let o = bookpress(args, tmp.path());
        let out = stdout(&o);
        assert!(
            out.starts_with("[{\"description\":\"half-width"),
            "{args:?}: {out}"
        );
        assert!(out.trim_end().ends_with("}]"), "{args:?}: {out}");
        assert!(
            out.contains(r#""location":{"path":"a.md","lines":{"begin":3}}"#),
            "{out}"
        );
        assert_eq!(out.lines().count(), 1, "{args:?}: {out}");
    }
    let clean = bookpress(
        &["check", sample().to_str().unwrap(), "--format", "gitlab"],
        tmp.path(),
    );
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(stdout(&clean), "[]\n");
}

#[test]
fn without_book_toml_build_and_check_say_the_same_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let build = bookpress(&["build", ".", "--color", "never"], tmp.path());
    let check = bookpress(&["check", ".", "--color", "never"], tmp.path());
    assert_eq!(build.status.code(), Some(2));
    assert_eq!(check.status.code(), Some(2));
    assert_eq!(stderr(&build), stderr(&check));
    assert!(
        stderr(&build).contains("no book.toml in `.`"),
        "{}",
        stderr(&build)
    );
    // book.toml itself is taken for its folder.
    let o = bookpress(
        &["check", "book/book.toml"],
        Path::new(env!("CARGO_MANIFEST_DIR")),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn impose_bounds_creep_and_refuses_a_print_file_or_a_non_pdf() {
    let tmp = tempfile::tempdir().unwrap();
    let o = bookpress(
        &[
            "build",
            sample().to_str().unwrap(),
            "-o",
            ".",
            "--format",
            "pdf",
            "--impose",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    for (creep, why) in [
        ("50", "at most 7.7 mm"),
        ("500", "at most 7.7 mm"),
        ("-1", "0 or more"),
        ("NaN", "0 or more"),
    ] {
        let o = bookpress(
            &["impose", "book.pdf", "--creep", creep, "-o", "c.pdf"],
            tmp.path(),
        );
        assert_eq!(o.status.code(), Some(1), "creep {creep}: {}", stderr(&o));
        assert!(stderr(&o).contains(why), "creep {creep}: {}", stderr(&o));
        assert!(!tmp.path().join("c.pdf").exists());
    }
    let o = bookpress(
        &["impose", "book.pdf", "--creep", "7.5", "-o", "c.pdf"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // The same bound through build --impose.
    let o = bookpress(
        &[
            "build",
            sample().to_str().unwrap(),
            "-o",
            "b",
            "--impose",
            "--creep",
            "8",
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!tmp.path().join("b/book.pdf").exists());
    // An imposed file is refused unless --force.
    let o = bookpress(&["impose", "book-print.pdf", "-o", "twice.pdf"], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("looks imposed already"),
        "{}",
        stderr(&o)
    );
    let o = bookpress(
        &["impose", "book-print.pdf", "-o", "twice.pdf", "--force"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // A file that is not a PDF says so.
    let toml = sample().join("book.toml");
    let o = bookpress(
        &["impose", toml.to_str().unwrap(), "-o", "x.pdf"],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not a PDF"), "{}", stderr(&o));
}

#[test]
fn pdfinfo_reads_the_pdf_without_a_syntax_error() {
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
    let info = Command::new("pdfinfo")
        .arg(tmp.path().join("book.pdf"))
        .output()
        .expect("pdfinfo (poppler-utils) is required: apt-get install poppler-utils");
    assert!(info.status.success());
    assert_eq!(stderr(&info), "", "pdfinfo complains");
    assert!(
        stdout(&info).contains("Tagged:          yes"),
        "{}",
        stdout(&info)
    );
}

#[test]
fn completions_and_man_page_are_printed() {
    let tmp = tempfile::tempdir().unwrap();
    for (shell, marker) in [
        ("bash", "_bookpress()"),
        ("zsh", "#compdef bookpress"),
        ("fish", "complete -c bookpress"),
    ] {
        let o = bookpress(&["completions", shell], tmp.path());
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        assert!(out.contains(marker), "{shell}: {out}");
        for sub in ["build", "watch", "check", "impose", "new"] {
            assert!(out.contains(sub), "{shell} completion lacks `{sub}`");
        }
    }
    let o = bookpress(&["man"], tmp.path());
    assert!(o.status.success());
    let man = stdout(&o);
    assert!(
        man.starts_with(".ie") || man.contains(".TH bookpress"),
        "{man}"
    );
    assert!(
        man.contains("completions") && man.contains("\\-\\-color"),
        "{man}"
    );
}

#[test]
fn quiet_prints_nothing_on_success() {
    let tmp = tempfile::tempdir().unwrap();
    let o = bookpress(
        &[
            "-q",
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
    assert_eq!((stdout(&o).as_str(), stderr(&o).as_str()), ("", ""));
}

/// `build --watch` builds, rebuilds after a change (one line each, with the time and the
/// findings), and keeps the last good outputs when a rebuild fails. Bounded waits, then kill.
#[test]
fn watch_rebuilds_after_a_change_and_keeps_good_outputs_on_failure() {
    use std::io::BufRead;
    use std::sync::mpsc;
    use std::time::Duration;
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("w");
    std::fs::create_dir(&book).unwrap();
    std::fs::write(
        book.join("book.toml"),
        "[book]\ntitle = \"讲义\"\nsections = [\"a.md\"]\n",
    )
    .unwrap();
    std::fs::write(book.join("a.md"), "# 第一节\n\n正文一段。\n").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_bookpress"))
        .args(["build", "--watch", "w", "-o", "out", "--format", "epub"])
        .current_dir(tmp.path())
        .env("SOURCE_DATE_EPOCH", "1622678400")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(out).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    let next = |what: &str| {
        rx.recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no line for {what} within 60 s"))
    };
    let epub = tmp.path().join("out/w.epub");
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let first = next("the first build");
        assert!(first.contains("built out/w.epub in "), "{first}");
        assert!(first.contains("0 errors, 0 warnings"), "{first}");
        let before = std::fs::read(&epub).unwrap();
        std::fs::write(
            book.join("a.md"),
            "# 第一节\n\n正文一段。\n\n新加的一段。\n",
        )
        .unwrap();
        let second = next("the rebuild");
        assert!(
            second.contains("a.md changed: built out/w.epub"),
            "{second}"
        );
        let after = std::fs::read(&epub).unwrap();
        assert_ne!(before, after, "the rebuild did not change the EPUB");
        std::fs::write(book.join("a.md"), "+++\nautor = \"x\"\n+++\n# 题\n").unwrap();
        let third = next("the failed rebuild");
        assert!(third.contains("build failed"), "{third}");
        assert!(third.contains("1 error"), "{third}");
        assert_eq!(
            std::fs::read(&epub).unwrap(),
            after,
            "good outputs were not kept"
        );
    }));
    let _ = child.kill();
    let _ = child.wait();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

/// A body font without Chinese (a Latin font by mistake) is one error naming the font, not one
/// per character.
#[test]
fn a_body_font_without_chinese_is_one_error_naming_it() {
    let latin = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    assert!(
        Path::new(latin).exists(),
        "{latin} is needed: apt-get install fonts-dejavu-core"
    );
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("book.toml"),
        format!("[book]\ntitle = \"t\"\nsections = [\"a.md\"]\n[fonts]\nbody = \"{latin}\"\n"),
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("a.md"),
        "# 第一章\n\n一段有许多不同汉字的正文，共有几十个字，每个字都不在这个字体里。\n",
    )
    .unwrap();
    for cmd in ["check", "build"] {
        let o = bookpress(&[cmd, ".", "--color", "never"], tmp.path());
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let err = stderr(&o);
        assert_eq!(err.matches("error:").count(), 1, "{cmd}: {err}");
        assert!(
            err.contains("error: the body font `DejaVuSans.ttf` has no Chinese characters"),
            "{cmd}: {err}"
        );
        assert!(err.contains(" --> a.md:1:4\n"), "{cmd}: {err}");
        assert!(err.ends_with("1 error, 0 warnings\n"), "{cmd}: {err}");
    }
}

/// Values of book.toml that parse but are not allowed are reported at their line and column,
/// with what the key takes.
#[test]
fn bad_values_in_book_toml_name_their_line_and_the_allowed_values() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("a.md"), "# 题\n\n正文。\n").unwrap();
    for (pdf, place, allowed) in [
        (
            "kinsoku = \"loose\"",
            "book.toml:6:11",
            "none, basic, gb or strict",
        ),
        ("page = \"letter\"", "book.toml:6:8", "A5, A4, B5"),
        ("impose = \"fold\"", "book.toml:6:10", "saddle, cut or none"),
        ("margin_inner = 150", "book.toml:6:16", "0 to 100"),
        ("line_height = 0.5", "book.toml:6:15", "1.0 to 4.0"),
        ("font_size = true", "book.toml:6:13", "5 to 72"),
        (
            "margin_top = \"2cm\"",
            "book.toml:6:14",
            "millimetres, 0 to 100",
        ),
    ] {
        std::fs::write(
            tmp.path().join("book.toml"),
            format!("[book]\ntitle = \"t\"\nsections = [\"a.md\"]\n\n[pdf]\n{pdf}\n"),
        )
        .unwrap();
        let o = bookpress(&["build", ".", "--color", "never"], tmp.path());
        assert_eq!(o.status.code(), Some(1), "{pdf}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(&format!(" --> {place}\n")), "{pdf}: {err}");
        assert!(err.contains(allowed), "{pdf}: {err}");
        assert!(!err.contains("f32"), "{pdf}: {err}");
    }
    // [epub] and [fonts] errors get their own table's help, not [book]'s.
    std::fs::write(
        tmp.path().join("book.toml"),
        "[book]\ntitle = \"t\"\nsections = [\"a.md\"]\n[epub]\nembed_font = \"yes\"\n",
    )
    .unwrap();
    let err = stderr(&bookpress(&["check", ".", "--color", "never"], tmp.path()));
    assert!(
        err.contains("= help: embed_font, page_list: true or false"),
        "{err}"
    );
}
