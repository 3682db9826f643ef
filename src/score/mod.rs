//! Score: objects + model → indicator values, inherent score, control
//! factor, realistic score, level and veto reason for every object.
//!
//! Invariant: no file I/O here. Inputs are loaded layers, outputs are columns
//! aligned with the object layer's rows. Objects are scored in parallel
//! (rayon); results do not depend on the thread count.

pub mod check;
pub mod read;
pub mod spatial;
mod values;

pub use values::{check_context, numbers_of, values};

use std::collections::BTreeMap;

use crate::error::{Bad, Result};
use crate::level::{Level, Thresholds};
use crate::load::Layers;
use crate::model::{Indicator, Literal, Method, Model, Normalise, Source, Veto};
use crate::msg::{Msg, Reader};
use crate::objects::{RowChecks, VectorLayer};
use crate::value::RewriteCounts;

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
    /// Per indicator: its score (0–100, a matrix class or an LEC factor).
    pub scores: Vec<Vec<f64>>,
    /// 固有风险: the method's combination of indicator scores.
    pub inherent: Vec<f64>,
    /// 管控系数: 1 when the model has no control adjustment.
    pub control_factor: Vec<f64>,
    /// 现实风险 after the control adjustment.
    pub score: Vec<f64>,
    pub level: Vec<Level>,
    /// The reasons of the veto rules that applied, joined with "；".
    pub veto: Vec<Option<String>>,
    /// Each object's weight in a `weighted_mean` aggregation (1 without `weight_by`).
    pub weight: Vec<f64>,
    /// Per numeric field of the objects, how many values needed a rewrite
    /// (spaces, full-width, separators, unit) to be read.
    pub rewrites: BTreeMap<String, RewriteCounts>,
}

/// Everything scoring needs besides the model.
pub struct Context<'a> {
    pub layers: &'a Layers,
    /// Layers standing in for loaded ones in this domain (with `--keep-going`,
    /// copies without the rejected rows).
    pub overrides: &'a BTreeMap<String, VectorLayer>,
    /// What the row checks do with bad rows: stop, or (--keep-going) reject them.
    pub checks: &'a RowChecks,
    pub year: i32,
    pub working_crs: &'a str,
}

impl Context<'_> {
    pub fn vector(&self, name: &str) -> Option<&VectorLayer> {
        self.overrides.get(name).or_else(|| self.layers.vector(name))
    }
}

/// Rows where `bad` holds, or an empty list.
fn rows_where<T>(values: &[T], bad: impl Fn(&T) -> bool) -> Vec<usize> {
    values.iter().enumerate().filter(|(_, v)| bad(v)).map(|(i, _)| i).collect()
}

/// Score `objects` (all of a domain's, or a work unit's share) against the context layers.
pub fn score_objects(model: &Model, objects: &VectorLayer, ctx: &Context) -> Result<DomainScores> {
    let values = values(model, objects, ctx)?;
    finish(model, objects, values, ctx.checks)
}

/// Phase one with phase two's row checks (unknown categories and control
/// grades, …): a work unit can reject rows only while it has them, though
/// the scores are the merge's to compute, over the whole study area.
pub fn checked_values(model: &Model, objects: &VectorLayer, ctx: &Context) -> Result<Vec<Values>> {
    Ok(score_objects(model, objects, ctx)?.values)
}

/// Phase two, over every object of the study area at once (so min–max
/// statistics are study-area-wide even when units computed the values):
/// scores, method, control, levels, vetoes. Reads only the objects' own fields.
pub fn finish(model: &Model, objects: &VectorLayer, values: Vec<Values>, checks: &RowChecks) -> Result<DomainScores> {
    let n = objects.len();
    let scores: Vec<Vec<f64>> = model.indicators.iter().zip(&values).map(|(ind, v)| normalise(ind, v, objects, model, checks)).collect::<Result<_>>()?;

    let control_factor = read::control_factors(model, objects, checks)?;

    let refs: Vec<&[f64]> = scores.iter().map(Vec::as_slice).collect();
    let (inherent, score, mut level) = combine(model, &model.method, &model.thresholds, &refs, &control_factor, objects, checks)?;
    let veto = apply_vetoes(model, objects, &values, &mut level, checks)?;

    let weight = match &model.aggregate.weight_by {
        None => vec![1.0; n],
        Some(w) => match model.indicators.iter().position(|i| &i.key == w) {
            Some(k) => match &values[k] {
                Values::Numbers(v) => v.clone(),
                Values::Texts(_) => unreachable!("checked: weight_by is numeric"),
            },
            None => objects.require(w, read::numbers(objects, w, model, checks)?, checks)?,
        },
    };
    let rewrites = read::rewrites(model, objects, checks)?;

    Ok(DomainScores { values, scores, inherent, control_factor, score, level, veto, weight, rewrites })
}

