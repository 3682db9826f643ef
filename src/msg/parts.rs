//! The parts messages share: where (a field, a feature or row, a place in
//! a model file, what an error is about), what (a gap, a rewrite, a layer's
//! kind, what a setting wants, why objects lie outside) and small helpers.

use std::fmt;

use super::{lang, Lang};

/// A field as messages name it: its key, and its Chinese name where the
/// model gives one ("field 'hazard_class' (主要危险化学品类别)", "字段“主要危险化学品类别”（hazard_class）").
#[derive(Debug, Clone)]
pub struct Field {
    pub key: String,
    pub name: Option<String>,
}

impl Field {
    pub fn new(key: &str, name: Option<&str>) -> Field {
        Field { key: key.to_owned(), name: name.filter(|n| *n != key).map(str::to_owned) }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (lang(), &self.name) {
            (Lang::En, None) => write!(f, "field '{}'", self.key),
            (Lang::En, Some(n)) => write!(f, "field '{}' ({n})", self.key),
            (Lang::Zh, None) => write!(f, "字段“{}”", self.key),
            (Lang::Zh, Some(n)) => write!(f, "字段“{n}”（{}）", self.key),
        }
    }
}

/// Where in a layer: a feature (FID and id) or a spreadsheet row.
#[derive(Debug, Clone)]
pub enum At {
    Feature {
        fid: i64,
        id: String,
    },
    /// A feature named by its id only (after loading, rows are ids).
    Id(String),
    /// A row of a sheet (its Excel row) or, `sheet` None, a CSV's line.
    Row {
        sheet: Option<String>,
        row: i64,
        id: String,
    },
    /// A row of a table filled by hand (a CSV's line, a workbook sheet's row).
    TableRow {
        sheet: Option<String>,
        row: u32,
    },
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (lang(), self) {
            (Lang::En, At::Feature { fid, id }) if id.is_empty() => write!(f, "feature {fid} (no id)"),
            (Lang::En, At::Feature { fid, id }) => write!(f, "feature {fid} (id '{id}')"),
            (Lang::En, At::Id(id)) => write!(f, "feature id '{id}'"),
            (Lang::En, At::Row { sheet, row, id }) if id.is_empty() => write!(f, "{} (no id)", At::TableRow { sheet: sheet.clone(), row: *row as u32 }),
            (Lang::En, At::Row { sheet, row, id }) => write!(f, "{} (id '{id}')", At::TableRow { sheet: sheet.clone(), row: *row as u32 }),
            (Lang::Zh, At::Feature { fid, id }) if id.is_empty() => write!(f, "要素 {fid}（无编号）"),
            (Lang::Zh, At::Feature { fid, id }) => write!(f, "要素 {fid}（编号 {id}）"),
            (Lang::Zh, At::Id(id)) => write!(f, "编号为 {id} 的要素"),
            (Lang::Zh, At::Row { sheet, row, id }) if id.is_empty() => write!(f, "{}（无编号）", At::TableRow { sheet: sheet.clone(), row: *row as u32 }),
            (Lang::Zh, At::Row { sheet, row, id }) => write!(f, "{}（编号 {id}）", At::TableRow { sheet: sheet.clone(), row: *row as u32 }),
            (Lang::En, At::TableRow { sheet: Some(sheet), row }) => write!(f, "sheet '{sheet}' row {row}"),
            (Lang::En, At::TableRow { sheet: None, row }) => write!(f, "line {row}"),
            (Lang::Zh, At::TableRow { sheet: Some(sheet), row }) => write!(f, "工作表“{sheet}”第 {row} 行"),
            (Lang::Zh, At::TableRow { sheet: None, row }) => write!(f, "第 {row} 行"),
        }
    }
}

/// A key as TOML takes it pasted: bare when it is plain ASCII, else quoted
/// (`"街镇名称"`), so a hint that shows config text works as written.
pub fn toml_key(key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        key.to_owned()
    } else {
        toml_str(key)
    }
}

