//! Indicator sources: where an indicator's raw value comes from.
//!
//! Everything the model language says about a source is in this file, one
//! `match` per question: its name and the keys it takes ([`Source::parse`]),
//! what it reads ([`Source::reads`]: fields of the objects or of another
//! layer, and that layer's kind), how far it looks ([`Source::reach_m`]),
//! what `missing` means for it and which words fit ([`Source::missing_choices`]),
//! and its wording in both languages ([`Source::words`]). How its values are
//! computed is its one arm in `score::values`. Adding a source is a variant
//! here with its arms and its name in [`NAMES`], that
//! arm, and a test.

use serde::Serialize;

use super::missing::Missing;
use super::raw::RawIndicator;
pub use super::raw::Stat;
use super::GeomKind;
use crate::msg::Lang;
use crate::msg::{Choice, MissingMisfit, Msg};

/// Where an indicator's raw value comes from. Distances and radii are
/// working-CRS metres; lengths metres, areas square metres.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Source {
    /// A numeric or text field of the scored object.
    Attribute { field: String },
    /// Years from a year field to the assessment year (e.g. pipe age from install year).
    Age { field: String },
    /// An arithmetic formula over earlier indicators, numeric fields and the
    /// built-ins `length_m` and `area_m2` of the object.
    Formula { expr: Expr, vars: Vec<Var> },
    /// Count of features of `layer` within `radius_m`, or the sum of their `field`.
    Within { layer: String, field: Option<String>, radius_m: f64 },
    /// Largest `field` of the features of `layer` within `radius_m`, 0 where
    /// there is none (e.g. the worst 重大危险源等级 near a school).
    MaxWithin { layer: String, field: String, radius_m: f64 },
    /// Metres of the line layer inside the object buffered by `radius_m`.
    LengthWithin { layer: String, radius_m: f64 },
    /// Square metres of the polygon layer inside the object buffered by `radius_m`.
    AreaWithin { layer: String, radius_m: f64 },
    /// Metres to the nearest feature of `layer`; with `radius_m`, the search
    /// stops there and anything farther counts as `radius_m` (a finite reach,
    /// which tiled runs need for their halos).
    NearestDistance { layer: String, radius_m: Option<f64> },
    /// Largest `field` of the polygons of `layer` the object touches (e.g. a
    /// hazard-census grade); the indicator's `missing` where it touches none.
    OverlapMax { layer: String, field: String },
    /// Raster value at the object's interior point; the indicator's `missing` where the raster has no data.
    RasterSample { layer: String },
    /// Statistic of the raster cells whose centres lie in the object's
    /// footprint (polygons) or in its buffer of `radius_m`; the indicator's `missing` where none.
    RasterZonal { layer: String, stat: Stat, radius_m: Option<f64> },
}

/// A formula, parsed once when the model is read; scoring evaluates it with
/// one value per variable, in the order of [`Source::Formula`]'s `vars`.
#[derive(Debug, Clone)]
pub struct Expr {
    pub text: String,
    /// Boxed: a parsed expression is ~20 kB, which every `Source` would carry.
    pub parsed: Box<exmex::FlatEx<f64>>,
}

impl PartialEq for Expr {
    fn eq(&self, other: &Expr) -> bool {
        self.text == other.text
    }
}

impl Serialize for Expr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl std::fmt::Display for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// A variable of a formula.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Var {
    /// An earlier indicator's raw value (by index).
    Indicator(usize),
    /// A numeric field of the objects.
    Field(String),
    LengthM,
    AreaM2,
}

/// A field a source reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldRead<'a> {
    /// A field of the scored objects.
    Object { field: &'a str, as_: Reading },
    /// A numeric field of the features of another layer.
    Context { layer: &'a str, field: &'a str },
}

/// How a field of the objects is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// A number, in the indicator's declared unit.
    Number,
    /// A number that a formula reads (a field not found is a formula variable not found).
    FormulaNumber,
    /// A year (as ledgers write it), made an age.
    Year,
    /// Folded text, a category.
    Category,
}

