//! Vector layers through GDAL/OGR: geometries to geo-types in the working CRS,
//! attributes to a polars DataFrame.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use gdal::vector::{Feature, LayerAccess, OGRFieldType};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};
use geo_types::{Geometry, Rect};
use polars::prelude::*;

use super::crs::Transform;
use super::geometry::{kind_of_ogr, rect_in, usable_geometry, Source};
use super::{Reject, Strictness};
use crate::config::{LayerConfig, Offset};
use crate::error::{Bad, Error, Result};
use crate::model::GeomKind;
use crate::msg::{located, At, Field, Msg};
pub use crate::objects::{Origin, VectorLayer};

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

    /// A value `geojson` parsed (the column's type fits it: `geojson` typed the column).
    fn push_value(&mut self, v: super::geojson::Value) {
        use super::geojson::Value;
        match (self, v) {
            (ColumnBuilder::Int(c), Value::Int(x)) => c.push(Some(x)),
            (ColumnBuilder::Real(c), Value::Int(x)) => c.push(Some(x as f64)),
            (ColumnBuilder::Real(c), Value::Real(x)) => c.push(Some(x)),
            (ColumnBuilder::Text(c), Value::Text(t)) => c.push(Some(t)),
            (c, _) => c.push_null(),
        }
    }

    fn push_null(&mut self) {
        match self {
            ColumnBuilder::Int(v) => v.push(None),
            ColumnBuilder::Real(v) => v.push(None),
            ColumnBuilder::Text(v) => v.push(None),
        }
    }

    /// A feature's value; a field the feature does not have at all (a key
    /// missing from a GeoJSON feature) is a gap, as a null is: the gdal crate
    /// would read it as 0 or "".
    fn push(&mut self, f: &Feature, idx: usize) -> gdal::errors::Result<()> {
        // SAFETY: a live feature's handle, and an index below its field count.
        if unsafe { gdal_sys::OGR_F_IsFieldSet(f.c_feature(), idx as i32) } == 0 {
            self.push_null();
            return Ok(());
        }
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

/// An open GDAL dataset and, for a transcoded text file, its UTF-8 copy in
/// memory (declared after the dataset, so it outlives it).
pub struct Opened {
    pub ds: Dataset,
    /// For a GeoJSON `geojson` parsed, its features: the dataset then holds
    /// only the document's header (layer name and CRS).
    parsed: Option<super::geojson::Parsed>,
    _mem: Option<super::encoding::MemFile>,
}

impl std::ops::Deref for Opened {
    type Target = Dataset;
    fn deref(&self) -> &Dataset {
        &self.ds
    }
}

/// Open a GDAL dataset so that its text arrives as UTF-8 (see `encoding`),
/// with the CSV open options that turn x/y columns into points.
pub fn open(cfg: &LayerConfig, flags: GdalOpenFlags) -> Result<Opened> {
    if !cfg.is_database() && !cfg.path.exists() {
        return Err(Error::input(Bad::File, &cfg.path, None, Msg::FileNotFound));
    }
    let decoded = super::encoding::decoded(cfg)?;
    let mut opts: Vec<String> = decoded.options;
    if let (Some(x), Some(y)) = (&cfg.x_field, &cfg.y_field) {
        opts.push(format!("X_POSSIBLE_NAMES={x}"));
        opts.push(format!("Y_POSSIBLE_NAMES={y}"));
        opts.push("KEEP_GEOM_COLUMNS=NO".into());
        opts.push("AUTODETECT_TYPE=YES".into());
    }
    let opt_refs: Vec<&str> = opts.iter().map(String::as_str).collect();
    // A database layer is a vector table; asked for rasters too, GDAL tries PostGIS Raster first and fails.
    let flags = if cfg.is_database() { flags - GdalOpenFlags::GDAL_OF_RASTER } else { flags };
    let ds = Dataset::open_ex(
        &decoded.path,
        DatasetOptions {
            open_flags: flags | GdalOpenFlags::GDAL_OF_READONLY,
            open_options: (!opt_refs.is_empty()).then_some(&opt_refs[..]),
            ..Default::default()
        },
    )
    .map_err(|e| {
        let detail = e.to_string();
        let detail = if detail.contains("NULL pointer") { String::new() } else { format!(" ({detail})") };
        Error::input(Bad::File, &cfg.path, None, Msg::CannotOpen { detail })
    })?;
    Ok(Opened { ds, parsed: None, _mem: decoded.mem })
}

/// The layer a config names, or the file's only layer.
fn layer_of<'a>(ds: &'a Dataset, cfg: &LayerConfig) -> Result<gdal::vector::Layer<'a>> {
    let file = cfg.path.as_path();
    let names = || ds.layers().map(|l| l.name()).collect::<Vec<_>>();
    match &cfg.layer {
        Some(l) => ds.layer_by_name(l).map_err(|_| Error::input(Bad::Layer, file, Some(l), Msg::NoSuchLayer { have: names() })),
        None if ds.layer_count() != 1 => Err(Error::input(Bad::Layer, file, None, Msg::ManyLayers { have: names() })),
        None => ds.layer(0).map_err(|e| Error::input(Bad::Layer, file, None, e.to_string())),
    }
}

