//! `sise merge PLAN UNITS --out OUT`: put the units' objects together in
//! the whole run's order and assess them as a whole run would, so every
//! step after the indicator values (normalisation over the study area,
//! levels, vetoes, aggregation to grid cells, 街镇 and district, emit) is
//! the same code on the same data. Grid cells and 街镇 are aggregated from
//! the merged objects, never from unit summaries.

use std::path::Path;
use std::time::Instant;

use super::unit::unit_dir;
use super::Plan;
use super::UnitRecord;
use crate::assess::{self, Assessment, Loaded, Valued};
use crate::config::RunConfig;
use crate::error::{Error, Result};
use crate::load::{self, Layers, Reject, Strictness};
use crate::model::Model;
use crate::msg::PlanMistake;
use crate::progress::Progress;
use crate::run::{RunOptions, RunReport};

/// `sise merge`: the units of `plan` in `units`, assessed and written as a
/// whole run of the plan's config (or `config_path`) would be.
pub fn run(plan_path: &Path, units: &Path, config_path: Option<&Path>, root: &Path, opts: RunOptions, progress: &Progress) -> Result<RunReport> {
    let plan = Plan::read(plan_path)?;
    let config = RunConfig::from_file(config_path.unwrap_or(&plan.config))?;
    plan.check(&config, plan_path)?;
    crate::run::assess_and_write(config, root, opts, progress, |config| assess(config, &plan, units, progress))
}

/// Read every unit of `plan` from `units` and assess the merged district.
pub fn assess(config: RunConfig, plan: &Plan, units: &Path, progress: &Progress) -> Result<Assessment> {
    let start = Instant::now();
    let records = finished_units(plan, units)?;
    let models: Vec<Model> = config.domains.iter().map(|p| Model::from_file(p)).collect::<Result<_>>()?;

    let bar = progress.bar("merging units", models.len() as u64);
    let mut merged = Vec::with_capacity(models.len());
    for m in &models {
        let paths: Vec<_> = plan.units.iter().map(|u| unit_dir(units, u.index).join(format!("{}.parquet", m.id))).collect();
        let file = &config
            .layers
            .get(m.objects())
            .ok_or_else(|| Error::Model { file: m.file.clone(), message: crate::msg::Msg::NoLayerEntry { name: m.objects().to_owned() }.into() })?
            .path;
        let (objects, values) = crate::unit::store::read_objects(&paths, m, m.objects(), file)?;
        merged.push(Valued { objects: std::sync::Arc::new(objects), values });
        bar.inc(1);
    }
    bar.finish_and_clear();

    // The line layers that objects-per-km aggregation divides by, and the
    // layers of the comprehensive `capacity` method, are read whole.
    let mut layers = Layers::default();
    let whole = models.iter().filter_map(|m| m.aggregate.density.as_ref().map(|(layer, _)| layer.as_str())).chain(config.comprehensive.layers());
    let mut whole: Vec<String> = whole.map(str::to_owned).collect();
    whole.sort();
    whole.dedup();
    for layer in whole {
        let (l, _) = load::load_layer(&config, &layer, Strictness::default(), None)?;
        layers.layers.insert(layer, l);
    }
    let clipped: Vec<crate::load::outside::Clipped> = records.iter().flat_map(|r| r.clipped.iter().cloned()).collect();
    let mut feature_counts = std::collections::BTreeMap::new();
    for name in assess::needed_layers(&config, &models) {
        // A whole run counts the features it loaded, including those outside the district it does not score.
        let outside = clipped.iter().filter(|c| c.layer == name).count();
        let merged_count = models.iter().zip(&merged).find(|(m, _)| m.objects() == name).map(|(_, v)| v.objects.len() + outside);
        let count = match (merged_count, layers.vector(name)) {
            (Some(n), _) => Some(n),
            (None, Some(v)) => Some(v.len()),
            (None, None) => load::feature_count(&config, name)?,
        };
        feature_counts.extend(count.map(|n| (name.to_owned(), n)));
    }

    let mut rejects: Vec<Reject> = Vec::new();
    for u in &plan.units {
        let path = unit_dir(units, u.index).join("rejects.json");
        let text = std::fs::read_to_string(&path).map_err(|e| unit_err(&path, e))?;
        let unit_rejects: Vec<Reject> = serde_json::from_str(&text).map_err(|e| unit_err(&path, e))?;
        // A feature in two halos is rejected by both units; list it once.
        for r in unit_rejects {
            if !rejects.contains(&r) {
                rejects.push(r);
            }
        }
    }

    let streets = assess::streets_of(&config)?;
    let how = Strictness { keep_going: records.iter().any(|r| r.keep_going), make_valid: config.repair_invalid_geometry };
    let context_rewrites = Default::default();
    let review = crate::review::read(config.review.as_ref(), &models)?;
    let loaded =
        Loaded { config, models, layers, streets, how, rejects, clipped, context_rewrites, feature_counts, units: records, review, load_time: start.elapsed() };
    assess::assess_merged(loaded, merged, progress)
}

fn unit_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::input(crate::error::Bad::File, path, None, crate::msg::OutputTrouble::UnitUnreadable { detail: e.to_string() })
}

/// The record of every unit, or an error naming the units to (re)run.
fn finished_units(plan: &Plan, units: &Path) -> Result<Vec<UnitRecord>> {
    let mut records = Vec::new();
    let (mut missing, mut stale) = (Vec::new(), Vec::new());
    for u in &plan.units {
        let path = unit_dir(units, u.index).join("unit.json");
        match std::fs::read_to_string(&path).ok().and_then(|t| serde_json::from_str::<UnitRecord>(&t).ok()) {
            None => missing.push(u.index.to_string()),
            Some(r) if r.fingerprint != plan.fingerprint || r.core != u.core || r.sise_version != env!("CARGO_PKG_VERSION") => stale.push(u.index.to_string()),
            Some(r) => records.push(r),
        }
    }
    let err = |m: PlanMistake| Error::Config { file: units.to_owned(), message: m.into() };
    if !missing.is_empty() {
        return Err(err(PlanMistake::Unfinished { missing, total: plan.units.len(), units: units.to_owned() }));
    }
    if !stale.is_empty() {
        return Err(err(PlanMistake::Stale { units: stale }));
    }
    Ok(records)
}
