//! Load: every layer the run needs, through GDAL, reprojected to the working
//! CRS. This module and `emit` are the only places that touch GDAL; what
//! comes out is geo-types geometries, polars DataFrames and plain rasters.

pub mod crs;
pub mod raster;
pub mod vector;

use std::collections::BTreeMap;

use gdal::GdalOpenFlags;

pub use raster::Raster;
pub use vector::{GeomKind, VectorLayer};

use crate::config::{LayerConfig, RunConfig};
use crate::error::{Error, Result};

/// A loaded input layer.
#[derive(Debug, Clone)]
pub enum Layer {
    Vector(VectorLayer),
    Raster(Raster),
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

    pub fn raster(&self, name: &str) -> Option<&Raster> {
        match self.layers.get(name) {
            Some(Layer::Raster(r)) => Some(r),
            _ => None,
        }
    }
}

/// Whether the file is a raster (a GeoTIFF, say) rather than a vector source.
fn is_raster(cfg: &LayerConfig) -> Result<bool> {
    let ds = vector::open(cfg, GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_RASTER)?;
    Ok(ds.layer_count() == 0 && ds.raster_count() > 0)
}

/// Load one named layer of the run config.
pub fn load_layer(config: &RunConfig, name: &str) -> Result<Layer> {
    let cfg = config.layers.get(name).ok_or_else(|| Error::Config {
        file: config.file.clone(),
        message: format!("no [layers.{name}] entry"),
    })?;
    if is_raster(cfg)? {
        Ok(Layer::Raster(raster::read(name, cfg)?))
    } else {
        Ok(Layer::Vector(vector::read(name, cfg, &config.working_crs)?))
    }
}

/// Check that the working CRS is one PROJ knows and that it is projected in metres.
pub fn check_working_crs(config: &RunConfig) -> Result<()> {
    let err = |m: String| Error::Config { file: config.file.clone(), message: format!("working_crs = \"{}\": {m}", config.working_crs) };
    let srs = gdal::spatial_ref::SpatialRef::from_definition(&config.working_crs).map_err(|e| err(format!("unknown CRS ({e})")))?;
    if !srs.is_projected() || (srs.linear_units() - 1.0).abs() > 1e-9 {
        return Err(err("must be a projected CRS in metres, e.g. EPSG:4549 (CGCS2000 / 3-degree GK CM 120E)".into()));
    }
    Ok(())
}

