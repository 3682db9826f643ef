//! Methods: how indicator scores combine into the inherent (固有) risk —
//! weighted index (weights or AHP), risk matrix, LEC — checked against the
//! indicators they name.

use serde::Serialize;
use toml::Spanned;

use super::ahp;
use super::indicator::Indicator;
use super::raw::{judgement, Doc, RawAhp, RawLec, RawMatrix, RawMethod};
use crate::error::Result;
use crate::level::Level;
use crate::msg::{located, MatrixAxis, MethodMistake, ModelMistake, Msg, Place};

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

/// The method section of a model, with its table (`[ahp]`, `[risk_matrix]`
/// or `[lec]`); a table for another method is a mistake.
pub(super) fn method(
    doc: &Doc,
    method: Spanned<RawMethod>,
    ahp: Option<Spanned<RawAhp>>,
    risk_matrix: Option<Spanned<RawMatrix>>,
    lec: Option<Spanned<RawLec>>,
    weights: &[Option<f64>],
    indicators: &[Indicator],
) -> Result<Method> {
    let err = |message: String| doc.err(message);
    let method_span = method.span();
    let (has_ahp, has_matrix, has_lec) = (ahp.is_some(), risk_matrix.is_some(), lec.is_some());
    let method = match method.into_inner() {
        RawMethod::WeightedIndex => weighted_index(doc, method_span, ahp, weights, indicators)?,
        RawMethod::RiskMatrix => risk_matrix_method(doc, method_span, risk_matrix, weights, indicators)?,
        RawMethod::Lec => lec_method(doc, method_span, lec, weights, indicators)?,
    };
    let stray_sections = [
        (has_ahp && !matches!(method, Method::WeightedIndex { .. }), "[ahp]"),
        (has_matrix && !matches!(method, Method::RiskMatrix { .. }), "[risk_matrix]"),
        (has_lec && !matches!(method, Method::Lec { .. }), "[lec]"),
    ];
    for (stray, name) in stray_sections {
        if stray {
            return Err(err(Msg::Method(MethodMistake::StraySection { section: name, method: method.name() }).into()));
        }
    }
    Ok(method)
}

/// The index of the indicator `key`, named by `what` in the message.
fn index_of(indicators: &[Indicator], key: &str, what: &str) -> std::result::Result<usize, String> {
    indicators
        .iter()
        .position(|i| i.key == key)
        .ok_or_else(|| ModelMistake::NotIndicatorKey { what: what.into(), key: key.into(), keys: indicators.iter().map(|i| i.key.clone()).collect() }.into())
}

/// Σ weight × score, with weights given or derived from `[ahp]`.
fn weighted_index(
    doc: &Doc,
    method_span: std::ops::Range<usize>,
    ahp: Option<Spanned<RawAhp>>,
    weights: &[Option<f64>],
    indicators: &[Indicator],
) -> Result<Method> {
    let err = |message: String| doc.err(message);
    let at = |span: std::ops::Range<usize>, m: String| doc.at(span, m);
    let index_of = |key: &str, what: &str| index_of(indicators, key, what);
    let ahp = match ahp {
        Some(a) => {
            let span = a.span();
            let a = a.into_inner();
            let at_ahp = |m: String| at(span.clone(), located(Place::Section("[ahp]"), m));
            if let Some((_, i)) = weights.iter().zip(indicators).find(|(w, _)| w.is_some()) {
                return Err(at_ahp(ModelMistake::AhpWeighted { indicator: i.key.clone() }.into()));
            }
            let order: Vec<usize> = a.order.iter().map(|k| index_of(k, "order")).collect::<std::result::Result<_, _>>().map_err(at_ahp)?;
            let matrix: Vec<Vec<f64>> = a
                .matrix
                .iter()
                .map(|row| row.iter().map(judgement).collect::<std::result::Result<Vec<_>, _>>())
                .collect::<std::result::Result<_, _>>()
                .map_err(at_ahp)?;
            if matrix.len() != order.len() {
                return Err(at_ahp(ModelMistake::AhpOrderRows { order: order.len(), rows: matrix.len() }.into()));
            }
            let mut derived = ahp::derive(&matrix).map_err(at_ahp)?;
            if derived.cr >= 0.1 {
                return Err(at_ahp(ModelMistake::AhpInconsistent { cr: derived.cr, lambda_max: derived.lambda_max }.into()));
            }
            let mut w = vec![0.0; indicators.len()];
            for (k, &i) in order.iter().enumerate() {
                w[i] = derived.weights[k];
            }
            derived.order = order;
            Some((w, derived))
        }
        None => None,
    };
    let (weights, ahp) = match ahp {
        Some((w, a)) => (w, Some(a)),
        None => {
            // Indicators without a weight may still feed formulas and vetoes.
            if weights.iter().all(Option::is_none) {
                return Err(at(method_span, Msg::Method(MethodMistake::NeedsWeights).into()));
            }
            let w: Vec<f64> = weights.iter().map(|w| w.unwrap_or(0.0)).collect();
            let total: f64 = w.iter().sum();
            if (total - 1.0).abs() > 1e-6 {
                let list: Vec<String> = indicators.iter().zip(&w).filter(|(_, w)| **w > 0.0).map(|(i, w)| format!("{} = {w}", i.key)).collect();
                return Err(err(Msg::Method(MethodMistake::WeightsSum { total, weights: list }).into()));
            }
            (w, None)
        }
    };
    Ok(Method::WeightedIndex { weights, ahp })
}

