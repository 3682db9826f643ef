//! Write [`OutLayer`]s through GDAL/OGR: the GeoPackage users open, and any
//! other OGR format (the demo generator writes GeoJSON and Shapefiles). Where
//! the driver supports transactions, each layer's features go in one
//! (fast, and all-or-nothing).

use std::path::Path;

use gdal::spatial_ref::SpatialRef;
use gdal::vector::{Feature, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType, ToGdal};
use gdal::{Dataset, DatasetCapability, DatasetOptions, DriverManager, GdalOpenFlags};
use geo_types::{Geometry, MultiLineString, MultiPoint, MultiPolygon};

use super::gpkg::{self, Wrap};
use super::{OutLayer, Values};
use crate::error::{Error, Result};
use crate::model::GeomKind;
use crate::msg::OutputTrouble;

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

/// Which single geometries a layer of declared type `ty` holds as one-part
/// multis: lines and polygons, and points in a multipoint layer. The one
/// rule for both writers (OGR features here, GeoPackage blobs in `gpkg`).
fn wrap(ty: OGRwkbGeometryType::Type, g: &Geometry<f64>) -> Wrap {
    match g {
        Geometry::Point(_) if ty == OGRwkbGeometryType::wkbMultiPoint => Wrap::MultiPoint,
        Geometry::LineString(_) => Wrap::MultiLineString,
        Geometry::Polygon(_) => Wrap::MultiPolygon,
        _ => Wrap::None,
    }
}

/// Make a geometry match its layer's declared multi type ([`wrap`]).
fn promote(ty: OGRwkbGeometryType::Type, g: &Geometry<f64>) -> Geometry<f64> {
    match (wrap(ty, g), g) {
        (Wrap::MultiPoint, Geometry::Point(p)) => MultiPoint(vec![*p]).into(),
        (Wrap::MultiLineString, Geometry::LineString(l)) => MultiLineString(vec![l.clone()]).into(),
        (Wrap::MultiPolygon, Geometry::Polygon(p)) => MultiPolygon(vec![p.clone()]).into(),
        _ => g.clone(),
    }
}

/// A default style of one layer, as QGIS keeps it in a GeoPackage.
/// Check `SOURCE_DATE_EPOCH` and, when it is set, give GDAL its time for the
/// GeoPackage's `last_change` columns. Called once, before any output is written.
pub fn use_output_time() -> Result<()> {
    if let Some(t) = crate::stamp::fixed_gpkg_time()? {
        gdal::config::set_config_option("OGR_CURRENT_DATE", &t)
            .map_err(|e| Error::Environment { what: "GDAL".into(), message: OutputTrouble::GdalDate { detail: e.to_string() }.into() })?;
    }
    Ok(())
}

pub struct StyleRow {
    pub layer: String,
    pub name: String,
    pub qml: String,
    pub sld: String,
    pub description: String,
}

/// Write the layers into a new GeoPackage, with their titles, descriptions and default styles.
pub fn write_gpkg(path: &Path, crs: &str, layers: &[OutLayer], styles: &[StyleRow]) -> Result<()> {
    let gpkg = Gpkg::create(path, crs)?;
    for l in layers {
        gpkg.add(l)?;
    }
    gpkg.finish(styles)
}

/// A new GeoPackage written a layer at a time, so that a caller can make
/// each layer just before it is written and drop it after (a city's layers
/// hold ~600 MB of attributes). GDAL creates each table, its metadata and
/// its (empty) R-tree; the rows go in straight through SQLite (`gpkg`).
pub struct Gpkg {
    path: std::path::PathBuf,
    srs: SpatialRef,
}

