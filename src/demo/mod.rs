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
    let names = layer.require("name", layer.texts("name")?)?;
    let polygons: Vec<MultiPolygon<f64>> = layer
        .geoms
        .iter()
        .map(|g| match g {
            Geometry::MultiPolygon(mp) => mp.clone(),
            Geometry::Polygon(p) => MultiPolygon(vec![p.clone()]),
            _ => MultiPolygon(vec![]),
        })
        .collect();
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

    residential(&mut demo, out)?;
    sensitive_sites(&mut demo, out)?;
    chemical_enterprises(&mut demo, out)?;
    pipelines(&mut demo, out)?;
    pumping_stations(&mut demo, out)?;
    inundation(&mut demo, out)?;
    // Layers for the other domains; appended so that the layers above keep their values.
    fire_stations(&mut demo, out)?;
    factories(&mut demo, out)?;
    industrial_enterprises(&mut demo, out)?;
    construction_sites(&mut demo, out)?;
    roads_and_accidents(&mut demo, out)?;
    waterways(&mut demo, out)?;
    special_equipment(&mut demo, out)?;
    charging_stations(&mut demo, out)?;
    water_mains(&mut demo, out)?;
    metro_stations(&mut demo, metro_path, out)?;
    venues(&mut demo, out)?;
    buildings(&mut demo, out)?;
    underground_spaces(&mut demo, out)?;
    geohazard_zones(&mut demo, out)?;
    Ok(())
}

/// Remove an existing file first: GDAL drivers refuse to overwrite.
fn fresh(path: &Path) -> Result<&Path> {
    if path.exists() {
        std::fs::remove_file(path).map_err(|e| Error::output(path, e))?;
    }
    Ok(path)
}

