//! The expert review (专家研判): the demo's adjustments change the final
//! levels and every count built on them, keep the computed level beside
//! them in each output, and a bad adjustments file is refused row by row.

use std::collections::BTreeMap;
use std::path::Path;

use gdal::vector::LayerAccess;

use crate::common::*;

/// Rows of a CSV table sise wrote, read through GDAL's CSV driver (quotes,
/// BOM; every value text), by column name; an empty cell is "".
fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let ds = gdal::Dataset::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut layer = ds.layer(0).unwrap();
    let names: Vec<String> = layer.defn().fields().map(|f| f.name()).collect();
    layer.features().map(|f| names.iter().enumerate().map(|(i, n)| (n.clone(), f.field_as_string(i).unwrap().unwrap_or_default())).collect()).collect()
}

/// The row of `rows` whose `key` is `value`.
fn row<'a>(rows: &'a [BTreeMap<String, String>], key: &str, value: &str) -> &'a BTreeMap<String, String> {
    rows.iter().find(|r| r[key] == value).unwrap_or_else(|| panic!("no row with {key} = {value}"))
}

/// A level count of `domain_levels.csv`.
fn count(rows: &[BTreeMap<String, String>], domain: &str, level: &str) -> i64 {
    row(rows, "领域编号", domain)[level].parse().unwrap()
}

/// The demo run config with `[review]` pointed at `adjustments`, or without `[review]`.
fn demo_with(dir: &Path, adjustments: Option<&Path>) -> std::path::PathBuf {
    let mut config = demo_config();
    match adjustments {
        Some(f) => {
            config["review"].as_table_mut().unwrap().insert("adjustments".into(), f.to_string_lossy().into_owned().into());
        }
        None => {
            config.remove("review");
        }
    }
    let path = dir.join("assessment.toml");
    std::fs::write(&path, toml::to_string(&config).unwrap()).unwrap();
    path
}

const HEADER: &str = "领域,对象编号,调整后等级,调整理由,研判专家,研判日期\n";

