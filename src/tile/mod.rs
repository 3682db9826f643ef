//! Partition plans for runs past one machine (`sise plan`). A plan numbers
//! work units, each a core rectangle plus a halo. A unit owns the objects
//! and grid cells whose centroid lies in its core, so every object has
//! exactly one owner; it reads of each layer as far as its indicators look
//! at that layer ([`layer_reads`]), so radius indicators near a core edge see
//! what a whole run sees. The halo, the most any unit reads past its core,
//! is at least the largest reach of any indicator plus one grid cell.
//!
//! Cores are aligned to the grid's global origin (multiples of the cell
//! size), so no unit splits a cell, and the outermost cores are open to the
//! outside, so features beyond the district's bounding box still have one
//! owner. The cluster engine (Slurm, Kubernetes) fans the units out.
//!
//! A unit (`unit.rs`) computes phase one, the raw indicator values of the
//! objects it owns, and writes them to its own folder; `merge.rs` puts the
//! units together in the whole run's row order and runs phase two
//! (normalisation over the study area, method, control, vetoes, levels),
//! aggregation and emit exactly as a whole run does.

pub mod merge;
pub mod unit;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use geo::{BoundingRect, Centroid};
use geo_types::Rect;
use serde::{Deserialize, Serialize};

use crate::config::RunConfig;
use crate::error::{Error, Result};
use crate::model::{union, Model};
use crate::msg::PlanMistake;
use crate::score::spatial::grow;

/// How to cut the district.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tiling {
    /// Square tiles of about this many metres (rounded up to whole grid cells).
    Size(f64),
    /// This many columns × rows over the district's bounding box.
    Grid(usize, usize),
}

impl std::str::FromStr for Tiling {
    type Err = String;

    /// "5km", "800m", "5000" (metres) or "2x2".
    fn from_str(s: &str) -> std::result::Result<Tiling, String> {
        let s = s.trim();
        if let Some((c, r)) = s.split_once(['x', '×']) {
            return match (c.parse::<usize>(), r.parse::<usize>()) {
                (Ok(c), Ok(r)) if c > 0 && r > 0 => Ok(Tiling::Grid(c, r)),
                _ => Err(PlanMistake::GridWritten { text: s.into() }.into()),
            };
        }
        let (number, unit) = match s.strip_suffix("km") {
            Some(n) => (n, 1000.0),
            None => (s.strip_suffix('m').unwrap_or(s), 1.0),
        };
        match number.trim().parse::<f64>() {
            Ok(v) if v.is_finite() && v > 0.0 => Ok(Tiling::Size(v * unit)),
            _ => Err(PlanMistake::SizeWritten { text: s.into() }.into()),
        }
    }
}

pub use crate::unit::{Unit, UnitRecord};

/// A partition plan, written as JSON for the engine's job scripts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The run configuration the plan was made for.
    pub config: PathBuf,
    pub working_crs: String,
    pub grid_cell_m: f64,
    /// The largest distance any indicator looks at, and the indicator that does.
    pub reach_m: f64,
    pub reach_of: String,
    pub halo_m: f64,
    /// The box of the 街镇 layer [x_min, y_min, x_max, y_max], where the
    /// outermost cores' open sides are read to (units need not read the 街镇).
    pub district: [f64; 4],
    /// Tile width and height (whole grid cells).
    pub tile_m: [f64; 2],
    /// SHA-256 over the run config's and the model files' contents: units
    /// and the merge refuse a config or models changed after planning.
    pub fingerprint: String,
    pub units: Vec<Unit>,
}

impl Plan {
    pub fn read(path: &Path) -> Result<Plan> {
        let err = |m: PlanMistake| Error::Config { file: path.to_owned(), message: m.into() };
        let text = std::fs::read_to_string(path).map_err(|e| err(PlanMistake::PlanUnreadable { detail: e.to_string() }))?;
        serde_json::from_str(&text).map_err(|e| err(PlanMistake::NotAPlan { detail: e.to_string() }))
    }

