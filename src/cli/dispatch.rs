//! What the `sise` binary does: parse arguments, run one command, map the
//! outcome to an exit code. Here rather than in main.rs so that the library's
//! modules can stay private and the compiler reports code nothing uses.

use std::path::Path;
use std::process::ExitCode;

use super::{Cli, Command, LogFormat, ModelSource, ModelsCommand};
use crate::error::exit;
use crate::model::Model;
use crate::msg::{Done, Msg};
use crate::progress::Progress;
use clap::Parser;

fn init_logging(cli: &Cli) {
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (false, 0) => "info",
        (false, 1) => "debug",
        _ => "trace",
    };
    // -v/-vv raise sise's own log only: libraries keep to warnings (geo's
    // relate alone traced 2.3 GB and doubled a city run's time at -vv).
    // SISE_LOG takes a full filter for anyone who needs a library's log.
    let default = if cli.quiet { "error".to_string() } else { format!("warn,sise={level}") };
    crate::load::log_gdal_messages();
    let filter = tracing_subscriber::EnvFilter::try_from_env("SISE_LOG").unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&default));
    // libpq's crate traces the connection string, password included: never shown, whatever SISE_LOG asks.
    let filter = filter.add_directive("libpq=off".parse().expect("a valid directive"));
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

/// The models named by `--config` or found in `--dir`.
fn load_models(source: &ModelSource) -> crate::error::Result<Vec<Model>> {
    let files = match &source.config {
        Some(c) => crate::config::RunConfig::from_file(c)?.domains,
        None => crate::config::expand_paths(std::slice::from_ref(&source.dir)).map_err(|e| crate::error::Error::Config {
            file: source.dir.clone(),
            message: crate::msg::ConfigMistake::CannotReadFolder { detail: e.to_string() }.into(),
        })?,
    };
    files.iter().map(|f| Model::from_file(f)).collect()
}

fn models(cmd: &ModelsCommand) -> crate::error::Result<()> {
    match cmd {
        ModelsCommand::List { source } => {
            for m in load_models(source)? {
                println!(
                    "{:<4} {:<12} {:<22} {:<15} {:>2} indicators  v{:<8} {}",
                    m.id,
                    m.name,
                    m.key,
                    m.method.name(),
                    m.indicators.len(),
                    m.model_version,
                    m.file.display()
                );
            }
            Ok(())
        }
        ModelsCommand::Show { id, source } => {
            let all = load_models(source)?;
            let m = all.iter().find(|m| m.id.eq_ignore_ascii_case(id) || m.key == *id).ok_or_else(|| crate::error::Error::Config {
                file: source.config.clone().unwrap_or_else(|| source.dir.clone()),
                message: crate::msg::ConfigMistake::NoModel { id: id.clone(), ids: all.iter().map(|m| m.id.clone()).collect() }.into(),
            })?;
            print!("{}", m.describe());
            Ok(())
        }
    }
}

fn template(
    config: Option<&std::path::Path>,
    dir: Option<&std::path::Path>,
    out: &std::path::Path,
    datum: Option<crate::template::Datum>,
) -> crate::error::Result<()> {
    let config = config.map(crate::config::RunConfig::from_file).transpose()?;
    let source = ModelSource { config: None, dir: dir.map_or_else(|| "assessment-models".into(), |d| d.to_owned()) };
    let models = match &config {
        Some(c) => c.domains.iter().map(|f| Model::from_file(f)).collect::<crate::error::Result<Vec<_>>>()?,
        None => load_models(&source)?,
    };
    let files = crate::template::write(out, &models, config.as_ref(), datum)?;
    for f in files {
        println!("{}", out.join(f).display());
    }
    Ok(())
}

fn compare(from: &std::path::Path, to: &std::path::Path, out: Option<&std::path::Path>) -> crate::error::Result<()> {
    let c = crate::cycle::compare(from, to)?;
    let dest = match out {
        Some(o) => o.to_owned(),
        None => to.parent().unwrap_or(std::path::Path::new(".")).join(format!("compare-{}-{}", c.from, c.to)),
    };
    let crs = crate::cycle::crs_of(to)?;
    crate::stage::staged(&dest, |dir| crate::cycle::write(&c, dir, &crs).map(|_| ()))?;
    let moved: usize =
        c.domains.iter().map(|d| d.objects.iter().filter(|o| matches!(o.change, crate::cycle::Change::Up | crate::cycle::Change::Down)).count()).sum();
    tracing::info!(domains = c.domains.len(), changed_level = moved, "comparison {} → {} written to {}", c.from, c.to, dest.display());
    println!("{}", dest.display());
    Ok(())
}

