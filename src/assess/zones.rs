//! The last phase: each domain's final levels placed in zones (grid cells,
//! 街镇, the district, the 区 of a city run) and the domains combined into
//! each zone's comprehensive level.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::phase::Reviewed;
use super::{Assessment, DomainResult, Loaded};
use crate::aggregate::{self, capacity::Capacity, grid, Total, ZoneResult, Zones};
use crate::config::Regional;
use crate::error::{Error, Result};
use crate::load::Layer;
use crate::model::{AggMethod, Model};
use crate::objects::{RowChecks, VectorLayer};
use crate::progress::Progress;

/// Of a layer's attributes, only the descriptive ones emit reads (名称, 地址, 责任单位).
fn keep_descriptive(v: &mut VectorLayer) {
    let keep: Vec<String> =
        v.attrs.get_column_names().into_iter().filter(|n| crate::schema::DESCRIPTIVE.iter().any(|(k, _)| *k == n.as_str())).map(|n| n.to_string()).collect();
    v.attrs = v.attrs.select(keep).expect("the kept columns are the frame's");
}

/// Aggregate every domain's final levels to the grid, the 街镇 and the
/// district, and combine domains; `score_time` and `sensitivity_time` are
/// the earlier phases', for the manifest.
pub fn aggregate(mut loaded: Loaded, reviewed: Vec<Reviewed>, progress: &Progress, score_time: Duration, sensitivity_time: Duration) -> Result<Assessment> {
    let start = Instant::now();
    // From here on only the domains' objects are read (each domain holds
    // its own), and the lines that densities are measured on: the other
    // layers (hazard rasters, exposure, capacity) and the attributes the
    // models scored (they are in the scores) are dropped before aggregation,
    // which is when a city run needs its memory most (its cells cut by real
    // boundaries).
    let density: HashSet<String> = loaded.models.iter().filter_map(|m| m.aggregate.density.as_ref().map(|(layer, _)| layer.clone())).collect();
    // The capacity method's layers stay until its vulnerabilities are known (on the grid too).
    let capacity: HashSet<String> = loaded.config.comprehensive.layers().into_iter().map(str::to_owned).collect();
    loaded.layers.layers.retain(|k, _| density.contains(k) || capacity.contains(k));
    let grid = grid::build(&loaded.streets.zones, loaded.config.grid_cell_m);
    let district = Zones::new(vec![aggregate::outline(loaded.streets.zones.polygons.iter())]).snapping(loaded.config.outside_tolerance_m);
    let vulnerability = vulnerabilities(&loaded, &grid, &district)?;
    loaded.layers.layers.retain(|k, _| density.contains(k));
    let mut reviewed = reviewed;
    let lines = loaded.layers.layers.values_mut().filter_map(|l| match l {
        Layer::Vector(v) => Some(v),
        Layer::Raster(_) => None,
    });
    // A layer still shared (scored by two domains, or also a density layer)
    // keeps its attributes: only memory is at stake, not what is written.
    for v in lines.chain(reviewed.iter_mut().map(|r| &mut r.objects)) {
        if let Some(v) = Arc::get_mut(v) {
            keep_descriptive(v);
        }
    }

    let bar = progress.bar("aggregating", loaded.models.len() as u64);
    let zones =
        Kinds { grid: &grid.cells, streets: &loaded.streets.zones, district: &district, districts: loaded.streets.districts.as_ref().map(|d| &d.zones) };
    let domains: Vec<DomainResult> = loaded
        .models
        .par_iter()
        .zip(reviewed)
        .map(|(m, r)| {
            let result = domain_zones(&loaded, m, r, &zones);
            bar.inc(1);
            result
        })
        .collect();
    bar.finish_and_clear();
    let totals = comprehensive(&loaded, &domains, &zones, &vulnerability);
    // Emit reads only the domains' objects: the density lines go too.
    loaded.layers.layers.clear();
    Ok(Assessment {
        loaded,
        grid,
        domains,
        grid_total: totals.grid,
        streets_total: totals.streets,
        district_total: totals.district,
        districts_total: totals.districts,
        street_population: vulnerability.people,
        score_time,
        sensitivity_time,
        aggregate_time: start.elapsed(),
    })
}

/// The zones of each kind a run aggregates to.
struct Kinds<'a> {
    grid: &'a Zones,
    streets: &'a Zones,
    district: &'a Zones,
    /// The 区 of a city run.
    districts: Option<&'a Zones>,
}

/// One domain's objects placed in each kind of zone.
fn domain_zones(loaded: &Loaded, m: &Model, r: Reviewed, zones: &Kinds) -> DomainResult {
    let Reviewed { objects, scores, review, sensitivity } = r;
    let object_street = objects.geoms.iter().map(|g| loaded.streets.zones.main_zone(g)).collect();
    let agg = |method, zones: &Zones| {
        // Objects per km of a line layer need that layer's metres per zone.
        let density = m.aggregate.density.as_ref().filter(|_| method == AggMethod::Density).map(|(layer, bands)| {
            let lines = loaded.layers.vector(layer).expect("checked when loaded");
            (aggregate::line_metres(&lines.geoms, zones), bands)
        });
        aggregate::aggregate(&objects.geoms, &scores, method, &m.thresholds, zones, density.as_ref().map(|(m, b)| (&m[..], *b)))
    };
    DomainResult {
        grid: agg(m.aggregate.grid, zones.grid),
        streets: agg(m.aggregate.streets, zones.streets),
        district: agg(m.aggregate.streets, zones.district)[0],
        districts: zones.districts.map_or_else(Vec::new, |d| agg(m.aggregate.streets, d)),
        object_street,
        objects,
        scores,
        review,
        sensitivity,
    }
}

