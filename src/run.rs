//! `sise run` and `sise validate`: the whole pipeline, its outputs staged
//! and renamed into place (`stage`), so no reader ever sees half a run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use sha2::{Digest, Sha256};

use crate::assess::{self, Loaded};
use crate::config::RunConfig;
use crate::emit::{self, manifest};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::progress::Progress;
use crate::stage::{recover, Lock, Staging};

#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Leave bad features out (listed in rejects.csv) instead of stopping.
    pub keep_going: bool,
    /// Skip the run when the inputs, models, config and sise version are those of the existing outputs.
    pub if_changed: bool,
    /// Also print the reports to PDF (headless Chromium).
    pub pdf: bool,
    /// Leave out the web map (`web/`).
    pub no_web: bool,
    /// Add the sensitivity analysis (`sise sensitivity`), overriding `[sensitivity]`'s draws and seed.
    pub sensitivity: Option<SensitivityArgs>,
}

/// `sise sensitivity`'s overrides of the run config's `[sensitivity]`.
#[derive(Debug, Clone, Copy)]
pub struct SensitivityArgs {
    pub draws: Option<usize>,
    pub seed: Option<u64>,
}

impl SensitivityArgs {
    /// The run config's `[sensitivity]` (or its defaults) with these overrides, checked.
    fn apply(self, config: &mut RunConfig) -> Result<()> {
        let mut s = config.sensitivity.clone().unwrap_or_default();
        s.draws = self.draws.unwrap_or(s.draws);
        s.seed = self.seed.unwrap_or(s.seed);
        s.check().map_err(|message| Error::Config { file: config.file.clone(), message })?;
        config.sensitivity = Some(s);
        Ok(())
    }
}

/// What a finished run reports back.
pub struct RunReport {
    pub out: PathBuf,
    /// The run was skipped by `--if-changed`.
    pub skipped: bool,
    pub domains: usize,
    pub objects: usize,
    pub grid_cells: usize,
    pub rejects: usize,
}

/// What `sise validate` found: the checked inputs and, per domain, the scores a run would compute.
pub struct Validation {
    pub loaded: Loaded,
    pub scores: Vec<crate::score::DomainScores>,
    /// Objects that `missing = "reject"` rules leave out (a run lists them in rejects.csv).
    pub rejects: Vec<crate::load::Reject>,
}

/// Load, check and score everything a run would, without aggregating or
/// writing: a config that validates is one that `sise run` accepts, since
/// both read every value through the same code.
pub fn validate(config_path: &Path, progress: &Progress) -> Result<Validation> {
    let config = RunConfig::from_file(config_path)?;
    crate::report::Sources::load(&config)?;
    let loaded = assess::load(config, false, progress)?;
    let mut rejects = Vec::new();
    let mut scores = Vec::new();
    for d in 0..loaded.models.len() {
        let s = loaded.score(d, &mut rejects)?;
        // The expert review's ids are checked as a run checks them.
        assess::review_domain(&loaded, d, &s.objects, &mut s.scores.level.clone())?;
        scores.push(s.scores);
    }
    Ok(Validation { loaded, scores, rejects })
}

/// The data-quality report of a run config, written to `dir` (replaced as
/// a whole) as 数据质量报告.html and .xlsx; returns the report. Reads every
/// objects layer tolerantly: problems are listed, not fatal. Only a config,
/// model or 街镇 layer that cannot be read stops it.
pub fn quality_report(config_path: &Path, dir: &Path) -> Result<crate::quality::Quality> {
    let config = RunConfig::from_file(config_path)?;
    let models = config.domains.iter().map(|f| crate::model::Model::from_file(f)).collect::<Result<Vec<_>>>()?;
    let streets = assess::streets_of(&config)?;
    let q = crate::quality::check(&config, &models, &streets);
    let html = crate::report::quality(&q, config.report_templates.as_deref())?;
    crate::stage::staged(dir, |d| {
        let page = d.join(QUALITY_HTML);
        std::fs::write(&page, &html).map_err(|e| Error::output(&page, e))?;
        let book = d.join(QUALITY_XLSX);
        crate::quality::xlsx::write(&book, &q, &crate::stamp::workbook_properties()?).map_err(|e| Error::output(&book, e))
    })?;
    Ok(q)
}

