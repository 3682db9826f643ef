//! A year's `sise.gpkg` read for publishing, straight through SQLite: its
//! feature tables (columns with their declared types, geometry type and
//! EPSG code), titles, and the default QGIS style each carries, whose
//! aliases become the database's column comments.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use super::copy::{Binary, Kind, Value};
use crate::error::{Bad, Error, Result};
use crate::msg::PublishTrouble;

pub struct Column {
    pub name: String,
    pub kind: Kind,
}

/// One feature table of the GeoPackage.
pub struct Layer {
    pub name: String,
    pub title: String,
    pub description: String,
    pub geometry_column: String,
    /// `POINT`, `MULTIPOLYGON`, … as the GeoPackage declares it.
    pub geometry_type: String,
    pub epsg: i32,
    pub columns: Vec<Column>,
    /// Column → its Chinese name (the QGIS style's aliases).
    pub aliases: BTreeMap<String, String>,
    /// The default style (QML, SLD) QGIS opens the layer with.
    pub style: Option<(String, String)>,
    pub rows: usize,
}

pub fn open(path: &Path) -> Result<Connection> {
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| Error::input(Bad::File, path, None, PublishTrouble::CannotOpenGpkg { detail: e.to_string() }))
}

fn sql_error<'p>(path: &'p Path, layer: Option<&str>) -> impl Fn(rusqlite::Error) -> Error + 'p {
    let layer = layer.map(str::to_owned);
    move |e| Error::input(Bad::File, path, layer.as_deref(), PublishTrouble::CannotReadGpkg { detail: e.to_string() })
}

/// The declared SQLite type of a GeoPackage column → the database type.
fn kind_of(declared: &str) -> Kind {
    let d = declared.to_ascii_uppercase();
    match d.split('(').next().unwrap_or("").trim() {
        "INTEGER" | "INT" | "MEDIUMINT" | "SMALLINT" | "TINYINT" => Kind::Int,
        "REAL" | "FLOAT" | "DOUBLE" => Kind::Real,
        "BOOLEAN" => Kind::Bool,
        "BLOB" => Kind::Bytes,
        // TEXT, and DATE/DATETIME kept as the text the GeoPackage holds.
        _ => Kind::Text,
    }
}

/// Every feature table, in the GeoPackage's order.
pub fn layers(db: &Connection, path: &Path) -> Result<Vec<Layer>> {
    let err = sql_error(path, None);
    let mut stmt = db
        .prepare(
            "SELECT c.table_name, coalesce(c.identifier, ''), coalesce(c.description, ''), g.column_name, g.geometry_type_name,
                    coalesce(s.organization, ''), coalesce(s.organization_coordsys_id, 0)
             FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
             LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id
             WHERE c.data_type = 'features' ORDER BY c.rowid",
        )
        .map_err(&err)?;
    let heads = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get::<_, String>(5)?, r.get::<_, i32>(6)?)))
        .map_err(&err)?
        .collect::<rusqlite::Result<Vec<(String, String, String, String, String, String, i32)>>>()
        .map_err(&err)?;
    let mut out = Vec::new();
    for (name, title, description, geometry_column, geometry_type, org, code) in heads {
        if !org.eq_ignore_ascii_case("EPSG") {
            return Err(Error::input(Bad::Crs, path, Some(&name), PublishTrouble::NoEpsg));
        }
        let err = sql_error(path, Some(&name));
        let mut columns = Vec::new();
        let mut info = db.prepare(&format!("PRAGMA table_info(\"{}\")", name.replace('"', "\"\""))).map_err(&err)?;
        let cols = info
            .query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, i32>(5)?)))
            .map_err(&err)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(&err)?;
        for (col, declared, pk) in cols {
            if pk > 0 || col == geometry_column {
                continue;
            }
            columns.push(Column { kind: kind_of(&declared), name: col });
        }
        let style: Option<(String, String)> = db
            .query_row(
                "SELECT styleQML, coalesce(styleSLD, '') FROM layer_styles WHERE f_table_name = ?1 ORDER BY useAsDefault DESC, update_time DESC LIMIT 1",
                [&name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .ok();
        let aliases = style.as_ref().map(|(qml, _)| aliases(qml)).unwrap_or_default();
        let rows: i64 = db.query_row(&format!("SELECT count(*) FROM \"{}\"", name.replace('"', "\"\"")), [], |r| r.get(0)).map_err(&err)?;
        out.push(Layer { name, title, description, geometry_column, geometry_type, epsg: code, columns, aliases, style, rows: rows as usize });
    }
    Ok(out)
}

