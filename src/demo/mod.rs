//! Synthetic sector layers for the demo district, placed inside real 街镇
//! boundaries. Sector data (enterprises, pipelines, …) is not public, so the
//! demo makes plausible layers deterministically from a seed: the same seed
//! gives the same features and values on every machine (ChaCha8 is a
//! portable generator).
//!
//! The layers deliberately use different formats and CRSs, as real
//! deliveries do: CSV in GCJ-02 (web-map POIs), GeoJSON and Shapefile in
//! WGS84, GeoPackage and GeoTIFF in the working CRS.

pub mod city;
mod exposure;
mod hazards;
mod networks;
mod next_year;
mod sectors;

use exposure::*;
use hazards::*;
use networks::*;
pub use next_year::next_year;
use sectors::*;

use std::fmt::Write as _;
use std::path::Path;

use gdal::raster::{Buffer, RasterCreationOptions};
use gdal::spatial_ref::SpatialRef;
use gdal::DriverManager;
use geo::{BooleanOps, BoundingRect, Buffer as _, Contains};
use geo_types::{Coord, Geometry, LineString, MultiLineString, MultiPolygon, Point, Rect};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::aggregate::Zones;
use crate::config::{LayerConfig, Offset};
use crate::emit::vector::write as write_ogr;
use crate::emit::{Column, OutLayer};
use crate::error::{Bad, Error, Result};
use crate::load::crs::{wgs84_to_gcj02, Transform};
use crate::load::{vector, Strictness};
use crate::model::GeomKind;
use crate::objects::RowChecks;

/// The CRS the demo is built in (and the demo run's working CRS).
pub const WORKING_CRS: &str = "EPSG:4549";

/// 街镇 of 普陀区 with mostly pre-1995 housing and networks (曹杨新村 is the
/// 1950s workers' village; 长寿路/宜川路/甘泉路 are dense older blocks).
const OLD_STREETS: [&str; 4] = ["曹杨新村街道", "长寿路街道", "宜川路街道", "甘泉路街道"];

/// How much the generator makes, relative to the 普陀 demo (where all
/// factors are 1 and the raster cell is 20 m). The city-scale benchmark
/// district raises them (see [`city`]).
#[derive(Debug, Clone, Copy)]
pub struct Density {
    /// Multiplies the number of facilities (enterprises, stations, sites, zones).
    pub facilities: f64,
    /// Multiplies the number of census-type features (residential blocks,
    /// buildings, equipment, chargers, factories, accidents).
    pub census: f64,
    /// Divides the spacing of the street-grid networks (pipes, roads, mains).
    pub networks: f64,
    /// Cell size of the inundation raster (m).
    pub raster_m: f64,
}

impl Density {
    pub const DEMO: Density = Density { facilities: 1.0, census: 1.0, networks: 1.0, raster_m: 20.0 };
}

struct Demo {
    rng: ChaCha8Rng,
    density: Density,
    streets: Zones,
    names: Vec<String>,
    /// Per 街镇: mostly pre-1995 housing and networks.
    old: Vec<bool>,
    district: MultiPolygon<f64>,
    bounds: Rect<f64>,
    to_wgs84: Transform,
}

impl Demo {
    fn pick<'a, T>(&mut self, items: &'a [(T, f64)]) -> &'a T {
        let total: f64 = items.iter().map(|(_, w)| w).sum();
        let mut r = self.rng.gen::<f64>() * total;
        for (item, w) in items {
            if r < *w {
                return item;
            }
            r -= w;
        }
        &items[items.len() - 1].0
    }

    /// A uniform random point inside `area`.
    fn point_in(&mut self, area: &MultiPolygon<f64>) -> Point<f64> {
        let b = area.bounding_rect().expect("non-empty polygon");
        loop {
            let p = Point::new(self.rng.gen_range(b.min().x..b.max().x), self.rng.gen_range(b.min().y..b.max().y));
            if area.contains(&p) {
                return p;
            }
        }
    }

    /// A point in the named 街镇, or anywhere in the district.
    fn point_in_street(&mut self, street: Option<&str>) -> Point<f64> {
        let area = match street.and_then(|s| self.names.iter().position(|n| n == s)) {
            Some(i) => self.streets.polygons[i].clone(),
            None => self.district.clone(),
        };
        self.point_in(&area)
    }

    fn street_of(&self, p: Point<f64>) -> Option<&str> {
        self.streets.locate(p).map(|i| self.names[i].as_str())
    }

    fn is_old(&self, p: Point<f64>) -> bool {
        self.streets.locate(p).is_some_and(|i| self.old[i])
    }

    fn facilities(&self, n: usize) -> usize {
        (n as f64 * self.density.facilities).round() as usize
    }

    fn census(&self, n: usize) -> usize {
        (n as f64 * self.density.census).round() as usize
    }

    /// People per residential feature shrink as features get denser, so the
    /// population per km² stays that of the demo.
    fn people_per_feature(&self) -> f64 {
        self.density.census / self.density.facilities
    }

    fn wgs84(&self, p: Point<f64>) -> Result<(f64, f64)> {
        self.to_wgs84.point(p.x(), p.y()).map_err(|e| Error::output("demo", e))
    }

    fn wgs84_points(&self, pts: &[Point<f64>]) -> Result<Vec<Geometry<f64>>> {
        pts.iter().map(|p| self.wgs84(*p).map(|(x, y)| Point::new(x, y).into())).collect()
    }
}

