//! Tables as people fill them — spreadsheets (.xlsx, .xls, .ods) and CSVs:
//! title rows above the header, a header over two rows with merged cells,
//! blank rows between objects, coordinates in two columns. `calamine` reads
//! every cell of a workbook as the text a person sees in it (numbers as
//! Excel's General format shows them, date cells as dates); the `csv`
//! crate reads a CSV's records as the text of each cell. Neither guesses headers or
//! types: this module fills merged regions, finds the header and hands on
//! each filled row, and sise's own value reading types the cells.

use std::path::Path;

use calamine::{open_workbook_auto, Data, Dimensions, Reader, Sheets};

use crate::config::LayerConfig;
use crate::error::{Bad, Error, Result};
use crate::msg::Msg;

/// Coordinate column pairs found without `x_field`/`y_field`, compared
/// case-insensitively.
const COORDINATE_NAMES: [(&str, &str); 4] = [("经度", "纬度"), ("lon", "lat"), ("longitude", "latitude"), ("x", "y")];

/// How many filled rows may sit above the header (titles, notes).
pub const SEARCH_ROWS: usize = 20;

/// A sheet's (or a CSV's) filled rows under its header.
pub struct Sheet {
    /// The sheet of a workbook; `None` for a CSV.
    pub name: Option<String>,
    /// Column names from the header row, in order; columns with an empty header are left out.
    pub columns: Vec<String>,
    /// The x and y columns (indices into `columns`).
    pub xy: (usize, usize),
    pub rows: Vec<Row>,
}

pub struct Row {
    /// The row as Excel numbers it, or the CSV's line (1-based).
    pub excel_row: u32,
    /// One cell per entry of `Sheet::columns`; empty cells are `None`.
    pub cells: Vec<Option<String>>,
}

pub fn same(a: &str, b: &str) -> bool {
    crate::value::fold(a).to_lowercase() == crate::value::fold(b).to_lowercase()
}

/// Read a sheet of objects: its header (the config's `header_row`, or the
/// first row naming the coordinate columns, with the rows that merged cells
/// join to it, or `header_rows` rows), the filled rows below it.
pub fn read(cfg: &LayerConfig) -> Result<Sheet> {
    let sheet = if cfg.is_sheet() { cfg.layer.as_deref() } else { None };
    let cells = table_cells(&cfg.path, sheet, cfg.encoding.as_deref(), super::encoding::LAYERS)?;
    let name = cells.name.clone();
    let err = |m: Msg| Error::input(Bad::Field, &cfg.path, Some(&layer_name(&cfg.path, &name)), m);
    let all = cells.rows;
    let at = match cfg.header_row {
        Some(h) => all.iter().position(|r| r.excel_row == h).ok_or_else(|| err(Msg::HeaderRowEmpty { sheet: name.clone(), row: h }))?,
        None => detect_header(&all, cfg).ok_or_else(|| {
            let wanted = cfg.x_field.clone().zip(cfg.y_field.clone());
            err(Msg::NoHeaderRow { sheet: name.clone(), wanted, searched: SEARCH_ROWS, guess: guess_header(&all) })
        })?,
    };
    let (first, last) = header_span(&all, at, cfg, &cells.merges);
    let header_row = all[first].excel_row;
    let (columns, rows) = under_header(all, first, last, name.as_deref()).map_err(|m| err(*m))?;
    let xy = coordinate_columns(&columns, cfg).ok_or_else(|| err(Msg::NoCoordinateColumns { sheet: name.clone(), row: header_row, have: columns.clone() }))?;
    Ok(Sheet { name, columns, xy, rows })
}

/// A merged region: its first and last cell (inclusive), as (Excel row, 0-based column).
pub type Region = ((u32, usize), (u32, usize));

/// Whether sise's table reader reads the layer: a workbook, or a CSV with
/// coordinate columns. A CSV without `x_field` whose first line names a
/// `WKT` column holds its geometries as text, which GDAL's CSV driver reads.
pub fn reads(cfg: &LayerConfig) -> bool {
    if !cfg.is_table() || cfg.is_sheet() || cfg.x_field.is_some() {
        return cfg.is_table();
    }
    let Ok(bytes) = std::fs::read(&cfg.path) else { return true };
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let first = String::from_utf8_lossy(first.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(first));
    !first.split([',', ';', '\t']).any(|c| c.trim().trim_matches('"').eq_ignore_ascii_case("wkt"))
}

