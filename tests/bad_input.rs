//! The bad-input corpus (tests/bad-input/cases, built by build.py): every
//! class of bad input stops `sise run` with its own exit code and a message
//! naming the file, layer, feature and field, and leaves no output behind.

use std::path::PathBuf;

use crate::common::*;

fn case_dir(name: &str) -> PathBuf {
    repo().join("tests/bad-input/cases").join(name)
}

/// Run a case into a fresh folder; check the exit code, the message and that no output appeared.
fn check(name: &str, code: i32, needles: &[&str]) {
    assert_refused(&case_dir(name).join("assessment.toml"), &[], code, needles);
}

macro_rules! bad_input {
    ($($name:ident => $code:expr, [$($needle:expr),*];)*) => {$(
        #[test]
        fn $name() {
            check(stringify!($name), $code, &[$($needle),*]);
        }
    )*};
}

bad_input! {
    missing_file => 10, ["people_missing.geojson", "file not found"];
    unreadable_file => 10, ["unreadable_file/people.geojson", "GDAL cannot open it"];
    missing_layer => 11, ["people.geojson", "layer 'residents'", "it has: people"];
    missing_field => 12, ["missing_field/sites.geojson", "layer 'sites'", "missing field 'grade'"];
    wrong_type => 13, ["wrong_type/people.geojson", "'P3'", "field 'population'", "'many'"];
    out_of_range => 14, ["layer 'sites'", "'S1'", "'pop_250m'", "250000", "declared range [0, 100000]"];
    unknown_category => 14, ["unknown_category/sites.geojson", "'S4'", "'cls'", "'medium'", "(high, low)"];
    empty_layer => 15, ["empty_layer/people.geojson", "no features"];
    null_geometry => 16, ["null_geometry/sites.geojson", "'S2'", "no geometry"];
    invalid_geometry => 16, ["invalid_geometry/streets.geojson", "'B02'", "invalid polygon", "repair_invalid_geometry"];
    geometry_type => 17, ["geometry_type/sites.geojson", "'S2'", "a line, but earlier features are points"];
    no_crs => 18, ["no_crs/people.csv", "declares no CRS", "crs = "];
    unknown_crs => 18, ["people.geojson", "unknown CRS 'EPSG:999999'"];
    swapped_lon_lat => 19, ["swapped_lon_lat/people.csv", "'P1'", "not a longitude/latitude"];
    outside_district => 19, ["outside_district/people.geojson", "'P4'", "101 km from the district"];
    duplicate_id => 20, ["duplicate_id/sites.geojson", "feature 2 (id 'S1')", "duplicate id: feature 0 (id 'S1') has it too"];
    malformed_config => 3, ["malformed_config", "assessment.toml", "line 4"];
    malformed_model => 4, ["malformed_model/sites_model.toml", "weights must sum to 1"];
}

