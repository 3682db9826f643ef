//! The hand-made fixture (tests/fixtures/handmade): every expected level below
//! was worked out by hand from the fixture files, arithmetic in the comments.
//!
//! Layout (EPSG:4549 metres): 街镇 甲 = x 500000–501000, 乙 = x 501000–502000,
//! both y 3450000–3451000. Grid cells are 250 m, so cell "col_row" has
//! col = floor(x / 250), row = floor(y / 250).

use crate::common::*;

/// The fixture's outputs, run once and shared by the tests that only read them.
fn outputs() -> std::path::PathBuf {
    shared_run("tests/fixtures/handmade/assessment.toml")
}

fn run() -> (tempfile::TempDir, std::path::PathBuf) {
    run_config("tests/fixtures/handmade/assessment.toml")
}

#[test]
fn point_domain_weighted_index_control_and_veto() {
    let out = outputs();
    let rows = read_layer(&out.join("sise.gpkg"), "T01_sites");
    // score = 0.5·cls + 0.5·pop_250m, pop_250m = population within 250 m on 0–2000 → 0–100;
    // realistic = score × {A: 0.5, B: 1.0}; red ≥ 70, orange ≥ 50, yellow ≥ 30.
    // S1: high (100); P1 200 m away, 1000 people → 50. 0.5·100 + 0.5·50 = 75, B → 75 → red.
    assert_eq!(num(&rows, "id", "S1", "pop_250m"), 1000.0);
    assert_eq!(num(&rows, "id", "S1", "inherent"), 75.0);
    assert_eq!(num(&rows, "id", "S1", "level"), 1.0);
    // S2: high (100); P2 is 300 m away, outside 250 m → 0. 50, A → 25 → blue.
    assert_eq!(num(&rows, "id", "S2", "pop_250m"), 0.0);
    assert_eq!(num(&rows, "id", "S2", "control_factor"), 0.5);
    assert_eq!(num(&rows, "id", "S2", "score"), 25.0);
    assert_eq!(num(&rows, "id", "S2", "level"), 4.0);
    assert_eq!(value(&rows, "id", "S2", "level_name").as_deref(), Some("低风险"));
    assert_eq!(value(&rows, "id", "S2", "colour").as_deref(), Some("#1E90FF"));
    // S3: low (20); P3 50 m away, 500 people → 25. 10 + 12.5 = 22.5 → blue, but flag = 1 → veto → red.
    assert_eq!(num(&rows, "id", "S3", "score"), 22.5);
    assert_eq!(num(&rows, "id", "S3", "level"), 1.0);
    assert_eq!(value(&rows, "id", "S3", "veto_reason").as_deref(), Some("测试否决"));
    assert_eq!(value(&rows, "id", "S1", "veto_reason"), None);
    // S4: low (20); P4 100 m away, 4000 people → capped at 100. 10 + 50 = 60, B → orange.
    assert_eq!(num(&rows, "id", "S4", "score"), 60.0);
    assert_eq!(num(&rows, "id", "S4", "level"), 2.0);
    assert_eq!(value(&rows, "id", "S4", "street_name").as_deref(), Some("乙镇"));
}

#[test]
fn line_domain_is_length_weighted_per_cell() {
    let out = outputs();
    let gpkg = out.join("sise.gpkg");
    let pipes = read_layer(&gpkg, "T02_pipes");
    // age = 2024 − install_year on 0–40 years → 0–100.
    // L1: 1984 → 40 years → 100 → red. L2: 2014 → 10 years → 25 → blue.
    assert_eq!(num(&pipes, "id", "L1", "age"), 40.0);
    assert_eq!(num(&pipes, "id", "L1", "level"), 1.0);
    assert_eq!(num(&pipes, "id", "L2", "level"), 4.0);
    // Both lie in cell 2000_13800 (x 500000–500250, y 3450000–3450250): 100 m + 200 m.
    // Length-weighted mean = (100·100 + 200·25) / 300 = 50 → orange.
    let grid = read_layer(&gpkg, "grid");
    assert_eq!(num(&grid, "cell_id", "2000_13800", "t02_length_m"), 300.0);
    assert_eq!(num(&grid, "cell_id", "2000_13800", "t02_score"), 50.0);
    assert_eq!(num(&grid, "cell_id", "2000_13800", "t02_level"), 2.0);
}

#[test]
fn raster_domain_samples_the_cell_under_each_site() {
    let out = outputs();
    let rows = read_layer(&out.join("sise.gpkg"), "T03_depth");
    // depth.asc: 4 × 4 cells of 250 m from (500000, 3451000) down; steps 0 → 0, 0.3 → 50, 0.6 → 100.
    // S1 (500100, 3450100): column 0, row 3 → 0.7 m → 100 → red.
    assert_eq!(num(&rows, "id", "S1", "depth"), 0.7);
    assert_eq!(num(&rows, "id", "S1", "level"), 1.0);
    // S2 (500600, 3450600): column 2, row 1 → 0.4 m → 50 → orange.
    assert_eq!(num(&rows, "id", "S2", "depth"), 0.4);
    assert_eq!(num(&rows, "id", "S2", "level"), 2.0);
    // S3 lies east of the raster: missing = 0 → blue.
    assert_eq!(num(&rows, "id", "S3", "depth"), 0.0);
    assert_eq!(num(&rows, "id", "S3", "level"), 4.0);
}