/// How messages name the layer of a table: its sheet, or for a CSV the
/// file's stem (as GDAL names a CSV's layer).
pub fn layer_name(path: &Path, sheet: &Option<String>) -> String {
    sheet.clone().unwrap_or_else(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default())
}

/// A sheet's filled rows, each cell as its text, merged regions filled.
pub struct Cells {
    /// The sheet of a workbook; `None` for a CSV.
    pub name: Option<String>,
    pub rows: Vec<Row>,
    pub merges: Vec<Region>,
}

/// The filled rows of a table: a CSV (in UTF-8 or `encoding`, which the
/// config's `section` sets), or sheet `sheet` of a workbook.
pub fn table_cells(path: &Path, sheet: Option<&str>, encoding: Option<&str>, section: &'static str) -> Result<Cells> {
    if !path.exists() {
        return Err(Error::input(Bad::File, path, None, Msg::FileNotFound));
    }
    let is_csv = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if !is_csv {
        if let Some(label) = encoding {
            return Err(Error::input(Bad::File, path, None, Msg::EncodingNotApplicable { label: label.to_owned() }));
        }
        return cells_of(path, sheet);
    }
    let text = super::encoding::utf8_of(path, encoding, section)?;
    let rows = csv_rows(text.body(), path)?;
    Ok(Cells { name: None, rows, merges: Vec::new() })
}

/// Every filled record of a CSV's UTF-8 text, numbered by the line it
/// starts on, cells trimmed, empty ones `None`. Records may differ in
/// length (a title line above the header); the delimiter is the one of
/// `,`, `;` and tab that the first lines hold most of.
fn csv_rows(text: &[u8], path: &Path) -> Result<Vec<Row>> {
    let head: Vec<&[u8]> = text.split(|b| *b == b'\n').take(SEARCH_ROWS).collect();
    let delimiter = [b',', b';', b'\t'].into_iter().max_by_key(|d| head.iter().map(|l| l.iter().filter(|b| *b == d).count()).sum::<usize>()).unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text);
    let mut all = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Error::input(Bad::File, path, None, Msg::NotCsv { line: e.position().map(|p| p.line()), detail: e.to_string() }))?;
        let cells: Vec<Option<String>> = record.iter().map(|c| Some(c.trim().to_owned()).filter(|t| !t.is_empty())).collect();
        if cells.iter().any(Option::is_some) {
            let line = record.position().map_or(0, |p| p.line()) as u32;
            all.push(Row { excel_row: line, cells });
        }
    }
    Ok(all)
}

