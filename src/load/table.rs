//! Tables filled in by hand beside the layers (the expert review's
//! adjustments): a CSV, or a sheet of a workbook, read as text cells
//! (`sheet`). The header is the first row naming one of the expected columns,
//! so title rows may sit above it; each row keeps its number as the file's
//! user sees it (the CSV line, the Excel row) for messages.

use std::path::{Path, PathBuf};

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
    let cells = sheet::table_cells(path, sheet, encoding, "[review]")?;
    let (name, all) = (cells.name, cells.rows);
    let wanted = |r: &Row| r.cells.iter().flatten().any(|c| expected.iter().any(|e| sheet::same(c, e)));
    let table = |columns, rows| Table { file: path.to_owned(), sheet: name.clone(), columns, rows };
    let Some(at) = all.iter().take(sheet::SEARCH_ROWS).position(wanted) else {
        let msg = Msg::NoTableHeader { wanted: expected.iter().map(|s| s.to_string()).collect(), searched: sheet::SEARCH_ROWS };
        return Err(table(Vec::new(), Vec::new()).err(Bad::Field, None, msg));
    };
    let (columns, rows) = sheet::under_header(all, at, at, name.as_deref()).map_err(|m| table(Vec::new(), Vec::new()).err(Bad::Field, None, *m))?;
    Ok(table(columns, rows))
}
