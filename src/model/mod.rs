//! Model files (`assessment-models/*.toml`): how one domain is scored.
//!
//! A model is parsed in two steps, as ripgrep does with its arguments: serde
//! reads the raw TOML (`Raw*` structs, rejecting unknown keys), then
//! [`Model::from_str`] checks and turns it into typed values, so scoring never
//! sees an inconsistent model. Errors carry the file, the line and the key.
//! `check.rs` then checks a model against the layers of a run.

pub mod ahp;
mod condition;
mod describe;
mod geometry;
mod missing;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

pub use condition::{Condition, Literal, Op};
pub use geometry::GeomKind;
pub use missing::{Missing, RawValue};

use crate::error::{Error, Result};
use crate::level::{Level, Thresholds};

/// How indicator scores combine into the inherent (固有) risk.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Method {
    /// Σ weightᵢ · scoreᵢ, each score on 0–100; weights given or derived by AHP.
    WeightedIndex { weights: Vec<f64>, ahp: Option<ahp::Ahp> },
    /// Risk matrix: the likelihood and severity indicators score classes
    /// 1..n and 1..m; R = L × S. The level comes from `table` (rows =
    /// likelihood, columns = severity) when given, else from the thresholds on R.
    RiskMatrix { likelihood: usize, severity: usize, classes: (usize, usize), table: Option<Vec<Vec<Level>>> },
    /// LEC (作业条件危险性分析): D = L · E · C, each indicator scoring its factor value.
    Lec { l: usize, e: usize, c: usize },
}

impl Method {
    pub fn name(&self) -> &'static str {
        match self {
            Method::WeightedIndex { .. } => "weighted_index",
            Method::RiskMatrix { .. } => "risk_matrix",
            Method::Lec { .. } => "lec",
        }
    }
}

/// How object results combine inside a grid cell, a 街镇 or the district.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AggMethod {
    /// The worst object decides: highest score, most severe level.
    Max,
    /// Mean score weighted by what each object has inside the unit: 1 per
    /// point, metres of line, square metres of polygon. Graded with the thresholds.
    Mean,
    /// As `mean`, with each object's share also multiplied by its
    /// `weight_by` value (an indicator or field: exposure-weighted).
    WeightedMean,
    /// Objects per km of the line layer `density_of` inside the unit (e.g.
    /// accidents per km of road), graded by `density_levels`. Units without
    /// any of that line get no result.
    Density,
}

/// Zonal statistic over a footprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stat {
    Mean,
    Max,
    Sum,
}

/// Where an indicator's raw value comes from. Distances and radii are
/// working-CRS metres; lengths metres, areas square metres.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Source {
    /// A numeric or text field of the scored object.
    Attribute { field: String },
    /// Years from a year field to the assessment year (e.g. pipe age from install year).
    Age { field: String },
    /// An arithmetic formula over earlier indicators, numeric fields and the
    /// built-ins `length_m` and `area_m2` of the object.
    Formula { expr: String, vars: Vec<Var> },
    /// Count of features of `layer` within `radius_m`, or the sum of their `field`.
    Within { layer: String, field: Option<String>, radius_m: f64 },
    /// Metres of the line layer inside the object buffered by `radius_m`.
    LengthWithin { layer: String, radius_m: f64 },
    /// Square metres of the polygon layer inside the object buffered by `radius_m`.
    AreaWithin { layer: String, radius_m: f64 },
    /// Metres to the nearest feature of `layer`; with `radius_m`, the search
    /// stops there and anything farther counts as `radius_m` (a finite reach,
    /// which tiled runs need for their halos).
    NearestDistance { layer: String, radius_m: Option<f64> },
    /// Largest `field` of the polygons of `layer` the object touches (e.g. a
    /// hazard-census grade); the indicator's `missing` where it touches none.
    OverlapMax { layer: String, field: String },
    /// Raster value at the object's interior point; the indicator's `missing` where the raster has no data.
    RasterSample { layer: String },
    /// Statistic of the raster cells whose centres lie in the object's
    /// footprint (polygons) or in its buffer of `radius_m`; the indicator's `missing` where none.
    RasterZonal { layer: String, stat: Stat, radius_m: Option<f64> },
}

/// A variable of a formula.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Var {
    /// An earlier indicator's raw value (by index).
    Indicator(usize),
    /// A numeric field of the objects.
    Field(String),
    LengthM,
    AreaM2,
}

impl Source {
    /// The other layer this indicator reads, if any.
    pub fn layer(&self) -> Option<&str> {
        match self {
            Source::Attribute { .. } | Source::Age { .. } | Source::Formula { .. } => None,
            Source::Within { layer, .. }
            | Source::LengthWithin { layer, .. }
            | Source::AreaWithin { layer, .. }
            | Source::NearestDistance { layer, .. }
            | Source::OverlapMax { layer, .. }
            | Source::RasterSample { layer, .. }
            | Source::RasterZonal { layer, .. } => Some(layer),
        }
    }

    /// Fields of the scored objects this indicator reads.
    pub fn object_fields(&self) -> Vec<&str> {
        match self {
            Source::Attribute { field } | Source::Age { field } => vec![field],
            Source::Formula { vars, .. } => vars.iter().filter_map(|v| if let Var::Field(f) = v { Some(f.as_str()) } else { None }).collect(),
            _ => vec![],
        }
    }

    /// The largest distance at which this indicator looks at other features (for tiling halos).
    pub fn reach_m(&self) -> f64 {
        match self {
            Source::Within { radius_m, .. } | Source::LengthWithin { radius_m, .. } | Source::AreaWithin { radius_m, .. } => *radius_m,
            Source::RasterZonal { radius_m: Some(r), .. } | Source::NearestDistance { radius_m: Some(r), .. } => *r,
            Source::NearestDistance { radius_m: None, .. } => f64::INFINITY,
            _ => 0.0,
        }
    }
}

