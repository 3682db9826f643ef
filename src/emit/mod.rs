//! Emit: the assessment as files users open. An [`OutLayer`] is the one
//! table shape every output is built from (GeoPackage layers, CSV tables),
//! so a column is defined once and appears the same everywhere.

pub mod vector;
pub mod manifest;
pub mod summary;

use geo_types::Geometry;

use crate::aggregate::ZoneResult;
use crate::assess::Assessment;
use crate::level::Level;
use crate::load::GeomKind;
use crate::score::Values as ScoreValues;

#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    Int(Vec<Option<i64>>),
    Real(Vec<Option<f64>>),
    Text(Vec<Option<String>>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub values: Values,
}

impl Column {
    pub fn int(name: impl Into<String>, v: Vec<Option<i64>>) -> Column {
        Column { name: name.into(), values: Values::Int(v) }
    }
    pub fn real(name: impl Into<String>, v: Vec<Option<f64>>) -> Column {
        Column { name: name.into(), values: Values::Real(v.into_iter().map(|x| x.map(round)).collect()) }
    }
    pub fn text(name: impl Into<String>, v: Vec<Option<String>>) -> Column {
        Column { name: name.into(), values: Values::Text(v) }
    }
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
pub struct OutLayer {
    pub name: String,
    pub kind: GeomKind,
    pub geoms: Vec<Geometry<f64>>,
    pub columns: Vec<Column>,
}

/// `level`, `level_name` (重大风险…) and `colour` columns from levels.
fn level_columns(prefix: &str, levels: &[Option<Level>]) -> Vec<Column> {
    vec![
        Column::int(format!("{prefix}level"), levels.iter().map(|l| l.map(|l| l.number() as i64)).collect()),
        Column::text(format!("{prefix}level_name"), levels.iter().map(|l| l.map(|l| l.name_zh().to_owned())).collect()),
        Column::text(format!("{prefix}colour"), levels.iter().map(|l| l.map(|l| l.colour().to_owned())).collect()),
    ]
}

/// What a zone's amount counts, by the geometry of the domain's objects.
pub fn amount_suffix(kind: GeomKind) -> &'static str {
    match kind {
        GeomKind::Point => "count",
        GeomKind::Line => "length_m",
        GeomKind::Polygon => "area_m2",
    }
}

/// Per-domain columns of a zone layer: `d01_score`, `d01_level`, `d01_count` …
fn zone_columns(a: &Assessment, pick: impl Fn(usize) -> Vec<Option<ZoneResult>>) -> Vec<Column> {
    let mut cols = Vec::new();
    for (d, m) in a.models().iter().enumerate() {
        let p = m.id.to_lowercase();
        let r = pick(d);
        cols.push(Column::real(format!("{p}_score"), r.iter().map(|z| z.map(|z| z.score)).collect()));
        cols.push(Column::int(format!("{p}_level"), r.iter().map(|z| z.map(|z| z.level.number() as i64)).collect()));
        cols.push(Column::real(
            format!("{p}_{}", amount_suffix(m.geometry)),
            r.iter().map(|z| Some(z.map(|z| z.amount).unwrap_or(0.0))).collect(),
        ));
    }
    cols
}

/// Comprehensive score and level columns.
fn total_columns(totals: &[(f64, Level)]) -> Vec<Column> {
    let mut cols = vec![Column::real("score", totals.iter().map(|t| Some(t.0)).collect())];
    cols.extend(level_columns("", &totals.iter().map(|t| Some(t.1)).collect::<Vec<_>>()));
    cols
}

fn street_columns(a: &Assessment, street: &[Option<usize>]) -> Vec<Column> {
    let admin = &a.prepared.admin;
    vec![
        Column::text("street_code", street.iter().map(|s| s.map(|s| admin.codes[s].clone())).collect()),
        Column::text("street_name", street.iter().map(|s| s.map(|s| admin.names[s].clone())).collect()),
    ]
}

/// One scored layer per domain: every object with the numbers that explain its colour.
pub fn domain_layer(a: &Assessment, d: usize) -> OutLayer {
    let m = &a.models()[d];
    let objects = a.objects(d);
    let r = &a.domains[d];
    let s = &r.scores;
    let mut cols = vec![Column::text("id", objects.ids.iter().cloned().map(Some).collect())];
    cols.extend(street_columns(a, &r.object_street));
    for (k, ind) in m.indicators.iter().enumerate() {
        cols.push(match &s.values[k] {
            ScoreValues::Numbers(v) => Column::real(&ind.key, v.iter().map(|x| Some(*x)).collect()),
            ScoreValues::Texts(v) => Column::text(&ind.key, v.iter().cloned().map(Some).collect()),
        });
        cols.push(Column::real(format!("{}_score", ind.key), s.scores[k].iter().map(|x| Some(*x)).collect()));
    }
    cols.push(Column::real("inherent", s.inherent.iter().map(|x| Some(*x)).collect()));
    cols.push(Column::real("control_factor", s.control_factor.iter().map(|x| Some(*x)).collect()));
    cols.push(Column::real("score", s.score.iter().map(|x| Some(*x)).collect()));
    cols.extend(level_columns("", &s.level.iter().map(|l| Some(*l)).collect::<Vec<_>>()));
    cols.push(Column::text("veto_reason", s.veto.clone()));
    OutLayer { name: m.layer_name(), kind: m.geometry, geoms: objects.geoms.clone(), columns: cols }
}

/// The grid: each domain's result per cell and the comprehensive level.
pub fn grid_layer(a: &Assessment) -> OutLayer {
    let mut cols = vec![Column::text("cell_id", a.grid.ids.iter().cloned().map(Some).collect())];
    cols.extend(street_columns(a, &a.grid.street));
    cols.extend(zone_columns(a, |d| a.domains[d].grid.clone()));
    cols.extend(total_columns(&a.grid_total));
    OutLayer {
        name: "grid".into(),
        kind: GeomKind::Polygon,
        geoms: a.grid.cells.polygons.iter().cloned().map(Geometry::MultiPolygon).collect(),
        columns: cols,
    }
}

/// The 街镇: each domain's result per unit and the comprehensive level.
pub fn streets_layer(a: &Assessment) -> OutLayer {
    let admin = &a.prepared.admin;
    let all: Vec<Option<usize>> = (0..admin.zones.len()).map(Some).collect();
    let mut cols = street_columns(a, &all);
    cols.extend(zone_columns(a, |d| a.domains[d].admin.clone()));
    cols.extend(total_columns(&a.admin_total));
    OutLayer {
        name: "streets".into(),
        kind: GeomKind::Polygon,
        geoms: admin.zones.polygons.iter().cloned().map(Geometry::MultiPolygon).collect(),
        columns: cols,
    }
}

/// Every layer of `sise.gpkg`, in the order they are written.
pub fn all_layers(a: &Assessment) -> Vec<OutLayer> {
    let mut v: Vec<OutLayer> = (0..a.models().len()).map(|d| domain_layer(a, d)).collect();
    v.push(grid_layer(a));
    v.push(streets_layer(a));
    v
}
