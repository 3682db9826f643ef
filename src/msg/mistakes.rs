//! Mistakes in a model file, the run config or a tiled run's plan, as
//! facts; `en/` and `zh/` word them.

use super::output::ReferenceDocxWhy;

/// Why a `missing` word does not fit an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingMisfit {
    /// A number for a category.
    NumberForCategory,
    /// "worst" for a field of nearby features.
    WorstNearby,
    /// "reject" where missing means no hazard polygon or raster data.
    RejectNoData,
    /// "worst" without a bound on the raw value.
    WorstUnbounded,
}

/// A mistake in a model file's `[control]` or `[[veto]]`.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleMistake {
    FactorsEmpty,
    FactorNotPositive {
        key: String,
        value: f64,
    },
    NoFactors,
    MissingZero,
    WorstWithoutTable,
    MissingNotPositive {
        value: f64,
    },
    /// A veto condition comparing a categorical indicator with a number (`numeric`: false), or a numeric one with text.
    Compares {
        condition: String,
        indicator: String,
        numeric: bool,
    },
    Level {
        value: i64,
    },
    ReasonEmpty,
}

/// A mistake in a model file's method and its section.
#[derive(Debug, Clone, PartialEq)]
pub enum MethodMistake {
    /// `method` names a method whose section is missing.
    NeedsTable {
        method: &'static str,
    },
    /// Weights on the indicators of a method that does not weigh them.
    WeightsMeaningless {
        method: &'static str,
    },
    NeedsWeights,
    /// `weights`: "key = weight" of each weighted indicator.
    WeightsSum {
        total: f64,
        weights: Vec<String>,
    },
    /// A method's section (`[ahp]`…) beside another method.
    StraySection {
        section: &'static str,
        method: &'static str,
    },
}

/// A mistake in a model file's `[aggregate]`.
#[derive(Debug, Clone, PartialEq)]
pub enum AggregateMistake {
    WeightedMeanWithoutWeight,
    DensityLayerNotInput { layer: String },
    DensityIncomplete,
    DensityUnused,
    DensityNotLine { layer: String },
    WeightByCategorical { key: String },
    WeightByUnknown { key: String, layer: String },
}

/// A risk matrix's two axes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatrixAxis {
    Likelihood,
    Severity,
}

/// Any other mistake in a model file: its indicators, weights, methods'
/// tables, conditions and sections.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelMistake {
    /// A formula exmex cannot parse.
    Expr {
        text: String,
        detail: String,
    },
    DuplicateKey,
    KeyNotColumnName,
    NoIndicators,
    NegativeWeight {
        weight: f64,
    },
    LinearSame {
        from: f64,
        to: f64,
    },
    StepsEmpty,
    StepsNotAscending,
    CategoriesEmpty,
    CategoriesNotAttribute,
    OneNormalisation,
    RangeReversed {
        lo: f64,
        hi: f64,
    },
    RangeWithCategories,
    UncertaintyCategorical {
        value: f64,
    },
    UncertaintyShare {
        value: f64,
    },
    /// A table key (category, factor) that is empty once trimmed.
    EmptyTableKey,
    /// Two keys of one table that read as one.
    KeysFold {
        folded: String,
    },
    /// A method's key (`order`, `likelihood`, `l` …) naming no indicator.
    NotIndicatorKey {
        what: String,
        key: String,
        keys: Vec<String>,
    },
    AhpWeighted {
        indicator: String,
    },
    AhpOrderRows {
        order: usize,
        rows: usize,
    },
    AhpInconsistent {
        cr: f64,
        lambda_max: f64,
    },
    AhpSize {
        max: usize,
        rows: usize,
    },
    AhpNotSquare {
        row: usize,
        entries: usize,
        n: usize,
    },
    AhpEntry {
        row: usize,
        column: usize,
        value: f64,
    },
    AhpNotReciprocal {
        row: usize,
        column: usize,
        value: f64,
        opposite: f64,
    },
    Judgement {
        text: String,
    },
    MatrixShape {
        lengths: Vec<usize>,
    },
    MatrixEntry {
        value: i64,
    },
    /// The likelihood or severity indicator (`axis`) does not score classes 1–`classes`.
    MatrixClasses {
        axis: MatrixAxis,
        indicator: String,
        classes: usize,
    },
    ConditionUnreadable {
        condition: String,
    },
    ConditionTextOp {
        condition: String,
    },
    MissingNotFinite {
        value: f64,
    },
    MissingWord {
        word: String,
    },
    LayerNotInInputs {
        layer: String,
    },
    AccidentEmpty,
    FieldNameEmpty {
        key: String,
    },
    FieldNotRead {
        key: String,
        reads: Vec<String>,
    },
    Thresholds {
        red: f64,
        orange: f64,
        yellow: f64,
    },
    /// The `[inputs] objects` layer is a raster.
    ObjectsRaster {
        layer: String,
    },
    /// An indicator key that an output column already has (`reserved`).
    ReservedKey {
        reserved: Vec<String>,
    },
    /// A formula variable that is no earlier indicator, built-in or field of `layer`.
    FormulaVariable {
        name: String,
        layer: String,
    },
    /// The `[ahp]` judgements of a sensitivity draw that cannot give weights.
    SensitivityAhp {
        detail: String,
    },
    /// A layer the checks passed that the scoring does not find loaded (a bug).
    NotLoaded {
        layer: String,
        raster: bool,
    },
}

