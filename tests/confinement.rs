//! Hostile book folders: files swapped for symlinks while builds run, FIFOs and devices named as
//! sources, fonts or the PDF to impose. None may leak an outside file or hang a build.

mod common;

use common::{Fixture, TOML};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const SECRET: &str = "SECRETOUTSIDE";

/// A one-section book with a picture, and an outside folder holding a secret text and picture.
fn racy_book() -> (Fixture, tempfile::TempDir) {
    let png = common::repo().join("book/images/fig-1.jpg");
    let picture = std::fs::read(png).unwrap();
    let f = Fixture::new(&[
        ("book.toml", TOML.as_bytes()),
        ("a.md", "# 标题\n\n正文。\n\n![图](p.jpg)\n".as_bytes()),
        ("p.jpg", &picture),
    ]);
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        format!("# {SECRET}\n\n{SECRET}\n"),
    )
    .unwrap();
    // A different picture outside, so a leak shows as other bytes in the EPUB.
    let img = image::RgbImage::from_pixel(7, 5, image::Rgb([1, 2, 3]));
    img.save(outside.path().join("secret.png")).unwrap();
    (f, outside)
}

/// Swaps `name` in `dir` between the real file and a symlink to `target`, by rename (atomic),
/// until `stop`.
fn swapper(
    dir: &Path,
    name: &str,
    target: &Path,
    stop: Arc<AtomicBool>,
) -> std::thread::JoinHandle<u64> {
    let real = dir.join(name);
    let keep = dir.join(format!(".{name}.real"));
    let link = dir.join(format!(".{name}.link"));
    std::fs::copy(&real, &keep).unwrap();
    let target = target.to_path_buf();
    std::thread::spawn(move || {
        let mut swaps = 0;
        while !stop.load(Ordering::Relaxed) {
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink(&target, &link).unwrap();
            std::fs::rename(&link, &real).unwrap();
            std::thread::yield_now();
            std::fs::copy(&keep, &link).unwrap();
            std::fs::rename(&link, &real).unwrap();
            swaps += 1;
        }
        swaps
    })
}

