//! Tables filled in by hand beside the layers (the expert review's
//! adjustments): a CSV, or a sheet of a workbook, read through GDAL as text
//! cells. The header is the first row naming one of the expected columns,
//! so title rows may sit above it; each row keeps its number as the file's
//! user sees it (the CSV line, the Excel row) for messages.

use std::path::{Path, PathBuf};

use gdal::vector::LayerAccess;
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};

use super::sheet::{self, Row};
use crate::error::{Bad, Error, Result};
use crate::msg::{At, Msg};

pub struct Table {
    pub file: PathBuf,
    /// The sheet of a workbook; `None` for a CSV.
    pub sheet: Option<String>,
    pub columns: Vec<String>,
    /// The filled rows under the header.
    pub rows: Vec<Row>,
}

impl Table {
    /// The column named `name` (compared as `sheet::same` does: half-width, any case).
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| sheet::same(c, name))
    }

    /// How messages name a row.
    pub fn at(&self, row: &Row) -> At {
        At::TableRow { sheet: self.sheet.clone(), row: row.excel_row }
    }

    /// An error about the table as a whole, or (with `row`) one of its rows.
    pub fn err(&self, bad: Bad, row: Option<&Row>, msg: Msg) -> Error {
        let message = match row {
            Some(r) => crate::msg::located(self.at(r), msg),
            None => msg.to_string(),
        };
        Error::input(bad, &self.file, self.sheet.as_deref(), message)
    }
}

/// Read `path` (a CSV, in UTF-8 or `encoding`; or `sheet` of a workbook, by default its first).
pub fn read(path: &Path, sheet: Option<&str>, encoding: Option<&str>, expected: &[&str]) -> Result<Table> {
    if !path.exists() {
        return Err(Error::input(Bad::File, path, None, Msg::FileNotFound));
    }
    let is_csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if encoding.is_some() && !is_csv {
        return Err(Error::input(Bad::File, path, None, Msg::EncodingNotApplicable { label: encoding.unwrap_or_default().to_owned() }));
    }
    // A CSV's text reaches GDAL as UTF-8: as it is, or decoded (a GBK file is refused naming GBK).
    let text = if is_csv { Some(super::encoding::utf8_of(path, encoding, "[review]")?) } else { None };
    let (name, mut all) = match text {
        Some(t) => {
            let mem = if t.transcoded { Some(super::encoding::MemFile::for_file(path, "table", t.bytes)?) } else { None };
            (None, csv_rows(mem.as_ref().map_or(path, |m| m.path()), path)?)
        }
        None => {
            let cells = sheet::cells_of(path, sheet)?;
            (Some(cells.name), cells.rows)
        }
    };
    // A CSV's lines count from 1 (GDAL's FIDs of a headerless CSV); a UTF-8 BOM is its own business.
    if name.is_none() {
        all.iter_mut().for_each(|r| r.excel_row = r.excel_row.max(1));
    }
    let wanted = |r: &Row| r.cells.iter().flatten().any(|c| expected.iter().any(|e| sheet::same(c, e)));
    let table = |columns, rows| Table { file: path.to_owned(), sheet: name.clone(), columns, rows };
    let Some(at) = all.iter().take(sheet::SEARCH_ROWS).position(wanted) else {
        let msg = Msg::NoTableHeader { wanted: expected.iter().map(|s| s.to_string()).collect(), searched: sheet::SEARCH_ROWS };
        return Err(table(Vec::new(), Vec::new()).err(Bad::Field, None, msg));
    };
    let (columns, rows) =
        sheet::under_header(all, at, at, name.as_deref().unwrap_or_default()).map_err(|m| table(Vec::new(), Vec::new()).err(Bad::Field, None, *m))?;
    Ok(table(columns, rows))
}

/// Every filled line of a CSV read by GDAL with no header guessing, cells trimmed, empty ones `None`.
fn csv_rows(open: &Path, path: &Path) -> Result<Vec<Row>> {
    let ds = Dataset::open_ex(
        open,
        DatasetOptions {
            open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
            open_options: Some(&["HEADERS=NO"]),
            ..Default::default()
        },
    )
    .map_err(|e| Error::input(Bad::File, path, None, Msg::CannotOpen { detail: format!(" ({e})") }))?;
    let mut layer = ds.layer(0).map_err(|e| Error::input(Bad::Layer, path, None, e.to_string()))?;
    let width = layer.defn().fields().count();
    let mut all = Vec::new();
    for f in layer.features() {
        let cells: Vec<Option<String>> =
            (0..width).map(|i| f.field_as_string(i).ok().flatten().filter(|t| !t.trim().is_empty()).map(|t| t.trim().to_owned())).collect();
        if cells.iter().any(Option::is_some) {
            all.push(Row { excel_row: f.fid().unwrap_or(0) as u32, cells });
        }
    }
    Ok(all)
}
