//! Rows into GeoPackage tables that GDAL has created. GDAL's
//! feature-by-feature path costs about 17 µs a feature (a city's 900,000
//! objects: 16 s, as long as `ogr2ogr` copying the same file); the same rows
//! bound to one prepared SQLite statement in one transaction, and the R-tree
//! packed in one pass ([`rtree`]), cost a fraction of that. GDAL keeps what
//! it knows: it creates the tables, their metadata, the (empty) R-tree and
//! the triggers that keep both up to date when a user edits the layer.

mod rtree;

use std::path::Path;

use geo::BoundingRect;
use geo_types::Geometry;
use rusqlite::Connection;
use wkb::writer::{write_geometry, WriteOptions};
use wkb::Endianness;

use super::{OutLayer, Values};

/// The WKB type codes of the multi types a single part is wrapped in.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Wrap {
    None,
    MultiPoint,
    MultiLineString,
    MultiPolygon,
}

impl Wrap {
    fn code(self) -> u32 {
        match self {
            Wrap::None => 0,
            Wrap::MultiPoint => 4,
            Wrap::MultiLineString => 5,
            Wrap::MultiPolygon => 6,
        }
    }
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Rows bound per INSERT statement. Each statement costs SQLite work of its
/// own (GDAL's tables are AUTOINCREMENT: the sequence is read and written
/// per statement), which a million one-row statements pay a million times.
const ROWS_PER_INSERT: usize = 64;

/// Insert `n` rows into `table` (names quoted), [`ROWS_PER_INSERT`] rows per
/// statement: `bind(statement, first, row)` binds row `row`'s values to the
/// parameters from `first` on, in column order.
fn insert_rows(
    db: &Connection,
    table: &str,
    columns: &[String],
    n: usize,
    mut bind: impl FnMut(&mut rusqlite::Statement, usize, usize) -> Result<(), String>,
) -> Result<(), String> {
    if n == 0 {
        return Ok(());
    }
    let sql = |rows: usize| {
        let row = format!("({})", vec!["?"; columns.len()].join(", "));
        format!("INSERT INTO {table} ({}) VALUES {}", columns.join(", "), vec![row; rows].join(", "))
    };
    let mut full = db.prepare(&sql(ROWS_PER_INSERT.min(n))).map_err(|e| e.to_string())?;
    for start in (0..n).step_by(ROWS_PER_INSERT) {
        let rows = start..(start + ROWS_PER_INSERT).min(n);
        let mut tail;
        let stmt = if rows.len() == ROWS_PER_INSERT.min(n) {
            &mut full
        } else {
            tail = db.prepare(&sql(rows.len())).map_err(|e| e.to_string())?;
            &mut tail
        };
        for (k, row) in rows.clone().enumerate() {
            bind(stmt, 1 + k * columns.len(), row)?;
        }
        stmt.raw_execute().map_err(|err| String::from(crate::msg::OutputTrouble::Rows { from: rows.start + 1, to: rows.end, detail: err.to_string() }))?;
    }
    Ok(())
}

/// A geometry as a GeoPackage blob, the way GDAL writes it: the "GP" header,
/// little-endian, an xy envelope except for single points, then ISO WKB; a
/// single line or polygon in a multi layer is written as a one-part multi.
pub fn blob(buf: &mut Vec<u8>, g: &Geometry<f64>, srs_id: i32, wrap: Wrap) -> Result<Option<geo_types::Rect<f64>>, String> {
    let rect = g.bounding_rect();
    let single_point = matches!(g, Geometry::Point(_)) && wrap == Wrap::None;
    let envelope = rect.is_some() && !single_point;
    let flags = 0x01 | if envelope { 0x02 } else { 0 } | if rect.is_none() { 0x10 } else { 0 };
    buf.extend_from_slice(b"GP");
    buf.push(0);
    buf.push(flags);
    buf.extend_from_slice(&srs_id.to_le_bytes());
    if let (true, Some(r)) = (envelope, rect) {
        for v in [r.min().x, r.max().x, r.min().y, r.max().y] {
            buf.extend_from_slice(&v.to_le_bytes());
        }
    }
    if wrap != Wrap::None {
        buf.push(1);
        buf.extend_from_slice(&wrap.code().to_le_bytes());
        buf.extend_from_slice(&1u32.to_le_bytes());
    }
    write_geometry(buf, g, &WriteOptions { endianness: Endianness::LittleEndian }).map_err(|e| e.to_string())?;
    Ok(rect)
}

/// Insert every row of `out` into its empty table of the GeoPackage at
/// `path`, whose fields GDAL created as `fields` (in `out.columns` order);
/// fill its R-tree and set its extent and feature count. One transaction:
/// the layer is there whole or not at all.
pub fn insert(path: &Path, out: &OutLayer, fields: &[String], wrap: impl Fn(&Geometry<f64>) -> Wrap) -> Result<(), String> {
    let e = |e: rusqlite::Error| e.to_string();
    let mut db = Connection::open(path).map_err(e)?;
    // A new file, written once: interrupted, it is of no use journaled or
    // not (runs and prepare-inputs stage their folders and rename them into
    // place), so SQLite need not journal or sync.
    db.execute_batch("PRAGMA synchronous = OFF; PRAGMA journal_mode = OFF;").map_err(e)?;
    let (geom_col, srs_id): (String, i32) = db
        .query_row("SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE lower(table_name) = lower(?1)", [&out.name], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(e)?;
    let fid_col: String =
        db.query_row(&format!("SELECT name FROM pragma_table_info({}) WHERE pk = 1", quote_literal(&out.name)), [], |r| r.get(0)).map_err(e)?;
    let rtree = format!("rtree_{}_{}", out.name, geom_col);
    let indexed: bool = db.query_row("SELECT count(*) > 0 FROM sqlite_master WHERE name = ?1", [&rtree], |r| r.get(0)).map_err(e)?;
    // GDAL's triggers keep the R-tree and the feature count up to date, a
    // statement per row and through GDAL's own SQL functions: set aside
    // while the rows go in, both filled once, the triggers put back.
    let triggers: Vec<(String, String)> = db
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND lower(tbl_name) = lower(?1)")
        .and_then(|mut st| st.query_map([&out.name], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .map_err(e)?;
    let tx = db.transaction().map_err(e)?;
    for (name, _) in &triggers {
        tx.execute_batch(&format!("DROP TRIGGER {}", quote(name))).map_err(e)?;
    }
    let mut boxes: Vec<(i64, [f64; 4])> = Vec::with_capacity(if indexed { out.geoms.len() } else { 0 });
    let mut extent: Option<geo_types::Rect<f64>> = None;
    {
        let names: Vec<String> = [&fid_col, &geom_col].into_iter().chain(fields).map(|n| quote(n)).collect();
        let mut buf = Vec::new();
        insert_rows(&tx, &quote(&out.name), &names, out.geoms.len(), |stmt, first, row| {
            let g = &out.geoms[row];
            let fid = row as i64 + 1;
            stmt.raw_bind_parameter(first, fid).map_err(e)?;
            // SQLite copies what is bound, so one buffer serves every row.
            buf.clear();
            if let Some(r) =
                blob(&mut buf, g, srs_id, wrap(g)).map_err(|m| String::from(crate::msg::OutputTrouble::RowGeometry { row, detail: m.to_string() }))?
            {
                if indexed {
                    boxes.push((fid, [r.min().x, r.max().x, r.min().y, r.max().y]));
                }
                extent = Some(extent.map_or(r, |x| crate::model::union(x, r)));
            }
            stmt.raw_bind_parameter(first + 1, &buf[..]).map_err(e)?;
            for (k, c) in out.columns.iter().enumerate() {
                let i = first + 2 + k;
                match &c.values {
                    Values::Int(v) => stmt.raw_bind_parameter(i, v[row]),
                    Values::Real(v) => stmt.raw_bind_parameter(i, v.get(row)),
                    Values::Text(v) => stmt.raw_bind_parameter(i, v[row].as_deref()),
                }
                .map_err(e)?;
            }
            Ok(())
        })?;
    }
    if indexed {
        rtree::fill(&tx, &rtree, &boxes).map_err(|err| String::from(crate::msg::OutputTrouble::SpatialIndex { detail: err.to_string() }))?;
    }
    if let Some(r) = extent {
        tx.execute(
            "UPDATE gpkg_contents SET min_x = ?1, min_y = ?2, max_x = ?3, max_y = ?4 WHERE lower(table_name) = lower(?5)",
            rusqlite::params![r.min().x, r.min().y, r.max().x, r.max().y, &out.name],
        )
        .map_err(e)?;
    }
    let has_counts: bool = tx.query_row("SELECT count(*) > 0 FROM sqlite_master WHERE name = 'gpkg_ogr_contents'", [], |r| r.get(0)).map_err(e)?;
    if has_counts {
        tx.execute("UPDATE gpkg_ogr_contents SET feature_count = ?1 WHERE lower(table_name) = lower(?2)", rusqlite::params![out.geoms.len() as i64, &out.name])
            .map_err(e)?;
    }
    for (_, sql) in &triggers {
        tx.execute_batch(sql).map_err(e)?;
    }
    tx.commit().map_err(e)
}

fn quote_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{line_string, point, MultiPolygon};

    /// A point as GDAL 3.6 writes it: header "GP", version 0, flags 0x01
    /// (little-endian, no envelope), SRS id, then WKB that GDAL reads back.
    #[test]
    fn a_point_blob_is_the_one_gdal_writes() {
        let mut buf = Vec::new();
        blob(&mut buf, &Geometry::Point(point!(x: 593196.44, y: 3460260.058)), 4549, Wrap::None).unwrap();
        assert_eq!(&buf[..8], &[0x47, 0x50, 0, 0x01, 0xC5, 0x11, 0, 0]);
        let g = gdal::vector::Geometry::from_wkb(&buf[8..]).unwrap();
        assert_eq!(g.get_point(0), (593196.44, 3460260.058, 0.0));
    }

    #[test]
    fn single_parts_in_multi_layers_are_wrapped_and_carry_an_envelope() {
        let mut buf = Vec::new();
        let l = Geometry::LineString(line_string![(x: 0.0, y: 1.0), (x: 2.0, y: 5.0)]);
        let r = blob(&mut buf, &l, 4549, Wrap::MultiLineString).unwrap().unwrap();
        assert_eq!((r.min().x, r.max().y), (0.0, 5.0));
        assert_eq!(buf[3], 0x03);
        let env: Vec<f64> = (0..4).map(|k| f64::from_le_bytes(buf[8 + 8 * k..16 + 8 * k].try_into().unwrap())).collect();
        assert_eq!(env, vec![0.0, 2.0, 1.0, 5.0]);
        // Multi header: little-endian, type 5, one part; then the line's own WKB (type 2).
        assert_eq!(&buf[40..49], &[1, 5, 0, 0, 0, 1, 0, 0, 0]);
        assert_eq!(&buf[49..54], &[1, 2, 0, 0, 0]);
        let empty = Geometry::MultiPolygon(MultiPolygon::<f64>(vec![]));
        buf.clear();
        assert!(blob(&mut buf, &empty, 4549, Wrap::None).unwrap().is_none());
        assert_eq!(buf[3], 0x11, "empty flag, no envelope");
    }
}

/// The whole path (GDAL's tables, these rows, the packed R-tree, GDAL's
/// triggers put back) against GDAL reading the file as QGIS would.
#[cfg(test)]
mod roundtrip {
    use std::borrow::Cow;

    use gdal::vector::{Feature, LayerAccess, ToGdal};
    use gdal::{Dataset, DatasetOptions, GdalOpenFlags};
    use geo_types::{polygon, Geometry, MultiPolygon, Polygon};

    use crate::emit::vector::write_gpkg;
    use crate::emit::{Column, OutLayer};
    use crate::model::GeomKind;

    fn square(x: f64, y: f64) -> Polygon<f64> {
        polygon![(x: x, y: y), (x: x + 50.0, y: y), (x: x + 50.0, y: y + 50.0), (x: x, y: y + 50.0)]
    }

    fn fids_in(layer: &mut gdal::vector::Layer, r: [f64; 4]) -> Vec<u64> {
        layer.set_spatial_filter_rect(r[0], r[1], r[2], r[3]);
        let mut v: Vec<u64> = layer.features().map(|f| f.fid().unwrap()).collect();
        layer.clear_spatial_filter();
        v.sort_unstable();
        v
    }

    /// Where block `i` of the test layer starts: 20 to a row, 100 m apart.
    fn block_origin(i: usize) -> (f64, f64) {
        (600_000.0 + (i % 20) as f64 * 100.0, 3_430_000.0 + (i / 20) as f64 * 100.0)
    }

    /// `n` squares, single and multi parts mixed, with an integer, a real (one
    /// empty, one NaN) and a text column (one empty, quotes in the others).
    fn blocks(n: usize) -> OutLayer<'static> {
        let geoms: Vec<Geometry<f64>> = (0..n)
            .map(|i| {
                let (x, y) = block_origin(i);
                // Single and multi parts mixed: the layer is declared multi.
                if i % 2 == 0 {
                    Geometry::Polygon(square(x, y))
                } else {
                    Geometry::MultiPolygon(MultiPolygon(vec![square(x, y)]))
                }
            })
            .collect();
        OutLayer {
            name: "blocks".into(),
            title: "街区".into(),
            description: "测试图层".into(),
            kind: GeomKind::Polygon,
            geoms: Cow::Owned(geoms),
            columns: vec![
                Column::int("n", (0..n).map(|i| Some(i as i64 * 7)).collect()),
                Column::real(
                    "x",
                    (0..n)
                        .map(|i| {
                            if i == 3 {
                                None
                            } else if i == 5 {
                                Some(f64::NAN)
                            } else {
                                Some(i as f64 / 4.0)
                            }
                        })
                        .collect(),
                ),
                Column::text("名称", (0..n).map(|i| (i != 7).then(|| format!("第{i}号'\"街区"))).collect()),
            ],
            tip: None,
        }
    }

    #[test]
    fn a_geopackage_written_through_sqlite_reads_back_in_gdal_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.gpkg");
        let n = 300;
        let layer = blocks(n);
        write_gpkg(&path, "EPSG:4549", std::slice::from_ref(&layer), &[]).unwrap();

        let ds = Dataset::open(&path).unwrap();
        let mut l = ds.layer_by_name("blocks").unwrap();
        assert_eq!(l.feature_count(), n as u64);
        let e = l.get_extent().unwrap();
        assert_eq!((e.MinX, e.MaxX, e.MinY, e.MaxY), (600_000.0, 601_950.0, 3_430_000.0, 3_431_450.0));
        for (i, f) in l.features().enumerate() {
            assert_eq!(f.fid(), Some(i as u64 + 1));
            assert_eq!(f.field_as_integer64(0).unwrap(), Some(i as i64 * 7));
            let x = f.field_as_double(1).unwrap();
            assert_eq!(x, if i == 3 || i == 5 { None } else { Some(i as f64 / 4.0) }, "row {i}");
            assert_eq!(f.field_as_string(2).unwrap(), (i != 7).then(|| format!("第{i}号'\"街区")));
            let (x0, y0) = block_origin(i);
            assert_eq!(f.geometry().unwrap().to_geo().unwrap(), Geometry::MultiPolygon(MultiPolygon(vec![square(x0, y0)])));
        }
        // The spatial index answers as a scan would.
        let window = [600_240.0, 3_430_140.0, 600_460.0, 3_430_260.0];
        let want: Vec<u64> = (0..n)
            .filter(|&i| {
                let (x, y) = block_origin(i);
                x <= window[2] && x + 50.0 >= window[0] && y <= window[3] && y + 50.0 >= window[1]
            })
            .map(|i| i as u64 + 1)
            .collect();
        assert_eq!(want.len(), 6);
        assert_eq!(fids_in(&mut l, window), want);
        let check = |path: &std::path::Path| -> String {
            rusqlite::Connection::open(path).unwrap().query_row("SELECT rtreecheck('rtree_blocks_geom')", [], |r| r.get(0)).unwrap()
        };
        assert_eq!(check(&path), "ok");
        drop(ds);

        // A user who edits the layer in a GIS keeps a working index and count:
        // GDAL's triggers are back in place.
        {
            let ds =
                Dataset::open_ex(&path, DatasetOptions { open_flags: GdalOpenFlags::GDAL_OF_UPDATE | GdalOpenFlags::GDAL_OF_VECTOR, ..Default::default() })
                    .unwrap();
            let mut l = ds.layer_by_name("blocks").unwrap();
            {
                let mut f = Feature::new(l.defn()).unwrap();
                f.set_geometry(Geometry::MultiPolygon(MultiPolygon(vec![square(610_000.0, 3_440_000.0)])).to_gdal().unwrap()).unwrap();
                f.create(&l).unwrap();
            }
            let added = fids_in(&mut l, [609_990.0, 3_439_990.0, 610_010.0, 3_440_010.0]);
            assert_eq!(added.len(), 1);
        }
        assert_eq!(check(&path), "ok");
        let count: i64 = rusqlite::Connection::open(&path)
            .unwrap()
            .query_row("SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'blocks'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, n as i64 + 1);
    }
}
