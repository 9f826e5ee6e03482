//! The `bookpress` command: arguments in, diagnostics and exit codes out. All work is in the library.

use bookpress::build::{BuildOptions, Format, build};
use bookpress::diag::{Diagnostic, Severity};
use bookpress::impose::{Binding, ImposeOptions, Mode, SheetSize};
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(
    name = "bookpress",
    version,
    about = "Compile a folder of Chinese Markdown sections into an EPUB 3 and a PDF booklet",
    after_help = "Exit status: 0 done, 1 the book (or PDF) has an error, 2 could not run \
                  (wrong command line, no book.toml)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// When to colour messages: auto (when stderr is a terminal and NO_COLOR is unset)
    #[arg(long, value_enum, default_value = "auto", global = true)]
    color: ColorArg,
    /// Print only errors (and nothing when all went well)
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Also print the fonts used and the time each stage took
    #[arg(short, long, global = true)]
    verbose: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Build the book: out/<name>.epub and out/<name>.pdf (exit 0 built, 1 errors in the book)
    Build {
        #[command(flatten)]
        args: BuildArgs,
        /// Keep running and rebuild whenever a file of the book changes (like `bookpress watch`)
        #[arg(long)]
        watch: bool,
    },
    /// Build the book, then rebuild it whenever one of its files changes (Ctrl-C stops)
    Watch {
        #[command(flatten)]
        args: BuildArgs,
    },
    /// Check the book's sources without writing anything (exit 0 clean, 1 problems, 2 could not run)
    Check {
        /// The book folder (holding book.toml)
        #[arg(default_value = ".")]
        book: PathBuf,
        /// Rewrite half-width punctuation in Chinese text in place
        #[arg(long)]
        fix: bool,
        /// How to print the findings: text (with the source line), json (one object a line),
        /// github (GitHub Actions annotations), gitlab (a Code Quality report)
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
        /// Do not look in the machine's fonts for characters the book's fonts lack (an error then)
        #[arg(long)]
        no_system_fonts: bool,
    },
    /// Impose any PDF for printing: two pages per sheet side, in booklet order
    Impose {
        /// The PDF to impose (its pages should be half the sheet, e.g. A5 for A4 sheets)
        input: PathBuf,
        /// The print file to write (default: <input>-print.pdf)
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        sheets: SheetArgs,
        /// Impose even a PDF whose pages already are landscape sheets (imposed before)
        #[arg(long)]
        force: bool,
        /// The booklet's bound edge: right for vertical text read right to left (default: right
        /// when the PDF's viewer preferences say /Direction /R2L, else left)
        #[arg(long, value_enum)]
        binding: Option<BindingArg>,
    },
    /// Download the book's remote pictures once into BOOK_DIR/.bookpress-cache/images/ (builds
    /// never use the network; they take the pictures from there)
    FetchImages {
        /// The book folder (holding book.toml)
        #[arg(default_value = ".")]
        book: PathBuf,
        #[command(flatten)]
        fetch: FetchArgs,
    },
    /// Start a new book in DIR: book.toml (every key explained), a preface, a chapter, a picture
    New {
        /// The folder to create (must not exist, or be empty)
        dir: PathBuf,
        /// The book's title (default: the folder's name)
        #[arg(long)]
        title: Option<String>,
    },
    /// Print a shell completion script, e.g. `bookpress completions bash > ~/.local/share/bash-completion/completions/bookpress`
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `bookpress man > ~/.local/share/man/man1/bookpress.1`
    Man,
}

