//! The command line: clap definitions → options → the library → exit code.
//!
//! Owns argument parsing, choosing the report format and colour, and mapping
//! outcomes to exit codes: 0 success, 1 content errors (or warnings with
//! `--deny-warnings`), 2 usage, configuration, template or I/O failures. It
//! holds no logic of its own beyond that.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::build::{self, BuildError, BuildOptions, BuildReport};
use crate::config::BrokenLinks;
use crate::report::{Format, Printer};

/// folio: a static documentation-site generator that checks every link.
#[derive(Debug, Parser)]
#[command(name = "folio", version = env!("FOLIO_VERSION"), about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the book into a static site.
    Build(BuildArgs),
    /// Check links, front matter and SUMMARY without writing anything (for CI).
    Check(CheckArgs),
    /// Repair text that is UTF-8 read as Windows-1252 (`â€™` → `’`) in place.
    FixEncoding(FixArgs),
    /// Preview the book: build it, serve it and reload the browser on save.
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
    /// Create a small book that builds with no warnings (never overwrites).
    Init(InitArgs),
    /// Print shell completions.
    Completions(CompletionsArgs),
    /// Print the manual page (roff), e.g. `folio man > folio.1`, or write
    /// one page per command with `--out DIR`.
    Man(ManArgs),
}

#[derive(Debug, clap::Args)]
struct ManArgs {
    /// Write folio.1 and folio-<command>.1 for every command into this
    /// folder instead of printing the top page.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct InitArgs {
    /// Where to create the book.
    #[arg(default_value = ".")]
    dir: PathBuf,
}

#[derive(Debug, clap::Args)]
struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[cfg(feature = "serve")]
#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// The book directory.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Port to listen on (0 picks a free one).
    #[arg(long, short, default_value_t = 3000)]
    port: u16,
    /// Address to listen on; the default keeps the preview on this machine.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Open the preview in a browser.
    #[arg(long)]
    open: bool,
}

#[derive(Debug, clap::Args)]
struct FixArgs {
    /// The book directory.
    #[arg(default_value = ".")]
    dir: PathBuf,
}

#[derive(Debug, clap::Args)]
struct BuildArgs {
    /// The book directory (containing book.toml, or a GitBook export).
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Output directory [default: DIR/book, or [build] build-dir].
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// The address the site is published at (overrides site-url), for
    /// canonical links, e.g. https://example.org/docs/kb/.
    #[arg(long, value_name = "URL")]
    site_url: Option<String>,
    #[command(flatten)]
    report: ReportArgs,
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// The book directory.
    #[arg(default_value = ".")]
    dir: PathBuf,
    #[command(flatten)]
    report: ReportArgs,
}