/// Report a publish.
pub fn published(p: &crate::publish::Published, quiet: bool) {
    if p.unchanged {
        println!("{}", Done::AlreadyPublished { cycle: p.cycle.clone(), year: p.year.to_string(), target: p.target.clone(), schema: p.schema.clone() });
        return;
    }
    let rows: usize = p.tables.iter().map(|(_, n)| n).sum();
    tracing::info!(tables = p.tables.len(), rows, seconds = p.seconds, "{} {} published to {} schema {}", p.cycle, p.year, p.target, p.schema);
    if !quiet {
        println!("{}", Done::Published { cycle: p.cycle.clone(), year: p.year.to_string(), tables: p.tables.len(), rows, schema: p.schema.clone() });
    }
}

/// Size rayon's pool; results do not depend on it.
fn threads_or_exit(threads: Option<usize>) -> Result<(), ExitCode> {
    if let Some(n) = threads {
        if let Err(e) = rayon::ThreadPoolBuilder::new().num_threads(n).build_global() {
            eprintln!("sise: {}{}", Msg::ErrorLabel, Done::NoThreads { n, detail: e.to_string() });
            return Err(ExitCode::from(exit::INTERNAL));
        }
    }
    Ok(())
}

/// Report a finished run or merge.
fn finished(r: &crate::run::RunReport, quiet: bool) {
    if r.skipped {
        println!("{}", Done::Unchanged { out: r.out.clone() });
        return;
    }
    tracing::info!(domains = r.domains, objects = r.objects, grid_cells = r.grid_cells, rejects = r.rejects, "assessment written to {}", r.out.display());
    if !quiet {
        println!("{}", r.out.display());
    }
}

/// One work unit of a tiled run (`sise run --plan`).
fn run_unit(config: &Path, plan: &Path, unit: Option<usize>, out: &Path, keep_going: bool, progress: &Progress, quiet: bool) -> crate::error::Result<()> {
    let k = crate::tile::unit::index_from(unit).map_err(|message| crate::error::Error::Config { file: plan.to_owned(), message })?;
    let r = crate::tile::unit::run(config, plan, k, out, keep_going, progress)?;
    tracing::info!(unit = r.index, objects = r.objects.values().sum::<usize>(), seconds = r.seconds, peak_memory_mb = r.peak_memory_mb, "unit written");
    if !quiet {
        println!("{}", crate::tile::unit::unit_dir(out, k).display());
    }
    Ok(())
}

/// What `sise validate` found: per domain, the objects scored and the values
/// read after a rewrite; the features `missing = "reject"` leaves out.
fn print_quality(q: &crate::quality::Quality, dir: &std::path::Path) {
    for d in &q.domains {
        let (id, name, registered, complete, pct, short) = (d.id.clone(), d.name.clone(), d.registered, d.complete, d.complete_pct, !d.meets_target);
        println!("{}", Msg::QualityLine { id, name, registered, complete, pct, short });
    }
    println!("{}", Msg::QualityWritten { path: dir.join(crate::run::QUALITY_HTML).display().to_string() });
}

fn print_validation(v: &crate::run::Validation) {
    let p = &v.loaded;
    let list = |counts: &crate::value::RewriteCounts| counts.iter().map(|(k, n)| (*k, *n)).collect::<Vec<_>>();
    for (m, s) in p.models.iter().zip(&v.scores) {
        let (id, name, version, layer) = (m.id.clone(), m.name.clone(), m.model_version.clone(), m.objects().to_owned());
        println!("{}", Msg::DomainValid { id, name, version, objects: s.level.len(), layer, indicators: m.indicators.len() });
        let objects = p.layers.vector(m.objects());
        for (field, counts) in &s.rewrites {
            let field = objects.map_or_else(|| crate::msg::Field::new(field, None), |o| o.field(field));
            println!("    {}", Msg::Rewritten { layer: m.objects().to_owned(), field, rewrites: list(counts) });
        }
    }
    for (layer, fields) in &p.context_rewrites {
        for (field, counts) in fields {
            println!("ok  {}", Msg::Rewritten { layer: layer.clone(), field: crate::msg::Field::new(field, None), rewrites: list(counts) });
        }
    }
    for r in &v.rejects {
        println!("{}", Msg::Rejected { domain: r.domain.clone().unwrap_or_default(), layer: r.layer.clone(), id: r.id.clone(), reason: r.reason.clone() });
    }
    println!("{}", Msg::ConfigValid { layers: p.layers.layers.len(), streets: p.streets.zones.len() });
}

