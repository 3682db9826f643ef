//! Emit: the assessment as files users open. An [`OutLayer`] is the one
//! table shape every output is built from (GeoPackage layers, CSV tables),
//! so a column is defined once and appears the same everywhere.

pub mod csv;
pub mod drivers;
pub mod gpkg;
pub mod layout;
pub mod manifest;
pub mod map;
pub mod qgis;
pub mod register;
pub mod style;
pub mod summary;
pub mod tables;
pub mod tip;
pub mod tornado;
pub mod vector;
pub mod web;
pub mod xml;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use geo_types::Geometry;
use rayon::prelude::*;

use crate::aggregate::ZoneResult;
use crate::assess::Assessment;
use crate::error::{Error, Result};
use crate::level::{Level, Palette};
use crate::model::GeomKind;
use crate::review::Adjustment;
use crate::schema;
use crate::score::Values as ScoreValues;

#[derive(Debug, Clone, PartialEq)]
pub enum Values<'a> {
    Int(Vec<Option<i64>>),
    Real(Reals<'a>),
    /// Borrowed from the assessment where it holds the text (ids, 街镇
    /// names, level names): a city's layer would otherwise copy ~1 M strings.
    Text(Vec<Option<Cow<'a, str>>>),
}

/// A column of numbers, NaN for a gap (written as NULL). Borrowed from the
/// assessment where it holds them (scores, indicator values): a city's
/// layer would otherwise copy millions.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reals<'a> {
    values: Cow<'a, [f64]>,
    /// Written as they are (a copy of inputs), not to 4 decimals (outputs).
    exact: bool,
}

impl Reals<'_> {
    /// Row `row` as written.
    pub fn get(&self, row: usize) -> Option<f64> {
        let x = self.values[row];
        match (x.is_nan(), self.exact) {
            (true, _) => None,
            (false, true) => Some(x),
            (false, false) => Some(round(x)),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column<'a> {
    pub name: String,
    /// The Chinese name shown to users (QGIS field alias, table header).
    pub alias: Option<String>,
    pub values: Values<'a>,
}

impl<'a> Column<'a> {
    pub fn int(name: impl Into<String>, v: Vec<Option<i64>>) -> Column<'a> {
        Column { name: name.into(), alias: None, values: Values::Int(v) }
    }
    /// Numbers written to 4 decimals; `None` or NaN is a gap.
    pub fn real(name: impl Into<String>, v: Vec<Option<f64>>) -> Column<'a> {
        Column::reals(name, nan_gaps(v))
    }
    /// Numbers written to 4 decimals, NaN a gap; borrowed or owned.
    pub fn reals(name: impl Into<String>, v: impl Into<Cow<'a, [f64]>>) -> Column<'a> {
        Column { name: name.into(), alias: None, values: Values::Real(Reals { values: v.into(), exact: false }) }
    }
    /// Numbers written as they are (a copy of inputs); `None` is a gap.
    pub fn exact(name: impl Into<String>, v: Vec<Option<f64>>) -> Column<'a> {
        Column { name: name.into(), alias: None, values: Values::Real(Reals { values: nan_gaps(v).into(), exact: true }) }
    }
    /// Text, owned (`String`) or borrowed (`&str`, `Cow`).
    pub fn text<S: Into<Cow<'a, str>>>(name: impl Into<String>, v: Vec<Option<S>>) -> Column<'a> {
        Column { name: name.into(), alias: None, values: Values::Text(v.into_iter().map(|x| x.map(Into::into)).collect()) }
    }
    pub fn alias(mut self, alias: impl Into<String>) -> Column<'a> {
        self.alias = Some(alias.into());
        self
    }
}

/// Gaps as [`Reals`] hold them. Into a new vector: collected in place, it
/// would keep `Option<f64>`'s 16 bytes a value (a city grid's 34 number
/// columns took 62 MB instead of 31 MB).
fn nan_gaps(v: Vec<Option<f64>>) -> Vec<f64> {
    v.iter().map(|x| x.unwrap_or(f64::NAN)).collect()
}