#[derive(Debug, clap::Args)]
struct ReportArgs {
    /// Whether broken links fail the build (overrides [build] broken-links).
    #[arg(long, value_enum, value_name = "LEVEL")]
    broken_links: Option<LinkLevel>,
    /// Exit 1 on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value = "human")]
    format: FormatArg,
    /// Also check external links over HTTP (see [link-check] in book.toml).
    #[arg(long)]
    external: bool,
    /// Print at most N problems (the counts by kind and the summary still
    /// cover all of them).
    #[arg(long, value_name = "N")]
    max_diagnostics: Option<usize>,
    /// No progress line (shown only on a terminal, for builds over a second).
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LinkLevel {
    Error,
    Warn,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FormatArg {
    /// rustc-like, with the source line and a caret (colour on a terminal).
    Human,
    /// One `file:line:col: severity[code]: message` line each.
    Short,
    /// One JSON document on stdout.
    Json,
    /// GitHub Actions annotations.
    Github,
    /// SARIF 2.1.0 on stdout, for code scanning.
    Sarif,
}

impl From<LinkLevel> for BrokenLinks {
    fn from(level: LinkLevel) -> Self {
        match level {
            LinkLevel::Error => BrokenLinks::Error,
            LinkLevel::Warn => BrokenLinks::Warn,
        }
    }
}

impl From<FormatArg> for Format {
    fn from(format: FormatArg) -> Self {
        match format {
            FormatArg::Human => Format::Human,
            FormatArg::Short => Format::Short,
            FormatArg::Json => Format::Json,
            FormatArg::Github => Format::Github,
            FormatArg::Sarif => Format::Sarif,
        }
    }
}

/// Parses the arguments and runs the command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let (options, report_args) = match cli.command {
        Command::FixEncoding(args) => return fix_encoding(&args.dir),
        #[cfg(feature = "serve")]
        Command::Serve(args) => return serve(args),
        Command::Init(args) => return init(&args.dir),
        Command::Completions(args) => {
            use clap::CommandFactory;
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "folio", &mut script);
            return write_stdout(&script);
        }
        Command::Man(args) => return man(args.out.as_deref()),
        Command::Build(args) => (
            BuildOptions {
                book_dir: args.dir,
                out_dir: args.out,
                broken_links: args.report.broken_links.map(Into::into),
                write: true,
                external: args.report.external,
                site_url: args.site_url,
            },
            args.report,
        ),
        Command::Check(args) => (
            BuildOptions {
                book_dir: args.dir,
                out_dir: None,
                broken_links: args.report.broken_links.map(Into::into),
                write: false,
                external: args.report.external,
                site_url: None,
            },
            args.report,
        ),
    };
    let printer = Printer {
        display_root: &options.book_dir,
        format: report_args.format.into(),
        colour: use_colour(),
        max_diagnostics: report_args.max_diagnostics,
    };
    let progress = ProgressLine::new(!report_args.quiet && std::io::stderr().is_terminal());
    let outcome = build::run_with_progress(&options, &progress);
    progress.finish();
    match outcome {
        Ok(report) => {
            print(&printer, &report);
            let (errors, warnings) = report.counts();
            if errors > 0 || (report_args.deny_warnings && warnings > 0) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(BuildError::Config(diagnostic)) => {
            let report = BuildReport {
                diagnostics: vec![*diagnostic],
                pages: 0,
                links: 0,
                written_to: None,
                reused: 0,
                check_only: !options.write,
            };
            print(&printer, &report);
            ExitCode::from(2)
        }
        Err(err) => {
            eprintln!("{}", prefix_book_dir(&err.to_string(), &options.book_dir));
            eprintln!("folio: stopped; nothing was written");
            ExitCode::from(2)
        }
    }
}

/// The progress line on a terminal: shown once a build has run for a
/// second (`FOLIO_PROGRESS_AFTER_MS` changes that, for tests), redrawn at
/// most ten times a second, and wiped before the report.
struct ProgressLine {
    enabled: bool,
    started: std::time::Instant,
    after: std::time::Duration,
    drawn: std::sync::Mutex<Option<std::time::Instant>>,
}

impl ProgressLine {
    fn new(enabled: bool) -> Self {
        let after = std::env::var("FOLIO_PROGRESS_AFTER_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .unwrap_or(1000);
        ProgressLine {
            enabled,
            started: std::time::Instant::now(),
            after: std::time::Duration::from_millis(after),
            drawn: std::sync::Mutex::new(None),
        }
    }

    /// Wipes the line, if one was drawn.
    fn finish(&self) {
        let drawn = self
            .drawn
            .lock()
            .map(|drawn| drawn.is_some())
            .unwrap_or(false);
        if drawn {
            eprint!("\r\x1b[2K");
        }
    }
}

impl build::Progress for ProgressLine {
    fn update(&self, stage: build::Stage, done: usize, total: usize) {
        if !self.enabled || self.started.elapsed() < self.after {
            return;
        }
        let Ok(mut drawn) = self.drawn.lock() else {
            return;
        };
        let recent = drawn.is_some_and(|at| at.elapsed() < std::time::Duration::from_millis(100));
        if recent && done != total {
            return;
        }
        *drawn = Some(std::time::Instant::now());
        let count = if total > 1 {
            format!(" {done}/{total}")
        } else {
            String::new()
        };
        eprint!("\r\x1b[2Kfolio: {}{count}", stage.describe());
    }
}

/// One line on standard output; a reader that has gone away (`| head`)
/// is no reason to stop or fail, so the error is dropped.
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// Writes to standard output; a reader that stops early (`folio man | head`)
/// is not an error.
fn write_stdout(bytes: &[u8]) -> ExitCode {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("folio: cannot write to standard output: {err}");
            ExitCode::from(2)
        }
    }
}