/// The whole program: `main.rs` only calls this.
pub fn main() -> ExitCode {
    // A panic is a bug in sise, not bad input: say so and exit with the
    // documented code 1 (not Rust's 101), from whichever thread it happened on.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("sise: {}", Done::Bug { info: info.to_string() });
        std::process::exit(exit::INTERNAL.into());
    }));
    let cli = Cli::parse();
    crate::msg::set_lang(crate::msg::detect(cli.lang));
    init_logging(&cli);
    let progress = Progress::new(cli.quiet, cli.progress);
    if let Err(e) = crate::emit::vector::use_output_time() {
        return failed(&cli, e);
    }
    let result = match command(&cli, &progress) {
        Ok(r) => r,
        Err(code) => return code,
    };
    match result {
        Ok(()) => ExitCode::from(exit::OK),
        Err(e) => failed(&cli, e),
    }
}

/// Run the command the user gave; the exit code when it cannot start.
fn command(cli: &Cli, progress: &Progress) -> std::result::Result<crate::error::Result<()>, ExitCode> {
    Ok(match &cli.command {
        Command::Run { config, out, threads, keep_going, outputs: o, plan, unit } => {
            threads_or_exit(*threads)?;
            let opts = crate::run::RunOptions { keep_going: *keep_going, if_changed: o.if_changed, pdf: o.pdf, no_web: o.no_web, sensitivity: None };
            match plan {
                Some(plan) => run_unit(config, plan, *unit, out, *keep_going, progress, cli.quiet),
                None => crate::run::run(config, out, opts, progress).map(|r| finished(&r, cli.quiet)),
            }
        }
        Command::Sensitivity { config, out, draws, seed, threads, keep_going, outputs: o } => {
            threads_or_exit(*threads)?;
            let sensitivity = Some(crate::run::SensitivityArgs { draws: *draws, seed: *seed });
            let opts = crate::run::RunOptions { keep_going: *keep_going, if_changed: o.if_changed, pdf: o.pdf, no_web: o.no_web, sensitivity };
            crate::run::run(config, out, opts, progress).map(|r| finished(&r, cli.quiet))
        }
        Command::Merge { plan, units, out, config, threads, outputs: o } => {
            threads_or_exit(*threads)?;
            let opts = crate::run::RunOptions { keep_going: false, if_changed: o.if_changed, pdf: o.pdf, no_web: o.no_web, sensitivity: None };
            crate::tile::merge::run(plan, units, config.as_deref(), out, opts, progress).map(|r| finished(&r, cli.quiet))
        }
        Command::Validate { config, report } => report
            .as_ref()
            .map_or(Ok(()), |dir| crate::run::quality_report(config, dir).map(|q| print_quality(&q, dir)))
            .and_then(|()| crate::run::validate(config, progress).map(|v| print_validation(&v))),
        Command::Compare { from, to, out } => compare(from, to, out.as_deref()),
        Command::Publish { dir, to, schema } => crate::publish::publish(dir, to, schema).map(|p| published(&p, cli.quiet)),
        Command::Template { config, models, out, datum } => template(config.as_deref(), models.as_deref(), out, *datum),
        Command::Models(cmd) => models(cmd),
        Command::PrepareInputs { config, out } => crate::prepare::prepare(config, out, progress).map(|p| {
            let features: usize = p.layers.iter().map(|(_, n)| n).sum();
            println!("{}", Done::Prepared { layers: p.layers.len(), features, config: p.config.clone() });
        }),
        Command::DemoData { streets, metro, out, seed, next_year } => {
            crate::demo::generate(streets, metro, out, *seed).and_then(|()| next_year.as_ref().map_or(Ok(()), |n| crate::demo::next_year(out, n, *seed)))
        }
        Command::Plan { config, tiles, halo, out } => crate::tile::write_plan(config, *tiles, *halo, out).map(|p| {
            let (units, tile_m, halo_m, reach_of, reach_m) = (p.units.len(), p.tile_m, p.halo_m, p.reach_of.clone(), p.reach_m);
            println!("{}", Done::PlanWritten { units, tile_m, halo_m, reach_of, reach_m, out: out.to_owned() });
        }),
        Command::BenchData { scale, out, models, seed, streets, streets_name_field, streets_code_field, streets_district_field } => {
            let streets = streets.as_ref().map(|path| crate::demo::city::StreetsFile {
                path,
                name_field: streets_name_field,
                code_field: streets_code_field,
                district_field: streets_district_field.as_deref(),
            });
            crate::demo::city::generate(*scale, models, out, *seed, streets)
        }
    })
}

/// Report the error that ended the command; its class's exit code.
fn failed(cli: &Cli, e: crate::error::Error) -> ExitCode {
    match cli.log_format {
        LogFormat::Json => tracing::error!(exit_code = e.exit_code(), "{e}"),
        LogFormat::Text => eprintln!("sise: {}{e}", crate::msg::Msg::ErrorLabel),
    }
    ExitCode::from(e.exit_code())
}