/// 居住小区: the exposure layer (population) used by several domains. GeoJSON, WGS84.
fn residential(d: &mut Demo, out: &Path) -> Result<()> {
    let n = d.census(700);
    let (mut pts, mut ids, mut names, mut pop, mut basement, mut drainage, mut built) = (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for i in 0..n {
        let p = d.point_in_street(None);
        let old = d.is_old(p);
        // Older 新村 blocks are dense six-storey walk-ups; newer compounds are high-rise.
        let year: i64 = if old { d.rng.gen_range(1955..2000) } else { d.rng.gen_range(1985..2021) };
        // About 1.27 million people in all, close to 普陀区's census population.
        let people = ((d.rng.gen::<f64>().powf(1.6) * 3800.0 + 350.0) / d.people_per_feature()).round().max(1.0) as i64;
        pts.push(p);
        ids.push(format!("RC{:04}", i + 1));
        names.push(format!("{}小区{}号", d.street_of(p).unwrap_or("普陀").trim_end_matches("街道"), i + 1));
        pop.push(Some(people));
        basement.push(if year > 1995 && d.rng.gen_bool(0.6) { "是" } else { "否" }.to_owned());
        // Design return period of the local drainage (年一遇): older networks were built to 1-year.
        let rp = if old { *d.pick(&[(1, 0.6), (3, 0.35), (5, 0.05)]) } else { *d.pick(&[(1, 0.15), (3, 0.6), (5, 0.25)]) };
        drainage.push(Some(rp as i64));
        built.push(Some(year));
    }
    let layer = OutLayer::plain(
        "residential",
        GeomKind::Point,
        d.wgs84_points(&pts)?,
        vec![
            Column::text("id", text(ids)),
            Column::text("name", text(names)),
            Column::int("population", pop),
            Column::text("has_basement", text(basement)),
            Column::int("drainage_rp", drainage),
            Column::int("built_year", built),
        ],
    );
    write_ogr(fresh(&out.join("residential.geojson"))?, "GeoJSON", &[], "EPSG:4326", &[layer])
}

/// Schools, kindergartens, hospitals and elderly homes (一老一小 and medical). Shapefile, WGS84.
fn sensitive_sites(d: &mut Demo, out: &Path) -> Result<()> {
    let kinds = [("中小学", 60), ("幼儿园", 50), ("医院", 15), ("养老机构", 35)];
    let (mut pts, mut ids, mut names, mut ks, mut occ) = (vec![], vec![], vec![], vec![], vec![]);
    for (kind, count) in kinds {
        for _ in 0..d.facilities(count) {
            let p = d.point_in_street(None);
            let occupants = match kind {
                "中小学" => d.rng.gen_range(400..2200),
                "幼儿园" => d.rng.gen_range(80..450),
                "医院" => d.rng.gen_range(150..2500),
                _ => d.rng.gen_range(30..400),
            };
            ids.push(format!("SS{:04}", ids.len() + 1));
            names.push(format!("{}{}", d.street_of(p).unwrap_or("普陀").trim_end_matches("街道"), kind));
            ks.push(kind.to_owned());
            occ.push(Some(occupants));
            pts.push(p);
        }
    }
    let layer = OutLayer::plain(
        "sensitive_sites",
        GeomKind::Point,
        d.wgs84_points(&pts)?,
        vec![Column::text("id", text(ids)), Column::text("name", text(names)), Column::text("kind", text(ks)), Column::int("occupants", occ)],
    );
    let path = out.join("sensitive_sites.shp");
    for ext in ["shx", "dbf", "prj", "cpg"] {
        fresh(&path.with_extension(ext))?;
    }
    write_ogr(fresh(&path)?, "ESRI Shapefile", &["ENCODING=UTF-8"], "EPSG:4326", &[layer])
}

/// 危险化学品 enterprises and filling stations, as a CSV of GCJ-02 coordinates
/// (the form web-map POI exports come in).
fn chemical_enterprises(d: &mut Demo, out: &Path) -> Result<()> {
    let mut csv = String::from("id,name,kind,hazard_class,major_hazard_grade,max_storage_t,control_grade,major_hidden_danger_unrectified,lon,lat\n");
    for i in 0..d.facilities(48) {
        // 桃浦 was Shanghai's chemical-industry zone; 长征 has the remaining plants and depots.
        let street = *d.pick(&[(Some("桃浦镇"), 0.45), (Some("长征镇"), 0.2), (None, 0.35)]);
        let p = d.point_in_street(street);
        let kind = *d.pick(&[("加油站", 0.35), ("加气站", 0.08), ("危化品经营(带储存)", 0.25), ("危化品生产", 0.17), ("工业气体充装", 0.15)]);
        let (hazard, grade, storage): (&str, &str, f64) = match kind {
            "加油站" => ("易燃液体", *d.pick(&[("无", 0.7), ("四级", 0.3)]), d.rng.gen_range(30.0..120.0)),
            "加气站" => ("易燃气体", *d.pick(&[("四级", 0.6), ("三级", 0.4)]), d.rng.gen_range(10.0..40.0)),
            "工业气体充装" => (
                *d.pick(&[("易燃气体", 0.5), ("氧化性物质", 0.3), ("毒性物质", 0.2)]),
                *d.pick(&[("无", 0.3), ("四级", 0.4), ("三级", 0.3)]),
                d.rng.gen_range(5.0..60.0),
            ),
            _ => (
                *d.pick(&[("易燃液体", 0.35), ("易燃气体", 0.15), ("毒性物质", 0.15), ("腐蚀性物质", 0.2), ("氧化性物质", 0.1), ("爆炸品", 0.05)]),
                *d.pick(&[("无", 0.25), ("四级", 0.3), ("三级", 0.25), ("二级", 0.15), ("一级", 0.05)]),
                d.rng.gen_range(20.0..900.0),
            ),
        };
        let control = *d.pick(&[("A", 0.25), ("B", 0.45), ("C", 0.22), ("D", 0.08)]);
        let danger = u8::from(d.rng.gen_bool(if control == "D" { 0.4 } else { 0.04 }));
        let (lon, lat) = d.wgs84(p)?;
        let (glon, glat) = wgs84_to_gcj02(lon, lat);
        let street_short = d.street_of(p).unwrap_or("普陀").trim_end_matches("街道").trim_end_matches('镇').to_owned();
        let name = match kind {
            "加油站" | "加气站" => format!("{street_short}{kind}{:02}", i + 1),
            _ => format!("上海{street_short}{}有限公司{:02}", if kind == "危化品生产" { "化工" } else { "化学品" }, i + 1),
        };
        writeln!(csv, "HC{:03},{name},{kind},{hazard},{grade},{storage:.1},{control},{danger},{glon:.6},{glat:.6}", i + 1).expect("writing to a String");
    }
    std::fs::write(out.join("chemical_enterprises.csv"), csv).map_err(|e| Error::output(out, e))
}

/// A street-grid network: lines every ~`spacing` m each way, gently wavy,
/// clipped to the district and cut into segments of `vertices` × 150 m.
/// Returns each segment with the index of the line it belongs to.
fn network(d: &mut Demo, spacing: f64, vertices: usize) -> Vec<(LineString<f64>, usize)> {
    let b = d.bounds;
    let mut roads: Vec<LineString<f64>> = Vec::new();
    for horizontal in [true, false] {
        let (lo, hi) = if horizontal { (b.min().y, b.max().y) } else { (b.min().x, b.max().x) };
        let (along_lo, along_hi) = if horizontal { (b.min().x, b.max().x) } else { (b.min().y, b.max().y) };
        let mut pos = lo + d.rng.gen_range(100.0..400.0);
        while pos < hi {
            let mut coords = Vec::new();
            let mut t = along_lo;
            while t <= along_hi + 150.0 {
                let off = pos + d.rng.gen_range(-25.0..25.0);
                coords.push(if horizontal { Coord { x: t, y: off } } else { Coord { x: off, y: t } });
                t += 150.0;
            }
            roads.push(LineString(coords));
            pos += spacing + d.rng.gen_range(-spacing * 0.27..spacing * 0.27);
        }
    }
    let mut segments = Vec::new();
    for (r, road) in roads.iter().enumerate() {
        let inside = d.district.clip(&MultiLineString(vec![road.clone()]), false);
        for part in inside.iter() {
            for chunk in part.0.windows(vertices + 1).step_by(vertices) {
                segments.push((LineString(chunk.to_vec()), r));
            }
        }
    }
    segments
}

/// 燃气管线: a street-grid network of pipe segments (~300 m each). GeoPackage, working CRS.
fn pipelines(d: &mut Demo, out: &Path) -> Result<()> {
    let (mut geoms, mut ids, mut pressure, mut material, mut year, mut diameter, mut grade, mut leak) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for (seg, r) in network(d, 550.0 / d.density.networks, 2) {
        let mid = Point(seg.0[1]);
        let old = d.is_old(mid);
        let p = if r % 4 == 0 { *d.pick(&[("中压", 0.85), ("次高压", 0.15)]) } else { *d.pick(&[("低压", 0.9), ("中压", 0.1)]) };
        let y: i64 = if old { d.rng.gen_range(1970..2012) } else { d.rng.gen_range(1985..2024) };
        let m = if y < 1995 { *d.pick(&[("铸铁", 0.55), ("钢", 0.45)]) } else { *d.pick(&[("PE", 0.7), ("钢", 0.3)]) };
        let dia = if p == "低压" { d.rng.gen_range(100..250) } else { d.rng.gen_range(200..500) };
        let g = *d.pick(&[("A", 0.3), ("B", 0.45), ("C", 0.2), ("D", 0.05)]);
        ids.push(format!("GP{:05}", ids.len() + 1));
        pressure.push(p.to_owned());
        material.push(m.to_owned());
        year.push(Some(y));
        diameter.push(Some(dia));
        grade.push(g.to_owned());
        leak.push(Some(i64::from(d.rng.gen_bool(0.03))));
        geoms.push(Geometry::LineString(seg));
    }
    let layer = OutLayer::plain(
        "pipelines",
        GeomKind::Line,
        geoms,
        vec![
            Column::text("id", text(ids)),
            Column::text("pressure", text(pressure)),
            Column::text("material", text(material)),
            Column::int("install_year", year),
            Column::int("diameter_mm", diameter),
            Column::text("maintenance_grade", text(grade)),
            Column::int("leak_unrepaired", leak),
        ],
    );
    crate::emit::vector::write_gpkg(fresh(&out.join("gas_pipelines.gpkg"))?, WORKING_CRS, &[layer], &[])
}

/// 排水泵站: drainage pumping stations. GeoJSON, WGS84.
fn pumping_stations(d: &mut Demo, out: &Path) -> Result<()> {
    let (mut pts, mut ids, mut names, mut cap) = (vec![], vec![], vec![], vec![]);
    for i in 0..d.facilities(28) {
        let p = d.point_in_street(None);
        ids.push(format!("PS{:03}", i + 1));
        names.push(format!("{}雨水泵站", d.street_of(p).unwrap_or("普陀").trim_end_matches("街道")));
        cap.push(Some((d.rng.gen_range(1.0..12.0f64) * 10.0).round() / 10.0));
        pts.push(p);
    }
    let layer = OutLayer::plain(
        "pumping_stations",
        GeomKind::Point,
        d.wgs84_points(&pts)?,
        vec![Column::text("id", text(ids)), Column::text("name", text(names)), Column::real("capacity_m3s", cap)],
    );
    write_ogr(fresh(&out.join("pumping_stations.geojson"))?, "GeoJSON", &[], "EPSG:4326", &[layer])
}

/// 50-year rainstorm inundation depth (m), as the hazard census delivers it:
/// a GeoTIFF in the working CRS (20 m cells for the demo, `Density::raster_m`),
/// with low-lying bowls of water.
fn inundation(d: &mut Demo, out: &Path) -> Result<()> {
    let res = d.density.raster_m;
    let b = d.bounds;
    let (x0, y1) = ((b.min().x / res).floor() * res - 500.0, (b.max().y / res).ceil() * res + 500.0);
    let w = ((b.max().x - x0 + 500.0) / res).ceil() as usize;
    let h = ((y1 - b.min().y + 500.0) / res).ceil() as usize;
    // Bowls: centre, depth at the centre (m), radius (m). Older areas have more of them.
    let mut bowls = Vec::new();
    for _ in 0..d.facilities(22) {
        let c = d.point_in_street(None);
        let depth = if d.is_old(c) { d.rng.gen_range(0.3..1.2) } else { d.rng.gen_range(0.1..0.7) };
        bowls.push((c, depth, d.rng.gen_range(150.0..550.0)));
    }
    // Each bowl only reaches 6 σ (beyond, it adds < 1e-7 m): sum bowl by bowl over its window.
    let mut sum = vec![0f64; w * h];
    for (c, a, s) in &bowls {
        let reach = 6.0 * s;
        let cols = (((c.x() - reach - x0) / res).floor().max(0.0) as usize)..(((c.x() + reach - x0) / res).ceil().max(0.0) as usize).min(w);
        let rows = (((y1 - c.y() - reach) / res).floor().max(0.0) as usize)..(((y1 - c.y() + reach) / res).ceil().max(0.0) as usize).min(h);
        for row in rows {
            let y = y1 - (row as f64 + 0.5) * res;
            for col in cols.clone() {
                let x = x0 + (col as f64 + 0.5) * res;
                sum[row * w + col] += a * (-((x - c.x()).powi(2) + (y - c.y()).powi(2)) / (2.0 * s * s)).exp();
            }
        }
    }
    let data: Vec<f32> = sum.into_iter().map(|v| (((v - 0.05).max(0.0) * 100.0).round() / 100.0) as f32).collect();
    let path = fresh(&out.join("inundation_50y.tif"))?.to_owned();
    let err = |e: gdal::errors::GdalError| Error::output(&path, e);
    let driver = DriverManager::get_driver_by_name("GTiff").map_err(err)?;
    let mut opts = RasterCreationOptions::new();
    for o in ["COMPRESS=DEFLATE", "PREDICTOR=3", "TILED=YES"] {
        opts.add_string(o).map_err(err)?;
    }
    let mut ds = driver.create_with_band_type_with_options::<f32, _>(&path, w, h, 1, &opts).map_err(err)?;
    ds.set_geo_transform(&[x0, res, 0.0, y1, 0.0, -res]).map_err(err)?;
    ds.set_spatial_ref(&SpatialRef::from_definition(WORKING_CRS).map_err(err)?).map_err(err)?;
    {
        let mut band = ds.rasterband(1).map_err(err)?;
        band.set_no_data_value(Some(-9999.0)).map_err(err)?;
        band.write((0, 0), (w, h), &mut Buffer::new((w, h), data)).map_err(err)?;
    }
    ds.close().map_err(err)
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
fn table(name: &str, kind: GeomKind, geoms: Vec<Geometry<f64>>, rows: Vec<Vec<(&str, Val)>>) -> OutLayer {
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

fn grade(d: &mut Demo) -> Val {
    t(d.pick::<&str>(&[("A", 0.25), ("B", 0.45), ("C", 0.22), ("D", 0.08)]))
}

fn short_name(d: &Demo, p: Point<f64>) -> String {
    d.street_of(p).unwrap_or("普陀").trim_end_matches("街道").trim_end_matches('镇').to_owned()
}

/// 消防救援站 (capacity layer for fire-related domains).
fn fire_stations(d: &mut Demo, out: &Path) -> Result<()> {
    let mut pts = vec![];
    let mut rows = vec![];
    for i in 0..d.facilities(9) {
        let p = d.point_in_street(None);
        let kind = if i < 6 { "消防救援站" } else { "小型消防站" };
        rows.push(vec![("id", Val::T(format!("FS{:02}", i + 1))), ("name", Val::T(format!("{}{kind}", short_name(d, p)))), ("kind", t(kind))]);
        pts.push(p);
    }
    write_points_geojson(d, out, "fire_stations", &pts, rows)
}

/// 厂房仓库 (D03): factories and warehouses with fire-load class and compliance.
fn factories(d: &mut Demo, out: &Path) -> Result<()> {
    let mut pts = vec![];
    let mut rows = vec![];
    for i in 0..d.census(160) {
        let street = *d.pick(&[(Some("桃浦镇"), 0.35), (Some("长征镇"), 0.25), (Some("真如镇街道"), 0.1), (None, 0.3)]);
        let p = d.point_in_street(street);
        let class = *d.pick(&[("甲", 0.05), ("乙", 0.12), ("丙", 0.45), ("丁", 0.25), ("戊", 0.13)]);
        let kind = *d.pick(&[("厂房", 0.55), ("仓库", 0.35), ("物流仓储", 0.1)]);
        let area = (d.rng.gen::<f64>().powf(2.0) * 24000.0 + 400.0).round();
        let staff = (area / d.rng.gen_range(60.0..250.0)).round() as i64;
        rows.push(vec![
            ("id", Val::T(format!("FW{:04}", i + 1))),
            ("name", Val::T(format!("{}{kind}{:03}", short_name(d, p), i + 1))),
            ("kind", t(kind)),
            ("fire_class", t(class)),
            ("floor_area_m2", Val::R(area)),
            ("staff", Val::I(staff)),
            ("sprinkler", t(if area > 5000.0 || d.rng.gen_bool(0.3) { "是" } else { "否" })),
            ("escape_ok", t(if d.rng.gen_bool(0.85) { "是" } else { "否" })),
            ("three_in_one", Val::I(i64::from(d.rng.gen_bool(0.04)))),
            ("safety_grade", grade(d)),
        ]);
        pts.push(p);
    }
    write_points_geojson(d, out, "factories", &pts, rows)
}

/// 工贸企业 (D04): dust explosion, confined spaces, metal smelting; a CSV in
/// BD-09 coordinates (as Baidu-map exports come).
fn industrial_enterprises(d: &mut Demo, out: &Path) -> Result<()> {
    let mut csv = String::from("id,name,hazard_type,exposure_freq,hidden_dangers_open,workers_exposed,confined_permit,lon,lat\n");
    for i in 0..d.census(90) {
        let street = *d.pick(&[(Some("桃浦镇"), 0.4), (Some("长征镇"), 0.25), (None, 0.35)]);
        let p = d.point_in_street(street);
        let hazard = *d.pick(&[("一般工贸", 0.3), ("有限空间作业", 0.25), ("木粉尘涉爆", 0.17), ("金属冶炼", 0.13), ("铝镁粉尘涉爆", 0.15)]);
        let freq = *d.pick(&[("连续", 0.15), ("每日", 0.5), ("每周", 0.25), ("每月", 0.1)]);
        let dangers = *d.pick(&[(0, 0.5), (1, 0.18), (2, 0.12), (3, 0.1), (5, 0.06), (8, 0.04)]);
        let workers = d.rng.gen_range(3..120);
        let permit = if hazard == "有限空间作业" && d.rng.gen_bool(0.2) { "无" } else { "有" };
        let (lon, lat) = d.wgs84(p)?;
        let (gx, gy) = wgs84_to_gcj02(lon, lat);
        let (bx, by) = crate::load::crs::gcj02_to_bd09(gx, gy);
        writeln!(csv, "IT{:03},上海{}工贸有限公司{:02},{hazard},{freq},{dangers},{workers},{permit},{bx:.6},{by:.6}", i + 1, short_name(d, p), i + 1)
            .expect("writing to a String");
    }
    std::fs::write(out.join("industrial_enterprises.csv"), csv).map_err(|e| Error::output(out, e))
}

/// 建设工地 (D05): construction site footprints.
fn construction_sites(d: &mut Demo, out: &Path) -> Result<()> {
    let mut geoms = vec![];
    let mut rows = vec![];
    for i in 0..d.facilities(40) {
        let p = d.point_in_street(None);
        let (w, h) = (d.rng.gen_range(60.0..260.0), d.rng.gen_range(50.0..200.0));
        geoms.push(rect_at(p, w, h, d.rng.gen_range(-0.3..0.3)));
        let kind = *d.pick(&[("住宅", 0.4), ("商业办公", 0.25), ("市政道路", 0.15), ("轨道交通", 0.1), ("学校医院", 0.1)]);
        rows.push(vec![
            ("id", Val::T(format!("CS{:03}", i + 1))),
            ("name", Val::T(format!("{}{kind}项目{:02}", short_name(d, p), i + 1))),
            ("kind", t(kind)),
            ("investment_wan", Val::R((d.rng.gen::<f64>().powf(2.0) * 180000.0 + 3000.0).round())),
            ("excavation_m", Val::R((d.rng.gen::<f64>() * 22.0).round())),
            ("tower_cranes", Val::I(d.rng.gen_range(0..7))),
            ("high_formwork", t(if d.rng.gen_bool(0.3) { "是" } else { "否" })),
            ("safety_grade", grade(d)),
        ]);
    }
    write_gpkg_layer(out, "construction_sites", GeomKind::Polygon, geoms, rows)
}

/// 道路 (D06) and the traffic accidents along them.
fn roads_and_accidents(d: &mut Demo, out: &Path) -> Result<()> {
    let segments = network(d, 700.0 / d.density.networks, 4);
    let mut geoms = vec![];
    let mut rows = vec![];
    let mut aadt = vec![];
    for (i, (seg, r)) in segments.iter().enumerate() {
        let class = match r % 6 {
            0 => "快速路",
            1 | 4 => "主干路",
            2 => "次干路",
            _ => "支路",
        };
        let volume: i64 = match class {
            "快速路" => d.rng.gen_range(60000..110000),
            "主干路" => d.rng.gen_range(25000..60000),
            "次干路" => d.rng.gen_range(8000..25000),
            _ => d.rng.gen_range(1000..8000),
        };
        aadt.push(volume as f64);
        rows.push(vec![
            ("id", Val::T(format!("RD{:04}", i + 1))),
            ("road_class", t(class)),
            ("aadt", Val::I(volume)),
            ("dg_route", t(if class != "支路" && d.rng.gen_bool(0.12) { "是" } else { "否" })),
        ]);
        geoms.push(Geometry::LineString(seg.clone()));
    }
    // Accidents fall on roads roughly in proportion to traffic.
    let cumulative: Vec<f64> = aadt
        .iter()
        .scan(0.0, |sum, a| {
            *sum += a;
            Some(*sum)
        })
        .collect();
    let total = cumulative.last().copied().unwrap_or(0.0);
    let mut pts = vec![];
    let mut acc_rows = vec![];
    for i in 0..d.census(260) {
        let r = d.rng.gen::<f64>() * total;
        let k = cumulative.partition_point(|c| *c <= r);
        let (seg, _) = &segments[k.min(segments.len() - 1)];
        let a = seg.0[0];
        let b = seg.0[seg.0.len() - 1];
        let f = d.rng.gen::<f64>();
        pts.push(Point::new(a.x + (b.x - a.x) * f + d.rng.gen_range(-10.0..10.0), a.y + (b.y - a.y) * f + d.rng.gen_range(-10.0..10.0)));
        acc_rows.push(vec![
            ("id", Val::T(format!("AC{:04}", i + 1))),
            ("year", Val::I(d.rng.gen_range(2021..2024))),
            ("severity", t(d.pick::<&str>(&[("财产损失", 0.7), ("受伤", 0.26), ("死亡", 0.04)]))),
        ]);
    }
    write_gpkg_layer(out, "roads", GeomKind::Line, geoms, rows)?;
    write_points_geojson(d, out, "traffic_accidents", &pts, acc_rows)
}

/// 水上交通 (D07): navigable waterways cut into ~600 m reaches, and wharves.
fn waterways(d: &mut Demo, out: &Path) -> Result<()> {
    let b = d.bounds;
    let mut courses: Vec<(&str, LineString<f64>)> = Vec::new();
    // 苏州河 meanders west–east through the south of the district; 桃浦河 and 真如港 are smaller.
    for (name, y0, amp) in [("苏州河", b.min().y + (b.max().y - b.min().y) * 0.22, 420.0), ("桃浦河", b.min().y + (b.max().y - b.min().y) * 0.78, 180.0)]
    {
        let phase = d.rng.gen_range(0.0..6.0);
        let coords = (0..=((b.max().x - b.min().x) / 150.0) as usize)
            .map(|k| {
                let x = b.min().x + k as f64 * 150.0;
                Coord { x, y: y0 + amp * ((x - b.min().x) / 1800.0 + phase).sin() }
            })
            .collect();
        courses.push((name, LineString(coords)));
    }
    let x0 = b.min().x + (b.max().x - b.min().x) * 0.45;
    let coords = (0..=((b.max().y - b.min().y) / 150.0) as usize)
        .map(|k| {
            let y = b.min().y + k as f64 * 150.0;
            Coord { x: x0 + 150.0 * (y / 900.0).sin(), y }
        })
        .collect();
    courses.push(("真如港", LineString(coords)));

    let mut geoms = vec![];
    let mut rows = vec![];
    for (name, course) in &courses {
        let inside = d.district.clip(&MultiLineString(vec![course.clone()]), false);
        for part in inside.iter() {
            for chunk in part.0.windows(5).step_by(4) {
                let main = *name == "苏州河";
                rows.push(vec![
                    ("id", Val::T(format!("WW{:03}", rows.len() + 1))),
                    ("name", t(name)),
                    ("vessel_traffic", Val::I(if main { d.rng.gen_range(40..220) } else { d.rng.gen_range(0..30) })),
                    ("passenger_ferry", t(if main && d.rng.gen_bool(0.3) { "是" } else { "否" })),
                    ("dg_berths", Val::I(if main { *d.pick(&[(0, 0.7), (1, 0.2), (2, 0.1)]) } else { 0 })),
                ]);
                geoms.push(Geometry::LineString(LineString(chunk.to_vec())));
            }
        }
    }
    // Wharves along the reaches.
    let mut pts = vec![];
    let mut wrows = vec![];
    for i in 0..d.facilities(16) {
        let k = d.rng.gen_range(0..geoms.len());
        let Geometry::LineString(l) = &geoms[k] else { unreachable!() };
        let c = l.0[l.0.len() / 2];
        pts.push(Point::new(c.x + d.rng.gen_range(-20.0..20.0), c.y + d.rng.gen_range(-20.0..20.0)));
        wrows
            .push(vec![("id", Val::T(format!("WF{:02}", i + 1))), ("kind", t(d.pick::<&str>(&[("货运码头", 0.6), ("客运码头", 0.25), ("危险品码头", 0.15)])))]);
    }
    write_gpkg_layer(out, "waterways", GeomKind::Line, geoms, rows)?;
    write_points_geojson(d, out, "wharves", &pts, wrows)
}

/// 特种设备 (D08): elevators, boilers, pressure vessels, cranes, rides; CSV in WGS84.
fn special_equipment(d: &mut Demo, out: &Path) -> Result<()> {
    let mut csv = String::from("id,equipment_type,install_year,inspection_overdue,place_crowd,x,y\n");
    for i in 0..d.census(400) {
        let p = d.point_in_street(None);
        let kind = *d.pick(&[("电梯", 0.7), ("锅炉", 0.06), ("压力容器", 0.12), ("起重机械", 0.1), ("大型游乐设施", 0.02)]);
        let year = d.rng.gen_range(1990..2024);
        let overdue = u8::from(d.rng.gen_bool(if year < 2005 { 0.15 } else { 0.05 }));
        let crowd = *d.pick(&[("高", 0.25), ("中", 0.45), ("低", 0.3)]);
        let (lon, lat) = d.wgs84(p)?;
        writeln!(csv, "SE{:04},{kind},{year},{overdue},{crowd},{lon:.7},{lat:.7}", i + 1).expect("writing to a String");
    }
    std::fs::write(out.join("special_equipment.csv"), csv).map_err(|e| Error::output(out, e))
}

/// 充换电设施 (D09): e-bike and EV charging and battery swap sites.
fn charging_stations(d: &mut Demo, out: &Path) -> Result<()> {
    let mut pts = vec![];
    let mut rows = vec![];
    for i in 0..d.census(150) {
        let p = d.point_in_street(None);
        let kind = *d.pick(&[("电动自行车集中充电", 0.55), ("新能源汽车充电站", 0.35), ("换电站", 0.1)]);
        let chargers = match kind {
            "电动自行车集中充电" => d.rng.gen_range(10..120),
            "新能源汽车充电站" => d.rng.gen_range(4..40),
            _ => d.rng.gen_range(1..6),
        };
        rows.push(vec![
            ("id", Val::T(format!("EV{:03}", i + 1))),
            ("kind", t(kind)),
            ("chargers", Val::I(chargers)),
            ("indoor", t(if d.rng.gen_bool(0.25) { "是" } else { "否" })),
            ("fire_records", Val::I(*d.pick(&[(0, 0.85), (1, 0.12), (2, 0.03)]))),
            ("management", grade(d)),
        ]);
        pts.push(p);
    }
    write_points_geojson(d, out, "charging_stations", &pts, rows)
}

/// 供水管网 (D10): water mains on their own street grid.
fn water_mains(d: &mut Demo, out: &Path) -> Result<()> {
    let mut geoms = vec![];
    let mut rows = vec![];
    for (seg, r) in network(d, 650.0 / d.density.networks, 3) {
        let old = d.is_old(Point(seg.0[1]));
        let year: i64 = if old { d.rng.gen_range(1960..2010) } else { d.rng.gen_range(1980..2024) };
        let material =
            if year < 1990 { *d.pick(&[("灰口铸铁", 0.6), ("钢", 0.4)]) } else { *d.pick(&[("球墨铸铁", 0.6), ("PE", 0.25), ("钢", 0.15)]) };
        rows.push(vec![
            ("id", Val::T(format!("WM{:04}", rows.len() + 1))),
            ("material", t(material)),
            ("install_year", Val::I(year)),
            ("diameter_mm", Val::I(if r % 3 == 0 { d.rng.gen_range(500..1400) } else { d.rng.gen_range(100..500) })),
        ]);
        geoms.push(Geometry::LineString(seg));
    }
    write_gpkg_layer(out, "water_mains", GeomKind::Line, geoms, rows)
}

/// 轨道交通站点 (D11): the real metro stations in and near the district
/// (shared/data, MIT), with synthetic passenger flow and depth.
fn metro_stations(d: &mut Demo, metro: &Path, out: &Path) -> Result<()> {
    let cfg = LayerConfig { path: metro.to_owned(), ..Default::default() };
    let (stations, _) = vector::read("metro", &cfg, WORKING_CRS, Strictness::default(), None)?;
    let names = stations.texts("name_zh")?;
    let lines = stations.texts("lines")?;
    let counts = stations.numbers("line_count", &[])?;
    let near = d.district.buffer(300.0);
    let mut pts = vec![];
    let mut rows = vec![];
    for (i, g) in stations.geoms.iter().enumerate() {
        let Geometry::Point(p) = g else { continue };
        if !near.contains(p) {
            continue;
        }
        let n_lines = counts[i].unwrap_or(1.0) as i64;
        rows.push(vec![
            ("id", Val::T(format!("MS{:03}", rows.len() + 1))),
            ("name", Val::T(names[i].clone().unwrap_or_default())),
            ("lines", Val::T(lines[i].clone().unwrap_or_default())),
            ("line_count", Val::I(n_lines)),
            ("daily_flow", Val::I(d.rng.gen_range(15000..45000) * n_lines + if n_lines > 1 { d.rng.gen_range(20000..60000) } else { 0 })),
            ("depth_m", Val::R((d.rng.gen_range(12.0..32.0f64) * 10.0).round() / 10.0)),
        ]);
        pts.push(*p);
    }
    write_points_geojson(d, out, "metro_stations", &pts, rows)
}

/// 人员密集场所 (D12): malls, complexes, venues, training centres.
fn venues(d: &mut Demo, out: &Path) -> Result<()> {
    let mut pts = vec![];
    let mut rows = vec![];
    for i in 0..d.facilities(120) {
        let p = d.point_in_street(None);
        let kind = *d.pick(&[
            ("大型商场", 0.2),
            ("城市综合体", 0.12),
            ("体育场馆", 0.08),
            ("文化旅游场所", 0.15),
            ("冰雪运动场所", 0.03),
            ("校外培训机构", 0.27),
            ("宾馆酒店", 0.15),
        ]);
        let area = match kind {
            "城市综合体" => d.rng.gen_range(60000.0..200000.0),
            "大型商场" | "体育场馆" => d.rng.gen_range(10000.0..60000.0),
            "校外培训机构" => d.rng.gen_range(300.0..3000.0),
            _ => d.rng.gen_range(2000.0..20000.0f64),
        }
        .round();
        let peak = (area / d.rng.gen_range(3.0..12.0)).round() as i64;
        rows.push(vec![
            ("id", Val::T(format!("VN{:03}", i + 1))),
            ("name", Val::T(format!("{}{kind}{:02}", short_name(d, p), i + 1))),
            ("kind", t(kind)),
            ("floor_area_m2", Val::R(area)),
            ("peak_occupancy", Val::I(peak)),
            ("exits", Val::I(((area / 2500.0).ceil() as i64 + d.rng.gen_range(-1..3)).max(1))),
            ("events_per_year", Val::I(*d.pick(&[(0, 0.5), (4, 0.25), (12, 0.15), (50, 0.1)]))),
            ("management", grade(d)),
        ]);
        pts.push(p);
    }
    write_points_geojson(d, out, "venues", &pts, rows)
}

/// 高层建筑 (D13): footprints of buildings over 24 m.
fn buildings(d: &mut Demo, out: &Path) -> Result<()> {
    let mut geoms = vec![];
    let mut rows = vec![];
    for i in 0..d.census(350) {
        let p = d.point_in_street(None);
        let old = d.is_old(p);
        let height = if d.rng.gen_bool(0.06) { d.rng.gen_range(100.0..230.0) } else { d.rng.gen_range(27.0..99.0f64) }.round();
        let year = if old { d.rng.gen_range(1985..2012) } else { d.rng.gen_range(1995..2023) };
        geoms.push(rect_at(p, d.rng.gen_range(20.0..60.0), d.rng.gen_range(15.0..35.0), d.rng.gen_range(-0.4..0.4)));
        let facilities = if year < 2000 {
            *d.pick(&[("完好", 0.5), ("部分缺陷", 0.35), ("严重缺陷", 0.15)])
        } else {
            *d.pick(&[("完好", 0.8), ("部分缺陷", 0.17), ("严重缺陷", 0.03)])
        };
        rows.push(vec![
            ("id", Val::T(format!("HB{:04}", i + 1))),
            ("use", t(d.pick::<&str>(&[("住宅", 0.6), ("公共建筑", 0.25), ("综合", 0.15)]))),
            ("height_m", Val::R(height)),
            ("floors", Val::I((height / 3.1) as i64)),
            ("built_year", Val::I(year)),
            ("fire_facilities", t(facilities)),
        ]);
    }
    write_gpkg_layer(out, "buildings", GeomKind::Polygon, geoms, rows)
}

/// 地下空间 (D14): underground malls, car parks, civil-defence works.
fn underground_spaces(d: &mut Demo, out: &Path) -> Result<()> {
    let mut geoms = vec![];
    let mut rows = vec![];
    for i in 0..d.facilities(80) {
        let p = d.point_in_street(None);
        geoms.push(rect_at(p, d.rng.gen_range(40.0..180.0), d.rng.gen_range(30.0..120.0), d.rng.gen_range(-0.3..0.3)));
        rows.push(vec![
            ("id", Val::T(format!("UG{:03}", i + 1))),
            ("use", t(d.pick::<&str>(&[("地下商业", 0.2), ("地下停车", 0.55), ("人防工程", 0.15), ("轨交配套", 0.1)]))),
            ("levels", Val::I(*d.pick(&[(1, 0.55), (2, 0.35), (3, 0.1)]))),
            ("ventilation", t(d.pick::<&str>(&[("良好", 0.6), ("一般", 0.3), ("差", 0.1)]))),
        ]);
    }
    write_gpkg_layer(out, "underground_spaces", GeomKind::Polygon, geoms, rows)
}

/// 地质灾害与林地火险 (D17): census hazard zones — subsidence, buried fault
/// influence belts, and green-land fire risk patches.
fn geohazard_zones(d: &mut Demo, out: &Path) -> Result<()> {
    let mut geoms = vec![];
    let mut rows = vec![];
    for i in 0..d.facilities(30) {
        let p = d.point_in_street(None);
        let kind = *d.pick(&[("地面沉降", 0.45), ("隐伏断层影响带", 0.2), ("林地火险区", 0.35)]);
        let (w, h) = match kind {
            "隐伏断层影响带" => (d.rng.gen_range(1500.0..3500.0), d.rng.gen_range(150.0..300.0)),
            "林地火险区" => (d.rng.gen_range(150.0..600.0), d.rng.gen_range(120.0..400.0)),
            _ => (d.rng.gen_range(400.0..1400.0), d.rng.gen_range(300.0..1000.0f64)),
        };
        geoms.push(rect_at(p, w, h, d.rng.gen_range(-0.8..0.8)));
        let (level, rank) = *d.pick(&[(("高", 4), 0.15), (("较高", 3), 0.25), (("中", 2), 0.35), (("低", 1), 0.25)]);
        rows.push(vec![("id", Val::T(format!("GH{:02}", i + 1))), ("kind", t(kind)), ("hazard_level", t(level)), ("hazard_rank", Val::I(rank))]);
    }
    write_gpkg_layer(out, "geohazard_zones", GeomKind::Polygon, geoms, rows)
}

/// The demo's dynamic-update year (2025): the same district a year on. Most
/// layers are unchanged (the 2025 config points at the 2024 files); the
/// 危险化学品 enterprises change as they do in a real update: most open
/// major hidden dangers rectified, some management grades raised after
/// inspection, three sites closed and four new ones opened in 桃浦.
pub fn next_year(year_2024: &Path, out: &Path, seed: u64) -> Result<()> {
    let src = year_2024.join("chemical_enterprises.csv");
    let text = std::fs::read_to_string(&src).map_err(|e| Error::input(Bad::File, &src, None, e.to_string()))?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed + 1);
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default().to_owned();
    let rows: Vec<Vec<String>> = lines.map(|l| l.split(',').map(str::to_owned).collect()).collect();
    let col = |name: &str| header.split(',').position(|h| h == name).expect("demo CSV header");
    let (grade, danger, kind) = (col("control_grade"), col("major_hidden_danger_unrectified"), col("kind"));
    let mut csv = header.clone() + "\n";
    let closed: Vec<usize> = {
        let mut c = Vec::new();
        while c.len() < 3 {
            let i = rng.gen_range(0..rows.len());
            if !c.contains(&i) {
                c.push(i);
            }
        }
        c
    };
    for (i, r) in rows.iter().enumerate() {
        if closed.contains(&i) {
            continue;
        }
        let mut r = r.clone();
        if r[danger] == "1" && rng.gen_bool(0.7) {
            r[danger] = "0".into();
        }
        if rng.gen_bool(0.2) {
            r[grade] = match r[grade].as_str() {
                "D" => "C",
                "C" => "B",
                "B" => "A",
                g => g,
            }
            .to_owned();
        }
        csv.push_str(&r.join(","));
        csv.push('\n');
    }
    // New sites: copies of existing filling or storage sites, moved into 桃浦's new development area.
    let template: Vec<&Vec<String>> = rows.iter().filter(|r| r[kind] == "加油站" || r[kind].starts_with("危化品经营")).collect();
    let (lon, lat) = (col("lon"), col("lat"));
    for k in 0..4 {
        let mut r = template[rng.gen_range(0..template.len())].clone();
        r[0] = format!("HC{:03}", rows.len() + k + 1);
        r[1] = format!("桃浦新建危化品站点{:02}", k + 1);
        r[danger] = "0".into();
        r[grade] = "B".into();
        r[lon] = format!("{:.6}", 121.335 + rng.gen_range(0.0..0.03));
        r[lat] = format!("{:.6}", 31.283 + rng.gen_range(0.0..0.015));
        csv.push_str(&r.join(","));
        csv.push('\n');
    }
    std::fs::create_dir_all(out).map_err(|e| Error::output(out, e))?;
    std::fs::write(out.join("chemical_enterprises.csv"), csv).map_err(|e| Error::output(out, e))?;
    Ok(())
}
