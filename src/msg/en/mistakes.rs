//! Mistakes in model files, the run config and a tiled run's plan, in English.

use super::super::*;

impl ModelMistake {
    pub(in crate::msg) fn en(&self) -> String {
        match self {
            ModelMistake::Expr { text, detail } => format!("cannot read expr \"{text}\": {detail}"),
            ModelMistake::DuplicateKey => "duplicate key".into(),
            ModelMistake::KeyNotColumnName => "keys are column names: use letters, digits and _ (not starting with a digit)".into(),
            ModelMistake::NoIndicators => "no [[indicator]] entries".into(),
            ModelMistake::NegativeWeight { weight } => format!("weight must be a non-negative number, got {weight}"),
            ModelMistake::LinearSame { from, to } => format!("linear = [{from}, {to}] needs two different values"),
            ModelMistake::StepsEmpty => "steps is empty".into(),
            ModelMistake::StepsNotAscending => "steps must have strictly ascending breakpoints, e.g. steps = [[0, 10], [10, 40], [20, 80]]".into(),
            ModelMistake::CategoriesEmpty => "categories is empty".into(),
            ModelMistake::CategoriesNotAttribute => "categories apply to source = \"attribute\" only".into(),
            ModelMistake::OneNormalisation => "give at most one of `linear`, `minmax`, `steps` or `categories` to turn the value into a score".into(),
            ModelMistake::RangeReversed { lo, hi } => format!("range = [{lo}, {hi}] must go from low to high"),
            ModelMistake::RangeWithCategories => "range applies to numeric indicators; categories already list the valid values".into(),
            ModelMistake::UncertaintyCategorical { value } => format!("uncertainty = {value} applies to numeric indicators; a category is known exactly"),
            ModelMistake::UncertaintyShare { value } => format!("uncertainty = {value} must be a share from 0 to below 1 (0.1 = ±10 %)"),
            ModelMistake::EmptyTableKey => "an empty key matches nothing; a missing value is what `missing = …` decides".into(),
            ModelMistake::KeysFold { folded } => {
                format!("two keys read as '{folded}' (keys are matched trimmed, with full-width letters and digits as half-width)")
            }
            ModelMistake::NotIndicatorKey { what, key, keys } => format!("{what} = '{key}' is not an indicator key ({})", list(keys)),
            ModelMistake::AhpWeighted { indicator } => format!("indicator '{indicator}' has a weight; with [ahp] the weights are derived, remove them"),
            ModelMistake::AhpOrderRows { order, rows } => format!("order lists {order} indicators but the matrix has {rows} rows"),
            ModelMistake::AhpInconsistent { cr, lambda_max } => format!(
                "the judgements are inconsistent: consistency ratio CR = {cr:.3} (λmax = {lambda_max:.3}), it must be below 0.1; revise the pairwise comparisons"
            ),
            ModelMistake::AhpSize { max, rows } => format!("the matrix must have 1 to {max} rows, it has {rows}"),
            ModelMistake::AhpNotSquare { row, entries, n } => format!("the matrix must be square: row {row} has {entries} entries, expected {n}"),
            ModelMistake::AhpEntry { row, column, value } => format!("entry ({row}, {column}) must be a positive number, got {value}"),
            ModelMistake::AhpNotReciprocal { row, column, value, opposite } => format!(
                "the matrix must be reciprocal: entry ({row}, {column}) = {value} but ({column}, {row}) = {opposite} (expected {:.4})",
                1.0 / value
            ),
            ModelMistake::Judgement { text } => format!("cannot read judgement '{text}': write a number or a fraction such as \"1/3\""),
            ModelMistake::MatrixShape { lengths } => format!(
                "table must be a rectangle of at least 2 × 2 (rows = likelihood classes, columns = severity classes); row lengths are {lengths:?}"
            ),
            ModelMistake::MatrixEntry { value } => format!("table entries must be levels 1–4, found {value}"),
            ModelMistake::MatrixClasses { axis, indicator, classes } => {
                let axis = match axis {
                    MatrixAxis::Likelihood => "likelihood",
                    MatrixAxis::Severity => "severity",
                };
                format!("{axis} indicator '{indicator}' must score whole classes 1–{classes} (use steps or categories)")
            }
            ModelMistake::ConditionUnreadable { condition } => {
                format!("cannot read condition '{condition}'; write NAME OP VALUE, e.g. `hidden_dangers > 0` or `grade == \"D\"`")
            }
            ModelMistake::ConditionTextOp { condition } => format!("condition '{condition}': text can only be compared with == or !="),
            ModelMistake::MissingNotFinite { value } => format!("missing = {value} is not a finite number"),
            ModelMistake::MissingWord { word } => format!("missing = \"{word}\": write \"error\", \"reject\", \"zero\", \"worst\" or a number"),
            ModelMistake::LayerNotInInputs { layer } => format!("reads layer '{layer}', which [inputs] does not list under exposure, hazard or capacity"),
            ModelMistake::AccidentEmpty => "accidents: an accident type is empty".into(),
            ModelMistake::FieldNameEmpty { key } => format!("[fields] {key}: the name is empty"),
            ModelMistake::FieldNotRead { key, reads } => {
                format!("[fields] names '{key}', which the model does not read from its objects; it reads: {}", list(reads))
            }
            ModelMistake::ObjectsRaster { layer } => format!("[inputs] objects = '{layer}' is a raster; objects must be a vector layer"),
            ModelMistake::ReservedKey { reserved } => format!("the key is reserved for an output column ({}; and *_score)", list(reserved)),
            ModelMistake::FormulaVariable { name, layer } => {
                format!("formula variable '{name}' is neither an earlier numeric indicator, a built-in (length_m, area_m2) nor a field of layer '{layer}'")
            }
            ModelMistake::SensitivityAhp { detail } => format!("sensitivity: {detail}"),
            ModelMistake::NotLoaded { layer, raster: false } => format!("layer '{layer}' is not a loaded vector layer"),
            ModelMistake::NotLoaded { layer, raster: true } => format!("layer '{layer}' is not a loaded raster"),
            ModelMistake::Thresholds { red, orange, yellow } => {
                format!("thresholds must satisfy red > orange > yellow, got red = {red}, orange = {orange}, yellow = {yellow}")
            }
        }
    }
}

