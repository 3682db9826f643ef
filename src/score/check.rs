//! Check a model against the layers of a run: every layer, field and
//! geometry kind it names must be there, with values of the right type.
//! `sise validate` runs exactly this; `sise run` runs it before scoring.

use crate::config::RunConfig;
use crate::error::{Bad, Error, Result};
use crate::load::{Layer, Layers};
use crate::model::{FieldRead, GeomKind, Indicator, Looks, Model, Reading};
use crate::msg::{pick, Msg};
use crate::objects::VectorLayer;

use crate::schema::RESERVED;

pub fn check_model(model: &Model, config: &RunConfig, layers: &Layers) -> Result<()> {
    let err = |message: String| Error::Model { file: model.file.clone(), message };
    let known = || config.layers.keys().cloned().collect::<Vec<_>>();

    let objects = match layers.layers.get(model.objects()) {
        Some(Layer::Vector(v)) => v,
        Some(Layer::Raster(_)) => {
            return Err(err(format!("line {}: [inputs] objects = '{}' is a raster; objects must be a vector layer", model.inputs_line, model.objects())))
        }
        None => {
            let (name, config_file) = (model.objects().to_owned(), config.file.display().to_string());
            let key = format!("line {}: [inputs] objects", model.inputs_line);
            return Err(err(Msg::NotALayer { key, name, config: config_file, have: known() }.into()));
        }
    };
    // A work unit's clipped read may hold no feature, and then no kind.
    if objects.kind != model.geometry && !objects.is_empty() {
        return Err(Error::input(
            Bad::GeometryType,
            &objects.file,
            Some(&objects.name),
            Msg::WrongGeometry { model: model.id.clone(), file: model.file.display().to_string(), needs: model.geometry.name(), has: objects.kind.name() },
        ));
    }
    for l in model.inputs.exposure.iter().chain(&model.inputs.hazard).chain(&model.inputs.capacity) {
        if !config.layers.contains_key(l) {
            let key = format!("line {}: [inputs] {}", model.inputs_line, model.inputs.role_of(l).unwrap_or("exposure"));
            return Err(err(Msg::NotALayer { key, name: l.clone(), config: config.file.display().to_string(), have: known() }.into()));
        }
    }

    for ind in &model.indicators {
        check_indicator(model, ind, objects, config, layers)?;
    }
    if let Some(c) = &model.control {
        check_field(objects, &c.field, c.factors.is_none(), &[])?;
    }
    let is_indicator = |name: &str| model.indicators.iter().any(|i| i.key == name);
    for v in &model.vetoes {
        for c in &v.when {
            if !is_indicator(&c.name) && !objects.has_field(&c.name) {
                let (condition, name, layer) = (c.to_string(), c.name.clone(), objects.name.clone());
                return Err(err(Msg::VetoFieldMissing { line: v.line, condition, name, layer }.into()));
            }
        }
    }
    check_aggregate(model, objects, layers)
}

