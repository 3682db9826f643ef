//! The one typed reading of every value a model takes from its objects and
//! their context layers: numbers through `value::number` with the units the
//! model declares, category, control-grade and veto text folded by
//! `value::fold`, and each empty value resolved by the `missing` rule of the
//! indicator, control field or veto that reads it. Phase one, phase two,
//! `sise validate` and work units all read through here, so they accept and
//! refuse exactly the same values.

use std::collections::BTreeMap;

use crate::error::{Bad, Result};
use crate::model::{Condition, FieldRead, Indicator, Literal, Missing, Model, RawValue, Reading, Veto};
use crate::msg::{Choice, Gap, Msg, Reader};
use crate::objects::{RowChecks, VectorLayer};
use crate::value::RewriteCounts;

use super::Context;

/// Rows whose value is empty.
pub fn empty_rows<T>(values: &[Option<T>]) -> Vec<usize> {
    super::rows_where(values, Option::is_none)
}

/// Every empty value replaced by `substitute` (what the `missing` rule
/// says it stands for); without one, the empty rows fail the check
/// `unresolved` makes (and stand in as `T::default()` when it rejects them).
fn resolve<T: Clone + Default>(values: Vec<Option<T>>, substitute: Option<T>, unresolved: impl FnOnce(Vec<usize>) -> Result<()>) -> Result<Vec<T>> {
    let empty = empty_rows(&values);
    if substitute.is_none() {
        unresolved(empty)?;
    }
    let x = substitute.unwrap_or_default();
    // Extended, not collected: collected in place, the values would keep
    // `Option<f64>`'s 16 bytes each for the whole run.
    let mut resolved = Vec::with_capacity(values.len());
    resolved.extend(values.into_iter().map(|v| v.unwrap_or_else(|| x.clone())));
    Ok(resolved)
}

/// The check of what `gap` says is missing, where no `missing` rule of `reader` resolves it.
struct Unresolved<'a> {
    gap: Gap,
    reader: Reader,
    options: Vec<Choice>,
    model: &'a Model,
    bad: Bad,
}

impl Unresolved<'_> {
    fn check(self, checks: &RowChecks, layer: &VectorLayer, rows: Vec<usize>) -> Result<()> {
        let model = self.model.file.display().to_string();
        checks.check(layer, self.bad, rows, |_| {
            Msg::EmptyNoRule { gap: self.gap.clone(), reader: self.reader.clone(), options: self.options.clone(), model: model.clone() }.into()
        })
    }
}

/// The `missing` words an indicator may use, for messages: those the model check accepts.
fn options_of(ind: &Indicator) -> Vec<Choice> {
    ind.missing_choices()
}

/// The numbers of an indicator, with its `missing` rule applied to the
/// empty ones (`gap` says what is missing, for the message).
pub fn fill(ind: &Indicator, layer: &VectorLayer, values: Vec<Option<f64>>, gap: Gap, bad: Bad, model: &Model, checks: &RowChecks) -> Result<Vec<f64>> {
    let substitute = match ind.missing_value() {
        Some(RawValue::Number(x)) => Some(x),
        _ => None,
    };
    let unresolved = Unresolved { gap, reader: Reader::Indicator(ind.key.clone()), options: options_of(ind), model, bad };
    resolve(values, substitute, |empty| unresolved.check(checks, layer, empty))
}

/// A numeric field of the objects as indicator `ind` reads it.
pub fn numbers(objects: &VectorLayer, field: &str, model: &Model, checks: &RowChecks) -> Result<Vec<Option<f64>>> {
    objects.numbers(field, &model.units_of(None, field), checks)
}

/// The category of every object for a categorical indicator (folded text).
pub fn categories(ind: &Indicator, objects: &VectorLayer, field: &str, model: &Model, checks: &RowChecks) -> Result<Vec<String>> {
    let substitute = match ind.missing_value() {
        Some(RawValue::Text(worst)) => Some(worst),
        _ => None,
    };
    let gap = Gap::Field(objects.field(field));
    let unresolved = Unresolved { gap, reader: Reader::Indicator(ind.key.clone()), options: options_of(ind), model, bad: Bad::Field };
    resolve(objects.keys(field)?, substitute, |empty| unresolved.check(checks, objects, empty))
}