/// The CRS of a layer as a definition PROJ accepts: the config's override, or the file's own.
fn source_crs(cfg: &LayerConfig, layer: &gdal::vector::Layer, name: &str, working_crs: &str) -> Result<String> {
    if let Some(crs) = &cfg.crs {
        return Ok(crs.clone());
    }
    match layer.spatial_ref() {
        Some(srs) => srs.to_wkt().map_err(|e| Error::input(Bad::Crs, &cfg.path, Some(name), Msg::CrsUnreadable { detail: e.to_string() })),
        None => {
            // The extent's centre, as the file writes it, says what the CRS may be.
            let sample = layer.get_extent().ok().map(|e| ((e.MinX + e.MaxX) / 2.0, (e.MinY + e.MaxY) / 2.0));
            Err(Error::input(Bad::Crs, &cfg.path, Some(name), Msg::NoCrs { guess: super::crs::guess_crs(sample, working_crs) }))
        }
    }
}

/// Read one vector layer, reproject it to `working_crs` and check every
/// feature. In strict mode the first bad feature stops the run; with
/// `keep_going` bad features are left out and returned as rejects.
///
/// With `clip` (a rectangle in the working CRS), only features whose box
/// meets it are read, through GDAL's spatial filter (a superset is fine:
/// work units decide ownership themselves); the layer may then be empty, and
/// rows come in FID order whatever order the driver's index returns.
///
/// A table (a spreadsheet or a CSV) is read by `sheet`: its header row
/// found, blank rows skipped, points made from the coordinate columns; its
/// FIDs are Excel rows (a CSV's lines).
/// Columns are then renamed by the layer's `fields` mapping.
pub fn read(name: &str, cfg: &LayerConfig, working_crs: &str, how: Strictness, clip: Option<Rect<f64>>) -> Result<(VectorLayer, Vec<Reject>)> {
    if super::sheet::reads(cfg) {
        return read_sheet(name, cfg, working_crs, how);
    }
    if let Some(read) = read_geojson(name, cfg, working_crs, how, clip)? {
        return Ok(read);
    }
    read_opened(open(cfg, GdalOpenFlags::GDAL_OF_VECTOR)?, name, cfg, working_crs, how, clip)
}

