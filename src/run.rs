//! `sise run` and `sise validate`: the whole pipeline with its outputs
//! written to a temporary folder next to the destination and renamed into
//! place only when everything succeeded, so no reader ever sees half a run.
//! A lock file beside the destination keeps two runs from writing it at once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use sha2::{Digest, Sha256};

use crate::assess::{self, Prepared};
use crate::config::RunConfig;
use crate::emit::{self, manifest};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::progress::Progress;

#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Leave bad features out (listed in rejects.csv) instead of stopping.
    pub keep_going: bool,
    /// Skip the run when the inputs, models, config and sise version are those of the existing outputs.
    pub if_changed: bool,
    /// Also print the reports to PDF (headless Chromium).
    pub pdf: bool,
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
    pub prepared: Prepared,
    pub scores: Vec<crate::score::DomainScores>,
    /// Objects that `missing = "reject"` rules leave out (a run lists them in rejects.csv).
    pub rejects: Vec<crate::load::Reject>,
}

/// Load, check and score everything a run would, without aggregating or
/// writing: a config that validates is one that `sise run` accepts, since
/// both read every value through the same code.
pub fn validate(config_path: &Path, progress: &Progress) -> Result<Validation> {
    let config = RunConfig::from_file(config_path)?;
    let prepared = assess::prepare(config, false, progress)?;
    let mut rejects = Vec::new();
    let mut scores = Vec::new();
    for m in &prepared.models {
        let (s, _) = assess::score_with_rejects(m, &prepared, &mut rejects, None, crate::score::score_objects)?;
        scores.push(s);
    }
    Ok(Validation { prepared, scores, rejects })
}

/// A hash over everything that decides a run's result: sise's version, the
/// run config, every model file and every input file.
pub fn fingerprint(config: &RunConfig) -> Result<String> {
    let mut files = vec![config.file.clone()];
    files.extend(config.domains.iter().cloned());
    for l in config.layers.values() {
        files.extend(manifest::dataset_files(&l.path));
    }
    let mut h = Sha256::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    for f in &files {
        let digest = manifest::sha256_file(f).map_err(|e| {
            let msg = if e.kind() == std::io::ErrorKind::NotFound {
                "file not found (check `path` in the run config; relative paths are relative to the config file)".to_owned()
            } else {
                format!("cannot read it: {e}")
            };
            Error::input(crate::error::Bad::File, f, None, msg)
        })?;
        h.update(f.to_string_lossy().as_bytes());
        h.update(digest.as_bytes());
    }
    Ok(format!("{:x}", h.finalize()))
}

/// Where a run's outputs go: `ROOT/<cycle>/<year>/`, so the baseline year and
/// the dynamic-update years of a cycle sit side by side for `sise compare`.
pub fn year_dir(root: &Path, config: &RunConfig) -> PathBuf {
    root.join(&config.cycle).join(config.year.to_string())
}

pub fn run(config_path: &Path, root: &Path, opts: RunOptions, progress: &Progress) -> Result<RunReport> {
    let config = RunConfig::from_file(config_path)?;
    // Models are parsed before the lock so a malformed one fails fast.
    for m in &config.domains {
        Model::from_file(m)?;
    }
    let keep_going = opts.keep_going;
    assess_and_write(config, root, opts, progress, |config| assess::assess(assess::prepare(config, keep_going, progress)?, progress))
}

/// `sise merge`: the units of `plan` in `units`, assessed and written as a
/// whole run of the plan's config (or `config_path`) would be.
pub fn merge(plan_path: &Path, units: &Path, config_path: Option<&Path>, root: &Path, opts: RunOptions, progress: &Progress) -> Result<RunReport> {
    let plan = crate::tile::Plan::read(plan_path)?;
    let config = RunConfig::from_file(config_path.unwrap_or(&plan.config))?;
    plan.check(&config, plan_path)?;
    assess_and_write(config, root, opts, progress, |config| crate::tile::merge::assess(config, &plan, units, progress))
}

