//! Phase one: each indicator's raw value for every object, one arm per
//! indicator source (`model::Source`, where everything else about a source
//! is). This is all of scoring that reads other layers.

use exmex::Express;
use geo::{Area, BooleanOps, Buffer, Euclidean, InteriorPoint, Length};
use geo_types::{Geometry, MultiLineString, MultiPolygon};
use rayon::prelude::*;

use super::{read, rows_where, spatial::SpatialIndex, Context, Values};
use crate::error::{Bad, Error, Result};
use crate::load::Raster;
use crate::model::{polygons_of, Expr, Indicator, Model, Source, Var};
use crate::msg::{Gap, Msg};
use crate::objects::{RowChecks, VectorLayer};

/// Phase one: every indicator's raw value for every object. This is all
/// that needs the context layers, and all a work unit computes.
pub fn values(model: &Model, objects: &VectorLayer, ctx: &Context) -> Result<Vec<Values>> {
    let mut values: Vec<Values> = Vec::with_capacity(model.indicators.len());
    for ind in &model.indicators {
        let v = indicator_values(ind, objects, ctx, model, &values)?;
        if let (Some((lo, hi)), Values::Numbers(x)) = (ind.range, &v) {
            let out = rows_where(x, |v| !(lo..=hi).contains(v));
            ctx.checks.check(objects, Bad::Range, out, |i| {
                Msg::OutOfRange { indicator: ind.key.clone(), value: x[i], lo, hi, model: model.file.display().to_string() }.into()
            })?;
        }
        values.push(v);
    }
    Ok(values)
}

/// The context layer an indicator reads, which `check_model` has already checked.
fn context_vector<'a>(ctx: &'a Context, name: &str, model: &Model) -> Result<&'a VectorLayer> {
    ctx.vector(name)
        .ok_or_else(|| Error::Model { file: model.file.clone(), message: crate::msg::ModelMistake::NotLoaded { layer: name.to_owned(), raster: false }.into() })
}

fn context_raster<'a>(ctx: &'a Context, name: &str, model: &Model) -> Result<&'a Raster> {
    ctx.layers
        .raster(name)
        .ok_or_else(|| Error::Model { file: model.file.clone(), message: crate::msg::ModelMistake::NotLoaded { layer: name.to_owned(), raster: true }.into() })
}

/// A numeric indicator's values (formulas and sensitivity draws read only those).
pub fn numbers_of(v: &Values) -> &[f64] {
    match v {
        Values::Numbers(n) => n,
        Values::Texts(_) => unreachable!("only numeric indicators are read as numbers"),
    }
}

/// The number indicator `ind` reads of each feature of its context layer
/// `other` (a weight, a hazard grade), with its `missing` rule; `None` when
/// its source reads none.
fn context_numbers(ind: &Indicator, other: &VectorLayer, model: &Model, checks: &RowChecks) -> Result<Option<Vec<f64>>> {
    Ok(Some(match &ind.source {
        Source::Within { layer, field: Some(field), .. } | Source::MaxWithin { layer, field, .. } => {
            let v = other.numbers(field, &model.units_of(Some(layer), field), checks)?;
            read::fill(ind, other, v, Gap::Field(other.field(field)), Bad::Field, model, checks)?
        }
        // A hazard polygon without its grade is bad input, not a grade of nothing.
        Source::OverlapMax { field, .. } => other.require(field, other.numbers(field, &[], checks)?, checks)?,
        _ => return Ok(None),
    }))
}

/// Every number the indicators read of their context layers' features,
/// checked before any object is scored: with --keep-going, a feature with a
/// bad one is rejected first, so no object's value counts it.
pub fn check_context(model: &Model, ctx: &Context) -> Result<()> {
    for ind in &model.indicators {
        if let Some(other) = ind.source.layer().and_then(|l| ctx.vector(l)) {
            context_numbers(ind, other, model, ctx.checks)?;
        }
    }
    Ok(())
}

