//! The assessment pipeline: load → score → aggregate, producing an
//! [`Assessment`] that `emit` writes. `sise validate` runs the first half
//! ([`prepare`]) and stops before scoring.

use std::time::{Duration, Instant};

use geo::BooleanOps;
use geo_types::{Geometry, MultiPolygon};
use rayon::prelude::*;

use crate::aggregate::{self, grid, Zones, ZoneResult};
use crate::config::RunConfig;
use crate::error::{Error, Result};
use crate::level::Level;
use crate::load::{self, Layers, VectorLayer};
use crate::model::AggMethod;
use crate::model::{check::check_model, Model};
use crate::progress::Progress;
use crate::score::{self, DomainScores};

/// The administrative units (街镇) of the district.
pub struct AdminUnits {
    pub zones: Zones,
    pub names: Vec<String>,
    pub codes: Vec<String>,
}

/// Everything loaded and checked, ready to score.
pub struct Prepared {
    pub config: RunConfig,
    pub models: Vec<Model>,
    pub layers: Layers,
    pub admin: AdminUnits,
    pub load_time: Duration,
}

/// One domain, scored and aggregated.
pub struct DomainResult {
    pub scores: DomainScores,
    /// The 街镇 each object belongs to (the one holding most of it).
    pub object_street: Vec<Option<usize>>,
    pub grid: Vec<Option<ZoneResult>>,
    pub admin: Vec<Option<ZoneResult>>,
    /// The domain over the whole district.
    pub district: Option<ZoneResult>,
}

pub struct Assessment {
    pub prepared: Prepared,
    pub grid: grid::Grid,
    /// Per domain, in model order.
    pub domains: Vec<DomainResult>,
    /// Comprehensive (score, level) per grid cell, per 街镇, and for the district.
    pub grid_total: Vec<(f64, Level)>,
    pub admin_total: Vec<(f64, Level)>,
    pub district_total: (f64, Level),
    pub score_time: Duration,
    pub aggregate_time: Duration,
}

impl Assessment {
    pub fn models(&self) -> &[Model] {
        &self.prepared.models
    }

    pub fn objects(&self, domain: usize) -> &VectorLayer {
        self.prepared.layers.vector(self.prepared.models[domain].objects()).expect("checked in prepare")
    }
}

