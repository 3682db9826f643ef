//! The messages in English.

use super::*;

mod mistakes;
mod output;

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
            Msg::MixedKinds { this, earlier } => format!("a {}, but earlier features are {}; a layer holds one kind", this.one(), earlier.words()),
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
            Msg::NotANumber { field, text, why, or_keep_going } => {
                format!("{field} should be a number, found '{text}': {why}; correct it in the file{}", keep_going(*or_keep_going))
            }
            Msg::NotAYear { field, text, why, or_keep_going } => {
                format!("{field} should be a year, found '{text}': {why}; correct it in the file{}", keep_going(*or_keep_going))
            }
            Msg::NotFinite { field, value, or_keep_going } => format!("{field} holds {value}, not a value; correct it in the file{}", keep_going(*or_keep_going)),
            Msg::FieldEmpty { field, or_keep_going } => format!("{field} is empty; fill it in{}", keep_going(*or_keep_going)),
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
                    Cause::SimplyOutside => format!("is [layers.{layer}] another district's file? check its path and the district's 街镇"),
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
            Msg::WrongGeometry { model, file, needs, has } => {
                format!("wrong geometry type: model {model} ({file}) scores {}, but the layer holds {}", needs.words(), has.words())
            }
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
            Msg::RasterUnreadable { what, detail } => format!("cannot read its {}: {detail}", what.words()),
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
                AggregateMistake::DensityUnused => format!("line {line}: [aggregate] density_of and density_levels apply to grid or streets = \"density\" only"),
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
            Msg::InMemory { what, detail } => format!("cannot hold its {} in memory: {detail}", what.words()),
            Msg::ErrorLabel => "error: ".into(),
            Msg::LoadRejects => "features left out while loading (--keep-going); see rejects.csv".into(),
            Msg::NotCsv { line, detail } => {
                let at = line.map(|l| format!(" at line {l}")).unwrap_or_default();
                format!("GDAL cannot open it: not a vector or raster format GDAL reads, or a damaged file (not a CSV{at}: {detail})")
            }
            Msg::CrsUnreadable { detail } => format!("cannot read its CRS: {detail}"),
            Msg::NoFeatureLeft { domain } => format!("no feature left to score for {domain} after rejecting bad ones"),
            Msg::GeometryCollection => "geometry collections are not supported".into(),
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

/// The end of a refusal of one feature's value: that --keep-going would leave it out.
fn keep_going(say: bool) -> &'static str {
    if say {
        ", or run with --keep-going to leave the feature out"
    } else {
        ""
    }
}
