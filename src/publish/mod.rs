//! `sise publish OUT/<cycle>/<year> --to PG:…`: one assessment year into a
//! PostGIS schema that keeps every year of every cycle, for the district's
//! data platform, next year's run and other departments' tools.
//!
//! What goes in, each row keyed by (`cycle`, `year`): every layer of the
//! year's `sise.gpkg` (the domains' scored objects, `grid`, `streets`) as a
//! table of the same name in lower case, geometry in the working CRS with a
//! GiST index, column comments from the layer's Chinese aliases; the hand-over
//! tables (`tables/*.parquet`: 风险清单, domain and 街镇 levels, …) and
//! `summary.csv` (the 区 and 街镇 levels); the year in `editions` (with the
//! manifest and its fingerprint) and its domains in `domains`; each layer's
//! QGIS style in `public.layer_styles`, as QGIS stores styles itself. Views
//! over them are remade with every publish ([`views`]).
//!
//! All or nothing: one transaction per year, which first deletes the year's
//! rows, so a republish replaces them and a failure (lost connection, a
//! constraint, a kill) leaves every year as it was. Publishing outputs whose
//! digest is already stored for that year changes nothing and says so.

mod copy;
mod gpkg;
pub mod pg;
mod tables;
mod views;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use sha2::{Digest, Sha256};

use crate::emit::manifest::{sha256_file, Manifest};
use crate::error::{Bad, Error, Result};
use crate::msg::{DbName, PublishTrouble};
use pg::Db;

/// The schema when none is named.
pub const DEFAULT_SCHEMA: &str = "sise";

/// What a publish did.
pub struct Published {
    pub cycle: String,
    pub year: i32,
    pub target: String,
    pub schema: String,
    /// Table → rows of this year.
    pub tables: Vec<(String, usize)>,
    /// The same outputs were there already: nothing was written.
    pub unchanged: bool,
    pub seconds: f64,
}

/// A name sise creates in the database: what PostgreSQL keeps of it whole.
/// (It cuts identifiers at 63 bytes, so two long keys could become one column.)
fn checked_name(name: &str, what: DbName, path: &Path) -> Result<String> {
    if name.is_empty() || name.len() > 63 || name.contains('\0') {
        return Err(Error::input(Bad::Field, path, None, PublishTrouble::NameTooLong { what, name: name.to_owned() }));
    }
    Ok(name.to_owned())
}

/// Over the year's output hashes: the same digest means the same outputs.
fn outputs_digest(m: &Manifest) -> String {
    let mut h = Sha256::new();
    h.update(m.sise_version.as_bytes());
    for (file, hash) in &m.outputs {
        h.update(file.as_bytes());
        h.update([0]);
        h.update(hash.as_bytes());
        h.update([0]);
    }
    format!("{:x}", h.finalize())
}

/// The files a publish reads must be the ones the manifest lists, unchanged.
fn verify(dir: &Path, m: &Manifest, files: &[String]) -> Result<()> {
    for f in files {
        let path = dir.join(f);
        let Some(want) = m.outputs.get(f) else {
            return Err(Error::input(Bad::File, &path, None, PublishTrouble::NotInManifest));
        };
        let got = sha256_file(&path).map_err(|e| Error::input(Bad::File, &path, None, e.to_string()))?;
        if &got != want {
            return Err(Error::input(Bad::File, &path, None, PublishTrouble::ChangedAfterRun));
        }
    }
    Ok(())
}