fn text(v: Vec<String>) -> Vec<Option<String>> {
    v.into_iter().map(Some).collect()
}

/// The 普陀 demo layers (as committed in `layers/demo`).
pub fn generate(streets_path: &Path, metro_path: &Path, out: &Path, seed: u64) -> Result<()> {
    generate_with(streets_path, metro_path, out, seed, Density::DEMO, &OLD_STREETS)
}

/// Sector layers inside the 街镇 of `streets_path`, `density` times as many
/// as the demo; `old_streets` names the 街镇 with old housing and networks.
pub fn generate_with(streets_path: &Path, metro_path: &Path, out: &Path, seed: u64, density: Density, old_streets: &[&str]) -> Result<()> {
    let cfg = LayerConfig { path: streets_path.to_owned(), layer: None, crs: None, offset: Offset::None, id_field: Some("code".into()), ..Default::default() };
    let (layer, _) = vector::read("streets", &cfg, WORKING_CRS, Strictness::default(), None)?;
    let names = layer.require("name", layer.texts("name")?, &RowChecks::Stop)?;
    let polygons: Vec<MultiPolygon<f64>> = layer.geoms.iter().map(|g| crate::model::polygons_of(g).unwrap_or(MultiPolygon(vec![]))).collect();
    // Pairwise unions (not `unary_union`): the committed demo layers depend on these exact vertices.
    let district = polygons.iter().fold(MultiPolygon(vec![]), |acc, p| acc.union(p));
    let bounds = district.bounding_rect().ok_or_else(|| Error::input(Bad::Empty, streets_path, None, "no polygons"))?;
    std::fs::create_dir_all(out).map_err(|e| Error::output(out, e))?;
    let mut demo = Demo {
        rng: ChaCha8Rng::seed_from_u64(seed),
        density,
        streets: Zones::new(polygons),
        old: names.iter().map(|n| old_streets.contains(&n.as_str())).collect(),
        names,
        district,
        bounds,
        to_wgs84: Transform::new(WORKING_CRS, "EPSG:4326").map_err(|e| Error::output(out, e))?,
    };

    // Each layer draws from its own stream of the seed, so changing how one
    // layer is made leaves every other layer's values as they were.
    let layers: [Make; 21] = [
        &|d| residential(d, out),
        &|d| sensitive_sites(d, out),
        &|d| chemical_enterprises(d, out),
        &|d| pipelines(d, out),
        &|d| pumping_stations(d, out),
        &|d| inundation(d, out),
        &|d| fire_stations(d, out),
        &|d| factories(d, out),
        &|d| industrial_enterprises(d, out),
        &|d| construction_sites(d, out),
        &|d| roads_and_accidents(d, out),
        &|d| waterways(d, out),
        &|d| special_equipment(d, out),
        &|d| charging_stations(d, out),
        &|d| water_mains(d, out),
        &|d| metro_stations(d, metro_path, out),
        &|d| venues(d, out),
        &|d| buildings(d, out),
        &|d| underground_spaces(d, out),
        &|d| geohazard_zones(d, out),
        &|d| shelters(d, out),
    ];
    for (stream, make) in layers.iter().enumerate() {
        demo.rng = ChaCha8Rng::seed_from_u64(seed);
        demo.rng.set_stream(stream as u64);
        make(&mut demo)?;
    }
    Ok(())
}

/// Writes one demo layer.
type Make<'a> = &'a dyn Fn(&mut Demo) -> Result<()>;

/// Remove an existing file first: GDAL drivers refuse to overwrite.
fn fresh(path: &Path) -> Result<&Path> {
    if path.exists() {
        std::fs::remove_file(path).map_err(|e| Error::output(path, e))?;
    }
    Ok(path)
}

