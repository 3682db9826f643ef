//! The hand-over tables of a year: `tables/*.parquet` (风险清单, domain and
//! 街镇 levels, coverage, …) under their file names, with the Chinese column
//! headers the bureau knows from the workbook; and `summary.csv`, which holds
//! the 区 and 街镇 levels, as `summary` with English column names and the
//! Chinese headers as comments.

use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::copy::{Binary, Kind, Value};
use super::pg::Db;
use crate::error::{Bad, Error, Result};
use crate::msg::DbName;

pub const SUMMARY: &str = "summary.csv";
pub const SUMMARY_TABLE: &str = "summary";

/// `summary.csv`'s columns (`emit::summary`): database name, type, header.
const SUMMARY_COLUMNS: [(&str, Kind, &str); 12] = [
    ("scope", Kind::Text, "范围"),
    ("unit_code", Kind::Text, "单元代码"),
    ("unit_name", Kind::Text, "单元名称"),
    ("domain", Kind::Text, "领域编号"),
    ("domain_name", Kind::Text, "领域名称"),
    ("red", Kind::Int, "重大风险"),
    ("orange", Kind::Int, "较大风险"),
    ("yellow", Kind::Int, "一般风险"),
    ("blue", Kind::Int, "低风险"),
    ("objects", Kind::Int, "对象数"),
    ("level", Kind::Int, "等级"),
    ("level_name", Kind::Text, "等级名称"),
];

/// The stems of `tables/*.parquet`, sorted.
pub fn parquet_files(dir: &Path) -> Result<Vec<String>> {
    let tables = dir.join("tables");
    let entries = std::fs::read_dir(&tables).map_err(|e| Error::input(Bad::File, &tables, None, e.to_string()))?;
    let mut stems: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let p = e.path();
            (p.extension()? == "parquet").then(|| p.file_stem()?.to_str().map(str::to_owned)).flatten()
        })
        .collect();
    stems.sort();
    Ok(stems)
}

fn read_error(path: &Path) -> impl Fn(PolarsError) -> Error + '_ {
    move |e| Error::input(Bad::File, path, None, crate::msg::PublishTrouble::CannotReadTable { detail: e.to_string() })
}

