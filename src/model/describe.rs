//! A model in words, for `sise models show`: what an assessor needs to
//! check a model without reading TOML.

use std::fmt::Write as _;

use super::words::aggregation_words;
use super::{Method, Model};
use crate::msg::Lang;

/// Text values (categories, control grades, veto strings) are matched
/// trimmed and with full-width forms as half-width, nothing else.
const MATCHING: &str = "Text is matched trimmed, with full-width letters and digits read as half-width; numbers may carry spaces, thousands separators, full-width digits and the declared unit.";

impl Model {
    pub fn describe(&self) -> String {
        let mut s = String::new();
        let w = &mut s;
        let _ = writeln!(w, "{} {} ({}) — model version {}", self.id, self.name, self.key, self.model_version);
        let _ = writeln!(w, "file: {}", self.file.display());
        if let Some(d) = &self.description {
            let _ = writeln!(w, "\n{}", d.trim());
        }
        let _ = writeln!(w, "\nScores each {} of layer '{}'.", self.geometry.name(), self.inputs.objects);
        for (role, layers) in [("exposure", &self.inputs.exposure), ("hazard", &self.inputs.hazard), ("capacity", &self.inputs.capacity)] {
            if !layers.is_empty() {
                let _ = writeln!(w, "  {role} layers: {}", layers.join(", "));
            }
        }
        self.describe_indicators(w);
        self.describe_method(w);
        if let Some(c) = &self.control {
            let factor = c.missing_factor().map(|f| format!(" (factor {f})")).unwrap_or_default();
            let _ = writeln!(w, "  missing control field: {}{factor}", c.missing.words(Lang::En));
        }
        let _ = writeln!(w, "Levels: {}.", self.thresholds.describe(false));
        if self.vetoes.is_empty() {
            let _ = writeln!(w, "Veto rules (一票否决): none.");
        } else {
            let _ = writeln!(w, "Veto rules (一票否决):");
            for v in &self.vetoes {
                let cond: Vec<String> = v.when.iter().map(|c| c.to_string()).collect();
                let _ = writeln!(w, "  when {} → at least {}: {}", cond.join(" and "), v.level.name_zh(), v.reason);
                let missing = match v.missing {
                    super::Missing::Worst => "the condition holds".to_owned(),
                    m => m.words(Lang::En),
                };
                let _ = writeln!(w, "    an empty field: {missing}");
            }
        }
        let _ = writeln!(
            w,
            "Grid cells take the {}; 街镇 take the {}.",
            aggregation_words(self.aggregate.grid, self, Lang::En),
            aggregation_words(self.aggregate.streets, self, Lang::En)
        );
        self.describe_fields(w);
        let _ = writeln!(w, "{MATCHING}");
        s
    }

    /// The fields read from the objects (a collection template's columns) and the 风险清单 wording.
    fn describe_fields(&self, w: &mut String) {
        let _ = writeln!(w, "\nFields of '{}' (the columns of `sise template`):", self.inputs.objects);
        for f in self.object_fields() {
            let values = match &f.kind {
                super::FieldKind::Choice(v) => format!("one of {}", v.join(" / ")),
                super::FieldKind::Number(Some((lo, hi))) => format!("a number, {lo} to {hi}"),
                super::FieldKind::Number(None) => "a number".into(),
                super::FieldKind::Year => "a year".into(),
                super::FieldKind::Text => "text".into(),
            };
            let unit = f.unit.as_deref().map(|u| format!(" [{u}]")).unwrap_or_default();
            let required = if f.required { ", required" } else { "" };
            let _ = writeln!(w, "  {:<22} {}{unit}: {values}{required} — {}", f.key, f.name, f.used_for);
        }
        let accidents = if self.accidents.is_empty() { "not given".to_owned() } else { self.accidents.join("、") };
        let _ = writeln!(w, "可能导致的事故类型: {accidents}.");
        match &self.measures {
            Some(m) => {
                let _ = writeln!(w, "管控措施:");
                for (l, text) in crate::level::Level::ALL.iter().zip(m) {
                    let _ = writeln!(w, "  {}: {text}", l.name_zh());
                }
            }
            None => {
                let _ = writeln!(w, "管控措施: the reports' general measures per level.");
            }
        }
    }