/// Values are written with 4 decimals: enough for any indicator, and it keeps
/// tables readable and stable across platforms' last-bit differences.
fn round(x: f64) -> f64 {
    if x.is_finite() {
        (x * 1e4).round() / 1e4
    } else {
        x
    }
}

/// A layer to write: geometries in the working CRS plus attribute columns.
#[derive(Debug, Clone)]
pub struct OutLayer<'a> {
    pub name: String,
    /// Chinese title (GeoPackage identifier, QGIS layer name).
    pub title: String,
    /// What the layer is: domain, year, model version (GeoPackage description).
    pub description: String,
    pub kind: GeomKind,
    /// Borrowed from the assessment where it holds them (no copy of a
    /// city's geometries per output), owned where made for the output.
    pub geoms: Cow<'a, [Geometry<f64>]>,
    pub columns: Vec<Column<'a>>,
    /// The map tip and display expression of its QGIS style, for scored layers.
    pub tip: Option<tip::Tip>,
}

impl OutLayer<'static> {
    /// A layer with no title or description (intermediate files, demo data).
    pub fn plain(name: &str, kind: GeomKind, geoms: Vec<Geometry<f64>>, columns: Vec<Column<'static>>) -> OutLayer<'static> {
        OutLayer { name: name.into(), title: name.into(), description: String::new(), kind, geoms: Cow::Owned(geoms), columns, tip: None }
    }
}

/// `level`, `level_name` (重大风险…) and `colour` columns from levels.
fn level_columns<'a>(levels: &[Option<Level>], palette: &'a Palette) -> Vec<Column<'a>> {
    vec![
        Column::int(schema::LEVEL, levels.iter().map(|l| l.map(|l| l.number() as i64)).collect()).alias("风险等级代码"),
        Column::text(schema::LEVEL_NAME, levels.iter().map(|l| l.map(|l| l.name_zh())).collect()).alias("风险等级"),
        Column::text(schema::COLOUR, levels.iter().map(|l| l.map(|l| palette.colour(l))).collect()).alias("颜色"),
    ]
}

pub use crate::schema::domain_level_column;

/// Per-domain columns of a zone layer: `d01_score`, `d01_level`, `d01_count` …
fn zone_columns<'a>(a: &'a Assessment, pick: impl Fn(usize) -> &'a [Option<ZoneResult>]) -> Vec<Column<'static>> {
    let mut cols = Vec::new();
    for (d, m) in a.models().iter().enumerate() {
        let p = m.id.to_lowercase();
        let r = pick(d);
        let (suffix, unit) = match m.geometry {
            GeomKind::Point => ("count", "对象数"),
            GeomKind::Line => ("length_m", "长度(米)"),
            GeomKind::Polygon => ("area_m2", "面积(平方米)"),
        };
        cols.push(
            Column::reals(format!("{p}_score"), r.iter().map(|z| z.map_or(f64::NAN, |z| z.score)).collect::<Vec<_>>()).alias(format!("{}风险值", m.name)),
        );
        cols.push(Column::int(domain_level_column(&m.id), r.iter().map(|z| z.map(|z| z.level.number() as i64)).collect()).alias(format!("{}风险等级", m.name)));
        cols.push(Column::reals(format!("{p}_{suffix}"), r.iter().map(|z| z.map_or(0.0, |z| z.amount)).collect::<Vec<_>>()).alias(format!("{}{unit}", m.name)));
    }
    cols
}

/// Comprehensive score and level columns, and what drove each zone's level.
fn total_columns<'a>(a: &'a Assessment, zones: impl Iterator<Item = drivers::Zone>) -> Vec<Column<'a>> {
    let d = drivers::Drivers::new(a);
    let zones: Vec<drivers::Zone> = zones.collect();
    let totals: Vec<&crate::aggregate::Total> = zones.iter().map(|z| d.total(*z).0).collect();
    let mut cols = vec![Column::real(schema::SCORE, totals.iter().map(|t| Some(t.score)).collect()).alias("综合风险值")];
    cols.extend(level_columns(&totals.iter().map(|t| Some(t.level)).collect::<Vec<_>>(), &a.loaded.config.colours));
    cols.push(Column::text(schema::LEADING, zones.iter().map(|z| d.leading(*z)).collect()).alias("主导领域"));
    cols.push(Column::text(schema::DRIVERS, zones.iter().map(|z| d.objects_text(*z)).collect()).alias("主要风险对象"));
    cols.push(Column::text(schema::BASIS, zones.iter().map(|z| Some(d.basis(*z))).collect()).alias("定级依据"));
    let count = |l: Level| totals.iter().map(|t| Some(t.counts[l.index()] as i64)).collect();
    cols.push(Column::int(schema::RED_OBJECTS, count(Level::Major)).alias("重大风险对象数"));
    cols.push(Column::int(schema::ORANGE_OBJECTS, count(Level::Significant)).alias("较大风险对象数"));
    cols
}