/// The kind of layer a source looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Looks {
    /// Vector features, of this geometry when it matters.
    Vector(Option<GeomKind>),
    Raster,
}

/// Every source's name, as a model file writes it.
pub const NAMES: [&str; 12] = [
    "attribute",
    "age",
    "formula",
    "count_within",
    "sum_within",
    "max_within",
    "length_within",
    "area_within",
    "nearest_distance",
    "overlap_max",
    "raster_sample",
    "raster_zonal",
];

impl Source {
    /// The source an `[[indicator]]` entry describes, with the keys it
    /// needs; a key the source does not read is refused (a typo, or a key
    /// meant for another source). `earlier` are the keys of the indicators
    /// before it, which a formula may use, each with whether it is categorical.
    pub(super) fn parse(r: &RawIndicator, earlier: &[(&str, bool)]) -> Result<Source, String> {
        let src = r.source.get_ref().as_str();
        let need = |v: &Option<String>, key: &'static str| v.clone().ok_or_else(|| String::from(Msg::SourceNeeds { source: src.to_owned(), key }));
        let radius = |required: bool| -> Result<Option<f64>, String> {
            match r.radius_m {
                Some(x) if !(x.is_finite() && x > 0.0) => Err(Msg::RadiusNotPositive { value: x }.into()),
                None if required => Err(Msg::SourceNeeds { source: src.to_owned(), key: "radius_m" }.into()),
                other => Ok(other),
            }
        };
        let within = || radius(true).map(|r| r.expect("required"));
        let source = match src {
            "attribute" => Source::Attribute { field: need(&r.field, "field")? },
            "age" => Source::Age { field: need(&r.field, "field")? },
            "formula" => formula(need(&r.expr, "expr")?, earlier)?,
            "count_within" => Source::Within { layer: need(&r.layer, "layer")?, field: None, radius_m: within()? },
            "sum_within" => Source::Within { layer: need(&r.layer, "layer")?, field: Some(need(&r.field, "field")?), radius_m: within()? },
            "max_within" => Source::MaxWithin { layer: need(&r.layer, "layer")?, field: need(&r.field, "field")?, radius_m: within()? },
            "length_within" => Source::LengthWithin { layer: need(&r.layer, "layer")?, radius_m: within()? },
            "area_within" => Source::AreaWithin { layer: need(&r.layer, "layer")?, radius_m: within()? },
            "nearest_distance" => Source::NearestDistance { layer: need(&r.layer, "layer")?, radius_m: radius(false)? },
            "overlap_max" => Source::OverlapMax { layer: need(&r.layer, "layer")?, field: need(&r.field, "field")? },
            "raster_sample" => Source::RasterSample { layer: need(&r.layer, "layer")? },
            "raster_zonal" => Source::RasterZonal {
                layer: need(&r.layer, "layer")?,
                stat: r.stat.ok_or_else(|| String::from(Msg::SourceNeeds { source: src.to_owned(), key: "stat" }))?,
                radius_m: radius(false)?,
            },
            other => return Err(unknown(other)),
        };
        let keys = [
            ("field", r.field.is_some(), source.takes_field()),
            ("layer", r.layer.is_some(), source.layer().is_some()),
            ("radius_m", r.radius_m.is_some(), source.takes_radius()),
            ("missing", r.missing.is_some(), source.can_be_missing()),
            ("expr", r.expr.is_some(), matches!(source, Source::Formula { .. })),
            ("stat", r.stat.is_some(), matches!(source, Source::RasterZonal { .. })),
        ];
        match keys.iter().find(|(_, present, applies)| *present && !applies) {
            Some((key, _, _)) => Err(Msg::KeyNotForSource { key, source: src.to_owned() }.into()),
            None => Ok(source),
        }
    }

