//! What a missing value means. Every indicator, control field and veto rule
//! that reads a value says it with `missing = …`; the default is "error",
//! so an empty cell is never silently read as 0 or as "no risk".

use serde::{Deserialize, Serialize};

use super::{Indicator, Normalise};

/// The `missing` key of an indicator, `[control]` or `[[veto]]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// Stop the run naming the features (class 12); `--keep-going` rejects them.
    Error,
    /// Leave the object out of the domain and list it in rejects.csv; the run goes on.
    Reject,
    /// The value counts as 0.
    Zero,
    /// The value counts as the one that scores the highest risk (a veto's condition holds).
    Worst,
    /// The value counts as this number.
    Value(f64),
}

impl Missing {
    /// The words of the model language, for messages and `sise models show`.
    pub fn describe(self) -> String {
        match self {
            Missing::Error => "stop with an error (--keep-going rejects the object)".into(),
            Missing::Reject => "leave the object out, listed in rejects.csv".into(),
            Missing::Zero => "count as 0".into(),
            Missing::Worst => "count as the worst value".into(),
            Missing::Value(v) => format!("count as {v}"),
        }
    }

    /// The same in Chinese, for the reports' 缺值 column.
    pub fn describe_zh(self) -> String {
        match self {
            Missing::Error => "报错".into(),
            Missing::Reject => "不参评".into(),
            Missing::Zero => "按 0 计".into(),
            Missing::Worst => "按最不利值".into(),
            Missing::Value(v) => format!("按 {v} 计"),
        }
    }
}

/// `missing` as written: a word or a number.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(super) enum RawMissing {
    Number(f64),
    Word(String),
}

impl RawMissing {
    pub(super) fn resolve(self) -> Result<Missing, String> {
        match self {
            RawMissing::Number(v) if v.is_finite() => Ok(Missing::Value(v)),
            RawMissing::Number(v) => Err(format!("missing = {v} is not a finite number")),
            RawMissing::Word(w) => match w.as_str() {
                "error" => Ok(Missing::Error),
                "reject" => Ok(Missing::Reject),
                "zero" => Ok(Missing::Zero),
                "worst" => Ok(Missing::Worst),
                other => Err(format!("missing = \"{other}\": write \"error\", \"reject\", \"zero\", \"worst\" or a number")),
            },
        }
    }
}

/// A raw value an indicator can hold: a number, or a category.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    Number(f64),
    Text(String),
}

impl Indicator {
    /// The raw value that scores the highest risk, for `missing = "worst"`;
    /// `None` where the normalisation does not bound it (min–max or the raw
    /// value itself without a declared `range`).
    pub fn worst_value(&self) -> Option<RawValue> {
        match &self.normalise {
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
            Normalise::MinMax | Normalise::Identity => self.range.map(|(_, hi)| RawValue::Number(hi)),
        }
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
