//! `sise prepare-inputs CONFIG --out DIR`: a run's inputs converted once into
//! files a work unit can read a rectangle of. The run is first checked as
//! `sise validate` checks it (loaded and scored), so every problem is
//! reported against the user's own file (its sheet row, its GCJ-02 offset);
//! then every vector layer the models read is written, as loaded (encoding,
//! offsets, CRS, spreadsheet headers, `fields`, geometry checks applied), to
//! `DIR/<layer>.fgb` (FlatGeobuf) in the working CRS with a packed R-tree,
//! each feature's FID in the field [`FID_FIELD`] (so a tiled run's row order
//! and messages are unchanged); rasters stay where they are.
//! `DIR/assessment.toml` is the same run pointed at them. GeoJSON, CSV and
//! spreadsheets have no spatial index: each unit of a tiled run would
//! otherwise scan every feature. FlatGeobuf rather than GeoPackage: a unit
//! opens every layer, and opening one costs ~0.05 ms against ~2.3 ms for a
//! GeoPackage (its SQL schema and metadata); a rectangle reads ~3× faster.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use polars::prelude::{DataFrame, DataType};
use rayon::prelude::*;

use crate::config::RunConfig;
use crate::emit::{vector, Column, OutLayer};
use crate::error::{Error, Result};
use crate::load::Layer;
use crate::progress::Progress;

/// The field of a prepared layer holding each feature's original FID
/// (FlatGeobuf numbers features in its index's order).
pub const FID_FIELD: &str = "sise_fid";

/// What `prepare` did: per vector layer, its name and feature count.
pub struct Converted {
    pub layers: Vec<(String, usize)>,
    pub config: PathBuf,
}

/// Check `config_file`'s run, convert its vector inputs into `out` (replaced
/// as a whole) and write the config for them.
pub fn prepare(config_file: &Path, out: &Path, progress: &Progress) -> Result<Converted> {
    let checked = crate::run::validate(config_file, progress)?;
    let config = &checked.loaded.config;
    let text = std::fs::read_to_string(config_file).map_err(|e| Error::Config { file: config_file.to_owned(), message: e.to_string() })?;
    let mut doc: toml::Table = text.parse().map_err(|e: toml::de::Error| Error::Config { file: config_file.to_owned(), message: e.to_string() })?;
    let vectors: Vec<(&String, &crate::objects::VectorLayer)> = checked
        .loaded
        .layers
        .layers
        .iter()
        .filter_map(|(name, l)| match l {
            Layer::Vector(v) => Some((name, &**v)),
            Layer::Raster(_) => None,
        })
        .collect();
    crate::stage::staged(out, |dir| {
        vectors.par_iter().try_for_each(|(name, v)| {
            let file = dir.join(format!("{name}.fgb"));
            let mut columns = columns(&v.attrs).map_err(|e| Error::output(&file, e))?;
            if columns.iter().any(|c| c.name == FID_FIELD) {
                return Err(Error::output(&file, crate::msg::OutputTrouble::FidFieldTaken { layer: name.to_string(), field: FID_FIELD }));
            }
            columns.push(Column::int(FID_FIELD, v.fids.iter().map(|f| Some(*f)).collect()));
            let out_layer = OutLayer {
                name: name.to_string(),
                title: name.to_string(),
                description: format!("{} (sise prepare-inputs)", config.layers[*name].path.display()),
                kind: v.kind,
                geoms: Cow::Borrowed(&v.geoms),
                columns,
                tip: None,
            };
            vector::write(&file, "FlatGeobuf", &["SPATIAL_INDEX=YES"], &config.working_crs, &[out_layer])
        })?;
        rewrite(&mut doc, config, &vectors.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>());
        let text = format!(
            "# Prepared by `sise prepare-inputs` from {}: vector layers in the working CRS with\n# spatial indexes, rasters where they were.\n{}",
            config_file.display(),
            toml::to_string_pretty(&doc).expect("a parsed TOML table serialises")
        );
        std::fs::write(dir.join("assessment.toml"), text).map_err(|e| Error::output(dir, e))
    })?;
    let layers = vectors.iter().map(|(n, v)| (n.to_string(), v.ids.len())).collect();
    Ok(Converted { layers, config: out.join("assessment.toml") })
}

/// A layer's attributes as output columns, with the types they were read as.
fn columns(df: &DataFrame) -> std::result::Result<Vec<Column<'_>>, polars::error::PolarsError> {
    df.get_columns()
        .iter()
        .map(|c| {
            let name = c.name().to_string();
            Ok(match c.dtype() {
                DataType::String => Column::text(name, c.str()?.into_iter().collect()),
                // As read: outputs' 4 decimals would change what is scored.
                DataType::Float32 | DataType::Float64 => Column::exact(name, c.cast(&DataType::Float64)?.f64()?.into_iter().collect()),
                _ => Column::int(name, c.cast(&DataType::Int64)?.i64()?.into_iter().collect()),
            })
        })
        .collect()
}

/// Point the config at the prepared files: each vector layer now a FlatGeobuf
/// in the working CRS, read as is (no offset, encoding or column mapping
/// left to apply); every other path (rasters, layers no model reads, models,
/// templates, the expert review's adjustments) made absolute, as the config moved.
fn rewrite(doc: &mut toml::Table, config: &RunConfig, prepared: &[&str]) {
    let absolute = |p: &Path| {
        let p = std::fs::canonicalize(p).or_else(|_| std::path::absolute(p)).unwrap_or_else(|_| p.to_owned());
        toml::Value::String(p.display().to_string())
    };
    if let Some(toml::Value::Array(domains)) = doc.get_mut("domains") {
        for d in domains.iter_mut() {
            if let toml::Value::String(s) = d {
                *d = absolute(&config.file.parent().unwrap_or(Path::new(".")).join(&*s));
            }
        }
    }
    if let Some(t) = &config.report_templates {
        doc.insert("report_templates".into(), absolute(t));
    }
    if let (Some(r), Some(toml::Value::Table(entry))) = (&config.review, doc.get_mut("review")) {
        entry.insert("adjustments".into(), absolute(&r.adjustments));
    }
    let Some(toml::Value::Table(layers)) = doc.get_mut("layers") else { return };
    for (name, entry) in layers.iter_mut() {
        let toml::Value::Table(entry) = entry else { continue };
        let Some(cfg) = config.layers.get(name) else { continue };
        if !prepared.contains(&name.as_str()) {
            entry.insert("path".into(), absolute(&cfg.path));
            continue;
        }
        // The id column keeps its file name unless `fields` gave it a model name.
        let id = cfg.id_field.as_ref().map(|id| cfg.fields.iter().find(|(_, col)| *col == id).map_or(id.clone(), |(model, _)| model.clone()));
        for key in ["crs", "offset", "x_field", "y_field", "header_row", "header_rows", "fields", "encoding", "sheet", "id_field", "fid_field"] {
            entry.remove(key);
        }
        entry.insert("path".into(), toml::Value::String(format!("{name}.fgb")));
        entry.insert("layer".into(), toml::Value::String(name.clone()));
        entry.insert("fid_field".into(), toml::Value::String(FID_FIELD.into()));
        if let Some(id) = id {
            entry.insert("id_field".into(), toml::Value::String(id));
        }
    }
}