/// [`read`] for a GeoJSON file that `geojson` parses as GDAL would, in one
/// pass; `None` for any other file, which GDAL then reads. Its header (the
/// document without features) still goes through GDAL, for the layer's
/// name and CRS. Work units (`clip`) read through GDAL's spatial filter.
pub fn read_geojson(name: &str, cfg: &LayerConfig, working_crs: &str, how: Strictness, clip: Option<Rect<f64>>) -> Result<Option<(VectorLayer, Vec<Reject>)>> {
    let ext = cfg.path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    if !matches!(ext.as_str(), "geojson" | "json")
        || clip.is_some()
        || cfg.layer.is_some()
        || cfg.x_field.is_some()
        || cfg.fid_field.is_some()
        || super::sheet::reads(cfg)
        || !cfg.path.exists()
    {
        return Ok(None);
    }
    let text = super::encoding::utf8(cfg)?;
    let mut parsed = match super::geojson::parse(text.body()) {
        Ok(p) => p,
        Err(e) => {
            tracing::debug!(layer = name, why = super::geojson::reason(&e), "GeoJSON read through GDAL");
            return Ok(None);
        }
    };
    drop(text);
    let header = super::encoding::MemFile::for_layer(cfg, crate::msg::InMemoryPart::Header, std::mem::take(&mut parsed.header))?;
    let flags = GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY;
    let ds = Dataset::open_ex(header.path(), DatasetOptions { open_flags: flags, ..Default::default() })
        .map_err(|e| Error::input(Bad::File, &cfg.path, None, Msg::CannotOpen { detail: format!(" ({e})") }))?;
    read_opened(Opened { ds, parsed: Some(parsed), _mem: Some(header) }, name, cfg, working_crs, how, None).map(Some)
}

/// [`read`] from a dataset already opened (opening a GeoJSON file parses
/// all of it); the features `geojson` parsed, when it did.
pub fn read_opened(
    mut ds: Opened,
    name: &str,
    cfg: &LayerConfig,
    working_crs: &str,
    how: Strictness,
    clip: Option<Rect<f64>>,
) -> Result<(VectorLayer, Vec<Reject>)> {
    let file = cfg.path.as_path();
    let parsed = ds.parsed.take();
    let mut layer = layer_of(&ds, cfg)?;
    let layer_name = layer.name();
    let lerr = |bad: Bad, msg: String| Error::input(bad, file, Some(&layer_name), msg);

    let crs = source_crs(cfg, &layer, &layer_name, working_crs)?;
    // A layer already in the working CRS (as `sise prepare-inputs` writes
    // them) needs no PROJ transform: making one costs ~40 ms, a work unit's
    // largest fixed cost. Compared as GDAL holds the layer's CRS (x = easting).
    let same = cfg.crs.is_none()
        && gdal::spatial_ref::SpatialRef::from_definition(working_crs).is_ok_and(|mut w| {
            w.set_axis_mapping_strategy(gdal::spatial_ref::AxisMappingStrategy::TraditionalGisOrder);
            layer.spatial_ref().is_some_and(|l| l == w)
        });
    let mut rows = Collector::new(name, file, &layer_name, how, cfg, &crs, working_crs, same)?;
    if let Some(parsed) = parsed {
        let id_idx = id_index(cfg, &parsed.fields).map_err(|m| lerr(Bad::Field, m))?;
        rows.read_parsed(parsed, id_idx)?;
    } else {
        if let Some(r) = clip {
            let (x0, y0, x1, y1) =
                if same { (r.min().x, r.min().y, r.max().x, r.max().y) } else { rect_in(r, working_crs, &crs, cfg.offset).map_err(|e| lerr(Bad::Crs, e))? };
            layer.set_spatial_filter_rect(x0, y0, x1, y1);
        } else if layer.try_feature_count() == Some(0) {
            return Err(lerr(Bad::Empty, Msg::LayerEmpty.into()));
        }
        let fields: Vec<(String, OGRFieldType::Type)> = layer.defn().fields().map(|f| (f.name(), f.field_type())).collect();
        let id_idx = id_index(cfg, &fields).map_err(|m| lerr(Bad::Field, m))?;
        let fid_idx = match &cfg.fid_field {
            Some(f) => Some(fields.iter().position(|(n, _)| n == f).ok_or_else(|| {
                lerr(Bad::Field, Msg::FieldMissing { field: Field::new(f, None), have: fields.iter().map(|(n, _)| n.clone()).collect() }.into())
            })?),
            None => None,
        };
        rows.read_features(&mut layer, fields, id_idx, fid_idx)?;
    }
    // A clipped read may hold nothing; the declared type says what it would hold.
    let declared = clip.map(|_| kind_of_ogr(layer.defn().geometry_type()).unwrap_or(GeomKind::Point));
    rows.finish(cfg, declared)
}