    /// Whether the source takes the `field` key.
    fn takes_field(&self) -> bool {
        matches!(
            self,
            Source::Attribute { .. } | Source::Age { .. } | Source::Within { field: Some(_), .. } | Source::MaxWithin { .. } | Source::OverlapMax { .. }
        )
    }

    /// Whether the source takes the `radius_m` key.
    fn takes_radius(&self) -> bool {
        matches!(
            self,
            Source::Within { .. }
                | Source::MaxWithin { .. }
                | Source::LengthWithin { .. }
                | Source::AreaWithin { .. }
                | Source::NearestDistance { .. }
                | Source::RasterZonal { .. }
        )
    }

    /// The other layer this indicator reads, if any.
    pub fn layer(&self) -> Option<&str> {
        match self {
            Source::Attribute { .. } | Source::Age { .. } | Source::Formula { .. } => None,
            Source::Within { layer, .. }
            | Source::MaxWithin { layer, .. }
            | Source::LengthWithin { layer, .. }
            | Source::AreaWithin { layer, .. }
            | Source::NearestDistance { layer, .. }
            | Source::OverlapMax { layer, .. }
            | Source::RasterSample { layer, .. }
            | Source::RasterZonal { layer, .. } => Some(layer),
        }
    }

    /// The kind of layer [`Source::layer`] must be.
    pub fn looks(&self) -> Option<Looks> {
        Some(match self {
            Source::Attribute { .. } | Source::Age { .. } | Source::Formula { .. } => return None,
            Source::Within { .. } | Source::MaxWithin { .. } | Source::NearestDistance { .. } => Looks::Vector(None),
            Source::LengthWithin { .. } => Looks::Vector(Some(GeomKind::Line)),
            Source::AreaWithin { .. } | Source::OverlapMax { .. } => Looks::Vector(Some(GeomKind::Polygon)),
            Source::RasterSample { .. } | Source::RasterZonal { .. } => Looks::Raster,
        })
    }

    /// Whether the source can score objects of `geometry` (a zonal
    /// statistic over a point or line has no footprint without a radius).
    pub fn fits(&self, geometry: GeomKind) -> Result<(), String> {
        match self {
            Source::RasterZonal { radius_m: None, .. } if geometry != GeomKind::Polygon => Err(Msg::ZonalNeedsRadius.into()),
            _ => Ok(()),
        }
    }

