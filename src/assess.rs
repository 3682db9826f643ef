//! The assessment pipeline: load → score → aggregate, producing an
//! [`Assessment`] that `emit` writes. `sise validate` runs the first half
//! ([`prepare`]) and stops before scoring.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use geo_types::{Geometry, MultiPolygon};
use rayon::prelude::*;

use crate::aggregate::{self, capacity::Capacity, grid, Total, ZoneResult, Zones};
use crate::config::RunConfig;
use crate::error::{Error, Result};

use geo::{BoundingRect, Centroid};
use geo_types::Rect;

use crate::error::Bad;
use crate::level::Level;
use crate::load::{self, outside::Clipped, Layer, Layers, Reject, Strictness, VectorLayer};
use crate::model::AggMethod;
use crate::model::Model;
use crate::msg::Msg;
use crate::progress::Progress;
use crate::review;
use crate::score::check::check_model;
use crate::score::{self, DomainScores};

/// The administrative units (街镇) of the district.
pub struct AdminUnits {
    pub zones: Zones,
    pub names: Vec<String>,
    pub codes: Vec<String>,
    /// The 区 above the 街镇, when `[admin_units] district_field` names them.
    pub districts: Option<Districts>,
}

/// The districts (区) of a city run. Not to be confused with "the district"
/// (`config.district`), the whole study area: a city run's is the city.
pub struct Districts {
    /// In order of first appearance in the 街镇 layer.
    pub names: Vec<String>,
    /// Per 街镇, the index of its 区.
    pub of_street: Vec<usize>,
    /// Each 区's outline: the union of its 街镇.
    pub zones: Zones,
}

/// Everything loaded and checked, ready to score.
pub struct Prepared {
    pub config: RunConfig,
    pub models: Vec<Model>,
    pub layers: Layers,
    pub admin: AdminUnits,
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

/// One domain, scored and aggregated.
pub struct DomainResult {
    /// The scored objects when rows were rejected (`--keep-going`); the loaded layer otherwise.
    pub objects: Option<VectorLayer>,
    /// `scores.level` holds the final levels (after the expert review).
    pub scores: DomainScores,
    /// The expert review's adjustments, by object row, with the computed level.
    pub review: BTreeMap<usize, review::Adjustment>,
    /// The computed levels' sensitivity to the model parameters, when the run has `[sensitivity]`.
    pub sensitivity: Option<crate::sensitivity::DomainSensitivity>,
    /// The 街镇 each object belongs to (the one holding most of it).
    pub object_street: Vec<Option<usize>>,
    pub grid: Vec<Option<ZoneResult>>,
    pub admin: Vec<Option<ZoneResult>>,
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
    pub prepared: Prepared,
    pub grid: grid::Grid,
    /// Per domain, in model order.
    pub domains: Vec<DomainResult>,
    /// Comprehensive results per grid cell, per 街镇, and for the district
    /// (`[comprehensive]`'s method for each kind), with what drove them.
    pub grid_total: Vec<Total>,
    pub admin_total: Vec<Total>,
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
        &self.prepared.models
    }

    pub fn objects(&self, domain: usize) -> &VectorLayer {
        match &self.domains[domain].objects {
            Some(filtered) => filtered,
            None => self.prepared.layers.vector(self.prepared.models[domain].objects()).expect("checked in prepare"),
        }
    }

    /// Domain `d`'s registered objects: every feature delivered, including
    /// those rejected while loading or scoring (the 80 % coverage target's base).
    pub fn registered(&self, d: usize) -> usize {
        let m = &self.models()[d];
        let rejected = self.prepared.rejects.iter().filter(|r| r.layer == m.objects() && r.domain.as_deref().is_none_or(|x| x == m.id)).count();
        self.objects(d).len() + rejected
    }
}

/// The layers a run reads: the 街镇 and every layer a model names, sorted.
pub fn needed_layers<'a>(config: &'a RunConfig, models: &'a [Model]) -> Vec<&'a str> {
    let mut needed: Vec<&str> = vec![config.admin_units.layer.as_str()];
    for m in models {
        needed.push(m.objects());
        needed.extend(m.context_layers().into_iter().filter(|l| config.layers.contains_key(*l)));
    }
    needed.extend(config.comprehensive.layers());
    needed.sort();
    needed.dedup();
    needed
}

