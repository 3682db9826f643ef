//! The run configuration (`assessment.toml`): what district, which year, which
//! layers and which domain models. Parsed into [`RunConfig`] with every path
//! resolved against the config file's folder, so a run does not depend on the
//! directory it is started from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::level::Palette;
use crate::msg::{ConfigMistake, Msg, Wants};

mod regional;
pub use regional::{CapacityFactor, Comprehensive, Count, CountRule, LevelValues, PopulationLayer, Regional, Scale};
mod sections;
pub use sections::{PublishConfig, ReportConfig, ReviewConfig, SensitivityConfig, StreetsConfig, TablesConfig, TileDatum, WebConfig, MAX_SHEET_ROWS};

/// How a layer's coordinates are offset from WGS84, as Chinese web-map POI
/// data often are (火星坐标).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Offset {
    #[default]
    None,
    /// GCJ-02, used by Amap (高德) and Tencent maps.
    Gcj02,
    /// BD-09, used by Baidu maps.
    Bd09,
}

/// One input layer, named in `[layers.NAME]` and referred to by that name in models.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LayerConfig {
    /// Any file GDAL opens: GeoPackage, Shapefile, GeoJSON, FlatGeobuf, CSV, GeoTIFF…
    pub path: PathBuf,
    /// Layer inside a multi-layer file (GeoPackage); the only layer is used when absent.
    pub layer: Option<String>,
    /// Source CRS, overriding (or supplying, for CSV) what the file declares, e.g. "EPSG:4326".
    pub crs: Option<String>,
    /// Coordinate offset to remove before reprojection.
    #[serde(default)]
    pub offset: Offset,
    /// Field holding a stable object id; the GDAL feature id when absent.
    pub id_field: Option<String>,
    /// For CSV and spreadsheets: the columns holding x (longitude) and y
    /// (latitude). A spreadsheet finds 经度/纬度, lon/lat, longitude/latitude
    /// or x/y by itself.
    pub x_field: Option<String>,
    pub y_field: Option<String>,
    /// For a table (.xlsx, .ods, .csv): the row (as Excel numbers it, a CSV's line) holding
    /// the column headers, when title rows sit above it; found by itself
    /// when absent (the first row naming the coordinate columns).
    pub header_row: Option<u32>,
    /// For a table: how many rows the header spans (a group title over
    /// its columns, cells merged). Without it, rows joined to the header by
    /// vertically merged cells are found by themselves.
    pub header_rows: Option<u32>,
    /// Model field names mapped to the file's own columns, e.g.
    /// `{ hazard_class = "主要危险化学品类别", name = "单位名称" }`, so a
    /// file with Chinese headers needs no renaming. `id_field`, `x_field`
    /// and `y_field` name the file's own columns.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// The text encoding of a Shapefile's .dbf, a CSV or a GeoJSON that is
    /// not UTF-8 (e.g. "GBK", "GB18030", "Big5"); such text is refused without it.
    pub encoding: Option<String>,
    /// For a layer of scored objects that covers more than the district (a
    /// city-wide register): leave out the features whose centroid is outside
    /// the district, counting them, instead of stopping the run.
    #[serde(default)]
    pub clip_to_district: bool,
    /// Field holding each feature's id in the file it was first read from,
    /// for formats that number features themselves (`sise prepare-inputs`
    /// writes FlatGeobuf, whose features are numbered in index order): row
    /// order and messages keep the original ids. Not one of the attributes.
    pub fid_field: Option<String>,
}

impl LayerConfig {
    /// Whether the layer is a table in a PostgreSQL/PostGIS database
    /// (`path = "PG:service=census"`, `layer = "schema.table"`), read through GDAL's driver.
    pub fn is_database(&self) -> bool {
        is_database(&self.path)
    }

    /// Whether the file is a spreadsheet workbook.
    pub fn is_sheet(&self) -> bool {
        self.path.extension().and_then(|e| e.to_str()).is_some_and(|e| ["xlsx", "xlsm", "xls", "ods"].contains(&e.to_ascii_lowercase().as_str()))
    }

    /// Whether the file is a table with coordinate columns (a workbook or a
    /// CSV), which sise reads itself (`load::sheet`), not as OGR features.
    pub fn is_table(&self) -> bool {
        self.is_sheet() || self.path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    }

