//! `manifest.json`: what produced these outputs — sise version, the run
//! config, SHA-256 of every input and model file, timings and counts — so
//! a result can be traced and a rerun compared.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};
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
pub fn dataset_files(path: &Path) -> Vec<PathBuf> {
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

fn hashes(files: impl IntoIterator<Item = PathBuf>) -> Result<BTreeMap<String, String>> {
    files
        .into_iter()
        .map(|p| {
            let h = sha256_file(&p).map_err(|e| Error::input(Bad::File, &p, None, format!("cannot read to hash it: {e}")))?;
            Ok((p.display().to_string(), h))
        })
        .collect()
}

pub struct Timings {
    pub load: Duration,
    pub score: Duration,
    pub aggregate: Duration,
    pub emit: Duration,
}

/// The manifest; `outputs` are the files already written, by name, with their hashes.
pub fn build(a: &Assessment, outputs: &BTreeMap<String, String>, timings: &Timings, fingerprint: &str) -> Result<Value> {
    let p = &a.prepared;
    let cfg = &p.config;
    let inputs = hashes(crate::assess::needed_layers(cfg, &p.models).into_iter().flat_map(|name| dataset_files(&cfg.layers[name].path)))?;
    let models: Vec<Value> = p
        .models
        .iter()
        .map(|m| {
            Ok(json!({
                "id": m.id,
                "name": m.name,
                "layer": m.layer_name(),
                "model_version": m.model_version,
                "file": m.file.display().to_string(),
                "sha256": sha256_file(&m.file).map_err(|e| Error::Model { file: m.file.clone(), message: e.to_string() })?,
            }))
        })
        .collect::<Result<_>>()?;
    let counts: BTreeMap<String, usize> = p.models.iter().enumerate().map(|(d, m)| (m.id.clone(), a.objects(d).len())).collect();
    let ms = |d: Duration| d.as_millis() as u64;
    let mut rejects: BTreeMap<String, usize> = BTreeMap::new();
    for r in &p.rejects {
        *rejects.entry(r.layer.clone()).or_default() += 1;
    }
    // Values that needed a rewrite to be read as numbers ("1,200", "１２", "500米"): layer → field → kind → count.
    let mut rewrites = p.context_rewrites.clone();
    for (m, d) in p.models.iter().zip(&a.domains) {
        for (field, counts) in &d.scores.rewrites {
            rewrites.entry(m.objects().to_owned()).or_default().insert(field.clone(), counts.clone());
        }
    }
    let mut clipped: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &p.clipped {
        *clipped.entry(c.layer.as_str()).or_default() += 1;
    }
    let mut m = json!({
        "sise_version": env!("CARGO_PKG_VERSION"),
        "fingerprint": fingerprint,
        "keep_going": p.how.keep_going,
        "config": {
            "file": cfg.file.display().to_string(),
            "sha256": sha256_file(&cfg.file).map_err(|e| Error::Config { file: cfg.file.clone(), message: e.to_string() })?,
            "district": cfg.district,
            "cycle": cfg.cycle,
            "year": cfg.year,
            "working_crs": cfg.working_crs,
            "grid_cell_m": cfg.grid_cell_m,
            "comprehensive": cfg.comprehensive,
        },
        "inputs": inputs,
        "models": models,
        "outputs": outputs,
        "counts": {
            "objects": counts,
            "grid_cells": a.grid.ids.len(),
            "rejects": rejects,
            "streets": p.admin.zones.len(),
            "rewritten_values": rewrites,
            "outside_district_left_out": clipped,
        },
        "timings_ms": {
            "load": ms(timings.load),
            "score": ms(timings.score),
            "aggregate": ms(timings.aggregate),
            "emit": ms(timings.emit),
        },
    });
    // A merged run lists the work units it was put together from.
    if !p.units.is_empty() {
        m["units"] = serde_json::to_value(&p.units).expect("unit records serialise");
    }
    Ok(m)
}