/// How a raw value becomes a score (0–100 for a weighted index; a class for
/// a risk matrix; a factor value for LEC).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Normalise {
    /// Linear from `from` (score 0) to `to` (score 100), clamped; `to < from` scores small values high.
    Linear { from: f64, to: f64 },
    /// Linear from the smallest value among all objects of the run (0) to the largest (100).
    MinMax,
    /// Ascending breakpoints `(x, score)`: the score of the last breakpoint with x ≤ value
    /// (the first breakpoint's score applies below it too).
    Steps(Vec<(f64, f64)>),
    /// A score per category value; a value not in the table is an error.
    /// Keys are folded (trimmed, half-width) like the values they match.
    Categories(BTreeMap<String, f64>),
    /// The raw value is the score.
    Identity,
}

impl Normalise {
    pub fn is_categorical(&self) -> bool {
        matches!(self, Normalise::Categories(_))
    }

    /// The score of a numeric value; `range` is the (min, max) over all objects, for `MinMax`.
    pub fn score(&self, v: f64, range: (f64, f64)) -> f64 {
        match self {
            Normalise::Linear { from, to } => (((v - from) / (to - from)).clamp(0.0, 1.0)) * 100.0,
            Normalise::MinMax => {
                if range.1 > range.0 {
                    (v - range.0) / (range.1 - range.0) * 100.0
                } else {
                    0.0
                }
            }
            Normalise::Steps(steps) => steps.iter().take_while(|(x, _)| *x <= v).last().unwrap_or(&steps[0]).1,
            Normalise::Identity => v,
            Normalise::Categories(_) => unreachable!("categories are scored from text"),
        }
    }

