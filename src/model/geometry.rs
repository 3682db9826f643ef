//! The kind of geometry a model scores and a layer holds: the model
//! language's `geometry = "point" | "line" | "polygon"`, shared by load
//! (which finds a layer's kind) and emit (which writes it); and the two
//! conversions every part needs, a polygon geometry as one `MultiPolygon`
//! and the box around two boxes.

use geo_types::{Geometry, MultiPolygon, Rect};

/// A polygon geometry as one `MultiPolygon`; `None` for points and lines.
pub fn polygons_of(g: &Geometry<f64>) -> Option<MultiPolygon<f64>> {
    match g {
        Geometry::Polygon(p) => Some(MultiPolygon(vec![p.clone()])),
        Geometry::MultiPolygon(mp) => Some(mp.clone()),
        _ => None,
    }
}

/// The smallest rectangle holding both `a` and `b`.
pub fn union(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new((a.min().x.min(b.min().x), a.min().y.min(b.min().y)), (a.max().x.max(b.max().x), a.max().y.max(b.max().y)))
}

/// The kind of geometry a layer holds; multi-geometries count as their single kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GeomKind {
    Point,
    Line,
    Polygon,
}

impl GeomKind {
    pub fn of(g: &Geometry<f64>) -> Option<GeomKind> {
        match g {
            Geometry::Point(_) | Geometry::MultiPoint(_) => Some(GeomKind::Point),
            Geometry::LineString(_) | Geometry::MultiLineString(_) | Geometry::Line(_) => Some(GeomKind::Line),
            Geometry::Polygon(_) | Geometry::MultiPolygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => Some(GeomKind::Polygon),
            Geometry::GeometryCollection(_) => None,
        }
    }

    /// What a layer of this kind holds, for messages.
    pub fn holds(self) -> crate::msg::Holds {
        crate::msg::Holds::KINDS[self as usize]
    }

    pub fn name(self) -> &'static str {
        match self {
            GeomKind::Point => "point",
            GeomKind::Line => "line",
            GeomKind::Polygon => "polygon",
        }
    }
}

impl<'de> serde::Deserialize<'de> for GeomKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        match <String as serde::Deserialize>::deserialize(d)?.as_str() {
            "point" => Ok(GeomKind::Point),
            "line" => Ok(GeomKind::Line),
            "polygon" => Ok(GeomKind::Polygon),
            other => Err(serde::de::Error::custom(format!("unknown geometry '{other}', expected point, line or polygon"))),
        }
    }
}