/// Publish the year in `dir` to `target` (a `PG:` connection), into `schema`.
pub fn publish(dir: &Path, target: &str, schema: &str) -> Result<Published> {
    let started = Instant::now();
    let m = Manifest::read(dir)?;
    let gpkg_path = dir.join("sise.gpkg");
    let parquet = tables::parquet_files(dir)?;
    let mut files: Vec<String> = vec!["sise.gpkg".into(), tables::SUMMARY.into()];
    files.extend(parquet.iter().map(|p| format!("tables/{p}.parquet")));
    let t = Instant::now();
    verify(dir, &m, &files)?;
    tracing::debug!(seconds = t.elapsed().as_secs_f64(), "outputs checked against the manifest");
    let gpkg = gpkg::open(&gpkg_path)?;
    let layers = gpkg::layers(&gpkg, &gpkg_path)?;
    let (cycle, year) = (m.config.cycle.clone(), m.config.year);
    let digest = outputs_digest(&m);

    let db = Db::connect(target)?;
    let s = db.ident(&checked_name(schema, DbName::Schema, Path::new(schema))?);
    let mut out =
        Published { cycle: cycle.clone(), year, target: db.target.clone(), schema: schema.to_owned(), tables: Vec::new(), unchanged: false, seconds: 0.0 };
    db.exec("BEGIN")?;
    let result = (|| {
        // One publisher at a time per schema: a second waits here, then sees the first's commit.
        db.exec(&format!("SELECT pg_advisory_xact_lock(hashtext({}))", db.literal(&format!("sise.publish.{schema}"))?))?;
        require_postgis(&db)?;
        db.exec(&format!("CREATE SCHEMA IF NOT EXISTS {s}"))?;
        views::bookkeeping(&db, &s)?;
        let (lc, ly) = (db.literal(&cycle)?, year);
        let stored = db.rows(&format!("SELECT outputs FROM {s}.editions WHERE cycle = {lc} AND year = {ly}"))?;
        if stored.first().and_then(|r| r[0].as_deref()) == Some(digest.as_str()) {
            out.unchanged = true;
            return Ok(());
        }
        copy_year(&db, &s, dir, &gpkg_path, &layers, &parquet, &cycle, year, &mut out.tables)?;
        let rows = tables::publish_summary(&db, &s, &dir.join(tables::SUMMARY), &cycle, year)?;
        out.tables.push((tables::SUMMARY_TABLE.to_owned(), rows));
        let t = Instant::now();
        views::record_edition(&db, &s, &m, &digest, dir)?;
        views::styles(&db, schema, &layers)?;
        views::create(&db, &s)?;
        tracing::debug!(seconds = t.elapsed().as_secs_f64(), "edition, styles and views");
        Ok(())
    })();
    match result {
        Ok(()) if out.unchanged => db.exec("ROLLBACK")?,
        Ok(()) => {
            let t = Instant::now();
            db.exec("COMMIT")?;
            tracing::debug!(seconds = t.elapsed().as_secs_f64(), "committed");
        }
        Err(e) => {
            // The connection may be gone; the server rolls back on its own then.
            let _ = db.exec("ROLLBACK");
            return Err(e);
        }
    }
    out.seconds = started.elapsed().as_secs_f64();
    Ok(out)
}

/// The year's rows: every layer of its GeoPackage, then the hand-over
/// tables, which a second thread reads ahead while the layers are copied
/// (all of them: the 风险清单 is the fifth and longest). Adds (table, rows) to `done`.
#[allow(clippy::too_many_arguments)]
fn copy_year(
    db: &Db,
    s: &str,
    dir: &Path,
    gpkg_path: &Path,
    layers: &[gpkg::Layer],
    parquet: &[String],
    cycle: &str,
    year: i32,
    done: &mut Vec<(String, usize)>,
) -> Result<()> {
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::channel();
        scope.spawn(move || {
            for stem in parquet {
                let t = Instant::now();
                let table = tables::read_parquet(dir, stem);
                tracing::debug!(seconds = t.elapsed().as_secs_f64(), "read {stem}");
                if tx.send(table).is_err() {
                    break; // the publish failed: stop reading
                }
            }
        });
        for layer in layers {
            let t = Instant::now();
            let rows = publish_layer(db, s, gpkg_path, layer, cycle, year)?;
            tracing::debug!(rows, seconds = t.elapsed().as_secs_f64(), "published {}", layer.name);
            done.push((layer.name.to_lowercase(), rows));
        }
        for table in rx {
            let (table, t) = (table?, Instant::now());
            let rows = tables::publish_parquet(db, s, &table, cycle, year)?;
            tracing::debug!(rows, seconds = t.elapsed().as_secs_f64(), "published {}", table.stem);
            done.push((table.stem.clone(), rows));
        }
        Ok(())
    })
}

/// A sink for COPY chunks.
type Sink<'a> = &'a mut dyn FnMut(Vec<u8>) -> Result<()>;

