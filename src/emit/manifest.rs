//! `manifest.json`: what produced these outputs — sise version, the run
//! config, SHA-256 of every input and model file, timings and counts — so
//! a result can be traced and a rerun compared.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::value::RewriteCounts;
use sha2::{Digest, Sha256};

use crate::assess::Assessment;
use crate::error::{Bad, Error, Result};

pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(format!("{:x}", h.finalize()))
}

/// A dataset's files: a Shapefile is its .shp plus the sidecars (.dbf, .shx, .prj, .cpg) that change its content.
/// A database table has none: it is read, not hashed ([`DATABASE`]).
pub fn dataset_files(path: &Path) -> Vec<PathBuf> {
    if crate::config::is_database(path) {
        return Vec::new();
    }
    let mut files = vec![path.to_owned()];
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("shp")) {
        for ext in ["shx", "dbf", "prj", "cpg"] {
            let p = path.with_extension(ext);
            if p.exists() {
                files.push(p);
            }
        }
    }
    files
}

/// What the manifest lists for a layer read from a database: its rows are
/// not hashed, so `--if-changed` always reruns a config that has one.
pub const DATABASE: &str = "database table (not hashed; --if-changed reruns)";

/// What decides a run's result, hashed once before the run (`run::inputs_fingerprint`).
pub struct Fingerprint {
    /// Over sise's version and every file below, in order.
    pub digest: String,
    /// The run config, model and input files → SHA-256.
    pub files: BTreeMap<PathBuf, String>,
}

impl Fingerprint {
    /// A file's hash as taken for the fingerprint (hashed now if it was not).
    fn hash(&self, path: &Path) -> std::io::Result<String> {
        match self.files.get(path) {
            Some(h) => Ok(h.clone()),
            None => sha256_file(path),
        }
    }
}

pub struct Timings {
    pub load: Duration,
    pub score: Duration,
    pub sensitivity: Duration,
    pub aggregate: Duration,
    pub emit: Duration,
}

