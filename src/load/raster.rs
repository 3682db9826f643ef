//! Single-band rasters (hazard-census inundation depth, hazard grades) read
//! whole into memory, kept in their own CRS: objects are transformed to the
//! raster's CRS to sample it, so no resampling changes the census values.

use std::path::PathBuf;

use gdal::GdalOpenFlags;
use geo::{BoundingRect, Contains};
use geo_types::{MultiPolygon, Point, Rect};
use rayon::prelude::*;

use super::crs::Transform;
use super::vector::open;
use crate::config::LayerConfig;
use crate::error::{Bad, Error, Result};
use crate::model::Stat;
use crate::msg::{Msg, RasterPart};

#[derive(Debug, Clone)]
pub struct Raster {
    pub name: String,
    pub file: PathBuf,
    /// The raster's CRS definition (WKT or the config's override).
    pub crs: String,
    /// The whole raster's size and GDAL geotransform (x0, pixel width, row
    /// rotation, y0, column rotation, pixel height).
    pub width: usize,
    pub height: usize,
    pub transform: [f64; 6],
    pub nodata: Option<f64>,
    /// The part of band 1 in memory: first column and row, columns and rows
    /// (all of it, unless a work unit read only the window it needs).
    pub window: [usize; 4],
    /// That window, row-major.
    pub data: Cells,
}

/// Band 1's cells (the window's) at the band's own precision: a band of
/// 32-bit floats or narrower integers as `f32` (a city's inundation raster
/// in half the memory), any other as `f64`. Both give back exactly the
/// `f64` GDAL would.
#[derive(Debug, Clone)]
pub enum Cells {
    F32(Vec<f32>),
    F64(Vec<f64>),
}

impl Cells {
    fn get(&self, i: usize) -> f64 {
        match self {
            Cells::F32(v) => f64::from(v[i]),
            Cells::F64(v) => v[i],
        }
    }
}

/// Read band 1, or with `clip` (a rectangle in `working_crs`) only the
/// window of cells that holds it, padded by one cell.
pub fn read(name: &str, cfg: &LayerConfig, working_crs: &str, clip: Option<Rect<f64>>) -> Result<Raster> {
    let ds = open(cfg, GdalOpenFlags::GDAL_OF_RASTER)?;
    let err = |bad: Bad, msg: String| Error::input(bad, &cfg.path, Some(name), msg);
    let crs = match &cfg.crs {
        Some(c) => c.clone(),
        None => ds.spatial_ref().and_then(|s| s.to_wkt()).map_err(|_| err(Bad::Crs, Msg::RasterNoCrs.into()))?,
    };
    let transform = ds.geo_transform().map_err(|e| err(Bad::File, Msg::RasterUnreadable { what: RasterPart::Geotransform, detail: e.to_string() }.into()))?;
    if transform[2] != 0.0 || transform[4] != 0.0 {
        return Err(err(Bad::File, Msg::RasterRotated.into()));
    }
    let band = ds.rasterband(1).map_err(|e| err(Bad::File, Msg::RasterUnreadable { what: RasterPart::Band1, detail: e.to_string() }.into()))?;
    let (width, height) = band.size();
    let nodata = band.no_data_value();
    let window = match clip {
        None => [0, 0, width, height],
        Some(r) => {
            let t = Transform::new(working_crs, &crs).map_err(|e| err(Bad::Crs, e.into()))?;
            let (x0, y0, x1, y1) = t.rect(r).map_err(|e| err(Bad::Crs, e.into()))?;
            let (ca, ra) = ((x0 - transform[0]) / transform[1], (y0 - transform[3]) / transform[5]);
            let (cb, rb) = ((x1 - transform[0]) / transform[1], (y1 - transform[3]) / transform[5]);
            let (c0, c1, r0, r1) = (ca.min(cb), ca.max(cb), ra.min(rb), ra.max(rb));
            // One cell more each way, for cells whose centre lies just outside.
            let clamp = |v: f64, n: usize| v.max(0.0).min(n as f64) as usize;
            let (c0, c1) = (clamp((c0 - 1.0).floor(), width), clamp((c1 + 1.0).ceil(), width));
            let (r0, r1) = (clamp((r0 - 1.0).floor(), height), clamp((r1 + 1.0).ceil(), height));
            [c0, r0, c1 - c0, r1 - r0]
        }
    };
    let [c0, r0, w, h] = window;
    let read_err = |e: gdal::errors::GdalError| err(Bad::File, Msg::RasterUnreadable { what: RasterPart::Band1, detail: e.to_string() }.into());
    use gdal::raster::GdalDataType as T;
    let data = if w == 0 || h == 0 {
        Cells::F64(Vec::new())
    } else if matches!(band.band_type(), T::UInt8 | T::UInt16 | T::Int16 | T::Float32) {
        Cells::F32(band.read_as::<f32>((c0 as isize, r0 as isize), (w, h), (w, h), None).map_err(read_err)?.into_shape_and_vec().1)
    } else {
        Cells::F64(band.read_as::<f64>((c0 as isize, r0 as isize), (w, h), (w, h), None).map_err(read_err)?.into_shape_and_vec().1)
    };
    Ok(Raster { name: name.to_owned(), file: cfg.path.clone(), crs, width, height, transform, nodata, window, data })
}

