//! `sise plan`: work units aligned to the grid, halos from the models'
//! reach, too-small halos and unbounded reaches refused.

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
