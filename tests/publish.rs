//! `sise publish` against a real PostgreSQL + PostGIS server, which the test
//! command starts (`scripts/postgres.sh`, PGHOST/PGPORT/PGUSER/PGDATABASE),
//! and database layers read through GDAL's PostgreSQL driver. Each test
//! publishes into a schema of its own.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::*;

/// The server the test command started; a clear failure without one.
fn server() -> String {
    for v in ["PGHOST", "PGPORT", "PGUSER", "PGDATABASE"] {
        assert!(
            std::env::var(v).is_ok(),
            "{v} is not set: the PostgreSQL tests need the server scripts/test.sh starts (or: eval $(bash scripts/postgres.sh start) with export)"
        );
    }
    let v = |k: &str| std::env::var(k).unwrap();
    format!("PG:host={} port={} user={} dbname={}", v("PGHOST"), v("PGPORT"), v("PGUSER"), v("PGDATABASE"))
}

fn psql(sql: &str) -> String {
    let o = Command::new("psql").args(["-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql]).output().expect("psql runs");
    assert!(o.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap().trim_end().to_owned()
}

fn fresh_schema(name: &str) -> String {
    server();
    psql(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"));
    name.to_owned()
}

fn publish(dir: &Path, schema: &str) -> Output {
    sise(&["publish", dir.to_str().unwrap(), "--to", &server(), "--schema", schema])
}

/// The demo's 2024 and 2025 in one output root, compared, once per test process.
fn demo_years() -> (PathBuf, PathBuf) {
    use std::sync::OnceLock;
    static YEARS: OnceLock<PathBuf> = OnceLock::new();
    let root = YEARS.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("publish-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for cfg in ["layers/demo/assessment.toml", "layers/demo-2025/assessment.toml"] {
            let o = sise(&["run", repo().join(cfg).to_str().unwrap(), "--out", root.to_str().unwrap(), "--no-web"]);
            assert!(o.status.success(), "{}", stderr(&o));
        }
        let years = root.join("2024-2026");
        let o = sise(&["compare", years.join("2024").to_str().unwrap(), years.join("2025").to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        years
    });
    (root.join("2024"), root.join("2025"))
}

/// The GeoPackage's feature tables.
fn gpkg_layers(gpkg: &Path) -> Vec<String> {
    let db = rusqlite::Connection::open(gpkg).unwrap();
    let mut s = db.prepare("SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name").unwrap();
    s.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

/// Per layer: rows, objects per level, and a SHA-256 over every geometry's WKB (in FID order).
fn gpkg_digest(gpkg: &Path, layer: &str) -> (i64, String, String) {
    use sha2::{Digest, Sha256};
    let db = rusqlite::Connection::open(gpkg).unwrap();
    let rows: i64 = db.query_row(&format!("SELECT count(*) FROM \"{layer}\""), [], |r| r.get(0)).unwrap();
    let levels: String = db
        .query_row(
            &format!("SELECT group_concat(l || ':' || n, ',') FROM (SELECT level AS l, count(*) AS n FROM \"{layer}\" GROUP BY level ORDER BY level)"),
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut s = db.prepare(&format!("SELECT geom FROM \"{layer}\" ORDER BY fid")).unwrap();
    let hexes: Vec<String> = s
        .query_map([], |r| r.get::<_, Vec<u8>>(0))
        .unwrap()
        .map(|b| {
            let b = b.unwrap();
            let envelope = [0, 32, 48, 48, 64][((b[3] >> 1) & 7) as usize];
            b[8 + envelope..].iter().map(|x| format!("{x:02x}")).collect()
        })
        .collect();
    let digest = Sha256::digest(hexes.join(",").as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    (rows, levels, digest)
}

fn pg_digest(schema: &str, table: &str, year: i32) -> (i64, String, String) {
    let t = format!("{schema}.{table} WHERE year = {year}");
    let rows: i64 = psql(&format!("SELECT count(*) FROM {t}")).parse().unwrap();
    let levels = psql(&format!("SELECT string_agg(l || ':' || n, ',' ORDER BY l) FROM (SELECT level AS l, count(*) AS n FROM {t} GROUP BY level) x"));
    let digest = psql(&format!("SELECT encode(sha256(convert_to(string_agg(encode(ST_AsBinary(geom), 'hex'), ',' ORDER BY fid), 'UTF8')), 'hex') FROM {t}"));
    (rows, levels, digest)
}

/// A CSV of sise's (BOM, header) as rows of cells.
fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut r = csv::ReaderBuilder::new().from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    r.records().map(|rec| rec.unwrap().iter().map(str::to_owned).collect()).collect()
}

fn lines(text: &str) -> BTreeSet<String> {
    text.lines().map(str::to_owned).collect()
}

#[test]
fn published_years_read_back_equal_the_geopackage_and_the_views_equal_compare() {
    let s = fresh_schema("t_readback");
    let (y2024, y2025) = demo_years();
    for dir in [&y2024, &y2025] {
        let o = publish(dir, &s);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    // Every layer of both years: rows, levels and every geometry as in the GeoPackage.
    for (dir, year) in [(&y2024, 2024), (&y2025, 2025)] {
        let gpkg = dir.join("sise.gpkg");
        let layers = gpkg_layers(&gpkg);
        assert_eq!(layers.len(), 19, "17 domains, grid, streets");
        for layer in layers {
            assert_eq!(pg_digest(&s, &layer.to_lowercase(), year), gpkg_digest(&gpkg, &layer), "{layer} {year}");
        }
    }
    // The hand-over tables: the 风险清单 row for row, the 区 levels as summary.csv's 全区 rows.
    let register = csv_rows(&y2025.join("tables/risk_register.csv"));
    assert_eq!(psql(&format!("SELECT count(*) FROM {s}.risk_register WHERE year = 2025")), register.len().to_string());
    let first = &register[0];
    assert_eq!(
        psql(&format!("SELECT concat_ws('|', \"风险点名称\", \"所属领域\", \"风险等级\") FROM {s}.risk_register WHERE year = 2025 ORDER BY row LIMIT 1")),
        format!("{}|{}|{}", first[1], first[3], first[12])
    );
    let summary = csv_rows(&y2025.join("summary.csv"));
    let district: BTreeSet<String> = summary.iter().filter(|r| r[0] == "全区").map(|r| format!("{}|{}|{}", r[3], r[10], r[11])).collect();
    assert_eq!(lines(&psql(&format!("SELECT concat_ws('|', domain, level, level_name) FROM {s}.district_summary WHERE year = 2025"))), district);
    assert!(district.contains("综合|1|重大风险"), "{district:?}");

    // The views say what `sise compare` wrote.
    let compare = y2025.parent().unwrap().join("compare-2024-2025");
    let changes: BTreeSet<String> = csv_rows(&compare.join("changes.csv")).iter().map(|r| r.join("|")).collect();
    let view = psql(&format!(
        "SELECT concat_ws('|', domain, id, coalesce(from_level_name, ''), coalesce(to_level_name, ''), change) FROM {s}.level_changes WHERE from_year = 2024 AND to_year = 2025"
    ));
    let view: BTreeSet<String> = view.lines().map(str::to_owned).collect();
    assert_eq!(view, changes);
    assert!(changes.len() > 50, "the demo's 2025 changes levels of {} objects", changes.len());
    let streets: BTreeSet<String> = csv_rows(&compare.join("streets.csv")).iter().map(|r| format!("{}|{}|{}|{}|{}", r[0], r[2], r[3], r[4], r[5])).collect();
    let view = psql(&format!(
        "SELECT concat_ws('|', street_code, domain, coalesce(from_level_name, ''), coalesce(to_level_name, ''), change) FROM {s}.street_changes WHERE to_year = 2025"
    ));
    assert_eq!(lines(&view), streets);
    let objects: usize = summary.iter().filter(|r| r[0] == "全区" && r[3] != "综合").map(|r| r[9].parse::<usize>().unwrap()).sum::<usize>();
    assert_eq!(psql(&format!("SELECT count(*) FROM {s}.current_objects WHERE year = 2025")), objects.to_string());
    assert_eq!(psql(&format!("SELECT count(*) FROM {s}.current_objects WHERE year <> 2025")), "0");

    // What QGIS shows: the layer's Chinese names as column comments, a GiST index, the style.
    assert_eq!(
        psql(&format!("SELECT col_description('{s}.d01_hazardous_chemicals'::regclass, attnum) FROM pg_attribute WHERE attrelid = '{s}.d01_hazardous_chemicals'::regclass AND attname = 'population_1000m'")),
        "周边1000米常住人口(人)"
    );
    assert_eq!(psql(&format!("SELECT count(*) FROM pg_indexes WHERE schemaname = '{s}' AND indexdef LIKE '%USING gist%'")), "19");
    assert_eq!(
        psql(&format!("SELECT count(*) FROM public.layer_styles WHERE f_table_schema = '{s}' AND useasdefault AND styleqml::text LIKE '%categorizedSymbol%'")),
        "19"
    );

    // The same outputs again: nothing changes, and sise says so.
    let before = psql(&format!("SELECT published_at FROM {s}.editions WHERE year = 2025"));
    let o = publish(&y2025, &s);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("nothing changed"), "{:?}", o);
    assert_eq!(psql(&format!("SELECT published_at FROM {s}.editions WHERE year = 2025")), before);
    assert_eq!(psql(&format!("SELECT string_agg(year::text, ',' ORDER BY year) FROM {s}.editions")), "2024,2025");
}

/// A 2025 with other outputs: the demo's without its expert review.
fn changed_2025() -> (tempfile::TempDir, PathBuf) {
    let mut cfg = demo_config_of("layers/demo-2025");
    cfg.remove("review");
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("assessment.toml");
    std::fs::write(&path, toml::to_string(&cfg).unwrap()).unwrap();
    let o = sise(&["run", path.to_str().unwrap(), "--out", tmp.path().join("out").to_str().unwrap(), "--no-web"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = tmp.path().join("out/2024-2026/2025");
    (tmp, dir)
}

fn year_state(s: &str) -> String {
    psql(&format!(
        "SELECT (SELECT outputs FROM {s}.editions WHERE year = 2025) || ' ' || (SELECT count(*) FROM {s}.streets WHERE year = 2025)
           || ' ' || (SELECT string_agg(id || ':' || level, ',' ORDER BY id) FROM {s}.d01_hazardous_chemicals WHERE year = 2025)
           || ' ' || (SELECT count(*) FROM {s}.risk_register WHERE year = 2025)"
    ))
}

#[test]
fn republishing_replaces_a_year_and_a_failed_or_killed_publish_leaves_it_as_it_was() {
    let s = fresh_schema("t_replace");
    let (y2024, y2025) = demo_years();
    for dir in [&y2024, &y2025] {
        assert!(publish(dir, &s).status.success());
    }
    let original = year_state(&s);
    let d01 = |year: i32| psql(&format!("SELECT level FROM {s}.d01_hazardous_chemicals WHERE year = {year} AND id = 'HC011'"));
    assert_eq!(d01(2025), "2", "the expert review set HC011 to orange");

    // Changed outputs replace the year's rows; 2024 stays.
    let (_tmp, changed) = changed_2025();
    let o = publish(&changed, &s);
    assert!(o.status.success(), "{}", stderr(&o));
    let replaced = year_state(&s);
    assert_ne!(replaced, original);
    assert_eq!(d01(2025), "1", "without the review HC011 is red again");
    assert_eq!(psql(&format!("SELECT count(*) FROM {s}.d01_hazardous_chemicals WHERE year = 2025")), "49");
    assert_eq!(pg_digest(&s, "grid", 2024), gpkg_digest(&y2024.join("sise.gpkg"), "grid"));

    // A constraint the new rows break: the publish fails, naming it, and the rows are as they were.
    psql(&format!("ALTER TABLE {s}.streets ADD CONSTRAINT planted_by_the_test CHECK (year <> 2025) NOT VALID"));
    let o = publish(&y2025, &s);
    assert_eq!(o.status.code(), Some(8), "{}", stderr(&o));
    assert!(stderr(&o).contains("planted_by_the_test"), "{}", stderr(&o));
    assert_eq!(year_state(&s), replaced);
    psql(&format!("ALTER TABLE {s}.streets DROP CONSTRAINT planted_by_the_test"));

    // Killed mid-transaction: a session holds the streets table, so the publish
    // waits there with every domain's rows already replaced, and is killed.
    let mut locker =
        Command::new("psql").args(["-XAtq", "-v", "ON_ERROR_STOP=1"]).stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).spawn().unwrap();
    use std::io::Write;
    let stdin = locker.stdin.as_mut().unwrap();
    writeln!(stdin, "BEGIN; LOCK TABLE {s}.streets IN ACCESS EXCLUSIVE MODE; SELECT 'locked';").unwrap();
    stdin.flush().unwrap();
    wait_for(|| {
        psql(&format!("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'streets' AND l.mode = 'AccessExclusiveLock' AND l.granted AND c.relnamespace = '{s}'::regnamespace")) == "1"
    });
    let mut publisher = Command::new(env!("CARGO_BIN_EXE_sise"))
        .args(["publish", y2025.to_str().unwrap(), "--to", &server(), "--schema", &s])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_for(|| psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'sise publish' AND wait_event_type = 'Lock'") == "1");
    // Its transaction has deleted and copied the domains already.
    publisher.kill().unwrap();
    publisher.wait().unwrap();
    writeln!(stdin, "ROLLBACK; \\q").unwrap();
    locker.wait().unwrap();
    wait_for(|| psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'sise publish'") == "0");
    assert_eq!(year_state(&s), replaced);
    assert_eq!(d01(2025), "1");
}

fn wait_for(mut ready: impl FnMut() -> bool) {
    for _ in 0..300 {
        if ready() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("waited 15 s in vain");
}

#[test]
fn passwords_stay_out_of_logs_and_messages() {
    let (_, y2025) = demo_years();
    let secret = "s3cret-for-the-test";
    // Trust authentication takes any password: the connection works and must not show it.
    let to = format!("{} password={secret}", server());
    let o = Command::new(env!("CARGO_BIN_EXE_sise"))
        .env("SISE_LOG", "trace")
        .args(["-vv", "publish", y2025.to_str().unwrap(), "--to", &to, "--schema", "t_secret"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let all = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
    assert!(!all.contains(secret), "{all}");
    assert!(all.contains("password=***"), "{all}");
    // A failing connection names the target without it.
    let o = sise(&["publish", y2025.to_str().unwrap(), "--to", &format!("PG:host=/nonexistent password={secret}")]);
    assert_eq!(o.status.code(), Some(8));
    assert!(!stderr(&o).contains(secret) && stderr(&o).contains("cannot connect"), "{}", stderr(&o));
    assert!(!psql("SELECT manifest::text FROM t_secret.editions").contains(secret));
    // A run config that holds a password is refused before anything runs.
    let mut cfg = demo_config();
    cfg["layers"]["factories"].as_table_mut().unwrap().insert("path".into(), format!("{} password=x", server()).into());
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("assessment.toml");
    std::fs::write(&path, toml::to_string(&cfg).unwrap()).unwrap();
    assert_refused(&path, &[], 3, &["password", "~/.pgpass"]);
}

/// A demo layer loaded into PostGIS as a census database holds it.
fn load_into_postgis(file: &Path, layer: Option<&str>, table: &str) {
    psql("CREATE SCHEMA IF NOT EXISTS census");
    let mut args: Vec<String> = vec!["-f".into(), "PostgreSQL".into(), server(), file.to_string_lossy().into_owned()];
    args.extend(layer.map(str::to_owned));
    args.extend(["-nln", table, "-overwrite", "-preserve_fid", "-lco", "FID=fid", "-lco", "GEOMETRY_NAME=geom"].map(str::to_owned));
    let o = Command::new("ogr2ogr").args(&args).output().unwrap();
    assert!(o.status.success(), "ogr2ogr: {}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_layer_read_from_postgis_gives_the_tables_its_file_gives() {
    let demo = repo().join("layers/demo");
    load_into_postgis(&demo.join("gas_pipelines.gpkg"), Some("pipelines"), "census.gas_pipelines");
    load_into_postgis(&demo.join("factories.geojson"), None, "census.factories");
    let run = |cfg: &toml::Table| -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("assessment.toml");
        std::fs::write(&path, toml::to_string(cfg).unwrap()).unwrap();
        let o = sise(&["run", path.to_str().unwrap(), "--out", tmp.path().join("out").to_str().unwrap(), "--no-web"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let dir = tmp.path().join("out/2024-2026/2024");
        (tmp, dir)
    };
    let files = demo_config();
    let mut db = files.clone();
    for (layer, table) in [("gas_pipelines", "census.gas_pipelines"), ("factories", "census.factories")] {
        let l = db["layers"][layer].as_table_mut().unwrap();
        l.insert("path".into(), server().into());
        l.insert("layer".into(), table.into());
    }
    let (_a, from_files) = run(&files);
    let (_b, from_db) = run(&db);
    let mut compared = 0;
    for entry in std::fs::read_dir(from_files.join("tables")).unwrap() {
        let name = entry.unwrap().file_name();
        if name.to_string_lossy().ends_with(".csv") {
            assert_eq!(sha256(&from_files.join("tables").join(&name)), sha256(&from_db.join("tables").join(&name)), "{name:?}");
            compared += 1;
        }
    }
    assert_eq!(sha256(&from_files.join("summary.csv")), sha256(&from_db.join("summary.csv")));
    assert!(compared >= 6);
    let manifest = std::fs::read_to_string(from_db.join("manifest.json")).unwrap();
    assert!(manifest.contains("census.gas_pipelines") && manifest.contains("not hashed"), "{manifest}");

    // The load checks hold for a table too: a field the model reads, dropped, is named with the table.
    psql("ALTER TABLE census.factories DROP COLUMN fire_class");
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("assessment.toml");
    std::fs::write(&path, toml::to_string(&db).unwrap()).unwrap();
    assert_refused(&path, &[], 12, &["PG:host=", "factories", "fire_class"]);
}

#[test]
fn a_run_with_a_publish_section_publishes_its_year() {
    let s = fresh_schema("t_run");
    let mut cfg = demo_config_of("layers/demo-2025");
    let mut publish = toml::Table::new();
    publish.insert("to".into(), server().into());
    publish.insert("schema".into(), s.clone().into());
    cfg.insert("publish".into(), publish.into());
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("assessment.toml");
    std::fs::write(&path, toml::to_string(&cfg).unwrap()).unwrap();
    let out = tmp.path().join("out");
    let o = sise(&["run", path.to_str().unwrap(), "--out", out.to_str().unwrap(), "--no-web"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(psql(&format!("SELECT cycle || ' ' || year FROM {s}.editions")), "2024-2026 2025");
    let gpkg = out.join("2024-2026/2025/sise.gpkg");
    assert_eq!(pg_digest(&s, "streets", 2025), gpkg_digest(&gpkg, "streets"));
    // Skipped by --if-changed, the run still makes sure the year is there (here: already, unchanged).
    psql(&format!("UPDATE {s}.editions SET published_at = '2000-01-01'"));
    let o = sise(&["run", path.to_str().unwrap(), "--out", out.to_str().unwrap(), "--no-web", "--if-changed"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(psql(&format!("SELECT published_at::date FROM {s}.editions")), "2000-01-01");
}

/// The bureau's analyst opens a published table in the real QGIS (headless):
/// the style sise stored in layer_styles applies itself, aliases and column
/// comments are Chinese, and the rendered year shows all four colours.
#[test]
fn qgis_opens_a_published_table_in_four_colours() {
    let s = fresh_schema("t_qgis");
    let (y2024, y2025) = demo_years();
    for dir in [&y2024, &y2025] {
        let o = publish(dir, &s);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let tmp = tempfile::tempdir().unwrap();
    let runtime = tmp.path().join("xdg");
    std::fs::create_dir(&runtime).unwrap();
    // The grid: cells edge to edge, so each level's fill shows as its exact colour.
    let png = tmp.path().join("grid.png");
    let o = Command::new("/usr/bin/python3")
        .arg(repo().join("tests/qgis/check_postgis.py"))
        .args([&s, "grid", "2025", png.to_str().unwrap()])
        .env("QT_QPA_PLATFORM", "offscreen")
        .env("XDG_RUNTIME_DIR", &runtime)
        .output()
        .expect("/usr/bin/python3 (run scripts/setup.sh test to install QGIS)");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "QGIS check failed:\n{stdout}\n{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    let cells = psql(&format!("SELECT count(*) FROM {s}.grid WHERE year = 2025"));
    assert_eq!(report["features"].to_string(), cells, "{report}");
    assert_eq!(report["aliases"]["level_name"], "风险等级");
    assert_eq!(report["aliases"]["score"], "综合风险值");
    assert_eq!(report["comments"]["level_name"], "风险等级");
    for level in ["1", "2", "3", "4"] {
        assert!(report["pixels"][level].as_u64().unwrap() > 100, "{report}");
    }
}
