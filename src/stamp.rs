//! The time written into outputs — the workbooks' creation time, the
//! GeoPackage's change times: `SOURCE_DATE_EPOCH` (seconds since 1970, the
//! reproducible-builds convention) when it is set, so that identical inputs
//! give byte-identical files; the current time otherwise.

use chrono::{DateTime, Utc};

use crate::error::{Error, Result};

/// The time to write into outputs.
pub fn output_time() -> Result<DateTime<Utc>> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Err(_) => Ok(DateTime::<Utc>::from(std::time::SystemTime::now())),
        Ok(s) => {
            s.trim().parse::<i64>().ok().and_then(|t| DateTime::from_timestamp(t, 0)).ok_or_else(|| Error::Environment {
                what: "SOURCE_DATE_EPOCH".into(),
                message: crate::msg::OutputTrouble::NotATime { value: s.clone() }.into(),
            })
        }
    }
}

/// As GeoPackage writes times (`2024-05-01T08:00:00.000Z`).
pub fn gpkg_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The time GDAL should write into GeoPackages (`OGR_CURRENT_DATE`): the
/// output time when `SOURCE_DATE_EPOCH` is set, else none (GDAL's own clock).
pub fn fixed_gpkg_time() -> Result<Option<String>> {
    let t = output_time()?;
    Ok(std::env::var_os("SOURCE_DATE_EPOCH").is_some().then(|| gpkg_time(t)))
}

/// A workbook's document properties: created at the output time (Excel
/// would write the current time).
pub fn workbook_properties() -> Result<rust_xlsxwriter::DocProperties> {
    let t = output_time()?;
    let created = rust_xlsxwriter::ExcelDateTime::from_timestamp(t.timestamp()).map_err(|e| Error::Environment {
        what: "SOURCE_DATE_EPOCH".into(),
        message: crate::msg::OutputTrouble::NotAWorkbookDate { detail: e.to_string() }.into(),
    })?;
    Ok(rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created))
}