/// One indicator against the layers: its key free, its fields present and
/// readable, its layer of the kind its source needs.
fn check_indicator(model: &Model, ind: &Indicator, objects: &VectorLayer, config: &RunConfig, layers: &Layers) -> Result<()> {
    let err = |message: String| Error::Model { file: model.file.clone(), message };
    let known = || config.layers.keys().cloned().collect::<Vec<_>>().join(", ");
    let at = |m: String| err(format!("line {}: indicator '{}': {m}", ind.line, ind.key));
    if RESERVED.contains(&ind.key.as_str()) || ind.key.ends_with("_score") {
        return Err(at(format!("the key is reserved for an output column ({}; and *_score)", RESERVED.join(", "))));
    }
    let reads = ind.source.reads(ind.normalise.is_categorical());
    for read in &reads {
        let FieldRead::Object { field, as_ } = *read else { continue };
        match as_ {
            Reading::Number => check_field(objects, field, true, &model.units_of(None, field))?,
            Reading::Category => check_field(objects, field, false, &model.units_of(None, field))?,
            Reading::Year => objects.years(field, config.year).map(|_| ())?,
            Reading::FormulaNumber if !objects.has_field(field) => {
                return Err(at(format!(
                    "formula variable '{field}' is neither an earlier numeric indicator, a built-in (length_m, area_m2) nor a field of layer '{}'",
                    objects.name
                )));
            }
            Reading::FormulaNumber => check_field(objects, field, true, &model.units_of(None, field))?,
        }
    }
    let (Some(name), Some(looks)) = (ind.source.layer(), ind.source.looks()) else { return Ok(()) };
    let layer = layers.layers.get(name).ok_or_else(|| at(format!("layer '{name}' is not a [layers.*] entry of {} ({})", config.file.display(), known())))?;
    // What a layer holds, in the message language ("lines", "线图层").
    let kind = |k: GeomKind| pick(format!("{}s", k.name()), format!("{}图层", ["点", "线", "面"][k as usize]));
    let (vector, raster) = (pick("a vector layer".into(), "矢量图层".into()), pick("a raster".into(), "栅格图层".into()));
    // A layer of the wrong kind is a geometry-type error of that layer (exit 17), named with the model line that reads it.
    let kind_err = |has: String, needs: String| {
        let msg = Msg::LayerKind { line: ind.line, indicator: ind.key.clone(), layer: name.to_owned(), has, needs };
        let path = config.layers.get(name).map_or_else(|| model.file.clone(), |l| l.path.clone());
        Error::input(Bad::GeometryType, &path, Some(name), format!("{} {msg}", model.file.display()))
    };
    match (looks, layer) {
        (Looks::Raster, Layer::Raster(_)) => ind.source.fits(model.geometry).map_err(at)?,
        (Looks::Raster, Layer::Vector(_)) => return Err(kind_err(vector, raster)),
        (Looks::Vector(_), Layer::Raster(_)) => return Err(kind_err(raster, vector)),
        (Looks::Vector(Some(k)), Layer::Vector(v)) if v.kind != k && !v.is_empty() => return Err(kind_err(kind(v.kind), kind(k))),
        (Looks::Vector(_), Layer::Vector(v)) => {
            for read in reads {
                if let FieldRead::Context { layer, field } = read {
                    check_field(v, field, true, &model.units_of(Some(layer), field))?;
                }
            }
        }
    }
    Ok(())
}

/// `[aggregate]`: a density layer of lines, a numeric weight.
fn check_aggregate(model: &Model, objects: &VectorLayer, layers: &Layers) -> Result<()> {
    let err = |message: String| Error::Model { file: model.file.clone(), message };
    let agg = |m: String| err(format!("line {}: [aggregate] {m}", model.aggregate.line));
    if let Some((layer, _)) = &model.aggregate.density {
        match layers.vector(layer) {
            Some(v) if v.kind == GeomKind::Line || v.is_empty() => {}
            _ => return Err(agg(format!("density_of = '{layer}' must be a line layer of the run"))),
        }
    }
    if let Some(w) = &model.aggregate.weight_by {
        match model.indicators.iter().find(|i| &i.key == w) {
            Some(i) if i.normalise.is_categorical() => return Err(agg(format!("weight_by = '{w}' is a categorical indicator; it must be numeric"))),
            Some(_) => {}
            None if objects.has_field(w) => check_field(objects, w, true, &model.units_of(None, w))?,
            None => return Err(agg(format!("weight_by = '{w}' is neither an indicator key nor a field of layer '{}'", objects.name))),
        }
    }
    Ok(())
}

/// The field must exist and, when `numeric`, hold only values that read as
/// numbers (in `units`); whether empty values are allowed is for scoring.
fn check_field(layer: &VectorLayer, field: &str, numeric: bool, units: &[&str]) -> Result<()> {
    if numeric {
        layer.numbers(field, units).map(|_| ())
    } else {
        layer.texts(field).map(|_| ())
    }
}