/// [`read`] for a table (a spreadsheet or a CSV), through `sheet` (not
/// OGR's features): a point from the coordinate columns of each filled row,
/// the CRS from the config.
pub fn read_sheet(name: &str, cfg: &LayerConfig, working_crs: &str, how: Strictness) -> Result<(VectorLayer, Vec<Reject>)> {
    if !cfg.path.exists() {
        return Err(Error::input(Bad::File, &cfg.path, None, Msg::FileNotFound));
    }
    let sheet = super::sheet::read(cfg)?;
    let layer_name = super::sheet::layer_name(&cfg.path, &sheet.name);
    let lerr = |bad: Bad, msg: String| Error::input(bad, &cfg.path, Some(&layer_name), msg);
    if cfg.fid_field.is_some() {
        return Err(lerr(Bad::Field, Msg::FidFieldOnTable.into()));
    }
    let sample = sheet.rows.iter().find_map(|r| {
        let number = |c: &Option<String>| c.as_deref().and_then(|t| crate::value::coordinate(t, true).ok()).flatten();
        Some((number(&r.cells[sheet.xy.0])?, number(&r.cells[sheet.xy.1])?))
    });
    let crs = cfg.crs.clone().ok_or_else(|| lerr(Bad::Crs, Msg::NoCrs { guess: super::crs::guess_crs(sample, working_crs) }.into()))?;
    let mut rows = Collector::new(name, &cfg.path, &layer_name, how, cfg, &crs, working_crs, false)?;
    rows.origin = Origin::Rows { sheet: sheet.name.clone() };
    let fields: Vec<(String, OGRFieldType::Type)> = sheet.columns.iter().map(|c| (c.clone(), OGRFieldType::OFTString)).collect();
    rows.read_sheet(&sheet, id_index(cfg, &fields).map_err(|m| lerr(Bad::Field, m))?)?;
    rows.finish(cfg, None)
}