/// A row whose id is empty is named by its feature number as having none, not as if the number were its id.
#[test]
fn an_empty_id_is_named_as_empty() {
    let (tmp, dir) = copy_fixture("handmade");
    let sites = std::fs::read_to_string(dir.join("sites.geojson")).unwrap().replace("\"id\": \"S3\"", "\"id\": \"\"");
    std::fs::write(dir.join("sites.geojson"), sites).unwrap();
    let o = sise(&["run", dir.join("assessment.toml").to_str().unwrap(), "--out", tmp.path().join("out").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(12), "{}", stderr(&o));
    assert!(stderr(&o).contains("feature 2 (no id): id field 'id' is empty"), "{}", stderr(&o));
}

/// A context layer of the wrong kind is a geometry-type error (17) like every other, naming layer and model line.
#[test]
fn a_context_layer_of_the_wrong_kind_is_a_geometry_type_error() {
    let (tmp, dir) = copy_fixture("handmade");
    let model = std::fs::read_to_string(dir.join("sites_model.toml")).unwrap();
    let model = model.replace("source = \"sum_within\"\nlayer = \"people\"\nfield = \"population\"", "source = \"length_within\"\nlayer = \"people\"");
    std::fs::write(dir.join("sites_model.toml"), model).unwrap();
    let o = sise(&["run", dir.join("assessment.toml").to_str().unwrap(), "--out", tmp.path().join("out").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(17), "{}", stderr(&o));
    for needle in ["people.geojson", "sites_model.toml", "indicator 'pop_250m'", "layer 'people' holds points; this source needs lines"] {
        assert!(stderr(&o).contains(needle), "{needle}: {}", stderr(&o));
    }
}

/// clip_to_district on a layer with no object inside stops the run: no silent empty domain.
#[test]
fn a_layer_clipped_to_nothing_stops_the_run() {
    let (tmp, dir) = copy_fixture("handmade");
    let path = dir.join("sites.geojson");
    let mut fc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for f in fc["features"].as_array_mut().unwrap() {
        let x = f["geometry"]["coordinates"][0].as_f64().unwrap();
        f["geometry"]["coordinates"][0] = serde_json::json!(x + 20000.0);
    }
    std::fs::write(&path, serde_json::to_string(&fc).unwrap()).unwrap();
    let cfg = std::fs::read_to_string(dir.join("assessment.toml")).unwrap().replace("[layers.sites]", "[layers.sites]\nclip_to_district = true");
    std::fs::write(dir.join("assessment.toml"), cfg).unwrap();
    let out = tmp.path().join("out");
    let o = sise(&["run", dir.join("assessment.toml").to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(19), "{}", stderr(&o));
    assert!(stderr(&o).contains("all 4 objects of the layer are outside the district"), "{}", stderr(&o));
    assert!(!year_dir(out).exists(), "nothing written");
}

#[test]
fn invalid_geometry_is_repaired_when_the_config_allows() {
    let tmp = tempfile::tempdir().unwrap();
    let out = year_dir(tmp.path().join("out"));
    let o = sise(&["run", case_dir("invalid_geometry_repaired").join("assessment.toml").to_str().unwrap(), "--out", root_of(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("repaired an invalid polygon"));
    assert_eq!(read_layer(&out.join("sise.gpkg"), "streets").len(), 2);
}

#[test]
fn keep_going_scores_the_rest_and_lists_every_reject() {
    let (tmp, dir) = copy_fixture("handmade");
    // Three bad features of different classes: a duplicate id, an unknown category, a far-away point.
    let sites = std::fs::read_to_string(dir.join("sites.geojson")).unwrap();
    let sites = sites.replace("\"id\": \"S3\"", "\"id\": \"S1\"").replace("\"id\": \"S4\", \"cls\": \"low\"", "\"id\": \"S4\", \"cls\": \"medium\"");
    std::fs::write(dir.join("sites.geojson"), sites).unwrap();
    let people = std::fs::read_to_string(dir.join("people.geojson")).unwrap().replace("[501800, 3450900]", "[601800, 3450900]");
    std::fs::write(dir.join("people.geojson"), people).unwrap();
    let cfg = dir.join("assessment.toml");

    let strict = sise(&["run", cfg.to_str().unwrap(), "--out", tmp.path().join("strict").to_str().unwrap()]);
    assert_eq!(strict.status.code(), Some(20), "{}", stderr(&strict));

    let out = year_dir(tmp.path().join("out"));
    let o = sise(&["run", cfg.to_str().unwrap(), "--out", root_of(&out), "--keep-going"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rejects = std::fs::read_to_string(out.join("rejects.csv")).unwrap();
    let lines: Vec<&str> = rejects.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "图层,文件,要素编号,领域,类别,退出码,原因");
    let row = |layer: &str, id: &str| lines.iter().find(|l| l.starts_with(&format!("{layer},")) && l.contains(&format!(",{id},"))).copied();
    assert!(row("sites", "S1").is_some_and(|l| l.contains("DuplicateId,20")), "{rejects}");
    assert!(row("people", "P4").is_some_and(|l| l.contains("Outside,19")), "{rejects}");
    // S4's category is unknown to T01 (categories) but T03 scores it fine: rejected for T01 only.
    assert!(row("sites", "S4").is_some_and(|l| l.contains(",T01,Range,14,") && l.contains("medium")), "{rejects}");
    assert_eq!(lines.len(), 4, "{rejects}");
    // What remains is scored: S1 and S2 in T01, S1 S2 S4 in T03.
    assert_eq!(read_layer(&out.join("sise.gpkg"), "T01_sites").len(), 2);
    assert_eq!(read_layer(&out.join("sise.gpkg"), "T03_depth").len(), 3);
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.contains("拒收,,sites,T01,,,,,,1,,"), "{summary}");
    let m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["counts"]["rejects"]["sites"], 2);
}

/// Sites and people as JSON values, edited by `edit` (which may drop features), written back.
fn edit_features(dir: &std::path::Path, file: &str, edit: impl Fn(&mut Vec<serde_json::Value>)) {
    let path = dir.join(file);
    let mut fc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(fc["features"].as_array_mut().unwrap());
    std::fs::write(&path, serde_json::to_string_pretty(&fc).unwrap()).unwrap();
}

/// Several bad rows in one domain, one with two problems, one in a context
/// layer: --keep-going lists each once, under its first problem (the
/// unknown category comes before the control grade), counts in a reason
/// only rows no earlier check took, and scores what is left exactly as a
/// run on inputs without those rows.
#[test]
fn keep_going_rejects_every_bad_row_once_and_scores_as_if_they_were_not_there() {
    let (tmp, dirty) = copy_fixture("handmade");
    let set = |id: &'static str, field: &'static str, value: serde_json::Value| {
        move |fs: &mut Vec<serde_json::Value>| {
            for f in fs.iter_mut().filter(|f| f["properties"]["id"] == id) {
                f["properties"][field] = value.clone();
            }
        }
    };
    edit_features(&dirty, "sites.geojson", set("S2", "cls", "medium".into()));
    edit_features(&dirty, "sites.geojson", set("S2", "grade", "C".into()));
    edit_features(&dirty, "sites.geojson", set("S3", "grade", "C".into()));
    edit_features(&dirty, "sites.geojson", set("S4", "flag", "约1".into()));
    edit_features(&dirty, "people.geojson", set("P1", "population", serde_json::Value::Null));
    let out = year_dir(tmp.path().join("out"));
    let o = sise(&["run", dirty.join("assessment.toml").to_str().unwrap(), "--out", root_of(&out), "--keep-going"]);
    assert!(o.status.success(), "{}", stderr(&o));

    let rejects = std::fs::read_to_string(out.join("rejects.csv")).unwrap();
    let lines: Vec<&str> = rejects.trim_start_matches('\u{feff}').lines().skip(1).collect();
    let row = |layer: &str, id: &str| -> Vec<&str> {
        lines.iter().filter(|l| l.starts_with(&format!("{layer},")) && l.contains(&format!(",{id},"))).copied().collect()
    };
    let one = |layer: &str, id: &str| {
        let rows = row(layer, id);
        assert_eq!(rows.len(), 1, "{layer} {id} once: {rejects}");
        rows[0]
    };
    assert!(one("sites", "S2").contains("'medium'") && !one("sites", "S2").contains("grade"), "{rejects}");
    // The grade check found S2 and S3; S2 was already taken, so the reason names S3 alone.
    assert!(one("sites", "S3").contains("'S3'") && one("sites", "S3").contains("'C'") && !one("sites", "S3").contains("more"), "{rejects}");
    assert!(one("sites", "S4").contains("'约1'"), "{rejects}");
    assert!(one("people", "P1").contains("is empty"), "{rejects}");
    assert!(lines.iter().all(|l| l.contains(",T01,")), "every reject is T01's: {rejects}");
    assert_eq!(lines.len(), 4, "{rejects}");

    // The same inputs without those rows, run strictly, score the same.
    let (tmp2, clean) = copy_fixture("handmade");
    edit_features(&clean, "sites.geojson", |fs| fs.retain(|f| !["S2", "S3", "S4"].contains(&f["properties"]["id"].as_str().unwrap())));
    edit_features(&clean, "people.geojson", |fs| fs.retain(|f| f["properties"]["id"] != "P1"));
    let clean_out = year_dir(tmp2.path().join("out"));
    let o = sise(&["run", clean.join("assessment.toml").to_str().unwrap(), "--out", root_of(&clean_out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let scored = |dir: &std::path::Path| {
        let rows = read_layer(&dir.join("sise.gpkg"), "T01_sites");
        rows.into_iter().map(|r| r.into_iter().filter(|(k, _)| k != "flag").collect::<Row>()).collect::<Vec<Row>>()
    };
    let kept = scored(&out);
    assert_eq!(kept.len(), 1, "only S1 is left in T01");
    // P1, 200 m from S1, is not counted: S1's population within 250 m is none.
    assert_eq!(num(&kept, "id", "S1", "pop_250m"), 0.0);
    assert_eq!(kept, scored(&clean_out));
}

#[test]
fn a_second_run_on_the_same_output_is_locked_out() {
    let tmp = tempfile::tempdir().unwrap();
    let out = year_dir(tmp.path().join("out"));
    // A lock held by a live process (this test) …
    let lock = out.parent().unwrap().join(".2024.sise-lock");
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    std::fs::write(&lock, format!("{}\n", std::process::id())).unwrap();
    let cfg = repo().join("tests/fixtures/handmade/assessment.toml");
    let o = sise(&["run", cfg.to_str().unwrap(), "--out", root_of(&out)]);
    assert_eq!(o.status.code(), Some(6), "{}", stderr(&o));
    assert!(stderr(&o).contains("another sise run"));
    // … and a stale one, left by a killed run, is taken over.
    std::fs::write(&lock, "999999999\n").unwrap();
    let o = sise(&["run", cfg.to_str().unwrap(), "--out", root_of(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!lock.exists());
}

#[test]
fn if_changed_skips_an_unchanged_rerun_and_reruns_after_a_change() {
    let (tmp, dir) = copy_fixture("handmade");
    let cfg = dir.join("assessment.toml");
    let out = year_dir(tmp.path().join("out"));
    let run = || sise(&["run", cfg.to_str().unwrap(), "--out", root_of(&out), "--if-changed"]);
    assert!(run().status.success());
    let manifest = std::fs::read(out.join("manifest.json")).unwrap();
    let o = run();
    assert!(o.status.success());
    assert!(stderr(&o).contains("unchanged") || String::from_utf8_lossy(&o.stdout).contains("unchanged"), "{}", stderr(&o));
    assert_eq!(std::fs::read(out.join("manifest.json")).unwrap(), manifest, "skipped runs leave outputs alone");
    // An assessor changes a model: the next scheduled run does the work.
    let model = std::fs::read_to_string(dir.join("sites_model.toml")).unwrap().replace("red = 70", "red = 71");
    std::fs::write(dir.join("sites_model.toml"), model).unwrap();
    assert!(run().status.success());
    assert_ne!(std::fs::read(out.join("manifest.json")).unwrap(), manifest);
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = repo().join("layers/demo/assessment.toml");
    let mut outs = Vec::new();
    for threads in ["1", "2"] {
        let out = year_dir(tmp.path().join(format!("t{threads}")));
        let o = sise(&["run", cfg.to_str().unwrap(), "--out", root_of(&out), "--threads", threads]);
        assert!(o.status.success(), "{}", stderr(&o));
        outs.push(out);
    }
    // Tables byte for byte.
    for f in ["summary.csv", "styles/grid.qml", "sise.qgs", "maps/comprehensive.svg"] {
        assert_eq!(std::fs::read(outs[0].join(f)).unwrap(), std::fs::read(outs[1].join(f)).unwrap(), "{f} differs");
    }
    // GeoPackage feature contents, layer by layer.
    for layer in read_gpkg_layer_names(&outs[0].join("sise.gpkg")).iter().filter(|l| *l != "layer_styles") {
        assert_eq!(read_layer(&outs[0].join("sise.gpkg"), layer), read_layer(&outs[1].join("sise.gpkg"), layer), "{layer} differs");
    }
}

/// SIGKILL at several moments of a run (loading, scoring, writing): the
/// previous outputs survive byte for byte, and the next run recovers.
#[test]
fn a_killed_run_leaves_the_previous_outputs_intact() {
    use std::collections::BTreeMap;
    use std::time::{Duration, Instant};

    let tmp = tempfile::tempdir().unwrap();
    let out = year_dir(tmp.path().join("out"));
    let cfg = repo().join("layers/demo/assessment.toml");
    // Reruns identical but for the manifest's timings: a kill that lands after
    // the rename, before the process exits, leaves outputs equal to the previous ones.
    let sise_cmd = || {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_sise"));
        c.env("SOURCE_DATE_EPOCH", "1735689600").env("SISE_LOG", "warn");
        c
    };
    let sise = |args: &[&str]| sise_cmd().args(args).output().unwrap();
    let o = sise(&["run", cfg.to_str().unwrap(), "--out", root_of(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let hashes = |dir: &std::path::Path| -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        let mut stack = vec![dir.to_owned()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.file_name().is_some_and(|n| n == "manifest.json") {
                    // Its timings are the one clock reading of a run: compare what it lists.
                    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).expect("a whole manifest");
                    m.insert("manifest.json: outputs, counts".into(), format!("{} {}", v["outputs"], v["counts"]));
                } else {
                    m.insert(p.strip_prefix(dir).unwrap().display().to_string(), crate::common::sha256(&p));
                }
            }
        }
        m
    };
    let mut before = hashes(&out);

    // How long a full run takes here, to spread the kills over it.
    let t = Instant::now();
    assert!(sise(&["run", cfg.to_str().unwrap(), "--out", tmp.path().join("timing").to_str().unwrap()]).status.success());
    let full = t.elapsed();
    // Kills that landed, and of those, kills that landed while outputs were being
    // written (a staging folder beside the outputs): the test is void without them.
    let (mut landed, mut mid_write) = (0, 0);
    let writing = || std::fs::read_dir(out.parent().unwrap()).unwrap().any(|e| e.unwrap().file_name().to_string_lossy().contains(".sise-tmp-"));
    for fraction in [0.1, 0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95] {
        let mut child = sise_cmd().args(["run", cfg.to_str().unwrap(), "--out", root_of(&out), "-q"]).spawn().unwrap();
        std::thread::sleep(Duration::from_secs_f64(full.as_secs_f64() * fraction));
        let was_writing = writing();
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        if status.success() {
            // It finished before the kill: its complete outputs are now the ones to protect.
            before = hashes(&out);
            continue;
        }
        landed += 1;
        mid_write += usize::from(was_writing);
        assert_eq!(hashes(&out), before, "killed at {:.0}% of a run: the previous outputs changed", fraction * 100.0);
    }
    assert!(landed >= 4, "only {landed} of 9 kills landed before the run finished");
    assert!(mid_write >= 1, "no kill landed while outputs were being written ({landed} landed)");
    // A new run then cleans up after the killed ones (lock, staging) and succeeds.
    let o = sise(&["run", cfg.to_str().unwrap(), "--out", root_of(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut left: Vec<String> = std::fs::read_dir(out.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    left.sort();
    // The year folder and the cycle's list of years for the web map's year switch; no lock, no staging.
    assert_eq!(left, vec!["2024".to_owned(), "years.js".to_owned()], "left behind beside the outputs");
}

/// An object accepted within outside_tolerance_m belongs to the nearest
/// 街镇 by the same rule everywhere: its street_name, the 街镇 rows of
/// summary.csv (which then add up to the district) and validate's report.
#[test]
fn an_object_just_outside_counts_in_its_nearest_street() {
    let (tmp, dir) = copy_fixture("handmade");
    let sites = std::fs::read_to_string(dir.join("sites.geojson")).unwrap().replace("[501800, 3450800]", "[502050, 3450800]");
    std::fs::write(dir.join("sites.geojson"), sites).unwrap();
    let out = year_dir(tmp.path().join("out"));
    let o = sise(&["run", dir.join("assessment.toml").to_str().unwrap(), "--out", root_of(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(value(&read_layer(&out.join("sise.gpkg"), "T01_sites"), "id", "S4", "street_name").as_deref(), Some("乙镇"));
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let objects = |scope: &str| -> usize {
        summary
            .lines()
            .filter(|l| l.trim_start_matches('\u{feff}').starts_with(scope) && l.contains(",T01,"))
            .map(|l| l.split(',').nth(9).unwrap().parse::<usize>().unwrap())
            .sum()
    };
    assert_eq!((objects("全区"), objects("街镇")), (4, 4), "{summary}");
}
