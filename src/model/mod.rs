//! Model files (`assessment-models/*.toml`): how one domain is scored.
//!
//! A model is parsed in two steps, as ripgrep does with its arguments: serde
//! reads the raw TOML (`Raw*` structs, rejecting unknown keys), then
//! [`Model::from_str`] checks and turns it into typed values, so scoring never
//! sees an inconsistent model. Errors carry the file and the line of the
//! offending indicator.

pub mod check;
mod condition;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

pub use condition::{Condition, Literal, Op};

use crate::error::{Error, Result};
use crate::level::{Level, Thresholds};
use crate::load::GeomKind;

/// How the indicator scores combine into the inherent score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Σ weightᵢ · scoreᵢ over indicators, each score on 0–100.
    WeightedIndex,
}

/// How object results combine inside a grid cell or a 街镇.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AggMethod {
    /// The worst object decides: highest score, most severe level.
    Max,
    /// Mean score weighted by what each object has inside the unit: 1 per
    /// point, metres of line, square metres of polygon. Graded with the
    /// model's thresholds.
    Mean,
}

/// Where an indicator's raw value comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Source {
    /// A numeric or text field of the scored object.
    Attribute { field: String },
    /// Years from a year field to the assessment year (e.g. pipe age from install year).
    Age { field: String },
    /// Count of features of `layer` within `radius_m` metres of the object, or
    /// the sum of their `field` (e.g. population within 1000 m).
    Within { layer: String, field: Option<String>, radius_m: f64 },
    /// Metres to the nearest feature of `layer`.
    NearestDistance { layer: String },
    /// Raster value at the object's interior point; `missing` where the raster has no data.
    RasterSample { layer: String, missing: Option<f64> },
}

impl Source {
    /// The other layer this indicator reads, if any.
    pub fn layer(&self) -> Option<&str> {
        match self {
            Source::Attribute { .. } | Source::Age { .. } => None,
            Source::Within { layer, .. } | Source::NearestDistance { layer } | Source::RasterSample { layer, .. } => {
                Some(layer)
            }
        }
    }

    /// A field of the scored objects this indicator reads, if any.
    pub fn object_field(&self) -> Option<&str> {
        match self {
            Source::Attribute { field } | Source::Age { field } => Some(field),
            _ => None,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Source::Attribute { field } => format!("field '{field}'"),
            Source::Age { field } => format!("years since field '{field}'"),
            Source::Within { layer, field: Some(f), radius_m } => format!("sum of '{f}' of layer '{layer}' within {radius_m} m"),
            Source::Within { layer, field: None, radius_m } => format!("count of layer '{layer}' within {radius_m} m"),
            Source::NearestDistance { layer } => format!("distance in m to the nearest feature of layer '{layer}'"),
            Source::RasterSample { layer, .. } => format!("value of raster '{layer}' at the object"),
        }
    }
}

/// How a raw value becomes a score on 0–100.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Normalise {
    /// Linear from `from` (score 0) to `to` (score 100), clamped; `to < from` scores small values high.
    Linear { from: f64, to: f64 },
    /// Ascending breakpoints `(x, score)`: the score of the last breakpoint with x ≤ value
    /// (the first breakpoint's score applies below it too).
    Steps(Vec<(f64, f64)>),
    /// A score per category value; a value not in the table is an error.
    Categories(BTreeMap<String, f64>),
}

impl Normalise {
    pub fn is_categorical(&self) -> bool {
        matches!(self, Normalise::Categories(_))
    }