/// `manifest.json`, typed: written by every run and merge, read back by
/// `sise compare` and `--if-changed`, so no reader guesses at a key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub sise_version: String,
    /// Over sise's version, the run config, models and inputs (`run::inputs_fingerprint`).
    pub fingerprint: String,
    pub keep_going: bool,
    pub config: ConfigRecord,
    /// Input file → SHA-256.
    pub inputs: BTreeMap<String, String>,
    pub models: Vec<ModelRecord>,
    /// The expert review's adjustments file, when the run has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewRecord>,
    /// The sensitivity analysis's settings and what it found, when the run has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<SensitivityRecord>,
    /// Output file (relative) → SHA-256.
    pub outputs: BTreeMap<String, String>,
    pub counts: Counts,
    pub timings_ms: BTreeMap<String, u64>,
    /// The work units a merged run was put together from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<crate::unit::UnitRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConfigRecord {
    pub file: String,
    pub sha256: String,
    pub district: String,
    pub cycle: String,
    pub year: i32,
    pub working_crs: String,
    pub grid_cell_m: f64,
    /// `[comprehensive]` as resolved: each zone kind's method (read back as JSON, not parsed).
    pub comprehensive: serde_json::Value,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ModelRecord {
    pub id: String,
    pub name: String,
    /// The domain's layer in sise.gpkg.
    pub layer: String,
    pub model_version: String,
    pub file: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReviewRecord {
    pub file: String,
    pub sha256: String,
    /// Objects adjusted, and how many of them up (more severe) or down.
    pub adjustments: usize,
    pub raised: usize,
    pub lowered: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SensitivityRecord {
    pub settings: crate::config::SensitivityConfig,
    /// Per domain id, the objects whose level holds in fewer than `critical` of the draws (临界).
    pub critical: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Counts {
    /// Domain id → objects scored.
    pub objects: BTreeMap<String, usize>,
    pub grid_cells: usize,
    /// Layer → features left out (--keep-going, missing = "reject").
    pub rejects: BTreeMap<String, usize>,
    pub streets: usize,
    /// Layer → field → rewrite → values read after it ("1,200", "１２", "500米").
    #[serde(default)]
    pub rewritten_values: BTreeMap<String, BTreeMap<String, RewriteCounts>>,
    /// Layer → objects outside the district left out (clip_to_district).
    #[serde(default)]
    pub outside_district_left_out: BTreeMap<String, usize>,
}

impl Manifest {
    /// The manifest of an output folder.
    pub fn read(dir: &Path) -> Result<Manifest> {
        let path = dir.join("manifest.json");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Error::input(Bad::File, &path, None, crate::msg::OutputTrouble::NotOutputFolder { detail: e.to_string() }))?;
        serde_json::from_str(&text).map_err(|e| Error::input(Bad::File, &path, None, crate::msg::OutputTrouble::UnreadableManifest { detail: e.to_string() }))
    }
}

/// The manifest; `outputs` are the files already written, by name, with their hashes.
pub fn build(a: &Assessment, outputs: &BTreeMap<String, String>, timings: &Timings, fingerprint: &Fingerprint) -> Result<Manifest> {
    let p = &a.loaded;
    let cfg = &p.config;
    let hash_input =
        |f: &Path| fingerprint.hash(f).map_err(|e| Error::input(Bad::File, f, None, crate::msg::OutputTrouble::CannotHash { detail: e.to_string() }));
    let review = cfg
        .review
        .as_ref()
        .map(|r| -> Result<ReviewRecord> {
            let adjusted = a.domains.iter().flat_map(|d| d.review.values());
            Ok(ReviewRecord {
                file: r.adjustments.display().to_string(),
                sha256: hash_input(&r.adjustments)?,
                adjustments: adjusted.clone().count(),
                raised: adjusted.clone().filter(|x| x.level < x.computed).count(),
                lowered: adjusted.filter(|x| x.level > x.computed).count(),
            })
        })
        .transpose()?;
    let sensitivity = cfg.sensitivity.as_ref().map(|settings| SensitivityRecord {
        settings: settings.clone(),
        critical: p.models.iter().zip(&a.domains).filter_map(|(m, d)| Some((m.id.clone(), d.sensitivity.as_ref()?.critical_count()))).collect(),
    });
    let ms = |d: Duration| d.as_millis() as u64;
    Ok(Manifest {
        sise_version: env!("CARGO_PKG_VERSION").to_owned(),
        fingerprint: fingerprint.digest.clone(),
        keep_going: p.how.keep_going,
        config: ConfigRecord {
            file: cfg.file.display().to_string(),
            sha256: fingerprint.hash(&cfg.file).map_err(|e| Error::Config { file: cfg.file.clone(), message: e.to_string() })?,
            district: cfg.district.clone(),
            cycle: cfg.cycle.clone(),
            year: cfg.year,
            working_crs: cfg.working_crs.clone(),
            grid_cell_m: cfg.grid_cell_m,
            comprehensive: serde_json::to_value(&cfg.comprehensive).expect("plain data"),
        },
        inputs: inputs(a, &hash_input)?,
        models: p
            .models
            .iter()
            .map(|m| {
                Ok(ModelRecord {
                    id: m.id.clone(),
                    name: m.name.clone(),
                    layer: m.layer_name(),
                    model_version: m.model_version.clone(),
                    file: m.file.display().to_string(),
                    sha256: fingerprint.hash(&m.file).map_err(|e| Error::Model { file: m.file.clone(), message: e.to_string() })?,
                })
            })
            .collect::<Result<_>>()?,
        review,
        sensitivity,
        outputs: outputs.clone(),
        counts: counts(a),
        timings_ms: [("load", timings.load), ("score", timings.score), ("aggregate", timings.aggregate), ("emit", timings.emit)]
            .into_iter()
            .chain(cfg.sensitivity.as_ref().map(|_| ("sensitivity", timings.sensitivity)))
            .map(|(k, d)| (k.to_owned(), ms(d)))
            .collect(),
        units: p.units.clone(),
    })
}

/// Every input file with its hash (`hash`), and each database layer marked as such.
fn inputs(a: &Assessment, hash: &dyn Fn(&Path) -> Result<String>) -> Result<BTreeMap<String, String>> {
    let cfg = &a.loaded.config;
    let layers = crate::assess::needed_layers(cfg, &a.loaded.models);
    let files = layers.iter().flat_map(|name| dataset_files(&cfg.layers[*name].path)).chain(cfg.report_files());
    let hashed = files.map(|f| Ok((f.display().to_string(), hash(&f)?)));
    let databases = layers
        .iter()
        .map(|name| &cfg.layers[*name])
        .filter(|l| l.is_database())
        .map(|l| Ok((format!("{} layer {}", l.path.display(), l.layer.as_deref().unwrap_or("")), DATABASE.to_owned())));
    hashed.chain(databases).collect()
}

/// What the run counted: objects, zones, rejects, rewritten values, objects left outside.
fn counts(a: &Assessment) -> Counts {
    let p = &a.loaded;
    let mut counts = Counts {
        objects: p.models.iter().enumerate().map(|(d, m)| (m.id.clone(), a.objects(d).len())).collect(),
        grid_cells: a.grid.ids.len(),
        streets: p.streets.zones.len(),
        rewritten_values: p.context_rewrites.clone(),
        ..Counts::default()
    };
    for r in &p.rejects {
        *counts.rejects.entry(r.layer.clone()).or_default() += 1;
    }
    for (m, d) in p.models.iter().zip(&a.domains) {
        for (field, c) in &d.scores.rewrites {
            counts.rewritten_values.entry(m.objects().to_owned()).or_default().insert(field.clone(), c.clone());
        }
    }
    for c in &p.clipped {
        *counts.outside_district_left_out.entry(c.layer.clone()).or_default() += 1;
    }
    counts
}
