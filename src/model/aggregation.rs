//! How a domain's object results combine in grid cells, 街镇 and the
//! district (`[aggregate]`).

use serde::Serialize;
use toml::Spanned;

use super::raw::{AggMethod, Doc, RawAggregate};
use super::Inputs;
use crate::error::Result;
use crate::level::Thresholds;
use crate::msg::{AggregateMistake, Msg};

#[derive(Debug, Clone, Serialize)]
pub struct Aggregate {
    /// Line of `[aggregate]` in the model file, for messages.
    pub line: usize,
    pub grid: AggMethod,
    pub streets: AggMethod,
    /// Indicator key or numeric field weighting `weighted_mean`.
    pub weight_by: Option<String>,
    /// For `density`: the line layer and the bands on objects per km.
    pub density: Option<(String, Thresholds)>,
}

/// The `[aggregate]` section; `density_of` must be one of the model's inputs.
pub(super) fn aggregate(doc: &Doc, raw: Spanned<RawAggregate>, inputs: &Inputs) -> Result<Aggregate> {
    let err = |message: String| doc.err(message);
    let agg_line = doc.line(raw.span().start);
    let mistake = |mistake| doc.err(Msg::Aggregate { line: agg_line, mistake }.into());
    let agg = raw.into_inner();
    if agg.weight_by.is_none() && [agg.grid, agg.streets].contains(&AggMethod::WeightedMean) {
        return Err(mistake(AggregateMistake::WeightedMeanWithoutWeight));
    }
    let uses_density = [agg.grid, agg.streets].contains(&AggMethod::Density);
    let density = match (agg.density_of, agg.density_levels) {
        (Some(layer), Some(levels)) if uses_density => {
            levels.check().map_err(|m| err(format!("line {agg_line}: [aggregate] density_levels: {m}")))?;
            if inputs.role_of(&layer).is_none() {
                return Err(mistake(AggregateMistake::DensityLayerNotInput { layer }));
            }
            Some((layer, levels))
        }
        (None, None) if !uses_density => None,
        _ if uses_density => return Err(mistake(AggregateMistake::DensityIncomplete)),
        _ => return Err(mistake(AggregateMistake::DensityUnused)),
    };
    Ok(Aggregate { line: agg_line, grid: agg.grid, streets: agg.streets, weight_by: agg.weight_by, density })
}
