//! The `folio` binary: all work happens in the library; see `cli`.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    folio::cli::main()
}