/// The data-quality report's files.
pub const QUALITY_HTML: &str = "数据质量报告.html";
pub const QUALITY_XLSX: &str = "数据质量报告.xlsx";

/// A hash over everything that decides a run's result: sise's version, the
/// run config, every model file and every input file. Each file is read
/// once: the manifest records the same per-file hashes.
pub fn inputs_fingerprint(config: &RunConfig) -> Result<manifest::Fingerprint> {
    let mut files = vec![config.file.clone()];
    files.extend(config.domains.iter().cloned());
    for l in config.layers.values() {
        files.extend(manifest::dataset_files(&l.path));
    }
    files.extend(config.review.iter().map(|r| r.adjustments.clone()));
    files.extend(config.report_files());
    // Files hashed side by side (a city's inputs are hundreds of MB), combined in order.
    let digests: Vec<Result<String>> = files
        .par_iter()
        .map(|f| {
            manifest::sha256_file(f).map_err(|e| {
                let msg = if e.kind() == std::io::ErrorKind::NotFound { crate::msg::Msg::FileNotFound.to_string() } else { format!("cannot read it: {e}") };
                Error::input(crate::error::Bad::File, f, None, msg)
            })
        })
        .collect();
    // The first unreadable file in order is the one named, whichever thread met it first.
    let digests: Vec<String> = digests.into_iter().collect::<Result<_>>()?;
    let mut h = Sha256::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    // `sise sensitivity` may set what the config file does not say.
    if let Some(s) = &config.sensitivity {
        h.update(serde_json::to_string(s).expect("plain settings serialise").as_bytes());
    }
    for (f, digest) in files.iter().zip(&digests) {
        h.update(f.to_string_lossy().as_bytes());
        h.update(digest.as_bytes());
    }
    // A database table's rows are not hashed: a config that reads one never counts as unchanged.
    if config.layers.values().any(|l| l.is_database()) {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        h.update(format!("database read at {}", now.as_nanos()).as_bytes());
    }
    Ok(manifest::Fingerprint { digest: format!("{:x}", h.finalize()), files: files.into_iter().zip(digests).collect() })
}

/// `[publish]`: the year into the database, once its outputs are in place
/// (a failure leaves them there and the database as it was: exit 8).
fn publish_year(out: &Path, publish: Option<&crate::config::PublishConfig>) -> Result<()> {
    if let Some(p) = publish {
        let done = crate::publish::publish(out, &p.to, &p.schema)?;
        let rows: usize = done.tables.iter().map(|(_, n)| n).sum();
        tracing::info!(unchanged = done.unchanged, tables = done.tables.len(), rows, "published to {} schema {}", done.target, done.schema);
    }
    Ok(())
}

/// Where a run's outputs go: `ROOT/<cycle>/<year>/`, so the baseline year and
/// the dynamic-update years of a cycle sit side by side for `sise compare`.
pub fn year_dir(root: &Path, config: &RunConfig) -> PathBuf {
    root.join(&config.cycle).join(config.year.to_string())
}

pub fn run(config_path: &Path, root: &Path, opts: RunOptions, progress: &Progress) -> Result<RunReport> {
    let mut config = RunConfig::from_file(config_path)?;
    if let Some(s) = opts.sensitivity {
        s.apply(&mut config)?;
    }
    // Models are parsed before the lock so a malformed one fails fast.
    for m in &config.domains {
        Model::from_file(m)?;
    }
    let keep_going = opts.keep_going;
    assess_and_write(config, root, opts, progress, |config| assess::assess(assess::load(config, keep_going, progress)?, progress))
}