/// The manual: the top page on standard output, or with `out` one page per
/// command (`folio-build.1`, …), as the top page's SEE ALSO names them.
fn man(out: Option<&Path>) -> ExitCode {
    use clap::CommandFactory;
    let command = Cli::command();
    let Some(out) = out else {
        let mut page = Vec::new();
        if let Err(err) = clap_mangen::Man::new(command).render(&mut page) {
            eprintln!("folio: {err}");
            return ExitCode::from(2);
        }
        return write_stdout(&page);
    };
    let mut pages = vec![("folio.1".to_string(), command.clone())];
    for sub in command
        .get_subcommands()
        .filter(|sub| sub.get_name() != "help")
    {
        let name = format!("folio-{}", sub.get_name());
        pages.push((format!("{name}.1"), sub.clone().name(name)));
    }
    let written = std::fs::create_dir_all(out).and_then(|()| {
        for (file, command) in pages {
            let mut page = Vec::new();
            clap_mangen::Man::new(command).render(&mut page)?;
            std::fs::write(out.join(&file), page)?;
            say(&out.join(&file).display().to_string());
        }
        Ok(())
    });
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!(
                "folio: cannot write the manual into {}: {err}",
                out.display()
            );
            ExitCode::from(2)
        }
    }
}

/// Creates a starter book.
fn init(dir: &Path) -> ExitCode {
    match crate::init::init_book(dir) {
        Ok(files) => {
            for file in files {
                say(&format!("created {}", file.display()));
            }
            eprintln!("folio: build it with `folio build {}`", dir.display());
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("folio: {err}");
            ExitCode::from(2)
        }
    }
}

/// Runs the preview server until interrupted.
#[cfg(feature = "serve")]
fn serve(args: ServeArgs) -> ExitCode {
    let options = crate::serve::ServeOptions {
        book_dir: args.dir,
        host: args.host,
        port: args.port,
        open: args.open,
    };
    match crate::serve::serve(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("folio: {err}");
            ExitCode::from(2)
        }
    }
}

/// Runs `fix-encoding` and prints each repair as `file:line: before → after`.
fn fix_encoding(dir: &Path) -> ExitCode {
    match crate::fix::fix_encoding(dir) {
        Ok(repairs) => {
            for repair in &repairs {
                let file = if dir == Path::new(".") {
                    PathBuf::from(&repair.file)
                } else {
                    dir.join(&repair.file)
                };
                say(&format!(
                    "{}:{}: `{}` → `{}`",
                    file.display(),
                    repair.line,
                    repair.before,
                    repair.after
                ));
            }
            let files: std::collections::BTreeSet<&str> =
                repairs.iter().map(|r| r.file.as_str()).collect();
            eprintln!(
                "folio: repaired {} in {}",
                crate::report::plural(repairs.len(), "run"),
                crate::report::plural(files.len(), "file")
            );
            ExitCode::SUCCESS
        }
        Err(BuildError::Config(diagnostic)) => {
            eprintln!(
                "{}:{}:{}: error[invalid-config]: {}",
                diagnostic.file.display(),
                diagnostic.position.line,
                diagnostic.position.column,
                diagnostic.message
            );
            ExitCode::from(2)
        }
        Err(err) => {
            eprintln!("folio: {err}");
            ExitCode::from(2)
        }
    }
}

fn print(printer: &Printer<'_>, report: &BuildReport) {
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    // A closed pipe is no reason to change the exit code.
    let _ = printer.print(report, &mut stdout, &mut stderr);
}

/// Colour only for a person at a terminal, and never with `NO_COLOR`
/// (https://no-color.org).
fn use_colour() -> bool {
    std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
        && std::env::var_os("TERM").is_none_or(|term| term != "dumb")
}

/// Template errors name a theme file relative to the book; show it under
/// the book directory as typed, like every other path.
fn prefix_book_dir(text: &str, dir: &Path) -> String {
    if dir == Path::new(".") || !text.starts_with("theme/") {
        text.to_string()
    } else {
        format!("{}/{text}", dir.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