/// What a layer's coordinates say its CRS is, when it declares none.
#[derive(Debug, Clone, PartialEq)]
pub enum CrsGuess {
    /// Within ±180/±90: longitude/latitude.
    LonLat,
    /// Metres that this common CRS places within the working CRS's area of use.
    Projected { x: f64, y: f64, crs: &'static str, words: &'static str },
    /// Metres no common CRS places there.
    Metres { x: f64, y: f64 },
    /// No coordinates to look at.
    Unknown,
}

/// The projected CRSs a coordinate in metres is tried in, as messages list them.
pub(super) const COMMON_NAMES: &str = "EPSG:4549, EPSG:4528, EPSG:32651, EPSG:3857";

/// What reads a value, for messages about empty values.
#[derive(Debug, Clone)]
pub enum Reader {
    Indicator(String),
    Control,
    Veto { line: usize, condition: String },
}

impl Reader {
    /// Where the `missing` rule goes ("indicator 'x'", "[control]", "the [[veto]] at line 36").
    pub(super) fn rule_at(&self) -> String {
        match (lang(), self) {
            (Lang::En, Reader::Indicator(k)) => format!("indicator '{k}'"),
            (Lang::En, Reader::Control) => "[control]".into(),
            (Lang::En, Reader::Veto { line, .. }) => format!("the [[veto]] at line {line}"),
            (Lang::Zh, Reader::Indicator(k)) => format!("指标“{k}”"),
            (Lang::Zh, Reader::Control) => "[control] 管控设置".into(),
            (Lang::Zh, Reader::Veto { line, .. }) => format!("第 {line} 行的 [[veto]] 一票否决规则"),
        }
    }

    /// What the field is to the reader ("(indicator 'x')", "of veto condition 'flag > 0' (line 36)").
    pub(super) fn role(&self) -> String {
        match (lang(), self) {
            (Lang::En, Reader::Indicator(k)) => format!(" (indicator '{k}')"),
            (Lang::En, Reader::Control) => " (the control grade)".into(),
            (Lang::En, Reader::Veto { line, condition }) => format!(" of veto condition '{condition}' (line {line})"),
            (Lang::Zh, Reader::Indicator(k)) => format!("（指标“{k}”）"),
            (Lang::Zh, Reader::Control) => "（管控等级）".into(),
            (Lang::Zh, Reader::Veto { line, condition }) => format!("（第 {line} 行一票否决条件“{condition}”）"),
        }
    }
}

/// Where in a model file a mistake is, as messages frame it ("line 12: indicator 'x': …").
#[derive(Debug, Clone)]
pub enum Place {
    Line(usize),
    Indicator(String),
    /// A section or key, named as written (`[ahp]`, `categories`).
    Section(&'static str),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (lang(), self) {
            (Lang::En, Place::Line(n)) => write!(f, "line {n}"),
            (Lang::En, Place::Indicator(k)) => write!(f, "indicator '{k}'"),
            (Lang::Zh, Place::Line(n)) => write!(f, "第 {n} 行"),
            (Lang::Zh, Place::Indicator(k)) => write!(f, "指标“{k}”"),
            (_, Place::Section(s)) => f.write_str(s),
        }
    }
}

/// What an error is about, as its message begins: "run config a.toml: …",
/// "运行配置 a.toml：…".
#[derive(Debug, Clone, Copy)]
pub enum About<'a> {
    Config(&'a std::path::Path),
    Model(&'a std::path::Path),
    Input { file: &'a std::path::Path, layer: Option<&'a str> },
    Output(&'a std::path::Path),
    Database(&'a str),
}

impl fmt::Display for About<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (lang(), self) {
            (Lang::En, About::Config(p)) => write!(f, "run config {}", p.display()),
            (Lang::En, About::Model(p)) => write!(f, "model {}", p.display()),
            (Lang::En, About::Input { file, layer: None }) => write!(f, "input {}", file.display()),
            (Lang::En, About::Input { file, layer: Some(l) }) => write!(f, "input {} layer '{l}'", file.display()),
            (Lang::En, About::Output(p)) => write!(f, "output {}", p.display()),
            (Lang::En, About::Database(t)) => write!(f, "database {t}"),
            (Lang::Zh, About::Config(p)) => write!(f, "运行配置 {}", p.display()),
            (Lang::Zh, About::Model(p)) => write!(f, "模型文件 {}", p.display()),
            (Lang::Zh, About::Input { file, layer: None }) => write!(f, "输入 {}", file.display()),
            (Lang::Zh, About::Input { file, layer: Some(l) }) => write!(f, "输入 {} 图层“{l}”", file.display()),
            (Lang::Zh, About::Output(p)) => write!(f, "输出 {}", p.display()),
            (Lang::Zh, About::Database(t)) => write!(f, "数据库 {t}"),
        }
    }
}

/// A value a `missing` rule may take, for advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Reject,
    Zero,
    Worst,
    /// "worst" on [control]: the largest factor.
    WorstFactor,
    /// "worst" on a veto: the condition holds.
    WorstHolds,
    Number,
    Factor,
}

