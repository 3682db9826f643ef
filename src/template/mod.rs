//! `sise template`: the forms a bureau sends out before an assessment
//! (风险普查/摸清底数), made from the models so that what comes back is what
//! the models read. For every layer of scored objects: a sheet of one XLSX
//! workbook (point layers: Chinese headers, drop-downs, ranges, a 填表说明
//! sheet with an example row; `xlsx.rs`), a typed empty layer of one
//! GeoPackage with QGIS attribute forms in its default style (`gpkg.rs`), the
//! expert review's 专家研判调整表.xlsx (`review.rs`), and `layers.toml`, the
//! `[layers.*]` entries (and `[review]`) that read the filled files back.

mod gpkg;
mod review;
mod xlsx;

use std::path::{Path, PathBuf};

use crate::config::{Offset, RunConfig};
use crate::error::{Error, Result};
use crate::model::{FieldKind, GeomKind, Model};
use crate::schema;

/// The workbook and GeoPackage names in the template folder.
pub const WORKBOOK: &str = "采集模板.xlsx";
pub const GEOPACKAGE: &str = "采集模板.gpkg";
pub const SNIPPET: &str = "layers.toml";

/// The coordinates a form asks for: longitude/latitude on one datum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Datum {
    /// WGS84 (GPS).
    Wgs84,
    /// CGCS2000 (国家2000坐标系), as survey data and 天地图 give them.
    Cgcs2000,
    /// GCJ-02, as picked on Amap (高德) or Tencent maps.
    Gcj02,
    /// BD-09, as picked on Baidu maps.
    Bd09,
}

impl Datum {
    pub fn name_zh(self) -> &'static str {
        match self {
            Datum::Wgs84 => "WGS84（GPS 坐标）",
            Datum::Cgcs2000 => "CGCS2000（国家2000坐标系、天地图）",
            Datum::Gcj02 => "GCJ-02（高德、腾讯地图坐标）",
            Datum::Bd09 => "BD-09（百度地图坐标）",
        }
    }

    /// The `crs` and `offset` of a layer entry reading such coordinates.
    fn config(self) -> (&'static str, Offset) {
        match self {
            Datum::Wgs84 => ("EPSG:4326", Offset::None),
            Datum::Cgcs2000 => ("EPSG:4490", Offset::None),
            Datum::Gcj02 => ("EPSG:4326", Offset::Gcj02),
            Datum::Bd09 => ("EPSG:4326", Offset::Bd09),
        }
    }

    /// The datum a run config's layer entry declares (WGS84 unless it says otherwise).
    fn of_layer(config: Option<&RunConfig>, layer: &str) -> Datum {
        let Some(l) = config.and_then(|c| c.layers.get(layer)) else { return Datum::Wgs84 };
        match (l.offset, l.crs.as_deref()) {
            (Offset::Gcj02, _) => Datum::Gcj02,
            (Offset::Bd09, _) => Datum::Bd09,
            (_, Some("EPSG:4490")) => Datum::Cgcs2000,
            _ => Datum::Wgs84,
        }
    }

    /// A WGS84 position as it reads on this datum (CGCS2000 and WGS84 differ by centimetres).
    fn position(self, lon: f64, lat: f64) -> (f64, f64) {
        use crate::load::crs::{gcj02_to_bd09, wgs84_to_gcj02};
        match self {
            Datum::Wgs84 | Datum::Cgcs2000 => (lon, lat),
            Datum::Gcj02 => wgs84_to_gcj02(lon, lat),
            Datum::Bd09 => {
                let (x, y) = wgs84_to_gcj02(lon, lat);
                gcj02_to_bd09(x, y)
            }
        }
    }
}

/// One column of a form.
#[derive(Debug, Clone)]
pub struct FormColumn {
    /// The field's name in the models (and the GeoPackage column).
    pub key: String,
    /// The Chinese header, with the unit: "建筑面积（m²）".
    pub header: String,
    /// The Chinese name without the unit (the GeoPackage alias).
    pub name: String,
    pub kind: FieldKind,
    pub required: bool,
    /// What it is for: the domains and indicators that read it.
    pub note: String,
    pub example: String,
}

/// The form of one layer of scored objects.
#[derive(Debug, Clone)]
pub struct Form {
    /// The run-config layer name.
    pub layer: String,
    /// The sheet's name: the names of the domains scoring the layer.
    pub title: String,
    pub kind: GeomKind,
    pub datum: Datum,
    pub columns: Vec<FormColumn>,
    /// An example position (the district's centre, or Shanghai's) on the form's datum.
    pub example_lonlat: (f64, f64),
}