    /// Every score this normalisation can give, when it is a finite set.
    fn outputs(&self) -> Option<Vec<f64>> {
        match self {
            Normalise::Steps(s) => Some(s.iter().map(|(_, v)| *v).collect()),
            Normalise::Categories(c) => Some(c.values().copied().collect()),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Indicator {
    pub key: String,
    pub name: String,
    pub unit: Option<String>,
    /// The plausible range of the raw value; a value outside it is bad input
    /// (a typo, or a value in the wrong unit), not something to score.
    pub range: Option<(f64, f64)>,
    pub source: Source,
    pub normalise: Normalise,
    /// What an empty value (or no data at the object) means.
    pub missing: Missing,
    /// Line of the indicator in its model file, for messages.
    pub line: usize,
}

/// 固有风险 → 现实风险: the inherent risk is multiplied by a control factor
/// (管控系数): looked up from the control-level field, or the field's value itself.
#[derive(Debug, Clone, Serialize)]
pub struct Control {
    pub field: String,
    /// Category (folded) → factor; `None` when the field holds the factor itself.
    pub factors: Option<BTreeMap<String, f64>>,
    /// What an empty control field means ("worst" is the largest factor).
    pub missing: Missing,
}

impl Control {
    /// The factor an empty control field stands for, when the rule gives one.
    pub fn missing_factor(&self) -> Option<f64> {
        match self.missing {
            Missing::Value(v) => Some(v),
            Missing::Worst => self.factors.as_ref().map(|f| f.values().copied().fold(f64::NEG_INFINITY, f64::max)),
            _ => None,
        }
    }
}

/// 一票否决: when all conditions hold, the level is at least `level`, whatever the score.
#[derive(Debug, Clone, Serialize)]
pub struct Veto {
    pub when: Vec<Condition>,
    pub level: Level,
    pub reason: String,
    /// What an empty field in a condition means ("worst": the condition holds).
    pub missing: Missing,
    /// Line of the rule in its model file, for messages.
    pub line: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Aggregate {
    /// Line of `[aggregate]` in the model file, for messages.
    pub line: usize,
    pub grid: AggMethod,
    pub admin: AggMethod,
    /// Indicator key or numeric field weighting `weighted_mean`.
    pub weight_by: Option<String>,
    /// For `density`: the line layer and the bands on objects per km.
    pub density: Option<(String, Thresholds)>,
}

/// The layers a domain uses, by role.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Inputs {
    /// The run-config layer whose features are scored.
    pub objects: String,
    /// People and assets that could be harmed (population, buildings).
    #[serde(default)]
    pub exposure: Vec<String>,
    /// Hazard layers (census hazard grades, inundation, hazard sources).
    #[serde(default)]
    pub hazard: Vec<String>,
    /// Emergency capacity (fire stations, pumping stations, shelters).
    #[serde(default)]
    pub capacity: Vec<String>,
}

impl Inputs {
    pub fn role_of(&self, layer: &str) -> Option<&'static str> {
        if self.exposure.iter().any(|l| l == layer) {
            Some("exposure")
        } else if self.hazard.iter().any(|l| l == layer) {
            Some("hazard")
        } else if self.capacity.iter().any(|l| l == layer) {
            Some("capacity")
        } else {
            None
        }
    }
}

/// A checked domain model.
#[derive(Debug, Clone, Serialize)]
pub struct Model {
    pub file: PathBuf,
    /// Stable domain id, e.g. "D01"; used in layer and column names.
    pub id: String,
    /// English key, e.g. "hazardous_chemicals".
    pub key: String,
    /// Chinese domain name, e.g. "危险化学品".
    pub name: String,
    pub model_version: String,
    pub description: Option<String>,
    pub inputs: Inputs,
    /// Line of `[inputs]` in the model file, for messages.
    pub inputs_line: usize,
    /// The geometry kind the objects must have.
    pub geometry: GeomKind,
    pub method: Method,
    pub indicators: Vec<Indicator>,
    pub control: Option<Control>,
    pub vetoes: Vec<Veto>,
    pub thresholds: Thresholds,
    pub aggregate: Aggregate,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    id: String,
    key: String,
    name: String,
    model_version: String,
    description: Option<String>,
    geometry: GeomKind,
    method: Spanned<RawMethod>,
    inputs: Spanned<Inputs>,
    #[serde(rename = "indicator")]
    indicators: Vec<Spanned<RawIndicator>>,
    ahp: Option<Spanned<RawAhp>>,
    risk_matrix: Option<Spanned<RawMatrix>>,
    lec: Option<Spanned<RawLec>>,
    control: Option<RawControl>,
    #[serde(default, rename = "veto")]
    vetoes: Vec<Spanned<RawVeto>>,
    levels: Spanned<Thresholds>,
    aggregate: Spanned<RawAggregate>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
enum RawMethod {
    WeightedIndex,
    RiskMatrix,
    Lec,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    key: String,
    name: String,
    unit: Option<String>,
    source: RawSource,
    weight: Option<f64>,
    range: Option<[f64; 2]>,
    field: Option<String>,
    layer: Option<String>,
    radius_m: Option<f64>,
    missing: Option<missing::RawMissing>,
    expr: Option<String>,
    stat: Option<Stat>,
    linear: Option<[f64; 2]>,
    minmax: Option<bool>,
    steps: Option<Vec<[f64; 2]>>,
    categories: Option<BTreeMap<String, f64>>,
}

#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum RawSource {
    Attribute,
    Age,
    Formula,
    SumWithin,
    CountWithin,
    LengthWithin,
    AreaWithin,
    NearestDistance,
    OverlapMax,
    RasterSample,
    RasterZonal,
}

/// An AHP matrix entry: a number, or a fraction written as text ("1/3").
#[derive(Deserialize)]
#[serde(untagged)]
enum Judgement {
    Number(f64),
    Text(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAhp {
    order: Vec<String>,
    matrix: Vec<Vec<Judgement>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatrix {
    likelihood: String,
    severity: String,
    table: Option<Vec<Vec<i64>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLec {
    l: String,
    e: String,
    c: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawControl {
    field: String,
    factors: Option<BTreeMap<String, f64>>,
    #[serde(default)]
    direct: bool,
    missing: Option<missing::RawMissing>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVeto {
    when: String,
    level: i64,
    reason: String,
    missing: Option<missing::RawMissing>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAggregate {
    grid: AggMethod,
    admin: AggMethod,
    weight_by: Option<String>,
    density_of: Option<String>,
    density_levels: Option<Thresholds>,
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].bytes().filter(|&b| b == b'\n').count() + 1
}

impl Model {
    pub fn from_file(file: &Path) -> Result<Model> {
        let text = std::fs::read_to_string(file).map_err(|e| Error::Model { file: file.to_owned(), message: format!("cannot read the file: {e}") })?;
        Model::from_str(file, &text)
    }

    pub fn from_str(file: &Path, text: &str) -> Result<Model> {
        let err = |message: String| Error::Model { file: file.to_owned(), message };
        let raw: RawModel = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        let at = |span: std::ops::Range<usize>, m: String| err(format!("line {}: {m}", line_of(text, span.start)));

        let levels_span = raw.levels.span();
        let thresholds = raw.levels.into_inner();
        thresholds.check().map_err(|m| at(levels_span.clone(), format!("[levels]: {m}")))?;

        // Indicators, in file order; a formula may only use indicators defined before it.
        let mut keys = HashSet::new();
        let mut indicators: Vec<Indicator> = Vec::new();
        let mut weights: Vec<Option<f64>> = Vec::new();
        for spanned in raw.indicators {
            let span = spanned.span();
            let ind = spanned.into_inner();
            let key = ind.key.clone();
            let at_ind = |m: String| at(span.clone(), format!("indicator '{key}': {m}"));
            if !keys.insert(ind.key.clone()) {
                return Err(at_ind("duplicate key".into()));
            }
            if !ind.key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || ind.key.starts_with(|c: char| c.is_ascii_digit()) {
                return Err(at_ind("keys are column names: use letters, digits and _ (not starting with a digit)".into()));
            }
            weights.push(ind.weight);
            let line = line_of(text, span.start);
            indicators.push(resolve_indicator(ind, line, &indicators).map_err(at_ind)?);
        }
        if indicators.is_empty() {
            return Err(err("no [[indicator]] entries".into()));
        }
        for (w, ind) in weights.iter().zip(&indicators) {
            if let Some(w) = w {
                if !(w.is_finite() && *w >= 0.0) {
                    return Err(err(format!("line {}: indicator '{}': weight must be a non-negative number, got {w}", ind.line, ind.key)));
                }
            }
        }
        let index_of = |key: &str, what: &str| -> std::result::Result<usize, String> {
            indicators.iter().position(|i| i.key == key).ok_or_else(|| {
                format!("{what} = '{key}' is not an indicator key ({})", indicators.iter().map(|i| i.key.as_str()).collect::<Vec<_>>().join(", "))
            })
        };

        let method_span = raw.method.span();
        let sections = (raw.ahp.is_some(), raw.risk_matrix.is_some(), raw.lec.is_some());
        let method = match raw.method.into_inner() {
            RawMethod::WeightedIndex => {
                let ahp = match raw.ahp {
                    Some(a) => {
                        let span = a.span();
                        let a = a.into_inner();
                        let at_ahp = |m: String| at(span.clone(), format!("[ahp]: {m}"));
                        if let Some((_, i)) = weights.iter().zip(&indicators).find(|(w, _)| w.is_some()) {
                            return Err(at_ahp(format!("indicator '{}' has a weight; with [ahp] the weights are derived, remove them", i.key)));
                        }
                        let order: Vec<usize> = a.order.iter().map(|k| index_of(k, "order")).collect::<std::result::Result<_, _>>().map_err(at_ahp)?;
                        let matrix: Vec<Vec<f64>> = a
                            .matrix
                            .iter()
                            .map(|row| row.iter().map(judgement).collect::<std::result::Result<Vec<_>, _>>())
                            .collect::<std::result::Result<_, _>>()
                            .map_err(at_ahp)?;
                        if matrix.len() != order.len() {
                            return Err(at_ahp(format!("order lists {} indicators but the matrix has {} rows", order.len(), matrix.len())));
                        }
                        let derived = ahp::derive(&matrix).map_err(at_ahp)?;
                        if derived.cr >= 0.1 {
                            return Err(at_ahp(format!(
                                "the judgements are inconsistent: consistency ratio CR = {:.3} (λmax = {:.3}), it must be below 0.1; revise the pairwise comparisons",
                                derived.cr, derived.lambda_max
                            )));
                        }
                        let mut w = vec![0.0; indicators.len()];
                        for (k, &i) in order.iter().enumerate() {
                            w[i] = derived.weights[k];
                        }
                        Some((w, derived))
                    }
                    None => None,
                };
                let (weights, ahp) = match ahp {
                    Some((w, a)) => (w, Some(a)),
                    None => {
                        // Indicators without a weight may still feed formulas and vetoes.
                        if weights.iter().all(Option::is_none) {
                            return Err(at(method_span, "weighted_index needs a `weight` on the indicators, or an [ahp] matrix".into()));
                        }
                        let w: Vec<f64> = weights.iter().map(|w| w.unwrap_or(0.0)).collect();
                        let total: f64 = w.iter().sum();
                        if (total - 1.0).abs() > 1e-6 {
                            let list: Vec<String> = indicators.iter().zip(&w).filter(|(_, w)| **w > 0.0).map(|(i, w)| format!("{} = {w}", i.key)).collect();
                            return Err(err(format!("indicator weights must sum to 1, they sum to {total:.4} ({})", list.join(", "))));
                        }
                        (w, None)
                    }
                };
                Method::WeightedIndex { weights, ahp }
            }
            RawMethod::RiskMatrix => {
                let m = raw.risk_matrix.ok_or_else(|| at(method_span.clone(), "method = \"risk_matrix\" needs a [risk_matrix] table".into()))?;
                let span = m.span();
                let m = m.into_inner();
                let at_m = |msg: String| at(span.clone(), format!("[risk_matrix]: {msg}"));
                let likelihood = index_of(&m.likelihood, "likelihood").map_err(at_m)?;
                let severity = index_of(&m.severity, "severity").map_err(at_m)?;
                let (table, classes) = match m.table {
                    Some(t) => {
                        let rows = t.len();
                        let cols = t.first().map_or(0, Vec::len);
                        if rows < 2 || cols < 2 || t.iter().any(|r| r.len() != cols) {
                            return Err(at_m(format!(
                                "table must be a rectangle of at least 2 × 2 (rows = likelihood classes, columns = severity classes); row lengths are {:?}",
                                t.iter().map(Vec::len).collect::<Vec<_>>()
                            )));
                        }
                        let levels = t
                            .iter()
                            .map(|r| {
                                r.iter().map(|&v| Level::from_number(v).ok_or_else(|| at_m(format!("table entries must be levels 1–4, found {v}")))).collect()
                            })
                            .collect::<Result<Vec<Vec<Level>>>>()?;
                        (Some(levels), (rows, cols))
                    }
                    None => (None, (5, 5)),
                };
                for (idx, n, what) in [(likelihood, classes.0, "likelihood"), (severity, classes.1, "severity")] {
                    let ind = &indicators[idx];
                    let ok = ind.normalise.outputs().is_some_and(|o| o.iter().all(|v| v.fract() == 0.0 && *v >= 1.0 && *v <= n as f64));
                    if !ok {
                        return Err(at_m(format!("{what} indicator '{}' must score whole classes 1–{n} (use steps or categories)", ind.key)));
                    }
                }
                if weights.iter().any(Option::is_some) {
                    return Err(at(method_span, "weights have no meaning with method = \"risk_matrix\"; remove them".into()));
                }
                Method::RiskMatrix { likelihood, severity, classes, table }
            }
            RawMethod::Lec => {
                let m = raw.lec.ok_or_else(|| at(method_span.clone(), "method = \"lec\" needs a [lec] table with l, e and c".into()))?;
                let span = m.span();
                let m = m.into_inner();
                let at_m = |msg: String| at(span.clone(), format!("[lec]: {msg}"));
                let l = index_of(&m.l, "l").map_err(at_m)?;
                let e = index_of(&m.e, "e").map_err(at_m)?;
                let c = index_of(&m.c, "c").map_err(at_m)?;
                if weights.iter().any(Option::is_some) {
                    return Err(at(method_span, "weights have no meaning with method = \"lec\"; remove them".into()));
                }
                Method::Lec { l, e, c }
            }
        };
        let stray_sections = [
            (sections.0 && !matches!(method, Method::WeightedIndex { .. }), "[ahp]"),
            (sections.1 && !matches!(method, Method::RiskMatrix { .. }), "[risk_matrix]"),
            (sections.2 && !matches!(method, Method::Lec { .. }), "[lec]"),
        ];
        for (stray, name) in stray_sections {
            if stray {
                return Err(err(format!("{name} does not apply to method = \"{}\"", method.name())));
            }
        }

        let control = match raw.control {
            Some(c) => {
                let factors = match (c.factors, c.direct) {
                    (Some(f), false) => {
                        if f.is_empty() {
                            return Err(err("[control] factors is empty".into()));
                        }
                        if let Some((k, v)) = f.iter().find(|(_, v)| !(v.is_finite() && **v > 0.0)) {
                            return Err(err(format!("[control] factor for '{k}' must be a positive number, got {v}")));
                        }
                        Some(folded_keys(f).map_err(|m| err(format!("[control] factors: {m}")))?)
                    }
                    (None, true) => None,
                    _ => return Err(err("[control] needs either `factors = { … }` or `direct = true` (the field holds the factor)".into())),
                };
                let missing = c.missing.map(missing::RawMissing::resolve).transpose().map_err(|m| err(format!("[control] {m}")))?.unwrap_or(Missing::Error);
                match missing {
                    Missing::Zero => return Err(err(
                        "[control] missing = \"zero\" would make the realistic risk 0; use \"worst\" (the largest factor), a factor, \"reject\" or \"error\""
                            .into(),
                    )),
                    Missing::Worst if factors.is_none() => {
                        return Err(err(
                            "[control] missing = \"worst\" needs a factors table; with direct = true give the factor itself, e.g. missing = 1.5".into()
                        ))
                    }
                    Missing::Value(v) if !(v.is_finite() && v > 0.0) => return Err(err(format!("[control] missing = {v}: a control factor must be positive"))),
                    _ => {}
                }
                Some(Control { field: c.field, factors, missing })
            }
            None => None,
        };

        let mut vetoes = Vec::new();
        for spanned in raw.vetoes {
            let span = spanned.span();
            let v = spanned.into_inner();
            let at_v = |m: String| at(span.clone(), format!("[[veto]]: {m}"));
            let when = v.when.split("&&").map(Condition::parse).collect::<std::result::Result<Vec<_>, _>>().map_err(at_v)?;
            // A condition on an indicator compares values of the indicator's own type.
            for c in &when {
                if let Some(ind) = indicators.iter().find(|i| i.key == c.name) {
                    match (&c.value, ind.normalise.is_categorical()) {
                        (Literal::Number(_), true) => {
                            return Err(at_v(format!(
                                "'{c}' compares the categorical indicator '{}' with a number; compare it with a category in quotes",
                                ind.key
                            )))
                        }
                        (Literal::Text(_), false) => {
                            return Err(at_v(format!("'{c}' compares the numeric indicator '{}' with text; compare it with a number", ind.key)))
                        }
                        _ => {}
                    }
                }
            }
            let level = Level::from_number(v.level).ok_or_else(|| at_v(format!("level must be 1, 2, 3 or 4, got {}", v.level)))?;
            if v.reason.trim().is_empty() {
                return Err(at_v("reason is empty; it is printed on every object the rule applies to".into()));
            }
            let missing = v.missing.map(missing::RawMissing::resolve).transpose().map_err(at_v)?.unwrap_or(Missing::Error);
            vetoes.push(Veto { when, level, reason: v.reason, missing, line: line_of(text, span.start) });
        }

        let inputs_line = line_of(text, raw.inputs.span().start);
        let inputs = raw.inputs.into_inner();
        for ind in &indicators {
            if let Some(layer) = ind.source.layer() {
                if inputs.role_of(layer).is_none() {
                    return Err(err(format!(
                        "line {}: indicator '{}' reads layer '{layer}', which [inputs] does not list under exposure, hazard or capacity",
                        ind.line, ind.key
                    )));
                }
            }
        }

        let agg_line = line_of(text, raw.aggregate.span().start);
        let agg = raw.aggregate.into_inner();
        if agg.weight_by.is_none() && [agg.grid, agg.admin].contains(&AggMethod::WeightedMean) {
            return Err(err(format!("line {agg_line}: [aggregate]: weighted_mean needs `weight_by` (an indicator key or numeric field)")));
        }
        let uses_density = [agg.grid, agg.admin].contains(&AggMethod::Density);
        let density = match (agg.density_of, agg.density_levels) {
            (Some(layer), Some(levels)) if uses_density => {
                levels.check().map_err(|m| err(format!("line {agg_line}: [aggregate] density_levels: {m}")))?;
                if inputs.role_of(&layer).is_none() {
                    return Err(err(format!("line {agg_line}: [aggregate] density_of = '{layer}' is not listed in [inputs]")));
                }
                Some((layer, levels))
            }
            (None, None) if !uses_density => None,
            _ if uses_density => {
                return Err(err(format!("line {agg_line}: [aggregate] density needs `density_of` (a line layer) and `density_levels = {{ red = …, orange = …, yellow = … }}` (objects per km)")))
            }
            _ => return Err(err(format!("line {agg_line}: [aggregate] density_of and density_levels apply to grid or admin = \"density\" only"))),
        };
        let aggregate = Aggregate { line: agg_line, grid: agg.grid, admin: agg.admin, weight_by: agg.weight_by, density };

        Ok(Model {
            file: file.to_owned(),
            id: raw.id,
            key: raw.key,
            name: raw.name,
            model_version: raw.model_version,
            description: raw.description,
            inputs,
            inputs_line,
            geometry: raw.geometry,
            method,
            indicators,
            control,
            vetoes,
            thresholds,
            aggregate,
        })
    }

    /// The name of the output layer, e.g. "D01_hazardous_chemicals".
    pub fn layer_name(&self) -> String {
        format!("{}_{}", self.id, self.key)
    }

    /// The scored layer.
    pub fn objects(&self) -> &str {
        &self.inputs.objects
    }

    /// Every other run-config layer the model reads (besides its objects).
    pub fn context_layers(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.indicators.iter().filter_map(|i| i.source.layer()).collect();
        v.extend(self.aggregate.density.as_ref().map(|(l, _)| l.as_str()));
        v.sort();
        v.dedup();
        v
    }

    /// The units declared for a numeric field: those of the indicators that
    /// read it (of the objects, or with `layer`, of that context layer's features).
    pub fn units_of(&self, layer: Option<&str>, field: &str) -> Vec<&str> {
        let mut units: Vec<&str> = self
            .indicators
            .iter()
            .filter(|i| match (&i.source, layer) {
                (Source::Attribute { field: f } | Source::Age { field: f }, None) => f == field,
                (Source::Within { layer: l, field: Some(f), .. }, Some(layer)) => l == layer && f == field,
                _ => false,
            })
            .filter_map(|i| i.unit.as_deref())
            .collect();
        units.sort();
        units.dedup();
        units
    }

    /// The weight of each indicator in the inherent score (0 where it has none).
    pub fn weights(&self) -> Option<&[f64]> {
        match &self.method {
            Method::WeightedIndex { weights, .. } => Some(weights),
            _ => None,
        }
    }
}

fn judgement(j: &Judgement) -> std::result::Result<f64, String> {
    match j {
        Judgement::Number(n) => Ok(*n),
        Judgement::Text(t) => {
            let bad = || format!("cannot read judgement '{t}': write a number or a fraction such as \"1/3\"");
            match t.split_once('/') {
                Some((a, b)) => Ok(a.trim().parse::<f64>().map_err(|_| bad())? / b.trim().parse::<f64>().map_err(|_| bad())?),
                None => t.trim().parse().map_err(|_| bad()),
            }
        }
    }
}

fn resolve_indicator(r: RawIndicator, line: usize, earlier: &[Indicator]) -> std::result::Result<Indicator, String> {
    let src = format!("{:?}", r.source);
    let src = src_name(&src);
    let need = |v: &Option<String>, what: &str| v.clone().ok_or_else(|| format!("source = \"{src}\" needs `{what}`"));
    let radius = |required: bool| -> std::result::Result<Option<f64>, String> {
        match r.radius_m {
            Some(x) if !(x.is_finite() && x > 0.0) => Err(format!("radius_m must be positive, got {x}")),
            None if required => Err(format!("source = \"{src}\" needs `radius_m` (metres)")),
            other => Ok(other),
        }
    };
    let source = match r.source {
        RawSource::Attribute => Source::Attribute { field: need(&r.field, "field")? },
        RawSource::Age => Source::Age { field: need(&r.field, "field")? },
        RawSource::Formula => {
            let expr = need(&r.expr, "expr")?;
            let parsed = exmex::parse::<f64>(&expr).map_err(|e| format!("cannot read expr \"{expr}\": {e}"))?;
            use exmex::Express;
            let vars = parsed
                .var_names()
                .iter()
                .map(|v| match v.as_str() {
                    "length_m" => Var::LengthM,
                    "area_m2" => Var::AreaM2,
                    name => match earlier.iter().position(|i| i.key == name) {
                        Some(k) if earlier[k].normalise.is_categorical() => Var::Field(name.to_owned()),
                        Some(k) => Var::Indicator(k),
                        None => Var::Field(name.to_owned()),
                    },
                })
                .collect();
            Source::Formula { expr, vars }
        }
        RawSource::SumWithin => Source::Within { layer: need(&r.layer, "layer")?, field: Some(need(&r.field, "field")?), radius_m: radius(true)?.unwrap() },
        RawSource::CountWithin => Source::Within { layer: need(&r.layer, "layer")?, field: None, radius_m: radius(true)?.unwrap() },
        RawSource::LengthWithin => Source::LengthWithin { layer: need(&r.layer, "layer")?, radius_m: radius(true)?.unwrap() },
        RawSource::AreaWithin => Source::AreaWithin { layer: need(&r.layer, "layer")?, radius_m: radius(true)?.unwrap() },
        RawSource::NearestDistance => Source::NearestDistance { layer: need(&r.layer, "layer")?, radius_m: radius(false)? },
        RawSource::OverlapMax => Source::OverlapMax { layer: need(&r.layer, "layer")?, field: need(&r.field, "field")? },
        RawSource::RasterSample => Source::RasterSample { layer: need(&r.layer, "layer")? },
        RawSource::RasterZonal => Source::RasterZonal {
            layer: need(&r.layer, "layer")?,
            stat: r.stat.ok_or_else(|| "source = \"raster_zonal\" needs `stat` (mean, max or sum)".to_owned())?,
            radius_m: radius(false)?,
        },
    };
    // Keys that the source does not read are mistakes (a typo, or a key meant for another source).
    let uses = |k: &str| match k {
        "field" => matches!(r.source, RawSource::Attribute | RawSource::Age | RawSource::SumWithin | RawSource::OverlapMax),
        "layer" => !matches!(r.source, RawSource::Attribute | RawSource::Age | RawSource::Formula),
        "radius_m" => matches!(
            r.source,
            RawSource::SumWithin
                | RawSource::CountWithin
                | RawSource::LengthWithin
                | RawSource::AreaWithin
                | RawSource::NearestDistance
                | RawSource::RasterZonal
        ),
        "missing" => source.can_be_missing(),
        "expr" => r.source == RawSource::Formula,
        "stat" => r.source == RawSource::RasterZonal,
        _ => true,
    };
    for (k, present) in [
        ("field", r.field.is_some()),
        ("layer", r.layer.is_some()),
        ("radius_m", r.radius_m.is_some()),
        ("missing", r.missing.is_some()),
        ("expr", r.expr.is_some()),
        ("stat", r.stat.is_some()),
    ] {
        if present && !uses(k) {
            return Err(format!("`{k}` does not apply to source = \"{src}\""));
        }
    }
    let normalise = match (r.linear, r.minmax, r.steps, r.categories) {
        (Some([from, to]), None, None, None) => {
            if from == to {
                return Err(format!("linear = [{from}, {to}] needs two different values"));
            }
            Normalise::Linear { from, to }
        }
        (None, Some(true), None, None) => Normalise::MinMax,
        (None, None, Some(steps), None) => {
            if steps.is_empty() {
                return Err("steps is empty".into());
            }
            if steps.windows(2).any(|w| w[0][0] >= w[1][0]) {
                return Err("steps must have strictly ascending breakpoints, e.g. steps = [[0, 10], [10, 40], [20, 80]]".into());
            }
            Normalise::Steps(steps.into_iter().map(|[x, s]| (x, s)).collect())
        }
        (None, None, None, Some(c)) => {
            if c.is_empty() {
                return Err("categories is empty".into());
            }
            if !matches!(source, Source::Attribute { .. }) {
                return Err("categories apply to source = \"attribute\" only".into());
            }
            Normalise::Categories(folded_keys(c).map_err(|m| format!("categories: {m}"))?)
        }
        (None, None | Some(false), None, None) => Normalise::Identity,
        _ => return Err("give at most one of `linear`, `minmax`, `steps` or `categories` to turn the value into a score".into()),
    };
    let range = match r.range {
        Some([lo, hi]) if lo < hi => Some((lo, hi)),
        Some([lo, hi]) => return Err(format!("range = [{lo}, {hi}] must go from low to high")),
        None => None,
    };
    if range.is_some() && matches!(normalise, Normalise::Categories(_)) {
        return Err("range applies to numeric indicators; categories already list the valid values".into());
    }
    let missing = r.missing.map(missing::RawMissing::resolve).transpose()?.unwrap_or(Missing::Error);
    missing::check(missing, &source, &normalise, range)?;
    Ok(Indicator { key: r.key, name: r.name, unit: r.unit, range, source, normalise, missing, line })
}

/// A table's keys folded as the values they match are (trimmed,
/// half-width); two keys that fold to one are a mistake.
fn folded_keys(table: BTreeMap<String, f64>) -> std::result::Result<BTreeMap<String, f64>, String> {
    let mut out = BTreeMap::new();
    for (k, v) in table {
        let f = crate::value::fold(&k);
        if f.is_empty() {
            return Err("an empty key matches nothing; a missing value is what `missing = …` decides".into());
        }
        if out.insert(f.clone(), v).is_some() {
            return Err(format!("two keys read as '{f}' (keys are matched trimmed, with full-width letters and digits as half-width)"));
        }
    }
    Ok(out)
}

/// "SumWithin" → "sum_within", for messages.
fn src_name(debug: &str) -> String {
    let mut s = String::new();
    for (i, c) in debug.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            s.push('_');
        }
        s.push(c.to_ascii_lowercase());
    }
    s
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const BASE: &str = r#"
id = "D99"
key = "test"
name = "测试"
model_version = "1"
geometry = "point"
method = "weighted_index"

[inputs]
objects = "sites"
exposure = ["people"]

[[indicator]]
key = "a"
name = "A"
source = "attribute"
field = "a"
linear = [0, 10]
weight = 0.6

[[indicator]]
key = "b"
name = "B"
source = "count_within"
layer = "people"
radius_m = 500
steps = [[0, 0], [5, 50], [10, 100]]
weight = 0.4

[[veto]]
when = "a >= 9"
level = 1
reason = "测试"

[levels]
red = 75
orange = 55
yellow = 35

[aggregate]
grid = "max"
admin = "mean"
"#;

    fn parse(text: &str) -> Result<Model> {
        Model::from_str(Path::new("D99.toml"), text)
    }

    fn message(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn parses_a_complete_model() {
        let m = parse(BASE).unwrap();
        assert_eq!(m.indicators.len(), 2);
        assert_eq!(m.indicators[1].source, Source::Within { layer: "people".into(), field: None, radius_m: 500.0 });
        assert_eq!(m.indicators[0].line, 13);
        assert_eq!(m.context_layers(), vec!["people"]);
        assert_eq!(m.vetoes[0].level, Level::Major);
        assert_eq!(m.weights(), Some(&[0.6, 0.4][..]));
    }

    #[test]
    fn weights_must_sum_to_one() {
        let e = message(&BASE.replace("weight = 0.4", "weight = 0.3"));
        assert!(e.contains("sum to 0.9000") && e.contains("D99.toml"), "{e}");
    }

    #[test]
    fn unknown_method_lists_the_valid_ones() {
        let e = message(&BASE.replace("\"weighted_index\"", "\"fuzzy\""));
        assert!(e.contains("weighted_index") && e.contains("risk_matrix") && e.contains("line 7"), "{e}");
    }

    #[test]
    fn indicator_errors_name_line_and_key() {
        let e = message(&BASE.replace("radius_m = 500\n", ""));
        assert!(e.contains("line 21: indicator 'b'") && e.contains("radius_m"), "{e}");
        let e = message(&BASE.replace("layer = \"people\"\n", "layer = \"crowd\"\n"));
        assert!(e.contains("indicator 'b' reads layer 'crowd'") && e.contains("[inputs]"), "{e}");
    }

    #[test]
    fn ahp_weights_replace_explicit_ones() {
        let text = BASE.replace("weight = 0.6\n", "").replace("weight = 0.4\n", "") + "\n[ahp]\norder = [\"a\", \"b\"]\nmatrix = [[1, 3], [\"1/3\", 1]]\n";
        let m = parse(&text).unwrap();
        let w = m.weights().unwrap();
        assert!((w[0] - 0.75).abs() < 1e-9 && (w[1] - 0.25).abs() < 1e-9, "{w:?}");
    }

    #[test]
    fn ahp_inconsistency_is_rejected_with_the_ratio() {
        let text = BASE.replace("weight = 0.6\n", "").replace("weight = 0.4\n", "")
            + "[[indicator]]\nkey = \"c\"\nname = \"C\"\nsource = \"attribute\"\nfield = \"c\"\nlinear = [0, 1]\n"
            + "\n[ahp]\norder = [\"a\", \"b\", \"c\"]\nmatrix = [[1, 5, \"1/5\"], [\"1/5\", 1, 5], [5, \"1/5\", 1]]\n";
        let e = message(&text);
        assert!(e.contains("[ahp]") && e.contains("consistency ratio CR =") && e.contains("below 0.1"), "{e}");
    }

    #[test]
    fn risk_matrix_checks_table_shape_and_classes() {
        let matrix = |table: &str| {
            BASE.replace("weighted_index", "risk_matrix")
                .replace("linear = [0, 10]\nweight = 0.6", "steps = [[0, 1], [3, 2], [6, 3]]")
                .replace("steps = [[0, 0], [5, 50], [10, 100]]\nweight = 0.4", "steps = [[0, 1], [5, 2], [10, 3]]")
                + &format!("\n[risk_matrix]\nlikelihood = \"a\"\nseverity = \"b\"\n{table}\n")
        };
        let m = parse(&matrix("table = [[4, 4, 3], [4, 3, 2], [3, 2, 1]]")).unwrap();
        assert!(matches!(m.method, Method::RiskMatrix { classes: (3, 3), .. }));
        let e = message(&matrix("table = [[4, 4, 3], [4, 3], [3, 2, 1]]"));
        assert!(e.contains("[risk_matrix]") && e.contains("rectangle") && e.contains("[3, 2, 3]"), "{e}");
        let e = message(&matrix("table = [[4, 4], [4, 3]]"));
        assert!(e.contains("must score whole classes 1–2"), "{e}");
    }

    #[test]
    fn overlapping_thresholds_are_rejected() {
        let e = message(&BASE.replace("orange = 55", "orange = 80"));
        assert!(e.contains("[levels]") && e.contains("red > orange > yellow") && e.contains("line"), "{e}");
    }

    #[test]
    fn steps_score_the_last_breakpoint_reached() {
        let n = Normalise::Steps(vec![(0.0, 0.0), (5.0, 50.0), (10.0, 100.0)]);
        assert_eq!(n.score(-1.0, (0.0, 0.0)), 0.0);
        assert_eq!(n.score(4.99, (0.0, 0.0)), 0.0);
        assert_eq!(n.score(5.0, (0.0, 0.0)), 50.0);
        assert_eq!(n.score(1e9, (0.0, 0.0)), 100.0);
        let l = Normalise::Linear { from: 2000.0, to: 0.0 };
        assert_eq!(l.score(500.0, (0.0, 0.0)), 75.0);
        assert_eq!(l.score(5000.0, (0.0, 0.0)), 0.0);
        assert_eq!(Normalise::MinMax.score(15.0, (10.0, 30.0)), 25.0);
    }

    #[test]
    fn missing_rules_are_read_and_checked_against_the_source() {
        let m = parse(&BASE.replace("linear = [0, 10]\n", "linear = [0, 10]\nmissing = \"worst\"\n")).unwrap();
        assert_eq!(m.indicators[0].missing, Missing::Worst);
        assert_eq!(m.indicators[0].worst_value(), Some(RawValue::Number(10.0)));
        assert_eq!(parse(BASE).unwrap().indicators[0].missing, Missing::Error, "the default is error");
        let m = parse(&BASE.replace("linear = [0, 10]\n", "linear = [0, 10]\nmissing = 3.5\n")).unwrap();
        assert_eq!(m.indicators[0].missing_value(), Some(RawValue::Number(3.5)));
        let e = message(&BASE.replace("linear = [0, 10]\n", "linear = [0, 10]\nmissing = \"skip\"\n"));
        assert!(e.contains("missing = \"skip\"") && e.contains("\"worst\""), "{e}");
        // A count has nothing that can be missing.
        let e = message(&BASE.replace("radius_m = 500\n", "radius_m = 500\nmissing = \"zero\"\n"));
        assert!(e.contains("`missing` does not apply to source = \"count_within\""), "{e}");
        let e = message(&BASE.replace("linear = [0, 10]\n", "minmax = true\nmissing = \"worst\"\n"));
        assert!(e.contains("needs a declared `range`"), "{e}");
        let cats = BASE
            .replace("linear = [0, 10]\n", "categories = { \"Ｈｉｇｈ \" = 100, low = 10 }\nmissing = \"worst\"\n")
            .replace("when = \"a >= 9\"", "when = \"a == \\\"high\\\"\"");
        let m = parse(&cats).unwrap();
        // Keys are folded like the values they match; the worst category is the highest-scoring one.
        assert_eq!(m.indicators[0].worst_value(), Some(RawValue::Text("High".into())));
        let e = message(&cats.replace("missing = \"worst\"", "missing = \"zero\""));
        assert!(e.contains("categorical indicator has no number"), "{e}");
        let e = message(&BASE.replace("[levels]", "[control]\nfield = \"g\"\nfactors = { A = 1.0 }\nmissing = \"zero\"\n\n[levels]"));
        assert!(e.contains("[control] missing = \"zero\""), "{e}");
        let e = message(&BASE.replace("[levels]", "[control]\nfield = \"g\"\nfactors = { A = 1.0, \"Ａ\" = 2.0 }\n\n[levels]"));
        assert!(e.contains("two keys read as 'A'"), "{e}");
    }

    #[test]
    fn veto_conditions_are_typed_against_indicators() {
        let e = message(&BASE.replace("when = \"a >= 9\"", "when = \"a == \\\"9\\\"\""));
        assert!(e.contains("compares the numeric indicator 'a' with text"), "{e}");
        let m = parse(&BASE.replace("reason = \"测试\"", "reason = \"测试\"\nmissing = \"worst\"")).unwrap();
        assert_eq!(m.vetoes[0].missing, Missing::Worst);
    }

    #[test]
    fn formulas_resolve_their_variables() {
        let text = BASE.replace(
            "[[veto]]",
            "[[indicator]]\nkey = \"ratio\"\nname = \"R\"\nsource = \"formula\"\nexpr = \"a / storage_t * length_m\"\nlinear = [0, 1]\n\n[[veto]]",
        );
        let m = parse(&text).unwrap();
        let Source::Formula { vars, .. } = &m.indicators[2].source else { panic!() };
        assert!(vars.contains(&Var::Indicator(0)) && vars.contains(&Var::Field("storage_t".into())) && vars.contains(&Var::LengthM), "{vars:?}");
    }
}