#[test]
fn the_demo_review_moves_levels_and_every_output_keeps_both() {
    let out = shared_run("layers/demo/assessment.toml");
    let tmp = tempfile::tempdir().unwrap();
    let plain = year_dir(tmp.path().join("out"));
    let o = sise(&["run", demo_with(tmp.path(), None).to_str().unwrap(), "--out", root_of(&plain)]);
    assert!(o.status.success(), "{}", stderr(&o));

    // HC011 重大→较大 and HC013 一般→较大 (D01), SE0006 一般→较大 (D08), VN026 较大→重大 (D12):
    // the counts move by exactly those objects.
    let (with, without) = (csv_rows(&out.join("tables/domain_levels.csv")), csv_rows(&plain.join("tables/domain_levels.csv")));
    let delta = |d: &str, l: &str| count(&with, d, l) - count(&without, d, l);
    assert_eq!([delta("D01", "重大风险"), delta("D01", "较大风险"), delta("D01", "一般风险"), delta("D01", "低风险")], [-1, 2, -1, 0]);
    assert_eq!([delta("D08", "较大风险"), delta("D08", "一般风险")], [1, -1]);
    assert_eq!([delta("D12", "重大风险"), delta("D12", "较大风险")], [1, -1]);
    for d in ["D02", "D05", "D16"] {
        assert_eq!(row(&with, "领域编号", d), row(&without, "领域编号", d), "{d} has no adjustment");
    }

    // The GeoPackage: final level, colour and name; the computed one beside it, with the audit trail.
    let gpkg = out.join("sise.gpkg");
    let d01 = read_layer(&gpkg, "D01_hazardous_chemicals");
    assert_eq!(value(&d01, "id", "HC011", "level").as_deref(), Some("2"));
    assert_eq!(value(&d01, "id", "HC011", "level_name").as_deref(), Some("较大风险"));
    assert_eq!(value(&d01, "id", "HC011", "colour").as_deref(), Some("#FF8C00"));
    assert_eq!(value(&d01, "id", "HC011", "computed_level").as_deref(), Some("1"));
    assert!(value(&d01, "id", "HC011", "review_reason").unwrap().contains("紧急切断系统改造"));
    assert_eq!(value(&d01, "id", "HC011", "review_expert").as_deref(), Some("王建国（区应急管理局特聘专家）"));
    assert_eq!(value(&d01, "id", "HC011", "review_date").as_deref(), Some("2024-11-20"));
    // An object nobody adjusted: computed = final, no trail.
    let untouched = d01.iter().find(|r| !["HC011", "HC013"].contains(&r["id"].as_deref().unwrap())).unwrap();
    assert_eq!(untouched["computed_level"], untouched["level"]);
    assert_eq!(untouched["review_reason"], None);
    let plain_d01 = read_layer(&plain.join("sise.gpkg"), "D01_hazardous_chemicals");
    assert_eq!(value(&plain_d01, "id", "HC011", "level").as_deref(), Some("1"), "without the review HC011 is 重大");
    let d12 = read_layer(&gpkg, "D12_crowded_venues");
    assert_eq!((value(&d12, "id", "VN026", "level"), value(&d12, "id", "VN026", "computed_level")), (Some("1".into()), Some("2".into())));

    // 风险清单 and 重大及较大风险清单: final level, 计算等级, 专家研判 in words.
    let register = csv_rows(&out.join("tables/risk_register.csv"));
    let hc011 = row(&register, "对象编号", "HC011");
    assert_eq!((hc011["风险等级"].as_str(), hc011["计算等级"].as_str()), ("较大风险", "重大风险"));
    assert!(hc011["专家研判"].starts_with("计算等级 重大风险 → 专家调整 较大风险：2024年6月") && hc011["专家研判"].contains("王建国"), "{}", hc011["专家研判"]);
    let hc001 = row(&register, "对象编号", "HC001");
    assert_eq!((hc001["计算等级"].as_str(), hc001["专家研判"].as_str()), (hc001["风险等级"].as_str(), ""));
    let major = csv_rows(&out.join("tables/major_risks.csv"));
    let vn026 = row(&major, "对象编号", "VN026");
    assert_eq!((vn026["风险等级"].as_str(), vn026["计算等级"].as_str()), ("重大风险", "较大风险"));
    assert!(vn026["专家研判"].contains("陈立"));

    // 专家研判记录: the four adjustments, as the file gave them, with the object's name and 街镇.
    let review = csv_rows(&out.join("tables/expert_review.csv"));
    assert_eq!(review.len(), 4);
    let se = row(&review, "对象编号", "SE0006");
    assert_eq!((se["领域编号"].as_str(), se["计算等级"].as_str(), se["调整后等级"].as_str()), ("D08", "一般风险", "较大风险"));
    assert_eq!((se["研判专家"].as_str(), se["研判日期"].as_str()), ("李敏（特种设备检验专家）", "2024-11-20"));
    assert!(!plain.join("tables/expert_review.csv").exists() || csv_rows(&plain.join("tables/expert_review.csv")).is_empty());

    // The reports: the domain's 专家研判 section names the object, the comprehensive one the file.
    let d01_report = std::fs::read_to_string(out.join("reports/D01_hazardous_chemicals.html")).unwrap();
    assert!(d01_report.contains("专家研判") && d01_report.contains("HC011") && d01_report.contains("王建国"));
    let d02_report = std::fs::read_to_string(out.join("reports/D02_urban_gas.html")).unwrap();
    assert!(!d02_report.contains("王建国"), "D02 had no adjustment");
    let comprehensive = std::fs::read_to_string(out.join("reports/comprehensive.html")).unwrap();
    assert!(comprehensive.contains("专家研判") && comprehensive.contains("专家研判.csv"));

    // The manifest records the file by its hash, and what the review did.
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let r = &manifest["review"];
    assert_eq!(r["sha256"].as_str().unwrap(), sha256(&repo().join("layers/demo/专家研判.csv")));
    assert_eq!((r["adjustments"].as_u64(), r["raised"].as_u64(), r["lowered"].as_u64()), (Some(4), Some(3), Some(1)));
    let plain_manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(plain.join("manifest.json")).unwrap()).unwrap();
    assert!(plain_manifest["review"].is_null(), "{}", plain_manifest["review"]);
}