/// Where the forms are for: district, year, its 街镇 and centre (from a run config).
pub struct Setting {
    pub district: String,
    pub year: Option<i32>,
    pub streets: Vec<String>,
    /// WGS84 longitude/latitude of the district's centre.
    pub centre: (f64, f64),
}

impl Setting {
    /// From a run config: its district, year, 街镇 names and centre.
    pub fn of(config: &RunConfig) -> Result<Setting> {
        let streets = crate::assess::streets_of(config)?;
        let rect = streets.zones.bounds();
        let to_wgs84 =
            crate::load::crs::Transform::new(&config.working_crs, "EPSG:4326").map_err(|e| Error::Config { file: config.file.clone(), message: e.into() })?;
        let centre = match rect {
            Some(r) => to_wgs84.point(r.center().x, r.center().y).map_err(|e| Error::Config { file: config.file.clone(), message: e.into() })?,
            None => SHANGHAI,
        };
        Ok(Setting { district: config.district.clone(), year: Some(config.year), streets: streets.names, centre })
    }

    /// Without a run config: no 街镇 list, Shanghai's centre.
    pub fn none() -> Setting {
        Setting { district: String::new(), year: None, streets: Vec::new(), centre: SHANGHAI }
    }
}

/// 人民广场, the example position without a district.
const SHANGHAI: (f64, f64) = (121.4737, 31.2304);

/// The standard columns every form starts with: key, Chinese name, required.
const STANDARD: [(&str, &str, bool); 5] = [
    (schema::ID, "编号", true),
    (schema::NAME, "名称", true),
    (schema::ADDRESS, "地址", false),
    (schema::DECLARED_STREET, "所在街镇", false),
    (schema::RESPONSIBLE_UNIT, "责任单位", false),
];

/// The forms of every layer the models score, in the order of the models.
pub fn forms(models: &[Model], config: Option<&RunConfig>, setting: &Setting, datum: Option<Datum>) -> Vec<Form> {
    let mut forms: Vec<Form> = Vec::new();
    for m in models {
        let at = match forms.iter().position(|f| f.layer == m.objects()) {
            Some(i) => {
                forms[i].title = format!("{}、{}", forms[i].title, m.name);
                i
            }
            None => {
                let datum = datum.unwrap_or_else(|| Datum::of_layer(config, m.objects()));
                forms.push(Form {
                    layer: m.objects().to_owned(),
                    title: m.name.clone(),
                    kind: m.geometry,
                    datum,
                    columns: standard_columns(m, setting),
                    example_lonlat: datum.position(setting.centre.0, setting.centre.1),
                });
                forms.len() - 1
            }
        };
        for f in m.object_fields() {
            let note = format!("{} {}：{}", m.id, m.name, f.used_for);
            let cols = &mut forms[at].columns;
            match cols.iter_mut().find(|c| c.key == f.key) {
                Some(c) => {
                    c.note = format!("{}；{note}", c.note);
                    c.required |= f.required;
                }
                None => cols.push(FormColumn {
                    header: match &f.unit {
                        Some(u) => format!("{}（{u}）", f.name),
                        None => f.name.clone(),
                    },
                    example: example(&f.kind, setting.year),
                    key: f.key,
                    name: f.name,
                    kind: f.kind,
                    required: f.required,
                    note,
                }),
            }
        }
    }
    // Sheet names are unique and at most 31 characters (Excel's limit).
    for i in 0..forms.len() {
        let mut t: String = forms[i].title.chars().take(28).collect();
        if forms[..i].iter().any(|f| f.title == t) {
            t = format!("{t}{}", i + 1);
        }
        forms[i].title = t;
    }
    forms
}