/// `<alias field="…" name="…"/>` of a QML style.
fn aliases(qml: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for tag in qml.split("<alias ").skip(1) {
        let tag = &tag[..tag.find("/>").unwrap_or(tag.len())];
        let attr = |key: &str| {
            let start = tag.find(&format!("{key}=\""))? + key.len() + 2;
            let len = tag[start..].find('"')?;
            Some(unescape(&tag[start..start + len]))
        };
        if let (Some(field), Some(name)) = (attr("field"), attr("name")) {
            if !name.is_empty() {
                out.insert(field, name);
            }
        }
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// The WKB inside a GeoPackage geometry blob (after its header and envelope).
fn wkb_of(blob: &[u8]) -> Option<&[u8]> {
    if blob.len() < 8 || &blob[0..2] != b"GP" {
        return None;
    }
    let envelope = match (blob[3] >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        _ => return None,
    };
    blob.get(8 + envelope..)
}

/// The layer's rows as COPY chunks: `cycle`, `year`, `fid`, its columns, the geometry.
pub fn copy_rows<'a>(
    db: &'a Connection,
    path: &'a Path,
    layer: &'a Layer,
    cycle: &'a str,
    year: i32,
    mut send: impl FnMut(Vec<u8>) -> Result<()>,
) -> Result<()> {
    let err = sql_error(path, Some(&layer.name));
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let cols: Vec<String> = layer.columns.iter().map(|c| q(&c.name)).collect();
    let sql =
        format!("SELECT fid, {}{}{} FROM {} ORDER BY fid", cols.join(", "), if cols.is_empty() { "" } else { ", " }, q(&layer.geometry_column), q(&layer.name));
    let mut stmt = db.prepare(&sql).map_err(&err)?;
    let mut rows = stmt.query([]).map_err(&err)?;
    let mut out = Binary::new();
    let n = layer.columns.len();
    while let Some(row) = rows.next().map_err(&err)? {
        let fid: i64 = row.get(0).map_err(&err)?;
        let at = |what: PublishTrouble| Error::input(Bad::Type, path, Some(&layer.name), what);
        out.row(n + 4);
        out.key(cycle, year);
        out.value(Kind::Int, &Value::Int(fid)).expect("int");
        for (i, c) in layer.columns.iter().enumerate() {
            let v = match row.get_ref(i + 1).map_err(&err)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(x) => Value::Int(x),
                ValueRef::Real(x) => Value::Real(x),
                ValueRef::Text(t) => Value::Text(std::str::from_utf8(t).map_err(|_| at(PublishTrouble::NotUtf8 { fid, field: c.name.clone() }))?),
                ValueRef::Blob(b) => Value::Bytes(b),
            };
            out.value(c.kind, &v).map_err(|holds| at(PublishTrouble::FieldHolds { fid, field: c.name.clone(), declared: c.kind.sql().to_owned(), holds }))?;
        }
        match row.get_ref(n + 1).map_err(&err)? {
            ValueRef::Null => out.value(Kind::Bytes, &Value::Null).expect("null"),
            ValueRef::Blob(b) => {
                let wkb = wkb_of(b).ok_or_else(|| Error::input(Bad::Geometry, path, Some(&layer.name), PublishTrouble::NotGpkgGeometry { fid }))?;
                out.geometry(wkb, layer.epsg).map_err(|()| Error::input(Bad::Geometry, path, Some(&layer.name), PublishTrouble::ShortGeometry { fid }))?;
            }
            _ => return Err(Error::input(Bad::Geometry, path, Some(&layer.name), PublishTrouble::GeometryNotBlob { fid })),
        }
        if let Some(chunk) = out.take_full() {
            send(chunk)?;
        }
    }
    send(out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_read_from_the_style() {
        let qml = r#"<aliases><alias field="id" index="0" name="编号"/><alias field="a&amp;b" index="1" name="甲&lt;乙"/><alias field="x" index="2" name=""/></aliases>"#;
        let a = aliases(qml);
        assert_eq!(a.get("id").map(String::as_str), Some("编号"));
        assert_eq!(a.get("a&b").map(String::as_str), Some("甲<乙"));
        assert!(!a.contains_key("x"));
    }

    #[test]
    fn the_wkb_follows_the_header_and_envelope() {
        let mut blob = b"GP\0\x03".to_vec(); // little-endian header, a 32-byte envelope
        blob.extend_from_slice(&4549i32.to_le_bytes());
        blob.extend_from_slice(&[0u8; 32]);
        blob.extend_from_slice(&[1, 1, 0, 0, 0]);
        assert_eq!(wkb_of(&blob), Some(&[1u8, 1, 0, 0, 0][..]));
        assert_eq!(wkb_of(b"XX"), None);
    }
}
