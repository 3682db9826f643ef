//! Vector layers through GDAL/OGR: geometries to geo-types in the working CRS,
//! attributes to a polars DataFrame.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use gdal::vector::{Feature, LayerAccess, OGRFieldType};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};
use geo_types::Geometry;
use polars::prelude::*;

use super::crs::{remove_offset, Transform};
use crate::config::{LayerConfig, Offset};
use crate::error::{Error, Result};

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
            Geometry::Polygon(_) | Geometry::MultiPolygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => {
                Some(GeomKind::Polygon)
            }
            Geometry::GeometryCollection(_) => None,
        }
    }

    fn of_gdal(g: &gdal::vector::Geometry) -> Option<GeomKind> {
        use gdal::vector::{geometry_type_flatten, OGRwkbGeometryType as T};
        match geometry_type_flatten(g.geometry_type()) {
            T::wkbPolygon | T::wkbMultiPolygon => Some(GeomKind::Polygon),
            T::wkbLineString | T::wkbMultiLineString => Some(GeomKind::Line),
            T::wkbPoint | T::wkbMultiPoint => Some(GeomKind::Point),
            _ => None,
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

/// A vector layer in the working CRS. Row `i` of `attrs` belongs to `geoms[i]` and `ids[i]`.
#[derive(Debug, Clone)]
pub struct VectorLayer {
    /// The layer's name in the run config.
    pub name: String,
    pub file: PathBuf,
    pub kind: GeomKind,
    pub ids: Vec<String>,
    pub geoms: Vec<Geometry<f64>>,
    pub attrs: DataFrame,
}

/// A column being filled while features stream in, typed from the OGR field.
enum ColumnBuilder {
    Int(Vec<Option<i64>>),
    Real(Vec<Option<f64>>),
    Text(Vec<Option<String>>),
}

impl ColumnBuilder {
    fn for_type(t: OGRFieldType::Type) -> ColumnBuilder {
        match t {
            OGRFieldType::OFTInteger | OGRFieldType::OFTInteger64 => ColumnBuilder::Int(Vec::new()),
            OGRFieldType::OFTReal => ColumnBuilder::Real(Vec::new()),
            _ => ColumnBuilder::Text(Vec::new()),
        }
    }

    fn push(&mut self, f: &Feature, idx: usize) -> gdal::errors::Result<()> {
        match self {
            ColumnBuilder::Int(v) => v.push(f.field_as_integer64(idx)?),
            ColumnBuilder::Real(v) => v.push(f.field_as_double(idx)?),
            ColumnBuilder::Text(v) => v.push(f.field_as_string(idx)?),
        }
        Ok(())
    }

    fn finish(self, name: &str) -> Column {
        match self {
            ColumnBuilder::Int(v) => Column::new(name.into(), v),
            ColumnBuilder::Real(v) => Column::new(name.into(), v),
            ColumnBuilder::Text(v) => Column::new(name.into(), v),
        }
    }
}

/// Open a GDAL dataset, with the CSV open options that turn x/y columns into points.
pub fn open(cfg: &LayerConfig, flags: GdalOpenFlags) -> Result<Dataset> {
    if !cfg.path.exists() {
        return Err(Error::input(&cfg.path, None, "file not found (check `path` in the run config; relative paths are relative to the config file)"));
    }
    let mut opts: Vec<String> = Vec::new();
    if let (Some(x), Some(y)) = (&cfg.x_field, &cfg.y_field) {
        opts.push(format!("X_POSSIBLE_NAMES={x}"));
        opts.push(format!("Y_POSSIBLE_NAMES={y}"));
        opts.push("KEEP_GEOM_COLUMNS=NO".into());
        opts.push("AUTODETECT_TYPE=YES".into());
    }
    let opt_refs: Vec<&str> = opts.iter().map(String::as_str).collect();
    Dataset::open_ex(
        &cfg.path,
        DatasetOptions {
            open_flags: flags | GdalOpenFlags::GDAL_OF_READONLY,
            open_options: (!opt_refs.is_empty()).then_some(&opt_refs[..]),
            ..Default::default()
        },
    )
    .map_err(|e| Error::input(&cfg.path, None, format!("GDAL cannot open it: {e}")))
}

/// The CRS of a layer as a definition PROJ accepts: the config's override, or the file's own.
fn source_crs(cfg: &LayerConfig, layer: &gdal::vector::Layer, name: &str) -> Result<String> {
    if let Some(crs) = &cfg.crs {
        return Ok(crs.clone());
    }
    match layer.spatial_ref() {
        Some(srs) => srs
            .to_wkt()
            .map_err(|e| Error::input(&cfg.path, Some(name), format!("cannot read its CRS: {e}"))),
        None => Err(Error::input(
            &cfg.path,
            Some(name),
            "the layer declares no CRS; add e.g. crs = \"EPSG:4326\" to its [layers.*] entry",
        )),
    }
}

/// Read one vector layer, reproject it to `working_crs` and check every geometry.
pub fn read(name: &str, cfg: &LayerConfig, working_crs: &str) -> Result<VectorLayer> {
    let ds = open(cfg, GdalOpenFlags::GDAL_OF_VECTOR)?;
    let file = cfg.path.as_path();
    let mut layer = match &cfg.layer {
        Some(l) => ds.layer_by_name(l).map_err(|_| {
            let names: Vec<String> = ds.layers().map(|l| l.name()).collect();
            Error::input(file, Some(l), format!("no such layer in the file; it has: {}", names.join(", ")))
        })?,
        None => {
            if ds.layer_count() != 1 {
                let names: Vec<String> = ds.layers().map(|l| l.name()).collect();
                return Err(Error::input(
                    file,
                    None,
                    format!("the file has {} layers ({}); name one with `layer = \"…\"`", names.len(), names.join(", ")),
                ));
            }
            ds.layer(0).map_err(|e| Error::input(file, None, e.to_string()))?
        }
    };
    let layer_name = layer.name();
    let lerr = |msg: String| Error::input(file, Some(&layer_name), msg);

    let crs = source_crs(cfg, &layer, &layer_name)?;
    if cfg.offset != Offset::None {
        let geographic = gdal::spatial_ref::SpatialRef::from_definition(&crs).map(|s| s.is_geographic()).unwrap_or(false);
        if !geographic {
            return Err(lerr(format!(
                "offset = {:?} needs longitude/latitude coordinates, but the layer CRS is not geographic",
                cfg.offset
            )));
        }
    }
    let to_working = Transform::new(&crs, working_crs).map_err(lerr)?;

    let fields: Vec<(String, OGRFieldType::Type)> =
        layer.defn().fields().map(|f| (f.name(), f.field_type())).collect();
    let id_idx = match &cfg.id_field {
        Some(id) => Some(fields.iter().position(|(n, _)| n == id).ok_or_else(|| {
            lerr(format!(
                "id_field '{id}' is not a field of the layer; fields are: {}",
                fields.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ")
            ))
        })?),
        None => None,
    };
    let mut columns: Vec<ColumnBuilder> = fields.iter().map(|(_, t)| ColumnBuilder::for_type(*t)).collect();
    let mut ids = Vec::new();
    let mut geoms = Vec::new();
    let mut kind: Option<GeomKind> = None;
    let mut seen = HashSet::new();

    for (n, feature) in layer.features().enumerate() {
        let fid = feature.fid().map(|f| f.to_string()).unwrap_or_else(|| n.to_string());
        let id = match id_idx {
            Some(i) => feature
                .field_as_string(i)
                .ok()
                .flatten()
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| lerr(format!("feature {fid}: id field '{}' is empty", fields[i].0)))?,
            None => fid.clone(),
        };
        let what = format!("feature {fid} (id '{id}')");
        if !seen.insert(id.clone()) {
            return Err(lerr(format!("{what}: duplicate id; ids must be unique within a layer")));
        }
        let g = match feature.geometry() {
            Some(g) if !g.is_empty() => g,
            _ => return Err(lerr(format!("{what} has no geometry"))),
        };
        // GEOS (through GDAL) decides validity: self-intersections, bad ring nesting.
        if matches!(GeomKind::of_gdal(g), Some(GeomKind::Polygon)) && !g.is_valid() {
            return Err(lerr(format!("{what}: invalid polygon (self-intersecting or badly nested rings); repair it, e.g. ogr2ogr -makevalid")));
        }
        let g: Geometry<f64> = g.to_geo().map_err(|e| lerr(format!("{what}: unreadable geometry: {e}")))?;
        let k = GeomKind::of(&g).ok_or_else(|| lerr(format!("{what}: geometry collections are not supported")))?;
        match kind {
            None => kind = Some(k),
            Some(prev) if prev != k => {
                return Err(lerr(format!("{what} is a {}, but earlier features are {}s; a layer holds one kind", k.name(), prev.name())))
            }
            _ => {}
        }
        let g = to_working
            .geometry(&remove_offset(&g, cfg.offset))
            .map_err(|e| lerr(format!("{what}: {e}")))?;
        for (i, c) in columns.iter_mut().enumerate() {
            c.push(&feature, i).map_err(|e| lerr(format!("{what}: field '{}': {e}", fields[i].0)))?;
        }
        ids.push(id);
        geoms.push(g);
    }
    let kind = kind.ok_or_else(|| lerr("the layer has no features".into()))?;
    let attrs = DataFrame::new(columns.into_iter().zip(&fields).map(|(c, (n, _))| c.finish(n)).collect())
        .map_err(|e| lerr(format!("cannot build the attribute table: {e}")))?;
    Ok(VectorLayer { name: name.to_owned(), file: file.to_owned(), kind, ids, geoms, attrs })
}

impl VectorLayer {
    fn err(&self, msg: String) -> Error {
        Error::input(&self.file, Some(&self.name), msg)
    }

    pub fn len(&self) -> usize {
        self.geoms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.geoms.is_empty()
    }

    pub fn has_field(&self, field: &str) -> bool {
        self.attrs.column(field).is_ok()
    }

    fn column(&self, field: &str) -> Result<&Column> {
        self.attrs.column(field).map_err(|_| {
            self.err(format!(
                "missing field '{field}'; the layer's fields are: {}",
                self.attrs.get_column_names().iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            ))
        })
    }

    /// A field as numbers; text that does not parse as a number is an error naming the feature.
    pub fn numbers(&self, field: &str) -> Result<Vec<Option<f64>>> {
        let col = self.column(field)?;
        if col.dtype() == &DataType::String {
            let s = col.str().map_err(|e| self.err(e.to_string()))?;
            return s
                .into_iter()
                .enumerate()
                .map(|(i, v)| match v.map(str::trim) {
                    None | Some("") => Ok(None),
                    Some(t) => t.parse::<f64>().map(Some).map_err(|_| {
                        self.err(format!("feature id '{}': field '{field}' should be a number, found '{t}'", self.ids[i]))
                    }),
                })
                .collect();
        }
        let cast = col.cast(&DataType::Float64).map_err(|e| self.err(format!("field '{field}': {e}")))?;
        Ok(cast.f64().map_err(|e| self.err(e.to_string()))?.into_iter().collect())
    }

    /// A field as text (numbers are formatted), for categorical indicators and labels.
    pub fn texts(&self, field: &str) -> Result<Vec<Option<String>>> {
        let col = self.column(field)?;
        let cast = col.cast(&DataType::String).map_err(|e| self.err(format!("field '{field}': {e}")))?;
        Ok(cast.str().map_err(|e| self.err(e.to_string()))?.into_iter().map(|v| v.map(str::to_owned)).collect())
    }

    /// Require a value in every row, naming the first feature that has none.
    pub fn require<T>(&self, field: &str, values: Vec<Option<T>>) -> Result<Vec<T>> {
        values
            .into_iter()
            .enumerate()
            .map(|(i, v)| v.ok_or_else(|| self.err(format!("feature id '{}': field '{field}' is empty", self.ids[i]))))
            .collect()
    }
}

/// The names of the layers in a file, for messages.
pub fn layer_names(path: &Path) -> Vec<String> {
    Dataset::open(path).map(|ds| ds.layers().map(|l| l.name()).collect()).unwrap_or_default()
}