    /// Check that `config` (and its models) are what the plan was made for.
    pub fn check(&self, config: &RunConfig, plan_file: &Path) -> Result<()> {
        let err = |m: PlanMistake| Error::Config { file: plan_file.to_owned(), message: m.into() };
        if plan_fingerprint(config)? != self.fingerprint {
            return Err(err(PlanMistake::PlanStale { config: config.file.display().to_string() }));
        }
        if config.working_crs != self.working_crs || config.grid_cell_m != self.grid_cell_m {
            return Err(err(PlanMistake::CrsOrCell));
        }
        Ok(())
    }
}

/// SHA-256 over the contents of the run config and its model files, in order.
pub fn plan_fingerprint(config: &RunConfig) -> Result<String> {
    let mut h = Sha256::new();
    for f in std::iter::once(&config.file).chain(&config.domains) {
        let bytes = std::fs::read(f).map_err(|e| Error::Config { file: f.clone(), message: crate::msg::Msg::CannotRead { detail: e.to_string() }.into() })?;
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
    }
    Ok(format!("{:x}", h.finalize()))
}

/// The largest reach of any indicator of `models`, with "D01 indicator 'x'"
/// naming it; an error for an indicator whose reach has no bound.
pub fn reach(models: &[Model]) -> Result<(f64, String)> {
    let mut best = (0.0, PlanMistake::NoReach.into());
    for m in models {
        for ind in &m.indicators {
            let r = ind.source.reach_m();
            if r.is_infinite() {
                return Err(Error::Model { file: m.file.clone(), message: PlanMistake::Unbounded { indicator: ind.key.clone() }.into() });
            }
            if r > best.0 {
                best = (r, format!("{} {}", m.id, crate::msg::Place::Indicator(ind.key.clone())));
            }
        }
    }
    Ok(best)
}

/// Cut `bounds` (the district's) into units for `config` and `models`.
/// `halo` overrides the computed halo, and must not be smaller than it.
pub fn plan(config: &RunConfig, models: &[Model], bounds: Rect<f64>, tiling: Tiling, halo: Option<f64>) -> Result<Plan> {
    let cell = config.grid_cell_m;
    let (reach_m, reach_of) = reach(models)?;
    let needed = reach_m + cell;
    let halo_m = match halo {
        Some(h) if h < needed => {
            return Err(Error::Config { file: config.file.clone(), message: PlanMistake::HaloTooSmall { halo: h, reach_of, reach_m, cell }.into() })
        }
        Some(h) => h,
        None => needed,
    };
    // Cores in whole cells from the cell at or below the district's corner.
    let (x0, y0) = ((bounds.min().x / cell).floor() * cell, (bounds.min().y / cell).floor() * cell);
    let cells = |len: f64| ((len / cell).ceil()).max(1.0);
    let (tw, th) = match tiling {
        Tiling::Size(s) => (cells(s) * cell, cells(s) * cell),
        Tiling::Grid(c, r) => (cells((bounds.max().x - x0) / c as f64) * cell, cells((bounds.max().y - y0) / r as f64) * cell),
    };
    let cols = (((bounds.max().x - x0) / tw).floor() as usize + 1).max(1);
    let rows = (((bounds.max().y - y0) / th).floor() as usize + 1).max(1);
    // Grid(c, r) can round to fewer tiles than asked when cells are large; never more.
    let (cols, rows) = match tiling {
        Tiling::Grid(c, r) => (cols.min(c), rows.min(r)),
        Tiling::Size(_) => (cols, rows),
    };
    let mut units = Vec::with_capacity(cols * rows);
    for row in 0..rows {
        for col in 0..cols {
            let edge = |i: usize, n: usize, origin: f64, size: f64, low: bool| -> Option<f64> {
                match (low, i) {
                    (true, 0) => None,
                    (false, i) if i + 1 == n => None,
                    (true, i) => Some(origin + i as f64 * size),
                    (false, i) => Some(origin + (i + 1) as f64 * size),
                }
            };
            units.push(Unit {
                index: units.len(),
                core: [edge(col, cols, x0, tw, true), edge(row, rows, y0, th, true), edge(col, cols, x0, tw, false), edge(row, rows, y0, th, false)],
                reads: BTreeMap::new(),
            });
        }
    }
    Ok(Plan {
        config: config.file.clone(),
        working_crs: config.working_crs.clone(),
        grid_cell_m: cell,
        reach_m,
        reach_of,
        halo_m,
        district: [bounds.min().x, bounds.min().y, bounds.max().x, bounds.max().y],
        tile_m: [tw, th],
        fingerprint: plan_fingerprint(config)?,
        units,
    })
}