/// L × S classes with a level table, or thresholds on R.
fn risk_matrix_method(
    doc: &Doc,
    method_span: std::ops::Range<usize>,
    risk_matrix: Option<Spanned<RawMatrix>>,
    weights: &[Option<f64>],
    indicators: &[Indicator],
) -> Result<Method> {
    let at = |span: std::ops::Range<usize>, m: String| doc.at(span, m);
    let index_of = |key: &str, what: &str| index_of(indicators, key, what);
    let m = risk_matrix.ok_or_else(|| at(method_span.clone(), Msg::Method(MethodMistake::NeedsTable { method: "risk_matrix" }).into()))?;
    let span = m.span();
    let m = m.into_inner();
    let at_m = |msg: String| at(span.clone(), located(Place::Section("[risk_matrix]"), msg));
    let likelihood = index_of(&m.likelihood, "likelihood").map_err(at_m)?;
    let severity = index_of(&m.severity, "severity").map_err(at_m)?;
    let (table, classes) = match m.table {
        Some(t) => {
            let rows = t.len();
            let cols = t.first().map_or(0, Vec::len);
            if rows < 2 || cols < 2 || t.iter().any(|r| r.len() != cols) {
                return Err(at_m(ModelMistake::MatrixShape { lengths: t.iter().map(Vec::len).collect() }.into()));
            }
            let levels = t
                .iter()
                .map(|r| r.iter().map(|&v| Level::from_number(v).ok_or_else(|| at_m(ModelMistake::MatrixEntry { value: v }.into()))).collect())
                .collect::<Result<Vec<Vec<Level>>>>()?;
            (Some(levels), (rows, cols))
        }
        None => (None, (5, 5)),
    };
    for (idx, n, axis) in [(likelihood, classes.0, MatrixAxis::Likelihood), (severity, classes.1, MatrixAxis::Severity)] {
        let ind = &indicators[idx];
        let ok = ind.normalise.outputs().is_some_and(|o| o.iter().all(|v| v.fract() == 0.0 && *v >= 1.0 && *v <= n as f64));
        if !ok {
            return Err(at_m(ModelMistake::MatrixClasses { axis, indicator: ind.key.clone(), classes: n }.into()));
        }
    }
    if weights.iter().any(Option::is_some) {
        return Err(at(method_span, Msg::Method(MethodMistake::WeightsMeaningless { method: "risk_matrix" }).into()));
    }
    Ok(Method::RiskMatrix { likelihood, severity, classes, table })
}

/// D = L × E × C.
fn lec_method(
    doc: &Doc,
    method_span: std::ops::Range<usize>,
    lec: Option<Spanned<RawLec>>,
    weights: &[Option<f64>],
    indicators: &[Indicator],
) -> Result<Method> {
    let at = |span: std::ops::Range<usize>, m: String| doc.at(span, m);
    let index_of = |key: &str, what: &str| index_of(indicators, key, what);
    let m = lec.ok_or_else(|| at(method_span.clone(), Msg::Method(MethodMistake::NeedsTable { method: "lec" }).into()))?;
    let span = m.span();
    let m = m.into_inner();
    let at_m = |msg: String| at(span.clone(), located(Place::Section("[lec]"), msg));
    let l = index_of(&m.l, "l").map_err(at_m)?;
    let e = index_of(&m.e, "e").map_err(at_m)?;
    let c = index_of(&m.c, "c").map_err(at_m)?;
    if weights.iter().any(Option::is_some) {
        return Err(at(method_span, Msg::Method(MethodMistake::WeightsMeaningless { method: "lec" }).into()));
    }
    Ok(Method::Lec { l, e, c })
}
