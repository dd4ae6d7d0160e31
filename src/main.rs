//! The `folio` binary: all work happens in the library; see `cli`.

fn main() -> std::process::ExitCode {
    folio::cli::main()
}