/// The method's combination of indicator scores: inherent score, realistic
/// score (after the control factor) and level per object. `method` and
/// `thresholds` are the model's, or a sensitivity draw's perturbed copies.
pub fn combine(
    model: &Model,
    method: &Method,
    thresholds: &Thresholds,
    scores: &[&[f64]],
    control_factor: &[f64],
    objects: &VectorLayer,
    checks: &RowChecks,
) -> Result<Scored> {
    let n = objects.len();
    Ok(match method {
        Method::WeightedIndex { weights, .. } => {
            let inherent: Vec<f64> = (0..n).map(|i| weights.iter().zip(scores).map(|(w, s)| w * s[i]).sum()).collect();
            let score: Vec<f64> = inherent.iter().zip(control_factor).map(|(s, f)| (s * f).min(100.0)).collect();
            let level = score.iter().map(|s| thresholds.level(*s)).collect();
            (inherent, score, level)
        }
        Method::RiskMatrix { likelihood, severity, classes, table } => {
            // A row not of a class fails on its own (its own message); a
            // rejected one stands in as class 1.
            let class = |k: usize, i: usize, max: usize| -> Result<usize> {
                let v = scores[k][i];
                if v.fract() == 0.0 && v >= 1.0 && v <= max as f64 {
                    return Ok(v as usize);
                }
                checks.check(objects, Bad::Range, vec![i], |_| Msg::NotAClass { indicator: model.indicators[k].key.clone(), value: v, max }.into())?;
                Ok(1)
            };
            let mut inherent = Vec::with_capacity(n);
            let mut score = Vec::with_capacity(n);
            let mut level = Vec::with_capacity(n);
            for (i, factor) in control_factor.iter().enumerate() {
                let (l, s) = (class(*likelihood, i, classes.0)?, class(*severity, i, classes.1)?);
                // Control acts on likelihood: good management makes an accident less likely, not smaller.
                let l2 = ((l as f64 * factor).round() as usize).clamp(1, classes.0);
                inherent.push((l * s) as f64);
                score.push((l2 * s) as f64);
                level.push(match table {
                    Some(t) => t[l2 - 1][s - 1],
                    None => thresholds.level((l2 * s) as f64),
                });
            }
            (inherent, score, level)
        }
        Method::Lec { l, e, c } => {
            let inherent: Vec<f64> = (0..n).map(|i| scores[*l][i] * scores[*e][i] * scores[*c][i]).collect();
            let score: Vec<f64> = inherent.iter().zip(control_factor).map(|(d, f)| d * f).collect();
            let level = score.iter().map(|s| thresholds.level(*s)).collect();
            (inherent, score, level)
        }
    })
}

/// Inherent score, realistic score and level per object.
pub type Scored = (Vec<f64>, Vec<f64>, Vec<Level>);

pub fn normalise(ind: &Indicator, values: &Values, objects: &VectorLayer, model: &Model, checks: &RowChecks) -> Result<Vec<f64>> {
    match (values, &ind.normalise) {
        (Values::Texts(t), Normalise::Categories(table)) => {
            let unknown = rows_where(t, |v| !table.contains_key(v));
            checks.check(objects, Bad::Range, unknown, |i| {
                let field = match &ind.source {
                    Source::Attribute { field } => objects.field(field),
                    _ => crate::msg::Field::new(&ind.key, Some(&ind.name)),
                };
                let (reader, value, model, have) =
                    (Reader::Indicator(ind.key.clone()), t[i].clone(), model.file.display().to_string(), table.keys().cloned().collect());
                Msg::UnknownCategory { field, reader, value, model, have }.into()
            })?;
            // A rejected unknown category stands in as no score.
            Ok(t.iter().map(|v| table.get(v).copied().unwrap_or(f64::NAN)).collect())
        }
        (Values::Numbers(v), n) => {
            // Study-area statistics for min–max: over every object of this run.
            let finite = v.iter().copied().filter(|x| x.is_finite());
            let range = finite.clone().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| (lo.min(x), hi.max(x)));
            Ok(v.iter().map(|x| n.score(*x, range)).collect())
        }
        (Values::Texts(_), _) => unreachable!("text values only come from categorical indicators"),
    }
}