/// `sise plan`: read the config, its models and its 街镇 layer, and write the plan.
pub fn write_plan(config_path: &Path, tiling: Tiling, halo: Option<f64>, out: &Path) -> Result<Plan> {
    let config = RunConfig::from_file(config_path)?;
    let models: Vec<Model> = config.domains.iter().map(|p| Model::from_file(p)).collect::<Result<_>>()?;
    let streets = crate::assess::streets_of(&config)?;
    let bounds = streets.zones.bounds().ok_or_else(|| Error::Config { file: config.file.clone(), message: PlanMistake::NoStreetPolygons.into() })?;
    let mut plan = plan(&config, &models, bounds, tiling, halo)?;
    owned_reach(&config, &models, &mut plan.units);
    // Jobs start in other folders: record where the config really is.
    plan.config = std::fs::canonicalize(config_path).unwrap_or_else(|_| config_path.to_owned());
    let text = serde_json::to_string_pretty(&plan).expect("plans serialise") + "\n";
    // Write beside and rename: a job array never reads half a plan.
    let tmp = out.with_extension("json.partial");
    std::fs::write(&tmp, text).map_err(|e| Error::output(&tmp, e))?;
    std::fs::rename(&tmp, out).map_err(|e| Error::output(out, e))?;
    Ok(plan)
}

/// Each unit's `reads`: per layer, what the objects it will own need read
/// ([`layer_reads`] of their boxes). Lines and polygons can stick out of a
/// core by more than the halo; knowing it here spares every such unit a
/// second read. Found from the scored layers read whole once; when they
/// cannot be read, units find out for themselves (and read again), so the
/// plan is still made.
fn owned_reach(config: &RunConfig, models: &[Model], units: &mut [Unit]) {
    use rayon::prelude::*;
    let mut names: Vec<&str> = models.iter().map(|m| m.objects()).collect();
    names.sort_unstable();
    names.dedup();
    let loaded: Result<Vec<(&str, crate::load::Layer)>> =
        names.par_iter().map(|n| crate::load::load_layer(config, n, crate::load::Strictness::default(), None).map(|(l, _)| (*n, l))).collect();
    let loaded = match loaded {
        Ok(l) => l,
        Err(e) => return tracing::warn!("{}", crate::msg::Warning::UnitsFindReach { detail: e.to_string() }),
    };
    // extents[unit][model]: the box of the model's objects the unit owns.
    let mut extents: Vec<Vec<Option<Rect<f64>>>> = vec![vec![None; models.len()]; units.len()];
    for (k, m) in models.iter().enumerate() {
        let Some((_, crate::load::Layer::Vector(objects))) = loaded.iter().find(|(n, _)| *n == m.objects()) else { continue };
        for g in &objects.geoms {
            let (Some(c), Some(r)) = (g.centroid(), g.bounding_rect()) else { continue };
            let Some(u) = units.iter().position(|u| u.owns(c.x(), c.y())) else { continue };
            extents[u][k] = Some(extents[u][k].map_or(r, |e| union(e, r)));
        }
    }
    for (u, e) in units.iter_mut().zip(extents) {
        u.reads = layer_reads(models, &e).into_iter().map(|(l, r)| (l, [r.min().x, r.min().y, r.max().x, r.max().y])).collect();
    }
}

