//! What a model says to the people who collect and read its data: the
//! fields it reads from its objects with their Chinese names and valid values
//! (collection templates, messages), and the 风险清单 wording — the accident
//! types a domain's objects can lead to (可能导致的事故类型) and the control
//! measures per level (管控措施).

use std::collections::BTreeMap;

use serde::Serialize;

use super::raw::{Doc, RawField, RawMeasures};
use super::{FieldRead, Indicator, Literal, Missing, Model, Normalise, Reading};
use crate::error::Result;
use crate::level::Level;

/// A `[fields]` entry, checked.
#[derive(Debug, Clone, Serialize)]
pub struct FieldNote {
    pub name: String,
    pub values: Vec<String>,
    pub unit: Option<String>,
}

/// What a collection form's column may hold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum FieldKind {
    /// One of these texts (a drop-down).
    Choice(Vec<String>),
    /// A number, within the range when the model declares one.
    Number(Option<(f64, f64)>),
    /// A year (e.g. of installation), up to the assessment year.
    Year,
    /// Free text.
    Text,
}

/// A field of the scored objects as a form shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ObjectField {
    /// The model's field name (a column of the objects layer after `fields` mapping).
    pub key: String,
    /// The Chinese name (a form's header, beside the key in messages).
    pub name: String,
    pub unit: Option<String>,
    pub kind: FieldKind,
    /// An empty value stops the run (`missing = "error"`).
    pub required: bool,
    /// What the model uses it for, in Chinese (a template's notes).
    pub used_for: String,
}

/// The `[fields]` section: names of fields no indicator names.
pub(super) fn field_notes(doc: &Doc, raw: BTreeMap<String, RawField>) -> Result<BTreeMap<String, FieldNote>> {
    raw.into_iter()
        .map(|(k, f)| {
            let note = match f {
                RawField::Name(name) => FieldNote { name, values: vec![], unit: None },
                RawField::Full { name, values, unit } => FieldNote { name, values, unit },
            };
            if note.name.trim().is_empty() {
                return Err(doc.err(crate::msg::ModelMistake::FieldNameEmpty { key: k.clone() }.into()));
            }
            Ok((k, note))
        })
        .collect()
}

/// The `[measures]` section in level order (重大 first).
pub(super) fn measures(raw: Option<RawMeasures>) -> Option<[String; 4]> {
    raw.map(|m| [m.red, m.orange, m.yellow, m.blue])
}

impl Model {
    /// Every field the model reads from its objects, in the order the model
    /// uses them: indicators, formula fields, control, veto fields, weights.
    pub fn object_fields(&self) -> Vec<ObjectField> {
        let mut out: Vec<ObjectField> = Vec::new();
        let mut add = |f: ObjectField| {
            if !out.iter().any(|o| o.key == f.key) {
                out.push(f);
            }
        };
        for ind in &self.indicators {
            for read in ind.source.reads(ind.normalise.is_categorical()) {
                let FieldRead::Object { field, as_ } = read else { continue };
                add(match as_ {
                    Reading::Number | Reading::Category => self.attribute_field(field, ind),
                    Reading::Year => self.field(field, FieldKind::Year, ind.missing == Missing::Error, format!("计算指标“{}”", ind.name)),
                    Reading::FormulaNumber => self.field(field, FieldKind::Number(None), true, format!("计算指标“{}”", ind.name)),
                });
            }
        }
        if let Some(c) = &self.control {
            let kind = match &c.factors {
                Some(f) => FieldKind::Choice(ordered(f, |a, b| a.total_cmp(&b))),
                None => FieldKind::Number(None),
            };
            add(self.field(&c.field, kind, c.missing == Missing::Error, "管控等级（固有风险→现实风险）".into()));
        }
        for v in &self.vetoes {
            for c in v.when.iter().filter(|c| !self.indicators.iter().any(|i| i.key == c.name)) {
                let kind = match &c.value {
                    Literal::Number(_) => FieldKind::Number(None),
                    Literal::Text(_) => FieldKind::Text,
                };
                add(self.field(&c.name, kind, v.missing == Missing::Error, format!("一票否决：{}", v.reason)));
            }
        }
        if let Some(w) = &self.aggregate.weight_by {
            if !self.indicators.iter().any(|i| &i.key == w) {
                add(self.field(w, FieldKind::Number(None), true, "汇总权重".into()));
            }
        }
        out
    }

    /// An attribute indicator's field: named and valued as the indicator reads it.
    fn attribute_field(&self, field: &str, ind: &Indicator) -> ObjectField {
        let kind = match &ind.normalise {
            // Worst first, as forms list grades (一级 … 无).
            Normalise::Categories(c) => FieldKind::Choice(ordered(c, |a, b| b.total_cmp(&a))),
            _ => FieldKind::Number(ind.range),
        };
        let mut f = self.field(field, kind, ind.missing == Missing::Error, format!("指标“{}”", ind.name));
        if !self.fields.contains_key(field) {
            f.name = ind.name.clone();
            f.unit = ind.unit.clone();
        }
        f
    }

    /// A field named by `[fields]`, or by its key when the model gives no name.
    fn field(&self, key: &str, kind: FieldKind, required: bool, used_for: String) -> ObjectField {
        let note = self.fields.get(key);
        let kind = match (note.filter(|n| !n.values.is_empty()), kind) {
            (Some(n), FieldKind::Text) => FieldKind::Choice(n.values.clone()),
            (_, k) => k,
        };
        ObjectField {
            key: key.to_owned(),
            name: note.map_or_else(|| key.to_owned(), |n| n.name.clone()),
            unit: note.and_then(|n| n.unit.clone()),
            kind,
            required,
            used_for,
        }
    }

    /// The control measures for objects of `level` (the model's, when it gives them).
    pub fn measure(&self, level: Level) -> Option<&str> {
        self.measures.as_ref().map(|m| m[level.number() as usize - 1].as_str())
    }
}

/// Keys of a table of values, ordered by value (ties by key).
fn ordered(t: &BTreeMap<String, f64>, by: impl Fn(f64, f64) -> std::cmp::Ordering) -> Vec<String> {
    let mut v: Vec<(&String, &f64)> = t.iter().collect();
    v.sort_by(|a, b| by(*a.1, *b.1).then(a.0.cmp(b.0)));
    v.into_iter().map(|(k, _)| k.clone()).collect()
}

/// `[fields]` names only fields the model reads: a typo would name nothing.
pub(super) fn check_notes(doc: &Doc, m: &Model) -> Result<()> {
    let read: Vec<String> = m.object_fields().into_iter().map(|f| f.key).collect();
    for key in m.fields.keys() {
        if !read.contains(key) {
            return Err(doc.err(crate::msg::ModelMistake::FieldNotRead { key: key.clone(), reads: read.clone() }.into()));
        }
    }
    Ok(())
}