impl Choice {
    pub(super) fn words(self) -> &'static str {
        match (lang(), self) {
            (Lang::En, Choice::Reject) => "\"reject\"",
            (Lang::En, Choice::Zero) => "\"zero\"",
            (Lang::En, Choice::Worst) => "\"worst\"",
            (Lang::En, Choice::WorstFactor) => "\"worst\" (the largest factor)",
            (Lang::En, Choice::WorstHolds) => "\"worst\" (the condition holds)",
            (Lang::En, Choice::Number) => "a number",
            (Lang::En, Choice::Factor) => "a factor",
            (Lang::Zh, Choice::Reject) => "\"reject\"（不参评）",
            (Lang::Zh, Choice::Zero) => "\"zero\"（按 0 计）",
            (Lang::Zh, Choice::Worst) => "\"worst\"（按最不利值）",
            (Lang::Zh, Choice::WorstFactor) => "\"worst\"（按最大管控系数）",
            (Lang::Zh, Choice::WorstHolds) => "\"worst\"（视为条件成立）",
            (Lang::Zh, Choice::Number) => "一个数值",
            (Lang::Zh, Choice::Factor) => "一个系数",
        }
    }
}

/// "a, b or c" / "a、b 或 c".
pub(super) fn choices(c: &[Choice]) -> String {
    let words: Vec<&str> = c.iter().map(|c| c.words()).collect();
    let (sep, or) = match lang() {
        Lang::En => (", ", " or "),
        Lang::Zh => ("、", " 或 "),
    };
    match words.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{}{or}{last}", rest.join(sep)),
        _ => words.join(sep),
    }
}

/// What is missing for an object.
#[derive(Debug, Clone)]
pub enum Gap {
    /// An empty field.
    Field(Field),
    /// An empty field among those of a formula.
    Formula { expr: String, fields: Vec<String> },
    /// The object touches no polygon of a hazard layer.
    NoPolygon { layer: String },
    /// The raster has no data at the object, or in its footprint.
    NoRaster { layer: String, footprint: bool },
}

impl Gap {
    pub(super) fn words(&self, reader: &Reader) -> String {
        match (lang(), self) {
            (Lang::En, Gap::Field(f)) => format!("{f}{} is empty", reader.role()),
            (Lang::En, Gap::Formula { expr, fields }) => format!("a field of formula {expr} ({}) is empty", list(fields)),
            (Lang::En, Gap::NoPolygon { layer }) => format!("the object touches no polygon of '{layer}'{}", reader.role()),
            (Lang::En, Gap::NoRaster { layer, footprint: false }) => format!("the object lies where raster '{layer}' has no data{}", reader.role()),
            (Lang::En, Gap::NoRaster { layer, footprint: true }) => format!("the object has no raster '{layer}' data in its footprint{}", reader.role()),
            (Lang::Zh, Gap::Field(f)) => format!("{f}{}为空", reader.role()),
            (Lang::Zh, Gap::Formula { expr, fields }) => format!("公式 {expr} 所用字段（{}）中有空值", list(fields)),
            (Lang::Zh, Gap::NoPolygon { layer }) => format!("对象未与图层“{layer}”的任何面相交{}", reader.role()),
            (Lang::Zh, Gap::NoRaster { layer, footprint: false }) => format!("对象位置处栅格“{layer}”无数据{}", reader.role()),
            (Lang::Zh, Gap::NoRaster { layer, footprint: true }) => format!("对象范围内栅格“{layer}”无数据{}", reader.role()),
        }
    }
}