    /// The score of a numeric value (not for categories).
    pub fn score(&self, v: f64) -> f64 {
        match self {
            Normalise::Linear { from, to } => (((v - from) / (to - from)).clamp(0.0, 1.0)) * 100.0,
            Normalise::Steps(steps) => steps.iter().take_while(|(x, _)| *x <= v).last().unwrap_or(&steps[0]).1,
            Normalise::Categories(_) => unreachable!("categories are scored from text"),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Indicator {
    pub key: String,
    pub name: String,
    pub unit: Option<String>,
    pub source: Source,
    pub normalise: Normalise,
    pub weight: f64,
    /// Line of the indicator in its model file, for messages.
    pub line: usize,
}

/// 固有风险 → 现实风险: the inherent score is multiplied by a factor looked up
/// from the control-level field (management grade, 管控水平).
#[derive(Debug, Clone, Serialize)]
pub struct Control {
    pub field: String,
    pub factors: BTreeMap<String, f64>,
}

/// 一票否决: a condition that forces at least `level`, whatever the score.
#[derive(Debug, Clone, Serialize)]
pub struct Veto {
    pub when: Condition,
    pub level: Level,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Aggregate {
    pub grid: AggMethod,
    pub admin: AggMethod,
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
    /// The run-config layer whose features are scored.
    pub objects: String,
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
    objects: String,
    geometry: GeomKind,
    method: Method,
    #[serde(rename = "indicator")]
    indicators: Vec<Spanned<RawIndicator>>,
    control: Option<RawControl>,
    #[serde(default, rename = "veto")]
    vetoes: Vec<Spanned<RawVeto>>,
    levels: Thresholds,
    aggregate: Aggregate,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    key: String,
    name: String,
    unit: Option<String>,
    source: RawSource,
    weight: f64,
    field: Option<String>,
    layer: Option<String>,
    radius_m: Option<f64>,
    missing: Option<f64>,
    linear: Option<[f64; 2]>,
    steps: Option<Vec<[f64; 2]>>,
    categories: Option<BTreeMap<String, f64>>,
}

#[derive(Deserialize, Clone, Copy, Debug)]
#[serde(rename_all = "snake_case")]
enum RawSource {
    Attribute,
    Age,
    SumWithin,
    CountWithin,
    NearestDistance,
    RasterSample,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawControl {
    field: String,
    factors: BTreeMap<String, f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVeto {
    when: String,
    level: i64,
    reason: String,
}

impl<'de> Deserialize<'de> for GeomKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        match String::deserialize(d)?.as_str() {
            "point" => Ok(GeomKind::Point),
            "line" => Ok(GeomKind::Line),
            "polygon" => Ok(GeomKind::Polygon),
            other => Err(serde::de::Error::custom(format!("unknown geometry '{other}', expected point, line or polygon"))),
        }
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].bytes().filter(|&b| b == b'\n').count() + 1
}

impl Model {
    pub fn from_file(file: &Path) -> Result<Model> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| Error::Model { file: file.to_owned(), message: format!("cannot read the file: {e}") })?;
        Model::from_str(file, &text)
    }

    pub fn from_str(file: &Path, text: &str) -> Result<Model> {
        let err = |message: String| Error::Model { file: file.to_owned(), message };
        let raw: RawModel = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        raw.levels.check().map_err(|m| err(format!("[levels]: {m}")))?;

        let mut keys = HashSet::new();
        let mut indicators = Vec::new();
        for spanned in raw.indicators {
            let line = line_of(text, spanned.span().start);
            let ind = spanned.into_inner();
            let key = ind.key.clone();
            let at = |m: String| err(format!("line {line}: indicator '{key}': {m}"));
            if !keys.insert(ind.key.clone()) {
                return Err(at("duplicate key".into()));
            }
            indicators.push(resolve_indicator(ind, line).map_err(at)?);
        }
        if indicators.is_empty() {
            return Err(err("no [[indicator]] entries".into()));
        }
        let total: f64 = indicators.iter().map(|i| i.weight).sum();
        if (total - 1.0).abs() > 1e-6 {
            let list: Vec<String> = indicators.iter().map(|i| format!("{} = {}", i.key, i.weight)).collect();
            return Err(err(format!("indicator weights must sum to 1, they sum to {total:.4} ({})", list.join(", "))));
        }

        let control = match raw.control {
            Some(c) => {
                if c.factors.is_empty() {
                    return Err(err("[control] factors is empty".into()));
                }
                if let Some((k, v)) = c.factors.iter().find(|(_, v)| !(v.is_finite() && **v > 0.0)) {
                    return Err(err(format!("[control] factor for '{k}' must be a positive number, got {v}")));
                }
                Some(Control { field: c.field, factors: c.factors })
            }
            None => None,
        };

        let mut vetoes = Vec::new();
        for spanned in raw.vetoes {
            let line = line_of(text, spanned.span().start);
            let v = spanned.into_inner();
            let at = |m: String| err(format!("line {line}: [[veto]]: {m}"));
            let when = Condition::parse(&v.when).map_err(at)?;
            let level = Level::from_number(v.level).ok_or_else(|| at(format!("level must be 1, 2, 3 or 4, got {}", v.level)))?;
            if v.reason.trim().is_empty() {
                return Err(at("reason is empty; it is printed on every object the rule applies to".into()));
            }
            vetoes.push(Veto { when, level, reason: v.reason });
        }

        Ok(Model {
            file: file.to_owned(),
            id: raw.id,
            key: raw.key,
            name: raw.name,
            model_version: raw.model_version,
            objects: raw.objects,
            geometry: raw.geometry,
            method: raw.method,
            indicators,
            control,
            vetoes,
            thresholds: raw.levels,
            aggregate: raw.aggregate,
        })
    }

    /// The name of the output layer, e.g. "D01_hazardous_chemicals".
    pub fn layer_name(&self) -> String {
        format!("{}_{}", self.id, self.key)
    }

    /// Every other run-config layer the model reads (besides its objects).
    pub fn context_layers(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.indicators.iter().filter_map(|i| i.source.layer()).collect();
        v.sort();
        v.dedup();
        v
    }
}

fn resolve_indicator(r: RawIndicator, line: usize) -> std::result::Result<Indicator, String> {
    if !(r.weight.is_finite() && r.weight >= 0.0) {
        return Err(format!("weight must be a non-negative number, got {}", r.weight));
    }
    let need = |v: Option<String>, what: &str| v.ok_or_else(|| format!("source = \"{:?}\" needs `{what}`", r.source).to_lowercase());
    let source = match r.source {
        RawSource::Attribute => Source::Attribute { field: need(r.field.clone(), "field")? },
        RawSource::Age => Source::Age { field: need(r.field.clone(), "field")? },
        RawSource::SumWithin | RawSource::CountWithin => {
            let radius_m = r.radius_m.ok_or("needs `radius_m` (metres)")?;
            if !(radius_m.is_finite() && radius_m > 0.0) {
                return Err(format!("radius_m must be positive, got {radius_m}"));
            }
            let field = match r.source {
                RawSource::SumWithin => Some(r.field.clone().ok_or("source = \"sum_within\" needs `field` (the attribute to sum)")?),
                _ => None,
            };
            Source::Within { layer: need(r.layer.clone(), "layer")?, field, radius_m }
        }
        RawSource::NearestDistance => Source::NearestDistance { layer: need(r.layer.clone(), "layer")? },
        RawSource::RasterSample => Source::RasterSample { layer: need(r.layer.clone(), "layer")?, missing: r.missing },
    };
    if r.missing.is_some() && !matches!(source, Source::RasterSample { .. }) {
        return Err("`missing` applies to raster_sample only".into());
    }
    if r.radius_m.is_some() && !matches!(source, Source::Within { .. }) {
        return Err("`radius_m` applies to sum_within and count_within only".into());
    }
    let normalise = match (r.linear, r.steps, r.categories) {
        (Some([from, to]), None, None) => {
            if from == to {
                return Err(format!("linear = [{from}, {to}] needs two different values"));
            }
            Normalise::Linear { from, to }
        }
        (None, Some(steps), None) => {
            if steps.is_empty() {
                return Err("steps is empty".into());
            }
            if steps.windows(2).any(|w| w[0][0] >= w[1][0]) {
                return Err("steps must have strictly ascending breakpoints, e.g. steps = [[0, 10], [10, 40], [20, 80]]".into());
            }
            Normalise::Steps(steps.into_iter().map(|[x, s]| (x, s)).collect())
        }
        (None, None, Some(c)) => {
            if c.is_empty() {
                return Err("categories is empty".into());
            }
            if !matches!(source, Source::Attribute { .. }) {
                return Err("categories apply to source = \"attribute\" only".into());
            }
            Normalise::Categories(c)
        }
        _ => return Err("give exactly one of `linear`, `steps` or `categories` to turn the value into a 0–100 score".into()),
    };
    Ok(Indicator { key: r.key, name: r.name, unit: r.unit, source, normalise, weight: r.weight, line })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const BASE: &str = r#"
id = "D99"
key = "test"
name = "测试"
model_version = "1"
objects = "sites"
geometry = "point"
method = "weighted_index"

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

    #[test]
    fn parses_a_complete_model() {
        let m = parse(BASE).unwrap();
        assert_eq!(m.indicators.len(), 2);
        assert_eq!(m.indicators[1].source, Source::Within { layer: "people".into(), field: None, radius_m: 500.0 });
        assert_eq!(m.indicators[0].line, 10);
        assert_eq!(m.context_layers(), vec!["people"]);
        assert_eq!(m.vetoes[0].level, Level::Major);
    }

    #[test]
    fn weights_must_sum_to_one() {
        let e = parse(&BASE.replace("weight = 0.4", "weight = 0.3")).unwrap_err().to_string();
        assert!(e.contains("sum to 0.9000"), "{e}");
        assert!(e.contains("D99.toml"), "{e}");
    }

    #[test]
    fn unknown_method_lists_the_valid_ones() {
        let e = parse(&BASE.replace("weighted_index", "fuzzy")).unwrap_err().to_string();
        assert!(e.contains("weighted_index"), "{e}");
        assert!(e.contains("line 8"), "{e}");
    }

    #[test]
    fn indicator_errors_name_line_and_key() {
        let e = parse(&BASE.replace("radius_m = 500\n", "")).unwrap_err().to_string();
        assert!(e.contains("line 18: indicator 'b'"), "{e}");
        assert!(e.contains("radius_m"), "{e}");
    }

    #[test]
    fn steps_score_the_last_breakpoint_reached() {
        let n = Normalise::Steps(vec![(0.0, 0.0), (5.0, 50.0), (10.0, 100.0)]);
        assert_eq!(n.score(-1.0), 0.0);
        assert_eq!(n.score(4.99), 0.0);
        assert_eq!(n.score(5.0), 50.0);
        assert_eq!(n.score(1e9), 100.0);
        let l = Normalise::Linear { from: 2000.0, to: 0.0 };
        assert_eq!(l.score(500.0), 75.0);
        assert_eq!(l.score(5000.0), 0.0);
    }
}
