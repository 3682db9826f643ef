//! Check a model against the layers of a run: every layer, field and
//! geometry kind it names must be there, with values of the right type.
//! `sise validate` runs exactly this; `sise run` runs it before scoring.
//! A bad value of one feature fails `checks`: with --keep-going that is
//! left to the domain's scoring, which rejects the feature.

use crate::config::RunConfig;
use crate::error::{Bad, Error, Result};
use crate::load::{Layer, Layers};
use crate::model::{FieldRead, GeomKind, Indicator, Looks, Model, Reading};
use crate::msg::{located, AggregateMistake, Holds, ModelMistake, Msg, Place};
use crate::objects::{RowChecks, VectorLayer};

use crate::schema::RESERVED;

pub fn check_model(model: &Model, config: &RunConfig, layers: &Layers, checks: &RowChecks) -> Result<()> {
    let err = |message: String| Error::Model { file: model.file.clone(), message };
    let known = || config.layers.keys().cloned().collect::<Vec<_>>();

    let objects = match layers.layers.get(model.objects()) {
        Some(Layer::Vector(v)) => v,
        Some(Layer::Raster(_)) => {
            let m = ModelMistake::ObjectsRaster { layer: model.objects().to_owned() };
            return Err(err(located(Place::Line(model.inputs_line), m)));
        }
        None => {
            let (name, config_file) = (model.objects().to_owned(), config.file.display().to_string());
            let m = Msg::NotALayer { key: "[inputs] objects".into(), name, config: config_file, have: known() };
            return Err(err(located(Place::Line(model.inputs_line), m)));
        }
    };
    // A work unit's clipped read may hold no feature, and then no kind.
    if objects.kind != model.geometry && !objects.is_empty() {
        return Err(Error::input(
            Bad::GeometryType,
            &objects.file,
            Some(&objects.name),
            Msg::WrongGeometry { model: model.id.clone(), file: model.file.display().to_string(), needs: model.geometry.holds(), has: objects.kind.holds() },
        ));
    }
    for l in model.inputs.exposure.iter().chain(&model.inputs.hazard).chain(&model.inputs.capacity) {
        if !config.layers.contains_key(l) {
            let key = format!("line {}: [inputs] {}", model.inputs_line, model.inputs.role_of(l).unwrap_or("exposure"));
            return Err(err(Msg::NotALayer { key, name: l.clone(), config: config.file.display().to_string(), have: known() }.into()));
        }
    }

    for ind in &model.indicators {
        check_indicator(model, ind, objects, config, layers, checks)?;
    }
    if let Some(c) = &model.control {
        check_field(objects, &c.field, c.factors.is_none(), &[], checks)?;
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
    check_aggregate(model, objects, layers, checks)
}

/// One indicator against the layers: its key free, its fields present and
/// readable, its layer of the kind its source needs.
fn check_indicator(model: &Model, ind: &Indicator, objects: &VectorLayer, config: &RunConfig, layers: &Layers, checks: &RowChecks) -> Result<()> {
    let err = |message: String| Error::Model { file: model.file.clone(), message };
    let known = || config.layers.keys().cloned().collect::<Vec<_>>();
    let at = |m: String| err(located(Place::Line(ind.line), located(Place::Indicator(ind.key.clone()), m)));
    if RESERVED.contains(&ind.key.as_str()) || ind.key.ends_with("_score") {
        return Err(at(ModelMistake::ReservedKey { reserved: RESERVED.iter().map(|r| r.to_string()).collect() }.into()));
    }
    let reads = ind.source.reads(ind.normalise.is_categorical());
    for read in &reads {
        let FieldRead::Object { field, as_ } = *read else { continue };
        match as_ {
            Reading::Number => check_field(objects, field, true, &model.units_of(None, field), checks)?,
            Reading::Category => check_field(objects, field, false, &model.units_of(None, field), checks)?,
            Reading::Year => objects.years(field, config.year, checks).map(|_| ())?,
            Reading::FormulaNumber if !objects.has_field(field) => {
                return Err(at(ModelMistake::FormulaVariable { name: field.to_owned(), layer: objects.name.clone() }.into()));
            }
            Reading::FormulaNumber => check_field(objects, field, true, &model.units_of(None, field), checks)?,
        }
    }
    let (Some(name), Some(looks)) = (ind.source.layer(), ind.source.looks()) else { return Ok(()) };
    let not_a_layer = || Msg::NotALayer { key: "layer".into(), name: name.to_owned(), config: config.file.display().to_string(), have: known() };
    let layer = layers.layers.get(name).ok_or_else(|| at(not_a_layer().into()))?;
    let (vector, raster) = (Holds::Vector, Holds::Raster);
    // A layer of the wrong kind is a geometry-type error of that layer (exit 17), named with the model line that reads it.
    let kind_err = |has: Holds, needs: Holds| {
        let msg = Msg::LayerKind { line: ind.line, indicator: ind.key.clone(), layer: name.to_owned(), has, needs };
        let path = config.layers.get(name).map_or_else(|| model.file.clone(), |l| l.path.clone());
        Error::input(Bad::GeometryType, &path, Some(name), format!("{} {msg}", model.file.display()))
    };
    match (looks, layer) {
        (Looks::Raster, Layer::Raster(_)) => ind.source.fits(model.geometry).map_err(at)?,
        (Looks::Raster, Layer::Vector(_)) => return Err(kind_err(vector, raster)),
        (Looks::Vector(_), Layer::Raster(_)) => return Err(kind_err(raster, vector)),
        (Looks::Vector(Some(k)), Layer::Vector(v)) if v.kind != k && !v.is_empty() => return Err(kind_err(v.kind.holds(), k.holds())),
        (Looks::Vector(_), Layer::Vector(v)) => {
            for read in reads {
                if let FieldRead::Context { layer, field } = read {
                    check_field(v, field, true, &model.units_of(Some(layer), field), checks)?;
                }
            }
        }
    }
    Ok(())
}

/// `[aggregate]`: a density layer of lines, a numeric weight.
fn check_aggregate(model: &Model, objects: &VectorLayer, layers: &Layers, checks: &RowChecks) -> Result<()> {
    let err = |message: String| Error::Model { file: model.file.clone(), message };
    let agg = |mistake: AggregateMistake| err(Msg::Aggregate { line: model.aggregate.line, mistake }.into());
    if let Some((layer, _)) = &model.aggregate.density {
        match layers.vector(layer) {
            Some(v) if v.kind == GeomKind::Line || v.is_empty() => {}
            _ => return Err(agg(AggregateMistake::DensityNotLine { layer: layer.clone() })),
        }
    }
    if let Some(w) = &model.aggregate.weight_by {
        match model.indicators.iter().find(|i| &i.key == w) {
            Some(i) if i.normalise.is_categorical() => return Err(agg(AggregateMistake::WeightByCategorical { key: w.clone() })),
            Some(_) => {}
            None if objects.has_field(w) => check_field(objects, w, true, &model.units_of(None, w), checks)?,
            None => return Err(agg(AggregateMistake::WeightByUnknown { key: w.clone(), layer: objects.name.clone() })),
        }
    }
    Ok(())
}

/// The field must exist and, when `numeric`, hold only values that read as
/// numbers (in `units`); whether empty values are allowed is for scoring.
fn check_field(layer: &VectorLayer, field: &str, numeric: bool, units: &[&str], checks: &RowChecks) -> Result<()> {
    if numeric {
        layer.numbers(field, units, checks).map(|_| ())
    } else {
        layer.texts(field).map(|_| ())
    }
}
