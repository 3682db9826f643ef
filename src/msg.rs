//! The message catalogue: what sise says to the people who deliver and fix
//! input data, in English and in Chinese, in one place. The language is
//! chosen once at start-up (`--lang`, else a Chinese locale in LC_ALL,
//! LC_MESSAGES or LANG) and every message renders in it; English is the
//! default. Code builds a [`Msg`] with the facts (file, feature, field,
//! value) and never formats user-facing words for bad data itself.

use std::fmt;
use std::sync::OnceLock;

/// The language of what sise says: its messages (`--lang`, else the
/// locale), and texts in a fixed language (reports in Chinese, `sise models
/// show` in English) through [`Lang::pick`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// The words of this language.
    pub fn pick(self, en: String, zh: String) -> String {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}

static LANG: OnceLock<Lang> = OnceLock::new();

/// Set the language for the rest of the process (the first call wins).
pub fn set_lang(lang: Lang) {
    let _ = LANG.set(lang);
}

pub fn lang() -> Lang {
    *LANG.get().unwrap_or(&Lang::En)
}

/// `--lang` when given, else Chinese under a zh_* locale (as POSIX orders
/// LC_ALL, LC_MESSAGES, LANG), else English.
pub fn detect(flag: Option<Lang>) -> Lang {
    flag.unwrap_or_else(|| {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"].iter().find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty())).unwrap_or_default();
        if locale.starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    })
}

/// Pick the words of the current language.
pub fn pick(en: String, zh: String) -> String {
    lang().pick(en, zh)
}

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
        toml::Value::String(key.to_owned()).to_string()
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
const COMMON_NAMES: &str = "EPSG:4549, EPSG:4528, EPSG:32651, EPSG:3857";

/// What reads a value, for messages about empty values.
#[derive(Debug, Clone)]
pub enum Reader {
    Indicator(String),
    Control,
    Veto { line: usize, condition: String },
}

