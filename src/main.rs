//! The `sise` binary: parse arguments, run one command, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;
use sise::cli::{Cli, Command, LogFormat};
use sise::error::exit;
use sise::progress::Progress;

fn init_logging(cli: &Cli) {
    let default = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (false, 0) => "info",
        (false, 1) => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("SISE_LOG").unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match cli.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.without_time().init(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(&cli);
    let progress = Progress::new(cli.quiet);
    let result = match &cli.command {
        Command::Run { config, out, threads } => {
            if let Some(n) = threads {
                if let Err(e) = rayon::ThreadPoolBuilder::new().num_threads(*n).build_global() {
                    eprintln!("sise: error: cannot start {n} threads: {e}");
                    return ExitCode::from(exit::INTERNAL);
                }
            }
            sise::run::run(config, out, &progress).map(|r| {
                tracing::info!(
                    domains = r.domains,
                    objects = r.objects,
                    grid_cells = r.grid_cells,
                    "assessment written to {}",
                    r.out.display()
                );
                if !cli.quiet {
                    println!("{}", r.out.display());
                }
            })
        }
        Command::Validate { config } => sise::run::validate(config, &progress).map(|p| {
            for m in &p.models {
                let n = p.layers.vector(m.objects()).map_or(0, |l| l.len());
                println!("ok  {} {} ({}): {} objects in layer '{}', {} indicators", m.id, m.name, m.model_version, n, m.objects(), m.indicators.len());
            }
            println!("ok  {} layers, {} 街镇; the run config is valid", p.layers.layers.len(), p.admin.zones.len());
        }),
        Command::DemoData { streets, out, seed } => sise::demo::generate(streets, out, *seed),
    };
    match result {
        Ok(()) => ExitCode::from(exit::OK),
        Err(e) => {
            match cli.log_format {
                LogFormat::Json => tracing::error!(exit_code = e.exit_code(), "{e}"),
                LogFormat::Text => eprintln!("sise: error: {e}"),
            }
            ExitCode::from(e.exit_code())
        }
    }
}