    /// Each indicator: source, scoring, valid values, what a missing value means.
    fn describe_indicators(&self, w: &mut String) {
        let _ = writeln!(w, "\nIndicators:");
        let weights = self.weights();
        for (k, ind) in self.indicators.iter().enumerate() {
            let weight = weights.map(|ws| format!("weight {:.3}", ws[k])).unwrap_or_default();
            let unit = ind.unit.as_deref().map(|u| format!(" [{u}]")).unwrap_or_default();
            let _ = writeln!(w, "  {:<22} {}{unit}  {weight}", ind.key, ind.name);
            let _ = writeln!(w, "  {:<22} from {}", "", ind.source.words(self.geometry, Lang::En));
            let _ = writeln!(w, "  {:<22} scored by {}", "", ind.normalise.words(Lang::En));
            if let Some((lo, hi)) = ind.range {
                let _ = writeln!(w, "  {:<22} valid values {lo} to {hi}", "");
            }
            if ind.source.can_be_missing() {
                let worst = match (ind.missing, ind.worst_value()) {
                    (super::Missing::Worst, Some(super::RawValue::Number(x))) => format!(" ({x})"),
                    (super::Missing::Worst, Some(super::RawValue::Text(t))) => format!(" ('{t}')"),
                    _ => String::new(),
                };
                let _ = writeln!(w, "  {:<22} missing: {}{worst}", "", ind.missing.words(Lang::En));
            }
            if ind.uncertainty > 0.0 {
                let _ = writeln!(w, "  {:<22} uncertainty ±{}% (sise sensitivity)", "", (ind.uncertainty * 100.0).round());
            }
        }
    }

    /// The method and the control adjustment.
    fn describe_method(&self, w: &mut String) {
        let key = |i: usize| self.indicators[i].key.as_str();
        let _ = writeln!(w);
        match &self.method {
            Method::WeightedIndex { ahp: Some(a), .. } => {
                let _ = writeln!(w, "Method: weighted index, Σ weight × score (0–100); weights derived by AHP (λmax = {:.3}, CR = {:.3}).", a.lambda_max, a.cr);
            }
            Method::WeightedIndex { ahp: None, .. } => {
                let _ = writeln!(w, "Method: weighted index, Σ weight × score (0–100).");
            }
            Method::RiskMatrix { likelihood, severity, classes, table } => {
                let _ = writeln!(
                    w,
                    "Method: risk matrix, R = L × S with L = '{}' (1–{}) and S = '{}' (1–{}).",
                    key(*likelihood),
                    classes.0,
                    key(*severity),
                    classes.1
                );
                match table {
                    Some(t) => {
                        let _ = writeln!(w, "  level table (rows L = 1…, columns S = 1…):");
                        for row in t {
                            let _ = writeln!(w, "    {}", row.iter().map(|l| l.name_zh()).collect::<Vec<_>>().join("  "));
                        }
                    }
                    None => {
                        let _ = writeln!(w, "  level from the thresholds on R below.");
                    }
                }
            }
            Method::Lec { l, e, c } => {
                let _ = writeln!(w, "Method: LEC, D = L × E × C with L = '{}', E = '{}', C = '{}'.", key(*l), key(*e), key(*c));
            }
        }
        match &self.control {
            Some(c) => match &c.factors {
                Some(f) => {
                    let _ = writeln!(
                        w,
                        "Control (固有风险 → 现实风险): × factor by field '{}': {}.",
                        c.field,
                        f.iter().map(|(k, v)| format!("{k} × {v}")).collect::<Vec<_>>().join(", ")
                    );
                }
                None => {
                    let _ = writeln!(w, "Control (固有风险 → 现实风险): × the factor in field '{}'.", c.field);
                }
            },
            None => {
                let _ = writeln!(w, "Control: none (realistic = inherent).");
            }
        }
    }
}
