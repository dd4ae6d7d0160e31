//! The command line: clap definitions → options → the library → exit code.
//!
//! Owns argument parsing, printing the report (diagnostics on stderr, a
//! summary line), and mapping outcomes to exit codes: 0 success, 1 content
//! errors, 2 usage, configuration, template or I/O failures. It holds no
//! logic of its own beyond that.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::build::{self, BuildOptions, BuildReport};
use crate::config::BrokenLinks;

/// folio: a static documentation-site generator that checks every link.
#[derive(Debug, Parser)]
#[command(name = "folio", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the book into a static site.
    Build(BuildArgs),
    /// Check the book's links, front matter and SUMMARY without writing anything.
    Check(CheckArgs),
}

#[derive(Debug, clap::Args)]
struct BuildArgs {
    /// The book directory (containing book.toml, or a GitBook export).
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Output directory [default: DIR/book, or [build] build-dir].
    #[arg(long, short)]
    out: Option<PathBuf>,
    #[command(flatten)]
    policy: PolicyArgs,
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// The book directory.
    #[arg(default_value = ".")]
    dir: PathBuf,
    #[command(flatten)]
    policy: PolicyArgs,
}

#[derive(Debug, clap::Args)]
struct PolicyArgs {
    /// Whether broken links fail the build (overrides [build] broken-links).
    #[arg(long, value_enum, value_name = "LEVEL")]
    broken_links: Option<LinkLevel>,
    /// Exit 1 on warnings too.
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LinkLevel {
    Error,
    Warn,
}

impl From<LinkLevel> for BrokenLinks {
    fn from(level: LinkLevel) -> Self {
        match level {
            LinkLevel::Error => BrokenLinks::Error,
            LinkLevel::Warn => BrokenLinks::Warn,
        }
    }
}

/// Parses the arguments and runs the command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let (options, policy) = match cli.command {
        Command::Build(args) => (
            BuildOptions {
                book_dir: args.dir,
                out_dir: args.out,
                broken_links: args.policy.broken_links.map(Into::into),
                write: true,
            },
            args.policy,
        ),
        Command::Check(args) => (
            BuildOptions {
                book_dir: args.dir,
                out_dir: None,
                broken_links: args.policy.broken_links.map(Into::into),
                write: false,
            },
            args.policy,
        ),
    };
    match build::run(&options) {
        Ok(report) => {
            print_report(&report, &options.book_dir);
            let (errors, warnings) = report.counts();
            if errors > 0 || (policy.deny_warnings && warnings > 0) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(err) => {
            let text = err.to_string();
            let text = prefix_config_path(&text, &options.book_dir);
            eprintln!("{}", text.trim_end());
            eprintln!("folio: stopped; nothing was written");
            ExitCode::from(2)
        }
    }
}

/// Configuration diagnostics name `book.toml`; show it under the book
/// directory as typed, like every other path.
fn prefix_config_path(text: &str, dir: &Path) -> String {
    if dir == Path::new(".") || !text.starts_with("book.toml:") {
        text.to_string()
    } else {
        format!("{}/{text}", dir.display())
    }
}

fn print_report(report: &BuildReport, dir: &Path) {
    let mut stderr = std::io::stderr().lock();
    for diagnostic in &report.diagnostics {
        let _ = writeln!(stderr, "{}", diagnostic.display(dir));
    }
    let (errors, warnings) = report.counts();
    let counts = format!(
        "{errors} error{}, {warnings} warning{}",
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" }
    );
    let _ = match &report.written_to {
        Some(out) => writeln!(
            stderr,
            "folio: built {} pages into {} ({counts})",
            report.pages,
            out.display()
        ),
        None if errors > 0 => writeln!(
            stderr,
            "folio: {counts} in {} pages; no site was written",
            report.pages
        ),
        None => writeln!(stderr, "folio: checked {} pages ({counts})", report.pages),
    };
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
