//! A synthetic city-scale district for benchmarks: at scale 1 about
//! 1,200 km² (the size of Pudong or Qingpu), ~1 million features across the sector layers,
//! ~20,000 km of pipes and roads and a 10 m inundation raster. Sizes grow
//! with `scale` (area and counts proportional, densities constant), so a run
//! at 0.01 fits a test and one at 1 a benchmark.
//!
//! 街镇 are a jittered lattice of quadrilaterals, grouped 3 × 3 into 区
//! (or, with `--streets`, any boundary file's units); metro lines are straight
//! runs of stations; every sector layer comes from the demo generator with
//! its counts raised by [`Density`]. Same scale and seed, same files.

use std::path::{Path, PathBuf};

use geo_types::{Coord, Geometry, LineString, Point, Polygon};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{fresh, table, Density, Val, WORKING_CRS};
use crate::config::LayerConfig;
use crate::emit::vector::write as write_ogr;
use crate::error::{Error, Result};
use crate::load::crs::Transform;
use crate::load::{vector, Strictness};
use crate::model::GeomKind;
use crate::objects::RowChecks;

/// District area at scale 1 (km²).
const AREA_KM2: f64 = 1200.0;
/// Area of the 普陀 demo the base counts were made for (km²).
const DEMO_AREA_KM2: f64 = 55.0;
/// Census-type features per km², relative to the demo: 21× gives ~1 million
/// features at scale 1 (the demo has ~2,100 census features on 55 km²).
const CENSUS_DENSITY: f64 = 21.0;
/// Street-grid networks 1.8× denser than the demo's: ~20,000 km at scale 1.
const NETWORK_DENSITY: f64 = 1.8;
/// Centre of the district (WGS84): west Shanghai, so that even at scale 2
/// the district stays inside EPSG:4549's area of use (east to 121.5°E).
const CENTRE: (f64, f64) = (121.15, 31.12);

/// A boundary file to use as the run's 街镇 instead of the lattice (`--streets`).
pub struct StreetsFile<'a> {
    pub path: &'a Path,
    pub name_field: &'a str,
    pub code_field: &'a str,
    /// The field naming each unit's 区, when the file's units are 街镇 of several districts.
    pub district_field: Option<&'a str>,
}

/// Write the city layers, its 街镇 and metro stations and an `assessment.toml`
/// that runs the models in the folder `models` over them (with `streets_file`, over
/// that file's units).
pub fn generate(scale: f64, models: &Path, out: &Path, seed: u64, streets_file: Option<StreetsFile>) -> Result<()> {
    let models: PathBuf = std::fs::canonicalize(models).map_err(|e| Error::Config { file: models.to_owned(), message: format!("models folder: {e}") })?;
    std::fs::create_dir_all(out).map_err(|e| Error::output(out, e))?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let side = (AREA_KM2 * scale).sqrt() * 1000.0;
    let to_working = Transform::new("EPSG:4326", WORKING_CRS).map_err(|e| Error::output(out, e))?;
    let to_wgs84 = Transform::new(WORKING_CRS, "EPSG:4326").map_err(|e| Error::output(out, e))?;
    let (cx, cy) = to_working.point(CENTRE.0, CENTRE.1).map_err(|e| Error::output(out, e))?;
    let origin = Coord { x: (cx - side / 2.0).round(), y: (cy - side / 2.0).round() };

    // 街镇: a k × k lattice, inner vertices moved by up to 15 % of a cell.
    let k = ((6.0 * scale.sqrt()).round() as usize).max(2);
    let cell = side / k as f64;
    let mut lattice = vec![vec![Coord { x: 0.0, y: 0.0 }; k + 1]; k + 1];
    for (j, row) in lattice.iter_mut().enumerate() {
        for (i, c) in row.iter_mut().enumerate() {
            let inner = i > 0 && i < k && j > 0 && j < k;
            let jitter = |rng: &mut ChaCha8Rng| if inner { rng.gen_range(-0.15..0.15) * cell } else { 0.0 };
            *c = Coord { x: origin.x + i as f64 * cell + jitter(&mut rng), y: origin.y + j as f64 * cell + jitter(&mut rng) };
        }
    }
    let (mut geoms, mut rows, mut old) = (vec![], vec![], vec![]);
    for j in 0..k {
        for i in 0..k {
            let n = j * k + i + 1;
            let ring = [lattice[j][i], lattice[j][i + 1], lattice[j + 1][i + 1], lattice[j + 1][i], lattice[j][i]];
            let ring: Vec<Coord<f64>> = ring
                .iter()
                .map(|c| to_wgs84.point(c.x, c.y).map(|(x, y)| Coord { x, y }))
                .collect::<std::result::Result<_, _>>()
                .map_err(|e| Error::output(out, e))?;
            geoms.push(Geometry::Polygon(Polygon::new(LineString(ring), vec![])));
            let name = format!("示范{n:02}街道");
            // Every third 街镇 is an old one (pre-1995 housing and networks).
            if n % 3 == 1 {
                old.push(name.clone());
            }
            // A city has districts: 3 × 3 blocks of 街镇 each (one district while the lattice is 3 × 3 or less, below scale ~0.35).
            let district = (j / 3) * k.div_ceil(3) + i / 3 + 1;
            rows.push(vec![("code", Val::T(format!("310115{n:03}"))), ("name", Val::T(name)), ("district", Val::T(format!("示范{district}区")))]);
        }
    }
    let streets = out.join("streets.geojson");
    write_ogr(fresh(&streets)?, "GeoJSON", &[], "EPSG:4326", &[table("streets", GeomKind::Polygon, geoms, rows)])?;

    // Metro: alternating west–east and south–north lines, a station every ~1.2 km.
    let lines = ((10.0 * scale.sqrt()).round() as usize).max(2);
    let (mut pts, mut rows) = (vec![], vec![]);
    for l in 0..lines {
        let at = rng.gen_range(0.1..0.9) * side;
        let mut along = rng.gen_range(200.0..1200.0);
        while along < side {
            let (x, y) = if l % 2 == 0 { (origin.x + along, origin.y + at) } else { (origin.x + at, origin.y + along) };
            let (lon, lat) = to_wgs84.point(x, y).map_err(|e| Error::output(out, e))?;
            pts.push(Geometry::Point(Point::new(lon, lat)));
            rows.push(vec![
                ("name_zh", Val::T(format!("{}号线{}站", l + 1, rows.len() + 1))),
                ("lines", Val::T(format!("{}", l + 1))),
                ("line_count", Val::I(1)),
            ]);
            along += rng.gen_range(900.0..1500.0);
        }
    }
    let metro = out.join("metro_lines.geojson");
    write_ogr(fresh(&metro)?, "GeoJSON", &[], "EPSG:4326", &[table("metro", GeomKind::Point, pts, rows)])?;

    let area = AREA_KM2 * scale / DEMO_AREA_KM2;
    let density = Density { facilities: area, census: area * CENSUS_DENSITY, networks: NETWORK_DENSITY, raster_m: 10.0 };
    let old: Vec<&str> = old.iter().map(String::as_str).collect();
    super::generate_with(&streets, &metro, out, seed, density, &old)?;
    let (path, districts) = match streets_file {
        Some(file) => (copy_streets(&file, out)?, file.district_field.is_some()),
        None => ("streets.geojson", true),
    };
    let mut config = config_text(scale, &models, path, districts);
    if path != "streets.geojson" {
        config = clip_to_streets_file(&config);
    }
    std::fs::write(out.join("assessment.toml"), config).map_err(|e| Error::output(out, e))
}

