//! Generates a large test book deterministically from the sample book's text, for the benchmark:
//! `cargo run --release --example genbook -- PAGES OUT_DIR`. About 550 CJK characters (630 characters), 0.3
//! figures and 0.2 sections per page, so 1000 pages ≈ 550,000 characters, 300 figures, 200
//! sections. The same arguments always give the same files.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(pages), Some(out)) = (
        args.get(1).and_then(|p| p.parse::<usize>().ok()),
        args.get(2),
    ) else {
        eprintln!("usage: genbook PAGES OUT_DIR");
        std::process::exit(2);
    };
    if let Err(e) = generate(pages, Path::new(out)) {
        eprintln!("genbook: {e}");
        std::process::exit(1);
    }
}

/// Paragraphs of the sample book (body text only), the material every generated book reuses.
fn material(sample: &Path) -> std::io::Result<Vec<String>> {
    let mut paras = Vec::new();
    for entry in std::fs::read_dir(sample)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "md")
            && path.file_name().is_some_and(|n| n != "README.md")
        {
            let text = std::fs::read_to_string(&path)?;
            let body = text.rsplit("+++\n").next().unwrap_or(&text);
            paras.extend(
                body.split("\n\n")
                    .map(str::trim)
                    .filter(|p| {
                        !p.is_empty() && !p.starts_with(['#', '!']) && p.chars().count() > 40
                    })
                    .map(String::from),
            );
        }
    }
    paras.sort();
    Ok(paras)
}

/// A small deterministic generator (xorshift), so no dependency and no randomness.
struct Rng(u64);
impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn generate(pages: usize, out: &Path) -> std::io::Result<()> {
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("book");
    let paras = material(&sample)?;
    let sections = (pages / 5).max(1);
    let figures = pages * 3 / 10;
    let chars_total = pages * 630;
    std::fs::create_dir_all(out.join("images"))?;
    for i in 1..=4 {
        std::fs::copy(
            sample.join(format!("images/fig-{i}.jpg")),
            out.join(format!("images/fig-{i}.jpg")),
        )?;
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ pages as u64);
    let mut names = Vec::new();
    let mut figure_no = 0;
    for s in 0..sections {
        let name = format!("{:04}.md", s + 1);
        let mut md = String::new();
        let role = if s == 0 { "role = \"preface\"\n" } else { "" };
        writeln!(md, "+++\ntitle = \"第{}篇 交流经验 巩固提升成果\"\nauthor = \"作者{}\"\nkicker = \"专栏\"\n{role}+++\n", s + 1, s + 1)
            .ok();
        let budget = chars_total / sections;
        let figs_here = figures / sections + usize::from(s < figures % sections);
        let mut written = 0;
        let mut part = 0;
        let mut since_fig = 0;
        while written < budget {
            if written * 4 >= part * budget {
                part += 1;
                writeln!(
                    md,
                    "## {}、第{}部分\n",
                    ["一", "二", "三", "四", "五"][(part - 1) % 5],
                    part
                )
                .ok();
            }
            let p = &paras[rng.next(paras.len())];
            writeln!(md, "{p}\n").ok();
            written += p.chars().count();
            since_fig += 1;
            if figure_no < figures && figs_here > 0 && since_fig * figs_here >= 12 {
                figure_no += 1;
                since_fig = 0;
                writeln!(md, "![第{figure_no}幅图的说明文字，示例图片。](images/fig-{}.jpg \"受访者供图\")\n", figure_no % 4 + 1).ok();
            }
        }
        std::fs::write(out.join(&name), md)?;
        names.push(name);
    }
    let list = names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    std::fs::write(
        out.join("book.toml"),
        format!(
            "[book]\ntitle = \"生成的测试书（{pages}页）\"\neditors = [\"编辑甲\"]\nsections = [{list}]\n"
        ),
    )?;
    println!(
        "{}: {sections} sections, {figure_no} figures, about {chars_total} characters",
        out.display()
    );
    Ok(())
}
