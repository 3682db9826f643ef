//! The messages in English.

use super::*;

impl Msg {
    pub(super) fn en(&self) -> String {
        match self {
            Msg::FileNotFound => "file not found (check `path` in the run config; relative paths are relative to the config file)".into(),
            Msg::CannotRead { detail } => format!("cannot read the file: {detail}"),
            Msg::CannotOpen { detail } => format!("GDAL cannot open it: not a vector or raster format GDAL reads, or a damaged file{detail}"),
            Msg::NoSuchLayer { have } => format!("no such layer in the file; it has: {}", list(have)),
            Msg::ManyLayers { have } => format!("the file has {} layers ({}); name one with `layer = \"…\"`", have.len(), list(have)),
            Msg::NoCrs { guess } => match guess {
                CrsGuess::Projected { x, y, crs, words } => format!(
                    "the layer declares no CRS; its coordinates ({x:.0}, {y:.0}) are metres, and {crs} ({words}) places them in the working CRS's area: add crs = \"{crs}\" to its [layers.*] entry"
                ),
                CrsGuess::Metres { x, y } => format!(
                    "the layer declares no CRS; its coordinates ({x:.0}, {y:.0}) are metres, not longitude/latitude, and none of {} places them in the working CRS's area: add crs = \"EPSG:…\" with the CRS the data was made in to its [layers.*] entry",
                    COMMON_NAMES
                ),
                _ => "the layer declares no CRS; add e.g. crs = \"EPSG:4326\" (WGS84 or web-map longitude/latitude) or \"EPSG:4490\" (CGCS2000) to its [layers.*] entry".into(),
            },
            Msg::UnknownCrs { crs, detail } => format!("unknown CRS '{crs}': {detail}"),
            Msg::IdFieldMissing { id, have } => format!("id_field '{id}' is not a field of the layer; fields are: {}", list(have)),
            Msg::IdEmpty { field } => format!("id field '{field}' is empty"),
            Msg::DuplicateId { first } => format!("duplicate id: {first} has it too; ids must be unique within a layer"),
            Msg::NoGeometry => "no geometry (null or empty)".into(),
            Msg::InvalidPolygon => {
                "invalid polygon (self-intersecting or badly nested rings); repair it (ogr2ogr -makevalid) or set repair_invalid_geometry = true in the run config".into()
            }
            Msg::MixedKinds { this, earlier } => format!("a {this}, but earlier features are {earlier}s; a layer holds one kind"),
            Msg::NotLonLat { x, y } => format!("({x}, {y}) is not a longitude/latitude; swapped axes or the wrong CRS?"),
            Msg::NotUtf8Field { field, layer } => format!(
                "field '{field}' holds text that is not valid UTF-8; set its encoding (e.g. encoding = \"GBK\") in [layers.{layer}], or save the file as UTF-8"
            ),
            Msg::MappedColumnMissing { model, column, have } => {
                format!("fields maps '{model}' to the column '{column}', which the file does not have; its columns are: {}", list(have))
            }
            Msg::MappedNameTaken { model, column } => {
                format!("fields maps the column '{column}' to '{model}', but the file also has a column '{model}'; map or rename one of them")
            }
            Msg::NoHeaderRow { sheet, wanted, searched, guess } => {
                let wanted = match wanted {
                    Some((x, y)) => format!("'{x}' and '{y}'"),
                    None => "经度/纬度 (or lon/lat, longitude/latitude, x/y)".into(),
                };
                let fix = match guess {
                    Some((row, x, y)) => format!(
                        "the columns '{x}' and '{y}' under row {row} hold coordinates: add header_row = {row}, x_field = {} and y_field = {} to the layer's entry",
                        toml_str(x),
                        toml_str(y)
                    ),
                    None => "set header_row (the row number of the header) and x_field/y_field (its coordinate columns) in the layer's entry".into(),
                };
                format!("no header row found{}: none of the first {searched} filled rows names the coordinate columns {wanted}; {fix}", in_sheet(sheet).replacen(" of ", " in ", 1))
            }
            Msg::HeaderRowEmpty { sheet, row } => format!("header_row = {row}, but row {row}{} is empty", in_sheet(sheet)),
            Msg::HeaderTwice { sheet, row, name, first, second } => {
                format!("header row {row}{} names column '{name}' twice (columns {first} and {second})", in_sheet(sheet))
            }
            Msg::NoCoordinateColumns { sheet, row, have } => {
                format!("header row {row}{} has no coordinate columns; its columns are: {}; set x_field and y_field", in_sheet(sheet), list(have))
            }
            Msg::CoordinateNotRead { value, column, why } => format!("coordinate '{value}' in column '{column}' is {why}"),
            Msg::FieldMissing { field, have } => format!(
                "missing {field}; the layer's fields are: {}; if one of them holds it, map it with fields = {{ {} = \"…\" }} in the layer's entry",
                list(have),
                toml_key(&field.key)
            ),
            Msg::NotANumber { field, text, why } => {
                format!("{field} should be a number, found '{text}': {why}; correct it in the file, or run with --keep-going to leave the feature out")
            }
            Msg::NotAYear { field, text, why } => {
                format!("{field} should be a year, found '{text}': {why}; correct it in the file, or run with --keep-going to leave the feature out")
            }
            Msg::NotFinite { field, value } => format!("{field} holds {value}, not a value; correct it in the file, or run with --keep-going to leave the feature out"),
            Msg::FieldEmpty { field } => format!("{field} is empty; fill it in, or run with --keep-going to leave the feature out"),
            Msg::EmptyNoRule { gap, reader, options, model } => format!(
                "{}; fill it in, or say what an empty value means with missing = {} on {} in {model}",
                gap.words(reader),
                choices(options),
                reader.rule_at()
            ),
            Msg::EmptyRejected { field, reader, model } => format!("{field} is empty; {} has missing = \"reject\" in {model}", reader.rule_at()),
            Msg::UnknownCategory { field, reader, value, model, have } => {
                format!("{field}{} is '{value}', which {model} does not list ({})", reader.role(), list(have))
            }
            Msg::OutOfRange { indicator, value, lo, hi, model } => format!("indicator '{indicator}' is {value}, outside its declared range [{lo}, {hi}] in {model}"),
            Msg::Outside { metres, street, tolerance, n, cause, layer } => format!(
                "the object lies {metres:.0} m outside the district (nearest 街镇 {street}), farther than outside_tolerance_m = {tolerance}; {} of the layer {} outside, and {}",
                if *n == 1 { "1 object".to_owned() } else { format!("{n} objects") },
                if *n == 1 { "is" } else { "are" },
                cause.words(layer)
            ),
            Msg::AllOutside { n, cause, layer } => format!(
                "all {n} objects of the layer are outside the district, so clip_to_district would leave this domain with nothing to score; {}",
                match cause {
                    Cause::SimplyOutside => format!("is [layers.{layer}] another district's file? check its path and the district's admin units"),
                    c => c.words(layer),
                }
            ),
            Msg::FarContext { km, margin, layer } => format!(
                "lies {km} km from the district, more than {margin} m outside it: a swapped lon/lat, the wrong CRS or an undeclared GCJ-02/BD-09 offset? (set crs/offset in [layers.{layer}], or context_margin_m)"
            ),
            Msg::NotUtf8 { dbf, decodes_as, section } => {
                let what = if *dbf { "the attribute table (.dbf, no .cpg file)" } else { "its text" };
                let hint = match decodes_as {
                    Some(e) => format!("it decodes as {e}: add encoding = \"{e}\" to its {section} entry"),
                    None => format!("add its encoding (e.g. encoding = \"GBK\") to its {section} entry, or save it as UTF-8"),
                };
                format!("{what} is not UTF-8 and names no encoding; {hint}")
            }
            Msg::UnknownEncoding { label } => format!("encoding = \"{label}\" is not an encoding sise knows; use e.g. \"GBK\", \"GB18030\", \"Big5\" or \"UTF-8\""),
            Msg::BadBytes { encoding, section } => format!("some bytes are not valid {encoding}; check the `encoding` of its {section} entry"),
            Msg::EncodingNotApplicable { label } => {
                format!("encoding = \"{label}\" applies to Shapefiles (.dbf), CSV and GeoJSON; this format is always UTF-8, remove the key")
            }
            Msg::DomainValid { id, name, version, objects, layer, indicators } => {
                format!("ok  {id} {name} ({version}): {objects} objects of layer '{layer}' scored, {indicators} indicators")
            }
            Msg::Rewritten { layer, field, rewrites: r } => format!("layer '{layer}' {field}: values read after rewriting ({})", rewrites(r)),
            Msg::Rejected { domain, layer, id, reason } => format!("reject  {domain} layer '{layer}' feature '{id}': {reason}"),
            Msg::ConfigValid { layers, streets } => format!("ok  {layers} layers, {streets} 街镇; the run config is valid"),
            Msg::QualityLine { id, name, registered, complete, pct, short } => {
                format!("{id} {name:<10} {registered:>5} registered {complete:>5} complete ({pct:.1} %){}", if *short { "  below 80 %" } else { "" })
            }
            Msg::QualityWritten { path } => format!("data-quality report written to {path}"),
            Msg::BadSetting { key, value, wants } => format!("{key} = {value} {}", wants.words()),
            Msg::NotALayer { key, name, config, have } => format!("{key} = '{name}' is not a [layers.*] entry of {config} ({})", list(have)),
            Msg::WrongGeometry { model, file, needs, has } => format!("wrong geometry type: model {model} ({file}) scores {needs}s, but the layer holds {has}s"),
            Msg::VetoFieldMissing { line, condition, name, layer } => {
                let key = toml_key(name);
                format!("line {line}: [[veto]] when \"{condition}\": '{name}' is neither an indicator key nor a field of layer '{layer}'; if the layer holds it under another name, map it with fields = {{ {key} = \"…\" }} in [layers.{layer}]")
            }
            Msg::LayerKind { line, indicator, layer, has, needs } => {
                format!("line {line}: indicator '{indicator}': layer '{layer}' holds {}; this source needs {}", has.words(), needs.words())
            }
            Msg::NoTableHeader { wanted, searched } => {
                format!("no header row: none of the first {searched} filled rows names any of the columns {}", list(wanted))
            }
            Msg::ReviewColumnMissing { column, have } => format!(
                "the adjustments have no column '{column}'; their columns are: {}; `sise template` writes the expert-review form with every column",
                list(have)
            ),
            Msg::ReviewEmpty { column } => format!("'{column}' is empty; every adjustment needs a domain, an object id, the final level, the reason, the expert and the date"),
            Msg::ReviewUnknownDomain { domain, have } => format!("unknown domain '{domain}'; the run's domains are: {}", list(have)),
            Msg::ReviewUnknownObject { domain, id, layer } => {
                format!("domain {domain} has no scored object with id '{id}' (layer '{layer}'); check the id, or delete the row if the object is gone")
            }
            Msg::ReviewBadLevel { value } => format!("final level '{value}' is not a level: use 1–4 or 重大/较大/一般/低 (重大风险…)"),
            Msg::ReviewBadDate { value } => format!("date '{value}' is not a date such as 2025-03-12"),
            Msg::ReviewTwice { domain, id, first } => format!("a second adjustment of {domain} object '{id}' (the first is on {first}); keep one row per object"),
            Msg::OffsetNeedsLonLat { offset } => {
                format!("offset = \"{offset}\" removes a shift of longitudes and latitudes, but the layer's CRS is projected (metres); set the layer's crs to its longitude/latitude CRS (e.g. EPSG:4326), or drop offset")
            }
            Msg::NoFeatureId { fid, field } => format!("feature {fid}: no feature id in field '{field}'; fill it in, or run with --keep-going to leave the feature out"),
            Msg::FormulaNotFinite { indicator, expr, value } => format!("indicator '{indicator}' formula {expr} gives {value} (division by zero?)"),
            Msg::BadControlFactor { field, value } => format!("control factor field '{field}' must be a positive number, found {value}"),
            Msg::NotAClass { indicator, value, max } => format!("indicator '{indicator}' scored {value}, not a class 1–{max}"),
            Msg::StreetNotPolygon { id } => format!("feature id '{id}': 街镇 must be polygons"),
            Msg::DomainTwice { id, first, second } => format!("domain id {id} appears twice ({first} and {second})"),
            Msg::RasterUnreadable { what, detail } => format!("cannot read its {what}: {detail}"),
            Msg::UnreadableGeometry { repair: false, detail } => format!("unreadable geometry: {detail}"),
            Msg::UnreadableGeometry { repair: true, detail } => format!("the invalid geometry could not be repaired (MakeValid failed: {detail})"),
            Msg::FieldUnreadable { field, detail } => format!("{field} cannot be read: {detail}"),
            Msg::SourceNeeds { source, key } => {
                let hint = match *key {
                    "radius_m" => " (metres)",
                    "stat" => " (mean, max or sum)",
                    _ => "",
                };
                format!("source = \"{source}\" needs `{key}`{hint}")
            }
            Msg::RadiusNotPositive { value } => format!("radius_m must be positive, got {value}"),
            Msg::UnknownSource { name, names } => format!("unknown source \"{name}\": expected one of {}", list(names)),
            Msg::KeyNotForSource { key, source } => format!("`{key}` does not apply to source = \"{source}\""),
            Msg::MissingNotFor { why } => match why {
                MissingMisfit::NumberForCategory => {
                    "a categorical indicator has no number to stand in for a missing value; use missing = \"worst\", \"reject\" or \"error\"".into()
                }
                MissingMisfit::WorstNearby => "missing applies to the field of each nearby feature; \"worst\" has no meaning there: use \"zero\", a number, \"reject\" or \"error\"".into(),
                MissingMisfit::RejectNoData => "missing here means 'no hazard polygon or raster data at the object'; \"reject\" applies to field values: use a number, \"worst\" or \"error\"".into(),
                MissingMisfit::WorstUnbounded => "missing = \"worst\" needs a declared `range` here: the worst value of an indicator scored by min–max or by its raw value is the upper end of its range".into(),
            },
            Msg::ZonalNeedsRadius => "zonal statistics over a point or line need `radius_m` (the footprint is a buffer)".into(),
            Msg::Rule(r) => match r {
                RuleMistake::FactorsEmpty => "[control] factors is empty".into(),
                RuleMistake::FactorNotPositive { key, value } => format!("[control] factor for '{key}' must be a positive number, got {value}"),
                RuleMistake::NoFactors => "[control] needs either `factors = { … }` or `direct = true` (the field holds the factor)".into(),
                RuleMistake::MissingZero => {
                    "[control] missing = \"zero\" would make the realistic risk 0; use \"worst\" (the largest factor), a factor, \"reject\" or \"error\"".into()
                }
                RuleMistake::WorstWithoutTable => {
                    "[control] missing = \"worst\" needs a factors table; with direct = true give the factor itself, e.g. missing = 1.5".into()
                }
                RuleMistake::MissingNotPositive { value } => format!("[control] missing = {value}: a control factor must be positive"),
                RuleMistake::Compares { condition, indicator, numeric: false } => {
                    format!("[[veto]]: '{condition}' compares the categorical indicator '{indicator}' with a number; compare it with a category in quotes")
                }
                RuleMistake::Compares { condition, indicator, numeric: true } => {
                    format!("[[veto]]: '{condition}' compares the numeric indicator '{indicator}' with text; compare it with a number")
                }
                RuleMistake::Level { value } => format!("[[veto]]: level must be 1, 2, 3 or 4, got {value}"),
                RuleMistake::ReasonEmpty => "[[veto]]: reason is empty; it is printed on every object the rule applies to".into(),
            },
            Msg::Method(m) => match m {
                MethodMistake::NeedsTable { method: "lec" } => "method = \"lec\" needs a [lec] table with l, e and c".into(),
                MethodMistake::NeedsTable { method } => format!("method = \"{method}\" needs a [{method}] table"),
                MethodMistake::WeightsMeaningless { method } => format!("weights have no meaning with method = \"{method}\"; remove them"),
                MethodMistake::NeedsWeights => "weighted_index needs a `weight` on the indicators, or an [ahp] matrix".into(),
                MethodMistake::WeightsSum { total, weights } => format!("indicator weights must sum to 1, they sum to {total:.4} ({})", list(weights)),
                MethodMistake::StraySection { section, method } => format!("{section} does not apply to method = \"{method}\""),
            },
            Msg::Aggregate { line, mistake } => match mistake {
                AggregateMistake::WeightedMeanWithoutWeight => {
                    format!("line {line}: [aggregate]: weighted_mean needs `weight_by` (an indicator key or numeric field)")
                }
                AggregateMistake::DensityLayerNotInput { layer } => format!("line {line}: [aggregate] density_of = '{layer}' is not listed in [inputs]"),
                AggregateMistake::DensityIncomplete => format!(
                    "line {line}: [aggregate] density needs `density_of` (a line layer) and `density_levels = {{ red = …, orange = …, yellow = … }}` (objects per km)"
                ),
                AggregateMistake::DensityNotLine { layer } => format!("line {line}: [aggregate] density_of = '{layer}' must be a line layer of the run"),
                AggregateMistake::WeightByCategorical { key } => {
                    format!("line {line}: [aggregate] weight_by = '{key}' is a categorical indicator; it must be numeric")
                }
                AggregateMistake::WeightByUnknown { key, layer } => {
                    format!("line {line}: [aggregate] weight_by = '{key}' is neither an indicator key nor a field of layer '{layer}'")
                }
                AggregateMistake::DensityUnused => format!("line {line}: [aggregate] density_of and density_levels apply to grid or admin = \"density\" only"),
            },
            Msg::NoLayerEntry { name } => format!("no [layers.{name}] entry"),
            Msg::WorkingCrsUnknown { crs, detail } => format!("working_crs = \"{crs}\": unknown CRS ({detail})"),
            Msg::WorkingCrsNotMetres { crs } => {
                format!("working_crs = \"{crs}\": must be a projected CRS in metres, e.g. EPSG:4549 (CGCS2000 / 3-degree GK CM 120E)")
            }
            Msg::RasterNoCrs => "the raster declares no CRS; add e.g. crs = \"EPSG:4549\" to its [layers.*] entry".into(),
            Msg::RasterRotated => "rotated rasters are not supported; warp it north-up first (gdalwarp)".into(),
            Msg::LayerEmpty => "the layer has no features".into(),
            Msg::NoUsableFeatures => "the layer has no usable features".into(),
            Msg::FidFieldOnTable => "fid_field does not apply to a table: its rows are numbered as Excel numbers them (a CSV's lines)".into(),
            Msg::AttributeTable { detail } => format!("cannot build the attribute table: {detail}"),
            Msg::InMemory { what, detail } => format!("cannot hold its {what} in memory: {detail}"),
            Msg::ErrorLabel => "error: ".into(),
            Msg::LoadRejects => "features left out while loading (--keep-going); see rejects.csv".into(),
            Msg::More(n) => format!(" (and {n} more features)"),
            Msg::DiskFull { file, free_mb, needs_mb, basis } => {
                let file = file.as_ref().map(|f| format!(" while writing its {}", f.display())).unwrap_or_default();
                let free = free_mb.map(|f| format!(", {f:.1} MB free there")).unwrap_or_default();
                let needs = match basis {
                    SizeBasis::Previous => format!("this run writes ≈ {needs_mb:.1} MB (the size of the outputs it replaces)"),
                    SizeBasis::OtherYear(y) => format!("this run writes ≈ {needs_mb:.1} MB (the size of {y}'s outputs)"),
                    SizeBasis::Partial => format!("this run writes more than the {needs_mb:.1} MB it had written"),
                };
                format!("disk full (or over quota){file}{free}; {needs}, beside the previous outputs until it replaces them; free space there or write elsewhere with --out; nothing was changed")
            }
        }
    }
}

