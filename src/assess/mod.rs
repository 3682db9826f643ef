//! The assessment pipeline, in phases that are types:
//!
//! ```text
//! RunConfig ─load─► Loaded ─phase one─► Valued ─phase two─► Scored ─review─► Reviewed ─aggregate─► Assessment
//!                   (layers,            (raw values;        (scores,         (sensitivity,         (zones,
//!                    checked)            a work unit          computed         expert review:        comprehensive)
//!                                        stops here)          levels)          final levels)
//! ```
//!
//! A whole run goes through every phase ([`assess`]); a work unit stops at
//! [`Valued`] (`tile::unit`), and a merge starts there ([`assess_merged`]);
//! `sise validate` stops at [`Scored`]; a sensitivity analysis reruns phase
//! two from [`Scored`]'s values. `emit` writes an [`Assessment`].

mod checks;
mod load;
mod phase;
mod streets;
mod zones;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::aggregate::{grid, Total, ZoneResult};
use crate::config::RunConfig;
use crate::error::Result;
use crate::level::Level;
use crate::model::Model;
use crate::objects::VectorLayer;
use crate::progress::Progress;
use crate::review;
use crate::score::DomainScores;

pub use load::{load, load_in, Loaded};
pub use phase::{review_domain, Scored, Valued};
pub use streets::{streets_of, Districts, Streets};

/// Score every domain (both phases), review, aggregate to the grid, the 街镇
/// and the district, and combine domains.
pub fn assess(mut loaded: Loaded, progress: &Progress) -> Result<Assessment> {
    let start = Instant::now();
    let bar = progress.bar("scoring domains", loaded.models.len() as u64);
    // Domains are scored side by side: each reads the loaded layers and
    // writes only its own results (a domain alone leaves a core idle through
    // its serial steps). Results, rejects and the first error keep domain order.
    let scored: Vec<Result<(Scored, Vec<crate::load::Reject>)>> = (0..loaded.models.len())
        .into_par_iter()
        .map(|d| {
            tracing::debug!(domain = %loaded.models[d].id, name = %loaded.models[d].name, "scoring");
            let mut rejects = Vec::new();
            let scored = loaded.score(d, &mut rejects)?;
            bar.inc(1);
            Ok((scored, rejects))
        })
        .collect();
    bar.finish_and_clear();
    let mut domains = Vec::with_capacity(scored.len());
    for r in scored {
        let (scored, rejects) = r?;
        domains.push(scored);
        loaded.rejects.extend(rejects);
    }
    review_and_aggregate(loaded, domains, start, progress)
}

/// A tiled run's merge: per domain, every unit's objects with their phase-one
/// values (`valued`, in model order); phase two runs over all of them at once.
pub fn assess_merged(loaded: Loaded, valued: Vec<Valued>, progress: &Progress) -> Result<Assessment> {
    let start = Instant::now();
    let bar = progress.bar("scoring domains", loaded.models.len() as u64);
    let scored: Vec<Result<Scored>> = loaded
        .models
        .par_iter()
        .zip(valued)
        .map(|(m, v)| {
            let s = v.score(m);
            bar.inc(1);
            s
        })
        .collect();
    bar.finish_and_clear();
    let scored = scored.into_iter().collect::<Result<Vec<_>>>()?;
    review_and_aggregate(loaded, scored, start, progress)
}