/// What scoring needs read of each layer, given the box of each model's
/// owned objects (`extents`, in model order; `None` where it owns none): of
/// the objects layer (and the layer its density divides by), that box; of a
/// layer an indicator looks at, the box grown by that indicator's reach.
/// Most of a city's features are scored objects that look at nothing near,
/// so a unit reads them barely past its core, and only the layers looked at
/// far (fire stations within 3 km) as far as that.
pub fn layer_reads(models: &[Model], extents: &[Option<Rect<f64>>]) -> BTreeMap<String, Rect<f64>> {
    let mut reads: BTreeMap<String, Rect<f64>> = BTreeMap::new();
    for (m, e) in models.iter().zip(extents) {
        let Some(e) = *e else { continue };
        widen(&mut reads, m.objects(), e);
        if let Some((l, _)) = &m.aggregate.density {
            widen(&mut reads, l, e);
        }
        for ind in &m.indicators {
            if let Some(l) = ind.source.layer() {
                widen(&mut reads, l, grow(e, ind.source.reach_m()));
            }
        }
    }
    reads
}

/// `layer`'s rectangle in `reads` grown to hold `r` too.
fn widen(reads: &mut BTreeMap<String, Rect<f64>>, layer: &str, r: Rect<f64>) {
    let r = reads.get(layer).map_or(r, |have| union(*have, r));
    reads.insert(layer.to_owned(), r);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiling_parses_sizes_and_grids() {
        assert_eq!("5km".parse(), Ok(Tiling::Size(5000.0)));
        assert_eq!("800m".parse(), Ok(Tiling::Size(800.0)));
        assert_eq!("1200".parse(), Ok(Tiling::Size(1200.0)));
        assert_eq!("3x2".parse(), Ok(Tiling::Grid(3, 2)));
        assert!("0x2".parse::<Tiling>().is_err());
        assert!("five km".parse::<Tiling>().is_err());
    }

    #[test]
    fn each_layer_is_read_as_far_as_its_indicators_look() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/handmade");
        let sites = Model::from_file(&dir.join("sites_model.toml")).unwrap();
        let depth = Model::from_file(&dir.join("depth_model.toml")).unwrap();
        let r = |x0: f64, y0: f64, x1: f64, y1: f64| Rect::new((x0, y0), (x1, y1));
        let reads = layer_reads(&[sites.clone(), depth.clone()], &[Some(r(0.0, 0.0, 100.0, 50.0)), None]);
        // The scored sites: their own box; the people summed within 250 m: the box grown by 250 m.
        assert_eq!(reads.get("sites"), Some(&r(0.0, 0.0, 100.0, 50.0)));
        assert_eq!(reads.get("people"), Some(&r(-250.0, -250.0, 350.0, 300.0)));
        // The depth model owns nothing here, so its raster is not read.
        assert_eq!(reads.len(), 2, "{reads:?}");
        let with_depth = layer_reads(&[sites.clone(), depth], &[Some(r(0.0, 0.0, 100.0, 50.0)), Some(r(0.0, 0.0, 10.0, 10.0))]);
        assert_eq!(with_depth.get("depth"), Some(&r(0.0, 0.0, 10.0, 10.0)));
        // Two models' needs of one layer are joined.
        let both = layer_reads(&[sites.clone(), sites], &[Some(r(0.0, 0.0, 1.0, 1.0)), Some(r(500.0, 500.0, 600.0, 700.0))]);
        assert_eq!(both.get("sites"), Some(&r(0.0, 0.0, 600.0, 700.0)));
    }

    #[test]
    fn every_point_has_exactly_one_owner() {
        let units = [
            Unit { index: 0, core: [None, None, Some(1000.0), None], reads: BTreeMap::new() },
            Unit { index: 1, core: [Some(1000.0), None, None, Some(500.0)], reads: BTreeMap::new() },
            Unit { index: 2, core: [Some(1000.0), Some(500.0), None, None], reads: BTreeMap::new() },
        ];
        for (x, y) in [(-1e9, 0.0), (999.999, 3.0), (1000.0, 499.0), (1000.0, 500.0), (5e9, -5e9), (2000.0, 1e9)] {
            assert_eq!(units.iter().filter(|u| u.owns(x, y)).count(), 1, "({x}, {y})");
        }
    }
}
