//! Indicators: how a raw value (from its `source::Source`) becomes a score
//! (`Normalise`), and how an `[[indicator]]` entry is checked into one.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use toml::Spanned;

use super::missing::{self, Missing, RawValue};
use super::raw::{Doc, RawIndicator};
use super::source::Source;
use crate::error::Result;
use crate::msg::{located, ModelMistake, Place};

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
    pub(super) fn outputs(&self) -> Option<Vec<f64>> {
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
    /// The raw value's relative uncertainty (±, e.g. 0.1 = ±10 %) that
    /// sensitivity draws perturb it by; 0 for values known exactly (codes,
    /// grades, counts from a register).
    pub uncertainty: f64,
    /// Line of the indicator in its model file, for messages.
    pub line: usize,
}

impl Indicator {
    /// The raw value that scores the highest risk, for `missing = "worst"`;
    /// `None` where the normalisation does not bound it (min–max or the raw
    /// value itself without a declared `range`).
    pub fn worst_value(&self) -> Option<RawValue> {
        worst_of(&self.normalise, self.range)
    }

    /// The `missing` words that fit this indicator: what the model check
    /// accepts and what messages suggest.
    pub fn missing_choices(&self) -> Vec<crate::msg::Choice> {
        self.source.missing_choices(self.normalise.is_categorical(), self.worst_value().is_some())
    }

    /// The raw value a missing one stands for, when the rule gives one.
    pub fn missing_value(&self) -> Option<RawValue> {
        match self.missing {
            Missing::Zero => Some(RawValue::Number(0.0)),
            Missing::Value(v) => Some(RawValue::Number(v)),
            Missing::Worst => self.worst_value(),
            Missing::Error | Missing::Reject => None,
        }
    }
}

/// The raw value that scores the highest risk under `normalise`; `None`
/// where it does not bound it (min–max or the raw value itself without a
/// declared `range`).
fn worst_of(normalise: &Normalise, range: Option<(f64, f64)>) -> Option<RawValue> {
    match normalise {
        Normalise::Categories(c) => {
            // The first of the highest-scoring categories, in the table's (sorted) order.
            let best = c.values().copied().fold(f64::NEG_INFINITY, f64::max);
            c.iter().find(|(_, v)| **v == best).map(|(k, _)| RawValue::Text(k.clone()))
        }
        Normalise::Linear { to, .. } => Some(RawValue::Number(*to)),
        Normalise::Steps(steps) => {
            let best = steps.iter().map(|(_, s)| *s).fold(f64::NEG_INFINITY, f64::max);
            steps.iter().find(|(_, s)| *s == best).map(|(x, _)| RawValue::Number(*x))
        }
        Normalise::MinMax | Normalise::Identity => range.map(|(_, hi)| RawValue::Number(hi)),
    }
}

/// The `[[indicator]]` entries in file order, with the weight each gives (if
/// any); a formula may only use indicators defined before it.
pub(super) fn indicators(doc: &Doc, raw: Vec<Spanned<RawIndicator>>) -> Result<(Vec<Indicator>, Vec<Option<f64>>)> {
    let err = |message: String| doc.err(message);
    let at = |span: std::ops::Range<usize>, m: String| doc.at(span, m);
    // Indicators, in file order; a formula may only use indicators defined before it.
    let mut keys = HashSet::new();
    let mut indicators: Vec<Indicator> = Vec::new();
    let mut weights: Vec<Option<f64>> = Vec::new();
    for spanned in raw {
        let span = spanned.span();
        let ind = spanned.into_inner();
        let key = ind.key.clone();
        let at_ind = |m: String| at(span.clone(), located(Place::Indicator(key.clone()), m));
        if !keys.insert(ind.key.clone()) {
            return Err(at_ind(ModelMistake::DuplicateKey.into()));
        }
        if !ind.key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || ind.key.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(at_ind(ModelMistake::KeyNotColumnName.into()));
        }
        weights.push(ind.weight);
        let line = doc.line(span.start);
        if !super::source::NAMES.contains(&ind.source.get_ref().as_str()) {
            // At the line that names it, as for any other unknown word of the model language.
            return Err(at(ind.source.span(), located(Place::Indicator(key), super::source::unknown(ind.source.get_ref()))));
        }
        indicators.push(resolve_indicator(ind, line, &indicators).map_err(at_ind)?);
    }
    if indicators.is_empty() {
        return Err(err(ModelMistake::NoIndicators.into()));
    }
    for (w, ind) in weights.iter().zip(&indicators) {
        if let Some(w) = w {
            if !(w.is_finite() && *w >= 0.0) {
                let m = located(Place::Indicator(ind.key.clone()), ModelMistake::NegativeWeight { weight: *w });
                return Err(err(located(Place::Line(ind.line), m)));
            }
        }
    }
    Ok((indicators, weights))
}

