//! `sise run` and `sise validate`: the whole pipeline with its outputs
//! written to a temporary folder next to the destination and renamed into
//! place only when everything succeeded, so no reader ever sees half a run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::assess::{self, Prepared};
use crate::config::RunConfig;
use crate::emit::{self, manifest};
use crate::error::{Error, Result};
use crate::progress::Progress;

/// What a finished run reports back.
pub struct RunReport {
    pub out: PathBuf,
    pub domains: usize,
    pub objects: usize,
    pub grid_cells: usize,
}

/// Load and check everything a run would use, without scoring.
pub fn validate(config_path: &Path, progress: &Progress) -> Result<Prepared> {
    let config = RunConfig::from_file(config_path)?;
    assess::prepare(config, progress)
}

pub fn run(config_path: &Path, out: &Path, progress: &Progress) -> Result<RunReport> {
    let config = RunConfig::from_file(config_path)?;
    let prepared = assess::prepare(config, progress)?;
    let load_time = prepared.load_time;
    let a = assess::assess(prepared, progress)?;

    let start = Instant::now();
    let staging = Staging::new(out)?;
    let written = emit::write_outputs(&staging.path, &a)?;
    let outputs: BTreeMap<String, String> = written
        .iter()
        .map(|f| {
            let hash = manifest::sha256_file(&staging.path.join(f)).map_err(|e| Error::output(staging.path.join(f), e))?;
            Ok((f.to_string_lossy().into_owned(), hash))
        })
        .collect::<Result<_>>()?;
    let timings = manifest::Timings { load: load_time, score: a.score_time, aggregate: a.aggregate_time, emit: start.elapsed() };
    let m = manifest::build(&a, &outputs, &timings)?;
    let text = serde_json::to_string_pretty(&m).expect("json values serialise");
    std::fs::write(staging.path.join("manifest.json"), text + "\n").map_err(|e| Error::output(&staging.path, e))?;
    staging.commit()?;

    Ok(RunReport {
        out: out.to_owned(),
        domains: a.models().len(),
        objects: a.domains.iter().map(|d| d.scores.level.len()).sum(),
        grid_cells: a.grid.ids.len(),
    })
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
        let name = dest.file_name().ok_or_else(|| Error::output(dest, "the output path needs a folder name"))?;
        let parent = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| Error::output(&parent, format!("cannot create: {e}")))?;
        let path = parent.join(format!(".{}.sise-tmp-{}", name.to_string_lossy(), std::process::id()));
        if path.exists() {
            std::fs::remove_dir_all(&path).map_err(|e| Error::output(&path, e))?;
        }
        std::fs::create_dir(&path).map_err(|e| Error::output(&path, format!("cannot create: {e}")))?;
        Ok(Staging { path, dest: dest.to_owned(), committed: false })
    }

    /// Swap the staged folder into place; an older result is removed only after the swap.
    fn commit(mut self) -> Result<()> {
        let old = self.path.with_file_name(format!(
            ".{}.sise-old-{}",
            self.dest.file_name().unwrap_or_default().to_string_lossy(),
            std::process::id()
        ));
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
