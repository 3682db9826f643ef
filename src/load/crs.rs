//! Coordinate reference systems: PROJ transforms to the working CRS, and
//! removal of the GCJ-02 / BD-09 offsets that Chinese web-map data carries.
//!
//! PROJ does not know GCJ-02 or BD-09 (they are obfuscations, not datums), and
//! no maintained crate offers an accurate inverse, so the published forward
//! formulas are here with an iterative inverse, which converges to well under
//! a millimetre inside China.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use geo::{Coord, MapCoords};
use geo_types::Geometry;
use proj::Proj;

use crate::config::Offset;
pub use crate::msg::CrsError;
use crate::msg::CrsGuess;

/// A PROJ transform between two CRSs, in the traditional GIS axis order
/// (x = easting or longitude, y = northing or latitude) whatever the EPSG
/// axis order of either CRS: PROJ's `proj_normalize_for_visualization`.
pub struct Transform {
    /// `None` between a CRS and itself: PROJ would copy the coordinates, but
    /// finding that out costs ~40 ms a transform (a work unit over prepared
    /// inputs makes one per layer).
    proj: Option<Rc<Proj>>,
}

thread_local! {
    /// The transforms made on this thread, by (from, to). PROJ takes 20–40 ms
    /// to make one (it searches its database for the operation), and a run
    /// asks for one per layer, raster lookup and output; a `Proj` is not
    /// `Send`, so each thread keeps its own.
    static MADE: RefCell<HashMap<(String, String), Rc<Proj>>> = RefCell::new(HashMap::new());
}

impl Transform {
    /// `from` and `to` are anything PROJ accepts: "EPSG:4549", WKT, PROJJSON.
    pub fn new(from: &str, to: &str) -> Result<Transform, CrsError> {
        if from == to {
            return Ok(Transform::identity());
        }
        let key = (from.to_owned(), to.to_owned());
        if let Some(proj) = MADE.with(|m| m.borrow().get(&key).cloned()) {
            return Ok(Transform { proj: Some(proj) });
        }
        let proj = Rc::new(Proj::new_known_crs(from, to, None).map_err(|e| CrsError::NoTransform {
            from: from.to_owned(),
            to: to.to_owned(),
            detail: e.to_string(),
        })?);
        MADE.with(|m| m.borrow_mut().insert(key, proj.clone()));
        Ok(Transform { proj: Some(proj) })
    }

    /// Coordinates already in the target CRS.
    pub fn identity() -> Transform {
        Transform { proj: None }
    }

    pub fn point(&self, x: f64, y: f64) -> Result<(f64, f64), CrsError> {
        let Some(proj) = &self.proj else { return Ok((x, y)) };
        let (tx, ty) = proj.convert((x, y)).map_err(|e| CrsError::Point { x, y, detail: e.to_string() })?;
        if tx.is_finite() && ty.is_finite() {
            Ok((tx, ty))
        } else {
            Err(CrsError::NoPosition { x, y })
        }
    }