fn street_columns<'a>(a: &'a Assessment, street: &[Option<usize>]) -> Vec<Column<'a>> {
    let streets = &a.loaded.streets;
    vec![
        Column::text(schema::STREET_CODE, street.iter().map(|s| s.map(|s| streets.codes[s].as_str())).collect()).alias("街镇代码"),
        Column::text(schema::STREET_NAME, street.iter().map(|s| s.map(|s| streets.names[s].as_str())).collect()).alias("街镇名称"),
    ]
}

/// "2024年 · 评估周期 2024-2026 · sise 0.1.0", for layer descriptions.
fn run_line(a: &Assessment) -> String {
    let c = &a.loaded.config;
    format!("{} {}年（评估周期 {}）；sise {}", c.district, c.year, c.cycle, env!("CARGO_PKG_VERSION"))
}

/// The expert review beside the final level: every object's computed level,
/// and an adjusted object's reason, expert and date.
fn review_columns<'a>(levels: &[Level], review: &'a BTreeMap<usize, Adjustment>) -> Vec<Column<'a>> {
    let mut computed: Vec<Option<i64>> = levels.iter().map(|l| Some(l.number() as i64)).collect();
    for (&i, a) in review {
        computed[i] = Some(a.computed.number() as i64);
    }
    let of = |f: fn(&'a Adjustment) -> &'a str| {
        let mut v = vec![None; levels.len()];
        for (&i, a) in review {
            v[i] = Some(f(a));
        }
        v
    };
    vec![
        Column::int(schema::COMPUTED_LEVEL, computed).alias("计算等级代码"),
        Column::text(schema::REVIEW_REASON, of(|a| &a.reason)).alias("专家研判理由"),
        Column::text(schema::REVIEW_EXPERT, of(|a| &a.expert)).alias("研判专家"),
        Column::text(schema::REVIEW_DATE, of(|a| &a.date)).alias("研判日期"),
    ]
}