impl ConfigMistake {
    pub(in crate::msg) fn en(&self) -> String {
        match self {
            ConfigMistake::CannotListDomains { detail } => format!("cannot list a domains folder: {detail}"),
            ConfigMistake::Colour { name, value } => format!("colours.{name} = \"{value}\" is not a colour like \"#E60000\""),
            ConfigMistake::FieldsEmptyName => "fields: a model field name and a column name cannot be empty".into(),
            ConfigMistake::FieldsSameColumn { first, second, column } => {
                format!("fields maps both '{first}' and '{second}' to the column '{column}'; a column feeds one field")
            }
            ConfigMistake::HeaderRowZero => "header_row counts from 1, as Excel numbers rows (a CSV's lines)".into(),
            ConfigMistake::HeaderRowsZero => "header_rows counts the rows of the header: 1 or more".into(),
            ConfigMistake::HeaderNotTable => "header_row and header_rows apply to tables (.xlsx, .xls, .ods, .csv) only".into(),
            ConfigMistake::Password { what } => format!(
                "{what} holds a password; put it in ~/.pgpass, the file PGPASSFILE names, or a service in pg_service.conf (PG:service=NAME), which libpq reads"
            ),
            ConfigMistake::CountEmpty { name } => format!(
                "{name} = {{ }} names no count; give at least one of red_objects, orange_objects, yellow_objects, red_domains, orange_domains (e.g. {name} = {{ red_objects = 1 }})"
            ),
            ConfigMistake::CountZero { name } => format!("{name}: a count of 0 is reached by every zone; counts start at 1"),
            ConfigMistake::RegionalWeights => "weights must be numbers ≥ 0".into(),
            ConfigMistake::ValuesOrder { red, orange, yellow, blue } => {
                format!("values: must satisfy red > orange > yellow > blue ≥ 0, got {red} / {orange} / {yellow} / {blue}")
            }
            ConfigMistake::CapacityNoFactors => {
                "method = \"capacity\" needs [[comprehensive.capacity]] factors (e.g. the distance to the nearest fire station)".into()
            }
            ConfigMistake::CapacityNoPopulation => {
                "method = \"capacity\" needs comprehensive.population = { layer = \"…\", field = \"…\" }: where people live weights the factors".into()
            }
            ConfigMistake::CapacitySteps => "steps must start at 0 m and rise, e.g. [[0, 0.9], [1500, 1.0], [3000, 1.2]]".into(),
            ConfigMistake::CapacityNotPositive => "factors and the weight must be numbers > 0".into(),
            ConfigMistake::CapacityWeights { total } => format!("[[comprehensive.capacity]] weights add up to {total}, not 1"),
            ConfigMistake::WeightsNotDomain { kind, key, ids } => {
                format!("comprehensive ({kind}): weights names '{key}', which is not a domain of this run ({})", list(ids))
            }
            ConfigMistake::ReportTemplate { detail } => format!("report template: {detail}"),
            ConfigMistake::ReferenceDocx { why } => match why.as_ref() {
                ReferenceDocxWhy::CannotOpen { detail } => format!("reference .docx: cannot open it: {detail}"),
                ReferenceDocxWhy::NotDocx { detail } => format!("reference .docx: not a Word document (.docx): {detail}"),
                ReferenceDocxWhy::Part(m) => format!("reference .docx: {}", m.en()),
            },
            ConfigMistake::TwoNames { new, old } => format!("{new} and {old} are one section ({old} is its older name); keep {new}"),
            ConfigMistake::CannotReadFolder { detail } => format!("cannot read the folder: {detail}"),
            ConfigMistake::NoModel { id, ids } => format!("no model with id or key '{id}'; there are: {}", list(ids)),
            ConfigMistake::StreetsNotPolygons { layer } => format!("streets.layer '{layer}' must be a polygon vector layer"),
            ConfigMistake::ComprehensiveNotVector { layer } => {
                format!("comprehensive: layer '{layer}' must be a vector layer (points of facilities or of residents)")
            }
            ConfigMistake::WeightsMissing { kind, id } => {
                format!("comprehensive ({kind}): weights has no weight for {id}; give every domain one (0 leaves a domain out of the comprehensive level)")
            }
        }
    }
}