/// Each bad adjustments file stops the run before anything is written, with
/// the exit code of its kind of problem, naming the file, the line and what to do.
#[test]
fn bad_adjustments_are_refused_by_file_and_line() {
    let cases: [(&str, String, i32, &[&str]); 8] = [
        (
            "unknown_id",
            format!("{HEADER}D01,HC011,较大,理由,王,2024-11-20\nD01,HC999,较大,理由,王,2024-11-20\n"),
            21,
            &["line 3", "HC999", "chemical_enterprises"],
        ),
        ("unknown_domain", format!("{HEADER}D99 不存在,HC011,较大,理由,王,2024-11-20\n"), 21, &["line 2", "D99", "D17 地震地质与森林火灾"]),
        ("other_domains_object", format!("{HEADER}D02 城镇燃气,HC011,较大,理由,王,2024-11-20\n"), 21, &["line 2", "D02", "HC011"]),
        ("no_reason", format!("{HEADER}D01,HC011,较大,,王,2024-11-20\n"), 12, &["line 2", "调整理由"]),
        ("twice", format!("{HEADER}D01,HC011,较大,理由,王,2024-11-20\nD01,HC011,一般,理由,王,2024-11-20\n"), 20, &["line 3", "HC011", "line 2"]),
        ("bad_level", format!("{HEADER}D01,HC011,高,理由,王,2024-11-20\n"), 14, &["line 2", "'高'", "重大/较大/一般/低"]),
        ("bad_date", format!("{HEADER}D01,HC011,较大,理由,王,下周\n"), 13, &["line 2", "'下周'", "2025-03-12"]),
        ("no_column", "领域,对象编号,调整后等级,调整理由,研判日期\nD01,HC011,较大,理由,2024-11-20\n".into(), 12, &["研判专家", "sise template"]),
    ];
    for (name, text, code, needles) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join(format!("{name}.csv"));
        std::fs::write(&file, text).unwrap();
        let config = demo_with(tmp.path(), Some(&file));
        let mut needles = needles.to_vec();
        let file_name = format!("{name}.csv");
        needles.push(&file_name);
        assert_refused(&config, &[], code, &needles);
    }
    // A missing adjustments file is a missing input.
    let tmp = tempfile::tempdir().unwrap();
    let config = demo_with(tmp.path(), Some(&tmp.path().join("专家研判调整表.xlsx")));
    assert_refused(&config, &[], 10, &["专家研判调整表.xlsx"]);
}