impl Gpkg {
    pub fn create(path: &Path, crs: &str) -> Result<Gpkg> {
        let err = |m: String| Error::output(path, m);
        let drv =
            DriverManager::get_driver_by_name("GPKG").map_err(|e| err(OutputTrouble::NoDriver { driver: "GPKG".into(), detail: e.to_string() }.into()))?;
        drv.create_vector_only(path)
            .map_err(|e| err(OutputTrouble::CannotCreate { detail: e.to_string() }.into()))?
            .close()
            .map_err(|e| err(OutputTrouble::Close { detail: e.to_string() }.into()))?;
        let srs = SpatialRef::from_definition(crs).map_err(|e| err(OutputTrouble::Crs { crs: crs.into(), detail: e.to_string() }.into()))?;
        Ok(Gpkg { path: path.to_owned(), srs })
    }

    fn open(&self) -> Result<Dataset> {
        let flags = GdalOpenFlags::GDAL_OF_UPDATE | GdalOpenFlags::GDAL_OF_VECTOR;
        Dataset::open_ex(&self.path, DatasetOptions { open_flags: flags, ..Default::default() })
            .map_err(|e| Error::output(&self.path, OutputTrouble::Reopen { detail: e.to_string() }))
    }

    /// Add one layer: its table (GDAL), then its rows.
    pub fn add(&self, out: &OutLayer) -> Result<()> {
        let err = |m: String| Error::output(&self.path, OutputTrouble::Layer { name: out.name.clone(), detail: m });
        let mut ds = self.open()?;
        let (ty, fields) = create_table(&mut ds, out, &["FID=fid", "GEOMETRY_NAME=geom", "SPATIAL_INDEX=YES"], &self.srs, true).map_err(err)?;
        // GDAL writes the table on close; then the rows.
        ds.close().map_err(|e| err(OutputTrouble::Close { detail: e.to_string() }.into()))?;
        gpkg::insert(&self.path, out, &fields, |g| wrap(ty, g)).map_err(err)
    }

    /// The default styles (when there are any), and the file is done.
    pub fn finish(self, styles: &[StyleRow]) -> Result<()> {
        if styles.is_empty() {
            return Ok(());
        }
        let ds = self.open()?;
        let now = crate::stamp::gpkg_time(crate::stamp::output_time()?);
        write_styles(&ds, styles, &now).map_err(|e| Error::output(&self.path, OutputTrouble::Styles { detail: e.to_string() }))?;
        ds.close().map_err(|e| Error::output(&self.path, OutputTrouble::Close { detail: e.to_string() }))
    }
}

fn sql_text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The `layer_styles` table exactly as QGIS writes it: QGIS finds a layer's
/// default style by `f_table_schema = ''` (not NULL), the table name and the
/// real geometry column, preferring `useAsDefault`.
fn write_styles(ds: &Dataset, styles: &[StyleRow], now: &str) -> std::result::Result<(), gdal::errors::GdalError> {
    let run = |sql: &str| ds.execute_sql(sql, None, gdal::vector::sql::Dialect::DEFAULT).map(|_| ());
    run("CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256), \
         f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT, \
         useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), \
         update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))")?;
    // Times from crate::stamp (SOURCE_DATE_EPOCH when set: byte-identical reruns).
    run(&format!(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) \
         VALUES ('layer_styles', 'attributes', 'layer_styles', '', {})",
        sql_text(now)
    ))?;
    for st in styles {
        run(&format!(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) \
             VALUES ('', '', {}, 'geom', {}, {}, {}, 1, {}, 'sise', NULL, {})",
            sql_text(&st.layer),
            sql_text(&st.name),
            sql_text(&st.qml),
            sql_text(&st.sld),
            sql_text(&st.description),
            sql_text(now)
        ))?;
    }
    Ok(())
}

/// Write the layers into a new dataset of GDAL driver `driver`, with layer creation `options`.
pub fn write(path: &Path, driver: &str, options: &[&str], crs: &str, layers: &[OutLayer]) -> Result<()> {
    create(path, driver, options, crs, layers)?.close().map_err(|e| Error::output(path, OutputTrouble::Close { detail: e.to_string() }))
}