/// What `run` and `merge` share: lock `ROOT/<cycle>/<year>/`, skip it when
/// unchanged (`--if-changed`), assess, and write every output staged.
fn assess_and_write(
    config: RunConfig,
    root: &Path,
    opts: RunOptions,
    progress: &Progress,
    assess: impl FnOnce(RunConfig) -> Result<assess::Assessment>,
) -> Result<RunReport> {
    let out_dir = year_dir(root, &config);
    let out = out_dir.as_path();
    let _lock = Lock::acquire(out)?;
    recover(out)?;
    let print = fingerprint(&config)?;
    if opts.if_changed && previous_fingerprint(out).as_deref() == Some(print.as_str()) {
        tracing::info!("inputs, models and config unchanged since the outputs in {} were written; skipped", out.display());
        return Ok(RunReport { out: out.to_owned(), skipped: true, domains: 0, objects: 0, grid_cells: 0, rejects: 0 });
    }

    let a = assess(config)?;
    let load_time = a.prepared.load_time;

    let start = Instant::now();
    let staging = Staging::new(out)?;
    let spinner = progress.spinner("writing GeoPackage, project, maps and tables");
    let mut written = emit::write_outputs(&staging.path, &a, a.prepared.how.keep_going)?;
    // Each output is hashed once, although the manifest is written twice.
    let mut outputs: BTreeMap<String, String> = BTreeMap::new();
    let mut write_manifest = |written: &[PathBuf]| -> Result<()> {
        let new: Vec<&PathBuf> = written.iter().filter(|f| !outputs.contains_key(&*f.to_string_lossy())).collect();
        let hashes: Vec<(String, String)> = new
            .par_iter()
            .map(|f| {
                let hash = manifest::sha256_file(&staging.path.join(f)).map_err(|e| Error::output(staging.path.join(f), e))?;
                Ok((f.to_string_lossy().into_owned(), hash))
            })
            .collect::<Result<_>>()?;
        outputs.extend(hashes);
        let timings = manifest::Timings { load: load_time, score: a.score_time, aggregate: a.aggregate_time, emit: start.elapsed() };
        let m = manifest::build(&a, &outputs, &timings, &print)?;
        let text = serde_json::to_string_pretty(&m).expect("json values serialise");
        std::fs::write(staging.path.join("manifest.json"), text + "\n").map_err(|e| Error::output(&staging.path, e))
    };
    // Reports compare with last year's outputs of the same cycle, when they exist;
    // the comparison reads this year's manifest, so write it once before.
    write_manifest(&written)?;
    let previous = out.parent().map(|p| p.join((a.prepared.config.year - 1).to_string())).filter(|p| p.join("manifest.json").exists());
    let comparison = previous.map(|p| crate::cycle::compare(&p, &staging.path)).transpose()?;
    written.extend(crate::report::write(&staging.path, &a, comparison.as_ref(), opts.pdf)?);
    write_manifest(&written)?;
    spinner.finish_and_clear();
    staging.commit()?;

    Ok(RunReport {
        out: out.to_owned(),
        skipped: false,
        domains: a.models().len(),
        objects: a.domains.iter().map(|d| d.scores.level.len()).sum(),
        grid_cells: a.grid.ids.len(),
        rejects: a.prepared.rejects.len(),
    })
}

/// Write a folder of outputs atomically: `write` fills a staging folder that
/// replaces `dest` only when it succeeded; the lock keeps other runs out.
pub fn staged(dest: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let _lock = Lock::acquire(dest)?;
    recover(dest)?;
    let staging = Staging::new(dest)?;
    write(&staging.path)?;
    staging.commit()
}