/// One scored layer per domain: every object with the numbers that explain its colour.
pub fn domain_layer(a: &Assessment, d: usize) -> OutLayer<'_> {
    let m = &a.models()[d];
    let objects = a.objects(d);
    let r = &a.domains[d];
    let s = &r.scores;
    let palette = &a.loaded.config.colours;
    let mut cols = vec![Column::text(schema::ID, objects.ids.iter().map(|s| Some(s.as_str())).collect()).alias("编号")];
    for (key, title) in schema::DESCRIPTIVE {
        if let Some(v) = objects.descriptive(key) {
            cols.push(Column::text(key, v).alias(title));
        }
    }
    cols.extend(street_columns(a, &r.object_street));
    for (k, ind) in m.indicators.iter().enumerate() {
        let unit = ind.unit.as_deref().map(|u| format!("({u})")).unwrap_or_default();
        cols.push(
            match &s.values[k] {
                ScoreValues::Numbers(v) => Column::reals(&ind.key, v.as_slice()),
                ScoreValues::Texts(v) => Column::text(&ind.key, v.iter().map(|s| Some(s.as_str())).collect()),
            }
            .alias(format!("{}{unit}", ind.name)),
        );
        cols.push(Column::reals(format!("{}_score", ind.key), s.scores[k].as_slice()).alias(format!("{}得分", ind.name)));
    }
    cols.push(Column::reals(schema::INHERENT, s.inherent.as_slice()).alias("固有风险值"));
    cols.push(Column::reals(schema::CONTROL_FACTOR, s.control_factor.as_slice()).alias("管控系数"));
    cols.push(Column::reals(schema::SCORE, s.score.as_slice()).alias("现实风险值"));
    cols.extend(level_columns(&s.level.iter().map(|l| Some(*l)).collect::<Vec<_>>(), palette));
    cols.push(Column::text(schema::VETO_REASON, s.veto.iter().map(|v| v.as_deref()).collect()).alias("一票否决原因"));
    cols.extend(review_columns(&s.level, &r.review));
    if let Some(sens) = &r.sensitivity {
        cols.push(Column::reals(schema::STABILITY, sens.stability.as_slice()).alias("等级稳定度"));
        cols.push(Column::text(schema::CRITICAL, (0..objects.len()).map(|i| Some(if sens.is_critical(i) { "是" } else { "否" })).collect()).alias("临界"));
    }
    let mut layer = OutLayer {
        name: m.layer_name(),
        title: format!("{} {}风险", m.id, m.name),
        description: format!(
            "{}专项风险评估：{}；模型 {} 版本 {}",
            m.name,
            run_line(a),
            m.file.file_name().unwrap_or_default().to_string_lossy(),
            m.model_version
        ),
        kind: m.geometry,
        geoms: Cow::Borrowed(&objects.geoms),
        columns: cols,
        tip: None,
    };
    layer.tip = Some(tip::domain(&layer, m));
    layer
}

/// The grid: each domain's result per cell and the comprehensive level.
pub fn grid_layer(a: &Assessment) -> OutLayer<'_> {
    let mut cols = vec![Column::text(schema::CELL_ID, a.grid.ids.iter().map(|s| Some(s.as_str())).collect()).alias("网格编号")];
    cols.extend(street_columns(a, &a.grid.street));
    cols.extend(zone_columns(a, |d| &a.domains[d].grid));
    cols.extend(total_columns(a, (0..a.grid.cells.len()).map(drivers::Zone::Cell)));
    let mut layer = OutLayer {
        name: schema::GRID_LAYER.into(),
        title: "综合风险网格".into(),
        description: format!("{} 米网格综合风险及各领域风险：{}", a.grid.size, run_line(a)),
        kind: GeomKind::Polygon,
        geoms: Cow::Owned(a.grid.cells.polygons.iter().cloned().map(Geometry::MultiPolygon).collect()),
        columns: cols,
        tip: None,
    };
    layer.tip = Some(tip::zone(&layer, a.models()));
    layer
}

/// The 街镇: each domain's result per unit and the comprehensive level.
pub fn streets_layer(a: &Assessment) -> OutLayer<'_> {
    let streets = &a.loaded.streets;
    let all: Vec<Option<usize>> = (0..streets.zones.len()).map(Some).collect();
    let mut cols = street_columns(a, &all);
    cols.extend(zone_columns(a, |d| &a.domains[d].streets));
    cols.extend(total_columns(a, (0..streets.zones.len()).map(drivers::Zone::Street)));
    let mut layer = OutLayer {
        name: schema::STREETS_LAYER.into(),
        title: "街镇综合风险".into(),
        description: format!("街镇综合风险及各领域风险：{}", run_line(a)),
        kind: GeomKind::Polygon,
        geoms: Cow::Owned(streets.zones.polygons.iter().cloned().map(Geometry::MultiPolygon).collect()),
        columns: cols,
        tip: None,
    };
    layer.tip = Some(tip::zone(&layer, a.models()));
    layer
}

/// Every layer of `sise.gpkg`, in the order they are written, each made
/// when the iterator reaches it.
pub fn layers(a: &Assessment) -> impl Iterator<Item = OutLayer<'_>> {
    let domains = a.models().len();
    (0..domains + 2).map(move |k| match k.cmp(&domains) {
        std::cmp::Ordering::Less => domain_layer(a, k),
        std::cmp::Ordering::Equal => grid_layer(a),
        std::cmp::Ordering::Greater => streets_layer(a),
    })
}

