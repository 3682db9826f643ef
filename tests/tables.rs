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
    // The demo grades 街镇 and cells by their risk per km² against the
    // district's (`capacity`, `exposure`): a higher 综合风险值 is never a lower
    // level, in the table as in the GeoPackage, and each zone names its 主导领域.
    let comprehensive = csv(&out, "street_comprehensive");
    assert_eq!(&comprehensive[0][2..9], ["综合风险值", "综合风险等级", "主导领域", "主要风险对象", "定级依据", "重大风险对象数", "较大风险对象数"]);
    let rank = |name: &str| ["重大风险", "较大风险", "一般风险", "低风险"].iter().position(|n| *n == name).unwrap();
    let mut zones: Vec<(f64, usize)> = Vec::new();
    for row in &comprehensive[1..] {
        assert!((num(&streets, "street_code", &row[0], "score") - row[2].parse::<f64>().unwrap()).abs() < 0.005, "{}", row[1]);
        assert_eq!(value(&streets, "street_code", &row[0], "leading_domain").as_deref(), Some(row[4].as_str()), "{}", row[1]);
        assert!(row[6].contains("防控脆弱性") && row[6].contains("为全区平均的"), "{}: {}", row[1], row[6]);
        zones.push((row[2].parse().unwrap(), rank(&row[3])));
    }
    let monotone = |mut v: Vec<(f64, usize)>, what: &str| {
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(v.windows(2).all(|w| w[1].1 <= w[0].1), "{what}: a higher score with a lower level: {v:?}");
    };
    monotone(zones, "街镇");
    // A cell no domain has anything in is 0 (and blue).
    let grid = read_layer(&gpkg, "grid");
    let mut empty = 0;
    let mut cells = Vec::new();
    for r in &grid {
        let assessed = r.iter().any(|(k, v)| k.starts_with('d') && k.ends_with("_level") && v.is_some());
        let score: f64 = r["score"].as_deref().unwrap().parse().unwrap();
        let level: usize = r["level"].as_deref().unwrap().parse().unwrap();
        empty += usize::from(!assessed);
        assert_eq!(assessed, r["leading_domain"].is_some(), "cell {:?}", r["cell_id"]);
        if !assessed {
            assert_eq!((score, level), (0.0, 4), "cell {:?}", r["cell_id"]);
        }
        cells.push((score, level - 1));
    }
    monotone(cells, "grid");
    assert!(empty < grid.len() / 10, "{empty} of {} cells empty", grid.len());
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
    assert_eq!(
        v["sheets"],
        serde_json::json!(["领域风险等级统计", "街镇分领域风险等级", "街镇综合风险", "重大及较大风险清单", "专家研判记录", "评估覆盖率", "风险清单"])
    );
    assert_eq!(v["header"][0], "领域编号");
    assert_eq!(v["fills"]["重大风险"], serde_json::json!(["FFE60000"]));
    assert_eq!(v["fills"]["较大风险"], serde_json::json!(["FFFF8C00"]));
    assert_eq!(v["fills"]["一般风险"], serde_json::json!(["FFFFD700"]));
    assert_eq!(v["fills"]["低风险"], serde_json::json!(["FF1E90FF"]));
}