fn previous_fingerprint(out: &Path) -> Option<String> {
    let text = std::fs::read_to_string(out.join("manifest.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["fingerprint"].as_str().map(str::to_owned)
}

/// `.NAME.sise-SUFFIX` beside the destination.
fn sibling(dest: &Path, suffix: &str) -> Result<PathBuf> {
    let name = dest.file_name().ok_or_else(|| Error::output(dest, "the output path needs a folder name"))?;
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    Ok(parent.join(format!(".{}.sise-{suffix}", name.to_string_lossy())))
}

/// Clean up after a run that was killed: staging folders are removed, and if
/// it died between moving the old outputs aside and the new ones in, the old
/// ones are put back. Runs under the lock, so nothing else is writing.
fn recover(dest: &Path) -> Result<()> {
    let parent = sibling(dest, "x")?.parent().map(Path::to_owned).unwrap_or_default();
    let prefix = format!(".{}.sise-", dest.file_name().unwrap_or_default().to_string_lossy());
    let Ok(entries) = std::fs::read_dir(&parent) else { return Ok(()) };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&prefix) else { continue };
        let path = e.path();
        if rest.starts_with("tmp-") {
            tracing::warn!("removing {} left by an interrupted run", path.display());
            std::fs::remove_dir_all(&path).map_err(|e| Error::output(&path, e))?;
        } else if rest.starts_with("old-") {
            if dest.exists() {
                std::fs::remove_dir_all(&path).map_err(|e| Error::output(&path, e))?;
            } else {
                tracing::warn!("restoring the previous outputs from {}", path.display());
                std::fs::rename(&path, dest).map_err(|e| Error::output(dest, e))?;
            }
        }
    }
    Ok(())
}

/// A lock file beside the destination, holding the owner's pid; removed on drop.
struct Lock {
    path: PathBuf,
}

impl Lock {
    fn acquire(dest: &Path) -> Result<Lock> {
        let path = sibling(dest, "lock")?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::output(parent, format!("cannot create: {e}")))?;
        }
        for _ in 0..2 {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut f) => {
                    use std::io::Write;
                    let _ = writeln!(f, "{}", std::process::id());
                    return Ok(Lock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let owner = std::fs::read_to_string(&path).ok().and_then(|s| s.trim().parse::<u32>().ok());
                    match owner {
                        // A live owner: another run is writing these outputs.
                        Some(pid) if Path::new(&format!("/proc/{pid}")).exists() => {
                            return Err(Error::Locked {
                                path: dest.to_owned(),
                                message: format!("another sise run (pid {pid}) is writing it; lock file {}", path.display()),
                            })
                        }
                        // The owner died (killed run): take the lock over.
                        _ => {
                            tracing::warn!("removing the stale lock {} of a run that no longer exists", path.display());
                            let _ = std::fs::remove_file(&path);
                        }
                    }
                }
                Err(e) => return Err(Error::output(&path, format!("cannot create the lock file: {e}"))),
            }
        }
        Err(Error::output(&path, "cannot take the lock"))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A temporary output folder beside the destination (same file system, so
/// the final rename is atomic), removed if the run fails before `commit`.
struct Staging {
    path: PathBuf,
    dest: PathBuf,
    committed: bool,
}

impl Staging {
    fn new(dest: &Path) -> Result<Staging> {
        let path = sibling(dest, &format!("tmp-{}", std::process::id()))?;
        if path.exists() {
            std::fs::remove_dir_all(&path).map_err(|e| Error::output(&path, e))?;
        }
        std::fs::create_dir(&path).map_err(|e| Error::output(&path, format!("cannot create: {e}")))?;
        Ok(Staging { path, dest: dest.to_owned(), committed: false })
    }

    /// Swap the staged folder into place; an older result is removed only after the swap.
    fn commit(mut self) -> Result<()> {
        let old = sibling(&self.dest, &format!("old-{}", std::process::id()))?;
        let had_old = self.dest.exists();
        if had_old {
            std::fs::rename(&self.dest, &old).map_err(|e| Error::output(&self.dest, format!("cannot move the previous outputs aside: {e}")))?;
        }
        if let Err(e) = std::fs::rename(&self.path, &self.dest) {
            if had_old {
                let _ = std::fs::rename(&old, &self.dest);
            }
            return Err(Error::output(&self.dest, format!("cannot move the new outputs into place: {e}")));
        }
        self.committed = true;
        if had_old {
            std::fs::remove_dir_all(&old).map_err(|e| Error::output(&old, format!("cannot remove the previous outputs: {e}")))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}