/// Rename the file's columns to the model's field names (`fields`), naming a
/// column the file does not have, or a model name a column already holds.
fn map_fields(attrs: &mut DataFrame, cfg: &LayerConfig) -> std::result::Result<(), String> {
    let names = |df: &DataFrame| df.get_column_names().iter().map(|s| s.to_string()).collect::<Vec<_>>();
    for (model, column) in &cfg.fields {
        let have = names(attrs);
        if !have.contains(column) {
            return Err(Msg::MappedColumnMissing { model: model.clone(), column: column.clone(), have }.into());
        }
        if have.contains(model) && !cfg.fields.values().any(|c| c == model) {
            return Err(Msg::MappedNameTaken { model: model.clone(), column: column.clone() }.into());
        }
    }
    // Two steps, so that swapping two names ({a = "b", b = "a"}) works.
    for (k, column) in cfg.fields.values().enumerate() {
        attrs.rename(column, format!("__sise_mapped_{k}").into()).map_err(|e| e.to_string())?;
    }
    for (k, model) in cfg.fields.keys().enumerate() {
        attrs.rename(&format!("__sise_mapped_{k}"), model.into()).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The features of a layer as they are accepted: ids unique, geometries
/// usable and of one kind, attributes typed; or rejected with the reason.
struct Collector<'a> {
    name: &'a str,
    file: &'a Path,
    layer_name: &'a str,
    how: Strictness,
    geographic: bool,
    to_working: Transform,
    offset: Offset,
    fields: Vec<(String, OGRFieldType::Type)>,
    columns: Vec<ColumnBuilder>,
    ids: Vec<String>,
    fids: Vec<i64>,
    geoms: Vec<Geometry<f64>>,
    kind: Option<GeomKind>,
    /// Ids taken so far, with the FID of the feature that holds each.
    seen: HashMap<String, i64>,
    /// Where the features are in the file (for naming them).
    origin: Origin,
    rejects: Vec<Reject>,
}

impl<'a> Collector<'a> {
    /// A collector for a layer in `crs`, reprojecting to `working_crs`
    /// (`same`: the layer is already in it).
    #[allow(clippy::too_many_arguments)]
    fn new(name: &'a str, file: &'a Path, layer_name: &'a str, how: Strictness, cfg: &LayerConfig, crs: &str, working_crs: &str, same: bool) -> Result<Self> {
        let lerr = |bad: Bad, msg: String| Error::input(bad, file, Some(layer_name), msg);
        let geographic = gdal::spatial_ref::SpatialRef::from_definition(crs)
            .map(|s| s.is_geographic())
            .map_err(|e| lerr(Bad::Crs, Msg::UnknownCrs { crs: crs.to_owned(), detail: e.to_string() }.into()))?;
        if cfg.offset != Offset::None && !geographic {
            let offset = if cfg.offset == Offset::Bd09 { "bd09" } else { "gcj02" };
            return Err(lerr(Bad::Crs, Msg::OffsetNeedsLonLat { offset }.into()));
        }
        let to_working = if same { Transform::identity() } else { Transform::new(crs, working_crs).map_err(|e| lerr(Bad::Crs, e.into()))? };
        Ok(Collector {
            name,
            file,
            layer_name,
            how,
            geographic,
            to_working,
            offset: cfg.offset,
            fields: Vec::new(),
            columns: Vec::new(),
            ids: Vec::new(),
            fids: Vec::new(),
            geoms: Vec::new(),
            kind: None,
            seen: HashMap::new(),
            origin: Origin::Features,
            rejects: Vec::new(),
        })
    }

    /// The layer the collected features make, its columns renamed by the
    /// config's `fields`; `declared` is the kind of a clipped read that holds nothing.
    fn finish(self, cfg: &LayerConfig, declared: Option<GeomKind>) -> Result<(VectorLayer, Vec<Reject>)> {
        let lerr = |bad: Bad, msg: String| Error::input(bad, self.file, Some(self.layer_name), msg);
        let kind = self.kind.or(declared).ok_or_else(|| lerr(Bad::Empty, Msg::NoUsableFeatures.into()))?;
        let mut attrs = DataFrame::new(
            self.columns.into_iter().zip(&self.fields).filter(|(_, (n, _))| Some(n) != cfg.fid_field.as_ref()).map(|(c, (n, _))| c.finish(n)).collect(),
        )
        .map_err(|e| lerr(Bad::Type, Msg::AttributeTable { detail: e.to_string() }.into()))?;
        map_fields(&mut attrs, cfg).map_err(|m| lerr(Bad::Field, m))?;
        let v = VectorLayer {
            name: self.name.to_owned(),
            file: self.file.to_owned(),
            origin: self.origin,
            kind,
            ids: self.ids,
            fids: self.fids,
            geoms: self.geoms,
            attrs,
            labels: BTreeMap::new(),
        };
        Ok((if v.fids.is_sorted() { v } else { v.in_fid_order() }, self.rejects))
    }

    fn start(&mut self, fields: Vec<(String, OGRFieldType::Type)>) {
        self.columns = fields.iter().map(|(_, t)| ColumnBuilder::for_type(*t)).collect();
        self.fields = fields;
    }

    fn read_features(
        &mut self,
        layer: &mut gdal::vector::Layer,
        fields: Vec<(String, OGRFieldType::Type)>,
        id_idx: Option<usize>,
        fid_idx: Option<usize>,
    ) -> Result<()> {
        self.start(fields);
        for (n, feature) in layer.features().enumerate() {
            let fid = match fid_idx {
                Some(i) => feature.field_as_integer64(i).ok().flatten().ok_or_else(|| {
                    let field = &self.fields[i].0;
                    self.err(Bad::Field, Msg::NoFeatureId { fid: feature.fid().unwrap_or(n as u64), field: field.clone() }.into())
                })?,
                None => feature.fid().map_or(n as i64, |f| f as i64),
            };
            // The id field's value, read once; an empty one is a reject below.
            let given = id_idx.map(|i| feature.field_as_string(i).ok().flatten().filter(|s| !s.trim().is_empty()));
            let id = given.clone().flatten().unwrap_or_else(|| fid.to_string());
            // An id field left empty is named as such, not by the fallback id.
            let what = At::Feature { fid, id: if given == Some(None) { String::new() } else { id.clone() } }.to_string();
            if self.accept(fid, &id, &what, id_idx.map(|i| (i, given.is_some_and(|g| g.is_some()))), Source::Ogr(feature.geometry()))? {
                push_attributes(&mut self.columns, &feature, &self.fields, self.name).map_err(|msg| self.err(Bad::Type, located(&what, msg)))?;
            }
        }
        Ok(())
    }

    /// Features `geojson` parsed: as `read_features` takes GDAL's, with the
    /// FIDs GDAL would give them (0, 1, …).
    fn read_parsed(&mut self, parsed: super::geojson::Parsed, id_idx: Option<usize>) -> Result<()> {
        use super::geojson::Value;
        self.start(parsed.fields);
        let mut columns: Vec<std::vec::IntoIter<Value>> = parsed.columns.into_iter().map(Vec::into_iter).collect();
        for (n, g) in parsed.geoms.into_iter().enumerate() {
            let values: Vec<Value> = columns.iter_mut().map(|c| c.next().unwrap_or(Value::Null)).collect();
            let fid = n as i64;
            let given = id_idx.map(|i| match &values[i] {
                Value::Text(t) => Some(t.clone()).filter(|s| !s.trim().is_empty()),
                Value::Int(v) => Some(v.to_string()),
                _ => None,
            });
            let id = given.clone().flatten().unwrap_or_else(|| fid.to_string());
            // An id field left empty is named as such, not by the fallback id.
            let what = At::Feature { fid, id: if given == Some(None) { String::new() } else { id.clone() } }.to_string();
            if self.accept(fid, &id, &what, id_idx.map(|i| (i, given.is_some_and(|g| g.is_some()))), Source::Geo(g))? {
                let (file, layer_name) = (self.file, self.layer_name);
                for (i, (c, v)) in self.columns.iter_mut().zip(values).enumerate() {
                    c.push_value(v);
                    check_decoded(c, &self.fields[i].0, self.name).map_err(|msg| Error::input(Bad::Type, file, Some(layer_name), located(&what, msg)))?;
                }
            }
        }
        Ok(())
    }

    /// A sheet's rows: a point from the coordinate columns, the other cells as text.
    fn read_sheet(&mut self, sheet: &super::sheet::Sheet, id_idx: Option<usize>) -> Result<()> {
        let (xi, yi) = sheet.xy;
        let fields = sheet.columns.iter().enumerate().filter(|(i, _)| *i != xi && *i != yi).map(|(_, c)| (c.clone(), OGRFieldType::OFTString)).collect();
        self.start(fields);
        for row in &sheet.rows {
            let fid = row.excel_row as i64;
            let given = id_idx.map(|i| row.cells[i].clone());
            let id = given.clone().flatten().unwrap_or_else(|| fid.to_string());
            let what = At::Row { sheet: sheet.name.clone(), row: fid, id: if given == Some(None) { String::new() } else { id.clone() } }.to_string();
            let read = |c: usize| match &row.cells[c] {
                Some(t) => crate::value::coordinate(t, self.geographic)
                    .map_err(|why| Box::new(Msg::CoordinateNotRead { value: t.clone(), column: sheet.columns[c].clone(), why: why.to_string() })),
                None => Ok(None),
            };
            let point = match (read(xi), read(yi)) {
                (Ok(Some(x)), Ok(Some(y))) => gdal::vector::Geometry::from_wkt(&format!("POINT ({x} {y})")).ok(),
                (Err(msg), _) | (_, Err(msg)) => {
                    self.reject(Bad::Type, &id, &what, (*msg).into())?;
                    continue;
                }
                _ => None,
            };
            if self.accept(fid, &id, &what, id_idx.map(|i| (i, given.is_some_and(|g| g.is_some()))), Source::Ogr(point.as_ref()))? {
                let mut k = 0;
                for (i, cell) in row.cells.iter().enumerate() {
                    if i != xi && i != yi {
                        if let ColumnBuilder::Text(v) = &mut self.columns[k] {
                            v.push(cell.clone());
                        }
                        k += 1;
                    }
                }
            }
        }
        Ok(())
    }

    fn err(&self, bad: Bad, msg: String) -> Error {
        Error::input(bad, self.file, Some(self.layer_name), msg)
    }

    /// One feature's problem: fatal in strict mode (naming `what` feature), a reject with --keep-going.
    fn reject(&mut self, bad: Bad, id: &str, what: &str, msg: String) -> Result<()> {
        if !self.how.keep_going {
            return Err(self.err(bad, located(what, msg)));
        }
        self.rejects.push(Reject { layer: self.name.to_owned(), file: self.file.to_owned(), id: id.to_owned(), bad, reason: msg, domain: None });
        Ok(())
    }

    /// Take one feature (id, geometry) or reject it; true when taken, and
    /// the caller then adds its attributes. `id_field`: the id column's
    /// index and whether the feature has a value there.
    fn accept(&mut self, fid: i64, id: &str, what: &str, id_field: Option<(usize, bool)>, g: Source) -> Result<bool> {
        if let Some((i, false)) = id_field {
            self.reject(Bad::Field, id, what, Msg::IdEmpty { field: self.fields[i].0.clone() }.into())?;
            return Ok(false);
        }
        if let Some(&first) = self.seen.get(id) {
            let first = match &self.origin {
                Origin::Rows { sheet } => At::Row { sheet: sheet.clone(), row: first, id: id.to_owned() },
                Origin::Features => At::Feature { fid: first, id: id.to_owned() },
            };
            self.reject(Bad::DuplicateId, id, what, Msg::DuplicateId { first: first.to_string() }.into())?;
            return Ok(false);
        }
        self.seen.insert(id.to_owned(), fid);
        match usable_geometry(g, self.how, self.name, id, &mut self.kind, self.geographic, &self.to_working, self.offset) {
            Ok(g) => {
                self.ids.push(id.to_owned());
                self.fids.push(fid);
                self.geoms.push(g);
                Ok(true)
            }
            Err((bad, msg)) => {
                self.reject(bad, id, what, msg)?;
                Ok(false)
            }
        }
    }
}

/// One feature's attributes onto the columns; text GDAL could not decode
/// (U+FFFD) is refused rather than written as mojibake.
fn push_attributes(columns: &mut [ColumnBuilder], feature: &Feature, fields: &[(String, OGRFieldType::Type)], layer: &str) -> std::result::Result<(), String> {
    for (i, c) in columns.iter_mut().enumerate() {
        c.push(feature, i).map_err(|e| format!("field '{}': {e}", fields[i].0))?;
        check_decoded(c, &fields[i].0, layer)?;
    }
    Ok(())
}

/// Refuse the text just pushed onto `c` if it holds U+FFFD (undecodable bytes).
fn check_decoded(c: &ColumnBuilder, field: &str, layer: &str) -> std::result::Result<(), String> {
    if let ColumnBuilder::Text(v) = c {
        if v.last().and_then(Option::as_deref).is_some_and(|t| t.contains('\u{FFFD}')) {
            return Err(Msg::NotUtf8Field { field: field.to_owned(), layer: layer.to_owned() }.into());
        }
    }
    Ok(())
}

/// The column of the config's `id_field`, if it names one.
fn id_index(cfg: &LayerConfig, fields: &[(String, OGRFieldType::Type)]) -> std::result::Result<Option<usize>, String> {
    let Some(id) = &cfg.id_field else { return Ok(None) };
    fields
        .iter()
        .position(|(n, _)| n == id)
        .map(Some)
        .ok_or_else(|| Msg::IdFieldMissing { id: id.clone(), have: fields.iter().map(|(n, _)| n.clone()).collect() }.into())
}