/// One kind of rewrite a number needed before it could be read (`value::number`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rewrite {
    /// Spaces (or tabs, ideographic spaces) around or inside the number.
    Spaces,
    /// Full-width digits, signs or decimal point ("１２．５").
    FullWidth,
    /// Thousands separators ("1,200", "1，200").
    ThousandsSeparator,
    /// A trailing unit the model declares ("500米").
    Unit,
}

impl Rewrite {
    pub(super) fn words(self) -> &'static str {
        match (lang(), self) {
            (Lang::En, Rewrite::Spaces) => "spaces",
            (Lang::En, Rewrite::FullWidth) => "full_width",
            (Lang::En, Rewrite::ThousandsSeparator) => "thousands_separator",
            (Lang::En, Rewrite::Unit) => "unit",
            (Lang::Zh, Rewrite::Spaces) => "含空格",
            (Lang::Zh, Rewrite::FullWidth) => "全角字符",
            (Lang::Zh, Rewrite::ThousandsSeparator) => "千分位分隔符",
            (Lang::Zh, Rewrite::Unit) => "带单位",
        }
    }
}

pub(super) fn rewrites(r: &[(Rewrite, usize)]) -> String {
    r.iter().map(|(k, n)| format!("{n} {}", k.words())).collect::<Vec<_>>().join(", ")
}

/// What a run-config key takes.
#[derive(Debug, Clone, Copy)]
pub enum Wants {
    /// A folder name such as "2024-2026".
    CycleName,
    /// Metres ≥ 0.
    Metres,
    /// Metres > 0.
    PositiveMetres,
    /// At least one model file.
    SomeModels,
    /// A share from 0 to below 1 (a relative spread).
    SpreadShare,
    /// A share above 0, at most 1 (a share of draws).
    DrawShare,
    /// A number of Monte Carlo draws.
    Draws,
    /// Saaty steps of an AHP judgement.
    SaatySteps,
    /// Rows of a workbook sheet (up to `max`).
    SheetRows { max: u32 },
    /// An XYZ tile URL.
    TileUrl,
}

impl Wants {
    pub(super) fn words(self) -> String {
        let fixed = |en: &str, zh: &str| lang().pick(en.into(), zh.into());
        match self {
            Wants::SpreadShare => fixed("must be a share from 0 to below 1 (0.2 = ±20 %)", "应为 0 至小于 1 的比例（0.2 即 ±20%）"),
            Wants::DrawShare => {
                fixed("must be a share above 0 and at most 1 (0.8 = kept in 4 of 5 draws)", "应为大于 0、不超过 1 的比例（0.8 即 5 次抽样中 4 次保持）")
            }
            Wants::Draws => fixed("must be from 1 to 100000", "应为 1 至 100000"),
            Wants::SaatySteps => fixed("must be at most 8 (Saaty's scale has 17 steps)", "不应超过 8（Saaty 标度共 17 级）"),
            Wants::SheetRows { max } => lang().pick(
                format!("must be from 1 to {max} (Excel's rows, less the header and a note)"),
                format!("应为 1 至 {max}（Excel 的行数减去表头和说明行）"),
            ),
            Wants::TileUrl => fixed("must be an XYZ tile URL with {z}, {x} and {y}", "应为含 {z}、{x}、{y} 的 XYZ 瓦片地址"),
            _ => self.fixed_words().into(),
        }
    }

    pub(super) fn fixed_words(self) -> &'static str {
        match (lang(), self) {
            (Lang::En, Wants::CycleName) => "names a folder of the outputs: use e.g. \"2024-2026\"",
            (Lang::En, Wants::Metres) => "must be a number of metres ≥ 0",
            (Lang::En, Wants::PositiveMetres) => "must be a positive number of metres",
            (Lang::En, Wants::SomeModels) => "is empty: list at least one model file",
            (Lang::Zh, Wants::CycleName) => "是输出目录名：请写成如 \"2024-2026\"",
            (Lang::Zh, Wants::Metres) => "应为不小于 0 的米数",
            (Lang::Zh, Wants::PositiveMetres) => "应为大于 0 的米数",
            (Lang::Zh, Wants::SomeModels) => "为空：请至少列出一个模型文件",
            _ => unreachable!("worded in Wants::words"),
        }
    }
}