/// A mistake in the run config that is not one setting's value (those are
/// [`super::Msg::BadSetting`]).
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigMistake {
    CannotListDomains {
        detail: String,
    },
    /// A `[colours]` entry (`name`) that is not `#RRGGBB`.
    Colour {
        name: &'static str,
        value: String,
    },
    FieldsEmptyName,
    FieldsSameColumn {
        first: String,
        second: String,
        column: String,
    },
    HeaderRowZero,
    HeaderRowsZero,
    HeaderNotTable,
    /// A connection string (`what`: where it is written) that holds a password.
    Password {
        what: String,
    },
    /// `{ }` for a level (`name`) of the count method.
    CountEmpty {
        name: &'static str,
    },
    CountZero {
        name: &'static str,
    },
    RegionalWeights,
    /// Values of exposure or capacity, not falling from red to blue.
    ValuesOrder {
        red: f64,
        orange: f64,
        yellow: f64,
        blue: f64,
    },
    CapacityNoFactors,
    CapacityNoPopulation,
    CapacitySteps,
    CapacityNotPositive,
    CapacityWeights {
        total: f64,
    },
    /// `[comprehensive]` weights (of the `kind` of zone) naming a domain the run lacks.
    WeightsNotDomain {
        kind: String,
        key: String,
        ids: Vec<String>,
    },
    WeightsMissing {
        kind: String,
        id: String,
    },
    /// A report template that cannot be read or rendered.
    ReportTemplate {
        detail: String,
    },
    /// The reference .docx of the Word reports, and why it does not serve.
    ReferenceDocx {
        why: Box<ReferenceDocxWhy>,
    },
    CannotReadFolder {
        detail: String,
    },
    NoModel {
        id: String,
        ids: Vec<String>,
    },
    StreetsNotPolygons {
        layer: String,
    },
    /// A layer `[comprehensive]` reads (facilities, residents) that is not a vector layer.
    ComprehensiveNotVector {
        layer: String,
    },
    /// A section written under its name and its older name both.
    TwoNames {
        new: &'static str,
        old: &'static str,
    },
}

/// A mistake in a tiled run: the tiling asked for, the plan, its units.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanMistake {
    GridWritten {
        text: String,
    },
    SizeWritten {
        text: String,
    },
    PlanUnreadable {
        detail: String,
    },
    NotAPlan {
        detail: String,
    },
    /// The run config (`config`) or its models changed since the plan.
    PlanStale {
        config: String,
    },
    CrsOrCell,
    /// What reaches farthest when nothing reaches other features.
    NoReach,
    /// An indicator with no bound on how far it looks.
    Unbounded {
        indicator: String,
    },
    /// `--halo` below the reach of `reach_of` plus one grid cell.
    HaloTooSmall {
        halo: f64,
        reach_of: String,
        reach_m: f64,
        cell: f64,
    },
    PlanHaloTooSmall {
        halo: f64,
        reach_of: String,
        reach_m: f64,
    },
    UnitNotInPlan {
        index: usize,
        last: usize,
    },
    UnitVariable {
        var: &'static str,
        value: String,
    },
    NeedsUnit,
    Unfinished {
        missing: Vec<String>,
        total: usize,
        units: std::path::PathBuf,
    },
    Stale {
        units: Vec<String>,
    },
    NoStreetPolygons,
}