fn resolve_indicator(r: RawIndicator, line: usize, earlier: &[Indicator]) -> std::result::Result<Indicator, String> {
    let keys: Vec<(&str, bool)> = earlier.iter().map(|i| (i.key.as_str(), i.normalise.is_categorical())).collect();
    let source = Source::parse(&r, &keys)?;
    let normalise = match (r.linear, r.minmax, r.steps, r.categories) {
        (Some([from, to]), None, None, None) => {
            if from == to {
                return Err(ModelMistake::LinearSame { from, to }.into());
            }
            Normalise::Linear { from, to }
        }
        (None, Some(true), None, None) => Normalise::MinMax,
        (None, None, Some(steps), None) => {
            if steps.is_empty() {
                return Err(ModelMistake::StepsEmpty.into());
            }
            if steps.windows(2).any(|w| w[0][0] >= w[1][0]) {
                return Err(ModelMistake::StepsNotAscending.into());
            }
            Normalise::Steps(steps.into_iter().map(|[x, s]| (x, s)).collect())
        }
        (None, None, None, Some(c)) => {
            if c.is_empty() {
                return Err(ModelMistake::CategoriesEmpty.into());
            }
            if !matches!(source, Source::Attribute { .. }) {
                return Err(ModelMistake::CategoriesNotAttribute.into());
            }
            Normalise::Categories(folded_keys(c).map_err(|m| located(Place::Section("categories"), m))?)
        }
        (None, None | Some(false), None, None) => Normalise::Identity,
        _ => return Err(ModelMistake::OneNormalisation.into()),
    };
    let range = match r.range {
        Some([lo, hi]) if lo < hi => Some((lo, hi)),
        Some([lo, hi]) => return Err(ModelMistake::RangeReversed { lo, hi }.into()),
        None => None,
    };
    if range.is_some() && matches!(normalise, Normalise::Categories(_)) {
        return Err(ModelMistake::RangeWithCategories.into());
    }
    let missing = r.missing.map(missing::resolve).transpose()?.unwrap_or(Missing::Error);
    source.check_missing(missing, normalise.is_categorical(), worst_of(&normalise, range).is_some())?;
    let uncertainty = match r.uncertainty {
        Some(u) if matches!(normalise, Normalise::Categories(_)) => return Err(ModelMistake::UncertaintyCategorical { value: u }.into()),
        Some(u) if !(0.0..1.0).contains(&u) => return Err(ModelMistake::UncertaintyShare { value: u }.into()),
        Some(u) => u,
        None => 0.0,
    };
    Ok(Indicator { key: r.key, name: r.name, unit: r.unit, range, source, normalise, missing, uncertainty, line })
}

/// A table's keys folded as the values they match are (trimmed,
/// half-width); two keys that fold to one are a mistake.
pub(super) fn folded_keys(table: BTreeMap<String, f64>) -> std::result::Result<BTreeMap<String, f64>, String> {
    let mut out = BTreeMap::new();
    for (k, v) in table {
        let f = crate::value::fold(&k);
        if f.is_empty() {
            return Err(ModelMistake::EmptyTableKey.into());
        }
        if out.insert(f.clone(), v).is_some() {
            return Err(ModelMistake::KeysFold { folded: f }.into());
        }
    }
    Ok(out)
}