impl Reader {
    /// Where the `missing` rule goes ("indicator 'x'", "[control]", "the [[veto]] at line 36").
    fn rule_at(&self) -> String {
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
    fn role(&self) -> String {
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

/// `what: message`, with the colon of the language.
pub fn located(what: impl fmt::Display, message: impl fmt::Display) -> String {
    pick(format!("{what}: {message}"), format!("{what}：{message}"))
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
    fn words(self) -> &'static str {
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
fn choices(c: &[Choice]) -> String {
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
    fn words(&self, reader: &Reader) -> String {
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
    fn words(self) -> &'static str {
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

fn rewrites(r: &[(Rewrite, usize)]) -> String {
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
}

impl Wants {
    fn words(self) -> &'static str {
        match (lang(), self) {
            (Lang::En, Wants::CycleName) => "names a folder of the outputs: use e.g. \"2024-2026\"",
            (Lang::En, Wants::Metres) => "must be a number of metres ≥ 0",
            (Lang::En, Wants::PositiveMetres) => "must be a positive number of metres",
            (Lang::En, Wants::SomeModels) => "is empty: list at least one model file",
            (Lang::Zh, Wants::CycleName) => "是输出目录名：请写成如 \"2024-2026\"",
            (Lang::Zh, Wants::Metres) => "应为不小于 0 的米数",
            (Lang::Zh, Wants::PositiveMetres) => "应为大于 0 的米数",
            (Lang::Zh, Wants::SomeModels) => "为空：请至少列出一个模型文件",
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
    fn words(&self, layer: &str) -> String {
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

/// Every message about input data.
#[derive(Debug, Clone)]
pub enum Msg {
    FileNotFound,
    CannotOpen {
        detail: String,
    },
    NoSuchLayer {
        have: Vec<String>,
    },
    ManyLayers {
        have: Vec<String>,
    },
    NoCrs {
        guess: CrsGuess,
    },
    UnknownCrs {
        crs: String,
        detail: String,
    },
    IdFieldMissing {
        id: String,
        have: Vec<String>,
    },
    IdEmpty {
        field: String,
    },
    DuplicateId {
        /// How messages name the feature that has the id first.
        first: String,
    },
    NoGeometry,
    InvalidPolygon,
    MixedKinds {
        this: &'static str,
        earlier: &'static str,
    },
    NotLonLat {
        x: f64,
        y: f64,
    },
    NotUtf8Field {
        field: String,
        layer: String,
    },
    MappedColumnMissing {
        model: String,
        column: String,
        have: Vec<String>,
    },
    MappedNameTaken {
        model: String,
        column: String,
    },
    /// `guess`: a row below which two columns hold coordinates (row, x, y).
    NoHeaderRow {
        sheet: Option<String>,
        wanted: Option<(String, String)>,
        searched: usize,
        guess: Option<(u32, String, String)>,
    },
    HeaderRowEmpty {
        sheet: Option<String>,
        row: u32,
    },
    HeaderTwice {
        sheet: Option<String>,
        row: u32,
        name: String,
        first: String,
        second: String,
    },
    NoCoordinateColumns {
        sheet: Option<String>,
        row: u32,
        have: Vec<String>,
    },
    /// A coordinate cell sise cannot read.
    CoordinateNotRead {
        value: String,
        column: String,
        /// Why (`value::NotACoordinate`, as said in the message language).
        why: String,
    },
    FieldMissing {
        field: Field,
        have: Vec<String>,
    },
    NotANumber {
        field: Field,
        text: String,
        why: String,
    },
    NotAYear {
        field: Field,
        text: String,
        why: String,
    },
    NotFinite {
        field: Field,
        value: f64,
    },
    FieldEmpty {
        field: Field,
    },
    /// An empty value no `missing` rule resolves: what reads it, the words it may use, the model file.
    EmptyNoRule {
        gap: Gap,
        reader: Reader,
        options: Vec<Choice>,
        model: String,
    },
    /// An empty value a `missing = "reject"` rule leaves out (a rejects.csv reason).
    EmptyRejected {
        field: Field,
        reader: Reader,
        model: String,
    },
    /// A category, or control grade, the model's table does not list.
    UnknownCategory {
        field: Field,
        reader: Reader,
        value: String,
        model: String,
        have: Vec<String>,
    },
    /// A value outside the range the model declares for an indicator.
    OutOfRange {
        indicator: String,
        value: f64,
        lo: f64,
        hi: f64,
        model: String,
    },
    /// A scored object outside the district: how far, the nearest 街镇, how many of the layer, and why.
    /// Every object of a layer clipped by `clip_to_district`.
    AllOutside {
        n: usize,
        cause: Cause,
        layer: String,
    },
    Outside {
        metres: f64,
        street: String,
        tolerance: f64,
        n: usize,
        cause: Cause,
        layer: String,
    },
    /// A context feature far beyond the district's box.
    FarContext {
        km: f64,
        margin: f64,
        layer: String,
    },
    /// Text that is not UTF-8 and names no encoding: what (the .dbf, the text), the encoding it decodes as.
    NotUtf8 {
        dbf: bool,
        decodes_as: Option<&'static str>,
        /// The config section that names the file's encoding: "[layers.*]" or "[review]".
        section: &'static str,
    },
    UnknownEncoding {
        label: String,
    },
    BadBytes {
        encoding: String,
        section: &'static str,
    },
    EncodingNotApplicable {
        label: String,
    },
    /// `sise validate`: a domain that scores.
    DomainValid {
        id: String,
        name: String,
        version: String,
        objects: usize,
        layer: String,
        indicators: usize,
    },
    /// `sise validate`: a field read after rewrites ("1,200", "１２"): how many of each kind.
    Rewritten {
        layer: String,
        field: Field,
        rewrites: Vec<(Rewrite, usize)>,
    },
    /// `sise validate`: an object a `missing = "reject"` rule leaves out.
    Rejected {
        domain: String,
        layer: String,
        id: String,
        reason: String,
    },
    /// `sise validate`: the whole config.
    ConfigValid {
        layers: usize,
        streets: usize,
    },
    /// `sise validate --report`: one domain's line.
    QualityLine {
        id: String,
        name: String,
        registered: usize,
        complete: usize,
        pct: f64,
        short: bool,
    },
    QualityWritten {
        path: String,
    },
    /// Run config: a value that is not what the key takes.
    BadSetting {
        key: String,
        value: String,
        wants: Wants,
    },
    /// A name that should be a `[layers.*]` entry of the run config.
    NotALayer {
        key: String,
        name: String,
        config: String,
        have: Vec<String>,
    },
    /// The layer a model scores holds another geometry kind.
    WrongGeometry {
        model: String,
        file: String,
        needs: &'static str,
        has: &'static str,
    },
    /// A veto names a field the objects do not have.
    VetoFieldMissing {
        line: usize,
        condition: String,
        name: String,
        layer: String,
    },
    /// An indicator's layer is of the wrong kind ("points", "a raster" …).
    LayerKind {
        line: usize,
        indicator: String,
        layer: String,
        has: String,
        needs: String,
    },
    /// A hand-filled table (the expert review's) whose first rows name none of its columns.
    NoTableHeader {
        wanted: Vec<String>,
        searched: usize,
    },
    /// The expert review (专家研判): a column the adjustments need is not in the file.
    ReviewColumnMissing {
        column: String,
        have: Vec<String>,
    },
    /// An adjustment row leaves a needed cell empty.
    ReviewEmpty {
        column: String,
    },
    ReviewUnknownDomain {
        domain: String,
        have: Vec<String>,
    },
    ReviewUnknownObject {
        domain: String,
        id: String,
        layer: String,
    },
    ReviewBadLevel {
        value: String,
    },
    ReviewBadDate {
        value: String,
    },
    ReviewTwice {
        domain: String,
        id: String,
        first: String,
    },
    /// `n` more rows with the same problem.
    More(usize),
    /// The file system of an output folder filled up (ENOSPC, or a quota: EDQUOT).
    DiskFull {
        /// The file being written when it did.
        file: Option<std::path::PathBuf>,
        free_mb: Option<f64>,
        needs_mb: f64,
        basis: SizeBasis,
    },
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
fn in_sheet(sheet: &Option<String>) -> String {
    sheet.as_ref().map(|s| format!(" of sheet '{s}'")).unwrap_or_default()
}

/// 工作表“X” for a sheet of a workbook, 文件 for a CSV.
fn sheet_zh(sheet: &Option<String>) -> String {
    sheet.as_ref().map_or("文件".into(), |s| format!("工作表“{s}”"))
}

/// A string as TOML writes it, so that a hint pastes as written.
pub fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

fn list(v: &[String]) -> String {
    v.join(", ")
}

impl Msg {
    fn en(&self) -> String {
        match self {
            Msg::FileNotFound => "file not found (check `path` in the run config; relative paths are relative to the config file)".into(),
            Msg::CannotOpen { detail } => format!("GDAL cannot open it: not a vector or raster format GDAL reads, or a damaged file{detail}"),
            Msg::NoSuchLayer { have } => format!("no such layer in the file; it has: {}", list(have)),
            Msg::ManyLayers { have } => format!("the file has {} layers ({}); name one with `layer = \"…\"`", have.len(), list(have)),
            Msg::NoCrs { guess } => match guess {
                CrsGuess::Projected { x, y, crs, words } => format!(
                    "the layer declares no CRS; its coordinates ({x:.0}, {y:.0}) are metres, and {crs} ({words}) places them in the working CRS's area: add crs = \"{crs}\" to its [layers.*] entry"
                ),
                CrsGuess::Metres { x, y } => format!(
                    "the layer declares no CRS; its coordinates ({x:.0}, {y:.0}) are metres, not longitude/latitude, and none of {} places them in the working CRS's area: add crs = \"EPSG:…\" with the CRS the data was made in to its [layers.*] entry",
                    COMMON_NAMES
                ),
                _ => "the layer declares no CRS; add e.g. crs = \"EPSG:4326\" (WGS84 or web-map longitude/latitude) or \"EPSG:4490\" (CGCS2000) to its [layers.*] entry".into(),
            },
            Msg::UnknownCrs { crs, detail } => format!("unknown CRS '{crs}': {detail}"),
            Msg::IdFieldMissing { id, have } => format!("id_field '{id}' is not a field of the layer; fields are: {}", list(have)),
            Msg::IdEmpty { field } => format!("id field '{field}' is empty"),
            Msg::DuplicateId { first } => format!("duplicate id: {first} has it too; ids must be unique within a layer"),
            Msg::NoGeometry => "no geometry (null or empty)".into(),
            Msg::InvalidPolygon => {
                "invalid polygon (self-intersecting or badly nested rings); repair it (ogr2ogr -makevalid) or set repair_invalid_geometry = true in the run config".into()
            }
            Msg::MixedKinds { this, earlier } => format!("a {this}, but earlier features are {earlier}s; a layer holds one kind"),
            Msg::NotLonLat { x, y } => format!("({x}, {y}) is not a longitude/latitude; swapped axes or the wrong CRS?"),
            Msg::NotUtf8Field { field, layer } => format!(
                "field '{field}' holds text that is not valid UTF-8; set its encoding (e.g. encoding = \"GBK\") in [layers.{layer}], or save the file as UTF-8"
            ),
            Msg::MappedColumnMissing { model, column, have } => {
                format!("fields maps '{model}' to the column '{column}', which the file does not have; its columns are: {}", list(have))
            }
            Msg::MappedNameTaken { model, column } => {
                format!("fields maps the column '{column}' to '{model}', but the file also has a column '{model}'; map or rename one of them")
            }
            Msg::NoHeaderRow { sheet, wanted, searched, guess } => {
                let wanted = match wanted {
                    Some((x, y)) => format!("'{x}' and '{y}'"),
                    None => "经度/纬度 (or lon/lat, longitude/latitude, x/y)".into(),
                };
                let fix = match guess {
                    Some((row, x, y)) => format!(
                        "the columns '{x}' and '{y}' under row {row} hold coordinates: add header_row = {row}, x_field = {} and y_field = {} to the layer's entry",
                        toml_str(x),
                        toml_str(y)
                    ),
                    None => "set header_row (the row number of the header) and x_field/y_field (its coordinate columns) in the layer's entry".into(),
                };
                format!("no header row found{}: none of the first {searched} filled rows names the coordinate columns {wanted}; {fix}", in_sheet(sheet).replacen(" of ", " in ", 1))
            }
            Msg::HeaderRowEmpty { sheet, row } => format!("header_row = {row}, but row {row}{} is empty", in_sheet(sheet)),
            Msg::HeaderTwice { sheet, row, name, first, second } => {
                format!("header row {row}{} names column '{name}' twice (columns {first} and {second})", in_sheet(sheet))
            }
            Msg::NoCoordinateColumns { sheet, row, have } => {
                format!("header row {row}{} has no coordinate columns; its columns are: {}; set x_field and y_field", in_sheet(sheet), list(have))
            }
            Msg::CoordinateNotRead { value, column, why } => format!("coordinate '{value}' in column '{column}' is {why}"),
            Msg::FieldMissing { field, have } => format!(
                "missing {field}; the layer's fields are: {}; if one of them holds it, map it with fields = {{ {} = \"…\" }} in the layer's entry",
                list(have),
                toml_key(&field.key)
            ),
            Msg::NotANumber { field, text, why } => {
                format!("{field} should be a number, found '{text}': {why}; correct it in the file, or run with --keep-going to leave the feature out")
            }
            Msg::NotAYear { field, text, why } => {
                format!("{field} should be a year, found '{text}': {why}; correct it in the file, or run with --keep-going to leave the feature out")
            }
            Msg::NotFinite { field, value } => format!("{field} holds {value}, not a value; correct it in the file, or run with --keep-going to leave the feature out"),
            Msg::FieldEmpty { field } => format!("{field} is empty; fill it in, or run with --keep-going to leave the feature out"),
            Msg::EmptyNoRule { gap, reader, options, model } => format!(
                "{}; fill it in, or say what an empty value means with missing = {} on {} in {model}",
                gap.words(reader),
                choices(options),
                reader.rule_at()
            ),
            Msg::EmptyRejected { field, reader, model } => format!("{field} is empty; {} has missing = \"reject\" in {model}", reader.rule_at()),
            Msg::UnknownCategory { field, reader, value, model, have } => {
                format!("{field}{} is '{value}', which {model} does not list ({})", reader.role(), list(have))
            }
            Msg::OutOfRange { indicator, value, lo, hi, model } => format!("indicator '{indicator}' is {value}, outside its declared range [{lo}, {hi}] in {model}"),
            Msg::Outside { metres, street, tolerance, n, cause, layer } => format!(
                "the object lies {metres:.0} m outside the district (nearest 街镇 {street}), farther than outside_tolerance_m = {tolerance}; {} of the layer {} outside, and {}",
                if *n == 1 { "1 object".to_owned() } else { format!("{n} objects") },
                if *n == 1 { "is" } else { "are" },
                cause.words(layer)
            ),
            Msg::AllOutside { n, cause, layer } => format!(
                "all {n} objects of the layer are outside the district, so clip_to_district would leave this domain with nothing to score; {}",
                match cause {
                    Cause::SimplyOutside => format!("is [layers.{layer}] another district's file? check its path and the district's admin units"),
                    c => c.words(layer),
                }
            ),
            Msg::FarContext { km, margin, layer } => format!(
                "lies {km} km from the district, more than {margin} m outside it: a swapped lon/lat, the wrong CRS or an undeclared GCJ-02/BD-09 offset? (set crs/offset in [layers.{layer}], or context_margin_m)"
            ),
            Msg::NotUtf8 { dbf, decodes_as, section } => {
                let what = if *dbf { "the attribute table (.dbf, no .cpg file)" } else { "its text" };
                let hint = match decodes_as {
                    Some(e) => format!("it decodes as {e}: add encoding = \"{e}\" to its {section} entry"),
                    None => format!("add its encoding (e.g. encoding = \"GBK\") to its {section} entry, or save it as UTF-8"),
                };
                format!("{what} is not UTF-8 and names no encoding; {hint}")
            }
            Msg::UnknownEncoding { label } => format!("encoding = \"{label}\" is not an encoding sise knows; use e.g. \"GBK\", \"GB18030\", \"Big5\" or \"UTF-8\""),
            Msg::BadBytes { encoding, section } => format!("some bytes are not valid {encoding}; check the `encoding` of its {section} entry"),
            Msg::EncodingNotApplicable { label } => {
                format!("encoding = \"{label}\" applies to Shapefiles (.dbf), CSV and GeoJSON; this format is always UTF-8, remove the key")
            }
            Msg::DomainValid { id, name, version, objects, layer, indicators } => {
                format!("ok  {id} {name} ({version}): {objects} objects of layer '{layer}' scored, {indicators} indicators")
            }
            Msg::Rewritten { layer, field, rewrites: r } => format!("layer '{layer}' {field}: values read after rewriting ({})", rewrites(r)),
            Msg::Rejected { domain, layer, id, reason } => format!("reject  {domain} layer '{layer}' feature '{id}': {reason}"),
            Msg::ConfigValid { layers, streets } => format!("ok  {layers} layers, {streets} 街镇; the run config is valid"),
            Msg::QualityLine { id, name, registered, complete, pct, short } => {
                format!("{id} {name:<10} {registered:>5} registered {complete:>5} complete ({pct:.1} %){}", if *short { "  below 80 %" } else { "" })
            }
            Msg::QualityWritten { path } => format!("data-quality report written to {path}"),
            Msg::BadSetting { key, value, wants } => format!("{key} = {value} {}", wants.words()),
            Msg::NotALayer { key, name, config, have } => format!("{key} = '{name}' is not a [layers.*] entry of {config} ({})", list(have)),
            Msg::WrongGeometry { model, file, needs, has } => format!("wrong geometry type: model {model} ({file}) scores {needs}s, but the layer holds {has}s"),
            Msg::VetoFieldMissing { line, condition, name, layer } => {
                let key = toml_key(name);
                format!("line {line}: [[veto]] when \"{condition}\": '{name}' is neither an indicator key nor a field of layer '{layer}'; if the layer holds it under another name, map it with fields = {{ {key} = \"…\" }} in [layers.{layer}]")
            }
            Msg::LayerKind { line, indicator, layer, has, needs } => format!("line {line}: indicator '{indicator}': layer '{layer}' holds {has}; this source needs {needs}"),
            Msg::NoTableHeader { wanted, searched } => {
                format!("no header row: none of the first {searched} filled rows names any of the columns {}", list(wanted))
            }
            Msg::ReviewColumnMissing { column, have } => format!(
                "the adjustments have no column '{column}'; their columns are: {}; `sise template` writes the expert-review form with every column",
                list(have)
            ),
            Msg::ReviewEmpty { column } => format!("'{column}' is empty; every adjustment needs a domain, an object id, the final level, the reason, the expert and the date"),
            Msg::ReviewUnknownDomain { domain, have } => format!("unknown domain '{domain}'; the run's domains are: {}", list(have)),
            Msg::ReviewUnknownObject { domain, id, layer } => {
                format!("domain {domain} has no scored object with id '{id}' (layer '{layer}'); check the id, or delete the row if the object is gone")
            }
            Msg::ReviewBadLevel { value } => format!("final level '{value}' is not a level: use 1–4 or 重大/较大/一般/低 (重大风险…)"),
            Msg::ReviewBadDate { value } => format!("date '{value}' is not a date such as 2025-03-12"),
            Msg::ReviewTwice { domain, id, first } => format!("a second adjustment of {domain} object '{id}' (the first is on {first}); keep one row per object"),
            Msg::More(n) => format!(" (and {n} more features)"),
            Msg::DiskFull { file, free_mb, needs_mb, basis } => {
                let file = file.as_ref().map(|f| format!(" while writing its {}", f.display())).unwrap_or_default();
                let free = free_mb.map(|f| format!(", {f:.1} MB free there")).unwrap_or_default();
                let needs = match basis {
                    SizeBasis::Previous => format!("this run writes ≈ {needs_mb:.1} MB (the size of the outputs it replaces)"),
                    SizeBasis::OtherYear(y) => format!("this run writes ≈ {needs_mb:.1} MB (the size of {y}'s outputs)"),
                    SizeBasis::Partial => format!("this run writes more than the {needs_mb:.1} MB it had written"),
                };
                format!("disk full (or over quota){file}{free}; {needs}, beside the previous outputs until it replaces them; free space there or write elsewhere with --out; nothing was changed")
            }
        }
    }

    fn zh(&self) -> String {
        match self {
            Msg::FileNotFound => "文件不存在（请检查运行配置中的 path；相对路径相对于运行配置文件所在目录）".into(),
            Msg::CannotOpen { detail } => format!("GDAL 无法打开：不是 GDAL 能读取的矢量或栅格格式，或文件已损坏{detail}"),
            Msg::NoSuchLayer { have } => format!("文件中没有该图层；现有图层：{}", list(have)),
            Msg::ManyLayers { have } => format!("文件中有 {} 个图层（{}）；请用 layer = \"…\" 指定一个", have.len(), list(have)),
            Msg::NoCrs { guess } => match guess {
                CrsGuess::Projected { x, y, crs, words } => {
                    format!("图层未声明坐标系；其坐标（{x:.0}, {y:.0}）以米为单位，按 {crs}（{words}）恰好落在工作坐标系的适用范围内：请在其 [layers.*] 中加入 crs = \"{crs}\"")
                }
                CrsGuess::Metres { x, y } => format!(
                    "图层未声明坐标系；其坐标（{x:.0}, {y:.0}）以米为单位而非经纬度，常用坐标系（{}）都不能将其落在工作坐标系的适用范围内：请在其 [layers.*] 中加入数据实际所用的 crs = \"EPSG:…\"",
                    COMMON_NAMES
                ),
                _ => "图层未声明坐标系；请在其 [layers.*] 中加入 crs = \"EPSG:4326\"（WGS84 或网络地图经纬度）或 \"EPSG:4490\"（CGCS2000）".into(),
            },
            Msg::UnknownCrs { crs, detail } => format!("无法识别的坐标系“{crs}”：{detail}"),
            Msg::IdFieldMissing { id, have } => format!("id_field“{id}”不是该图层的字段；现有字段：{}", list(have)),
            Msg::IdEmpty { field } => format!("编号字段“{field}”为空"),
            Msg::DuplicateId { first } => format!("编号重复：{first}已使用该编号；同一图层内编号必须唯一"),
            Msg::NoGeometry => "没有坐标或几何（为空）".into(),
            Msg::InvalidPolygon => "面几何无效（自相交或环嵌套错误）；请修复（ogr2ogr -makevalid），或在运行配置中设置 repair_invalid_geometry = true".into(),
            Msg::MixedKinds { this, earlier } => format!("该要素是{}，但前面的要素是{}；一个图层只能有一种几何类型", kind_zh(this), kind_zh(earlier)),
            Msg::NotLonLat { x, y } => format!("（{x}, {y}）不是经纬度；经纬度是否颠倒，或坐标系是否有误？"),
            Msg::NotUtf8Field { field, layer } => {
                format!("字段“{field}”中的文字不是有效的 UTF-8；请在 [layers.{layer}] 中设置编码（如 encoding = \"GBK\"），或将文件另存为 UTF-8")
            }
            Msg::MappedColumnMissing { model, column, have } => format!("fields 将“{model}”对应到列“{column}”，但文件中没有该列；现有列：{}", list(have)),
            Msg::MappedNameTaken { model, column } => format!("fields 将列“{column}”对应为“{model}”，但文件中已有名为“{model}”的列；请调整对应关系或重命名其中一列"),
            Msg::NoHeaderRow { sheet, wanted, searched, guess } => {
                let wanted = match wanted {
                    Some((x, y)) => format!("“{x}”和“{y}”"),
                    None => "经度/纬度（或 lon/lat、longitude/latitude、x/y）".into(),
                };
                let fix = match guess {
                    Some((row, x, y)) => format!(
                        "第 {row} 行下方的“{x}”“{y}”两列为坐标：请在该图层的配置中加入 header_row = {row}、x_field = {} 和 y_field = {}",
                        toml_str(x),
                        toml_str(y)
                    ),
                    None => "请在该图层的配置中设置 header_row（表头所在行号）以及 x_field/y_field（坐标列）".into(),
                };
                format!("{}找不到表头：前 {searched} 个非空行都没有坐标列 {wanted}；{fix}", sheet_zh(sheet))
            }
            Msg::HeaderRowEmpty { sheet, row } => format!("header_row = {row}，但{}第 {row} 行为空", sheet_zh(sheet)),
            Msg::HeaderTwice { sheet, row, name, first, second } => format!("{}第 {row} 行表头中“{name}”出现两次（{first} 列和 {second} 列）", sheet_zh(sheet)),
            Msg::NoCoordinateColumns { sheet, row, have } => {
                format!("{}第 {row} 行表头中没有坐标列；现有列：{}；请设置 x_field 和 y_field", sheet_zh(sheet), list(have))
            }
            Msg::CoordinateNotRead { value, column, why } => format!("“{column}”列的坐标“{value}”{why}"),
            Msg::FieldMissing { field, have } => {
                format!("缺少{field}；该图层现有字段：{}；如其中某列即为此项，请在该图层的配置中用 fields = {{ {} = \"…\" }} 对应", list(have), toml_key(&field.key))
            }
            Msg::NotANumber { field, text, why } => format!("{field}应为数值，实为“{text}”：{why}；请在文件中更正，或加 --keep-going 运行以剔除该要素"),
            Msg::NotAYear { field, text, why } => format!("{field}应为年份，实为“{text}”：{why}；请在文件中更正，或加 --keep-going 运行以剔除该要素"),
            Msg::NotFinite { field, value } => format!("{field}的值为 {value}，不是有效数值；请在文件中更正，或加 --keep-going 运行以剔除该要素"),
            Msg::FieldEmpty { field } => format!("{field}为空；请补填，或加 --keep-going 运行以剔除该要素"),
            Msg::EmptyNoRule { gap, reader, options, model } => {
                format!("{}；请补填，或在模型文件 {model} 的{}上用 missing = {} 说明空值的含义", gap.words(reader), reader.rule_at(), choices(options))
            }
            Msg::EmptyRejected { field, reader, model } => format!("{field}为空；模型文件 {model} 的{}规定 missing = \"reject\"（不参评）", reader.rule_at()),
            Msg::UnknownCategory { field, reader, value, model, have } => {
                format!("{field}{}为“{value}”，不是模型文件 {model} 规定的取值（{}）", reader.role(), list(have))
            }
            Msg::OutOfRange { indicator, value, lo, hi, model } => format!("指标“{indicator}”为 {value}，超出模型文件 {model} 规定的范围 [{lo}, {hi}]"),
            Msg::Outside { metres, street, tolerance, n, cause, layer } => format!(
                "对象位于区外 {metres:.0} 米（最近的街镇为{street}），超过 outside_tolerance_m = {tolerance}；该图层共有 {n} 个对象位于区外，{}",
                cause.words(layer)
            ),
            Msg::AllOutside { n, cause, layer } => format!(
                "该图层全部 {n} 个对象都位于区外，clip_to_district 将使该领域没有可评估的对象；{}",
                match cause {
                    Cause::SimplyOutside => format!("[layers.{layer}] 是否为其他区的文件？请核对其路径和本区的街镇图层"),
                    c => c.words(layer),
                }
            ),
            Msg::FarContext { km, margin, layer } => format!(
                "距本区 {km} 公里，超出区界 {margin} 米以上：经纬度是否颠倒、坐标系是否有误，或是否有未声明的 GCJ-02/BD-09 偏移？（请在 [layers.{layer}] 中设置 crs/offset，或调整 context_margin_m）"
            ),
            Msg::NotUtf8 { dbf, decodes_as, section } => {
                let what = if *dbf { "属性表（.dbf，无 .cpg 文件）" } else { "文件中的文字" };
                let hint = match decodes_as {
                    Some(e) => format!("按 {e} 可以正确解码：请在其 {section} 中加入 encoding = \"{e}\""),
                    None => format!("请在其 {section} 中注明编码（如 encoding = \"GBK\"），或将文件另存为 UTF-8"),
                };
                format!("{what}不是 UTF-8 编码，且未注明编码；{hint}")
            }
            Msg::UnknownEncoding { label } => format!("encoding = \"{label}\" 不是 sise 认识的编码；请使用如 \"GBK\"、\"GB18030\"、\"Big5\" 或 \"UTF-8\""),
            Msg::BadBytes { encoding, section } => format!("部分字节不是有效的 {encoding} 编码；请检查其 {section} 中的 encoding"),
            Msg::EncodingNotApplicable { label } => format!("encoding = \"{label}\" 只适用于 Shapefile（.dbf）、CSV 和 GeoJSON；该格式总是 UTF-8，请删除此项"),
            Msg::DomainValid { id, name, version, objects, layer, indicators } => {
                format!("通过  {id} {name}（{version}）：图层“{layer}”的 {objects} 个对象已评分，{indicators} 个指标")
            }
            Msg::Rewritten { layer, field, rewrites: r } => format!("图层“{layer}”{field}：以下数值经规整后读取（{}）", rewrites(r)),
            Msg::Rejected { domain, layer, id, reason } => format!("不参评  {domain} 图层“{layer}”编号 {id}：{reason}"),
            Msg::ConfigValid { layers, streets } => format!("通过  {layers} 个图层，{streets} 个街镇；运行配置有效"),
            Msg::QualityLine { id, name, registered, complete, pct, short } => {
                format!("{id} {name:<10} 登记 {registered:>5} 个，可评估 {complete:>5} 个（{pct:.1}%）{}", if *short { "  未达 80%" } else { "" })
            }
            Msg::QualityWritten { path } => format!("数据质量报告已写入 {path}"),
            Msg::BadSetting { key, value, wants } => format!("{key} = {value} {}", wants.words()),
            Msg::NotALayer { key, name, config, have } => format!("{key} = “{name}”不是 {config} 中的 [layers.*] 图层（现有：{}）", list(have)),
            Msg::WrongGeometry { model, file, needs, has } => {
                format!("几何类型不符：模型 {model}（{file}）评估{}对象，但该图层是{}图层", kind_zh(needs), kind_zh(has))
            }
            Msg::VetoFieldMissing { line, condition, name, layer } => {
                let key = toml_key(name);
                format!("第 {line} 行 [[veto]] 条件“{condition}”：“{name}”既不是指标，也不是图层“{layer}”的字段；如该图层以其他列名保存此项，请在 [layers.{layer}] 中用 fields = {{ {key} = \"…\" }} 对应")
            }
            Msg::LayerKind { line, indicator, layer, has, needs } => format!("第 {line} 行指标“{indicator}”：图层“{layer}”为{has}；该数据来源需要{needs}"),
            Msg::NoTableHeader { wanted, searched } => format!("找不到表头：前 {searched} 个非空行都没有以下任一列：{}", list(wanted)),
            Msg::ReviewColumnMissing { column, have } => {
                format!("专家研判调整表缺少“{column}”列；现有列：{}；可用 sise template 生成含全部列的调整表", list(have))
            }
            Msg::ReviewEmpty { column } => format!("“{column}”为空；每条调整须填写领域、对象编号、调整后等级、理由、专家和日期"),
            Msg::ReviewUnknownDomain { domain, have } => format!("未知领域“{domain}”；本次评估的领域：{}", list(have)),
            Msg::ReviewUnknownObject { domain, id, layer } => {
                format!("领域 {domain} 中没有编号为 {id} 的评估对象（图层“{layer}”）；请核对编号，对象已撤销的请删除该行")
            }
            Msg::ReviewBadLevel { value } => format!("调整后等级“{value}”无效：应为 1～4 或 重大/较大/一般/低（重大风险等）"),
            Msg::ReviewBadDate { value } => format!("日期“{value}”无效，应如 2025-03-12"),
            Msg::ReviewTwice { domain, id, first } => format!("{domain} 对象 {id} 有第二条调整（第一条在{first}）；每个对象只保留一行"),
            Msg::More(n) => format!("（另有 {n} 个要素）"),
            Msg::DiskFull { file, free_mb, needs_mb, basis } => {
                let file = file.as_ref().map(|f| format!("写入 {} 时", f.display())).unwrap_or_default();
                let free = free_mb.map(|f| format!("，剩余 {f:.1} MB")).unwrap_or_default();
                let needs = match basis {
                    SizeBasis::Previous => format!("本次运行约写入 {needs_mb:.1} MB（即将替换的原输出大小）"),
                    SizeBasis::OtherYear(y) => format!("本次运行约写入 {needs_mb:.1} MB（{y} 年输出的大小）"),
                    SizeBasis::Partial => format!("本次运行写入量超过已写入的 {needs_mb:.1} MB"),
                };
                format!("{file}磁盘已满（或超出配额）{free}；{needs}，替换前与原输出并存；请清理空间或用 --out 写到别处；未改动任何已有输出")
            }
        }
    }
}

/// Chinese for a geometry kind's English name.
fn kind_zh(kind: &str) -> &'static str {
    match kind {
        "point" => "点",
        "line" => "线",
        _ => "面",
    }
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&match lang() {
            Lang::En => self.en(),
            Lang::Zh => self.zh(),
        })
    }
}

impl From<Msg> for String {
    fn from(m: Msg) -> String {
        m.to_string()
    }
}