/// Parse the config and models, load every layer they name, and check the models against the layers.
pub fn prepare(config: RunConfig, keep_going: bool, progress: &Progress) -> Result<Prepared> {
    prepare_in(config, keep_going, progress, None)
}

/// [`prepare`], reading only the features that meet `clip`'s rectangle
/// (working CRS) for their layer, from every layer but the 街镇: what a work
/// unit's objects need.
pub fn prepare_in(config: RunConfig, keep_going: bool, progress: &Progress, clip: Option<&BTreeMap<String, Rect<f64>>>) -> Result<Prepared> {
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
    let admin = admin_units(&config, &layers)?;
    let clipped = check_outside(&config, &models, &admin, &mut layers, how, &mut rejects, clip.is_none())?;
    let mut context_rewrites: BTreeMap<String, BTreeMap<String, crate::value::RewriteCounts>> = BTreeMap::new();
    for m in &models {
        check_model(m, &config, &layers)?;
        for ind in &m.indicators {
            if let crate::model::Source::Within { layer, field: Some(f), .. } = &ind.source {
                if let Some(v) = layers.vector(layer) {
                    let counts = v.read_numbers(f, &m.units_of(Some(layer), f))?.rewrites;
                    if !counts.is_empty() {
                        context_rewrites.entry(layer.clone()).or_default().insert(f.clone(), counts);
                    }
                }
            }
        }
    }
    if !rejects.is_empty() {
        let words = crate::msg::pick(
            "features left out while loading (--keep-going); see rejects.csv".into(),
            "加载时剔除了部分要素（--keep-going），见 rejects.csv".into(),
        );
        tracing::warn!(rejects = rejects.len(), "{words}");
    }
    let feature_counts = layers
        .layers
        .iter()
        .filter_map(|(name, l)| match l {
            Layer::Vector(v) => Some((name.clone(), v.len())),
            Layer::Raster(_) => None,
        })
        .collect();
    Ok(Prepared {
        config,
        models,
        layers,
        admin,
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

/// Domain ids are unique and every model's objects layer is a `[layers.*]` entry.
fn check_domains(config: &RunConfig, models: &[Model]) -> Result<()> {
    for (i, m) in models.iter().enumerate() {
        if let Some(prev) = models[..i].iter().find(|p| p.id == m.id) {
            return Err(Error::Config {
                file: config.file.clone(),
                message: format!("domain id {} appears twice ({} and {})", m.id, prev.file.display(), m.file.display()),
            });
        }
    }
    for m in models {
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
    }
    Ok(())
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
            let clip = clip.and_then(|c| c.get(*name).copied()).filter(|_| *name != config.admin_units.layer);
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
pub fn label_fields(models: &[Model], layers: &mut Layers) {
    for m in models {
        if let Some(Layer::Vector(v)) = layers.layers.get_mut(m.objects()) {
            for f in m.object_fields() {
                v.labels.entry(f.key).or_insert(f.name);
            }
        }
    }
}

/// Comprehensive weights name exactly the run's domains: a typo would
/// otherwise weigh a domain 0 without a word.
fn check_weights(config: &RunConfig, models: &[Model]) -> Result<()> {
    let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
    let err = |message: String| Error::Config { file: config.file.clone(), message };
    for (kind, how) in config.comprehensive.kinds() {
        let crate::config::Regional::Weighted { weights, .. } = how else { continue };
        if let Some(k) = weights.keys().find(|k| !ids.contains(&k.as_str())) {
            return Err(err(format!("comprehensive ({kind}): weights names '{k}', which is not a domain of this run ({})", ids.join(", "))));
        }
        if let Some(id) = ids.iter().find(|id| !weights.contains_key(**id)) {
            return Err(err(format!(
                "comprehensive ({kind}): weights has no weight for {id}; give every domain one (0 leaves a domain out of the comprehensive level)"
            )));
        }
    }
    Ok(())
}

/// Objects outside the district are never counted as the district's: their
/// centroid must lie in a 街镇 (or within `outside_tolerance_m` of one). They
/// stop the run (class 19, with or without --keep-going, naming the cause
/// their coordinates point to), or are left out and counted where the layer
/// says `clip_to_district = true`. Context layers may extend beyond the
/// district; only features farther than `context_margin_m` from its box are
/// taken for a CRS or offset mistake.
fn check_outside(
    config: &RunConfig,
    models: &[Model],
    admin: &AdminUnits,
    layers: &mut Layers,
    how: Strictness,
    rejects: &mut Vec<Reject>,
    whole: bool,
) -> Result<Vec<Clipped>> {
    let Some(b) = admin.zones.bounds() else {
        return Ok(Vec::new());
    };
    let objects: std::collections::BTreeSet<&str> = models.iter().map(Model::objects).collect();
    let mut clipped = Vec::new();
    for (name, layer) in layers.layers.iter_mut() {
        let Layer::Vector(v) = layer else { continue };
        if *name == config.admin_units.layer {
            continue;
        }
        if objects.contains(name.as_str()) {
            objects_inside(config, admin, name, v, &mut clipped, whole)?;
        } else {
            context_near(config, b, name, v, how, rejects)?;
        }
    }
    Ok(clipped)
}

/// A scored layer's objects must have their centroid in the district; those
/// outside are clipped (`clip_to_district`) or stop the run with a diagnosis.
/// A whole layer (`whole`: not a work unit's part) clipped to nothing stops
/// the run too: a domain with no object is not an empty map to hand over.
fn objects_inside(config: &RunConfig, admin: &AdminUnits, name: &str, v: &VectorLayer, clipped: &mut Vec<Clipped>, whole: bool) -> Result<()> {
    let tolerance = config.outside_tolerance_m;
    let centroids: Vec<Option<geo_types::Point<f64>>> = v.geoms.par_iter().map(|g| g.centroid()).collect();
    let outside: Vec<usize> = centroids.par_iter().enumerate().filter(|(_, c)| c.is_some_and(|c| !admin.zones.near(c, tolerance))).map(|(i, _)| i).collect();
    if outside.is_empty() {
        return Ok(());
    }
    let cfg = &config.layers[name];
    let diagnose = |outside: &[usize]| {
        let points: Vec<(f64, f64)> = outside.iter().filter_map(|&i| centroids[i].map(|c| (c.x(), c.y()))).collect();
        crate::load::outside::diagnose(cfg, &config.working_crs, &points, &|x, y| admin.zones.near(geo_types::Point::new(x, y), tolerance))
    };
    if cfg.clip_to_district && whole && outside.len() == v.len() {
        let msg = Msg::AllOutside { n: v.len(), cause: diagnose(&outside), layer: name.to_owned() };
        return Err(Error::input(Bad::Outside, &v.file, v.origin.sheet().or(Some(name)), msg));
    }
    if cfg.clip_to_district {
        // Not scored as the district's, but still there as context for
        // other domains (a station across the boundary still serves it).
        for &i in &outside {
            let c = centroids[i].expect("outside has a centroid");
            clipped.push(Clipped { layer: name.to_owned(), id: v.ids[i].clone(), x: c.x(), y: c.y() });
        }
        tracing::info!(layer = %name, left_out = outside.len(), "objects outside the district are not scored (clip_to_district)");
        return Ok(());
    }
    let cause = diagnose(&outside);
    let n = outside.len();
    let describe = |i: usize| {
        let c = centroids[i].expect("outside has a centroid");
        let (metres, z) = admin.zones.nearest(c).unwrap_or((f64::NAN, 0));
        let street = admin.names.get(z).cloned().unwrap_or_else(|| "?".into());
        Msg::Outside { metres, street, tolerance, n, cause: cause.clone(), layer: name.to_owned() }.into()
    };
    Err(v.rows_err(Bad::Outside, outside, describe))
}

/// A context layer's features may not lie farther than `context_margin_m`
/// beyond the district's box: that is a CRS or offset mistake.
fn context_near(config: &RunConfig, b: Rect<f64>, name: &str, v: &mut VectorLayer, how: Strictness, rejects: &mut Vec<Reject>) -> Result<()> {
    let t = config.context_margin_m;
    let (x0, y0, x1, y1) = (b.min().x - t, b.min().y - t, b.max().x + t, b.max().y + t);
    let outside: Vec<usize> = v
        .geoms
        .iter()
        .enumerate()
        .filter(|(_, g)| g.bounding_rect().is_some_and(|r| r.max().x < x0 || r.min().x > x1 || r.max().y < y0 || r.min().y > y1))
        .map(|(i, _)| i)
        .collect();
    if outside.is_empty() {
        return Ok(());
    }
    let describe = |i: usize| {
        let r = v.geoms[i].bounding_rect().expect("has a box");
        let far = ((r.center().x - b.center().x).hypot(r.center().y - b.center().y) / 1000.0).round();
        Msg::FarContext { km: far, margin: t, layer: name.to_owned() }.into()
    };
    if !how.keep_going {
        return Err(v.rows_err(Bad::Outside, outside, describe));
    }
    let mut keep = vec![true; v.len()];
    for &i in &outside {
        keep[i] = false;
        rejects.push(Reject { layer: name.to_owned(), file: v.file.clone(), id: v.ids[i].clone(), bad: Bad::Outside, reason: describe(i), domain: None });
    }
    *v = v.filter(&keep);
    Ok(())
}

/// The 街镇 of a run config, loading only their layer (for `sise plan`).
pub fn admin_units_of(config: &RunConfig) -> Result<AdminUnits> {
    let (layer, _) = load::load_layer(config, &config.admin_units.layer, Strictness::default(), None)?;
    let mut layers = Layers::default();
    layers.layers.insert(config.admin_units.layer.clone(), layer);
    admin_units(config, &layers)
}

fn admin_units(config: &RunConfig, layers: &Layers) -> Result<AdminUnits> {
    let a = &config.admin_units;
    let layer = layers
        .vector(&a.layer)
        .ok_or_else(|| Error::Config { file: config.file.clone(), message: format!("admin_units.layer '{}' must be a polygon vector layer", a.layer) })?;
    let polygons: Vec<MultiPolygon<f64>> = layer
        .geoms
        .iter()
        .zip(&layer.ids)
        .map(|(g, id)| match g {
            Geometry::Polygon(p) => Ok(MultiPolygon(vec![p.clone()])),
            Geometry::MultiPolygon(mp) => Ok(mp.clone()),
            _ => Err(Error::input(Bad::GeometryType, &layer.file, Some(&layer.name), format!("feature id '{id}': 街镇 must be polygons"))),
        })
        .collect::<Result<_>>()?;
    let names = layer.require(&a.name_field, layer.texts(&a.name_field)?)?;
    let codes = layer.require(&a.code_field, layer.texts(&a.code_field)?)?;
    let districts = match &a.district_field {
        Some(field) => {
            let of: Vec<String> = layer.require(field, layer.texts(field)?)?;
            let mut names: Vec<String> = Vec::new();
            for d in &of {
                if !names.contains(d) {
                    names.push(d.clone());
                }
            }
            let of_street: Vec<usize> = of.iter().map(|d| names.iter().position(|n| n == d).expect("listed above")).collect();
            let outlines = (0..names.len()).map(|k| aggregate::outline(polygons.iter().zip(&of_street).filter(|(_, &s)| s == k).map(|(p, _)| p))).collect();
            Some(Districts { names, of_street, zones: Zones::new(outlines).snapping(config.outside_tolerance_m) })
        }
        None => None,
    };
    Ok(AdminUnits { zones: Zones::new(polygons).snapping(config.outside_tolerance_m), names, codes, districts })
}

/// The layers of one domain without what the run never scores: objects
/// outside the district (`clip_to_district`) and rows that a `missing =
/// "reject"` rule leaves out (listed as rejects; never a stop). A work unit
/// lists only the objects it owns.
fn left_out(m: &Model, p: &Prepared, rejects: &mut Vec<Reject>, owner: Option<&crate::unit::Unit>) -> Result<BTreeMap<String, VectorLayer>> {
    let config = &p.config;
    let mut overrides: BTreeMap<String, VectorLayer> = BTreeMap::new();
    // Objects outside the district (`clip_to_district`) are not scored.
    let outside: std::collections::HashSet<&str> = p.clipped.iter().filter(|c| c.layer == m.objects()).map(|c| c.id.as_str()).collect();
    if !outside.is_empty() {
        let all = p.layers.vector(m.objects()).expect("checked in prepare");
        let keep: Vec<bool> = all.ids.iter().map(|id| !outside.contains(id.as_str())).collect();
        overrides.insert(m.objects().to_owned(), all.filter(&keep));
    }
    // Rows that a `missing = "reject"` rule leaves out: listed, never a stop.
    {
        let ctx = score::Context { layers: &p.layers, overrides: &overrides, year: config.year, working_crs: &config.working_crs };
        let all = ctx.vector(m.objects()).expect("checked in prepare");
        let owned: Option<std::collections::HashSet<usize>> = owner.map(|u| u.owned_rows(all).into_iter().collect());
        let mut keep: BTreeMap<String, Vec<bool>> = BTreeMap::new();
        for r in score::read::missing_rejects(m, all, &ctx)? {
            let layer = ctx.vector(&r.layer).expect("the layer is loaded");
            let mask = keep.entry(r.layer.clone()).or_insert_with(|| vec![true; layer.len()]);
            // A work unit lists only its own objects; their owners list the others.
            let rows: Vec<usize> = r.rows.into_iter().filter(|i| r.layer != m.objects() || owned.as_ref().is_none_or(|o| o.contains(i))).collect();
            for &i in &rows {
                mask[i] = false;
                rejects.push(Reject {
                    layer: r.layer.clone(),
                    file: layer.file.clone(),
                    id: layer.ids[i].clone(),
                    bad: Bad::Field,
                    reason: r.reason.clone(),
                    domain: Some(m.id.clone()),
                });
            }
            if !rows.is_empty() {
                tracing::warn!(domain = %m.id, layer = %r.layer, rejected = rows.len(), "{}", r.reason);
            }
        }
        let filtered: Vec<(String, VectorLayer)> = keep
            .into_iter()
            .map(|(name, mask)| {
                let layer = ctx.vector(&name).expect("the layer is loaded").filter(&mask);
                (name, layer)
            })
            .collect();
        overrides.extend(filtered);
    }
    Ok(overrides)
}

/// Score one domain with `score` (all of it, or only the indicator values).
/// With `--keep-going`, rows an error names are rejected and the domain is
/// scored again without them; each round removes every row one check finds,
/// so this ends after a few rounds. With `owner` (a work unit), only the
/// objects it owns are scored, against everything it loaded. Returns the
/// result and the objects scored when they are not the loaded layer.
pub fn score_with_rejects<T>(
    m: &Model,
    p: &Prepared,
    rejects: &mut Vec<Reject>,
    owner: Option<&crate::unit::Unit>,
    score: impl Fn(&Model, &VectorLayer, &score::Context) -> Result<T>,
) -> Result<(T, Option<VectorLayer>)> {
    let config = &p.config;
    let mut overrides = left_out(m, p, rejects, owner)?;
    loop {
        let ctx = score::Context { layers: &p.layers, overrides: &overrides, year: config.year, working_crs: &config.working_crs };
        let all = ctx.vector(m.objects()).expect("checked in prepare");
        let owned: Option<Vec<usize>> = owner.map(|u| u.owned_rows(all));
        let mine = owned.as_ref().map(|rows| {
            let mut keep = vec![false; all.len()];
            rows.iter().for_each(|&i| keep[i] = true);
            all.filter(&keep)
        });
        match score(m, mine.as_ref().unwrap_or(all), &ctx) {
            Ok(s) => return Ok((s, mine.or_else(|| overrides.remove(m.objects())))),
            Err(Error::Input { bad, layer: Some(layer), rows, message, .. }) if p.how.keep_going && !rows.is_empty() => {
                // Rows of the unit's own objects, as rows of the loaded layer.
                let rows: Vec<usize> = match &owned {
                    Some(o) if layer == m.objects() => rows.iter().map(|&r| o[r]).collect(),
                    _ => rows,
                };
                let current = ctx.vector(&layer).expect("the erring layer is loaded");
                let mut keep = vec![true; current.len()];
                for &i in &rows {
                    keep[i] = false;
                    rejects.push(Reject {
                        layer: layer.clone(),
                        file: current.file.clone(),
                        id: current.ids[i].clone(),
                        bad,
                        reason: message.clone(),
                        domain: Some(m.id.clone()),
                    });
                }
                tracing::warn!(domain = %m.id, layer = %layer, rejected = rows.len(), "{message}");
                let filtered = current.filter(&keep);
                if filtered.is_empty() && owner.is_none() {
                    return Err(Error::input(
                        Bad::Empty,
                        &filtered.file,
                        Some(&layer),
                        format!("no feature left to score for {} after rejecting bad ones", m.id),
                    ));
                }
                overrides.insert(layer, filtered);
            }
            Err(e) => return Err(e),
        }
    }
}

/// Domain `d`'s adjustments applied to its final `levels` (none without `[review]`).
pub fn review_domain(p: &Prepared, d: usize, objects: &VectorLayer, levels: &mut [crate::level::Level]) -> Result<BTreeMap<usize, review::Adjustment>> {
    match &p.config.review {
        Some(r) => review::apply(&p.review, d, &p.models[d], objects, levels, &r.adjustments),
        None => Ok(BTreeMap::new()),
    }
}

/// Score every domain, aggregate to the grid, the 街镇 and the district, and combine domains.
pub fn assess(prepared: Prepared, progress: &Progress) -> Result<Assessment> {
    assess_values(prepared, None, progress)
}

/// Of a layer's attributes, only the descriptive ones emit reads (名称, 地址, 责任单位).
fn keep_descriptive(v: &mut VectorLayer) {
    let keep: Vec<String> =
        v.attrs.get_column_names().into_iter().filter(|n| crate::schema::DESCRIPTIVE.iter().any(|(k, _)| *k == n.as_str())).map(|n| n.to_string()).collect();
    v.attrs = v.attrs.select(keep).expect("the kept columns are the frame's");
}

/// [`assess`]; with `merged` (per domain, the objects and their indicator
/// values from work units) only the study-area-wide second phase is scored.
pub fn assess_values(mut prepared: Prepared, merged: Option<Vec<(VectorLayer, Vec<score::Values>)>>, progress: &Progress) -> Result<Assessment> {
    let start = Instant::now();
    let bar = progress.bar("scoring domains", prepared.models.len() as u64);
    let merged: Vec<Option<(VectorLayer, Vec<score::Values>)>> = match merged {
        Some(v) => v.into_iter().map(Some).collect(),
        None => prepared.models.iter().map(|_| None).collect(),
    };
    // Domains are scored side by side: each reads the loaded layers and
    // writes only its own results (a domain alone leaves a core idle through
    // its serial steps). Results, rejects and the first error keep domain order.
    let scored: Vec<Result<_>> = prepared
        .models
        .par_iter()
        .zip(merged)
        .map(|(m, merged)| {
            tracing::debug!(domain = %m.id, name = %m.name, "scoring");
            let mut rejects = Vec::new();
            let scored = match merged {
                Some((objects, values)) => (score::finish(m, &objects, values)?, Some(objects)),
                None => score_with_rejects(m, &prepared, &mut rejects, None, score::score_objects)?,
            };
            bar.inc(1);
            Ok((scored, rejects))
        })
        .collect();
    let mut all_scores: Vec<(score::DomainScores, Option<VectorLayer>)> = Vec::new();
    for domain in scored {
        let (scored, rejects) = domain?;
        all_scores.push(scored);
        prepared.rejects.extend(rejects);
    }
    bar.finish_and_clear();
    // Sensitivity of the computed levels, from the phase-one values (before
    // the review sets final levels, and while the scored attributes are there).
    let sensitivity_start = Instant::now();
    let sensitivity: Vec<Option<crate::sensitivity::DomainSensitivity>> = match &prepared.config.sensitivity {
        Some(cfg) => {
            let bar = progress.bar("sensitivity", prepared.models.len() as u64);
            let s = all_scores
                .iter()
                .enumerate()
                .map(|(d, (scores, filtered))| {
                    let m = &prepared.models[d];
                    let objects = filtered.as_ref().unwrap_or_else(|| prepared.layers.vector(m.objects()).expect("checked in prepare"));
                    let s = crate::sensitivity::domain(m, objects, scores, cfg).map(Some);
                    bar.inc(1);
                    s
                })
                .collect::<Result<_>>()?;
            bar.finish_and_clear();
            s
        }
        None => prepared.models.iter().map(|_| None).collect(),
    };
    let sensitivity_time = sensitivity_start.elapsed();
    // The expert review, after scoring and before aggregation: zones count the final levels.
    let mut reviews = Vec::with_capacity(all_scores.len());
    for (d, (scores, filtered)) in all_scores.iter_mut().enumerate() {
        let m = &prepared.models[d];
        let objects = filtered.as_ref().unwrap_or_else(|| prepared.layers.vector(m.objects()).expect("checked in prepare"));
        reviews.push(review_domain(&prepared, d, objects, &mut scores.level)?);
    }
    let score_time = start.elapsed() - sensitivity_time;

    // From here on only the domains' objects are read, and the lines that
    // densities are measured on: the other context layers (hazard rasters,
    // exposure, capacity) and the attributes the models scored (they are in
    // the scores) are dropped before aggregation, which is when a city run
    // needs its memory most (its cells cut by real boundaries).
    // The layers a domain scored its objects from (not those handed over
    // already filtered, as a merge's are).
    let objects: HashSet<String> =
        prepared.models.iter().zip(&all_scores).filter(|(_, (_, filtered))| filtered.is_none()).map(|(m, _)| m.objects().to_owned()).collect();
    let start = Instant::now();
    let mut keep = objects.clone();
    keep.extend(prepared.models.iter().filter_map(|m| m.aggregate.density.as_ref().map(|(layer, _)| layer.clone())));
    // The capacity method's layers stay until its vulnerabilities are known (on the grid too).
    let capacity: HashSet<String> = prepared.config.comprehensive.layers().into_iter().map(str::to_owned).collect();
    prepared.layers.layers.retain(|k, _| keep.contains(k) || capacity.contains(k));
    let grid = grid::build(&prepared.admin.zones, prepared.config.grid_cell_m);
    let district = Zones::new(vec![aggregate::outline(prepared.admin.zones.polygons.iter())]).snapping(prepared.config.outside_tolerance_m);
    let vulnerability = vulnerabilities(&prepared, &grid, &district)?;
    prepared.layers.layers.retain(|k, _| keep.contains(k));
    for l in prepared.layers.layers.values_mut() {
        if let Layer::Vector(v) = l {
            keep_descriptive(v);
        }
    }
    for v in all_scores.iter_mut().filter_map(|(_, filtered)| filtered.as_mut()) {
        keep_descriptive(v);
    }
    let config = &prepared.config;

    let bar = progress.bar("aggregating", prepared.models.len() as u64);
    let domains: Vec<DomainResult> = prepared
        .models
        .par_iter()
        .zip(all_scores.into_par_iter().zip(reviews).zip(sensitivity))
        .map(|(m, (((scores, filtered), review), sensitivity))| {
            let objects = filtered.as_ref().unwrap_or_else(|| prepared.layers.vector(m.objects()).expect("checked in prepare"));
            let object_street = objects.geoms.iter().map(|g| prepared.admin.zones.main_zone(g)).collect();
            let agg = |method, zones: &Zones| {
                // Objects per km of a line layer need that layer's metres per zone.
                let density = m.aggregate.density.as_ref().filter(|_| method == AggMethod::Density).map(|(layer, bands)| {
                    let lines = prepared.layers.vector(layer).expect("checked in prepare");
                    (aggregate::line_metres(&lines.geoms, zones), bands)
                });
                aggregate::aggregate(&objects.geoms, &scores, method, &m.thresholds, zones, density.as_ref().map(|(m, b)| (&m[..], *b)))
            };
            let (grid_result, admin_result) = (agg(m.aggregate.grid, &grid.cells), agg(m.aggregate.admin, &prepared.admin.zones));
            let district_result = agg(m.aggregate.admin, &district)[0];
            let districts = prepared.admin.districts.as_ref().map_or_else(Vec::new, |d| agg(m.aggregate.admin, &d.zones));
            let result = DomainResult {
                objects: filtered,
                grid: grid_result,
                admin: admin_result,
                district: district_result,
                districts,
                object_street,
                scores,
                review,
                sensitivity,
            };
            bar.inc(1);
            result
        })
        .collect();
    bar.finish_and_clear();

    let c = &config.comprehensive;
    let km2 = |zones: &Zones, z: usize| geo::Area::unsigned_area(&zones.polygons[z]) / 1e6;
    // The district's risk per km², which `scale = "district_mean"` grades against.
    let whole: Vec<Option<ZoneResult>> = domains.iter().map(|d| d.district).collect();
    // Under `capacity`, the district's vulnerability too: 1× is the district as a whole.
    let district_density = |how: &crate::config::Regional| match how {
        crate::config::Regional::Exposure { values, .. } => aggregate::density(&whole, values, km2(&district, 0)),
        crate::config::Regional::Capacity { values, .. } => aggregate::density(&whole, values, km2(&district, 0)) * vulnerability.whole.unwrap_or(1.0),
        _ => 0.0,
    };
    let combine =
        |zones: &Zones, how: &crate::config::Regional, vuln: &Option<Vec<f64>>, pick: &(dyn Fn(&DomainResult, usize) -> Option<ZoneResult> + Sync)| {
            let district_density = district_density(how);
            (0..zones.len())
                .into_par_iter()
                .map(|z| {
                    let per_domain: Vec<Option<ZoneResult>> = domains.iter().map(|d| pick(d, z)).collect();
                    let facts = aggregate::ZoneFacts { area_km2: km2(zones, z), vulnerability: vuln.as_ref().map(|v| v[z]), district_density };
                    aggregate::combine(&per_domain, &prepared.models, how, facts)
                })
                .collect::<Vec<Total>>()
        };
    let grid_total = combine(&grid.cells, &c.grid, &vulnerability.grid, &|d, z| d.grid[z]);
    let admin_total = combine(&prepared.admin.zones, &c.admin, &vulnerability.admin, &|d, z| d.admin[z]);
    let district_total = combine(&district, &c.district, &vulnerability.district, &|d, _| d.district).remove(0);
    let districts_total = match &prepared.admin.districts {
        Some(ds) => combine(&ds.zones, &c.district, &vulnerability.districts, &|d, z| d.districts[z]),
        None => Vec::new(),
    };
    let aggregate_time = start.elapsed();
    // Emit reads only the domains' objects: the density lines go too.
    prepared.layers.layers.retain(|k, _| objects.contains(k));
    let street_population = vulnerability.people;
    Ok(Assessment {
        prepared,
        grid,
        domains,
        grid_total,
        admin_total,
        district_total,
        districts_total,
        street_population,
        score_time,
        sensitivity_time,
        aggregate_time,
    })
}

/// Per zone kind, the vulnerability of each zone's protection system (the
/// `capacity` method's factor); none where no kind uses it.
#[derive(Default)]
struct Vulnerability {
    grid: Option<Vec<f64>>,
    admin: Option<Vec<f64>>,
    district: Option<Vec<f64>>,
    districts: Option<Vec<f64>>,
    /// The whole district's, when any kind uses `capacity`.
    whole: Option<f64>,
    /// Residents per 街镇, for the reports' district profile.
    people: Option<Vec<f64>>,
}

fn vulnerabilities(p: &Prepared, grid: &grid::Grid, district: &Zones) -> Result<Vulnerability> {
    let c = &p.config.comprehensive;
    let (Some(people), true) = (&c.population, c.uses_capacity()) else {
        return Ok(Vulnerability::default());
    };
    let vector = |name: &str| {
        p.layers.vector(name).ok_or_else(|| Error::Config {
            file: p.config.file.clone(),
            message: format!("comprehensive: layer '{name}' must be a vector layer (points of facilities or of residents)"),
        })
    };
    let homes = vector(&people.layer)?;
    let population = homes.require(&people.field, homes.numbers(&people.field, &["人"])?)?;
    let factors = c.capacity.iter().map(|f| Ok((f, &vector(&f.layer)?.geoms[..]))).collect::<Result<Vec<_>>>()?;
    let capacity = Capacity { factors, people: (&homes.geoms, &population) };
    let at_homes = capacity.of_people();
    let mut people = vec![0.0; p.admin.names.len()];
    for (g, n) in homes.geoms.iter().zip(&population) {
        if let Some(z) = p.admin.zones.main_zone(g) {
            people[z] += n;
        }
    }
    let of = |how: &crate::config::Regional, zones: &Zones| {
        matches!(how, crate::config::Regional::Capacity { .. }).then(|| capacity.vulnerability(&at_homes, zones))
    };
    Ok(Vulnerability {
        grid: of(&c.grid, &grid.cells),
        admin: of(&c.admin, &p.admin.zones),
        district: of(&c.district, district),
        districts: p.admin.districts.as_ref().and_then(|d| of(&c.district, &d.zones)),
        whole: capacity.vulnerability(&at_homes, district).first().copied(),
        people: Some(people),
    })
}
