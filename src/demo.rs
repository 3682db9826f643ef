//! Synthetic sector layers for the demo district, placed inside real 街镇
//! boundaries. Sector data (enterprises, pipelines, …) is not public, so the
//! demo makes plausible layers deterministically from a seed: the same seed
//! gives the same features and values on every machine (ChaCha8 is a
//! portable generator).
//!
//! The layers deliberately use different formats and CRSs, as real
//! deliveries do: CSV in GCJ-02 (web-map POIs), GeoJSON and Shapefile in
//! WGS84, GeoPackage and GeoTIFF in the working CRS.

use std::fmt::Write as _;
use std::path::Path;

use gdal::raster::{Buffer, RasterCreationOptions};
use gdal::spatial_ref::SpatialRef;
use gdal::DriverManager;
use geo::{BooleanOps, BoundingRect, Contains};
use geo_types::{Coord, Geometry, LineString, MultiLineString, MultiPolygon, Point, Rect};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::aggregate::Zones;
use crate::config::{LayerConfig, Offset};
use crate::emit::vector::write as write_ogr;
use crate::emit::{Column, OutLayer};
use crate::error::{Error, Result};
use crate::load::crs::{wgs84_to_gcj02, Transform};
use crate::load::{vector, GeomKind};

/// The CRS the demo is built in (and the demo run's working CRS).
pub const WORKING_CRS: &str = "EPSG:4549";

/// 街镇 of 普陀区 with mostly pre-1995 housing and networks (曹杨新村 is the
/// 1950s workers' village; 长寿路/宜川路/甘泉路 are dense older blocks).
const OLD_STREETS: [&str; 4] = ["曹杨新村街道", "长寿路街道", "宜川路街道", "甘泉路街道"];

