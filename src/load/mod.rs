//! Load: every layer the run needs, through GDAL, reprojected to the working
//! CRS. This module and `emit` are the only places that touch GDAL; what
//! comes out is geo-types geometries, polars DataFrames and plain rasters.

pub mod crs;
pub mod encoding;
pub mod geojson;
mod geometry;
pub mod outside;
pub mod raster;
pub mod sheet;
pub mod table;
pub mod vector;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use gdal::GdalOpenFlags;
use geo_types::Rect;

use crate::objects::VectorLayer;
pub use raster::Raster;

use crate::config::{LayerConfig, RunConfig};
use crate::error::{Bad, Error, Result};
use crate::msg::Msg;

/// How to treat bad features.
#[derive(Debug, Clone, Copy, Default)]
pub struct Strictness {
    /// Leave bad features out (recording them as rejects) instead of stopping.
    pub keep_going: bool,
    /// Repair invalid polygons with GDAL's MakeValid instead of rejecting them.
    pub make_valid: bool,
}

/// A feature left out of the run under `--keep-going`, with why.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Reject {
    /// The run-config layer.
    pub layer: String,
    pub file: PathBuf,
    pub id: String,
    pub bad: Bad,
    pub reason: String,
    /// The domain whose scoring rejected it; `None` when rejected while loading.
    pub domain: Option<String>,
}

/// A loaded input layer. A vector layer is shared: the domain that scores
/// it keeps it (its objects) after the run has dropped the others.
#[derive(Debug, Clone)]
pub enum Layer {
    Vector(Arc<VectorLayer>),
    Raster(Box<Raster>),
}

/// All loaded layers, by their name in the run config.
#[derive(Debug, Default)]
pub struct Layers {
    pub layers: BTreeMap<String, Layer>,
}

impl Layers {
    pub fn vector(&self, name: &str) -> Option<&VectorLayer> {
        match self.layers.get(name) {
            Some(Layer::Vector(v)) => Some(v),
            _ => None,
        }
    }

    /// A vector layer, shared with whoever keeps it past the run's loaded layers.
    pub fn shared(&self, name: &str) -> Option<Arc<VectorLayer>> {
        match self.layers.get(name) {
            Some(Layer::Vector(v)) => Some(Arc::clone(v)),
            _ => None,
        }
    }

    pub fn raster(&self, name: &str) -> Option<&Raster> {
        match self.layers.get(name) {
            Some(Layer::Raster(r)) => Some(r.as_ref()),
            _ => None,
        }
    }
}

/// GDAL reports through its own handler, which prints to stderr: route it
/// into sise's log (its errors reach the user with their context, as sise's).
pub fn log_gdal_messages() {
    gdal::config::set_error_handler(|class, code, msg| match class {
        gdal::errors::CplErrType::Warning => tracing::warn!(gdal_code = code, "GDAL: {msg}"),
        gdal::errors::CplErrType::Debug | gdal::errors::CplErrType::None => tracing::debug!(gdal_code = code, "GDAL: {msg}"),
        _ => tracing::debug!(gdal_code = code, "GDAL error (reported with its context): {msg}"),
    });
}

/// The `[layers.NAME]` entry of the run config.
fn layer_config<'c>(config: &'c RunConfig, name: &str) -> Result<&'c LayerConfig> {
    config.layers.get(name).ok_or_else(|| Error::Config { file: config.file.clone(), message: Msg::NoLayerEntry { name: name.into() }.into() })
}

/// Load one named layer of the run config, with the features rejected under
/// `--keep-going`; with `clip` (working CRS) only what a work unit needs.
pub fn load_layer(config: &RunConfig, name: &str, how: Strictness, clip: Option<Rect<f64>>) -> Result<(Layer, Vec<Reject>)> {
    let cfg = layer_config(config, name)?;
    if sheet::reads(cfg) {
        let (v, rejects) = vector::read_sheet(name, cfg, &config.working_crs, how)?;
        return Ok((Layer::Vector(Arc::new(v)), rejects));
    }
    if let Some((v, rejects)) = vector::read_geojson(name, cfg, &config.working_crs, how, clip)? {
        return Ok((Layer::Vector(Arc::new(v)), rejects));
    }
    // Opened once: a raster (no vector layer, at least one band) is read by
    // `raster`, a vector source from this dataset (opening a GeoJSON parses it all).
    let ds = vector::open(cfg, GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_RASTER)?;
    if ds.layer_count() == 0 && ds.raster_count() > 0 {
        drop(ds);
        Ok((Layer::Raster(Box::new(raster::read(name, cfg, &config.working_crs, clip)?)), Vec::new()))
    } else {
        let (v, rejects) = vector::read_opened(ds, name, cfg, &config.working_crs, how, clip)?;
        Ok((Layer::Vector(Arc::new(v)), rejects))
    }
}

/// The number of features of a vector layer, as its driver reports it
/// (`None` for a raster): what a merge reports for layers it did not load.
pub fn feature_count(config: &RunConfig, name: &str) -> Result<Option<usize>> {
    let cfg = layer_config(config, name)?;
    if sheet::reads(cfg) {
        return Ok(Some(sheet::read(cfg)?.rows.len()));
    }
    let ds = vector::open(cfg, GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_RASTER)?;
    if ds.layer_count() == 0 {
        return Ok(None);
    }
    let layer = match &cfg.layer {
        Some(l) => ds.layer_by_name(l),
        None => ds.layer(0),
    }
    .map_err(|e| Error::input(Bad::Layer, &cfg.path, cfg.layer.as_deref(), e.to_string()))?;
    use gdal::vector::LayerAccess;
    Ok(Some(layer.feature_count() as usize))
}

/// Check that the working CRS is one PROJ knows and that it is projected in metres.
pub fn check_working_crs(config: &RunConfig) -> Result<()> {
    let err = |m: Msg| Error::Config { file: config.file.clone(), message: m.into() };
    let crs = config.working_crs.clone();
    let srs = gdal::spatial_ref::SpatialRef::from_definition(&crs).map_err(|e| err(Msg::WorkingCrsUnknown { crs: crs.clone(), detail: e.to_string() }))?;
    if !srs.is_projected() || (srs.linear_units() - 1.0).abs() > 1e-9 {
        return Err(err(Msg::WorkingCrsNotMetres { crs }));
    }
    Ok(())
}
