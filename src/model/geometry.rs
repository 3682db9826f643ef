//! The kind of geometry a model scores and a layer holds: the model
//! language's `geometry = "point" | "line" | "polygon"`, shared by load
//! (which finds a layer's kind) and emit (which writes it).

use geo_types::Geometry;

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