/// What `run` and `merge` share: lock `ROOT/<cycle>/<year>/`, skip it when
/// unchanged (`--if-changed`), assess, and write every output staged.
pub fn assess_and_write(
    config: RunConfig,
    root: &Path,
    opts: RunOptions,
    progress: &Progress,
    assess: impl FnOnce(RunConfig) -> Result<assess::Assessment>,
) -> Result<RunReport> {
    // The reports' templates and reference .docx are checked before the hours of scoring.
    let sources = crate::report::Sources::load(&config)?;
    let out_dir = year_dir(root, &config);
    let out = out_dir.as_path();
    let _lock = Lock::acquire(out)?;
    recover(out)?;
    let print = inputs_fingerprint(&config)?;
    let publish = config.publish.clone();
    if opts.if_changed && previous_fingerprint(out).as_deref() == Some(print.digest.as_str()) {
        tracing::info!("inputs, models and config unchanged since the outputs in {} were written; skipped", out.display());
        publish_year(out, publish.as_ref())?;
        return Ok(RunReport { out: out.to_owned(), skipped: true, domains: 0, objects: 0, grid_cells: 0, rejects: 0 });
    }

    let a = assess(config)?;

    let staging = Staging::new(out)?;
    // A full disk is told as one, with the space the run needs; the staging folder goes.
    write_year(&staging.path, &a, &sources, &opts, &print, out, progress).map_err(|e| staging.explain(e))?;
    staging.commit()?;
    if !opts.no_web {
        if let Some(cycle_dir) = out.parent() {
            emit::web::write_years(cycle_dir)?;
        }
    }
    publish_year(out, publish.as_ref())?;

    Ok(RunReport {
        out: out.to_owned(),
        skipped: false,
        domains: a.models().len(),
        objects: a.domains.iter().map(|d| d.scores.level.len()).sum(),
        grid_cells: a.grid.ids.len(),
        rejects: a.loaded.rejects.len(),
    })
}

/// Every output of a year into the staging folder `staging`, the manifest
/// last; reports compare with last year's outputs beside `out`.
fn write_year(
    staging: &Path,
    a: &assess::Assessment,
    sources: &crate::report::Sources,
    opts: &RunOptions,
    print: &manifest::Fingerprint,
    out: &Path,
    progress: &Progress,
) -> Result<()> {
    let start = Instant::now();
    let spinner = progress.spinner("writing GeoPackage, project, maps and tables");
    let hashed = emit::write_outputs(staging, a, a.loaded.how.keep_going, !opts.no_web)?;
    let mut written: Vec<PathBuf> = hashed.iter().map(|(f, _)| f.clone()).collect();
    // Each output is hashed once, although the manifest is written twice.
    let mut outputs: BTreeMap<String, String> = hashed.into_iter().map(|(f, hash)| (f.to_string_lossy().into_owned(), hash)).collect();
    let mut write_manifest = |written: &[PathBuf]| -> Result<()> {
        let new: Vec<&PathBuf> = written.iter().filter(|f| !outputs.contains_key(&*f.to_string_lossy())).collect();
        let hashes: Vec<(String, String)> = new
            .par_iter()
            .map(|f| {
                let hash = manifest::sha256_file(&staging.join(f)).map_err(|e| Error::output(staging.join(f), e))?;
                Ok((f.to_string_lossy().into_owned(), hash))
            })
            .collect::<Result<_>>()?;
        outputs.extend(hashes);
        let timings = manifest::Timings {
            load: a.loaded.load_time,
            score: a.score_time,
            sensitivity: a.sensitivity_time,
            aggregate: a.aggregate_time,
            emit: start.elapsed(),
        };
        let m = manifest::build(a, &outputs, &timings, print)?;
        let text = serde_json::to_string_pretty(&m).expect("json values serialise");
        std::fs::write(staging.join("manifest.json"), text + "\n").map_err(|e| Error::output(staging, e))
    };
    // Reports compare with last year's outputs of the same cycle, when they exist;
    // the comparison reads this year's manifest, so write it once before.
    emit::timed("manifest", || write_manifest(&written))?;
    let previous = out.parent().map(|p| p.join((a.loaded.config.year - 1).to_string())).filter(|p| p.join("manifest.json").exists());
    let comparison = previous.map(|p| crate::cycle::compare(&p, staging)).transpose()?;
    if !opts.no_web {
        written.push(emit::web::write_changes(staging, a, comparison.as_ref().map(crate::cycle::Comparison::web_changes))?);
    }
    written.extend(emit::timed("reports", || crate::report::write(staging, a, sources, comparison.as_ref(), opts.pdf))?);
    emit::timed("manifest", || write_manifest(&written))?;
    spinner.finish_and_clear();
    Ok(())
}

fn previous_fingerprint(out: &Path) -> Option<String> {
    manifest::Manifest::read(out).ok().map(|m| m.fingerprint)
}