impl ModelMistake {
    pub(super) fn en(&self) -> String {
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
    pub(super) fn en(&self) -> String {
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
            ConfigMistake::CannotReadFolder { detail } => format!("cannot read the folder: {detail}"),
            ConfigMistake::NoModel { id, ids } => format!("no model with id or key '{id}'; there are: {}", list(ids)),
            ConfigMistake::StreetsNotPolygons { layer } => format!("admin_units.layer '{layer}' must be a polygon vector layer"),
            ConfigMistake::ComprehensiveNotVector { layer } => {
                format!("comprehensive: layer '{layer}' must be a vector layer (points of facilities or of residents)")
            }
            ConfigMistake::WeightsMissing { kind, id } => {
                format!("comprehensive ({kind}): weights has no weight for {id}; give every domain one (0 leaves a domain out of the comprehensive level)")
            }
        }
    }
}

impl OutputTrouble {
    pub(super) fn en(&self) -> String {
        match self {
            OutputTrouble::NoFolderName => "the output path needs a folder name".into(),
            OutputTrouble::CannotCreate { detail } => format!("cannot create: {detail}"),
            OutputTrouble::Locked { pid, lock } => format!("another sise run (pid {pid}) is writing it; lock file {}", lock.display()),
            OutputTrouble::CannotLock { detail } => format!("cannot create the lock file: {detail}"),
            OutputTrouble::LockTaken => "cannot take the lock".into(),
            OutputTrouble::MoveAside { detail } => format!("cannot move the previous outputs aside: {detail}"),
            OutputTrouble::MoveIntoPlace { detail } => format!("cannot move the new outputs into place: {detail}"),
            OutputTrouble::RemoveOld { detail } => format!("cannot remove the previous outputs: {detail}"),
            OutputTrouble::NoDriver { driver, detail } => format!("GDAL has no {driver} driver: {detail}"),
            OutputTrouble::Reopen { detail } => format!("cannot reopen: {detail}"),
            OutputTrouble::Close { detail } => format!("close: {detail}"),
            OutputTrouble::Layer { name, detail } => format!("layer '{name}': {detail}"),
            OutputTrouble::Styles { detail } => format!("layer_styles: {detail}"),
            OutputTrouble::Crs { crs, detail } => format!("CRS {crs}: {detail}"),
            OutputTrouble::EncodeGeometry { detail } => format!("cannot encode a geometry: {detail}"),
            OutputTrouble::EmptyGeometry { id } => format!("object {id} has an empty geometry"),
            OutputTrouble::MapImage => "cannot allocate a map image".into(),
            OutputTrouble::ChartSize => "chart size".into(),
            OutputTrouble::FidFieldTaken { layer, field } => {
                format!("layer '{layer}' has a field named {field}, which prepare-inputs keeps the feature ids in")
            }
            OutputTrouble::NotOutputFolder { detail } => format!("not a sise output folder (no manifest.json): {detail}"),
            OutputTrouble::UnreadableManifest { detail } => format!("unreadable manifest (written by another sise version?): {detail}"),
            OutputTrouble::CannotHash { detail } => format!("cannot read to hash it: {detail}"),
            OutputTrouble::UnitUnreadable { detail } => format!("unreadable unit output: {detail}; rerun that unit"),
            OutputTrouble::UnitColumns { detail } => format!("unreadable unit output: its columns differ from the other units' ({detail}); rerun that unit"),
            OutputTrouble::NoUnitOutput => "no unit output to merge".into(),
            OutputTrouble::UnitOutputs { detail } => format!("unit outputs: {detail}"),
            OutputTrouble::ScoredTwice { fid } => format!("feature {fid} was scored by two units: were they run with different plans?"),
            OutputTrouble::DocxPart { part: "word/styles.xml" } => "it has no word/styles.xml; save it from Word or LibreOffice as .docx".into(),
            OutputTrouble::DocxPart { part } => format!("it has no {part}"),
            OutputTrouble::BrowserStart { browser, detail } => format!("cannot start {browser}: {detail}"),
            OutputTrouble::BrowserFailed { browser, status } => format!("{browser} could not print the report ({status})"),
            OutputTrouble::MapImages => "map images".into(),
            OutputTrouble::PdfReports => "PDF reports".into(),
            OutputTrouble::NoCjkFont { looked } => format!(
                "no CJK font found to write the map text in Chinese (looked for {}); install one, e.g. apt-get install fonts-noto-cjk",
                looked.join(", ")
            ),
            OutputTrouble::NotAWorkbookDate { detail } => format!("not a workbook date: {detail}"),
            OutputTrouble::GdalDate { detail } => format!("cannot set OGR_CURRENT_DATE: {detail}"),
            OutputTrouble::NoChromium => "they need headless Chromium; install it (apt-get install chromium) or run without --pdf".into(),
            OutputTrouble::NotATime { value } => {
                format!("'{value}' is not a time: give whole seconds since 1970-01-01 UTC (e.g. `date +%s`), or unset it")
            }
        }
    }
}