impl<'a> OutLayer<'a> {
    /// The layer without its attribute values (its columns' names, aliases
    /// and types stay): what styles and the QGIS project read.
    pub fn schema(self) -> OutLayer<'a> {
        let emptied = |v: Values<'a>| match v {
            Values::Int(_) => Values::Int(Vec::new()),
            Values::Real(_) => Values::Real(Reals::default()),
            Values::Text(_) => Values::Text(Vec::new()),
        };
        let columns = self.columns.into_iter().map(|c| Column { values: emptied(c.values), ..c }).collect();
        OutLayer { columns, ..self }
    }
}

/// Run one part of the emit phase, logging how long it took (`-v`): where
/// the emit time goes is the first question on a large run.
pub fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = std::time::Instant::now();
    let out = f();
    tracing::debug!(ms = start.elapsed().as_millis() as u64, "{what} written");
    out
}

/// A value to 2 decimals, as every table, list and page shows scores and values.
fn round2(x: f64) -> f64 {
    // + 0.0 turns -0 (a tiny negative rounded away) into 0: a table never shows "-0".
    (x * 100.0).round() / 100.0 + 0.0
}

/// `round2(x)` appended as `{}` prints it ("12", "0.5", "-3.25", "NaN"),
/// from its integer hundredths: core's shortest float formatting was ~10 %
/// of building a city's 风险清单 (millions of values in its texts).
fn push_round2(out: &mut String, x: f64) {
    use std::fmt::Write as _;
    let cents = (x * 100.0).round();
    // Below 1e15 hundredths, two decimals name the value exactly (its
    // shortest form); past that, and for -0 and NaN, core decides.
    if cents.is_nan() || cents.abs() >= 1e15 || (cents == 0.0 && x.is_sign_negative()) {
        let _ = write!(out, "{}", round2(x));
        return;
    }
    let c = cents as i64;
    if c < 0 {
        out.push('-');
    }
    let (whole, frac) = (c.unsigned_abs() / 100, c.unsigned_abs() % 100);
    let _ = write!(out, "{whole}");
    if frac % 10 == 0 && frac > 0 {
        let _ = write!(out, ".{}", frac / 10);
    } else if frac > 0 {
        let _ = write!(out, ".{frac:02}");
    }
}

/// Longitude and latitude to 6 decimals (≈ 0.1 m), as the lists and the web map give them.
fn round6((x, y): (f64, f64)) -> (f64, f64) {
    ((x * 1e6).round() / 1e6, (y * 1e6).round() / 1e6)
}

/// Output files (relative to the output folder) with their SHA-256.
pub type Hashed = Vec<(PathBuf, String)>;

/// `sise.gpkg` with its default styles, the sidecar styles and the QGIS project.
fn write_gpkg(dir: &Path, a: &Assessment) -> Result<Vec<PathBuf>> {
    let palette = &a.loaded.config.colours;
    let levels = style::Look::Levels { attr: schema::LEVEL.into() };
    let mut written = vec![PathBuf::from("sise.gpkg")];
    // Each layer is made, written and dropped in turn (a city's layers
    // hold ~600 MB of attributes); its style and schema stay, for the
    // sidecar styles and the QGIS project.
    let (styles, schemas) = timed("GeoPackage", || -> Result<_> {
        let gpkg = vector::Gpkg::create(&dir.join("sise.gpkg"), &a.loaded.config.working_crs)?;
        let (mut styles, mut schemas) = (Vec::new(), Vec::new());
        for l in layers(a) {
            gpkg.add(&l)?;
            styles.push(vector::StyleRow {
                layer: l.name.clone(),
                name: "四色风险".into(),
                qml: style::qml(&l, &levels, palette),
                sld: style::sld(&l, schema::LEVEL, palette),
                description: l.title.clone(),
            });
            schemas.push(l.schema());
        }
        gpkg.finish(&styles)?;
        Ok((styles, schemas))
    })?;
    // Sidecar styles for users who add the layers by hand (and SLD for other clients).
    let style_dir = dir.join("styles");
    std::fs::create_dir(&style_dir).map_err(|e| Error::output(&style_dir, e))?;
    for st in &styles {
        for (ext, text) in [("qml", &st.qml), ("sld", &st.sld)] {
            let rel = PathBuf::from("styles").join(format!("{}.{ext}", st.layer));
            std::fs::write(dir.join(&rel), text).map_err(|e| Error::output(dir.join(&rel), e))?;
            written.push(rel);
        }
    }
    let project = timed("QGIS project", || qgis::project(a, &schemas, "sise.gpkg", palette))?;
    std::fs::write(dir.join("sise.qgs"), project).map_err(|e| Error::output(dir.join("sise.qgs"), e))?;
    written.push("sise.qgs".into());
    Ok(written)
}

