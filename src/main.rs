//! The `bookpress` command: arguments in, diagnostics and exit codes out. All work is in the library.

use bookpress::build::{BuildOptions, Format, build};
use bookpress::diag::Diagnostic;
use bookpress::impose::{ImposeOptions, Mode, SheetSize};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "bookpress",
    version,
    about = "Compile a folder of Chinese Markdown sections into an EPUB 3 and a PDF booklet"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the book: out/<name>.epub and out/<name>.pdf (exit 0 built, 1 errors in the book)
    Build {
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
    },
    /// Check the book's sources without writing anything (exit 0 clean, 1 problems, 2 could not run)
    Check {
        /// The book folder (holding book.toml)
        #[arg(default_value = ".")]
        book: PathBuf,
        /// Rewrite half-width punctuation in Chinese text in place
        #[arg(long)]
        fix: bool,
        /// Output format of the findings
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
    },
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
    /// Creep in mm: the innermost sheet's pages move this far toward the fold (thick stacks)
    #[arg(long, default_value_t = 0.0)]
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
        }
    }
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
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Epub,
    Pdf,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check {
            book,
            fix,
            format,
            no_system_fonts,
        } => run_check(&book, fix, format, !no_system_fonts),
        Command::Build {
            book,
            output,
            formats,
            timings,
            impose,
            sheets,
            embed_font,
            no_system_fonts,
        } => {
            let opts = BuildOptions {
                out_dir: output,
                formats: formats
                    .into_iter()
                    .map(|f| match f {
                        FormatArg::Epub => Format::Epub,
                        FormatArg::Pdf => Format::Pdf,
                    })
                    .collect(),
                impose: impose.then(|| sheets.options()),
                embed_font,
                system_fonts: !no_system_fonts,
            };
            run_build(&book, &opts, timings)
        }
        Command::Impose {
            input,
            output,
            sheets,
        } => {
            let output = output.unwrap_or_else(|| print_name(&input));
            match bookpress::impose::impose_file(&input, &output, &sheets.options()) {
                Ok(()) => {
                    println!("wrote {}", output.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

fn run_build(book: &Path, opts: &BuildOptions, timings: bool) -> ExitCode {
    match build(book, opts) {
        Ok(built) => {
            for w in &built.warnings {
                eprintln!("{w}");
            }
            for f in &built.files {
                println!("wrote {}", f.display());
            }
            if timings {
                let total: f64 = built.timings.iter().map(|(_, t)| t.as_secs_f64()).sum();
                for (stage, t) in &built.timings {
                    eprintln!("{stage:>18}: {:8.1} ms", t.as_secs_f64() * 1000.0);
                }
                eprintln!("{:>18}: {:8.1} ms", "total", total * 1000.0);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

/// `booklet.pdf` → `booklet-print.pdf` beside it.
fn print_name(input: &Path) -> PathBuf {
    let stem = input
        .file_stem()
        .map_or_else(|| "booklet".into(), |s| s.to_string_lossy().into_owned());
    input.with_file_name(format!("{stem}-print.pdf"))
}

fn run_check(book: &Path, fix: bool, format: OutputFormat, system_fonts: bool) -> ExitCode {
    let report = match bookpress::check::check_book_with(book, fix, system_fonts) {
        Ok(r) => r,
        Err(e) => {
            print_findings(&e.diagnostics, format);
            return ExitCode::from(2);
        }
    };
    for (file, n) in &report.fixed {
        eprintln!("fixed {n} characters in {}", file.display());
    }
    print_findings(&report.findings, format);
    if report.findings.is_empty() {
        if format == OutputFormat::Text {
            eprintln!("no problems found");
        }
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn print_findings(findings: &[Diagnostic], format: OutputFormat) {
    for d in findings {
        match format {
            OutputFormat::Text => eprintln!("{d}"),
            OutputFormat::Json => println!("{}", d.to_json()),
        }
    }
}
