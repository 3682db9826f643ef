//! The `sise` binary; everything it does is in `sise::cli`.

/// mimalloc instead of the C library's allocator: a run allocates millions
/// of small strings and vectors, and mimalloc both frees them back and costs
/// less per call (malloc/free were ~13 % of a city run's CPU).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    sise::cli::main()
}
