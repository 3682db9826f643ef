//! Model files (`assessment-models/*.toml`): how one domain is scored.
//!
//! A model is parsed in two steps, as ripgrep does with its arguments: serde
//! reads the raw TOML (`Raw*` structs, rejecting unknown keys), then
//! [`Model::from_str`] checks and turns it into typed values, so scoring never
//! sees an inconsistent model. Errors carry the file, the line and the key.
//! `check.rs` then checks a model against the layers of a run.

mod aggregation;
pub mod ahp;
mod condition;
mod describe;
mod fields;
mod geometry;
mod indicator;
mod method;
mod missing;
mod raw;
mod rules;
mod source;
#[cfg(test)]
pub(crate) mod tests;
pub mod words;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use raw::{Doc, RawModel};

pub use aggregation::Aggregate;
pub use condition::{Condition, Literal};
pub use fields::{FieldKind, FieldNote, ObjectField};
pub use geometry::{polygons_of, union, GeomKind};
pub use indicator::{Indicator, Normalise};
pub use method::Method;
pub use missing::{Missing, RawValue};
pub use raw::AggMethod;
pub use rules::{Control, Veto};
pub use source::{Expr, FieldRead, Looks, Reading, Source, Stat, Var};

use crate::error::{Error, Result};
use crate::level::Thresholds;

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
    /// The group the domain is listed under (事故灾难, 自然灾害, 城市运行 …), e.g. in the web map.
    pub group: String,
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
    /// 可能导致的事故类型 (GB 6441 categories), for the 风险清单.
    pub accidents: Vec<String>,
    /// 管控措施 per level, 重大 first; the reports' general measures when absent.
    pub measures: Option<[String; 4]>,
    /// Chinese names (and form values) of fields no indicator names.
    pub fields: std::collections::BTreeMap<String, FieldNote>,
}

impl Model {
    pub fn from_file(file: &Path) -> Result<Model> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| Error::Model { file: file.to_owned(), message: crate::msg::Msg::CannotRead { detail: e.to_string() }.into() })?;
        Model::from_str(file, &text)
    }

    /// Parse and check a model: each section is checked by its own module,
    /// in the order later sections need earlier ones (indicators before the
    /// method and vetoes that name them).
    ///
    /// The demo's D01 model, and how it scores an object (worked in
    /// tests/demo.rs for HC015):
    /// ```
    /// use std::path::Path;
    /// use sise::model::Model;
    /// let file = Path::new("assessment-models/D01_hazardous_chemicals.toml");
    /// let m = Model::from_str(file, include_str!("../../assessment-models/D01_hazardous_chemicals.toml")).unwrap();
    /// assert_eq!((m.id.as_str(), m.name.as_str()), ("D01", "危险化学品"));
    /// assert_eq!(m.weights(), Some(&[0.25, 0.25, 0.30, 0.20][..]));
    /// // 78,719 residents within 1 km fall on the step [60000, 75]; a school 386.94 m away on [300, 40].
    /// assert_eq!(m.indicators[2].normalise.score(78719.0, (0.0, 0.0)), 75.0);
    /// assert_eq!(m.indicators[3].normalise.score(386.94, (0.0, 0.0)), 40.0);
    /// ```
    /// A model with an error is refused, naming the file and what is wrong:
    /// ```
    /// use std::path::Path;
    /// use sise::model::Model;
    /// let e = Model::from_str(Path::new("D99.toml"), "id = \"D99\"").unwrap_err().to_string();
    /// assert!(e.contains("D99.toml"), "{e}");
    /// ```
    pub fn from_str(file: &Path, text: &str) -> Result<Model> {
        let doc = Doc { file, text };
        let raw: RawModel = toml::from_str(text).map_err(|e| doc.err(e.to_string()))?;

        let levels_span = raw.levels.span();
        let thresholds = raw.levels.into_inner();
        thresholds.check().map_err(|m| doc.at(levels_span, crate::msg::located(crate::msg::Place::Section("[levels]"), m)))?;

        let (indicators, weights) = indicator::indicators(&doc, raw.indicators)?;
        let method = method::method(&doc, raw.method, raw.ahp, raw.risk_matrix, raw.lec, &weights, &indicators)?;
        let control = rules::control(&doc, raw.control)?;
        let vetoes = rules::vetoes(&doc, raw.vetoes, &indicators)?;

        let inputs_line = doc.line(raw.inputs.span().start);
        let inputs = raw.inputs.into_inner();
        for ind in &indicators {
            if let Some(layer) = ind.source.layer() {
                if inputs.role_of(layer).is_none() {
                    let m = crate::msg::ModelMistake::LayerNotInInputs { layer: layer.into() };
                    return Err(
                        doc.err(crate::msg::located(crate::msg::Place::Line(ind.line), format!("{} {m}", crate::msg::Place::Indicator(ind.key.clone()))))
                    );
                }
            }
        }
        let aggregate = aggregation::aggregate(&doc, raw.aggregate, &inputs)?;
        let fields = fields::field_notes(&doc, raw.fields)?;
        if raw.accidents.iter().any(|a| a.trim().is_empty()) {
            return Err(doc.err(crate::msg::ModelMistake::AccidentEmpty.into()));
        }

        let model = Model {
            file: file.to_owned(),
            id: raw.id,
            key: raw.key,
            name: raw.name,
            model_version: raw.model_version,
            description: raw.description,
            group: raw.group.unwrap_or_else(|| "其他".to_owned()),
            inputs,
            inputs_line,
            geometry: raw.geometry,
            method,
            indicators,
            control,
            vetoes,
            thresholds,
            aggregate,
            accidents: raw.accidents,
            measures: fields::measures(raw.measures),
            fields,
        };
        fields::check_notes(&doc, &model)?;
        Ok(model)
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
        let mut units: Vec<&str> = self.indicators.iter().filter(|i| i.source.reads_in_unit(layer, field)).filter_map(|i| i.unit.as_deref()).collect();
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