/// The 风险清单 read back from Parquet, CSV and the workbook: every scored
/// object once, with the names, addresses and responsible units the census
/// sheet gave (D04), its level as in the GeoPackage, the model's accident
/// types and the measures of its level, and CGCS2000 coordinates.
#[test]
fn risk_register_lists_every_object_with_names_and_measures() {
    use polars::prelude::*;
    let out = shared_run("layers/demo/assessment.toml");
    let pq = std::fs::File::open(out.join("tables/risk_register.parquet")).unwrap();
    let df = ParquetReader::new(pq).finish().unwrap();
    let col = |name: &str| -> Vec<String> {
        let c = df.column(name).unwrap().cast(&DataType::String).unwrap();
        c.str().unwrap().into_iter().map(|v| v.unwrap_or("").to_owned()).collect()
    };
    let gpkg = out.join("sise.gpkg");
    let total: usize = read_gpkg_layer_names(&gpkg).iter().filter(|l| l.starts_with('D')).map(|l| read_layer(&gpkg, l).len()).sum();
    assert_eq!(df.height(), total, "one row per scored object");
    assert_eq!(col("序号"), (1..=total).map(|n| n.to_string()).collect::<Vec<_>>());
    let header: Vec<&str> = df.get_column_names().iter().map(|c| c.as_str()).collect();
    for h in [
        "风险点名称",
        "所属领域",
        "所在街镇",
        "地址",
        "经度(CGCS2000)",
        "纬度(CGCS2000)",
        "主要风险因素",
        "可能导致的事故类型",
        "固有风险值",
        "现实风险值",
        "风险等级",
        "管控措施",
        "责任单位",
    ] {
        assert!(header.contains(&h), "{h} missing from {header:?}");
    }
    // Worst first.
    let rank = |l: &str| ["重大风险", "较大风险", "一般风险", "低风险"].iter().position(|x| *x == l).unwrap();
    let levels = col("风险等级");
    assert!(levels.windows(2).all(|w| rank(&w[0]) <= rank(&w[1])));
    // A D04 enterprise as the census sheet names it, with its level from the GeoPackage.
    let (ids, names) = (col("对象编号"), col("风险点名称"));
    let i = ids.iter().position(|id| id == "IT023").unwrap();
    assert_eq!(names[i], "上海长寿路工贸有限公司23");
    assert_eq!(col("地址")[i], "上海市普陀区长寿路街道园区路815号");
    assert_eq!(col("责任单位")[i], "长寿路街道安全办");
    assert_eq!(col("所属领域")[i], "D04 工贸");
    let d04 = read_layer(&gpkg, "D04_industry_trade");
    assert_eq!(Some(levels[i].clone()), value(&d04, "id", "IT023", "level_name"));
    assert_eq!(value(&d04, "id", "IT023", "name").as_deref(), Some("上海长寿路工贸有限公司23"), "names reach the domain layer");
    assert!(col("主要风险因素")[i].contains("事故后果 C：铝镁粉尘涉爆"), "{}", col("主要风险因素")[i]);
    assert_eq!(col("可能导致的事故类型")[i], "火灾、爆炸、中毒和窒息、灼烫、机械伤害");
    let d04_model = std::fs::read_to_string(repo().join("assessment-models/D04_industry_trade.toml")).unwrap();
    let measure = col("管控措施")[i].clone();
    assert!(measure.len() > 20 && d04_model.contains(&measure), "the model's measure for the level: {measure}");
    // Every object has accident types and a measure; objects without a name field go by id.
    assert!(col("可能导致的事故类型").iter().all(|a| !a.is_empty()));
    assert!(col("管控措施").iter().all(|m| !m.is_empty()));
    assert!(names.iter().all(|n| !n.is_empty()));
    // CGCS2000 longitude/latitude inside 普陀区.
    let lon = df.column("经度(CGCS2000)").unwrap().f64().unwrap().clone();
    let lat = df.column("纬度(CGCS2000)").unwrap().f64().unwrap().clone();
    assert!(lon.into_no_null_iter().all(|x| (121.30..121.50).contains(&x)) && lat.into_no_null_iter().all(|y| (31.20..31.35).contains(&y)));
    // The CSV and the workbook sheet hold the same list.
    let text = std::fs::read_to_string(out.join("tables/risk_register.csv")).unwrap();
    assert_eq!(text.lines().count(), total + 1);
    assert!(text.contains("上海长寿路工贸有限公司23,IT023,D04 工贸,长寿路街道,上海市普陀区长寿路街道园区路815号"));
    let script = "import sys, openpyxl\nws = openpyxl.load_workbook(sys.argv[1])['风险清单']\nprint(ws.max_row - 1, ws['B2'].value)";
    let o = std::process::Command::new("/usr/bin/python3").args(["-c", script]).arg(out.join("tables/评估汇总表.xlsx")).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), format!("{total} {}", names[0]));
}