/// A CSV saved by Excel on a Chinese PC is GBK: refused naming the encoding
/// and where to state it, then read with `encoding = "GBK"` in [review].
#[test]
fn a_gbk_adjustments_file_is_read_with_its_encoding() {
    let tmp = tempfile::tempdir().unwrap();
    let utf8 = std::fs::read_to_string(repo().join("layers/demo/专家研判.csv")).unwrap();
    let (gbk, _, lossy) = encoding_rs::GBK.encode(&utf8);
    assert!(!lossy);
    let file = tmp.path().join("专家研判_gbk.csv");
    std::fs::write(&file, &gbk).unwrap();
    let config = demo_with(tmp.path(), Some(&file));
    assert_refused(&config, &[], 13, &["专家研判_gbk.csv", "not UTF-8", "GBK", "[review]"]);

    let mut table: toml::Table = std::fs::read_to_string(&config).unwrap().parse().unwrap();
    table["review"].as_table_mut().unwrap().insert("encoding".into(), "GBK".into());
    std::fs::write(&config, toml::to_string(&table).unwrap()).unwrap();
    let out = year_dir(tmp.path().join("out"));
    let o = sise(&["run", config.to_str().unwrap(), "--out", root_of(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let d01 = read_layer(&out.join("sise.gpkg"), "D01_hazardous_chemicals");
    assert_eq!(value(&d01, "id", "HC011", "level").as_deref(), Some("2"));
    assert_eq!(value(&d01, "id", "HC011", "review_expert").as_deref(), Some("王建国（区应急管理局特聘专家）"));
}

/// The form `sise template` writes, filled as in Excel (the drop-down's
/// texts, a real date cell), is read back: the run applies it.
#[test]
fn the_template_form_filled_in_a_workbook_is_applied() {
    let tmp = tempfile::tempdir().unwrap();
    let templates = tmp.path().join("templates");
    let o = sise(&["template", repo().join("layers/demo/assessment.toml").to_str().unwrap(), "--out", templates.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let form = templates.join("专家研判调整表.xlsx");

    // Empty, as written: a run reads no adjustment from it.
    let out = year_dir(tmp.path().join("empty"));
    let o = sise(&["run", demo_with(tmp.path(), Some(&form)).to_str().unwrap(), "--out", root_of(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["review"]["adjustments"].as_u64(), Some(0));

    // Filled below its header with what its lists offer (openpyxl keeps the
    // validations, as Excel would): a domain, a level name and a date cell.
    let script = r#"
import sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["专家研判"]
header = [c.value for c in ws[2]]
assert header[:6] == ["领域", "对象编号", "调整后等级", "调整理由", "研判专家", "研判日期"], header
choices = [r[0].value for r in wb["选项"].iter_rows()]
domain = next(c for c in choices if c and c.startswith("D12"))
ws.append([domain, "VN026", "重大风险", "安全出口被占用", "陈立", datetime.datetime(2024, 11, 21)])
ws.append(["D01 危险化学品", "HC011", 2, "已完成紧急切断改造", "王建国", datetime.date(2024, 11, 20)])
wb.save(sys.argv[1])
print(domain)
"#;
    let o = std::process::Command::new("/usr/bin/python3").args(["-c", script]).arg(&form).output().unwrap();
    assert!(o.status.success(), "openpyxl: {}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "D12 人员密集场所");
    let out = year_dir(tmp.path().join("filled"));
    let o = sise(&["run", demo_with(tmp.path(), Some(&form)).to_str().unwrap(), "--out", root_of(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let review = csv_rows(&out.join("tables/expert_review.csv"));
    assert_eq!(review.len(), 2);
    let vn = row(&review, "对象编号", "VN026");
    assert_eq!((vn["计算等级"].as_str(), vn["调整后等级"].as_str(), vn["研判日期"].as_str()), ("较大风险", "重大风险", "2024-11-21"));
    let hc = row(&review, "对象编号", "HC011");
    assert_eq!((hc["调整后等级"].as_str(), hc["研判日期"].as_str()), ("较大风险", "2024-11-20"));

    // A bad row of the workbook is named by its sheet row, as Excel numbers it.
    let script = r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
wb["专家研判"].append(["D01 危险化学品", "HC001", "很高", "理由", "王建国", "2024-11-20"])
wb.save(sys.argv[1])
"#;
    let o = std::process::Command::new("/usr/bin/python3").args(["-c", script]).arg(&form).output().unwrap();
    assert!(o.status.success(), "openpyxl: {}", String::from_utf8_lossy(&o.stderr));
    assert_refused(&demo_with(tmp.path(), Some(&form)), &[], 14, &["专家研判调整表.xlsx", "专家研判", "row 5", "'很高'"]);
}
