//! The 街镇 of the district, and the 区 above them in a city run.

use geo_types::MultiPolygon;

use crate::aggregate::{self, Zones};
use crate::config::RunConfig;
use crate::error::{Bad, Error, Result};
use crate::load::{self, Layers, Strictness};
use crate::msg::Msg;
use crate::objects::RowChecks;

/// The administrative units (街镇) of the district.
pub struct Streets {
    pub zones: Zones,
    pub names: Vec<String>,
    pub codes: Vec<String>,
    /// The 区 above the 街镇, when `[streets] district_field` names them.
    pub districts: Option<Districts>,
}

/// The districts (区) of a city run. Not to be confused with "the district"
/// (`config.district`), the whole study area: a city run's is the city.
pub struct Districts {
    /// In order of first appearance in the 街镇 layer.
    pub names: Vec<String>,
    /// Per 街镇, the index of its 区.
    pub of_street: Vec<usize>,
    /// Each 区's outline: the union of its 街镇.
    pub zones: Zones,
}

/// The 街镇 of a run config, loading only their layer (for `sise plan`).
pub fn streets_of(config: &RunConfig) -> Result<Streets> {
    let (layer, _) = load::load_layer(config, &config.streets.layer, Strictness::default(), None)?;
    let mut layers = Layers::default();
    layers.layers.insert(config.streets.layer.clone(), layer);
    streets(config, &layers)
}

pub(super) fn streets(config: &RunConfig, layers: &Layers) -> Result<Streets> {
    let a = &config.streets;
    let layer = layers
        .vector(&a.layer)
        .ok_or_else(|| Error::Config { file: config.file.clone(), message: crate::msg::ConfigMistake::StreetsNotPolygons { layer: a.layer.clone() }.into() })?;
    let polygons: Vec<MultiPolygon<f64>> = layer
        .geoms
        .iter()
        .zip(&layer.ids)
        .map(|(g, id)| {
            crate::model::polygons_of(g)
                .ok_or_else(|| Error::input(Bad::GeometryType, &layer.file, Some(&layer.name), Msg::StreetNotPolygon { id: id.clone() }))
        })
        .collect::<Result<_>>()?;
    let names = layer.require(&a.name_field, layer.texts(&a.name_field)?, &RowChecks::Stop)?;
    let codes = layer.require(&a.code_field, layer.texts(&a.code_field)?, &RowChecks::Stop)?;
    let districts = match &a.district_field {
        Some(field) => {
            let of: Vec<String> = layer.require(field, layer.texts(field)?, &RowChecks::Stop)?;
            let mut names: Vec<String> = Vec::new();
            for d in &of {
                if !names.contains(d) {
                    names.push(d.clone());
                }
            }
            let of_street: Vec<usize> = of.iter().map(|d| names.iter().position(|n| n == d).expect("listed above")).collect();
            let outlines = (0..names.len()).map(|k| aggregate::outline(polygons.iter().zip(&of_street).filter(|(_, &s)| s == k).map(|(p, _)| p))).collect();
            Some(Districts { names, of_street, zones: Zones::new(outlines).snapping(config.outside_tolerance_m) })
        }
        None => None,
    };
    Ok(Streets { zones: Zones::new(polygons).snapping(config.outside_tolerance_m), names, codes, districts })
}
