//! The `bookpress` binary: commands, exit codes and what lands in the output folder.

mod common;

use common::{Fixture, bookpress, copy_dir, names, sample, stderr, stdout};
use std::path::Path;
use std::process::Command;

#[test]
fn build_writes_epub_pdf_and_print_file_and_reports_timings() {
    let f = Fixture::empty();
    let out = f.tmp.path().join("o");
    let o = f.command(
        &[
            "build",
            sample().to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--impose",
            "--timings",
        ],
        &[],
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
    let f = Fixture::empty();
    let o = f.command(
        &[
            "build",
            sample().to_str().unwrap(),
            "-o",
            "x",
            "--format",
            "epub",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(names(&f.tmp.path().join("x")), ["book.epub"]);
}

#[test]
fn book_toml_impose_cut_writes_the_print_file() {
    let f = Fixture::empty();
    f.write(
        "book.toml",
        "[book]\ntitle = \"讲义\"\nsections = [\"a.md\"]\n[pdf]\nimpose = \"cut\"\n".as_bytes(),
    );
    f.write("a.md", "# 第一节\n\n正文一段。\n".as_bytes());
    let o = f.command_in_book(&["build", "."], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Named after the book's folder.
    let files = names(&f.book().join("out"));
    assert!(files.contains(&"book-print.pdf".to_string()), "{files:?}");
}

#[test]
fn impose_command_imposes_any_pdf() {
    let f = Fixture::empty();
    let o = f.command(
        &[
            "build",
            sample().to_str().unwrap(),
            "-o",
            ".",
            "--format",
            "pdf",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = f.command(&["impose", "book.pdf", "--sheet", "a4", "--marks"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(f.tmp.path().join("book-print.pdf").is_file());
    let o = f.command(&["impose", "missing.pdf"], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("missing.pdf"), "{}", stderr(&o));
    assert!(!f.tmp.path().join("missing-print.pdf").exists());
}

#[test]
fn a_book_error_exits_1_and_writes_nothing() {
    let f = Fixture::empty();
    f.write(
        "book.toml",
        "[book]\ntitle = \"t\"\nsections = [\"gone.md\"]\n".as_bytes(),
    );
    let o = f.command_in_book(&["build", "."], &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("gone.md"), "{err}");
    let out = f.book().join("out");
    assert!(!out.exists() || names(&out).is_empty(), "{:?}", names(&out));
}

#[test]
fn check_exit_codes_and_json() {
    let f = Fixture::empty();
    let o = f.command_in_book(&["check", sample().to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = f.command_in_book(&["check", "no-such-book"], &[]);
    assert_eq!(o.status.code(), Some(2));
    f.write(
        "book.toml",
        "[book]\ntitle = \"t\"\nsections = [\"a.md\"]\n".as_bytes(),
    );
    f.write("a.md", "# 题\n\n你好,世界。\n".as_bytes());
    let o = f.command_in_book(&["check", ".", "--format", "json"], &[]);
    assert_eq!(o.status.code(), Some(1));
    let stdout = String::from_utf8(o.stdout).unwrap();
    let line = stdout.lines().next().expect("one JSON finding");
    assert!(line.starts_with('{') && line.ends_with('}'), "{line}");
    assert!(line.contains("\"line\":3"), "{line}");
    assert!(line.contains("a.md"), "{line}");
}

/// The installed or copied binary needs nothing beside it: a copy, run from another folder on
/// a copy of the sample with no font variable set, builds it — with the checkout's `fonts/`
/// hidden from it by an empty tmpfs mounted over it in a private mount namespace where the
/// machine allows that (root in CI), and in any case with the fonts reported as built in.
#[test]
fn a_copied_binary_builds_the_sample_without_the_checkout_fonts() {
    let f = Fixture::empty();
    let bin = f.tmp.path().join("bin/bookpress");
    std::fs::create_dir_all(bin.parent().unwrap()).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_bookpress"), &bin).unwrap();
    copy_dir(&sample(), &f.tmp.path().join("book"));
    let fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
    let script = r#"mount -t tmpfs none "$1" && [ -z "$(ls -A "$1")" ] && shift && exec "$@""#;
    let hidden = Command::new("unshare")
        .args(["-m", "sh", "-c", script, "sh"])
        .arg(&fonts)
        .arg(&bin)
        .args(["build", "book", "-o", "out", "--verbose"])
        .current_dir(f.tmp.path())
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
                .current_dir(f.tmp.path())
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
    let pdf = std::fs::read(f.tmp.path().join("out/book.pdf")).unwrap();
    assert!(
        pdf.windows(9).any(|w| w == b"/FontFile"),
        "no embedded font"
    );
    assert!(f.tmp.path().join("out/book.epub").is_file());
}

#[test]
fn bookpress_fonts_overrides_the_built_in_fonts() {
    let f = Fixture::empty();
    let dir = f.tmp.path().join("fonts");
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
        let o = f.command(&args, &[(var, dir.to_str().unwrap())]);
        assert!(o.status.success(), "{}", stderr(&o));
        let want = format!("font: {}", dir.join("NotoSerifCJKsc-Regular.otf").display());
        assert!(stderr(&o).contains(&want), "{var}: {}", stderr(&o));
    }
    let o = f.command(&args, &[("BOOKPRESS_FONTS", "/nonexistent")]);
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
    let f = Fixture::empty();
    let o = f.command(&["new", "my book"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = f.tmp.path().join("my book");
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
    let o = f.command(&["check", "my book"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    let o = f.command(&["build", "my book", "--impose"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    assert_eq!(
        names(&f.tmp.path().join("out")),
        ["my book-print.pdf", "my book.epub", "my book.pdf"]
    );
    // The figure is in the EPUB.
    let epub = std::fs::File::open(f.tmp.path().join("out/my book.epub")).unwrap();
    let zip = zip::ZipArchive::new(epub).unwrap();
    assert!(
        zip.file_names()
            .any(|n| n.is_ok_and(|n| n.ends_with(".png"))),
        "no picture in the EPUB"
    );
    // A second `new` into the same folder is refused and changes nothing.
    let o = f.command(&["new", "my book"], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not empty"), "{}", stderr(&o));
}

/// The text rendering, exactly: header, the source line with a caret under the value, the
/// help, then the summary line.
#[test]
fn diagnostics_show_the_line_and_a_caret() {
    let f = Fixture::empty();
    f.write(
        "book.toml",
        "[book]\ntitle = \"t\"\nsections = [\"a.md\"]\n\n[pdf]\nfont_size = \"10\"\n".as_bytes(),
    );
    f.write("a.md", "# 题\n\n你好,世界。\n".as_bytes());
    let o = f.command_in_book(&["build", ".", "--color", "never"], &[]);
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
    f.write(
        "book.toml",
        "[book]\ntitle = \"t\"\nsections = [\"a.md\"]\n".as_bytes(),
    );
    std::fs::create_dir(f.book().join("elsewhere")).unwrap();
    let o = bookpress(
        &f.book().join("elsewhere"),
        &["check", "..", "--color", "never"],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains(" --> ../a.md:3:3\n"), "{err}");
    assert!(err.contains("3 | 你好,世界。\n"), "{err}");
    // The caret sits under the comma: two columns per Chinese character before it.
    assert!(err.contains("\n  |     ^\n"), "{err}");
    assert!(err.ends_with("0 errors, 1 warning\n"), "{err}");
    // --color always colours it; github format annotates.
    let o = f.command_in_book(&["check", ".", "--color", "always"], &[]);
    assert!(stderr(&o).contains("\u{1b}["), "{}", stderr(&o));
    let o = f.command_in_book(&["check", ".", "--format", "github"], &[]);
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
        let o = f.command_in_book(args, &[]);
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
    let clean = f.command_in_book(
        &["check", sample().to_str().unwrap(), "--format", "gitlab"],
        &[],
    );
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(stdout(&clean), "[]\n");
}

#[test]
fn without_book_toml_build_and_check_say_the_same_and_exit_2() {
    let f = Fixture::empty();
    let build = f.command_in_book(&["build", ".", "--color", "never"], &[]);
    let check = f.command_in_book(&["check", ".", "--color", "never"], &[]);
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
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["check", "book/book.toml"],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn impose_bounds_creep_and_refuses_a_print_file_or_a_non_pdf() {
    let f = Fixture::empty();
    let o = f.command(
        &[
            "build",
            sample().to_str().unwrap(),
            "-o",
            ".",
            "--format",
            "pdf",
            "--impose",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    for (creep, why) in [
        ("50", "at most 7.7 mm"),
        ("500", "at most 7.7 mm"),
        ("-1", "0 or more"),
        ("NaN", "0 or more"),
    ] {
        let o = f.command(
            &["impose", "book.pdf", "--creep", creep, "-o", "c.pdf"],
            &[],
        );
        assert_eq!(o.status.code(), Some(1), "creep {creep}: {}", stderr(&o));
        assert!(stderr(&o).contains(why), "creep {creep}: {}", stderr(&o));
        assert!(!f.tmp.path().join("c.pdf").exists());
    }
    let o = f.command(
        &["impose", "book.pdf", "--creep", "7.5", "-o", "c.pdf"],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // The same bound through build --impose.
    let o = f.command(
        &[
            "build",
            sample().to_str().unwrap(),
            "-o",
            "b",
            "--impose",
            "--creep",
            "8",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(!f.tmp.path().join("b/book.pdf").exists());
    // An imposed file is refused unless --force.
    let o = f.command(&["impose", "book-print.pdf", "-o", "twice.pdf"], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("looks imposed already"),
        "{}",
        stderr(&o)
    );
    let o = f.command(
        &["impose", "book-print.pdf", "-o", "twice.pdf", "--force"],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // A file that is not a PDF says so.
    let toml = sample().join("book.toml");
    let o = f.command(&["impose", toml.to_str().unwrap(), "-o", "x.pdf"], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not a PDF"), "{}", stderr(&o));
}

#[test]
fn pdfinfo_reads_the_pdf_without_a_syntax_error() {
    let f = Fixture::empty();
    let o = f.command(
        &[
            "build",
            sample().to_str().unwrap(),
            "-o",
            ".",
            "--format",
            "pdf",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let info = Command::new("pdfinfo")
        .arg(f.tmp.path().join("book.pdf"))
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
    let f = Fixture::empty();
    for (shell, marker) in [
        ("bash", "_bookpress()"),
        ("zsh", "#compdef bookpress"),
        ("fish", "complete -c bookpress"),
    ] {
        let o = f.command(&["completions", shell], &[]);
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        assert!(out.contains(marker), "{shell}: {out}");
        for sub in ["build", "watch", "check", "impose", "new"] {
            assert!(out.contains(sub), "{shell} completion lacks `{sub}`");
        }
    }
    let o = f.command(&["man"], &[]);
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
    let f = Fixture::empty();
    let o = f.command(
        &[
            "-q",
            "build",
            sample().to_str().unwrap(),
            "-o",
            "x",
            "--format",
            "epub",
        ],
        &[],
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
    let f = Fixture::text(&[
        (
            "book.toml",
            "[book]\ntitle = \"讲义\"\nsections = [\"a.md\"]\n",
        ),
        ("a.md", "# 第一节\n\n正文一段。\n"),
    ]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_bookpress"))
        .args(["build", "--watch", "book", "-o", "out", "--format", "epub"])
        .current_dir(f.tmp.path())
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
    let epub = f.out().join("book.epub");
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let first = next("the first build");
        assert!(first.contains("built out/book.epub in "), "{first}");
        assert!(first.contains("0 errors, 0 warnings"), "{first}");
        let before = std::fs::read(&epub).unwrap();
        f.write(
            "a.md",
            "# 第一节\n\n正文一段。\n\n新加的一段。\n".as_bytes(),
        );
        let second = next("the rebuild");
        assert!(
            second.contains("a.md changed: built out/book.epub"),
            "{second}"
        );
        let after = std::fs::read(&epub).unwrap();
        assert_ne!(before, after, "the rebuild did not change the EPUB");
        f.write("a.md", "+++\nautor = \"x\"\n+++\n# 题\n".as_bytes());
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
    let f = Fixture::empty();
    f.write(
        "book.toml",
        format!("[book]\ntitle = \"t\"\nsections = [\"a.md\"]\n[fonts]\nbody = \"{latin}\"\n")
            .as_bytes(),
    );
    f.write(
        "a.md",
        "# 第一章\n\n一段有许多不同汉字的正文，共有几十个字，每个字都不在这个字体里。\n".as_bytes(),
    );
    for cmd in ["check", "build"] {
        let o = f.command_in_book(&[cmd, ".", "--color", "never"], &[]);
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
    let f = Fixture::empty();
    f.write("a.md", "# 题\n\n正文。\n".as_bytes());
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
        f.write(
            "book.toml",
            format!("[book]\ntitle = \"t\"\nsections = [\"a.md\"]\n\n[pdf]\n{pdf}\n").as_bytes(),
        );
        let o = f.command_in_book(&["build", ".", "--color", "never"], &[]);
        assert_eq!(o.status.code(), Some(1), "{pdf}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(&format!(" --> {place}\n")), "{pdf}: {err}");
        assert!(err.contains(allowed), "{pdf}: {err}");
        assert!(!err.contains("f32"), "{pdf}: {err}");
    }
    // [epub] and [fonts] errors get their own table's help, not [book]'s.
    f.write(
        "book.toml",
        "[book]\ntitle = \"t\"\nsections = [\"a.md\"]\n[epub]\nembed_font = \"yes\"\n".as_bytes(),
    );
    let err = stderr(&f.command_in_book(&["check", ".", "--color", "never"], &[]));
    assert!(
        err.contains("= help: embed_font, page_list: true or false"),
        "{err}"
    );
}
