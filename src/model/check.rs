//! Check a model against the layers of a run: every layer, field and
//! geometry kind it names must be there, with values of the right type.
//! `sise validate` runs exactly this; `sise run` runs it before scoring.

use crate::config::RunConfig;
use crate::error::{Error, Result};
use crate::load::{Layer, Layers, VectorLayer};
use crate::model::{Model, Normalise, Source};

/// Column names every domain layer has; an indicator key may not shadow them.
pub const RESERVED: [&str; 10] =
    ["id", "street_code", "street_name", "inherent", "control_factor", "score", "level", "level_name", "colour", "veto_reason"];

pub fn check_model(model: &Model, config: &RunConfig, layers: &Layers) -> Result<()> {
    let err = |message: String| Error::Model { file: model.file.clone(), message };
    let known = || config.layers.keys().cloned().collect::<Vec<_>>().join(", ");

    let objects = match layers.layers.get(&model.objects) {
        Some(Layer::Vector(v)) => v,
        Some(Layer::Raster(_)) => return Err(err(format!("objects = '{}' is a raster; objects must be a vector layer", model.objects))),
        None => return Err(err(format!("objects = '{}' is not a [layers.*] entry of {} ({})", model.objects, config.file.display(), known()))),
    };
    if objects.kind != model.geometry {
        return Err(Error::input(
            &objects.file,
            Some(&objects.name),
            format!(
                "wrong geometry type: model {} ({}) scores {}s, but the layer holds {}s",
                model.id,
                model.file.display(),
                model.geometry.name(),
                objects.kind.name()
            ),
        ));
    }

    for ind in &model.indicators {
        let at = |m: String| err(format!("line {}: indicator '{}': {m}", ind.line, ind.key));
        if RESERVED.contains(&ind.key.as_str()) || ind.key.ends_with("_score") {
            return Err(at(format!("the key is reserved for an output column ({}; and *_score)", RESERVED.join(", "))));
        }
        if let Some(field) = ind.source.object_field() {
            check_field(objects, field, !ind.normalise.is_categorical())?;
        }
        let Some(name) = ind.source.layer() else { continue };
        let layer = layers
            .layers
            .get(name)
            .ok_or_else(|| at(format!("layer '{name}' is not a [layers.*] entry of {} ({})", config.file.display(), known())))?;
        match (&ind.source, layer) {
            (Source::RasterSample { .. }, Layer::Raster(_)) => {}
            (Source::RasterSample { .. }, Layer::Vector(_)) => return Err(at(format!("layer '{name}' is a vector layer; raster_sample needs a raster"))),
            (_, Layer::Raster(_)) => return Err(at(format!("layer '{name}' is a raster; this source needs a vector layer"))),
            (Source::Within { field: Some(f), .. }, Layer::Vector(v)) => check_field(v, f, true)?,
            _ => {}
        }
        if matches!(ind.normalise, Normalise::Categories(_)) && !matches!(ind.source, Source::Attribute { .. }) {
            return Err(at("categories apply to attributes only".into()));
        }
    }
    if let Some(c) = &model.control {
        check_field(objects, &c.field, false)?;
    }
    for v in &model.vetoes {
        let name = &v.when.name;
        if !model.indicators.iter().any(|i| &i.key == name) && !objects.has_field(name) {
            return Err(err(format!(
                "[[veto]] when = \"{}\": '{name}' is neither an indicator key nor a field of layer '{}'",
                v.when, objects.name
            )));
        }
    }
    Ok(())
}

/// The field must exist and, when `numeric`, hold numbers in every feature.
fn check_field(layer: &VectorLayer, field: &str, numeric: bool) -> Result<()> {
    if numeric {
        layer.numbers(field).map(|_| ())
    } else {
        layer.texts(field).map(|_| ())
    }
}
