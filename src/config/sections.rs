//! The run config's optional sections, each with its defaults: `[web]`,
//! `[tables]`, `[publish]`, `[review]`, `[sensitivity]`, `[streets]`
//! and `[report]`.

use crate::msg::{Msg, Wants};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The datum of a web map's base-map tiles: the page draws the data on the
/// same datum, or every object lands hundreds of metres off.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TileDatum {
    /// WGS84 or CGCS2000 (e.g. 天地图, OpenStreetMap): the data as they are.
    #[default]
    Wgs84,
    Cgcs2000,
    /// GCJ-02 (高德, 腾讯 and most Chinese web maps): the data shifted into GCJ-02 for display.
    Gcj02,
}

/// `[web]`: the web map's optional base map. Without one the page draws on a
/// plain background and never touches the network.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WebConfig {
    /// An XYZ tile URL with {z}, {x}, {y} (and optionally {s}), e.g. an intranet tile server.
    pub basemap: Option<String>,
    #[serde(default)]
    pub basemap_datum: TileDatum,
    /// The tiles' copyright line, shown on the map.
    pub basemap_attribution: Option<String>,
}

/// The tables' workbook.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TablesConfig {
    /// The most rows of a table the workbook (评估汇总表.xlsx) holds. A
    /// longer table (a city's 风险清单 has a million objects) keeps its
    /// first rows there, the worst (tables are sorted worst first), and a
    /// note naming its CSV and Parquet files, which hold every row.
    #[serde(default = "default_workbook_rows")]
    pub workbook_rows: usize,
}

impl Default for TablesConfig {
    fn default() -> TablesConfig {
        TablesConfig { workbook_rows: default_workbook_rows() }
    }
}

/// Rows of an Excel sheet less the header and the note.
pub const MAX_SHEET_ROWS: usize = 1_048_576 - 2;

/// A workbook sheet of 100,000 rows opens in seconds; the full 风险清单 of a
/// city (~800 MB of sheet XML) takes Excel minutes and sise 8 s to write.
fn default_workbook_rows() -> usize {
    100_000
}

/// `[publish]`: after a successful run, publish the year into PostGIS as
/// `sise publish` does (also after a run `--if-changed` skipped, so a year
/// whose publish failed is published by the next scheduled run).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PublishConfig {
    /// The database, as libpq finds it: `PG:service=NAME` (pg_service.conf), `PG:host=… dbname=…`, or `PG:` for the PG* variables.
    pub to: String,
    #[serde(default = "default_schema")]
    pub schema: String,
}

fn default_schema() -> String {
    "sise".to_owned()
}

/// `[review]`: the expert review (专家研判) of computed levels.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewConfig {
    /// The adjustments file (CSV, or a workbook's sheet: `sise template`
    /// writes one with drop-downs): per row a domain, an object id, the
    /// final level, the reason, the expert and the date.
    pub adjustments: PathBuf,
    /// The sheet of a workbook; the first sheet when absent.
    pub sheet: Option<String>,
    /// A CSV's text encoding when it is not UTF-8 (e.g. "GBK", as Excel saves a CSV on a Chinese PC).
    pub encoding: Option<String>,
}

/// `[sensitivity]`: how far each model parameter may be off, for the
/// sensitivity analysis (敏感性分析) a run adds when the section is present
/// (`sise sensitivity` runs it with these defaults otherwise). Numeric
/// inputs are perturbed by each indicator's own `uncertainty` (model files).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SensitivityConfig {
    /// Monte Carlo draws; each perturbs every parameter at once.
    #[serde(default = "default_draws")]
    pub draws: usize,
    /// The sampler's seed: the same seed gives the same tables.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Each indicator weight × a factor within ±this share, then renormalised to sum 1.
    #[serde(default = "default_weights")]
    pub weights: f64,
    /// Each AHP judgement moved by up to this many steps of Saaty's 1–9 scale.
    #[serde(default = "default_ahp_steps")]
    pub ahp_steps: usize,
    /// Each level threshold × a factor within ±this share.
    #[serde(default = "default_thresholds")]
    pub thresholds: f64,
    /// The control adjustment's strength (a factor's distance from 1) within ±this share.
    #[serde(default = "default_control")]
    pub control: f64,
    /// An object whose level holds in fewer than this share of draws is 临界 (borderline).
    #[serde(default = "default_critical")]
    pub critical: f64,
}

impl Default for SensitivityConfig {
    fn default() -> SensitivityConfig {
        SensitivityConfig {
            draws: default_draws(),
            seed: default_seed(),
            weights: default_weights(),
            ahp_steps: default_ahp_steps(),
            thresholds: default_thresholds(),
            control: default_control(),
            critical: default_critical(),
        }
    }
}

impl SensitivityConfig {
    /// Every share a fraction below 1, at least one draw.
    pub fn check(&self) -> std::result::Result<(), String> {
        let bad = |key: &str, value: String, wants| Err(Msg::BadSetting { key: format!("sensitivity.{key}"), value, wants }.into());
        for (key, v) in [("weights", self.weights), ("thresholds", self.thresholds), ("control", self.control)] {
            if !(0.0..1.0).contains(&v) {
                return bad(key, v.to_string(), Wants::SpreadShare);
            }
        }
        if !(self.critical > 0.0 && self.critical <= 1.0) {
            return bad("critical", self.critical.to_string(), Wants::DrawShare);
        }
        if self.draws == 0 || self.draws > 100_000 {
            return bad("draws", self.draws.to_string(), Wants::Draws);
        }
        if self.ahp_steps > 8 {
            return bad("ahp_steps", self.ahp_steps.to_string(), Wants::SaatySteps);
        }
        Ok(())
    }
}

// The defaults, and why: 200 draws estimate a share of 0.8 within ±0.06
// (95 %); weights ±20 % and one Saaty step are the spread of expert
// judgements reported for AHP panels; thresholds ±5 % is the rounding of
// published grading tables; control ±25 % the spread between assessors
// grading the same 管控 evidence.
fn default_draws() -> usize {
    200
}
fn default_seed() -> u64 {
    20241
}
fn default_weights() -> f64 {
    0.2
}
fn default_ahp_steps() -> usize {
    1
}
fn default_thresholds() -> f64 {
    0.05
}
fn default_control() -> f64 {
    0.25
}
fn default_critical() -> f64 {
    0.8
}

/// `[streets]`: the 街镇 (the administrative units below the 区) that results
/// are aggregated to.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StreetsConfig {
    /// Name of a `[layers.*]` entry holding the 街镇 polygons.
    pub layer: String,
    pub name_field: String,
    pub code_field: String,
    /// For a run over several districts (a city): the field naming each
    /// 街镇's 区. Adds per-district totals to tables and reports and district
    /// boundaries and names to the maps.
    #[serde(default)]
    pub district_field: Option<String>,
}

/// `[report]`: what the Word reports say on their cover, and whose styles they wear.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ReportConfig {
    /// 评估单位 on the cover; a blank to fill in when absent.
    pub assessor: Option<String>,
    /// 报告日期 on the cover, as written (e.g. "2024年12月"); the run's date when absent.
    pub date: Option<String>,
    /// A .docx whose styles, page size, margins and header/footer the Word reports take (like pandoc's reference-doc).
    pub reference_docx: Option<PathBuf>,
}