/// What a layer holds, or a source needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    Points,
    Lines,
    Polygons,
    Vector,
    Raster,
}

impl Holds {
    /// Points, lines or polygons, in `GeomKind`'s order.
    pub const KINDS: [Holds; 3] = [Holds::Points, Holds::Lines, Holds::Polygons];

    /// One of what it holds: "point", "点".
    pub(super) fn one(self) -> &'static str {
        match (lang(), self) {
            (Lang::En, Holds::Points) => "point",
            (Lang::En, Holds::Lines) => "line",
            (Lang::En, Holds::Polygons) => "polygon",
            (Lang::En, Holds::Vector) => "vector",
            (Lang::En, Holds::Raster) => "raster",
            (Lang::Zh, Holds::Points) => "点",
            (Lang::Zh, Holds::Lines) => "线",
            (Lang::Zh, Holds::Polygons) => "面",
            (Lang::Zh, Holds::Vector) => "矢量",
            (Lang::Zh, Holds::Raster) => "栅格",
        }
    }

    pub(super) fn words(self) -> &'static str {
        match (lang(), self) {
            (Lang::En, Holds::Points) => "points",
            (Lang::En, Holds::Lines) => "lines",
            (Lang::En, Holds::Polygons) => "polygons",
            (Lang::En, Holds::Vector) => "a vector layer",
            (Lang::En, Holds::Raster) => "a raster",
            (Lang::Zh, Holds::Points) => "点图层",
            (Lang::Zh, Holds::Lines) => "线图层",
            (Lang::Zh, Holds::Polygons) => "面图层",
            (Lang::Zh, Holds::Vector) => "矢量图层",
            (Lang::Zh, Holds::Raster) => "栅格图层",
        }
    }
}

/// What a value read from a GeoPackage is, where its column's declared type wants another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Integer,
    Decimal,
    Text,
    Boolean,
    Binary,
}

impl ValueKind {
    pub(super) fn words(self) -> &'static str {
        match (lang(), self) {
            (Lang::En, ValueKind::Integer) => "an integer",
            (Lang::En, ValueKind::Decimal) => "a decimal number",
            (Lang::En, ValueKind::Text) => "text",
            (Lang::En, ValueKind::Boolean) => "a boolean",
            (Lang::En, ValueKind::Binary) => "binary data",
            (Lang::Zh, ValueKind::Integer) => "整数",
            (Lang::Zh, ValueKind::Decimal) => "小数",
            (Lang::Zh, ValueKind::Text) => "文本",
            (Lang::Zh, ValueKind::Boolean) => "布尔值",
            (Lang::Zh, ValueKind::Binary) => "二进制数据",
        }
    }
}

/// What of a raster sise reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RasterPart {
    /// Where its cells are (origin and cell size).
    Geotransform,
    /// Its first band: the values.
    Band1,
}

impl RasterPart {
    pub(super) fn words(self) -> &'static str {
        match (lang(), self) {
            (Lang::En, RasterPart::Geotransform) => "geotransform",
            (Lang::En, RasterPart::Band1) => "band 1",
            (Lang::Zh, RasterPart::Geotransform) => "地理变换参数",
            (Lang::Zh, RasterPart::Band1) => "第 1 波段",
        }
    }
}

/// What of an input file sise decodes and hands GDAL in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InMemoryPart {
    /// A whole file re-encoded as UTF-8.
    Text,
    /// A table's header rows, rewritten.
    Header,
}

impl InMemoryPart {
    /// Its name in the in-memory file's path.
    pub fn slug(self) -> &'static str {
        match self {
            InMemoryPart::Text => "text",
            InMemoryPart::Header => "header",
        }
    }

    pub(super) fn words(self) -> &'static str {
        match (lang(), self) {
            (Lang::En, d) => d.slug(),
            (Lang::Zh, InMemoryPart::Text) => "文本",
            (Lang::Zh, InMemoryPart::Header) => "文件头",
        }
    }
}

