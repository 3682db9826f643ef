//! Score: objects + model → indicator values, inherent score, control
//! factor, realistic score, level and veto reason for every object.
//!
//! Invariant: no I/O here. Inputs are loaded layers, outputs are columns
//! aligned with the object layer's rows. Objects are scored in parallel
//! (rayon); results do not depend on the thread count.

pub mod spatial;

use geo::InteriorPoint;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::level::Level;
use crate::load::{Layers, VectorLayer};
use crate::model::{Indicator, Method, Model, Normalise, Source};
use spatial::SpatialIndex;

/// Raw values of one indicator, one per object.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    Numbers(Vec<f64>),
    /// Categorical indicators keep the category text.
    Texts(Vec<String>),
}

/// The result of scoring one domain; every vector is indexed like the object layer.
#[derive(Debug, Clone)]
pub struct DomainScores {
    /// Per indicator (model order): raw values.
    pub values: Vec<Values>,
    /// Per indicator: score on 0–100.
    pub scores: Vec<Vec<f64>>,
    /// 固有风险: the method's combination of indicator scores, 0–100.
    pub inherent: Vec<f64>,
    /// 管控系数: 1 when the model has no control adjustment.
    pub control_factor: Vec<f64>,
    /// 现实风险: inherent × control factor, capped at 100.
    pub score: Vec<f64>,
    pub level: Vec<Level>,
    /// The reasons of the veto rules that applied, joined with "；".
    pub veto: Vec<Option<String>>,
}

/// Everything scoring needs besides the model.
pub struct Context<'a> {
    pub layers: &'a Layers,
    pub year: i32,
    pub working_crs: &'a str,
}

pub fn score_domain(model: &Model, ctx: &Context) -> Result<DomainScores> {
    let objects = ctx.layers.vector(&model.objects).ok_or_else(|| Error::Model {
        file: model.file.clone(),
        message: format!("objects = '{}' is not a loaded vector layer", model.objects),
    })?;
    let n = objects.len();

    let mut values = Vec::with_capacity(model.indicators.len());
    let mut scores = Vec::with_capacity(model.indicators.len());
    for ind in &model.indicators {
        let v = indicator_values(ind, objects, ctx, model)?;
        scores.push(normalise(ind, &v, objects, model)?);
        values.push(v);
    }

    let inherent: Vec<f64> = match model.method {
        Method::WeightedIndex => (0..n)
            .map(|i| model.indicators.iter().zip(&scores).map(|(ind, s)| ind.weight * s[i]).sum())
            .collect(),
    };

    let control_factor = match &model.control {
        None => vec![1.0; n],
        Some(c) => {
            let texts = objects.texts(&c.field)?;
            texts
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let t = t.as_deref().map(str::trim).unwrap_or("");
                    c.factors.get(t).copied().ok_or_else(|| {
                        input_err(objects, format!(
                            "feature id '{}': control field '{}' is '{t}', which [control] factors in {} does not list ({})",
                            objects.ids[i],
                            c.field,
                            model.file.display(),
                            c.factors.keys().cloned().collect::<Vec<_>>().join(", ")
                        ))
                    })
                })
                .collect::<Result<_>>()?
        }
    };
    let score: Vec<f64> = inherent.iter().zip(&control_factor).map(|(s, f)| (s * f).min(100.0)).collect();
    let mut level: Vec<Level> = score.iter().map(|s| model.thresholds.level(*s)).collect();
    let veto = apply_vetoes(model, objects, &values, &mut level)?;

    Ok(DomainScores { values, scores, inherent, control_factor, score, level, veto })
}

fn input_err(layer: &VectorLayer, msg: String) -> Error {
    Error::input(&layer.file, Some(&layer.name), msg)
}

/// The context layer an indicator reads, which `validate` has already checked exists.
fn context_vector<'a>(ctx: &'a Context, name: &str, model: &Model) -> Result<&'a VectorLayer> {
    ctx.layers.vector(name).ok_or_else(|| Error::Model {
        file: model.file.clone(),
        message: format!("layer '{name}' is not a loaded vector layer"),
    })
}

