//! The three-year cycle: two hand-made years in one output root, compared.
//!
//! Year 2025 (tests/fixtures/handmade-2025) changes the sites of 2024:
//! S1 management grade B → A: 75 × 0.5 = 37.5 → yellow (was red);
//! S2 grade A → B: 50 × 1.0 = 50 → orange (was blue);
//! S3 hidden danger rectified (flag 1 → 0): no veto, 22.5 → blue (was red);
//! S4 closed (was orange); S5 new at (501200, 3450200): high (100), nobody
//! within 250 m → 50 → orange. Pipes and depth raster are unchanged; pipe ages
//! grow by a year without changing a level.

use crate::common::*;

#[test]
fn compare_gives_the_transition_matrix_changes_and_street_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("out");
    for cfg in ["tests/fixtures/handmade/assessment.toml", "tests/fixtures/handmade-2025/assessment.toml"] {
        let o = sise(&["run", repo().join(cfg).to_str().unwrap(), "--out", root.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let years = root.join("2024-2026");
    let o = sise(&["compare", years.join("2024").to_str().unwrap(), years.join("2025").to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = years.join("compare-2024-2025");
    let read = |f: &str| -> Vec<Vec<String>> {
        std::fs::read_to_string(dir.join(f)).unwrap().trim_start_matches('\u{feff}').lines().map(|l| l.split(',').map(str::to_owned).collect()).collect()
    };

    // Transition matrix of T01, cell by cell: rows 2024 level, columns 2025 level, then new and removed.
    let t = read("transitions.csv");
    let t01: Vec<Vec<&str>> = t.iter().filter(|r| r[0] == "T01 测试场所").map(|r| r[2..].iter().map(String::as_str).collect()).collect();
    assert_eq!(
        t01,
        vec![
            vec!["0", "0", "1", "1", "0", "0"], // red → yellow (S1), red → blue (S3)
            vec!["0", "0", "0", "0", "1", "1"], // orange: S5 new at orange, S4 removed from orange
            vec!["0", "0", "0", "0", "0", "0"],
            vec!["0", "1", "0", "0", "0", "0"], // blue → orange (S2)
        ]
    );
    let t03: Vec<Vec<&str>> = t.iter().filter(|r| r[0] == "T03 测试积水").map(|r| r[2..].iter().map(String::as_str).collect()).collect();
    assert_eq!(t03[0], vec!["1", "0", "0", "0", "0", "0"]);
    assert_eq!(t03[1], vec!["0", "1", "0", "0", "0", "0"]);
    assert_eq!(t03[3], vec!["0", "0", "0", "1", "1", "1"]); // S3 stays blue; S5 new and S4 removed, both blue

    // Objects that went up or down, new and removed.
    let c = read("changes.csv");
    let row = |d: &str, id: &str| c.iter().find(|r| r[0] == d && r[1] == id).map(|r| r[2..].join(","));
    assert_eq!(row("T01", "S1").as_deref(), Some("重大风险,一般风险,风险下降"));
    assert_eq!(row("T01", "S2").as_deref(), Some("低风险,较大风险,风险上升"));
    assert_eq!(row("T01", "S3").as_deref(), Some("重大风险,低风险,风险下降"));
    assert_eq!(row("T01", "S4").as_deref(), Some("较大风险,,撤销对象"));
    assert_eq!(row("T01", "S5").as_deref(), Some(",较大风险,新增对象"));
    assert_eq!(row("T02", "L1"), None, "unchanged objects are not listed");

    // 街镇: 甲 T01 max(S1 yellow, S2 orange) = orange, was red; 乙 T01 orange (S5), was red (S3's veto).
    let s = read("streets.csv");
    let street = |code: &str, d: &str| s.iter().find(|r| r[0] == code && r[2] == d).map(|r| r[3..].join(","));
    assert_eq!(street("A01", "T01").as_deref(), Some("重大风险,较大风险,风险下降"));
    assert_eq!(street("B02", "T01").as_deref(), Some("重大风险,较大风险,风险下降"));
    assert_eq!(street("A01", "T02").as_deref(), Some("较大风险,较大风险,等级不变"));

    // Change layers for QGIS, styled by change class.
    let rows = read_layer(&dir.join("changes.gpkg"), "T01_changes");
    assert_eq!(value(&rows, "id", "S2", "change_name").as_deref(), Some("风险上升"));
    assert_eq!(num(&rows, "id", "S4", "change"), 5.0);
    let styles = read_layer(&dir.join("changes.gpkg"), "layer_styles");
    let qml = styles.iter().find(|r| r["f_table_name"].as_deref() == Some("T01_changes")).unwrap()["styleQML"].clone().unwrap();
    assert!(qml.contains(r#"attr="change""#) && qml.contains("风险上升") && qml.contains("192,0,0,255"));
}

#[test]
fn the_demo_cycle_shows_rectified_closed_and_new_sites() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("out");
    for cfg in ["layers/demo/assessment.toml", "layers/demo-2025/assessment.toml"] {
        let o = sise(&["run", repo().join(cfg).to_str().unwrap(), "--out", root.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let years = root.join("2024-2026");
    let o = sise(&["compare", years.join("2024").to_str().unwrap(), years.join("2025").to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let changes = std::fs::read_to_string(years.join("compare-2024-2025/changes.csv")).unwrap();
    let count = |what: &str| changes.lines().filter(|l| l.starts_with("D01,") && l.ends_with(what)).count();
    assert_eq!(count("新增对象"), 4, "{changes}");
    assert_eq!(count("撤销对象"), 3, "{changes}");
    assert!(count("风险下降") >= 3, "rectified hazards lower levels: {changes}");
    // Other domains did not change.
    assert!(!changes.lines().any(|l| l.starts_with("D16,")), "{changes}");

    // The expert review across the two years (专家研判.csv of each): every
    // adjustment of either year once, with what became of it.
    let review = std::fs::read_to_string(years.join("compare-2024-2025/review.csv")).unwrap();
    let status: Vec<(String, String)> = review
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (format!("{} {}", c[0], c[1]), c[2].to_owned())
        })
        .collect();
    let want = [("D01 HC011", "保留"), ("D01 HC050", "新增"), ("D01 HC013", "对象已不存在"), ("D08 SE0006", "撤销"), ("D12 VN026", "保留")];
    assert_eq!(status, want.map(|(a, b)| (a.to_owned(), b.to_owned())).to_vec(), "{review}");
    // The 2025 comprehensive report states that continuity.
    let report = std::fs::read_to_string(years.join("2025/reports/comprehensive.html")).unwrap();
    assert!(report.contains("保留 2 项、新增 1 项、撤销 1 项、对象已不存在 1 项"), "the 年度动态变化 section counts the adjustments");
}