/// A cell of a generated spreadsheet.
enum Cell {
    Text(String),
    Number(f64),
}

/// Write one sheet as census returns come: title lines, a blank row, the
/// header row, the data (what `load::sheet` must find its way through).
fn write_sheet(path: &Path, sheet: &str, title: &[&str], headers: &[&str], rows: &[Vec<Cell>]) -> Result<()> {
    use rust_xlsxwriter::{Format, Workbook};
    let write = || -> std::result::Result<(), rust_xlsxwriter::XlsxError> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(sheet)?;
        let bold = Format::new().set_bold();
        for (r, t) in title.iter().enumerate() {
            ws.write_string(r as u32, 0, *t)?;
        }
        let head = title.len() as u32 + 1;
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(head, c as u16, *h, &bold)?;
            ws.set_column_width(c as u16, 16)?;
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (head + 1 + r as u32, c as u16);
                match cell {
                    Cell::Text(t) => ws.write_string(r, c, t)?,
                    Cell::Number(x) => ws.write_number(r, c, *x)?,
                };
            }
        }
        wb.save(path)
    };
    write().map_err(|e| Error::output(path, e))
}

/// A field value of a generated feature.
enum Val {
    I(i64),
    R(f64),
    T(String),
}

fn t(s: &str) -> Val {
    Val::T(s.to_owned())
}

/// Assemble an [`OutLayer`] from features given as (field, value) lists; fields
/// keep the order of the first feature.
fn table(name: &str, kind: GeomKind, geoms: Vec<Geometry<f64>>, rows: Vec<Vec<(&str, Val)>>) -> OutLayer<'static> {
    let names: Vec<&str> = rows.first().map(|r| r.iter().map(|(n, _)| *n).collect()).unwrap_or_default();
    let columns = names
        .iter()
        .enumerate()
        .map(|(k, n)| match &rows[0][k].1 {
            Val::I(_) => Column::int(*n, rows.iter().map(|r| if let Val::I(v) = r[k].1 { Some(v) } else { None }).collect()),
            Val::R(_) => Column::real(*n, rows.iter().map(|r| if let Val::R(v) = r[k].1 { Some(v) } else { None }).collect()),
            Val::T(_) => Column::text(*n, rows.iter().map(|r| if let Val::T(v) = &r[k].1 { Some(v.clone()) } else { None }).collect()),
        })
        .collect();
    OutLayer::plain(name, kind, geoms, columns)
}

/// Write point features (generated in the working CRS) as WGS84 GeoJSON.
fn write_points_geojson(d: &Demo, out: &Path, name: &str, pts: &[Point<f64>], rows: Vec<Vec<(&str, Val)>>) -> Result<()> {
    let layer = table(name, GeomKind::Point, d.wgs84_points(pts)?, rows);
    write_ogr(fresh(&out.join(format!("{name}.geojson")))?, "GeoJSON", &[], "EPSG:4326", &[layer])
}

fn write_gpkg_layer(out: &Path, name: &str, kind: GeomKind, geoms: Vec<Geometry<f64>>, rows: Vec<Vec<(&str, Val)>>) -> Result<()> {
    crate::emit::vector::write_gpkg(fresh(&out.join(format!("{name}.gpkg")))?, WORKING_CRS, &[table(name, kind, geoms, rows)], &[])
}

/// A rectangle of `w` × `h` metres centred on `p`, rotated by `angle` radians.
fn rect_at(p: Point<f64>, w: f64, h: f64, angle: f64) -> Geometry<f64> {
    let (s, c) = angle.sin_cos();
    let corner = |dx: f64, dy: f64| Coord { x: p.x() + dx * c - dy * s, y: p.y() + dx * s + dy * c };
    let ring = vec![corner(-w / 2.0, -h / 2.0), corner(w / 2.0, -h / 2.0), corner(w / 2.0, h / 2.0), corner(-w / 2.0, h / 2.0), corner(-w / 2.0, -h / 2.0)];
    Geometry::Polygon(geo_types::Polygon::new(LineString(ring), vec![]))
}

/// A safety-management grade A–D; D is the grade of a unit told to stop and rectify, so it is rare.
fn grade(d: &mut Demo) -> Val {
    t(d.pick::<&str>(&[("A", 0.3), ("B", 0.45), ("C", 0.2), ("D", 0.05)]))
}

fn short_name(d: &Demo, p: Point<f64>) -> String {
    d.street_of(p).unwrap_or("普陀").trim_end_matches("街道").trim_end_matches('镇').to_owned()
}
