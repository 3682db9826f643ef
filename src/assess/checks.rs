//! What a run checks once its layers are loaded, before anything is scored:
//! domains and comprehensive weights that fit the models, and features
//! where the district is.

use std::sync::Arc;

use geo::{BoundingRect, Centroid};
use geo_types::Rect;
use rayon::prelude::*;

use super::streets::Streets;
use crate::config::RunConfig;
use crate::error::{Bad, Error, Result};
use crate::load::{outside::Clipped, Layer, Layers, Reject, Strictness};
use crate::model::Model;
use crate::msg::{ConfigMistake, Msg};
use crate::objects::VectorLayer;

/// Domain ids are unique and every model's objects layer is a `[layers.*]` entry.
pub(super) fn check_domains(config: &RunConfig, models: &[Model]) -> Result<()> {
    for (i, m) in models.iter().enumerate() {
        if let Some(prev) = models[..i].iter().find(|p| p.id == m.id) {
            return Err(Error::Config {
                file: config.file.clone(),
                message: Msg::DomainTwice { id: m.id.clone(), first: prev.file.display().to_string(), second: m.file.display().to_string() }.into(),
            });
        }
    }
    for m in models {
        if !config.layers.contains_key(m.objects()) {
            return Err(Error::Model {
                file: m.file.clone(),
                message: crate::msg::Msg::NotALayer {
                    key: "objects".into(),
                    name: m.objects().to_owned(),
                    config: config.file.display().to_string(),
                    have: config.layers.keys().cloned().collect(),
                }
                .into(),
            });
        }
    }
    Ok(())
}

/// Comprehensive weights name exactly the run's domains: a typo would
/// otherwise weigh a domain 0 without a word.
pub(super) fn check_weights(config: &RunConfig, models: &[Model]) -> Result<()> {
    let ids: Vec<&str> = models.iter().map(|m| m.id.as_str()).collect();
    let err = |message: String| Error::Config { file: config.file.clone(), message };
    for (kind, how) in config.comprehensive.kinds() {
        let crate::config::Regional::Weighted { weights, .. } = how else { continue };
        if let Some(k) = weights.keys().find(|k| !ids.contains(&k.as_str())) {
            let ids = ids.iter().map(|i| i.to_string()).collect();
            return Err(err(ConfigMistake::WeightsNotDomain { kind: kind.to_string(), key: k.clone(), ids }.into()));
        }
        if let Some(id) = ids.iter().find(|id| !weights.contains_key(**id)) {
            return Err(err(ConfigMistake::WeightsMissing { kind: kind.to_string(), id: id.to_string() }.into()));
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
pub(super) fn check_outside(
    config: &RunConfig,
    models: &[Model],
    streets: &Streets,
    layers: &mut Layers,
    how: Strictness,
    rejects: &mut Vec<Reject>,
    whole: bool,
) -> Result<Vec<Clipped>> {
    let Some(b) = streets.zones.bounds() else {
        return Ok(Vec::new());
    };
    let objects: std::collections::BTreeSet<&str> = models.iter().map(Model::objects).collect();
    let mut clipped = Vec::new();
    for (name, layer) in layers.layers.iter_mut() {
        let Layer::Vector(v) = layer else { continue };
        if *name == config.streets.layer {
            continue;
        }
        if objects.contains(name.as_str()) {
            objects_inside(config, streets, name, v, &mut clipped, whole)?;
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
fn objects_inside(config: &RunConfig, streets: &Streets, name: &str, v: &VectorLayer, clipped: &mut Vec<Clipped>, whole: bool) -> Result<()> {
    let tolerance = config.outside_tolerance_m;
    let centroids: Vec<Option<geo_types::Point<f64>>> = v.geoms.par_iter().map(|g| g.centroid()).collect();
    let outside: Vec<usize> = centroids.par_iter().enumerate().filter(|(_, c)| c.is_some_and(|c| !streets.zones.near(c, tolerance))).map(|(i, _)| i).collect();
    if outside.is_empty() {
        return Ok(());
    }
    let cfg = &config.layers[name];
    let diagnose = |outside: &[usize]| {
        let points: Vec<(f64, f64)> = outside.iter().filter_map(|&i| centroids[i].map(|c| (c.x(), c.y()))).collect();
        crate::load::outside::diagnose(cfg, &config.working_crs, &points, &|x, y| streets.zones.near(geo_types::Point::new(x, y), tolerance))
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
        let (metres, z) = streets.zones.nearest(c).unwrap_or((f64::NAN, 0));
        let street = streets.names.get(z).cloned().unwrap_or_else(|| "?".into());
        Msg::Outside { metres, street, tolerance, n, cause: cause.clone(), layer: name.to_owned() }.into()
    };
    Err(v.rows_err(Bad::Outside, &outside, describe))
}

/// A context layer's features may not lie farther than `context_margin_m`
/// beyond the district's box: that is a CRS or offset mistake.
fn context_near(config: &RunConfig, b: Rect<f64>, name: &str, v: &mut Arc<VectorLayer>, how: Strictness, rejects: &mut Vec<Reject>) -> Result<()> {
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
        return Err(v.rows_err(Bad::Outside, &outside, describe));
    }
    let mut keep = vec![true; v.len()];
    for &i in &outside {
        keep[i] = false;
        rejects.push(Reject { layer: name.to_owned(), file: v.file.clone(), id: v.ids[i].clone(), bad: Bad::Outside, reason: describe(i), domain: None });
    }
    *v = Arc::new(v.filter(&keep));
    Ok(())
}
