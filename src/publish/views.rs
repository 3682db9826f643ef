//! The schema's bookkeeping (`editions`, `domains`), the QGIS styles, and
//! the views that read across years — remade in every publish's transaction,
//! since a new year can bring a new domain table:
//!
//! - `objects`: every domain's scored objects of every year, one row each
//!   (domain, id, name, 街镇, scores, level computed and final, veto);
//! - `current_objects`, `current_streets`: those of the newest year published;
//! - `level_changes`: objects whose level rose or fell, new and removed ones,
//!   between consecutive published years of a cycle — what `sise compare`
//!   writes to changes.csv;
//! - `street_changes`: each 街镇's level per domain and 综合 in both years
//!   (compare's streets.csv); `transitions`: objects per (from, to) level;
//! - `district_summary`: the 区's level per domain and 综合 (summary.csv's 全区 rows;
//!   a city run's own `district_levels` table has each 区 of a city).

use std::path::Path;

use super::pg::Db;
use crate::cycle::Change;
use crate::emit::manifest::Manifest;
use crate::error::Result;
use crate::schema;

pub fn bookkeeping(db: &Db, s: &str) -> Result<()> {
    db.exec(&format!(
        "CREATE TABLE IF NOT EXISTS {s}.editions (
            cycle text NOT NULL, year integer NOT NULL, district text NOT NULL,
            fingerprint text NOT NULL, outputs text NOT NULL, sise_version text NOT NULL,
            working_crs text NOT NULL, published_at timestamptz NOT NULL DEFAULT now(),
            manifest jsonb NOT NULL, PRIMARY KEY (cycle, year));
         COMMENT ON TABLE {s}.editions IS '已发布的评估年度：运行指纹（输入）、输出摘要与 manifest';
         COMMENT ON COLUMN {s}.editions.fingerprint IS '运行指纹（配置、模型与输入数据的 SHA-256）';
         COMMENT ON COLUMN {s}.editions.outputs IS '输出摘要（相同则重复发布不作改动）';
         CREATE TABLE IF NOT EXISTS {s}.domains (
            cycle text NOT NULL, year integer NOT NULL, domain text NOT NULL, name text NOT NULL,
            layer text NOT NULL, model_version text NOT NULL, PRIMARY KEY (cycle, year, domain));
         COMMENT ON TABLE {s}.domains IS '各评估年度的领域、图层表与模型版本';"
    ))
}

/// The year's row in `editions` and its domains, replacing any earlier publish of it.
pub fn record_edition(db: &Db, s: &str, m: &Manifest, digest: &str, dir: &Path) -> Result<()> {
    let (c, y) = (db.literal(&m.config.cycle)?, m.config.year);
    let manifest = std::fs::read_to_string(dir.join("manifest.json")).map_err(|e| crate::error::Error::output(dir.join("manifest.json"), e))?;
    // Consecutive published years of a cycle.
    let mut sql = format!(
        "DELETE FROM {s}.editions WHERE cycle = {c} AND year = {y}; DELETE FROM {s}.domains WHERE cycle = {c} AND year = {y};
         INSERT INTO {s}.editions (cycle, year, district, fingerprint, outputs, sise_version, working_crs, manifest) VALUES ({c}, {y}, {}, {}, {}, {}, {}, {}::jsonb);",
        db.literal(&m.config.district)?,
        db.literal(&m.fingerprint)?,
        db.literal(digest)?,
        db.literal(&m.sise_version)?,
        db.literal(&m.config.working_crs)?,
        db.literal(&manifest)?,
    );
    for d in &m.models {
        sql.push_str(&format!(
            "INSERT INTO {s}.domains VALUES ({c}, {y}, {}, {}, {}, {});",
            db.literal(&d.id)?,
            db.literal(&d.name)?,
            db.literal(&d.layer.to_lowercase())?,
            db.literal(&d.model_version)?
        ));
    }
    db.exec(&sql)
}

/// Each layer's default QGIS style in `public.layer_styles`, the table QGIS
/// itself keeps styles in (made as QGIS makes it when missing), so QGIS opens
/// a published table in four colours with its Chinese aliases.
pub fn styles(db: &Db, schema: &str, layers: &[super::gpkg::Layer]) -> Result<()> {
    // A role without CREATE on `public` (PostgreSQL 15's default) cannot make the
    // table: the data still goes in, the styles are left out with a warning.
    db.exec("SAVEPOINT styles")?;
    match write_styles(db, schema, layers) {
        Ok(()) => db.exec("RELEASE SAVEPOINT styles"),
        Err(e) => {
            db.exec("ROLLBACK TO SAVEPOINT styles")?;
            tracing::warn!("{}", crate::msg::Warning::StylesNotStored { detail: e.to_string() });
            Ok(())
        }
    }
}

