//! Work units as data: a unit's core and which objects it owns, the record
//! a finished unit leaves (`unit.json`), and the store of its objects and
//! raw indicator values (`store`). The commands that plan, run and merge
//! units are in `tile`; this is the vocabulary they share with `assess`
//! and the manifest.

pub mod store;

use std::collections::BTreeMap;

use geo::Centroid;
use serde::{Deserialize, Serialize};

/// One work unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub index: usize,
    /// Core [x_min, y_min, x_max, y_max] in the working CRS; `None` where the
    /// core is open to the outside. A point is in the core when
    /// x_min ≤ x < x_max and y_min ≤ y < y_max.
    pub core: [Option<f64>; 4],
    /// What its owned objects need read of each layer, [x_min, y_min, x_max,
    /// y_max] (`tile::layer_reads`), found by `sise plan` so that a unit reads
    /// its inputs once (empty in plans made without the data).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub reads: BTreeMap<String, [f64; 4]>,
}

impl Unit {
    /// Whether this unit owns a feature with this centroid.
    pub fn owns(&self, x: f64, y: f64) -> bool {
        let [x0, y0, x1, y1] = self.core;
        x0.is_none_or(|v| x >= v) && y0.is_none_or(|v| y >= v) && x1.is_none_or(|v| x < v) && y1.is_none_or(|v| y < v)
    }

    /// The rows of `layer` whose centroid this unit owns.
    pub fn owned_rows(&self, layer: &crate::objects::VectorLayer) -> Vec<usize> {
        (0..layer.len()).filter(|&i| layer.geoms[i].centroid().is_some_and(|c| self.owns(c.x(), c.y()))).collect()
    }
}

/// What a finished unit reports, in `UNITS/K/unit.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitRecord {
    pub index: usize,
    pub core: [Option<f64>; 4],
    /// The rectangle read from each layer (working CRS); the 街镇 are read whole.
    pub reads: BTreeMap<String, [f64; 4]>,
    /// The plan's fingerprint (config and models) the unit ran with.
    pub fingerprint: String,
    pub sise_version: String,
    pub keep_going: bool,
    /// Objects owned, per domain id.
    pub objects: BTreeMap<String, usize>,
    pub rejects: usize,
    /// Owned objects left out as outside the district (`clip_to_district`).
    #[serde(default)]
    pub clipped: Vec<crate::load::outside::Clipped>,
    pub seconds: f64,
    /// Peak resident memory of the unit's process (Linux VmHWM).
    pub peak_memory_mb: Option<f64>,
}