/// Parse the config and models, load every layer they name, and check the models against the layers.
pub fn prepare(config: RunConfig, progress: &Progress) -> Result<Prepared> {
    let start = Instant::now();
    load::check_working_crs(&config)?;
    let models: Vec<Model> = config.domains.iter().map(|p| Model::from_file(p)).collect::<Result<_>>()?;
    for (i, m) in models.iter().enumerate() {
        if let Some(prev) = models[..i].iter().find(|p| p.id == m.id) {
            return Err(Error::Config {
                file: config.file.clone(),
                message: format!("domain id {} appears twice ({} and {})", m.id, prev.file.display(), m.file.display()),
            });
        }
    }

    let mut needed: Vec<&str> = vec![config.admin_units.layer.as_str()];
    for m in &models {
        if !config.layers.contains_key(m.objects()) {
            return Err(Error::Model {
                file: m.file.clone(),
                message: format!(
                    "objects = '{}' is not a [layers.*] entry of {} ({})",
                    m.objects(),
                    config.file.display(),
                    config.layers.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            });
        }
        needed.push(m.objects());
        needed.extend(m.context_layers().into_iter().filter(|l| config.layers.contains_key(*l)));
    }
    needed.sort();
    needed.dedup();

    let bar = progress.bar("loading layers", needed.len() as u64);
    let mut layers = Layers::default();
    for name in needed {
        tracing::debug!(layer = name, "loading");
        let layer = load::load_layer(&config, name)?;
        layers.layers.insert(name.to_owned(), layer);
        bar.inc(1);
    }
    bar.finish_and_clear();

    for m in &models {
        check_model(m, &config, &layers)?;
    }
    let admin = admin_units(&config, &layers)?;
    Ok(Prepared { config, models, layers, admin, load_time: start.elapsed() })
}

fn admin_units(config: &RunConfig, layers: &Layers) -> Result<AdminUnits> {
    let a = &config.admin_units;
    let layer = layers.vector(&a.layer).ok_or_else(|| Error::Config {
        file: config.file.clone(),
        message: format!("admin_units.layer '{}' must be a polygon vector layer", a.layer),
    })?;
    let polygons: Vec<MultiPolygon<f64>> = layer
        .geoms
        .iter()
        .zip(&layer.ids)
        .map(|(g, id)| match g {
            Geometry::Polygon(p) => Ok(MultiPolygon(vec![p.clone()])),
            Geometry::MultiPolygon(mp) => Ok(mp.clone()),
            _ => Err(Error::input(&layer.file, Some(&layer.name), format!("feature id '{id}': 街镇 must be polygons"))),
        })
        .collect::<Result<_>>()?;
    let names = layer.require(&a.name_field, layer.texts(&a.name_field)?)?;
    let codes = layer.require(&a.code_field, layer.texts(&a.code_field)?)?;
    Ok(AdminUnits { zones: Zones::new(polygons), names, codes })
}

/// Score every domain, aggregate to the grid, the 街镇 and the district, and combine domains.
pub fn assess(prepared: Prepared, progress: &Progress) -> Result<Assessment> {
    let config = &prepared.config;
    let ctx = score::Context { layers: &prepared.layers, year: config.year, working_crs: &config.working_crs };

    let start = Instant::now();
    let bar = progress.bar("scoring domains", prepared.models.len() as u64);
    let mut all_scores = Vec::new();
    for m in &prepared.models {
        tracing::info!(domain = %m.id, name = %m.name, "scoring");
        all_scores.push(score::score_domain(m, &ctx)?);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let score_time = start.elapsed();

    let start = Instant::now();
    let grid = grid::build(&prepared.admin.zones, config.grid_cell_m);
    let district = Zones::new(vec![prepared
        .admin
        .zones
        .polygons
        .iter()
        .fold(MultiPolygon(vec![]), |acc, p| acc.union(p))]);
    let bar = progress.bar("aggregating", prepared.models.len() as u64);
    let domains: Vec<DomainResult> = prepared
        .models
        .par_iter()
        .zip(all_scores)
        .map(|(m, scores)| {
            let objects = prepared.layers.vector(m.objects()).expect("checked in prepare");
            let object_street = objects.geoms.iter().map(|g| prepared.admin.zones.main_zone(g)).collect();
            let agg = |method, zones: &Zones| {
                // Objects per km of a line layer need that layer's metres per zone.
                let density = m.aggregate.density.as_ref().filter(|_| method == AggMethod::Density).map(|(layer, bands)| {
                    let lines = prepared.layers.vector(layer).expect("checked in prepare");
                    (aggregate::line_metres(&lines.geoms, zones), bands)
                });
                aggregate::aggregate(&objects.geoms, &scores, method, &m.thresholds, zones, density.as_ref().map(|(m, b)| (&m[..], *b)))
            };
            let result = DomainResult {
                grid: agg(m.aggregate.grid, &grid.cells),
                admin: agg(m.aggregate.admin, &prepared.admin.zones),
                district: agg(m.aggregate.admin, &district)[0],
                object_street,
                scores,
            };
            bar.inc(1);
            result
        })
        .collect();
    bar.finish_and_clear();

    let combine = |zone: usize, pick: &dyn Fn(&DomainResult, usize) -> Option<ZoneResult>| {
        let per_domain: Vec<Option<ZoneResult>> = domains.iter().map(|d| pick(d, zone)).collect();
        aggregate::comprehensive(&per_domain, &prepared.models, &config.comprehensive)
    };
    let grid_total = (0..grid.cells.len()).map(|z| combine(z, &|d, z| d.grid[z])).collect();
    let admin_total = (0..prepared.admin.zones.len()).map(|z| combine(z, &|d, z| d.admin[z])).collect();
    let district_total = combine(0, &|d, _| d.district);
    let aggregate_time = start.elapsed();

    Ok(Assessment { prepared, grid, domains, grid_total, admin_total, district_total, score_time, aggregate_time })
}
