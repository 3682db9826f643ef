//! Values that cannot be read, what stops outputs and publishing, and
//! warnings, in English.

use super::super::values::{COORDINATE_FORMS, YEAR_FORMS};
use super::super::*;

impl NotANumber {
    pub(in crate::msg) fn en(&self) -> String {
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
    pub(in crate::msg) fn en(&self) -> String {
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
    pub(in crate::msg) fn en(&self) -> String {
        match self {
            NotACoordinate::DmsInProjected => {
                "degrees–minutes–seconds, but the layer's CRS is in metres; set crs to the geographic CRS the coordinates are in (e.g. crs = \"EPSG:4490\")"
                    .into()
            }
            NotACoordinate::Sixty { part, value } => {
                let part = match part {
                    DmsPart::Minutes => "minutes",
                    DmsPart::Seconds => "seconds",
                };
                format!("out of range: {value} {part} is 60 or more; correct the typo")
            }
            NotACoordinate::Text => format!("not a coordinate; write decimal degrees or degrees–minutes–seconds ({COORDINATE_FORMS})"),
        }
    }
}

impl CrsError {
    pub(in crate::msg) fn en(&self) -> String {
        match self {
            CrsError::NoTransform { from, to, detail } => format!("PROJ cannot transform from {} to {to}: {detail}", short(from)),
            CrsError::Point { x, y, detail } => format!("cannot transform ({x}, {y}): {detail}"),
            CrsError::NoPosition { x, y } => format!("({x}, {y}) has no position in the target CRS (outside its area of use?)"),
        }
    }
}

impl OutputTrouble {
    pub(in crate::msg) fn en(&self) -> String {
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
            OutputTrouble::Rows { from, to, detail } => format!("rows {from} to {to}: {detail}"),
            OutputTrouble::RowField { row, field, detail } => format!("row {row}, field '{field}': {detail}"),
            OutputTrouble::RowGeometry { row, detail } => format!("row {row}: geometry: {detail}"),
            OutputTrouble::Row { row, detail } => format!("row {row}: {detail}"),
            OutputTrouble::SpatialIndex { detail } => format!("spatial index: {detail}"),
            OutputTrouble::Commit { detail } => format!("commit: {detail}"),
            OutputTrouble::Map { raster: false, detail } => format!("SVG: {detail}"),
            OutputTrouble::Map { raster: true, detail } => format!("map raster: {detail}"),
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

impl PublishTrouble {
    pub(in crate::msg) fn en(&self) -> String {
        match self {
            PublishTrouble::NameTooLong { what, name } => {
                let what = match what {
                    DbName::Schema => "schema",
                    DbName::Table => "table",
                    DbName::Layer => "layer",
                    DbName::Field => "field",
                    DbName::Column => "column",
                    DbName::GeometryColumn => "geometry column",
                };
                format!("{what} '{name}' cannot be a database name (1 to 63 bytes); shorten the model key")
            }
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
            PublishTrouble::FieldHolds { fid, field, declared, holds } => format!("feature {fid}: field '{field}' is declared {declared} but holds {}", holds.words()),
            PublishTrouble::NotUtf8 { fid, field } => format!("feature {fid}: field '{field}' is not UTF-8"),
            PublishTrouble::NotGpkgGeometry { fid } => format!("feature {fid}: not a GeoPackage geometry"),
            PublishTrouble::GeometryNotBlob { fid } => format!("feature {fid}: the geometry is not a blob"),
            PublishTrouble::ShortGeometry { fid } => format!("feature {fid}: a geometry shorter than its WKB header"),
            PublishTrouble::CannotReadTable { detail } => format!("cannot read the table: {detail}"),
            PublishTrouble::SummaryColumns { found, expected } => format!("the columns are {} but sise writes {}; was it edited?", found.join(","), expected.join(",")),
            PublishTrouble::NotACount { line, column, value } => format!("line {line}: {column} '{value}' is not a count"),
        }
    }
}

impl Warning {
    pub(in crate::msg) fn en(&self) -> String {
        match self {
            Warning::Repaired => "repaired an invalid polygon with MakeValid".into(),
            Warning::LeftoverRemoved { path } => format!("removing {} left by an interrupted run", path.display()),
            Warning::Restoring { path } => format!("restoring the previous outputs from {}", path.display()),
            Warning::StaleLock { path } => format!("removing the stale lock {} of a run that no longer exists", path.display()),
            Warning::UnitsFindReach { detail } => format!("units will find how far their objects reach themselves: {detail}"),
            Warning::StylesNotStored { detail } => format!(
                "the layers' QGIS styles were not stored ({detail}); a DBA can create public.layer_styles and grant INSERT, UPDATE, DELETE on it (README)"
            ),
        }
    }
}

impl Done {
    pub(in crate::msg) fn en(&self) -> String {
        match self {
            Done::AlreadyPublished { cycle, year, target, schema } => {
                format!("{cycle} {year} is already in {target} schema {schema} with these outputs; nothing changed")
            }
            Done::Published { cycle, year, tables, rows, schema } => format!("{cycle} {year} published: {tables} tables, {rows} rows into schema {schema}"),
            Done::Unchanged { out } => format!("unchanged since the last run; outputs in {} kept", out.display()),
            Done::Prepared { layers, features, config } => format!("{layers} vector layers ({features} features) prepared; run them with {}", config.display()),
            Done::PlanWritten { units, tile_m, halo_m, reach_of, reach_m, out } => format!(
                "{units} units of {} × {} m, halo {halo_m} m ({reach_of} looks {reach_m} m away); plan written to {}",
                tile_m[0],
                tile_m[1],
                out.display()
            ),
            Done::NoThreads { n, detail } => format!("cannot start {n} threads: {detail}"),
            Done::Bug { info } => format!("internal error (a bug in sise; please report it with this message and the log): {info}"),
        }
    }
}