/// Every filled row of sheet `sheet` (by default the first) of the workbook
/// at `path`; cells trimmed, empty ones `None`, each merged region holding
/// its first cell's text throughout (as a reader of the sheet sees it).
pub fn cells_of(path: &Path, sheet: Option<&str>) -> Result<Cells> {
    let mut book: Sheets<_> = open_workbook_auto(path).map_err(|e| Error::input(Bad::File, path, None, Msg::CannotOpen { detail: format!(" ({e})") }))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => {
            names.iter().find(|n| n.as_str() == s).cloned().ok_or_else(|| Error::input(Bad::Layer, path, Some(s), Msg::NoSuchLayer { have: names.clone() }))?
        }
        None => names.first().cloned().ok_or_else(|| Error::input(Bad::Layer, path, None, Msg::NoSuchLayer { have: Vec::new() }))?,
    };
    let range = book.worksheet_range(&name).map_err(|e| Error::input(Bad::Layer, path, Some(&name), Msg::CannotOpen { detail: format!(" ({e})") }))?;
    let merged: Vec<Dimensions> = match &mut book {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
        _ => Vec::new(),
    };
    let (top, left) = range.start().unwrap_or((0, 0));
    let width = (left as usize) + range.width();
    let mut grid: Vec<(u32, Vec<Option<String>>)> = range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut row = vec![None; width];
            for (j, c) in cells.iter().enumerate() {
                row[left as usize + j] = text_of(c);
            }
            (top + i as u32 + 1, row)
        })
        .collect();
    let merges: Vec<Region> = merged.iter().map(|d| ((d.start.0 + 1, d.start.1 as usize), (d.end.0 + 1, d.end.1 as usize))).collect();
    let cell = |grid: &[(u32, Vec<Option<String>>)], r: u32, c: usize| grid.iter().find(|(n, _)| *n == r).and_then(|(_, row)| row.get(c).cloned().flatten());
    for &((r0, c0), (r1, c1)) in &merges {
        let value = cell(&grid, r0, c0);
        for (n, row) in grid.iter_mut().filter(|(n, _)| (r0..=r1).contains(n)) {
            for (c, slot) in row.iter_mut().enumerate().skip(c0).take(c1 + 1 - c0) {
                if (*n, c) != (r0, c0) {
                    *slot = value.clone();
                }
            }
        }
    }
    let rows = grid.into_iter().filter(|(_, cells)| cells.iter().any(Option::is_some)).map(|(excel_row, cells)| Row { excel_row, cells }).collect();
    Ok(Cells { name: Some(name), rows, merges })
}

/// A cell as the text a person sees in it; `None` when empty.
fn text_of(c: &Data) -> Option<String> {
    let t = match c {
        Data::Empty => return None,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => general(*f),
        Data::Bool(b) => (if *b { "TRUE" } else { "FALSE" }).to_owned(),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, m, day, h, min, sec, _) = d.to_ymd_hms_milli();
            if (h, min, sec) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{day:02}")
            } else {
                format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}:{sec:02}")
            }
        }
        Data::DateTime(d) => general(d.as_f64()),
        Data::Error(e) => e.to_string(),
    };
    (!t.is_empty()).then_some(t)
}

/// A number as Excel's General format shows it: whole numbers without a
/// point, others to Excel's 15 significant digits (0.1 + 0.2 is "0.3").
fn general(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return format!("{}", f as i64);
    }
    let rounded: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    format!("{rounded}")
}

/// The rows of the header around `all[at]`: `header_rows` rows (ending at
/// the detected row, or from `header_row`), else the detected row and every
/// row a vertically merged cell joins to it.
fn header_span(all: &[Row], at: usize, cfg: &LayerConfig, merges: &[Region]) -> (usize, usize) {
    if let Some(n) = cfg.header_rows.filter(|n| *n > 1) {
        let n = n as usize - 1;
        return if cfg.header_row.is_some() { (at, (at + n).min(all.len() - 1)) } else { (at.saturating_sub(n), at) };
    }
    let (mut a, mut b) = (all[at].excel_row, all[at].excel_row);
    loop {
        let (a0, b0) = (a, b);
        for &((r0, _), (r1, _)) in merges.iter().filter(|((r0, _), (r1, _))| r1 > r0) {
            if r0 <= b && r1 >= a {
                a = a.min(r0);
                b = b.max(r1);
            }
        }
        if (a, b) == (a0, b0) {
            break;
        }
    }
    let index = |r: u32, fallback: usize| all.iter().position(|row| row.excel_row == r).unwrap_or(fallback);
    (index(a, at), index(b, at))
}