fn indicator_values(ind: &Indicator, objects: &VectorLayer, ctx: &Context, model: &Model) -> Result<Values> {
    Ok(match &ind.source {
        Source::Attribute { field } if ind.normalise.is_categorical() => {
            Values::Texts(objects.require(field, objects.texts(field)?)?.into_iter().map(|s| s.trim().to_owned()).collect())
        }
        Source::Attribute { field } => Values::Numbers(objects.require(field, objects.numbers(field)?)?),
        Source::Age { field } => {
            let years = objects.require(field, objects.numbers(field)?)?;
            Values::Numbers(years.into_iter().map(|y| (ctx.year as f64 - y).max(0.0)).collect())
        }
        Source::Within { layer, field, radius_m } => {
            let other = context_vector(ctx, layer, model)?;
            let weights: Vec<f64> = match field {
                Some(f) => other.numbers(f)?.into_iter().map(|v| v.unwrap_or(0.0)).collect(),
                None => vec![1.0; other.len()],
            };
            let index = SpatialIndex::new(&other.geoms);
            Values::Numbers(
                objects.geoms.par_iter().map(|g| index.within(g, *radius_m).into_iter().map(|j| weights[j]).sum()).collect(),
            )
        }
        Source::NearestDistance { layer } => {
            let other = context_vector(ctx, layer, model)?;
            let index = SpatialIndex::new(&other.geoms);
            Values::Numbers(objects.geoms.par_iter().map(|g| index.nearest_distance(g).unwrap_or(f64::INFINITY)).collect())
        }
        Source::RasterSample { layer, missing } => {
            let raster = ctx.layers.raster(layer).ok_or_else(|| Error::Model {
                file: model.file.clone(),
                message: format!("indicator '{}': layer '{layer}' is not a raster", ind.key),
            })?;
            let points: Vec<(f64, f64)> = objects
                .geoms
                .iter()
                .map(|g| g.interior_point().map(|p| (p.x(), p.y())).unwrap_or((f64::NAN, f64::NAN)))
                .collect();
            let sampled = raster.sample(ctx.working_crs, &points)?;
            let v = sampled
                .into_iter()
                .enumerate()
                .map(|(i, v)| {
                    v.or(*missing).ok_or_else(|| {
                        input_err(objects, format!(
                            "feature id '{}' lies where raster '{layer}' has no data; set `missing = …` on indicator '{}' in {} to score such objects",
                            objects.ids[i], ind.key, model.file.display()
                        ))
                    })
                })
                .collect::<Result<_>>()?;
            Values::Numbers(v)
        }
    })
}

fn normalise(ind: &Indicator, values: &Values, objects: &VectorLayer, model: &Model) -> Result<Vec<f64>> {
    match (values, &ind.normalise) {
        (Values::Texts(t), Normalise::Categories(table)) => t
            .iter()
            .enumerate()
            .map(|(i, v)| {
                table.get(v).copied().ok_or_else(|| {
                    input_err(objects, format!(
                        "feature id '{}': indicator '{}' value '{v}' is not in its categories in {} ({})",
                        objects.ids[i],
                        ind.key,
                        model.file.display(),
                        table.keys().cloned().collect::<Vec<_>>().join(", ")
                    ))
                })
            })
            .collect(),
        (Values::Numbers(v), n) => Ok(v.iter().map(|x| n.score(*x)).collect()),
        (Values::Texts(_), _) => unreachable!("text values only come from categorical indicators"),
    }
}

/// Apply the veto rules: each rule that holds forces at least its level and adds its reason.
fn apply_vetoes(model: &Model, objects: &VectorLayer, values: &[Values], level: &mut [Level]) -> Result<Vec<Option<String>>> {
    let mut reasons: Vec<Vec<&str>> = vec![Vec::new(); objects.len()];
    for rule in &model.vetoes {
        let name = &rule.when.name;
        let holds: Vec<bool> = match model.indicators.iter().position(|i| &i.key == name) {
            Some(k) => match &values[k] {
                Values::Numbers(v) => v.iter().map(|x| rule.when.holds_number(*x)).collect(),
                Values::Texts(t) => t.iter().map(|x| rule.when.holds_str(x)).collect(),
            },
            // Not an indicator: a field of the objects; an empty value never triggers a veto.
            None => objects.texts(name)?.iter().map(|t| t.as_deref().is_some_and(|s| rule.when.holds_str(s))).collect(),
        };
        for (i, h) in holds.into_iter().enumerate() {
            if h {
                level[i] = level[i].worst(rule.level);
                reasons[i].push(&rule.reason);
            }
        }
    }
    Ok(reasons.into_iter().map(|r| (!r.is_empty()).then(|| r.join("；"))).collect())
}
