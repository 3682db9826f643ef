//! Tiled runs: `sise plan` (units aligned to the grid, halos from the
//! models' reach, too-small halos and unbounded reaches refused), unit runs
//! and `sise merge`, which must give exactly what a whole run gives.

use std::path::{Path, PathBuf};

use gdal::vector::LayerAccess;
use gdal::Dataset;

use crate::common::*;

fn plan_json(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn plan_cuts_the_district_into_grid_aligned_units_with_a_halo() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("plan.json");
    let config = repo().join("tests/fixtures/handmade/assessment.toml");
    let o = sise(&["plan", config.to_str().unwrap(), "--tiles", "2x2", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let p = plan_json(&out);
    // The farthest look is T01's population within 250 m; halo = 250 m + one 250 m cell.
    assert_eq!(p["reach_m"], 250.0);
    assert_eq!(p["reach_of"], "T01 indicator 'pop_250m'");
    assert_eq!(p["halo_m"], 500.0);
    let units = p["units"].as_array().unwrap();
    assert_eq!(units.len(), 4);
    for (i, u) in units.iter().enumerate() {
        assert_eq!(u["index"], i);
        let core = u["core"].as_array().unwrap();
        // Inner edges fall on cell boundaries; the outer ones are open.
        for v in core.iter().filter_map(|v| v.as_f64()) {
            assert_eq!(v % 250.0, 0.0, "edge {v} is not on the 250 m grid");
        }
        assert_eq!(core.iter().filter(|v| v.is_null()).count(), 2, "unit {i}: a corner tile has two open edges");
    }
    // Neighbours share their edges exactly: unit 0's east edge is unit 1's west edge.
    assert_eq!(units[0]["core"][2], units[1]["core"][0]);
    assert_eq!(units[0]["core"][3], units[2]["core"][1]);
}

#[test]
fn plan_refuses_a_halo_smaller_than_the_models_reach() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("plan.json");
    let config = repo().join("tests/fixtures/handmade/assessment.toml");
    let o = sise(&["plan", config.to_str().unwrap(), "--tiles", "1km", "--halo", "300", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    let err = stderr(&o);
    assert!(err.contains("pop_250m") && err.contains("250 m away") && err.contains("at least 500 m"), "{err}");
    assert!(!out.exists(), "no plan is written");
    // A wide enough halo is taken as given.
    let o = sise(&["plan", config.to_str().unwrap(), "--tiles", "1km", "--halo", "800", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(plan_json(&out)["halo_m"], 800.0);
}

#[test]
fn plan_refuses_a_nearest_distance_without_a_search_radius() {
    // T01's population within 250 m becomes the distance to the nearest person, with no search radius.
    let (tmp, dir) = copy_fixture("handmade");
    let model = dir.join("sites_model.toml");
    let text = std::fs::read_to_string(&model).unwrap().replace(
        "source = \"sum_within\"\nlayer = \"people\"\nfield = \"population\"\nradius_m = 250\n",
        "source = \"nearest_distance\"\nlayer = \"people\"\n",
    );
    assert!(text.contains("nearest_distance"), "the fixture changed; update this test");
    std::fs::write(&model, text).unwrap();
    let out = tmp.path().join("plan.json");
    let o = sise(&["plan", dir.join("assessment.toml").to_str().unwrap(), "--tiles", "2x2", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(4), "a model problem: {}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("sites_model.toml") && err.contains("pop_250m") && err.contains("radius_m"), "{err}");
    assert!(!out.exists());
}

#[test]
fn demo_models_have_a_finite_reach() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("plan.json");
    let o = sise(&["plan", repo().join("layers/demo/assessment.toml").to_str().unwrap(), "--tiles", "3x3", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let p = plan_json(&out);
    // Distance to the nearest fire station, searched up to 3000 m, is the farthest look.
    assert_eq!(p["reach_m"], 3000.0);
    assert_eq!(p["halo_m"], 3250.0);
    assert_eq!(p["units"].as_array().unwrap().len(), 9);
}

/// `sise plan` with `tiles`, every unit run (two at a time, as a cluster
/// would), then `sise merge`; returns the merged year folder.
/// `by_env` passes the unit as JOB_COMPLETION_INDEX, as a Kubernetes Indexed Job does.
fn tiled_run(config: &Path, tiles: &str, work: &Path, by_env: bool) -> PathBuf {
    let plan = work.join(format!("plan-{tiles}.json"));
    let units = work.join(format!("units-{tiles}"));
    let o = sise(&["plan", config.to_str().unwrap(), "--tiles", tiles, "--out", plan.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let n = plan_json(&plan)["units"].as_array().unwrap().len();
    let run_unit = |k: usize| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_sise"));
        cmd.args(["-q", "run", config.to_str().unwrap(), "--plan", plan.to_str().unwrap(), "--out", units.to_str().unwrap(), "-j", "1"]);
        if by_env {
            cmd.env("JOB_COMPLETION_INDEX", k.to_string());
        } else {
            cmd.args(["--unit", &k.to_string()]);
        }
        let o = cmd.env("SISE_LOG", "warn").output().unwrap();
        assert!(o.status.success(), "unit {k}: {}", stderr(&o));
        assert!(units.join(k.to_string()).join("unit.json").exists(), "unit {k} wrote its folder");
    };
    std::thread::scope(|s| {
        let (even, odd): (Vec<usize>, Vec<usize>) = (0..n).partition(|k| k % 2 == 0);
        let a = s.spawn(|| even.into_iter().for_each(&run_unit));
        odd.into_iter().for_each(&run_unit);
        a.join().unwrap();
    });
    let merged = work.join(format!("merged-{tiles}"));
    let o = sise(&["merge", plan.to_str().unwrap(), units.to_str().unwrap(), "--out", merged.to_str().unwrap()]);
    assert!(o.status.success(), "merge: {}", stderr(&o));
    year_dir(merged)
}

/// Every feature of every layer of a GeoPackage: its fields and its geometry as WKT.
fn gpkg_contents(gpkg: &Path) -> Vec<(String, Vec<(Row, String)>)> {
    let ds = Dataset::open(gpkg).unwrap();
    let names: Vec<String> = ds.layers().map(|l| l.name()).collect();
    names
        .into_iter()
        .map(|name| {
            let mut l = ds.layer_by_name(&name).unwrap();
            let fields: Vec<String> = l.defn().fields().map(|f| f.name()).collect();
            let rows = l
                .features()
                .map(|f| {
                    // layer_styles' update_time is when the file was written.
                    let row = fields.iter().enumerate().filter(|(_, n)| *n != "update_time").map(|(i, n)| (n.clone(), f.field_as_string(i).unwrap())).collect();
                    (row, f.geometry().map(|g| g.wkt().unwrap()).unwrap_or_default())
                })
                .collect();
            (name, rows)
        })
        .collect()
}

/// The merged outputs are the whole run's: every table, map, style, report
/// byte for byte, every GeoPackage feature field for field (the files differ
/// only in the write timestamps of GDAL, the styles table and the workbook).
fn assert_same_outputs(whole: &Path, merged: &Path) {
    assert_same_outputs_but(whole, merged, &[]);
}

/// [`assert_same_outputs`], leaving out the files under the folders `skip`.
fn assert_same_outputs_but(whole: &Path, merged: &Path, skip: &[&str]) {
    let mut files = Vec::new();
    let mut stack = vec![whole.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p)
            } else {
                files.push(p.strip_prefix(whole).unwrap().to_owned())
            }
        }
    }
    files.sort();
    assert!(files.len() > 100, "a whole demo run writes every domain's outputs");
    for f in &files {
        let name = f.to_string_lossy();
        if name == "manifest.json" || name.ends_with(".xlsx") || name == "sise.gpkg" || skip.iter().any(|d| f.starts_with(d)) {
            continue;
        }
        let (a, b) = (std::fs::read(whole.join(f)).unwrap(), std::fs::read(merged.join(f)).unwrap_or_else(|_| panic!("merge did not write {name}")));
        assert!(a == b, "{name} differs between the whole and the tiled run");
    }
    let (a, b) = (gpkg_contents(&whole.join("sise.gpkg")), gpkg_contents(&merged.join("sise.gpkg")));
    assert_eq!(a.iter().map(|l| &l.0).collect::<Vec<_>>(), b.iter().map(|l| &l.0).collect::<Vec<_>>());
    for ((name, rows_a), (_, rows_b)) in a.iter().zip(&b) {
        assert_eq!(rows_a.len(), rows_b.len(), "layer {name}: feature count");
        for (i, (ra, rb)) in rows_a.iter().zip(rows_b).enumerate() {
            assert!(ra == rb, "layer {name} feature {i}: {ra:?} vs {rb:?}");
        }
    }
}

#[test]
fn demo_district_in_2x2_and_3x3_tiles_gives_the_whole_run_exactly() {
    let whole = shared_run("layers/demo/assessment.toml");
    let tmp = tempfile::tempdir().unwrap();
    let config = repo().join("layers/demo/assessment.toml");
    for (tiles, by_env) in [("2x2", true), ("3x3", false)] {
        let merged = tiled_run(&config, tiles, tmp.path(), by_env);
        assert_same_outputs(&whole, &merged);
        // Levels are what we compare, so there must be every level to compare.
        let levels = read_layer(&merged.join("sise.gpkg"), "grid");
        assert!(levels.len() > 1000, "grid cells: {}", levels.len());
        let m: serde_json::Value = serde_json::from_slice(&std::fs::read(merged.join("manifest.json")).unwrap()).unwrap();
        let w: serde_json::Value = serde_json::from_slice(&std::fs::read(whole.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(m["units"].as_array().unwrap().len(), if tiles == "2x2" { 4 } else { 9 }, "the manifest lists every unit");
        assert_eq!(m["counts"], w["counts"]);
        // Each unit owns a share: none owns everything, together they own every object.
        let owned: Vec<u64> =
            m["units"].as_array().unwrap().iter().map(|u| u["objects"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum()).collect();
        let total: u64 = w["counts"]["objects"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
        assert_eq!(owned.iter().sum::<u64>(), total);
        assert!(owned.iter().all(|&n| n < total), "{owned:?}");
    }
}

#[test]
fn a_radius_indicator_across_a_tile_edge_sees_through_the_halo() {
    let (tmp, dir) = copy_fixture("handmade");
    let config = dir.join("assessment.toml");
    let o = sise(&["run", config.to_str().unwrap(), "--out", tmp.path().join("whole").to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let whole = read_layer(&year_dir(tmp.path().join("whole")).join("sise.gpkg"), "T01_sites");
    // 250 m tiles: site S1 (y = 3450100) and person P1 (1000 people, y = 3450300,
    // 200 m away) lie in different cores, so only the halo lets S1's unit count P1.
    let merged = tiled_run(&config, "250m", tmp.path(), false);
    let plan = plan_json(&tmp.path().join("plan-250m.json"));
    let owner = |x: f64, y: f64| {
        plan["units"].as_array().unwrap().iter().position(|u| {
            let c: Vec<Option<f64>> = u["core"].as_array().unwrap().iter().map(|v| v.as_f64()).collect();
            c[0].is_none_or(|v| x >= v) && c[1].is_none_or(|v| y >= v) && c[2].is_none_or(|v| x < v) && c[3].is_none_or(|v| y < v)
        })
    };
    assert_ne!(owner(500100.0, 3450100.0), owner(500100.0, 3450300.0), "S1 and P1 must be in different units for this test");
    // S1's unit read the people 250 m past its core (plus a cell), its own sites only a cell past it.
    let k = owner(500100.0, 3450100.0).unwrap();
    let record: serde_json::Value = serde_json::from_slice(&std::fs::read(tmp.path().join(format!("units-250m/{k}/unit.json"))).unwrap()).unwrap();
    let height = |layer: &str| {
        let r: Vec<f64> =
            record["reads"][layer].as_array().unwrap_or_else(|| panic!("no read of {layer}: {record}")).iter().map(|v| v.as_f64().unwrap()).collect();
        r[3] - r[1]
    };
    assert!(height("people") >= height("sites") + 2.0 * 250.0 - 1e-6, "{record}");
    assert_eq!(num(&whole, "id", "S1", "pop_250m"), 1000.0);
    let tiled = read_layer(&merged.join("sise.gpkg"), "T01_sites");
    for id in ["S1", "S2", "S3", "S4"] {
        for field in ["pop_250m", "score", "level"] {
            assert_eq!(value(&tiled, "id", id, field), value(&whole, "id", id, field), "{id}.{field}");
        }
    }

    // A plan whose halo was cut by hand is refused by the unit, naming the radius.
    let plan_file = tmp.path().join("plan-250m.json");
    let mut p = plan_json(&plan_file);
    p["halo_m"] = serde_json::json!(100.0);
    std::fs::write(&plan_file, serde_json::to_string(&p).unwrap()).unwrap();
    let o = sise(&["run", config.to_str().unwrap(), "--plan", plan_file.to_str().unwrap(), "--unit", "0", "--out", tmp.path().join("bad").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("pop_250m") && stderr(&o).contains("250 m away"), "{}", stderr(&o));
    assert!(!tmp.path().join("bad").join("0").exists());
}

#[test]
fn merge_refuses_missing_units_and_units_of_another_config() {
    let (tmp, dir) = copy_fixture("handmade");
    let config = dir.join("assessment.toml");
    let plan = tmp.path().join("plan.json");
    let units = tmp.path().join("units");
    let o = sise(&["plan", config.to_str().unwrap(), "--tiles", "2x2", "--out", plan.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    for k in ["0", "2"] {
        let o = sise(&["run", config.to_str().unwrap(), "--plan", plan.to_str().unwrap(), "--unit", k, "--out", units.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let out = tmp.path().join("out");
    let o = sise(&["merge", plan.to_str().unwrap(), units.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("2 of 4 units have not finished") && stderr(&o).contains("1, 3"), "{}", stderr(&o));
    assert!(!year_dir(&out).exists(), "nothing is written");

    // A model changed after planning: units refuse to run with the old plan.
    let model = dir.join("sites_model.toml");
    std::fs::write(&model, std::fs::read_to_string(&model).unwrap().replace("weight = 0.5", "weight = 0.50")).unwrap();
    let o = sise(&["run", config.to_str().unwrap(), "--plan", plan.to_str().unwrap(), "--unit", "1", "--out", units.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("changed since the plan was made"), "{}", stderr(&o));
    // Without --unit and with no engine variable, a unit run says what it needs.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_sise"))
        .args(["run", config.to_str().unwrap(), "--plan", plan.to_str().unwrap(), "--out", units.to_str().unwrap()])
        .env_remove("JOB_COMPLETION_INDEX")
        .env_remove("SLURM_ARRAY_TASK_ID")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("JOB_COMPLETION_INDEX"), "{}", stderr(&o));
}

/// Inputs converted once (`sise prepare-inputs`): each vector layer a
/// FlatGeobuf with a spatial index and the input's FIDs in `sise_fid`; the
/// same run over them, whole or tiled, gives the original whole run's
/// outputs exactly.
#[test]
fn prepared_inputs_give_the_whole_run_whole_and_tiled() {
    let whole = shared_run("layers/demo/assessment.toml");
    let tmp = tempfile::tempdir().unwrap();
    let prepared = tmp.path().join("prepared");
    let original = repo().join("layers/demo/assessment.toml");
    let o = sise(&["prepare-inputs", original.to_str().unwrap(), "--out", prepared.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("23 vector layers"), "{}", String::from_utf8_lossy(&o.stdout));

    // Indexed, and the same features under the same FIDs as the input file
    // (FlatGeobuf stores them in its index's order, each with its FID).
    let fids = |path: &Path| -> Vec<u64> { Dataset::open(path).unwrap().layer(0).unwrap().features().map(|f| f.fid().unwrap()).collect() };
    let kept = |path: &Path| -> Vec<u64> {
        let ds = Dataset::open(path).unwrap();
        let mut layer = ds.layer(0).unwrap();
        let i = layer.defn().field_index("sise_fid").unwrap();
        let mut v: Vec<u64> = layer.features().map(|f| f.field_as_integer64(i).unwrap().unwrap() as u64).collect();
        v.sort_unstable();
        v
    };
    let fgb = prepared.join("residential.fgb");
    assert_eq!(kept(&fgb), fids(&repo().join("layers/demo/residential.geojson")));
    let ds = Dataset::open(&fgb).unwrap();
    assert!(ds.layer(0).unwrap().has_capability(gdal::vector::LayerCaps::OLCFastSpatialFilter), "the prepared layer has a spatial index");
    // The spreadsheet's FIDs are still its Excel rows (messages keep naming them).
    let sheet_fids = kept(&prepared.join("industrial_enterprises.fgb"));
    assert!(sheet_fids.first().is_some_and(|&f| f > 1), "{:?}", &sheet_fids[..3]);

    let run = prepared.join("assessment.toml");
    let out = tmp.path().join("whole-prepared");
    let o = sise(&["run", run.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The reports name the files read: here the prepared ones.
    assert_same_outputs_but(&whole, &year_dir(&out), &["reports"]);
    let merged = tiled_run(&run, "2x2", tmp.path(), false);
    assert_same_outputs_but(&whole, &merged, &["reports"]);
    let report = std::fs::read_to_string(merged.join("reports/D01_hazardous_chemicals.html")).unwrap();
    assert!(report.contains("chemical_enterprises.fgb"), "the report names the file it read");

    // A `fid_field` the file does not have is refused, naming it and the file.
    let text = std::fs::read_to_string(&run).unwrap();
    assert!(text.contains("fid_field = \"sise_fid\""), "{text}");
    std::fs::write(&run, text.replacen("fid_field = \"sise_fid\"", "fid_field = \"no_such_fid\"", 1)).unwrap();
    let o = sise(&["validate", run.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(12), "{}", stderr(&o));
    assert!(stderr(&o).contains("no_such_fid") && stderr(&o).contains(".fgb"), "{}", stderr(&o));
}

/// prepare-inputs checks the run first, as `sise validate` does: bad input is
/// refused with the run's exit code and named in the user's own file (here
/// GCJ-02 coordinates declared as WGS84), and nothing is written.
#[test]
fn prepare_inputs_refuses_what_a_run_refuses_naming_the_original_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("prepared");
    let config = repo().join("tests/dirty-input/cases/outside_gcj02/assessment.toml");
    let o = sise(&["prepare-inputs", config.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(19), "{e}");
    assert!(e.contains("outside_gcj02/sites.csv") && e.contains("GCJ-02"), "{e}");
    assert!(!out.exists(), "nothing half-written");
}