/// A formula's value for every object: over earlier indicators, fields and
/// the built-ins `length_m` and `area_m2`.
fn formula_values(ind: &Indicator, expr: &Expr, vars: &[Var], objects: &VectorLayer, model: &Model, earlier: &[Values], checks: &RowChecks) -> Result<Values> {
    let n = objects.len();
    let columns: Vec<Vec<Option<f64>>> = vars
        .iter()
        .map(|v| {
            Ok(match v {
                Var::Indicator(k) => numbers_of(&earlier[*k]).iter().map(|x| Some(*x)).collect(),
                Var::Field(f) => read::numbers(objects, f, model, checks)?,
                Var::LengthM => objects.geoms.iter().map(|g| Some(length_m(g))).collect(),
                Var::AreaM2 => objects.geoms.iter().map(|g| Some(g.unsigned_area())).collect(),
            })
        })
        .collect::<Result<_>>()?;
    let mut out = Vec::with_capacity(n);
    let mut args = vec![0.0; vars.len()];
    for i in 0..n {
        // A formula over an empty field has no value: the indicator's `missing` decides.
        let mut complete = true;
        for (a, c) in args.iter_mut().zip(&columns) {
            match c[i] {
                Some(x) => *a = x,
                None => complete = false,
            }
        }
        out.push(complete.then(|| expr.parsed.eval(&args).unwrap_or(f64::NAN)));
    }
    let fields = ind.source.object_fields();
    let gap = Gap::Formula { expr: expr.text.clone(), fields: fields.iter().map(|f| f.to_string()).collect() };
    let out = read::fill(ind, objects, out, gap, Bad::Field, model, checks)?;
    let bad = rows_where(&out, |v| !v.is_finite());
    checks.check(objects, Bad::Range, bad, |i| Msg::FormulaNotFinite { indicator: ind.key.clone(), expr: expr.text.clone(), value: out[i] }.into())?;
    Ok(Values::Numbers(out))
}