/// A city run: 街镇 of two districts (`district_field`) give per-district
/// totals that add up to the 街镇 and grid tables, 区 rows in summary.csv,
/// and 区 boundaries and names on the maps.
#[test]
fn a_run_over_two_districts_totals_each_district() {
    let tmp = tempfile::tempdir().unwrap();
    // The demo's 街镇, the first four put in a district of their own.
    let mut streets: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(repo().join("layers/demo/putuo_streets.geojson")).unwrap()).unwrap();
    let mut members: std::collections::BTreeMap<String, String> = Default::default();
    for (i, f) in streets["features"].as_array_mut().unwrap().iter_mut().enumerate() {
        let district = if i < 4 { "甲区" } else { "乙区" };
        f["properties"]["district"] = district.into();
        members.insert(f["properties"]["name"].as_str().unwrap().to_owned(), district.to_owned());
    }
    std::fs::write(tmp.path().join("streets.geojson"), streets.to_string()).unwrap();
    let mut config = demo_config();
    config["layers"]["streets"].as_table_mut().unwrap().insert("path".into(), tmp.path().join("streets.geojson").to_string_lossy().into_owned().into());
    config["streets"].as_table_mut().unwrap().insert("district_field".into(), "district".into());
    let file = tmp.path().join("assessment.toml");
    std::fs::write(&file, toml::to_string(&config).unwrap()).unwrap();
    let out = year_dir(tmp.path().join("out"));
    let o = sise(&["run", file.to_str().unwrap(), "--out", root_of(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));

    let districts = csv(&out, "district_levels");
    let col = |name: &str| districts[0].iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}: {:?}", districts[0]));
    assert_eq!(districts.len(), 3, "a header and two districts: {districts:?}");
    assert_eq!((districts[1][0].as_str(), districts[2][0].as_str()), ("甲区", "乙区"));
    assert_eq!((districts[1][col("街镇数")].as_str(), districts[2][col("街镇数")].as_str()), ("4", "6"));
    // Each district's 街镇 per level and grid cells per level are its members' rows of street_comprehensive.
    let streets_table = csv(&out, "street_comprehensive");
    let s_col = |name: &str| streets_table[0].iter().position(|h| h == name).unwrap();
    for row in &districts[1..] {
        let mine: Vec<&Vec<String>> = streets_table[1..].iter().filter(|r| members[&r[s_col("街镇名称")]] == row[0]).collect();
        for level in ["重大风险", "较大风险", "一般风险", "低风险"] {
            let streets_at = mine.iter().filter(|r| r[s_col("综合风险等级")] == level).count();
            assert_eq!(row[col(&format!("{level}街镇数"))], streets_at.to_string(), "{} {level} 街镇", row[0]);
            let cells: u32 = mine.iter().map(|r| r[s_col(&format!("{level}网格数"))].parse::<u32>().unwrap()).sum();
            assert_eq!(row[col(&format!("{level}网格数"))], cells.to_string(), "{} {level} cells", row[0]);
        }
    }
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert_eq!(summary.lines().filter(|l| l.starts_with("区,")).count(), 2 * 18, "17 domains and the comprehensive level per district");
    let map = std::fs::read_to_string(out.join("maps/comprehensive.svg")).unwrap();
    assert!(map.contains("区界") && map.contains(">甲区<") && map.contains(">乙区<"), "district boundaries and names on the map");
    let report = std::fs::read_to_string(out.join("reports/comprehensive.html")).unwrap();
    assert!(report.contains("<td>甲区</td>") && report.contains("<td>乙区</td>"), "the report lists each district");
}

/// `[tables] workbook_rows`: a longer table keeps its first (worst) rows in
/// the workbook with a note naming its CSV, which holds every row; a value
/// past Excel's rows is a config error.
#[test]
fn a_table_longer_than_workbook_rows_keeps_its_worst_rows_in_the_workbook() {
    let tmp = tempfile::tempdir().unwrap();
    let mut config = demo_config();
    config.insert("tables".into(), toml::toml! { workbook_rows = 25 }.into());
    let file = tmp.path().join("assessment.toml");
    std::fs::write(&file, toml::to_string(&config).unwrap()).unwrap();
    let out = year_dir(tmp.path().join("out"));
    let o = sise(&["run", file.to_str().unwrap(), "--out", root_of(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let register = csv(&out, "risk_register");
    let total = register.len() - 1;
    assert!(total > 25, "{total}");
    let script = "import sys, openpyxl\nws = openpyxl.load_workbook(sys.argv[1])['风险清单']\n\
                  print(ws.max_row)\nprint('|'.join(str(ws.cell(r, 3).value) for r in range(2, 27)))\nprint(ws.cell(27, 1).value)";
    let o = std::process::Command::new("/usr/bin/python3").args(["-c", script]).arg(out.join("tables/评估汇总表.xlsx")).output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "27", "a header, 25 rows and the note: {text}");
    let ids: Vec<&str> = register[1..26].iter().map(|r| r[2].as_str()).collect();
    assert_eq!(lines[1], ids.join("|"), "the CSV's first 25 objects, worst first");
    assert_eq!(lines[2], format!("（共 {total} 行，本表列出风险最高的前 25 行；完整内容见 tables/risk_register.csv 或 .parquet）"));

    config.insert("tables".into(), toml::toml! { workbook_rows = 2_000_000 }.into());
    std::fs::write(&file, toml::to_string(&config).unwrap()).unwrap();
    let o = sise(&["run", file.to_str().unwrap(), "--out", tmp.path().join("out2").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("[tables] workbook_rows = 2000000 must be from 1 to 1048574"), "{}", stderr(&o));
}