/// `COPY … FROM STDIN` fed by `produce` on a second thread, so rows are read
/// and encoded while the server stores the chunk before; an error of
/// `produce` ends the copy and is the one returned.
fn copy_streamed(db: &Db, sql: &str, produce: impl FnOnce(Sink) -> Result<()> + Send) -> Result<()> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Vec<u8>>>(4);
    std::thread::scope(|scope| {
        let producer = scope.spawn(move || {
            let mut send =
                |chunk: Vec<u8>| tx.send(Ok(chunk)).map_err(|_| Error::Database { target: String::new(), message: PublishTrouble::CopyStopped.into() });
            if let Err(e) = produce(&mut send) {
                let _ = tx.send(Err(e));
            }
        });
        let copied = db.copy_in(sql, rx.into_iter());
        producer.join().expect("a COPY producer does not panic");
        copied
    })
}

fn require_postgis(db: &Db) -> Result<()> {
    let rows = db.rows("SELECT extversion FROM pg_extension WHERE extname = 'postgis'")?;
    if rows.is_empty() {
        return Err(Error::Database { target: db.target.clone(), message: PublishTrouble::NoPostgis.into() });
    }
    Ok(())
}

/// The columns a table has in the database, with their types.
fn existing_columns(db: &Db, table: &str) -> Result<BTreeMap<String, String>> {
    let rows = db.rows(&format!(
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = to_regclass({}) AND attnum > 0 AND NOT attisdropped",
        db.literal(table)?
    ))?;
    Ok(rows.into_iter().filter_map(|r| Some((r[0].clone()?, r[1].clone()?))).collect())
}

/// A table made ready for the year's rows.
struct Prepared {
    /// This transaction made it: its rows are copied frozen (`FREEZE`: no
    /// later pass sets their visibility bits), and its primary key is built
    /// after the copy, once and sorted, instead of an index insert per row
    /// (that made the copy of a 300,000-object layer take twice as long).
    created: bool,
    /// `ALTER TABLE … ADD PRIMARY KEY …` for a table made here.
    key_after: Option<String>,
}

impl Prepared {
    fn copy_options(&self) -> &'static str {
        if self.created {
            "FORMAT binary, FREEZE true"
        } else {
            "FORMAT binary"
        }
    }

    /// After the copy: the primary key of a table made here.
    fn finish(&self, db: &Db) -> Result<()> {
        self.key_after.as_ref().map_or(Ok(()), |sql| db.exec(sql))
    }
}

/// Make `table` hold `columns` (adding what an earlier year lacked); refuse a
/// column whose type differs from an earlier year's. The key columns are its
/// primary key, or (`primary_key` false: hand-over tables, numbered by sise,
/// whose key index made up a third of the 风险清单's copy) only its first columns.
fn ensure_table(db: &Db, table: &str, key_columns: &[(&str, &str)], primary_key: bool, columns: &[(String, String)], path: &Path) -> Result<Prepared> {
    let created = existing_columns(db, table)?.is_empty();
    let keys: Vec<String> = key_columns.iter().map(|(n, t)| format!("{} {t} NOT NULL", db.ident(n))).collect();
    let pk = format!("PRIMARY KEY ({})", key_columns.iter().map(|(n, _)| db.ident(n)).collect::<Vec<_>>().join(", "));
    db.exec(&format!("CREATE TABLE IF NOT EXISTS {table} ({})", keys.join(", ")))?;
    create_columns(db, table, columns, path)?;
    Ok(Prepared { created, key_after: (created && primary_key).then(|| format!("ALTER TABLE {table} ADD {pk}")) })
}

fn create_columns(db: &Db, table: &str, columns: &[(String, String)], path: &Path) -> Result<()> {
    let have = existing_columns(db, table)?;
    for (name, sql_type) in columns {
        match have.get(name) {
            Some(t) if t.eq_ignore_ascii_case(sql_type) => {}
            Some(t) => {
                return Err(Error::input(
                    Bad::Type,
                    path,
                    None,
                    PublishTrouble::ColumnType { name: name.clone(), sql_type: sql_type.clone(), was: t.clone(), table: table.to_owned() },
                ))
            }
            None => db.exec(&format!("ALTER TABLE {table} ADD COLUMN {} {sql_type}", db.ident(name)))?,
        }
    }
    Ok(())
}

