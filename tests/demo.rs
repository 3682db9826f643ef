//! The bundled demo district: the generator is deterministic and the
//! committed layers are its output; `sise run` on it gives every feature a level.

use crate::common::*;

#[test]
fn generator_is_deterministic_and_matches_the_committed_layers() {
    let tmp = tempfile::tempdir().unwrap();
    let streets = repo().join("layers/demo/putuo_streets.geojson");
    let metro = repo().join("layers/demo/shanghai_metro_stations.geojson");
    for run in ["a", "b"] {
        let out = tmp.path().join(run);
        let next = tmp.path().join(format!("{run}-2025"));
        let o = sise(&[
            "demo-data",
            "--streets",
            streets.to_str().unwrap(),
            "--metro",
            metro.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--next-year",
            next.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    // Text formats compare byte for byte (Shapefile and GeoPackage headers carry dates).
    for f in [
        "chemical_enterprises.csv",
        "special_equipment.csv",
        "residential.geojson",
        "pumping_stations.geojson",
        "factories.geojson",
        "metro_stations.geojson",
        "venues.geojson",
        "shelters.geojson",
    ] {
        let a = std::fs::read(tmp.path().join("a").join(f)).unwrap();
        assert_eq!(a, std::fs::read(tmp.path().join("b").join(f)).unwrap(), "{f} differs between runs");
        assert_eq!(a, std::fs::read(repo().join("layers/demo").join(f)).unwrap(), "{f}: layers/demo is stale; rerun `sise demo-data`");
    }
    // The census sheet: the same cells in both runs and in layers/demo (the file's zip timestamps differ).
    let sheet = |p: std::path::PathBuf| {
        let o = std::process::Command::new("ogr2ogr").args(["-f", "CSV", "/vsistdout/"]).arg(p).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let xlsx = "工贸企业摸排表.xlsx";
    let cells = sheet(tmp.path().join("a").join(xlsx));
    assert!(cells.contains("上海市普陀区") && cells.lines().count() > 60, "{cells}");
    assert_eq!(cells, sheet(tmp.path().join("b").join(xlsx)));
    assert_eq!(cells, sheet(repo().join("layers/demo").join(xlsx)), "{xlsx}: layers/demo is stale; rerun `sise demo-data`");
    let next = std::fs::read(tmp.path().join("a-2025/chemical_enterprises.csv")).unwrap();
    assert_eq!(next, std::fs::read(tmp.path().join("b-2025/chemical_enterprises.csv")).unwrap());
    assert_eq!(next, std::fs::read(repo().join("layers/demo-2025/chemical_enterprises.csv")).unwrap(), "layers/demo-2025 is stale");
    let raster = |p: std::path::PathBuf| {
        let ds = gdal::Dataset::open(p).unwrap();
        ds.rasterband(1).unwrap().read_band_as::<f32>().unwrap().data().to_vec()
    };
    assert_eq!(raster(tmp.path().join("a/inundation_50y.tif")), raster(repo().join("layers/demo/inundation_50y.tif")));
}

#[test]
fn demo_run_writes_every_layer_with_levels() {
    let out = shared_run("layers/demo/assessment.toml");

    // ogrinfo (GDAL's own tool) lists the layers.
    let info = std::process::Command::new("ogrinfo").args(["-ro", "-q"]).arg(out.join("sise.gpkg")).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    let domains = [
        "D01_hazardous_chemicals",
        "D02_urban_gas",
        "D03_factories_warehouses",
        "D04_industry_trade",
        "D05_construction",
        "D06_road_transport",
        "D07_water_transport",
        "D08_special_equipment",
        "D09_ev_charging",
        "D10_lifelines",
        "D11_rail_transit",
        "D12_crowded_venues",
        "D13_high_rise",
        "D14_underground_space",
        "D15_vulnerable_groups",
        "D16_flood_typhoon",
        "D17_geo_forest_fire",
    ];
    for layer in domains.iter().chain(&["grid", "streets"]) {
        assert!(info.contains(layer), "{layer} missing from ogrinfo:\n{info}");
    }
    let gpkg = out.join("sise.gpkg");
    for layer in domains.iter().chain(&["streets"]) {
        let rows = read_layer(&gpkg, layer);
        assert!(rows.len() >= 10, "{layer}: {} features", rows.len());
        let mut seen = std::collections::BTreeSet::new();
        for r in &rows {
            let l = r["level"].as_deref().unwrap_or_else(|| panic!("{layer}: feature without level"));
            assert!(["1", "2", "3", "4"].contains(&l), "{layer}: level {l}");
            seen.insert(l.to_owned());
        }
        // Every domain separates its objects: at least three of the four levels occur.
        if *layer != "streets" {
            assert!(seen.len() >= 3, "{layer}: levels seen {seen:?}");
        }
    }
    assert_eq!(read_layer(&gpkg, "D01_hazardous_chemicals").len(), 48);
    assert_eq!(read_layer(&gpkg, "D16_flood_typhoon").len(), 700);
    let grid = read_layer(&gpkg, "grid");
    assert!(grid.len() > 800, "Putuo is ~56 km², ~900 cells of 250 m; got {}", grid.len());
    assert!(grid.iter().all(|r| matches!(r["level"].as_deref(), Some("1" | "2" | "3" | "4"))));
    // Every 街镇 of 普陀区 appears with a comprehensive level.
    let streets = read_layer(&gpkg, "streets");
    assert!(streets.iter().any(|r| r["street_name"].as_deref() == Some("桃浦镇")));
    // Reports state the bands as each model grades them: D04 (LEC) with a strict ">".
    let d04 = std::fs::read_to_string(out.join("reports/D04_industry_trade.html")).unwrap();
    assert!(d04.contains("重大风险 ＞ 320，较大风险 ＞ 160，一般风险 ＞ 70，其余为低风险"), "D04 report misstates its bands");
    let d01 = std::fs::read_to_string(out.join("reports/D01_hazardous_chemicals.html")).unwrap();
    assert!(d01.contains("重大风险 ≥ ") && !d01.contains("重大风险 ＞"));
    // The clipped metro stations: 2 of the 30 lie across the boundary, and the report says so.
    assert_eq!(read_layer(&gpkg, "D11_rail_transit").len(), 28);
    let d11 = std::fs::read_to_string(out.join("reports/D11_rail_transit.html")).unwrap();
    assert!(d11.contains("有 2 个对象位于普陀区范围以外"), "D11 report does not say what it left out");
}

/// Every domain's level counts on the demo, pinned: a changed weight,
/// threshold or rule in any of the 17 model files shows here. And objects
/// worked by hand from their model files (not copied from the output).
#[test]
fn demo_levels_are_pinned_and_hand_worked_objects_agree() {
    let out = shared_run("layers/demo/assessment.toml");
    let gpkg = out.join("sise.gpkg");
    let pinned: [(&str, [usize; 4]); 17] = [
        ("D01_hazardous_chemicals", [1, 8, 27, 12]),
        ("D02_urban_gas", [40, 87, 259, 299]),
        ("D03_factories_warehouses", [10, 19, 73, 58]),
        ("D04_industry_trade", [4, 8, 26, 52]),
        ("D05_construction", [6, 4, 15, 15]),
        ("D06_road_transport", [16, 41, 65, 127]),
        ("D07_water_transport", [2, 6, 3, 27]),
        ("D08_special_equipment", [9, 93, 218, 80]),
        ("D09_ev_charging", [10, 19, 44, 77]),
        ("D10_lifelines", [22, 84, 148, 131]),
        ("D11_rail_transit", [5, 6, 8, 9]),
        ("D12_crowded_venues", [5, 13, 27, 75]),
        ("D13_high_rise", [13, 49, 143, 145]),
        ("D14_underground_space", [7, 23, 36, 14]),
        ("D15_vulnerable_groups", [5, 44, 88, 23]),
        ("D16_flood_typhoon", [43, 92, 186, 379]),
        ("D17_geo_forest_fire", [1, 9, 11, 9]),
    ];
    for (layer, want) in pinned {
        let rows = read_layer(&gpkg, layer);
        let got: Vec<usize> = ["1", "2", "3", "4"].iter().map(|l| rows.iter().filter(|r| r["level"].as_deref() == Some(*l)).count()).collect();
        assert_eq!(got, want, "{layer}: objects per level (重大, 较大, 一般, 低)");
    }

    // D01 (weighted index) HC015: 易燃液体 → 60, 重大危险源 无 → 10, 78,719 residents
    // within 1 km → step [60000, 75] → 75, nearest school 386.94 m → step [300, 40] → 40;
    // 0.25×60 + 0.25×10 + 0.30×75 + 0.20×40 = 48; grade C → ×1.1 = 52.8, which is
    // 一般 (40 ≤ 52.8 < 55), but an unrectified major hidden danger vetoes it to 重大.
    let d01 = read_layer(&gpkg, "D01_hazardous_chemicals");
    assert_eq!(value(&d01, "id", "HC015", "hazard_class").as_deref(), Some("易燃液体"));
    assert_eq!(num(&d01, "id", "HC015", "population_1000m"), 78719.0);
    assert_eq!(num(&d01, "id", "HC015", "population_1000m_score"), 75.0);
    assert_eq!(num(&d01, "id", "HC015", "sensitive_distance_score"), 40.0);
    assert!((num(&d01, "id", "HC015", "inherent") - 48.0).abs() < 1e-9);
    assert!((num(&d01, "id", "HC015", "score") - 52.8).abs() < 1e-9);
    assert_eq!(value(&d01, "id", "HC015", "computed_level").as_deref(), Some("1"));
    assert_eq!(value(&d01, "id", "HC015", "veto_reason").as_deref(), Some("存在未整改的重大事故隐患"));

    // D04 (LEC, graded "D > threshold"): IT039 has 8 open hidden dangers → L 10, works
    // 每日 → E 6, 铝镁粉尘涉爆 → C 40: D = 2400 > 320, 重大. IT009: 1 open → L 1, 连续 →
    // E 10, 一般工贸 → C 7: D = 70, not above 70, so 低 — the strict ">" at the boundary.
    let d04 = read_layer(&gpkg, "D04_industry_trade");
    assert_eq!(num(&d04, "id", "IT039", "score"), 2400.0);
    assert_eq!(value(&d04, "id", "IT039", "level").as_deref(), Some("1"));
    assert_eq!(num(&d04, "id", "IT009", "score"), 70.0);
    assert_eq!(value(&d04, "id", "IT009", "level").as_deref(), Some("4"));

    // One object of every other domain, worked from its model file: the raw
    // values are the inputs (attributes, or spatial measures the score unit
    // tests and the GeoPandas reference check); the arithmetic from them to
    // the level is written out here. Output columns are rounded to 4 decimals.
    for (layer, id, columns, level) in hand_worked() {
        let rows = read_layer(&gpkg, layer);
        for (column, want) in columns {
            let got = num(&rows, "id", id, column);
            assert!((got - want).abs() < 1e-3, "{layer} {id} {column}: {got}, worked by hand {want}");
        }
        assert_eq!(value(&rows, "id", id, "level").as_deref(), Some(level), "{layer} {id}");
        assert_eq!(value(&rows, "id", id, "veto_reason"), None, "{layer} {id} is graded by its score");
    }
    // D05's weights come from its [ahp] matrix; `sise models show` prints them to 3 decimals
    // (0.419, 0.263, 0.160, 0.097, 0.062). Excavation 18 m → 100; no high formwork 0; 1 crane →
    // 40; 5,014 residents → 33.4267; 140,454 万元 → 93.636: 57.35 with the rounded weights;
    // safety grade A × 0.85 → 48.7, 一般 (42 ≤ · < 62).
    let d05 = read_layer(&gpkg, "D05_construction");
    let by_hand = 0.419 * 100.0 + 0.263 * 0.0 + 0.160 * 40.0 + 0.097 * (5014.0 / 15000.0 * 100.0) + 0.062 * (140454.0 / 150000.0 * 100.0);
    assert!((num(&d05, "id", "CS005", "inherent") - by_hand).abs() < 0.1, "D05 CS005 inherent {} vs {by_hand}", num(&d05, "id", "CS005", "inherent"));
    assert!((num(&d05, "id", "CS005", "score") - by_hand * 0.85).abs() < 0.1);
    assert_eq!(value(&d05, "id", "CS005", "level").as_deref(), Some("3"));
}

/// Per domain: a layer, an object, columns with their hand-worked values, and its level.
#[allow(clippy::type_complexity)]
fn hand_worked() -> Vec<(&'static str, &'static str, Vec<(&'static str, f64)>, &'static str)> {
    vec![
        // D02: age 35 → step ≥30 → 85; 中压 70; 钢 60; 1,606 residents → 1606/12000 → 13.3833;
        // no site within 100 m → 0. Grade A × 0.85: 43.0065, 一般 (40 ≤ · < 60).
        (
            "D02_urban_gas",
            "GP00005",
            vec![
                ("pipe_age", 35.0),
                ("pipe_age_score", 85.0),
                ("population_200m", 1606.0),
                ("construction_100m", 0.0),
                ("inherent", 0.25 * 85.0 + 0.2 * 70.0 + 0.2 * 60.0 + 0.25 * (1606.0 / 12000.0 * 100.0) + 0.1 * 0.0),
                ("score", (0.25 * 85.0 + 0.2 * 70.0 + 0.2 * 60.0 + 0.25 * (1606.0 / 12000.0 * 100.0)) * 0.85),
            ],
            "3",
        ),
        // D03: 乙 80; 9,107 m² → 45.535; 68 staff → step ≥30 → 30; sprinkler 是 20; escape 是 0;
        // fire station 1,012.24 m → (1012.2413 − 500)/2500 → 20.4897. Grade C × 1.15: 47.61, 一般 (35 ≤ · < 52).
        (
            "D03_factories_warehouses",
            "FW0001",
            vec![
                ("floor_area", 9107.0),
                ("staff", 68.0),
                ("fire_station_distance", 1012.2413),
                ("inherent", 0.3 * 80.0 + 0.15 * 45.535 + 0.15 * 30.0 + 0.15 * 20.0 + 0.1 * 0.0 + 0.15 * ((1012.2413 - 500.0) / 2500.0 * 100.0)),
                ("control_factor", 1.15),
                ("score", (0.3 * 80.0 + 0.15 * 45.535 + 0.15 * 30.0 + 0.15 * 20.0 + 0.15 * ((1012.2413 - 500.0) / 2500.0 * 100.0)) * 1.15),
            ],
            "3",
        ),
        // D06 (risk matrix with a level table): 2 accidents on 478 m → 4.18/km → step ≥3 → L 3;
        // 快速路 → S 4; R = 12, and the table's row 3, column 4 says 较大 (thresholds alone would say 重大).
        ("D06_road_transport", "RD0001", vec![("accidents_50m", 2.0), ("accident_density_score", 3.0), ("road_class_score", 4.0), ("score", 12.0)], "2"),
        // D07: 110 vessels/day → 55; no ferry 0; no dangerous-goods berth 0; 1 wharf within 300 m → 50:
        // 0.35×55 + 0.15×50 = 26.75, 一般 (20 ≤ · < 40).
        ("D07_water_transport", "WW001", vec![("wharves_300m", 1.0), ("score", 0.35 * 55.0 + 0.25 * 0.0 + 0.25 * 0.0 + 0.15 * 50.0)], "3"),
        // D08 (risk matrix on thresholds): 28 years, none overdue → likelihood 28/10 + 0 = 2.8 →
        // L 3; 电梯 → S 3; R = 9, 一般 (4 ≤ · < 10).
        ("D08_special_equipment", "SE0002", vec![("age", 28.0), ("likelihood", 2.8), ("likelihood_score", 3.0), ("severity_score", 3.0), ("score", 9.0)], "3"),
        // D09: 107 ports → 100; outdoor 20; nearest home 113.16 m → (300 − 113.1557)/300 → 62.2814;
        // no fire 0. Grade A × 0.85: 41.38, 一般 (38 ≤ · < 55).
        (
            "D09_ev_charging",
            "EV006",
            vec![("home_distance", 113.1557), ("score", (0.25 * 100.0 + 0.25 * 20.0 + 0.3 * ((300.0 - 113.1557) / 300.0 * 100.0) + 0.2 * 0.0) * 0.85)],
            "3",
        ),
        // D10: 38 years → 60; 灰口铸铁 100; DN586 → (586 − 100)/1100 → 44.1818; 4,257 residents →
        // 35.475; 61.28 m of gas main within 30 m → 10.2126: 52.46, 较大 (50 ≤ · < 65).
        (
            "D10_lifelines",
            "WM0003",
            vec![
                ("population_200m", 4257.0),
                ("gas_30m", 61.2754),
                ("score", 0.25 * 60.0 + 0.2 * 100.0 + 0.2 * (486.0 / 1100.0 * 100.0) + 0.2 * (4257.0 / 12000.0 * 100.0) + 0.15 * (61.2754 / 600.0 * 100.0)),
            ],
            "2",
        ),
        // D11: 34,310 passengers → (34310 − 10000)/140000 → 17.3643; 1 line → 20; platform 30.6 m
        // deep → clamped to 100; 19,253 residents → 64.1767: 39.78, 一般 (30 ≤ · < 50).
        (
            "D11_rail_transit",
            "MS005",
            vec![
                ("depth_score", 100.0),
                ("population_500m", 19253.0),
                ("score", 0.4 * (24310.0 / 140000.0 * 100.0) + 0.25 * 20.0 + 0.15 * 100.0 + 0.2 * (19253.0 / 30000.0 * 100.0)),
            ],
            "3",
        ),
        // D12: peak 2,664 → step ≥2000 → 55; density 10.2336/100 m² → 17.4452; 12 exits → 4.5045 per
        // 1000 → (6 − 4.5045)/5.5 → 27.1908; 4 events → 40; metro 883.47 m → 11.6527: 33.18, which is
        // 低 — but management C × 1.15 makes it 38.15, 一般 (35 ≤ · < 50).
        (
            "D12_crowded_venues",
            "VN002",
            vec![
                ("density", 10.2336),
                ("exits_per_1000", 4.5045),
                ("metro_distance", 883.4734),
                (
                    "inherent",
                    0.3 * 55.0
                        + 0.2 * ((10.2336 - 5.0) / 30.0 * 100.0)
                        + 0.2 * ((6.0 - 4.5045) / 5.5 * 100.0)
                        + 0.15 * 40.0
                        + 0.15 * ((1000.0 - 883.4734) / 10.0),
                ),
                (
                    "score",
                    (0.3 * 55.0
                        + 0.2 * ((10.2336 - 5.0) / 30.0 * 100.0)
                        + 0.2 * ((6.0 - 4.5045) / 5.5 * 100.0)
                        + 0.15 * 40.0
                        + 0.15 * ((1000.0 - 883.4734) / 10.0))
                        * 1.15,
                ),
            ],
            "3",
        ),
        // D13: 94 m → step ≥80 → 65; facilities 完好 10; 3 years → 7.5; fire station 1,372.90 m →
        // 34.9159: 33.86, 一般 (32 ≤ · < 48).
        (
            "D13_high_rise",
            "HB0001",
            vec![("fire_station_distance", 1372.8986), ("score", 0.35 * 65.0 + 0.3 * 10.0 + 0.15 * 7.5 + 0.2 * ((1372.8986 - 500.0) / 2500.0 * 100.0))],
            "3",
        ),
        // D14: 5,151.79 m² → 34.3452; 地下商业 100; 1 level → 20; ventilation 一般 50; deepest
        // water 0.49 m → step ≥0.3 → 85; no geohazard 0: 59.37, 较大 (45 ≤ · < 62).
        (
            "D14_underground_space",
            "UG001",
            vec![
                ("area", 5151.787),
                ("flood_depth_max", 0.49),
                ("score", 0.2 * (5151.787 / 15000.0 * 100.0) + 0.2 * 100.0 + 0.1 * 20.0 + 0.1 * 50.0 + 0.3 * 85.0 + 0.1 * 0.0),
            ],
            "2",
        ),
        // D15: 中小学 60; 1,089 pupils → 72.6; 2 chemical sites within 1 km → 50; dry 0; fire station
        // 2,402.04 m → 76.0815: 54.74, 一般 — just under 较大's 55.
        (
            "D15_vulnerable_groups",
            "SS0001",
            vec![
                ("chemicals_1000m", 2.0),
                ("fire_station_distance", 2402.0365),
                ("score", 0.25 * 60.0 + 0.2 * 72.6 + 0.2 * 50.0 + 0.15 * 0.0 + 0.2 * ((2402.0365 - 500.0) / 2500.0 * 100.0)),
            ],
            "3",
        ),
        // D16: 0.49 m of water → step ≥0.3 → 70; 2,613 residents → 52.26; no basement 0; pump
        // 1,224.52 m → 48.9809: 52.80; drainage for a 1-year storm × 1.2 → 63.36, 较大 (45 ≤ · < 65).
        (
            "D16_flood_typhoon",
            "RC0014",
            vec![
                ("inundation_depth", 0.49),
                ("pump_distance", 1224.5213),
                ("control_factor", 1.2),
                ("score", (0.5 * 70.0 + 0.2 * 52.26 + 0.15 * 0.0 + 0.15 * (1224.5213 / 2500.0 * 100.0)) * 1.2),
            ],
            "2",
        ),
        // D17: census 较高 75; 6,355 residents → 15.8875; 107,101 m² → 10.7101; fire station
        // 2,484.29 m → 79.3717: 54.67, 较大 (45 ≤ · < 62).
        (
            "D17_geo_forest_fire",
            "GH01",
            vec![
                ("population", 6355.0),
                ("area", 107101.3861),
                ("score", 0.45 * 75.0 + 0.25 * (6355.0 / 40000.0 * 100.0) + 0.1 * (107101.3861 / 1e6 * 100.0) + 0.2 * ((2484.2919 - 500.0) / 2500.0 * 100.0)),
            ],
            "2",
        ),
    ]
}

/// The demo outputs in the real QGIS client (Debian's qgis + python3-qgis,
/// installed by scripts/setup.sh): default styles, labels, aliases, project
/// groups and visibility, and a rendered map with all four colours.
#[test]
fn qgis_opens_the_outputs_styled() {
    let (tmp, out) = run_config("layers/demo/assessment.toml");
    let mut layers: Vec<String> = read_gpkg_layer_names(&out.join("sise.gpkg"));
    layers.retain(|l| l != "layer_styles");
    assert_eq!(layers.len(), 19, "{layers:?}");
    let runtime = tmp.path().join("xdg");
    std::fs::create_dir(&runtime).unwrap();
    let o = std::process::Command::new("/usr/bin/python3")
        .arg(repo().join("tests/qgis/check_qgis.py"))
        .arg(&out)
        .args(&layers)
        .env("QT_QPA_PLATFORM", "offscreen")
        .env("XDG_RUNTIME_DIR", &runtime)
        .output()
        .expect("/usr/bin/python3 (run scripts/setup.sh to install QGIS)");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "QGIS check failed:\n{stdout}\n{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(report["failures"].as_array().unwrap().len(), 0);
    for level in ["1", "2", "3", "4"] {
        assert!(report["pixels"][level].as_u64().unwrap() > 100, "{report}");
    }
    assert_eq!(report["groups"].as_array().unwrap().len(), 19);
}

/// sise.qgs in the real QGIS: a print layout per map (comprehensive and each
/// domain), the comprehensive one exported by QGIS with all four colours, and
/// the map tip of a red object with a veto evaluated for it.
#[test]
fn qgis_layouts_print_and_objects_explain_themselves() {
    let out = shared_run("layers/demo/assessment.toml");
    let tmp = tempfile::tempdir().unwrap();
    let runtime = tmp.path().join("xdg");
    std::fs::create_dir(&runtime).unwrap();
    let png = tmp.path().join("layout.png");
    let o = std::process::Command::new("/usr/bin/python3")
        .arg(repo().join("tests/qgis/check_layouts.py"))
        .arg(&out)
        .arg(&png)
        .env("QT_QPA_PLATFORM", "offscreen")
        .env("XDG_RUNTIME_DIR", &runtime)
        .output()
        .expect("/usr/bin/python3 (run scripts/setup.sh to install QGIS)");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "QGIS layout check failed:\n{stdout}\n{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    let layouts = report["layouts"].as_array().unwrap();
    assert_eq!(layouts.len(), 18, "the comprehensive map and one per domain: {layouts:?}");
    assert!(layouts.iter().any(|l| l == "D01 危险化学品风险分布图"), "{layouts:?}");
    // A4 landscape at 120 dpi.
    assert_eq!(report["page"], serde_json::json!([1403, 992]), "{report}");
    assert!(!report["tips"].as_object().unwrap().is_empty());
}

/// The map images: size, the four level colours in the pixels, and legend
/// counts equal to the GeoPackage's.
#[test]
fn map_images_show_the_four_colours_and_true_counts() {
    let out = shared_run("layers/demo/assessment.toml");
    let gpkg = out.join("sise.gpkg");

    let legend = |svg: &str, level: u8| -> usize {
        let start = svg.find(&format!("id=\"legend-{level}\"")).unwrap();
        let text = &svg[start..];
        let text = &text[text.find('>').unwrap() + 1..text.find("</text>").unwrap()];
        text.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    let count = |rows: &[Row], level: &str| rows.iter().filter(|r| r["level"].as_deref() == Some(level)).count();

    for (map, layer) in [
        ("comprehensive", "grid"),
        ("D01_hazardous_chemicals", "D01_hazardous_chemicals"),
        ("D02_urban_gas", "D02_urban_gas"),
        ("D13_high_rise", "D13_high_rise"),
    ] {
        let svg = std::fs::read_to_string(out.join("maps").join(format!("{map}.svg"))).unwrap();
        let rows = read_layer(&gpkg, layer);
        for level in 1..=4u8 {
            assert_eq!(legend(&svg, level), count(&rows, &level.to_string()), "{map}: legend of level {level}");
        }
        assert!(svg.contains("桃浦镇") && svg.contains("数据来源") && svg.contains("公里") && svg.contains(">北<"), "{map}");

        let png = resvg::tiny_skia::Pixmap::load_png(out.join("maps").join(format!("{map}.png"))).unwrap();
        assert_eq!((png.width(), png.height()), (1600, 1200));
        let mut seen = [0usize; 4];
        let colours = [(0xE6, 0x00, 0x00), (0xFF, 0x8C, 0x00), (0xFF, 0xD7, 0x00), (0x1E, 0x90, 0xFF)];
        for p in png.pixels() {
            if let Some(k) = colours.iter().position(|c| (p.red(), p.green(), p.blue(), p.alpha()) == (c.0, c.1, c.2, 255)) {
                seen[k] += 1;
            }
        }
        // The legend swatches alone give each colour some pixels; the map must add far more.
        assert!(seen.iter().all(|n| *n > 300), "{map}: colour pixels {seen:?}");
    }
}

/// Operators compare reruns byte for byte: with `SOURCE_DATE_EPOCH` set,
/// two runs of the same inputs write identical files — the GeoPackage and
/// the workbook carry that time instead of the clock's; a malformed value
/// is refused before anything is written.
#[test]
fn identical_inputs_give_byte_identical_outputs_under_source_date_epoch() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = repo().join("layers/demo/assessment.toml");
    let run = |out: &str, epoch: &str| {
        let out = tmp.path().join(out);
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_sise"))
            .args(["run", "-q", cfg.to_str().unwrap(), "--out", out.to_str().unwrap()])
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        (o, out)
    };
    let outputs = |out: &std::path::Path| -> std::collections::BTreeMap<String, String> {
        let m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(year_dir(out).join("manifest.json")).unwrap()).unwrap();
        serde_json::from_value(m["outputs"].clone()).unwrap()
    };
    let (first, a) = run("a", "1735689600");
    assert!(first.status.success(), "{}", stderr(&first));
    // A second apart, so that a clock's time would differ.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let (second, b) = run("b", "1735689600");
    assert!(second.status.success(), "{}", stderr(&second));
    let (a, b) = (outputs(&a), outputs(&b));
    assert!(
        a.len() > 100 && a.contains_key("sise.gpkg") && a.contains_key("tables/评估汇总表.xlsx") && a.contains_key("reports/comprehensive.docx"),
        "{} outputs",
        a.len()
    );
    let differ: Vec<&String> = a.keys().filter(|k| a.get(*k) != b.get(*k)).collect();
    assert!(differ.is_empty(), "differ between identical runs: {differ:?}");
    // The time is SOURCE_DATE_EPOCH's: 2025-01-01 00:00 UTC.
    let gpkg = year_dir(tmp.path().join("a")).join("sise.gpkg");
    let db = rusqlite::Connection::open(&gpkg).unwrap();
    let times: Vec<String> = db
        .prepare("SELECT last_change FROM gpkg_contents UNION SELECT update_time FROM layer_styles")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(times, vec!["2025-01-01T00:00:00.000Z".to_string()]);

    let (bad, out) = run("c", "yesterday");
    assert_eq!(bad.status.code(), Some(7), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("SOURCE_DATE_EPOCH") && stderr(&bad).contains("yesterday"), "{}", stderr(&bad));
    assert!(!out.exists(), "nothing written");
}