impl PlanMistake {
    pub(in crate::msg) fn en(&self) -> String {
        match self {
            PlanMistake::GridWritten { text } => format!("'{text}': a grid of tiles is written columns x rows, e.g. 3x3"),
            PlanMistake::SizeWritten { text } => format!("'{text}': a tile size is written like 5km, 800m or 5000 (metres), a grid like 3x3"),
            PlanMistake::PlanUnreadable { detail } => format!("cannot read the plan: {detail} (write one with `sise plan`)"),
            PlanMistake::NotAPlan { detail } => format!("not a plan written by this version's `sise plan` ({detail}); make the plan again"),
            PlanMistake::PlanStale { config } => {
                format!("{config} or its model files changed since the plan was made; make the plan again (sise plan) and rerun every unit")
            }
            PlanMistake::CrsOrCell => "the plan's working CRS or grid cell differs from the run config's; make the plan again".into(),
            PlanMistake::NoReach => "no indicator reaches other features".into(),
            PlanMistake::Unbounded { indicator } => format!(
                "indicator '{indicator}' looks for the nearest feature at any distance, so no halo can hold it; give it a search radius (`radius_m = …`: farther counts as that distance) to run in tiles"
            ),
            PlanMistake::HaloTooSmall { halo, reach_of, reach_m, cell } => format!(
                "--halo {halo} m is too small: {reach_of} looks {reach_m} m away, so the halo must be at least {} m ({reach_m} m plus one {cell} m grid cell)",
                reach_m + cell
            ),
            PlanMistake::PlanHaloTooSmall { halo, reach_of, reach_m } => {
                format!("the plan's halo of {halo} m is too small: {reach_of} looks {reach_m} m away; make the plan again")
            }
            PlanMistake::UnitNotInPlan { index, last } => format!("unit {index} is not in the plan, which has units 0–{last}"),
            PlanMistake::UnitVariable { var, value } => format!("{var}={value} is not a unit number"),
            PlanMistake::NeedsUnit => "--plan needs --unit K (or JOB_COMPLETION_INDEX / SLURM_ARRAY_TASK_ID set by the cluster engine)".into(),
            PlanMistake::Unfinished { missing, total, units } => format!(
                "{} of {total} units have not finished (no UNIT/unit.json): {}; run them (sise run CONFIG --plan PLAN --unit K --out {}) and merge again",
                missing.len(),
                list(missing),
                units.display()
            ),
            PlanMistake::Stale { units } => {
                format!("units {} ran with another plan, config, model files or sise version; rerun them and merge again", list(units))
            }
            PlanMistake::NoStreetPolygons => "the 街镇 layer has no polygons to cut into tiles".into(),
        }
    }
}
