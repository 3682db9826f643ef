//! One work unit: `sise run CONFIG --plan PLAN --unit K --out UNITS`.
//!
//! The unit reads every layer but the 街镇 through GDAL spatial filters on
//! what its objects need of that layer (its core, or its core plus how far
//! an indicator looks at the layer), computes the raw indicator values of
//! the objects it owns (centroid in its core), and writes them to `UNITS/K/`: one Parquet
//! file per domain, `rejects.json`, and `unit.json` (written last, in the
//! same staged rename: a unit folder is complete or absent, and a rerun
//! replaces it whole).

use std::path::{Path, PathBuf};
use std::time::Instant;

use geo::BoundingRect;
use geo_types::{coord, Rect};

use super::{layer_reads, reach, widen, Plan, Unit, UnitRecord};
use crate::assess::{self, Loaded};
use crate::config::RunConfig;
use crate::error::{Error, Result};
use crate::model::{union, Model};
use crate::msg::PlanMistake;
use crate::progress::Progress;
use crate::score::spatial::grow;

/// The unit's folder under the units folder.
pub fn unit_dir(units: &Path, index: usize) -> PathBuf {
    units.join(index.to_string())
}

/// The unit from `--unit`, or from the cluster engine's array index
/// (Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX; Slurm job arrays: SLURM_ARRAY_TASK_ID).
pub fn index_from(unit: Option<usize>) -> std::result::Result<usize, String> {
    if let Some(u) = unit {
        return Ok(u);
    }
    for var in ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"] {
        if let Ok(v) = std::env::var(var) {
            return v.trim().parse().map_err(|_| PlanMistake::UnitVariable { var, value: v.clone() }.into());
        }
    }
    Err(PlanMistake::NeedsUnit.into())
}

pub fn run(config_path: &Path, plan_path: &Path, index: usize, units: &Path, keep_going: bool, progress: &Progress) -> Result<UnitRecord> {
    let start = Instant::now();
    let plan = Plan::read(plan_path)?;
    let unit = plan.units.get(index).cloned().ok_or_else(|| Error::Config {
        file: plan_path.to_owned(),
        message: PlanMistake::UnitNotInPlan { index, last: plan.units.len().saturating_sub(1) }.into(),
    })?;
    let config = RunConfig::from_file(config_path)?;
    plan.check(&config, plan_path)?;
    let models: Vec<Model> = config.domains.iter().map(|p| Model::from_file(p)).collect::<Result<_>>()?;
    let (reach_m, reach_of) = reach(&models)?;
    if reach_m + plan.grid_cell_m > plan.halo_m {
        return Err(Error::Config { file: plan_path.to_owned(), message: PlanMistake::PlanHaloTooSmall { halo: plan.halo_m, reach_of, reach_m }.into() });
    }

    let [x0, y0, x1, y1] = plan.district;
    let bounds = Rect::new(coord! { x: x0, y: y0 }, coord! { x: x1, y: y1 });
    // Each layer is read as far as the owned objects need it (`layer_reads`):
    // first for objects within a cell of the core, widened by the plan's
    // boxes of the objects this unit owns.
    let base = core_grown(&unit, bounds, config.context_margin_m.max(config.outside_tolerance_m), plan.grid_cell_m);
    let mut reads = layer_reads(&models, &vec![Some(base); models.len()]);
    for (layer, [x0, y0, x1, y1]) in &unit.reads {
        widen(&mut reads, layer, Rect::new(coord! { x: *x0, y: *y0 }, coord! { x: *x1, y: *y1 }));
    }
    // An owned line or polygon can stick out of the core by more than one
    // cell; then it needs more than was read, and the unit reads again.
    let loaded = loop {
        let p = assess::load_in(config.clone(), keep_going, progress, Some(&reads))?;
        let short: Vec<(String, Rect<f64>)> = layer_reads(&p.models, &owned_extents(&p, &unit))
            .into_iter()
            .filter(|(layer, need)| !reads.get(layer).is_some_and(|have| contains(*have, *need)))
            .collect();
        if short.is_empty() {
            break p;
        }
        tracing::info!(unit = index, "owned objects reach beyond what was read; reading wider rectangles");
        for (layer, need) in short {
            widen(&mut reads, &layer, need);
        }
    };

    let mut rejects = loaded.rejects.clone();
    let mut results = Vec::with_capacity(models.len());
    for (d, m) in loaded.models.iter().enumerate() {
        results.push((m, loaded.value(d, &unit, &mut rejects)?));
    }

    let record = UnitRecord {
        index,
        core: unit.core,
        reads: reads.iter().map(|(l, r)| (l.clone(), [r.min().x, r.min().y, r.max().x, r.max().y])).collect(),
        fingerprint: plan.fingerprint.clone(),
        sise_version: env!("CARGO_PKG_VERSION").into(),
        keep_going,
        objects: results.iter().map(|(m, v)| (m.id.clone(), v.objects.len())).collect(),
        rejects: rejects.len(),
        clipped: loaded.clipped.iter().filter(|c| unit.owns(c.x, c.y)).cloned().collect(),
        seconds: start.elapsed().as_secs_f64(),
        peak_memory_mb: peak_memory_mb(),
    };
    crate::stage::staged(&unit_dir(units, index), |dir| {
        for (m, v) in &results {
            crate::unit::store::write_objects(&dir.join(format!("{}.parquet", m.id)), &v.objects, &v.values, m)?;
        }
        let json = |name: &str, v: serde_json::Value| {
            let path = dir.join(name);
            std::fs::write(&path, serde_json::to_string_pretty(&v).expect("json") + "\n").map_err(|e| Error::output(&path, e))
        };
        json("rejects.json", serde_json::to_value(&rejects).expect("rejects serialise"))?;
        json("unit.json", serde_json::to_value(&record).expect("records serialise"))
    })?;
    Ok(record)
}

/// The unit's core (open sides at the district's box plus the tolerance
/// for features outside it) widened by `margin`.
fn core_grown(unit: &Unit, district: Rect<f64>, tolerance: f64, margin: f64) -> Rect<f64> {
    let [x0, y0, x1, y1] = unit.core;
    let open = grow(district, tolerance);
    let core = Rect::new(
        coord! { x: x0.unwrap_or(open.min().x), y: y0.unwrap_or(open.min().y) },
        coord! { x: x1.unwrap_or(open.max().x), y: y1.unwrap_or(open.max().y) },
    );
    grow(core, margin)
}

/// The box of each model's owned objects, in model order.
fn owned_extents(p: &Loaded, unit: &Unit) -> Vec<Option<Rect<f64>>> {
    p.models
        .iter()
        .map(|m| {
            let objects = p.layers.vector(m.objects())?;
            unit.owned_rows(objects).into_iter().filter_map(|i| objects.geoms[i].bounding_rect()).reduce(union)
        })
        .collect()
}

fn contains(outer: Rect<f64>, inner: Rect<f64>) -> bool {
    outer.min().x <= inner.min().x && outer.min().y <= inner.min().y && outer.max().x >= inner.max().x && outer.max().y >= inner.max().y
}

/// This process's peak resident memory, from /proc (Linux).
pub fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb / 1024.0)
}