#[derive(Args)]
struct BuildArgs {
    /// The book folder (holding book.toml)
    #[arg(default_value = ".")]
    book: PathBuf,
    /// Where to write the outputs
    #[arg(short, long, default_value = "out")]
    output: PathBuf,
    /// Which output to write (repeat for several; default: all)
    #[arg(long = "format", value_enum)]
    formats: Vec<FormatArg>,
    /// Print the time each stage took
    #[arg(long)]
    timings: bool,
    /// Also write <name>-print.pdf: the booklet imposed on sheets for duplex printing
    #[arg(long)]
    impose: bool,
    #[command(flatten)]
    sheets: SheetArgs,
    /// Embed a subset of the body font in the EPUB
    #[arg(long)]
    embed_font: bool,
    /// Do not look in the machine's fonts for characters the book's fonts lack (an error then)
    #[arg(long)]
    no_system_fonts: bool,
    /// How to print errors and warnings: text, json (one object a line), github (annotations),
    /// gitlab (a Code Quality report)
    #[arg(long, value_enum, default_value = "text")]
    message_format: OutputFormat,
    /// First download the remote pictures not yet in the cache (as `bookpress fetch-images`)
    #[arg(long)]
    fetch_images: bool,
    #[command(flatten)]
    fetch: FetchArgs,
}

#[derive(Args)]
struct FetchArgs {
    /// Give up on one picture after this many seconds
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    fetch_timeout: f64,
    /// Refuse a picture larger than this many megabytes
    #[arg(long, value_name = "MB", default_value_t = 50)]
    fetch_max_mb: u64,
}

impl FetchArgs {
    fn limits(&self) -> bookpress::fetch::Limits {
        bookpress::fetch::Limits {
            timeout: Duration::from_secs_f64(self.fetch_timeout.clamp(0.1, 3600.0)),
            max_bytes: self.fetch_max_mb.saturating_mul(1024 * 1024),
            ..Default::default()
        }
    }
}

#[derive(Args)]
struct SheetArgs {
    /// Sheet size (landscape, two pages side by side): a4 for A5 pages, a3 for A4, b4 for B5
    #[arg(long, value_enum, default_value = "a4")]
    sheet: SheetArg,
    /// saddle: fold the stack and staple on the fold; cut: cut the stack in half and stack it
    #[arg(long, value_enum, default_value = "saddle")]
    mode: ModeArg,
    /// Draw fold and crop marks
    #[arg(long)]
    marks: bool,
    /// Creep in mm: the innermost sheet's pages move this far toward the fold (thick stacks;
    /// at most what the sheet leaves, about 7.7 mm for A5 on A4)
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    creep: f32,
}