/// The control factor (管控系数) of every object.
pub fn control_factors(model: &Model, objects: &VectorLayer, checks: &RowChecks) -> Result<Vec<f64>> {
    let Some(c) = &model.control else {
        return Ok(vec![1.0; objects.len()]);
    };
    let resolve_empty = |values: Vec<Option<f64>>| {
        resolve(values, c.missing_factor(), |empty| {
            let options = vec![Choice::Reject, Choice::WorstFactor, Choice::Factor];
            Unresolved { gap: Gap::Field(objects.field(&c.field)), reader: Reader::Control, options, model, bad: Bad::Field }.check(checks, objects, empty)
        })
    };
    match &c.factors {
        Some(table) => {
            let grades = objects.keys(&c.field)?;
            let unknown: Vec<usize> = grades.iter().enumerate().filter(|(_, g)| g.as_ref().is_some_and(|g| !table.contains_key(g))).map(|(i, _)| i).collect();
            checks.check(objects, Bad::Range, unknown, |i| {
                Msg::UnknownCategory {
                    field: objects.field(&c.field),
                    reader: Reader::Control,
                    value: grades[i].clone().unwrap_or_default(),
                    model: model.file.display().to_string(),
                    have: table.keys().cloned().collect(),
                }
                .into()
            })?;
            // A rejected unknown grade stands in as empty.
            resolve_empty(grades.iter().map(|g| g.as_ref().and_then(|g| table.get(g).copied())).collect())
        }
        None => {
            let f = resolve_empty(objects.numbers(&c.field, &[], checks)?)?;
            let bad: Vec<usize> = f.iter().enumerate().filter(|(_, f)| !(f.is_finite() && **f > 0.0)).map(|(i, _)| i).collect();
            checks.check(objects, Bad::Range, bad, |i| Msg::BadControlFactor { field: c.field.clone(), value: f[i] }.into())?;
            Ok(f)
        }
    }
}

/// Whether a veto condition on a field of the objects holds for each
/// object. The field is read as the literal's type: a number literal reads
/// numbers (text that is not one is an error, never "false"), a text literal
/// folded text. Empty values follow the rule's `missing`.
pub fn field_condition(model: &Model, rule: &Veto, cond: &Condition, objects: &VectorLayer, checks: &RowChecks) -> Result<Vec<bool>> {
    let reader = Reader::Veto { line: rule.line, condition: cond.to_string() };
    let resolve = |holds: Vec<Option<bool>>, missing_holds: Option<bool>| {
        resolve(holds, missing_holds, |empty| {
            let options = vec![Choice::Reject, Choice::Zero, Choice::WorstHolds, Choice::Number];
            Unresolved { gap: Gap::Field(objects.field(&cond.name)), reader: reader.clone(), options, model, bad: Bad::Field }.check(checks, objects, empty)
        })
    };
    match &cond.value {
        Literal::Number(_) => {
            let values = numbers(objects, &cond.name, model, checks)?;
            let missing_holds = match rule.missing {
                Missing::Worst => Some(true),
                Missing::Zero => Some(cond.holds_number(0.0)),
                Missing::Value(v) => Some(cond.holds_number(v)),
                Missing::Error | Missing::Reject => None,
            };
            resolve(values.into_iter().map(|v| v.map(|x| cond.holds_number(x))).collect(), missing_holds)
        }
        Literal::Text(_) => {
            let values = objects.keys(&cond.name)?;
            let missing_holds = match rule.missing {
                Missing::Worst => Some(true),
                Missing::Zero => Some(cond.holds_text("")),
                Missing::Value(v) => Some(cond.holds_text(&v.to_string())),
                Missing::Error | Missing::Reject => None,
            };
            resolve(values.iter().map(|v| v.as_deref().map(|x| cond.holds_text(x))).collect(), missing_holds)
        }
    }
}

/// Rows that a `missing = "reject"` rule leaves out of a domain, by layer.
#[derive(Debug, Clone)]
pub struct MissingRejects {
    pub layer: String,
    pub rows: Vec<usize>,
    pub reason: String,
}