fn indicator_values(ind: &Indicator, objects: &VectorLayer, ctx: &Context, model: &Model, earlier: &[Values]) -> Result<Values> {
    let checks = ctx.checks;
    Ok(match &ind.source {
        Source::Attribute { field } if ind.normalise.is_categorical() => Values::Texts(read::categories(ind, objects, field, model, checks)?),
        Source::Attribute { field } => {
            let v = read::numbers(objects, field, model, checks)?;
            Values::Numbers(read::fill(ind, objects, v, Gap::Field(objects.field(field)), Bad::Field, model, checks)?)
        }
        Source::Age { field } => {
            let years = objects.years(field, ctx.year, checks)?;
            let ages = years.into_iter().map(|y| y.map(|y| f64::from(ctx.year - y))).collect();
            Values::Numbers(read::fill(ind, objects, ages, Gap::Field(objects.field(field)), Bad::Field, model, checks)?)
        }
        Source::Formula { expr, vars } => formula_values(ind, expr, vars, objects, model, earlier, checks)?,
        Source::Within { layer, radius_m, .. } => {
            let other = context_vector(ctx, layer, model)?;
            let weights = context_numbers(ind, other, model, checks)?.unwrap_or_else(|| vec![1.0; other.len()]);
            let index = SpatialIndex::new(&other.geoms);
            Values::Numbers(objects.geoms.par_iter().map(|g| index.within(g, *radius_m).into_iter().map(|j| weights[j]).sum()).collect())
        }
        Source::MaxWithin { layer, radius_m, .. } => {
            let other = context_vector(ctx, layer, model)?;
            let values = context_numbers(ind, other, model, checks)?.expect("max_within reads a field");
            let index = SpatialIndex::new(&other.geoms);
            Values::Numbers(objects.geoms.par_iter().map(|g| index.within(g, *radius_m).into_iter().map(|j| values[j]).fold(0.0, f64::max)).collect())
        }
        Source::LengthWithin { layer, radius_m } => Values::Numbers(measure_within(objects, context_vector(ctx, layer, model)?, *radius_m, clip_length)),
        Source::AreaWithin { layer, radius_m } => Values::Numbers(measure_within(objects, context_vector(ctx, layer, model)?, *radius_m, |zone, g| {
            zone.intersection(&polygons_of(g).unwrap_or(MultiPolygon(vec![]))).unsigned_area()
        })),
        Source::NearestDistance { layer, radius_m } => {
            let other = context_vector(ctx, layer, model)?;
            let index = SpatialIndex::new(&other.geoms);
            let limit = radius_m.unwrap_or(f64::INFINITY);
            Values::Numbers(objects.geoms.par_iter().map(|g| index.nearest_distance(g, limit).unwrap_or(limit)).collect())
        }
        Source::OverlapMax { layer, .. } => {
            let other = context_vector(ctx, layer, model)?;
            let grades = context_numbers(ind, other, model, checks)?.expect("overlap_max reads a field");
            let index = SpatialIndex::new(&other.geoms);
            let touched: Vec<Option<f64>> = objects.geoms.par_iter().map(|g| index.within(g, 0.0).into_iter().map(|j| grades[j]).reduce(f64::max)).collect();
            Values::Numbers(read::fill(ind, objects, touched, Gap::NoPolygon { layer: layer.clone() }, Bad::Outside, model, checks)?)
        }
        Source::RasterSample { layer } => {
            let raster = context_raster(ctx, layer, model)?;
            let points: Vec<(f64, f64)> = objects.geoms.iter().map(|g| g.interior_point().map(|p| (p.x(), p.y())).unwrap_or((f64::NAN, f64::NAN))).collect();
            let sampled = raster.sample(ctx.working_crs, &points)?;
            Values::Numbers(read::fill(ind, objects, sampled, Gap::NoRaster { layer: layer.clone(), footprint: false }, Bad::Outside, model, checks)?)
        }
        Source::RasterZonal { layer, stat, radius_m } => {
            let raster = context_raster(ctx, layer, model)?;
            let footprints: Vec<MultiPolygon<f64>> = objects
                .geoms
                .par_iter()
                .map(|g| match radius_m {
                    Some(r) => g.buffer(*r),
                    None => polygons_of(g).unwrap_or(MultiPolygon(vec![])),
                })
                .collect();
            let zonal = raster.zonal(ctx.working_crs, &footprints, *stat)?;
            Values::Numbers(read::fill(ind, objects, zonal, Gap::NoRaster { layer: layer.clone(), footprint: true }, Bad::Outside, model, checks)?)
        }
    })
}

/// For each object, `measure` (metres of line, m² of polygon…) of the other
/// layer's features inside the object buffered by `radius`.
fn measure_within(objects: &VectorLayer, other: &VectorLayer, radius: f64, measure: impl Fn(&MultiPolygon<f64>, &Geometry<f64>) -> f64 + Sync) -> Vec<f64> {
    let index = SpatialIndex::new(&other.geoms);
    objects
        .geoms
        .par_iter()
        .map(|g| {
            let zone = g.buffer(radius);
            index.within(g, radius).into_iter().map(|j| measure(&zone, &other.geoms[j])).sum()
        })
        .collect()
}

fn length_m(g: &Geometry<f64>) -> f64 {
    match g {
        Geometry::LineString(l) => Euclidean.length(l),
        Geometry::MultiLineString(m) => m.iter().map(|l| Euclidean.length(l)).sum(),
        _ => 0.0,
    }
}

/// Metres of a line geometry inside `zone`.
fn clip_length(zone: &MultiPolygon<f64>, g: &Geometry<f64>) -> f64 {
    let mls = match g {
        Geometry::LineString(l) => MultiLineString(vec![l.clone()]),
        Geometry::MultiLineString(m) => m.clone(),
        _ => return 0.0,
    };
    zone.clip(&mls, false).iter().map(|l| Euclidean.length(l)).sum()
}