/// The header rows `all[first..=last]` name the columns: each column's
/// parts top to bottom, a part repeated by a merged cell once, joined by
/// "/" ("坐标/经度"). Columns with no header are left out; a name twice is
/// refused. The rows below the header keep those cells.
pub fn under_header(all: Vec<Row>, first: usize, last: usize, sheet: Option<&str>) -> std::result::Result<(Vec<String>, Vec<Row>), Box<Msg>> {
    let width = all[first..=last].iter().map(|r| r.cells.len()).max().unwrap_or(0);
    let mut keep: Vec<usize> = Vec::new();
    let mut columns: Vec<String> = Vec::new();
    for i in 0..width {
        let mut parts: Vec<&str> = Vec::new();
        for r in &all[first..=last] {
            if let Some(Some(p)) = r.cells.get(i) {
                if parts.last() != Some(&p.as_str()) {
                    parts.push(p.as_str());
                }
            }
        }
        if parts.is_empty() {
            continue;
        }
        let name = parts.join(PART_SEPARATOR);
        if let Some(j) = columns.iter().position(|n| *n == name) {
            return Err(Box::new(Msg::HeaderTwice {
                sheet: sheet.map(str::to_owned),
                row: all[first].excel_row,
                name,
                first: letter(keep[j]),
                second: letter(i),
            }));
        }
        keep.push(i);
        columns.push(name);
    }
    let rows = all
        .into_iter()
        .skip(last + 1)
        .map(|r| Row { excel_row: r.excel_row, cells: keep.iter().map(|&i| r.cells.get(i).cloned().flatten()).collect() })
        .filter(|r| r.cells.iter().any(Option::is_some))
        .collect();
    Ok((columns, rows))
}

/// Joins the parts of a column name over several header rows.
pub const PART_SEPARATOR: &str = "/";

/// The first of the first rows that names both coordinate columns.
fn detect_header(rows: &[Row], cfg: &LayerConfig) -> Option<usize> {
    rows.iter().take(SEARCH_ROWS).position(|r| {
        let names: Vec<String> = r.cells.iter().flatten().cloned().collect();
        coordinate_columns(&names, cfg).is_some()
    })
}

/// A header for a table where none names the coordinate columns: the first
/// of the first rows under which two columns hold coordinates (most of
/// their cells numbers in China's longitude and latitude ranges, or
/// eastings and northings in metres): its row and the two columns' names.
fn guess_header(rows: &[Row]) -> Option<(u32, String, String)> {
    type Fits = fn(f64) -> bool;
    let share = |below: &[Row], c: usize, ok: Fits| {
        let cells: Vec<&String> = below.iter().filter_map(|r| r.cells.get(c).and_then(Option::as_ref)).collect();
        let good = cells.iter().filter(|t| crate::value::coordinate(t, true).ok().flatten().is_some_and(ok)).count();
        !cells.is_empty() && good * 5 >= cells.len() * 4
    };
    // Longitude and latitude in China; GK eastings (with or without the zone) and northings.
    let ranges: [(Fits, Fits); 2] = [
        (|x| (73.0..=136.0).contains(&x), |y| (3.0..=54.0).contains(&y)),
        (|x| (1e5..1e6).contains(&x) || (1e7..1e8).contains(&x), |y| (2e6..6e6).contains(&y)),
    ];
    rows.iter().take(SEARCH_ROWS).enumerate().find_map(|(at, head)| {
        let below = &rows[at + 1..];
        let named = |c: usize| head.cells.get(c).cloned().flatten();
        ranges.iter().find_map(|(x_ok, y_ok)| {
            let x = (0..head.cells.len()).find(|&c| named(c).is_some() && share(below, c, *x_ok))?;
            // Latitude usually follows longitude; a column of small numbers elsewhere may fit too.
            let y = (x + 1..head.cells.len()).chain(0..x).find(|&c| named(c).is_some() && share(below, c, *y_ok))?;
            Some((head.excel_row, named(x)?, named(y)?))
        })
    })
}

/// The x and y columns: the config's, or the first known pair present.
fn coordinate_columns(columns: &[String], cfg: &LayerConfig) -> Option<(usize, usize)> {
    // A column over several header rows is found by its full name or its lowest part ("坐标/经度" by 经度).
    let find =
        |n: &str| columns.iter().position(|c| same(c, n)).or_else(|| columns.iter().position(|c| c.rsplit(PART_SEPARATOR).next().is_some_and(|p| same(p, n))));
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
    fn numbers_as_excel_general_shows_them() {
        assert_eq!(super::general(2014.0), "2014");
        assert_eq!(super::general(2014.05), "2014.05");
        assert_eq!(super::general(0.1 + 0.2), "0.3");
        assert_eq!(super::general(121.346969), "121.346969");
        assert_eq!(super::general(-3.5), "-3.5");
    }

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