/// What the coordinates of objects outside the district point to.
#[derive(Debug, Clone, PartialEq)]
pub enum Cause {
    /// Web-map offset coordinates read as plain WGS84: "GCJ-02" or "BD-09", and its `offset` word.
    Offset {
        datum: &'static str,
        word: &'static str,
    },
    /// Plain WGS84 with an offset declared.
    NotOffset,
    Swapped,
    OtherCrs {
        crs: &'static str,
        words: &'static str,
    },
    SimplyOutside,
}

impl Cause {
    pub(super) fn words(&self, layer: &str) -> String {
        match (lang(), self) {
            (Lang::En, Cause::Offset { datum, word }) => {
                format!("their coordinates look {datum}-offset (web-map coordinates, hundreds of metres off): set offset = \"{word}\" in [layers.{layer}]")
            }
            (Lang::En, Cause::NotOffset) => format!("their coordinates look like plain WGS 84, not offset: remove offset from [layers.{layer}]"),
            (Lang::En, Cause::Swapped) => {
                format!("x and y look swapped (latitude given as longitude): swap the columns, or the axis order, of [layers.{layer}]")
            }
            (Lang::En, Cause::OtherCrs { crs, words }) => {
                format!("their coordinates look like {crs} ({words}), not the layer's CRS: set crs = \"{crs}\" in [layers.{layer}]")
            }
            (Lang::En, Cause::SimplyOutside) => format!(
                "they are simply outside the district: if [layers.{layer}] covers more than the district (a city-wide register), set clip_to_district = true there to leave them out, or raise outside_tolerance_m for objects just across the boundary"
            ),
            (Lang::Zh, Cause::Offset { datum, word }) => {
                format!("其坐标看起来是 {datum} 偏移坐标（网络地图坐标，偏差数百米）：请在 [layers.{layer}] 中设置 offset = \"{word}\"")
            }
            (Lang::Zh, Cause::NotOffset) => format!("其坐标看起来是未偏移的 WGS84 坐标：请删除 [layers.{layer}] 中的 offset"),
            (Lang::Zh, Cause::Swapped) => format!("x 与 y 看起来颠倒了（纬度填成了经度）：请交换 [layers.{layer}] 的坐标列或轴序"),
            (Lang::Zh, Cause::OtherCrs { crs, words }) => format!("其坐标看起来是 {crs}（{words}），而非图层声明的坐标系：请在 [layers.{layer}] 中设置 crs = \"{crs}\""),
            (Lang::Zh, Cause::SimplyOutside) => format!(
                "这些对象确实位于区外：如 [layers.{layer}] 是全市范围的名录，请在其中设置 clip_to_district = true 以剔除区外对象；如对象紧邻边界，可调大 outside_tolerance_m"
            ),
        }
    }
}

/// What a run's expected output size is measured from.
#[derive(Debug, Clone, PartialEq)]
pub enum SizeBasis {
    /// The outputs already in the destination (the run replaces them).
    Previous,
    /// Another year's outputs of the same cycle.
    OtherYear(String),
    /// Only what the run had written when the disk filled: a lower bound.
    Partial,
}

/// " of sheet 'X'" for a sheet of a workbook, nothing for a CSV (its lines are the file's).
pub(super) fn in_sheet(sheet: &Option<String>) -> String {
    sheet.as_ref().map(|s| format!(" of sheet '{s}'")).unwrap_or_default()
}

/// 工作表“X” for a sheet of a workbook, 文件 for a CSV.
pub(super) fn sheet_zh(sheet: &Option<String>) -> String {
    sheet.as_ref().map_or("文件".into(), |s| format!("工作表“{s}”"))
}

/// A string as TOML writes it, so that a hint pastes as written.
pub fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// A CRS definition shortened for messages (WKT can be kilobytes long).
pub(super) fn short(def: &str) -> String {
    if def.len() > 60 {
        format!("{}…", &def[..def.char_indices().nth(60).map(|(i, _)| i).unwrap_or(def.len())])
    } else {
        def.to_owned()
    }
}

pub(super) fn list(v: &[String]) -> String {
    v.join(", ")
}