impl Raster {
    /// The value at a point given in the raster's CRS; `None` outside the raster or on nodata.
    pub fn value_at(&self, x: f64, y: f64) -> Option<f64> {
        let t = &self.transform;
        let col = ((x - t[0]) / t[1]).floor();
        let row = ((y - t[3]) / t[5]).floor();
        if col < 0.0 || row < 0.0 || col >= self.width as f64 || row >= self.height as f64 {
            return None;
        }
        let [c0, r0, w, h] = self.window;
        let (col, row) = (col as usize, row as usize);
        if col < c0 || row < r0 || col >= c0 + w || row >= r0 + h {
            // Outside a unit's window: its objects and radii never reach here.
            return None;
        }
        let v = self.data.get((row - r0) * w + (col - c0));
        match self.nodata {
            Some(nd) if v == nd || (nd.is_nan() && v.is_nan()) => None,
            _ => Some(v),
        }
    }

    /// Sample at points given in `from_crs` (the working CRS).
    pub fn sample(&self, from_crs: &str, points: &[(f64, f64)]) -> Result<Vec<Option<f64>>> {
        let t = Transform::new(from_crs, &self.crs).map_err(|e| Error::input(Bad::Crs, &self.file, Some(&self.name), e))?;
        points
            .iter()
            .map(|&(x, y)| {
                let (rx, ry) = t.point(x, y).map_err(|e| Error::input(Bad::Crs, &self.file, Some(&self.name), e))?;
                Ok(self.value_at(rx, ry))
            })
            .collect()
    }

    /// A statistic of the cells whose centres lie inside each footprint
    /// (given in `from_crs`); `None` where no cell with data is inside.
    pub fn zonal(&self, from_crs: &str, footprints: &[MultiPolygon<f64>], stat: Stat) -> Result<Vec<Option<f64>>> {
        let t = Transform::new(from_crs, &self.crs).map_err(|e| Error::input(Bad::Crs, &self.file, Some(&self.name), e))?;
        // PROJ handles are not shared across threads: transform first, then compute in parallel.
        let local: Vec<MultiPolygon<f64>> = footprints
            .iter()
            .map(|f| match t.geometry(&f.clone().into()) {
                Ok(geo_types::Geometry::MultiPolygon(m)) => Ok(m),
                Ok(_) => Ok(MultiPolygon(vec![])),
                Err(e) => Err(Error::input(Bad::Crs, &self.file, Some(&self.name), e)),
            })
            .collect::<Result<_>>()?;
        Ok(local.par_iter().map(|f| self.zonal_one(f, stat)).collect())
    }

    fn zonal_one(&self, f: &MultiPolygon<f64>, stat: Stat) -> Option<f64> {
        let b = f.bounding_rect()?;
        let t = &self.transform;
        // Pixel window of the footprint's bounding box, clamped to the raster.
        let span = |a: f64, b: f64, origin: f64, size: f64, len: usize| {
            let (i, j) = (((a - origin) / size).floor(), ((b - origin) / size).floor());
            let (lo, hi) = (i.min(j).max(0.0), i.max(j).min(len as f64 - 1.0));
            lo as i64..=hi as i64
        };
        let (mut n, mut sum, mut max) = (0usize, 0.0, f64::NEG_INFINITY);
        for r in span(b.min().y, b.max().y, t[3], t[5], self.height) {
            for c in span(b.min().x, b.max().x, t[0], t[1], self.width) {
                let centre = Point::new(t[0] + (c as f64 + 0.5) * t[1], t[3] + (r as f64 + 0.5) * t[5]);
                if !f.contains(&centre) {
                    continue;
                }
                if let Some(v) = self.value_at(centre.x(), centre.y()) {
                    n += 1;
                    sum += v;
                    max = max.max(v);
                }
            }
        }
        (n > 0).then(|| match stat {
            Stat::Mean => sum / n as f64,
            Stat::Max => max,
            Stat::Sum => sum,
        })
    }
}