    /// The box in the target CRS that holds the whole rectangle `r`: its
    /// edges are sampled, since they bend in another projection.
    pub fn rect(&self, r: geo_types::Rect<f64>) -> Result<(f64, f64, f64, f64), CrsError> {
        let (mut x0, mut y0, mut x1, mut y1) = (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
        const STEPS: usize = 32;
        for i in 0..=STEPS {
            let f = i as f64 / STEPS as f64;
            let (x, y) = (r.min().x + f * r.width(), r.min().y + f * r.height());
            for (px, py) in [(x, r.min().y), (x, r.max().y), (r.min().x, y), (r.max().x, y)] {
                let (tx, ty) = self.point(px, py)?;
                (x0, y0, x1, y1) = (x0.min(tx), y0.min(ty), x1.max(tx), y1.max(ty));
            }
        }
        Ok((x0, y0, x1, y1))
    }

    pub fn geometry(&self, g: &Geometry<f64>) -> Result<Geometry<f64>, CrsError> {
        g.try_map_coords(|c| self.point(c.x, c.y).map(|(x, y)| Coord { x, y }))
    }
}

/// Remove a coordinate offset from a geometry in longitude/latitude degrees,
/// giving WGS84.
/// Whether a CRS definition (EPSG code, WKT, PROJ string) is geographic
/// (longitude/latitude); false when GDAL cannot read it.
pub fn is_geographic(definition: &str) -> bool {
    gdal::spatial_ref::SpatialRef::from_definition(definition).is_ok_and(|s| s.is_geographic())
}

pub fn remove_offset(g: &Geometry<f64>, offset: Offset) -> Geometry<f64> {
    match offset {
        Offset::None => g.clone(),
        Offset::Gcj02 => g.map_coords(|c| {
            let (x, y) = gcj02_to_wgs84(c.x, c.y);
            Coord { x, y }
        }),
        Offset::Bd09 => g.map_coords(|c| {
            let (x, y) = bd09_to_wgs84(c.x, c.y);
            Coord { x, y }
        }),
    }
}

const GCJ_A: f64 = 6_378_245.0;
const GCJ_EE: f64 = 0.006_693_421_622_965_943;
const PI: f64 = std::f64::consts::PI;

fn outside_china(lon: f64, lat: f64) -> bool {
    !(72.004..=137.8347).contains(&lon) || !(0.8293..=55.8271).contains(&lat)
}

fn gcj_dlat(x: f64, y: f64) -> f64 {
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn gcj_dlon(x: f64, y: f64) -> f64 {
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

/// WGS84 → GCJ-02 (the published forward formula).
pub fn wgs84_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    if outside_china(lon, lat) {
        return (lon, lat);
    }
    let rad_lat = lat / 180.0 * PI;
    let magic = 1.0 - GCJ_EE * rad_lat.sin().powi(2);
    let sqrt_magic = magic.sqrt();
    let dlat = gcj_dlat(lon - 105.0, lat - 35.0) * 180.0 / ((GCJ_A * (1.0 - GCJ_EE)) / (magic * sqrt_magic) * PI);
    let dlon = gcj_dlon(lon - 105.0, lat - 35.0) * 180.0 / (GCJ_A / sqrt_magic * rad_lat.cos() * PI);
    (lon + dlon, lat + dlat)
}

const BD_X_PI: f64 = PI * 3000.0 / 180.0;

/// GCJ-02 → BD-09 (the published forward formula).
pub fn gcj02_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    let z = (lon * lon + lat * lat).sqrt() + 0.00002 * (lat * BD_X_PI).sin();
    let theta = lat.atan2(lon) + 0.000003 * (lon * BD_X_PI).cos();
    (z * theta.cos() + 0.0065, z * theta.sin() + 0.006)
}

/// Invert an offset function by fixed-point iteration: the offsets are small
/// and smooth, so each step removes almost all of the remaining error.
fn invert(forward: impl Fn(f64, f64) -> (f64, f64), lon: f64, lat: f64) -> (f64, f64) {
    let (mut x, mut y) = (lon, lat);
    for _ in 0..30 {
        let (fx, fy) = forward(x, y);
        let (dx, dy) = (fx - lon, fy - lat);
        x -= dx;
        y -= dy;
        if dx.abs() < 1e-11 && dy.abs() < 1e-11 {
            break;
        }
    }
    (x, y)
}

/// GCJ-02 → WGS84, iterative inverse of [`wgs84_to_gcj02`].
pub fn gcj02_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    invert(wgs84_to_gcj02, lon, lat)
}

/// BD-09 → WGS84: BD-09 is an offset on top of GCJ-02.
pub fn bd09_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    let (gx, gy) = invert(gcj02_to_bd09, lon, lat);
    gcj02_to_wgs84(gx, gy)
}

/// CRSs that Shanghai data is commonly delivered in, tried when no other cause fits.
pub(super) const COMMON_CRS: [(&str, &str); 6] = [
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Metres between two lon/lat points near Shanghai (equirectangular is exact enough at this scale).
    fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
        let k = 111_320.0;
        let dx = (a.0 - b.0) * k * (a.1.to_radians()).cos();
        let dy = (a.1 - b.1) * k;
        (dx * dx + dy * dy).sqrt()
    }

    #[test]
    fn gcj02_round_trip_inside_shanghai_is_under_a_metre() {
        for i in 0..20 {
            for j in 0..20 {
                let wgs = (120.9 + 0.05 * i as f64, 30.7 + 0.05 * j as f64);
                let gcj = wgs84_to_gcj02(wgs.0, wgs.1);
                // The offset itself is hundreds of metres: make sure we are testing something.
                assert!(metres(wgs, gcj) > 100.0);
                let back = gcj02_to_wgs84(gcj.0, gcj.1);
                assert!(metres(wgs, back) < 0.01, "{wgs:?} -> {back:?}");
            }
        }
    }

    #[test]
    fn gcj02_matches_the_published_metro_station_conversion() {
        // 莘庄 station, from shared/data/SOURCES.md: GCJ-02 121.385375, 31.111151 → WGS84 121.380745, 31.113056.
        let wgs = gcj02_to_wgs84(121.385375, 31.111151);
        assert!(metres(wgs, (121.380745, 31.113056)) < 1.0, "{wgs:?}");
    }

    #[test]
    fn bd09_round_trip() {
        let wgs = (121.47, 31.23);
        let gcj = wgs84_to_gcj02(wgs.0, wgs.1);
        let bd = gcj02_to_bd09(gcj.0, gcj.1);
        assert!(metres(wgs, bd) > 500.0);
        assert!(metres(wgs, bd09_to_wgs84(bd.0, bd.1)) < 0.01);
    }

    #[test]
    fn no_offset_outside_china() {
        assert_eq!(wgs84_to_gcj02(2.35, 48.85), (2.35, 48.85));
    }
}
