//! The `sise` binary; everything it does is in `sise::cli`.

fn main() -> std::process::ExitCode {
    sise::cli::main()
}