impl SheetArgs {
    fn options(&self) -> ImposeOptions {
        ImposeOptions {
            sheet: match self.sheet {
                SheetArg::A4 => SheetSize::A4,
                SheetArg::A3 => SheetSize::A3,
                SheetArg::B4 => SheetSize::B4,
            },
            mode: match self.mode {
                ModeArg::Saddle => Mode::Saddle,
                ModeArg::Cut => Mode::CutStack,
            },
            marks: self.marks,
            creep_mm: self.creep,
            force: false,
            binding: None,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum BindingArg {
    Left,
    Right,
}

#[derive(Clone, Copy, ValueEnum)]
enum SheetArg {
    A4,
    A3,
    B4,
}

#[derive(Clone, Copy, ValueEnum)]
enum ModeArg {
    Saddle,
    Cut,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    Text,
    Json,
    Github,
    /// A GitLab Code Quality report: one JSON array on stdout
    Gitlab,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Epub,
    Pdf,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

// mimalloc instead of glibc's malloc: see Cargo.toml.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`, as its C header numbers it (the same in its v2 and v3;
/// the Rust bindings do not name it).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

unsafe extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// Makes mimalloc keep the pages it frees for the rest of the process instead of giving them
/// back to the system at once (purge delay −1, "never"). A build is short and its allocations
/// churn: with the delay at 0, a third of the drawing thread's system time was `madvise` and
/// the page faults of touching the same memory again. `bench/ab.py` under `chrt -f 50`, delay 0
/// against −1: the technical bench book 1,019 → 867 ms wall (peak RSS 117 → 145 MB), the
/// 1,000-page book 1,006 → 836 ms (70 → 95 MB), the text-only 5 MB book 2,034 → 1,755 ms (114 →
/// 151 MB). Memory is what the README's hostile table measures; it is still well inside the
/// speed issue's bounds (200 MB for 1,000 pages, 500 MB for the technical book).
/// `MIMALLOC_PURGE_DELAY` set in the environment (mimalloc's own option) is left to rule.
fn keep_freed_memory() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: mi_option_set only stores an integer in mimalloc's option table, read again at
    // each purge; it takes no pointers.
    unsafe {
        mi_option_set(MI_OPTION_PURGE_DELAY, -1);
    }
}

fn main() -> ExitCode {
    keep_freed_memory();
    let cli = Cli::parse();
    bookpress::output::remove_staged_on_signal();
    let color = match cli.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            std::io::stderr().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let mut rep = Reporter {
        color,
        format: OutputFormat::Text,
        quiet: cli.quiet,
        verbose: cli.verbose,
        book: PathBuf::from("."),
        sources: Mutex::new(HashMap::new()),
    };
    match cli.command {
        Command::Check {
            book,
            fix,
            format,
            no_system_fonts,
        } => {
            rep.format = format;
            run_check(&book_dir(&book), fix, !no_system_fonts, &rep)
        }
        Command::Build { args, watch } => {
            rep.format = args.message_format;
            if watch {
                run_watch(&args, &rep)
            } else {
                run_build(&args, &rep)
            }
        }
        Command::Watch { args } => {
            rep.format = args.message_format;
            run_watch(&args, &rep)
        }
        Command::Impose {
            input,
            output,
            sheets,
            force,
            binding,
        } => {
            let output = output.unwrap_or_else(|| print_name(&input));
            let opts = ImposeOptions {
                force,
                binding: binding.map(|b| match b {
                    BindingArg::Left => Binding::Left,
                    BindingArg::Right => Binding::Right,
                }),
                ..sheets.options()
            };
            match bookpress::impose::impose_file(&input, &output, &opts) {
                Ok(()) => {
                    if !rep.quiet {
                        println!("wrote {}", output.display());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    rep.findings(&e.diagnostics);
                    ExitCode::from(1)
                }
            }
        }
        Command::FetchImages { book, fetch } => run_fetch(&book_dir(&book), &fetch, &rep),
        Command::New { dir, title } => match bookpress::new::new_book(&dir, title.as_deref()) {
            Ok(files) => {
                if !rep.quiet {
                    for f in &files {
                        println!("wrote {}", f.display());
                    }
                    let shown = dir.display().to_string();
                    let arg = if shown.contains([' ', '\'', '"']) {
                        format!("\"{shown}\"")
                    } else {
                        shown
                    };
                    eprintln!("next: bookpress build {arg}   (or: bookpress watch {arg})");
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                rep.findings(&e.diagnostics);
                ExitCode::from(1)
            }
        },
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "bookpress",
                &mut std::io::stdout(),
            );
            ExitCode::SUCCESS
        }
        Command::Man => {
            let man = clap_mangen::Man::new(Cli::command());
            let mut out = Vec::new();
            match man
                .render(&mut out)
                .and_then(|()| std::io::stdout().write_all(&out))
            {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: cannot write the manual page: {e}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

/// `book/book.toml` given where the folder is meant: the folder.
fn book_dir(arg: &Path) -> PathBuf {
    if arg.file_name().is_some_and(|n| n == "book.toml") && arg.is_file() {
        match arg.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    } else {
        arg.to_path_buf()
    }
}

/// The same message, and exit status 2, for every command given a folder without book.toml.
fn no_book(dir: &Path) -> Option<Diagnostic> {
    let toml = dir.join("book.toml");
    if toml.is_file() {
        return None;
    }
    let what = if dir.is_dir() {
        format!("no book.toml in `{}`", dir.display())
    } else {
        format!("no book folder `{}`", dir.display())
    };
    Some(Diagnostic::error(what).hint(
        "give the folder that holds book.toml, e.g. `bookpress build book`; start a new book \
         with `bookpress new DIR`",
    ))
}

fn build_options(args: &BuildArgs) -> BuildOptions {
    BuildOptions {
        out_dir: args.output.clone(),
        formats: args
            .formats
            .iter()
            .map(|f| match f {
                FormatArg::Epub => Format::Epub,
                FormatArg::Pdf => Format::Pdf,
            })
            .collect(),
        impose: args.impose.then(|| args.sheets.options()),
        embed_font: args.embed_font,
        system_fonts: !args.no_system_fonts,
    }
}

fn run_build(args: &BuildArgs, rep: &Reporter) -> ExitCode {
    let dir = book_dir(&args.book);
    let rep = &rep.for_book(&dir);
    if let Some(d) = no_book(&dir) {
        rep.findings(&[d]);
        return ExitCode::from(2);
    }
    if args.fetch_images && run_fetch(&dir, &args.fetch, rep) != ExitCode::SUCCESS {
        return ExitCode::from(1);
    }
    let opts = build_options(args);
    let progress = Progress::start(rep, &dir);
    let result = build(&dir, &opts);
    drop(progress);
    match result {
        Ok(built) => {
            rep.findings(&built.warnings);
            if !rep.quiet {
                for f in &built.files {
                    // stdout stays one JSON document (lines) for the machine formats.
                    if matches!(rep.format, OutputFormat::Json | OutputFormat::Gitlab) {
                        eprintln!("wrote {}", f.display());
                    } else {
                        println!("wrote {}", f.display());
                    }
                }
            }
            if rep.verbose {
                for (path, index) in &built.fonts {
                    eprintln!("font: {} (face {index})", path.display());
                }
            }
            if args.timings || rep.verbose {
                let p = built.pictures;
                eprintln!(
                    "pictures: {} decoded, {} from the cache, {} as they are",
                    p.decoded, p.cached, p.kept
                );
                let total: f64 = built
                    .timings
                    .iter()
                    .filter(|(n, _)| !n.ends_with("(concurrent)"))
                    .map(|(_, t)| t.as_secs_f64())
                    .sum();
                for (stage, t) in &built.timings {
                    eprintln!("{stage:>18}: {:8.1} ms", t.as_secs_f64() * 1000.0);
                }
                eprintln!("{:>18}: {:8.1} ms", "total", total * 1000.0);
            }
            rep.summary(&built.warnings);
            ExitCode::SUCCESS
        }
        Err(e) => {
            rep.findings(&e.diagnostics);
            rep.summary(&e.diagnostics);
            ExitCode::from(1)
        }
    }
}

/// `fetch-images`: failed downloads are warnings (the placeholders stay), so the exit status is
/// 0 unless the book cannot be read or the cache cannot be written.
fn run_fetch(dir: &Path, args: &FetchArgs, rep: &Reporter) -> ExitCode {
    let rep = &rep.for_book(dir);
    if let Some(d) = no_book(dir) {
        rep.findings(&[d]);
        return ExitCode::from(2);
    }
    let show = !rep.quiet && std::io::stderr().is_terminal();
    let mut progress = |done: usize, total: usize, url: &str| {
        if show && done < total {
            eprint!("\r\x1b[2Kfetching {}/{total} {url}", done + 1);
        } else if show {
            eprint!("\r\x1b[2K");
        }
    };
    match bookpress::fetch::fetch_book(dir, &args.limits(), &mut progress) {
        Ok(fetched) => {
            rep.findings(&fetched.failures);
            if !rep.quiet {
                for (url, rel) in &fetched.stored {
                    eprintln!("fetched {url} → {rel}");
                }
                eprintln!(
                    "{} downloaded, {} failed",
                    fetched.stored.len(),
                    fetched.failures.len()
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            rep.findings(&e.diagnostics);
            rep.summary(&e.diagnostics);
            ExitCode::from(1)
        }
    }
}

fn run_watch(args: &BuildArgs, rep: &Reporter) -> ExitCode {
    let dir = book_dir(&args.book);
    let rep = &rep.for_book(&dir);
    if let Some(d) = no_book(&dir) {
        rep.findings(&[d]);
        return ExitCode::from(2);
    }
    let opts = build_options(args);
    if !rep.quiet {
        eprintln!("watching {} for changes (Ctrl-C to stop)", dir.display());
    }
    let root = dir.canonicalize().unwrap_or_else(|_| dir.clone());
    let result = bookpress::watch::watch(&dir, &opts.out_dir, |changed| {
        let start = Instant::now();
        let built = build(&dir, &opts);
        let secs = start.elapsed().as_secs_f64();
        rep.forget_sources();
        let cause = match changed.first() {
            None => String::new(),
            Some(p) => {
                let rel = p.strip_prefix(&root).unwrap_or(p);
                let more = if changed.len() > 1 {
                    format!(" (+{} more)", changed.len() - 1)
                } else {
                    String::new()
                };
                format!("{}{more} changed: ", rel.display())
            }
        };
        match built {
            Ok(b) => {
                rep.findings(&b.warnings);
                let files: Vec<String> = b.files.iter().map(|f| f.display().to_string()).collect();
                println!(
                    "[{}] {cause}built {} in {secs:.2} s; {}",
                    clock(),
                    files.join(", "),
                    bookpress::diag::summary(&b.warnings)
                );
            }
            Err(e) => {
                rep.findings(&e.diagnostics);
                println!(
                    "[{}] {cause}build failed in {secs:.2} s; {}; the last good outputs are kept",
                    clock(),
                    bookpress::diag::summary(&e.diagnostics)
                );
            }
        }
        let _ = std::io::stdout().flush();
        true
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            rep.findings(&e.diagnostics);
            ExitCode::from(1)
        }
    }
}

/// The time of day, UTC, as `HH:MM:SS UTC`.
fn clock() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let day = secs % 86_400;
    format!("{:02}:{:02}:{:02} UTC", day / 3600, day / 60 % 60, day % 60)
}

/// `booklet.pdf` → `booklet-print.pdf` beside it.
fn print_name(input: &Path) -> PathBuf {
    let stem = input
        .file_stem()
        .map_or_else(|| "booklet".into(), |s| s.to_string_lossy().into_owned());
    input.with_file_name(format!("{stem}-print.pdf"))
}

fn run_check(book: &Path, fix: bool, system_fonts: bool, rep: &Reporter) -> ExitCode {
    let rep = &rep.for_book(book);
    if let Some(d) = no_book(book) {
        rep.findings(&[d]);
        return ExitCode::from(2);
    }
    let report = match bookpress::check::check_book_with(book, fix, system_fonts) {
        Ok(r) => r,
        Err(e) => {
            rep.findings(&e.diagnostics);
            return ExitCode::from(2);
        }
    };
    if !rep.quiet {
        for (file, n) in &report.fixed {
            eprintln!("fixed {n} places in {}", file.display());
        }
    }
    rep.findings(&report.findings);
    let problems = report.findings.iter().any(|d| d.severity != Severity::Note);
    if problems {
        rep.summary(&report.findings);
        ExitCode::from(1)
    } else {
        if rep.format == OutputFormat::Text && !rep.quiet {
            eprintln!("no problems found");
        }
        ExitCode::SUCCESS
    }
}

/// Prints diagnostics the way the command line asked.
struct Reporter {
    color: bool,
    format: OutputFormat,
    quiet: bool,
    verbose: bool,
    /// The book folder: section paths in diagnostics are relative to it.
    book: PathBuf,
    /// File texts already read for snippets, by the path shown.
    sources: Mutex<HashMap<PathBuf, Option<Arc<str>>>>,
}

impl Reporter {
    fn for_book(&self, book: &Path) -> Reporter {
        Reporter {
            book: book.to_path_buf(),
            sources: Mutex::new(HashMap::new()),
            ..*self
        }
    }

    /// Sources may have changed (watch): read them again next time.
    fn forget_sources(&self) {
        self.sources
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    fn findings(&self, findings: &[Diagnostic]) {
        if self.format == OutputFormat::Gitlab {
            let issues: Vec<String> = findings
                .iter()
                .filter(|d| !self.quiet || d.severity == Severity::Error)
                .map(|d| {
                    let shown = d.file.as_deref().map(|f| self.shown_path(f));
                    d.to_gitlab(shown.as_ref().map(|p| p.display().to_string()).as_deref())
                })
                .collect();
            println!("[{}]", issues.join(",\n"));
            return;
        }
        for d in findings {
            if self.quiet && d.severity != Severity::Error {
                continue;
            }
            let shown = d.file.as_deref().map(|f| self.shown_path(f));
            let shown_str = shown.as_ref().map(|p| p.display().to_string());
            match self.format {
                OutputFormat::Json | OutputFormat::Gitlab => println!("{}", d.to_json()),
                OutputFormat::Github => println!("{}", d.to_github(shown_str.as_deref())),
                OutputFormat::Text => {
                    let source = shown
                        .as_deref()
                        .filter(|_| d.line > 0)
                        .and_then(|p| self.source(p));
                    eprintln!(
                        "{}\n",
                        d.render(shown_str.as_deref(), source.as_deref(), self.color)
                    );
                }
            }
        }
    }

    /// `2 errors, 1 warning` after the findings (text and github formats; json stays one
    /// object a line).
    fn summary(&self, findings: &[Diagnostic]) {
        let errors = findings.iter().any(|d| d.severity == Severity::Error);
        let any = findings.iter().any(|d| d.severity != Severity::Note);
        if self.format == OutputFormat::Json || !any || (self.quiet && !errors) {
            return;
        }
        eprintln!("{}", bookpress::diag::summary(findings));
    }

    /// The file as the user can open it from the working directory: paths relative to the
    /// book folder (section files) are joined to it.
    fn shown_path(&self, file: &Path) -> PathBuf {
        if file.is_absolute() || file.starts_with(bookpress::book::manifest::BUILTIN_FONT_DIR) {
            return file.to_path_buf();
        }
        let joined = self.book.join(file);
        let path = if joined.is_file() || !file.exists() {
            joined
        } else {
            file.to_path_buf()
        };
        let clean: PathBuf = path
            .components()
            .filter(|c| !matches!(c, Component::CurDir))
            .collect();
        if clean.as_os_str().is_empty() {
            path
        } else {
            clean
        }
    }

    /// The text of a file, decoded as the loader decodes it (so line numbers agree); `None`
    /// for a file that is not text or is too large to be a source.
    fn source(&self, path: &Path) -> Option<Arc<str>> {
        let mut cache = self.sources.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry(path.to_path_buf())
            .or_insert_with(|| {
                // Only a regular file within the section cap: a FIFO named in a message must not
                // hang the printing of it.
                let kind = bookpress::book::confined::Kind::Section;
                let bytes = bookpress::book::confined::read_path(path, kind).ok()?;
                let text = bookpress::book::source::decode(bytes, path).ok()?;
                Some(Arc::from(text))
            })
            .clone()
    }
}

/// `building book… 3 s` on stderr while a build runs longer than two seconds, when stderr is a
/// terminal (and not --quiet); erased when the build ends.
struct Progress {
    done: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(rep: &Reporter, dir: &Path) -> Progress {
        let done = Arc::new(AtomicBool::new(false));
        let show = !rep.quiet && std::io::stderr().is_terminal();
        let thread = show.then(|| {
            let done = done.clone();
            let name = dir.display().to_string();
            std::thread::spawn(move || {
                let start = Instant::now();
                let mut shown = false;
                let mut last = 0;
                while !done.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    let secs = start.elapsed().as_secs();
                    if secs >= 2 && secs != last {
                        eprint!("\rbuilding {name}… {secs} s");
                        shown = true;
                        last = secs;
                    }
                }
                if shown {
                    eprint!("\r\x1b[2K");
                }
            })
        });
        Progress { done, thread }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
