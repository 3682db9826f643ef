//! `sise validate --report`: the data-quality report on a census sheet with
//! known gaps (tests/dirty-input/cases/quality_gaps, built by build.py):
//! every count checked, in the workbook and the HTML page.

use crate::common::*;

/// The workbook's sheets as rows of cell texts (numbers as Excel keeps them).
fn sheets(book: &std::path::Path) -> serde_json::Value {
    let script = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
print(json.dumps({ws.title: [["" if v is None else str(v) for v in r] for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}, ensure_ascii=False))
"#;
    let o = std::process::Command::new("/usr/bin/python3").args(["-c", script]).arg(book).output().unwrap();
    assert!(o.status.success(), "openpyxl: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn the_quality_report_counts_every_gap() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("report");
    let cfg = repo().join("tests/dirty-input/cases/quality_gaps/assessment.toml");
    let o = sise(&["validate", cfg.to_str().unwrap(), "--report", dir.to_str().unwrap()]);
    // The data have a duplicate id: validation itself still refuses them, after writing the report.
    assert_eq!(o.status.code(), Some(20), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("T01 测试场所") && out.contains("12 registered") && out.contains("below 80 %"), "{out}");

    let v = sheets(&dir.join("数据质量报告.xlsx"));
    let row = |sheet: &str, first: &str, second: &str| -> Vec<String> {
        let rows = v[sheet].as_array().unwrap();
        let r = rows.iter().find(|r| r[0] == first && (second.is_empty() || r[1] == second)).unwrap_or_else(|| panic!("{sheet}: no row {first} {second}"));
        r.as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect()
    };
    // 12 rows delivered (blank rows do not count); Q01, Q02, Q10 complete.
    let t01 = row("领域汇总", "T01 测试场所", "");
    assert_eq!(&t01[1..10], ["sites", "12", "3", "25", "否", "1", "1", "1", "3"], "{t01:?}");
    assert!(
        t01[10].contains("GCJ-02")
            && t01[10].contains("区外对象由 3 个减至 0 个")
            && t01[10].contains("由 50% 升至 100%")
            && t01[10].contains("offset = \"gcj02\""),
        "{}",
        t01[10]
    );
    assert_eq!(row("领域汇总", "T02 测试管线", "")[1..6], ["pipes", "2", "2", "100", "是"]);
    // Fill rates and invalid values per field (10 objects read).
    assert_eq!(row("字段填报", "T01 测试场所", "类别")[2..8], ["cls", "是", "8", "80", "1", "Q04：“medium”"]);
    assert_eq!(row("字段填报", "T01 测试场所", "grade")[4..8], ["10", "100", "1", "Q05：“E”"]);
    assert_eq!(row("字段填报", "T01 测试场所", "flag")[4..8], ["10", "100", "1", "Q06：“约1”"]);
    // Per 街镇 (as the coordinates place them, declared WGS84).
    assert_eq!(row("街镇填报", "T01 测试场所", "甲街道")[2..5], ["3", "3", "100"]);
    assert_eq!(row("街镇填报", "T01 测试场所", "乙镇")[2..5], ["4", "0", "0"]);
    // Every object to correct, with its spreadsheet row.
    let problems: Vec<&serde_json::Value> = v["问题清单"].as_array().unwrap().iter().filter(|r| r[0] == "T01 测试场所").collect();
    assert_eq!(problems.len(), 10);
    let problem = |id: &str, row: &str| problems.iter().find(|r| r[2] == id && r[4] == row).map(|r| r[6].as_str().unwrap().to_owned()).unwrap_or_default();
    assert_eq!(problem("Q03", "7"), "类别（cls）未填");
    assert_eq!(problem("Q04", "8"), "类别（cls）“medium”不在可选值中");
    assert_eq!(problem("Q05", ""), "编号重复");
    assert_eq!(problem("Q11", ""), "坐标或几何缺失、无效");
    assert!(problem("Q09", "13").starts_with("位于区外") && problem("Q09", "13").ends_with("类别（cls）未填"));
    assert_eq!(problem("Q10", "15"), "疑似重复登记：与 Q01 同名且相距 7 米");

    // The HTML page says the same, in Chinese, with the offset warning.
    let html = std::fs::read_to_string(dir.join("数据质量报告.html")).unwrap();
    for needle in ["测试区2024年风险普查数据质量报告", "看起来是高德、腾讯地图的 GCJ-02 坐标", "Q04：“medium”", "疑似重复登记", "<td class=\"num\">25.0%</td>"]
    {
        assert!(html.contains(needle), "{needle}");
    }
}

/// Declared correctly (offset = "gcj02"), the same sheet raises no offset
/// warning and has no object outside the district.
#[test]
fn declared_gcj02_coordinates_are_not_flagged() {
    let tmp = tempfile::tempdir().unwrap();
    let case = repo().join("tests/dirty-input/cases/quality_gaps");
    let text = std::fs::read_to_string(case.join("assessment.toml")).unwrap();
    let text = text.replace(
        "path = \"sites.xlsx\"\ncrs = \"EPSG:4326\"",
        &format!("path = \"{}\"\ncrs = \"EPSG:4326\"\noffset = \"gcj02\"", case.join("sites.xlsx").display()),
    );
    let text = text.replace("\"../../../fixtures/", &format!("\"{}/", repo().join("tests/fixtures").display()));
    let cfg = tmp.path().join("assessment.toml");
    std::fs::write(&cfg, text).unwrap();
    let dir = tmp.path().join("report");
    let o = sise(&["validate", cfg.to_str().unwrap(), "--report", dir.to_str().unwrap()]);
    assert!(dir.join("数据质量报告.xlsx").exists(), "{}", stderr(&o));
    let v = sheets(&dir.join("数据质量报告.xlsx"));
    let t01 = v["领域汇总"].as_array().unwrap().iter().find(|r| r[0] == "T01 测试场所").unwrap().clone();
    assert_eq!((t01[9].as_str(), t01[10].as_str()), (Some("0"), Some("")), "{t01}");
}
