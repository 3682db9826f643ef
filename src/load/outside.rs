//! Why features lie outside the district: the cause their coordinates point
//! to. Each hypothesis (GCJ-02/BD-09 offsets, swapped axes, another CRS) is
//! tried on the features' own coordinates; the first that brings most of them
//! into the district is named, otherwise they are simply outside.

use gdal::vector::LayerAccess;
use gdal::GdalOpenFlags;

use super::crs::{bd09_to_wgs84, gcj02_to_bd09, gcj02_to_wgs84, wgs84_to_gcj02, Transform, COMMON_CRS};
use crate::config::{LayerConfig, Offset};
use crate::msg::Cause;

/// An object left out because it lies outside the district (`clip_to_district`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Clipped {
    pub layer: String,
    pub id: String,
    /// Its centroid (working CRS), so a work unit counts only those it owns.
    pub x: f64,
    pub y: f64,
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