/// Each zone's comprehensive result, per kind.
struct Totals {
    grid: Vec<Total>,
    streets: Vec<Total>,
    district: Total,
    districts: Vec<Total>,
}

/// The domains combined in every zone by the method `[comprehensive]` names for its kind.
fn comprehensive(loaded: &Loaded, domains: &[DomainResult], zones: &Kinds, vulnerability: &Vulnerability) -> Totals {
    let c = &loaded.config.comprehensive;
    let km2 = |zones: &Zones, z: usize| geo::Area::unsigned_area(&zones.polygons[z]) / 1e6;
    // The district's risk per km², which `scale = "district_mean"` grades against.
    let whole: Vec<Option<ZoneResult>> = domains.iter().map(|d| d.district).collect();
    // Under `capacity`, the district's vulnerability too: 1× is the district as a whole.
    let district_density = |how: &Regional| match how {
        Regional::Exposure { values, .. } => aggregate::density(&whole, values, km2(zones.district, 0)),
        Regional::Capacity { values, .. } => aggregate::density(&whole, values, km2(zones.district, 0)) * vulnerability.whole.unwrap_or(1.0),
        _ => 0.0,
    };
    let combine = |zones: &Zones, how: &Regional, vuln: &Option<Vec<f64>>, pick: &(dyn Fn(&DomainResult, usize) -> Option<ZoneResult> + Sync)| {
        let district_density = district_density(how);
        (0..zones.len())
            .into_par_iter()
            .map(|z| {
                let per_domain: Vec<Option<ZoneResult>> = domains.iter().map(|d| pick(d, z)).collect();
                let facts = aggregate::ZoneFacts { area_km2: km2(zones, z), vulnerability: vuln.as_ref().map(|v| v[z]), district_density };
                aggregate::combine(&per_domain, &loaded.models, how, facts)
            })
            .collect::<Vec<Total>>()
    };
    Totals {
        grid: combine(zones.grid, &c.grid, &vulnerability.grid, &|d, z| d.grid[z]),
        streets: combine(zones.streets, &c.streets, &vulnerability.streets, &|d, z| d.streets[z]),
        district: combine(zones.district, &c.district, &vulnerability.district, &|d, _| d.district).remove(0),
        districts: zones.districts.map_or_else(Vec::new, |ds| combine(ds, &c.district, &vulnerability.districts, &|d, z| d.districts[z])),
    }
}

/// Per zone kind, the vulnerability of each zone's protection system (the
/// `capacity` method's factor); none where no kind uses it.
#[derive(Default)]
struct Vulnerability {
    grid: Option<Vec<f64>>,
    streets: Option<Vec<f64>>,
    district: Option<Vec<f64>>,
    districts: Option<Vec<f64>>,
    /// The whole district's, when any kind uses `capacity`.
    whole: Option<f64>,
    /// Residents per 街镇, for the reports' district profile.
    people: Option<Vec<f64>>,
}

fn vulnerabilities(p: &Loaded, grid: &grid::Grid, district: &Zones) -> Result<Vulnerability> {
    let c = &p.config.comprehensive;
    let (Some(people), true) = (&c.population, c.uses_capacity()) else {
        return Ok(Vulnerability::default());
    };
    let vector = |name: &str| {
        p.layers.vector(name).ok_or_else(|| Error::Config {
            file: p.config.file.clone(),
            message: crate::msg::ConfigMistake::ComprehensiveNotVector { layer: name.to_owned() }.into(),
        })
    };
    let homes = vector(&people.layer)?;
    let population = homes.require(&people.field, homes.numbers(&people.field, &["人"], &RowChecks::Stop)?, &RowChecks::Stop)?;
    let factors = c.capacity.iter().map(|f| Ok((f, &vector(&f.layer)?.geoms[..]))).collect::<Result<Vec<_>>>()?;
    let capacity = Capacity { factors, people: (&homes.geoms, &population) };
    let at_homes = capacity.of_people();
    let mut people = vec![0.0; p.streets.names.len()];
    for (g, n) in homes.geoms.iter().zip(&population) {
        if let Some(z) = p.streets.zones.main_zone(g) {
            people[z] += n;
        }
    }
    let of = |how: &Regional, zones: &Zones| matches!(how, Regional::Capacity { .. }).then(|| capacity.vulnerability(&at_homes, zones));
    Ok(Vulnerability {
        grid: of(&c.grid, &grid.cells),
        streets: of(&c.streets, &p.streets.zones),
        district: of(&c.district, district),
        districts: p.streets.districts.as_ref().and_then(|d| of(&c.district, &d.zones)),
        whole: capacity.vulnerability(&at_homes, district).first().copied(),
        people: Some(people),
    })
}
