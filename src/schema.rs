//! The names of what sise writes that other parts read back: the
//! GeoPackage's layers and the columns they share. One definition, so a
//! writer and a reader (the QGIS project, styles, `sise compare`, the
//! reserved indicator keys) cannot drift apart.

/// The grid-cell layer.
pub const GRID_LAYER: &str = "grid";
/// The 街镇 layer.
pub const STREETS_LAYER: &str = "streets";

/// A grid cell's id ("col_row" of the origin-aligned grid).
pub const CELL_ID: &str = "cell_id";
/// The 街镇 an object or cell belongs to.
pub const STREET_CODE: &str = "street_code";
pub const STREET_NAME: &str = "street_name";
/// The level (1 重大 … 4 低), its Chinese name and its colour.
pub const LEVEL: &str = "level";
pub const LEVEL_NAME: &str = "level_name";
pub const COLOUR: &str = "colour";
/// Scores of a domain layer.
pub const INHERENT: &str = "inherent";
pub const CONTROL_FACTOR: &str = "control_factor";
pub const SCORE: &str = "score";
pub const VETO_REASON: &str = "veto_reason";
/// The expert review (专家研判): the level the models computed (the final
/// `level` may differ), and for an adjusted object why, by whom, when.
pub const COMPUTED_LEVEL: &str = "computed_level";
pub const REVIEW_REASON: &str = "review_reason";
pub const REVIEW_EXPERT: &str = "review_expert";
pub const REVIEW_DATE: &str = "review_date";
/// The sensitivity analysis: the share of draws keeping the computed level
/// (等级稳定度), and whether that share is below the run's `critical` (临界).
pub const STABILITY: &str = "stability";
pub const CRITICAL: &str = "critical";
/// What drove a zone's comprehensive level: 主导领域, its worst objects,
/// 定级依据, and the zone's red and orange objects.
pub const LEADING: &str = "leading_domain";
pub const DRIVERS: &str = "drivers";
pub const BASIS: &str = "basis";
pub const RED_OBJECTS: &str = "red_objects";
pub const ORANGE_OBJECTS: &str = "orange_objects";
/// An object's id.
pub const ID: &str = "id";
/// The assessment cycle and year that key every row `sise publish` writes
/// into the database (one table holds every year).
pub const CYCLE: &str = "cycle";
pub const YEAR: &str = "year";

/// Standard optional fields of a layer of scored objects (after its
/// `fields` mapping), with their Chinese names: carried into every object
/// table, report and the 风险清单.
pub const NAME: &str = "name";
pub const ADDRESS: &str = "address";
pub const RESPONSIBLE_UNIT: &str = "responsible_unit";
pub const DESCRIPTIVE: [(&str, &str); 3] = [(NAME, "名称"), (ADDRESS, "地址"), (RESPONSIBLE_UNIT, "责任单位")];
/// The 街镇 a census form's filler names for an object (a collection
/// template's 所在街镇), checked against its coordinates by `validate --report`.
pub const DECLARED_STREET: &str = "street";

/// Column names every domain layer has; an indicator key may not shadow them
/// (nor end in `_score`, the indicator score columns).
pub const RESERVED: [&str; 21] = [
    ID,
    CYCLE,
    YEAR,
    NAME,
    ADDRESS,
    RESPONSIBLE_UNIT,
    STREET_CODE,
    STREET_NAME,
    INHERENT,
    CONTROL_FACTOR,
    SCORE,
    LEVEL,
    LEVEL_NAME,
    COLOUR,
    VETO_REASON,
    COMPUTED_LEVEL,
    REVIEW_REASON,
    REVIEW_EXPERT,
    REVIEW_DATE,
    STABILITY,
    CRITICAL,
];

/// The level column of domain `id` in the grid and 街镇 layers (e.g. "d01_level").
pub fn domain_level_column(id: &str) -> String {
    format!("{}_{LEVEL}", id.to_lowercase())
}
