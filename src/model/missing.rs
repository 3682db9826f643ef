//! What a missing value means. Every indicator, control field and veto rule
//! that reads a value says it with `missing = …`; the default is "error",
//! so an empty cell is never silently read as 0 or as "no risk".

use serde::Serialize;

use super::raw::RawMissing;
use crate::msg::Lang;

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
    /// What the rule does: in English for `sise models show`, in Chinese
    /// for the reports' 缺值 column.
    pub fn words(self, lang: Lang) -> String {
        match self {
            Missing::Error => lang.pick("stop with an error (--keep-going rejects the object)".into(), "报错".into()),
            Missing::Reject => lang.pick("leave the object out, listed in rejects.csv".into(), "不参评".into()),
            Missing::Zero => lang.pick("count as 0".into(), "按 0 计".into()),
            Missing::Worst => lang.pick("count as the worst value".into(), "按最不利值".into()),
            Missing::Value(v) => lang.pick(format!("count as {v}"), format!("按 {v} 计")),
        }
    }
}

/// `missing` as written, checked.
pub(super) fn resolve(raw: RawMissing) -> Result<Missing, String> {
    match raw {
        RawMissing::Number(v) if v.is_finite() => Ok(Missing::Value(v)),
        RawMissing::Number(v) => Err(crate::msg::ModelMistake::MissingNotFinite { value: v }.into()),
        RawMissing::Word(w) => match w.as_str() {
            "error" => Ok(Missing::Error),
            "reject" => Ok(Missing::Reject),
            "zero" => Ok(Missing::Zero),
            "worst" => Ok(Missing::Worst),
            other => Err(crate::msg::ModelMistake::MissingWord { word: other.into() }.into()),
        },
    }
}

/// A raw value an indicator can hold: a number, or a category.
#[derive(Debug, Clone, PartialEq)]
pub enum RawValue {
    Number(f64),
    Text(String),
}