fn create(path: &Path, driver: &str, options: &[&str], crs: &str, layers: &[OutLayer]) -> Result<Dataset> {
    let err = |m: String| Error::output(path, m);
    let drv = DriverManager::get_driver_by_name(driver).map_err(|e| err(OutputTrouble::NoDriver { driver: driver.into(), detail: e.to_string() }.into()))?;
    let mut ds = drv.create_vector_only(path).map_err(|e| err(OutputTrouble::CannotCreate { detail: e.to_string() }.into()))?;
    let srs = SpatialRef::from_definition(crs).map_err(|e| err(OutputTrouble::Crs { crs: crs.into(), detail: e.to_string() }.into()))?;
    for out in layers {
        let lerr = |m: String| err(OutputTrouble::Layer { name: out.name.clone(), detail: m }.into());
        let (ty, _) = create_table(&mut ds, out, options, &srs, false).map_err(lerr)?;
        if ds.has_capability(DatasetCapability::TRANSACTIONS) {
            let txn = ds.start_transaction().map_err(|e| lerr(e.to_string()))?;
            write_features(&txn, out, ty, lerr)?;
            txn.commit().map_err(|e| lerr(OutputTrouble::Commit { detail: e.to_string() }.into()))?;
        } else {
            write_features(&ds, out, ty, lerr)?;
        }
    }
    Ok(ds)
}

/// Create `out`'s layer and fields in `ds`; returns its declared geometry
/// type and its field names as the driver made them. A GeoPackage keeps a
/// title and description per layer (gpkg_contents), shown by QGIS.
fn create_table(
    ds: &mut Dataset,
    out: &OutLayer,
    options: &[&str],
    srs: &SpatialRef,
    gpkg: bool,
) -> std::result::Result<(OGRwkbGeometryType::Type, Vec<String>), String> {
    let ty = declared(out.kind, &out.geoms);
    let mut opts: Vec<String> = options.iter().map(|o| o.to_string()).collect();
    if gpkg && !out.description.is_empty() {
        opts.push(format!("IDENTIFIER={}", out.title));
        opts.push(format!("DESCRIPTION={}", out.description));
    }
    let opts: Vec<&str> = opts.iter().map(String::as_str).collect();
    let layer = ds.create_layer(LayerOptions { name: &out.name, srs: Some(srs), ty, options: Some(&opts) }).map_err(|e| e.to_string())?;
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
    layer.create_defn_fields(&defs).map_err(|e| e.to_string())?;
    Ok((ty, layer.defn().fields().map(|f| f.name()).collect()))
}

/// Every row of `out` into its layer; `err` makes the error that names the file and layer.
fn write_features(ds: &Dataset, out: &OutLayer, ty: OGRwkbGeometryType::Type, err: impl Fn(String) -> Error) -> Result<()> {
    let layer = ds.layer_by_name(&out.name).map_err(|e| err(e.to_string()))?;
    let defn = layer.defn();
    let idx: Vec<usize> = out.columns.iter().map(|c| defn.field_index(&c.name).map_err(|e| err(e.to_string()))).collect::<Result<_>>()?;
    for (row, g) in out.geoms.iter().enumerate() {
        let mut f = Feature::new(defn).map_err(|e| err(e.to_string()))?;
        for (c, &i) in out.columns.iter().zip(&idx) {
            let r = match &c.values {
                Values::Int(v) => v[row].map(|x| f.set_field_integer64(i, x)),
                Values::Real(v) => v.get(row).map(|x| f.set_field_double(i, x)),
                Values::Text(v) => v[row].as_deref().map(|x| f.set_field_string(i, x)),
            };
            r.unwrap_or_else(|| f.set_field_null(i)).map_err(|e| err(OutputTrouble::RowField { row, field: c.name.clone(), detail: e.to_string() }.into()))?;
        }
        let geom = promote(ty, g).to_gdal().map_err(|e| err(OutputTrouble::RowGeometry { row, detail: e.to_string() }.into()))?;
        f.set_geometry(geom).map_err(|e| err(e.to_string()))?;
        f.create(&layer).map_err(|e| err(OutputTrouble::Row { row, detail: e.to_string() }.into()))?;
    }
    Ok(())
}