fn write_styles(db: &Db, schema: &str, layers: &[super::gpkg::Layer]) -> Result<()> {
    db.exec(
        "CREATE TABLE IF NOT EXISTS public.layer_styles (
            id serial PRIMARY KEY, f_table_catalog varchar, f_table_schema varchar, f_table_name varchar,
            f_geometry_column varchar, stylename text, styleqml xml, stylesld xml, useasdefault boolean,
            description text, owner varchar(63) DEFAULT CURRENT_USER, ui xml,
            update_time timestamp DEFAULT CURRENT_TIMESTAMP, type varchar)",
    )?;
    let sch = db.literal(schema)?;
    let mut sql = String::new();
    for l in layers {
        let Some((qml, sld)) = &l.style else { continue };
        let (table, geom) = (db.literal(&l.name.to_lowercase())?, db.literal(&l.geometry_column)?);
        let key = format!("f_table_catalog = current_database() AND f_table_schema = {sch} AND f_table_name = {table} AND f_geometry_column = {geom}");
        // sise's style replaces its own earlier one; it is the default unless the bureau made another one its default.
        sql.push_str(&format!(
            "DELETE FROM public.layer_styles WHERE {key} AND description = 'sise';
             INSERT INTO public.layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, stylename, styleqml, stylesld, useasdefault, description)
             VALUES (current_database(), {sch}, {table}, {geom}, '四色风险', XMLPARSE(DOCUMENT {}), {}, NOT EXISTS (SELECT 1 FROM public.layer_styles WHERE {key} AND useasdefault), 'sise');",
            db.literal(qml)?,
            if sld.is_empty() { "NULL".to_string() } else { format!("XMLPARSE(DOCUMENT {})", db.literal(sld)?) }
        ));
    }
    if sql.is_empty() {
        return Ok(());
    }
    db.exec(&sql)
}

/// (column, type) of `objects`, in order; a domain table that lacks one gives NULL.
const OBJECT_COLUMNS: [(&str, &str); 11] = [
    (schema::ID, "text"),
    (schema::NAME, "text"),
    (schema::STREET_CODE, "text"),
    (schema::STREET_NAME, "text"),
    (schema::INHERENT, "double precision"),
    (schema::CONTROL_FACTOR, "double precision"),
    (schema::SCORE, "double precision"),
    (schema::LEVEL, "bigint"),
    (schema::COMPUTED_LEVEL, "bigint"),
    (schema::LEVEL_NAME, "text"),
    (schema::VETO_REASON, "text"),
];

/// The views `create` makes.
const VIEWS: [&str; 8] = ["pairs", "objects", "current_objects", "current_streets", "level_changes", "street_changes", "transitions", "district_summary"];

/// A level code's name as everything else of sise writes it.
fn level_name(col: &str) -> String {
    let whens: String = crate::level::Level::ALL.iter().map(|l| format!(" WHEN {} THEN '{}'", l.number(), l.name_zh())).collect();
    format!("CASE {col}{whens} END")
}

/// How a change between two years is named, as `sise compare` names it:
/// `new`/`removed` say when an object or level is missing on one side;
/// `with_same` adds 等级不变 for rows that did not change.
fn change_case(new: &str, removed: &str, from: &str, to: &str, with_same: bool) -> String {
    let same = if with_same { format!("WHEN {from} IS NOT DISTINCT FROM {to} THEN '{}' ", Change::Same.label()) } else { String::new() };
    format!(
        "CASE {same}WHEN {new} THEN '{}' WHEN {removed} THEN '{}' WHEN {to} < {from} THEN '{}' ELSE '{}' END",
        Change::New.label(),
        Change::Removed.label(),
        Change::Up.label(),
        Change::Down.label()
    )
}