/// Write every output of a run into `dir` (an empty staging folder), the
/// web map when `web`; returns the files written, relative to `dir`, with
/// their SHA-256 for the manifest. Each job hashes its files as soon as it
/// has written them, so hashing fills the cores while other jobs still write.
pub fn write_outputs(dir: &Path, a: &Assessment, keep_going: bool, web: bool) -> Result<Hashed> {
    // The GeoPackage (one SQLite writer), the tables, the web map and the maps
    // are independent files: written as separate jobs, so that no core idles
    // while another has a queue. The order matters for speed: this thread runs
    // the last job first (the tables, the longest chain: build, then the
    // workbook), an idle one takes the first (the GeoPackage). Each job fills
    // its own slot; the file list is put together in slot order.
    type Job<'a> = Box<dyn FnOnce() -> Result<Vec<PathBuf>> + Send + 'a>;
    let mut jobs: Vec<Job> = vec![Box::new(move || write_gpkg(dir, a))];
    if web {
        jobs.push(Box::new(|| timed("web map", || web::write(dir, a))));
    }
    jobs.push(Box::new(|| timed("maps", || map::write_maps(dir, a))));
    jobs.push(Box::new(|| {
        timed("summary", || summary::write(&dir.join("summary.csv"), a))?;
        let mut written = vec![PathBuf::from("summary.csv")];
        // Rejects under --keep-going, or from `missing = "reject"` rules in any run.
        if keep_going || !a.loaded.rejects.is_empty() {
            summary::write_rejects(&dir.join("rejects.csv"), &a.loaded.rejects)?;
            written.push("rejects.csv".into());
        }
        written.extend(timed("tables", || tables::write(dir, a))?);
        Ok(written)
    }));
    let hashed = |files: Vec<PathBuf>| -> Result<Hashed> {
        files
            .into_par_iter()
            .map(|f| {
                let hash = manifest::sha256_file(&dir.join(&f)).map_err(|e| Error::output(dir.join(&f), e))?;
                Ok((f, hash))
            })
            .collect()
    };
    let slots: Vec<std::sync::Mutex<Option<Result<Hashed>>>> = jobs.iter().map(|_| std::sync::Mutex::new(None)).collect();
    rayon::scope(|s| {
        for (job, slot) in jobs.into_iter().zip(&slots) {
            s.spawn(move |_| *slot.lock().expect("no job panics holding it") = Some(job().and_then(hashed)));
        }
    });
    let mut written = Vec::new();
    for slot in slots {
        written.extend(slot.into_inner().expect("no job panics holding it").expect("every job ran")?);
    }
    Ok(written)
}

#[cfg(test)]
mod round2_tests {
    use super::{push_round2, round2};

    #[test]
    fn round2_prints_as_core_formats_it() {
        let mut xs = vec![0.0, -0.0, -0.001, 0.004, 0.005, 0.015, 1.0, 10.1, 99.995, -3.25, 1e12 + 0.07, 4.4e13, 1e15, 1e300, f64::NAN, f64::INFINITY];
        // And a spread of magnitudes and fractions (a fixed LCG: the same values every run).
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..200_000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let mantissa = (seed >> 11) as f64 / (1u64 << 53) as f64;
            let exp = ((seed >> 3) % 16) as i32 - 4;
            xs.push((mantissa - 0.3) * 10f64.powi(exp));
        }
        for x in xs {
            let mut s = String::new();
            push_round2(&mut s, x);
            assert_eq!(s, format!("{}", round2(x)), "{x:e}");
        }
    }
}