/// PostGIS's geometry type for a GeoPackage's.
fn geometry_sql(gpkg_type: &str, epsg: i32) -> String {
    let t = match gpkg_type.to_ascii_uppercase().as_str() {
        "POINT" => "Point",
        "MULTIPOINT" => "MultiPoint",
        "LINESTRING" => "LineString",
        "MULTILINESTRING" => "MultiLineString",
        "POLYGON" => "Polygon",
        "MULTIPOLYGON" => "MultiPolygon",
        _ => "Geometry",
    };
    format!("geometry({t},{epsg})")
}

fn publish_layer(db: &Db, s: &str, path: &Path, layer: &gpkg::Layer, cycle: &str, year: i32) -> Result<usize> {
    let name = checked_name(&layer.name.to_lowercase(), DbName::Layer, path)?;
    let table = format!("{s}.{}", db.ident(&name));
    let mut columns: Vec<(String, String)> = Vec::new();
    for c in &layer.columns {
        if [crate::schema::CYCLE, crate::schema::YEAR, "fid"].contains(&c.name.as_str()) {
            return Err(Error::input(Bad::Field, path, Some(&layer.name), PublishTrouble::KeyName { name: c.name.clone() }));
        }
        columns.push((checked_name(&c.name, DbName::Field, path)?, c.kind.sql().to_owned()));
    }
    let geom = checked_name(&layer.geometry_column, DbName::GeometryColumn, path)?;
    columns.push((geom.clone(), geometry_sql(&layer.geometry_type, layer.epsg)));
    let prepared = ensure_table(db, &table, &[(crate::schema::CYCLE, "text"), (crate::schema::YEAR, "integer"), ("fid", "bigint")], true, &columns, path)?;
    let lc = db.literal(cycle)?;
    db.exec(&format!("DELETE FROM {table} WHERE cycle = {lc} AND year = {year}"))?;
    let list: Vec<String> = ["cycle", "year", "fid"].iter().map(|c| db.ident(c)).chain(columns.iter().map(|(c, _)| db.ident(c))).collect();
    let sql = format!("COPY {table} ({}) FROM STDIN ({})", list.join(", "), prepared.copy_options());
    copy_streamed(db, &sql, |send| {
        let conn = gpkg::open(path)?;
        gpkg::copy_rows(&conn, path, layer, cycle, year, send)
    })?;
    prepared.finish(db)?;
    let ident = |suffix: &str| db.ident(&format!("{}_{suffix}", &name[..name.len().min(50)]));
    db.exec(&format!("CREATE INDEX IF NOT EXISTS {} ON {table} USING gist ({})", ident("geom"), db.ident(&geom)))?;
    if layer.columns.iter().any(|c| c.name == crate::schema::ID) {
        db.exec(&format!("CREATE INDEX IF NOT EXISTS {} ON {table} (id, cycle, year)", ident("id")))?;
    }
    comments(db, &table, layer)?;
    Ok(layer.rows)
}

/// The layer's title and every column's Chinese name, which QGIS shows.
fn comments(db: &Db, table: &str, layer: &gpkg::Layer) -> Result<()> {
    let title = if layer.description.is_empty() { layer.title.clone() } else { format!("{}：{}", layer.title, layer.description) };
    let mut sql = format!("COMMENT ON TABLE {table} IS {};", db.literal(&title)?);
    let fixed = [(crate::schema::CYCLE, "评估周期"), (crate::schema::YEAR, "评估年度"), ("fid", "要素编号（该年度 GeoPackage 中）")];
    for (c, zh) in fixed {
        sql.push_str(&format!("COMMENT ON COLUMN {table}.{} IS {};", db.ident(c), db.literal(zh)?));
    }
    for (c, alias) in &layer.aliases {
        if layer.columns.iter().any(|col| &col.name == c) {
            sql.push_str(&format!("COMMENT ON COLUMN {table}.{} IS {};", db.ident(c), db.literal(alias)?));
        }
    }
    db.exec(&sql)
}
