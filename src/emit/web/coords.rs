//! Coordinates as the page draws them: the working CRS to WGS84 (shifted
//! into GCJ-02 under a GCJ-02 base map), 6 decimals, as GeoJSON or packed
//! as delta-coded integers that `unpack` in web/app.js turns back.

use geo_types::{Coord, Geometry, LineString, Polygon};
use serde::Serialize;
use serde_json::{json, Value};

use crate::assess::Assessment;
use crate::config::TileDatum;
use crate::error::{Error, Result};
use crate::load::crs::Transform;

/// A geometry's coordinates in millionths of a degree, delta-coded, nested
/// as its GeoJSON coordinates are (a point is a one-point line).
#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum Packed {
    Line(Vec<i64>),
    Lines(Vec<Vec<i64>>),
    Polygons(Vec<Vec<Vec<i64>>>),
}

/// Longitude and latitude in millionths of a degree (the 6 decimals drawn).
pub(super) fn micro((lon, lat): (f64, f64)) -> [i64; 2] {
    [(lon * 1e6).round() as i64, (lat * 1e6).round() as i64]
}

impl Packed {
    /// Its lines' first points, from (0, 0) as packed, from `origin` instead.
    pub(super) fn shift(&mut self, origin: [i64; 2]) {
        let line = |l: &mut Vec<i64>| {
            if l.len() >= 2 {
                l[0] -= origin[0];
                l[1] -= origin[1];
            }
        };
        match self {
            Packed::Line(l) => line(l),
            Packed::Lines(ls) => ls.iter_mut().for_each(line),
            Packed::Polygons(ps) => ps.iter_mut().flatten().for_each(line),
        }
    }

    /// The first point, as packed from (0, 0).
    pub(super) fn first(&self) -> Option<[i64; 2]> {
        let l = match self {
            Packed::Line(l) => Some(l),
            Packed::Lines(ls) => ls.first(),
            Packed::Polygons(ps) => ps.iter().flatten().next(),
        }?;
        (l.len() >= 2).then(|| [l[0], l[1]])
    }
}

/// Coordinates as the page draws them: WGS84 longitude/latitude, shifted
/// into GCJ-02 under a GCJ-02 base map; 6 decimals (≈ 0.1 m).
pub(super) struct Lonlat {
    to_wgs84: Transform,
    gcj02: bool,
}

impl Lonlat {
    pub(super) fn new(a: &Assessment) -> Result<Lonlat> {
        let cfg = &a.loaded.config;
        let to_wgs84 = Transform::new(&cfg.working_crs, "EPSG:4326").map_err(|e| Error::output("web/data.js", e))?;
        Ok(Lonlat { to_wgs84, gcj02: cfg.web.basemap.is_some() && cfg.web.basemap_datum == TileDatum::Gcj02 })
    }

    /// Longitude and latitude as drawn.
    pub(super) fn lonlat(&self, c: &Coord<f64>) -> Result<(f64, f64)> {
        let (x, y) = self.to_wgs84.point(c.x, c.y).map_err(|e| Error::output("web/data.js", e))?;
        Ok(if self.gcj02 { crate::load::crs::wgs84_to_gcj02(x, y) } else { (x, y) })
    }

    fn pair(&self, c: &Coord<f64>) -> Result<[f64; 2]> {
        Ok(position(self.lonlat(c)?))
    }

    pub(super) fn coord(&self, c: &Coord<f64>) -> Result<Value> {
        Ok(json!(self.pair(c)?))
    }

    fn line(&self, l: &LineString<f64>) -> Result<Vec<[f64; 2]>> {
        l.coords().map(|c| self.pair(c)).collect()
    }

    fn polygon(&self, p: &Polygon<f64>) -> Result<Vec<Vec<[f64; 2]>>> {
        std::iter::once(p.exterior()).chain(p.interiors()).map(|r| self.line(r)).collect()
    }

