//! The `sise` binary; everything it does is in `sise::cli`.

/// mimalloc instead of the C library's allocator: a run allocates millions
/// of small strings and vectors, and mimalloc both frees them back and costs
/// less per call (malloc/free were ~13 % of a city run's CPU).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    purge_freed_memory_soon();
    sqlite_without_memory_statistics();
    sise::cli::main()
}

/// mimalloc 3 keeps freed pages for reuse a second before it returns them
/// to the system; a city run frees hundreds of MB between its emit jobs, and
/// that kept its peak 40-80 MB higher (0.98-1.00 GB against 0.94 GB at bench
/// scale 1). 10 ms (mimalloc 2's default) costs ~0.5 s of a 20 s run.
/// `MIMALLOC_PURGE_DELAY` still decides when it is set.
fn purge_freed_memory_soon() {
    // `mi_option_purge_delay` in mimalloc 3's option enum (libmimalloc-sys
    // does not name it). Changed only while it holds that option's default,
    // 1000 ms, so that another numbering never changes some other option.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: reading and setting a mimalloc option is thread-safe and valid at any time.
    unsafe {
        if libmimalloc_sys::mi_option_get(PURGE_DELAY) == 1000 {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, 10);
        }
    }
}

/// SQLite (the GeoPackage writer's, and GDAL's) counts every allocation
/// under a global mutex unless told not to; a city's GeoPackage makes
/// millions of them (~8 % of writing it). Only possible before SQLite is
/// first used, so here; nothing in sise reads the statistics.
fn sqlite_without_memory_statistics() {
    // SAFETY: called before any thread or SQLite use; SQLITE_CONFIG_MEMSTATUS takes one int.
    let rc = unsafe { rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0 as std::os::raw::c_int) };
    debug_assert_eq!(rc, rusqlite::ffi::SQLITE_OK);
}