#[test]
fn streets_grid_and_comprehensive_levels() {
    let out = outputs();
    let gpkg = out.join("sise.gpkg");
    let streets = read_layer(&gpkg, "streets");
    // 甲: T01 max(S1 75 red, S2 25 blue) → 75, red. T02 mean = 50 → orange. T03 max(S1 red, S2 orange) → red.
    assert_eq!(num(&streets, "street_name", "甲街道", "t01_score"), 75.0);
    assert_eq!(num(&streets, "street_name", "甲街道", "t01_level"), 1.0);
    assert_eq!(num(&streets, "street_name", "甲街道", "t02_level"), 2.0);
    assert_eq!(num(&streets, "street_name", "甲街道", "t03_level"), 1.0);
    // 乙: T01 max score 60 (S4), but S3's veto makes the worst level red. No pipes. Comprehensive = worst = red.
    assert_eq!(num(&streets, "street_name", "乙镇", "t01_score"), 60.0);
    assert_eq!(num(&streets, "street_name", "乙镇", "t01_level"), 1.0);
    assert_eq!(value(&streets, "street_name", "乙镇", "t02_level"), None);
    assert_eq!(num(&streets, "street_name", "乙镇", "level"), 1.0);
    // Cell of S2 (500600, 3450600) → 2002_13802: T01 blue, T03 orange → comprehensive orange.
    let grid = read_layer(&gpkg, "grid");
    assert_eq!(num(&grid, "cell_id", "2002_13802", "t01_level"), 4.0);
    assert_eq!(num(&grid, "cell_id", "2002_13802", "level"), 2.0);
    assert_eq!(value(&grid, "cell_id", "2002_13802", "level_name").as_deref(), Some("较大风险"));
    // 2 km × 1 km at 250 m = 32 cells, each with a comprehensive level; empty cells are low risk.
    assert_eq!(grid.len(), 32);
    assert!(grid.iter().all(|r| matches!(r["level"].as_deref(), Some("1" | "2" | "3" | "4"))));
    assert_eq!(num(&grid, "cell_id", "2007_13800", "level"), 4.0);
}

#[test]
fn summary_counts_match_the_geopackage() {
    let out = outputs();
    let csv = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(csv.starts_with('\u{feff}'), "UTF-8 BOM for Excel");
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "范围,单元代码,单元名称,领域编号,领域名称,重大风险,较大风险,一般风险,低风险,对象数,等级,等级名称");
    // T01 in the district: S1, S3 red; S4 orange; S2 blue.
    assert!(lines.contains(&"全区,999,测试区,T01,测试场所,2,1,0,1,4,1,重大风险"), "{csv}");
    assert!(lines.contains(&"街镇,A01,甲街道,T01,测试场所,1,0,0,1,2,1,重大风险"), "{csv}");
    assert!(lines.contains(&"全区,999,测试区,综合,综合风险,,,,,,1,重大风险"), "{csv}");
}

#[test]
fn manifest_records_inputs_models_and_outputs() {
    let out = outputs();
    let m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["sise_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(m["config"]["year"], 2024);
    let inputs = m["inputs"].as_object().unwrap();
    assert_eq!(inputs.len(), 5);
    let depth = inputs.iter().find(|(k, _)| k.ends_with("depth.asc")).unwrap().1.as_str().unwrap();
    let expected = crate::common::sha256(&repo().join("tests/fixtures/handmade/depth.asc"));
    assert_eq!(depth, expected);
    assert_eq!(m["models"].as_array().unwrap().len(), 3);
    assert_eq!(m["outputs"]["summary.csv"].as_str().unwrap(), crate::common::sha256(&out.join("summary.csv")));
    assert_eq!(m["counts"]["grid_cells"], 32);
}

#[test]
fn a_failed_run_leaves_the_previous_outputs_untouched() {
    let (tmp, out) = run();
    let before = std::fs::read(out.join("summary.csv")).unwrap();
    let (_fx, dir) = copy_fixture("handmade");
    std::fs::remove_file(dir.join("people.geojson")).unwrap();
    let o = sise(&["run", dir.join("assessment.toml").to_str().unwrap(), "--out", root_of(&out)]);
    assert_eq!(o.status.code(), Some(10), "{}", stderr(&o));
    assert_eq!(std::fs::read(out.join("summary.csv")).unwrap(), before);
    // No staging folder or lock file is left beside the outputs: only the
    // year folder and the cycle's list of years (the web map's year switch).
    let mut leftovers: Vec<_> = std::fs::read_dir(out.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
    leftovers.sort();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("2024"), std::ffi::OsString::from("years.js")]);
    let _ = &tmp;
}