    /// Every field the source reads; `categorical` when its indicator scores categories.
    pub fn reads(&self, categorical: bool) -> Vec<FieldRead<'_>> {
        match self {
            Source::Attribute { field } if categorical => vec![FieldRead::Object { field, as_: Reading::Category }],
            Source::Attribute { field } => vec![FieldRead::Object { field, as_: Reading::Number }],
            Source::Age { field } => vec![FieldRead::Object { field, as_: Reading::Year }],
            Source::Formula { vars, .. } => vars
                .iter()
                .filter_map(|v| match v {
                    Var::Field(f) => Some(FieldRead::Object { field: f, as_: Reading::FormulaNumber }),
                    _ => None,
                })
                .collect(),
            Source::Within { layer, field: Some(f), .. } | Source::MaxWithin { layer, field: f, .. } | Source::OverlapMax { layer, field: f } => {
                vec![FieldRead::Context { layer, field: f }]
            }
            _ => vec![],
        }
    }

    /// Fields of the scored objects this indicator reads.
    pub fn object_fields(&self) -> Vec<&str> {
        self.reads(false)
            .into_iter()
            .filter_map(|r| match r {
                FieldRead::Object { field, .. } => Some(field),
                FieldRead::Context { .. } => None,
            })
            .collect()
    }

    /// Whether the indicator's declared `unit` is the unit of this field
    /// (of the objects with `layer` None, else of that layer's features).
    pub fn reads_in_unit(&self, layer: Option<&str>, field: &str) -> bool {
        match (self, layer) {
            (Source::Attribute { field: f } | Source::Age { field: f }, None) => f == field,
            (Source::Within { layer: l, field: Some(f), .. } | Source::MaxWithin { layer: l, field: f, .. }, Some(layer)) => l == layer && f == field,
            _ => false,
        }
    }

    /// The largest distance at which this indicator looks at other features (for tiling halos).
    pub fn reach_m(&self) -> f64 {
        match self {
            Source::Within { radius_m, .. }
            | Source::MaxWithin { radius_m, .. }
            | Source::LengthWithin { radius_m, .. }
            | Source::AreaWithin { radius_m, .. } => *radius_m,
            Source::RasterZonal { radius_m: Some(r), .. } | Source::NearestDistance { radius_m: Some(r), .. } => *r,
            Source::NearestDistance { radius_m: None, .. } => f64::INFINITY,
            _ => 0.0,
        }
    }

    /// Whether the source reads something that can be missing at all (a
    /// field value, a hazard polygon, raster data), so `missing` applies.
    pub fn can_be_missing(&self) -> bool {
        !matches!(self, Source::Within { field: None, .. } | Source::LengthWithin { .. } | Source::AreaWithin { .. } | Source::NearestDistance { .. })
    }

    /// Whether an empty value here is "no hazard polygon or raster data at
    /// the object" rather than an empty field.
    fn missing_is_no_data(&self) -> bool {
        matches!(self, Source::OverlapMax { .. } | Source::RasterSample { .. } | Source::RasterZonal { .. })
    }

    /// The `missing` words that fit this source, for an indicator scoring
    /// categories or not, with a worst value or not (min–max and raw values
    /// have one only with a declared range): what the model check accepts
    /// and what messages suggest.
    pub fn missing_choices(&self, categorical: bool, has_worst: bool) -> Vec<Choice> {
        let choices: &[Choice] = match self {
            Source::Attribute { .. } if categorical => &[Choice::Reject, Choice::Worst],
            // A summed or compared field of each nearby feature has no "worst".
            Source::Within { .. } | Source::MaxWithin { .. } => &[Choice::Reject, Choice::Zero, Choice::Number],
            _ if self.missing_is_no_data() => &[Choice::Worst, Choice::Zero, Choice::Number],
            _ => &[Choice::Reject, Choice::Zero, Choice::Worst, Choice::Number],
        };
        choices.iter().copied().filter(|c| *c != Choice::Worst || has_worst).collect()
    }

    /// Whether `missing` fits this source (see [`Source::missing_choices`]), with why not.
    pub(super) fn check_missing(&self, missing: Missing, categorical: bool, has_worst: bool) -> Result<(), String> {
        let choice = match missing {
            Missing::Error => return Ok(()),
            Missing::Reject => Choice::Reject,
            Missing::Zero => Choice::Zero,
            Missing::Worst => Choice::Worst,
            Missing::Value(_) => Choice::Number,
        };
        if self.missing_choices(categorical, has_worst).contains(&choice) {
            return Ok(());
        }
        let why = match (self, missing) {
            (Source::Attribute { .. }, Missing::Zero | Missing::Value(_)) => MissingMisfit::NumberForCategory,
            (Source::Within { .. } | Source::MaxWithin { .. }, Missing::Worst) => MissingMisfit::WorstNearby,
            (_, Missing::Reject) if self.missing_is_no_data() => MissingMisfit::RejectNoData,
            _ => MissingMisfit::WorstUnbounded,
        };
        Err(Msg::MissingNotFor { why }.into())
    }

    /// Where the value comes from, in words; `geometry` is what the model scores.
    pub fn words(&self, geometry: GeomKind, lang: Lang) -> String {
        match self {
            Source::Attribute { field } => lang.pick(format!("field '{field}'"), format!("属性字段 {field}")),
            Source::Age { field } => lang.pick(format!("years from field '{field}' to the assessment year"), format!("字段 {field} 至评估年份的年数")),
            Source::Formula { expr, .. } => lang.pick(format!("formula {expr}"), format!("计算式 {expr}")),
            Source::Within { layer, field: Some(f), radius_m } => {
                lang.pick(format!("sum of '{f}' of '{layer}' within {radius_m} m"), format!("{radius_m} 米范围内 {layer} 的 {f} 合计"))
            }
            Source::Within { layer, field: None, radius_m } => {
                lang.pick(format!("number of '{layer}' features within {radius_m} m"), format!("{radius_m} 米范围内 {layer} 的数量"))
            }
            Source::MaxWithin { layer, field, radius_m } => lang.pick(
                format!("largest '{field}' of '{layer}' within {radius_m} m (0 where none)"),
                format!("{radius_m} 米范围内 {layer} 的 {field} 最高值（无则记 0）"),
            ),
            Source::LengthWithin { layer, radius_m } => {
                lang.pick(format!("metres of '{layer}' within {radius_m} m"), format!("{radius_m} 米范围内 {layer} 的长度（米）"))
            }
            Source::AreaWithin { layer, radius_m } => {
                lang.pick(format!("m² of '{layer}' within {radius_m} m"), format!("{radius_m} 米范围内 {layer} 的面积（平方米）"))
            }
            Source::NearestDistance { layer, radius_m: None } => {
                lang.pick(format!("metres to the nearest '{layer}' feature"), format!("至最近 {layer} 的距离（米）"))
            }
            Source::NearestDistance { layer, radius_m: Some(r) } => lang.pick(
                format!("metres to the nearest '{layer}' feature, {r} where none is nearer"),
                format!("至最近 {layer} 的距离（米，{r} 米内没有时记为 {r}）"),
            ),
            Source::OverlapMax { layer, field } => {
                lang.pick(format!("largest '{field}' of the '{layer}' polygons touched"), format!("所在 {layer} 区域 {field} 的最高值"))
            }
            Source::RasterSample { layer } => lang.pick(format!("raster '{layer}' at the object"), format!("栅格 {layer} 在对象位置的取值")),
            Source::RasterZonal { layer, stat, radius_m } => {
                let (en_stat, zh_stat) = match stat {
                    Stat::Mean => ("mean", "平均值"),
                    Stat::Max => ("maximum", "最大值"),
                    Stat::Sum => ("sum", "合计"),
                };
                let (en_area, zh_area) = match radius_m {
                    Some(r) => (format!("{r} m around the object"), format!("周边 {r} 米")),
                    None => (format!("the {} footprint", geometry.name()), "对象范围".to_owned()),
                };
                lang.pick(format!("{en_stat} of raster '{layer}' over {en_area}"), format!("栅格 {layer} 在{zh_area}内的{zh_stat}"))
            }
        }
    }
}

/// A formula, parsed once: its variables are earlier indicators, fields of
/// the objects (a categorical indicator's field too) and the built-ins.
fn formula(text: String, earlier: &[(&str, bool)]) -> Result<Source, String> {
    use exmex::Express;
    let parsed = exmex::parse::<f64>(&text).map_err(|e| crate::msg::ModelMistake::Expr { text: text.clone(), detail: e.to_string() })?;
    let vars = parsed
        .var_names()
        .iter()
        .map(|v| match v.as_str() {
            "length_m" => Var::LengthM,
            "area_m2" => Var::AreaM2,
            name => match earlier.iter().position(|(key, _)| *key == name) {
                Some(k) if earlier[k].1 => Var::Field(name.to_owned()),
                Some(k) => Var::Indicator(k),
                None => Var::Field(name.to_owned()),
            },
        })
        .collect();
    Ok(Source::Formula { expr: Expr { text, parsed: Box::new(parsed) }, vars })
}

/// The message for a source name the model language does not have.
pub(super) fn unknown(name: &str) -> String {
    Msg::UnknownSource { name: name.to_owned(), names: NAMES.iter().map(|n| n.to_string()).collect() }.into()
}