fn standard_columns(m: &Model, setting: &Setting) -> Vec<FormColumn> {
    STANDARD
        .iter()
        .map(|(key, name, required)| FormColumn {
            key: (*key).to_owned(),
            header: (*name).to_owned(),
            name: (*name).to_owned(),
            kind: if *key == schema::DECLARED_STREET && !setting.streets.is_empty() { FieldKind::Choice(setting.streets.clone()) } else { FieldKind::Text },
            required: *required,
            note: match *key {
                schema::ID => "对象的唯一编号，同一表内不得重复；逐年评估保持不变".to_owned(),
                schema::NAME => "单位或设施名称，列入风险清单".to_owned(),
                schema::DECLARED_STREET => "对象所在街镇（评估时按坐标核对）".to_owned(),
                schema::RESPONSIBLE_UNIT => "风险管控责任单位或监管部门".to_owned(),
                _ => "详细地址，列入风险清单".to_owned(),
            },
            example: match *key {
                schema::ID => format!("{}001", m.id),
                schema::NAME => format!("示例{}单位", m.name),
                schema::ADDRESS => format!("上海市{}某某路1号", setting.district),
                schema::DECLARED_STREET => setting.streets.first().cloned().unwrap_or_default(),
                _ => "某某街镇安全办".to_owned(),
            },
        })
        .collect()
}

/// An example value of a column.
fn example(kind: &FieldKind, year: Option<i32>) -> String {
    match kind {
        FieldKind::Choice(v) => v.get(v.len() / 2).cloned().unwrap_or_default(),
        FieldKind::Number(Some((lo, hi))) => format!("{}", ((lo + hi) / 2.0).round()),
        FieldKind::Number(None) => "0".into(),
        FieldKind::Year => format!("{}", year.unwrap_or(2024) - 10),
        FieldKind::Text => "无".into(),
    }
}

/// Write the template folder `out` (replacing it as a whole): the workbook,
/// the GeoPackage and `layers.toml`. Returns the files written.
pub fn write(out: &Path, models: &[Model], config: Option<&RunConfig>, datum: Option<Datum>) -> Result<Vec<PathBuf>> {
    let setting = match config {
        Some(c) => Setting::of(c)?,
        None => Setting::none(),
    };
    let forms = forms(models, config, &setting, datum);
    let working_crs = config.map_or("EPSG:4549", |c| c.working_crs.as_str());
    let mut written = Vec::new();
    crate::stage::staged(out, |dir| {
        let points: Vec<&Form> = forms.iter().filter(|f| f.kind == GeomKind::Point).collect();
        xlsx::write(&dir.join(WORKBOOK), &points, &forms, &setting).map_err(|e| Error::output(dir.join(WORKBOOK), e))?;
        gpkg::write(&dir.join(GEOPACKAGE), &forms, working_crs)?;
        review::write(&dir.join(review::WORKBOOK), models, &setting).map_err(|e| Error::output(dir.join(review::WORKBOOK), e))?;
        let snippet = snippet(&forms);
        std::fs::write(dir.join(SNIPPET), snippet).map_err(|e| Error::output(dir.join(SNIPPET), e))?;
        written = vec![PathBuf::from(WORKBOOK), PathBuf::from(GEOPACKAGE), PathBuf::from(review::WORKBOOK), PathBuf::from(SNIPPET)];
        Ok(())
    })?;
    Ok(written)
}

/// The `[layers.*]` entries that read the filled templates: point layers
/// from their sheet (header on row 2, Chinese headers mapped to the model's
/// fields), the others from the GeoPackage (model field names as columns).
fn snippet(forms: &[Form]) -> String {
    let mut s = String::from(
        "# The [layers.*] entries that read the filled templates: copy them into\n\
         # assessment.toml in place of the layers they replace, next to the files.\n",
    );
    for f in forms {
        s.push('\n');
        if f.kind == GeomKind::Point {
            let (crs, offset) = f.datum.config();
            let offset = match offset {
                Offset::None => String::new(),
                Offset::Gcj02 => "offset = \"gcj02\"\n".into(),
                Offset::Bd09 => "offset = \"bd09\"\n".into(),
            };
            let id = &f.columns[0].header;
            s.push_str(&format!(
                "[layers.{}]\npath = \"{WORKBOOK}\"\nlayer = \"{}\"\ncrs = \"{crs}\"\n{offset}header_row = 2\nid_field = \"{id}\"\n\n[layers.{}.fields]\n",
                f.layer, f.title, f.layer
            ));
            for c in f.columns.iter().skip(1) {
                s.push_str(&format!("{} = \"{}\"\n", c.key, c.header));
            }
        } else {
            s.push_str(&format!("[layers.{}]\npath = \"{GEOPACKAGE}\"\nlayer = \"{}\"\nid_field = \"id\"\n", f.layer, f.layer));
        }
    }
    s.push_str(&format!("\n# After the review meeting: the experts' adjustments of computed levels.\n[review]\nadjustments = \"{}\"\n", review::WORKBOOK));
    s
}
