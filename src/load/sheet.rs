//! Spreadsheets (.xlsx, .ods) as people fill them: title rows above the
//! header, blank rows between objects, coordinates in two columns. GDAL reads
//! every cell as text with no header (so a feature's FID is its Excel row);
//! this module finds the header row and hands on each filled row's cells.

use gdal::vector::LayerAccess;

use crate::config::LayerConfig;
use crate::msg::Msg;

/// GDAL open options for a sheet: no header guessing, every cell as text
/// (numbers are read later by `value::number`, as for any text column).
pub const OPEN_OPTIONS: [&str; 2] = ["HEADERS=DISABLE", "FIELD_TYPES=STRING"];

/// Coordinate column pairs found without `x_field`/`y_field`, compared
/// case-insensitively.
const COORDINATE_NAMES: [(&str, &str); 4] = [("经度", "纬度"), ("lon", "lat"), ("longitude", "latitude"), ("x", "y")];

/// How many filled rows may sit above the header (titles, notes).
pub const SEARCH_ROWS: usize = 20;

/// A sheet's filled rows under its header.
pub struct Sheet {
    pub name: String,
    /// Column names from the header row, in order; columns with an empty header are left out.
    pub columns: Vec<String>,
    /// The x and y columns (indices into `columns`).
    pub xy: (usize, usize),
    pub rows: Vec<Row>,
}

pub struct Row {
    /// The row as Excel numbers it (1-based).
    pub excel_row: u32,
    /// One cell per entry of `Sheet::columns`; empty cells are `None`.
    pub cells: Vec<Option<String>>,
}

pub fn same(a: &str, b: &str) -> bool {
    crate::value::fold(a).to_lowercase() == crate::value::fold(b).to_lowercase()
}

/// Read a sheet: every row's cells, the header row (the config's, or the
/// first row naming the coordinate columns), the rows below it that hold anything.
pub fn read(layer: &mut gdal::vector::Layer, cfg: &LayerConfig) -> Result<Sheet, Box<Msg>> {
    let name = layer.name();
    let all = filled_rows(layer);
    let at = match cfg.header_row {
        Some(h) => all.iter().position(|r| r.excel_row == h).ok_or_else(|| Box::new(Msg::HeaderRowEmpty { sheet: name.clone(), row: h }))?,
        None => detect_header(&all, cfg).ok_or_else(|| {
            let wanted = cfg.x_field.clone().zip(cfg.y_field.clone());
            Box::new(Msg::NoHeaderRow { sheet: name.clone(), wanted, searched: SEARCH_ROWS })
        })?,
    };
    let header_row = all[at].excel_row;
    let (columns, rows) = under_header(all, at, &name)?;
    let xy =
        coordinate_columns(&columns, cfg).ok_or_else(|| Box::new(Msg::NoCoordinateColumns { sheet: name.clone(), row: header_row, have: columns.clone() }))?;
    Ok(Sheet { name, columns, xy, rows })
}

/// Every row of a layer read with [`OPEN_OPTIONS`] (or a CSV read with
/// `HEADERS=NO`) that holds anything, its cells trimmed, empty ones `None`.
pub fn filled_rows(layer: &mut gdal::vector::Layer) -> Vec<Row> {
    let width = layer.defn().fields().count();
    let mut all: Vec<Row> = Vec::new();
    for f in layer.features() {
        let cells = (0..width).map(|i| f.field_as_string(i).ok().flatten().filter(|t| !t.trim().is_empty()).map(|t| t.trim().to_owned())).collect::<Vec<_>>();
        let excel_row = f.fid().unwrap_or(0) as u32;
        if cells.iter().any(Option::is_some) {
            all.push(Row { excel_row, cells });
        }
    }
    all
}

/// The header `all[at]` names the columns (those with an empty header are
/// left out; a name twice is refused); the rows below it keep those cells.
pub fn under_header(all: Vec<Row>, at: usize, sheet: &str) -> Result<(Vec<String>, Vec<Row>), Box<Msg>> {
    let header = &all[at];
    let mut keep: Vec<usize> = Vec::new();
    let mut columns: Vec<String> = Vec::new();
    for (i, c) in header.cells.iter().enumerate() {
        let Some(c) = c else { continue };
        if let Some(j) = columns.iter().position(|n| n == c) {
            return Err(Box::new(Msg::HeaderTwice {
                sheet: sheet.to_owned(),
                row: header.excel_row,
                name: c.clone(),
                first: letter(keep[j]),
                second: letter(i),
            }));
        }
        keep.push(i);
        columns.push(c.clone());
    }
    let rows = all
        .into_iter()
        .skip(at + 1)
        .map(|r| Row { excel_row: r.excel_row, cells: keep.iter().map(|&i| r.cells[i].clone()).collect() })
        .filter(|r| r.cells.iter().any(Option::is_some))
        .collect();
    Ok((columns, rows))
}

/// The first of the first rows that names both coordinate columns.
fn detect_header(rows: &[Row], cfg: &LayerConfig) -> Option<usize> {
    rows.iter().take(SEARCH_ROWS).position(|r| {
        let names: Vec<String> = r.cells.iter().flatten().cloned().collect();
        coordinate_columns(&names, cfg).is_some()
    })
}

/// The x and y columns: the config's, or the first known pair present.
fn coordinate_columns(columns: &[String], cfg: &LayerConfig) -> Option<(usize, usize)> {
    let find = |n: &str| columns.iter().position(|c| same(c, n));
    match (&cfg.x_field, &cfg.y_field) {
        (Some(x), Some(y)) => Some((find(x)?, find(y)?)),
        _ => COORDINATE_NAMES.iter().find_map(|(x, y)| Some((find(x)?, find(y)?))),
    }
}

/// The Excel column letter of a 0-based index (0 → A, 26 → AA).
pub fn letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

#[cfg(test)]
mod tests {
    #[test]
    fn column_letters() {
        assert_eq!(super::letter(0), "A");
        assert_eq!(super::letter(25), "Z");
        assert_eq!(super::letter(26), "AA");
        assert_eq!(super::letter(27), "AB");
        assert_eq!(super::letter(701), "ZZ");
        assert_eq!(super::letter(702), "AAA");
    }
}