/// The generated square need not lie inside a --streets file's units (Shanghai's
/// districts leave out its western corner at scale 1): every vector layer is
/// then a register wider than the study area, read with `clip_to_district`.
fn clip_to_streets_file(config: &str) -> String {
    let mut doc: toml::Table = config.parse().expect("the generated config is TOML");
    if let Some(toml::Value::Table(layers)) = doc.get_mut("layers") {
        for (name, entry) in layers.iter_mut() {
            let raster = entry.get("path").and_then(|p| p.as_str()).is_some_and(|p| p.ends_with(".tif"));
            if let (false, false, toml::Value::Table(entry)) = (name == "streets", raster, entry) {
                entry.insert("clip_to_district".into(), toml::Value::Boolean(true));
            }
        }
    }
    let header: String = config.lines().take_while(|l| l.starts_with('#')).map(|l| format!("{l}\n")).collect();
    format!("{header}{}", toml::to_string_pretty(&doc).expect("a TOML table serialises"))
}

/// The --streets file as `boundaries.gpkg` with `code` and `name` fields in the working CRS.
fn copy_streets(file: &StreetsFile, out: &Path) -> Result<&'static str> {
    let cfg = LayerConfig { path: file.path.to_owned(), id_field: Some(file.code_field.to_owned()), ..Default::default() };
    let (layer, _) = vector::read("boundaries", &cfg, WORKING_CRS, Strictness::default(), None)?;
    let names = layer.require(file.name_field, layer.texts(file.name_field)?, &RowChecks::Stop)?;
    let codes = layer.require(file.code_field, layer.texts(file.code_field)?, &RowChecks::Stop)?;
    let districts = match file.district_field {
        Some(field) => layer.require(field, layer.texts(field)?, &RowChecks::Stop)?.into_iter().map(Some).collect(),
        None => vec![None; names.len()],
    };
    let rows = codes
        .into_iter()
        .zip(names)
        .zip(districts)
        .map(|((c, n), d)| {
            let mut row = vec![("code", Val::T(c)), ("name", Val::T(n))];
            row.extend(d.map(|d| ("district", Val::T(d))));
            row
        })
        .collect();
    let file = "boundaries.gpkg";
    write_ogr(fresh(&out.join(file))?, "GPKG", &[], WORKING_CRS, &[table("boundaries", GeomKind::Polygon, layer.geoms.clone(), rows)])?;
    Ok(file)
}

/// The demo's run configuration, pointed at the city: same layers and file
/// names, its own district, 街镇 file and models folder, no expert review.
fn config_text(scale: f64, models: &Path, streets_file: &str, districts: bool) -> String {
    let demo = include_str!("../../layers/demo/assessment.toml");
    let mut text = format!("# City-scale benchmark district, scale {scale} (made by `sise bench-data`; all layers synthetic).\n");
    // The demo's expert review names demo objects, which the city has not.
    let mut in_review = false;
    for line in demo.lines().skip_while(|l| l.starts_with('#')) {
        if line.starts_with('[') {
            in_review = line.trim() == "[review]";
        }
        if in_review {
            continue;
        }
        let line = match line.split('=').next().map(str::trim) {
            Some("district") => "district = \"示范区\"".to_owned(),
            Some("district_code") => "district_code = \"310115\"".to_owned(),
            Some("map_source") => "map_source = \"城市尺度基准测试合成数据\"".to_owned(),
            Some("domains") => format!("domains = [{}]", toml::Value::String(models.to_string_lossy().into_owned())),
            Some("path") if line.contains("putuo_streets") => format!("path = \"{streets_file}\""),
            Some("code_field") if districts => format!("{line}\ndistrict_field = \"district\""),
            _ => line.to_owned(),
        };
        text.push_str(&line);
        text.push('\n');
    }
    text
}