    /// `fields` maps each model name to one column, and no two to the same.
    fn check_fields(&self) -> std::result::Result<(), String> {
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for (model, column) in &self.fields {
            if model.trim().is_empty() || column.trim().is_empty() {
                return Err(ConfigMistake::FieldsEmptyName.into());
            }
            if let Some(other) = seen.insert(column, model) {
                return Err(ConfigMistake::FieldsSameColumn { first: (*other).to_owned(), second: model.clone(), column: column.clone() }.into());
            }
        }
        if self.header_row == Some(0) {
            return Err(ConfigMistake::HeaderRowZero.into());
        }
        if self.header_rows == Some(0) {
            return Err(ConfigMistake::HeaderRowsZero.into());
        }
        if (self.header_row.is_some() || self.header_rows.is_some()) && !self.is_table() {
            return Err(ConfigMistake::HeaderNotTable.into());
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    district: String,
    district_code: Option<String>,
    cycle: String,
    year: i32,
    #[serde(default = "default_crs")]
    working_crs: String,
    #[serde(default = "default_cell")]
    grid_cell_m: f64,
    /// `[streets]`; `[admin_units]` in older configs.
    #[serde(alias = "admin_units")]
    streets: StreetsConfig,
    #[serde(default)]
    comprehensive: toml::Table,
    #[serde(default)]
    colours: Palette,
    map_source: Option<String>,
    report_templates: Option<PathBuf>,
    #[serde(default)]
    report: ReportConfig,
    #[serde(default)]
    repair_invalid_geometry: bool,
    #[serde(default = "default_outside")]
    outside_tolerance_m: f64,
    #[serde(default = "default_margin")]
    context_margin_m: f64,
    layers: BTreeMap<String, LayerConfig>,
    domains: Vec<PathBuf>,
    #[serde(default)]
    web: WebConfig,
    #[serde(default)]
    tables: TablesConfig,
    review: Option<ReviewConfig>,
    sensitivity: Option<SensitivityConfig>,
    publish: Option<PublishConfig>,
}

fn default_crs() -> String {
    "EPSG:4549".to_owned()
}

fn default_cell() -> f64 {
    250.0
}

fn default_outside() -> f64 {
    100.0
}

fn default_margin() -> f64 {
    5000.0
}

/// Whether a layer path names a database (GDAL's `PG:` connection) rather than a file.
pub fn is_database(path: &Path) -> bool {
    path.to_string_lossy().starts_with("PG:")
}

/// Whether a connection string carries a password (which belongs in
/// ~/.pgpass, PGPASSFILE or a service file, never in a config that is
/// hashed, copied and shown in messages).
pub fn has_password(conn: &str) -> bool {
    let c = conn.to_ascii_lowercase();
    let uri_password = c.split_once("://").and_then(|(_, rest)| rest.split_once('@')).is_some_and(|(user, _)| user.contains(':'));
    c.split_whitespace().any(|w| w.trim_start_matches("pg:").starts_with("password")) || uri_password || c.contains("password=")
}

fn no_password_here(what: &str) -> String {
    ConfigMistake::Password { what: what.into() }.into()
}

/// A validated run configuration with absolute paths.
#[derive(Debug, Clone, Serialize)]
pub struct RunConfig {
    /// The config file itself.
    pub file: PathBuf,
    pub district: String,
    pub district_code: Option<String>,
    /// The three-year assessment cycle, e.g. "2024-2026".
    pub cycle: String,
    pub year: i32,
    /// Working CRS every layer is reprojected to; distances and areas are in its unit (metres).
    pub working_crs: String,
    /// Side of a grid cell in metres.
    pub grid_cell_m: f64,
    pub streets: StreetsConfig,
    pub comprehensive: Comprehensive,
    /// Colours of the four levels in every output.
    pub colours: Palette,
    /// The data source line printed under map images; the input file names when absent.
    pub map_source: Option<String>,
    /// A folder with edited copies of the report templates (domain.html.j2, comprehensive.html.j2, style.css).
    pub report_templates: Option<PathBuf>,
    /// The Word reports' cover and styles.
    pub report: ReportConfig,
    /// Repair invalid polygons with GDAL's MakeValid instead of rejecting them.
    pub repair_invalid_geometry: bool,
    /// How far (m) outside the district (its 街镇 polygons) the centroid of a
    /// scored object may lie and still count as the district's: boundary
    /// data from different sources differ a little.
    pub outside_tolerance_m: f64,
    /// How far (m) beyond the district's bounding box a feature of a context
    /// layer (exposure, hazard, capacity) may lie before it is taken for a
    /// CRS or offset error; nearer ones are read, since objects near the
    /// boundary need them.
    pub context_margin_m: f64,
    pub layers: BTreeMap<String, LayerConfig>,
    /// The web map's base map, if any.
    pub web: WebConfig,
    pub tables: TablesConfig,
    /// The expert review's adjustments, applied after scoring and before aggregation.
    pub review: Option<ReviewConfig>,
    /// The sensitivity analysis, when the run does one.
    pub sensitivity: Option<SensitivityConfig>,
    /// Where a successful run publishes its year, if anywhere.
    pub publish: Option<PublishConfig>,
    /// Model files, in the order given; a folder in `domains` stands for its `*.toml` files, by name.
    pub domains: Vec<PathBuf>,
}

/// The file names of the domain and comprehensive report templates in a `report_templates` folder.
pub const REPORT_TEMPLATES: [&str; 3] = ["domain.html.j2", "comprehensive.html.j2", "style.css"];

impl RunConfig {
    /// The files a run's reports are made from besides the assessment (the
    /// edited templates, the reference .docx): inputs, like the layers.
    pub fn report_files(&self) -> Vec<PathBuf> {
        let templates = self.report_templates.iter().flat_map(|d| REPORT_TEMPLATES.map(|n| d.join(n)));
        templates.chain(self.report.reference_docx.clone()).collect()
    }

    pub fn from_file(file: &Path) -> Result<RunConfig> {
        let text =
            std::fs::read_to_string(file).map_err(|e| Error::Config { file: file.to_owned(), message: Msg::CannotRead { detail: e.to_string() }.into() })?;
        RunConfig::from_str(file, &text)
    }

    /// Parse config text; `file` names it in messages and anchors relative paths.
    pub fn from_str(file: &Path, text: &str) -> Result<RunConfig> {
        let err = |message: String| Error::Config { file: file.to_owned(), message };
        let raw: RawConfig = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        let base = file.parent().unwrap_or(Path::new("."));
        let resolve = |p: &Path| if p.is_absolute() { p.to_owned() } else { base.join(p) };

        let comprehensive = check(&raw, file)?;
        let layers = raw
            .layers
            .into_iter()
            .map(|(name, mut l)| {
                if !l.is_database() {
                    l.path = resolve(&l.path);
                }
                (name, l)
            })
            .collect();
        Ok(RunConfig {
            file: file.to_owned(),
            district: raw.district,
            district_code: raw.district_code,
            cycle: raw.cycle,
            year: raw.year,
            working_crs: raw.working_crs,
            grid_cell_m: raw.grid_cell_m,
            streets: raw.streets,
            comprehensive,
            colours: raw.colours,
            map_source: raw.map_source,
            report_templates: raw.report_templates.as_deref().map(&resolve),
            report: ReportConfig { reference_docx: raw.report.reference_docx.as_deref().map(&resolve), ..raw.report },
            repair_invalid_geometry: raw.repair_invalid_geometry,
            outside_tolerance_m: raw.outside_tolerance_m,
            context_margin_m: raw.context_margin_m,
            layers,
            web: raw.web,
            tables: raw.tables,
            review: raw.review.map(|r| ReviewConfig { adjustments: resolve(&r.adjustments), ..r }),
            sensitivity: raw.sensitivity,
            publish: raw.publish,
            domains: expand_paths(&raw.domains.iter().map(|p| resolve(p)).collect::<Vec<_>>())
                .map_err(|e| err(ConfigMistake::CannotListDomains { detail: e.to_string() }.into()))?,
        })
    }
}

/// The settings of a config as written that no other part checks, each
/// refused with the key at fault; its `[comprehensive]` section checked.
fn check(raw: &RawConfig, file: &Path) -> Result<Comprehensive> {
    let err = |message: String| Error::Config { file: file.to_owned(), message };
    if raw.cycle.is_empty() || raw.cycle.contains(['/', '\\']) || raw.cycle.starts_with('.') {
        return Err(err(Msg::BadSetting { key: "cycle".into(), value: format!("\"{}\"", raw.cycle), wants: Wants::CycleName }.into()));
    }
    if let Some(s) = &raw.sensitivity {
        s.check().map_err(err)?;
    }
    for (key, v) in [("outside_tolerance_m", raw.outside_tolerance_m), ("context_margin_m", raw.context_margin_m)] {
        if !(v.is_finite() && v >= 0.0) {
            return Err(err(Msg::BadSetting { key: key.into(), value: v.to_string(), wants: Wants::Metres }.into()));
        }
    }
    if !(raw.grid_cell_m.is_finite() && raw.grid_cell_m > 0.0) {
        return Err(err(Msg::BadSetting { key: "grid_cell_m".into(), value: raw.grid_cell_m.to_string(), wants: Wants::PositiveMetres }.into()));
    }
    if !raw.layers.contains_key(&raw.streets.layer) {
        let (name, have) = (raw.streets.layer.clone(), raw.layers.keys().cloned().collect());
        return Err(err(Msg::NotALayer { key: "streets.layer".into(), name, config: file.display().to_string(), have }.into()));
    }
    let comprehensive = Comprehensive::from_table(raw.comprehensive.clone()).map_err(err)?;
    if let Some(l) = comprehensive.layers().into_iter().find(|l| !raw.layers.contains_key(*l)) {
        let have = raw.layers.keys().cloned().collect();
        return Err(err(Msg::NotALayer { key: "comprehensive".into(), name: l.to_owned(), config: file.display().to_string(), have }.into()));
    }
    raw.colours.check().map_err(err)?;
    if raw.domains.is_empty() {
        return Err(err(Msg::BadSetting { key: "domains".into(), value: "[]".into(), wants: Wants::SomeModels }.into()));
    }
    if let Some(url) = &raw.web.basemap {
        if !["{x}", "{y}", "{z}"].iter().all(|k| url.contains(k)) {
            return Err(err(Msg::BadSetting { key: "[web] basemap".into(), value: format!("\"{url}\""), wants: Wants::TileUrl }.into()));
        }
    }
    if !(1..=MAX_SHEET_ROWS).contains(&raw.tables.workbook_rows) {
        let wants = Wants::SheetRows { max: MAX_SHEET_ROWS as u32 };
        return Err(err(Msg::BadSetting { key: "[tables] workbook_rows".into(), value: raw.tables.workbook_rows.to_string(), wants }.into()));
    }
    for (name, l) in &raw.layers {
        l.check_fields().map_err(|m| err(crate::msg::located(format!("[layers.{name}]"), m)))?;
        if l.is_database() && has_password(&l.path.to_string_lossy()) {
            return Err(err(no_password_here(&format!("[layers.{name}] path"))));
        }
    }
    if raw.publish.as_ref().is_some_and(|p| has_password(&p.to)) {
        return Err(err(no_password_here("[publish] to")));
    }
    Ok(comprehensive)
}

/// Model files to run: files as given; a folder contributes every `*.toml` in it, sorted by name.
pub fn expand_paths(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> =
                std::fs::read_dir(p)?.filter_map(|e| e.ok().map(|e| e.path())).filter(|f| f.extension().is_some_and(|e| e == "toml")).collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<RunConfig> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("assessment.toml");
        std::fs::write(&file, text).unwrap();
        RunConfig::from_file(&file)
    }

    const MINIMAL: &str = r#"
district = "普陀区"
cycle = "2024-2026"
year = 2024
domains = ["m.toml"]
[streets]
layer = "streets"
name_field = "name"
code_field = "code"
[layers.streets]
path = "streets.geojson"
"#;

    #[test]
    fn passwords_are_found_in_connection_strings() {
        assert!(has_password("PG:host=db password=x"));
        assert!(has_password("PG:password='a b' host=db"));
        assert!(has_password("postgresql://sise:pw@db/risk"));
        assert!(has_password("postgresql://db/risk?password=pw"));
        assert!(!has_password("PG:service=risk"));
        assert!(!has_password("postgresql://db:5432/risk"));
        assert!(!has_password("postgresql://sise@db:5432/risk"));
    }

    #[test]
    fn defaults_and_relative_paths() {
        let c = parse(MINIMAL).unwrap();
        assert_eq!(c.working_crs, "EPSG:4549");
        assert_eq!(c.grid_cell_m, 250.0);
        assert_eq!(c.comprehensive, Comprehensive::default());
        assert!(c.layers["streets"].path.is_absolute());
        assert!(c.domains[0].ends_with("m.toml"));
    }

    #[test]
    fn unknown_key_is_reported_with_its_line() {
        let e = parse(&format!("{MINIMAL}\ncell_size = 100\n")).unwrap_err().to_string();
        assert!(e.contains("cell_size"), "{e}");
        assert!(e.contains("line"), "{e}");
    }

    #[test]
    fn streets_layer_must_exist() {
        let e = parse(&MINIMAL.replace("layer = \"streets\"", "layer = \"jiezhen\"")).unwrap_err();
        assert!(e.to_string().contains("streets.layer = 'jiezhen' is not a [layers.*] entry"), "{e}");
    }

    #[test]
    fn admin_units_is_the_older_name_of_streets() {
        let older = parse(&MINIMAL.replace("[streets]", "[admin_units]")).unwrap();
        assert_eq!((older.streets.layer.as_str(), older.streets.code_field.as_str()), ("streets", "code"));
        let both = format!("{MINIMAL}[admin_units]\nlayer = \"streets\"\nname_field = \"name\"\ncode_field = \"code\"\n");
        let e = parse(&both).unwrap_err().to_string();
        assert!(e.contains("streets"), "{e}");
    }
}
