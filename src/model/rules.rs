//! Rules after the method: the control adjustment (管控, 固有风险 →
//! 现实风险) and one-vote vetoes (一票否决), each with its `missing` rule.

use std::collections::BTreeMap;

use serde::Serialize;
use toml::Spanned;

use super::indicator::{folded_keys, Indicator};
use super::missing::{self, Missing};
use super::raw::{Doc, RawControl, RawVeto};
use super::{Condition, Literal};
use crate::error::Result;
use crate::level::Level;
use crate::msg::{Msg, RuleMistake};

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

/// The `[control]` section, if any.
pub(super) fn control(doc: &Doc, raw: Option<RawControl>) -> Result<Option<Control>> {
    let err = |message: String| doc.err(message);
    Ok(match raw {
        Some(c) => {
            let factors = match (c.factors, c.direct) {
                (Some(f), false) => {
                    if f.is_empty() {
                        return Err(err(Msg::Rule(RuleMistake::FactorsEmpty).into()));
                    }
                    if let Some((k, v)) = f.iter().find(|(_, v)| !(v.is_finite() && **v > 0.0)) {
                        return Err(err(Msg::Rule(RuleMistake::FactorNotPositive { key: k.clone(), value: *v }).into()));
                    }
                    Some(folded_keys(f).map_err(|m| err(format!("[control] factors: {m}")))?)
                }
                (None, true) => None,
                _ => return Err(err(Msg::Rule(RuleMistake::NoFactors).into())),
            };
            let missing = c.missing.map(missing::resolve).transpose().map_err(|m| err(format!("[control] {m}")))?.unwrap_or(Missing::Error);
            match missing {
                Missing::Zero => return Err(err(Msg::Rule(RuleMistake::MissingZero).into())),
                Missing::Worst if factors.is_none() => return Err(err(Msg::Rule(RuleMistake::WorstWithoutTable).into())),
                Missing::Value(v) if !(v.is_finite() && v > 0.0) => return Err(err(Msg::Rule(RuleMistake::MissingNotPositive { value: v }).into())),
                _ => {}
            }
            Some(Control { field: c.field, factors, missing })
        }
        None => None,
    })
}

/// The `[[veto]]` rules, typed against the indicators they name.
pub(super) fn vetoes(doc: &Doc, raw: Vec<Spanned<RawVeto>>, indicators: &[Indicator]) -> Result<Vec<Veto>> {
    let at = |span: std::ops::Range<usize>, m: String| doc.at(span, m);
    let mut vetoes = Vec::new();
    for spanned in raw {
        let span = spanned.span();
        let v = spanned.into_inner();
        let at_v = |m: String| at(span.clone(), format!("[[veto]]: {m}"));
        let when = v.when.split("&&").map(Condition::parse).collect::<std::result::Result<Vec<_>, _>>().map_err(at_v)?;
        // A condition on an indicator compares values of the indicator's own type.
        for c in &when {
            if let Some(ind) = indicators.iter().find(|i| i.key == c.name) {
                let numeric = match (&c.value, ind.normalise.is_categorical()) {
                    (Literal::Number(_), true) => false,
                    (Literal::Text(_), false) => true,
                    _ => continue,
                };
                let mistake = RuleMistake::Compares { condition: c.to_string(), indicator: ind.key.clone(), numeric };
                return Err(at(span.clone(), Msg::Rule(mistake).into()));
            }
        }
        let level = Level::from_number(v.level).ok_or_else(|| at(span.clone(), Msg::Rule(RuleMistake::Level { value: v.level }).into()))?;
        if v.reason.trim().is_empty() {
            return Err(at(span.clone(), Msg::Rule(RuleMistake::ReasonEmpty).into()));
        }
        let missing = v.missing.map(missing::resolve).transpose().map_err(at_v)?.unwrap_or(Missing::Error);
        vetoes.push(Veto { when, level, reason: v.reason, missing, line: doc.line(span.start) });
    }
    Ok(vetoes)
}
