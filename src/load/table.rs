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
    let mem = match text {
        Some(t) if t.transcoded => Some(super::encoding::MemFile::for_file(path, "table", t.bytes)?),
        _ => None,
    };
    let open = mem.as_ref().map_or(path, |m| m.path());
    // No header guessing: the header is found below, as for a sheet of objects.
    let options: &[&str] = if is_csv { &["HEADERS=NO"] } else { &sheet::OPEN_OPTIONS };
    let ds = Dataset::open_ex(
        open,
        DatasetOptions { open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY, open_options: Some(options), ..Default::default() },
    )
    .map_err(|e| Error::input(Bad::File, path, None, Msg::CannotOpen { detail: format!(" ({e})") }))?;
    let names = || ds.layers().map(|l| l.name()).collect::<Vec<_>>();
    let mut layer = match sheet {
        Some(s) => ds.layer_by_name(s).map_err(|_| Error::input(Bad::Layer, path, Some(s), Msg::NoSuchLayer { have: names() }))?,
        None => ds.layer(0).map_err(|e| Error::input(Bad::Layer, path, None, e.to_string()))?,
    };
    let name = (!is_csv).then(|| layer.name());
    let mut all = sheet::filled_rows(&mut layer);
    if is_csv {
        // GDAL numbers a headerless CSV's lines from 1; a UTF-8 BOM is its own business.
        all.iter_mut().for_each(|r| r.excel_row = r.excel_row.max(1));
    }
    let wanted = |r: &Row| r.cells.iter().flatten().any(|c| expected.iter().any(|e| sheet::same(c, e)));
    let table = |columns, rows| Table { file: path.to_owned(), sheet: name.clone(), columns, rows };
    let Some(at) = all.iter().take(sheet::SEARCH_ROWS).position(wanted) else {
        let msg = Msg::NoTableHeader { wanted: expected.iter().map(|s| s.to_string()).collect(), searched: sheet::SEARCH_ROWS };
        return Err(table(Vec::new(), Vec::new()).err(Bad::Field, None, msg));
    };
    let (columns, rows) =
        sheet::under_header(all, at, name.as_deref().unwrap_or_default()).map_err(|m| table(Vec::new(), Vec::new()).err(Bad::Field, None, *m))?;
    Ok(table(columns, rows))
}
