//! Why features lie outside the district: the cause their coordinates point
//! to. Each hypothesis (GCJ-02/BD-09 offsets, swapped axes, another CRS) is
//! tried on the features' own coordinates; the first that brings most of them
//! into the district is named, otherwise they are simply outside.

use gdal::vector::LayerAccess;
use gdal::GdalOpenFlags;

use super::crs::{bd09_to_wgs84, gcj02_to_bd09, gcj02_to_wgs84, wgs84_to_gcj02, Transform};
use crate::config::{LayerConfig, Offset};
use crate::msg::{Cause, CrsGuess};

/// An object left out because it lies outside the district (`clip_to_district`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Clipped {
    pub layer: String,
    pub id: String,
    /// Its centroid (working CRS), so a work unit counts only those it owns.
    pub x: f64,
    pub y: f64,
}

/// CRSs that Shanghai data is commonly delivered in, tried when no other cause fits.
const COMMON_CRS: [(&str, &str); 6] = [
    ("EPSG:4326", "WGS 84 longitude/latitude"),
    ("EPSG:4490", "CGCS2000 longitude/latitude"),
    ("EPSG:4549", "CGCS2000 / 3-degree GK CM 120E"),
    ("EPSG:4528", "CGCS2000 / 3-degree GK zone 40"),
    ("EPSG:32651", "WGS 84 / UTM zone 51N"),
    ("EPSG:3857", "Web Mercator"),
];

/// The CRS that a sample coordinate (`x`, `y`, as written in the file) fits:
/// longitude/latitude when it can be one, else the first common projected
/// CRS that puts it inside the area the working CRS is made for (a Shanghai
/// GK coordinate in EPSG:4549, not another zone's).
pub fn guess_crs(sample: Option<(f64, f64)>, working_crs: &str) -> CrsGuess {
    let Some((x, y)) = sample.filter(|(x, y)| x.is_finite() && y.is_finite()) else { return CrsGuess::Unknown };
    if x.abs() <= 180.0 && y.abs() <= 90.0 {
        return CrsGuess::LonLat;
    }
    // Where the working CRS is meant to be used (CGCS2000 / GK CM 120E: 118.5–121.5°E), else China.
    let area = gdal::spatial_ref::SpatialRef::from_definition(working_crs)
        .ok()
        .and_then(|s| s.area_of_use())
        .map_or((73.0, 18.0, 135.0, 54.0), |a| (a.west_lon_degree, a.south_lat_degree, a.east_lon_degree, a.north_lat_degree));
    for (crs, words) in COMMON_CRS.iter().filter(|(c, _)| !matches!(*c, "EPSG:4326" | "EPSG:4490")) {
        let Ok(t) = Transform::new(crs, "EPSG:4326") else { continue };
        if let Ok((lon, lat)) = t.point(x, y) {
            if (area.0..=area.2).contains(&lon) && (area.1..=area.3).contains(&lat) {
                return CrsGuess::Projected { x, y, crs, words };
            }
        }
    }
    CrsGuess::Metres { x, y }
}

/// The layer's CRS as PROJ takes it: the config's override, else the file's own.
pub fn layer_crs(cfg: &LayerConfig) -> Option<String> {
    if let Some(c) = &cfg.crs {
        return Some(c.clone());
    }
    let ds = super::vector::open(cfg, GdalOpenFlags::GDAL_OF_VECTOR).ok()?;
    let layer = match &cfg.layer {
        Some(l) => ds.layer_by_name(l).ok()?,
        None => ds.layer(0).ok()?,
    };
    layer.spatial_ref()?.to_wkt().ok()
}

/// What the outside `points` (working CRS) point to (`msg::Cause` puts it
/// in words an assessor can act on); `inside` tests a working-CRS point
/// against the district.
pub fn diagnose(cfg: &LayerConfig, working_crs: &str, points: &[(f64, f64)], inside: &dyn Fn(f64, f64) -> bool) -> Cause {
    let sample: Vec<(f64, f64)> = points.iter().step_by((points.len() / 50).max(1)).copied().collect();
    let most = |moved: &dyn Fn((f64, f64)) -> Option<(f64, f64)>| {
        let hits = sample.iter().filter(|p| moved(**p).is_some_and(|(x, y)| inside(x, y))).count();
        hits * 2 > sample.len()
    };
    let Some(src) = layer_crs(cfg) else { return Cause::SimplyOutside };
    let (Ok(to_src), Ok(from_src)) = (Transform::new(working_crs, &src), Transform::new(&src, working_crs)) else { return Cause::SimplyOutside };
    let geographic = gdal::spatial_ref::SpatialRef::from_definition(&src).is_ok_and(|s| s.is_geographic());
    // The coordinates as written in the file (the declared offset put back).
    let original = |(x, y): (f64, f64)| -> Option<(f64, f64)> {
        let (lon, lat) = to_src.point(x, y).ok()?;
        Some(match cfg.offset {
            Offset::None => (lon, lat),
            Offset::Gcj02 => wgs84_to_gcj02(lon, lat),
            Offset::Bd09 => {
                let (gx, gy) = wgs84_to_gcj02(lon, lat);
                gcj02_to_bd09(gx, gy)
            }
        })
    };
    // Hypotheses may give impossible longitudes/latitudes; PROJ would complain about each.
    let lon_lat_ok = |(x, y): (f64, f64)| (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y);
    let read_as = |offset: Offset, (x, y): (f64, f64)| -> Option<(f64, f64)> {
        if geographic && !lon_lat_ok((x, y)) {
            return None;
        }
        let (x, y) = match offset {
            Offset::None => (x, y),
            Offset::Gcj02 => gcj02_to_wgs84(x, y),
            Offset::Bd09 => bd09_to_wgs84(x, y),
        };
        from_src.point(x, y).ok()
    };
    if geographic {
        for (offset, word, datum) in [(Offset::Gcj02, "gcj02", "GCJ-02"), (Offset::Bd09, "bd09", "BD-09")] {
            if cfg.offset != offset && most(&|p| original(p).and_then(|o| read_as(offset, o))) {
                return Cause::Offset { datum, word };
            }
        }
        if cfg.offset != Offset::None && most(&|p| original(p).and_then(|o| read_as(Offset::None, o))) {
            return Cause::NotOffset;
        }
    }
    if most(&|p| original(p).and_then(|(x, y)| read_as(cfg.offset, (y, x)))) {
        return Cause::Swapped;
    }
    for (crs, words) in COMMON_CRS {
        let Ok(t) = Transform::new(crs, working_crs) else { continue };
        let cand_geographic = gdal::spatial_ref::SpatialRef::from_definition(crs).is_ok_and(|s| s.is_geographic());
        if most(&|p| original(p).filter(|o| !cand_geographic || lon_lat_ok(*o)).and_then(|(x, y)| t.point(x, y).ok())) {
            return Cause::OtherCrs { crs, words };
        }
    }
    Cause::SimplyOutside
}