/// Remake the views over every published year.
pub fn create(db: &Db, s: &str) -> Result<()> {
    let domains = db.rows(&format!("SELECT DISTINCT ON (domain) domain, layer FROM {s}.domains ORDER BY domain, year DESC"))?;
    let mut sql = drop_earlier(db, s)?;
    sql.push_str(&format!(
        "CREATE VIEW {s}.pairs AS SELECT cycle, lag(year) OVER (PARTITION BY cycle ORDER BY year) AS from_year, year AS to_year FROM {s}.editions;"
    ));
    let Some(union) = objects_union(db, s, &domains)? else {
        return db.exec(&sql);
    };
    sql.push_str(&object_views(s, &union));
    if let Some(v) = street_changes(db, s, &domains)? {
        sql.push_str(&v);
    }
    if !super::existing_columns(db, &format!("{s}.{}", super::tables::SUMMARY_TABLE))?.is_empty() {
        sql.push_str(&format!(
            "CREATE VIEW {s}.district_summary AS SELECT cycle, year, unit_code, unit_name, domain, domain_name, red, orange, yellow, blue, objects, level, level_name
               FROM {s}.summary WHERE scope = '全区';
             COMMENT ON VIEW {s}.district_summary IS '全区分领域与综合风险等级';"
        ));
    }
    db.exec(&sql)
}

/// `DROP VIEW` for the views of an earlier publish (only views: a table of
/// such a name is refused when the view is made, never dropped).
fn drop_earlier(db: &Db, s: &str) -> Result<String> {
    let names: Vec<String> = VIEWS.iter().map(|v| db.literal(v)).collect::<Result<_>>()?;
    let old = db.rows(&format!(
        "SELECT table_name FROM information_schema.views WHERE table_schema = {} AND table_name IN ({})",
        db.literal(&s[1..s.len() - 1].replace("\"\"", "\""))?, // the schema, unquoted
        names.join(", ")
    ))?;
    Ok(old.iter().filter_map(|r| r[0].as_deref()).map(|v| format!("DROP VIEW IF EXISTS {s}.{} CASCADE;", db.ident(v))).collect())
}

/// Every domain table's objects in the columns of `objects` (a column a
/// table lacks as NULL), as one UNION ALL; none when nothing is published.
fn objects_union(db: &Db, s: &str, domains: &[Vec<Option<String>>]) -> Result<Option<String>> {
    let srid = db.rows(&format!("SELECT split_part(working_crs, ':', 2) FROM {s}.editions ORDER BY year DESC LIMIT 1"))?;
    let srid: i32 = srid.first().and_then(|r| r[0].as_deref()).and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut parts = Vec::new();
    for row in domains {
        let (Some(domain), Some(layer)) = (&row[0], &row[1]) else { continue };
        let table = format!("{s}.{}", db.ident(layer));
        let have = super::existing_columns(db, &table)?;
        if have.is_empty() {
            continue;
        }
        let cols: Vec<String> =
            OBJECT_COLUMNS.iter().map(|(c, t)| if have.contains_key(*c) { db.ident(c) } else { format!("NULL::{t} AS {}", db.ident(c)) }).collect();
        parts.push(format!(
            "SELECT cycle, year, {} AS domain, {}, geom::geometry(Geometry, {srid}) AS geom FROM {table}",
            db.literal(domain)?,
            cols.join(", ")
        ));
    }
    Ok((!parts.is_empty()).then(|| parts.join(" UNION ALL ")))
}

