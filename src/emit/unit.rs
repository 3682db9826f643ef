//! A work unit's result for one domain, as Parquet: the objects it owns
//! (FID, id, geometry as WKB, every attribute) and their raw indicator
//! values, for `sise merge` to read back bit for bit (`load::unit`).

use std::path::Path;

use gdal::vector::ToGdal;
use polars::prelude::*;

use crate::error::{Error, Result};
use crate::load::VectorLayer;
use crate::model::Model;
use crate::score::Values;

/// Column names; attribute columns keep their own names.
pub const FID: &str = "sise:fid";
pub const ID: &str = "sise:id";
pub const WKB: &str = "sise:wkb";

/// The column of an indicator's raw values.
pub fn value_column(key: &str) -> String {
    format!("sise:value:{key}")
}

pub fn write_objects(path: &Path, objects: &VectorLayer, values: &[Values], model: &Model) -> Result<()> {
    let wkb: Vec<Vec<u8>> = objects
        .geoms
        .iter()
        .map(|g| g.to_gdal().and_then(|g| g.wkb()))
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::output(path, format!("cannot encode a geometry: {e}")))?;
    let mut columns = vec![
        Column::new(FID.into(), &objects.fids),
        Column::new(ID.into(), &objects.ids),
        BinaryChunked::from_iter_values(WKB.into(), wkb.iter().map(Vec::as_slice)).into_series().into_column(),
    ];
    for (ind, v) in model.indicators.iter().zip(values) {
        columns.push(match v {
            Values::Numbers(n) => Column::new(value_column(&ind.key).into(), n),
            Values::Texts(t) => Column::new(value_column(&ind.key).into(), t),
        });
    }
    columns.extend(objects.attrs.get_columns().iter().cloned());
    let mut df = DataFrame::new(columns).map_err(|e| Error::output(path, e))?;
    let file = std::fs::File::create(path).map_err(|e| Error::output(path, e))?;
    ParquetWriter::new(file).finish(&mut df).map_err(|e| Error::output(path, e))?;
    Ok(())
}
