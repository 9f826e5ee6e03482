//! A build writes all its outputs or none: a failed rename leaves the previous outputs as they
//! were, killed builds leave nothing after the next build, SIGTERM removes the staged files, and
//! two builds into one folder never leave the EPUB of one beside the PDF of the other.

mod common;

use common::Fixture;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

fn command(book: &Path, out: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bookpress"));
    cmd.arg("build")
        .arg(book)
        .arg("-o")
        .arg(out)
        .arg("-q")
        .env("SOURCE_DATE_EPOCH", "1622678400");
    cmd
}

fn build(book: &Path, out: &Path) -> Output {
    command(book, out).output().unwrap()
}

fn spawn(book: &Path, out: &Path) -> Child {
    command(book, out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// What the build left of its own in `out` besides the lock: staged or set-aside files, and
/// temporary files in its cache (the cache itself any build may fill, see
/// src/pdf/font_cache.rs).
fn leftovers(out: &Path) -> Vec<String> {
    let mut left: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".bookpress") && n != ".bookpress.lock")
        .filter(|n| n != ".bookpress-cache")
        .collect();
    for sub in ["fonts", "pictures"] {
        let Ok(entries) = std::fs::read_dir(out.join(".bookpress-cache").join(sub)) else {
            continue;
        };
        left.extend(
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(".part-")),
        );
    }
    left
}

fn read(p: PathBuf) -> Vec<u8> {
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn a_failed_rename_keeps_the_previous_outputs() {
    let f = Fixture::chapters(2, "甲");
    let (b, out) = (f.book(), f.out());
    let o = command(&b, &out)
        .args(["--format", "epub"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let old_epub = read(out.join("book.epub"));
    // The PDF's name is taken by a folder: the second build cannot put its PDF there.
    std::fs::create_dir_all(out.join("book.pdf/keep")).unwrap();
    f.write_chapters(3, "乙");
    let o = build(&b, &out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("book.pdf") && err.contains("previous outputs are kept"),
        "{err}"
    );
    assert_eq!(
        read(out.join("book.epub")),
        old_epub,
        "the old EPUB is untouched"
    );
    assert!(
        out.join("book.pdf/keep").is_dir(),
        "the folder is untouched"
    );
    assert_eq!(leftovers(&out), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn killed_builds_leave_nothing_after_the_next_build() {
    let f = Fixture::chapters(30, "丙");
    let (b, out) = (f.book(), f.out());
    let reference = f.tmp.path().join("ref");
    assert!(build(&b, &reference).status.success());
    let (epub, pdf) = (
        read(reference.join("book.epub")),
        read(reference.join("book.pdf")),
    );
    for delay_ms in (0..12).map(|i| i * 25) {
        let mut child = spawn(&b, &out);
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL: nothing of ours runs
        let _ = child.wait();
        // The next build (the next round's) repairs whatever the kill interrupted.
    }
    assert!(build(&b, &out).status.success());
    assert_eq!(leftovers(&out), Vec::<String>::new());
    assert_eq!(read(out.join("book.epub")), epub);
    assert_eq!(read(out.join("book.pdf")), pdf);
}

#[cfg(unix)]
#[test]
fn sigterm_removes_the_staged_files() {
    let f = Fixture::chapters(60, "丁");
    let (b, out) = (f.book(), f.out());
    for delay_ms in [50, 300, 600, 700, 800, 900, 1050] {
        let child = spawn(&b, &out);
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let status = child.wait_with_output().unwrap().status;
        // Stopped by the signal (130) or already done (0); never a staged file left behind.
        assert!(matches!(status.code(), Some(0) | Some(130)), "{status:?}");
        if out.exists() {
            assert_eq!(leftovers(&out), Vec::<String>::new(), "after {delay_ms} ms");
        }
    }
}

#[test]
fn concurrent_builds_into_one_folder_leave_a_matching_pair() {
    // Two books of one name (each fixture's folder is `book`), built into one folder.
    let (fa, fb) = (Fixture::chapters(8, "戊"), Fixture::chapters(8, "己"));
    let (a, b) = (fa.book(), fb.book());
    let pair = |dir: &Path| (read(dir.join("book.epub")), read(dir.join("book.pdf")));
    let (ra, rb) = (fa.tmp.path().join("ra"), fb.tmp.path().join("rb"));
    assert!(build(&a, &ra).status.success() && build(&b, &rb).status.success());
    let (pa, pb) = (pair(&ra), pair(&rb));
    assert_ne!(pa.1, pb.1);
    let out = fa.out();
    for _ in 0..4 {
        let children = [spawn(&a, &out), spawn(&b, &out), spawn(&a, &out)];
        for c in children {
            assert!(c.wait_with_output().unwrap().status.success());
        }
        let got = pair(&out);
        assert!(
            got == pa || got == pb,
            "the EPUB and the PDF come from different builds"
        );
        assert_eq!(leftovers(&out), Vec::<String>::new());
    }
}