/// A column's values as one of the four kinds the database gets.
enum Cursor<'a> {
    Text(Box<dyn Iterator<Item = Option<&'a str>> + 'a>),
    Int(Box<dyn Iterator<Item = Option<i64>> + 'a>),
    Real(Box<dyn Iterator<Item = Option<f64>> + 'a>),
    Bool(Box<dyn Iterator<Item = Option<bool>> + 'a>),
}

fn kind_of(dtype: &DataType) -> Kind {
    match dtype {
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 | DataType::UInt8 | DataType::UInt16 | DataType::UInt32 => Kind::Int,
        DataType::Float32 | DataType::Float64 => Kind::Real,
        DataType::Boolean => Kind::Bool,
        _ => Kind::Text,
    }
}

/// A hand-over table read and cast for its copy: every column as Int64,
/// Float64, Boolean or String, so one cursor per kind reads it.
pub struct Table {
    pub stem: String,
    path: PathBuf,
    columns: Vec<(String, Kind, Series)>,
    pub rows: usize,
}

/// Read `tables/<stem>.parquet`. Publish runs this on a second thread while
/// the layers are copied: decoding the 风险清单 (a million rows at city scale)
/// then costs no time of its own.
pub fn read_parquet(dir: &Path, stem: &str) -> Result<Table> {
    let path = dir.join(format!("tables/{stem}.parquet"));
    let file = std::fs::File::open(&path).map_err(|e| Error::input(Bad::File, &path, None, e.to_string()))?;
    let df = ParquetReader::new(file).finish().map_err(read_error(&path))?;
    let mut columns = Vec::new();
    for c in df.get_columns() {
        let kind = kind_of(c.dtype());
        let target = match kind {
            Kind::Int => DataType::Int64,
            Kind::Real => DataType::Float64,
            Kind::Bool => DataType::Boolean,
            _ => DataType::String,
        };
        let s = c.as_materialized_series().cast(&target).map_err(read_error(&path))?.rechunk();
        columns.push((c.name().to_string(), kind, s));
    }
    Ok(Table { stem: stem.to_owned(), path, columns, rows: df.height() })
}

pub fn publish_parquet(db: &Db, s: &str, table: &Table, cycle: &str, year: i32) -> Result<usize> {
    let (path, rows) = (table.path.as_path(), table.rows);
    let columns: Vec<(String, Kind, String)> = table.columns.iter().map(|(n, k, _)| (n.clone(), *k, String::new())).collect();
    copy_table(db, s, &table.stem, path, &columns, cycle, year, |send| {
        let mut cursors = Vec::new();
        for (_, kind, s) in &table.columns {
            cursors.push(match kind {
                Kind::Int => Cursor::Int(Box::new(s.i64().map_err(read_error(path))?.into_iter())),
                Kind::Real => Cursor::Real(Box::new(s.f64().map_err(read_error(path))?.into_iter())),
                Kind::Bool => Cursor::Bool(Box::new(s.bool().map_err(read_error(path))?.into_iter())),
                _ => Cursor::Text(Box::new(s.str().map_err(read_error(path))?.into_iter())),
            });
        }
        let mut out = Binary::new();
        for i in 0..rows {
            out.row(cursors.len() + 3);
            out.key(cycle, year);
            out.value(Kind::Int, &Value::Int(i as i64 + 1)).expect("int");
            for cursor in cursors.iter_mut() {
                let (kind, v) = match cursor {
                    Cursor::Text(it) => (Kind::Text, it.next().flatten().map_or(Value::Null, Value::Text)),
                    Cursor::Int(it) => (Kind::Int, it.next().flatten().map_or(Value::Null, Value::Int)),
                    Cursor::Real(it) => (Kind::Real, it.next().flatten().map_or(Value::Null, Value::Real)),
                    Cursor::Bool(it) => (Kind::Bool, it.next().flatten().map_or(Value::Null, Value::Bool)),
                };
                out.value(kind, &v).expect("cast to the column's kind");
            }
            if let Some(c) = out.take_full() {
                send(c)?;
            }
        }
        send(out.finish())
    })?;
    Ok(rows)
}

/// `summary.csv` as `summary`.
pub fn publish_summary(db: &Db, s: &str, path: &Path, cycle: &str, year: i32) -> Result<usize> {
    let mut reader = csv::ReaderBuilder::new().from_path(path).map_err(|e| Error::input(Bad::File, path, None, e.to_string()))?;
    let headers = reader.headers().map_err(|e| Error::input(Bad::File, path, None, e.to_string()))?.clone();
    let found: Vec<&str> = headers.iter().map(|h| h.trim_start_matches('\u{feff}')).collect();
    let expected: Vec<&str> = SUMMARY_COLUMNS.iter().map(|c| c.2).collect();
    if found != expected {
        return Err(Error::input(
            Bad::Field,
            path,
            None,
            crate::msg::PublishTrouble::SummaryColumns {
                found: found.iter().map(|f| f.to_string()).collect(),
                expected: expected.iter().map(|e| e.to_string()).collect(),
            },
        ));
    }
    let mut out = Binary::new();
    let mut rows = 0;
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| Error::input(Bad::File, path, None, e.to_string()))?;
        out.row(SUMMARY_COLUMNS.len() + 3);
        out.key(cycle, year);
        out.value(Kind::Int, &Value::Int(line as i64 + 1)).expect("int");
        for ((name, kind, _), cell) in SUMMARY_COLUMNS.iter().zip(record.iter()) {
            let v = match (kind, cell) {
                (_, "") => Value::Null,
                (Kind::Int, c) => Value::Int(c.parse().map_err(|_| {
                    Error::input(Bad::Type, path, None, crate::msg::PublishTrouble::NotACount { line: line + 2, column: name.to_string(), value: c.to_owned() })
                })?),
                (_, c) => Value::Text(c),
            };
            out.value(*kind, &v).expect("typed above");
        }
        rows += 1;
    }
    let named: Vec<(String, Kind, String)> = SUMMARY_COLUMNS.iter().map(|(n, k, zh)| (n.to_string(), *k, zh.to_string())).collect();
    let bytes = out.finish();
    copy_table(db, s, SUMMARY_TABLE, path, &named, cycle, year, |send| send(bytes))?;
    Ok(rows)
}

/// Create or widen `s.name`, replace the year's rows with `chunks`, comment the columns.
#[allow(clippy::too_many_arguments)]
fn copy_table(
    db: &Db,
    s: &str,
    name: &str,
    path: &Path,
    columns: &[(String, Kind, String)],
    cycle: &str,
    year: i32,
    produce: impl FnOnce(super::Sink) -> Result<()> + Send,
) -> Result<()> {
    let table = format!("{s}.{}", db.ident(&super::checked_name(name, DbName::Table, path)?));
    let typed: Vec<(String, String)> =
        columns.iter().map(|(n, k, _)| Ok((super::checked_name(n, DbName::Column, path)?, k.sql().to_owned()))).collect::<Result<_>>()?;
    // The row's number in the year's table (1, 2, …) keys it (a table row has no id of its own) and keeps the order.
    let keys = [(crate::schema::CYCLE, "text"), (crate::schema::YEAR, "integer"), ("row", "bigint")];
    let prepared = super::ensure_table(db, &table, &keys, false, &typed, path)?;
    db.exec(&format!("DELETE FROM {table} WHERE cycle = {} AND year = {year}", db.literal(cycle)?))?;
    let list: Vec<String> =
        [crate::schema::CYCLE, crate::schema::YEAR, "row"].iter().map(|c| db.ident(c)).chain(typed.iter().map(|(c, _)| db.ident(c))).collect();
    super::copy_streamed(db, &format!("COPY {table} ({}) FROM STDIN ({})", list.join(", "), prepared.copy_options()), produce)?;
    prepared.finish(db)?;
    let mut sql = String::new();
    for (n, _, zh) in columns.iter().filter(|c| !c.2.is_empty()) {
        sql.push_str(&format!("COMMENT ON COLUMN {table}.{} IS {};", db.ident(n), db.literal(zh)?));
    }
    if !sql.is_empty() {
        db.exec(&sql)?;
    }
    Ok(())
}