/// The regional methods on the fixture (`regional.toml`), worked by hand.
/// Levels: T01 S1 red, S2 blue, S3 red (veto), S4 orange; T02 L1 red (100 m),
/// L2 blue (200 m), both in cell 2000_13800; T03 S1 red, S2 orange, S3 and S4
/// blue. No model has `weight_by`, so every exposure is 1; values 22.5 / 13 / 6.5 / 2.
#[test]
fn regional_methods_match_the_worked_examples() {
    let (_tmp, out) = run_config("tests/fixtures/handmade/regional.toml");
    let gpkg = out.join("sise.gpkg");
    let grid = read_layer(&gpkg, "grid");
    // Grid, exposure per km² (cells 0.0625 km²; red ≥ 1000, orange ≥ 300, yellow ≥ 100):
    // 2000_13800: T01 S1 22.5 + T02 (22.5 + 2) + T03 S1 22.5 = 69.5 → 1112 → red; T02 leads with 24.5 (35 %).
    assert_eq!(num(&grid, "cell_id", "2000_13800", "score"), 1112.0);
    assert_eq!(num(&grid, "cell_id", "2000_13800", "level"), 1.0);
    assert_eq!(value(&grid, "cell_id", "2000_13800", "leading_domain").as_deref(), Some("T02 测试管线"));
    let basis = value(&grid, "cell_id", "2000_13800", "basis").unwrap();
    assert!(basis.contains("1112.00/km²") && basis.contains("属重大风险（≥ 1000）") && basis.contains("占35%"), "{basis}");
    // S3 (501500, 3450500) is the corner of four cells: it goes to the first, 2005_13801.
    // There: S3 red 22.5 + blue 2 = 24.5 → 392 → orange. 2002_13802: S2 blue 2 + orange 13 = 15 → 240 → yellow.
    assert_eq!((num(&grid, "cell_id", "2005_13801", "score"), num(&grid, "cell_id", "2005_13801", "level")), (392.0, 2.0));
    assert_eq!((num(&grid, "cell_id", "2002_13802", "score"), num(&grid, "cell_id", "2002_13802", "level")), (240.0, 3.0));
    assert_eq!((num(&grid, "cell_id", "2007_13803", "score"), num(&grid, "cell_id", "2007_13803", "level")), (240.0, 3.0));
    assert_eq!((num(&grid, "cell_id", "2001_13801", "score"), num(&grid, "cell_id", "2001_13801", "level")), (0.0, 4.0));
    assert_eq!(value(&grid, "cell_id", "2001_13801", "leading_domain"), None);

    // 街镇, count (red with ≥ 3 red objects, orange with ≥ 1, yellow with ≥ 1 orange or worse):
    // 甲 has S1 (T01), L1, S1 (T03) red → 重大; T03 leads (1 red, 1 orange against T01's and T02's 1 red, 1 blue).
    // 乙 has S3 red → 较大, T01 leads (S3 red, S4 orange).
    let streets = read_layer(&gpkg, "streets");
    assert_eq!(num(&streets, "street_name", "甲街道", "level"), 1.0);
    assert_eq!(num(&streets, "street_name", "甲街道", "red_objects"), 3.0);
    assert_eq!(value(&streets, "street_name", "甲街道", "leading_domain").as_deref(), Some("T03 测试积水"));
    assert_eq!(num(&streets, "street_name", "乙镇", "level"), 2.0);
    assert_eq!(value(&streets, "street_name", "乙镇", "leading_domain").as_deref(), Some("T01 测试场所"));
    let drivers = value(&streets, "street_name", "乙镇", "drivers").unwrap();
    assert_eq!(drivers, "S3（重大风险）；S4（较大风险）");
    let basis = value(&streets, "street_name", "乙镇", "basis").unwrap();
    assert!(basis.contains("重大风险对象1个（1个领域），较大及以上2个") && basis.contains("较大风险条件：重大风险对象≥1个"), "{basis}");

    // 全区, capacity per km²: H = (T01 60 + T02 24.5 + T03 39.5) / 2 km² = 62. Residents from the one
    // station at (500000, 3450000): P1 316 m → 0.8, P2 1082 m → 1.0, P3 1598 m → 1.2, P4 2012 m → 1.5;
    // V = (1000·0.8 + 3000·1.0 + 500·1.2 + 4000·1.5) / 8500 = 1.22353; R = 75.86 → 较大 (≥ 70; 62 alone is 一般).
    let table = std::fs::read_to_string(out.join("tables/street_comprehensive.csv")).unwrap();
    let row = table.lines().find(|l| l.starts_with("A01,甲街道,")).unwrap();
    assert!(row.contains(",重大风险,T03 测试积水,"), "{row}");
    let report = std::fs::read_to_string(out.join("reports/comprehensive.html")).unwrap();
    assert!(report.contains("固有风险密度 62.00&#x2f;km² × 防控脆弱性 1.22 = 75.86，属较大风险（70–100）"), "{report}");
    assert!(report.contains("风险点计数法") && report.contains("暴露加权风险密度法") && report.contains("固有风险×防控脆弱性法"));
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.contains("全区,999,测试区,综合,综合风险,,,,,,2,较大风险"), "{summary}");
}