    /// A GeoJSON geometry, typed: serialised straight into the file, with no
    /// JSON tree per object (a city has a million objects).
    pub(super) fn shape(&self, g: &Geometry<f64>) -> Result<Option<Shape>> {
        use Coordinates as C;
        let (kind, coordinates) = match g {
            Geometry::Point(p) => ("Point", C::Point(self.pair(&p.0)?)),
            Geometry::LineString(l) => ("LineString", C::Line(self.line(l)?)),
            Geometry::MultiLineString(m) => ("MultiLineString", C::Polygon(m.0.iter().map(|l| self.line(l)).collect::<Result<_>>()?)),
            Geometry::Polygon(p) => ("Polygon", C::Polygon(self.polygon(p)?)),
            Geometry::MultiPolygon(m) => ("MultiPolygon", C::MultiPolygon(m.0.iter().map(|p| self.polygon(p)).collect::<Result<_>>()?)),
            Geometry::MultiPoint(m) => ("MultiPoint", C::Line(m.0.iter().map(|p| self.pair(&p.0)).collect::<Result<_>>()?)),
            _ => return Ok(None),
        };
        Ok(Some(Shape { coordinates, kind }))
    }

    /// A line's points in millionths of a degree, each from the one before
    /// (the first from (0, 0)).
    fn deltas<'c>(&self, coords: impl Iterator<Item = &'c Coord<f64>>) -> Result<Vec<i64>> {
        let mut prev = [0, 0];
        let mut out = Vec::with_capacity(2 * coords.size_hint().0);
        for c in coords {
            let q = micro(self.lonlat(c)?);
            out.extend([q[0] - prev[0], q[1] - prev[1]]);
            prev = q;
        }
        Ok(out)
    }

    fn rings(&self, p: &Polygon<f64>) -> Result<Vec<Vec<i64>>> {
        std::iter::once(p.exterior()).chain(p.interiors()).map(|r| self.deltas(r.coords())).collect()
    }

    /// A geometry as `write_objects` packs it: its WKB type and its
    /// coordinates, nested as GeoJSON's (`None` for a type GeoJSON lacks).
    pub(super) fn packed(&self, g: &Geometry<f64>) -> Result<Option<(u8, Packed)>> {
        Ok(Some(match g {
            Geometry::Point(p) => (1, Packed::Line(self.deltas(std::iter::once(&p.0))?)),
            Geometry::LineString(l) => (2, Packed::Line(self.deltas(l.coords())?)),
            Geometry::Polygon(p) => (3, Packed::Lines(self.rings(p)?)),
            Geometry::MultiPoint(m) => (4, Packed::Line(self.deltas(m.0.iter().map(|p| &p.0))?)),
            Geometry::MultiLineString(m) => (5, Packed::Lines(m.0.iter().map(|l| self.deltas(l.coords())).collect::<Result<_>>()?)),
            Geometry::MultiPolygon(m) => (6, Packed::Polygons(m.0.iter().map(|p| self.rings(p)).collect::<Result<_>>()?)),
            _ => return Ok(None),
        }))
    }

    /// A GeoJSON geometry as a JSON value (`null` for a type GeoJSON lacks).
    pub(super) fn geometry(&self, g: &Geometry<f64>) -> Result<Value> {
        Ok(serde_json::to_value(self.shape(g)?).expect("coordinates serialise"))
    }
}

/// GeoJSON coordinates, by nesting depth.
#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum Coordinates {
    Point([f64; 2]),
    Line(Vec<[f64; 2]>),
    Polygon(Vec<Vec<[f64; 2]>>),
    MultiPolygon(Vec<Vec<Vec<[f64; 2]>>>),
}

/// Fields in the order serde_json's map sorts keys, so the files read the
/// same as when they were built as JSON trees.
#[derive(Serialize)]
pub(super) struct Shape {
    coordinates: Coordinates,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
pub(super) struct Feature<P> {
    pub(super) geometry: Option<Shape>,
    pub(super) properties: P,
    #[serde(rename = "type")]
    pub(super) kind: &'static str,
}

/// One indicator's value: a number or a text.
#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum Cell<'a> {
    Number(f64),
    Text(&'a str),
}

pub(super) fn feature(geometry: Value, properties: Value) -> Value {
    json!({"type": "Feature", "geometry": geometry, "properties": properties})
}

/// Longitude and latitude to 6 decimals, as a GeoJSON position.
fn position(lonlat: (f64, f64)) -> [f64; 2] {
    let (x, y) = super::super::round6(lonlat);
    [x, y]
}