/// The computed levels' sensitivity (from the phase-one values, before the
/// review sets final levels), the expert review, then aggregation.
fn review_and_aggregate(loaded: Loaded, scored: Vec<Scored>, start: Instant, progress: &Progress) -> Result<Assessment> {
    let sensitivity_start = Instant::now();
    let sensitivity: Vec<Option<crate::sensitivity::DomainSensitivity>> = match &loaded.config.sensitivity {
        Some(cfg) => {
            let bar = progress.bar("sensitivity", loaded.models.len() as u64);
            let s = scored
                .iter()
                .zip(&loaded.models)
                .map(|(s, m)| {
                    let r = crate::sensitivity::domain(m, &s.objects, &s.scores, cfg).map(Some);
                    bar.inc(1);
                    r
                })
                .collect::<Result<_>>()?;
            bar.finish_and_clear();
            s
        }
        None => loaded.models.iter().map(|_| None).collect(),
    };
    let sensitivity_time = sensitivity_start.elapsed();
    let reviewed = scored.into_iter().zip(sensitivity).enumerate().map(|(d, (s, sens))| s.review(&loaded, d, sens)).collect::<Result<Vec<_>>>()?;
    let score_time = start.elapsed() - sensitivity_time;
    zones::aggregate(loaded, reviewed, progress, score_time, sensitivity_time)
}

/// One domain, scored and aggregated.
pub struct DomainResult {
    /// The objects scored: the loaded layer, or a copy without those left out.
    pub objects: Arc<VectorLayer>,
    /// `scores.level` holds the final levels (after the expert review).
    pub scores: DomainScores,
    /// The expert review's adjustments, by object row, with the computed level.
    pub review: BTreeMap<usize, review::Adjustment>,
    /// The computed levels' sensitivity to the model parameters, when the run has `[sensitivity]`.
    pub sensitivity: Option<crate::sensitivity::DomainSensitivity>,
    /// The 街镇 each object belongs to (the one holding most of it).
    pub object_street: Vec<Option<usize>>,
    pub grid: Vec<Option<ZoneResult>>,
    pub streets: Vec<Option<ZoneResult>>,
    /// The domain over the whole district.
    pub district: Option<ZoneResult>,
    /// Per 区 of a city run (empty without `district_field`).
    pub districts: Vec<Option<ZoneResult>>,
}

impl DomainResult {
    /// Object `i`'s level as the model computed it, before the expert review.
    pub fn computed_level(&self, i: usize) -> Level {
        self.review.get(&i).map_or(self.scores.level[i], |r| r.computed)
    }
}

pub struct Assessment {
    pub loaded: Loaded,
    pub grid: grid::Grid,
    /// Per domain, in model order.
    pub domains: Vec<DomainResult>,
    /// Comprehensive results per grid cell, per 街镇, and for the district
    /// (`[comprehensive]`'s method for each kind), with what drove them.
    pub grid_total: Vec<Total>,
    pub streets_total: Vec<Total>,
    pub district_total: Total,
    /// Per 区 of a city run (empty without `district_field`).
    pub districts_total: Vec<Total>,
    /// Residents per 街镇 (`[comprehensive] population`, where the capacity method reads it).
    pub street_population: Option<Vec<f64>>,
    pub score_time: Duration,
    pub sensitivity_time: Duration,
    pub aggregate_time: Duration,
}

impl Assessment {
    pub fn models(&self) -> &[Model] {
        &self.loaded.models
    }

    pub fn objects(&self, domain: usize) -> &VectorLayer {
        &self.domains[domain].objects
    }

    /// Domain `d`'s registered objects: every feature delivered, including
    /// those rejected while loading or scoring (the 80 % coverage target's base).
    pub fn registered(&self, d: usize) -> usize {
        let m = &self.models()[d];
        let rejected = self.loaded.rejects.iter().filter(|r| r.layer == m.objects() && r.domain.as_deref().is_none_or(|x| x == m.id)).count();
        self.objects(d).len() + rejected
    }
}

/// The layers a run reads: the 街镇 and every layer a model names, sorted.
pub fn needed_layers<'a>(config: &'a RunConfig, models: &'a [Model]) -> Vec<&'a str> {
    let mut needed: Vec<&str> = vec![config.streets.layer.as_str()];
    for m in models {
        needed.push(m.objects());
        needed.extend(m.context_layers().into_iter().filter(|l| config.layers.contains_key(*l)));
    }
    needed.extend(config.comprehensive.layers());
    needed.sort();
    needed.dedup();
    needed
}
