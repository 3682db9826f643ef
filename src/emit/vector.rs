//! Write [`OutLayer`]s through GDAL/OGR: the GeoPackage users open, and any
//! other OGR format (the demo generator writes GeoJSON and Shapefiles). Where
//! the driver supports transactions, each layer's features go in one
//! (fast, and all-or-nothing).

use std::path::Path;

use gdal::spatial_ref::SpatialRef;
use gdal::vector::{Feature, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType, ToGdal};
use gdal::{Dataset, DatasetCapability, DriverManager};
use geo_types::{Geometry, MultiLineString, MultiPoint, MultiPolygon};

use super::{OutLayer, Values};
use crate::error::{Error, Result};
use crate::load::GeomKind;

/// The declared geometry type: lines and polygons are promoted to multi, so a
/// layer mixing single and multi parts still has one type.
fn declared(kind: GeomKind, geoms: &[Geometry<f64>]) -> OGRwkbGeometryType::Type {
    match kind {
        GeomKind::Point if geoms.iter().all(|g| matches!(g, Geometry::Point(_))) => OGRwkbGeometryType::wkbPoint,
        GeomKind::Point => OGRwkbGeometryType::wkbMultiPoint,
        GeomKind::Line => OGRwkbGeometryType::wkbMultiLineString,
        GeomKind::Polygon => OGRwkbGeometryType::wkbMultiPolygon,
    }
}

/// Make a geometry match its layer's declared multi type.
fn promote(ty: OGRwkbGeometryType::Type, g: &Geometry<f64>) -> Geometry<f64> {
    match g {
        Geometry::Point(p) if ty == OGRwkbGeometryType::wkbMultiPoint => MultiPoint(vec![*p]).into(),
        Geometry::LineString(l) => MultiLineString(vec![l.clone()]).into(),
        Geometry::Polygon(p) => MultiPolygon(vec![p.clone()]).into(),
        _ => g.clone(),
    }
}

/// Write the layers into a new GeoPackage.
pub fn write_gpkg(path: &Path, crs: &str, layers: &[OutLayer]) -> Result<()> {
    write(path, "GPKG", &["FID=fid", "GEOMETRY_NAME=geom", "SPATIAL_INDEX=YES"], crs, layers)
}

/// Write the layers into a new dataset of GDAL driver `driver`, with layer creation `options`.
pub fn write(path: &Path, driver: &str, options: &[&str], crs: &str, layers: &[OutLayer]) -> Result<()> {
    let err = |m: String| Error::output(path, m);
    let drv = DriverManager::get_driver_by_name(driver).map_err(|e| err(format!("GDAL has no {driver} driver: {e}")))?;
    let mut ds = drv.create_vector_only(path).map_err(|e| err(format!("cannot create: {e}")))?;
    let srs = SpatialRef::from_definition(crs).map_err(|e| err(format!("CRS {crs}: {e}")))?;

    for out in layers {
        let lerr = |m: String| err(format!("layer '{}': {m}", out.name));
        let ty = declared(out.kind, &out.geoms);
        {
            let layer = ds
                .create_layer(LayerOptions { name: &out.name, srs: Some(&srs), ty, options: Some(options) })
                .map_err(|e| lerr(e.to_string()))?;
            let defs: Vec<(&str, OGRFieldType::Type)> = out
                .columns
                .iter()
                .map(|c| {
                    let t = match c.values {
                        Values::Int(_) => OGRFieldType::OFTInteger64,
                        Values::Real(_) => OGRFieldType::OFTReal,
                        Values::Text(_) => OGRFieldType::OFTString,
                    };
                    (c.name.as_str(), t)
                })
                .collect();
            layer.create_defn_fields(&defs).map_err(|e| lerr(e.to_string()))?;
        }
        if ds.has_capability(DatasetCapability::TRANSACTIONS) {
            let txn = ds.start_transaction().map_err(|e| lerr(e.to_string()))?;
            write_features(&txn, out, ty).map_err(lerr)?;
            txn.commit().map_err(|e| lerr(format!("commit: {e}")))?;
        } else {
            write_features(&ds, out, ty).map_err(lerr)?;
        }
    }
    ds.close().map_err(|e| err(format!("close: {e}")))
}

fn write_features(ds: &Dataset, out: &OutLayer, ty: OGRwkbGeometryType::Type) -> std::result::Result<(), String> {
    let layer = ds.layer_by_name(&out.name).map_err(|e| e.to_string())?;
    let defn = layer.defn();
    let idx: Vec<usize> = out
        .columns
        .iter()
        .map(|c| defn.field_index(&c.name).map_err(|e| e.to_string()))
        .collect::<std::result::Result<_, _>>()?;
    for (row, g) in out.geoms.iter().enumerate() {
        let mut f = Feature::new(defn).map_err(|e| e.to_string())?;
        for (c, &i) in out.columns.iter().zip(&idx) {
            let r = match &c.values {
                Values::Int(v) => v[row].map(|x| f.set_field_integer64(i, x)),
                Values::Real(v) => v[row].map(|x| f.set_field_double(i, x)),
                Values::Text(v) => v[row].as_deref().map(|x| f.set_field_string(i, x)),
            };
            r.unwrap_or_else(|| f.set_field_null(i)).map_err(|e| format!("row {row}, field '{}': {e}", c.name))?;
        }
        let geom = promote(ty, g).to_gdal().map_err(|e| format!("row {row}: geometry: {e}"))?;
        f.set_geometry(geom).map_err(|e| e.to_string())?;
        f.create(&layer).map_err(|e| format!("row {row}: {e}"))?;
    }
    Ok(())
}
