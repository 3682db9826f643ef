//! The model file as written: serde structs that reject unknown keys, read
//! before any checking (the first of the two parsing steps, as ripgrep does
//! with its arguments), and `Doc`, which names file and line in messages.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::{GeomKind, Inputs};
use crate::error::Error;
use crate::level::Thresholds;

/// A model file's text, for messages that name the file and the line.
pub(super) struct Doc<'a> {
    pub file: &'a Path,
    pub text: &'a str,
}

impl Doc<'_> {
    pub fn err(&self, message: String) -> Error {
        Error::Model { file: self.file.to_owned(), message }
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())].bytes().filter(|&b| b == b'\n').count() + 1
    }

    pub fn at(&self, span: Range<usize>, message: String) -> Error {
        self.err(crate::msg::located(crate::msg::Place::Line(self.line(span.start)), message))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawModel {
    pub id: String,
    pub key: String,
    pub name: String,
    pub model_version: String,
    pub description: Option<String>,
    pub group: Option<String>,
    pub geometry: GeomKind,
    pub method: Spanned<RawMethod>,
    pub inputs: Spanned<Inputs>,
    #[serde(rename = "indicator")]
    pub indicators: Vec<Spanned<RawIndicator>>,
    pub ahp: Option<Spanned<RawAhp>>,
    pub risk_matrix: Option<Spanned<RawMatrix>>,
    pub lec: Option<Spanned<RawLec>>,
    pub control: Option<RawControl>,
    #[serde(default, rename = "veto")]
    pub vetoes: Vec<Spanned<RawVeto>>,
    pub levels: Spanned<Thresholds>,
    pub aggregate: Spanned<RawAggregate>,
    /// 可能导致的事故类型, for the 风险清单.
    #[serde(default)]
    pub accidents: Vec<String>,
    pub measures: Option<RawMeasures>,
    #[serde(default)]
    pub fields: BTreeMap<String, RawField>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub(super) enum RawMethod {
    WeightedIndex,
    RiskMatrix,
    Lec,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawIndicator {
    pub key: String,
    pub name: String,
    pub unit: Option<String>,
    /// Parsed with its keys by `Source::parse`, where every source is.
    pub source: Spanned<String>,
    pub weight: Option<f64>,
    pub range: Option<[f64; 2]>,
    pub field: Option<String>,
    pub layer: Option<String>,
    pub radius_m: Option<f64>,
    pub missing: Option<RawMissing>,
    pub expr: Option<String>,
    pub stat: Option<Stat>,
    pub linear: Option<[f64; 2]>,
    pub minmax: Option<bool>,
    pub steps: Option<Vec<[f64; 2]>>,
    pub categories: Option<BTreeMap<String, f64>>,
    pub uncertainty: Option<f64>,
}

/// An AHP matrix entry: a number, or a fraction written as text ("1/3").
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum Judgement {
    Number(f64),
    Text(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAhp {
    pub order: Vec<String>,
    pub matrix: Vec<Vec<Judgement>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMatrix {
    pub likelihood: String,
    pub severity: String,
    pub table: Option<Vec<Vec<i64>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLec {
    pub l: String,
    pub e: String,
    pub c: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawControl {
    pub field: String,
    pub factors: Option<BTreeMap<String, f64>>,
    #[serde(default)]
    pub direct: bool,
    pub missing: Option<RawMissing>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawVeto {
    pub when: String,
    pub level: i64,
    pub reason: String,
    pub missing: Option<RawMissing>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAggregate {
    pub grid: AggMethod,
    /// How a 街镇 (and the district) combines its objects; `admin` is its older name.
    #[serde(alias = "admin")]
    pub streets: AggMethod,
    pub weight_by: Option<String>,
    pub density_of: Option<String>,
    pub density_levels: Option<Thresholds>,
}

/// An AHP judgement as a number.
pub(super) fn judgement(j: &Judgement) -> std::result::Result<f64, String> {
    match j {
        Judgement::Number(n) => Ok(*n),
        Judgement::Text(t) => {
            let bad = || String::from(crate::msg::ModelMistake::Judgement { text: t.clone() });
            match t.split_once('/') {
                Some((a, b)) => Ok(a.trim().parse::<f64>().map_err(|_| bad())? / b.trim().parse::<f64>().map_err(|_| bad())?),
                None => t.trim().parse().map_err(|_| bad()),
            }
        }
    }
}

// The words of the model language that are values too: read as written, used as they are.

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

/// `missing` as written: a word or a number.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(super) enum RawMissing {
    Number(f64),
    Word(String),
}

/// `[fields]` entries as written: a Chinese name, or a name with the values
/// a form should offer and a unit.
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum RawField {
    Name(String),
    Full {
        name: String,
        #[serde(default)]
        values: Vec<String>,
        unit: Option<String>,
    },
}

/// `[measures]` as written: one text per level.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMeasures {
    pub red: String,
    pub orange: String,
    pub yellow: String,
    pub blue: String,
}