impl PlanMistake {
    pub(super) fn en(&self) -> String {
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

/// The forms a year is written in, as messages suggest them.
const YEAR_FORMS: &str = "2014, 2014.05, 2014年5月, 2014-05-01";
/// The forms a coordinate is written in.
const COORDINATE_FORMS: &str = "121.347, 121°20′49.09″E";

impl NotANumber {
    pub(super) fn en(&self) -> String {
        match self {
            NotANumber::NotFinite => "not a finite number".into(),
            NotANumber::Approximate => "an approximate value; enter the value itself".into(),
            NotANumber::AmbiguousComma => "a comma that is not a thousands separator (a decimal comma? write 1.5, not 1,5)".into(),
            NotANumber::Unit { found, declared } if declared.is_empty() => {
                format!("a number with unit '{found}', but the model declares no unit for this value; enter the number alone")
            }
            NotANumber::Unit { found, declared } => {
                format!("unit '{found}' is not the model's unit ({}); convert the value and enter it alone", declared.join(" or "))
            }
            NotANumber::Text => "not a number".into(),
        }
    }
}

impl NotAYear {
    pub(super) fn en(&self) -> String {
        match self {
            NotAYear::ExcelSerial { serial, date } => {
                format!("a spreadsheet date serial ({serial} is {date}); format the column as a date or enter the year")
            }
            NotAYear::OutOfRange { year, earliest, latest } => format!("year {year} is outside {earliest}–{latest} (the assessment year); correct the typo"),
            NotAYear::BadMonth { month } => format!("month {month} does not exist; write it as {YEAR_FORMS}"),
            NotAYear::Text => format!("not a year; write it as {YEAR_FORMS}"),
        }
    }
}

impl NotACoordinate {
    pub(super) fn en(&self) -> String {
        match self {
            NotACoordinate::DmsInProjected => {
                "degrees–minutes–seconds, but the layer's CRS is in metres; set crs to the geographic CRS the coordinates are in (e.g. crs = \"EPSG:4490\")"
                    .into()
            }
            NotACoordinate::Sixty { part, value } => format!("out of range: {value} {part} is 60 or more; correct the typo"),
            NotACoordinate::Text => format!("not a coordinate; write decimal degrees or degrees–minutes–seconds ({COORDINATE_FORMS})"),
        }
    }
}

impl CrsError {
    pub(super) fn en(&self) -> String {
        match self {
            CrsError::NoTransform { from, to, detail } => format!("PROJ cannot transform from {} to {to}: {detail}", short(from)),
            CrsError::Point { x, y, detail } => format!("cannot transform ({x}, {y}): {detail}"),
            CrsError::NoPosition { x, y } => format!("({x}, {y}) has no position in the target CRS (outside its area of use?)"),
        }
    }
}

impl PublishTrouble {
    pub(super) fn en(&self) -> String {
        match self {
            PublishTrouble::NameTooLong { what, name } => format!("{what} '{name}' cannot be a database name (1 to 63 bytes); shorten the model key"),
            PublishTrouble::NotInManifest => "is not among the outputs manifest.json lists; publish only a complete output folder of sise run".into(),
            PublishTrouble::ChangedAfterRun => {
                "was changed after the run (its SHA-256 differs from manifest.json's); rerun sise run and publish its outputs".into()
            }
            PublishTrouble::NoPostgis => "PostGIS is not installed in this database; a database owner runs once: CREATE EXTENSION postgis;".into(),
            PublishTrouble::ColumnType { name, sql_type, was, table } => format!(
                "column '{name}' is {sql_type} in these outputs but {was} in {table}, published from an earlier year; rename the model key or publish into another schema"
            ),
            PublishTrouble::KeyName { name } => format!("field '{name}' is a name the database keys rows by"),
            PublishTrouble::CopyStopped => "the copy stopped".into(),
            PublishTrouble::CannotConnect { why } => format!(
                "cannot connect: {why} (sise connects through libpq: a service name from pg_service.conf, ~/.pgpass or PGPASSFILE, and PGHOST/PGPORT/PGUSER/PGDATABASE work as in psql)"
            ),
            PublishTrouble::CannotOpenGpkg { detail } => format!("cannot open the GeoPackage: {detail}"),
            PublishTrouble::CannotReadGpkg { detail } => format!("cannot read the GeoPackage: {detail}"),
            PublishTrouble::NoEpsg => "the layer's CRS has no EPSG code, which PostGIS needs (set the run's working_crs to an EPSG code)".into(),
            PublishTrouble::FieldHolds { fid, field, declared, holds } => format!("feature {fid}: field '{field}' is declared {declared} but holds {holds}"),
            PublishTrouble::NotUtf8 { fid, field } => format!("feature {fid}: field '{field}' is not UTF-8"),
            PublishTrouble::NotGpkgGeometry { fid } => format!("feature {fid}: not a GeoPackage geometry"),
            PublishTrouble::GeometryNotBlob { fid } => format!("feature {fid}: the geometry is not a blob"),
            PublishTrouble::Geometry { fid, why } => format!("feature {fid}: {why}"),
            PublishTrouble::CannotReadTable { detail } => format!("cannot read the table: {detail}"),
            PublishTrouble::SummaryColumns { found, expected } => format!("the columns are {} but sise writes {}; was it edited?", found.join(","), expected.join(",")),
            PublishTrouble::NotACount { line, column, value } => format!("line {line}: {column} '{value}' is not a count"),
        }
    }
}