/// Apply the veto rules: a rule whose conditions all hold forces at least its level and adds its reason.
fn apply_vetoes(model: &Model, objects: &VectorLayer, values: &[Values], level: &mut [Level], checks: &RowChecks) -> Result<Vec<Option<String>>> {
    let mut reasons: Vec<Vec<&str>> = vec![Vec::new(); objects.len()];
    for rule in &model.vetoes {
        let holds = veto_holds(model, rule, objects, values, |_| false, checks)?;
        for (i, h) in holds.into_iter().enumerate() {
            if h {
                level[i] = level[i].worst(rule.level);
                reasons[i].push(&rule.reason);
            }
        }
    }
    Ok(reasons.into_iter().map(|r| (!r.is_empty()).then(|| r.join("；"))).collect())
}

/// Per object, whether all of `rule`'s conditions hold, leaving out those on
/// the indicators `skip` names (a sensitivity draw tests those itself, on its
/// perturbed values).
pub fn veto_holds(model: &Model, rule: &Veto, objects: &VectorLayer, values: &[Values], skip: impl Fn(usize) -> bool, checks: &RowChecks) -> Result<Vec<bool>> {
    let mut holds = vec![true; objects.len()];
    for cond in &rule.when {
        let this: Vec<bool> = match model.indicators.iter().position(|i| i.key == cond.name) {
            Some(k) if skip(k) => continue,
            // Typed at parse time: numeric indicators meet number literals, categories text.
            Some(k) => match (&values[k], &cond.value) {
                (Values::Numbers(v), Literal::Number(_)) => v.iter().map(|x| cond.holds_number(*x)).collect(),
                (Values::Texts(t), Literal::Text(_)) => t.iter().map(|x| cond.holds_text(x)).collect(),
                _ => unreachable!("veto conditions are typed when the model is read"),
            },
            None => read::field_condition(model, rule, cond, objects, checks)?,
        };
        holds.iter_mut().zip(this).for_each(|(h, t)| *h &= t);
    }
    Ok(holds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Layer;
    use crate::model::GeomKind;
    use geo_types::Geometry;
    use polars::prelude::*;
    use std::path::Path;

    /// A layer of points at the origin with the given columns (no GDAL: scoring is pure).
    fn layer(name: &str, columns: Vec<Column>) -> VectorLayer {
        let n = columns[0].len();
        VectorLayer {
            name: name.into(),
            file: format!("{name}.geojson").into(),
            origin: Default::default(),
            kind: GeomKind::Point,
            ids: (0..n).map(|i| format!("O{i}")).collect(),
            fids: (0..n as i64).collect(),
            geoms: (0..n).map(|i| Geometry::Point(geo_types::Point::new(i as f64 * 10.0, 0.0))).collect(),
            attrs: DataFrame::new(columns).unwrap(),
            labels: Default::default(),
        }
    }

    fn score(model: &str, objects: VectorLayer) -> DomainScores {
        let m = Model::from_str(Path::new("m.toml"), model).unwrap();
        let mut layers = Layers::default();
        layers.layers.insert("sites".into(), Layer::Vector(std::sync::Arc::new(objects)));
        score_objects(
            &m,
            layers.vector("sites").unwrap(),
            &Context { layers: &layers, overrides: &BTreeMap::new(), checks: &RowChecks::Stop, year: 2024, working_crs: "EPSG:4549" },
        )
        .unwrap()
    }

    fn head(method: &str) -> String {
        format!("id = \"T\"\nkey = \"t\"\nname = \"t\"\nmodel_version = \"1\"\ngeometry = \"point\"\nmethod = \"{method}\"\n[inputs]\nobjects = \"sites\"\n")
    }
    const TAIL: &str = "[aggregate]\ngrid = \"max\"\nstreets = \"max\"\n";

    #[test]
    fn nearest_distance_search_stops_at_its_radius() {
        let model = format!(
            "{}\
             [[indicator]]\nkey = \"d\"\nname = \"D\"\nsource = \"nearest_distance\"\nlayer = \"stations\"\nradius_m = 25\nlinear = [0, 25]\nweight = 1.0\n\
             [levels]\nred = 75\norange = 55\nyellow = 35\n{TAIL}",
            head("weighted_index").replace("objects = \"sites\"\n", "objects = \"sites\"\ncapacity = [\"stations\"]\n")
        );
        let m = Model::from_str(Path::new("m.toml"), &model).unwrap();
        assert_eq!(m.indicators[0].source.reach_m(), 25.0);
        // Sites at x = 0, 10, 20, 30; one station at x = 0.
        let mut layers = Layers::default();
        layers.layers.insert("sites".into(), Layer::Vector(std::sync::Arc::new(layer("sites", vec![Column::new("a".into(), [1.0, 2.0, 3.0, 4.0])]))));
        layers.layers.insert("stations".into(), Layer::Vector(std::sync::Arc::new(layer("stations", vec![Column::new("a".into(), [1.0])]))));
        let s = score_objects(
            &m,
            layers.vector("sites").unwrap(),
            &Context { layers: &layers, overrides: &BTreeMap::new(), checks: &RowChecks::Stop, year: 2024, working_crs: "EPSG:4549" },
        )
        .unwrap();
        assert_eq!(s.values[0], Values::Numbers(vec![0.0, 10.0, 20.0, 25.0]));
    }

    #[test]
    fn max_within_takes_the_largest_field_in_reach_and_zero_where_none() {
        let model = format!(
            "{}\
             [[indicator]]\nkey = \"g\"\nname = \"G\"\nsource = \"max_within\"\nlayer = \"hazards\"\nfield = \"grade\"\nradius_m = 5\nlinear = [0, 3]\nweight = 1.0\n\
             [levels]\nred = 75\norange = 55\nyellow = 35\n{TAIL}",
            head("weighted_index").replace("objects = \"sites\"\n", "objects = \"sites\"\nhazard = [\"hazards\"]\n")
        );
        let m = Model::from_str(Path::new("m.toml"), &model).unwrap();
        assert_eq!(m.indicators[0].source.reach_m(), 5.0);
        // Sites at x = 0, 10, 20, 30; hazards at x = 0 (grade 2) and x = 10 (grade 3).
        let mut layers = Layers::default();
        layers.layers.insert("sites".into(), Layer::Vector(std::sync::Arc::new(layer("sites", vec![Column::new("a".into(), [1.0, 2.0, 3.0, 4.0])]))));
        layers.layers.insert("hazards".into(), Layer::Vector(std::sync::Arc::new(layer("hazards", vec![Column::new("grade".into(), [2.0, 3.0])]))));
        let ctx = Context { layers: &layers, overrides: &BTreeMap::new(), checks: &RowChecks::Stop, year: 2024, working_crs: "EPSG:4549" };
        let s = score_objects(&m, layers.vector("sites").unwrap(), &ctx).unwrap();
        assert_eq!(s.values[0], Values::Numbers(vec![2.0, 3.0, 0.0, 0.0]));
        // Within 10 m, the site at x = 0 sees both hazards, the one at 20 the second.
        let wider = Model::from_str(Path::new("m.toml"), &model.replace("radius_m = 5", "radius_m = 10")).unwrap();
        assert_eq!(score_objects(&wider, layers.vector("sites").unwrap(), &ctx).unwrap().values[0], Values::Numbers(vec![3.0, 3.0, 3.0, 0.0]));
    }

    #[test]
    fn risk_matrix_5x5_lookup() {
        // GB/T 42768-style 5 × 5 table: rows likelihood 1–5, columns severity 1–5.
        let model = format!(
            "{}\
             [[indicator]]\nkey = \"l\"\nname = \"L\"\nsource = \"attribute\"\nfield = \"l\"\nsteps = [[1, 1], [2, 2], [3, 3], [4, 4], [5, 5]]\n\
             [[indicator]]\nkey = \"s\"\nname = \"S\"\nsource = \"attribute\"\nfield = \"s\"\nsteps = [[1, 1], [2, 2], [3, 3], [4, 4], [5, 5]]\n\
             [risk_matrix]\nlikelihood = \"l\"\nseverity = \"s\"\n\
             table = [[4, 4, 4, 3, 3], [4, 4, 3, 3, 2], [4, 3, 3, 2, 2], [3, 3, 2, 2, 1], [3, 2, 2, 1, 1]]\n\
             [control]\nfield = \"f\"\ndirect = true\n\
             [levels]\nred = 20\norange = 10\nyellow = 4\n{TAIL}",
            head("risk_matrix")
        );
        let objects = layer(
            "sites",
            vec![
                Column::new("l".into(), [1.0, 5.0, 3.0, 4.0, 4.0]),
                Column::new("s".into(), [1.0, 5.0, 4.0, 2.0, 5.0]),
                Column::new("f".into(), [1.0, 1.0, 1.0, 1.0, 0.5]),
            ],
        );
        let s = score(&model, objects);
        assert_eq!(s.inherent, vec![1.0, 25.0, 12.0, 8.0, 20.0]);
        // (1,1) → 4; (5,5) → 1; (3,4) → row 3 col 4 = 2; (4,2) → row 4 col 2 = 3.
        assert_eq!(&s.level[..4], &[Level::Low, Level::Major, Level::Significant, Level::General]);
        // Control 0.5 halves likelihood 4 → 2: (2,5) → 2, R = 10.
        assert_eq!((s.score[4], s.level[4]), (10.0, Level::Significant));
    }

    #[test]
    fn lec_product_and_strict_thresholds() {
        let model = format!(
            "{}\
             [[indicator]]\nkey = \"l\"\nname = \"L\"\nsource = \"attribute\"\nfield = \"l\"\n\
             [[indicator]]\nkey = \"e\"\nname = \"E\"\nsource = \"attribute\"\nfield = \"e\"\n\
             [[indicator]]\nkey = \"c\"\nname = \"C\"\nsource = \"attribute\"\nfield = \"c\"\n\
             [lec]\nl = \"l\"\ne = \"e\"\nc = \"c\"\n\
             [levels]\nred = 320\norange = 160\nyellow = 70\ncompare = \">\"\n{TAIL}",
            head("lec")
        );
        // D = 10·6·7 = 420 → red; 3·6·15 = 270 → orange; 1·2·40 = 80 → yellow; 1·10·7 = 70 → blue (not > 70).
        let objects = layer(
            "sites",
            vec![
                Column::new("l".into(), [10.0, 3.0, 1.0, 1.0]),
                Column::new("e".into(), [6.0, 6.0, 2.0, 10.0]),
                Column::new("c".into(), [7.0, 15.0, 40.0, 7.0]),
            ],
        );
        let s = score(&model, objects);
        assert_eq!(s.inherent, vec![420.0, 270.0, 80.0, 70.0]);
        assert_eq!(s.level, vec![Level::Major, Level::Significant, Level::General, Level::Low]);
    }

    #[test]
    fn veto_takes_precedence_over_score_and_control_table_applies() {
        let model = format!(
            "{}\
             [[indicator]]\nkey = \"a\"\nname = \"A\"\nsource = \"attribute\"\nfield = \"a\"\nlinear = [0, 100]\nweight = 1.0\n\
             [control]\nfield = \"grade\"\nfactors = {{ A = 0.8, D = 1.5 }}\n\
             [[veto]]\nwhen = \"danger > 0 && grade == \\\"A\\\"\"\nlevel = 1\nreason = \"隐患\"\n\
             [[veto]]\nwhen = \"grade == \\\"D\\\"\"\nlevel = 2\nreason = \"D级\"\n\
             [levels]\nred = 75\norange = 55\nyellow = 35\n{TAIL}",
            head("weighted_index")
        );
        let objects = layer(
            "sites",
            vec![
                Column::new("a".into(), [10.0, 10.0, 80.0, 90.0]),
                Column::new("grade".into(), ["A", "A", "D", "D"]),
                Column::new("danger".into(), [1i64, 0, 0, 1]),
            ],
        );
        let s = score(&model, objects);
        assert_eq!(s.control_factor, vec![0.8, 0.8, 1.5, 1.5]);
        // 10 × 0.8 = 8 (blue) but danger and A → red by veto.
        assert_eq!((s.score[0], s.level[0], s.veto[0].as_deref()), (8.0, Level::Major, Some("隐患")));
        // Both conditions must hold: no danger → stays blue.
        assert_eq!((s.level[1], s.veto[1].as_deref()), (Level::Low, None));
        // 80 × 1.5 capped at 100 → red already; the D-grade veto's "at least orange" does not lower it.
        assert_eq!((s.score[2], s.level[2]), (100.0, Level::Major));
        assert_eq!(s.veto[2].as_deref(), Some("D级"));
    }
}
