//! `tables/`: the tables agree with the GeoPackage, and the workbook opens
//! (read back with openpyxl) with its sheets and four-colour fills.

use crate::common::*;

fn csv(out: &std::path::Path, name: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(out.join("tables").join(format!("{name}.csv"))).unwrap();
    assert!(text.starts_with('\u{feff}'), "{name}: no BOM");
    text.trim_start_matches('\u{feff}').lines().map(|l| l.split(',').map(str::to_owned).collect()).collect()
}

#[test]
fn tables_agree_with_the_geopackage() {
    let out = shared_run("layers/demo/assessment.toml");
    let gpkg = out.join("sise.gpkg");
    let levels = csv(&out, "domain_levels");
    assert_eq!(levels.len(), 18, "a header and 17 domains");
    let major = csv(&out, "major_risks");
    for row in &levels[1..] {
        let layer = read_gpkg_layer_names(&gpkg).into_iter().find(|l| l.starts_with(&format!("{}_", row[0]))).unwrap();
        let rows = read_layer(&gpkg, &layer);
        for (k, level) in ["1", "2", "3", "4"].iter().enumerate() {
            let n = rows.iter().filter(|r| r["level"].as_deref() == Some(*level)).count();
            assert_eq!(row[2 + k], n.to_string(), "{layer} level {level}");
        }
        assert_eq!(row[6], rows.len().to_string());
        // Every red and orange object is on the risk list, and nothing else of this domain.
        let listed = major.iter().filter(|m| m[0] == row[0]).count();
        let severe = rows.iter().filter(|r| matches!(r["level"].as_deref(), Some("1" | "2"))).count();
        assert_eq!(listed, severe, "{layer}: risk list");
    }
    // The 街镇 matrix matches the streets layer.
    let matrix = csv(&out, "street_domain_levels");
    let streets = read_layer(&gpkg, "streets");
    for row in &matrix[1..] {
        let name = |lvl: Option<&str>| match lvl {
            Some("1") => "重大风险",
            Some("2") => "较大风险",
            Some("3") => "一般风险",
            Some("4") => "低风险",
            _ => "",
        };
        assert_eq!(row[2], name(value(&streets, "street_code", &row[0], "d01_level").as_deref()), "{}", row[1]);
        assert_eq!(row.last().unwrap(), name(value(&streets, "street_code", &row[0], "level").as_deref()));
    }
    // Coverage: everything delivered was assessed in the demo.
    let coverage = csv(&out, "coverage");
    assert!(coverage[1..].iter().all(|r| r[4] == "100.0" && r[5] == "是"));
    // Parquet holds the same table.
    let pq = std::fs::File::open(out.join("tables/domain_levels.parquet")).unwrap();
    use polars::prelude::SerReader;
    let df = polars::prelude::ParquetReader::new(pq).finish().unwrap();
    assert_eq!(df.height(), 17);
    assert_eq!(df.get_column_names()[2].as_str(), "重大风险");
}

#[test]
fn workbook_opens_with_sheets_and_level_fills() {
    let out = shared_run("layers/demo/assessment.toml");
    let script = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
fills = {}
for ws in wb.worksheets:
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if c.value in ("重大风险", "较大风险", "一般风险", "低风险"):
                fills.setdefault(c.value, set()).add(c.fill.fgColor.rgb)
print(json.dumps({"sheets": wb.sheetnames, "header": [c.value for c in wb.worksheets[0][1]],
                  "fills": {k: sorted(v) for k, v in fills.items()}}, ensure_ascii=False))
"#;
    let o = std::process::Command::new("/usr/bin/python3").args(["-c", script]).arg(out.join("tables/评估汇总表.xlsx")).output().unwrap();
    assert!(o.status.success(), "openpyxl: {}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["sheets"], serde_json::json!(["领域风险等级统计", "街镇分领域风险等级", "街镇综合风险", "重大及较大风险清单", "评估覆盖率"]));
    assert_eq!(v["header"][0], "领域编号");
    assert_eq!(v["fills"]["重大风险"], serde_json::json!(["FFE60000"]));
    assert_eq!(v["fills"]["较大风险"], serde_json::json!(["FFFF8C00"]));
    assert_eq!(v["fills"]["一般风险"], serde_json::json!(["FFFFD700"]));
    assert_eq!(v["fills"]["低风险"], serde_json::json!(["FF1E90FF"]));
}
