//! A work unit's result for one domain, as Parquet: the objects it owns
//! (FID, id, geometry as WKB, every attribute) and their raw indicator
//! values, written by the unit and read back bit for bit by `sise merge`,
//! in the whole run's row order (by FID).

use std::path::{Path, PathBuf};

use geo_traits::to_geo::ToGeoGeometry;
use polars::prelude::*;
use wkb::reader::read_wkb;
use wkb::writer::{write_geometry, WriteOptions};
use wkb::Endianness;

use crate::error::{Bad, Error, Result};
use crate::model::Model;
use crate::msg::OutputTrouble;
use crate::objects::VectorLayer;
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
    let options = WriteOptions { endianness: Endianness::LittleEndian };
    let wkb: Vec<Vec<u8>> = objects
        .geoms
        .iter()
        .map(|g| {
            let mut buf = Vec::new();
            write_geometry(&mut buf, g, &options).map(|_| buf)
        })
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::output(path, crate::msg::OutputTrouble::EncodeGeometry { detail: e.to_string() }))?;
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

/// The objects of `model` from the unit files `paths`, as the layer `name`
/// (of `file`, for messages), with their raw indicator values.
pub fn read_objects(paths: &[PathBuf], model: &Model, name: &str, file: &Path) -> Result<(VectorLayer, Vec<Values>)> {
    let mut all: Option<DataFrame> = None;
    for p in paths {
        let bad = |m: crate::msg::OutputTrouble| Error::input(Bad::File, p, Some(name), m);
        let f = std::fs::File::open(p).map_err(|e| bad(OutputTrouble::UnitUnreadable { detail: e.to_string() }))?;
        let df = ParquetReader::new(f).finish().map_err(|e| bad(OutputTrouble::UnitUnreadable { detail: e.to_string() }))?;
        match &mut all {
            None => all = Some(df),
            Some(a) => {
                a.vstack_mut(&df).map_err(|e| bad(OutputTrouble::UnitColumns { detail: e.to_string() }))?;
            }
        }
    }
    let df = all.ok_or_else(|| Error::input(Bad::File, file, Some(name), OutputTrouble::NoUnitOutput))?;
    let err = |e: PolarsError| Error::input(Bad::File, file, Some(name), OutputTrouble::UnitOutputs { detail: e.to_string() });
    // Units own disjoint objects; the whole run reads them in FID order.
    let df = df.sort([FID], SortMultipleOptions::default()).map_err(err)?;
    let fids: Vec<i64> = df.column(FID).map_err(err)?.i64().map_err(err)?.into_no_null_iter().collect();
    if let Some(w) = fids.windows(2).find(|w| w[0] == w[1]) {
        return Err(Error::input(Bad::DuplicateId, file, Some(name), OutputTrouble::ScoredTwice { fid: w[0] }));
    }

    let ids: Vec<String> = df.column(ID).map_err(err)?.str().map_err(err)?.into_no_null_iter().map(str::to_owned).collect();
    let geoms = df
        .column(WKB)
        .map_err(err)?
        .binary()
        .map_err(err)?
        .into_no_null_iter()
        .map(|b| read_wkb(b).map_err(|e| e.to_string()).and_then(|g| g.try_to_geometry().ok_or_else(|| "an empty point".to_owned())))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::input(Bad::Geometry, file, Some(name), OutputTrouble::UnitOutputs { detail: e.to_string() }))?;
    let mut values = Vec::with_capacity(model.indicators.len());
    for ind in &model.indicators {
        let c = df.column(&value_column(&ind.key)).map_err(err)?;
        values.push(if ind.normalise.is_categorical() {
            Values::Texts(c.str().map_err(err)?.into_no_null_iter().map(str::to_owned).collect())
        } else {
            Values::Numbers(c.f64().map_err(err)?.into_no_null_iter().collect())
        });
    }
    let attrs = df.drop_many([FID, ID, WKB].into_iter().map(String::from).chain(model.indicators.iter().map(|i| value_column(&i.key))));
    let layer = VectorLayer {
        name: name.to_owned(),
        file: file.to_owned(),
        origin: Default::default(),
        kind: model.geometry,
        ids,
        fids,
        geoms,
        attrs,
        labels: Default::default(),
    };
    Ok((layer, values))
}
