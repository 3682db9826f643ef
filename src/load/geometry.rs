//! A feature's geometry made usable for the run: present, valid (repaired
//! when the run allows), of the layer's one kind, and in the working CRS
//! with a declared GCJ-02/BD-09 offset removed; or refused with its class.

use geo_types::{Geometry, Rect};

use super::crs::{remove_offset, Transform};
use super::Strictness;
use crate::config::Offset;
use crate::error::Bad;
use crate::model::GeomKind;
use crate::msg::Msg;

/// The kind of an OGR geometry type (a feature's, or a layer's declared one).
pub(super) fn kind_of_ogr(t: gdal::vector::OGRwkbGeometryType::Type) -> Option<GeomKind> {
    use gdal::vector::{geometry_type_flatten, OGRwkbGeometryType as T};
    match geometry_type_flatten(t) {
        T::wkbPolygon | T::wkbMultiPolygon => Some(GeomKind::Polygon),
        T::wkbLineString | T::wkbMultiLineString => Some(GeomKind::Line),
        T::wkbPoint | T::wkbMultiPoint => Some(GeomKind::Point),
        _ => None,
    }
}

/// A feature's geometry as it arrives: from GDAL, or parsed by `geojson`.
pub(super) enum Source<'a> {
    Ogr(Option<&'a gdal::vector::Geometry>),
    Geo(Option<Geometry<f64>>),
}

/// Why a single feature cannot be used: its class and the reason. Strict
/// runs stop on it; `--keep-going` rejects the feature.
pub(super) type Problem = (Bad, String);

/// A feature's geometry ready for the run: readable and valid, of the
/// layer's one kind (the first feature sets it), in the working CRS.
#[allow(clippy::too_many_arguments)]
pub(super) fn usable_geometry(
    g: Source,
    how: Strictness,
    layer: &str,
    id: &str,
    kind: &mut Option<GeomKind>,
    geographic: bool,
    to_working: &Transform,
    offset: Offset,
) -> std::result::Result<Geometry<f64>, Problem> {
    let g = working_geometry(g, how, layer, id)?;
    let k = GeomKind::of(&g).ok_or((Bad::GeometryType, Msg::GeometryCollection.into()))?;
    match *kind {
        None => *kind = Some(k),
        Some(prev) if prev != k => {
            return Err((Bad::GeometryType, Msg::MixedKinds { this: k.holds(), earlier: prev.holds() }.into()));
        }
        _ => {}
    }
    to_working_crs(&g, geographic, to_working, offset)
}

/// A feature's geometry as geo-types: present, valid (repaired when the run
/// allows), polygons out of a MakeValid collection.
fn working_geometry(g: Source, how: Strictness, layer: &str, id: &str) -> std::result::Result<Geometry<f64>, Problem> {
    let converted;
    let g = match g {
        // Polygons go through GDAL's validity check below, as they would from GDAL.
        Source::Geo(Some(g @ (Geometry::Polygon(_) | Geometry::MultiPolygon(_)))) => {
            use gdal::vector::ToGdal;
            converted = g.to_gdal().map_err(|e| (Bad::Geometry, Msg::UnreadableGeometry { repair: false, detail: e.to_string() }.into()))?;
            Some(&converted)
        }
        Source::Geo(Some(g)) => return Ok(g),
        Source::Geo(None) => None,
        Source::Ogr(g) => g,
    };
    let g = match g {
        Some(g) if !g.is_empty() => g,
        _ => return Err((Bad::Geometry, Msg::NoGeometry.into())),
    };
    // GEOS (through GDAL) decides validity: self-intersections, bad ring nesting.
    let repaired;
    let g = if matches!(kind_of_ogr(g.geometry_type()), Some(GeomKind::Polygon)) && !g.is_valid() {
        if !how.make_valid {
            return Err((Bad::Geometry, Msg::InvalidPolygon.into()));
        }
        repaired = g
            .make_valid(&gdal::cpl::CslStringList::new())
            .map_err(|e| (Bad::Geometry, Msg::UnreadableGeometry { repair: true, detail: e.to_string() }.into()))?;
        tracing::warn!(layer, feature = %id, "{}", crate::msg::Warning::Repaired);
        &repaired
    } else {
        g
    };
    match g.to_geo() {
        Ok(Geometry::GeometryCollection(gc)) => Ok(polygonal_part(gc)),
        Ok(g) => Ok(g),
        Err(e) => Err((Bad::Geometry, Msg::UnreadableGeometry { repair: false, detail: e.to_string() }.into())),
    }
}

/// A geometry in the layer's CRS moved into the working CRS: longitudes and
/// latitudes checked, the declared GCJ-02/BD-09 offset removed first.
fn to_working_crs(g: &Geometry<f64>, geographic: bool, to_working: &Transform, offset: Offset) -> std::result::Result<Geometry<f64>, Problem> {
    if geographic {
        use geo::CoordsIter;
        if let Some(c) = g.coords_iter().find(|c| !(-180.0..=180.0).contains(&c.x) || !(-90.0..=90.0).contains(&c.y)) {
            return Err((Bad::Outside, Msg::NotLonLat { x: c.x, y: c.y }.into()));
        }
    }
    to_working.geometry(&remove_offset(g, offset)).map_err(|e| (Bad::Outside, e.into()))
}

/// A working-CRS rectangle as a box in the layer's CRS, widened so that it
/// holds the whole rectangle (`Transform::rect`), padded by 1 %, and offset
/// layers by 0.02° more (GCJ-02 shifts ≤ ~0.01°).
pub(super) fn rect_in(r: Rect<f64>, working_crs: &str, crs: &str, offset: Offset) -> std::result::Result<(f64, f64, f64, f64), String> {
    let (x0, y0, x1, y1) = Transform::new(working_crs, crs)?.rect(r)?;
    let pad = 0.01 * (x1 - x0).max(y1 - y0) + if offset == Offset::None { 0.0 } else { 0.02 };
    Ok((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
}

/// The polygons of a collection (MakeValid may return polygons with stray lines).
fn polygonal_part(gc: geo_types::GeometryCollection<f64>) -> Geometry<f64> {
    let polys: Vec<geo_types::Polygon<f64>> = gc
        .into_iter()
        .flat_map(|g| match g {
            Geometry::Polygon(p) => vec![p],
            Geometry::MultiPolygon(m) => m.0,
            _ => vec![],
        })
        .collect();
    Geometry::MultiPolygon(geo_types::MultiPolygon(polys))
}