struct Demo {
    rng: ChaCha8Rng,
    streets: Zones,
    names: Vec<String>,
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
        self.street_of(p).is_some_and(|s| OLD_STREETS.contains(&s))
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

pub fn generate(streets_path: &Path, out: &Path, seed: u64) -> Result<()> {
    let cfg = LayerConfig {
        path: streets_path.to_owned(),
        layer: None,
        crs: None,
        offset: Offset::None,
        id_field: Some("code".into()),
        x_field: None,
        y_field: None,
    };
    let layer = vector::read("streets", &cfg, WORKING_CRS)?;
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
    let bounds = district.bounding_rect().ok_or_else(|| Error::input(streets_path, None, "no polygons"))?;
    std::fs::create_dir_all(out).map_err(|e| Error::output(out, e))?;
    let mut demo = Demo {
        rng: ChaCha8Rng::seed_from_u64(seed),
        streets: Zones::new(polygons),
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
    let n = 700;
    let (mut pts, mut ids, mut names, mut pop, mut basement, mut drainage, mut built) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for i in 0..n {
        let p = d.point_in_street(None);
        let old = d.is_old(p);
        // Older 新村 blocks are dense six-storey walk-ups; newer compounds are high-rise.
        let year: i64 = if old { d.rng.gen_range(1955..2000) } else { d.rng.gen_range(1985..2021) };
        // About 1.27 million people in all, close to 普陀区's census population.
        let people = (d.rng.gen::<f64>().powf(1.6) * 3800.0 + 350.0).round() as i64;
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
    let layer = OutLayer {
        name: "residential".into(),
        kind: GeomKind::Point,
        geoms: d.wgs84_points(&pts)?,
        columns: vec![
            Column::text("id", text(ids)),
            Column::text("name", text(names)),
            Column::int("population", pop),
            Column::text("has_basement", text(basement)),
            Column::int("drainage_rp", drainage),
            Column::int("built_year", built),
        ],
    };
    write_ogr(fresh(&out.join("residential.geojson"))?, "GeoJSON", &[], "EPSG:4326", &[layer])
}

/// Schools, kindergartens, hospitals and elderly homes (一老一小 and medical). Shapefile, WGS84.
fn sensitive_sites(d: &mut Demo, out: &Path) -> Result<()> {
    let kinds = [("中小学", 60), ("幼儿园", 50), ("医院", 15), ("养老机构", 35)];
    let (mut pts, mut ids, mut names, mut ks, mut occ) = (vec![], vec![], vec![], vec![], vec![]);
    for (kind, count) in kinds {
        for _ in 0..count {
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
    let layer = OutLayer {
        name: "sensitive_sites".into(),
        kind: GeomKind::Point,
        geoms: d.wgs84_points(&pts)?,
        columns: vec![
            Column::text("id", text(ids)),
            Column::text("name", text(names)),
            Column::text("kind", text(ks)),
            Column::int("occupants", occ),
        ],
    };
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
    for i in 0..48 {
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
        writeln!(
            csv,
            "HC{:03},{name},{kind},{hazard},{grade},{storage:.1},{control},{danger},{glon:.6},{glat:.6}",
            i + 1
        )
        .expect("writing to a String");
    }
    std::fs::write(out.join("chemical_enterprises.csv"), csv).map_err(|e| Error::output(out, e))
}

/// 燃气管线: a street-grid network of pipe segments. GeoPackage, working CRS.
fn pipelines(d: &mut Demo, out: &Path) -> Result<()> {
    let b = d.bounds;
    let mut roads: Vec<LineString<f64>> = Vec::new();
    // Roads every ~550 m each way, gently wavy, vertices every 150 m.
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
            pos += 550.0 + d.rng.gen_range(-150.0..150.0);
        }
    }
    let (mut geoms, mut ids, mut pressure, mut material, mut year, mut diameter, mut grade, mut leak) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for (r, road) in roads.iter().enumerate() {
        let inside = d.district.clip(&MultiLineString(vec![road.clone()]), false);
        for part in inside.iter() {
            // Segments of three vertices (~300 m), the unit a pipe record usually covers.
            for chunk in part.0.windows(3).step_by(2) {
                let seg = LineString(chunk.to_vec());
                let mid = Point(chunk[1]);
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
        }
    }
    let layer = OutLayer {
        name: "pipelines".into(),
        kind: GeomKind::Line,
        geoms,
        columns: vec![
            Column::text("id", text(ids)),
            Column::text("pressure", text(pressure)),
            Column::text("material", text(material)),
            Column::int("install_year", year),
            Column::int("diameter_mm", diameter),
            Column::text("maintenance_grade", text(grade)),
            Column::int("leak_unrepaired", leak),
        ],
    };
    crate::emit::vector::write_gpkg(fresh(&out.join("gas_pipelines.gpkg"))?, WORKING_CRS, &[layer])
}

/// 排水泵站: drainage pumping stations. GeoJSON, WGS84.
fn pumping_stations(d: &mut Demo, out: &Path) -> Result<()> {
    let (mut pts, mut ids, mut names, mut cap) = (vec![], vec![], vec![], vec![]);
    for i in 0..28 {
        let p = d.point_in_street(None);
        ids.push(format!("PS{:03}", i + 1));
        names.push(format!("{}雨水泵站", d.street_of(p).unwrap_or("普陀").trim_end_matches("街道")));
        cap.push(Some((d.rng.gen_range(1.0..12.0f64) * 10.0).round() / 10.0));
        pts.push(p);
    }
    let layer = OutLayer {
        name: "pumping_stations".into(),
        kind: GeomKind::Point,
        geoms: d.wgs84_points(&pts)?,
        columns: vec![Column::text("id", text(ids)), Column::text("name", text(names)), Column::real("capacity_m3s", cap)],
    };
    write_ogr(fresh(&out.join("pumping_stations.geojson"))?, "GeoJSON", &[], "EPSG:4326", &[layer])
}

/// 50-year rainstorm inundation depth (m), as the hazard census delivers it:
/// a GeoTIFF at 20 m in the working CRS, with low-lying bowls of water.
fn inundation(d: &mut Demo, out: &Path) -> Result<()> {
    let res = 20.0;
    let b = d.bounds;
    let (x0, y1) = ((b.min().x / res).floor() * res - 500.0, (b.max().y / res).ceil() * res + 500.0);
    let w = ((b.max().x - x0 + 500.0) / res).ceil() as usize;
    let h = ((y1 - b.min().y + 500.0) / res).ceil() as usize;
    // Bowls: centre, depth at the centre (m), radius (m). Older areas have more of them.
    let mut bowls = Vec::new();
    for _ in 0..22 {
        let c = d.point_in_street(None);
        let depth = if d.is_old(c) { d.rng.gen_range(0.3..1.2) } else { d.rng.gen_range(0.1..0.7) };
        bowls.push((c, depth, d.rng.gen_range(150.0..550.0)));
    }
    let mut data = vec![0f32; w * h];
    for row in 0..h {
        for col in 0..w {
            let (x, y) = (x0 + (col as f64 + 0.5) * res, y1 - (row as f64 + 0.5) * res);
            let depth: f64 = bowls
                .iter()
                .map(|(c, a, s)| a * (-((x - c.x()).powi(2) + (y - c.y()).powi(2)) / (2.0 * s * s)).exp())
                .sum::<f64>()
                - 0.05;
            data[row * w + col] = ((depth.max(0.0) * 100.0).round() / 100.0) as f32;
        }
    }
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
    let mut band = ds.rasterband(1).map_err(err)?;
    band.set_no_data_value(Some(-9999.0)).map_err(err)?;
    band.write((0, 0), (w, h), &mut Buffer::new((w, h), data)).map_err(err)?;
    drop(band);
    ds.close().map_err(err)
}