#[test]
fn swapping_a_section_and_a_picture_for_outside_links_never_leaks() {
    let (f, outside) = racy_book();
    let stop = Arc::new(AtomicBool::new(false));
    let a = swapper(
        &f.book(),
        "a.md",
        &outside.path().join("secret.md"),
        stop.clone(),
    );
    let b = swapper(
        &f.book(),
        "p.jpg",
        &outside.path().join("secret.png"),
        stop.clone(),
    );
    let secret_png = std::fs::read(outside.path().join("secret.png")).unwrap();
    let (mut built, mut refused) = (0, 0);
    for _ in 0..100 {
        let book = bookpress::book::load(&f.book());
        let Ok(book) = book else {
            refused += 1;
            continue;
        };
        built += 1;
        let text: String = book.sections.iter().map(|s| s.text.as_str()).collect();
        assert!(
            !text.contains(SECRET),
            "the outside section leaked into the model"
        );
        for s in &book.sections {
            for block in &s.blocks {
                if let bookpress::book::model::Block::Figure(fig) = block {
                    assert_ne!(*fig.image.data, secret_png, "the outside picture leaked");
                }
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    let swaps = a.join().unwrap() + b.join().unwrap();
    assert!(
        swaps > 0 && built + refused == 100,
        "{swaps} swaps, {built} built"
    );
}

#[test]
fn swapping_book_toml_for_an_outside_link_never_leaks_through_the_binary() {
    let (f, outside) = racy_book();
    let toml = format!("[book]\ntitle = \"{SECRET}\"\nsections = [\"a.md\"]\n");
    std::fs::write(outside.path().join("book.toml"), toml).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let t = swapper(
        &f.book(),
        "book.toml",
        &outside.path().join("book.toml"),
        stop.clone(),
    );
    let s = swapper(
        &f.book(),
        "a.md",
        &outside.path().join("secret.md"),
        stop.clone(),
    );
    for _ in 0..20 {
        let (_, stderr) = f.run(&["build", "book", "-o", "out", "--format", "epub"]);
        assert!(!stderr.contains(SECRET), "{stderr}");
        if let Ok(epub) = std::fs::read(f.out().join("book.epub")) {
            let text = String::from_utf8_lossy(&epub).into_owned();
            assert!(!text.contains(SECRET));
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
            for i in 0..zip.len() {
                let mut entry = zip.by_index(i).unwrap();
                let mut body = Vec::new();
                std::io::Read::read_to_end(&mut entry, &mut body).unwrap();
                assert!(
                    !String::from_utf8_lossy(&body).contains(SECRET),
                    "{}",
                    entry.name().unwrap_or_default()
                );
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    t.join().unwrap();
    s.join().unwrap();
}

/// Runs the binary with `args` in `f`'s folder, killed after 10 s: (exit code, stderr, time).
/// A regression that blocks on a FIFO fails the test instead of hanging it.
fn run_bounded(f: &Fixture, args: &[&str]) -> (Option<i32>, String, Duration) {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_bookpress"))
        .args(args)
        .current_dir(f.tmp.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(10) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("`bookpress {}` still running after 10 s", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let elapsed = start.elapsed();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed,
    )
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(ok.success(), "mkfifo {}", path.display());
}

/// The book's `name` made a FIFO, or a symlink to /dev/zero: refused with its name, fast.
fn assert_refused(f: &Fixture, args: &[&str], name: &str) {
    let (code, stderr, took) = run_bounded(f, args);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains(name), "{stderr}");
    assert!(
        stderr.contains("FIFO") || stderr.contains("a device"),
        "{stderr}"
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[test]
fn fifo_and_device_sections_are_refused_at_once() {
    let f = Fixture::text(&[("book.toml", TOML)]);
    mkfifo(&f.book().join("a.md"));
    assert_refused(&f, &["build", "book"], "a.md");
    std::fs::remove_file(f.book().join("a.md")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", f.book().join("a.md")).unwrap();
    // /dev/zero is outside the book: refused as a link out, before its type is even seen.
    let (code, stderr, took) = run_bounded(&f, &["build", "book"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("leads out of the book folder"), "{stderr}");
    assert!(took < Duration::from_secs(5));
}

#[test]
fn fifo_book_toml_picture_and_font_are_refused_at_once() {
    let f = Fixture::text(&[("a.md", "正文。\n\n![图](p.png)\n")]);
    mkfifo(&f.book().join("book.toml"));
    let (code, stderr, _) = run_bounded(&f, &["build", "book"]);
    assert_ne!(code, Some(0), "{stderr}");
    assert!(stderr.contains("book.toml"), "{stderr}");

    let f = Fixture::text(&[("book.toml", TOML), ("a.md", "正文。\n\n![图](p.png)\n")]);
    mkfifo(&f.book().join("p.png"));
    assert_refused(&f, &["build", "book"], "p.png");

    let toml = format!("{TOML}[fonts]\nbody = \"f.otf\"\n");
    let f = Fixture::text(&[("book.toml", &toml), ("a.md", "正文。\n")]);
    mkfifo(&f.book().join("f.otf"));
    assert_refused(&f, &["build", "book"], "f.otf");

    let toml = format!("{TOML}[fonts]\nbody = \"/dev/zero\"\n");
    let f = Fixture::text(&[("book.toml", &toml), ("a.md", "正文。\n")]);
    assert_refused(&f, &["build", "book"], "/dev/zero");
}

#[test]
fn impose_refuses_a_fifo_and_dev_zero_at_once() {
    let f = Fixture::text(&[("book.toml", TOML), ("a.md", "正文。\n")]);
    let fifo = f.tmp.path().join("in.pdf");
    mkfifo(&fifo);
    assert_refused(&f, &["impose", "in.pdf", "-o", "print.pdf"], "in.pdf");
    assert_refused(&f, &["impose", "/dev/zero", "-o", "print.pdf"], "/dev/zero");
}

#[test]
fn a_relative_font_path_may_not_leave_the_book_folder() {
    let toml = format!("{TOML}[fonts]\nbody = \"../f.otf\"\n");
    let f = Fixture::text(&[("book.toml", &toml), ("a.md", "正文。\n")]);
    std::fs::copy(
        common::repo().join("fonts/NotoSerifCJKsc-Regular.otf"),
        f.tmp.path().join("f.otf"),
    )
    .unwrap();
    let e = f.error();
    assert_eq!((e.file, e.line), (Some(f.book().join("book.toml")), 5));
    assert!(e.message.contains("f.otf"), "{}", e.message);
}

#[test]
fn a_truncated_font_is_damaged_at_its_book_toml_line() {
    let toml = format!("{TOML}[fonts]\nbody = \"f.otf\"\n");
    let f = Fixture::text(&[("book.toml", &toml), ("a.md", "正文。\n")]);
    let font = std::fs::read(common::repo().join("fonts/NotoSerifCJKsc-Regular.otf")).unwrap();
    f.write("f.otf", &font[..font.len() / 2]);
    let e = f.error();
    assert!(e.message.contains("is damaged ("), "{}", e.message);
    assert!(e.message.contains("f.otf"), "{}", e.message);
    assert_eq!((e.file, e.line), (Some(f.book().join("book.toml")), 5));
}

/// `check --fix` while the section is swapped for a link to an outside file: the outside file
/// is never written, nor its mode changed, and no staged file is left.
#[test]
fn check_fix_never_writes_through_a_link_swapped_in() {
    use std::os::unix::fs::PermissionsExt;
    let f = Fixture::text(&[("book.toml", TOML), ("a.md", "# 标题\n\n你好,世界。\n")]);
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.md");
    std::fs::write(&secret, "# 外\n\n外面,别改。\n").unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let t = swapper(&f.book(), "a.md", &secret, stop.clone());
    for _ in 0..60 {
        let (code, stderr) = f.run(&["check", "book", "--fix"]);
        assert!(code <= 2, "{stderr}");
        assert_eq!(
            std::fs::read_to_string(&secret).unwrap(),
            "# 外\n\n外面,别改。\n"
        );
    }
    stop.store(true, Ordering::Relaxed);
    assert!(t.join().unwrap() > 0);
    let mode = std::fs::metadata(&secret).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "the outside file's mode changed");
    let left: Vec<String> = std::fs::read_dir(f.book())
        .unwrap()
        .chain(std::fs::read_dir(outside.path()).unwrap())
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(left.is_empty(), "{left:?} left behind");
}

#[test]
fn check_fix_writes_through_a_link_inside_the_book() {
    let f = Fixture::text(&[("book.toml", TOML), ("real.md", "你好,世界。\n")]);
    std::os::unix::fs::symlink("real.md", f.book().join("a.md")).unwrap();
    let (code, stderr) = f.run(&["check", "book", "--fix"]);
    assert!(code == 0 || code == 1, "{stderr}");
    let link = std::fs::symlink_metadata(f.book().join("a.md")).unwrap();
    assert!(
        link.file_type().is_symlink(),
        "the link was replaced by a file"
    );
    let fixed = std::fs::read_to_string(f.book().join("real.md")).unwrap();
    assert_eq!(fixed, "你好，世界。\n");
}