/// `objects`, the current objects and 街镇, `level_changes` and `transitions`.
fn object_views(s: &str, union: &str) -> String {
    let newest = format!("(SELECT cycle, year FROM {s}.editions ORDER BY year DESC, cycle DESC LIMIT 1)");
    format!(
        "CREATE VIEW {s}.objects AS {union};
         COMMENT ON VIEW {s}.objects IS '各年度各领域的评估对象（等级、得分、否决原因）';
         CREATE VIEW {s}.current_objects AS SELECT o.* FROM {s}.objects o JOIN {newest} e USING (cycle, year);
         COMMENT ON VIEW {s}.current_objects IS '最新发布年度的评估对象及其等级';
         CREATE VIEW {s}.current_streets AS SELECT t.* FROM {s}.streets t JOIN {newest} e USING (cycle, year);
         COMMENT ON VIEW {s}.current_streets IS '最新发布年度的街镇综合与分领域等级';
         CREATE VIEW {s}.level_changes AS
           WITH a AS (SELECT o.*, p.to_year AS next_year FROM {s}.objects o JOIN {s}.pairs p ON p.cycle = o.cycle AND p.from_year = o.year),
                b AS (SELECT o.*, p.from_year AS prev_year FROM {s}.objects o JOIN {s}.pairs p ON p.cycle = o.cycle AND p.to_year = o.year AND p.from_year IS NOT NULL)
           SELECT coalesce(b.cycle, a.cycle) AS cycle, coalesce(b.prev_year, a.year) AS from_year, coalesce(b.year, a.next_year) AS to_year,
                  coalesce(b.domain, a.domain) AS domain, coalesce(b.id, a.id) AS id,
                  coalesce(b.name, a.name) AS name, coalesce(b.street_name, a.street_name) AS street_name,
                  a.level AS from_level, b.level AS to_level, {from_name} AS from_level_name, {to_name} AS to_level_name,
                  {change} AS change,
                  coalesce(b.geom, a.geom) AS geom
           FROM a FULL JOIN b ON b.cycle = a.cycle AND b.year = a.next_year AND b.domain = a.domain AND b.id = a.id
           -- Only objects that changed, of domains both years assessed (as compare does).
           WHERE (a.id IS NULL OR b.id IS NULL OR a.level IS DISTINCT FROM b.level)
             AND EXISTS (SELECT 1 FROM {s}.domains d WHERE d.cycle = coalesce(b.cycle, a.cycle) AND d.year = coalesce(b.prev_year, a.year) AND d.domain = coalesce(b.domain, a.domain))
             AND EXISTS (SELECT 1 FROM {s}.domains d WHERE d.cycle = coalesce(b.cycle, a.cycle) AND d.year = coalesce(b.year, a.next_year) AND d.domain = coalesce(b.domain, a.domain));
         COMMENT ON VIEW {s}.level_changes IS '相邻发布年度之间等级变化、新增和撤销的对象（同 sise compare 的 changes.csv）';
         CREATE VIEW {s}.transitions AS
           SELECT cycle, from_year, to_year, domain, from_level, to_level, count(*) AS objects FROM (
             SELECT p.cycle, p.from_year, p.to_year, a.domain, a.level AS from_level, b.level AS to_level
             FROM {s}.pairs p JOIN {s}.objects a ON a.cycle = p.cycle AND a.year = p.from_year
             JOIN {s}.objects b ON b.cycle = p.cycle AND b.year = p.to_year AND b.domain = a.domain AND b.id = a.id
             WHERE p.from_year IS NOT NULL) t
           GROUP BY cycle, from_year, to_year, domain, from_level, to_level;
         COMMENT ON VIEW {s}.transitions IS '相邻发布年度之间各领域对象的等级转移（原等级 × 现等级 的对象数）';",
        from_name = level_name("a.level"),
        to_name = level_name("b.level"),
        change = change_case("a.id IS NULL", "b.id IS NULL", "a.level", "b.level", false),
    )
}

/// `street_changes`: each 街镇's domain and comprehensive levels between
/// consecutive years, as compare's streets.csv; none without a `streets` table.
fn street_changes(db: &Db, s: &str, domains: &[Vec<Option<String>>]) -> Result<Option<String>> {
    let streets = super::existing_columns(db, &format!("{s}.streets"))?;
    if streets.is_empty() {
        return Ok(None);
    }
    let mut cols: Vec<(String, String)> =
        domains.iter().filter_map(|r| r[0].clone()).map(|d| (d.clone(), schema::domain_level_column(&d))).filter(|(_, c)| streets.contains_key(c)).collect();
    cols.push(("综合".into(), schema::LEVEL.into()));
    let unpivot: Vec<String> = cols.iter().map(|(d, c)| Ok(format!("({}, a.{}, b.{})", db.literal(d)?, db.ident(c), db.ident(c)))).collect::<Result<_>>()?;
    Ok(Some(format!(
        "CREATE VIEW {s}.street_changes AS
           SELECT p.cycle, p.from_year, p.to_year, b.street_code, b.street_name, v.domain, v.from_level, v.to_level,
                  {from_name} AS from_level_name, {to_name} AS to_level_name,
                  {change} AS change
           FROM {s}.pairs p
           JOIN {s}.streets b ON b.cycle = p.cycle AND b.year = p.to_year
           LEFT JOIN {s}.streets a ON a.cycle = p.cycle AND a.year = p.from_year AND a.street_code = b.street_code
           CROSS JOIN LATERAL (VALUES {values}) v(domain, from_level, to_level)
           WHERE p.from_year IS NOT NULL;
         COMMENT ON VIEW {s}.street_changes IS '相邻发布年度之间各街镇分领域与综合等级的变化（同 sise compare 的 streets.csv）';",
        from_name = level_name("v.from_level"),
        to_name = level_name("v.to_level"),
        change = change_case("v.from_level IS NULL", "v.to_level IS NULL", "v.from_level", "v.to_level", true),
        values = unpivot.join(", "),
    )))
}
