//! The first phase of a run: the config's models and every layer they name,
//! loaded and checked against each other ([`Loaded`]), ready to score.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use geo_types::Rect;
use rayon::prelude::*;

use super::checks::{check_domains, check_outside, check_weights};
use super::needed_layers;
use super::streets::{streets, Streets};
use crate::config::RunConfig;
use crate::error::Result;
use crate::load::{self, outside::Clipped, Layer, Layers, Reject, Strictness};
use crate::model::{FieldRead, Model};
use crate::objects::RowChecks;
use crate::progress::Progress;
use crate::review;
use crate::score::check::check_model;

/// Everything loaded and checked, ready to score.
pub struct Loaded {
    pub config: RunConfig,
    pub models: Vec<Model>,
    pub layers: Layers,
    /// The 街镇 of the district.
    pub streets: Streets,
    /// Strict, or `--keep-going`.
    pub how: Strictness,
    /// Features left out so far (with `--keep-going`, or by `missing = "reject"`).
    pub rejects: Vec<Reject>,
    /// Objects outside the district left out by `clip_to_district`.
    pub clipped: Vec<Clipped>,
    /// Values of context layers' fields (e.g. a summed population) that
    /// needed a rewrite to be read as numbers: layer → field → counts.
    /// (A merged run has not loaded the context layers and leaves this empty.)
    pub context_rewrites: BTreeMap<String, BTreeMap<String, crate::value::RewriteCounts>>,
    /// Features per vector layer of the run (for reports; a merge has not
    /// loaded the context layers, so it counts them apart).
    pub feature_counts: BTreeMap<String, usize>,
    /// The work units a merged run was put together from (empty for a whole run).
    pub units: Vec<crate::unit::UnitRecord>,
    /// The expert review's adjustments (`[review]`), checked but not yet applied.
    pub review: Vec<review::Entry>,
    pub load_time: Duration,
}

/// Parse the config and models, load every layer they name, and check the models against the layers.
pub fn load(config: RunConfig, keep_going: bool, progress: &Progress) -> Result<Loaded> {
    load_in(config, keep_going, progress, None)
}

/// [`load`], reading only the features that meet `clip`'s rectangle
/// (working CRS) for their layer, from every layer but the 街镇: what a work
/// unit's objects need.
pub fn load_in(config: RunConfig, keep_going: bool, progress: &Progress, clip: Option<&BTreeMap<String, Rect<f64>>>) -> Result<Loaded> {
    let how = Strictness { keep_going, make_valid: config.repair_invalid_geometry };
    let start = Instant::now();
    load::check_working_crs(&config)?;
    let models: Vec<Model> = config.domains.iter().map(|p| Model::from_file(p)).collect::<Result<_>>()?;
    check_domains(&config, &models)?;
    check_weights(&config, &models)?;
    let review = review::read(config.review.as_ref(), &models)?;
    let needed = needed_layers(&config, &models);

    let (mut layers, mut rejects) = load_needed(&config, &needed, how, clip, progress)?;
    label_fields(&models, &mut layers);
    let streets = streets(&config, &layers)?;
    let clipped = check_outside(&config, &models, &streets, &mut layers, how, &mut rejects, clip.is_none())?;
    let mut context_rewrites: BTreeMap<String, BTreeMap<String, crate::value::RewriteCounts>> = BTreeMap::new();
    // With --keep-going, a bad value of one feature is left to the domain
    // that reads it, which rejects the feature when it scores: here only
    // what no rejection mends (a missing field, an unreadable column) stops.
    let row_checks = if keep_going { RowChecks::reject() } else { RowChecks::Stop };
    for m in &models {
        check_model(m, &config, &layers, &row_checks)?;
        for read in m.indicators.iter().flat_map(|i| i.source.reads(i.normalise.is_categorical())) {
            let FieldRead::Context { layer, field } = read else { continue };
            if let Some(v) = layers.vector(layer) {
                let counts = v.read_numbers(field, &m.units_of(Some(layer), field), &row_checks)?.rewrites;
                if !counts.is_empty() {
                    context_rewrites.entry(layer.to_owned()).or_default().insert(field.to_owned(), counts);
                }
            }
        }
    }
    if !rejects.is_empty() {
        tracing::warn!(rejects = rejects.len(), "{}", crate::msg::Msg::LoadRejects);
    }
    let feature_counts = layers
        .layers
        .iter()
        .filter_map(|(name, l)| match l {
            Layer::Vector(v) => Some((name.clone(), v.len())),
            Layer::Raster(_) => None,
        })
        .collect();
    Ok(Loaded {
        config,
        models,
        layers,
        streets,
        how,
        rejects,
        clipped,
        context_rewrites,
        feature_counts,
        units: Vec::new(),
        review,
        load_time: start.elapsed(),
    })
}

/// The layers a run needs, loaded in parallel; `clip` limits all but the 街镇 layer to their rectangle.
fn load_needed(
    config: &RunConfig,
    needed: &[&str],
    how: Strictness,
    clip: Option<&BTreeMap<String, Rect<f64>>>,
    progress: &Progress,
) -> Result<(Layers, Vec<Reject>)> {
    // Layers load in parallel, each through its own GDAL dataset and PROJ
    // context; the first failing layer by name is reported, as in a serial load.
    let bar = progress.bar("loading layers", needed.len() as u64);
    let loaded: Vec<Result<(Layer, Vec<Reject>)>> = needed
        .par_iter()
        .map(|name| {
            let started = std::time::Instant::now();
            let clip = clip.and_then(|c| c.get(*name).copied()).filter(|_| *name != config.streets.layer);
            let r = load::load_layer(config, name, how, clip);
            tracing::debug!(layer = name, ms = started.elapsed().as_millis() as u64, "loaded");
            bar.inc(1);
            r
        })
        .collect();
    bar.finish_and_clear();
    let mut layers = Layers::default();
    let mut rejects = Vec::new();
    for (name, r) in needed.iter().zip(loaded) {
        let (layer, r) = r?;
        layers.layers.insert((*name).to_owned(), layer);
        rejects.extend(r);
    }
    Ok((layers, rejects))
}

/// Give each objects layer the Chinese names its models use for its fields,
/// so messages name a field by key and name ("字段“重大危险源等级”（major_hazard_grade）").
fn label_fields(models: &[Model], layers: &mut Layers) {
    for m in models {
        if let Some(Layer::Vector(v)) = layers.layers.get_mut(m.objects()) {
            let v = Arc::get_mut(v).expect("labelled before scoring shares the layer");
            for f in m.object_fields() {
                v.labels.entry(f.key).or_insert(f.name);
            }
        }
    }
}