/// Every object (and context feature) that a `missing = "reject"` rule of
/// the model leaves out: these never stop a run, with or without --keep-going.
pub fn missing_rejects(model: &Model, objects: &VectorLayer, ctx: &Context) -> Result<Vec<MissingRejects>> {
    let checks = ctx.checks;
    let mut out: Vec<MissingRejects> = Vec::new();
    let model_file = model.file.display().to_string();
    let why = |layer: &VectorLayer, f: &str, reader: Reader| Msg::EmptyRejected { field: layer.field(f), reader, model: model_file.clone() }.to_string();
    // Rows a check has rejected (a value that is no number) are not also empty.
    let mut add = |layer: &VectorLayer, rows: Vec<usize>, reason: String| {
        let rows = checks.fresh(layer, rows);
        if !rows.is_empty() {
            out.push(MissingRejects { layer: layer.name.clone(), rows, reason });
        }
    };
    let text_empty = |field: &str| -> Result<Vec<usize>> { Ok(empty_rows(&objects.keys(field)?)) };
    for ind in model.indicators.iter().filter(|i| i.missing == Missing::Reject) {
        let reason = |f: &str| why(objects, f, Reader::Indicator(ind.key.clone()));
        for read in ind.source.reads(ind.normalise.is_categorical()) {
            match read {
                FieldRead::Object { field, as_: Reading::Category } => add(objects, text_empty(field)?, reason(field)),
                FieldRead::Object { field, as_: Reading::Number | Reading::FormulaNumber } => {
                    add(objects, empty_rows(&numbers(objects, field, model, checks)?), reason(field))
                }
                // Emptiness only: the year range is checked where ages are computed.
                FieldRead::Object { field, as_: Reading::Year } => add(objects, empty_rows(&objects.years(field, i32::MAX, checks)?), reason(field)),
                FieldRead::Context { layer, field } => {
                    if let Some(other) = ctx.vector(layer) {
                        let empty = empty_rows(&other.numbers(field, &model.units_of(Some(layer), field), checks)?);
                        add(other, empty, why(other, field, Reader::Indicator(ind.key.clone())));
                    }
                }
            }
        }
    }
    if let Some(c) = model.control.as_ref().filter(|c| c.missing == Missing::Reject) {
        let reason = why(objects, &c.field, Reader::Control);
        let rows = match c.factors {
            Some(_) => text_empty(&c.field)?,
            None => empty_rows(&objects.numbers(&c.field, &[], checks)?),
        };
        add(objects, rows, reason);
    }
    for rule in model.vetoes.iter().filter(|v| v.missing == Missing::Reject) {
        for cond in rule.when.iter().filter(|c| !model.indicators.iter().any(|i| i.key == c.name)) {
            let reason = why(objects, &cond.name, Reader::Veto { line: rule.line, condition: cond.to_string() });
            let rows = match cond.value {
                Literal::Text(_) => text_empty(&cond.name)?,
                Literal::Number(_) => empty_rows(&numbers(objects, &cond.name, model, checks)?),
            };
            add(objects, rows, reason);
        }
    }
    // One entry per layer and row: the first rule that leaves a row out names it.
    let mut seen: BTreeMap<&str, Vec<bool>> = BTreeMap::new();
    let mut merged: Vec<MissingRejects> = Vec::new();
    for r in &out {
        let n = if r.layer == objects.name { objects.len() } else { ctx.vector(&r.layer).map_or(0, VectorLayer::len) };
        let taken = seen.entry(r.layer.as_str()).or_insert_with(|| vec![false; n]);
        let rows: Vec<usize> = r.rows.iter().copied().filter(|&i| !std::mem::replace(&mut taken[i], true)).collect();
        if !rows.is_empty() {
            merged.push(MissingRejects { layer: r.layer.clone(), rows, reason: r.reason.clone() });
        }
    }
    Ok(merged)
}

/// How often each rewrite was needed to read the numeric fields of the
/// objects that the model reads (field → counts), for the manifest.
pub fn rewrites(model: &Model, objects: &VectorLayer, checks: &RowChecks) -> Result<BTreeMap<String, RewriteCounts>> {
    let mut fields: Vec<&str> = Vec::new();
    // Numeric fields only: a categorical attribute is text, a year field is read as a year.
    for ind in &model.indicators {
        fields.extend(ind.source.reads(ind.normalise.is_categorical()).into_iter().filter_map(|r| match r {
            FieldRead::Object { field, as_: Reading::Number | Reading::FormulaNumber } => Some(field),
            _ => None,
        }));
    }
    if let Some(c) = model.control.as_ref().filter(|c| c.factors.is_none()) {
        fields.push(&c.field);
    }
    let is_indicator = |name: &str| model.indicators.iter().any(|i| i.key == name);
    for rule in &model.vetoes {
        fields.extend(rule.when.iter().filter(|c| matches!(c.value, Literal::Number(_)) && !is_indicator(&c.name)).map(|c| c.name.as_str()));
    }
    if let Some(w) = model.aggregate.weight_by.as_deref().filter(|w| !is_indicator(w)) {
        fields.push(w);
    }
    fields.sort();
    fields.dedup();
    let mut out = BTreeMap::new();
    for f in fields {
        let units = if model.control.as_ref().is_some_and(|c| c.field == f && c.factors.is_none()) { vec![] } else { model.units_of(None, f) };
        let counts = objects.read_numbers(f, &units, checks)?.rewrites;
        if !counts.is_empty() {
            out.insert(f.to_owned(), counts);
        }
    }
    Ok(out)
}
