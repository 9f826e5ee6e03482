//! Remote pictures: a build never touches the network and sets placeholders (EPUBCheck 0/0,
//! the URL printed in the PDF); `fetch-images` downloads them from a small HTTP server run by
//! the test on 127.0.0.1 (no outside network), refusing what is not a picture, too large, too
//! slow or a redirect loop; the next build takes the cached copies without the network.

use common::{Fixture, epubcheck};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

mod common;

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x * 9) as u8, (y * 3) as u8, 60]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// An HTTP/1.1 server on 127.0.0.1 with one route per behaviour; stops when dropped.
struct Server {
    port: u16,
    stop: Arc<AtomicBool>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                if let Ok(conn) = conn {
                    std::thread::spawn(move || answer(conn));
                }
            }
        });
        Server { port, stop }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn answer(mut conn: TcpStream) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).map_or(true, |n| n == 0) || header == "\r\n" {
            break;
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
    let (status, kind, body): (&str, &str, Vec<u8>) = match path.as_str() {
        "/ok.png" => ("200 OK", "image/png", png(40, 30)),
        // A WebP-less host that calls everything image/jpeg: the bytes decide.
        "/named-wrong.jpg" => ("200 OK", "image/jpeg", png(20, 20)),
        "/hop" => {
            let _ = conn.write_all(
                b"HTTP/1.1 302 Found\r\nLocation: /ok2.png\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
            return;
        }
        "/ok2.png" => ("200 OK", "image/png", png(24, 24)),
        "/missing.png" => ("404 Not Found", "text/html", b"<html>gone</html>".to_vec()),
        "/page.png" => (
            "200 OK",
            "image/png",
            b"<!DOCTYPE html><html>login</html>".to_vec(),
        ),
        "/big.png" => ("200 OK", "image/png", vec![0u8; 3 * 1024 * 1024]),
        "/slow.png" => {
            std::thread::sleep(Duration::from_secs(6));
            ("200 OK", "image/png", png(10, 10))
        }
        "/loop.png" => {
            let _ = conn.write_all(
                b"HTTP/1.1 302 Found\r\nLocation: /loop.png\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
            return;
        }
        _ => ("404 Not Found", "text/plain", b"no".to_vec()),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = conn.write_all(head.as_bytes());
    let _ = conn.write_all(&body);
    let _ = conn.flush();
    let mut rest = Vec::new();
    let _ = reader.read_to_end(&mut rest);
}

fn bookpress(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bookpress"));
    cmd.args(args)
        .arg(dir)
        .env("SOURCE_DATE_EPOCH", "1622678400")
        .env("NO_COLOR", "1");
    // The test server is on this machine: no proxy may stand between.
    for var in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        cmd.env_remove(var);
    }
    cmd.output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// An mdBook book (SUMMARY.md in src/) whose pictures are all remote, one per server behaviour.
fn remote_book(server: &Server) -> Fixture {
    let dir = Fixture::empty();
    let w = |p: &str, t: String| dir.write(p, t.as_bytes());
    w(
        "book.toml",
        "[book]\ntitle = \"远程图片\"\nauthors = [\"某某\"]\n".into(),
    );
    w(
        "src/SUMMARY.md",
        "# Summary\n\n- [第一章](a.md)\n- [第二章](b.md)\n".into(),
    );
    w(
        "src/a.md",
        format!(
            "# 第一章\n\n正文一段。\n\n![图 1.1 示意图]({})\n\n![图 1.2 跳转]({})\n\n<p align=\"center\"><img src=\"{}\" width=\"300\" height=\"150\" alt=\"图 1.3 错名\"></p>\n\n![图 1.4 缺失]({})\n",
            server.url("/ok.png"),
            server.url("/hop"),
            server.url("/named-wrong.jpg"),
            server.url("/missing.png"),
        ),
    );
    w(
        "src/b.md",
        format!(
            "# 第二章\n\n![图 2.1 网页]({})\n\n![图 2.2 太大]({})\n\n![图 2.3 太慢]({})\n\n![图 2.4 循环]({})\n\n再用一次：\n\n![图 2.5 又是示意图]({})\n",
            server.url("/page.png"),
            server.url("/big.png"),
            server.url("/slow.png"),
            server.url("/loop.png"),
            server.url("/ok.png"),
        ),
    );
    dir
}

fn pdftotext(pdf: &Path) -> String {
    let o = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is required");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn epub_entries(epub: &Path) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().unwrap().to_string(), data)
        })
        .collect()
}

#[test]
fn remote_pictures_build_as_placeholders_then_from_the_cache() {
    let server = Server::start();
    let book = remote_book(&server);
    let dir = book.book();
    let dir = dir.as_path();
    let name = dir.file_name().unwrap().to_str().unwrap().to_string();
    let out = dir.join("out");
    let (epub, pdf) = (
        out.join(format!("{name}.epub")),
        out.join(format!("{name}.pdf")),
    );

    // 1. Hermetic: the build warns once per place, with file and line, and succeeds.
    let built = bookpress(dir, &["build", "-o", out.to_str().unwrap()]);
    let err = stderr(&built);
    assert!(built.status.success(), "{err}");
    assert_eq!(err.matches("is not downloaded").count(), 9, "{err}");
    assert!(err.contains(&format!("remote picture `{}`", server.url("/ok.png"))));
    assert!(
        err.contains("src/a.md:5:1") && err.contains("src/b.md:13:1"),
        "{err}"
    );
    assert!(
        err.contains("note: 8 remote pictures are set as placeholders"),
        "{err}"
    );
    assert!(
        !dir.join(".bookpress-cache").exists(),
        "a build never downloads"
    );
    epubcheck(&epub);
    let text = pdftotext(&pdf);
    assert!(
        text.contains(&server.url("/ok.png")),
        "the URL is printed under the frame"
    );
    let entries = epub_entries(&epub);
    let section = entries
        .iter()
        .find(|(n, _)| n.ends_with("section-02.xhtml"))
        .map(|(_, d)| String::from_utf8_lossy(d).into_owned())
        .unwrap();
    assert!(section.contains(&format!("<a href=\"{}\">", server.url("/ok.png"))));
    assert!(
        !section.contains("<img src=\"http"),
        "no remote image in the EPUB"
    );

    // 2. `check` lists the same places and the count.
    let checked = bookpress(dir, &["check"]);
    let err = stderr(&checked);
    assert_eq!(err.matches("is not downloaded").count(), 9, "{err}");
    assert!(err.contains("8 remote pictures"), "{err}");

    // 3. Download: three pictures are stored, each failure says why and where.
    let fetched = bookpress(
        dir,
        &[
            "fetch-images",
            "--fetch-timeout",
            "2",
            "--fetch-max-mb",
            "1",
        ],
    );
    let err = stderr(&fetched);
    assert!(fetched.status.success(), "{err}");
    assert!(err.contains("3 downloaded, 5 failed"), "{err}");
    for why in [
        "the server answered 404",
        "not a picture",
        "larger than 1 MB",
        "timed out",
        "redirects (a redirect loop?)",
    ] {
        assert_eq!(err.matches(why).count(), 1, "{why}:\n{err}");
    }
    assert!(err.contains("src/b.md:7:1"), "the timeout is placed: {err}");
    let mut cached: Vec<String> = std::fs::read_dir(dir.join(".bookpress-cache/images"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    cached.sort();
    assert_eq!(cached.len(), 3, "{cached:?}");
    assert!(
        cached.iter().all(|n| n.ends_with(".png")),
        "named by content: {cached:?}"
    );

    // 4. Without the server, the build takes the cached copies: only the failures remain.
    let ok = format!("remote picture `{}`", server.url("/ok.png"));
    drop(server);
    let rebuilt = bookpress(dir, &["build", "-o", out.to_str().unwrap()]);
    let err = stderr(&rebuilt);
    assert!(rebuilt.status.success(), "{err}");
    assert_eq!(err.matches("is not downloaded").count(), 5, "{err}");
    assert!(!err.contains(&ok), "{err}");
    epubcheck(&epub);
    let entries = epub_entries(&epub);
    let served = png(40, 30);
    assert!(
        entries
            .iter()
            .any(|(n, d)| n.contains("images/") && *d == served),
        "the downloaded picture is in the EPUB byte for byte"
    );
    let first = std::fs::read(&pdf).unwrap();
    let again = bookpress(dir, &["build", "-o", out.to_str().unwrap()]);
    assert!(again.status.success());
    assert_eq!(
        first,
        std::fs::read(&pdf).unwrap(),
        "cached builds are reproducible"
    );
}

#[test]
fn build_fetch_images_downloads_first() {
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("book.toml"),
        "[book]\ntitle = \"一张图\"\nsections = [\"a.md\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("a.md"),
        format!("# 一\n\n![图 1 示意]({})\n", server.url("/ok.png")),
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = bookpress(
        dir.path(),
        &["build", "--fetch-images", "-o", out.to_str().unwrap()],
    );
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("1 downloaded, 0 failed"), "{err}");
    assert!(!err.contains("is not downloaded"), "{err}");
}
